"""Tests for geo.render: the map (offline assets, markers, clusters) and escaped HTML."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import folium
import pytest
from builders import geocoded
from folium.plugins import FastMarkerCluster
from hypothesis import given
from hypothesis import strategies as st

from geo import render
from geo.atlas import GeoparsedArticle, Passage, PlaceSummary
from geo.framing import FIT_MAX_ZOOM, Framing
from geo.models import Article, GeocodedMention, Mention, Place
from geo.text import emphasis_spans

CALAIS = Place("Calais", 50.95, 1.86, "FR", "P.PPL", 3029162, "geonames")
FRANCE = Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "countryinfo")
SQUARE = {"type": "Polygon", "coordinates": [[[0.0, 45.0], [5.0, 45.0], [5.0, 50.0], [0.0, 45.0]]]}


def summary(place: Place, mentions: int = 1, category: str = "story", name: str | None = None) -> PlaceSummary:
    if name:
        place = Place(name, place.lat, place.lon, place.country_code, place.feature, place.geonameid, place.source)
    return PlaceSummary(f"geonames:{place.geonameid}", place, category, mentions, ("a",), (Passage("a", 0, 5, ()),))


def asset_links(*elements: folium.MacroElement) -> list[str]:
    """Every JS and CSS link that st_folium would load for these elements, as it collects them."""

    def walk(element: folium.MacroElement):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    links = []
    for element in elements:
        for item in walk(element):
            links += [url for _, url in getattr(item, "default_js", [])]
            links += [url for _, url in getattr(item, "default_css", [])]
    return links


@pytest.mark.parametrize("basemap", ["osm", "none"])
def test_base_map_loads_nothing_from_a_cdn(basemap: str) -> None:
    fmap = render.build_base_map(render.basemaps()[basemap], {"FR": SQUARE})
    links = asset_links(fmap)
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    html = fmap.get_root().render()
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html


def test_base_map_outlines_sit_under_the_tiles() -> None:
    fmap = render.build_base_map(render.basemaps()["none"], {"FR": SQUARE})
    script = fmap.get_root().render()
    assert '"outlines"' in script and "zIndex = 150" in script
    assert not any(isinstance(child, folium.TileLayer) for child in fmap._children.values())


def test_base_map_outlines_embedded_or_fetched() -> None:
    """Embedded for a page that stands alone (exports); a cached URL in the app, so no rerun resends them."""
    embedded = render.build_base_map(render.basemaps()["none"], {"FR": SQUARE}).get_root().render()
    assert "[[[0.0, 45.0]" in embedded and "fetch(" not in embedded
    url = "/app/static/generated/outlines-0123.json"
    fetched = render.build_base_map(render.basemaps()["none"], url).get_root().render()
    assert f'fetch("{url}")' in fetched and "45.0" not in fetched
    assert "pane: 'outlines'" in fetched and "interactive: false" in fetched


def test_custom_basemap_only_when_configured() -> None:
    assert "custom" not in render.basemaps()
    custom = render.basemaps("http://127.0.0.1:9000/{z}/{x}/{y}.png", "<b>Mine</b>")["custom"]
    assert custom.tiles.startswith("http://127.0.0.1") and custom.attribution == "&lt;b&gt;Mine&lt;/b&gt;"


def test_place_layer_markers_sized_coloured_and_escaped() -> None:
    evil = summary(CALAIS, 9, name="<img src=x onerror=alert(1)>")
    layer = render.build_place_layer(
        [evil, summary(FRANCE, 1, "country")], lambda s: "<script>alert(2)</script>", outlines={"FR": SQUARE}
    )
    markers = [c for c in layer._children.values() if isinstance(c, folium.CircleMarker)]
    polygons = [c for c in layer._children.values() if isinstance(c, folium.Polygon)]
    assert len(markers) == 2 and len(polygons) == 1
    assert markers[0].options["radius"] > markers[1].options["radius"]
    assert markers[0].options["fillColor"] == render.COLOURS["story"]
    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    script = fmap.get_root().render()
    assert "<img src=x" not in script and "<script>alert(2)" not in script
    assert "&lt;img src=x onerror=alert(1)&gt;" in script


def test_selected_place_is_drawn_highlighted() -> None:
    layer = render.build_place_layer([summary(CALAIS)], lambda s: "", selected_id="geonames:3029162")
    marker, framing = layer._children.values()
    assert marker.options["color"] == render.SELECTED_COLOUR and isinstance(framing, Framing)


def test_many_places_are_clustered_without_cdn_links() -> None:
    many = [summary(Place(f"P{i}", i % 80, i % 170, "FR", "P.PPL", i, "geonames")) for i in range(600)]
    layer = render.build_place_layer(many, lambda s: "")
    (cluster,) = [c for c in layer._children.values() if isinstance(c, FastMarkerCluster)]
    assert len(cluster.data) == 600
    assert asset_links(layer) == []
    selected = render.build_place_layer(many, lambda s: "", selected_id=many[0].id)
    assert _script(selected) == _script(layer)  # a click leaves the layer as it was: nothing to send again


def _script(layer: folium.FeatureGroup) -> str:
    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    return re.sub(r"_[0-9a-f]{32}", "_id", fmap.get_root().render())


@pytest.mark.parametrize(
    ("places", "bounds"),
    [([], None), ([CALAIS], [[50.95, 1.86], [50.95, 1.86]]), ([CALAIS, FRANCE], [[46.0, 1.86], [50.95, 2.0]])],
    ids=["none", "one", "two"],
)
def test_layer_fits_the_map_to_its_places(places: list[Place], bounds: list | None) -> None:
    """The browser fits the bounds (it knows the map's size in pixels); an empty view keeps the world."""
    script = _script(render.build_place_layer([summary(p) for p in places], lambda s: ""))
    view = json.loads(re.search(r"\}\)\(map_id, feature_group_id, (\{.*\})\);", script).group(1))
    assert view["bounds"] == bounds and view["selected"] is None
    assert view["maxZoom"] == FIT_MAX_ZOOM and "fitBounds(view.bounds" in script


@pytest.mark.parametrize("clustered", [False, True], ids=["markers", "clusters"])
def test_layer_brings_the_selected_place_into_view(clustered: bool) -> None:
    """Markers: the selected place is panned to when outside the view; clusters stay the same when one is chosen."""
    france = summary(FRANCE, 2, "country")
    others = [summary(CALAIS, 1, name=f"P{i}") for i in range(render.CLUSTER_THRESHOLD if clustered else 1)]
    script = _script(render.build_place_layer([france, *others], lambda s: "", selected_id=france.id))
    view = json.loads(re.search(r"\}\)\(map_id, feature_group_id, (\{.*\})\);", script).group(1))
    assert view["selected"] == (None if clustered else [46.0, 2.0])


def test_small_markers_are_drawn_over_big_ones() -> None:
    """Biggest first, so a small marker near a big one is not hidden under it (the selected one grows)."""
    sizes = [summary(replace(CALAIS, geonameid=n), n) for n in (1, 30, 4, 9)]
    script = _script(render.build_place_layer(sizes, lambda s: "", selected_id=sizes[0].id))
    radii = [float(r) for r in re.findall(r'"radius": ([0-9.]+)', script)]
    assert radii == sorted(radii, reverse=True) and len(radii) == 4
    assert radii[-1] == render.marker_radius(4) and render.marker_radius(1) + 3 in radii


@pytest.mark.parametrize("count", [2, render.CLUSTER_THRESHOLD + 1], ids=["markers", "clusters"])
def test_a_popup_never_pans_the_map(count: int) -> None:
    """A click selects, the app redraws the layer and the popup closes: panning for it moved the places away."""
    places = [summary(replace(CALAIS, geonameid=n)) for n in range(count)]
    script = _script(render.build_place_layer(places, lambda s: ""))
    assert ('"autoPan": false' in script or "autoPan: false" in script) and '"autoPan": true' not in script


def test_highlight_html_escapes_everything_and_marks_spans() -> None:
    text = 'A <b>bold</b> move to Calais & "Sangatte".\nNext'
    start = text.index("Calais")
    out = render.highlight_html(text, 0, len(text), [(start, start + 6, "place story", "?place=x&y=<1>")])
    assert out.startswith("A &lt;b&gt;bold&lt;/b&gt; move to ")
    link = '<a href="?place=x&amp;y=&lt;1&gt;" target="_self" data-mention="22-28">'
    assert link + '<mark class="place story">Calais</mark></a>' in out
    assert "&amp; &quot;Sangatte&quot;.<br>Next" in out


def test_article_html_links_every_placed_mention() -> None:
    from geo.models import GeocodedMention, Mention

    text = "Refugees in Calais.\n\nThen <script>x</script> in Calais."
    then = text.index("Then")
    mentions = [
        GeocodedMention(Mention(i, i + 6, "Calais", "toponym", (0, 1), (0, 1)), CALAIS)
        for i in (text.index("Calais"), text.rindex("Calais"))
    ]
    out = render.article_html(
        text, mentions, href=lambda m: f"?place=c&at={m.mention.start}", category=lambda m: "story",
        current=(then, len(text)),
    )  # fmt: skip
    assert out.count('<mark class="place story">Calais</mark>') == 2
    assert f'<span id="passage-{then}" class="current-passage">Then &lt;script&gt;' in out
    assert "<script>" not in out
    plain = render.article_html(text, mentions, href=lambda m: None, category=lambda m: "story")
    assert "current-passage" not in plain and "<a " not in plain


def test_passages_html_groups_by_article_and_escapes() -> None:
    article = Article("a", "Title <i>x</i>", "Camps in Calais.", author="<b>A</b>")
    place = PlaceSummary("geonames:3029162", CALAIS, "story", 1, ("a",), (Passage("a", 0, 16, ((9, 15),)),))
    out = render.passages_html(place, {"a": article}, lambda p: f"?passage={p.start}")
    assert "Title &lt;i&gt;x&lt;/i&gt;" in out and "&lt;b&gt;A&lt;/b&gt;" in out
    assert 'Camps in <mark class="place story">Calais</mark>.' in out
    assert 'href="?passage=0"' in out


@pytest.mark.parametrize(
    ("passages", "limit", "note", "shown"),
    [
        (2, 5, "", 2),
        (3, 2, "The first 2 of 3 passages; choose fewer articles to see others.", 2),
    ],
    ids=["all", "capped"],
)
def test_passages_panel_caps_and_opens_only_the_articles_shown(
    passages: int, limit: int, note: str, shown: int
) -> None:
    texts = {f"a{i}": f"Camps in Calais, day {i}." for i in range(passages)}
    found = {a: GeoparsedArticle(Article(a, f"Day {a}", text), ()) for a, text in texts.items()}
    opened: list[str] = []
    rows = [Passage(a, 0, len(text), ((9, 15),)) for a, text in texts.items()]
    place = PlaceSummary("geonames:3029162", CALAIS, "story", passages, tuple(texts), tuple(rows))
    open_article = lambda a: opened.append(a) or found[a]  # noqa: E731
    html = render.passages_panel(place, rows, open_article, lambda p: "?", limit=limit)
    assert html.startswith('<h3 class="passage-place">Calais, FR · ')
    assert (f'<p class="note">{note}</p>' in html) == bool(note) and ('class="note"' in html) == bool(note)
    assert html.count('<p class="passage">') == shown and opened == list(texts)[:shown]


def test_passages_panel_skips_an_article_deleted_meanwhile() -> None:
    rows = [Passage("gone", 0, 5, ((0, 5),)), Passage("here", 0, 6, ((0, 6),))]
    here = GeoparsedArticle(Article("here", "Here", "Calais"), ())
    place = PlaceSummary("geonames:3029162", CALAIS, "story", 2, ("gone", "here"), tuple(rows))
    html = render.passages_panel(place, rows, {"here": here}.get, lambda p: "?", limit=10)
    assert html.count('<p class="passage">') == 1 and "Here" in html
    gone = render.passages_panel(place, rows[:1], {"here": here}.get, lambda p: "?", limit=10)
    assert gone == '<h3 class="passage-place">Calais, FR · 2 mentions</h3>'  # never empty: st.html refuses ""


def test_reader_marks_the_passage_a_link_opened() -> None:
    text = "Refugees in Calais. Then police came to Calais."
    second = text.index("Then")
    item = GeoparsedArticle(
        Article("a", "T", text), (geocoded(text, "Calais", CALAIS), geocoded(text, "Calais", CALAIS, nth=1),
                                   geocoded(text, "police", None)),
    )  # fmt: skip
    body, scroll_to = render.reader_html(item, href=lambda m: "?place=c", passage=second)
    assert body.startswith('<h3 class="reader-title">T</h3><p class="byline reader-byline">no date · unknown author</p>'
                           '<div class="article">')  # fmt: skip
    assert body.count('<mark class="place story">') == 2
    assert scroll_to == f"passage-{second}" and f'id="passage-{second}"' in body
    assert render.reader_html(item, href=lambda m: None, passage=3)[1] is None  # no sentence starts there
    assert "current-passage" not in render.reader_html(item, href=lambda m: None)[0]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("The *Daily Star* said so.", 'The <span class="md-em">Daily Star</span> said so.'),
        (
            "Police in **Calais** came.",
            'Police in <a href="?c"><mark class="place story"><span class="md-strong">Calais</span></mark></a> came.',
        ),
        (
            "__Calais__ <b>*x*</b>.",
            '<a href="?c"><mark class="place story"><span class="md-strong">Calais</span></mark>'
            '</a> &lt;b&gt;<span class="md-em">x</span>&lt;/b&gt;.',
        ),
        (
            "*Calais, France* fell.",
            '<a href="?c"><mark class="place story"><span class="md-em">Calais</span></mark></a>'
            '<span class="md-em">, France</span> fell.',
        ),
        (
            "5*3*2 and snake_case_name in Calais.",
            '5*3*2 and snake_case_name in <a href="?c"><mark class="place story">Calais</mark></a>.',
        ),
        (
            "[Calais](http://evil.example) ![i](x.png).",
            '[<a href="?c"><mark class="place story">Calais</mark></a>](http://evil.example) ![i](x.png).',
        ),
    ],
    ids=["em", "strong-place", "underscores-and-html", "place-inside-em", "not-emphasis", "links-stay-text"],
)
def test_reader_shows_markdown_emphasis_as_emphasis_and_the_rest_as_text(text: str, shown: str) -> None:
    """No raw asterisks around emphasis; links, images and HTML stay as written, escaped."""
    mentions = (geocoded(text, "Calais", CALAIS),) if "Calais" in text else ()
    item = GeoparsedArticle(Article("a", "**Title** <i>x</i>", text), mentions)
    body, _ = render.reader_html(item, href=lambda m: "?c")
    body = re.sub(r' target="_self" data-mention="\d+-\d+"', "", body)
    assert body == (
        '<h3 class="reader-title">**Title** &lt;i&gt;x&lt;/i&gt;</h3>'
        f'<p class="byline reader-byline">no date · unknown author</p><div class="article">{shown}</div>'
    )


