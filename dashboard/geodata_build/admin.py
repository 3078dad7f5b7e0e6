"""Countries (Natural Earth admin-0 10m) and provinces (Natural Earth admin-1 from qgis-common)."""

from __future__ import annotations

import re
from typing import Any

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


_BRACKET = re.compile(r"\[([^\]]*)\]")


def _iso_names(text: str) -> list[str]:
    """Readable forms of an ISO 3166-2 name: ``"Galicia [Galicia]"`` -> both parts; ``"Madrid, Comunidad
    de"`` -> ``"Madrid"`` and ``"Comunidad de Madrid"``; ``"Newport [Casnewydd GB-CNW]"`` -> ``"Newport"``."""
    out = [_BRACKET.sub("", text).strip()]
    out += [b.split(" GB-")[0].strip() for b in _BRACKET.findall(text)]
    more = []
    for name in out:
        if ", " in name:
            head, tail = name.split(", ", 1)
            more += [head, f"{tail} {head}"]
    return [n for n in out + more if n]


def _subdivision_index(iso2: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    derived: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions.get(country_code=iso2) or []:
        for text in (sub.name, getattr(sub, "local_name", "") or ""):
            for j, name in enumerate(_iso_names(text)):
                for key in _keys(name):
                    (index if j == 0 else derived).setdefault(key, set()).add(sub.code)
    # Derived forms ("Madrid" from "Madrid, Comunidad de") only where no subdivision is called that
    # outright (the province ES-M), so they never make a match ambiguous.
    for key, subs in derived.items():
        index.setdefault(key, subs)
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
    # v2: Chinese, Indian, Latin, Arabic and other generic terms ("Guangdong Sheng", "Union Territory of
    # Daman and Diu", "Departamento de ...", "Muhafazat ...", "Tibet Autonomous Region").
    "sheng",
    "shi",
    "zizhiqu",
    "union",
    "territory",
    "department",
    "departement",
    "departamento",
    "prefecture",
    "governorate",
    "muhafazat",
    "wilayah",
    "wilaya",
    "voivodeship",
    "wojewodztwo",
    "county",
    "district",
    "municipality",
    "municipio",
    "canton",
    "kanton",
    "estado",
    "de",
    "del",
    "do",
    "da",
    "and",
    "special",
    "administrative",
    "capital",
    "federal",
}


def _keys(text: str) -> set[str]:
    """Matching keys: the folded name, the name without generic words like 'oblast', and both with
    'y' glides dropped (GeoNames 'Kyyivs'ka', 'Mykolayivs'ka' vs ISO 3166-2 'Kyivska', 'Mykolaivska')."""
    folded = fold(text)
    if not folded:
        return set()
    core = " ".join(w for w in folded.split() if w not in _GENERIC)
    keys = {k for k in (folded, core) if k}
    keys |= {_GLIDE.sub(r"\1\2", k.replace("yy", "y")) for k in keys}
    # Hyphens and spaces vary between sources ("Nordrhein-Westfalen", "Baden Wurttemberg").
    return keys | {k.replace(" ", "") for k in keys}


#: Name fields of the admin-1 source in matching order; the rank (position in _RANK_FIELDS) settles an ISO
#: code claimed by two provinces: a match on the province's own ``name`` beats one on ``woe_name``.
_MATCH_FIELDS = ("gn_name", "name", "woe_name", "woe_label")
_RANK_FIELDS = ("name", "gn_name", "woe_name", "woe_label")


def _match_code(index: dict[str, set[str]], rec: Any) -> tuple[str, int]:
    """ISO 3166-2 code of one admin-1 record and the rank of the best field matching it (else "", 9)."""
    texts = {
        "gn_name": clean(rec.gn_name),
        "name": clean(rec.name),
        "woe_name": clean(rec.woe_name),
        "woe_label": clean(rec.woe_label).split(",")[0],
    }
    hits = {
        f: set().union(*(index.get(k, set()) for k in _keys(t))) if t else set() for f, t in texts.items()
    }
    for field in _MATCH_FIELDS:
        found = hits[field]
        if len(found) > 1:
            # Several codes for one name (a region and its department): keep those other fields confirm.
            confirmed = found & set().union(*(hits[f] for f in _MATCH_FIELDS if f != field))
            found = confirmed if confirmed else found
        if len(found) == 1:
            code = next(iter(found))
            return code, min(r for r, f in enumerate(_RANK_FIELDS) if code in hits[f])
        if found:
            return "", 9
    return "", 9


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
    ranks: list[int] = []
    for i, rec in enumerate(src.itertuples(index=False)):
        code, rank = "", 9
        for iso2 in dict.fromkeys([iso2_of.get(de_jure[i], ""), clean(rec.iso_a2)]):
            if not iso2 or code:
                continue
            index = indexes.setdefault(iso2, _subdivision_index(iso2))
            code, rank = _match_code(index, rec)
        codes.append(code)
        ranks.append(rank)
    codes_s = pd.Series(codes)
    # An ISO code claimed by several NE provinces goes to the one matching it by its own name (New South
    # Wales) rather than by a parent's name in woe_name (Lord Howe Island); a tie identifies neither.
    ranks_s = pd.Series(ranks)
    claimed = codes_s.ne("")
    best = ranks_s[claimed].groupby(codes_s[claimed]).transform("min")
    n_best = (ranks_s[claimed] == best).groupby(codes_s[claimed]).transform("sum")
    lose = claimed.copy()
    lose[claimed] = (ranks_s[claimed] != best) | (n_best > 1)
    codes_s[lose & claimed] = ""

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
