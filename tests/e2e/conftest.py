"""Browser-test harness: a Streamlit server per session, Debian Chromium, and no request off this machine."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
WEB = ROOT / ".cache" / "web"
RESULTS = ROOT / "test-results"
# A rerun on a loaded 2-core machine can take several seconds after the click that asked for it (an upload is
# sent first, then the script reruns): expect() polls for up to 30 s instead of Playwright's 5.
expect.set_options(timeout=30_000)
LOCAL_HOSTS = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "ws://localhost")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests/e2e as e2e; without Chromium, fail under CI=true and skip with a reason elsewhere."""
    here = Path(__file__).parent
    missing = not CHROMIUM.exists()
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if missing and not in_ci:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, never Playwright's own download."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing (CI=true): run scripts/install_test_system_deps.sh")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL: the tests open the server's full URL.

    Overrides pytest-playwright's fallback ``base_url``, a session fixture defined as an instance method,
    which pytest 9 deprecates (PytestRemovedIn10Warning); the suite stays warning-free.
    """
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


def settled_count(locator, ok, timeout_s: float = 30.0) -> int:
    """The locator's count once ``ok(count)`` holds (the map iframe redraws after the script run ends)."""
    deadline = time.monotonic() + timeout_s
    while True:
        n = locator.count()
        if ok(n) or time.monotonic() > deadline:
            return n
        time.sleep(0.2)


#: The article view's map frame (map_frame.py's component, titled with its name) and a pattern of its URL.
MAP_FRAME = 'iframe[title="map_frame.leaflet"]'
MAP_FRAME_URL = re.compile(r"/component/map_frame\.leaflet/")
#: The corpus view's map frame: streamlit-folium's component (corpus_view.py reads clicks back from it).
CORPUS_MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


#: The article view's sidebar options: only the whole page has them. A new page's first run sends the
#: header, metrics and map; the rest comes in the run the map asks for once it is drawn.
WHOLE_PAGE = "[data-testid='stSidebar'] .st-key-article_options"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def figure_value(page, label: str):
    """The value element of the article view's figure (its metric row) whose label is exactly ``label``."""
    name = page.locator(".metric-label").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(".metric-row .metric").filter(has=name).first.locator(".metric-value")


def wait_whole_page(page, timeout_ms: int = 60_000) -> None:
    """Wait until the whole article page is there (the sidebar's options) and no script run is on."""
    page.wait_for_selector(WHOLE_PAGE, state="attached", timeout=timeout_ms)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, state="attached", timeout=timeout_ms)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(delete_output_dir: None) -> Iterator[dict]:
    """Start the dashboard as the README's command does (``launch.py``: ``streamlit run streamlit_app.py``
    warming up in the background) on a free port; yields its URL and start-up time.

    Depends on pytest-playwright's ``delete_output_dir`` so the server log written to test-results/ is
    not wiped when that fixture empties the folder.
    """
    with streamlit_server() as info:
        yield info


@contextlib.contextmanager
def streamlit_server(
    env: dict[str, str] | None = None, log_name: str = "streamlit-server.log"
) -> Iterator[dict]:
    """Run the dashboard on a free port (extra environment ``env``) until the block ends."""
    # Leaflet comes from npm via scripts/setup.sh; fetch it if this checkout has not run setup yet.
    if not (WEB / "leaflet" / "dist" / "leaflet.js").exists() and shutil.which("npm"):
        subprocess.run(["bash", "scripts/fetch_web_assets.sh"], cwd=ROOT, check=False)
    port = _free_port()
    RESULTS.mkdir(exist_ok=True)
    log = (RESULTS / log_name).open("w")
    cmd = [
        sys.executable, "launch.py",  # what scripts/run.sh runs
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer /_stcore/health within 60 s")
            time.sleep(0.2)
        yield {"url": url, "startup_s": time.perf_counter() - t0}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _offline_route(route, request) -> None:
    """Let local traffic through; serve Leaflet from the npm package; stub other JS/CSS; abort the rest."""
    url = request.url
    if url.startswith(LOCAL_HOSTS):
        route.continue_()
        return
    name = url.split("?")[0].rsplit("/", 1)[-1]
    local = WEB / "leaflet" / "dist" / name
    if name in ("leaflet.js", "leaflet.css") and local.exists():
        ctype = "application/javascript" if name.endswith(".js") else "text/css"
        route.fulfill(status=200, body=local.read_bytes(), content_type=ctype)
    elif name.endswith((".js", ".css")):
        route.fulfill(status=200, body="", content_type="text/plain")
    else:
        route.abort()


@pytest.fixture
def offline_page(page, server):
    """A page whose context never reaches the internet, with byte counters and a dialog log."""
    page.context.route("**/*", _offline_route)
    # Streamlit's own frontend (/static/..., the root page) is the same few MB for every Streamlit app and
    # is cached by the browser; it is counted apart from what this app sends (websocket, map, Leaflet).
    stats = {"http_bytes": 0, "framework_bytes": 0, "ws_bytes": 0, "dialogs": [], "external": []}

    def on_request(request) -> None:
        if not request.url.startswith((*LOCAL_HOSTS, "data:", "blob:", "about:")):
            stats["external"].append(request.url)

    def on_finished(request) -> None:
        # A failed or aborted request has no sizes.
        with contextlib.suppress(Exception):
            size = request.sizes()["responseBodySize"]
            path = urlsplit(request.url).path
            framework = path.startswith("/static/") or path in ("/", "/favicon.png")
            stats["framework_bytes" if framework else "http_bytes"] += size

    def on_ws(ws) -> None:
        def count(payload) -> None:
            stats["ws_bytes"] += len(payload)

        ws.on("framereceived", count)

    def on_dialog(dialog) -> None:
        stats["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("request", on_request)
    page.on("requestfinished", on_finished)
    page.on("websocket", on_ws)
    page.on("dialog", on_dialog)
    page.stats = stats
    yield page
