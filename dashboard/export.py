"""Places -> RFC 7946 GeoJSON Features (one serializer: command line and downloads), mentions -> CSV; pure."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

#: Decimal places kept in exported coordinates (RFC 7946 suggests 6: about 10 cm).
COORD_DECIMALS = 6


def _clean(value: Any) -> Any:
    """JSON-safe properties: NaN/None -> null, numpy scalars -> Python, containers recursively."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        return _clean(value.item())
    if isinstance(value, Iterable):
        return [_clean(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def geometry_json(geom: Any) -> dict | None:
    """An RFC 7946 geometry: polygons counter-clockwise outside (right-hand rule), <= 6 decimals."""
    import shapely  # here, not at import: writing CSV needs no geometry library
    from shapely.geometry import mapping

    if geom is None or (hasattr(geom, "is_empty") and geom.is_empty):
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    geom = shapely.set_precision(geom, 10**-COORD_DECIMALS, mode="pointwise")
    return _round_coords(mapping(geom))


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        if obj and isinstance(obj[0], float | int):
            return [round(float(c), COORD_DECIMALS) for c in obj]
        return [_round_coords(v) for v in obj]
    return obj


#: The fields of each mention in a place's ``mentions`` property, as the command line writes them.
PLACE_MENTION_FIELDS: tuple[str, ...] = ("start", "end", "text", "type")


def place_properties(
    mentions: Sequence[Any],
    on: date,
    *,
    source: str | None = None,
    members: Sequence[str] | None = None,
    years: str | None = None,
    mention_fields: Sequence[str] = PLACE_MENTION_FIELDS,
) -> dict[str, Any]:
    """The properties of one place's Feature, from its mentions.

    Parameters
    ----------
    mentions : sequence of Mention
        The mentions of one place (the first gives its id, name, kind and country), in text order.
    on : datetime.date
        The day the place was resolved on (``date``, ISO).
    source : str, optional
        The article's file; when given, a leading ``source``.
    members, years : optional
        An alliance's members on that day; a historic state's years ("1949–1990"). Left out when None.
    mention_fields : sequence of str
        The fields kept per mention.

    Returns
    -------
    dict
        ``source``, ``place_id``, ``name``, ``kind``, ``country``, ``count``, ``mentions``, ``members``,
        ``years``, ``date`` in that order (the absent ones left out).
    """
    first = mentions[0]
    props: dict[str, Any] = {} if source is None else {"source": source}
    props.update(
        place_id=first.place_id,
        name=first.name,
        kind=first.kind,
        country=first.country,
        count=len(mentions),
        mentions=[{f: getattr(m, f) for f in mention_fields} for m in mentions],
    )
    if members is not None:
        props["members"] = list(members)
    if years:
        props["years"] = years
    props["date"] = on.isoformat()
    return props


def feature_text(properties: Mapping[str, Any], geometry: Any = None) -> str:
    """One RFC 7946 Feature as JSON text: the one serializer of every Feature the package writes.

    Parameters
    ----------
    properties : mapping
        Made JSON-safe first (NaN -> null, numpy scalars -> numbers, dates -> ISO); strict JSON after.
    geometry : shapely geometry, mapping, str or None
        A shapely geometry (written by :func:`geometry_json`), a GeoJSON geometry mapping, or GeoJSON text as
        the geometry store keeps it (spliced in as it is, so the command line never parses it); None: null.
    """
    if isinstance(geometry, str):
        gj = geometry
    elif geometry is None:
        gj = "null"
    else:
        mapping = geometry if isinstance(geometry, Mapping) else geometry_json(geometry)
        gj = json.dumps(mapping, allow_nan=False)
    props = json.dumps(_clean(properties), ensure_ascii=False, allow_nan=False)
    return f'{{"type":"Feature","geometry":{gj},"properties":{props}}}'


def feature_collection_text(features: Iterable[str]) -> str:
    """Features (from :func:`feature_text`) as one FeatureCollection, a Feature a line."""
    return '{"type":"FeatureCollection","features":[' + ",\n".join(features) + "]}\n"


def places_geojson(gdf: Any, extra: Mapping[str, Any] | None = None) -> str:
    """A places GeoDataFrame (see ``geoparse.places_frame``) as an RFC 7946 FeatureCollection.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        In EPSG:4326 (lon/lat); reprojected if not. Every column but the geometry is a property.
    extra : mapping, optional
        Properties put first in every Feature.

    Returns
    -------
    str
        GeoJSON text: lon/lat, polygons right-hand rule, coordinates rounded to 6 decimals.
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geom_col = gdf.geometry.name
    props_cols = [c for c in gdf.columns if c != geom_col]
    feats = []
    for row in gdf.itertuples(index=False):
        rec = row._asdict()
        props = {**(extra or {}), **{c: rec[c] for c in props_cols}}
        feats.append(feature_text(props, rec[geom_col]))
    return feature_collection_text(feats)


MENTION_FIELDS = ["start", "end", "text", "place_id", "name", "kind", "country", "type", "confidence"]

#: Columns added by ``explain``: the one-line why, the score, and the runner-up reading.
WHY_FIELDS = ["why", "score", "runner_up", "runner_up_name", "runner_up_score"]


def mentions_csv(
    mentions: Iterable[Any],
    text: str | None = None,
    source: str | None = None,
    on: Any = None,
    explain: bool = False,
) -> str:
    """Mentions as CSV text (one row per mention), with a header.

    Parameters
    ----------
    mentions : iterable of Mention
        From ``geoparse.geoparse``.
    text : str, optional
        The article text; when given, a ``context`` column shows up to 40 characters either side.
    source : str, optional
        When given, a leading ``source`` column.
    on : datetime.date, optional
        When given, a ``date`` column: the date the mentions were resolved on (ISO).
    explain : bool
        Add :data:`WHY_FIELDS` from each mention's ``why`` (empty where a mention has none).
    """
    buf = io.StringIO()
    fields = (["source"] if source is not None else []) + MENTION_FIELDS + (["context"] if text else [])
    fields += ["date"] if on is not None else []
    fields += WHY_FIELDS if explain else []
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for m in mentions:
        row = {f: getattr(m, f) for f in MENTION_FIELDS}
        if source is not None:
            row["source"] = source
        if text:
            row["context"] = " ".join(text[max(0, m.start - 40) : m.end + 40].split())
        if on is not None:
            row["date"] = on.isoformat()
        why = getattr(m, "why", None) if explain else None
        if why is not None:
            ru = why.runner_up
            row["why"] = why.summary
            row["score"] = "" if why.score is None else round(why.score, 3)
            row["runner_up"] = ru.place_id if ru else ""
            row["runner_up_name"] = ru.name if ru else ""
            row["runner_up_score"] = "" if ru is None or ru.score is None else ru.score
        w.writerow(row)
    return buf.getvalue()
