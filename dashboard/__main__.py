"""Command line: ``python -m dashboard geoparse|claims FILE...`` and ``batch INPUT... --out DIR``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.errors import DashboardError, InputError

EXIT_OK = 0
EXIT_NOTHING_READ = 1  # every input was skipped (empty, binary, not UTF-8)
EXIT_UNREADABLE = 2  # a file is missing or cannot be read; bad arguments
EXIT_OUTPUT = 3  # the output cannot be written


def _err(msg: str) -> None:
    print(f"dashboard: {msg}", file=sys.stderr)


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def _load_inputs(paths: list[str]) -> tuple[list[tuple[str, bytes]], bool]:
    """Read every file first, so a missing one stops the run before any output (returns ok=False)."""
    datas, ok = [], True
    for p in paths:
        try:
            datas.append((p, _read_bytes(p)))
        except FileNotFoundError:
            _err(f"error: {p}: no such file")
            ok = False
        except IsADirectoryError:
            _err(f"error: {p}: is a directory, not an article file")
            ok = False
        except OSError as exc:
            _err(f"error: {p}: cannot be read ({exc.strerror or exc})")
            ok = False
    return datas, ok


def _representative(geom) -> tuple[float | None, float | None]:
    """(lat, lon) on the geometry: the point itself, a line's midpoint, a point inside a polygon."""
    if geom is None or geom.is_empty:
        return None, None
    if geom.geom_type == "Point":
        p = geom
    elif geom.geom_type in ("LineString", "MultiLineString"):
        p = geom.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return round(p.y, 6), round(p.x, 6)


def _write(text: str, output: str | None) -> int:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        _err(f"error: cannot write {output} ({exc.strerror or exc})")
        return EXIT_OUTPUT
    return EXIT_OK


def geoparse_command(paths: list[str], fmt: str, output: str | None, full_geometry: bool = False) -> int:
    """Run the geoparser over files and write GeoJSON, JSON Lines or CSV; returns the exit code."""
    from dashboard.article import read_article

    datas, ok = _load_inputs(paths)
    if not ok:
        return EXIT_UNREADABLE
    from dashboard import export
    from dashboard.geoparse import default_parser

    parser = default_parser()
    articles = []
    for p, data in datas:
        try:
            articles.append(read_article(data, p))
        except InputError as exc:
            _err(f"skipped {exc}")
    results = [(a, parser.parse(a.text)) for a in articles]

    if fmt == "csv":
        chunks = []
        for i, (a, ms) in enumerate(results):
            body = export.mentions_csv(ms, a.text, source=a.source)
            chunks.append(body if i == 0 else body.split("\n", 1)[1])
        if not results:
            chunks.append(export.mentions_csv([], None, source=""))
        rc = _write("".join(chunks), output)
    else:
        from dashboard.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        geom_cache: dict[tuple[str, object], object] = {}
        gjson_cache: dict[tuple[str, object], str] = {}

        def geometry(pid: str, kind: str, day):
            k = (pid, day if kind == "alliance" else None)
            if k not in geom_cache:
                try:
                    if kind == "alliance":
                        geom_cache[k] = gaz.geometry(pid, display=not full_geometry, on=day)
                    else:
                        geom_cache[k] = gaz.geometry(pid, display=not full_geometry)
                except (KeyError, DashboardError):
                    geom_cache[k] = None
            return k, geom_cache[k]

        lines = []
        for a, ms in results:
            day = a.date or _today()
            by_place: dict[str, list] = {}
            for m in ms:
                by_place.setdefault(m.place_id, []).append(m)
            latlon: dict[str, tuple[float | None, float | None]] = {}
            for pid, group in by_place.items():
                m0 = group[0]
                k, geom = geometry(pid, m0.kind, day)
                if fmt == "jsonl":
                    latlon[pid] = _representative(geom)
                    continue
                if k not in gjson_cache:
                    gjson_cache[k] = json.dumps(export.geometry_json(geom), allow_nan=False)
                props = {
                    "source": a.source,
                    "place_id": pid,
                    "name": m0.name,
                    "kind": m0.kind,
                    "country": m0.country,
                    "count": len(group),
                    "mentions": [
                        {"start": m.start, "end": m.end, "text": m.text, "type": m.type} for m in group
                    ],
                }
                if m0.kind == "alliance":
                    props["members"] = list(gaz.members(pid, day))
                props_json = json.dumps(props, ensure_ascii=False, allow_nan=False)
                lines.append(f'{{"type":"Feature","geometry":{gjson_cache[k]},"properties":{props_json}}}')
            for m in ms if fmt == "jsonl" else ():
                lat, lon = latlon[m.place_id]
                rec = {
                    "source": a.source,
                    "place_id": m.place_id,
                    "name": m.name,
                    "kind": m.kind,
                    "country": m.country,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "type": m.type,
                    "confidence": m.confidence,
                    "lat": lat,
                    "lon": lon,
                }
                lines.append(json.dumps(rec, ensure_ascii=False))
        if fmt == "jsonl":
            text = "".join(line + "\n" for line in lines)
        else:
            text = '{"type":"FeatureCollection","features":[' + ",\n".join(lines) + "]}\n"
        rc = _write(text, output)
    if rc != EXIT_OK:
        return rc
    return EXIT_OK if articles or not datas else EXIT_NOTHING_READ


def _today():
    from datetime import date

    return date.today()


def claims_command_entry(paths: list[str], fmt: str, output: str | None) -> int:
    """Delegate to ``dashboard.claims.claims_command`` (imported lazily)."""
    try:
        from dashboard.claims import claims_command
    except ImportError:
        _err("error: the claims command is not available in this version (dashboard.claims.claims_command)")
        return EXIT_UNREADABLE
    return int(claims_command(paths, fmt, output) or 0)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m dashboard``."""
    ap = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Place mentions in news articles, resolved to bundled geodata (offline).",
    )
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("geoparse", help="find and resolve the places an article mentions")
    g.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 article files; '-' reads standard input")
    g.add_argument("--format", choices=["geojson", "jsonl", "csv"], default="geojson")
    g.add_argument("--output", "-o", metavar="PATH", help="write here instead of standard output")
    g.add_argument(
        "--full-geometry", action="store_true", help="full-resolution geometry (default: simplified display)"
    )
    c = sub.add_parser("claims", help="check the geographic claims an article makes")
    c.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 article files; '-' reads standard input")
    c.add_argument("--format", choices=["json"], default="json")
    c.add_argument("--output", "-o", metavar="PATH", help="write here instead of standard output")
    from dashboard.corpus import cli as corpus_cli

    corpus_cli.add_arguments(
        sub.add_parser("batch", help="geoparse a dated archive into a corpus store (Dask)")
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 nothing readable, 2 unreadable input, 3 output error)."""
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a one-line usage error
        return int(exc.code or 0) and EXIT_UNREADABLE
    try:
        if args.command == "geoparse":
            return geoparse_command(args.files, args.format, args.output, args.full_geometry)
        if args.command == "batch":
            from dashboard.corpus.cli import batch_command

            return batch_command(args)
        return claims_command_entry(args.files, args.format, args.output)
    except DashboardError as exc:
        _err(f"error: {exc}")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
