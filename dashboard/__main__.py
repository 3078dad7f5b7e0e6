"""Command line: ``python -m dashboard geoparse|claims INPUT...`` and ``batch INPUT... --out DIR``.

Reading, skipping and exit codes follow :mod:`dashboard.cli_policy`, the same for every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard import cli_policy
from dashboard.cli_policy import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dashboard.errors import DashboardError, InputError


def _read_articles(paths: list[str], report: cli_policy.Reporter) -> list:
    """The articles the inputs name (see :mod:`dashboard.cli_policy`); a bad one is skipped and named."""
    articles = []
    for src in cli_policy.expand(paths):
        try:
            articles.append(cli_policy.read_source(src))
        except InputError as exc:
            report.skip_error(exc, src.name)
        else:
            report.ok()
    return articles


def _write(text: str, output: str | None, report: cli_policy.Reporter) -> int:
    """Write the output; returns the exit code of the run (3 if the output cannot be written)."""
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            report.error(f"cannot write {output} ({exc.strerror or exc})")
            return EXIT_FAILED
    return report.finish("articles")


#: Geometry written per place: ``full`` resolution, simplified ``display`` (the default), a ``point`` on
#: the place (small output for many articles), or ``none``.
GEOMETRY_MODES = ("full", "display", "point", "none")


class _Geometries:
    """Geometry of places for the output: the precomputed store (no geopandas) where it has the place,
    else the gazetteer (alliances on a date, full resolution, a store that could not be built)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._store = None
        self._gaz = None
        self._geom: dict[tuple[str, object], object] = {}
        self._text: dict[tuple[str, object], str] = {}
        if mode != "full" and mode != "none":
            from dashboard import geomstore

            self._store = geomstore.load_or_build(lambda: geomstore.GeomStore.build(self.gazetteer()))

    def gazetteer(self):
        if self._gaz is None:
            from dashboard.gazetteer import get_gazetteer

            self._gaz = get_gazetteer()
        return self._gaz

    def _shape(self, pid: str, kind: str, day):
        k = (pid, day if kind == "alliance" else None)
        if k not in self._geom and kind == "alliance" and self._store is not None:
            members = self.members(pid, day)
            union = self._store.union(tuple(members))
            if union is not None:
                self._geom[k] = union
        if k not in self._geom:
            gaz, display = self.gazetteer(), self.mode != "full"
            try:
                if kind == "alliance":
                    self._geom[k] = gaz.geometry(pid, display=display, on=self.alliance_day(pid, day))
                else:
                    self._geom[k] = gaz.geometry(pid, display=display)
            except (KeyError, DashboardError):
                self._geom[k] = None
        return self._geom[k]

    def point(self, pid: str, kind: str, day) -> tuple[float | None, float | None]:
        """(lat, lon) on the place (display geometry unless the mode is ``full``)."""
        if self.mode == "none":
            return None, None
        if self._store is not None and pid in self._store:
            return self._store.point(pid)
        from dashboard.geomstore import representative

        return representative(self._shape(pid, kind, day))

    def geojson(self, pid: str, kind: str, day) -> str:
        """The place's geometry as GeoJSON text for the mode."""
        if self.mode == "none":
            return "null"
        if self.mode == "point":
            lat, lon = self.point(pid, kind, day)
            return "null" if lat is None else json.dumps({"type": "Point", "coordinates": [lon, lat]})
        if self._store is not None and pid in self._store:
            return self._store.geojson(pid)
        k = (pid, day if kind == "alliance" else None)
        if k not in self._text:
            from dashboard import export

            self._text[k] = json.dumps(export.geometry_json(self._shape(pid, kind, day)), allow_nan=False)
        return self._text[k]

    def members(self, pid: str, day) -> list[str]:
        """Members of an alliance on ``day`` (from memberships.csv, else the gazetteer); a defunct alliance
        (the Warsaw Pact in 2022) has its last members."""
        from dashboard import geomstore

        day = self.alliance_day(pid, day)
        got = geomstore.members(pid, day)
        return got if got is not None else list(self.gazetteer().members(pid, day))

    def alliance_day(self, pid: str, day):
        """The day an alliance is drawn on (see :func:`dashboard.historic.alliance_day_from`)."""
        from dashboard import geomstore, historic

        spans = geomstore.membership_spans(pid)
        return historic.alliance_day_from(spans, day) if spans else day


