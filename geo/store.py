"""The article store: articles, their mentions and places, in one SQLite file.

Input: articles with their geocoded mentions (from the pipeline).  Output:
what the app, the exports and the command line read back, aggregated in SQL
so that ten thousand articles stay quick: place summaries for a view (the
one aggregation there is), the passages of a place, one article with its
mentions, each whole as it was given (with the reviewers' corrections).
A store held in memory (``MEMORY``) gives the same views of files that are
not stored (``python -m geo extract``).

The file is created on first use; its schema is versioned (``PRAGMA
user_version``) and migrated forward in order.  WAL mode and one
transaction per article: two sessions ingesting at once lose nothing, and a
reader never sees half an article.  Articles are unique by content hash.

A damaged file is never written: opening checks it read-only first
(``geo.storefile``), and any SQLite error in a public method becomes a
``StoreError`` naming the file (a ``DamagedStoreError`` for damage, after
which this ``Store`` refuses every call).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import sqlite3
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from geo.atlas import CATEGORIES, GeoparsedArticle, Passage, PlaceSummary, mention_category, place_id, place_review
from geo.corrections import (
    Action,
    Correction,
    ReviewedMention,
    Scope,
    apply_corrections,
    now,
    paragraph_of,
    place_from_json,
    place_json,
)
from geo.exc import CorrectionError, DamagedStoreError, StoreError
from geo.gazetteer.base import normalise_name
from geo.models import Article, Cue, Evidence, GeocodedMention, Mention, Place, ReviewStatus
from geo.storefile import BUSY_TIMEOUT_MS, damaged_error, existing_file, inspect_store, store_error

logger = logging.getLogger(__name__)

# Each migration takes the schema from the version before it to its own.
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        date TEXT,
        source TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        geoparser_version TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE places (
        id TEXT PRIMARY KEY,
        geonameid INTEGER,
        name TEXT NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        country_code TEXT NOT NULL,
        admin1 TEXT NOT NULL,
        feature TEXT NOT NULL,
        population INTEGER NOT NULL,
        source TEXT NOT NULL
    );
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        category TEXT NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        paragraph_start INTEGER NOT NULL,
        paragraph_end INTEGER NOT NULL,
        place_id TEXT REFERENCES places(id),
        PRIMARY KEY (article_id, start)
    );
    CREATE INDEX mentions_place ON mentions(place_id, article_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # Corrections (geo.corrections), and mentions that keep the geoparser's place beside the reviewed one:
    # ``review`` is automatic, confirmed, corrected, added, or rejected (kept, hidden from every view);
    # ``auto_place_id`` the geoparser's place; ``name_key`` the name a collection rule finds it by.
    # The key becomes (article_id, start, end): an added "Calais Jungle" and the hidden "Calais" share a start.
    2: """
    CREATE TABLE mentions_v2 (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        category TEXT NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        paragraph_start INTEGER NOT NULL,
        paragraph_end INTEGER NOT NULL,
        place_id TEXT REFERENCES places(id),
        review TEXT NOT NULL DEFAULT 'automatic',
        auto_place_id TEXT,
        name_key TEXT NOT NULL,
        PRIMARY KEY (article_id, start, end)
    );
    INSERT INTO mentions_v2 SELECT article_id, start, end, text, kind, category, sentence_start, sentence_end,
        paragraph_start, paragraph_end, place_id, 'automatic', place_id, normalise_name(text) FROM mentions;
    DROP TABLE mentions;
    ALTER TABLE mentions_v2 RENAME TO mentions;
    CREATE INDEX mentions_place ON mentions(place_id, article_id);
    CREATE INDEX mentions_name ON mentions(name_key);
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        article_id TEXT REFERENCES articles(id) ON DELETE CASCADE,
        scope TEXT NOT NULL CHECK (scope IN ('mention', 'article', 'collection')),
        action TEXT NOT NULL CHECK (action IN ('reject', 'confirm', 'place', 'add')),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        start INTEGER,
        end INTEGER,
        before_place_id TEXT,
        before_place TEXT,
        after_place_id TEXT,
        after_place TEXT,
        reviewer TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        undone_at TEXT,
        CHECK ((scope = 'collection') = (article_id IS NULL))
    );
    CREATE INDEX corrections_article ON corrections(article_id);
    CREATE INDEX corrections_rules ON corrections(name_key) WHERE article_id IS NULL;
    """,
    # Mentions kept whole, as the geoparser gave them: the key they were looked up by, the recogniser's cues
    # (JSON: [[evidence, detail], ...]) and rule, the resolver's score; places with their admin2 and prominence.
    3: """
    ALTER TABLE mentions ADD COLUMN lookup_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE mentions ADD COLUMN cues TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE mentions ADD COLUMN rule TEXT NOT NULL DEFAULT '';
    ALTER TABLE mentions ADD COLUMN score REAL NOT NULL DEFAULT 0;
    ALTER TABLE places ADD COLUMN admin2 TEXT NOT NULL DEFAULT '';
    ALTER TABLE places ADD COLUMN prominence INTEGER NOT NULL DEFAULT 0;
    """,
}
MEMORY = ":memory:"  # a store held in memory, gone when closed: the command line's ``extract`` views its files so
SCHEMA_VERSION = max(MIGRATIONS)


def content_hash(text: str) -> str:
    """The identity of an article's content: same words, same hash, whatever the spacing."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article of the store without its text: what the filter lists."""

    id: str
    title: str
    author: str
    date: dt.date | None
    source: str
    url: str
    mentions: int
    geoparser_version: str


