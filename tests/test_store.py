"""Tests for geo.store and geo.storefile: schema and migrations, duplicates, deletes, SQL views, concurrency,
bad and damaged files (never written), the integrity check and the online backup."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from geo.atlas import GeoparsedArticle, summarise_places
from geo.config import PROJECT_DIR
from geo.exc import DamagedStoreError, StoreError
from geo.models import Article, GeocodedMention, Mention
from geo.pipeline import Geoparser
from geo.store import SCHEMA_VERSION, Store, content_hash
from geo.storefile import backup_store, inspect_store

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


def test_a_store_from_a_newer_version_is_named_once_and_left_as_it_is(tmp_path: Path) -> None:
    """Its message was wrapped twice ("Update News Atlas.. Set NEWS_ATLAS_STORE_PATH."); it was switched to WAL."""
    path = tmp_path / "atlas.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (
        f"{path} has schema version {SCHEMA_VERSION + 1}, newer than this News Atlas ({SCHEMA_VERSION}). "
        "Update News Atlas, or set NEWS_ATLAS_STORE_PATH to another file."
    )
    assert not isinstance(caught.value, DamagedStoreError)
    assert path.read_bytes() == before  # still in rollback-journal mode: not switched to WAL


def test_another_programs_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    """An SQLite file with tables but no schema version (a browser's history, say) must not get ours added."""
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DamagedStoreError, match=r"is not a News Atlas store \(it is another program's database"):
        Store(path)
    assert path.read_bytes() == before


def _spoil(path: Path, pages: Callable[[int], list[int]], fill: Callable[[int, int], bytes]) -> None:
    """Overwrite some pages of a closed store file, as a failing disk or a stray write would."""
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    count = path.stat().st_size // size
    with path.open("r+b") as out:
        for page in pages(count):
            out.seek((page - 1) * size)
            out.write(fill(page, size))


def _garbage(page: int, size: int) -> bytes:
    return random.Random(page).randbytes(size)


def _zeros(page: int, size: int) -> bytes:
    return bytes(size)


def _cut_in_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


