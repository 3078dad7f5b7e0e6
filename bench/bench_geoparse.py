"""Geoparser speed: load time, throughput (MB/s) after loading, the sample's latency, CLI cold start, RSS.

usage: python bench/bench_geoparse.py [--mb 2]

Compares with geotext (a regex/dictionary baseline, installed as a bench dependency) on the same text.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.0, help="megabytes of text to parse")
    a = ap.parse_args()
    sample_path = ROOT / "seeds" / "000_f76bc0d3d06c699a.txt"
    sample = sample_path.read_text(encoding="utf-8")

    # The CLI first: a child forked from a big process would count the parent's pages in its peak RSS.
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", str(sample_path), "--output", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
    )
    t_cli = time.perf_counter() - t0
    rss_cli = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    t0 = time.perf_counter()
    from dashboard.geoparse import default_parser

    parser = default_parser()
    t_load = time.perf_counter() - t0

    parser.parse(sample)
    n = 200
    t0 = time.perf_counter()
    for _ in range(n):
        parser.parse(sample)
    t_sample = (time.perf_counter() - t0) / n

    reps = max(1, int(a.mb * 1e6 / len(sample.encode())))
    big = "\n".join([sample] * reps)
    mb = len(big.encode()) / 1e6
    t0 = time.perf_counter()
    found = parser.parse(big)
    t_big = time.perf_counter() - t0

    # Real news: the eval corpora's articles (outside the project, GPL), parsed one by one as the CLI does.
    news_mb = t_news = 0.0
    eval_dir = ROOT.parent / "shared" / "eval"
    if (eval_dir / "corpora.py").is_file():
        sys.path.insert(0, str(eval_dir))
        import corpora

        texts = [d["text"] for c in ("lgl.xml", "GeoVirus.xml") for d in corpora.load(eval_dir / c)]
        news_mb = sum(len(t.encode()) for t in texts) / 1e6
        t0 = time.perf_counter()
        for t in texts:
            parser.parse(t)
        t_news = time.perf_counter() - t0

    from geotext import GeoText

    GeoText(sample)  # its index loads on first use
    t0 = time.perf_counter()
    GeoText(big)
    t_geotext = time.perf_counter() - t0

    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"index load (gazetteer names + index)   {t_load:6.2f} s")
    print(f"sample article ({len(sample):,} chars)       {t_sample * 1000:6.2f} ms")
    print(f"throughput on {mb:.1f} MB                 {mb / t_big:6.2f} MB/s  ({len(found):,} mentions)")
    if t_news:
        rate = news_mb / t_news
        print(f"real news, {news_mb:.1f} MB in articles       {rate:6.2f} MB/s  (LGL + GeoVirus, one by one)")
    print(
        f"geotext on the same text              {mb / t_geotext:6.2f} MB/s  (ratio ours/geotext "
        f"{t_geotext / t_big:.2f})"
    )
    print(f"CLI cold start, sample -> GeoJSON     {t_cli:6.2f} s  (exit {r.returncode})")
    print(f"peak RSS: CLI {rss_cli:.0f} MB, this process {rss_self:.0f} MB")


if __name__ == "__main__":
    main()
