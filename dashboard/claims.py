"""Geographic claims in an article (lengths, border shares, adjacency, areas, distances), checked."""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from dashboard.sentences import Span, split_clauses, split_sentences

# ------------------------------------------------------------------------------------------------------------
# Units, tolerances
# ------------------------------------------------------------------------------------------------------------

#: Kilometres per statute mile.
KM_PER_MI: float = 1.609344
#: Square kilometres per square mile.
KM2_PER_SQMI: float = KM_PER_MI**2

#: Relative tolerance for route lengths: 1:10m lines and authored routes are generalised, which shortens them.
LENGTH_TOL: float = 0.10
#: Border lengths: 1:10m borders lose river meanders and run short (Belarus-Ukraine 862 km vs 1,084 km
#: official), never long: the computed length may be this much shorter than stated, or LENGTH_TOL longer.
BORDER_SHORT_TOL: float = 0.25
#: Border shares: consistent within this many percentage points ...
SHARE_TOL_PP: float = 1.5
#: ... or this relative difference (a stated "6 %" is a rounded figure).
SHARE_TOL_REL: float = 0.20
#: Relative tolerance for areas: 1:10m polygons keep areas within a few percent.
AREA_TOL: float = 0.05
#: Relative tolerance for distances, and an absolute floor in km for short distances.
DISTANCE_TOL: float = 0.10
DISTANCE_TOL_KM: float = 10.0
#: A shared boundary shorter than this (km) is a touch at a point or a sliver, not a border.
MIN_BORDER_KM: float = 1.0

#: The claim kinds, in the contract's spelling.
KINDS: tuple[str, ...] = ("length", "border_share", "adjacency", "area", "distance")

_TOLERANCE = {
    "length": (
        f"consistent if within {LENGTH_TOL:.0%} of the computed geodesic length: the bundled routes are "
        "authored from published landfalls and waypoints at about 1:10m detail, which shortens winding lines"
    ),
    "border_length": (
        f"consistent if the computed border is at most {BORDER_SHORT_TOL:.0%} shorter or "
        f"{LENGTH_TOL:.0%} longer than stated: Natural Earth 1:10m borders lose river meanders and "
        "small bends, so they run short of "
        "official lengths (Belarus-Ukraine 862 km in the data, 1,084 km official)"
    ),
    "border_share": (
        f"consistent if within {SHARE_TOL_PP} percentage points or {SHARE_TOL_REL:.0%} (relative) of the "
        "computed share: stated shares are rounded and 1:10m borders run a few percent short of official ones"
    ),
    "adjacency": (
        f"consistent if the two polygons share a boundary longer than {MIN_BORDER_KM:g} km in the 1:10m data "
        "(touching at a point is not a border)"
    ),
    "area": (
        f"consistent if within {AREA_TOL:.0%} of the computed geodesic area: 1:10m polygons keep areas "
        "within "
        "a few percent, but coastlines and lakes are generalised"
    ),
    "distance": (
        f"consistent if within {DISTANCE_TOL:.0%} (at least {DISTANCE_TOL_KM:g} km) of the computed geodesic "
        "distance, or between the nearest-point and centre-to-centre distances when a place is an area"
    ),
}

# ------------------------------------------------------------------------------------------------------------
# The claim record
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One geographic claim found in a text, with what the bundled data says about it."""

    text: str
    start: int
    end: int
    kind: str
    subject: str | None
    subject_name: str | None
    object: str | None
    object_name: str | None
    stated: float | None
    unit: str | None
    hedge: str | None
    computed: float | None
    verdict: str
    method: str
    tolerance: str
    reason: str | None
    place_ids: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)
    date: str | None = None  # ISO date the places and alliances were taken on (the article's, else today)

    def to_dict(self) -> dict:
        """JSON-ready dict with every field (place_ids as a list)."""
        d = asdict(self)
        d["place_ids"] = list(self.place_ids)
        return d


# ------------------------------------------------------------------------------------------------------------
# Text side: sentences, quantities, hedges
# ------------------------------------------------------------------------------------------------------------

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_MULT = r"(?:\s?(?P<mult>thousand|million|m|k)\b)?"
# Order matters: areas before lengths ("sq km" must not read as "km").
_UNITS: list[tuple[str, str]] = [
    ("km2", r"km2|km²|sq\.?\s?km|square[\s-]kilomet(?:re|er)s?"),
    ("sq mi", r"sq\.?\s?mi(?:les?)?|square[\s-]miles?"),
    ("km", r"km|kms|kilomet(?:re|er)s?"),
    ("mi", r"miles?|mi"),
    ("%", r"%|\s?per\s?cent|\s?percent"),
]
_UNIT_RE = "|".join(f"(?P<u{i}>{pat})" for i, (_, pat) in enumerate(_UNITS))
_QTY = re.compile(
    rf"(?<![\w$£€.,]){_NUM}{_MULT}(?:\s|-)?(?:{_UNIT_RE})(?![\w²])",
    re.IGNORECASE,
)
_HEDGES = (
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "just over",
    "just under",
    "approximately",
    "roughly",
    "around",
    "about",
    "nearly",
    "almost",
    "some",
    "only",
    "just",
    "over",
    "under",
    "an estimated",
    "c.",
)
_HEDGE_RE = re.compile(r"(?:\b(" + "|".join(re.escape(h) for h in _HEDGES) + r"))\s*$", re.IGNORECASE)
# Direction of a hedge: >= stated, <= stated, or about.
_HEDGE_AT_LEAST = {"more than", "at least", "over", "just over"}
_HEDGE_AT_MOST = {"less than", "fewer than", "at most", "up to", "under", "just under"}


@dataclass(frozen=True)
class Quantity:
    """A number with a unit as written in the text."""

    start: int
    end: int
    value: float
    unit: str  # "km" | "mi" | "km2" | "sq mi" | "%"
    hedge: str | None

    @property
    def km(self) -> float:
        """The value in km (lengths) or km² (areas); percent unchanged."""
        factor = {"km": 1.0, "mi": KM_PER_MI, "km2": 1.0, "sq mi": KM2_PER_SQMI}.get(self.unit, 1.0)
        return self.value * factor


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Numbers with a length, area or percent unit in ``text``, with their hedges.

    Parameters
    ----------
    text : str
        The text to scan (a sentence or clause).
    offset : int
        Added to every offset, so that they index the whole article.

    Returns
    -------
    list of Quantity
        In text order. "6%", "1,225km", "760-mile", "26,000 sq km", "10,000 square miles" and
        "1.2 million km²" are quantities; "$11bn", "1,000 troops" and "2014" are not.
    """
    out = []
    for m in _QTY.finditer(text):
        unit = next(_UNITS[i][0] for i in range(len(_UNITS)) if m.group(f"u{i}") is not None)
        value = float(m.group("num").replace(",", ""))
        mult = (m.group("mult") or "").lower()
        if mult in ("thousand", "k"):
            value *= 1e3
        elif mult in ("million", "m"):
            if mult == "m" and unit == "%":
                continue
            value *= 1e6
        h = _HEDGE_RE.search(text[max(0, m.start() - 20) : m.start()])
        hedge = h.group(1).lower() if h else None
        out.append(Quantity(offset + m.start(), offset + m.end(), value, unit, hedge))
    return out


