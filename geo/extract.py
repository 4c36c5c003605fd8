"""Recognition: find the spans of a text that name places or their peoples.

Input: a ``str`` and a gazetteer.  Output: ``list[Mention]`` in text order
(``extract_mentions``), or every candidate with the verdict on it
(``recognise``, for ``--explain``).

The recogniser is driven by the gazetteer and by the shape of the text, not
by a statistical NER model (measured on the seeds, spaCy's small model tags
Calais as a person half the time).  It works in three steps:

1. **Candidates.** Runs of capitalised words (joined by connectors such as
   "of" and by hyphens) are matched against the gazetteer, longest name
   first: "Hénin-Beaumont", "Gulf of Mexico", and in "Canada-U.S." both
   names.  Nationality words are candidates too.
2. **People.** A title ("Prime Minister Manuel Valls") or a first name
   ("Jack London") before capitalised words makes them a person's name for
   the whole article: strong evidence, which spreads.
3. **Rules.** Each candidate gets its place evidence (``geo.rules.collect_cues``)
   and the verdict of the first named rule that has one (``geo.rules.RULES``).

Nationality nouns ("Syrians", "a 23-year-old Afghan") are ``demonym``
mentions, and so are nationality adjectives before a people noun
("Sudanese migrants", "Iraqi Kurds"): they say where people come from.
Other adjectives ("French riot police", "British government") qualify an
institution; they are mentions only with ``adjectives=True``.

Time is linear in the text: each candidate reads a bounded window of words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.exc import TooManyPlacesError
from geo.gazetteer.base import MATCH_ABBREVIATION, MATCH_DEMONYM, Gazetteer, normalise_name
from geo.models import Cue, Evidence, Mention, MentionKind, Place
from geo.rules import (
    COMMON_WORD_ZIPF,
    RULES,
    STEPS,
    Candidate,
    Lexicon,
    Reading,
    Sentence,
    Verdict,
    collect_cues,
    decide,
    load_lexicon,
    norm,
    title_before,
)
from geo.text import HYPHENS, Token, is_initial, paragraph_spans, sentence_spans, tokenize
from geo.words import Words, load_words

__all__ = ["RULES", "STEPS", "Decision", "Recognition", "extract_mentions", "load_lexicon", "recognise"]

MAX_NAME_TOKENS = 7
# Connectors that may sit inside a name: "Gulf of Mexico", "Stratford upon Avon".
CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "upon", "on", "and", "the", "al", "el", "en", "sur"})
# Capitalised words that never start a name, wherever they stand ("The", "I"); the lexicon's
# function_words ("May", "Will", "When") only at the start of a sentence.
ALWAYS_FUNCTION_WORDS = frozenset({"the", "a", "an", "i"})
# A capitalised word rarer than this in English (Zipf), before a town's name, is taken for a first name.
UNKNOWN_WORD_ZIPF = 3.0
# Words of a person's name learned after a title or a first name.
MAX_PERSON_WORDS = 3
# The gazetteer is asked for the keys of a few sentences in one query: this many keys, or sentences
# (a text that repeats one name has few keys, and its count of names must not wait for its end).
PREFETCH_KEYS = 500
PREFETCH_SENTENCES = 32


@dataclass(frozen=True, slots=True)
class Decision:
    """A candidate, the evidence around it and the verdict on it; ``mention`` when kept."""

    candidate: Candidate
    cues: tuple[Cue, ...]
    verdict: Verdict
    mention: Mention | None


@dataclass(frozen=True, slots=True)
class Recognition:
    """One article's recognition: the mentions, and every decision behind them."""

    mentions: list[Mention]
    decisions: list[Decision]
    people: dict[str, str]


