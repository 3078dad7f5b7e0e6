"""The Streamlit script under AppTest: the metric row for the sample, filters, input handling, escaping."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from html.parser import HTMLParser
from typing import NamedTuple

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import report, settings
from dashboard.article import read_article
from dashboard.errors import InputError

SEED = sorted(p for p in settings.SEEDS_DIR.iterdir() if p.suffix == ".txt")[0]
TIMEOUT = 120
#: The article map's component (map_frame.py), as Streamlit names it.
MAP_COMPONENT = "map_frame.leaflet"


@cache
def sample() -> tuple:
    """The sample article through the real geoparser: what the panels should show."""
    from dashboard.geoparse import geoparse, places_frame

    article = read_article(SEED.read_bytes(), SEED.name)
    mentions = geoparse(article.text, on=article.date)
    return article, mentions, places_frame(mentions, on=article.date, display=True)


def run_app() -> AppTest:
    """The whole page of a new session: its first run (header, metrics, map) and the run the browser asks
    for once the map is drawn (everything else)."""
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_element(at: AppTest):
    (el,) = [e for e in at.get("component_instance") if e.proto.component_name == MAP_COMPONENT]
    return el


def test_a_new_page_sends_the_map_first_and_the_rest_once_it_is_drawn() -> None:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    # The first run: header, metrics and the map; no widget, claim tile or download yet.
    assert at.title[0].value == "News geo dashboard"
    assert set(figures(at)) >= {"Mentions", "Places", "Countries", "Top place"}
    first = map_element(at).proto
    assert "setComponentValue({drawn: true})" in json.loads(first.json_args)["script"]
    assert len(at.sidebar) == 1 and "Loading" in at.sidebar[0].value
    assert not at.multiselect and not at.text_area and not at.get("download_button")
    assert not at.metric  # claim tiles (the article's figures are one HTML block)
    at.run()  # what the map's "drawn" asks for
    assert not at.exception
    assert at.multiselect(key="kinds").value and at.text_area(key="pasted") is not None
    assert at.get("download_button") and [m for m in at.metric if m.proto.show_border]
    # The same map, with the same arguments: the browser keeps the frame it has drawn.
    again = map_element(at).proto
    assert (again.json_args, again.id) == (first.json_args, first.id)
    at.run()  # and every later run is the whole page
    assert at.multiselect(key="kinds").value and map_element(at).proto.json_args == first.json_args


def test_a_corpus_link_opens_the_corpus_view_at_once() -> None:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["view"] = "Corpus"
    at.run()
    assert not at.exception
    assert at.sidebar and at.get("button_group")  # the view switch, drawn on the first run


def open_tables(at: AppTest) -> None:
    """Open the places and mentions tables and the article text, as a reader does: closed (a new page),
    the expander sends none of them."""
    if not at.session_state["tables"]:
        at.session_state["tables"] = True
        at.run()


def table(at: AppTest, column: str):
    """The first table that has ``column`` (places: "types", mentions: "context"), the tables opened."""
    open_tables(at)
    return next(df.value for df in at.dataframe if column in df.value.columns)


class Shown(NamedTuple):
    """One figure of the metric row as the page shows it: label, value, the note under it, the tooltip."""

    label: str
    value: str
    note: str
    help: str


class _MetricRow(HTMLParser):
    """Reads the metric row's HTML block (streamlit_app.metric_row_html) as the browser shows it: the text of
    each cell's label, value and note (entities decoded), and its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.part = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if cls == "metric":
            self.cells.append({"label": "", "value": "", "note": "", "help": dict(attrs).get("title") or ""})
        self.part = cls.removeprefix("metric-") if cls.startswith("metric-") else ""

    def handle_data(self, data: str) -> None:
        if self.cells and self.part in ("label", "value", "note"):
            self.cells[-1][self.part] += data


def figures(at: AppTest) -> dict[str, Shown]:
    """The article view's metric row by label (one ``st.html`` block, streamlit_app.show_metrics)."""
    (row,) = [h.proto.body for h in at.get("html") if 'class="metric-row"' in h.proto.body]
    reader = _MetricRow()
    reader.feed(row)
    return {c["label"]: Shown(**c) for c in reader.cells}


def metrics(at: AppTest) -> dict[str, str]:
    return {label: f.value for label, f in figures(at).items()}


def map_script(at: AppTest) -> str:
    """The map element's generated JavaScript (map + feature groups + layer control)."""
    args = json.loads(map_element(at).proto.json_args)
    return args["script"] + (args.get("feature_group") or "") + (args.get("layer_control") or "")


