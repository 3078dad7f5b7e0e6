"""The gazetteer over the bundled geodata/: lazy loading, validation, look-ups, memberships, borders."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import geopandas as gpd
import pytest
import shapely

from dashboard import gazetteer
from dashboard.errors import GeodataError
from dashboard.gazetteer import Gazetteer, get_gazetteer
from dashboard.geodata_build.shpzip import write_shp_zip
from dashboard.settings import PROJECT_ROOT

SIMFEROPOL = shapely.Point(34.10, 44.95)
TAMPERE = shapely.Point(23.76, 61.50)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


def test_import_reads_nothing():
    code = (
        "import dashboard.gazetteer as g; "
        "gz = g.get_gazetteer(); assert gz._files == {} and '_names' not in vars(gz); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_get_gazetteer_is_cached(gaz):
    assert get_gazetteer() is gaz
    assert gaz.layer("country") is gaz.layer("country")


def test_layers_follow_the_contract(gaz):
    for kind in ("country", "province", "city", "region", "continent", "sea", "pipeline"):
        gdf = gaz.layer(kind)
        assert gdf.crs.to_epsg() == 4326
        assert {"id", "name", "kind", "country", "geometry"} <= set(gdf.columns)
        assert (gdf.index == gdf["id"]).all()
        assert set(gdf["kind"]) == {kind}, kind
    assert "continent:europe" in gaz.layer("continent").index
    assert "continent:europe" not in gaz.layer("region").index


def test_display_geometry_is_simpler(gaz):
    full = gaz.geometry("country:RUS")
    simple = gaz.geometry("country:RUS", display=True)
    assert shapely.get_num_coordinates(simple) < shapely.get_num_coordinates(full) / 2
    assert gaz.layer("region", display=True).index.equals(gaz.layer("region").index)


def test_place_and_unknown_ids(gaz):
    ukr = gaz.place("country:UKR")
    assert ukr["name"] == "Ukraine" and ukr["continent"] == "Europe"
    assert gaz.place("province:UA-43")["de_facto"] == "RUS"
    assert gaz.place("city:703448")["name"] == "Kyiv"
    for bad in ("country:XXX", "nowhere:1", "alliance:nato"):
        with pytest.raises(KeyError):
            gaz.place(bad)


def test_names_table(gaz):
    names = gaz.names()
    assert list(names.columns)[:6] == ["place_id", "name", "kind", "country", "population", "primary"]
    assert {"iso_a2", "admin1", "capital", "province"} <= set(names.columns)
    assert names["primary"].dtype == bool and names["capital"].dtype == bool
    kyiv = names[(names["place_id"] == "city:703448") & names["primary"]].iloc[0]
    assert kyiv["capital"] and kyiv["province"] == "province:UA-30" and kyiv["iso_a2"] == "UA"
    assert str(names["population"].dtype) == "Int64"
    assert "city:703448" in gaz.lookup("kiev")
    assert gaz.lookup("the Baltics") == ("region:baltic_states",)
    assert "alliance:nato" in gaz.lookup("North Atlantic Treaty Organization")
    assert "sea:baltic_sea" in gaz.lookup("Baltic Sea")
    assert "pipeline:nord_stream_2" in gaz.lookup("Nord Stream 2")


def test_ukraine_contains_simferopol(gaz):
    assert gaz.geometry("country:UKR").contains(SIMFEROPOL)
    assert not gaz.geometry("country:RUS").contains(SIMFEROPOL)


def test_nato_members_on_dates(gaz):
    assert len(gaz.members("alliance:nato", date(2022, 1, 28))) == 30
    assert len(gaz.members("alliance:nato", "2024-06-01")) == 32
    assert "FIN" not in gaz.members("alliance:nato", "2023-04-03")
    assert "FIN" in gaz.members("alliance:nato", "2023-04-04")
    assert "MKD" not in gaz.members("alliance:nato", "2020-03-26")


def test_eu_and_csto_exits(gaz):
    assert "GBR" in gaz.members("alliance:eu", "2020-01-31")
    assert "GBR" not in gaz.members("alliance:eu", "2020-02-01")
    assert len(gaz.members("alliance:eu", "2024-01-01")) == 27
    assert "UZB" in gaz.members("alliance:csto", "2010-01-01")
    assert "UZB" not in gaz.members("alliance:csto", "2003-01-01")
    assert "GEO" not in gaz.members("alliance:csto", "2005-01-01")
    assert "ARM" in gaz.members("alliance:csto", "2025-01-01")
    with pytest.raises(KeyError):
        gaz.members("alliance:no_such_alliance", "1980-01-01")  # the Warsaw Pact is bundled since v3
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        gaz.members("alliance:nato", "yesterday")


def test_alliance_geometry_depends_on_date(gaz):
    assert not gaz.geometry("alliance:nato", on="2022-01-28").contains(TAMPERE)
    assert gaz.geometry("alliance:nato", on="2024-06-01", display=True).contains(TAMPERE)
    # The display union stays light enough for the map (the sample article shows NATO).
    assert shapely.get_num_coordinates(gaz.geometry("alliance:nato", on="2024-06-01", display=True)) < 15_000
    with pytest.raises(ValueError, match="date"):
        gaz.geometry("alliance:nato")


def test_russia_land_border_with_nato(gaz):
    total = gaz.land_border_km("country:RUS")
    for day, low, high in [("2022-01-28", 0.045, 0.07), ("2024-06-01", 0.105, 0.135)]:
        nato = sum(
            gaz.shared_border_km("country:RUS", f"country:{c}") for c in gaz.members("alliance:nato", day)
        )
        assert low <= nato / total <= high, (day, nato / total)


def test_belarus_ukraine_border(gaz):
    assert 800 <= gazetteer.shared_border_km("BLR", "UKR") <= 1200
    assert gazetteer.shared_border_km("UKR", "BLR") == gazetteer.shared_border_km("BLR", "UKR")
    assert gazetteer.shared_border_km("FRA", "JPN") == 0
    assert "country:POL" in gaz.neighbours("country:UKR")


def test_land_is_the_union_of_countries(gaz):
    land = gaz.land()
    assert land.contains(SIMFEROPOL)
    assert not land.contains(shapely.Point(20.1, 57.3))  # Gotland Deep


def _write(tmp_path, gdf):
    write_shp_zip(gdf, tmp_path / "countries.shp.zip")
    return Gazetteer(tmp_path)


def test_missing_geodata_is_a_clear_error(tmp_path):
    with pytest.raises(GeodataError, match=r"python -m dashboard\.geodata_build"):
        Gazetteer(tmp_path).layer("country")
    with pytest.raises(GeodataError, match=r"names\.csv\.gz is missing"):
        Gazetteer(tmp_path).names()


def _frame(geoms, ids, crs="EPSG:4326"):
    n = len(ids)
    data = {"id": ids, "name": ["A"] * n, "kind": ["country"] * n, "country": ["AAA"] * n}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


def test_validation_rejects_wrong_crs(tmp_path):
    gaz = _write(tmp_path, _frame([shapely.box(0, 0, 1e5, 1e5)], ["country:AAA"], crs="EPSG:3857"))
    with pytest.raises(GeodataError, match="EPSG:4326"):
        gaz.layer("country")


def test_validation_rejects_duplicate_ids(tmp_path):
    gaz = _write(tmp_path, _frame([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)], ["country:AAA"] * 2))
    with pytest.raises(GeodataError, match="duplicate ids"):
        gaz.layer("country")


def test_validation_rejects_invalid_geometry(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    gaz = _write(tmp_path, _frame([bowtie], ["country:AAA"]))
    with pytest.raises(GeodataError, match="invalid geometries"):
        gaz.layer("country")


def test_unknown_kind(gaz):
    with pytest.raises(KeyError, match="unknown layer kind"):
        gaz.layer("planet")


def test_border_city_province_comes_from_its_geonames_code(gaz):
    # El Paso's point falls in Chihuahua on the generalised provinces; its GeoNames code (TX) decides.
    names = gaz.names()
    el_paso = names[names["name"].eq("El Paso") & names["iso_a2"].eq("US") & names["primary"]].iloc[0]
    assert (el_paso["admin1"], el_paso["province"]) == ("TX", "province:US-TX")
    assert el_paso["place_id"] in gaz.lookup("El Paso")
    assert gaz.place(el_paso["province"])["name"] == "Texas"
    narva = names[names["name"].eq("Narva") & names["iso_a2"].eq("EE") & names["primary"]].iloc[0]
    assert gaz.place(narva["province"])["country"] == "EST"
