"""Tests for geo.cli, through ``main(argv)``: article files -> stdout, stderr, exit status.

The real geoparser needs the built gazetteer, so these tests swap
``Geoparser.from_settings`` for a Geoparser over a tiny in-memory gazetteer
(and, for the exact output formats, a stub with fixed answers).  Assertions
about the real pipeline's mentions are only about their shape.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import pytest

from geo import pipeline
from geo.cli import main
from geo.config import PROJECT_DIR, Settings
from geo.exc import GazetteerDataError
from geo.export import CSV_COLUMNS, PLACE_COLUMNS
from geo.gazetteer import InMemoryGazetteer
from geo.models import GeocodedMention, Mention, Place

DATA = Path(__file__).parent / "data"
SEED = Settings.load(environ={}).articles_dir / "calais-police-attack-camp-2014-05-29.md"
PLAIN = DATA / "plain.txt"
MENTION_KEYS = {"start", "end", "text", "kind", "sentence", "place"}
PLACE_KEYS = {"name", "lat", "lon", "country_code", "feature", "geonameid", "source"}
PROPERTY_KEYS = {"name", "country_code", "feature", "geonameid", "source", "id", "label", "category", "review",
                 "mentions", "articles", "passages"}  # fmt: skip
PLAIN_ID, SEED_ID = "plain", "calais-police-attack-camp-2014-05-29"  # the ids `ingest` would give the files

CALAIS = Place("Calais", 50.95194, 1.85635, "FR", "P.PPL", 3029276, "test", population=75_000)
FRANCE = Place("France", 46.0, 2.0, "FR", "A.PCLI", 3017382, "test", population=66_000_000)
UK = Place("United Kingdom", 54.75844, -2.69531, "GB", "A.PCLI", 2635167, "test", population=66_000_000)


@pytest.fixture
def tiny_geoparser(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Make ``Geoparser.from_settings`` build a Geoparser over a tiny gazetteer.

    Returns the list of settings it was called with, one per call.
    """
    gazetteer = InMemoryGazetteer(
        [CALAIS, FRANCE, UK],
        aliases={"United Kingdom": ["Britain", "UK"]},
        demonyms={"France": ["French"]},
    )
    calls: list[Settings] = []

    def from_settings(cls: type[pipeline.Geoparser], settings: Settings | None = None) -> pipeline.Geoparser:
        calls.append(settings)
        return cls(gazetteer, settings=settings)

    monkeypatch.setattr(pipeline.Geoparser, "from_settings", classmethod(from_settings))
    return calls


class _StubGeoparser:
    """Answers with every occurrence of a few fixed words; 'Atlantis' is never placed."""

    answers = {"Calais": ("toponym", CALAIS), "French": ("demonym", FRANCE), "Atlantis": ("toponym", None)}
    version = "stub"

    def geoparse(self, text: str) -> list[GeocodedMention]:
        found = []
        for word, (kind, place) in self.answers.items():
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                mention = Mention(start, end, word, kind, (0, len(text)), (0, len(text)))
                found.append(GeocodedMention(mention, place))
                start = text.find(word, end)
        return sorted(found, key=lambda g: g.mention.start)