@pytest.fixture(scope="module")
def app() -> AppTest:
    return run_app()


def test_sample_opens_with_metrics_matching_the_geoparser(app: AppTest) -> None:
    article, mentions, places = sample()
    shown = metrics(app)
    summary = report.summarize(mentions, places)
    assert shown["Mentions"] == str(len(mentions))
    assert shown["Places"] == str(len(places))
    assert shown["Countries"] == str((places["kind"] == "country").sum())
    assert shown["Top place"] == summary.top_place
    assert figures(app)["Top place"].note == f"{summary.top_count} mentions"
    # The area of the countries named, not of the seas and continents between them.
    assert shown["Countries' area"] == report.format_area(summary.countries_km2)
    assert 17e6 < summary.countries_km2 < 40e6  # Russia (17.1 M) + USA (9.5 M) + Ukraine + Europe's
    assert "Area covered (km²)" not in shown
    # The picker names the sample by its title and date, not by its file name (a hash).
    (label,) = app.selectbox(key="article").options
    assert article.title in label and "2022-01-28" in label and SEED.stem not in label


def test_sample_map_has_labelled_overlays_and_attribution(app: AppTest) -> None:
    script = map_script(app)
    for label in ("Countries (", "Regions (", "Seas (", "Infrastructure (", "Alliances ("):
        assert label in script
    assert '"collapsed": false' in script
    captions = " ".join(c.value for c in app.caption)
    assert settings.GEONAMES_ATTRIBUTION in captions
    assert "2022-01-28" in captions  # the date the alliance layer uses


def test_tables_and_layer_downloads_are_built_only_when_opened() -> None:
    # A new page draws its map sooner without two data grids and a dozen buttons below the fold.
    at = run_app()
    labels = [e.label for e in at.expander]
    assert "Places and mentions tables, article text" in labels and "One GeoJSON per layer" in labels
    assert len(at.dataframe) == 0 and len(at.table) == 0  # nor the claims table
    assert any(label.startswith("Claims table:") for label in labels)
    closed = {b.proto.label for b in at.get("download_button")}
    assert closed == {
        "Download all mapped places (GeoJSON)",
        "Download mentions (CSV)",
        "Download claims (JSON)",
    }
    open_tables(at)
    assert {"types", "context"} <= {c for df in at.dataframe for c in df.value.columns}
    assert any("<mark" in h.proto.body for h in at.get("html"))  # the highlighted article text
    at.session_state["layer_downloads_open"] = True
    at.run()
    per_layer = {b.proto.label for b in at.get("download_button")} - closed
    assert "Countries (GeoJSON)" in per_layer, per_layer


def test_filters_restrict_map_and_tables() -> None:
    at = run_app()
    at.multiselect(key="kinds").set_value(["country", "city"]).run()
    assert not at.exception
    places = table(at, "types")
    assert set(places["kind"]) <= {"country", "city"} and len(places)
    script = map_script(at)
    assert "Countries (" in script and "Seas (" not in script
    at.multiselect(key="types").set_value(["demonym"]).run()
    mentions = table(at, "context")
    assert set(mentions["type"]) <= {"demonym"}


def test_pasted_hostile_text_is_escaped_everywhere() -> None:
    at = run_app()
    at.text_area(key="pasted").input(
        "Crimea <script>window.x=1</script> and Kyiv {{ 7*7 }} <img src=x onerror=alert(1)>"
    )
    at.run()
    assert not at.exception
    script = map_script(at)
    assert "<script>window.x" not in script and "<img src=x" not in script and "{{ 7*7 }}" not in script
    open_tables(at)  # the highlighted article text
    htmls = [h.proto.body for h in at.get("html")]
    assert any("&lt;script&gt;window.x=1&lt;/script&gt;" in h for h in htmls)
    assert not any("<script>" in h or "<img" in h for h in htmls)


def test_combining_no_article_gives_a_warning_not_an_error() -> None:
    at = run_app()
    at.toggle(key="combine").set_value(True).run()
    at.multiselect(key="combined").set_value([]).run()
    assert not at.exception
    assert any("No article" in w.value for w in at.warning)


@cache
def sample_claims() -> list[dict]:
    """The sample's claims through the real claims checker: what the panel should show."""
    from dashboard.claims import check_claims

    article, mentions, _ = sample()
    return [c.to_dict() for c in check_claims(article.text, on=article.date, mentions=mentions)]


