"""Streamlit entry point: news articles -> place mentions -> toggleable map layers, panels, downloads."""

from __future__ import annotations

import contextlib
import functools
import html
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

import corpus_view
import map_frame
from dashboard import appcache, mapview, report, settings
from dashboard.appcache import digest, layer_key
from dashboard.article import Article, read_article
from dashboard.errors import DashboardError, InputError
from dashboard.language import LanguageCheck, check_language
from dashboard.placekinds import MentionType
from dashboard.sizedcache import SizedCache

st.set_page_config(page_title="News geo dashboard", page_icon="🗺️", layout="wide")

MENTION_TYPES: tuple[str, ...] = tuple(t.value for t in MentionType)
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


def caches() -> dict[str, SizedCache]:
    """The server's caches of per-article work, bounded by bytes (``settings.CACHE_BUDGETS``).

    One per process, shared by every session and by the launcher's warm-up (``launch.py``), which fills
    them for the sample before the first page asks. They keep the values themselves (``st.cache_data``
    would unpickle a copy on every rerun): nothing below mutates what it gets from them.
    """
    return appcache.process_caches()


def cached(cache: str, key: Hashable, make: Callable[[], Any], spinner: str | None = None) -> Any:
    """The value of ``key`` in the named cache, else ``make()`` (with ``spinner`` shown while it runs)."""
    store = caches()[cache]
    if spinner is not None and key not in store:
        with st.spinner(spinner):
            return store.get(key, make)
    return store.get(key, make)


def parse(text: str, on: date | None) -> tuple[list[Any], Any]:
    """Mentions and the display places frame of one article's text (cached by text and date)."""

    def make() -> tuple[list[Any], Any]:
        gazetteer()
        return appcache.compute_parse(text, on)

    return cached("parse", appcache.parse_key(text, on), make, "Finding places…")


def check_claims(text: str, on: date | None, mentions: list[Any], key: str) -> list[dict] | None:
    """The article's checked claims as dicts, or None when the claims module is not available.

    ``key`` fingerprints the text, its date and the reader's corrections.
    """

    return cached("claims", key, lambda: appcache.compute_claims(text, on, mentions))


def summarize(key: str, mentions: list[Any], places: Any) -> report.Summary:
    """The metric panels' figures (cached by content key)."""
    return cached("summary", key, lambda: report.summarize(mentions, places))


@st.cache_resource(show_spinner=False)
def land_backdrop() -> dict | str:
    """The bundled land as a light backdrop for the basemap "none": the URL of a static file the map
    fetches (built once for this geodata), or the GeoJSON itself when static files are not served."""
    from dashboard.gazetteer import geodata_version

    def make() -> dict:
        return mapview.land_geojson(gazetteer().layer("country", display=True))

    if not st.get_option("server.enableStaticServing"):
        return make()
    try:
        return mapview.land_asset(make, geodata_version())
    except OSError:
        return make()


def render_layer(key: str, rows: Any, text: str, highlight: tuple[str, ...]) -> dict:
    """One layer's styled GeoJSON; ``key`` fingerprints the rows' content so only changed layers rebuild."""
    return cached("layer", key, lambda: mapview.layer_geojson(rows, text, highlight))


def export_geojson(key: str, items: list[tuple[str, Any, str, list[dict] | None]]) -> str:
    """RFC 7946 GeoJSON of each article's places (label, places, text, claims); cached by content key."""

    def make() -> str:
        from dashboard import export

        return export.places_geojson(report.export_frames(items))

    return cached("export", ("geojson", key), make)


def export_csv(key: str, items: list[tuple[str, list[Any], str]]) -> str:
    """CSV of each article's mentions (label, mentions, text); cached by content key."""
    return cached("export", ("csv", key), lambda: report.mentions_csv(items))


def language_of(text: str) -> LanguageCheck:
    """The article's language (English at once for English prose: the model only for the others)."""
    return cached("language", digest(text), lambda: check_language(text), "Checking the text's language…")


def corrected(text: str, on: date | None, key: str, fixes: report.Corrections) -> tuple[list[Any], Any]:
    """Mentions and places of an article after the reader's corrections (``key`` fingerprints them)."""

    def make() -> tuple[list[Any], Any]:
        from dashboard.geoparse import places_frame

        mentions, _ = parse(text, on)
        fixed = report.apply_corrections(mentions, fixes, place_info)
        return fixed, places_frame(fixed, on=on, display=True, explain=True)

    return cached("corrected", digest(text, on, key), make, "Applying your corrections…")


@st.cache_resource
def empty_places() -> Any:
    """An empty places frame (an article whose places are not shown)."""
    from dashboard.geoparse import places_frame

    return places_frame([], display=True)


