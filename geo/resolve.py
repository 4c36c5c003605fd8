"""Resolution: choose the place each mention means, from the article's context.

Input: ``list[Mention]`` and a gazetteer.  Output: ``list[GeocodedMention]``.

Every candidate gets a prior (a country or a capital over a homonymous
village; larger and more widely named places over smaller ones) and context
bonuses: the container named after a comma ("Charleston, W.Va.", "Pune,
Maharashtra"), the countries and first-level divisions the article names,
and nearness to the article's other places (Calais beside Sangatte and
France is in France, not Maine).  Two ambiguous names whose candidates lie
side by side mean those two ("Paris" and "Henry County": Tennessee's), and
three rounds let that choice spread to the rest of the article.  A name
gets one reading per article.

A name is kept when the text says it is a place (``Mention.placed_by_text``:
"in Sangatte", "Sangatte, France"), when the place it resolves to stands
alone (a country, a division, a sea, a large or widely named city, or a
town whose name is no common English word, first name or surname:
Lampedusa, Sangatte), or when it lies near another kept place of the
article or in a division the article names.  So "They visited Calais." maps
Calais, and a hamlet called "Story" needs the article's support.
Everything is deterministic: ties break on the GeoNames id.  Time is linear
in the number of names: context totals are counted once per round and
nearness is looked up in a grid.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from geo import features
from geo.gazetteer.base import MATCH_ABBREVIATION, MATCH_ALIAS, MATCH_ALTERNATE, Gazetteer
from geo.models import Evidence, GeocodedMention, Mention, Place
from geo.words import Words, load_words

logger = logging.getLogger(__name__)

COUNTRY_PRIOR = 5.0
CONTINENT_PRIOR = 4.0
ADMIN1_PRIOR = 3.0
ADMIN2_PRIOR = 2.5
TABLE_PRIOR = 3.5  # seas, regions and natural features from our tables
AIRPORT_PRIOR = 2.5  # an airport named by itself ("Heathrow") over a small town of that name, under a state
CAPITAL_BONUS = 0.75
ALIAS_BONUS = 2.0  # our curated English names ("EU", "the Channel") beat homonymous towns ("Eu")
ALTERNATE_PENALTY = 1.0
CONTAINER_BONUS = 5.0
SAME_DIVISION_BONUS = 2.0  # a town in a first-level division the article names
SAME_COUNTRY_BONUS = 2.0  # scaled by the share of the article's other places in that country
CONTAINS_BONUS = 2.0  # a country or division that holds other places of the article
NEAR_KM = 150.0
NEAR_BONUS = 1.5
# Two ambiguous names whose candidates lie this close ("Paris" and "Henry County", Tennessee)
# most likely mean those two: homonyms rarely fall this close by chance.
COLOCATED_KM = 30.0
COLOCATED_BONUS = 1.5
COLOCATED_MARGIN = 1.0  # only a candidate this close to its name's best prior lends support
ROUNDS = 3  # at most: a round that changes no choice ends the loop
# A town named like a common word stands alone with this many people, or this many names across languages.
STANDING_POPULATION = 100_000
STANDING_NAMES = 50
# A division named like a common word or a person stands alone with this many people (Georgia, Victoria).
STANDING_DIVISION_POPULATION = 1_000_000
# A town with a name of its own needs this many people, or names, not to be a hamlet.
HAMLET_POPULATION = 1_000
HAMLET_NAMES = 5
# Names this common as English words (Zipf scale), or as first names or surnames (percent), need support.
COMMON_WORD_ZIPF = 3.5
COMMON_PERSON_NAME = 0.01
# Even a large town is named like this many people (percent) needs support: Elizabeth, NJ; Jackson, MS.
VERY_COMMON_PERSON_NAME = 0.1

# Scored candidates kept per name, best first, for ``--explain`` and the review panel.
KEPT_SCORES = 5

OnlineLookup = Callable[[str], Place | None]
Group = tuple[str, str]  # (kind, key): one reading per article for each


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _same_place(a: Place, b: Place) -> bool:
    return a.geonameid is not None and a.geonameid == b.geonameid


def prior(place: Place) -> float:
    """How likely a place is meant, before reading the article."""
    feature = place.feature
    if features.is_country(feature):
        score = COUNTRY_PRIOR + math.log10(place.population + 1) / 100  # "Americans": the US, not the Marianas
    elif features.is_continent(feature):
        score = CONTINENT_PRIOR
    elif features.is_admin1(feature):
        score = ADMIN1_PRIOR + math.log10(place.population + 1) / 100  # "Santa Cruz": Bolivia's, the larger
    elif features.is_admin2(feature):
        score = ADMIN2_PRIOR + math.log10(place.population + 1) / 100
    elif features.is_airport(feature):
        score = AIRPORT_PRIOR
    elif not features.is_populated(feature):
        score = TABLE_PRIOR
    else:
        score = math.log10(place.population + 10) / 2
        if features.is_capital(feature):
            score += CAPITAL_BONUS
    if place.raw.get("match") == MATCH_ALTERNATE:
        score -= ALTERNATE_PENALTY
    elif place.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION} and len(place.raw.get("key", "")) <= 4:
        score += ALIAS_BONUS
    return score


def stands_alone(place: Place, key: str, words: Words) -> bool:
    """Whether a place is mapped with no support from the article: well known, or named like nothing else.

    Countries, divisions, seas and capitals stand alone.  A town named like a
    common English word, first name or surname ("Lincoln", "Story", "Hudson")
    stands alone only when it is large or named in many languages; a town with
    a name of its own ("Lampedusa", "Sangatte") when it is more than a hamlet.
    """
    feature = place.feature
    person = max(words.first_name(key), words.surname(key))
    common = words.word_zipf(key) >= COMMON_WORD_ZIPF or person >= COMMON_PERSON_NAME
    if features.is_admin1(feature) or features.is_admin2(feature):
        # "Nelson", "Bar", "Hume": a division named like a word or a person stands alone only if large.
        return not common or place.population >= STANDING_DIVISION_POPULATION
    if features.is_area(feature) or features.is_water(feature) or features.is_natural(feature):
        return True
    if place.raw.get("match") == MATCH_ALTERNATE:  # a name in another language: only a capital's stands
        return features.is_capital(feature)
    if features.is_capital(feature):
        return True
    if person >= VERY_COMMON_PERSON_NAME:
        return False  # "Elizabeth", "Taylor": a person, unless the article says otherwise
    if common:
        return place.population >= STANDING_POPULATION or place.prominence >= STANDING_NAMES
    if " " in key:  # "New Concord": a name of several words is rarely anything else
        return True
    return place.population >= HAMLET_POPULATION or place.prominence >= HAMLET_NAMES


Key = TypeVar("Key", bound=Hashable)
# A candidate of a name in the grid of possible places: the name's group and the candidate's id or point.
CandidateKey = tuple[Group, int | tuple[float, float]]


_CELL_DEGREES = NEAR_KM / 111.2  # a grid cell's side, in degrees of latitude
# At most this many places in a cell: in the dev corpora no cell of an article held more than 8; a denser one is a
# list, and looking at all of it for every candidate would make time grow with the square of the text.
CELL_CAPACITY = 16
_COLOCATED_LAT_DEGREES = COLOCATED_KM / 111.0


def _cell_of(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // _CELL_DEGREES), int(lon // _CELL_DEGREES)


@lru_cache(maxsize=1 << 16)
def _neighbourhood(lat: float, lon: float) -> tuple[tuple[int, int], ...]:
    """The grid cells within ``NEAR_KM`` of a point: worked out once per point, asked for in every round."""
    row, column = _cell_of(lat, lon)
    # A degree of longitude shrinks toward the poles: look further east and west there.
    reach = 1 if abs(lat) < 60 else min(int(360 / _CELL_DEGREES), int(1 / max(math.cos(math.radians(lat)), 0.01)) + 1)
    return tuple((r, c) for r in (row - 1, row, row + 1) for c in range(column - reach, column + reach + 1))


class _Grid(Generic[Key]):
    """Points in cells of about ``NEAR_KM``, to find the places near one without looking at all of them."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], dict[Key, Place]] = defaultdict(dict)

    def add(self, key: Key, place: Place) -> None:
        cell = self.cells[_cell_of(place.lat, place.lon)]
        if len(cell) < CELL_CAPACITY or key in cell:
            cell[key] = place

    def remove(self, key: Key, place: Place) -> None:
        self.cells[_cell_of(place.lat, place.lon)].pop(key, None)

    def around(self, place: Place) -> list[dict[Key, Place]]:
        """The non-empty cells around the place's, row by row: a list, not a generator (asked for every candidate)."""
        cells = self.cells
        if not cells:
            return []
        return [cell for key in _neighbourhood(place.lat, place.lon) if (cell := cells.get(key))]

    def near(self, place: Place) -> list[tuple[Key, Place]]:
        """Entries within ``NEAR_KM`` of ``place``."""
        return [(g, p) for cell in self.around(place) for g, p in cell.items() if distance_km(place, p) <= NEAR_KM]

    def nearest_other_km(self, key: Key, place: Place) -> float | None:
        """Distance to the nearest other place of another group within ``NEAR_KM`` of ``place``, if any.

        The same place under another name ("Mexico" beside "Mexico City") is not a neighbour.
        """
        distances = [
            distance_km(place, p)
            for cell in self.around(place)
            for g, p in cell.items()
            if g != key and not _same_place(p, place)
        ]
        nearest = min(distances, default=None)
        return nearest if nearest is not None and nearest <= NEAR_KM else None