def claim(kind: str) -> dict:
    return next(c for c in sample_claims() if c["kind"] == kind)


def test_claims_panel_has_a_tile_per_sample_claim_above_the_map(app: AppTest) -> None:
    # Labels are Markdown-escaped ("Russia\\-NATO"); compare them as they read on the page.
    tiles = {m.label.replace("\\", ""): m for m in app.metric}
    pipeline = claim("length")
    (ns2,) = [t for label, t in tiles.items() if label.startswith("Nord Stream 2 length")]
    assert "stated 1,225 km" in ns2.label.replace("\\", "") and ns2.value == f"{pipeline['computed']:,.0f} km"
    assert ns2.proto.delta.startswith(pipeline["verdict"])
    share = claim("border_share")
    (tile,) = [t for label, t in tiles.items() if label.startswith("Russia-NATO border share")]
    assert "stated 6 %" in tile.label.replace("\\", "") and tile.value == f"{share['computed']:.1f} %"
    assert "on 2022-01-28" in tile.proto.delta and "today" in tile.proto.delta  # share with today's NATO
    (adj,) = [t for label, t in tiles.items() if label.startswith("Belarus borders Ukraine")]
    assert adj.value == f"yes, {claim('adjacency')['computed']:,.0f} km"
    app.session_state["claims_table"] = True  # open it: closed, it is not sent
    app.run()
    # A static table: long sentences and methods wrap instead of scrolling sideways.
    table = next(t.value for t in app.table if "verdict" in t.value.columns)
    assert list(table.columns[:7]) == [
        "kind",
        "subject",
        "object",
        "stated",
        "computed",
        "verdict",
        "confidence",
    ]
    assert table.columns[-1] == "sentence" and len(table) == len(sample_claims())
    assert "1,225 km" in set(table["stated"])


def test_claims_go_into_the_places_geojson(tmp_path) -> None:
    import geopandas as gpd

    from dashboard import export

    article, _, places = sample()
    path = tmp_path / "places.geojson"
    path.write_text(export.places_geojson(report.export_frame(places, article.text, sample_claims())))
    back = gpd.read_file(path).set_index("place_id")
    ns2 = back.loc["pipeline:nord_stream_2", "claims"]
    ns2 = json.loads(ns2) if isinstance(ns2, str) else ns2
    assert [c["kind"] for c in ns2] == ["length"] and ns2[0]["stated"] == 1225
    belarus = back.loc["country:BLR", "claims"]
    assert "adjacency" in str(belarus)
    unrelated = back.loc["country:FRA", "claims"]
    assert unrelated in ([], "[]", None)


def test_claim_text_is_escaped_in_tiles() -> None:
    hostile = dict(claim("length"), subject_name="*Nord* :red[Stream] <img src=x>", text="<script>x</script>")
    tile = report.claim_tile(hostile)
    label, help_ = report.escape_markdown(tile.label), report.escape_markdown(tile.help)
    assert "\\<img" in label and "\\*Nord\\*" in label and "\\:red\\[" in label
    assert "\\<script\\>" in help_


