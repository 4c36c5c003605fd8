"""Article loader: a ``.md`` or ``.txt`` file -> ``Article``.

Stage input is a path; output is an ``Article`` whose ``text`` is what the
geoparser reads.

- ``.md``: optional YAML front matter between ``---`` lines (``id``,
  ``title``, ``author``, ``date`` as ``YYYY-MM-DD``, ``source``, ``url``);
  the text is the body after it, stripped of surrounding blank lines.
- ``.txt``: the file's text, unchanged.  ``id`` is the file stem and
  ``title`` its first non-empty line.

Front matter is read safely: YAML anchors and aliases are refused (nine
levels of nine aliases, the "billion laughs", would expand a 464-byte file
to hundreds of millions of values), so are Python tags, front matter over
``MAX_FRONT_MATTER_CHARS`` and values nested deeper than ``_MAX_DEPTH``.  Each
field becomes text without ever calling ``str()`` on a structure: a list of
plain values is joined with commas, a mapping is refused, and every field is
cut at ``MAX_FIELD_CHARS``.

``parse_markdown`` and ``article_from_text`` turn decoded text into an
``Article`` and raise ``ArticleError`` with a one-line message naming the
input.  Files are read by ``geo.readers`` (``load_article`` is a shortcut to
``geo.readers.read_path``), the one reader of every way in.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from geo.exc import ArticleError
from geo.models import Article

logger = logging.getLogger(__name__)

#: Suffixes ``load_articles`` picks up from a folder.
ARTICLE_SUFFIXES: tuple[str, ...] = (".md", ".txt")
#: Suffixes read as Markdown with front matter; anything else is plain text.
MARKDOWN_SUFFIXES: frozenset[str] = frozenset({".md", ".markdown"})

_TEXT_FIELDS = ("id", "title", "author", "source", "url")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: Longest front matter read, in characters: metadata fields need far less, and YAML parsing is slow.
MAX_FRONT_MATTER_CHARS = 65_536
#: Longest text kept from one front-matter field (a long URL still fits).
MAX_FIELD_CHARS = 2_000
# How deep front-matter values may nest; PyYAML's composer recurses once per level.
_MAX_DEPTH = 20
_MAX_SHOWN = 40
_SCALARS = (str, int, float, dt.date)  # bool is an int; a datetime is a date


class _RefusedYAML(yaml.YAMLError):
    """Front matter that is valid YAML but that we will not read: what, on which line, and what to do."""

    def __init__(self, what: str, line: int, advice: str) -> None:
        super().__init__(what)
        self.what, self.line, self.advice = what, line, advice


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without anchors, aliases or deep nesting, and that leaves timestamps as strings.

    PyYAML would turn ``2014-9-6`` or ``2014-09-06 10:00`` into dates; keeping
    them as text lets us insist on ``YYYY-MM-DD`` and quote the bad value.
    Aliases are refused before anything is built: a few of them, nested,
    make a few hundred bytes stand for billions of values.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            kind, sign = ("alias", "*") if isinstance(event, yaml.AliasEvent) else ("anchor", "&")
            raise _RefusedYAML(
                f"it uses the YAML {kind} {_shown(sign + str(event.anchor))}",
                line,
                "anchors and aliases ('&name', '*name') are not allowed, since a few of them can make a small "
                "file stand for billions of values. Write each value out in full",
            )
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                raise _RefusedYAML(
                    f"its values nest more than {_MAX_DEPTH} levels deep", line, "write each field as 'name: text'"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# An explicit '!!timestamp' is text too (PyYAML's own constructor fails on '!!timestamp x' with an AttributeError).
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def load_article(path: str | Path, *, max_bytes: int | None = None) -> Article:
    """Read one article file, UTF-8 only, with ``geo.readers.read_path``.

    A shortcut for ``read_path(path, max_bytes=max_bytes, utf8_only=True)``;
    every check of the shared reader applies (regular files only, the size
    limit, binary and PDF detection).

    Parameters
    ----------
    path:
        A ``.md`` file with optional YAML front matter, a ``.txt`` or an ``.html`` file.
    max_bytes:
        Refuse larger files; the setting ``max_article_bytes`` when omitted.

    Returns
    -------
    Article
        ``text`` is the Markdown body or the whole plain text; ``path`` is
        ``path`` as given.

    Raises
    ------
    IngestError
        When the file is missing, not a regular file, unreadable, too large,
        binary, not UTF-8, has bad front matter (YAML or a date not
        ``YYYY-MM-DD``), or has no text.

    Examples
    --------
    >>> from geo.config import Settings
    >>> folder = Settings.load().articles_dir
    >>> article = load_article(folder / "calais-police-attack-camp-2014-05-29.md")
    >>> article.date
    datetime.date(2014, 5, 29)
    """
    # Imported here: geo.readers builds its articles with this module's parsers.
    from geo.config import Settings
    from geo.readers import read_path

    limit = Settings.load().max_article_bytes if max_bytes is None else max_bytes
    return read_path(path, max_bytes=limit, utf8_only=True)


def parse_markdown(label: str, text: str, *, article_id: str, path: str = "") -> Article:
    """Build an article from Markdown text with optional YAML front matter.

    Shared by ``load_article`` and ``geo.readers``, so both read front matter
    and dates the same way.

    Parameters
    ----------
    label:
        How error messages name the input, e.g. ``"Article file data/a.md"``.
    text:
        The decoded file, without a byte-order mark.
    article_id:
        The id when the front matter has none.
    path:
        Stored in ``Article.path``.

    Returns
    -------
    Article
        ``text`` is the body after the front matter, stripped of surrounding blank lines.

    Raises
    ------
    ArticleError
        For bad front matter (YAML, no closing ``---``, a date not ``YYYY-MM-DD``) or no text.

    Examples
    --------
    >>> parse_markdown("Note", "---\\ntitle: Calais\\n---\\nRiot police in Calais.", article_id="note").title
    'Calais'
    """
    metadata, body = _split_front_matter(label, text)
    return article_from_text(label, body, article_id=article_id, path=path, metadata=metadata)


def article_from_text(
    label: str, text: str, *, article_id: str, path: str = "", metadata: Mapping[str, Any] | None = None
) -> Article:
    """Build an article from its text and any front-matter fields.

    Parameters
    ----------
    label:
        How error messages name the input, e.g. ``"Article file data/a.txt"``.
    text:
        The article's text, kept unchanged.
    article_id:
        The id when ``metadata`` has none.
    path:
        Stored in ``Article.path``.
    metadata:
        Front-matter fields: ``id``, ``title``, ``author``, ``date`` (``YYYY-MM-DD``), ``source``, ``url``.

    Returns
    -------
    Article
        Its ``title`` is the metadata's, else the text's first non-empty line without ``#`` marks.

    Raises
    ------
    ArticleError
        When the text is empty or blank, or the date is not ``YYYY-MM-DD``.

    Examples
    --------
    >>> article_from_text("Note", "# Calais\\nRiot police.", article_id="note").title
    'Calais'
    """
    metadata = metadata or {}
    if not text.strip():
        raise ArticleError(f"{label} has no text. Add the article's text, or leave the file out.")
    fields = {name: _as_text(label, name, metadata.get(name)) for name in _TEXT_FIELDS}
    return Article(
        id=fields["id"] or article_id,
        title=fields["title"] or _first_line_title(text),
        text=text,
        author=fields["author"],
        date=_parse_date(label, metadata.get("date")),
        source=fields["source"],
        url=fields["url"],
        path=path,
    )


def load_articles(folder: str | Path) -> list[Article]:
    """Read every ``.md`` and ``.txt`` file in a folder, sorted by file name.

    Parameters
    ----------
    folder:
        The folder; subfolders and other files are ignored.

    Returns
    -------
    list[Article]
        One article per file, in file-name order; ``[]`` for an empty folder.

    Raises
    ------
    ArticleError
        When ``folder`` is not a folder.
    IngestError
        For the first bad file (see ``load_article``).

    Examples
    --------
    >>> from geo.config import Settings
    >>> [a.id for a in load_articles(Settings.load().articles_dir)][:1]
    ['calais-mayor-threatens-port-2014-09-06']
    """
    return [load_article(p) for p in article_paths(folder)]


def article_paths(folder: str | Path) -> list[Path]:
    """The article files (.md, .txt) of a folder, in file-name order.

    Raises
    ------
    ArticleError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ArticleError(f"Article folder {folder} does not exist or is not a folder. Check the path.")
    # Anything but a folder is kept, so that a pipe or a broken link named like an article is reported, not skipped.
    return sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and not p.is_dir()),
        key=lambda p: p.name,
    )


