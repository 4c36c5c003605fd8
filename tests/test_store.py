"""Tests for geo.store and geo.storefile: schema and migrations, duplicates, deletes, SQL views, concurrency,
bad and damaged files (never written), the integrity check and the online backup, corrections."""

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
from builders import CALAIS, CALAIS_ME, SMALL_A, geocoded, small_corpus, stored

from geo.atlas import GeoparsedArticle, place_id, place_label
from geo.config import PROJECT_DIR
from geo.corrections import Action, Correction, Scope
from geo.exc import CorrectionError, DamagedStoreError, StoreError
from geo.models import Article, GeocodedMention, Mention, Place
from geo.pipeline import Geoparser
from geo.store import MEMORY, MIGRATIONS, SCHEMA_VERSION, Store, content_hash
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
        assert back.mentions == item.mentions  # whole: key, cues, rule, score, the place's every field, review
        assert any(g.mention.cues for g in back.mentions) and all(g.mention.rule for g in back.mentions)
        assert all(g.score for g in back.mentions if g.place) and {g.review for g in back.mentions} == {"automatic"}
    assert store.article("absent") is None


def test_a_store_in_memory_is_a_store_and_leaves_no_file(tmp_path: Path, seeds: list[GeoparsedArticle]) -> None:
    os.chdir(tmp_path)
    with Store(MEMORY) as store:
        store.add(seeds[0].article, seeds[0].mentions, geoparser_version="v1")
        assert store.article(seeds[0].article.id).mentions == seeds[0].mentions
    assert list(tmp_path.iterdir()) == []


# -- the view: places aggregated from the mentions ------------------------------------------------------


@pytest.fixture
def small() -> Store:
    return stored(small_corpus())


def test_one_summary_per_place_most_mentioned_first(small: Store) -> None:
    summaries = small.summaries()
    assert [(s.label, s.mentions) for s in summaries] == [
        ("Calais, FR", 2), ("Calais, US-ME", 1), ("English Channel", 1), ("France", 1), ("Syria", 1)
    ]  # fmt: skip
    calais = summaries[0]
    assert calais.article_ids == ("a",)
    assert [SMALL_A[p.start : p.end] for p in calais.passages] == ["Camps in Calais were cleared."]  # the first


def test_unplaced_mentions_are_not_places(small: Store) -> None:
    assert all(s.place.name != "Nobody" for s in small.summaries())


@pytest.mark.parametrize(
    ("options", "labels"),
    [
        ({"article_ids": ["b"]}, ["Calais, US-ME"]),
        ({"article_ids": []}, []),
        ({"categories": ["origin"]}, ["Syria"]),
        ({"categories": ["water"]}, ["English Channel"]),
        ({"categories": ["country"]}, ["France"]),
        ({"search": "calais"}, ["Calais, FR", "Calais, US-ME"]),
        ({"search": "  CHANNEL "}, ["English Channel"]),
        ({"search": "Syrians"}, ["Syria"]),
    ],
    ids=["one-article", "no-article", "origins", "water", "countries", "search", "search-case", "search-mention"],
)
def test_filters(small: Store, options: dict, labels: list[str]) -> None:
    assert [s.label for s in small.summaries(**options)] == labels


def test_passages_and_excerpts(small: Store) -> None:
    calais = small.summaries()[0]
    assert [SMALL_A[p.start : p.end] for p in small.passages(calais.id)] == [
        "Camps in Calais were cleared.", "Syrians fled Calais to France."
    ]  # fmt: skip
    assert small.passages(calais.id, categories=["origin"]) == []
    assert small.excerpts([calais]) == {calais.id: "Camps in Calais were cleared."}


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
    pytest.param(lambda s: s.corrections(), id="corrections"),
    pytest.param(lambda s: s.add_correction(Correction(Scope.COLLECTION, Action.REJECT, "EU")), id="add_correction"),
    pytest.param(lambda s: s.undo_correction(1), id="undo_correction"),
    pytest.param(
        lambda s: s.import_corrections([Correction(Scope.COLLECTION, Action.REJECT, "EU", uid="u")]),
        id="import_corrections",
    ),
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


