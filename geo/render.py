"""Rendering: places -> a Folium map and HTML for passages and the article reader.

Input: ``PlaceSummary`` records (``geo.atlas``) and articles.  Output: a
``folium.Map`` that stays the same across reruns, a ``folium.FeatureGroup``
of the places in view, and escaped HTML.  Every text that comes from an
article (text, title, author, source, URL, file name) is escaped by
``text_html`` before it reaches HTML: an article is data, never markup.  The
app shows this HTML with ``st.html``, which Streamlit does not put through
Markdown, so no line break (``\r``, ``\u2028``...) or character can turn the
rest of a text into links, images or bold.  The only link an article gives
is its own source URL, and only when it is http(s) (``web_url``).
No Streamlit here.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import folium
import jinja2
from folium.plugins import FastMarkerCluster

from geo.assets import VENDOR_CSS, VENDOR_JS, outlines_geojson
from geo.atlas import CATEGORIES, GeoparsedArticle, Passage, PlaceSummary, mention_category
from geo.framing import Framing
from geo.models import Article, GeocodedMention
from geo.text import Emphasis, emphasis_spans

if TYPE_CHECKING:
    from geo.ingest import IngestReport
    from geo.review import MentionReview

COLOURS = {"story": "#c0392b", "origin": "#1f78b4", "country": "#2e8b57", "water": "#6a51a3"}
SELECTED_COLOUR = "#f39c12"
# A place's outline says whether a person reviewed it: (colour, weight, dash pattern) by review status.
REVIEW_OUTLINES: dict[str, tuple[str, float, str | None]] = {
    "automatic": ("#ffffff", 1.5, None),
    "confirmed": ("#1b5e20", 3.0, None),
    "corrected": ("#111111", 3.0, "4 3"),
    "added": ("#111111", 3.0, "4 3"),
}
REVIEW_WORDS = {"confirmed": "confirmed by a reviewer", "corrected": "corrected by a reviewer",
                "added": "added by a reviewer"}  # fmt: skip
CLUSTER_THRESHOLD = 500  # above this many places, markers are clustered in the browser
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
GEONAMES_ATTRIBUTION = 'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC-BY 4.0)'
MAX_ZOOM = 18
# What str.splitlines() splits on: each shows as a line break, a "\r\n" pair as one.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters and lone surrogates: not text a page can show (and a surrogate cannot even be sent
# to the browser as UTF-8); each shows as U+FFFD, the replacement character, so nothing vanishes.
_UNSHOWABLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Basemap:
    """What is drawn under the places: tiles from a server, or only country outlines."""

    name: str
    label: str
    tiles: str | None
    attribution: str = ""


def basemaps(custom_tiles: str = "", custom_attribution: str = "") -> dict[str, Basemap]:
    """The basemap choices; "custom" only when a tile URL is configured."""
    choices = {
        "osm": Basemap("osm", "OpenStreetMap (online)", OSM_TILES, OSM_ATTRIBUTION),
        "none": Basemap("none", "Country outlines only (offline)", None),
    }
    if custom_tiles:
        choices["custom"] = Basemap("custom", "Custom tiles", custom_tiles, html.escape(custom_attribution))
    return choices


def build_base_map(basemap: Basemap, outlines: Mapping[str, dict] | str) -> folium.Map:
    """The map without places: identical for every view, so the browser never remounts it.

    Leaflet comes from the app's own static folder, not a CDN; country
    outlines are drawn in a pane under the tiles, so the map stays readable
    when no tile server answers.  ``outlines`` is either the outlines by ISO
    code, embedded in the page (a page that must stand alone), or the URL of
    their GeoJSON file (``assets.install_outlines``), which the browser fetches
    once and caches: the app then does not send them with every rerun.
    """
    fmap = folium.Map(
        location=(30.0, 10.0),
        zoom_start=2,
        tiles=None,
        max_zoom=MAX_ZOOM,
        min_zoom=1,
        control_scale=False,  # the scale would sit under the attribution on a narrow map
        world_copy_jump=True,
        attribution_control=True,
    )
    # folium gives max_zoom to its own tile layer only; with tiles=None the map would have no
    # maxZoom, and Leaflet.markercluster refuses such a map.
    fmap.options["max_zoom"] = MAX_ZOOM
    fmap.default_js = list(VENDOR_JS)
    fmap.default_css = list(VENDOR_CSS)
    folium.map.CustomPane("outlines", z_index=150, pointer_events=False).add_to(fmap)
    _Outlines(outlines).add_to(fmap)
    if basemap.tiles:
        folium.TileLayer(basemap.tiles, attr=basemap.attribution, name=basemap.label, max_zoom=MAX_ZOOM).add_to(fmap)
    _Attribution(GEONAMES_ATTRIBUTION).add_to(fmap)
    return fmap


class _Outlines(folium.MacroElement):
    """Country outlines in the "outlines" pane, from embedded GeoJSON or fetched from a URL.

    Fetched, they arrive while the markers are drawn; a failed fetch leaves
    the map without outlines (and says so in the browser's console).
    """

    _template = jinja2.Template(
        "{% macro script(this, kwargs) %}"
        "(function () {"
        " var draw = function (outlines) {"
        "  L.geoJson(outlines, {pane: 'outlines', interactive: false, style: {{ this.style|tojson }}})"
        ".addTo({{ this._parent.get_name() }});"
        " };"
        "{% if this.url %}"
        " fetch({{ this.url|tojson }}).then(function (answer) {"
        "  if (!answer.ok) throw new Error(answer.status + ' ' + answer.statusText); return answer.json();"
        " }).then(draw).catch(function (error) {"
        "  console.error('News Atlas: no country outlines from ' + {{ this.url|tojson }} + ': ' + error);"
        " });"
        "{% else %}"
        " draw({{ this.collection|tojson }});"
        "{% endif %}"
        "})();"
        "{% endmacro %}"
    )

    def __init__(self, outlines: Mapping[str, dict] | str) -> None:
        super().__init__()
        self._name = "Outlines"
        self.style = {"color": "#7f8c8d", "weight": 0.7, "fillColor": "#f4f1ea", "fillOpacity": 1.0}
        self.url = outlines if isinstance(outlines, str) else None
        self.collection = None if isinstance(outlines, str) else outlines_geojson(outlines)


class _Attribution(folium.MacroElement):
    """A credit line in the map's corner whatever the basemap (GeoNames' licence asks for it)."""

    _template = jinja2.Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text


def tooltip_text(summary: PlaceSummary) -> str:
    """ "Calais, FR · 20 mentions" (and " · corrected by a reviewer"): the label first, which a click is matched by."""
    noun = "mention" if summary.mentions == 1 else "mentions"
    reviewed = f" · {REVIEW_WORDS[summary.review]}" if summary.review in REVIEW_WORDS else ""
    return f"{summary.label} · {summary.mentions} {noun}{reviewed}"


def marker_class(summary: PlaceSummary) -> str:
    """CSS classes of a place's marker: "place-marker place-geonames-2976217 review-automatic" (tests find it)."""
    return "place-marker place-" + re.sub(r"[^A-Za-z0-9_-]+", "-", summary.id).strip("-") + f" review-{summary.review}"


