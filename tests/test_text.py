"""Tests for geo.text: tokens, sentences and paragraphs keep offsets into the text."""

from __future__ import annotations

import pytest

from geo.text import MAX_SENTENCE_CHARS, emphasis_spans, paragraph_spans, sentence_spans, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hénin-Beaumont, near Calais", ["Hénin", "-", "Beaumont", ",", "near", "Calais"]),
        ("Canada-U.S. trade", ["Canada", "-", "U.S.", "trade"]),
        ("Derek D. Moore", ["Derek", "D.", "Moore"]),
        ("France's rightwing", ["France", "rightwing"]),
        ("Calais' repression", ["Calais", "'", "repression"]),
        ("the U.S. and the U.K.", ["the", "U.S.", "and", "the", "U.K."]),
        ("Charleston, W.Va.", ["Charleston", ",", "W.Va."]),
        ("a 23-year-old Afghan", ["a", "23", "-", "year", "-", "old", "Afghan"]),
    ],
    ids=[
        "hyphen",
        "hyphen-dotted",
        "initial",
        "possessive",
        "plural-possessive",
        "dotted",
        "state-abbreviation",
        "number-hyphen",
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    found = tokenize(text)
    assert [t.text for t in found] == tokens
    assert all(text[t.start : t.end] == t.text for t in found)


def test_possessive_is_marked() -> None:
    (france, _) = tokenize("France's party")
    assert france.possessive and france.text == "France"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Calais is in France. Sangatte is near.", ["Calais is in France.", "Sangatte is near."]),
        ("Mr. Valls spoke. He left.", ["Mr. Valls spoke.", "He left."]),
        ("They flew to the U.S. on Monday.", ["They flew to the U.S. on Monday."]),
        ("Rep. Nick Rahall, D-W. Va., spoke.", ["Rep. Nick Rahall, D-W. Va., spoke."]),
        ('He said "go." Then he went.', ['He said "go."', "Then he went."]),
        ("Police in Charleston, W.Va. arrested him.", ["Police in Charleston, W.Va. arrested him."]),
        ("No full stop at the end", ["No full stop at the end"]),
    ],
    ids=[
        "two",
        "title-abbreviation",
        "dotted-abbreviation",
        "after-a-hyphen",
        "quote",
        "state-abbreviation",
        "unterminated",
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == sentences


def test_paragraph_spans_split_on_blank_lines_and_trim() -> None:
    text = "\nFirst line\nstill first.\n\n  Second.  \n \n\nThird."
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["First line\nstill first.", "Second.", "Third."]


def test_sentence_spans_stay_inside_their_paragraph() -> None:
    text = "One. Two.\n\nThree."
    paragraphs = paragraph_spans(text)
    spans = [span for p in paragraphs for span in sentence_spans(text, *p)]
    assert [text[s:e] for s, e in spans] == ["One.", "Two.", "Three."]


def test_a_sentence_without_end_is_cut_at_a_space_past_the_length_limit() -> None:
    # "Mr. Smith " x 500,000 is one 5 MB sentence: cut into bounded pieces, so a
    # list is refused after its first names, and no word is ever cut in two.
    text = "Mr. Smith " * 2_000
    spans = sentence_spans(text, 0, len(text))
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert " ".join(text[s:e] for s, e in spans).split() == text.split()


def test_a_space_less_run_past_the_limit_stays_whole() -> None:
    text = "x" * (MAX_SENTENCE_CHARS * 2)
    assert sentence_spans(text, 0, len(text)) == [(0, len(text))]


@pytest.mark.parametrize(
    "text",
    ["Calais\n" * 2_000, "x" * 5_000 + " Calais" * 1_000, "Mr. Smith " * 2_000],
    ids=["one name a line", "a long word first", "abbreviations"],
)
def test_long_runs_are_cut_at_whitespace_into_bounded_pieces(text: str) -> None:
    spans = sentence_spans(text, 0, len(text))
    assert all(end - start <= 5_000 for start, end in spans)
    assert [word for s, e in spans for word in text[s:e].split()] == text.split()


@pytest.mark.parametrize(
    ("text", "emphasised"),
    [
        ("The *Daily Star* said", [("*Daily Star*", 1)]),
        (
            "**bold text** __more bold__ *emphasis* _em_",
            [("**bold text**", 2), ("__more bold__", 2), ("*emphasis*", 1), ("_em_", 1)],
        ),
        ("(*Financial Times*).", [("*Financial Times*", 1)]),
        ("5*3*2 = 30", []),
        ("snake_case_name", []),
        ("* a list item *", []),
        ("**half*", []),
        ("*over\na line*", []),
        ("*over\u2028a break*", []),
        ("**", []),
        ("*a*b*", []),
    ],
    ids=[
        "em",
        "each-kind",
        "in-brackets",
        "arithmetic",
        "snake-case",
        "list",
        "unbalanced",
        "newline",
        "line-separator",
        "marks-only",
        "intraword",
    ],
)
def test_emphasis_spans(text: str, emphasised: list[tuple[str, int]]) -> None:
    assert [(text[e.start : e.end], e.mark) for e in emphasis_spans(text)] == emphasised
