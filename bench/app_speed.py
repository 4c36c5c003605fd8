"""Browser speed of the app: page load, click to passages, filter to map, in Chromium.

For each corpus, starts ``streamlit run app.py`` as a subprocess on a free
loopback port (``NEWS_ATLAS_ARTICLES_DIR`` = the corpus, a new store in a
temporary folder, ``NEWS_ATLAS_BASEMAP=none``) and drives Debian's
``/usr/bin/chromium`` with Playwright. Chromium resolves no host name but the
loopback's (``--host-resolver-rules``), so every other request fails: the run
is offline; a request to another host that is answered stops the benchmark.
(Not Playwright's request routing, which also turns off the HTTP cache.)
Corpora:

- the seed articles (``data/articles``);
- about 5,000 distinct places (``bench/synthetic.py``), generated at run
  time into the temporary folder, which is deleted afterwards;
- an archive of 10,000 articles (``--articles``) recombined from the LGL
  texts (``bench/synthetic_corpus.py``, kept in ``/tmp/news-atlas-10k``
  for later runs), ingested into the store with a worker per core before
  the app starts, as ``python -m geo ingest --workers`` would.

The first page load after the server starts ingests (geoparses) the corpus
and fills the caches; it is reported alone, as the cold load. Then one
untimed warm-up iteration and ``--runs`` timed ones, each action in a fresh
page of one browser context (the HTTP cache is warm, as for a returning
reader). Figures are medians over the runs:

1. Page load: navigation start (the page's ``performance.timeOrigin``) to
   the first ``path.place-marker`` or ``.marker-cluster`` with a non-empty
   box inside the map frame's viewport. Also on a first visit (a new
   browser context each time: an empty HTTP cache), and to the first
   country outline drawn (``.leaflet-outlines-pane path``; the outlines
   come in a file of their own, fetched after the map script starts).
2. Click to passages: the map frame's ``click`` event to a ``p.passage`` in
   the passages panel holding the place's passage text. Seeds: Sangatte
   (``path.place-geonames-2976217``), "refugee centre in". 5,000 places:
   the most populous city of the synthetic corpus, whose marker is first
   brought out of its cluster by zooming all the way in on it. Before a
   click the map is zoomed in (``setView``) until the browser's hit test at
   the marker's centre finds the marker; then ``page.mouse.click`` clicks
   there, a real click. The zooming is untimed, and the app is idle again
   before the click.
3. Filter to map: the ``keydown`` of Enter in "Find a place" (the place's
   name typed first) to the moment the map holds exactly the markers the
   store gives for that search (``Store.summaries(search=...)``, as the
   app asks it). Seeds also: the ``click`` on the × of the first article's
   chip in "Articles" to the markers of the other article.
4. Click in the reader → review panel: the ``click`` on a highlighted place
   in the reader (a page opened at ``?article=...``; seeds: the first
   "Calais" of the May article; the archive: the first mention of its click
   town, in the article of its first passage) to the panel's heading,
   ``h3.review-name``, "Review “Calais”", beside the text, laid out (a
   non-empty box) but not necessarily in view: the same click selects the
   place, whose passages, above the reader, push the reader and its panel
   down the page.
5. Correction → map: in a page opened on that mention's panel
   (``?article=...&mention=start-end``), the ``click`` on a button of the
   panel to the map frame drawing a new places layer that shows the change:
   "Choose" on the mention's first candidate not on the map (seeds: Calais,
   Maine) until that layer holds a marker at its coordinates; "Not a place"
   on the one mention of a place named once in the store, until the new
   layer has no marker there (clustered or not). Each correction is undone
   afterwards through the store (``Store.undo_correction``) and a page
   loaded, untimed, so that every run starts from the same store and warm
   caches.

The archive also holds ``--corrections`` (default 1,000) corrections before
the app starts, made through the store's corrections API
(``Store.add_correction``) on mentions drawn with a fixed seed from articles
the figures do not read: about half confirmations, a quarter "Not a place", a
quarter moves to another place of the same name; one in twenty goes by name
through its article and one in a hundred is a collection rule.

Every time is stamped in the browser, as ``performance.timeOrigin +
performance.now()`` (one clock for the page and the map frame), by a probe
that Playwright installs in each frame and that watches the DOM with a
``MutationObserver``: a figure ends when the DOM is updated and laid out,
not when pixels are painted. Playwright only waits for the stamps. The probe
also logs the page's WebSocket, which splits a figure into the browser until
it asks for a script run (``BackMsg``), the server and the transfer until the
last message before the result, and the browser after that; with the bytes
received and the ``script_finished`` messages. Nothing has a time limit.

If a corpus's page fails with Leaflet.markercluster's "Map has no maxZoom
specified" (no tile layer, hence no maxZoom, with ``NEWS_ATLAS_BASEMAP=none``),
that corpus is measured again with ``osm``, whose tile requests are aborted
like every other outside request, and both sections are reported.

A last table times the server-side steps of one rerun in this process
(``Store.summaries`` + ``excerpts``, ``build_place_layer``, ``st_folium``'s
Python side) and the map payload sent on each rerun.

Prints a Markdown section; ``--write PATH`` also puts it between
``<!-- app-speed:start -->`` and ``<!-- app-speed:end -->`` in PATH.

    python bench/app_speed.py [--runs N] [--places N] [--articles N] [--corrections N]
                              [--only seeds,synthetic,archive] [--basemap none|osm] [--write PATH]
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]

import synthetic_corpus  # noqa: E402
from speed import machine_facts, write_block  # noqa: E402
from synthetic import DEFAULT_PLACES, SyntheticCorpus, build_corpus  # noqa: E402

from geo import render  # noqa: E402
from geo.assets import install_outlines  # noqa: E402
from geo.atlas import PlaceSummary, place_id  # noqa: E402
from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.corrections import Action, Correction, Scope  # noqa: E402
from geo.ingest import ingest_paths  # noqa: E402
from geo.models import Place  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402
from geo.review import mention_review, span_param  # noqa: E402
from geo.store import Store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1000}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
SEARCH_BOX = "[data-testid='stSidebar'] input[aria-label='Find a place']"
SEED_PLACE = ("geonames:2976217", "Sangatte", "refugee centre in")  # id, name, passage text
SEED_SEARCH = "Calais"
SEED_REVIEW = ("calais-police-attack-camp-2014-05-29", "Calais")  # article id, the place name to review there
CORRECTIONS_SEED = 10  # the archive's corrections are drawn with this seed
QUIET_MS = 500  # the app is idle after this long with no script running and no WebSocket message
MAXZOOM_ERROR = "Map has no maxZoom specified"
RETURNED_OBJECTS = ("last_object_clicked", "last_object_clicked_tooltip")  # as app.py asks st_folium
SECTION = "app-speed"  # the report goes between <!-- app-speed:start --> and <!-- app-speed:end -->
TARGETS = {  # seconds, by (corpus, measurement)
    ("seeds", "load"): 2.5,
    ("seeds", "first"): 2.5,
    ("seeds", "click"): 1.0,
    ("seeds", "search"): 0.5,
    ("seeds", "chip"): 0.5,
    ("synthetic", "load"): 4.0,
    ("synthetic", "first"): 4.0,
    ("synthetic", "click"): 1.5,
    ("archive", "load"): 4.0,
    ("archive", "first"): 4.0,
    ("archive", "click"): 1.5,
    ("seeds", "review"): 0.5,  # issue 10: the panel within 0.5 s of the click, a correction on the map within 1 s
    ("seeds", "move"): 1.0,
    ("seeds", "reject"): 1.0,
    ("archive", "move"): 1.0,
    ("archive", "reject"): 1.0,
}

# The probe, run in every frame. A time is performance.timeOrigin + performance.now(): epoch
# milliseconds on the browser's monotonic clock, comparable between the page and the map frame.
PROBE = r"""
(() => {
  if (window.__atlas) { window.__atlas.attach(); return; }
  const now = () => performance.timeOrigin + performance.now();
  const A = window.__atlas = {marks: {}, errors: [], ws: [], lastWs: 0, expected: null, text: null,
                              doc: null, markersAtAttach: false, place: null, layer: null, now};
  A.reset = (...names) => { for (const n of names) delete A.marks[n]; };
  const mark = (n) => { if (!(n in A.marks)) A.marks[n] = now(); };
  const laidOut = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  };
  const anyMarkerShown = () => {
    for (const el of document.querySelectorAll('path.place-marker, .marker-cluster')) if (shown(el)) return true;
    return false;
  };
  const placeClass = (el) => [...el.classList].find((c) => c.startsWith('place-') && c !== 'place-marker') || '';
  const markerSet = () => JSON.stringify([...document.querySelectorAll('path.place-marker')].map(placeClass).sort());
  // st_folium draws each places layer it gets as a new feature group, pushed on window.feature_group.
  const newestLayer = () => (window.feature_group || []).at(-1) || null;
  const holds = (group, [lat, lon]) => group.getLayers().some((l) => (l.getLatLng
    && Math.abs(l.getLatLng().lat - lat) < 1e-6 && Math.abs(l.getLatLng().lng - lon) < 1e-6)
    || (typeof l.getLayers === 'function' && holds(l, [lat, lon])));  // a marker cluster group's markers
  const check = () => {
    if (!('markers' in A.marks) && anyMarkerShown()) mark('markers');
    if (!('outlines' in A.marks) && document.querySelector('.leaflet-outlines-pane path')) mark('outlines');
    if (A.expected !== null && !('markerSet' in A.marks) && markerSet() === A.expected) mark('markerSet');
    if (A.place !== null && !('place' in A.marks)) {
      const layer = newestLayer();
      if (layer && layer !== A.layer && holds(layer, A.place[0]) === A.place[1]) mark('place');
    }
    if (A.text !== null && !('text' in A.marks)) {
      for (const el of document.querySelectorAll(A.text[0])) {
        if (el.textContent.includes(A.text[1]) && (A.text[2] ? laidOut(el) : shown(el))) { mark('text'); break; }
      }
    }
  };
  A.expectMarkers = (classes) => { A.reset('markerSet'); A.expected = JSON.stringify([...classes].sort()); check(); };
  // Shown in the viewport, or (anywhere) laid out wherever the page is scrolled.
  A.expectText = (selector, text, anywhere) => { A.reset('text'); A.text = [selector, text, anywhere]; check(); };
  // A new places layer with (present) or without a marker at [lat, lon].
  A.expectPlace = (latlon, present) => { A.reset('place'); A.layer = newestLayer(); A.place = [latlon, present]; };
  const observer = new MutationObserver(check);
  // Chromium keeps an iframe's first (about:blank) window for the document it loads next: this
  // object survives, the document and its observers do not. The page calls attach() again.
  A.attach = () => {
    if (A.doc === document || location.href === 'about:blank') return;
    observer.disconnect();
    A.doc = document;
    A.markersAtAttach = anyMarkerShown();
    observer.observe(document, {childList: true, subtree: true, characterData: true,
                                attributes: true, attributeFilter: ['class', 'style', 'hidden']});
    check();
  };
  addEventListener('resize', check);
  addEventListener('click', (e) => {
    A.marks.click = now();
    A.clickedTarget = e.target?.dataset?.benchTarget === 'yes';
  }, true);
  addEventListener('keydown', (e) => { if (e.key === 'Enter') A.marks.enter = now(); }, true);
  addEventListener('error', (e) => A.errors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => A.errors.push(String((e.reason && e.reason.message) || e.reason)));
  const Native = window.WebSocket;
  if (window.top === window && Native) {
    const size = (d) => typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
    const b64 = (d) => {
      const bytes = d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return btoa(s);
    };
    const log = (dir, d) => {
      const n = size(d);
      A.lastWs = now();
      A.ws.push([dir, A.lastWs, n, n <= 4096 && (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) ? b64(d) : null]);
    };
    window.WebSocket = class extends Native {
      constructor(...args) { super(...args); this.addEventListener('message', (e) => log('in', e.data)); }
      send(d) { log('out', d); return super.send(d); }
    };
  }
  A.attach();
})();
"""

# The page keeps the probe in every same-origin iframe, attached to the iframe's current document.
FRAME_WATCHER = r"""
(() => {
  if (window.top !== window) return;
  const visit = () => {
    for (const frame of document.querySelectorAll('iframe')) {
      try {
        const w = frame.contentWindow;
        if (!w || w.location.href === 'about:blank') continue;
        if (w.__atlas) w.__atlas.attach(); else w.eval(window.__atlasSource);
      } catch (e) { /* a frame of another origin: not ours */ }
    }
  };
  const loop = () => { visit(); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  setInterval(visit, 50);
})();
"""
INIT_SCRIPT = f"window.__atlasSource = {json.dumps(PROBE)};\n(0, eval)(window.__atlasSource);\n{FRAME_WATCHER}"

_MAP_PROBE = f"document.querySelector({json.dumps(MAP_FRAME)})?.contentWindow?.__atlas"
# A mark in the page's or the map's probe, or the script errors seen so far (polled; no time limit).
_WAIT_MARK = f"""([frame, name]) => {{
  const map = {_MAP_PROBE}, probe = frame === 'map' ? map : window.__atlas;
  const errors = [...(window.__atlas?.errors || []), ...(map?.errors || [])];
  return (probe && name in probe.marks) || (errors.length ? errors : false);
}}"""
_WAIT_IDLE = f"""(quiet) => {{
  const app = document.querySelector('[data-testid=stApp]');
  return Boolean(app && {_MAP_PROBE} && window.__atlas
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && window.__atlas.now() - window.__atlas.lastWs > quiet);
}}"""
# Bring a marker under the mouse: out of its cluster (zoomed all the way in: the plugin's own
# zoomToShowLayer never called back here), then zoomed in until the hit test at its centre finds it.
# Leaflet ignores setView while a zoom animation runs, and in headless Chromium the map frame's
# animation frames come only when asked for: so ask, and wait for the animation to end.
_CLICK_POINT = r"""
async ([placeClass, latlon]) => {
  const map = window.map, layers = Object.values(map._layers);
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 20)));
  const still = async () => { for (let i = 0; i < 100 && map._animatingZoom; i++) await frame(); };
  const settle = async () => { await still(); for (let i = 0; i < 10; i++) await frame(); };
  let layer = null, zoom = map.getZoom(), last = 'never drawn';
  if (latlon) {
    const group = layers.find((l) => typeof l.zoomToShowLayer === 'function');
    if (!group) return 'no marker cluster group on the map';
    layer = group.getLayers().find((m) => Math.abs(m.getLatLng().lat - latlon[0]) < 1e-6
                                          && Math.abs(m.getLatLng().lng - latlon[1]) < 1e-6);
    if (!layer) return `no clustered marker at ${latlon}`;
    zoom = Math.min(map.getMaxZoom(), 18);  // so deep that no two places of the corpus share a cluster
  } else {
    layer = layers.find((l) => l._path && l._path.classList.contains(placeClass));
    if (!layer) return `no marker with the class ${placeClass}`;
  }
  for (let tries = 0; tries < 20; tries++) {
    await still();
    if (map.getZoom() !== zoom || !map.getBounds().contains(layer.getLatLng())) {
      map.setView(layer.getLatLng(), zoom, {animate: false});
      await settle();
    }
    if (!layer._map || !layer._path) { await settle(); continue; }
    const r = layer._path.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = x > 0 && y > 0 && x < innerWidth && y < innerHeight ? document.elementFromPoint(x, y) : null;
    if (hit === layer._path) { layer._path.dataset.benchTarget = 'yes'; return [x, y]; }
    last = `${hit ? hit.tagName + '.' + hit.getAttribute('class') : 'nothing'} at ${Math.round(x)},${Math.round(y)}`;
    zoom = Math.min(zoom + 1, map.getMaxZoom());
  }
  return `the marker stays covered (last hit: ${last}, zoom ${map.getZoom()})`;
}"""


class AppBroken(RuntimeError):
    """A script error in the page while the benchmark waited on it."""


@dataclass
class Sample:
    """One timed action, in milliseconds, and where its time went."""

    total: float
    asked: float | None  # from the action to the browser's first rerun request (BackMsg)
    arrived: float | None  # from the action to the last WebSocket message received before the result
    kilobytes: float  # WebSocket bytes received meanwhile
    runs: int  # script runs that finished meanwhile


@dataclass
class Row:
    key: str
    label: str
    samples: list[Sample] = field(default_factory=list)
    failure: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str  # "seeds" or "synthetic", for TARGETS
    title: str
    folder: Path
    basemap: str
    click_id: str
    click_text: str
    click_latlon: tuple[float, float] | None  # set when the marker is clustered (it has no CSS class)
    search: str
    chip: bool
    note: str
    review: tuple[str, str] | None = None  # article id and place name reviewed in the reader (its first mention)


@dataclass(frozen=True)
class Reviewed:
    """A mention the review figures click, in its article."""

    article_id: str
    span: str  # "270-276", as the reader's links and the URL's ``mention`` name it
    name: str
    latlon: tuple[float, float]  # where the change shows on the map (the new place; the rejected one)
    move_to: str = ""  # the candidate "Choose" moves it to


@dataclass(frozen=True)
class Expected:
    """What the page must show, from the app's own store."""

    places: int
    click_class: str
    search_set: list[str]
    chip_label: str
    chip_set: list[str]
    review: Reviewed | None = None
    reject: Reviewed | None = None


