"""Settings: one declarative table, resolved once.

Resolution order, first wins: an explicit keyword argument to
``Settings.load`` (the CLI passes its flags this way) > the environment
variable ``NEWS_ATLAS_<NAME>`` > the default in ``SETTINGS``.
Paths default to folders of the project checkout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.exc import ConfigurationError

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the settings table: its name, default and help text."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "articles_dir", PROJECT_DIR / "data" / "articles", "Folder of seed articles (.md with front matter, .txt)."
    ),
    Setting("cache_dir", PROJECT_DIR / ".cache", "Folder for the built gazetteer and the online geocoder's cache."),
    Setting("store_path", PROJECT_DIR / "data" / "atlas.sqlite3", "The article store (SQLite), created on first use."),
    Setting("online", False, "Ask an online geocoder (Nominatim) for names the offline gazetteer cannot place."),
    Setting("nominatim_domain", "nominatim.openstreetmap.org", "Host (and port) of the Nominatim server."),
    Setting("nominatim_scheme", "https", "Scheme used to reach Nominatim: https or http."),
    Setting("user_agent", "news-atlas/0.1", "User agent sent to the online geocoder, as its usage policy asks."),
    Setting("online_timeout", 5.0, "Seconds to wait for one online geocoder answer."),
    Setting("online_min_delay", 1.0, "Seconds between two online requests (Nominatim allows one a second)."),
    Setting("adjectives", False, "Also map nationality adjectives that qualify no people ('French riot police')."),
    Setting(
        "max_places",
        10_000,
        "Most place names one article may hold; a text with more (a list, not an article) is refused.",
    ),
    Setting("basemap", "osm", "Map background at start: osm (OpenStreetMap tiles), none (outlines only), custom."),
    Setting("tile_url", "", "Tile URL template for the custom basemap, e.g. http://localhost:8080/{z}/{x}/{y}.png."),
    Setting("tile_attribution", "", "Attribution shown for the custom tiles."),
    Setting("max_article_bytes", 5_000_000, "Largest article file, web page or pasted text accepted, in bytes."),
    Setting("fetch_timeout", 10.0, "Seconds for a whole web page download given by URL (DNS, redirects and body)."),
    Setting(
        "fetch_private",
        True,
        "Fetch URLs on this machine and private networks (loopback, 10.x, 192.168.x...); set false on a shared "
        "server. Link-local and cloud metadata addresses (169.254.x.x) are always refused.",
    ),
)


def _coerce(value: Any, default: Any, name: str) -> Any:
    """Turn a string from the environment into the type of the default."""
    if not isinstance(value, str):
        return value
    try:
        if isinstance(default, bool):
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if isinstance(default, int):  # after bool: a bool is an int
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, Path):
            return Path(value).expanduser()
    except ValueError as err:
        raise ConfigurationError(
            f"Setting {name} has the value {value!r}, which is not a {type(default).__name__}. "
            f"Fix NEWS_ATLAS_{name.upper()}."
        ) from err
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of News Atlas; see ``SETTINGS`` for meanings and defaults."""

    articles_dir: Path
    cache_dir: Path
    store_path: Path
    online: bool
    nominatim_domain: str
    nominatim_scheme: str
    user_agent: str
    online_timeout: float
    online_min_delay: float
    adjectives: bool
    max_places: int
    basemap: str
    tile_url: str
    tile_attribution: str
    max_article_bytes: int
    fetch_timeout: float
    fetch_private: bool

    def __post_init__(self) -> None:
        if self.nominatim_scheme not in {"http", "https"}:
            raise ConfigurationError(f"nominatim_scheme must be 'http' or 'https', not {self.nominatim_scheme!r}.")
        if self.basemap not in {"osm", "none", "custom"}:
            raise ConfigurationError(f"basemap must be osm, none or custom, not {self.basemap!r}.")
        if self.basemap == "custom" and not self.tile_url:
            raise ConfigurationError("basemap is custom but tile_url is empty. Set NEWS_ATLAS_TILE_URL.")
        if self.online_timeout <= 0 or self.online_min_delay < 0:
            raise ConfigurationError(
                f"online_timeout must be positive and online_min_delay not negative "
                f"(got {self.online_timeout!r} and {self.online_min_delay!r})."
            )
        if self.max_article_bytes <= 0 or self.fetch_timeout <= 0:
            raise ConfigurationError(
                f"max_article_bytes and fetch_timeout must be positive "
                f"(got {self.max_article_bytes!r} and {self.fetch_timeout!r})."
            )

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Resolve every setting: ``overrides`` > ``NEWS_ATLAS_*`` > default.

        Parameters
        ----------
        environ:
            The environment to read; ``os.environ`` when omitted.
        overrides:
            Explicit values by setting name; ``None`` means "not given".

        Raises
        ------
        ConfigurationError
            For an unknown setting name or a value of the wrong type.
        """
        environ = dict(os.environ) if environ is None else environ
        known = {s.name: s for s in SETTINGS}
        unknown = set(overrides) - set(known)
        if unknown:
            raise ConfigurationError(f"Unknown settings {sorted(unknown)}; options are: {sorted(known)}")
        values = {}
        for setting in SETTINGS:
            value = overrides.get(setting.name)
            if value is None:
                value = environ.get(f"NEWS_ATLAS_{setting.name.upper()}", setting.default)
            values[setting.name] = _coerce(value, setting.default, setting.name)
        return cls(**values)

    @property
    def gazetteer_path(self) -> Path:
        """Where the built gazetteer index lives."""
        return self.cache_dir / "gazetteer.sqlite3"

    @property
    def online_cache_path(self) -> Path:
        """Where the online geocoder's answers are kept."""
        return self.cache_dir / "online-geocoder.sqlite3"
