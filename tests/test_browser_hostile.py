"""Browser test of hostile content (issue 8): an uploaded article carrying every injection stays text.

The app runs on the seed articles with a store of its own (``tests/test_browser.py``'s
server and offline browser: every request to a host other than 127.0.0.1/localhost is
aborted and recorded).  A reader uploads an article whose text, title, author, source,
URL and file name carry Markdown, HTML, KaTeX, Streamlit's ``:red[]`` and emoji codes,
remote images and ``javascript:`` links, behind every kind of line break (a bare
``\\r\\r`` once ended the reader's HTML block, and the rest became live Markdown; a
blank line in the author did the same in the passages panel).  The reader reads it,
clicks its places, opens a place's popup on the map, and finds none of it turned into
a link, an image, a bold element, a script or a formula, and no request left the loopback.
Markdown emphasis in the text (``*a*``, ``**a**``) is the article's own styling: its
words show in a styled ``span``, escaped, without the marks.

Run with ``.venv/bin/python -m pytest tests/test_browser_hostile.py -q``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, expect
from test_browser import (  # the module skips itself when Debian's chromium is missing
    FIRST_RENDER_MS,
    MAP_IFRAME,
    Tab,
    _serve,
    assert_worked_offline,
    chromium,  # noqa: F401 (a fixture)
    map_frame,
    marker,
    place_url,
    tab,  # noqa: F401 (a fixture)
    wait_still,
)

CALAIS, SANGATTE, VENTIMIGLIA = "geonames:3029162", "geonames:2976217", "geonames:3164582"
EVIL = "evil.example"  # every hostile URL points there: no request may reach it, no element may name it

TITLE = "Boats **bold title** [title link](http://evil.example/t) <img src=http://evil.example/ti.png> $$t^2$$"
AUTHOR = "Jane Doe\n\n[author link](http://evil.example/a) **author bold** ![ai](http://evil.example/ai.png) <b>ab</b>"
SOURCE = "[source link](http://evil.example/s) **source bold** :red[source red]"
URL = "javascript:window.__pwned='url'"
# Each line break the reader must show as a break and nothing else, then a payload behind it.
BODY = (
    "Migrants walked from Ventimiglia **popup bold** [popup link](http://evil.example/p) "
    "<img src=http://evil.example/popup.png> $$p^2$$ on Monday."
    "\r\r[a link](http://evil.example/md) **bold text** __more bold__ *emphasis*"
    "\r\r$$x^2$$ and $y$ :red[red text] :smile: :material/home:"
    "\u2028![tracker](http://evil.example/t.png)"
    "\u2029<img src=http://evil.example/raw.png onerror=\"window.__pwned='img'\">"
    "\x0c<script>window.__pwned='script'</script>"
    "\x0b[js link](javascript:window.__pwned='js')"
    "\x1c<a href=\"javascript:window.__pwned='a'\">html link</a>"
    "\x1d<http://evil.example/auto>"
    "\x1e www.evil.example/www"
    "\x85 http://evil.example/bare &lt;b&gt;entity&lt;/b&gt;"
    "\r\n\r\n# Heading\n===\n> quote\n\n    code block\n\n"
    "Then police came to Sangatte, near Calais, France."
)
ARTICLE = (
    "---\n"
    f"title: {TITLE!r}\n"  # single-quoted YAML: the text as written
    f'author: "{AUTHOR.replace(chr(10), chr(92) + "n")}"\n'
    f"source: {SOURCE!r}\n"
    f'url: "{URL}"\n'
    "date: 2015-01-02\n"
    "---\n\n"
    f"{BODY}\n"
)
FILE_NAME = "hostile **bold name** [name link](javascript:x) $n$ :red[n].md"
EMPTY_NAME = "empty **bold** [l](http:evil.example) :smile:.txt"

# What must be shown literally, as typed (each would be a link, bold, a formula or colour as Markdown).
LITERALS = [
    "[a link](http://evil.example/md)",
    "bold text more bold emphasis",  # Markdown emphasis: its words, styled, without their marks
    "$$x^2$$ and $y$ :red[red text] :smile: :material/home:",
    "![tracker](http://evil.example/t.png)",
    "<img src=http://evil.example/raw.png onerror=\"window.__pwned='img'\">",
    "<script>window.__pwned='script'</script>",
    "[js link](javascript:window.__pwned='js')",
    "<a href=\"javascript:window.__pwned='a'\">html link</a>",
    "<http://evil.example/auto>",
    "www.evil.example/www",
    "http://evil.example/bare &lt;b&gt;entity&lt;/b&gt;",
    "# Heading",
    "> quote",
]


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the seeds, no basemap, with a store of its own (what this test adds stays here)."""
    yield from _serve({"NEWS_ATLAS_BASEMAP": "none"}, tmp_path_factory.mktemp("hostile-app") / "streamlit.log")


# Elements Markdown or HTML would have made of the content, and the words of the content that would be in them.
MADE_ELEMENTS = "b, strong, em, i, h1, h2, blockquote, pre, code, del, table, .katex, .katex-display, math"
MADE_WORDS = ["bold", "emphasis", "red text", "x^2", "Heading", "quote", "code block", "table", EVIL]


