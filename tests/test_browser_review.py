"""End-to-end test of a reviewer's round (issue 10): the real app in Debian's chromium, offline.

The reviewer opens the May article, clicks "Calais" in the reader (the review panel opens beside the
text, no page reload), moves it to Calais, Maine and back, rejects a false place ("EU" in "EU
elections", an election, not a place), adds a missed one by selecting its text (the camp called the
"jungle", at Calais), makes a collection rule ("Europe" is no place on this map) and sees it applied to
an article added afterwards, reindexes, and checks that all of it still holds on the map, in the
corrections list and in the downloaded GeoJSON and CSV.

Run with ``.venv/bin/python -m pytest tests/test_browser_review.py -q``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from test_browser import (  # the module skips itself when Debian's chromium is missing
    FIRST_RENDER_MS,
    Tab,
    _serve,
    assert_worked_offline,
    chromium,  # noqa: F401 (a fixture)
    map_frame,
    marker,
    tab,  # noqa: F401 (a fixture)
)

CALAIS, CALAIS_ME, EUROPE = "geonames:3029162", "geonames:4959834", "geonames:6255148"
VENTIMIGLIA = "geonames:3164582"
MAY = "calais-police-attack-camp-2014-05-29"
SHOTS = Path("/tmp/review-shots")
NEW_ARTICLE = "Migrants crossed Europe on foot and waited at Ventimiglia, on the border, for weeks."


@pytest.fixture(scope="module")
def review_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the seeds with a store of its own (the round changes it)."""
    yield from _serve({"NEWS_ATLAS_BASEMAP": "none"}, tmp_path_factory.mktemp("review-app") / "streamlit.log")


def reader_place(page: Page, name: str, nth: int = 0) -> Locator:
    """The ``nth`` highlighted place called ``name`` in the reader."""
    return page.locator("div.article mark.place").filter(has_text=re.compile(rf"^{re.escape(name)}$")).nth(nth)


def row_button(page: Page, description: re.Pattern[str], label: str) -> Locator:
    """The button of the panel's row whose description matches (the innermost row of columns)."""
    row = page.get_by_test_id("stHorizontalBlock").filter(has=page.locator("p.candidate", has_text=description))
    return row.last.get_by_role("button", name=label, exact=True)


def open_review(page: Page, name: str, nth: int = 0) -> None:
    """Click a place in the reader; its review panel opens beside the text without a page reload."""
    page.evaluate("window.__sameDocument = true")
    reader_place(page, name, nth).click()
    expect(page.locator("h3.review-name")).to_have_text(f"Review “{name}”")
    expect(page).to_have_url(re.compile(r"[?&]mention=\d+-\d+"))
    assert page.evaluate("window.__sameDocument") is True  # no navigation: the same document


def saved(page: Page, text: str) -> None:
    expect(page.locator(".atlas-info").filter(has_text=f"Saved: {text}")).to_be_visible()


