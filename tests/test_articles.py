"""Tests for geo.articles: article files and Markdown -> Article, safe front matter, and the errors for bad input."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.articles import MAX_FIELD_CHARS, load_article, load_articles, parse_markdown
from geo.config import Settings
from geo.exc import ArticleError, IngestError

DATA = Path(__file__).parent / "data"
SEED_DIR = Settings.load(environ={}).articles_dir

GOOD = [
    (
        SEED_DIR / "calais-police-attack-camp-2014-05-29.md",
        {
            "id": "calais-police-attack-camp-2014-05-29",
            "title": "Police attack immigrant camp in Calais, France",
            "author": "Pierre Mabut",
            "date": dt.date(2014, 5, 29),
            "source": "World Socialist Web Site",
            "url": "",
        },
        "Stepped-up attacks on immigrants",
    ),
    (
        SEED_DIR / "calais-mayor-threatens-port-2014-09-06.md",
        {
            "id": "calais-mayor-threatens-port-2014-09-06",
            "title": "France: Calais mayor demands crackdown on migrants, threatens to block port",
            "author": "Stéphane Hugues",
            "date": dt.date(2014, 9, 6),
            "source": "World Socialist Web Site",
            "url": "",
        },
        "Calais mayor Natacha Bouchart",
    ),
    (
        DATA / "plain.txt",
        {"id": "plain", "title": "Riot police clear camps in Calais", "author": "", "date": None, "source": ""},
        "# Riot police clear camps in Calais\n",
    ),
    (
        DATA / "bom.txt",
        {"id": "bom", "title": "Bom headline from Lille", "author": "", "date": None},
        "Bom headline from Lille\n",
    ),
    (
        DATA / "bom.md",
        {"id": "bom-article", "title": "A file with a byte-order mark", "date": dt.date(2014, 6, 1)},
        "Migrants waited in Calais",
    ),
    (
        DATA / "no-front-matter.md",
        {"id": "no-front-matter", "title": "Dover ferries", "author": "", "date": None},
        "# Dover ferries\n",
    ),
]


@pytest.mark.parametrize(
    ("path", "expected", "text_start"),
    GOOD,
    ids=["seed-police-camp", "seed-mayor-port", "plain-txt", "bom-txt", "bom-md", "md-without-front-matter"],
)
def test_load_good_article(path: Path, expected: dict[str, object], text_start: str) -> None:
    article = load_article(path)
    for name, value in expected.items():
        assert getattr(article, name) == value, name
    assert article.text.startswith(text_start)
    assert not article.text.startswith("\ufeff")
    assert "---" not in article.text[:5]
    assert article.path == str(path)


def test_txt_text_is_the_file_unchanged() -> None:
    path = DATA / "plain.txt"
    assert load_article(path).text == path.read_bytes().decode("utf-8")


def test_md_text_is_the_body_after_the_front_matter() -> None:
    article = load_article(SEED_DIR / "calais-police-attack-camp-2014-05-29.md")
    assert "author:" not in article.text
    assert article.text == article.text.strip()


def test_md_rule_in_body_is_not_front_matter() -> None:
    assert "A second part after a rule." in load_article(DATA / "no-front-matter.md").text


def test_load_article_accepts_str_path() -> None:
    assert load_article(str(DATA / "plain.txt")).id == "plain"


BAD = [
    (DATA / "no-such-article.md", ["does not exist"]),
    (DATA, ["is a folder"]),
    (DATA / "binary.txt", ["ZIP archive", "not text"]),
    (DATA / "latin1.txt", ["not UTF-8", "byte offset 3", "0xe9"]),
    (DATA / "bad-yaml.md", ["bad front matter", "flow sequence on line 3", "on line 4"]),
    (DATA / "unclosed.md", ["bad front matter", "closing '---'"]),
    (DATA / "bad-date.md", ["bad date", "06/09/2014", "YYYY-MM-DD"]),
    (DATA / "impossible-date.md", ["bad date", "2014-13-45", "YYYY-MM-DD"]),
    (DATA / "empty.md", ["no text"]),
    (DATA / "empty.txt", ["is empty"]),
]


@pytest.mark.parametrize(
    ("path", "reasons"),
    BAD,
    ids=[
        "missing",
        "directory",
        "binary",
        "latin-1",
        "bad-yaml",
        "unclosed-front-matter",
        "bad-date",
        "impossible-date",
        "empty-md",
        "empty-txt",
    ],
)
def test_load_bad_article(path: Path, reasons: list[str]) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_article(path)
    message = str(excinfo.value)
    assert str(path) in message
    for reason in reasons:
        assert reason in message
    assert "\n" not in message


def test_unreadable_article(monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod cannot stop root from reading, so fake the permission error of opening the file.
    def refuse(path: object, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    path = DATA / "plain.txt"
    with pytest.raises(IngestError, match="permission denied") as excinfo:
        load_article(path)
    assert str(path) in str(excinfo.value)
    assert isinstance(excinfo.value.__cause__, PermissionError)


def test_errors_wrap_the_lower_level_error() -> None:
    with pytest.raises(IngestError) as excinfo:
        load_article(DATA / "latin1.txt")
    assert isinstance(excinfo.value.__cause__, UnicodeDecodeError)
    assert isinstance(excinfo.value, ValueError)


def test_load_articles_seed_folder() -> None:
    articles = load_articles(SEED_DIR)
    assert [a.id for a in articles] == [
        "calais-mayor-threatens-port-2014-09-06",
        "calais-police-attack-camp-2014-05-29",
    ]


def test_load_articles_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("---\nid: bee\n---\nText about Calais.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Text about Dover.\n", encoding="utf-8")
    (tmp_path / "c.json").write_text("{}", encoding="utf-8")
    (tmp_path / "d.md").mkdir()
    assert [a.id for a in load_articles(tmp_path)] == ["a", "bee"]


def test_load_articles_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(ArticleError, match="not a folder") as excinfo:
        load_articles(folder)
    assert str(folder) in str(excinfo.value)


# --- hostile front matter ------------------------------------------------------------------------------------------

BILLION_LAUGHS = DATA / "billion-laughs.md"  # nine levels of nine aliases: 9**9 values from a few hundred bytes


def test_billion_laughs_is_refused_before_anything_is_built() -> None:
    with pytest.raises(IngestError) as excinfo:
        load_article(BILLION_LAUGHS)
    message = str(excinfo.value)
    for part in [str(BILLION_LAUGHS), "bad front matter", "anchor '&a' on line 2", "aliases", "Write each value out"]:
        assert part in message, part
    assert "\n" not in message


def nested(depth: int) -> str:
    return "[" * depth + "Calais" + "]" * depth


HOSTILE_FRONT_MATTER = [
    ("title: *nowhere\n", ["alias '*nowhere' on line 2", "not allowed"]),
    ("base: &base {title: Calais}\n<<: *base\n", ["anchor '&base' on line 2"]),
    ("\n\nid: x\ntitle: &t Calais\n", ["anchor '&t' on line 5"]),
    ("title: !!python/object/apply:os.system ['echo pwned']\n", ["python/object/apply:os.system", "line 2"]),
    ("title: !!python/name:os.system\n", ["python/name:os.system"]),
    (f"title: {nested(30)}\n", ["nest more than 20 levels deep", "line 2"]),
    ("title: " + "x" * 70_000 + "\n", ["front matter of 70,009 characters", "limit of 65,536"]),
    ("title: 1" + "0" * 5_000 + "\n", ["a number or a value with a type tag", "cannot be read", "digits"]),
    ("date: !!timestamp 2014-13-45\n", ["bad date '2014-13-45'", "month must be in 1..12"]),
    ("date: !!timestamp x\n", ["bad date 'x'", "not YYYY-MM-DD"]),
    ("title: !!bool maybe\n", ["a number or a value with a type tag", "'maybe'"]),
    ("title: !!int ''\n", ["a number or a value with a type tag"]),
    ("title: !!float x\n", ["a number or a value with a type tag", "could not convert"]),
    ("title: {text: Calais}\n", ["field 'title' is a mapping", "title: text"]),
    ("author: [[Ann, Bob]]\n", ["field 'author' is a list holding lists or mappings"]),
    ("source: !!binary aGVsbG8=\n", ["field 'source' is binary data"]),
    ("date: {year: 2014}\n", ["field 'date' is a mapping"]),
    ("date: [2014-05-29, 2014-05-30]\n", ["bad date '2014-05-29, 2014-05-30'"]),
    ("- just\n- a list\n", ["it is a list, not 'key: value' lines"]),
    ("title: [unclosed\n", ["bad front matter", "line 3"]),
]


@pytest.mark.parametrize(
    ("front", "reasons"),
    HOSTILE_FRONT_MATTER,
    ids=[
        "undefined-alias",
        "merge-key-alias",
        "anchor-after-blank-lines",
        "python-apply-tag",
        "python-name-tag",
        "deep-nesting",
        "over-64-kib",
        "int-past-digit-limit",
        "bad-explicit-timestamp",
        "not-a-timestamp",
        "not-a-bool",
        "empty-int",
        "not-a-float",
        "mapping-title",
        "nested-list-author",
        "binary-source",
        "mapping-date",
        "list-date",
        "list-not-mapping",
        "unclosed-flow",
    ],
)
def test_hostile_front_matter_is_refused(front: str, reasons: list[str]) -> None:
    with pytest.raises(ArticleError) as excinfo:
        parse_markdown("Article file 'x.md'", f"---\n{front}---\nText about Calais.\n", article_id="x")
    message = str(excinfo.value)
    assert message.startswith("Article file 'x.md' has ")
    assert "\n" not in message and len(message) < 600
    for reason in reasons:
        assert reason in message, (reason, message)


@pytest.mark.parametrize(
    ("front", "field", "expected"),
    [
        ("author: [Ann Smith, Bob Jones]\n", "author", "Ann Smith, Bob Jones"),
        ("author: [Ann, null, '', Bob]\n", "author", "Ann, Bob"),
        ("title: 1914\n", "title", "1914"),
        ("title: 2.5\n", "title", "2.5"),
        ("title: '  Calais  '\n", "title", "Calais"),
        ("url: https://example.org/" + "a" * 1_900 + "\n", "url", "https://example.org/" + "a" * 1_900),
        ("title: " + "x" * 3_000 + "\n", "title", "x" * 2_000),
        ("author: [" + ", ".join(["Ann"] * 10_000) + "]\n", "author", ", ".join(["Ann"] * 400)),
        ("date: !!timestamp 2014-05-29\n", "date", dt.date(2014, 5, 29)),
        ("title: ''\n", "title", "Text about Calais."),
    ],
    ids=[
        "author-list",
        "author-list-with-blanks",
        "int-title",
        "float-title",
        "padded-title",
        "long-url-kept",
        "long-title-capped",
        "long-author-list-capped",
        "explicit-timestamp",
        "empty-title-falls-back",
    ],
)
def test_front_matter_fields_become_capped_text(front: str, field: str, expected: object) -> None:
    article = parse_markdown("Note", f"---\n{front}---\nText about Calais.\n", article_id="x")
    value = getattr(article, field)
    assert value == expected
    assert not isinstance(value, str) or len(value) <= MAX_FIELD_CHARS


YAML_PIECES = ["---\n", "title: ", "author: ", "date: ", "2014-05-29", "&a ", "*a", "<<: ", "[", "]", "{", "}", ", ",
               "- ", "!!python/object:os.system", "!!binary ", "!!timestamp ", "!!bool ", "!!int ", "!!float ",
               "!!set ", "!!omap ", "!!pairs ", "!!str ", "!!null ", "!!merge ", "? ", ": ", "'", '"', "|\n", ">\n",
               "\n", "  ", "\t", "#", "%YAML 1.1\n", "...\n", "1" * 50, "null", "~", "yes", "Calais"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=5), max_size=40))
def test_any_front_matter_gives_an_article_or_a_clear_error(pieces: list[str]) -> None:
    text = "---\n" + "".join(pieces) + "\n---\nText about Calais.\n"
    try:
        article = parse_markdown("Article file 'x.md'", text, article_id="x")
    except ArticleError as err:
        message = str(err)
        assert message.startswith("Article file 'x.md' has ") and "\n" not in message and len(message) < 1000
        return
    for field in (article.id, article.title, article.author, article.source, article.url):
        assert isinstance(field, str) and len(field) <= MAX_FIELD_CHARS
