"""Article loader: a ``.md`` or ``.txt`` file -> ``Article``.

Stage input is a path; output is an ``Article`` whose ``text`` is what the
geoparser reads.

- ``.md``: optional YAML front matter between ``---`` lines (``id``,
  ``title``, ``author``, ``date`` as ``YYYY-MM-DD``, ``source``, ``url``);
  the text is the body after it, stripped of surrounding blank lines.
- ``.txt`` (and any other suffix): the file's text, unchanged.  ``id`` is
  the file stem and ``title`` its first non-empty line.

Files must be UTF-8 (a byte-order mark is accepted and dropped).  Every
problem raises ``ArticleError`` with a one-line message naming the file.

``parse_markdown`` and ``article_from_text`` turn decoded text into an
``Article``; ``geo.readers`` (uploads, web pages, other encodings) uses them too.
"""

from __future__ import annotations

import codecs
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


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as strings.

    PyYAML would turn ``2014-9-6`` or ``2014-09-06 10:00`` into dates; keeping
    them as text lets us insist on ``YYYY-MM-DD`` and quote the bad value.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_article(path: str | Path) -> Article:
    """Read one article file.

    Parameters
    ----------
    path:
        A ``.md`` file with optional YAML front matter, or a plain-text file.

    Returns
    -------
    Article
        ``text`` is the Markdown body or the whole plain text; ``path`` is
        ``path`` as given.

    Raises
    ------
    ArticleError
        When the file is missing, a directory, unreadable, binary, not UTF-8,
        has bad front matter (YAML or a date not ``YYYY-MM-DD``), or has no text.

    Examples
    --------
    >>> from geo.config import Settings
    >>> folder = Settings.load().articles_dir
    >>> article = load_article(folder / "calais-police-attack-camp-2014-05-29.md")
    >>> article.date
    datetime.date(2014, 5, 29)
    """
    path = Path(path)
    text = _read_text(path)
    label = f"Article file {path}"
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return parse_markdown(label, text, article_id=path.stem, path=str(path))
    return article_from_text(label, text, article_id=path.stem, path=str(path))


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
    fields = {name: _as_text(metadata.get(name)) for name in _TEXT_FIELDS}
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
        When ``folder`` is not a folder, or for the first bad file (see ``load_article``).

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
    return sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()),
        key=lambda p: p.name,
    )


def _read_text(path: Path) -> str:
    """The file's text, decoded as strict UTF-8 with any BOM dropped."""
    if path.is_dir():
        raise ArticleError(f"Article file {path} is a directory. Pass a .md or .txt file.")
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise ArticleError(f"Article file {path} does not exist. Check the path.") from err
    except PermissionError as err:
        raise ArticleError(f"Article file {path} cannot be read: permission denied. Check its permissions.") from err
    except OSError as err:
        raise ArticleError(f"Article file {path} cannot be read: {err.strerror or err}. Check the file.") from err
    if b"\x00" in data:
        raise ArticleError(
            f"Article file {path} is binary (it contains NUL bytes; UTF-16 text does too). Pass a UTF-8 text file."
        )
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = bom + err.start
        raise ArticleError(
            f"Article file {path} is not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} "
            f"cannot be decoded. Re-save the file as UTF-8."
        ) from err


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
    try:
        metadata = handler.load(front, Loader=_FrontMatterLoader)
    except yaml.YAMLError as err:
        raise ArticleError(
            f"{label} has bad front matter: {_describe_yaml_error(err, text, stripped)}. "
            f"Fix the YAML between the '---' lines."
        ) from err
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ArticleError(
            f"{label} has bad front matter: it is a {type(metadata).__name__}, not 'key: value' lines. "
            f"Write one 'key: value' per line."
        )
    return metadata, body.strip()


def _describe_yaml_error(err: yaml.YAMLError, text: str, stripped: str) -> str:
    """One line: the YAML problem and the file lines it is on."""
    # The front matter string starts on the opening '---' line, after any leading blank lines.
    leading_lines = text[: len(text) - len(stripped)].count("\n")
    parts = []
    for note, mark in (
        (getattr(err, "context", None), getattr(err, "context_mark", None)),
        (getattr(err, "problem", None), getattr(err, "problem_mark", None)),
    ):
        if note:
            where = f" on line {leading_lines + mark.line + 1}" if mark is not None else ""
            parts.append(f"{' '.join(str(note).split())}{where}")
    return ": ".join(parts) or " ".join(str(err).split())


def _parse_date(label: str, value: Any) -> dt.date | None:
    """The front-matter date: ``None`` when absent, else a ``YYYY-MM-DD`` date."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as err:
            raise ArticleError(
                f"{label} has a bad date {text!r} in its front matter ({err}). Write it as YYYY-MM-DD."
            ) from err
    raise ArticleError(
        f"{label} has a bad date {text!r} in its front matter: it is not YYYY-MM-DD. "
        f"Write it as YYYY-MM-DD, e.g. 2014-05-29."
    )


def _as_text(value: Any) -> str:
    """A front-matter value as a string; absent or null is ``""``."""
    return "" if value is None else str(value).strip()


def _first_line_title(text: str) -> str:
    """The first non-empty line, without Markdown heading marks."""
    for line in text.splitlines():
        title = line.strip().lstrip("#").strip()
        if title:
            return title
    return ""
