"""Dashboard budgets: server-side run times (AppTest) and, in headless Chromium, time to map and bytes sent.

Run: ``.venv/bin/python bench/bench_dashboard.py [--no-browser] [--repeat 5]``. Time to map (issue 11) is a
ratio in one browser run: the dashboard's map visible on a new page against the first element of a
one-metric Streamlit app served by the same Streamlit (warm servers: <= 1.3x; cold servers: <= 2x), with
the dashboard's stages (app shell, first element, map iframe, map drawn, script done), and where the
browser's main thread spends its time before the map (a Chrome trace of one warm page). Budgets of issue 4:
data sent to the browser < 1.5 MB; a filter change re-renders < 1 s. ``--cold N [--logs DIR]`` measures only
the cold time to map, N rounds of fresh servers (about 20 s a round), each round's ratios and their medians.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from serve import IDLE, MAP_FRAME, METRIC, ONE_METRIC_APP, PAGE_DONE, Server, launch  # noqa: E402
from serve import new_context as _new_context  # noqa: E402

from tests.e2e.conftest import CHROMIUM, _offline_route  # noqa: E402


def bench_apptest() -> dict:
    """Script run times without a browser: cold (parse + geodata load; a new page's first run, which
    sends the header, metrics and map), the run that sends the rest of the page, a warm new session's
    first run, a warm rerun, a filter change."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    steps = dict(at.session_state["_timings"]) if "_timings" in at.session_state else {}
    t0 = time.perf_counter()
    at.run()  # what the browser asks for once the map is drawn
    rest = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    new = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    t0 = time.perf_counter()
    new.run()
    new_first = time.perf_counter() - t0
    kinds = list(at.multiselect(key="kinds").value)
    t0 = time.perf_counter()
    at.multiselect(key="kinds").set_value([k for k in kinds if k != "sea"]).run()
    filt = time.perf_counter() - t0
    (el,) = [e for e in at.get("component_instance") if e.proto.component_name == "map_frame.leaflet"]
    return {
        "apptest_cold_run_s": round(cold, 3),
        "apptest_rest_of_page_run_s": round(rest, 3),
        "apptest_new_session_first_run_s": round(new_first, 3),
        "apptest_warm_rerun_s": round(warm, 3),
        "apptest_filter_change_s": round(filt, 3),
        "map_component_args_bytes": len(el.proto.json_args.encode()),
        # The first run's steps (streamlit_app.timed): what the cold "map visible" time is made of.
        **{f"first_run_{k}_s": v for k, v in steps.items()},
    }


#: A fresh process: launch.py's warm-up (no saved results), then a session's first script run (AppTest).
WARMED_RUN = """
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
import launch
from dashboard import appcache
from streamlit.testing.v1 import AppTest
t0 = time.perf_counter()
steps = launch.warm_up(appcache.ResultFiles(Path(tempfile.mkdtemp())))
took = time.perf_counter() - t0
at = AppTest.from_file({app!r}, default_timeout=300)
t0 = time.perf_counter()
at.run()
print(json.dumps({{"warm_up_s": round(took, 3), **{{f"warm_up_{{k}}_s": v for k, v in steps.items()}},
    "apptest_first_run_after_warm_up_s": round(time.perf_counter() - t0, 3)}}))
"""


