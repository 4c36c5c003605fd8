"""Tests for geo.extract: which spans of a text are places or their peoples.

Hard cases come from the seed articles and the classic traps of the field:
surnames that are towns, newspapers and parties with place names, peoples.
"""

from __future__ import annotations

import pytest

from geo.extract import RULES, STEPS, extract_mentions, recognise
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.models import Cue, Evidence
from geo.pipeline import Geoparser


def found(text: str, gazetteer: GeoNamesGazetteer, **options: bool) -> list[tuple[str, str]]:
    return [(m.text, m.kind) for m in extract_mentions(text, gazetteer, **options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Police broke up camps in the port city of Calais on the English Channel.",
            [("Calais", "toponym"), ("English Channel", "toponym")],
        ),
        ("Refugees drift in the Channel on a raft.", [("Channel", "toponym")]),
        (
            "The FN also took control of Hénin-Beaumont, near Calais.",
            [("Hénin-Beaumont", "toponym"), ("Calais", "toponym")],
        ),
        ("the Italian island of Lampedusa, near war-torn Libya.", [("Lampedusa", "toponym"), ("Libya", "toponym")]),
        (
            "Germany, Italy, the UK, France and Sweden took in refugees.",
            [
                ("Germany", "toponym"),
                ("Italy", "toponym"),
                ("UK", "toponym"),
                ("France", "toponym"),
                ("Sweden", "toponym"),
            ],
        ),
        ("They travel across Europe to Britain.", [("Europe", "toponym"), ("Britain", "toponym")]),
        ("They die on the borders of Fortress Europe.", [("Europe", "toponym")]),
        ("Calais mayor Natacha Bouchart of France's rightwing party", [("Calais", "toponym"), ("France", "toponym")]),
        ("Charleston, W.Va. is the capital.", [("Charleston", "toponym"), ("W.Va.", "toponym")]),
        ("Joe Marinucci of the Downtown Cleveland Alliance says so.", [("Cleveland", "toponym")]),
        ("Officers of the Calais Police Department's unit", [("Calais", "toponym")]),
        ("Police in Laurel County arrested him.", [("Laurel County", "toponym")]),
        ("In the EU's Frontex, nothing changes.", [("EU", "toponym")]),
        ("He lives in Evansville, Ind. with his wife.", [("Evansville", "toponym"), ("Ind.", "toponym")]),
        ("She moved to St. Petersburg last year.", [("St. Petersburg", "toponym")]),
    ],
    ids=[
        "city-and-channel",
        "the-channel",
        "hyphenated-town",
        "island",
        "list-of-countries",
        "continent",
        "fortress-europe",
        "place-before-title",
        "state-abbreviation",
        "organisation-at-place",
        "possessive-organisation",
        "county",
        "possessive",
        "abbreviation-keeps-its-full-stop",
        "saint-abbreviation",
    ],
)
def test_places_are_found(gazetteer: GeoNamesGazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, gazetteer) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the government of Prime Minister Manuel Valls acted.",
        "Interior Minister Manuel Valls as prime minister. Later Valls said no.",
        "after meeting French Interior Minister Bernard Cazeneuve.",
        "She did not discuss it with Cazeneuve.",
        "The PS government has carried out mass deportations of the Roma.",
        "Prime Minister Valls has advocated that the entire Roma ethnicity should be deported.",
        "The Daily Star said Britain must end it.",
        "The organ of the City, the Financial Times, tried to blame.",
        "Natacha Bouchart of the rightwing Union for a Popular Movement (UMP).",
        "a Red Cross refugee centre.",
        "the FN leader Marine Le Pen won.",
        "Market analyst Richard Tunstall worked on it.",
        "When Police arrived, Union members left in March.",
        "Abraham Lincoln spoke. Lincoln was tall.",
        "When the enemy came close, Lincoln visited the fort.",
        "The SEC and the SRT filed suits.",
        "A statement from the White House came late.",
    ],
    ids=[
        "pm-valls",
        "bare-valls-after-title",
        "cazeneuve",
        "bare-cazeneuve",
        "the-roma",
        "roma-ethnicity",
        "daily-star",
        "financial-times",
        "union-for-a-popular-movement",
        "red-cross",
        "le-pen",
        "first-name-surname-town",
        "common-words",
        "first-name-that-is-a-village",
        "person-verb",
        "acronyms",
        "building",
    ],
)
def test_traps_are_not_mapped(geoparser: Geoparser, text: str) -> None:
    mapped = [g.mention.text for g in geoparser.geoparse(text) if g.mention.text != "Britain"]
    assert mapped == []


def test_daily_star_keeps_the_real_place(gazetteer: GeoNamesGazetteer) -> None:
    assert found("The Daily Star said Britain must end it.", gazetteer) == [("Britain", "toponym")]


