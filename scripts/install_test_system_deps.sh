#!/usr/bin/env bash
# Install what the tests need from Debian: Chromium for the browser tests, and the
# qgis-common package's data (Natural Earth admin-1) for the geodata rebuild test.
set -euo pipefail
cd "$(dirname "$0")/.."
need_update=1
apt_update() { if [ $need_update = 1 ]; then apt-get update -qq; need_update=0; fi; }
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian's chromium for the browser tests"
    apt_update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing; install Debian's chromium (apt-get install chromium) for the browser tests" >&2
  fi
fi
# Natural Earth admin-1 (Debian qgis-common) for the geodata rebuild test (tests/test_geodata.py, slow).
bash scripts/fetch_geodata_sources.sh || echo "setup: could not fetch qgis-common; the geodata rebuild test will fail" >&2
