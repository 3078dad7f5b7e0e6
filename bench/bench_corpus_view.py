"""Corpus view budgets in headless Chromium, beside a one-metric Streamlit app on the same machine and run.

Run: ``.venv/bin/python bench/bench_corpus_view.py [--store DIR] [--changes N]``. Budgets (issue 8): the
corpus map visible within 5 s of the server being ready; a date-range change updates the map and the
metrics within 1 s in the browser. The reference is the smallest Streamlit app (one slider, one metric):
its time from server ready to the metric visible, and from a slider move to the new metric, are what
Streamlit itself costs here; the ratios say what the corpus view adds on top.

The store is ``.cache/stores/reuters`` (``python -m dashboard batch .cache/reuters/package/data/full --out
.cache/stores/reuters``); without ``--store`` and without that store, the bench geoparses the Reuters-21578
archive in this process into ``.cache/stores/bench-reuters`` once (no Dask: only the view is measured here).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve import Server  # noqa: E402

from dashboard import settings  # noqa: E402
from tests.e2e.conftest import CHROMIUM, _offline_route  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
REFERENCE_APP = """
import streamlit as st
n = st.slider("n", 0, 100, 10, key="n")
st.metric("Value", n * 2)
"""


def reuters_store(path: Path | None) -> Path:
    """The store to measure: ``path``, the Reuters store, or a bench copy geoparsed here once."""
    if path is not None:
        return path
    if (settings.STORES_DIR / "reuters" / "manifest.json").exists():
        return settings.STORES_DIR / "reuters"
    bench = settings.STORES_DIR / "bench-reuters"
    if not (bench / "manifest.json").exists():
        from tests.corpus_store import reuters_articles, write_store

        files = sorted(settings.REUTERS_DIR.glob("reuters-*.json"))
        if not files:
            sys.exit("no Reuters-21578 archive in .cache/reuters: run bash scripts/setup.sh first")
        print(f"geoparsing Reuters-21578 into {bench} (once)…", file=sys.stderr)
        write_store(bench, reuters_articles(files), chunk_size=1000)
    return bench


@contextlib.contextmanager
def server(script: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, float]]:
    """Start ``streamlit run script``; yields its URL and the seconds from launch to /_stcore/health."""
    srv = Server(ROOT / script, env=env)
    try:
        yield srv.url, srv.start_s
    finally:
        srv.stop()


def metric_value(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def bench_reference(browser, changes: int) -> dict:
    """The one-metric app: server ready -> metric visible, and slider move -> new metric."""
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "reference_app.py"
        app.write_text(REFERENCE_APP)
        with server(str(app)) as (url, _ready):
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.locator("[data-testid='stMetricValue']").first.wait_for()
            visible = time.perf_counter() - t0
            page.wait_for_selector(IDLE, state="attached")
            thumb = page.get_by_role("slider").first
            times = []
            for i in range(changes):
                before = metric_value(page, "Value")
                thumb.focus()
                t0 = time.perf_counter()
                thumb.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                page.wait_for_function(
                    """(b) => { const v = document.querySelector("[data-testid='stMetricValue']");
                               return v && v.innerText.trim() !== b; }""",
                    arg=before,
                )
                times.append(time.perf_counter() - t0)
                page.wait_for_selector(IDLE, state="attached")
            page.close()
    return {"reference_ready_to_metric_s": visible, "reference_rerun_s": statistics.median(times)}


def open_view(browser, url: str, query: str = "/?view=Corpus"):
    """A new offline page on the corpus view; returns it and the seconds until the map shows a feature."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _offline_route)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url + query)
    page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(timeout=120_000)
    visible = time.perf_counter() - t0
    page.wait_for_selector(IDLE, state="attached")
    return page, visible


