"""Countries (Natural Earth admin-0 10m) and provinces (Natural Earth admin-1 from qgis-common)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import pyogrio
import shapely

from dashboard.geodata_build import sources
from dashboard.geodata_build.text import clean, fold, slug

CRS = "EPSG:4326"

# NE's NAME_EN is the English name but sometimes the formal one; these read better on a map.
_NAME_OVERRIDES = {"CHN": "China"}

# Name fields of the admin-0 table that are names the news uses (not codes).
_ADMIN0_NAME_FIELDS = [
    "NAME_EN",
    "NAME",
    "NAME_LONG",
    "ADMIN",
    "GEOUNIT",
    "SUBUNIT",
    "BRK_NAME",
    "FORMAL_EN",
    "NAME_SORT",
    "NAME_CIAWF",
    "NAME_ALT",
]


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Make ``geom`` valid and keep only its polygonal parts (make_valid can add lines/points)."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def _code(value: object) -> str:
    text = clean(value)
    return "" if text in ("-99", "-1") else text


def build_countries() -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Countries layer and its name rows.

    Returns
    -------
    tuple
        (GeoDataFrame sorted by id, list of name-row dicts)
    """
    src = pyogrio.read_dataframe(f"zip://{sources.admin0_zip()}", encoding="UTF-8")
    src = src.to_crs(CRS) if src.crs and src.crs.to_epsg() != 4326 else src.set_crs(CRS, allow_override=True)
    rows, names = [], []
    for rec in src.itertuples(index=False):
        a3 = clean(rec.ADM0_A3)
        name = _NAME_OVERRIDES.get(a3) or clean(rec.NAME_EN) or clean(rec.NAME)
        pid = f"country:{a3}"
        pop = int(rec.POP_EST) if pd.notna(rec.POP_EST) else 0
        rows.append(
            {
                "id": pid,
                "name": name,
                "kind": "country",
                "country": a3,
                "adm0_a3": a3,
                "iso_a2": _code(rec.ISO_A2_EH),
                "iso_a3": _code(rec.ISO_A3_EH),
                "iso_n3": _code(rec.ISO_N3_EH),
                "sov_a3": clean(rec.SOV_A3),
                "ne_type": clean(rec.TYPE),
                "continent": clean(rec.CONTINENT),
                "region_un": clean(rec.REGION_UN),
                "subregion": clean(rec.SUBREGION),
                "pop_est": pop,
                "wikidata": clean(rec.WIKIDATAID),
                "geometry": polygonal(rec.geometry),
            }
        )
        alts = [name]
        for field in _ADMIN0_NAME_FIELDS:
            alts += [clean(v) for v in clean(getattr(rec, field)).split("|")]
        iso2 = _code(rec.ISO_A2_EH)
        if iso2 and (pc := pycountry.countries.get(alpha_2=iso2)):
            alts += [pc.name, getattr(pc, "common_name", ""), getattr(pc, "official_name", "")]
        names += _name_rows(pid, "country", a3, pop, name, alts)
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).sort_values("id", ignore_index=True)
    return gdf, names


def _name_rows(
    pid: str, kind: str, country: str, pop: int | None, primary: str, alts: list[str]
) -> list[dict]:
    out, seen = [], set()
    for alt in [primary, *alts]:
        alt = clean(alt)
        # "Korea, Republic of" style inverted names are catalogue forms, never running text.
        if not alt or alt in seen or (", " in alt and alt != primary):
            continue
        seen.add(alt)
        out.append(
            {
                "place_id": pid,
                "name": alt,
                "kind": kind,
                "country": country,
                "population": pop,
                "primary": alt == primary,
            }
        )
    return out


