"""Offline map assets: Leaflet and its cluster plugin, served by the app itself.

folium loads Leaflet from CDNs; offline, the map then shows nothing.  The
files ship in registry packages (``XStatic-Leaflet``,
``XStatic-Leaflet-MarkerCluster``, ``XStatic-jQuery``); ``install_vendor_assets`` copies them
into the app's static folder at set-up (they are never committed), and
``VENDOR_JS``/``VENDOR_CSS`` give the URLs the app's pages load them from.
``install_outlines`` writes the country outlines there too, as a file the
browser fetches once and caches, instead of receiving them with every rerun.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import xstatic.pkg.jquery as xstatic_jquery
import xstatic.pkg.leaflet as xstatic_leaflet
import xstatic.pkg.leaflet_markercluster as xstatic_markercluster

from geo.exc import AssetError

# Streamlit serves <app folder>/static/<path> at /app/static/<path>.
STATIC_URL = "/app/static"
VENDOR_FOLDER = "vendor"
OUTLINES_FOLDER = "generated"

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


def outlines_geojson(outlines: Mapping[str, dict]) -> dict:
    """Country outlines (geometries by ISO code) as one GeoJSON FeatureCollection, in code order."""
    features = [{"type": "Feature", "properties": {"iso": code}, "geometry": g} for code, g in sorted(outlines.items())]
    return {"type": "FeatureCollection", "features": features}


def install_outlines(static_dir: Path, outlines: Mapping[str, dict]) -> str:
    """Write the country outlines as one GeoJSON file under ``static_dir``; return its URL.

    The name carries a hash of the content, so a browser may cache it for
    good and a new gazetteer gets a new URL.  The file is written whole
    (renamed into place) and older outline files are removed.

    Raises
    ------
    AssetError
        When the folder cannot be written.
    """
    body = json.dumps(outlines_geojson(outlines), separators=(",", ":")).encode()
    name = f"outlines-{hashlib.sha256(body).hexdigest()[:16]}.json"
    folder = static_dir / OUTLINES_FOLDER
    target = folder / name
    try:
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".outlines-")
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        for old in folder.glob("outlines-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError as err:
        raise AssetError(f"Cannot write the country outlines into {folder}: {err}. Check that it is writable.") from err
    return f"{STATIC_URL}/{OUTLINES_FOLDER}/{name}"