@dataclass
class _Context:
    """What the whole article says about where it is: totals over every name's current place."""

    weights: dict[Group, int]
    choice: dict[Group, Place]
    countries: Counter = field(default_factory=Counter)  # mentions by country
    point_countries: Counter = field(default_factory=Counter)  # names of towns (and divisions) by country
    point_divisions: Counter = field(default_factory=Counter)  # names of towns by (country, admin1)
    divisions: Counter = field(default_factory=Counter)  # division names by (country, admin1)
    grid: _Grid[Group] = field(default_factory=_Grid)
    total: int = 0

    def __post_init__(self) -> None:
        for group, place in self.choice.items():
            weight = self.weights[group]
            self.total += weight
            if place.country_code:
                self.countries[place.country_code] += weight
            if features.is_point_like(place.feature):
                self.point_countries[place.country_code] += 1
                self.point_divisions[(place.country_code, place.admin1)] += 1
                self.grid.add(group, place)
            elif features.is_admin1(place.feature):
                self.point_countries[place.country_code] += 1
                self.divisions[(place.country_code, place.admin1)] += 1

    def country_share(self, group: Group, country: str) -> float:
        """Share of the other names' mentions in ``country``."""
        own = self.choice.get(group)
        weight = self.weights[group] if own is not None else 0
        others = self.total - weight
        count = self.countries[country] - (weight if own is not None and own.country_code == country else 0)
        return count / others if others > 0 else 0.0

    def has_points_in_country(self, group: Group, country: str) -> bool:
        own = self.choice.get(group)
        mine = (
            own is not None
            and own.country_code == country
            and (features.is_point_like(own.feature) or features.is_admin1(own.feature))
        )
        return self.point_countries[country] - mine > 0

    def has_points_in_division(self, group: Group, division: tuple[str, str]) -> bool:
        own = self.choice.get(group)
        mine = own is not None and features.is_point_like(own.feature) and (own.country_code, own.admin1) == division
        return self.point_divisions[division] - mine > 0

    def names_division(self, group: Group, division: tuple[str, str]) -> bool:
        own = self.choice.get(group)
        mine = own is not None and features.is_admin1(own.feature) and (own.country_code, own.admin1) == division
        return self.divisions[division] - mine > 0

    def nearest_km(self, group: Group, place: Place) -> float | None:
        return self.grid.nearest_other_km(group, place)


