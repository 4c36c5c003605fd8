"""A synthetic corpus of about 5,000 distinct places, generated from the gazetteer index.

Input: the built gazetteer index (``GeoNamesGazetteer.from_settings``).
Output: a few dozen ``.txt`` articles in a folder, each a title line and
sentences such as "Officials met in Tulsa, United States.", that together
name ``count`` distinct cities, each followed by its country.

Cities are the most populous ``P.*`` GeoNames places with a Latin-script name
that no other chosen city, no country and no other kind of place shares, so
that each name means one place.  The corpus is then geoparsed with
``geo.pipeline.Geoparser`` and the cities the resolver does not place where
intended are replaced by the next ones, so that the final corpus has
``count`` intended cities (plus the countries named after them).  Nothing is
downloaded and nothing is written outside the given folder; the benchmark
writes to a temporary folder, so the corpus is never committed.  (Unlike
``bench/synthetic_corpus.py``, which recombines LGL prose for ingest scale,
this corpus exists to put thousands of distinct places on the map.)

    python bench/synthetic.py OUT_DIR [--places N] [--articles N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.atlas import place_id  # noqa: E402
from geo.config import Settings  # noqa: E402
from geo.gazetteer.base import normalise_name  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402

DEFAULT_PLACES = 5_000
DEFAULT_ARTICLES = 40
SPARE = 0.25  # candidates beyond ``count``, to replace the cities the resolver places elsewhere
TEMPLATES = (
    "Officials met in {city}, {country}.",
    "Reporters travelled to {city}, {country}.",
    "Aid workers arrived in {city}, {country}.",
    "Protesters gathered in {city}, {country}.",
    "Talks continued in {city}, {country}.",
)
SENTENCES_PER_PARAGRAPH = 5


@dataclass(frozen=True, slots=True)
class City:
    """A city of the synthetic corpus and the country it is written with."""

    geonameid: int
    name: str
    country: str
    population: int
    lat: float
    lon: float

    @property
    def id(self) -> str:
        """The app's place id (``geo.atlas.place_id``) of this city."""
        return f"geonames:{self.geonameid}"


@dataclass(frozen=True, slots=True)
class SyntheticCorpus:
    """What ``build_corpus`` wrote and what the geoparser found in it."""

    folder: Path
    paths: tuple[Path, ...]
    cities: tuple[City, ...]
    placed_ids: frozenset[str]  # distinct places the geoparser placed, every kind
    intended: int  # cities placed at their own GeoNames id

    @property
    def missed(self) -> int:
        return len(self.cities) - self.intended


def _is_plain_latin(name: str) -> bool:
    """Letters (Latin, accents allowed), spaces, hyphens and apostrophes; every word capitalised."""
    if len(name) < 4 or not all(ch.isalpha() or ch in " -'" for ch in name):
        return False
    if not all(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in name):
        return False
    return all(word[:1].isupper() for word in name.replace("-", " ").split())


def candidate_cities(gazetteer: object, count: int) -> list[City]:
    """The ``count`` most populous cities whose name means only them (see the module docstring).

    ``gazetteer`` is a ``GeoNamesGazetteer``; its SQLite index is queried directly.
    """
    conn = gazetteer._conn  # type: ignore[attr-defined]
    countries = dict(conn.execute("SELECT country_code, name FROM places WHERE feature = 'A.PCLI'").fetchall())
    # How many places of any kind each name key can mean, and whether one of them is not a town.
    ambiguous = {
        key
        for key, places, non_town in conn.execute(
            "SELECT n.key, COUNT(DISTINCT n.place_id), SUM(p.feature NOT LIKE 'P.%') "
            "FROM names n JOIN places p ON p.id = n.place_id GROUP BY n.key"
        )
        if places > 1 or non_town
    }
    rows = conn.execute(
        "SELECT geonameid, name, country_code, population, lat, lon FROM places "
        "WHERE feature LIKE 'P.%' AND source = 'geonames' ORDER BY population DESC, geonameid"
    )
    country_keys = {normalise_name(name) for name in countries.values()}
    chosen: list[City] = []
    seen: set[str] = set()
    for geonameid, name, code, population, lat, lon in rows:
        key = normalise_name(name)
        if code not in countries or key in seen or key in ambiguous or key in country_keys:
            continue
        if not _is_plain_latin(name):
            continue
        seen.add(key)
        chosen.append(City(geonameid, name, countries[code], population, lat, lon))
        if len(chosen) == count:
            break
    return chosen


def write_corpus(folder: Path, cities: Sequence[City], articles: int = DEFAULT_ARTICLES) -> list[Path]:
    """Write the cities round-robin into ``articles`` .txt files; return their paths.

    Round-robin spreads every article over the world, like a wire service's day.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("dispatch-*.txt"):
        old.unlink()
    paths = []
    for index in range(articles):
        share = cities[index::articles]
        sentences = [
            TEMPLATES[(index + n) % len(TEMPLATES)].format(city=c.name, country=c.country) for n, c in enumerate(share)
        ]
        paragraphs = [
            " ".join(sentences[start : start + SENTENCES_PER_PARAGRAPH])
            for start in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
        ]
        path = folder / f"dispatch-{index + 1:03d}.txt"
        path.write_text(f"Dispatch number {index + 1}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def geoparse_folder(paths: Sequence[Path], geoparser: Geoparser) -> tuple[set[str], set[int]]:
    """Distinct place ids the geoparser placed in the files, and the GeoNames ids among them."""
    ids: set[str] = set()
    geonameids: set[int] = set()
    for path in paths:
        for mention in geoparser.geoparse(path.read_text(encoding="utf-8")):
            if mention.place is not None:
                ids.add(place_id(mention.place))
                if mention.place.geonameid is not None:
                    geonameids.add(mention.place.geonameid)
    return ids, geonameids


def build_corpus(
    folder: Path,
    count: int = DEFAULT_PLACES,
    *,
    articles: int = DEFAULT_ARTICLES,
    geoparser: Geoparser | None = None,
) -> SyntheticCorpus:
    """Write a corpus naming ``count`` cities that the geoparser places as intended.

    Writes the candidates, geoparses them, keeps the cities placed at their
    own GeoNames id, writes the first ``count`` of those and geoparses again
    (each city's article context changes, so a few may still move).
    """
    geoparser = geoparser or Geoparser.from_settings(Settings.load(online=False))
    candidates = candidate_cities(geoparser.gazetteer, int(count * (1 + SPARE)))
    paths = write_corpus(folder, candidates, articles)
    _, found = geoparse_folder(paths, geoparser)
    kept = [c for c in candidates if c.geonameid in found][:count]
    paths = write_corpus(folder, kept, articles)
    ids, found = geoparse_folder(paths, geoparser)
    return SyntheticCorpus(
        folder=folder,
        paths=tuple(paths),
        cities=tuple(kept),
        placed_ids=frozenset(ids),
        intended=sum(c.geonameid in found for c in kept),
    )


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic corpus into a folder and print what the geoparser finds in it."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("folder", type=Path, help="where to write the .txt articles")
    arguments.add_argument("--places", type=int, default=DEFAULT_PLACES, help=f"cities (default {DEFAULT_PLACES})")
    arguments.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="articles (default 40)")
    options = arguments.parse_args(argv)
    corpus = build_corpus(options.folder, options.places, articles=options.articles)
    print(
        f"{len(corpus.paths)} articles in {corpus.folder}: {len(corpus.cities):,} cities, "
        f"{corpus.intended:,} placed as intended; {len(corpus.placed_ids):,} distinct placed places in all."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
