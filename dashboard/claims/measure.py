"""Measure what a reading needs on the bundled data: lengths, areas, distances, borders, ranks; pure.

Every function takes a :class:`Reading` and returns a :class:`Measurement` (values in km, km², %, a size
ratio or a rank) or raises :class:`CannotCheck` with a reason a reader understands. Border geometry lives in
the gazetteer; this module only asks it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from dashboard import placekinds
from dashboard.claims.record import Measurement, Mention, Reading
from dashboard.claims.tolerances import MIN_BORDER_KM, RANK_TIE, TOUCH_KM
from dashboard.claims.units import in_unit

#: Kinds whose polygons are authored or generalised beyond 1:10m (regions, seas): their measurements are
#: less exact. From the registry, :mod:`dashboard.placekinds`.
ROUGH_KINDS: frozenset[str] = placekinds.kinds_where(rough=True)
#: Kinds whose area a claim can measure (countries, provinces, regions, continents, seas).
AREA_KINDS: frozenset[str] = placekinds.kinds_where(area_metric=True)


#: Names the geoparser maps to a larger place (a constituent country to the United Kingdom, Gaza to
#: Palestine): the larger place's area, borders and distances are not theirs.
PART_NAMES: frozenset[str] = frozenset({"england", "scotland", "wales", "northern ireland", "gaza"})
#: Country types (Natural Earth ``ne_type``) that count as peers in a rank of countries.
SOVEREIGN_TYPES: frozenset[str] = frozenset({"Sovereign country", "Sovereignty"})
#: Province names that are no state of their own in a rank of states.
NOT_A_STATE = re.compile(r"\b(?:District|Territory|Capital|Federal)\b")
#: Rank claims count a country's parts within this many degrees (about 500 km) of its largest part:
#: "Europe's largest countries" are not measured with French Guiana or Greenland.
MAINLAND_DEG: float = 5.0


class CannotCheck(Exception):
    """The data cannot check a reading; ``reason`` says what is missing, ``method`` what would be measured."""

    def __init__(self, reason: str, method: str):
        super().__init__(reason)
        self.reason = reason
        self.method = method


@cache
def _geod():
    from pyproj import Geod

    return Geod(ellps="WGS84")


def _gaz():
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer()


def geodesic_length_km(geom) -> float:
    """Geodesic length (WGS 84 ellipsoid) of a line or of a polygon's boundary, in km."""
    return _geod().geometry_length(geom) / 1000.0


@cache
def geodesic_area_km2_of(place_id: str) -> float:
    """Geodesic area (WGS 84 ellipsoid) of a bundled place's polygon, in km²."""
    area, _ = _geod().geometry_area_perimeter(_gaz().geometry(place_id))
    return abs(area) / 1e6


def _own_extent(m: Mention, method: str) -> None:
    """Raise CannotCheck when the mention names only part of the place it was resolved to."""
    words = m.text.lower().removeprefix("the ")
    if words in PART_NAMES and words != m.name.lower():
        raise CannotCheck(
            f"{m.text} is not bundled as a place of its own (it is read as {m.name}), so its extent "
            "cannot be "
            "measured",
            method,
        )


def _geometry(m: Mention, method: str):
    _own_extent(m, method)
    try:
        return _gaz().geometry(m.place_id)
    except KeyError as e:
        raise CannotCheck(f"the bundled data has no feature {m.place_id} ({m.name})", method) from e


def _polygon(m: Mention, method: str, role: str = ""):
    geom = _geometry(m, method)
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        what = "a point" if geom.geom_type == "Point" else "a line"
        raise CannotCheck(
            f"{m.name}{role} is {what} in the bundled data, not an area (no polygon to measure)", method
        )
    return geom


def need_place(m: Mention | None, role: str) -> Mention:
    """The reading's ``role`` place; extract marks a sentence without one ``missing``, so it is set here."""
    if m is None:
        raise CannotCheck(f"the sentence names no {role} place", "")
    return m


def _exactness(*ms: Mention | None) -> str:
    return "medium" if any(m is not None and m.kind in ROUGH_KINDS for m in ms) else "high"


