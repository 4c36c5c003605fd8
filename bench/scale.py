"""Scale: ingest throughput, store size, peak memory and store view speed at 10,000 articles.

Works on a synthetic corpus from ``bench/synthetic_corpus.py`` (generated
outside the project, by default in ``/tmp/news-atlas-10k``, when missing or
made with other parameters).  Measures:

1. Ingest: ``geo.ingest.ingest_paths`` (what ``python -m geo ingest`` runs) of the
   corpus folder into a fresh store, with one worker and with every core; one
   timed run each; articles/s and the ratio of the two throughputs.
2. The store on disk after ``PRAGMA wal_checkpoint(TRUNCATE)`` (database,
   WAL and shared-memory files) and its articles, mentions and places.
3. Peak memory: each ingest runs in a fresh interpreter started by a small
   trampoline (on Linux a child's ``ru_maxrss`` starts at its parent's peak),
   which reports its own ``RUSAGE_SELF`` peak and, once the worker pool is
   shut down, ``RUSAGE_CHILDREN`` (the largest worker's peak).
4. The store's SQL views as the app uses them on load, filter and click:
   the median of ``--repeats`` timed calls after one untimed warm-up call,
   on the store of the last ingest.

Prints a Markdown section; ``--write PATH`` also puts it between
``<!-- scale:start -->`` and ``<!-- scale:end -->`` in PATH.  Nothing is downloaded.

    python bench/scale.py [--count N] [--corpus-dir DIR] [--repeats N] [--write PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_corpus  # noqa: E402
from speed import machine_facts, run_child, time_passes, write_block  # noqa: E402

from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.gazetteer.build import ensure_gazetteer  # noqa: E402
from geo.store import Store  # noqa: E402

TARGET_ARTICLES, TARGET_SECONDS = 10_000, 600.0  # 10,000 articles in under 10 minutes on 2 cores
FILTER_ARTICLES = 100  # articles chosen in the sidebar for the filtered view
PANEL_PASSAGES = 60  # app.py shows this many passages of a clicked place and opens their articles

# The measured ingest: the CLI's own path, timed around ``ingest_paths`` inside the child.
_INGEST_CHILD = """\
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from geo.config import Settings
from geo.ingest import ingest_on_dask, ingest_paths
from geo.store import Store
settings = Settings.load(online=False, store_path=sys.argv[3])
store = Store(settings.store_path)
workers = int(sys.argv[4])
if sys.argv[5] == "dask":
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        start = time.perf_counter()
        report = ingest_on_dask([sys.argv[2]], store, settings, client)
        seconds = time.perf_counter() - start
else:
    start = time.perf_counter()
    report = ingest_paths([sys.argv[2]], store, settings, workers=workers)
    seconds = time.perf_counter() - start