def _chunks(tokens: list[Token], text: str, lexicon: Lexicon, *, hyphens: bool) -> list[list[int]]:
    """Indices of runs of capitalised words, joined by connectors or hyphens, on one line."""
    chunks: list[list[int]] = []
    current: list[int] = []
    opening = True  # no word yet: a capital here may be only the sentence's
    for index, token in enumerate(tokens):
        if hyphens and current and _is_joiner(tokens, index):
            continue
        word = token.is_word
        capitalised = word and token.is_capitalised
        if capitalised:
            key = norm(token)
            # An initial ("Roy A. Nelson") is part of a name, though "a" is a function word.
            name_like = is_initial(token) or (
                key not in ALWAYS_FUNCTION_WORDS and not (opening and key in lexicon.function_words)
            )
            connector = False
        else:
            name_like = False
            connector = (
                word
                and bool(current)
                and (
                    token.text in CONNECTORS or (hyphens and _hyphenated_inside(tokens, index))  # "Port-au-Prince"
                )
            )
        opening = opening and not word
        if current and (name_like or connector) and _adjacent(tokens[current[-1]], token, text):
            current.append(index)
            continue
        if current:
            chunks.append(current)
        current = [index] if name_like else []
    if current:
        chunks.append(current)
    trimmed = []
    for chunk in chunks:  # a chunk never ends with a connector ("Paris of of of ...": cut once, not word by word)
        end = len(chunk)
        while end and not tokens[chunk[end - 1]].is_capitalised:
            end -= 1
        if end:
            trimmed.append(chunk if end == len(chunk) else chunk[:end])
    return trimmed


def _lookup_keys(sentence: Sentence, text: str) -> Iterable[str]:
    """The gazetteer keys that recognition looks up in a sentence, to read them in one query.

    Every word of a chunk (``read_sentences`` counts the names), and every span
    of a chunk that starts and ends capitalised, up to ``MAX_NAME_TOKENS`` words
    (``_Recogniser.candidates``), also with a "the" before the chunk.
    """
    tokens = sentence.tokens
    for chunk in sentence.chunks:
        the = chunk[0] > 0 and norm(tokens[chunk[0] - 1]) == "the"
        for first, index in enumerate(chunk):
            yield norm(tokens[index])
            if not tokens[index].is_capitalised:
                continue
            start = tokens[index].start
            for last in range(first, min(first + MAX_NAME_TOKENS, len(chunk))):
                if tokens[chunk[last]].is_capitalised:
                    key = normalise_name(text[start : tokens[chunk[last]].end])
                    yield key
                    if first == 0 and the:
                        yield "the " + key


def _is_joiner(tokens: list[Token], index: int) -> bool:
    """A hyphen between two words with no space: "Hénin-Beaumont", "Canada-U.S.".

    Not after a party's letter: in "Nick Rahall, D-W. Va." the place is the member's state.
    """
    token = tokens[index]
    return (
        token.text in HYPHENS
        and 0 < index < len(tokens) - 1
        and tokens[index - 1].end == token.start
        and tokens[index + 1].start == token.end
        and tokens[index - 1].is_word
        and tokens[index + 1].is_word
        and tokens[index - 1].text not in _PARTY_LETTERS
    )


_PARTY_LETTERS = frozenset({"D", "R", "I"})


def _hyphenated_inside(tokens: list[Token], index: int) -> bool:
    """A lower-case word joined by hyphens on both sides: "au" in "Port-au-Prince"."""
    return 1 < index < len(tokens) - 2 and _is_joiner(tokens, index - 1) and _is_joiner(tokens, index + 1)


def _adjacent(a: Token, b: Token, text: str) -> bool:
    gap = text[a.end : b.start]
    if a.possessive:  # "Sheriff's Office"
        return gap[:2] in {"'s", "’s"} and gap[2:].isspace() and "\n" not in gap
    return (gap.isspace() and "\n" not in gap) or (len(gap) == 1 and gap in HYPHENS)


