"""The one table of units and hedges, and the quantities (number + unit + hedge) they find in text; pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Kilometres per statute mile.
KM_PER_MI: float = 1.609344
#: Square kilometres per square mile.
KM2_PER_SQMI: float = KM_PER_MI**2


@dataclass(frozen=True)
class Unit:
    """A unit as written in articles: its contract spelling, pattern, dimension and factor to km / km²."""

    name: str  # the contract's spelling: "km", "mi", "km2", "sq mi", "%"
    pattern: str
    dimension: str  # "length" | "area" | "share"
    to_base: float  # multiply to get km (lengths), km² (areas) or % (shares)
    label: str  # how the dashboard writes it


#: The units, areas before lengths ("sq km" must not read as "km").
UNITS: tuple[Unit, ...] = (
    Unit("km2", r"km2|km²|sq\.?\s?km|square[\s-]kilomet(?:re|er)s?", "area", 1.0, "km²"),
    Unit("sq mi", r"sq\.?\s?mi(?:les?)?|square[\s-]miles?", "area", KM2_PER_SQMI, "sq mi"),
    Unit("km", r"km|kms|kilomet(?:re|er)s?", "length", 1.0, "km"),
    Unit("mi", r"miles?|mi", "length", KM_PER_MI, "miles"),
    Unit("%", r"%|\s?per\s?cent|\s?percent", "share", 1.0, "%"),
)
UNIT_BY_NAME: dict[str, Unit] = {u.name: u for u in UNITS}

#: Number words journalists spell out ("about five miles", "seven kilometres").
NUMBER_WORDS: dict[str, int] = {
    w: i + 1
    for i, w in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}

#: Hedges before a number and the direction they give the comparison: the true value is at least the
#: stated one ("more than"), at most ("less than"), or about it.
HEDGES: dict[str, str] = {
    "more than": "at_least",
    "at least": "at_least",
    "over": "at_least",
    "just over": "at_least",
    "less than": "at_most",
    "fewer than": "at_most",
    "at most": "at_most",
    "up to": "at_most",
    "under": "at_most",
    "just under": "at_most",
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "about": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "only": "about",
    "just": "about",
    "an estimated": "about",
    "c.": "about",
}

_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + ")"
)
_MULT = r"(?:\s?(?P<mult>thousand|million|m|k)\b)?"
_UNIT_RE = "|".join(f"(?P<u{i}>{u.pattern})" for i, u in enumerate(UNITS))
# A speed ("60 miles per hour", "290km/h") is no distance.
_QTY = re.compile(
    rf"(?<![\w$£€.,]){_NUM}{_MULT}(?:\s|-)?(?:{_UNIT_RE})(?![\w²])(?!\s*(?:/\s*h\b|an\s+hour|a\s+day|per\s+))",
    re.IGNORECASE,
)
# Most sentences hold no unit at all: a cheap scan for one skips the full pattern.
_UNIT_HINT = re.compile(r"km|kilomet|mile|\bmi\b|%|per\s?cent|sq", re.IGNORECASE)
HEDGE_RE = re.compile(r"(?:\b(" + "|".join(re.escape(h) for h in HEDGES) + r"))\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number with a unit as written in the text (offsets index the whole article)."""

    start: int
    end: int
    value: float
    unit: str  # a Unit.name
    hedge: str | None

    @property
    def km(self) -> float:
        """The value in km (lengths) or km² (areas); percent unchanged."""
        return self.value * UNIT_BY_NAME[self.unit].to_base

    @property
    def dimension(self) -> str:
        return UNIT_BY_NAME[self.unit].dimension

    @property
    def direction(self) -> str:
        """ "at_least", "at_most" or "about", from the hedge."""
        return HEDGES.get(self.hedge or "", "about")


def in_unit(base: float, unit: str) -> float:
    """A value in km or km² expressed in ``unit``."""
    return base / UNIT_BY_NAME[unit].to_base


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
        In text order. "6%", "1,225km", "760-mile", "26,000 sq km", "10,000 square miles", "five miles" and
        "1.2 million km²" are quantities; "$11bn", "1,000 troops", "60 miles per hour" and "2014" are not.
    """
    out: list[Quantity] = []
    if not _UNIT_HINT.search(text):
        return out
    for m in _QTY.finditer(text):
        unit = next(UNITS[i].name for i in range(len(UNITS)) if m.group(f"u{i}") is not None)
        raw = m.group("num").lower()
        value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw.replace(",", ""))
        mult = (m.group("mult") or "").lower()
        if mult in ("thousand", "k"):
            value *= 1e3
        elif mult in ("million", "m"):
            if mult == "m" and unit == "%":
                continue
            value *= 1e6
        h = HEDGE_RE.search(text[max(0, m.start() - 20) : m.start()])
        hedge = h.group(1).lower() if h else None
        out.append(Quantity(offset + m.start(), offset + m.end(), value, unit, hedge))
    return out
