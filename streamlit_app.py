"""Streamlit entry point: news articles -> place mentions -> toggleable map layers, panels, downloads."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import corpus_view
from dashboard import mapview, report, settings
from dashboard.errors import DashboardError, InputError

st.set_page_config(page_title="News geo dashboard", page_icon="🗺️", layout="wide")

MENTION_TYPES = ("literal", "demonym", "metonymic", "alliance")
UPLOAD_TYPES = ["txt", "md", "markdown", "text", "html", "htm"]


# --- cached work (keyed by content) -------------------------------------------------------------------


@st.cache_resource(show_spinner="Loading the bundled geodata…")
def gazetteer() -> Any:
    """The gazetteer, loaded once per server process."""
    from dashboard.gazetteer import get_gazetteer

    return get_gazetteer()


@st.cache_resource
def local_assets() -> bool:
    """Copy Leaflet into static/ once per process; False when setup has not fetched it."""
    return mapview.ensure_local_assets()


@st.cache_data(max_entries=64, show_spinner="Finding places…")
def parse(text: str, on: date | None) -> tuple[list[Any], Any]:
    """Mentions and the display places frame of one article's text (cached by text and date)."""
    from dashboard.geoparse import geoparse, places_frame

    gazetteer()
    mentions = geoparse(text, on=on)
    return mentions, places_frame(mentions, on=on, display=True)


@st.cache_data(max_entries=64, show_spinner=False)
def check_claims(text: str, on: date | None, _mentions: list[Any], key: str) -> list[dict] | None:
    """The article's checked claims as dicts, or None when the claims module is not available."""
    try:
        from dashboard.claims import check_claims as _check
    except ImportError:
        return None
    return [c.to_dict() for c in _check(text, on=on, mentions=_mentions)]


@st.cache_data(max_entries=64, show_spinner=False)
def summarize(key: str, _mentions: list[Any], _places: Any) -> report.Summary:
    """The metric panels' figures (cached by content key)."""
    return report.summarize(_mentions, _places)


@st.cache_data(max_entries=8, show_spinner=False)
def land_layer() -> dict:
    """The bundled land as a light backdrop for the basemap "none"."""
    return mapview.land_geojson(gazetteer().layer("country", display=True))


@st.cache_data(max_entries=256, show_spinner=False)
def render_layer(key: str, _rows: Any, _text: str, highlight: tuple[str, ...]) -> dict:
    """One layer's styled GeoJSON; ``key`` fingerprints the rows' content so only changed layers rebuild."""
    return mapview.layer_geojson(_rows, _text, highlight)


@st.cache_data(max_entries=64, show_spinner=False)
def export_geojson(key: str, _places: Any, _text: str, _claims: list[dict] | None = None) -> str:
    """RFC 7946 GeoJSON of the given places, with their claims (cached by content key)."""
    from dashboard import export

    return export.places_geojson(report.export_frame(_places, _text, _claims))


@st.cache_data(max_entries=16, show_spinner=False)
def export_csv(key: str, _mentions: list[Any], _text: str) -> str:
    """CSV of the mentions (cached by content key)."""
    from dashboard import export

    return export.mentions_csv(_mentions, _text)


