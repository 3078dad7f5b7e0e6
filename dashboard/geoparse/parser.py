"""Text -> place mentions -> resolved places: a gazetteer matcher with reader-like disambiguation; pure."""

from __future__ import annotations

import bisect
import functools
import gc
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from dashboard import historic, lexicon, nameindex

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from dashboard.article import Article

#: Longest name, in tokens, looked up in the names index.
MAX_TOKENS = nameindex.MAX_TOKENS

#: Mentions scoring below this are dropped (a lone hamlet with no support in the article).
MIN_SCORE = 1.2

#: Words remembered as opening (or not) a name before that memo is cleared (bounds a server's memory).
_OPENS_CACHE_MAX = 200_000

#: Longer words are never memoised (with the entry counts above, the memos stay under ~50 MB).
_MEMO_MAX_CHARS = 64

#: Weight of the spatial-minimality bonus (a city near the article's other cities).
PROXIMITY_WEIGHT = 1.0

#: An area beats a same-named town under 100,000 unless the town scores this much more (an appositive
#: "Nevada, Mo." does; the town's state being the article's does not).
AREA_OVER_TOWN_MARGIN = 1.5

#: A city this populous is not taken for a surname next to a capitalised word ("Metropolitan Denver").
BIG_CITY = 300_000

#: Bonus of a candidate of the kind (and country) of the other items of a list it is in.
LIST_WEIGHT = 1.5

#: A town smaller than this named in the possessive ("Moody's") is taken for a firm or a person.
POSSESSIVE_TOWN_MAX = 20_000

#: Bonus of a town and a county of the article when the town lies in the county.
CONTAINMENT_WEIGHT = 1.5

#: A town under this population yields to a same-named country after an origin cue ("a native of Jordan").
SMALL_TOWN = 100_000

#: Confidence of a mention resolved to its stated container because the gazetteer lacks the town there.
CONTAINER_CONFIDENCE = 0.4

# One compiled tokenizer: dotted abbreviations ("U.S.", "W.Va.") or runs of word characters.
_TOKEN = nameindex.TOKEN
# What may separate the tokens of one multi-word name: spaces, a hyphen, an apostrophe, "St. Louis".
_GAP_OK = re.compile(r"[ \t\u00a0]{0,3}|[ \t]?[-\u2010\u2011\u2013'\u2019][ \t]?|\.[ \t]{1,2}")
# "Henry County", "Rapides Parish": US counties are not bundled; they resolve to the article's state.
_COUNTY = re.compile(r"\b((?:[A-Z][\w'\u2019.-]*[ \t]){1,3})(County|Parish)\b")
_APPOSITIVE_GAP = re.compile(r",[ \t]{0,2}")
# Between the items of a list: "A, B", "A and B", "A, and B", "A or B".
_LIST_GAP = re.compile(r",?[ \t]{1,2}(?:and|or)[ \t]{1,2}|,[ \t]{0,2}")
# Before the next item of a list, which may open with "the" ("Japan, and the United Kingdom").
_NEXT_ITEM_GAP = re.compile(r"(?:,?[ \t]{1,2}(?:and|or)[ \t]{1,2}|,[ \t]{0,2})(?:the[ \t]+)?")
_FAMILY_SUFFIX = re.compile(r"[ \t]+(?:city|county|parish|township)$")
# ", 54," after a name: a person's age.
_AGE = re.compile(r",[ \t]\d{1,3}\b")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n\"\u201c\u201d\u2022|()\[\]]")
_DIRECTION = "(?:(?:" + "|".join(sorted(lexicon.DIRECTION_WORDS)) + ")[ \t]+)?"
# "Hanover in Kansas", "Hanover in northern Kansas": a weak statement of the container.
_IN_GAP = re.compile(r",?[ \t]{1,2}in[ \t]+" + _DIRECTION)
# "Hanover, a small town in Kansas": a description stating the container, as strong as an appositive.
_DESCRIBED_GAP = re.compile(
    r",[ \t]{1,2}(?:a|an|the)[ \t]+(?:[a-z-]+[ \t]+){0,2}?(?:"
    + "|".join(sorted(lexicon.CONTAINED_NOUNS))
    + r")[ \t]+(?:in|of)[ \t]+"
    + _DIRECTION
)
# Origin cues by their last word: the words before it ({"of": [["native"], ["natives"]], "from": [[]]}).
_ORIGIN_CUE_WORDS: dict[str, list[list[str]]] = {}
for _cue in lexicon.ORIGIN_CUES:
    _ORIGIN_CUE_WORDS.setdefault(_cue.split()[-1], []).append(_cue.split()[:-1])
# "a native of", "born in", "from" ending right before a name (searched in a short window before it).
_ORIGIN_CUE = re.compile(
    r"\b(?:" + "|".join(r"[ \t]+".join(map(re.escape, c.split())) for c in lexicon.ORIGIN_CUES) + r")[ \t]+$",
    re.IGNORECASE,
)

_KIND_PRIOR = {
    "country": 3.0,
    "historic_state": 3.0,  # the USSR, West Germany: dated, see dashboard.historic
    "alliance": 3.0,
    "continent": 2.9,
    "region": 2.7,
    "sea": 2.7,
    "pipeline": 2.7,
    "province": 2.3,
    "county": 2.0,  # US counties (geodata v2): the state named in the article decides between them
}
_AREA_KINDS = frozenset(_KIND_PRIOR) - {"pipeline"}
# Keys of names that contain lowercase words of their own ("Baltic republics", "former Soviet states").
_LOWER_OK: set[str] = set()


@dataclass(frozen=True)
class Mention:
    """One place mention: offsets into the whole text and the place it resolves to."""

    start: int
    end: int
    text: str
    place_id: str
    name: str
    kind: str
    country: str | None
    type: str
    confidence: float


class _Cand(NamedTuple):
    place_id: str
    name: str
    kind: str
    country: str | None
    population: int
    primary: bool
    type: str  # literal | demonym | metonymic | alliance
    upper: bool  # the name is an all-caps abbreviation: the text must be all caps too
    prior: float
    province: str | None  # province id a city lies in, for coherence
    capital: bool


def _norm(token: str) -> str:
    """Case-, accent- and dot-insensitive form of one token (short ones cached: news repeats its words;
    a hostile text's huge words are not kept, so the memo stays bounded in bytes, not only entries)."""
    if len(token) > _MEMO_MAX_CHARS:
        return nameindex.norm_token(token)
    return _norm_memo(token)


_norm_memo = functools.lru_cache(maxsize=200_000)(nameindex.norm_token)


def _key(name: str) -> str:
    """The index key of a name: its normalised tokens joined by spaces ("" when it has none)."""
    toks = _TOKEN.findall(name)
    if len(toks) > 1 and toks[0].casefold() == "the":  # "the Baltics" is looked up without its article
        toks = toks[1:]
    return " ".join(_norm(t) for t in toks)


def _city_prior(population: int, primary: bool) -> float:
    # log-population: a hamlet of 5,000 ~1.3, a town of 100,000 ~1.7, a city of 3 million ~2.2.
    p = 0.2 + 0.3 * math.log10(max(population, 1000))
    return p if primary else p - 0.4


# Placeholder candidate of an "X County" span (resolved to the article's US state in _resolve).
_COUNTY_CAND = _Cand("county:", "", "county", None, 0, True, "literal", False, 2.0, None, False)


