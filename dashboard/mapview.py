"""Folium map: one FeatureGroup per layer kind, styles, legend, escaped tooltips/popups, offline assets."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate
from jinja2 import Template

from dashboard import placekinds, settings
from dashboard.placekinds import LayerStyle
from dashboard.report import (
    WEAK_CONFIDENCE,
    context_of,
    escape_text,
    mention_types,
    sentence_spans,
    why_text,
)

#: Layer kinds in drawing order (bottom first), from the registry (:data:`dashboard.placekinds.KINDS`):
#: containers under seas under countries, points on top, so that the specific features stay visible and
#: clickable above the large ones. The map's script keeps this order when a layer is switched off and on.
LAYERS: tuple[LayerStyle, ...] = tuple(k.style for k in placekinds.KINDS)
STYLES: dict[str, LayerStyle] = {s.kind: s for s in LAYERS}
#: Kinds drawn as points (circle markers) and as lines (no fill).
POINT_KINDS: frozenset[str] = placekinds.kinds_where(geometry="point")
LINE_KINDS: frozenset[str] = placekinds.kinds_where(geometry="line")
#: Kinds that group whole countries; they do not steer the view when smaller places are mentioned,
#: and get no name on the map (their outline and the legend say what they are).
GROUP_KINDS: frozenset[str] = placekinds.kinds_where(group=True)


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
#: Where Streamlit serves ``STATIC_DIR`` (``server.enableStaticServing`` in .streamlit/config.toml).
STATIC_URL = "/app/static"
VENDOR_DIR: Path = STATIC_DIR / "vendor"
LOCAL_JS = [("leaflet", f"{STATIC_URL}/vendor/leaflet/leaflet.js")]
LOCAL_CSS = [("leaflet_css", f"{STATIC_URL}/vendor/leaflet/leaflet.css")]
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


#: The optional ``date YYYY-MM-DD Title`` header of an article (see ``dashboard.article``): popups show
#: its title as the headline, never the date prefix, wherever the header starts a sentence (the
#: combined text of several articles holds several headers).
_HEADER_PREFIX = re.compile(r"\s*date\s+\d{4}-\d{2}-\d{2}[ \t]*")


@dataclass(frozen=True)
class PopupSentence:
    """One sentence of a popup: the sentence, its mentions of the place, and how sure they are."""

    sentence: str
    spans: tuple[tuple[int, int], ...]
    headline: bool
    confidence: float | None

    @property
    def count(self) -> int:
        """Mentions of the place in this sentence."""
        return len(self.spans)

    @property
    def weak(self) -> bool:
        """True when a mention in this sentence is a weak match."""
        return self.confidence is not None and self.confidence < WEAK_CONFIDENCE

    def html(self) -> str:
        """The sentence escaped, each mention in ``<mark>``, then ``×n`` and a weak-match flag."""
        out, pos = [], 0
        for start, end in self.spans:
            out += [
                escape_text(self.sentence[pos:start]),
                "<mark>",
                escape_text(self.sentence[start:end]),
                "</mark>",
            ]
            pos = end
        out.append(escape_text(self.sentence[pos:]))
        head = "<i>Headline:</i> " if self.headline else ""
        count = f" <span class='ngd-n'>×{self.count}</span>" if self.count > 1 else ""
        weak = (
            f" <span class='ngd-weak' title='confidence {self.confidence:.2f}'>weak match</span>"
            if self.weak
            else ""
        )
        return head + "".join(out) + count + weak


def _confidence(mention: Any) -> float | None:
    """A mention's confidence (dict or ``Mention``), None when the record has none."""
    if isinstance(mention, Mapping):
        value = mention.get("confidence")
    else:
        value = getattr(mention, "confidence", None)
    return None if value is None else float(value)


