"""The app's view helpers: what a click or a search selects, the places table, article labels, links, URL offsets.

Input: ``PlaceSummary`` records (from ``Store.summaries``), the map's and the
table's state, article ids and titles, URL parameters.  Output: the place a
click selects, table rows, widget labels, query strings.  Used by ``app.py``
and ``review_ui.py`` only; no Streamlit here (``geo`` stays importable without it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlencode

from geo.atlas import CATEGORIES, PlaceSummary
from geo.models import Place


def find_clicked(
    summaries: Sequence[PlaceSummary], *, tooltip: str | None, lat: float | None, lon: float | None
) -> PlaceSummary | None:
    """The place a map click meant: the one whose label starts the tooltip, nearest the click.

    The map sends back the clicked object's tooltip text and the click's
    coordinates; the label tells homonyms apart, the coordinates what is left.
    """
    candidates = list(summaries)
    if tooltip:
        text = tooltip.strip()
        named = [s for s in candidates if text.startswith(s.label)]
        if named:
            candidates = named
    if lat is None or lon is None:
        return candidates[0] if tooltip and len(candidates) == 1 else None
    return min(candidates, key=lambda s: _squared_degrees(s.place, lat, lon), default=None)


def _squared_degrees(place: Place, lat: float, lon: float) -> float:
    return (place.lat - lat) ** 2 + ((place.lon - lon) * math.cos(math.radians(lat))) ** 2


def selection_change(
    map_state: Mapping[str, Any] | None, table_state: object, summaries: Sequence[PlaceSummary], seen: MutableMapping
) -> str | None:
    """The place a new map click or table row selects; None when neither changed since the last look.

    ``map_state`` is what ``st_folium`` returns (the last object clicked and
    its tooltip), ``table_state`` the places table's selection; ``seen`` keeps
    the last click and row between runs (the app's session state).
    """
    map_state = map_state or {}
    click = (map_state.get("last_object_clicked_tooltip"), str(map_state.get("last_object_clicked")))
    if click[0] and click != seen.get("last_click"):
        seen["last_click"] = click
        point = map_state.get("last_object_clicked") or {}
        hit = find_clicked(summaries, tooltip=click[0], lat=point.get("lat"), lon=point.get("lng"))
        return hit.id if hit else None
    rows = list(getattr(getattr(table_state, "selection", None), "rows", []) or [])
    if rows and rows != seen.get("last_rows"):
        seen["last_rows"] = rows
        return summaries[rows[0]].id if rows[0] < len(summaries) else None
    return None


def search_selection(search: str, summaries: Sequence[PlaceSummary]) -> str | None:
    """The place a search selects: the one place it leaves, if it leaves exactly one."""
    return summaries[0].id if search.strip() and len(summaries) == 1 else None


def table_rows(summaries: Sequence[PlaceSummary]) -> list[dict[str, object]]:
    """The places table: name, kind, country, mentions, articles."""
    return [
        {
            "Place": s.place.name,
            "Kind": CATEGORIES[s.category],
            "Country": s.place.country_code,
            "Mentions": s.mentions,
            "Articles": len(s.article_ids),
        }
        for s in summaries
    ]


def article_labels(articles: Iterable[tuple[str, str, dt.date | None]]) -> dict[str, str]:
    """Labels of (id, title, date) articles for the filter and reader: "Title (2014-05-29)", each distinct.

    Streamlit tells a widget's options apart by their labels; two undated
    "Briefs" would become one, so a repeated label ends with the article's id.
    """
    articles = list(articles)
    labels = {a: f"{title} ({date or 'no date'})" for a, title, date in articles}
    repeated = {label for label, count in Counter(labels.values()).items() if count > 1}
    return {a: f"{label} · {a}" if label in repeated else label for a, label in labels.items()}


def view_href(
    *,
    articles: Sequence[str] | None,
    place: str | None = None,
    article: str | None = None,
    passage: int | None = None,
    mention: str | None = None,
) -> str:
    """A link to a view of the atlas: the query string the app reads its state from.

    ``articles`` is ``None`` for "all articles"; ``passage`` opens the reader
    at the sentence starting at that offset; ``mention`` ("270-276") opens the
    review panel of the article's mention at that span.
    """
    params: dict[str, str] = {}
    if articles is not None:
        params["articles"] = ",".join(articles)
    if place:
        params["place"] = place
    if article:
        params["article"] = article
    if passage is not None:
        params["passage"] = str(passage)
    if mention:
        params["mention"] = mention
    anchor = f"#passage-{passage}" if passage is not None else ""
    return f"?{urlencode(params)}{anchor}"


def query_offset(value: str | None, *, limit: int) -> int | None:
    """A text offset read from the URL (``?passage=120``), or ``None`` when it is not one.

    Only ASCII digits count, up to ``limit``: ``str.isdigit`` also accepts "²",
    which ``int`` refuses, and 5,000 digits are past ``int``'s conversion
    limit.  Anything else is ignored, as a link to a passage that no longer
    exists is: the article still opens.

    Examples
    --------
    >>> query_offset("120", limit=500), query_offset("²", limit=500), query_offset("9" * 5000, limit=500)
    (120, None, None)
    """
    if not value or not (value.isascii() and value.isdecimal()) or len(value) > len(str(limit)):
        return None
    offset = int(value)
    return offset if offset <= limit else None