# ------------------------------------------------------------------------------------------------------------
# Mentions (from the geoparser) and anaphora
# ------------------------------------------------------------------------------------------------------------

#: Place kinds that are areas (have a polygon).
AREA_KINDS = frozenset({"country", "province", "region", "continent", "sea"})

# "the pipeline", "the country", ... -> the kinds they may refer back to.
_ANAPHOR_KINDS: dict[str, frozenset[str]] = {
    "pipeline": frozenset({"pipeline"}),
    "country": frozenset({"country"}),
    "nation": frozenset({"country"}),
    "state": frozenset({"country", "province"}),
    "peninsula": frozenset({"province", "region"}),
    "region": frozenset({"region", "province"}),
    "province": frozenset({"province"}),
    "oblast": frozenset({"province"}),
    "territory": frozenset({"province", "region", "country"}),
    "sea": frozenset({"sea"}),
    "city": frozenset({"city"}),
    "capital": frozenset({"city"}),
}
_ANAPHOR_RE = re.compile(
    r"\b(?:the|this|that)\s+(?:[\w,()-]+\s+){0,3}?(" + "|".join(_ANAPHOR_KINDS) + r")\b", re.IGNORECASE
)
_PRONOUN_RE = re.compile(r"\b(it|its|it's)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _M:
    """A place mention as this module needs it (built from geoparse's Mention or a dict)."""

    start: int
    end: int
    text: str
    place_id: str
    name: str
    kind: str
    type: str


def _as_m(m: Any) -> _M:
    get = m.get if isinstance(m, dict) else (lambda k, d=None: getattr(m, k, d))
    return _M(
        int(get("start")),
        int(get("end")),
        str(get("text")),
        str(get("place_id")),
        str(get("name") or get("place_id")),
        _claim_kind(str(get("kind") or str(get("place_id")).split(":")[0])),
        str(get("type") or "literal"),
    )


def _claim_kind(kind: str) -> str:
    """A historic state (West Germany, the USSR) is checked like a country: area, borders, alliances."""
    return "country" if kind == "historic_state" else kind


class _Index:
    """Mentions sorted by offset, with per-kind lists: look-ups by bisection keep long texts linear."""

    def __init__(self, mentions: list[_M]):
        self.all = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.all]
        self.by_kind: dict[str, tuple[list[int], list[_M]]] = {}
        for m in self.all:
            if m.type != "demonym":  # "Russian" names no feature a pronoun could refer to
                ends, ms = self.by_kind.setdefault(m.kind, ([], []))
                ends.append(m.end)
                ms.append(m)

    def within(self, span: Span) -> list[_M]:
        lo, hi = bisect_left(self.starts, span.start), bisect_right(self.starts, span.end)
        return [m for m in self.all[lo:hi] if m.end <= span.end]

    def back(self, before: int, kinds: frozenset[str]) -> _M | None:
        """The nearest named feature of one of ``kinds`` mentioned before offset ``before``."""
        best = None
        for kind in kinds:
            ends, ms = self.by_kind.get(kind, ([], []))
            i = bisect_right(ends, before) - 1
            # ends are sorted as starts are (mentions don't nest), so ms[i] ends last before ``before``.
            if i >= 0 and (best is None or ms[i].end > best.end):
                best = ms[i]
        return best


# ------------------------------------------------------------------------------------------------------------
# Geometry side (gazetteer)
# ------------------------------------------------------------------------------------------------------------


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


def geodesic_area_km2(geom) -> float:
    """Geodesic area (WGS 84 ellipsoid) of a polygon, in km²."""
    area, _ = _geod().geometry_area_perimeter(geom)
    return abs(area) / 1e6


@cache
def _country_geom(place_id: str):
    return _gaz().geometry(place_id)


#: Snapping distance (degrees, about 2 km) for borders between features of different layers.
CROSS_LAYER_SNAP_DEG: float = 0.02


def _near_boundary_km(ga, gb, tol: float = CROSS_LAYER_SNAP_DEG) -> float:
    """Length in km of ``ga``'s boundary lying within ``tol`` degrees of ``gb`` (and of ``gb``'s boundary).

    Provinces (QGIS world_map admin-1) and countries (Natural Earth admin-0) are digitised separately, so
    their common borders do not share vertices; a narrow band finds them. Straits wider than the band
    (Kerch, 4 km) are not borders.
    """
    import shapely

    if ga.distance(gb) > tol:
        return 0.0
    if gb.contains(ga.representative_point()) or ga.contains(gb.representative_point()):
        return 0.0  # a province inside its country: containment, not a border
    minx, miny, maxx, maxy = ga.bounds
    near = shapely.clip_by_rect(gb, minx - tol, miny - tol, maxx + tol, maxy + tol)
    band = shapely.intersection(near.buffer(tol), near.boundary.buffer(tol))
    return geodesic_length_km(shapely.intersection(ga.boundary, band))


