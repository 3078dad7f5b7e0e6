"""The folium map: layers per kind, escaping of article text, offline assets, legend and view."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from dashboard import mapview

HOSTILE = (
    'Crimea <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1"> '
    "near {{ 7*7 }} {% if 1 %}x{% endif %} the Baltic Sea."
)


def _places(text: str) -> gpd.GeoDataFrame:
    """A tiny places frame in the geoparser's contract shape, with mentions into ``text``."""

    def mention(word: str, kind: str = "literal") -> dict:
        start = text.index(word)
        return {"start": start, "end": start + len(word), "text": word, "type": kind}

    rows = [
        (
            "region:crimea",
            "Crimea",
            "region",
            "UKR",
            [mention("Crimea")],
            Polygon([(33, 44), (36, 44), (36, 46)]),
        ),
        (
            "sea:baltic_sea",
            "Baltic Sea",
            "sea",
            None,
            [mention("Baltic Sea")],
            Polygon([(15, 54), (25, 54), (20, 60)]),
        ),
        (
            "pipeline:ns2",
            "Nord Stream 2",
            "pipeline",
            None,
            [mention("the")],
            LineString([(28, 59.6), (13.6, 54.1)]),
        ),
        ("city:703448", "Kyiv", "city", "UKR", [mention("near")], Point(30.52, 50.45)),
        (
            "country:UKR",
            "Ukraine",
            "country",
            "UKR",
            [mention("and"), mention("x")],
            Polygon([(22, 45), (40, 45), (31, 52)]),
        ),
    ]
    frame = gpd.GeoDataFrame(
        [r[:5] for r in rows],
        columns=["place_id", "name", "kind", "country", "mentions"],
        geometry=[r[5] for r in rows],
        crs="EPSG:4326",
    )
    frame["count"] = [len(ms) for ms in frame["mentions"]]
    return frame


def _html(m) -> str:
    return m.get_root().render()


def test_one_overlay_per_kind_in_an_expanded_layer_control():
    m = mapview.build_map(_places(HOSTILE), HOSTILE)
    html = _html(m)
    for label in ("Regions (1)", "Seas (1)", "Infrastructure (1)", "Cities (1)", "Countries (1)"):
        assert json.dumps(label) in html or label in html
    assert '"collapsed": false' in html
    assert "Provinces" not in re.findall(r'"([A-Z][a-z]+) \(\d+\)"', html)


def test_article_text_is_escaped_in_popups_and_templates():
    html = _html(mapview.build_map(_places(HOSTILE), HOSTILE))
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "{{ 7*7 }}" not in html and "49" not in re.findall(r"\b49\b", HOSTILE)
    # The hostile text survives as escaped text (entities inside JSON strings).
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    popup = layers["region"]["features"][0]["properties"]["popup"]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in popup
    assert "&#123;&#123; 7*7 &#125;&#125;" in popup
    assert "<mark>Crimea</mark>" in popup


def test_tooltip_names_kind_and_count():
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    tip = layers["country"]["features"][0]["properties"]["tooltip"]
    assert "Ukraine" in tip and "country" in tip and "2 mentions" in tip


def test_countries_are_shaded_by_mention_count():
    assert mapview.country_fill(1) != mapview.country_fill(2) != mapview.country_fill(10)
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    style = layers["country"]["features"][0]["properties"]["style"]
    assert style["fillColor"] == mapview.country_fill(2)


def test_highlighted_places_get_the_highlight_outline():
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE, highlight=["sea:baltic_sea"])
    assert layers["sea"]["features"][0]["properties"]["style"]["color"] == mapview.HIGHLIGHT_COLOR
    assert layers["region"]["features"][0]["properties"]["style"]["color"] != mapview.HIGHLIGHT_COLOR


def test_offline_map_loads_only_local_leaflet_and_no_tiles():
    html = _html(mapview.build_map(_places(HOSTILE), HOSTILE, offline=True, basemap="osm"))
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/app/static/vendor/leaflet/leaflet.js" in urls
    assert not [u for u in urls if u.startswith("http")]
    assert "tile.openstreetmap.org" not in html


def test_online_map_has_the_chosen_tiles():
    html = _html(mapview.build_map(_places(HOSTILE), HOSTILE, offline=False, basemap="light"))
    assert "cartocdn" in html or "basemaps.cartocdn.com" in html


