"""Resolution: one reading per span by votes over rounds, then one sense per discourse, then mentions."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np

from dashboard import lexicon
from dashboard.geoparse import explain as explaining
from dashboard.geoparse import features, relations, uslocal
from dashboard.geoparse.features import Context, Ranked, Votes
from dashboard.geoparse.records import Candidate, Mention, Notes, Span
from dashboard.geoparse.rules import CONTAINER_CONFIDENCE
from dashboard.placekinds import MentionType

_LITERAL: Final = MentionType.LITERAL

# The lexicon's word sets as this module's own Final names: compiled, a Final name is read from a C static,
# where ``lexicon.X`` is a module and an attribute look-up at every use.
_METONYMIC_NOUNS: Final = lexicon.METONYMIC_NOUNS
_METONYMIC_VERBS: Final = lexicon.METONYMIC_VERBS

#: Mentions scoring below this are dropped (a lone hamlet with no support in the article).
MIN_SCORE: Final = 1.2

#: Rounds of voting at most: the first votes with each span's best prior, the next with the picks before.
ROUNDS: Final = 3

#: Confidence = BASE + PER_SCORE * (score - MIN_SCORE) + PER_MARGIN * min(margin over the runner-up,
#: MARGIN_CAP), within FLOOR..CEILING: clear cases get 0.99, close calls 0.8-0.9.
CONFIDENCE_BASE: Final = 0.5
CONFIDENCE_PER_SCORE: Final = 0.15
CONFIDENCE_PER_MARGIN: Final = 0.2
CONFIDENCE_MARGIN_CAP: Final = 1.5
CONFIDENCE_FLOOR: Final = 0.05
CONFIDENCE_CEILING: Final = 0.99

# "Dublin" and "Dublin City" are one word for voting: they cannot support each other.
_FAMILY_SUFFIX: Final = re.compile(r"[ \t]+(?:city|county|parish|township)$")
_NEXT_WORDS: Final = re.compile(r"\s(\w+)(?:\s(\w+))?")

#: Distance (km) within which a city gets the full ``near_other_cities`` closeness; it halves per decade.
NEAR_FULL_KM: Final = 20.0
_EARTH_DIAMETER_KM: Final = 12742.0


# Contexts built by tuple.__new__ in C: the NamedTuple's own __new__ is a Python function, a call the compiled
# stage would pay per span.
_context: Final = functools.partial(tuple.__new__, Context)


def metonymic_context(text: str, end: int) -> bool:
    """A capital stands for its government when followed by "'s", a speech/action verb (after an optional
    "-ly" adverb: "Moscow truly sees"), or a noun like "demand" or "officials" ("a key Moscow demand")."""
    rest = text[end : end + 32]
    if rest[:2] in ("'s", "\u2019s"):
        return True
    m = _NEXT_WORDS.match(rest)
    if not m:
        return False
    first, second = m.group(1), m.group(2)
    if first in _METONYMIC_VERBS or first in _METONYMIC_NOUNS:
        return True
    return bool(first.endswith("ly") and second and second in _METONYMIC_VERBS)


def confidence(score: float, margin: float) -> float:
    """A mention's confidence from its score and its margin over the runner-up."""
    raw = (
        CONFIDENCE_BASE
        + CONFIDENCE_PER_SCORE * (score - MIN_SCORE)
        + CONFIDENCE_PER_MARGIN * min(margin, CONFIDENCE_MARGIN_CAP)
    )
    return max(CONFIDENCE_FLOOR, min(CONFIDENCE_CEILING, raw))


