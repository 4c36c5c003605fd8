"""Article readers: files, uploads, pasted text and web pages -> ``Article``.

Input: bytes with the file name they came under (an upload), a path, pasted
text with a title, or an http(s) URL.  Output: one ``Article`` whose ``text``
is what the geoparser reads, or an ``IngestError`` whose one-line message
names the input, says what is wrong and what to do.  Nothing here stores,
geoparses or imports Streamlit.

Formats, by the file name's suffix (a web page by its Content-Type):

- ``.md``, ``.markdown``: YAML front matter and body, parsed by
  ``geo.articles.parse_markdown`` exactly as ``python -m geo extract`` does.
- ``.txt``: the text unchanged; the title is its first non-empty line.
- ``.html``, ``.htm``: the article's plain text and the page's title,
  author, date and site name, by ``geo.webpage.extract_page`` (trafilatura;
  the visible text when it finds no article).  No markup survives.
- Any other suffix: read as text if it decodes, as HTML if it starts like an
  HTML document.  PDFs, Office files, archives and images are refused by
  their leading bytes whatever their name.

Every way in goes through the same checks and messages: a file must be a
regular file (a pipe, device, socket, folder, broken link or link loop is
named for what it is, and never opened in a way that could wait), and at
most ``max_bytes + 1`` bytes are ever read, so ``/dev/zero``, a growing file
or a huge page cannot exhaust memory.  Any encoding that ``geo.decoding``
recognises is read (UTF-8, UTF-16/32 with a byte-order mark, a declared
charset, or charset-normalizer's guess); ``read_path(..., utf8_only=True)``
(``python -m geo extract``) accepts UTF-8 only.

Article ids are safe slugs (``article_id``); error messages show names with
``repr`` so control and bidirectional characters cannot reach a terminal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import glob
import hashlib
import logging
import os
import re
import stat
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from geo.articles import article_from_text, parse_markdown
from geo.config import Settings
from geo.decoding import decode_text, html_charset
from geo.exc import ArticleError, IngestError
from geo.fetch import download
from geo.models import Article
from geo.webpage import extract_page

logger = logging.getLogger(__name__)

_Kind = Literal["text", "markdown", "html", "auto"]
_KINDS: dict[str, _Kind] = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
#: Suffixes read from folders and globs.
READABLE_SUFFIXES: tuple[str, ...] = tuple(_KINDS)
_MEDIA_KINDS: dict[str, _Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "": "auto",
}
_MAX_ID = 80
_MAX_TITLE = 200
_MAX_SHOWN = 120
_GLOB_MAGIC = re.compile(r"[*?[]")
_BLANK = re.compile(r"\s*")
_HTML_START = re.compile(r"<(!doctype\s+html|html[\s>])", re.IGNORECASE)
_CHUNK = 1 << 20
# Open without waiting (a pipe with no writer), without becoming a terminal's reader, and not inherited.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOT_FILES = (
    (stat.S_ISDIR, "is a folder, not a file. Pass the .txt, .md or .html files in it."),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a file: reading it would wait for a writer. Pass a text file."),
    (stat.S_ISCHR, "is a character device (such as a terminal or /dev/zero), not a file. Pass a text file."),
    (stat.S_ISBLK, "is a block device (a disk), not a file. Pass a text file."),
    (stat.S_ISSOCK, "is a socket, not a file. Pass a text file."),
)


def read_bytes(name: str, data: bytes, *, max_bytes: int, source: str = "", url: str = "") -> Article:
    """Read an article from the bytes of a file, e.g. an upload.

    Parameters
    ----------
    name:
        The file name as given; its suffix picks the format (see the module
        docstring) and its stem the id.  Directories in it are ignored.
    data:
        The file's bytes.
    max_bytes:
        Refuse more bytes than this (setting ``max_article_bytes``).
    source:
        The publication, when the content does not name one (front matter
        ``source``, an HTML page's site name).
    url:
        Where the article came from; overrides a front-matter ``url``.

    Returns
    -------
    Article
        With a safe-slug ``id`` and an empty ``path``.

    Raises
    ------
    IngestError
        When the data is too large, empty, blank, binary, in no recognisable
        encoding, a PDF or other document format, has bad front matter, or has
        no article text.

    Examples
    --------
    >>> read_bytes("../Calais riots.txt", b"Riots in Calais\\n\\nPolice cleared the camp.", max_bytes=1000).id
    'calais-riots'
    """
    kind = _KINDS.get(PurePosixPath(name.replace("\\", "/")).suffix.lower(), "auto")
    return _read(f"Article file {shown(name)}", name, data, kind=kind, max_bytes=max_bytes, source=source, url=url)


def read_path(path: str | Path, *, max_bytes: int, utf8_only: bool = False) -> Article:
    """Read an article file from disk: ``python -m geo extract``, ``ingest`` and the seeds.

    Only regular files are read.  The file is opened without blocking, its
    kind and size are checked on the open file, and at most ``max_bytes + 1``
    bytes are read, so a pipe, a device, a file that grows or a sparse giant
    costs nothing.

    Parameters
    ----------
    path:
        A ``.txt``, ``.md``, ``.markdown``, ``.html`` or ``.htm`` file (other
        suffixes: see the module docstring).
    max_bytes:
        Refuse files larger than this (setting ``max_article_bytes``).
    utf8_only:
        Refuse text that is not UTF-8 instead of detecting its encoding.

    Returns
    -------
    Article
        ``path`` is ``path`` as given.

    Raises
    ------
    IngestError
        When the file is missing, a folder, a pipe, device or socket, a broken
        or looping symbolic link, unreadable, too large, or its content cannot
        be read (see ``read_bytes``).

    Examples
    --------
    >>> from geo.config import Settings
    >>> settings = Settings.load()
    >>> read_path(settings.articles_dir / "calais-police-attack-camp-2014-05-29.md", max_bytes=10**6).author
    'Pierre Mabut'
    """
    path = Path(path)
    label = f"Article file {shown(str(path))}"
    data = read_file(label, path, max_bytes)
    kind = _KINDS.get(path.suffix.lower(), "auto")
    article = _read(label, path.name, data, kind=kind, max_bytes=max_bytes, utf8_only=utf8_only)
    return dataclasses.replace(article, path=str(path))


def read_pasted(
    title: str,
    text: str,
    *,
    author: str = "",
    date: dt.date | None = None,
    url: str = "",
    max_bytes: int | None = None,
) -> Article:
    """Make an article from pasted text, a title and, when given, its author, date and source URL.

    Parameters
    ----------
    title:
        The article's title; when blank, the text's first non-empty line is used.
    text:
        The article's text.  Windows line ends become ``\\n`` and surrounding
        blank space is dropped.
    author, date, url:
        Who wrote it, when, and where it was published: an ``http://`` or
        ``https://`` address, which the reader links to.
    max_bytes:
        Refuse texts longer than this in UTF-8 (setting ``max_article_bytes``,
        read from the environment when omitted).

    Returns
    -------
    Article
        Its ``id`` is the title's slug and a short hash of the text, so two
        pastes under one title keep apart and the same paste gets the same id.

    Raises
    ------
    IngestError
        When the text is empty or only blank space, too large, or holds NUL characters (binary data), or
        the URL is not a web address.

    Examples
    --------
    >>> read_pasted("Riots in Calais", "Police cleared the camp in Calais.").id
    'riots-in-calais-82edbfb7'
    """
    title, text = _encodable(title), _encodable(text)
    label = f"Pasted article {shown(title.strip())}" if title.strip() else "Pasted text"
    _check_size(label, len(text.encode("utf-8")), Settings.load().max_article_bytes if max_bytes is None else max_bytes)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise IngestError(f"{label} has no text. Paste the article's text, then add it.")
    if "\x00" in text:
        raise IngestError(f"{label} holds NUL characters, so it is binary data, not text. Paste the article's text.")
    url = _source_url(label, _encodable(url).strip())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    metadata = {"title": title, "author": _encodable(author), "date": date.isoformat() if date else "", "url": url}
    article = _build(article_from_text, label, text, article_id="", metadata=metadata)
    stem = slug(article.title)[: _MAX_ID - len(digest) - 1].rstrip("-") or "pasted"
    return dataclasses.replace(article, id=f"{stem}-{digest}", title=_shorten(article.title))


def _source_url(label: str, url: str) -> str:
    """``url`` when it is empty or an http(s) address with a host and no blank or control character."""
    try:
        parts = urllib.parse.urlsplit(url)
        web = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # "http://[::1" and the like
        web = False
    if url and not (web and all(char.isprintable() and not char.isspace() for char in url)):
        raise IngestError(f"{label}: its source URL {shown(url)} is not a web address. "
                          "Give the address starting with http:// or https://, or leave it empty.")  # fmt: skip
    return url


def fetch_url(
    url: str, *, timeout: float, max_bytes: int, user_agent: str = "news-atlas", allow_private: bool = True
) -> Article:
    """Download a web page and keep its article's text and metadata.

    Parameters
    ----------
    url:
        An ``http://`` or ``https://`` address.  Redirects are followed to
        http(s) addresses only.
    timeout:
        Seconds for the whole download, DNS, connection, redirects and body
        included (setting ``fetch_timeout``).
    max_bytes:
        Refuse pages larger than this (setting ``max_article_bytes``); at most
        one byte more is read.
    user_agent:
        The User-Agent header sent.
    allow_private:
        Also fetch from loopback and private-network addresses (setting
        ``fetch_private``); link-local and cloud metadata addresses are refused
        either way.  See ``geo.fetch``.

    Returns
    -------
    Article
        ``url`` is ``url``; ``source`` is the page's site name, else its host name.

    Raises
    ------
    IngestError
        For another scheme, a refused address, a timeout, an HTTP error status,
        an unreachable host, a PDF or other non-text content type, a page that
        is too large, or one with no article text.

    Examples
    --------
    >>> fetch_url("file:///etc/passwd", timeout=1, max_bytes=1000)
    Traceback (most recent call last):
    ...
    geo.exc.IngestError: Web page 'file:///etc/passwd' is not an http:// or https:// address. ...
    """
    url = url.strip()
    label = f"Web page {shown(url)}"
    page = download(
        label, url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent, allow_private=allow_private
    )
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    name = PurePosixPath(urllib.parse.unquote(parts.path)).name or host
    kind = _MEDIA_KINDS.get(page.media_type, "text")
    return _read(label, name, page.data, kind=kind, max_bytes=max_bytes, source=host, url=url, charset=page.charset)


def article_id(name: str) -> str:
    """A safe id from a file name: its last part, without an article suffix, as a slug.

    Parameters
    ----------
    name:
        A file name or path as given (``/`` and ``\\`` both separate folders).

    Returns
    -------
    str
        Lower-case ASCII letters, digits and single dashes, at most 80
        characters, never empty (``"article"`` when nothing is left).

    Examples
    --------
    >>> article_id("../../etc/passwd"), article_id("Hénin-Beaumont Élections.md"), article_id("..")
    ('passwd', 'henin-beaumont-elections', 'article')
    """
    parts = [part for part in re.split(r"[\\/]", name) if part not in {"", ".", ".."}]
    base = parts[-1] if parts else ""
    stem, dot, suffix = base.rpartition(".")
    if dot and stem and f".{suffix.lower()}" in _KINDS:
        base = stem
    return slug(base)[:_MAX_ID].rstrip("-") or "article"


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Turn files, folders and glob patterns into the article files to read.

    Parameters
    ----------
    inputs:
        File paths (kept whatever their suffix), folders (searched
        recursively for .txt, .md, .markdown, .html and .htm files, skipping
        hidden files and folders) and glob patterns (``**`` recurses; only
        files with those suffixes are kept).  An existing path is never read
        as a pattern.

    Returns
    -------
    tuple[list[Path], list[tuple[str, str]]]
        The files, in input order (each folder's and pattern's sorted), each
        once; and ``(input, reason)`` for every input that names no file.

    Examples
    --------
    >>> expand_inputs(["no/such/file.txt"])
    ([], [('no/such/file.txt', 'does not exist; check the path')])
    """
    found: list[Path] = []
    seen: set[str] = set()
    problems: list[tuple[str, str]] = []
    wanted = "no .txt, .md, .markdown, .html or .htm files"
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            matches = _article_files(path)
            if not matches:
                problems.append((given, f"is a folder with {wanted}"))
        elif os.path.lexists(path):
            # Whatever it is (a file, a pipe, a broken link, a link loop), the reader says what is wrong with it.
            matches = [path]
        elif _GLOB_MAGIC.search(given):
            matches = []
            for hit in sorted(glob.glob(given, recursive=True)):
                candidate = Path(hit)
                if candidate.is_dir():
                    matches.extend(_article_files(candidate))
                elif candidate.suffix.lower() in _KINDS:
                    matches.append(candidate)
            if not matches:
                problems.append((given, f"matches {wanted}"))
        else:
            matches = []
            problems.append((given, "does not exist; check the path"))
        for match in matches:
            # realpath, unlike Path.resolve, does not raise on a link loop (which read_path then reports).
            key = os.path.realpath(match)
            if key not in seen:
                seen.add(key)
                found.append(match)
    return found, problems


def _read(
    label: str,
    name: str,
    data: bytes,
    *,
    kind: _Kind,
    max_bytes: int,
    source: str = "",
    url: str = "",
    charset: str = "",
    utf8_only: bool = False,
) -> Article:
    """The shared core: check, decode and parse ``data``; ``label`` names it in messages."""
    _check_size(label, len(data), max_bytes)
    if not data:
        raise IngestError(f"{label} is empty (0 bytes). Add the article's text, or leave it out.")
    declared = charset or (html_charset(data) if kind in {"html", "auto"} else "")
    text = decode_text(label, data, charset=declared, utf8_only=utf8_only)
    if not text.strip():
        raise IngestError(f"{label} has only blank space, no text. Add the article's text, or leave it out.")
    if kind == "auto":
        kind = "html" if _looks_like_html(text) else "text"
        logger.info("%s has no known suffix; reading it as %s", label, kind)
    default_id = article_id(name)
    if kind == "html":
        page = extract_page(label, text, url=url)
        article = Article(
            id=default_id,
            title=page.title,
            text=page.text,
            author=page.author,
            date=page.date,
            source=page.site_name,
            url=page.url,
        )
    else:
        build = parse_markdown if kind == "markdown" else article_from_text
        article = _build(build, label, text, article_id=default_id)
    return dataclasses.replace(
        article,
        id=article_id(article.id),
        title=_shorten(article.title or name),
        source=article.source or source,
        url=url or article.url,
    )


def _build(build: Callable[..., Article], label: str, text: str, **kwargs: Any) -> Article:
    """Call a ``geo.articles`` builder, turning its ``ArticleError`` into ``IngestError``."""
    try:
        return build(label, text, **kwargs)
    except ArticleError as err:
        raise IngestError(str(err)) from err


_ARTICLE_REMEDY = "Split the article, or raise NEWS_ATLAS_MAX_ARTICLE_BYTES."


def _check_size(label: str, size: int, max_bytes: int, *, exact: bool = True, remedy: str = _ARTICLE_REMEDY) -> None:
    if size > max_bytes:
        how_big = f"{size:,} bytes, over" if exact else "more than"
        raise IngestError(f"{label} is too large: {how_big} the limit of {max_bytes:,} bytes. {remedy}")


def read_file(label: str, path: Path, max_bytes: int, *, remedy: str = _ARTICLE_REMEDY) -> bytes:
    """At most ``max_bytes`` bytes of a regular file, or an ``IngestError`` saying what the path is instead.

    ``label`` names the file in messages ("Article file 'a.md'"); ``remedy``
    says what to do with a file over the limit.  Any file News Atlas reads
    whole goes through here (articles, corrections files).
    """
    try:
        # stat() first: a device or pipe is refused without being opened, an over-size file without being read.
        _check_regular(label, os.stat(path))
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        raise IngestError(f"{label} {_open_problem(path, err)}") from err
    try:
        info = os.fstat(fd)
        _check_regular(label, info)  # it may have been replaced since stat()
        _check_size(label, info.st_size, max_bytes, remedy=remedy)
        chunks: list[bytes] = []
        size = 0
        # One byte more than allowed: a file that grows while it is read, or whose size stat() does not know
        # (/proc), is still refused.
        while size <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise IngestError(f"{label} cannot be read: {err.strerror or err}. Check the file.") from err
    finally:
        os.close(fd)
    _check_size(label, size, max_bytes, exact=False, remedy=remedy)
    return b"".join(chunks)


def _check_regular(label: str, info: os.stat_result) -> None:
    """Refuse anything but a regular file, saying what it is."""
    for test, reason in _NOT_FILES:
        if test(info.st_mode):
            raise IngestError(f"{label} {reason}")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(f"{label} is not a regular file. Pass a text file.")


def _open_problem(path: Path, err: OSError) -> str:
    """Why ``path`` could not be opened, for the message after its label."""
    if err.errno == errno.ENOENT and os.path.islink(path):
        try:
            target = f" {shown(os.readlink(path))}"
        except OSError:  # removed meanwhile
            target = ""
        return f"is a broken symbolic link: its target{target} does not exist. Fix or remove the link."
    if err.errno == errno.ENOENT:
        return "does not exist. Check the path."
    if err.errno == errno.ELOOP:
        return "is a symbolic link that loops (too many levels of symbolic links). Fix or remove the link."
    if err.errno == errno.ENOTDIR:
        return "does not exist: a part of its path is a file, not a folder. Check the path."
    if err.errno in {errno.EACCES, errno.EPERM}:
        return "cannot be read: permission denied. Check its permissions."
    if err.errno == errno.ENXIO:
        return "is a socket or a device with nothing behind it, not a file. Pass a text file."
    return f"cannot be read: {err.strerror or err}. Check the file."


def _looks_like_html(text: str) -> bool:
    """True when ``text`` starts, after blank space and comments, like an HTML document.

    A loop, not one regular expression: ``\\s*(<!--.*?-->\\s*)*<html`` backtracks
    exponentially over a run of comments that is not followed by ``<html``.
    """
    pos = _BLANK.match(text).end()  # type: ignore[union-attr]  # \s* always matches
    while text.startswith("<!--", pos):
        end = text.find("-->", pos + 4)
        if end < 0:
            return False
        pos = _BLANK.match(text, end + 3).end()  # type: ignore[union-attr]
    return _HTML_START.match(text, pos) is not None


def _encodable(text: str) -> str:
    """``text`` with any lone surrogate (which UTF-8 and SQLite cannot hold) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _article_files(folder: Path) -> list[Path]:
    """The article files under ``folder``, recursively, sorted, skipping hidden files and folders.

    Anything but a folder is kept, so that a pipe or a broken link named like an article is reported, not skipped.
    """
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in _KINDS
        and not path.is_dir()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def shown(value: str) -> str:
    """``value`` quoted for a one-line message: control and bidi characters escaped, long values cut."""
    if len(value) > _MAX_SHOWN:
        value = value[:_MAX_SHOWN] + "…"
    return repr(value)


def _shorten(title: str) -> str:
    """The title on one line, at most ``_MAX_TITLE`` characters, cut at a word."""
    title = " ".join(title.split())
    if len(title) <= _MAX_TITLE:
        return title
    return title[:_MAX_TITLE].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
