"""The store's file: checked without writing, SQLite's errors as StoreErrors, copied by online backup.

Input: the path of a store file (an SQLite database).  Output: a ``StoreCheck``
(its schema version, article count and problems), a ``StoreError`` that names
the file and says what to do, or a verified copy of it.  Nothing here writes
the store itself: a damaged file is left as it is, for a backup or a closer
look, and ``geo.store.Store`` refuses to open it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from geo.exc import DamagedStoreError, StoreError

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
PROBLEMS_SHOWN = 3  # a damaged file can have thousands of problems; a message names the first few
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """What a read-only look at a store file found.

    ``problems`` is empty when SQLite's check found nothing wrong;
    ``foreign`` is True when the file is not a News Atlas store at all (not a
    database, or another program's); ``articles`` is None when they could not be counted.
    """

    path: Path
    version: int
    articles: int | None
    problems: tuple[str, ...]
    foreign: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def inspect_store(path: str | Path, *, full: bool = False) -> StoreCheck:
    """Look at an existing store file without writing it.

    Parameters
    ----------
    path:
        The store file.
    full:
        Run SQLite's ``integrity_check`` and ``foreign_key_check`` (every page
        and index; about a second for 10,000 articles) instead of ``quick_check``
        (the structure of every page, a fifth of that), which ``Store`` runs on opening.

    Returns
    -------
    StoreCheck
        Its problems: SQLite's findings, "file is not a database", or the
        tables of another program's database.

    Raises
    ------
    StoreError
        When the file does not exist or cannot be opened (a folder, no permission).
    """
    path = Path(path)
    if not existing_file(path):
        raise StoreError(f"There is no store at {path}. Set NEWS_ATLAS_STORE_PATH or pass --store FILE.")
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as err:
        raise store_error(path, err, "open") from err
    try:
        # One read transaction: every answer below comes from the same state of the file, even while
        # another process creates the store (its version and its tables appear in one commit).
        conn.execute("BEGIN")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        problems = [line for (row,) in rows for line in str(row).splitlines() if line and not line.startswith("***")]
        if problems != ["ok"]:
            return StoreCheck(path, version, None, tuple(problems))
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
        if version == 0 and tables:  # another program's database: News Atlas must not add its tables to it
            return StoreCheck(path, 0, None, (f"it is another program's database (tables: {', '.join(tables[:5])})",),
                              foreign=True)  # fmt: skip
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall() if full else []
        if orphans:
            names = ", ".join(sorted({r[0] for r in orphans}))
            return StoreCheck(path, version, None, (f"{len(orphans)} rows of {names} point to missing rows",))
        articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] if "articles" in tables else 0
    except sqlite3.Error as err:
        code = error_code(err)
        if code not in _DAMAGE_CODES:
            raise store_error(path, err, "read") from err
        return StoreCheck(path, 0, None, (str(err),), foreign=code == sqlite3.SQLITE_NOTADB)
    finally:
        conn.close()
    return StoreCheck(path, version, articles, ())


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))  # fmt: skip


def existing_file(path: Path) -> bool:
    """True when ``path`` is a regular file (or a link to one), False when nothing is there yet.

    Raises
    ------
    DamagedStoreError
        When something else is there (a folder, a FIFO, a device, a link loop): SQLite would
        report it as a disk I/O error, or wait on a pipe.
    """
    kind = _not_a_file(path)
    if kind is not None:
        raise DamagedStoreError(
            f"{path} is not a News Atlas store: it is {kind}, not a file. Set NEWS_ATLAS_STORE_PATH or pass "
            "--store FILE with a file name; a new store is created there."
        )
    return path.exists()


def _not_a_file(path: Path) -> str | None:
    """What is at ``path`` when it is neither a regular file nor nothing: "a folder", "a device"..."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as err:  # a link loop, a path through a file
        return f"a path the system cannot follow ({err.strerror})"
    return next((name for test, name in _KINDS if test(info.st_mode)), None)


def damaged_error(path: Path, problems: tuple[str, ...] | list[str], *, foreign: bool = False) -> DamagedStoreError:
    """The error for a store that is damaged, or not a store (``foreign``), with its first problems."""
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    if len(problems) > PROBLEMS_SHOWN:
        shown += f"; and {len(problems) - PROBLEMS_SHOWN} more"
    if foreign:
        what = f"{path} is not a News Atlas store ({shown}): it is another kind of file, or damaged."
    else:
        what = f"The store {path} is damaged ({shown})."
    return DamagedStoreError(
        f"{what} News Atlas has left it as it is and will not write to it. "
        f"`python -m geo check --store {path}` lists the damage; restore a backup, or move the file away "
        "(a new store is created in its place), or set NEWS_ATLAS_STORE_PATH to another file."
    )


