"""Web pages: HTML -> the article's text and metadata.

Input: a page's HTML as a ``str`` (``geo.fetch`` downloads pages).  Output:
a ``PageText`` (the article's plain text and the page's title, author,
date, site name and canonical URL).  Problems raise ``IngestError`` with a
one-line message naming the page.

Extraction uses trafilatura after pruning navigation, page header,
footer, asides and forms; when it finds no main text, the visible
text of the page is kept instead (without scripts, styles and that page
furniture), so a short page loses nothing.  The text never holds markup:
no tags, attributes or script survive.

Work is bounded whatever the page.  trafilatura's time grows faster than
the page (10,000 small ``<div>`` blocks took 7.7 s, 600,000 ``<b>`` tags 75 s
and 800 MB, a page 2,000 elements deep 5 s), so it reads only pages that,
once scripts, styles, navigation, footers, asides, forms and icons are
pruned, have at most ``MAX_EXTRACTED_ELEMENTS`` elements and at most
``MAX_EXTRACTED_NESTING`` elements times depth; a larger or deeper page
keeps its visible text and its ``<head>``'s title, author, date and site
name, read by lxml in linear time.  lxml builds trees up to 2,048 levels
deep (``huge_tree``; 256 by default, past which the rest of a page was
lost); a page nested deeper still has its tags other than scripts and
styles removed by regular expressions (every ``<`` they start from has a
``>`` after it, so they run in linear time) and is read flat.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from geo.exc import IngestError

logger = logging.getLogger(__name__)

_MAX_SHOWN = 120
# Page furniture removed before trafilatura looks for the article (its own fallbacks would keep it).
_PRUNE = ["//nav", "//footer", "//aside", "//form", "//header[not(ancestor::article) and not(ancestor::main)]"]
# Elements whose text is never article text, for the visible-text fallback.
_INVISIBLE = tuple("script style noscript template head nav header footer aside form iframe object embed svg".split())
_BLOCKS = tuple(
    "p div section article main h1 h2 h3 h4 h5 h6 li blockquote pre tr td th caption table ul ol dl dt dd figcaption"
    " br hr".split()
)
#: Largest page given to trafilatura, in elements, and in elements times nesting depth; see the module docstring.
MAX_EXTRACTED_ELEMENTS = 3_000
MAX_EXTRACTED_NESTING = 300_000
# Elements pruned before the page is measured: trafilatura drops them too (JSON-LD scripts, kept, carry metadata).
_PRUNED_TAGS = ("style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "object", "embed", "svg")
_PRUNED_XPATH = lxml.etree.XPath(
    "//body//script[not(@type='application/ld+json')] | //header[not(ancestor::article) and not(ancestor::main)]"
)
# The tree parser's settings (trafilatura's own, plus trees deeper than libxml2's default 256 levels).
_PARSER_OPTIONS: dict[str, Any] = {
    "encoding": "utf-8",
    "huge_tree": True,
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
    "default_doctype": False,
}
# Flattening a page too deep for a tree: block tags become line breaks, other tags go, raw-text elements stay.
_RAW_TEXT = "script|style|noscript|template|textarea|title|xmp|iframe|noembed|noframes|svg|head|meta|link"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Character references to those characters: decimal 0-8, 11, 12, 14-31, 65534, 65535, and the same in hex.
_NOT_XML_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]|6553[45])(?![0-9]));?"
)
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(_BLOCKS)})\b[^>]*>", re.IGNORECASE)
_OTHER_TAG = re.compile(rf"</?(?!(?:{_RAW_TEXT})\b)[A-Za-z][^>]*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageText:
    """The article in a web page: paragraphs separated by blank lines, and the page's metadata."""

    text: str
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    site_name: str = ""
    url: str = ""


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
    html = _xml_safe(html)
    root, too_deep = _parse(html)
    if too_deep:
        logger.info("%s is nested more than 2,048 levels deep; reading it without its tags", label)
        root, _ = _parse(_flattened(html))
    meta: dict[str, Any] = {}
    if root is None:
        lines = []
    elif not too_deep and _small_enough(root):
        meta = _trafilatura(label, root, url)
        lines = [line.strip() for line in (meta.get("text") or "").splitlines()]
        if not any(lines):
            logger.info("%s: trafilatura found no main text; keeping the visible text", label)
            fresh, _ = _parse(html)  # trafilatura changed the tree
            lines = _visible_lines(fresh) if fresh is not None else []
    else:
        logger.info("%s is too large or deep for trafilatura; keeping its visible text", label)
        meta = _head_metadata(root)
        lines = _visible_lines(root)
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


