"""The atlas: geoparsed articles aggregated into places, passages and filters.

Input: ``GeoparsedArticle`` records (an article and its geocoded mentions).
Output: ``PlaceSummary`` records, one per place, with the passages that
mention it, filtered by article, kind of place and a search text.  This is
what the map, the passages panel and the places table show.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from geo import features
from geo.gazetteer.base import normalise_name
from geo.models import Article, GeocodedMention, Place, ReviewStatus

# Kinds of place the reader can filter on, in display order.
CATEGORIES: dict[str, str] = {
    "story": "Places in the story",
    "origin": "Origin countries (from demonyms)",
    "country": "Countries",
    "water": "Water and regions",
}
# How strongly a mention's review status says a person looked at its place (see ``place_review``).
_REVIEW_RANK: dict[str, int] = {"automatic": 0, "confirmed": 1, "added": 2, "corrected": 3}


@dataclass(frozen=True, slots=True)
class GeoparsedArticle:
    """An article with the places it mentions."""

    article: Article
    mentions: tuple[GeocodedMention, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of an article that mentions a place; ``highlights`` are that place's spans in it."""

    article_id: str
    start: int
    end: int
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class PlaceSummary:
    """One place of the atlas in the current view; ``review`` says whether a person reviewed it (``place_review``)."""

    id: str
    place: Place
    category: str
    mentions: int
    article_ids: tuple[str, ...]
    passages: tuple[Passage, ...]
    review: ReviewStatus = "automatic"

    @property
    def label(self) -> str:
        """Name with its country (and US state), unique enough to tell homonyms apart."""
        return place_label(self.place)


def place_id(place: Place) -> str:
    """A stable identifier: the GeoNames id when there is one."""
    if place.geonameid is not None:
        return f"geonames:{place.geonameid}"
    return f"{place.source}:{normalise_name(place.name)}:{place.country_code}:{place.admin1}"


def place_label(place: Place) -> str:
    """ "Calais, FR", "Paris, US-TX", "English Channel"."""
    region = place.country_code
    if region == "US" and place.admin1 and place.feature != "A.ADM1":
        region = f"US-{place.admin1}"
    if not region or features.is_country(place.feature):
        return place.name
    return f"{place.name}, {region}"


def place_review(statuses: Iterable[str]) -> ReviewStatus:
    """A place's review status from its mentions': the strongest sign that a person looked.

    ``corrected`` (a mention was moved here) beats ``added`` beats ``confirmed`` beats ``automatic``.

    Examples
    --------
    >>> place_review(["automatic", "confirmed"]), place_review(["added", "corrected"]), place_review([])
    ('confirmed', 'corrected', 'automatic')
    """
    best: ReviewStatus = "automatic"
    for status in statuses:
        if _REVIEW_RANK.get(status, 0) > _REVIEW_RANK[best]:
            best = status  # type: ignore[assignment]  # a key of _REVIEW_RANK
    return best


def mention_category(mention: GeocodedMention) -> str:
    """Which filter a mention falls under: demonyms, countries, water and regions, or the story."""
    if mention.mention.kind == "demonym":
        return "origin"
    place = mention.place
    if place is None:
        return "story"
    if features.is_country(place.feature):
        return "country"
    if features.is_water(place.feature) or place.feature in features.REGION or place.feature == features.CONTINENT:
        return "water"  # seas, rivers, regions, continents, the EU
    return "story"


def summarise_places(
    articles: Iterable[GeoparsedArticle],
    *,
    article_ids: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    search: str = "",
) -> list[PlaceSummary]:
    """Aggregate the placed mentions of the selected articles into one summary per place.

    Parameters
    ----------
    articles:
        The corpus.
    article_ids:
        Keep only these articles (all when ``None``).
    categories:
        Keep only mentions of these ``CATEGORIES`` (all when ``None``).
    search:
        Keep only places whose name (or a mention's text) contains it, any case or accent.

    Returns
    -------
    list[PlaceSummary]
        Most mentioned first, then by name.
    """
    wanted_articles = None if article_ids is None else set(article_ids)
    wanted_categories = None if categories is None else set(categories)
    needle = normalise_name(search) if search.strip() else ""
    by_place: dict[str, list[tuple[str, GeocodedMention, str]]] = defaultdict(list)
    places: dict[str, Place] = {}
    for item in articles:
        if wanted_articles is not None and item.article.id not in wanted_articles:
            continue
        for mention in item.mentions:
            if mention.place is None:
                continue
            category = mention_category(mention)
            if wanted_categories is not None and category not in wanted_categories:
                continue
            key = place_id(mention.place)
            places.setdefault(key, mention.place)
            by_place[key].append((item.article.id, mention, category))
    summaries = []
    for key, hits in by_place.items():
        place = places[key]
        if needle and not any(needle in normalise_name(text) for text in _names(place, hits)):
            continue
        summaries.append(_summary(key, place, hits))
    return sorted(summaries, key=lambda s: (-s.mentions, s.place.name, s.id))


def _names(place: Place, hits: Sequence[tuple[str, GeocodedMention, str]]) -> set[str]:
    return {place.name} | {mention.mention.text for _, mention, _ in hits}


