"""Reading dated article archives: folders of article files, JSONL/CSV/Parquet/JSON tables, Reuters-21578.

Inputs are split into numbered chunks by :func:`plan_chunks` (cheap: row counts only); each chunk is read
on its own by :func:`read_chunk`, on whichever worker runs it. A bad record (no date, a date that does not
parse, empty or binary text, a malformed row) becomes a :class:`Reject` with its id and the reason, and the
other records go on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from itertools import groupby, islice
from pathlib import Path
from typing import Any

from dashboard import cli_policy
from dashboard.article import ARTICLE_SUFFIXES, check_text
from dashboard.errors import InputError

#: The fields of a record; tabular inputs name them in a header, or ``columns`` maps them.
FIELDS: tuple[str, ...] = ("id", "date", "title", "text", "url", "source")
#: Fields a table must have (after mapping).
REQUIRED: tuple[str, ...] = ("date", "text")
#: Other column names taken for a field when the table has no column of the field's own name.
ALIASES: Mapping[str, tuple[str, ...]] = {"text": ("body",)}  # Reuters-21578 calls the text "body"

TABLE_SUFFIXES: Mapping[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".json": "json",
}
#: Default articles per chunk (one Dask task).
CHUNK_SIZE = 500

# The npm package's file names; its articles get this source unless a row names one.
_REUTERS_FILE = re.compile(r"reuters-\d+\.json")
REUTERS_SOURCE = "Reuters-21578"
# Reuters dates: "26-FEB-1987 15:14:36.41"; some carry a malformed time ("605:12:19.12") or trailing
# control characters, so only the day is read (the store keeps days).
_DMY = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})\b")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), 1)} | {
    m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), 7)
}
_SURROGATE = re.compile(r"[\udc80-\udcff]")  # bytes that were not UTF-8 (read with surrogateescape)
# csv's default field limit (128 KiB) is smaller than an article may be.
csv.field_size_limit(2**31 - 1)


class ColumnError(InputError):
    """A table lacks a column the command needs: a mistake in the command, so the run stops."""


@dataclass(frozen=True)
class Record:
    """One dated article read from an input."""

    id: str
    date: date
    title: str | None
    text: str
    url: str | None
    source: str


@dataclass(frozen=True)
class Reject:
    """A record that could not be used, and why (one line of ``rejects.jsonl``)."""

    id: str
    source: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """The JSON object written to ``rejects.jsonl``."""
        return {"id": self.id, "source": self.source, "reason": self.reason}


@dataclass(frozen=True)
class Chunk:
    """Rows ``start:stop`` of one input (or a list of article files): the unit of work of one task."""

    index: int
    kind: str  # "files", "jsonl", "csv", "parquet" or "json"
    path: str  # the input (for "files": the folder or file given)
    start: int = 0
    stop: int = 0
    files: tuple[str, ...] = ()  # kind "files": the article files of this chunk
    columns: tuple[tuple[str, str], ...] = ()  # field -> column, resolved at planning


@dataclass(frozen=True)
class Input:
    """One input as planned: what it is and how many rows it holds (recorded in the manifest)."""

    path: str
    kind: str
    rows: int
    bytes: int
    mtime_ns: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the manifest."""
        return {
            "path": self.path,
            "kind": self.kind,
            "rows": self.rows,
            "bytes": self.bytes,
            "mtime_ns": self.mtime_ns,
        }


# --- dates -------------------------------------------------------------------------------------------