def say(text: str) -> None:
    """Progress on stderr: the report alone goes to stdout."""
    sys.stderr.write(f"app_speed: {text}\n")
    sys.stderr.flush()


# -- the app server -------------------------------------------------------------------------------


@contextmanager
def app_server(scenario: Scenario, store: Path, logs: Path) -> Iterator[str]:
    """Run the app on a free loopback port; yield its URL."""
    env = {**os.environ, "NEWS_ATLAS_ARTICLES_DIR": str(scenario.folder), "NEWS_ATLAS_STORE_PATH": str(store),
           "NEWS_ATLAS_BASEMAP": scenario.basemap, "NEWS_ATLAS_ONLINE": "false"}  # fmt: skip
    for _ in range(3):  # another process may take the free port first; ours then exits
        with closing(socket.socket()) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url, log_path = f"http://127.0.0.1:{port}/", logs / f"streamlit-{port}.log"
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                   "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            # Up when the health check answers *and* our log names the URL (not someone else's server).
            while process.poll() is None and not (_healthy(url) and url.rstrip("/") in log_path.read_text()):
                time.sleep(0.1)
            if process.poll() is None:
                yield url
                SERVER_PEAK_MB[scenario.key] = _peak_memory_mb(process.pid)
                return
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait()
        say(f"the app exited on port {port}; see {log_path}")
    raise SystemExit(f"app_speed: the app would not start; logs in {logs}")