def _summary(key: str, place: Place, hits: Sequence[tuple[str, GeocodedMention, str]]) -> PlaceSummary:
    counts = Counter(category for _, _, category in hits)
    order = list(CATEGORIES)
    category = max(counts, key=lambda c: (counts[c], -order.index(c)))
    passages: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    for article_id, mention, _ in hits:
        start, end = mention.mention.sentence
        passages.setdefault((article_id, start, end), []).append((mention.mention.start, mention.mention.end))
    return PlaceSummary(
        id=key,
        place=place,
        category=category,
        mentions=len(hits),
        article_ids=tuple(dict.fromkeys(article_id for article_id, _, _ in hits)),
        passages=tuple(Passage(a, s, e, tuple(spans)) for (a, s, e), spans in passages.items()),
        review=place_review(mention.review for _, mention, _ in hits),
    )


def find_clicked(
    summaries: Sequence[PlaceSummary], *, tooltip: str | None, lat: float | None, lon: float | None
) -> PlaceSummary | None:
    """The place a map click meant: the one whose label starts the tooltip, nearest the click.

    The map sends back the clicked object's tooltip text and the click's
    coordinates; the label tells homonyms apart, the coordinates what is left.
    """
    candidates = list(summaries)
    if tooltip:
        text = tooltip.strip()
        named = [s for s in candidates if text.startswith(s.label)]
        if named:
            candidates = named
    if lat is None or lon is None:
        return candidates[0] if tooltip and len(candidates) == 1 else None
    return min(candidates, key=lambda s: _squared_degrees(s.place, lat, lon), default=None)


def _squared_degrees(place: Place, lat: float, lon: float) -> float:
    return (place.lat - lat) ** 2 + ((place.lon - lon) * math.cos(math.radians(lat))) ** 2


def selection_change(
    map_state: Mapping[str, Any] | None, table_state: object, summaries: Sequence[PlaceSummary], seen: MutableMapping
) -> str | None:
    """The place a new map click or table row selects; None when neither changed since the last look.

    ``map_state`` is what ``st_folium`` returns (the last object clicked and
    its tooltip), ``table_state`` the places table's selection; ``seen`` keeps
    the last click and row between runs (the app's session state).
    """
    map_state = map_state or {}
    click = (map_state.get("last_object_clicked_tooltip"), str(map_state.get("last_object_clicked")))
    if click[0] and click != seen.get("last_click"):
        seen["last_click"] = click
        point = map_state.get("last_object_clicked") or {}
        hit = find_clicked(summaries, tooltip=click[0], lat=point.get("lat"), lon=point.get("lng"))
        return hit.id if hit else None
    rows = list(getattr(getattr(table_state, "selection", None), "rows", []) or [])
    if rows and rows != seen.get("last_rows"):
        seen["last_rows"] = rows
        return summaries[rows[0]].id if rows[0] < len(summaries) else None
    return None


def excerpt(summary: PlaceSummary, texts: Mapping[str, str]) -> str:
    """The first passage about a place, as plain text; ``texts`` are article texts by id."""
    first = summary.passages[0]
    return texts[first.article_id][first.start : first.end]


def table_rows(summaries: Sequence[PlaceSummary]) -> list[dict[str, object]]:
    """The places table: name, kind, country, mentions, articles."""
    return [
        {
            "Place": s.place.name,
            "Kind": CATEGORIES[s.category],
            "Country": s.place.country_code,
            "Mentions": s.mentions,
            "Articles": len(s.article_ids),
        }
        for s in summaries
    ]


def article_labels(articles: Iterable[tuple[str, str, dt.date | None]]) -> dict[str, str]:
    """Labels of (id, title, date) articles for the filter and reader: "Title (2014-05-29)", each distinct.

    Streamlit tells a widget's options apart by their labels; two undated
    "Briefs" would become one, so a repeated label ends with the article's id.
    """
    articles = list(articles)
    labels = {a: f"{title} ({date or 'no date'})" for a, title, date in articles}
    repeated = {label for label, count in Counter(labels.values()).items() if count > 1}
    return {a: f"{label} · {a}" if label in repeated else label for a, label in labels.items()}


def view_href(
    *,
    articles: Sequence[str] | None,
    place: str | None = None,
    article: str | None = None,
    passage: int | None = None,
    mention: str | None = None,
) -> str:
    """A link to a view of the atlas: the query string the app reads its state from.

    ``articles`` is ``None`` for "all articles"; ``passage`` opens the reader
    at the sentence starting at that offset; ``mention`` ("270-276") opens the
    review panel of the article's mention at that span.
    """
    params: dict[str, str] = {}
    if articles is not None:
        params["articles"] = ",".join(articles)
    if place:
        params["place"] = place
    if article:
        params["article"] = article
    if passage is not None:
        params["passage"] = str(passage)
    if mention:
        params["mention"] = mention
    anchor = f"#passage-{passage}" if passage is not None else ""
    return f"?{urlencode(params)}{anchor}"


def query_offset(value: str | None, *, limit: int) -> int | None:
    """A text offset read from the URL (``?passage=120``), or ``None`` when it is not one.

    Only ASCII digits count, up to ``limit``: ``str.isdigit`` also accepts "²",
    which ``int`` refuses, and 5,000 digits are past ``int``'s conversion
    limit.  Anything else is ignored, as a link to a passage that no longer
    exists is: the article still opens.

    Examples
    --------
    >>> query_offset("120", limit=500), query_offset("²", limit=500), query_offset("9" * 5000, limit=500)
    (120, None, None)
    """
    if not value or not (value.isascii() and value.isdecimal()) or len(value) > len(str(limit)):
        return None
    offset = int(value)
    return offset if offset <= limit else None