# -- corrections -----------------------------------------------------------------------------

NORD = Place("Nord-Pas-de-Calais", 50.5, 2.7, "FR", "A.ADM1", 2990119, "test", admin1="31")
FRANCE_PLACE = Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "test")


def _at(store: Store, article_id: str, start: int, action: Action, after: Place | None = None,
        reviewer: str = "") -> Correction:  # fmt: skip
    """A mention correction of the mention at ``start``, named as the text has it."""
    text = store.article(article_id).article.text
    end = next(m.mention.end for m in store.article(article_id).mentions if m.mention.start == start)
    return Correction(Scope.MENTION, action, text[start:end], article_id, (start, end), after=after, reviewer=reviewer)


def _add(store: Store, article_id: str, words: str, place: Place) -> Correction:
    start = store.article(article_id).article.text.index(words)
    return Correction(Scope.MENTION, Action.ADD, words, article_id, (start, start + len(words)), after=place)


def _shown(store: Store, article_id: str) -> dict[tuple[int, str], tuple[str | None, str]]:
    """(start, text) -> (place label, review) of every mention the store shows for an article."""
    item = store.article(article_id)
    assert item is not None
    return {(g.mention.start, g.mention.text): (g.place and place_label(g.place), g.review) for g in item.mentions}


def _review(store: Store) -> list[Correction]:
    """A reviewer's round on the seeds: each scope and action once."""
    return [
        store.add_correction(_at(store, MAY, 270, Action.PLACE, CALAIS_ME, reviewer="Ana")),  # Calais, Maine
        store.add_correction(_at(store, MAY, 779, Action.CONFIRM, reviewer="Ana")),  # France
        store.add_correction(Correction(Scope.ARTICLE, Action.REJECT, "England", MAY, reviewer="Ben")),
        store.add_correction(Correction(Scope.COLLECTION, Action.REJECT, "EU")),  # an institution, not a place
        store.add_correction(_add(store, MAY, "North West", NORD)),
    ]


def _assert_reviewed(store: Store) -> None:
    shown = _shown(store, MAY)
    assert shown[(270, "Calais")] == ("Calais, US-ME", "corrected")
    assert shown[(779, "France")] == ("France", "confirmed")
    assert shown[(1575, "Calais")] == ("Calais, FR", "automatic")
    assert shown[(2565, "North West")] == ("Nord-Pas-de-Calais, FR", "added")
    assert not [key for key in shown if key[1] in {"England", "EU"}]
    assert not [key for key in _shown(store, SEPTEMBER) if key[1] == "EU"]  # the collection rule reaches it too
    summaries = {s.id: s for s in store.summaries()}
    assert summaries["geonames:4959834"].review == "corrected" and summaries["geonames:3017382"].review == "confirmed"
    assert summaries["geonames:2990119"].review == "added" and summaries["geonames:2976217"].review == "automatic"
    assert "geonames:6269131" not in summaries  # England: only the May article named it


def test_corrections_apply_to_every_view(store: Store, seeds: list[GeoparsedArticle]) -> None:
    eu = next(place_id(g.place) for item in seeds for g in item.mentions if g.mention.text == "EU" and g.place)
    eus = sum(g.mention.text == "EU" for item in seeds for g in item.mentions)
    before = {s.id: s.mentions for s in store.summaries()}
    _review(store)
    _assert_reviewed(store)
    after = {s.id: s.mentions for s in store.summaries()}
    assert after["geonames:3029162"] == before["geonames:3029162"] - 1
    assert after.get(eu, 0) == before[eu] - eus
    infos = {info.id: info.mentions for info in store.article_infos()}
    assert infos[MAY] == len(store.article(MAY).mentions)