SERVER_PEAK_MB: dict[str, float] = {}  # the app server's peak resident memory, by scenario key


def _peak_memory_mb(pid: int) -> float:
    """Peak resident memory of a process (``VmHWM`` in /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with opener.open(url + "_stcore/health") as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


# -- the browser ----------------------------------------------------------------------------------


def offline_context(browser):  # type: ignore[no-untyped-def]
    """A browser context that probes every frame and stops the benchmark if another host answers.

    Chromium resolves no other host (``CHROMIUM_ARGS``); routing requests in
    Playwright instead would turn off the HTTP cache a returning reader has.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.on("requestfinished", _note_foreign_answer)
    context.add_init_script(INIT_SCRIPT)
    return context


FOREIGN_ANSWERS: list[str] = []  # URLs of other hosts that answered: there must be none


def _note_foreign_answer(request) -> None:  # type: ignore[no-untyped-def]
    if foreign(request.url):
        FOREIGN_ANSWERS.append(request.url)


def foreign(url: str) -> bool:
    """Whether a URL the page loaded is another host's: a ``blob:`` URL is its origin's, ``data:`` the page's own."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return False
    return urlsplit(parts.path if parts.scheme == "blob" else url).hostname not in LOOPBACK


def wait_mark(page, frame: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the probe of ``frame`` ("page" or "map") has stamped ``name``; raise on a script error."""
    result = page.wait_for_function(_WAIT_MARK, arg=[frame, name], polling=50, timeout=0).json_value()
    if isinstance(result, list):
        raise AppBroken("; ".join(dict.fromkeys(result)))


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(_WAIT_IDLE, arg=QUIET_MS, polling=50, timeout=0)