class Geoparser:
    """A names index plus the rules that turn text into resolved mentions.

    Parameters
    ----------
    names : pandas.DataFrame
        Every matchable name: columns ``place_id, name, kind, country, population, primary``; optional
        ``province`` (the province id a city lies in) and ``capital`` (bool).
    province : dict, optional
        City place id -> id of the province it lies in (instead of a ``province`` column).
    capital : set, optional
        Place ids of national capitals (instead of a ``capital`` column).
    coords : callable, optional
        Returns city id -> (lat, lon); called once, when an article first has an ambiguous city.
    counties : callable, optional
        Returns county id -> shapely polygon; called once, when an article first names a county and a town.
    """

    def __init__(
        self,
        names: pd.DataFrame | None,
        province: dict[str, str] | None = None,
        capital: set[str] | None = None,
        coords: Callable[[], Mapping[str, tuple[float, float]]] | None = None,
        counties: Callable[[], dict[str, Any]] | None = None,
        *,
        index: nameindex.NameIndex | None = None,
    ) -> None:
        self._coords: Mapping[str, tuple[float, float]] | None = None
        self._coords_loader = coords
        self._counties: dict[str, Any] | None = None
        self._counties_loader = counties
        if index is None:
            index = nameindex.NameIndex.build(names, province, capital)
        self.index = index
        # Priors are rules, so they are computed here from the index's data (a few array operations).
        kinds = np.array(index.kinds, dtype=object)
        kind = kinds[np.asarray(index.kind_code)] if len(index) else np.array([], dtype=object)
        pop = np.asarray(index.pop)
        primary = np.asarray(index.primary, dtype=bool)
        kind_prior = np.array([_KIND_PRIOR.get(k, 0.0) if k else 0.0 for k in index.kinds], dtype=float)
        base = (kind_prior[np.asarray(index.kind_code)] if len(index) else np.zeros(0)) - 0.1 * ~primary
        city_prior = 0.2 + 0.3 * np.log10(np.maximum(pop, 1000)) - 0.4 * ~primary
        country_bonus = np.where(kind == "country", 0.04 * np.log10(np.maximum(pop, 1)) - 0.3, 0.0)
        self._prior = np.where(kind == "city", city_prior, base + country_bonus)
        del kind, kinds
        self._upper = index.upper
        self._pop = index.pop
        self._primary = index.primary
        self._kind_code, self._kinds = index.kind_code, index.kinds
        self._country_code, self._countries = index.country_code, index.countries
        self._pid_code, self._pids = index.pid_code, index.pids
        self._province_code, self._provinces = index.province_code, index.provinces
        self._capital = index.capital
        self._name_arr = index.names
        self._order, self._starts = index.order, index.starts
        self._codes: dict[str, int] = dict(zip(index.keys, range(len(index.keys)), strict=True))
        self._cache: dict[str, list[_Cand]] = {}
        self._upper_keys: set[str] = set()  # keys with an all-caps candidate (the text must be caps too)
        # Names with lowercase words of their own ("Baltic republics") may match with them lowercase.
        _LOWER_OK.update(index.lower_ok)
        self._pid_row = index.pid_row
        self._pid_index = index.pid_index
        self._extra: dict[str, list[_Cand]] = {}
        self._add_lexicon(self._extra)
        extra_keys = [k for k in self._extra if k not in self._codes]
        for k in self._extra:
            self._codes.setdefault(k, -1)
        self._prefixes = set(index.prefixes)
        self._prefixes.update(nameindex.prefixes_of(extra_keys))
        # Tokens that can open a match: a key of one token, or the first token of a longer one; and per
        # word of the text, whether it opens one (capitalised or a lowercase opener like "eastern").
        self._opens: dict[str, bool] = {}
        self._openers = {k for k in self._codes if " " not in k} | {k for k in self._prefixes if " " not in k}

    @classmethod
    def from_index(
        cls,
        index: nameindex.NameIndex,
        coords: Callable[[], Mapping[str, tuple[float, float]]] | None = None,
        counties: Callable[[], dict[str, Any]] | None = None,
    ) -> Geoparser:
        """A parser over a prepared (possibly memory-mapped) :class:`~dashboard.nameindex.NameIndex`."""
        return cls(None, coords=coords, counties=counties, index=index)

    def _info(self, pid: str) -> tuple[str, str, str | None, int, str | None, bool] | None:
        """(name, kind, country, population, province, capital) of an indexed place, or None."""
        c = self._pid_index.get(pid)
        if c is None:
            return None
        return self._row(int(self._pid_row[c]))[1:]

    def _row(self, r: int) -> tuple[str, str, str, str | None, int, str | None, bool]:
        """(place id, name, kind, country, population, province, capital) of row ``r``."""
        return (
            self._pids[self._pid_code[r]],
            self._name_arr[r],
            self._kinds[self._kind_code[r]],
            self._countries[self._country_code[r]],
            int(self._pop[r]),
            self._provinces[self._province_code[r]],
            bool(self._capital[r]),
        )

    def _cands(self, key: str) -> list[_Cand]:
        """The candidates of one index key, best prior first (built on first use, then cached)."""
        got = self._cache.get(key)
        if got is not None:
            return got
        lst: list[_Cand] = []
        code = self._codes.get(key, -1)
        if code >= 0:
            for r in self._order[self._starts[code] : self._starts[code + 1]].tolist():
                pid, name, k, country, pop, province, capital = self._row(r)
                cand = _Cand(
                    pid,
                    name,
                    k,
                    country,
                    pop,
                    bool(self._primary[r]),
                    "alliance" if k == "alliance" else "literal",
                    bool(self._upper[r]),
                    float(self._prior[r]),
                    province,
                    capital,
                )
                _merge(lst, cand)
        for cand in self._extra.get(key, ()):
            _merge(lst, cand)
        lst.sort(key=lambda c: -c.prior)
        if any(c.upper for c in lst):
            self._upper_keys.add(key)
        self._cache[key] = lst
        return lst

    @staticmethod
    def _add(
        index, name, pid, kind, country, pop, primary, typ, prior, province=None, capital=False, key=None
    ):
        if key is None:
            key = _key(name)
        if not key or key.count(" ") >= MAX_TOKENS:
            return
        stripped = name.replace(".", "")
        upper = stripped.isupper() and len(stripped) <= 5
        cand = _Cand(pid, name, kind, country, pop, primary, typ, upper, prior, province, capital)
        if " " in name and any(w[0].islower() for w in name.split()[1:]):
            _LOWER_OK.add(key)  # "Baltic republics": its own lowercase words may stay lowercase
        _merge(index.setdefault(key, []), cand)

    def _add_lexicon(self, index: dict[str, list[_Cand]]) -> None:
        def add(surface: str, pid: str, typ: str, prior: float) -> None:
            info = self._info(pid)
            if info is None:
                return  # the gazetteer lacks this place: skip rather than invent it
            _name, kind, country, pop, pv, cp = info
            self._add(index, surface, pid, kind, country, pop, True, typ, prior, pv, cp)

        for table in lexicon.place_tables():
            for surface, pid in table.entries.items():
                add(surface, pid, table.type, table.prior)
        for surface, pid in historic.DEMONYMS.items():
            add(surface, pid, "demonym", 2.6)

    def place_info(self, place_id: str) -> tuple[str, str, str | None] | None:
        """(name, kind, country) of an indexed place, or None."""
        i = self._info(place_id)
        return (i[0], i[1], i[2]) if i else None

    # -- matching ----------------------------------------------------------------------------------------

    def _spans(self, text: str) -> tuple[list[tuple[int, int, str]], list[tuple]]:
        """Tokens, and longest-match spans (first token, last token, start, end, candidates)."""
        toks, words = nameindex.tokens_and_words(text)
        index, prefixes = self._codes, self._prefixes
        openers = lexicon.LOWERCASE_OPENERS
        out = []
        n = len(toks)
        # Only tokens that open some key can start a match: find them in C (set look-ups over the
        # cached normalised words) instead of stepping through every token in Python.
        opens = self._opens
        new_words = set(words).difference(opens)
        if new_words:
            if len(opens) > _OPENS_CACHE_MAX:
                opens.clear()
                new_words = set(words)
            for w in new_words:
                opens[w] = (w[0].isupper() or w in openers) and _norm(w) in self._openers
        can_open = list(compress(range(n), map(opens.__getitem__, words)))
        for w in new_words or ():
            if len(w) > _MEMO_MAX_CHARS:  # answered for this text only: the memo stays small in bytes
                del opens[w]
        i = 0
        for i0 in can_open:
            if i0 < i:  # inside the previous match
                continue
            i = i0
            s, _e, t = toks[i]
            first = t[0]
            lower_open = False
            if not first.isupper():
                if t not in openers:
                    continue
                lower_open = True
            key = _norm(t)
            best = None
            if key in index and not lower_open:
                best = (i, key)
            j = i
            while key in prefixes and j + 1 < n and j - i + 1 < MAX_TOKENS:
                ns, _ne, nt = toks[j + 1]
                if not _GAP_OK.fullmatch(text, toks[j][1], ns):
                    break
                j += 1
                key = f"{key} {_norm(nt)}"
                if key in index and (key in _LOWER_OK or _caps_ok(toks, i, j)):
                    best = (j, key)
            if best is None:
                continue
            j, key = best
            end = toks[j][1]
            # Dotted state abbreviations keep their final period ("Calif.").
            if end < len(text) and text[end] == "." and text[s:end] + "." in lexicon.US_STATE_ABBREVIATIONS:
                end += 1
            surface = text[s:end]
            cands = self._cands(key)
            if key in self._upper_keys and not surface.replace(".", "").isupper():
                cands = [c for c in cands if not c.upper]
            if cands:
                out.append((i, j, s, end, cands))
            i = j + 1
        return toks, out

    def parse(self, text: str, on: date | None = None) -> list[Mention]:
        """Find and resolve the place mentions in ``text`` as of date ``on`` (see :func:`geoparse`)."""
        if not text:
            return []
        # Parsing allocates many small acyclic tuples: the cyclic collector would rescan them over and over
        # (a fifth of the time on a 2 MB text) and has nothing to free, so it pauses for the call.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._parse(text, on)
        finally:
            if was_enabled:
                gc.enable()

    def _parse(self, text: str, on: date | None = None) -> list[Mention]:
        toks, spans = self._spans(text)
        spans = historic.spans_on(spans, on)  # readings of dated names valid on the article's date
        matched_tok: set[int] = set()
        for i, j, *_ in spans:
            matched_tok.update(range(i, j + 1))
        # Two passes: surnames met as part of a person's name ("Bruce Ivins") are distrusted everywhere.
        persons: set[str] = set()
        cued: set[int] = set()  # starts of spans right after an origin cue ("a native of")
        named = _Named(spans)
        first = [
            self._filter(text, toks, i, j, s, e, c, matched_tok, persons, named, cued)
            for i, j, s, e, c in spans
        ]
        kept = []
        for (i, j, s, e, cands), got in zip(spans, first, strict=True):
            if persons and i == j and _norm(toks[i][2]) in persons:  # only these can change
                got = self._filter(text, toks, i, j, s, e, cands, matched_tok, persons, named, cued)
            if got:
                kept.append((s, e, got))
        kept = self._add_counties(text, kept)
        kept, pinned, fallback = _rule_stated_container(text, kept, cued)
        kept, origin = _rule_origin_country(text, kept, pinned, cued)
        return self._resolve(text, kept, pinned | origin, fallback)

    @staticmethod
    def _add_counties(text: str, kept: list[tuple[int, int, list[_Cand]]]) -> list:
        """Add "X County" spans (replacing a town match inside them), to be resolved to the state."""
        counties = [(m.start(), m.end()) for m in _COUNTY.finditer(text)]
        # Where the gazetteer has the county itself, its polygon is resolved instead of the state.
        real = [(k[0], k[1]) for k in kept if any(c.kind == "county" for c in k[2])]
        counties = [(cs, ce) for cs, ce in counties if not any(rs < ce and cs < re_ for rs, re_ in real)]
        if not counties:
            return kept
        out = [k for k in kept if not any(cs < k[1] and k[0] < ce for cs, ce in counties)]
        out += [(cs, ce, [_COUNTY_CAND]) for cs, ce in counties]
        out.sort(key=lambda k: k[0])
        return out

    def _filter(
        self, text, toks, i, j, s, e, cands, matched_tok, persons, named=None, cued=None
    ) -> list[_Cand]:
        """Apply the reader's rules (titles, person names, common words) to one span's candidates; the
        start of a span right after an origin cue ("born in") is added to ``cued``."""
        # None at the text's ends; the flags computed from them (prev_adjacent, next_cap) say when set.
        prev_tok: Any = toks[i - 1] if i > 0 else None
        next_tok: Any = toks[j + 1] if j + 1 < len(toks) else None
        prev_adjacent = prev_tok is not None and not _SENTENCE_BREAK.search(text, prev_tok[1], s)
        if prev_tok is not None and not prev_adjacent and text[prev_tok[1] : s] in (". ", "."):
            # "Sen. Jones", "John A. Jones": a title or an initial with its period still qualifies the name.
            p = prev_tok[2]
            prev_adjacent = (len(p) == 1 and p.isupper()) or p.casefold() in lexicon.TITLES
        prev_word = prev_tok[2].casefold() if prev_adjacent else ""
        sentence_start = not prev_adjacent
        # "in Fargo", "near Oakland": a locative preposition overrides the person-name doubts.
        locative = prev_word in lexicon.LOCATIVES
        if not locative and next_tok is not None and text[e : next_tok[0]] == " ":
            # "Paris police", "Fargo Mayor": an institution of the place is named, so the place is meant.
            locative = next_tok[2].casefold() in lexicon.PLACE_HEADS
        if cued is not None and prev_word in _ORIGIN_CUE_WORDS and _after_origin_cue(toks, i, prev_word):
            cued.add(s)  # decided by _rule_origin_country, after the stated containers
        # A title right before: "President Putin", "Mr Georgia", "Secretary-General Jens ..."
        if prev_word in lexicon.TITLES:
            cands = [c for c in cands if c.type == "demonym"]
            if not cands:
                return []
        single = i == j
        key = _norm(toks[i][2])
        # Capitalised neighbours that are not places make this token part of a longer proper name:
        # "Jens Stoltenberg", "Vladimir Putin", "Washington Post".
        prev_proper = (
            prev_adjacent
            and prev_tok[2][0].isupper()
            and (i - 1) not in matched_tok
            and prev_word not in lexicon.COMMON_WORDS
            and prev_word not in lexicon.NAME_CONNECTORS
        )
        next_proper = False
        next_cap = False  # a capitalised word right after, separated by one space
        nword = next_tok[2].casefold() if next_tok is not None else ""
        if next_tok is not None and next_tok[2][0].isupper():
            gap = text[e : next_tok[0]]
            next_cap = gap in (" ", "\u00a0") and nword not in lexicon.PLACE_HEADS
            next_proper = next_cap and (j + 1) not in matched_tok and nword not in lexicon.COMMON_WORDS
        personish = key in lexicon.PERSON_NAMES
        surface = text[s:e]
        if single and key in lexicon.NOT_PLACES:
            return []
        # Person cues: "Gary Wilson", "Andrew Trapani" (a given name before), "Mary Middleton" (a given name
        # followed by a capitalised word), "Baker said", "said Hopkins", "Wilson, 54," (an age).
        surname = (
            single
            and prev_tok is not None
            and text[prev_tok[1] : s] == " "
            and prev_tok[2][0].isupper()
            and prev_word in lexicon.FIRST_NAMES
        )
        given = single and key in lexicon.FIRST_NAMES and next_cap and nword not in lexicon.COMMON_WORDS
        # Only a name that is no sizeable place ("Moscow said" is metonymy, "Tbilisi says" too).
        speaker = (
            single
            and not locative
            and (
                (nword in lexicon.SPEECH_VERBS and text[e : next_tok[0]] == " ")
                or (prev_word == "said" and text[prev_tok[1] : s] == " ")
                or _AGE.match(text, e) is not None
            )
            and all(c.kind == "city" and c.population < 100_000 for c in cands if c.type == "literal")
        ) or (
            single
            and sentence_start
            and nword in lexicon.PERSON_VERBS
            and _person_before_verb(text, e, next_tok, sentence_start, cands)
        )
        # An acronym ("HIV", "UN", "FAO") is a place only if the gazetteer name is itself an acronym.
        acronym = single and len(surface) <= 4 and surface.isupper()
        # "US$5m", "HK$": a currency, not a place.
        if text[e : e + 1] == "$":
            return []
        # "BP America Inc", "Aluminum Co of America": a firm's name, not a mention of the place ("in
        # America and Japan Co" keeps its locative).
        if prev_word not in lexicon.LOCATIVES and _in_company_name(text, toks, i, j):
            return []
        # "Washington Post", "New York Times": a newspaper, not a mention of the place.
        if next_cap and nword in lexicon.NEWSPAPER_WORDS and next_tok[2][0].isupper():
            return []
        # "the state of Washington", "Washington state", "New York Governor": the province, where the name
        # has one.
        province_cue = (
            prev_tok is not None
            and prev_word == "of"
            and i > 1
            and toks[i - 2][2].casefold() in lexicon.PROVINCE_CUES
            and text[toks[i - 2][1] : prev_tok[0]] == " "
        ) or (
            next_tok is not None
            and text[e : next_tok[0]] in (" ", "\u00a0")
            and (
                (nword in lexicon.PROVINCE_CUES and next_tok[2][0].islower())
                or (nword in lexicon.PROVINCE_HEADS and next_tok[2][0].isupper())
            )
        )
        if province_cue and any(c.kind == "province" for c in cands):
            cands = [c for c in cands if c.kind == "province" or c.type != "literal"]
        # "Marburg virus", "Ebola fever", "Lyme disease": a disease named after a place.
        if next_tok is not None and next_tok[2].casefold() in lexicon.DISEASE_WORDS:
            return []
        common_noun = (
            single and key in lexicon.COMMON_NOUNS and not locative and not _APPOSITIVE_GAP.match(text, e)
        )
        out = []
        for c in cands:
            if c.name in lexicon.US_STATE_ABBREVIATIONS and not surface.endswith("."):
                continue  # "Miss." is Mississippi, "Miss" is not
            if c.type in ("demonym", "alliance", "metonymic") or c.upper:
                out.append(c)
                continue
            if acronym:
                continue
            if c.kind in ("city", "province"):
                if surname or given:
                    if surname:  # later "Wilson" alone is the same person
                        persons.update((key, "!" + key))
                    continue
                # "Moscow said" is metonymy; "Baker said" is a person: only small places are doubted.
                if speaker:
                    persons.update((key, "!" + key))
                    continue
            if single and key in lexicon.COMMON_WORDS and c.kind in ("city", "province", "region"):
                continue
            # "Department of Justice", "Federal Reserve": a small town named by a common word needs a
            # locative cue, an appositive ("Justice, Ill.") or its state (country) named in the article.
            small = c.kind == "city" and c.population < 50_000
            if common_noun and small and (named is None or (c.province or c.country) not in named.ids()):
                continue
            # ...and never when a capitalised word precedes it: the head of an organisation's name
            # ("Federal Reserve Board", "Farmers State Bank"), whatever the article names or the word after.
            if (
                small
                and single
                and key in lexicon.COMMON_NOUNS
                and prev_adjacent
                and prev_tok is not None
                and text[prev_tok[1] : s] == " "
                and prev_tok[2][0].isupper()
            ):
                continue
            # "Moody's", "Dillard's": a small town's name in the possessive, with no locative cue, is a firm's
            # or a person's ("Greer's city limits": a town of 35,000 stays).
            if (
                c.kind == "city"
                and c.population < POSSESSIVE_TOWN_MAX
                and single
                and not locative
                and text[e : e + 2] in ("'s", "\u2019s")
            ):
                continue
            if not locative:
                # A capitalised neighbour makes a town part of a person's name, not a big city
                # ("Metropolitan Denver", "Greater Atlanta" stay places).
                weak = (c.kind == "city" and c.population < BIG_CITY) or personish
                if weak and single and (prev_proper or next_proper):
                    if prev_proper and c.kind == "city":  # "Bruce Ivins": later "Ivins" alone is him too
                        persons.add(key)
                    continue
                # "!" marks strong person evidence, which also outweighs a province ("Andrew Trapani").
                if single and (c.kind == "city" or "!" + key in persons) and key in persons:
                    continue
                if single and personish and sentence_start:
                    continue
            # A sentence's first word is capitalised anyway: a town's alternate name there is weak evidence.
            if c.kind == "city" and sentence_start and single and c.population < 1_000_000 and not c.primary:
                continue
            out.append(c)
        return out

    def _resolve(
        self,
        text: str,
        spans: list[tuple[int, int, list[_Cand]]],
        pinned: frozenset[int] = frozenset(),
        fallback: frozenset[int] = frozenset(),
    ) -> list[Mention]:
        """Pick one candidate per span, using the article's other places as context.

        Votes start from each span's best candidate by prior alone; a second round re-votes with the
        choices of the first, so a cluster of US towns pulls "Georgia" to the state and vice versa.
        Spans starting at an offset in ``pinned`` keep their readings against one sense per discourse (an
        explicit cue decided them); those in ``fallback`` stand for their stated container, with low
        confidence.
        """
        # "Dublin" and "Dublin City" are one word for voting: they cannot support each other.
        all_surfs = [_FAMILY_SUFFIX.sub("", text[s:e].casefold()) for s, e, _c in spans]
        all_apos, all_boxes = _appositives(text, spans)
        all_lists = _list_kinds(text, spans)
        # Spans with the same word, candidates and appositive score alike: score each group once and
        # weight its votes by its size (an article repeats its places; cost follows distinct mentions).
        groups: dict[tuple, int] = {}
        gid = []
        ctx = zip(all_apos, all_boxes, all_lists, strict=True)
        for (s, _e, cands), surf, apo in zip(spans, all_surfs, ctx, strict=True):
            gid.append(groups.setdefault((surf, apo, s in pinned, tuple(map(id, cands))), len(groups)))
        reps = [0] * len(groups)
        weights = [0] * len(groups)
        for k in range(len(gid) - 1, -1, -1):
            reps[gid[k]] = k
            weights[gid[k]] += 1
        g_spans = [spans[k] for k in reps]
        surfs = [all_surfs[k] for k in reps]
        apos = [(all_apos[k], all_boxes[k], all_lists[k]) for k in reps]
        picks = [max(cands, key=lambda c: c.prior) for _s, _e, cands in g_spans]
        near: list[dict[str, float]] = [{} for _ in g_spans]
        inside = self._containment(g_spans, surfs)
        for _round in range(3):
            g_results = self._score_round(g_spans, surfs, picks, apos, near, weights, inside)
            new_picks = [r[1] for r in g_results]
            # A round scores from (picks, near) alone: once both repeat, later rounds would repeat too.
            same = new_picks == picks
            picks = new_picks
            if _round == 0:
                near = self._proximity(g_spans, surfs, picks)
                same = same and not any(near)
            if same:
                break
        # One sense per discourse: a word that names a place resolves to the same place throughout an
        # article; its best-supported reading wins where a context rule had removed that reading
        # ("in Dublin" decides "Dublin Arts Council", whose capitalised neighbour hid the town).
        best_of: dict[str, tuple[tuple[float, _Cand, float], int]] = {}
        starts = [sp[0] for sp in g_spans]
        for r, surf, (s, e, _c) in zip(g_results, surfs, g_spans, strict=True):
            usable = r[1] is not _COUNTY_CAND and r[1].type == "literal" and r[0] >= MIN_SCORE
            if usable and s not in fallback and (surf not in best_of or r[0] > best_of[surf][0][0]):
                best_of[surf] = (r, e - s)
        for g, (r, surf) in enumerate(zip(g_results, surfs, strict=True)):
            b, b_len = best_of.get(surf, (None, 0))
            # Only where this span could not weigh that reading itself: a context rule removed it. A
            # longer word takes a shorter one's reading ("Lancashire County"), not the reverse ("Kansas" is
            # not "Kansas City").
            if (
                b is not None
                and starts[g] not in pinned
                and b_len <= g_spans[g][1] - starts[g]
                and r[1] is not b[1]
                and r[1].type == "literal"
                and r[0] >= MIN_SCORE
                and b[1] not in g_spans[g][2]
            ):
                g_results[g] = b
        results = [g_results[g] for g in gid]
        picks = [r[1] for r in results]
        # The state a US local article is about: the most voted US province among the picks.
        us_states = Counter(
            (b.place_id if b.kind == "province" else b.province)
            for b in picks
            if b.country == "USA" and (b.kind == "province" or b.province)
        )
        state = us_states.most_common(1)[0][0] if us_states else None
        mentions = []
        names: dict[str, str] = {}
        for (s, e, _cands), (best_score, best, margin) in zip(spans, results, strict=True):
            if best is _COUNTY_CAND:
                info = self._info(state) if state is not None else None
                if state is None or info is None:
                    continue
                name, kind, country = info[:3]
                mentions.append(Mention(s, e, text[s:e], state, name, kind, country, "literal", 0.4))
                continue
            if best_score < MIN_SCORE:
                continue
            conf = max(0.05, min(0.99, 0.5 + 0.15 * (best_score - MIN_SCORE) + 0.2 * min(margin, 1.5)))
            if s in fallback:
                conf = min(conf, CONTAINER_CONFIDENCE)
            typ = best.type
            if typ == "literal" and best.kind == "city" and best.capital and _metonymic_context(text, e):
                typ = "metonymic"
            shown = names.get(best.place_id)
            if shown is None:
                info = self._info(best.place_id)
                shown = names[best.place_id] = info[0] if info else best.name
            mentions.append(
                Mention(s, e, text[s:e], best.place_id, shown, best.kind, best.country, typ, round(conf, 3))
            )
        return mentions

    def _proximity(self, spans, surfs, picks) -> list[dict[str, float]]:
        """Per span, a bonus for each city candidate close to the article's other cities.

        Spatial minimality: of the Gainesvilles, the one 50 km from the article's Norman and Sherman.
        The anchors are the current picks that are cities, never those of the same word.
        """
        out: list[dict[str, float]] = [{} for _ in spans]
        ambiguous = [k for k, (_s, _e, c) in enumerate(spans) if sum(x.kind == "city" for x in c) > 1]
        if not ambiguous:
            return out
        coords = self.coords()
        if not coords:
            return out
        anchors: dict[tuple[str, str], tuple[float, float]] = {}
        for surf, b in zip(surfs, picks, strict=True):
            if b.kind == "city" and b.place_id in coords:
                anchors.setdefault((surf, b.place_id), coords[b.place_id])
        if not anchors:
            return out
        a_surf = [k[0] for k in anchors]
        a_xy = np.radians(np.array(list(anchors.values()), dtype=float))
        memo: dict[tuple[str, str], float] = {}
        masks: dict[str, np.ndarray] = {}
        a_surf_arr = np.array(a_surf, dtype=object)
        for k in ambiguous:
            surf = surfs[k]
            mask = masks.get(surf)
            if mask is None:
                mask = masks[surf] = a_surf_arr != surf
            if not mask.any():
                continue
            lat2, lon2 = a_xy[mask, 0], a_xy[mask, 1]
            for c in spans[k][2]:
                key = (surf, c.place_id)
                if c.kind != "city" or c.place_id not in coords:
                    continue
                if key not in memo:
                    lat1, lon1 = np.radians(coords[c.place_id])
                    h = (
                        np.sin((lat2 - lat1) / 2) ** 2
                        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
                    )
                    d = 12742.0 * float(np.arcsin(np.sqrt(h.min())))
                    # 20 km or closer: full bonus; 200 km: half; 2,000 km: none.
                    memo[key] = max(0.0, min(1.0, 1.0 - math.log10(max(d, 20.0) / 20.0) / 2.0))
                out[k][c.place_id] = memo[key]
        return out

    def _containment(self, spans, surfs) -> list[set[str]]:
        """Per span, the candidates that pair a town with a county of the article it lies in.

        "Huntsville ... Walker County": of the Huntsvilles and Walker Counties, the pair where the town
        lies inside the county (Texas), not the two most populous ones (Alabama).
        """
        out: list[set[str]] = [set() for _ in spans]
        county_k = [k for k, sp in enumerate(spans) if any(c.kind == "county" and c.province for c in sp[2])]
        if not county_k:
            return out
        # Towns in US states only: county candidates are all American.
        town_k = [
            k for k, sp in enumerate(spans) if any(c.kind == "city" and c.country == "USA" for c in sp[2])
        ]
        if not town_k:
            return out
        polys, coords = self.counties(), self.coords()
        if not polys or not coords:
            return out
        import shapely

        towns_by_state: dict[str, list[tuple[int, str, float, float]]] = {}
        for k in town_k:
            for c in spans[k][2]:
                if c.kind == "city" and c.province and c.place_id in coords:
                    lat, lon = coords[c.place_id]
                    towns_by_state.setdefault(c.province, []).append((k, c.place_id, lon, lat))
        for k in county_k:
            for c in spans[k][2]:
                towns = towns_by_state.get(c.province or "")
                poly = polys.get(c.place_id)
                if not towns or poly is None:
                    continue
                towns = [t for t in towns if surfs[t[0]] != surfs[k]]
                if not towns:
                    continue
                xy = np.array([(t[2], t[3]) for t in towns], dtype=float)
                # Display polygons are simplified: a town on the border may fall a few km outside.
                hit = shapely.dwithin(poly, shapely.points(xy), 0.03)
                for t, h in zip(towns, hit.tolist(), strict=True):
                    if h:
                        out[k].add(c.place_id)
                        out[t[0]].add(t[1])
        return out

    def counties(self) -> dict[str, Any]:
        """County id -> polygon, loaded on first need (empty when the parser has none)."""
        if self._counties is None:
            loader, self._counties_loader = self._counties_loader, None
            self._counties = loader() if loader is not None else {}
        return self._counties

    def coords(self) -> Mapping[str, tuple[float, float]]:
        """City id -> (lat, lon), loaded on first need (empty when the parser has no coordinates)."""
        if self._coords is None:
            loader, self._coords_loader = self._coords_loader, None
            self._coords = loader() if loader is not None else {}
        return self._coords

    @staticmethod
    def _score_round(spans, surfs, picks, apos, near, weights, inside) -> list[tuple[float, _Cand, float]]:
        """(score, candidate, margin over the runner-up) per span, given the current picks as votes.

        Each span stands for ``weights[k]`` identical spans of the article (its votes count that often).
        """
        country_votes: Counter[str] = Counter()
        place_votes: Counter[str] = Counter()
        same_surface: Counter[tuple[str, str]] = Counter()
        # Votes cast by the same word do not count: four "Georgia"s are no evidence for either Georgia.
        same_country: Counter[tuple[str, str]] = Counter()
        same_total: Counter[str] = Counter()
        # Provinces named or implied by the other picks (a US local article's towns share a state).
        prov_votes: Counter[str] = Counter()
        same_prov: Counter[tuple[str, str]] = Counter()
        same_prov_total: Counter[str] = Counter()
        prov_total = 0
        for surf, b, w in zip(surfs, picks, weights, strict=True):
            if b.country:
                country_votes[b.country] += w
                same_country[(surf, b.country)] += w
                same_total[surf] += w
            place_votes[b.place_id] += w
            same_surface[(surf, b.place_id)] += w
            prov = b.place_id if b.kind == "province" else b.province
            if prov:
                prov_votes[prov] += w
                same_prov[(surf, prov)] += w
                prov_total += w
                same_prov_total[surf] += w
        total = sum(country_votes.values())
        out = []
        for (_s, _e, cands), surf, (apo, box, listed), prox, within in zip(
            spans, surfs, apos, near, inside, strict=True
        ):
            denom = total - same_total[surf]
            scored = []
            for c in cands:
                score = c.prior
                # "Dublin, Ga.", "Paris, Tenn.", "Athens, Greece": the appositive names the container;
                # every candidate inside it gains ("California, United States": the state too), and
                # among those the usual prominence decides.
                if apo and c.kind != "country" and (c.province in apo or c.country in apo):
                    score += 2.5
                # "Buffalo, New York": the container is the state holding a Buffalo, not the city.
                if box and c.kind in ("province", "country") and (c.place_id in box or c.country in box):
                    score += 1.0 if c.kind == "province" else 0.3
                # An item of a list of states (countries) is a state (country) too.
                if listed and c.kind == listed[0] and (c.kind == "country" or c.country == listed[1]):
                    score += LIST_WEIGHT
                if prox:
                    score += PROXIMITY_WEIGHT * prox.get(c.place_id, 0.0)
                if within and c.place_id in within:
                    score += CONTAINMENT_WEIGHT
                share = 0.0
                if denom > 0 and c.country:
                    share = (country_votes[c.country] - same_country[(surf, c.country)]) / denom
                    score += 1.5 * share
                if c.kind == "county":
                    # The state it lies in is named elsewhere, or implied by the other places' states.
                    if c.province and place_votes[c.province] - same_surface[(surf, c.province)] > 0:
                        score += 0.8
                    pden = prov_total - same_prov_total[surf]
                    if c.province and pden > 0:
                        score += 1.0 * (prov_votes[c.province] - same_prov[(surf, c.province)]) / pden
                if c.kind == "city":
                    if share == 0 and c.population < 50_000:
                        score -= 0.5  # a small town in a country the article never mentions: distrust
                    # The province it lies in is named elsewhere (not by this same word: "New York").
                    if c.province and place_votes[c.province] - same_surface[(surf, c.province)] > 0:
                        score += 0.8
                    pden = prov_total - same_prov_total[surf]
                    if c.province and pden > 0:
                        score += 1.0 * (prov_votes[c.province] - same_prov[(surf, c.province)]) / pden
                    if c.capital:
                        score += 0.4
                scored.append((score, c, share))
            scored.sort(key=lambda x: -x[0])
            best_score, best, best_share = scored[0]
            # Never an area resolved to an obscure town of the same name, unless the article supports it.
            if best.kind == "city" and best.population < 100_000:
                areas = [x for x in scored if x[1].kind in _AREA_KINDS]
                if areas and areas[0][0] > best_score - AREA_OVER_TOWN_MARGIN and areas[0][2] >= best_share:
                    best_score, best, best_share = areas[0]
            second = next((sc for sc, c, _ in scored if c.place_id != best.place_id), None)
            out.append((best_score, best, best_score - second if second is not None else 2.0))
        return out