def bench_corpus(browser, store: Path, changes: int) -> dict:
    """The corpus view: server ready -> map visible on a first and a second server start, then week steps.

    The store is copied to a fresh folder first, so the first start finds nothing of it in Streamlit's
    disk cache (simplified place geometry), as after a new build; the second start is a restart.
    """
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "store"
        shutil.copytree(store, fresh)
        env = {"NEWS_GEO_CORPUS_STORE": str(fresh)}
        with server("streamlit_app.py", env) as (url, ready):
            page, out["corpus_first_start_map_visible_s"] = open_view(browser, url)
            page.context.close()
        with server("streamlit_app.py", env) as (url, ready):
            out["corpus_server_start_to_health_s"] = ready
            page, out["corpus_restart_map_visible_s"] = open_view(browser, url)
            page.context.close()
            # A four-week range from the store's first Monday, then one-week steps forwards and back.
            page, _ = open_view(browser, url, "/?view=Corpus&range=1987-03-02&range=1987-03-29")
            page.wait_for_timeout(500)
            frame = page.frame(url=lambda u: "streamlit_folium" in u)
            times, metrics_only = [], []
            for i in range(changes):
                before = metric_value(page, "Articles")
                # Tag the drawn features: the step is done when the map holds only new ones.
                frame.evaluate(
                    "() => document.querySelectorAll('.leaflet-interactive').forEach(e => e.__old = 1)"
                )
                button = "1 week ▶" if i % 2 == 0 else "◀ 1 week"
                t0 = time.perf_counter()
                page.get_by_role("button", name=button).click()
                page.wait_for_function(
                    """(b) => { const m = [...document.querySelectorAll("[data-testid='stMetric']")]
                                 .find(e => e.innerText.startsWith('Articles'));
                               const v = m && m.querySelector("[data-testid='stMetricValue']");
                               return v && v.innerText.trim() !== b; }""",
                    arg=before,
                )
                metrics_only.append(time.perf_counter() - t0)
                frame.wait_for_function(
                    """() => { const f = document.querySelectorAll('.leaflet-interactive');
                               return f.length > 0 && [...f].every(e => !e.__old); }"""
                )
                times.append(time.perf_counter() - t0)
                page.wait_for_selector(IDLE, state="attached")
            page.context.close()
    return {
        **out,
        "range_change_metrics_s": statistics.median(metrics_only),
        "range_change_map_and_metrics_s": statistics.median(times),
        "range_change_map_and_metrics_max_s": max(times),
    }


def bench_article_view(browser) -> dict:
    """The dashboard's article view on its sample, same server command: a second, heavier reference."""
    with server("streamlit_app.py") as (url, _ready):
        page, visible = open_view(browser, url, "/")
        page.context.close()
    return {"article_view_ready_to_map_visible_s": visible}


def bench_apptest(store: Path) -> dict:
    """Server side, no browser (AppTest): the first script run's steps and a range change's."""
    from datetime import date

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.query_params["view"] = "Corpus"
    at.query_params["store"] = str(store)
    at.run()
    first = dict(at.session_state["_timings"])
    at.slider(key="range").set_value((date(1987, 3, 9), date(1987, 4, 5))).run()
    change = dict(at.session_state["_timings"])
    out = {f"server_first_run_{k}_s": v for k, v in first.items()}
    out.update({f"server_range_change_{k}_s": v for k, v in change.items()})
    return out


def bench_queries(store: Path, repeats: int = 5) -> dict:
    """Server-side: the queries of one range change (DuckDB), median of ``repeats``."""
    from datetime import date

    from dashboard.corpus.query import CorpusStore, previous_period

    s = CorpusStore(store)
    start, end = date(1987, 3, 9), date(1987, 4, 5)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s.metrics(start, end)
        s.metrics(*previous_period(start, end))
        s.change(start, end)
        times.append(time.perf_counter() - t0)
    return {"range_change_queries_s": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a corpus store (default: the Reuters store)")
    parser.add_argument("--changes", type=int, default=6, help="range changes measured (median)")
    args = parser.parse_args()
    store = reuters_store(args.store)
    from playwright.sync_api import sync_playwright

    out: dict = {"store": str(store)}
    out.update(bench_queries(store))
    out.update(bench_apptest(store))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        out.update(bench_reference(browser, args.changes))
        out.update(bench_article_view(browser))
        out.update(bench_corpus(browser, store, args.changes))
        browser.close()
    ref = out["reference_ready_to_metric_s"]
    out["ratio_first_start_map_vs_reference"] = out["corpus_first_start_map_visible_s"] / ref
    out["ratio_restart_map_vs_reference"] = out["corpus_restart_map_visible_s"] / ref
    out["ratio_restart_map_vs_article_view"] = (
        out["corpus_restart_map_visible_s"] / out["article_view_ready_to_map_visible_s"]
    )
    out["ratio_range_change_vs_reference_rerun"] = (
        out["range_change_map_and_metrics_s"] / out["reference_rerun_s"]
    )
    for k, v in out.items():
        print(f"{k:42s} {round(v, 3) if isinstance(v, float) else v}")
    budgets = {
        "corpus_first_start_map_visible_s": 5.0,
        "corpus_restart_map_visible_s": 5.0,
        "range_change_map_and_metrics_s": 1.0,
    }
    for k, limit in budgets.items():
        print(f"budget {k}: {out[k]:.2f} s {'<=' if out[k] <= limit else '>'} {limit} s")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "corpus_view.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
