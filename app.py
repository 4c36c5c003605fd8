"""News Atlas: the Streamlit page. Widgets, caches and wiring only; the work is in geo/.

The articles live in the store (``NEWS_ATLAS_STORE_PATH``); the seed articles go in on first use.
The view lives in the URL (``?articles=...&place=...&article=...&passage=...``), so a view can be shared and
reloaded; a parameter that names nothing in the store is ignored.  Article content (text, titles, authors,
file names, URLs) reaches the page only as HTML escaped by ``geo.render`` and shown with ``st.html``, never as
Markdown.  A ``GeoError`` while drawing (a damaged store...) is a message at the top, not a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

import review_ui
from geo import export, render
from geo.assets import install_outlines, install_vendor_assets
from geo.atlas import CATEGORIES, GeoparsedArticle, place_id
from geo.config import Settings
from geo.corrections import Correction
from geo.exc import AssetError, GeoError
from geo.explain import Explanation
from geo.ingest import IngestReport, ingest_articles, ingest_seeds, reindex
from geo.pipeline import Geoparser
from geo.readers import fetch_url, read_bytes, read_pasted
from geo.review import span_param
from geo.store import ArticleInfo, Store
from geo.view import article_labels, query_offset, search_selection, selection_change, table_rows, view_href

STATIC = Path(__file__).with_name("static")
SETTINGS = Settings.load()
BASEMAPS = render.basemaps(SETTINGS.tile_url, SETTINGS.tile_attribution)
PANEL_PASSAGES = 60  # a place named in thousands of articles shows this many passages, then a count
FEW_ARTICLES = 30  # up to this many, the filter starts with every article chosen; beyond, choosing none means all
logger = logging.getLogger(__name__)


@st.cache_resource
def get_geoparser() -> Geoparser:
    install_vendor_assets(STATIC)
    return Geoparser.from_settings(SETTINGS)


@st.cache_resource
def get_outlines() -> dict[str, dict]:
    return get_geoparser().gazetteer.country_polygons()  # type: ignore[attr-defined]


@st.cache_resource
def get_map_outlines() -> dict[str, dict] | str:
    """The outlines' URL: the browser fetches them once, not with every rerun (embedded if unwritable)."""
    try:
        return install_outlines(STATIC, get_outlines())
    except AssetError as err:
        logger.warning("%s The map embeds the outlines instead.", err)
        return get_outlines()


@st.cache_resource(show_spinner="Opening the article store…")
def get_store(path: str) -> Store:
    store = Store(path)
    ingest_seeds(store, SETTINGS)
    return store


@st.cache_resource(max_entries=64)
def get_explanations(text: str) -> list[Explanation]:
    """Why the geoparser placed each name of a text as it did (the review panel's reasons and scores)."""
    return get_geoparser().explain(text)


def explain_article(item: GeoparsedArticle) -> list[Explanation]:
    return get_explanations(item.article.text)


@st.cache_data(max_entries=8)
def get_articles(store_path: str, revision: int) -> tuple[dict[str, ArticleInfo], dict[str, str], list[str]]:
    """The articles, their labels in the widgets, and those an older geoparser did; cached until the store changes."""
    store = get_store(store_path)
    infos = {info.id: info for info in store.article_infos()}
    labels = article_labels((info.id, info.title, info.date) for info in infos.values())
    return infos, labels, store.stale_article_ids(get_geoparser().version)


@st.cache_resource(max_entries=4)
def get_corrections(store_path: str, revision: int) -> list[Correction]:
    """Every correction, for the corrections list; cached until the store changes (read, never changed)."""
    return get_store(store_path).corrections()


@st.cache_data(max_entries=64)
def get_view(
    store_path: str, revision: int, article_ids: tuple[str, ...] | None, kinds: tuple[str, ...], search: str
) -> tuple:
    """Places of a view and their popups, counted in SQL; cached until the store changes."""
    store = get_store(store_path)
    summaries = store.summaries(article_ids=article_ids, categories=kinds, search=search)
    return summaries, store.excerpts(summaries)


