"""Review: what the review panel shows about a mention, and the corrections its buttons make.

Input: an article from the store (``GeoparsedArticle``), the geoparser's
``Explanation`` records of its text and the gazetteer.  Output: a
``MentionReview`` (the place chosen, why, and the other candidates with their
distance from it), ``Unsure`` mentions for the "Needs review" list, and
``Correction`` records stored with ``Store.add_correction``.

Every function that changes the store checks its input first and raises a
``CorrectionError`` that says what failed and what to do; nothing is changed
then.  No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from geo.atlas import GeoparsedArticle, place_id
from geo.corrections import Action, Correction, Scope
from geo.exc import CorrectionError
from geo.explain import Explanation
from geo.gazetteer.base import Gazetteer
from geo.models import GeocodedMention, Mention, Place
from geo.resolve import distance_km
from geo.store import Store

SCOPES: dict[str, str] = {
    "mention": "This mention",
    "article": "Every mention of this name in this article",
    "collection": "The whole collection (articles added later too)",
}
CANDIDATES = 10  # candidates shown for a mention
LOW_SCORE = 2.0  # a chosen place scored under this is unsure
CLOSE_MARGIN = 1.0  # a runner-up within this of the chosen place's score is close...
FAR_KM = 161.0  # ...and makes the choice unsure when it lies this far away (the Acc@161 distance)
_SPAN = re.compile(r"(\d{1,9})-(\d{1,9})")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a mention may mean: its resolver score (``None``: not scored), distance from the current place,
    and ``where`` it is in words (``place_where``)."""

    place: Place
    score: float | None
    distance_km: float | None
    current: bool
    where: str

    @property
    def id(self) -> str:
        return place_id(self.place)


@dataclass(frozen=True, slots=True)
class MentionReview:
    """What the review panel shows about one mention: its place, why the geoparser chose it, the other places."""

    article_id: str
    mention: GeocodedMention
    rule: str
    reason: str
    support: str
    score: float | None
    automatic: Place | None
    candidates: tuple[Candidate, ...]

    @property
    def span(self) -> tuple[int, int]:
        return self.mention.mention.start, self.mention.mention.end


@dataclass(frozen=True, slots=True)
class Unsure:
    """A mention the geoparser was unsure of: its score, and the runner-up's margin and distance."""

    article_id: str
    mention: Mention
    place: Place
    score: float
    margin: float | None
    runner_up_km: float | None

    @property
    def why(self) -> str:
        """ "score 1.74; runner-up 0.70 behind, 5,200 km away"."""
        text = f"score {self.score:.2f}"
        if self.margin is not None and self.runner_up_km is not None:
            text += f"; runner-up {self.margin:.2f} behind, {self.runner_up_km:,.0f} km away"
        return text


def span_param(mention: Mention) -> str:
    """A mention's span as the URL's ``mention`` parameter: "270-276"."""
    return f"{mention.start}-{mention.end}"


def parse_span(value: str | None) -> tuple[int, int] | None:
    """The span of a ``mention`` URL parameter, or ``None`` when it is not "start-end" in ASCII digits.

    Examples
    --------
    >>> parse_span("270-276"), parse_span("²-3"), parse_span("9" * 50), parse_span(None)
    ((270, 276), None, None, None)
    """
    match = _SPAN.fullmatch(value or "")
    return (int(match.group(1)), int(match.group(2))) if match and value and value.isascii() else None


def find_mention(item: GeoparsedArticle, span: tuple[int, int]) -> GeocodedMention | None:
    """The article's placed mention at exactly ``span``, or ``None``."""
    return next((m for m in item.mentions if (m.mention.start, m.mention.end) == span and m.place), None)


def missing_mention_message(item: GeoparsedArticle, span: tuple[int, int]) -> str:
    """Why there is nothing to review at a span, and what to do."""
    start, end = span
    size = len(item.article.text)
    if end > size or start >= end:
        return (f"The span {start}-{end} lies outside the article's text ({size:,} characters): "
                "click a highlighted place in the article to review it.")  # fmt: skip
    return (f"{item.article.text[start:end][:60]!r} at {start}-{end} is not a place the article shows "
            "(it may have been rejected or moved): click a highlighted place, or add a missed place.")  # fmt: skip


