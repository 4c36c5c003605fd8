"""News Atlas: the Streamlit page. Widgets, caches and wiring only; the work is in geo/.

The view lives in the URL (``?articles=...&place=...&article=...``), so a view can be shared and reloaded.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from geo import render
from geo.assets import install_vendor_assets
from geo.atlas import (
    CATEGORIES,
    excerpt,
    find_clicked,
    mention_category,
    place_id,
    summarise_places,
    table_rows,
    view_href,
)
from geo.config import Settings
from geo.corpus import Corpus, load_corpus
from geo.pipeline import Geoparser

STATIC = Path(__file__).with_name("static")
SETTINGS = Settings.load()
BASEMAPS = render.basemaps(SETTINGS.tile_url, SETTINGS.tile_attribution)


@st.cache_resource
def get_geoparser() -> Geoparser:
    install_vendor_assets(STATIC)
    return Geoparser.from_settings(SETTINGS)


@st.cache_resource
def get_outlines() -> dict[str, dict]:
    return get_geoparser().gazetteer.country_polygons()  # type: ignore[attr-defined]


@st.cache_data(show_spinner="Finding the places in the articles…")
def get_corpus(folder: str, signature: tuple) -> Corpus:
    return load_corpus(Path(folder), get_geoparser())


def signature(folder: Path) -> tuple:
    """Names, sizes and times of the article files: a new or edited file reloads the corpus."""
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*") if p.is_file()))


def set_view(**changes: str | None) -> None:
    """Change the URL's view parameters; ``None`` removes one."""
    view = {**st.query_params.to_dict(), **changes}
    st.query_params.from_dict({k: v for k, v in view.items() if v is not None})


st.set_page_config(page_title="News Atlas", page_icon="🗺️", layout="wide")
st.markdown((STATIC / "atlas.css").read_text(encoding="utf-8"), unsafe_allow_html=True)
corpus = get_corpus(
    str(SETTINGS.articles_dir), signature(SETTINGS.articles_dir) if SETTINGS.articles_dir.is_dir() else ()
)
by_id = corpus.by_id()
texts = {a: item.article.text for a, item in by_id.items()}

# -- sidebar: what to show --------------------------------------------------------------------
st.sidebar.title("News Atlas")
for error in corpus.errors:
    st.sidebar.warning(error)
if "articles" not in st.session_state:
    url_articles = st.query_params.get("articles")
    st.session_state["articles"] = [a for a in url_articles.split(",") if a in by_id] if url_articles else list(by_id)
chosen = st.sidebar.multiselect(
    "Articles", list(by_id), key="articles",
    format_func=lambda a: f"{by_id[a].article.title} ({by_id[a].article.date or 'no date'})",
    on_change=lambda: set_view(articles=None if len(st.session_state["articles"]) == len(by_id)
                               else ",".join(st.session_state["articles"])),
)  # fmt: skip
kinds = st.sidebar.multiselect("Kinds of place", list(CATEGORIES), default=list(CATEGORIES), format_func=CATEGORIES.get)
search = st.sidebar.text_input("Find a place", placeholder="e.g. Calais")
basemap = st.sidebar.selectbox(
    "Basemap", list(BASEMAPS), index=list(BASEMAPS).index(SETTINGS.basemap), format_func=lambda b: BASEMAPS[b].label
)
st.sidebar.caption("Places from GeoNames (CC-BY 4.0), countryinfo and zipcodes, found offline.")

all_articles = len(chosen) == len(by_id)
summaries = summarise_places(corpus.articles, article_ids=chosen, categories=kinds, search=search)
by_place = {s.id: s for s in summaries}
selected = st.query_params.get("place") if st.query_params.get("place") in by_place else None
articles_view = None if all_articles else chosen

# -- map, places table, passages ----------------------------------------------------------------
left, right = st.columns([3, 2], gap="medium")
with left:
    st.markdown(render.legend_html(), unsafe_allow_html=True)
    centre, zoom = render.fit_view(summaries)
    layer = render.build_place_layer(
        summaries, lambda s: excerpt(s, texts), selected_id=selected, outlines=get_outlines()
    )
    base = render.build_base_map(BASEMAPS[basemap], get_outlines())  # identical every rerun: no remount
    state = st_folium(
        base, key="map", height=540, use_container_width=True, center=centre, zoom=zoom, feature_group_to_add=layer,
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
    )  # fmt: skip
    click = ((state or {}).get("last_object_clicked_tooltip"), str((state or {}).get("last_object_clicked")))
    if click[0] and click != st.session_state.get("last_click"):
        st.session_state["last_click"] = click
        point = (state or {}).get("last_object_clicked") or {}
        hit = find_clicked(summaries, tooltip=click[0], lat=point.get("lat"), lon=point.get("lng"))
        if hit and hit.id != selected:
            set_view(place=hit.id)
            st.rerun()
    st.caption(f"{len(summaries)} places in {len(chosen)} of {len(by_id)} articles. Select a row to read about it.")
    table = st.dataframe(
        table_rows(summaries), key="places", on_select="rerun", selection_mode="single-row", hide_index=True
    )
    rows = list(table.selection.rows)
    if rows and rows != st.session_state.get("last_rows"):
        st.session_state["last_rows"] = rows
        if summaries[rows[0]].id != selected:
            set_view(place=summaries[rows[0]].id)
            st.rerun()

with right:
    if selected is None:
        st.info("Click a place on the map, in the table or in an article to read what the articles say there.")
    else:
        summary = by_place[selected]
        st.subheader(f"{summary.label} · {summary.mentions} mention{'s' * (summary.mentions != 1)}")
        link = lambda p: view_href(articles=articles_view, place=selected, article=p.article_id, passage=p.start)  # noqa: E731
        articles = {a: by_id[a].article for a in summary.article_ids}
        st.markdown(render.passages_html(summary, articles, link), unsafe_allow_html=True)

# -- the article reader ---------------------------------------------------------------------------
st.divider()
if chosen:
    url_article = st.query_params.get("article")
    opened = st.selectbox(
        "Read an article", chosen, index=chosen.index(url_article) if url_article in chosen else 0,
        format_func=lambda a: by_id[a].article.title, key="reader",
        on_change=lambda: set_view(article=st.session_state["reader"], passage=None),
    )  # fmt: skip
    item = by_id[opened]
    passage = st.query_params.get("passage", "")
    starts = {m.mention.sentence[0]: m.mention.sentence for m in item.mentions}
    current = starts.get(int(passage)) if passage.isdigit() and opened == url_article else None
    body = render.article_html(
        item.article.text, [m for m in item.mentions if m.place], category=mention_category, current=current,
        href=lambda m: view_href(articles=articles_view, place=place_id(m.place), article=opened),  # type: ignore[arg-type]
    )  # fmt: skip
    st.markdown(f'<div class="article">{body}</div>', unsafe_allow_html=True)
    if current:  # bring the passage a link opened into view
        components.html(render.scroll_script(f"passage-{current[0]}"), height=0)