class Resolver:
    """Picks one reading per span, using the article's other places as context.

    ``info(place_id)`` gives (name, kind, country, ...) of an indexed place; ``coords()`` and ``counties()``
    give city points and county polygons (loaded on first need by the parser).
    """

    def __init__(
        self,
        info: Callable[[str], tuple[Any, ...] | None],
        coords: Callable[[], Mapping[str, tuple[float, float]]],
        counties: Callable[[], Mapping[str, Any]],
    ) -> None:
        self.info = info
        self.coords = coords
        self.counties = counties
        # Per place id, the name shown (news repeats its places; bounded). City points are remembered by
        # the mapping ``coords()`` gives (nameindex.Points), not here.
        self._shown: dict[str, str] = {}

    def resolve(
        self,
        text: str,
        spans: list[Span],
        pinned: frozenset[int] = frozenset(),
        fallback: frozenset[int] = frozenset(),
        notes: Notes | None = None,
    ) -> list[Mention]:
        """One mention per span that resolves.

        Votes start from each span's best reading by prior alone; the next rounds re-vote with the picks
        of the round before, so a cluster of US towns pulls "Georgia" to the state and vice versa. Spans
        starting at an offset in ``pinned`` keep their readings against one sense per discourse (a rule
        decided them); those in ``fallback`` stand for their stated container, with low confidence. With
        ``notes``, every mention gets its :class:`~dashboard.geoparse.records.Why`.
        """
        if not spans:  # most cheaply: an article that names no place
            return []
        all_surfs = [_surface(text[sp.start : sp.end]) for sp in spans]
        all_apos, all_boxes = relations.appositives(text, spans)
        all_lists = relations.list_kinds(text, spans)
        # Spans with the same word, readings and neighbours score alike: score each group once and weight
        # its votes by its size (an article repeats its places; cost follows distinct mentions).
        groups: dict[tuple[Any, ...], int] = {}
        gid = []  # per span, its group
        reps: list[int] = []  # per group, its first span
        weights: list[int] = []  # per group, its number of spans
        # (index loops, not zip(..., strict=True): compiled, only a plain zip becomes a C loop)
        for k in range(len(spans)):
            sp = spans[k]
            key = (
                all_surfs[k],
                (all_apos[k], all_boxes[k], all_lists[k]),
                sp.start in pinned,
                tuple([id(c) for c in sp.cands]),
            )
            g = groups.setdefault(key, len(groups))
            if g == len(reps):
                reps.append(k)
                weights.append(1)
            else:
                weights[g] += 1
            gid.append(g)
        g_spans = [spans[k] for k in reps]
        surfs = [all_surfs[k] for k in reps]
        inside = uslocal.containment(g_spans, surfs, self.counties, self.coords)
        ctxs = [
            _context((all_surfs[k], all_apos[k], all_boxes[k], all_lists[k], {}, inside[g]))
            for g, k in enumerate(reps)
        ]
        picks = [_best_prior(sp.cands) for sp in g_spans]
        n = len(g_spans)
        for rnd in range(ROUNDS):
            voted = picks
            votes = Votes(surfs, picks, weights)
            ranked = [
                features.best_of(features.score_all(g_spans[g].cands, ctxs[g], votes)) for g in range(n)
            ]
            new_picks = [r.cand for r in ranked]
            # A round scores from (picks, closeness) alone: once both repeat, later rounds would repeat too.
            same = new_picks == picks
            picks = new_picks
            if rnd == 0:
                near = self.proximity(g_spans, surfs, picks)
                same = same and not any(near)
                if any(near):
                    ctxs = [ctxs[g]._replace(near=near[g]) for g in range(n)]
            if same:
                break
        own = list(ranked)  # each group's own result, before one sense per discourse
        source = list(range(len(ranked)))  # the group whose scoring a group's result comes from
        if len(set(surfs)) < len(surfs):  # a word of one group only has no other sense to follow
            one_sense_per_discourse(ranked, source, surfs, g_spans, pinned, fallback)
        picks = [ranked[g].cand for g in gid]
        state = uslocal.article_state(picks)
        mentions = []
        explainer = (
            explaining.Explainer(
                text,
                self.info,
                notes,
                explaining.Round(spans, gid, g_spans, surfs, ctxs, voted, votes, own, ranked, source),
            )
            if notes is not None
            else None
        )
        for k, sp in enumerate(spans):
            s, e = sp.start, sp.end
            r = ranked[gid[k]]
            best = r.cand
            if best is uslocal.COUNTY_PLACEHOLDER:
                info = self.info(state) if state is not None else None
                if state is None or info is None:
                    continue
                name, kind, country = info[:3]
                why = explainer.county(k, state) if explainer is not None else None
                conf = uslocal.COUNTY_AS_STATE_CONFIDENCE
                mentions.append(Mention(s, e, text[s:e], state, name, kind, country, _LITERAL, conf, why))
                continue
            if r.score < MIN_SCORE:
                continue
            conf = confidence(r.score, r.margin)
            if s in fallback:
                conf = min(conf, CONTAINER_CONFIDENCE)
            typ = best.type
            if typ == _LITERAL and best.kind == "city" and best.capital and metonymic_context(text, e):
                typ = MentionType.METONYMIC
            shown = self._shown.get(best.place_id)
            if shown is None:
                info = self.info(best.place_id)
                shown = info[0] if info else best.name
                if len(self._shown) >= MEMO_MAX:
                    self._shown.clear()
                self._shown[best.place_id] = shown
            why = None
            if explainer is not None:
                why = explainer.why(k, s in fallback, s in pinned, typ != best.type)
            mentions.append(
                Mention(
                    s, e, text[s:e], best.place_id, shown, best.kind, best.country, typ, _round3(conf), why
                )
            )
        return mentions

    def proximity(
        self, spans: list[Span], surfs: list[str], picks: list[Candidate]
    ) -> list[dict[str, float]]:
        """Per span, each city reading's closeness (0..1) to the article's other cities.

        Spatial minimality: of the Gainesvilles, the one 50 km from the article's Norman and Sherman. The
        anchors are the current picks that are cities, never those of the same word.
        """
        out: list[dict[str, float]] = [{} for _ in spans]
        ambiguous = [k for k, sp in enumerate(spans) if _several_cities(sp.cands)]
        if not ambiguous:
            return out
        coords = self.coords()
        if not coords:
            return out
        where: dict[str, tuple[float, float]] = {}  # city id -> its point, for the cities below
        anchors: dict[tuple[str, str], tuple[float, float]] = {}
        for a in range(len(picks)):
            surf, b = surfs[a], picks[a]
            if b.kind == "city":
                xy = coords.get(b.place_id)
                if xy is not None:
                    anchors.setdefault((surf, b.place_id), xy)
        if not anchors:
            return out
        anchor_surfs = {key[0] for key in anchors}
        rows: dict[tuple[str, str], int] = {}  # (word, city id) -> its row
        todo: list[tuple[int, str, int]] = []  # (span, city id, row)
        for k in ambiguous:
            surf = surfs[k]
            if len(anchor_surfs) == 1 and surf in anchor_surfs:
                continue  # every anchor is this same word
            for c in spans[k].cands:
                if c.kind != "city":
                    continue
                xy = coords.get(c.place_id)
                if xy is None:
                    continue
                where[c.place_id] = xy
                todo.append((k, c.place_id, rows.setdefault((surf, c.place_id), len(rows))))
        if not rows:
            return out
        h_min: list[float] | np.ndarray
        if len(rows) * len(anchors) <= PAIRS_IN_PYTHON:
            h_min = _nearest_by_pairs(rows, anchors, where)
        else:
            h_min = _nearest_by_arrays(rows, anchors, where)
        closeness = _closeness(h_min if isinstance(h_min, list) else h_min.tolist())
        for k, pid, r in todo:
            out[k][pid] = closeness[r]
        return out


