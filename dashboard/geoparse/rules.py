"""The reader's rules, as tables of small named functions (names are stable: explanations and tests use them).

- :data:`SPAN_RULES` read a span's cues: the span is no place ("Washington Post"), or only some readings stay
  ("President Lincoln": demonyms only).
- :data:`CANDIDATE_RULES` read the cues and one literal reading of a one-word name: that reading goes ("Baker
  said": a person), perhaps remembering the word as a person's name for the rest of the article.
- :data:`ARTICLE_RULES` read the spans together: a stated container ("Hanover, Kansas") and an origin cue ("a
  native of Jordan") decide a span and keep it out of one sense per discourse.

Adding a rule: a function here with a docstring and an example, a row in its table, a test in
tests/test_geoparse_rules.py.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Final, NamedTuple

from dashboard import lexicon, placekinds
from dashboard.geoparse import relations, uslocal
from dashboard.geoparse.matcher import norm
from dashboard.geoparse.records import Candidate, Span, SpanCues
from dashboard.placekinds import MentionType

_LITERAL: Final = MentionType.LITERAL
_DEMONYM: Final = MentionType.DEMONYM

#: A city this populous is not taken for a surname next to a capitalised word ("Metropolitan Denver").
BIG_CITY: Final = 300_000

#: A town smaller than this named in the possessive ("Moody's") is taken for a firm or a person.
POSSESSIVE_TOWN_MAX: Final = 20_000

#: A town smaller than this named by a common noun ("Justice", "Reserve") needs support.
COMMON_NOUN_TOWN_MAX: Final = 50_000

#: A name whose every literal reading is a town smaller than this can be a person speaking ("Baker said").
SPEAKER_TOWN_MAX: Final = 100_000

#: An alternate name of a city smaller than this is not trusted as a sentence's first word.
ALTERNATE_NAME_CITY_MAX: Final = 1_000_000

#: A town under this population yields to a same-named country after an origin cue ("a native of Jordan").
SMALL_TOWN: Final = 100_000

#: Confidence of a mention resolved to its stated container because the gazetteer lacks the town there.
CONTAINER_CONFIDENCE: Final = 0.4

# The lexicon's word sets as this module's own Final names: compiled, a Final name is read from a C static,
# where ``lexicon.X`` is a module and an attribute look-up at every use.
_COMMON_NOUNS: Final = lexicon.COMMON_NOUNS
_COMMON_WORDS: Final = lexicon.COMMON_WORDS
_FIRST_NAMES: Final = lexicon.FIRST_NAMES
_NEWSPAPER_WORDS: Final = lexicon.NEWSPAPER_WORDS
_NOT_PLACES: Final = lexicon.NOT_PLACES
_PLACE_HEADS: Final = lexicon.PLACE_HEADS
_TITLES: Final = lexicon.TITLES

_PERSON_KINDS: Final = frozenset({"city", "province"})
_COMMON_WORD_KINDS: Final = frozenset({"city", "province", "region"})


class Verdict(Enum):
    """What a candidate rule says of a reading: not this place; a person (remembered for the article); a
    person on strong evidence (remembered, and outweighing a province: "Andrew Trapani")."""

    NOT_PLACE = "not_place"
    PERSON = "person"
    PERSON_STRONG = "person_strong"


_NOT_PLACE: Final = Verdict.NOT_PLACE
_PERSON: Final = Verdict.PERSON
_PERSON_STRONG: Final = Verdict.PERSON_STRONG


class Discourse:
    """What the article has shown that the rules read: words met as people's names (``persons``; the strong
    ones also in ``strong``), and the provinces and countries it names (listed on first need only)."""

    __slots__ = ("_named", "_spans", "persons", "strong")

    def __init__(self, spans: list[Span]) -> None:
        self.persons: set[str] = set()
        self.strong: set[str] = set()
        self._spans = spans
        self._named: set[str] | None = None

    def remember(self, key: str, strong: bool) -> None:
        """Remember a word as a person's name ("Bruce Ivins": later "Ivins" alone is him too)."""
        self.persons.add(key)
        if strong:
            self.strong.add(key)

    def named(self) -> set[str]:
        """Province ids and ISO3 codes the article names (by each span's best reading by prior)."""
        if self._named is None:
            self._named = set()
            for top in {id(sp.cands): sp.cands[0] for sp in self._spans}.values():
                if top.kind in ("province", "country") and top.type == _LITERAL:
                    self._named.add(top.place_id if top.kind == "province" else top.country or "")
        return self._named


# -- span rules: (cues, readings) -> the rule holds -------------------------------------------------------


