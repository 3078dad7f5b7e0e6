"""The command line: every format read back, bad files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pytest

from dashboard.settings import PROJECT_ROOT, SEEDS_DIR

SAMPLE = SEEDS_DIR / "000_f76bc0d3d06c699a.txt"


def run(*args, stdin: bytes | None = None):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *map(str, args)],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("articles")
    good = d / "good.txt"
    good.write_text("Floods hit Texas and Louisiana; Houston was spared.", encoding="utf-8")
    (d / "latin1.txt").write_bytes("Caf\xe9 in Paris".encode("latin-1"))
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.bin").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    return d


def test_geojson_reads_back_with_geopandas(tmp_path):
    out = tmp_path / "out.geojson"
    r = run("geoparse", SAMPLE, "--format", "geojson", "--output", out)
    assert r.returncode == 0, r.stderr
    gdf = gpd.read_file(out)
    assert {"source", "place_id", "name", "kind", "country", "count", "mentions"} <= set(gdf.columns)
    assert gdf["place_id"].is_unique
    assert "country:RUS" in set(gdf["place_id"])
    text = SAMPLE.read_text(encoding="utf-8")
    fc = json.loads(out.read_text(encoding="utf-8"))
    for f in fc["features"]:
        assert f["properties"]["source"] == str(SAMPLE)
        for m in f["properties"]["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
            assert m["type"] in {"literal", "demonym", "metonymic", "alliance"}


def test_jsonl_and_stdin():
    data = SAMPLE.read_bytes()
    r = run("geoparse", "-", "--format", "jsonl", stdin=data)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert rows and all(row["source"] == "-" for row in rows)
    assert [row["start"] for row in rows] == sorted(row["start"] for row in rows)
    for row in rows:
        assert {"place_id", "name", "kind", "country", "start", "end", "text", "type", "lat", "lon"} <= set(
            row
        )
        assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180


def test_csv(files):
    r = run("geoparse", files / "good.txt", "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith("source,start,end,text,place_id")
    assert any(",Texas," in line for line in lines[1:])


def test_undecodable_files_are_skipped_and_others_processed(files):
    r = run("geoparse", files / "latin1.txt", files / "good.txt", files / "empty.txt", files / "binary.bin")
    assert r.returncode == 1  # the output is written, but some inputs were skipped
    err = r.stderr.decode()
    assert "latin1.txt" in err and "UTF-8" in err
    assert "empty.txt" in err and "binary.bin" in err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "dashboard geoparse: 1 of 4 articles read, 3 skipped"
    fc = json.loads(r.stdout)
    assert {f["properties"]["source"] for f in fc["features"]} == {str(files / "good.txt")}


def test_a_missing_file_is_skipped_in_one_line_and_the_others_processed(files):
    r = run("geoparse", files / "good.txt", files / "nope.txt")
    assert r.returncode == 1
    skip, summary = r.stderr.decode().splitlines()
    assert skip == f"dashboard geoparse: skipped {files / 'nope.txt'}: no such file or folder"
    assert summary == "dashboard geoparse: 1 of 2 articles read, 1 skipped"
    assert {f["properties"]["source"] for f in json.loads(r.stdout)["features"]} == {str(files / "good.txt")}


def test_a_folder_is_read_file_by_file(files):
    r = run("geoparse", files, "--format", "jsonl")
    assert r.returncode == 1 and "Traceback" not in r.stderr.decode()
    sources = {json.loads(line)["source"] for line in r.stdout.decode().splitlines()}
    assert sources == {str(files / "good.txt")}
    err = r.stderr.decode()
    # binary.bin is not an article file in a folder; the others are read and refused by their content.
    assert f"skipped {files / 'binary.bin'}: not an article file (.bin)" in err
    assert f"skipped {files / 'empty.txt'}: the article is empty" in err


def test_only_bad_files_exit_2_with_no_output(files, tmp_path):
    out = tmp_path / "out.geojson"
    r = run("geoparse", files / "binary.bin", "--output", out)
    assert r.returncode == 2 and "Traceback" not in r.stderr.decode()
    assert not out.exists()


def test_bad_arguments_and_claims_registered():
    r = run("geoparse", SAMPLE, "--format", "kml")
    assert r.returncode != 0 and "Traceback" not in r.stderr.decode()
    r = run("claims", "--help")
    assert r.returncode == 0 and b"claims" in r.stdout