def mention_review(
    item: GeoparsedArticle, mention: GeocodedMention, explanations: Sequence[Explanation], gazetteer: Gazetteer
) -> MentionReview:
    """The review of a mention: the geoparser's reasons (from ``Geoparser.explain``) and every candidate place.

    The scored candidates come first, best first, then the gazetteer's other
    places of that name, up to ``CANDIDATES``; the current place is among them
    even when a person chose it from a search.
    """
    m = mention.mention
    explained = next((e for e in explanations if (e.start, e.end) == (m.start, m.end)), None)
    scored = list(explained.candidates) if explained else []
    current = mention.place
    places: dict[str, tuple[Place, float | None]] = {}
    if current is not None:
        places[place_id(current)] = (current, None)
    for item_scored in scored:
        places[place_id(item_scored.place)] = (item_scored.place, item_scored.score)
    others = gazetteer.demonym_places(m.key or m.text) if m.kind == "demonym" else gazetteer.candidates(m.text)
    for place in others:
        places.setdefault(place_id(place), (place, None))
    ranked = sorted(places.values(), key=lambda pair: (pair[1] is None, -(pair[1] or 0.0)))[:CANDIDATES]
    if current is not None and place_id(current) not in {place_id(p) for p, _ in ranked}:
        ranked[-1:] = [places[place_id(current)]]
    candidates = tuple(
        Candidate(place, score, None if current is None else round(distance_km(current, place)),
                  current is not None and place_id(place) == place_id(current), place_where(place, gazetteer))
        for place, score in ranked
    )  # fmt: skip
    chosen_score = next((s.score for s in scored if current and place_id(s.place) == place_id(current)), None)
    return MentionReview(
        article_id=item.article.id,
        mention=mention,
        rule=explained.rule if explained else "added" if mention.review == "added" else "",
        reason=explained.reason if explained else "",
        support=explained.support if explained else "",
        score=chosen_score,
        automatic=explained.place if explained else None,
        candidates=candidates,
    )


def search_places(
    gazetteer: Gazetteer, query: str, *, online: Callable[[str], Place | None] | None = None, limit: int = 10
) -> list[Place]:
    """Places called ``query`` in the offline gazetteer, then the online geocoder's answer when it is on.

    Raises
    ------
    CorrectionError
        For an empty query.
    """
    query = query.strip()
    if not query:
        raise CorrectionError("The search is empty: type the name of the place to look for.")
    found = {place_id(p): p for p in gazetteer.candidates(query, limit=limit)}
    if online is not None:
        answer = online(query)
        if answer is not None:
            found.setdefault(place_id(answer), answer)
    return list(found.values())


def offered_place(offered: Iterable[Place], key: str) -> Place:
    """The place with id ``key`` among those the panel offered (candidates and search results).

    Raises
    ------
    CorrectionError
        When none has that id (a stale page, a crafted request).
    """
    for place in offered:
        if place_id(place) == key:
            return place
    raise CorrectionError(
        f"There is no place with the id {key!r} among the candidates and search results shown: "
        "choose one of them, or search the gazetteer again."
    )


def decide(
    store: Store,
    review: MentionReview,
    action: Action,
    scope: Scope,
    *,
    place: Place | None = None,
    reviewer: str = "",
) -> Correction:
    """Store a reviewer's decision about a reviewed mention (reject, confirm or place) with its scope.

    Raises
    ------
    CorrectionError
        When the decision does not fit (no place to move to, a reviewer name too long) or the store
        refuses it (the article was deleted); nothing is changed.
    """
    m = review.mention.mention
    correction = Correction(
        scope=scope,
        action=action,
        name=m.text,
        article_id=None if scope is Scope.COLLECTION else review.article_id,
        span=(m.start, m.end) if scope is Scope.MENTION else None,
        after=place if action is Action.PLACE else None,
        reviewer=reviewer.strip(),
    )
    return store.add_correction(correction)


