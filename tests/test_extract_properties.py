"""Property-based tests of recognition (issue 8): no text makes it raise, shift an offset or leave the text.

Hypothesis draws random unicode and adversarial texts built from place names, capitalised words,
connectors, hyphens, dots, apostrophes, every kind of line break and very long tokens, and gives them to
``geo.extract.extract_mentions`` and to the whole ``Geoparser.geoparse`` with the real offline gazetteer
(``tests/conftest.py``).  For every mention:

- ``text[m.start:m.end] == m.text``, a non-blank span inside the text;
- its sentence lies in its paragraph, both inside the text, and the sentence holds the mention;
- mentions come in text order; a placed mention's place has valid coordinates.

Example counts are moderate so the suite stays quick; how long big texts take is ``bench/hostile.py``'s.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.extract import extract_mentions
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.models import GeocodedMention, Mention
from geo.pipeline import Geoparser

PLACES = [
    "Calais", "Paris", "Texas", "France", "Sangatte", "Hénin-Beaumont", "Pas-de-Calais", "St. Petersburg",
    "Charleston", "W.Va.", "U.S.", "U.K.", "UK", "EU", "English Channel", "the Channel", "Laurel County",
    "Evansville", "Ind.", "Lampedusa", "Libya", "New York", "O'Hare", "Côte d'Ivoire", "Boulogne-sur-Mer",
    "Mediterranean", "Europe", "Syria", "Britain", "Dover", "Lille", "São Paulo", "İstanbul", "Ōsaka", "ПАРИЖ",
]  # fmt: skip
PEOPLE = ["Syrians", "Afghans", "French", "Mr.", "Mrs.", "Dr.", "Prime Minister", "Mayor", "Paris Hilton", "Roma"]
CONNECTORS = ["of", "de", "du", "la", "le", "on", "and", "the", "al", "el", "en", "sur", "upon"]
PUNCTUATION = [".", ",", ";", ":", "!", "?", "-", "–", "—", "'", "’", "'s", "’s", '"', "“", "”", "(", ")", "[", "]"]
# Every line and paragraph break Python or a browser knows, and odd spaces.
BREAKS = [
    "\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n", "\n \t\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d",
    "\x1e", "\x85", "\t", " ", "  ", "\u00a0", "\u2009", "\u3000", "\u200b", "\ufeff",
]  # fmt: skip
LONG_TOKENS = [
    "A" * 3000, "Calais-" * 300, "A." * 1000, "O'" * 500, "x" * 3000, "Paris " * 300, "of " * 500,
    "Mr. Smith " * 100, "A. " * 300, "Calais, " * 200, "É" * 1000, "e\u0301" * 500, "'" * 500, "." * 500,
]  # fmt: skip
ODD = ["\x00", "\ufffd", "e\u0301", "\u202e", "\u0130", "ß", "ǅ", "Ⅻ", "１２", "𝐏𝐚𝐫𝐢𝐬", "ﬁ", "ﬀ"]

capitalised_words = st.text(alphabet=string.ascii_letters + "éÉüÜçÇ-'.", min_size=1, max_size=12).map(str.title)
fragments = st.one_of(
    st.sampled_from(PLACES),
    st.sampled_from(PEOPLE),
    st.sampled_from(CONNECTORS),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(BREAKS),
    st.sampled_from(ODD),
    capitalised_words,
    st.text(max_size=6),
)
# Fragments joined by a space most of the time, as words are; a long token now and then.
word_and_space = st.tuples(fragments, st.sampled_from([" ", " ", " ", "", "\n"])).map("".join)
adversarial = st.lists(word_and_space, max_size=120).map("".join)
texts = st.one_of(
    st.text(max_size=1500),
    st.text(st.characters(exclude_categories=()), max_size=300),  # lone surrogates too, as a str may hold
    adversarial,
    st.tuples(adversarial, st.sampled_from(LONG_TOKENS), adversarial).map("".join),
)

# Shapes that once took cubic time or that the rules read specially, tried first every run.
KNOWN = [
    "Paris Texas France " * 50,
    "Paris " + "of " * 200,
    "Mr. Smith " * 50,
    "Charleston, W.Va. and Evansville, Ind. are in the U.S.",
    "the Channel\r\rthe channel\u2028The Channel",
    "Prime Minister Manuel Valls of France visited Calais's port.",
    "",
    " \n\n ",
]


def check_mentions(text: str, mentions: list[Mention]) -> None:
    """Every mention points at its own text, inside its sentence and paragraph, in text order."""
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text), m
        assert text[m.start : m.end] == m.text, m
        assert m.text.strip(), m
        sentence_start, sentence_end = m.sentence
        paragraph_start, paragraph_end = m.paragraph
        assert 0 <= paragraph_start <= sentence_start <= m.start, m
        assert m.end <= sentence_end <= paragraph_end <= len(text), m


def check_geocoded(text: str, geocoded: list[GeocodedMention]) -> None:
    check_mentions(text, [g.mention for g in geocoded])
    for g in geocoded:
        if g.place is not None:
            assert -90 <= g.place.lat <= 90 and -180 <= g.place.lon <= 180, g.place


@pytest.mark.parametrize("adjectives", [False, True], ids=["default", "adjectives"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_recognition_never_raises_nor_shifts_an_offset(gazetteer: GeoNamesGazetteer, adjectives: bool,
                                                        text: str) -> None:  # fmt: skip
    for known in KNOWN:
        check_mentions(known, extract_mentions(known, gazetteer, adjectives=adjectives))
    assert len(extract_mentions(KNOWN[0], gazetteer)) == 150  # the real gazetteer answers: the run is read
    check_mentions(text, extract_mentions(text, gazetteer, adjectives=adjectives))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
@example(text="Calais, France.\r\rSangatte, near Calais.\u2028Calais, Maine.")
@example(text="Refugees from Syria reached Lampedusa, near Libya, and then Paris, Texas.")
def test_geoparsing_never_raises_nor_shifts_an_offset(geoparser: Geoparser, text: str) -> None:
    check_geocoded(text, geoparser.geoparse(text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=texts, text=adversarial)
def test_mentions_stay_inside_any_slice_of_a_text(geoparser: Geoparser, prefix: str, text: str) -> None:
    """A text cut anywhere (a mention's word cut in two, a break split from its pair) is still read safely."""
    whole = prefix + text
    for cut in {len(prefix), len(whole) // 2, max(0, len(whole) - 1)}:
        check_geocoded(whole[:cut], geoparser.geoparse(whole[:cut]))
        check_geocoded(whole[cut:], geoparser.geoparse(whole[cut:]))
