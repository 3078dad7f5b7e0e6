"""check_claims: extract the readings of a text, measure each on the bundled data, judge it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dashboard.claims.extract import Extractor, as_mention
from dashboard.claims.judge import cannot_check, judge
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


def _other_senses(m: Mention) -> list[Mention]:
    """Other places the mention's words name in the gazetteer (of kinds the geoparser could have chosen)."""
    try:
        ids = [i for i in _gaz().lookup(m.text) if i != m.place_id]
    except Exception:
        return []
    out = []
    for pid in ids[:MAX_OTHER_SENSES]:
        try:
            name = str(_gaz().place(pid)["name"])
        except KeyError:
            continue
        out.append(replace(m, place_id=pid, name=name, kind=pid.split(":", 1)[0]))
    return out


def _second_opinion(r: Reading, claim: Claim, on: date) -> Claim:
    """A "differs" that holds under another sense of an ambiguous name becomes "cannot check".

    A wrong verdict accuses the article; a place name resolved to the wrong town (Austin, Texas for Austin,
    Indiana) is likelier than a reporter's error when another sense makes the claim true.
    """
    for role in ("subject", "object"):
        m = getattr(r, role)
        if m is None or m.kind == "alliance":
            continue
        for other in _other_senses(m):
            alt = _check(replace(r, **{role: other}), on)
            if alt.verdict == "consistent":
                return replace(
                    claim,
                    verdict="cannot check",
                    confidence="low",
                    reason=(
                        f"'{m.text}' was read as {m.name} ({m.place_id}), where the claim does not hold "
                        f"(computed {claim.computed}); it holds for {other.name} ({other.place_id}), another "
                        "place of that name, so which place is meant decides"
                    ),
                    details={
                        **claim.details,
                        "other_sense": other.place_id,
                        "other_sense_computed": alt.computed,
                    },
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
        Sorted by offset. Text without numbers with units, border verbs or size comparisons gives no claims.
    """
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
        claims.append(c)
    claims.sort(key=lambda c: (c.start, KINDS.index(c.kind)))
    return claims
