"""Tests for geo.corrections: which correction wins, what an added mention looks like, bad corrections."""

from __future__ import annotations

import re
from typing import Any

import pytest
from builders import CALAIS, CALAIS_ME, FRANCE, geocoded

from geo.corrections import (
    Action,
    Correction,
    Scope,
    apply_corrections,
    find_place,
    paragraph_of,
    place_from_json,
    place_json,
)
from geo.exc import CorrectionError
from geo.gazetteer import InMemoryGazetteer
from geo.models import GeocodedMention

TEXT = "Police came to Calais. Steele said Calais was calm.\n\nThe Calais Jungle camp is near France."
STEELE = geocoded(TEXT, "Steele", CALAIS_ME)
FIRST, SECOND, THIRD = (geocoded(TEXT, "Calais", CALAIS, nth=n) for n in range(3))
MENTIONS = [FIRST, STEELE, SECOND, THIRD, geocoded(TEXT, "France", FRANCE)]


def span(mention: GeocodedMention) -> tuple[int, int]:
    return mention.mention.start, mention.mention.end


def at(mention: GeocodedMention, action: Action, after: Any = None, **fields: Any) -> Correction:
    return Correction(Scope.MENTION, action, mention.mention.text, "a", span(mention), after=after, **fields)


def in_article(name: str, action: Action, after: Any = None, **fields: Any) -> Correction:
    return Correction(Scope.ARTICLE, action, name, "a", after=after, **fields)


def everywhere(name: str, action: Action, after: Any = None, **fields: Any) -> Correction:
    return Correction(Scope.COLLECTION, action, name, after=after, **fields)


def outcome(corrections: list[Correction]) -> list[tuple[str, str, str | None]]:
    reviewed = apply_corrections(TEXT, MENTIONS, corrections)
    return [(r.mention.text, r.status, r.place and f"{r.place.name}, {r.place.country_code}") for r in reviewed]


def test_no_correction_leaves_the_geoparser_s_output() -> None:
    reviewed = apply_corrections(TEXT, MENTIONS, [])
    assert [r.geocoded for r in reviewed] == MENTIONS
    assert {r.status for r in reviewed} == {"automatic"}


def test_a_collection_rule_applies_by_name_whatever_the_case() -> None:
    assert outcome([everywhere("STEELE", Action.REJECT), everywhere("calais", Action.PLACE, CALAIS_ME)]) == [
        ("Calais", "corrected", "Calais, US"),
        ("Steele", "rejected", None),
        ("Calais", "corrected", "Calais, US"),
        ("Calais", "corrected", "Calais, US"),
        ("France", "automatic", "France, FR"),
    ]


def test_mention_beats_article_beats_collection() -> None:
    rules = [
        at(FIRST, Action.CONFIRM, created_at="2026-01-01T00:00:00"),  # the oldest, and still the narrowest
        in_article("Calais", Action.REJECT, created_at="2026-01-02T00:00:00"),
        everywhere("Calais", Action.PLACE, CALAIS_ME, created_at="2026-01-03T00:00:00"),
    ]
    assert [status for _, status, _ in outcome(rules)][:4] == ["confirmed", "automatic", "rejected", "rejected"]


def test_within_a_scope_the_latest_wins_and_undone_ones_are_skipped() -> None:
    older = in_article("Calais", Action.PLACE, CALAIS_ME, created_at="2026-01-01T00:00:00")
    newer = in_article("Calais", Action.REJECT, created_at="2026-01-02T00:00:00")
    assert outcome([newer, older])[0][1] == "rejected"
    assert outcome([older, Correction(**{**_fields(newer), "undone_at": "2026-01-03T00:00:00"})])[0][1] == "corrected"


def _fields(correction: Correction) -> dict[str, Any]:
    return {name: getattr(correction, name) for name in Correction.__slots__}


def test_placing_a_mention_at_its_own_place_confirms_it() -> None:
    assert outcome([at(FIRST, Action.PLACE, CALAIS)])[0] == ("Calais", "confirmed", "Calais, FR")


def test_an_added_mention_gets_its_sentence_and_paragraph_and_hides_what_it_overlaps() -> None:
    start = TEXT.index("Calais Jungle")
    add = Correction(Scope.MENTION, Action.ADD, "Calais Jungle", "a", (start, start + 13), after=CALAIS)
    reviewed = apply_corrections(TEXT, MENTIONS, [add])
    added = next(r for r in reviewed if r.status == "added")
    assert added.mention.text == "Calais Jungle" and added.automatic is None
    assert TEXT[slice(*added.mention.sentence)] == "The Calais Jungle camp is near France."
    assert added.mention.paragraph == (TEXT.index("The Calais"), len(TEXT))
    assert [(r.mention.text, r.status) for r in reviewed][3:5] == [("Calais", "rejected"), ("Calais Jungle", "added")]


def test_an_add_on_a_span_the_geoparser_found_places_it() -> None:
    add = Correction(Scope.MENTION, Action.ADD, "Calais", "a", span(SECOND), after=CALAIS_ME)
    assert outcome([add])[2] == ("Calais", "corrected", "Calais, US")
    assert len(outcome([add])) == len(MENTIONS)


