"""Start the dashboard: ``python launch.py [streamlit options]`` (run.sh, the benches, the browser tests).

Runs ``streamlit run streamlit_app.py`` in this process and meanwhile warms the server in a background
thread: it imports the app's modules and makes the bundled sample's first page (parse, claims, metrics,
map layers) into the caches the app reads (``dashboard.appcache``), reading the results a previous server
saved in ``.cache/results/`` instead of computing them again. A browser opening the page mid-warm-up waits
for the entry being made rather than making it twice (the caches are single-flight), and finds the rest
made. ``NEWS_GEO_WARMUP=0`` starts the server without it (what plain ``streamlit run`` does).

UI side, like streamlit_app.py: the map layers come from ``dashboard.mapview`` (folium).
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
APP = ROOT / "streamlit_app.py"
#: Set to 0 to start the server without warming it.
WARMUP_ENV = "NEWS_GEO_WARMUP"

log = logging.getLogger("launch")


#: Modules Streamlit imports during an app's first script run rather than at start, imported by the warm-up
#: too: the emoji table of ``st.set_page_config``'s icon check (0.05-0.1 s of a first run), the component
#: call's marshalling and what Streamlit's "magic" rewrite of the script calls.
FIRST_RUN_MODULES: tuple[str, ...] = (
    "streamlit.emojis",
    "streamlit.components.v1.component_arrow",
    "streamlit.runtime.scriptrunner.magic_funcs",
)
#: The interpreter's thread switch interval while the warm-up runs (Python's default is 5 ms). The warm-up
#: holds the GIL for seconds at a time while the server thread answers the browser; each time the server
#: wakes (a request for one of the frontend's files, the health check, a websocket message) it waits up to
#: this long for the GIL, instead of 5 ms, dozens of times per page.
WARMUP_SWITCH_INTERVAL_S = 0.0005
#: Seconds the warm-up waits for Streamlit's runtime to exist before compiling the script into its cache.
RUNTIME_WAIT_S = 30.0


#: Modules the warm-up must not import: a Streamlit component registers itself with the server only when
#: first imported inside a script run, so imported here its map frame would never load (a blank iframe).
COMPONENT_MODULES: frozenset[str] = frozenset({"streamlit_folium"})


def app_imports(script: Path = APP) -> list[str]:
    """The modules ``script`` imports at its top level, in order, that the warm-up may import.

    A module of this project's root (``corpus_view``) and a module of :data:`COMPONENT_MODULES` are
    replaced by their own imports (folium's plugins for ``streamlit_folium``): both declare components,
    which the first script run must do, but what they import need not wait for it.
    """
    names: list[str] = []
    for name in _imports_of(script):
        local = script.parent / f"{name}.py"
        if local.is_file():
            names += app_imports(local)
        elif name in COMPONENT_MODULES:  # not "streamlit_folium.x": finding it would import the package
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                names += _imports_of(Path(spec.origin))
        else:
            names.append(name)
    skip = {"__future__", *COMPONENT_MODULES}
    return [n for n in dict.fromkeys(names) if n.split(".")[0] not in skip]


def _imports_of(source: Path) -> list[str]:
    """Absolute imports at the top level of a Python file (``import x``, ``from x import y``)."""
    names: list[str] = []
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from dashboard import mapview" imports a submodule: tried too ("typing.Any" fails, quietly).
            names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return names


@contextlib.contextmanager
def _step(steps: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        steps[name] = round(time.perf_counter() - t0, 3)


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """Drop ``logger``'s warnings for the block ("missing ScriptRunContext": expected off a script run)."""
    target = logging.getLogger(logger)
    level = target.level
    target.setLevel(logging.ERROR)
    try:
        yield
    finally:
        target.setLevel(level)


def compile_into_server(script: Path = APP, wait_s: float = RUNTIME_WAIT_S) -> bool:
    """Compile ``script`` into the script cache of the Streamlit server starting in this process, as its
    first script run would (reading the file, Streamlit's "magic" rewrite of its syntax tree, ``compile``:
    0.05-0.3 s of that run otherwise); False when no server started within ``wait_s`` seconds, or this
    Streamlit keeps no such cache (the runtime's ``_script_cache``, not a public API: then nothing is done).
    """
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + wait_s
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    cache = getattr(Runtime.instance(), "_script_cache", None)
    if not callable(getattr(cache, "get_bytecode", None)):
        return False
    cache.get_bytecode(str(script))
    return True


def warm_up(files: Any = None, script: Path = APP, server: bool = False) -> dict[str, float]:
    """Make what the first page of the sample needs; returns seconds per step.

    The steps follow ``streamlit_app.article_page`` on a session's first run (the first sample article,
    no corrections, every kind and mention type shown) and use its keys, so that page finds every entry
    made: ``tests/test_launch.py`` checks that it then misses none.

    Parameters
    ----------
    files : dashboard.appcache.ResultFiles, optional
        Where results are read from and saved to; default the project's ``.cache/results``.
    script : Path
        The app whose imports are loaded first.
    server : bool
        Also compile ``script`` into the Streamlit server starting in this process
        (:func:`compile_into_server`; waits for it): what ``launch.py`` does, not a test's AppTest.
    """
    steps: dict[str, float] = {}
    with _step(steps, "imports"), _quiet("streamlit.runtime.scriptrunner_utils.script_run_context"):
        # The app's modules call st.* when imported (cache decorators), outside a script run here.
        for name in app_imports(script):
            with contextlib.suppress(ImportError):  # a name, not a module; or missing: the app says so
                importlib.import_module(name)
        # Streamlit names a component by the module declaring it (inspect.getmodule on a frame), which
        # resolves the path of every imported module once and caches it: 0.07-0.2 s of the first script
        # run for the 1,500 modules imported here, unless this thread fills that cache first.
        inspect.getmodule(inspect.currentframe())
        for name in FIRST_RUN_MODULES:
            with contextlib.suppress(ImportError):  # another Streamlit version: its first run imports them
                importlib.import_module(name)
    if server:
        with _step(steps, "compile"):
            compile_into_server(script)
    from dashboard import appcache, mapview, report
    from dashboard.gazetteer import geodata_version, get_gazetteer
    from dashboard.language import check_language
    from dashboard.placekinds import MentionType

    if files is None:
        files = appcache.ResultFiles()
    digest, cached = appcache.digest, appcache.cached
    with _step(steps, "assets"):
        mapview.ensure_local_assets()
        try:
            land = get_gazetteer().layer
            mapview.land_asset(lambda: mapview.land_geojson(land("country", display=True)), geodata_version())
        except OSError as exc:
            log.warning("land backdrop not written: %s", exc)
    a = appcache.sample_article()
    if a is None:
        return steps
    with _step(steps, "language"):
        lang = cached("language", digest(a.text), lambda: check_language(a.text))
    if not lang.supported:
        return steps
    with _step(steps, "geoparse"):
        mentions, places = appcache.parse_result(a.text, a.date, files)
    with _step(steps, "claims"):
        claims = appcache.claims_result(a.text, a.date, mentions, files)
    fixes = report.Corrections()
    with _step(steps, "layers"):
        text, mentions, places = report.combine([(a.text, mentions, places)], None)
        text_key = digest(text, [(a.date, False, fixes)])
        highlight = tuple(sorted({pid for c in claims or [] for pid in c.get("place_ids") or []}))
        kinds = {s.kind for s in mapview.LAYERS} | (set(places["kind"]) - set(mapview.STYLES))
        types = {t.value for t in MentionType}
        shown = report.filter_places(places, kinds, types)
        for kind in mapview.layer_kinds(shown["kind"]):
            rows = shown[shown["kind"] == kind]
            lit = tuple(h for h in highlight if h in set(rows["place_id"]))
            make: Callable[[], Any] = _layer_maker(mapview.layer_geojson, rows, text, lit)
            cached("layer", appcache.layer_key(rows, text_key, lit), make, files)
    with _step(steps, "metrics"):
        shown_mentions = [m for m in mentions if m.kind in kinds and m.type in types]
        cached(
            "summary",
            digest(text_key, sorted(kinds), sorted(types)),
            lambda: report.summarize(shown_mentions, shown),
            files,  # the countries' area would read the country layer (0.3 s) a restart need not read
        )
    return steps


def _layer_maker(build: Callable[..., Any], rows: Any, text: str, lit: tuple[str, ...]) -> Callable[[], Any]:
    return lambda: build(rows, text, lit)


def _warm_and_log(switch_interval: float) -> None:
    """Warm the server (:func:`warm_up`), log its steps, then restore the thread switch interval."""
    t0 = time.perf_counter()
    try:
        steps = warm_up(server=True)
    except Exception:  # the server runs without it: each page makes what it needs
        log.exception("warm-up failed; pages compute their results themselves")
        return
    finally:
        sys.setswitchinterval(switch_interval)
    took = ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
    log.info("warm-up done in %.2f s: %s", time.perf_counter() - t0, took)


def main(argv: list[str] | None = None) -> int:
    """Start the warm-up thread, then ``streamlit run streamlit_app.py ARGV`` (this thread serves)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if os.environ.get(WARMUP_ENV, "1") != "0":
        default = sys.getswitchinterval()
        sys.setswitchinterval(WARMUP_SWITCH_INTERVAL_S)
        threading.Thread(target=_warm_and_log, args=(default,), name="warm-up", daemon=True).start()
    from streamlit.web import cli

    # As `python -m streamlit run streamlit_app.py ARGV` (Streamlit reads its command line from sys.argv).
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
