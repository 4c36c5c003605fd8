"""Recognition rules: what the words around a gazetteer name say it is.

Input: a ``Candidate`` (a span of text that the gazetteer knows, with its
sentence) and the ``Reading`` of its article.  Output: ``Cue`` evidence
(``collect_cues``) and a ``Verdict`` from the first rule of ``RULES`` that
has one.  Each rule is a small named function, as spaCy's pipeline
components are, so that ``python -m geo extract --explain`` can say which
rule decided and ``bench/quality.py --ablate`` can switch any rule off to
measure what it brings.

A rule that vetoes a name ("Jack London": a first name before it) decides
only its own mention, unless its evidence is strong (a title or a first
name, ``Verdict.spreads``): then the name is a person's for the whole
article, except where a mention has its own place evidence ("in London").
Weak cues, such as a verb after the name ("Lincoln visited"), never spread.
Word lists are in ``geo/data/lexicon.toml``, one list per rule that reads it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from geo import features
from geo.config import PACKAGE_DATA_DIR
from geo.gazetteer.base import MATCH_ABBREVIATION, MATCH_ALIAS, MATCH_ALTERNATE, Gazetteer, normalise_name
from geo.models import Cue, Evidence, Place
from geo.text import HYPHENS, Token, is_initial
from geo.words import Words

# Capitalised words read on each side of a candidate: a title, a first name, an organisation word.
CONTEXT_WORDS = 4
# A first name this common (percent of people) before a name makes a person, even a famous place's name.
COMMON_FIRST_NAME = 0.05
# A populated place this large is rarely named by accident.
LARGE_POPULATION = 100_000
# An English word this common (Zipf) is never a place through another language's name for it.
ALTERNATE_WORD_ZIPF = 3.0
# Sentence-initial words this common in English are ordinary words, not part of a name ("Overall Edmonton").
COMMON_WORD_ZIPF = 4.0


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists of ``geo/data/lexicon.toml``, each named after the rule that reads it."""

    person_titles: frozenset[str]
    organisation_words: frozenset[str]
    media_words: frozenset[str]
    street_words: frozenset[str]
    place_modifiers: frozenset[str]
    peoples: frozenset[str]
    not_places: frozenset[str]
    function_words: frozenset[str]
    locative_prepositions: frozenset[str]
    person_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    place_nouns_after: frozenset[str]
    place_affixes: frozenset[str]
    person_verbs: frozenset[str]
    admin_suffixes: frozenset[str]
    admin_plurals: frozenset[str]
    feature_suffixes: frozenset[str]
    people_nouns: frozenset[str]
    origin_affixes: frozenset[str]
    disease_words: frozenset[str]
    currency_marks: frozenset[str]


