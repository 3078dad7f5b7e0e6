"""Metrics, tables, sentence contexts and escaped highlights computed from mentions; pure (no UI)."""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pandas as pd
import shapely
from pyproj import Geod

from dashboard.article import Article, read_article
from dashboard.errors import InputError
from dashboard.sentences import split_sentences

#: Kinds whose polygons count towards the "area covered" metric. Alliances and continents are
#: groupings of countries rather than areas the article talks about, so they are left out.
AREA_KINDS: tuple[str, ...] = ("country", "province", "county", "region", "sea")

_GEOD = Geod(ellps="WGS84")


def escape_text(text: str) -> str:
    """Escape untrusted text for HTML and for Jinja/branca templates.

    ``html.escape`` handles ``<``, ``>``, ``&`` and quotes; braces become character references
    so that ``{{ ... }}`` can never be evaluated by a template engine downstream.

    Parameters
    ----------
    text : str
        Untrusted text (article text, file names, ...).

    Returns
    -------
    str
        HTML-safe text that displays exactly as the input.
    """
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


@functools.lru_cache(maxsize=8)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Return ``(start, end)`` offsets of the sentences of ``text`` (stripped, non-empty).

    Parameters
    ----------
    text : str
        The whole article text.

    Returns
    -------
    tuple of tuple of int
        Sentence offsets in order; ``text[start:end]`` is one sentence. Cached per text: the map's popups
        and the tables ask for the same article's sentences once per place.
    """
    return tuple((s.start, s.end) for s in split_sentences(text))


@dataclass(frozen=True)
class Context:
    """The sentence around one mention, with the mention's offsets relative to the sentence."""

    sentence: str
    start: int
    end: int

    def plain(self) -> str:
        """The sentence as plain text."""
        return self.sentence

    def html(self) -> str:
        """The sentence escaped for HTML, the mention wrapped in ``<mark>``."""
        s = self.sentence
        return (
            escape_text(s[: self.start])
            + "<mark>"
            + escape_text(s[self.start : self.end])
            + "</mark>"
            + escape_text(s[self.end :])
        )


def context_of(text: str, start: int, end: int, spans: Sequence[tuple[int, int]] | None = None) -> Context:
    """Return the sentence containing ``text[start:end]``.

    Parameters
    ----------
    text : str
        The whole article text.
    start, end : int
        Offsets of the mention.
    spans : sequence of tuple, optional
        Precomputed :func:`sentence_spans` (pass them when looking up many mentions).

    Returns
    -------
    Context
    """
    spans = sentence_spans(text) if spans is None else spans
    # Spans are sorted and disjoint: bisect, so contexts for many mentions stay linear overall.
    i = bisect_right(spans, (start, len(text) + 1)) - 1
    if i >= 0:
        s_start, s_end = spans[i]
        if s_start <= start < s_end:
            s_end = max(s_end, end)
            return Context(text[s_start:s_end], start - s_start, end - s_start)
    return Context(text[start:end], 0, end - start)


def _get(m: Any, name: str) -> Any:
    return m[name] if isinstance(m, dict) else getattr(m, name)


def mentions_table(mentions: Iterable[Any], text: str) -> pd.DataFrame:
    """One row per mention: place, kind, mention type, matched text, offsets and sentence context.

    Parameters
    ----------
    mentions : iterable of Mention
        Mentions as returned by ``geoparse`` (objects or dicts with the same fields).
    text : str
        The article text the offsets refer to.

    Returns
    -------
    pandas.DataFrame
        Columns place, kind, type, text, start, end, place_id, context.
    """
    spans = sentence_spans(text)
    rows = []
    for m in mentions:
        ctx = context_of(text, _get(m, "start"), _get(m, "end"), spans)
        rows.append(
            {
                "place": _get(m, "name"),
                "kind": _get(m, "kind"),
                "type": _get(m, "type"),
                "text": _get(m, "text"),
                "start": _get(m, "start"),
                "end": _get(m, "end"),
                "place_id": _get(m, "place_id"),
                "context": ctx.plain(),
            }
        )
    columns = ["place", "kind", "type", "text", "start", "end", "place_id", "context"]
    return pd.DataFrame(rows, columns=columns)


