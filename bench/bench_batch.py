"""``batch`` on the whole Reuters-21578 archive with the default LocalCluster: articles/s end to end (cluster
start included), peak RSS per worker, and document-level agreement with Reuters' own ``places`` labels.

usage: python bench/bench_batch.py [--out DIR] [--workers N]

Reference in the same run: the same articles geoparsed one by one in this process (gazetteer load included),
so the ratio shows what the cluster buys on this machine. Budgets (issue 8): >= 1,000 articles/s, <= 700 MB
peak RSS per worker. The agreement is a figure to watch, not a target: Reuters often labels a country the
text never names, and the geoparser reports places Reuters did not label.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATE = 1000.0  # articles/s
TARGET_RSS_MB = 700.0

# Reuters place codes whose name is not a country name in the gazetteer (historical states, short forms).
REUTERS_ALIASES = {
    "usa": "USA",
    "uk": "GBR",
    "ussr": "RUS",
    "west-germany": "DEU",
    "east-germany": "DEU",
    "uae": "ARE",
    "kampuchea": "KHM",
    "burma": "MMR",
    "zaire": "COD",
    "congo": "COG",
    "czechoslovakia": "CZE",
    "yugoslavia": "SRB",
    "yemen-arab-republic": "YEM",
    "yemen-demo-republic": "YEM",
    "ivory-coast": "CIV",
    "trinidad-tobago": "TTO",
    "us-virgin-islands": "VIR",
    "hong-kong": "HKG",
    "taiwan": "TWN",
    "swaziland": "SWZ",
    "antigua": "ATG",
}


class PeakRSS:
    """Polls the peak resident set (VmHWM) of this process's children: the LocalCluster's workers."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.peaks: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.sample()

    def sample(self) -> None:
        for child in self.me.children(recursive=True):
            try:
                status = Path(f"/proc/{child.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    mb = int(line.split()[1]) / 1024
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0.0), mb)


def reuters_labels(data: Path) -> dict[str, set[str]]:
    """Article id -> ISO3 codes of the places Reuters labelled (articles with a body and a mappable label)."""
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    codes: dict[str, str | None] = {}
    labels: dict[str, set[str]] = {}
    for f in sorted(data.glob("reuters-*.json")):
        for item in json.loads(f.read_text(encoding="utf-8")):
            if not (item.get("body") or "").strip():
                continue
            got = set()
            for place in item.get("places") or []:
                if place not in codes:
                    ids = [p for p in gaz.lookup(place.replace("-", " ")) if p.startswith("country:")]
                    codes[place] = REUTERS_ALIASES.get(place) or (ids[0].split(":", 1)[1] if ids else None)
                if codes[place]:
                    got.add(codes[place])
            if got:
                labels[str(item["id"])] = got
    unmapped = sorted(p for p, c in codes.items() if c is None)
    if unmapped:
        print(f"  Reuters place codes with no country in the gazetteer: {', '.join(unmapped)}")
    return labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, help="store folder (default: a temporary one)")
    ap.add_argument("--workers", type=int, help="default: sized to the machine")
    a = ap.parse_args()
    from dashboard.corpus.batch import REUTERS_DATA, build_store, default_workers

    if not REUTERS_DATA.is_dir():
        sys.exit(f"no Reuters-21578 archive in {REUTERS_DATA}; run `bash scripts/setup.sh`")
    tmp = tempfile.TemporaryDirectory(prefix="bench-batch-")
    out = a.out or Path(tmp.name) / "reuters"
    rss = PeakRSS()
    rss.thread.start()
    t0 = time.perf_counter()
    result = build_store([REUTERS_DATA], out, workers=a.workers, progress=lambda *_: rss.sample())
    wall = time.perf_counter() - t0
    rss.stop.set()
    rss.thread.join()
    m = result.manifest
    n = m["counts"]["articles"]
    rate = n / wall
    records = n + m["counts"]["rejects"]
    # Workers are the children that loaded the gazetteer; smaller children are multiprocessing helpers.
    workers = sorted((v for v in rss.peaks.values() if v > 150), reverse=True)

    print(
        f"batch on Reuters-21578: {m['workers']} workers, the default LocalCluster"
        f" ({default_workers()} usable cores)"
    )
    print(
        f"  {n:,} articles ({records:,} records, {m['counts']['rejects']:,} rejected: no body), "
        f"{m['counts']['mentions']:,} mentions, {m['counts']['places']:,} places"
    )
    print(
        f"  end to end {wall:.1f} s incl. cluster start: {rate:,.0f} articles/s"
        f"  (target >= {TARGET_RATE:,.0f}/s: ratio {rate / TARGET_RATE:.2f})"
    )
    print(f"  records read {records / wall:,.0f}/s")
    peak = max(workers) if workers else float("nan")
    print(
        f"  peak RSS per worker: {', '.join(f'{w:.0f}' for w in workers)} MB"
        f"  (target <= {TARGET_RSS_MB:.0f} MB: ratio {peak / TARGET_RSS_MB:.2f})"
    )

    # Reference: the same articles one by one in this process, gazetteer load included.
    import pyarrow.dataset as ds

    from dashboard.corpus import schema

    table = ds.dataset(out / schema.ARTICLES_DIR, format="parquet").to_table(columns=["text"])
    texts = table.column("text").to_pylist()
    t0 = time.perf_counter()
    from dashboard.geoparse import default_parser

    parser = default_parser()
    serial_mentions = sum(len(parser.parse(t)) for t in texts)
    serial = time.perf_counter() - t0
    print(
        f"  reference, one process in a loop: {serial:.1f} s ({len(texts) / serial:,.0f} articles/s,"
        f" {serial_mentions:,} mentions); batch/serial speed ratio {serial / wall:.2f}"
    )
    assert serial_mentions == m["counts"]["mentions"], "the cluster found other mentions than one process"

    # Document-level agreement with Reuters' places labels (countries; a city counts for its country).
    import duckdb

    labels = reuters_labels(REUTERS_DATA)
    pairs = duckdb.sql(
        f"SELECT DISTINCT article_id, country FROM read_parquet('{schema.mentions_glob(out)}') "
        "WHERE country IS NOT NULL"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for aid, country in pairs:
        found.setdefault(aid, set()).add(country)
    tp = sum(len(found.get(aid, set()) & want) for aid, want in labels.items())
    fp = sum(len(found.get(aid, set()) - want) for aid, want in labels.items())
    fn = sum(len(want - found.get(aid, set())) for aid, want in labels.items())
    p, r = tp / (tp + fp), tp / (tp + fn)
    exact = sum(1 for aid, want in labels.items() if found.get(aid, set()) == want) / len(labels)
    print(
        f"agreement with Reuters places (countries, {len(labels):,} labelled articles): "
        f"precision {p:.3f}, recall {r:.3f}, F1 {2 * p * r / (p + r):.3f}; same set {exact:.3f}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
