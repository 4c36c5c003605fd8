"""Command line: article files -> geocoded mentions as JSON Lines, GeoJSON or CSV.

Stage input is the article files named on the command line; output is text
on stdout (one JSON object per file, one FeatureCollection, or CSV rows).

Subcommands::

    news-atlas [--cache-dir DIR] [--online | --offline] extract FILE... [--format jsonl|geojson|csv]
    news-atlas [--cache-dir DIR] [--online | --offline] build-gazetteer [--force]
    news-atlas [--store FILE] ingest PATH... [--workers N] [--dask] [--scheduler ADDRESS]
    news-atlas [--store FILE] list | delete ID... | reindex [--all] | export [...]
    news-atlas [--store FILE] check | backup FILE [--force]
    news-atlas [--store FILE] corrections list [--article ID] [--place ID] [--reviewer NAME] | undo ID...
    news-atlas [--store FILE] corrections export FILE | import FILE

The global options may also follow the subcommand.  Exit status: 0 on
success; 2 when a file could not be read (the others are still processed),
the store is damaged or not a store, or for a bad setting or usage; 1 when
the run cannot proceed (for instance, the gazetteer is missing).  This is
the only module that configures logging.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.config import PROJECT_DIR, SETTINGS, Settings
from geo.exc import (
    ConfigurationError,
    CorrectionError,
    DamagedStoreError,
    GeoError,
    IngestError,
    StoreError,
    TooManyPlacesError,
)
from geo.explain import explain_lines
from geo.models import GeocodedMention
from geo.pipeline import Geoparser

if TYPE_CHECKING:
    from geo.ingest import IngestReport
    from geo.store import Store

logger = logging.getLogger(__name__)

PROG = "news-atlas"
FORMATS: tuple[str, ...] = ("jsonl", "geojson", "csv")
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
DASK_CONNECT_TIMEOUT = "10s"  # how long `ingest --dask ADDRESS` waits for the scheduler


def main(argv: list[str] | None = None) -> int:
    """Run the ``news-atlas`` command line.

    Parameters
    ----------
    argv:
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        The exit status: 0 on success, 2 when any input file or setting was
        bad, 1 when the run could not proceed (e.g. no gazetteer).

    Raises
    ------
    SystemExit
        From argparse, for ``--help`` or a usage error.

    Examples
    --------
    >>> main(["extract", "--format", "geojson", "article.md"])  # doctest: +SKIP
    0
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(levelname)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its notes on pages it skips are not the user's business
    try:
        settings = Settings.load(
            cache_dir=getattr(args, "cache_dir", None),
            online=getattr(args, "online", None),
            store_path=getattr(args, "store_path", None),
        )
    except ConfigurationError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    try:
        return int(args.command(args, settings))
    except DamagedStoreError as err:  # a bad input file like any other: the store named on the command line
        _error(str(err))
        return EXIT_BAD_INPUT
    except GeoError as err:
        _error(str(err))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help for the global options taken from ``SETTINGS``.

    Returns
    -------
    argparse.ArgumentParser
        Parses ``extract`` and ``build-gazetteer``; the chosen subcommand's
        function is ``args.command(args, settings) -> int``.
    """
    # Defaults are SUPPRESS so that a subparser (which shares these options, so
    # they may follow the subcommand) does not overwrite a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--cache-dir", default=argparse.SUPPRESS, metavar="DIR", help=_setting_help("cache_dir"))
    common.add_argument("--store", dest="store_path", default=argparse.SUPPRESS, metavar="FILE",
                        help=_setting_help("store_path"))  # fmt: skip
    online = common.add_mutually_exclusive_group()
    online.add_argument(
        "--online", dest="online", action="store_true", default=argparse.SUPPRESS, help=_setting_help("online")
    )
    online.add_argument(
        "--offline",
        dest="online",
        action="store_false",
        default=argparse.SUPPRESS,
        help="Use only the offline gazetteer (the default).",
    )

    parser = argparse.ArgumentParser(
        prog=PROG, parents=[common], description="Find and map the places news articles mention."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    extract = commands.add_parser(
        "extract", parents=[common], help="Geoparse article files and write the mentions to stdout."
    )
    extract.add_argument(
        "files", nargs="+", metavar="FILE",
        help="Article files: .md with front matter, .txt or .html, read as `ingest` reads them (UTF-8 only, "
        "unless --any-encoding).",
    )  # fmt: skip
    extract.add_argument(
        "--any-encoding", action="store_true",
        help="Read text in other encodings than UTF-8 too (Latin-1, Windows-1252...), detected as `ingest` does.",
    )  # fmt: skip
    extract.add_argument(
        "--explain", action="store_true",
        help="Instead of the mentions, print for each candidate place name the rule that kept or vetoed it, "
        "its evidence, and the places weighed with their scores.",
    )  # fmt: skip
    extract.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl: one object per file; geojson: one FeatureCollection of places; "
        "csv: one row per mention (default: %(default)s).",
    )
    extract.set_defaults(command=_extract)

    build = commands.add_parser(
        "build-gazetteer", parents=[common], help="Build the offline gazetteer index in the cache folder."
    )
    build.add_argument("--force", action="store_true", help="Rebuild the index even if it exists.")
    build.set_defaults(command=_build_gazetteer)

    assets = commands.add_parser(
        "install-assets", parents=[common], help="Copy the map's Leaflet files into the app's static folder."
    )
    assets.add_argument("--static-dir", type=Path, default=PROJECT_DIR / "static", help="Default: %(default)s.")
    assets.set_defaults(command=_install_assets)

    ingest = commands.add_parser(
        "ingest", parents=[common], help="Geoparse files, folders and globs into the article store."
    )
    ingest.add_argument("inputs", nargs="+", metavar="PATH", help="Files (.txt, .md, .html), folders or globs.")
    ingest.add_argument("--workers", type=int, default=1, help="Processes that read and geoparse (default: 1).")
    ingest.add_argument(
        "--dask", action="store_true",
        help="Geoparse on a Dask cluster: a local one of --workers processes, or the one at --scheduler. "
        "Needs `pip install -r requirements-dask.txt`.",
    )  # fmt: skip
    ingest.add_argument("--scheduler", metavar="ADDRESS", help="A Dask scheduler (tcp://host:8786); implies --dask.")
    ingest.set_defaults(command=_ingest)

    reindex = commands.add_parser(
        "reindex", parents=[common], help="Geoparse again the stored articles an older geoparser produced."
    )
    reindex.add_argument("--all", action="store_true", help="Geoparse every article again.")
    reindex.set_defaults(command=_reindex)

    listing = commands.add_parser("list", parents=[common], help="List the articles in the store.")
    listing.set_defaults(command=_list)

    delete = commands.add_parser("delete", parents=[common], help="Delete articles from the store by id.")
    delete.add_argument("ids", nargs="+", metavar="ID")
    delete.set_defaults(command=_delete)

    export = commands.add_parser("export", parents=[common], help="Export the stored articles' places.")
    export.add_argument("--format", choices=("geojson", "csv", "html"), default="geojson", help="Default: geojson.")
    export.add_argument("--articles", metavar="ID,ID", help="Only these articles (default: all).")
    export.add_argument(
        "--kinds", metavar="KIND,KIND", help="Only these kinds of place: story, origin, country, water."
    )
    export.add_argument("--search", default="", help="Only places whose name contains this.")
    export.add_argument("--output", "-o", type=Path, help="Write here instead of stdout.")
    export.set_defaults(command=_export)

    check = commands.add_parser(
        "check", parents=[common], help="Check the store's file (SQLite's integrity check); exit 2 if damaged."
    )
    check.set_defaults(command=_check)

    backup = commands.add_parser(
        "backup", parents=[common], help="Copy the store to FILE (SQLite's online backup, safe while others write)."
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="The backup file (never the store itself).")
    backup.add_argument("--force", action="store_true", help="Replace FILE if it exists.")
    backup.set_defaults(command=_backup)
    _add_corrections_parser(commands, common)
    return parser


def _add_corrections_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """``corrections list | undo | export | import``: reviewers' decisions, kept in the store."""
    corrections = commands.add_parser(
        "corrections", parents=[common], help="List, undo, export or import the reviewers' corrections of places."
    )
    actions = corrections.add_subparsers(title="corrections commands", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="List the corrections, oldest first (tab-separated).")
    listing.add_argument("--article", metavar="ID", help="Only this article's.")
    listing.add_argument("--place", metavar="PLACE_ID", help="Only those from or to this place (geonames:3029162).")
    listing.add_argument("--reviewer", metavar="NAME", help="Only this reviewer's.")
    listing.set_defaults(command=_corrections_list)
    undo = actions.add_parser("undo", parents=[common], help="Undo corrections by id (they stay in the history).")
    undo.add_argument("ids", nargs="+", type=int, metavar="ID")
    undo.set_defaults(command=_corrections_undo)
    export = actions.add_parser("export", parents=[common], help="Write every correction to a JSON file.")
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(command=_corrections_export)
    load = actions.add_parser(
        "import", parents=[common], help="Apply the corrections of a JSON file (those already here are skipped)."
    )
    load.add_argument("file", type=Path, metavar="FILE")
    load.set_defaults(command=_corrections_import)


