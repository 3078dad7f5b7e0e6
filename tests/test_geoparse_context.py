"""Geoparser v2 rules: person cues, institution heads, appositives, spatial minimality, the lazy index."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import Geoparser, default_parser, geoparse


def _resolved(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in geoparse(text):
        out.setdefault(m.text, set()).add(m.place_id)
    return out


def test_surname_after_a_given_name_is_a_person_everywhere():
    text = "Andrew Trapani is a gambling man. Those risks paid off as Trapani's first film opened."
    assert "Trapani" not in _resolved(text)


def test_given_name_before_a_surname_is_not_a_place():
    got = _resolved("Library staffer Mary Middleton said the drive went well.")
    assert "Mary" not in got and "Middleton" not in got


def test_small_town_name_saying_something_is_a_person():
    got = _resolved('"I saw the post and thought, thank God," Baker said. Baker, almost 40, rides on.')
    assert "Baker" not in got


def test_big_city_saying_something_is_metonymy_not_a_person():
    ms = [m for m in geoparse("Tbilisi says the separatist leader has fled.") if m.text == "Tbilisi"]
    assert ms and ms[0].country == "GEO"


def test_institution_after_a_place_keeps_the_place():
    got = _resolved("Fargo Mayor Dennis Walaker said the city had a good day.")
    assert got.get("Fargo") == {"city:5059163"}
    assert "Oakland" in _resolved("Oakland police Sgt. Mark Schmid said Monday.")


def test_city_state_appositive_picks_the_town_in_that_state():
    got = _resolved("The fair opened in Paris, Tenn., on Saturday.")
    (paris,) = got["Paris"]
    assert paris != "city:2988507"  # not the French capital
    assert got["Tenn."] == {"province:US-TN"}


def test_spatial_minimality_prefers_the_town_near_the_other_places():
    text = "The storm hit Norman and Sherman before reaching Gainesville, where roads closed."
    parser = default_parser()
    (g,) = [m for m in parser.parse(text) if m.text == "Gainesville"]
    lat, lon = parser.coords()[g.place_id]
    assert 32 < lat < 35 and -99 < lon < -95  # Gainesville, Texas; not Florida's or Georgia's


def test_closeness_is_the_same_pair_by_pair_as_in_arrays():
    # A short article's few pairs are measured in Python, a long list of towns in numpy: the same bits, so
    # an article's picks never depend on how many towns it names.
    from dashboard.geoparse import resolve

    coords = default_parser().coords()
    ids = sorted(coords)[::499][:120]
    rows = {(f"w{k % 7}", pid): k for k, pid in enumerate(ids[::2])}
    anchors = {(f"w{k % 5}", pid): coords[pid] for k, pid in enumerate(ids[1::2])}
    pairs = resolve._nearest_by_pairs(rows, anchors, coords)
    arrays = resolve._nearest_by_arrays(rows, anchors, coords).tolist()
    assert pairs == arrays
    assert len(set(pairs)) > 30  # distinct distances, none left at infinity
    assert max(pairs) < 1


def test_lazy_index_matches_names_with_and_without_accents():
    names = pd.DataFrame(
        {
            "place_id": ["city:1", "city:1", "province:X-1"],
            "name": ["Straße", "Strasse Town", "Québec"],
            "kind": ["city", "city", "province"],
            "country": ["DEU", "DEU", "CAN"],
            "population": [200_000, 200_000, None],
            "primary": [True, False, True],
        }
    )
    parser = Geoparser(names)
    got = {m.text: m.place_id for m in parser.parse("From Strasse to Quebec and Québec.")}
    assert got == {"Strasse": "city:1", "Quebec": "province:X-1", "Québec": "province:X-1"}


def test_county_resolves_to_the_county_in_the_article_state():
    names = pd.DataFrame(
        {
            "place_id": ["county:01127", "county:13295", "province:US-GA", "city:9"],
            "name": ["Walker County", "Walker County", "Georgia", "LaFayette"],
            "kind": ["county", "county", "province", "city"],
            "country": ["USA"] * 4,
            "population": [None, None, None, 7000],
            "primary": [True] * 4,
            "province": ["province:US-AL", "province:US-GA", "", "province:US-GA"],
        }
    )
    got = {
        m.text: m.place_id
        for m in Geoparser(names).parse("In LaFayette, Georgia, Walker County officials met.")
    }
    assert got["Walker County"] == "county:13295"


@pytest.mark.parametrize(
    ("text", "town", "county", "county_id"),
    [
        # Paris alone is the French capital; with Lamar County, the Texas town in that county.
        ("Lamar County commissioners met in Paris on Monday.", "Paris", "Lamar County", "county:48277"),
        # The larger Huntsville is in Alabama, but the Huntsville in a Walker County is in Texas.
        (
            "Deputies from Walker County searched a home in Huntsville.",
            "Huntsville",
            "Walker County",
            "county:48471",
        ),
    ],
)
def test_town_and_county_resolve_to_the_pair_where_the_town_lies_in_the_county(text, town, county, county_id):
    parser = default_parser()
    got = {m.text: m.place_id for m in parser.parse(text)}
    assert got[county] == county_id
    lat, lon = parser.coords()[got[town]]
    assert get_gazetteer().geometry(county_id).distance(shapely.Point(lon, lat)) < 0.05


def test_a_town_without_its_county_keeps_the_population_prior():
    got = {
        m.text: m.place_id for m in default_parser().parse("Officials in Huntsville said the test went well.")
    }
    assert got["Huntsville"] != "city:4699540"  # not the small Texas town when no Walker County is named


def test_us_town_state_comes_from_its_admin1_code_not_the_border_polygon():
    # Columbus, Ga. sits on the Alabama line: the appositive names its real state.
    got = {m.text: m.place_id for m in geoparse("Police in Columbus, Ga., arrested two men.")}
    assert got["Columbus"] == "city:4188985"
    assert default_parser().matcher.info("city:4188985")[4] == "province:US-GA"


def test_a_state_named_with_another_state_is_the_state_not_a_small_town_there():
    # California, Pa. (6,000 people) is in the state the article names, but "California" is the state.
    assert _resolved("Cases rose in Pennsylvania and in California.")["California"] == {"province:US-CA"}


def test_one_sense_per_discourse_where_a_context_rule_hid_the_reading():
    # "Dublin Arts Council": the capitalised neighbour hides the town reading; "in Dublin, Ohio" restores it.
    text = "The Dublin Arts Council gave grants to three groups. The money stays in Dublin, Ohio, it said."
    got = _resolved(text)
    assert got["Dublin"] == {"city:5152333"}  # Dublin, Ohio, both times
    assert got["Ohio"] == {"province:US-OH"}


def test_us_state_demonyms_are_demonym_mentions_of_the_state():
    ms = [m for m in geoparse("Ohioans and a Texan voted.") if m.type == "demonym"]
    assert {(m.text, m.place_id) for m in ms} == {("Ohioans", "province:US-OH"), ("Texan", "province:US-TX")}
