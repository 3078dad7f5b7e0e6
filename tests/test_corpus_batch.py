"""Batch on a real Dask LocalCluster: the store as DuckDB, pandas and geopandas read it; a killed worker and a
killed job lose nothing and duplicate nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest

from dashboard import settings
from dashboard.article import parse_header
from dashboard.corpus import batch, schema
from dashboard.errors import InputError
from dashboard.geoparse import geoparse

SEED = next(settings.SEEDS_DIR.glob("*.txt")).read_text(encoding="utf-8")
# The sample article's lines (after its header) as short dated articles.
LINES = [line.strip() for line in SEED.splitlines()[1:] if line.strip()]


def write_corpus(folder: Path, copies: int = 1) -> tuple[list[Path], list[dict]]:
    """A JSONL file of dated articles (the sample's lines, ``copies`` times) plus one bad row, and a folder of
    two article files; returns the inputs and the good rows."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in range(copies):
        for i, line in enumerate(LINES):
            n = k * len(LINES) + i
            day = date(2022, 1, 1) + timedelta(days=n % 40)
            rows.append({"id": f"s{n:03d}", "date": day.isoformat(), "title": f"Line {i}", "text": line})
    bad = {"id": "undated", "text": "Kyiv and Crimea, with no date."}
    jsonl = folder / "lines.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in [*rows[:5], bad, *rows[5:]]), encoding="utf-8")
    files = folder / "files"
    files.mkdir(exist_ok=True)
    (files / "a.txt").write_text(
        "date 2022-02-01 Minsk\nExercises in Belarus near Ukraine.\n", encoding="utf-8"
    )
    (files / "b.txt").write_text(SEED, encoding="utf-8")
    return [jsonl, files], rows


def frames(store: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and mentions in a stable order, as pandas reads the datasets."""
    arts = pd.read_parquet(store / schema.ARTICLES_DIR).sort_values("article_id").reset_index(drop=True)
    ments = pd.read_parquet(store / schema.MENTIONS_DIR)
    ments = ments.sort_values(["article_id", "start", "end"]).reset_index(drop=True)
    return arts, ments


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with (
        batch._bare_main(),  # after an AppTest, __main__ is the dashboard: workers must not re-run it
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as lc,
        Client(lc) as client,
    ):
        yield lc, client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[Path], list[dict]]:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def reference(cluster, corpus, tmp_path_factory) -> batch.BuildResult:
    lc, _ = cluster
    out = tmp_path_factory.mktemp("stores") / "reference"
    return batch.build_store(corpus[0], out, scheduler=lc.scheduler_address, chunk_size=5)


def test_a_store_holds_every_good_article_with_the_mentions_geoparse_finds(reference, corpus) -> None:
    rows = corpus[1]
    store, manifest = reference.store, reference.manifest
    arts, ments = frames(store)
    assert len(arts) == len(rows) + 2 == manifest["counts"]["articles"]
    assert len(ments) == manifest["counts"]["mentions"] > len(rows)
    assert arts["article_id"].is_unique
    for row in rows[:8]:
        got = ments[ments["article_id"] == row["id"]]
        want = geoparse(row["text"], on=date.fromisoformat(row["date"]))
        assert list(zip(got["start"], got["place_id"], strict=True)) == [(m.start, m.place_id) for m in want]
        assert set(got["date"]) <= {date.fromisoformat(row["date"])}
    b = arts.set_index("article_id").loc["b.txt"]
    assert (b["date"], b["title"]) == parse_header(SEED) == (date(2022, 1, 28), b["title"]) and b["title"]
    assert b["n_chars"] == len(SEED) and b["n_mentions"] == len(geoparse(SEED))
    # Mentions index their article's text.
    text = dict(zip(arts["article_id"], arts["text"], strict=True))
    assert all(
        text[a][s:e] == t
        for a, s, e, t in ments[["article_id", "start", "end", "text"]].itertuples(index=False)
    )


def test_rejects_and_manifest_say_what_happened(reference, corpus) -> None:
    store, manifest = reference.store, reference.manifest
    rejects = [json.loads(line) for line in (store / schema.REJECTS_FILE).read_text().splitlines()]
    assert rejects == [{"id": "undated", "source": f"{corpus[0][0]}:6", "reason": "no date"}]
    on_disk = json.loads((store / schema.MANIFEST_FILE).read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    assert manifest["finished"] is True
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert manifest["gazetteer_version"] == batch.gazetteer_version()
    assert manifest["counts"]["rejects"] == 1 and manifest["counts"]["duplicate_ids"] == 0
    assert manifest["inputs"] == [str(p) for p in corpus[0]]
    assert (manifest["date_min"], manifest["date_max"]) == ("2022-01-01", "2022-02-01")
    assert manifest["chunks"] == len(list((store / schema.CHUNKS_DIR).glob("part-*.json")))
    # The chunks' parts are compacted into one date-sorted file per dataset; no parts are left over.
    for folder in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        (part,) = (store / folder).glob("*.parquet")
        days = pd.read_parquet(part, columns=["date"])["date"]
        assert days.is_monotonic_increasing
    assert sorted(p.name for p in (store / schema.CHUNKS_DIR).iterdir()) == [
        schema.marker_name(i) for i in range(manifest["chunks"])
    ]


def test_duckdb_pandas_and_geopandas_read_the_store_as_it_is(reference) -> None:
    store = reference.store
    con = duckdb.connect()
    top = con.execute(
        f"""SELECT place_id, count(DISTINCT article_id) AS n
            FROM read_parquet('{schema.mentions_glob(store)}')
            WHERE date BETWEEN DATE '2022-01-01' AND DATE '2022-01-10'
            GROUP BY place_id ORDER BY n DESC, place_id"""
    ).fetchall()
    arts, ments = frames(store)
    in_range = ments[(ments["date"] >= date(2022, 1, 1)) & (ments["date"] <= date(2022, 1, 10))]
    by_pandas = in_range.groupby("place_id")["article_id"].nunique()
    assert dict(top) == by_pandas.to_dict() and top[0][0] == "country:RUS"
    n_art = con.execute(f"SELECT count(*) FROM read_parquet('{schema.articles_glob(store)}')").fetchone()[0]
    assert n_art == len(arts)
    places = gpd.read_parquet(store / schema.PLACES_FILE)
    assert places.crs.to_epsg() == 4326
    assert list(places.columns) == [*schema.PLACES_COLUMNS, "geometry"]
    assert set(places["place_id"]) == set(ments["place_id"])
    assert places.geometry.notna().all() and places.geometry.is_valid.all()
    ukr = places.set_index("place_id").loc["country:UKR"]
    assert ukr.geometry.geom_type in ("Polygon", "MultiPolygon") and ukr.geometry.contains(
        gpd.points_from_xy([30.52], [50.45])[0]
    )


def test_the_gazetteer_loads_once_per_worker(reference, cluster) -> None:
    _, client = cluster

    def loads() -> tuple[int, int]:
        from dashboard.corpus.batch import plugin_loads
        from dashboard.geoparse import default_parser

        return plugin_loads(), default_parser.cache_info().misses

    got = client.run(loads)
    assert len(got) == 2 and set(got.values()) == {(1, 1)}


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_rows(reference, corpus, cluster, tmp_path) -> None:
    lc, client = cluster
    before = client.run(os.getpid)
    killed = []

    def kill_one(done: int, total: int, message: str) -> None:
        if done >= 2 and not killed:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if not busy:  # between tasks: try again after the next chunk
                return
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)  # mid-task: the chunk it holds must be redone elsewhere
            killed.append((done, total, pid))

    out = tmp_path / "killed"
    result = batch.build_store(
        corpus[0], out, scheduler=lc.scheduler_address, chunk_size=1, progress=kill_one
    )
    assert killed and killed[0][0] < killed[0][1], "the worker was not killed while chunks were left"
    for want, got in zip(frames(reference.store), frames(out), strict=True):
        pd.testing.assert_frame_equal(want, got)
    assert result.manifest["counts"] == reference.manifest["counts"]
    client.wait_for_workers(2, timeout=60)
    after = client.run(os.getpid)
    assert killed[0][2] not in after.values() and set(after.values()) != set(before.values())


def run_cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(settings.PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", "batch", *args],
        cwd=settings.PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill below takes its Dask workers too
        **kw,
    )


@pytest.mark.slow
def test_a_killed_job_resumes_without_duplicates(reference, tmp_path) -> None:
    inputs, rows = write_corpus(tmp_path / "corpus", copies=4)
    out = tmp_path / "store"
    total = len(rows) + 2 + 1  # one chunk per article: good rows, two files and the undated row
    proc = run_cli(*map(str, inputs), "--out", str(out), "--workers", "1", "--chunk-size", "1")
    markers = out / schema.CHUNKS_DIR
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = len(list(markers.glob("*.json"))) if markers.is_dir() else 0
        if done >= 3:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    done = len(list(markers.glob("*.json")))
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    assert 3 <= done < total, f"the job was not killed mid-run ({done} of {total} chunks done)"
    assert not json.loads((out / schema.MANIFEST_FILE).read_text())["finished"]

    resumed = run_cli(*map(str, inputs), "--out", str(out), "--workers", "1", "--chunk-size", "1", "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, err  # the undated row was skipped
    assert f"{done} of {total} chunks already done" in err
    assert f"{len(rows) + 2:,} of {len(rows) + 3:,} articles read, 1 skipped" in err
    arts, ments = frames(out)
    assert arts["article_id"].is_unique and len(arts) == len(rows) + 2
    assert not ments.duplicated(["article_id", "start", "end"]).any()
    # The same rows as running the sample's lines once: each copy has the same text and mentions.
    ref_arts, ref_ments = frames(reference.store)
    per_text = ref_ments.merge(
        ref_arts[["article_id", "text"]].rename(columns={"text": "body"}), on="article_id"
    )
    got = ments.merge(arts[["article_id", "text"]].rename(columns={"text": "body"}), on="article_id")
    key = ["body", "start", "end", "place_id", "type"]
    want_counts = per_text.groupby(key).size()
    got_counts = got.groupby(key).size()
    assert (got_counts.loc[want_counts.index] >= want_counts).all() and set(got_counts.index) == set(
        want_counts.index
    )
    manifest = json.loads((out / schema.MANIFEST_FILE).read_text())
    assert manifest["finished"] and manifest["counts"]["articles"] == len(rows) + 2
    assert len((out / schema.REJECTS_FILE).read_text().splitlines()) == 1
    assert not list(out.rglob(".*.tmp-*"))
    again = run_cli(*map(str, inputs), "--out", str(out), "--workers", "1", "--chunk-size", "1", "--resume")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 1 and "already finished" in err
    assert frames(out)[0].equals(arts)


def test_resume_refuses_a_store_made_from_other_inputs_and_out_refuses_other_folders(
    reference, tmp_path
) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "x", "date": "2022-01-01", "text": "Kyiv."}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="made from other inputs"):
        batch.build_store([other], reference.store, resume=True)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_bytes(b"PK")
    with pytest.raises(InputError, match="holds no corpus store"):
        batch.build_store([other], busy)
    assert (busy / "thesis.docx").is_file()


def test_the_command_line_reports_bad_arguments_in_one_line(tmp_path) -> None:
    from dashboard.__main__ import main

    assert main(["batch", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "s")]) == 2
    assert main(["batch", "--out", str(tmp_path / "s")]) == 2
    assert main(["batch", str(tmp_path)]) == 2  # no --out
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "s"), "--column", "text"]) == 2


def test_a_job_killed_while_compacting_resumes_from_the_chunk_parts(reference, tmp_path) -> None:
    import shutil

    import pyarrow.parquet as pq

    store = tmp_path / "store"
    shutil.copytree(reference.store, store)
    manifest = json.loads((store / schema.MANIFEST_FILE).read_text())
    want = frames(store)
    # The state a kill leaves between compaction's renames: parts staged, a dataset half swapped.
    for folder in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        (store / schema.CHUNKS_DIR / folder).mkdir()
        table = pq.read_table(store / folder)
        for i in range(manifest["chunks"]):
            n = -(-table.num_rows // manifest["chunks"])
            pq.write_table(table.slice(i * n, n), store / schema.CHUNKS_DIR / folder / schema.part_name(i))
    shutil.rmtree(store / schema.MENTIONS_DIR)
    (store / ".mentions.new").mkdir()
    (store / ".mentions.new" / "part-0.parquet").write_bytes(b"half written")
    manifest["finished"] = False
    (store / schema.MANIFEST_FILE).write_text(json.dumps(manifest))

    inputs = manifest["inputs"]
    result = batch.build_store(inputs, store, resume=True, chunk_size=manifest["plan"]["chunk_size"])
    assert result.manifest["finished"] and result.manifest["counts"] == reference.manifest["counts"]
    for a, b in zip(want, frames(store), strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert not (store / ".mentions.new").exists()
    assert not (store / schema.CHUNKS_DIR / schema.MENTIONS_DIR).exists()


def test_a_store_is_current_only_when_finished_with_this_schema_and_gazetteer(tmp_path):
    import json

    def write(**fields):
        manifest = {"finished": True, "schema_version": schema.SCHEMA_VERSION}
        manifest["gazetteer_version"] = batch.gazetteer_version()
        manifest.update(fields)
        (tmp_path / schema.MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")

    assert not batch.store_is_current(tmp_path)  # no manifest
    write()
    assert batch.store_is_current(tmp_path)
    write(finished=False)
    assert not batch.store_is_current(tmp_path)
    write(gazetteer_version="sha256:0000000000000000")  # built with other geodata: setup rebuilds it
    assert not batch.store_is_current(tmp_path)
    write(schema_version=schema.SCHEMA_VERSION + 1)
    assert not batch.store_is_current(tmp_path)
