"""`geoparse --geometry full|display|point|none`, the precomputed geometry store behind it, and the lean
paths (no geopandas import when the store is there)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import geopandas as gpd
import pytest

from dashboard import export, geomstore
from dashboard.gazetteer import get_gazetteer
from dashboard.settings import PROJECT_ROOT, SEEDS_DIR

SAMPLE = SEEDS_DIR / "000_f76bc0d3d06c699a.txt"
ARTICLES = [
    "date 2022-01-28 Tensions\nNato allies met in Brussels; Russia massed troops near Ukraine and Belarus.",
    "Wheat prices rose in Chicago after frost in Kansas, Nebraska and the Texas panhandle.",
    "Ships crossed the Baltic Sea from Finland to Estonia; Nord Stream 2 stayed idle.",
]


def run(*args):
    cmd = [sys.executable, "-m", "dashboard", *map(str, args)]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    d = tmp_path_factory.mktemp("geom")
    paths = [SAMPLE]
    for i, text in enumerate(ARTICLES):
        p = d / f"a{i}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def _geojson(tmp_path, articles, *opts):
    out = tmp_path / f"out{'_'.join(opts) or '_default'}.geojson"
    r = run("geoparse", *articles, "--output", out, *opts)
    assert r.returncode == 0, r.stderr.decode()
    return out


def test_point_geometry_is_small_and_on_the_place(tmp_path, articles):
    out = _geojson(tmp_path, articles, "--geometry", "point")
    gdf = gpd.read_file(out)
    assert len(gdf) and set(gdf.geometry.geom_type) == {"Point"}
    # Each point lies on its place (within the display polygon, or within 1 km of a line).
    gaz = get_gazetteer()
    for pid, pt in zip(gdf["place_id"], gdf.geometry, strict=True):
        if pid.startswith("alliance:"):
            shape = gaz.geometry(pid, display=True, on=date(2022, 1, 28))
            if not shape.buffer(1e-6).contains(pt):  # the sample article has today's members
                shape = gaz.geometry(pid, display=True, on=date.today())
        else:
            shape = gaz.geometry(pid, display=True)
        assert shape.distance(pt) < 0.01, pid
    # The mentions (properties) are most of it now (bench/bench_cli.py: 200 news articles, output/input);
    # the default output repeats every polygon: far larger.
    assert _geojson(tmp_path, articles).stat().st_size > 10 * out.stat().st_size


def test_none_writes_null_geometry_and_the_same_properties(tmp_path, articles):
    none = json.loads(_geojson(tmp_path, articles, "--geometry", "none").read_text(encoding="utf-8"))
    full = json.loads(_geojson(tmp_path, articles).read_text(encoding="utf-8"))
    assert none["features"] and all(f["geometry"] is None for f in none["features"])
    assert [f["properties"] for f in none["features"]] == [f["properties"] for f in full["features"]]
    assert len(gpd.read_file(json.dumps(none))) == len(none["features"])


def test_display_is_the_default_and_full_geometry_is_an_alias(tmp_path, articles):
    default = _geojson(tmp_path, articles).read_bytes()
    assert _geojson(tmp_path, articles, "--geometry", "display").read_bytes() == default
    full = _geojson(tmp_path, articles, "--geometry", "full").read_bytes()
    assert _geojson(tmp_path, articles, "--full-geometry").read_bytes() == full
    assert len(full) > len(default)
    fc = json.loads(full)
    assert fc["type"] == "FeatureCollection" and all(f["geometry"] for f in fc["features"])


def test_bad_geometry_mode_is_a_usage_error(articles):
    r = run("geoparse", articles[0], "--geometry", "polygons")
    assert r.returncode == 2 and b"Traceback" not in r.stderr and b"--geometry" in r.stderr


def test_store_text_equals_the_gazetteer_geometry():
    store = geomstore.load_or_build(lambda: geomstore.GeomStore.build(get_gazetteer()))
    gaz = get_gazetteer()
    ids = ["country:UKR", "country:RUS", "province:US-TX", "sea:baltic_sea", "pipeline:nord_stream_2"]
    ids += ["city:703448", "region:donbas", "continent:europe", "county:13121"]
    for pid in ids:
        geom = gaz.geometry(pid, display=True)
        assert json.loads(store.geojson(pid)) == export.geometry_json(geom), pid
        assert store.point(pid) == geomstore.representative(geom), pid
    day = date(2022, 1, 28)
    members = tuple(geomstore.members("alliance:nato", day))
    assert store.union(members).equals(gaz.alliance_geometry("alliance:nato", day, display=True))


def test_members_from_the_csv_equal_the_gazetteer():
    gaz = get_gazetteer()
    for alliance in sorted(set(gaz.alliances()["alliance"])):
        for day in (date(1995, 1, 1), date(2004, 3, 29), date(2022, 1, 28), date(2024, 3, 7), date.today()):
            assert geomstore.members(alliance, day) == list(gaz.members(alliance, day)), (alliance, day)
    assert geomstore.members("alliance:nonexistent", date.today()) is None


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson"])
def test_no_geopandas_when_the_store_is_there(fmt):
    run("geoparse", SAMPLE, "--output", "/dev/null")  # builds the stores on a fresh checkout
    code = (
        "import sys; from dashboard.__main__ import main; "
        f"rc = main(['geoparse', {str(SAMPLE)!r}, '--format', {fmt!r}, '--output', '/dev/null']); "
        "print(rc, 'geopandas' in sys.modules, 'pandas' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, timeout=300)
    assert r.stdout.decode().split() == ["0", "False", "False"], r.stderr.decode()


def test_broken_store_falls_back_to_a_fresh_build(tmp_path):
    calls = []

    def build():
        calls.append(1)
        nan = [float("nan")]
        return geomstore.GeomStore(["country:X"], b"null", [0, 4], nan, nan, source="memory")

    first = geomstore.load_or_build(build, cache_dir=tmp_path)
    assert first.source == "memory" and first.geojson("country:X") == "null"
    assert geomstore.load_or_build(build, cache_dir=tmp_path).source.startswith(str(tmp_path))
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    (folder / "pids.txt").write_text("country:X\ncountry:Y")
    assert geomstore.load_or_build(build, cache_dir=tmp_path).source == "memory"
    assert calls == [1, 1]


def test_places_frame_from_the_store_equals_the_gazetteer(monkeypatch):
    from dashboard import nameindex
    from dashboard.geoparse import geoparse, places_frame

    geomstore.load_or_build(lambda: geomstore.GeomStore.build(get_gazetteer()))  # as scripts/setup.sh does
    assert geomstore.load_saved() is not None
    text = SAMPLE.read_text(encoding="utf-8") + "\n" + "\n".join(ARTICLES) + " Walker County, Texas."
    ms = geoparse(text)
    day = date(2022, 1, 28)
    fast = places_frame(ms, on=day, display=True)
    monkeypatch.setenv(nameindex.CACHE_ENV, "0")  # no saved store: the gazetteer's display layers
    slow = places_frame(ms, on=day, display=True)
    assert list(fast["place_id"]) == list(slow["place_id"]) and len(fast) > 20
    assert fast.drop(columns="geometry").equals(slow.drop(columns="geometry"))
    assert all(a.equals_exact(b, 0) for a, b in zip(fast.geometry, slow.geometry, strict=True))
    assert {"alliance", "county", "country", "city"} <= set(fast["kind"])
