"""Batch-geoparse dated article archives on a Dask cluster into a corpus store (see ``schema.py``); pure.

The client only plans: it splits the inputs into numbered chunks (``readers.plan_chunks``). Each chunk is one
Dask task that reads its own records, geoparses them with the worker's gazetteer (loaded once per worker by
:class:`GazetteerPlugin`) and writes its ``articles/`` and ``mentions/`` parts atomically, then a small
``chunks/part-NNNNN.json`` marker (counts, rejects) last. A chunk whose marker exists is done: tasks are
idempotent (a retried task rewrites the same files), so a killed worker loses nothing and ``resume`` skips done
chunks. The client then writes ``places.parquet``, ``rejects.jsonl`` and ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: ``progress(done, total, message)``: chunks done out of total, and a one-line status.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a finished ``build_store`` wrote: the store folder and its manifest (as written to disk)."""

    store: Path
    manifest: dict


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
        No inputs, an unreadable input, or ``resume`` onto a store made from other inputs.
    """
    raise NotImplementedError  # implemented in the next commits; the signature is the contract
