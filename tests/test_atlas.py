"""Tests for geo.atlas: kinds of place, place ids and labels (the aggregation is the store's: test_store)."""

from __future__ import annotations

import pytest
from builders import CALAIS, CALAIS_ME, CHANNEL, FRANCE, geocoded, small_corpus

from geo.atlas import CATEGORIES, mention_category, place_id, place_label
from geo.models import Place


def test_categories() -> None:
    mentions = small_corpus()[0].mentions
    assert [mention_category(m) for m in mentions] == ["story", "origin", "story", "country", "water"]
    assert set(CATEGORIES) == {"story", "origin", "country", "water"}


def test_place_ids_and_labels() -> None:
    assert place_id(CALAIS) == "geonames:3029162"
    assert place_id(CHANNEL) == "regions:english channel::"
    assert place_label(CALAIS_ME) == "Calais, US-ME"
    assert place_label(FRANCE) == "France"


@pytest.mark.parametrize(
    ("feature", "category"),
    [
        ("L.RGNE", "water"),  # the European Union
        ("L.RGN", "water"),
        ("L.CONT", "water"),
        ("H.STM", "water"),
        ("A.PCLS", "country"),  # a dependent state is a country on the map too
        ("A.TERR", "country"),
        ("A.ADM1", "story"),
        ("P.PPL", "story"),
    ],
)
def test_the_category_of_a_place_follows_its_feature_code(feature: str, category: str) -> None:
    place = Place("X", 0.0, 0.0, "", feature, None, "test")
    assert mention_category(geocoded("In X.", "X", place)) == category