def test_a_surname_stays_a_person_in_the_whole_article(gazetteer: GeoNamesGazetteer) -> None:
    text = "Valls spoke first.\n\nLater, Prime Minister Manuel Valls sent police."
    assert found(text, gazetteer) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "most of whom were Syrians, Afghans and Africans, were moved.",
            [("Syrians", "demonym"), ("Afghans", "demonym"), ("Africans", "demonym")],
        ),
        ("Three weeks ago, a 23-year-old Afghan, Asif Hussainkhil, was picked up.", [("Afghan", "demonym")]),
        ("a strong gesture towards the British.", [("British", "demonym")]),
        ("hundreds of French riot police broke up camps", []),
        ("the British government has imposed austerity", []),
        ("in this week's European elections", []),
    ],
    ids=["plural-nouns", "singular-noun", "the-british", "adjective-french", "adjective-british", "adjective-european"],
)
def test_demonyms(gazetteer: GeoNamesGazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, gazetteer) == expected


def test_adjectives_are_mapped_only_when_asked(gazetteer: GeoNamesGazetteer) -> None:
    """Decision: "French riot police" names no place the story happens in; LGL counts it, so it is a setting."""
    text = "hundreds of French riot police and the British government"
    assert found(text, gazetteer) == []
    assert found(text, gazetteer, adjectives=True) == [("French", "demonym"), ("British", "demonym")]
    assert all(m.has(Evidence.ADJECTIVE) for m in extract_mentions(text, gazetteer, adjectives=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sudanese migrants slept rough in Paris.", [("Sudanese", "demonym"), ("Paris", "toponym")]),
        ("Eritrean refugees crossed.", [("Eritrean", "demonym")]),
        ("Afghan men and Syrian families waited.", [("Afghan", "demonym"), ("Syrian", "demonym")]),
        ("Iraqi Kurds fled north.", [("Iraqi", "demonym")]),
        ("Two Somali nationals were detained.", [("Somali", "demonym")]),
        ("French riot police moved in.", []),
        ("The British government refused.", []),
        ("a Syrian-born doctor", [("Syrian", "demonym")]),
        ("a Syrian-led offensive", []),
    ],
    ids=["sudanese-migrants", "eritrean-refugees", "afghan-men", "iraqi-kurds", "somali-nationals",
         "french-police", "british-government", "born-in", "hyphenated-adjective"],
)  # fmt: skip
def test_origin_adjectives_are_demonyms_by_default(
    gazetteer: GeoNamesGazetteer, text: str, expected: list[tuple[str, str]]
) -> None:
    """Decision: an adjective before a people noun says where people come from; other adjectives are a setting."""
    mentions = extract_mentions(text, gazetteer)
    assert [(m.text, m.kind) for m in mentions] == expected
    assert all(m.has(Evidence.ORIGIN) for m in mentions if m.kind == "demonym")


def test_lowercase_channel_is_the_channel_once_the_article_named_it(gazetteer: GeoNamesGazetteer) -> None:
    text = "They cross the Channel in trucks. Many try to cross the channel to England."
    assert found(text, gazetteer) == [("Channel", "toponym"), ("channel", "toponym"), ("England", "toponym")]
    assert found("They change the channel on TV.", gazetteer) == []


def test_mentions_carry_offsets_sentence_and_paragraph(gazetteer: GeoNamesGazetteer) -> None:
    text = "Intro line.\n\nThey left Calais. Then Sangatte."
    calais, sangatte = extract_mentions(text, gazetteer)
    assert text[calais.start : calais.end] == "Calais"
    assert text[slice(*calais.sentence)] == "They left Calais."
    assert text[slice(*sangatte.sentence)] == "Then Sangatte."
    assert text[slice(*calais.paragraph)] == "They left Calais. Then Sangatte."


