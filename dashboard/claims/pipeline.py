"""check_claims: extract the readings of a text, measure each on the bundled data, judge it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache

from dashboard.claims.extract import Extractor, as_mention
from dashboard.claims.judge import cannot_check, cannot_check_after_all, judge
from dashboard.claims.measure import CannotCheck, measure
from dashboard.claims.record import KINDS, Claim, Mention, Reading

#: What each check would measure, for claims the sentence itself leaves uncheckable.
METHODS: dict[str, str] = {
    "route_length": "geodesic length of a bundled route",
    "border_length": "geodesic length (WGS 84) of the boundary shared by Natural Earth 1:10m polygons",
    "land_border": "geodesic length (WGS 84) of the country's whole land border",
    "border_share": "share of the country's land border",
    "adjacency": "boundary shared by two bundled polygons",
    "area": "geodesic area of a bundled polygon",
    "distance": "geodesic distance (WGS 84)",
    "size": "ratio of the geodesic areas of the bundled polygons",
    "rank": "rank by geodesic area among bundled polygons",
}
#: At most this many other senses of a name are tried before a claim is called wrong.
MAX_OTHER_SENSES = 8
#: A distance between towns this many times off the stated one means other towns of those names, not a
#: reporter's error: the gazetteer holds towns above a population threshold only ("Austin" read as Austin,
#: Texas when the article means Austin, Indiana, 35 miles from Louisville).
IMPLAUSIBLE_DISTANCE_RATIO = 3.0


def _gaz():
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer()


def _check(r: Reading, on: date) -> Claim:
    if r.missing:
        return cannot_check(r, r.missing, METHODS[r.check])
    try:
        return judge(r, measure(r, on))
    except CannotCheck as e:
        return cannot_check(r, e.reason, e.method)
    except (KeyError, ValueError) as e:  # an id from another data version, an empty geometry
        return cannot_check(
            r, f"the bundled data has no usable feature for this claim ({e})", METHODS[r.check]
        )


@cache
def _country_of(place_id: str) -> str | None:
    if place_id.startswith("country:"):
        return place_id.split(":", 1)[1]
    try:
        c = _gaz().place(place_id).get("country")
    except KeyError:
        return None
    return str(c) if c is not None and c == c else None


@cache
def _name_of(place_id: str) -> str | None:
    try:
        return str(_gaz().place(place_id)["name"])
    except KeyError:
        return None


def _other_senses(m: Mention, near: Mention | None) -> list[Mention]:
    """Other places the mention's words name that a reader could mean here.

    For a town, only towns in the same country as the other place of the claim (a local paper's "Austin"
    35 miles from Louisville); for an area, other areas ("Georgia" the country or the US state).
    """
    try:
        ids = [i for i in _gaz().lookup(m.text) if i != m.place_id]
    except KeyError:
        return []
    home = _country_of(near.place_id) if near is not None else None
    out = []
    for pid in ids:
        kind = pid.split(":", 1)[0]
        if (kind == "city") != (m.kind == "city"):
            continue
        if kind == "city" and (home is None or _country_of(pid) != home):
            continue
        name = _name_of(pid)
        if name is None:
            continue
        out.append(replace(m, place_id=pid, name=name, kind=kind))
        if len(out) >= MAX_OTHER_SENSES:
            break
    return out


def _second_opinion(r: Reading, claim: Claim, on: date) -> Claim:
    """A "differs" that holds under another sense of an ambiguous name becomes "cannot check".

    A wrong verdict accuses the article; a place name resolved to the wrong town (Austin, Texas for Austin,
    Indiana) is likelier than a reporter's error when another sense makes the claim true.
    """
    subj, obj, q = r.subject, r.object, r.quantity
    if (
        r.check == "distance"
        and subj is not None
        and obj is not None
        and q is not None
        and "city" in (subj.kind, obj.kind)
    ):
        measured = claim.details.get("nearest_km") or 0.0
        stated = q.km
        ratio = max(measured, stated) / max(min(measured, stated), 1e-9)
        if ratio > IMPLAUSIBLE_DISTANCE_RATIO:
            return cannot_check_after_all(
                claim,
                (
                    f"{subj.name} and {obj.name} as read are {measured:,.0f} km apart, more than "
                    f"{IMPLAUSIBLE_DISTANCE_RATIO:g} times the stated distance: the sentence most likely "
                    "means "
                    "other places of these names (the data holds larger towns only)"
                ),
            )
    for role, other_role in (("subject", "object"), ("object", "subject")):
        m = getattr(r, role)
        if m is None or m.kind == "alliance":
            continue
        for other in _other_senses(m, getattr(r, other_role)):
            alt = _check(replace(r, subject=other) if role == "subject" else replace(r, object=other), on)
            if alt.verdict == "consistent":
                return cannot_check_after_all(
                    claim,
                    (
                        f"'{m.text}' was read as {m.name} ({m.place_id}), where the claim does not hold "
                        f"(computed {claim.computed}); it holds for {other.name} ({other.place_id}), another "
                        "place of that name, so which place is meant decides"
                    ),
                    other_sense=other.place_id,
                    other_sense_computed=alt.computed,
                )
    return claim


def check_claims(text: str, *, on: date | None = None, mentions: list | None = None) -> list[Claim]:
    """Find the geographic claims in ``text`` and check each against the bundled geodata.

    Parameters
    ----------
    text : str
        The whole article text; claim offsets index it.
    on : date, optional
        The article's date: decides alliance membership for border shares. Defaults to today.
    mentions : list of Mention, optional
        The geoparser's mentions of ``text`` (objects or dicts with start, end, text, place_id, name, kind,
        type); computed with :func:`dashboard.geoparse.geoparse` when not given.

    Returns
    -------
    list of Claim
        Sorted by offset, each with ``date`` (ISO: ``on``, else today). Text without numbers with units,
        border verbs or size comparisons gives no claims.
    """
    from dashboard.historic import as_date

    on = as_date(on)  # a datetime or ISO string (a corpus record's) is read as its day
    if mentions is None:
        from dashboard.geoparse import geoparse

        mentions = geoparse(text, on=on)
    day = on or date.today()
    claims = []
    for r in Extractor(text, [as_mention(m) for m in mentions]).run():
        c = _check(r, day)
        if c.verdict == "differs":
            c = _second_opinion(r, c, day)
        if r.check == "border_share" and on is None and c.details.get("date"):
            c.details["date_note"] = "today (the article has no date)"
        claims.append(replace(c, date=day.isoformat()))
    claims.sort(key=lambda c: (c.start, KINDS.index(c.kind)))
    return claims
