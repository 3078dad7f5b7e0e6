"""The only reader of geodata/: loads the bundled layers lazily, validates them, answers look-ups."""

from __future__ import annotations

import functools
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod

from dashboard import placekinds, settings
from dashboard.errors import GeodataError

#: Layer file (``<stem>.shp.zip``) of each kind read from geodata/, from the registry
#: (:mod:`dashboard.placekinds`); alliances have none: their geometry is their members' on a date.
LAYER_FILES: dict[str, str] = {k.name: k.layer_file for k in placekinds.KINDS if k.layer_file is not None}
#: Layer files that hold several kinds (regions.shp.zip: regions and continents): a kind's layer is a view.
_SHARED_FILES: frozenset[str] = frozenset(
    s for s in LAYER_FILES.values() if list(LAYER_FILES.values()).count(s) > 1
)

_GEOD = Geod(ellps="WGS84")


def _to_date(on: date | str) -> date:
    if isinstance(on, str):
        try:
            return date.fromisoformat(on)
        except ValueError:
            msg = f"not a date (use YYYY-MM-DD): {on!r}"
            raise ValueError(msg) from None
    return on


class Gazetteer:
    """Bundled layers, names and memberships; every table is read on first use and kept.

    Parameters
    ----------
    root : Path
        The geodata folder (default :data:`dashboard.settings.GEODATA_DIR`).
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else settings.GEODATA_DIR
        self._files: dict[str, gpd.GeoDataFrame] = {}
        self._lock = threading.RLock()

    # -- loading ------------------------------------------------------------------------------------------
    def _read_file(self, stem: str) -> gpd.GeoDataFrame:
        """Read and validate ``<stem>.shp.zip`` once."""
        if stem in self._files:
            return self._files[stem]
        path = self.root / f"{stem}.shp.zip"
        if not path.is_file():
            msg = f"geodata layer {path} is missing; rebuild with `python -m dashboard.geodata_build`."
            raise GeodataError(msg)
        try:
            gdf = pyogrio.read_dataframe(f"/vsizip/{path}", use_arrow=True)
        except Exception as exc:
            msg = f"cannot read geodata layer {path}: {exc}"
            raise GeodataError(msg) from exc
        self._validate(gdf, path)
        gdf = gdf.set_index("id", drop=False)
        gdf.index.name = None
        # Two threads may read the same file at once (load_all, Streamlit); the first result wins.
        with self._lock:
            return self._files.setdefault(stem, gdf)

    @staticmethod
    def _validate(gdf: gpd.GeoDataFrame, path: Path) -> None:
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            msg = f"{path}: CRS is {gdf.crs}, expected EPSG:4326; rebuild geodata/."
            raise GeodataError(msg)
        missing = {"id", "name", "kind", "country"} - set(gdf.columns)
        if missing:
            msg = f"{path}: missing columns {sorted(missing)}; rebuild geodata/."
            raise GeodataError(msg)
        dup = gdf["id"][gdf["id"].duplicated()]
        if len(dup):
            msg = f"{path}: duplicate ids {sorted(dup)[:5]}; rebuild geodata/."
            raise GeodataError(msg)
        bad = ~shapely.is_valid(gdf.geometry.values)
        if bad.any():
            msg = f"{path}: invalid geometries for {list(gdf['id'][bad])[:5]}; rebuild geodata/."
            raise GeodataError(msg)
        if gdf["name"].isna().any() or (gdf["name"] == "").any():
            msg = f"{path}: features without a name; rebuild geodata/."
            raise GeodataError(msg)

    def layer(self, kind: str, display: bool = False) -> gpd.GeoDataFrame:
        """Features of one kind.

        Parameters
        ----------
        kind : str
            A kind with a layer file (:data:`LAYER_FILES`, from :mod:`dashboard.placekinds`): ``country``,
            ``province``, ``city``, ``county`` (US counties), ``region``, ``continent``, ``sea``, ...
        display : bool
            Topology-preserving simplified geometry for the map (where the layer has one).

        Returns
        -------
        GeoDataFrame
            EPSG:4326, index = id; columns id, name, kind, country, geometry and the layer's attributes.
        """
        if kind not in LAYER_FILES:
            msg = f"unknown layer kind {kind!r}; one of {sorted(LAYER_FILES)}"
            raise KeyError(msg)
        base = stem = LAYER_FILES[kind]
        if display and (self.root / f"{stem}_display.shp.zip").is_file():
            stem = f"{stem}_display"
        if base in _SHARED_FILES:
            return self._kind_view(stem, kind)
        return self._read_file(stem)

    @functools.cache  # noqa: B019 - one Gazetteer per process (get_gazetteer); views are reused
    def _kind_view(self, stem: str, kind: str) -> gpd.GeoDataFrame:
        gdf = self._read_file(stem)
        return gdf[gdf["kind"] == kind]

    @functools.cached_property
    def _names(self) -> pd.DataFrame:
        path = self.root / "names.csv.gz"
        if not path.is_file():
            msg = f"{path} is missing; rebuild with `python -m dashboard.geodata_build`."
            raise GeodataError(msg)
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow", compression="gzip")
        except Exception as exc:
            msg = f"cannot read {path}: {exc}"
            raise GeodataError(msg) from exc
        df["population"] = pd.to_numeric(df["population"].replace("", None)).astype("Int64")
        df["primary"] = df["primary"].eq("True")
        if "capital" in df:
            df["capital"] = df["capital"].eq("True")
        return df

    def names(self) -> pd.DataFrame:
        """Every matchable name.

        Columns: place_id, name, kind, country, population, primary (bool), iso_a2, admin1 (GeoNames admin-1
        code: cities' own, provinces' derived, counties' state postal code), capital (bool, cities) and
        province (id of the province a city or county lies in; else "").
        """
        return self._names

    @functools.cached_property
    def _name_index(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        # Vectorised (factorize + stable sort) rather than a Python loop over 175,000 names: ~10x faster.
        codes, uniques = pd.factorize(self._names["name"].str.casefold())
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        pids = self._names["place_id"].to_numpy(dtype=object)
        return dict(zip(uniques.tolist(), range(len(uniques)), strict=True)), order, starts, pids

    def lookup(self, name: str) -> tuple[str, ...]:
        """Place ids whose names equal ``name`` (case-insensitive), in names.csv order."""
        codes, order, starts, pids = self._name_index
        code = codes.get(name.casefold())
        if code is None:
            return ()
        return tuple(dict.fromkeys(pids[order[starts[code] : starts[code + 1]]]))

    @functools.cached_property
    def _alliances(self) -> pd.DataFrame:
        path = self.root / "memberships.csv"
        if not path.is_file():
            msg = f"{path} is missing; rebuild with `python -m dashboard.geodata_build`."
            raise GeodataError(msg)
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in ("joined", "left"):
            df[col] = [date.fromisoformat(v) if v else None for v in df[col]]
        return df

    def alliances(self) -> pd.DataFrame:
        """Memberships: alliance, country, name, joined, left (None while a member), note."""
        return self._alliances

    @functools.cached_property
    def _validity(self) -> pd.DataFrame:
        path = self.root / "validity.csv"
        if not path.is_file():  # a gazetteer built before historic states: nothing is dated
            return pd.DataFrame(columns=["place_id", "name", "valid_from", "valid_to", "source"])
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in ("valid_from", "valid_to"):
            df[col] = [date.fromisoformat(v) if v else None for v in df[col]]
        return df

    def validity(self) -> pd.DataFrame:
        """Dated places and names: place_id, name ("" = the place itself, e.g. a historic state's life),
        valid_from, valid_to (dates, inclusive; None = open), source. File order within a place."""
        return self._validity

    def load_all(self) -> Gazetteer:
        """Load every layer (full and display), the tables and the indexes; returns self (for the bench).

        Files are read on a few threads: pyogrio and shapely release the GIL while they work.
        """
        stems = sorted({s for s in LAYER_FILES.values() if (self.root / f"{s}.shp.zip").is_file()})
        stems += [f"{s}_display" for s in stems if (self.root / f"{s}_display.shp.zip").is_file()]
        with ThreadPoolExecutor(max_workers=4) as pool:
            jobs = [pool.submit(self._read_file, s) for s in stems]
            jobs.append(pool.submit(lambda: self._names))
            for job in jobs:
                job.result()
        for kind in LAYER_FILES:
            if LAYER_FILES[kind] in stems:
                self.layer(kind)
                self.layer(kind, display=True)
        self.layer("country").sindex.query(shapely.Point(0, 0))
        self.layer("province").sindex.query(shapely.Point(0, 0))
        _ = self._name_index, self._alliances, self._validity
        return self

    # -- look-ups -----------------------------------------------------------------------------------------
    def place(self, place_id: str) -> pd.Series:
        """One feature (any kind except alliance).

        Raises
        ------
        KeyError
            If ``place_id`` is unknown.
        """
        kind = place_id.split(":", 1)[0]
        if kind not in LAYER_FILES:
            msg = f"unknown place id {place_id!r}"
            raise KeyError(msg)
        gdf = self.layer(kind)
        if place_id not in gdf.index:
            msg = f"unknown place id {place_id!r}"
            raise KeyError(msg)
        return gdf.loc[place_id]

    def geometry(self, place_id: str, display: bool = False, on: date | str | None = None):
        """Shapely geometry of a place; an alliance (``alliance:nato``) needs ``on``, the date."""
        if place_id.startswith("alliance:"):
            if on is None:
                msg = f"{place_id}: an alliance's geometry depends on the date; pass on=YYYY-MM-DD"
                raise ValueError(msg)
            return self.alliance_geometry(place_id, on, display=display)
        kind = place_id.split(":", 1)[0]
        if kind not in LAYER_FILES:
            msg = f"unknown place id {place_id!r}"
            raise KeyError(msg)
        gdf = self.layer(kind, display=display)
        if place_id not in gdf.index:
            msg = f"unknown place id {place_id!r}"
            raise KeyError(msg)
        return gdf.geometry.loc[place_id]

    def members(self, alliance_id: str, on: date | str) -> list[str]:
        """Members of ``alliance_id`` on date ``on`` (sorted): ISO3 (ADM0_A3) codes of countries and the
        ids of historic states (``historic_state:west_germany`` in NATO until 1990-10-02).

        A country is a member from ``joined`` through ``left`` inclusive (``left`` is its last day).
        """
        day = _to_date(on)
        df = self._alliances
        rows = df[df["alliance"] == alliance_id]
        if rows.empty:
            msg = f"unknown alliance {alliance_id!r}; one of {sorted(set(df['alliance']))}"
            raise KeyError(msg)
        spans = zip(rows["joined"], rows["left"], strict=True)
        ok = [j <= day and (left is None or day <= left) for j, left in spans]
        return sorted(set(rows.loc[ok, "country"]))

    def alliance_geometry(self, alliance_id: str, on: date | str, display: bool = False):
        """Union of the member countries of ``alliance_id`` on date ``on``."""
        return self._union(tuple(self.members(alliance_id, on)), display)

    @functools.cache  # noqa: B019 - see _kind_view
    def _union(self, codes: tuple[str, ...], display: bool):
        ids = [c if ":" in c else f"country:{c}" for c in codes]
        return shapely.union_all([self.geometry(i, display=display) for i in ids])

    @functools.cache  # noqa: B019 - see _kind_view
    def land(self, display: bool = False):
        """Union of all countries (for over-water checks); computed once."""
        return shapely.union_all(self.layer("country", display=display).geometry.values)

    # -- borders ------------------------------------------------------------------------------------------
    @functools.cache  # noqa: B019 - see _kind_view
    def neighbours(self, country_id: str) -> tuple[str, ...]:
        """Ids of the countries sharing a land border with ``country_id``."""
        gdf = self.layer("country")
        geom = self.geometry(country_id)
        hits = gdf.index[gdf.sindex.query(geom, predicate="intersects")]
        return tuple(sorted(i for i in hits if i != country_id and self.shared_border_km(country_id, i) > 0))

    @functools.cache  # noqa: B019 - see _kind_view
    def _source(self, place_id: str) -> str:
        """The layer a place's outline was drawn from: its kind, or for a historic state the kind of its
        members (the USSR from countries, West Germany from provinces)."""
        kind = place_id.split(":", 1)[0]
        if kind == "historic_state":
            return "province" if "province:" in str(self.place(place_id).get("members", "")) else "country"
        return kind

    def _shared(self, a: str, b: str) -> float:
        ga, gb = self.geometry(a), self.geometry(b)
        if self._source(a) != self._source(b):
            return _near_boundary_km(ga, gb)
        if not ga.intersects(gb):
            return 0.0
        inter = shapely.intersection(ga.boundary, gb.boundary)
        lines = [g for g in shapely.get_parts(shapely.line_merge(inter)) if g.geom_type == "LineString"]
        return sum(_GEOD.geometry_length(g) for g in lines) / 1000.0

    def shared_border_km(self, a: str, b: str) -> float:
        """Geodesic length (km, WGS 84) of the boundary two places share; 0 if they don't touch.

        Features of one layer share vertices (Natural Earth neighbours); a province and a country come from
        different sources, so their common border is the boundary within about 2 km of the other's.
        """
        if a == b:
            return 0.0
        return self._shared(*sorted((a, b)))

    def land_border_km(self, a: str) -> float:
        """Geodesic length (km) of country ``a``'s land borders with all its neighbours."""
        return sum(self.shared_border_km(a, b) for b in self.neighbours(a))


#: Snapping distance (degrees, about 2 km) for borders between features of different layers.
CROSS_LAYER_SNAP_DEG: float = 0.02


def _near_boundary_km(ga, gb, tol: float = CROSS_LAYER_SNAP_DEG) -> float:
    """Length in km of ``ga``'s boundary lying within ``tol`` degrees of ``gb``'s boundary.

    Straits wider than the band (Kerch, 4 km) are not borders; a province inside its own country touches
    no border of it (containment).
    """
    if ga.distance(gb) > tol:
        return 0.0
    if gb.contains(ga.representative_point()) or ga.contains(gb.representative_point()):
        return 0.0
    minx, miny, maxx, maxy = ga.bounds
    near = shapely.clip_by_rect(gb, minx - tol, miny - tol, maxx + tol, maxy + tol)
    band = shapely.intersection(near.buffer(tol), near.boundary.buffer(tol))
    return _GEOD.geometry_length(shapely.intersection(ga.boundary, band)) / 1000.0


@functools.cache
def geodata_version(root: Path | None = None) -> str:
    """A fingerprint of the bundled geodata files: what is derived from them and saved (a corpus store,
    the map's land backdrop) records it and is rebuilt when it changes. About 20 ms for the 23 MB."""
    h = hashlib.sha256()
    for f in sorted((root or settings.GEODATA_DIR).iterdir()):
        if f.is_file() and f.name != "README.md":
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()[:16]


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer over the bundled geodata/ (nothing is read until first use)."""
    return Gazetteer()


def _country_id(code: str) -> str:
    return code if ":" in code else f"country:{code}"


def shared_border_km(a: str, b: str) -> float:
    """Geodesic length (km) of the border countries ``a`` and ``b`` share (ids or ISO3 codes)."""
    return get_gazetteer().shared_border_km(_country_id(a), _country_id(b))


def land_border_km(a: str) -> float:
    """Geodesic length (km) of country ``a``'s land border (id or ISO3 code)."""
    return get_gazetteer().land_border_km(_country_id(a))
