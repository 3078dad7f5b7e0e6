"""The ``batch`` subcommand: its arguments, a progress bar on stderr and the summary; Dask loads lazily."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from dashboard import cli_policy
from dashboard.cli_policy import EXIT_FAILED, EXIT_USAGE
from dashboard.errors import DashboardError, InputError


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m dashboard batch``."""
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="folders of article files; .jsonl/.csv/.parquet/.json tables (one article a row); Reuters JSON; "
        "quoted glob patterns",
    )
    p.add_argument(
        "--out", "-o", metavar="DIR", help="the corpus store folder to write (--reuters: .cache/stores)"
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="LocalCluster worker processes (default: one per core)"
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="use an existing Dask cluster (tcp://host:8786)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run; done chunks are kept")
    p.add_argument("--chunk-size", type=int, metavar="N", help="articles per task (default 500)")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="take a field (id, date, title, text, url, source) from another column; repeatable",
    )
    p.add_argument(
        "--reuters",
        action="store_true",
        help="add the Reuters-21578 archive fetched by setup (.cache/reuters)",
    )


class ProgressBar:
    """A one-line progress bar redrawn on a terminal (a line per tenth of the work elsewhere)."""

    WIDTH = 30

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.t0 = time.perf_counter()
        self.last_tenth = -1

    def __call__(self, done: int, total: int, message: str) -> None:
        frac = done / total if total else 1.0
        tenth = int(frac * 10)
        if not self.tty and tenth == self.last_tenth and done < total:
            return
        self.last_tenth = tenth
        filled = int(frac * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {done}/{total} chunks  {message}  {time.perf_counter() - self.t0:.1f} s"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


def batch_command(args: argparse.Namespace) -> int:
    """Run ``batch``, name the skipped records and print the summary; returns the policy's exit code."""
    from dashboard.corpus import batch, schema

    report = cli_policy.Reporter("batch", shown=cli_policy.BATCH_SKIPS_SHOWN)
    inputs = list(args.inputs)
    if args.reuters:
        if not batch.REUTERS_DATA.is_dir():
            report.error(f"no Reuters-21578 archive in {batch.REUTERS_DATA}; run `bash scripts/setup.sh`")
            return EXIT_USAGE
        inputs.append(str(batch.REUTERS_DATA))
    if not inputs:
        report.error("no INPUT given (or --reuters)")
        return EXIT_USAGE
    out = args.out or (batch.REUTERS_STORE if args.reuters and not args.inputs else None)
    if out is None:
        report.error("--out DIR is required")
        return EXIT_USAGE
    columns = {}
    for spec in args.column:
        field, sep, name = spec.partition("=")
        if not sep or not field or not name:
            report.error(f"--column {spec!r}: expected FIELD=NAME, e.g. --column text=body")
            return EXIT_USAGE
        columns[field.strip()] = name.strip()
    try:
        result = batch.build_store(
            inputs,
            out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=ProgressBar(),
            chunk_size=args.chunk_size,
            columns=columns,
        )
    except batch.NothingToRead as exc:
        for r in exc.rejects:
            report.skip(r.source, r.reason)
        return report.finish("inputs", always=True)
    except InputError as exc:
        report.error(str(exc))
        return EXIT_USAGE
    except DashboardError as exc:
        report.error(str(exc))
        return EXIT_FAILED
    m = result.manifest
    c = m["counts"]
    rate = c["articles"] / m["seconds"] if m["seconds"] else 0.0
    rejects = result.store / schema.REJECTS_FILE
    for j in _first_rejects(rejects, cli_policy.BATCH_SKIPS_SHOWN):
        report.skip(j["source"], j["reason"])
    report.skipped = c["rejects"]  # the rest are counted, not named (they are all in rejects.jsonl)
    report.ok(c["articles"])
    print(
        f"{result.store}: {c['articles']:,} articles, {c['mentions']:,} mentions of {c['places']:,} places, "
        f"{m['date_min']} to {m['date_max']}; "
        f"{m['seconds']:.1f} s ({rate:,.0f} articles/s) on {m['workers']} workers",
        file=sys.stderr,
    )
    if c.get("duplicate_ids"):
        dup = c["duplicate_ids"]
        report.line(f"warning: {dup:,} article ids occur more than once (in different inputs?)")
    return report.finish("articles", listed_in=str(rejects), always=True)


def _first_rejects(path: Path, n: int) -> list[dict]:
    """The first ``n`` lines of a store's rejects.jsonl (it may hold millions)."""
    import json
    from itertools import islice

    try:
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in islice(f, n)]
    except (OSError, ValueError):
        return []