def test_legend_names_every_kind() -> None:
    legend = render.legend_html()
    assert all(colour in legend for colour in render.COLOURS.values())


def test_popups_and_tooltips_cannot_break_out_of_folium_template_literals() -> None:
    """folium writes them into `...` strings: a backtick, "${" or a backslash must arrive as text."""
    tricky = summary(CALAIS, name="Cal`ais\\")
    layer = render.build_place_layer([tricky], lambda s: "`${alert(1)}` C:\\new\\u")
    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    script = fmap.get_root().render()
    assert "${alert" not in script and "C:\\new" not in script and "Cal`ais" not in script
    assert "&#96;&#36;{alert(1)}&#96; C:&#92;new&#92;u" in script and "Cal&#96;ais&#92;" in script


@pytest.mark.parametrize("basemap", ["osm", "none"])
def test_map_has_a_max_zoom_whatever_the_tiles(basemap: str) -> None:
    """Bug: with no tile layer the map had no maxZoom, and Leaflet.markercluster refused it (no markers above 500)."""
    script = render.build_base_map(render.basemaps()[basemap], {}).get_root().render()
    assert f'"maxZoom": {render.MAX_ZOOM}' in script


# -- hostile text: shown as text, whatever its line breaks and characters (issue 8) -----------------

BREAKS = ["\r\r", "\r\n\r\n", "\n\n", "\u2028", "\u2029", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85"]
BREAK_IDS = ["cr-cr", "crlf-crlf", "lf-lf", "line-separator", "paragraph-separator", "form-feed", "vertical-tab",
             "file-separator", "group-separator", "record-separator", "next-line"]  # fmt: skip
# What Streamlit's Markdown would have made of a text once a bare "\r\r" ended the reader's HTML block.
PAYLOADS = [
    "[a link](http://evil.example/md)",
    "**bold** __bold__ *em*",
    "$$x^2$$ and $y$",
    ":red[red text] :smile: :material/home:",
    "![tracker](http://evil.example/t.png)",
    "<img src=http://evil.example/raw.png>",
    "<script>window.__pwned=1</script>",
    "[js](javascript:window.__pwned=2) <a href=javascript:alert(1)>x</a>",
    "<http://evil.example/auto> www.evil.example http://evil.example/bare",
    "&lt;b&gt; &amp; &#60;i&#62;",
    "# Heading\n===\n> quote\n    code",
    "`code` ~~strike~~ | table |",
]
PAYLOAD_IDS = ["md-link", "bold", "katex", "streamlit-directives", "md-image", "html-image", "script", "javascript",
               "autolinks", "entities", "blocks", "code-strike-table"]  # fmt: skip


class _Tags(HTMLParser):
    """The tags, attributes and text that a browser would build from a piece of HTML."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "br":
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def shown_text(text: str) -> str:
    """What a reader should see of ``text``: its line breaks as "\\n", unshowable characters as U+FFFD."""
    text = re.sub("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", "\n", text)
    return re.sub("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]", "\ufffd", text)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("brk", BREAKS, ids=BREAK_IDS)
def test_text_html_shows_markup_and_markdown_as_text(brk: str, payload: str) -> None:
    """Bug (issue 8): after a bare "\\r\\r" the reader's text was live Markdown (links, bold, KaTeX, images)."""
    text = f"Refugees in Calais.{brk}{payload}{brk}The end."
    out = render.text_html(text)
    parsed = _Tags(out)
    assert [tag for tag, _ in parsed.tags] == ["br"] * out.count("<br>")  # no other element, whatever the text
    assert "".join(parsed.text) == shown_text(text)
    assert not re.search("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", out)  # one line: no block of its own ends


@given(st.text(st.characters(exclude_categories=())))  # lone surrogates and control characters too
def test_text_html_is_exactly_the_text(text: str) -> None:
    out = render.text_html(text)
    parsed = _Tags(out)
    assert {tag for tag, _ in parsed.tags} <= {"br"}
    assert "".join(parsed.text) == shown_text(text)


@given(
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list("<>&\"'`$*_[]()!:\r\n\u2028"))),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=6),
)
def test_article_html_only_marks_and_the_apps_own_links(text: str, spans: list[tuple[int, int]]) -> None:
    """Whatever the text and the mentions' offsets: marks, line breaks and the app's own links, nothing else."""
    spans = [(s, min(s + n, len(text))) for s, n in spans if s < len(text)]
    mentions = [GeocodedMention(Mention(s, e, text[s:e], "toponym", (0, len(text)), (0, len(text))), CALAIS)
                for s, e in spans if s < e]  # fmt: skip
    out = render.article_html(text, mentions, href=lambda m: f"?place=p&at={m.mention.start}", category=lambda m: "x")
    parsed = _Tags(out)
    assert {tag for tag, _ in parsed.tags} <= {"br", "mark", "a", "span"}
    assert all(attrs["href"].startswith("?place=p&at=") for tag, attrs in parsed.tags if tag == "a")
    assert all(attrs == {"class": "md-em"} or attrs == {"class": "md-strong"}
               for tag, attrs in parsed.tags if tag == "span")  # fmt: skip
    marks = {
        i for e in emphasis_spans(text) for i in (*range(e.start, e.start + e.mark), *range(e.end - e.mark, e.end))
    }
    assert "".join(parsed.text) == shown_text("".join(c for i, c in enumerate(text) if i not in marks))