def geoparse_command(
    paths: list[str], fmt: str, output: str | None, geometry: str = "display", explain: bool = False
) -> int:
    """Run the geoparser over files and write GeoJSON, JSON Lines or CSV; returns the exit code.

    ``geometry`` is one of :data:`GEOMETRY_MODES` (GeoJSON geometry; JSON Lines' lat/lon). ``explain`` adds
    each mention's ``why`` (JSON Lines: the whole record; CSV: the summary, score and runner-up).
    """
    report = cli_policy.Reporter("geoparse")
    articles = _read_articles(paths, report)
    if not articles:
        return report.finish("articles")
    from dashboard import export
    from dashboard.geoparse import default_parser

    parser = default_parser()
    from dashboard import historic

    # Each article on its own date: names resolve to the places of that day (historic states, former names).
    results = [
        (a, historic.on_date(parser.parse(a.text, on=a.date, explain=explain), a.date)) for a in articles
    ]

    if fmt == "csv":
        chunks = []
        for i, (a, ms) in enumerate(results):
            body = export.mentions_csv(ms, a.text, source=a.source, on=a.date or _today(), explain=explain)
            chunks.append(body if i == 0 else body.split("\n", 1)[1])
        return _write("".join(chunks), output, report)
    else:
        geoms = _Geometries(geometry)
        lines = []
        for a, ms in results:
            day = a.date or _today()
            by_place: dict[str, list] = {}
            for m in ms:
                by_place.setdefault(m.place_id, []).append(m)
            latlon: dict[str, tuple[float | None, float | None]] = {}
            for pid, group in by_place.items():
                m0 = group[0]
                if fmt == "jsonl":
                    latlon[pid] = geoms.point(pid, m0.kind, day)
                    continue
                members = geoms.members(pid, day) if m0.kind == "alliance" else None
                props = export.place_properties(
                    group, day, source=a.source, members=members, years=historic.years(pid)
                )
                lines.append(export.feature_text(props, geoms.geojson(pid, m0.kind, day)))
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
                    "date": day.isoformat(),
                }
                if m.why is not None:
                    rec["why"] = m.why.to_dict()
                lines.append(json.dumps(rec, ensure_ascii=False))
        if fmt == "jsonl":
            text = "".join(line + "\n" for line in lines)
        else:
            text = export.feature_collection_text(lines)
        return _write(text, output, report)


def _today():
    from datetime import date

    return date.today()


def claims_command_entry(paths: list[str], fmt: str, output: str | None) -> int:
    """Delegate to ``dashboard.claims.claims_command`` (imported lazily)."""
    try:
        from dashboard.claims import claims_command
    except ImportError:
        cli_policy.Reporter("claims").error("the claims command is not available (dashboard.claims)")
        return EXIT_FAILED
    return int(claims_command(paths, fmt, output) or 0)


_INPUT_HELP = "article files, folders of them, quoted glob patterns; '-' reads standard input"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m dashboard``."""
    ap = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Place mentions in news articles, resolved to bundled geodata (offline).",
    )
    sub = ap.add_subparsers(dest="command", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        # One epilog for every command: the input forms, the bad-input rule and the exit codes.
        return sub.add_parser(
            name,
            help=help,
            epilog=cli_policy.epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    g = command("geoparse", "find and resolve the places an article mentions")
    g.add_argument("files", nargs="+", metavar="INPUT", help=_INPUT_HELP)
    g.add_argument("--format", choices=["geojson", "jsonl", "csv"], default="geojson")
    g.add_argument("--output", "-o", metavar="PATH", help="write here instead of standard output")
    g.add_argument(
        "--geometry",
        choices=GEOMETRY_MODES,
        default="display",
        help="geometry per place: full resolution, simplified display (default), a point on it, or none",
    )
    g.add_argument(
        "--explain",
        action="store_true",
        help="add each mention's why: the rules and features that decided, the runner-up, a summary",
    )
    g.add_argument(
        "--full-geometry",
        dest="geometry",
        action="store_const",
        const="full",
        help="the same as --geometry full",
    )
    c = command("claims", "check the geographic claims an article makes")
    c.add_argument("files", nargs="+", metavar="INPUT", help=_INPUT_HELP)
    c.add_argument("--format", choices=["json"], default="json")
    c.add_argument("--output", "-o", metavar="PATH", help="write here instead of standard output")
    from dashboard.corpus import cli as corpus_cli

    corpus_cli.add_arguments(command("batch", "geoparse a dated archive into a corpus store (Dask)"))
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (see :data:`dashboard.cli_policy.EXIT_STATUSES`)."""
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a usage error (2), or the help (0)
        return int(exc.code or 0) and EXIT_USAGE
    try:
        if args.command == "geoparse":
            return geoparse_command(args.files, args.format, args.output, args.geometry, args.explain)
        if args.command == "batch":
            from dashboard.corpus.cli import batch_command

            return batch_command(args)
        return claims_command_entry(args.files, args.format, args.output)
    except InputError as exc:
        cli_policy.Reporter(args.command).error(str(exc))
        return EXIT_USAGE
    except DashboardError as exc:  # the geodata is broken, or a failure past reading
        cli_policy.Reporter(args.command).error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
