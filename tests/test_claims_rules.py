"""Claims a reader can trust: look-alikes give no claim; lists, size comparisons, ranks, confidence, tables.

Mentions are given explicitly (located in the text, resolved on the real gazetteer), so these tests check the
claims stages and the bundled data, not the geoparser's recall.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.claims import check_claims
from dashboard.claims.judge import within
from dashboard.claims.measure import MEASURES
from dashboard.claims.pipeline import METHODS
from dashboard.claims.record import KINDS
from dashboard.claims.tolerances import TOLERANCES, Tolerance
from dashboard.claims.units import HEDGES, UNITS, find_quantities

D = date(2022, 1, 28)


def _gaz():
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer()


def mentions(text: str, *pairs: tuple[str, str]) -> list[dict]:
    """(surface, place id) pairs located in order; names and kinds from the real gazetteer."""
    out, pos = [], 0
    for surface, pid in pairs:
        start = text.index(surface, pos)
        pos = start + len(surface)
        kind = pid.split(":")[0]
        name = str(_gaz().place(pid)["name"])
        typ = "demonym" if surface.endswith(("ian", "ish")) else "literal"
        out.append(
            {
                "start": start,
                "end": pos,
                "text": surface,
                "place_id": pid,
                "name": name,
                "kind": kind,
                "type": typ,
            }
        )
    return out


def claims_of(text: str, *pairs: tuple[str, str]):
    return check_claims(text, on=D, mentions=mentions(text, *pairs))


# -- quantities about something else: no claim --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "If it is found within the first 5,000 square kilometres, the firm will receive $20 million "
            "from the Indian Ocean search.",
            [("Indian Ocean", "sea:indian_ocean")],
        ),
        (
            "The search zone covers 120,000 sq km of the Indian Ocean.",
            [("Indian Ocean", "sea:indian_ocean")],
        ),
        ("About 400 square miles of forest burned in California.", [("California", "province:US-CA")]),
        ("In California, fires burned 400 square miles last week.", [("California", "province:US-CA")]),
        ("Russian troops massed within 200 km of the border with Ukraine.", [("Ukraine", "country:UKR")]),
        ("Russia moved troops 50 km from Kyiv.", [("Russia", "country:RUS"), ("Kyiv", "city:703448")]),
        ("Lviv is a seven-hour drive from Kyiv.", [("Lviv", "city:702550"), ("Kyiv", "city:703448")]),
        ("Lviv is a 300-mile drive from Kyiv.", [("Lviv", "city:702550"), ("Kyiv", "city:703448")]),
        (
            "Ukraine plans a 279 km track between Kyiv and Lviv.",
            [("Ukraine", "country:UKR"), ("Kyiv", "city:703448"), ("Lviv", "city:702550")],
        ),
        (
            "Ecuador might build an emergency 25 km pipeline to Colombia.",
            [("Ecuador", "country:ECU"), ("Colombia", "country:COL")],
        ),
        ("Thousands lined the three-mile route through Kyiv.", [("Kyiv", "city:703448")]),
        (
            "Blocks in the Yellow Sea covering a total area of 44,913 sq km were sold.",
            [("Yellow Sea", "sea:yellow_sea")],
        ),
        (
            "Alaska is the largest state in the US by population.",
            [("Alaska", "province:US-AK"), ("US", "country:USA")],
        ),
        (
            "Sudan was Africa's largest country until 2011.",
            [("Sudan", "country:SDN"), ("Africa", "continent:africa")],
        ),
        (
            "Germany is smaller than Belgium and France combined.",
            [("Germany", "country:DEU"), ("Belgium", "country:BEL"), ("France", "country:FRA")],
        ),
        (
            "Texas is 10,000 square miles larger than Ukraine.",
            [("Texas", "province:US-TX"), ("Ukraine", "country:UKR")],
        ),
        (
            "Kharkiv is 30 km closer to Russia than Kyiv.",
            [("Kharkiv", "city:706483"), ("Russia", "country:RUS"), ("Kyiv", "city:703448")],
        ),
    ],
)
def test_quantities_of_something_else_give_no_claim(text, pairs):
    assert [(c.kind, c.subject, c.verdict) for c in claims_of(text, *pairs)] == []


def test_the_largest_country_in_y_at_n_km2_is_about_x_not_y():
    text = "Kazakhstan is the largest country in Central Asia, at 2.7 million km²."
    got = claims_of(text, ("Kazakhstan", "country:KAZ"), ("Central Asia", "region:central_asia"))
    assert [(c.kind, c.subject, c.object, c.verdict) for c in got] == [
        ("area", "country:KAZ", None, "consistent"),
        ("rank", "country:KAZ", "region:central_asia", "consistent"),
    ]


# -- lists, neighbours, borders ----------------------------------------------------------------------------


def test_a_list_of_subjects_all_border_the_object():
    text = "Lithuania, Latvia and Estonia all border Russia."
    pairs = [
        ("Lithuania", "country:LTU"),
        ("Latvia", "country:LVA"),
        ("Estonia", "country:EST"),
        ("Russia", "country:RUS"),
    ]
    got = claims_of(text, *pairs)
    assert [(c.subject, c.object, c.verdict) for c in got] == [
        ("country:LTU", "country:RUS", "consistent"),
        ("country:LVA", "country:RUS", "consistent"),
        ("country:EST", "country:RUS", "consistent"),
    ]
    assert all(c.details["shared_border_km"] > 100 for c in got)


def test_countries_bordering_x_such_as_a_list():
    text = "Countries bordering Turkey, such as Armenia, Iran and Spain, were warned."
    pairs = [
        ("Turkey", "country:TUR"),
        ("Armenia", "country:ARM"),
        ("Iran", "country:IRN"),
        ("Spain", "country:ESP"),
    ]
    got = claims_of(text, *pairs)
    assert [(c.subject, c.object, c.verdict) for c in got] == [
        ("country:ARM", "country:TUR", "consistent"),
        ("country:IRN", "country:TUR", "consistent"),
        ("country:ESP", "country:TUR", "differs"),
    ]


def test_a_place_on_the_border_of_another():
    text = "Kaliningrad, a Russian enclave on the Polish border, hosts missiles."
    pairs = [("Kaliningrad", "province:RU-KGD"), ("Russian", "country:RUS"), ("Polish", "country:POL")]
    (c,) = claims_of(text, *pairs)
    assert (c.kind, c.subject, c.object, c.verdict) == (
        "adjacency",
        "province:RU-KGD",
        "country:POL",
        "consistent",
    )
    assert c.confidence == "medium"  # a province and a country: boundaries from different sources


# -- distances ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Lviv is some 300 miles from Kyiv.", "consistent"),
        ("Lviv lies 470 km (290 miles) west of Kyiv.", "consistent"),
        ("Lviv, only 470 km from Kyiv, is calm.", "consistent"),
        ("Lviv, the largest city of western Ukraine, is 470 km from Kyiv.", "consistent"),
        ("Lviv is 1,000 km from Kyiv.", "differs"),
        ("Lviv is 2,000 km from Kyiv.", "cannot check"),  # over 3x off: more likely another Lviv
        ("Lviv is 300 km from Kyiv.", "differs"),
    ],
)
def test_distance_phrasings(text, verdict):
    (c,) = claims_of(text, ("Lviv", "city:702550"), ("Kyiv", "city:703448"))
    assert (c.kind, c.subject, c.object, c.verdict) == ("distance", "city:702550", "city:703448", verdict)
    assert 440 <= c.details["nearest_km"] <= 500
    if "(290 miles)" in text:
        assert c.details["alternative"]["unit"] == "mi" and 270 <= c.details["alternative"]["computed"] <= 310


def test_a_town_far_from_the_stated_distance_is_another_town_not_a_wrong_claim():
    text = "Louisville, Kentucky, about 35 miles south of Austin, approved it."
    pairs = [("Louisville", "city:4299276"), ("Kentucky", "province:US-KY"), ("Austin", "city:4671654")]
    (c,) = claims_of(text, *pairs)
    assert (c.kind, c.subject, c.verdict, c.confidence) == ("distance", "city:4299276", "cannot check", "low")
    assert "other places of these names" in c.reason


def test_an_ambiguous_name_that_fits_in_another_sense_is_not_called_wrong():
    text = "Georgia borders Russia."
    (c,) = claims_of(text, ("Georgia", "province:US-GA"), ("Russia", "country:RUS"))
    assert c.verdict == "cannot check" and "country:GEO" in c.reason and c.confidence == "low"


# -- size comparisons and ranks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "a", "b", "verdict", "factor"),
    [
        (
            "France is roughly the size of Ukraine.",
            ("France", "country:FRA"),
            ("Ukraine", "country:UKR"),
            "consistent",
            1.0,
        ),
        (
            "Texas is twice the size of Germany.",
            ("Texas", "province:US-TX"),
            ("Germany", "country:DEU"),
            "consistent",
            2.0,
        ),
        (
            "Germany is three times bigger than Belgium.",
            ("Germany", "country:DEU"),
            ("Belgium", "country:BEL"),
            "differs",
            3.0,
        ),
        (
            "Belgium is larger than Germany.",
            ("Belgium", "country:BEL"),
            ("Germany", "country:DEU"),
            "differs",
            1.0,
        ),
        (
            "Germany is larger than Belgium.",
            ("Germany", "country:DEU"),
            ("Belgium", "country:BEL"),
            "consistent",
            1.0,
        ),
    ],
)
def test_size_comparisons_between_places(text, a, b, verdict, factor):
    (c,) = claims_of(text, a, b)
    assert (c.kind, c.subject, c.object, c.verdict, c.stated, c.unit) == (
        "size",
        a[1],
        b[1],
        verdict,
        factor,
        "x",
    )
    assert c.computed == pytest.approx(c.details["subject_km2"] / c.details["object_km2"], abs=0.01)
    assert "25%" in c.tolerance or "0.95" in c.tolerance


def test_nearly_the_size_of_allows_less_but_not_more():
    # Maryland's polygon (land, about 25,900 km²) is 0.84 x Belgium (about 30,700 km²).
    pairs = [("Maryland", "province:US-MD"), ("Belgium", "country:BEL")]
    (c,) = claims_of("Maryland is nearly the size of Belgium.", *pairs)
    assert c.verdict == "consistent" and 0.75 <= c.details["ratio"] < 1 and "nearly" in c.tolerance
    (c,) = claims_of("Belgium is nearly the size of Maryland.", *reversed(pairs))
    assert c.verdict == "differs" and c.details["ratio"] > 1.05
    (c,) = claims_of("Belgium is roughly the size of Maryland.", *reversed(pairs))
    assert c.verdict == "consistent"


def test_a_stated_area_compared_with_a_place():
    text = "Fires have burned 30,000 sq km, an area roughly the size of Belgium."
    (c,) = claims_of(text, ("Belgium", "country:BEL"))
    assert (c.kind, c.subject, c.object, c.verdict, c.stated, c.unit) == (
        "size",
        None,
        "country:BEL",
        "consistent",
        30000,
        "km2",
    )
    assert 29_000 <= c.computed <= 32_500  # Belgium's area in km²


def test_the_size_of_wales_cannot_be_checked_and_says_why():
    text = "The fires burned an area the size of Wales."
    ms = [
        {
            "start": 37,
            "end": 42,
            "text": "Wales",
            "place_id": "country:GBR",
            "name": "United Kingdom",
            "kind": "country",
            "type": "literal",
        }
    ]
    (c,) = check_claims(text, on=D, mentions=ms)
    assert (c.kind, c.verdict, c.object_name) == ("size", "cannot check", "Wales")
    assert "Wales" in c.reason and "not a place in the data" in c.reason
    text = "Wales covers 20,000 sq km."
    ms = [{**ms[0], "start": 0, "end": 5}]
    (c,) = check_claims(text, on=D, mentions=ms)
    assert (c.kind, c.verdict) == ("area", "cannot check") and "not bundled as a place of its own" in c.reason


@pytest.mark.parametrize(
    ("text", "x", "y", "verdict", "rank"),
    [
        (
            "Alaska is the largest state in the US.",
            ("Alaska", "province:US-AK"),
            ("US", "country:USA"),
            "consistent",
            1,
        ),
        (
            "Texas is the largest state in the US.",
            ("Texas", "province:US-TX"),
            ("US", "country:USA"),
            "differs",
            2,
        ),
        (
            "Ukraine is the largest country in Europe.",
            ("Ukraine", "country:UKR"),
            ("Europe", "continent:europe"),
            "differs",
            2,
        ),
        (
            "Russia is Europe's largest country.",
            ("Russia", "country:RUS"),
            ("Europe", "continent:europe"),
            "consistent",
            1,
        ),
        (
            "Vatican City is the smallest country in Europe.",
            ("Vatican City", "country:VAT"),
            ("Europe", "continent:europe"),
            "consistent",
            1,
        ),
        # Within 5% of the Democratic Republic of the Congo's polygon (lakes included): a tie, not an error.
        (
            "Algeria is Africa's largest country.",
            ("Algeria", "country:DZA"),
            ("Africa", "continent:africa"),
            "consistent",
            2,
        ),
        # The District of Columbia is smaller, but is it a state? The writer's choice.
        (
            "Rhode Island is the smallest state in the US.",
            ("Rhode Island", "province:US-RI"),
            ("US", "country:USA"),
            "consistent",
            2,
        ),
        # Greenland and the United States are not typed "Sovereign country" by Natural Earth.
        (
            "Mexico is the third largest country in North America.",
            ("Mexico", "country:MEX"),
            ("North America", "continent:north_america"),
            "consistent",
            4,
        ),
    ],
)
def test_ranks_by_area_within_a_container(text, x, y, verdict, rank):
    (c,) = claims_of(text, x, y)
    assert (c.kind, c.subject, c.object, c.verdict, c.computed) == ("rank", x[1], y[1], verdict, rank)
    assert c.confidence == "medium"  # container membership and overseas parts are judgement calls
    assert c.details["top"] and "rank" in c.method


# -- every claim explains itself ---------------------------------------------------------------------------


def test_every_claim_has_a_method_a_tolerance_a_confidence_and_cannot_check_says_why():
    text = (
        "Portugal borders Italy. The 1,225km pipeline opened. France is roughly the size of Ukraine. "
        "The fires burned an area the size of Wales. Lviv is some 300 miles from Kyiv."
    )
    ms = mentions(
        text,
        ("Portugal", "country:PRT"),
        ("Italy", "country:ITA"),
        ("France", "country:FRA"),
        ("Ukraine", "country:UKR"),
    )
    ms += mentions(text[: text.index("Wales")] + "Wales", ("Wales", "city:2634894"))[-1:]
    ms += mentions(text, ("Lviv", "city:702550"), ("Kyiv", "city:703448"))
    got = check_claims(text, on=D, mentions=ms)
    assert {c.kind for c in got} == {"adjacency", "length", "size", "distance"}
    for c in got:
        assert c.method and c.tolerance and c.confidence in ("low", "medium", "high")
        if c.verdict == "cannot check":
            assert c.reason
    portugal = next(c for c in got if c.kind == "adjacency")
    assert (portugal.verdict, portugal.confidence) == ("differs", "high")
    wales = next(c for c in got if c.kind == "size" and c.verdict == "cannot check")
    assert "Wales" in wales.reason


# -- the tables --------------------------------------------------------------------------------------------


def test_one_table_of_units_hedges_and_tolerances_covers_every_check():
    assert [u.name for u in UNITS] == ["km2", "sq mi", "km", "mi", "%"]
    assert set(HEDGES.values()) == {"at_least", "at_most", "about"}
    assert set(METHODS) == set(MEASURES)
    for check in set(MEASURES) - {"land_border", "size"}:
        assert check in TOLERANCES, check
    assert {"size_ratio", "size_nearly", "size_bound", "size_area"} <= set(TOLERANCES)
    assert KINDS[-2:] == ("size", "rank")
    (q,) = find_quantities("about five miles away")
    assert (q.value, q.unit, q.hedge) == (5, "mi", "about")
    assert find_quantities("winds of 60 miles per hour and 290km/h gusts") == []


def test_the_one_verdict_rule():
    tol = Tolerance(0.25, 0.10, 0.0, "")
    assert within(100, 80, 80, tol) and not within(100, 70, 70, tol) and not within(100, 115, 115, tol)
    assert within(100, 200, 200, tol, "at_least") and not within(100, 120, 120, tol, "at_most")
    assert within(100, 50, 150, Tolerance(0, 0, 0, ""))  # a measured range containing the stated value


# -- any mix of claim words and places: no traceback ---------------------------------------------------------

_WORDS = [
    "Kyiv", "Ukraine", "Belgium", "Texas", "Europe", "Russia", "Wales", "Lviv", "is", "lies", "roughly",
    "nearly", "the size of", "larger than", "smaller than", "twice", "three times", "an area", "km", "sq km",
    "square miles", "troops",
    "50", "1,000", "borders", "border", ",", "and", "the largest country in", "'s", "second-largest", "state",
    "of", "from", "miles", "north of", "within", "combined", "covers", "(", ")", "pipeline", "the", "it", ".",
    "%", "Nato", "countries bordering", "such as", "on the Polish border", "apart", "between", "drive",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30))
def test_any_mix_of_claim_words_and_places_gives_sane_claims(words):
    text = " ".join(words)
    for c in check_claims(text, on=D):
        assert text[c.start : c.end] == c.text and c.kind in KINDS
        assert c.verdict in ("consistent", "differs", "cannot check") and c.method and c.tolerance
        assert c.verdict != "cannot check" or c.reason


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("France covers 551,695 sq km.", "consistent"),  # metropolitan France
        ("France covers 643,801 sq km.", "consistent"),  # with the overseas regions
        ("France covers 300,000 sq km.", "differs"),
        ("Ukraine is larger than France.", "consistent"),  # than metropolitan France
        ("Ukraine is twice the size of France.", "differs"),
    ],
)
def test_with_or_without_overseas_parts_is_the_writers_choice(text, verdict):
    pairs = [("Ukraine", "country:UKR")] if text.startswith("Ukraine") else []
    (c,) = claims_of(text, *pairs, ("France", "country:FRA"))
    assert c.verdict == verdict
    assert "overseas" in c.method or "largest part" in c.method


def test_a_border_too_short_for_the_scale_cannot_be_checked():
    # Botswana and Zambia share about 150 m at Kazungula; at 1:10m the polygons touch at a point.
    (c,) = claims_of("Botswana borders Zambia.", ("Botswana", "country:BWA"), ("Zambia", "country:ZMB"))
    assert c.verdict == "cannot check" and "touch at a point" in c.reason


def test_neighbours_share_a_border_or_cannot_be_checked():
    pairs = [("Russia", "country:RUS"), ("Finland", "country:FIN"), ("Estonia", "country:EST")]
    got = claims_of("Russia's neighbours Finland and Estonia are wary.", *pairs)
    assert [(c.subject, c.object, c.verdict) for c in got] == [
        ("country:RUS", "country:FIN", "consistent"),
        ("country:RUS", "country:EST", "consistent"),
    ]
    (c,) = claims_of(
        "Kenya and neighbouring Uganda were hit.", ("Kenya", "country:KEN"), ("Uganda", "country:UGA")
    )
    assert (c.subject, c.object, c.verdict) == ("country:UGA", "country:KEN", "consistent")
    # Neighbours across the sea are a matter of words: no land border is no error.
    pairs = [("Australia", "country:AUS"), ("New Zealand", "country:NZL")]
    (c,) = claims_of("Australia neighbours New Zealand.", *pairs)
    assert c.verdict == "cannot check" and "no land border" in c.reason
    (c,) = claims_of("Australia borders New Zealand.", *pairs)
    assert c.verdict == "differs"
