"""Geoparser behaviour on the bundled sample and on one-rule sentences, against the real gazetteer."""

from __future__ import annotations

import pytest

from dashboard.article import read_article
from dashboard.geoparse import geoparse, geoparse_article
from dashboard.settings import SEEDS_DIR

SAMPLE = SEEDS_DIR / "000_f76bc0d3d06c699a.txt"


@pytest.fixture(scope="module")
def sample():
    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    return art, geoparse(art.text, on=art.date)


def _ids(mentions) -> set[str]:
    return {m.place_id for m in mentions}


def _by_text(mentions) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in mentions:
        out.setdefault(m.text, set()).add(m.place_id)
    return out


def test_sample_finds_every_named_place(sample):
    _art, ms = sample
    ids = _ids(ms)
    expected = {
        "country:RUS", "country:FRA", "country:UKR", "country:USA", "alliance:nato", "city:524901",
        "continent:europe", "region:eastern_europe", "country:BLR", "country:POL", "region:baltic_states",
        "country:EST", "country:LVA", "country:LTU", "country:ITA", "country:HUN", "country:TUR",
        "country:GEO", "region:former_soviet_union", "region:crimea", "region:donbas", "country:DEU",
        "sea:baltic_sea",
    }  # fmt: skip
    assert expected <= ids, expected - ids


def test_sample_mention_types(sample):
    _art, ms = sample
    types = {(m.text, m.type) for m in ms}
    assert ("French", "demonym") in types
    assert ("German", "demonym") in types
    assert ("Kremlin", "metonymic") in types
    assert ("Moscow", "metonymic") in types  # "to Moscow's benefit"
    assert ("Nato", "alliance") in types
    kremlin = next(m for m in ms if m.text == "Kremlin")
    assert kremlin.place_id == "country:RUS"


def test_sample_multiword_and_lowercase_names(sample):
    _art, ms = sample
    texts = _by_text(ms)
    assert texts["eastern Europe"] == {"region:eastern_europe"}
    assert texts["Baltic republics"] == {"region:baltic_states"}
    assert texts["former Soviet states"] == {"region:former_soviet_union"}
    assert texts["Baltic Sea"] == {"sea:baltic_sea"}


def test_sample_nord_stream_2_is_the_pipeline_not_the_french_province(sample):
    _art, ms = sample
    assert _by_text(ms)["Nord Stream 2"] == {"pipeline:nord_stream_2"}
    assert "Nord" not in _by_text(ms)


def test_sample_no_people_or_words(sample):
    _art, ms = sample
    texts = {m.text for m in ms}
    for word in (
        "Putin",
        "Macron",
        "Biden",
        "Lavrov",
        "Stoltenberg",
        "Vladimir",
        "Jens",
        "Friday",
        "Plus",
        "So",
    ):
        assert word not in texts
    # Georgia is the country in an article about Russia and NATO, not the US state.
    assert _by_text(ms)["Georgia"] == {"country:GEO"}


def test_sample_offsets_index_the_whole_file(sample):
    art, ms = sample
    assert ms == sorted(ms, key=lambda m: m.start)
    for m in ms:
        assert art.text[m.start : m.end] == m.text
    # The header line's title is part of the text: "US" and "Russia" there are found too.
    assert any(m.end <= len(art.text.splitlines()[0]) + 1 for m in ms)


def test_possessive_and_abbreviations():
    text = "Ukraine's army. The U.S. and the USA, the UK and Britain. America too."
    ms = geoparse(text)
    by = _by_text(ms)
    assert by["Ukraine"] == {"country:UKR"}
    assert by["U.S."] == by["USA"] == by["America"] == {"country:USA"}
    assert by["UK"] == by["Britain"] == {"country:GBR"}


def test_lowercase_us_is_a_pronoun():
    assert geoparse("Tell us about it, said one of us.") == []


def test_kyiv_and_kiev_resolve_to_the_same_city():
    a = geoparse("Troops near Kyiv.")
    b = geoparse("Troops near Kiev.")
    assert a and b and a[0].place_id == b[0].place_id


def test_title_marks_a_person():
    assert "Georgia" not in {m.text for m in geoparse("Mr Georgia said the plan was fine.")}
    assert not [m for m in geoparse("President Lincoln spoke.") if m.text == "Lincoln"]


def test_first_name_marks_a_person_and_stays_remembered():
    text = "Bruce Ivins worked at the lab. Later, Ivins said nothing."
    assert not [m for m in geoparse(text) if m.text == "Ivins"]


def test_common_words_are_not_places():
    text = "So what? Plus, on Friday the turkey was eaten. Turkey is a country."
    texts = [m.text for m in geoparse(text)]
    assert texts == ["Turkey"]


def test_georgia_follows_the_article_context():
    us = geoparse("Atlanta, Georgia: storms hit Alabama, Tennessee and Georgia on Monday.")
    assert {m.place_id for m in us if m.text == "Georgia"} == {"province:US-GA"}
    world = geoparse("Russia and NATO argued over Georgia, Ukraine and Armenia.")
    assert {m.place_id for m in world if m.text == "Georgia"} == {"country:GEO"}


