"""Judge a reading against its measurement: one verdict rule, the constructors of "cannot check"; pure."""

from __future__ import annotations

from dataclasses import replace

from dashboard.claims.measure import PART_NAMES, CannotCheck, need_place
from dashboard.claims.record import Claim, Measurement, Mention, Reading, lowest
from dashboard.claims.tolerances import MIN_BORDER_KM, RANK_TIE, TOLERANCES, Tolerance
from dashboard.claims.units import in_unit


def within(stated: float, lo: float, hi: float, tol: Tolerance, direction: str = "about") -> bool:
    """Is a stated value compatible with the measured range ``[lo, hi]`` (all in one base unit)?

    ``direction`` comes from the hedge: "at_least" (the truth is at least ``stated``), "at_most", or "about".
    """
    down = max(tol.short * abs(stated), tol.floor)  # how far the measurement may fall short of ``stated``
    up = max(tol.long * abs(stated), tol.floor)  # ... or exceed it
    if direction == "at_least":
        return hi >= stated - down
    if direction == "at_most":
        return lo <= stated + up
    return lo <= stated + up and hi >= stated - down


def _name(m: Mention) -> str:
    """The place's name; for a part read as its whole ("Wales" as the United Kingdom) the words written."""
    return m.text if m.text.lower().removeprefix("the ") in PART_NAMES else m.name


def _base(r: Reading) -> dict:
    """The claim fields the reading decides (text, places, stated figure)."""
    q = r.quantity
    subj, obj = r.subject, r.object
    ids = [m.place_id for m in (subj, obj) if m is not None]
    obj_id, obj_name = (obj.place_id, _name(obj)) if obj else (None, None)
    if r.group and obj is None:  # "2% of its borders are with Estonia and Latvia"
        obj_id = ",".join(dict.fromkeys(x.place_id for x in r.group))
        obj_name = ", ".join(dict.fromkeys(x.name for x in r.group))
    stated, unit = (q.value, q.unit) if q else (None, None)
    if r.check == "size" and q is None:  # "twice the size of": a ratio of areas
        stated, unit = r.factor or 1.0, "x"
    elif r.check == "rank":
        stated, unit = float(r.rank or 1), "rank"
    return {
        "text": r.clause.text,
        "start": r.clause.start,
        "end": r.clause.end,
        "kind": r.kind,
        "subject": subj.place_id if subj else None,
        "subject_name": _name(subj) if subj else None,
        "object": obj_id,
        "object_name": obj_name,
        "stated": stated,
        "unit": unit,
        "hedge": q.hedge if q else None,
        "place_ids": tuple(dict.fromkeys(ids)),
    }


def _tolerance_key(r: Reading, m: Measurement | None = None) -> str:
    if r.check == "land_border":
        return "border_length"
    if r.check == "size":
        if m is not None and m.check == "size_area":
            return "size_area"
        return {"nearly": "size_nearly", "at_least": "size_bound", "at_most": "size_bound"}.get(
            r.comparison, "size_ratio"
        )
    return r.check


def _alternative(r: Reading, base_value: float | None) -> dict:
    """The parenthesised alternative ("(760-mile)") of a stated value, compared in its own unit."""
    if r.alt is None:
        return {}
    d: dict = {"stated": r.alt.value, "unit": r.alt.unit, "hedge": r.alt.hedge}
    if base_value is not None and r.alt.unit != "%":
        d["computed"] = round(in_unit(base_value, r.alt.unit), 1)
    return {"alternative": d}


def cannot_check(r: Reading, reason: str, method: str) -> Claim:
    """The one constructor for a claim the data cannot check; ``reason`` says what was missing."""
    base = _base(r)
    details = _alternative(r, None)
    if r.anaphor:
        details["resolved_from"] = r.anaphor
    return Claim(
        **base,
        computed=None,
        verdict="cannot check",
        method=method,
        tolerance=TOLERANCES[_tolerance_key(r)].text,
        reason=reason,
        details=details,
        confidence=r.confidence,
    )


