"""Tests of bench/app_speed.py's helpers that need no browser (its figures are in docs/BENCHMARKS.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "app_speed.py"


@pytest.fixture(scope="module")
def app_speed():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("app_speed", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["app_speed"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("url", "foreign"),
    [
        ("http://127.0.0.1:8501/static/js/index.js", False),
        ("http://localhost:8501/", False),
        ("http://[::1]:8501/", False),
        # A Streamlit v2 component's script (the reader's events) is loaded from a blob: URL of the page itself.
        ("blob:http://127.0.0.1:37199/b7937037-f6e1-4e78-926b-63de58a842c2", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("https://tile.openstreetmap.org/3/4/2.png", True),
        ("blob:https://example.com/b7937037", True),
    ],
    ids=["loopback", "localhost", "ipv6-loopback", "blob-of-the-app", "data", "osm-tile", "blob-of-another-host"],
)
def test_only_other_hosts_are_foreign(app_speed, url: str, foreign: bool) -> None:  # type: ignore[no-untyped-def]
    assert app_speed.foreign(url) is foreign