def test_corrections_survive_reindex_a_new_geoparser_and_a_second_ingest(
    store: Store, seeds: list[GeoparsedArticle]
) -> None:
    _review(store)
    for item in seeds:
        store.replace_mentions(item.article.id, item.mentions, geoparser_version="v2")
        assert store.add(item.article, item.mentions, geoparser_version="v3").duplicate_of == item.article.id
    _assert_reviewed(store)


def test_a_mention_a_new_geoparser_misses_keeps_the_reviewer_s_place(
    store: Store, seeds: list[GeoparsedArticle]
) -> None:
    _review(store)
    may = next(item for item in seeds if item.article.id == MAY)
    store.replace_mentions(MAY, [g for g in may.mentions if g.mention.start != 270], geoparser_version="v2")
    assert _shown(store, MAY)[(270, "Calais")] == ("Calais, US-ME", "added")


def test_a_collection_rule_applies_to_articles_added_later(store: Store) -> None:
    rule = store.add_correction(Correction(Scope.COLLECTION, Action.PLACE, "Calais", after=CALAIS_ME, reviewer="Ana"))
    assert rule.before is not None and rule.before.geonameid == 3029162  # the place its mentions had
    text = "Migrants waited in Calais.\n\nOthers stayed in Sangatte, near the EU border."
    mentions = [geocoded(text, "Calais", CALAIS), geocoded(text, "Sangatte", None)]
    added = store.add(Article("later", "Later", text), mentions, geoparser_version="v1")
    assert _shown(store, added.id) == {
        (19, "Calais"): ("Calais, US-ME", "corrected"),
        (45, "Sangatte"): (None, "automatic"),
    }


def test_undo_keeps_the_history_and_brings_back_what_was_there(store: Store) -> None:
    before = _shown(store, MAY)
    corrections = _review(store)
    for correction in corrections:
        undone = store.undo_correction(correction.id)
        assert undone.undone_at and not undone.active
    assert _shown(store, MAY) == before and _shown(store, SEPTEMBER) == _shown(store, SEPTEMBER)
    assert [c.uid for c in store.corrections()] == [c.uid for c in corrections]
    assert all(c.undone_at for c in store.corrections())
    with pytest.raises(CorrectionError, match=f"Correction {corrections[0].id} was undone already"):
        store.undo_correction(corrections[0].id)
    with pytest.raises(CorrectionError, match="There is no correction 999 in the store"):
        store.undo_correction(999)


def test_undoing_the_narrow_correction_leaves_the_wider_one(store: Store) -> None:
    rule = Correction(Scope.ARTICLE, Action.PLACE, "Calais", MAY, after=CALAIS_ME)
    store.add_correction(rule)
    narrow = store.add_correction(_at(store, MAY, 270, Action.REJECT))
    assert (270, "Calais") not in _shown(store, MAY)
    store.undo_correction(narrow.id)
    assert _shown(store, MAY)[(270, "Calais")] == ("Calais, US-ME", "corrected")


REPEATS = [
    # (the first decision, the second) on the May article's first Calais; the rows the store then keeps
    ((Action.CONFIRM, None, ""), (Action.CONFIRM, None, ""), 1),
    ((Action.CONFIRM, None, "Ana"), (Action.CONFIRM, None, "Ben"), 1),  # the same decision, whoever makes it
    ((Action.PLACE, CALAIS_ME, ""), (Action.PLACE, CALAIS_ME, ""), 1),
    ((Action.PLACE, CALAIS_ME, ""), (Action.CONFIRM, None, ""), 2),  # a new decision: the latest wins
    ((Action.PLACE, CALAIS_ME, ""), (Action.PLACE, CALAIS, ""), 2),
]


@pytest.mark.parametrize(
    ("first", "second", "rows"), REPEATS,
    ids=["confirm-twice", "confirm-by-two-reviewers", "same-place-twice", "confirm-after-move", "move-back"],
)  # fmt: skip
def test_a_decision_already_in_force_adds_no_second_correction(
    store: Store, first: tuple[Action, Place | None, str], second: tuple[Action, Place | None, str], rows: int
) -> None:
    made = store.add_correction(_at(store, MAY, 270, first[0], first[1], reviewer=first[2]))
    again = store.add_correction(_at(store, MAY, 270, second[0], second[1], reviewer=second[2]))
    assert len(store.corrections()) == rows
    assert (again == made) == (rows == 1)


