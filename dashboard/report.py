"""Metrics, tables, sentence contexts and escaped highlights computed from mentions; pure (no UI)."""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely
from pyproj import Geod

from dashboard.article import HTML_SUFFIXES, Article, read_article, read_html_article
from dashboard.sentences import split_sentences

#: Mentions resolved with less confidence than this are flagged "weak" in the tables and the map's popups
#: (mapview reads this one threshold, so a place flagged in one is flagged in the other): the resolver's best
#: candidate barely beat the runner-up (geoparse gives 0.99 to clear cases, 0.8-0.9 to a few close calls on
#: the sample, and 0.7-0.8 to e.g. a "Dublin" or "Bristol" with no clue which one is meant).
WEAK_CONFIDENCE: float = 0.8

#: How many places the "most mentioned" line lists.
TOP_PLACES: int = 5

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


def why_text(value: Any) -> str:
    """A place's "why" as one line of plain text, or "" when there is none.

    The geoparser, asked to explain, gives each place a ``why`` ("the country, not the US state: Tbilisi is
    named in the article"); a frame without one, a None or a NaN (a combined frame where one article had no
    explanations) gives "". Line breaks are folded, so the popup and the table show one line.
    """
    return " ".join(value.split()) if isinstance(value, str) else ""


def place_whys(places: pd.DataFrame) -> dict[str, str]:
    """Place id -> its non-empty why (see :func:`why_text`); empty when ``places`` has no ``why`` column."""
    if "why" not in places.columns:
        return {}
    whys = ((pid, why_text(w)) for pid, w in zip(places["place_id"], places["why"], strict=True))
    return {pid: w for pid, w in whys if w}


