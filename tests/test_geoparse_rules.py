"""The three resolution rules that keep a reader's obvious reading: a stated container is never
contradicted, a sentence-opening name before a verb of speech or legal action is a person, and after an
origin cue a country beats a same-named small town. Each rule is tested on a tiny gazetteer (the rule alone)
and on the bundled one (what a user sees)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.geoparse import CONTAINER_CONFIDENCE, Geoparser, default_parser


def _parser(rows: list[tuple]) -> Geoparser:
    """A parser over a few names: (place_id, name, kind, country, population, province)."""
    cols = ["place_id", "name", "kind", "country", "population", "province"]
    df = pd.DataFrame(rows, columns=cols)
    df["primary"] = True
    return Geoparser(df)


def _got(parser: Geoparser, text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in parser.parse(text):
        out.setdefault(m.text, []).append(m)
    return out


# A town that exists in one state only, and two states.
TINY = [
    ("city:1", "Oakvale", "city", "USA", 40_000, "province:US-MN"),
    ("province:US-MN", "Minnesota", "province", "USA", None, None),
    ("province:US-TN", "Tennessee", "province", "USA", None, None),
    ("country:KEN", "Kenya", "country", "KEN", 50_000_000, None),
]


# -- a stated container is never contradicted -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The barn fire near Oakvale, Tennessee, spread overnight.",  # appositive
        "Oakvale, a farming town in eastern Tennessee, lost power.",  # description
        "The mill in Oakvale in Tennessee will close.",  # "in" phrase, same country
    ],
)
def test_a_town_missing_from_its_stated_state_resolves_to_the_state(text):
    got = _got(_parser(TINY), text)
    (m,) = got["Oakvale"]
    assert m.place_id == "province:US-TN"  # not the Oakvale of Minnesota
    assert m.confidence <= CONTAINER_CONFIDENCE  # and flagged as weak


def test_a_town_missing_from_its_stated_country_resolves_to_the_country():
    (m,) = _got(_parser(TINY), "A clinic opened in Oakvale, Kenya, last week.")["Oakvale"]
    assert (m.place_id, m.confidence <= CONTAINER_CONFIDENCE) == ("country:KEN", True)


def test_the_same_word_later_in_the_article_follows_its_stated_container():
    text = "Crews reached Oakvale, Tennessee, at noon. By night Oakvale had its power back."
    assert {m.place_id for m in _got(_parser(TINY), text)["Oakvale"]} == {"province:US-TN"}


def test_the_town_in_its_stated_state_is_kept_and_the_others_dropped():
    rows = [*TINY, ("city:2", "Oakvale", "city", "USA", 3_000, "province:US-TN")]
    text = "The barn fire near Oakvale, Tennessee, spread. Oakvale is small."
    ms = _got(_parser(rows), text)["Oakvale"]
    assert [m.place_id for m in ms] == ["city:2", "city:2"]  # the smaller town, but in the named state
    assert all(m.confidence > CONTAINER_CONFIDENCE for m in ms)


def test_a_county_the_gazetteer_lacks_resolves_to_its_stated_state_not_the_article_state():
    # The article is mostly about Minnesota, but this county is stated to be in Tennessee.
    text = "Crews from Oakvale, Minnesota, and from Walker County, Tennessee, met in Minnesota."
    (m,) = _got(_parser(TINY), text)["Walker County"]
    assert (m.place_id, m.confidence <= CONTAINER_CONFIDENCE) == ("province:US-TN", True)


def test_one_word_with_two_stated_containers_keeps_each_and_the_bare_word_is_not_forced():
    text = "The fair opened in Oakvale, Minnesota. Oakvale, Kenya has a clinic. Oakvale is busy."
    ms = _got(_parser(TINY), text)["Oakvale"]
    assert [m.place_id for m in ms] == ["city:1", "country:KEN", "city:1"]
    assert ms[2].confidence > CONTAINER_CONFIDENCE  # the bare word is scored as usual, not pinned


def test_a_bare_in_does_not_move_a_town_to_another_country():
    # "a soldier from Oakvale in Kenya": where he serves, not where Oakvale is.
    got = _got(_parser(TINY), "A soldier from Oakvale in Kenya wrote home to Minnesota.")
    assert [m.place_id for m in got["Oakvale"]] == ["city:1"]


def test_a_list_of_places_is_no_container_statement():
    # The towns of a list are not inside the next item: "Oakvale, Tennessee and Kenya".
    got = _got(_parser(TINY), "Aid went to Oakvale, Tennessee and Kenya in May.")
    assert all(m.place_id != "province:US-TN" for m in got.get("Oakvale", []))


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Storms damaged barns near Oakdale, Tennessee, on Sunday.", "Oakdale", "province:US-TN"),
        ("A new clinic opened in Springfield, Kenya, in March.", "Springfield", "country:KEN"),
        ("The plant in Oakdale in Tennessee will close in June.", "Oakdale", "province:US-TN"),
        # A state's abbreviation states the container even after a capital's name (Belgrade, Serbia).
        ("A barn burned down in Belgrade, Minn., on Sunday.", "Belgrade", "province:US-MN"),
    ],
)
def test_bundled_gazetteer_never_contradicts_the_stated_container(text, word, expected):
    (m,) = _got(default_parser(), text)[word]
    assert m.place_id == expected
    assert m.confidence <= CONTAINER_CONFIDENCE


def test_bundled_gazetteer_keeps_the_town_that_is_in_the_stated_state():
    parser = default_parser()
    ms = _got(parser, "She grew up in Lebanon, Tennessee, and later left Lebanon for good.")["Lebanon"]
    assert {m.place_id for m in ms} == {"city:4636045"}  # Lebanon, Tenn., not the country nor Lebanon, N.H.
    assert parser.matcher.info("city:4636045")[4] == "province:US-TN"


@pytest.mark.parametrize(
    "text",
    [
        "Envoys from Moscow, Ukraine and the EU met on Friday.",  # a list
        "After the talks in Moscow, Ukraine said it would wait.",  # a clause boundary
    ],
)
def test_bundled_gazetteer_a_capital_before_a_country_stays_the_capital(text):
    assert [m.place_id for m in _got(default_parser(), text)["Moscow"]] == ["city:524901"]


# -- a sentence-opening name before a verb of speech or legal action is a person ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Oakvale charged with fraud after audit\n\nA Minnesota county said the case is closed.",
        "Oakvale pleads guilty to theft in Minnesota. The judge set a date.",
        "The Minnesota fair was cancelled. Oakvale told reporters the money was gone.",
        "Oakvale sues Minnesota over unpaid loans",
    ],
)
def test_a_town_name_opening_a_sentence_before_such_a_verb_is_a_person(text):
    # Minnesota, where the only Oakvale lies, is named: only the rule tells the reader it is a person.
    assert "Oakvale" not in _got(_parser(TINY), text)
    assert "Oakvale" in _got(_parser(TINY), text.replace("Oakvale", "In Oakvale a man"))


def test_the_same_name_elsewhere_in_the_sentence_stays_a_place():
    got = _got(_parser(TINY), "Police in Oakvale charged a man with theft on Friday. Minnesota agreed.")
    assert [m.place_id for m in got["Oakvale"]] == ["city:1"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Moscow says the talks failed.", "Moscow"),  # a capital: its government speaking
        ("Texas sues the agency over the rule.", "Texas"),  # a state acting
        ("Gilbert police charged a man on Friday.", "Gilbert"),  # an institution of the town
    ],
)
def test_bundled_gazetteer_governments_and_institutions_are_no_persons(text, word):
    assert word in _got(default_parser(), text)


@pytest.mark.parametrize(
    "text",
    ["Gilbert charged with fraud after audit\nThe case goes to court.", "Kirkland pleads guilty to theft"],
)
def test_bundled_gazetteer_headline_surname_before_a_legal_verb_is_a_person(text):
    assert not default_parser().parse(text)


# -- after "a native of", "born in", "from", a country beats a small town --------------------------------

ORIGIN = [
    *TINY,
    ("country:JOR", "Jordan", "country", "JOR", 10_000_000, None),
    ("city:3", "Jordan", "city", "USA", 6_000, "province:US-MN"),
    ("city:4", "Duluth", "city", "USA", 86_000, "province:US-MN"),
]


@pytest.mark.parametrize(
    "text",
    [
        "The chef, a native of Jordan, opened a diner in Duluth, Minnesota.",
        "The chef was born in Jordan and cooks in Duluth, Minnesota.",
        "Duluth, Minnesota welcomed a chef from Jordan this week.",
    ],
)
def test_after_an_origin_cue_a_country_beats_a_small_town(text):
    assert [m.place_id for m in _got(_parser(ORIGIN), text)["Jordan"]] == ["country:JOR"]


def test_without_the_cue_the_article_decides():
    # Same Minnesota article, no origin cue: the Minnesota town supported by its state stays possible.
    got = _got(_parser(ORIGIN), "The chef opened a diner in Jordan near Duluth, Minnesota.")
    assert [m.place_id for m in got["Jordan"]] == ["city:3"]


def test_an_institution_of_the_town_after_the_cue_keeps_the_town():
    got = _got(_parser(ORIGIN), "The man fled from Jordan police near Duluth, Minnesota.")
    assert [m.place_id for m in got["Jordan"]] == ["city:3"]


def test_the_origin_cue_holds_against_the_same_word_elsewhere():
    # One sense per discourse does not undo the cue: the chef is from the country.
    text = "The chef, a native of Jordan, cooks in Duluth. Duluth is near Jordan, Minnesota."
    assert [m.place_id for m in _got(_parser(ORIGIN), text)["Jordan"]] == ["country:JOR", "city:3"]


def test_a_stated_state_still_beats_the_origin_cue():
    got = _got(_parser(ORIGIN), "The chef, a native of Jordan, Minnesota, cooks in Duluth.")
    assert [m.place_id for m in got["Jordan"]] == ["city:3"]


def test_bundled_gazetteer_born_in_a_country_that_is_also_a_us_town():
    text = "He was born in Lebanon and studied in Boston and Cambridge, Massachusetts."
    assert [m.place_id for m in _got(default_parser(), text)["Lebanon"]] == ["country:LBN"]


# -- any text: the rules never break offsets or raise ------------------------------------------------------

RULE_WORDS = st.sampled_from(
    [
        "Oakdale", "Belgrade", "Jordan", "Lebanon", "Moscow", "Georgia", "Tennessee", "Minn.", "Kenya",
        "Walker County", ", ", " in ", " a small town in ", " from ", " a native of ", " born in ",
        " charged ", " pleads ", " said ", " and ", ". ", "\n", " ",
    ]
)  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RULE_WORDS, max_size=25))
def test_rule_cues_in_any_order_give_valid_mentions(parts):
    text = "".join(parts)
    for m in default_parser().parse(text):
        assert text[m.start : m.end] == m.text
        assert 0.0 < m.confidence <= 1.0
