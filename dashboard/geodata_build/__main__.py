"""``python -m dashboard.geodata_build [--out DIR]``: rebuild geodata/ from its sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.errors import GeodataError
from dashboard.settings import GEODATA_DIR


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.geodata_build", description=__doc__)
    parser.add_argument("--out", type=Path, default=GEODATA_DIR, help="output folder (default: geodata/)")
    parser.add_argument(
        "--src", type=Path, default=GEODATA_DIR / "src", help="authored tables (default: geodata/src)"
    )
    args = parser.parse_args(argv)
    from dashboard.geodata_build.build import build

    try:
        build(args.out, args.src)
    except GeodataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
