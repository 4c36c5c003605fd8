"""Exports: a view of the store -> GeoJSON, CSV, or a standalone HTML map that works offline.

Input: a ``Store`` and the view's filters, ``article_ids``, ``categories``
and ``search``, with the same meaning as in ``Store.summaries``: an export
holds what the reader sees, read from the store's views (the corrections
applied).  Output: text (``str``) to write to a file or offer as a download.

- ``to_geojson``: a FeatureCollection, one Point per place in view, in the
  store's order (most mentioned first), with its articles and passages.
- ``to_csv``: one row per mention, placed or not (see ``to_csv`` for how the
  filters treat mentions without a place).
- ``to_html``: the map of the view as a single page with Leaflet, jQuery and
  MarkerCluster inlined from their XStatic packages: it opens from a file
  with no network.

These are the only CSV and GeoJSON schemas: the app's downloads, ``python -m
geo export`` and ``python -m geo extract`` (which puts its files in a store
held in memory, ``geo.store.MEMORY``) all write them, places keyed by
``geo.atlas.place_id``.  Each place and mention says whether a person
reviewed it (``review``).  ``FormulaSafeWriter`` writes the CSV: a text
cell that a spreadsheet would run as a formula gets a leading ``'`` (see
``neutralise_formula``).  No Streamlit here.
"""

from __future__ import annotations

import base64
import csv
import functools
import html
import io
import json
import mimetypes
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from geo.assets import VENDOR_CSS, VENDOR_JS, vendor_source
from geo.atlas import CATEGORIES, GeoparsedArticle, PlaceSummary, mention_category, place_id
from geo.exc import AssetError
from geo.gazetteer.base import normalise_name
from geo.models import Article, GeocodedMention, Place
from geo.readers import slug

if TYPE_CHECKING:
    from branca.element import Figure

    from geo.render import Basemap
    from geo.store import ArticleInfo, Store

PLACE_COLUMNS: tuple[str, ...] = ("place_name", "lat", "lon", "country_code", "feature", "geonameid")
CSV_COLUMNS: tuple[str, ...] = (
    "article_id",
    "article_title",
    "start",
    "end",
    "text",
    "kind",
    "category",
    "sentence_start",
    "sentence_end",
    "sentence",
    "place_id",
    *PLACE_COLUMNS,
    "review",
    "score",
    "rule",
)
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)", "@SUM(...)",
# "=cmd|' /C calc'!A0"); tab and carriage return too, which some strip first (OWASP, CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
EXPORT_MAP_HEIGHT = (70.0, "vh")  # the rest of the page lists the articles
EXPORT_NAME_PART = 40  # characters of a search or a title in an export's file name