def set_view(**changes: str | None) -> None:
    """Change the URL's view parameters; ``None`` removes one."""
    view = {**st.query_params.to_dict(), **changes}
    st.query_params.from_dict({k: v for k, v in view.items() if v is not None})


def add_articles(store: Store, sources: list) -> None:
    bar = st.sidebar.progress(0.0, text="Finding the places…")
    report = ingest_articles(sources, store, get_geoparser(), progress=lambda d, t: bar.progress(d / t))
    bar.empty()
    st.session_state["report"] = report
    st.session_state.pop("articles", None)  # the filter starts again with every article, the new ones too
    if report.ok:  # empty fields for the next ones; after a failure they keep what was given, to correct it
        st.session_state["add_round"] = st.session_state.get("add_round", 0) + 1
    st.rerun()


def choose_view(infos: dict[str, ArticleInfo], labels: dict[str, str]) -> tuple[list[str] | None, list[str], str, str]:
    """The sidebar's filters: the articles (``None`` for all), kinds of place, search text and basemap."""
    few = len(infos) <= FEW_ARTICLES
    if "articles" not in st.session_state:
        url_articles = st.query_params.get("articles")
        chosen_in_url = [a for a in url_articles.split(",") if a in infos] if url_articles else None
        first = chosen_in_url or (list(infos) if few else [])
        if first:  # else the widget's own empty default: its message stays the same every run, so it is sent once
            st.session_state["articles"] = first
    every_article = lambda chosen: len(chosen) == len(infos) or not (chosen or few)  # noqa: E731
    chosen = st.sidebar.multiselect(
        "Articles", list(infos), key="articles", format_func=labels.__getitem__,
        placeholder="Choose articles" if few else f"All {len(infos):,} articles",
        help=None if few else "Every article is shown while none is chosen; type a title to find and choose some.",
        on_change=lambda: set_view(articles=None if every_article(st.session_state["articles"])
                                   else ",".join(st.session_state["articles"])),
    )  # fmt: skip
    kinds = st.sidebar.multiselect("Kinds of place", list(CATEGORIES), default=list(CATEGORIES),
                                   format_func=CATEGORIES.get)  # fmt: skip
    search = st.sidebar.text_input("Find a place", placeholder="e.g. Calais")
    basemap = st.sidebar.selectbox(
        "Basemap", list(BASEMAPS), index=list(BASEMAPS).index(SETTINGS.basemap), format_func=lambda b: BASEMAPS[b].label
    )
    return None if every_article(chosen) else chosen, kinds, search, basemap


def add_form(store: Store) -> None:
    """The sidebar's "Add articles": files, a pasted text, a web page."""
    limit, round_ = SETTINGS.max_article_bytes, st.session_state.get("add_round", 0)
    files = st.file_uploader("Files (.txt, .md, .html)", accept_multiple_files=True,
                             type=["txt", "md", "html", "htm"], key=f"files-{round_}")  # fmt: skip
    if files and st.button("Add the files"):
        add_articles(store, [(f.name, lambda f=f: read_bytes(f.name, f.getvalue(), max_bytes=limit)) for f in files])
    title = st.text_input("Title", key=f"title-{round_}")
    author = st.text_input("Author", key=f"author-{round_}")
    date = st.date_input("Date", value=None, key=f"date-{round_}", min_value=dt.date(1800, 1, 1))
    url = st.text_input("Source URL", key=f"source-{round_}", placeholder="https://…")
    text = st.text_area("Text of the article", key=f"text-{round_}")
    if st.button("Add the text", disabled=not text.strip()):
        paste = lambda: read_pasted(title, text, author=author, date=date, url=url, max_bytes=limit)  # noqa: E731
        add_articles(store, [(title or "pasted text", paste)])
    url = st.text_input("Web page (URL)", key=f"url-{round_}")
    if st.button("Fetch and add", disabled=not url.strip()):
        fetch = lambda: fetch_url(url, timeout=SETTINGS.fetch_timeout, max_bytes=limit,  # noqa: E731
                                  user_agent=SETTINGS.user_agent, allow_private=SETTINGS.fetch_private)  # fmt: skip
        add_articles(store, [(url, fetch)])


