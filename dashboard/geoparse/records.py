"""The typed records between the geoparser's stages: candidates, tokens, spans, cues, mentions, whys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from mypy_extensions import mypyc_attr

from dashboard.placekinds import MentionType


class Candidate(NamedTuple):
    """One reading of a matched name: a gazetteer place and how the name refers to it."""

    place_id: str
    name: str
    kind: str
    country: str | None  # ISO3
    population: int
    primary: bool  # the place's own name, not an alternate one
    type: MentionType  # literal | demonym | metonymic | alliance
    upper: bool  # the name is an all-caps abbreviation: the text must be all caps too ("US", not "us")
    prior: float  # score before any context (see features.prior)
    province: str | None  # the province a city or county lies in ("province:US-GA")
    capital: bool  # a national capital


class Token(NamedTuple):
    """One word of a text: ``text[start:end] == word`` (as :data:`dashboard.nameindex.TOKEN` finds it)."""

    start: int
    end: int
    word: str


class TokenSequence(Protocol):
    """What the stages read of a text's tokens: ``tokens[k]`` (a :class:`Token`, numbered over the whole
    text) and ``len(tokens)``; a list of tokens, or the matcher's lazy view (``matcher.Tokens``)."""

    def __getitem__(self, k: int, /) -> Token: ...

    def __len__(self) -> int: ...


class Span(NamedTuple):
    """A matched name: tokens ``first..last`` (inclusive; -1 for a span found by a pattern, "X County"),
    characters ``start:end``, and its candidate readings, best prior first."""

    first: int
    last: int
    start: int
    end: int
    cands: list[Candidate]


class SpanCues(NamedTuple):
    """What the text around one span says, computed once per span and read by the rules (see rules.py).

    Words are casefolded; a neighbour across a sentence break (".", ":", a quote, a line break) does not
    count, except a title or an initial with its period ("Sen. Jones", "John A. Jones").
    """

    key: str  # the normalised first word ("georgia")
    surface: str  # the span's text ("Georgia", "Calif.")
    readings: list[Candidate]  # its candidates as matched, before any rule
    single: bool  # one word
    sentence_start: bool  # no word of the same clause before it
    prev_word: str  # the word right before in the same clause, "" if none
    capitalised_before: bool  # a capitalised word right before, one space apart ("Federal Reserve")
    prev_proper: bool  # ...that is no place, common word or connector ("Jens Stoltenberg")
    next_word: str  # the next word ("" at the end of the text), across breaks
    next_cap: bool  # a capitalised word right after (one space), not a place head ("Washington Post")
    next_proper: bool  # ...that is no place or common word ("Mary Middleton")
    locative: bool  # "in Fargo", "near Oakland", "Fargo police": the place is meant
    personish: bool  # the word is a common given name or surname ("Georgia", "Jackson")
    acronym: bool  # one all-caps word of at most 4 letters ("HIV", "UN")
    said_before: bool  # "said Hopkins"
    age_after: bool  # "Wilson, 54,"
    speech_after: bool  # a verb of speech right after, one space apart ("Baker said")
    verb_after: bool  # a verb of speech or legal action right after ("Gilbert charged", "Lewis pleads")
    currency_after: bool  # "US$5m": a "$" right after
    in_company: bool  # inside a firm's name ("BP America Inc"), with no locative before
    province_cue: bool  # "the state of Washington", "Washington state", "New York Governor"
    disease_after: bool  # "Marburg virus", "Lyme disease"
    common_noun: bool  # a common noun ("Reserve", "Justice") with no locative and no appositive after
    possessive: bool  # "Moody's"
    after_origin_cue: bool  # "a native of Jordan", "born in Lebanon", "from Jordan"
    dotted: bool  # the surface ends with a period ("Miss.")


class Removal(NamedTuple):
    """A reading a rule removed: the span's start and text, the rule's name and the place removed."""

    start: int
    text: str
    rule: str
    place_id: str


class Notes(NamedTuple):
    """What the rule stages record for explanations: per span start, the readings rules removed (rule name,
    reading), and the starts the article rules decided."""

    removed: dict[int, list[tuple[str, Candidate]]]
    container: dict[int, str]  # decided by stated_container: start -> the text of the stated container
    origin: frozenset[int]  # decided by origin_country


# The frozen records stay plain Python classes when compiled (dashboard/native.py): they pickle as they do
# interpreted (multiprocessing, Dask), where mypyc's own classes could not unpickle a frozen dataclass.
@mypyc_attr(native_class=False)
@dataclass(frozen=True)
class RunnerUp:
    """The best reading that lost: its place, and its score (None when a rule removed it before scoring)."""

    place_id: str
    name: str
    kind: str
    country: str | None
    score: float | None
    removed_by: str | None = None  # the rule that removed it

    def to_dict(self) -> dict[str, Any]:
        return {
            "place_id": self.place_id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "score": self.score,
            "removed_by": self.removed_by,
        }


class Contribution(NamedTuple):
    """One named feature's share of a candidate's score (its weight times its value)."""

    feature: str
    value: float


@mypyc_attr(native_class=False)
@dataclass(frozen=True)
class Why:
    """Why a mention resolved as it did: the rules that fired, the features of the chosen reading with their
    contributions, its score, the runner-up, and a one-line summary for a reader."""

    summary: str  # "the country, not the US state: Tbilisi is named in the article"
    rules: tuple[str, ...]  # stable rule names, in the order they fired ("title_before_name", ...)
    features: tuple[Contribution, ...]  # the chosen reading's score, feature by feature ("prior" first)
    score: float | None  # None for a mention a rule decided without scores (a county to its state)
    runner_up: RunnerUp | None

    def to_dict(self) -> dict[str, Any]:
        """The why as plain JSON-ready data (the CLI's ``why`` object)."""
        return {
            "summary": self.summary,
            "rules": list(self.rules),
            "features": {f.feature: round(f.value, 3) for f in self.features},
            "score": None if self.score is None else round(self.score, 3),
            "runner_up": None if self.runner_up is None else self.runner_up.to_dict(),
        }


@mypyc_attr(native_class=False)
@dataclass(frozen=True)
class Mention:
    """One place mention: offsets into the whole text and the place it resolves to."""

    start: int
    end: int
    text: str
    place_id: str
    name: str
    kind: str
    country: str | None
    type: str
    confidence: float
    why: Why | None = None  # filled only when the parse is asked to explain (parse(..., explain=True))

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        place_id: str,
        name: str,
        kind: str,
        country: str | None,
        type: str,
        confidence: float,
        why: Why | None = None,
    ) -> None:
        # The fields above, set in one step: the resolver makes a few per article, and the generated __init__
        # of a frozen dataclass sets each field with object.__setattr__ (interpreted even when this module is
        # compiled: about 2 µs of a news article's parse). tests/test_geoparse.py checks both agree.
        object.__setattr__(
            self,
            "__dict__",
            {
                "start": start,
                "end": end,
                "text": text,
                "place_id": place_id,
                "name": name,
                "kind": kind,
                "country": country,
                "type": type,
                "confidence": confidence,
                "why": why,
            },
        )
