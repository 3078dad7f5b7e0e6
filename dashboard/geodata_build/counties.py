"""US counties from the npm package us-atlas (TopoJSON of US Census cartographic boundaries, 1:10m)."""

from __future__ import annotations

import json
import tarfile

import geopandas as gpd
import numpy as np
import shapely

from dashboard.geodata_build import sources
from dashboard.geodata_build.admin import polygonal
from dashboard.geodata_build.text import clean

CRS = "EPSG:4326"

#: State FIPS codes of the 50 states and DC; territories (PR 72, GU 66, ...) are not counties and Natural
#: Earth maps most of them as countries of their own, so they are left out.
_MAX_STATE_FIPS = 56


def decode_arcs(topo: dict) -> list[np.ndarray]:
    """Absolute lon/lat coordinates of every TopoJSON arc.

    Quantized TopoJSON stores each arc as integer deltas from the previous point; the first point is
    relative to 0. ``position = cumsum(deltas) * scale + translate``.
    """
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts = np.asarray(arc, dtype=float)[:, :2]
        if transform:
            pts = np.cumsum(pts, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(pts)
    return arcs


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Join the arcs of one ring; ``~i`` (negative) is arc ``i`` reversed; shared end points appear once."""
    parts = []
    for k, i in enumerate(indexes):
        pts = arcs[~i][::-1] if i < 0 else arcs[i]
        parts.append(pts if k == 0 else pts[1:])
    return np.concatenate(parts)


def topo_geometry(obj: dict, arcs: list[np.ndarray]) -> shapely.Geometry:
    """Shapely geometry of one TopoJSON Polygon/MultiPolygon object."""
    if obj["type"] == "Polygon":
        polys = [obj["arcs"]]
    elif obj["type"] == "MultiPolygon":
        polys = obj["arcs"]
    else:
        msg = f"unexpected TopoJSON geometry type {obj['type']!r}"
        raise ValueError(msg)
    out = []
    for rings in polys:
        # Quantization can collapse a tiny ring to fewer than 4 points: such a ring has no area, drop it.
        shell, *holes = (_ring(r, arcs) for r in rings)
        if len(shell) >= 4:
            out.append(shapely.Polygon(shell, [h for h in holes if len(h) >= 4]))
    if not out:
        return shapely.MultiPolygon()
    return polygonal(shapely.MultiPolygon(out) if len(out) > 1 else out[0])


def _read_topojson() -> dict:
    with tarfile.open(sources.us_atlas_tgz()) as tar:
        member = tar.extractfile("package/counties-10m.json")
        if member is None:
            msg = f"{sources.us_atlas_tgz()} has no package/counties-10m.json"
            raise ValueError(msg)
        return json.load(member)


def _full_names() -> dict[str, str]:
    """FIPS -> full county name ("Walker County", "Rapides Parish") from GeoNames' us_counties.json."""
    with open(sources.geonames_dir() / "us_counties.json", encoding="utf-8") as fh:
        return {rec["fips"]: clean(rec["name"]) for rec in json.load(fh)}


def _suffix(state: str) -> str:
    # us-atlas gives bare names ("Walker"); only a county GeoNames lacks (Valdez-Cordova, dissolved 2019)
    # needs a guessed suffix.
    return {"LA": "Parish", "AK": "Census Area"}.get(state, "County")


def build_counties(provinces: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Counties layer (id ``county:<5-digit FIPS>``) and its name rows.

    Parameters
    ----------
    provinces : GeoDataFrame
        The provinces layer: each county's ``province`` is its state's province id (``province:US-GA``).
    """
    topo = _read_topojson()
    arcs = decode_arcs(topo)
    with open(sources.geonames_dir() / "us_states.json", encoding="utf-8") as fh:
        postal = {rec["fips"]: code for code, rec in json.load(fh).items()}
    full = _full_names()
    us = provinces[provinces["country"] == "USA"]
    state_province = {
        iso.removeprefix("US-"): pid for pid, iso in zip(us["id"], us["iso_3166_2"], strict=True)
    }
    rows, names = [], []
    for obj in topo["objects"]["counties"]["geometries"]:
        fips = str(obj["id"]).zfill(5)
        if int(fips[:2]) > _MAX_STATE_FIPS:
            continue
        geom = topo_geometry(obj, arcs)
        if geom.is_empty:
            # At 1:10m quantization (about 400 x 100 m) Falls Church city, VA (5 km²) collapses to nothing.
            print(
                f"geodata_build: counties: {fips} {obj['properties']['name']} has no area at 1:10m; left out"
            )
            continue
        state = postal[fips[:2]]
        bare = clean(obj["properties"]["name"])
        name = full.get(fips) or f"{bare} {_suffix(state)}"
        pid = f"county:{fips}"
        rows.append(
            {
                "id": pid,
                "name": name,
                "kind": "county",
                "country": "USA",
                "fips": fips,
                "state": state,
                "province": state_province.get(state, ""),
                "geometry": geom,
            }
        )
        alts = [name]
        if name.endswith(" County"):
            alts.append(name.removesuffix(" County") + " Co.")
        for alt in alts:
            names.append(
                {
                    "place_id": pid,
                    "name": alt,
                    "kind": "county",
                    "country": "USA",
                    "population": None,
                    "primary": alt == name,
                }
            )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).sort_values("id", ignore_index=True)
    return gdf, names
