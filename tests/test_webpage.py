"""Tests for geo.webpage's HTML extraction: the article's text and metadata, no markup, a fallback for short pages.

Downloads (``geo.fetch``) are tested in tests/test_fetch.py and, through ``geo.readers.fetch_url``, against a
local site in tests/test_readers.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.exc import IngestError
from geo.webpage import MAX_EXTRACTED_ELEMENTS, extract_page


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


ARTICLE = (
    "<article><header><h1>Riots in Calais</h1></header>"
    "<p>Riot police cleared three migrant camps in Calais on Wednesday, the prefecture said.</p>"
    "<p>Several hundred people had been living near the port, hoping to cross to Dover.</p></article>"
)


def test_metadata_from_meta_tags() -> None:
    result = extract_page(
        "Page",
        page(
            ARTICLE,
            '<title>Riots | Herald</title><meta property="og:title" content="Riots in Calais">'
            '<meta name="author" content="Jane Marchand"><meta property="og:site_name" content="The Herald">'
            '<meta property="article:published_time" content="2014-05-28T07:30:00Z">'
            '<link rel="canonical" href="https://example.org/riots">',
        ),
    )
    assert result.title == "Riots in Calais"
    assert result.author == "Jane Marchand"
    assert result.date == dt.date(2014, 5, 28)
    assert result.site_name == "The Herald"
    assert result.url == "https://example.org/riots"
    assert result.text.startswith("Riots in Calais\n\nRiot police cleared")


def test_unparseable_date_is_dropped() -> None:
    result = extract_page("Page", page(ARTICLE, '<meta property="article:published_time" content="last Tuesday">'))
    assert result.date is None


def test_page_furniture_and_markup_are_dropped() -> None:
    html = page(
        "<header>Site logo Subscribe</header><nav>World Sport Manchester</nav>"
        + ARTICLE.replace("<p>", '<p onclick="steal()" style="color:red">', 1)
        + "<script>document.write('Marseille')</script><aside>Most read: Toulouse</aside>"
        "<form>Search Brighton</form><footer>Contact us in Leeds</footer>"
        '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">x</a>',
        "<script>var tracker = 1;</script><style>p { color: red }</style>",
    )
    text = extract_page("Page", html).text
    assert "Riot police cleared" in text and "hoping to cross to Dover" in text
    for gone in ["Subscribe", "Manchester", "Marseille", "Toulouse", "Brighton", "Leeds", "steal", "onclick",
                 "alert", "javascript", "tracker", "color", "<"]:  # fmt: skip
        assert gone not in text, gone


def test_short_page_falls_back_to_its_visible_text() -> None:
    html = page("<nav>Menu</nav><div>Ferries halted at Dover.<br>Strike continues.</div><script>x()</script>")
    result = extract_page("Page", html)
    assert "Ferries halted at Dover." in result.text
    assert "Menu" not in result.text and "x()" not in result.text
    assert result.title == result.text.splitlines()[0]


@pytest.mark.parametrize(
    "html",
    [
        page("<nav>Home</nav>", "<title></title><script>alert(1)</script>"),
        page("   "),
        page("<!-- only a comment -->"),
        "",
    ],
    ids=["scripts-and-nav", "blank-body", "comment", "empty"],
)
def test_no_text(html: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        extract_page("Web page 'https://example.org/a'", html)
    message = str(excinfo.value)
    assert "no article text" in message and "https://example.org/a" in message and "\n" not in message


# --- hostile pages -------------------------------------------------------------------------------------------------

STORY = "Riot police cleared the camp in Calais."
HEAD = (
    "<title>Calais camp</title><meta property='og:site_name' content='The Herald'>"
    "<meta name='author' content='Jane Marchand'><meta property='article:published_time' content='2014-05-28'>"
)


def deep(levels: int, tag: str = "div", inner: str = f"<p>{STORY}</p>") -> str:
    return f"<{tag}>" * levels + inner + f"</{tag}>" * levels


HOSTILE_PAGES = [
    # (html, expected text parts, expected title or None, refused reasons or None)
    (page(deep(300)), [STORY], None, None),
    (page(deep(3_000)), [STORY], None, None),
    (page(deep(200_000)), [STORY], None, None),
    (page(deep(200_000) + "<p>After the deep part, Dover.</p>"), [STORY, "After the deep part, Dover."], None, None),
    (page("<font>Calais " * 1_000 + "Dover"), ["Calais Calais", "Dover"], None, None),
    (
        page("".join(f"<div><b>{i}</b> {STORY}</div>" for i in range(4_000)), HEAD),
        ["3999 " + STORY],
        "Calais camp",
        None,
    ),
    (page(deep(3_000) + "<script>alert('Lille')</script>", HEAD), [STORY], "Calais camp", None),
    ("<html><body><p>" + "&amp;" * 1_000 + " Calais</p></body></html>", ["&&&", "& Calais"], None, None),
    (page("<table>" + "<tr><td>Calais</td><td>Dover</td></tr>" * 5_000 + "</table>"), ["Calais", "Dover"], None, None),
    (page("<script>" * 10_000), [], None, ["no article text"]),
    (page("<!--" * 10_000), [], None, ["no article text"]),
    (page("<a" * 10_000), [], None, ["no article text"]),
    (page(deep(3_000, inner="<script>document.write('Lille')</script>")), [], None, ["no article text"]),
]


@pytest.mark.parametrize(
    ("html", "parts", "title", "reasons"),
    HOSTILE_PAGES,
    ids=[
        "300-deep",
        "3000-deep",
        "200000-deep",
        "text-after-the-deep-part",
        "unclosed-font-tags",
        "4000-blocks-over-trafilatura-budget",
        "3000-deep-with-head-metadata",
        "thousand-entities",
        "large-table",
        "unclosed-scripts",
        "unclosed-comments",
        "unfinished-tags",
        "3000-deep-only-script",
    ],
)
def test_hostile_pages(html: str, parts: list[str], title: str | None, reasons: list[str] | None) -> None:
    if reasons:
        with pytest.raises(IngestError) as excinfo:
            extract_page("Web page 'https://example.org/a'", html)
        message = str(excinfo.value)
        assert "https://example.org/a" in message and "\n" not in message
        for reason in reasons:
            assert reason in message
        return
    result = extract_page("Page", html)
    for part in parts:
        assert part in result.text, part
    for markup in ["<", "alert", "document.write", "Lille"]:
        assert markup not in result.text, markup
    if title is not None:
        assert result.title == title


def test_large_page_keeps_its_head_metadata() -> None:
    blocks = "".join(f"<p>Paragraph {i} about Calais.</p>" for i in range(MAX_EXTRACTED_ELEMENTS + 10))
    result = extract_page("Page", page("<nav>Menu Toulouse</nav>" + blocks + "<footer>Leeds</footer>", HEAD))
    assert (result.title, result.author, result.site_name) == ("Calais camp", "Jane Marchand", "The Herald")
    assert result.date == dt.date(2014, 5, 28)
    assert result.text.startswith("Paragraph 0 about Calais.\n\nParagraph 1 about Calais.")
    assert "Toulouse" not in result.text and "Leeds" not in result.text


HTML_PIECES = ["<html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div>", "</div>", "<script>",
               "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "&amp;", "&#0;", "&#x110000;",
               "<meta charset='x'>", "<br/>", "<svg>", "<nav>", "<table><tr><td>", "\x00", "\r", "\n", "Calais",
               "<div>" * 100, "<a href='javascript:x()'>", "<img src=x onerror=alert(1)>"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=5), max_size=60))
def test_any_html_gives_text_or_a_clear_error(pieces: list[str]) -> None:
    try:
        result = extract_page("Web page 'x'", "".join(pieces))
    except IngestError as err:
        message = str(err)
        assert message.startswith("Web page 'x' ") and "\n" not in message
        return
    # Markup may survive only as text (a '<title>' holds text, not tags), so only the shape is checked here.
    assert result.text.strip() and "\n\n\n" not in result.text
    assert "\n" not in result.title and "\n" not in result.author


@pytest.mark.parametrize(
    "control",
    ["\x01", "\x1f", "\x0b", "\ufffe", "&#1;", "&#x1f;", "&#0012;", "&#65535;", "&#x1"],
    ids=["soh", "unit-separator", "vtab", "fffe", "ref-1", "ref-x1f", "ref-12", "ref-65535", "ref-unterminated"],
)
@pytest.mark.parametrize(
    "template",
    [
        "<p>Police in Calais.</p>{c}<head>",
        "{c}<script>x</script><p>Police in Calais.</p>",
        "<p>Police in Calais.{c}</p>",
    ],
    ids=["after-a-block", "before-a-script", "inside-a-paragraph"],
)
def test_control_characters(control: str, template: str) -> None:
    # Found by the property test: lxml refused to set a text holding a control character it had parsed.
    result = extract_page("Page", template.format(c=control))
    assert result.text.startswith("Police in Calais.")
