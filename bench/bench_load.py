"""The dashboard under load: concurrent browser sessions, each pasting a different real article.

usage: python bench/bench_load.py [--sessions 20] [--rounds 2] [--timeout 600]

Serves streamlit_app.py on 127.0.0.1 and opens ``--sessions`` pages at once in Debian Chromium (offline:
the routes of tests/e2e/conftest.py). Each session waits for the sample's map, then ``--rounds`` times pastes
a different Reuters-21578 body (read from .cache/reuters at run time, never committed) into "Paste an
article", commits it (Ctrl+Enter) and waits for the rerun to finish with the map drawn. A bounded loop: every
session stops after its rounds, and the whole bench after ``--timeout`` seconds. Reports: exception boxes
and sessions whose map never appeared (both must be 0), p50/p95 time to map (paste -> map drawn, and new
page -> first map), and the server's RSS: sampled every second and its peak (the kernel's VmHWM). Exits
with status 1 when a session failed, a map was not drawn or an exception box appeared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_geoparse import reuters_bodies  # noqa: E402
from serve import BROWSER_ARGS, CHROMIUM, IDLE, MAP_FRAME, Server  # noqa: E402

from tests.e2e.conftest import LOCAL_HOSTS, WEB  # noqa: E402

# A drawn feature of the map that is visible (a layer switched off or a marker not yet shown is not).
FEATURE = ".leaflet-interactive:visible"
EXCEPTION = "[data-testid='stException'], [data-testid='stAlertContentError']"


async def offline_route(route, request) -> None:
    """tests/e2e/conftest.py's _offline_route for the async API: local traffic passes, Leaflet comes from
    the npm package, other scripts and styles are empty, everything else is aborted."""
    url = request.url
    if url.startswith(LOCAL_HOSTS):
        await route.continue_()
        return
    name = url.split("?")[0].rsplit("/", 1)[-1]
    local = WEB / "leaflet" / "dist" / name
    if name in ("leaflet.js", "leaflet.css") and local.exists():
        ctype = "application/javascript" if name.endswith(".js") else "text/css"
        await route.fulfill(status=200, body=local.read_bytes(), content_type=ctype)
    elif name.endswith((".js", ".css")):
        await route.fulfill(status=200, body="", content_type="text/plain")
    else:
        await route.abort()


def descendants_cpu_s(root: int, skip: int) -> float:
    """CPU seconds used so far by the processes under ``root`` (the browser and its driver), except the
    subtree of ``skip`` (the server)."""
    import os

    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            f = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(f[1]), []).append(int(d.name))
        cpu[int(d.name)] = (int(f[11]) + int(f[12])) / tick
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid == skip:
            continue
        total += cpu.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of the values."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


async def session(browser, url: str, articles: list[str], log: dict, k: int) -> None:
    """One user: open the app, wait for the sample's map, paste each article and wait for its map."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await ctx.route("**/*", offline_route)
    page = await ctx.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=300_000)
        await page.frame_locator(MAP_FRAME).locator(FEATURE).first.wait_for(timeout=300_000)
        log["first_map"].append(time.perf_counter() - t0)
        await page.wait_for_selector(IDLE, state="attached", timeout=300_000)
        if await page.locator(EXCEPTION).count():
            log["exceptions"].append((k, await page.locator(EXCEPTION).first.inner_text()))
        box = page.get_by_role("textbox", name="Paste an article")
        picker = page.get_by_role("combobox", name="Shown article")
        for text in articles:
            before = await picker.input_value()
            t0 = time.perf_counter()
            await box.fill(text)
            await box.press("Control+Enter")
            # The run is over when the pasted article is the shown one (the picker names it) and the app
            # is idle. The run state alone is no signal: under load the box can lose focus while the page
            # still draws, Streamlit commits a text area on blur, and the run may start and end before
            # Ctrl+Enter.
            deadline = time.monotonic() + 300
            while await picker.input_value() == before:
                if time.monotonic() > deadline:
                    raise TimeoutError("the pasted article never became the shown one")
                await asyncio.sleep(0.1)
            await page.wait_for_selector(IDLE, state="attached", timeout=300_000)
            # The map drawn: a visible feature, or (an article naming no place) the empty map and the
            # app's "No places found" notice.
            frame = page.frame_locator(MAP_FRAME)
            if await page.get_by_text("No places found").count():
                await frame.locator(".leaflet-container").first.wait_for(timeout=300_000)
                log["no_places"] += 1
            else:
                await frame.locator(FEATURE).first.wait_for(timeout=300_000)
            log["paste_to_map"].append(time.perf_counter() - t0)
            errors = await page.locator(EXCEPTION).count()
            if errors:
                log["exceptions"].append((k, await page.locator(EXCEPTION).first.inner_text()))
        log["done"] += 1
    except Exception as exc:  # a session that fails is reported, not hidden
        log["failed"].append((k, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
    finally:
        await ctx.close()


async def run(url: str, bodies: list[str], sessions: int, rounds: int, timeout: float, skip: int) -> dict:
    from playwright.async_api import async_playwright

    log: dict = {"first_map": [], "paste_to_map": [], "exceptions": [], "failed": [], "done": 0}
    log["no_places"] = 0
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        jobs = [session(browser, url, bodies[k * rounds : (k + 1) * rounds], log, k) for k in range(sessions)]
        try:
            await asyncio.wait_for(asyncio.gather(*jobs), timeout=timeout)
        except TimeoutError:
            log["failed"].append(("all", f"bench timeout after {timeout:.0f} s"))
        log["browser_cpu"] = descendants_cpu_s(os.getpid(), skip)
        await browser.close()
    return log


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="articles pasted per session")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--skip", type=int, default=0, help="start at this session's articles")
    a = ap.parse_args()
    # Distinct articles of a news length (not the one-line briefs), one per paste. Reuters-21578 repeats
    # some stories word for word: the same text pasted again changes no widget value, so Streamlit starts
    # no run and the session would wait for a map that is already there.
    bodies = list(dict.fromkeys(b for b in reuters_bodies(20_000) if 1_500 <= len(b) <= 6_000))
    bodies = bodies[a.skip * a.rounds :][: a.sessions * a.rounds]
    if len(bodies) < a.sessions * a.rounds:
        raise SystemExit("not enough Reuters articles in .cache/reuters: run `bash scripts/setup.sh`")
    server = Server(ROOT / "streamlit_app.py")
    rss: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        t0 = time.perf_counter()
        while not stop.is_set():
            rss.append((time.perf_counter() - t0, server.rss_mb()))
            stop.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        log = asyncio.run(run(server.url, bodies, a.sessions, a.rounds, a.timeout, server.proc.pid))
    finally:
        stop.set()
        sampler.join()
        cpu = server.cpu_s()
        peak = server.peak_rss_mb()
        server.stop()
    wall = time.perf_counter() - t0
    f, p = log["first_map"], log["paste_to_map"]
    print(f"{a.sessions} concurrent sessions x {a.rounds} pasted Reuters articles, {wall:.0f} s in all")
    print(
        f"  sessions completed {log['done']}/{a.sessions}; "
        f"maps drawn after paste {len(p)}/{a.sessions * a.rounds} ({log['no_places']} articles name no place)"
    )
    print(f"  server CPU         {cpu:.0f} s in {wall:.0f} s: one process, its script runs share one GIL")
    print(
        f"  browser CPU        {log.get('browser_cpu', float('nan')):.0f} s "
        f"(Chromium, {a.sessions} tabs, on the same 2 cores)"
    )
    print(f"  exception boxes    {len(log['exceptions'])}  {log['exceptions'][:3]}")
    print(f"  failed sessions    {len(log['failed'])}  {log['failed'][:3]}")
    print(f"  new page -> map    p50 {pct(f, 50):6.2f} s  p95 {pct(f, 95):6.2f} s  (n={len(f)})")
    print(f"  paste -> map       p50 {pct(p, 50):6.2f} s  p95 {pct(p, 95):6.2f} s  (n={len(p)})")
    if rss:
        mbs = [m for _t, m in rss]
        step = max(1, len(rss) // 10)
        trace = "  ".join(f"{t:.0f}s:{m:.0f}" for t, m in rss[::step])
        print(
            f"  server RSS MB      start {mbs[0]:.0f}  max sampled {max(mbs):.0f}  end {mbs[-1]:.0f}  "
            f"peak (VmHWM) {peak:.0f}"
        )
        print(f"  RSS over time      {trace}")
        print(f"  median RSS         {statistics.median(mbs):.0f} MB")
    drawn = len(p) == a.sessions * a.rounds and len(f) == a.sessions
    ok = drawn and not log["exceptions"] and not log["failed"]
    print("  verdict            " + ("OK: every map drawn, no exception box" if ok else "FAILED (see above)"))
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