def test_a_decision_made_again_after_its_undo_is_a_new_correction(store: Store) -> None:
    made = store.add_correction(_at(store, MAY, 270, Action.CONFIRM))
    store.undo_correction(made.id)
    again = store.add_correction(_at(store, MAY, 270, Action.CONFIRM))
    assert again.id != made.id and [c.active for c in store.corrections()] == [False, True]
    assert _shown(store, MAY)[(270, "Calais")] == ("Calais, FR", "confirmed")


def test_corrections_are_listed_by_article_place_and_reviewer(store: Store) -> None:
    made = _review(store)
    assert store.corrections() == made
    assert [c.name for c in store.corrections(article_id=MAY)] == ["Calais", "France", "England", "North West"]
    assert [c.name for c in store.corrections(place="geonames:3029162")] == ["Calais"]  # its place before
    assert [c.name for c in store.corrections(place="geonames:4959834")] == ["Calais"]  # and after
    assert [c.name for c in store.corrections(reviewer="Ben")] == ["England"]
    assert [c.name for c in store.corrections(reviewer="")] == ["EU", "North West"]
    assert made[0].before is not None and made[0].before.geonameid == 3029162 and made[0].created_at.endswith("+00:00")


def test_deleting_an_article_deletes_its_corrections_not_the_collection_s(store: Store) -> None:
    _review(store)
    assert store.delete(MAY)
    assert [(c.scope, c.name) for c in store.corrections()] == [(Scope.COLLECTION, "EU")]
    assert inspect_store(store.path, full=True).ok


def _bad_span(store: Store, start: int, end: int, name: str, action: Action = Action.REJECT) -> Correction:
    return Correction(Scope.MENTION, action, name, MAY, (start, end), after=CALAIS if action is Action.ADD else None)


# Corrections the store refuses, and what the message says.
BAD_TARGETS_OF_CORRECTIONS = [
    pytest.param(
        lambda s: Correction(Scope.ARTICLE, Action.REJECT, "Calais", "no-such-article"),
        "There is no article 'no-such-article' in the store",
        id="unknown-article",
    ),
    pytest.param(
        lambda s: _bad_span(s, 3640, 3700, "Calais"), "lies outside its text (3,650 characters)", id="span-outside"
    ),
    pytest.param(lambda s: _bad_span(s, 271, 277, "Calais"), "holds 'alais ', not 'Calais'", id="other-words"),
    pytest.param(
        lambda s: _bad_span(s, 140, 180, s.article(MAY).article.text[140:180], Action.ADD),
        "runs across two paragraphs",
        id="two-paragraphs",
    ),
    pytest.param(
        lambda s: _bad_span(s, 301, 306, "Three"), "nothing to reject: add it as a missed place", id="no-mention-there"
    ),
]


@pytest.mark.parametrize(("make", "said"), BAD_TARGETS_OF_CORRECTIONS)
def test_a_correction_that_fits_no_article_is_refused_and_changes_nothing(
    store: Store, make: Callable[[Store], Correction], said: str
) -> None:
    revision, shown = store.revision(), _shown(store, MAY)
    with pytest.raises(CorrectionError, match=re.escape(said)):
        store.add_correction(make(store))
    assert (store.revision(), _shown(store, MAY), store.corrections()) == (revision, shown, [])


