"""The geoparser's matching stage alone: CPU µs per Reuters article, optionally beside another matcher.py.

usage: python bench/bench_matcher.py [--articles 1500] [--repeat 7] [--against OTHER_MATCHER.py]

``--against`` loads another version of ``dashboard/geoparse/matcher.py`` (say ``git show
main:dashboard/geoparse/matcher.py > /tmp/matcher_main.py``) over the same names index, checks that it finds
the same spans and tokens on every article, and times both in interleaved passes (best of ``--repeat``, after
one pass that fills every memo, as a long-running server would have them): an A/B in one process on a
shared machine. bench_geoparse_stages.py gives the stage inside a whole parse.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_geoparse import reuters_bodies  # noqa: E402

from dashboard.geoparse import default_parser  # noqa: E402


def load_matcher(path: Path, index: Any) -> Any:
    """A Matcher of the module at ``path`` (importing the project's modules as usual) over ``index``."""
    spec = importlib.util.spec_from_file_location("dashboard.geoparse._bench_other_matcher", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Matcher(index)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--against", type=Path, help="another matcher.py to time beside this checkout's")
    a = ap.parse_args()
    texts = reuters_bodies(a.articles)
    if not texts:
        raise SystemExit("no Reuters articles: run `bash scripts/setup.sh` first")
    parser = default_parser()
    matchers = {"this checkout": parser.matcher}
    if a.against:
        matchers[str(a.against)] = load_matcher(a.against, parser.index)
    for m in matchers.values():  # fill the memos
        for t in texts:
            m.match(t)
    if a.against:
        ours, other = matchers.values()
        for t in texts:
            (toks_a, spans_a), (toks_b, spans_b) = ours.match(t), other.match(t)
            if spans_a != spans_b or list(toks_a) != list(toks_b):
                raise SystemExit(f"the matchers differ on: {t[:200]!r}")
    best = dict.fromkeys(matchers, float("inf"))
    for _ in range(a.repeat):
        for name, m in matchers.items():
            match = m.match
            t0 = time.process_time_ns()
            for t in texts:
                match(t)
            best[name] = min(best[name], time.process_time_ns() - t0)
    n = len(texts)
    print(f"Reuters-21578, {n:,} articles one by one: matching, CPU µs per article (best of {a.repeat})")
    for name, ns in best.items():
        print(f"  {name:40s} {ns / n / 1e3:7.1f}")
    if a.against:
        mine, theirs = best.values()
        print(f"  {'ratio (this checkout / the other)':40s} {mine / theirs:7.2f}  (same spans and tokens)")


if __name__ == "__main__":
    main()
