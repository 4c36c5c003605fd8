"""Web pages: an http(s) URL -> its bytes; HTML -> the article's text and metadata.

Input: a URL, or a page's HTML as a ``str``.  Output: a ``Download`` (the
body, its media type and charset) or a ``PageText`` (the article's plain
text and the page's title, author, date, site name and canonical URL).
Problems raise ``IngestError`` with a one-line message naming the page.

Downloads use the standard library's urllib: http and https only (redirects
too), a deadline for the whole download, and at most ``max_bytes + 1``
bytes read.  Extraction uses trafilatura after pruning navigation, page
header, footer, asides and forms; when it finds no main text, the visible
text of the page is kept instead (without scripts, styles and that page
furniture), so a short page loses nothing.  The text never holds markup:
no tags, attributes or script survive.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from geo.exc import IngestError

logger = logging.getLogger(__name__)

#: Media types read as articles; any other type is refused.
TEXT_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")

_SAVE_AS_TEXT = "save the article's text as a .txt file and add that"
_MAX_SHOWN = 120
_CHUNK = 65536
# Page furniture removed before trafilatura looks for the article (its own fallbacks would keep it).
_PRUNE = ["//nav", "//footer", "//aside", "//form", "//header[not(ancestor::article) and not(ancestor::main)]"]
# Elements whose text is never article text, for the visible-text fallback.
_INVISIBLE = tuple("script style noscript template head nav header footer aside form iframe object embed svg".split())
_BLOCKS = tuple(
    "p div section article main h1 h2 h3 h4 h5 h6 li blockquote pre tr table ul ol dl dt dd figcaption br hr".split()
)


@dataclass(frozen=True, slots=True)
class Download:
    """A downloaded body; ``media_type`` is ``""`` when the server sent none."""

    data: bytes
    media_type: str
    charset: str


@dataclass(frozen=True, slots=True)
class PageText:
    """The article in a web page: paragraphs separated by blank lines, and the page's metadata."""

    text: str
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    site_name: str = ""
    url: str = ""