@dataclass(frozen=True, slots=True)
class Added:
    """The outcome of adding one article: its id, and the id and title of the stored copy it duplicates."""

    id: str
    duplicate_of: str | None = None
    duplicate_title: str = ""


@dataclass
class CorrectionsImport:
    """What an import of corrections did: applied, already there, or not applied and why."""

    applied: list[Correction] = field(default_factory=list)
    already: int = 0
    missing_articles: dict[str, int] = field(default_factory=dict)  # article id -> corrections left out
    failed: list[tuple[Correction, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every correction is in the store now."""
        return not self.missing_articles and not self.failed

    def summary(self) -> str:
        """ "3 applied, 1 already in the store, 2 for articles the store lacks, 0 failed"."""
        return (
            f"{len(self.applied)} applied, {self.already} already in the store, "
            f"{sum(self.missing_articles.values())} for articles the store lacks, {len(self.failed)} failed"
        )


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(doing: str) -> Callable[[Callable[Concatenate[Store, P], R]], Callable[Concatenate[Store, P], R]]:
    """A public method's boundary: a store found damaged is refused, an SQLite error becomes a StoreError."""

    def wrap(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
        @functools.wraps(method)
        def guarded(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if self._damaged is not None:
                raise DamagedStoreError(str(self._damaged))
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as err:
                error = store_error(self.path, err, doing)
                if isinstance(error, DamagedStoreError):
                    self._damaged = error  # no further read or write, in this process, of a file known damaged
                raise error from err

        return guarded

    return wrap


class Store:
    """An SQLite store of geoparsed articles.

    Parameters
    ----------
    path:
        The database file, created (with its folder) on first use; ``MEMORY`` (":memory:") for a store
        held in memory, gone when closed.

    Raises
    ------
    DamagedStoreError
        When the file is damaged or not a News Atlas store (checked read-only: it is left as it is).
    StoreError
        When it was written by a newer version, or cannot be opened.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._damaged: DamagedStoreError | None = None
        in_memory = str(path) == MEMORY
        try:
            if not in_memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if not in_memory and existing_file(self.path) and self.path.stat().st_size:
                self._refuse_unusable()
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                                         isolation_level=None)  # fmt: skip
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._use_wal()
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.create_function("normalise_name", 1, normalise_name, deterministic=True)  # migration 2
            self._migrate()
        except StoreError:
            raise
        except sqlite3.Error as err:
            raise store_error(self.path, err, "open") from err
        except OSError as err:
            raise StoreError(
                f"Cannot open the store {self.path}: {err}. Set NEWS_ATLAS_STORE_PATH to another file."
            ) from err

    def _refuse_unusable(self) -> None:
        """Before anything writes (WAL switch, migration): refuse a damaged, foreign or newer file.

        Read-only, so a damaged file stays exactly as it was; SQLite's quick
        check reads every page (0.2 s for 10,000 articles).
        """
        check = inspect_store(self.path)
        if not check.ok:
            raise damaged_error(self.path, check.problems, foreign=check.foreign)
        self._check_version(check.version)

    def _check_version(self, version: int) -> int:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this News Atlas ({SCHEMA_VERSION}). "
                "Update News Atlas, or set NEWS_ATLAS_STORE_PATH to another file."
            )
        return version

    def _use_wal(self) -> None:
        """Write-ahead logging, so readers never wait for a writer (a setting kept in the file).

        Switching to it needs the file to itself, and SQLite does not wait for
        that: when another process opening the same new store holds it, try again.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if self._conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        """Bring the schema up to date, in one write transaction.

        The version is read again once the write lock is held: another process
        opening the same new store at the same moment may have migrated it.
        """
        if self._schema_version() == SCHEMA_VERSION:
            return
        with self._transaction() as conn:
            version = self._schema_version()
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
                logger.info("Store %s migrated to schema version %s", self.path, target)

    def _schema_version(self) -> int:
        return self._check_version(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``) so writers queue instead of failing.

        Every transaction bumps the store's ``revision``, so readers know their cached views are old.
        """
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
            self._conn.execute(
                "INSERT INTO meta VALUES ('revision', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
        except BaseException:
            if self._conn.in_transaction:  # SQLite may have rolled back already (e.g. on finding damage)
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def revision(self) -> int:
        """A number that changes whenever anything in the store does (in any process)."""
        return int(self.get_meta("revision") or 0)

    def close(self) -> None:
        """Close the connection; the last one to close folds the -wal file into the store and removes it."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    @_guarded("write")
    def add(self, article: Article, mentions: Sequence[GeocodedMention], *, geoparser_version: str) -> Added:
        """Store an article with its mentions, unless the same content is already there.

        An id already taken by other content gets a numeric suffix ("report-2").

        Raises
        ------
        StoreError
            When SQLite refuses the article (e.g. two mentions at one offset); nothing of it is stored.
        """
        digest = content_hash(article.text)
        try:
            with self._transaction() as conn:
                row = conn.execute("SELECT id, title FROM articles WHERE content_hash = ?", (digest,)).fetchone()
                if row:
                    return Added(row[0], duplicate_of=row[0], duplicate_title=row[1])
                article_id = _free_id(conn, article.id)
                conn.execute(
                    "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (article_id, article.title, article.author, article.date.isoformat() if article.date else None,
                     article.source, article.url, article.text, digest, geoparser_version,
                     dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )  # fmt: skip
                _write_mentions(conn, article_id, article.text, mentions)
        except sqlite3.IntegrityError as err:
            raise StoreError(f"News Atlas could not store article {article.id!r}: {err}.") from err
        return Added(article_id)

    @_guarded("write")
    def replace_mentions(self, article_id: str, mentions: Sequence[GeocodedMention], *, geoparser_version: str) -> None:
        """Swap an article's mentions for a new geoparse of it (see ``reindex``); its corrections still apply."""
        try:
            with self._transaction() as conn:
                row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    raise StoreError(f"News Atlas could not store article {article_id!r}: it is not in the store.")
                conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                _write_mentions(conn, article_id, row[0], mentions)
                conn.execute("UPDATE articles SET geoparser_version = ? WHERE id = ?",
                             (geoparser_version, article_id))  # fmt: skip
        except sqlite3.IntegrityError as err:
            raise StoreError(f"News Atlas could not store article {article_id!r}: {err}.") from err

    @_guarded("write")
    def delete(self, article_id: str) -> bool:
        """Remove an article with its mentions and corrections (not the collection's); False when there was none."""
        with self._transaction() as conn:
            deleted = conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
            conn.execute(
                "DELETE FROM places WHERE id NOT IN (SELECT place_id FROM mentions WHERE place_id IS NOT NULL "
                "UNION SELECT auto_place_id FROM mentions WHERE auto_place_id IS NOT NULL)"
            )
        return bool(deleted)

    # -- corrections -----------------------------------------------------------------------
    @_guarded("write")
    def add_correction(self, correction: Correction) -> Correction:
        """Keep a reviewer's decision and apply it to the mentions it reaches.

        Its ``before`` place, when not given, is the place its mentions have
        now; its ``uid`` and ``created_at`` are set here unless given.

        Returns
        -------
        Correction
            As stored, with its ``id``; when the same decision (action and
            place, whoever made it) is already the latest in force for the
            same mention, name or rule, that one, and nothing is added.

        Raises
        ------
        CorrectionError
            When its article is not in the store, its span lies outside the
            text, across two paragraphs, on other words than its name, or on
            no mention (use ``add`` for a missed place).  Nothing is changed.
        """
        with self._transaction() as conn:
            checked = self._checked(conn, correction)
            in_force = _in_force(conn, checked)
            if in_force is not None and _same_decision(in_force, checked):
                return in_force  # "Confirm" clicked twice: the decision is there once
            stored = self._insert_correction(conn, checked)
            _apply(conn, stored)
        return stored

    @_guarded("write")
    def undo_correction(self, correction_id: int) -> Correction:
        """Undo a correction: its mentions are as the geoparser and the other corrections say.

        It stays in the history, with the time it was undone.

        Raises
        ------
        CorrectionError
            When there is no such correction, or it was undone already.
        """
        with self._transaction() as conn:
            found = _corrections(conn, "WHERE id = ?", (correction_id,))
            if not found:
                raise CorrectionError(
                    f"There is no correction {correction_id} in the store {self.path}. "
                    "`python -m geo corrections list` shows them with their ids."
                )
            if not found[0].active:
                raise CorrectionError(f"Correction {correction_id} was undone already, at {found[0].undone_at}.")
            undone = replace(found[0], undone_at=now())
            conn.execute("UPDATE corrections SET undone_at = ? WHERE id = ?", (undone.undone_at, correction_id))
            _apply(conn, undone)
        return undone

    @_guarded("read")
    def corrections(
        self, *, article_id: str | None = None, place: str | None = None, reviewer: str | None = None
    ) -> list[Correction]:
        """Every correction, undone ones too, oldest first.

        Parameters
        ----------
        article_id:
            Only this article's (its mention and article corrections).
        place:
            Only those that moved a mention from or to this place id ("geonames:3029162").
        reviewer:
            Only this reviewer's ("" for those made without a name).
        """
        clauses, params = ["1"], []
        for clause, value in (("article_id = ?", article_id), ("reviewer = ?", reviewer)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if place is not None:
            clauses.append("(before_place_id = ? OR after_place_id = ?)")
            params += [place, place]
        return _corrections(self._conn, f"WHERE {' AND '.join(clauses)} ORDER BY id", params)

    @_guarded("write")
    def import_corrections(self, corrections: Iterable[Correction]) -> CorrectionsImport:
        """Add corrections made elsewhere (``geo corrections import``): the same one twice is kept once.

        A correction already here (same ``uid``) is skipped, but an undo made
        elsewhere is applied; one for an article the store lacks, or that no
        longer fits its article's text, is reported and left out.  One
        transaction: the store takes the whole import or, on an error, none of it.
        Each applies before the next is checked (a correction of an added
        mention needs it there).
        """
        report = CorrectionsImport()
        with self._transaction() as conn:
            for correction in corrections:
                row = conn.execute("SELECT id, undone_at FROM corrections WHERE uid = ?", (correction.uid,)).fetchone()
                if row is not None:
                    report.already += 1
                    if row[1] is None and correction.undone_at is not None:
                        conn.execute("UPDATE corrections SET undone_at = ? WHERE id = ?",
                                     (correction.undone_at, row[0]))  # fmt: skip
                        _apply(conn, correction)
                    continue
                lacking = correction.article_id
                if lacking is not None and _article_text(conn, lacking) is None:
                    report.missing_articles[lacking] = report.missing_articles.get(lacking, 0) + 1
                    continue
                try:
                    stored = self._insert_correction(conn, self._checked(conn, correction))
                except CorrectionError as err:
                    report.failed.append((correction, str(err)))
                    continue
                report.applied.append(stored)
                _apply(conn, stored)
        return report

    def _checked(self, conn: sqlite3.Connection, correction: Correction) -> Correction:
        """The correction with its ``before`` place, once its article, span and mention are found."""
        where = f"in the store {self.path}"
        if correction.article_id is None:
            row = conn.execute(f"SELECT {_PLACE_COLUMNS} FROM mentions m JOIN places p ON p.id = m.place_id "
                               "WHERE m.name_key = ? LIMIT 1", (correction.key,)).fetchone()  # fmt: skip
            return replace(correction, before=correction.before or _place(row))
        text = _article_text(conn, correction.article_id)
        if text is None:
            raise CorrectionError(
                f"There is no article {correction.article_id!r} {where}: it may have been deleted. "
                "`python -m geo list` shows the ids."
            )
        if correction.span is None:
            row = conn.execute(f"SELECT {_PLACE_COLUMNS} FROM mentions m LEFT JOIN places p ON p.id = m.place_id "
                               "WHERE m.article_id = ? AND m.name_key = ? ORDER BY m.start LIMIT 1",
                               (correction.article_id, correction.key)).fetchone()  # fmt: skip
            return replace(correction, before=correction.before or _place(row))
        start, end = correction.span
        label = f"The span {start}-{end} of article {correction.article_id!r}"
        if end > len(text):
            raise CorrectionError(
                f"{label} lies outside its text ({len(text):,} characters). Select the name in the article again."
            )
        if normalise_name(text[start:end]) != correction.key:
            raise CorrectionError(
                f"{label} holds {text[start:end][:60]!r}, not {correction.name!r}: the article may have changed. "
                "Select the name in the article again."
            )
        paragraph_of(text, start, end)
        row = conn.execute(f"SELECT m.review, {_PLACE_COLUMNS} FROM mentions m LEFT JOIN places p "
                           "ON p.id = m.place_id WHERE m.article_id = ? AND m.start = ? AND m.end = ?",
                           (correction.article_id, start, end)).fetchone()  # fmt: skip
        if correction.action is not Action.ADD and (row is None or row[0] == "rejected"):
            raise CorrectionError(
                f"{label} ({correction.name!r}) is no mention of a place, so there is nothing to "
                f"{correction.action.value}: add it as a missed place instead."
            )
        return replace(correction, before=correction.before or (_place(row[1:]) if row else None))

    def _insert_correction(self, conn: sqlite3.Connection, correction: Correction) -> Correction:
        stored = replace(correction, uid=correction.uid or uuid.uuid4().hex, created_at=correction.created_at or now())
        start, end = stored.span or (None, None)
        cursor = conn.execute(
            "INSERT INTO corrections (uid, article_id, scope, action, name, name_key, start, end, before_place_id, "
            "before_place, after_place_id, after_place, reviewer, created_at, undone_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (stored.uid, stored.article_id, stored.scope.value, stored.action.value, stored.name, stored.key, start,
             end, *_place_cells(stored.before), *_place_cells(stored.after), stored.reviewer, stored.created_at,
             stored.undone_at),
        )  # fmt: skip
        return replace(stored, id=cursor.lastrowid)

    @_guarded("read")
    def get_meta(self, key: str) -> str | None:
        """A value the store keeps about itself (e.g. when the seed articles were ingested)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @_guarded("write")
    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- reading ---------------------------------------------------------------------------
    @_guarded("read")
    def __len__(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    @_guarded("read")
    def article_infos(self) -> list[ArticleInfo]:
        """Every article without its text, newest date first."""
        rows = self._conn.execute(
            "SELECT a.id, a.title, a.author, a.date, a.source, a.url, "
            "(SELECT COUNT(*) FROM mentions m WHERE m.article_id = a.id AND m.review != 'rejected'), "
            "a.geoparser_version "
            "FROM articles a ORDER BY a.date DESC, a.title, a.id"
        ).fetchall()
        return [ArticleInfo(r[0], r[1], r[2], _date(r[3]), r[4], r[5], r[6], r[7]) for r in rows]

    @_guarded("read")
    def stale_article_ids(self, geoparser_version: str) -> list[str]:
        """Articles geoparsed by another version of the geoparser."""
        rows = self._conn.execute("SELECT id FROM articles WHERE geoparser_version != ? ORDER BY id",
                                  (geoparser_version,)).fetchall()  # fmt: skip
        return [r[0] for r in rows]

    @_guarded("read")
    def article(self, article_id: str) -> GeoparsedArticle | None:
        """One article with all its mentions, or None."""
        row = self._conn.execute(
            "SELECT id, title, text, author, date, source, url FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        article = Article(row[0], row[1], row[2], row[3], _date(row[4]), row[5], row[6])
        mentions = self._conn.execute(
            f"SELECT {_MENTION_COLUMNS} FROM mentions m LEFT JOIN places p ON p.id = m.place_id "
            "WHERE m.article_id = ? AND m.review != 'rejected' ORDER BY m.start",
            (article_id,),
        ).fetchall()
        return GeoparsedArticle(article, tuple(_geocoded(r) for r in mentions))

    def articles(self) -> Iterator[GeoparsedArticle]:
        """Every article with its mentions, one at a time (for exports and re-indexing)."""
        for article_id in self._article_ids():
            item = self.article(article_id)
            if item is not None:
                yield item

    @_guarded("read")
    def _article_ids(self) -> list[str]:
        return [row[0] for row in self._conn.execute("SELECT id FROM articles ORDER BY id").fetchall()]

    @_guarded("read")
    def summaries(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        categories: Iterable[str] | None = None,
        search: str = "",
    ) -> list[PlaceSummary]:
        """One summary per place of the view, counted in SQL; ``passages`` holds only the first.

        The one aggregation of mentions into places: the map, the places table
        and every export (``geo.export.read_view``) read it.  Ask ``passages``
        for a place's other passages.

        Parameters
        ----------
        article_ids:
            Only these articles (all when ``None``; none for an empty list).
        categories:
            Only mentions of these ``geo.atlas.CATEGORIES`` (all when ``None``).
        search:
            Only places whose name, or the text of a mention of them, contains it, any case or accent.

        Returns
        -------
        list[PlaceSummary]
            Most mentioned first, then by name and id.
        """
        where, params = _view_filter(article_ids, categories)
        rows = self._conn.execute(
            f"SELECT m.category, COUNT(*), GROUP_CONCAT(DISTINCT m.article_id), "
            f"MIN(m.article_id || char(31) || printf('%012d', m.sentence_start)), GROUP_CONCAT(DISTINCT m.review), "
            f"{_PLACE_COLUMNS} FROM mentions m JOIN places p ON p.id = m.place_id WHERE {where} "
            f"GROUP BY p.id, m.category",
            params,
        ).fetchall()
        needle = normalise_name(search) if search.strip() else ""
        merged: dict[str, list] = {}
        for row in rows:
            entry = merged.setdefault(row[5], [_place(row[5:]), {}, set(), row[3], set()])
            entry[1][row[0]] = row[1]
            entry[2].update(row[2].split(","))
            entry[3] = min(entry[3], row[3])
            entry[4].update(row[4].split(","))
        summaries = []
        order = list(CATEGORIES)
        for key, (place, counts, article_set, first, reviews) in merged.items():
            if needle and needle not in normalise_name(place.name) and not self._mention_matches(key, needle):
                continue
            category = max(counts, key=lambda c: (counts[c], -order.index(c)))
            first_article, first_start = first.split("\x1f")
            passage = self._passage(first_article, int(first_start), key)
            articles = tuple(sorted(article_set))
            review = place_review(reviews)
            summaries.append(PlaceSummary(key, place, category, sum(counts.values()), articles, (passage,), review))
        return sorted(summaries, key=lambda s: (-s.mentions, s.place.name, s.id))

    def _mention_matches(self, key: str, needle: str) -> bool:
        texts = self._conn.execute("SELECT DISTINCT text FROM mentions WHERE place_id = ?", (key,)).fetchall()
        return any(needle in normalise_name(t) for (t,) in texts)

    def _passage(self, article_id: str, sentence_start: int, key: str) -> Passage:
        rows = self._conn.execute(
            "SELECT start, end, sentence_end FROM mentions WHERE article_id = ? AND sentence_start = ? "
            "AND place_id = ? ORDER BY start",
            (article_id, sentence_start, key),
        ).fetchall()
        return Passage(article_id, sentence_start, rows[0][2], tuple((r[0], r[1]) for r in rows))

    @_guarded("read")
    def passages(
        self, key: str, *, article_ids: Iterable[str] | None = None, categories: Iterable[str] | None = None
    ) -> list[Passage]:
        """Every passage of the view that mentions a place, in article and text order."""
        where, params = _view_filter(article_ids, categories)
        rows = self._conn.execute(
            f"SELECT m.article_id, m.sentence_start, m.sentence_end, m.start, m.end FROM mentions m "
            f"WHERE m.place_id = ? AND {where} ORDER BY m.article_id, m.start",
            (key, *params),
        ).fetchall()
        grouped: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
        for article_id, start, end, mention_start, mention_end in rows:
            grouped.setdefault((article_id, start, end), []).append((mention_start, mention_end))
        return [Passage(a, s, e, tuple(spans)) for (a, s, e), spans in grouped.items()]

    @_guarded("read")
    def excerpts(self, summaries: Iterable[PlaceSummary]) -> dict[str, str]:
        """The first passage of each place, as text, by place id: the map's popups."""
        found = {}
        for summary in summaries:
            first = summary.passages[0]
            row = self._conn.execute(
                "SELECT substr(text, ?, ?) FROM articles WHERE id = ?",
                (first.start + 1, first.end - first.start, first.article_id),
            ).fetchone()
            found[summary.id] = row[0] if row else ""
        return found

    @_guarded("read")
    def texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article texts by id, for excerpts."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return dict(self._conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", ids).fetchall())


_PLACE_COLUMNS = (
    "p.id, p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1, p.admin2, p.feature, p.population, "
    "p.prominence, p.source"
)
_MENTION_ONLY = (
    "m.start, m.end, m.text, m.kind, m.sentence_start, m.sentence_end, m.paragraph_start, m.paragraph_end, "
    "m.lookup_key, m.cues, m.rule, m.score"
)
_MENTION_WIDTH = _MENTION_ONLY.count(",") + 1
_PLACE_WIDTH = _PLACE_COLUMNS.count(",") + 1
_MENTION_COLUMNS = f"{_MENTION_ONLY}, {_PLACE_COLUMNS}, m.review"
_REVIEW_AT = _MENTION_WIDTH + _PLACE_WIDTH
_CORRECTION_COLUMNS = (
    "id, uid, article_id, scope, action, name, start, end, before_place, after_place, reviewer, created_at, undone_at"
)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _free_id(conn: sqlite3.Connection, wanted: str) -> str:
    candidate, number = wanted, 1
    while conn.execute("SELECT 1 FROM articles WHERE id = ?", (candidate,)).fetchone():
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _article_text(conn: sqlite3.Connection, article_id: str) -> str | None:
    row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def _write_mentions(conn: sqlite3.Connection, article_id: str, text: str, mentions: Sequence[GeocodedMention]) -> None:
    """Store the geoparser's mentions of an article with the corrections that reach it (its own, the collection's)."""
    where = "WHERE undone_at IS NULL AND (article_id = ? OR article_id IS NULL)"
    corrections = _corrections(conn, where, (article_id,))
    _insert_mentions(conn, article_id, apply_corrections(text, mentions, corrections))


def _apply(conn: sqlite3.Connection, correction: Correction) -> None:
    """Apply the corrections again where a new or undone one reaches.

    A mention correction may add or hide spans: its article is written
    again.  One by name changes only the mentions of that name, in its
    article or in every article that has it, which are updated in place: a
    rule on a common name reaches thousands of articles.
    """
    if correction.span is not None and correction.article_id is not None:
        _reapply(conn, correction.article_id)
        return
    for article_id in _reached(conn, correction):
        _reapply(conn, article_id, key=correction.key)


def _reapply(conn: sqlite3.Connection, article_id: str, *, key: str | None = None) -> None:
    """Apply an article's corrections again to the geoparser's mentions kept in the store (those named ``key``)."""
    text = _article_text(conn, article_id)
    if text is None:
        return
    named = "" if key is None else " AND m.name_key = ?"
    rows = conn.execute(
        f"SELECT {_MENTION_ONLY}, {_PLACE_COLUMNS} FROM mentions m "
        f"LEFT JOIN places p ON p.id = m.auto_place_id WHERE m.article_id = ? AND m.review != 'added'{named} "
        "ORDER BY m.start",
        (article_id,) if key is None else (article_id, key),
    ).fetchall()
    geoparsed = [_geocoded(row) for row in rows]  # the geoparser's own, as it gave them
    if key is None:
        conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        _write_mentions(conn, article_id, text, geoparsed)
        return
    where = "WHERE undone_at IS NULL AND (article_id = ? OR article_id IS NULL)"
    for reviewed in apply_corrections(text, geoparsed, _corrections(conn, where, (article_id,))):
        if reviewed.status == "added":  # the article's added mentions, which no name rule changes
            continue
        m = reviewed.mention
        conn.execute(
            "UPDATE mentions SET place_id = ?, review = ?, category = ? WHERE article_id = ? AND start = ? AND end = ?",
            (_insert_place(conn, reviewed.place), reviewed.status, mention_category(reviewed.geocoded), article_id,
             m.start, m.end),
        )  # fmt: skip


def _reached(conn: sqlite3.Connection, correction: Correction) -> list[str]:
    """The articles whose mentions a correction changes: its own, or every one naming a collection rule's name."""
    if correction.article_id is not None:
        return [correction.article_id]
    rows = conn.execute("SELECT DISTINCT article_id FROM mentions WHERE name_key = ?", (correction.key,)).fetchall()
    return [r[0] for r in rows]


def _insert_place(conn: sqlite3.Connection, place: Place | None) -> str | None:
    if place is None:
        return None
    key = place_id(place)
    conn.execute(
        "INSERT OR IGNORE INTO places (id, geonameid, name, lat, lon, country_code, admin1, admin2, feature, "
        "population, prominence, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (key, place.geonameid, place.name, place.lat, place.lon, place.country_code, place.admin1, place.admin2,
         place.feature, place.population, place.prominence, place.source),
    )  # fmt: skip
    return key


def _insert_mentions(conn: sqlite3.Connection, article_id: str, mentions: Sequence[ReviewedMention]) -> None:
    for reviewed in mentions:
        key = _insert_place(conn, reviewed.place)
        automatic = key if reviewed.automatic is reviewed.place else _insert_place(conn, reviewed.automatic)
        m = reviewed.mention
        conn.execute(
            "INSERT INTO mentions (article_id, start, end, text, kind, category, sentence_start, sentence_end, "
            "paragraph_start, paragraph_end, place_id, review, auto_place_id, name_key, lookup_key, cues, rule, "
            "score) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article_id, m.start, m.end, m.text, m.kind, mention_category(reviewed.geocoded), m.sentence[0],
             m.sentence[1], m.paragraph[0], m.paragraph[1], key, reviewed.status, automatic, normalise_name(m.text),
             m.key, json.dumps([[c.evidence.value, c.detail] for c in m.cues], ensure_ascii=False), m.rule,
             reviewed.score),
        )  # fmt: skip