def sample(page, start_frame: str, start: str, end_frame: str, end: str) -> Sample:  # type: ignore[no-untyped-def]
    """The time between two marks, and the WebSocket traffic between them."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page_marks, map_marks, origin, log = page.evaluate(
        f"() => [window.__atlas.marks, {_MAP_PROBE}.marks, performance.timeOrigin, window.__atlas.ws]"
    )
    frames = {"page": page_marks, "map": map_marks}
    begin = origin if start == "navigation" else frames[start_frame][start]
    finish = frames[end_frame][end]
    asked, arrived, finished, received = [], [], 0, 0
    for direction, stamp, size, data in log:
        if not begin <= stamp <= finish:
            continue
        if direction == "in":
            arrived.append(stamp)
            received += size
            finished += (
                bool(data) and ForwardMsg.FromString(base64.b64decode(data)).WhichOneof("type") == "script_finished"
            )
        elif not data or BackMsg.FromString(base64.b64decode(data)).WhichOneof("type") == "rerun_script":
            asked.append(stamp)  # an outgoing message too big to keep is a rerun with widget states
    first_ask = min(asked) if asked else None
    last_in = max(arrived) if arrived and first_ask is not None and max(arrived) >= first_ask else None
    return Sample(finish - begin, None if first_ask is None else first_ask - begin,
                  None if last_in is None else last_in - begin, received / 1024, finished)  # fmt: skip


def open_app(context, url: str):  # type: ignore[no-untyped-def]
    """A fresh page, idle after its first markers; and the sample from navigation start to them."""
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=0)
    wait_mark(page, "map", "markers")
    if FOREIGN_ANSWERS:
        raise SystemExit(f"app_speed: {FOREIGN_ANSWERS[0]} was answered: the run is not offline")
    if page.evaluate(f"() => {_MAP_PROBE}.markersAtAttach"):
        raise AppBroken("the probe reached the map frame after its markers were drawn")
    loaded = sample(page, "page", "navigation", "map", "markers")
    wait_idle(page)
    return page, loaded


def click_to_passages(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    frame = page.locator(MAP_FRAME).element_handle(timeout=0).content_frame()
    for _ in range(3):  # the map may still move between the hit test and the click: then aim again
        point = frame.evaluate(_CLICK_POINT, [expected.click_class, scenario.click_latlon])
        if isinstance(point, str):
            raise AppBroken(point)
        wait_idle(page)  # the zooming is not timed
        box = page.locator(MAP_FRAME).bounding_box()
        page.evaluate(f"(t) => {{ window.__atlas.expectText('p.passage', t); {_MAP_PROBE}.reset('click'); }}",
                      scenario.click_text)  # fmt: skip
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        if frame.evaluate("() => window.__atlas.clickedTarget"):
            wait_mark(page, "page", "text")
            return sample(page, "map", "click", "page", "text")
        say("the click missed the marker; aiming again")
        wait_idle(page)
    raise AppBroken("three clicks missed the marker")


def search_to_map(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    box = page.locator(SEARCH_BOX)
    box.fill(scenario.search, timeout=0)
    page.evaluate(f"(e) => {{ window.__atlas.reset('enter'); {_MAP_PROBE}.expectMarkers(e); }}", expected.search_set)
    box.press("Enter", timeout=0)
    wait_mark(page, "map", "markerSet")
    return sample(page, "page", "enter", "map", "markerSet")


def chip_to_map(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    sidebar = page.locator("[data-testid='stSidebar']")
    button = sidebar.get_by_role("button", name=f"Remove {expected.chip_label}", exact=True)
    page.evaluate(f"(e) => {{ window.__atlas.reset('click'); {_MAP_PROBE}.expectMarkers(e); }}", expected.chip_set)
    button.click(timeout=0)
    wait_mark(page, "map", "markerSet")
    return sample(page, "page", "click", "map", "markerSet")


def outlines_drawn(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    wait_mark(page, "map", "outlines")
    return sample(page, "page", "navigation", "map", "outlines")


def reader_to_panel(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    reviewed = _needed(expected.review)
    link = page.locator(f"div.article a[data-mention='{reviewed.span}']")
    link.scroll_into_view_if_needed(timeout=0)
    wait_idle(page)
    # Laid out, not in view: the passages of the place, opened by the same click, push the reader down.
    page.evaluate("(t) => { window.__atlas.expectText('h3.review-name', t, true); window.__atlas.reset('click'); }",
                  f"Review “{reviewed.name}”")  # fmt: skip
    link.click(timeout=0)
    wait_mark(page, "page", "text")
    return sample(page, "page", "click", "page", "text")


def _correct(page, button: str, latlon: tuple[float, float], present: bool) -> Sample:  # type: ignore[no-untyped-def]
    """Click a button of the open review panel; until the map's new places layer shows the change."""
    locator = page.locator(f".st-key-{button} button:visible")
    locator.scroll_into_view_if_needed(timeout=0)
    wait_idle(page)
    page.evaluate(f"([l, p]) => {{ {_MAP_PROBE}.expectPlace(l, p); window.__atlas.reset('click'); }}",
                  [list(latlon), present])  # fmt: skip
    locator.click(timeout=0)
    wait_mark(page, "map", "place")
    return sample(page, "page", "click", "map", "place")


