"""Tests for geo.assets: the map's JavaScript comes from the app, copied from registry packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.assets import VENDOR_CSS, VENDOR_JS, install_vendor_assets, vendor_files
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