def cannot_check_after_all(claim: Claim, reason: str, **details: object) -> Claim:
    """``claim``, measured and judged, turned "cannot check": another reading of the sentence is as likely.

    The figures measured stay in the claim, so the reader sees what was computed; ``reason`` says why the
    verdict was withdrawn and ``details`` add what the other reading gave.
    """
    return replace(
        claim, verdict="cannot check", confidence="low", reason=reason, details={**claim.details, **details}
    )


def judge(r: Reading, m: Measurement) -> Claim:
    """The verdict on a reading given its measurement: consistent or differs, with confidence and reasons."""
    base = _base(r)
    tol = TOLERANCES[_tolerance_key(r, m)]
    details = dict(m.details)
    reason = None
    if r.anaphor:
        details["resolved_from"] = r.anaphor
        subj = need_place(r.subject, "subject")
        reason = f"subject resolved from {r.anaphor!r} to the preceding mention of {subj.name}"
    q = r.quantity
    computed: float | None
    if r.check == "adjacency":
        adjacent = m.lo > MIN_BORDER_KM
        ok = adjacent != r.negated
        computed = round(m.lo, 1)
        a, b = need_place(r.subject, "subject").name, need_place(r.object, "object").name
        reason = (
            f"{a} and {b} share {m.lo:,.0f} km of border in the data"
            if adjacent
            else f"{a} and {b} share no land border in the data"
        ) + (f"; {reason}" if reason else "")
    elif r.check == "rank":
        ok = m.lo <= (r.rank or 1) <= m.hi
        computed = float(m.hi if ok else m.lo)
        top = ", ".join(t["name"] for t in details["top"])
        among = (
            f" (number {m.lo} counting only sovereign countries or states more than {RANK_TIE:.0%} apart)"
            if m.lo != m.hi
            else ""
        )
        subj = need_place(r.subject, "subject")
        reason = (
            f"{subj.name} is number {m.hi}{among} of {details['of']} by area in the data "
            f"({r.superlative}: {top})"
        )
    elif r.check == "size" and m.check == "size":
        ok = within(r.factor or 1.0, m.lo, m.hi, tol, r.comparison if r.comparison != "nearly" else "about")
        factor = r.factor or 1.0
        shown = {"at_least": m.hi, "at_most": m.lo}.get(
            r.comparison, min((m.lo, m.hi), key=lambda v: abs(v - factor))
        )
        computed = round(shown, 2)
        spread = f" ({m.lo:.2f} to {m.hi:.2f} with or without overseas parts)" if m.hi - m.lo > 0.005 else ""
        subj, obj = need_place(r.subject, "subject"), need_place(r.object, "object")
        reason = f"{subj.name} is {shown:.2f} x the area of {obj.name} in the data{spread}" + (
            f"; {reason}" if reason else ""
        )
    else:
        if q is None:
            raise CannotCheck("the sentence states no figure to compare", "")
        stated = q.km if q.dimension != "share" else q.value
        direction = q.direction if r.check != "size" else "about"
        ok = within(stated, m.lo, m.hi, tol, direction)
        if r.check == "size":
            computed = m.computed
        else:
            # A range (distances): show the end nearest the stated value.
            nearest = min((m.lo, m.hi), key=lambda v: abs(v - stated))
            computed = round(
                nearest if q.dimension == "share" else in_unit(nearest, q.unit), 2 if q.unit == "%" else 1
            )
            details |= _alternative(r, nearest)
        if r.check in ("border_length", "land_border") and m.lo <= 0:
            reason = "the two places share no border in the data"
    # Border shares list the countries whose borders count (an alliance id has no geometry of its own).
    ids = m.place_ids if r.check == "border_share" else (*base.pop("place_ids"), *m.place_ids)
    base["place_ids"] = tuple(dict.fromkeys(ids))
    return Claim(
        **base,
        computed=computed,
        verdict="consistent" if ok else "differs",
        method=m.method,
        tolerance=tol.text,
        reason=reason,
        details=details,
        confidence=lowest(r.confidence, m.confidence),
    )
