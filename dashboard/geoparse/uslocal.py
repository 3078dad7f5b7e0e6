"""US local news: counties ("Henry County"), the state an article is about, state abbreviations ("Calif.")."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from dashboard import lexicon, placekinds
from dashboard.geoparse.records import Candidate, Span
from dashboard.placekinds import MentionType

# "Henry County", "Rapides Parish": a county the gazetteer lacks resolves to its state.
_COUNTY: Final = re.compile(r"\b((?:[A-Z][\w'\u2019.-]*[ \t]){1,3})(County|Parish)\b")

#: Confidence of an "X County" the gazetteer lacks, resolved to the article's US state.
COUNTY_AS_STATE_CONFIDENCE: Final = 0.4

#: Display polygons are simplified: a town on a county's border may fall this far (degrees) outside.
COUNTY_TOLERANCE_DEG: Final = 0.03

#: The stand-in reading of an "X County" span the gazetteer lacks (resolved to the article's US state).
COUNTY_PLACEHOLDER: Final = Candidate(
    place_id="county:",
    name="",
    kind="county",
    country=None,
    population=0,
    primary=True,
    type=MentionType.LITERAL,
    upper=False,
    prior=placekinds.BY_NAME["county"].prior or 0.0,
    province=None,
    capital=False,
)


def is_placeholder(cands: Sequence[Candidate]) -> bool:
    """Whether a span's readings are the "X County" stand-in."""
    return bool(cands) and cands[0] is COUNTY_PLACEHOLDER


#: "Calif.", "Miss.", "W.Va.": US states' abbreviations, with their period (-> the state's ISO code).
STATE_ABBREVIATIONS: Final = lexicon.US_STATE_ABBREVIATIONS


def is_state_abbreviation(name: str) -> bool:
    """Whether a name is a US state's abbreviation ("Calif.")."""
    return name in STATE_ABBREVIATIONS


def add_counties(text: str, spans: list[Span]) -> list[Span]:
    """Add "X County" spans the gazetteer lacks (replacing a town matched inside them), to be resolved to
    the article's state; where the gazetteer has the county itself, its polygon is resolved instead."""
    if "County" not in text and "Parish" not in text:  # cheap first: most articles name no county
        return spans
    counties = [(m.start(), m.end()) for m in _COUNTY.finditer(text)]
    if not counties:
        return spans
    real = [(sp.start, sp.end) for sp in spans if any(c.kind == "county" for c in sp.cands)]
    counties = [(cs, ce) for cs, ce in counties if not any(rs < ce and cs < re_ for rs, re_ in real)]
    if not counties:
        return spans
    out = [sp for sp in spans if not any(cs < sp.end and sp.start < ce for cs, ce in counties)]
    out += [Span(-1, -1, cs, ce, [COUNTY_PLACEHOLDER]) for cs, ce in counties]
    out.sort(key=_start)
    return out


def _start(sp: Span) -> int:
    return sp.start


def article_state(picks: list[Candidate]) -> str | None:
    """The US state a local article is about: the most voted US province among the picks (a state itself,
    or the state of a town or county)."""
    states: dict[str, int] = {}  # (a dict and max, not a Counter: the same first-counted winner, cheaper)
    for b in picks:
        if b.country == "USA":
            state = b.place_id if b.kind == "province" else b.province
            if state:
                states[state] = states.get(state, 0) + 1
    return max(states.items(), key=_count)[0] if states else None


def _count(item: tuple[str, int]) -> int:
    return item[1]


def containment(
    spans: list[Span],
    surfs: list[str],
    counties: Callable[[], Mapping[str, Any]],
    coords: Callable[[], Mapping[str, tuple[float, float]]],
) -> list[set[str]]:
    """Per span, the candidates that pair a town with a county of the article it lies in.

    "Huntsville ... Walker County": of the Huntsvilles and Walker Counties, the pair where the town lies
    inside the county (Texas), not the two most populous ones (Alabama). ``counties`` and ``coords`` load
    the county polygons and city points on first need.
    """
    out: list[set[str]] = [set() for _ in spans]
    # (one flat pass over every reading: most articles name no county)
    county_k = [k for k, sp in enumerate(spans) for c in sp.cands if c.kind == "county" and c.province]
    if not county_k:
        return out
    county_k = list(dict.fromkeys(county_k))
    # Towns in US states only: county candidates are all American.
    town_k = [
        k for k, sp in enumerate(spans) if any(c.kind == "city" and c.country == "USA" for c in sp.cands)
    ]
    if not town_k:
        return out
    polys, points = counties(), coords()
    if not polys or not points:
        return out
    import shapely

    towns_by_state: dict[str, list[tuple[int, str, float, float]]] = {}
    for k in town_k:
        for c in spans[k].cands:
            if c.kind == "city" and c.province and c.place_id in points:
                lat, lon = points[c.place_id]
                towns_by_state.setdefault(c.province, []).append((k, c.place_id, lon, lat))
    for k in county_k:
        for c in spans[k].cands:
            towns = towns_by_state.get(c.province or "")
            poly = polys.get(c.place_id)
            if not towns or poly is None:
                continue
            towns = [t for t in towns if surfs[t[0]] != surfs[k]]
            if not towns:
                continue
            xy = np.array([(t[2], t[3]) for t in towns], dtype=float)
            hit = shapely.dwithin(poly, shapely.points(xy), COUNTY_TOLERANCE_DEG)
            for t, h in zip(towns, hit.tolist(), strict=True):
                if h:
                    out[k].add(c.place_id)
                    out[t[0]].add(t[1])
    return out


def county_polygons() -> dict[str, Any]:
    """County id -> polygon: from the saved geometry store (no geopandas), else the gazetteer's display
    layer."""
    from dashboard import geomstore

    store = geomstore.load_saved()
    if store is not None:
        shapes = store.shapes("county")
        if shapes:
            return shapes
    from dashboard.gazetteer import get_gazetteer

    layer = get_gazetteer().layer("county", display=True)
    return dict(zip(layer["id"].tolist(), layer.geometry.values, strict=True))