def _person_before_verb(text: str, end: int, next_tok: tuple | None, sentence_start: bool, cands) -> bool:
    """Rule: a capitalised word that starts a headline or sentence and is followed by a verb of speech or
    legal action ("Gilbert charged", "Lewis pleads guilty") is a person, not a town.

    Only where every literal reading is a town below :data:`BIG_CITY` and no capital: "Moscow says" and
    "Texas sues" are governments acting (metonymy), not people.
    """
    if not sentence_start or next_tok is None or text[end : next_tok[0]] not in (" ", "\u00a0"):
        return False
    if next_tok[2].casefold() not in lexicon.PERSON_VERBS:
        return False
    lit = [c for c in cands if c.type == "literal"]
    return bool(lit) and all(c.kind == "city" and c.population < BIG_CITY and not c.capital for c in lit)


class _Stated(NamedTuple):
    """A container stated for a span: "Hanover, Kansas", "Hanover, a town in Kansas", "Hanover in Kansas"."""

    ids: frozenset[str | None]  # province ids and ISO3 codes of the container's readings
    boxes: tuple[_Cand, ...]  # the container span's province and country readings
    strong: bool  # an appositive or a description; a bare "in" is weaker ("troops from Kent in Iraq")
    listed: bool  # another place follows the container as in a list ("Crockett, Palestine and Houston")


