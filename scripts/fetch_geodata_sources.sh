#!/usr/bin/env bash
# Fetch the Debian qgis-common package (Natural Earth admin-1 in world_map.gpkg) into .cache/sources and
# extract it; needed only to rebuild geodata/ (python -m dashboard.geodata_build) and by its rebuild test.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/sources
gpkg=$dest/qgis-common/usr/share/qgis/resources/data/world_map.gpkg
if [ -f "$gpkg" ]; then
  exit 0
fi
mkdir -p "$dest"
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
