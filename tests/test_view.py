"""Tests for geo.view: what a map click or a table row selects, the places table, labels, links, URL offsets."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from builders import small_corpus, stored

from geo.atlas import GeoparsedArticle
from geo.render import tooltip_text as tooltip
from geo.view import (
    article_labels,
    find_clicked,
    query_offset,
    search_selection,
    selection_change,
    table_rows,
    view_href,
)


@pytest.fixture
def corpus() -> list[GeoparsedArticle]:
    return small_corpus()


@pytest.mark.parametrize(
    ("tooltip", "lat", "lon", "expected"),
    [
        ("Calais, US-ME · 1 mention", 45.0, -67.0, "Calais, US-ME"),
        ("Calais, FR · 2 mentions", 10.0, 10.0, "Calais, FR"),
        (None, 50.2, -1.1, "English Channel"),
        ("Unknown · 3 mentions", 35.1, 38.1, "Syria"),
    ],
    ids=["label", "label-beats-distance", "nearest", "unknown-label-nearest"],
)
def test_find_clicked(
    corpus: list[GeoparsedArticle], tooltip: str | None, lat: float, lon: float, expected: str
) -> None:
    hit = find_clicked(stored(corpus).summaries(), tooltip=tooltip, lat=lat, lon=lon)
    assert hit is not None and hit.label == expected


def test_table_rows(corpus: list[GeoparsedArticle]) -> None:
    summaries = stored(corpus).summaries()
    assert table_rows(summaries)[0] == {
        "Place": "Calais", "Kind": "Places in the story", "Country": "FR", "Mentions": 2, "Articles": 1
    }  # fmt: skip


@pytest.mark.parametrize(
    ("options", "href"),
    [
        ({"articles": None}, "?"),
        ({"articles": ["a", "b"], "place": "geonames:3029162"}, "?articles=a%2Cb&place=geonames%3A3029162"),
        ({"articles": None, "article": "a", "passage": 30}, "?article=a&passage=30#passage-30"),
    ],
    ids=["all", "articles-and-place", "passage"],
)
def test_view_href(options: dict, href: str) -> None:
    assert view_href(**options) == href


@pytest.mark.parametrize(
    ("articles", "labels"),
    [
        ([("a", "Calais", dt.date(2014, 5, 29))], ["Calais (2014-05-29)"]),
        ([("a", "Briefs", None), ("b", "Briefs", None)], ["Briefs (no date) · a", "Briefs (no date) · b"]),
        ([("a", "Briefs", dt.date(2014, 5, 29)), ("b", "Briefs", None)], ["Briefs (2014-05-29)", "Briefs (no date)"]),
        ([], []),
    ],
    ids=["one", "same-title-and-date", "same-title-other-date", "none"],
)
def test_article_labels_are_distinct(articles: list, labels: list[str]) -> None:
    assert list(article_labels(articles).values()) == labels


def test_selection_change_takes_each_new_click_or_row_once(corpus: list[GeoparsedArticle]) -> None:
    summaries = stored(corpus).summaries()
    calais = next(s for s in summaries if s.id == "geonames:3029162")
    click = {"last_object_clicked_tooltip": tooltip(calais), "last_object_clicked": {"lat": 50.95, "lng": 1.86}}
    seen: dict = {}
    assert selection_change(click, None, summaries, seen) == calais.id
    assert selection_change(click, None, summaries, seen) is None  # the same click, seen already
    table = types.SimpleNamespace(selection=types.SimpleNamespace(rows=[1]))
    assert selection_change(click, table, summaries, seen) == summaries[1].id
    assert selection_change(click, table, summaries, seen) is None
    far = types.SimpleNamespace(selection=types.SimpleNamespace(rows=[99]))
    assert selection_change(None, far, summaries, seen) is None  # a row of a table that has changed since
    unnamed = {"last_object_clicked_tooltip": "Gaul · 1 mention", "last_object_clicked": {"lat": 46.1, "lng": 2.1}}
    assert selection_change(unnamed, None, summaries, seen) == "geonames:3017382"  # no label: the nearest, France


@pytest.mark.parametrize(
    ("value", "offset"),
    [
        ("120", 120),
        ("0", 0),
        ("500", 500),
        ("501", None),
        ("\u00b2", None),
        ("1\u00b2", None),
        ("\u0663", None),
        ("\uff11\uff12", None),
        ("9" * 5000, None),
        ("0" * 5000, None),
        ("-1", None),
        ("+1", None),
        (" 12", None),
        ("1_000", None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
    ids=["offset", "zero", "limit", "past-limit", "superscript-two", "digit-and-superscript", "arabic-indic",
         "fullwidth", "5000-digits", "5000-zeros", "negative", "plus", "space", "underscore", "exponent", "empty",
         "absent"],
)  # fmt: skip
def test_query_offset_is_ascii_digits_within_the_text(value: str | None, offset: int | None) -> None:
    """Bug (issue 8): ?passage=%C2%B2 raised ValueError (str.isdigit accepts "²"), and so did 5,000 digits."""
    assert query_offset(value, limit=500) == offset


@pytest.mark.parametrize(
    ("search", "places", "selected"),
    [("sangatte", 1, True), ("", 1, False), ("  ", 1, False), ("calais", 2, False), ("atlantis", 0, False)],
    ids=["one-place-left", "no-search", "blank-search", "two-left", "none-left"],
)
def test_a_search_that_leaves_one_place_selects_it(
    corpus: list[GeoparsedArticle], search: str, places: int, selected: bool
) -> None:
    summaries = stored(corpus).summaries()[:places]
    assert search_selection(search, summaries) == (summaries[0].id if selected else None)