#: Kinds of readings a stated container can rule out.
_CONTAINED_KINDS = frozenset({"city", "county", "province", "country"})


def _stated_containers(text: str, spans: list[tuple[int, int, list[_Cand]]]) -> list[_Stated | None]:
    """Per span, the container (state, province, country) the text states for it right after it, if any."""
    n = len(spans)
    out: list[_Stated | None] = [None] * n
    # Cheap first: a comma or " in" right after the name (most names have neither).
    ends = [sp[1] for sp in spans]
    starts_with = text.startswith
    maybe = [k for k, e in enumerate(ends[:-1]) if text[e : e + 1] == "," or starts_with("in", e + 1)]
    for k in maybe:
        e, (ns, _ne, ncands) = ends[k], spans[k + 1]
        if ns - e > 60 or ns - e < 2:
            continue
        appositive = _APPOSITIVE_GAP.fullmatch(text, e, ns) is not None
        strong = appositive or _DESCRIBED_GAP.fullmatch(text, e, ns) is not None
        if not strong and _IN_GAP.fullmatch(text, e, ns) is None:
            continue
        # Only a town, county or province can be contained ("Mexico, China" lists countries).
        if not any(c.kind in _CONTAINED_KINDS and c.kind != "country" for c in spans[k][2]):
            continue
        boxes = tuple(
            c for c in ncands if c.kind in ("province", "country") and c.type == "literal" and c.country
        )
        if not boxes:
            continue
        listed = _list_follows(text, spans, k + 1, boxes)
        apo = _appositive_at(text, spans, k) if appositive else None
        if apo:
            out[k] = _Stated(apo, boxes, True, listed)
            continue
        ids = frozenset(c.place_id if c.kind == "province" else c.country for c in boxes)
        kinds = {c.kind for c in spans[k][2] if c.type == "literal"}
        if "country" in kinds and any(b.kind == "country" for b in boxes):
            continue  # "China, Japan and ...": countries listed (China is also a Japanese town)
        if (
            appositive
            or "country" in kinds
            or ("province" in kinds and all(b.kind == "province" for b in boxes))
        ):
            # "Mexico, China", "Russia in Ukraine", "Georgia in Texas": a list or a relation, unless one of
            # the name's towns lies in the container ("Lebanon, Tennessee").
            towns = (c for c in spans[k][2] if c.kind in ("city", "county") and c.type == "literal")
            if not any(c.province in ids or c.country in ids for c in towns):
                continue
        out[k] = _Stated(ids, boxes, strong, listed)
    return out