def test_mentions_carry_their_evidence_and_rule(gazetteer: GeoNamesGazetteer) -> None:
    (sangatte,) = extract_mentions("a refugee centre in Sangatte.", gazetteer)
    assert sangatte.cues == (Cue(Evidence.LOCATIVE, "in"),) and sangatte.rule == "locative"
    charleston, state = extract_mentions("Charleston, W.Va. is here.", gazetteer)
    assert Cue(Evidence.CONTAINER, "w va") in charleston.cues
    assert state.has(Evidence.CONTAINED)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("The Roma camp was cleared.", "peoples"),
        ("Union members left.", "not-places"),
        ("It cost US$460 million.", "currency"),
        ("A case of West Nile virus.", "named-after"),
        ("Pack 122 collected food.", "numbered"),
        ("The tomb dates from 500 B.C. and more.", "era"),
        ("The Washington Post said so.", "newspaper"),
        ("Residents of Wichita Street complained.", "street"),
        ("President Lincoln spoke.", "title"),
        ("Her daughter Elizabeth lives nearby.", "title"),
        ("Mr. Lincoln spoke.", "title"),
        ("Jack London wrote about the sea.", "first-name"),
        ("Paris Hilton arrived.", "place-first-name"),
        ("The SEC filed suit.", "acronym"),
        ("She works at Licking Memorial Hospital.", "name-part"),
        ("Lincoln visited the fort.", "person-verb"),
        ("Prices rose, according to Taylor.", "person-verb"),
    ],
    ids=["peoples", "not-places", "currency", "named-after", "numbered", "era", "newspaper", "street", "title",
         "relative", "title-with-full-stop", "first-name", "place-first-name", "acronym", "name-part", "person-verb",
         "according-to"],
)  # fmt: skip
def test_each_rule_vetoes_its_case(gazetteer: GeoNamesGazetteer, text: str, rule: str) -> None:
    vetoes = [d.verdict.rule for d in recognise(text, gazetteer).decisions if not d.verdict.keep]
    assert rule in vetoes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A Washington-based group met.", ["Washington"]),
        ("Canada-U.S. trade grew.", ["Canada", "U.S."]),
        ("Between Paris-Henry County and Memphis.", ["Paris", "Henry County", "Memphis"]),
        ("After the DPRK-U.S. summit.", ["U.S."]),
        ("Hénin-Beaumont voted.", ["Hénin-Beaumont"]),
        ("Flights to Port-au-Prince resumed.", ["Port-au-Prince"]),
    ],
    ids=["x-based", "canada-us", "paris-henry-county", "dprk-us", "hyphenated-town", "port-au-prince"],
)
def test_hyphenated_forms_give_their_toponyms(gazetteer: GeoNamesGazetteer, text: str, expected: list[str]) -> None:
    assert [m.text for m in extract_mentions(text, gazetteer) if m.kind == "toponym"] == expected


def test_a_weak_cue_decides_only_its_own_mention(gazetteer: GeoNamesGazetteer) -> None:
    """ "Lincoln visited" makes that Lincoln a person; the one after "in" stays a place."""
    text = "Lincoln visited the fort. The fort is in Lincoln."
    assert [(m.text, m.start) for m in extract_mentions(text, gazetteer)] == [("Lincoln", text.rindex("Lincoln"))]


def test_strong_evidence_spreads_but_not_over_place_evidence(gazetteer: GeoNamesGazetteer) -> None:
    """A first name makes London a person's name in the whole article, except where the text places it."""
    text = "Jack London wrote novels. London's books sold well. He lived in London."
    assert [(m.text, m.start) for m in extract_mentions(text, gazetteer)] == [("London", text.rindex("London"))]


def test_every_rule_can_be_switched_off(gazetteer: GeoNamesGazetteer) -> None:
    text = "Jack London wrote about the sea."
    assert [m.text for m in extract_mentions(text, gazetteer, disabled={"first-name", "learn-people"})] == ["London"]
    assert set(RULES) and set(STEPS) and not set(RULES) & set(STEPS)


def test_admin_areas_never_overlap(gazetteer: GeoNamesGazetteer) -> None:
    """Bug: "Warren County's Hamilton Township" gave two mentions starting at "Warren" (it broke the store)."""
    text = "Officials in Warren County's Hamilton Township outside Cincinnati say the plan works."
    mentions = extract_mentions(text, gazetteer)
    spans = [(m.start, m.end) for m in mentions]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
    assert [m.text for m in mentions] == ["Warren County", "Hamilton Township", "Cincinnati"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Clarke, Madison, Oconee and Oglethorpe counties voted.",
         [("Clarke", "clarke county"), ("Madison", "madison county"), ("Oconee", "oconee county"),
          ("Oglethorpe", "oglethorpe county")]),
        ("The bridge between Walton and Oconee counties fell.",
         [("Walton", "walton county"), ("Oconee", "oconee county")]),
        ("Butler, Clark, or Warren counties", [("Butler", "butler county"), ("Clark", "clark county"),
                                              ("Warren", "warren county")]),
        ("Rain hit Sichuan and Yunnan provinces.", [("Sichuan", "sichuan province"), ("Yunnan", "yunnan province")]),
        ("Orleans & Jefferson parishes", [("Orleans", "orleans parish"), ("Jefferson", "jefferson parish")]),
        # One name is no list, and a list of people before a plural is no list of divisions.
        ("Three counties voted; Oconee counties differ.", []),
        ("Smith and Jones counted votes in the counties.", []),
    ],
    ids=["four", "two", "oxford-comma-or", "provinces", "ampersand", "one-name", "not-before"],
)  # fmt: skip
def test_a_list_before_a_plural_division_word_names_divisions(
    gazetteer: GeoNamesGazetteer, text: str, expected: list[tuple[str, str]]
) -> None:
    areas = [(m.text, m.key) for m in extract_mentions(text, gazetteer) if m.rule == "admin-area"]
    assert areas == expected
