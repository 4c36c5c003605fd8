"""Tests for geo.corpus: a folder of articles geoparsed, bad files reported, none dropped silently."""

from __future__ import annotations

from pathlib import Path

from geo.config import Settings
from geo.corpus import load_corpus
from geo.pipeline import Geoparser


def test_seed_folder(geoparser: Geoparser, settings: Settings) -> None:
    corpus = load_corpus(settings.articles_dir, geoparser)
    assert corpus.errors == ()
    assert sorted(corpus.by_id()) == ["calais-mayor-threatens-port-2014-09-06", "calais-police-attack-camp-2014-05-29"]
    assert all(item.mentions for item in corpus.articles)


def test_bad_files_are_reported_and_the_rest_loads(geoparser: Geoparser, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Refugees camped in Calais, France.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Réfugiés à Calais".encode("latin-1"))
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("ignored", encoding="utf-8")
    corpus = load_corpus(tmp_path, geoparser)
    assert [item.article.id for item in corpus.articles] == ["good"]
    assert len(corpus.errors) == 2
    assert any("latin1.txt" in e and "UTF-8" in e for e in corpus.errors)
    assert any("empty.md" in e for e in corpus.errors)


def test_duplicate_ids_are_reported(geoparser: Geoparser, tmp_path: Path) -> None:
    front = "---\nid: same\ntitle: T\n---\n\nIn Calais, France.\n"
    (tmp_path / "a.md").write_text(front, encoding="utf-8")
    (tmp_path / "b.md").write_text(front, encoding="utf-8")
    corpus = load_corpus(tmp_path, geoparser)
    assert len(corpus.articles) == 1
    assert corpus.errors and "b.md" in corpus.errors[0] and "same" in corpus.errors[0]


def test_missing_folder_is_a_message(geoparser: Geoparser, tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path / "absent", geoparser)
    assert corpus.articles == () and "NEWS_ATLAS_ARTICLES_DIR" in corpus.errors[0]
