"""Tests for geo.render: the map (offline assets, markers, clusters) and escaped HTML."""

from __future__ import annotations

import re

import folium
import pytest
from builders import geocoded
from folium.plugins import FastMarkerCluster

from geo import render
from geo.atlas import GeoparsedArticle, Passage, PlaceSummary
from geo.models import Article, Place

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
    (marker,) = layer._children.values()
    assert marker.options["color"] == render.SELECTED_COLOUR


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
    ("places", "zoom_range"),
    [([], (2, 2)), ([CALAIS], (9, 10)), ([CALAIS, FRANCE], (5, 7))],
    ids=["none", "one", "two"],
)
def test_fit_view(places: list[Place], zoom_range: tuple[int, int]) -> None:
    centre, zoom = render.fit_view([summary(p) for p in places])
    assert zoom_range[0] <= zoom <= zoom_range[1]
    if places:
        assert min(p.lat for p in places) <= centre[0] <= max(p.lat for p in places)


def test_highlight_html_escapes_everything_and_marks_spans() -> None:
    text = 'A <b>bold</b> move to Calais & "Sangatte".\nNext'
    start = text.index("Calais")
    out = render.highlight_html(text, 0, len(text), [(start, start + 6, "place story", "?place=x&y=<1>")])
    assert out.startswith("A &lt;b&gt;bold&lt;/b&gt; move to ")
    assert '<a href="?place=x&amp;y=&lt;1&gt;" target="_self"><mark class="place story">Calais</mark></a>' in out
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
    got_note, html = render.passages_panel(place, rows, open_article, lambda p: "?", limit=limit)
    assert got_note == note
    assert html.count('<p class="passage">') == shown and opened == list(texts)[:shown]


def test_passages_panel_skips_an_article_deleted_meanwhile() -> None:
    rows = [Passage("gone", 0, 5, ((0, 5),)), Passage("here", 0, 6, ((0, 6),))]
    here = GeoparsedArticle(Article("here", "Here", "Calais"), ())
    place = PlaceSummary("geonames:3029162", CALAIS, "story", 2, ("gone", "here"), tuple(rows))
    _, html = render.passages_panel(place, rows, {"here": here}.get, lambda p: "?", limit=10)
    assert html.count('<p class="passage">') == 1 and "Here" in html


def test_reader_marks_the_passage_a_link_opened() -> None:
    text = "Refugees in Calais. Then police came to Calais."
    second = text.index("Then")
    item = GeoparsedArticle(
        Article("a", "T", text), (geocoded(text, "Calais", CALAIS), geocoded(text, "Calais", CALAIS, nth=1),
                                   geocoded(text, "police", None)),
    )  # fmt: skip
    body, scroll_to = render.reader_html(item, href=lambda m: "?place=c", passage=second)
    assert body.startswith('<div class="article">') and body.count('<mark class="place story">') == 2
    assert scroll_to == f"passage-{second}" and f'id="passage-{second}"' in body
    assert render.reader_html(item, href=lambda m: None, passage=3)[1] is None  # no sentence starts there
    assert "current-passage" not in render.reader_html(item, href=lambda m: None)[0]


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


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        ("<img src=x>", r"\<img src=x\>"),
        ("plain words", "plain words"),
        # Streamlit links a bare URL from the raw text, escapes included ("127\.0" in the link) unless ":" and
        # "/" are escaped too: then the reader sees the URL as written and the link goes there.
        ("Added: http://127.0.0.1:8000/a.html", r"Added\: http\:\/\/127\.0\.0\.1\:8000\/a\.html"),
    ],
    ids=["emphasis", "link", "html", "plain", "url"],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert render.escape_markdown(text) == escaped


@pytest.mark.parametrize("basemap", ["osm", "none"])
def test_map_has_a_max_zoom_whatever_the_tiles(basemap: str) -> None:
    """Bug: with no tile layer the map had no maxZoom, and Leaflet.markercluster refused it (no markers above 500)."""
    script = render.build_base_map(render.basemaps()[basemap], {}).get_root().render()
    assert f'"maxZoom": {render.MAX_ZOOM}' in script
