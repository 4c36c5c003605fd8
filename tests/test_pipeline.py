"""Tests for geo.pipeline on the two seed articles: every place found and placed, no trap mapped."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from geo.config import Settings
from geo.exc import TooManyPlacesError
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.models import Article
from geo.pipeline import Geoparser

MAY = "calais-police-attack-camp-2014-05-29"
SEPTEMBER = "calais-mayor-threatens-port-2014-09-06"

# (article, surface text, kind, place name, country code, feature, mentions)
SEED_MENTIONS = [
    (MAY, "Calais", "toponym", "Calais", "FR", "P.PPL", 8),
    (MAY, "France", "toponym", "France", "FR", "A.PCLI", 4),
    (MAY, "England", "toponym", "England", "GB", "A.ADM1", 2),
    (MAY, "English Channel", "toponym", "English Channel", "", "H.CHN", 1),
    (MAY, "Channel", "toponym", "English Channel", "", "H.CHN", 2),
    (MAY, "channel", "toponym", "English Channel", "", "H.CHN", 1),
    (MAY, "Hénin-Beaumont", "toponym", "Hénin-Beaumont", "FR", "P.PPL", 1),
    (MAY, "EU", "toponym", "European Union", "", "L.RGNE", 2),
    (MAY, "Syrians", "demonym", "Syria", "SY", "A.PCLI", 1),
    (MAY, "Afghans", "demonym", "Afghanistan", "AF", "A.PCLI", 1),
    (MAY, "Afghan", "demonym", "Afghanistan", "AF", "A.PCLI", 1),
    (MAY, "Africans", "demonym", "Africa", "", "L.CONT", 1),
    (SEPTEMBER, "Calais", "toponym", "Calais", "FR", "P.PPL", 12),
    (SEPTEMBER, "Britain", "toponym", "United Kingdom", "GB", "A.PCLI", 9),
    (SEPTEMBER, "UK", "toponym", "United Kingdom", "GB", "A.PCLI", 1),
    (SEPTEMBER, "France", "toponym", "France", "FR", "A.PCLI", 4),
    (SEPTEMBER, "London", "toponym", "London", "GB", "P.PPLC", 1),
    (SEPTEMBER, "Paris", "toponym", "Paris", "FR", "P.PPLC", 1),
    (SEPTEMBER, "English Channel", "toponym", "English Channel", "", "H.CHN", 1),
    (SEPTEMBER, "Europe", "toponym", "Europe", "", "L.CONT", 2),
    (SEPTEMBER, "EU", "toponym", "European Union", "", "L.RGNE", 2),
    (SEPTEMBER, "Syria", "toponym", "Syria", "SY", "A.PCLI", 1),
    (SEPTEMBER, "Afghanistan", "toponym", "Afghanistan", "AF", "A.PCLI", 1),
    (SEPTEMBER, "Eritrea", "toponym", "Eritrea", "ER", "A.PCLI", 1),
    (SEPTEMBER, "Somalia", "toponym", "Somalia", "SO", "A.PCLI", 1),
    (SEPTEMBER, "Sangatte", "toponym", "Sangatte", "FR", "P.PPL", 1),
    (SEPTEMBER, "Lampedusa", "toponym", "Lampedusa", "IT", "P.PPL", 1),
    (SEPTEMBER, "Libya", "toponym", "Libya", "LY", "A.PCLI", 1),
    (SEPTEMBER, "Germany", "toponym", "Germany", "DE", "A.PCLI", 1),
    (SEPTEMBER, "Italy", "toponym", "Italy", "IT", "A.PCLI", 1),
    (SEPTEMBER, "Sweden", "toponym", "Sweden", "SE", "A.PCLI", 1),
    (SEPTEMBER, "British", "demonym", "United Kingdom", "GB", "A.PCLI", 2),  # "the British," as people
]
# Words of the seeds that name people, parties, papers and peoples, never places.
TRAPS = [
    "Valls",
    "Cazeneuve",
    "Roma",
    "Bouchart",
    "Le Pen",
    "Pen",
    "Star",
    "Daily Star",
    "Financial Times",
    "Union",
    "Popular Movement",
    "Red Cross",
    "Sarkozy",
    "Marine",
    "National Front",
    "City",
    "Frontex",
]


@pytest.fixture(scope="module")
def seed_results(geoparser: Geoparser, seed_articles: dict[str, Article]) -> dict[str, list]:
    return {article_id: geoparser.geoparse(article.text) for article_id, article in seed_articles.items()}


@pytest.mark.parametrize(
    ("article_id", "surface", "kind", "name", "country", "feature", "count"),
    SEED_MENTIONS,
    ids=[f"{'may' if row[0] == MAY else 'sep'}-{row[1]}" for row in SEED_MENTIONS],
)
def test_every_seed_mention_is_found_and_placed(
    seed_results: dict[str, list],
    article_id: str,
    surface: str,
    kind: str,
    name: str,
    country: str,
    feature: str,
    count: int,
) -> None:
    hits = [g for g in seed_results[article_id] if g.mention.text == surface]
    assert [(g.mention.kind, g.place.name, g.place.country_code, g.place.feature) for g in hits] == [
        (kind, name, country, feature)
    ] * count


def test_place_names_are_found_wherever_they_occur(seed_articles: dict[str, Article], seed_results: dict) -> None:
    """Counting occurrences in the text: no mention of a listed place is missed."""
    for article_id, surface, kind, *_ in SEED_MENTIONS:
        if kind == "toponym" and surface not in {"Channel", "channel"}:
            occurrences = len(re.findall(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", seed_articles[article_id].text))
            assert Counter(g.mention.text for g in seed_results[article_id])[surface] == occurrences, surface


def test_nothing_else_is_mapped(seed_results: dict[str, list]) -> None:
    """No extra pin: the table above is everything the seeds mention."""
    for article_id, results in seed_results.items():
        expected = sum(row[-1] for row in SEED_MENTIONS if row[0] == article_id)
        assert len(results) == expected


@pytest.mark.parametrize("trap", TRAPS)
def test_traps_are_not_mapped(seed_results: dict[str, list], trap: str) -> None:
    assert all(g.mention.text != trap for results in seed_results.values() for g in results)


def test_calais_is_in_france_not_maine(seed_results: dict[str, list]) -> None:
    calais = {g.place for results in seed_results.values() for g in results if g.mention.text == "Calais"}
    assert len(calais) == 1
    (place,) = calais
    assert place.geonameid == 3029162
    assert (round(place.lat, 2), round(place.lon, 2)) == (50.95, 1.86)


def test_offsets_point_into_the_text(seed_articles: dict[str, Article], seed_results: dict[str, list]) -> None:
    for article_id, results in seed_results.items():
        text = seed_articles[article_id].text
        for g in results:
            m = g.mention
            assert text[m.start : m.end] == m.text
            assert m.paragraph[0] <= m.sentence[0] <= m.start < m.end <= m.sentence[1] <= m.paragraph[1]


def test_sangatte_passage(seed_articles: dict[str, Article], seed_results: dict[str, list]) -> None:
    text = seed_articles[SEPTEMBER].text
    (sangatte,) = [g for g in seed_results[SEPTEMBER] if g.mention.text == "Sangatte"]
    assert text[slice(*sangatte.mention.sentence)] == (
        "Until 2002, the refugees were housed in a Red Cross refugee centre in Sangatte, near Calais."
    )


def test_geoparse_article_is_geoparse_of_its_text(geoparser: Geoparser, seed_articles: dict[str, Article]) -> None:
    article = seed_articles[MAY]
    assert geoparser.geoparse_article(article) == geoparser.geoparse(article.text)


# Short texts a reader might paste, each with what must be mapped: (surface, country code) in text order.
# The examples, and more of the same classes: famous places alone, people named like places,
# origin adjectives, hyphenated forms, divisions and abbreviations of every country, features.
SHORT_TEXTS = [
    ("They visited Calais.", [("Calais", "FR")]),
    ("Refugees reach Lampedusa by boat.", [("Lampedusa", "IT")]),
    ("Ceuta and Melilla are Spanish enclaves in Morocco.", [("Ceuta", "ES"), ("Melilla", "ES"), ("Morocco", "MA")]),
    ("The mayor of Calais, Natacha Bouchart, met Theresa May in London.", [("Calais", "FR"), ("London", "GB")]),
    ("Jack London wrote about the Yukon.", [("Yukon", "CA")]),
    ("Sudanese migrants slept rough in Paris.", [("Sudanese", "SD"), ("Paris", "FR")]),
    ("Migrants camped at Ventimiglia for weeks.", [("Ventimiglia", "IT")]),
    ("Sangatte is quiet now.", [("Sangatte", "FR")]),
    ("Story time at the library was fun.", []),
    ("Most of them left on Monday.", []),
    ("Paris Hilton and Chad Johnson arrived late.", []),
    (
        "Overall Edmonton received a B ranking, ahead of Calgary and Winnipeg.",
        [("Edmonton", "CA"), ("Calgary", "CA"), ("Winnipeg", "CA")],
    ),
    ("Prime Minister of Georgia Zurab Zhvania died in Tbilisi.", [("Georgia", "GE"), ("Tbilisi", "GE")]),
    (
        "Eritrean refugees and Afghan men reached Iraqi Kurds in Erbil.",
        [("Eritrean", "ER"), ("Afghan", "AF"), ("Iraqi", "IQ"), ("Erbil", "IQ")],
    ),
    ("French riot police and the British government disagreed.", []),
    ("Officer Monica French said the grant was late. French said so again.", []),
    ("Maori are much like American Indians; Native Americans built these mounds.", []),
    ("Americans voted in Ohio.", [("Americans", "US"), ("Ohio", "US")]),
    ("Ohioans and Ontarians voted, The Oklahoman said.", [("Ohioans", "US"), ("Ontarians", "CA")]),
    ("A Washington-based group studied Canada-U.S. trade.", [("Washington", "US"), ("Canada", "CA"), ("U.S.", "US")]),
    (
        "Floods hit Pune, Maharashtra, and Chennai in Tamil Nadu.",
        [("Pune", "IN"), ("Maharashtra", "IN"), ("Chennai", "IN"), ("Tamil Nadu", "IN")],
    ),
    (
        "He moved from Red Deer, Alta. to Kamloops, B.C. last year.",
        [("Red Deer", "CA"), ("Alta.", "CA"), ("Kamloops", "CA"), ("B.C.", "CA")],
    ),
    ("Quake shakes Sichuan; aid reaches Dagestan.", [("Sichuan", "CN"), ("Dagestan", "RU")]),
    ("Flights from Heathrow to Lesbos were cancelled.", [("Heathrow", "GB"), ("Lesbos", "GR")]),
    ("Cases of West Nile virus rose; the cure cost US$40.", []),
    ("Pigs with Reston ebolavirus were culled in Bulacan.", [("Bulacan", "PH")]),
    ("Her daughter Elizabeth lives in Moscow.", [("Moscow", "RU")]),
    ("Derek D. Moore, 19, was sentenced. Moore will appeal.", []),
    ("Capt. Roy A. Nelson said the music was loud. Nelson left.", []),
    ("Lisa M. Lancaster spoke in Ohio.", [("Ohio", "US")]),
    ("He lives in Salt Lake City, near the Great Salt Lake.", [("Salt Lake City", "US"), ("Great Salt Lake", "US")]),
    ("Rep. Nick Rahall, D-W. Va., and Sen. Sherrod Brown, D-Ohio, spoke.", [("W. Va.", "US"), ("Ohio", "US")]),
    ("The Tega Cay Volunteer Fire Department responded.", [("Tega Cay", "US")]),
    ("She was treated at St. Francis Medical Center.", []),
    ("Mr. Nelson said it was late. Nelson left.", []),
    ("Ms. Moayyad spoke. Her daughter-in-law Nadia Moayyad agreed.", []),
    (
        "Barges sailed down the Mississippi River to the Gulf of Mexico.",
        [("Mississippi River", "US"), ("Gulf of Mexico", "")],
    ),
    ("Cases rose in Côte d'Ivoire; skiers left Val d'Isère.", [("Côte d'Ivoire", "CI"), ("Val d'Isère", "FR")]),
    ("Horses in NSW were quarantined.", [("NSW", "AU")]),
    (
        "Teams came from the Democratic Republic of Congo and the Republic of Congo.",
        [("Democratic Republic of Congo", "CD"), ("Republic of Congo", "CG")],
    ),
    ("Measles spread across the Americas.", [("Americas", "")]),
    ("The booster fell toward Earth.", []),
    ("Andrew Trapani is a producer. The idea came to Trapani after a call from Trapani's agent.", []),
    ("Jack London wrote books. He later lived in London.", [("London", "GB")]),
    ("Residents of Wichita Street met on Cleveland Drive.", []),
    ("Traffic slowed on the Ohio Turnpike near Toledo.", [("Ohio", "US"), ("Toledo", "US")]),
]


@pytest.mark.parametrize(("text", "expected"), SHORT_TEXTS, ids=[t[:32] for t, _ in SHORT_TEXTS])
def test_short_texts(geoparser: Geoparser, text: str, expected: list[tuple[str, str]]) -> None:
    mapped = [(g.mention.text, g.place.country_code if g.place else None) for g in geoparser.geoparse(text)]
    assert mapped == expected


# Ambiguous names that lie together mean each other's homonyms: the town and the county, the two towns.
NAMES_TOGETHER = [
    (
        "Police in Paris said the Henry County sheriff would investigate.",
        [("Paris", "US", "TN"), ("Henry County", "US", "TN")],
    ),
    ("Huntsville is the seat of Walker County.", [("Huntsville", "US", "TX"), ("Walker County", "US", "TX")]),
    ("Schools in Lebanon and Boone County closed.", [("Lebanon", "US", "IN"), ("Boone County", "US", "IN")]),
    (
        "Terry Jolly, of Lebanon, was arrested by Lebanon Police and held in the Boone County Jail.",
        [("Lebanon", "US", "IN"), ("Lebanon", "US", "IN"), ("Boone County", "US", "IN")],
    ),
    ("Trains from Kingston to Ulster County were late.", [("Kingston", "US", "NY"), ("Ulster County", "US", "NY")]),
    (
        "He grew up in Columbia and studied in Richland County.",
        [("Columbia", "US", "SC"), ("Richland County", "US", "SC")],
    ),
    ("Perth and Fremantle sweltered.", [("Perth", "AU", "08"), ("Fremantle", "AU", "08")]),
    ("Richmond and Kew in London flooded.", [("Richmond", "GB", "ENG"), ("Kew", "GB", "ENG"), ("London", "GB", "ENG")]),
    (
        "Clarke, Madison, Oconee and Oglethorpe counties voted.",
        [("Clarke", "US", "GA"), ("Madison", "US", "GA"), ("Oconee", "US", "GA"), ("Oglethorpe", "US", "GA")],
    ),
    # ... and a famous place keeps its standing against a pair of villages named like it and its neighbour.
    ("Pilgrims left Mecca for Medina.", [("Mecca", "SA", "14"), ("Medina", "SA", "05")]),
    ("The band played in Paris and Lyon.", [("Paris", "FR", "11"), ("Lyon", "FR", "84")]),
]


@pytest.mark.parametrize(("text", "expected"), NAMES_TOGETHER, ids=[t[:32] for t, _ in NAMES_TOGETHER])
def test_names_that_lie_together_are_resolved_together(
    geoparser: Geoparser, text: str, expected: list[tuple[str, str, str]]
) -> None:
    mapped = [(g.mention.text, g.place.country_code, g.place.admin1) for g in geoparser.geoparse(text) if g.place]
    assert mapped == expected


def test_a_list_of_places_is_refused_not_geoparsed(gazetteer: GeoNamesGazetteer, settings: Settings) -> None:
    """A text with more place names than max_places is a list: a clear refusal bounds the time and memory."""
    parser = Geoparser(gazetteer, settings=replace(settings, max_places=5))
    assert len(parser.geoparse("Calais, Paris, Lille and Dunkirk.")) == 4
    with pytest.raises(TooManyPlacesError, match="more than 5 places: a list, not an article"):
        parser.geoparse("Calais, Paris, Lille, Dunkirk, Arras and Amiens.")