@contextlib.contextmanager
def timed(step: str) -> Iterator[None]:
    """Record how long a step of this script run took (``st.session_state["_timings"]``, for the bench)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        st.session_state.setdefault("_timings", {})[step] = round(time.perf_counter() - t0, 4)


# --- articles: a library of every article read, one shown at a time -----------------------------------


@dataclass(frozen=True)
class Entry:
    """An article in the picker: its content hash (the key), the article, and where it came from."""

    key: str
    article: Article
    origin: str  # "sample" | "pasted" | "uploaded"


@dataclass(frozen=True)
class View:
    """One article as the page shows it: the (corrected) mentions and places, and its language."""

    entry: Entry
    label: str
    language: LanguageCheck
    skipped: bool  # not English and the reader did not ask to parse it anyway
    mentions: list[Any]
    places: Any


def seed_names() -> list[str]:
    """File names of the bundled sample articles."""
    return sorted(p.name for p in settings.SEEDS_DIR.iterdir() if p.suffix in (".txt", ".md"))


def library() -> dict[str, Entry]:
    """Every article read in this session, by content hash; the bundled samples first."""
    lib = st.session_state.get("library")
    if lib is None:
        lib = {}
        for name in seed_names():
            with contextlib.suppress(OSError, InputError):
                add(lib, read_article((settings.SEEDS_DIR / name).read_bytes(), name), "sample")
        st.session_state["library"] = lib
    return lib


def add(lib: dict[str, Entry], article: Article, origin: str) -> str:
    """Add an article unless the same text is already there (a file uploaded twice); returns its key."""
    key = digest(article.text)
    lib.setdefault(key, Entry(key, article, origin))
    return key


#: Session key set while a new page has had only its first run (header, metrics, map): see article_view.
AWAITING_WHOLE_PAGE = "_awaiting_whole_page"
#: Session key of the picker choices a paste or upload made that the sidebar has not drawn yet.
PENDING = "_pending_choices"


def show_article(key: str) -> None:
    """Make ``key`` the shown article (and, when combining, add it to the combined ones).

    The choice is also kept aside until the sidebar has drawn it (:func:`apply_pending_choices`): a run
    stopped before that (the reader clicks again, the map asks for the rest of the page) would otherwise
    lose it, as the browser sends the pickers' old values with the next rerun.
    """
    pending = st.session_state.setdefault(PENDING, {})
    pending["article"] = key
    combined = list(pending.get("combined") or st.session_state.get("combined") or [])
    if st.session_state.get("combine") and key not in combined:
        pending["combined"] = [*combined, key]
    apply_pending_choices()


def apply_pending_choices() -> None:
    """Set the pickers to the choices a paste or upload made (see :func:`show_article`)."""
    for widget_key, value in st.session_state.get(PENDING, {}).items():
        st.session_state[widget_key] = value


def ingest() -> list[str]:
    """Read a new paste or new uploads into the library and show the newest; returns input problems.

    Runs before the sidebar's widgets are drawn, so it may still set the picker. Each paste and upload is
    read once (remembered by content and file id), so reruns neither re-read nor re-select it.
    """
    lib = library()
    apply_pending_choices()
    seen: dict[str, str] = st.session_state.setdefault("_seen", {})  # paste/upload id -> key or problem
    problems = []
    pasted = st.session_state.get("pasted") or ""
    if pasted.strip():
        pid = "paste:" + digest(pasted)
        if pid not in seen:
            first = pasted.strip().splitlines()[0]
            first = first if len(first) <= 40 else first[:40] + "…"
            try:
                seen[pid] = add(lib, read_article(pasted, f"pasted: {first}"), "pasted")
                show_article(seen[pid])
            except InputError as exc:
                seen[pid] = f"!{exc}"
        if seen[pid].startswith("!"):
            problems.append(seen[pid][1:])
    for upload in st.session_state.get("uploads") or []:
        uid = f"upload:{upload.file_id}"
        if uid not in seen:
            try:
                seen[uid] = add(lib, report.read_upload(upload.name, upload.getvalue()), "uploaded")
                show_article(seen[uid])
            except InputError as exc:
                seen[uid] = f"!{exc}"
        if seen[uid].startswith("!"):
            problems.append(seen[uid][1:])
    return problems


def picker_label(entry: Entry) -> str:
    """An article in the picker: its title (else its file name or first words), date and origin."""
    a = entry.article
    when = a.date.isoformat() if a.date else "no date"
    return f"{a.title or a.source} · {when} · {entry.origin}"


def chosen_keys() -> list[str]:
    """The articles to show: the picked one, or the combined ones when combining is switched on."""
    lib = library()
    if st.session_state.get("combine"):
        return [k for k in st.session_state.get("combined") or [] if k in lib]
    key = st.session_state.get("article")
    return [key] if key in lib else list(lib)[:1]


def choose_defaults() -> None:
    """Set the picker's choices the page needs before the sidebar's widgets are drawn (after the map)."""
    lib = library()
    keys = list(lib)
    if st.session_state.get("article") not in lib and keys:
        st.session_state["article"] = keys[0]
    if st.session_state.get("combine") and "combined" not in st.session_state:
        st.session_state["combined"] = [st.session_state["article"]]


def option_defaults() -> dict[str, Any]:
    """The sidebar options' default values, by widget key."""
    return {
        "kinds": [s.kind for s in mapview.LAYERS],
        "types": list(MENTION_TYPES),
        "offline": local_assets(),  # on when Leaflet can be served from here
        "basemap": next(iter(mapview.BASEMAPS)),
    }


