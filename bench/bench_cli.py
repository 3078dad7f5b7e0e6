"""CLI cold start and memory beside `python -c "import geopandas"`, and output sizes per --geometry mode.

usage: python bench/bench_cli.py [--repeat 5] [--articles 200]

Every figure is a fresh process of the same venv (median of ``--repeat`` runs, interleaved with the
reference so both see the same load). Peak RSS is the child's ru_maxrss. The output-size part writes the
first ``--articles`` Reuters-21578 bodies (from .cache/reuters, fetched by setup; into a temporary folder,
never committed) and runs `geoparse` over them once per --geometry mode.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SAMPLE = ROOT / "seeds" / "000_f76bc0d3d06c699a.txt"


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, exit code) of a child process."""
    t0 = time.perf_counter()
    pid = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).pid
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--articles", type=int, default=200)
    a = ap.parse_args()
    py = sys.executable
    ref = [py, "-c", "import geopandas"]
    cli = {
        fmt: [py, "-m", "dashboard", "geoparse", str(SAMPLE), "--format", fmt, "--output", "/dev/null"]
        for fmt in ("geojson", "jsonl", "csv")
    }
    timed(cli["geojson"])  # builds .cache/nameindex and .cache/geomstore if this checkout has none yet
    runs: dict[str, list[tuple[float, float, int]]] = {k: [] for k in ["import geopandas", *cli]}
    for _ in range(a.repeat):
        runs["import geopandas"].append(timed(ref))
        for fmt, cmd in cli.items():
            runs[fmt].append(timed(cmd))
    t_ref = statistics.median(r[0] for r in runs["import geopandas"])
    print(f"cold start, the sample article, median of {a.repeat} (same venv, interleaved)")
    for name, rs in runs.items():
        t = statistics.median(r[0] for r in rs)
        rss = max(r[1] for r in rs)
        codes = sorted({r[2] for r in rs})
        extra = "" if name == "import geopandas" else f"  ratio {t / t_ref:.2f} (target <= 1.5)"
        print(f"  {name:18s} {t:5.2f} s  peak RSS {rss:5.0f} MB  exit {codes}{extra}")

    from bench_geoparse import reuters_bodies

    bodies = reuters_bodies(a.articles)
    if not a.articles:
        return
    if not bodies:
        print("output sizes: no Reuters articles in .cache/reuters (run scripts/setup.sh)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, body in enumerate(bodies):
            p = Path(tmp) / f"reuters_{i:04d}.txt"
            p.write_text(body, encoding="utf-8")
            paths.append(str(p))
        size_in = sum(Path(p).stat().st_size for p in paths)
        print(f"output size, {len(paths)} Reuters articles ({size_in / 1e3:.0f} KB of text)")
        for mode in ("point", "none", "display", "full"):
            out = Path(tmp) / f"out_{mode}.geojson"
            t, rss, code = timed(
                [py, "-m", "dashboard", "geoparse", *paths, "--geometry", mode, "-o", str(out)]
            )
            size = out.stat().st_size if out.exists() else 0
            note = "  (target <= 3x)" if mode == "point" else ""
            print(
                f"  --geometry {mode:8s} {size / 1e6:7.2f} MB = {size / size_in:6.2f}x the input{note}"
                f"  ({t:.2f} s, peak RSS {rss:.0f} MB, exit {code})"
            )


if __name__ == "__main__":
    main()