def test_passages_show_a_hostile_title_and_author_as_text() -> None:
    """Bug (issue 8): an author with a blank line made the passages panel's rest live Markdown."""
    author = "Jane\n\n[a](http://evil.example/a) **b** ![i](http://evil.example/i.png)"
    title = "T\r\r<img src=http://evil.example/t.png> :red[t] $$x$$"
    article = Article("a", title, "Camps in Calais.", author=author)
    place = PlaceSummary("geonames:3029162", CALAIS, "story", 1, ("a",), (Passage("a", 0, 16, ((9, 15),)),))
    out = render.passages_html(place, {"a": article}, lambda p: f"?passage={p.start}")
    parsed = _Tags(out)
    assert {tag for tag, _ in parsed.tags} == {"h4", "p", "br", "mark", "a"}
    assert [attrs["href"] for tag, attrs in parsed.tags if tag == "a"] == ["?passage=0"]
    assert shown_text(title) in "".join(parsed.text) and shown_text(author) in "".join(parsed.text)


@pytest.mark.parametrize(
    ("url", "source", "link"),
    [
        ("https://www.wsws.org/en/a.html", "WSWS", "https://www.wsws.org/en/a.html"),
        ("HTTP://Example.org/a?b=1&c=<2>", "", "HTTP://Example.org/a?b=1&c=<2>"),
        ("javascript:window.__pwned=1", "Evil", None),
        ("JaVaScRiPt:alert(1)", "", None),
        ("java\nscript:alert(1)", "", None),
        ("http://evil.example/\u2028x", "", None),
        ("data:text/html,<script>alert(1)</script>", "", None),
        ("file:///etc/passwd", "", None),
        ("//evil.example/x", "", None),
        ("http:///x", "", None),
        ("http://[::1", "", None),
        ("", "World Socialist Web Site", None),
    ],
    ids=["https", "http-upper-query", "javascript", "javascript-mixed-case", "javascript-newline", "line-separator",
         "data", "file", "scheme-relative", "no-host", "bad-ipv6", "none"],
)  # fmt: skip
def test_reader_links_only_an_http_source(url: str, source: str, link: str | None) -> None:
    item = GeoparsedArticle(Article("a", "T", "Camps in Calais.", source=source, url=url), ())
    body, _ = render.reader_html(item, href=lambda m: None)
    anchors = [attrs for tag, attrs in _Tags(body).tags if tag == "a"]
    if link is None:
        assert anchors == []
        if url:  # shown, not linked: nothing the article says is hidden
            assert shown_text(f"{url} (not a web address)") in "".join(_Tags(body).text)
    else:
        assert anchors == [{"class": "source", "href": link, "target": "_blank", "rel": "noopener noreferrer"}]
    assert render.web_url(url) == link


