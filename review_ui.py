"""News Atlas's review widgets: the reader's click component, the review panel, "Add a missed place",
the corrections list and "Needs review".  Streamlit only; the work is in ``geo.review`` and the store.

A click on a highlighted place in the reader reaches Python through a small component of Streamlit's own
(``st.components.v2``, plain JavaScript in ``static/reader_events.js``, no build, nothing from the network):
it sends the mention's span, and the page reruns with ``?mention=start-end`` in the URL, no page reload.
Every decision goes through ``geo.review``, whose ``CorrectionError`` is shown as a message: nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import streamlit as st

from geo import render
from geo.atlas import GeoparsedArticle, place_id
from geo.corrections import Action, Correction, Scope
from geo.exc import CorrectionError
from geo.explain import Explanation
from geo.gazetteer.base import Gazetteer, normalise_name
from geo.models import Place
from geo.pipeline import Geoparser
from geo.review import (
    SCOPES,
    MentionReview,
    add_missed,
    correction_line,
    decide,
    describe_candidate,
    feature_kind,
    find_mention,
    mention_review,
    missing_mention_message,
    occurrences,
    offered_place,
    parse_span,
    place_where,
    search_places,
    selected_span,
    span_param,
    unsure_mentions,
    unsureness,
)
from geo.store import Store

NEEDS_REVIEW_ARTICLES = 25  # "Needs review" explains this many articles of the view (each costs a geoparse)
NEEDS_REVIEW_ROWS = 40
CORRECTIONS_SHOWN = 100
_EVENTS = st.components.v2.component(
    "news_atlas_reader_events",
    js=(Path(__file__).with_name("static") / "reader_events.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)
SetView = Callable[..., None]
Explain = Callable[[GeoparsedArticle], list[Explanation]]


def note(kind: str, text: str) -> None:
    """A message for the next run of the review panel (it survives the rerun that shows a decision)."""
    st.session_state.setdefault("review-notes", []).append((kind, text))


def _show_notes() -> None:
    for kind, text in st.session_state.pop("review-notes", []):
        st.html(render.message_html(text, kind=kind))


def take_reader_events(store: Store, set_view: SetView) -> None:
    """Mount the reader's event component; a click on a place opens its review, a selection fills "Add"."""
    result = _EVENTS(key="reader-events", on_click_change=lambda: None, on_select_change=lambda: None)
    click, selection = getattr(result, "click", None), getattr(result, "select", None)
    opened = st.session_state.get("reader") or st.query_params.get("article")
    if isinstance(selection, Mapping) and selection:
        st.session_state["missed-selection"] = dict(selection)
    span = parse_span(click if isinstance(click, str) else None)
    if span is None or not opened:
        return
    item = store.article(opened)
    mention = find_mention(item, span) if item else None
    if mention is not None and mention.place is not None:
        set_view(article=opened, place=place_id(mention.place), mention=click, passage=None)


def review_column(
    store: Store, item: GeoparsedArticle, geoparser: Geoparser, explain: Explain, *, reviewer: str, set_view: SetView
) -> None:
    """Beside the reader: the review panel of the mention in the URL, then "Add a missed place"."""
    _show_notes()
    span = parse_span(st.query_params.get("mention")) if st.query_params.get("article") == item.article.id else None
    if span is None:
        st.info("Click a highlighted place in the article to review it: confirm it, move it, or reject it.")
    elif (mention := find_mention(item, span)) is None:
        st.html(render.message_html(missing_mention_message(item, span), kind="error"))
    else:
        _panel(store, mention_review(item, mention, explain(item), geoparser.gazetteer), geoparser, reviewer,
               set_view)  # fmt: skip
    _add_missed(store, item, geoparser, reviewer, set_view)


def _request(key: str, value: str) -> None:
    st.session_state[key] = value


def _place_rows(candidates: Sequence[tuple[str, str, bool]], prefix: str, label: str, request: str) -> None:
    """One row per place: its description (escaped) and a button that asks for it (one click)."""
    for key, description, current in candidates:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.html(f'<p class="candidate">{render.text_html(description)}</p>')
        right.button(label, key=f"{prefix}-{key}", disabled=current, on_click=_request, args=(request, key))