def store_error(path: Path, err: sqlite3.Error, doing: str) -> StoreError:
    """SQLite's error as a StoreError that names the store file and says what to do.

    Damage (SQLITE_CORRUPT, SQLITE_NOTADB) is a ``DamagedStoreError``.
    """
    code = error_code(err)
    if code in _DAMAGE_CODES:
        return damaged_error(path, [str(err)], foreign=code == sqlite3.SQLITE_NOTADB)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        hint = (f"another process kept it locked for {BUSY_TIMEOUT_MS // 1000} s; "
                "try again when the other ingest has finished")  # fmt: skip
    elif code == sqlite3.SQLITE_FULL:
        hint = "the disk is full; free some space and try again"
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
        hint = "check that you may write the file and its folder, or set NEWS_ATLAS_STORE_PATH to another file"
    else:
        hint = "try again; if it persists, run `python -m geo check`"
    return StoreError(f"Cannot {doing} the store {path} ({err}): {hint}.")


def error_code(err: sqlite3.Error) -> int:
    """SQLite's primary result code (SQLITE_CORRUPT...), 0 for errors of Python's sqlite3 module itself."""
    return (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF


def backup_store(path: str | Path, target: str | Path, *, force: bool = False) -> StoreCheck:
    """Copy the store with SQLite's online backup: a consistent copy even while other processes write.

    The copy is made beside ``target`` under a temporary name, checked, and
    only then renamed to ``target``: a failed backup never replaces a good one.

    Parameters
    ----------
    path:
        The store.
    target:
        The backup file; its folder is created if needed.
    force:
        Replace ``target`` if it exists (never the store itself).

    Returns
    -------
    StoreCheck
        The check of the copy.

    Raises
    ------
    StoreError
        When ``target`` is the store, a folder, or exists (without ``force``), or the copy fails.
    DamagedStoreError
        When the store is damaged: its backup would be too, and an earlier backup must not be replaced by it.
    """
    path, target = Path(path), Path(target)
    source = inspect_store(path)
    if not source.ok:
        raise damaged_error(path, source.problems, foreign=source.foreign)
    _refuse_target(path, target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with contextlib.closing(_connect_read_only(path)) as src, contextlib.closing(sqlite3.connect(part)) as dst:
            src.backup(dst)  # every page in one step: one read transaction, so one consistent state
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        copy = inspect_store(part)
        if not copy.ok:
            raise StoreError(f"The backup of {path} to {target} did not check out ({'; '.join(copy.problems)}).")
        os.replace(part, target)
    except StoreError:
        raise
    except sqlite3.Error as err:
        raise StoreError(f"Cannot back up the store {path} to {target}: {err}.") from err
    except OSError as err:
        raise StoreError(f"Cannot write the backup {target}: {err}. Choose another file.") from err
    finally:
        for leftover in (part, part.with_name(part.name + "-journal")):
            leftover.unlink(missing_ok=True)
    logger.info("Store %s backed up to %s", path, target)
    return StoreCheck(target, copy.version, copy.articles, copy.problems)


def _refuse_target(path: Path, target: Path, *, force: bool) -> None:
    """The backup may not land on the store (or its -wal and -shm files), on anything but a file, or, unless
    forced, on an existing file."""
    store_files = {Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    if any(_same_file(target, f) for f in store_files):
        raise StoreError(f"{target} is the store itself; give the backup another file name.")
    kind = _not_a_file(target)
    if kind == "a folder":
        example = target / "atlas-backup.sqlite3"
        raise StoreError(f"{target} is a folder; give a file name for the backup, e.g. {example}.")
    if kind is not None:  # never renamed over, even with force: think of /dev/null as root
        raise StoreError(f"{target} is {kind}, not a file; give a file name for the backup.")
    if target.exists() and not force:
        raise StoreError(f"{target} exists already; pass --force to replace it, or give another file name.")


def _same_file(a: Path, b: Path) -> bool:
    """The same file, by whatever path or link (or hard link); a link loop is no store."""
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except (OSError, RuntimeError):  # one of them does not exist, or is a link loop (RuntimeError before 3.13)
        return False


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the file: no checkpoint of its -wal into a damaged file on closing."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                           isolation_level=None)  # fmt: skip