def places_table(places: pd.DataFrame) -> pd.DataFrame:
    """One row per place, most mentioned first: name, kind, country, count, mention types, place_id.

    Parameters
    ----------
    places : pandas.DataFrame
        The ``places_frame`` GeoDataFrame (geometry is dropped).

    Returns
    -------
    pandas.DataFrame
    """
    columns = ["name", "kind", "country", "count", "types", "place_id"]
    if len(places) == 0:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "name": places["name"].to_numpy(),
            "kind": places["kind"].to_numpy(),
            "country": places["country"].to_numpy(),
            "count": places["count"].astype(int).to_numpy(),
            "types": [", ".join(mention_types(ms)) for ms in places["mentions"]],
            "place_id": places["place_id"].to_numpy(),
        }
    )
    return out.sort_values(["count", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def mention_types(mentions: Iterable[Any]) -> list[str]:
    """Distinct mention types in first-seen order."""
    return list(dict.fromkeys(_get(m, "type") for m in mentions))


def filter_places(places: pd.DataFrame, kinds: Iterable[str], types: Iterable[str]) -> pd.DataFrame:
    """Keep places of the given kinds that have at least one mention of the given types.

    Parameters
    ----------
    places : pandas.DataFrame
        The ``places_frame`` GeoDataFrame.
    kinds, types : iterable of str
        Allowed place kinds and mention types.

    Returns
    -------
    pandas.DataFrame
        A subset of ``places`` (same type), counts restricted to the allowed mention types.
    """
    kinds, types = set(kinds), set(types)
    if len(places) == 0:
        return places
    kept = [[m for m in ms if _get(m, "type") in types] for ms in places["mentions"]]
    out = places.copy()
    out["mentions"] = kept
    out["count"] = [len(ms) for ms in kept]
    mask = out["kind"].isin(kinds).to_numpy() & (out["count"] > 0).to_numpy()
    return out[mask]


def area_km2(places: pd.DataFrame) -> float:
    """Geodesic area in km² of the union of the mentioned areas (overlaps counted once).

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Places in EPSG:4326; rows whose kind is in :data:`AREA_KINDS` contribute.

    Returns
    -------
    float
        Area on the WGS 84 ellipsoid, in km².
    """
    if len(places) == 0:
        return 0.0
    geoms = places.loc[places["kind"].isin(AREA_KINDS), "geometry"]
    geoms = [g for g in geoms if g is not None and not g.is_empty and g.geom_type.endswith("Polygon")]
    if not geoms:
        return 0.0
    union = shapely.union_all(shapely.make_valid(geoms))
    area, _ = _GEOD.geometry_area_perimeter(shapely.orient_polygons(union))
    return abs(area) / 1e6


@dataclass(frozen=True)
class Summary:
    """The figures shown as metric panels."""

    mentions: int
    places: int
    countries: int
    top_place: str | None
    top_count: int
    area_km2: float


def summarize(mentions: Sequence[Any], places: pd.DataFrame) -> Summary:
    """Compute the metric panels' figures.

    Parameters
    ----------
    mentions : sequence of Mention
        All mentions of the article(s).
    places : geopandas.GeoDataFrame
        The matching ``places_frame``.

    Returns
    -------
    Summary
        ``countries`` counts distinct places of kind country (mentioned by name or demonym).
    """
    if len(places):
        ordered = places.sort_values(["count", "name"], ascending=[False, True], kind="stable")
        top_place, top_count = str(ordered["name"].iloc[0]), int(ordered["count"].iloc[0])
        countries = int((places["kind"] == "country").sum())
    else:
        top_place, top_count, countries = None, 0, 0
    return Summary(
        mentions=len(mentions),
        places=len(places),
        countries=countries,
        top_place=top_place,
        top_count=top_count,
        area_km2=area_km2(places),
    )


def highlight_html(text: str, mentions: Iterable[Any], extra: Iterable[tuple[int, int, str]] = ()) -> str:
    """Return the article text escaped for HTML with each mention wrapped in ``<mark>``.

    Parameters
    ----------
    text : str
        The article text (untrusted).
    mentions : iterable of Mention
        Mentions with offsets into ``text``; overlapping ones after the first are skipped.
    extra : iterable of tuple, optional
        More ``(start, end, css_class)`` spans to mark (e.g. checked claims).

    Returns
    -------
    str
        Safe HTML; line breaks become ``<br>``.
    """
    spans = [(_get(m, "start"), _get(m, "end"), f"m-{_get(m, 'kind')}", _get(m, "name")) for m in mentions]
    spans += [(s, e, cls, "") for s, e, cls in extra]
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, pos = [], 0
    for start, end, cls, title in spans:
        if start < pos or end > len(text):
            continue
        out.append(escape_text(text[pos:start]))
        attrs = f'class="{escape_text(cls)}" title="{escape_text(title)}"'
        out.append(f"<mark {attrs}>{escape_text(text[start:end])}</mark>")
        pos = end
    out.append(escape_text(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")


# --- checked claims (dicts of dashboard.claims.Claim.to_dict) ------------------------------------------

#: How a claim's unit is written on the page.
UNIT_LABELS: dict[str, str] = {"km": "km", "mi": "miles", "km2": "km²", "sq mi": "sq mi", "%": "%"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape Markdown, Streamlit directives (``:red[...]``) and HTML so ``text`` shows literally.

    For labels and help texts, which Streamlit renders as Markdown.
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def format_number(x: float | None, unit: str | None = None) -> str:
    """``1190.7`` -> ``"1,191"``, ``5.66`` -> ``"5.7"``, ``6.0`` -> ``"6"``; the unit appended when given."""
    if x is None or x != x:
        return "-"
    digits = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}".removesuffix(".0")
    if not unit:
        return digits
    label = UNIT_LABELS.get(unit, unit)
    return f"{digits} {label}"


@dataclass(frozen=True)
class ClaimTile:
    """What a metric tile shows for one checked claim (plain text; escape before Markdown).

    ``color`` is "red" only for a "differs" the checker is highly confident of, "green" for "consistent",
    "grey" otherwise; ``how`` is the measurement in (title, text) lines for the one-click details; ``missing``
    says what a "cannot check" lacked.
    """

    label: str
    value: str
    verdict: str
    note: str
    help: str
    confidence: str = "high"
    color: str = "grey"
    how: tuple[tuple[str, str], ...] = ()
    missing: str = ""


def _names(claim: dict[str, Any]) -> tuple[str, str]:
    subject = claim.get("subject_name") or claim.get("subject") or "?"
    obj = claim.get("object_name") or claim.get("object") or ""
    return str(subject), str(obj)


def _ordinal(n: float | None) -> str:
    if n is None or n != n:
        return "-"
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _claim_figure(x: float | None, unit: str | None) -> str:
    """A stated or computed figure of a claim: ratios as "2 x", ranks as "2nd", lengths with their unit."""
    if unit == "x":
        return "-" if x is None else f"{x:g} x" if x >= 10 else f"{x:.2f}".rstrip("0").rstrip(".") + " x"
    if unit == "rank":
        return _ordinal(x)
    return format_number(x, unit)


def claim_tile(claim: dict[str, Any]) -> ClaimTile:
    """Label, value, verdict, confidence, colour, note and details of the metric tile for one checked claim.

    Parameters
    ----------
    claim : dict
        A checked claim (``Claim.to_dict()``: kind, subject_name, object_name, stated, unit, computed,
        verdict, confidence, method, tolerance, reason, details).

    Returns
    -------
    ClaimTile
        E.g. label "Nord Stream 2 length (stated 1,225 km)", value "1,191 km" (computed), verdict
        "consistent"; adjacency: label "Belarus borders Ukraine", value "yes, 862 km" (shared border);
        size: "France vs Ukraine size (stated 1 x)", value "1.06 x"; rank: "Ukraine rank in Europe (stated
        1st)", value "2nd".
    """
    kind, unit = claim.get("kind"), claim.get("unit")
    stated, computed = claim.get("stated"), claim.get("computed")
    details = claim.get("details") or {}
    subject, obj = _names(claim)
    verdict = str(claim.get("verdict") or "cannot check")
    confidence = str(claim.get("confidence") or "high")
    note = ""
    # Tiles are narrow: the label carries the stated figure, the value the computed one, the verdict
    # (and for border shares the date used and today's share) goes in the delta line.
    if kind == "adjacency":
        says = details.get("stated_adjacent", True)
        label = f"{subject} {'borders' if says else 'does not border'} {obj}"
        shared = details.get("shared_border_km", computed)
        if details.get("adjacent"):
            value = f"yes, {format_number(shared, 'km')}"
        else:
            value = "no" if computed is not None else "-"
    elif kind == "border_share":
        label = f"{subject}-{obj} border share (stated {format_number(stated, unit)})"
        value = format_number(computed, unit)
        note = f"on {details['date']}" if details.get("date") else ""
        now = details.get("now") or {}
        if now.get("computed") is not None and now.get("date") != details.get("date"):
            note += f" · today {format_number(now['computed'], unit)}"
    elif kind == "size":
        what = f"{subject} vs {obj} size" if claim.get("subject") else f"area the size of {obj}"
        label = f"{what} (stated {_claim_figure(stated, unit)})"
        value = _claim_figure(computed, unit)
    elif kind == "rank":
        label = f"{subject} rank in {obj} (stated {_claim_figure(stated, unit)})"
        value = _claim_figure(computed, unit)
    else:
        what = {"length": "length", "area": "area", "distance": "distance to"}.get(str(kind), str(kind))
        label = f"{subject} {what} {obj}".strip() if kind == "distance" else f"{subject} {what}"
        if kind == "length" and obj:
            label = f"{subject}-{obj} border length"
        label += f" (stated {format_number(stated, unit)})"
        value = format_number(computed, unit)
    if verdict == "cannot check":
        value = "not checked"
    missing = str(claim.get("reason") or "") if verdict == "cannot check" else ""
    color = {"consistent": "green", "differs": "red" if confidence == "high" else "grey"}.get(verdict, "grey")
    how: list[tuple[str, str]] = [("Verdict", f"{verdict} ({confidence} confidence)")]
    if missing:
        how.append(("What was missing", missing))
    elif claim.get("reason"):
        how.append(("Why", str(claim["reason"])))
    how += [("Measured", str(claim.get("method") or "")), ("Tolerance", str(claim.get("tolerance") or ""))]
    figures = {k: v for k, v in details.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if figures:
        how.append(("Figures", ", ".join(f"{k.replace('_', ' ')} {v:,g}" for k, v in figures.items())))
    how.append(("Sentence", str(claim.get("text", ""))))
    parts = [f"Sentence: {claim.get('text', '')}", f"Verdict: {verdict} ({confidence} confidence)"]
    parts += [str(claim[k]) for k in ("reason", "method", "tolerance") if claim.get(k)]
    return ClaimTile(label, value, verdict, note, "\n\n".join(parts), confidence, color, tuple(how), missing)


def claims_table(claims: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The claims as a table: kind, subject, object, stated, computed, verdict, confidence, method, sentence.

    Parameters
    ----------
    claims : iterable of dict
        Checked claims (``Claim.to_dict()``).

    Returns
    -------
    pandas.DataFrame
        One row per claim; the sentence (article text, shown as plain text) last; a "cannot check" has in
        ``note`` what was missing.
    """
    rows = []
    for c in claims:
        subject, obj = _names(c)
        unit, details = c.get("unit"), c.get("details") or {}
        stated = _claim_figure(c.get("stated"), unit) if c.get("stated") is not None else ""
        computed_unit = "km" if c.get("kind") == "adjacency" else unit
        rows.append(
            {
                "kind": str(c.get("kind", "")).replace("_", " "),
                "subject": subject,
                "object": obj,
                "stated": stated or ("yes" if details.get("stated_adjacent", True) else "no"),
                "computed": _claim_figure(c.get("computed"), computed_unit),
                "verdict": c.get("verdict", ""),
                "confidence": c.get("confidence", "high"),
                "method": c.get("method", ""),
                "note": c.get("reason") or "",
                "sentence": c.get("text", ""),
            }
        )
    columns = [
        "kind",
        "subject",
        "object",
        "stated",
        "computed",
        "verdict",
        "confidence",
        "method",
        "note",
        "sentence",
    ]
    return pd.DataFrame(rows, columns=columns)


def claims_by_place(claims: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """For each place id involved in a claim, short records of its claims (for the GeoJSON download)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        record = {k: c.get(k) for k in ("kind", "text", "stated", "unit", "computed", "verdict")}
        for pid in dict.fromkeys(c.get("place_ids") or []):
            out.setdefault(pid, []).append(record)
    return out


# --- input: uploaded files ---------------------------------------------------------------------------

HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote"}
)


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML page; script/style content is dropped, never run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Strip an HTML page to its visible text (script, style and head dropped), one block per line.

    Parameters
    ----------
    markup : str
        The HTML source (untrusted).

    Returns
    -------
    str
        Plain text; runs of spaces collapsed, blank lines removed.
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def read_upload(name: str, data: bytes) -> Article:
    """Read one uploaded file as an article; HTML files are stripped to their text first.

    Parameters
    ----------
    name : str
        The file name (used in messages and to recognise HTML).
    data : bytes
        The file's content.

    Returns
    -------
    Article

    Raises
    ------
    InputError
        Empty, binary, not UTF-8, too large, or HTML with no text.
    """
    article = read_article(data, name)
    if not name.lower().endswith(HTML_SUFFIXES):
        return article
    text = html_to_text(article.text)
    if not text.strip():
        msg = f"{name}: the HTML page has no visible text"
        raise InputError(msg)
    return read_article(text, name)


# --- several articles at once ------------------------------------------------------------------------

#: Put between articles when several are shown together; a blank line also ends any sentence.
ARTICLE_SEPARATOR = "\n\n"


def _shift(m: Any, offset: int) -> Any:
    if not offset:
        return m
    if isinstance(m, dict):
        return {**m, "start": m["start"] + offset, "end": m["end"] + offset}
    return dataclasses.replace(m, start=m.start + offset, end=m.end + offset)


def combine(parts: Sequence[tuple[str, Sequence[Any], pd.DataFrame]]) -> tuple[str, list[Any], pd.DataFrame]:
    """Merge several parsed articles into one text, one mention list and one places frame.

    Offsets are shifted so they index the joined text (articles joined with :data:`ARTICLE_SEPARATOR`);
    a place mentioned in several articles becomes one row whose count is the sum. An alliance keeps
    the membership (geometry) of the first article that mentions it.

    Parameters
    ----------
    parts : sequence of tuple
        ``(text, mentions, places_frame)`` per article.

    Returns
    -------
    tuple
        ``(text, mentions, places)``.
    """
    if len(parts) == 1:
        text, mentions, places = parts[0]
        return text, list(mentions), places
    texts, all_mentions, frames, offset = [], [], [], 0
    for text, mentions, places in parts:
        texts.append(text)
        all_mentions.extend(_shift(m, offset) for m in mentions)
        if len(places):
            shifted = places.copy()
            shifted["mentions"] = [[_shift(m, offset) for m in ms] for ms in places["mentions"]]
            frames.append(shifted)
        offset += len(text) + len(ARTICLE_SEPARATOR)
    if not frames:
        empty = parts[0][2]
        return ARTICLE_SEPARATOR.join(texts), all_mentions, empty.iloc[0:0]
    stacked = pd.concat(frames, ignore_index=True)
    rows = []
    for _, group in stacked.groupby("place_id", sort=False):
        first = group.iloc[0].copy()
        first["count"] = int(group["count"].sum())
        first["mentions"] = [m for ms in group["mentions"] for m in ms]
        rows.append(first)
    merged = type(stacked)(rows, columns=stacked.columns).reset_index(drop=True)
    if hasattr(stacked, "crs"):
        merged = merged.set_geometry("geometry", crs=stacked.crs)
    return ARTICLE_SEPARATOR.join(texts), all_mentions, merged


def export_frame(
    places: pd.DataFrame, text: str, claims: Iterable[dict[str, Any]] | None = None
) -> pd.DataFrame:
    """The places frame with the properties a download promises: mention types and contexts.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        A ``places_frame`` (possibly filtered).
    text : str
        The text the mentions' offsets index.
    claims : iterable of dict, optional
        Checked claims; when given, adds ``claims``: per place the claims it is involved in (kind, text,
        stated, unit, computed, verdict), an empty list for the others.

    Returns
    -------
    geopandas.GeoDataFrame
        Adds ``mention_types`` (list of str) and ``contexts`` (the distinct sentences mentioning the place).
    """
    out = places.copy()
    spans = sentence_spans(text)
    out["mention_types"] = [mention_types(ms) for ms in places["mentions"]]
    out["contexts"] = [
        list(dict.fromkeys(context_of(text, _get(m, "start"), _get(m, "end"), spans).plain() for m in ms))
        for ms in places["mentions"]
    ]
    if claims is not None:
        by_place = claims_by_place(claims)
        out["claims"] = [by_place.get(pid, []) for pid in places["place_id"]]
    return out
