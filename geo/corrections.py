"""Corrections: a person's decisions about places, applied on top of the geoparser's output.

Input: an article's text, the geoparser's ``GeocodedMention`` records and the
``Correction`` records that apply to it.  Output: ``ReviewedMention``
records, one per mention the geoparser found or a person added, each with
the geoparser's place, the place after review and its review status.

A correction is data, kept in the store (``geo.store``) and applied whenever
mentions are written: on ingest, on ``reindex`` and after a new geoparser
version, so a decision is made once.  Its scope says how far it reaches:

- ``mention``: one span of one article (the only scope of ``add``);
- ``article``: every mention of the same name in one article;
- ``collection``: every mention of the name in every article, added later too
  ("Steele is a person here", "Georgia means the country here").

A narrower scope beats a wider one; within a scope the latest correction
wins.  Names are compared by ``normalise_name``, as the gazetteer compares them.

A corrections file (``python -m geo corrections export``) is one JSON object:
``{"format": "news-atlas-corrections", "version": 1, "exported_at": ...,
"corrections": [...]}``, each correction as ``Correction.as_json`` writes it.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from geo.atlas import place_id
from geo.exc import CorrectionError, IngestError
from geo.gazetteer.base import Gazetteer, normalise_name
from geo.models import GeocodedMention, Mention, Place, ReviewStatus
from geo.text import paragraph_spans, sentence_spans

#: What the store keeps for a mention: a review status, or hidden because a person said it is no place.
StoredStatus = Literal[ReviewStatus, "rejected"]
FILE_FORMAT = "news-atlas-corrections"
FILE_VERSION = 1  # the corrections file's format version: a newer one is refused, not misread
MAX_FILE_BYTES = 50_000_000  # about 80,000 corrections; a bigger file is refused before it is read
MAX_NAME = 200  # characters of a place name or a reviewer's name ("Llanfairpwllgwyngyll..." has 58)


class Scope(enum.Enum):
    """How far a correction reaches (narrowest first)."""

    MENTION = "mention"
    ARTICLE = "article"
    COLLECTION = "collection"


class Action(enum.Enum):
    """What a correction says about its mentions."""

    REJECT = "reject"  # not a place
    CONFIRM = "confirm"  # the geoparser's place is right
    PLACE = "place"  # the mentions name another place
    ADD = "add"  # a mention the geoparser missed, with its place


@dataclass(frozen=True, slots=True)
class Correction:
    """One decision of a reviewer.

    ``name`` is the surface text ("Georgia"), compared by its ``key``;
    ``span`` the (start, end) offsets of a ``mention`` correction;
    ``before`` the place the mentions had when the decision was made, and
    ``after`` the place they get (``place`` and ``add``).  ``uid`` identifies
    the correction across stores (export and import), ``id`` within one;
    ``undone_at`` is set when it was undone, which keeps it in the history.

    Raises
    ------
    CorrectionError
        When the fields do not fit together (an empty name, a ``mention``
        correction without a span, a ``place`` without a place...).
    """

    scope: Scope
    action: Action
    name: str
    article_id: str | None = None
    span: tuple[int, int] | None = None
    before: Place | None = None
    after: Place | None = None
    reviewer: str = ""
    created_at: str = ""
    undone_at: str | None = None
    uid: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        what = f"A {self.scope.value} correction ({self.action.value})"
        if not self.name.strip() or not self.key:
            raise CorrectionError(f"{what} has an empty name: give the place name as it is written in the text.")
        for field_name, value in (("name", self.name), ("reviewer name", self.reviewer)):
            if len(value) > MAX_NAME:
                raise CorrectionError(
                    f"{what} has a {field_name} of {len(value):,} characters ({value[:40]!r}...), over {MAX_NAME}: "
                    f"give the {field_name} alone."
                )
        if (self.scope is Scope.COLLECTION) != (self.article_id is None):
            needs = "no article (it applies to every one)" if self.scope is Scope.COLLECTION else "an article id"
            raise CorrectionError(f"{what} of {self.name!r} needs {needs}.")
        if (self.scope is Scope.MENTION) != (self.span is not None):
            needs = "the span's start and end offsets" if self.scope is Scope.MENTION else "no span (it goes by name)"
            raise CorrectionError(f"{what} of {self.name!r} needs {needs}.")
        if self.span is not None and not 0 <= self.span[0] < self.span[1]:
            raise CorrectionError(f"{what} of {self.name!r} has an empty or negative span {self.span}: start < end.")
        if self.action is Action.ADD and self.scope is not Scope.MENTION:
            raise CorrectionError(f"{what} of {self.name!r}: a missed place is added at one span (mention scope).")
        if (self.action in (Action.PLACE, Action.ADD)) != (self.after is not None):
            needs = "the place to put it at" if self.after is None else "no new place (only place and add move)"
            raise CorrectionError(f"{what} of {self.name!r} needs {needs}.")

    @property
    def key(self) -> str:
        """The name as the gazetteer compares it: case, accents and punctuation do not matter."""
        return normalise_name(self.name)

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def as_json(self) -> dict[str, Any]:
        """The correction as one element of a corrections file (``geo corrections export``)."""
        return {
            "uid": self.uid,
            "scope": self.scope.value,
            "action": self.action.value,
            "name": self.name,
            "article_id": self.article_id,
            "start": self.span[0] if self.span else None,
            "end": self.span[1] if self.span else None,
            "before": place_json(self.before),
            "after": place_json(self.after),
            "reviewer": self.reviewer,
            "created_at": self.created_at,
            "undone_at": self.undone_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Correction:
        """A correction read back from ``as_json``.

        Raises
        ------
        CorrectionError
            When a field is missing or has the wrong type or value.
        """
        try:
            start, end = data.get("start"), data.get("end")
            return cls(
                scope=Scope(data["scope"]),
                action=Action(data["action"]),
                name=_text(data, "name"),
                article_id=data.get("article_id"),
                span=(int(start), int(end)) if start is not None and end is not None else None,
                before=place_from_json(data.get("before")),
                after=place_from_json(data.get("after")),
                reviewer=_text(data, "reviewer"),
                created_at=_text(data, "created_at"),
                undone_at=data.get("undone_at"),
                uid=_text(data, "uid"),
            )
        except CorrectionError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise CorrectionError(f"A correction record is malformed ({type(err).__name__}: {err}).") from err


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text, not {value!r}")
    return value


def place_json(place: Place | None) -> dict[str, Any] | None:
    """A place as stored with a correction: enough to rebuild it without the gazetteer."""
    if place is None:
        return None
    return {**place.as_json(), "admin1": place.admin1, "admin2": place.admin2, "population": place.population,
            "prominence": place.prominence}  # fmt: skip


def place_from_json(data: Mapping[str, Any] | None) -> Place | None:
    """The place of ``place_json``; a ``CorrectionError`` for coordinates off the earth."""
    if data is None:
        return None
    geonameid = data.get("geonameid")
    try:
        return Place(
            name=str(data["name"]),
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            country_code=str(data.get("country_code", "")),
            feature=str(data.get("feature", "")),
            geonameid=None if geonameid is None else int(geonameid),
            source=str(data.get("source", "")),
            population=int(data.get("population", 0)),
            admin1=str(data.get("admin1", "")),
            admin2=str(data.get("admin2", "")),
            prominence=int(data.get("prominence", 0)),
        )
    except ValueError as err:
        raise CorrectionError(f"{err}: latitude must be within -90..90 and longitude within -180..180.") from err


@dataclass(frozen=True, slots=True)
class ReviewedMention:
    """A mention after review: the geoparser's place (``automatic``) and the place it has now.

    An added mention has no ``automatic`` place; a ``rejected`` one is kept
    (its span and the geoparser's place), hidden from every view.  ``score``
    is the resolver's score of the geoparser's place (0 for an added mention).
    """

    mention: Mention
    automatic: Place | None
    place: Place | None
    status: StoredStatus
    score: float = 0.0

    @property
    def geocoded(self) -> GeocodedMention:
        """The mention as the views show it (never called for a rejected one)."""
        status: ReviewStatus = "automatic" if self.status == "rejected" else self.status
        return GeocodedMention(self.mention, self.place, score=self.score, review=status)


def apply_corrections(
    text: str, mentions: Sequence[GeocodedMention], corrections: Iterable[Correction]
) -> list[ReviewedMention]:
    """The geoparser's mentions of one article with the corrections that apply to it.

    Parameters
    ----------
    text:
        The article's text (for the sentences of added mentions).
    mentions:
        The geoparser's output for it.
    corrections:
        The corrections of this article and the collection's; undone ones are skipped.

    Returns
    -------
    list[ReviewedMention]
        In text order.  An added mention hides the geoparser's mentions it
        overlaps (as rejected); a mention a person placed or confirmed stays,
        as added, when the geoparser no longer finds it (a new version).

    Examples
    --------
    >>> rule = Correction(Scope.COLLECTION, Action.REJECT, "Steele")
    >>> [r.status for r in apply_corrections(text, mentions, [rule])]  # doctest: +SKIP
    ['automatic', 'rejected']
    """
    by_span: dict[tuple[int, int], Correction] = {}
    by_article: dict[str, Correction] = {}
    by_collection: dict[str, Correction] = {}
    for correction in sorted((c for c in corrections if c.active), key=_order):
        if correction.span is not None:
            by_span[correction.span] = correction
        else:
            (by_article if correction.scope is Scope.ARTICLE else by_collection)[correction.key] = correction
    found = {(g.mention.start, g.mention.end) for g in mentions}
    # Spans a person placed: added ones, and those placed or confirmed that this geoparser no longer finds.
    claims = [c for c in by_span.values() if c.action is Action.ADD or (c.span not in found and _place_of(c))]
    reviewed = []
    for geocoded in mentions:
        mention = geocoded.mention
        span = (mention.start, mention.end)
        key = normalise_name(mention.text)
        if any(claim.span != span and _overlap(claim.span, span) for claim in claims):  # type: ignore[arg-type]
            reviewed.append(ReviewedMention(mention, geocoded.place, None, "rejected", geocoded.score))  # theirs wins
            continue
        rule = by_span.get(span) or by_article.get(key) or by_collection.get(key)
        reviewed.append(_reviewed(geocoded, rule))
    reviewed += [_added(text, claim) for claim in claims if claim.span not in found]
    return sorted(reviewed, key=lambda r: r.mention.start)


def _place_of(correction: Correction) -> Place | None:
    """The place a mention correction puts at its span: the new one, or the one it confirmed (none to reject)."""
    if correction.action is Action.REJECT:
        return None
    return correction.after or correction.before


def _order(correction: Correction) -> tuple[str, int]:
    return correction.created_at, correction.id or 0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _reviewed(geocoded: GeocodedMention, rule: Correction | None) -> ReviewedMention:
    mention, place, score = geocoded.mention, geocoded.place, geocoded.score
    if rule is None:
        return ReviewedMention(mention, place, place, "automatic", score)
    if rule.action is Action.REJECT:
        return ReviewedMention(mention, place, None, "rejected", score)
    if rule.action is Action.CONFIRM or rule.after is None:
        return ReviewedMention(mention, place, place, "confirmed", score)
    same = place is not None and place_id(place) == place_id(rule.after)
    return ReviewedMention(mention, place, rule.after, "confirmed" if same else "corrected", score)


def _added(text: str, add: Correction) -> ReviewedMention:
    """The mention a person placed at a span the geoparser did not find (or no longer finds)."""
    start, end = add.span  # type: ignore[misc]  # a mention correction always has a span
    paragraph = paragraph_of(text, start, end)
    sentence = next((s for s in sentence_spans(text, *paragraph) if s[0] <= start and end <= s[1]), paragraph)
    mention = Mention(start, end, text[start:end], "toponym", sentence, paragraph, key=add.key, rule="added")
    return ReviewedMention(mention, None, _place_of(add), "added")


def paragraph_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph holding ``text[start:end]``.

    Raises
    ------
    CorrectionError
        When the span runs across two paragraphs (or lies in none: blank space).
    """
    for paragraph in paragraph_spans(text):
        if paragraph[0] <= start and end <= paragraph[1]:
            return paragraph
    raise CorrectionError(
        f"The span {start}-{end} ({text[start:end][:60]!r}) runs across two paragraphs or lies in blank space: "
        "a place name is within one paragraph. Select the name alone."
    )


def find_place(gazetteer: Gazetteer, name: str, key: str) -> Place:
    """The gazetteer's place called ``name`` whose ``place_id`` is ``key`` ("geonames:4959834").

    What a review sends back is a name and an id; the gazetteer's own record
    is kept, so a correction never holds a place the gazetteer does not know.

    Raises
    ------
    CorrectionError
        When no place of that name has that id.
    """
    for place in gazetteer.candidates(name, limit=100):
        if place_id(place) == key:
            return place
    raise CorrectionError(
        f"The gazetteer has no place {name!r} with the id {key!r}: choose one of the candidates shown, "
        "or search the gazetteer by name."
    )


def known_places(
    corrections: Iterable[Correction], gazetteer: Gazetteer
) -> tuple[list[Correction], list[tuple[Correction, str]]]:
    """The corrections whose new place the gazetteer knows (``find_place``), and the others with the reason.

    An import checks them: a place only another gazetteer (or the online
    geocoder) knew could not be chosen here.
    """
    known, unknown = [], []
    for correction in corrections:
        try:
            if correction.after is not None:
                find_place(gazetteer, correction.after.name, place_id(correction.after))
        except CorrectionError as err:
            unknown.append((correction, str(err)))
        else:
            known.append(correction)
    return known, unknown


def now() -> str:
    """The time of a correction or an undo: UTC, ISO 8601, to the microsecond (their order is kept)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def dump_corrections(corrections: Iterable[Correction]) -> str:
    """A corrections file's text: every correction, undone ones too (an import then carries the undo)."""
    document = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "exported_at": now(),
        "corrections": [c.as_json() for c in corrections],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@dataclass
class CorrectionsFile:
    """The corrections read from a file, and the records that could not be read (with the reason)."""

    corrections: list[Correction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_corrections(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> CorrectionsFile:
    """Read a corrections file written by ``dump_corrections``.

    The size is checked before anything is read, as for article files
    (``geo.readers.read_file``); a bad record is a problem of its own and
    the others are still read.

    Raises
    ------
    CorrectionError
        When the file cannot be read, is over ``max_bytes``, is not JSON, is
        not a corrections file, or is from a newer version of the format.
    """
    from geo.readers import read_file, shown  # imported here: the store imports this module, not the readers

    label = f"Corrections file {shown(str(path))}"
    try:
        data = read_file(label, Path(path), max_bytes, remedy="Export fewer corrections, or split the file.")
    except IngestError as err:
        raise CorrectionError(str(err)) from err
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:  # RecursionError: "[[[[..."
        raise CorrectionError(
            f"{label} is not JSON ({err}). Give a file written by `python -m geo corrections export`."
        ) from err
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise CorrectionError(
            f'{label} is JSON but not a News Atlas corrections file (no "format": "{FILE_FORMAT}"). '
            "Give a file written by `python -m geo corrections export`."
        )
    version = document.get("version")
    if not isinstance(version, int) or version > FILE_VERSION or version < 1:
        raise CorrectionError(
            f"{label} has format version {version!r}; this News Atlas reads version {FILE_VERSION}. "
            "Update News Atlas to import it."
        )
    records = document.get("corrections")
    if not isinstance(records, list):
        raise CorrectionError(f"{label} has no list of corrections. Export it again.")
    loaded = CorrectionsFile()
    for number, record in enumerate(records, start=1):
        try:
            if not isinstance(record, dict) or not isinstance(record.get("uid"), str) or not record["uid"]:
                raise CorrectionError("it is not an object with a uid; export the file again")
            loaded.corrections.append(Correction.from_json(record))
        except CorrectionError as err:
            loaded.problems.append(f"{label}, correction {number}: {err}")
    return loaded