def test_legend_and_fit_bounds():
    places = _places(HOSTILE)
    html = _html(mapview.build_map(places, HOSTILE))
    assert "ngd-legend" in html and "fitBounds" in html
    (south, west), (north, east) = mapview.fit_bounds(places)
    assert south < 44 and north > 60 and west < 13.6 and east > 36


def test_local_assets_are_copied_from_the_npm_package(tmp_path):
    src = tmp_path / "leaflet"
    (src / "dist").mkdir(parents=True)
    (src / "dist" / "leaflet.js").write_text("/* js */")
    (src / "dist" / "leaflet.css").write_text("/* css */")
    dest = tmp_path / "out"
    assert mapview.ensure_local_assets(src, dest)
    assert (dest / "leaflet.js").read_text() == "/* js */"
    assert not mapview.ensure_local_assets(tmp_path / "missing", tmp_path / "out2")


@pytest.mark.parametrize("decimals", [mapview.MAP_DECIMALS])
def test_map_geometry_is_rounded(decimals):
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    lon, lat = layers["city"]["features"][0]["geometry"]["coordinates"]
    assert (lon, lat) == (round(30.52, decimals), round(50.45, decimals))


def test_continent_sized_places_do_not_steer_the_view():
    places = _places(HOSTILE)
    big = places.iloc[[4]].copy()
    big["place_id"], big["name"] = "country:RUS", "Russia"
    big["geometry"] = [Polygon([(30, 45), (180, 45), (180, 75), (30, 75)])]
    (_, west), (_, east) = mapview.fit_bounds(gpd.pd.concat([places, big], ignore_index=True))
    assert east < 41 and west > 12
    (_, _), (_, east_only) = mapview.fit_bounds(big)
    assert east_only > 179


def _with_kind(kind: str, name: str) -> gpd.GeoDataFrame:
    places = _places(HOSTILE)
    extra = places.iloc[[0]].copy()
    extra["place_id"], extra["name"], extra["kind"] = f"{kind}:x", name, kind
    extra["geometry"] = [Polygon([(-96, 40), (-95, 40), (-95, 41)])]
    return gpd.GeoDataFrame(gpd.pd.concat([places, extra], ignore_index=True), crs="EPSG:4326")


def test_counties_get_their_own_overlay_and_legend_row():
    places = _with_kind("county", "Cook County")
    html = _html(mapview.build_map(places, HOSTILE))
    assert "Counties (1)" in html and "Provinces" not in html  # legend lists only the kinds on the map
    assert "county" in [s.kind for s in mapview.LAYERS]  # so the kind filter lists it
    layers = mapview.map_layers(places, HOSTILE)
    # Drawn above provinces (states) and above the containers (regions), so they stay clickable.
    assert mapview.layer_kinds(["county", "province", "region"]) == ["region", "province", "county"]
    assert layers["county"]["features"][0]["properties"]["style"]["color"] == mapview.STYLES["county"].color


def test_a_kind_nobody_styled_yet_is_drawn_with_a_neutral_style():
    places = _with_kind("lake", "Lake Ladoga")
    layers = mapview.map_layers(places, HOSTILE)
    assert list(layers)[-1] == "lake"
    assert mapview.style_for("lake").label == "Lakes"
    assert "Lakes (1)" in _html(mapview.build_map(places, HOSTILE))


# --- containers under countries, clicks, names ------------------------------------------------------------


def test_containers_are_drawn_under_countries_and_take_clicks_on_their_outline_only():
    kinds = mapview.layer_kinds(["city", "country", "region", "alliance", "continent", "province", "sea"])
    for container in ("region", "alliance", "continent"):
        assert mapview.STYLES[container].container
        for specific in ("country", "province", "city"):
            assert kinds.index(container) < kinds.index(specific)
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    assert layers["region"]["features"][0]["properties"]["style"]["className"] == "ngd-container"
    assert "className" not in layers["country"]["features"][0]["properties"]["style"]
    html = _html(mapview.build_map(_places(HOSTILE), HOSTILE))
    assert "path.leaflet-interactive.ngd-container { pointer-events: visibleStroke; }" in html
    # Clicks are handled by the map's script (one popup for all places under the click), not per layer.
    assert "bindPopup" not in html and "ngdMap(" in html
    # The kind reaches Leaflet as an option of the group (the script keys drawing order and choices by it).
    assert re.search(r'L\.featureGroup\(\s*\[\],\s*\{\s*"ngdKind": "country"', html)