# How a store file gets damaged, and what the message says it is.
ALL_BUT_FIRST = lambda n: list(range(2, n + 1))  # noqa: E731
DAMAGE = [
    pytest.param(lambda p: _spoil(p, ALL_BUT_FIRST, _garbage), "is damaged", id="garbage-pages-2-to-n"),
    pytest.param(lambda p: _spoil(p, ALL_BUT_FIRST, _zeros), "is damaged", id="zeros-pages-2-to-n"),
    # One bad page: SQLite used to open the file, read the article list and add rows to it.
    pytest.param(lambda p: _spoil(p, lambda n: [n], _garbage), "is damaged", id="garbage-last-page"),
    pytest.param(lambda p: _spoil(p, lambda n: [n // 2], _garbage), "is damaged", id="garbage-middle-page"),
    pytest.param(_cut_in_half, "is damaged", id="cut-in-half"),
    pytest.param(lambda p: _spoil(p, lambda n: [1], _garbage), "is not a News Atlas store", id="garbage-page-1"),
]


@pytest.fixture
def closed_store(store: Store) -> Path:
    """The seeds' store, closed: its file holds everything (no -wal beside it)."""
    store.close()
    assert not Path(f"{store.path}-wal").exists()
    return store.path


@pytest.mark.parametrize(("damage", "said"), DAMAGE)
def test_a_damaged_store_is_refused_on_opening_and_never_written(
    closed_store: Path, damage: Callable[[Path], None], said: str
) -> None:
    damage(closed_store)
    before = closed_store.read_bytes()
    with pytest.raises(DamagedStoreError) as caught:
        Store(closed_store)
    message = str(caught.value)
    assert str(closed_store) in message and said in message
    assert "python -m geo check" in message and "backup" in message and "NEWS_ATLAS_STORE_PATH" in message
    assert closed_store.read_bytes() == before
    assert not inspect_store(closed_store).ok


# Every public method, reading or writing, on a store damaged after it was opened (by another process or the disk).
CALLS: list[Any] = [
    pytest.param(len, id="len"),
    pytest.param(lambda s: s.article_infos(), id="article_infos"),
    pytest.param(lambda s: s.article(MAY), id="article"),
    pytest.param(lambda s: list(s.articles()), id="articles"),
    pytest.param(lambda s: s.summaries(), id="summaries"),
    pytest.param(lambda s: s.passages("geonames:2976217"), id="passages"),
    pytest.param(lambda s: s.texts([MAY]), id="texts"),
    pytest.param(lambda s: s.stale_article_ids("v2"), id="stale_article_ids"),
    pytest.param(lambda s: s.revision(), id="revision"),
    pytest.param(lambda s: s.delete(MAY), id="delete"),
    pytest.param(lambda s: s.add(Article("new", "New", "Camp in Calais."), (), geoparser_version="v1"), id="add"),
    pytest.param(lambda s: s.replace_mentions(MAY, (), geoparser_version="v2"), id="replace_mentions"),
    pytest.param(lambda s: s.set_meta("seeded", "yes"), id="set_meta"),
]


@pytest.mark.parametrize("call", CALLS)
def test_damage_found_after_opening_is_a_damaged_store_error_and_nothing_more_is_written(
    closed_store: Path, call: Callable[[Store], object]
) -> None:
    store = Store(closed_store)
    _spoil(closed_store, ALL_BUT_FIRST, _garbage)
    before = closed_store.read_bytes()
    with pytest.raises(DamagedStoreError, match="is damaged"):
        call(store)
    with pytest.raises(DamagedStoreError, match="is damaged"):  # known damaged now: refused before SQLite is asked
        store.add(Article("later", "Later", "Another camp near Sangatte."), (), geoparser_version="v1")
    store.close()
    assert closed_store.read_bytes() == before


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _link_loop(path: Path) -> Path:
    path.symlink_to(path.with_name("other"))
    path.with_name("other").symlink_to(path)
    return path


# Store paths that are not files: SQLite called them "disk I/O error" or "unable to open", or waited on the pipe.
NOT_FILES = [
    pytest.param(lambda tmp: _folder(tmp / "atlas.sqlite3"), "it is a folder, not a file", id="folder"),
    pytest.param(lambda tmp: _fifo(tmp / "atlas.sqlite3"), "it is a named pipe (FIFO), not a file", id="fifo"),
    pytest.param(lambda tmp: Path("/dev/null"), "it is a device, not a file", id="dev-null"),
    pytest.param(lambda tmp: Path("/dev/zero"), "it is a device, not a file", id="dev-zero"),
    pytest.param(lambda tmp: _link_loop(tmp / "atlas.sqlite3"), "cannot follow", id="link-loop"),
]


@pytest.mark.parametrize(("make", "said"), NOT_FILES)
def test_a_store_path_that_is_not_a_file_is_named_for_what_it_is(
    tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(DamagedStoreError, match=re.escape(said)) as opening:
        Store(path)
    assert str(path) in str(opening.value) and "NEWS_ATLAS_STORE_PATH" in str(opening.value)
    with pytest.raises(DamagedStoreError, match=re.escape(said)):
        inspect_store(path)


@pytest.mark.parametrize(("make", "said"), NOT_FILES)
def test_a_backup_is_never_renamed_over_what_is_not_a_file(
    store: Store, tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    """Even with force: renaming a copy over /dev/null (as root) would have replaced the device."""
    (tmp_path / "backups").mkdir()
    target = make(tmp_path / "backups")
    kind = target.lstat().st_mode
    with pytest.raises(StoreError, match="is a folder|not a file"):
        backup_store(store.path, target, force=True)
    assert target.lstat().st_mode == kind
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".part")] == []


def test_inspect_store_full_check(store: Store) -> None:
    check = inspect_store(store.path, full=True)
    assert check.ok and check.articles == 2 and check.version == SCHEMA_VERSION
    conn = sqlite3.connect(store.path)
    conn.execute("DELETE FROM articles WHERE id = ?", (MAY,))  # foreign keys are off here: its mentions stay behind
    conn.commit()
    conn.close()
    orphaned = inspect_store(store.path, full=True)
    assert not orphaned.ok and "rows of mentions point to missing rows" in orphaned.problems[0]
    assert inspect_store(store.path).ok  # the quick check on opening looks at pages, not at rows


def test_inspect_store_of_no_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="There is no store at"):
        inspect_store(tmp_path / "nothing.sqlite3")


def test_content_hash_ignores_spacing_only() -> None:
    assert content_hash("Calais  is\nin France.") == content_hash("Calais is in France. ")
    assert content_hash("Calais is in France.") != content_hash("Calais is in Maine.")


def _ingest_many(path: str, prefix: str, count: int) -> None:
    """Add ``count`` articles, each with one mention (of Calais, at its end), one transaction each."""
    store = Store(path)
    for i in range(count):
        text = f"Article {prefix} {i} in Calais."
        mention = Mention(len(text) - 7, len(text) - 1, "Calais", "toponym", (0, len(text)), (0, len(text)))
        store.add(Article(f"{prefix}-{i}", f"{prefix} {i}", text), (GeocodedMention(mention, None),),
                  geoparser_version="v1")  # fmt: skip


def _delete_all(path: str, ids: list[str]) -> None:
    store = Store(path)
    for article_id in ids:
        assert store.delete(article_id)


def _mentionless_articles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM mentions)").fetchall()
    conn.close()
    return [r[0] for r in rows]


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


def test_an_ingest_and_a_delete_at_once_lose_nothing(tmp_path: Path) -> None:
    """One process adds 60 articles while another deletes 40 older ones: every add and every delete holds."""
    path = str(tmp_path / "atlas.sqlite3")
    _ingest_many(path, "old", 40)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_ingest_many, args=(path, "new", 60)),
        context.Process(target=_delete_all, args=(path, [f"old-{i}" for i in range(40)])),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0]
    store = Store(path)
    assert sorted(info.id for info in store.article_infos()) == sorted(f"new-{i}" for i in range(60))
    assert _mentionless_articles(store.path) == []
    assert inspect_store(path, full=True).ok


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
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_AT, str(PROJECT_DIR), path, start, f"article-{n}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    errors = [child.communicate()[1] for child in children]
    assert [child.returncode for child in children] == [0] * 6, "\n".join(errors)
    assert len(Store(path)) == 6