def test_pasted_article_without_date_says_today_is_used() -> None:
    at = run_app()
    at.text_area(key="pasted").input("Finland joined Nato. Helsinki watches Russia.").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "today's date" in captions and date.today().isoformat() in captions
    assert metrics(at)["Mentions"] != "0"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"   \n", "empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Kiew und Krim, Grüße".encode("latin-1"), "UTF-8"),
        ("huge.txt", b"a" * (settings.MAX_ARTICLE_BYTES + 1), "larger"),
        ("blank.html", b"<html><script>alert(1)</script></html>", "no visible text"),
    ],
)
def test_bad_uploads_get_a_message_naming_the_file(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        report.read_upload(name, data)
    assert name in str(info.value)


def test_html_upload_is_stripped_to_text() -> None:
    page = (
        b"<html><head><style>p{}</style></head>"
        b"<body><h1>Crimea</h1><script>alert(1)</script><p>Kyiv.</p></body>"
    )
    article = report.read_upload("page.html", page)
    assert article.text == "Crimea\nKyiv."


def test_several_articles_combine_with_offsets_into_the_joined_text() -> None:
    from dashboard.geoparse import geoparse, places_frame

    a, b = "Kyiv is in Ukraine.", "Crimea and Ukraine again."
    parts = [(t, geoparse(t), places_frame(geoparse(t))) for t in (a, b)]
    text, mentions, places = report.combine(parts)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    ukraine = places[places["place_id"] == "country:UKR"]
    assert int(ukraine["count"].iloc[0]) == 2


def test_offline_mode_serves_leaflet_locally_and_online_mode_uses_tiles() -> None:
    at = run_app()
    args = json.loads(map_element(at).proto.json_args)
    assert args["js_links"] == ["/app/static/vendor/leaflet/leaflet.js"]
    assert (settings.PROJECT_ROOT / "static/vendor/leaflet/leaflet.js").is_file()
    assert "tileLayer" not in args["script"]
    at.toggle(key="offline").set_value(False).run()
    at.radio(key="basemap").set_value("light").run()
    assert not at.exception
    args = json.loads(map_element(at).proto.json_args)
    assert all(u.startswith("https://") for u in args["js_links"])
    assert "basemaps.cartocdn.com" in args["script"]


def test_the_land_backdrop_is_a_static_file_the_map_fetches_not_part_of_every_map_sent() -> None:
    """The offline basemap's land (the same for every article) leaves the websocket: the map's script
    names a file under /app/static/ that holds the land's GeoJSON."""
    at = run_app()
    el = map_element(at)
    args = json.loads(el.proto.json_args)
    (url,) = re.findall(r'fetch\("(/app/static/generated/land-[0-9a-f]+\.json)"\)', args["script"])
    land = json.loads((settings.PROJECT_ROOT / "static" / url.removeprefix("/app/static/")).read_text())
    assert land["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert len(json.dumps(land)) > 100_000  # the bulk that no longer travels with each map
    assert len(el.proto.json_args) < 300_000


def test_a_filter_change_rebuilds_only_the_layers_it_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import mapview

    built: list[str] = []
    real = mapview.layer_geojson

    def spy(places, text, highlight=()):  # the real function, counted
        built.extend(places["kind"].unique())
        return real(places, text, highlight)

    monkeypatch.setattr(mapview, "layer_geojson", spy)
    at = run_app()
    built.clear()
    at.multiselect(key="kinds").set_value([k for k in at.multiselect(key="kinds").value if k != "sea"]).run()
    assert not at.exception
    assert built == []  # every remaining layer came from the cache
    at.multiselect(key="types").set_value(["literal"]).run()
    # Exactly the kinds with a non-literal mention change (and must be rebuilt), except the sea layer,
    # which is filtered out, and kinds left with no literal mention at all (their layer disappears).
    _, _, places = sample()
    literal = report.filter_places(places, set(places["kind"]) - {"sea"}, ["literal"])
    changed = {
        kind
        for kind in set(literal["kind"])
        if sorted(literal.loc[literal["kind"] == kind, "count"])
        != sorted(places.loc[places["kind"] == kind, "count"])
    }
    assert changed and set(built) == changed


# --- one article at a time, language, doubt, corrections ------------------------------------------------

FINLAND = "date 2023-05-02 Finland joins\nFinland joined Nato. Helsinki watches the Gulf of Finland."
GERMAN = (
    "Die Lage in der Ukraine bleibt angespannt, sagte der Minister am Montag in Berlin. Die Bundesregierung "
    "will weitere Waffen liefern, wie ein Sprecher nach der Sitzung des Kabinetts erklärte. "
    "Die Lage sei ernst."
)


def parsed(text: str) -> tuple:
    from dashboard.geoparse import geoparse, places_frame

    article = read_article(text, "test")
    mentions = geoparse(article.text, on=article.date)
    return article, mentions, places_frame(mentions, on=article.date, display=True)


def test_a_paste_replaces_the_sample_and_joins_the_picker() -> None:
    at = run_app()
    _, mentions, places = parsed(FINLAND)
    at.text_area(key="pasted").input(FINLAND).run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Mentions"] == str(len(mentions)) and shown["Places"] == str(len(places))
    assert shown["Top place"] == "Finland"
    # The sample's claim tiles and places are gone; the picker holds both articles, the paste selected.
    assert not any(m.label.startswith("Nord Stream 2") for m in at.metric)
    assert "Russia" not in set(table(at, "types")["name"])
    picker = at.selectbox(key="article")
    assert len(picker.options) == 2 and "Finland joins · 2023-05-02" in picker.options[1]
    assert picker.value == at.session_state["article"] and picker.index == 1
    # Picking the sample again shows the sample alone.
    picker.select_index(0).run()
    assert metrics(at)["Mentions"] == str(len(sample()[1]))


def test_pasting_the_same_text_again_does_not_add_it_twice() -> None:
    at = run_app()
    at.text_area(key="pasted").input(FINLAND).run()
    at.selectbox(key="article").select_index(0).run()
    at.text_area(key="pasted").input(FINLAND + " ").run()
    at.text_area(key="pasted").input(FINLAND).run()
    assert not at.exception
    assert len(at.selectbox(key="article").options) == 3  # sample, FINLAND, FINLAND + " "


def test_a_text_with_no_places_says_so() -> None:
    at = run_app()
    at.text_area(key="pasted").input("The weather was nice and everyone had lunch together at noon.").run()
    assert not at.exception
    assert any("No places found in this text" in i.value for i in at.info)
    assert metrics(at)["Mentions"] == "0"


def test_a_german_text_gets_a_language_notice_and_no_false_places() -> None:
    at = run_app()
    at.text_area(key="pasted").input(GERMAN).run()
    assert not at.exception
    (notice,) = [w.value for w in at.warning if "looks like" in w.value]
    assert "German" in notice and "only English is supported" in notice
    assert metrics(at)["Mentions"] == "0" and len(table(at, "types")) == 0
    # The reader may parse it anyway: then places are shown, with the warning kept.
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("anyway_"))).check().run()
    assert int(metrics(at)["Mentions"]) > 0 and "Ukraine" in set(table(at, "types")["name"])
    assert any("expect false matches" in w.value for w in at.warning)