def marker_radius(mentions: int) -> float:
    """Marker size grows with the square root of the mentions, so area tracks the count."""
    return round(5 + 3 * math.sqrt(mentions), 1)


def build_place_layer(
    summaries: Sequence[PlaceSummary],
    excerpts: Callable[[PlaceSummary], str],
    *,
    selected_id: str | None = None,
    outlines: Mapping[str, dict] | None = None,
) -> folium.FeatureGroup:
    """One marker per place, sized by mentions and coloured by kind, in a feature group.

    Parameters
    ----------
    summaries:
        The places in view.
    excerpts:
        Gives a place's popup text (plain text; escaped here).
    selected_id:
        The place to draw highlighted; not when the places are clustered: the
        layer then stays the same when a click selects a place, so the app
        does not send its thousands of markers to the browser again.
    outlines:
        Country polygons by ISO code, to shade the countries in view.
    """
    # A click selects a place, and the app then draws the layer again, which closes the popup: panning the
    # map to show that popup (Leaflet's autoPan) would only move the places away from under the pointer.
    layer = folium.FeatureGroup(name="Places")
    for summary in summaries:
        code = summary.place.country_code
        if outlines and summary.category in {"country", "origin"} and code in outlines:
            # Polygons, not GeoJson: st_folium's feature groups cannot carry GeoJson's styling code.
            colour = COLOURS[summary.category]
            for rings in _latlon_polygons(outlines[code]):
                folium.Polygon(
                    rings, color=colour, weight=1, fill=True, fill_color=colour, fill_opacity=0.12, interactive=False
                ).add_to(layer)
    if len(summaries) > CLUSTER_THRESHOLD:
        _clustered_markers(summaries, excerpts).add_to(layer)
        Framing(summaries, selected=None, largest_radius=0).add_to(layer)
        return layer
    radius = {s.id: marker_radius(s.mentions) + (3 if s.id == selected_id else 0) for s in summaries}
    # Biggest first: a small marker is drawn over a big one, not hidden under it (Framing fans them out).
    for summary in sorted(summaries, key=lambda s: -radius[s.id]):
        selected = summary.id == selected_id
        colour = COLOURS[summary.category]
        outline, weight, dash = REVIEW_OUTLINES.get(summary.review, REVIEW_OUTLINES["automatic"])
        folium.CircleMarker(
            location=(summary.place.lat, summary.place.lon),
            radius=radius[summary.id],
            color=SELECTED_COLOUR if selected else outline,
            weight=3 if selected else weight,
            dash_array=dash,
            fill=True,
            fill_color=colour,
            fill_opacity=0.85,
            tooltip=folium.Tooltip(_html_text(tooltip_text(summary))),
            class_name=marker_class(summary),
            popup=folium.Popup(_popup_html(summary, excerpts(summary)), max_width=320, auto_pan=False),
        ).add_to(layer)
    chosen = next((s for s in summaries if s.id == selected_id), None)
    Framing(summaries, selected=chosen, largest_radius=max(radius.values(), default=0)).add_to(layer)
    return layer


