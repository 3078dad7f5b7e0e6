"""Write a GeoDataFrame as a byte-for-byte reproducible zipped shapefile."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd

# The DBF header stores the day it was written (bytes 1-3: year-1900, month, day); pin it.
_DBF_DATE = bytes([125, 1, 1])
# Zip entries store a modification time; pin it to the zip epoch.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_shp_zip(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """Write ``gdf`` to ``path`` (``<layer>.shp.zip``) with pinned dates and sorted members.

    Parameters
    ----------
    gdf : GeoDataFrame
        Rows already sorted; field names at most 10 characters.
    path : Path
        Target ``.shp.zip`` file.

    Returns
    -------
    Path
        ``path``.
    """
    too_long = [c for c in gdf.columns if c != "geometry" and len(c) > 10]
    if too_long:
        msg = f"shapefile field names longer than 10 characters: {too_long}"
        raise ValueError(msg)
    for col in gdf.columns.drop("geometry"):
        if gdf[col].dtype == object or str(gdf[col].dtype).startswith("str"):
            long = gdf[col].dropna().astype(str).map(lambda s: len(s.encode("utf-8")) > 254)
            if long.any():
                # DBF text holds 254 bytes; say so loudly rather than let GDAL cut the value quietly.
                n = int(long.sum())
                print(f"geodata_build: WARNING: {path.name}: {col} cut to 254 bytes in {n} rows")
    stem = path.name.removesuffix(".shp.zip")
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        gdf.to_file(shp, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8", SPATIAL_INDEX="NO")
        dbf = shp.with_suffix(".dbf")
        data = bytearray(dbf.read_bytes())
        data[1:4] = _DBF_DATE
        dbf.write_bytes(bytes(data))
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as zf:
            for member in sorted(Path(tmp).iterdir()):
                info = zipfile.ZipInfo(member.name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                zf.writestr(info, member.read_bytes(), compresslevel=9)
    return path
