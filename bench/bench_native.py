"""The compiled geoparser (dashboard/native.py) against the same modules interpreted, in one run.

usage: python bench/bench_native.py [--articles 3000] [--rounds 3]

Reuters-21578 articles parsed one by one, as in bench_geoparse.py, in fresh interpreters that alternate
``DASHBOARD_NATIVE=1`` (the current build; run ``python -m dashboard.native`` first) and ``=0``; each
reports its best CPU time of three passes, and the best of ``--rounds`` interpreters counts (the machine is
shared: noise only adds). geotext runs in the same interpreters, for the ratio the issue asks about.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(articles: int) -> None:
    """Parse the articles (best CPU time of 3 passes) and print the figures as JSON."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_geoparse import reuters_bodies
    from geotext import GeoText

    from dashboard.geoparse import compiled, default_parser

    texts = reuters_bodies(articles)
    parser = default_parser()
    GeoText(texts[0])
    for t in texts:  # warm every cache once, as a long-running server would be
        parser.parse(t)
    best = {"ours": float("inf"), "geotext": float("inf")}
    for _ in range(3):
        c0 = time.process_time()
        for t in texts:
            parser.parse(t)
        best["ours"] = min(best["ours"], time.process_time() - c0)
        c0 = time.process_time()
        for t in texts:
            GeoText(t)
        best["geotext"] = min(best["geotext"], time.process_time() - c0)
    print(json.dumps({"compiled": compiled(), "n": len(texts), **best}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.articles)
        return
    got: dict[str, list[dict]] = {"1": [], "0": []}
    for _ in range(a.rounds):
        for mode in got:
            env = {**os.environ, "DASHBOARD_NATIVE": mode}
            cmd = [sys.executable, __file__, "--worker", "--articles", str(a.articles)]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            got[mode].append(json.loads(out.splitlines()[-1]))
    if not got["1"][0]["compiled"]:
        raise SystemExit("no compiled build for these sources: run `python -m dashboard.native` first")
    n = got["1"][0]["n"]
    us = {mode: min(r["ours"] for r in runs) / n * 1e6 for mode, runs in got.items()}
    geotext = min(r["geotext"] for runs in got.values() for r in runs) / n * 1e6
    print(f"Reuters-21578, {n:,} articles one by one: CPU µs per article (best of {a.rounds} interpreters)")
    print(f"  compiled (mypyc)        {us['1']:7.1f}   ratio ours/geotext {geotext / us['1']:.3f}")
    print(f"  interpreted             {us['0']:7.1f}   ratio ours/geotext {geotext / us['0']:.3f}")
    print(f"  geotext                 {geotext:7.1f}")
    print(f"  compiled speed-up       {us['0'] / us['1']:7.2f}x")


if __name__ == "__main__":
    main()
