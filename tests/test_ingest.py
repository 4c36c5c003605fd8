"""Tests for geo.ingest: batches of files into the store, with a report; workers; reindex; seeds."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import CALAIS_ME

from geo.config import PROJECT_DIR, Settings
from geo.corrections import Action, Correction, Scope
from geo.exc import DamagedStoreError
from geo.ingest import ingest_articles, ingest_paths, ingest_seeds, reindex, store_article
from geo.models import Article
from geo.pipeline import Geoparser
from geo.readers import read_pasted, read_path
from geo.store import Store
from geo.storefile import inspect_store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "atlas.sqlite3")


@pytest.fixture
def batch(tmp_path: Path, settings: Settings) -> Path:
    """A folder with the seeds, a good text, and the bad inputs the issue lists."""
    folder = tmp_path / "batch"
    (folder / "nested").mkdir(parents=True)
    for seed in settings.articles_dir.glob("*.md"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "nested" / "lampedusa.txt").write_text("Boats reached Lampedusa, near Libya.\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Réfugiés à Hénin-Beaumont, près de Calais.".encode("latin-1"))
    (folder / "empty.txt").write_text("   \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "page.html").write_text(
        "<html><head><title>Camp cleared</title><script>alert(1)</script></head><body>"
        '<article><p>Police cleared the camp in Calais, France.<img src=x onerror="alert(2)"></p></article>'
        "</body></html>",
        encoding="utf-8",
    )
    return folder


def test_a_batch_goes_in_and_the_bad_inputs_are_reported(batch: Path, store: Store, settings: Settings) -> None:
    report = ingest_paths([str(batch), str(batch / "missing.md")], store, settings)
    assert report.summary() == "5 added, 0 skipped as duplicate, 3 failed"
    assert not report.ok
    failed = {Path(o.source).name: o.reason for o in report.of("failed")}
    assert set(failed) == {"missing.md", "empty.txt", "binary.txt"}
    assert all(reason for reason in failed.values())
    titles = {info.title for info in store.article_infos()}
    assert "Camp cleared" in titles
    latin = next(i for i in store.article_infos() if i.id == "latin1")
    assert "Hénin-Beaumont" in store.texts([latin.id])[latin.id]
    page = next(i for i in store.article_infos() if i.title == "Camp cleared")
    assert "<script>" not in store.texts([page.id])[page.id] and "onerror" not in store.texts([page.id])[page.id]


def test_the_same_batch_again_is_all_duplicates(batch: Path, store: Store, settings: Settings) -> None:
    ingest_paths([str(batch)], store, settings)
    again = ingest_paths([str(batch)], store, settings)
    assert again.summary() == "0 added, 5 skipped as duplicate, 2 failed"
    assert len(store) == 5


def test_workers_give_the_same_result(batch: Path, tmp_path: Path, settings: Settings) -> None:
    one = Store(tmp_path / "one.sqlite3")
    two = Store(tmp_path / "two.sqlite3")
    seen: list[tuple[int, int]] = []
    serial = ingest_paths([str(batch)], one, settings)
    parallel = ingest_paths([str(batch)], two, settings, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert [(o.source, o.status, o.article_id) for o in serial.outcomes] == [
        (o.source, o.status, o.article_id) for o in parallel.outcomes
    ]
    assert [s.id for s in one.summaries()] == [s.id for s in two.summaries()]
    assert seen[-1] == (7, 7)


def test_a_local_dask_cluster_gives_the_same_result(batch: Path, tmp_path: Path, settings: Settings) -> None:
    from distributed import Client, LocalCluster

    from geo.ingest import ingest_on_dask

    serial = ingest_paths([str(batch), str(batch / "missing.md")], Store(tmp_path / "one.sqlite3"), settings)
    on_dask = Store(tmp_path / "dask.sqlite3")
    seen: list[tuple[int, int]] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        report = ingest_on_dask([str(batch), str(batch / "missing.md")], on_dask, settings, client,
                                progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert [(o.source, o.status, o.article_id, o.reason) for o in report.outcomes] == [
        (o.source, o.status, o.article_id, o.reason) for o in serial.outcomes
    ]
    assert report.summary() == "5 added, 0 skipped as duplicate, 3 failed"
    assert [s.id for s in on_dask.summaries()] == [s.id for s in Store(tmp_path / "one.sqlite3").summaries()]
    assert seen[-1] == (7, 7)


def test_in_process_sources(store: Store, geoparser: Geoparser) -> None:
    sources = [
        ("pasted", lambda: read_pasted("Camp news", "Refugees camped in Sangatte, near Calais.")),
        ("broken", lambda: read_pasted("Nothing", "   ")),
    ]
    report = ingest_articles(sources, store, geoparser)
    assert [o.status for o in report.outcomes] == ["added", "failed"]
    assert "Sangatte" in [s.place.name for s in store.summaries()]


def test_reindex_only_what_another_version_made(store: Store, geoparser: Geoparser) -> None:
    article = Article("a", "A", "Refugees camped in Calais, France.")
    store.add(article, [], geoparser_version="old")
    assert reindex(store, geoparser) == 1
    assert store.stale_article_ids(geoparser.version) == []
    assert [s.place.name for s in store.summaries()] == ["Calais", "France"]
    assert reindex(store, geoparser) == 0
    assert reindex(store, geoparser, everything=True) == 1


def test_seeds_go_in_once(store: Store, settings: Settings) -> None:
    report = ingest_seeds(store, settings)
    assert report is not None and report.summary() == "2 added, 0 skipped as duplicate, 0 failed"
    store.delete("calais-police-attack-camp-2014-05-29")
    assert ingest_seeds(store, settings) is None
    assert len(store) == 1


def test_geoparse_document_is_a_pure_step(settings: Settings) -> None:
    """The function a cluster engine maps over documents: bytes in, article and mentions (or a reason) out."""
    from geo.ingest import geoparse_document

    good = geoparse_document("camp.txt", b"Camp news\n\nRefugees camped in Sangatte, near Calais.", settings)
    assert good.error == "" and good.article is not None
    assert [m.place.name for m in good.mentions if m.place] == ["Sangatte", "Calais"]
    bad = geoparse_document("blob.txt", b"\x00\x01", settings)
    assert bad.article is None and "binary" in bad.error


def test_geoparse_document_applies_the_collection_s_rules(settings: Settings) -> None:
    """A cluster engine that writes its own tables passes the rules in: rejected mentions are left out."""
    from geo.ingest import geoparse_document

    rules = [
        Correction(Scope.COLLECTION, Action.REJECT, "Sangatte"),
        Correction(Scope.COLLECTION, Action.PLACE, "calais", after=CALAIS_ME),
        Correction(Scope.ARTICLE, Action.REJECT, "Calais", "another-article"),
    ]
    parsed = geoparse_document("camp.txt", b"Camp news\n\nRefugees camped in Sangatte, near Calais.", settings,
                               corrections=rules)  # fmt: skip
    assert [(m.mention.text, m.place.country_code, m.review) for m in parsed.mentions if m.place] == [
        ("Calais", "US", "corrected")
    ]


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "two-workers"])
def test_every_ingest_path_and_reindex_apply_the_collection_s_rules(
    batch: Path, store: Store, settings: Settings, geoparser: Geoparser, workers: int
) -> None:
    store.add_correction(Correction(Scope.COLLECTION, Action.REJECT, "Libya"))
    store.add_correction(Correction(Scope.COLLECTION, Action.PLACE, "Calais", after=CALAIS_ME))
    ingest_paths([str(batch)], store, settings, workers=workers)
    pasted = ingest_articles([("pasted", lambda: read_pasted("Pasted", "Boats left Libya for Calais."))], store,
                             geoparser).outcomes[0].article_id  # fmt: skip

    def shown() -> dict[str, set[tuple[str, str, str]]]:
        return {item.article.id: {(g.mention.text, g.place.country_code, g.review) for g in item.mentions if g.place}
                for item in store.articles()}  # fmt: skip

    before = shown()
    assert before["lampedusa"] == {("Lampedusa", "IT", "automatic")}
    assert before[pasted] == {("Calais", "US", "corrected")}
    assert ("Calais", "US", "corrected") in before["page"] and ("Calais", "FR", "automatic") not in before["page"]
    assert reindex(store, geoparser, everything=True) == len(before)
    assert shown() == before


def test_a_store_error_fails_that_input_only(tmp_path: Path, store: Store, settings: Settings,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A write the store refuses is a failed input with its reason; the batch goes on."""
    from geo.exc import StoreError

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"News {name}\n\nRefugees camped in Calais, France.", encoding="utf-8")
    real_add = Store.add

    def flaky_add(self: Store, article: Article, *args: object, **kwargs: object) -> object:
        if article.id == "a":
            raise StoreError("disk full")
        return real_add(self, article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "add", flaky_add)
    report = ingest_paths([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store, settings)
    assert [(Path(o.source).name, o.status) for o in report.outcomes] == [("a.txt", "failed"), ("b.txt", "added")]
    assert "disk full" in report.outcomes[0].reason


def test_a_damaged_store_stops_the_batch_at_once(tmp_path: Path, settings: Settings) -> None:
    """Not one failure per file: the first write that finds the store damaged ends the ingest, nothing is written."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(f"Camp {i}\n\nRefugees camped in Calais, day {i}.", encoding="utf-8")
    store = Store(tmp_path / "atlas.sqlite3")
    for i in range(30):  # enough pages that damage to them is met by the next write
        store.add(Article(f"old-{i}", "Old", f"Old report {i} from Calais. " * 40), (), geoparser_version="v1")
    store.close()
    store = Store(tmp_path / "atlas.sqlite3")
    with (tmp_path / "atlas.sqlite3").open("r+b") as out:  # every page but the first, once the store is open
        out.seek(4096)
        out.write(bytes(range(256)) * 16 * (store.path.stat().st_size // 4096 - 1))
    before = store.path.read_bytes()
    with pytest.raises(DamagedStoreError, match="is damaged"):
        ingest_paths([str(folder)], store, settings, workers=2)
    store.close()
    assert store.path.read_bytes() == before


def test_two_ingests_of_the_same_files_at_once_store_each_article_once(tmp_path: Path) -> None:
    """Two `python -m geo ingest` on one folder at once (one with workers): every file added by exactly one."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(150):
        (folder / f"report-{i:03d}.txt").write_text(f"Report {i}\n\nRefugees camped in Calais on day {i}.\n")
    store = tmp_path / "atlas.sqlite3"
    commands = [[sys.executable, "-m", "geo", "--store", str(store), "ingest", *flags, str(folder)]
                for flags in ([], ["--workers", "2"])]  # fmt: skip
    runs = [subprocess.Popen(c, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for c in commands]  # fmt: skip
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    counts = [re.match(r"(\d+) added, (\d+) skipped as duplicate, 0 failed", out) for out, _ in outputs]
    assert all(counts), outputs
    added = [int(m.group(1)) for m in counts if m]
    assert sum(added) == 150  # each file added by one run, and skipped as a duplicate by the other
    assert [int(m.group(2)) for m in counts if m] == [150 - n for n in added]
    assert _stored(store) == 150 and inspect_store(store, full=True).ok


# -- workers die with their parent -----------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _start_time(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def _alive(pid: int, started: int) -> bool:
    """True while that very process (same start time) runs; a zombie has ended, only its exit status is left."""
    fields = _stat(pid)
    return fields is not None and int(fields[19]) == started and fields[0] != "Z"


def _descendants(pid: int) -> dict[int, int]:
    """Every live process below ``pid``, with its start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: dict[int, int] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        started = _start_time(child)
        if started is not None and _alive(child, started):
            found[child] = started
            todo += children.get(child, [])
    return found


def _wait_until(condition: Callable[[], bool], what: str, seconds: float = 300) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds`` (a bound, not a speed test)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.05)


def _stored(path: Path) -> int:
    """How many articles a store file holds now (0 while it is being created)."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


ARTICLES = 1500  # enough that a 2-core machine is still ingesting when the test kills it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc (Linux)")
@pytest.mark.parametrize("flags", [["--workers", "2"], ["--dask", "--workers", "2"]], ids=["workers", "dask"])
def test_kill_9_mid_ingest_leaves_no_worker_and_a_whole_store(
    tmp_path: Path, geoparser: Geoparser, settings: Settings, flags: list[str]
) -> None:
    """``kill -9`` on ``ingest --workers 2`` left both workers running, for ever."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(ARTICLES):
        text = f"Report {i}\n\nRefugees from Syria camped in Calais, France, on day {i}, near Sangatte.\n"
        (folder / f"report-{i:04d}.txt").write_text(text, encoding="utf-8")
    first = read_path(folder / "report-0000.txt", max_bytes=settings.max_article_bytes)
    expected = len(geoparser.geoparse_article(first))
    store = tmp_path / "atlas.sqlite3"
    command = [sys.executable, "-m", "geo", "--store", str(store), "ingest", *flags, str(folder)]
    with (tmp_path / "stderr.txt").open("w") as stderr:
        ingest = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        _wait_until(lambda: _stored(store) > 0 or ingest.poll() is not None, "the ingest to store an article")
        workers = _descendants(ingest.pid)
    finally:
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
    assert ingest.returncode == -signal.SIGKILL, "the ingest ended before it was killed: give it more articles"
    assert len(workers) >= 2, f"expected the ingest's workers below it, found {workers}"
    try:
        _wait_until(lambda: not any(_alive(p, t) for p, t in workers.items()), f"the workers {sorted(workers)} to end")
    finally:
        for pid, started in workers.items():  # leave no process behind, even when the test fails
            if _alive(pid, started):
                os.kill(pid, signal.SIGKILL)

    check = inspect_store(store, full=True)
    assert check.ok, check.problems
    assert check.articles is not None and 0 < check.articles < ARTICLES
    whole = Store(store)
    assert {info.mentions for info in whole.article_infos()} == {expected}  # every stored article has its mentions
    whole.close()
    again = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(
        f"{ARTICLES - check.articles} added, {check.articles} skipped as duplicate, 0 failed"
    )
    assert _stored(store) == ARTICLES


_ORPHAN = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from geo.ingest import _exit_when_orphaned
child = os.fork()
if child == 0:
    _exit_when_orphaned(os.getppid())
    os._exit(0)
print(child, flush=True)
signal.pause()
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc (Linux)")
def test_a_worker_without_the_parent_death_signal_ends_with_its_parent() -> None:
    """The fallback where Linux's prctl(PR_SET_PDEATHSIG) is missing: a thread that sees the worker orphaned."""
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(PROJECT_DIR)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    started = _start_time(child)
    assert started is not None and _alive(child, started)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    try:
        _wait_until(lambda: not _alive(child, started), f"the orphaned worker {child} to end")
    finally:
        if _alive(child, started):
            os.kill(child, signal.SIGKILL)


@pytest.mark.parametrize(
    ("given", "survives"),
    [("the-parent", True), ("another-process", False)],
    ids=["started-by-the-ingest", "ingest-gone-before-it-started"],
)
def test_a_worker_whose_ingest_is_already_gone_ends_at_once(given: str, survives: bool) -> None:
    """The race where the ingest dies between starting a worker and the worker setting up its watch."""
    expected = "os.getppid()" if given == "the-parent" else "os.getppid() + 1"
    code = (
        f"import os, sys; sys.path.insert(0, {str(PROJECT_DIR)!r}); from geo.ingest import _end_with_parent; "
        f"_end_with_parent({expected}); print('running')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == ((0, "running\n") if survives else (1, ""))


def test_a_duplicate_is_named_by_the_title_of_the_article_it_repeats(store: Store) -> None:
    """Not "same text as article 'article'": the id of a pasted or untitled text says nothing to a reader."""
    first = store_article(store, "a.md", Article("article", "Camp cleared in Calais", "Police in Calais."), (), "v1")
    again = store_article(store, "b.txt", Article("b", "Another title", "Police in Calais."), (), "v1")
    assert (first.status, again.status, again.article_id) == ("added", "duplicate", "article")
    assert again.reason == "same text as the article “Camp cleared in Calais”, already stored"
