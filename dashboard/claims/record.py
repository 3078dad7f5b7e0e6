"""The typed records between the stages: a Reading (extract), a Measurement (measure), a Claim (judge)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from dashboard.claims.units import Quantity
from dashboard.placekinds import MentionType
from dashboard.sentences import Span

#: The claim kinds, in the contract's spelling (and the order claims of one clause are listed in).
KINDS: tuple[str, ...] = ("length", "border_share", "adjacency", "area", "distance", "size", "rank")
#: Verdicts.
VERDICTS: tuple[str, ...] = ("consistent", "differs", "cannot check")
#: Confidence levels, lowest first: how sure the reading of the sentence and the measurement are.
CONFIDENCE: tuple[str, ...] = ("low", "medium", "high")


@dataclass(frozen=True)
class Mention:
    """A place mention as the claims need it (built from geoparse's Mention or a dict)."""

    start: int
    end: int
    text: str
    place_id: str
    name: str
    kind: str
    type: MentionType


@dataclass
class Reading:
    """What a sentence states (extract's output): a kind, the places, the stated figure or relation.

    ``check`` names the measurement (``route_length``, ``border_length``, ``land_border``, ``border_share``,
    ``adjacency``, ``area``, ``distance``, ``size``, ``rank``); ``missing`` is set when the sentence itself
    lacks what a check needs (then the claim is "cannot check" with that reason).
    """

    kind: str
    check: str
    clause: Span
    subject: Mention | None = None
    object: Mention | None = None
    group: tuple[Mention, ...] = ()  # border share: the countries named after "border"
    quantity: Quantity | None = None
    alt: Quantity | None = None  # "1,225km (760-mile)": the same figure in another unit
    negated: bool = False
    anaphor: str | None = None  # the words the subject was resolved from ("the pipeline", "it")
    factor: float | None = None  # size comparisons: "twice" = 2
    comparison: str = "about"  # "about" | "nearly" | "at_least" | "at_most"
    rank: int | None = None  # rank claims: 1 = largest (or smallest), 2 = second ...
    superlative: str | None = None  # "largest" | "smallest"
    noun: str | None = None  # what is ranked or measured: "country", "state", "pipeline", ...
    missing: str | None = None
    confidence: str = "high"  # how sure the reading is


@dataclass
class Measurement:
    """What the bundled data says (measure's output): a value or a range, how it was measured, place ids."""

    check: str
    lo: float
    hi: float
    method: str
    details: dict = field(default_factory=dict)
    place_ids: tuple[str, ...] = ()
    confidence: str = "high"  # how exact the data is for this check
    computed: float | None = None  # what the claim shows as computed (in the stated unit), when not lo/hi


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
    confidence: str = "high"
    date: str | None = None  # ISO date the places and alliances were taken on (the article's, else today)

    def to_dict(self) -> dict:
        """JSON-ready dict with every field (place_ids as a list)."""
        d = asdict(self)
        d["place_ids"] = list(self.place_ids)
        return d


def lowest(*levels: str) -> str:
    """The lowest of confidence levels."""
    return min(levels, key=CONFIDENCE.index)
