"""Ingest: article sources -> geoparsed articles in the store, with a report.

Input: files, folders and globs (or uploads, pasted text, URLs: anything
that yields an ``Article``).  Output: an ``IngestReport`` saying, for every
input, whether it was added, skipped as a duplicate, or failed and why.
One bad input never stops the batch, and the store only ever receives whole
articles; a damaged store stops it (``DamagedStoreError``).  With
``workers > 1`` reading and geoparsing run in that many processes, which end
with this one even when it is killed, or on a Dask cluster
(``ingest_on_dask``); the store is written by this one.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Literal

from geo.config import Settings
from geo.corrections import Correction, apply_corrections
from geo.exc import DamagedStoreError, GeoError, TooManyPlacesError
from geo.models import Article, GeocodedMention
from geo.pipeline import Geoparser
from geo.readers import expand_inputs, read_bytes, read_path
from geo.store import Store

logger = logging.getLogger(__name__)

Status = Literal["added", "duplicate", "failed"]
DASK_BATCH = 50  # files per Dask task: one file is a few milliseconds of work, too little for a task
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5  # how often a worker without PR_SET_PDEATHSIG looks for its parent
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input."""

    source: str
    status: Status
    article_id: str = ""
    reason: str = ""


@dataclass
class IngestReport:
    """Every input's outcome, in input order."""

    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        """True when nothing failed (duplicates are fine)."""
        return not self.of("failed")

    def summary(self) -> str:
        """ "3 added, 1 skipped as duplicate, 1 failed"."""
        return (
            f"{len(self.of('added'))} added, {len(self.of('duplicate'))} skipped as duplicate, "
            f"{len(self.of('failed'))} failed"
        )


def store_article(store: Store, source: str, article: Article, mentions: Sequence[GeocodedMention],
                  version: str) -> Outcome:  # fmt: skip
    """Add one geoparsed article to the store and say what happened."""
    added = store.add(article, mentions, geoparser_version=version)
    if added.duplicate_of:
        return Outcome(source, "duplicate", added.duplicate_of,
                       f"same text as the article “{added.duplicate_title}”, already stored")  # fmt: skip
    return Outcome(source, "added", added.id)


def ingest_articles(
    sources: Iterable[tuple[str, Callable[[], Article]]],
    store: Store,
    geoparser: Geoparser,
    *,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, geoparse and store each source in this process (uploads, pasted text, URLs).

    Parameters
    ----------
    sources:
        ``(name, read)`` pairs; ``read()`` returns the article or raises ``GeoError`` with the reason.
    """
    items = list(sources)
    report = IngestReport()
    for done, (name, read) in enumerate(items, start=1):
        try:
            article = read()
            report.outcomes.append(store_article(store, name, article, geoparser.geoparse_article(article),
                                                 geoparser.version))  # fmt: skip
        except GeoError as err:
            report.outcomes.append(Outcome(name, "failed", reason=str(err)))
        if progress:
            progress(done, len(items))
    return report


def ingest_paths(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, folders and globs; with ``workers > 1``, read and geoparse in parallel.

    Returns
    -------
    IngestReport
        Inputs that matched no file are failures too.
    """
    paths, missing = expand_inputs(inputs)
    names = [str(path) for path in paths]
    if workers <= 1:
        parsed: Iterable[ParsedDocument] = (geoparse_file(name, settings) for name in names)
        return _store_all(missing, parsed, len(names), store, settings, progress)
    with _worker_pool(workers) as pool:
        parsed = pool.map(geoparse_file, names, repeat(settings), chunksize=8)
        return _store_all(missing, parsed, len(names), store, settings, progress)


@contextmanager
def _worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers end with this process, even by ``kill -9``.

    When storing stops early (a damaged store, Ctrl-C), the files not yet
    begun are dropped rather than geoparsed for nothing.
    """
    context = multiprocessing.get_context()
    # With fork and spawn the workers' parent is this process; with forkserver it is the server (which ends with us).
    watched = os.getpid() if context.get_start_method() in ("fork", "spawn") else None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_end_with_parent,
                               initargs=(watched,))  # fmt: skip
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _end_with_parent(parent_pid: int | None) -> None:
    """Pool initializer: end this worker when the process that started it ends, even by ``kill -9``.

    Without it a killed ingest leaves its workers waiting forever on a queue
    that every forked worker holds open.  On Linux the kernel itself sends the
    worker SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``): that
    works whatever the worker is doing, even inside a long regular expression
    that holds the GIL, where a watching thread could not run.  The signal
    follows the *thread* that forked the worker: here the pool's caller or
    its manager thread, both alive as long as the pool.  Elsewhere a daemon
    thread sees the worker being given another parent (``os.getppid()``
    changes), within ``PARENT_POLL_SECONDS``.
    """
    parent = os.getppid()
    if parent_pid is not None and parent != parent_pid:  # the ingest ended before this worker started
        os._exit(1)
    if not _set_parent_death_signal():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:  # it ended while the signal was being set up
        os._exit(1)


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return int(ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    """Wait until this process's parent is gone (it is then given another), and end at once."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def ingest_on_dask(
    inputs: Sequence[str], store: Store, settings: Settings, client: Any, *, progress: Progress | None = None
) -> IngestReport:
    """Ingest files, folders and globs, geoparsed on a Dask cluster and stored here.

    ``client`` is a ``distributed.Client``.  Each file is read and geoparsed by
    ``geoparse_file`` on a worker, which must see the same paths (a local
    cluster, or a shared file system) and have the gazetteer on its disk
    (docs/SCALING.md); this process writes the store, in input order.  A
    local cluster's worker processes end with this process even when it is
    killed: distributed's nannies start them with a pipe from the parent and
    end them when it closes.
    """
    paths, missing = expand_inputs(inputs)
    names = [str(path) for path in paths]
    batches = [names[i : i + DASK_BATCH] for i in range(0, len(names), DASK_BATCH)]
    futures = client.map(_geoparse_files, batches, settings=settings, pure=False)
    parsed = (document for future in futures for document in future.result())
    return _store_all(missing, parsed, len(names), store, settings, progress)


