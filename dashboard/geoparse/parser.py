"""The geoparser: the stages wired together (match, cues, rules, US local spans, article rules, resolve)."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from dashboard import historic, nameindex
from dashboard.geoparse import rules, uslocal
from dashboard.geoparse.cues import span_cues
from dashboard.geoparse.matcher import Matcher
from dashboard.geoparse.records import Candidate, Mention, Notes, Removal, Span, SpanCues
from dashboard.geoparse.resolve import Resolver

if TYPE_CHECKING:
    import pandas as pd


class Geoparser:
    """A names index plus the rules that turn text into resolved mentions.

    Parameters
    ----------
    names : pandas.DataFrame, optional
        Every matchable name: columns ``place_id, name, kind, country, population, primary``; optional
        ``province`` (the province id a city lies in) and ``capital`` (bool). Not needed with ``index``.
    coords : callable, optional
        Returns city id -> (lat, lon); called once, when an article first has an ambiguous city.
    counties : callable, optional
        Returns county id -> shapely polygon; called once, when an article first names a county and a town.
    index : NameIndex, optional
        A prepared (possibly memory-mapped) names index instead of ``names``.
    """

    def __init__(
        self,
        names: pd.DataFrame | None = None,
        coords: Callable[[], Mapping[str, tuple[float, float]]] | None = None,
        counties: Callable[[], Mapping[str, Any]] | None = None,
        *,
        index: nameindex.NameIndex | None = None,
    ) -> None:
        if index is None:
            index = nameindex.NameIndex.build(names)
        self.index = index
        self.matcher = Matcher(index)
        self._coords: Mapping[str, tuple[float, float]] | None = None
        self._coords_loader = coords
        self._counties: Mapping[str, Any] | None = None
        self._counties_loader = counties
        self.resolver = Resolver(self.matcher.info, self.coords, self.counties)

    @classmethod
    def from_index(
        cls,
        index: nameindex.NameIndex,
        coords: Callable[[], Mapping[str, tuple[float, float]]] | None = None,
        counties: Callable[[], Mapping[str, Any]] | None = None,
    ) -> Geoparser:
        """A parser over a prepared (possibly memory-mapped) :class:`~dashboard.nameindex.NameIndex`."""
        return cls(coords=coords, counties=counties, index=index)

    def place_info(self, place_id: str) -> tuple[str, str, str | None] | None:
        """(name, kind, country) of an indexed place, or None."""
        i = self.matcher.info(place_id)
        return (i[0], i[1], i[2]) if i else None

    def coords(self) -> Mapping[str, tuple[float, float]]:
        """City id -> (lat, lon), loaded on first need (empty when the parser has no coordinates)."""
        if self._coords is None:
            loader, self._coords_loader = self._coords_loader, None
            self._coords = loader() if loader is not None else {}
        return self._coords

    def counties(self) -> Mapping[str, Any]:
        """County id -> polygon, loaded on first need (empty when the parser has none)."""
        if self._counties is None:
            loader, self._counties_loader = self._counties_loader, None
            self._counties = loader() if loader is not None else {}
        return self._counties

    def parse(self, text: str, on: date | None = None, explain: bool = False) -> list[Mention]:
        """Find and resolve the place mentions in ``text`` as of date ``on`` (see :func:`geoparse`); with
        ``explain``, each mention carries its :class:`~dashboard.geoparse.records.Why`."""
        if not text:
            return []
        # Parsing allocates many small acyclic tuples: the cyclic collector would rescan them over and over
        # (a fifth of the time on a 2 MB text) and has nothing to free, so it pauses for the call.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._parse(text, on, explain)
        finally:
            if was_enabled:
                gc.enable()

    def removals(self, text: str, on: date | None = None) -> list[Removal]:
        """Every reading a rule removed from ``text``'s spans, in text order: what was not taken for a place,
        and why ("Lincoln" after "President": ``title_before_name``)."""
        trace: list[Removal] = []
        self._parse(text, on, True, trace)
        return trace

    def _parse(
        self, text: str, on: date | None, explain: bool, trace: list[Removal] | None = None
    ) -> list[Mention]:
        tokens, spans = self.matcher.match(text)
        spans = _on_date(spans, on)
        n = len(spans)
        removed: dict[int, list[tuple[str, Candidate]]] | None = {} if explain else None
        discourse = rules.Discourse(spans)
        # One pass over the spans: each span's cues, then the rules on its readings (a span's cues never
        # depend on the rules' verdicts on the others).
        cues: list[SpanCues | None] = []
        first: list[list[Candidate]] = []
        after_cue: list[int] = []  # starts of the spans right after an origin cue ("born in")
        for k, sp in enumerate(spans):
            i = sp.first
            # A span no context can save ("March", "Bank") needs no cues unless the rules are traced.
            if (
                removed is None
                and i == sp.last
                and rules.no_reading_can_stay(tokens[i].word, sp.cands, text[sp.end - 1] == ".")
            ):
                cues.append(None)
                first.append([])
                continue
            here = span_cues(
                text,
                tokens,
                sp,
                k > 0 and spans[k - 1].last == i - 1,
                k + 1 < n and spans[k + 1].first == sp.last + 1,
            )
            cues.append(here)
            first.append(self._apply(here, sp, discourse, removed))
            if here.after_origin_cue:
                after_cue.append(sp.start)
        # Two passes: a word met as part of a person's name ("Bruce Ivins") is distrusted everywhere, also
        # before that ("Ivins" in the headline).
        kept = []
        persons = discourse.persons
        for k in range(n):
            sp, cu, got = spans[k], cues[k], first[k]
            if persons and cu is not None and cu.single and cu.key in persons:  # only these can change
                got = self._apply(cu, sp, discourse, removed)
            if got is sp.cands:  # the rules removed nothing
                kept.append(sp)
            elif got:
                kept.append(_new(Span, (sp.first, sp.last, sp.start, sp.end, got)))
        kept = uslocal.add_counties(text, kept)
        cued = frozenset(after_cue)
        container = rules.stated_container(text, kept, cued)
        origin = rules.origin_country(text, container.spans, container.pinned, cued)
        notes = None
        if removed is not None:
            _note_article_rule(removed, "stated_container", kept, container.spans)
            _note_article_rule(removed, "origin_country", container.spans, origin.spans)
            notes = Notes(removed, container.where or {}, origin.pinned)
            if trace is not None:
                ends = {sp.start: sp.end for sp in (*spans, *kept)}
                for start in sorted(removed):
                    word = text[start : ends[start]]
                    trace.extend(Removal(start, word, rule, c.place_id) for rule, c in removed[start])
        pinned = container.pinned | origin.pinned
        return self.resolver.resolve(text, origin.spans, pinned, container.fallback, notes)

    @staticmethod
    def _apply(
        cu: SpanCues,
        sp: Span,
        discourse: rules.Discourse,
        removed: dict[int, list[tuple[str, Candidate]]] | None,
    ) -> list[Candidate]:
        """The span's readings the rules leave; with ``removed``, the rules' removals are noted there."""
        if removed is None:
            return rules.apply_rules(cu, sp.cands, discourse)
        fired: list[tuple[str, Candidate]] = []
        got = rules.apply_rules(cu, sp.cands, discourse, fired)
        removed[sp.start] = fired
        return got


#: Candidate lists :func:`_on_date` remembers as naming no dated place before that memo is cleared.
UNDATED_MEMO_MAX = 50_000
# id of a candidate list -> the list, known to name no dated place. The matcher hands out one list per name,
# so most names are tested once per process; the list is held, so its id cannot be reused while remembered.
# (Final: compiled, a C static rather than a look-up in the module's dict at each call.)
_undated: Final[dict[int, list[Candidate]]] = {}

# A span record built by tuple.__new__ in C (NamedTuple's own __new__ is a Python function: four times the
# cost compiled).
_new: Final = tuple.__new__


def _on_date(spans: list[Span], on: date | None) -> list[Span]:
    """Among a dated name's readings, those valid on the article's date (see
    :func:`dashboard.historic.candidates_on`); ``spans`` itself when none names a dated place (most news)."""
    day = historic.as_date(on)  # first: a bad date raises even for a text without names
    dated = historic.dated_places()
    if not dated or not spans:
        return spans
    out: list[Span] | None = None
    memo: dict[int, list[Candidate]] = {}  # id of a candidate list -> its readings that day
    undated = _undated
    for k, sp in enumerate(spans):
        cands = sp.cands
        if undated.get(id(cands)) is cands:
            got = cands
        else:
            memo_got = memo.get(id(cands))
            if memo_got is None:
                got = cands
                if dated.isdisjoint([c.place_id for c in cands]):
                    if len(undated) >= UNDATED_MEMO_MAX:
                        undated.clear()
                    undated[id(cands)] = cands
                else:
                    got = historic.candidates_on(cands, day or date.today())
                memo[id(cands)] = got
            else:
                got = memo_got
        if got is not cands:
            if out is None:
                out = spans[:k]
            sp = sp._replace(cands=got)
        if out is not None:
            out.append(sp)
    return spans if out is None else out


def _note_article_rule(
    removed: dict[int, list[tuple[str, Candidate]]], rule: str, before: list[Span], after: list[Span]
) -> None:
    """Record the readings an article rule removed (for explanations)."""
    if before is after:
        return
    for a, b in zip(before, after, strict=True):
        if a.cands is not b.cands:
            removed.setdefault(a.start, []).extend((rule, c) for c in a.cands if c not in b.cands)


@functools.cache
def default_parser() -> Geoparser:
    """The geoparser over the bundled gazetteer (built once per process).

    The names index is memory-mapped from ``.cache/nameindex/`` (built there on first use); the gazetteer
    (and geopandas) is imported only to build it, or when an article pairs a town with a county.
    """
    from dashboard import settings

    geo = settings.GEODATA_DIR
    index = nameindex.load_or_build(geo / "names.csv.gz", build_index, extra=(geo / "cities.shp.zip",))
    return Geoparser.from_index(index, coords=index.points, counties=uslocal.county_polygons)


def build_index() -> nameindex.NameIndex:
    """The bundled gazetteer's names index, with every city's point (for ``near_other_cities``)."""
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    return nameindex.NameIndex.build(gaz.names(), coords=_city_coords(gaz))


def _city_coords(gaz: Any) -> dict[str, tuple[float, float]]:
    """City id -> (lat, lon) from the city layer's points."""
    import shapely

    cities = gaz.layer("city")
    xy = shapely.get_coordinates(cities.geometry.values)
    latlon = zip(xy[:, 1].tolist(), xy[:, 0].tolist(), strict=True)
    return dict(zip(cities["id"].tolist(), latlon, strict=True))


def geoparse(text: str, *, on: date | None = None, explain: bool = False) -> list[Mention]:
    """Find every place mention in a text and resolve it to a bundled feature.

    Parameters
    ----------
    text : str
        The article's whole text; offsets index it.
    on : datetime.date, optional
        The article's date (default: today): a name resolves to the place it named that day ("West
        Germany" in 1987 is the Federal Republic of 1949-1990, "Yugoslavia" in 1995 the Federal Republic of
        Yugoslavia) and dated places carry that day's name ("Burma" in 1987); see :mod:`dashboard.historic`.
    explain : bool
        Give every mention its ``why`` (the rules and features that decided, the runner-up, a summary).

    Returns
    -------
    list of Mention
        Sorted by start; ``text[m.start:m.end] == m.text`` for every mention.
    """
    if not isinstance(text, str):
        msg = f"geoparse expects text, got {type(text).__name__}"
        raise TypeError(msg)
    on = historic.as_date(on)  # a datetime, Timestamp or ISO string from a corpus record works too
    return historic.on_date(default_parser().parse(text, on=on, explain=explain), on)