def _place(row: Sequence | None) -> Place | None:
    """The place of ``_PLACE_COLUMNS`` cells; None for none (a LEFT JOIN that found no place)."""
    if row is None or row[0] is None:
        return None
    _, geonameid, name, lat, lon, country_code, admin1, admin2, feature, population, prominence, source = row[:12]
    return Place(name, lat, lon, country_code, feature, geonameid, source, population, admin1, admin2, prominence)


def _mention(row: Sequence) -> Mention:
    cues = tuple(Cue(Evidence(evidence), detail) for evidence, detail in json.loads(row[9]))
    return Mention(row[0], row[1], row[2], row[3], (row[4], row[5]), (row[6], row[7]), row[8], cues, row[10])


def _geocoded(row: Sequence) -> GeocodedMention:
    """A mention of ``_MENTION_COLUMNS`` cells (or without the last, ``review``: automatic) as it was given."""
    review: ReviewStatus = row[_REVIEW_AT] if len(row) > _REVIEW_AT else "automatic"
    return GeocodedMention(_mention(row), _place(row[_MENTION_WIDTH:]), score=row[11], review=review)


def _place_cells(place: Place | None) -> tuple[str | None, str | None]:
    """A correction's place as its two columns: the id it is filtered by, and the record to rebuild it from."""
    if place is None:
        return None, None
    return place_id(place), json.dumps(place_json(place), ensure_ascii=False)