def _geoparse_files(paths: list[str], settings: Settings) -> list[ParsedDocument]:
    return [geoparse_file(path, settings) for path in paths]


def _store_all(
    missing: Iterable[tuple[str, str]],
    parsed: Iterable[ParsedDocument],
    total: int,
    store: Store,
    settings: Settings,
    progress: Progress | None,
) -> IngestReport:
    """Store ``total`` geoparsed files one by one, as they come; inputs that matched no file are failures."""
    report = IngestReport([Outcome(name, "failed", reason=reason) for name, reason in missing])
    version = _geoparser(settings).version
    for done, document in enumerate(parsed, start=1):
        report.outcomes.append(_store_document(store, document, version))
        if progress:
            progress(done, total)
    return report


def _store_document(store: Store, document: ParsedDocument, version: str) -> Outcome:
    """Store one document; a write the store refuses fails this input only, a damaged store stops the batch."""
    if document.article is None:
        return Outcome(document.name, "failed", reason=document.error)
    try:
        return store_article(store, document.name, document.article, document.mentions, version)
    except DamagedStoreError:
        raise
    except GeoError as err:
        return Outcome(document.name, "failed", reason=str(err))


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """One document read and geoparsed: the article and its mentions, or the reason it failed."""

    name: str
    article: Article | None
    mentions: tuple[GeocodedMention, ...]
    error: str = ""


_process_geoparsers: dict[Settings, Geoparser] = {}


def _geoparser(settings: Settings) -> Geoparser:
    """This process's geoparser for these settings: each process (worker) opens the gazetteer once."""
    geoparser = _process_geoparsers.get(settings)
    if geoparser is None:
        geoparser = _process_geoparsers[settings] = Geoparser.from_settings(settings)
    return geoparser


def geoparse_document(
    name: str, data: bytes, settings: Settings, *, corrections: Sequence[Correction] = ()
) -> ParsedDocument:
    """Read and geoparse one document: the ingest step as a pure function over documents.

    It needs nothing but its arguments and the gazetteer on local disk, so an
    engine such as Dask or Spark can map it over a cluster's partitions (see
    docs/SCALING.md); each process opens the gazetteer once.

    Parameters
    ----------
    corrections:
        For an engine that writes elsewhere than ``Store`` (which applies its
        own): the collection's rules (``Store.corrections()``, or a
        corrections file), applied to the mentions, as are those of an
        article with the document's id.  Rejected mentions are left out;
        the others carry their ``review`` status.
    """
    parsed = _read_and_geoparse(name, lambda: read_bytes(name, data, max_bytes=settings.max_article_bytes), settings)
    if parsed.article is None or not corrections:
        return parsed
    article = parsed.article
    reaching = [c for c in corrections if c.article_id in (None, article.id)]
    reviewed = apply_corrections(article.text, parsed.mentions, reaching)
    return ParsedDocument(name, article, tuple(r.geocoded for r in reviewed if r.status != "rejected"))


def geoparse_file(path: str, settings: Settings) -> ParsedDocument:
    """Read and geoparse one file (a worker process's or a Dask worker's task)."""
    return _read_and_geoparse(path, lambda: read_path(Path(path), max_bytes=settings.max_article_bytes), settings)


def _read_and_geoparse(name: str, read: Callable[[], Article], settings: Settings) -> ParsedDocument:
    """``read()`` the article and geoparse it; a ``GeoError`` on the way becomes the document's error."""
    try:
        article = read()
        return ParsedDocument(name, article, tuple(_geoparser(settings).geoparse_article(article)))
    except GeoError as err:  # unreadable, or too many places to be an article (TooManyPlacesError)
        return ParsedDocument(name, None, (), str(err))


def reindex(store: Store, geoparser: Geoparser, *, everything: bool = False, progress: Progress | None = None) -> int:
    """Geoparse again the articles a different geoparser version produced (or all); returns how many."""
    stale = [info.id for info in store.article_infos()] if everything else store.stale_article_ids(geoparser.version)
    for done, article_id in enumerate(stale, start=1):
        item = store.article(article_id)
        if item is not None:
            try:
                mentions = geoparser.geoparse_article(item.article)
            except TooManyPlacesError as err:  # stored under a larger limit: it keeps its places
                logger.warning("Article %r keeps its places: %s", article_id, err)
            else:
                store.replace_mentions(article_id, mentions, geoparser_version=geoparser.version)
        if progress:
            progress(done, len(stale))
    return len(stale)


def ingest_seeds(store: Store, settings: Settings) -> IngestReport | None:
    """On first use, put the seed articles (``articles_dir``) into the store; None when done before."""
    if store.get_meta("seeded"):
        return None
    report = ingest_paths([str(settings.articles_dir)], store, settings) if settings.articles_dir.is_dir() else None
    store.set_meta("seeded", str(settings.articles_dir))
    return report
