"""The compiled geoparser (dashboard/native.py): used exactly when built from the current sources.

Under CI (scripts/setup.sh builds it) the build must exist, so the suite runs the compiled stages and these
checks cannot skip; elsewhere (no C compiler) the build-dependent ones skip and the Python modules run.
"""

from __future__ import annotations

import ast
import copy
import importlib
import importlib.machinery
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import native, settings

ROOT = settings.PROJECT_ROOT
SAMPLE = ROOT / "seeds" / "000_f76bc0d3d06c699a.txt"


def current_build() -> Path:
    """The build for these sources; a failure under CI=true, else a skip, when there is none."""
    folder = native.build_folder()
    if folder is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no compiled geoparser for these sources: scripts/setup.sh should have built it")
        pytest.skip("no compiled geoparser built (`python -m dashboard.native`)")
    return folder


def module_name(rel: str) -> str:
    return rel.removesuffix(".py").replace("/", ".")


def imported_modules(rel: str) -> set[str]:
    """The dashboard modules a source file imports (at the top or inside functions), as file paths."""
    out = set()
    for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboard"):
            # "from dashboard import lexicon" names a module; "from dashboard.x import y" a module's name.
            if node.module in ("dashboard", "dashboard.geoparse"):
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("dashboard")]
        for name in names:
            path = Path(*name.split("."))
            out.add(
                str(
                    path.with_suffix(".py")
                    if (ROOT / path.with_suffix(".py")).exists()
                    else path / "__init__.py"
                )
            )
    return out


def test_every_module_the_compiled_ones_import_is_hashed():
    # Compiled code holds the types of what it imports: an edit to any of those must make the build stale.
    seen: set[str] = set()
    todo = list(native.MODULES)
    while todo:
        rel = todo.pop()
        if rel not in seen:
            seen.add(rel)
            todo += imported_modules(rel)
    seen -= {"dashboard/__init__.py", "dashboard/geoparse/__init__.py"}
    assert seen <= set(native.MODULES) | set(native.DEPENDS), sorted(
        seen - set(native.MODULES) - set(native.DEPENDS)
    )


def test_the_stages_run_compiled_when_built():
    folder = current_build()
    import dashboard.geoparse

    assert dashboard.geoparse.compiled()
    for rel in native.MODULES:
        mod = importlib.import_module(module_name(rel))
        assert isinstance(mod.__loader__, importlib.machinery.ExtensionFileLoader), rel
        assert mod.__spec__.origin.startswith(str(folder)), rel


def parse_sample(env: dict[str, str]) -> list[object]:
    """The sample's mentions (with their whys) as JSON, parsed in a fresh interpreter with ``env``."""
    code = (
        "import json, sys; from dashboard.geoparse import compiled, geoparse; "
        "ms = geoparse(open(sys.argv[1], encoding='utf-8').read(), explain=True); "
        "print(json.dumps([compiled(), [[m.start, m.end, m.place_id, m.type, m.confidence, m.why.to_dict()] "
        "for m in ms]]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLE)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(proc.stdout)


def test_compiled_and_interpreted_stages_give_the_same_mentions():
    current_build()
    compiled, got = parse_sample({native.NATIVE_ENV: "1"})
    interpreted, expected = parse_sample({native.NATIVE_ENV: "0"})
    assert (compiled, interpreted) == (True, False)
    assert len(got) > 50
    assert got == expected


def test_mentions_pickle_and_copy_in_either_mode():
    # multiprocessing and Dask pickle what a parse returns: the frozen records stay plain Python classes when
    # compiled (mypyc's own would not unpickle them).
    from dashboard.geoparse import geoparse

    mentions = geoparse(SAMPLE.read_text(encoding="utf-8"), explain=True)
    assert mentions and all(m.why is not None for m in mentions)
    assert pickle.loads(pickle.dumps(mentions)) == mentions
    assert copy.deepcopy(mentions) == mentions


def project_copy(tmp_path: Path, folder: Path) -> Path:
    """A copy of the package with the current build in its own .cache (a checkout of the same sources)."""
    shutil.copytree(ROOT / "dashboard", tmp_path / "dashboard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(folder, tmp_path / ".cache" / "native" / folder.name)
    return tmp_path


def imported_in(project: Path) -> dict[str, object]:
    code = (
        "import json, importlib.machinery as m, dashboard.geoparse as g, dashboard.geoparse.cues as c; "
        "print(json.dumps({'compiled': g.compiled(), "
        "'extension': isinstance(c.__loader__, m.ExtensionFileLoader), "
        "'edited': getattr(c, 'EDITED', None)}))"
    )
    env = {k: v for k, v in os.environ.items() if k != native.NATIVE_ENV}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


def test_an_edited_source_is_never_shadowed_by_a_stale_build(tmp_path):
    project = project_copy(tmp_path, current_build())
    assert imported_in(project) == {"compiled": True, "extension": True, "edited": None}
    # An edit to one stage: that build is stale now, so every stage runs from the .py files, edit included.
    with (project / "dashboard" / "geoparse" / "cues.py").open("a", encoding="utf-8") as f:
        f.write("\nEDITED = 1\n")
    assert imported_in(project) == {"compiled": False, "extension": False, "edited": 1}


def test_an_edited_dependency_makes_the_build_stale(tmp_path):
    project = project_copy(tmp_path, current_build())
    with (project / "dashboard" / "nameindex.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    assert imported_in(project)["compiled"] is False


def test_a_half_written_build_is_never_used(tmp_path):
    (tmp_path / native.build_key()).mkdir()  # no stamp: a build that did not finish
    assert native.build_folder(ROOT, tmp_path) is None


@pytest.mark.slow
def test_a_failed_build_leaves_nothing_to_use(tmp_path):
    # No C compiler: mypyc's C does not build; the error says where the log is, and no build is left.
    with pytest.raises(native.BuildError, match=r"build\.log"):
        native.build(ROOT, tmp_path, env={**os.environ, "CC": "false"})
    assert [p.name for p in tmp_path.iterdir()] == ["build.log"]
    assert native.build_folder(ROOT, tmp_path) is None
