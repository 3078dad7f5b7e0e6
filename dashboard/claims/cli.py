"""``python -m dashboard claims``: read articles, print their checked claims as one JSON list."""

from __future__ import annotations

import json
import sys

from dashboard.claims.pipeline import check_claims


def claims_command(paths: list[str], fmt: str = "json", output: str | None = None) -> int:
    """``python -m dashboard claims FILE... --format json [--output PATH]``.

    Reads each file (``-`` is stdin) with :func:`dashboard.article.read_article`, prints (or writes to
    ``output``) one JSON list of claim objects, each with a ``source`` field. Unreadable files are reported on
    stderr and skipped.

    Returns
    -------
    int
        0 if at least one file was read (or none was given), 1 if none could be read, 2 for a bad format or
        an unwritable output.
    """
    from dashboard.article import read_article
    from dashboard.errors import DashboardError

    if fmt != "json":
        print(f"error: unknown format {fmt!r} for claims; use --format json", file=sys.stderr)
        return 2
    out: list[dict] = []
    read = 0
    for path in paths:
        try:
            data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
            article = read_article(data, path)
        except OSError as e:
            print(f"error: {path}: {e.strerror or e} (skipped)", file=sys.stderr)
            continue
        except DashboardError as e:
            # read_article's messages already name the source.
            print(f"error: {e} (skipped)", file=sys.stderr)
            continue
        read += 1
        try:
            claims = check_claims(article.text, on=article.date)
        except DashboardError as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 1
        out.extend({"source": path, **c.to_dict()} for c in claims)
    if paths and not read:
        return 1  # every file was reported on stderr; no empty result to mistake for "no claims"
    payload = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if output:
        try:
            with open(output, "w", encoding="utf-8") as f:
                f.write(payload)
        except OSError as e:
            print(f"error: cannot write {output}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(payload)
    return 0
