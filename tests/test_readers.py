"""Tests for geo.readers: files, uploads, pasted text and web pages -> Article, and the errors for bad input."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.articles import load_article
from geo.config import Settings
from geo.exc import ConfigurationError, GeoError, IngestError
from geo.readers import article_id, expand_inputs, fetch_url, read_bytes, read_pasted, read_path

DATA = Path(__file__).parent / "data" / "ingest"
SEED = Settings.load(environ={}).articles_dir / "calais-police-attack-camp-2014-05-29.md"
LIMIT = 1_000_000
ANSWER_TIMEOUT = 10.0  # generous: a busy CI machine must not turn an answer into a timeout
FRENCH = "La police a évacué un camp près de Hénin-Beaumont, dans le Pas-de-Calais. Le maire a déclaré que la sécurité"
PAGE = (DATA / "article.html").read_bytes()


def one_line_message(excinfo: pytest.ExceptionInfo[IngestError], *parts: str) -> str:
    """The error's message, checked to be one line that contains every part."""
    message = str(excinfo.value)
    assert "\n" not in message and "\r" not in message
    for part in parts:
        assert part in message, (part, message)
    return message


# --- good input ----------------------------------------------------------------------------------------------------

GOOD_BYTES = [
    ("plain.txt", b"Riots in Calais\n\nPolice cleared the camp.\n", "Riots in Calais", "Riots in Calais\n\nPolice"),
    ("bom.txt", codecs.BOM_UTF8 + b"Bom headline\nfrom Lille\n", "Bom headline", "Bom headline\nfrom Lille\n"),
    ("heading.txt", b"\n\n# Dover ferries\nBody about Dover.", "Dover ferries", "\n\n# Dover ferries"),
    ("latin1.txt", (FRENCH + ".\n").encode("latin-1"), FRENCH[:40], "La police a évacué un camp près de Hénin"),
    ("cp1252.txt", "L’été à Hénin-Beaumont coûte 5 €.\n".encode("cp1252"), "L’été", "L’été à Hénin-Beaumont coûte 5 €"),
    ("utf16.txt", "Hénin-Beaumont\nLens".encode("utf-16"), "Hénin-Beaumont", "Hénin-Beaumont\nLens"),
    ("utf32.txt", "Hénin-Beaumont\nLens".encode("utf-32"), "Hénin-Beaumont", "Hénin-Beaumont\nLens"),
    ("notes", b"Plain notes about Arras.", "Plain notes about Arras.", "Plain notes about Arras."),
    ("page.php", b"<!DOCTYPE html><html><body><p>Police in Arras.</p></body></html>", "Police in Arras.", "Police"),
    (
        "latin1.html",
        '<html><head><meta charset="iso-8859-1"><title>Hénin</title></head><body><p>À Hénin-Beaumont.</p></body>'
        "</html>".encode("latin-1"),
        "Hénin",
        "À Hénin-Beaumont.",
    ),
    ("short.htm", b"<html><body><nav>Menu</nav><p>Only a line on Lens.</p></body></html>", "Only a line", "Only a"),
]


@pytest.mark.parametrize(
    ("name", "data", "title", "text_start"),
    GOOD_BYTES,
    ids=[
        "utf8-txt",
        "utf8-bom",
        "markdown-heading-title",
        "latin-1-detected",
        "cp1252-detected",
        "utf16-bom",
        "utf32-bom",
        "no-suffix-is-text",
        "unknown-suffix-html-sniffed",
        "html-meta-charset",
        "short-html-page",
    ],
)
def test_read_bytes_good(name: str, data: bytes, title: str, text_start: str) -> None:
    article = read_bytes(name, data, max_bytes=LIMIT)
    assert article.title.startswith(title)
    assert article.text.startswith(text_start)
    assert not article.text.startswith("\ufeff")
    assert article.id == article_id(name)
    assert article.path == ""


