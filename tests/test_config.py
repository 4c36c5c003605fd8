"""Tests for geo.config: resolution order, types, bad values, documentation."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from geo.config import PROJECT_DIR, SETTINGS, Settings
from geo.exc import ConfigurationError
from geo.gazetteer import GEOCODERS


def test_table_and_dataclass_agree() -> None:
    assert [f.name for f in fields(Settings)] == [s.name for s in SETTINGS]


def test_defaults() -> None:
    settings = Settings.load(environ={})
    assert settings.online is False
    assert settings.cache_dir == PROJECT_DIR / ".cache"
    assert settings.gazetteer_path.parent == settings.cache_dir


def test_resolution_order_argument_over_environment_over_default(tmp_path: Path) -> None:
    environ = {"NEWS_ATLAS_ONLINE": "yes", "NEWS_ATLAS_CACHE_DIR": str(tmp_path / "env")}
    assert Settings.load(environ=environ).online is True
    assert Settings.load(environ=environ).cache_dir == tmp_path / "env"
    assert Settings.load(environ=environ, online=False, cache_dir=tmp_path).cache_dir == tmp_path
    assert Settings.load(environ=environ, online=False).online is False


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"NEWS_ATLAS_ONLINE": "perhaps"}, "NEWS_ATLAS_ONLINE"),
        ({"NEWS_ATLAS_ONLINE_TIMEOUT": "soon"}, "NEWS_ATLAS_ONLINE_TIMEOUT"),
        ({"NEWS_ATLAS_ONLINE_TIMEOUT": "0"}, "online_timeout"),
        ({"NEWS_ATLAS_NOMINATIM_SCHEME": "ftp"}, "nominatim_scheme"),
    ],
    ids=["bool", "float", "zero-timeout", "scheme"],
)
def test_bad_values_name_the_setting(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.load(environ=environ)


def test_unknown_setting() -> None:
    with pytest.raises(ConfigurationError, match="Unknown settings"):
        Settings.load(environ={}, colour="blue")


def test_every_setting_and_geocoder_is_documented() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"NEWS_ATLAS_{setting.name.upper()}" in readme, setting.name
    for name in GEOCODERS:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, True), ({"NEWS_ATLAS_FETCH_PRIVATE": "false"}, False), ({"NEWS_ATLAS_FETCH_PRIVATE": "on"}, True)],
    ids=["laptop-default", "shared-server", "on"],
)
def test_fetch_private(environ: dict[str, str], expected: bool) -> None:
    assert Settings.load(environ=environ).fetch_private is expected


def test_fetch_private_bad_value_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="NEWS_ATLAS_FETCH_PRIVATE"):
        Settings.load(environ={"NEWS_ATLAS_FETCH_PRIVATE": "sometimes"})