def parse_date(value: Any) -> date:
    """The day of a record's date.

    Accepts ``date``/``datetime`` objects, ISO 8601 (``2022-01-28``, ``2022-01-28T10:00:00Z``), RFC 2822
    (``Fri, 28 Jan 2022 10:00:00 GMT``) and Reuters' ``26-FEB-1987 15:14:36.41`` (only the day is read).

    Raises
    ------
    ValueError
        Missing or unparseable; the message is the reject reason.
    """
    if (
        value is None
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and not value.strip())
    ):
        raise ValueError("no date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"the date {value!r} does not parse (expected text like 2022-01-28)")
    s = value.strip()
    try:
        return date.fromisoformat(s[:10]) if len(s) == 10 else datetime.fromisoformat(s).date()
    except ValueError:
        pass
    m = _DMY.match(s)
    if m and m.group(2).lower() in _MONTHS:
        try:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    shown = s if len(s) <= 40 else s[:40] + "..."
    raise ValueError(f"the date {shown!r} does not parse (expected e.g. 2022-01-28)")


# --- planning ----------------------------------------------------------------------------------------


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return TABLE_SUFFIXES[suffix]
    if suffix in ARTICLE_SUFFIXES:
        return "files"
    return None


def _resolve_columns(
    present: Iterable[str], columns: Mapping[str, str], path: Path
) -> tuple[tuple[str, str], ...]:
    """Field -> column name for one table: the user's mapping, else the field's name, else an alias."""
    have = list(present)
    got: dict[str, str] = {}
    for field in FIELDS:
        want = columns.get(field)
        if want is not None:
            if want not in have:
                msg = (
                    f"{path}: no column {want!r} for {field} (columns: {', '.join(map(str, have)) or 'none'})"
                )
                raise ColumnError(msg)
            got[field] = want
        elif field in have:
            got[field] = field
        else:
            alias = next((a for a in ALIASES.get(field, ()) if a in have), None)
            if alias is not None:
                got[field] = alias
    missing = [f for f in REQUIRED if f not in got]
    if missing:
        opts = " ".join(f"--column {f}=NAME" for f in missing)
        msg = (
            f"{path}: no {' or '.join(missing)} column (columns: {', '.join(map(str, have)) or 'none'}); "
            f"map one with {opts}"
        )
        raise ColumnError(msg)
    return tuple(got.items())


def _table_rows(kind: str, path: Path, columns: Mapping[str, str]) -> tuple[int, tuple[tuple[str, str], ...]]:
    """Row count of a table and its field -> column mapping (raises InputError if it cannot be read)."""
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:
            msg = f"{path}: not a readable Parquet file ({exc})"
            raise InputError(msg) from None
        return pf.metadata.num_rows, _resolve_columns(pf.schema_arrow.names, columns, path)
    if kind == "csv":
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                msg = f"{path}: the CSV file is empty"
                raise InputError(msg)
            try:
                rows = sum(1 for _ in reader)
            except csv.Error as exc:
                msg = f"{path}: the CSV file cannot be read ({exc})"
                raise InputError(msg) from None
        return rows, _resolve_columns(header, columns, path)
    if kind == "jsonl":
        seen: dict[str, None] = {}
        rows = 0
        with path.open("rb") as f:
            for line in f:
                rows += 1
                if rows <= 1000 and line.strip():
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(obj, dict):
                        seen.update(dict.fromkeys(obj))
        return rows, _resolve_columns(_row_keys(seen), columns, path)
    items = _json_array(path)
    seen = dict.fromkeys(k for item in items[:1000] if isinstance(item, dict) for k in item)
    return len(items), _resolve_columns(_row_keys(seen), columns, path)


def _row_keys(seen: Iterable[str]) -> list[str]:
    """Keys of JSON rows: those seen in the first rows, plus the optional fields (rows may omit them)."""
    return list(dict.fromkeys([*seen, "id", "title", "url", "source"]))


def _json_array(path: Path) -> list:
    try:
        items = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"{path}: not valid JSON ({exc})"
        raise InputError(msg) from None
    if not isinstance(items, list):
        msg = f"{path}: expected a JSON array of articles, got a JSON {type(items).__name__}"
        raise InputError(msg)
    return items


def plan_chunks(
    inputs: Iterable[str | Path], chunk_size: int = CHUNK_SIZE, columns: Mapping[str, str] | None = None
) -> tuple[list[Chunk], list[Input], list[Reject]]:
    """Split the inputs into chunks of at most ``chunk_size`` records, in a stable order.

    Returns
    -------
    (chunks, inputs, rejects)
        ``rejects`` holds whole inputs that cannot be read (missing, not JSON, not Parquet, not an article
        file in a folder).

    Raises
    ------
    InputError
        A table lacks a date or text column, or a bad option (a mistake in the command, not in the data).
    """
    if chunk_size < 1:
        msg = f"chunk size must be at least 1, got {chunk_size}"
        raise InputError(msg)
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        msg = f"unknown field(s) {', '.join(unknown)} in the column mapping; fields: {', '.join(FIELDS)}"
        raise InputError(msg)
    chunks: list[Chunk] = []
    planned: list[Input] = []
    rejects: list[Reject] = []

    def add_files(origin: Path, files: list[Path]) -> None:
        if not files:
            return
        size = sum(f.stat().st_size for f in files)
        mtime = max(f.stat().st_mtime_ns for f in files)
        planned.append(Input(str(origin), "files", len(files), size, mtime))
        for i in range(0, len(files), chunk_size):
            part = tuple(str(f) for f in files[i : i + chunk_size])
            chunks.append(Chunk(len(chunks), "files", str(origin), i, i + len(part), files=part))

    def add_table(kind: str, path: Path) -> None:
        try:
            rows, cols = _table_rows(kind, path, columns)
        except ColumnError:
            raise
        except InputError as exc:
            rejects.append(Reject(path.name, str(path), str(exc).removeprefix(f"{path}: ")))
            return
        st = path.stat()
        planned.append(
            Input(
                str(path),
                "reuters" if _REUTERS_FILE.fullmatch(path.name) else kind,
                rows,
                st.st_size,
                st.st_mtime_ns,
            )
        )
        for start in range(0, rows, chunk_size):
            chunks.append(
                Chunk(len(chunks), kind, str(path), start, min(rows, start + chunk_size), columns=cols)
            )

    # The inputs as every command names them (cli_policy.expand): a folder gives its files, a missing path
    # or a pattern matching nothing a reject; tables of a folder come before its article files.
    sources = cli_policy.expand(inputs, accept=(*ARTICLE_SUFFIXES, *TABLE_SUFFIXES))
    for origin, group in groupby(sources, key=lambda s: s.folder or s.name):
        articles: list[Path] = []
        for src in group:
            rid = str(src.path.relative_to(src.folder)) if src.path and src.folder else Path(src.name).name
            if src.path is None:
                why = src.problem or "batch reads files and folders, not standard input"
                rejects.append(Reject(rid, src.name, why))
            elif src.problem is not None:
                rejects.append(Reject(rid, src.name, src.problem))
            elif (kind := _kind(src.path)) not in (None, "files"):
                add_table(kind, src.path)
            else:  # an article file (a file named on its own is read whatever its name)
                articles.append(src.path)
        add_files(Path(origin), articles)
    return chunks, planned, rejects


# --- reading a chunk ---------------------------------------------------------------------------------


def _text_of(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bytes):
        raise ValueError("the text is bytes, not text (binary)")
    # Reuters ends every body with an end-of-text control character; it is markup, not text.
    return str(value).rstrip().rstrip("\x03").rstrip()


def _opt(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value).strip()
    return s or None


def _row_record(
    row: Mapping[str, Any], cols: Mapping[str, str], path: str, line: int, default_source: str
) -> Record | Reject:
    """A record from one table row (``line``: its 1-based row number, naming rows without an id)."""
    rid = _opt(row.get(cols["id"])) if "id" in cols else None
    rid = rid or f"{Path(path).name}:{line}"
    source = (_opt(row.get(cols["source"])) if "source" in cols else None) or default_source
    where = f"{path}:{line}"
    try:
        day = parse_date(row.get(cols["date"]))
        text = _text_of(row.get(cols["text"]))
        check_text(text, where)
    except InputError as exc:
        return Reject(rid, where, str(exc).removeprefix(f"{where}: "))
    except ValueError as exc:
        return Reject(rid, where, str(exc))
    title = _opt(row.get(cols["title"])) if "title" in cols else None
    url = _opt(row.get(cols["url"])) if "url" in cols else None
    return Record(rid, day, title, text, url, source)


def _file_record(file: str, origin: str) -> Record | Reject:
    path = Path(file)
    rid = str(path.relative_to(origin)) if Path(origin).is_dir() else path.name
    try:
        art = cli_policy.read_source(cli_policy.Source(file, path))
    except InputError as exc:
        return Reject(rid, file, cli_policy.reason_of(exc, file))
    if art.date is None:
        return Reject(rid, file, "no date (start the file with a line `date YYYY-MM-DD Title`)")
    return Record(rid, art.date, art.title, art.text, None, file)


def read_chunk(chunk: Chunk) -> tuple[list[Record], list[Reject]]:
    """The records of one chunk, and the rejects among its rows (never raises for bad data)."""
    records: list[Record] = []
    rejects: list[Reject] = []

    def add(item: Record | Reject) -> None:
        if isinstance(item, Record):
            records.append(item)
        else:
            rejects.append(item)

    if chunk.kind == "files":
        for f in chunk.files:
            add(_file_record(f, chunk.path))
        return records, rejects
    cols = dict(chunk.columns)
    name = Path(chunk.path).name
    default_source = REUTERS_SOURCE if _REUTERS_FILE.fullmatch(name) else chunk.path
    try:
        rows = _rows(chunk)
        for line, row in enumerate(rows, chunk.start + 1):
            if isinstance(row, Reject):
                rejects.append(row)
            elif row is not None:
                add(_row_record(row, cols, chunk.path, line, default_source))
    except (OSError, InputError) as exc:  # the input changed or vanished since planning
        reason = str(exc).removeprefix(f"{chunk.path}: ")
        rejects.append(
            Reject(f"{name}:{chunk.start + 1}-{chunk.stop}", chunk.path, f"rows cannot be read ({reason})")
        )
    return records, rejects


def _rows(chunk: Chunk) -> Iterator[Mapping[str, Any] | Reject | None]:
    """Rows ``start:stop`` of a table as dicts; a malformed row is a Reject, a blank JSONL line None."""
    path = Path(chunk.path)
    n = chunk.stop - chunk.start
    if chunk.kind == "json":
        for i, item in enumerate(_json_array(path)[chunk.start : chunk.stop], chunk.start + 1):
            if isinstance(item, dict):
                yield item
            else:
                yield Reject(f"{path.name}:{i}", f"{path}:{i}", "malformed row (not a JSON object)")
    elif chunk.kind == "jsonl":
        with path.open("rb") as f:
            for i, raw in enumerate(islice(f, chunk.start, chunk.stop), chunk.start + 1):
                if not raw.strip():
                    yield None
                    continue
                try:
                    obj = json.loads(raw.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    yield Reject(f"{path.name}:{i}", f"{path}:{i}", "malformed row (not valid UTF-8)")
                    continue
                except ValueError:
                    yield Reject(f"{path.name}:{i}", f"{path}:{i}", "malformed row (not valid JSON)")
                    continue
                if isinstance(obj, dict):
                    yield obj
                else:
                    yield Reject(f"{path.name}:{i}", f"{path}:{i}", "malformed row (not a JSON object)")
    elif chunk.kind == "csv":
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for i, row in enumerate(islice(reader, chunk.start, chunk.stop), chunk.start + 1):
                if len(row) != len(header):
                    why = f"malformed row ({len(row)} fields, the header has {len(header)})"
                    yield Reject(f"{path.name}:{i}", f"{path}:{i}", why)
                elif any(_SURROGATE.search(v) for v in row):
                    yield Reject(f"{path.name}:{i}", f"{path}:{i}", "malformed row (not valid UTF-8)")
                else:
                    yield dict(zip(header, row, strict=True))
    elif chunk.kind == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        wanted = sorted({c for _, c in chunk.columns})
        # Read only the row groups overlapping start:stop.
        groups, first, offset = [], None, 0
        for g in range(pf.num_row_groups):
            rows = pf.metadata.row_group(g).num_rows
            if offset + rows > chunk.start and offset < chunk.stop:
                groups.append(g)
                first = offset if first is None else first
            offset += rows
        if first is not None:  # set exactly when a row group overlaps
            table = pf.read_row_groups(groups, columns=wanted).slice(chunk.start - first, n)
            yield from table.to_pylist()
    else:
        msg = f"{path}: unknown chunk kind {chunk.kind!r}"
        raise InputError(msg)
