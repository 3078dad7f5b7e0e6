"""The launcher's warm-up (launch.py) and the result files a restarted server reads (dashboard.appcache)."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import launch
from dashboard import appcache, settings

APP = settings.PROJECT_ROOT / "streamlit_app.py"


@pytest.fixture
def empty_caches() -> None:
    """The process caches emptied, so a hit below is what the warm-up made (not an earlier test)."""
    for cache in appcache.process_caches().values():
        cache.clear()


def misses() -> dict[str, int]:
    return {name: c.stats().misses for name, c in appcache.process_caches().items()}


def test_the_first_page_after_the_warm_up_makes_only_the_map_arguments(
    empty_caches: None, tmp_path: Path
) -> None:
    before = misses()  # counted since the process started: earlier tests' misses included
    steps = launch.warm_up(appcache.ResultFiles(tmp_path, version="test"))
    assert {"imports", "geoparse", "claims", "layers", "metrics"} <= set(steps)
    made = misses()
    assert made["parse"] - before["parse"] == made["claims"] - before["claims"] == 1
    assert made["layer"] - before["layer"] >= 5
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # Same keys as the page: a page opened after the warm-up (or during it: it waits) computes nothing but
    # the map's component arguments, which streamlit-folium renders: the warm-up must not import it.
    after = misses()
    assert after.pop("map") - made.pop("map") == 1
    assert after == made
    (el,) = [e for e in at.get("component_instance") if e.proto.component_name == "map_frame.leaflet"]
    assert "Countries (" in el.proto.json_args  # the layer control's entry


def test_a_restart_reads_the_saved_results_instead_of_computing_them(
    empty_caches: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.article import read_article

    seed = sorted(p for p in settings.SEEDS_DIR.iterdir() if p.suffix in (".txt", ".md"))[0]
    a = read_article(seed.read_bytes(), seed.name)
    key = appcache.parse_key(a.text, a.date)
    files = appcache.ResultFiles(tmp_path, version="test")
    launch.warm_up(files)
    made = appcache.process_caches()["parse"].get(key, lambda: None)
    saved = {p.name.split("-")[0] for p in files.folder.iterdir()}
    assert {"parse", "claims", "layer", "summary"} <= saved

    for cache in appcache.process_caches().values():  # a new server process: nothing in memory
        cache.clear()

    def fail(*args: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(appcache, "compute_parse", fail)
    monkeypatch.setattr(appcache, "compute_claims", fail)
    launch.warm_up(files)
    read = appcache.process_caches()["parse"].get(key, lambda: None)
    assert read is not made and read.mentions == made.mentions
    assert read.places.drop(columns="geometry").equals(made.places.drop(columns="geometry"))
    assert read.places.geometry.geom_equals(made.places.geometry).all()


def test_a_corrupt_or_foreign_result_file_is_ignored_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = appcache.ResultFiles(tmp_path, version="test")
    files.save("parse", "k1", {"value": 1})
    files.path("parse", "k1").write_bytes(b"\x80\x05garbage, cut short")
    files.save("parse", "k2", {"value": 2})
    files.path("parse", "k2").replace(files.path("parse", "k3"))  # holds k2's result under k3's name
    with caplog.at_level(logging.WARNING, logger="dashboard.appcache"):
        assert files.get("parse", "k1", lambda: "made") == "made"
        assert files.get("parse", "k3", lambda: "made too") == "made too"
    assert "unreadable" in caplog.text and "k1" in caplog.text
    assert "holds" in caplog.text
    assert files.load("parse", "k1") == (True, "made")  # rewritten


def test_results_of_other_code_or_geodata_are_never_read(tmp_path: Path) -> None:
    appcache.ResultFiles(tmp_path, version="before").save("parse", "k", "old")
    assert appcache.ResultFiles(tmp_path, version="after").load("parse", "k") == (False, None)
    # The default version follows the code and the geodata.
    assert appcache.ResultFiles(tmp_path).version == appcache.ResultFiles(tmp_path).version != "before"


def test_a_page_arriving_mid_warm_up_waits_for_the_result_instead_of_computing_it(
    empty_caches: None, tmp_path: Path
) -> None:
    files = appcache.ResultFiles(tmp_path, version="test")
    calls: list[str] = []
    started = threading.Event()

    def slow() -> str:
        calls.append("warm-up")
        started.set()
        time.sleep(0.3)
        return "parsed"

    warm = threading.Thread(target=appcache.cached, args=("parse", "key", slow, files))
    warm.start()
    assert started.wait(30)  # the page arrives while the warm-up is making the entry
    got = appcache.cached("parse", "key", lambda: calls.append("page") or "parsed twice")
    warm.join()
    assert got == "parsed" and calls == ["warm-up"]


def test_app_imports_skip_what_declares_a_component() -> None:
    names = launch.app_imports()
    assert "folium" in names and "folium.plugins" in names  # streamlit_folium's own imports
    assert "dashboard.report" in names  # corpus_view's
    assert not {"streamlit_folium", "corpus_view", "map_frame"} & {n.split(".")[0] for n in names}


def test_the_warm_up_leaves_component_modules_to_the_first_script_run(tmp_path: Path) -> None:
    # Imported outside a script run, a module declaring a component would not register it: a blank map frame.
    code = (
        "import sys, launch; from dashboard import appcache; "
        f"launch.warm_up(appcache.ResultFiles(__import__('pathlib').Path({str(tmp_path)!r}), 'test')); "
        "print(sorted({'streamlit_folium', 'corpus_view', 'map_frame'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_only_the_newest_result_versions_are_kept(tmp_path: Path) -> None:
    for i in range(appcache.KEEP_VERSIONS + 3):
        appcache.ResultFiles(tmp_path, version=f"v{i}").save("parse", "k", i)
        time.sleep(0.01)  # distinct modification times
    kept = sorted(f.name for f in tmp_path.iterdir())
    assert len(kept) == appcache.KEEP_VERSIONS and f"v{appcache.KEEP_VERSIONS + 2}" in kept
    assert appcache.ResultFiles(tmp_path, version=f"v{appcache.KEEP_VERSIONS + 2}").load("parse", "k")[0]


def test_results_saved_at_setup_spare_even_a_first_start_the_geoparse(
    empty_caches: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = appcache.ResultFiles(tmp_path, version="test")
    assert appcache.save_sample_results(files) == files.folder  # what `python -m dashboard.caches` does
    for cache in appcache.process_caches().values():  # the server is another process
        cache.clear()

    def fail(*args: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(appcache, "compute_parse", fail)
    monkeypatch.setattr(appcache, "compute_claims", fail)
    steps = launch.warm_up(files)
    assert "metrics" in steps  # got through every step


#: Modules AppTest imports for itself on its first run (a server imports them at start): not the app's.
APPTEST_OWN = ("packaging", "streamlit.components.v2.manifest_scanner")


def test_a_first_script_run_after_the_warm_up_imports_only_what_declares_components(tmp_path: Path) -> None:
    # What a first run imports, the page waits for: Streamlit's emoji table (the page icon), its component
    # marshalling and "magic" helpers are imported by the warm-up; the components' modules are not.
    code = (
        "import sys, launch; from pathlib import Path; from dashboard import appcache; "
        "from streamlit.testing.v1 import AppTest; "
        f"launch.warm_up(appcache.ResultFiles(Path({str(tmp_path)!r}), 'test')); "
        "before = set(sys.modules); "
        f"AppTest.from_file({str(APP)!r}, default_timeout=120).run(); "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    new = eval(out.stdout.strip().splitlines()[-1])  # a list of module names printed by the child
    local = {p.stem for p in settings.PROJECT_ROOT.glob("*.py")}  # corpus_view: declares a component
    allowed = local | launch.COMPONENT_MODULES
    left = [n for n in new if n.split(".")[0] not in allowed and not n.startswith(APPTEST_OWN)]
    # A module listed here is one the page waits for: the warm-up should import it (FIRST_RUN_MODULES),
    # unless it declares a component (COMPONENT_MODULES).
    assert left == []


class _Runtime:
    """What compile_into_server reads of Streamlit's runtime: its script cache."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache

        self._script_cache = ScriptCache()


def test_the_warm_up_compiles_the_script_into_the_servers_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import script_cache

    runtime = _Runtime()
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    assert launch.compile_into_server(APP)

    def fail(*args: object) -> None:
        raise AssertionError("the script was read again")

    monkeypatch.setattr(script_cache, "open_python_file", fail)
    code = runtime._script_cache.get_bytecode(str(APP))  # what the server's first script run asks for
    assert code.co_filename == str(APP)


def test_without_a_server_the_warm_up_does_not_wait_for_one() -> None:
    t0 = time.perf_counter()
    assert launch.compile_into_server(APP, wait_s=0.2) is False
    assert time.perf_counter() - t0 < 5


def test_the_thread_switch_interval_is_restored_after_the_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    default = sys.getswitchinterval()

    def fail(**kwargs: object) -> None:
        raise RuntimeError("warm-up failed")

    monkeypatch.setattr(launch, "warm_up", fail)
    sys.setswitchinterval(launch.WARMUP_SWITCH_INTERVAL_S)
    try:
        launch._warm_and_log(default)  # logs the failure: the server runs without a warm-up
        assert sys.getswitchinterval() == pytest.approx(default)
    finally:
        sys.setswitchinterval(default)