def _open_store(settings: Settings) -> Store:
    """The store, to use in a ``with`` block: closing it folds its -wal file into it (a connection's
    statement cache holds it in a reference cycle, so it is not closed when the command returns)."""
    from geo.store import Store

    return Store(settings.store_path)


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (none when it is not a terminal), as a ``(done, total)`` callback."""
    from tqdm import tqdm

    with tqdm(total=0, unit="article", file=sys.stderr, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield progress


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    """``ingest``: every input in, a summary out; exit 0 only when nothing failed."""
    from geo.ingest import ingest_paths

    workers = max(1, args.workers)
    with _open_store(settings) as store:
        if args.dask or args.scheduler:
            return _ingest_on_dask(args, settings, store, workers)
        with _progress_bar() as progress:
            report = ingest_paths(args.inputs, store, settings, workers=workers, progress=progress)
    return _ingest_summary(report, settings)


def _ingest_on_dask(args: argparse.Namespace, settings: Settings, store: Store, workers: int) -> int:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        _error("--dask needs Dask: install it with `.venv/bin/pip install -r requirements-dask.txt`.")
        return EXIT_FAILED
    from geo.ingest import ingest_on_dask

    with ExitStack() as stack:
        if args.scheduler is None:
            cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(args.scheduler, timeout=DASK_CONNECT_TIMEOUT))
            except OSError as err:
                _error(f"cannot reach the Dask scheduler at {args.scheduler}: {err}")
                return EXIT_FAILED
        with _progress_bar() as progress:
            report = ingest_on_dask(args.inputs, store, settings, client, progress=progress)
    return _ingest_summary(report, settings)


def _ingest_summary(report: IngestReport, settings: Settings) -> int:
    from geo.readers import shown

    # Sources are quoted: a file name may hold escape codes or bidi controls that must not reach the terminal.
    for outcome in report.of("duplicate"):
        sys.stderr.write(f"{PROG}: skipped {shown(outcome.source)}: {outcome.reason}\n")
    for outcome in report.of("failed"):
        _error(f"{shown(outcome.source)}: {outcome.reason}")
    sys.stdout.write(f"{report.summary()} (store: {settings.store_path})\n")
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    from geo.ingest import reindex

    with _open_store(settings) as store:
        geoparser = Geoparser.from_settings(settings)
        with _progress_bar() as progress:
            count = reindex(store, geoparser, everything=args.all, progress=progress)
    sys.stdout.write(f"{count} articles geoparsed again (geoparser {geoparser.version})\n")
    return EXIT_OK


def _list(args: argparse.Namespace, settings: Settings) -> int:
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    with _open_store(settings) as store:
        infos = store.article_infos()
    for info in infos:
        writer.writerow([info.id, info.date or "", info.mentions, info.title])
    return EXIT_OK


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    with _open_store(settings) as store:
        missing = [article_id for article_id in args.ids if not store.delete(article_id)]
    for article_id in missing:
        _error(f"no article {article_id!r} in {settings.store_path}; `python -m geo list` shows the ids.")
    return EXIT_BAD_INPUT if missing else EXIT_OK


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from geo import export

    wanted = args.articles.split(",") if args.articles else None
    kinds = args.kinds.split(",") if args.kinds else None
    with _open_store(settings) as store:
        view = export.read_view(store, article_ids=wanted, categories=kinds, search=args.search)
    outlines = None
    if args.format == "html":
        from geo.gazetteer.geonames import GeoNamesGazetteer

        outlines = GeoNamesGazetteer.from_settings(settings).country_polygons()
    text = export.export_view(args.format, view, outlines=outlines)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


PROBLEMS_LISTED = 50  # `check` lists this many of a damaged store's problems, then a count


def _check(args: argparse.Namespace, settings: Settings) -> int:
    """``check``: SQLite's full integrity and foreign key checks, read-only; exit 2 when anything is wrong."""
    from geo.store import SCHEMA_VERSION
    from geo.storefile import inspect_store

    path = settings.store_path
    try:
        check = inspect_store(path, full=True)
    except StoreError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    if check.ok:
        newer = " (newer than this News Atlas: update it to use this store)" if check.version > SCHEMA_VERSION else ""
        sys.stdout.write(f"{path}: ok, {check.articles} articles, schema version {check.version}{newer}\n")
        return EXIT_OK
    for problem in check.problems[:PROBLEMS_LISTED]:
        sys.stdout.write(f"{problem}\n")
    if len(check.problems) > PROBLEMS_LISTED:
        sys.stdout.write(f"... and {len(check.problems) - PROBLEMS_LISTED} more\n")
    what = "is not a News Atlas store" if check.foreign else f"is damaged ({len(check.problems)} problems, above)"
    _error(
        f"{path} {what}. News Atlas will not open it. Restore a backup, or move the file away "
        "(a new store is created in its place), or set NEWS_ATLAS_STORE_PATH to another file."
    )
    return EXIT_BAD_INPUT


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    """``backup FILE``: a checked copy of the store, made while other processes may be writing it."""
    from geo.storefile import backup_store

    try:
        copy = backup_store(settings.store_path, args.file, force=args.force)
    except StoreError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    sys.stdout.write(f"{settings.store_path} backed up to {args.file}: {copy.articles} articles, checked\n")
    return EXIT_OK