class _Recogniser:
    """One article's recognition: candidates, then people, then the rules."""

    def __init__(
        self, text: str, gazetteer: Gazetteer, words: Words, lexicon: Lexicon, *, adjectives: bool, disabled: frozenset
    ) -> None:
        self.reading = Reading(text, gazetteer, words, lexicon, adjectives)
        self.disabled = disabled
        self.sentences: list[Sentence] = []

    def read_sentences(self, max_places: int | None = None) -> None:
        """Tokenise the text sentence by sentence and learn its people (pass 1).

        The gazetteer reads the names of a few sentences at a time, up to
        ``PREFETCH_KEYS`` or ``PREFETCH_SENTENCES`` (``Gazetteer.prefetch``).
        Raises ``TooManyPlacesError`` as soon as the text holds more capitalised
        gazetteer names than ``max_places``: a list is refused a batch after the
        limit, before the rest of it is even tokenised, so time and memory stay
        bounded.
        """
        text, lexicon = self.text, self.reading.lexicon
        pending: list[Sentence] = []
        keys: dict[str, None] = {}
        names = 0
        for paragraph in paragraph_spans(text):
            for span in sentence_spans(text, *paragraph):
                tokens = tokenize(text, *span)
                chunks = _chunks(tokens, text, lexicon, hyphens="hyphens" not in self.disabled)
                sentence = Sentence(span, paragraph, tokens, chunks)
                self.sentences.append(sentence)
                pending.append(sentence)
                keys.update(dict.fromkeys(_lookup_keys(sentence, text)))
                if len(keys) >= PREFETCH_KEYS or len(pending) >= PREFETCH_SENTENCES:
                    names = self._read(pending, keys, names, max_places)
                    pending, keys = [], {}
        self._read(pending, keys, names, max_places)

    def _read(self, sentences: list[Sentence], keys: Iterable[str], names: int, max_places: int | None) -> int:
        """Count the names of tokenised sentences and learn their people; the running count of names."""
        reading = self.reading
        reading.gazetteer.prefetch(keys)
        for sentence in sentences:
            if max_places is not None:
                tokens = sentence.tokens
                names += sum(1 for chunk in sentence.chunks for i in chunk if reading.lookup(norm(tokens[i])))
                if names > max_places:
                    raise TooManyPlacesError(max_places)
            if "learn-people" not in self.disabled:
                self._learn_people(sentence)
        return names

    @property
    def text(self) -> str:
        return self.reading.text

    # -- candidates --------------------------------------------------------------------------------
    def candidates(self, sentence: Sentence, chunk: list[int]) -> Iterable[Candidate]:
        """Longest gazetteer names in a chunk, left to right; a name starts and ends capitalised."""
        tokens = sentence.tokens
        position = 0
        while position < len(chunk):
            found = None
            if tokens[chunk[position]].is_capitalised:
                for length in range(min(MAX_NAME_TOKENS, len(chunk) - position), 0, -1):
                    found = self._match(sentence, chunk, position, position + length - 1)
                    if found is not None:
                        break
            if found is not None:
                yield found
                position = found.last + 1
            else:
                position += 1

    def _match(self, sentence: Sentence, chunk: list[int], first: int, last: int) -> Candidate | None:
        tokens = sentence.tokens
        if not tokens[chunk[last]].is_capitalised:
            return None
        start, end = tokens[chunk[first]].start, tokens[chunk[last]].end
        key = normalise_name(self.text[start:end])
        places: tuple[Place, ...] = ()
        if first == 0 and chunk[0] > 0 and norm(tokens[chunk[0] - 1]) == "the":
            places = self.reading.lookup("the " + key)
            key = "the " + key if places else key
        places = places or self.reading.lookup(key)
        if not places:
            return None
        toponyms = tuple(p for p in places if p.raw.get("match") != MATCH_DEMONYM)
        if not self._abbreviation_ok(tokens[chunk[last]]):
            toponyms = tuple(p for p in toponyms if p.raw.get("match") != MATCH_ABBREVIATION)
        demonyms = tuple(p for p in places if p.raw.get("match") == MATCH_DEMONYM)
        if not toponyms and not demonyms:
            return None
        if (
            toponyms
            and toponyms[0].raw.get("match") == MATCH_ABBREVIATION
            and self.text[end : end + 1] == "."
            and not tokens[chunk[last]].text.isupper()
        ):
            end += 1  # "Ind." is the name and its full stop belongs to it; "NSW." ends a sentence
        return Candidate(sentence, chunk, first, last, key, toponyms, demonyms, start, end)

    def _abbreviation_ok(self, last: Token) -> bool:
        """ "Ga." and "W.Va." count only when written with their full stops."""
        return "." in last.text or self.text[last.end : last.end + 1] == "."

    # -- people ------------------------------------------------------------------------------------
    def _learn_people(self, sentence: Sentence) -> None:
        """Remember the surnames after a title or a first name: strong evidence, for the whole article."""
        lex = self.reading.lexicon
        tokens = sentence.tokens
        for chunk in sentence.chunks:
            for position, index in enumerate(chunk):
                token = tokens[index]
                key = norm(token)
                if position == 0 and index > 0:
                    before = title_before(tokens, index, lex.person_titles)
                    if before is not None:
                        self._learn(sentence, chunk, position, f"after the title {before.text!r}")
                if not token.is_capitalised or position + 1 >= len(chunk):
                    continue
                if key in lex.person_titles:
                    self._learn(sentence, chunk, position + 1, f"after the title {token.text!r}")
                elif self._opens_person_name(sentence, chunk, position):
                    self._learn(sentence, chunk, position + 1, f"after the first name {token.text!r}", first=True)
                elif self._unknown_before_town(sentence, chunk, position):
                    self._learn(sentence, chunk, position + 1, f"after {token.text!r}, a first name", first=True)

    def _opens_person_name(self, sentence: Sentence, chunk: list[int], position: int) -> bool:
        """A first name followed by a surname, and not the start of a place name ("Virginia Beach")."""
        tokens, reading = sentence.tokens, self.reading
        first, following = tokens[chunk[position]], tokens[chunk[position + 1]]
        if chunk[position + 1] != chunk[position] + 1 or not following.is_capitalised or first.possessive:
            return False
        if is_initial(following) and position + 2 < len(chunk) and chunk[position + 2] == chunk[position + 1] + 1:
            following = tokens[chunk[position + 2]]  # "Roy A. Nelson": the surname is after the initial
        if "first-name" in self.disabled:
            return False
        if not reading.is_first_name_at(first, opens_sentence=chunk[position] == 0):
            return "place-first-name" not in self.disabled and reading.names_person(first, following)
        pair = normalise_name(self.text[first.start : following.end])
        if reading.lookup(pair):
            return False
        surname = norm(following)
        return bool(reading.words.surname(surname)) or not reading.lookup(surname)

    def _unknown_before_town(self, sentence: Sentence, chunk: list[int], position: int) -> bool:
        """ "Emilie Holroyd": two capitalised words, the first no place nor word we know, the second a small town.

        Most such pairs in news are people whose first name the Census lists lack.
        """
        if "unknown-first-names" in self.disabled or len(chunk) != 2 or position != 0:
            return False
        tokens, reading = sentence.tokens, self.reading
        first, town = tokens[chunk[0]], tokens[chunk[1]]
        if chunk[1] != chunk[0] + 1 or first.possessive or not first.text.isalpha() or first.text.isupper():
            return False
        key = norm(first)
        lex = reading.lexicon
        if reading.lookup(key) or reading.words.word_zipf(key) >= UNKNOWN_WORD_ZIPF or key in lex.place_modifiers:
            return False
        if any(key in words for words in (lex.person_titles, lex.organisation_words, lex.media_words, lex.not_places)):
            return False
        places = reading.lookup(norm(town))
        return bool(places) and not reading.is_prominent(places)

    def _learn(self, sentence: Sentence, chunk: list[int], position: int, why: str, *, first: bool = False) -> None:
        """The capitalised words from ``chunk[position]`` on, consecutive, are a person's name."""
        tokens, reading = sentence.tokens, self.reading
        lex = reading.lexicon
        name: list[Token] = []
        previous = chunk[position] - 1
        for index in chunk[position : position + MAX_PERSON_WORDS]:
            token = tokens[index]
            if not token.is_capitalised or (name and index != previous + 1):
                break
            if norm(token) in lex.person_titles or norm(token) in lex.organisation_words:
                break
            previous = index
            if is_initial(token):
                continue
            name.append(token)
            if token.possessive:
                break
        if not name:
            return
        after = tokens[previous + 1] if previous + 1 < len(tokens) else None
        if (  # "deputy Paris mayor": the title's place, not a person
            len(name) == 1
            and after is not None
            and after.is_word
            and not after.is_capitalised
            and (norm(after) in lex.person_titles or norm(after) in lex.organisation_words)
        ):
            return
        if not first and len(name) > 1:
            name = name[1:]  # "Prime Minister Manuel Valls": Manuel is his first name
        for token in name:
            self.reading.people.setdefault(norm(token), why)

    # -- decisions ---------------------------------------------------------------------------------
    def decisions(self, max_places: int | None = None) -> list[Decision]:
        decisions: list[Decision] = []
        candidates = 0
        for sentence in self.sentences:
            listed = [] if "admin-areas" in self.disabled else self._listed_divisions(sentence)
            for chunk in sentence.chunks:
                in_chunk = []
                for candidate in self.candidates(sentence, chunk):  # counted one by one: a run may hold thousands
                    candidates += 1
                    if max_places is not None and candidates > max_places:
                        raise TooManyPlacesError(max_places)
                    in_chunk.append(self._decide(candidate))
                areas = [] if "admin-areas" in self.disabled else self._admin_areas(sentence, chunk)
                areas = [a for a in areas if not _inside_a_longer_name(a, in_chunk)]
                from_list = [d for d in listed if d.candidate.chunk is chunk]
                if from_list:
                    areas = sorted(_outside(areas, from_list) + from_list, key=lambda d: d.candidate.start)
                decisions.extend(_outside(in_chunk, areas))
                decisions.extend(areas)
        kept = [d.mention for d in decisions if d.mention is not None]
        if "repeated" not in self.disabled:
            decisions.extend(self._repeated_the_aliases(kept))
        return sorted(decisions, key=lambda d: d.candidate.start)

    def _decide(self, candidate: Candidate) -> Decision:
        reading = self.reading
        if candidate.demonyms:  # a nationality word, even where a town shares it ("Spanish", Ontario)
            return self._demonym(candidate)
        cues = collect_cues(candidate, reading)
        verdict = decide(candidate, cues, reading, self.disabled)
        mention = self._mention(candidate, "toponym", cues, verdict.rule) if verdict.keep else None
        return Decision(candidate, cues, verdict, mention)

    def _demonym(self, candidate: Candidate) -> Decision:
        """A nationality word: a noun ("Syrians", "an Afghan,"), an origin ("Sudanese migrants") or an adjective.

        Unless it is a person's surname ("Monica French said", "Mr. English") or part of a
        people's name ("American Indians").
        """
        for name in _PERSON_RULES:
            verdict = None if name in self.disabled else RULES[name](candidate, (), self.reading)
            if verdict is not None:
                return Decision(candidate, (), verdict, None)
        lex = self.reading.lexicon
        named = self._in_a_peoples_name(candidate)
        if named is not None:
            return Decision(candidate, (), Verdict("peoples", False, f"part of the people's name {named!r}"), None)
        following = candidate.token_after()
        last = candidate.sentence.tokens[candidate.last_token]
        plural = last.text.endswith("s") and not last.text.endswith("ss")
        if following is not None and following.text in HYPHENS and following.start == candidate.end:
            affix = candidate.token_after(2)  # "Syrian-born": from there; "Syrian-led": an adjective
            born = affix is not None and norm(affix) in lex.origin_affixes
            cue = Cue(Evidence.ORIGIN, f"-{affix.text}") if born else Cue(Evidence.ADJECTIVE, "-")  # type: ignore[union-attr]
        elif following is None or not following.is_word:
            cue = Cue(Evidence.NOUN)
        elif norm(following) in lex.people_nouns and "origin-adjectives" not in self.disabled:
            cue = Cue(Evidence.ORIGIN, following.text)
        elif following.is_capitalised:
            cue = Cue(Evidence.ADJECTIVE, following.text)
        elif plural or norm(following) in lex.function_words:
            cue = Cue(Evidence.NOUN)
        else:
            cue = Cue(Evidence.ADJECTIVE, following.text)
        if cue.evidence is Evidence.ADJECTIVE and not self.reading.adjectives:
            verdict = Verdict("adjective", False, f"an adjective: {cue}")
            return Decision(candidate, (cue,), verdict, None)
        verdict = Verdict(cue.evidence.value, True, str(cue))
        return Decision(candidate, (cue,), verdict, self._mention(candidate, "demonym", (cue,), verdict.rule))

    def _listed_divisions(self, sentence: Sentence) -> list[Decision]:
        """ "Clarke, Madison, Oconee and Oglethorpe counties": each name of the list is a division."""
        tokens, lex = sentence.tokens, self.reading.lexicon
        chunk_of = {index: chunk for chunk in sentence.chunks for index in chunk}
        listed: list[Decision] = []
        for position, token in enumerate(tokens):
            if norm(token) not in lex.admin_plurals:
                continue
            suffix = next((s for s in _singulars(norm(token)) if s in lex.admin_suffixes), None)
            names = _list_before(tokens, position)
            if suffix is None or len(names) < 2:
                continue
            for first, last in reversed(names):
                chunk = chunk_of.get(first)
                if chunk is None or last not in chunk:
                    continue
                start, end = tokens[first].start, tokens[last].end
                key = normalise_name(f"{self.text[start:end]} {suffix}")
                candidate = Candidate(sentence, chunk, chunk.index(first), chunk.index(last), key, (), (), start, end)
                cue = Cue(Evidence.ADMIN_AREA, token.text)
                verdict = Verdict("admin-area", True, str(cue))
                mention = self._mention(candidate, "toponym", (cue,), "admin-area")
                listed.append(Decision(candidate, (cue,), verdict, mention))
        return listed

    def _in_a_peoples_name(self, candidate: Candidate) -> str | None:
        """ "American Indians", "Native Americans": a plural nationality noun after another capitalised word."""
        pre = candidate.pre()
        if pre and candidate.opens_sentence() and self.reading.words.word_zipf(norm(pre[0])) >= COMMON_WORD_ZIPF:
            pre = pre[1:]  # "Many Afghans": the sentence's first word
        last = candidate.sentence.tokens[candidate.last_token].text
        if not pre or not last.endswith("s") or pre[-1].possessive:
            return None
        return self.text[pre[-1].start : candidate.end]

    def _admin_areas(self, sentence: Sentence, chunk: list[int]) -> list[Decision]:
        """ "Laurel County", "Nyanza Province", "Kanawha River": areas named by their last word, in text order."""
        tokens, lex = sentence.tokens, self.reading.lexicon
        areas: list[Decision] = []
        suffixes = lex.admin_suffixes | lex.feature_suffixes
        for position, index in enumerate(chunk):
            if position == 0 or norm(tokens[index]) not in suffixes:
                continue
            head = position - 1
            # The name runs back over capitalised words, but not past a possessive or a hyphen:
            # in "Warren County's Hamilton Township" the township's name is "Hamilton".
            while (
                head > 0
                and tokens[chunk[head - 1]].is_capitalised
                and not tokens[chunk[head - 1]].possessive
                and self.text[tokens[chunk[head - 1]].end] not in HYPHENS
                and position - head < 3
            ):
                head -= 1
            start, end = tokens[chunk[head]].start, tokens[index].end
            name_words = [norm(tokens[i]) for i in chunk[head:position]]
            if any(w in lex.person_titles or w in lex.function_words for w in name_words):
                continue
            if areas and start < areas[-1].candidate.end:
                continue
            key = normalise_name(self.text[start:end])
            candidate = Candidate(sentence, chunk, head, position, key, (), (), start, end)
            cue = Cue(Evidence.ADMIN_AREA, tokens[index].text)
            verdict = Verdict("admin-area", True, str(cue))
            areas.append(
                Decision(candidate, (cue,), verdict, self._mention(candidate, "toponym", (cue,), "admin-area"))
            )
        return areas

    def _repeated_the_aliases(self, kept: list[Mention]) -> list[Decision]:
        """One reading per article: after "the Channel", "the channel" is the same water."""
        extra: list[Decision] = []
        taken = {(m.start, m.end) for m in kept}
        the_keys = {m.key for m in kept if m.key.startswith("the ")}
        if not the_keys:
            return extra
        for sentence in self.sentences:
            tokens = sentence.tokens
            for i in range(len(tokens) - 1):
                if tokens[i].text.lower() != "the" or tokens[i + 1].is_capitalised:
                    continue
                key = "the " + norm(tokens[i + 1])
                token = tokens[i + 1]
                if key in the_keys and (token.start, token.end) not in taken:
                    candidate = Candidate(sentence, [i + 1], 0, 0, key, (), (), token.start, token.end)
                    cue = Cue(Evidence.REPEATED, key)
                    mention = self._mention(candidate, "toponym", (cue,), "repeated")
                    extra.append(Decision(candidate, (cue,), Verdict("repeated", True, str(cue)), mention))
        return extra

    def _mention(self, candidate: Candidate, kind: MentionKind, cues: tuple[Cue, ...], rule: str) -> Mention:
        sentence = candidate.sentence
        return Mention(
            start=candidate.start,
            end=candidate.end,
            text=self.text[candidate.start : candidate.end],
            kind=kind,
            sentence=sentence.span,
            paragraph=sentence.paragraph,
            key=candidate.key,
            cues=cues,
            rule=rule,
        )


