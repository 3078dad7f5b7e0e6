"""Claims: lengths, border shares, adjacency, areas and distances found in text, checked on bundled data."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import claims
from dashboard.claims import check_claims, claims_command, find_quantities
from dashboard.sentences import split_sentences
from dashboard.settings import PROJECT_ROOT, SEEDS_DIR

SAMPLE = SEEDS_DIR / "000_f76bc0d3d06c699a.txt"
D = date(2022, 1, 28)


def _gaz():
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer()


def mentions(text: str, *pairs: tuple[str, str] | tuple[str, str, str]) -> list[dict]:
    """Mentions of ``text`` as the geoparser gives them: (surface, place id[, type]), located in order.

    Names and kinds come from the real gazetteer, so the claims are checked on the bundled data; the tests
    of this module do not depend on the geoparser's recall (the sample article tests do).
    """
    out, pos = [], 0
    for surface, pid, *typ in pairs:
        start = text.index(surface, pos)
        pos = start + len(surface)
        kind = pid.split(":")[0]
        name = surface if kind == "alliance" else str(_gaz().place(pid)["name"])
        out.append(
            {
                "start": start,
                "end": pos,
                "text": surface,
                "place_id": pid,
                "name": name,
                "kind": kind,
                "type": typ[0] if typ else ("alliance" if kind == "alliance" else "literal"),
            }
        )
    return out


def only(cs: list[claims.Claim], kind: str) -> claims.Claim:
    got = [c for c in cs if c.kind == kind]
    assert len(got) == 1, cs
    return got[0]


# -- the text side ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "hedge"),
    [
        ("The 1,225km pipeline", 1225, "km", None),
        ("a 760-mile line", 760, "mi", None),
        ("Only 6% of it", 6, "%", "only"),
        ("some 5 per cent of it", 5, "%", "some"),
        ("it covers 26,000 sq km", 26000, "km2", None),
        ("about 27,000 km² in all", 27000, "km2", "about"),
        ("nearly 10,000 square miles", 10000, "sq mi", "nearly"),
        ("roughly 603,500 square kilometres", 603500, "km2", "roughly"),
        ("more than 1.2 million sq km", 1_200_000, "km2", "more than"),
        ("almost 30 kilometres away", 30, "km", "almost"),
        ("at least 500 miles", 500, "mi", "at least"),
        ("a 30-kilometre zone", 30, "km", None),
    ],
)
def test_quantities_units_and_hedges(text, value, unit, hedge):
    (q,) = find_quantities(text)
    assert (q.value, q.unit, q.hedge) == (value, unit, hedge)


@pytest.mark.parametrize(
    "text", ["the 2014 annexation", "1,000 troops", "$11bn (£8bn)", "14,000 people", "five years", "in 1997"]
)
def test_numbers_without_units_are_not_quantities(text):
    assert find_quantities(text) == []


def test_quantity_offsets_index_the_whole_text():
    text = "Intro. The 1,225km (760-mile) pipeline."
    qs = find_quantities(text[7:], offset=7)
    assert [text[q.start : q.end] for q in qs] == ["1,225km", "760-mile"]
    assert qs[1].km == pytest.approx(760 * 1.609344)


def test_sentences_keep_offsets_and_abbreviations():
    text = " Mr. Putin met U.S. officials. Then he left!\nA new line? Yes"
    got = split_sentences(text)
    assert [s.text for s in got] == ["Mr. Putin met U.S. officials.", "Then he left!", "A new line?", "Yes"]
    assert all(text[s.start : s.end] == s.text for s in got)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?;\n,%0123456789kmsq\"'")), max_size=80))
def test_sentences_and_quantities_stay_inside_any_text(text):
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.text
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)


# -- look-alikes: no claims --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Russia has 6% inflation.", [("Russia", "country:RUS")]),
        ("After the 2014 annexation, Russia kept Crimea.", [("Russia", "country:RUS")]),
        ("Russia sent 1,000 troops to Belarus.", [("Russia", "country:RUS"), ("Belarus", "country:BLR")]),
        ("The pipeline cost $11bn to build.", []),
        ("Some 14,000 people have died in Ukraine.", [("Ukraine", "country:UKR")]),
        ("It took five years to build in Germany.", [("Germany", "country:DEU")]),
        (
            "Russia wants no strike weapons near Russian borders.",
            [("Russia", "country:RUS"), ("Russian", "country:RUS", "demonym")],
        ),
        (
            "Queues grew at the border crossing between Poland and Belarus.",
            [("Poland", "country:POL"), ("Belarus", "country:BLR")],
        ),
        ("Ukraine saw a 10% rise in prices at the border.", [("Ukraine", "country:UKR")]),
        ("Missiles in countries near or bordering Russia.", [("Russia", "country:RUS")]),
        ("Troops massed 30km from the border with Ukraine.", [("Ukraine", "country:UKR")]),
        ("Russia seized 1,000 sq km of Ukraine.", [("Russia", "country:RUS"), ("Ukraine", "country:UKR")]),
    ],
)
def test_look_alikes_give_no_claim(text, pairs):
    assert check_claims(text, on=D, mentions=mentions(text, *pairs)) == []


# -- adjacency ---------------------------------------------------------------------------------------------


def test_which_also_borders_is_confirmed_with_the_shared_length():
    text = "Russia sent troops into Belarus, which also borders Ukraine."
    c = only(
        check_claims(
            text,
            on=D,
            mentions=mentions(
                text, ("Russia", "country:RUS"), ("Belarus", "country:BLR"), ("Ukraine", "country:UKR")
            ),
        ),
        "adjacency",
    )
    assert (c.subject, c.object, c.verdict) == ("country:BLR", "country:UKR", "consistent")
    assert 800 <= c.details["shared_border_km"] <= 1200
    assert c.computed == pytest.approx(c.details["shared_border_km"], abs=0.1)
    assert text[c.start : c.end] == c.text and c.unit is None and c.stated is None
    assert set(c.place_ids) == {"country:BLR", "country:UKR"}


@pytest.mark.parametrize(
    ("text", "pairs", "expected"),
    [
        (
            "Poland borders Germany.",
            [("Poland", "country:POL"), ("Germany", "country:DEU")],
            [("POL", "DEU", True)],
        ),
        (
            "France borders Russia.",
            [("France", "country:FRA"), ("Russia", "country:RUS")],
            [("FRA", "RUS", False)],
        ),
        (
            "Finland and Russia share a 1,300 km-long frontier; Norway and Russia share a border too.",
            [
                ("Finland", "country:FIN"),
                ("Russia", "country:RUS"),
                ("Norway", "country:NOR"),
                ("Russia", "country:RUS"),
            ],
            [("NOR", "RUS", True)],  # Finland-Russia is a length claim, which implies the adjacency
        ),
        (
            "Belarus borders Poland, Lithuania and Latvia.",
            [
                ("Belarus", "country:BLR"),
                ("Poland", "country:POL"),
                ("Lithuania", "country:LTU"),
                ("Latvia", "country:LVA"),
            ],
            [("BLR", "POL", True), ("BLR", "LTU", True), ("BLR", "LVA", True)],
        ),
    ],
)
def test_adjacency_true_and_false(text, pairs, expected):
    got = [c for c in check_claims(text, on=D, mentions=mentions(text, *pairs)) if c.kind == "adjacency"]
    assert [(c.subject[-3:], c.object[-3:], c.details["adjacent"]) for c in got] == expected
    for c in got:
        assert c.verdict == ("consistent" if c.details["adjacent"] else "differs")
        assert (c.details["shared_border_km"] > 1) == c.details["adjacent"]


def test_adjacency_pronoun_and_negation():
    text = "Spain is in the west. It borders France. Spain does not border Germany."
    pairs = [
        ("Spain", "country:ESP"),
        ("France", "country:FRA"),
        ("Spain", "country:ESP"),
        ("Germany", "country:DEU"),
    ]
    got = [c for c in check_claims(text, on=D, mentions=mentions(text, *pairs)) if c.kind == "adjacency"]
    assert [(c.subject, c.object, c.verdict) for c in got] == [
        ("country:ESP", "country:FRA", "consistent"),
        ("country:ESP", "country:DEU", "consistent"),
    ]
    assert got[1].details["stated_adjacent"] is False and got[1].details["adjacent"] is False


# -- border share ------------------------------------------------------------------------------------------


def test_border_share_with_an_alliance_on_the_article_date_and_today():
    text = "Only 6% of Russia's borders touch Nato countries; the Kremlin likes Italy."
    pairs = [("Russia", "country:RUS"), ("Nato", "alliance:nato"), ("Italy", "country:ITA")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "border_share")
    assert text[c.start : c.end] == "Only 6% of Russia's borders touch Nato countries"
    assert (c.subject, c.object, c.stated, c.unit, c.hedge) == (
        "country:RUS",
        "alliance:nato",
        6,
        "%",
        "only",
    )
    assert 4.5 <= c.computed <= 7 and c.verdict == "consistent"
    assert "2022-01-28" in c.method and c.details["date"] == "2022-01-28"
    assert "country:FIN" not in c.details["members"] and "country:POL" in c.details["members"]
    assert 10.5 <= c.details["now"]["computed"] <= 13.5
    assert c.details["now"]["date"] == date.today().isoformat()
    # The highlighted features: Russia and the member countries it touches.
    assert {"country:RUS", "country:EST", "country:POL", "country:NOR"} <= set(c.place_ids)
    assert "country:ITA" not in c.place_ids


def test_border_share_membership_follows_the_date():
    text = "About 12 per cent of Russia's land border is with Nato members."
    pairs = [("Russia", "country:RUS"), ("Nato", "alliance:nato")]
    ms = mentions(text, *pairs)
    after = only(check_claims(text, on=date(2024, 6, 1), mentions=ms), "border_share")
    before = only(check_claims(text, on=D, mentions=ms), "border_share")
    assert 10.5 <= after.computed <= 13.5 and after.verdict == "consistent"
    assert 4.5 <= before.computed <= 7 and before.verdict == "differs"


def test_border_share_with_a_list_of_countries_and_its():
    text = "Russia is vast. Just 2% of its borders are with Estonia and Latvia."
    pairs = [("Russia", "country:RUS"), ("Estonia", "country:EST"), ("Latvia", "country:LVA")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "border_share")
    assert c.subject == "country:RUS" and c.object == "country:EST,country:LVA"
    total = c.details["land_border_km"]
    assert c.computed == pytest.approx(100 * c.details["shared_border_km"] / total, abs=0.01)
    assert 1.5 <= c.computed <= 4 and c.verdict == "consistent"


def test_border_share_far_off_differs():
    text = "Half of nothing: 40% of Russia's borders touch Nato countries."
    c = only(
        check_claims(
            text, on=D, mentions=mentions(text, ("Russia", "country:RUS"), ("Nato", "alliance:nato"))
        ),
        "border_share",
    )
    assert c.verdict == "differs" and c.computed < 10


# -- lengths -----------------------------------------------------------------------------------------------


def test_border_length_between_two_countries():
    text = "Troops lined the 1,084km border between Belarus and Ukraine."
    pairs = [("Belarus", "country:BLR"), ("Ukraine", "country:UKR")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "length")
    assert (c.subject, c.object, c.stated, c.unit) == ("country:BLR", "country:UKR", 1084, "km")
    # 1:10m borders run short of the official 1,084 km: the tolerance says so, and the verdict allows it.
    assert 800 <= c.computed <= 1200 and c.verdict == "consistent" and "1:10m" in c.tolerance


def test_border_length_far_off_differs_in_miles():
    text = "Russia's 300-mile border with Finland is closed."
    pairs = [("Russia", "country:RUS"), ("Finland", "country:FIN")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "length")
    assert c.unit == "mi" and c.verdict == "differs"
    assert c.computed == pytest.approx(c.details["shared_border_km"] / 1.609344, abs=0.2)


# -- areas -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "pid", "verdict"),
    [
        ("Belarus covers 207,600 square kilometres.", "Belarus", "country:BLR", "consistent"),
        ("Ukraine has an area of about 233,000 square miles.", "Ukraine", "country:UKR", "consistent"),
        ("France covers 10,000 sq mi.", "France", "country:FRA", "differs"),
    ],
)
def test_area_of_a_country(text, surface, pid, verdict):
    c = only(check_claims(text, on=D, mentions=mentions(text, (surface, pid))), "area")
    assert c.subject == pid and c.verdict == verdict
    factor = 1.0 if c.unit == "km2" else 1.609344**2
    # The whole polygon, or without far overseas parts (France without French Guiana): the nearer one.
    areas = [c.details["computed_km2"], c.details.get("mainland_km2", c.details["computed_km2"])]
    assert any(c.computed == pytest.approx(a / factor, rel=1e-3) for a in areas)


# -- the CLI -----------------------------------------------------------------------------------------------


def test_claims_command_reports_bad_files_and_skips_them(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    missing = tmp_path / "missing.txt"
    assert claims_command([str(bad), str(missing)], "json", None) == 2  # nothing read: no output
    out, err = capsys.readouterr()
    assert "bad.txt" in err and "missing.txt" in err and "Traceback" not in err and out == ""
    assert claims_command([str(SAMPLE)], "xml", None) == 2


# -- pipelines, provinces, cities ----------------------------------------------------------------------------


def test_pipeline_length_resolves_the_pipeline_and_keeps_the_alternative_unit():
    text = (
        "Nord Stream 2 runs under the Baltic Sea. The 1,225km (760-mile) pipeline took five years to build."
    )
    pairs = [("Nord Stream 2", "pipeline:nord_stream_2"), ("Baltic Sea", "sea:baltic_sea")]
    (c,) = check_claims(text, on=D, mentions=mentions(text, *pairs))
    assert (c.kind, c.subject, c.stated, c.unit, c.verdict) == (
        "length",
        "pipeline:nord_stream_2",
        1225,
        "km",
        "consistent",
    )
    assert (
        c.text.startswith("The 1,225km (760-mile) pipeline")
        and c.details["resolved_from"] == "The 1,225km (760-mile) pipeline"
    )
    # The computed length is the bundled line's (acceptance range of the geodata issue).
    assert 1180 <= c.computed <= 1280
    alt = c.details["alternative"]
    assert (alt["stated"], alt["unit"]) == (760, "mi")
    assert alt["computed"] == pytest.approx(c.computed / 1.609344, abs=0.2)


def test_pipeline_length_in_miles_with_a_named_subject():
    text = "Nord Stream 2 is about 500 miles long."
    c = only(
        check_claims(text, on=D, mentions=mentions(text, ("Nord Stream 2", "pipeline:nord_stream_2"))),
        "length",
    )
    assert c.unit == "mi" and c.hedge == "about" and c.verdict == "differs"
    assert 1180 / 1.609344 <= c.computed <= 1280 / 1.609344


def test_the_pipeline_without_a_named_pipeline_cannot_be_checked():
    text = "The 1,225km pipeline took five years to build."
    (c,) = check_claims(text, on=D, mentions=[])
    assert c.kind == "length" and c.verdict == "cannot check" and c.computed is None and c.reason


def test_area_of_the_peninsula_resolves_to_crimea():
    text = "Russia annexed Crimea in 2014. The peninsula covers some 27,000 sq km."
    pairs = [("Russia", "country:RUS"), ("Crimea", "province:UA-43")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "area")
    assert c.subject == "province:UA-43" and c.hedge == "some" and c.unit == "km2"
    assert 24_000 <= c.computed <= 28_500 and c.verdict == "consistent"


def test_distance_between_cities_in_km_and_miles():
    text = "Kyiv is about 750 km from Moscow. Minsk lies 600 miles from Kyiv."
    pairs = [
        ("Kyiv", "city:703448"),
        ("Moscow", "city:524901"),
        ("Minsk", "city:625144"),
        ("Kyiv", "city:703448"),
    ]
    a, b = check_claims(text, on=D, mentions=mentions(text, *pairs))
    assert (a.kind, a.subject, a.object, a.unit, a.verdict) == (
        "distance",
        "city:703448",
        "city:524901",
        "km",
        "consistent",
    )
    assert 700 <= a.computed <= 800
    assert (b.kind, b.unit, b.verdict) == ("distance", "mi", "differs")
    assert 250 <= b.computed <= 290  # Minsk-Kyiv is about 435 km


def test_distance_from_a_city_to_a_country_uses_the_nearest_point_range():
    text = "Kyiv lies some 90 km from Belarus."
    pairs = [("Kyiv", "city:703448"), ("Belarus", "country:BLR")]
    c = only(check_claims(text, on=D, mentions=mentions(text, *pairs)), "distance")
    assert c.details["nearest_km"] < c.details["representative_points_km"]
    assert 60 <= c.details["nearest_km"] <= 120 and c.verdict == "consistent"


# -- the sample article, end to end (real geoparser) ---------------------------------------------------------


def _sample_claims():
    from dashboard.article import read_article

    art = read_article(SAMPLE.read_bytes(), str(SAMPLE))
    return art, check_claims(art.text, on=art.date)


def test_sample_article_has_its_three_claims():
    art, cs = _sample_claims()
    assert art.date == D
    assert [c.kind for c in cs] == ["adjacency", "border_share", "length"]
    adj, share, length = cs
    assert (adj.subject, adj.object, adj.verdict) == ("country:BLR", "country:UKR", "consistent")
    assert 800 <= adj.details["shared_border_km"] <= 1200
    assert (share.subject, share.object, share.stated, share.hedge) == (
        "country:RUS",
        "alliance:nato",
        6,
        "only",
    )
    assert (
        5 <= share.computed <= 7 and share.verdict == "consistent" and share.details["date"] == "2022-01-28"
    )
    assert 10.5 <= share.details["now"]["computed"] <= 13.5
    assert (length.subject, length.stated, length.unit, length.verdict) == (
        "pipeline:nord_stream_2",
        1225,
        "km",
        "consistent",
    )
    assert 1180 <= length.computed <= 1280 and length.details["alternative"]["stated"] == 760
    for c in cs:
        assert art.text[c.start : c.end] == c.text


def test_cli_claims_json_on_the_sample(tmp_path):
    out = tmp_path / "claims.json"
    cmd = [sys.executable, "-m", "dashboard", "claims", str(SAMPLE), "--format", "json"]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert [c["kind"] for c in got] == ["adjacency", "border_share", "length"]
    for c in got:
        assert {
            "text",
            "start",
            "end",
            "kind",
            "subject",
            "object",
            "stated",
            "unit",
            "computed",
            "verdict",
        } <= set(c)
    res = subprocess.run(
        [*cmd, "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0 and json.loads(out.read_text(encoding="utf-8")) == got


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_without_places_gives_no_traceback_and_sane_offsets(text):
    for c in check_claims(text, mentions=[]):
        assert text[c.start : c.end] == c.text and c.verdict in ("consistent", "differs", "cannot check")
        json.dumps(c.to_dict())


def test_shares_a_border_with_and_a_stated_length_is_one_claim():
    text = "Finland, which shares a 1,340km border with Russia, joined Nato. Estonia borders Russia."
    pairs = [
        ("Finland", "country:FIN"),
        ("Russia", "country:RUS"),
        ("Nato", "alliance:nato"),
        ("Estonia", "country:EST"),
        ("Russia", "country:RUS"),
    ]
    got = check_claims(text, on=D, mentions=mentions(text, *pairs))
    assert [(c.kind, c.subject, c.object, c.verdict) for c in got] == [
        ("length", "country:FIN", "country:RUS", "consistent"),
        ("adjacency", "country:EST", "country:RUS", "consistent"),
    ]
    assert 1100 <= got[0].computed <= 1340


def test_adjacency_across_layers_province_and_country():
    text = "Luhansk borders Russia. Crimea, which borders Russia, is a peninsula. Luhansk borders Ukraine."
    pairs = [
        ("Luhansk", "province:UA-09"),
        ("Russia", "country:RUS"),
        ("Crimea", "province:UA-43"),
        ("Russia", "country:RUS"),
        ("Luhansk", "province:UA-09"),
        ("Ukraine", "country:UKR"),
    ]
    got = check_claims(text, on=D, mentions=mentions(text, *pairs))
    assert [(c.subject, c.object, c.verdict) for c in got] == [
        ("province:UA-09", "country:RUS", "consistent"),
        ("province:UA-43", "country:RUS", "differs"),  # the Kerch Strait is water, not a land border
        ("province:UA-09", "country:UKR", "differs"),  # inside its own country: not a border
    ]
    assert 400 <= got[0].details["shared_border_km"] <= 800


def test_a_place_unknown_to_the_data_cannot_be_checked_without_a_traceback():
    text = "Atlantis borders Ukraine."
    ms = mentions(text, ("Ukraine", "country:UKR"))
    ms.insert(0, {"start": 0, "end": 8, "text": "Atlantis", "place_id": "country:ATL", "name": "Atlantis",
                  "kind": "country", "type": "literal"})  # fmt: skip
    (c,) = check_claims(text, on=D, mentions=ms)
    assert c.kind == "adjacency" and c.verdict == "cannot check" and "country:ATL" in c.reason


def test_reader_rules_subjects_and_lists():
    text = (
        "Poland borders Belarus, and Lithuania borders Russia. "
        "Ukraine, Europe's second largest country, covers 603,500 sq km. "
        "Estonia and Russia share a border of about 300km. "
        "Donbas, an area of about 53,000 sq km, borders Russia. "
        "Inflation in Russia hit 6% and its troops are 30km from Ukraine."
    )
    pairs = [
        ("Poland", "country:POL"),
        ("Belarus", "country:BLR"),
        ("Lithuania", "country:LTU"),
        ("Russia", "country:RUS"),
        ("Ukraine", "country:UKR"),
        ("Europe", "continent:europe"),
        ("Estonia", "country:EST"),
        ("Russia", "country:RUS"),
        ("Donbas", "region:donbas"),
        ("Russia", "country:RUS"),
        ("Russia", "country:RUS"),
        ("Ukraine", "country:UKR"),
    ]
    got = [
        (c.kind, c.subject, c.object, c.verdict)
        for c in check_claims(text, on=D, mentions=mentions(text, *pairs))
    ]
    assert got == [
        ("adjacency", "country:POL", "country:BLR", "consistent"),  # not Poland-Lithuania
        ("adjacency", "country:LTU", "country:RUS", "consistent"),
        ("area", "country:UKR", None, "consistent"),  # not Europe's area
        ("rank", "country:UKR", "continent:europe", "consistent"),  # "Europe's second largest country"
        ("length", "country:EST", "country:RUS", "consistent"),  # "a border of about 300km"
        ("adjacency", "region:donbas", "country:RUS", "consistent"),
        ("area", "region:donbas", None, "consistent"),
        # "its troops are 30km from Ukraine": the troops' distance, not Russia's: no claim
    ]


def test_cli_reads_stdin_and_skips_a_missing_file():
    cmd = [sys.executable, "-m", "dashboard", "claims", "-", "missing-file.txt", "--format", "json"]
    text = "date 2024-06-01 Test\nAbout 12% of Russia's borders touch Nato countries."
    res = subprocess.run(
        cmd, input=text, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120, check=False
    )
    assert res.returncode == 1 and "missing-file.txt" in res.stderr and "Traceback" not in res.stderr
    (c,) = json.loads(res.stdout)
    assert (c["source"], c["kind"], c["verdict"]) == ("-", "border_share", "consistent")
    assert c["details"]["date"] == "2024-06-01" and 10.5 <= c["computed"] <= 13.5


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Nord Stream 2 is more than 1,000 km long.", "consistent"),
        ("Nord Stream 2 is less than 1,000 km long.", "differs"),
        ("Nord Stream 2 is 1,000 km long.", "differs"),
    ],
)
def test_hedges_set_the_direction_of_the_comparison(text, verdict):
    c = only(
        check_claims(text, on=D, mentions=mentions(text, ("Nord Stream 2", "pipeline:nord_stream_2"))),
        "length",
    )
    assert c.verdict == verdict and c.stated == 1000
