"""Folium map: one FeatureGroup per layer kind, styles, legend, escaped tooltips/popups, offline assets."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from dashboard import settings
from dashboard.report import context_of, escape_text, mention_types, sentence_spans


@dataclass(frozen=True)
class LayerStyle:
    """How one kind of place is drawn and labelled."""

    kind: str
    label: str
    color: str
    fill_opacity: float
    weight: float = 1.5
    dash: str | None = None


#: Layer kinds in drawing order (bottom first): groupings under countries, points on top, so that the
#: small features stay clickable above the large ones.
LAYERS: tuple[LayerStyle, ...] = (
    LayerStyle("alliance", "Alliances", "#2c7fb8", 0.06, 2.0, "6 4"),
    LayerStyle("continent", "Continents", "#7f7f7f", 0.04, 1.0, "2 4"),
    # Historic states (the USSR, West Germany) lie under today's countries they overlap, dashed like a past.
    LayerStyle("historic_state", "Historic states", "#8c510a", 0.3, 2.0, "4 3"),
    LayerStyle("country", "Countries", "#a50f15", 0.55, 1.0),
    LayerStyle("province", "Provinces", "#6a3d9a", 0.45, 1.2),
    # US counties: an own overlay above provinces (states), thin lines, so both can be toggled apart.
    LayerStyle("county", "Counties", "#8c6bb1", 0.35, 0.8),
    LayerStyle("region", "Regions", "#e66101", 0.18, 2.0),
    LayerStyle("sea", "Seas", "#0570b0", 0.45, 1.2),
    LayerStyle("pipeline", "Infrastructure", "#111111", 1.0, 4.0),
    LayerStyle("city", "Cities", "#d7301f", 0.85, 1.5),
)
STYLES: dict[str, LayerStyle] = {s.kind: s for s in LAYERS}
#: Kinds drawn as points (circle markers) and as lines (no fill).
POINT_KINDS: frozenset[str] = frozenset({"city"})
LINE_KINDS: frozenset[str] = frozenset({"pipeline"})
#: Kinds that group whole countries; they do not steer the view when smaller places are mentioned.
GROUP_KINDS: frozenset[str] = frozenset({"alliance", "continent"})


def style_for(kind: str) -> LayerStyle:
    """The style of ``kind``; a kind not in :data:`LAYERS` gets a neutral style labelled after it.

    New kinds from the gazetteer are drawn (and listed in the layer control) before anyone styles them.
    """
    style = STYLES.get(kind)
    if style is None:
        label = kind.replace("_", " ").strip().capitalize() or "Other"
        style = LayerStyle(kind, label if label.endswith("s") else f"{label}s", "#4d4d4d", 0.3, 1.2)
    return style


def layer_kinds(kinds: Iterable[str]) -> list[str]:
    """The distinct ``kinds`` in drawing order: the kinds of :data:`LAYERS` first, then others by name."""
    present = set(kinds)
    known = [s.kind for s in LAYERS if s.kind in present]
    return known + sorted(present - set(STYLES))


#: Country shading: (lowest mention count, fill colour); a sequential ColorBrewer "Reds" scale.
COUNTRY_CLASSES: tuple[tuple[int, str], ...] = (
    (1, "#fcbba1"),
    (2, "#fb6a4a"),
    (4, "#cb181d"),
    (10, "#67000d"),
)

#: Basemap choices shown in the UI; "none" draws the bundled land so no tile server is needed.
BASEMAPS: dict[str, str] = {
    "none": "None (bundled land, works offline)",
    "osm": "OpenStreetMap",
    "light": "Light (CartoDB Positron)",
}
_TILES = {
    "osm": ("OpenStreetMap", None),
    # Given by URL: xyzservices' "CartoDB positron" entry now warns that it wants an API key.
    "light": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
    ),
}

HIGHLIGHT_COLOR = "#ffd60a"
_LAND_STYLE = {"fillColor": "#f2efe6", "fillOpacity": 1, "color": "#b9b4a7", "weight": 0.6}
#: Decimals kept in map geometries: 3 decimals is about 100 m, below what the simplified display
#: geometry resolves.
MAP_DECIMALS = 3
#: Sentences listed in a popup before "and N more".
POPUP_SENTENCES = 8

#: Where ``ensure_local_assets`` copies Leaflet so that Streamlit serves it at ``/app/static/``.
STATIC_DIR: Path = settings.PROJECT_ROOT / "static"
VENDOR_DIR: Path = STATIC_DIR / "vendor"
LOCAL_JS = [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]
LOCAL_CSS = [("leaflet_css", "/app/static/vendor/leaflet/leaflet.css")]
CDN_JS = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
CDN_CSS = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]


def country_fill(count: int) -> str:
    """Fill colour of a country mentioned ``count`` times (see :data:`COUNTRY_CLASSES`)."""
    color = COUNTRY_CLASSES[0][1]
    for low, c in COUNTRY_CLASSES:
        if count >= low:
            color = c
    return color


def ensure_local_assets(source: Path | None = None, dest: Path | None = None) -> bool:
    """Copy Leaflet from the npm package in ``.cache/web`` to ``static/vendor`` for Streamlit to serve.

    Copies (not symlinks) because Streamlit refuses static paths that resolve outside ``static/``.

    Parameters
    ----------
    source : Path, optional
        The unpacked npm package folder, default ``settings.WEB_ASSETS_DIR / "leaflet"``.
    dest : Path, optional
        Default ``static/vendor/leaflet``.

    Returns
    -------
    bool
        True if ``leaflet.js`` and ``leaflet.css`` are available locally.
    """
    source = (source or settings.WEB_ASSETS_DIR / "leaflet") / "dist"
    dest = dest or VENDOR_DIR / "leaflet"
    names = ("leaflet.js", "leaflet.css")
    if all((dest / n).is_file() for n in names):
        return True
    if not all((source / n).is_file() for n in names):
        return False
    # static/.gitignore keeps this vendored copy out of git.
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copyfile(source / n, dest / n)
    if (source / "images").is_dir():
        shutil.copytree(source / "images", dest / "images", dirs_exist_ok=True)
    return True


def _round_geometry(geom: Any, decimals: int = MAP_DECIMALS) -> Any:
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def map_geometry(geom: Any, decimals: int = MAP_DECIMALS) -> Any:
    """Lighten a geometry for the browser: simplify in proportion to its size, drop specks, round.

    The tolerance grows with the square root of the area (0.5 % of its "diameter", 0.005 to 0.2
    degrees), so Russia loses detail invisible at the zoom that shows it whole while Crimea keeps
    its shape; polygon parts smaller than a few tolerances (Arctic islets) are dropped. This is
    what keeps the sample's page payload small.

    Parameters
    ----------
    geom : shapely geometry
        In EPSG:4326.
    decimals : int
        Decimals kept in coordinates.

    Returns
    -------
    shapely geometry
    """
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return _round_geometry(geom, decimals)
    tol = float(np.clip(0.005 * np.sqrt(geom.area), 0.005, 0.2))
    parts = [p for p in _polygons([geom]) if p.area >= (4 * tol) ** 2]
    if not parts:
        parts = [max(_polygons([geom]), key=lambda p: p.area)]
    simple = shapely.simplify(shapely.MultiPolygon(parts), tol, preserve_topology=True)
    return _round_geometry(simple, decimals)


def popup_html(name: str, kind: str, mentions: Iterable[Mapping[str, Any]], text: str) -> str:
    """HTML for a place's popup: its name and the sentences mentioning it, mentions highlighted.

    Every piece of article text is escaped (HTML and template braces).

    Parameters
    ----------
    name, kind : str
        The place's name and kind.
    mentions : iterable of dict
        The place's mentions (``start``, ``end``, ``type``), offsets into ``text``.
    text : str
        The article text.

    Returns
    -------
    str
        Safe HTML.
    """
    mentions = list(mentions)
    spans = sentence_spans(text)
    items: dict[str, str] = {}
    for m in mentions:
        ctx = context_of(text, int(m["start"]), int(m["end"]), spans)
        key = f"{ctx.sentence}\0{ctx.start}"
        items.setdefault(key, ctx.html())
    lines = list(items.values())
    shown = "".join(f"<li>{h}</li>" for h in lines[:POPUP_SENTENCES])
    more = f"<p>… and {len(lines) - POPUP_SENTENCES} more</p>" if len(lines) > POPUP_SENTENCES else ""
    return (
        f"<div class='ngd-popup'><b>{escape_text(name)}</b> · {escape_text(kind)} · "
        f"{len(mentions)} mention{'s' if len(mentions) != 1 else ''}"
        f"<ol>{shown}</ol>{more}</div>"
    )


def tooltip_html(name: str, kind: str, count: int, extra: str = "") -> str:
    """HTML for a tooltip: name, kind and mention count (escaped)."""
    tail = f"<br>{escape_text(extra)}" if extra else ""
    plural = "s" if count != 1 else ""
    return f"<b>{escape_text(name)}</b><br>{escape_text(kind)} · {count} mention{plural}{tail}"


def layer_geojson(places: pd.DataFrame, text: str, highlight: Iterable[str] = ()) -> dict[str, Any]:
    """Build the styled GeoJSON of one layer: geometry, tooltip/popup HTML and style per feature.

    Pure data (no folium), so the app can cache it by content and rebuild only changed layers.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Rows of ``places_frame`` of one kind.
    text : str
        The article text (for popups).
    highlight : iterable of str
        Place ids to outline (e.g. features involved in a checked claim).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    highlight = set(highlight)
    features = []
    for row in places.to_dict("records"):
        geom = row["geometry"]
        if geom is None or geom.is_empty:
            continue
        kind, name, count = row["kind"], str(row["name"]), int(row["count"])
        style = style_for(kind)
        mentions = list(row["mentions"])
        extra = ""
        if kind == "alliance":
            members = list(row.get("members") or [])
            extra = f"{len(members)} members: {', '.join(members)}"
        elif row.get("years"):  # a historic state: its years ("1949–1990")
            extra = str(row["years"])
        fill = country_fill(count) if kind == "country" else style.color
        lit = row["place_id"] in highlight
        css = {
            "color": HIGHLIGHT_COLOR if lit else style.color,
            "weight": style.weight + (3 if lit else 0),
            "fillColor": fill,
            "fillOpacity": style.fill_opacity,
            "opacity": 0.9,
        }
        if style.dash:
            css["dashArray"] = style.dash
        if kind in POINT_KINDS:
            css.update(radius=5 + min(count, 10), color=HIGHLIGHT_COLOR if lit else "#ffffff")
        if kind in LINE_KINDS:
            css.update(fill=False)
        features.append(
            {
                "type": "Feature",
                "id": row["place_id"],
                "geometry": shapely.geometry.mapping(map_geometry(geom)),
                "properties": {
                    "place_id": row["place_id"],
                    "name": name,
                    "kind": kind,
                    "count": count,
                    "types": ", ".join(mention_types(mentions)),
                    "tooltip": tooltip_html(name, kind, count, extra),
                    "popup": popup_html(name, kind, mentions, text),
                    "style": css,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def land_geojson(land: pd.DataFrame, tolerance: float = 0.25) -> dict[str, Any]:
    """A light, non-interactive land background built from the gazetteer's countries layer.

    Simplified further than the display layer because it is only a backdrop; this keeps the page
    payload small.

    Parameters
    ----------
    land : geopandas.GeoDataFrame
        Country polygons in EPSG:4326.
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection with one MultiPolygon.
    """
    geoms = [g for g in land.geometry if g is not None and not g.is_empty]
    # Coverage simplification keeps shared borders identical, so no slivers open between countries.
    simplified = shapely.coverage_simplify(geoms, tolerance)
    kept = [p for p in _polygons(simplified) if p.area >= (6 * tolerance) ** 2]
    merged = _round_geometry(shapely.MultiPolygon(kept), 2)
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(merged)}],
    }