@cache
def shared_border_km(a: str, b: str) -> float:
    """Length in km of the boundary places ``a`` and ``b`` share (0 if they don't touch).

    Two countries: the gazetteer's ``shared_border_km`` (the polygons' common boundary; Natural Earth
    neighbours share their vertices).
    Features of different layers (a province and a country): the boundary within about 2 km of the other
    feature's boundary.
    """
    if a == b:
        return 0.0
    x, y = sorted((a, b))
    if x.startswith("country:") and y.startswith("country:"):
        return _gaz().shared_border_km(x, y)
    return _near_boundary_km(_country_geom(x), _country_geom(y))


@cache
def land_border_km(a: str) -> float:
    """Total length in km of country ``a``'s land border with all other countries."""
    return _gaz().land_border_km(a)


def _border_with(a: str, members: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for b in members:
        if b != a:
            km = shared_border_km(a, b)
            if km > 0:
                per[b] = round(km, 1)
    return sum(per.values()), per


def _country_id(iso3_or_id: str) -> str:
    return iso3_or_id if ":" in iso3_or_id else f"country:{iso3_or_id}"


# ------------------------------------------------------------------------------------------------------------
# Verdicts
# ------------------------------------------------------------------------------------------------------------


def _verdict(stated: float, computed: float, tol: float, hedge: str | None) -> str:
    """consistent/differs for a stated value, an absolute tolerance and the hedge's direction."""
    if hedge in _HEDGE_AT_LEAST:
        ok = computed >= stated - tol
    elif hedge in _HEDGE_AT_MOST:
        ok = computed <= stated + tol
    else:
        ok = abs(computed - stated) <= tol
    return "consistent" if ok else "differs"


def _in_unit(km: float, unit: str) -> float:
    return km / {"km": 1.0, "mi": KM_PER_MI, "km2": 1.0, "sq mi": KM2_PER_SQMI}[unit]


def _round(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(float(x), nd)


# ------------------------------------------------------------------------------------------------------------
# Claim patterns
# ------------------------------------------------------------------------------------------------------------

_ROUTE_NOUNS = (
    r"pipelines?|borders?|frontiers?|boundar(?:y|ies)|rivers?|cables?|routes?|coastlines?|railways?|canals?"
)
# After a length: an optional "(760-mile)" alternative, "-long", up to 3 words, then the route noun.
_AFTER_LEN_NOUN = re.compile(
    r"^\s*(?P<alt>\([^()]{0,40}\))?[\s-]*(?:long\s+)?(?P<between>(?:(?!(?:from|of|to|away|in|at|by|and|or)\b)"
    rf"[\w'’.-]+\s+){{0,3}}?)(?P<noun>{_ROUTE_NOUNS})\b",
    re.IGNORECASE,
)
_AFTER_LEN_LONG = re.compile(r"^\s*(?P<alt>\([^()]{0,40}\))?[\s-]*(?:long|in\s+length)\b", re.IGNORECASE)
_BEFORE_LEN_VERB = re.compile(
    r"\b(?:runs?|running|stretch(?:es|ing)?|extends?|extending|spans?|spanning|measures?|measuring)\s+"
    r"(?:for\s+|over\s+|some\s+|about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+)*$",
    re.IGNORECASE,
)
_DIRECTIONS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
_AFTER_DIST = re.compile(
    rf"^\s*(?P<alt>\([^()]{{0,40}}\))?\s*(?:away\s+)?(?:from|of|outside|{_DIRECTIONS}\s+of)\s+(?:the\s+|central\s+|"
    r"downtown\s+)?$",
    re.IGNORECASE,
)
_BEFORE_LEN_NOUN = re.compile(
    rf"\b(?P<noun>{_ROUTE_NOUNS})\s*(?:,|\bof|\bis|\bmeasuring|\bmeasures|\bruns(?:\s+for)?|"
    r"\bstretching(?:\s+for)?|\bstretches(?:\s+for)?)$",
    re.IGNORECASE,
)
_DIST_SUBJECT_GAP = re.compile(
    r"(?:['’]s)?\s*(?:,[^,]{0,80},\s*)?(?:is|are|was|were|lies|lie|lay|sits|stands|is\s+located|is\s+situated)"
    r"(?:\s+(?:only|just|about|around|some|roughly|nearly|almost|approximately|more\s+than|less\s+than|"
    r"over|under|at\s+least|barely))?\s*",
    re.IGNORECASE,
)
_AFTER_AREA_PART = re.compile(r"^\s*(?:\([^()]{0,40}\)\s*)?(?:of|in)\b", re.IGNORECASE)
_BORDER_WORD = re.compile(r"\b(?:land\s+)?(?:borders?|frontiers?|boundar(?:y|ies))\b", re.IGNORECASE)
_SHARE_FILLER = frozenset(
    {"the", "its", "their", "land", "total", "entire", "whole", "combined", "external", "national", "s"}
    | {"'s", "’s", "country's", "state's"}
)
_ADJ_VERB = re.compile(
    r"(?P<neg>\b(?:does\s+not|doesn['’]t|do\s+not|don['’]t|did\s+not|didn['’]t)\s+)?"
    r"\b(?:borders?\s+on|borders|bordered|bordering|border|neighbou?rs|adjoins|is\s+adjacent\s+to|"
    r"shares?\s+(?:(?:a|an|its|the)\s+(?:[\w,.()-]+\s+){0,3}?)?borders?\s+with|"
    r"has\s+(?:a\s+)?(?:common\s+|land\s+)?borders?\s+with)\b",
    re.IGNORECASE,
)
_ADJ_NEXT_SUBJECT = re.compile(
    r"\s*(?:,\s*(?:which|that)\s+)?(?:also\s+|now\s+|still\s+|does\s+not\s+|doesn['’]t\s+)?"
    r"(?:borders|border|bordered|neighbou?rs|adjoins|shares?|has|is\s+adjacent)\b",
    re.IGNORECASE,
)
_ADJ_GAP_BEFORE = re.compile(
    r"^(?:['’]s)?\s*(?:,(?:[^,]|,(?=\d)){1,60},\s*)?(?:,\s*(?:which|that)\s+|\s)?\s*"
    r"(?:also|now|still|directly|both|itself)?\s*$",
    re.IGNORECASE,
)
_PAIR_SHARE = re.compile(
    r"\s+(?:both\s+|also\s+|still\s+)?(?P<neg>do\s+not\s+|don['’]t\s+)?share\s+(?:an?\s+|the\s+)?"
    r"(?:[\w,.()-]+\s+){0,3}?(?:borders?|frontiers?|boundary)\b",
    re.IGNORECASE,
)


class _Finder:
    """Finds and checks the claims of one text (holds the text, its mentions and the article's date)."""

    def __init__(self, text: str, mentions: list[_M], on: date | None):
        self.text = text
        self.index = _Index(mentions)
        self.on = on
        self.claims: list[Claim] = []

    # -- helpers ---------------------------------------------------------------------------------------------
    def _date(self) -> tuple[date, str]:
        if self.on is not None:
            return self.on, f"the article's date {self.on.isoformat()}"
        today = date.today()
        return today, f"today ({today.isoformat()}; the article has no date)"

    def _antecedent(self, clause: Span, at: int, kinds: frozenset[str]) -> tuple[_M | None, str | None]:
        """Resolve an anaphor ("the pipeline", "it") between the clause start and offset ``at``."""
        window = self.text[clause.start : at]
        for m in reversed(list(_ANAPHOR_RE.finditer(window))):
            noun_kinds = _ANAPHOR_KINDS[m.group(1).lower()]
            if noun_kinds & kinds:
                ref = self.index.back(clause.start + m.start(), noun_kinds & kinds)
                return ref, m.group(0)
        p = list(_PRONOUN_RE.finditer(window))
        if p:
            ref = self.index.back(clause.start + p[-1].start(), kinds)
            return ref, p[-1].group(0)
        return None, None

    def _add(self, clause: Span, kind: str, **kw: Any) -> None:
        kw.setdefault("tolerance", _TOLERANCE[kind])
        kw.setdefault("reason", None)
        kw.setdefault("details", {})
        kw.setdefault("hedge", None)
        for k in ("subject", "subject_name", "object", "object_name", "stated", "unit", "computed"):
            kw.setdefault(k, None)
        ids = tuple(dict.fromkeys(i for i in kw.pop("place_ids", ()) if i))
        self.claims.append(
            Claim(text=clause.text, start=clause.start, end=clause.end, kind=kind, place_ids=ids, **kw)
        )

    def _add_quantity(
        self, clause: Span, kind: str, subj: _M, q: Quantity, obj: _M | None = None, **kw: Any
    ) -> None:
        """A claim that one place (or a pair, with ``obj``) has the stated quantity ``q``."""
        if obj is not None:
            kw.update(object=obj.place_id, object_name=obj.name)
        ids = (subj.place_id,) if obj is None else (subj.place_id, obj.place_id)
        self._add(
            clause, kind, subject=subj.place_id, subject_name=subj.name, stated=q.value, unit=q.unit,
            hedge=q.hedge, place_ids=ids, **kw,
        )  # fmt: skip

    def _add_measured(
        self, clause: Span, kind: str, subj: _M, q: Quantity, measured: float, tol: float, method: str,
        details: dict, anaphor: str | None,
    ) -> None:  # fmt: skip
        """Compare ``q`` with ``measured`` (km or km²) within the relative tolerance ``tol``."""
        computed = _in_unit(measured, q.unit)
        reason = None
        if anaphor:
            details["resolved_from"] = anaphor
            reason = f"subject resolved from {anaphor!r} to the preceding mention of {subj.name}"
        self._add_quantity(
            clause, kind, subj, q, computed=_round(computed),
            verdict=_verdict(q.value, computed, tol * q.value, q.hedge), method=method, reason=reason,
            details=details,
        )  # fmt: skip

    # -- driver ----------------------------------------------------------------------------------------------
    def run(self) -> list[Claim]:
        for sentence in split_sentences(self.text):
            for clause in split_clauses(sentence):
                self._clause(clause)
        self.claims.sort(key=lambda c: (c.start, KINDS.index(c.kind)))
        return self.claims

    def _clause(self, clause: Span) -> None:
        ms = self.index.within(clause)
        qs = find_quantities(clause.text, clause.start)
        used: set[int] = set()
        for i, q in enumerate(qs):
            if i in used:
                continue
            alt = None
            # "1,225km (760-mile)": the parenthesised value is the same claim in the other unit.
            if i + 1 < len(qs):
                nxt = qs[i + 1]
                gap = self.text[q.end : nxt.start]
                if re.fullmatch(r"\s*\(\s*(?:or\s+|about\s+|some\s+)?", gap) and _dim(nxt.unit) == _dim(
                    q.unit
                ):
                    alt = nxt
                    used.add(i + 1)
            kind = {"%": "border_share", "km": "length", "mi": "length"}.get(q.unit, "area")
            with self._guard(clause, kind, q):
                if kind == "border_share":
                    self._border_share(clause, q, ms)
                elif kind == "length":
                    self._length_or_distance(clause, q, alt, ms)
                else:
                    self._area(clause, q, alt, ms)
        with self._guard(clause, "adjacency", None):
            self._adjacency(clause, ms)

    @contextmanager
    def _guard(self, clause: Span, kind: str, q: Quantity | None):
        """A place the data does not know (an id from another data version) is 'cannot check', not a crash."""
        try:
            yield
        except (KeyError, ValueError) as e:
            self._add(
                clause, kind, stated=q.value if q else None, unit=q.unit if q else None,
                hedge=q.hedge if q else None, verdict="cannot check", method="bundled geodata look-up",
                reason=f"the bundled data has no usable feature for this claim ({e})",
            )  # fmt: skip

    # -- length and distance ---------------------------------------------------------------------------------
    def _length_or_distance(self, clause: Span, q: Quantity, alt: Quantity | None, ms: list[_M]) -> None:
        after = self.text[q.end : clause.end]
        before = self.text[clause.start : q.start]
        m = _AFTER_LEN_NOUN.match(after)
        if m:
            noun_at = q.end + m.start("noun")
            self._length(clause, q, alt, ms, m.group("noun").lower(), noun_at, q.end + m.end("noun"))
            return
        bare = _HEDGE_RE.sub("", before.rstrip()).rstrip()  # "a border of about " -> "a border of"
        bn = _BEFORE_LEN_NOUN.search(bare)
        if bn:
            # "a border of about 300km", "the pipeline, 1,230km, ..."
            noun_at = clause.start + bn.start("noun")
            self._length(clause, q, alt, ms, bn.group("noun").lower(), noun_at, clause.start + bn.end("noun"))
            return
        if _AFTER_LEN_LONG.match(after) or _BEFORE_LEN_VERB.search(bare + " "):
            # "X is 1,230 km long", "X stretches for 1,230 km": the subject comes before the number.
            subj = next((x for x in reversed(ms) if x.end <= q.start and x.kind == "pipeline"), None)
            if subj is None:
                subj, _ = self._antecedent(clause, q.start, frozenset({"pipeline"}))
            if subj is not None:
                self._route_length(clause, q, alt, subj)
            return
        self._distance(clause, q, alt, ms)

    def _length(self, clause, q, alt, ms, noun: str, noun_at: int, noun_end: int) -> None:
        if noun.startswith("pipeline"):
            named = [x for x in ms if x.kind == "pipeline"]
            subj = min(named, key=lambda x: abs(x.start - q.start)) if named else None
            anaphor = None
            if subj is None:
                subj, anaphor = self._antecedent(clause, noun_end, frozenset({"pipeline"}))
            if subj is None:
                self._add(
                    clause,
                    "length",
                    stated=q.value,
                    unit=q.unit,
                    hedge=q.hedge,
                    verdict="cannot check",
                    method="geodesic length of a bundled pipeline route",
                    reason="the pipeline is not named here or earlier in the text",
                    details=_alt_details(alt),
                )
                return
            self._route_length(clause, q, alt, subj, anaphor=anaphor)
        elif noun.startswith(("border", "frontier", "boundar")):
            self._border_length(clause, q, alt, ms, noun_end)
        else:
            self._add(
                clause,
                "length",
                stated=q.value,
                unit=q.unit,
                hedge=q.hedge,
                verdict="cannot check",
                method="geodesic length of a bundled route",
                reason=f"no {noun.rstrip('s')} layer is bundled (only pipelines and country borders)",
                details=_alt_details(alt),
            )

    def _route_length(self, clause, q, alt, subj: _M, anaphor: str | None = None) -> None:
        try:
            geom = _gaz().geometry(subj.place_id)
            row = _gaz().place(subj.place_id)
        except KeyError:
            self._add_quantity(
                clause, "length", subj, q, verdict="cannot check",
                method="geodesic length of a bundled route",
                reason=f"{subj.name} has no geometry in the bundled data",
            )  # fmt: skip
            return
        km = geodesic_length_km(geom)
        details = _alt_details(alt, km) | {"computed_km": round(km, 1)}
        published = _published_length(row)
        if published is not None:
            details["published_km"] = published
        method = f"geodesic length (pyproj Geod, WGS 84 ellipsoid) of the bundled route {subj.place_id}"
        self._add_measured(clause, "length", subj, q, km, LENGTH_TOL, method, details, anaphor)

    def _border_length(self, clause, q, alt, ms, noun_end: int) -> None:
        countries = [x for x in ms if x.kind == "country"]
        # The two countries nearest the noun ("the 1,084km border between Belarus and Ukraine",
        # "Russia's 1,300km border with Finland"); one country means its whole land border.
        near = sorted(countries, key=lambda x: abs(x.start - noun_end))
        pair: list[_M] = []
        for x in near:
            if x.place_id not in [p.place_id for p in pair]:
                pair.append(x)
            if len(pair) == 2:
                break
        if not pair:
            subj, _ = self._antecedent(clause, q.start, frozenset({"country"}))
            pair = [subj] if subj else []
        method = "geodesic length (WGS 84) of the boundary shared by Natural Earth 1:10m country polygons"
        if not pair:
            self._add(
                clause,
                "length",
                stated=q.value,
                unit=q.unit,
                hedge=q.hedge,
                verdict="cannot check",
                method=method,
                reason="the border's countries are not named",
                details=_alt_details(alt),
            )
            return
        pair.sort(key=lambda x: x.start)
        a = pair[0]
        if len(pair) == 2:
            b = pair[1]
            km = shared_border_km(a.place_id, b.place_id)
            obj, obj_name = b.place_id, b.name
        else:
            km = land_border_km(a.place_id)
            obj, obj_name = None, None
            method = "geodesic length (WGS 84) of the country's whole land border (Natural Earth 1:10m)"
        computed = _in_unit(km, q.unit)
        if km <= 0:
            verdict = "differs"
        elif q.hedge in _HEDGE_AT_LEAST or q.hedge in _HEDGE_AT_MOST:
            verdict = _verdict(q.value, computed, BORDER_SHORT_TOL * q.value, q.hedge)
        else:
            ok = (1 - BORDER_SHORT_TOL) * q.value <= computed <= (1 + LENGTH_TOL) * q.value
            verdict = "consistent" if ok else "differs"
        self._add(
            clause,
            "length",
            subject=a.place_id,
            subject_name=a.name,
            object=obj,
            object_name=obj_name,
            stated=q.value,
            unit=q.unit,
            hedge=q.hedge,
            computed=_round(computed),
            verdict=verdict,
            method=method,
            tolerance=_TOLERANCE["border_length"],
            reason=None if km > 0 else "the two countries share no border in the data",
            place_ids=(a.place_id, obj),
            details=_alt_details(alt, km) | {"shared_border_km": round(km, 1)},
        )

    def _distance(self, clause, q, alt, ms) -> None:
        after = self.text[q.end : clause.end]
        b = None
        for x in ms:
            if x.start >= q.end and _AFTER_DIST.match(self.text[q.end : x.start]):
                b = x
                break
        a = None
        if b is not None:
            # "X is (about) 750 km from Y": X must be the subject of the verb right before the number.
            a = next(
                (
                    x
                    for x in reversed(ms)
                    if x.end <= q.start
                    and x.type != "demonym"
                    and x.kind != "alliance"
                    and _DIST_SUBJECT_GAP.fullmatch(self.text[x.end : q.start])
                ),
                None,
            )
        else:
            # "between Kyiv and Moscow, 750 km" / "Kyiv and Moscow are 750 km apart"
            between = re.search(r"\bbetween\b", self.text[clause.start : clause.end], re.IGNORECASE)
            apart = re.match(r"^\s*(?:\([^()]*\)\s*)?apart\b", after, re.IGNORECASE)
            if between or apart:
                lo = clause.start + between.end() if between else clause.start
                cands = [x for x in ms if x.start >= lo and x.type != "demonym" and x.kind != "alliance"]
                if len(cands) >= 2 and re.fullmatch(
                    r"\s+and\s+(?:the\s+)?", self.text[cands[0].end : cands[1].start]
                ):
                    a, b = cands[0], cands[1]
        if a is None or b is None or a.place_id == b.place_id:
            return  # "1,000 km away", "30 km from the border": no two places, no claim
        self._check_distance(clause, q, alt, a, b)

    def _check_distance(self, clause, q, alt, a: _M, b: _M) -> None:
        import shapely
        from shapely.ops import nearest_points

        try:
            ga, gb = _gaz().geometry(a.place_id), _gaz().geometry(b.place_id)
        except KeyError as e:
            self._add_quantity(
                clause, "distance", a, q, b, verdict="cannot check", method="geodesic distance",
                reason=f"no bundled geometry for {e}",
            )  # fmt: skip
            return
        geod = _geod()
        pa = shapely.point_on_surface(ga) if ga.geom_type != "Point" else ga
        pb = shapely.point_on_surface(gb) if gb.geom_type != "Point" else gb
        centre_km = geod.inv(pa.x, pa.y, pb.x, pb.y)[2] / 1000.0
        if ga.geom_type == "Point" and gb.geom_type == "Point":
            lo = hi = centre_km
            method = "geodesic distance (WGS 84) between the two places' points"
        else:
            na, nb = nearest_points(ga, gb)
            near_km = geod.inv(na.x, na.y, nb.x, nb.y)[2] / 1000.0
            lo, hi = min(near_km, centre_km), max(near_km, centre_km)
            method = (
                "geodesic distance (WGS 84): between the nearest points of the areas and between their "
                "representative points (point on surface); the claim is consistent anywhere in that range"
            )
        stated_km = q.km
        tol = max(DISTANCE_TOL * stated_km, DISTANCE_TOL_KM)
        if q.hedge in _HEDGE_AT_LEAST:
            ok = hi >= stated_km - tol
        elif q.hedge in _HEDGE_AT_MOST:
            ok = lo <= stated_km + tol
        else:
            ok = lo - tol <= stated_km <= hi + tol
        computed_km = min((lo, hi), key=lambda v: abs(v - stated_km))
        self._add_quantity(
            clause,
            "distance",
            a,
            q,
            b,
            computed=_round(_in_unit(computed_km, q.unit)),
            verdict="consistent" if ok else "differs",
            method=method,
            details=_alt_details(alt, computed_km)
            | {"nearest_km": round(lo, 1), "representative_points_km": round(centre_km, 1)},
        )

    # -- area ------------------------------------------------------------------------------------------------
    def _area(self, clause: Span, q: Quantity, alt: Quantity | None, ms: list[_M]) -> None:
        after = self.text[q.end : clause.end]
        if _AFTER_AREA_PART.match(after):
            return  # "seized 1,000 sq km of territory": a part of a place, not its area
        areas = [x for x in ms if x.kind in AREA_KINDS]
        before = [x for x in areas if x.end <= q.start and x.type != "demonym"]
        # "Ukraine, Europe's second largest country, covers ...": a possessive is a modifier, not the subject.
        plain = [x for x in before if not re.match(r"['’]s\b", self.text[x.end : x.end + 3])]
        subj = (plain or before or [None])[-1]
        anaphor = None
        # "the 27,000 sq km Crimean peninsula": a place named right after the number.
        nxt = next((x for x in areas if x.start >= q.end), None)
        if nxt is not None and re.fullmatch(r"[\s-]*(?:\([^()]*\)\s*)?", self.text[q.end : nxt.start]):
            subj = nxt
        if subj is None:
            subj, anaphor = self._antecedent(clause, clause.end, AREA_KINDS)
        if subj is None:
            return  # no place to check against: not a claim about a named place
        self._check_area(clause, q, alt, subj, anaphor)

    def _check_area(self, clause, q, alt, subj: _M, anaphor: str | None) -> None:
        try:
            geom = _gaz().geometry(subj.place_id)
        except KeyError:
            geom = None
        if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            self._add_quantity(
                clause, "area", subj, q, verdict="cannot check", method="geodesic area of a bundled polygon",
                reason=f"{subj.name} has no polygon in the bundled data (only a point or line)",
            )  # fmt: skip
            return
        km2 = geodesic_area_km2(geom)
        details = _alt_details(alt, km2) | {"computed_km2": round(km2, 1)}
        method = f"geodesic area (pyproj Geod, WGS 84 ellipsoid) of the bundled polygon {subj.place_id}"
        self._add_measured(clause, "area", subj, q, km2, AREA_TOL, method, details, anaphor)

    # -- border share ----------------------------------------------------------------------------------------
    def _border_share(self, clause: Span, q: Quantity, ms: list[_M]) -> None:
        after = self.text[q.end : clause.end]
        mo = re.match(r"^\s+of\s+", after)
        bw = _BORDER_WORD.search(after)
        subj = None
        anaphor = None
        if mo and bw and bw.start() < 60:
            # Everything between "of" and "border" must be a country, "its", "the", "land", ...
            lo, hi = q.end + mo.end(), q.end + bw.start()
            inner = [x for x in ms if x.start >= lo and x.end <= hi]
            rest = self.text[lo:hi]
            for x in sorted(inner, key=lambda x: -x.start):
                rest = rest[: x.start - lo] + " " + rest[x.end - lo :]
            words = re.findall(r"[\w'’]+", rest.lower())
            if any(w not in _SHARE_FILLER for w in words):
                return
            subj = next((x for x in inner if x.kind == "country"), None)
            if subj is None and "its" in words:
                subj, anaphor = self._antecedent(clause, q.start, frozenset({"country"}))
                subj = subj or self.index.back(lo, frozenset({"country"}))
                anaphor = anaphor or "its"
            border_end = q.end + bw.end()
        else:
            # "Russia shares 6% of its border with Nato"
            sh = re.search(
                r"\bshares?\s+(?:only\s+|just\s+|about\s+|some\s+)*$", self.text[clause.start : q.start]
            )
            if not (sh and mo and bw):
                return
            subj = next((x for x in reversed(ms) if x.end <= q.start and x.kind == "country"), None)
            border_end = q.end + bw.end()
        if subj is None:
            return
        objs = [x for x in ms if x.start >= border_end and x.place_id != subj.place_id]
        alliance = next((x for x in objs if x.kind == "alliance"), None)
        on, on_txt = self._date()
        base = {
            "subject": subj.place_id,
            "subject_name": subj.name,
            "stated": q.value,
            "unit": "%",
            "hedge": q.hedge,
        }
        if alliance is not None:
            members = _gaz().members(alliance.place_id, on)
            group = [_country_id(c) for c in members]
            obj, obj_name = alliance.place_id, alliance.name
        else:
            cs = [x for x in objs if x.kind == "country"]
            group = list(dict.fromkeys(x.place_id for x in cs))
            obj = ",".join(group) if group else None
            obj_name = ", ".join(dict.fromkeys(x.name for x in cs)) if group else None
        if not group:
            self._add(
                clause,
                "border_share",
                **base,
                verdict="cannot check",
                method="share of the country's land border",
                reason="no group of countries named after the border",
                place_ids=(subj.place_id,),
            )
            return
        total = land_border_km(subj.place_id)
        part, per = _border_with(subj.place_id, group)
        pct = 100.0 * part / total if total else 0.0
        details: dict = {
            "date": on.isoformat(),
            "land_border_km": round(total, 1),
            "shared_border_km": round(part, 1),
            "per_country_km": per,
        }
        if alliance is not None:
            details["members"] = sorted(group)
            today = date.today()
            now_group = [_country_id(c) for c in _gaz().members(alliance.place_id, today)]
            now_part, now_per = _border_with(subj.place_id, now_group)
            details["now"] = {
                "date": today.isoformat(),
                "computed": round(100.0 * now_part / total, 2) if total else None,
                "shared_border_km": round(now_part, 1),
                "per_country_km": now_per,
            }
        if anaphor:
            details["resolved_from"] = anaphor
        tol = max(SHARE_TOL_PP, SHARE_TOL_REL * q.value)
        who = f"members of {obj_name} on {on_txt} (membership table)" if alliance is not None else obj_name
        self._add(
            clause,
            "border_share",
            **base,
            object=obj,
            object_name=obj_name,
            computed=_round(pct, 2),
            verdict=_verdict(q.value, pct, tol, q.hedge) if total else "cannot check",
            method=(
                f"land border of {subj.name} with {who} / its whole land border; lengths geodesic (WGS 84) "
                "on Natural Earth 1:10m admin-0 polygons (internationally recognised borders)"
            ),
            reason=None if total else f"{subj.name} has no land border in the data",
            place_ids=(subj.place_id, *per.keys()),
            details=details,
        )

    # -- adjacency -------------------------------------------------------------------------------------------
    def _adjacency(self, clause: Span, ms: list[_M]) -> None:
        # Literal names only: "Russian borders" (a demonym) or "Moscow" (metonymy) is no subject of a border.
        areas = [x for x in ms if x.kind in ("country", "province", "region") and x.type == "literal"]
        text = self.text
        seen: set[tuple[str, str]] = set()
        for v in _ADJ_VERB.finditer(text, clause.start, clause.end):
            neg = v.group("neg") is not None
            vs, ve = v.start(), v.end()
            if v.group("neg"):
                vs = v.start() + len(v.group("neg")) - len(v.group("neg").lstrip())
                vs = v.start()
            # Subject: a place right before the verb, or "it"/"which" resolved back.
            a = next(
                (x for x in reversed(areas) if x.end <= vs and _ADJ_GAP_BEFORE.match(text[x.end : vs])), None
            )
            anaphor = None
            if a is None:
                pm = re.search(
                    r"\b(it|which)\s+(?:also\s+|now\s+|still\s+)?$", text[clause.start : vs], re.IGNORECASE
                )
                if pm and pm.group(1).lower() == "it":
                    a = self.index.back(clause.start + pm.start(), frozenset({"country"}))
                    anaphor = "it"
            if a is None:
                continue
            # Objects: "Y", "Y and Z", "Y, Z and W", "both Y and Z" right after the verb.
            objs: list[_M] = []
            pos = ve
            for x in areas:
                if x.start < pos:
                    continue
                gap = text[pos : x.start]
                pattern = (
                    r"\s*(?:both\s+|the\s+)?" if not objs else r"\s*(?:,\s*|\s+)(?:and|or)?\s*(?:the\s+)?"
                )
                if not re.fullmatch(pattern, gap, re.IGNORECASE):
                    break
                if objs and _ADJ_NEXT_SUBJECT.match(text, x.end, clause.end):
                    break  # "..., and Lithuania borders Russia": the subject of the next statement
                objs.append(x)
                pos = x.end
            for b in objs:
                self._check_adjacency(clause, a, b, neg, anaphor, seen)
        # "X and Y share a border"
        for i, x in enumerate(areas[:-1]):
            y = areas[i + 1]
            if re.fullmatch(r"\s+and\s+(?:the\s+)?", text[x.end : y.start], re.IGNORECASE):
                m = _PAIR_SHARE.match(text, y.end, clause.end)
                if m:
                    self._check_adjacency(clause, x, y, m.group("neg") is not None, None, seen)

    def _check_adjacency(self, clause, a: _M, b: _M, neg: bool, anaphor, seen) -> None:
        key = (a.place_id, b.place_id)
        if a.place_id == b.place_id or key in seen:
            return
        # "Finland shares a 1,340km border with Russia": the length claim on the same pair already says it.
        pair = {a.place_id, b.place_id}
        if any(
            c.start == clause.start and c.kind == "length" and {c.subject, c.object} == pair
            for c in reversed(self.claims[-8:])  # this clause's claims are the last few
        ):
            return
        seen.add(key)
        km = shared_border_km(a.place_id, b.place_id)
        adjacent = km > MIN_BORDER_KM
        details: dict = {"shared_border_km": round(km, 1), "stated_adjacent": not neg, "adjacent": adjacent}
        if anaphor:
            details["resolved_from"] = anaphor
        self._add(
            clause,
            "adjacency",
            subject=a.place_id,
            subject_name=a.name,
            object=b.place_id,
            object_name=b.name,
            computed=_round(km),
            unit=None,
            verdict="consistent" if adjacent != neg else "differs",
            method="boundary shared by the two Natural Earth 1:10m polygons, length geodesic (WGS 84) in km",
            reason=(
                f"{a.name} and {b.name} share {km:,.0f} km of border in the data"
                if adjacent
                else f"{a.name} and {b.name} share no land border in the data"
            ),
            place_ids=(a.place_id, b.place_id),
            details=details,
        )


def _dim(unit: str) -> str:
    return {"km": "L", "mi": "L", "km2": "A", "sq mi": "A", "%": "P"}[unit]


def _alt_details(alt: Quantity | None, computed_km: float | None = None) -> dict:
    """The parenthesised alternative ("(760-mile)") of a stated value, compared in its own unit."""
    if alt is None:
        return {}
    d: dict = {"alternative": {"stated": alt.value, "unit": alt.unit, "hedge": alt.hedge}}
    if computed_km is not None:
        d["alternative"]["computed"] = _round(_in_unit(computed_km, alt.unit))
    return d


def _published_length(row) -> float | None:
    for col in ("length_km", "published_km", "len_km", "length"):
        try:
            v = row.get(col)
        except AttributeError:
            return None
        if v is not None and v == v:
            try:
                return float(v)
            except (TypeError, ValueError):
                continue
    return None


# ------------------------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------------------------


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
        Sorted by offset, each with ``date`` (ISO: ``on``, else today). Text without numbers with units or
        border verbs gives no claims.
    """
    from dashboard.historic import as_date

    on = as_date(on)  # a datetime or ISO string (a corpus record's) is read as its day
    if mentions is None:
        from dashboard.geoparse import geoparse

        mentions = geoparse(text, on=on)
    ms = [_as_m(m) for m in mentions]
    day = (on or date.today()).isoformat()
    return [replace(c, date=day) for c in _Finder(text, ms, on).run()]


def claims_command(paths: list[str], fmt: str = "json", output: str | None = None) -> int:
    """``python -m dashboard claims FILE... --format json [--output PATH]``.

    Reads each file (``-`` is stdin) with :func:`dashboard.article.read_article`, prints (or writes to
    ``output``) one JSON list of claim objects, each with a ``source`` field. Unreadable files are reported on
    stderr and skipped.

    Returns
    -------
    int
        0 if at least one file was read (or none was given), 1 if none could be read, 2 for a bad format or
        an unwritable output.
    """
    from dashboard.article import read_article
    from dashboard.errors import DashboardError

    if fmt != "json":
        print(f"error: unknown format {fmt!r} for claims; use --format json", file=sys.stderr)
        return 2
    out: list[dict] = []
    read = 0
    for path in paths:
        try:
            data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
            article = read_article(data, path)
        except OSError as e:
            print(f"error: {path}: {e.strerror or e} (skipped)", file=sys.stderr)
            continue
        except DashboardError as e:
            # read_article's messages already name the source.
            print(f"error: {e} (skipped)", file=sys.stderr)
            continue
        read += 1
        try:
            claims = check_claims(article.text, on=article.date)
        except DashboardError as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 1
        out.extend({"source": path, **c.to_dict()} for c in claims)
    if paths and not read:
        return 1  # every file was reported on stderr; no empty result to mistake for "no claims"
    payload = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if output:
        try:
            with open(output, "w", encoding="utf-8") as f:
                f.write(payload)
        except OSError as e:
            print(f"error: cannot write {output}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(payload)
    return 0