def _corrections_list(args: argparse.Namespace, settings: Settings) -> int:
    """``corrections list``: id, time, reviewer, scope, action, article, span, name, place before -> after, undone."""
    from geo.atlas import place_label

    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    with _open_store(settings) as store:
        corrections = store.corrections(article_id=args.article, place=args.place, reviewer=args.reviewer)
    for c in corrections:
        span = f"{c.span[0]}-{c.span[1]}" if c.span else ""
        moved = " -> ".join(place_label(p) if p else "-" for p in (c.before, c.after) if p or c.after)
        row = [c.id, c.created_at, c.reviewer, c.scope.value, c.action.value, c.article_id or "*", span, c.name,
               moved, f"undone {c.undone_at}" if c.undone_at else ""]  # fmt: skip
        writer.writerow(row)
    return EXIT_OK


def _corrections_undo(args: argparse.Namespace, settings: Settings) -> int:
    failed = False
    with _open_store(settings) as store:
        for correction_id in args.ids:
            try:
                undone = store.undo_correction(correction_id)
            except CorrectionError as err:
                _error(str(err))
                failed = True
            else:
                sys.stdout.write(f"undone {undone.id}: {undone.action.value} {undone.name!r} ({undone.scope.value})\n")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _corrections_export(args: argparse.Namespace, settings: Settings) -> int:
    from geo.corrections import dump_corrections

    with _open_store(settings) as store:
        corrections = store.corrections()
    try:
        args.file.write_text(dump_corrections(corrections), encoding="utf-8")
    except OSError as err:
        _error(f"cannot write {args.file}: {err.strerror or err}. Choose another file.")
        return EXIT_BAD_INPUT
    sys.stdout.write(f"{len(corrections)} corrections written to {args.file}\n")
    return EXIT_OK