@pytest.fixture
def stub_geoparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``Geoparser.from_settings`` return a stub with known answers."""
    monkeypatch.setattr(pipeline.Geoparser, "from_settings", classmethod(lambda cls, settings=None: _StubGeoparser()))


@pytest.fixture
def article_files(tmp_path: Path) -> list[str]:
    """Two small articles, for the exact-format tests."""
    first = tmp_path / "one.txt"
    first.write_text("Calais and Atlantis.\nFrench police in Calais.\n", encoding="utf-8")
    second = tmp_path / "two.md"
    second.write_text("---\nid: two\n---\n\nBack in Calais.\n", encoding="utf-8")
    return [str(first), str(second)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[int, str, str]:
    """Run main with a private cache folder; return (status, stdout, stderr)."""
    status = main(["--cache-dir", str(tmp_path / "cache"), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_jsonl_one_object_per_file(tiny_geoparser: list[Settings], capsys, tmp_path: Path) -> None:
    status, out, err = run(["extract", str(PLAIN), str(SEED)], capsys, tmp_path)
    assert status == 0
    assert err == ""
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in records] == [str(PLAIN), str(SEED)]
    for record in records:
        assert set(record) == {"source", "text", "mentions"}
        for mention in record["mentions"]:
            assert set(mention) == MENTION_KEYS
            assert record["text"][mention["start"] : mention["end"]] == mention["text"]
            assert mention["place"] is None or set(mention["place"]) == PLACE_KEYS
    assert records[0]["text"] == PLAIN.read_bytes().decode("utf-8")
    assert not records[1]["text"].startswith("---")
    assert len(tiny_geoparser) == 1  # one geoparser per run


def test_jsonl_is_the_default_and_keeps_non_ascii(tiny_geoparser, capsys, tmp_path: Path) -> None:
    path = tmp_path / "accents.txt"
    path.write_text("Hénin-Beaumont est près de Calais.\n", encoding="utf-8")
    status, out, _ = run(["extract", str(path)], capsys, tmp_path)
    assert status == 0
    assert "Hénin-Beaumont" in out
    assert json.loads(out)["text"] == "Hénin-Beaumont est près de Calais.\n"


BAD_FILES = [DATA / "no-such-article.md", DATA / "binary.txt", DATA / "latin1.txt", DATA / "empty.txt"]


@pytest.mark.parametrize("output_format", ["jsonl", "geojson", "csv"])
def test_bad_files_exit_2_and_good_files_still_written(
    tiny_geoparser, capsys, tmp_path: Path, output_format: str
) -> None:
    files = [str(PLAIN), *map(str, BAD_FILES), str(SEED)]
    status, out, err = run(["extract", "--format", output_format, *files], capsys, tmp_path)
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == len(BAD_FILES)
    for line, bad in zip(lines, BAD_FILES, strict=True):
        assert line.startswith("news-atlas: error: ")
        assert str(bad) in line
    if output_format == "jsonl":
        assert [json.loads(line)["source"] for line in out.splitlines()] == [str(PLAIN), str(SEED)]
    else:
        assert out.strip()  # the one document is still written


def test_all_good_files_exit_0(tiny_geoparser, capsys, tmp_path: Path) -> None:
    status, _, err = run(["extract", str(SEED)], capsys, tmp_path)
    assert (status, err) == (0, "")


def test_geojson_shape(tiny_geoparser, capsys, tmp_path: Path) -> None:
    status, out, _ = run(["extract", "--format", "geojson", str(PLAIN), str(SEED)], capsys, tmp_path)
    assert status == 0
    collection = json.loads(out)
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(feature["properties"]) == PROPERTY_KEYS
        assert feature["properties"]["mentions"] >= 1
        assert {a["id"] for a in feature["properties"]["articles"]} <= {PLAIN_ID, SEED_ID}


def test_csv_shape(tiny_geoparser, capsys, tmp_path: Path) -> None:
    status, out, _ = run(["extract", "--format", "csv", str(PLAIN), str(SEED)], capsys, tmp_path)
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS)
        assert row[0] in {PLAIN_ID, SEED_ID}


def test_geojson_one_feature_per_place(stub_geoparser, article_files: list[str], capsys, tmp_path: Path) -> None:
    status, out, _ = run(["extract", "--format", "geojson", *article_files], capsys, tmp_path)
    assert status == 0
    features = {f["properties"]["name"]: f for f in json.loads(out)["features"]}
    assert set(features) == {"Calais", "France"}  # Atlantis has no place, so no feature
    calais = features["Calais"]
    assert calais["geometry"]["coordinates"] == [CALAIS.lon, CALAIS.lat]
    properties = calais["properties"]
    assert (properties["id"], properties["label"], properties["category"], properties["review"]) == (
        "geonames:3029276", "Calais, FR", "story", "automatic")  # fmt: skip
    assert properties["mentions"] == 3 and [a["id"] for a in properties["articles"]] == ["one", "two"]
    assert [p["article_id"] for p in properties["passages"]] == ["one", "two"]
    assert features["France"]["properties"]["category"] == "origin"
    assert [a["id"] for a in features["France"]["properties"]["articles"]] == ["one"]


def test_csv_one_row_per_mention(stub_geoparser, article_files: list[str], capsys, tmp_path: Path) -> None:
    status, out, _ = run(["extract", "--format", "csv", *article_files], capsys, tmp_path)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["article_id"], r["text"]) for r in rows] == [
        ("one", "Calais"), ("one", "Atlantis"), ("one", "French"), ("one", "Calais"), ("two", "Calais")
    ]  # fmt: skip
    first = rows[0]
    assert (first["start"], first["end"], first["kind"], first["sentence_start"]) == ("0", "6", "toponym", "0")
    assert (first["place_name"], first["country_code"], first["feature"], first["geonameid"]) == (
        "Calais",
        "FR",
        "P.PPL",
        "3029276",
    )
    assert float(first["lat"]) == CALAIS.lat and float(first["lon"]) == CALAIS.lon
    unplaced = rows[1]
    assert [unplaced[c] for c in ("place_id", *PLACE_COLUMNS)] == [""] * 7


def test_a_file_with_the_text_of_another_is_counted_once_and_named(
    stub_geoparser, article_files: list[str], capsys, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    status, out, _ = run(["extract", "--format", "csv", *article_files, article_files[0]], capsys, tmp_path)
    assert status == 0
    assert [r["article_id"] for r in csv.DictReader(io.StringIO(out))] == ["one"] * 4 + ["two"]
    assert f"{article_files[0]} has the same text as the article “Calais and Atlantis.”, read before" in caplog.text


def test_jsonl_mentions_are_as_json(stub_geoparser, article_files: list[str], capsys, tmp_path: Path) -> None:
    _, out, _ = run(["extract", article_files[0]], capsys, tmp_path)
    record = json.loads(out)
    text = record["text"]
    assert record["mentions"] == [g.as_json() for g in _StubGeoparser().geoparse(text)]


@pytest.mark.parametrize(
    ("flags", "online"),
    [
        (["--online"], True),
        (["--offline"], False),
        ([], False),
    ],
    ids=["online", "offline", "default"],
)
def test_global_options_reach_settings(
    tiny_geoparser: list[Settings], capsys, tmp_path: Path, monkeypatch, flags: list[str], online: bool
) -> None:
    monkeypatch.delenv("NEWS_ATLAS_ONLINE", raising=False)
    cache = tmp_path / "my-cache"
    assert main(["--cache-dir", str(cache), *flags, "extract", str(PLAIN)]) == 0
    (settings,) = tiny_geoparser
    assert settings.cache_dir == cache
    assert settings.online is online


def test_global_options_after_the_subcommand(tiny_geoparser: list[Settings], capsys, tmp_path: Path) -> None:
    cache = tmp_path / "late-cache"
    assert main(["extract", "--online", "--cache-dir", str(cache), str(PLAIN)]) == 0
    (settings,) = tiny_geoparser
    assert (settings.cache_dir, settings.online) == (cache, True)


def test_online_and_offline_conflict(tiny_geoparser, capsys) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["--online", "--offline", "extract", str(PLAIN)])
    assert excinfo.value.code == 2


def test_no_command_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main([])
    assert excinfo.value.code == 2


def test_bad_setting_exits_2(tiny_geoparser, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NEWS_ATLAS_ONLINE", "perhaps")
    assert main(["extract", str(PLAIN)]) == 2
    assert capsys.readouterr().err.startswith("news-atlas: error: Setting online")


@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Settings, bool]]:
    """Put a stand-in ``geo.gazetteer.build`` module in place; returns its calls."""
    calls: list[tuple[Settings, bool]] = []

    def ensure_gazetteer(settings: Settings, *, force: bool = False) -> Path:
        calls.append((settings, force))
        return settings.gazetteer_path

    module = types.ModuleType("geo.gazetteer.build")
    module.ensure_gazetteer = ensure_gazetteer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "geo.gazetteer.build", module)
    return calls


@pytest.mark.parametrize(("flags", "force"), [([], False), (["--force"], True)], ids=["plain", "force"])
def test_build_gazetteer(fake_build, capsys, tmp_path: Path, flags: list[str], force: bool) -> None:
    status, out, _ = run(["build-gazetteer", *flags], capsys, tmp_path)
    assert status == 0
    (settings, forced) = fake_build[0]
    assert forced is force
    assert out.count("\n") == 1
    assert str(settings.gazetteer_path) in out


def test_build_gazetteer_failure_exits_1(fake_build, capsys, tmp_path: Path, monkeypatch) -> None:
    def broken(settings: Settings, *, force: bool = False) -> Path:
        raise GazetteerDataError("GeoNames data not found in /nowhere. Download it first.")

    monkeypatch.setattr(sys.modules["geo.gazetteer.build"], "ensure_gazetteer", broken)
    status, out, err = run(["build-gazetteer"], capsys, tmp_path)
    assert (status, out) == (1, "")
    assert err == "news-atlas: error: GeoNames data not found in /nowhere. Download it first.\n"


def test_python_dash_m_geo_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "geo", "--help"], capture_output=True, text=True, cwd=PROJECT_DIR, check=False
    )
    assert result.returncode == 0
    assert "extract" in result.stdout and "build-gazetteer" in result.stdout


def test_closed_pipe_ends_quietly() -> None:
    """`python -m geo extract ... | head -1` stops without a traceback."""
    seeds = " ".join(str(path) for path in sorted(SEED.parent.glob("*.md")))
    command = f"{sys.executable} -m geo extract --format csv {seeds} | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=PROJECT_DIR, check=False)
    assert done.stdout.startswith("article_id,article_title,start,end")
    assert "Traceback" not in done.stderr


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("output_format", ["csv", "geojson", "jsonl"])
def test_extract_gives_a_us_county_its_geonames_id(
    output_format: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the real geoparser: a county from zipcodes carries GeoNames' id in every format."""
    article = tmp_path / "laurel.txt"
    article.write_text("Police in Laurel County said.\n", encoding="utf-8")
    status, out, _ = run_cli(capsys, "extract", "--format", output_format, str(article))
    assert status == 0
    if output_format == "csv":
        places = [(r["place_name"], r["feature"], r["geonameid"]) for r in csv.DictReader(io.StringIO(out))]
    elif output_format == "geojson":
        places = [(f["properties"]["name"], f["properties"]["feature"], str(f["properties"]["geonameid"]))
                  for f in json.loads(out)["features"]]  # fmt: skip
    else:
        places = [(m["place"]["name"], m["place"]["feature"], str(m["place"]["geonameid"]))
                  for m in json.loads(out)["mentions"]]  # fmt: skip
    assert places == [("Laurel County", "A.ADM2", "4297480")]