def test_features_carry_their_area_and_a_label_point_inside_them():
    layers = mapview.map_layers(_places(HOSTILE), HOSTILE)
    props = layers["country"]["features"][0]["properties"]
    lat, lon = props["label_at"]
    assert Polygon([(22, 45), (40, 45), (31, 52)]).contains(Point(lon, lat))
    assert props["area"] > layers["region"]["features"][0]["properties"]["area"] > 0
    assert layers["city"]["features"][0]["properties"]["label_at"] == [50.45, 30.52]
    # A crescent: its name goes on the crescent, not in the hollow where its centroid lies.
    crescent = Polygon([(0, 0), (10, 0), (10, 10), (0, 10), (0, 8), (8, 8), (8, 2), (0, 2)])
    lat, lon = mapview.label_point(crescent)
    assert crescent.contains(Point(lon, lat)) and not crescent.contains(crescent.centroid)


def test_groupings_and_wide_regions_get_no_name_on_the_map():
    places = _with_kind("alliance", "NATO")
    wide = places.iloc[[0]].copy()
    wide["place_id"], wide["name"] = "region:eastern_europe", "Eastern Europe"
    wide["geometry"] = [Polygon([(10, 40), (60, 40), (60, 70), (10, 70)])]
    places = gpd.GeoDataFrame(gpd.pd.concat([places, wide], ignore_index=True), crs="EPSG:4326")
    layers = mapview.map_layers(places, HOSTILE)
    named = {
        f["properties"]["name"]
        for layer in layers.values()
        for f in layer["features"]
        if "label_at" in f["properties"]
    }
    assert {"Crimea", "Ukraine", "Kyiv", "Baltic Sea", "Nord Stream 2"} <= named
    assert "NATO" not in named and "Eastern Europe" not in named


def test_legend_rows_name_their_kind_so_the_script_can_hide_invisible_layers():
    html = mapview.Legend(["country", "region", "city"]).html
    assert "<summary>" not in html  # the control adds its title, so a caller may swap the body
    assert "data-kind='country'" in html and "data-kind='region'" in html and "data-kind='city'" in html
    assert "data-kind='sea'" not in html
    # Containers are shown as outlines, as they are drawn.
    assert "background:transparent;border:2px solid #e66101" in html


def test_an_online_basemap_gets_the_tile_error_notice():
    html = _html(mapview.build_map(_places(HOSTILE), HOSTILE, offline=False, basemap="osm"))
    assert '"tileError": ' in html and "tileerror" in html
    assert 'basemap \\"None\\"' in html


# --- popups: each sentence once, no header line, confidence ------------------------------------------------

ARTICLE = (
    "date 2022-01-28 Ukraine crisis deepens\n"
    "Ukraine said Ukraine would not bow. Troops massed near Ukraine. Ukraine waits."
)


def _mentions(text: str, word: str, confidence: float = 0.99) -> list[dict]:
    out, start = [], text.find(word)
    while start >= 0:
        out.append(
            {
                "start": start,
                "end": start + len(word),
                "text": word,
                "type": "literal",
                "confidence": confidence,
            }
        )
        start = text.find(word, start + 1)
    return out


def test_popup_lists_each_sentence_once_with_its_count_and_no_header_line():
    mentions = _mentions(ARTICLE, "Ukraine")
    assert len(mentions) == 5
    items = mapview.popup_sentences(mentions, ARTICLE)
    assert [i.count for i in items] == [1, 2, 1, 1]
    assert items[0].headline and items[0].sentence == "Ukraine crisis deepens"
    html = mapview.popup_html("Ukraine", "country", mentions, ARTICLE)
    assert "date 2022-01-28" not in html
    assert "<i>Headline:</i> <mark>Ukraine</mark> crisis deepens" in html
    assert html.count(" said ") == 1
    assert (
        "<mark>Ukraine</mark> said <mark>Ukraine</mark> would not bow. <span class='ngd-n'>×2</span>" in html
    )
    assert html.count("<li>") == 4
    assert "5 mentions · confidence 0.99" in html