@pytest.mark.parametrize("kind", ["error", "info"])
def test_messages_are_plain_text(kind: str) -> None:
    name = "evil **b** [l](javascript:alert(1)) $x$ :red[r]\r\r<img src=http://evil.example/m.png>.md"
    out = render.message_html(f"Not added: {name} (empty)", kind=kind)  # type: ignore[arg-type]
    parsed = _Tags(out)
    role = "alert" if kind == "error" else "status"
    assert parsed.tags[0] == ("div", {"class": f"atlas-message atlas-{kind}", "role": role})
    assert {tag for tag, _ in parsed.tags[1:]} == {"br"}
    assert "".join(parsed.text) == shown_text(f"Not added: {name} (empty)")


def test_popups_and_tooltips_show_hostile_text_as_text() -> None:
    excerpt = "Camps\r\r[a](http://evil.example/p) <img src=http://evil.example/p.png> **b** in Calais."
    layer = render.build_place_layer([summary(CALAIS, name="Cal<b>ais</b>\u2028x")], lambda s: excerpt)
    fmap = folium.Map(tiles=None)
    layer.add_to(fmap)
    script = fmap.get_root().render()
    assert "<img src=http" not in script and "Cal<b>" not in script
    assert "Camps<br><br>[a](http://evil.example/p) &lt;img src=http://evil.example/p.png&gt; **b**" in script