def bench_apptest_warmed() -> dict:
    """What the warm-up takes in a fresh process, and a session's first script run after it."""
    import subprocess

    code = WARMED_RUN.format(root=str(ROOT), app=str(ROOT / "streamlit_app.py"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_browser() -> dict:
    """Start the server, open the sample offline in Debian Chromium, and count time and bytes."""
    from playwright.sync_api import sync_playwright

    srv = Server(ROOT / "streamlit_app.py")
    url, ready = srv.url, srv.start_s
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", _offline_route)
            page = context.new_page()
            sizes = {"http": 0, "framework": 0, "ws": 0}

            def finished(request) -> None:
                # Streamlit's own frontend (/static/..., "/") is counted apart: same for every app, cached.
                with contextlib.suppress(Exception):
                    path = urlsplit(request.url).path
                    framework = path.startswith("/static/") or path in ("/", "/favicon.png")
                    sizes["framework" if framework else "http"] += request.sizes()["responseBodySize"]

            page.on("requestfinished", finished)
            page.on(
                "websocket",
                lambda ws: ws.on("framereceived", lambda b: sizes.__setitem__("ws", sizes["ws"] + len(b))),
            )
            t0 = time.perf_counter()
            page.goto(url)
            page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(timeout=120_000)
            to_map = time.perf_counter() - t0
            page.wait_for_selector(IDLE, state="attached")
            page.wait_for_timeout(500)
            first = dict(sizes)
            kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="Place kinds")
            t0 = time.perf_counter()
            kinds.get_by_role("button", name=re.compile("(Remove|Delete) Seas")).first.click()
            page.frame_locator(MAP_FRAME).get_by_label("Seas").wait_for(state="detached")
            page.wait_for_selector(IDLE, state="attached")
            filt = time.perf_counter() - t0
            browser.close()
        return {
            "server_start_to_health_s": round(ready, 2),
            "server_ready_to_map_visible_s": round(to_map, 2),
            "streamlit_frontend_bytes": first["framework"],
            "sample_app_http_bytes": first["http"],
            "sample_websocket_bytes": first["ws"],
            "sample_app_total_bytes": first["http"] + first["ws"],
            "browser_filter_change_s": round(filt, 2),
        }
    finally:
        srv.stop()


#: Installed in a page (``context.add_init_script``): the time, on the page's own clock, when the first
#: element of each watched selector was added to the page or to one of its frames' documents, and the
#: start of the first animation frame after that (the frame that paints it). Playwright finds an element
#: by polling, at 0, 20, 50, 100, 100 ms and then every 500 ms after each wait starts, so its times are
#: late by up to half a second, by a different amount for each app; these are not. The page watches its
#: frames itself: a frame's first document (about:blank) hands its window to the document it loads, which
#: Playwright's init scripts then miss.
PAGE_MARKS_SCRIPT = """
(() => {
  if (window !== window.top) return;
  const watched = {metric: "[data-testid='stMetric']", map: ".leaflet-interactive"};
  const marks = (window.__benchMarks = {});
  const now = () => performance.now() / 1000;
  const docs = new Set();
  const check = () => {
    for (const doc of docs) {
      for (const [name, selector] of Object.entries(watched)) {
        if (name in marks || !doc.querySelector(selector)) continue;
        marks[name] = now();
        requestAnimationFrame(() => { marks[name + "_frame"] = now(); });
      }
    }
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.benchWatched) continue;
      frame.benchWatched = true;
      const load = () => { try { watch(frame.contentDocument); } catch (e) { /* another origin */ } };
      frame.addEventListener("load", load);
    }
  };
  // Leaflet adds a path, then its class.
  const options = {childList: true, subtree: true, attributes: true, attributeFilter: ["class"]};
  const watch = (doc) => {
    if (!doc || docs.has(doc)) return;
    docs.add(doc);
    new MutationObserver(check).observe(doc, options);
    check();
  };
  watch(document);
})();
"""


def _page_marks(page) -> dict[str, float]:
    """Seconds from the page's navigation to each mark of :data:`PAGE_MARKS_SCRIPT`."""
    return page.evaluate("window.__benchMarks || {}")


def _time_map(ctx, url: str) -> dict[str, float]:
    """A new page of the dashboard: seconds from navigation to each visible stage, in order.

    ``map_visible`` as Playwright first sees the map's features (polling); ``map_painted``: the frame that
    paints them, on the page's clock; ``page_complete``: the sidebar's options are there and no run is on
    (a new page's first run sends only the header, metrics and map; see streamlit_app.article_view).
    """
    page = ctx.new_page()
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", state="attached", timeout=120_000)
    marks["app_shell"] = time.perf_counter() - t0
    page.wait_for_selector("h1", timeout=120_000)
    marks["first_element"] = time.perf_counter() - t0
    page.wait_for_selector(MAP_FRAME, state="attached", timeout=120_000)
    marks["map_iframe_attached"] = time.perf_counter() - t0
    page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(timeout=120_000)
    marks["map_visible"] = time.perf_counter() - t0
    page.wait_for_selector(IDLE, state="attached", timeout=120_000)
    marks["script_done"] = time.perf_counter() - t0
    page.wait_for_selector(PAGE_DONE, state="attached", timeout=120_000)
    page.wait_for_selector(IDLE, state="attached", timeout=120_000)
    marks["page_complete"] = time.perf_counter() - t0
    marks["map_painted"] = _page_marks(page)["map_frame"]
    page.close()
    return marks


def _time_metric(ctx, url: str) -> dict[str, float]:
    """A new page of the one-metric app: seconds from navigation to its metric ``visible`` (as Playwright
    first sees it) and ``painted`` (the frame that paints it, on the page's clock)."""
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(METRIC, timeout=120_000)
    took = time.perf_counter() - t0
    page.wait_for_timeout(100)  # the painting frame's mark is taken just after the metric is added
    painted = _page_marks(page)["metric_frame"]
    page.close()
    return {"visible": took, "painted": painted}


def new_context(browser):
    """The benches' browser context (offline), with :data:`PAGE_MARKS_SCRIPT` in every frame."""
    ctx = _new_context(browser)
    ctx.add_init_script(PAGE_MARKS_SCRIPT)
    return ctx


#: Where the browser's main thread spends its time before the map is visible, by what ran (trace event
#: name and script URL); the first matching row counts.
MAIN_THREAD_ROWS: tuple[tuple[str, str, str], ...] = (
    ("streamlit_render", "FunctionCall", "react-dom"),  # Streamlit's React frontend building elements
    ("map_frame_scripts", "", "map_frame"),  # the map frame's own page (map_frame.py)
    ("map_frame_scripts", "", "leaflet"),
    ("script_compile", "v8.compile", ""),
    ("script_compile", "v8.evaluateModule", ""),  # Streamlit's lazily loaded element modules
    ("layout_style_paint", "Layout", ""),
    ("layout_style_paint", "UpdateLayoutTree", ""),
    ("layout_style_paint", "Paint", ""),
    ("garbage_collection", "MinorGC", ""),
    ("garbage_collection", "MajorGC", ""),
)


def _main_thread(trace: bytes, until_s: float) -> dict[str, float]:
    """Busy time of the page's renderer main thread (ms) from the first event to ``until_s``, by row."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    meta = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    procs = {e["pid"]: e["args"]["name"] for e in events if e.get("name") == "process_name"}
    main = next(k for k, v in meta.items() if v == "CrRendererMain" and procs.get(k[0]) == "Renderer")
    mine = [e for e in events if (e.get("pid"), e.get("tid")) == main and e.get("ph") == "X"]
    start = min(e["ts"] for e in mine)
    mine = [e for e in mine if e["ts"] - start <= until_s * 1e6]
    out = {"busy": sum(e.get("dur", 0) for e in mine if e["name"] == "RunTask") / 1e3}
    for e in mine:
        url = str(e.get("args", {}).get("data", {}).get("url", ""))
        for row, name, in_url in MAIN_THREAD_ROWS:
            names = (name,) if name else ("FunctionCall", "EvaluateScript")  # "": any script run
            if e["name"] in names and in_url in url:
                out[row] = out.get(row, 0.0) + e.get("dur", 0) / 1e3
                break
    return {k: round(v) for k, v in out.items()}


def bench_main_thread() -> dict:
    """One warm new page of each app with a Chrome trace: the main thread's busy time before the frame that
    paints the map (or the one-metric app's metric), and what it was spent on."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        ref_script = Path(tmp) / "one_metric.py"
        ref_script.write_text(ONE_METRIC_APP, encoding="utf-8")
        browser = launch(p)
        ctx = new_context(browser)
        ref, app = Server(ref_script), Server(ROOT / "streamlit_app.py")
        out: dict = {}
        try:
            _time_metric(ctx, ref.url), _time_map(ctx, app.url)  # warm both servers and the browser cache
            for name, url, ready in (("one_metric", ref.url, METRIC), ("dashboard", app.url, None)):
                page = ctx.new_page()
                browser.start_tracing(
                    page=page,
                    categories=["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"],
                )
                t0 = time.perf_counter()
                page.goto(url)
                if ready:
                    page.wait_for_selector(ready, timeout=120_000)
                else:
                    page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(
                        timeout=120_000
                    )
                took = time.perf_counter() - t0
                page.wait_for_timeout(100)  # the painting frame's mark
                # Up to the frame that paints it: Playwright sees it later, at its next poll.
                painted = _page_marks(page)["metric_frame" if ready else "map_frame"]
                rows = _main_thread(browser.stop_tracing(), painted)
                out[f"{name}_painted_s"] = round(painted, 2)
                out[f"{name}_visible_s"] = round(took, 2)
                out.update({f"{name}_main_thread_{k}_ms": v for k, v in rows.items()})
                page.close()
        finally:
            app.stop()
            ref.stop()
            browser.close()
    return out


def bench_time_to_map(repeat: int) -> dict:
    """Map visible on the dashboard vs the first element of a one-metric Streamlit app, same browser run.

    Cold: each server just answered /_stcore/health, first page; the dashboard started as the README's
    command starts it (``launch.py``: warming up in the background), once with no saved results (cold_*:
    the warm-up computes the sample's page) and once more with them (cold_saved_results_*: the README's
    command, whose setup step saves them, and any restart). Warm: the same servers, a new page each time
    (median of ``repeat``), alternating the two apps so both see the same machine load.
    """
    import statistics
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        ref_script = Path(tmp) / "one_metric.py"
        ref_script.write_text(ONE_METRIC_APP, encoding="utf-8")
        # A first start saves nothing before it: the warm-up's result files go to an empty folder.
        first_start = {"NEWS_GEO_RESULTS_DIR": str(Path(tmp) / "results")}
        browser = launch(p)
        ctx = new_context(browser)
        ref = Server(ref_script)
        try:
            cold_ref = _time_metric(ctx, ref.url)
            ref_start = ref.start_s
        finally:
            ref.stop()
        ref = Server(ref_script)
        app = Server(ROOT / "streamlit_app.py", env=first_start)
        try:
            cold = _time_map(ctx, app.url)
            warm_ref, warm = [], []
            for _ in range(repeat):
                warm_ref.append(_time_metric(ctx, ref.url))
                warm.append(_time_map(ctx, app.url))
        finally:
            app.stop()
            ref.stop()
        # Saved results: the folder now holds what the first server's warm-up saved, as it holds what
        # scripts/setup.sh saved when the README's command starts a server (and on every restart).
        again = Server(ROOT / "streamlit_app.py", env=first_start)
        try:
            restart = _time_map(ctx, again.url)
        finally:
            again.stop()
            browser.close()
    med = {k: statistics.median(w[k] for w in warm) for k in warm[0]}
    ref_w = {k: statistics.median(w[k] for w in warm_ref) for k in warm_ref[0]}
    out = {
        "one_metric_server_start_s": round(ref_start, 2),
        "dashboard_server_start_s": round(app.start_s, 2),
        "cold_one_metric_first_element_s": round(cold_ref["visible"], 2),
        "cold_one_metric_painted_s": round(cold_ref["painted"], 2),
        **{f"cold_dashboard_{k}_s": round(v, 2) for k, v in cold.items()},
        "cold_ratio_map_vs_metric": round(cold["map_visible"] / cold_ref["visible"], 2),
        "cold_ratio_painted": round(cold["map_painted"] / cold_ref["painted"], 2),
        # What a user waits for from the command: server start, then the first page.
        "cold_ratio_launch_to_map_vs_metric": round(
            (app.start_s + cold["map_visible"]) / (ref_start + cold_ref["visible"]), 2
        ),
        "cold_saved_results_dashboard_server_start_s": round(again.start_s, 2),
        "cold_saved_results_dashboard_map_visible_s": round(restart["map_visible"], 2),
        "cold_saved_results_dashboard_map_painted_s": round(restart["map_painted"], 2),
        "cold_saved_results_ratio_map_vs_metric": round(restart["map_visible"] / cold_ref["visible"], 2),
        "cold_saved_results_ratio_painted": round(restart["map_painted"] / cold_ref["painted"], 2),
        "warm_one_metric_first_element_s": round(ref_w["visible"], 2),
        "warm_one_metric_painted_s": round(ref_w["painted"], 2),
        **{f"warm_dashboard_{k}_s": round(v, 2) for k, v in med.items()},
        "warm_ratio_map_vs_metric": round(med["map_visible"] / ref_w["visible"], 2),
        "warm_ratio_painted": round(med["map_painted"] / ref_w["painted"], 2),
    }
    return out


def bench_cold(rounds: int, logs: Path | None = None) -> dict:
    """Cold time to map only, ``rounds`` times: per round a fresh one-metric server's first page, then a fresh
    dashboard's with no saved results (``cold_``) and another's with them (``cold_saved_results_``), as
    :func:`bench_time_to_map` measures them; each round's ratios and their medians. With ``logs``, each
    dashboard server's log (its warm-up's steps) is written there."""
    import statistics
    import tempfile

    from playwright.sync_api import sync_playwright

    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        ref_script = Path(tmp) / "one_metric.py"
        ref_script.write_text(ONE_METRIC_APP, encoding="utf-8")
        browser = launch(p)
        try:
            for i in range(rounds):
                ctx = new_context(browser)  # a new profile each round: nothing in the browser's cache
                first_start = {"NEWS_GEO_RESULTS_DIR": str(Path(tmp) / f"results-{i}")}
                row: dict[str, float] = {}
                for name, script, env in (
                    ("one_metric", ref_script, None),
                    ("cold", ROOT / "streamlit_app.py", first_start),
                    ("cold_saved_results", ROOT / "streamlit_app.py", first_start),
                ):
                    log = logs / f"round{i}-{name}.log" if logs and env else None
                    srv = Server(script, log=log, env=env)
                    try:
                        if env is None:
                            ref = _time_metric(ctx, srv.url)
                            row["one_metric_server_start"] = srv.start_s
                            row["one_metric_visible"] = ref["visible"]
                            row["one_metric_painted"] = ref["painted"]
                        else:
                            marks = _time_map(ctx, srv.url)
                            row[f"{name}_server_start"] = srv.start_s
                            row[f"{name}_app_shell"] = marks["app_shell"]
                            row[f"{name}_map_visible"] = marks["map_visible"]
                            row[f"{name}_map_painted"] = marks["map_painted"]
                            row[f"{name}_ratio"] = marks["map_visible"] / row["one_metric_visible"]
                            row[f"{name}_ratio_painted"] = marks["map_painted"] / row["one_metric_painted"]
                    finally:
                        srv.stop()
                ctx.close()
                print(f"round {i + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
                rows.append(row)
        finally:
            browser.close()
    out = {f"cold_rounds_median_{k}": round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}
    out |= {f"cold_rounds_max_{k}": round(max(r[k] for r in rows), 2) for k in rows[0] if "ratio" in k}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-browser", action="store_true", help="only the AppTest timings")
    parser.add_argument("--repeat", type=int, default=5, help="warm new pages per app")
    parser.add_argument("--cold", type=int, metavar="N", help="only the cold time to map, N rounds")
    parser.add_argument("--logs", type=Path, help="with --cold: write the dashboard servers' logs here")
    args = parser.parse_args()
    if args.cold:
        for k, v in bench_cold(args.cold, args.logs).items():
            print(f"{k:55s} {v}")
        return
    out = bench_apptest()
    out.update(bench_apptest_warmed())
    if not args.no_browser:
        out.update(bench_time_to_map(args.repeat))
        out.update(bench_main_thread())
        out.update(bench_browser())
    for k, v in out.items():
        print(f"{k:40s} {v}")
    print("targets: warm_ratio_map_vs_metric <= 1.3, cold_ratio_map_vs_metric <= 2")
    print("(*_ratio_painted: the same on the page's own clock, without Playwright's polling)")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "dashboard.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
