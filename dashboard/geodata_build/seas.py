"""Sea polygons: authored IHO S-23 limit polygons (geodata/src/) minus the Natural Earth land."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from dashboard.errors import GeodataError
from dashboard.settings import CRS, GEODATA_DIR

#: Authored inputs (documented in geodata/src/SEAS_AND_PIPELINES.md).
SRC_DIR: Path = GEODATA_DIR / "src"
SEAS_CSV: Path = SRC_DIR / "seas.csv"
SEA_LIMITS_CSV: Path = SRC_DIR / "sea_limits.csv"

#: Water parts smaller than this (square degrees, about 6 km² at 55°N) are slivers
#: between the limit polygon and the 1:10m coast; they are dropped.
MIN_PART_DEG2: float = 1e-3

#: Output coordinates are snapped to this grid (degrees, about 0.1 m) so rebuilds are identical.
GRID: float = 1e-6

COLUMNS = ["id", "name", "kind", "country", "parent", "aliases", "limits"]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        msg = f"Authored table {path} is missing; it is part of the repository (geodata/src/)."
        raise GeodataError(msg)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_limit_polygons(path: Path = SEA_LIMITS_CSV) -> dict[str, Polygon]:
    """Read the authored limit polygons: sea id -> polygon (lon/lat, vertices in ``seq`` order).

    Parameters
    ----------
    path : Path
        CSV with columns ``sea, seq, lon, lat, point``.

    Returns
    -------
    dict of str to Polygon
        One valid polygon per sea.
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
        polygons[sea_id] = poly
    return polygons


def _water(limit: Polygon, land: gpd.GeoDataFrame) -> MultiPolygon:
    """Return ``limit`` minus the land it touches, without slivers."""
    idx = land.sindex.query(limit, predicate="intersects")
    # Clip each country to the limit first: unioning all of Russia would cost seconds.
    clipped = shapely.intersection(shapely.make_valid(land.geometry.values[idx]), limit)
    local_land = shapely.union_all(clipped)
    water = shapely.difference(limit, local_land)
    parts = [p for p in shapely.get_parts(water) if p.geom_type == "Polygon" and p.area >= MIN_PART_DEG2]
    out = shapely.set_precision(MultiPolygon(parts), GRID)
    out = shapely.make_valid(out)
    if out.geom_type == "Polygon":
        out = MultiPolygon([out])
    return shapely.normalize(out)


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
    records = []
    for row in _read_csv(SEAS_CSV):
        sea_id = row["id"]
        if sea_id not in limits:
            msg = f"{sea_id} has no limit polygon in {SEA_LIMITS_CSV}."
            raise GeodataError(msg)
        geom = _water(limits[sea_id], land)
        seed = Point(float(row["seed_lon"]), float(row["seed_lat"]))
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
