"""Pipeline routes as lines, authored from published landfalls and route descriptions (geodata/src/)."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString

from dashboard.errors import GeodataError
from dashboard.settings import CRS, GEODATA_DIR

#: Authored inputs (documented in geodata/src/SEAS_AND_PIPELINES.md).
SRC_DIR: Path = GEODATA_DIR / "src"
PIPELINES_CSV: Path = SRC_DIR / "pipelines.csv"
WAYPOINTS_CSV: Path = SRC_DIR / "pipeline_waypoints.csv"

COLUMNS = [
    "id",
    "name",
    "kind",
    "country",
    "length_km",
    "from_place",
    "to_place",
    "status",
    "source",
    "aliases",
]

#: Shapefile text fields hold at most 254 bytes.
MAX_FIELD_BYTES: int = 254


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        msg = f"Authored table {path} is missing; it is part of the repository (geodata/src/)."
        raise GeodataError(msg)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_routes(path: Path = WAYPOINTS_CSV) -> dict[str, LineString]:
    """Read the authored waypoints: pipeline id -> line (lon/lat, waypoints in ``seq`` order).

    Parameters
    ----------
    path : Path
        CSV with columns ``pipeline, seq, lon, lat, point``.

    Returns
    -------
    dict of str to LineString
    """
    points: dict[str, list[tuple[int, float, float]]] = {}
    for row in _read_csv(path):
        points.setdefault(row["pipeline"], []).append((int(row["seq"]), float(row["lon"]), float(row["lat"])))
    routes = {}
    for pid, rows in points.items():
        if len(rows) < 2:
            msg = f"{pid} needs at least two waypoints in {path}."
            raise GeodataError(msg)
        routes[pid] = LineString([(lon, lat) for _, lon, lat in sorted(rows)])
    return routes


def build_pipelines() -> gpd.GeoDataFrame:
    """Build the pipeline lines from the authored tables.

    Returns
    -------
    GeoDataFrame
        Columns id, name, kind ("pipeline"), country (None), length_km (published length, float),
        from_place, to_place, status, source, aliases ("|"-separated), geometry (LineString);
        EPSG:4326, sorted by id.

    Raises
    ------
    GeodataError
        If a table is missing or malformed, a route is missing, or a text is too long for a shapefile.
    """
    routes = read_routes()
    records = []
    for row in _read_csv(PIPELINES_CSV):
        pid = row["id"]
        if pid not in routes:
            msg = f"{pid} has no waypoints in {WAYPOINTS_CSV}."
            raise GeodataError(msg)
        for field in ("name", "from_place", "to_place", "status", "source", "aliases"):
            if len(row[field].encode("utf-8")) > MAX_FIELD_BYTES:
                msg = f"{pid}: {field} is longer than {MAX_FIELD_BYTES} bytes; shorten it in {PIPELINES_CSV}."
                raise GeodataError(msg)
        records.append(
            {
                "id": pid,
                "name": row["name"],
                "kind": "pipeline",
                "country": None,
                "length_km": float(row["length_km"]),
                "from_place": row["from_place"],
                "to_place": row["to_place"],
                "status": row["status"],
                "source": row["source"],
                "aliases": row["aliases"],
                "geometry": routes[pid],  # not normalized: the line runs from_place -> to_place
            }
        )
    gdf = gpd.GeoDataFrame(records, columns=[*COLUMNS, "geometry"], geometry="geometry", crs=CRS)
    return gdf.sort_values("id", ignore_index=True)
