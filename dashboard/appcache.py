"""The dashboard server's per-article work, its cache keys and its caches; pure (no streamlit or folium).

One set of byte-bounded caches per server process (:func:`process_caches`, budgets in
``settings.CACHE_BUDGETS``), shared by every session and by the launcher's warm-up (``launch.py``), which
computes the bundled sample's results before the first page asks for them: both use the keys and the
``compute_*`` functions of this module, so the warm-up fills exactly the entries a page reads. A session
arriving while the warm-up computes an entry waits for it (:meth:`SizedCache.get` is single-flight).

:class:`ResultFiles` keeps such results on disk (``.cache/results/``) so a restarted server's warm-up reads
the sample's parse, claims and layers instead of computing them again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from dashboard import settings
from dashboard.sizedcache import SizedCache

log = logging.getLogger(__name__)


def digest(*parts: Any) -> str:
    """A short content fingerprint used as a cache key (the ``repr`` of each part)."""
    h = hashlib.sha1(usedforsecurity=False)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:16]


@functools.cache
def process_caches() -> dict[str, SizedCache]:
    """The server's caches of per-article work, one per name of ``settings.CACHE_BUDGETS``.

    One set per process, shared by every session. They keep the values themselves (``st.cache_data``
    would unpickle a copy on every rerun): callers must not mutate what they get from them.
    """
    return {name: SizedCache(name, budget) for name, budget in settings.CACHE_BUDGETS.items()}


# --- keys: what a value depends on ---------------------------------------------------------------------


def parse_key(text: str, on: date | None) -> str:
    """Key of an article's parse: its text and date."""
    return digest(text, on)


def claims_key(text: str, on: date | None, corrections: Any) -> str:
    """Key of an article's checked claims: its text, date and the reader's corrections."""
    return digest(text, on, corrections)


def layer_key(rows: Any, text_key: str, highlight: tuple[str, ...]) -> str:
    """Fingerprint of what a layer draws: its places, their mentions, their whys and the highlighted ids."""
    from dashboard import report

    content = [
        (pid, int(n), tuple((m["start"], m["end"]) for m in ms))
        for pid, n, ms in zip(rows["place_id"], rows["count"], rows["mentions"], strict=True)
    ]
    return digest(text_key, content, highlight, report.place_whys(rows))


# --- the work ------------------------------------------------------------------------------------------


class Parsed(NamedTuple):
    """An article's mentions and its display places frame (a GeoDataFrame, one row per place)."""

    mentions: list[Any]
    places: Any


def compute_parse(text: str, on: date | None) -> Parsed:
    """Geoparse ``text`` as of ``on``, explained: the popups and tables say why each place was chosen."""
    from dashboard.geoparse import geoparse, places_frame

    mentions = geoparse(text, on=on, explain=True)
    return Parsed(mentions, places_frame(mentions, on=on, display=True, explain=True))


def compute_claims(text: str, on: date | None, mentions: list[Any]) -> list[dict] | None:
    """The article's checked claims as dicts, or None when the claims module is not available."""
    try:
        from dashboard.claims import check_claims
    except ImportError:
        return None
    return [c.to_dict() for c in check_claims(text, on=on, mentions=mentions)]


def sample_article() -> Any:
    """The article a new page shows: the first readable bundled sample (``settings.SEEDS_DIR``), or None."""
    from dashboard.article import read_article
    from dashboard.errors import InputError

    for path in sorted(p for p in settings.SEEDS_DIR.iterdir() if p.suffix in (".txt", ".md")):
        try:
            return read_article(path.read_bytes(), path.name)
        except (OSError, InputError):
            continue
    return None


def parse_result(text: str, on: date | None, files: ResultFiles | None = None) -> Parsed:
    """An article's parse through the process cache (and through ``files`` when given)."""
    return cached("parse", parse_key(text, on), lambda: compute_parse(text, on), files)


def claims_result(
    text: str, on: date | None, mentions: list[Any], files: ResultFiles | None = None
) -> list[dict] | None:
    """An article's checked claims, with no corrections, through the process cache (and ``files``)."""
    from dashboard.report import Corrections

    key = claims_key(text, on, Corrections())
    return cached("claims", key, lambda: compute_claims(text, on, mentions), files)