def download(label: str, url: str, *, timeout: float, max_bytes: int, user_agent: str) -> Download:
    """Download one web page or text file.

    Parameters
    ----------
    label:
        How messages name the page, e.g. ``"Web page 'https://example.org/a'"``.
    url:
        An ``http://`` or ``https://`` address.
    timeout:
        Seconds for the whole download.
    max_bytes:
        Refuse bodies larger than this.
    user_agent:
        The User-Agent header sent.

    Returns
    -------
    Download

    Raises
    ------
    IngestError
        For another scheme (also in a redirect), a timeout, an HTTP error status,
        an unreachable host, a PDF or other non-text media type, or a body over
        ``max_bytes``.

    Examples
    --------
    >>> download("Page", "file:///etc/passwd", timeout=1, max_bytes=10, user_agent="x")
    Traceback (most recent call last):
    ...
    geo.exc.IngestError: Page is not an http:// or https:// address. ...
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise IngestError(
            f"{label} is not an http:// or https:// address. Give a web address that starts with http:// or https://."
        )
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"}
    )
    opener = urllib.request.build_opener(_HttpOnlyRedirectHandler)
    # urllib's timeout bounds each socket operation; the deadline bounds a server that drips bytes.
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            media_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            _check_media_type(label, media_type)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise _too_large(label, f"{int(length):,} bytes, over", max_bytes)
            data = _read_body(label, response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            return Download(data, media_type, response.headers.get_content_charset() or "")
    except IngestError:
        raise
    except urllib.error.HTTPError as err:
        err.close()
        raise IngestError(
            f"{label} answered HTTP {err.code} {printable(err.reason)}. Check the address, or {_SAVE_AS_TEXT}."
        ) from err
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise _timed_out(label, timeout) from err
        raise IngestError(
            f"{label} cannot be reached: {printable(err.reason)}. Check the address and the connection."
        ) from err
    except TimeoutError as err:
        raise _timed_out(label, timeout) from err
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise IngestError(
            f"{label} could not be downloaded: {printable(err) or type(err).__name__}. Try again later."
        ) from err


def extract_page(label: str, html: str, *, url: str = "") -> PageText:
    """The article's text and metadata in an HTML page.

    Parameters
    ----------
    label:
        How messages name the page.
    html:
        The decoded page.
    url:
        Where it came from, for trafilatura's metadata.

    Returns
    -------
    PageText
        ``text`` has one paragraph per block, separated by blank lines (as
        ``geo.text`` splits paragraphs); an unparseable date is ``None``.

    Raises
    ------
    IngestError
        When the page cannot be parsed or has no visible text.

    Examples
    --------
    >>> page = extract_page("Page", "<title>Calais</title><script>x()</script><p onclick='x()'>Riots in Calais.</p>")
    >>> page.title, page.text
    ('Calais', 'Riots in Calais.')
    """
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            prune_xpath=_PRUNE,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as err:
        raise IngestError(f"{label} cannot be read as HTML: {printable(err)}. Paste the article's text.") from err
    meta: dict[str, Any] = {}
    if document is not None:
        meta = document if isinstance(document, dict) else document.as_dict()
    lines = [line.strip() for line in (meta.get("text") or "").splitlines()]
    if not any(lines):
        logger.info("%s: trafilatura found no main text; keeping the visible text", label)
        lines = _visible_lines(html)
    lines = [line for line in lines if line]
    if not lines:
        raise IngestError(
            f"{label} has no article text, only scripts, styles, navigation or markup. "
            f"Check the page, or paste the article's text."
        )
    return PageText(
        text="\n\n".join(lines),
        title=_one_line(meta.get("title")) or lines[0],
        author=_one_line(meta.get("author")),
        date=_iso_date(meta.get("date")),
        site_name=_one_line(meta.get("sitename")),
        url=_one_line(meta.get("url")),
    )


def printable(value: Any) -> str:
    """Text from a server or library, safe in a one-line message: non-printable characters dropped, cut short."""
    text = "".join(char for char in str(value) if char.isprintable())
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def _check_media_type(label: str, media_type: str) -> None:
    """Refuse a PDF or any other type that is not a web page or text; a missing type is sniffed later."""
    if not media_type or media_type in TEXT_MEDIA_TYPES or media_type.startswith("text/"):
        return
    if media_type == "application/pdf":
        raise IngestError(f"{label} is a PDF; {_SAVE_AS_TEXT}.")
    raise IngestError(f"{label} is {printable(media_type)!r}, not a web page or text; {_SAVE_AS_TEXT}.")


def _read_body(label: str, response: Any, *, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """At most ``max_bytes + 1`` bytes of the body, read before ``deadline``."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        if time.monotonic() > deadline:
            raise _timed_out(label, timeout)
        chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise _too_large(label, "more than", max_bytes)
    return b"".join(chunks)


def _too_large(label: str, size: str, max_bytes: int) -> IngestError:
    return IngestError(
        f"{label} is too large: {size} the limit of {max_bytes:,} bytes. "
        f"Save the article's text as a .txt file, or raise NEWS_ATLAS_MAX_ARTICLE_BYTES."
    )


def _timed_out(label: str, timeout: float) -> IngestError:
    return IngestError(
        f"{label} timed out after {timeout:g} s. Try again later, raise NEWS_ATLAS_FETCH_TIMEOUT, or {_SAVE_AS_TEXT}."
    )


class _HttpOnlyRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only; urllib would also follow them to ftp://."""

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ) -> urllib.request.Request | None:
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).scheme.lower()
        if scheme not in {"http", "https"}:
            raise IngestError(
                f"Web page {printable(req.full_url)!r} redirects to {printable(newurl)!r}, which is not an http(s) "
                f"address. Check the address, or {_SAVE_AS_TEXT}."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _visible_lines(html: str) -> list[str]:
    """The page's visible text, one line per block, without scripts, styles, navigation or forms."""
    try:
        root = lxml.html.document_fromstring(
            html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        )
    except (lxml.etree.LxmlError, ValueError):
        return []
    lxml.etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return [" ".join(line.split()) for line in root.text_content().splitlines()]


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _iso_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD``-prefixed date string as a date; ``None`` when absent or unparseable."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