def _list_follows(text: str, spans: list[tuple[int, int, list[_Cand]]], k: int, boxes: tuple) -> bool:
    """Whether span ``k`` is followed, as in a list, by another place that is not its own container
    ("Palestine and Houston", but not "Ontario, Canada")."""
    if k + 1 >= len(spans):
        return False
    e, (ns, _ne, ncands) = spans[k][1], spans[k + 1]
    if ns - e > 13 or _NEXT_ITEM_GAP.fullmatch(text, e, ns) is None:
        return False
    countries = {b.country for b in boxes}
    return not any(c.kind == "country" and c.type == "literal" and c.country in countries for c in ncands)


def _within_container(cands: list[_Cand], st: _Stated) -> tuple[list[_Cand], bool] | None:
    """A span's readings that agree with its stated container, and whether they are the container itself
    (the gazetteer lacks the town there); None when the rule changes nothing."""
    if st.listed:
        return None  # "Crockett, Palestine and Houston": a list of towns, left to the scores
    if cands[0] is _COUNTY_CAND:  # "Henry County, Ga." without the county polygon: the stated state
        states = [b for b in st.boxes if b.kind == "province"]
        return (states, True) if states and st.strong else None
    lit = [c for c in cands if c.type == "literal" and c.kind in _CONTAINED_KINDS]
    if not lit:
        return None
    inside = [c for c in lit if c.place_id in st.ids or c.province in st.ids or c.country in st.ids]
    if inside:
        if len(inside) == len(lit):
            return None
        outside = {id(c) for c in lit} - {id(c) for c in inside}
        return [c for c in cands if id(c) not in outside], False
    # No reading inside the container. A capital or big city by its own name is not contained but next to
    # a clause ("After talks in Moscow, Ukraine said"), unless the container is a state's abbreviation
    # ("Belgrade, Minn."); a bare "in" states a container only for towns of the same country ("Hanover in
    # Kansas", not "a soldier from Hanover in Iraq").
    abbreviated = any(b.name in lexicon.US_STATE_ABBREVIATIONS for b in st.boxes)
    if not abbreviated and any(c.primary and (c.capital or c.population >= BIG_CITY) for c in lit):
        return None
    box_countries = {b.country for b in st.boxes if b.kind == "province"}
    if any(c.kind == "province" and c.country in box_countries for c in lit):
        return None  # "Colorado, Georgia": states of one country listed, not a town in a state
    countries = {c.country for c in lit}
    boxes = [b for b in st.boxes if b.country in countries]
    if not st.strong:
        boxes = [b for b in boxes if b.kind == "province"]
        if not boxes:
            return None
    return (boxes or list(st.boxes)), True


