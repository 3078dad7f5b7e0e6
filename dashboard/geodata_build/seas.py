"""Sea polygons: authored IHO S-23 limit polygons (geodata/src/) minus the Natural Earth land."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Point, Polygon, box

from dashboard.errors import GeodataError
from dashboard.settings import CRS, GEODATA_DIR

#: Authored inputs (documented in geodata/src/SEAS_AND_PIPELINES.md).
SRC_DIR: Path = GEODATA_DIR / "src"
SEAS_CSV: Path = SRC_DIR / "seas.csv"
SEA_LIMITS_CSV: Path = SRC_DIR / "sea_limits.csv"

#: Water parts smaller than this (square degrees, about 6 km² at 55°N) are slivers
#: between the limit polygon and the 1:10m coast; they are dropped.
MIN_PART_DEG2: float = 1e-3

#: Oceans (ids ending in ``_ocean``) are cut with land coverage-simplified by this tolerance (degrees, about
#: 1-2 km at the coast): the full 1:10m coast of every continent would triple the size of the seas layer.
OCEAN_LAND_SIMPLIFY: float = 0.02

#: Output coordinates are snapped to this grid (degrees, about 0.1 m) so rebuilds are identical.
GRID: float = 1e-6

COLUMNS = ["id", "name", "kind", "country", "parent", "aliases", "limits"]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        msg = f"Authored table {path} is missing; it is part of the repository (geodata/src/)."
        raise GeodataError(msg)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split_antimeridian(poly: Polygon) -> Polygon | MultiPolygon:
    """Cut a polygon authored with longitudes past 180° at the antimeridian; shift the east part by -360°.

    Seas across 180° (Bering Sea, Pacific) are authored as one ring with longitudes up to 360°, so the ring
    never jumps across the map; the output is a MultiPolygon within [-180, 180].
    """
    if poly.bounds[2] <= 180:
        return poly
    west = shapely.intersection(poly, box(-180, -90, 180, 90))
    east = translate(shapely.intersection(poly, box(180, -90, 540, 90)), xoff=-360)
    parts = [p for g in (west, east) for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return MultiPolygon(parts)


def read_limit_polygons(path: Path = SEA_LIMITS_CSV) -> dict[str, Polygon | MultiPolygon]:
    """Read the authored limit polygons: sea id -> polygon (lon/lat, vertices in ``seq`` order).

    Parameters
    ----------
    path : Path
        CSV with columns ``sea, seq, lon, lat, point``; ``lon`` goes past 180 for seas across 180°.

    Returns
    -------
    dict of str to Polygon or MultiPolygon
        One valid polygon per sea, split at 180° into a MultiPolygon where it crosses the antimeridian.
    """
    vertices: dict[str, list[tuple[int, float, float]]] = {}
    for row in _read_csv(path):
        vertices.setdefault(row["sea"], []).append((int(row["seq"]), float(row["lon"]), float(row["lat"])))
    polygons = {}
    for sea_id, rows in vertices.items():
        ring = [(lon, lat) for _, lon, lat in sorted(rows)]
        poly = shapely.orient_polygons(Polygon(ring))
        if not poly.is_valid:
            msg = f"Limit polygon of {sea_id} in {path} is not valid: {shapely.is_valid_reason(poly)}"
            raise GeodataError(msg)
        polygons[sea_id] = _split_antimeridian(poly)
    return polygons


def _water(
    limit: Polygon | MultiPolygon,
    land: np.ndarray,
    tree: shapely.STRtree,
    seed: Point,
    simplify: float = 0.0,
) -> MultiPolygon:
    """Return ``limit`` minus ``land`` (valid geometries indexed by ``tree``), without slivers and lakes.

    Water parts that touch no limit line are enclosed by land at 1:10m (Lake Maracaibo, lagoons); they are
    dropped unless they hold the seed (the Caspian is such a part).
    """
    near = land[tree.query(limit, predicate="intersects")]
    shapely.prepare(limit)
    inside = shapely.contains(limit, near)
    # Clip only the countries that cross the limit: intersecting all of Russia or Canada would cost seconds.
    pieces = np.concatenate([near[inside], shapely.intersection(near[~inside], limit)])
    pieces = pieces[~shapely.is_empty(pieces)]
    if simplify:
        # Simplifies shared borders once, so neighbouring countries still fit together.
        pieces = shapely.coverage_simplify(pieces, simplify)
    # Countries share their borders exactly, so the fast coverage union applies; fall back if it does not.
    local_land = shapely.coverage_union_all(pieces)
    if not local_land.is_valid:
        local_land = shapely.union_all(pieces)
    # Overlay on the output grid: the result is snapped and valid in one step (a separate set_precision and
    # make_valid would double the time of the oceans).
    water = shapely.difference(limit, local_land, grid_size=GRID)
    rim = limit.boundary
    parts = [
        p
        for p in shapely.get_parts(water)
        if p.geom_type == "Polygon" and p.area >= MIN_PART_DEG2 and (p.intersects(rim) or p.contains(seed))
    ]
    return shapely.normalize(MultiPolygon(parts))


def build_seas(land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Build the sea polygons from the authored IHO limits minus ``land``.

    Parameters
    ----------
    land : GeoDataFrame
        Natural Earth 1:10m admin-0 countries (EPSG:4326); lakes are land there, so they drop out.

    Returns
    -------
    GeoDataFrame
        Columns id, name, kind ("sea"), country (None), parent, aliases ("|"-separated), limits,
        geometry (MultiPolygon); EPSG:4326, sorted by id.

    Raises
    ------
    GeodataError
        If a table is missing or malformed, or a sea's seed point is not in its water.
    """
    if land.crs is None or not land.crs.equals(CRS):
        msg = f"Land must be in {CRS}, got {land.crs}."
        raise GeodataError(msg)
    limits = read_limit_polygons()
    geoms = land.geometry.values
    geoms = np.asarray(shapely.make_valid(geoms[~shapely.is_empty(geoms)]))
    # One tree for all seas; geometries made valid once (a few NE countries have self-touching rings).
    tree = shapely.STRtree(geoms)
    records = []
    for row in _read_csv(SEAS_CSV):
        sea_id = row["id"]
        if sea_id not in limits:
            msg = f"{sea_id} has no limit polygon in {SEA_LIMITS_CSV}."
            raise GeodataError(msg)
        seed = Point(float(row["seed_lon"]), float(row["seed_lat"]))
        simplify = OCEAN_LAND_SIMPLIFY if sea_id.endswith("_ocean") else 0.0
        geom = _water(limits[sea_id], geoms, tree, seed, simplify)
        if not geom.contains(seed):
            # The seed is a point known to be open water; missing it means the limits are wrong.
            msg = f"{sea_id}: seed point {seed.wkt} is not in the built water polygon."
            raise GeodataError(msg)
        records.append(
            {
                "id": sea_id,
                "name": row["name"],
                "kind": "sea",
                "country": None,
                "parent": row["parent"] or None,
                "aliases": row["aliases"],
                "limits": row["limits"],
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(records, columns=[*COLUMNS, "geometry"], geometry="geometry", crs=CRS)
    return gdf.sort_values("id", ignore_index=True)