def option(key: str) -> Any:
    """A sidebar option's value, usable before its widget is drawn in this run (the widget's default on a
    session's first run, which draws the sidebar after the map)."""
    return st.session_state[key] if key in st.session_state else option_defaults()[key]


def sidebar() -> None:
    """Input and display options; values live in st.session_state under the widget keys."""
    choose_defaults()
    lib = library()
    keys = list(lib)
    # A closure over this run's labels: widgets call it again later, outside the run's session state.
    labels = {k: picker_label(e) for k, e in lib.items()}
    defaults = option_defaults()
    with st.sidebar, st.container(key=PAGE_DONE.removeprefix(".st-key-")):
        st.header("Article")
        st.selectbox("Shown article", keys, key="article", format_func=labels.__getitem__)
        if st.session_state.get("combine"):
            st.multiselect("Articles combined", keys, key="combined", format_func=labels.__getitem__)
        st.session_state.pop(PENDING, None)  # the pickers now show them: the reader's own picks rule again
        st.session_state.pop(AWAITING_WHOLE_PAGE, None)
        st.toggle(
            "Combine articles",
            key="combine",
            help="Show several articles together: counts add up, and every table and download gets an "
            "article column. Off: one article at a time.",
        )
        st.text_area(
            "Paste an article",
            key="pasted",
            height=120,
            placeholder="date 2022-01-28 Title\nText…",
            help="The pasted article is shown at once and added to the picker. An optional first line "
            "`date YYYY-MM-DD Title` gives the article's date, which decides alliance membership (map and "
            "border claims). Without it, today's date is used.",
        )
        st.file_uploader(
            "Upload articles (.txt, .md, .html)",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            key="uploads",
            help="Each file is added to the picker once (the same content twice is one article); the last "
            "one uploaded is shown.",
        )
        st.header("Filters")
        st.multiselect(
            "Place kinds",
            defaults["kinds"],
            default=defaults["kinds"],
            key="kinds",
            format_func=_kind_label,
            help="Map layers, metrics, tables and downloads show only these kinds.",
        )
        st.multiselect(
            "Mention types",
            MENTION_TYPES,
            default=defaults["types"],
            key="types",
            help="literal: the place's name; demonym: e.g. 'Russian'; metonymic: a capital or seat of power "
            "standing for a government ('the Kremlin'); alliance: a group of countries such as Nato. "
            "Map, metrics, tables and downloads count only these.",
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


# --- analysing the chosen articles ----------------------------------------------------------------------


def corrections_for(key: str) -> report.Corrections:
    """The reader's corrections of one article (kept in the session, by the article's content hash)."""
    return st.session_state.setdefault("corrections", {}).get(key, report.Corrections())


def analyse(entry: Entry) -> View:
    """Language check, geoparse and the reader's corrections for one article (each step cached)."""
    a = entry.article
    label = report.article_label(a)
    lang = language_of(a.text)
    if not lang.supported and not st.session_state.get(f"anyway_{entry.key}"):
        return View(entry, label, lang, True, [], empty_places())
    fixes = corrections_for(entry.key)
    if fixes:
        mentions, places = corrected(a.text, a.date, digest(fixes), fixes)
    else:
        mentions, places = parse(a.text, a.date)
    return View(entry, label, lang, False, mentions, places)


def notices(views: list[View]) -> None:
    """Say when an article is not in English (offer to parse it anyway) or has no places."""
    for v in views:
        this = "This text" if len(views) == 1 else f"“{report.escape_markdown(v.label)}”"
        if not v.language.supported:
            if v.skipped:
                st.warning(
                    f"{this} looks like **{v.language.name}**; only English is supported, so no places are "
                    "shown (the geoparser knows English place names and cues only).",
                    icon=":material/translate:",
                )
            else:
                st.warning(
                    f"{this} looks like **{v.language.name}**: places found anyway, expect false matches.",
                    icon=":material/translate:",
                )
            # Always drawn for such an article, so the choice survives reruns and can be undone.
            st.checkbox("Find places in it anyway (expect false matches)", key=f"anyway_{v.entry.key}")
        elif not v.mentions:
            where = "in this text" if len(views) == 1 else f"in “{report.escape_markdown(v.label)}”"
            st.info(f"No places found {where}.", icon="ℹ️")


# --- page ----------------------------------------------------------------------------------------------

#: CSS for the whole page: a compact header so the map starts above the fold on a laptop, and metric
#: values, claim values and download buttons that wrap instead of being cut off on narrow screens.
PAGE_CSS = """
<style>
.block-container {padding-top: 2.2rem; padding-bottom: 1rem;}
h1 {font-size: 1.6rem !important; padding: 0 0 .2rem 0 !important;}
[data-testid="stMetric"] {padding: .1rem 0;}
[data-testid="stMetricValue"] {font-size: 1.45rem; line-height: 1.25;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word;
}
[data-testid="stMetricLabel"] * {white-space: normal !important; overflow-wrap: normal;}
.st-key-layer_downloads [data-testid="stHorizontalBlock"] {
  flex-wrap: wrap; row-gap: .4rem;
}
.metric-row {display: flex; flex-wrap: wrap; gap: .4rem 1rem; padding: .1rem 0;}
.metric-row .metric {flex: 1 1 7.5rem; min-width: 7.5rem; cursor: help;}
.metric-row .metric-label {font-size: .875rem; opacity: .6;}
.metric-row .metric-value {font-size: 1.45rem; line-height: 1.25; overflow-wrap: break-word;}
.metric-row .metric-note {font-size: .875rem; opacity: .6;}
.st-key-layer_downloads [data-testid="stColumn"] {min-width: 10rem; flex: 1 1 10rem;}
[data-testid="stDownloadButton"] button, [data-testid="stButton"] button {
  height: auto; min-height: 2.5rem; max-width: 100%;
}
[data-testid="stDownloadButton"] button *, [data-testid="stButton"] button * {
  white-space: normal !important; overflow-wrap: break-word; text-overflow: clip !important;
}
</style>
"""


class Figure(NamedTuple):
    """One figure of the metric row: what it counts, its value, an optional note under it, a tooltip."""

    label: str
    value: str
    note: str | None
    help: str


def metric_row_html(figures: list[Figure]) -> str:
    """The metric row as one HTML block in the look of Streamlit's metrics: a label over a large value, a
    grey note under it, the help on hover. One ``st.html`` (whose module the page's CSS loads anyway)
    instead of five ``st.metric``: the browser shows the first run's elements, the map's frame among them,
    only once their element modules are loaded, and the metric's are nine more requests (Metric.js,
    numbro.js, ...) on that path. Every text is escaped."""
    cells = []
    for f in figures:
        note = f'<div class="metric-note">{html.escape(f.note)}</div>' if f.note else ""
        cells.append(
            f'<div class="metric" title="{html.escape(f.help)}">'
            f'<div class="metric-label">{html.escape(f.label)}</div>'
            f'<div class="metric-value">{html.escape(f.value)}</div>{note}</div>'
        )
    return f'<div class="metric-row">{"".join(cells)}</div>'


def show_metrics(summary: report.Summary, filtered: bool) -> None:
    """Figures a reporter would quote; they count what the filters keep (and say so when filtered)."""
    follow = " Follows the sidebar filters." if filtered else ""
    top_note = report.plural(summary.top_count, "mention") if summary.top_place else None
    figures = [
        Figure("Mentions", f"{summary.mentions:,}", None, "Place mentions in the text." + follow),
        Figure("Places", f"{summary.places:,}", None, "Distinct places mentioned." + follow),
        Figure(
            "Countries",
            f"{summary.countries:,}",
            None,
            "Mentioned by name, demonym or capital." + follow,
        ),
        Figure(
            "Top place",
            summary.top_place or "-",
            top_note,
            "The place named most often." + follow,
        ),
        Figure(
            "Countries' area",
            report.format_area(summary.countries_km2),
            None,
            "Total area of the countries mentioned (geodesic, on the bundled outlines). Seas, continents, "
            "regions and alliances are not counted." + follow,
        ),
    ]
    st.html(metric_row_html(figures))
    if len(summary.top) > 1:
        top = " · ".join(f"{report.escape_markdown(n)} {c}" for n, c in summary.top)
        st.caption(f"Most mentioned: {top}" + (" (as filtered)" if filtered else ""))


#: Tile colour -> Streamlit delta colour: red only for a "differs" of high confidence (report.claim_tile).
TILE_DELTA_COLOR = {"green": "normal", "red": "inverse", "grey": "off"}


def show_claim_tiles(claims: list[dict] | None) -> None:
    """One tile per checked claim: stated figure in the label, computed as the value, verdict and confidence
    as the delta; how it was measured one click away; a "cannot check" says what was missing."""
    if claims is None:
        st.info("Claims check not available (dashboard.claims is not installed).")
        return
    if not claims:
        st.caption(
            "Claims check: no checkable claim (length, border, area, distance, size comparison, rank) in the "
            "text."
        )
        return
    per_row = 3
    esc = report.escape_markdown
    for i in range(0, len(claims), per_row):
        cols = st.columns(per_row)
        for j, (col, claim) in enumerate(zip(cols, claims[i : i + per_row], strict=False)):
            tile = report.claim_tile(claim)
            # Labels, help and details are Markdown; they quote article text, so everything is escaped.
            delta = tile.verdict if tile.missing else f"{tile.verdict} · {tile.confidence} confidence"
            delta += f" · {tile.note}" if tile.note else ""
            col.metric(
                esc(tile.label),
                tile.value,
                delta,
                delta_color=TILE_DELTA_COLOR.get(tile.color, "off"),
                delta_arrow="off",
                help=esc(tile.help),
                border=True,
            )
            if tile.missing:
                col.caption(f"Missing: {esc(tile.missing)}")
            with col.popover("How it was measured", key=f"claim-how-{i + j}"):
                for title, text in tile.how:
                    st.markdown(f"**{esc(title)}**: {esc(text)}")


def show_claims_table(claims: list[dict] | None) -> None:
    """The claims table; a static table so that sentences and methods wrap instead of scrolling sideways."""
    if claims:
        n = len(claims)
        title = f"Claims table: {n} checked claim{'s' if n != 1 else ''}, verdicts, methods, sentences"
        # Lazy, as the places and mentions tables are (a new page's map showed about 0.1 s sooner).
        box = st.expander(title, key="claims_table", on_change="rerun")
        if box.open:
            with box:
                st.table(report.claims_table(claims), hide_index=True)


def header(views: list[View]) -> None:
    """A one-line title and the article(s) shown, with the date of their places, alliances and claims."""
    st.title("News geo dashboard")
    today = date.today().isoformat()
    parts = []
    for v in views:
        a = v.entry.article
        when = a.date.isoformat() if a.date else f"no date given, today's date {today} used"
        # The title is article text (escaped); the date is ISO digits.
        parts.append(f"{report.escape_markdown(a.title or a.source)} ({when})")
    shown = "Combined: " if len(views) > 1 else "Shown: "
    st.caption(
        shown
        + "; ".join(parts)
        + ". Places are resolved as of the article's date (West Germany, the USSR, Burma in 1987), and"
        " alliance layers and border claims use membership on that date."
    )


def main() -> None:
    """The page: global style, then the article view (one article, or several combined)."""
    st.session_state["_timings"] = {}
    first_paint = "_session_started" not in st.session_state and first_view() == "Article"
    st.session_state["_session_started"] = True
    if first_paint:
        st.session_state[AWAITING_WHOLE_PAGE] = True
    st.html(PAGE_CSS)
    if first_paint:
        # Where the view switch goes on the next run; a new page loads no widget before its map.
        st.sidebar.caption("Loading the options…")
    elif corpus_view.view_switch() == "Corpus":
        corpus_view.render()
        return
    article_view(first_paint=first_paint)


def first_view() -> str:
    """The view a new page opens on: the URL's ``?view=`` (the view switch is bound to it), else Article."""
    view = st.query_params.get(corpus_view.VIEW_KEY)
    return view if view in corpus_view.VIEWS else "Article"


#: A CSS selector of an element only the whole article page has (the sidebar's options): while the page
#: lacks it, the map reports that it is drawn (:class:`mapview.DrawnReport`), which asks for the rest.
PAGE_DONE = ".st-key-article_options"
#: Seconds after a new page's first run before it asks for the rest of the page itself, should the map
#: never report that it is drawn (its scripts failed to load): the sidebar must come in any case.
FIRST_PAINT_FALLBACK_S = 4.0


def article_view(first_paint: bool = False) -> None:
    """Header, notices, metrics, map, claims, downloads, corrections and tables of the articles; sidebar.

    On a new page the browser, not the server, takes most of the time to map: Streamlit's frontend builds
    every element on the thread that also runs the map's frame. So a session's first run (``first_paint``)
    sends the header, the metrics and the map only; the map reports when it is drawn, and that rerun sends
    the rest (claim tiles, downloads, corrections, tables, the sidebar's widgets; their values are read
    from their defaults until then). On every run the map is sent before the elements below it and before
    the sidebar's widgets, with the header and metrics filling a container above it, and its arguments are
    the same on both runs, so the browser keeps the drawn map.
    """
    problems = ingest()
    choose_defaults()
    try:
        article_page(problems, first_paint)
    finally:
        if first_paint:
            first_paint_fallback()
        else:
            sidebar()


@st.fragment(run_every=FIRST_PAINT_FALLBACK_S)
def first_paint_fallback() -> None:
    """Ask for the whole page (an app rerun) when the map has not done so in time; see :func:`article_view`.

    Runs once in the first run, then on the timer; the frontend stops the timer when the app reruns.
    """
    if AWAITING_WHOLE_PAGE not in st.session_state:  # the whole page came already: no rerun for it
        return
    if st.session_state.get("_first_paint_waited"):
        st.rerun(scope="app")
    st.session_state["_first_paint_waited"] = True


def article_page(problems: list[str], first_paint: bool = False) -> None:
    """The main area of the article view (see :func:`article_view`); only down to the map's caption on a
    new page's first run (``first_paint``)."""
    t0 = time.perf_counter()
    entries = [library()[k] for k in chosen_keys()]
    for problem in problems:
        st.error(problem, icon="⚠️")
    if not entries:
        st.title("News geo dashboard")
        st.warning("No article to show: pick one in the sidebar, paste text or upload a file.")
        return
    try:
        with timed("geoparse"):
            views = [analyse(e) for e in entries]
    except DashboardError as exc:
        st.error(f"Could not analyse the articles: {exc}")
        return
    top = st.container()  # header, notices and metrics: filled after the map is sent
    combined = len(views) > 1
    labels = [v.label for v in views]
    text, mentions, places = report.combine(
        [(v.entry.article.text, v.mentions, v.places) for v in views], labels if combined else None
    )
    # Everything cached per page keys on this: the texts, their dates, and what the reader decided.
    text_key = digest(text, [(v.entry.article.date, v.skipped, corrections_for(v.entry.key)) for v in views])

    with timed("claims"):
        # Per article: None when the claims module is not available.
        by_article: dict[str, list[dict]] | None = {}
        for v in views:
            found = [] if v.skipped else article_claims(v)
            if found is None or by_article is None:
                by_article = None
                continue
            by_article[v.entry.key] = [{**c, "article": v.label} for c in found] if combined else found
    claims = None if by_article is None else [c for cs in by_article.values() for c in cs]
    highlight = tuple(sorted({pid for c in claims or [] for pid in c.get("place_ids") or []}))

    # Kinds nobody has styled yet (new in the gazetteer) are always shown rather than silently dropped.
    kinds = set(option("kinds")) | (set(places["kind"]) - set(mapview.STYLES))
    types = set(option("types"))
    shown = report.filter_places(places, kinds, types)
    shown_mentions = [m for m in mentions if m.kind in kinds and m.type in types]
    filtered = len(shown_mentions) < len(mentions)

    with timed("map"):
        show_map(shown, places, text, text_key, highlight)
    with top, timed("metrics"):
        header(views)
        notices(views)
        show_metrics(
            summarize(digest(text_key, sorted(kinds), sorted(types)), shown_mentions, shown), filtered
        )
    st.caption(
        settings.GEONAMES_ATTRIBUTION
        + " · Boundaries: Natural Earth (public domain) · Outlined in yellow: places in a checked claim"
    )
    if first_paint:
        return
    with timed("claims_panel"):
        show_claim_tiles(claims)
        show_claims_table(claims)
    st.session_state["_render_s"] = time.perf_counter() - t0

    # Below the fold: per article, so offsets, contexts and the article column stay each article's own.
    with timed("below_fold"):
        parts = (
            [
                (
                    v,
                    report.filter_places(v.places, kinds, types),
                    [m for m in v.mentions if m.kind in kinds and m.type in types],
                )
                for v in views
            ]
            if combined
            else [(views[0], shown, shown_mentions)]
        )
        with timed("downloads"):
            show_downloads(parts, text_key, by_article, combined)
        with timed("corrections"):
            show_corrections(views)
        with timed("tables"):
            # Lazy: a closed expander's content is neither built nor sent, so a new page's map does not
            # wait for the browser to build two data grids and the highlighted text (its main thread was
            # busy 1.4 s instead of 1.8 s before the map showed, bench_dashboard.py's trace).
            box = st.expander(
                "Places and mentions tables, article text", key="tables", on_change="rerun", icon="📋"
            )
            if box.open:
                with box:
                    show_tables(parts, combined)


def article_claims(v: View) -> list[dict] | None:
    """The checked claims of one article (cached by its text, date and corrections)."""
    a = v.entry.article
    key = appcache.claims_key(a.text, a.date, corrections_for(v.entry.key))
    return check_claims(a.text, a.date, v.mentions, key)


def show_tables(parts: list[tuple[View, Any, list[Any]]], combined: bool) -> None:
    """Places and mentions tables (confidence shown, weak matches flagged) and the highlighted text."""
    conf = st.column_config.NumberColumn(
        "confidence",
        format="%.2f",
        help=f"How sure the geoparser is (0-1); below {report.WEAK_CONFIDENCE} the match is weak.",
    )
    weak = st.column_config.CheckboxColumn(
        "weak", help=f"Confidence below {report.WEAK_CONFIDENCE}: check it."
    )
    why = st.column_config.TextColumn("why", help="Why the geoparser chose this place over others so named.")
    config = {"confidence": conf, "weak": weak, "why": why}
    st.subheader("Places")
    tables = [report.places_table(p, ms, v.label if combined else None) for v, p, ms in parts]
    st.dataframe(
        report.stack_tables(tables),
        hide_index=True,
        width="stretch",
        column_config=config,
    )
    st.subheader("Mentions")
    tables = [
        report.mentions_table(ms, v.entry.article.text, v.label if combined else None, report.place_whys(p))
        for v, p, ms in parts
    ]
    st.dataframe(
        report.stack_tables(tables),
        hide_index=True,
        width="stretch",
        column_config=config,
    )
    st.subheader("Article text" if not combined else "Article texts")
    for v, _, ms in parts:
        title = f"<h4>{report.escape_text(v.label)}</h4>" if combined else ""
        st.html(
            title + "<div style='max-height:420px;overflow:auto;border:1px solid #ddd;padding:8px;"
            "font-family:sans-serif;line-height:1.5'>"
            + report.highlight_html(v.entry.article.text, ms)
            + "</div>"
        )


# --- the reader's corrections -----------------------------------------------------------------------------


@st.cache_resource
def place_index() -> Any:
    """Every place's primary name, kind, country, state and population, by id (for choices and labels)."""
    names = gazetteer().names()
    return names[names["primary"]].drop_duplicates("place_id").set_index("place_id")


def place_info(pid: str) -> dict[str, Any]:
    """Name, kind and country of a place id (``KeyError`` when unknown)."""
    return place_index().loc[pid].to_dict()


def place_label(pid: str) -> str:
    """A gazetteer place as a choice: name, kind, where it is, population for towns."""
    try:
        p = place_info(pid)
    except KeyError:
        return pid
    # A US state code tells the Parises apart; other admin-1 codes ("L", "11") mean nothing to a reader.
    country = p.get("country") if isinstance(p.get("country"), str) else ""
    state = p.get("admin1") if country == "USA" and isinstance(p.get("admin1"), str) else ""
    where = f"{state} {country}".strip()
    pop = p.get("population")
    size = f", pop. {int(pop):,}" if isinstance(pop, int | float) and pop == pop and pop > 0 else ""
    return f"{p['name']} · {p['kind']}" + (f" · {where}" if where else "") + size


def correct(key: str, place_id: str, choice: str) -> None:
    """Record the reader's choice for a place of article ``key``: "remove" or another place id.

    Corrections are kept against the geoparser's own ids, so correcting a place picked earlier re-points
    the original mentions.
    """
    fixes = corrections_for(key)
    replaced = dict(fixes.replaced)
    originals = [o for o, new in replaced.items() if new == place_id] or [place_id]
    removed = set(fixes.removed)
    for o in originals:
        if choice == "remove":
            removed.add(o)
            replaced.pop(o, None)
        elif choice == o:
            replaced.pop(o, None)
        else:
            replaced[o] = choice
    st.session_state["corrections"][key] = report.Corrections(
        frozenset(removed), tuple(sorted(replaced.items()))
    )


@st.fragment
def show_corrections(views: list[View]) -> None:
    """Let the reader remove a wrong place or pick another place of the same name; downloads follow.

    Behind a toggle: the gazetteer's name look-up takes about a second to build, which only a reader who
    corrects something should wait for. A fragment: opening the panel and choosing a place rerun only the
    panel, not the map and tables above it; applying or undoing a correction reruns the whole page.
    """
    views = [v for v in views if len(v.places)]
    weak = sum(
        c < report.WEAK_CONFIDENCE for v in views for c in report.place_confidence(v.mentions).values()
    )
    flagged = f" ({report.plural(weak, 'weak match', 'weak matches')})" if weak else ""
    on = st.toggle(
        f"Correct a place: remove it, or pick another place of that name{flagged}",
        key="fixing",
        help=f"Weak matches (confidence below {report.WEAK_CONFIDENCE}) come first. The map, metrics, tables "
        "and downloads follow the correction; it is kept for this article until undone.",
    )
    if not on:
        return
    with st.container(border=True):
        if not views:
            st.caption("No places to correct.")
            return
        v = views[0]
        if len(views) > 1:
            pick = st.selectbox(
                "Article", range(len(views)), format_func=lambda i: views[i].label, key="fix_article"
            )
            v = views[pick]
        conf = report.place_confidence(v.mentions)
        rows = v.places.assign(conf=[conf.get(p, 1.0) for p in v.places["place_id"]])
        rows = rows.sort_values(["conf", "count"], ascending=[True, False], kind="stable")
        info = {
            pid: (name, kind, int(n), c)
            for pid, name, kind, n, c in zip(
                rows["place_id"], rows["name"], rows["kind"], rows["count"], rows["conf"], strict=True
            )
        }

        def fmt(pid: str) -> str:
            name, kind, n, c = info[pid]
            flag = "⚠ weak · " if c < report.WEAK_CONFIDENCE else ""
            return f"{flag}{name} · {kind} · {report.plural(n, 'mention')} · confidence {c:.2f}"

        cols = st.columns(2)
        pid = cols[0].selectbox("Place", list(info), format_func=fmt, key=f"fix_place_{v.entry.key}")
        names = [info[pid][0], *(m.text for m in v.mentions if m.place_id == pid)]
        options = [pid, "remove", *report.candidates(pid, names, gazetteer().lookup)]
        choice = cols[1].selectbox(
            "Should be",
            options,
            format_func=lambda o: (
                "as found: " + place_label(o)
                if o == pid
                else "not this place: remove it"
                if o == "remove"
                else place_label(o)
            ),
            key=f"fix_choice_{v.entry.key}_{pid}",
        )
        c1, c2 = st.columns(2)
        if c1.button("Apply the correction", key=f"fix_apply_{v.entry.key}", disabled=choice == pid):
            correct(v.entry.key, pid, choice)
            st.rerun()
        fixes = corrections_for(v.entry.key)
        if fixes:
            done = [f"removed {place_label(p)}" for p in sorted(fixes.removed)]
            done += [f"{place_label(a)} → {place_label(b)}" for a, b in fixes.replaced]
            st.caption("Corrected: " + report.escape_markdown("; ".join(done)))
            if c2.button("Undo all corrections of this article", key=f"fix_undo_{v.entry.key}"):
                st.session_state["corrections"].pop(v.entry.key, None)
                st.rerun()


def show_map(shown: Any, places: Any, text: str, text_key: str, highlight: tuple[str, ...]) -> None:
    """The map: the basemap, one overlay per kind of the shown places, the layer control.

    Rendering the map into its component's arguments (0.1-0.3 s a run, most of a warm run) is kept per
    content: a run that shows the same map sends the same arguments without rendering them again.
    """
    offline = bool(option("offline"))
    basemap = "none" if offline else option("basemap")
    land = land_backdrop() if basemap == "none" else None
    layers = []
    for kind in mapview.layer_kinds(shown["kind"]):
        rows = shown[shown["kind"] == kind]
        lit = tuple(h for h in highlight if h in set(rows["place_id"]))
        layers.append((kind, rows, lit, layer_key(rows, text_key, lit)))

    def make() -> dict[str, Any]:
        # Fit (and list in the legend) all places, not only the filtered ones, so a filter change keeps
        # the map and its view as they are and only swaps layers.
        m = mapview.base_map(
            mapview.fit_bounds(places), basemap=basemap, offline=offline, land=land, kinds=places["kind"]
        )
        groups = [mapview.feature_group(k, render_layer(lk, rows, text, lit)) for k, rows, lit, lk in layers]
        # On every run, so that the map's script, and so its frame, is the same on the first run and after.
        mapview.DrawnReport(PAGE_DONE).add_to(m)
        return map_frame.map_args(m, groups, height=MAP_HEIGHT_PX)

    land_id = land if isinstance(land, str) else land is not None
    key = digest(text_key, basemap, offline, land_id, [(k, lk) for k, _, _, lk in layers])
    map_frame.show(cached("map", key, make))


#: The map's height; it takes the page's full width.
MAP_HEIGHT_PX = 560


def show_downloads(
    parts: list[tuple[View, Any, list[Any]]],
    text_key: str,
    claims: dict[str, list[dict]] | None,
    combined: bool,
) -> None:
    """GeoJSON (all places, one per layer), CSV and JSON downloads; each row names its article."""
    st.subheader("Downloads")
    key = digest(text_key, [(list(p["place_id"]), list(p["count"])) for _, p, _ in parts])
    per_article = "one feature per article and place, " if combined else ""

    def items(kind: str | None = None) -> list[tuple[str, Any, str, list[dict] | None]]:
        out = []
        for v, p, _ in parts:
            rows = p if kind is None else p[p["kind"] == kind]
            found = None if claims is None else claims.get(v.entry.key, [])
            out.append((v.label, rows, v.entry.article.text, found))
        return out

    cols = st.columns(3)
    cols[0].download_button(
        "Download all mapped places (GeoJSON)",
        functools.partial(export_geojson, key, items()),
        file_name="places.geojson",
        mime="application/geo+json",
        key="dl_all",
        on_click="ignore",
        width="stretch",
        help=f"The places on the map ({per_article}the filters apply), with their article, mention types, "
        "the sentences that mention them and the checked claims they are part of.",
    )
    csv_items = [(v.label, ms, v.entry.article.text) for v, _, ms in parts]
    cols[1].download_button(
        "Download mentions (CSV)",
        functools.partial(export_csv, digest(key, [len(ms) for _, _, ms in parts]), csv_items),
        file_name="mentions.csv",
        mime="text/csv",
        key="dl_csv",
        on_click="ignore",
        width="stretch",
        help="One row per mention; the source column names the article, offsets index its own text.",
    )
    flat = [c for cs in (claims or {}).values() for c in cs]
    if flat:
        cols[2].download_button(
            "Download claims (JSON)",
            functools.partial(pd.DataFrame(flat).to_json, orient="records", force_ascii=False),
            file_name="claims.json",
            mime="application/json",
            key="dl_claims",
            on_click="ignore",
            width="stretch",
        )
    # Lazy, as the tables are: up to a dozen buttons a new page need not build before its map.
    layers = st.expander("One GeoJSON per layer", key="layer_downloads_open", on_change="rerun")
    if not layers.open:
        return
    with layers:
        present = mapview.layer_kinds(pd.concat([p["kind"] for _, p, _ in parts]))
        box, per_row = st.container(key="layer_downloads"), 4
        for i in range(0, len(present), per_row):
            row = present[i : i + per_row]
            for col, kind in zip(box.columns(per_row), row, strict=False):
                col.download_button(
                    f"{mapview.style_for(kind).label} (GeoJSON)",
                    functools.partial(export_geojson, digest(key, kind), items(kind)),
                    file_name=f"{kind}.geojson",
                    mime="application/geo+json",
                    key=f"dl_{kind}",
                    on_click="ignore",
                    width="stretch",
                )


if __name__ == "__main__":  # Streamlit runs the script as __main__; a spawned worker process must not
    main()