def _split_front_matter(label: str, text: str) -> tuple[dict[str, Any], str]:
    """The front matter as a dict and the body; ``({}, text)`` without front matter."""
    stripped = text.lstrip()
    handler = YAMLHandler()
    # Only a leading '---' opens front matter: a '---' rule later in the body must not.
    if not handler.detect(stripped):
        return {}, text.strip()
    try:
        front, body = handler.split(stripped)
    except ValueError as err:
        raise ArticleError(
            f"{label} has bad front matter: it opens with '---' but has no closing '---' line. "
            f"Add one after the front matter."
        ) from err
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise ArticleError(
            f"{label} has front matter of {len(front):,} characters, over the limit of {MAX_FRONT_MATTER_CHARS:,}. "
            f"Keep only the fields (id, title, author, date, source, url) between the '---' lines."
        )
    try:
        metadata = handler.load(front, Loader=_FrontMatterLoader)
    except _RefusedYAML as err:
        line = _lines_before(text, stripped, handler) + err.line
        raise ArticleError(f"{label} has bad front matter: {err.what} on line {line}; {err.advice}.") from err
    except yaml.YAMLError as err:
        raise ArticleError(
            f"{label} has bad front matter: {_describe_yaml_error(err, _lines_before(text, stripped, handler))}. "
            f"Fix the YAML between the '---' lines."
        ) from err
    except (ValueError, LookupError, AttributeError, TypeError) as err:
        # PyYAML's constructors fail so on values it parsed: an integer of more than 4,300 digits (ValueError),
        # '!!bool maybe' (KeyError), '!!int ""' (IndexError), '!!float x' (ValueError).
        raise ArticleError(
            f"{label} has bad front matter: a number or a value with a type tag ('!!int', '!!bool'...) cannot be "
            f"read ({_shown(str(err), 120)}). Fix the YAML between the '---' lines."
        ) from err
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ArticleError(
            f"{label} has bad front matter: it is a {type(metadata).__name__}, not 'key: value' lines. "
            f"Write one 'key: value' per line."
        )
    return metadata, body.strip()