_closeness_of: Final[dict[float, float]] = {}


def _closeness(hs: list[float]) -> list[float]:
    """Per haversine term ``h`` of a city and its nearest anchor, the closeness of the two (see
    :data:`NEAR_FULL_KM`); memoised by ``h`` (news pairs the same cities again), the new ones computed in one
    numpy call."""
    memo = _closeness_of
    new = [h for h in hs if h not in memo]
    if new:
        if len(memo) + len(new) > MEMO_MAX:
            memo.clear()
        # numpy's arcsin, not math.asin: they differ in the last bit now and then (numpy's gives the same
        # bits for an array as for each element alone, so a remembered value is the one it would compute).
        km = (_EARTH_DIAMETER_KM * np.arcsin(np.sqrt(new))).tolist()
        for i in range(len(new)):
            # 20 km or closer: full closeness; 200 km: half; 2,000 km: none.
            memo[new[i]] = max(0.0, min(1.0, 1.0 - math.log10(max(km[i], NEAR_FULL_KM) / NEAR_FULL_KM) / 2.0))
    return [memo[h] for h in hs]


def _several_cities(cands: list[Candidate]) -> bool:
    """Whether two readings or more are cities (a span :meth:`Resolver.proximity` can tell apart)."""
    n = 0
    for c in cands:
        if c.kind == "city":
            n += 1
            if n > 1:
                return True
    return False


def one_sense_per_discourse(
    ranked: list[Ranked],
    source: list[int],
    surfs: list[str],
    g_spans: list[Span],
    pinned: frozenset[int],
    fallback: frozenset[int],
) -> None:
    """One sense per discourse, on the groups' results ``ranked`` in place (``source[g]``: the group whose
    result group ``g`` takes): a word that names a place resolves to the same place throughout an article;
    its best-supported reading wins where a context rule had removed that reading ("in Dublin" decides
    "Dublin Arts Council", whose capitalised neighbour hid the town)."""
    best_of: dict[str, tuple[Ranked, int, int]] = {}
    for g, (r, surf, sp) in enumerate(zip(ranked, surfs, g_spans, strict=True)):
        usable = r.cand is not uslocal.COUNTY_PLACEHOLDER and r.cand.type == _LITERAL and r.score >= MIN_SCORE
        if usable and sp.start not in fallback and (surf not in best_of or r.score > best_of[surf][0].score):
            best_of[surf] = (r, sp.end - sp.start, g)
    for g, (r, surf, sp) in enumerate(zip(ranked, surfs, g_spans, strict=True)):
        got = best_of.get(surf)
        if got is None:
            continue
        b, b_len, b_g = got
        # Only where this span could not weigh that reading itself: a context rule removed it. A
        # longer word takes a shorter one's reading ("Lancashire County"), not the reverse ("Kansas" is
        # not "Kansas City").
        if (
            sp.start not in pinned
            and b_len <= sp.end - sp.start
            and r.cand is not b.cand
            and r.cand.type == _LITERAL
            and r.score >= MIN_SCORE
            and b.cand not in sp.cands
        ):
            ranked[g] = b
            source[g] = b_g


