"""Tests for app.py without a browser (streamlit.testing AppTest): widgets, state, passages, escaping."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from geo.config import PROJECT_DIR
from geo.readers import read_pasted

APP = str(PROJECT_DIR / "app.py")
MAY = "calais-police-attack-camp-2014-05-29"
SEPTEMBER = "calais-mayor-threatens-port-2014-09-06"
SANGATTE = "geonames:2976217"


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest leaves app.py as ``sys.modules["__main__"]``; processes that later tests spawn
    (multiprocessing "spawn", Dask workers) would run the whole app again on start. Put it back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def run(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def page_html(at: AppTest) -> str:
    """Every HTML body the page shows (``st.html``: the reader, passages, messages), none through Markdown."""
    return "\n".join(h.proto.body for h in at.html)


def messages(at: AppTest, kind: str) -> list[str]:
    """The text of the page's message boxes of a kind ("error", "info"), as the reader sees it."""
    pattern = rf'<div class="atlas-message atlas-{kind}" role="\w+">(.*?)</div>'
    return [html.unescape(m.replace("<br>", "\n")) for h in at.html for m in re.findall(pattern, h.proto.body)]


def table_places(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Place"])


def test_page_loads_with_every_article_selected() -> None:
    at = run()
    articles = at.multiselect(key="articles")
    assert sorted(articles.value) == sorted([MAY, SEPTEMBER])
    assert [o for o in articles.options if "Police attack immigrant camp" in o]
    assert {"Calais", "Sangatte", "Hénin-Beaumont", "English Channel"} <= set(table_places(at))
    assert at.info[0].value.startswith("Click a place")


def test_selected_place_shows_its_passages() -> None:
    at = run({"place": SANGATTE})
    html = page_html(at)
    assert 'refugee centre in <mark class="place story">Sangatte</mark>, near Calais.' in html
    assert "France: Calais mayor demands crackdown" in html and "Stéphane Hugues" in html
    assert f"article={SEPTEMBER}" in html and "passage=" in html


def test_article_filter_from_the_widget() -> None:
    at = run()
    at.multiselect(key="articles").set_value([MAY]).run()
    places = table_places(at)
    assert "Sangatte" not in places and "Hénin-Beaumont" in places
    assert at.query_params["articles"] == MAY


def test_article_filter_from_the_url() -> None:
    at = run({"articles": MAY})
    assert at.multiselect(key="articles").value == [MAY]
    assert "Sangatte" not in table_places(at)


def test_articles_with_the_same_title_stay_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit tells options apart by their label: two undated "Briefs" must not become one."""
    for name, place in [("briefs-a", "Lampedusa, Italy"), ("briefs-b", "Sangatte, near Calais")]:
        (tmp_path / f"{name}.md").write_text(f"---\nid: {name}\ntitle: Briefs\n---\n\nRefugees in {place}.\n")
    monkeypatch.setenv("NEWS_ATLAS_ARTICLES_DIR", str(tmp_path))
    at = run()
    labels = at.multiselect(key="articles").options
    assert len(set(labels)) == 2, labels
    at.multiselect(key="articles").set_value(["briefs-b"]).run()
    assert "Sangatte" in table_places(at) and "Lampedusa" not in table_places(at)
    reader = at.selectbox(key="reader")
    assert reader.value == "briefs-b" and len(set(reader.options)) == len(reader.options)


def test_many_articles_start_unchosen_meaning_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of chips would bury the page: beyond a few articles, choosing none shows them all."""
    towns = ["Calais", "Lampedusa"] + ["Sangatte"] * 30
    for number, town in enumerate(towns):
        (tmp_path / f"n{number:02}.md").write_text(
            f"---\nid: n{number:02}\ntitle: News {number}\n---\n\nDispatch {number} from {town}.\n"
        )
    monkeypatch.setenv("NEWS_ATLAS_ARTICLES_DIR", str(tmp_path))
    at = run()
    articles = at.multiselect(key="articles")
    assert articles.value == [] and articles.placeholder == "All 32 articles" and "none is chosen" in articles.help
    assert {"Calais", "Lampedusa", "Sangatte"} <= set(table_places(at))
    assert "in 32 of 32 articles" in at.caption[0].value
    articles.set_value(["n01"]).run()
    assert table_places(at) == ["Lampedusa"] and at.query_params["articles"] == "n01"
    assert at.selectbox(key="reader").options == ["News 1 (no date)"]
    at.multiselect(key="articles").set_value([]).run()
    assert "articles" not in at.query_params and "Calais" in table_places(at)


def test_kind_and_search_filters() -> None:
    at = run()
    at.multiselect[1].set_value(["origin"]).run()
    assert set(table_places(at)) == {"Syria", "Afghanistan", "Africa", "United Kingdom"}
    at.multiselect[1].set_value(["story", "origin", "country", "water"]).run()
    next(t for t in at.text_input if t.label == "Find a place").input("sangatte").run()
    assert table_places(at) == ["Sangatte"]


def test_a_search_that_leaves_one_place_selects_it() -> None:
    at = run()
    next(t for t in at.text_input if t.label == "Find a place").input("sangatte").run()
    assert table_places(at) == ["Sangatte"] and at.query_params["place"] == SANGATTE
    assert '<h3 class="passage-place">Sangatte, FR · 1 mention</h3>' in page_html(at)


def test_reader_shows_the_title_and_no_markdown_marks() -> None:
    at = run({"article": SEPTEMBER})
    page = page_html(at)
    assert '<h3 class="reader-title">France: Calais mayor demands crackdown on migrants' in page
    assert 'The <span class="md-em">Daily Star</span> said' in page and "*Daily Star*" not in page


def test_reader_highlights_and_links_the_places() -> None:
    at = run({"article": MAY})
    html = page_html(at)
    assert '<mark class="place story">Hénin-Beaumont</mark>' in html
    assert "place=geonames%3A3013525" in html
    assert '<mark class="place origin">Syrians</mark>' in html


def map_arguments(at: AppTest) -> dict:
    """What the page sends the map component (st_folium's script, links, features)."""
    return json.loads(at.get("component_instance")[0].proto.json_args)


def test_offline_assets_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline basemap: the map's scripts, styles and outlines come from the app's static folder, never a CDN."""
    from geo.assets import VENDOR_CSS, VENDOR_JS

    monkeypatch.setenv("NEWS_ATLAS_BASEMAP", "none")
    arguments = map_arguments(run())
    assert arguments["js_links"] == [url for _, url in VENDOR_JS]
    assert arguments["css_links"] == [url for _, url in VENDOR_CSS]
    page = arguments["script"] + arguments["header"] + arguments["html"]
    assert set(re.findall(r"https?://[^\s\"\\]+", page)) == {"https://www.geonames.org/"}  # the credit's link
    assert (PROJECT_DIR / "static" / "vendor" / "leaflet" / "leaflet.js").is_file()


def test_outlines_are_a_cached_file_not_sent_with_each_run() -> None:
    script = map_arguments(run())["script"]
    url = re.search(r'fetch\("(/app/static/generated/outlines-\w+\.json)"\)', script)
    assert url, script
    assert (PROJECT_DIR / "static" / url.group(1).removeprefix("/app/static/")).is_file()
    assert len(script) < 10_000  # the outlines themselves are about 176 KB


def test_article_text_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeded from a folder with one hostile article."""
    (tmp_path / "evil.md").write_text(
        "---\nid: evil\ntitle: \"<script>alert('t')</script>\"\n---\n\n"
        'Refugees in Calais, France. <img src=x onerror="alert(1)"> <script>alert(2)</script>\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NEWS_ATLAS_ARTICLES_DIR", str(tmp_path))
    at = run({"article": "evil", "place": "geonames:3029162"})
    html = page_html(at)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_pasted_article_appears_at_once() -> None:
    at = run()
    title = next(t for t in at.text_input if t.label == "Title")
    title.input("Boats at Lampedusa")
    next(t for t in at.text_area if t.label == "Text of the article").input(
        "Boats reached Lampedusa, near Libya, on Monday."
    )
    at.run()
    next(b for b in at.button if b.label == "Add the text").click().run()
    assert not at.exception
    assert "Lampedusa" in table_places(at) and "Libya" in table_places(at)
    assert any("Boats at Lampedusa" in o for o in at.multiselect(key="articles").options)
    assert messages(at, "info") == ["Added: Boats at Lampedusa"]
    assert next(t for t in at.text_input if t.label == "Title").value == ""  # empty for the next one


def test_pasted_article_keeps_its_title_date_author_and_source() -> None:
    at = run()
    fields = {"Title": "Boats at Lampedusa", "Author": "A. Reporter", "Source URL": "https://example.org/boats"}
    for label, value in fields.items():
        next(t for t in at.text_input if t.label == label).input(value)
    next(d for d in at.date_input if d.label == "Date").set_value(dt.date(2015, 4, 20))
    next(t for t in at.text_area if t.label == "Text of the article").input("Boats reached Lampedusa on Monday.")
    at.run()
    next(b for b in at.button if b.label == "Add the text").click().run()
    assert messages(at, "info") == ["Added: Boats at Lampedusa"]
    assert "Boats at Lampedusa (2015-04-20)" in at.multiselect(key="articles").options
    article = read_pasted("Boats at Lampedusa", "Boats reached Lampedusa on Monday.").id  # the same text, the same id
    page = page_html(run({"article": article}))
    assert '<h3 class="reader-title">Boats at Lampedusa</h3>' in page
    assert "2015-04-20 · A. Reporter · " in page and 'href="https://example.org/boats"' in page


def test_pasted_article_with_a_source_that_is_no_web_address_is_refused() -> None:
    at = run()
    next(t for t in at.text_input if t.label == "Title").input("Boats")
    next(t for t in at.text_input if t.label == "Source URL").input("javascript:alert(1)")
    next(t for t in at.text_area if t.label == "Text of the article").input("Boats reached Lampedusa on Monday.")
    at.run()
    next(b for b in at.button if b.label == "Add the text").click().run()
    (message,) = messages(at, "error")
    assert message.startswith("Not added: Boats (Pasted article 'Boats': its source URL 'javascript:alert(1)' is not")
    assert "http:// or https://" in message


def test_bad_pasted_text_is_a_message_not_a_crash() -> None:
    at = run()
    next(t for t in at.text_area if t.label == "Text of the article").input("   \n ")
    at.run()
    assert next(b for b in at.button if b.label == "Add the text").disabled


def test_store_that_is_not_a_database_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "atlas.sqlite3"
    path.write_text("not a database " * 300)
    monkeypatch.setenv("NEWS_ATLAS_STORE_PATH", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "is not a News Atlas store" in messages(at, "error")[0]
    assert path.read_text() == "not a database " * 300


# -- hostile URLs and a damaged store (issue 8) ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"article": MAY, "passage": "\u00b2"},
        {"article": MAY, "passage": "9" * 5000},
        {"article": MAY, "passage": "\u0663\u0663"},
        {"article": MAY, "passage": "-1"},
        {"article": MAY, "passage": "10000000000000000000000"},
        {"article": MAY, "passage": ""},
        {"article": "no-such-article", "passage": "12"},
        {"article": "x" * 100_000},
        {"place": "geonames:\u00b2", "articles": ",,,"},
        {"place": "<script>alert(1)</script>", "articles": "x" * 100_000},
        {"articles": f"{MAY},{MAY},nothing"},
    ],
    ids=["superscript-two", "5000-digits", "arabic-indic-digits", "negative", "past-the-text", "empty",
         "unknown-article", "huge-article", "bad-place-empty-articles", "script-place-huge-articles",
         "repeated-and-unknown-articles"],
)  # fmt: skip
def test_crafted_url_parameters_are_ignored(query: dict[str, str]) -> None:
    """Bug (issue 8): ?article=x&passage=%C2%B2 raised ValueError ("²".isdigit()), and so did 5,000 digits."""
    at = run(query)
    assert not at.error
    reader = at.selectbox(key="reader")
    assert reader.value in {MAY, SEPTEMBER}
    html = page_html(at)
    assert 'class="article"' in html and 'class="current-passage"' not in html and "<script>" not in html


def test_a_passage_link_still_opens_the_article_there() -> None:
    at = run({"place": SANGATTE})
    link = re.search(r'href="\?([^"#]*passage=\d+[^"#]*)', page_html(at))
    assert link, page_html(at)
    query = dict(parse_qsl(html.unescape(link.group(1))))
    at = run(query)
    assert f'<span id="passage-{query["passage"]}" class="current-passage">' in page_html(at)


def _seeded_store(path: Path) -> None:
    from geo.config import Settings
    from geo.ingest import ingest_seeds
    from geo.store import Store

    store = Store(path)
    ingest_seeds(store, Settings.load(environ={}))
    store.close()


def _damage(path: Path) -> bytes:
    """Overwrite every page of the articles, places and mentions (the schema and meta stay); return the bytes."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [n for (n,) in conn.execute("SELECT pageno FROM dbstat WHERE name NOT LIKE '%meta%' AND pageno > 1")]
    data = bytearray(path.read_bytes())
    for number in pages:
        data[(number - 1) * size : number * size] = b"\xa5" * size
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_damaged_store_is_a_message_and_stays_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug (issue 8): a store with damaged pages gave a raw traceback ("database disk image is malformed")."""
    path = tmp_path / "atlas.sqlite3"
    _seeded_store(path)
    damaged = _damage(path)
    monkeypatch.setenv("NEWS_ATLAS_STORE_PATH", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (message,) = messages(at, "error")
    assert str(path) in message and "damaged" in message
    assert path.read_bytes() == damaged


def test_a_store_damaged_while_the_app_runs_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage found after the app opened the store, when another process's write makes it read the file again."""
    path = tmp_path / "atlas.sqlite3"
    _seeded_store(path)
    monkeypatch.setenv("NEWS_ATLAS_STORE_PATH", str(path))
    at = run({"place": SANGATTE})
    assert "Sangatte" in table_places(at)
    _damage(path)
    with contextlib.closing(sqlite3.connect(path)) as other:  # another process's write, into the -wal file
        other.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
        other.commit()
    damaged = path.read_bytes()
    at.run()
    assert not at.exception
    (message,) = messages(at, "error")
    assert str(path) in message and "damaged" in message
    assert path.read_bytes() == damaged


# -- the review panel (issue 10) ------------------------------------------------------------------

CALAIS_SPAN = "270-276"  # the May article's first "Calais"
CALAIS_FR, CALAIS_ME = "geonames:3029162", "geonames:4959834"


def stored_corrections() -> list:
    from geo.store import Store

    with Store(os.environ["NEWS_ATLAS_STORE_PATH"]) as store:
        return store.corrections()


def review(reviewer: str = "") -> AppTest:
    """The May article open at its first "Calais", with its review panel."""
    at = run({"article": MAY, "mention": CALAIS_SPAN})
    if reviewer:
        at.text_input(key="reviewer").input(reviewer).run()
    return at


def test_review_panel_shows_the_place_why_and_the_candidates() -> None:
    at = review()
    page = page_html(at)
    assert "Review “Calais”" in page and "chosen by the geoparser" in page
    assert re.search(r"Why: recognised by the rule \w+.*resolver score \d+\.\d\d", page)
    assert re.search(r"Calais, Maine, United States · town or city · 2,980 people · [\d,]+ km away · score", page)
    assert at.button(key=f"choose-{CALAIS_FR}").disabled and not at.button(key=f"choose-{CALAIS_ME}").disabled
    assert at.radio(key="review-scope").value == "mention"


def test_choosing_a_candidate_moves_the_mention_and_marks_the_place() -> None:
    at = review("Ana")
    at.button(key=f"choose-{CALAIS_ME}").click().run()
    assert not at.exception
    assert messages(at, "info")[0].startswith("Saved: “Calais” moved to Calais, US (this mention).")
    assert at.query_params["place"] == CALAIS_ME
    (correction,) = stored_corrections()
    assert (correction.action.value, correction.scope.value, correction.reviewer) == ("place", "mention", "Ana")
    assert correction.span == (270, 276) and correction.after.geonameid == 4959834
    assert "Calais, US-ME · 1 mention · corrected by a reviewer" in page_html(at)  # the passages panel's heading
    layer = map_arguments(at)["feature_group"]
    assert "review-corrected" in layer


def test_not_a_place_for_the_whole_article_and_undo() -> None:
    at = review()
    at.radio(key="review-scope").set_value("article").run()
    at.button(key="review-reject").click().run()
    assert messages(at, "info")[0].startswith("Saved: “Calais” not a place (every mention of this name in this article")
    assert "mention" not in at.query_params
    assert "Calais" not in [m for m in re.findall(r'<mark class="place \w+">(\w+)</mark>', page_html(at))]
    (correction,) = stored_corrections()
    assert f"undo-{correction.id}" not in [b.key for b in at.button]  # the list is drawn only when opened
    at.session_state["corrections"] = True  # opened
    at.run()
    at.button(key=f"undo-{correction.id}").click().run()
    assert messages(at, "info") == ["Undone: “Calais” (reject)."]
    assert not stored_corrections()[0].active


def test_confirm_for_the_collection() -> None:
    at = review()
    at.radio(key="review-scope").set_value("collection").run()
    at.button(key="review-confirm").click().run()
    (correction,) = stored_corrections()
    assert correction.scope.value == "collection" and correction.article_id is None
    assert "confirmed by a reviewer" in page_html(at)


def test_a_place_id_that_does_not_exist_changes_nothing() -> None:
    """A stale page or a crafted request asks for a place the panel never offered."""
    at = review()
    at.session_state["review-choose"] = "geonames:999999999"
    at.run()
    assert not at.exception
    (message,) = messages(at, "error")
    assert "no place with the id 'geonames:999999999'" in message and "choose one of them" in message
    assert stored_corrections() == []


def test_a_reviewer_name_too_long_changes_nothing() -> None:
    at = review("x" * 500)
    at.button(key="review-confirm").click().run()
    (message,) = messages(at, "error")
    assert "reviewer name of 500 characters" in message
    assert stored_corrections() == []


@pytest.mark.parametrize("span", ["99999-100005", "276-270", "5-5"], ids=["outside-the-text", "reversed", "empty"])
def test_a_span_outside_the_text_is_a_message(span: str) -> None:
    at = run({"article": MAY, "mention": span})
    assert not at.exception
    (message,) = messages(at, "error")
    assert "outside the article's text" in message and "click a highlighted place" in message
    assert stored_corrections() == []


def test_a_span_on_no_place_is_a_message() -> None:
    at = run({"article": MAY, "mention": "0-8"})  # "Stepped-"
    (message,) = messages(at, "error")
    assert "'Stepped-' at 0-8 is not a place the article shows" in message


def test_an_empty_name_to_add_is_a_message() -> None:
    at = run({"article": MAY})
    at.text_input(key="missed-name-0").input("   ").run()
    (message,) = messages(at, "error")
    assert message == "The name is empty: type the place name as it is written in the article."
    at.text_input(key="missed-name-0").input("Atlantis").run()
    assert "'Atlantis' is not written in this article" in messages(at, "error")[0]
    assert stored_corrections() == []


def test_adding_a_missed_place_by_typing_it() -> None:
    at = run({"article": MAY})
    at.text_input(key="missed-name-0").input("jungle").run()
    assert len(at.selectbox(key="missed-span-0").options) == 1  # one "jungle" in the article
    at.text_input(key="missed-query-0").input("Calais").run()
    at.button(key=f"add-{CALAIS_FR}").click().run()
    assert not at.exception
    assert messages(at, "info")[0].startswith("Saved: “jungle” added to Calais, FR")
    (correction,) = stored_corrections()
    assert correction.action.value == "add"
    start, end = correction.span
    assert at.query_params["mention"] == f"{start}-{end}"
    assert '<mark class="place story reviewed added">jungle</mark>' in page_html(at)  # outlined in the reader
    assert at.text_input(key="missed-name-1").value == ""  # empty for the next one


def test_adding_a_place_where_one_is_already_is_a_message() -> None:
    at = run({"article": MAY})
    at.text_input(key="missed-name-0").input("Calais").run()
    at.button(key=f"add-{CALAIS_FR}").click().run()
    (message,) = messages(at, "error")
    assert "is a place already: click it in the article to review it" in message
    assert stored_corrections() == []


def test_needs_review_lists_the_unsure_places_and_opens_their_panel() -> None:
    at = run()
    assert not [h for h in at.html if 'class="unsure"' in h.proto.body]  # closed: nothing worked out
    at.session_state["needs-review"] = True  # opened
    at.run()
    unsure = [h.proto.body for h in at.html if 'class="unsure"' in h.proto.body]
    assert unsure and "“Lampedusa” → Lampedusa, IT · score " in unsure[0]  # 1.81, under LOW_SCORE
    next(b for b in at.button if b.key and b.key.startswith("needs-") and "calais-mayor" in b.key).click().run()
    assert at.query_params["article"] == SEPTEMBER and at.query_params["mention"]
    assert "Review “Lampedusa”" in page_html(at)
