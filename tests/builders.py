"""Small hand-made records and browser settings shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from geo.atlas import GeoparsedArticle
from geo.models import Article, GeocodedMention, Mention, Place
from geo.store import MEMORY, Store

CALAIS = Place("Calais", 50.95, 1.86, "FR", "P.PPL", 3029162, "geonames")
CALAIS_ME = Place("Calais", 45.18, -67.28, "US", "P.PPL", 4959834, "geonames", admin1="ME")
FRANCE = Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "countryinfo")
SYRIA = Place("Syria", 35.0, 38.0, "SY", "A.PCLI", 163843, "countryinfo")
CHANNEL = Place("English Channel", 50.2, -1.0, "", "H.CHN", None, "regions")
SMALL_A = "Camps in Calais were cleared. Syrians fled Calais to France. Boats cross the Channel."
SMALL_B = "The mill in Calais, Maine closed. Nobody knows."

# Debian's chromium, launched as the project's browser tests must (never a downloaded browser).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def geocoded(text: str, word: str, place: Place | None, kind: str = "toponym", nth: int = 0) -> GeocodedMention:
    """The ``nth`` occurrence of ``word`` in ``text``, its sentence running between full stops."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    sentence_start = text.rfind(".", 0, start) + 1
    while text[sentence_start] == " ":
        sentence_start += 1
    sentence_end = text.index(".", start) + 1
    mention = Mention(start, start + len(word), word, kind, (sentence_start, sentence_end), (0, len(text)))  # type: ignore[arg-type]
    return GeocodedMention(mention, place)


def small_corpus() -> list[GeoparsedArticle]:
    """Two articles: Calais twice, Syrians, France and the Channel; Calais, Maine and an unplaced "Nobody"."""
    a, b = Article("a", "Camps cleared", SMALL_A), Article("b", "Mill closed", SMALL_B)
    return [
        GeoparsedArticle(a, (
            geocoded(SMALL_A, "Calais", CALAIS),
            geocoded(SMALL_A, "Syrians", SYRIA, "demonym"),
            geocoded(SMALL_A, "Calais", CALAIS, nth=1),
            geocoded(SMALL_A, "France", FRANCE),
            geocoded(SMALL_A, "Channel", CHANNEL),
        )),
        GeoparsedArticle(b, (geocoded(SMALL_B, "Calais", CALAIS_ME), geocoded(SMALL_B, "Nobody", None))),
    ]  # fmt: skip


def stored(corpus: Iterable[GeoparsedArticle]) -> Store:
    """A store in memory holding ``corpus`` (under the articles' own ids, which must differ)."""
    store = Store(MEMORY)
    for item in corpus:
        store.add(item.article, item.mentions, geoparser_version="test")
    return store
