"""What the text says between neighbouring spans: appositives ("Paris, Tenn."), lists ("Utah, Virginia and
Idaho") and stated containers ("Hanover, a town in Kansas")."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from dashboard import lexicon
from dashboard.geoparse.records import Candidate, Span
from dashboard.placekinds import MentionType

_LITERAL: Final = MentionType.LITERAL

APPOSITIVE_GAP: Final = re.compile(r",[ \t]{0,2}")
# Between the items of a list: "A, B", "A and B", "A, and B", "A or B".
LIST_GAP: Final = re.compile(r",?[ \t]{1,2}(?:and|or)[ \t]{1,2}|,[ \t]{0,2}")
# Before the next item of a list, which may open with "the" ("Japan, and the United Kingdom").
_NEXT_ITEM_GAP: Final = re.compile(r"(?:,?[ \t]{1,2}(?:and|or)[ \t]{1,2}|,[ \t]{0,2})(?:the[ \t]+)?")
_DIRECTION: Final = "(?:(?:" + "|".join(sorted(lexicon.DIRECTION_WORDS)) + ")[ \t]+)?"
# "Hanover in Kansas", "Hanover in northern Kansas": a weak statement of the container.
_IN_GAP: Final = re.compile(r",?[ \t]{1,2}in[ \t]+" + _DIRECTION)
# "Hanover, a small town in Kansas": a description stating the container, as strong as an appositive.
_DESCRIBED_GAP: Final = re.compile(
    r",[ \t]{1,2}(?:a|an|the)[ \t]+(?:[a-z-]+[ \t]+){0,2}?(?:"
    + "|".join(sorted(lexicon.CONTAINED_NOUNS))
    + r")[ \t]+(?:in|of)[ \t]+"
    + _DIRECTION
)

#: Kinds of readings a stated container can rule out.
CONTAINED_KINDS: Final = frozenset({"city", "county", "province", "country"})


class Stated(NamedTuple):
    """A container stated for a span: "Hanover, Kansas", "Hanover, a town in Kansas", "Hanover in Kansas"."""

    ids: frozenset[str | None]  # province ids and ISO3 codes of the container's readings
    boxes: tuple[Candidate, ...]  # the container span's province and country readings
    strong: bool  # an appositive or a description; a bare "in" is weaker ("troops from Kent in Iraq")
    listed: bool  # another place follows the container as in a list ("Crockett, Palestine and Houston")


def stated_containers(text: str, spans: list[Span]) -> list[Stated | None]:
    """Per span, the container (state, province, country) the text states for it right after it, if any."""
    n = len(spans)
    out: list[Stated | None] = [None] * n
    # Cheap first: a comma or " in" right after the name (most names have neither).
    ends = [sp.end for sp in spans]
    maybe = [k for k, e in enumerate(ends[:-1]) if text[e : e + 1] == "," or text[e + 1 : e + 3] == "in"]
    for k in maybe:
        e, nxt = ends[k], spans[k + 1]
        ns = nxt.start
        if ns - e > 60 or ns - e < 2:
            continue
        appositive = APPOSITIVE_GAP.fullmatch(text, e, ns) is not None
        strong = appositive or _DESCRIBED_GAP.fullmatch(text, e, ns) is not None
        if not strong and _IN_GAP.fullmatch(text, e, ns) is None:
            continue
        # Only a town, county or province can be contained ("Mexico, China" lists countries).
        if not any(c.kind in CONTAINED_KINDS and c.kind != "country" for c in spans[k].cands):
            continue
        boxes = tuple(
            c for c in nxt.cands if c.kind in ("province", "country") and c.type == _LITERAL and c.country
        )
        if not boxes:
            continue
        listed = _list_follows(text, spans, k + 1, boxes)
        apo = appositive_at(text, spans, k) if appositive else None
        if apo:
            out[k] = Stated(apo, boxes, True, listed)
            continue
        ids = frozenset(c.place_id if c.kind == "province" else c.country for c in boxes)
        kinds = {c.kind for c in spans[k].cands if c.type == _LITERAL}
        if "country" in kinds and any(b.kind == "country" for b in boxes):
            continue  # "China, Japan and ...": countries listed (China is also a Japanese town)
        if (
            appositive
            or "country" in kinds
            or ("province" in kinds and all(b.kind == "province" for b in boxes))
        ):
            # "Mexico, China", "Russia in Ukraine", "Georgia in Texas": a list or a relation, unless one of
            # the name's towns lies in the container ("Lebanon, Tennessee").
            towns = (c for c in spans[k].cands if c.kind in ("city", "county") and c.type == _LITERAL)
            if not any(c.province in ids or c.country in ids for c in towns):
                continue
        out[k] = Stated(ids, boxes, strong, listed)
    return out


def _list_follows(text: str, spans: list[Span], k: int, boxes: tuple[Candidate, ...]) -> bool:
    """Whether span ``k`` is followed, as in a list, by another place that is not its own container
    ("Palestine and Houston", but not "Ontario, Canada")."""
    if k + 1 >= len(spans):
        return False
    e, nxt = spans[k].end, spans[k + 1]
    if nxt.start - e > 13 or _NEXT_ITEM_GAP.fullmatch(text, e, nxt.start) is None:
        return False
    countries = {b.country for b in boxes}
    return not any(c.kind == "country" and c.type == _LITERAL and c.country in countries for c in nxt.cands)


def list_kinds(text: str, spans: list[Span]) -> list[tuple[str, str] | None]:
    """Per span in a list of places ("Utah, Virginia, Washington and Wyoming"), the (kind, country) most
    of the list's other items have by prior, when they are countries or provinces (of one country)."""
    n = len(spans)
    out: list[tuple[str, str] | None] = [None] * n
    # Only spans a few characters apart can be list items: jump from one such pair to the next.
    close = [k for k in range(n - 1) if spans[k + 1].start - spans[k].end <= 9]
    if not close:
        return out
    ci = 0
    k = close[0]
    while k < n:
        m = k
        joined = False
        while m + 1 < n:
            e, ns = spans[m].end, spans[m + 1].start
            gap = LIST_GAP.fullmatch(text, e, ns) if ns - e <= 9 else None
            if not gap:
                break
            g = gap.group()
            joined = joined or "," not in g or "and" in g or "or" in g
            m += 1
        # Three items or more, or two joined by "and"/"or" ("Buffalo, New York" is an appositive).
        if m - k >= 2 or (m - k == 1 and joined):
            tops: list[tuple[str, str] | None] = []
            for sp in spans[k : m + 1]:
                best = sp.cands[0]
                tops.append((best.kind, best.country or "") if best.kind in ("province", "country") else None)
            for x in range(k, m + 1):
                others = tops[: x - k] + tops[x - k + 1 :]
                top, votes = _most_common(others)
                if top is not None and votes * 3 >= len(others) * 2:
                    out[x] = top
        while ci < len(close) and close[ci] <= m:
            ci += 1
        if ci == len(close):
            break
        k = close[ci]
    return out


