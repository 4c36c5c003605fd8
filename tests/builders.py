"""Small hand-made records and browser settings shared by the tests."""

from __future__ import annotations

from pathlib import Path

from geo.models import GeocodedMention, Mention, Place

CALAIS = Place("Calais", 50.95, 1.86, "FR", "P.PPL", 3029162, "geonames")
CALAIS_ME = Place("Calais", 45.18, -67.28, "US", "P.PPL", 4959834, "geonames", admin1="ME")
FRANCE = Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "countryinfo")
SYRIA = Place("Syria", 35.0, 38.0, "SY", "A.PCLI", 163843, "countryinfo")
CHANNEL = Place("English Channel", 50.2, -1.0, "", "H.CHN", None, "regions")

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
