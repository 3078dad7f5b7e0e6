"""Where a geoparse of a news article spends its time: CPU µs per Reuters article in each stage.

usage: python bench/bench_geoparse_stages.py [--articles 1500] [--repeat 3]

The real ``Geoparser.parse`` runs; each stage function is wrapped by a timer (matching, the readings of the
article's date, cues, span and candidate rules, counties and the article rules, resolution). The wrappers add
about 0.2 µs per call, so the per-span stages (cues, rules) read slightly high. Best of ``--repeat`` passes,
after one pass that warms every cache. Compare with bench_geoparse.py's geotext and Aho-Corasick figures.

It times the interpreted modules (``DASHBOARD_NATIVE=0``): compiled ones call each other directly, past any
wrapper (bench_native.py compares the two).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DASHBOARD_NATIVE"] = "0"  # before dashboard.geoparse is imported
sys.path.insert(0, str(ROOT / "bench"))

from bench_geoparse import reuters_bodies  # noqa: E402

from dashboard.geoparse import default_parser, parser, rules, uslocal  # noqa: E402

STAGES = ("matching", "date", "cues", "rules", "counties and article rules", "resolution")
spent = dict.fromkeys(STAGES, 0)


def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, adding its CPU time to ``spent[stage]``."""
    clock = time.process_time_ns

    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += clock() - t0

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    texts = reuters_bodies(a.articles)
    if not texts:
        raise SystemExit("no Reuters articles: run `bash scripts/setup.sh` first")
    p = default_parser()
    for t in texts:
        p.parse(t)
    p.matcher.match = timed("matching", p.matcher.match)  # type: ignore[method-assign]
    p.resolver.resolve = timed("resolution", p.resolver.resolve)  # type: ignore[method-assign]
    parser._on_date = timed("date", parser._on_date)
    parser.span_cues = timed("cues", parser.span_cues)
    rules.apply_rules = timed("rules", rules.apply_rules)
    for name in ("stated_container", "origin_country"):
        setattr(rules, name, timed("counties and article rules", getattr(rules, name)))
    uslocal.add_counties = timed("counties and article rules", uslocal.add_counties)
    best: dict[str, float] = {}
    total = float("inf")
    for _ in range(a.repeat):
        for k in spent:
            spent[k] = 0
        t0 = time.process_time_ns()
        for t in texts:
            p.parse(t)
        took = time.process_time_ns() - t0
        if took < total:
            total, best = took, dict(spent)
    n = len(texts)
    print(f"Reuters-21578, {n:,} articles one by one: CPU µs per article (best of {a.repeat})")
    for stage in STAGES:
        print(f"  {stage:28s} {best[stage] / n / 1e3:7.1f}")
    print(f"  {'the rest (parse glue)':28s} {(total - sum(best.values())) / n / 1e3:7.1f}")
    print(f"  {'whole parse':28s} {total / n / 1e3:7.1f}")


if __name__ == "__main__":
    main()