@cache
def shared_border_km(a: str, b: str) -> float:
    """Length in km of the boundary places ``a`` and ``b`` share (0 if they don't touch; the gazetteer's)."""
    return _gaz().shared_border_km(a, b)


@cache
def land_border_km(a: str) -> float:
    """Total length in km of country ``a``'s land border with all other countries."""
    return _gaz().land_border_km(a)


def _country_id(iso3_or_id: str) -> str:
    return iso3_or_id if ":" in iso3_or_id else f"country:{iso3_or_id}"


@cache
def _members(alliance_id: str, on: date) -> tuple[str, ...]:
    """Country ids of an alliance's members on a day (the membership table, read once per day)."""
    return tuple(_country_id(c) for c in _gaz().members(alliance_id, on))


def _border_with(a: str, members: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for b in members:
        if b != a:
            km = shared_border_km(a, b)
            if km > 0:
                per[b] = round(km, 1)
    return sum(per.values()), per


@cache
def _published_length_of(place_id: str) -> float | None:
    return _published_length(_gaz().place(place_id))


def _published_length(row) -> float | None:
    v = row.get("length_km") if hasattr(row, "get") else None
    try:
        return float(v) if v is not None and v == v else None
    except (TypeError, ValueError):
        return None


# -- one function per check -------------------------------------------------------------------------------


def route_length(r: Reading, on: date) -> Measurement:
    """Geodesic length of a bundled route (a pipeline)."""
    subj = need_place(r.subject, "subject")
    method = f"geodesic length (pyproj Geod, WGS 84 ellipsoid) of the bundled route {subj.place_id}"
    geom = _geometry(subj, method)
    km = geodesic_length_km(geom)
    details: dict = {"computed_km": round(km, 1)}
    published = _published_length_of(subj.place_id)
    if published is not None:
        details["published_km"] = published
    return Measurement("route_length", km, km, method, details, (subj.place_id,))


def border_length(r: Reading, on: date) -> Measurement:
    """Length of the border two places share (``object`` given) or of a country's whole land border."""
    a, b = need_place(r.subject, "subject"), r.object
    for m in (a, b):
        if m is not None:
            _own_extent(m, "geodesic length (WGS 84) of a border")
    if b is None:
        method = "geodesic length (WGS 84) of the country's whole land border (Natural Earth 1:10m)"
        km = land_border_km(a.place_id)
    else:
        method = "geodesic length (WGS 84) of the boundary shared by Natural Earth 1:10m country polygons"
        km = shared_border_km(a.place_id, b.place_id)
    details: dict = {"shared_border_km": round(km, 1)}
    ids = (a.place_id,) if b is None else (a.place_id, b.place_id)
    out = Measurement("border_length", km, km, method, details, ids)
    if km <= 0:
        details["note"] = "the two places share no border in the data"
    return out


def border_share(r: Reading, on: date) -> Measurement:
    """Share (%) of a country's land border with an alliance (members on ``on``) or a list of countries."""
    subj = need_place(r.subject, "subject")
    method = "share of the country's land border"
    _own_extent(subj, method)
    alliance = r.object if r.object is not None and r.object.kind == "alliance" else None
    if alliance is not None:
        group = list(_members(alliance.place_id, on))
        who = f"members of {alliance.name} on {on.isoformat()} (membership table)"
    else:
        group = list(dict.fromkeys(x.place_id for x in r.group))
        who = ", ".join(dict.fromkeys(x.name for x in r.group))
    if not group:
        raise CannotCheck("no group of countries is named after the border", method)
    total = land_border_km(subj.place_id)
    if not total:
        raise CannotCheck(f"{subj.name} has no land border in the data", method)
    part, per = _border_with(subj.place_id, group)
    pct = 100.0 * part / total
    details: dict = {
        "date": on.isoformat(),
        "land_border_km": round(total, 1),
        "shared_border_km": round(part, 1),
        "per_country_km": per,
    }
    if alliance is not None:
        details["members"] = sorted(group)
        today = date.today()
        now_group = list(_members(alliance.place_id, today))
        now_part, now_per = _border_with(subj.place_id, now_group)
        details["now"] = {
            "date": today.isoformat(),
            "computed": round(100.0 * now_part / total, 2),
            "shared_border_km": round(now_part, 1),
            "per_country_km": now_per,
        }
    method = (
        f"land border of {subj.name} with {who} / its whole land border; lengths geodesic (WGS 84) "
        "on Natural Earth 1:10m admin-0 polygons (internationally recognised borders)"
    )
    return Measurement("border_share", pct, pct, method, details, (subj.place_id, *per.keys()))


def adjacency(r: Reading, on: date) -> Measurement:
    """Length of the boundary the two places share (a border if longer than MIN_BORDER_KM)."""
    a, b = need_place(r.subject, "subject"), need_place(r.object, "object")
    method = "boundary shared by the two Natural Earth 1:10m polygons, length geodesic (WGS 84) in km"
    for m in (a, b):
        _polygon(m, method)
    km = shared_border_km(a.place_id, b.place_id)
    if km <= MIN_BORDER_KM:
        gap = _gap_km(a.place_id, b.place_id)
        if r.noun == "neighbour" and not r.negated:
            raise CannotCheck(
                f"{a.name} and {b.name} share no land border in the data ({gap:,.0f} km apart); whether they "
                "are neighbours across the sea or the region is a matter of words, not of the map",
                method,
            )
        if gap < TOUCH_KM:
            raise CannotCheck(
                f"{a.name} and {b.name} touch at a point in the 1:10m data ({km:.1f} km of common boundary, "
                f"{gap:.1f} km apart): a border this short cannot be told from none at this scale",
                method,
            )
    cross = a.place_id.split(":")[0] != b.place_id.split(":")[0]
    if cross:
        method += " (a province and a country: their boundaries within about 2 km of each other)"
    details = {
        "shared_border_km": round(km, 1),
        "stated_adjacent": not r.negated,
        "adjacent": km > MIN_BORDER_KM,
    }
    conf = "medium" if cross or _exactness(a, b) != "high" else "high"
    return Measurement("adjacency", km, km, method, details, (a.place_id, b.place_id), conf)


@cache
def _nearest_km(a: str, b: str) -> float:
    """Geodesic distance in km between the nearest points of two places."""
    from shapely.ops import nearest_points

    pa, pb = nearest_points(_gaz().geometry(a), _gaz().geometry(b))
    return _geod().inv(pa.x, pa.y, pb.x, pb.y)[2] / 1000.0


def _gap_km(a: str, b: str) -> float:
    """Distance in km between two areas' nearest points (inf if one lies inside the other)."""
    ga, gb = _gaz().geometry(a), _gaz().geometry(b)
    if ga.contains(gb.representative_point()) or gb.contains(ga.representative_point()):
        return float("inf")  # a province inside its country: containment, not a touch
    return _nearest_km(a, b)


def _area_range(place_id: str) -> tuple[float, float]:
    """(without far overseas parts, whole polygon) in km²: "France" is 551,000 or 643,000 km² in print."""
    whole = geodesic_area_km2_of(place_id)
    return min(_mainland_km2(place_id), whole), whole


def area(r: Reading, on: date) -> Measurement:
    """Geodesic area of the subject's polygon, with and without parts far overseas."""
    subj = need_place(r.subject, "subject")
    method = (
        f"geodesic area (pyproj Geod, WGS 84 ellipsoid) of the bundled polygon {subj.place_id}, with "
        f"and without parts more than {MAINLAND_DEG:g} degrees from its largest part (overseas territories)"
    )
    _polygon(subj, method)
    lo, hi = _area_range(subj.place_id)
    details = {"computed_km2": round(hi, 1)}
    if lo < hi:
        details["mainland_km2"] = round(lo, 1)
    return Measurement(
        "area",
        lo,
        hi,
        method,
        details,
        (subj.place_id,),
        _exactness(subj),
    )


def distance(r: Reading, on: date) -> Measurement:
    """Geodesic distance between two places: a range from nearest points to centres when one is an area."""
    subj, obj = need_place(r.subject, "subject"), need_place(r.object, "object")
    import shapely

    method = "geodesic distance (WGS 84) between the two places' points"
    ga, gb = _geometry(subj, method), _geometry(obj, method)
    geod = _geod()
    pa = shapely.point_on_surface(ga) if ga.geom_type != "Point" else ga
    pb = shapely.point_on_surface(gb) if gb.geom_type != "Point" else gb
    centre_km = geod.inv(pa.x, pa.y, pb.x, pb.y)[2] / 1000.0
    if ga.geom_type == "Point" and gb.geom_type == "Point":
        lo = hi = centre_km
    else:
        if ga.intersects(gb) and (
            ga.geom_type == "Point" or gb.geom_type == "Point" or ga.contains(gb) or gb.contains(ga)
        ):
            inner, outer = (subj, obj) if ga.geom_type == "Point" or gb.contains(ga) else (obj, subj)
            raise CannotCheck(
                f"{inner.name} lies inside {outer.name} in the data: no distance between them to compare "
                "(the sentence probably measures from another place)",
                method,
            )
        near_km = _nearest_km(subj.place_id, obj.place_id)
        lo, hi = min(near_km, centre_km), max(near_km, centre_km)
        method = (
            "geodesic distance (WGS 84): between the nearest points of the areas and between their "
            "representative points (point on surface); the claim is consistent anywhere in that range"
        )
    details = {"nearest_km": round(lo, 1), "representative_points_km": round(centre_km, 1)}
    ids = (subj.place_id, obj.place_id)
    return Measurement("distance", lo, hi, method, details, ids, _exactness(subj, obj))


def size(r: Reading, on: date) -> Measurement:
    """A size comparison: the ratio of two areas, or a stated area against the object's area."""
    obj = need_place(r.object, "object")
    method = "ratio of the geodesic areas (WGS 84) of the bundled polygons"
    _polygon(obj, method, " (the place compared with)")
    obj_km2 = geodesic_area_km2_of(obj.place_id)
    details: dict = {"object_km2": round(obj_km2, 1), "factor": r.factor}
    subj = r.subject
    if subj is not None:
        _polygon(subj, method)
        subj_km2 = geodesic_area_km2_of(subj.place_id)
        ratio = subj_km2 / obj_km2
        # With or without far overseas parts ("France" with French Guiana or not): every pairing counts.
        ratios = [s / o for s in _area_range(subj.place_id) for o in _area_range(obj.place_id)]
        details |= {"subject_km2": round(subj_km2, 1), "ratio": round(ratio, 3)}
        if max(ratios) - min(ratios) > 1e-6:
            details |= {"ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3)}
        method = (
            f"geodesic area of {subj.name} ({subj_km2:,.0f} km²) / geodesic area of {obj.name} "
            f"({obj_km2:,.0f} km²), bundled polygons, WGS 84; with and without parts more than "
            f"{MAINLAND_DEG:g} degrees from a country's largest part"
        )
        return Measurement(
            "size",
            min(ratios),
            max(ratios),
            method,
            details,
            (subj.place_id, obj.place_id),
            _exactness(subj, obj),
        )
    if r.quantity is None or r.quantity.dimension != "area":
        raise CannotCheck(
            f"the sentence compares something that is not a bundled place with {obj.name}, and does not "
            "state "
            "its area",
            method,
        )
    # "burned 8,000 sq km, an area the size of X": the stated area against X's area (times the factor).
    target = obj_km2 * (r.factor or 1.0)
    method = (
        f"the stated area against {r.factor or 1:g} x the geodesic area of {obj.name} "
        f"({obj_km2:,.0f} km², bundled polygon, WGS 84)"
    )
    m = Measurement("size_area", target, target, method, details, (obj.place_id,), _exactness(obj))
    m.computed = round(in_unit(target, r.quantity.unit), 1)
    return m


@cache
def _ranked(container: str, kind: str) -> tuple[tuple[str, float], ...]:
    """Features of ``kind`` in ``container`` with their geodesic areas, largest first."""
    import shapely

    gaz = _gaz()
    ckind = container.split(":", 1)[0]
    if kind == "country" and ckind == "continent":
        gdf = gaz.layer("country")
        ids = list(gdf.index[gdf["continent"] == gaz.place(container)["name"]])
    elif kind == "country" and ckind == "region":
        gdf = gaz.layer("country")
        region = gaz.geometry(container)
        pts = shapely.point_on_surface(gdf.geometry.values)
        ids = list(gdf.index[shapely.contains(region, pts)])
    elif kind == "province" and ckind == "country":
        gdf = gaz.layer("province")
        ids = list(gdf.index[gdf["country"] == container.split(":", 1)[1]])
    else:
        return ()
    return tuple(sorted(((i, _mainland_km2(i)) for i in ids), key=lambda t: -t[1]))


@cache
def _mainland_km2(place_id: str) -> float:
    """Geodesic area of a place without its parts farther than MAINLAND_DEG from its largest part."""
    import shapely

    geom = _gaz().geometry(place_id)
    parts = shapely.get_parts(geom)
    area = geodesic_area_km2_of(place_id)
    if len(parts) > 1:
        main = parts[int(shapely.area(parts).argmax())]
        for far in parts[shapely.distance(parts, main) > MAINLAND_DEG]:
            area -= abs(_geod().geometry_area_perimeter(far)[0]) / 1e6
    return area


@cache
def _is_peer(place_id: str, kind: str) -> bool:
    """A sovereign country, or a province that is a state (not a capital district or territory)."""
    row = _gaz().place(place_id)
    if kind == "country":
        return str(row.get("ne_type")) in SOVEREIGN_TYPES
    return not NOT_A_STATE.search(str(row["name"]))


def rank(r: Reading, on: date) -> Measurement:
    """Rank by geodesic area of the subject among the bundled features of its kind in the container.

    Two ranks: among all features, and among peers only (sovereign countries; states without capital
    districts and territories) clearly ahead (by more than RANK_TIE). A stated rank anywhere between the two
    is consistent: whether Greenland or the District of Columbia counts is the writer's choice, and areas
    within a few percent are ties in 1:10m data.
    """
    kind = "country" if r.noun in ("country", "nation") else "province"
    subj, container = need_place(r.subject, "subject"), need_place(r.object, "object")
    method = (
        f"{kind} polygons in {container.name} ranked by geodesic area (WGS 84; parts more than "
        f"{MAINLAND_DEG:g} degrees from a country's largest part, such as overseas territories, left out), "
        "once among all and once among sovereign countries or states only; members of a continent from "
        "Natural Earth's continent field, of a region by their point on surface, of a country its provinces"
    )
    _own_extent(subj, method)
    _own_extent(container, method)
    ranked = _ranked(container.place_id, kind)
    if not ranked:
        raise CannotCheck(f"the data cannot list the {r.noun or kind} areas of {container.name}", method)
    order = list(ranked) if r.superlative == "largest" else list(reversed(ranked))
    ids = [i for i, _ in order]
    if subj.place_id not in ids:
        raise CannotCheck(f"{subj.name} is not a {kind} of {container.name} in the bundled data", method)
    got = ids.index(subj.place_id) + 1
    area_of = dict(order)
    own = area_of[subj.place_id]
    # Places ahead by less than RANK_TIE are ties: the data cannot tell them apart.
    clear = [i for i in ids[: got - 1] if abs(area_of[i] - own) > RANK_TIE * own]
    peers_got = 1 + sum(_is_peer(i, kind) for i in clear)
    names = _gaz().layer(kind)["name"]
    top = [{"place_id": i, "name": str(names[i]), "km2": round(a, 0)} for i, a in order[:3]]
    details = {"rank": got, "rank_among_peers": peers_got, "of": len(ids), "top": top}
    ids_out = (subj.place_id, container.place_id)
    return Measurement("rank", peers_got, got, method, details, ids_out, "medium")


#: The measurement for each check a reading names.
MEASURES = {
    "route_length": route_length,
    "border_length": border_length,
    "land_border": border_length,
    "border_share": border_share,
    "adjacency": adjacency,
    "area": area,
    "distance": distance,
    "size": size,
    "rank": rank,
}


def measure(r: Reading, on: date) -> Measurement:
    """Measure ``r`` on the bundled data (raises CannotCheck when the data cannot)."""
    return MEASURES[r.check](r, on)
