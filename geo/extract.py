"""Recognition: find the spans of a text that name places or their peoples.

Input: a ``str`` and a gazetteer.  Output: ``list[Mention]`` in text order.

The recogniser is driven by the gazetteer and by the shape of the text, not
by a statistical NER model (measured on the seeds, spaCy's small model tags
Calais as a person half the time).  Runs of capitalised words are matched
against the gazetteer, longest name first; then the words around a match
decide what it is:

- a title before it ("Prime Minister Manuel Valls") or a first name with it
  makes a person, and the surname stays a person for the rest of the article;
- a newspaper word with it ("Daily Star") makes a newspaper: not mapped;
- an organisation word after it ("Pointe Coupee Sheriff's Office") keeps the
  place: the organisation is there;
- peoples that share a place's name ("the Roma") are not places;
- nationality nouns ("Syrians", "a 23-year-old Afghan") are ``demonym``
  mentions; nationality adjectives ("French riot police") are left out unless
  ``adjectives=True``, because they qualify an institution rather than name a
  place the story happens in or people come from.

Small places whose names are also common words or surnames are marked
``weak``: the resolver keeps them only when the article supports them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from geo.config import PACKAGE_DATA_DIR
from geo.gazetteer.base import (
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    MATCH_DEMONYM,
    Gazetteer,
    normalise_name,
)
from geo.models import Mention, Place
from geo.text import Token, paragraph_spans, sentence_spans, tokenize

MAX_NAME_TOKENS = 7
# Connectors that may sit inside a name: "Gulf of Mexico", "Stratford upon Avon".
CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "upon", "on", "and", "the", "al", "el", "en", "sur"})
STRONG_FEATURES = frozenset(
    {
        "L.CONT",
        "A.PCLI",
        "A.ADM1",
        "A.ADM2",
        "L.RGN",
        "H.SEA",
        "H.CHN",
        "H.OCN",
        "H.GULF",
        "H.STRT",
        "H.BAY",
        "H.LK",
        "H.LKS",
        "H.STM",
        "P.PPLC",
    }
)
# Capitalised words read on each side of a match: a title, a first name, an organisation word.
CONTEXT_WORDS = 4
# A populated place this large is rarely named by accident.
STRONG_POPULATION = 100_000


def _is_well_known(place: Place) -> bool:
    """A place whose name is rarely meant as anything else: a country, a state, a city."""
    if place.raw.get("match") == MATCH_DEMONYM:
        return False
    return place.feature in STRONG_FEATURES or place.population >= STRONG_POPULATION


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists of ``geo/data/lexicon.toml``."""

    person_titles: frozenset[str]
    organisation_words: frozenset[str]
    media_words: frozenset[str]
    place_modifiers: frozenset[str]
    peoples: frozenset[str]
    not_places: frozenset[str]
    function_words: frozenset[str]
    locative_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    person_verbs: frozenset[str]
    admin_suffixes: frozenset[str]