def _rule_stated_container(
    text: str, spans: list[tuple[int, int, list[_Cand]]], cued: set[int] | frozenset[int] = frozenset()
) -> tuple[list[tuple[int, int, list[_Cand]]], frozenset[int], frozenset[int]]:
    """Rule: a stated container (state, country) is never contradicted.

    "Hanover, Kansas", "Hanover, a town in Kansas", "Hanover in Kansas": only the readings inside the
    container remain; where the gazetteer has no Hanover there, the mention resolves to the container
    itself (low confidence) rather than to a same-named town elsewhere. The same word elsewhere in the
    article, with no container of its own, follows (one sense per discourse), except where an origin cue
    (starts in ``cued``) lets a country reading decide ("a native of Jordan").

    Returns the spans, the starts of the spans it decided, and the starts of those resolved to the container.
    """
    stated = _stated_containers(text, spans)
    if not any(stated):
        return spans, frozenset(), frozenset()
    out = list(spans)
    pinned: set[int] = set()
    fallback: set[int] = set()
    by_word: dict[str, _Stated | None] = {}
    for k, st in enumerate(stated):
        if st is not None:
            word = text[spans[k][0] : spans[k][1]].casefold()
            # Two different containers for one word ("Paris, Texas" and "Paris, France"): no propagation.
            by_word[word] = st if by_word.get(word, st) == st else None
    lengths = {len(w) for w in by_word}
    for k, (s, e, cands) in enumerate(spans):
        st = stated[k]
        if st is None and e - s in lengths:
            if s in cued and any(c.kind == "country" and c.type == "literal" for c in cands):
                continue
            st = by_word.get(text[s:e].casefold())
        got = _within_container(cands, st) if st is not None else None
        if got is None:
            continue
        out[k] = (s, e, got[0])
        pinned.add(s)
        if got[1]:
            fallback.add(s)
    return out, frozenset(pinned), frozenset(fallback)


def _after_origin_cue(toks: list[tuple[int, int, str]], i: int, prev_word: str) -> bool:
    """Whether the words right before token ``i`` (the last one is ``prev_word``) are an origin cue ("a
    native of", "born in", "from")."""
    for before in _ORIGIN_CUE_WORDS.get(prev_word, ()):
        n = len(before)
        if i > n and [toks[i - 1 - n + m][2].casefold() for m in range(n)] == before:
            return True
    return False


