"""Historic states (the USSR, West Germany, ...) and dated names, from geodata/src/historic_*.csv.

A historic state is dissolved from today's countries and provinces, like a region; a member may be cut by an
authored polygon of ``historic_parts.csv``: ``province:DE-BE&west_berlin`` is the part of Berlin inside the
``west_berlin`` polygon, ``province:DE-BE!west_berlin`` the rest. ``former_names.csv`` dates names of
places (Burma until 1989-06-17, the European Communities until 1993-10-31; ``label`` marks the name a
map shows on those dates, not "FYROM" or "EEC"); together with each historic
state's own life they make the validity table the geoparser resolves names by.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.geodata_build.admin import polygonal
from dashboard.geodata_build.regions import member_ids
from dashboard.geodata_build.text import clean

CRS = "EPSG:4326"
KIND = "historic_state"
VALIDITY_COLUMNS = ["place_id", "name", "valid_from", "valid_to", "label", "source"]


def _check_date(value: str, where: str) -> str:
    """``value`` if empty or an ISO date; raises ValueError naming ``where`` otherwise."""
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            msg = f"{where}: not a date (YYYY-MM-DD): {value!r}"
            raise ValueError(msg) from None
    return value


def read_tables(src: Path) -> tuple[pd.DataFrame, dict[str, shapely.Polygon], pd.DataFrame]:
    """The authored historic states, cut polygons and former names, validated."""
    states = pd.read_csv(src / "historic_states.csv", dtype=str, keep_default_na=False)
    if states["id"].duplicated().any() or not states["id"].str.startswith(f"{KIND}:").all():
        msg = f"historic_states.csv: ids must be unique and start with {KIND}:"
        raise ValueError(msg)
    for rec in states.itertuples(index=False):
        _check_date(rec.valid_from, rec.id)
        _check_date(rec.valid_to, rec.id)
    parts_tab = pd.read_csv(src / "historic_parts.csv", dtype={"part": str, "point": str})
    parts = {}
    for part, rows in parts_tab.sort_values(["part", "seq"]).groupby("part", sort=True):
        poly = shapely.Polygon(list(zip(rows["lon"], rows["lat"], strict=True)))
        if not poly.is_valid:
            msg = f"historic_parts.csv: polygon {part!r} is not valid"
            raise ValueError(msg)
        parts[str(part)] = poly
    former = pd.read_csv(src / "former_names.csv", dtype=str, keep_default_na=False)
    for rec in former.itertuples(index=False):
        _check_date(rec.valid_from, f"former_names.csv {rec.name}")
        _check_date(rec.valid_to, f"former_names.csv {rec.name}")
    return states, parts, former


def _member_geometry(token: str, geoms: pd.Series, parts: dict[str, shapely.Polygon]):
    """Geometry of one member token (``id``, ``id&part`` or ``id!part``)."""
    for op in ("&", "!"):
        if op in token:
            pid, part = token.split(op, 1)
            if pid not in geoms.index or part not in parts:
                msg = f"unknown member {token!r}"
                raise ValueError(msg)
            clip = parts[part]
            g = geoms[pid]
            return polygonal(shapely.intersection(g, clip) if op == "&" else shapely.difference(g, clip))
    if token not in geoms.index:
        msg = f"unknown member {token!r}"
        raise ValueError(msg)
    return geoms[token]


def build_historic(
    states: pd.DataFrame,
    parts: dict[str, shapely.Polygon],
    countries: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Dissolve every historic state from its members; returns the layer and its names."""
    geoms = pd.concat([countries.set_index("id")["geometry"], provinces.set_index("id")["geometry"]])
    owner = pd.concat([countries.set_index("id")["country"], provinces.set_index("id")["country"]])
    rows, names = [], []
    for rec in states.itertuples(index=False):
        tokens = [t for t in (clean(x) for x in rec.members.split("|")) if t]
        ids = [t if ":" in t else member_ids(t, countries)[0] for t in tokens]
        try:
            pieces = [_member_geometry(t, geoms, parts) for t in ids]
        except ValueError as exc:
            msg = f"historic state {rec.id}: {exc}"
            raise ValueError(msg) from None
        base = {i.split("&")[0].split("!")[0] for i in ids}
        countries_of = {owner[i] for i in base}
        rows.append(
            {
                "id": rec.id,
                "name": rec.name,
                "kind": KIND,
                # One today's country holds it all (West Germany: DEU): that country, else none.
                "country": countries_of.pop() if len(countries_of) == 1 else "",
                "valid_from": rec.valid_from,
                "valid_to": rec.valid_to,
                "members": "|".join(tokens),
                "geometry": polygonal(shapely.union_all(pieces)),
            }
        )
        country = rows[-1]["country"]
        seen = set()
        for alias in [rec.name, *rec.aliases.split("|")]:
            alias = clean(alias)
            if alias and alias not in seen:
                seen.add(alias)
                names.append(
                    {
                        "place_id": rec.id,
                        "name": alias,
                        "kind": KIND,
                        "country": country,
                        "population": None,
                        "primary": alias == rec.name,
                    }
                )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).sort_values("id", ignore_index=True)
    return gdf, names


def former_name_rows(former: pd.DataFrame, kinds: dict[str, str], countries: dict[str, str]) -> list[dict]:
    """Former names as alternate names of their place (``kinds``: place id -> kind; must exist)."""
    unknown = sorted(set(former["place_id"]) - set(kinds))
    if unknown:
        msg = f"former_names.csv: unknown places {unknown}"
        raise ValueError(msg)
    return [
        {
            "place_id": rec.place_id,
            "name": clean(rec.name),
            "kind": kinds[rec.place_id],
            "country": countries.get(rec.place_id, ""),
            "population": None,
            "primary": False,
        }
        for rec in former.itertuples(index=False)
    ]


def validity_table(historic: gpd.GeoDataFrame, former: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """Dated places and names: a historic state's life (empty ``name``) and every former name's years;
    ``label`` = "yes" where the name is the place's name on those dates (shown instead of today's)."""
    src = dict(zip(states["id"], states["source"], strict=True))
    lives = pd.DataFrame(
        {
            "place_id": historic["id"],
            "name": "",
            "valid_from": historic["valid_from"],
            "valid_to": historic["valid_to"],
            "label": "",
            "source": historic["id"].map(src),
        }
    )
    names = former[VALIDITY_COLUMNS].assign(name=former["name"].map(clean))
    # Former names keep their file order within a place: the first valid one is the place's name that day.
    out = pd.concat([lives, names], ignore_index=True)
    return out.sort_values(["place_id"], kind="stable", ignore_index=True)