def _inside_a_longer_name(area: Decision, decisions: list[Decision]) -> bool:
    """Whether a gazetteer name spans more than ``area``: "Salt Lake City" is a city, not the lake "Salt Lake"."""
    start, end = area.candidate.start, area.candidate.end
    return any(
        d.candidate.start <= start and end <= d.candidate.end and d.candidate.end - d.candidate.start > end - start
        for d in decisions
    )


_PERSON_RULES = ("title", "first-name", "known-person")


def _singulars(plural: str) -> tuple[str, ...]:
    """The possible singulars of an English plural: counties, parishes, provinces."""
    return (plural[:-3] + "y", plural[:-2], plural[:-1])


_LIST_JOINERS = frozenset({"and", "or", "&"})
_MAX_LISTED_WORDS = 3


def _is_capitalised_word(token: Token) -> bool:
    return token.is_word and token.is_capitalised


def _list_before(tokens: list[Token], position: int) -> list[tuple[int, int]]:
    """The names of a list that ends just before ``tokens[position]``, last first, as (first, last) token indices.

    A name is a run of up to three capitalised words; names are separated by
    commas, "and", "or" or "&" ("Butler, Clark, Hamilton or Warren").
    """
    names: list[tuple[int, int]] = []
    index = position - 1
    while index >= 0:
        last = index
        while index >= 0 and last - index < _MAX_LISTED_WORDS and _is_capitalised_word(tokens[index]):
            index -= 1
        if index == last:
            break
        names.append((index + 1, last))
        joined = False
        if index >= 0 and normalise_name(tokens[index].text) in _LIST_JOINERS:
            index, joined = index - 1, True
        if index >= 0 and tokens[index].text == ",":
            index, joined = index - 1, True
            if index >= 0 and normalise_name(tokens[index].text) in _LIST_JOINERS:
                index -= 1
        if not joined:
            break
    return names