@pytest.mark.parametrize(
    ("file_name", "expected", "text_part"),
    [
        (
            "front-matter.md",
            {
                "id": "calais-camps-cleared",
                "title": "Calais camps cleared",
                "author": "Jane Marchand",
                "date": dt.date(2014, 5, 28),
                "source": "The Channel Herald",
                "url": "https://example.org/calais-camps",
            },
            "Many were moved to shelters in Lille.",
        ),
        ("latin1.txt", {"id": "latin1", "title": "Hénin-Beaumont"}, "près de Hénin-Beaumont, dans le Pas-de-Calais"),
        ("cp1252.txt", {"id": "cp1252", "title": "Hénin-Beaumont"}, "L’été dernier, l’opération a coûté 5 000 €"),
        ("utf16.txt", {"id": "utf16", "title": "Hénin-Beaumont"}, "Liévin"),
        (
            "article.html",
            {
                "id": "article",
                "title": "Riot police clear migrant camps in Calais",
                "author": "Jane Marchand",
                "date": dt.date(2014, 5, 28),
                "source": "The Channel Herald",
            },
            "Aid groups from Hénin-Beaumont and Boulogne-sur-Mer",
        ),
    ],
    ids=["md-front-matter", "latin-1", "cp1252", "utf16", "html-article"],
)
def test_read_path_good(file_name: str, expected: dict[str, object], text_part: str) -> None:
    path = DATA / file_name
    article = read_path(path, max_bytes=LIMIT)
    for field, value in expected.items():
        assert getattr(article, field) == value, field
    assert text_part in article.text
    assert article.path == str(path)


def test_html_keeps_only_the_article_text() -> None:
    text = read_bytes("article.html", PAGE, max_bytes=LIMIT).text
    assert "Several hundred people had been living near the port" in text
    assert "Read the prefecture's statement" in text
    for gone in ["<", "script", "onerror", "onclick", "onload", "alert", "javascript", "cookie", "font-family"]:
        assert gone not in text, gone
    # Navigation, header, aside, footer and the script's document.write are not article text.
    for furniture in ["Subscribe", "Manchester", "Toulouse", "Brighton", "Marseille"]:
        assert furniture not in text, furniture
    # Paragraphs are separated by blank lines, as geo.text expects.
    assert "the prefecture of the Pas-de-Calais said.\n\nSeveral hundred" in text


def test_markdown_upload_reads_like_the_cli_loader() -> None:
    uploaded = read_bytes(SEED.name, SEED.read_bytes(), max_bytes=LIMIT)
    loaded = load_article(SEED)
    for field in ("id", "title", "text", "author", "date", "source", "url"):
        assert getattr(uploaded, field) == getattr(loaded, field), field


def test_markdown_in_another_encoding_keeps_its_front_matter() -> None:
    data = SEED.read_text(encoding="utf-8").encode("cp1252")
    article = read_bytes(SEED.name, data, max_bytes=LIMIT)
    assert article == read_bytes(SEED.name, SEED.read_bytes(), max_bytes=LIMIT)


def test_source_and_url_arguments() -> None:
    txt = read_bytes("a.txt", b"Police in Lens.", max_bytes=LIMIT, source="The Herald", url="https://example.org/a")
    assert (txt.source, txt.url) == ("The Herald", "https://example.org/a")
    # The page's own site name wins over a host name; the given url wins over the front matter's.
    html = read_bytes("article.html", PAGE, max_bytes=LIMIT, source="example.org", url="https://example.org/b")
    assert (html.source, html.url) == ("The Channel Herald", "https://example.org/b")
    md = read_bytes("f.md", (DATA / "front-matter.md").read_bytes(), max_bytes=LIMIT, url="https://example.org/c")
    assert md.url == "https://example.org/c"


def test_unsafe_front_matter_id_becomes_a_slug() -> None:
    data = b"---\nid: ../../etc/Passwd File\n---\nPolice in Lens.\n"
    assert read_bytes("x.md", data, max_bytes=LIMIT).id == "passwd-file"


def test_long_first_line_title_is_shortened() -> None:
    article = read_bytes("long.txt", ("Calais " * 100).encode(), max_bytes=LIMIT)
    assert len(article.title) <= 201 and article.title.endswith("…")
    assert article.text == "Calais " * 100


def test_size_limit_is_inclusive() -> None:
    assert read_bytes("a.txt", b"x" * 10, max_bytes=10).text == "x" * 10


# --- bad input -----------------------------------------------------------------------------------------------------