store.close()
print(json.dumps({"seconds": seconds, "added": len(report.of("added")), "duplicate": len(report.of("duplicate")),
                  "failed": len(report.of("failed")),
                  "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_ingest(corpus: Path, store_path: Path, workers: int, engine: str = "processes") -> dict[str, float]:
    """Ingest ``corpus`` into a new store at ``store_path`` in a fresh interpreter; its report plus wall seconds.

    ``engine`` is "processes" (``ingest_paths``, the CLI's ``--workers``) or "dask" (``ingest_on_dask`` on a
    local cluster of ``workers`` processes, the CLI's ``--dask``; its start is in the wall time only).
    """
    sys.stderr.write(f"scale: ingesting {corpus} with {workers} worker(s), {engine}…\n")
    result, wall = run_child(_INGEST_CHILD, str(PROJECT_DIR), str(corpus), str(store_path), str(workers), engine,
                             trampoline=True)  # fmt: skip
    return {**result, "wall": wall}


def store_facts(path: Path) -> dict[str, float]:
    """Size on disk after a WAL checkpoint, in MB, and the store's row counts."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = conn.execute(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM mentions), "
            "(SELECT COUNT(*) FROM mentions WHERE place_id IS NOT NULL), (SELECT COUNT(*) FROM places), "
            "(SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM articles) / 1048576.0"
        ).fetchone()
        counts = dict(zip(("articles", "mentions", "placed", "places", "text_mb"), row, strict=True))
    finally:
        conn.close()
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return {**counts, "mb": sum(f.stat().st_size for f in files if f.exists()) / 1048576}


def view_timings(path: Path, repeats: int) -> list[tuple[str, str, list[float]]]:
    """(moment, call, seconds) for each store call the app makes on load, filter and click."""
    store = Store(path)
    everything = store.summaries()
    top = everything[0]
    ids = sorted(info.id for info in store.article_infos())
    chosen = random.Random(0).sample(ids, min(FILTER_ARTICLES, len(ids)))
    filtered = store.summaries(article_ids=chosen)
    version = store.article_infos()[0].geoparser_version  # the app's own version: nothing is stale
    opened = list(dict.fromkeys(p.article_id for p in store.passages(top.id)[:PANEL_PASSAGES]))
    rows: list[tuple[str, str, Callable[[], object]]] = [
        ("load", "`Store(path)` (open, schema check) and close", lambda: Store(path).close()),
        ("load", "`article_infos()` (sidebar list)", store.article_infos),
        ("load", "`stale_article_ids(version)`", lambda: store.stale_article_ids(version)),
        ("load", f"`summaries()`: all articles, {len(everything):,} places", store.summaries),
        ("load", "`excerpts(summaries)` (popups), all places", lambda: store.excerpts(everything)),
        ("filter", f"`summaries(article_ids=…)`: {len(chosen)} articles, {len(filtered):,} places",
         lambda: store.summaries(article_ids=chosen)),
        ("filter", "`excerpts(summaries)` of that view", lambda: store.excerpts(filtered)),
        ("click", f"`passages(…)`: most mentioned place ({top.place.name}, {top.mentions:,} mentions)",
         lambda: store.passages(top.id)),
        ("click", f"`article(id)` × {len(opened)} (the panel's articles)", lambda: [store.article(a) for a in opened]),
    ]  # fmt: skip
    timed = [(moment, label, time_passes(call, repeats)) for moment, label, call in rows]
    store.close()
    return timed


def _filesystem(path: Path) -> str:
    """The type of the file system holding ``path`` (``df``), e.g. "ext4": tmpfs would flatter the writes."""
    done = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True, text=True, check=False)
    lines = done.stdout.split()
    return lines[-1] if done.returncode == 0 and len(lines) > 1 else "file system unknown"


def _mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:,.0f}"


def benchmark(corpus: Path, count: int, repeats: int, work_dir: Path) -> str:
    """Run every measurement on ``corpus`` with stores under ``work_dir``; return the Markdown report."""
    ensure_gazetteer(Settings.load(online=False))  # so that no child times a build
    cores = os.cpu_count() or 1
    runs = []
    for workers in sorted({1, cores}):
        store_path = work_dir / f"workers-{workers}" / "atlas.sqlite3"
        runs.append((workers, run_ingest(corpus, store_path, workers), store_facts(store_path), store_path))
    dask_run = None
    if importlib.util.find_spec("distributed"):
        dask_run = run_ingest(corpus, work_dir / "dask" / "atlas.sqlite3", cores, engine="dask")

    lines = [
        "## Scale",
        "",
        f"A synthetic corpus of {count:,} articles (`bench/synthetic_corpus.py`: paragraphs of the LGL dev "
        f"articles recombined, {sum(1 for _ in corpus.glob('*.md')):,} `.md` with front matter, the others `.txt`), "
        f"ingested by `geo.ingest.ingest_paths` (the CLI's `ingest`) into a fresh store; one run each.",
        "",
        "| workers | articles/s | ingest, s | wall incl. start, s | added / dup / failed | "
        "peak RSS main, MB | peak RSS largest worker, MB | target |",
        "|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for workers, run, _, _ in runs:
        inputs = run["added"] + run["duplicate"] + run["failed"]
        projected = run["seconds"] * TARGET_ARTICLES / max(inputs, 1)
        label = f"{TARGET_ARTICLES:,} articles < {TARGET_SECONDS / 60:.0f} min on 2 cores"
        if count != TARGET_ARTICLES:
            label += f" (projected {projected / 60:.1f} min)"
        target = f"{label} ({'met' if projected < TARGET_SECONDS else 'MISSED'})" if workers == runs[-1][0] else "—"
        worker_peak = _mb(run["children_kb"]) if workers > 1 else "—"
        lines.append(
            f"| {workers} | {inputs / run['seconds']:,.1f} | {run['seconds']:,.1f} | {run['wall']:,.1f} | "
            f"{run['added']:,} / {run['duplicate']:,} / {run['failed']:,} | {_mb(run['self_kb'])} | "
            f"{worker_peak} | {target} |"
        )
    if len(runs) == 2:
        ratio = runs[0][1]["seconds"] / runs[1][1]["seconds"]
        lines.append(f"\nThroughput workers={runs[1][0]} / workers=1: {ratio:.2f}×.")
    if dask_run:
        inputs = dask_run["added"] + dask_run["duplicate"] + dask_run["failed"]
        lines.append(
            f"\nOn a local Dask cluster of {cores} worker processes (`ingest --dask`, `requirements-dask.txt`): "
            f"{inputs / dask_run['seconds']:,.1f} articles/s, {dask_run['seconds']:,.1f} s "
            f"({dask_run['wall']:,.1f} s with the cluster's start), {dask_run['added']:,} / {dask_run['duplicate']:,} "
            f"/ {dask_run['failed']:,} added / dup / failed; "
            f"{runs[-1][1]['seconds'] / dask_run['seconds']:.2f}× the throughput of `--workers {runs[-1][0]}`."
        )

    facts = runs[-1][2]
    lines += [
        "",
        f"### The store after ingest (workers={runs[-1][0]})",
        "",
        "| on disk, MB (after WAL checkpoint) | article text, MB | articles | mentions (placed) | places |",
        "|---:|---:|---:|---:|---:|",
        f"| {facts['mb']:,.1f} | {facts['text_mb']:,.1f} | {facts['articles']:,} | "
        f"{facts['mentions']:,} ({facts['placed']:,}) | {facts['places']:,} |",
        "",
        f"### Store views at {facts['articles']:,} articles (median of {repeats} calls after one warm-up)",
        "",
        "| app moment | call | median ms | min–max ms |",
        "|---|---|---:|---:|",
    ]
    for moment, label, seconds in view_timings(runs[-1][3], repeats):
        lines.append(
            f"| {moment} | {label} | {statistics.median(seconds) * 1000:,.1f} | "
            f"{min(seconds) * 1000:,.1f}–{max(seconds) * 1000:,.1f} |"
        )
    lines += [
        "",
        *machine_facts(),
        f"- Corpus `{corpus}`; stores in a fresh folder under `{work_dir.parent}` ({_filesystem(work_dir)})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the benchmark, print (and optionally write) the report."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--count", type=int, default=TARGET_ARTICLES, help="articles in the corpus (10,000)")
    arguments.add_argument("--corpus-dir", type=Path, help="synthetic corpus folder (default /tmp/news-atlas-…)")
    arguments.add_argument("--seed", type=int, default=synthetic_corpus.DEFAULT_SEED, help="corpus random seed")
    arguments.add_argument("--repeats", type=int, default=5, help="timed calls per store view (default 5)")
    arguments.add_argument("--keep-stores", action="store_true", help="keep the ingested stores (path printed)")
    arguments.add_argument("--write", type=Path, help="also put the report between the scale markers in this file")
    options = arguments.parse_args(argv)
    if options.count < 1 or options.repeats < 1:
        arguments.error("--count and --repeats must be at least 1")
    corpus = synthetic_corpus.ensure(options.corpus_dir or synthetic_corpus.default_out(options.count),
                                     options.count, options.seed)  # fmt: skip
    work_dir = Path(tempfile.mkdtemp(prefix="news-atlas-scale-"))
    try:
        report = benchmark(corpus.resolve(), options.count, options.repeats, work_dir)
    finally:
        if options.keep_stores:
            sys.stderr.write(f"scale: stores kept in {work_dir}\n")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    print(report)
    if options.write:
        write_block(options.write, report, "scale")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
