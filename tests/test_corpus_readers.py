"""Corpus readers: article folders, JSONL/CSV/Parquet/JSON tables, Reuters-21578, HTML pages, rejects."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.article import read_html_article
from dashboard.corpus.batch import REUTERS_DATA
from dashboard.corpus.readers import Record, parse_date, plan_chunks, read_chunk
from dashboard.errors import InputError


def read_all(inputs, chunk_size=500, columns=None):
    chunks, planned, rejects = plan_chunks([str(p) for p in inputs], chunk_size, columns)
    records = []
    for c in chunks:
        got, bad = read_chunk(c)
        records += got
        rejects += bad
    return records, rejects, chunks, planned


def reasons(rejects) -> dict[str, str]:
    return {j.id: j.reason for j in rejects}


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2022-01-28", date(2022, 1, 28)),
        ("2022-01-28T23:10:00Z", date(2022, 1, 28)),
        ("2022-01-28 23:10:00+02:00", date(2022, 1, 28)),
        ("Fri, 28 Jan 2022 10:00:00 GMT", date(2022, 1, 28)),
        ("26-FEB-1987 15:14:36.41", date(1987, 2, 26)),
        (" 7-APR-1987 16:22:00.0", date(1987, 4, 7)),
        ("31-MAR-1987 605:12:19.12", date(1987, 3, 31)),  # malformed time in the archive: the day is kept
        ("27-MAR-1987 00:02:59.13\x05\x05\x05RM", date(1987, 3, 27)),
        (datetime(2022, 1, 28, 23, 0), date(2022, 1, 28)),
        (date(2022, 1, 28), date(2022, 1, 28)),
    ],
)
def test_dates_in_the_forms_archives_use_parse_to_the_day(value, day) -> None:
    assert parse_date(value) == day


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "no date"),
        ("  ", "no date"),
        ("yesterday", "does not parse"),
        ("2022-02-30", "does not parse"),
        ("31-FOO-1987 10:00:00.00", "does not parse"),
        (20220128, "does not parse"),
    ],
)
def test_missing_or_unparseable_dates_give_the_reason(value, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_jsonl_rows_are_read_and_bad_rows_rejected_with_their_reason(tmp_path: Path) -> None:
    rows = [
        {
            "id": "a1",
            "date": "2022-01-28",
            "title": "Kyiv",
            "text": "Troops near Kyiv.",
            "url": "https://x/1",
        },
        {"id": "a2", "date": "2022-01-29", "text": "Crimea again.", "source": "Wire"},
        {"id": "nodate", "text": "No date here."},
        {"id": "baddate", "date": "28/01/2022?", "text": "Text."},
        {"id": "empty", "date": "2022-01-28", "text": "   "},
        {"id": "binary", "date": "2022-01-28", "text": "\x01\x02\x03\x04\x05\x06\x07\x08 ab"},
        {"date": "2022-01-30", "text": "Row without an id."},
    ]
    lines = [json.dumps(r) for r in rows] + ["", "{not json", "[1, 2]"]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, rejects, _, planned = read_all([path])
    assert [r.id for r in records] == ["a1", "a2", "news.jsonl:7"]
    a1, a2 = records[0], records[1]
    assert a1 == Record("a1", date(2022, 1, 28), "Kyiv", "Troops near Kyiv.", "https://x/1", str(path))
    assert a2.source == "Wire" and a2.title is None and a2.url is None
    why = reasons(rejects)
    assert why["nodate"] == "no date"
    assert "does not parse" in why["baddate"]
    assert "empty" in why["empty"]
    assert "binary" in why["binary"]
    assert why["news.jsonl:9"] == "malformed row (not valid JSON)"
    assert why["news.jsonl:10"] == "malformed row (not a JSON object)"
    assert len(rejects) == 6  # the blank line is neither a record nor a reject
    assert all(j.source.startswith(str(path)) for j in rejects)
    assert planned[0].kind == "jsonl" and planned[0].rows == 10


def test_csv_with_mapped_columns_quoted_newlines_and_malformed_rows(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    body = (
        (
            b"doc,published,headline,body\n"
            b'1,2022-01-28,Kyiv,"Troops near Kyiv.\nA second paragraph on Crimea."\n'
            b"2,2022-01-29,Extra,too,many,fields\n"
        )
        + b"3,2022-01-30,Bad,caf\xe9 in Latin-1\n"
        + b"4,2022-01-31,,Minsk.\n"
    )
    path.write_bytes(body)
    cols = {"id": "doc", "date": "published", "title": "headline", "text": "body"}
    records, rejects, _, _ = read_all([path], columns=cols)
    assert [r.id for r in records] == ["1", "4"]
    assert records[0].text == "Troops near Kyiv.\nA second paragraph on Crimea."
    assert records[1].title is None
    why = reasons(rejects)
    assert why["feed.csv:2"] == "malformed row (6 fields, the header has 4)"
    assert why["feed.csv:3"] == "malformed row (not valid UTF-8)"


def test_a_table_without_a_text_column_stops_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("id,date,content\n1,2022-01-28,Kyiv\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"feed.csv: no text column .*--column text=NAME"):
        plan_chunks([path])
    with pytest.raises(InputError, match="no column 'missing' for title"):
        plan_chunks([path], columns={"text": "content", "title": "missing"})
    records, rejects, _, _ = read_all([path], columns={"text": "content"})
    assert [r.text for r in records] == ["Kyiv"] and not rejects


def test_parquet_chunks_cover_every_row_once_across_row_groups(tmp_path: Path) -> None:
    n = 23
    table = pa.table(
        {
            "id": [f"p{i}" for i in range(n)],
            "date": pa.array([datetime(2022, 1, 1 + i % 28, 12) for i in range(n)], pa.timestamp("ms")),
            "title": [None] * n,
            "text": [f"Article {i} about Kyiv." for i in range(n)],
        }
    )
    path = tmp_path / "a.parquet"
    pq.write_table(table, path, row_group_size=5)
    records, rejects, chunks, _ = read_all([path], chunk_size=7)
    assert len(chunks) == 4
    assert [r.id for r in records] == [f"p{i}" for i in range(n)]
    assert records[3].date == date(2022, 1, 4)
    assert not rejects


def test_reuters_shaped_json_reads_body_as_text_and_rejects_records_without_one(tmp_path: Path) -> None:
    items = [
        {
            "id": "1",
            "date": "26-FEB-1987 15:01:01.79",
            "title": "BAHIA COCOA REVIEW",
            "body": "Brazil.\n Reuter\n\x03",
        },
        {"id": "2", "date": "26-FEB-1987 15:02:20.00", "title": "NO BODY", "topics": []},
        {
            "id": "3",
            "date": "31-MAR-1987 605:12:19.12",
            "title": "T",
            "body": "Tokyo rose.",
            "places": ["japan"],
        },
        {"id": "4", "date": "sometime", "body": "Text."},
        "not an object",
    ]
    path = tmp_path / "reuters-000.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    records, rejects, _, planned = read_all([tmp_path])
    assert planned[0].kind == "reuters"
    assert [(r.id, r.date, r.title) for r in records] == [
        ("1", date(1987, 2, 26), "BAHIA COCOA REVIEW"),
        ("3", date(1987, 3, 31), "T"),
    ]
    assert records[0].text == "Brazil.\n Reuter"  # the end-of-text control character is not text
    assert records[0].source == "Reuters-21578"
    why = reasons(rejects)
    assert why["2"] == "the article is empty"
    assert "does not parse" in why["4"]
    assert why["reuters-000.json:5"] == "malformed row (not a JSON object)"


def test_the_fetched_reuters_archive_reads_whole() -> None:
    assert REUTERS_DATA.is_dir(), "run `bash scripts/setup.sh`: it fetches the Reuters-21578 archive"
    records, rejects, _, planned = read_all([REUTERS_DATA])
    assert len(planned) == 22
    assert len(records) == 19_043  # the archive's articles with a body
    assert len(rejects) == 2_535 and {j.reason for j in rejects} == {"the article is empty"}
    assert min(r.date for r in records) == date(1987, 2, 26)
    assert max(r.date for r in records) == date(1987, 10, 20)
    assert len({r.id for r in records}) == len(records)


PAGE = """<html><head><title>Troops near Kyiv - The Daily</title>
<meta property="article:published_time" content="2022-01-28T10:00:00Z"></head>
<body><nav><ul><li>Home</li><li>Weather in Paris</li><li>Sport</li></ul></nav>
<article><h1>Troops gather near Kyiv</h1>
<p>Russian troops gathered near the Ukrainian border on Friday, officials in Kyiv said. The build-up went on
along the frontier with Belarus, where exercises are planned for February.</p>
<script>window.__pwned = "Tokyo"</script>
<p>NATO said it was watching closely. Poland and Lithuania raised concerns about the Suwalki gap.</p>
</article>
<footer>Copyright 2022 The Daily. Offices in London and Berlin. Privacy policy.</footer></body></html>"""


def test_html_pages_give_main_text_title_and_date_without_menus_footers_or_scripts() -> None:
    art = read_html_article(PAGE.encode(), "page.html")
    assert art.date == date(2022, 1, 28)
    assert art.title == "Troops gather near Kyiv"
    assert "Belarus" in art.text and "Suwalki" in art.text
    for boilerplate in ("Weather in Paris", "London and Berlin", "Privacy", "__pwned", "Tokyo"):
        assert boilerplate not in art.text


def test_html_header_line_overrides_the_page_and_declared_charsets_decode() -> None:
    art = read_html_article("date 2021-12-01 Own title\n" + PAGE, "page.html")
    assert (art.date, art.title) == (date(2021, 12, 1), "Own title")
    latin = (
        '<html><head><meta charset="iso-8859-1"></head><body><p>Grüße aus München und Köln.</p></body></html>'
    )
    assert "München" in read_html_article(latin.encode("latin-1"), "de.html").text
    with pytest.raises(InputError, match=r"de\.html: the HTML page has no visible text"):
        read_html_article(b"<html><script>alert(1)</script></html>", "de.html")


def test_folders_of_article_files_read_headers_html_and_reject_the_rest(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("date 2022-01-28 First\nKyiv and Crimea.\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("No header, so no date. Kyiv.\n", encoding="utf-8")
    (tmp_path / "c.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "e.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("date 2022-01-28 x\nignored", encoding="utf-8")
    records, rejects, _, planned = read_all([tmp_path])
    assert [(r.id, r.date, r.title) for r in records] == [
        ("a.txt", date(2022, 1, 28), "First"),
        ("c.html", date(2022, 1, 28), "Troops gather near Kyiv"),
    ]
    assert records[0].text.startswith("date 2022-01-28 First\n")  # offsets index the whole file
    why = reasons(rejects)
    assert why["sub/b.md"].startswith("no date")
    assert "binary" in why["d.txt"]
    assert why["e.pdf"] == "not an article file (.pdf)"
    assert planned[0].kind == "files" and planned[0].rows == 4


def test_unreadable_and_missing_inputs_are_rejected_whole(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "object.json").write_text('{"id": 1}', encoding="utf-8")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    chunks, _, rejects = plan_chunks([tmp_path])
    assert not chunks
    why = reasons(rejects)
    assert why["broken.json"].startswith("not valid JSON")
    assert why["object.json"] == "expected a JSON array of articles, got a JSON dict"
    assert why["broken.parquet"].startswith("not a readable Parquet file")
    chunks, _, rejects = plan_chunks([tmp_path / "nothing.jsonl"])
    assert not chunks and reasons(rejects) == {"nothing.jsonl": "no such file or folder"}
    # A file named on its own is read whatever its name (as every command reads it): here, a binary file.
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04\x00\x00\x08\x00" * 20)
    records, rejects, _, _ = read_all([tmp_path / "notes.docx"])
    assert not records and "binary" in reasons(rejects)["notes.docx"]
