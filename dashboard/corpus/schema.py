"""The corpus store's layout and Parquet schemas: the one contract between ``batch`` and the corpus view.

A store is a folder::

    DIR/manifest.json          inputs, counts, rejects count, SCHEMA_VERSION, gazetteer version, finished flag
    DIR/articles/*.parquet     one row per article (ARTICLES_SCHEMA), sorted by date
    DIR/mentions/*.parquet     one row per place mention (MENTIONS_SCHEMA), sorted by date
    DIR/places.parquet         GeoParquet: every place the store mentions, display geometry (PLACES_COLUMNS)
    DIR/rejects.jsonl          one JSON object per rejected record: {"id", "source", "reason"}
    DIR/chunks/                batch's own bookkeeping: part-NNNNN.json, a marker per finished chunk

While ``batch`` runs, each chunk of input is written as ``chunks/articles/part-NNNNN.parquet`` and
``chunks/mentions/part-NNNNN.parquet``, atomically (a hidden temporary file, then ``os.replace``), then its
marker; ``--resume`` skips the chunks whose markers exist. At the end the parts are compacted into the
datasets above - few files, sorted by date in row groups whose date statistics let DuckDB skip the rest of a
range - and the parts are removed. Only a store whose manifest says ``"finished": true`` is complete. DuckDB
reads the datasets with ``read_parquet('DIR/mentions/*.parquet')``; pandas and geopandas with
``pd.read_parquet('DIR/mentions')`` and ``gpd.read_parquet('DIR/places.parquet')``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

#: Bumped whenever a column is added, removed or changes meaning; written into the manifest.
SCHEMA_VERSION = 1

ARTICLES_DIR = "articles"
MENTIONS_DIR = "mentions"
PLACES_FILE = "places.parquet"
MANIFEST_FILE = "manifest.json"
REJECTS_FILE = "rejects.jsonl"
CHUNKS_DIR = "chunks"

#: One row per article. ``text`` is kept so the view can search it and show the sentences of a mention.
ARTICLES_SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("source", pa.string()),
        pa.field("url", pa.string()),
        pa.field("n_chars", pa.int64(), nullable=False),
        pa.field("n_mentions", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ]
)

#: One row per place mention; ``start``/``end`` index the article's ``text``.
MENTIONS_SCHEMA = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("start", pa.int64(), nullable=False),
        pa.field("end", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("place_id", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("country", pa.string()),
        pa.field("type", pa.string(), nullable=False),
        pa.field("confidence", pa.float64(), nullable=False),
    ]
)

#: Columns of ``places.parquet`` besides ``geometry`` (display geometry, EPSG:4326).
PLACES_COLUMNS = ("place_id", "name", "kind", "country")


def part_name(chunk: int) -> str:
    """File name of a chunk's part, the same in ``chunks/articles/`` and ``chunks/mentions/``."""
    return f"part-{chunk:05d}.parquet"


def marker_name(chunk: int) -> str:
    """File name of a chunk's done marker in ``chunks/``."""
    return f"part-{chunk:05d}.json"


def articles_glob(store: Path) -> str:
    """DuckDB/pyarrow glob of the articles dataset."""
    return str(Path(store) / ARTICLES_DIR / "*.parquet")


def mentions_glob(store: Path) -> str:
    """DuckDB/pyarrow glob of the mentions dataset."""
    return str(Path(store) / MENTIONS_DIR / "*.parquet")
