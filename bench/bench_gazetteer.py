"""Benchmark the gazetteer: cold load of every layer + indexes (fresh process), warm calls, geodata/ size.

Run: ``.venv/bin/python bench/bench_gazetteer.py [--runs N]``. Budgets (issue 2): cold < 2 s, warm < 50 ms,
geodata/ <= 30 MB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD = """
import time
t0 = time.perf_counter()
from dashboard.gazetteer import get_gazetteer
t1 = time.perf_counter()
get_gazetteer().load_all()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, t2 - t0)
"""


def cold(runs: int) -> list[tuple[float, float, float]]:
    """Import, load_all and total seconds, each in a fresh interpreter."""
    out = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True
        )
        out.append(tuple(float(x) for x in res.stdout.split()))
    return out


def warm(repeat: int = 200) -> dict[str, float]:
    """Median milliseconds of cached calls after everything is loaded."""
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer().load_all()
    gaz.members("alliance:nato", "2024-06-01")
    gaz.geometry("alliance:nato", on="2024-06-01", display=True)
    calls = {
        "get_gazetteer().layer(country)": lambda: get_gazetteer().layer("country"),
        "layer(province, display)": lambda: gaz.layer("province", display=True),
        "names()": gaz.names,
        "lookup('Kyiv')": lambda: gaz.lookup("Kyiv"),
        "lookup('Fulton County')": lambda: gaz.lookup("Fulton County"),
        "layer(county, display)": lambda: gaz.layer("county", display=True),
        "place('city:703448')": lambda: gaz.place("city:703448"),
        "geometry('country:UKR')": lambda: gaz.geometry("country:UKR"),
        "members(nato, 2024-06-01)": lambda: gaz.members("alliance:nato", "2024-06-01"),
        "geometry(nato, on, display)": lambda: gaz.geometry("alliance:nato", on="2024-06-01", display=True),
    }
    out = {}
    for label, fn in calls.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        out[label] = statistics.median(times) * 1000
    return out


def sizes() -> dict[str, int]:
    """Bytes of every file under geodata/."""
    return {
        str(p.relative_to(ROOT)): p.stat().st_size
        for p in sorted((ROOT / "geodata").rglob("*"))
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="fresh-process cold loads (default 5)")
    args = parser.parse_args()
    runs = cold(args.runs)
    print(f"cold load, {args.runs} fresh processes (s)      median    min    max")
    for i, label in enumerate(("import dashboard.gazetteer", "load_all (layers+indexes)", "total")):
        vals = [r[i] for r in runs]
        print(f"  {label:<40} {statistics.median(vals):7.3f} {min(vals):6.3f} {max(vals):6.3f}")
    print("warm calls (median ms)")
    for label, ms in warm().items():
        print(f"  {label:<40} {ms:9.4f}")
    files = sizes()
    total = sum(files.values())
    print(f"geodata/ size: {total / 2**20:.2f} MiB ({total / 1e6:.2f} MB) in {len(files)} files")
    for name, size in sorted(files.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name:<40} {size / 2**20:7.2f} MiB")


if __name__ == "__main__":
    main()
