"""Tests for geo.review: the review panel's data and the checks before a decision is stored."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import CALAIS, CALAIS_ME, geocoded

from geo.atlas import GeoparsedArticle
from geo.exc import CorrectionError
from geo.gazetteer.base import Gazetteer
from geo.models import Article
from geo.review import (
    Candidate,
    add_missed,
    describe_candidate,
    feature_kind,
    find_mention,
    mention_review,
    occurrences,
    offered_place,
    parse_span,
    place_where,
    selected_span,
)
from geo.store import Store

TEXT = "Police came to Calais. The camp near Calais, the jungle, was cleared."


@pytest.mark.parametrize(
    ("value", "span"),
    [("270-276", (270, 276)), ("", None), (None, None), ("²-3", None), ("1-2-3", None), ("9" * 10 + "-1", None)],
    ids=["span", "empty", "none", "superscript", "three-parts", "too-long"],
)
def test_parse_span(value: str | None, span: tuple[int, int] | None) -> None:
    assert parse_span(value) == span


def test_occurrences_are_whole_words() -> None:
    assert occurrences("Calais, Calaisien, Calais.", "Calais") == [(0, 6), (19, 25)]
    assert occurrences("Calais", "   ") == []


def test_selected_span_trims_and_counts() -> None:
    assert selected_span(TEXT, " Calais", 1) == (TEXT.index("Calais", 20), TEXT.index("Calais", 20) + 6)
    with pytest.raises(CorrectionError, match="was not found"):
        selected_span(TEXT, "Calais", 5)
    with pytest.raises(CorrectionError, match="empty"):
        selected_span(TEXT, "  ", 0)


def test_feature_kind_and_description() -> None:
    assert (feature_kind("P.PPL"), feature_kind("A.ADM1"), feature_kind("H.CHN")) == (
        "town or city", "first-level division", "water")  # fmt: skip
    line = describe_candidate(Candidate(CALAIS_ME, 1.74, 4986, False, "Calais, Maine, United States"))
    assert line == "Calais, Maine, United States · town or city · 4,986 km away · score 1.74"


WHERE = [
    ("Calais", "FR", "Calais, Hauts-de-France, France"),
    ("Calais", "US", "Calais, Maine, United States"),
    ("France", "FR", "France"),  # a country is its own country
    ("Maine", "US", "Maine, United States"),  # a division is its own division
    ("English Channel", "", "English Channel"),  # no country
]


@pytest.mark.parametrize(("name", "country_code", "where"), WHERE, ids=[w[2] for w in WHERE])
def test_place_where_names_the_region_and_country_not_their_codes(
    gazetteer: Gazetteer, name: str, country_code: str, where: str
) -> None:
    place = next(p for p in gazetteer.candidates(name) if p.country_code == country_code)
    assert place_where(place, gazetteer) == where


def test_place_where_keeps_a_code_the_gazetteer_cannot_name(tiny_gazetteer: Gazetteer) -> None:
    assert place_where(replace(CALAIS_ME, admin1="ZZ"), tiny_gazetteer) == "Calais, ZZ, US"


def test_the_review_names_each_candidate_s_region(gazetteer: Gazetteer) -> None:
    text = "The mayor of Calais spoke."
    item = GeoparsedArticle(Article("a", "A", text), (geocoded(text, "Calais", gazetteer.candidates("Calais")[0]),))
    review = mention_review(item, item.mentions[0], [], gazetteer)
    lines = [describe_candidate(c) for c in review.candidates]
    assert lines[0].startswith("Calais, Hauts-de-France, France · town or city")
    assert any(line.startswith("Calais, Maine, United States · town or city") for line in lines)


def test_offered_place_refuses_an_unknown_id() -> None:
    assert offered_place([CALAIS, CALAIS_ME], "geonames:4959834") is CALAIS_ME
    with pytest.raises(CorrectionError, match="no place with the id 'geonames:1'"):
        offered_place([CALAIS], "geonames:1")


def test_add_missed_checks_the_span_and_changes_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "atlas.sqlite3")
    article = Article("a", "A", TEXT)
    store.add(article, [geocoded(TEXT, "Calais", CALAIS)], geoparser_version="v")
    item = store.article("a")
    assert item is not None and find_mention(item, (15, 21)) is not None
    for span, message in [((60, 500), "outside the article's text"), ((14, 21), "is a place already"),
                          ((21, 23), "empty name")]:  # fmt: skip
        with pytest.raises(CorrectionError, match=message):
            add_missed(store, item, span, CALAIS)
    assert store.corrections() == []
    jungle = TEXT.index("jungle")
    made = add_missed(store, item, (jungle, jungle + 6), CALAIS, reviewer=" Ana ")
    assert made.reviewer == "Ana" and [m.mention.text for m in store.article("a").mentions] == ["Calais", "jungle"]
    assert isinstance(store.article("a"), GeoparsedArticle)


def test_search_places_asks_the_online_geocoder_too_when_it_is_on(tiny_gazetteer) -> None:  # type: ignore[no-untyped-def]
    from builders import FRANCE

    from geo.review import search_places

    offline = search_places(tiny_gazetteer, "Calais")
    assert offline and all(p.name == "Calais" for p in offline)
    asked: list[str] = []
    online = search_places(tiny_gazetteer, "Calais", online=lambda q: asked.append(q) or FRANCE)
    assert asked == ["Calais"] and online[-1] is FRANCE and online[:-1] == offline
    with pytest.raises(CorrectionError, match="The search is empty"):
        search_places(tiny_gazetteer, "  ")
