"""The resolver's shortcuts give what the plain code gives: memoised rounding, the best prior without
``max(key=)``, a span's scores in one call, stable ranking, remembered closeness and city points."""

from __future__ import annotations

import math

import numpy as np

from dashboard.geoparse import default_parser, features, resolve
from dashboard.geoparse.features import Context, Votes
from dashboard.geoparse.records import Candidate, Span
from dashboard.geoparse.resolve import Resolver
from dashboard.placekinds import MentionType


def _cand(place_id: str, prior: float, kind: str = "city", country: str = "USA", **kw) -> Candidate:
    base = {
        "place_id": place_id,
        "name": "Athens",
        "kind": kind,
        "country": country,
        "population": 20_000,
        "primary": True,
        "type": MentionType.LITERAL,
        "upper": False,
        "prior": prior,
        "province": "province:US-GA" if country == "USA" else None,
        "capital": False,
    }
    base.update(kw)
    return Candidate(**base)


def test_memoised_rounding_is_round():
    values = [i / 997 for i in range(2000)] + [0.9995, 0.0005, 0.1235, 0.99, 0.4]
    for _ in range(2):  # the second pass reads the memo
        assert [resolve._round3(x) for x in values] == [round(x, 3) for x in values]


def test_best_prior_is_the_first_of_the_best_like_max():
    a, b, c = _cand("city:1", 1.2), _cand("city:2", 1.7), _cand("city:3", 1.7)
    for cands in ([a], [a, b, c], [c, b, a], [b, a, c]):
        assert resolve._best_prior(cands) is max(cands, key=lambda x: x.prior)


def test_scoring_a_span_at_once_scores_each_reading_alike():
    town = _cand("city:1", 1.4)
    state = _cand("province:US-GA", 2.0, kind="province")
    country = _cand("country:GEO", 2.1, kind="country", country="GEO")
    tbilisi = _cand("city:9", 1.9, country="GEO", capital=True)
    votes = Votes(["georgia", "tbilisi", "savannah"], [state, tbilisi, town], [2, 1, 1])
    ctx = Context("georgia", frozenset(), frozenset(), None, {}, set())
    cands = [state, country, town]

    def fields(scored: list[features.Scored]) -> list[tuple[float, Candidate, float]]:
        return [(x.score, x.cand, x.share) for x in scored]

    assert fields(features.score_all(cands, ctx, votes)) == fields(
        [features.score(c, ctx, votes) for c in cands]
    )


def test_ranking_sorts_best_first_and_keeps_ties_in_order():
    a, b, c, d = (_cand(f"city:{k}", 1.0) for k in range(4))
    scored = [features.Scored(x, cand, 0.0) for x, cand in ((1.0, a), (2.5, b), (1.0, c), (2.5, d))]
    expected = sorted(scored, key=lambda x: -x.score)
    features._sort_by_score(scored)
    assert [x.cand for x in scored] == [x.cand for x in expected] == [b, d, a, c]
    ranked = features.best_of(scored)
    assert ranked.cand is b and ranked.runner_up is not None and ranked.runner_up.cand is d
    assert ranked.margin == 0.0


def test_city_points_follow_the_mapping_the_resolver_is_given():
    town_a = _cand("city:1", 1.4)
    town_b = _cand("city:2", 1.4, province="province:US-TX")
    anchor = _cand("city:3", 1.5)
    maps = [
        {"city:1": (33.9, -83.4), "city:2": (32.2, -95.9), "city:3": (33.7, -84.4)},  # near city:1
        {"city:1": (33.9, -83.4), "city:2": (32.2, -95.9), "city:3": (32.3, -95.3)},  # near city:2
    ]
    which = iter(maps)
    current: dict[str, tuple[float, float]] = {}

    def coords() -> dict[str, tuple[float, float]]:
        return current

    r = Resolver(lambda pid: None, coords, dict)
    spans = [Span(0, 0, 0, 6, [town_a, town_b]), Span(2, 2, 10, 17, [anchor])]
    near = []
    for _ in maps:
        current = next(which)
        near.append(r.proximity(spans, ["athens", "atlanta"], [town_a, anchor])[0])
    assert near[0]["city:1"] > near[0]["city:2"]
    assert near[1]["city:2"] > near[1]["city:1"]  # the second mapping's points, not the first's


def test_a_parse_names_each_place_as_the_index_does():
    p = default_parser()
    for _ in range(2):  # the second parse reads the remembered names
        got = {m.place_id: m.name for m in p.parse("Talks in Tbilisi and Athens, Ga., went on.")}
        assert got and all(name == p.place_info(pid)[0] for pid, name in got.items())


def test_remembered_closeness_is_the_computed_one():
    hs = [1e-8, 2.5e-6, 1e-4, 3e-3, 0.02, 2.5e-6]  # ~1 km to ~1,800 km, one repeated
    fresh = [
        max(0.0, min(1.0, 1.0 - math.log10(max(d, resolve.NEAR_FULL_KM) / resolve.NEAR_FULL_KM) / 2.0))
        for d in (resolve._EARTH_DIAMETER_KM * np.arcsin(np.sqrt(hs))).tolist()
    ]
    assert fresh[0] == 1.0 and 0.0 < fresh[3] < 1.0
    for _ in range(2):  # the second call reads the memo
        assert resolve._closeness(hs) == fresh


def test_the_most_common_list_kind_is_counters():
    from collections import Counter

    from dashboard.geoparse import relations

    usa, can = ("province", "USA"), ("province", "CAN")
    country = ("country", "")
    for items in ([usa], [None, usa], [usa, None], [can, usa, usa, can], [None, country, None], [usa, can]):
        assert relations._most_common(items) == Counter(items).most_common(1)[0]