def _xml_safe(html: str) -> str:
    """``html`` without the characters lxml parses but then refuses in any text set from Python.

    trafilatura and ``drop_tree`` set texts, and a control character there
    (raw, or written ``&#1;``) raised ``ValueError``; a browser shows none of them.
    """
    return _NOT_XML.sub(" ", _NOT_XML_REFERENCE.sub(" ", html))


def _parse(html: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """The page's tree (``None`` when lxml finds no document) and whether nesting past 2,048 levels cut it short."""
    parser = lxml.html.HTMLParser(**_PARSER_OPTIONS)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        return None, False
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return root, too_deep


def _small_enough(root: lxml.html.HtmlElement) -> bool:
    """Prune what trafilatura would drop anyway; then True when it may read the tree in reasonable time."""
    if root.xpath("count(//*)") > 20 * MAX_EXTRACTED_ELEMENTS:
        return False  # not worth pruning: far too large even without its furniture
    lxml.etree.strip_elements(root, *_PRUNED_TAGS, with_tail=False)
    for element in _PRUNED_XPATH(root):
        element.drop_tree()
    elements = root.xpath("count(//*)")
    if elements > MAX_EXTRACTED_ELEMENTS:
        return False
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return elements * deepest <= MAX_EXTRACTED_NESTING


def _trafilatura(label: str, root: lxml.html.HtmlElement, url: str) -> dict[str, Any]:
    """trafilatura's text and metadata for the tree, as a dict; ``{}`` when it finds nothing."""
    try:
        document = trafilatura.bare_extraction(
            root,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            prune_xpath=_PRUNE,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as err:
        raise IngestError(f"{label} cannot be read as HTML: {printable(err)}. Paste the article's text.") from err
    if document is None:
        return {}
    return document if isinstance(document, dict) else document.as_dict()


def _visible_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The page's visible text, one line per block, without scripts, styles, navigation or forms."""
    lxml.etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return [" ".join(line.split()) for line in root.text_content().splitlines()]


def _head_metadata(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """Title, author, date, site name and canonical URL from the page's ``<head>``, in trafilatura's keys."""

    def meta(*names: str) -> str:
        for name in names:
            for attribute in ("property", "name"):
                found = root.xpath(f"//head/meta[@{attribute}=$name]/@content", name=name)
                if found:
                    return str(found[0])
        return ""

    canonical = root.xpath("//head/link[@rel='canonical']/@href")
    return {
        "title": meta("og:title") or root.findtext(".//title") or "",
        "author": meta("author", "article:author"),
        "date": meta("article:published_time", "date"),
        "sitename": meta("og:site_name"),
        "url": str(canonical[0]) if canonical else meta("og:url"),
    }


def _flattened(html: str) -> str:
    """The page without the tags that nest: block tags become line breaks, scripts, styles and ``<head>`` stay.

    The page is first cut before a ``<`` that has no ``>`` after it (an
    unfinished tag, which a browser would not show either), so that each
    match attempt of the patterns succeeds at the next ``>``: linear time.
    """
    unfinished = html.find("<", html.rfind(">") + 1)
    if unfinished >= 0:
        html = html[:unfinished]
    return _OTHER_TAG.sub("", _BLOCK_TAG.sub("\n", html))


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _iso_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD``-prefixed date string as a date; ``None`` when absent or unparseable."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