def test_a_placed_mention_the_geoparser_no_longer_finds_stays_as_added() -> None:
    """A new geoparser version misses the first Calais: the reviewer's decision still places it."""
    placed = at(FIRST, Action.PLACE, CALAIS_ME)
    confirmed = at(SECOND, Action.CONFIRM, before=CALAIS)
    rejected = at(THIRD, Action.REJECT)
    reviewed = apply_corrections(TEXT, [STEELE], [placed, confirmed, rejected])
    assert [(r.mention.text, r.status, r.place) for r in reviewed] == [
        ("Calais", "added", CALAIS_ME),
        ("Steele", "automatic", CALAIS_ME),
        ("Calais", "added", CALAIS),
    ]


BAD_CORRECTIONS = [
    pytest.param(dict(scope=Scope.COLLECTION, action=Action.REJECT, name="  "), "has an empty name", id="empty-name"),
    pytest.param(dict(scope=Scope.COLLECTION, action=Action.REJECT, name="..."), "has an empty name", id="only-dots"),
    pytest.param(
        dict(scope=Scope.COLLECTION, action=Action.REJECT, name="Steele " * 100),
        "has a name of 700 characters ('Steele Steele",
        id="long-name",
    ),
    pytest.param(
        dict(scope=Scope.COLLECTION, action=Action.REJECT, name="Steele", reviewer="\x1b[31m" * 100),
        "has a reviewer name of 500 characters ('\\x1b[31m",
        id="long-reviewer",
    ),
    pytest.param(
        dict(scope=Scope.COLLECTION, action=Action.REJECT, name="Steele", article_id="a"),
        "needs no article",
        id="collection-with-article",
    ),
    pytest.param(
        dict(scope=Scope.ARTICLE, action=Action.REJECT, name="Steele"),
        "needs an article id",
        id="article-without-article",
    ),
    pytest.param(
        dict(scope=Scope.MENTION, action=Action.REJECT, name="Steele", article_id="a"),
        "needs the span's start and end",
        id="mention-without-span",
    ),
    pytest.param(
        dict(scope=Scope.ARTICLE, action=Action.REJECT, name="Steele", article_id="a", span=(1, 5)),
        "needs no span",
        id="article-with-span",
    ),
    pytest.param(
        dict(scope=Scope.MENTION, action=Action.REJECT, name="Steele", article_id="a", span=(5, 5)),
        "empty or negative span",
        id="empty-span",
    ),
    pytest.param(
        dict(scope=Scope.COLLECTION, action=Action.PLACE, name="Georgia"),
        "needs the place to put it at",
        id="place-without-place",
    ),
    pytest.param(
        dict(scope=Scope.COLLECTION, action=Action.REJECT, name="Steele", after=CALAIS),
        "needs no new place",
        id="reject-with-place",
    ),
    pytest.param(
        dict(scope=Scope.ARTICLE, action=Action.ADD, name="Jungle", article_id="a", after=CALAIS),
        "added at one span",
        id="add-by-name",
    ),
]


@pytest.mark.parametrize(("fields", "said"), BAD_CORRECTIONS)
def test_a_correction_that_does_not_hold_together_is_refused(fields: dict[str, Any], said: str) -> None:
    with pytest.raises(CorrectionError, match=re.escape(said)):
        Correction(**fields)


def test_a_correction_survives_its_json_form() -> None:
    correction = at(FIRST, Action.PLACE, CALAIS_ME, before=CALAIS, reviewer="Ana", uid="u1", created_at="t")
    assert Correction.from_json(correction.as_json()) == correction


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 0.0), (-90.5, 0.0), (0.0, 180.5), (0.0, -181.0), ("nan", 0.0)],
    ids=["lat-over", "lat-under", "lon-over", "lon-under", "lat-nan"],
)  # fmt: skip
def test_coordinates_off_the_earth_are_a_correction_error(lat: Any, lon: Any) -> None:
    record = {**place_json(CALAIS), "lat": lat, "lon": lon}  # type: ignore[dict-item]
    with pytest.raises(CorrectionError, match="latitude must be within -90..90 and longitude within -180..180"):
        place_from_json(record)


def test_a_malformed_record_is_named() -> None:
    with pytest.raises(CorrectionError, match="A correction record is malformed"):
        Correction.from_json({"scope": "everywhere", "action": "reject", "name": "Steele"})


def test_a_span_across_two_paragraphs_is_refused() -> None:
    start = TEXT.index("calm")
    with pytest.raises(CorrectionError, match="runs across two paragraphs"):
        paragraph_of(TEXT, start, TEXT.index("Jungle"))
    assert paragraph_of(TEXT, start, start + 4) == (0, TEXT.index("\n"))


def test_find_place_knows_the_gazetteer_s_places_only(tiny_gazetteer: InMemoryGazetteer) -> None:
    assert find_place(tiny_gazetteer, "Calais", "geonames:4959834").country_code == "US"
    with pytest.raises(CorrectionError, match="The gazetteer has no place 'Calais' with the id 'geonames:1'"):
        find_place(tiny_gazetteer, "Calais", "geonames:1")