def _rule_origin_country(
    text: str, spans: list[tuple[int, int, list[_Cand]]], pinned: frozenset[int], cued: set[int]
) -> tuple[list[tuple[int, int, list[_Cand]]], frozenset[int]]:
    """Rule: after "a native of", "born in" or "from", a country beats a same-named small town ("a native of
    Jordan" is the country, not Jordan, Minnesota). A stated container still decides ("from Jordan,
    Minn."): spans in ``pinned`` are left alone; so does an institution of the town ("fleeing from Lebanon
    police"). ``cued`` holds the starts of the spans right after a cue.

    Returns the spans and the starts of those it decided.
    """
    decided: set[int] = set()
    out = spans
    for s in sorted(cued - pinned):
        k = bisect.bisect_left(spans, s, key=_span_start)
        if k == len(spans) or spans[k][0] != s:
            continue  # the span was dropped or replaced ("X County")
        _s, e, cands = spans[k]
        if not any(c.kind == "country" and c.type == "literal" for c in cands):
            continue
        towns = [c for c in cands if c.kind == "city" and c.type == "literal" and c.population < SMALL_TOWN]
        if not towns or not _ORIGIN_CUE.search(text[max(0, s - 24) : s]):
            continue
        head = _NEXT_WORDS.match(text, e, e + 32)
        if head and text[e] == " " and head.group(1).casefold() in lexicon.PLACE_HEADS:
            continue
        if out is spans:
            out = list(spans)
        out[k] = (s, e, [c for c in cands if c not in towns])
        decided.add(s)
    return out, frozenset(decided)


def _span_start(span: tuple) -> int:
    return span[0]


class _Named:
    """The provinces and countries an article names (a common-word town needs its own named); listed on
    first need only, as few articles have a common-word town."""

    def __init__(self, spans: list[tuple]) -> None:
        self._spans = spans
        self._ids: set[str] | None = None

    def ids(self) -> set[str]:
        if self._ids is None:
            self._ids = set()
            for top in {id(sp[4]): sp[4][0] for sp in self._spans}.values():  # candidates: best prior first
                if top.kind in ("province", "country") and top.type == "literal":
                    self._ids.add(top.place_id if top.kind == "province" else top.country or "")
        return self._ids


def _top_kind(cands: list[_Cand]) -> str:
    """The kind of a span's best candidate by prior alone (candidate lists come best prior first)."""
    return cands[0].kind


def _list_kinds(text: str, spans: list[tuple[int, int, list[_Cand]]]) -> list[tuple[str, str] | None]:
    """Per span in a list of places ("Utah, Virginia, Washington and Wyoming"), the (kind, country) most
    of the list's other items have by prior, when they are countries or provinces (of one country)."""
    n = len(spans)
    out: list[tuple[str, str] | None] = [None] * n
    # Only spans a few characters apart can be list items: jump from one such pair to the next.
    close = [k for k in range(n - 1) if spans[k + 1][0] - spans[k][1] <= 9]
    if not close:
        return out
    ci = 0
    k = close[0]
    while k < n:
        m = k
        joined = False
        while m + 1 < n:
            e, ns = spans[m][1], spans[m + 1][0]
            gap = _LIST_GAP.fullmatch(text, e, ns) if ns - e <= 9 else None
            if not gap:
                break
            joined = joined or "," not in gap.group() or "and" in gap.group() or "or" in gap.group()
            m += 1
        # Three items or more, or two joined by "and"/"or" ("Buffalo, New York" is an appositive).
        if m - k >= 2 or (m - k == 1 and joined):
            tops = []
            for _s, _e, cands in spans[k : m + 1]:
                best = cands[0]
                tops.append((best.kind, best.country or "") if best.kind in ("province", "country") else None)
            for x in range(k, m + 1):
                others = tops[: x - k] + tops[x - k + 1 :]
                top, votes = Counter(others).most_common(1)[0]
                if top is not None and votes * 3 >= len(others) * 2:
                    out[x] = top
        while ci < len(close) and close[ci] <= m:
            ci += 1
        if ci == len(close):
            break
        k = close[ci]
    return out


def _appositives(
    text: str, spans: list[tuple[int, int, list[_Cand]]]
) -> tuple[list[frozenset[str | None]], list[frozenset[str]]]:
    """Per span, the province ids and ISO3 codes named right after it as "X, <state or country>", and
    per container span, the provinces and countries of the towns it follows (which it should contain).

    No appositive where X is itself a country ("Mexico, China, Japan"), a province before a province
    ("Utah, Washington, Virginia"), or inside a list of places of the container's kind on both sides.
    """
    n = len(spans)
    out: list[frozenset[str | None]] = [frozenset()] * n
    contains: list[frozenset[str]] = [frozenset()] * n
    for k in range(n - 1):
        e = spans[k][1]
        if text[e : e + 1] != ",":  # cheap first: every appositive starts with a comma
            continue
        ids = _appositive_at(text, spans, k)
        if ids:
            out[k] = ids
            contains[k + 1] = frozenset(
                x for c in spans[k][2] if c.kind in ("city", "county") for x in (c.province, c.country) if x
            )
    return out, contains


def _appositive_at(text: str, spans: list[tuple[int, int, list[_Cand]]], k: int) -> frozenset[str | None]:
    """The province ids and ISO3 codes span ``k`` names as its container in "X, <state or country>"
    (empty when it is no such appositive; see :func:`_appositives`)."""
    n = len(spans)
    empty: frozenset[str] = frozenset()
    _s, e, cands = spans[k]
    ns, ne, ncands = spans[k + 1]
    if ns - e > 3 or not _APPOSITIVE_GAP.fullmatch(text, e, ns):
        return empty
    boxes = [c for c in ncands if c.kind in ("province", "country") and c.type == "literal" and c.country]
    if not boxes:
        return empty
    box_kinds = {c.kind for c in boxes}
    kinds = {c.kind for c in cands if c.type == "literal"}
    # A province of another country does not make a list of states ("Hanover, Kansas": Jamaica has a
    # Hanover parish).
    box_countries = {c.country for c in boxes if c.kind == "province"}
    states = any(c.kind == "province" and c.country in box_countries for c in cands if c.type == "literal")
    if "country" in kinds or (states and "country" not in box_kinds):
        return empty  # an enumeration of countries or of states, not "town, container"
    top = _top_kind(ncands)
    if (
        k > 0
        and k + 2 < n
        and _LIST_GAP.fullmatch(text, spans[k - 1][1], spans[k][0])
        and _LIST_GAP.fullmatch(text, ne, spans[k + 2][0])
        and _top_kind(spans[k - 1][2]) == top == _top_kind(spans[k + 2][2])
    ):
        return empty  # "Chad, Niger, Mali": a list of places of the container's kind on both sides
    return frozenset(c.place_id if c.kind == "province" else c.country for c in boxes)


def _merge(lst: list[_Cand], cand: _Cand) -> None:
    """Add a candidate to a key's list; one per (place, type): the best prior, all-caps only if all are."""
    for i, c in enumerate(lst):
        if c.place_id == cand.place_id and c.type == cand.type:
            if cand.prior > c.prior:
                lst[i] = cand._replace(upper=c.upper and cand.upper)
            elif not cand.upper and c.upper:
                lst[i] = c._replace(upper=False)
            return
    lst.append(cand)


def _caps_ok(toks: list[tuple[int, int, str]], i: int, j: int) -> bool:
    """Every word of a multi-word name is capitalised, except connectors ("of", "and") and a lowercase
    opener ("eastern Europe")."""
    for k in range(i + 1, j + 1):
        t = toks[k][2]
        if not t[0].isupper() and not t[0].isdigit() and t not in lexicon.NAME_CONNECTORS:
            return False
    return toks[j][2][0].isupper() or toks[j][2][0].isdigit()


#: How many capitalised words (or "of"/"and") a firm's name may run on either side of a place in it.
COMPANY_RUN = 4
_COMPANY_GAPS = frozenset({" ", " & "})


def _in_company_name(text: str, toks: list[tuple[int, int, str]], i: int, j: int) -> bool:
    """Tokens ``i..j`` lie in a run of capitalised words (with "of", "and", "&") that holds a corporate
    suffix: "BP America Inc", "Aluminum Co of America", "Orion Royal Pacific Ltd"; or the span ends in a
    suffix after a capitalised word ("Phillips Petroleum Co", not Petroleum County), or is one ("Cos")."""
    last = toks[j][2]
    if last in lexicon.CORPORATE_SUFFIXES:
        if i == j:
            return True
        if i > 0 and text[toks[i - 1][1] : toks[i][0]] == " " and toks[i - 1][2][0].isupper():
            return True
    for step, edge in ((1, j), (-1, i)):
        k = edge
        for _ in range(COMPANY_RUN):
            n = k + step
            if n < 0 or n >= len(toks):
                break
            a, b = (toks[k], toks[n]) if step == 1 else (toks[n], toks[k])
            if text[a[1] : b[0]] not in _COMPANY_GAPS:
                break
            w = toks[n][2]
            if w in lexicon.CORPORATE_SUFFIXES:
                return True
            if not (w[0].isupper() or w in ("of", "and")):
                break
            k = n
    return False