def _panel(store: Store, review: MentionReview, geoparser: Geoparser, reviewer: str, set_view: SetView) -> None:
    mention = review.mention
    st.html(render.review_html(review))
    scope = Scope(st.radio("Applies to", list(SCOPES), format_func=SCOPES.__getitem__, key="review-scope"))
    confirm, reject = st.columns(2)
    confirm.button("Confirm", key="review-confirm", on_click=_request, args=("review-action", "confirm"),
                   help="The place is right: mark it confirmed.")  # fmt: skip
    reject.button("Not a place", key="review-reject", on_click=_request, args=("review-action", "reject"),
                  help="It names no place (a person, an organisation...): take it off the map.")  # fmt: skip
    st.caption("Places of this name (choose one to move the mention there)")
    _place_rows([(c.id, describe_candidate(c), c.current) for c in review.candidates], "choose", "Choose",
                "review-choose")  # fmt: skip
    offered: list[Place] = [c.place for c in review.candidates]
    query = st.text_input("Search the gazetteer", key="review-search", placeholder="another place name",
                          help="Offline" + (", and the online geocoder" if geoparser.online else ""))  # fmt: skip
    if query:
        try:
            found = search_places(geoparser.gazetteer, query, online=geoparser.online)
        except CorrectionError as err:
            st.html(render.message_html(str(err), kind="error"))
            found = []
        if query.strip() and not found:
            st.html(render.message_html(f"No place called {query.strip()!r} in the gazetteer: try another "
                                        "spelling, or the name of a larger place.", kind="info"))  # fmt: skip
        current = mention.place and place_id(mention.place)
        rows = [(place_id(p), _describe(p, geoparser.gazetteer), place_id(p) == current) for p in found]
        _place_rows(rows, "found", "Choose", "review-choose")
        offered += found
    action, chosen = st.session_state.pop("review-action", None), st.session_state.pop("review-choose", None)
    if not (action or chosen):
        return
    try:
        place = offered_place(offered, chosen) if chosen else None
        made = decide(store, review, Action.PLACE if chosen else Action(action), scope, place=place, reviewer=reviewer)
    except CorrectionError as err:
        st.html(render.message_html(str(err), kind="error"))
        return
    note("info", f"Saved: {_saved(made)} Undo it in the corrections list below.")
    if made.action is Action.REJECT:
        set_view(mention=None, place=None)
    elif made.after is not None:
        set_view(place=place_id(made.after))
    st.rerun()


def _describe(place: Place, gazetteer: Gazetteer) -> str:
    people = f" · {place.population:,} people" if place.population else ""
    return f"{place_where(place, gazetteer)} · {feature_kind(place.feature)}{people} · {place.source}"


def _saved(correction: Correction) -> str:
    what = {Action.REJECT: "not a place", Action.CONFIRM: "confirmed", Action.ADD: "added",
            Action.PLACE: "moved"}[correction.action]  # fmt: skip
    to = f" to {correction.after.name}, {correction.after.country_code}" if correction.after else ""
    return f"“{correction.name}” {what}{to} ({SCOPES[correction.scope.value].lower()})."


def _add_missed(store: Store, item: GeoparsedArticle, geoparser: Geoparser, reviewer: str, set_view: SetView) -> None:
    """Add a place the geoparser missed: select it in the article (or type it), choose the occurrence and place."""
    text = item.article.text
    round_ = st.session_state.get("missed-round", 0)  # a new round after each addition: empty fields
    keys = {base: f"{base}-{round_}" for base in ("missed-name", "missed-span", "missed-query")}
    selection = st.session_state.pop("missed-selection", None)
    if selection:
        try:
            start, end = selected_span(text, str(selection.get("text", "")), int(selection.get("occurrence", 0)))
        except (CorrectionError, ValueError, TypeError) as err:
            note("error", str(err))
        else:
            st.session_state[keys["missed-name"]] = text[start:end]
            st.session_state[keys["missed-span"]] = f"{start}-{end}"
            st.session_state["missed-expander"] = True  # open it
    with st.expander("Add a missed place", key="missed-expander", on_change=lambda: None):
        st.caption("Select the name in the article, or type it as the article writes it.")
        name = st.text_input("Name as written in the article", key=keys["missed-name"])
        if not name:
            return
        if not name.strip():
            st.html(render.message_html("The name is empty: type the place name as it is written in the article.",
                                        kind="error"))  # fmt: skip
            return
        spans = occurrences(text, name)
        chosen_span = parse_span(st.session_state.get(keys["missed-span"]))
        if chosen_span and text[chosen_span[0] : chosen_span[1]] == name.strip() and chosen_span not in spans:
            spans = sorted([*spans, chosen_span])
        if not spans:
            st.html(render.message_html(f"{name.strip()!r} is not written in this article as a whole word: type it "
                                        "exactly as the article writes it (capitals too).", kind="error"))  # fmt: skip
            return
        options = [span_param_of(s) for s in spans]
        if st.session_state.get(keys["missed-span"]) not in options:
            st.session_state[keys["missed-span"]] = options[0]
        where = st.selectbox("Which occurrence", options, key=keys["missed-span"],
                             format_func=lambda o: _occurrence_label(text, o, options))  # fmt: skip
        query = st.text_input("Place to put it at", key=keys["missed-query"], placeholder=name.strip())
        try:
            found = search_places(geoparser.gazetteer, query or name, online=geoparser.online)
        except CorrectionError as err:
            st.html(render.message_html(str(err), kind="error"))
            return
        if not found:
            st.html(render.message_html(f"No place called {(query or name).strip()!r} in the gazetteer: search "
                                        "another spelling in “Place to put it at”.", kind="info"))  # fmt: skip
        _place_rows([(place_id(p), _describe(p, geoparser.gazetteer), False) for p in found], "add", "Add here",
                    "missed-add")  # fmt: skip
        chosen = st.session_state.pop("missed-add", None)
        if not chosen:
            return
        try:
            made = add_missed(store, item, parse_span(where) or (-1, -1), offered_place(found, chosen),
                              reviewer=reviewer)  # fmt: skip
        except CorrectionError as err:
            st.html(render.message_html(str(err), kind="error"))
            return
    st.session_state["missed-round"] = round_ + 1
    note("info", f"Saved: {_saved(made)} Undo it in the corrections list below.")
    set_view(place=place_id(made.after), mention=f"{made.span[0]}-{made.span[1]}")  # type: ignore[arg-type, index]
    st.rerun()