def test_combined_articles_carry_an_article_column_and_add_up() -> None:
    at = run_app()
    at.text_area(key="pasted").input(FINLAND).run()
    at.toggle(key="combine").set_value(True).run()
    assert at.multiselect(key="combined").value == [at.session_state["article"]]
    at.multiselect(key="combined").set_value(at.selectbox(key="article").options).run()
    assert not at.exception
    a, ms_a, _ = sample()
    b, ms_b, _ = parsed(FINLAND)
    assert metrics(at)["Mentions"] == str(len(ms_a) + len(ms_b))
    places, mentions = table(at, "types"), table(at, "context")
    labels = {report.article_label(a), report.article_label(b)}
    assert places.columns[0] == "article" and set(places["article"]) == labels
    assert mentions.columns[0] == "article" and set(mentions["article"]) == labels
    # Offsets and contexts are each article's own: no sentence runs from one article into the next.
    texts = {report.article_label(a): a.text, report.article_label(b): b.text}
    for row in mentions.itertuples():
        text = texts[row.article]
        assert text[row.start : row.end] == row.text and row.context in text
    assert any(c.value.startswith("Combined:") for c in at.caption)


def test_metrics_follow_the_filters() -> None:
    at = run_app()
    at.multiselect(key="kinds").set_value(["city"]).run()
    mentions = sample()[1]
    cities = [m for m in mentions if m.kind == "city"]
    assert metrics(at)["Mentions"] == str(len(cities))
    assert metrics(at)["Countries"] == "0"
    assert "filters" in figures(at)["Mentions"].help


def test_confidence_is_shown_and_weak_matches_flagged() -> None:
    at = run_app()
    at.text_area(key="pasted").input("Officials in Paris said the talks in Dublin went well.").run()
    places, mentions = table(at, "types"), table(at, "context")
    assert {"confidence", "weak"} <= set(places.columns) and {"confidence", "weak"} <= set(mentions.columns)
    assert (places["weak"] == (places["confidence"] < report.WEAK_CONFIDENCE)).all()
    assert places["weak"].any()  # an Irish or a US Dublin: nothing in the text says which


