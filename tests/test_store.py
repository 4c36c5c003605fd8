"""Tests for geo.store: schema and migrations, duplicates, deletes, SQL views, concurrency, bad files."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from geo.atlas import GeoparsedArticle, summarise_places
from geo.config import PROJECT_DIR
from geo.exc import StoreError
from geo.models import Article
from geo.pipeline import Geoparser
from geo.store import SCHEMA_VERSION, Store, content_hash

MAY = "calais-police-attack-camp-2014-05-29"
SEPTEMBER = "calais-mayor-threatens-port-2014-09-06"


@pytest.fixture
def seeds(geoparser: Geoparser, seed_articles: dict[str, Article]) -> list[GeoparsedArticle]:
    return [GeoparsedArticle(a, tuple(geoparser.geoparse_article(a))) for a in seed_articles.values()]


@pytest.fixture
def store(tmp_path: Path, seeds: list[GeoparsedArticle]) -> Store:
    store = Store(tmp_path / "atlas.sqlite3")
    for item in seeds:
        store.add(item.article, item.mentions, geoparser_version="v1")
    return store


def test_new_store_is_created_with_the_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "sub" / "atlas.sqlite3")
    assert len(store) == 0
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_round_trip(store: Store, seeds: list[GeoparsedArticle]) -> None:
    for item in seeds:
        back = store.article(item.article.id)
        assert back is not None and back.article == replace(item.article, path="")  # the file's path is not kept
        assert [g.as_json() for g in back.mentions] == [g.as_json() for g in item.mentions]
        assert [g.mention.paragraph for g in back.mentions] == [g.mention.paragraph for g in item.mentions]
    assert store.article("absent") is None


def test_sql_summaries_match_the_in_memory_view(store: Store, seeds: list[GeoparsedArticle]) -> None:
    views = [{}, {"article_ids": [MAY]}, {"categories": ["origin", "water"]}, {"search": "sang"}, {"article_ids": []}]
    for view in views:
        expected = summarise_places(seeds, **view)
        found = store.summaries(**view)
        assert [(s.id, s.category, s.mentions, sorted(s.article_ids)) for s in found] == [
            (s.id, s.category, s.mentions, sorted(s.article_ids)) for s in expected
        ], view
        for ours, theirs in zip(found, expected, strict=True):
            assert ours.passages[0] in theirs.passages
            assert store.passages(ours.id, **{k: v for k, v in view.items() if k != "search"}) == list(theirs.passages)


def test_duplicates_are_reported_not_stored(store: Store, seeds: list[GeoparsedArticle]) -> None:
    item = seeds[0]
    respaced = Article("other-id", "Another title", "  " + item.article.text.replace(" ", "  ") + "\n")
    added = store.add(respaced, item.mentions, geoparser_version="v1")
    assert added.duplicate_of == item.article.id
    assert len(store) == 2


def test_taken_id_gets_a_suffix(store: Store) -> None:
    added = store.add(Article(MAY, "Same id", "Different text in Calais."), (), geoparser_version="v1")
    assert added.id == f"{MAY}-2" and added.duplicate_of is None


def test_delete_removes_mentions_and_orphan_places(store: Store) -> None:
    assert store.delete(SEPTEMBER)
    assert not store.delete(SEPTEMBER)
    assert [a.id for a in store.article_infos()] == [MAY]
    assert "Sangatte" not in [s.place.name for s in store.summaries()]
    conn = sqlite3.connect(store.path)
    assert conn.execute("SELECT COUNT(*) FROM mentions WHERE article_id = ?", (SEPTEMBER,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM places WHERE name = 'Sangatte'").fetchone()[0] == 0


def test_stale_articles_and_reindex(store: Store, seeds: list[GeoparsedArticle]) -> None:
    assert store.stale_article_ids("v1") == []
    assert store.stale_article_ids("v2") == sorted([MAY, SEPTEMBER])
    store.replace_mentions(MAY, seeds[1].mentions[:1] if seeds[1].article.id == MAY else seeds[0].mentions[:1],
                           geoparser_version="v2")  # fmt: skip
    assert store.stale_article_ids("v2") == [SEPTEMBER]
    assert len(store.article(MAY).mentions) == 1


def test_article_infos(store: Store) -> None:
    infos = store.article_infos()
    assert [i.id for i in infos] == [SEPTEMBER, MAY]  # newest first
    assert infos[0].author == "Stéphane Hugues" and infos[0].mentions > 40


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"\x00" * 4096],
    ids=["text", "zeros"],
)
def test_a_file_that_is_not_a_store(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "atlas.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="is not a News Atlas store"):
        Store(path)
    assert path.read_bytes() == content  # left as it was


def test_a_store_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "atlas.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this News Atlas"):
        Store(path)


def test_content_hash_ignores_spacing_only() -> None:
    assert content_hash("Calais  is\nin France.") == content_hash("Calais is in France. ")
    assert content_hash("Calais is in France.") != content_hash("Calais is in Maine.")


def _ingest_many(path: str, prefix: str, count: int) -> None:
    store = Store(path)
    for i in range(count):
        store.add(Article(f"{prefix}-{i}", f"{prefix} {i}", f"Article {prefix} {i} in Calais."), (),
                  geoparser_version="v1")  # fmt: skip


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "atlas.sqlite3")
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_ingest_many, args=(path, name, 40)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(worker.exitcode == 0 for worker in workers)
    assert len(Store(path)) == 80


_OPEN_AT = """
import sys, time
sys.path.insert(0, sys.argv[1])
from geo.store import Store
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
Store(sys.argv[2]).add(__import__("geo.models").models.Article(sys.argv[4], "t", sys.argv[4]), (),
                       geoparser_version="v1")
"""


def test_processes_opening_a_new_store_at_once_all_get_it(tmp_path: Path) -> None:
    """Two ingests started together on a store that does not exist yet: neither may find it half made."""
    path = str(tmp_path / "new" / "atlas.sqlite3")
    start = f"{time.time() + 3:.3f}"  # after every interpreter has started
    children = [
        subprocess.Popen([sys.executable, "-c", _OPEN_AT, str(PROJECT_DIR), path, start, f"article-{n}"],
                         stderr=subprocess.PIPE, text=True)  # fmt: skip
        for n in range(6)
    ]
    errors = [child.communicate()[1] for child in children]
    assert [child.returncode for child in children] == [0] * 6, "\n".join(errors)
    assert len(Store(path)) == 6


def test_a_refused_write_is_a_store_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """Two mentions at one offset break the table's key: a StoreError, and no half article."""
    from geo.models import GeocodedMention, Mention

    store = Store(tmp_path / "atlas.sqlite3")
    twin = GeocodedMention(Mention(0, 6, "Calais", "toponym", (0, 7), (0, 7)), None)
    with pytest.raises(StoreError, match="could not store"):
        store.add(Article("a", "A", "Calais."), [twin, twin], geoparser_version="v1")
    assert len(store) == 0