def popup_sentences(mentions: Iterable[Mapping[str, Any]], text: str) -> list[PopupSentence]:
    """The sentences that mention a place, each once and in reading order, with its mentions of the place.

    A header line ``date YYYY-MM-DD Title`` becomes the headline ``Title``.

    Parameters
    ----------
    mentions : iterable of dict
        The place's mentions (``start``, ``end``; ``confidence`` when known), offsets into ``text``.
    text : str
        The article text.

    Returns
    -------
    list of PopupSentence
    """
    spans = sentence_spans(text)
    groups: dict[int, list[tuple[int, int, float | None]]] = {}
    sentences: dict[int, str] = {}
    for m in mentions:
        start, end = int(m["start"]), int(m["end"])
        ctx = context_of(text, start, end, spans)
        origin = start - ctx.start
        # A sentence is keyed by where it starts in the text: the same words twice are two sentences.
        sentences.setdefault(origin, ctx.sentence)
        if len(ctx.sentence) > len(sentences[origin]):
            sentences[origin] = ctx.sentence
        groups.setdefault(origin, []).append((ctx.start, ctx.end, _confidence(m)))
    out = []
    for origin in sorted(groups):
        sentence, cut = sentences[origin], 0
        header = _HEADER_PREFIX.match(sentence)
        line_start = text.rfind("\n", 0, origin) + 1
        if header and not text[line_start:origin].strip():
            cut = header.end()
        marks = sorted({(s - cut, e - cut) for s, e, _c in groups[origin] if s >= cut})
        # Overlapping marks cannot be nested in HTML; keep the first of any overlapping pair.
        kept: list[tuple[int, int]] = []
        for s, e in marks:
            if not kept or s >= kept[-1][1]:
                kept.append((s, e))
        if not kept:
            continue
        confs = [c for _s, _e, c in groups[origin] if c is not None]
        out.append(PopupSentence(sentence[cut:], tuple(kept), bool(cut), min(confs) if confs else None))
    return out


