"""Batch-geoparse dated article archives on a Dask cluster into a corpus store (see ``schema.py``); pure.

The client only plans: it splits the inputs into numbered chunks (``readers.plan_chunks``). Each chunk is one
Dask task that reads its own records, geoparses them with the worker's gazetteer (loaded once per worker by
:class:`GazetteerPlugin`) and writes its ``articles/`` and ``mentions/`` parts atomically, then a small
``chunks/part-NNNNN.json`` marker (counts, rejects) last. A chunk whose marker exists is done: tasks are
idempotent (a retried task rewrites the same files), so a killed worker loses nothing and ``resume`` skips
done chunks. The client then writes ``places.parquet``, ``rejects.jsonl`` and ``manifest.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from distributed.diagnostics.plugin import WorkerPlugin

from dashboard import settings
from dashboard.corpus import schema
from dashboard.corpus.readers import CHUNK_SIZE, Chunk, Input, Reject, plan_chunks, read_chunk
from dashboard.errors import DashboardError, InputError

#: ``progress(done, total, message)``: chunks done out of total, and a one-line status.
Progress = Callable[[int, int, str], None]

#: The Reuters-21578 archive as ``scripts/fetch_reuters.sh`` unpacks it (research use only; never committed).
REUTERS_DATA: Path = settings.REUTERS_DIR
#: Where ``batch --reuters`` (and the corpus view) put the Reuters store.
REUTERS_STORE: Path = settings.STORES_DIR / "reuters"

#: A task that fails (not a killed worker: Dask reschedules those itself) is tried this many more times.
TASK_RETRIES = 2
#: Memory a worker needs (gazetteer, name index, a chunk); caps the default worker count on small machines.
WORKER_MEMORY_BYTES = 1 << 30


class NothingToRead(InputError):
    """No input could be read (each is missing or unreadable); ``rejects`` says why, one per input."""

    def __init__(self, rejects: list[Reject]) -> None:
        self.rejects = rejects
        super().__init__("no input could be read")


@dataclass(frozen=True)
class BuildResult:
    """What a finished ``build_store`` wrote: the store folder and its manifest (as written to disk)."""

    store: Path
    manifest: dict


# --- on the workers -----------------------------------------------------------------------------------


class GazetteerPlugin(WorkerPlugin):
    """Loads the gazetteer and builds the name index once per worker process, before its first task.

    A Dask ``WorkerPlugin`` (registered with ``client.register_plugin``); it is also set up on workers that
    join or restart later, so a replaced worker never pays the load inside a task.
    """

    name = "dashboard-gazetteer"
    idempotent = True

    def setup(self, worker: Any = None) -> None:
        """Build the process's geoparser (``default_parser`` is cached per process) and warm its caches."""
        global _PLUGIN_LOADS
        from dashboard.geoparse import default_parser

        default_parser().parse("Troops moved from Kyiv to Crimea, near Russia, said NATO and Fulton County.")
        _PLUGIN_LOADS += 1


# How many times this process's plugin loaded the gazetteer (tests check it is once per worker).
_PLUGIN_LOADS = 0


