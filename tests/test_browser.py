"""End-to-end tests: the real app (``streamlit run app.py``) in a real, offline browser.

Debian's ``/usr/bin/chromium`` is driven by Playwright's sync API; Playwright's
own browsers are never downloaded (no ``playwright install``).  Without that
binary the whole module is skipped.

Each test server is a ``streamlit run`` subprocess on a free port of
127.0.0.1, started once per module (one per configuration: no basemap, the
default OpenStreetMap basemap, and a folder holding a hostile article).  Every
page may reach only 127.0.0.1/localhost; every other request is aborted and
recorded, which proves the app works offline: no script or stylesheet may be
aborted, and only the OSM basemap may lose its tile images.

The map lives in the ``streamlit_folium.st_folium`` iframe; places are SVG
circle markers (``path.place-marker.place-<id>``, see ``geo.render.marker_class``).
A full-page screenshot of each test is saved in ``test-results/browser/``.

Run with ``.venv/bin/python -m pytest tests/test_browser.py -q``.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from builders import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

if not CHROMIUM.is_file():
    pytest.skip(
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium (run `make chromium`)",
        allow_module_level=True,
    )

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    FrameLocator,
    Locator,
    Page,
    Route,
    WebSocketRoute,
    expect,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-results" / "browser"
SEED_ARTICLES = ROOT / "data" / "articles"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Any ws:// or wss:// URL whose host is not local (local websockets are not routed at all).
FOREIGN_WEBSOCKET = re.compile(r"^wss?://(?!(?:127\.0\.0\.1|localhost)(?::\d+)?/)")
STARTUP_SECONDS = 60
FIRST_RENDER_MS = 90_000  # the first page of a server also loads the gazetteer and geoparses the corpus
SETTLE_MS = 1_000
expect.set_options(timeout=30_000)

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
PLACE_MARKER = "path.place-marker"
SELECTED_STROKE = "#f39c12"  # geo.render.SELECTED_COLOUR
CALAIS, SANGATTE, HENIN_BEAUMONT = "geonames:3029162", "geonames:2976217", "geonames:3013525"
MAY_ARTICLE = "calais-police-attack-camp-2014-05-29"
SANGATTE_SENTENCE = "Until 2002, the refugees were housed in a Red Cross refugee centre in"
HENIN_SENTENCE = "The FN also took control of Hénin-Beaumont, near Calais"
PLACES_CAPTION = re.compile(r"^(\d+) places? in \d+ of \d+ articles")

MARKUP_ARTICLE = """\
---
id: markup-in-text
title: "Markup <b>in</b> the title"
date: 2015-01-02
---

Refugees in Calais, France. <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>