def made_of_content(scope: Frame, selector: str, words: list[str]) -> list[str]:
    """Outer HTML of the elements matching ``selector`` whose text, ``src`` or ``href`` holds one of ``words``."""
    return scope.evaluate(
        """([selector, words]) => Array.from(document.querySelectorAll(selector))
            .filter(e => words.some(w => [e.textContent, e.getAttribute('src'), e.getAttribute('href')]
                                          .some(v => (v || '').includes(w))))
            .map(e => e.outerHTML.slice(0, 300))""",
        [selector, words],
    )


def foreign_links(scope: Frame, origin: str) -> list[str]:
    """Links that would leave the app: any ``a[href]`` not on its origin (Leaflet's credit line aside)."""
    return scope.evaluate(
        """(origin) => Array.from(document.querySelectorAll('a[href]'))
            .filter(a => !a.closest('.leaflet-control-attribution'))
            .map(a => a.href).filter(href => !href.startsWith(origin + '/'))""",
        origin,
    )


def assert_no_live_content(shown: Tab, origin: str) -> None:
    """Nothing of the article became a link, image, bold text, script, formula or heading; nothing left."""
    page = shown.page
    handle = page.locator(MAP_IFRAME).element_handle()
    map_document = handle.content_frame() if handle else None
    assert map_document is not None
    for scope in (page.main_frame, map_document):
        assert made_of_content(scope, MADE_ELEMENTS, MADE_WORDS) == []
        assert made_of_content(scope, "img, iframe, script[src], link", [EVIL]) == []
        assert made_of_content(scope, "script", ["window.__pwned"]) == []
        assert foreign_links(scope, origin) == []
        assert made_of_content(scope, "a", ["javascript:"]) == []
        assert scope.evaluate("() => window.__pwned") is None
    assert shown.aborted == [], "a request left the loopback"
    assert_worked_offline(shown)


def test_hostile_upload_is_shown_as_text(tab: Tab, hostile_app_url: str, tmp_path: Path) -> None:  # noqa: F811
    page = tab.page
    page.goto(hostile_app_url + "/")
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Add articles").click()

    hostile = tmp_path / FILE_NAME
    hostile.write_bytes(ARTICLE.encode("utf-8"))
    empty = tmp_path / EMPTY_NAME
    empty.write_bytes(b"")
    sidebar.locator("input[type='file']").set_input_files([hostile, empty])
    sidebar.get_by_role("button", name="Add the files").click()

    # The report names both files as written; the empty one failed, the other still went in.
    messages = sidebar.locator(".atlas-message")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_have_text(f"Added: {FILE_NAME}")
    failed = re.compile(rf"^Not added: {re.escape(EMPTY_NAME)} \(.*{re.escape(EMPTY_NAME)}.* is empty")
    expect(messages.nth(1)).to_have_text(failed)
    expect(messages.nth(1)).to_have_attribute("role", "alert")
    expect(marker(frame, VENTIMIGLIA)).to_have_count(1)

    # The reader: every payload as text, every line break a break.
    page.get_by_label("Read an article").click()
    page.get_by_role("option", name=re.compile(r"^Boats \*\*bold title\*\*")).click()
    reader = page.locator("div.article")
    expect(reader).to_contain_text("Migrants walked from Ventimiglia popup bold [popup link]")
    expect(reader.locator("span.md-strong")).to_have_text(["popup bold", "bold text", "more bold"])
    expect(reader.locator("span.md-em")).to_have_text(["emphasis"])
    shown = reader.inner_text()
    for literal in LITERALS:
        assert literal in shown, f"{literal!r} is not shown as written in:\n{shown}"
    assert reader.locator("br").count() >= 12
    byline = page.locator("p.reader-byline")
    expect(byline).to_contain_text(SOURCE)
    expect(byline).to_contain_text(f"{URL} (not a web address)")
    expect(byline.locator("a")).to_have_count(0)
    assert_no_live_content(tab, hostile_app_url)

    # Its places: a click in the reader opens the passages, title and author shown as written.
    reader.locator("a").filter(has=page.locator("mark.place", has_text="Sangatte")).click()
    expect(page).to_have_url(place_url(SANGATTE))
    heading = page.locator("h4.passage-article").filter(has_text="bold title")
    expect(heading).to_have_text(TITLE)
    passage_byline = page.locator("p.byline:not(.reader-byline)").filter(has_text="Jane Doe")
    expect(passage_byline).to_have_text("2015-01-02 · " + AUTHOR.replace("\n", ""))
    expect(passage_byline.locator("br")).to_have_count(2)  # the blank line is two line breaks, nothing more
    reader.locator("a").filter(has=page.locator("mark.place", has_text="Ventimiglia")).click()
    expect(page).to_have_url(place_url(VENTIMIGLIA))
    expect(page.locator("p.passage").filter(has_text="popup bold")).to_contain_text(
        "popup bold [popup link](http://evil.example/p) <img src=http://evil.example/popup.png> $$p^2$$"
    )

    # Its marker's popup on the map: the passage as text too.
    ventimiglia = marker(frame, VENTIMIGLIA)
    wait_still(page, ventimiglia)
    ventimiglia.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("[popup link](http://evil.example/p) <img src=http://evil.example/popup.png>")
    assert_no_live_content(tab, hostile_app_url)
