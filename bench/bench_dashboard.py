"""Dashboard budgets: server-side run times (AppTest) and, in headless Chromium, time to map and bytes sent.

Run: ``.venv/bin/python bench/bench_dashboard.py [--no-browser]``. Budgets (issue 4): server ready to map
visible < 5 s for the sample; data sent to the browser < 1.5 MB; a filter change re-renders < 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, _free_port, _offline_route  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def bench_apptest() -> dict:
    """Script run times without a browser: cold (parse + geodata load), warm rerun, filter change."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    steps = dict(at.session_state["_timings"]) if "_timings" in at.session_state else {}
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    kinds = list(at.multiselect(key="kinds").value)
    t0 = time.perf_counter()
    at.multiselect(key="kinds").set_value([k for k in kinds if k != "sea"]).run()
    filt = time.perf_counter() - t0
    (el,) = [e for e in at.get("component_instance") if "streamlit_folium" in e.proto.component_name]
    return {
        "apptest_cold_run_s": round(cold, 3),
        "apptest_warm_rerun_s": round(warm, 3),
        "apptest_filter_change_s": round(filt, 3),
        "map_component_args_bytes": len(el.proto.json_args.encode()),
        # The first run's steps (streamlit_app.timed): what the cold "map visible" time is made of.
        **{f"first_run_{k}_s": v for k, v in steps.items()},
    }


def bench_browser() -> dict:
    """Start the server, open the sample offline in Debian Chromium, and count time and bytes."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t_start = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.1)
        ready = time.perf_counter() - t_start
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
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-browser", action="store_true", help="only the AppTest timings")
    args = parser.parse_args()
    out = bench_apptest()
    if not args.no_browser:
        out.update(bench_browser())
    for k, v in out.items():
        print(f"{k:34s} {v}")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "dashboard.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