A [markdown link](https://example.com/md) and a <a href="https://example.com/html">HTML link</a> near Calais.
"""


# -- the app under test ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_healthy(url: str) -> bool:
    """Whether Streamlit's health endpoint answers "ok" (no proxy: the server is local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _serve(settings: Mapping[str, str | None], log_path: Path) -> Iterator[str]:
    """Run the app with these ``NEWS_ATLAS_*`` settings (``None`` unsets one); yield its base URL.

    The server counts as up when its health endpoint answers *and* its own log
    names its URL: a port taken by someone else's server makes ours exit
    instead, which the health check alone would not notice.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "NEWS_ATLAS_ARTICLES_DIR": str(SEED_ARTICLES),
        "NEWS_ATLAS_ONLINE": "false",
        "NEWS_ATLAS_STORE_PATH": str(log_path.parent / "atlas.sqlite3"),  # a new store, seeded from the articles
    }
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (_is_healthy(f"{base}/_stcore/health") and base in log_path.read_text(errors="replace")):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited ({proc.returncode})" if proc.poll() is not None else f"not up in {STARTUP_SECONDS} s"
                pytest.fail(f"The app at {base} {state}. Its output:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.25)  # server start-up only; the browser part waits with Playwright
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the seed articles, without a basemap: no tile requests at all."""
    yield from _serve({"NEWS_ATLAS_BASEMAP": "none"}, tmp_path_factory.mktemp("app") / "streamlit.log")


@pytest.fixture(scope="module")
def osm_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with its default basemap, OpenStreetMap tiles, which the offline browser cannot load."""
    yield from _serve({"NEWS_ATLAS_BASEMAP": None}, tmp_path_factory.mktemp("osm-app") / "streamlit.log")


@pytest.fixture(scope="module")
def markup_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on one article whose text and title carry HTML and Markdown."""
    folder = tmp_path_factory.mktemp("markup-articles")
    (folder / "markup-in-text.md").write_text(MARKUP_ARTICLE, encoding="utf-8")
    settings = {"NEWS_ATLAS_BASEMAP": "none", "NEWS_ATLAS_ARTICLES_DIR": str(folder)}
    yield from _serve(settings, tmp_path_factory.mktemp("markup-app") / "streamlit.log")


# -- the browser ----------------------------------------------------------------------------------


@dataclass
class Tab:
    """A page, with what it was refused (URL, resource type) and its uncaught script errors."""

    page: Page
    aborted: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def offline_tab(context: BrowserContext) -> Tab:
    """A new page of ``context`` that may talk to localhost only, recording what it was refused and its errors."""
    tab = Tab(context.new_page())

    def local_only(route: Route) -> None:
        request_ = route.request
        if urlsplit(request_.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            tab.aborted.append((request_.url, request_.resource_type))
            route.abort()

    def refuse_websocket(socket_: WebSocketRoute) -> None:
        tab.aborted.append((socket_.url, "websocket"))
        socket_.close()

    tab.page.route("**/*", local_only)
    tab.page.route_web_socket(FOREIGN_WEBSOCKET, refuse_websocket)
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab


def close_tab(tab: Tab, context: BrowserContext, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot of the page (named after the test), then close its context."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    try:
        tab.page.wait_for_timeout(SETTLE_MS)  # let Leaflet finish its zoom animation: the picture, not the test
        tab.page.screenshot(path=shot, full_page=full_page)
    except PlaywrightError as err:
        warnings.warn(f"No screenshot of {name}: {err}", stacklevel=1)
    context.close()


@pytest.fixture
def tab(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A fresh page (a new Streamlit session) that may talk to localhost only; screenshotted at the end."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1600})
    tab = offline_tab(context)
    yield tab
    close_tab(tab, context, request.node.name)


# -- helpers --------------------------------------------------------------------------------------


def map_frame(page: Page) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def marker(frame: FrameLocator, place_id: str) -> Locator:
    """A place's marker, by the CSS class ``geo.render.marker_class`` gives it."""
    return frame.locator(f"{PLACE_MARKER}.place-{re.sub(r'[^A-Za-z0-9_-]+', '-', place_id).strip('-')}")


def place_url(place_id: str) -> re.Pattern[str]:
    """The page URL once ``place_id`` is selected (its colon percent-encoded or not)."""
    scheme, number = place_id.split(":")
    return re.compile(rf"[?&]place={scheme}(%3A|:){number}(&|#|$)")


def places_in_caption(page: Page) -> int:
    """The number of places the caption under the map announces."""
    caption = page.get_by_text(PLACES_CAPTION)
    expect(caption).to_be_visible()
    match = PLACES_CAPTION.match(caption.inner_text())
    assert match, caption.inner_text()
    return int(match.group(1))


def articles_filter(page: Page) -> Locator:
    """The sidebar's "Articles" multiselect."""
    return page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("Articles", exact=True))


def chosen_article_chips(page: Page) -> Locator:
    """The remove buttons of the chosen articles (role locators skip the widget's hidden <template> copy)."""
    return articles_filter(page).get_by_role("button", name=re.compile(r"^Remove "))


def wait_until(page: Page, condition: Callable[[], bool], *, timeout_ms: int = 30_000) -> None:
    """Poll ``condition`` while the page keeps running (no time.sleep in the browser part)."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), f"still false after {timeout_ms} ms"


def wait_still(page: Page, locator: Locator) -> None:
    """Wait until an element keeps its place on screen for a while (no zoom or pan under way)."""
    boxes = [None, locator.bounding_box()]
    for _ in range(120):
        if boxes[-1] is not None and boxes[-1] == boxes[-2]:
            return
        page.wait_for_timeout(250)
        boxes.append(locator.bounding_box())
    raise AssertionError(f"still moving after 30 s: {boxes[-3:]}")


def assert_worked_offline(tab: Tab, *, tiles_may_fail: bool = False) -> None:
    """No script errors; nothing refused but, at most, the basemap's tile images."""
    assert tab.errors == [], f"errors in the page: {tab.errors}"
    code = [url for url, kind in tab.aborted
            if kind in {"script", "stylesheet"} or urlsplit(url).path.endswith((".js", ".css"))]  # fmt: skip
    assert code == [], f"scripts or stylesheets were requested from outside: {code}"
    others = [(url, kind) for url, kind in tab.aborted if not (tiles_may_fail and kind == "image")]
    assert others == [], f"requests to outside hosts: {others}"


# -- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("server", ["app_url", "osm_app_url"], ids=["no-basemap", "osm-basemap-unreachable"])
def test_markers_appear(tab: Tab, server: str, request: pytest.FixtureRequest) -> None:
    page = tab.page
    page.goto(request.getfixturevalue(server) + "/")
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)

    expect(marker(frame, SANGATTE)).to_have_count(1)
    expect(frame.locator(PLACE_MARKER)).to_have_count(places_in_caption(page))  # map and table agree
    assert frame.locator(PLACE_MARKER).count() > 10
    wait_until(page, lambda: frame.locator(".leaflet-outlines-pane path").count() > 150)  # fetched from the app
    if server == "osm_app_url":
        expect(frame.locator("img.leaflet-tile").first).to_be_attached()
        wait_until(page, lambda: any("tile.openstreetmap.org" in url for url, _ in tab.aborted))
    else:
        expect(frame.locator("img.leaflet-tile")).to_have_count(0)
    assert_worked_offline(tab, tiles_may_fail=server == "osm_app_url")


def test_clicking_a_marker_shows_its_passage(tab: Tab, app_url: str) -> None:
    page = tab.page
    page.goto(app_url + "/")
    sangatte = marker(map_frame(page), SANGATTE)
    sangatte.wait_for(state="attached", timeout=FIRST_RENDER_MS)

    wait_still(page, sangatte)  # the map may still be moving to the view it was given
    sangatte.click(force=True)  # an SVG path under Leaflet's panes: no actionability checks

    expect(page).to_have_url(place_url(SANGATTE))
    expect(page.get_by_role("heading", name="Sangatte, FR · 1 mention")).to_be_visible()
    passage = page.locator("p.passage").filter(has_text=SANGATTE_SENTENCE)
    expect(passage).to_have_count(1)
    expect(passage.locator("mark.place")).to_have_text(["Sangatte"])
    expect(sangatte).to_have_attribute("stroke", SELECTED_STROKE)
    assert_worked_offline(tab)


@pytest.mark.parametrize("how", ["url", "sidebar"])
def test_choosing_the_may_article_drops_sangatte(tab: Tab, app_url: str, how: str) -> None:
    page = tab.page
    frame = map_frame(page)
    if how == "url":
        page.goto(f"{app_url}/?articles={MAY_ARTICLE}")
    else:
        page.goto(app_url + "/")
        marker(frame, SANGATTE).wait_for(state="attached", timeout=FIRST_RENDER_MS)
        expect(chosen_article_chips(page)).to_have_count(2)
        articles_filter(page).get_by_role("button", name=re.compile(r"^Remove .*\(2014-09-06\)$")).click()

    expect(page).to_have_url(re.compile(rf"[?&]articles={MAY_ARTICLE}(&|$)"))
    expect(page.get_by_text(PLACES_CAPTION)).to_contain_text("in 1 of 2 articles")
    marker(frame, HENIN_BEAUMONT).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    expect(marker(frame, SANGATTE)).to_have_count(0)
    expect(marker(frame, CALAIS)).to_have_count(1)
    expect(frame.locator(PLACE_MARKER)).to_have_count(places_in_caption(page))
    expect(chosen_article_chips(page)).to_have_count(1)
    expect(chosen_article_chips(page)).to_have_accessible_name(re.compile(r"\(2014-05-29\)$"))
    assert_worked_offline(tab)


def test_reader_highlights_and_links_the_places(tab: Tab, app_url: str) -> None:
    page = tab.page
    page.goto(f"{app_url}/?article={MAY_ARTICLE}")
    reader = page.locator("div.article")
    expect(reader).to_contain_text("Stepped-up attacks on immigrants", timeout=FIRST_RENDER_MS)

    for name, kind in {"Hénin-Beaumont": "story", "Calais": "story", "France": "country",
                       "Syrians": "origin", "English Channel": "water"}.items():  # fmt: skip
        expect(reader.locator(f"mark.place.{kind}").filter(has_text=re.compile(rf"^{name}$")).first).to_be_visible()

    reader.locator("a").filter(has=page.locator("mark.place", has_text="Hénin-Beaumont")).click()

    expect(page).to_have_url(place_url(HENIN_BEAUMONT))
    expect(page).to_have_url(re.compile(rf"[?&]article={MAY_ARTICLE}(&|$)"))
    passage = page.locator("p.passage").filter(has_text=HENIN_SENTENCE)
    expect(passage).to_have_count(1)
    expect(passage.locator("mark.place")).to_have_text(["Hénin-Beaumont"])
    expect(marker(map_frame(page), HENIN_BEAUMONT)).to_have_attribute("stroke", SELECTED_STROKE)
    assert_worked_offline(tab)


def test_article_text_is_data_never_markup(tab: Tab, markup_app_url: str) -> None:
    page = tab.page
    page.goto(f"{markup_app_url}/?place=geonames%3A3029162&article=markup-in-text")
    reader = page.locator("div.article")
    expect(reader).to_contain_text("Refugees in Calais, France.", timeout=FIRST_RENDER_MS)
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached")
    expect(page.locator("p.passage").first).to_be_visible()

    for shown in (reader, page.locator("p.passage").first):  # the reader and the passages panel
        expect(shown).to_contain_text('<img src=x onerror="window.__pwned=1">')
        expect(shown).to_contain_text("<script>window.__pwned=2</script>")
    expect(page.get_by_text("<img src=x onerror=").first).to_be_visible()
    expect(reader).to_contain_text("[markdown link](https://example.com/md)")
    expect(page.locator("h4.passage-article")).to_have_text("Markup <b>in</b> the title")
    assert page.evaluate("window.__pwned") is None
    assert frame.locator("body").evaluate("() => window.__pwned") is None  # the map's popups hold the text too
    for scope in (page, frame):
        expect(scope.locator("img[src='x']")).to_have_count(0)
        expect(scope.locator("a[href^='https://example.com']")).to_have_count(0)
        expect(scope.locator("script", has_text="__pwned")).to_have_count(0)
    assert_worked_offline(tab)


ARTICLE_PAGE = """<!doctype html><html><head><title>Camp near Dunkirk cleared</title>
<meta name="author" content="A. Reporter"><meta name="date" content="2015-03-02"></head>
<body><nav>Home | World | Sport</nav><article><h1>Camp near Dunkirk cleared</h1>
<p>Police in Dunkirk cleared a camp of three hundred people near the port on Monday morning, and the
families who had lived there for months were taken to shelters further inland by bus.</p>
<p>Aid groups said many of those moved had tried for weeks to cross to Britain on lorries.</p>
</article><footer>Contact us</footer></body></html>"""


@pytest.fixture(scope="module")
def article_site() -> Iterator[str]:
    """A web page with an article, served on the loopback interface (the app fetches it by URL)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            body = ARTICLE_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/camp.html"
    server.shutdown()


@pytest.fixture(scope="module")
def ingest_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the seeds, with a store of its own: this module's other tests never see what is added."""
    yield from _serve({"NEWS_ATLAS_BASEMAP": "none"}, tmp_path_factory.mktemp("ingest-app") / "streamlit.log")


def test_adding_a_file_and_a_web_page_then_deleting_one(
    tab: Tab, ingest_app_url: str, article_site: str, tmp_path: Path
) -> None:
    """A reader's whole round: upload a file, fetch a page by URL, see both on the map, delete one."""
    page = tab.page
    page.goto(ingest_app_url + "/")
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Add articles").click()

    upload = tmp_path / "ventimiglia.txt"
    upload.write_text("Border at Ventimiglia\n\nMigrants walked from Ventimiglia toward the French border.\n")
    sidebar.locator("input[type='file']").set_input_files(upload)
    sidebar.get_by_role("button", name="Add the files").click()
    expect(sidebar.get_by_text("Added: ventimiglia.txt")).to_be_visible()
    expect(sidebar.get_by_text("ventimiglia.txt", exact=True)).to_have_count(0)  # the uploader is empty again
    expect(marker(frame, "geonames:3164582")).to_have_count(1)  # Ventimiglia, on the map at once

    sidebar.get_by_label("Web page (URL)").fill(article_site)
    sidebar.get_by_label("Web page (URL)").press("Enter")
    sidebar.get_by_role("button", name="Fetch and add").click()
    expect(sidebar.get_by_text(f"Added: {article_site}")).to_be_visible()
    expect(marker(frame, "geonames:3020686")).to_have_count(1)  # Dunkirk
    expect(chosen_article_chips(page)).to_have_count(4)  # and both in the filter
    expect(page.get_by_text(PLACES_CAPTION)).to_contain_text("in 4 of 4 articles")

    reader = page.get_by_label("Read an article")
    reader.click()
    page.get_by_role("option", name=re.compile("^Border at Ventimiglia")).click()
    expect(page.locator("div.article")).to_contain_text("Migrants walked from Ventimiglia")
    page.get_by_role("button", name="Delete this article").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(marker(frame, "geonames:3164582")).to_have_count(0)
    expect(page.get_by_text("Delete “Camp near Dunkirk cleared”")).to_have_count(0)  # no armed button for the next
    expect(marker(frame, "geonames:3020686")).to_have_count(1)
    expect(page.get_by_text(PLACES_CAPTION)).to_contain_text("in 3 of 3 articles")
    assert_worked_offline(tab)


# -- framing and selection (issue 11, item 3) -----------------------------------------------------

VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}
# Each marker's class, its centre in the map's own frame, and what the browser's hit test finds there.
MARKER_HITS = """() => Array.from(document.querySelectorAll('path.place-marker')).map(path => {
    const box = path.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    const place = c => Array.from(c.classList).find(n => n.startsWith('place-') && n !== 'place-marker');
    return {place: place(path), x: x, y: y, hit: hit && hit.classList ? place(hit) || hit.tagName : null,
            inside: x > 0 && y > 0 && x < window.innerWidth && y < window.innerHeight};
})"""


def marker_class_of(place_id: str) -> str:
    return "place-" + re.sub(r"[^A-Za-z0-9_-]+", "-", place_id).strip("-")


@pytest.fixture(params=list(VIEWPORTS))
def sized_tab(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Tab, str]]:
    """A fresh offline page at desktop or phone size (a phone has a touch screen, and is tapped)."""
    phone = request.param == "phone"
    context = chromium.new_context(viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone)
    tab = offline_tab(context)
    yield tab, request.param
    close_tab(tab, context, request.node.name, full_page=False)


