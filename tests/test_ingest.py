"""Tests for geo.ingest: batches of files into the store, with a report; workers; reindex; seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.config import Settings
from geo.ingest import ingest_articles, ingest_paths, ingest_seeds, reindex
from geo.models import Article
from geo.pipeline import Geoparser
from geo.readers import read_pasted
from geo.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "atlas.sqlite3")


@pytest.fixture
def batch(tmp_path: Path, settings: Settings) -> Path:
    """A folder with the seeds, a good text, and the bad inputs the issue lists."""
    folder = tmp_path / "batch"
    (folder / "nested").mkdir(parents=True)
    for seed in settings.articles_dir.glob("*.md"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "nested" / "lampedusa.txt").write_text("Boats reached Lampedusa, near Libya.\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Réfugiés à Hénin-Beaumont, près de Calais.".encode("latin-1"))
    (folder / "empty.txt").write_text("   \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "page.html").write_text(
        "<html><head><title>Camp cleared</title><script>alert(1)</script></head><body>"
        '<article><p>Police cleared the camp in Calais, France.<img src=x onerror="alert(2)"></p></article>'
        "</body></html>",
        encoding="utf-8",
    )
    return folder


def test_a_batch_goes_in_and_the_bad_inputs_are_reported(batch: Path, store: Store, settings: Settings) -> None:
    report = ingest_paths([str(batch), str(batch / "missing.md")], store, settings)
    assert report.summary() == "5 added, 0 skipped as duplicate, 3 failed"
    assert not report.ok
    failed = {Path(o.source).name: o.reason for o in report.of("failed")}
    assert set(failed) == {"missing.md", "empty.txt", "binary.txt"}
    assert all(reason for reason in failed.values())
    titles = {info.title for info in store.article_infos()}
    assert "Camp cleared" in titles
    latin = next(i for i in store.article_infos() if i.id == "latin1")
    assert "Hénin-Beaumont" in store.texts([latin.id])[latin.id]
    page = next(i for i in store.article_infos() if i.title == "Camp cleared")
    assert "<script>" not in store.texts([page.id])[page.id] and "onerror" not in store.texts([page.id])[page.id]


def test_the_same_batch_again_is_all_duplicates(batch: Path, store: Store, settings: Settings) -> None:
    ingest_paths([str(batch)], store, settings)
    again = ingest_paths([str(batch)], store, settings)
    assert again.summary() == "0 added, 5 skipped as duplicate, 2 failed"
    assert len(store) == 5


def test_workers_give_the_same_result(batch: Path, tmp_path: Path, settings: Settings) -> None:
    one = Store(tmp_path / "one.sqlite3")
    two = Store(tmp_path / "two.sqlite3")
    seen: list[tuple[int, int]] = []
    serial = ingest_paths([str(batch)], one, settings)
    parallel = ingest_paths([str(batch)], two, settings, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert [(o.source, o.status, o.article_id) for o in serial.outcomes] == [
        (o.source, o.status, o.article_id) for o in parallel.outcomes
    ]
    assert [s.id for s in one.summaries()] == [s.id for s in two.summaries()]
    assert seen[-1] == (7, 7)


def test_a_local_dask_cluster_gives_the_same_result(batch: Path, tmp_path: Path, settings: Settings) -> None:
    from distributed import Client, LocalCluster

    from geo.ingest import ingest_on_dask

    serial = ingest_paths([str(batch), str(batch / "missing.md")], Store(tmp_path / "one.sqlite3"), settings)
    on_dask = Store(tmp_path / "dask.sqlite3")
    seen: list[tuple[int, int]] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        report = ingest_on_dask([str(batch), str(batch / "missing.md")], on_dask, settings, client,
                                progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert [(o.source, o.status, o.article_id, o.reason) for o in report.outcomes] == [
        (o.source, o.status, o.article_id, o.reason) for o in serial.outcomes
    ]
    assert report.summary() == "5 added, 0 skipped as duplicate, 3 failed"
    assert [s.id for s in on_dask.summaries()] == [s.id for s in Store(tmp_path / "one.sqlite3").summaries()]
    assert seen[-1] == (7, 7)


def test_in_process_sources(store: Store, geoparser: Geoparser) -> None:
    sources = [
        ("pasted", lambda: read_pasted("Camp news", "Refugees camped in Sangatte, near Calais.")),
        ("broken", lambda: read_pasted("Nothing", "   ")),
    ]
    report = ingest_articles(sources, store, geoparser)
    assert [o.status for o in report.outcomes] == ["added", "failed"]
    assert "Sangatte" in [s.place.name for s in store.summaries()]


def test_reindex_only_what_another_version_made(store: Store, geoparser: Geoparser) -> None:
    article = Article("a", "A", "Refugees camped in Calais, France.")
    store.add(article, [], geoparser_version="old")
    assert reindex(store, geoparser) == 1
    assert store.stale_article_ids(geoparser.version) == []
    assert [s.place.name for s in store.summaries()] == ["Calais", "France"]
    assert reindex(store, geoparser) == 0
    assert reindex(store, geoparser, everything=True) == 1


def test_seeds_go_in_once(store: Store, settings: Settings) -> None:
    report = ingest_seeds(store, settings)
    assert report is not None and report.summary() == "2 added, 0 skipped as duplicate, 0 failed"
    store.delete("calais-police-attack-camp-2014-05-29")
    assert ingest_seeds(store, settings) is None
    assert len(store) == 1


def test_geoparse_document_is_a_pure_step(settings: Settings) -> None:
    """The function a cluster engine maps over documents: bytes in, article and mentions (or a reason) out."""
    from geo.ingest import geoparse_document

    good = geoparse_document("camp.txt", b"Camp news\n\nRefugees camped in Sangatte, near Calais.", settings)
    assert good.error == "" and good.article is not None
    assert [m.place.name for m in good.mentions if m.place] == ["Sangatte", "Calais"]
    bad = geoparse_document("blob.txt", b"\x00\x01", settings)
    assert bad.article is None and "binary" in bad.error


def test_a_store_error_fails_that_input_only(tmp_path: Path, store: Store, settings: Settings,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """A write the store refuses is a failed input with its reason; the batch goes on."""
    from geo.exc import StoreError

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"News {name}\n\nRefugees camped in Calais, France.", encoding="utf-8")
    real_add = Store.add

    def flaky_add(self: Store, article: Article, *args: object, **kwargs: object) -> object:
        if article.id == "a":
            raise StoreError("disk full")
        return real_add(self, article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "add", flaky_add)
    report = ingest_paths([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store, settings)
    assert [(Path(o.source).name, o.status) for o in report.outcomes] == [("a.txt", "failed"), ("b.txt", "added")]
    assert "disk full" in report.outcomes[0].reason
