"""Build script for the bundled geodata/ (``python -m dashboard.geodata_build``); build-time only."""
