"""Places as they were on the article's date: historic states, former names, Cold War alliances."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
import shapely
from pyproj import Geod

from dashboard import historic
from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import geoparse, places_frame
from dashboard.settings import PROJECT_ROOT

GEOD = Geod(ellps="WGS84")
DAY = timedelta(days=1)


def km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def resolve(text: str, on: date | None, surface: str):
    """The mention of ``surface`` in ``text`` on ``on`` (exactly one expected)."""
    got = [m for m in geoparse(text, on=on) if m.text == surface]
    assert len(got) == 1, (surface, on, geoparse(text, on=on))
    return got[0]


# -- the historic states: areas (geodesic) ---------------------------------------------------------------
# Reference areas: CIA World Factbook 1990 / Wikipedia. The polygons are today's Natural Earth countries and
# provinces (1:10m, generalised), so a few tenths of a percent off is expected; 2 % is the tolerance.
AREAS = {
    "historic_state:ussr": 22_402_200,
    "historic_state:west_germany": 248_577 + 480,  # the Federal Republic plus West Berlin (480 km²)
    "historic_state:east_germany": 108_333,
    "historic_state:yugoslavia": 255_804,
    "historic_state:czechoslovakia": 127_900,
    "historic_state:fr_yugoslavia": 102_350,
}


@pytest.mark.parametrize(("pid", "area"), sorted(AREAS.items()))
def test_historic_state_area(pid, area):
    geom = get_gazetteer().geometry(pid)
    assert geom.is_valid
    assert km2(geom) == pytest.approx(area, rel=0.02)


def test_berlin_is_split_along_the_sector_boundary():
    gaz = get_gazetteer()
    west, east = gaz.geometry("historic_state:west_germany"), gaz.geometry("historic_state:east_germany")
    charlottenburg, kreuzberg = shapely.Point(13.30, 52.52), shapely.Point(13.40, 52.497)
    alexanderplatz, koepenick = shapely.Point(13.413, 52.522), shapely.Point(13.58, 52.44)
    assert west.contains(charlottenburg) and west.contains(kreuzberg)
    assert east.contains(alexanderplatz) and east.contains(koepenick)
    assert not west.contains(alexanderplatz) and not east.contains(charlottenburg)
    # The two Germanies tile today's Germany: no gap, no overlap.
    germany = gaz.geometry("country:DEU")
    assert km2(shapely.intersection(west, east)) < 1
    assert km2(shapely.union(west, east)) == pytest.approx(km2(germany), rel=0.001)


def test_historic_layer_columns_and_kind():
    layer = get_gazetteer().layer("historic_state")
    assert set(AREAS) == set(layer.index)
    assert (layer["kind"] == "historic_state").all()
    row = layer.loc["historic_state:ussr"]
    assert (row["valid_from"], row["valid_to"]) == ("1922-12-30", "1991-12-26")
    assert layer.loc["historic_state:west_germany", "country"] == "DEU"


# -- resolution by date ----------------------------------------------------------------------------------
HISTORIC = [
    ("Trade between West Germany and France grew.", "West Germany", "historic_state:west_germany"),
    ("Exports from East Germany fell.", "East Germany", "historic_state:east_germany"),
    ("The Soviet Union bought grain.", "Soviet Union", "historic_state:ussr"),
    ("The USSR bought grain.", "USSR", "historic_state:ussr"),
    ("Czechoslovakia signed the accord.", "Czechoslovakia", "historic_state:czechoslovakia"),
    ("West German bankers were cautious.", "West German", "historic_state:west_germany"),
    ("Soviet troops left.", "Soviet", "historic_state:ussr"),
]


@pytest.mark.parametrize(("text", "surface", "pid"), HISTORIC)
@pytest.mark.parametrize("on", [date(1987, 3, 1), date(2022, 3, 1), None])
def test_historic_names_are_the_historic_state_on_any_date(text, surface, pid, on):
    m = resolve(text, on, surface)
    assert (m.place_id, m.kind) == (pid, "historic_state")


def test_west_germany_is_not_germany_with_west_dropped():
    ms = geoparse("West Germany said the talks with Japan went well.", on=date(1987, 3, 1))
    assert (ms[0].text, ms[0].place_id) == ("West Germany", "historic_state:west_germany")
    assert "country:DEU" not in {m.place_id for m in ms}


def test_west_germany_in_1987_is_drawn_with_its_1987_borders_and_years():
    on = date(1987, 3, 1)
    frame = places_frame(geoparse("West Germany and Bonn.", on=on), on=on).set_index("place_id")
    row = frame.loc["historic_state:west_germany"]
    assert row["years"] == "1949–1990" and row["date"] == "1987-03-01"
    assert km2(row.geometry) == pytest.approx(AREAS["historic_state:west_germany"], rel=0.02)
    assert not row.geometry.contains(shapely.Point(12.37, 51.34))  # Leipzig was in East Germany
    assert not isinstance(frame.loc["city:2946447", "years"], str)  # Bonn: no years


@pytest.mark.parametrize(
    ("on", "pid"),
    [
        (date(1992, 4, 26), "historic_state:yugoslavia"),
        (date(1992, 4, 27), "historic_state:fr_yugoslavia"),
        (date(2003, 2, 3), "historic_state:fr_yugoslavia"),
        (date(2003, 2, 4), "historic_state:yugoslavia"),  # no state of that name then: the SFRY of history
        (None, "historic_state:yugoslavia"),
    ],
)
def test_yugoslavia_on_either_side_of_1992(on, pid):
    assert resolve("Yugoslavia devalued its currency.", on, "Yugoslavia").place_id == pid


@pytest.mark.parametrize(
    ("on", "pid"),
    [
        (date(1990, 10, 2), "historic_state:west_germany"),
        (date(1990, 10, 3), "country:DEU"),
        (None, "country:DEU"),
    ],
)
def test_federal_republic_of_germany_on_either_side_of_reunification(on, pid):
    m = resolve("The Federal Republic of Germany voted.", on, "Federal Republic of Germany")
    assert m.place_id == pid


@pytest.mark.parametrize(
    ("pid", "valid_to"),
    [
        ("historic_state:ussr", date(1991, 12, 26)),
        ("historic_state:west_germany", date(1990, 10, 2)),
        ("historic_state:east_germany", date(1990, 10, 2)),
        ("historic_state:czechoslovakia", date(1992, 12, 31)),
        ("historic_state:yugoslavia", date(1992, 4, 26)),
    ],
)
def test_historic_state_lives(pid, valid_to):
    assert historic.dates().lives[pid][1] == valid_to


# -- former names ----------------------------------------------------------------------------------------
FORMER = [
    # (former name, place, last day of the former name)
    ("Burma", "country:MMR", date(1989, 6, 17)),
    ("Zaire", "country:COD", date(1997, 5, 16)),
    ("Ceylon", "country:LKA", date(1972, 5, 21)),
    ("Rhodesia", "country:ZWE", date(1979, 5, 31)),
    ("Upper Volta", "country:BFA", date(1984, 8, 3)),
    ("Dahomey", "country:BEN", date(1975, 11, 29)),
    ("Kampuchea", "country:KHM", date(1989, 4, 30)),
    ("Swaziland", "country:SWZ", date(2018, 4, 18)),
    ("Macedonia", "country:MKD", date(2019, 2, 11)),
]


@pytest.mark.parametrize(("name", "pid", "last"), FORMER)
def test_former_name_on_either_side_of_its_change(name, pid, last):
    text = f"Officials in {name} said exports rose."
    before, after = resolve(text, last, name), resolve(text, last + DAY, name)
    assert before.place_id == after.place_id == pid
    assert before.name == name  # the country's name on that day
    assert after.name != name  # the next name (Rhodesia -> Zimbabwe Rhodesia -> Zimbabwe)
    today = get_gazetteer().place(pid)["name"]
    assert resolve(text, None, name).name == today != name  # no date: today's name


def test_the_former_zaire_resolves_in_a_recent_article_to_the_country():
    m = resolve("Refugees fled the former Zaire.", date(2022, 3, 1), "Zaire")
    assert m.place_id == "country:COD"
    kinshasa = shapely.Point(15.31, -4.32)
    geom = get_gazetteer().geometry(m.place_id)
    assert geom.contains(kinshasa)
    # Not Angola's Zaire province (about 1,000 km from the country's centre).
    assert geom.representative_point().distance(kinshasa) < 10


# -- alliances of the time -------------------------------------------------------------------------------
def members(alliance: str, on: date) -> set[str]:
    return set(get_gazetteer().members(alliance, on))


@pytest.mark.parametrize(
    ("alliance", "member", "first", "last"),
    [
        ("alliance:warsaw_pact", "historic_state:ussr", date(1955, 5, 14), date(1991, 7, 1)),
        ("alliance:warsaw_pact", "ALB", date(1955, 5, 14), date(1968, 9, 13)),
        ("alliance:warsaw_pact", "historic_state:east_germany", date(1956, 1, 28), date(1990, 9, 24)),
        ("alliance:warsaw_pact", "POL", date(1955, 5, 14), date(1991, 7, 1)),
        ("alliance:warsaw_pact", "historic_state:czechoslovakia", date(1955, 5, 14), date(1991, 7, 1)),
        ("alliance:nato", "historic_state:west_germany", date(1955, 5, 6), date(1990, 10, 2)),
        ("alliance:nato", "ESP", date(1982, 5, 30), None),
        ("alliance:nato", "DEU", date(1990, 10, 3), None),
        ("alliance:eu", "historic_state:west_germany", date(1958, 1, 1), date(1990, 10, 2)),
        ("alliance:eu", "DEU", date(1990, 10, 3), None),
    ],
)
def test_membership_on_either_side_of_its_dates(alliance, member, first, last):
    assert member not in members(alliance, first - DAY)
    assert member in members(alliance, first)
    if last is not None:
        assert member in members(alliance, last)
        assert member not in members(alliance, last + DAY)


def test_warsaw_pact_and_nato_in_1987():
    on = date(1987, 3, 1)
    assert members("alliance:warsaw_pact", on) == {
        "BGR",
        "HUN",
        "POL",
        "ROU",
        "historic_state:czechoslovakia",
        "historic_state:east_germany",
        "historic_state:ussr",
    }
    nato = members("alliance:nato", on)
    assert "historic_state:west_germany" in nato and "DEU" not in nato and len(nato) == 16
    geom = get_gazetteer().alliance_geometry("alliance:nato", on)
    assert geom.contains(shapely.Point(7.10, 50.73))  # Bonn
    assert not geom.contains(shapely.Point(13.413, 52.522))  # East Berlin


def test_defunct_alliance_in_a_recent_article_is_drawn_with_its_last_members():
    on = date(2022, 3, 1)
    frame = places_frame(geoparse("The Warsaw Pact was dissolved.", on=on), on=on).set_index("place_id")
    row = frame.loc["alliance:warsaw_pact"]
    assert "historic_state:ussr" in row["members"] and "ALB" not in row["members"]
    assert not row.geometry.is_empty


def test_european_communities_before_the_eu():
    text = "The EEC and the European Community met."
    ms = geoparse(text, on=date(1987, 3, 1))
    assert {m.place_id for m in ms} == {"alliance:eu"}
    assert {m.name for m in ms} == {"European Communities"}
    assert {m.name for m in geoparse(text, on=date(1993, 11, 1))} == {"European Union"}


# -- the date in the outputs -----------------------------------------------------------------------------
def test_map_tooltip_shows_a_historic_states_years():
    from dashboard.mapview import layer_geojson

    on = date(1987, 3, 1)
    text = "The Soviet Union and East Germany."
    frame = places_frame(geoparse(text, on=on), on=on, display=True)
    layer = layer_geojson(frame[frame["kind"] == "historic_state"], text)
    tips = {f["properties"]["name"]: f["properties"]["tooltip"] for f in layer["features"]}
    assert "1922–1991" in tips["Soviet Union"] and "1949–1990" in tips["East Germany"]


def test_cli_resolves_each_article_on_its_header_date(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("date 1987-02-26 Trade\nWest Germany and Burma traded with Yugoslavia.\n", "utf-8")
    new.write_text("date 1995-06-01 Sanctions\nYugoslavia and Burma.\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", str(old), str(new)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    feats = json.loads(r.stdout)["features"]
    got = {(f["properties"]["source"][-7:], f["properties"]["place_id"]): f["properties"] for f in feats}
    wg = got[("old.txt", "historic_state:west_germany")]
    assert wg["kind"] == "historic_state" and wg["years"] == "1949–1990" and wg["date"] == "1987-02-26"
    assert got[("old.txt", "country:MMR")]["name"] == "Burma"
    assert got[("new.txt", "country:MMR")]["name"] == "Myanmar"
    assert ("old.txt", "historic_state:yugoslavia") in got
    assert got[("new.txt", "historic_state:fr_yugoslavia")]["name"] == "Federal Republic of Yugoslavia"


@pytest.mark.parametrize(
    ("on", "pid"),
    [
        (date(1990, 10, 2), "historic_state:west_germany"),
        (date(1990, 10, 3), "country:DEU"),
        (date(1939, 9, 1), "country:DEU"),  # no Federal Republic yet: the usual reading
        (None, "country:DEU"),
    ],
)
def test_germany_and_german_before_reunification_are_west_germany(on, pid):
    ms = geoparse("Exports to France, Germany and Italy rose, German bankers said.", on=on)
    got = {m.text: m.place_id for m in ms}
    assert got["Germany"] == got["German"] == pid
    assert got["France"] == "country:FRA"


def test_html_page_metadata_dates_the_article_even_before_1995():
    from dashboard.report import read_upload

    body = b"<body><article><p>Exports from West Germany to Burma rose sharply, officials said in Bonn.</p>"
    meta = b"<meta property='article:published_time' content='1987-03-02T10:00:00Z'>"
    page = b"<html><head>" + meta + b"</head>" + body
    a = read_upload("page.html", page + b"</article></body></html>")
    assert a.date == date(1987, 3, 2)  # htmldate's default floor (1995) would have dropped it
    got = {m.text: (m.place_id, m.name) for m in geoparse(a.text, on=a.date)}
    assert got["West Germany"][0] == "historic_state:west_germany"
    assert got["Burma"] == ("country:MMR", "Burma")
    ld = b'<html><head><script type=\'application/ld+json\'>{"@type": "NewsArticle", "datePublished": '
    ld += b'"1995-06-01"}</script></head>' + body + b"</article></body></html>"
    assert read_upload("b.html", ld).date == date(1995, 6, 1)
    vague = b"<html><head><meta name='date' content='soon'></head>" + body + b"</article></body></html>"
    assert read_upload("d.html", vague).date is None


def test_claims_check_historic_states_and_carry_the_date(tmp_path):
    from dashboard.claims import check_claims

    on = date(1987, 3, 1)
    (c,) = check_claims("East Germany borders Czechoslovakia.", on=on)
    assert (c.kind, c.subject, c.object, c.verdict) == (
        "adjacency",
        "historic_state:east_germany",
        "historic_state:czechoslovakia",
        "consistent",
    )
    art = tmp_path / "a.txt"
    art.write_text("date 1987-03-01 T\nThe Soviet Union borders Poland.\n", "utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "claims", str(art)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    (claim,) = json.loads(r.stdout)
    assert claim["date"] == "1987-03-01" and claim["subject"] == "historic_state:ussr"


def test_geojson_export_carries_the_date_and_years():
    from dashboard.export import places_geojson

    on = date(1987, 3, 1)
    frame = places_frame(geoparse("West Germany and Paris.", on=on), on=on, display=True)
    props = {
        f["properties"]["place_id"]: f["properties"] for f in json.loads(places_geojson(frame))["features"]
    }
    assert props["historic_state:west_germany"]["years"] == "1949–1990"
    assert {p["date"] for p in props.values()} == {"1987-03-01"}


def test_cli_csv_has_the_date_and_combined_articles_keep_every_date(tmp_path):
    import csv
    import io

    from dashboard.report import combine

    art = tmp_path / "a.txt"
    art.write_text("date 1987-03-01 T\nFlights from Paris to West Germany.\n", "utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", str(art), "--format", "csv"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8"))))
    assert {row["date"] for row in rows} == {"1987-03-01"}
    parts = []
    texts = ((date(1987, 3, 1), "Flights from Paris to West Germany."), (date(2022, 1, 28), "Back in Paris."))
    for on, text in texts:
        ms = geoparse(text, on=on)
        parts.append((text, ms, places_frame(ms, on=on)))
    _text, _ms, places = combine(parts)
    paris = places.set_index("place_id").loc["city:2988507"]
    assert paris["count"] == 2 and paris["date"] == "1987-03-01; 2022-01-28"


def test_the_date_may_be_a_datetime_timestamp_or_iso_string():
    import datetime as dt

    import pandas as pd

    text = "West Germany and Yugoslavia."
    want = {"historic_state:west_germany", "historic_state:fr_yugoslavia"}
    days = (dt.datetime(1995, 6, 1, 15, 14), pd.Timestamp("1995-06-01 15:14"), "1995-06-01", date(1995, 6, 1))
    for on in days:
        ms = geoparse(text, on=on)
        assert {m.place_id for m in ms} == want, on
        frame = places_frame(ms, on=on)
        assert set(frame["date"]) == {"1995-06-01"}
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        geoparse(text, on="June 1995")
