"""The registry of place kinds is the one source: the geodata, the gazetteer, the map and the claims agree."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

import corpus_view
from dashboard import historic, lexicon, mapview, placekinds, settings
from dashboard.claims import extract, measure, patterns
from dashboard.gazetteer import LAYER_FILES, get_gazetteer
from dashboard.placekinds import KINDS, MentionType


def _kinds_in_file(stem: str) -> set[str]:
    path = settings.GEODATA_DIR / f"{stem}.shp.zip"
    return set(pyogrio.read_dataframe(f"/vsizip/{path}", columns=["kind"], read_geometry=False)["kind"])


def test_kind_names_are_unique_and_every_style_is_its_own_kind():
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names)) == len(placekinds.BY_NAME)
    assert all(k.style.kind == k.name for k in KINDS)
    assert len({k.style.label for k in KINDS}) == len(KINDS)  # the layer control tells them apart


@pytest.mark.parametrize("stem", sorted({k.layer_file for k in KINDS if k.layer_file}))
def test_each_layer_file_exists_and_holds_exactly_the_kinds_the_registry_gives_it(stem):
    want = {k.name for k in KINDS if k.layer_file == stem}
    assert _kinds_in_file(stem) == want
    display = settings.GEODATA_DIR / f"{stem}_display.shp.zip"
    if display.is_file():
        assert _kinds_in_file(f"{stem}_display") == want


def test_every_kind_in_the_bundled_geodata_has_a_registry_entry():
    gaz = get_gazetteer()
    named = set(gaz.names()["kind"])
    assert named <= set(placekinds.BY_NAME), named - set(placekinds.BY_NAME)
    assert named == set(placekinds.BY_NAME)  # and every registry kind has places to find
    assert {k.name: k.layer_file for k in KINDS if k.layer_file} == LAYER_FILES
    with pytest.raises(KeyError, match="unknown layer kind 'alliance'"):
        gaz.layer("alliance")  # an alliance is its members on a date, not a layer
    assert set(gaz.layer("continent")["kind"]) == {"continent"}  # a view of the shared regions file


def _one_place_per_kind() -> gpd.GeoDataFrame:
    shapes = {
        "point": Point(30.5, 50.4),
        "line": LineString([(28, 59.6), (13.6, 54.1)]),
        "polygon": Polygon([(22, 45), (40, 45), (31, 52)]),
    }
    rows = [
        {
            "place_id": f"{k.name}:x",
            "name": f"A {k.name}",
            "kind": k.name,
            "country": None,
            "count": 1,
            "mentions": [{"start": 0, "end": 1, "text": "A", "type": "literal"}],
            "members": ["UKR"] if k.name == "alliance" else None,
            "geometry": shapes[k.geometry],
        }
        for k in KINDS
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_the_map_draws_every_registry_kind_in_registry_order_with_its_style():
    layers = mapview.map_layers(_one_place_per_kind(), "A place.")
    assert list(layers) == [k.name for k in KINDS]
    for k in KINDS:
        css = layers[k.name]["features"][0]["properties"]["style"]
        assert css["color"] == ("#ffffff" if k.geometry == "point" else k.style.color), k.name
        assert css["weight"] == k.style.weight and css["fillOpacity"] == k.style.fill_opacity
        assert css.get("dashArray") == k.style.dash
        assert (css.get("className") == "ngd-container") == k.style.container
        assert ("radius" in css) == (k.geometry == "point") and (css.get("fill") is False) == (
            k.geometry == "line"
        )
        if k.name != "country":  # countries are shaded by their mention count
            assert css["fillColor"] == k.style.color
        named = "label_at" in layers[k.name]["features"][0]["properties"]
        assert named != k.group, k.name  # groups get no name on the map
    legend = mapview.Legend([k.name for k in KINDS]).html
    assert all(k.style.label in legend for k in KINDS if k.name != "country")


def test_the_claims_read_area_rough_and_anaphor_kinds_from_the_registry():
    assert placekinds.kinds_where(area_metric=True) == measure.AREA_KINDS
    assert {"country", "province", "region", "continent", "sea"} == measure.AREA_KINDS
    assert measure.ROUGH_KINDS == placekinds.kinds_where(rough=True) == {"region", "sea"}
    assert {
        "pipeline": {"pipeline"},
        "country": {"country"},
        "nation": {"country"},
        "state": {"country", "province"},
        "peninsula": {"province", "region"},
        "region": {"region", "province"},
        "province": {"province"},
        "oblast": {"province"},
        "territory": {"province", "region", "country"},
        "sea": {"sea"},
        "city": {"city"},
        "capital": {"city"},
    } == patterns.ANAPHOR_KINDS
    assert patterns.ANAPHOR_NP.search("north of the country").group(1) == "country"
    assert patterns.ANAPHOR_NP.search("the Crimean peninsula").group(1) == "peninsula"


def test_every_kind_named_in_a_rule_is_a_registry_kind():
    """A misspelt kind in a rule ("contry") would silently never match: every kind set names known kinds."""
    known = set(placekinds.BY_NAME)
    for kinds in (
        extract.BORDERED_KINDS,
        extract.RANKED_KINDS,
        mapview.POINT_KINDS,
        mapview.LINE_KINDS,
        mapview.GROUP_KINDS,
        set(corpus_view.MAP_PLACES_BY_KIND),
        {historic.KIND},
    ):
        assert kinds and set(kinds) <= known, set(kinds) - known


def test_mention_types_are_the_enum_everywhere():
    assert [t.value for t in MentionType] == ["literal", "demonym", "metonymic", "alliance"]
    assert MentionType.DEMONYM == "demonym"  # compares equal to the exported string
    assert {t.type for t in lexicon.place_tables()} <= set(MentionType)
    assert tuple(corpus_view.MENTION_TYPES) == tuple(MentionType)
    m = extract.as_mention(
        {"start": 0, "end": 7, "text": "Russian", "place_id": "country:RUS", "type": "demonym"}
    )
    assert m.type is MentionType.DEMONYM and m.kind == "country"
    assert (
        extract.as_mention({"start": 0, "end": 2, "text": "it", "place_id": "sea:x"}).type
        is MentionType.LITERAL
    )


def test_get_and_kinds_where():
    assert placekinds.get("sea") is placekinds.BY_NAME["sea"] and placekinds.get("lake") is None
    assert placekinds.kinds_where(geometry="point") == {"city"}
    assert placekinds.kinds_where(group=True) == {"alliance", "continent"}
    assert placekinds.kinds_where(layer_file="regions") == {"region", "continent"}
