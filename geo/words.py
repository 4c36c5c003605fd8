"""What a capitalised word is besides a place name: an English word, a first name, a surname.

Input: a normalised name (``geo.gazetteer.base.normalise_name``).  Output:
how common it is as an English word (wordfreq's Zipf scale: 6 is "most",
3 is about one word in a million, 0 unknown), and how common it is as a
first name and as a surname (the US Census 1990 name lists, in percent of
people).  The recogniser reads them to tell "Jack London" from London and a
hamlet called "Story" from Lampedusa.

Both sources are registry packages: ``wordfreq`` (its small English list)
and ``names`` (the Census lists).  They are read once into a small JSON
file in the cache folder, named after the packages' versions, because
importing wordfreq alone takes most of a second.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from geo.config import Settings
from geo.exc import GazetteerDataError
from geo.gazetteer.base import normalise_name

logger = logging.getLogger(__name__)

_FORMAT = "1"
# Below these shares (percent of people) a name is too rare to be evidence:
# the Census lists end in thousands of names held by a few hundred people.
MIN_FIRST_NAME_PERCENT = 0.001
MIN_SURNAME_PERCENT = 0.001


@dataclass(frozen=True, slots=True)
class Words:
    """Word, first-name and surname frequencies by normalised name."""

    zipf: dict[str, float]
    first_names: dict[str, float]
    surnames: dict[str, float]

    def word_zipf(self, key: str) -> float:
        """How common ``key`` is as English text (Zipf scale; 0 when rare or unknown)."""
        return self.zipf.get(key, 0.0)

    def first_name(self, key: str) -> float:
        """Percent of people with this first name (0 for none)."""
        return self.first_names.get(key, 0.0)

    def surname(self, key: str) -> float:
        """Percent of people with this surname (0 for none)."""
        return self.surnames.get(key, 0.0)


def _cache_name() -> str:
    versions = "-".join(metadata.version(p) for p in ("wordfreq", "names"))
    return f"words-{_FORMAT}-{versions}.json"


def _census(name: str, minimum: float) -> dict[str, float]:
    """One Census list of the ``names`` package: NAME, percent, cumulative percent, rank."""
    shares: dict[str, float] = {}
    for line in resources.files("names").joinpath(name).read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) == 4 and float(fields[1]) >= minimum:
            key = normalise_name(fields[0])
            shares[key] = max(shares.get(key, 0.0), float(fields[1]))
    return shares


def _collect() -> dict[str, dict[str, float]]:
    from wordfreq import get_frequency_dict, zipf_frequency  # noqa: F401  (slow import: only when building)

    zipf = {}
    for word in get_frequency_dict("en", wordlist="small"):
        if word.isalpha():
            zipf[normalise_name(word)] = zipf_frequency(word, "en", wordlist="small")
    first_names = _census("dist.male.first", MIN_FIRST_NAME_PERCENT)
    for key, share in _census("dist.female.first", MIN_FIRST_NAME_PERCENT).items():
        first_names[key] = max(first_names.get(key, 0.0), share)
    return {"zipf": zipf, "first_names": first_names, "surnames": _census("dist.all.last", MIN_SURNAME_PERCENT)}


def build_words(cache_dir: Path) -> Path:
    """Write the word tables into ``cache_dir`` unless they are there for these package versions."""
    path = cache_dir / _cache_name()
    if path.is_file():
        return path
    logger.info("Building the word lists in %s", path)
    try:
        tables = _collect()
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".words-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(tables, out, separators=(",", ":"))
        Path(tmp_name).chmod(0o644)
        Path(tmp_name).replace(path)
    except (OSError, ValueError) as err:
        raise GazetteerDataError(
            f"Cannot write the word lists to {path}: {err}. Set NEWS_ATLAS_CACHE_DIR to a writable folder."
        ) from err
    return path


@cache
def load_words(cache_dir: Path | None = None) -> Words:
    """The word tables, built into the cache folder on first use."""
    path = build_words(cache_dir or Settings.load().cache_dir)
    tables = json.loads(path.read_text(encoding="utf-8"))
    return Words(zipf=tables["zipf"], first_names=tables["first_names"], surnames=tables["surnames"])
