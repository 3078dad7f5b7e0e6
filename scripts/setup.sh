#!/usr/bin/env bash
# Create .venv in the project root and install the locked dependencies; fast when nothing changed.
# Also fetches Leaflet (and friends) from the npm registry into .cache/web for the offline map mode.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-requirements.lock
if ! cmp -s requirements.lock "$stamp"; then
  echo "setup: installing locked dependencies into .venv (first run takes a minute)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements.lock
  cp requirements.lock "$stamp"
fi
bash scripts/fetch_web_assets.sh
bash scripts/fetch_reuters.sh
# The names index and geometry store in .cache/ (memory-mapped by the CLI and the dashboard; quick when built).
.venv/bin/python -m dashboard.caches || echo "setup: the caches were not built now; the first run builds them"
