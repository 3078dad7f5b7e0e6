"""Geoparser v4 rules: appositives vs enumerations, lists of states, "the state of X", newspapers,
common-word towns, counties and longer city names (issue 3, general disambiguation bugs)."""

from __future__ import annotations

from dashboard.geoparse import geoparse


def _resolved(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in geoparse(text):
        out.setdefault(m.text, set()).add(m.place_id)
    return out


def test_a_list_of_countries_is_no_town_country_appositive():
    got = _resolved("Relief teams reached Peru, China, Kenya and Chile within a week.")
    assert got["China"] == {"country:CHN"}
    got = _resolved("Several governments, among them China, Japan, and Canada, pledged money.")
    assert got["China"] == {"country:CHN"}
    assert got["Japan"] == {"country:JPN"}


def test_a_state_before_its_country_stays_the_state():
    got = _resolved("Flooding hit towns in northern California, United States, on Monday.")
    assert got["California"] == {"province:US-CA"}
    got = _resolved("Wildfires spread across Ontario, Canada this summer.")
    assert got["Ontario"] == {"province:CA-ON"}


def test_the_town_appositive_still_picks_the_town():
    got = _resolved("The band played in Liberal, Kan., on Friday night.")
    (town,) = got["Liberal"]
    assert town.startswith("city:")
    assert got["Kan."] == {"province:US-KS"}


def test_the_container_after_a_town_is_the_state_holding_it():
    got = _resolved("A snowstorm closed every school in Buffalo, New York on Tuesday.")
    assert got["New York"] == {"province:US-NY"}
    got = _resolved("The pet food maker is based in Mississauga, Ontario in Canada.")
    assert got["Ontario"] == {"province:CA-ON"}


def test_a_longer_city_name_wins_over_the_state():
    got = _resolved("She flew from New York City to Denver on a late flight.")
    assert got["New York City"] == {"city:5128581"}


def test_items_of_a_list_of_states_are_states():
    got = _resolved("The recall covers Idaho, Oregon, Washington, Nevada and Montana.")
    assert got["Washington"] == {"province:US-WA"}
    got = _resolved("Storm warnings were issued for Quebec, Manitoba, Ontario and Nova Scotia.")
    assert got["Ontario"] == {"province:CA-ON"}
    got = _resolved("Inspectors are checking farms in Washington, Oregon and Idaho.")
    assert got["Washington"] == {"province:US-WA"}


def test_the_state_of_x_is_the_province():
    got = _resolved("The herd was traced to a ranch in the state of Washington last spring.")
    assert got["Washington"] == {"province:US-WA"}
    got = _resolved("Washington state regulators approved the plan.")
    assert got["Washington"] == {"province:US-WA"}
    got = _resolved("New York Governor Jane Doe declared an emergency on Sunday.")
    assert got["New York"] == {"province:US-NY"}


def test_newspaper_names_are_not_place_mentions():
    got = _resolved("A report in the Washington Post and the Los Angeles Times said the talks failed.")
    assert "Washington" not in got and "Los Angeles" not in got
    # the place itself is still found
    assert _resolved("Officials in Los Angeles closed the beaches.")["Los Angeles"]


def test_common_word_towns_need_a_locative_cue():
    assert "Reserve" not in _resolved("The Federal Reserve kept its rates unchanged.")
    assert "Monster" not in _resolved("Monster Energy sponsored the motocross race.")
    assert "Liberal" not in _resolved("Critics said the Liberal budget would hurt families.")
    got = _resolved("Volunteers cleaned up the streets in Reserve, Louisiana, after the storm.")
    (town,) = got["Reserve"]
    assert town.startswith("city:")


def test_a_county_in_the_counties_layer_wins_over_its_namesake_town():
    got = _resolved("Nurses in Frederick County, Maryland, treated eleven patients.")
    assert got["Frederick County"] == {"county:24021"}
    assert got["Maryland"] == {"province:US-MD"}


def test_a_big_city_after_a_capitalised_word_is_still_the_city():
    got = _resolved("Donations reached the food bank of Metropolitan Denver by noon.")
    assert got["Denver"] == {"city:5419384"}
    # a small town next to a given name is still a person
    assert "Ivins" not in _resolved("Bruce Ivins worked at the lab. Ivins said little.")