def plugin_loads() -> int:
    """How many times the worker plugin ran in this process (run on workers via ``client.run``)."""
    return _PLUGIN_LOADS


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a hidden temporary file beside ``path``, then rename: readers see all or nothing.

    The temporary name starts with a dot, so DuckDB's ``*.parquet`` and pyarrow's dataset discovery skip it.
    """
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def process_chunk(chunk: Chunk, store: str) -> dict[str, Any]:
    """Read, geoparse and write one chunk; idempotent (a rerun rewrites the same files with the same rows).

    Returns the chunk's marker: ``{"chunk", "articles", "mentions", "rejects", "date_min", "date_max",
    "seconds"}``.
    """
    from dashboard.geoparse import geoparse

    t0 = time.perf_counter()
    root = Path(store)
    records, rejects = read_chunk(chunk)
    arts: dict[str, list] = {f.name: [] for f in schema.ARTICLES_SCHEMA}
    ments: dict[str, list] = {f.name: [] for f in schema.MENTIONS_SCHEMA}
    for r in records:
        try:
            mentions = geoparse(r.text, on=r.date)
        except Exception as exc:  # one article's failure must not lose the chunk
            rejects.append(
                Reject(r.id, r.source, f"the geoparser failed on it ({type(exc).__name__}: {exc})")
            )
            continue
        for col, value in (
            ("article_id", r.id),
            ("date", r.date),
            ("title", r.title),
            ("source", r.source),
            ("url", r.url),
            ("n_chars", len(r.text)),
            ("n_mentions", len(mentions)),
            ("text", r.text),
        ):
            arts[col].append(value)
        for m in mentions:
            ments["article_id"].append(r.id)
            ments["date"].append(r.date)
            ments["start"].append(m.start)
            ments["end"].append(m.end)
            ments["text"].append(m.text)
            ments["place_id"].append(m.place_id)
            ments["name"].append(m.name)
            ments["kind"].append(m.kind)
            ments["country"].append(m.country)
            ments["type"].append(m.type)
            ments["confidence"].append(float(m.confidence))
    name = schema.part_name(chunk.index)
    for folder, table in (
        (schema.ARTICLES_DIR, pa.table(arts, schema=schema.ARTICLES_SCHEMA)),
        (schema.MENTIONS_DIR, pa.table(ments, schema=schema.MENTIONS_SCHEMA)),
    ):
        path = _staged(root, folder) / name
        _write_atomic(path, partial(pq.write_table, table, compression="zstd"))
    days = arts["date"]
    marker = {
        "chunk": chunk.index,
        "articles": len(arts["article_id"]),
        "mentions": len(ments["article_id"]),
        "rejects": [j.as_dict() for j in rejects],
        "date_min": min(days).isoformat() if days else None,
        "date_max": max(days).isoformat() if days else None,
        "seconds": round(time.perf_counter() - t0, 3),  # read, geoparse and write, on the worker
    }
    data = json.dumps(marker, ensure_ascii=False).encode("utf-8")
    _write_atomic(_marker(root, chunk.index), lambda tmp: tmp.write_bytes(data))
    return marker


def write_places(store: str, on: str | None) -> int:
    """Write ``places.parquet`` (GeoParquet, display geometry) for every place the mentions name.

    Alliances are drawn with their members on ``on`` (the store's last day). Returns the number of places.
    """
    import geopandas as gpd
    import pandas as pd
    import pyarrow.dataset as ds

    from dashboard.gazetteer import get_gazetteer

    root = Path(store)
    cols = list(schema.PLACES_COLUMNS)
    # The chunks' parts, not the compacted dataset: the places are written while the parts are compacted.
    table = ds.dataset(_staged(root, schema.MENTIONS_DIR), format="parquet").to_table(columns=cols)
    frame = table.to_pandas().drop_duplicates("place_id").sort_values("place_id", kind="stable")
    gaz = get_gazetteer()
    day = date.fromisoformat(on) if on else date.today()
    frame = frame.reset_index(drop=True)
    geoms = pd.Series([None] * len(frame), dtype=object)
    for kind, rows in frame.groupby("kind").groups.items():
        ids = frame.loc[rows, "place_id"]
        if kind == "alliance":
            for i, pid in ids.items():
                with contextlib.suppress(KeyError, DashboardError):
                    geoms[i] = gaz.geometry(pid, display=True, on=day)
            continue
        try:
            layer = gaz.layer(kind, display=True).geometry
        except (KeyError, DashboardError):  # a kind this gazetteer has no layer for
            continue
        geoms[rows] = layer.reindex(ids.to_numpy()).to_numpy()  # one look-up per kind, not per place
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=settings.CRS))
    _write_atomic(root / schema.PLACES_FILE, lambda tmp: gdf.to_parquet(tmp, index=False))
    return len(gdf)


# --- on the client ------------------------------------------------------------------------------------


DATASETS = (schema.ARTICLES_DIR, schema.MENTIONS_DIR)
# Final order of each dataset: by date first, so DuckDB skips the row groups outside a date range.
_ORDER = {schema.ARTICLES_DIR: "date, article_id", schema.MENTIONS_DIR: 'date, article_id, start, "end"'}
#: Rows per Parquet row group in the compacted datasets (the unit DuckDB skips by its date statistics).
ROW_GROUP_ROWS = 100_000
#: Largest file of a compacted dataset; bigger datasets are split into several files, still in date order.
FILE_BYTES = "512MB"
#: Memory DuckDB may use to sort while compacting; it spills the rest to a temporary folder in the store.
COMPACT_MEMORY = "1GB"


def _staged(root: Path, folder: str) -> Path:
    """Where tasks write their chunk's parts of a dataset (``chunks/articles/``, ``chunks/mentions/``)."""
    return root / schema.CHUNKS_DIR / folder


def compact(root: Path) -> None:
    """Rewrite the chunks' parts into the store's datasets: few files sorted by date (DuckDB, out of core).

    One small file per chunk is what makes a killed run resumable, but thousands of files make every query
    open thousands of footers. Each dataset is written into a hidden folder, then swapped in by renames.
    """
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{COMPACT_MEMORY}'")
    con.execute(f"SET temp_directory = '{_sql_str(str(root / '.duckdb-tmp'))}'")
    try:
        for folder in DATASETS:
            new, old, final = root / f".{folder}.new", root / f".{folder}.old", root / folder
            shutil.rmtree(new, ignore_errors=True)
            parts = sorted(_staged(root, folder).glob("part-*.parquet"))
            if parts:
                glob = _sql_str(str(_staged(root, folder) / "part-*.parquet"))
                query = f"SELECT * FROM read_parquet('{glob}') ORDER BY {_ORDER[folder]}"
                con.execute(
                    f"COPY ({query}) TO '{_sql_str(str(new))}'"
                    f" (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS},"
                    f" FILE_SIZE_BYTES '{FILE_BYTES}', FILENAME_PATTERN 'part-{{i}}')"
                )
            else:  # nothing was read: an empty dataset that still has the columns
                new.mkdir()
                pq.write_table(schema_of(folder).empty_table(), new / "part-0.parquet")
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            new.rename(final)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        con.close()
        shutil.rmtree(root / ".duckdb-tmp", ignore_errors=True)


def schema_of(folder: str) -> pa.Schema:
    """The Arrow schema of a dataset folder."""
    return schema.ARTICLES_SCHEMA if folder == schema.ARTICLES_DIR else schema.MENTIONS_SCHEMA


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _marker(root: Path, index: int) -> Path:
    return root / schema.CHUNKS_DIR / schema.marker_name(index)


def default_workers() -> int:
    """Worker processes for this machine: one per usable core, fewer if memory is short."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        import psutil

        by_memory = max(1, psutil.virtual_memory().available // WORKER_MEMORY_BYTES)
    except ImportError:
        by_memory = cores
    return max(1, min(cores, int(by_memory)))


def gazetteer_version() -> str:
    """The bundled geodata's fingerprint, :func:`dashboard.gazetteer.geodata_version` (the store records which
    gazetteer resolved it). Imported here, not at the top: a store check needs no geopandas until then."""
    from dashboard.gazetteer import geodata_version

    return geodata_version()


def store_is_current(root: str | Path) -> bool:
    """True for a finished store written with this schema and this gazetteer; else it is due a rebuild.

    ``scripts/setup.sh`` uses it to rebuild the Reuters store only when the bundled geodata (or the store's
    layout) changed since it was built.
    """
    try:
        manifest = json.loads((Path(root) / schema.MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        bool(manifest.get("finished"))
        and manifest.get("schema_version") == schema.SCHEMA_VERSION
        and manifest.get("gazetteer_version") == gazetteer_version()
    )


def _plan_record(inputs: list[Input], chunk_size: int, columns: dict[str, str]) -> dict[str, Any]:
    """What must match for ``resume`` to continue a store."""
    return {
        "chunk_size": chunk_size,
        "columns": dict(sorted(columns.items())),
        "inputs": [i.as_dict() for i in inputs],
    }


def _prepare(root: Path, plan: dict[str, Any], resume: bool) -> dict | None:
    """Make the store folder ready: empty for a new run, or checked and tidied for ``resume``.

    Returns the manifest of a finished store being resumed (nothing left to do), else None.
    """
    manifest_path = root / schema.MANIFEST_FILE
    if resume and manifest_path.is_file():
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            msg = f"{root}: cannot resume, its manifest cannot be read ({exc}); run without --resume"
            raise InputError(msg) from None
        if old.get("plan") != plan:
            msg = f"{root}: cannot resume, the store was made from other inputs or options"
            raise InputError(msg + "; run without --resume")
        if (old.get("schema_version"), old.get("gazetteer_version")) != (
            schema.SCHEMA_VERSION,
            gazetteer_version(),
        ):
            # Its rows were resolved by other geodata (or laid out by another schema): mixing them is wrong.
            msg = f"{root}: cannot resume, the store was made with another gazetteer or store schema"
            raise InputError(msg + "; run without --resume")
        if old.get("finished"):
            return old
        staging: tuple[str | Path, ...] = (schema.CHUNKS_DIR, *(_staged(root, f) for f in DATASETS))
        for folder in staging:
            for tmp in (root / folder).glob(".*.tmp-*"):  # left by a killed writer
                tmp.unlink(missing_ok=True)
        for folder in DATASETS:  # left by a killed compaction
            shutil.rmtree(root / f".{folder}.new", ignore_errors=True)
            shutil.rmtree(root / f".{folder}.old", ignore_errors=True)
        return None
    if root.exists():
        if not root.is_dir():
            msg = f"{root}: exists and is not a folder; choose another --out"
            raise InputError(msg)
        if any(root.iterdir()) and not manifest_path.is_file():
            msg = f"{root}: the folder is not empty and holds no corpus store; choose another --out"
            raise InputError(msg)
        leftovers = [f".{f}.{state}" for f in DATASETS for state in ("new", "old")]
        for folder in (*DATASETS, schema.CHUNKS_DIR, *leftovers):
            shutil.rmtree(root / folder, ignore_errors=True)
        for name in (schema.PLACES_FILE, schema.REJECTS_FILE, schema.MANIFEST_FILE):
            (root / name).unlink(missing_ok=True)
    for folder in DATASETS:
        _staged(root, folder).mkdir(parents=True, exist_ok=True)
    return None


def _write_json(path: Path, obj: Any) -> None:
    data = (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    _write_atomic(path, lambda tmp: tmp.write_bytes(data))


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """Hide the caller's ``__main__`` while worker processes start.

    Dask starts workers with multiprocessing's "spawn", which re-runs the parent's main script in every child.
    Inside Streamlit (or pytest after an AppTest) that script is the dashboard itself, whose re-run would
    crash the worker. The tasks are functions of this package, so the workers need nothing from it.
    """
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


@contextlib.contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client on the given scheduler, or on a LocalCluster started (and closed) here."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            msg = f"cannot reach the Dask scheduler at {scheduler} ({exc})"
            raise InputError(msg) from None
        with client:
            yield client
        return
    n = workers or default_workers()
    if n < 1:
        msg = f"--workers must be at least 1, got {n}"
        raise InputError(msg)
    with (
        _bare_main(),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,  # no dashboard; its health endpoint on a free port, not 8787
            scheduler_kwargs={"dashboard_address": ":0"},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def build_store(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    columns: dict[str, str] | None = None,
) -> BuildResult:
    """Geoparse every article of ``inputs`` into the corpus store ``out``.

    Parameters
    ----------
    inputs : sequence of paths
        Folders of article files, JSONL/CSV/Parquet/JSON files (one article a row) or the Reuters-21578 JSON
        files (a folder holding them is detected).
    out : path
        The store folder (created). Without ``resume`` an existing store there is replaced.
    workers : int, optional
        Worker processes of the LocalCluster (default: sized to the machine). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); ``out`` must be on a filesystem its
        workers share.
    resume : bool
        Keep the chunks an earlier, interrupted run finished; process only the rest.
    progress : callable, optional
        ``progress(done, total, message)`` after each chunk.
    chunk_size : int, optional
        Articles per chunk (task); must match the earlier run when resuming.
    columns : dict, optional
        Maps the store's fields (``id``, ``date``, ``title``, ``text``, ``url``, ``source``) to other column
        names in tabular inputs.

    Returns
    -------
    BuildResult

    Raises
    ------
    InputError
        No inputs, or ``resume`` onto a store made from other inputs; :class:`NothingToRead` when no input
        can be read (each missing or unreadable: its ``rejects`` say why).
    DashboardError
        A chunk failed on every try (e.g. the disk is full).
    """
    t0 = time.perf_counter()
    if not inputs:
        msg = "no inputs given"
        raise InputError(msg)
    root = Path(out).resolve()
    size = chunk_size or CHUNK_SIZE
    cols = dict(columns or {})
    chunks, planned, plan_rejects = plan_chunks(inputs, size, cols)
    if not chunks:  # every input missing or unreadable: no store to write (the command line exits 2)
        raise NothingToRead(plan_rejects)
    plan = _plan_record(planned, size, cols)
    finished = _prepare(root, plan, resume)
    if finished is not None:
        if progress:
            progress(len(chunks), len(chunks), "the store is already finished")
        return BuildResult(root, finished)
    manifest: dict[str, Any] = {
        "schema_version": schema.SCHEMA_VERSION,
        "gazetteer_version": gazetteer_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "finished": False,
        "plan": plan,
        "inputs": [i.path for i in planned],
        "chunks": len(chunks),
    }
    _write_json(root / schema.MANIFEST_FILE, manifest)
    todo = [c for c in chunks if not (resume and _marker(root, c.index).is_file())]
    total, done = len(chunks), len(chunks) - len(todo)
    if progress:
        progress(
            done, total, f"{done} of {total} chunks already done" if done else f"{total} chunks to process"
        )
    n_workers = 0
    if todo:
        from distributed import as_completed

        with _client(workers, scheduler) as client:
            client.register_plugin(GazetteerPlugin(), name=GazetteerPlugin.name)
            n_workers = len(client.scheduler_info().get("workers", {}))
            run = uuid.uuid4().hex[:8]
            futures = [
                client.submit(
                    process_chunk,
                    c,
                    str(root),
                    key=f"dashboard-chunk-{c.index:05d}-{run}",
                    retries=TASK_RETRIES,
                )
                for c in todo
            ]
            articles = 0
            for fut in as_completed(futures):
                try:
                    marker = fut.result()
                except Exception as exc:
                    for f in futures:
                        f.cancel()
                    msg = f"a chunk failed on every try: {type(exc).__name__}: {exc}"
                    raise DashboardError(msg) from exc
                done += 1
                articles += marker["articles"]
                if progress:
                    progress(done, total, f"{articles:,} articles geoparsed")
            if progress:
                progress(done, total, "sorting the store by date")
            # The places (a worker, its gazetteer loaded) and the compaction (here, DuckDB) overlap.
            last_day = _collect(root, chunks)["date_max"]
            future = client.submit(write_places, str(root), last_day, key=f"dashboard-places-{run}")
            compact(root)
            places = future.result()
    else:
        last_day = _collect(root, chunks)["date_max"]
        places = write_places(str(root), last_day)
        compact(root)
    totals = _collect(root, chunks)
    ids = pq.ParquetDataset(root / schema.ARTICLES_DIR).read(columns=["article_id"]).column("article_id")
    duplicates = len(ids) - len(ids.unique())
    rejects = plan_rejects + [Reject(**j) for j in totals.pop("rejects")]
    lines = "".join(json.dumps(j.as_dict(), ensure_ascii=False) + "\n" for j in rejects)
    _write_atomic(root / schema.REJECTS_FILE, lambda tmp: tmp.write_text(lines, encoding="utf-8"))
    manifest.update(
        {
            "finished": True,
            "counts": {
                "articles": totals["articles"],
                "mentions": totals["mentions"],
                "places": places,
                "rejects": len(rejects),
                "duplicate_ids": duplicates,  # the same article id in two inputs (both rows are kept)
            },
            "date_min": totals["date_min"],
            "date_max": totals["date_max"],
            "workers": n_workers,
            "seconds": round(time.perf_counter() - t0, 2),
        }
    )
    _write_json(root / schema.MANIFEST_FILE, manifest)
    for folder in DATASETS:  # the chunks' parts are in the datasets now; their markers stay for --resume
        shutil.rmtree(_staged(root, folder), ignore_errors=True)
    return BuildResult(root, manifest)


def _collect(root: Path, chunks: list[Chunk]) -> dict[str, Any]:
    """Sum the chunk markers (all must exist): counts, rejects in chunk order, the date range."""
    totals: dict[str, Any] = {"articles": 0, "mentions": 0, "rejects": [], "date_min": None, "date_max": None}
    for c in chunks:
        path = _marker(root, c.index)
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            msg = f"{path}: the chunk's marker is missing or unreadable ({exc})"
            raise DashboardError(msg) from None
        totals["articles"] += m["articles"]
        totals["mentions"] += m["mentions"]
        totals["rejects"].extend(m["rejects"])
        for key, pick in (("date_min", min), ("date_max", max)):
            if m[key] is not None:
                totals[key] = m[key] if totals[key] is None else pick(totals[key], m[key])
    return totals