def map_and_table(store: Store, view: tuple, summaries: list, excerpts: dict[str, str], selected: str | None) -> None:
    """The map, the caption, the places table and the export buttons of a view."""
    in_view, total, kinds, search, basemap, stem = view
    st.html(render.legend_html())
    layer = render.build_place_layer(summaries, lambda s: excerpts[s.id], selected_id=selected, outlines=get_outlines())
    base = render.build_base_map(BASEMAPS[basemap], get_map_outlines())  # identical every rerun: no remount
    st_folium(
        base, key="map", height=540, use_container_width=True, feature_group_to_add=layer,  # the layer frames itself
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
    )  # fmt: skip
    st.caption(f"{len(summaries):,} places in {len(in_view):,} of {total:,} articles. Select a row for its passages.")
    st.dataframe(table_rows(summaries), key="places", on_select="rerun", selection_mode="single-row", hide_index=True)
    chosen = None if len(in_view) == total else in_view
    read = lambda: export.read_view(store, article_ids=chosen, categories=kinds, search=search)  # noqa: E731
    for column, fmt in zip(st.columns(len(export.EXPORT_FORMATS)), export.EXPORT_FORMATS, strict=True):
        make = lambda fmt=fmt: export.export_view(fmt.name, read(), outlines=get_outlines())  # noqa: E731
        column.download_button(f"⬇ {fmt.label}", make, file_name=f"{stem}.{fmt.suffix}", mime=fmt.mime,
                               on_click="ignore")  # fmt: skip


def reader(store: Store, in_view: list[str], labels: dict[str, str], articles_view: list[str] | None) -> None:
    """An article with its places highlighted and linked, opened at the passage a link names."""
    url_article = st.query_params.get("article")
    opened = st.selectbox(
        "Read an article", in_view, index=in_view.index(url_article) if url_article in in_view else 0,
        format_func=labels.__getitem__, key="reader",
        on_change=lambda: set_view(article=st.session_state["reader"], passage=None, mention=None),
    )  # fmt: skip
    item = store.article(opened)
    if item is None:
        return
    text, panel = st.columns([3, 2], gap="medium")
    with panel:
        review_ui.review_column(store, item, get_geoparser(), explain_article,
                                reviewer=st.session_state.get("reviewer", ""), set_view=set_view)  # fmt: skip
    with text:
        read(store, item, opened, url_article, articles_view)


def read(store: Store, item: GeoparsedArticle, opened: str, url_article: str | None,
         articles_view: list[str] | None) -> None:  # fmt: skip
    """The article's text, its places highlighted (a click opens the review panel), and its delete button."""
    passage = query_offset(st.query_params.get("passage"), limit=len(item.article.text))
    body, scroll_to = render.reader_html(
        item, passage=passage if opened == url_article else None,
        href=lambda m: view_href(articles=articles_view, place=place_id(m.place), article=opened,  # type: ignore[arg-type]
                                 mention=span_param(m.mention)),
    )  # fmt: skip
    st.html(body)
    if scroll_to:  # bring the passage a link opened into view
        components.html(render.scroll_script(scroll_to), height=0)
    with st.popover("Delete this article", key=f"delete-{opened}"):  # closed again for the next article
        st.text(f"Delete “{item.article.title}” and its places from the store?")
        if st.button("Delete", type="primary"):
            store.delete(opened)
            st.session_state.pop("articles", None)
            set_view(article=None, passage=None, place=None, mention=None)
            st.rerun()


