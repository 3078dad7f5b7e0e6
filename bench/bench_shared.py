"""Memory of worker processes holding the names index: 1 worker, then 2 at once; mapped vs built in memory.

usage: python bench/bench_shared.py [--articles 300]

Each worker is a fresh Python process that loads the geoparser (as a Dask worker of the batch path or a
dashboard process does), parses ``--articles`` Reuters bodies, reports, and waits. Figures come from
/proc/PID/smaps_rollup: RSS (pages resident), PSS (shared pages divided among the processes that map
them) and USS (pages private to the process). With the memory-mapped index the index pages are shared
page cache: the second worker's PSS falls and its USS stays small. DASHBOARD_NAMEINDEX_CACHE=0 makes the
workers build the index in their own heap instead (the reference).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
from bench_geoparse import reuters_bodies
from dashboard.geoparse import default_parser
p = default_parser()
for t in reuters_bodies({n}):
    p.parse(t)
print(p.index.source, flush=True)
sys.stdin.read()  # hold the index until the bench closes stdin
"""


def rollup(pid: int) -> dict[str, float]:
    """RSS, PSS, USS (MB) of a process from /proc/PID/smaps_rollup."""
    vals: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            vals[key] = int(parts[0]) / 1024
    uss = vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0)
    return {"RSS": vals.get("Rss", 0), "PSS": vals.get("Pss", 0), "USS": uss}


def start(n: int, cache: bool) -> subprocess.Popen:
    env = dict(os.environ, DASHBOARD_NAMEINDEX_CACHE="1" if cache else "0")
    code = WORKER.format(root=str(ROOT), bench=str(ROOT / "bench"), n=n)
    p = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    source = p.stdout.readline().strip()
    if not source:
        raise SystemExit("a worker failed to start")
    return p


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300)
    a = ap.parse_args()
    print(f"workers holding the names index after parsing {a.articles} Reuters articles (MB)")
    print(
        f"  {'index':24s} {'workers':>7s} {'RSS each':>9s} {'PSS each':>9s} {'USS each':>9s} "
        f"{'PSS total':>9s}"
    )
    for cache, label in ((True, "memory-mapped (.cache)"), (False, "built in each process")):
        for count in (1, 2):
            procs = [start(a.articles, cache) for _ in range(count)]
            try:
                stats = [rollup(p.pid) for p in procs]
            finally:
                for p in procs:
                    p.stdin.close()
                    p.wait(timeout=60)
            rss = sum(s["RSS"] for s in stats) / count
            pss = sum(s["PSS"] for s in stats) / count
            uss = sum(s["USS"] for s in stats) / count
            total = sum(s["PSS"] for s in stats)
            print(f"  {label:24s} {count:7d} {rss:9.0f} {pss:9.0f} {uss:9.0f} {total:9.0f}")


if __name__ == "__main__":
    main()
