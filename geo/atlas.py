"""The atlas' records: places, passages and kinds of place, as the store's views give them.

Input: ``GeocodedMention`` records and their places.  Output: the records the
views are made of (``GeoparsedArticle``, ``PlaceSummary``, ``Passage``), a
place's identity (``place_id``) and label, a mention's kind of place
(``mention_category``) and a place's review status (``place_review``).  The
aggregation of mentions into places is the store's (``geo.store.Store.summaries``):
the app, the exports and the command line all read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