def test_ingest_list_export_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The store's whole life through the CLI, with the real geoparser."""
    store = str(tmp_path / "atlas.sqlite3")
    seeds = str(Settings.load(environ={}).articles_dir)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary")
    status, out, err = run_cli(capsys, "--store", store, "ingest", seeds, str(bad))
    assert status == 2
    assert out.startswith("2 added, 0 skipped as duplicate, 1 failed")
    assert "bad.txt" in err and "binary" in err
    status, out, _ = run_cli(capsys, "--store", store, "ingest", seeds)
    assert status == 0 and out.startswith("0 added, 2 skipped as duplicate, 0 failed")
    status, out, _ = run_cli(capsys, "--store", store, "list")
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "calais-mayor-threatens-port-2014-09-06",
        "calais-police-attack-camp-2014-05-29",
    ]
    status, out, _ = run_cli(capsys, "--store", store, "export", "--format", "geojson", "--kinds", "origin")
    names = {f["properties"]["name"] for f in json.loads(out)["features"]}
    assert names == {"Syria", "Afghanistan", "Africa", "United Kingdom"}
    output = tmp_path / "map.html"
    status, _, _ = run_cli(capsys, "--store", store, "export", "--format", "html", "--output", str(output))
    assert status == 0 and "Sangatte" in output.read_text(encoding="utf-8")
    status, _, _ = run_cli(capsys, "--store", store, "delete", "calais-police-attack-camp-2014-05-29", "nope")
    assert status == 2
    status, out, _ = run_cli(capsys, "--store", store, "export", "--format", "csv")
    assert "Hénin-Beaumont" not in out and "Sangatte" in out