# A part of a score: its kind, what it depends on, and its value; put in words only when explained.
Term = tuple[str, object, float]

_TERM_LABELS = {
    "prior": "prior",
    "container": "container {}",
    "holds": "holds the article's places",
    "country": "article in {}",
    "division": "in a division the article names",
    "colocated": "{0[1]:.0f} km from a '{0[0]}'",
    "near": "{:.0f} km from the article's places",
}


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate place with its score and the parts of it, for ``--explain``."""

    place: Place
    score: float
    terms: tuple[Term, ...]

    @property
    def parts(self) -> tuple[tuple[str, float], ...]:
        """The score's parts, each with a label in words."""
        return tuple((_TERM_LABELS[kind].format(detail), value) for kind, detail, value in self.terms)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A candidate place with the parts of its score that no round changes: its prior and its container."""

    place: Place
    fixed: tuple[Term, ...]  # the prior first
    point_like: bool

    @property
    def prior(self) -> float:
        return self.fixed[0][2]


class Resolution:
    """The candidates of one article's names, their scores, and the choice for each."""

    def __init__(self, mentions: Sequence[Mention], gazetteer: Gazetteer, words: Words) -> None:
        self.words = words
        self.by_group: dict[Group, list[Mention]] = defaultdict(list)
        for mention in mentions:
            self.by_group[(mention.kind, mention.key)].append(mention)
        self.weighed: dict[Group, list[_Candidate]] = {}
        for (kind, key), group_mentions in self.by_group.items():
            found = gazetteer.demonym_places(key) if kind == "demonym" else gazetteer.candidates(key)
            if not found and any(m.has(Evidence.ADMIN_AREA) for m in group_mentions):
                found = _division_without_suffix(key, gazetteer)
            keys = {c.detail for m in group_mentions for c in m.cues if c.evidence is Evidence.CONTAINER}
            containers = [p for k in sorted(keys) for p in gazetteer.candidates(k)[:3]]
            self.weighed[(kind, key)] = [_weigh(place, containers) for place in found]
        self.choice: dict[Group, Place] = {}
        self.scored: dict[Group, list[Scored]] = {}
        self.possible = self._possible(
            {g: [(c.prior, c.place) for c in weighed] for g, weighed in self.weighed.items()}
        )

    @staticmethod
    def _possible(weighed: dict[Group, list[tuple[float, Place]]]) -> _Grid[CandidateKey]:
        """The candidates that may lend support to their neighbours: those within the margin of their name's best."""
        grid: _Grid[CandidateKey] = _Grid()
        for group, scored in weighed.items():
            if len(scored) > 1:
                best = max(score for score, _ in scored)
                for score, place in scored:
                    if features.is_point_like(place.feature) and score >= best - COLOCATED_MARGIN:
                        grid.add((group, place.geonameid or (place.lat, place.lon)), place)
        return grid

    def choose(self) -> None:
        weights = {group: len(ms) for group, ms in self.by_group.items()}
        for round_ in range(ROUNDS):
            # Only names the article keeps on their own give context: not a "Patrol" that no one will map.
            context = _Context(weights, {g: p for g, p in self.choice.items() if self._keeps_itself(g, p)})
            for group, weighed in self.weighed.items():
                if not weighed or (round_ and len(weighed) == 1):
                    continue  # a name with one candidate has its place from the first round
                scored = [self._score(group, c, context) for c in weighed]
                scored.sort(key=lambda s: (-s.score, s.place.geonameid or 0))
                self.scored[group] = scored[:KEPT_SCORES]
            # From now on a candidate lends support by its score in context, not by its prior alone.
            self.possible = self._possible(
                {g: [(c.score, c.place) for c in scored] for g, scored in self.scored.items()}
            )
            choice = {group: scored[0].place for group, scored in self.scored.items()}
            if choice == self.choice:
                break
            self.choice = choice

    def _keeps_itself(self, group: Group, place: Place) -> bool:
        """Whether a name is kept without help from its neighbours: by the text's evidence or its own standing."""
        mentions = self.by_group[group]
        return any(m.placed_by_text or m.kind == "demonym" for m in mentions) or stands_alone(
            place, group[1], self.words
        )

    def _score(self, group: Group, candidate: _Candidate, context: _Context) -> Scored:
        place = candidate.place
        terms = list(candidate.fixed)
        feature = place.feature
        if features.is_country(feature):
            if context.has_points_in_country(group, place.country_code):
                terms.append(("holds", None, CONTAINS_BONUS))
        else:
            share = context.country_share(group, place.country_code)
            if share:
                terms.append(("country", place.country_code, SAME_COUNTRY_BONUS * share))
            division = (place.country_code, place.admin1)
            if features.is_admin1(feature):
                if context.has_points_in_division(group, division):
                    terms.append(("holds", None, CONTAINS_BONUS))
            else:
                if place.admin1 and context.names_division(group, division):
                    terms.append(("division", None, SAME_DIVISION_BONUS))
                if candidate.point_like:
                    terms.extend(self._colocated(group, place))
                    nearest = context.nearest_km(group, place)
                    if nearest is not None:  # the nearer, the more: a town 10 km away says more than one 140 km away
                        terms.append(("near", nearest, NEAR_BONUS * (1 - nearest / NEAR_KM / 2)))
        return Scored(place, sum(term[2] for term in terms), tuple(terms))

    def _colocated(self, group: Group, place: Place) -> list[Term]:
        """Bonuses for lying beside a candidate of another ambiguous name: the nearest of each such name.

        The same place under another name ("Mexico" and "Mexico City") is no support.
        """
        nearest: dict[Group, float] = {}
        lat = place.lat
        for cell in self.possible.around(place):
            for (other, _), candidate in cell.items():
                # A degree of latitude is at least 111 km anywhere: most of the cell is ruled out without trigonometry.
                if abs(candidate.lat - lat) > _COLOCATED_LAT_DEGREES:
                    continue
                if other != group and not _same_place(candidate, place):
                    d = distance_km(place, candidate)
                    if d <= COLOCATED_KM and d < nearest.get(other, COLOCATED_KM + 1):
                        nearest[other] = d
        return [
            ("colocated", (other[1], d), COLOCATED_BONUS * (1 - d / COLOCATED_KM / 2))
            for other, d in sorted(nearest.items())
        ]

    def support(self) -> dict[Group, str]:
        """The names to keep, each with why: the text's evidence, its own standing, or a kept neighbour."""
        kept: dict[Group, str] = {}
        waiting: dict[Group, Place] = {}
        for group, group_mentions in self.by_group.items():
            place = self.choice.get(group)
            evidence = next((m for m in group_mentions if m.placed_by_text or m.kind == "demonym"), None)
            if evidence is not None:
                kept[group] = f"the text says so ({evidence.rule})"
            elif place is None:
                continue
            elif stands_alone(place, group[1], self.words):
                kept[group] = "it stands alone (well known, or named like no common word)"
            else:
                waiting[group] = place
        # A waiting name is kept when it lies near a kept town, or in a division the article names.
        near: _Grid[Group] = _Grid()
        by_division: dict[tuple[str, str], list[Group]] = defaultdict(list)
        for group, place in waiting.items():
            near.add(group, place)
            by_division[(place.country_code, place.admin1)].append(group)
        queue = [self.choice[group] for group in kept if group in self.choice]
        while queue and waiting:
            anchor = queue.pop()
            if features.is_admin1(anchor.feature):
                found = [(g, f"in {anchor.name}, which the article names") for g in by_division.pop(
                    (anchor.country_code, anchor.admin1), [])]  # fmt: skip
            elif features.is_point_like(anchor.feature):
                found = [(g, f"near {anchor.name}") for g, _ in near.near(anchor)]
            else:
                continue
            for group, why in found:
                if group in waiting:
                    kept[group] = why
                    place = waiting.pop(group)
                    near.remove(group, place)
                    queue.append(place)
        return kept