def _corrections(conn: sqlite3.Connection, where: str, params: Sequence) -> list[Correction]:
    rows = conn.execute(f"SELECT {_CORRECTION_COLUMNS} FROM corrections {where}", params).fetchall()
    return [
        Correction(
            scope=Scope(r[3]),
            action=Action(r[4]),
            name=r[5],
            article_id=r[2],
            span=None if r[6] is None else (r[6], r[7]),
            before=place_from_json(json.loads(r[8])) if r[8] else None,
            after=place_from_json(json.loads(r[9])) if r[9] else None,
            reviewer=r[10],
            created_at=r[11],
            undone_at=r[12],
            uid=r[1],
            id=r[0],
        )
        for r in rows
    ]


def _in_force(conn: sqlite3.Connection, correction: Correction) -> Correction | None:
    """The latest active correction of the same scope and target (span, or name in the article or collection)."""
    start, end = correction.span or (None, None)
    found = _corrections(
        conn,
        "WHERE undone_at IS NULL AND scope = ? AND article_id IS ? AND name_key = ? AND start IS ? AND end IS ? "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        (correction.scope.value, correction.article_id, correction.key, start, end),
    )
    return found[0] if found else None


def _same_decision(a: Correction, b: Correction) -> bool:
    """Both say the same about their mentions: the same action, to the same place."""
    return a.action is b.action and _place_cells(a.after)[0] == _place_cells(b.after)[0]


def _view_filter(article_ids: Iterable[str] | None, categories: Iterable[str] | None) -> tuple[str, list[str]]:
    clauses, params = ["1"], []
    for column, values in (("m.article_id", article_ids), ("m.category", categories)):
        if values is not None:
            values = list(values)
            clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
            params += values
    return " AND ".join(clauses), params