def test_ingest_on_a_local_dask_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "atlas.sqlite3")
    seeds = str(Settings.load(environ={}).articles_dir)
    status, out, err = run_cli(capsys, "--store", store, "ingest", "--dask", "--workers", "2", seeds)
    assert status == 0, err
    assert out.startswith("2 added, 0 skipped as duplicate, 0 failed")


def test_ingest_with_an_unreachable_dask_scheduler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("geo.cli.DASK_CONNECT_TIMEOUT", "1s")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{closed.getsockname()[1]}"
    status, _, err = run_cli(capsys, "--store", str(tmp_path / "a.sqlite3"), "ingest", "--scheduler", address, "x.txt")
    assert status == 1 and f"cannot reach the Dask scheduler at {address}" in err


def test_reindex(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "atlas.sqlite3")
    run_cli(capsys, "--store", store, "ingest", str(Settings.load(environ={}).articles_dir))
    status, out, _ = run_cli(capsys, "--store", store, "reindex")
    assert status == 0 and out.startswith("0 articles geoparsed again")
    status, out, _ = run_cli(capsys, "--store", store, "reindex", "--all")
    assert out.startswith("2 articles geoparsed again")


def test_store_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "atlas.sqlite3"
    store.write_text("not a database " * 200)
    status, _, err = run_cli(capsys, "--store", str(store), "list")
    assert status == 2 and "is not a News Atlas store" in err


