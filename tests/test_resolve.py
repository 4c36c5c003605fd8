"""Tests for geo.resolve: the article's context picks among homonyms."""

from __future__ import annotations

import pytest

from geo.extract import extract_mentions
from geo.gazetteer import InMemoryGazetteer
from geo.models import GeocodedMention, Place
from geo.resolve import distance_km, prior, resolve_mentions


def resolve(text: str, gazetteer: InMemoryGazetteer, **options: object) -> list[GeocodedMention]:
    return resolve_mentions(extract_mentions(text, gazetteer), gazetteer, **options)  # type: ignore[arg-type]


def placed(text: str, gazetteer: InMemoryGazetteer) -> list[tuple[str, str | None]]:
    return [(g.mention.text, g.place.country_code if g.place else None) for g in resolve(text, gazetteer)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Refugees camp in Calais, near Sangatte, France.", [("Calais", "FR"), ("Sangatte", "FR"), ("France", "FR")]),
        ("The mill in Calais, Maine closed.", [("Calais", "US"), ("Maine", "US")]),
        ("They flew to Paris.", [("Paris", "FR")]),
        ("A fair in Paris, Texas.", [("Paris", "US"), ("Texas", "US")]),
        ("Texas ranchers met. The fair in Paris drew crowds.", [("Texas", "US"), ("Paris", "US")]),
    ],
    ids=["calais-france", "calais-maine", "paris-capital", "paris-texas-container", "paris-texas-context"],
)
def test_context_chooses_the_homonym(tiny_gazetteer: InMemoryGazetteer, text: str, expected: list) -> None:
    assert placed(text, tiny_gazetteer) == expected


def test_one_reading_per_article(tiny_gazetteer: InMemoryGazetteer) -> None:
    text = "Calais, Maine is small. Later in Calais the mill closed."
    assert {g.place for g in resolve(text, tiny_gazetteer)} == {
        next(p for p in tiny_gazetteer.candidates("Calais") if p.country_code == "US"),
        tiny_gazetteer.candidates("Maine")[0],
    }


def test_weak_places_need_support(tiny_gazetteer: InMemoryGazetteer) -> None:
    """A small town with no locative cue and nothing near it is not mapped."""
    assert placed("Sangatte spoke to reporters.", tiny_gazetteer) == []
    assert placed("The camp in Sangatte closed.", tiny_gazetteer) == [("Sangatte", "FR")]
    assert placed("Sangatte and the camps in Calais.", tiny_gazetteer) == [("Sangatte", "FR"), ("Calais", "FR")]


def test_resolution_is_deterministic(tiny_gazetteer: InMemoryGazetteer) -> None:
    text = "A fair in Paris, Texas. Refugees in Calais, France. Syrians arrived."
    assert resolve(text, tiny_gazetteer) == resolve(text, tiny_gazetteer)


def test_demonyms_are_placed_at_their_country(tiny_gazetteer: InMemoryGazetteer) -> None:
    assert placed("Most were Syrians.", tiny_gazetteer) == [("Syrians", "SY")]


def test_online_lookup_only_for_names_the_gazetteer_cannot_place(tiny_gazetteer: InMemoryGazetteer) -> None:
    asked: list[str] = []
    laurel = Place("Laurel County", 37.13, -84.13, "US", "A.ADM2", None, "nominatim")

    def online(name: str) -> Place | None:
        asked.append(name)
        return laurel

    result = resolve("Police in Laurel County and in Calais, France.", tiny_gazetteer, online=online)
    assert [(g.mention.text, g.place and g.place.name) for g in result] == [
        ("Laurel County", "Laurel County"),
        ("Calais", "Calais"),
        ("France", "France"),
    ]
    assert asked == ["Laurel County"]
    offline = resolve("Police in Laurel County.", tiny_gazetteer)
    assert [(g.mention.text, g.place) for g in offline] == [("Laurel County", None)]


def test_prior_prefers_countries_and_capitals(tiny_gazetteer: InMemoryGazetteer) -> None:
    france, paris_fr = tiny_gazetteer.candidates("France")[0], tiny_gazetteer.candidates("Paris")[0]
    paris_tx = tiny_gazetteer.candidates("Paris")[1]
    assert prior(france) > prior(paris_fr) > prior(paris_tx)


def test_distance_km() -> None:
    calais = Place("Calais", 50.95194, 1.85635, "FR", "P.PPL", 1, "test")
    dover = Place("Dover", 51.12598, 1.31257, "GB", "P.PPL", 2, "test")
    assert distance_km(calais, dover) == pytest.approx(42.4, abs=1.0)
    assert distance_km(calais, calais) == 0.0