def _subdivision_index(iso2: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions.get(country_code=iso2) or []:
        for text in (sub.name, getattr(sub, "local_name", "") or ""):
            for key in _keys(text):
                index.setdefault(key, set()).add(sub.code)
    return index


_GLIDE = re.compile(r"([aeiou])y([aeiou])")

_GENERIC = {
    "oblast",
    "oblasti",
    "region",
    "province",
    "provincia",
    "respublika",
    "republic",
    "avtonomna",
    "avtonomnyy",
    "avtonomnaya",
    "autonomous",
    "okrug",
    "kray",
    "krai",
    "of",
    "the",
    "state",
    "city",
    "misto",
    "gorod",
}


def _keys(text: str) -> set[str]:
    """Matching keys: the folded name, the name without generic words like 'oblast', and both with
    'y' glides dropped (GeoNames 'Kyyivs'ka', 'Mykolayivs'ka' vs ISO 3166-2 'Kyivska', 'Mykolaivska')."""
    folded = fold(text)
    if not folded:
        return set()
    core = " ".join(w for w in folded.split() if w not in _GENERIC)
    keys = {k for k in (folded, core) if k}
    return keys | {_GLIDE.sub(r"\1\2", k.replace("yy", "y")) for k in keys}


def build_provinces(countries: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Provinces layer (whole world) with de jure and de facto country, and its name rows.

    The de facto country is Natural Earth's ``adm0_a3`` (Crimea: RUS). The de jure country is the
    recognised-borders admin-0 country containing the province's representative point (Crimea: UKR);
    where that point falls outside every country (coastal generalisation), the de facto one is kept.
    """
    src = pyogrio.read_dataframe(sources.world_map_gpkg(), layer="states_provinces")
    src = src.set_crs(CRS, allow_override=True)
    geoms = np.array([polygonal(g) for g in src.geometry], dtype=object)
    points = shapely.point_on_surface(geoms)
    tree = shapely.STRtree(countries.geometry.values)
    hit_pt, hit_country = tree.query(points, predicate="within")
    de_jure = src["adm0_a3"].fillna("").astype(str).to_numpy().copy()
    de_jure[hit_pt] = countries["country"].to_numpy()[hit_country]
    iso2_of = dict(zip(countries["country"], countries["iso_a2"], strict=True))

    indexes: dict[str, dict[str, set[str]]] = {}
    codes: list[str] = []
    for i, rec in enumerate(src.itertuples(index=False)):
        found: set[str] = set()
        for iso2 in dict.fromkeys([iso2_of.get(de_jure[i], ""), clean(rec.iso_a2)]):
            if not iso2 or found:
                continue
            index = indexes.setdefault(iso2, _subdivision_index(iso2))
            for text in (rec.gn_name, rec.name, rec.woe_name, clean(rec.woe_label).split(",")[0]):
                for key in _keys(clean(text)):
                    found |= index.get(key, set())
                if found:
                    break
        codes.append(next(iter(found)) if len(found) == 1 else "")
    codes_s = pd.Series(codes)
    # An ISO code claimed by two NE provinces identifies neither.
    dup = codes_s.ne("") & codes_s.duplicated(keep=False)
    codes_s[dup] = ""

    rows, names = [], []
    for i, rec in enumerate(src.itertuples(index=False)):
        facto = clean(rec.adm0_a3)
        jure = de_jure[i]
        iso = codes_s[i]
        fips = clean(rec.fips)
        name = clean(rec.name) or clean(rec.gn_name) or clean(rec.woe_name)
        key = iso or f"{jure}-{fips}" if (iso or fips) else f"{jure}-{slug(name) or 'unnamed'}"
        rows.append(
            {
                "key": key,
                "name": name,
                "kind": "province",
                "country": jure,
                "de_facto": facto,
                "iso_3166_2": iso,
                "fips": fips,
                "gn_name": clean(rec.gn_name),
                "ne_admin": clean(rec.admin),
                "geometry": geoms[i],
                "_x": round(points[i].x, 6),
                "_y": round(points[i].y, 6),
                "alts": [clean(rec.gn_name), clean(rec.woe_name), clean(rec.woe_label).split(",")[0]],
            }
        )
    df = pd.DataFrame(rows)
    # Non-ISO keys can collide (NE repeats FIPS codes): number them in a stable geographic order.
    df = df.sort_values(["key", "_x", "_y"], ignore_index=True)
    dup_n = df.groupby("key").cumcount()
    multi = df["key"].duplicated(keep=False) & df["iso_3166_2"].eq("")
    df.loc[multi, "key"] = df.loc[multi, "key"] + "-" + (dup_n[multi] + 1).astype(str)
    df["id"] = "province:" + df["key"]
    unnamed = df["name"].eq("")
    df.loc[unnamed, "name"] = "Unnamed province (" + df.loc[unnamed, "ne_admin"] + ")"
    for rec in df.itertuples(index=False):
        if rec.name.startswith("Unnamed province"):
            continue
        alts = list(rec.alts)
        if rec.iso_3166_2 and (sub := pycountry.subdivisions.get(code=rec.iso_3166_2)):
            alts.append(sub.name)
        names += _name_rows(rec.id, "province", rec.country, None, rec.name, alts)
    cols = ["id", "name", "kind", "country", "de_facto", "iso_3166_2", "fips", "gn_name", "ne_admin"]
    cols.append("geometry")
    gdf = gpd.GeoDataFrame(df[cols], geometry="geometry", crs=CRS).sort_values("id", ignore_index=True)
    return gdf, names