def test_a_header_without_a_place_in_it_is_left_out_and_a_date_in_prose_is_kept():
    text = "date 2023-05-02 Markets\nOn date 2023-05-02 Finland joined. Finland cheered."
    mentions = _mentions(text, "Finland")
    html = mapview.popup_html("Finland", "country", mentions, text)
    assert "Headline" not in html and "Markets" not in html
    assert "On date 2023-05-02 <mark>Finland</mark> joined." in html


def test_weak_matches_are_flagged_in_popup_and_tooltip():
    text = "Paris is small. Paris grows."
    weak = _mentions(text, "Paris", confidence=0.4)
    html = mapview.popup_html("Paris", "city", weak, text)
    assert "ngd-warn" in html and html.count("weak match</span>") == 2 and "confidence 0.40" in html
    mixed = [weak[0], {**weak[1], "confidence": 0.95}]
    html = mapview.popup_html("Paris", "city", mixed, text)
    assert "ngd-warn" not in html and html.count("weak match</span>") == 1
    assert "confidence 0.40–0.95" in html
    places = _places(HOSTILE)
    places.at[3, "mentions"] = [{**m, "confidence": 0.3} for m in places.at[3, "mentions"]]
    props = mapview.map_layers(places, HOSTILE)["city"]["features"][0]["properties"]
    assert props["weak"] and "weak match (confidence 0.30)" in props["tooltip"]


def test_popups_without_confidence_still_render():
    text = "Kyiv. Kyiv."
    mentions = [{k: v for k, v in m.items() if k != "confidence"} for m in _mentions(text, "Kyiv")]
    html = mapview.popup_html("Kyiv", "city", mentions, text)
    assert "confidence" not in html and html.count("<li>") == 2


def test_hostile_text_in_a_multi_mention_sentence_stays_escaped():
    text = "Kyiv <script>alert(1)</script> Kyiv {{ 7*7 }}."
    html = mapview.popup_html("Kyiv", "city", _mentions(text, "Kyiv"), text)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&#123;&#123; 7*7 &#125;&#125;" in html
    assert html.count("<mark>Kyiv</mark>") == 2


def test_the_popup_says_why_in_one_escaped_line_under_the_confidence():
    why = "the country, not the US state: Tbilisi is named in the article"
    text = "Georgia and Tbilisi."
    html = mapview.popup_html("Georgia", "country", _mentions(text, "Georgia"), text, why)
    head_end = html.index("</div>", html.index("ngd-head"))
    assert html.index(f"<div class='ngd-why'>Why: {why}</div>") == head_end + len("</div>")
    assert html.index("ngd-why") < html.index("<ol>")
    for missing in (None, "", "  ", float("nan")):
        assert "ngd-why" not in mapview.popup_html(
            "Georgia", "country", _mentions(text, "Georgia"), text, missing
        )


def test_a_hostile_why_from_the_places_frame_is_escaped_on_the_map():
    places = _places(HOSTILE)
    places["why"] = [None] * len(places)
    places.at[0, "why"] = "named <script>window.__pwned=1</script> {{ 7*7 }}\nhere"
    layers = mapview.map_layers(places, HOSTILE)
    popup = layers["region"]["features"][0]["properties"]["popup"]
    assert (
        "<div class='ngd-why'>Why: named &lt;script&gt;window.__pwned=1&lt;/script&gt; "
        "&#123;&#123; 7*7 &#125;&#125; here</div>" in popup
    )
    assert all("ngd-why" not in layers[k]["features"][0]["properties"]["popup"] for k in ("sea", "city"))
    html = _html(mapview.build_map(places, HOSTILE))
    assert "<script>window.__pwned" not in html and "{{ 7*7 }}" not in html


# --- the view: framed by mentions --------------------------------------------------------------------------


def _frame(rows: list[tuple[str, str, int, object]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "kind": [r[1] for r in rows], "count": [r[2] for r in rows]},
        geometry=[r[3] for r in rows],
        crs="EPSG:4326",
    )


def _box(west: float, south: float, east: float, north: float) -> Polygon:
    return Polygon([(west, south), (east, south), (east, north), (west, north)])


SYRIA = _box(35.7, 32.3, 42.4, 37.3)


def _inside(bounds, lon: float, lat: float) -> bool:
    (south, west), (north, east) = bounds
    return south <= lat <= north and west <= lon <= east


