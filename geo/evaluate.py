"""Score a geoparser against an annotated corpus (LGL, GeoVirus) with the standard metrics.

Input: a corpus file of JSON lines (``../shared/corpus/README.md`` gives the
schema) and a function from text to ``GeocodedMention``.  Output:
``Scores``: recognition precision, recall and F1 by exact span and by
overlap, resolution accuracy within 161 km over recognised gold toponyms,
mean and median error, and end-to-end accuracy@161 (gold toponyms both
recognised and placed within 161 km, over all gold toponyms).

Predictions on spans the annotators left unresolved (streets, buildings)
count as neither right nor wrong.  A corpus whose gold has no demonyms
(GeoVirus) is scored without the parser's demonym mentions, as its README says.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo.config import PROJECT_DIR
from geo.models import GeocodedMention, Place
from geo.resolve import distance_km

ACCURACY_KM = 161.0
CORPUS_DIR = PROJECT_DIR.parent / "shared" / "corpus"


@dataclass(frozen=True, slots=True)
class Corpus:
    """An annotated corpus and how to score on it."""

    name: str
    path: Path
    demonyms: bool  # whether its gold annotates demonyms and nationality adjectives


#: The development corpora, beside the project in ../shared/corpus.
CORPORA = (
    Corpus("LGL", CORPUS_DIR / "lgl-dev.jsonl", demonyms=True),
    Corpus("GeoVirus", CORPUS_DIR / "geovirus-dev.jsonl", demonyms=False),
)

Geoparse = Callable[[str], Sequence[GeocodedMention]]


@dataclass
class Scores:
    """Counts over a corpus, and the figures made from them."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap_predicted: int = 0
    overlap_gold: int = 0
    errors_km: list[float] = field(default_factory=list)
    unplaced: int = 0
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        precision = self.exact / self.predicted if self.predicted else 0.0
        recall = self.exact / self.gold if self.gold else 0.0
        overlap_p = self.overlap_predicted / self.predicted if self.predicted else 0.0
        overlap_r = self.overlap_gold / self.gold if self.gold else 0.0
        within = sum(1 for e in self.errors_km if e <= ACCURACY_KM)
        resolved = len(self.errors_km) + self.unplaced
        return {
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "overlap_f1": _f1(overlap_p, overlap_r),
            "acc161": within / resolved if resolved else 0.0,
            "mean_km": statistics.fmean(self.errors_km) if self.errors_km else 0.0,
            "median_km": statistics.median(self.errors_km) if self.errors_km else 0.0,
            "end_to_end_acc161": within / self.gold if self.gold else 0.0,
        }


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_article(article: dict, geoparse: Geoparse, scores: Scores, *, demonyms: bool = True) -> None:
    """Add one annotated article's counts to ``scores``."""
    text = article["text"]
    gold = {(t["start"], t["end"]): t for t in article["toponyms"]}
    unresolved = [(u["start"], u["end"]) for u in article["unresolved"]]
    predicted: dict[tuple[int, int], Place | None] = {}
    for geocoded in geoparse(text):
        span = (geocoded.mention.start, geocoded.mention.end)
        if not demonyms and geocoded.mention.kind == "demonym" and span not in gold:
            continue
        if span in gold or not any(_overlaps(span, u) for u in unresolved):
            predicted[span] = geocoded.place
    scores.gold += len(gold)
    scores.predicted += len(predicted)
    for span in predicted:
        if any(_overlaps(span, g) for g in gold):
            scores.overlap_predicted += 1
        if span not in gold:
            scores.false_positives.append(f"{article['id']}: {text[span[0] : span[1]]!r}")
    for span, toponym in gold.items():
        if any(_overlaps(span, p) for p in predicted):
            scores.overlap_gold += 1
        if span not in predicted:
            scores.misses.append(f"{article['id']}: {toponym['name']!r}")
            continue
        scores.exact += 1
        place = predicted[span]
        if place is None:
            scores.unplaced += 1
            continue
        gold_place = Place(toponym["name"], toponym["lat"], toponym["lon"], "", "", None, "gold")
        error = distance_km(place, gold_place)
        scores.errors_km.append(error)
        if error > ACCURACY_KM:
            scores.misplaced.append(
                f"{article['id']}: {toponym['name']!r} placed at {place.name}, {place.country_code} ({error:.0f} km)"
            )


def read_corpus(path: Path) -> list[dict]:
    """The annotated articles of a corpus file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(corpus: Corpus, geoparse: Geoparse, articles: list[dict] | None = None) -> Scores:
    """Score ``geoparse`` over every article of the corpus."""
    scores = Scores()
    for article in articles if articles is not None else read_corpus(corpus.path):
        score_article(article, geoparse, scores, demonyms=corpus.demonyms)
    return scores