def move_to_map(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    reviewed = _needed(expected.review)
    return _correct(page, "choose-" + re.sub(r"[^A-Za-z0-9_-]", "-", reviewed.move_to), reviewed.latlon, True)


def reject_to_map(page, scenario: Scenario, expected: Expected) -> Sample:  # type: ignore[no-untyped-def]
    return _correct(page, "review-reject", _needed(expected.reject).latlon, False)


def _opened(reviewed: Reviewed | None, *, panel: bool) -> str:
    """The query of a page whose reader shows the mention's article (and its review panel)."""
    reviewed = _needed(reviewed)
    return f"?article={reviewed.article_id}" + (f"&mention={reviewed.span}" if panel else "")


def _needed(reviewed: Reviewed | None) -> Reviewed:
    if reviewed is None:  # run_scenario measures the review only when the corpus has one
        raise SystemExit("app_speed: no mention to review in this corpus")
    return reviewed


@dataclass(frozen=True)
class Figure:
    """One figure of a corpus: what it measures in a fresh page."""

    label: str
    run: Callable[..., Sample] | None = None  # None: the page load itself
    query: Callable[[Expected], str] | None = None  # the page's query string, from what the store holds
    undo: bool = False  # the action made a correction: undo it afterwards


FIGURES: dict[str, Figure] = {
    "load": Figure("Page load → markers visible"),
    "first": Figure("Page load, first visit (empty cache) → markers visible"),
    "outlines": Figure("Page load → country outlines drawn", outlines_drawn),
    "click": Figure("Click marker → passages shown", click_to_passages),
    "search": Figure("Find a place + Enter → map updated", search_to_map),
    "chip": Figure("Remove an article chip → map updated", chip_to_map),
    "review": Figure("Click a place in the reader → review panel shown", reader_to_panel,
                     lambda e: _opened(e.review, panel=False)),
    "move": Figure("Choose another candidate → map updated", move_to_map, lambda e: _opened(e.review, panel=True),
                   undo=True),
    "reject": Figure("Not a place → map updated", reject_to_map, lambda e: _opened(e.reject, panel=True), undo=True),
}  # fmt: skip


# -- one corpus -----------------------------------------------------------------------------------


def expectations(store_path: Path, scenario: Scenario, geoparser: Geoparser) -> Expected:
    """The markers, labels and mentions the page must show, asked of the store the app filled."""

    def classes(summaries: Sequence[PlaceSummary]) -> list[str]:
        if len(summaries) > render.CLUSTER_THRESHOLD:
            raise SystemExit(f"app_speed: a filter of {scenario.title} leaves {len(summaries)} places: clustered")
        return sorted(render.marker_class(s).split()[1] for s in summaries)

    store = Store(store_path)
    try:
        every = store.summaries()
        summaries = {s.id: s for s in every}
        if scenario.click_id not in summaries:
            raise SystemExit(f"app_speed: {scenario.click_id} is not a place of {scenario.folder}")
        infos = store.article_infos()
        review = reject = None
        if scenario.review:
            review = review_target(store, scenario.review, set(summaries), geoparser)
            reject = reject_target(store, every, {scenario.review[0]})
        return Expected(
            places=len(summaries),
            click_class=render.marker_class(summaries[scenario.click_id]).split()[1],
            search_set=classes(store.summaries(search=scenario.search)),
            chip_label=f"{infos[0].title} ({infos[0].date or 'no date'})",
            chip_set=classes(store.summaries(article_ids=[i.id for i in infos[1:]])) if scenario.chip else [],
            review=review,
            reject=reject,
        )
    finally:
        store.close()


def review_target(store: Store, review: tuple[str, str], on_map: set[str], geoparser: Geoparser) -> Reviewed:
    """The first mention of a name in an article, and the first of the panel's candidates not on the map."""
    article_id, name = review
    item = store.article(article_id)
    mention = next((m for m in item.mentions if m.mention.text == name and m.place), None) if item else None
    if item is None or mention is None:
        raise SystemExit(f"app_speed: no placed mention {name!r} in the article {article_id!r}")
    panel = mention_review(item, mention, geoparser.explain(item.article.text), geoparser.gazetteer)
    elsewhere = [c.place for c in panel.candidates if c.id not in on_map]
    if not elsewhere:
        raise SystemExit(f"app_speed: the panel's places called {name!r} are all on the map: none to move it to")
    return Reviewed(article_id, span_param(mention.mention), name, (elsewhere[0].lat, elsewhere[0].lon),
                    place_id(elsewhere[0]))  # fmt: skip


def reject_target(store: Store, summaries: Sequence[PlaceSummary], avoid: set[str]) -> Reviewed:
    """The one mention of a place named once in the store, alone at its coordinates, outside ``avoid``'s articles."""
    coordinates = Counter((s.place.lat, s.place.lon) for s in summaries)
    for summary in reversed(summaries):  # from the fewest mentions
        latlon = (summary.place.lat, summary.place.lon)
        if summary.mentions != 1 or coordinates[latlon] != 1 or summary.article_ids[0] in avoid:
            continue
        passage = summary.passages[0]
        start, end = passage.highlights[0]
        text = store.texts([passage.article_id])[passage.article_id][start:end]
        return Reviewed(passage.article_id, f"{start}-{end}", text, latlon)
    raise SystemExit("app_speed: no place is named once in this corpus: nothing to reject")


def undo_since(store_path: Path, last_id: int) -> None:
    """Undo the corrections made after ``last_id`` (the review figures' own), through the store."""
    store = Store(store_path)
    try:
        for correction in store.corrections():
            if correction.id is not None and correction.id > last_id and correction.active:
                store.undo_correction(correction.id)
    finally:
        store.close()


def last_correction(store_path: Path) -> int:
    store = Store(store_path)
    try:
        return max((c.id or 0 for c in store.corrections()), default=0)
    finally:
        store.close()


def store_path(scratch: Path, scenario: Scenario) -> Path:
    return scratch / f"store-{scenario.key}-{scenario.basemap}.sqlite3"


def run_scenario(browser, scenario: Scenario, runs: int, scratch: Path,  # type: ignore[no-untyped-def]
                 geoparser: Geoparser) -> tuple[list[Row], float | None, str, Path]:  # fmt: skip
    """Cold load, warm-up, ``runs`` timed iterations. Returns rows, cold load (ms), a failure, the store."""
    keys = ["load", "first", "outlines", "click", "search"] + (["chip"] if scenario.chip else [])
    keys += ["review", "move", "reject"] if scenario.review else []
    rows = {key: Row(key, FIGURES[key].label) for key in keys}
    rows["search"].label = f"Find “{scenario.search}” + Enter → map updated"
    store = store_path(scratch, scenario)
    with app_server(scenario, store, scratch) as url:
        context = offline_context(browser)
        try:
            try:
                say(f"{scenario.key}, basemap {scenario.basemap}: cold first load…")
                page, cold = open_app(context, url)
                say(f"{scenario.key}: cold first load: {_s(cold.total)} s")
                page.close()
            except AppBroken as err:
                say(f"{scenario.key}: cold first load failed: {err}")
                for row in rows.values():
                    row.failure = str(err)
                return list(rows.values()), None, str(err), store
            expected = expectations(store, scenario, geoparser)
            if expected.review:
                rows["move"].label = f"Choose {expected.review.move_to} for “{expected.review.name}” → map updated"
            for iteration in range(runs + 1):  # iteration 0 is the warm-up
                for key in keys:
                    if rows[key].failure:
                        continue
                    page = None
                    step = f"{scenario.key}, {f'run {iteration}' if iteration else 'warm-up'}, {key}"
                    say(f"{step}…")
                    visit = offline_context(browser) if key == "first" else context  # "first": an empty cache
                    figure = FIGURES[key]
                    before = last_correction(store) if figure.undo else 0
                    try:
                        page, loaded = open_app(visit, url + (figure.query(expected) if figure.query else ""))
                        taken = loaded if figure.run is None else figure.run(page, scenario, expected)
                        say(f"{step}: {_s(taken.total)} s")
                        if iteration:
                            rows[key].samples.append(taken)
                    except AppBroken as err:
                        say(f"{step}: failed: {err}")
                        rows[key].failure = str(err)
                    finally:
                        if page is not None:
                            page.close()
                        if visit is not context:
                            visit.close()
                    if figure.undo:  # the same store for the next run, and its view cached again by a page load
                        undo_since(store, before)
                        open_app(context, url)[0].close()
        finally:
            context.close()
    return list(rows.values()), cold.total, "", store


# -- server-side steps, in this process -----------------------------------------------------------


def server_steps(store_path: Path, outlines: dict, outlines_url: str, runs: int) -> list[tuple[str, list[float], str]]:
    """Milliseconds of the costly steps of a rerun that shows every place, and the payload sizes."""
    import streamlit
    import streamlit_folium

    # st_folium outside `streamlit run` warns once that the script should be run so, then on every call.
    streamlit.config.set_option("global.showWarningOnDirectExecution", False)
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("streamlit")]:
        logging.getLogger(name).setLevel(logging.ERROR)
    store = Store(store_path)
    basemap = render.basemaps()["none"]
    summaries = store.summaries()
    excerpts = store.excerpts(summaries)

    def layer() -> Any:
        return render.build_place_layer(summaries, lambda s: excerpts[s.id], outlines=outlines)

    def component() -> None:
        streamlit_folium.st_folium(
            render.build_base_map(basemap, outlines_url), key="map", height=540, use_container_width=True,
            feature_group_to_add=layer(), returned_objects=list(RETURNED_OBJECTS),
        )  # fmt: skip

    def timed(step: Callable[[], object]) -> list[float]:
        step()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1000)
        return times

    base = render.build_base_map(basemap, outlines_url)
    base.get_root().render()
    script = len(streamlit_folium._get_map_string(base)) / 1024
    group = (
        len(streamlit_folium._get_feature_group_string(layer(), map=render.build_base_map(basemap, outlines_url)))
        / 1024
    )
    try:
        return [
            ("`Store.summaries` + `excerpts`, every place", timed(lambda: store.excerpts(store.summaries())),
             "a new view; the app caches each view (`get_view`)"),
            ("`render.build_place_layer`", timed(layer), ""),
            ("`st_folium` with both maps built, Python side", timed(component),
             f"sends the base map's {script:,.0f} KB and the places' {group:,.0f} KB of JavaScript"),
        ]  # fmt: skip
    finally:
        store.close()


