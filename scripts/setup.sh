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
# The geoparser's stages compiled with mypyc into .cache/native (a minute or two, only when their sources
# changed; dashboard/native.py); without a C compiler it says so and the same modules run as Python.
.venv/bin/python -m dashboard.native || true
bash scripts/fetch_web_assets.sh
bash scripts/fetch_reuters.sh
# The names index and geometry store in .cache/ (memory-mapped by the CLI and the dashboard; quick when built),
# and the sample's parse and claims in .cache/results/ for the dashboard server's warm-up (launch.py).
.venv/bin/python -m dashboard.caches || echo "setup: the caches were not built now; the first run builds them"
# The corpus view's demo store: Reuters-21578 geoparsed by `batch` on a Dask LocalCluster into .cache/stores/reuters
# (about a minute on 2 cores); rebuilt only when missing or made with other geodata.
if ls .cache/reuters/package/data/full/reuters-*.json >/dev/null 2>&1 \
  && ! .venv/bin/python -c "import sys; from dashboard.corpus import batch; sys.exit(not batch.store_is_current(batch.REUTERS_STORE))"; then
  echo "setup: building the Reuters-21578 corpus store in .cache/stores/reuters"
  # Exit 1 is a built store with some records skipped (2,535 Reuters records have no body); 2 or 3: not built.
  rc=0
  .venv/bin/python -m dashboard batch --reuters || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "setup: the Reuters store was not built; the corpus view offers to build it"
  fi
fi
