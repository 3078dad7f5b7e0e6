"""Benchmark: claim finding and checking on the sample article (cold and warm), and the text side alone.

Run: ``.venv/bin/python bench/bench_claims.py``. Prints the figures; not a test.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from dashboard.article import read_article
from dashboard.claims import check_claims, find_quantities
from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import geoparse
from dashboard.sentences import split_sentences

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "000_f76bc0d3d06c699a.txt"


def _ms(t0: float) -> str:
    return f"{(time.perf_counter() - t0) * 1000:8.1f} ms"


def main() -> None:
    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    t0 = time.perf_counter()
    get_gazetteer().load_all()
    print(f"gazetteer load (cold)                 {_ms(t0)}")
    t0 = time.perf_counter()
    mentions = geoparse(art.text, on=art.date)
    print(f"geoparse sample (first call)          {_ms(t0)}")
    t0 = time.perf_counter()
    claims = check_claims(art.text, on=art.date, mentions=mentions)
    print(f"check_claims sample (cold: borders)   {_ms(t0)}  -> {len(claims)} claims")
    n = 20
    t0 = time.perf_counter()
    for _ in range(n):
        check_claims(art.text, on=art.date, mentions=mentions)
    print(f"check_claims sample (warm, mean of {n}) {(time.perf_counter() - t0) / n * 1000:8.2f} ms")
    big = art.text * 200  # ~0.8 MB of text, no new places: the text side's throughput
    t0 = time.perf_counter()
    sents = split_sentences(big)
    qs = sum(len(find_quantities(s.text, s.start)) for s in sents)
    dt = time.perf_counter() - t0
    print(
        f"text side on {len(big) / 1e6:.2f} MB: {len(sents)} sentences, {qs} quantities, "
        f"{len(big) / 1e6 / dt:.1f} MB/s"
    )
    t0 = time.perf_counter()
    big_mentions = geoparse(big, on=art.date)
    geo_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    big_claims = check_claims(big, on=art.date, mentions=big_mentions)
    dt = time.perf_counter() - t0
    print(
        f"check_claims on {len(big) / 1e6:.2f} MB ({len(big_mentions)} mentions, geoparse {geo_s:.1f} s): "
        f"{len(big_claims)} claims in {dt:.2f} s, {len(big) / 1e6 / dt:.1f} MB/s"
    )
    for c in claims:
        print(
            f"  {c.kind:12} {c.subject_name!s:14} stated {c.stated!s:>7} {c.unit or '':3} "
            f"computed {c.computed!s:>8}  {c.verdict}"
        )


if __name__ == "__main__":
    main()
