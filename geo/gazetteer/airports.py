"""Airports by name, from ``airportsdata``, read at build time.

Input: ``airportsdata``'s airports that have an IATA code (the ones with
scheduled flights that news names).  Output: ``Airport`` records with the
names each is found by: its full name ("London Heathrow Airport"), that name
without its city or without "International" ("Heathrow Airport",
"Vancouver Airport"), and its distinctive word alone ("Heathrow",
"Schiphol") when the name is that word, its city and "International
Airport" ("Parry Sound Area Municipal Airport" gives no "Area") and the word
is not a town of the same country (the "Dubai" of "Dubai International
Airport" is the city).  IATA codes are not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import airportsdata

from geo.gazetteer.base import normalise_name

# Words that only say it is an airport. An airport has its own word ("Heathrow") only when its
# name is that word, its city and these ("London Heathrow Airport", "Chicago O'Hare International
# Airport"): "Parry Sound Area Municipal Airport" and "French Valley Airport" have none.
AIRPORT_WORDS = frozenset({"airport", "international", "intl"})
# Words that say what kind of airport it is, never which: "Ardmore Municipal Airport" gives no "Municipal".
KIND_WORDS = frozenset(
    {
        "regional", "municipal", "county", "field", "air", "base", "airfield", "aerodrome", "airstrip",
        "airpark", "memorial", "executive", "national", "domestic", "city", "metropolitan", "station",
        "heliport", "seaplane", "army", "afb", "nas", "raf", "airbase", "general", "area", "space", "port",
    }
)  # fmt: skip
_NAMED = re.compile(r"\b(Airport|Airfield|Aerodrome)\b")


@dataclass(frozen=True)
class Airport:
    iata: str
    name: str
    city: str
    country_code: str
    lat: float
    lon: float
    names: tuple[str, ...]


def read_airports(town_populations: Mapping[tuple[str, str], int]) -> Iterator[Airport]:
    """Airports with an IATA code whose name says it is an airport, with their names.

    ``town_populations`` maps (country code, normalised name) to the
    population of the largest town of that name, to tell an airport's own
    word ("Heathrow") from its town's ("Dubai").
    """
    for iata, entry in sorted(airportsdata.load("IATA").items()):
        name = " ".join(entry["name"].split())
        if not iata or not _NAMED.search(name):
            continue
        yield Airport(
            iata=iata,
            name=name,
            city=entry["city"],
            country_code=entry["country"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            names=tuple(_airport_names(name, entry["city"], entry["country"], town_populations)),
        )


def _airport_names(name: str, city: str, country: str, towns: Mapping[tuple[str, str], int]) -> list[str]:
    names = [name]
    if " International Airport" in name:
        names.append(name.replace(" International Airport", " Airport"))
    without_city = name[len(city) + 1 :] if city and name.startswith(city + " ") else ""
    if without_city and _NAMED.search(without_city) and not without_city.startswith(("International", "Airport")):
        names.append(without_city)  # "Heathrow Airport"
    own = [w for w in re.split(r"[\s/()]+", without_city or name) if w and w.casefold() not in AIRPORT_WORDS]
    if len(own) == 1 and len(own[0]) >= 4 and own[0][0].isupper() and own[0].casefold() not in KIND_WORDS:
        word = own[0]
        if (country, normalise_name(word)) not in towns and normalise_name(word) != normalise_name(city):
            names.append(word)  # "Heathrow", "Schiphol"
            if without_city:
                names.append(f"{city} {word}")  # "London Heathrow"
    return names