def mentions_table(
    mentions: Iterable[Any], text: str, article: str | None = None, whys: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per mention: place, kind, mention type, confidence, matched text, offsets and sentence.

    Parameters
    ----------
    mentions : iterable of Mention
        Mentions as returned by ``geoparse`` (objects or dicts with the same fields).
    text : str
        The article text the offsets refer to (one article: contexts never cross into another).
    article : str, optional
        When given, a leading ``article`` column with this label (several articles shown together).
    whys : mapping, optional
        Place id -> why the place was chosen (:func:`place_whys`); when one of these mentions' places has
        one, the table gets a ``why`` column after ``weak`` ("" for places without).

    Returns
    -------
    pandas.DataFrame
        Columns [article,] place, kind, type, confidence, weak, [why,] text, start, end, place_id, context.
        ``weak`` is True below :data:`WEAK_CONFIDENCE`.
    """
    whys = whys or {}
    spans = sentence_spans(text)
    rows = []
    for m in mentions:
        ctx = context_of(text, _get(m, "start"), _get(m, "end"), spans)
        conf = _confidence(m)
        rows.append(
            {
                "article": article,
                "place": _get(m, "name"),
                "kind": _get(m, "kind"),
                "type": _get(m, "type"),
                "confidence": conf,
                "weak": conf is not None and conf < WEAK_CONFIDENCE,
                "why": whys.get(_get(m, "place_id"), ""),
                "text": _get(m, "text"),
                "start": _get(m, "start"),
                "end": _get(m, "end"),
                "place_id": _get(m, "place_id"),
                "context": ctx.plain(),
            }
        )
    columns = ["place", "kind", "type", "confidence", "weak", "text", "start", "end", "place_id", "context"]
    if any(r["why"] for r in rows):
        columns.insert(columns.index("weak") + 1, "why")
    columns = (["article"] if article is not None else []) + columns
    return pd.DataFrame(rows, columns=columns)


def stack_tables(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The tables of several articles as one (one table is returned as it is); a ``why`` column that only
    some articles have reads "" in the others' rows, not NaN."""
    if len(tables) == 1:
        return tables[0]
    out = pd.concat(tables, ignore_index=True)
    if "why" in out.columns:
        out["why"] = out["why"].fillna("")
    return out


def _confidence(m: Any) -> float | None:
    conf = m.get("confidence") if isinstance(m, dict) else getattr(m, "confidence", None)
    return None if conf is None else round(float(conf), 2)


def place_confidence(mentions: Iterable[Any]) -> dict[str, float]:
    """Per place id, the best confidence among its mentions (a place is as sure as its clearest mention)."""
    out: dict[str, float] = {}
    for m in mentions:
        conf = _confidence(m)
        if conf is not None:
            pid = _get(m, "place_id")
            out[pid] = max(conf, out.get(pid, 0.0))
    return out


def places_table(
    places: pd.DataFrame, mentions: Iterable[Any] = (), article: str | None = None
) -> pd.DataFrame:
    """One row per place, most mentioned first: name, kind, country, count, confidence, types, place_id.

    Parameters
    ----------
    places : pandas.DataFrame
        The ``places_frame`` GeoDataFrame (geometry is dropped).
    mentions : iterable of Mention, optional
        The mentions behind ``places``; they give each place's confidence (its best mention's).
    article : str, optional
        When given, a leading ``article`` column with this label.

    Returns
    -------
    pandas.DataFrame
        ``weak`` is True when the place's confidence is below :data:`WEAK_CONFIDENCE`. A ``why`` column
        (one line: why this place and not another of its name) follows ``weak`` when ``places`` has a
        non-empty ``why`` (:func:`place_whys`); places without one show "".
    """
    whys = place_whys(places) if len(places) else {}
    columns = ["name", "kind", "country", "count", "confidence", "weak", "types", "place_id"]
    if whys:
        columns.insert(columns.index("weak") + 1, "why")
    columns = (["article"] if article is not None else []) + columns
    if len(places) == 0:
        return pd.DataFrame(columns=columns)
    conf = place_confidence(mentions)
    confs = [conf.get(pid) for pid in places["place_id"]]
    out = pd.DataFrame(
        {
            "article": article,
            "name": places["name"].to_numpy(),
            "kind": places["kind"].to_numpy(),
            "country": places["country"].to_numpy(),
            "count": places["count"].astype(int).to_numpy(),
            "confidence": confs,
            "weak": [c is not None and c < WEAK_CONFIDENCE for c in confs],
            "why": [whys.get(pid, "") for pid in places["place_id"]],
            "types": [", ".join(mention_types(ms)) for ms in places["mentions"]],
            "place_id": places["place_id"].to_numpy(),
        },
        columns=columns,
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


def geodesic_area_km2(geom: Any) -> float:
    """Geodesic area of a (multi)polygon on the WGS 84 ellipsoid, in km² (0 for points and lines)."""
    if geom is None or geom.is_empty or not geom.geom_type.endswith("Polygon"):
        return 0.0
    area, _ = _GEOD.geometry_area_perimeter(shapely.orient_polygons(shapely.make_valid(geom)))
    return abs(area) / 1e6


def countries_area_km2(places: pd.DataFrame) -> float:
    """Total area of the countries among ``places`` (countries do not overlap, so areas add up).

    Oceans, seas, continents, regions and alliances are left out on purpose: a reporter quotes the area of
    the countries a story is about, not of the sea between them.
    """
    if len(places) == 0:
        return 0.0
    countries = places.loc[places["kind"] == "country"].drop_duplicates("place_id")
    return float(sum(geodesic_area_km2(g) for g in countries.geometry))


@dataclass(frozen=True)
class Summary:
    """The figures shown as metric panels."""

    mentions: int
    places: int
    countries: int
    top_place: str | None
    top_count: int
    #: The most mentioned places, ``(name, count)``, at most :data:`TOP_PLACES`.
    top: tuple[tuple[str, int], ...]
    countries_km2: float


def summarize(mentions: Sequence[Any], places: pd.DataFrame) -> Summary:
    """Compute the metric panels' figures.

    Parameters
    ----------
    mentions : sequence of Mention
        The mentions counted (the app passes the filtered ones, so the figures follow the filters).
    places : geopandas.GeoDataFrame
        The matching ``places_frame``.

    Returns
    -------
    Summary
        ``countries`` counts distinct places of kind country (mentioned by name or demonym);
        ``countries_km2`` is their total area.
    """
    top: tuple[tuple[str, int], ...] = ()
    countries = 0
    if len(places):
        ordered = places.sort_values(["count", "name"], ascending=[False, True], kind="stable")
        top = tuple(
            (str(n), int(c))
            for n, c in zip(ordered["name"][:TOP_PLACES], ordered["count"][:TOP_PLACES], strict=True)
        )
        countries = int(places.loc[places["kind"] == "country", "place_id"].nunique())
    return Summary(
        mentions=len(mentions),
        places=int(places["place_id"].nunique()) if len(places) else 0,
        countries=countries,
        top_place=top[0][0] if top else None,
        top_count=top[0][1] if top else 0,
        top=top,
        countries_km2=countries_area_km2(places),
    )


def plural(n: int, word: str, words: str | None = None) -> str:
    """``plural(1, "mention")`` -> "1 mention", ``plural(2, "mention")`` -> "2 mentions"."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def format_area(km2: float) -> str:
    """An area as a reporter writes it: "17.1 million km²", "603,550 km²", "0 km²"."""
    if km2 >= 1e6:
        return f"{km2 / 1e6:,.1f} million km²"
    return f"{km2:,.0f} km²"


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


def read_upload(name: str, data: bytes) -> Article:
    """Read one uploaded file as an article; of an HTML page, the main text, title and date (trafilatura).

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
    if name.lower().endswith(HTML_SUFFIXES):
        return read_html_article(data, name)
    return read_article(data, name)


# --- several articles at once ------------------------------------------------------------------------

#: Put between articles when several are shown together; a blank line also ends any sentence.
ARTICLE_SEPARATOR = "\n\n"


def _shift(m: Any, offset: int) -> Any:
    if not offset:
        return m
    if isinstance(m, dict):
        return {**m, "start": m["start"] + offset, "end": m["end"] + offset}
    return dataclasses.replace(m, start=m.start + offset, end=m.end + offset)


def combine(
    parts: Sequence[tuple[str, Sequence[Any], pd.DataFrame]], labels: Sequence[str] | None = None
) -> tuple[str, list[Any], pd.DataFrame]:
    """Merge several parsed articles into one text, one mention list and one places frame (for the map).

    Offsets are shifted so they index the joined text (articles joined with :data:`ARTICLE_SEPARATOR`,
    which ends every sentence, so no sentence context runs from one article into the next); a place
    mentioned in several articles becomes one row whose count is the sum. An alliance keeps the membership
    (geometry) of the first article that mentions it.

    Parameters
    ----------
    parts : sequence of tuple
        ``(text, mentions, places_frame)`` per article.
    labels : sequence of str, optional
        One label per article; when given, the places frame gets an ``articles`` column: the labels of the
        articles that mention the place, in order.

    Returns
    -------
    tuple
        ``(text, mentions, places)``.
    """
    if len(parts) == 1 and labels is None:
        text, mentions, places = parts[0]
        return text, list(mentions), places
    texts, frames, offset = [], [], 0
    all_mentions: list[Any] = []
    for i, (text, mentions, places) in enumerate(parts):
        texts.append(text)
        all_mentions.extend(_shift(m, offset) for m in mentions)
        if len(places):
            shifted = places.copy()
            shifted["mentions"] = [[_shift(m, offset) for m in ms] for ms in places["mentions"]]
            if labels is not None:
                shifted["articles"] = [[labels[i]]] * len(shifted)
            frames.append(shifted)
        offset += len(text) + len(ARTICLE_SEPARATOR)
    if not frames:
        empty = parts[0][2].iloc[0:0].copy()
        if labels is not None:
            empty["articles"] = []
        return ARTICLE_SEPARATOR.join(texts), all_mentions, empty
    stacked = pd.concat(frames, ignore_index=True)
    rows = []
    for _, group in stacked.groupby("place_id", sort=False):
        first = group.iloc[0].copy()
        first["count"] = int(group["count"].sum())
        first["mentions"] = [m for ms in group["mentions"] for m in ms]
        if "date" in group:  # articles of different dates: every date the place was resolved on
            first["date"] = "; ".join(sorted({str(d) for d in group["date"]}))
        if labels is not None:
            first["articles"] = [a for arts in group["articles"] for a in arts]
        rows.append(first)
    merged = type(stacked)(rows, columns=stacked.columns).reset_index(drop=True)
    if hasattr(stacked, "crs"):
        merged = merged.set_geometry("geometry", crs=stacked.crs)
    return ARTICLE_SEPARATOR.join(texts), all_mentions, merged


def article_spans(texts: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each article in the text :func:`combine` joins from ``texts``."""
    out, offset = [], 0
    for text in texts:
        out.append((offset, offset + len(text)))
        offset += len(text) + len(ARTICLE_SEPARATOR)
    return out


def article_label(article: Article) -> str:
    """How an article is named on the page and in downloads: its title and date, else its source."""
    name = article.title or article.source
    return f"{name} ({article.date.isoformat()})" if article.date else name


def export_frame(
    places: pd.DataFrame,
    text: str,
    claims: Iterable[dict[str, Any]] | None = None,
    article: str | None = None,
) -> pd.DataFrame:
    """The places frame with the properties a download promises: mention types and contexts.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        A ``places_frame`` (possibly filtered) of one article.
    text : str
        The text the mentions' offsets index.
    claims : iterable of dict, optional
        Checked claims; when given, adds ``claims``: per place the claims it is involved in (kind, text,
        stated, unit, computed, verdict), an empty list for the others.
    article : str, optional
        When given, a leading ``article`` column with this label.

    Returns
    -------
    geopandas.GeoDataFrame
        Adds ``mention_types`` (list of str) and ``contexts`` (the distinct sentences mentioning the place).
    """
    out = places.copy()
    if article is not None:
        out.insert(0, "article", article)
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


def export_frames(items: Sequence[tuple[str, pd.DataFrame, str, Iterable[dict[str, Any]] | None]]) -> Any:
    """Several articles' export frames stacked: one row per (article, place), each with its ``article``.

    Parameters
    ----------
    items : sequence of tuple
        ``(label, places, text, claims)`` per article; contexts come from each article's own text.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    frames = [export_frame(p, t, c, article=label) for label, p, t, c in items]
    if len(frames) == 1:
        return frames[0]
    stacked = pd.concat(frames, ignore_index=True)
    crs = getattr(frames[0], "crs", None)
    return stacked.set_geometry("geometry", crs=crs) if hasattr(frames[0], "geometry") else stacked


def mentions_csv(items: Sequence[tuple[str, Sequence[Any], str]]) -> str:
    """The mentions of one or more articles as one CSV, a leading ``source`` column naming the article.

    Parameters
    ----------
    items : sequence of tuple
        ``(label, mentions, text)`` per article; offsets and contexts are into each article's own text.

    Returns
    -------
    str
        CSV text with one header line (``export.mentions_csv`` columns).
    """
    from dashboard import export

    out = []
    for i, (label, mentions, text) in enumerate(items):
        part = export.mentions_csv(mentions, text, source=label)
        out.append(part if i == 0 else part.split("\n", 1)[1])
    return "".join(out)


# --- the reader's corrections ------------------------------------------------------------------------


@dataclass(frozen=True)
class Corrections:
    """What the reader changed in one article: places removed, and places replaced by another candidate."""

    removed: frozenset[str] = frozenset()
    #: place id -> the place id the reader picked instead (every mention of the first moves to the second).
    replaced: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.removed or self.replaced)


def apply_corrections(mentions: Sequence[Any], corrections: Corrections, place_info: Any) -> list[Any]:
    """The mentions with the reader's corrections applied.

    Parameters
    ----------
    mentions : sequence of Mention
        As ``geoparse`` returned them.
    corrections : Corrections
        Removed place ids are dropped; a replaced place's mentions take the new place's id, name, kind
        and country, with confidence 1 and no ``why`` (the reader decided, not the geoparser).
    place_info : callable
        ``place_info(place_id)`` -> mapping with ``name``, ``kind``, ``country`` (e.g. ``Gazetteer.place``).

    Returns
    -------
    list of Mention
    """
    replaced = dict(corrections.replaced)
    out = []
    for m in mentions:
        pid = _get(m, "place_id")
        if pid in corrections.removed:
            continue
        new = replaced.get(pid)
        if new:
            info = place_info(new)
            country = info.get("country")
            fields = {
                "place_id": new,
                "name": str(info["name"]),
                "kind": str(info["kind"]),
                "country": country if isinstance(country, str) and country else None,
                "confidence": 1.0,
                "why": None,
            }
            m = {**m, **fields} if isinstance(m, dict) else dataclasses.replace(m, **fields)
        out.append(m)
    return out


def candidates(place_id: str, names: Iterable[str], lookup: Any) -> list[str]:
    """Other gazetteer places a mention could mean: those with the same name, the current one left out.

    Parameters
    ----------
    place_id : str
        The place the geoparser chose.
    names : iterable of str
        The place's name and the texts of its mentions ("Paris", "Georgia").
    lookup : callable
        ``lookup(name)`` -> place ids with that name (``Gazetteer.lookup``).

    Returns
    -------
    list of str
        Place ids in the gazetteer's order, alliances left out (their shape depends on a date).
    """
    seen: dict[str, None] = {}
    for name in names:
        for pid in lookup(name):
            if pid != place_id and not pid.startswith("alliance:"):
                seen[pid] = None
    return list(seen)