def _polygons(geoms: Iterable[Any]) -> list[Any]:
    out = []
    for g in geoms:
        if g.geom_type == "Polygon":
            out.append(g)
        elif g.geom_type == "MultiPolygon":
            out.extend(g.geoms)
    return out


#: Places whose largest part covers more square degrees than this (Russia, the US, Canada, wide regions)
#: do not steer the view when smaller places are mentioned too.
HUGE_AREA_DEG2 = 400.0


def fit_bounds(places: pd.DataFrame) -> list[list[float]] | None:
    """Bounds ``[[south, west], [north, east]]`` the view fits.

    The view fits each place's largest part (mainland France, not French Guiana); alliances,
    continents and continent-sized places only count when nothing smaller is mentioned, since Russia
    or the US would otherwise stretch the view over the whole globe and hide the story's places.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        The mapped places.

    Returns
    -------
    list or None
        None when there is nothing to fit.
    """
    focus, wide = [], []
    for kind, geom in zip(places["kind"], places.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = _polygons([geom])
        main = max(parts, key=lambda p: p.area) if parts else geom
        huge = kind in GROUP_KINDS or main.area > HUGE_AREA_DEG2
        (wide if huge else focus).append(main.bounds)
    boxes = focus or wide
    if not boxes:
        return None
    b = np.array(boxes)
    west, south, east, north = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    pad = 0.5
    return [[float(south) - pad, float(west) - pad], [float(north) + pad, float(east) + pad]]


class Legend(MacroElement):
    """A static legend control: layer colours and the country shading classes."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ngd-legend{background:rgba(255,255,255,.92);padding:6px 8px;font:12px/1.35 sans-serif;
          border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);color:#222}
        .ngd-legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-2px;
          border:1px solid #555}
        .ngd-legend b{display:block;margin:3px 0 2px}
        .leaflet-container{background:#d4e6f1}
        .ngd-popup{max-height:260px;overflow:auto;font:12px/1.4 sans-serif}
        .ngd-popup ol{padding-left:18px;margin:4px 0}
        .ngd-popup mark{background:#ffe066;padding:0 1px}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomright'});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'ngd-legend');
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, kinds: Iterable[str] | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        # Only the layers on the map, so the legend does not list kinds the article never mentions.
        styles = [style_for(k) for k in layer_kinds(kinds)] if kinds is not None else list(LAYERS)
        rows = ["<b>Countries: mentions</b>"]
        bounds = [low for low, _ in COUNTRY_CLASSES[1:]] + [None]
        for (low, color), nxt in zip(COUNTRY_CLASSES, bounds, strict=True):
            label = f"{low}+" if nxt is None else (f"{low}" if nxt - 1 == low else f"{low}–{nxt - 1}")
            rows.append(f"<span><i style='background:{color}'></i>{label}</span><br>")
        rows.append("<b>Layers</b>")
        for s in styles:
            if s.kind == "country":
                continue
            shape = "border-radius:6px" if s.kind in POINT_KINDS else ""
            shape = "height:3px;border:0" if s.kind in LINE_KINDS else shape
            rows.append(f"<span><i style='background:{s.color};{shape}'></i>{s.label}</span><br>")
        rows.append(
            f"<span><i style='background:#fff;border:3px solid {HIGHLIGHT_COLOR}'></i>in a claim</span>"
        )
        self.html = "".join(rows)


def base_map(
    bounds: list[list[float]] | None,
    *,
    basemap: str = "none",
    offline: bool = True,
    land: Mapping[str, Any] | None = None,
    kinds: Iterable[str] | None = None,
) -> folium.Map:
    """The map without the place layers: basemap, legend, view, and where Leaflet is loaded from.

    Parameters
    ----------
    bounds : list or None
        ``[[south, west], [north, east]]`` to fit, see :func:`fit_bounds`.
    basemap : str
        A key of :data:`BASEMAPS`; offline forces "none".
    offline : bool
        Load Leaflet from ``/app/static/vendor`` (see :func:`ensure_local_assets`) and draw no tiles.
    land : dict, optional
        The land background (:func:`land_geojson`) drawn when the basemap is "none".
    kinds : iterable of str, optional
        The kinds on the map, listed in the legend (default: every kind of :data:`LAYERS`).

    Returns
    -------
    folium.Map
    """
    if offline:
        basemap = "none"
    m = folium.Map(location=[50, 20], zoom_start=4, tiles=None, control_scale=True, world_copy_jump=False)
    # Only Leaflet is needed (no jQuery, Bootstrap, fonts or awesome-markers): fewer bytes and
    # nothing that can fail to load offline.
    m.default_js = LOCAL_JS if offline else CDN_JS
    m.default_css = LOCAL_CSS if offline else CDN_CSS
    if basemap in _TILES:
        tiles, attr = _TILES[basemap]
        folium.TileLayer(tiles, attr=attr, control=False, subdomains="abcd").add_to(m)
    elif land is not None:
        folium.GeoJson(
            land,
            name="Land",
            control=False,
            interactive=False,
            style_function=lambda _f: _LAND_STYLE,
        ).add_to(m)
    Legend(kinds).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return m


def _style(feature: Mapping[str, Any]) -> dict[str, Any]:
    return feature["properties"]["style"]


def feature_group(kind: str, layer: Mapping[str, Any]) -> folium.FeatureGroup:
    """One overlay for the layer control, holding the styled features of one kind.

    Parameters
    ----------
    kind : str
        A place kind (see :data:`LAYERS`).
    layer : dict
        Output of :func:`layer_geojson`.

    Returns
    -------
    folium.FeatureGroup
        Named "<Label> (<number of features>)".
    """
    style = style_for(kind)
    n = len(layer["features"])
    group = folium.FeatureGroup(name=f"{style.label} ({n})", overlay=True, show=True)
    if n:
        marker = folium.CircleMarker(radius=6, fill=True) if kind in POINT_KINDS else None
        folium.GeoJson(
            layer,
            name=style.label,
            style_function=_style,
            highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.7},
            marker=marker,
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        ).add_to(group)
    return group


def map_layers(places: pd.DataFrame, text: str, highlight: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """Split places by kind into styled layers, in drawing order (kinds with no places left out)."""
    highlight = list(highlight)
    return {
        kind: layer_geojson(places[places["kind"] == kind], text, highlight)
        for kind in layer_kinds(places["kind"])
    }


def build_map(
    places: pd.DataFrame,
    text: str,
    *,
    basemap: str = "none",
    offline: bool = True,
    land: Mapping[str, Any] | None = None,
    highlight: Iterable[str] = (),
) -> folium.Map:
    """The whole map as one folium object (for saving as HTML and for tests).

    The app builds the same pieces separately so that streamlit-folium can swap layers without
    reloading the map.

    Returns
    -------
    folium.Map
        With one FeatureGroup per non-empty kind and an expanded LayerControl.
    """
    m = base_map(fit_bounds(places), basemap=basemap, offline=offline, land=land, kinds=places["kind"])
    for kind, layer in map_layers(places, text, highlight).items():
        feature_group(kind, layer).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
