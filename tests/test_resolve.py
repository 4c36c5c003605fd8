"""Tests for geo.resolve: the article's context picks among homonyms."""

from __future__ import annotations

import pytest

from geo.extract import extract_mentions
from geo.gazetteer import InMemoryGazetteer
from geo.models import GeocodedMention, Place
from geo.resolve import CELL_CAPACITY, _Grid, distance_km, prior, resolve_mentions, stands_alone
from geo.words import load_words
from tests.conftest import TINY_PLACES


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


def test_famous_and_distinctive_places_stand_alone(tiny_gazetteer: InMemoryGazetteer) -> None:
    """Decision: a place is mapped alone when nothing says otherwise and its name is no common word or name."""
    assert placed("They visited Calais.", tiny_gazetteer) == [("Calais", "FR")]
    assert placed("Sangatte was quiet.", tiny_gazetteer) == [("Sangatte", "FR")]
    assert placed("Sangatte spoke to reporters.", tiny_gazetteer) == []


@pytest.mark.parametrize(
    ("place", "key", "alone"),
    [
        (Place("Lampedusa", 35.5, 12.6, "IT", "P.PPL", 2524881, "t", population=4_065), "lampedusa", True),
        (Place("Story", 44.6, -106.9, "US", "P.PPL", 5840133, "t", population=800), "story", False),
        (Place("Most", 50.5, 13.6, "CZ", "P.PPL", 3069011, "t", population=67_000), "most", False),
        (Place("Elizabeth", 40.7, -74.2, "US", "P.PPL", 5099133, "t", population=128_000), "elizabeth", False),
        (Place("Calais", 50.95, 1.86, "FR", "P.PPL", 3029162, "t", population=74_433), "calais", True),
        (Place("Alberta", 52.3, -117.5, "CA", "A.ADM1", 5883102, "t", population=4_262_635), "alberta", True),
        (Place("Nelson", -41.3, 173.2, "NZ", "A.ADM1", 2186313, "t", population=54_400), "nelson", False),
        (Place("New Concord", 40.0, -81.7, "US", "P.PPL", 4520760, "t", population=2_500), "new concord", True),
        (Place("Franklin", 39.5, -86.1, "US", "P.PPL", 4257227, "t", population=24_000), "franklin", False),
    ],
    ids=["lampedusa", "hamlet-story", "most", "elizabeth-a-first-name", "calais", "province",
         "small-division-named-like-a-person", "two-words", "franklin-a-surname"],
)  # fmt: skip
def test_which_places_stand_alone(place: Place, key: str, alone: bool) -> None:
    assert stands_alone(place, key, load_words()) is alone


def test_a_town_is_kept_near_another_kept_place(tiny_gazetteer: InMemoryGazetteer) -> None:
    story = Place("Story", 50.96, 1.80, "FR", "P.PPL", 1, "test", population=300, admin1="32")
    gazetteer = InMemoryGazetteer([*TINY_PLACES, story])
    assert placed("Story was quiet.", gazetteer) == []
    assert placed("Story was quiet. Refugees slept in Calais.", gazetteer) == [("Story", "FR"), ("Calais", "FR")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor of Calais, Natacha Bouchart, spoke.", [("Calais", "FR")]),
        ("The mill in Calais, Maine closed.", [("Calais", "US"), ("Maine", "US")]),
    ],
    ids=["apposition-is-no-container", "container"],
)
def test_a_container_after_a_comma_must_be_a_place(
    tiny_gazetteer: InMemoryGazetteer, text: str, expected: list
) -> None:
    assert placed(text, tiny_gazetteer) == expected


def test_containers_and_divisions_work_in_every_country() -> None:
    """ "Pune, Maharashtra": the US-only rules of old (same state, "Town, ST") hold for any country's divisions."""
    pune_in = Place("Pune", 18.52, 73.86, "IN", "P.PPL", 1259229, "t", population=3_100_000, admin1="16")
    pune_other = Place("Pune", -8.0, 125.0, "TL", "P.PPL", 1, "t", population=5_000_000, admin1="01")
    maharashtra = Place("Maharashtra", 19.5, 75.5, "IN", "A.ADM1", 1264418, "t", admin1="16")
    nagpur = Place("Nagpur", 21.15, 79.09, "IN", "P.PPL", 1262180, "t", population=2_200_000, admin1="16")
    gazetteer = InMemoryGazetteer([pune_in, pune_other, maharashtra, nagpur])
    assert placed("Floods hit Pune, Maharashtra.", gazetteer) == [("Pune", "IN"), ("Maharashtra", "IN")]
    assert placed("Maharashtra voted. Pune was calm.", gazetteer) == [("Maharashtra", "IN"), ("Pune", "IN")]


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


def test_grid_cell_holds_a_bounded_number_of_places() -> None:
    # A list of place names fills cells without end; scoring looks at every place of nine cells per candidate.
    grid: _Grid[int] = _Grid()
    calais = Place("Calais", 50.95, 1.85, "FR", "P.PPL", 3029276, "geonames")
    for number in range(CELL_CAPACITY + 10):
        grid.add(number, calais)
    assert sum(len(cell) for cell in grid.around(calais)) == CELL_CAPACITY
    grid.add(0, calais)  # a place already there is replaced, not refused
    assert grid.near(calais)[0] == (0, calais)