@contextlib.contextmanager
def timed(step: str) -> Iterator[None]:
    """Record how long a step of this script run took (``st.session_state["_timings"]``, for the bench)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        st.session_state.setdefault("_timings", {})[step] = round(time.perf_counter() - t0, 4)


def digest(*parts: Any) -> str:
    """A short content fingerprint used as a cache key."""
    h = hashlib.sha1(usedforsecurity=False)
    for p in parts:
        h.update(repr(p).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def layer_key(rows: pd.DataFrame, text_key: str, highlight: tuple[str, ...]) -> str:
    """Fingerprint of what a layer draws: its places, their mentions and the highlighted ids."""
    content = [
        (pid, int(n), tuple((m["start"], m["end"]) for m in ms))
        for pid, n, ms in zip(rows["place_id"], rows["count"], rows["mentions"], strict=True)
    ]
    return digest(text_key, content, highlight)


# --- input ---------------------------------------------------------------------------------------------


def seed_names() -> list[str]:
    """File names of the bundled sample articles."""
    return sorted(p.name for p in settings.SEEDS_DIR.iterdir() if p.suffix in (".txt", ".md"))


def gather_articles() -> tuple[list[Any], list[str]]:
    """Read the chosen seeds, pasted text and uploads; bad input becomes a message, not a traceback."""
    from dashboard.article import read_article

    articles, problems = [], []
    for name in st.session_state.get("seeds", []):
        try:
            articles.append(read_article((settings.SEEDS_DIR / name).read_bytes(), name))
        except (OSError, InputError) as exc:
            problems.append(str(exc))
    pasted = st.session_state.get("pasted", "")
    if pasted.strip():
        try:
            articles.append(read_article(pasted, "pasted text"))
        except InputError as exc:
            problems.append(str(exc))
    for upload in st.session_state.get("uploads") or []:
        try:
            articles.append(report.read_upload(upload.name, upload.getvalue()))
        except InputError as exc:
            problems.append(str(exc))
    return articles, problems


def sidebar() -> None:
    """Input and display options; values live in st.session_state under the widget keys."""
    with st.sidebar:
        st.header("Articles")
        seeds = seed_names()
        st.multiselect("Sample articles", seeds, default=seeds[:1], key="seeds")
        st.text_area(
            "Paste an article",
            key="pasted",
            height=120,
            placeholder="date 2022-01-28 Title\nText…",
            help="An optional first line `date YYYY-MM-DD Title` gives the article's date, which decides "
            "alliance membership (map and border claims). Without it, today's date is used.",
        )
        st.file_uploader(
            "Upload articles (.txt, .md, .html)", type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads"
        )
        st.header("Filters")
        kinds = [s.kind for s in mapview.LAYERS]
        st.multiselect(
            "Place kinds",
            kinds,
            default=kinds,
            key="kinds",
            format_func=_kind_label,
            help="Map layers, tables and downloads show only these kinds. The metrics count every place.",
        )
        st.multiselect(
            "Mention types",
            MENTION_TYPES,
            default=list(MENTION_TYPES),
            key="types",
            help="literal: the place's name; demonym: e.g. 'Russian'; metonymic: a capital or seat of power "
            "standing for a government ('the Kremlin'); alliance: a group of countries such as Nato.",
        )
        st.header("Map")
        offline_ok = local_assets()
        st.toggle(
            "Offline mode (local map scripts, no tiles)",
            value=offline_ok,
            key="offline",
            disabled=not offline_ok,
            help="Serves Leaflet from this server (fetched from npm by scripts/setup.sh) and draws the "
            "bundled land instead of tiles, so the map works with no internet.",
        )
        st.radio(
            "Basemap",
            list(mapview.BASEMAPS),
            format_func=mapview.BASEMAPS.get,
            key="basemap",
            disabled=st.session_state.get("offline", offline_ok),
            help="Tiles come from the internet; turn offline mode off to choose them.",
        )


def _kind_label(kind: str) -> str:
    return mapview.style_for(kind).label


# --- page ----------------------------------------------------------------------------------------------


def show_metrics(summary: report.Summary) -> None:
    cols = st.columns(5)
    cols[0].metric("Mentions", summary.mentions, help="Place mentions in the text, of every kind and type.")
    cols[1].metric("Distinct places", summary.places)
    cols[2].metric("Countries mentioned", summary.countries, help="By name, demonym or capital.")
    cols[3].metric(
        "Most mentioned",
        summary.top_place or "-",
        f"{summary.top_count} mentions" if summary.top_place else None,
        delta_color="off",
        delta_arrow="off",
    )
    cols[4].metric(
        "Area covered (km²)",
        f"{summary.area_km2:,.0f}",
        help="Geodesic area of the union of the mentioned countries, provinces, counties, regions and seas "
        "(overlaps counted once; alliances and continents left out), on the simplified display geometry.",
    )


#: Tile colour per verdict: green, red, grey.
VERDICT_COLOR = {"consistent": "normal", "differs": "inverse"}


def show_claim_tiles(claims: list[dict] | None) -> None:
    """One tile per checked claim: stated figure in the label, computed as the value, verdict as the delta."""
    if claims is None:
        st.info("Claims check not available (dashboard.claims is not installed).")
        return
    if not claims:
        st.caption("Claims check: no checkable claim (length, border, area, distance) in the text.")
        return
    per_row = 3
    for i in range(0, len(claims), per_row):
        cols = st.columns(per_row)
        for col, claim in zip(cols, claims[i : i + per_row], strict=False):
            tile = report.claim_tile(claim)
            # Labels and help are Markdown; the help quotes article text, so everything is escaped.
            col.metric(
                report.escape_markdown(tile.label),
                tile.value,
                tile.verdict + (f" {tile.note}" if tile.note else ""),
                delta_color=VERDICT_COLOR.get(tile.verdict, "off"),
                delta_arrow="off",
                help=report.escape_markdown(tile.help),
                border=True,
            )


def show_claims_table(claims: list[dict] | None) -> None:
    if claims:
        n = len(claims)
        title = f"Claims table: {n} checked claim{'s' if n != 1 else ''}, verdicts, methods, sentences"
        with st.expander(title):
            st.dataframe(report.claims_table(claims), hide_index=True, width="stretch")


def dates_caption(articles: list[Any]) -> str:
    """Which article is shown and which date its alliance layer and claims use (today's when none given)."""
    today = date.today().isoformat()
    parts = []
    for a in articles:
        name = a.title or a.source
        when = a.date.isoformat() if a.date else f"no date given, today's date {today} used"
        parts.append(f"{name} ({when})")
    return (
        f"{len(articles)} article{'s' if len(articles) != 1 else ''}: "
        + "; ".join(parts)
        + ". Alliance layers and border claims use NATO/EU membership on the article's date."
    )


def main() -> None:
    st.session_state["_timings"] = {}
    if corpus_view.view_switch() == "Corpus":
        corpus_view.render()
        return
    sidebar()
    st.title("News geo dashboard")
    articles, problems = gather_articles()
    for problem in problems:
        st.error(problem, icon="⚠️")
    if not articles:
        st.warning("No article to show: choose a sample article, paste text or upload a file.")
        return

    t0 = time.perf_counter()
    try:
        with timed("geoparse"):
            parts = []
            for a in articles:
                mentions, places = parse(a.text, a.date)
                parts.append((a.text, mentions, places))
    except DashboardError as exc:
        st.error(f"Could not analyse the articles: {exc}")
        return
    text, mentions, places = report.combine(parts)
    text_key = digest(text, [a.date for a in articles])
    st.caption(dates_caption(articles))

    with timed("claims"):
        claims: list[dict] | None = []
        for a, (_t, ms, _p) in zip(articles, parts, strict=True):
            found = check_claims(a.text, a.date, ms, digest(a.text, a.date))
            claims = None if found is None or claims is None else claims + found
    highlight = tuple(sorted({pid for c in claims or [] for pid in c.get("place_ids") or []}))

    # Kinds nobody has styled yet (new in the gazetteer) are always shown rather than silently dropped.
    kinds = set(st.session_state["kinds"]) | (set(places["kind"]) - set(mapview.STYLES))
    types = set(st.session_state["types"])
    shown = report.filter_places(places, kinds, types)
    shown_mentions = [m for m in mentions if m.kind in kinds and m.type in types]

    # Filled after the map is drawn: the area union is the slowest panel and the map matters most.
    metrics_box = st.container()
    with timed("claims_panel"):
        show_claim_tiles(claims)
        show_claims_table(claims)
    with timed("map"):
        show_map(shown, places, text, text_key, highlight)
    st.caption(
        settings.GEONAMES_ATTRIBUTION
        + " · Boundaries: Natural Earth (public domain) · Outlined in yellow: places in a checked claim"
    )
    with metrics_box, timed("metrics"):
        show_metrics(summarize(text_key, mentions, places))
    st.session_state["_render_s"] = time.perf_counter() - t0

    # Below the fold: built after the map and metrics; download data is built only when clicked.
    with timed("below_fold"):
        show_downloads(shown, shown_mentions, text, text_key, claims)
        st.subheader("Places")
        st.dataframe(report.places_table(shown), hide_index=True, width="stretch")
        st.subheader("Mentions")
        st.dataframe(report.mentions_table(shown_mentions, text), hide_index=True, width="stretch")
        st.subheader("Article text")
        st.html(
            "<div style='max-height:420px;overflow:auto;border:1px solid #ddd;padding:8px;"
            "font-family:sans-serif;line-height:1.5'>"
            + report.highlight_html(text, shown_mentions)
            + "</div>"
        )


def show_map(shown: Any, places: Any, text: str, text_key: str, highlight: tuple[str, ...]) -> None:
    offline = bool(st.session_state.get("offline"))
    basemap = "none" if offline else st.session_state.get("basemap", "none")
    land = land_layer() if basemap == "none" else None
    # Fit (and list in the legend) all places, not only the filtered ones, so a filter change keeps the
    # map and its view as they are and only swaps layers.
    m = mapview.base_map(
        mapview.fit_bounds(places), basemap=basemap, offline=offline, land=land, kinds=places["kind"]
    )
    groups = []
    for kind in mapview.layer_kinds(shown["kind"]):
        rows = shown[shown["kind"] == kind]
        lit = tuple(h for h in highlight if h in set(rows["place_id"]))
        layer = render_layer(layer_key(rows, text_key, lit), rows, text, lit)
        groups.append(mapview.feature_group(kind, layer))
    st_folium(
        m,
        key="map",
        height=560,
        use_container_width=True,
        returned_objects=[],
        feature_group_to_add=groups or None,
        layer_control=folium.LayerControl(collapsed=False),
    )


def show_downloads(
    shown: Any, mentions: list[Any], text: str, text_key: str, claims: list[dict] | None
) -> None:
    st.subheader("Downloads")
    key = digest(text_key, list(shown["place_id"]), list(shown["count"]))
    cols = st.columns(3)
    cols[0].download_button(
        "Download all mapped places (GeoJSON)",
        functools.partial(export_geojson, key, shown, text, claims),
        file_name="places.geojson",
        mime="application/geo+json",
        key="dl_all",
        on_click="ignore",
        help="The places on the map (the filters apply), with mention types, the sentences that mention "
        "them and the checked claims they are part of.",
    )
    cols[1].download_button(
        "Download mentions (CSV)",
        functools.partial(export_csv, digest(key, len(mentions)), mentions, text),
        file_name="mentions.csv",
        mime="text/csv",
        key="dl_csv",
        on_click="ignore",
    )
    if claims:
        cols[2].download_button(
            "Download claims (JSON)",
            functools.partial(pd.DataFrame(claims).to_json, orient="records", force_ascii=False),
            file_name="claims.json",
            mime="application/json",
            key="dl_claims",
            on_click="ignore",
        )
    with st.expander("One GeoJSON per layer"):
        present = mapview.layer_kinds(shown["kind"])
        for col, kind in zip(st.columns(max(len(present), 1)), present, strict=False):
            rows = shown[shown["kind"] == kind]
            col.download_button(
                f"{mapview.style_for(kind).label} (GeoJSON)",
                functools.partial(export_geojson, digest(key, kind), rows, text, claims),
                file_name=f"{kind}.geojson",
                mime="application/geo+json",
                key=f"dl_{kind}",
                on_click="ignore",
            )


main()
