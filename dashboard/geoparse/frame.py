"""The places frame: one row per place mentioned, with its geometry (geopandas, imported when called)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard import historic
from dashboard.geoparse.parser import geoparse
from dashboard.geoparse.records import Mention

if TYPE_CHECKING:
    import geopandas as gpd

    from dashboard.article import Article

#: The frame's columns (``why`` is added when explanations are asked for).
COLUMNS = ["place_id", "name", "kind", "country", "count", "mentions", "members", "years", "date", "geometry"]


def places_frame(
    mentions: Iterable[Mention], *, on: date | None = None, display: bool = False, explain: bool = False
) -> gpd.GeoDataFrame:
    """One row per place mentioned, with its geometry.

    Parameters
    ----------
    mentions : iterable of Mention
        From :func:`~dashboard.geoparse.geoparse`.
    on : datetime.date, optional
        Date for alliance membership (default: today).
    display : bool
        Use the simplified display geometry.
    explain : bool
        Add a ``why`` column (the one-line summary of the place's first explained mention) and a ``why`` to
        each entry of ``mentions`` (the whole record); mentions parsed with ``explain=True`` carry them.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``place_id, name, kind, country, count, mentions, members, years, date, geometry``
        (EPSG:4326), then ``why`` with ``explain``; ``years`` is a historic state's life ("1949–1990"),
        else None; ``date`` the ISO date the places are resolved on (the article's, else today's).
    """
    import geopandas as gpd

    from dashboard import settings
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    day = historic.as_date(on) or date.today()
    shape = _display_shapes(gaz) if display else None
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.place_id, []).append(m)
    rows = []
    for pid, ms in groups.items():
        first = ms[0]
        members = None
        if first.kind == "alliance":
            when = historic.alliance_day(gaz, pid, day)  # a defunct alliance: its last members
            members = list(gaz.members(pid, when))
            geom = shape.union(tuple(members)) if shape is not None else None
            if geom is None:
                geom = gaz.geometry(pid, display=display, on=when)
        else:
            geom = _stored_shape(shape, pid)
            if geom is None:
                geom = gaz.geometry(pid, display=display)
        entries = []
        for m in ms:
            entry: dict[str, Any] = {
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "type": m.type,
                "confidence": m.confidence,
            }
            if explain:
                entry["why"] = m.why.to_dict() if m.why is not None else None
            entries.append(entry)
        row = {
            "place_id": pid,
            "name": first.name,
            "kind": first.kind,
            "country": first.country,
            "count": len(ms),
            "mentions": entries,
            "members": members,
            "years": historic.years(pid),
            "date": day.isoformat(),
            "geometry": geom,
        }
        if explain:
            row["why"] = next((m.why.summary for m in ms if m.why is not None), None)
        rows.append(row)
    cols = COLUMNS + (["why"] if explain else [])
    return gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=settings.CRS)


def _stored_shape(store: Any, pid: str) -> Any:
    """A place's display geometry from the saved store, or None (no store, or not in it)."""
    if store is None:
        return None
    try:
        return store.shape(pid)
    except KeyError:
        return None


def _display_shapes(gaz: Any) -> Any:
    """The saved geometry store (display geometry as WKB, memory-mapped), or None: then the gazetteer reads
    its display layers. The store belongs to these geodata files only (its key covers them)."""
    from dashboard import geomstore, settings

    if Path(gaz.root).resolve() != settings.GEODATA_DIR.resolve():
        return None
    return geomstore.load_saved()


def geoparse_article(article: Article, *, display: bool = False, explain: bool = False) -> gpd.GeoDataFrame:
    """Geoparse an :class:`~dashboard.article.Article` into one row per place (its date sets alliances); with
    ``explain``, the frame has a ``why`` column (see :func:`places_frame`)."""
    mentions = geoparse(article.text, on=article.date, explain=explain)
    return places_frame(mentions, on=article.date, display=display, explain=explain)