def download(page: Page, label: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_a_reviewers_round(tab: Tab, review_app_url: str) -> None:  # noqa: F811
    page = tab.page
    page.goto(f"{review_app_url}/?article={MAY}")
    frame = map_frame(page)
    marker(frame, CALAIS).wait_for(state="attached", timeout=FIRST_RENDER_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label("Reviewer").fill("Ana")
    sidebar.get_by_label("Reviewer").press("Enter")

    # 1. Calais to Calais, Maine, and back.
    open_review(page, "Calais")
    expect(page.locator("p.review-why")).to_contain_text("score")
    maine = re.compile(r"^Calais, Maine, United States · town or city")  # the region's name, not its code
    expect(page.locator("p.candidate").filter(has_text=maine)).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("h3.review-name").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "review-panel.png", full_page=True)
    row_button(page, re.compile(r"^Calais, Maine, United States"), "Choose").click()
    saved(page, "“Calais” moved to Calais, US (this mention).")
    expect(marker(frame, CALAIS_ME)).to_have_count(1)
    expect(marker(frame, CALAIS_ME)).to_have_class(re.compile(r"\breview-corrected\b"))
    page.screenshot(path=SHOTS / "after-move.png", full_page=True)
    row_button(page, re.compile(r"^Calais, Hauts-de-France, France"), "Choose").click()
    saved(page, "“Calais” moved to Calais, FR (this mention).")
    expect(marker(frame, CALAIS_ME)).to_have_count(0)
    expect(marker(frame, CALAIS)).to_have_class(re.compile(r"\breview-confirmed\b"))

    # 2. A false place: "EU elections" are an election.
    open_review(page, "EU")
    page.get_by_role("button", name="Not a place").click()
    saved(page, "“EU” not a place (this mention).")
    expect(reader_place(page, "EU", 1)).to_have_count(0)  # one EU left in this article

    # 3. A missed place, selected in the text: the camp called the "jungle", at Calais.
    page.wait_for_function("typeof window.__newsAtlasReaderEvents === 'function'")  # the listener, mounted again
    page.evaluate(
        """() => {
        const article = document.querySelector('div.article');
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode()) && !node.data.includes('jungle')) {}
        const range = document.createRange();
        const at = node.data.indexOf('jungle');
        range.setStart(node, at); range.setEnd(node, at + 'jungle'.length);
        const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        article.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }"""
    )
    expect(page.get_by_label("Name as written in the article")).to_have_value("jungle")
    page.get_by_label("Place to put it at").fill("Calais")
    page.get_by_label("Place to put it at").press("Enter")
    row_button(page, re.compile(r"^Calais, Hauts-de-France, France"), "Add here").click()
    saved(page, "“jungle” added to Calais, FR (this mention).")
    expect(reader_place(page, "jungle")).to_have_count(1)

    # 4. A collection rule: "Europe" is no place on this map, in every article, later ones too.
    choose = page.get_by_label("Read an article")
    choose.click()
    choose.press_sequentially("France: Calais mayor")
    choose.press("Enter")
    expect(page.locator("div.article")).to_contain_text("Natacha Bouchart")
    open_review(page, "Europe")
    page.get_by_text("The whole collection (articles added later too)").click()
    page.get_by_role("button", name="Not a place").click()
    saved(page, "“Europe” not a place (the whole collection (articles added later too)).")
    expect(marker(frame, EUROPE)).to_have_count(0)
    sidebar.get_by_text("Add articles").click()
    sidebar.get_by_label("Title").fill("Walking to Ventimiglia")
    sidebar.get_by_label("Text of the article").fill(NEW_ARTICLE)
    sidebar.get_by_label("Text of the article").press("Control+Enter")
    sidebar.get_by_role("button", name="Add the text").click()
    expect(sidebar.get_by_text("Added: Walking to Ventimiglia")).to_be_visible()
    expect(marker(frame, VENTIMIGLIA)).to_have_count(1)
    expect(marker(frame, EUROPE)).to_have_count(0)

    # 5. Reindex: every article geoparsed again, the corrections applied on top.
    page.get_by_role("button", name="Geoparse every article again").click()
    expect(page.get_by_text("Geoparsed 3 articles again; the corrections apply on top.")).to_be_visible(timeout=120_000)

    # 6. Everything holds: the map, the reader, the corrections list, the downloads.
    expect(marker(frame, VENTIMIGLIA)).to_have_count(1)
    expect(marker(frame, EUROPE)).to_have_count(0)
    expect(marker(frame, CALAIS_ME)).to_have_count(0)
    expect(marker(frame, CALAIS)).to_have_class(re.compile(r"\breview-(confirmed|added)\b"))
    choose.click()
    choose.press_sequentially("Police attack immigrant camp")
    choose.press("Enter")
    expect(reader_place(page, "jungle")).to_have_count(1)
    expect(reader_place(page, "EU", 1)).to_have_count(0)
    page.get_by_text(re.compile(r"^Corrections \(\d+\)$")).click()
    expect(page.locator("p.correction")).to_have_count(5)
    expect(page.locator("p.correction").filter(has_text="Ana")).to_have_count(5)

    rows = list(csv.DictReader(io.StringIO(download(page, "⬇ CSV"))))
    may = {(int(r["start"]), r["text"]): r for r in rows if r["article_id"] == MAY}
    calais = min((key for key in may if key[1] == "Calais"), key=lambda key: key[0])
    assert may[calais]["review"] == "confirmed" and may[calais]["country_code"] == "FR"
    jungle = [r for r in rows if r["text"] == "jungle"]
    assert len(jungle) == 1 and jungle[0]["review"] == "added" and jungle[0]["place_name"] == "Calais"
    assert not [r for r in rows if r["text"] == "Europe"]
    assert len([key for key in may if key[1] == "EU"]) == 1
    assert any(r["text"] == "Ventimiglia" for r in rows)

    features = json.loads(download(page, "⬇ GeoJSON"))["features"]
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    assert EUROPE not in by_id and CALAIS_ME not in by_id
    assert by_id[CALAIS]["review"] == "added"  # the strongest sign among its mentions: jungle was added there
    statuses = {m["review"] for p in by_id[CALAIS]["passages"] for m in p["mentions"]}
    assert {"added", "confirmed", "automatic"} <= statuses
    page.screenshot(path=SHOTS / "after-round.png", full_page=True)
    assert_worked_offline(tab)