def _latlon_polygons(geometry: Mapping[str, object]) -> list[list[list[list[float]]]]:
    """The parts of a GeoJSON Polygon or MultiPolygon, each a list of (lat, lon) rings for Leaflet."""
    coordinates: list = geometry["coordinates"]  # type: ignore[assignment]
    parts = [coordinates] if geometry["type"] == "Polygon" else coordinates
    return [[[[lat, lon] for lon, lat in ring] for ring in part] for part in parts]


def _popup_html(summary: PlaceSummary, excerpt: str) -> str:
    return f"<b>{_html_text(summary.label)}</b><br>{_html_text(excerpt)}"


def text_html(text: str) -> str:
    """Plain text as HTML that shows it exactly: every character escaped, every line break a ``<br>``.

    Quotes are escaped too, so the result may also sit in an attribute.
    Control characters and lone surrogates show as U+FFFD.

    Examples
    --------
    >>> text_html('**Bold** <b>x</b> & "y"\\r\\r[l](http://e)')
    '**Bold** &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;<br><br>[l](http://e)'
    """
    return _LINE_BREAK.sub("<br>", html.escape(_UNSHOWABLE.sub("\ufffd", text)))


def _html_text(text: str) -> str:
    """Text escaped for HTML that folium writes into a JavaScript template literal (tooltips, popups).

    In a backtick string "`" would end it, "${" run code and "\\" start an escape (an invalid
    one stops the whole map script); as character references they display the same.
    """
    return text_html(text).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


# Each data row: lat, lon, tooltip HTML, popup HTML, fill colour, radius, outline colour, weight, dash pattern.
_CLUSTER_CALLBACK = """
function (row) {
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: row[5], color: row[6], weight: row[7], dashArray: row[8], fill: true, fillColor: row[4],
        fillOpacity: 0.85
    });
    marker.bindTooltip(row[2]);
    marker.bindPopup(row[3], {maxWidth: 320, autoPan: false});
    return marker;
}
"""