def span_param_of(span: tuple[int, int]) -> str:
    return f"{span[0]}-{span[1]}"


def _occurrence_label(text: str, option: str, options: list[str]) -> str:
    start, end = parse_span(option) or (0, 0)
    before, after = text[max(0, start - 30) : start], text[end : end + 30]
    context = " ".join(f"…{before}[{text[start:end]}]{after}…".split())
    return f"{options.index(option) + 1}. {context}"


def corrections_list(store: Store, every: Sequence[Correction], labels: dict[str, str]) -> None:
    """Every correction (``every``, oldest first) shown newest first, filterable by article, place and reviewer,
    each with an Undo button.

    Drawn only while its expander is open: a hundred rows of widgets would cost every run of the page.
    """
    with st.expander(f"Corrections ({len(every):,})", key="corrections", on_change=lambda: None):
        if not st.session_state.get("corrections"):
            return
        left, middle, right = st.columns(3)
        article = left.selectbox("Article", ["", *labels], key="corrections-article",
                                 format_func=lambda a: labels.get(a, "Any article"))  # fmt: skip
        place = middle.text_input("Place", key="corrections-place", placeholder="a name or geonames:3029162")
        reviewers = sorted({c.reviewer for c in every})
        reviewer = right.selectbox("Reviewer", [None, *reviewers], key="corrections-reviewer",
                                   format_func=lambda r: "Any reviewer" if r is None else r or "(no name)")  # fmt: skip
        shown = [c for c in reversed(every) if (not article or c.article_id == article)
                 and (reviewer is None or c.reviewer == reviewer) and _about(c, place)]  # fmt: skip
        if not shown:
            st.caption("No correction yet." if not every else "No correction matches these filters.")
        titles = {a: label for a, label in labels.items()}
        for correction in shown[:CORRECTIONS_SHOWN]:
            line, button = st.columns([6, 1], vertical_alignment="center")
            line.html(f'<p class="correction">{render.text_html(correction_line(correction, titles))}</p>')
            if button.button("Undo", key=f"undo-{correction.id}", disabled=not correction.active):
                try:
                    store.undo_correction(correction.id)  # type: ignore[arg-type]
                except CorrectionError as err:
                    st.html(render.message_html(str(err), kind="error"))
                else:
                    note("info", f"Undone: “{correction.name}” ({correction.action.value}).")
                    st.rerun()
        if len(shown) > CORRECTIONS_SHOWN:
            st.caption(f"The newest {CORRECTIONS_SHOWN} of {len(shown):,}; filter to see others.")


def _about(correction: Correction, needle: str) -> bool:
    """Whether a correction concerns a place: by id, or by its name or a place's name (any case or accent)."""
    if not needle.strip():
        return True
    places = [p for p in (correction.before, correction.after) if p is not None]
    if needle.strip() in {place_id(p) for p in places}:
        return True
    key = normalise_name(needle)
    return any(key in normalise_name(name) for name in [correction.name, *(p.name for p in places)])


def needs_review(store: Store, article_ids: Sequence[str], labels: dict[str, str], explain: Explain,
                 set_view: SetView) -> None:  # fmt: skip
    """The view's automatic places the geoparser was least sure of, each opening its review panel.

    Worked out only while the expander is open (each article not seen yet costs a geoparse).
    """
    with st.expander("Needs review", key="needs-review", on_change=lambda: None):
        if not st.session_state.get("needs-review"):
            return
        shown_ids = list(article_ids)[:NEEDS_REVIEW_ARTICLES]
        unsure = sorted(
            (u for a in shown_ids if (item := store.article(a)) for u in unsure_mentions(item, explain(item))),
            key=unsureness,
        )  # fmt: skip
        if len(article_ids) > NEEDS_REVIEW_ARTICLES:
            st.caption(f"In the first {NEEDS_REVIEW_ARTICLES} of the {len(article_ids):,} articles in view.")
        if not unsure:
            st.caption("The geoparser was sure of every unreviewed place here.")
        for u in unsure[:NEEDS_REVIEW_ROWS]:
            line, button = st.columns([6, 1], vertical_alignment="center")
            what = f"“{u.mention.text}” → {u.place.name}, {u.place.country_code} · {u.why} · {labels.get(u.article_id)}"
            line.html(f'<p class="unsure">{render.text_html(what)}</p>')
            button.button("Review", key=f"needs-{u.article_id}-{span_param(u.mention)}", on_click=_open,
                          args=(set_view, u.article_id, span_param(u.mention), place_id(u.place)))  # fmt: skip


def _open(set_view: SetView, article_id: str, span: str, place: str) -> None:
    st.session_state.pop("reader", None)  # the reader follows the URL's article
    set_view(article=article_id, mention=span, place=place, passage=None)
