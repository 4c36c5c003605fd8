"""Resolution: choose the place each mention means, from the article's context.

Input: ``list[Mention]`` and a gazetteer.  Output: ``list[GeocodedMention]``.

Every candidate gets a prior (a country or a capital over a homonymous
village; larger places over smaller ones) and context bonuses: the
container named after a comma ("Charleston, W.Va."), the countries and US
states the article names, and nearness to the article's other places
(Calais beside Sangatte and France is in France, not Maine).  A name gets
one reading per article.  Small places marked ``weak`` by the recogniser
stay only when the article supports them: a locative cue ("in Sangatte")
or another place of the article nearby.  Everything is deterministic: ties
break on the GeoNames id.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from geo.gazetteer.base import MATCH_ABBREVIATION, MATCH_ALIAS, MATCH_ALTERNATE, Gazetteer
from geo.models import GeocodedMention, Mention, Place

logger = logging.getLogger(__name__)

FEATURE_PRIOR = {
    "L.CONT": 4.0,
    "A.PCLI": 5.0,
    "A.ADM1": 3.0,
    "A.ADM2": 2.5,
}
REGION_PRIOR = 3.5  # seas, channels, regions from our table
CAPITAL_BONUS = 0.75
ALIAS_BONUS = 2.0  # our curated English names ("EU", "the Channel") beat homonymous towns ("Eu")
ALTERNATE_PENALTY = 1.0
CONTAINER_BONUS = 5.0
SAME_STATE_BONUS = 2.0
SAME_COUNTRY_BONUS = 2.0  # scaled by the share of the article's other places in that country
CONTAINS_BONUS = 2.0  # a country or state that holds other places of the article
NEAR_KM = 150.0
NEAR_BONUS = 1.5
ROUNDS = 2

OnlineLookup = Callable[[str], Place | None]


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def prior(place: Place) -> float:
    """How likely a place is meant, before reading the article."""
    if place.feature in FEATURE_PRIOR:
        score = FEATURE_PRIOR[place.feature]
    elif place.source == "regions":
        score = REGION_PRIOR
    else:
        score = math.log10(place.population + 10) / 2
        if place.feature == "P.PPLC":
            score += CAPITAL_BONUS
    if place.raw.get("match") == MATCH_ALTERNATE:
        score -= ALTERNATE_PENALTY
    elif place.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION} and len(place.raw.get("key", "")) <= 4:
        score += ALIAS_BONUS
    return score


def _is_point_like(place: Place) -> bool:
    """Towns and small areas, whose position says something about their neighbours."""
    return place.feature_class == "P" or place.feature == "A.ADM2"


@dataclass(frozen=True, slots=True)
class _Context:
    """What the rest of the article says about where it is."""

    points: list[Place]
    country_share: dict[str, float]
    point_countries: set[str]
    point_states: set[tuple[str, str]]
    states: set[str]

    @classmethod
    def of(cls, others: list[tuple[Place, int]]) -> _Context:
        """Context from the other names' current places, each weighted by its mentions."""
        total = sum(count for _, count in others) or 1
        share: dict[str, float] = defaultdict(float)
        for place, count in others:
            if place.country_code:
                share[place.country_code] += count / total
        points = [p for p, _ in others if _is_point_like(p)]
        return cls(
            points=points,
            country_share=dict(share),
            point_countries={p.country_code for p in points}
            | {p.country_code for p, _ in others if p.feature == "A.ADM1"},
            point_states={(p.country_code, p.admin1) for p in points},
            states={p.admin1 for p, _ in others if p.feature == "A.ADM1" and p.country_code == "US"},
        )