BAD_BYTES = [
    ("empty.txt", b"", LIMIT, ["is empty", "Add the article's text"]),
    ("blank.txt", b" \n\t\r\n  ", LIMIT, ["only blank space", "Add the article's text"]),
    ("blank.md", b"---\ntitle: Nothing\n---\n\n", LIMIT, ["has no text"]),
    ("blank-bom.txt", codecs.BOM_UTF8 + b"\n \n", LIMIT, ["only blank space"]),
    ("binary.txt", b"\x00\x01\x02PK binary \x00 data", LIMIT, ["binary", "NUL", "UTF-8"]),
    ("noise.txt", bytes(range(1, 256)) * 40, LIMIT, ["encoding cannot be recognised", "Re-save it as UTF-8"]),
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", LIMIT, ["is a PDF", "save the article's text as a .txt"]),
    ("report.docx", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", LIMIT, ["ZIP archive", ".txt"]),
    ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", LIMIT, ["PNG image", ".txt"]),
    (
        "big.txt",
        b"Calais " * 100,
        600,
        ["too large", "700 bytes", "limit of 600 bytes", "NEWS_ATLAS_MAX_ARTICLE_BYTES"],
    ),
    ("no-text.html", (DATA / "no-text.html").read_bytes(), LIMIT, ["no article text", "paste the article's text"]),
    ("bad-bom.txt", codecs.BOM_UTF8 + b"caf\xe9", LIMIT, ["UTF-8 byte-order mark", "Re-save the file as UTF-8"]),
    ("bad-date.md", b"---\ndate: 06/09/2014\n---\nCalais.\n", LIMIT, ["bad date", "06/09/2014", "YYYY-MM-DD"]),
    ("unclosed.md", b"---\ntitle: x\nCalais.\n", LIMIT, ["bad front matter", "closing '---'"]),
]


@pytest.mark.parametrize(
    ("name", "data", "max_bytes", "reasons"),
    BAD_BYTES,
    ids=[
        "empty",
        "whitespace-only",
        "front-matter-only",
        "bom-and-blank",
        "binary-nul",
        "undecodable",
        "pdf-bytes",
        "docx-zip",
        "png-named-html",
        "over-size",
        "html-without-text",
        "bom-but-not-utf8",
        "bad-front-matter-date",
        "unclosed-front-matter",
    ],
)
def test_read_bytes_bad(name: str, data: bytes, max_bytes: int, reasons: list[str]) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_bytes(name, data, max_bytes=max_bytes)
    one_line_message(excinfo, repr(name), *reasons)
    assert isinstance(excinfo.value, GeoError) and isinstance(excinfo.value, ValueError)


def test_front_matter_errors_wrap_the_article_error() -> None:
    with pytest.raises(IngestError) as excinfo:
        read_bytes("bad.md", b"---\ndate: 2014-13-45\n---\nCalais.\n", max_bytes=LIMIT)
    assert type(excinfo.value.__cause__).__name__ == "ArticleError"


def test_cli_loader_still_rejects_non_utf8() -> None:
    # geo.readers detects encodings; `python -m geo extract` (geo.articles) stays strict.
    assert "Hénin-Beaumont" in read_path(DATA / "latin1.txt", max_bytes=LIMIT).text
    with pytest.raises(GeoError, match="not UTF-8"):
        load_article(DATA / "latin1.txt")


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [
        ("\x1b[31mred.txt", "\x1b"),
        ("\u202eevil\u202d.txt", "\u202e"),
        ("line\nbreak.txt", "\n"),
        ("../../" + "x" * 500 + ".txt", "x" * 200),
    ],
    ids=["ansi-escape", "bidi-override", "newline", "very-long"],
)
def test_messages_show_odd_names_safely(name: str, unsafe: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_bytes(name, b"", max_bytes=LIMIT)
    message = one_line_message(excinfo, "is empty")
    assert unsafe not in message


def test_read_path_missing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(IngestError) as excinfo:
        read_path(path, max_bytes=LIMIT)
    one_line_message(excinfo, repr(str(path)), "does not exist", "Check the path")
    assert isinstance(excinfo.value.__cause__, FileNotFoundError)


def test_read_path_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_path(tmp_path, max_bytes=LIMIT)
    one_line_message(excinfo, repr(str(tmp_path)), "is a folder")


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


def _link_loop(folder: Path) -> Path:
    (folder / "a.md").symlink_to(folder / "b.md")
    (folder / "b.md").symlink_to(folder / "a.md")
    return folder / "a.md"


def _broken_link(folder: Path) -> Path:
    (folder / "gone.txt").symlink_to(folder / "never-there.txt")
    return folder / "gone.txt"


def _dev_zero_link(folder: Path) -> Path:
    (folder / "zero.txt").symlink_to("/dev/zero")
    return folder / "zero.txt"


def _socket(folder: Path) -> Path:
    path = folder / "socket.txt"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _sparse_giant(folder: Path) -> Path:
    path = folder / "giant.txt"
    with path.open("wb") as file:
        file.truncate(10_000_000_000)  # 10 GB that take no disk space
    return path


def _under_a_file(folder: Path) -> Path:
    (folder / "plain.txt").write_text("Calais", encoding="utf-8")
    return folder / "plain.txt" / "inner.txt"


def _renamed_pdf(folder: Path) -> Path:
    (folder / "report.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return folder / "report.txt"


def _billion_laughs(folder: Path) -> Path:
    return Path(__file__).parent / "data" / "billion-laughs.md"


def _missing(folder: Path) -> Path:
    return folder / "no-such-article.md"


HOSTILE_PATHS: list[tuple[Callable[[Path], Path], int, list[str]]] = [
    (_fifo, LIMIT, ["is a named pipe (FIFO), not a file", "wait for a writer"]),
    (lambda folder: Path("/dev/zero"), LIMIT, ["'/dev/zero' is a character device", "not a file"]),
    (_dev_zero_link, LIMIT, ["is a character device"]),
    (lambda folder: Path("/dev/null"), LIMIT, ["is a character device"]),
    (_link_loop, LIMIT, ["is a symbolic link that loops", "Fix or remove the link"]),
    (_broken_link, LIMIT, ["is a broken symbolic link", "never-there.txt", "does not exist"]),
    (_socket, LIMIT, ["is a socket, not a file"]),
    (lambda folder: folder, LIMIT, ["is a folder, not a file"]),
    (_missing, LIMIT, ["does not exist. Check the path."]),
    (_under_a_file, LIMIT, ["a part of its path is a file, not a folder"]),
    (_sparse_giant, LIMIT, ["too large", "10,000,000,000 bytes", "limit of 1,000,000 bytes"]),
    (lambda folder: Path("/proc/self/status"), 100, ["too large: more than the limit of 100 bytes"]),
    (_renamed_pdf, LIMIT, ["is a PDF, not text"]),
    (_billion_laughs, LIMIT, ["bad front matter", "anchor '&a' on line 2"]),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX pipes, devices and sockets")
@pytest.mark.parametrize(
    ("make", "max_bytes", "reasons"),
    HOSTILE_PATHS,
    ids=[
        "fifo",
        "dev-zero",
        "link-to-dev-zero",
        "dev-null",
        "symlink-loop",
        "broken-symlink",
        "unix-socket",
        "folder",
        "missing",
        "path-under-a-file",
        "sparse-10-gb",
        "proc-file-larger-than-its-stat-size",
        "pdf-named-txt",
        "billion-laughs",
    ],
)
@pytest.mark.parametrize("utf8_only", [False, True], ids=["ingest", "extract"])
def test_hostile_paths(
    tmp_path: Path, make: Callable[[Path], Path], max_bytes: int, reasons: list[str], utf8_only: bool
) -> None:
    path = make(tmp_path)
    with pytest.raises(IngestError) as excinfo:
        read_path(path, max_bytes=max_bytes, utf8_only=utf8_only)
    one_line_message(excinfo, f"Article file {str(path)!r} ", *reasons)


def test_read_path_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot stop root from reading, so fake the permission error.
    path = tmp_path / "secret.txt"
    path.write_text("Calais", encoding="utf-8")

    def refuse(opened: object, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(opened))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(IngestError) as excinfo:
        read_path(path, max_bytes=LIMIT)
    one_line_message(excinfo, "permission denied")
    assert isinstance(excinfo.value.__cause__, PermissionError)


# --- article ids ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../x.txt", "x"),
        ("../../etc/passwd", "passwd"),
        ("a b/ç?.md", "c"),
        ("..", "article"),
        ("", "article"),
        ("/", "article"),
        ("\u202e evil.txt", "evil"),
        ("C:\\Users\\me\\Notes 2014.MD", "notes-2014"),
        ("Hénin-Beaumont: élections.html", "henin-beaumont-elections"),
        ("report.v2.txt", "report-v2"),
        ("report.pdf", "report-pdf"),
        ("москва.txt", "article"),
        ("---a___b---.txt", "a-b"),
        ("x" * 300 + ".txt", "x" * 80),
        ("ab " * 100, ("ab-" * 27)[:80].rstrip("-")),
    ],
    ids=[
        "parent-dir",
        "etc-passwd",
        "space-and-cedilla",
        "dot-dot",
        "empty",
        "slash",
        "bidi-override",
        "windows-path",
        "accents",
        "inner-dot",
        "other-suffix-kept",
        "cyrillic",
        "dashes-collapse",
        "very-long",
        "long-no-trailing-dash",
    ],
)
def test_article_id(name: str, expected: str) -> None:
    slug = article_id(name)
    assert slug == expected
    assert slug and len(slug) <= 80
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


# --- pasted text ---------------------------------------------------------------------------------------------------


def test_read_pasted() -> None:
    article = read_pasted("  Riots in Calais ", "\r\nPolice cleared the camp.\r\nMany went to Lille.\r\n\r\n")
    assert article.title == "Riots in Calais"
    assert article.text == "Police cleared the camp.\nMany went to Lille."
    assert article.id.startswith("riots-in-calais-") and len(article.id) == len("riots-in-calais-") + 8
    assert read_pasted("Riots in Calais", article.text).id == article.id
    assert read_pasted("Riots in Calais", article.text + " More.").id != article.id


def test_read_pasted_keeps_author_date_and_source() -> None:
    article = read_pasted("Boats", "Boats reached Lampedusa.", author=" A. Reporter ", date=dt.date(2015, 4, 20),
                          url=" https://example.org/boats ")  # fmt: skip
    assert (article.author, article.date, article.url) == (
        "A. Reporter",
        dt.date(2015, 4, 20),
        "https://example.org/boats",
    )
    assert read_pasted("Boats", "Boats reached Lampedusa.").id == article.id  # the same paste, the same id


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "example.org/boats", "ftp://example.org/b", "http://", "https://a b.org/"],
    ids=["script", "no-scheme", "ftp", "no-host", "space"],
)
def test_read_pasted_refuses_a_source_that_is_no_web_address(url: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_pasted("Boats", "Boats reached Lampedusa.", url=url)
    message = str(excinfo.value)
    assert message.startswith(f"Pasted article 'Boats': its source URL {url!r} is not a web address")
    assert "starting with http:// or https://, or leave it empty" in message


def test_read_pasted_without_title_uses_the_first_line() -> None:
    article = read_pasted("", "\n# Dover ferries halted\nStrike at the port of Dover.")
    assert article.title == "Dover ferries halted"
    assert article.id.startswith("dover-ferries-halted-")


def test_read_pasted_unsluggable_title() -> None:
    assert read_pasted("Москва", "Police in Moscow.").id.startswith("pasted-")


@pytest.mark.parametrize(
    ("title", "text"), [("Calais", ""), ("Calais", " \r\n\t "), ("", "")], ids=["empty", "blank", "both"]
)
def test_read_pasted_without_text(title: str, text: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_pasted(title, text)
    one_line_message(excinfo, "has no text", "Paste the article's text")


@pytest.mark.parametrize(
    ("title", "text", "max_bytes", "reasons"),
    [
        ("Big", "Calais " * 200, 1000, ["Pasted article 'Big' is too large", "1,400 bytes", "limit of 1,000 bytes"]),
        ("Nul", "Police in Calais.\x00\x00", LIMIT, ["Pasted article 'Nul' holds NUL characters", "not text"]),
    ],
    ids=["over-size", "nul-characters"],
)
def test_read_pasted_refused(title: str, text: str, max_bytes: int, reasons: list[str]) -> None:
    with pytest.raises(IngestError) as excinfo:
        read_pasted(title, text, max_bytes=max_bytes)
    one_line_message(excinfo, *reasons)


def test_read_pasted_lone_surrogates_become_replacement_characters() -> None:
    article = read_pasted("Calais \ud800", "Police in Calais.\udfff")
    assert article.text == "Police in Calais.\ufffd\ufffd\ufffd"
    assert article.title == "Calais \ufffd\ufffd\ufffd"
    article.text.encode("utf-8")  # storable


def test_read_pasted_size_limit_defaults_to_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_ATLAS_MAX_ARTICLE_BYTES", "100")
    with pytest.raises(IngestError) as excinfo:
        read_pasted("Big", "Calais " * 20)
    one_line_message(excinfo, "too large", "limit of 100 bytes")


COMMENTS = "<!-- a comment -->\n" * 40


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ((COMMENTS + "<!DOCTYPE html><p>Police in Arras.</p>").encode(), "Police in Arras."),
        ((COMMENTS + "<html><p>Police in Arras.</p></html>").encode(), "Police in Arras."),
        ((COMMENTS + "Police in Arras.").encode(), COMMENTS + "Police in Arras."),
        (("<!--" * 40 + "--> Police in Arras.").encode(), "<!--" * 40 + "--> Police in Arras."),
        (("<!-- unclosed " * 40).encode(), "<!-- unclosed " * 40),
        (("  <!---->" * 40 + "<p>x</p>").encode(), "  <!---->" * 40 + "<p>x</p>"),
    ],
    ids=["comments-then-doctype", "comments-then-html", "comments-then-text", "nested-openers", "unclosed-comment",
         "empty-comments-then-fragment"],
)  # fmt: skip
def test_unknown_suffix_is_sniffed_past_any_number_of_comments(data: bytes, text: str) -> None:
    # The sniffing regex backtracked exponentially on a run of comments not followed by <html> (22 took 1.2 s).
    assert read_bytes("notes", data, max_bytes=LIMIT).text == text