# -- the report -----------------------------------------------------------------------------------


def _s(ms: float) -> str:
    return f"{ms / 1000:.2f}"


def report_section(scenario: Scenario, rows: list[Row], cold: float | None, failure: str, places: int | None,
                   steps: list[tuple[str, list[float], str]]) -> list[str]:  # fmt: skip
    lines = [f"### {scenario.title}", "", scenario.note, ""]
    lines += [(f"{places:,} places on the map; " if places is not None else "") + f"basemap `{scenario.basemap}`.", ""]
    lines += ["| measurement | median, s | min–max, s | n | target | |", "|---|---:|---:|---:|---|---|"]
    split = []
    for row in rows:
        target = TARGETS.get((scenario.key, row.key))
        target_text = f"< {target:g} s" if target else "—"
        if row.failure or not row.samples:
            lines.append(f"| {row.label} | — | — | 0 | {target_text} | not measured: {row.failure or 'no samples'} |")
            continue
        totals = [s.total for s in row.samples]
        median = statistics.median(totals)
        verdict = "—" if target is None else ("met" if median < target * 1000 else "**not met**")
        lines.append(f"| {row.label} | {_s(median)} | {_s(min(totals))}–{_s(max(totals))} | {len(totals)} | "
                     f"{target_text} | {verdict} |")  # fmt: skip
        known = [(s.asked, s.arrived, s.total) for s in row.samples if s.asked is not None and s.arrived is not None]
        if known:
            before = statistics.median(asked for asked, _, _ in known)
            server = statistics.median(arrived - asked for asked, arrived, _ in known)
            after = statistics.median(total - arrived for _, arrived, total in known)
            kilobytes = statistics.median(s.kilobytes for s in row.samples)
            runs = statistics.median(s.runs for s in row.samples)
            split.append(f"| {row.label} | {_s(before)} | {_s(server)} | {_s(after)} | {kilobytes:,.0f} | {runs:g} |")
    lines += ["", "Cold first page load (a new server: the app ingests the corpus if the store lacks it, fills its "
                  f"caches), one run: {_s(cold) + ' s' if cold is not None else 'not measured'}. "
                  f"Peak memory of the app server (`VmHWM`): "
                  f"{SERVER_PEAK_MB.get(scenario.key, float('nan')):,.0f} MB."]  # fmt: skip
    if failure:
        lines += ["", f"**The page failed:** `{failure}`"]
    if split:
        lines += [
            "",
            "Where the time goes (medians, from the page's WebSocket log): the browser from the action (page "
            "load: navigation start) to its rerun request (`BackMsg`; after a click, the map waits 250 ms first); "
            "the server and the transfer from there to the last message received before the result; the browser "
            "from there until the DOM showed the result. Then the KB received and the script runs that finished "
            "(`script_finished`) meanwhile; a script still running when the result shows is not counted.",
            "",
            "| measurement | browser before, s | server + transfer, s | browser after, s | KB received | script runs |",
            "|---|---:|---:|---:|---:|---:|",
            *split,
        ]
    if steps:
        lines += ["", "Server-side steps of one rerun showing every place, timed in the benchmark's process:", "",
                  "| step | median, ms | min–max, ms | note |", "|---|---:|---:|---|"]  # fmt: skip
        for label, times, note in steps:
            lines.append(
                f"| {label} | {statistics.median(times):,.0f} | {min(times):,.0f}–{max(times):,.0f} | {note} |"
            )
    return lines + [""]


