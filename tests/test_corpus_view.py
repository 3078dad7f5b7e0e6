"""The corpus view's map data and its Streamlit page (AppTest) on a small real store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from streamlit.testing.v1 import AppTest

import corpus_view as cv
from dashboard import mapview
from dashboard.corpus import schema
from dashboard.corpus.query import CorpusStore
from tests.corpus_store import write_sample_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def base(store_dir: Path) -> dict:
    return cv.place_features(str(store_dir), 0.0)


def test_range_layers_follow_the_counts(store_dir: Path, base: dict) -> None:
    store = CorpusStore(store_dir)
    counts = store.change(date(2022, 1, 3), date(2022, 1, 5))
    total = store.metrics(date(2022, 1, 3), date(2022, 1, 5)).articles
    layers = cv.range_layers(base, counts, total, selected="country:RUS")
    drawn = {f["properties"]["place_id"]: f for layer in layers.values() for f in layer["features"]}
    shown = counts[counts["articles"] > 0]
    assert set(drawn) == set(shown["place_id"])
    assert list(layers) == mapview.layer_kinds(layers)
    for row in shown.itertuples():
        props = drawn[row.place_id]["properties"]
        assert props["count"] == row.articles and props["mentions"] == row.mentions
        assert f"{row.articles:,} article" in props["tooltip"]
    rus = drawn["country:RUS"]["properties"]
    assert rus["style"]["color"] == mapview.HIGHLIGHT_COLOR
    # Russia is in 3 of 4 articles: the darkest share class; Estonia in 1 of 4 too (25 %).
    assert rus["style"]["fillColor"] == cv.SHARE_CLASSES[-1][1]
    # The base features are shared between reruns and never modified.
    assert base["country:RUS"]["properties"]["style"]["color"] != mapview.HIGHLIGHT_COLOR


def test_change_shading_and_the_cap_per_layer(store_dir: Path, base: dict) -> None:
    store = CorpusStore(store_dir)
    counts = store.change(date(2022, 1, 10), date(2022, 1, 16))
    layers = cv.range_layers(base, counts, 3, shade="change")
    fills = {
        f["properties"]["place_id"]: f["properties"]["style"]["fillColor"]
        for f in layers["country"]["features"]
    }
    row = counts.set_index("place_id")
    # Russia: 1 article now, 3 the week before (-67 %); France: new this week.
    assert row.loc["country:RUS", "change"] < 0 and fills["country:RUS"] == cv.CHANGE_CLASSES[0][1]
    assert row.loc["country:FRA", "previous"] == 0 and fills["country:FRA"] == cv.CHANGE_CLASSES[-1][1]
    capped = cv.range_layers(base, counts, 3, per_kind=2)
    assert all(len(layer["features"]) <= 2 for layer in capped.values())
    kept = [f["properties"]["place_id"] for f in capped["country"]["features"]]
    assert kept == list(counts.loc[(counts["kind"] == "country") & (counts["articles"] > 0), "place_id"][:2])


def test_names_are_escaped_in_tooltips_and_popups(base: dict) -> None:
    counts = pd.DataFrame(
        [
            {
                "place_id": "city:756135",
                "name": "<img src=x onerror=alert(1)> {{ 7*7 }}",
                "kind": "city",
                "country": "POL",
                "articles": 2,
                "mentions": 3,
                "previous": 0,
                "change": 2,
            }
        ]
    )
    (layer,) = cv.range_layers(base, counts, 2).values()
    props = layer["features"][0]["properties"]
    for html in (props["tooltip"], props["popup"]):
        assert "<img" not in html and "{{" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_world_geometry_is_lighter_and_valid(store_dir: Path) -> None:
    places = gpd.read_parquet(store_dir / schema.PLACES_FILE).set_index("place_id")
    for pid in ("country:RUS", "sea:baltic_sea", "country:CAN"):
        geom = places.loc[pid, "geometry"]
        light = cv.world_geometry(geom)
        assert light.is_valid and not light.is_empty
        assert shapely.get_num_coordinates(light) < shapely.get_num_coordinates(geom)
        # Simplified, not moved: every point within a degree (a few pixels at world zoom) of the original,
        # nearly the same area (islets below a few tolerances dropped, islands of a sea filled in).
        assert geom.buffer(1.0).contains(light)
        assert light.symmetric_difference(geom).area < 0.1 * geom.area
    kyiv = places.loc["city:703448", "geometry"]
    assert cv.world_geometry(kyiv).equals(kyiv)


def test_legend_and_place_labels() -> None:
    legend = cv.legend_html(["country", "city"], "share")
    assert "share of the range" in legend and "Cities" in legend and "in a claim" not in legend
    assert "change vs previous period" in cv.legend_html(["country"], "change")
    places = pd.DataFrame(
        {
            "place_id": ["city:1", "city:2", "country:GEO", "province:US-GA"],
            "name": ["Portland", "Portland", "Georgia", "Georgia"],
            "kind": ["city", "city", "country", "province"],
        }
    )
    labels = cv.place_labels(places)
    assert len(set(labels.values())) == 4
    assert labels["country:GEO"] == "Georgia (country)"
    assert labels["city:1"] == "Portland (city) city:1"


def test_downloads_read_back(store_dir: Path, tmp_path: Path) -> None:
    store = CorpusStore(store_dir)
    start, end = date(2022, 1, 10), date(2022, 1, 19)
    counts = store.change(start, end)
    counts = counts[counts["articles"] > 0]
    geo = tmp_path / "p.geojson"
    geo.write_text(cv._geojson(str(store_dir), 0.0, counts))
    g = gpd.read_file(geo)
    assert sorted(g["place_id"]) == sorted(counts["place_id"]) and g.crs.to_epsg() == 4326
    assert json.loads(geo.read_text())["type"] == "FeatureCollection"
    gpkg = tmp_path / "p.gpkg"
    gpkg.write_bytes(cv._gpkg(str(store_dir), 0.0, counts))
    assert sorted(gpd.read_file(gpkg)["place_id"]) == sorted(counts["place_id"])
    csv = tmp_path / "d.csv"
    csv.write_text(cv._daily_csv(store, start, end, cv.Filters()))
    days = pd.read_csv(csv)
    assert len(days) == 10 and days["articles"].sum() == store.metrics(start, end).articles


def _app(store: Path | str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["view"] = "Corpus"
    at.query_params["store"] = str(store)
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_page_renders_and_the_week_buttons_move_the_range(store_dir: Path) -> None:
    at = _app(store_dir)
    at.run()
    assert not at.exception
    assert _metrics(at)["Articles"] == "10"
    assert at.slider(key="range").value == (date(2022, 1, 3), date(2022, 1, 19))
    at.slider(key="range").set_value((date(2022, 1, 3), date(2022, 1, 9))).run()
    assert _metrics(at)["Articles"] == "4"
    at.button(key="corpus_fwd").click().run()
    assert at.slider(key="range").value == (date(2022, 1, 10), date(2022, 1, 16))
    assert _metrics(at)["Articles"] == "3"
    at.button(key="corpus_back").click().run()
    assert at.slider(key="range").value == (date(2022, 1, 3), date(2022, 1, 9))


def test_play_starts_on_the_first_week(store_dir: Path) -> None:
    at = _app(store_dir)
    at.run()
    at.button(key="corpus_play").click().run()
    assert at.slider(key="range").value == (date(2022, 1, 3), date(2022, 1, 9))
    assert any(b.label.endswith("Stop") for b in at.button)
    at.button(key="corpus_stop").click().run()
    assert any(b.key == "corpus_play" for b in at.button)


def test_filters_and_place_selection_in_the_page(store_dir: Path) -> None:
    at = _app(store_dir)
    at.run()
    at.text_input(key="search").set_value("nato").run()
    assert _metrics(at)["Articles"] == "2"
    at.text_input(key="search").set_value("").run()
    at.multiselect(key="countries").set_value(["UKR"]).run()
    assert _metrics(at)["Top place"] == "Ukraine"
    at.selectbox(key="place").set_value("country:UKR").run()
    assert not at.exception
    cards = [h.proto.body for h in at.get("html") if "corpus-article" in h.proto.body]
    assert len(cards) == 7 and all("<mark>Ukraine</mark>" in c for c in cards)


def test_missing_and_broken_stores_get_a_message(tmp_path: Path) -> None:
    at = _app(tmp_path / "nowhere")
    at.run()
    assert not at.exception
    assert any("No corpus store" in i.value for i in at.info)
    broken = tmp_path / "broken"
    for sub in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        (broken / sub).mkdir(parents=True)
        (broken / sub / "part-00000.parquet").write_bytes(b"\x00garbage")
    at = _app(broken)
    at.run()
    assert not at.exception
    assert any(str(broken) in e.value for e in at.error)
    empty = tmp_path / "empty"
    for sub, sch in (
        (schema.ARTICLES_DIR, schema.ARTICLES_SCHEMA),
        (schema.MENTIONS_DIR, schema.MENTIONS_SCHEMA),
    ):
        (empty / sub).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist([], schema=sch), empty / sub / "part-00000.parquet")
    at = _app(empty)
    at.run()
    assert not at.exception
    assert any("holds no articles" in w.value for w in at.warning)


def test_ranges_are_kept_within_the_store() -> None:
    lo, hi = date(2022, 1, 3), date(2022, 1, 19)
    assert cv._clamp_range((date(2022, 1, 1), date(2022, 1, 9)), lo, hi) == (lo, date(2022, 1, 9))
    assert cv._clamp_range((date(2022, 1, 9), date(2022, 1, 5)), lo, hi) == (
        date(2022, 1, 5),
        date(2022, 1, 9),
    )
    # A range from another store (no day in common) becomes the whole store, not one day.
    assert cv._clamp_range((date(1987, 3, 1), date(1987, 4, 1)), lo, hi) == (lo, hi)
    assert cv._clamp_range(None, lo, hi) == (lo, hi)
