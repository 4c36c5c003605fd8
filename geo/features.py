"""GeoNames feature codes: what kind of place a ``Place.feature`` is.

Every stage asks here, so that a code means the same thing to the
gazetteer, the recogniser, the resolver and the map ("A.PCLS", a
dependent state such as Greenland's neighbour, is a country everywhere).
Codes are GeoNames' ``class.code`` (https://www.geonames.org/export/codes.html).
The predicates that combine several tests are memoised: the resolver asks
them of every candidate in every round, and there are only a few hundred codes.
"""

from __future__ import annotations

from functools import cache

COUNTRY = frozenset({"A.PCL", "A.PCLI", "A.PCLD", "A.PCLF", "A.PCLS", "A.PCLIX", "A.TERR"})
ADMIN1 = frozenset({"A.ADM1", "A.ADM1H"})
ADMIN2 = frozenset({"A.ADM2", "A.ADM2H"})
CONTINENT = "L.CONT"
REGION = frozenset({"L.RGN", "L.RGNE", "L.AREA"})
ISLAND = frozenset({"T.ISL", "T.ISLS", "T.ATOL", "T.ARCH"})
RELIEF = frozenset({"T.MT", "T.MTS", "T.PK", "T.RDGE", "T.HLLS", "T.PLAT", "T.DSRT", "T.VAL", "T.PEN", "T.CAPE"})
AIRPORT = frozenset({"S.AIRP", "S.AIRB"})
CAPITAL = "P.PPLC"
# Seats of first-level divisions: GeoNames marks them P.PPLA.
ADMIN_SEAT = frozenset({"P.PPLC", "P.PPLA"})


def feature_class(feature: str) -> str:
    """The class letter: A (areas), P (populated places), H (water), L, T, S..."""
    return feature.split(".", 1)[0]


def is_country(feature: str) -> bool:
    """An independent or dependent state, or a territory."""
    return feature in COUNTRY


def is_admin1(feature: str) -> bool:
    """A first-level division: a state, province, region, oblast."""
    return feature in ADMIN1


def is_admin2(feature: str) -> bool:
    """A second-level division: a county, district, département."""
    return feature in ADMIN2


def is_admin(feature: str) -> bool:
    """A country or a division of one."""
    return feature in COUNTRY or feature in ADMIN1 or feature in ADMIN2


def is_continent(feature: str) -> bool:
    return feature == CONTINENT


@cache
def is_water(feature: str) -> bool:
    """A sea, strait, gulf, lake, river..."""
    return feature_class(feature) == "H"


@cache
def is_populated(feature: str) -> bool:
    """A city, town or village."""
    return feature_class(feature) == "P"


def is_capital(feature: str) -> bool:
    return feature == CAPITAL


def is_island(feature: str) -> bool:
    return feature in ISLAND


def is_airport(feature: str) -> bool:
    return feature in AIRPORT


@cache
def is_natural(feature: str) -> bool:
    """Water, relief, islands and named regions: places that are not settlements or divisions."""
    return is_water(feature) or feature in RELIEF or feature in ISLAND or feature in REGION


@cache
def is_point_like(feature: str) -> bool:
    """Places small enough that their position says something about their neighbours."""
    return is_populated(feature) or is_admin2(feature) or is_airport(feature) or is_island(feature)


@cache
def is_area(feature: str) -> bool:
    """Places that contain others: continents, countries, first-level divisions, regions."""
    return feature == CONTINENT or is_country(feature) or is_admin1(feature) or feature in REGION


@cache
def rank(feature: str) -> int:
    """Sort order with no context: continents, countries, divisions and seas first; villages last."""
    if feature == CONTINENT:
        return 0
    if is_country(feature):
        return 1
    if is_admin1(feature) or is_water(feature) and feature in {"H.SEA", "H.OCN", "H.CHN", "H.GULF", "H.STRT"}:
        return 2
    if feature in REGION or feature == CAPITAL:
        return 3
    if is_admin2(feature):
        return 5
    return 4