def _clustered_markers(summaries: Sequence[PlaceSummary], excerpts: Callable[[PlaceSummary], str]) -> FastMarkerCluster:
    """Thousands of places: the browser builds the markers from one data array, in clusters."""
    data = [
        [
            s.place.lat,
            s.place.lon,
            text_html(tooltip_text(s)),
            _popup_html(s, excerpts(s)),
            COLOURS[s.category],
            marker_radius(s.mentions),
            *REVIEW_OUTLINES.get(s.review, REVIEW_OUTLINES["automatic"]),
        ]
        for s in summaries
    ]
    cluster = FastMarkerCluster(data, callback=_CLUSTER_CALLBACK, name="Places")
    cluster.default_js = []  # Leaflet.markercluster comes with the base map, from the app itself
    cluster.default_css = []
    return cluster


def highlight_html(
    text: str,
    start: int,
    end: int,
    spans: Sequence[tuple[int, int, str, str | None]],
) -> str:
    """``text[start:end]`` as ``text_html``, with each span wrapped in a ``<mark>``, and Markdown emphasis
    (``*a*``, ``**a**``) shown as emphasis, without its marks (``_emphasised_html``).

    ``spans`` are ``(start, end, css_class, href)`` in text offsets; a span
    with an ``href`` (a link of the app's own, ``geo.atlas.view_href``)
    becomes a link too, whose ``data-mention`` attribute is the span
    ("270-276": the reader's click component sends it back).  Overlapping
    spans are skipped.
    """
    emphases = emphasis_spans(text, start, end)
    parts = []
    position = start
    for span_start, span_end, css_class, href in sorted(spans):
        if span_start < position or span_end > end:
            continue
        parts.append(_emphasised_html(text, position, span_start, emphases))
        words = _emphasised_html(text, span_start, span_end, emphases)
        inner = f'<mark class="{html.escape(css_class)}">{words}</mark>'
        if href:
            inner = f'<a href="{html.escape(href)}" target="_self" data-mention="{span_start}-{span_end}">{inner}</a>'
        parts.append(inner)
        position = span_end
    parts.append(_emphasised_html(text, position, end, emphases))
    return "".join(parts)


def _emphasised_html(text: str, start: int, end: int, emphases: Sequence[Emphasis]) -> str:
    """``text[start:end]`` as ``text_html``, without the Markdown marks of ``emphases`` and their words in a
    ``<span class="md-em">`` (or ``md-strong``): an article's own styling, shown as styling, its text still text.

    A piece may begin or end inside an emphasis (a highlighted place in *italics*): each piece closes its own
    spans, so the HTML nests whatever the pieces.
    """
    parts = []
    position = start
    for emphasis in emphases:
        words = (max(emphasis.start + emphasis.mark, start), min(emphasis.end - emphasis.mark, end))
        if emphasis.end <= start or emphasis.start >= end:
            continue
        parts.append(text_html(text[position : max(emphasis.start, position)]))
        if words[0] < words[1]:
            style = "md-strong" if emphasis.mark == 2 else "md-em"
            parts.append(f'<span class="{style}">{text_html(text[words[0] : words[1]])}</span>')
        position = min(emphasis.end, end)
    parts.append(text_html(text[position:end]))
    return "".join(parts)


def article_html(
    text: str,
    mentions: Sequence[GeocodedMention],
    *,
    href: Callable[[GeocodedMention], str | None],
    category: Callable[[GeocodedMention], str],
    current: tuple[int, int] | None = None,
) -> str:
    """A whole article, every mention highlighted by kind and linked.

    ``current`` is a passage (sentence offsets) to mark and to scroll to:
    it gets the element id ``passage-<start>``.
    """
    spans = [(m.mention.start, m.mention.end, f"place {category(m)}{_reviewed_class(m)}", href(m)) for m in mentions]
    if current is None:
        return highlight_html(text, 0, len(text), spans)
    start, end = current

    def within(low: int, high: int) -> list[tuple[int, int, str, str | None]]:
        return [span for span in spans if low <= span[0] and span[1] <= high]

    return (
        highlight_html(text, 0, start, within(0, start))
        + f'<span id="passage-{start}" class="current-passage">{highlight_html(text, start, end, within(start, end))}'
        + f"</span>{highlight_html(text, end, len(text), within(end, len(text)))}"
    )


