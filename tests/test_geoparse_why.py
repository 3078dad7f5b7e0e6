"""Explanations: every resolved mention can say why (the rules and features that decided, the runner-up, one
line for a reader), in the API, the places frame and the command line; and asking changes no result."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys

import pytest

from dashboard import settings
from dashboard.geoparse import WEIGHTS, default_parser, geoparse, geoparse_article, places_frame
from dashboard.geoparse.features import Context

ROOT = settings.PROJECT_ROOT


def _by_text(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in geoparse(text, explain=True):
        out.setdefault(m.text, []).append(m)
    return out


def test_georgia_beside_tbilisi_is_the_country_and_says_so():
    (m,) = _by_text("Protests in Georgia: crowds in Tbilisi marched.")["Georgia"]
    assert m.place_id == "country:GEO"
    assert m.why.summary == "the country, not the US state: Tbilisi is named in the article"
    assert dict(m.why.features)["country_named"] > 0
    assert (m.why.runner_up.place_id, m.why.runner_up.kind) == ("province:US-GA", "province")
    assert m.why.runner_up.score < m.why.score


def test_georgia_beside_atlanta_and_savannah_is_the_state_and_says_so():
    (m,) = _by_text("Storms hit Georgia. Atlanta and Savannah flooded.")["Georgia"]
    assert m.place_id == "province:US-GA"
    assert m.why.summary == "the US state, not the country: Atlanta and Savannah are named in the article"
    assert m.why.runner_up.place_id == "country:GEO"


def test_a_name_with_one_reading_is_the_only_place_of_this_name():
    (m,) = _by_text("Floods in Kenya.")["Kenya"]
    assert m.why.summary == "the country: the only place of this name"
    assert m.why.runner_up is None


def test_an_adjective_and_a_metonym_say_whose_they_are():
    whys = _by_text("The Kremlin said Russian troops left.")
    assert whys["Russian"][0].why.summary == 'the country: "Russian" is its adjective'
    assert whys["Kremlin"][0].why.summary == 'the country: "Kremlin" stands for it'


def test_the_score_is_the_prior_plus_the_features_contributions():
    text = (ROOT / "seeds" / "000_f76bc0d3d06c699a.txt").read_text(encoding="utf-8")
    for m in geoparse(text, explain=True):
        if m.why.score is not None:
            assert m.why.features[0].feature == "prior"
            assert sum(f.value for f in m.why.features) == pytest.approx(m.why.score)
            assert {f.feature for f in m.why.features[1:]} <= set(WEIGHTS)
            assert m.why.summary


@pytest.mark.parametrize(
    ("text", "word", "rule"),
    [
        ("The fair opened in Paris, Tenn., on Saturday.", "Paris", "stated_container"),
        (
            "He was born in Lebanon and studied in Boston and Cambridge, Massachusetts.",
            "Lebanon",
            "origin_country",
        ),
        ("Moscow said the talks had failed.", "Moscow", "metonymic_capital"),
    ],
)
def test_the_rules_that_decided_are_named(text, word, rule):
    (m,) = _by_text(text)[word]
    assert rule in m.why.rules
    assert all(r.replace("_", "").isalpha() and r.islower() for r in m.why.rules)


def test_a_stated_container_names_the_removed_reading_as_runner_up():
    (m,) = _by_text("He was born in Lebanon and studied in Boston and Cambridge, Massachusetts.")["Lebanon"]
    assert m.place_id == "country:LBN"
    assert m.why.summary.startswith("the country, not the town")
    assert 'after "born in" a country is meant' in m.why.summary
    assert m.why.runner_up.removed_by == "origin_country" and m.why.runner_up.score is None


def test_one_sense_per_discourse_is_explained():
    # The capitalised neighbour hides the town in "Dublin Arts Council"; "in Dublin" decides it.
    text = "The Dublin Arts Council met on Monday. The show in Dublin, Ohio opened."
    first = _by_text(text)["Dublin"][0]
    assert "one_sense_per_discourse" in first.why.rules
    assert "elsewhere in the article" in first.why.summary


def test_a_county_the_gazetteer_lacks_explains_the_article_state():
    import pandas as pd

    from dashboard.geoparse import Geoparser

    rows = [
        ("city:1", "Oakvale", "city", "USA", 40_000, "province:US-MN"),
        ("province:US-MN", "Minnesota", "province", "USA", None, None),
    ]
    df = pd.DataFrame(rows, columns=["place_id", "name", "kind", "country", "population", "province"])
    df["primary"] = True
    got = {
        m.text: m
        for m in Geoparser(df).parse("Crews from Oakvale, Minnesota, met in Walker County.", explain=True)
    }
    m = got["Walker County"]
    assert m.place_id == "province:US-MN"
    assert m.why.rules == ("county_in_article_state",)
    assert "the gazetteer has no Walker County" in m.why.summary


def test_explaining_costs_nothing_unless_asked_and_changes_no_result():
    text = (ROOT / "seeds" / "000_f76bc0d3d06c699a.txt").read_text(encoding="utf-8")
    plain = default_parser().parse(text)
    explained = default_parser().parse(text, explain=True)
    assert all(m.why is None for m in plain)
    assert [dataclasses.replace(m, why=None) for m in explained] == plain


def test_the_places_frame_has_a_why_column_when_asked():
    from dashboard.article import read_article

    art = read_article((ROOT / "seeds" / "000_f76bc0d3d06c699a.txt").read_bytes(), "sample")
    gdf = geoparse_article(art, explain=True)
    assert "why" in gdf.columns and gdf["why"].map(lambda s: isinstance(s, str) and s != "").all()
    assert all(e["why"]["summary"] for ms in gdf["mentions"] for e in ms)
    plain = places_frame(geoparse(art.text, on=art.date), on=art.date)
    assert "why" not in plain.columns


def _cli(*args: str, stdin: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", "-", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return r.stdout


ARTICLE = "date 2024-03-01 Talks\nProtests in Georgia: crowds in Tbilisi marched.\n"


def test_cli_explain_adds_why_to_json_lines():
    recs = [json.loads(line) for line in _cli("--format", "jsonl", "--explain", stdin=ARTICLE).splitlines()]
    georgia = next(r for r in recs if r["text"] == "Georgia")
    assert georgia["place_id"] == "country:GEO"
    why = georgia["why"]
    assert why["summary"] == "the country, not the US state: Tbilisi is named in the article"
    assert why["runner_up"]["place_id"] == "province:US-GA" and why["runner_up"]["score"] < why["score"]
    assert "country_named" in why["features"] and isinstance(why["rules"], list)
    plain = [json.loads(line) for line in _cli("--format", "jsonl", stdin=ARTICLE).splitlines()]
    assert all("why" not in r for r in plain)
    assert [{k: v for k, v in r.items() if k != "why"} for r in recs] == plain


def test_cli_explain_adds_why_columns_to_csv():
    rows = list(csv.DictReader(io.StringIO(_cli("--format", "csv", "--explain", stdin=ARTICLE))))
    georgia = next(r for r in rows if r["text"] == "Georgia")
    assert georgia["why"] == "the country, not the US state: Tbilisi is named in the article"
    assert georgia["runner_up"] == "province:US-GA" and float(georgia["runner_up_score"]) < float(
        georgia["score"]
    )
    plain = list(csv.DictReader(io.StringIO(_cli("--format", "csv", stdin=ARTICLE))))
    assert "why" not in plain[0]


def test_context_record_is_what_the_features_read():
    assert set(Context._fields) == {"surf", "apo", "box", "listed", "near", "within"}


def test_a_stated_container_names_the_container_also_where_the_word_repeats():
    text = "Crews reached Lebanon, Tennessee, at noon. By night Lebanon had power back, and Nashville too."
    ms = _by_text(text)["Lebanon"]
    assert [m.place_id for m in ms] == ["city:4636045"] * 2
    for m in ms:
        assert m.why.summary == "the town, not the country: the text places it in Tennessee"
        assert m.why.rules == ("stated_container",)


def test_a_town_the_gazetteer_lacks_in_its_stated_state_says_so():
    (m,) = _by_text("Storms damaged barns near Oakdale, Tennessee, on Sunday.")["Oakdale"]
    assert m.place_id == "province:US-TN"
    assert m.why.summary == "the US state: the text places Oakdale in Tennessee, where the gazetteer has none"
