"""A corpus store of about 1M articles (the Reuters store replicated with shifted dates): how long the DuckDB
queries of a date-range change take.

usage: python bench/bench_corpus_scale.py [--articles 1000000] [--keep DIR]

The Reuters store (built with the default LocalCluster if ``.cache/stores/reuters`` holds none) is copied
until the store holds ``--articles`` articles; copy k shifts every date by k times the archive's span, so the
1M store covers decades. The copies are written as batch's chunk parts (500 articles each) and compacted by
``batch.compact``, so the store has the layout a batch run over 1M articles leaves.

A range change is the queries the corpus view runs when the range moves: the metrics, the places with their
counts (map and table), the change against the previous period and the per-day timeline of the range. Those
come from ``dashboard.corpus.query`` (the view's own functions) when it is there, else from the equivalent
SQL below. Budget (issue 8): <= 300 ms. Reference in the same run: the same range changes on the Reuters
store itself (19k articles), to show how the time grows with 53x the data.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
RANGES = 12  # range changes timed per store
REPEATS = 3  # each timed this often, the median kept: the machine is shared, one run can stall
WINDOWS = (7, 30, 90, 365)  # days a range spans, cycled
CHUNK = 500  # articles per chunk part, as batch writes them


def reuters_store() -> Path:
    """The finished Reuters store, built here if missing."""
    from dashboard.corpus import schema
    from dashboard.corpus.batch import REUTERS_DATA, REUTERS_STORE, build_store

    manifest = REUTERS_STORE / schema.MANIFEST_FILE
    if manifest.is_file() and json.loads(manifest.read_text()).get("finished"):
        return REUTERS_STORE
    if not REUTERS_DATA.is_dir():
        sys.exit(f"no Reuters-21578 archive in {REUTERS_DATA}; run `bash scripts/setup.sh`")
    print(f"building the Reuters store in {REUTERS_STORE} ...")
    build_store([REUTERS_DATA], REUTERS_STORE)
    return REUTERS_STORE


def replicate(src: Path, out: Path, articles: int) -> tuple[int, int, float, float]:
    """Copy the store's rows with shifted dates into ``out`` as batch's chunk parts, then compact them as
    batch does; returns (articles, mentions, seconds staging, seconds compacting)."""
    import shutil

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from dashboard.corpus import schema
    from dashboard.corpus.batch import compact

    t0 = time.perf_counter()
    arts = ds.dataset(src / schema.ARTICLES_DIR, format="parquet").to_table().sort_by("date")
    ments = ds.dataset(src / schema.MENTIONS_DIR, format="parquet").to_table().sort_by("date")
    lo, hi = pc.min(arts["date"]).as_py(), pc.max(arts["date"]).as_py()
    span = (hi - lo).days + 1
    copies = math.ceil(articles / arts.num_rows)
    staged = out / schema.CHUNKS_DIR
    for folder in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        (staged / folder).mkdir(parents=True, exist_ok=True)
    n_art = n_men = 0
    for k in range(copies):
        shift = pa.scalar(timedelta(days=k * span), pa.duration("s"))

        def shifted(table: pa.Table, s: pa.Scalar = shift, copy: int = k) -> pa.Table:
            days = pc.cast(pc.add(pc.cast(table["date"], pa.timestamp("s")), s), pa.date32())
            ids = pc.binary_join_element_wise(table["article_id"], pa.scalar(f"#{copy}"), "")
            table = table.set_column(table.schema.get_field_index("date"), "date", days)
            return table.set_column(table.schema.get_field_index("article_id"), "article_id", ids)

        a = shifted(arts).cast(schema.ARTICLES_SCHEMA)
        m = shifted(ments).cast(schema.MENTIONS_SCHEMA)
        # Copies are written in batch's staging layout, chunk by chunk, in the archive's own order.
        for start in range(0, a.num_rows, CHUNK):
            part = schema.part_name(len(list((staged / schema.ARTICLES_DIR).iterdir())))
            ids = a["article_id"].slice(start, CHUNK)
            pq.write_table(a.slice(start, CHUNK), staged / schema.ARTICLES_DIR / part, compression="zstd")
            rows = m.filter(pc.is_in(m["article_id"], value_set=ids))
            pq.write_table(rows, staged / schema.MENTIONS_DIR / part, compression="zstd")
        n_art += a.num_rows
        n_men += m.num_rows
    t_stage = time.perf_counter() - t0
    t0 = time.perf_counter()
    compact(out)  # what batch does once every chunk is done, before removing the parts
    t_compact = time.perf_counter() - t0
    for folder in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        shutil.rmtree(staged / folder)
    shutil.copy(src / schema.PLACES_FILE, out / schema.PLACES_FILE)
    manifest = json.loads((src / schema.MANIFEST_FILE).read_text())
    manifest.update(
        {"counts": {**manifest["counts"], "articles": n_art, "mentions": n_men}, "replicated": copies}
    )
    manifest["date_max"] = (hi + timedelta(days=(copies - 1) * span)).isoformat()
    (out / schema.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
    return n_art, n_men, t_stage, t_compact


class SqlQueries:
    """The range-change queries in plain SQL (used when ``dashboard.corpus.query`` is not there)."""

    def __init__(self, store: Path) -> None:
        import duckdb

        from dashboard.corpus import schema

        self.con = duckdb.connect()
        self.con.execute(
            f"CREATE VIEW articles AS SELECT * FROM read_parquet('{schema.articles_glob(store)}')"
        )
        self.con.execute(
            f"CREATE VIEW mentions AS SELECT * FROM read_parquet('{schema.mentions_glob(store)}')"
        )

    def bounds(self) -> tuple[date, date]:
        return self.con.execute("SELECT min(date), max(date) FROM articles").fetchone()

    def days(self) -> list[date]:
        return [r[0] for r in self.con.execute("SELECT DISTINCT date FROM articles ORDER BY 1").fetchall()]

    def range_change(self, start: date, end: date) -> int:
        q = self.con.execute
        where = "WHERE date BETWEEN ? AND ?"
        p = [start, end]
        q(f"SELECT count(*) FROM articles {where}", p).fetchall()
        q(f"SELECT count(*), count(DISTINCT place_id) FROM mentions {where}", p).fetchall()
        counts = q(
            "SELECT place_id, any_value(name), any_value(kind), count(DISTINCT article_id) AS n, count(*) "
            f"FROM mentions {where} GROUP BY place_id ORDER BY n DESC",
            p,
        ).fetchall()
        days = (end - start).days + 1
        prev = [start - timedelta(days=days), start - timedelta(days=1)]
        q(
            f"SELECT place_id, count(DISTINCT article_id) FROM mentions {where} GROUP BY place_id", prev
        ).fetchall()
        q(
            f"SELECT date, count(*) AS n FROM articles {where} GROUP BY date ORDER BY n DESC LIMIT 1", p
        ).fetchall()
        q(f"SELECT date, count(*) FROM articles {where} GROUP BY date ORDER BY date", p).fetchall()
        return len(counts)


class ViewQueries:
    """The range-change queries as the corpus view runs them (``dashboard.corpus.query``)."""

    def __init__(self, store: Path) -> None:
        from dashboard.corpus.query import CorpusStore

        self.store = CorpusStore(store)
        self.sql = SqlQueries(store)

    def bounds(self) -> tuple[date, date]:
        return self.store.date_bounds()

    def days(self) -> list[date]:
        return self.sql.days()

    def range_change(self, start: date, end: date) -> int:
        self.store.metrics(start, end)
        self.store.change(start, end)  # runs place_counts for the range and the previous period
        self.store.timeline(start=start, end=end)
        return len(self.store.place_counts(start, end))


def time_ranges(queries, label: str, verbose: bool = False) -> list[float]:
    lo, hi = queries.bounds()
    days_with_news = queries.days()
    rng = random.Random(8)
    times = []
    queries.range_change(lo, hi)  # first touch: file metadata into the OS cache
    for i in range(RANGES):
        days = WINDOWS[i % len(WINDOWS)]
        start = rng.choice(days_with_news)  # ranges that start on a day with articles, like a user's
        end = start + timedelta(days=days - 1)
        runs = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            n = queries.range_change(start, end)
            runs.append((time.perf_counter() - t0) * 1000)
        times.append(statistics.median(runs))
        if verbose or i < len(WINDOWS):
            print(f"  {label}: {days:>3}-day range from {start}: {times[-1]:.0f} ms ({n:,} places)")
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument(
        "--keep", type=Path, help="write the big store here and keep it (default: a temporary folder)"
    )
    a = ap.parse_args()
    src = reuters_store()
    tmp = tempfile.TemporaryDirectory(prefix="bench-scale-")
    out = a.keep or Path(tmp.name) / "big"
    n_art, n_men, t_stage, t_compact = replicate(src, out, a.articles)
    size = sum(f.stat().st_size for d in ("articles", "mentions") for f in (out / d).glob("*.parquet")) / 1e6
    files = len(list((out / "mentions").glob("*.parquet")))
    print(
        f"store of {n_art:,} articles, {n_men:,} mentions ({size:,.0f} MB, {files} mentions file(s)):"
        f" chunk parts written in {t_stage:.1f} s, compacted by batch.compact in {t_compact:.1f} s"
    )
    try:
        import dashboard.corpus.query  # noqa: F401

        impl, make = "the corpus view's queries (dashboard.corpus.query)", ViewQueries
    except ImportError:
        impl, make = "representative SQL (dashboard.corpus.query not present)", SqlQueries
    print(f"a range change = {impl}")
    ref = time_ranges(make(src), "Reuters 19k")
    big = time_ranges(make(out), f"{n_art / 1e6:.1f}M", verbose=True)
    med_ref, med_big, worst = statistics.median(ref), statistics.median(big), max(big)
    print(
        f"range change on {n_art / 1e6:.1f}M articles, {RANGES} ranges of {'/'.join(map(str, WINDOWS))} d: "
        f"median {med_big:.0f} ms, worst {worst:.0f} ms (each the median of {REPEATS} runs; "
        f"target <= {TARGET_MS:.0f} ms: ratios "
        f"{med_big / TARGET_MS:.2f}, {worst / TARGET_MS:.2f}); Reuters 19k median {med_ref:.0f} ms "
        f"(1M/19k ratio {med_big / med_ref:.1f})"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
