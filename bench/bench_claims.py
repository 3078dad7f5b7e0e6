"""Benchmark: the claims check before and after, in one run; and the text side alone.

Run: ``.venv/bin/python bench/bench_claims.py [--baseline REV]``. Prints the figures; not a test.

"Before" is ``dashboard/claims.py`` as it was at ``REV`` (default: the merge base with main; the single-file
module before the extract/measure/judge package), loaded from git into a throw-away module, so both versions
run on the same machine, the same mentions and the same warm gazetteer. Runs alternate (before, after,
before, ...) and the median is reported, because the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from dashboard.article import read_article  # noqa: E402
from dashboard.claims import check_claims, find_quantities  # noqa: E402
from dashboard.gazetteer import get_gazetteer  # noqa: E402
from dashboard.geoparse import geoparse  # noqa: E402
from dashboard.sentences import split_sentences  # noqa: E402

SAMPLE = ROOT / "seeds" / "000_f76bc0d3d06c699a.txt"
HARD = ROOT / "bench" / "data" / "claims_hard_cases.jsonl"


def _baseline(rev: str | None):
    """The single-file claims module at ``rev`` (None if that revision has no dashboard/claims.py)."""
    if rev is None:
        rev = subprocess.run(
            ["git", "merge-base", "HEAD", "main"], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()
    src = subprocess.run(
        ["git", "show", f"{rev}:dashboard/claims.py"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if src.returncode != 0:
        return None, rev
    path = Path(tempfile.mkdtemp()) / "claims_baseline.py"
    path.write_text(src.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("claims_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["claims_baseline"] = mod
    spec.loader.exec_module(mod)
    return mod, rev


def _median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default=None, help="git revision of the 'before' claims.py")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    base, rev = _baseline(a.baseline)
    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    get_gazetteer().load_all()
    mentions = geoparse(art.text, on=art.date)
    t0 = time.perf_counter()
    claims = check_claims(art.text, on=art.date, mentions=mentions)
    print(f"after, sample, cold (border lengths computed): {(time.perf_counter() - t0) * 1000:8.1f} ms")
    if base is not None:
        t0 = time.perf_counter()
        old = base.check_claims(art.text, on=art.date, mentions=mentions)
        print(f"before, sample, first call (borders cached):   {(time.perf_counter() - t0) * 1000:8.1f} ms")
        print(f"before {len(old)} claims: {[c.verdict for c in old]}; after {len(claims)}: "
              f"{[c.verdict for c in claims]}")  # fmt: skip
    big = art.text * 200  # ~0.8 MB of text, no new places
    big_mentions = geoparse(big, on=art.date)
    hard = [__import__("json").loads(line)["text"] for line in HARD.read_text(encoding="utf-8").splitlines()]
    hard_text = "\n".join(hard) * 20  # the hard cases: every rule, many places
    hard_mentions = geoparse(hard_text)
    workloads = [
        ("sample article (4 KB)", art.text, mentions, 20),
        (f"sample x200 ({len(big) / 1e6:.2f} MB)", big, big_mentions, 1),
        (f"hard cases x20 ({len(hard_text) / 1e3:.0f} KB)", hard_text, hard_mentions, 1),
    ]
    print(
        f"\nbaseline: dashboard/claims.py at {rev[:10] if rev else '?'}; "
        f"median of {a.rounds} alternating rounds"
    )
    print(f"{'workload':32} {'before ms':>10} {'after ms':>10} {'after/before':>13}")
    for name, text, ms, inner in workloads:
        new_fn = lambda text=text, ms=ms, inner=inner: [  # noqa: E731
            check_claims(text, on=art.date, mentions=ms) for _ in range(inner)
        ]
        new_fn()  # warm the caches of both versions before timing
        if base is None:
            after = _median_ms(new_fn, a.rounds) / inner
            print(f"{name:32} {'-':>10} {after:10.2f} {'-':>13}")
            continue
        old_fn = lambda text=text, ms=ms, inner=inner: [  # noqa: E731
            base.check_claims(text, on=art.date, mentions=ms) for _ in range(inner)
        ]
        old_fn()
        before_t, after_t = [], []
        for _ in range(a.rounds):
            before_t.append(_median_ms(old_fn, 1) / inner)
            after_t.append(_median_ms(new_fn, 1) / inner)
        before, after = statistics.median(before_t), statistics.median(after_t)
        print(f"{name:32} {before:10.2f} {after:10.2f} {after / before:13.2f}")
    t0 = time.perf_counter()
    sents = split_sentences(big)
    qs = sum(len(find_quantities(s.text, s.start)) for s in sents)
    dt = time.perf_counter() - t0
    print(
        f"\ntext side on {len(big) / 1e6:.2f} MB: {len(sents)} sentences, {qs} quantities, "
        f"{len(big) / 1e6 / dt:.1f} MB/s"
    )
    for c in claims:
        print(
            f"  {c.kind:12} {c.subject_name!s:14} stated {c.stated!s:>7} {c.unit or '':3} "
            f"computed {c.computed!s:>8}  {c.verdict} ({c.confidence})"
        )


if __name__ == "__main__":
    main()