class _Resolution:
    """The candidates of one article's names and the current choice for each."""

    def __init__(self, mentions: Sequence[Mention], gazetteer: Gazetteer) -> None:
        self.by_key: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for mention in mentions:
            self.by_key[(mention.kind, mention.key)].append(mention)
        self.candidates: dict[tuple[str, str], list[Place]] = {}
        for kind, key in self.by_key:
            found = gazetteer.demonym_places(key) if kind == "demonym" else gazetteer.candidates(key)
            self.candidates[(kind, key)] = list(found)
        self.containers = {
            group: {cue.split(":", 1)[1] for m in ms for cue in m.cues if cue.startswith("container:")}
            for group, ms in self.by_key.items()
        }
        self.choice: dict[tuple[str, str], Place] = {}

    def choose(self, gazetteer: Gazetteer) -> None:
        container_places = {key: gazetteer.candidates(key) for keys in self.containers.values() for key in keys}
        for _ in range(ROUNDS):
            new_choice = {}
            for group, places in self.candidates.items():
                if not places:
                    continue
                others = [(p, len(self.by_key[g])) for g, p in self.choice.items() if g != group]
                context = _Context.of(others)
                containers = [c for key in self.containers[group] for c in container_places.get(key, [])[:3]]
                scored = [(self._score(p, containers, context), -(p.geonameid or 0), p) for p in places]
                new_choice[group] = max(scored, key=lambda item: (item[0], item[1]))[2]
            self.choice = new_choice

    @staticmethod
    def _score(place: Place, containers: list[Place], context: _Context) -> float:
        score = prior(place)
        for container in containers:
            if container.feature == "A.PCLI" and place.country_code == container.country_code:
                score += CONTAINER_BONUS
            elif container.feature == "A.ADM1" and (place.country_code, place.admin1) == (
                container.country_code,
                container.admin1,
            ):
                score += CONTAINER_BONUS
        if place.feature == "A.PCLI":
            if place.country_code in context.point_countries:
                score += CONTAINS_BONUS
            return score
        score += SAME_COUNTRY_BONUS * context.country_share.get(place.country_code, 0.0)
        if place.feature == "A.ADM1":
            if (place.country_code, place.admin1) in context.point_states:
                score += CONTAINS_BONUS
            return score
        if place.country_code == "US" and place.admin1 in context.states:
            score += SAME_STATE_BONUS
        if _is_point_like(place) and any(distance_km(place, other) <= NEAR_KM for other in context.points):
            score += NEAR_BONUS
        return score

    def supported(self) -> set[tuple[str, str]]:
        """The names to keep: strong ones, cued weak ones, and weak ones near a kept place."""
        keep = {
            group
            for group, ms in self.by_key.items()
            if not any("weak" in m.cues for m in ms)
            or any(c == "locative" or c.startswith("container:") for m in ms for c in m.cues)
        }
        changed = True
        while changed:
            changed = False
            anchors = [self.choice[g] for g in keep if g in self.choice and _is_point_like(self.choice[g])]
            states = {self.choice[g].admin1 for g in keep if g in self.choice and self.choice[g].feature == "A.ADM1"}
            for group in self.by_key.keys() - keep:
                place = self.choice.get(group)
                if place is None:
                    continue
                near = any(distance_km(place, anchor) <= NEAR_KM for anchor in anchors)
                in_state = place.country_code == "US" and place.admin1 in states
                if near or in_state:
                    keep.add(group)
                    changed = True
        return keep


def resolve_mentions(
    mentions: Sequence[Mention], gazetteer: Gazetteer, *, online: OnlineLookup | None = None
) -> list[GeocodedMention]:
    """Place every mention, or drop it when the article does not support it.

    Parameters
    ----------
    mentions:
        One article's mentions, from ``extract_mentions``.
    gazetteer:
        Gives the candidates of each name.
    online:
        Optional lookup for names the gazetteer cannot place (returns a
        ``Place`` or ``None``); never called for names it can.

    Returns
    -------
    list[GeocodedMention]
        In the order of ``mentions``; ``place`` is ``None`` for a name that
        is certainly a place (e.g. "Laurel County") but could not be placed.
    """
    resolution = _Resolution(mentions, gazetteer)
    resolution.choose(gazetteer)
    keep = resolution.supported()
    online_places: dict[str, Place | None] = {}
    result = []
    for mention in mentions:
        group = (mention.kind, mention.key)
        if group not in keep:
            continue
        place = resolution.choice.get(group)
        if place is None and online is not None and mention.kind == "toponym":
            if mention.key not in online_places:
                online_places[mention.key] = online(mention.text)
            place = online_places[mention.key]
        result.append(GeocodedMention(mention, place))
    return result
