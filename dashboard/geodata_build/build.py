"""Orchestrate the build: read sources, derive every layer and table, write them reproducibly."""

from __future__ import annotations

import gzip
import importlib
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.geodata_build import sources
from dashboard.geodata_build.admin import build_countries, build_provinces, polygonal
from dashboard.geodata_build.cities import build_cities, province_admin1
from dashboard.geodata_build.counties import build_counties
from dashboard.geodata_build.historic import build_historic, former_name_rows, read_tables, validity_table
from dashboard.geodata_build.regions import build_regions, read_regions
from dashboard.geodata_build.shpzip import write_shp_zip
from dashboard.geodata_build.text import clean

CRS = "EPSG:4326"

#: Coverage-simplification tolerance (degrees) of the display geometries: about 10 km for countries (the
#: world/continent map; keeps the sample article's map payload under 1 MB), 5 km for provinces.
DISPLAY_TOLERANCE = {"countries": 0.1, "provinces": 0.08, "seas": 0.05, "counties": 0.02}

#: Display layers drop islands smaller than this (square degrees; 0.05 is about 300 km² at 55 N) unless an
#: island is the feature's largest part or touches another feature.
DISPLAY_MIN_ISLAND = {"countries": 0.05, "provinces": 0.01, "seas": 0.01, "counties": 0.001}

#: Regions and continents made of countries are dissolved from countries coverage-simplified this much
#: (about 2 km): regions.shp.zip stays small, neighbouring regions still share edges.
REGION_TOLERANCE = 0.04

NAME_COLUMNS = ["place_id", "name", "kind", "country", "population", "primary"]
#: v2 columns of names.csv.gz, filled from the layers so the geoparser needs no layer to rank names.
NAME_EXTRA = ["iso_a2", "admin1", "capital", "province"]


def _log(msg: str) -> None:
    print(f"geodata_build: {msg}", flush=True)


def _optional_layer(module: str, func: str, *args: object) -> gpd.GeoDataFrame | None:
    """Call the seas/pipelines builders if their modules exist yet; skip the layer otherwise."""
    try:
        mod = importlib.import_module(f"dashboard.geodata_build.{module}")
    except ImportError as exc:
        _log(f"WARNING: skipping {module}: {exc}")
        return None
    gdf = getattr(mod, func)(*args)
    gdf = gdf.to_crs(CRS) if gdf.crs is not None else gdf.set_crs(CRS)
    return gdf.sort_values("id", ignore_index=True)


def _feature_names(gdf: gpd.GeoDataFrame) -> list[dict]:
    """Names of features built elsewhere (seas, pipelines): ``name`` plus ``|``-separated ``aliases``."""
    out = []
    for rec in gdf.itertuples(index=False):
        alts = [rec.name, *clean(getattr(rec, "aliases", "")).split("|")]
        seen = set()
        for alt in map(clean, alts):
            if alt and alt not in seen:
                seen.add(alt)
                out.append(
                    {
                        "place_id": rec.id,
                        "name": alt,
                        "kind": rec.kind,
                        "country": clean(rec.country),
                        "population": None,
                        "primary": alt == rec.name,
                    }
                )
    return out


def coverage_display(
    gdf: gpd.GeoDataFrame, tolerance: float, min_island: float = 0.0, coverage: bool = True
) -> gpd.GeoDataFrame:
    """Topology-preserving simplification: neighbours keep sharing their simplified edges.

    Parts smaller than ``min_island`` (square degrees) are dropped unless they are a feature's largest
    part or touch another feature, so dropping them opens no gap between neighbours. ``coverage=False``
    simplifies each feature on its own (for overlapping layers such as seas and their gulfs).
    """
    if coverage:
        simple = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    else:
        simple = shapely.simplify(gdf.geometry.values, tolerance, preserve_topology=True)
    simple = np.array([polygonal(g) for g in simple])
    if min_island > 0:
        tree = shapely.STRtree(simple)
        for i, geom in enumerate(simple):
            parts = shapely.get_parts(geom)
            if len(parts) < 2:
                continue
            areas = shapely.area(parts)
            keep = [
                part
                for j, part in enumerate(parts)
                if areas[j] >= min_island
                or j == int(np.argmax(areas))
                or any(k != i for k in tree.query(part, predicate="intersects"))
            ]
            simple[i] = shapely.MultiPolygon(keep) if len(keep) > 1 else keep[0]
    out = gdf[["id", "name", "kind", "country"]].copy()
    out["geometry"] = list(simple)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


