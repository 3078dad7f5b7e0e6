#!/usr/bin/env bash
# Set up .venv (and, as root, Debian's Chromium for the browser tests), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_test_system_deps.sh
exec .venv/bin/python -m pytest "$@"
