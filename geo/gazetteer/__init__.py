"""Gazetteers: offline GeoNames index, in-memory, and the online fallback.

``GEOCODERS`` maps a name to its backend; ``get_geocoder(name)`` looks one up.
"""

from __future__ import annotations

from geo.exc import GeocoderNotFound
from geo.gazetteer.base import Gazetteer, normalise_name, place_to_location
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.gazetteer.memory import InMemoryGazetteer
from geo.gazetteer.online import OnlineGeocoder

GEOCODERS: dict[str, type] = {
    "geonames": GeoNamesGazetteer,
    "memory": InMemoryGazetteer,
    "nominatim": OnlineGeocoder,
}


def get_geocoder(name: str) -> type:
    """The gazetteer class registered under ``name``.

    Raises
    ------
    GeocoderNotFound
        When no backend has that name.
    """
    try:
        return GEOCODERS[name]
    except KeyError:
        raise GeocoderNotFound(f"Unknown geocoder {name!r}; options are: {sorted(GEOCODERS)}") from None


__all__ = [
    "GEOCODERS",
    "Gazetteer",
    "GeoNamesGazetteer",
    "InMemoryGazetteer",
    "OnlineGeocoder",
    "get_geocoder",
    "normalise_name",
    "place_to_location",
]