def first_view(page: Page, url: str) -> FrameLocator:
    """Open the app and wait until its map stands still with every marker drawn, scrolled into sight."""
    page.goto(url)
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    expect(frame.locator(PLACE_MARKER)).to_have_count(places_in_caption(page))
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    wait_still(page, marker(frame, CALAIS))
    wait_still(page, marker(frame, SANGATTE))
    return frame


def test_first_view_fits_the_places(sized_tab: tuple[Tab, str], app_url: str) -> None:
    """Every marker is inside the map, and together they fill it (not a world at zoom 1)."""
    tab, _ = sized_tab
    frame = first_view(tab.page, app_url + "/")
    hits = frame.locator("body").evaluate(MARKER_HITS)
    width, height = frame.locator("body").evaluate("() => [window.innerWidth, window.innerHeight]")
    assert all(h["inside"] for h in hits), [h for h in hits if not h["inside"]]
    xs, ys = [h["x"] for h in hits], [h["y"] for h in hits]
    assert max(xs) - min(xs) > width / 2 or max(ys) - min(ys) > height / 2, (min(xs), max(xs), min(ys), max(ys))
    assert_worked_offline(tab)


def test_a_click_on_each_marker_selects_its_own_place(sized_tab: tuple[Tab, str], app_url: str) -> None:
    """The hit test at every marker's centre finds that marker; a real click or tap there selects its place."""
    tab, size = sized_tab
    page = tab.page
    frame = first_view(page, app_url + "/")
    hits = frame.locator("body").evaluate(MARKER_HITS)
    assert len(hits) > 10
    covered = [(h["place"], h["hit"]) for h in hits if h["hit"] != h["place"]]
    assert covered == [], f"marker centres covered by another element (place, found): {covered}"

    origin = page.locator(MAP_IFRAME).bounding_box()
    assert origin is not None
    for place in [h["place"] for h in hits]:
        target = frame.locator(f"{PLACE_MARKER}.{place}")
        wait_still(page, target)
        box = target.bounding_box()
        assert box is not None, place
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if size == "phone":
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        expect(target).to_have_attribute("stroke", SELECTED_STROKE)
        assert marker_class_of(dict(re.findall(r"([a-z]+)=([^&#]*)", urlsplit(page.url).query))["place"]
                               .replace("%3A", ":")) == place  # fmt: skip
    assert_worked_offline(tab)


def test_exports_are_named_after_the_view(tab: Tab, app_url: str) -> None:
    page = tab.page
    page.goto(f"{app_url}/?articles={MAY_ARTICLE}")
    marker(map_frame(page), CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    stem = "news-atlas-police-attack-immigrant-camp-2014-05-29"
    for label, suffix in (("⬇ GeoJSON", "geojson"), ("⬇ CSV", "csv")):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        assert download.value.suggested_filename == f"{stem}.{suffix}"
    assert_worked_offline(tab)