# The tags folium renders for default_js / default_css (branca's JavascriptLink and CssLink).
_LINK_TAG = re.compile(r'<script src="(?P<js>[^"]*)"></script>|<link rel="stylesheet" href="(?P<css>[^"]*)"/>')
_ANY_LINK_TAG = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\((?P<quote>['"]?)(?P<target>[^'")]+)(?P=quote)\)""")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S*\s*$", re.MULTILINE)
_RAW_TEXT_END = re.compile(r"</(script|style)", re.IGNORECASE)

_STYLE = """<style>
body { font-family: system-ui, sans-serif; color: #222; }
.export-heading, .export-articles { padding: .4em 1em; }
.export-heading h1 { font-size: 1.3em; margin: .2em 0; }
.export-heading p, .export-articles p { margin: .2em 0; font-size: .9em; color: #555; }
.legend { display: flex; flex-wrap: wrap; gap: 1em; font-size: .85em; margin: .3em 0; }
.legend-dot { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .3em; }
.leaflet-container { background: #dfe9ef; }
.export-articles h2 { font-size: 1.1em; margin: .6em 0 .2em; }
.export-articles li { margin: .3em 0; }
.export-articles .byline, .export-articles .places { color: #555; font-size: .9em; }
</style>"""


def place_cells(place: Place | None) -> list[Any]:
    """The ``PLACE_COLUMNS`` cells of a CSV row; empty strings for a mention that was not placed."""
    if place is None:
        return [""] * len(PLACE_COLUMNS)
    geonameid = "" if place.geonameid is None else place.geonameid
    return [place.name, place.lat, place.lon, place.country_code, place.feature, geonameid]


def neutralise_formula(cell: Any) -> Any:
    """A CSV cell a spreadsheet shows as written: text that starts a formula gets a leading ``'``.

    This is OWASP's advice for CSV injection: the quote makes the cell text in
    Excel, LibreOffice and Google Sheets, and a reader sees at once that it
    was added.  Numbers stay numbers (a negative latitude is data, not a
    formula); only ``str`` cells change.

    Examples
    --------
    >>> neutralise_formula("=1+2"), neutralise_formula(-1.5), neutralise_formula("Calais")
    ("'=1+2", -1.5, 'Calais')
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class FormulaSafeWriter:
    """A ``csv.writer`` whose rows pass through ``neutralise_formula``: every export's CSV, the CLI's too."""

    def __init__(self, out: TextIO) -> None:
        # "\n" rather than csv's "\r\n": stdout is a text stream that already translates newlines.
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, formula-like text cells neutralised."""
        self._writer.writerow([neutralise_formula(cell) for cell in row])


def place_feature(place: Place, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A GeoJSON Point feature: the place's identity, then ``properties``.

    Coordinates are ``[lon, lat]``, GeoJSON's order (RFC 7946), the reverse of Leaflet's.
    """
    identity = {key: value for key, value in place.as_json().items() if key not in {"lat", "lon"}}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {**identity, **properties},
    }


@dataclass(frozen=True, slots=True)
class View:
    """A view of the store, read once for an export: its articles (whole) and places (with every passage).

    ``categories`` is the list of kinds of place chosen (``None``: all), ``search`` the search text.
    """

    articles: tuple[GeoparsedArticle, ...]
    summaries: tuple[PlaceSummary, ...]
    categories: tuple[str, ...] | None
    search: str


def read_view(
    store: Store,
    *,
    article_ids: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    search: str = "",
) -> View:
    """The view an export writes, from the store's views (``Store.summaries``, ``Store.passages``, ``Store.article``).

    Parameters
    ----------
    store:
        The store; its corrections are applied already.
    article_ids:
        Only these articles, in this order (every article, newest first, when ``None``); ids the store
        lacks are left out.
    categories:
        Only mentions of these ``geo.atlas.CATEGORIES`` (all when ``None``).
    search:
        Only places whose name (or a mention's text) contains it, any case or accent.
    """
    kinds = None if categories is None else tuple(categories)  # an iterator is read once, here
    ids = [info.id for info in store.article_infos()] if article_ids is None else list(dict.fromkeys(article_ids))
    articles = tuple(item for item in map(store.article, ids) if item is not None)
    chosen = None if article_ids is None else ids
    summaries = tuple(
        replace(summary, passages=tuple(store.passages(summary.id, article_ids=chosen, categories=kinds)))
        for summary in store.summaries(article_ids=chosen, categories=kinds, search=search)
    )
    return View(articles, summaries, kinds, search)


def to_geojson(view: View) -> str:
    """The places of a view as a GeoJSON FeatureCollection.

    Returns
    -------
    str
        One JSON document and a newline.  One Point feature per place, in
        ``Store.summaries`` order, with the properties ``name``,
        ``country_code``, ``feature``, ``geonameid``, ``source`` (the place),
        ``id`` (``geo.atlas.place_id``), ``label``, ``category``, ``review``
        (whether a person reviewed it: ``automatic``, ``confirmed``,
        ``corrected``, ``added``; see ``geo.atlas.place_review``),
        ``mentions`` (a count), ``articles`` (``{id, title, date}``, date ISO
        or null) and ``passages`` (``{article_id, text, start, end,
        mentions}``: the sentence, its offsets in the article, and the place's
        mentions in it as ``{start, end, review}``).  Non-ASCII text is kept as is.

    Examples
    --------
    >>> json.loads(to_geojson(read_view(Store(MEMORY))))  # doctest: +SKIP
    {'type': 'FeatureCollection', 'features': []}
    """
    by_id = {item.article.id: item.article for item in view.articles}
    reviews = {(item.article.id, g.mention.start): g.review for item in view.articles for g in item.mentions}
    features = [
        place_feature(
            summary.place,
            {
                "id": summary.id,
                "label": summary.label,
                "category": summary.category,
                "review": summary.review,
                "mentions": summary.mentions,
                "articles": [_article_json(by_id[article_id]) for article_id in summary.article_ids],
                "passages": [
                    {
                        "article_id": p.article_id,
                        "text": by_id[p.article_id].text[p.start : p.end],
                        "start": p.start,
                        "end": p.end,
                        "mentions": [
                            {"start": start, "end": end, "review": reviews[(p.article_id, start)]}
                            for start, end in p.highlights
                        ],
                    }
                    for p in summary.passages
                ],
            },
        )
        for summary in view.summaries
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n"


def _article_json(article: Article) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "date": article.date.isoformat() if article.date else None}


def to_csv(view: View) -> str:
    """The mentions of a view as CSV: a header (``CSV_COLUMNS``), then one row per mention.

    A placed mention is kept when its place is in the view, exactly as
    ``Store.summaries`` counts it: its category is selected and its place
    matches the search.  So the placed rows add up to the places' mention
    counts.  A mention without a place (empty place cells) has a category
    too (``mention_category``: "story" for a toponym, "origin" for a
    demonym): it is kept when that category is selected and, if there is a
    search, when its own text matches it.

    Returns
    -------
    str
        The CSV text, rows in article then text order, lines ending in
        ``"\\n"``.  ``sentence_start`` and ``sentence_end`` are the offsets of
        the sentence around the mention and ``sentence`` its text;
        ``lat``/``lon`` are full-precision decimals; ``review`` says whether a
        person reviewed the mention (``automatic``, ``confirmed``,
        ``corrected``, ``added``: ``geo.corrections``); ``score`` is the
        resolver's score of the geoparser's own place (empty for an unplaced
        or added mention) and ``rule`` the recognition rule that kept the
        name.  A text cell that starts with ``FORMULA_STARTS`` begins with
        ``'``, so a spreadsheet shows it and runs nothing.
    """
    in_view = {summary.id for summary in view.summaries}
    needle = normalise_name(view.search) if view.search.strip() else ""
    buffer = io.StringIO()
    writer = FormulaSafeWriter(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in view.articles:
        for geocoded in item.mentions:
            category = mention_category(geocoded)
            if view.categories is not None and category not in view.categories:
                continue
            key = "" if geocoded.place is None else place_id(geocoded.place)
            if geocoded.place is not None and key not in in_view:
                continue
            if geocoded.place is None and needle and needle not in normalise_name(geocoded.mention.text):
                continue
            writer.writerow(mention_cells(item.article, geocoded, category))
    return buffer.getvalue()


def mention_cells(article: Article, geocoded: GeocodedMention, category: str) -> list[Any]:
    """One ``CSV_COLUMNS`` row: a mention of ``article`` with its place (empty cells for none)."""
    m, place = geocoded.mention, geocoded.place
    sentence = article.text[m.sentence[0] : m.sentence[1]]
    score = geocoded.score if place is not None and geocoded.review != "added" else ""
    return [article.id, article.title, m.start, m.end, m.text, m.kind, category, *m.sentence, sentence,
            "" if place is None else place_id(place), *place_cells(place), geocoded.review, score, m.rule]  # fmt: skip


def to_html(
    view: View,
    *,
    title: str = "News Atlas export",
    outlines: Mapping[str, dict] | None = None,
    basemap: Basemap | None = None,
) -> str:
    """The map of a view as one standalone HTML page that works offline.

    The page has a heading (title, counts, filters, colour key), the folium
    map of ``geo.render`` (markers with tooltips and popups, country outlines
    and shading) fitted to the places, and the list of articles with the
    places each mentions.  Leaflet, jQuery and MarkerCluster are inlined from
    their XStatic packages, Leaflet's images as ``data:`` URIs; the only
    ``http(s)`` URLs left are attribution links and, with a tiled
    ``basemap``, the tile URL template.

    Parameters
    ----------
    view:
        The view (``read_view``).
    title:
        The page title (plain text; escaped here).
    outlines:
        Country polygons (GeoJSON geometries) by ISO code, drawn under the
        places; without them the map has no land.
    basemap:
        A ``geo.render.basemaps()`` choice; default "none", the offline one.

    Returns
    -------
    str
        The HTML page.  Every article text in it is escaped.

    Raises
    ------
    AssetError
        When a vendored file cannot be read, or the page would load an
        asset that is not vendored.

    Examples
    --------
    >>> from pathlib import Path
    >>> Path("view.html").write_text(to_html(read_view(store)), encoding="utf-8")  # doctest: +SKIP
    """
    # Imported here: the command line imports this module for its writers and need not pay for folium.
    from geo import render

    outlines = outlines or {}
    summaries, articles = view.summaries, view.articles
    texts = {item.article.id: item.article.text for item in articles}
    fmap = render.build_base_map(basemap or render.basemaps()["none"], outlines)
    fmap.height = EXPORT_MAP_HEIGHT
    popup = lambda s: texts[s.passages[0].article_id][s.passages[0].start : s.passages[0].end]  # noqa: E731
    render.build_place_layer(summaries, popup, outlines=outlines).add_to(fmap)  # it fits the map to the places
    root = cast("Figure", fmap.get_root())  # folium.Map always sits in a Figure
    root.title = html.escape(title)
    page = root.render()
    # folium writes one <body> ... </body> holding only the map's <div>: the heading goes before it, the list after.
    heading = _heading_html(title, summaries, articles, view.categories, view.search, render.legend_html())
    page = _insert_once(page, "</head>", _STYLE, after=False)
    page = _insert_once(page, "<body>", heading, after=True)
    page = _insert_once(page, "</body>", _articles_html(summaries, articles), after=False)
    return _inline_assets(page)


def _insert_once(page: str, marker: str, text: str, *, after: bool) -> str:
    before, found, rest = page.partition(marker)
    if not found:
        raise ValueError(f"The rendered map page has no {marker!r}; folium's page template changed")
    return before + (marker + text if after else text + marker) + rest


def _heading_html(
    title: str,
    summaries: Sequence[PlaceSummary],
    articles: Sequence[GeoparsedArticle],
    categories: Sequence[str] | None,
    search: str,
    legend: str,
) -> str:
    places = f"{len(summaries)} place{'s' * (len(summaries) != 1)}"
    view = [f"{places} in {len(articles)} article{'s' * (len(articles) != 1)}"]
    if categories is not None:
        kinds = [CATEGORIES.get(c, c) for c in categories]
        view.append("kinds: " + (", ".join(kinds) if kinds else "none"))
    if search.strip():
        view.append(f"search: “{search.strip()}”")
    reviewed = sum(s.review != "automatic" for s in summaries)
    if reviewed:
        view.append(f"{reviewed} reviewed by a person")
    return (
        f'<header class="export-heading"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape('; '.join(view))}.</p>{legend}</header>"
    )


def _articles_html(summaries: Sequence[PlaceSummary], articles: Sequence[GeoparsedArticle]) -> str:
    items = []
    for item in articles:
        article = item.article
        mentioned = [
            (s.label, sum(len(p.highlights) for p in s.passages if p.article_id == article.id), s.review)
            for s in summaries
            if article.id in s.article_ids
        ]
        byline = " · ".join(part for part in (str(article.date or "no date"), article.author, article.source) if part)
        names = ", ".join(
            f"{label} ({count}{'' if review == 'automatic' else ', ' + review})" for label, count, review in mentioned
        )
        names = names or "no places in view"
        items.append(
            f"<li><b>{html.escape(article.title or article.id)}</b> "
            f'<span class="byline">{html.escape(byline)}</span><br>'
            f'<span class="places">{html.escape(names)}</span></li>'
        )
    return (
        f'<section class="export-articles"><h2>Articles</h2><ol>{"".join(items)}</ol>'
        "<p>Places from GeoNames (CC-BY 4.0), found offline by News Atlas.</p></section>"
    )


def _inline_assets(page: str) -> str:
    """Replace the page's <script src>/<link href> tags of vendored assets with the files' contents."""
    vendored = {url for _, url in VENDOR_JS + VENDOR_CSS}
    tags = list(_LINK_TAG.finditer(page))
    if len(_ANY_LINK_TAG.findall(page)) != len(tags):
        raise AssetError("The exported map links a script or stylesheet that geo.export cannot inline.")
    for match in tags:
        url = match["js"] or match["css"]
        if url not in vendored:
            raise AssetError(
                f"The exported map would load {url!r} from the network; only the vendored assets can be "
                "inlined. Add it to geo.assets or drop it from the map."
            )

    def inline(match: re.Match[str]) -> str:
        if match["js"]:
            return f"<script>{_asset_text(match['js'])}</script>"
        return f"<style>{_asset_text(match['css'])}</style>"

    return _LINK_TAG.sub(inline, page)


@functools.cache
def _asset_text(url: str) -> str:
    """A vendored file's text, safe inside a <script> or <style> element, its images as data: URIs."""
    path = vendor_source(url)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AssetError(f"Cannot read the map asset {path}: {err}. Reinstall with `make install`.") from err
    text = _SOURCE_MAP.sub("", text)  # a source map would be fetched by an open developer console
    if path.suffix == ".css":
        text = _CSS_URL.sub(lambda match: _css_url(path.parent, match), text)
    # "</script" or "</style" in the code would end the element early; "<\/" means the same in JS and CSS.
    return _RAW_TEXT_END.sub(r"<\\/\1", text)


def _css_url(folder: Path, match: re.Match[str]) -> str:
    target = match["target"]
    if target.startswith(("#", "data:")):
        return match[0]
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/", target, re.IGNORECASE):
        raise AssetError(f"Map stylesheet in {folder} refers to {target!r}, which cannot be inlined.")
    image = folder / target
    try:
        data = image.read_bytes()
    except OSError as err:
        raise AssetError(f"Cannot read the map image {image}: {err}. Reinstall with `make install`.") from err
    mime = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    return f'url("data:{mime};base64,{base64.b64encode(data).decode("ascii")}")'


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One way to export a view: its name, what the reader sees, the file it gives."""

    name: str
    label: str
    mime: str
    suffix: str


EXPORT_FORMATS = (
    ExportFormat("geojson", "GeoJSON", "application/geo+json", "geojson"),
    ExportFormat("csv", "CSV", "text/csv", "csv"),
    ExportFormat("html", "HTML map", "text/html", "html"),
)


def export_stem(articles: Sequence[ArticleInfo], *, every_article: bool, kinds: Sequence[str], search: str) -> str:
    """A file name, without its suffix, that says the view: "news-atlas-calais-2014-05-29-to-2014-09-06".

    Parameters
    ----------
    articles:
        The articles in view (their titles and dates).
    every_article:
        True when the view has every article of the store (no article is named then).
    kinds, search:
        The view's kinds of place (named when some are left out) and search text.

    Returns
    -------
    str
        "news-atlas", then the search, the article's first title words (or how many articles), the kinds
        and the span of the dates, in lower-case ASCII letters, digits and dashes only.
    """
    parts = ["news-atlas", slug(search)[:EXPORT_NAME_PART].strip("-")]
    if not every_article:
        one = len(articles) == 1
        words = "-".join(slug(articles[0].title).split("-")[:4])[:EXPORT_NAME_PART] if one else ""
        parts.append(words or f"{len(articles)}-articles")
    if set(kinds) != set(CATEGORIES):
        parts.append("-".join(k for k in CATEGORIES if k in kinds) or "no-kinds")
    dates = sorted(a.date for a in articles if a.date)
    if dates:
        parts.append(str(dates[0]) if dates[0] == dates[-1] else f"{dates[0]}-to-{dates[-1]}")
    return "-".join(part for part in parts if part)


def export_view(name: str, view: View, *, outlines: Mapping[str, dict] | None = None) -> str:
    """The view exported in the format called ``name`` (see ``EXPORT_FORMATS``).

    Raises
    ------
    ValueError
        For a name that is not one of ``EXPORT_FORMATS``.
    """
    if name == "html":
        return to_html(view, outlines=outlines)
    if name == "csv":
        return to_csv(view)
    if name == "geojson":
        return to_geojson(view)
    raise ValueError(f"Unknown export format {name!r}; options are: {[f.name for f in EXPORT_FORMATS]}")