def test_a_syria_story_frames_syria_not_russia():
    places = _frame(
        [
            ("Syria", "country", 5, SYRIA),
            ("Damascus", "city", 3, Point(36.3, 33.5)),
            ("Aleppo", "city", 2, Point(37.2, 36.2)),
            ("Russia", "country", 2, _box(27, 41, 180, 82)),
            ("Moscow", "city", 2, Point(37.6, 55.75)),
            ("Washington", "city", 1, Point(-77.0, 38.9)),
        ]
    )
    bounds = mapview.fit_bounds(places)
    (south, west), (north, east) = bounds
    assert _inside(bounds, 35.7, 32.3) and _inside(bounds, 42.4, 37.3)
    assert not _inside(bounds, 37.6, 55.75) and not _inside(bounds, -77.0, 38.9)
    assert north - south < 8 and east - west < 10


def test_a_far_place_with_many_mentions_is_framed_too():
    places = _frame([("Syria", "country", 5, SYRIA), ("Moscow", "city", 5, Point(37.6, 55.75))])
    bounds = mapview.fit_bounds(places)
    assert _inside(bounds, 37.6, 55.75) and _inside(bounds, 38, 33)


def test_a_wide_region_mentioned_once_does_not_set_the_view():
    places = _frame(
        [
            ("Syria", "country", 5, SYRIA),
            ("Damascus", "city", 3, Point(36.3, 33.5)),
            # Smaller than HUGE_AREA_DEG2, so only its weight keeps it out of the frame.
            ("Middle East", "region", 1, _box(27, 24, 50, 41)),
        ]
    )
    (south, west), (_north, east) = mapview.fit_bounds(places)
    assert west > 30 and east < 45 and south > 28


def test_nearby_places_mentioned_once_stay_in_the_frame():
    places = _frame(
        [
            ("Ukraine", "country", 11, _box(22, 44, 40, 52.4)),
            ("Germany", "country", 3, _box(5.9, 47.3, 15, 55)),
            ("France", "country", 2, _box(-5, 42.3, 8.2, 51.1)),
            ("Poland", "country", 1, _box(14.1, 49, 24.1, 54.8)),
            ("Georgia", "country", 1, _box(40, 41, 46.7, 43.6)),
            ("Moscow", "city", 3, Point(37.6, 55.75)),
        ]
    )
    bounds = mapview.fit_bounds(places)
    for lon, lat in [(-5, 42.3), (46.7, 43.6), (37.6, 55.75), (22, 44)]:
        assert _inside(bounds, lon, lat)


def test_a_lone_town_keeps_some_surroundings():
    (south, west), (north, east) = mapview.fit_bounds(_frame([("Lage", "city", 1, Point(8.8, 51.99))]))
    assert north - south >= mapview.FRAME_MIN_SPAN_DEG and east - west >= mapview.FRAME_MIN_SPAN_DEG
    assert mapview.fit_bounds(_frame([])) is None


def test_frame_core_on_plain_boxes():
    core = mapview.FrameBox(0, 0, 2, 2, weight=10)
    near = mapview.FrameBox(3, 0, 4, 1, weight=1)
    far = mapview.FrameBox(60, 50, 61, 51, weight=2)
    assert mapview.frame_core([core, near, far]) == [core, near]
    # The far place is no outlier once it carries a third of the mentions.
    heavy = mapview.FrameBox(60, 50, 61, 51, weight=6)
    assert heavy in mapview.frame_core([core, near, heavy])
    assert mapview.frame_core([far]) == [far]


def test_the_land_file_is_built_once_per_geodata_and_fetched_by_the_map(tmp_path) -> None:
    built: list[int] = []

    def make() -> dict:
        built.append(1)
        return {"type": "FeatureCollection", "features": []}

    url = mapview.land_asset(make, "sha256:aaaa", static_dir=tmp_path)
    assert mapview.land_asset(make, "sha256:aaaa", static_dir=tmp_path) == url and built == [1]
    name = url.removeprefix(mapview.STATIC_URL + "/")
    assert url.startswith("/app/static/generated/land-") and (tmp_path / name).is_file()
    other = mapview.land_asset(make, "sha256:bbbb", static_dir=tmp_path)
    assert other != url and built == [1, 1]  # other geodata: another file, another URL
    html = _html(mapview.base_map(None, land=url))
    assert f'fetch("{url}")' in html and "geo_json" not in html
