#!/usr/bin/env bash
# Fetch the build sources that are not PyPI packages into .cache/sources; needed only to rebuild geodata/
# (python -m dashboard.geodata_build) and by its rebuild test:
#  - Debian's qgis-common package (Natural Earth admin-1 in world_map.gpkg), extracted;
#  - npm's us-atlas tarball (US Census counties as TopoJSON), kept packed (the build reads the .tgz).
# Both are pinned to the versions the committed geodata/ was built from, so the byte-identical rebuild
# test keeps passing when Debian or npm publish newer ones. If Debian no longer serves the pinned
# qgis-common, the current one is used with a warning (the rebuild may then differ from geodata/).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/sources
mkdir -p "$dest"

US_ATLAS_VERSION=3.0.1           # = dashboard.geodata_build.sources.US_ATLAS_VERSION
QGIS_VERSION=3.22.16+dfsg-1      # Debian bookworm; see geodata/README.md

us_atlas=$dest/us-atlas-$US_ATLAS_VERSION.tgz
if [ ! -f "$us_atlas" ]; then
  if ! command -v npm >/dev/null; then
    echo "fetch_geodata_sources: npm is missing; put us-atlas-$US_ATLAS_VERSION.tgz (npm registry) into $dest by hand" >&2
    exit 1
  fi
  (cd "$dest" && npm pack --silent "us-atlas@$US_ATLAS_VERSION" >/dev/null)
  echo "fetch_geodata_sources: $us_atlas"
fi

gpkg=$dest/qgis-common/usr/share/qgis/resources/data/world_map.gpkg
stamp=$dest/qgis-common/DEBIAN_VERSION   # version of the .deb extracted there
if [ -f "$gpkg" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$QGIS_VERSION" ]; then
  exit 0
fi

# dpkg file names encode ':' of an epoch as %3a; this version has none.
pinned=$dest/qgis-common_${QGIS_VERSION}_all.deb
deb=$pinned
if [ ! -f "$pinned" ]; then
  if ! command -v apt-get >/dev/null; then
    echo "fetch_geodata_sources: apt-get is missing; download Debian's qgis-common_${QGIS_VERSION}_all.deb into $dest by hand" >&2
    exit 1
  fi
  # apt-get download needs the package lists; refresh them once if the first try fails.
  fetch() { (cd "$dest" && apt-get download -qq "$@"); }
  if ! { fetch "qgis-common=$QGIS_VERSION" || { apt-get update -qq && fetch "qgis-common=$QGIS_VERSION"; }; }; then
    echo "fetch_geodata_sources: WARNING: Debian no longer serves qgis-common=$QGIS_VERSION;" \
      "using the current version. The rebuild may differ from the committed geodata/ (the byte-identical" \
      "rebuild test can then fail). For an exact rebuild put qgis-common_${QGIS_VERSION}_all.deb" \
      "(from Debian's snapshot archive) into $dest." >&2
    fetch qgis-common
    deb=$(ls "$dest"/qgis-common_*.deb | grep -vF "$pinned" | sort -V | tail -n 1)
  fi
fi
version=$(dpkg-deb -f "$deb" Version)
if [ "$version" != "$QGIS_VERSION" ]; then
  echo "fetch_geodata_sources: WARNING: extracting qgis-common $version, not the pinned $QGIS_VERSION" >&2
fi
rm -rf "$dest/qgis-common"
dpkg-deb -x "$deb" "$dest/qgis-common"
echo "$version" >"$stamp"
echo "fetch_geodata_sources: $gpkg (qgis-common $version)"
