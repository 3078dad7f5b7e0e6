"""Every bundled place's display geometry: as ready RFC 7946 GeoJSON text, as WKB, and a point on it.

Written once into ``.cache/geomstore/<hash>/`` (the hash covers the layer files and the code that turns a
geometry into GeoJSON), then memory-mapped: the command line writes geometry without importing geopandas
or reading a shapefile. Alliances (whose geometry depends on the date) are not in it; callers ask the
gazetteer for those. Pure: no streamlit or folium; geopandas only while building.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from dashboard import nameindex, settings

#: Bump when the saved layout changes.
FORMAT_VERSION = 4


#: Where saved stores live (gitignored; one folder per hash of the layer files).
CACHE_DIR: Path = settings.PROJECT_ROOT / ".cache" / "geomstore"


class GeomStore:
    """Place id -> display GeoJSON geometry text and (lat, lon) representative point."""

    def __init__(
        self, pids: list[str], blob, offsets: np.ndarray, lat, lon, wkb: tuple = (b"", None), source: str = ""
    ) -> None:
        self._where = dict(zip(pids, range(len(pids)), strict=True))
        # Every place's display geometry as WKB too (places_frame, alliance unions, county polygons).
        self._wkb = nameindex.StringTable(*wkb) if wkb[1] is not None else None
        self._union: dict[tuple[str, ...], object] = {}
        self.pids = pids
        self._json = nameindex.StringTable(blob, offsets)
        self._lat = lat
        self._lon = lon
        self.source = source

    def __contains__(self, pid: object) -> bool:
        return pid in self._where

    def __len__(self) -> int:
        return len(self.pids)

    def geojson(self, pid: str) -> str:
        """The place's display geometry as RFC 7946 GeoJSON text (``null`` if it has none)."""
        return self._json[self._where[pid]]

    def point(self, pid: str) -> tuple[float | None, float | None]:
        """(lat, lon) on the place's display geometry, 6 decimals; (None, None) if it has none."""
        i = self._where[pid]
        lat = float(self._lat[i])
        if lat != lat:
            return None, None
        return lat, float(self._lon[i])

    def union(self, countries: tuple[str, ...]):
        """Union of the display geometry of countries (ISO3), as the gazetteer's alliance geometry; None
        when the store lacks one of them."""
        if countries not in self._union:
            import shapely

            # ISO3 codes, or ids of historic states (West Germany in NATO until 1990)
            rows = [self._where.get(c if ":" in c else f"country:{c}", len(self)) for c in countries]
            if self._wkb is None or any(r >= len(self._wkb) for r in rows):
                return None
            parts = [self._wkb.raw(r) for r in rows]
            self._union[countries] = shapely.union_all(shapely.from_wkb(parts))
        return self._union[countries]

    def shape(self, pid: str):
        """The place's display geometry (shapely); KeyError if the store lacks it."""
        import shapely

        i = self._where[pid]
        data = self._wkb.raw(i) if self._wkb is not None and i < len(self._wkb) else b""
        if not data:
            raise KeyError(pid)
        return shapely.from_wkb(data)

    def shapes(self, kind: str) -> dict[str, object]:
        """Place id -> display geometry (shapely) of every place of a kind."""
        import shapely

        if self._wkb is None:
            return {}
        prefix = kind + ":"
        rows = [i for i, pid in enumerate(self.pids[: len(self._wkb)]) if pid.startswith(prefix)]
        geoms = shapely.from_wkb([self._wkb.raw(i) for i in rows]) if rows else []
        return dict(zip([self.pids[i] for i in rows], list(geoms), strict=True))

    # -- building, saving, mapping -------------------------------------------------------------------
    @classmethod
    def build(cls, gaz) -> GeomStore:
        """From the gazetteer's display layers (every kind but alliances)."""
        import shapely

        from dashboard import export
        from dashboard.gazetteer import LAYER_FILES

        pids: list[str] = []
        texts: list[bytes] = []
        wkbs: list[bytes] = []
        lats: list[float] = []
        lons: list[float] = []
        for kind in LAYER_FILES:
            try:
                layer = gaz.layer(kind, display=True)
            except Exception:  # a missing optional layer: its places fall back to the gazetteer
                continue
            geoms = layer.geometry.values
            ids = layer["id"].tolist()
            wkbs += shapely.to_wkb(geoms).tolist()  # the same rows as pids
            points = shapely.get_type_id(geoms) == 0
            if points.all() and len(geoms):
                # Cities: the same text export.geometry_json gives, built for all points at once.
                snapped = shapely.set_precision(geoms, 10**-export.COORD_DECIMALS, mode="pointwise")
                xy = shapely.get_coordinates(snapped).tolist()
                raw = shapely.get_coordinates(geoms).tolist()
                for pid, (x, y), (x0, y0) in zip(ids, xy, raw, strict=True):
                    pids.append(pid)
                    coords = [round(x, export.COORD_DECIMALS), round(y, export.COORD_DECIMALS)]
                    texts.append(json.dumps({"type": "Point", "coordinates": coords}).encode())
                    lats.append(round(y0, 6))
                    lons.append(round(x0, 6))
                continue
            for pid, geom in zip(ids, geoms, strict=True):
                pids.append(pid)
                texts.append(json.dumps(export.geometry_json(geom), allow_nan=False).encode())
                lat, lon = representative(geom)
                lats.append(np.nan if lat is None else lat)
                lons.append(np.nan if lon is None else lon)
        off = np.zeros(len(texts) + 1, np.int64)
        if texts:
            np.cumsum([len(t) for t in texts], out=off[1:])
        woff = np.zeros(len(wkbs) + 1, np.int64)
        if wkbs:
            np.cumsum([len(w) for w in wkbs], out=woff[1:])
        wkb = (b"".join(wkbs), woff)
        return cls(pids, b"".join(texts), off, np.array(lats, float), np.array(lons, float), wkb, "memory")

    def save(self, folder: Path) -> None:
        """Write atomically (a temporary sibling renamed into place)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
        try:
            (tmp / "geojson.bin").write_bytes(bytes(self._json._blob))
            np.save(tmp / "offsets.npy", self._json._off)
            np.save(tmp / "lat.npy", np.asarray(self._lat, float))
            np.save(tmp / "lon.npy", np.asarray(self._lon, float))
            empty = nameindex.StringTable(b"", np.zeros(len(self.pids) + 1, np.int64))
            wkb = self._wkb if self._wkb is not None else empty
            (tmp / "wkb.bin").write_bytes(bytes(wkb._blob))
            np.save(tmp / "wkb_off.npy", wkb._off)
            (tmp / "pids.txt").write_text("\n".join(self.pids), encoding="utf-8")
            (tmp / "complete").write_text(str(FORMAT_VERSION))
            try:
                tmp.rename(folder)
            except OSError:  # saved by another process meanwhile
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path) -> GeomStore:
        """Map a saved store; OSError/ValueError when it is missing or inconsistent."""
        if not (folder / "complete").is_file():
            msg = f"{folder}: no complete geometry store"
            raise FileNotFoundError(msg)
        raw = (folder / "pids.txt").read_text(encoding="utf-8")
        pids = raw.split("\n") if raw else []
        off = np.load(folder / "offsets.npy", mmap_mode="r").view(np.ndarray)
        lat = np.load(folder / "lat.npy", mmap_mode="r").view(np.ndarray)
        lon = np.load(folder / "lon.npy", mmap_mode="r").view(np.ndarray)
        size = (folder / "geojson.bin").stat().st_size
        blob = np.memmap(folder / "geojson.bin", dtype=np.uint8, mode="r").view(np.ndarray) if size else b""
        woff = np.load(folder / "wkb_off.npy", mmap_mode="r").view(np.ndarray)
        wsize = (folder / "wkb.bin").stat().st_size
        same = len(off) == len(pids) + 1 == len(lat) + 1 == len(lon) + 1 == len(woff)
        if not same or (len(off) and (off[-1] != size or woff[-1] != wsize)):
            msg = f"{folder}: inconsistent geometry store"
            raise ValueError(msg)
        wblob = np.memmap(folder / "wkb.bin", dtype=np.uint8, mode="r") if wsize else b""
        return cls(pids, blob, off, lat, lon, (wblob, woff), str(folder))


def _membership_rows(alliance_id: str, root: Path | None) -> list[tuple[str, date, date | None]] | None:
    """(country, joined, left) of every membership row of an alliance in memberships.csv (``left`` None
    while a member), or None if the file or the alliance is missing."""
    import csv

    path = (root or settings.GEODATA_DIR) / "memberships.csv"
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r.get("alliance") == alliance_id]
    except OSError:
        return None
    if not rows:
        return None
    return [
        (r["country"], date.fromisoformat(r["joined"]), date.fromisoformat(r["left"]) if r["left"] else None)
        for r in rows
    ]


def membership_spans(alliance_id: str, root: Path | None = None) -> list[tuple] | None:
    """(joined, left) of every membership row of an alliance (``left`` None while a member), or None if the
    file or the alliance is missing."""
    rows = _membership_rows(alliance_id, root)
    return None if rows is None else [(joined, left) for _, joined, left in rows]


def members(alliance_id: str, day, root: Path | None = None) -> list[str] | None:
    """ISO3 codes of the members of an alliance on ``day`` (sorted), read from memberships.csv with the
    gazetteer's rule (``joined <= day <= left``, no ``left`` while a member); None if the file or the
    alliance is missing (the caller then asks the gazetteer, which explains)."""
    rows = _membership_rows(alliance_id, root)
    if rows is None:
        return None
    return sorted({c for c, joined, left in rows if joined <= day and (left is None or day <= left)})


def representative(geom) -> tuple[float | None, float | None]:
    """(lat, lon) on the geometry, 6 decimals: the point itself, a line's midpoint, a point inside a
    polygon."""
    if geom is None or geom.is_empty:
        return None, None
    if geom.geom_type == "Point":
        p = geom
    elif geom.geom_type in ("LineString", "MultiLineString"):
        p = geom.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return round(p.y, 6), round(p.x, 6)


def store_hash(root: Path) -> str:
    """Key of the layer files (name, size, modification time) and of the code that writes the store."""
    h = hashlib.sha256(f"geomstore-v{FORMAT_VERSION}\n".encode())
    h.update(Path(__file__).read_bytes())
    h.update(Path(__file__).with_name("export.py").read_bytes())  # geometry_json writes the text
    for p in sorted(root.glob("*.shp.zip")):
        st = p.stat()
        h.update(f"{p.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def load_saved(root: Path | None = None, cache_dir: Path | None = None) -> GeomStore | None:
    """The saved store of ``root`` (default geodata/), or None when there is none (nothing is built).
    Mapped once per process per store."""
    if not nameindex.cache_enabled():
        return None
    try:
        return _mapped((cache_dir or CACHE_DIR) / store_hash(root or settings.GEODATA_DIR))
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=2)
def _mapped(folder: Path) -> GeomStore:
    return GeomStore.load(folder)


def load_or_build(build: Callable[[], GeomStore], root: Path | None = None, cache_dir: Path | None = None):
    """The saved store of ``root`` (default geodata/) if valid; else ``build()``, saved when possible."""
    root = root or settings.GEODATA_DIR
    if not nameindex.cache_enabled():
        return build()
    try:
        folder = (cache_dir or CACHE_DIR) / store_hash(root)
    except OSError:
        return build()
    try:
        return GeomStore.load(folder)
    except (OSError, ValueError):
        pass
    store = build()
    try:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        store.save(folder)
    except OSError:
        pass
    return store