def save_sample_results(files: ResultFiles | None = None) -> Path | None:
    """Parse and check the bundled sample into result files unless they are there (scripts/setup.sh,
    through ``python -m dashboard.caches``), so even a first server start reads them; their folder."""
    article = sample_article()
    if article is None:
        return None
    files = files or ResultFiles()
    parsed = parse_result(article.text, article.date, files)
    claims_result(article.text, article.date, parsed.mentions, files)
    return files.folder


# --- results that outlive the process ------------------------------------------------------------------

#: Source files whose code decides a saved result (the geoparser, claims, map layers, tables): a change
#: to any of them makes every saved result stale.
CODE_ROOT: Path = Path(__file__).resolve().parent


@functools.cache
def code_version() -> str:
    """Fingerprint of the dashboard package's Python sources (about 5 ms for its 1 MB)."""
    h = hashlib.sha256()
    for f in sorted(CODE_ROOT.rglob("*.py")):
        h.update(str(f.relative_to(CODE_ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


#: Version folders kept in ``settings.RESULTS_DIR`` (a few MB each); older ones are deleted.
KEEP_VERSIONS = 4


class ResultFiles:
    """Pickled results under ``folder/<code and geodata version>/<name>-<key>.pkl``.

    Only the launcher's warm-up uses it, for the bundled sample: what readers paste is never written to
    disk, and the folder holds a few files per seed article. A file that cannot be read (corrupt, cut
    short, written by other code) is logged, ignored and rewritten; results made by other code or other
    geodata are in another folder and never read.

    Parameters
    ----------
    folder : Path
        Where the version folders live (default ``settings.RESULTS_DIR``).
    version : str, optional
        Default: :func:`code_version` and the gazetteer's ``geodata_version``.
    """

    def __init__(self, folder: Path | None = None, version: str | None = None) -> None:
        if version is None:
            from dashboard.gazetteer import geodata_version

            version = digest(code_version(), geodata_version())
        self.version = version
        self.folder = (folder or settings.RESULTS_DIR) / version

    def path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key}.pkl"

    def load(self, name: str, key: str) -> tuple[bool, Any]:
        """(True, value) when a readable file holds ``key``'s result, else (False, None)."""
        path = self.path(name, key)
        try:
            with path.open("rb") as f:
                saved_key, value = pickle.load(f)  # written by this code into .cache/, never by a reader
        except FileNotFoundError:
            return False, None
        except Exception as exc:  # a corrupt file may raise anything unpickling: recompute instead
            log.warning("ignoring unreadable result file %s (%s: %s)", path, type(exc).__name__, exc)
            return False, None
        if saved_key != (name, key):
            log.warning("ignoring result file %s: it holds %r, not %r", path, saved_key, (name, key))
            return False, None
        return True, value

    def save(self, name: str, key: str, value: Any) -> None:
        """Write ``key``'s result atomically (a temporary file renamed); a write error is logged only."""
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True)
                self._prune()
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(((name, key), value), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path(name, key))
        except OSError as exc:  # read-only checkout or full disk: the result stays in memory
            log.warning("could not save result file %s: %s", self.path(name, key), exc)

    def _prune(self) -> None:
        """Delete all but the :data:`KEEP_VERSIONS` newest version folders (each code change makes one)."""
        olds = sorted(
            (f for f in self.folder.parent.iterdir() if f.is_dir() and f != self.folder),
            key=lambda f: f.stat().st_mtime,
        )
        for old in olds[: max(0, len(olds) - (KEEP_VERSIONS - 1))]:
            shutil.rmtree(old, ignore_errors=True)

    def get(self, name: str, key: str, make: Callable[[], Any]) -> Any:
        """The saved result of ``key``, else ``make()`` (then saved)."""
        found, value = self.load(name, key)
        if found:
            return value
        value = make()
        self.save(name, key, value)
        return value


def cached(cache: str, key: Hashable, make: Callable[[], Any], files: ResultFiles | None = None) -> Any:
    """The value of ``key`` in the process cache ``cache``, else ``make()``; with ``files``, a saved
    result is read instead of calling ``make`` (and a made one saved)."""
    if files is None:
        return process_caches()[cache].get(key, make)
    return process_caches()[cache].get(key, lambda: files.get(cache, str(key), make))
