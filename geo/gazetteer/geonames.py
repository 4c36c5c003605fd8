"""The offline gazetteer: name -> places, from the built SQLite index.

Input: a name as written in an article.  Output: ``Place`` records (or
geopy ``Location`` through ``geocode``).  The index is built by
``geo.gazetteer.build`` from registry packages; opening it is instant, and
lookups are memoised.  The recogniser asks for every name of an article at
once (``prefetch``): one query reads them all, where a query per name cost
most of the time a new ``Geoparser`` spent on its first articles.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from geo.config import Settings
from geo.exc import GazetteerDataError
from geo.gazetteer.base import MATCH_ABBREVIATION, MATCH_DEMONYM, Gazetteer, context_free_rank, normalise_name
from geo.models import Place

_COLUMNS = (
    "p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1, p.admin2, p.feature, p.population, "
    "p.prominence, p.source, n.match"
)
# Rows in the order of the names' primary key, whether one key or several are asked.
_FROM = "FROM names n JOIN places p ON p.id = n.place_id"
_BY_KEY = f"SELECT {_COLUMNS} {_FROM} WHERE n.key = ? ORDER BY n.place_id, n.match"
_BY_KEYS = f"SELECT n.key, {_COLUMNS} {_FROM} WHERE n.key IN ({{}}) ORDER BY n.key, n.place_id, n.match"
# Names remembered between articles: enough for many articles, bounded whatever the texts.
CACHE_SIZE = 65_536
# Keys per prefetch query: under the 999 parameters that older SQLite versions allow.
BATCH_SIZE = 900


def _place(row: Sequence, key: str) -> Place:
    geonameid, name, lat, lon, country_code, admin1, admin2, feature, population, prominence, source, match = row
    return Place(
        name=name,
        lat=lat,
        lon=lon,
        country_code=country_code,
        feature=feature,
        geonameid=geonameid,
        source=source,
        population=population,
        admin1=admin1,
        admin2=admin2,
        prominence=prominence,
        raw={"match": match, "key": key},
    )


class GeoNamesGazetteer(Gazetteer):
    """Gazetteer over the index built from GeoNames, countryinfo and our tables.

    Parameters
    ----------
    path:
        The built index (see ``geo.gazetteer.build.ensure_gazetteer``).

    Raises
    ------
    GazetteerDataError
        When the file is missing or is not a gazetteer index.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerDataError(
                f"Gazetteer index not found at {self.path}. Run `python -m geo build-gazetteer` "
                "or `make run`, which builds it."
            )
        try:
            self._conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._conn.execute("SELECT 1 FROM names LIMIT 1").fetchone()
        except sqlite3.DatabaseError as err:
            raise GazetteerDataError(
                f"{self.path} is not a gazetteer index ({err}). Delete it and run `python -m geo build-gazetteer`."
            ) from err
        # An OrderedDict, whose oldest key goes out in constant time: a dict's first key, once many keys
        # have gone out before it, takes longer to find each time (a list of 85,000 names spent 7 s there).
        self._cache: OrderedDict[str, tuple[Place, ...]] = OrderedDict()
        self._regions: dict[tuple[str, str], str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> GeoNamesGazetteer:
        """Open the index named by the settings, building it first if it is missing or stale."""
        from geo.gazetteer.build import ensure_gazetteer

        return cls(ensure_gazetteer(settings or Settings.load()))

    def lookup(self, key: str) -> tuple[Place, ...]:
        found = self._cache.get(key)
        if found is None:
            found = self._remember(key, self._conn.execute(_BY_KEY, (key,)).fetchall())
        return found

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the keys not yet remembered, ``BATCH_SIZE`` to a query."""
        missing = [key for key in dict.fromkeys(keys) if key not in self._cache]
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start : start + BATCH_SIZE]
            rows: dict[str, list[Sequence]] = defaultdict(list)
            for row in self._conn.execute(_BY_KEYS.format(",".join("?" * len(batch))), batch):
                rows[row[0]].append(row[1:])
            for key in batch:
                self._remember(key, rows.get(key, []))

    def _remember(self, key: str, rows: list) -> tuple[Place, ...]:
        """The places of ``key``'s rows, best first, one per place; cached, the oldest key out when full."""
        found: tuple[Place, ...] = ()
        if rows:  # most keys asked name nothing
            unique: dict[tuple, Place] = {}
            # A place's name before its abbreviation: "NSW" written bare is a name, "N.S.W." needs its stops.
            ranked = sorted(
                [_place(row, key) for row in rows], key=lambda p: (*context_free_rank(p), _is_abbreviation(p))
            )
            for place in ranked:
                unique.setdefault((place.source, place.geonameid, place.name, place.lat, place.lon), place)
            found = tuple(unique.values())
        if len(self._cache) >= CACHE_SIZE:
            self._cache.popitem(last=False)
        self._cache[key] = found
        return found

    def candidates(self, name: str, *, limit: int = 20) -> list[Place]:
        places = [p for p in self.lookup(normalise_name(name)) if p.raw["match"] != MATCH_DEMONYM]
        return places[:limit]

    def demonym_places(self, name: str) -> list[Place]:
        places = [p for p in self.lookup(normalise_name(name)) if p.raw["match"] == MATCH_DEMONYM]
        return sorted(places, key=lambda p: -p.population)

    def division_name(self, country_code: str, admin1: str) -> str:
        return self._region_names().get((country_code, admin1), "") if admin1 else ""

    def country_name(self, country_code: str) -> str:
        return self._region_names().get((country_code, ""), "")

    def _region_names(self) -> dict[tuple[str, str], str]:
        """Names of the first-level divisions and countries by (country, admin1 or ""), read on first use.

        Three thousand rows, read in a few milliseconds: only the review panel asks.
        """
        if self._regions is None:
            rows = self._conn.execute(
                "SELECT country_code, CASE WHEN feature = 'A.ADM1' THEN admin1 ELSE '' END, name FROM places "
                "WHERE (feature = 'A.ADM1' AND admin1 != '') OR feature LIKE 'A.PCL%' ORDER BY population DESC"
            ).fetchall()
            self._regions = {}
            for country_code, admin1, name in rows:
                self._regions.setdefault((country_code, admin1), name)
        return self._regions

    def fingerprint(self) -> str:
        """The fingerprint of the inputs the index was built from."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        return row[0] if row else ""

    def country_polygons(self) -> dict[str, dict]:
        """Outline of every country that has one, as GeoJSON geometries by ISO code."""
        rows = self._conn.execute("SELECT country_code, geometry FROM polygons").fetchall()
        return {code: json.loads(geometry) for code, geometry in rows}

    def close(self) -> None:
        """Close the index file."""
        self._conn.close()


def _is_abbreviation(place: Place) -> bool:
    return place.raw["match"] == MATCH_ABBREVIATION
