"""Questions the corpus view asks of a store, answered by DuckDB over the Parquet files; pure (no UI).

Every query is scoped by a date range and :class:`Filters`. Mention filters (kind, type, country) restrict
the mentions counted; the text search restricts the articles (title or text, case-insensitive). An article
counts in a range when it matches the search and, if a mention filter is set, has at least one matching
mention. Only aggregates and the rows a user asked for leave DuckDB: no query pulls the mentions table into
pandas.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.corpus import schema
from dashboard.errors import InputError
from dashboard.report import Context, context_of, sentence_spans

if TYPE_CHECKING:
    import duckdb

#: Timeline buckets: DuckDB ``date_trunc`` part per choice (weeks start on Monday, ISO).
FREQS: dict[str, str] = {"day": "day", "week": "week"}
#: What a timeline counts.
MEASURES: tuple[str, ...] = ("articles", "mentions")
#: Articles listed for a selected place (newest first) before the list is cut.
PLACE_ARTICLES_LIMIT = 50
#: Sentences shown per listed article.
SENTENCES_PER_ARTICLE = 3


class StoreError(InputError):
    """A folder that is not a readable corpus store (missing parts, unreadable Parquet, bad manifest)."""


@dataclass(frozen=True)
class Filters:
    """What the view is restricted to; ``None`` or empty means no restriction."""

    kinds: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    search: str = ""

    @property
    def on_mentions(self) -> bool:
        """True when a mention filter (kind, type or country) is set."""
        return any(v is not None for v in (self.kinds, self.types, self.countries))


@dataclass(frozen=True)
class Metrics:
    """The metric panels of a range."""

    articles: int
    mentions: int
    places: int
    top_place: str | None
    top_place_id: str | None
    top_place_articles: int
    busiest_day: date | None
    busiest_day_articles: int


@dataclass(frozen=True)
class PlaceArticle:
    """An article that mentions a selected place, with the sentences that do."""

    article_id: str
    date: date
    title: str
    mentions: int
    sentences: tuple[Context, ...] = field(default_factory=tuple)


#: Median length of a text's lines (characters) at which it is taken for hard-wrapped (Reuters wraps at ~70):
#: its single line breaks then do not end sentences.
WRAPPED_LINES: tuple[int, int] = (30, 90)
_WRAP_BREAK = re.compile(r"(?<=\S)\n(?=\S)")


def unwrap(text: str) -> str:
    """``text`` with the line breaks inside hard-wrapped paragraphs as spaces (same length and offsets).

    A line break followed by indentation or a blank line still ends a paragraph. Texts with one paragraph
    per line (lines longer than :data:`WRAPPED_LINES`) are returned as they are.
    """
    lengths = sorted(len(line) for line in text.split("\n") if line.strip())
    if len(lengths) < 3 or not WRAPPED_LINES[0] <= lengths[len(lengths) // 2] <= WRAPPED_LINES[1]:
        return text
    return _WRAP_BREAK.sub(" ", text)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length just before ``[start, end]`` (both ends included)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def _sql_path(glob: str) -> str:
    return "'" + glob.replace("'", "''") + "'"


class CorpusStore:
    """A corpus store opened for queries: DuckDB views ``articles`` and ``mentions`` over its Parquet parts.

    Thread-safe: each query runs on its own DuckDB cursor, so Streamlit sessions can share one instance.

    Parameters
    ----------
    path : Path
        A folder laid out as ``dashboard/corpus/schema.py`` describes.

    Raises
    ------
    StoreError
        With a message naming the folder and what is missing or unreadable.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise StoreError(f"{self.path}: no corpus store here (the folder does not exist)")
        for sub in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
            if not any((self.path / sub).glob("*.parquet")):
                raise StoreError(f"{self.path}: not a corpus store (no Parquet parts in {sub}/)")
        self.manifest = self._read_manifest()
        # Imported here: the dashboard imports this module on every page, the article view never queries
        # (DuckDB's import took 0.3 s of a cold start).
        import duckdb

        self._con = duckdb.connect()
        self._lock = threading.Lock()
        try:
            self._con.execute(
                "CREATE VIEW articles AS SELECT * FROM read_parquet("
                + _sql_path(schema.articles_glob(self.path))
                + ")"
            )
            self._con.execute(
                "CREATE VIEW mentions AS SELECT * FROM read_parquet("
                + _sql_path(schema.mentions_glob(self.path))
                + ")"
            )
            cols = {r[0] for r in self._con.execute("DESCRIBE mentions").fetchall()}
            acols = {r[0] for r in self._con.execute("DESCRIBE articles").fetchall()}
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: unreadable corpus store ({exc})") from exc
        missing = (set(schema.MENTIONS_SCHEMA.names) - cols) | (set(schema.ARTICLES_SCHEMA.names) - acols)
        if missing:
            raise StoreError(f"{self.path}: not a corpus store of this version (missing {sorted(missing)})")

    def _read_manifest(self) -> dict[str, Any]:
        f = self.path / schema.MANIFEST_FILE
        if not f.is_file():
            return {}
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{f}: unreadable manifest ({exc})") from exc
        return data if isinstance(data, dict) else {}

    # --- plumbing ---------------------------------------------------------------------------------------

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._con.cursor()

    def _df(self, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        cur = self._cursor()
        try:
            return cur.execute(sql, params).df()
        finally:
            cur.close()

    def _rows(self, sql: str, params: dict[str, Any]) -> list[tuple]:
        cur = self._cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    @staticmethod
    def _where(start: date | None, end: date | None, f: Filters, place_id: str | None = None):
        """SQL for the filtered mentions (``fm``) and articles (``fa``) CTEs, with their parameters."""
        params: dict[str, Any] = {}
        mcond, acond = ["TRUE"], ["TRUE"]
        if start is not None:
            params["start"] = start
            mcond.append("date >= $start")
            acond.append("date >= $start")
        if end is not None:
            params["end"] = end
            mcond.append("date <= $end")
            acond.append("date <= $end")
        for col, values in (("kind", f.kinds), ("type", f.types), ("country", f.countries)):
            if values is not None:
                params[col + "s"] = list(values)
                mcond.append(f"list_contains(${col}s, {col})")
        if place_id is not None:
            params["place_id"] = place_id
            mcond.append("place_id = $place_id")
        search = f.search.strip()
        if search:
            params["search"] = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            acond.append("(title ILIKE $search ESCAPE '\\' OR text ILIKE $search ESCAPE '\\')")
            mcond.append("article_id IN (SELECT article_id FROM articles WHERE " + " AND ".join(acond) + ")")
        fa = "SELECT article_id, date, title FROM articles WHERE " + " AND ".join(acond)
        if f.on_mentions or place_id is not None:
            # Articles with at least one matching mention.
            fa += " AND article_id IN (SELECT article_id FROM fm)"
        ctes = "WITH fm AS (SELECT * FROM mentions WHERE " + " AND ".join(mcond) + "), fa AS (" + fa + ")"
        return ctes, params

    # --- questions --------------------------------------------------------------------------------------

    def date_bounds(self) -> tuple[date, date] | None:
        """First and last article date in the store, or None for an empty store."""
        (lo, hi), *_ = self._rows("SELECT min(date), max(date) FROM articles", {})
        return (lo, hi) if lo is not None else None

    def places(self) -> pd.DataFrame:
        """Every place the store mentions: ``place_id, name, kind, country``, sorted by name."""
        return self._df(
            "SELECT place_id, any_value(name) AS name, any_value(kind) AS kind, "
            "any_value(country) AS country FROM mentions GROUP BY place_id ORDER BY name, place_id",
            {},
        )

    def countries(self) -> dict[str, str]:
        """ISO3 code -> display name of every country a mention lies in, sorted by name.

        The name is the country's own when the store mentions it, else the code.
        """
        rows = self._rows(
            "SELECT country, max(CASE WHEN kind = 'country' THEN name END) FROM mentions "
            "WHERE country IS NOT NULL GROUP BY country",
            {},
        )
        return dict(sorted(((c, n or c) for c, n in rows), key=lambda kv: kv[1]))

    def timeline(
        self,
        filters: Filters = Filters(),
        *,
        freq: str = "day",
        measure: str = "articles",
        start: date | None = None,
        end: date | None = None,
        place_id: str | None = None,
    ) -> pd.DataFrame:
        """Counts per day or week: columns ``period`` (date, the bucket's first day) and ``count``.

        Parameters
        ----------
        filters : Filters
        freq : {"day", "week"}
        measure : {"articles", "mentions"}
        start, end : date, optional
            Default: the whole store.
        place_id : str, optional
            Only articles/mentions of this place (the place's own timeline).

        Returns
        -------
        pandas.DataFrame
            One row per bucket with at least one count, sorted by period.
        """
        if freq not in FREQS or measure not in MEASURES:
            raise ValueError(f"freq must be one of {list(FREQS)}, measure one of {list(MEASURES)}")
        ctes, params = self._where(start, end, filters, place_id)
        part = FREQS[freq]
        if measure == "mentions":
            body = f"SELECT CAST(date_trunc('{part}', date) AS DATE) AS period, count(*) AS count FROM fm"
        else:
            body = f"SELECT CAST(date_trunc('{part}', date) AS DATE) AS period, count(*) AS count FROM fa"
        df = self._df(ctes + " " + body + " GROUP BY 1 ORDER BY 1", params)
        df["period"] = pd.to_datetime(df["period"]).dt.date
        df["count"] = df["count"].astype("int64")
        return df

    def place_counts(self, start: date, end: date, filters: Filters = Filters()) -> pd.DataFrame:
        """Every place mentioned in the range: ``place_id, name, kind, country, articles, mentions``.

        Sorted by articles then mentions (descending), then name.
        """
        ctes, params = self._where(start, end, filters)
        sql = (
            ctes + " SELECT place_id, any_value(name) AS name, any_value(kind) AS kind, "
            "any_value(country) AS country, count(DISTINCT article_id) AS articles, count(*) AS mentions "
            "FROM fm GROUP BY place_id ORDER BY articles DESC, mentions DESC, name"
        )
        df = self._df(sql, params)
        for c in ("articles", "mentions"):
            df[c] = df[c].astype("int64")
        return df

    def change(self, start: date, end: date, filters: Filters = Filters()) -> pd.DataFrame:
        """Per place: articles in the range, in the previous period of equal length, and the change.

        Columns ``place_id, name, kind, country, articles, mentions, previous, change`` (articles minus
        previous) and ``change_pct`` (None where the previous count is 0); places of either period.
        """
        now = self.place_counts(start, end, filters)
        p0, p1 = previous_period(start, end)
        before = self.place_counts(p0, p1, filters)
        out = now.merge(
            before[["place_id", "name", "kind", "country", "articles"]].rename(
                columns={"articles": "previous"}
            ),
            on="place_id",
            how="outer",
            suffixes=("", "_prev"),
        )
        for c in ("name", "kind", "country"):
            out[c] = out[c].fillna(out.pop(c + "_prev"))
        for c in ("articles", "mentions", "previous"):
            out[c] = out[c].fillna(0).astype("int64")
        out["change"] = out["articles"] - out["previous"]
        prev = out["previous"].where(out["previous"] > 0)
        out["change_pct"] = (100.0 * out["change"] / prev).round(1)
        return out.sort_values(["articles", "mentions", "name"], ascending=[False, False, True]).reset_index(
            drop=True
        )

    def metrics(self, start: date, end: date, filters: Filters = Filters()) -> Metrics:
        """Articles, mentions, distinct places, the top place (by articles) and the busiest day."""
        ctes, params = self._where(start, end, filters)
        (n_art, n_men, n_pl), *_ = self._rows(
            ctes + " SELECT (SELECT count(*) FROM fa), (SELECT count(*) FROM fm), "
            "(SELECT count(DISTINCT place_id) FROM fm)",
            params,
        )
        top = self._rows(
            ctes + " SELECT place_id, any_value(name), count(DISTINCT article_id) AS n FROM fm "
            "GROUP BY place_id ORDER BY n DESC, count(*) DESC, 2 LIMIT 1",
            params,
        )
        busy = self._rows(
            ctes + " SELECT date, count(*) AS n FROM fa GROUP BY date ORDER BY n DESC, date LIMIT 1", params
        )
        return Metrics(
            articles=int(n_art),
            mentions=int(n_men),
            places=int(n_pl),
            top_place=top[0][1] if top else None,
            top_place_id=top[0][0] if top else None,
            top_place_articles=int(top[0][2]) if top else 0,
            busiest_day=busy[0][0] if busy else None,
            busiest_day_articles=int(busy[0][1]) if busy else 0,
        )

    def place_articles(
        self,
        place_id: str,
        start: date,
        end: date,
        filters: Filters = Filters(),
        *,
        limit: int = PLACE_ARTICLES_LIMIT,
        sentences: int = SENTENCES_PER_ARTICLE,
    ) -> tuple[list[PlaceArticle], int]:
        """The articles of the range that mention ``place_id``, newest first, with the sentences that do.

        Returns
        -------
        (list of PlaceArticle, int)
            At most ``limit`` articles, and how many there are in all.
        """
        ctes, params = self._where(start, end, filters, place_id)
        (total,), *_ = self._rows(ctes + " SELECT count(DISTINCT article_id) FROM fm", params)
        params["limit"] = int(limit)
        rows = self._rows(
            ctes + ", picked AS (SELECT article_id, count(*) AS n, "
            'list(struct_pack(s := start, e := "end") ORDER BY start) AS spans '
            "FROM fm GROUP BY article_id) "
            "SELECT a.article_id, a.date, a.title, a.text, p.n, p.spans FROM picked p "
            "JOIN articles a USING (article_id) ORDER BY a.date DESC, a.article_id LIMIT $limit",
            params,
        )
        out = []
        for article_id, day, title, text, n, spans in rows:
            text = unwrap(text)
            sents = sentence_spans(text)
            seen: dict[tuple[int, int], Context] = {}
            for sp in spans:
                ctx = context_of(text, int(sp["s"]), int(sp["e"]), sents)
                seen.setdefault((int(sp["s"]) - ctx.start, len(ctx.sentence)), ctx)
                if len(seen) >= sentences:
                    break
            out.append(PlaceArticle(article_id, day, title or "", int(n), tuple(seen.values())))
        return out, int(total)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article's ``article_id, date, title, source, url, text``, or None if the store lacks it."""
        rows = self._rows(
            "SELECT article_id, date, title, source, url, text FROM articles WHERE article_id = $id LIMIT 1",
            {"id": article_id},
        )
        if not rows:
            return None
        return dict(zip(("article_id", "date", "title", "source", "url", "text"), rows[0], strict=True))

    def write_mentions(self, out: Path, start: date, end: date, filters: Filters = Filters()) -> int:
        """Write the range's filtered mentions to ``out`` as Parquet (DuckDB streams it); returns the rows."""
        ctes, params = self._where(start, end, filters)
        cols = ", ".join(f'"{c}"' for c in schema.MENTIONS_SCHEMA.names)
        cur = self._cursor()
        try:
            cur.execute(
                "COPY ("
                + ctes
                + f" SELECT {cols} FROM fm ORDER BY date, article_id, start) TO "
                + _sql_path(str(out))
                + " (FORMAT parquet)",
                params,
            )
            row = cur.execute("SELECT count(*) FROM read_parquet(" + _sql_path(str(out)) + ")").fetchone()
        finally:
            cur.close()
        return int(row[0]) if row else 0

    def mentions_parquet(self, start: date, end: date, filters: Filters = Filters()) -> bytes:
        """The range's filtered mentions as Parquet bytes (for a download)."""
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "mentions.parquet"
            self.write_mentions(f, start, end, filters)
            return f.read_bytes()


def daily_csv(timeline: pd.DataFrame, measure: str = "articles") -> str:
    """A timeline frame as CSV: ``date,<measure>``."""
    df = timeline.rename(columns={"period": "date", "count": measure})
    return df.to_csv(index=False)


def fill_days(timeline: pd.DataFrame, start: date, end: date, freq: str = "day") -> pd.DataFrame:
    """The timeline with empty buckets between ``start`` and ``end`` as zeros (for charts and CSV)."""
    if freq == "week":
        start = start - timedelta(days=start.weekday())
        step = 7
    else:
        step = 1
    n = (end - start).days // step + 1
    periods = [start + timedelta(days=step * i) for i in range(max(n, 0))]
    full = pd.DataFrame({"period": periods})
    out = full.merge(timeline, on="period", how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    return out


def as_filters(
    kinds: Sequence[str] | None,
    types: Sequence[str] | None,
    countries: Sequence[str] | None,
    search: str = "",
    *,
    all_kinds: Sequence[str] = (),
    all_types: Sequence[str] = (),
) -> Filters:
    """Filters from widget values: a selection equal to "everything" means no restriction."""

    def norm(values: Sequence[str] | None, everything: Sequence[str]) -> tuple[str, ...] | None:
        if values is None:
            return None
        values = tuple(sorted(set(values)))
        if everything and set(values) >= set(everything):
            return None
        return values

    return Filters(norm(kinds, all_kinds), norm(types, all_types), norm(countries, ()) or None, search or "")