def page() -> None:
    store = get_store(str(SETTINGS.store_path))
    infos, labels, stale = get_articles(str(store.path), store.revision())
    st.sidebar.title("News Atlas")
    review_ui.take_reader_events(store, set_view)
    articles_view, kinds, search, basemap = choose_view(infos, labels)
    st.sidebar.text_input("Reviewer", key="reviewer", placeholder="your name, kept with each correction")
    with st.sidebar.expander("Add articles"):
        add_form(store)
    if report := render.report_html(st.session_state.pop("report", None) or IngestReport()):  # st.html refuses ""
        st.sidebar.html(report)
    if stale and st.sidebar.button(f"Geoparse {len(stale)} older articles again"):
        bar = st.sidebar.progress(0.0, text="Geoparsing again…")
        reindex(store, get_geoparser(), progress=lambda d, t: bar.progress(d / t))
        st.rerun()
    st.sidebar.caption("Places from GeoNames (CC-BY 4.0), countryinfo and zipcodes, found offline.")

    in_view = list(infos) if articles_view is None else articles_view
    view_ids = None if articles_view is None else tuple(articles_view)
    summaries, excerpts = get_view(str(store.path), store.revision(), view_ids, tuple(kinds), search)
    by_place = {s.id: s for s in summaries}
    selected = st.query_params.get("place") if st.query_params.get("place") in by_place else None
    if (found := search_selection(search, summaries)) and found != selected:  # a search that leaves one place
        selected = found
        set_view(place=selected)
    # A click on the map or a row of the table arrives in session state before this run draws anything:
    # take it now, so this one run draws the selection (no second rerun).
    clicked = selection_change(st.session_state.get("map"), st.session_state.get("places"), summaries, st.session_state)
    if clicked and clicked != selected:
        selected = clicked
        set_view(place=selected)

    # The page is laid out top to bottom but drawn cheapest first: the browser shows each element as it arrives,
    # so the passages and the review panel a click opens are not kept waiting by the map, the costliest part of
    # a run; and a decision below the map (review, undo, reindex) reruns the page before the map is built.
    left, right = st.columns([3, 2], gap="medium")
    st.divider()
    below = st.container()
    with right:
        if selected is None:
            st.info("Click a place on the map, in the table or in an article to read what the articles say there.")
        else:
            link = lambda p: view_href(articles=articles_view, place=selected, article=p.article_id, passage=p.start)  # noqa: E731
            passages = store.passages(selected, article_ids=articles_view, categories=kinds)
            st.html(render.passages_panel(by_place[selected], passages, store.article, link, limit=PANEL_PASSAGES))
    with below:
        if in_view:
            reader(store, in_view, labels, articles_view)
            review_ui.needs_review(store, in_view, labels, explain_article, set_view)
        else:
            st.info("No article is selected. Choose some in the sidebar, or add articles.")
        review_ui.corrections_list(store, get_corrections(str(store.path), store.revision()), labels)
        if st.button("Geoparse every article again", help="Reindex: corrections stay, applied on top of the new run."):
            with st.spinner("Geoparsing every article again…"):
                count = reindex(store, get_geoparser(), everything=True)
            st.session_state["reindexed"] = f"Geoparsed {count:,} articles again; the corrections apply on top."
            st.rerun()
        if done := st.session_state.pop("reindexed", None):
            st.html(render.message_html(done, kind="info"))
    with left:
        stem = export.export_stem([infos[a] for a in in_view], every_article=articles_view is None, kinds=kinds,
                                  search=search)  # fmt: skip
        map_and_table(store, (in_view, len(infos), kinds, search, basemap, stem), summaries, excerpts, selected)


st.set_page_config(page_title="News Atlas", page_icon="🗺️", layout="wide")
st.html((STATIC / "atlas.css").read_text(encoding="utf-8"))
problem = st.empty()  # a failure while drawing shows here, at the top of the page
try:
    page()
except GeoError as err:
    logger.error("The page stopped: %s", err)
    problem.html(render.message_html(str(err), kind="error"))