@cache
def load_lexicon() -> Lexicon:
    """Read the lexicon once per process."""
    with (PACKAGE_DATA_DIR / "lexicon.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return Lexicon(**{name: frozenset(words) for name, words in table.items()})


def without(lexicon: Lexicon, list_name: str) -> Lexicon:
    """The lexicon with one list emptied: what ``bench/quality.py --ablate`` measures."""
    return Lexicon(**{name: frozenset() if name == list_name else getattr(lexicon, name) for name in Lexicon.__slots__})


def norm(token: Token) -> str:
    """The token's gazetteer key (``normalise_name``), worked out once per token: the rules ask it again and again."""
    key = token.key
    if key is None:
        key = token.key = normalise_name(token.text)
    return key


@dataclass(slots=True)
class Sentence:
    """A sentence's tokens and its runs of capitalised words (``chunks``, as token indices)."""

    span: tuple[int, int]
    paragraph: tuple[int, int]
    tokens: list[Token]
    chunks: list[list[int]]


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """A gazetteer name found in a run of capitalised words: tokens ``chunk[first..last]``."""

    sentence: Sentence
    chunk: list[int]
    first: int
    last: int
    key: str
    places: tuple[Place, ...]
    demonyms: tuple[Place, ...]
    start: int
    end: int

    @property
    def first_token(self) -> int:
        """Index in ``sentence.tokens`` of the candidate's first token."""
        return self.chunk[self.first]

    @property
    def last_token(self) -> int:
        return self.chunk[self.last]

    def token_before(self, offset: int = 1) -> Token | None:
        """The ``offset``-th token before the candidate in its sentence."""
        index = self.first_token - offset
        return self.sentence.tokens[index] if index >= 0 else None

    def token_after(self, offset: int = 1) -> Token | None:
        index = self.last_token + offset
        tokens = self.sentence.tokens
        return tokens[index] if index < len(tokens) else None

    def pre(self) -> list[Token]:
        """Capitalised words of the run just before the candidate, up to a connector."""
        tokens = self.sentence.tokens
        words: list[Token] = []
        for index in reversed(self.chunk[max(0, self.first - CONTEXT_WORDS) : self.first]):
            if not tokens[index].is_capitalised:
                break
            words.append(tokens[index])
        return words[::-1]

    def post(self) -> list[Token]:
        """Capitalised words of the run just after the candidate, up to a connector."""
        tokens = self.sentence.tokens
        words: list[Token] = []
        for index in self.chunk[self.last + 1 : self.last + 1 + CONTEXT_WORDS]:
            if not tokens[index].is_capitalised:
                break
            words.append(tokens[index])
        return words

    def opens_sentence(self) -> bool:
        """Whether the candidate's run starts the sentence (its capital may be the sentence's)."""
        return self.chunk[0] == 0 or all(not t.is_word for t in self.sentence.tokens[: self.chunk[0]])


@dataclass
class Reading:
    """What recognition knows about one article: its text, data, and the people it names."""

    text: str
    gazetteer: Gazetteer
    words: Words
    lexicon: Lexicon
    adjectives: bool
    people: dict[str, str] = field(default_factory=dict)  # surname -> why it is one

    def lookup(self, key: str) -> tuple[Place, ...]:
        return self.gazetteer.lookup(key)

    def is_first_name(self, key: str, *, common: bool = False) -> bool:
        share = self.words.first_name(key)
        return share >= COMMON_FIRST_NAME if common else share > 0

    def is_first_name_at(self, token: Token, *, opens_sentence: bool) -> bool:
        """Whether ``token`` is a first name here: a famous place's name ("Georgia") only if common
        as a first name; the sentence's first word only if it is more a name than a word ("Jack", not "Will")."""
        key = norm(token)
        if opens_sentence and self.words.word_zipf(key) >= COMMON_WORD_ZIPF and self.words.first_name(key) < 0.1:
            return False  # "Will Georgia vote?", but "Jack London wrote"
        return self.is_first_name(key, common=self.is_prominent(self.lookup(key)))

    def names_person(self, first: Token, second: Token) -> bool:
        """Whether ``first second`` is a first name and a surname (see ``_names_person``)."""
        return _names_person(self, first, second)

    def is_prominent(self, places: tuple[Place, ...] | list[Place]) -> bool:
        """A name whose best reading is rarely meant as anything else: a country, a division, a city."""
        return any(_is_prominent(p) for p in places)


def _names_person(reading: Reading, first: Token, second: Token) -> bool:
    """ "Paris Hilton", "Chad Johnson", "Nadia Moayyad": a first name that is also a place, then a surname.

    A surname the article gave a person elsewhere settles it.  Not "Paris Texas" (two places) nor
    "Georgia Tech" (a famous place before a word that is no surname).
    """
    if first.possessive or not reading.is_first_name(norm(first)):
        return False
    surname = norm(second)
    if surname in reading.people:  # "Ms. Moayyad ... her daughter-in-law Nadia Moayyad"
        return True
    if _names_place_part(surname, reading):
        return False
    places = reading.lookup(surname)
    if places and (reading.is_prominent(places) or not reading.words.surname(surname)):
        return False
    return bool(reading.words.surname(surname)) or not reading.is_prominent(reading.lookup(norm(first)))


def _is_prominent(place: Place) -> bool:
    match = place.raw.get("match")
    if match in {MATCH_ALIAS, MATCH_ABBREVIATION}:
        return True
    if match == MATCH_ALTERNATE:  # "Nadia": some city's name in another language
        return False
    feature = place.feature
    if features.is_area(feature) or features.is_water(feature) or features.is_capital(feature):
        return True
    return place.population >= LARGE_POPULATION


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule's decision on a candidate: keep it or not, and why."""

    rule: str
    keep: bool
    reason: str

    def __str__(self) -> str:
        return f"{'kept' if self.keep else 'vetoed'} by {self.rule}: {self.reason}"


# -- evidence --------------------------------------------------------------------------------------


def collect_cues(candidate: Candidate, reading: Reading) -> tuple[Cue, ...]:
    """Every piece of place evidence around the candidate, in a fixed order."""
    cues = [
        cue
        for collect in (_locative, _container, _contained, _place_list, _affix, _place_noun, _organisation)
        if (cue := collect(candidate, reading)) is not None
    ]
    return tuple(cues)


def _locative(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "in Sangatte", "near Calais", "the town of Sangatte"."""
    lex = reading.lexicon
    before = candidate.token_before()
    if before is not None and before.text.lower() == "the":
        before = candidate.token_before(2)
        offset = 2
    else:
        offset = 1
    if before is None or not before.is_word or norm(before) not in lex.locative_prepositions:
        return None
    previous = candidate.token_before(offset + 1)
    if norm(before) == "to" and previous is not None and norm(previous) in {"according", "thanks", "due"}:
        return None  # "according to Taylor" quotes someone
    if norm(before) == "of":
        noun = candidate.token_before(offset + 1)
        if noun is not None and noun.text == ",":  # "Ashley Evans, 26, of Paris": where someone lives
            return Cue(Evidence.LOCATIVE, ", of")
        if noun is None or norm(noun) not in lex.place_nouns:
            return None
        return Cue(Evidence.LOCATIVE, f"{noun.text} of")
    return Cue(Evidence.LOCATIVE, before.text)


def _container_key(tokens: list[Token], start: int, reading: Reading) -> str | None:
    """The country or division named from ``tokens[start]`` to the end of its run of capitalised words.

    "Paris, France and London": France.  "Calais, Natacha Bouchart": none, even
    if some division were called Natacha: a container is never the start of a
    longer name (an apposition).
    """
    end = start
    while end < len(tokens) and end - start < 4:
        token = tokens[end]
        if not token.is_word or not (token.is_capitalised or (end > start and token.text in _NAME_JOINERS)):
            break
        end += 1
    while end > start and not tokens[end - 1].is_capitalised:  # "France and": the run is "France"
        end -= 1
    if end == start or (end < len(tokens) and tokens[end].is_word and tokens[end].is_capitalised):
        return None  # no run, or a longer one than a container's
    key = normalise_name(" ".join(t.text for t in tokens[start:end]))
    if any(features.is_country(p.feature) or features.is_admin1(p.feature) for p in reading.lookup(key)):
        return key
    return None


_NAME_JOINERS = frozenset({"of", "and", "the"})


def _container(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "Charleston, W.Va.", "Pune, Maharashtra": a country or division after a comma, the whole run of it."""
    after = candidate.token_after()
    if after is None or after.text != ",":
        return None
    key = _container_key(candidate.sentence.tokens, candidate.last_token + 2, reading)
    return Cue(Evidence.CONTAINER, key) if key else None


def _contained(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "W.Va." in "Charleston, W.Va.": a division or country right after a town and a comma."""
    if not any(features.is_country(p.feature) or features.is_admin1(p.feature) for p in candidate.places):
        return None
    comma = candidate.token_before()
    town = candidate.token_before(2)
    if comma is None or comma.text != "," or town is None or not town.is_capitalised:
        return None
    return Cue(Evidence.CONTAINED, town.text)


def _place_list(candidate: Candidate, reading: Reading) -> Cue | None:
    """One of a list: "Germany, Italy and France"; a neighbour in the list is a likely place too."""
    tokens = candidate.sentence.tokens
    for step in (-1, 1):
        index = candidate.first_token - 1 if step < 0 else candidate.last_token + 1
        if not 0 <= index < len(tokens) or tokens[index].text not in _LIST_JOINERS:
            continue
        neighbour = index + step
        if 0 <= neighbour < len(tokens) and tokens[neighbour].is_capitalised:
            key = norm(tokens[neighbour])
            places = [p for p in reading.lookup(key) if p.raw.get("match") != MATCH_ALTERNATE]
            if places and (reading.is_prominent(places) or reading.words.word_zipf(key) < COMMON_WORD_ZIPF):
                return Cue(Evidence.PLACE_LIST, tokens[neighbour].text)
    return None


_LIST_JOINERS = frozenset({",", "and", "or", "&", "/"})


def _affix(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "Washington-based", "Calais-born"."""
    hyphen, word = candidate.token_after(), candidate.token_after(2)
    if hyphen is None or word is None or hyphen.text not in HYPHENS or hyphen.start != candidate.end:
        return None
    return Cue(Evidence.AFFIX, word.text) if norm(word) in reading.lexicon.place_affixes else None


def _place_noun(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "Sichuan province", "Lesbos Island": a place word after the name."""
    after = candidate.token_after()
    if after is None or not after.is_word:
        return None
    return Cue(Evidence.PLACE_NOUN, after.text) if norm(after) in reading.lexicon.place_nouns_after else None


def _organisation(candidate: Candidate, reading: Reading) -> Cue | None:
    """ "Calais Police", "Pointe Coupee Sheriff's Office": an organisation in the place."""
    post = candidate.post()
    words = reading.lexicon.organisation_words
    if post and norm(post[0]) in words:
        return Cue(Evidence.ORGANISATION, post[0].text)
    # Further on only for a name that is no person's: "Litchfield Superior Court", not "St. Francis Medical Center".
    found = next((t for t in post[1:3] if norm(t) in words), None)
    if found is not None and not _names_people(candidate.key, reading):
        return Cue(Evidence.ORGANISATION, found.text)
    return None


def _names_people(key: str, reading: Reading) -> bool:
    """Whether a name is also a first name or a surname: what organisations are often named after."""
    words = reading.words
    return max(words.first_name(key), words.surname(key)) > 0


# -- rules -----------------------------------------------------------------------------------------

Rule = Callable[[Candidate, tuple[Cue, ...], Reading], Verdict | None]


def peoples(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """Peoples that share a place's name: "the Roma" are not Rome."""
    if candidate.key in reading.lexicon.peoples:
        return Verdict("peoples", False, f"{candidate.key!r} names a people")
    return None


def not_places(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """Capitalised words that are never places alone, whatever town shares them: months, "Union"."""
    if candidate.key in reading.lexicon.not_places:
        return Verdict("not-places", False, f"{candidate.key!r} is not a place on its own")
    return None


def currency(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "US$460 million", "HK$": a currency, not the country."""
    after = candidate.token_after()
    if after is not None and after.start == candidate.end and after.text in reading.lexicon.currency_marks:
        return Verdict("currency", False, f"{candidate.key!r} before {after.text!r} is a currency")
    return None


def named_after(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "West Nile virus", "Lyme disease", "Reston ebolavirus": a disease named after a place."""
    after = candidate.token_after()
    if after is not None and after.is_word and _names_disease(norm(after), reading.lexicon.disease_words):
        return Verdict("named-after", False, f"{after.text!r} after it names a disease")
    return None


def _names_disease(word: str, disease_words: frozenset[str]) -> bool:
    return word in disease_words or word.endswith("virus")  # "ebolavirus", "coronavirus"


def numbered(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Pack 122", "Troop 198": a small place's name before a number labels a unit, a route, a team."""
    after = candidate.token_after()
    if after is None or not after.text[0].isdigit() or reading.is_prominent(candidate.places):
        return None
    return Verdict("numbered", False, f"the number {after.text!r} after it")


def era(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "500 B.C.", "AD 79": an era after or before a year, not British Columbia."""
    before = candidate.token_before()
    if before is None or not before.text.isdigit():
        return None
    if any(p.raw.get("match") == MATCH_ABBREVIATION for p in candidate.places):
        return Verdict("era", False, f"after the year {before.text!r} it names an era")
    return None


def alternate_name(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Name" for Namur: a common English word that only other languages use for a place."""
    if any(p.raw.get("match") != MATCH_ALTERNATE for p in candidate.places):
        return None
    if reading.words.word_zipf(candidate.key) >= ALTERNATE_WORD_ZIPF:
        return Verdict(
            "alternate-name", False, f"{candidate.key!r} is an English word; only other languages name a place so"
        )
    return None


def newspaper(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Daily Star", "Washington Post": a newspaper or broadcaster named after a place."""
    for token in candidate.pre() + candidate.post():
        if norm(token) in reading.lexicon.media_words:
            return Verdict("newspaper", False, f"{token.text!r} makes it a newspaper's name")
    return None


def street(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Wichita Street", "Paris Avenue": a street named after a place is not that place."""
    post = candidate.post()
    if post and norm(post[0]) in reading.lexicon.street_words:
        return Verdict("street", False, f"{post[0].text!r} after it makes it a street's name")
    return None


def title_before(tokens: list[Token], index: int, titles: frozenset[str]) -> Token | None:
    """The title right before ``tokens[index]``, its full stop allowed: "Mayor Bouchart", "Mr. Nelson"."""
    before = index - 1
    if before > 0 and tokens[before].text == "." and tokens[before].start == tokens[before - 1].end:
        before -= 1
    if before >= 0 and tokens[before].is_word and norm(tokens[before]) in titles:
        return tokens[before]
    return None


def title(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "President Lincoln", "Mayor Bouchart", "Mr. Nelson": a title before the name makes it a person."""
    titles = reading.lexicon.person_titles
    pre = candidate.pre()
    opening = candidate.chunk[candidate.first - len(pre)]
    before = title_before(candidate.sentence.tokens, opening, titles)
    for token in [before, *pre]:
        if token is not None and token.is_word and norm(token) in titles:
            return Verdict("title", False, f"the title {token.text!r} before it")
    return None


def first_name(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Jack London", "Theresa May", "Roy A. Nelson": a first name right before the name makes a person."""
    pre = candidate.pre()
    if not pre or candidate.first != candidate.last:
        return None
    at = -2 if is_initial(pre[-1]) and len(pre) >= 2 else -1  # "Roy A. Nelson": the name before the initial
    name = pre[at]
    if name.possessive:  # "last Sunday's EU elections"
        return None
    opens_sentence = len(pre) == -at and candidate.opens_sentence()
    surname = candidate.sentence.tokens[candidate.first_token]
    if reading.is_first_name_at(name, opens_sentence=opens_sentence) or reading.names_person(name, surname):
        return Verdict("first-name", False, f"the first name {name.text!r} before it")
    return None


def known_person(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """A surname the article gave a person elsewhere (with a title or a first name), here without place evidence."""
    why = reading.people.get(candidate.key)
    if why is not None and candidate.first == candidate.last and not any(_stops_a_person(c, reading) for c in cues):
        return Verdict("known-person", False, f"a person's name in this article ({why})")
    return None


def _stops_a_person(cue: Cue, reading: Reading) -> bool:
    """Place evidence strong enough to beat a person the article named: not "to Trapani", "from Smith"."""
    if cue.evidence is Evidence.LOCATIVE and cue.detail.lower() in reading.lexicon.person_prepositions:
        return False
    return cue.evidence in _SPREAD_STOPS


def place_first_name(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Paris Hilton", "Chad Johnson": a place name that is a first name, before a surname."""
    post = candidate.post()
    if len(post) != 1 or candidate.pre() or candidate.first != candidate.last:
        return None
    if reading.names_person(candidate.sentence.tokens[candidate.first_token], post[0]):
        return Verdict("place-first-name", False, f"a first name before the surname {post[0].text!r}")
    return None


def acronym(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "SEC", "SRT": an acronym names a place only through our curated aliases ("UK", "EU")."""
    letters = reading.text[candidate.start : candidate.end].replace(".", "")
    if 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper():
        if not any(p.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION} for p in candidate.places):
            return Verdict("acronym", False, f"{letters!r} is an acronym our aliases do not list")
    return None


def name_part(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """A small place's name inside a longer name: "Fairfield Inn", "Lincoln Memorial"."""
    if reading.is_prominent(candidate.places) or any(c.evidence in _NAMED_PARTS for c in cues):
        return None
    lex = reading.lexicon
    pre = candidate.pre()
    if pre and candidate.opens_sentence() and reading.words.word_zipf(norm(pre[0])) >= COMMON_WORD_ZIPF:
        pre = pre[1:]  # "Overall Fairfield...": the sentence's first word is an ordinary word
    if pre and not all(norm(t) in lex.place_modifiers for t in pre):
        return Verdict("name-part", False, f"part of the name {' '.join(t.text for t in pre)!r}…")
    post = candidate.post()
    if post and not (norm(post[0]) in lex.admin_suffixes or norm(post[0]) in lex.person_titles):
        return Verdict("name-part", False, f"part of the name …{post[0].text!r}")
    return None


def person_verb(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading) -> Verdict | None:
    """ "Lincoln visited the fort": a person's verb after a bare town's name; this mention only.

    Countries, divisions and capitals are spared: "China said", "Washington insisted" speak for a state.
    """
    if cues or candidate.post() or any(_speaks_for_a_state(p) for p in candidate.places):
        return None
    after = candidate.token_after()
    if after is not None and after.is_word and norm(after) in reading.lexicon.person_verbs:
        return Verdict("person-verb", False, f"{after.text!r} after it is what a person does")
    before, before_that = candidate.token_before(), candidate.token_before(2)
    if before is not None and before_that is not None and (norm(before_that), norm(before)) == ("according", "to"):
        return Verdict("person-verb", False, "'according to' before it quotes a person")
    return None


def _speaks_for_a_state(place: Place) -> bool:
    if place.raw.get("match") in {MATCH_ALIAS, MATCH_ABBREVIATION}:
        return True
    return not features.is_populated(place.feature) or features.is_capital(place.feature)


def _names_place_part(key: str, reading: Reading) -> bool:
    lex = reading.lexicon
    return key in lex.organisation_words or key in lex.admin_suffixes or key in lex.place_nouns_after


# A capitalised word after a name that is part of the place's own name or of an organisation there.
_NAMED_PARTS = frozenset({Evidence.ORGANISATION, Evidence.PLACE_NOUN})
# Place evidence on a mention stops a person reading learned elsewhere in the article.
_SPREAD_STOPS = frozenset(
    {Evidence.LOCATIVE, Evidence.CONTAINER, Evidence.PLACE_LIST, Evidence.AFFIX, Evidence.PLACE_NOUN}
)

#: The rules in the order they are asked; the first verdict decides.
RULES: dict[str, Rule] = {
    "peoples": peoples,
    "not-places": not_places,
    "currency": currency,
    "named-after": named_after,
    "numbered": numbered,
    "era": era,
    "alternate-name": alternate_name,
    "newspaper": newspaper,
    "street": street,
    "title": title,
    "first-name": first_name,
    "known-person": known_person,
    "place-first-name": place_first_name,
    "acronym": acronym,
    "name-part": name_part,
    "person-verb": person_verb,
}
#: Steps of recognition beside the rules that ablation can switch off too.
STEPS = ("learn-people", "unknown-first-names", "admin-areas", "repeated", "hyphens", "origin-adjectives")


def decide(candidate: Candidate, cues: tuple[Cue, ...], reading: Reading, disabled: frozenset[str]) -> Verdict:
    """The first verdict of the enabled rules; else kept, on its place evidence or as a gazetteer name."""
    for name, rule in RULES.items():
        if name in disabled:
            continue
        verdict = rule(candidate, cues, reading)
        if verdict is not None:
            return verdict
    if cues:
        return Verdict(cues[0].evidence.value, True, str(cues[0]))
    return Verdict("gazetteer-name", True, f"{candidate.key!r} is a place name in the gazetteer")