def _outside(decisions: list[Decision], areas: list[Decision]) -> list[Decision]:
    """The decisions whose spans overlap none of ``areas``; both lists are in text order."""
    kept = []
    area = 0
    for decision in decisions:
        candidate = decision.candidate
        while area < len(areas) and areas[area].candidate.end <= candidate.start:
            area += 1
        if area < len(areas) and areas[area].candidate.start < candidate.end:
            continue
        kept.append(decision)
    return kept


def recognise(
    text: str,
    gazetteer: Gazetteer,
    *,
    adjectives: bool = False,
    words: Words | None = None,
    lexicon: Lexicon | None = None,
    disabled: Iterable[str] = (),
    max_places: int | None = None,
) -> Recognition:
    """Every candidate place name in ``text`` with the verdict on it.

    Parameters
    ----------
    text:
        The article text; offsets index into it.
    gazetteer:
        Tells which words are place names.
    adjectives:
        Also keep nationality adjectives that qualify no people ("French riot police").
    words:
        English word, first-name and surname frequencies (default: ``geo.words.load_words()``).
    lexicon:
        The word lists (default: ``geo/data/lexicon.toml``).
    disabled:
        Names of rules (``RULES``) or steps (``STEPS``) to switch off, for ablation.
    max_places:
        Refuse a text with more candidate place names than this (``None``: no limit).

    Returns
    -------
    Recognition
        The kept mentions in text order, every decision, and the people learned.

    Raises
    ------
    TooManyPlacesError
        When the text holds more than ``max_places`` candidate place names.
    """
    recogniser = _Recogniser(
        text,
        gazetteer,
        words or load_words(),
        lexicon or load_lexicon(),
        adjectives=adjectives,
        disabled=frozenset(disabled),
    )
    recogniser.read_sentences(max_places)
    decisions = recogniser.decisions(max_places)
    mentions = [d.mention for d in decisions if d.mention is not None]
    return Recognition(mentions, decisions, dict(recogniser.reading.people))


def extract_mentions(text: str, gazetteer: Gazetteer, *, adjectives: bool = False, **options: object) -> list[Mention]:
    """Find every place name and nationality word in ``text``.

    Parameters
    ----------
    text:
        The article text; offsets in the result index into it.
    gazetteer:
        Tells which words are place names.
    adjectives:
        Also return nationality adjectives that qualify no people ("French riot police").
    options:
        ``words``, ``lexicon``, ``disabled`` and ``max_places``, as for ``recognise``.

    Returns
    -------
    list[Mention]
        In text order, with sentence and paragraph spans, cues and the rule that kept each.

    Examples
    --------
    >>> from geo.gazetteer.geonames import GeoNamesGazetteer  # doctest: +SKIP
    >>> [m.text for m in extract_mentions("Refugees in Calais.", gazetteer)]  # doctest: +SKIP
    ['Calais']
    """
    return recognise(text, gazetteer, adjectives=adjectives, **options).mentions  # type: ignore[arg-type]
