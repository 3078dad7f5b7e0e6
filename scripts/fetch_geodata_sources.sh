#!/usr/bin/env bash
# Fetch the build sources that are not PyPI packages into .cache/sources; needed only to rebuild geodata/
# (python -m dashboard.geodata_build) and by its rebuild test:
#  - Debian's qgis-common package (Natural Earth admin-1 in world_map.gpkg), extracted;
#  - npm's us-atlas@3.0.1 tarball (US Census counties as TopoJSON), kept packed (the build reads the .tgz).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/sources
mkdir -p "$dest"

us_atlas=$dest/us-atlas-3.0.1.tgz
if [ ! -f "$us_atlas" ]; then
  if ! command -v npm >/dev/null; then
    echo "fetch_geodata_sources: npm is missing; put us-atlas-3.0.1.tgz (npm registry) into $dest by hand" >&2
    exit 1
  fi
  (cd "$dest" && npm pack --silent us-atlas@3.0.1 >/dev/null)
  echo "fetch_geodata_sources: $us_atlas"
fi

gpkg=$dest/qgis-common/usr/share/qgis/resources/data/world_map.gpkg
if [ -f "$gpkg" ]; then
  exit 0
fi
if ! ls "$dest"/qgis-common_*.deb >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null; then
    echo "fetch_geodata_sources: apt-get is missing; download Debian's qgis-common .deb into $dest by hand" >&2
    exit 1
  fi
  # apt-get download needs the package lists; refresh them once if the first try fails.
  (cd "$dest" && apt-get download -qq qgis-common) || { apt-get update -qq && (cd "$dest" && apt-get download -qq qgis-common); }
fi
deb=$(ls "$dest"/qgis-common_*.deb | sort | tail -n 1)
dpkg-deb -x "$deb" "$dest/qgis-common"
echo "fetch_geodata_sources: $gpkg"
