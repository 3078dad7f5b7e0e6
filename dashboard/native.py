"""The geoparser's modules compiled to C with mypyc: an optional speed-up of the same Python source.

``python -m dashboard.native`` (run by scripts/setup.sh) compiles :data:`MODULES` into
``.cache/native/<key>/``, where the key hashes their sources and the Python version. ``dashboard.geoparse``
puts that folder first on its ``__path__`` only when a finished build for the current sources is there
(:func:`build_folder`), so an edited ``.py`` is never shadowed by a stale extension module: it runs
interpreted until the next build. No build (no C compiler, a module mypyc rejects, ``DASHBOARD_NATIVE=0``)
means the interpreted modules run; results are the same, only slower (``dashboard.geoparse.compiled()``
says which runs).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

from dashboard import settings

log = logging.getLogger(__name__)

#: The modules compiled, as paths under the project root: the geoparser's per-article stages (the package's
#: ``__init__.py`` stays Python: it decides which build, if any, its modules come from; ``frame`` builds a
#: GeoDataFrame once per article and gains nothing).
MODULES: tuple[str, ...] = tuple(
    f"dashboard/geoparse/{name}.py"
    for name in (
        "cues",
        "explain",
        "features",
        "matcher",
        "parser",
        "records",
        "relations",
        "resolve",
        "rules",
        "uslocal",
    )
)

#: The modules those import (tests/test_native.py checks the list is complete): compiled code holds their
#: types ("kinds: list[str | None]" becomes a check on every element read), so an edit to one of them makes
#: the build stale too.
DEPENDS: tuple[str, ...] = tuple(
    f"dashboard/{name}.py"
    for name in (
        "errors",
        "export",
        "gazetteer",
        "geomstore",
        "historic",
        "lexicon",
        "nameindex",
        "placekinds",
        "settings",
    )
)

#: Builds live in ``<this>/<key>/``, each one finished when its :data:`STAMP` file is there.
NATIVE_DIR: Path = settings.PROJECT_ROOT / ".cache" / "native"

#: Written last into a build's folder: a folder without it is an unfinished build and is never used.
STAMP = "BUILT"

#: ``DASHBOARD_NATIVE=0`` runs the interpreted modules even when a current build exists (benchmarks, A/B).
NATIVE_ENV = "DASHBOARD_NATIVE"

#: The shared library of the compiled modules is ``dashboard/geoparse/_native__mypyc`` inside the build.
GROUP = "dashboard.geoparse._native"

#: Builds kept (the newest by time of use): checkouts sharing one ``.cache`` keep theirs.
KEEP_BUILDS = 4


def build_key(root: Path = settings.PROJECT_ROOT) -> str:
    """Hash of the compiled modules' sources (and those they import) under ``root``, and of this Python."""
    h = hashlib.sha256(sys.version.encode())
    h.update(sys.implementation.cache_tag.encode())
    for rel in (*MODULES, *DEPENDS):
        h.update(rel.encode() + b"\0")
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:24]


def build_folder(root: Path = settings.PROJECT_ROOT, native_dir: Path = NATIVE_DIR) -> Path | None:
    """The finished build for the current sources, or None (the interpreted modules run)."""
    if os.environ.get(NATIVE_ENV, "1") == "0":
        log.debug("compiled geoparser off (%s=0): running the Python modules", NATIVE_ENV)
        return None
    try:
        folder = native_dir / build_key(root)
    except OSError:  # a module missing from an unusual install: nothing to match a build against
        return None
    if not (folder / STAMP).is_file():
        log.debug("no compiled geoparser for these sources in %s: running the Python modules", native_dir)
        return None
    return folder


def prepend_to(package_path: list[str], package: str) -> bool:
    """Put the current build's folder of ``package`` ("dashboard.geoparse") first on its ``__path__``, so
    that its compiled modules are imported instead of the ``.py`` files; False when there is no build."""
    folder = build_folder()
    if folder is None:
        return False
    package_path.insert(0, str(folder.joinpath(*package.split("."))))
    return True


def build(
    root: Path = settings.PROJECT_ROOT, native_dir: Path = NATIVE_DIR, env: dict[str, str] | None = None
) -> Path:
    """Compile :data:`MODULES` into ``native_dir/<key>/`` unless that build exists; return its folder.

    Needs mypy (mypyc), setuptools and a C compiler; raises :class:`BuildError` when the build fails (the
    compiler's output is in ``native_dir/build.log``). Builds in a temporary folder renamed when finished,
    so a failed or concurrent build never leaves a half-built folder that would be used. ``env``: the
    environment of the compiling process (default: this one's; ``CC`` picks the C compiler).
    """
    import shutil
    import subprocess
    import tempfile

    key = build_key(root)
    dest = native_dir / key
    if (dest / STAMP).is_file():
        os.utime(dest)  # most recently used: kept by _prune
        return dest
    native_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=native_dir))
    logfile = native_dir / "build.log"
    try:
        # In a process of its own: mypyc patches setuptools, and the C compiler writes to the log file.
        with logfile.open("w", encoding="utf-8") as f:
            cmd = [sys.executable, "-m", "dashboard.native", "--compile-into", str(tmp)]
            done = subprocess.run(cmd, cwd=root, env=env, stdout=f, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            msg = f"mypyc or the C compiler failed (exit {done.returncode}); see {logfile}"
            raise BuildError(msg)
        (tmp / STAMP).write_text(f"{key}\n{sys.version}\n", encoding="utf-8")
        try:
            tmp.rename(dest)
        except OSError:  # built meanwhile by another process
            if not (dest / STAMP).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(native_dir, keep=dest)
    return dest


class BuildError(RuntimeError):
    """The modules could not be compiled (the interpreted ones still run)."""


def _compile_into(out: Path) -> None:
    """Run mypyc over :data:`MODULES` (from the project root, with its mypy settings) and build the
    extension modules into ``out``."""
    import shutil

    from mypyc.build import mypycify
    from setuptools import Distribution

    work = out / "work"
    exts = mypycify(
        ["--cache-dir", str(work / "mypy_cache"), *MODULES], target_dir=str(work / "c"), group_name=GROUP
    )
    os.chdir(work)  # away from the project's pyproject.toml: only the extensions are built here
    dist = Distribution({"name": "dashboard-native", "ext_modules": exts})
    dist.script_args = ["build_ext", "--build-lib", str(out), "--build-temp", str(work / "obj")]
    dist.parse_command_line()
    dist.run_commands()
    os.chdir(out)
    shutil.rmtree(work)


def _prune(native_dir: Path, keep: Path) -> None:
    """Remove all but the :data:`KEEP_BUILDS` most recently used builds (``keep`` always stays)."""
    import shutil

    builds = sorted(
        (p for p in native_dir.iterdir() if p.is_dir() and not p.name.startswith("tmp-")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in builds[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Build unless current (silent then); exit 1 when it could not be built (the Python modules run)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--compile-into"]:
        _compile_into(Path(args[1]))
        return 0
    if (NATIVE_DIR / build_key() / STAMP).is_file():
        build()  # marks it used
        return 0
    print("setup: compiling the geoparser with mypyc into .cache/native (a minute or two)")
    try:
        build()
    except (BuildError, OSError) as e:  # no compiler, mypyc rejects a module: the Python modules still run
        print(f"setup: the geoparser was not compiled ({e}); it runs as plain Python")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