def _most_common(items: list[tuple[str, str] | None]) -> tuple[tuple[str, str] | None, int]:
    """The most frequent item and its count, the first met among equals (``Counter(items).most_common(1)[0]``,
    without building a Counter: compiled, a Python-level class)."""
    counts: dict[tuple[str, str] | None, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    top, most = items[0], 0
    for x, n in counts.items():
        if n > most:
            top, most = x, n
    return top, most


def appositives(text: str, spans: list[Span]) -> tuple[list[frozenset[str | None]], list[frozenset[str]]]:
    """Per span, the province ids and ISO3 codes named right after it as "X, <state or country>", and
    per container span, the provinces and countries of the towns it follows (which it should contain).

    No appositive where X is itself a country ("Mexico, China, Japan"), a province before a province
    ("Utah, Washington, Virginia"), or inside a list of places of the container's kind on both sides.
    """
    n = len(spans)
    out: list[frozenset[str | None]] = [frozenset()] * n
    contains: list[frozenset[str]] = [frozenset()] * n
    for k in range(n - 1):
        e = spans[k].end
        if text[e : e + 1] != ",":  # cheap first: every appositive starts with a comma
            continue
        ids = appositive_at(text, spans, k)
        if ids:
            out[k] = ids
            contains[k + 1] = frozenset(
                x
                for c in spans[k].cands
                if c.kind in ("city", "county")
                for x in (c.province, c.country)
                if x
            )
    return out, contains


def appositive_at(text: str, spans: list[Span], k: int) -> frozenset[str | None]:
    """The province ids and ISO3 codes span ``k`` names as its container in "X, <state or country>"
    (empty when it is no such appositive; see :func:`appositives`)."""
    n = len(spans)
    empty: frozenset[str] = frozenset()
    e, cands = spans[k].end, spans[k].cands
    ns, ne, ncands = spans[k + 1].start, spans[k + 1].end, spans[k + 1].cands
    if ns - e > 3 or not APPOSITIVE_GAP.fullmatch(text, e, ns):
        return empty
    boxes = [c for c in ncands if c.kind in ("province", "country") and c.type == _LITERAL and c.country]
    if not boxes:
        return empty
    box_kinds = {c.kind for c in boxes}
    kinds = {c.kind for c in cands if c.type == _LITERAL}
    # A province of another country does not make a list of states ("Hanover, Kansas": Jamaica has a
    # Hanover parish).
    box_countries = {c.country for c in boxes if c.kind == "province"}
    states = any(c.kind == "province" and c.country in box_countries for c in cands if c.type == _LITERAL)
    if "country" in kinds or (states and "country" not in box_kinds):
        return empty  # an enumeration of countries or of states, not "town, container"
    top = ncands[0].kind  # the best reading by prior (candidate lists come best prior first)
    if (
        k > 0
        and k + 2 < n
        and LIST_GAP.fullmatch(text, spans[k - 1].end, spans[k].start)
        and LIST_GAP.fullmatch(text, ne, spans[k + 2].start)
        and spans[k - 1].cands[0].kind == top == spans[k + 2].cands[0].kind
    ):
        return empty  # "Chad, Niger, Mali": a list of places of the container's kind on both sides
    return frozenset(c.place_id if c.kind == "province" else c.country for c in boxes)
