"""Regression test of geoparsing quality on the two development corpora (../shared/corpus).

The figures recorded in tests/data/quality.json (written by ``bench/quality.py --record``)
are the floor: F1 and end-to-end Acc@161 may not drop more than 0.01 below them on either
corpus.  The corpora are not in the repository (their texts belong to their publishers), so
the test skips, saying why, where ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.evaluate import CORPORA, Corpus, evaluate
from geo.pipeline import Geoparser

RECORDED = json.loads((Path(__file__).parent / "data" / "quality.json").read_text(encoding="utf-8"))
TOLERANCE = 0.01


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_quality_holds(geoparser: Geoparser, corpus: Corpus) -> None:
    if not corpus.path.is_file():
        pytest.skip(f"{corpus.name} development corpus not found at {corpus.path} (../shared is absent)")
    figures = evaluate(corpus, geoparser.geoparse).figures()
    for measure in ("f1", "end_to_end_acc161"):
        floor = RECORDED[corpus.name][measure] - TOLERANCE
        assert figures[measure] >= floor, f"{corpus.name} {measure} fell to {figures[measure]:.3f} (floor {floor:.3f})"
