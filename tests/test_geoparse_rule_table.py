"""One test per rule of the geoparser's tables, and per ranking feature: each rule removes the reading in a
short text that shows it (by its stable name) and leaves the same word alone where its cue is missing; each
feature adds its weight where it holds."""

from __future__ import annotations

import ast

import pytest

from dashboard import settings
from dashboard.geoparse import default_parser, features, rules
from dashboard.geoparse.features import FEATURES, WEIGHTS, Context, Votes
from dashboard.geoparse.records import Candidate
from dashboard.placekinds import MentionType

# rule name -> (a text where it removes the word's readings, the word, a text where it does not; None when
# the rule holds for the word wherever it stands)
RULE_EXAMPLES: dict[str, tuple[str, str, str | None]] = {
    "title_before_name": ("President Lincoln spoke on Monday.", "Lincoln", "The fair opened in Lincoln."),
    "not_a_place_word": ("The Superior Court ruled on Monday.", "Superior", None),
    "currency_sign": ("It cost US$5 million.", "US", "The US said it would wait."),
    "company_name": ("BP America Inc said it would sell.", "America", "Exports to America rose."),
    "newspaper_name": (
        "A report in the Washington Post said so.",
        "Washington",
        "Talks in Washington went on.",
    ),
    "state_cue": (
        "Washington state regulators approved the plan.",
        "Washington",
        "Talks in Washington went on.",
    ),
    "disease_name": ("The Marburg virus spread.", "Marburg", "Flights to Marburg resumed."),
    "state_abbreviation_without_period": (
        "Miss Smith came home.",
        "Miss",
        "She lives in Jackson, Miss., now.",
    ),
    "acronym": ("HIV cases rose sharply.", "HIV", None),
    "given_name_before": ("Police said Gary Wilson was held.", "Wilson", "Floods hit Wilson on Monday."),
    "given_name_then_surname": (
        "Library staffer Mary Middleton spoke.",
        "Mary",
        "Troops reached Mary on Monday.",
    ),
    "person_speaking": (
        "Baker said the plan was fine.",
        "Baker",
        "The fair opened in Baker, Oregon, on Monday.",
    ),
    "person_before_verb": (
        "Gilbert charged with fraud after audit\nThe case goes to court.",
        "Gilbert",
        "Gilbert police charged a man on Friday.",
    ),
    "common_word": ("March was cold in Reading.", "Reading", None),
    "common_noun_town": (
        "Critics said the Liberal budget would hurt families.",
        "Liberal",
        "The band played in Liberal, Kan., on Friday night.",
    ),
    "organisation_head": (
        "Officials in New Mexico said the Federal Reserve Board would act.",
        "Reserve",
        "Crews cleaned up the streets in Reserve, Louisiana.",
    ),
    "possessive_small_town": (
        "Moody's cut the rating.",
        "Moody",
        "The fair opened in Moody, Alabama, on Monday.",
    ),
    "part_of_person_name": ("Lawyer Walaker Fargo filed the suit.", "Fargo", "Floods hit Fargo on Monday."),
    "known_person": (
        "Bruce Ivins worked there. Ivins died.",
        "Ivins",
        "The road to Ivins, Utah, was closed.",
    ),
    "person_name_at_sentence_start": (
        "Hello there. Clinton was tired.",
        "Clinton",
        "Storms hit Clinton, Iowa, on Monday.",
    ),
    "alternate_name_at_sentence_start": (
        "Danzig was rebuilt after the war.",
        "Danzig",
        "The port of Danzig was rebuilt.",
    ),
    "stated_container": ("The fair opened in Paris, Tenn., on Saturday.", "Paris", "She flew to Paris."),
    "origin_country": (
        "He was born in Lebanon and studied in Boston and Cambridge, Massachusetts.",
        "Lebanon",
        "He studied in Lebanon and in Boston and Cambridge, Massachusetts.",
    ),
}

ALL_RULES = (
    [r.name for r in rules.SPAN_RULES]
    + [rules.STATE_ABBREVIATION_WITHOUT_PERIOD]
    + [r.name for r in rules.CANDIDATE_RULES]
    + list(rules.ARTICLE_RULES)
)


def _removed_by(text: str, word: str) -> set[str]:
    return {r.rule for r in default_parser().removals(text) if r.text.rstrip(".") == word}


