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
