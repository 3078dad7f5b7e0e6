"""Shared by the browser benches: start a Streamlit server on 127.0.0.1 and stop it; the one-metric app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, _free_port, _offline_route  # noqa: E402
from tests.e2e.conftest import MAP_FRAME as MAP_FRAME  # noqa: E402  (the benches' one name for it)

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
METRIC = "[data-testid='stMetric']"
#: The dashboard's sidebar options: only the whole page has them (a new page's first run sends the map
#: without them; streamlit_app.PAGE_DONE).
PAGE_DONE = "[data-testid='stSidebar'] .st-key-article_options"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BROWSER_ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]

#: The reference: the smallest Streamlit app that shows a metric (served by the same Streamlit).
ONE_METRIC_APP = 'import streamlit as st\n\nst.metric("Mentions", 42)\n'


#: The dashboard's app script: started as the README's command starts it (``launch.py``, which warms it).
APP = ROOT / "streamlit_app.py"


class Server:
    """``streamlit run SCRIPT`` on a free local port; ``start_s`` is the time until /_stcore/health.

    The dashboard (:data:`APP`) is started by ``launch.py``, as ``scripts/run.sh`` starts it; other scripts
    (the one-metric reference) by ``streamlit run``.
    """

    def __init__(self, script: Path, log: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        start = (
            [str(ROOT / "launch.py")]
            if Path(script).resolve() == APP
            else ["-m", "streamlit", "run", str(script)]
        )
        cmd = [
            sys.executable, *start, "--server.headless", "true",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ]  # fmt: skip
        out = log.open("w") if log else subprocess.DEVNULL
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited with {self.proc.returncode} ({script})")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"streamlit did not answer /_stcore/health within 120 s ({script})")
            time.sleep(0.05)
        self.start_s = time.perf_counter() - t0

    def rss_mb(self) -> float:
        """Resident memory of the server process now (MB)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (MB): the kernel's high-water mark, VmHWM."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server has used so far."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def launch(playwright):
    """Debian's Chromium, headless, as the browser tests use it."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)


def new_context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.route("**/*", _offline_route)
    return ctx