MAY = "calais-police-attack-camp-2014-05-29"


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a closed store holding the two seeds, ingested with the real geoparser."""
    path = tmp_path_factory.mktemp("seeded") / "atlas.sqlite3"
    assert main(["--store", str(path), "ingest", str(SEED.parent)]) == 0
    return path.read_bytes()


def _spoil_pages(path: Path, pages: list[int]) -> None:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    with path.open("r+b") as out:
        for page in pages:
            out.seek((page - 1) * size)
            out.write(bytes(range(256)) * (size // 256))


# Damaged store files: every page but the first overwritten, or only the last (which SQLite used to write into).
DAMAGES = {"pages-2-to-n": lambda n: list(range(2, n + 1)), "last-page": lambda n: [n]}
# Every command that opens the store, given a damaged one.
STORE_COMMANDS = [
    pytest.param(["list"], id="list"),
    pytest.param(["export", "--format", "csv"], id="export"),
    pytest.param(["delete", MAY], id="delete"),
    pytest.param(["reindex"], id="reindex"),
    pytest.param(["reindex", "--all"], id="reindex-all"),
    pytest.param(["ingest", str(PLAIN)], id="ingest"),
    pytest.param(["check"], id="check"),
    pytest.param(["backup", "{tmp}/backup.sqlite3"], id="backup"),
]


@pytest.mark.parametrize("damage", list(DAMAGES))
@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_a_damaged_store_is_named_exits_2_and_is_left_as_it_is(
    seeded_store: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], damage: str
) -> None:
    """These gave raw tracebacks ('database disk image is malformed'); plain reindex said it succeeded."""
    store = tmp_path / "atlas.sqlite3"
    store.write_bytes(seeded_store)
    _spoil_pages(store, DAMAGES[damage](len(seeded_store) // 4096))
    before = store.read_bytes()
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    status, out, err = run_cli(capsys, "--store", str(store), *argv)
    assert status == 2
    assert err.startswith("news-atlas: error: ") and err.count("\n") == 1
    assert str(store) in err and "is damaged" in err and "backup" in err
    assert "Traceback" not in err and "geoparsed again" not in out
    assert store.read_bytes() == before
    assert not (tmp_path / "backup.sqlite3").exists()  # no damaged copy either
    if argv == ["check"]:
        assert out.strip()  # SQLite's findings, one a line ("Page 18: btreeInitPage() returns error code 11")


@pytest.mark.parametrize("command", [["list"], ["check"], ["ingest", str(PLAIN)]], ids=["list", "check", "ingest"])
def test_a_store_path_that_is_a_pipe_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """It was 'disk I/O error' (list) or 'There is no store' (check): now named for what it is."""
    pipe = tmp_path / "atlas.sqlite3"
    os.mkfifo(pipe)
    status, out, err = run_cli(capsys, "--store", str(pipe), *command)
    assert (status, out) == (2, "")
    assert err == (
        f"news-atlas: error: {pipe} is not a News Atlas store: it is a named pipe (FIFO), not a file. "
        "Set NEWS_ATLAS_STORE_PATH or pass --store FILE with a file name; a new store is created there.\n"
    )


def test_a_newer_store_is_named_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The message was wrapped twice: "... Update News Atlas.. Set NEWS_ATLAS_STORE_PATH."."""
    from geo.store import SCHEMA_VERSION

    store = tmp_path / "atlas.sqlite3"
    assert run_cli(capsys, "--store", str(store), "list")[0] == 0
    conn = sqlite3.connect(store)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    status, out, err = run_cli(capsys, "--store", str(store), "list")
    assert (status, out) == (1, "")
    assert err == (
        f"news-atlas: error: {store} has schema version {SCHEMA_VERSION + 1}, newer than this News Atlas "
        f"({SCHEMA_VERSION}). Update News Atlas, or set NEWS_ATLAS_STORE_PATH to another file.\n"
    )
    status, out, _ = run_cli(capsys, "--store", str(store), "check")
    assert status == 0 and "newer than this News Atlas" in out