def occurrences(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``name`` is written in ``text`` as whole words, in text order."""
    name = name.strip()
    if not name:
        return []
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return [(match.start(), match.end()) for match in pattern.finditer(text)]


def add_missed(
    store: Store, item: GeoparsedArticle, span: tuple[int, int], place: Place, *, reviewer: str = ""
) -> Correction:
    """Add a mention the geoparser missed, at ``span`` of the article's text, placed at ``place``.

    Raises
    ------
    CorrectionError
        When the span lies outside the text, is blank, runs across two paragraphs, or is a mention
        already (review that one instead); nothing is changed.
    """
    text = item.article.text
    start, end = span
    if not 0 <= start < end <= len(text):
        raise CorrectionError(
            f"The span {start}-{end} lies outside the article's text ({len(text):,} characters): "
            "type the place name as it is written in the article and choose which occurrence."
        )
    name = text[start:end]
    if not name.strip():
        raise CorrectionError("The name is empty: type the place name as it is written in the article.")
    taken = next((m for m in item.mentions if m.mention.start < end and start < m.mention.end), None)
    if taken is not None:
        raise CorrectionError(
            f"{taken.mention.text!r} at {taken.mention.start}-{taken.mention.end} is a place already: "
            "click it in the article to review it."
        )
    correction = Correction(Scope.MENTION, Action.ADD, name, article_id=item.article.id, span=span, after=place,
                            reviewer=reviewer.strip())  # fmt: skip
    return store.add_correction(correction)


def unsure_mentions(item: GeoparsedArticle, explanations: Sequence[Explanation]) -> list[Unsure]:
    """The article's automatic mentions whose place the geoparser was unsure of, least sure first.

    Unsure: a chosen place scored under ``LOW_SCORE``, or a runner-up within
    ``CLOSE_MARGIN`` of it that lies more than ``FAR_KM`` away.  Reviewed
    mentions are left out.
    """
    by_span = {(e.start, e.end): e for e in explanations if e.mapped and e.candidates}
    found = []
    for geocoded in item.mentions:
        m = geocoded.mention
        explained = by_span.get((m.start, m.end))
        if geocoded.review != "automatic" or geocoded.place is None or explained is None:
            continue
        best, *rest = explained.candidates
        margin = km = None
        if rest:
            margin, km = best.score - rest[0].score, distance_km(best.place, rest[0].place)
        close_and_far = margin is not None and km is not None and margin < CLOSE_MARGIN and km > FAR_KM
        if best.score < LOW_SCORE or close_and_far:
            found.append(Unsure(item.article.id, m, geocoded.place, best.score, margin, km))
    return found


def unsureness(unsure: Unsure) -> tuple[float, float]:
    """Sort key, least sure first: a close and far runner-up first (by margin), then by score."""
    if unsure.margin is not None and unsure.runner_up_km is not None and unsure.runner_up_km > FAR_KM:
        return unsure.margin, unsure.score
    return CLOSE_MARGIN + unsure.score, unsure.score


def correction_line(correction: Correction, titles: dict[str, str]) -> str:
    """One line of the corrections list: when, who, what, where, from and to, undone or not."""
    where = "every article" if correction.article_id is None else titles.get(correction.article_id,
                                                                               correction.article_id)  # fmt: skip
    span = f" at {correction.span[0]}-{correction.span[1]}" if correction.span else ""
    what = {
        Action.REJECT: "not a place",
        Action.CONFIRM: f"confirmed as {_name(correction.before)}",
        Action.PLACE: f"{_name(correction.before)} → {_name(correction.after)}",
        Action.ADD: f"added at {_name(correction.after)}",
    }[correction.action]
    who = correction.reviewer or "no reviewer named"
    undone = f" · undone {correction.undone_at[:16].replace('T', ' ')}" if correction.undone_at else ""
    return (f"{correction.created_at[:16].replace('T', ' ')} · {who} · “{correction.name}”{span} "
            f"({correction.scope.value}, {where}): {what}{undone}")  # fmt: skip


def _name(place: Place | None) -> str:
    if place is None:
        return "no place"
    region = ", ".join(part for part in (place.admin1, place.country_code) if part)
    return f"{place.name} ({region})" if region else place.name


_FEATURE_KINDS = (
    ("P.PPLC", "capital"), ("P.", "town or city"), ("A.PCL", "country"), ("A.ADM1", "first-level division"),
    ("A.ADM2", "second-level division"), ("A.ADM", "division"), ("A.", "administrative area"),
    ("H.", "water"), ("L.CONT", "continent"), ("L.", "region"), ("T.ISL", "island"), ("T.", "relief"),
    ("S.AIRP", "airport"), ("S.", "building or site"), ("V.", "forest or heath"),
)  # fmt: skip


def feature_kind(feature: str) -> str:
    """A GeoNames feature code in words: "P.PPL" -> "town or city", "A.ADM1" -> "first-level division"."""
    return next((words for prefix, words in _FEATURE_KINDS if feature.startswith(prefix)), feature or "place")


def place_where(place: Place, gazetteer: Gazetteer) -> str:
    """A place with its first-level division and country, by name: "Calais, Hauts-de-France, France".

    A code the gazetteer cannot name is shown as it is ("Calais, ZZ, US");
    a division or a country is not repeated after itself ("Maine, United States", "France").
    """
    country = place.country_code and (gazetteer.country_name(place.country_code) or place.country_code)
    division = place.admin1 and (gazetteer.division_name(place.country_code, place.admin1) or place.admin1)
    parts = [place.name, "" if division == place.name else division, "" if country == place.name else country]
    return ", ".join(part for part in parts if part)


def describe_candidate(candidate: Candidate) -> str:
    """ "Calais, Maine, United States · town or city · 2,980 people · 5,073 km away · score 1.74"."""
    place = candidate.place
    parts = [candidate.where, feature_kind(place.feature)]
    if place.population:
        parts.append(f"{place.population:,} people")
    if candidate.current:
        parts.append("the place now")
    elif candidate.distance_km is not None:
        parts.append(f"{candidate.distance_km:,.0f} km away")
    if candidate.score is not None:
        parts.append(f"score {candidate.score:.2f}")
    return " · ".join(parts)


def selected_span(text: str, selected: str, occurrence: int) -> tuple[int, int]:
    """The span of a selection in the reader: the ``occurrence``-th (from 0) ``selected`` in ``text``, trimmed.

    Raises
    ------
    CorrectionError
        When the selection is empty, too long, or not found that often in the text.
    """
    name = selected.strip()
    if not name:
        raise CorrectionError("The selection is empty: select the place name in the article, or type it.")
    if len(selected) > 200 or "\n" in name:
        raise CorrectionError("The selection runs over more than a name: select the place name alone.")
    found = [m.start() for m in re.finditer(re.escape(selected), text)]
    if not 0 <= occurrence < len(found):
        raise CorrectionError(
            f"{name[:60]!r} was not found in the article where it was selected: type the name and choose which "
            "occurrence instead."
        )
    start = found[occurrence] + (len(selected) - len(selected.lstrip()))
    return start, start + len(name)