def _describe_yaml_error(err: yaml.YAMLError, lines_before: int) -> str:
    """One line: the YAML problem and the file lines it is on (the front matter follows ``lines_before`` lines)."""
    parts = []
    for note, mark in (
        (getattr(err, "context", None), getattr(err, "context_mark", None)),
        (getattr(err, "problem", None), getattr(err, "problem_mark", None)),
    ):
        if note:
            where = f" on line {lines_before + mark.line + 1}" if mark is not None else ""
            parts.append(f"{' '.join(str(note).split())}{where}")
    return ": ".join(parts) or " ".join(str(err).split())


def _lines_before(text: str, stripped: str, handler: YAMLHandler) -> int:
    """How many file lines come before the front matter's first line (YAML's line 0)."""
    # Blank lines before the opening '---', and those its boundary pattern ('^-{3,}\s*$') takes after it.
    opening = handler.FM_BOUNDARY.match(stripped) if handler.FM_BOUNDARY else None
    return text[: len(text) - len(stripped)].count("\n") + (stripped[: opening.end()].count("\n") if opening else 0)


def _parse_date(label: str, value: Any) -> dt.date | None:
    """The front-matter date: ``None`` when absent, else a ``YYYY-MM-DD`` date."""
    text = _as_text(label, "date", value)
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as err:
            raise ArticleError(
                f"{label} has a bad date {_shown(text)} in its front matter ({err}). Write it as YYYY-MM-DD."
            ) from err
    raise ArticleError(
        f"{label} has a bad date {_shown(text)} in its front matter: it is not YYYY-MM-DD. "
        f"Write it as YYYY-MM-DD, e.g. 2014-05-29."
    )


def _as_text(label: str, name: str, value: Any) -> str:
    """A front-matter field as at most ``MAX_FIELD_CHARS`` of text; absent or null is ``""``.

    A list of plain values is joined with commas (``author: [Ann, Bob]``),
    taking items only until the cap, so a structure is never turned into
    text whole.  A mapping, a nested list or binary data is refused.
    """
    if value is None:
        return ""
    if isinstance(value, _SCALARS):
        return _capped(label, name, str(value).strip())
    if isinstance(value, list) and all(item is None or isinstance(item, _SCALARS) for item in value):
        parts: list[str] = []
        size = 0
        for item in value:
            part = "" if item is None else str(item).strip()
            if not part:
                continue
            if parts and size + len(part) > MAX_FIELD_CHARS:
                logger.info("%s: front-matter field %s has %d items; keeping %d", label, name, len(value), len(parts))
                break
            parts.append(part)
            size += len(part) + 2
        return _capped(label, name, ", ".join(parts))
    what: dict[type, str] = {
        dict: "a mapping ('key: value' pairs)",
        list: "a list holding lists or mappings",
        bytes: "binary data",
    }
    raise ArticleError(
        f"{label} has bad front matter: the field {_shown(name)} is "
        f"{what.get(type(value), 'a ' + type(value).__name__)}, not text. Write it as '{name}: text'."
    )


def _capped(label: str, name: str, text: str) -> str:
    """``text`` cut to ``MAX_FIELD_CHARS`` characters, saying so in the log."""
    if len(text) <= MAX_FIELD_CHARS:
        return text
    logger.info("%s: front-matter field %s has %d characters; keeping %d", label, name, len(text), MAX_FIELD_CHARS)
    return text[:MAX_FIELD_CHARS]


def _shown(value: str, limit: int = _MAX_SHOWN) -> str:
    """``value`` quoted for a one-line message, cut short."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _first_line_title(text: str) -> str:
    """The first non-empty line, without Markdown heading marks."""
    for line in text.splitlines():
        title = line.strip().lstrip("#").strip()
        if title:
            return title
    return ""
