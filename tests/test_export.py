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
