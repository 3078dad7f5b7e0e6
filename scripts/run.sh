#!/usr/bin/env bash
# Set up .venv if needed, then start the dashboard on the bundled sample article (launch.py: `streamlit run
# streamlit_app.py` with the sample's first page made while the browser loads).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python launch.py --browser.gatherUsageStats false "$@"