def test_check_a_good_store(seeded_store: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.store import SCHEMA_VERSION

    store = tmp_path / "atlas.sqlite3"
    store.write_bytes(seeded_store)
    status, out, err = run_cli(capsys, "--store", str(store), "check")
    assert (status, out, err) == (0, f"{store}: ok, 2 articles, schema version {SCHEMA_VERSION}\n", "")


def test_check_without_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "none.sqlite3"
    status, out, err = run_cli(capsys, "--store", str(store), "check")
    assert (status, out) == (2, "")
    assert err == f"news-atlas: error: There is no store at {store}. Set NEWS_ATLAS_STORE_PATH or pass --store FILE.\n"
    assert not store.exists()


def test_backup_and_use_the_copy(seeded_store: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, copy = tmp_path / "atlas.sqlite3", tmp_path / "backups" / "monday.sqlite3"
    store.write_bytes(seeded_store)
    status, out, err = run_cli(capsys, "--store", str(store), "backup", str(copy))
    assert (status, out, err) == (0, f"{store} backed up to {copy}: 2 articles, checked\n", "")
    assert run_cli(capsys, "--store", str(copy), "list")[1] == run_cli(capsys, "--store", str(store), "list")[1]
    status, _, err = run_cli(capsys, "--store", str(store), "backup", str(copy))
    assert status == 2 and err == (
        f"news-atlas: error: {copy} exists already; pass --force to replace it, or give another file name.\n"
    )
    assert run_cli(capsys, "--store", str(store), "backup", "--force", str(copy))[0] == 0


@pytest.mark.parametrize(
    ("target", "said"),
    [("atlas.sqlite3", "is the store itself"), ("atlas.sqlite3-wal", "is the store itself"), (".", "is a folder")],
    ids=["the-store", "its-wal", "a-folder"],
)
def test_backup_refuses_a_bad_target(
    seeded_store: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, said: str
) -> None:
    store = tmp_path / "atlas.sqlite3"
    store.write_bytes(seeded_store)
    status, out, err = run_cli(capsys, "--store", str(store), "backup", "--force", str(tmp_path / target))
    assert (status, out) == (2, "")
    assert err.startswith("news-atlas: error: ") and said in err
    assert store.read_bytes() == seeded_store


def test_explain_says_why_each_name_was_kept_or_vetoed(tiny_geoparser: list[Settings], capsys, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Refugees camp in Calais, France. President Calais spoke.\n", encoding="utf-8")
    status, out, err = run(["extract", "--explain", str(note)], capsys, tmp_path)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == f"== {note}"
    assert "'Calais' at 17-23, toponym: mapped" in out
    assert "evidence: locative: in; container: france" in out  # the first evidence, and the container
    assert "    chosen " in out and "FR (P.PPL" in out
    assert "'Calais' at 43-49, toponym: vetoed" in out and "vetoed by title: the title 'President' before it" in out


# -- corrections ---------------------------------------------------------------------------

CORRECTIONS = DATA / "corrections"
REVIEW = str(CORRECTIONS / "review.json")  # five corrections: two apply to the seeds, three cannot


@pytest.fixture
def seeded(seeded_store: bytes, tmp_path: Path) -> Path:
    store = tmp_path / "atlas.sqlite3"
    store.write_bytes(seeded_store)
    return store


def _shown_calais(store: Path) -> tuple[str, str]:
    """The country and review status of the May article's first Calais."""
    from geo.store import Store

    with Store(store) as opened:
        first = next(g for g in opened.article(MAY).mentions if g.mention.start == 270)
    return first.place.country_code, first.review


def test_corrections_import_applies_what_it_can_and_names_the_rest(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "--store", str(seeded), "corrections", "import", REVIEW)
    assert status == 2
    assert out == (
        "2 applied, 0 already in the store, 1 for articles the store lacks, 0 failed, "
        f"1 for places the gazetteer lacks (store: {seeded})\n"
    )
    lines = err.splitlines()
    assert len(lines) == 3 and all(line.startswith("news-atlas: error: ") for line in lines)
    assert "correction 5: Place 'Atlantis' has invalid coordinates" in lines[0] and "-90..90" in lines[0]
    assert "correction of 'Georgia' (collection, place): The gazetteer has no place 'Georgia'" in lines[1]
    assert lines[2].endswith(f"1 corrections of article 'not-here' left out: the store {seeded} lacks it.")
    assert _shown_calais(seeded) == ("US", "corrected")
    status, out, _ = run_cli(capsys, "--store", str(seeded), "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert not [row for row in rows if row["text"] == "EU"]
    assert [(r["country_code"], r["review"]) for r in rows if r["start"] == "270"] == [("US", "corrected")]
    status, out, _ = run_cli(capsys, "--store", str(seeded), "corrections", "import", REVIEW)
    assert out.startswith("0 applied, 2 already in the store, 1 for articles the store lacks")  # idempotent


def test_corrections_export_import_list_and_undo(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "--store", str(seeded), "corrections", "import", REVIEW)
    status, out, _ = run_cli(capsys, "--store", str(seeded), "corrections", "list", "--reviewer", "Ben")
    assert status == 0
    [row] = [line.split("\t") for line in out.splitlines()]
    assert row[2:] == ["Ben", "mention", "place", MAY, "270-276", "Calais", "Calais, FR -> Calais, US-ME", ""]
    status, out, _ = run_cli(capsys, "--store", str(seeded), "corrections", "undo", row[0], "99")
    assert status == 2 and out == f"undone {row[0]}: place 'Calais' (mention)\n"
    assert _shown_calais(seeded) == ("FR", "automatic")
    exported = tmp_path / "review-out.json"
    status, out, _ = run_cli(capsys, "--store", str(seeded), "corrections", "export", str(exported))
    assert (status, out) == (0, f"2 corrections written to {exported}\n")
    other = tmp_path / "other.sqlite3"
    assert run_cli(capsys, "--store", str(other), "ingest", str(SEED.parent))[0] == 0
    status, out, err = run_cli(capsys, "--store", str(other), "corrections", "import", str(exported))
    assert (status, err) == (0, "") and out.startswith("2 applied, 0 already in the store, 0 for articles")
    _, listed, _ = run_cli(capsys, "--store", str(other), "corrections", "list")
    assert [line.split("\t")[-1].split(" ")[0] for line in listed.splitlines()] == ["", "undone"]
    assert _shown_calais(other) == ("FR", "automatic")


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _huge(path: Path) -> Path:
    """A 1 GB file that takes no disk: refused by its size before a byte is read."""
    with path.open("wb") as out:
        out.truncate(1 << 30)
    return path


# Corrections files import refuses whole, and what the message says.
BAD_CORRECTIONS_FILES = [
    pytest.param(lambda tmp: CORRECTIONS / "not-json.json", "is not JSON (Expecting value", id="not-json"),
    pytest.param(
        lambda tmp: CORRECTIONS / "newer.json",
        "has format version 2; this News Atlas reads version 1",
        id="newer-version",
    ),
    pytest.param(
        lambda tmp: CORRECTIONS / "geojson.json", "is JSON but not a News Atlas corrections file", id="other-json"
    ),
    pytest.param(
        _huge, "is too large: 1,073,741,824 bytes, over the limit of 50,000,000 bytes. Export fewer", id="1-GB"
    ),
    pytest.param(lambda tmp: _written(tmp / "deep.json", "[" * 200_000), "is not JSON (maximum recursion", id="deep"),
    pytest.param(lambda tmp: tmp / "nothing.json", "does not exist. Check the path.", id="missing"),
    pytest.param(lambda tmp: tmp, "is a folder", id="a-folder"),
]


@pytest.mark.parametrize(("make", "said"), BAD_CORRECTIONS_FILES)
def test_corrections_import_refuses_a_bad_file_and_changes_nothing(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, said: str
) -> None:
    before = seeded.read_bytes()
    path = make(tmp_path / "huge.json") if make is _huge else make(tmp_path)
    status, out, err = run_cli(capsys, "--store", str(seeded), "corrections", "import", str(path))
    assert (status, out) == (2, "")
    assert err.startswith(f"news-atlas: error: Corrections file {str(path)!r}") and said in err
    assert err.count("\n") == 1 and seeded.read_bytes() == before
