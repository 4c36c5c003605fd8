"""The gazetteer interface shared by every backend, and name normalisation.

A gazetteer is a geopy geocoder (``geocode(query, exactly_one=...)`` returns
``geopy.location.Location`` with the record in ``raw``), so any geopy
geocoder can stand in for it.  The resolver uses the typed ``candidates``
method beside it, which returns ``Place`` records.
"""

from __future__ import annotations

import re
import unicodedata
from abc import abstractmethod
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.features import rank as feature_rank
from geo.models import Place

# How a name matched a place; the resolver trusts them in this order.
MATCH_PRIMARY = "primary"  # the place's own name, or its ASCII form
MATCH_ALIAS = "alias"  # a curated English alias: "UK", "the Channel", "W.Va."
MATCH_ABBREVIATION = "abbr"  # a postal abbreviation, trusted only with its full stops: "W.Va."
MATCH_ALTERNATE = "alternate"  # one of GeoNames' many alternate names
MATCH_DEMONYM = "demonym"  # the noun for its people: "Syrians", "Afghan"

_APOSTROPHES = "'’`´ʼ"
_HYPHENS = "-‐‑‒–—"
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Fold a place name to the key it is looked up by.

    Case, accents, hyphens, apostrophes and full stops do not matter, so
    "Hénin-Beaumont", "Henin Beaumont" and "HENIN-BEAUMONT" meet, as do
    "U.K." and "UK".  A leading "the" is kept: "the Channel" is not "Channel".

    Examples
    --------
    >>> normalise_name("Hénin-Beaumont")
    'henin beaumont'
    >>> normalise_name("U.K.")
    'uk'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = folded.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe").replace("ł", "l")
    for apostrophe in _APOSTROPHES:
        folded = folded.replace(apostrophe, "")
    for hyphen in _HYPHENS:
        folded = folded.replace(hyphen, " ")
    words = folded.replace(".", " ").replace(",", " ").split()
    # The letters of an acronym join up again: "u s a" (from "U.S.A.") is "usa".
    merged: list[str] = []
    joining = False
    for word in words:
        single = len(word) == 1 and word.isalpha()
        if single and joining:
            merged[-1] += word
        else:
            merged.append(word)
        joining = single or (joining and single)
    return " ".join(merged)


def place_to_location(place: Place) -> Location:
    """Wrap a ``Place`` as the ``geopy.location.Location`` geopy callers expect."""
    raw: dict[str, Any] = dict(place.raw)
    raw.update(place.as_json())
    raw["population"] = place.population
    address = ", ".join(part for part in (place.name, place.country_code) if part)
    return Location(address, Point(place.lat, place.lon), raw)


class Gazetteer(Geocoder):
    """Base of the offline gazetteers: geopy's ``geocode`` over ``candidates``.

    Subclasses implement ``candidates`` and ``demonym_places``; ``geocode``
    ranks candidates by trust of the match, feature and population, which is
    the context-free best guess.  The resolver does better with context.
    """

    def __init__(self) -> None:
        super().__init__()

    @abstractmethod
    def candidates(self, name: str, *, limit: int = 20) -> list[Place]:
        """Every place called ``name`` (any spelling), best first; ``[]`` for none.

        Each place's ``raw["match"]`` says how the name matched (``MATCH_*``).
        """

    @abstractmethod
    def demonym_places(self, name: str) -> list[Place]:
        """The countries or continents whose people ``name`` names ("Syrians")."""

    @abstractmethod
    def division_name(self, country_code: str, admin1: str) -> str:
        """The name of a country's first-level division by its GeoNames code ("FR", "32" -> "Hauts-de-France").

        ``""`` when the gazetteer has no such division.
        """

    @abstractmethod
    def country_name(self, country_code: str) -> str:
        """The name of a country by its ISO code ("FR" -> "France"); ``""`` when the gazetteer has none."""

    def lookup(self, key: str) -> tuple[Place, ...]:
        """Every place and people named ``key``, a normalised name (``normalise_name``): what the recogniser asks."""
        return tuple(self.candidates(key)) + tuple(self.demonym_places(key))

    def prefetch(self, keys: Iterable[str]) -> None:
        """Get ready to ``lookup`` these keys, soon to be asked.

        A backend over a database reads them all in one query instead of one
        query each; this default, for backends held in memory, does nothing.
        """

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        """geopy's contract: a ``Location``, a list of them, or ``None``."""
        places = self.candidates(query)
        if not places:
            return None
        locations = [place_to_location(p) for p in places]
        return locations[0] if exactly_one else locations

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        """Reverse geocoding is not needed by News Atlas and not offered."""
        raise NotImplementedError(f"{type(self).__name__} does not reverse-geocode")


def context_free_rank(place: Place) -> tuple[int, int, int, int, int]:
    """Sort key for candidates with no context: trusted match, big feature, population, prominence."""
    match_rank = {MATCH_PRIMARY: 0, MATCH_ALIAS: 0, MATCH_ABBREVIATION: 0, MATCH_ALTERNATE: 1}.get(
        place.raw.get("match", ""), 2
    )
    return (match_rank, feature_rank(place.feature), -place.population, -place.prominence, place.geonameid or 0)
