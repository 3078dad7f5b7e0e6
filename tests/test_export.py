"""GeoJSON (RFC 7946) and CSV export, read back with the real readers."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Polygon

from dashboard.article import read_article
from dashboard.export import geometry_json, mentions_csv, places_geojson
from dashboard.geoparse import geoparse, geoparse_article
from dashboard.settings import SEEDS_DIR

SAMPLE = SEEDS_DIR / "000_f76bc0d3d06c699a.txt"


def test_polygons_follow_the_right_hand_rule_and_are_rounded():
    cw = Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)])  # clockwise exterior
    g = geometry_json(cw)
    ring = g["coordinates"][0]
    assert shapely.Polygon(ring).exterior.is_ccw
    assert all(len(str(c).split(".")[-1]) <= 6 for pt in ring for c in pt)


def test_places_geojson_reads_back(tmp_path):
    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    gdf = geoparse_article(art, display=True)
    text = places_geojson(gdf)
    fc = json.loads(text)  # strict JSON: NaN would not parse in other readers
    assert "NaN" not in text
    assert fc["type"] == "FeatureCollection"
    path = tmp_path / "places.geojson"
    path.write_text(text, encoding="utf-8")
    back = gpd.read_file(path)
    assert len(back) == len(gdf)
    assert set(back["place_id"]) == set(gdf["place_id"])
    assert pyogrio.read_info(path)["crs"] in ("EPSG:4326", "OGC:CRS84")
    for f in fc["features"]:
        assert isinstance(f["properties"]["mentions"], list)
        lon, lat = shapely.geometry.shape(f["geometry"]).representative_point().coords[0]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_mentions_csv_round_trip():
    text = 'He said "Paris, France" twice.'
    ms = geoparse(text)
    rows = list(csv.DictReader(io.StringIO(mentions_csv(ms, text, source="a.txt"))))
    assert [r["text"] for r in rows] == [m.text for m in ms]
    for r in rows:
        assert text[int(r["start"]) : int(r["end"])] == r["text"]
        assert r["source"] == "a.txt"


def test_one_serializer_every_geometry_form_reads_back_with_geopandas(tmp_path):
    from datetime import date

    from dashboard.export import feature_collection_text, feature_text, place_properties

    ms = geoparse(
        "Troops moved from Kyiv to Crimea and Belarus; the Baltic Sea was calm.", on=date(2022, 1, 28)
    )
    by_place: dict[str, list] = {}
    for m in ms:
        by_place.setdefault(m.place_id, []).append(m)
    square = Polygon([(30, 50), (30, 51), (31, 51), (31, 50)])  # clockwise: written counter-clockwise
    forms = [
        square,
        {"type": "Point", "coordinates": [30.5, 50.45]},
        '{"type":"Point","coordinates":[1,2]}',
        None,
    ]
    feats = []
    assert len(by_place) == len(forms)
    for (pid, group), geom in zip(by_place.items(), forms, strict=True):
        props = place_properties(group, date(2022, 1, 28), source="a.txt", years=None)
        assert list(props) == ["source", "place_id", "name", "kind", "country", "count", "mentions", "date"]
        assert props["place_id"] == pid and props["count"] == len(group)
        feats.append(feature_text({**props, "score": float("nan")}, geom))  # NaN: null, never invalid JSON
    text = feature_collection_text(feats)
    path = tmp_path / "places.geojson"
    path.write_text(text, encoding="utf-8")
    back = gpd.read_file(path)
    assert list(back["place_id"]) == list(by_place)
    assert back["score"].isna().all() and back.geometry.iloc[3] is None
    assert shapely.Polygon(json.loads(feats[0])["geometry"]["coordinates"][0]).exterior.is_ccw
    assert back.geometry.iloc[2].equals(shapely.Point(1, 2))
    first = back.iloc[0]["mentions"]  # a list (or its JSON text, by the GDAL version)
    first = json.loads(first) if isinstance(first, str) else list(first)
    assert first[0]["text"] == by_place[back.iloc[0]["place_id"]][0].text


def test_the_command_line_and_the_download_write_a_place_the_same_way(tmp_path):
    import subprocess
    import sys

    from dashboard.settings import PROJECT_ROOT

    out = tmp_path / "cli.geojson"
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", str(SAMPLE), "--output", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr.decode()
    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    cli = {f["properties"]["place_id"]: f for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
    dash = {
        f["properties"]["place_id"]: f
        for f in json.loads(places_geojson(geoparse_article(art, display=True)))["features"]
    }
    assert set(cli) == set(dash) and len(cli) > 10
    for pid, f in cli.items():
        if not pid.startswith("alliance:"):  # alliances: the union of the members on a date, drawn two ways
            assert f["geometry"] == dash[pid]["geometry"], pid
        same = ("place_id", "name", "kind", "country", "count", "date")
        assert {k: f["properties"][k] for k in same} == {k: dash[pid]["properties"][k] for k in same}
