"""The article store: articles, their mentions and places, in one SQLite file.

Input: articles with their geocoded mentions (from the pipeline).  Output:
what the app and the exports read back, aggregated in SQL so that ten
thousand articles stay quick: place summaries for a view, the passages of a
place, one article with its mentions.

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
import logging
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from geo.atlas import CATEGORIES, GeoparsedArticle, Passage, PlaceSummary, mention_category, place_id
from geo.exc import DamagedStoreError, StoreError
from geo.gazetteer.base import normalise_name
from geo.models import Article, GeocodedMention, Mention, Place
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
}
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
    """The outcome of adding one article: its id, and the id of the copy it duplicates."""

    id: str
    duplicate_of: str | None = None


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
        The database file, created (with its folder) on first use.

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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if existing_file(self.path) and self.path.stat().st_size:
                self._refuse_unusable()
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                                         isolation_level=None)  # fmt: skip
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._use_wal()
            self._conn.execute("PRAGMA foreign_keys = ON")
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
                row = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
                if row:
                    return Added(row[0], duplicate_of=row[0])
                article_id = _free_id(conn, article.id)
                conn.execute(
                    "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (article_id, article.title, article.author, article.date.isoformat() if article.date else None,
                     article.source, article.url, article.text, digest, geoparser_version,
                     dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )  # fmt: skip
                _insert_mentions(conn, article_id, mentions)
        except sqlite3.IntegrityError as err:
            raise StoreError(f"News Atlas could not store article {article.id!r}: {err}.") from err
        return Added(article_id)

    @_guarded("write")
    def replace_mentions(self, article_id: str, mentions: Sequence[GeocodedMention], *, geoparser_version: str) -> None:
        """Swap an article's mentions for a new geoparse of it (see ``reindex``)."""
        try:
            with self._transaction() as conn:
                conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
                _insert_mentions(conn, article_id, mentions)
                conn.execute("UPDATE articles SET geoparser_version = ? WHERE id = ?",
                             (geoparser_version, article_id))  # fmt: skip
        except sqlite3.IntegrityError as err:
            raise StoreError(f"News Atlas could not store article {article_id!r}: {err}.") from err

    @_guarded("write")
    def delete(self, article_id: str) -> bool:
        """Remove an article and its mentions; False when there was no such article."""
        with self._transaction() as conn:
            deleted = conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
            conn.execute("DELETE FROM places WHERE id NOT IN (SELECT DISTINCT place_id FROM mentions "
                         "WHERE place_id IS NOT NULL)")  # fmt: skip
        return bool(deleted)

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
            "(SELECT COUNT(*) FROM mentions m WHERE m.article_id = a.id), a.geoparser_version "
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
            "WHERE m.article_id = ? ORDER BY m.start",
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

        The same view as ``geo.atlas.summarise_places``: ask ``passages`` for a place's others.
        """
        where, params = _view_filter(article_ids, categories)
        rows = self._conn.execute(
            f"SELECT p.id, p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1, p.feature, p.population, "
            f"p.source, m.category, COUNT(*), GROUP_CONCAT(DISTINCT m.article_id), "
            f"MIN(m.article_id || char(31) || printf('%012d', m.sentence_start)) "
            f"FROM mentions m JOIN places p ON p.id = m.place_id WHERE {where} "
            f"GROUP BY p.id, m.category",
            params,
        ).fetchall()
        needle = normalise_name(search) if search.strip() else ""
        merged: dict[str, list] = {}
        for row in rows:
            entry = merged.setdefault(row[0], [row, {}, set(), row[13]])
            entry[1][row[10]] = row[11]
            entry[2].update(row[12].split(","))
            entry[3] = min(entry[3], row[13])
        summaries = []
        order = list(CATEGORIES)
        for key, (row, counts, article_set, first) in merged.items():
            place = Place(row[2], row[3], row[4], row[5], row[7], row[1], row[9], row[8], row[6])
            if needle and needle not in normalise_name(place.name) and not self._mention_matches(key, needle):
                continue
            category = max(counts, key=lambda c: (counts[c], -order.index(c)))
            first_article, first_start = first.split("\x1f")
            passage = self._passage(first_article, int(first_start), key)
            summaries.append(
                PlaceSummary(key, place, category, sum(counts.values()), tuple(sorted(article_set)), (passage,))
            )
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


_MENTION_COLUMNS = (
    "m.start, m.end, m.text, m.kind, m.sentence_start, m.sentence_end, m.paragraph_start, m.paragraph_end, "
    "p.id, p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1, p.feature, p.population, p.source"
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


def _insert_mentions(conn: sqlite3.Connection, article_id: str, mentions: Sequence[GeocodedMention]) -> None:
    for geocoded in mentions:
        place = geocoded.place
        key = None
        if place is not None:
            key = place_id(place)
            conn.execute(
                "INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)",
                (key, place.geonameid, place.name, place.lat, place.lon, place.country_code, place.admin1,
                 place.feature, place.population, place.source),
            )  # fmt: skip
        m = geocoded.mention
        conn.execute(
            "INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (article_id, m.start, m.end, m.text, m.kind, mention_category(geocoded), m.sentence[0], m.sentence[1],
             m.paragraph[0], m.paragraph[1], key),
        )  # fmt: skip


def _geocoded(row: Sequence) -> GeocodedMention:
    mention = Mention(row[0], row[1], row[2], row[3], (row[4], row[5]), (row[6], row[7]))
    place = None
    if row[8] is not None:
        place = Place(row[10], row[11], row[12], row[13], row[15], row[9], row[17], row[16], row[14])
    return GeocodedMention(mention, place)


def _view_filter(article_ids: Iterable[str] | None, categories: Iterable[str] | None) -> tuple[str, list[str]]:
    clauses, params = ["1"], []
    for column, values in (("m.article_id", article_ids), ("m.category", categories)):
        if values is not None:
            values = list(values)
            clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
            params += values
    return " AND ".join(clauses), params
