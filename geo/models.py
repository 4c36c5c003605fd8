"""Typed records passed between the pipeline stages.

``Article`` (loader) -> ``Mention`` (extract) -> ``GeocodedMention`` (resolve),
with ``Place`` the gazetteer's answer.  All are frozen: a stage never edits
what an earlier stage produced.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

MentionKind = Literal["toponym", "demonym"]
MENTION_KINDS: tuple[MentionKind, ...] = ("toponym", "demonym")
#: Whether a person reviewed a mention (``geo.corrections``): no, yes and kept the place, moved it, or added it.
ReviewStatus = Literal["automatic", "confirmed", "corrected", "added"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("automatic", "confirmed", "corrected", "added")


@dataclass(frozen=True, slots=True)
class Place:
    """A point on the earth with its GeoNames identity.

    ``feature`` is the GeoNames ``class.code`` (``"P.PPL"``, ``"A.PCLI"``,
    ``"H.CHN"``, see ``geo.features``); ``source`` names the data the place
    came from.  ``admin1`` and ``admin2`` are GeoNames' division codes within
    the country (``"08"``, ``"25"``); ``prominence`` is how many distinct
    names GeoNames knows the place by, across languages: a sign of how well
    known it is beside its population (Calais, France: 31; Calais, Maine: 15).
    """

    name: str
    lat: float
    lon: float
    country_code: str
    feature: str
    geonameid: int | None
    source: str
    population: int = 0
    admin1: str = ""
    admin2: str = ""
    prominence: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"Place {self.name!r} has invalid coordinates ({self.lat!r}, {self.lon!r})")

    @property
    def feature_class(self) -> str:
        """The GeoNames feature class letter: A, P, H, L, T..."""
        return self.feature.split(".", 1)[0]

    def as_json(self) -> dict[str, Any]:
        """The place as the CLI's JSON ``place`` object."""
        return {
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country_code": self.country_code,
            "feature": self.feature,
            "geonameid": self.geonameid,
            "source": self.source,
        }


class Evidence(enum.Enum):
    """What the words around a name say about it (see ``geo.rules``)."""

    LOCATIVE = "locative"  # after "in", "near", "the town of": "in Sangatte"
    CONTAINER = "container"  # followed by its country or division: "Charleston, W.Va."
    CONTAINED = "contained"  # it is the container: "W.Va." in "Charleston, W.Va."
    PLACE_LIST = "list"  # one of a list of places: "Germany, Italy and France"
    AFFIX = "affix"  # "Washington-based", "Calais-born"
    PLACE_NOUN = "place-noun"  # a place word after it: "Sichuan province", "Lesbos island"
    ORGANISATION = "organisation"  # an organisation there: "Calais Police", "the Ohio Department of Health"
    ADMIN_AREA = "admin-area"  # "Laurel County": an area by its suffix
    REPEATED = "repeated"  # "the channel" after "the Channel"
    NOUN = "noun"  # a nationality noun: "Syrians", "an Afghan"
    ORIGIN = "origin"  # a nationality adjective before a people noun: "Sudanese migrants"
    ADJECTIVE = "adjective"  # any other nationality adjective: "French riot police"


#: Evidence that a name is a place in this mention, whatever it is elsewhere in the article.
#: ``ORGANISATION`` is not: "Superior Court" and "Franklin Elementary" are named after no place.
PLACE_EVIDENCE = frozenset(
    {
        Evidence.LOCATIVE,
        Evidence.CONTAINER,
        Evidence.CONTAINED,
        Evidence.PLACE_LIST,
        Evidence.AFFIX,
        Evidence.PLACE_NOUN,
        Evidence.ADMIN_AREA,
        Evidence.REPEATED,
    }
)


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence, with what it rests on (the container's name, the preposition)."""

    evidence: Evidence
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.evidence.value}: {self.detail}" if self.detail else self.evidence.value


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article's text that names a place or its people.

    Offsets are Python ``str`` indices into the geoparsed text, end exclusive.
    ``sentence`` and ``paragraph`` are the (start, end) offsets of the
    enclosing sentence and paragraph, for excerpts.  ``key`` is the
    normalised name it is looked up by; ``cues`` are the textual evidence the
    recogniser saw, and ``rule`` names the recognition rule that kept it.
    """

    start: int
    end: int
    text: str
    kind: MentionKind
    sentence: tuple[int, int]
    paragraph: tuple[int, int]
    key: str = ""
    cues: tuple[Cue, ...] = ()
    rule: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"Mention {self.text!r} has invalid offsets ({self.start}, {self.end})")
        if self.kind not in MENTION_KINDS:
            raise ValueError(f"Mention kind must be one of {MENTION_KINDS}, not {self.kind!r}")

    def has(self, *evidence: Evidence) -> bool:
        """Whether any cue is one of ``evidence``."""
        return any(cue.evidence in evidence for cue in self.cues)

    @property
    def placed_by_text(self) -> bool:
        """The text itself says this mention is a place (``PLACE_EVIDENCE``)."""
        return any(cue.evidence in PLACE_EVIDENCE for cue in self.cues)


@dataclass(frozen=True, slots=True)
class GeocodedMention:
    """A mention with the place it was resolved to (``None``: found but not placed).

    ``score`` is the resolver's score of the chosen place (``geo.resolve``);
    ``review`` says whether a person reviewed it (``geo.corrections``).
    """

    mention: Mention
    place: Place | None
    score: float = 0.0
    review: ReviewStatus = "automatic"

    def as_json(self) -> dict[str, Any]:
        """The mention as one element of the CLI's JSON ``mentions`` list."""
        m = self.mention
        return {
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "kind": m.kind,
            "sentence": list(m.sentence),
            "place": self.place.as_json() if self.place else None,
        }


@dataclass(frozen=True, slots=True)
class Article:
    """A news article: its text and what is known about it."""

    id: str
    title: str
    text: str
    author: str = ""
    date: dt.date | None = None
    source: str = ""
    url: str = ""
    path: str = ""