def scenarios(settings: Settings, synthetic: SyntheticCorpus | None, basemap: str) -> list[Scenario]:
    seeds = [
        Scenario("seeds", "Seed articles (`data/articles`)", settings.articles_dir, basemap, SEED_PLACE[0],
                 SEED_PLACE[2], None, SEED_SEARCH, True,
                 f"Click: {SEED_PLACE[1]} (`path.place-geonames-2976217`), until “{SEED_PLACE[2]}” "
                 f"shows; search: “{SEED_SEARCH}”; chip: the first article's; review: the first “{SEED_REVIEW[1]}” "
                 f"of `{SEED_REVIEW[0]}`.", SEED_REVIEW),
    ]  # fmt: skip
    if synthetic is None:
        return seeds
    city = synthetic.cities[0]
    return seeds + [
        Scenario("synthetic", f"Synthetic load, {len(synthetic.cities):,} cities", synthetic.folder, basemap, city.id,
                 f"{city.name}, {city.country}", (city.lat, city.lon), city.name, False,
                 f"{len(synthetic.paths)} generated articles naming {len(synthetic.cities):,} "
                 f"distinct cities, each with its country ({synthetic.intended:,} placed at their own GeoNames id by "
                 f"`Geoparser`; {len(synthetic.placed_ids):,} distinct placed places with the countries). Click: "
                 f"{city.name} (the most populous city), out of its cluster at the deepest zoom; "
                 f"search: “{city.name}”."),
    ]  # fmt: skip


def archive_scenario(settings: Settings, count: int, corrections: int, basemap: str, scratch: Path,
                     geoparser: Geoparser) -> Scenario:  # fmt: skip
    """``count`` recombined LGL articles and ``corrections`` corrections in the scenario's store; the click: its
    busiest town, reviewed in its first passage's article."""
    folder = synthetic_corpus.ensure(synthetic_corpus.default_out(count), count)
    title = f"Archive, {count:,} articles, {corrections:,} corrections"
    scenario = Scenario("archive", title, folder, basemap, "", "", None, "", False, "")
    store = Store(store_path(scratch, scenario))
    try:
        workers = os.cpu_count() or 1
        say(f"archive: ingesting {folder} with {workers} workers…")
        started = time.perf_counter()
        report = ingest_paths([str(folder)], store, replace(settings, articles_dir=folder), workers=workers)
        store.set_meta("seeded", str(folder))  # the app must not ingest the folder again
        took = time.perf_counter() - started
        town = next(s for s in store.summaries() if s.place.feature.startswith("P."))
        first = store.passages(town.id)[0]
        article = store.article(first.article_id).article  # type: ignore[union-attr]
        words = " ".join(article.text[first.start : first.end].splitlines()[0].split()[:5])
        name = article.text[slice(*first.highlights[0])]
        distinct = len({p.article_id for p in store.passages(town.id)})
        started = time.perf_counter()
        made = make_corrections(store, corrections, geoparser, avoid={p.article_id for p in store.passages(town.id)},
                                avoid_names={name, town.place.name})  # fmt: skip
        correcting = time.perf_counter() - started
    finally:
        store.close()
    return replace(
        scenario, click_id=town.id, click_text=words, click_latlon=(town.place.lat, town.place.lon),
        search=town.place.name, review=(first.article_id, name),
        note=f"{len(report.of('added')):,} articles recombined from the LGL texts (`bench/synthetic_corpus.py`), "
        f"ingested before the app starts ({took:.0f} s, {workers} workers), then {corrections:,} corrections "
        f"({made}) made through `Store.add_correction` ({correcting:.0f} s). Click: {town.label} ({town.mentions:,} "
        f"mentions in "
        f"{distinct:,} articles), out of its cluster at the deepest zoom, until “{words}” shows; search: "
        f"“{town.place.name}”; review: the first “{name}” of the article “{article.title}”.",
    )  # fmt: skip