#: Up to this many (city reading, anchor) pairs, :meth:`Resolver.proximity` measures them pair by pair
#: (:func:`_nearest_by_pairs`); more, in one array computation (:func:`_nearest_by_arrays`): numpy's
#: per-call overhead (~12 µs) outweighs the arithmetic of an article's few dozen pairs (~0.2 µs each);
#: the two cost the same near 100 pairs.
PAIRS_IN_PYTHON: Final = 100

Anchors = dict[tuple[str, str], tuple[float, float]]


def _nearest_by_pairs(
    rows: Mapping[tuple[str, str], int], anchors: Anchors, coords: Mapping[str, tuple[float, float]]
) -> list[float]:
    """Per row (word, city id), the haversine term ``h`` of its nearest anchor of another word (the distance
    is ``2R asin(sqrt(h))``); the same bits as :func:`_nearest_by_arrays` (the C library's sin and cos; the
    same operations in the same order)."""
    rad = math.radians
    a = [(surf, rad(lat), rad(lon)) for (surf, _pid), (lat, lon) in anchors.items()]
    a_cos = [math.cos(lat2) for _surf, lat2, _lon2 in a]
    out = []
    for surf, pid in rows:
        lat, lon = coords[pid]
        lat1, lon1 = rad(lat), rad(lon)
        cos1 = math.cos(lat1)
        best = math.inf
        for (surf2, lat2, lon2), cos2 in zip(a, a_cos, strict=True):
            if surf2 != surf:
                x = math.sin((lat2 - lat1) / 2)
                y = math.sin((lon2 - lon1) / 2)
                h = x * x + cos1 * cos2 * (y * y)
                if h < best:
                    best = h
        out.append(best)
    return out


def _nearest_by_arrays(
    rows: Mapping[tuple[str, str], int], anchors: Anchors, coords: Mapping[str, tuple[float, float]]
) -> np.ndarray:
    """:func:`_nearest_by_pairs` as one array computation (every row against every anchor)."""
    a_surf = np.array([key[0] for key in anchors], dtype=object)
    a_xy = np.radians(np.array(list(anchors.values()), dtype=float))
    p = np.radians(np.array([coords[pid] for _surf, pid in rows], dtype=float))
    lat1 = np.ascontiguousarray(p[:, 0]).reshape(-1, 1)
    lon1 = np.ascontiguousarray(p[:, 1]).reshape(-1, 1)
    lat2 = np.ascontiguousarray(a_xy[:, 0]).reshape(1, -1)
    lon2 = np.ascontiguousarray(a_xy[:, 1]).reshape(1, -1)
    x = np.sin((lat2 - lat1) / 2)
    y = np.sin((lon2 - lon1) / 2)
    h = x * x + np.cos(lat1) * np.cos(lat2) * (y * y)
    word = np.array([surf for surf, _pid in rows], dtype=object).reshape(-1, 1)
    return np.where(a_surf.reshape(1, -1) != word, h, np.inf).min(axis=1)


#: Surfaces remembered by :func:`_surface` before that memo is cleared (bounds a server's memory).
SURFACE_MEMO_MAX: Final = 100_000
_surfaces: Final[dict[str, str]] = {}


def _surface(t: str) -> str:
    """A span's word for voting: casefolded, without "city"/"county" ("dublin" for "Dublin City"); memoised
    across articles (news repeats its places)."""
    got = _surfaces.get(t)
    if got is None:
        got = _FAMILY_SUFFIX.sub("", t.casefold())
        if len(_surfaces) >= SURFACE_MEMO_MAX:
            _surfaces.clear()
        _surfaces[t] = got
    return got


def _best_prior(cands: list[Candidate]) -> Candidate:
    """The first of the readings with the best prior (as ``max(cands, key=prior)``, without a key call per
    reading)."""
    best = cands[0]
    for c in cands:
        if c.prior > best.prior:
            best = c
    return best


#: Entries each cross-article memo of this module (rounded confidences, names shown, city points) holds
#: before it is cleared (bounds a server's memory).
MEMO_MAX: Final = 50_000
_rounded: Final[dict[float, float]] = {}


def _round3(x: float) -> float:
    """``round(x, 3)``, memoised: Python's float rounding goes through a decimal string (~0.3 µs), and most
    confidences recur (0.99 for every clear case)."""
    got = _rounded.get(x)
    if got is None:
        got = round(x, 3)
        if len(_rounded) >= MEMO_MAX:
            _rounded.clear()
        _rounded[x] = got
    return got