# --- inputs --------------------------------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in [
        "b.md",
        "a.txt",
        "sub/c.html",
        "sub/deeper/d.htm",
        "sub/e.markdown",
        "notes.json",
        ".hidden/x.md",
        "sub/.draft.txt",
        "f.TXT",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Calais", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_expand_folder_recursively(tree: Path) -> None:
    paths, problems = expand_inputs([str(tree)])
    assert [p.relative_to(tree).as_posix() for p in paths] == [
        "a.txt",
        "b.md",
        "f.TXT",
        "sub/c.html",
        "sub/deeper/d.htm",
        "sub/e.markdown",
    ]
    assert problems == []


def test_expand_glob_file_and_duplicates(tree: Path) -> None:
    explicit = str(tree / "notes.json")
    paths, problems = expand_inputs([str(tree / "**" / "*.htm*"), explicit, str(tree / "sub"), explicit])
    assert [p.relative_to(tree).as_posix() for p in paths] == [
        "sub/c.html",
        "sub/deeper/d.htm",
        "notes.json",  # a file named explicitly is kept whatever its suffix
        "sub/e.markdown",
    ]
    assert problems == []


def test_expand_reports_what_matches_nothing(tree: Path) -> None:
    inputs = [str(tree / "missing.txt"), str(tree / "empty"), str(tree / "*.pdf"), str(tree / "a.txt")]
    paths, problems = expand_inputs(inputs)
    assert paths == [tree / "a.txt"]
    assert [given for given, _ in problems] == inputs[:3]
    assert "does not exist" in problems[0][1]
    assert "no .txt, .md" in problems[1][1] and "no .txt, .md" in problems[2][1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX pipes")
def test_expand_hands_odd_files_to_the_reader(tmp_path: Path) -> None:
    # A pipe, a link loop and a broken link are inputs to report for what they are, not "does not exist" nor skipped.
    folder = tmp_path / "batch"
    folder.mkdir()
    odd = [_fifo(folder), _link_loop(folder), _broken_link(folder)]
    paths, problems = expand_inputs([*map(str, odd), str(tmp_path / "missing.txt")])
    assert paths == odd
    assert problems == [(str(tmp_path / "missing.txt"), "does not exist; check the path")]
    in_folder, problems = expand_inputs([str(folder)])
    assert sorted(in_folder) == sorted([*odd, folder / "b.md"]) and problems == []
    by_glob, _ = expand_inputs([str(folder / "*.txt")])
    assert sorted(by_glob) == sorted([folder / "pipe.txt", folder / "gone.txt"])


# --- web pages -----------------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Routes of the local test site."""

    release: threading.Event

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        routes: dict[str, Callable[[], None]] = {
            "/news/riots-in-calais.html": lambda: self._send(200, "text/html; charset=utf-8", PAGE),
            "/plain": lambda: self._send(200, "text/plain", b"Notes from Dover\n\nFerries halted."),
            "/latin1": lambda: self._send(
                200, "text/html; charset=ISO-8859-1", "<p>À Hénin-Beaumont.</p>".encode("latin-1")
            ),
            "/untyped": lambda: self._send(200, None, b"<!doctype html><p>Police in Lens.</p>"),
            "/missing": lambda: self._send(404, "text/html", b"<h1>Not found</h1>"),
            "/broken": lambda: self._send(500, "text/html", b"<h1>Oops</h1>"),
            "/report.pdf": lambda: self._send(200, "application/pdf", b"%PDF-1.7\n"),
            "/disguised": lambda: self._send(200, "text/html", b"%PDF-1.7\n"),
            "/photo": lambda: self._send(200, "image/png", b"\x89PNG\r\n\x1a\n"),
            "/big": lambda: self._send(200, "text/html", b"<p>" + b"Calais " * 1000 + b"</p>"),
            "/big-unsized": lambda: self._send(200, "text/html", b"<p>" + b"Calais " * 1000 + b"</p>", sized=False),
            "/slow": self._slow,
            "/redirect": lambda: self._redirect("/news/riots-in-calais.html"),
            "/redirect-ftp": lambda: self._redirect("ftp://127.0.0.1/secret.txt"),
            "/redirect-file": lambda: self._redirect("file:///etc/passwd"),
        }
        routes.get(self.path, lambda: self._send(404, "text/plain", b"no route"))()

    def _send(self, status: int, content_type: str | None, body: bytes, *, sized: bool = True) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if sized:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self) -> None:
        self.release.wait(2.0)  # the client gives up long before; the fixture releases us at teardown
        try:
            self._send(200, "text/html", b"<p>Too late.</p>")
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A local web site on a free port of 127.0.0.1; yields its base URL."""
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetch(url: str, *, timeout: float = ANSWER_TIMEOUT, max_bytes: int = LIMIT) -> object:
    return fetch_url(url, timeout=timeout, max_bytes=max_bytes, user_agent="news-atlas-test")


def test_fetch_article_page(site: str) -> None:
    url = f"{site}/news/riots-in-calais.html"
    article = fetch_url(url, timeout=ANSWER_TIMEOUT, max_bytes=LIMIT)
    assert article.url == url
    assert article.id == "riots-in-calais"
    assert article.title == "Riot police clear migrant camps in Calais"
    assert article.author == "Jane Marchand"
    assert article.date == dt.date(2014, 5, 28)
    assert article.source == "The Channel Herald"
    assert "Several hundred people had been living near the port" in article.text
    assert "<script" not in article.text and "onerror" not in article.text and "Subscribe" not in article.text


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/redirect", {"title": "Riot police clear migrant camps in Calais"}),
        (
            "/plain",
            {
                "id": "plain",
                "title": "Notes from Dover",
                "text": "Notes from Dover\n\nFerries halted.",
                "source": "127.0.0.1",
            },
        ),
        ("/latin1", {"id": "latin1", "text": "À Hénin-Beaumont."}),
        ("/untyped", {"id": "untyped", "text": "Police in Lens."}),
    ],
    ids=["redirect-followed", "text-plain-host-as-source", "declared-latin-1", "no-content-type-sniffed"],
)
def test_fetch_good(site: str, route: str, expected: dict[str, str]) -> None:
    article = fetch_url(site + route, timeout=ANSWER_TIMEOUT, max_bytes=LIMIT)
    for field, value in expected.items():
        assert getattr(article, field) == value, field
    assert article.url == site + route


@pytest.mark.parametrize(
    ("route", "kwargs", "reasons"),
    [
        ("/missing", {}, ["HTTP 404", "Not Found", "Check the address"]),
        ("/broken", {}, ["HTTP 500"]),
        ("/report.pdf", {}, ["is a PDF", "save the article's text as a .txt file and add that"]),
        ("/disguised", {}, ["is a PDF"]),
        ("/photo", {}, ["'image/png'", "not a web page or text"]),
        ("/big", {"max_bytes": 1000}, ["too large", "limit of 1,000 bytes", "NEWS_ATLAS_MAX_ARTICLE_BYTES"]),
        ("/big-unsized", {"max_bytes": 1000}, ["too large", "limit of 1,000 bytes", "NEWS_ATLAS_MAX_ARTICLE_BYTES"]),
        ("/slow", {"timeout": 0.5}, ["timed out after 0.5 s", "NEWS_ATLAS_FETCH_TIMEOUT"]),
        ("/redirect-ftp", {}, ["redirects to 'ftp://127.0.0.1/secret.txt'", "not an http(s) address"]),
        ("/redirect-file", {}, ["file:///etc/passwd"]),
    ],
    ids=[
        "404",
        "500",
        "pdf",
        "pdf-bytes-as-html",
        "image",
        "over-size",
        "over-size-unsized",
        "timeout",
        "redirect-to-ftp",
        "redirect-to-file",
    ],
)
def test_fetch_bad(site: str, route: str, kwargs: dict[str, float], reasons: list[str]) -> None:
    with pytest.raises(IngestError) as excinfo:
        fetch(site + route, **kwargs)
    one_line_message(excinfo, *reasons)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/x.txt", "javascript:alert(1)", "data:text/html,<p>x</p>", "http://", ""],
    ids=["file", "ftp", "javascript", "data", "no-host", "empty"],
)
def test_fetch_refuses_other_schemes(url: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        fetch(url)
    one_line_message(excinfo, repr(url), "not an http:// or https:// address")


def test_fetch_unreachable() -> None:
    # A port that was free a moment ago: nothing listens there.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    server.server_close()
    with pytest.raises(IngestError) as excinfo:
        fetch(f"http://127.0.0.1:{port}/article")
    one_line_message(excinfo, "cannot be reached", "Check the address")


# --- settings ------------------------------------------------------------------------------------------------------


def test_reader_settings() -> None:
    defaults = Settings.load(environ={})
    assert defaults.max_article_bytes == 5_000_000 and defaults.fetch_timeout == 10.0
    settings = Settings.load(environ={"NEWS_ATLAS_MAX_ARTICLE_BYTES": "1000", "NEWS_ATLAS_FETCH_TIMEOUT": "2.5"})
    assert settings.max_article_bytes == 1000 and type(settings.max_article_bytes) is int
    assert settings.fetch_timeout == 2.5


@pytest.mark.parametrize(
    "environ",
    [
        {"NEWS_ATLAS_MAX_ARTICLE_BYTES": "5MB"},
        {"NEWS_ATLAS_MAX_ARTICLE_BYTES": "0"},
        {"NEWS_ATLAS_FETCH_TIMEOUT": "-1"},
    ],
    ids=["not-an-int", "zero-size", "negative-timeout"],
)
def test_bad_reader_settings(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        Settings.load(environ=environ)


# --- property-based: any bytes give an article or a clear error ----------------------------------------------------

# Pieces that steer random input into front matter, HTML, byte-order marks, signatures and other encodings.
FRAGMENTS = [
    b"---\n", b"title: ", b"date: 2014-05-29\n", b"&a ", b"*a", b"[", b"]", b"{", b"}", b"!!python/name:os.system",
    b"<!DOCTYPE html>", b"<html>", b"<p>", b"</p>", b"<!--", b"-->", b"<script>", b"<div>" * 300, b"&amp;", b"<",
    b"\x00", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"%PDF-", b"PK\x03\x04", b"\r", b"\n", b"\r\n", b"\xe9", b"\xff",
    "Hénin-Beaumont ".encode(), "Москва ".encode("cp1251"), b"Calais ", b"  ", b"\t",
]  # fmt: skip
ADVERSARIAL_BYTES = st.one_of(
    st.binary(max_size=3000), st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=8), max_size=60).map(b"".join)
)


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.markdown", "a.html", "a.htm", "notes", "report.pdf"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ADVERSARIAL_BYTES)
def test_any_bytes_give_an_article_or_a_clear_error(name: str, data: bytes) -> None:
    try:
        article = read_bytes(name, data, max_bytes=2000)
    except IngestError as err:
        message = str(err)
        assert message.startswith(f"Article file {name!r} ") and "\n" not in message and "\r" not in message
        assert len(message) < 1000
        return
    assert article.text.strip()
    assert article.id == article_id(article.id) and len(article.title) <= 201
    article.text.encode("utf-8")  # storable


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=300), text=st.text(max_size=3000))
def test_any_pasted_text_gives_an_article_or_a_clear_error(title: str, text: str) -> None:
    try:
        article = read_pasted(title, text, max_bytes=6000)
    except IngestError as err:
        message = str(err)
        assert message.startswith(("Pasted article ", "Pasted text ")) and "\n" not in message
        return
    assert article.text == article.text.strip() and article.text
    assert "\r" not in article.text
    (article.text + article.title + article.id).encode("utf-8")  # storable
