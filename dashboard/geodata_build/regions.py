"""Regions and continents: dissolve the members listed in geodata/src/regions.csv."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.geodata_build.admin import polygonal
from dashboard.geodata_build.text import clean

CRS = "EPSG:4326"


def read_regions(path: Path) -> pd.DataFrame:
    """The authored regions table (id, name, kind, aliases, members), validated."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if df["id"].duplicated().any():
        msg = f"{path}: duplicate region ids {sorted(df.loc[df['id'].duplicated(), 'id'])}"
        raise ValueError(msg)
    return df


def member_ids(members: str, countries: gpd.GeoDataFrame) -> list[str]:
    """Expand a ``members`` cell: ISO3 -> country id, ``province:..`` kept, ``CONTINENT=X`` -> countries."""
    out = []
    for token in (clean(t) for t in members.split("|")):
        if token.startswith("CONTINENT="):
            sel = countries.loc[countries["continent"] == token.split("=", 1)[1], "id"]
            out += sorted(sel)
        elif token.startswith("province:"):
            out.append(token)
        elif token:
            out.append(f"country:{token}")
    return out


def build_regions(
    table: pd.DataFrame, countries: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Dissolve every region of ``table`` from its member countries/provinces.

    Raises
    ------
    ValueError
        If a member id is not in the countries or provinces layer (a typo must not shrink a region).
    """
    geoms = pd.concat([countries.set_index("id"), provinces.set_index("id")])
    rows, names = [], []
    for rec in table.itertuples(index=False):
        ids = member_ids(rec.members, countries)
        unknown = [i for i in ids if i not in geoms.index]
        if unknown or not ids:
            msg = f"region {rec.id}: unknown members {unknown or '(none)'}"
            raise ValueError(msg)
        owners = set(geoms.loc[ids, "country"])
        country = owners.pop() if len(owners) == 1 and all(i.startswith("province:") for i in ids) else ""
        rows.append(
            {
                "id": rec.id,
                "name": rec.name,
                "kind": rec.kind,
                "country": country,
                "members": len(ids),
                "geometry": polygonal(shapely.union_all(geoms.loc[ids, "geometry"].values)),
            }
        )
        seen = set()
        for alias in [rec.name, *rec.aliases.split("|")]:
            alias = clean(alias)
            if alias and alias not in seen:
                seen.add(alias)
                names.append(
                    {
                        "place_id": rec.id,
                        "name": alias,
                        "kind": rec.kind,
                        "country": country,
                        "population": None,
                        "primary": alias == rec.name,
                    }
                )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).sort_values("id", ignore_index=True)
    return gdf, names
