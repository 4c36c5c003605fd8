"""Split text into paragraphs, sentences and word tokens, keeping offsets; find Markdown emphasis.

Input: a ``str``.  Output: ``Token``, ``Emphasis`` and ``(start, end)`` spans whose
offsets are Python ``str`` indices into that same string, so every later
stage can point back into the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words with inner apostrophes stay one token ("O'Hare"); dotted
# abbreviations ("U.S.", "W.Va.", "D.C.") too, and the abbreviations that
# open place names ("St. Petersburg", "Ft. Worth") and initials ("Derek D. Moore").  A hyphen is a token of
# its own, so that "Canada-U.S." and "Washington-based" give their names;
# the recogniser joins "Hénin-Beaumont" again (``is_joiner``).
_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.){2,}|\b(?:St|Ste|Mt|Ft|[A-Z])\.(?=\s+[A-Z])|\w+(?:['’]\w+)*|[^\w\s]")
HYPHENS = "-‐‑"
_APOSTROPHES = "'’"  # a word ending in one of them and "s" is a possessive
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A sentence ends at . ! ? (and closing quotes or brackets) before a space
# and a capital, a digit or an opening quote, unless the word before the
# full stop is a known abbreviation.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LAST_WORD_WINDOW = 64
# Markdown emphasis, *a* and **a** (or _a_ and __a__), within a line: the marks flank words from outside,
# so "5*3*2", "snake_case_name" and "* a list" stay as written.
_NO_BREAK = "[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029{mark}]"
_EMPHASIS = re.compile(
    "|".join(
        rf"(?<![\w{m}])(?P<{name}>{m}{m}|{m})(?=[^\s{m}]){_NO_BREAK.format(mark=m)}*?(?<=[^\s{m}])(?P={name})(?![\w{m}])"
        for name, m in (("star", r"\*"), ("line", "_"))
    )
)
# News sentences run to a few hundred characters.  A "sentence" longer than
# this is a list or a run without full stops: it is cut at a space, so that
# no text is read as one unbounded sentence.
MAX_SENTENCE_CHARS = 4_000
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_SPACE = re.compile(r"\s")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt ft gen sen rep gov capt lt col sgt maj cpl adm rev "
    "inc co corp ltd no vs etc jan feb mar apr aug sept sep oct nov dec "
    "ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn "
    "miss mo mont neb nebr nev okla ore pa tenn tex vt va wash wis wisc wyo".split()
)


@dataclass(frozen=True, slots=True)
class Emphasis:
    """A Markdown emphasis in a text: its marks at ``start`` and before ``end``, its words between."""

    start: int
    end: int
    mark: int  # the length of each mark: 1 for *a* (emphasis), 2 for **a** (strong emphasis)


def emphasis_spans(text: str, start: int = 0, end: int | None = None) -> list[Emphasis]:
    """The Markdown emphases of ``text[start:end]``, in order.

    Examples
    --------
    >>> emphasis_spans("The *Daily Star* and **not** 5*3*2")
    [Emphasis(start=4, end=16, mark=1), Emphasis(start=21, end=28, mark=2)]
    """
    return [
        Emphasis(match.start(), match.end(), len(match.group("star") or match.group("line")))
        for match in _EMPHASIS.finditer(text, start, len(text) if end is None else end)
    ]


class Token:
    """A word or punctuation mark with its offsets; a possessive 's is cut off.

    ``is_word`` and ``is_capitalised`` are worked out once, when the token is
    made: the recogniser asks them of every token, several times.  ``key``
    holds the token's gazetteer key once the recogniser has worked it out
    (``geo.rules.norm``).  A plain class with slots: tokens are made by the
    hundred thousand.
    """

    __slots__ = ("start", "end", "text", "possessive", "is_word", "is_capitalised", "key")

    def __init__(self, start: int, end: int, text: str, possessive: bool = False) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.possessive = possessive
        first = text[0]
        self.is_word = first.isalnum()
        # An elided French or Italian article before a capital is part of a name: "Côte d'Ivoire", "Val d'Isère".
        self.is_capitalised = first.isupper() or (
            first in "dl" and len(text) > 2 and text[1] in _APOSTROPHES and text[2].isupper()
        )
        self.key: str | None = None

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r}{', possessive' if self.possessive else ''})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.start, self.end, self.text, self.possessive) == (
            other.start,
            other.end,
            other.text,
            other.possessive,
        )

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text))


def is_initial(token: Token) -> bool:
    """A middle initial such as the "A." of "Roy A. Nelson"."""
    text = token.text
    return len(text) == 2 and text[1] == "." and text[0].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and punctuation tokens of ``text[start:end]``, with offsets into ``text``."""
    tokens: list[Token] = []
    append = tokens.append  # a hundred thousand tokens per megabyte: the loop is kept lean
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word = match[0]
        first = match.start()
        if word[-1] == "s" and len(word) > 2 and word[-2] in _APOSTROPHES:
            append(Token(first, first + len(word) - 2, word[:-2], True))
        else:
            append(Token(first, first + len(word), word))
    return tokens


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks of text between blank lines, trimmed."""
    spans = []
    position = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, brk.start()))
        position = brk.end()
    spans.append((position, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence within the paragraph ``text[start:end]``."""
    spans = []
    position = start
    for stop in _SENTENCE_END.finditer(text, start, end):
        # Only the last word matters: a bounded window keeps a paragraph of "Mr. Smith" linear.
        before = text[max(position, stop.start() - _LAST_WORD_WINDOW) : stop.start()].split()
        # After a hyphen only: "D-W. Va." does not end at "W.".
        last_word = before[-1].rstrip(".").lower().rsplit("-", 1)[-1] if before else ""
        if text[stop.start()] == "." and (last_word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last_word)):
            continue
        spans.extend(_cut_long(text, position, stop.end()))
        position = stop.end()
    spans.extend(_cut_long(text, position, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of about ``MAX_SENTENCE_CHARS``, each cut at a whitespace."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        space = _LAST_SPACE.search(text, start + 1, limit) or _SPACE.search(text, limit, end)
        if space is None:
            break
        pieces.append((start, space.start()))
        start = space.end()
    pieces.append((start, end))
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