def title_before_name(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """A title right before a name: "President Lincoln", "Mr Georgia", "Secretary-General Jens ..." name a
    person; only demonym readings stay."""
    return cues.prev_word in _TITLES


def not_a_place_word(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """A word the lexicon knows is never a place by itself ("Bill", "Man")."""
    return cues.single and cues.key in _NOT_PLACES


def currency_sign(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """ "US$5m", "HK$": a currency, not a place."""
    return cues.currency_after


def company_name(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """ "BP America Inc", "Aluminum Co of America": a firm's name, not a mention of the place ("in America
    and Japan Co" keeps its locative)."""
    return cues.in_company


def newspaper_name(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """ "Washington Post", "New York Times": a newspaper, not a mention of the place."""
    return cues.next_cap and cues.next_word in _NEWSPAPER_WORDS


def state_cue(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """ "the state of Washington", "Washington state", "New York Governor": the province, where the name has
    one (its other literal readings go)."""
    return cues.province_cue and any(c.kind == "province" for c in cands)


def disease_name(cues: SpanCues, cands: Sequence[Candidate]) -> bool:
    """ "Marburg virus", "Ebola fever", "Lyme disease": a disease named after a place."""
    return cues.disease_after


def _is_demonym(c: Candidate) -> bool:
    return c.type == _DEMONYM


def _is_province_or_not_literal(c: Candidate) -> bool:
    return c.kind == "province" or c.type != _LITERAL


class SpanRule(NamedTuple):
    """A span rule: when ``test`` holds, only the readings ``keep`` accepts stay (none without ``keep``)."""

    name: str
    test: Callable[[SpanCues, Sequence[Candidate]], bool]
    keep: Callable[[Candidate], bool] | None


#: The span rules, in the order they are tried.
SPAN_RULES: Final[tuple[SpanRule, ...]] = (
    SpanRule("title_before_name", title_before_name, _is_demonym),
    SpanRule("not_a_place_word", not_a_place_word, None),
    SpanRule("currency_sign", currency_sign, None),
    SpanRule("company_name", company_name, None),
    SpanRule("newspaper_name", newspaper_name, None),
    SpanRule("state_cue", state_cue, _is_province_or_not_literal),
    SpanRule("disease_name", disease_name, None),
)


# -- candidate rules: (cues, one literal reading of a one-word name, discourse) -> a verdict or None ------


def acronym(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """An acronym ("HIV", "UN", "FAO") is a place only if the gazetteer's name is itself one (those
    readings are all-caps and never reach this rule)."""
    return _NOT_PLACE if cues.acronym else None


def given_name_before(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A given name right before a town's name: "Gary Wilson", "Andrew Trapani" (a person, strongly)."""
    if c.kind in _PERSON_KINDS and cues.capitalised_before and cues.prev_word in _FIRST_NAMES:
        return _PERSON_STRONG
    return None


def given_name_then_surname(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A given name that is a town's, followed by a capitalised word: "Mary Middleton"."""
    if (
        c.kind in _PERSON_KINDS
        and cues.next_cap
        and cues.key in _FIRST_NAMES
        and cues.next_word not in _COMMON_WORDS
    ):
        return _NOT_PLACE
    return None


def person_speaking(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """ "Baker said", "said Hopkins", "Wilson, 54,": a person, where every literal reading is a small town
    ("Moscow said" is metonymy, "Tbilisi says" too)."""
    if (
        c.kind in _PERSON_KINDS
        and not cues.locative
        and (cues.speech_after or cues.said_before or cues.age_after)
        and all(
            x.kind == "city" and x.population < SPEAKER_TOWN_MAX for x in cues.readings if x.type == _LITERAL
        )
    ):
        return _PERSON_STRONG
    return None


def person_before_verb(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A sentence's (headline's) first word before a verb of speech or legal action: "Gilbert charged",
    "Lewis pleads guilty" (a person), where every literal reading is a town below :data:`BIG_CITY` and no
    capital: "Moscow says" and "Texas sues" are governments acting."""
    if c.kind not in _PERSON_KINDS or not cues.sentence_start or not cues.verb_after:
        return None
    lit = [x for x in cues.readings if x.type == _LITERAL]
    if lit and all(x.kind == "city" and x.population < BIG_CITY and not x.capital for x in lit):
        return _PERSON_STRONG
    return None


def common_word(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A common English word that names a town, province or region: "March", "Reading", "Mobile"."""
    if c.kind in _COMMON_WORD_KINDS and cues.key in _COMMON_WORDS:
        return _NOT_PLACE
    return None


def common_noun_town(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """ "Department of Justice", "Federal Reserve": a small town named by a common noun needs a locative, an
    appositive ("Justice, Ill.") or its state (country) named in the article."""
    if (
        cues.common_noun
        and c.kind == "city"
        and c.population < COMMON_NOUN_TOWN_MAX
        and (c.province or c.country) not in d.named()
    ):
        return _NOT_PLACE
    return None


def organisation_head(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A small town named by a common noun after a capitalised word is the head of an organisation's name:
    "Federal Reserve Board", "Farmers State Bank" (whatever the article names)."""
    if (
        c.kind == "city"
        and c.population < COMMON_NOUN_TOWN_MAX
        and cues.capitalised_before
        and cues.key in _COMMON_NOUNS
    ):
        return _NOT_PLACE
    return None


def possessive_small_town(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """ "Moody's", "Dillard's": a small town's name in the possessive, with no locative, is a firm's or a
    person's ("Greer's city limits": a town of 35,000 stays)."""
    if cues.possessive and c.kind == "city" and c.population < POSSESSIVE_TOWN_MAX and not cues.locative:
        return _NOT_PLACE
    return None


def part_of_person_name(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A capitalised neighbour that is no place makes a town (or a given name) part of a person's name:
    "Jens Stoltenberg", "Bruce Ivins" (later "Ivins" alone is him too); a big city stays ("Metropolitan
    Denver", "Greater Atlanta"), and so does any place after a locative."""
    if cues.locative or not (cues.prev_proper or cues.next_proper):
        return None
    if (c.kind == "city" and c.population < BIG_CITY) or cues.personish:
        return _PERSON if cues.prev_proper and c.kind == "city" else _NOT_PLACE
    return None


def known_person(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A word met earlier in the article as a person's name ("Bruce Ivins" ... "Ivins said") is him again:
    a town reading goes, a province too on strong evidence ("Andrew Trapani")."""
    if not cues.locative and cues.key in d.persons and (c.kind == "city" or cues.key in d.strong):
        return _NOT_PLACE
    return None


def person_name_at_sentence_start(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A common given name or surname opening a sentence, with no locative: "Jackson told reporters"."""
    if not cues.locative and cues.personish and cues.sentence_start:
        return _NOT_PLACE
    return None


def alternate_name_at_sentence_start(cues: SpanCues, c: Candidate, d: Discourse) -> Verdict | None:
    """A sentence's first word is capitalised anyway: a city's alternate name there is weak evidence."""
    if c.kind == "city" and cues.sentence_start and not c.primary and c.population < ALTERNATE_NAME_CITY_MAX:
        return _NOT_PLACE
    return None


class CandidateRule(NamedTuple):
    """A candidate rule: a verdict removes the reading. ``kinds``: the only kinds of reading it can give a
    verdict on (None: any), so that a country's reading is never put through the rules about towns."""

    name: str
    test: Callable[[SpanCues, Candidate, Discourse], Verdict | None]
    kinds: frozenset[str] | None


_CITY: Final = frozenset({"city"})

#: The candidate rules, in the order they are tried on each literal reading of a one-word name (a reading
#: of a multi-word name, a demonym, a metonym or an all-caps abbreviation is never doubted by them).
CANDIDATE_RULES: Final[tuple[CandidateRule, ...]] = (
    CandidateRule("acronym", acronym, None),
    CandidateRule("given_name_before", given_name_before, _PERSON_KINDS),
    CandidateRule("given_name_then_surname", given_name_then_surname, _PERSON_KINDS),
    CandidateRule("person_speaking", person_speaking, _PERSON_KINDS),
    CandidateRule("person_before_verb", person_before_verb, _PERSON_KINDS),
    CandidateRule("common_word", common_word, _COMMON_WORD_KINDS),
    CandidateRule("common_noun_town", common_noun_town, _CITY),
    CandidateRule("organisation_head", organisation_head, _CITY),
    CandidateRule("possessive_small_town", possessive_small_town, _CITY),
    CandidateRule("part_of_person_name", part_of_person_name, None),
    CandidateRule("known_person", known_person, None),
    CandidateRule("person_name_at_sentence_start", person_name_at_sentence_start, None),
    CandidateRule("alternate_name_at_sentence_start", alternate_name_at_sentence_start, _CITY),
)

_CANDIDATE_TESTS: Final = tuple(rule.test for rule in CANDIDATE_RULES)
_RULE_NAMES: Final = {rule.test: rule.name for rule in CANDIDATE_RULES}
# Per kind of reading, the tests that can act on it, in table order (a kind not listed gets them all).
_TESTS_BY_KIND: Final = {
    kind: tuple(r.test for r in CANDIDATE_RULES if r.kinds is None or kind in r.kinds)
    for kind in placekinds.BY_NAME
}

#: The one candidate rule tried on every reading: "Miss" is not Mississippi, "Miss." is.
STATE_ABBREVIATION_WITHOUT_PERIOD: Final = "state_abbreviation_without_period"
_STATE_ABBREVIATIONS: Final = uslocal.STATE_ABBREVIATIONS


def apply_rules(
    cues: SpanCues,
    cands: list[Candidate],
    d: Discourse,
    fired: list[tuple[str, Candidate]] | None = None,
) -> list[Candidate]:
    """The readings of one span that the span and candidate rules leave (``cands`` itself when they remove
    none); with ``fired``, each reading a rule removed is appended as (rule name, reading)."""
    for name, holds, keep in SPAN_RULES:
        if holds(cues, cands):
            if keep is None:
                if fired is not None:
                    fired.extend((name, c) for c in cands)
                return []
            kept = [c for c in cands if keep(c)]
            if len(kept) < len(cands):
                if fired is not None:
                    fired.extend((name, c) for c in cands if c not in kept)
                cands = kept
                if not cands:
                    return []
    out = []
    single, dotted = cues.single, cues.dotted
    for c in cands:
        if not dotted and c.name in _STATE_ABBREVIATIONS:
            if fired is not None:
                fired.append((STATE_ABBREVIATION_WITHOUT_PERIOD, c))
            continue
        if not single or c.type != _LITERAL or c.upper:
            out.append(c)
            continue
        for test in _TESTS_BY_KIND.get(c.kind, _CANDIDATE_TESTS):
            verdict = test(cues, c, d)
            if verdict is not None:
                if verdict is not _NOT_PLACE:
                    d.remember(cues.key, verdict is _PERSON_STRONG)
                if fired is not None:
                    fired.append((_RULE_NAMES[test], c))
                break
        else:
            out.append(c)
    return cands if len(out) == len(cands) else out


def no_reading_can_stay(word: str, cands: list[Candidate], dotted: bool) -> bool:
    """Whether the rules remove every reading of the one-word name ``word`` (as written) whatever the words
    around it: the word is a common word and each reading a literal town, province or region
    (``common_word`` removes it if no rule before it did: "March", "Bank", "Central") or a state's
    abbreviation without its period ("Miss"). The parser skips the cues of such a span when it does not
    trace the rules (their removals are then unnamed); remembering the word as a person's name changes
    nothing either, as that only ever touches readings of the same word."""
    for c in cands:  # the readings first: most names have one no rule is sure to remove ("Japan")
        if not dotted and c.name in _STATE_ABBREVIATIONS:
            continue
        if c.type != _LITERAL or c.upper or c.kind not in _COMMON_WORD_KINDS:
            return False
    return norm(word) in _COMMON_WORDS


# -- article rules: the spans together ------------------------------------------------------------------


class Decided(NamedTuple):
    """The spans after an article rule, and the starts of those it decided (kept out of one sense per
    discourse); ``fallback``: those resolved to their stated container (low confidence)."""

    spans: list[Span]
    pinned: frozenset[int]
    fallback: frozenset[int] = frozenset()
    where: dict[int, str] | None = None  # stated_container: span start -> the text of its stated container


def stated_container(text: str, spans: list[Span], cued: frozenset[int] = frozenset()) -> Decided:
    """A stated container (state, country) is never contradicted.

    "Hanover, Kansas", "Hanover, a town in Kansas", "Hanover in Kansas": only the readings inside the
    container remain; where the gazetteer has no Hanover there, the mention resolves to the container
    itself (confidence at most :data:`CONTAINER_CONFIDENCE`) rather than to a same-named town elsewhere. The
    same word elsewhere in the article, with no container of its own, follows, except where an origin cue
    (starts in ``cued``) lets a country reading decide ("a native of Jordan").
    """
    stated = relations.stated_containers(text, spans)
    if not any(stated):
        return Decided(spans, frozenset())
    out = list(spans)
    pinned: set[int] = set()
    fallback: set[int] = set()
    where: dict[int, str] = {}
    by_word: dict[str, relations.Stated | None] = {}
    said: dict[str, str] = {}  # word -> the text of its first stated container
    for k, st in enumerate(stated):
        if st is not None:
            word = text[spans[k].start : spans[k].end].casefold()
            # Two different containers for one word ("Paris, Texas" and "Paris, France"): no propagation.
            by_word[word] = st if by_word.get(word, st) == st else None
            said.setdefault(word, text[spans[k + 1].start : spans[k + 1].end])
    lengths = {len(w) for w in by_word}
    for k, sp in enumerate(spans):
        s, e, cands = sp.start, sp.end, sp.cands
        st = stated[k]
        if st is None and e - s in lengths:
            if s in cued and any(c.kind == "country" and c.type == _LITERAL for c in cands):
                continue
            st = by_word.get(text[s:e].casefold())
        got = _within_container(cands, st) if st is not None else None
        if got is None:
            continue
        out[k] = sp._replace(cands=got[0])
        pinned.add(s)
        where[s] = text[spans[k + 1].start : spans[k + 1].end] if stated[k] else said[text[s:e].casefold()]
        if got[1]:
            fallback.add(s)
    return Decided(out, frozenset(pinned), frozenset(fallback), where)


def _within_container(cands: list[Candidate], st: relations.Stated) -> tuple[list[Candidate], bool] | None:
    """A span's readings that agree with its stated container, and whether they are the container itself
    (the gazetteer lacks the town there); None when the rule changes nothing."""
    if st.listed:
        return None  # "Crockett, Palestine and Houston": a list of towns, left to the scores
    if uslocal.is_placeholder(cands):  # "Henry County, Ga." without the county polygon: the stated state
        states = [b for b in st.boxes if b.kind == "province"]
        return (states, True) if states and st.strong else None
    lit = [c for c in cands if c.type == _LITERAL and c.kind in relations.CONTAINED_KINDS]
    if not lit:
        return None
    inside = [c for c in lit if c.place_id in st.ids or c.province in st.ids or c.country in st.ids]
    if inside:
        if len(inside) == len(lit):
            return None
        outside = {id(c) for c in lit} - {id(c) for c in inside}
        return [c for c in cands if id(c) not in outside], False
    # No reading inside the container. A capital or big city by its own name is not contained but next to
    # a clause ("After talks in Moscow, Ukraine said"), unless the container is a state's abbreviation
    # ("Belgrade, Minn."); a bare "in" states a container only for towns of the same country ("Hanover in
    # Kansas", not "a soldier from Hanover in Iraq").
    abbreviated = any(uslocal.is_state_abbreviation(b.name) for b in st.boxes)
    if not abbreviated and any(c.primary and (c.capital or c.population >= BIG_CITY) for c in lit):
        return None
    box_countries = {b.country for b in st.boxes if b.kind == "province"}
    if any(c.kind == "province" and c.country in box_countries for c in lit):
        return None  # "Colorado, Georgia": states of one country listed, not a town in a state
    countries = {c.country for c in lit}
    boxes = [b for b in st.boxes if b.country in countries]
    if not st.strong:
        boxes = [b for b in boxes if b.kind == "province"]
        if not boxes:
            return None
    return (boxes or list(st.boxes)), True


# "a native of", "born in", "from" ending right before a name (searched in a short window before it).
_ORIGIN_CUE: Final = re.compile(
    r"\b(?:" + "|".join(r"[ \t]+".join(map(re.escape, c.split())) for c in lexicon.ORIGIN_CUES) + r")[ \t]+$",
    re.IGNORECASE,
)
_NEXT_WORD: Final = re.compile(r"\s(\w+)")


def origin_country(text: str, spans: list[Span], pinned: frozenset[int], cued: frozenset[int]) -> Decided:
    """After "a native of", "born in" or "from", a country beats a same-named small town ("a native of
    Jordan" is the country, not Jordan, Minnesota). A stated container still decides ("from Jordan,
    Minn."): spans in ``pinned`` are left alone; so does an institution of the town ("fleeing from Lebanon
    police"). ``cued`` holds the starts of the spans right after a cue.
    """
    decided: set[int] = set()
    out = spans
    for s in sorted(cued - pinned):
        k = bisect.bisect_left(spans, s, key=_start)
        if k == len(spans) or spans[k].start != s:
            continue  # the span was dropped or replaced ("X County")
        e, cands = spans[k].end, spans[k].cands
        if not any(c.kind == "country" and c.type == _LITERAL for c in cands):
            continue
        towns = [c for c in cands if c.kind == "city" and c.type == _LITERAL and c.population < SMALL_TOWN]
        if not towns or not _ORIGIN_CUE.search(text[max(0, s - 24) : s]):
            continue
        head = _NEXT_WORD.match(text, e, e + 32)
        if head and text[e] == " " and head.group(1).casefold() in _PLACE_HEADS:
            continue
        if out is spans:
            out = list(spans)
        out[k] = spans[k]._replace(cands=[c for c in cands if c not in towns])
        decided.add(s)
    return Decided(out, frozenset(decided))


def _start(sp: Span) -> int:
    return sp.start


#: The article rules, by name (applied in this order by the parser).
ARTICLE_RULES: Final = ("stated_container", "origin_country")
