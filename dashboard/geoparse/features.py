"""Ranking: a candidate's prior, then named features weighed by ONE table (:data:`FEATURES`).

A candidate's score is its prior plus, for each feature that holds, ``weight * value`` (value 1, or a share
or closeness in 0..1). The resolver picks the best score; :func:`best_of` adds the one ranking rule
(``area_over_small_town``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple

import numpy as np

from dashboard import placekinds

if TYPE_CHECKING:
    from dashboard import nameindex
    from dashboard.geoparse.records import Candidate


class Feature(NamedTuple):
    """A named ranking signal, its weight, and an example of what it means."""

    name: str
    weight: float
    doc: str


#: Every ranking feature and its weight: the one table to tune. Values are 1 when the feature holds unless
#: the doc says "share" or "closeness" (0..1).
FEATURES: Final[tuple[Feature, ...]] = (
    Feature("appositive_container", 2.5,
            '"Dublin, Ga.", "Athens, Greece": a reading inside the state or country named right after'),
    Feature("holds_town_before_state", 1.0,
            '"Buffalo, New York": New York the state, which holds a Buffalo, not the city'),
    Feature("holds_town_before_country", 0.3,
            '"Athens, Greece": the country holding an Athens, as a container'),
    Feature("list_kind", 1.5,
            '"Utah, Virginia, Washington and Wyoming": a state among states, a country among countries'),
    Feature("near_other_cities", 1.0,
            "closeness (1 within 20 km, 0.5 at 200 km, 0 beyond 2,000 km) to the article's other cities: "
            "the Gainesville near Norman and Sherman"),
    Feature("town_in_named_county", 1.5,
            '"Huntsville ... Walker County": the town and the county of the article that holds it'),
    Feature("country_named", 1.5,
            "share of the article's other places in the reading's country: Georgia the country beside "
            "Tbilisi"),
    Feature("state_named", 0.8, "a town or county whose state is named elsewhere: Athens beside Georgia"),
    Feature("state_share", 1.0,
            "share of the article's other places in the town's (county's) state: a US local article"),
    Feature("capital", 0.4, "a national capital: Paris, France before Paris, Texas"),
    Feature("unsupported_small_town", -0.5,
            "a town under 50,000 in a country the article never names: a hamlet by chance"),
)  # fmt: skip

#: Feature name -> weight.
WEIGHTS: Final[dict[str, float]] = {f.name: f.weight for f in FEATURES}

# The weights as module constants for the scoring loop (read once).
_W_APPOSITIVE: Final = WEIGHTS["appositive_container"]
_W_HOLDS_STATE: Final = WEIGHTS["holds_town_before_state"]
_W_HOLDS_COUNTRY: Final = WEIGHTS["holds_town_before_country"]
_W_LIST: Final = WEIGHTS["list_kind"]
_W_NEAR: Final = WEIGHTS["near_other_cities"]
_W_IN_COUNTY: Final = WEIGHTS["town_in_named_county"]
_W_COUNTRY: Final = WEIGHTS["country_named"]
_W_STATE: Final = WEIGHTS["state_named"]
_W_STATE_SHARE: Final = WEIGHTS["state_share"]
_W_CAPITAL: Final = WEIGHTS["capital"]
_W_UNSUPPORTED: Final = WEIGHTS["unsupported_small_town"]

#: A town under this population counts as small for ``unsupported_small_town``.
UNSUPPORTED_TOWN_MAX: Final = 50_000

#: An area beats a same-named town under :data:`AREA_OVER_TOWN_MAX` unless the town scores this much more
#: (an appositive "Nevada, Mo." does; the town's state being the article's does not).
AREA_OVER_TOWN_MARGIN: Final = 1.5
AREA_OVER_TOWN_MAX: Final = 100_000

#: Kinds that are areas (polygons): "Georgia" the state or country before an obscure town of that name.
AREA_KINDS: Final = placekinds.kinds_where(geometry="polygon")

# -- priors: a candidate's score before any context --------------------------------------------------------

#: A city's prior is ``CITY_PRIOR_BASE + CITY_PRIOR_PER_DECADE * log10(population)`` (population at least
#: 1,000): a hamlet of 5,000 ~1.3, a town of 100,000 ~1.7, a city of 3 million ~2.2.
CITY_PRIOR_BASE: Final = 0.2
CITY_PRIOR_PER_DECADE: Final = 0.3
#: A city's alternate name ("Kiev" for Kyiv is primary; "Tsaritsyn" is not) weighs this much less.
CITY_ALTERNATE_PENALTY: Final = 0.4
#: Any other place's alternate name weighs this much less than its kind's prior.
ALTERNATE_PENALTY: Final = 0.1
#: A country's prior gains ``COUNTRY_PER_DECADE * log10(population) + COUNTRY_OFFSET``: China (1.4 billion)
#: +0.07 before Niue (1,600) -0.17, so "Georgia" leans to the more populous reading only slightly.
COUNTRY_PER_DECADE: Final = 0.04
COUNTRY_OFFSET: Final = -0.3
#: Prior of a historic state's demonym ("Soviet", "East German"), as a country's demonym.
HISTORIC_DEMONYM_PRIOR: Final = 2.6


def kind_prior(kind: str) -> float:
    """The prior of a kind from the place-kind registry (0 for cities, whose prior is their population's)."""
    entry = placekinds.get(kind)
    return entry.prior if entry is not None and entry.prior is not None else 0.0


def index_priors(index: nameindex.NameIndex) -> np.ndarray:
    """The prior of every name row of the index, in row order (a few array operations)."""
    kinds = np.array(index.kinds, dtype=object)
    code = np.asarray(index.kind_code)
    kind = kinds[code] if len(index) else np.array([], dtype=object)
    pop = np.asarray(index.pop)
    primary = np.asarray(index.primary, dtype=bool)
    by_kind = np.array([kind_prior(k) if k else 0.0 for k in index.kinds], dtype=float)
    base = (by_kind[code] if len(index) else np.zeros(0)) - ALTERNATE_PENALTY * ~primary
    city = (
        CITY_PRIOR_BASE
        + CITY_PRIOR_PER_DECADE * np.log10(np.maximum(pop, 1000))
        - CITY_ALTERNATE_PENALTY * ~primary
    )
    country = np.where(
        kind == "country", COUNTRY_PER_DECADE * np.log10(np.maximum(pop, 1)) + COUNTRY_OFFSET, 0.0
    )
    return np.where(kind == "city", city, base + country)


# -- scoring ----------------------------------------------------------------------------------------------


class Votes:
    """The current picks of an article, counted: per country, place and province, and per word (a word's
    own votes never count for it: four "Georgia"s are no evidence for either Georgia)."""

    __slots__ = (
        "country",
        "place",
        "prov",
        "prov_total",
        "same_country",
        "same_place",
        "same_prov",
        "same_prov_total",
        "same_total",
        "total",
    )

    def __init__(self, surfs: list[str], picks: list[Candidate], weights: list[int]) -> None:
        country: dict[str, int] = {}
        same_country: dict[tuple[str, str], int] = {}
        same_total: dict[str, int] = {}
        place: dict[str, int] = {}
        same_place: dict[tuple[str, str], int] = {}
        prov: dict[str, int] = {}
        same_prov: dict[tuple[str, str], int] = {}
        same_prov_total: dict[str, int] = {}
        prov_total = 0
        for i in range(len(picks)):  # (an index loop: compiled, zip(..., strict=True) is no C loop)
            surf, b, w = surfs[i], picks[i], weights[i]
            if b.country:
                country[b.country] = country.get(b.country, 0) + w
                k = (surf, b.country)
                same_country[k] = same_country.get(k, 0) + w
                same_total[surf] = same_total.get(surf, 0) + w
            place[b.place_id] = place.get(b.place_id, 0) + w
            k = (surf, b.place_id)
            same_place[k] = same_place.get(k, 0) + w
            p = b.place_id if b.kind == "province" else b.province
            if p:
                prov[p] = prov.get(p, 0) + w
                k = (surf, p)
                same_prov[k] = same_prov.get(k, 0) + w
                prov_total += w
                same_prov_total[surf] = same_prov_total.get(surf, 0) + w
        self.country, self.same_country, self.same_total = country, same_country, same_total
        self.place, self.same_place = place, same_place
        self.prov, self.same_prov, self.same_prov_total = prov, same_prov, same_prov_total
        self.prov_total = prov_total
        self.total = sum(country.values())


class Context(NamedTuple):
    """What the text says about one span's readings, from its neighbours (see relations.py, uslocal.py)."""

    surf: str  # the word, casefolded, without "city"/"county" ("dublin" for "Dublin City")
    apo: frozenset[str | None]  # province ids and ISO3 codes of the container named right after it
    box: frozenset[str]  # provinces and countries of the towns right before it ("Buffalo, New York")
    listed: tuple[str, str] | None  # (kind, country) of the other items of a list it is in
    near: dict[str, float]  # city id -> closeness to the article's other cities (0..1)
    within: set[str]  # ids of its town or county readings paired with a county (town) of the article


# Scored and Ranked are plain slotted classes, not NamedTuples: compiled, they are native classes, built and
# read by C calls (a NamedTuple is built through a Python-level __new__ and read back boxed), and they never
# leave the resolver and its explainer.
class Scored:
    """A candidate's score, and the share of the article's other places in its country."""

    __slots__ = ("cand", "score", "share")

    def __init__(self, score: float, cand: Candidate, share: float) -> None:
        self.score = score
        self.cand = cand
        self.share = share

    def __repr__(self) -> str:
        return f"Scored({self.score!r}, {self.cand.place_id!r}, {self.share!r})"


def score(c: Candidate, g: Context, v: Votes, record: list[tuple[str, float]] | None = None) -> Scored:
    """The candidate's score given the article's votes; with ``record``, each feature that adds to it is
    appended as (name, contribution), the prior first."""
    surf = g.surf
    denom = v.total - v.same_total.get(surf, 0)
    pden = v.prov_total - v.same_prov_total.get(surf, 0)
    return _score(c, g, v, denom, pden, record)


def score_all(cands: list[Candidate], g: Context, v: Votes) -> list[Scored]:
    """:func:`score` of each reading of one span (the votes of the span's own word read once)."""
    surf = g.surf
    denom = v.total - v.same_total.get(surf, 0)
    pden = v.prov_total - v.same_prov_total.get(surf, 0)
    return [_score(c, g, v, denom, pden, None) for c in cands]


def _score(
    c: Candidate, g: Context, v: Votes, denom: int, pden: int, record: list[tuple[str, float]] | None
) -> Scored:
    """:func:`score`, given the votes of the other words: all places (``denom``) and those in a province
    (``pden``)."""
    s = c.prior
    if record is not None:
        record.append(("prior", s))
    apo, box = g.apo, g.box
    if apo and c.kind != "country" and (c.province in apo or c.country in apo):
        s += _W_APPOSITIVE
        if record is not None:
            record.append(("appositive_container", _W_APPOSITIVE))
    if box and c.kind in ("province", "country") and (c.place_id in box or c.country in box):
        w = _W_HOLDS_STATE if c.kind == "province" else _W_HOLDS_COUNTRY
        s += w
        if record is not None:
            name = "holds_town_before_state" if c.kind == "province" else "holds_town_before_country"
            record.append((name, w))
    listed = g.listed
    if listed and c.kind == listed[0] and (c.kind == "country" or c.country == listed[1]):
        s += _W_LIST
        if record is not None:
            record.append(("list_kind", _W_LIST))
    if g.near:
        x = _W_NEAR * g.near.get(c.place_id, 0.0)
        s += x
        if record is not None and x:
            record.append(("near_other_cities", x))
    if g.within and c.place_id in g.within:
        s += _W_IN_COUNTY
        if record is not None:
            record.append(("town_in_named_county", _W_IN_COUNTY))
    share = 0.0
    surf = g.surf
    if denom > 0 and c.country:
        share = (v.country.get(c.country, 0) - v.same_country.get((surf, c.country), 0)) / denom
        x = _W_COUNTRY * share
        s += x
        if record is not None and x:
            record.append(("country_named", x))
    kind = c.kind
    if kind == "county" or kind == "city":
        if kind == "city" and share == 0 and c.population < UNSUPPORTED_TOWN_MAX:
            s += _W_UNSUPPORTED
            if record is not None:
                record.append(("unsupported_small_town", _W_UNSUPPORTED))
        p = c.province
        if p:
            # The state it lies in is named elsewhere (not by this same word: "New York").
            if v.place.get(p, 0) - v.same_place.get((surf, p), 0) > 0:
                s += _W_STATE
                if record is not None:
                    record.append(("state_named", _W_STATE))
            if pden > 0:
                x = _W_STATE_SHARE * (v.prov.get(p, 0) - v.same_prov.get((surf, p), 0)) / pden
                s += x
                if record is not None and x:
                    record.append(("state_share", x))
        if kind == "city" and c.capital:
            s += _W_CAPITAL
            if record is not None:
                record.append(("capital", _W_CAPITAL))
    return Scored(s, c, share)


class Ranked:
    """The pick of one span: its score and candidate, the margin over the runner-up, the runner-up, and
    whether the rule area_over_small_town chose it over a better-scored town."""

    __slots__ = ("area_over_town", "cand", "margin", "runner_up", "score")

    def __init__(
        self, score: float, cand: Candidate, margin: float, runner_up: Scored | None, area_over_town: bool
    ) -> None:
        self.score = score
        self.cand = cand
        self.margin = margin
        self.runner_up = runner_up
        self.area_over_town = area_over_town

    def __repr__(self) -> str:
        return f"Ranked({self.score!r}, {self.cand.place_id!r}, {self.margin!r}, {self.runner_up!r})"


#: The margin a span with a single reading is given.
LONE_MARGIN: Final = 2.0


def best_of(scored: list[Scored]) -> Ranked:
    """The best of a span's scored candidates, by score, then the ranking rule ``area_over_small_town``:
    never an area resolved to an obscure town of the same name unless the article supports the town
    ("Georgia" is not Georgia, Vermont, pop. 4,500, because a Vermont paper is quoted once)."""
    if len(scored) == 1:  # most spans: one reading, nothing to rank (no area beside a lone town)
        only = scored[0]
        return Ranked(only.score, only.cand, LONE_MARGIN, None, False)
    _sort_by_score(scored)
    best = scored[0]
    swapped = False
    if best.cand.kind == "city" and best.cand.population < AREA_OVER_TOWN_MAX:
        areas = [x for x in scored if x.cand.kind in AREA_KINDS]
        if areas and areas[0].score > best.score - AREA_OVER_TOWN_MARGIN and areas[0].share >= best.share:
            best, swapped = areas[0], True
    second = None
    for x in scored:
        if x.cand.place_id != best.cand.place_id:
            second = x
            break
    margin = best.score - second.score if second is not None else LONE_MARGIN
    return Ranked(best.score, best.cand, margin, second, swapped)


def _sort_by_score(scored: list[Scored]) -> None:
    """Sort a span's few scored readings best first, in place, equal scores in their order (stable, as
    ``sort(key=-score)``, without a key call per reading)."""
    for k in range(1, len(scored)):
        x = scored[k]
        m = k
        while m > 0 and scored[m - 1].score < x.score:
            scored[m] = scored[m - 1]
            m -= 1
        scored[m] = x