@cache
def load_lexicon() -> Lexicon:
    """Read the lexicon once per process."""
    with (PACKAGE_DATA_DIR / "lexicon.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return Lexicon(**{name: frozenset(words) for name, words in table.items()})


@dataclass(frozen=True, slots=True)
class _Match:
    """A gazetteer hit over tokens ``first..last`` of a chunk."""

    first: int
    last: int
    key: str
    places: tuple[Place, ...]


def _is_acronym(text: str) -> bool:
    """Two to four capitals, with or without full stops: "EU", "U.K.", "SRT"."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _norm(token: Token) -> str:
    return normalise_name(token.text)


def _chunks(tokens: list[Token], text: str, lexicon: Lexicon) -> list[list[int]]:
    """Indices of runs of capitalised words, joined by connectors, on one line."""
    chunks: list[list[int]] = []
    current: list[int] = []

    def adjacent(a: Token, b: Token) -> bool:
        gap = text[a.end : b.start]
        if a.possessive:
            return _possessive_gap(gap)
        return gap.isspace() and "\n" not in gap

    for index, token in enumerate(tokens):
        name_like = token.is_word and token.is_capitalised and _norm(token) not in lexicon.function_words
        connector = token.is_word and not token.is_capitalised and token.text in CONNECTORS
        if current and (name_like or connector) and adjacent(tokens[current[-1]], token):
            current.append(index)
            continue
        if current:
            chunks.append(current)
        current = [index] if name_like else []
    if current:
        chunks.append(current)
    # A chunk never ends with a connector.
    trimmed = []
    for chunk in chunks:
        while chunk and not tokens[chunk[-1]].is_capitalised:
            chunk = chunk[:-1]
        if chunk:
            trimmed.append(chunk)
    return trimmed


def _possessive_gap(gap: str) -> bool:
    """The text between a possessive word and the next: "'s " ("Sheriff's Office")."""
    return gap[:2] in {"'s", "’s"} and gap[2:].isspace() and "\n" not in gap


def _find_matches(chunk: list[int], tokens: list[Token], text: str, gazetteer: Gazetteer) -> list[_Match]:
    """Longest gazetteer names in a chunk, left to right; a name starts and ends capitalised."""
    matches: list[_Match] = []
    position = 0
    while position < len(chunk):
        found = None
        if tokens[chunk[position]].is_capitalised:
            for length in range(min(MAX_NAME_TOKENS, len(chunk) - position), 0, -1):
                first, last = chunk[position], chunk[position + length - 1]
                if not tokens[last].is_capitalised:
                    continue
                key = normalise_name(text[tokens[first].start : tokens[last].end])
                places: tuple[Place, ...] = ()
                if position == 0 and first > 0 and _norm(tokens[first - 1]) == "the":
                    places = _lookup(gazetteer, "the " + key)
                    key = "the " + key if places else key
                places = places or _lookup(gazetteer, key)
                if places:
                    found = _Match(position, position + length - 1, key, places)
                    break
        if found:
            matches.append(found)
            position = found.last + 1
        else:
            position += 1
    return matches


def _lookup(gazetteer: Gazetteer, key: str) -> tuple[Place, ...]:
    lookup = getattr(gazetteer, "lookup", None)
    if lookup is not None:
        return tuple(lookup(key))
    return tuple(gazetteer.candidates(key)) + tuple(gazetteer.demonym_places(key))


@dataclass
class _Sentence:
    span: tuple[int, int]
    paragraph: tuple[int, int]
    tokens: list[Token]
    chunks: list[list[int]]


class _Recogniser:
    """One article's recognition: two passes, people first, then places."""

    def __init__(self, text: str, gazetteer: Gazetteer, *, adjectives: bool) -> None:
        self.text = text
        self.gazetteer = gazetteer
        self.adjectives = adjectives
        self.lexicon = load_lexicon()
        self.people: set[str] = set()
        self.sentences: list[_Sentence] = []
        for paragraph in paragraph_spans(text):
            for span in sentence_spans(text, *paragraph):
                tokens = tokenize(text, *span)
                self.sentences.append(_Sentence(span, paragraph, tokens, _chunks(tokens, text, self.lexicon)))

    # -- pass 1: who are the people of this article ---------------------------------
    def learn_people(self) -> None:
        """Remember surnames: the words after a title or a first name in a run of names."""
        for sentence in self.sentences:
            for chunk in sentence.chunks:
                words = [_norm(sentence.tokens[i]) for i in chunk if sentence.tokens[i].is_capitalised]
                title_at = self._title_position(sentence, chunk)
                if title_at is not None:
                    self.people.update(self._name_after_title(sentence, chunk, title_at))
                elif self._looks_like_person(sentence, chunk, words):
                    self.people.update(words[1:])

    def _name_after_title(self, sentence: _Sentence, chunk: list[int], title_at: int) -> list[str]:
        """The capitalised words after a title, up to a connector: "Manuel Valls"."""
        capitalised = [position for position, i in enumerate(chunk) if sentence.tokens[i].is_capitalised]
        name: list[int] = []
        for position in capitalised[title_at + 1 : title_at + 1 + CONTEXT_WORDS]:
            if name and position != name[-1] + 1:
                break
            name.append(position)
        words = [_norm(sentence.tokens[chunk[p]]) for p in name]
        return [w for w in words if w not in self.lexicon.person_titles]

    def _title_position(self, sentence: _Sentence, chunk: list[int]) -> int | None:
        """Index (in the chunk's capitalised words) of the last title; -1 for a title just before."""
        words = [_norm(sentence.tokens[i]) for i in chunk if sentence.tokens[i].is_capitalised]
        positions = [i for i, w in enumerate(words[:-1]) if w in self.lexicon.person_titles]
        if positions:
            return positions[-1]
        before = chunk[0] - 1
        if (
            before >= 0
            and sentence.tokens[before].is_word
            and _norm(sentence.tokens[before]) in self.lexicon.person_titles
        ):
            return -1
        return None

    def _looks_like_person(self, sentence: _Sentence, chunk: list[int], words: list[str]) -> bool:
        """Two or three capitalised words, none a connector, the first no place word: "Manuel Valls"."""
        if not 2 <= len(words) <= 3 or len(words) != len(chunk):
            return False
        lex = self.lexicon
        if any(w in lex.organisation_words or w in lex.media_words or w in lex.admin_suffixes for w in words):
            return False
        if words[0] in lex.place_modifiers or words[0] in lex.not_places:
            return False
        whole = normalise_name(self.text[sentence.tokens[chunk[0]].start : sentence.tokens[chunk[-1]].end])
        if _lookup(self.gazetteer, whole):
            return False
        if any(p.feature in STRONG_FEATURES for p in _lookup(self.gazetteer, words[-1])):
            return False
        # Many first names are also villages (Abraham, Craig); only a well-known place opens a place name.
        return not any(_is_well_known(p) for p in _lookup(self.gazetteer, words[0]))

    # -- pass 2: places ----------------------------------------------------------------
    def mentions(self) -> list[Mention]:
        found: list[Mention] = []
        for sentence in self.sentences:
            for chunk in sentence.chunks:
                in_chunk = [
                    mention
                    for match in _find_matches(chunk, sentence.tokens, self.text, self.gazetteer)
                    if (mention := self._classify(sentence, chunk, match)) is not None
                ]
                areas = self._admin_areas(sentence, chunk)
                found.extend(_outside(in_chunk, areas))
                found.extend(areas)
        found.extend(self._repeated_the_aliases(found))
        return sorted(found, key=lambda m: m.start)

    def _classify(self, sentence: _Sentence, chunk: list[int], match: _Match) -> Mention | None:
        lex = self.lexicon
        tokens = sentence.tokens
        first, last = tokens[chunk[match.first]], tokens[chunk[match.last]]
        key = match.key
        if key in lex.peoples:
            return None
        demonyms = [p for p in match.places if p.raw.get("match") == MATCH_DEMONYM]
        places = [p for p in match.places if p.raw.get("match") != MATCH_DEMONYM]
        if not self._abbreviation_ok(places, last):
            places = [p for p in places if p.raw.get("match") != MATCH_ABBREVIATION]
        pre, post = self._context(sentence, chunk, match)
        if any(_norm(tokens[i]) in lex.media_words for i in pre + post):
            return None
        if demonyms and not places:
            return self._demonym(sentence, chunk, match, first, last)
        if not places or key in lex.not_places:
            return None
        if key in self.people and match.first == match.last:
            return None
        if _is_acronym(self.text[first.start : last.end]):
            # "SEC", "SRT": an acronym names a place only through our curated aliases ("UK", "EU").
            places = [p for p in places if p.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION}]
            if not places:
                return None
        best = places[0]
        strong_feature = best.feature in STRONG_FEATURES or best.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION}
        pre_words = [_norm(tokens[i]) for i in pre]
        segment_start = pre[0] if pre else chunk[match.first]
        title_before = segment_start > 0 and _norm(tokens[segment_start - 1]) in lex.person_titles
        if title_before or any(w in lex.person_titles for w in pre_words):
            return None
        if pre_words and not all(w in lex.place_modifiers for w in pre_words) and not strong_feature:
            return None
        post_words = [_norm(tokens[i]) for i in post]
        # "EU's Frontex": a possessive place owns what follows; it is no first name.
        if (
            post_words
            and not last.possessive
            and not self._post_keeps_place(post_words, strong_feature, len(pre_words))
        ):
            return None
        after = chunk[match.last] + 1
        if not strong_feature and after < len(tokens) and _norm(tokens[after]) in lex.person_verbs and not post:
            return None  # "Lincoln visited the fort"
        cues = self._cues(sentence, chunk, match)
        multiword = match.last > match.first
        trusted = [p for p in places if p.raw.get("match") != MATCH_ALTERNATE]
        big = any(p.population >= STRONG_POPULATION for p in places)
        if not (strong_feature or big or (multiword and trusted)):
            cues = cues + ("weak",)
        if not trusted and not big:
            return None
        end = last.end
        if best.raw.get("match") == MATCH_ABBREVIATION and self.text[end : end + 1] == ".":
            end += 1  # "Ind." is the name; its full stop belongs to it
        return self._mention(sentence, first.start, end, "toponym", key, cues)

    def _post_keeps_place(self, post_words: list[str], strong_feature: bool, pre_count: int) -> bool:
        lex = self.lexicon
        head = post_words[0]
        if head in lex.organisation_words or head in lex.person_titles or head in lex.admin_suffixes:
            return True
        # "Paris Hilton", "Chad Johnson": a place name as a first name.
        return strong_feature and (len(post_words) + pre_count) > 1

    def _abbreviation_ok(self, places: list[Place], last: Token) -> bool:
        """ "Ga." and "W.Va." count only when written with their full stops."""
        return "." in last.text or self.text[last.end : last.end + 1] == "."

    def _context(self, sentence: _Sentence, chunk: list[int], match: _Match) -> tuple[list[int], list[int]]:
        """Token indices of the capitalised words around the match, up to a connector.

        At most ``CONTEXT_WORDS`` on each side: the rules read only the nearest
        words, and a long run of names ("Paris Texas France ...") must cost
        each match the same, not the length of the run.
        """
        tokens = sentence.tokens
        pre: list[int] = []
        for i in reversed(chunk[max(0, match.first - CONTEXT_WORDS) : match.first]):
            if not tokens[i].is_capitalised:
                break
            pre.append(i)
        pre.reverse()
        post: list[int] = []
        for i in chunk[match.last + 1 : match.last + 1 + CONTEXT_WORDS]:
            if not tokens[i].is_capitalised:
                break
            post.append(i)
        return pre, post

    def _cues(self, sentence: _Sentence, chunk: list[int], match: _Match) -> tuple[str, ...]:
        lex = self.lexicon
        tokens = sentence.tokens
        cues = []
        start = chunk[match.first]
        before = [_norm(t) for t in tokens[max(0, start - 2) : start] if t.is_word]
        if before and before[-1] in lex.locative_prepositions:
            if before[-1] != "of" or (len(before) > 1 and before[-2] in lex.place_nouns):
                cues.append("locative")
        end = chunk[match.last]
        if end + 2 < len(tokens) and tokens[end + 1].text == ",":
            following = tokens[end + 2]
            key = _norm(following)
            for length in (3, 2):
                span = tokens[end + 2 : end + 2 + length]
                if len(span) == length and all(t.is_word for t in span):
                    longer = normalise_name(self.text[span[0].start : span[-1].end])
                    if _lookup(self.gazetteer, longer):
                        key = longer
                        break
            if following.is_capitalised and any(
                p.feature in {"A.PCLI", "A.ADM1"} for p in _lookup(self.gazetteer, key)
            ):
                cues.append(f"container:{key}")
        return tuple(cues)

    def _demonym(
        self, sentence: _Sentence, chunk: list[int], match: _Match, first: Token, last: Token
    ) -> Mention | None:
        """A nationality word: a noun ("Syrians", "an Afghan,") or an adjective ("French police")."""
        tokens = sentence.tokens
        index = chunk[match.last]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        plural = last.text.endswith("s") and not last.text.endswith("ss")
        if following is None or not following.is_word:
            noun = True
        elif following.is_capitalised:
            noun = False
        else:
            noun = plural or _norm(following) in self.lexicon.function_words
        if not noun and not self.adjectives:
            return None
        return self._mention(sentence, first.start, last.end, "demonym", match.key, () if noun else ("adjective",))

    def _admin_areas(self, sentence: _Sentence, chunk: list[int]) -> list[Mention]:
        """ "Laurel County", "Pointe Coupee Parish": areas the gazetteer may not hold, in text order."""
        tokens = sentence.tokens
        areas: list[Mention] = []
        for position, index in enumerate(chunk):
            if position == 0 or _norm(tokens[index]) not in self.lexicon.admin_suffixes:
                continue
            head = position - 1
            # The name runs back over capitalised words, but not past a possessive:
            # in "Warren County's Hamilton Township" the township's name is "Hamilton".
            while (
                head > 0
                and tokens[chunk[head - 1]].is_capitalised
                and not tokens[chunk[head - 1]].possessive
                and position - head < 3
            ):
                head -= 1
            start, end = tokens[chunk[head]].start, tokens[index].end
            name_words = [_norm(tokens[i]) for i in chunk[head:position]]
            if any(w in self.lexicon.person_titles or w in self.lexicon.function_words for w in name_words):
                continue
            if areas and start < areas[-1].end:
                continue
            key = normalise_name(self.text[start:end])
            areas.append(self._mention(sentence, start, end, "toponym", key, ("admin-area",)))
        return areas

    def _repeated_the_aliases(self, found: list[Mention]) -> list[Mention]:
        """One reading per article: after "the Channel", "the channel" is the same water."""
        extra = []
        taken = {(m.start, m.end) for m in found}
        the_keys = {m.key for m in found if m.key.startswith("the ")}
        for sentence in self.sentences:
            tokens = sentence.tokens
            for i in range(len(tokens) - 1):
                if tokens[i].text.lower() != "the" or tokens[i + 1].is_capitalised:
                    continue
                key = "the " + _norm(tokens[i + 1])
                if key in the_keys and (tokens[i + 1].start, tokens[i + 1].end) not in taken:
                    token = tokens[i + 1]
                    extra.append(self._mention(sentence, token.start, token.end, "toponym", key, ("repeated",)))
        return extra

    def _mention(
        self, sentence: _Sentence, start: int, end: int, kind: str, key: str, cues: tuple[str, ...]
    ) -> Mention:
        return Mention(
            start=start,
            end=end,
            text=self.text[start:end],
            kind=kind,  # type: ignore[arg-type]
            sentence=sentence.span,
            paragraph=sentence.paragraph,
            key=key,
            cues=cues,
        )


def _outside(mentions: list[Mention], areas: list[Mention]) -> list[Mention]:
    """The mentions that overlap none of ``areas``; both lists are in text order."""
    kept = []
    area = 0
    for mention in mentions:
        while area < len(areas) and areas[area].end <= mention.start:
            area += 1
        if area < len(areas) and areas[area].start < mention.end:
            continue
        kept.append(mention)
    return kept


def extract_mentions(text: str, gazetteer: Gazetteer, *, adjectives: bool = False) -> list[Mention]:
    """Find every place name and nationality noun in ``text``.

    Parameters
    ----------
    text:
        The article text; offsets in the result index into it.
    gazetteer:
        Tells which words are place names.
    adjectives:
        Also return nationality adjectives ("French riot police") as demonyms.

    Returns
    -------
    list[Mention]
        In text order, with sentence and paragraph spans.

    Examples
    --------
    >>> from geo.gazetteer.geonames import GeoNamesGazetteer  # doctest: +SKIP
    >>> [m.text for m in extract_mentions("Refugees in Calais.", gazetteer)]  # doctest: +SKIP
    ['Calais']
    """
    recogniser = _Recogniser(text, gazetteer, adjectives=adjectives)
    recogniser.learn_people()
    return recogniser.mentions()