def _reviewed_class(mention: GeocodedMention) -> str:
    """ " reviewed corrected" for a mention a person reviewed (outlined in the reader), "" for an automatic one."""
    return "" if mention.review == "automatic" else f" reviewed {mention.review}"


def passages_html(summary: PlaceSummary, articles: Mapping[str, Article], link: Callable[[Passage], str]) -> str:
    """Every passage about a place, grouped by article (title, date, author), the place highlighted."""
    parts = []
    for article_id in summary.article_ids:
        article = articles[article_id]
        byline = f"{article.date or 'no date'} · {article.author or 'unknown author'}"
        parts.append(f'<h4 class="passage-article">{text_html(article.title)}</h4>')
        parts.append(f'<p class="byline">{text_html(byline)}</p>')
        for passage in (p for p in summary.passages if p.article_id == article_id):
            spans = [(s, e, f"place {summary.category}", None) for s, e in passage.highlights]
            body = highlight_html(article.text, passage.start, passage.end, spans)
            parts.append(
                f'<p class="passage">{body} <a href="{html.escape(link(passage))}" target="_self">'
                "open in article&nbsp;→</a></p>"
            )
    return "".join(parts)


def passages_panel(
    summary: PlaceSummary,
    passages: Sequence[Passage],
    article: Callable[[str], GeoparsedArticle | None],
    link: Callable[[Passage], str],
    *,
    limit: int,
) -> str:
    """The passages panel of a place, as HTML: its heading, a note when only the first ``limit``
    passages show, and the passages.

    ``article`` gives an article by id (the store's); a place named in
    thousands of articles opens only the articles of the passages shown.
    """
    shown = tuple(passages[:limit])
    found = {a: article(a) for a in dict.fromkeys(p.article_id for p in shown)}
    articles = {a: item.article for a, item in found.items() if item is not None}
    heading = f'<h3 class="passage-place">{text_html(tooltip_text(summary))}</h3>'
    if len(passages) > limit:
        note = f"The first {limit} of {len(passages)} passages; choose fewer articles to see others."
        heading += f'<p class="note">{text_html(note)}</p>'
    view = replace(summary, passages=tuple(p for p in shown if p.article_id in articles), article_ids=tuple(articles))
    return heading + passages_html(view, articles, link)


def reader_html(
    item: GeoparsedArticle, *, href: Callable[[GeocodedMention], str | None], passage: int | None = None
) -> tuple[str, str | None]:
    """The reader: the title, a byline, then the article with every placed mention highlighted and linked.

    The byline is the date, author and source; the source links to the
    article's URL when that is http(s) (``web_url``), in a new tab.
    ``passage`` is the start of a sentence that a passage link opened: it is
    marked, and its element id is returned to scroll to (None when no
    sentence with a place starts there).
    """
    starts = {m.mention.sentence[0]: m.mention.sentence for m in item.mentions}
    current = starts.get(passage) if passage is not None else None
    placed = [m for m in item.mentions if m.place]
    body = article_html(item.article.text, placed, href=href, category=mention_category, current=current)
    title = f'<h3 class="reader-title">{text_html(item.article.title)}</h3>'
    reader = f'{title}{_reader_byline(item.article)}<div class="article">{body}</div>'
    return reader, f"passage-{current[0]}" if current else None


def _reader_byline(article: Article) -> str:
    """Date · author · source; the source links to the article's URL only when that is http(s)."""
    parts = [text_html(str(article.date or "no date")), text_html(article.author or "unknown author")]
    url = web_url(article.url)
    if url:
        label = text_html(article.source or urlsplit(url).hostname or url)
        link = f'<a class="source" href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
        parts.append(f"{link}{label}</a>")
    else:
        parts += [text_html(article.source)] if article.source else []
        parts += [text_html(f"{article.url.strip()} (not a web address)")] if article.url.strip() else []
    return f'<p class="byline reader-byline">{" · ".join(parts)}</p>'