def test_the_why_of_a_place_is_shown_escaped_in_its_popup_and_the_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the geoparser explains its choices (a ``why`` per place), the reader sees them; a hostile one is
    text, never markup."""
    from dashboard import geoparse

    why = "the country, not the US state: Tbilisi is named <script>window.y=1</script>"
    real = geoparse.places_frame

    def explained(*args, **kwargs):
        frame = real(*args, **kwargs)
        frame["why"] = [why if pid == "country:GEO" else "" for pid in frame["place_id"]]
        return frame

    monkeypatch.setattr(geoparse, "places_frame", explained)
    at = run_app()
    at.text_area(key="pasted").input("Georgia and Russia met in Tbilisi (why test).").run()
    assert not at.exception
    places, mentions = table(at, "types"), table(at, "context")
    assert dict(zip(places["name"], places["why"], strict=True))["Georgia"] == why
    assert set(mentions.loc[mentions["place"] == "Georgia", "why"]) == {why}
    assert set(mentions.loc[mentions["place"] == "Russia", "why"]) == {""}
    script = map_script(at)
    assert "<script>window.y" not in script
    # Popups reach the page as JSON strings (with < > & ' as \u escapes): decode them to read them.
    popups = [json.loads(p) for p in re.findall(r'"popup":\s*("(?:[^"\\]|\\.)*")', script)]
    (georgia,) = [p for p in popups if "<b>Georgia</b>" in p]
    assert f"<div class='ngd-why'>Why: {report.escape_text(why)}</div>" in georgia
    assert "&lt;script&gt;window.y=1&lt;/script&gt;" in georgia
    assert not any("ngd-why" in p for p in popups if p is not georgia)


def correct(at: AppTest, place_id: str, choice: str) -> None:
    if not at.toggle(key="fixing").value:
        at.toggle(key="fixing").set_value(True).run()
    (place,) = [s for s in at.selectbox if s.label == "Place"]
    place.set_value(place_id).run()
    (should,) = [s for s in at.selectbox if s.label == "Should be"]
    should.set_value(choice).run()
    (apply,) = [b for b in at.button if b.label.startswith("Apply")]
    apply.click().run()
    assert not at.exception


def test_a_reader_can_pick_another_candidate_or_remove_a_place() -> None:
    at = run_app()
    at.text_area(key="pasted").input("Officials in Paris said the talks in Dublin went well.").run()
    places = table(at, "types")
    paris = places.loc[places["name"] == "Paris", "place_id"].iloc[0]
    other = report.candidates(paris, ["Paris"], _lookup)[0]
    correct(at, paris, other)
    places = table(at, "types")
    assert other in set(places["place_id"]) and paris not in set(places["place_id"])
    assert places.loc[places["place_id"] == other, "confidence"].iloc[0] == 1.0
    assert other in map_script(at) and paris not in map_script(at)
    assert set(table(at, "context")["place_id"]) >= {other}
    dublin = places.loc[places["name"] == "Dublin", "place_id"].iloc[0]
    correct(at, dublin, "remove")
    assert set(table(at, "types")["place_id"]) == {other}
    assert metrics(at)["Places"] == "1"
    # Corrections belong to that article: the sample is untouched, and coming back keeps them.
    at.selectbox(key="article").select_index(0).run()
    assert metrics(at)["Mentions"] == str(len(sample()[1]))
    at.selectbox(key="article").select_index(1).run()
    assert set(table(at, "types")["place_id"]) == {other}
    (undo,) = [b for b in at.button if b.label.startswith("Undo")]
    undo.click().run()
    assert paris in set(table(at, "types")["place_id"])


def test_the_geoparsers_own_why_is_shown_and_a_corrected_place_drops_it() -> None:
    at = run_app()
    at.text_area(key="pasted").input("Georgia said Tbilisi would answer the note.").run()
    assert not at.exception
    whys = dict(zip(table(at, "types")["place_id"], table(at, "types")["why"], strict=True))
    assert whys["country:GEO"] == "the country, not the US state: Tbilisi is named in the article"
    assert "Why: the country, not the US state" in map_script(at)
    correct(at, "country:GEO", "province:US-GA")
    whys = dict(zip(table(at, "types")["place_id"], table(at, "types")["why"], strict=True))
    assert whys["province:US-GA"] == ""  # the reader decided: no geoparser reason is claimed for it


def _lookup(name: str) -> tuple[str, ...]:
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer().lookup(name)


def test_a_hostile_title_is_escaped_in_the_header_and_the_combined_text() -> None:
    at = run_app()
    hostile = "date 2022-02-01 <img src=x onerror=alert(1)> **bold** :red[red]\nKyiv is in Ukraine."
    at.text_area(key="pasted").input(hostile).run()
    assert not at.exception
    header = next(c.value for c in at.caption if c.value.startswith("Shown:"))
    assert "\\<img" in header and "\\*\\*bold\\*\\*" in header and "\\:red\\[red\\]" in header
    at.toggle(key="combine").set_value(True).run()
    at.multiselect(key="combined").set_value(at.selectbox(key="article").options).run()
    open_tables(at)  # the article texts, each under its title
    htmls = " ".join(h.proto.body for h in at.get("html"))
    assert "<h4>&lt;img src=x onerror=alert(1)&gt; **bold** :red[red] (2022-02-01)</h4>" in htmls
    assert "<img src=x" not in htmls
