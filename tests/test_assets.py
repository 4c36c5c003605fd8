"""Tests for geo.assets: the map's JavaScript comes from the app, copied from registry packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.assets import (
    VENDOR_CSS,
    VENDOR_JS,
    install_outlines,
    install_vendor_assets,
    outlines_geojson,
    vendor_files,
    vendor_source,
)
from geo.exc import AssetError


def test_install_copies_every_file_once(tmp_path: Path) -> None:
    vendor = install_vendor_assets(tmp_path)
    assert all(path.exists() for path in vendor_files(tmp_path))
    assert (vendor / "leaflet" / "images" / "layers.png").exists()
    leaflet = vendor / "leaflet" / "leaflet.js"
    stamp = leaflet.stat().st_mtime_ns
    install_vendor_assets(tmp_path)
    assert leaflet.stat().st_mtime_ns == stamp


def test_urls_point_at_the_installed_files(tmp_path: Path) -> None:
    install_vendor_assets(tmp_path)
    for _, url in VENDOR_JS + VENDOR_CSS:
        assert url.startswith("/app/static/")
        assert (tmp_path / url.removeprefix("/app/static/")).is_file(), url


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "static"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(AssetError, match="Cannot copy the map's JavaScript"):
        install_vendor_assets(blocker)


def test_vendor_source_finds_each_packaged_file() -> None:
    for _, url in VENDOR_JS + VENDOR_CSS:
        assert vendor_source(url).is_file(), url
    assert vendor_source("/app/static/vendor/leaflet/images/layers.png").is_file()


@pytest.mark.parametrize(
    "url",
    ["https://cdn.example/leaflet.js", "/app/static/vendor/nope/x.js", "/app/static/vendor/leaflet", "/leaflet.js"],
    ids=["cdn", "unknown-package", "no-file", "other-path"],
)
def test_vendor_source_rejects_other_urls(url: str) -> None:
    with pytest.raises(ValueError, match="not a vendored asset URL"):
        vendor_source(url)


def test_outlines_file_is_named_by_its_content(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[0.0, 45.0], [5.0, 45.0], [5.0, 50.0], [0.0, 45.0]]]}
    url = install_outlines(tmp_path, {"FR": square})
    assert url.startswith("/app/static/generated/outlines-") and url.endswith(".json")
    written = tmp_path / url.removeprefix("/app/static/")
    assert json.loads(written.read_text()) == outlines_geojson({"FR": square})
    assert install_outlines(tmp_path, {"FR": square}) == url
    other = install_outlines(tmp_path, {"FR": square, "BE": square})
    assert other != url and not written.exists()  # a new gazetteer: a new URL, the old file gone
    assert [p.name for p in (tmp_path / "generated").iterdir()] == [other.rsplit("/", 1)[1]]


def test_outlines_in_an_unwritable_folder_are_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "generated").write_text("a file where the folder should be")
    with pytest.raises(AssetError, match="Cannot write the country outlines"):
        install_outlines(tmp_path, {})