def test_big_city_beats_hamlet_and_area_beats_town():
    (paris,) = geoparse("She flew to Paris.")
    assert paris.place_id in {"city:2988507", "province:FR-75C"}
    (texas,) = geoparse("Floods in Texas.")
    assert texas.kind == "province"


def test_acronyms_and_diseases_are_not_places():
    assert geoparse("HIV cases rose, the UN said.") == []
    assert [m.text for m in geoparse("The Marburg virus spread.")] == []


def test_demonym_plural_and_metonym():
    ms = geoparse("Russians and Americans met; the White House said Washington warned Moscow.")
    by = {m.text: m for m in ms}
    assert by["Russians"].type == "demonym" and by["Russians"].place_id == "country:RUS"
    assert by["White House"].type == "metonymic"
    assert by["Washington"].type == "metonymic"


def test_us_state_abbreviations_need_their_period():
    ms = geoparse("FARGO, N.D. - Floods. Miss Smith came from Jackson, Miss., last week.")
    texts = {m.text: m.place_id for m in ms}
    assert texts.get("N.D.") == "province:US-ND"
    assert texts.get("Miss.") == "province:US-MS"
    assert "Miss" not in texts


def test_geoparse_article_gives_one_row_per_place(sample):
    art, ms = sample
    gdf = geoparse_article(art)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["place_id"].is_unique
    assert int(gdf["count"].sum()) == len(ms)
    nato = gdf.set_index("place_id").loc["alliance:nato"]
    assert len(nato["members"]) == 30  # NATO on 2022-01-28
    assert nato.geometry.contains(__import__("shapely").Point(10.0, 51.0))  # Germany
    assert not gdf.geometry.is_empty.any()


def test_empty_and_odd_text():
    assert geoparse("") == []
    assert geoparse("   \n\t ") == []
    assert geoparse("<html><body><p>Paris &amp; Berlin</p></body></html>")
    with pytest.raises(TypeError):
        geoparse(b"bytes")  # type: ignore[arg-type]


def test_us_county_resolves_to_the_article_state():
    ms = geoparse(
        "Deputies in Laurel County, Kentucky, said London police helped. Laurel County jail is full."
    )
    counties = [m for m in ms if m.text == "Laurel County"]
    # With the bundled US counties the county polygon itself is resolved (FIPS 21 = Kentucky).
    assert len(counties) == 2 and {m.place_id for m in counties} == {"county:21125"}
    assert not [m for m in ms if m.text == "Laurel"]


def test_currency_prefix_is_not_a_place():
    assert [m.text for m in geoparse("It cost US$5 million, the US said.")] == ["US"]


@pytest.mark.parametrize(
    ("sentence", "capital", "expected"),
    [
        ("The talks stalled over a key Moscow demand on missiles.", "Moscow", "metonymic"),
        ("Berlin officials declined to comment on the plan.", "Berlin", "metonymic"),
        ("Few believe that Paris truly wants the deal.", "Paris", "metonymic"),
        ("Beijing's response came within hours.", "Beijing", "metonymic"),
        ("She flew to Moscow on Friday to see her family.", "Moscow", "literal"),
        ("The museum in Paris reopened after a long renovation.", "Paris", "literal"),
    ],
)
def test_capital_standing_for_its_government_is_metonymic(sentence: str, capital: str, expected: str):
    found = [m for m in geoparse(sentence) if m.text == capital]
    assert found, f"{capital} not found in {sentence!r}"
    assert found[0].type == expected


def test_mention_record_sets_every_field_and_stays_frozen():
    # Mention writes its fields in its own __init__ (faster than the generated one): every dataclass field
    # must be set from its argument, by position or keyword, with the same default.
    import dataclasses
    import pickle

    from dashboard.geoparse.records import Mention, Why

    why = Why("the city", ("title_before_name",), (), 0.5, None)
    given = {"start": 3, "end": 8, "text": "Paris", "place_id": "city:2988507", "name": "Paris"}
    given |= {"kind": "city", "country": "FRA", "type": "literal", "confidence": 0.75, "why": why}
    fields = dataclasses.fields(Mention)
    values = {f.name: given[f.name] for f in fields}
    by_keyword = Mention(**values)
    by_position = Mention(*values.values())
    assert {f.name: getattr(by_keyword, f.name) for f in fields} == values
    assert {f.name: getattr(by_position, f.name) for f in fields} == values
    assert by_keyword == by_position and hash(by_keyword) == hash(by_position)
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    short = Mention(*[v for k, v in values.items() if k not in defaults])
    assert all(getattr(short, k) == d for k, d in defaults.items())
    renamed = dataclasses.replace(by_keyword, name="Burma")
    assert renamed.name == "Burma" and renamed.place_id == values["place_id"]
    assert pickle.loads(pickle.dumps(renamed)) == renamed
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_keyword.name = "x"  # type: ignore[misc]