def _memberships(src: Path, countries: gpd.GeoDataFrame, historic: gpd.GeoDataFrame) -> pd.DataFrame:
    """Alliance memberships; a member is an ISO3 code or a historic state's id (West Germany in NATO)."""
    df = pd.read_csv(src / "memberships.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(df["country"]) - set(countries["country"]) - set(historic["id"]))
    if unknown:
        msg = f"memberships.csv: countries not in the countries layer: {unknown}"
        raise ValueError(msg)
    for col in ("joined", "left"):
        pd.to_datetime(df.loc[df[col] != "", col], format="%Y-%m-%d")  # raises on a bad date
    names = pd.concat([countries.set_index("country")["name"], historic.set_index("id")["name"]])
    df.insert(2, "name", df["country"].map(names))
    return df.sort_values(["alliance", "country", "joined"], ignore_index=True)


def write_gzip_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as a reproducible gzip CSV (no file name, mtime 0 in the gzip header)."""
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)
    return path


def _names_frame(
    names: list[dict],
    layers: dict[str, gpd.GeoDataFrame],
    countries: gpd.GeoDataFrame,
    dated: frozenset[tuple[str, str]] = frozenset(),
) -> pd.DataFrame:
    """The names table: one row per distinct (place, name), sorted, with the v2 columns.

    A sovereign country's primary name ("Australia") is dropped as an alternate of any other place
    (Ashmore and Cartier Islands, a city's alternate names), so it resolves to the country alone.
    """
    frame = pd.DataFrame(names, columns=NAME_COLUMNS)
    frame["population"] = frame["population"].astype("Int64")
    frame["country"] = frame["country"].fillna("")
    frame = frame.drop_duplicates(["place_id", "name"])
    # Main countries: sovereign/country TYPE, or the feature owning its ISO3 (Israel is "Disputed" in NE).
    main = countries[
        countries["ne_type"].isin(["Sovereign country", "Country"])
        | countries["country"].eq(countries["iso_a3"])
    ]
    taken = dict(zip(main["name"], main["id"], strict=True))
    owner = frame["name"].map(taken)
    # ...unless the name is dated for it (former_names.csv): "Germany" for West Germany until 1990-10-02.
    dated = pd.Series(list(zip(frame["place_id"], frame["name"], strict=True)), index=frame.index).isin(dated)
    frame = frame[~(owner.notna() & owner.ne(frame["place_id"]) & ~frame["primary"]) | dated]
    # iso_a2: a city's own GeoNames code (Reunion RE), else its country's; admin1/province/capital from the
    # layers (provinces: GeoNames admin-1 code without the country prefix).
    iso2 = dict(zip(countries["country"], countries["iso_a2"], strict=True))
    frame["iso_a2"] = frame["country"].map(iso2).fillna("")
    extra = []
    for key in ("cities", "provinces", "counties"):
        gdf = layers.get(key)
        if gdf is None:
            continue
        part = pd.DataFrame({"place_id": gdf["id"]})
        if key == "provinces":
            part["admin1"] = gdf["gn_a1"].str.split(".", n=1).str[-1].fillna("")
        else:
            part["admin1"] = gdf["admin1"] if key == "cities" else gdf["state"]
            part["province"] = gdf["province"]
        if key == "cities":
            part["iso_a2_own"] = gdf["iso_a2"]
            part["capital"] = gdf["capital"].astype(bool)
        extra.append(part)
    attrs = pd.concat(extra, ignore_index=True).set_index("place_id")
    for col in ("admin1", "province", "iso_a2_own", "capital"):
        frame[col] = frame["place_id"].map(attrs[col]) if col in attrs else None
    own = frame.pop("iso_a2_own")
    frame["iso_a2"] = own.where(own.notna() & own.ne(""), frame["iso_a2"])
    frame["admin1"] = frame["admin1"].fillna("")
    frame["province"] = frame["province"].fillna("")
    frame["capital"] = frame["capital"].fillna(False).astype(bool)
    frame = frame.sort_values(["place_id", "primary", "name"], ascending=[True, False, True], kind="stable")
    return frame[NAME_COLUMNS + NAME_EXTRA].reset_index(drop=True)


def build(out: Path, src: Path) -> None:
    """Build every layer and table of geodata/ into ``out``.

    Parameters
    ----------
    out : Path
        Output folder; existing build files in it are overwritten (README.md and src/ are kept).
    src : Path
        Folder of the authored tables (regions.csv, memberships.csv, alliances.csv).
    """
    t0 = time.perf_counter()
    _log(f"sources {sources.versions()}, admin-1 {sources.world_map_gpkg()}")
    countries, names = build_countries()
    provinces, more = build_provinces(countries)
    names += more
    _log(f"countries {len(countries)}, provinces {len(provinces)} ({time.perf_counter() - t0:.1f} s)")
    # gn_a1 first: cities take their province from it.
    provinces.insert(int(provinces.columns.get_loc("iso_3166_2")) + 1, "gn_a1", province_admin1(provinces))
    cities, more = build_cities(countries, provinces)
    names += more
    _log(f"cities {len(cities)} ({time.perf_counter() - t0:.1f} s)")
    table = read_regions(src / "regions.csv")
    display = {
        key: coverage_display(gdf, DISPLAY_TOLERANCE[key], DISPLAY_MIN_ISLAND[key])
        for key, gdf in (("countries", countries), ("provinces", provinces))
    }
    # Regions made of countries are dissolved from simplified countries (size budget); province-built
    # regions (Donbas, Crimea) use the full provinces. Display regions come from the display layers.
    coarse = countries.copy()
    coarse["geometry"] = coverage_display(countries, REGION_TOLERANCE).geometry.values
    regions, more = build_regions(table, coarse, provinces)
    shown_countries = countries.copy()
    shown_countries["geometry"] = display["countries"].geometry.values
    shown_provinces = provinces.copy()
    shown_provinces["geometry"] = display["provinces"].geometry.values
    display["regions"] = build_regions(table, shown_countries, shown_provinces)[0][regions.columns]
    names += more
    _log(f"regions {len(regions)} ({time.perf_counter() - t0:.1f} s)")
    states, parts, former = read_tables(src)
    historic, more = build_historic(states, parts, countries, provinces)
    display["historic"] = build_historic(states, parts, shown_countries, shown_provinces)[0][historic.columns]
    names += more
    _log(f"historic states {len(historic)}")

    counties, more = build_counties(provinces)
    names += more
    display["counties"] = coverage_display(
        counties, DISPLAY_TOLERANCE["counties"], DISPLAY_MIN_ISLAND["counties"]
    )
    _log(f"counties {len(counties)} ({time.perf_counter() - t0:.1f} s)")
    layers = {
        "countries": countries,
        "provinces": provinces,
        "cities": cities,
        "regions": regions,
        "counties": counties,
        "historic": historic,
    }
    seas = _optional_layer("seas", "build_seas", countries)
    pipelines = _optional_layer("pipelines", "build_pipelines")
    for key, gdf in (("seas", seas), ("pipelines", pipelines)):
        if gdf is not None:
            fixed = [
                polygonal(g) if "Polygon" in g.geom_type else shapely.make_valid(g) for g in gdf.geometry
            ]
            gdf["geometry"] = fixed
            layers[key] = gdf
            names += _feature_names(gdf)
            _log(f"{key} {len(gdf)}")

    if seas is not None:
        display["seas"] = coverage_display(
            seas, DISPLAY_TOLERANCE["seas"], DISPLAY_MIN_ISLAND["seas"], coverage=False
        )
    _log(f"display ({time.perf_counter() - t0:.1f} s)")

    out.mkdir(parents=True, exist_ok=True)
    for key, gdf in layers.items():
        write_shp_zip(gdf, out / f"{key}.shp.zip")
    for key, gdf in display.items():
        write_shp_zip(gdf, out / f"{key}_display.shp.zip")

    alliances = pd.read_csv(src / "alliances.csv", dtype=str, keep_default_na=False)
    for rec in alliances.itertuples(index=False):
        for alias in dict.fromkeys([rec.name, *rec.aliases.split("|")]):
            names.append(
                {
                    "place_id": rec.id,
                    "name": alias,
                    "kind": "alliance",
                    "country": "",
                    "population": None,
                    "primary": alias == rec.name,
                }
            )
    kinds = {n["place_id"]: n["kind"] for n in names}
    owners = {n["place_id"]: n["country"] or "" for n in names if n["primary"]}
    names += former_name_rows(former, kinds, owners)
    dated = frozenset(zip(former["place_id"], former["name"], strict=True))
    frame = _names_frame(names, layers, countries, dated)
    write_gzip_csv(frame, out / "names.csv.gz")
    (out / "names.csv").unlink(missing_ok=True)  # v1 file, replaced by names.csv.gz
    _memberships(src, countries, historic).to_csv(out / "memberships.csv", index=False, lineterminator="\n")
    validity = validity_table(historic, former, states)
    validity.to_csv(out / "validity.csv", index=False, lineterminator="\n")
    _log(f"names {len(frame)}; done in {time.perf_counter() - t0:.1f} s -> {out}")
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}
    listing = ", ".join(f"{k} {v / 1e6:.2f}" for k, v in sizes.items())
    _log(f"total {sum(sizes.values()) / 1e6:.1f} MB: {listing}")