_NEXT_WORDS = re.compile(r"\s(\w+)(?:\s(\w+))?")


def _metonymic_context(text: str, end: int) -> bool:
    """A capital stands for its government when followed by "'s", a speech/action verb (after an optional
    "-ly" adverb: "Moscow truly sees"), or a noun like "demand" or "officials" ("a key Moscow demand")."""
    rest = text[end : end + 32]
    if rest[:2] in ("'s", "\u2019s"):
        return True
    m = _NEXT_WORDS.match(rest)
    if not m:
        return False
    first, second = m.group(1), m.group(2)
    if first in lexicon.METONYMIC_VERBS or first in lexicon.METONYMIC_NOUNS:
        return True
    return bool(first.endswith("ly") and second and second in lexicon.METONYMIC_VERBS)


@functools.cache
def default_parser() -> Geoparser:
    """The geoparser over the bundled gazetteer (built once per process).

    The names index is memory-mapped from ``.cache/nameindex/`` (built there on first use); the gazetteer
    (and geopandas) is imported only to build it, or when an article pairs a town with a county.
    """
    from dashboard import settings

    geo = settings.GEODATA_DIR
    index = nameindex.load_or_build(geo / "names.csv.gz", _build_index, extra=(geo / "cities.shp.zip",))
    return Geoparser.from_index(index, coords=index.points, counties=_default_counties)


def _build_index() -> nameindex.NameIndex:
    """The bundled gazetteer's names index, with every city's point (for the spatial prior)."""
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    names = gaz.names()
    coords = _city_coords(gaz)
    if {"province", "capital"} <= set(names.columns):  # geodata v2: no need to read the city layer twice
        return nameindex.NameIndex.build(names, coords=coords)
    province, capital = _city_context(gaz)
    return nameindex.NameIndex.build(names, province, capital, coords=coords)


def _default_counties() -> dict[str, Any]:
    """County polygons from the saved geometry store (no geopandas), else from the gazetteer."""
    from dashboard import geomstore

    store = geomstore.load_saved()
    if store is not None:
        shapes = store.shapes("county")
        if shapes:
            return shapes
    from dashboard.gazetteer import get_gazetteer

    return _county_polygons(get_gazetteer())


def _county_polygons(gaz: Any) -> dict[str, Any]:
    """County id -> simplified polygon (empty if the gazetteer has no county layer)."""
    try:
        layer = gaz.layer("county", display=True)
    except Exception:  # an older gazetteer without counties: no containment rule
        return {}
    return dict(zip(layer["id"].tolist(), layer.geometry.values, strict=True))


def _city_coords(gaz: Any) -> dict[str, tuple[float, float]]:
    """City id -> (lat, lon) from the city layer's points (empty if the layer cannot be read)."""
    try:
        cities = gaz.layer("city")
    except Exception:  # an incomplete gazetteer still parses, without the spatial prior
        return {}
    import shapely

    xy = shapely.get_coordinates(cities.geometry.values)
    if len(xy) != len(cities):  # not one point per city: skip the prior rather than misalign
        return {}
    latlon = zip(xy[:, 1].tolist(), xy[:, 0].tolist(), strict=True)
    return dict(zip(cities["id"].tolist(), latlon, strict=True))


def _city_context(gaz: Any) -> tuple[dict[str, str], set[str]]:
    """City id -> province id (from GeoNames admin1 codes) and the set of capitals' ids."""
    try:
        cities = gaz.layer("city")
    except Exception:  # an incomplete gazetteer still parses, with less context
        return {}, set()
    known = set(gaz.names()["place_id"].tolist())
    province: dict[str, str] = {}
    cols = cities.columns
    n = len(cities)
    a1 = cities["admin1"].tolist() if "admin1" in cols else [None] * n
    c2 = cities["iso_a2"].tolist() if "iso_a2" in cols else [None] * n
    caps = cities["capital"].tolist() if "capital" in cols else [0] * n
    capital = set()
    for pid, a, cc, cap in zip(cities["id"].tolist(), a1, c2, caps, strict=True):
        if cap:
            capital.add(pid)
        # ISO 3166-2 codes equal GeoNames admin1 codes for the US, Canada, Australia and others.
        if isinstance(a, str) and isinstance(cc, str):
            prov = f"province:{cc}-{a}"
            if prov in known:
                province[pid] = prov
    return province, capital


def geoparse(text: str, *, on: date | None = None) -> list[Mention]:
    """Find every place mention in a text and resolve it to a bundled feature.

    Parameters
    ----------
    text : str
        The article's whole text; offsets index it.
    on : datetime.date, optional
        The article's date (default: today): a name resolves to the place it named that day ("West
        Germany" in 1987 is the Federal Republic of 1949-1990, "Yugoslavia" in 1995 the Federal Republic of
        Yugoslavia) and dated places carry that day's name ("Burma" in 1987); see :mod:`dashboard.historic`.

    Returns
    -------
    list of Mention
        Sorted by start; ``text[m.start:m.end] == m.text`` for every mention.
    """
    if not isinstance(text, str):
        msg = f"geoparse expects text, got {type(text).__name__}"
        raise TypeError(msg)
    on = historic.as_date(on)  # a datetime, Timestamp or ISO string from a corpus record works too
    return historic.on_date(default_parser().parse(text, on=on), on)


def places_frame(
    mentions: Iterable[Mention], *, on: date | None = None, display: bool = False
) -> gpd.GeoDataFrame:
    """One row per place mentioned, with its geometry.

    Parameters
    ----------
    mentions : iterable of Mention
        From :func:`geoparse`.
    on : datetime.date, optional
        Date for alliance membership (default: today).
    display : bool
        Use the simplified display geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``place_id, name, kind, country, count, mentions, members, years, date, geometry``
        (EPSG:4326); ``years`` is a historic state's life ("1949–1990"), else None; ``date`` the ISO date
        the places are resolved on (the article's, else today's).
    """
    import geopandas as gpd

    from dashboard import settings
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    day = historic.as_date(on) or date.today()
    shape = _display_shapes(gaz) if display else None
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.place_id, []).append(m)
    rows = []
    for pid, ms in groups.items():
        first = ms[0]
        members = None
        if first.kind == "alliance":
            when = historic.alliance_day(gaz, pid, day)  # a defunct alliance: its last members
            members = list(gaz.members(pid, when))
            geom = shape.union(tuple(members)) if shape is not None else None
            if geom is None:
                geom = gaz.geometry(pid, display=display, on=when)
        else:
            geom = _stored_shape(shape, pid)
            if geom is None:
                geom = gaz.geometry(pid, display=display)
        rows.append(
            {
                "place_id": pid,
                "name": first.name,
                "kind": first.kind,
                "country": first.country,
                "count": len(ms),
                "mentions": [
                    {
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "type": m.type,
                        "confidence": m.confidence,
                    }
                    for m in ms
                ],
                "members": members,
                "years": historic.years(pid),
                "date": day.isoformat(),
                "geometry": geom,
            }
        )
    cols = [
        "place_id",
        "name",
        "kind",
        "country",
        "count",
        "mentions",
        "members",
        "years",
        "date",
        "geometry",
    ]
    return gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=settings.CRS)


def _stored_shape(store: Any, pid: str) -> Any:
    """A place's display geometry from the saved store, or None (no store, or not in it)."""
    if store is None:
        return None
    try:
        return store.shape(pid)
    except KeyError:
        return None


def _display_shapes(gaz: Any) -> Any:
    """The saved geometry store (display geometry as WKB, memory-mapped), or None: then the gazetteer reads
    its display layers. The store belongs to these geodata files only (its key covers them)."""
    from dashboard import geomstore, settings

    if Path(gaz.root).resolve() != settings.GEODATA_DIR.resolve():
        return None
    return geomstore.load_saved()


def geoparse_article(article: Article, *, display: bool = False) -> gpd.GeoDataFrame:
    """Geoparse an :class:`~dashboard.article.Article` into one row per place (its date sets alliances)."""
    return places_frame(geoparse(article.text, on=article.date), on=article.date, display=display)
