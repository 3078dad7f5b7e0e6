"""Streamlit entry point: news articles -> place mentions -> toggleable map layers, panels, downloads."""

from __future__ import annotations

import functools
import hashlib
import time
from datetime import date
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

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
def export_geojson(key: str, _places: Any, _text: str) -> str:
    """RFC 7946 GeoJSON of the given places (cached by content key)."""
    from dashboard import export

    return export.places_geojson(report.export_frame(_places, _text))


@st.cache_data(max_entries=16, show_spinner=False)
def export_csv(key: str, _mentions: list[Any], _text: str) -> str:
    """CSV of the mentions (cached by content key)."""
    from dashboard import export

    return export.mentions_csv(_mentions, _text)


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
        st.text_area("Paste an article", key="pasted", height=120, placeholder="date 2022-01-28 Title\nText…")
        st.file_uploader(
            "Upload articles (.txt, .md, .html)", type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads"
        )
        st.header("Filters")
        kinds = [s.kind for s in mapview.LAYERS]
        st.multiselect("Place kinds", kinds, default=kinds, key="kinds", format_func=_kind_label)
        st.multiselect("Mention types", MENTION_TYPES, default=list(MENTION_TYPES), key="types")
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
        )


def _kind_label(kind: str) -> str:
    return mapview.STYLES[kind].label


# --- page ----------------------------------------------------------------------------------------------


def show_metrics(summary: report.Summary) -> None:
    cols = st.columns(5)
    cols[0].metric("Mentions", summary.mentions)
    cols[1].metric("Distinct places", summary.places)
    cols[2].metric("Countries mentioned", summary.countries)
    cols[3].metric(
        "Most mentioned",
        summary.top_place or "-",
        f"{summary.top_count} mentions" if summary.top_place else None,
        delta_color="off",
    )
    cols[4].metric(
        "Area covered (km²)",
        f"{summary.area_km2:,.0f}",
        help="Geodesic area of the union of the mentioned countries, provinces, regions and seas "
        "(overlaps counted once), on the simplified display geometry.",
    )


def show_claims(claims: list[dict] | None) -> None:
    st.subheader("Claims check")
    if claims is None:
        st.info("Claims check not available (dashboard.claims is not installed).")
        return
    if not claims:
        st.caption("No checkable geographic claims found.")
        return
    frame = pd.DataFrame(claims)
    verdicts = frame["verdict"].value_counts()
    left, right = st.columns([1, 3])
    with left:
        st.metric("Claims checked", len(frame))
        for verdict, n in verdicts.items():
            st.metric(str(verdict).capitalize(), int(n))
    with right:
        order = ("verdict", "text", "stated", "computed", "unit", "kind", "method")
        cols = [c for c in order if c in frame]
        st.dataframe(frame[cols], hide_index=True, width="stretch")


def main() -> None:
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
        parts = []
        for a in articles:
            mentions, places = parse(a.text, a.date)
            parts.append((a.text, mentions, places))
    except DashboardError as exc:
        st.error(f"Could not analyse the articles: {exc}")
        return
    text, mentions, places = report.combine(parts)
    text_key = digest(text, [a.date for a in articles])

    claims: list[dict] | None = []
    for a, (_t, ms, _p) in zip(articles, parts, strict=True):
        found = check_claims(a.text, a.date, ms, digest(a.text, a.date))
        claims = None if found is None or claims is None else claims + found
    highlight = tuple(sorted({pid for c in claims or [] for pid in c.get("place_ids") or []}))

    shown = report.filter_places(places, st.session_state["kinds"], st.session_state["types"])
    kinds, types = set(st.session_state["kinds"]), set(st.session_state["types"])
    shown_mentions = [m for m in mentions if m.kind in kinds and m.type in types]

    # Filled after the map is drawn: the area union is the slowest panel and the map matters most.
    metrics_box = st.container()
    dates = sorted({a.date.isoformat() for a in articles if a.date})
    st.caption(
        f"{len(articles)} article(s): "
        + ", ".join(f"{a.title or a.source}" for a in articles)
        + f" · Alliance layers show membership on: {', '.join(dates) or 'today (no date in the article)'}"
    )

    show_map(shown, places, text, text_key, highlight)
    st.caption(settings.GEONAMES_ATTRIBUTION + " · Boundaries: Natural Earth (public domain)")
    with metrics_box:
        show_metrics(summarize(text_key, mentions, places))
    st.session_state["_render_s"] = time.perf_counter() - t0

    show_downloads(shown, shown_mentions, text, text_key, claims)
    show_claims(claims)

    st.subheader("Places")
    st.dataframe(report.places_table(shown), hide_index=True, width="stretch")
    st.subheader("Mentions")
    st.dataframe(report.mentions_table(shown_mentions, text), hide_index=True, width="stretch")
    st.subheader("Article text")
    st.html(
        "<div style='max-height:420px;overflow:auto;border:1px solid #ddd;padding:8px;"
        "font-family:sans-serif;line-height:1.5'>" + report.highlight_html(text, shown_mentions) + "</div>"
    )


def show_map(shown: Any, places: Any, text: str, text_key: str, highlight: tuple[str, ...]) -> None:
    offline = bool(st.session_state.get("offline"))
    basemap = "none" if offline else st.session_state.get("basemap", "none")
    land = land_layer() if basemap == "none" else None
    # Fit all places (not only the filtered ones) so a filter change keeps the map and view as they are.
    m = mapview.base_map(mapview.fit_bounds(places), basemap=basemap, offline=offline, land=land)
    groups = []
    for style in mapview.LAYERS:
        rows = shown[shown["kind"] == style.kind]
        if not len(rows):
            continue
        lit = tuple(h for h in highlight if h in set(rows["place_id"]))
        layer = render_layer(layer_key(rows, text_key, lit), rows, text, lit)
        groups.append(mapview.feature_group(style.kind, layer))
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
        functools.partial(export_geojson, key, shown, text),
        file_name="places.geojson",
        mime="application/geo+json",
        key="dl_all",
        on_click="ignore",
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
        present = [s for s in mapview.LAYERS if (shown["kind"] == s.kind).any()]
        for col, style in zip(st.columns(max(len(present), 1)), present, strict=False):
            rows = shown[shown["kind"] == style.kind]
            col.download_button(
                f"{style.label} (GeoJSON)",
                functools.partial(export_geojson, digest(key, style.kind), rows, text),
                file_name=f"{style.kind}.geojson",
                mime="application/geo+json",
                key=f"dl_{style.kind}",
                on_click="ignore",
            )


main()