def _corrections_import(args: argparse.Namespace, settings: Settings) -> int:
    """``corrections import FILE``: apply what the store can take, name the rest; exit 2 unless all went in."""
    from geo.corrections import known_places, load_corrections

    try:
        loaded = load_corrections(args.file)
    except CorrectionError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    from geo.gazetteer.geonames import GeoNamesGazetteer

    known, unknown = known_places(loaded.corrections, GeoNamesGazetteer.from_settings(settings))
    with _open_store(settings) as store:
        report = store.import_corrections(known)
    for problem in loaded.problems:
        _error(problem)
    for correction, reason in unknown + report.failed:
        _error(f"correction of {correction.name!r} ({correction.scope.value}, {correction.action.value}): {reason}")
    for article_id, count in report.missing_articles.items():
        _error(f"{count} corrections of article {article_id!r} left out: the store {settings.store_path} lacks it.")
    lacking = f", {len(unknown)} for places the gazetteer lacks" if unknown else ""
    sys.stdout.write(f"{report.summary()}{lacking} (store: {settings.store_path})\n")
    return EXIT_OK if report.ok and not unknown and not loaded.problems else EXIT_BAD_INPUT


def _install_assets(args: argparse.Namespace, settings: Settings) -> int:
    """``install-assets``: put Leaflet and its plugins where the app serves them from."""
    from geo.assets import install_vendor_assets

    sys.stdout.write(f"Map assets: {install_vendor_assets(args.static_dir)}\n")
    return EXIT_OK


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    """``extract``: geoparse each file, keep going past bad ones (named on stderr; exit 2).

    ``jsonl`` writes each file as it is geoparsed; ``geojson`` and ``csv`` put
    the files in a store held in memory and write its view, as ``export``
    does: one schema, the same place ids.
    """
    from geo import export
    from geo.readers import read_path
    from geo.store import MEMORY, Store

    geoparser = Geoparser.from_settings(settings)
    failed = False
    read: list[str] = []  # the stored articles' ids, in the order of the files
    with Store(MEMORY) as store:
        for source in args.files:
            try:
                article = read_path(source, max_bytes=settings.max_article_bytes, utf8_only=not args.any_encoding)
                if args.explain:
                    lines = explain_lines(geoparser.explain(article.text))
                    sys.stdout.write("\n".join([f"== {source}", *lines]) + "\n")
                elif args.format == "jsonl":
                    _write_jsonl(source, article.text, geoparser.geoparse(article.text))
                else:
                    added = store.add(article, geoparser.geoparse(article.text), geoparser_version=geoparser.version)
                    if added.duplicate_of is None:
                        read.append(added.id)
                    else:
                        logger.warning("%s has the same text as the article “%s”, read before: "
                                       "its places are counted once.", source, added.duplicate_title)  # fmt: skip
            except TooManyPlacesError as err:
                _error(str(TooManyPlacesError(err.limit, f"Article file {source!r}")))
                failed = True
            except IngestError as err:
                _error(str(err))
                failed = True
        if not args.explain and args.format != "jsonl":
            sys.stdout.write(export.export_view(args.format, export.read_view(store, article_ids=read)))
            sys.stdout.flush()
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _build_gazetteer(args: argparse.Namespace, settings: Settings) -> int:
    """``build-gazetteer``: build (or find) the index and say where it is."""
    # Imported here: building needs modules the other commands never load.
    from geo.gazetteer.build import ensure_gazetteer

    built = ensure_gazetteer(settings, force=args.force)
    where = built if isinstance(built, (str, os.PathLike)) else settings.gazetteer_path
    sys.stdout.write(f"Gazetteer index: {os.fspath(where)}\n")
    return EXIT_OK


def _error(message: str) -> None:
    """One error line on stderr, in argparse's style."""
    print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)


def _setting_help(name: str) -> str:
    """The help text of a setting, from the declarative ``SETTINGS`` table."""
    return next(s.help for s in SETTINGS if s.name == name)


def _write_jsonl(source: str, text: str, mentions: Sequence[GeocodedMention]) -> None:
    """One JSON object for an article, written as soon as it is geoparsed."""
    record = {"source": source, "text": text, "mentions": [m.as_json() for m in mentions]}
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
