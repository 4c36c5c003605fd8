"""A small gazetteer held in memory, for tests and demos.

It answers like the GeoNames gazetteer, from a handful of places given to
its constructor, so tests of the stages above run without the built index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from geo import features
from geo.gazetteer.base import (
    MATCH_ALIAS,
    MATCH_DEMONYM,
    MATCH_PRIMARY,
    Gazetteer,
    context_free_rank,
    normalise_name,
)
from geo.models import Place


class InMemoryGazetteer(Gazetteer):
    """Gazetteer over an explicit list of places.

    Parameters
    ----------
    places:
        The places; each is found by its own ``name``.
    aliases:
        Extra names by place name, e.g. ``{"United Kingdom": ["UK", "Britain"]}``.
    demonyms:
        Nouns for peoples by place name, e.g. ``{"Syria": ["Syrian", "Syrians"]}``.
    """

    def __init__(
        self,
        places: Iterable[Place],
        *,
        aliases: Mapping[str, Sequence[str]] | None = None,
        demonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__()
        self._names: dict[str, list[Place]] = {}
        self._demonyms: dict[str, list[Place]] = {}
        self._regions: dict[tuple[str, str], str] = {}  # (country, admin1 or "") -> division or country name
        by_name = {}
        for place in places:
            by_name[place.name] = place
            self._add(self._names, place.name, place, MATCH_PRIMARY)
            if features.is_admin1(place.feature) and place.admin1:
                self._regions.setdefault((place.country_code, place.admin1), place.name)
            elif features.is_country(place.feature):
                self._regions.setdefault((place.country_code, ""), place.name)
        for place_name, names in (aliases or {}).items():
            for name in names:
                self._add(self._names, name, by_name[place_name], MATCH_ALIAS)
        for place_name, names in (demonyms or {}).items():
            for name in names:
                self._add(self._demonyms, name, by_name[place_name], MATCH_DEMONYM)

    @staticmethod
    def _add(index: dict[str, list[Place]], name: str, place: Place, match: str) -> None:
        key = normalise_name(name)
        tagged = replace(place, raw={**place.raw, "match": match, "key": key})
        index.setdefault(key, []).append(tagged)

    def candidates(self, name: str, *, limit: int = 20) -> list[Place]:
        found = self._names.get(normalise_name(name), [])
        return sorted(found, key=context_free_rank)[:limit]

    def demonym_places(self, name: str) -> list[Place]:
        return list(self._demonyms.get(normalise_name(name), []))

    def division_name(self, country_code: str, admin1: str) -> str:
        return self._regions.get((country_code, admin1), "") if admin1 else ""

    def country_name(self, country_code: str) -> str:
        return self._regions.get((country_code, ""), "")
