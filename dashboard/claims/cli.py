"""``python -m dashboard claims``: read articles, print their checked claims as one JSON list."""

from __future__ import annotations

import json
import sys

from dashboard import cli_policy
from dashboard.claims.pipeline import check_claims


def claims_command(paths: list[str], fmt: str = "json", output: str | None = None) -> int:
    """``python -m dashboard claims INPUT... --format json [--output PATH]``.

    Reads the inputs as :mod:`dashboard.cli_policy` says (files, folders, patterns, ``-`` for stdin), prints
    (or writes to ``output``) one JSON list of claim objects, each with a ``source`` field. A bad input is
    named on stderr and skipped.

    Returns
    -------
    int
        The policy's exit code: 0 all read, 1 some skipped, 2 a bad format or nothing read (no output then,
        so an empty list is never mistaken for "no claims"), 3 an unwritable output.
    """
    from dashboard.errors import InputError

    report = cli_policy.Reporter("claims")
    if fmt != "json":
        report.error(f"unknown format {fmt!r} for claims; use --format json")
        return cli_policy.EXIT_USAGE
    out: list[dict] = []
    for src in cli_policy.expand(paths):
        try:
            article = cli_policy.read_source(src)
        except InputError as exc:
            report.skip_error(exc, src.name)
            continue
        report.ok()
        out.extend({"source": src.name, **c.to_dict()} for c in check_claims(article.text, on=article.date))
    if not report.read:
        return report.finish("articles")
    payload = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if output and output != "-":
        try:
            with open(output, "w", encoding="utf-8") as f:
                f.write(payload)
        except OSError as e:
            report.error(f"cannot write {output} ({e.strerror or e})")
            return cli_policy.EXIT_FAILED
    else:
        sys.stdout.write(payload)
    return report.finish("articles")