def make_corrections(store: Store, count: int, geoparser: Geoparser, *, avoid: set[str], avoid_names: set[str]) -> str:
    """``count`` reviewers' decisions on mentions drawn with a fixed seed, outside ``avoid``'s articles and names.

    About half confirm, a quarter say "Not a place", a quarter move the mention to another place of its name; one
    in twenty goes by name through its article, one in a hundred through the collection. Returns what was made.
    """
    rng = random.Random(CORRECTIONS_SEED)
    articles = [i.id for i in store.article_infos() if i.id not in avoid]
    names = {n.casefold() for n in avoid_names}
    made: Counter[str] = Counter()
    while sum(made.values()) < count:
        item = store.article(rng.choice(articles))
        placed = [m for m in item.mentions if m.place and m.review == "automatic"] if item else []
        placed = [m for m in placed if m.mention.text.casefold() not in names]
        if item is None or not placed:
            continue
        m = rng.choice(placed)
        draw = rng.random()
        scope = Scope.COLLECTION if draw < 0.01 else Scope.ARTICLE if draw < 0.06 else Scope.MENTION
        kind = rng.random()
        current = place_id(m.place)  # type: ignore[arg-type]
        others = [p for p in geoparser.gazetteer.candidates(m.mention.text) if place_id(p) != current]
        after: Place | None = rng.choice(others) if kind >= 0.75 and others else None
        action = Action.PLACE if after else Action.REJECT if 0.5 <= kind < 0.75 else Action.CONFIRM
        store.add_correction(Correction(
            scope=scope, action=action, name=m.mention.text, after=after, reviewer=rng.choice(["Ana", "Ben", ""]),
            article_id=None if scope is Scope.COLLECTION else item.article.id,
            span=(m.mention.start, m.mention.end) if scope is Scope.MENTION else None,
        ))  # fmt: skip
        made[f"{action.value} ({scope.value})"] += 1
    return ", ".join(f"{n:,} {what}" for what, n in sorted(made.items()))


def benchmark(runs: int, places: int, basemap: str, articles: int, corrections: int, only: set[str]) -> str:
    from playwright.sync_api import sync_playwright

    settings = Settings.load(online=False)
    geoparser = Geoparser.from_settings(settings)
    outlines = geoparser.gazetteer.country_polygons()  # type: ignore[attr-defined]
    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="news-atlas-app-speed-") as scratch_name:
        scratch = Path(scratch_name)
        outlines_url = install_outlines(scratch / "static", outlines)  # as the app does: the browser fetches them
        synthetic = build_corpus(scratch / "synthetic", places, geoparser=geoparser) if "synthetic" in only else None
        if synthetic:
            say(
                f"synthetic corpus: {len(synthetic.paths)} articles, {len(synthetic.cities):,} cities, "
                f"{synthetic.intended:,} placed as intended, {len(synthetic.placed_ids):,} distinct placed places"
            )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                chosen = [scenario for scenario in scenarios(settings, synthetic, basemap) if scenario.key in only]
                if "archive" in only and articles:
                    chosen.append(archive_scenario(settings, articles, corrections, basemap, scratch, geoparser))
                for scenario in chosen:
                    rows, cold, failure, store = run_scenario(browser, scenario, runs, scratch, geoparser)
                    count = expectations(store, scenario, geoparser).places if store.exists() else None
                    steps = server_steps(store, outlines, outlines_url, runs) if store.exists() else []
                    sections += report_section(scenario, rows, cold, failure, count, steps)
                    if MAXZOOM_ERROR in failure and scenario.basemap == "none":
                        # Measure anyway: OSM's tile layer gives the map a maxZoom; its tiles are aborted (offline).
                        retry = replace(
                            scenario, basemap="osm", title=f"{scenario.title}, basemap `osm` (workaround)",
                            note=f"With `none` the clustered markers never appear (`{MAXZOOM_ERROR}`), so again with "
                            f"`NEWS_ATLAS_BASEMAP=osm`, its tile requests aborted. " + scenario.note,
                        )  # fmt: skip
                        rows, cold, failure, store = run_scenario(browser, retry, runs, scratch, geoparser)
                        sections += report_section(retry, rows, cold, failure, count, [])
                chromium = browser.version
            finally:
                browser.close()
    return "\n".join([
        "## App speed in the browser",
        "",
        f"`bench/app_speed.py`: the Streamlit app in headless Chromium, offline, driven by Playwright; {runs} timed "
        f"run{'s' * (runs != 1)} per figure after a warm-up, each action in a fresh page. Times are stamped in the "
        "browser (`performance.timeOrigin + performance.now()`, the DOM watched by a `MutationObserver`): a figure "
        "ends when the DOM shows the result. The script's docstring says what each figure spans.",
        "",
        *sections,
        *machine_facts(),
        f"- Browser: Chromium {chromium} (`{CHROMIUM}`), Playwright {version('playwright')}, "
        f"viewport {VIEWPORT['width']}×{VIEWPORT['height']}",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the benchmark, print (and optionally write) the report."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    arguments.add_argument("--places", type=int, default=DEFAULT_PLACES, help="cities of the synthetic corpus")
    arguments.add_argument("--basemap", default="none", choices=["none", "osm"], help="NEWS_ATLAS_BASEMAP (none)")
    arguments.add_argument("--articles", type=int, default=10_000, help="articles of the archive (default 10,000)")
    arguments.add_argument("--corrections", type=int, default=1_000, help="corrections in the archive (default 1,000)")
    arguments.add_argument("--only", default="seeds,synthetic,archive", help="corpora to measure (default: all three)")
    arguments.add_argument("--write", type=Path, help="also put the report between the app-speed markers in this file")
    options = arguments.parse_args(argv)
    if options.runs < 1:
        arguments.error("--runs must be at least 1")
    if not Path(CHROMIUM).is_file():
        sys.stderr.write(f"app_speed: {CHROMIUM} is missing; install Debian's chromium (make chromium).\n")
        return 2
    only = set(options.only.split(","))
    if not only <= {"seeds", "synthetic", "archive"}:
        arguments.error("--only takes seeds, synthetic and archive, separated by commas")
    report = benchmark(options.runs, options.places, options.basemap, options.articles, options.corrections, only)
    print(report)
    if options.write:
        write_block(options.write, report, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
