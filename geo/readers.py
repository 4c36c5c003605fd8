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

Unlike ``geo.articles``, which insists on UTF-8, any encoding that
``geo.decoding`` recognises is read (UTF-8, UTF-16/32 with a byte-order
mark, a declared charset, or charset-normalizer's guess).

Article ids are safe slugs (``article_id``); error messages show names with
``repr`` so control and bidirectional characters cannot reach a terminal.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import logging
import re
import stat
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from geo.articles import article_from_text, parse_markdown
from geo.decoding import decode_text, html_charset
from geo.exc import ArticleError, IngestError
from geo.models import Article
from geo.webpage import download, extract_page

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
_LOOKS_LIKE_HTML = re.compile(r"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


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
    return _read(f"Article file {_show(name)}", name, data, kind=kind, max_bytes=max_bytes, source=source, url=url)


def read_path(path: str | Path, *, max_bytes: int) -> Article:
    """Read an article file from disk.

    The size is checked before reading, so an over-size file costs nothing.

    Parameters
    ----------
    path:
        A ``.txt``, ``.md``, ``.markdown``, ``.html`` or ``.htm`` file (other
        suffixes: see the module docstring).
    max_bytes:
        Refuse files larger than this (setting ``max_article_bytes``).

    Returns
    -------
    Article
        ``path`` is ``path`` as given.

    Raises
    ------
    IngestError
        When the file is missing, a folder, not a regular file, unreadable, too
        large, or its content cannot be read (see ``read_bytes``).

    Examples
    --------
    >>> from geo.config import Settings
    >>> settings = Settings.load()
    >>> read_path(settings.articles_dir / "calais-police-attack-camp-2014-05-29.md", max_bytes=10**6).author
    'Pierre Mabut'
    """
    path = Path(path)
    label = f"Article file {_show(str(path))}"
    try:
        # stat() before open(): opening a pipe would wait for a writer, and an over-size file is refused unread.
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IngestError(f"{label} is a folder, not a file. Pass the .txt, .md or .html files in it.")
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"{label} is not a regular file (a device, pipe or socket). Pass a text file.")
        _check_size(label, info.st_size, max_bytes)
        with path.open("rb") as file:
            # One byte more than allowed: a file that grew since stat() is still refused.
            data = file.read(max_bytes + 1)
    except FileNotFoundError as err:
        raise IngestError(f"{label} does not exist. Check the path.") from err
    except PermissionError as err:
        raise IngestError(f"{label} cannot be read: permission denied. Check its permissions.") from err
    except OSError as err:
        raise IngestError(f"{label} cannot be read: {err.strerror or err}. Check the file.") from err
    article = _read(label, path.name, data, kind=_KINDS.get(path.suffix.lower(), "auto"), max_bytes=max_bytes)
    return dataclasses.replace(article, path=str(path))


def read_pasted(title: str, text: str) -> Article:
    """Make an article from pasted text and a title.

    Parameters
    ----------
    title:
        The article's title; when blank, the text's first non-empty line is used.
    text:
        The article's text.  Windows line ends become ``\\n`` and surrounding
        blank space is dropped.

    Returns
    -------
    Article
        Its ``id`` is the title's slug and a short hash of the text, so two
        pastes under one title keep apart and the same paste gets the same id.

    Raises
    ------
    IngestError
        When the text is empty or only blank space.

    Examples
    --------
    >>> read_pasted("Riots in Calais", "Police cleared the camp in Calais.").id
    'riots-in-calais-82edbfb7'
    """
    label = f"Pasted article {_show(title.strip())}" if title.strip() else "Pasted text"
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise IngestError(f"{label} has no text. Paste the article's text, then add it.")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    article = _build(article_from_text, label, text, article_id="", metadata={"title": title})
    stem = _slug(article.title)[: _MAX_ID - len(digest) - 1].rstrip("-") or "pasted"
    return dataclasses.replace(article, id=f"{stem}-{digest}", title=_shorten(article.title))


def fetch_url(url: str, *, timeout: float, max_bytes: int, user_agent: str = "news-atlas") -> Article:
    """Download a web page and keep its article's text and metadata.

    Parameters
    ----------
    url:
        An ``http://`` or ``https://`` address.  Redirects are followed to
        http(s) addresses only.
    timeout:
        Seconds for the whole download (setting ``fetch_timeout``).
    max_bytes:
        Refuse pages larger than this (setting ``max_article_bytes``); at most
        one byte more is read.
    user_agent:
        The User-Agent header sent.

    Returns
    -------
    Article
        ``url`` is ``url``; ``source`` is the page's site name, else its host name.

    Raises
    ------
    IngestError
        For another scheme, a timeout, an HTTP error status, an unreachable
        host, a PDF or other non-text content type, a page that is too large,
        or one with no article text.

    Examples
    --------
    >>> fetch_url("file:///etc/passwd", timeout=1, max_bytes=1000)
    Traceback (most recent call last):
    ...
    geo.exc.IngestError: Web page 'file:///etc/passwd' is not an http:// or https:// address. ...
    """
    url = url.strip()
    label = f"Web page {_show(url)}"
    page = download(label, url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
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
    return _slug(base)[:_MAX_ID].rstrip("-") or "article"


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
    seen: set[Path] = set()
    problems: list[tuple[str, str]] = []
    wanted = "no .txt, .md, .markdown, .html or .htm files"
    for given in inputs:
        path = Path(given)
        if path.is_file():
            matches = [path]
        elif path.is_dir():
            matches = _article_files(path)
            if not matches:
                problems.append((given, f"is a folder with {wanted}"))
        elif _GLOB_MAGIC.search(given):
            matches = []
            for hit in sorted(glob.glob(given, recursive=True)):
                candidate = Path(hit)
                if candidate.is_dir():
                    matches.extend(_article_files(candidate))
                elif candidate.is_file() and candidate.suffix.lower() in _KINDS:
                    matches.append(candidate)
            if not matches:
                problems.append((given, f"matches {wanted}"))
        else:
            matches = []
            problems.append((given, "does not exist; check the path"))
        for match in matches:
            key = match.resolve()
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
) -> Article:
    """The shared core: check, decode and parse ``data``; ``label`` names it in messages."""
    _check_size(label, len(data), max_bytes)
    if not data:
        raise IngestError(f"{label} is empty (0 bytes). Add the article's text, or leave it out.")
    text = decode_text(label, data, charset=charset or (html_charset(data) if kind in {"html", "auto"} else ""))
    if not text.strip():
        raise IngestError(f"{label} has only blank space, no text. Add the article's text, or leave it out.")
    if kind == "auto":
        kind = "html" if _LOOKS_LIKE_HTML.match(text) else "text"
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


def _check_size(label: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise IngestError(
            f"{label} is too large: {size:,} bytes, over the limit of {max_bytes:,} bytes. "
            f"Split the article, or raise NEWS_ATLAS_MAX_ARTICLE_BYTES."
        )


def _article_files(folder: Path) -> list[Path]:
    """The readable files under ``folder``, recursively, sorted, skipping hidden files and folders."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in _KINDS
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _show(value: str) -> str:
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