def test_every_rule_has_an_example_and_a_docstring():
    assert sorted(RULE_EXAMPLES) == sorted(ALL_RULES)
    assert len(set(ALL_RULES)) == len(ALL_RULES)  # names are unique
    # Read from the source: compiled functions (dashboard/native.py) keep no __doc__.
    source = settings.PROJECT_ROOT / "dashboard" / "geoparse" / "rules.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    docs = {f.name: ast.get_docstring(f) for f in tree.body if isinstance(f, ast.FunctionDef)}
    for rule in (*rules.SPAN_RULES, *rules.CANDIDATE_RULES):
        assert docs[rule.test.__name__], rule.name
    for fn in (rules.stated_container, rules.origin_country):
        assert docs[fn.__name__]


@pytest.mark.parametrize("name", list(RULE_EXAMPLES))
def test_rule_removes_the_reading_only_with_its_cue(name):
    text, word, control = RULE_EXAMPLES[name]
    assert name in _removed_by(text, word)
    if control is not None:
        assert name not in _removed_by(control, word)
        assert word in {m.text.rstrip(".") for m in default_parser().parse(control)}


def test_a_rule_that_removes_every_reading_leaves_no_mention():
    assert [m.text for m in default_parser().parse("President Lincoln spoke on Monday.")] == []


def test_person_rules_remember_the_name_for_the_whole_article():
    # "Gary Wilson" makes Wilson a person; "Wilson" alone later (and earlier) is him too.
    text = "Wilson arrived late. Police said Gary Wilson was held. Wilson was calm."
    assert "Wilson" not in {m.text for m in default_parser().parse(text)}


# -- features: each adds its weight where it holds ------------------------------------------------------


def _cand(
    kind: str = "city", country: str | None = "USA", province: str | None = "province:US-GA", **kw
) -> Candidate:
    base = {
        "place_id": f"{kind}:1",
        "name": "Athens",
        "kind": kind,
        "country": country,
        "population": 120_000,
        "primary": True,
        "type": MentionType.LITERAL,
        "upper": False,
        "prior": 2.0,
        "province": province,
        "capital": False,
    }
    base.update(kw)
    return Candidate(**base)


def _ctx(**kw) -> Context:
    base = {
        "surf": "athens",
        "apo": frozenset(),
        "box": frozenset(),
        "listed": None,
        "near": {},
        "within": set(),
    }
    base.update(kw)
    return Context(**base)


def _contrib(c: Candidate, ctx: Context, votes: Votes) -> dict[str, float]:
    record: list[tuple[str, float]] = []
    got = features.score(c, ctx, votes, record)
    assert got.score == pytest.approx(sum(v for _n, v in record))  # the score is the sum of its parts
    return dict(record)


NO_VOTES = Votes([], [], [])
GEORGIA_STATE = _cand("province", "USA", None, place_id="province:US-GA", name="Georgia")
A_TOWN_IN_GEORGIA = _cand(place_id="city:2", name="Savannah")
A_FRENCH_TOWN = _cand(country="FRA", province=None, place_id="city:3", name="Lyon")

FEATURE_CASES = {
    "appositive_container": (_cand(), _ctx(apo=frozenset({"province:US-GA"})), NO_VOTES, 1.0),
    "holds_town_before_state": (GEORGIA_STATE, _ctx(box=frozenset({"province:US-GA"})), NO_VOTES, 1.0),
    "holds_town_before_country": (_cand("country", "GRC", None), _ctx(box=frozenset({"GRC"})), NO_VOTES, 1.0),
    "list_kind": (GEORGIA_STATE, _ctx(listed=("province", "USA")), NO_VOTES, 1.0),
    "near_other_cities": (_cand(), _ctx(near={"city:1": 0.5}), NO_VOTES, 0.5),
    "town_in_named_county": (_cand(), _ctx(within={"city:1"}), NO_VOTES, 1.0),
    "country_named": (
        _cand(),
        _ctx(),
        Votes(["savannah", "lyon"], [A_TOWN_IN_GEORGIA, A_FRENCH_TOWN], [1, 1]),
        0.5,
    ),
    "state_named": (_cand(), _ctx(), Votes(["georgia"], [GEORGIA_STATE], [1]), 1.0),
    "state_share": (
        _cand(),
        _ctx(),
        Votes(["savannah", "lyon"], [A_TOWN_IN_GEORGIA, A_FRENCH_TOWN], [1, 1]),
        1.0,
    ),
    "capital": (_cand(capital=True), _ctx(), NO_VOTES, 1.0),
    "unsupported_small_town": (_cand(population=5_000), _ctx(), NO_VOTES, 1.0),
}


def test_every_feature_has_a_case_and_a_documented_weight():
    assert sorted(FEATURE_CASES) == sorted(f.name for f in FEATURES)
    assert all(f.doc and f.weight for f in FEATURES)


@pytest.mark.parametrize("name", list(FEATURE_CASES))
def test_feature_adds_its_weight_times_its_value(name):
    c, ctx, votes, value = FEATURE_CASES[name]
    assert _contrib(c, ctx, votes)[name] == pytest.approx(WEIGHTS[name] * value)