def _weigh(place: Place, containers: Sequence[Place]) -> _Candidate:
    """A candidate with its prior and, when the text names a container that holds it, the container's bonus."""
    fixed: list[Term] = [("prior", None, prior(place))]
    for container in containers:
        same_country = place.country_code == container.country_code
        if (features.is_country(container.feature) and same_country) or (
            features.is_admin1(container.feature) and same_country and place.admin1 == container.admin1
        ):
            fixed.append(("container", container.name, CONTAINER_BONUS))
            break
    return _Candidate(place, tuple(fixed), features.is_point_like(place.feature))


def _division_without_suffix(key: str, gazetteer: Gazetteer) -> list[Place]:
    """ "Nyanza Province" when the gazetteer knows only "Nyanza": its divisions of that name."""
    head, _, suffix = key.rpartition(" ")
    if not head or suffix not in _DIVISION_SUFFIXES:
        return []
    return [p for p in gazetteer.candidates(head) if features.is_admin1(p.feature) or features.is_admin2(p.feature)]


_DIVISION_SUFFIXES = frozenset({"province", "prefecture", "governorate", "oblast", "district", "region", "state"})


def resolve_mentions(
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    *,
    online: OnlineLookup | None = None,
    words: Words | None = None,
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
    words:
        Word frequencies that tell a town named like a common word (default ``geo.words.load_words()``).

    Returns
    -------
    list[GeocodedMention]
        In the order of ``mentions``; ``place`` is ``None`` for a name that
        is certainly a place (e.g. "Laurel County") but could not be placed.
    """
    resolution = Resolution(mentions, gazetteer, words or load_words())
    resolution.choose()
    return place_mentions(resolution, online=online)


def place_mentions(resolution: Resolution, *, online: OnlineLookup | None = None) -> list[GeocodedMention]:
    """The kept mentions of a resolution, in text order, with their places and scores."""
    keep = resolution.support()
    online_places: dict[str, Place | None] = {}
    result = []
    for mentions in _in_text_order(resolution.by_group):
        group = (mentions.kind, mentions.key)
        if group not in keep:
            continue
        place = resolution.choice.get(group)
        score = resolution.scored[group][0].score if group in resolution.scored else 0.0
        if place is None and online is not None and mentions.kind == "toponym":
            if mentions.key not in online_places:
                online_places[mentions.key] = online(mentions.text)
            place = online_places[mentions.key]
        result.append(GeocodedMention(mentions, place, score))
    return result


def _in_text_order(by_group: dict[Group, list[Mention]]) -> list[Mention]:
    return sorted((m for ms in by_group.values() for m in ms), key=lambda m: m.start)