def confidence_text(confidences: Iterable[float | None]) -> str:
    """``confidence 0.99`` or ``confidence 0.85–0.99`` over a place's mentions; empty when unknown."""
    known = [c for c in confidences if c is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    return f"confidence {low:.2f}" if round(low, 2) == round(high, 2) else f"confidence {low:.2f}–{high:.2f}"


def popup_html(
    name: str, kind: str, mentions: Iterable[Mapping[str, Any]], text: str, why: str | None = None
) -> str:
    """HTML for a place's popup: name, kind, count, confidence, why, and each sentence mentioning it once.

    Each sentence is listed once with its mentions highlighted and ``×n`` when it names the place n
    times; weak matches (see :data:`WEAK_CONFIDENCE`) are flagged. Every piece of article text is
    escaped (HTML and template braces).

    Parameters
    ----------
    name, kind : str
        The place's name and kind.
    mentions : iterable of dict
        The place's mentions (``start``, ``end``, ``type``; ``confidence`` when known), offsets into ``text``.
    text : str
        The article text.
    why : str, optional
        Why the geoparser chose this place (:func:`dashboard.report.why_text`), shown escaped as one line
        under the heading: "Why: the country, not the US state: Tbilisi is named in the article". Nothing
        is shown without one.

    Returns
    -------
    str
        Safe HTML; the first line is a ``div.ngd-head`` (the map's script reuses it as the heading of the
        place when a click lists several places).
    """
    mentions = list(mentions)
    confs = [_confidence(m) for m in mentions]
    items = popup_sentences(mentions, text)
    shown = "".join(f"<li>{item.html()}</li>" for item in items[:POPUP_SENTENCES])
    rest = len(items) - POPUP_SENTENCES
    more = f"<p>… and {rest} more sentence{'s' if rest != 1 else ''}</p>" if rest > 0 else ""
    how_sure = confidence_text(confs)
    known = [c for c in confs if c is not None]
    warn = ""
    if known and max(known) < WEAK_CONFIDENCE:
        warn = (
            "<div class='ngd-warn'>Weak match: the text may mean another place of this name. "
            "Check it before you rely on it.</div>"
        )
    reason = why_text(why)
    why_line = f"<div class='ngd-why'>Why: {escape_text(reason)}</div>" if reason else ""
    n = len(mentions)
    return (
        f"<div class='ngd-popup'><div class='ngd-head'><b>{escape_text(name)}</b> · {escape_text(kind)} · "
        f"{n} mention{'s' if n != 1 else ''}{' · ' + how_sure if how_sure else ''}</div>"
        f"{why_line}{warn}<ol>{shown}</ol>{more}</div>"
    )


def tooltip_html(name: str, kind: str, count: int, extra: str = "") -> str:
    """HTML for a tooltip: name, kind and mention count (escaped)."""
    tail = f"<br>{escape_text(extra)}" if extra else ""
    plural = "s" if count != 1 else ""
    return f"<b>{escape_text(name)}</b><br>{escape_text(kind)} · {count} mention{plural}{tail}"


def label_point(geom: Any) -> tuple[float, float] | None:
    """Where a place's name goes on the map, as ``(lat, lon)``: inside its largest part, far from its edges.

    Polygons use the pole of inaccessibility of their largest part (a label inside Croatia's crescent,
    not at its centroid in Bosnia); lines their midpoint; points themselves.
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        main = max(_polygons([geom]), key=lambda p: p.area)
        tol = max(float(np.sqrt(main.area)) / 50, 1e-4)
        point = shapely.ops.polylabel(main, tolerance=tol)
    elif geom.geom_type in ("LineString", "MultiLineString"):
        point = shapely.line_interpolate_point(shapely.line_merge(geom), 0.5, normalized=True)
        if point.is_empty:
            point = geom.representative_point()
    else:
        point = geom.representative_point()
    return (round(float(point.y), MAP_DECIMALS), round(float(point.x), MAP_DECIMALS))


def layer_geojson(places: pd.DataFrame, text: str, highlight: Iterable[str] = ()) -> dict[str, Any]:
    """Build the styled GeoJSON of one layer: geometry, tooltip/popup HTML, style and label point per feature.

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
        A GeoJSON FeatureCollection. Properties: ``place_id, name, kind, count, types, tooltip, popup,
        style``, ``area`` (square degrees of the drawn geometry: the map lists the smallest place under a
        click first), ``weak`` (every mention is a weak match) and ``label_at`` (``[lat, lon]`` of the
        name on the map; absent for alliances, continents and regions larger than
        :data:`HUGE_AREA_DEG2`).
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
        confs = [c for c in (_confidence(m) for m in mentions) if c is not None]
        weak = bool(confs) and max(confs) < WEAK_CONFIDENCE
        extra = []
        if kind == "alliance":
            members = list(row.get("members") or [])
            extra.append(f"{len(members)} members: {', '.join(members)}")
        elif row.get("years"):  # a historic state: its years ("1949–1990")
            extra.append(str(row["years"]))
        if weak:
            extra.append(f"weak match ({confidence_text(confs)})")
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
        if style.container:
            # Only the outline takes clicks (CSS in the map's header): the places inside stay reachable.
            css["className"] = "ngd-container"
        if kind in POINT_KINDS:
            css.update(radius=5 + min(count, 10), color=HIGHLIGHT_COLOR if lit else "#ffffff")
        if kind in LINE_KINDS:
            css.update(fill=False)
        drawn = map_geometry(geom)
        props = {
            "place_id": row["place_id"],
            "name": name,
            "kind": kind,
            "count": count,
            "types": ", ".join(mention_types(mentions)),
            "tooltip": tooltip_html(name, kind, count, " · ".join(extra)),
            "popup": popup_html(name, kind, mentions, text, row.get("why")),
            "style": css,
            "area": round(float(drawn.area), 3),
            "weak": weak,
        }
        # No names for groupings and wide regions ("Eastern Europe"): they would cover the countries' names.
        unnamed = kind in GROUP_KINDS or (style.container and drawn.area > HUGE_AREA_DEG2)
        at = None if unnamed else label_point(drawn)
        if at is not None:
            props["label_at"] = list(at)
        features.append(
            {
                "type": "Feature",
                "id": row["place_id"],
                "geometry": shapely.geometry.mapping(drawn),
                "properties": props,
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


def land_asset(make: Callable[[], Mapping[str, Any]], inputs: str, static_dir: Path | None = None) -> str:
    """Write the land backdrop as a static file unless it is there already; return its URL.

    The map's script fetches it (:class:`LandBackdrop`) instead of carrying it in every map sent over the
    websocket: it is 180 KB of the 410 KB the sample's map took, the same for every article, and a file
    the browser keeps between pages. The name hashes what the land is made from (``inputs``, a fingerprint
    of the geodata, and the code of :func:`land_geojson`), so a server starting after the first one finds
    the file and skips building it (0.4 s of a cold start), and changed geodata gets a new URL (a copy a
    browser kept is never stale). Written to a temporary name and renamed: servers starting at once never
    serve half a file.

    Parameters
    ----------
    make : callable
        Builds the land's GeoJSON (:func:`land_geojson`); called only when the file is missing.
    inputs : str
        Fingerprint of the data ``make`` reads (``gazetteer.geodata_version()``).
    static_dir : Path, optional
        The folder Streamlit serves at :data:`STATIC_URL`, default :data:`STATIC_DIR`; the file goes to
        its ``generated/`` folder (kept out of git).

    Returns
    -------
    str
        The URL path, e.g. ``/app/static/generated/land-3f2a9c1e0b7d.json``.
    """
    folder = (static_dir or STATIC_DIR) / "generated"
    recipe = (inputs + inspect.getsource(land_geojson)).encode("utf-8")
    name = f"land-{hashlib.sha1(recipe, usedforsecurity=False).hexdigest()[:12]}.json"
    path = folder / name
    if not path.is_file():
        body = json.dumps(make(), separators=(",", ":")).encode("utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, path)
    return f"{STATIC_URL}/generated/{name}"


class LandBackdrop(MacroElement):
    """The land backdrop fetched from a URL (:func:`land_asset`) into a pane under the place layers.

    The places are drawn first and the land fills in behind them when it arrives; it takes no clicks.
    If the file cannot be fetched the map simply has no backdrop.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var pane = map.createPane('ngdLand');
            pane.style.zIndex = 250;
            pane.style.pointerEvents = 'none';
            fetch({{ this.url|tojson }}).then(function (r) {
                if (!r.ok) { throw new Error('land ' + r.status); }
                return r.json();
            }).then(function (data) {
                var style = {{ this.style|tojson }};
                L.geoJson(data, {pane: 'ngdLand', interactive: false, style: style}).addTo(map);
            }).catch(function (e) { console.warn(e); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "LandBackdrop"
        self.url = url
        self.style = _LAND_STYLE


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
#: Framing (see :func:`frame_core`): the places with at least FRAME_CORE_SHARE of the top place's mentions
#: are the core; another place joins when its gap to the core and its own size are at most FRAME_REACH times
#: the core's size (a core smaller than FRAME_MIN_CORE_DEG, say one town, counts as that size).
FRAME_CORE_SHARE = 0.5
FRAME_REACH = 1.0
FRAME_MIN_CORE_DEG = 5.0
#: Margin around the framed places, and the smallest span framed (a lone town keeps its surroundings).
FRAME_PAD_DEG = 0.5
FRAME_MIN_SPAN_DEG = 1.5


@dataclass(frozen=True)
class FrameBox:
    """A place as the framing sees it: the box of its largest part and its mention count."""

    west: float
    south: float
    east: float
    north: float
    weight: float

    def diagonal(self, shrink: float) -> float:
        """The box's diagonal in degrees, longitudes multiplied by ``shrink`` (the cosine of the latitude)."""
        return float(np.hypot((self.east - self.west) * shrink, self.north - self.south))

    def gap(self, other: FrameBox, shrink: float) -> float:
        """Distance in degrees between this box and ``other`` (0 when they touch or overlap)."""
        dx = max(0.0, other.west - self.east, self.west - other.east) * shrink
        dy = max(0.0, other.south - self.north, self.south - other.north)
        return float(np.hypot(dx, dy))


def _union(boxes: Iterable[FrameBox]) -> FrameBox:
    boxes = list(boxes)
    return FrameBox(
        min(b.west for b in boxes),
        min(b.south for b in boxes),
        max(b.east for b in boxes),
        max(b.north for b in boxes),
        weight=sum(b.weight for b in boxes),
    )


def frame_core(boxes: Iterable[FrameBox]) -> list[FrameBox]:
    """The places the view frames: the most-mentioned ones, and the others that lie close to them.

    The core is every place with at least :data:`FRAME_CORE_SHARE` of the top place's mentions. Another place
    joins when both its gap to the core's box and its own diagonal are at most :data:`FRAME_REACH` times the
    core's diagonal (longitudes shrunk by the cosine of the core's latitude). So in a Syria story (Syria 5,
    Damascus 3, Aleppo 2) Moscow and Washington, named once or twice, stay outside the view, and so does a
    "Middle East" named once, which would otherwise set the view by its size; in a Ukraine story Germany and
    France, close to Ukraine's size and distance, stay in.

    Parameters
    ----------
    boxes : iterable of FrameBox

    Returns
    -------
    list of FrameBox
        The boxes to frame, core first.
    """
    boxes = [b for b in boxes if b.weight > 0]
    if len(boxes) < 2:
        return boxes
    top = max(b.weight for b in boxes)
    core = [b for b in boxes if b.weight >= FRAME_CORE_SHARE * top]
    rest = [b for b in boxes if b.weight < FRAME_CORE_SHARE * top]
    hull = _union(core)
    shrink = float(np.cos(np.radians(np.clip((hull.south + hull.north) / 2, -80, 80))))
    size = FRAME_REACH * max(hull.diagonal(shrink), FRAME_MIN_CORE_DEG)
    return core + [b for b in rest if hull.gap(b, shrink) <= size and b.diagonal(shrink) <= size]


def fit_bounds(places: pd.DataFrame) -> list[list[float]] | None:
    """Bounds ``[[south, west], [north, east]]`` the view fits, weighted by mentions.

    Each place counts with its largest part (mainland France, not French Guiana). Alliances, continents
    and continent-sized places only count when nothing smaller is mentioned, since Russia or the US would
    otherwise stretch the view over the globe. Of the rest, :func:`frame_core` keeps the places that
    carry the mentions and those close to them, and drops far or sprawling places mentioned rarely.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        The mapped places (``kind``, ``count``, geometry).

    Returns
    -------
    list or None
        None when there is nothing to fit.
    """
    focus: list[FrameBox] = []
    wide: list[FrameBox] = []
    counts = places["count"] if "count" in places else [1] * len(places)
    for kind, count, geom in zip(places["kind"], counts, places.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = _polygons([geom])
        main = max(parts, key=lambda p: p.area) if parts else geom
        west, south, east, north = main.bounds
        box = FrameBox(west, south, east, north, weight=float(count))
        huge = kind in GROUP_KINDS or main.area > HUGE_AREA_DEG2
        (wide if huge else focus).append(box)
    boxes = frame_core(focus) if focus else wide
    if not boxes:
        return None
    west, south = min(b.west for b in boxes), min(b.south for b in boxes)
    east, north = max(b.east for b in boxes), max(b.north for b in boxes)
    grow_x, grow_y = (
        max(0.0, FRAME_MIN_SPAN_DEG - (east - west)) / 2,
        max(0.0, FRAME_MIN_SPAN_DEG - (north - south)) / 2,
    )
    pad = FRAME_PAD_DEG
    return [
        [max(-85.0, south - grow_y - pad), max(-180.0, west - grow_x - pad)],
        [min(85.0, north + grow_y + pad), min(180.0, east + grow_x + pad)],
    ]


#: The map's stylesheet and script (see :class:`MapScript`), read once.
ASSETS_DIR: Path = Path(__file__).with_name("assets")
#: Names on the map: at least ``min`` and at most ``max`` names, ``perZoom`` more per zoom level above 3;
#: the ``major`` most-mentioned places in a larger type; font size in px at zoom 4, per zoom level, bounds.
LABELS: dict[str, float] = {
    "min": 12,
    "perZoom": 4,
    "max": 40,
    "major": 3,
    "size": 12,
    "sizePerZoom": 1,
    "sizeMin": 10,
    "sizeMax": 17,
}
#: Below this map width (px) the legend and layer list start folded, so they cover no data.
FOLD_BELOW_PX = 640
TILE_ERROR_TEXT = (
    "The basemap tiles could not be loaded (no internet connection, or the tile server refused). "
    'Choose the basemap "None" in the sidebar: it draws the bundled land and works offline.'
)


@functools.cache
def _asset(name: str) -> str:
    """An asset without its comment lines and indentation (fewer bytes on every map sent)."""
    text = (ASSETS_DIR / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


class MapScript(MacroElement):
    """The map's behaviour (``assets/map.js``) and look (``assets/map.css``).

    A click lists every place under it in one popup, most specific first; names are shown for the
    most-mentioned places and sized to the zoom; the view fits ``bounds`` clear of the controls; layer
    choices persist across Streamlit reruns in the frame's sessionStorage; the legend lists the visible
    layers; a failing basemap shows a notice. Added to the map after the legend.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.js }}
        ngdMap({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]] | None = None) -> None:
        super().__init__()
        self._name = "MapScript"
        self.css = _asset("map.css")
        self.js = _asset("map.js")
        self.config = {
            "bounds": bounds,
            "order": {s.kind: i for i, s in enumerate(LAYERS)},
            "labels": LABELS,
            "foldBelow": FOLD_BELOW_PX,
            "tileError": TILE_ERROR_TEXT,
            "storageKey": "ngd-map",
        }


class Legend(MacroElement):
    """The legend control: country shading classes and layer colours, one row per kind.

    Folds (a ``<details>`` element titled "Legend"; ``html`` is its body); the map's script hides the rows
    whose ``data-kind`` layer is not on the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomright'});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('details', 'ngd-legend leaflet-control');
            div.open = true;
            div.innerHTML = '<summary>Legend</summary>' + {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
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
        rows = []
        if any(s.kind == "country" for s in styles):
            rows.append("<div data-kind='country'><b>Countries: mentions</b>")
            bounds = [low for low, _ in COUNTRY_CLASSES[1:]] + [None]
            for (low, color), nxt in zip(COUNTRY_CLASSES, bounds, strict=True):
                label = f"{low}+" if nxt is None else (f"{low}" if nxt - 1 == low else f"{low}–{nxt - 1}")
                rows.append(f"<div class='ngd-row'><i style='background:{color}'></i>{label}</div>")
            rows.append("</div>")
        rows.append("<b>Layers</b>")
        for s in styles:
            if s.kind == "country":
                continue
            shape = f"background:{s.color}"
            if s.kind in POINT_KINDS:
                shape += ";border-radius:6px"
            elif s.kind in LINE_KINDS:
                shape += ";height:3px;border:0"
            elif s.container:
                shape = f"background:transparent;border:2px {'dashed' if s.dash else 'solid'} {s.color}"
            rows.append(
                f"<div class='ngd-row' data-kind='{escape_text(s.kind)}'><i style='{shape}'></i>"
                f"{escape_text(s.label)}</div>"
            )
        rows.append(
            f"<div class='ngd-row'><i style='background:#fff;border:3px solid {HIGHLIGHT_COLOR}'></i>"
            "in a claim</div>"
        )
        self.html = "".join(rows)


def base_map(
    bounds: list[list[float]] | None,
    *,
    basemap: str = "none",
    offline: bool = True,
    land: Mapping[str, Any] | str | None = None,
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
    land : dict or str, optional
        The land background drawn when the basemap is "none": a URL of the file :func:`land_asset` wrote
        (fetched by the map), or the GeoJSON itself (:func:`land_geojson`, carried in the map's script:
        for a map saved as one HTML file).
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
    elif isinstance(land, str):
        LandBackdrop(land).add_to(m)
    elif land is not None:
        folium.GeoJson(
            land,
            name="Land",
            control=False,
            interactive=False,
            style_function=lambda _f: _LAND_STYLE,
        ).add_to(m)
    Legend(kinds).add_to(m)
    # The script fits the view itself: it knows how wide the controls are, and the padding keeps the
    # places clear of them.
    MapScript(bounds).add_to(m)
    return m


class DrawnReport(MacroElement):
    """Tells Streamlit the map is drawn: the map component's value becomes ``{"drawn": true}``, which reruns
    the script, once the place layers are on the map.

    A new page's first run sends little more than the map; the page asks for the rest this way, so the
    browser draws the map before it builds the sidebar, the claim tiles and the downloads. Sent only while
    the page has no element matching ``page_done`` (a CSS selector of something only the whole page has):
    a map redrawn on a later run (another article) asks for no extra run.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            function report() {
                var done = false;
                try { done = !!window.parent.document.querySelector({{ this.page_done|tojson }}); }
                catch (e) { done = false; }
                if (!done && window.Streamlit) { window.Streamlit.setComponentValue({drawn: true}); }
            }
            // The map's frame (map_frame.py) adds the place layers right after this script, in the same
            // task; the layers are painted in the next frame, and the rest of the page is asked for once
            // the browser is idle after that, so that building it does not hold up the map's first paint.
            setTimeout(function () {
                requestAnimationFrame(function () {
                    if (window.requestIdleCallback) { requestIdleCallback(report, {timeout: 500}); }
                    else { setTimeout(report, 50); }
                });
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, page_done: str) -> None:
        super().__init__()
        self._name = "DrawnReport"
        self.page_done = page_done


#: Feature properties used only on the server (to style features), left out of the data sent to the map.
_SERVER_ONLY: frozenset[str] = frozenset({"style", "types"})


class KindGroup(folium.FeatureGroup):
    """A FeatureGroup whose options reach Leaflet.

    folium writes ``L.featureGroup(options)``, but Leaflet reads ``L.featureGroup(layers, options)``, so
    the options would be taken for a list of layers and dropped; the map's script needs ``ngdKind``.
    """

    _template = FoliumTemplate(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup(
                [], {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )


def feature_group(kind: str, layer: Mapping[str, Any]) -> folium.FeatureGroup:
    """One overlay for the layer control, holding the styled features of one kind.

    Features get a tooltip and a hover highlight; clicks are handled by the map's script
    (:class:`MapScript`), which opens one popup for all the places under the click.

    Parameters
    ----------
    kind : str
        A place kind (see :data:`LAYERS`).
    layer : dict
        Output of :func:`layer_geojson`.

    Returns
    -------
    folium.FeatureGroup
        Named "<Label> (<number of features>)"; its Leaflet option ``ngdKind`` names the kind for the
        map's script (drawing order, remembered layer choices, legend).
    """
    style = style_for(kind)
    n = len(layer["features"])
    # folium turns the styles into a script of their own; the browser needs no copy in the data.
    styles = {f["properties"]["place_id"]: f["properties"]["style"] for f in layer["features"]}
    data = {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {k: v for k, v in f["properties"].items() if k not in _SERVER_ONLY}}
            for f in layer["features"]
        ],
    }
    group = KindGroup(name=f"{style.label} ({n})", overlay=True, show=True, ngd_kind=kind)
    if n:
        marker = folium.CircleMarker(radius=6, fill=True) if kind in POINT_KINDS else None
        folium.GeoJson(
            data,
            name=style.label,
            style_function=lambda f: styles[f["properties"]["place_id"]],
            highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.7},
            marker=marker,
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
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

    The app builds the same pieces separately so that its map component (``map_frame.py``) can swap layers
    without reloading the map.

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