def test_import_is_idempotent_and_reports_missing_articles(
    store: Store, seeds: list[GeoparsedArticle], tmp_path: Path
) -> None:
    made = _review(store)
    store.undo_correction(made[1].id)
    elsewhere = Store(tmp_path / "elsewhere.sqlite3")
    item = next(item for item in seeds if item.article.id == SEPTEMBER)
    elsewhere.add(item.article, item.mentions, geoparser_version="v1")
    assert [key for key in _shown(elsewhere, SEPTEMBER) if key[1] == "EU"]
    first = elsewhere.import_corrections(store.corrections())
    assert (len(first.applied), first.already, first.missing_articles) == (1, 0, {MAY: 4})
    assert first.summary() == "1 applied, 0 already in the store, 4 for articles the store lacks, 0 failed"
    second = elsewhere.import_corrections(store.corrections())
    assert (len(second.applied), second.already) == (0, 1)
    assert [c.uid for c in elsewhere.corrections()] == [made[3].uid]
    assert not [key for key in _shown(elsewhere, SEPTEMBER) if key[1] == "EU"]
    back = store.import_corrections(elsewhere.corrections())
    assert (len(back.applied), back.already, back.ok) == (0, 1, True)


def test_an_import_keeps_the_order_of_an_article_s_corrections(
    store: Store, seeds: list[GeoparsedArticle], tmp_path: Path
) -> None:
    """A place added, then moved: the move needs the added mention, so each correction applies before the next."""
    added = store.add_correction(_add(store, MAY, "North West", NORD))
    store.add_correction(replace(_at(store, MAY, added.span[0], Action.PLACE, FRANCE_PLACE), name="North West"))
    copy = Store(tmp_path / "copy.sqlite3")
    for item in seeds:
        copy.add(item.article, item.mentions, geoparser_version="v1")
    report = copy.import_corrections(store.corrections())
    assert (len(report.applied), report.failed) == (2, [])
    assert _shown(copy, MAY)[(added.span[0], "North West")] == ("France", "added")


def test_an_import_carries_an_undo(store: Store, seeds: list[GeoparsedArticle], tmp_path: Path) -> None:
    rule = store.add_correction(Correction(Scope.COLLECTION, Action.REJECT, "EU"))
    copy = Store(tmp_path / "copy.sqlite3")
    for item in seeds:
        copy.add(item.article, item.mentions, geoparser_version="v1")
    copy.import_corrections(store.corrections())
    assert not [key for key in _shown(copy, SEPTEMBER) if key[1] == "EU"]
    store.undo_correction(rule.id)
    copy.import_corrections(store.corrections())
    assert [key for key in _shown(copy, SEPTEMBER) if key[1] == "EU"]


def _review_many(path: str, reviewer: str, starts: list[int]) -> None:
    """One reviewer's session: a correction of each mention of MAY at ``starts``, one transaction each."""
    store = Store(path)
    for start in starts:
        store.add_correction(_at(store, MAY, start, Action.CONFIRM, reviewer=reviewer))


def test_two_sessions_reviewing_at_once_lose_nothing(store: Store) -> None:
    starts = [g.mention.start for g in store.article(MAY).mentions]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_review_many, args=(str(store.path), name, starts[i::2]))
        for i, name in enumerate(("Ana", "Ben"))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert len(store.corrections()) == len(starts)
    assert {review for _, review in _shown(store, MAY).values()} == {"confirmed"}


def test_a_version_1_store_is_migrated_with_its_mentions(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[1])
    conn.execute("INSERT INTO articles VALUES ('a', 'A', '', NULL, '', '', 'Camp in Calais.', 'h', 'v1', 'now')")
    conn.execute("INSERT INTO places VALUES ('geonames:3029162', 3029162, 'Calais', 50.95, 1.86, 'FR', '', 'P.PPL', "
                 "0, 'geonames')")  # fmt: skip
    conn.execute("INSERT INTO mentions VALUES ('a', 8, 14, 'Calais', 'toponym', 'story', 0, 15, 0, 15, "
                 "'geonames:3029162')")  # fmt: skip
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = Store(path)
    assert _shown(store, "a") == {(8, "Calais"): ("Calais, FR", "automatic")}
    store.add_correction(Correction(Scope.COLLECTION, Action.PLACE, "CALAIS", after=CALAIS_ME))
    assert _shown(store, "a") == {(8, "Calais"): ("Calais, US-ME", "corrected")}
    assert inspect_store(path, full=True).ok
