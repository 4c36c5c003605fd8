"""Offline map assets: Leaflet and its cluster plugin, served by the app itself.

folium loads Leaflet from CDNs; offline, the map then shows nothing.  The
files ship in registry packages (``XStatic-Leaflet``,
``XStatic-Leaflet-MarkerCluster``, ``XStatic-jQuery``); ``install_vendor_assets`` copies them
into the app's static folder at set-up (they are never committed), and
``VENDOR_JS``/``VENDOR_CSS`` give the URLs the app's pages load them from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.jquery as xstatic_jquery
import xstatic.pkg.leaflet as xstatic_leaflet
import xstatic.pkg.leaflet_markercluster as xstatic_markercluster

from geo.exc import AssetError

# Streamlit serves <app folder>/static/<path> at /app/static/<path>.
STATIC_URL = "/app/static"
VENDOR_FOLDER = "vendor"

_PACKAGES = {
    "jquery": (Path(xstatic_jquery.BASE_DIR), ["jquery.min.js"]),
    "leaflet": (Path(xstatic_leaflet.BASE_DIR), ["leaflet.js", "leaflet.css", "images"]),
    "markercluster": (
        Path(xstatic_markercluster.BASE_DIR),
        ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"],
    ),
}

VENDOR_JS: list[tuple[str, str]] = [
    ("leaflet", f"{STATIC_URL}/{VENDOR_FOLDER}/leaflet/leaflet.js"),
    ("jquery", f"{STATIC_URL}/{VENDOR_FOLDER}/jquery/jquery.min.js"),  # folium's popups use it
    ("markercluster", f"{STATIC_URL}/{VENDOR_FOLDER}/markercluster/leaflet.markercluster.js"),
]
VENDOR_CSS: list[tuple[str, str]] = [
    ("leaflet_css", f"{STATIC_URL}/{VENDOR_FOLDER}/leaflet/leaflet.css"),
    ("markercluster_css", f"{STATIC_URL}/{VENDOR_FOLDER}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC_URL}/{VENDOR_FOLDER}/markercluster/MarkerCluster.Default.css"),
]


def vendor_files(static_dir: Path) -> list[Path]:
    """The files ``install_vendor_assets`` puts under ``static_dir``."""
    files = []
    for name, (_, entries) in _PACKAGES.items():
        for entry in entries:
            files.append(static_dir / VENDOR_FOLDER / name / entry)
    return files


def vendor_source(url: str) -> Path:
    """The packaged file behind a ``VENDOR_JS``/``VENDOR_CSS`` URL, for pages built without the app (exports).

    Raises
    ------
    ValueError
        When ``url`` is not one of the vendored assets' URLs.
    """
    prefix = f"{STATIC_URL}/{VENDOR_FOLDER}/"
    name, _, entry = url.removeprefix(prefix).partition("/")
    if not url.startswith(prefix) or name not in _PACKAGES or not entry:
        raise ValueError(f"{url!r} is not a vendored asset URL; they start with {prefix!r}")
    return _PACKAGES[name][0] / entry


def install_vendor_assets(static_dir: Path) -> Path:
    """Copy Leaflet and MarkerCluster from their packages into ``static_dir/vendor``.

    A no-op when every file is already there.  Returns the vendor folder.

    Raises
    ------
    AssetError
        When a package's files are missing or the folder cannot be written.
    """
    vendor = static_dir / VENDOR_FOLDER
    if all(path.exists() for path in vendor_files(static_dir)):
        return vendor
    try:
        for name, (source_dir, entries) in _PACKAGES.items():
            target = vendor / name
            target.mkdir(parents=True, exist_ok=True)
            for entry in entries:
                source = source_dir / entry
                if source.is_dir():
                    shutil.copytree(source, target / entry, dirs_exist_ok=True)
                else:
                    shutil.copy2(source, target / entry)
    except OSError as err:
        raise AssetError(f"Cannot copy the map's JavaScript into {vendor}: {err}. Reinstall with `make run`.") from err
    return vendor
