#!/usr/bin/env bash
# Set up .venv if needed, then start the dashboard on the bundled sample article.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run streamlit_app.py --browser.gatherUsageStats false "$@"