def test_a_words_own_votes_never_count_for_it():
    # Four "Georgia"s are no evidence for either Georgia.
    votes = Votes(["georgia"] * 4, [GEORGIA_STATE] * 4, [1] * 4)
    assert "country_named" not in _contrib(_cand("country", "USA", None), _ctx(surf="georgia"), votes)


def test_an_area_beats_a_small_town_of_the_same_name_unless_the_town_is_well_supported():
    town = features.Scored(3.0, _cand(population=4_500), 0.0)
    state = features.Scored(2.3, GEORGIA_STATE, 0.0)
    ranked = features.best_of([town, state])
    assert ranked.cand is GEORGIA_STATE and ranked.area_over_town
    far_better = features.Scored(4.0, _cand(population=4_500), 0.0)
    assert features.best_of([far_better, state]).cand.kind == "city"


def test_without_context_only_the_prior_counts():
    assert _contrib(_cand(), _ctx(), NO_VOTES) == {"prior": 2.0}


def test_a_candidate_rule_acts_only_on_the_kinds_it_declares():
    # The parser puts a reading only through the rules declaring its kind: every other rule must have no
    # verdict on it, for every reading of every span of the seeds and the rule examples.
    from dashboard.geoparse.cues import span_cues

    parser = default_parser()
    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS_DIR.glob("*.txt"))]
    texts += [t for ex in RULE_EXAMPLES.values() for t in (ex[0], ex[2]) if t]
    checked = 0
    for text in texts:
        tokens, spans = parser.matcher.match(text)
        d = rules.Discourse(spans)
        for w in ("wilson", "jackson", "georgia", "paris"):
            d.remember(w, True)
        for sp in spans:
            cues = span_cues(text, tokens, sp, False, False)
            for c in sp.cands:
                for rule in rules.CANDIDATE_RULES:
                    if rule.kinds is not None and c.kind not in rule.kinds:
                        assert rule.test(cues, c, d) is None, (rule.name, c.kind, text[sp.start : sp.end])
                        checked += 1
    assert checked > 500


def test_a_span_no_context_can_save_loses_every_reading_to_the_rules():
    # The parser skips the cues of such a span ("March", "Bank"): the rules must remove every reading of
    # it whatever the article has shown (people remembered or not).
    from dashboard.geoparse.cues import span_cues
    from dashboard.geoparse.matcher import norm

    parser = default_parser()
    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS_DIR.glob("*.txt"))]
    texts.append("In March, Bank of Reading officials met Central Bank staff; Miss Mobile spoke. March said.")
    doomed = 0
    for text in texts:
        tokens, spans = parser.matcher.match(text)
        for sp in spans:
            word = tokens[sp.first].word
            if sp.first != sp.last or not rules.no_reading_can_stay(word, sp.cands, text[sp.end - 1] == "."):
                continue
            key = norm(word)
            doomed += 1
            for persons in ((), (key,)):
                d = rules.Discourse(spans)
                for w in persons:
                    d.remember(w, True)
                assert rules.apply_rules(span_cues(text, tokens, sp, False, False), sp.cands, d) == []
    assert doomed >= 4
    assert [m.text for m in parser.parse("In March, Bank staff met in Paris, France.")] == ["Paris", "France"]


def test_a_firms_name_runs_only_through_a_neighbour_that_can_carry_it():
    # span_cues asks in_company_name only where firm_may_run_on holds on one side (or the span ends in a
    # suffix): elsewhere in_company_name must be False, for every span of the seeds and these firms.
    from dashboard import lexicon
    from dashboard.geoparse.cues import firm_may_run_on, in_company_name

    parser = default_parser()
    texts = [p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS_DIR.glob("*.txt"))]
    texts.append(
        "BP America Inc, Aluminum Co of America and Texas & Pacific Ltd said; Phillips Petroleum Co too."
    )
    firms = 0
    for text in texts:
        tokens, spans = parser.matcher.match(text)
        for sp in spans:
            i, j = sp.first, sp.last
            before = text[tokens[i - 1].end : sp.start] if i > 0 else ""
            after = text[sp.end : tokens[j + 1].start] if j + 1 < len(tokens) else ""
            may = (
                (i > 0 and firm_may_run_on(before, tokens[i - 1].word))
                or (j + 1 < len(tokens) and firm_may_run_on(after, tokens[j + 1].word))
                or tokens[j].word in lexicon.CORPORATE_SUFFIXES
            )
            inside = in_company_name(text, tokens, i, j)
            assert may or not inside, text[sp.start : sp.end]
            firms += inside
    assert firms >= 4