def test_a_refused_write_is_a_store_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """Two mentions at one offset break the table's key: a StoreError, and no half article."""
    store = Store(tmp_path / "atlas.sqlite3")
    twin = GeocodedMention(Mention(0, 6, "Calais", "toponym", (0, 7), (0, 7)), None)
    with pytest.raises(StoreError, match="could not store"):
        store.add(Article("a", "A", "Calais."), [twin, twin], geoparser_version="v1")
    assert len(store) == 0


def test_backup_while_another_process_writes(store: Store, tmp_path: Path) -> None:
    """Each backup taken during an ingest is a working store in one consistent state: whole articles only."""
    writer = multiprocessing.get_context("spawn").Process(target=_ingest_many, args=(str(store.path), "w", 150))
    writer.start()
    counts = []
    try:
        while writer.is_alive() or not counts:
            check = backup_store(store.path, tmp_path / "backup.sqlite3", force=True)
            assert check.ok and check.articles is not None
            counts.append(check.articles)
            assert _mentionless_articles(tmp_path / "backup.sqlite3") == []
    finally:
        writer.join()
    assert writer.exitcode == 0
    assert counts == sorted(counts)
    final = backup_store(store.path, tmp_path / "final.sqlite3")
    assert final.articles == 152 and inspect_store(tmp_path / "final.sqlite3", full=True).ok
    copies = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("atlas"))
    assert copies == ["backup.sqlite3", "final.sqlite3"]  # each one self-contained file: no -wal, no .part left
    copy = Store(tmp_path / "final.sqlite3")
    assert [i.id for i in copy.article_infos()] == [i.id for i in store.article_infos()]


# Where a backup may not go, and what the message says.
BAD_TARGETS = [
    pytest.param(lambda store: store, "is the store itself", id="the-store"),
    pytest.param(lambda store: store.parent / "." / store.name, "is the store itself", id="the-store-by-another-path"),
    pytest.param(lambda store: _symlink(store.parent / "link", store), "is the store itself", id="a-link-to-it"),
    pytest.param(lambda store: Path(f"{store}-wal"), "is the store itself", id="its-wal-file"),
    pytest.param(lambda store: store.parent, "is a folder", id="a-folder"),
    pytest.param(lambda store: _existing(store.parent / "notes.txt"), "exists already; pass --force", id="a-file"),
]


def _symlink(link: Path, to: Path) -> Path:
    link.symlink_to(to)
    return link


def _existing(path: Path) -> Path:
    path.write_text("my notes", encoding="utf-8")
    return path


@pytest.mark.parametrize(("target", "said"), BAD_TARGETS)
def test_backup_refuses_a_bad_target(store: Store, target: Callable[[Path], Path], said: str) -> None:
    where = target(store.path)
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match=said):
        backup_store(store.path, where)
    assert store.path.read_bytes() == before
    if where.name == "notes.txt":
        assert where.read_text(encoding="utf-8") == "my notes"


def test_backup_of_a_damaged_store_keeps_the_earlier_backup(closed_store: Path, tmp_path: Path) -> None:
    earlier = tmp_path / "backup.sqlite3"
    backup_store(closed_store, earlier)
    good = earlier.read_bytes()
    _spoil(closed_store, lambda n: [n], _garbage)
    with pytest.raises(DamagedStoreError, match="is damaged"):
        backup_store(closed_store, earlier, force=True)
    assert earlier.read_bytes() == good