def web_url(url: str) -> str | None:
    """``url`` when it is an http(s) address a link may go to, else ``None``.

    Refused: other schemes (``javascript:``, ``data:``, ``file:``), no host,
    and any blank or control character inside (a browser would drop them and
    read another address).

    Examples
    --------
    >>> web_url("https://www.wsws.org/en/articles/x.html"), web_url("javascript:alert(1)"), web_url("http:///x")
    ('https://www.wsws.org/en/articles/x.html', None, None)
    """
    url = url.strip()
    if not url or any(char.isspace() or not char.isprintable() for char in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "http://[::1" and the like
        return None
    return url if parts.scheme.lower() in {"http", "https"} and host else None


def scroll_script(element_id: str) -> str:
    """A script for a zero-height component frame that scrolls the page to an element once it is drawn."""
    target = json.dumps(element_id).replace("</", "<\\/")  # no "</script>" can end the script early
    return (
        "<script>const wanted = " + target + "; let tries = 0;"
        "const timer = setInterval(() => { const el = window.parent.document.getElementById(wanted);"
        " if (el || ++tries > 50) { clearInterval(timer); if (el) el.scrollIntoView({block: 'center'}); } }, 100);"
        "</script>"
    )


def message_html(text: str, *, kind: Literal["error", "info"]) -> str:
    """A message for the reader (an ingest report, an error) as a box of plain text.

    Messages name files, URLs and titles, which are the reader's input: they
    are escaped here and shown with ``st.html``, never as Markdown (where
    "**", "[x](...)", ":red[...]" or "$x$" in a file name would be read).
    """
    role = "alert" if kind == "error" else "status"
    return f'<div class="atlas-message atlas-{kind}" role="{role}">{text_html(text)}</div>'


def report_html(report: IngestReport) -> str:
    """One message per input of an ingest: "Added: x.md", "Skipped: ..." or "Not added: ... (why)"."""
    words = {"added": "Added", "duplicate": "Skipped", "failed": "Not added"}
    return "".join(
        message_html(
            f"{words[o.status]}: {o.source}" + (f" ({o.reason})" if o.reason else ""),
            kind="error" if o.status == "failed" else "info",
        )
        for o in report.outcomes
    )


def legend_html() -> str:
    """The colour key of the kinds of place, and the outline key of their review status."""
    items = "".join(
        f'<span class="legend-item"><span class="legend-dot" style="background:{COLOURS[key]}"></span>'
        f"{html.escape(label)}</span>"
        for key, label in CATEGORIES.items()
    )
    reviews = "".join(
        f'<span class="legend-item legend-{status}"><span class="legend-dot" style="background:#bbb;'
        f'border:2px {"dashed" if dash else "solid"} {colour if status != "automatic" else "#ffffff"}"></span>'
        f"{html.escape(label)}</span>"
        for status, label in (
            ("automatic", "automatic"),
            ("confirmed", "confirmed"),
            ("corrected", "corrected or added"),
        )
        for colour, _, dash in [REVIEW_OUTLINES[status]]
    )
    return f'<div class="legend">{items}<span class="legend-sep">Outline:</span>{reviews}</div>'


def review_html(review: MentionReview) -> str:
    """The head of the review panel: the mention, its place now, and why the geoparser chose it (all escaped)."""
    from geo.review import describe_candidate  # geo.review imports the store, which needs no rendering

    m = review.mention
    current = next((c for c in review.candidates if c.current), None)
    status = {"automatic": "chosen by the geoparser", "confirmed": "confirmed by a reviewer",
              "corrected": "corrected by a reviewer", "added": "added by a reviewer"}[m.review]  # fmt: skip
    lines = [
        f'<h3 class="review-name">Review “{text_html(m.mention.text)}”</h3>',
        f'<p class="review-place"><b>{text_html(describe_candidate(current) if current else "no place")}</b>'
        f" · {text_html(status)}</p>",
    ]
    why = []
    if review.rule:
        why.append(f"recognised by the rule {review.rule}" + (f" ({review.reason})" if review.reason else ""))
    if review.support:
        why.append(f"kept because {review.support}")
    if review.score is not None:
        why.append(f"resolver score {review.score:.2f}")
    if review.automatic is not None and current is not None and review.automatic != current.place:
        why.append(f"the geoparser had chosen {review.automatic.name}, {review.automatic.country_code}")
    if why:
        lines.append(f'<p class="review-why">Why: {text_html("; ".join(why))}.</p>')
    return "".join(lines)
