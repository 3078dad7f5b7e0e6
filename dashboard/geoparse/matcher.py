"""Candidate spans: the longest names of the index (and of the lexicon's tables) found in a text.

The interface the rest of the geoparser reads: :meth:`Matcher.match` returns the text's :class:`Tokens` and
its :class:`Span` list (sorted, never overlapping, each with its candidates best prior first);
:meth:`Matcher.candidates` gives the candidates of an index key. Any matcher with the same output can
replace this one.
"""

from __future__ import annotations

import functools
import re
from itertools import accumulate, compress

from dashboard import historic, lexicon, nameindex
from dashboard.geoparse import features, uslocal
from dashboard.geoparse.records import Candidate, Span, Tokens
from dashboard.placekinds import MentionType

#: Longest name, in tokens, looked up in the names index.
MAX_TOKENS = nameindex.MAX_TOKENS

#: Words remembered as opening (or not) a name before that memo is cleared (bounds a server's memory).
OPENS_CACHE_MAX = 200_000

#: Longer words are never memoised (with the entry counts above, the memos stay under ~50 MB).
MEMO_MAX_CHARS = 64

#: An all-caps name this short ("US", "UAE") is an abbreviation: the text must be all caps too.
UPPER_MAX = 5

_LITERAL = MentionType.LITERAL
_ALLIANCE = MentionType.ALLIANCE

_TOKEN = nameindex.TOKEN
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
# What may separate the tokens of one multi-word name: spaces, a hyphen, an apostrophe, "St. Louis".
GAP_OK = re.compile(r"[ \t\u00a0]{0,3}|[ \t]?[-\u2010\u2011\u2013'\u2019][ \t]?|\.[ \t]{1,2}")


def tokenize(text: str) -> Tokens:
    """The tokens of ``text`` (the same as ``nameindex.TOKEN.finditer``, built in C by ``re.split``: the
    running lengths of the gaps and tokens are the offsets)."""
    parts = _TOKEN_SPLIT.split(text)
    if len(parts) < 3:
        return Tokens([], [], [])
    ends = list(accumulate(map(len, parts)))
    return Tokens(ends[0:-1:2], ends[1::2], parts[1::2])


def norm(token: str) -> str:
    """Case-, accent- and dot-insensitive form of one token (short ones memoised: news repeats its words;
    a hostile text's huge words are not kept, so the memo stays bounded in bytes, not only entries)."""
    if len(token) > MEMO_MAX_CHARS:
        return nameindex.norm_token(token)
    return _norm_memo(token)


_norm_memo = functools.lru_cache(maxsize=200_000)(nameindex.norm_token)


def key_of(name: str) -> str:
    """The index key of a name: its normalised tokens joined by spaces ("" when it has none); a leading
    "the" is dropped ("the Baltics" is looked up as "baltics")."""
    toks = _TOKEN.findall(name)
    if len(toks) > 1 and toks[0].casefold() == "the":
        toks = toks[1:]
    return " ".join(norm(t) for t in toks)


def caps_ok(words: list[str], i: int, j: int) -> bool:
    """Every word of a multi-word name (words ``i..j``) is capitalised, except connectors ("of", "and")
    and a lowercase opener ("eastern Europe")."""
    for k in range(i + 1, j + 1):
        t = words[k]
        if not t[0].isupper() and not t[0].isdigit() and t not in lexicon.NAME_CONNECTORS:
            return False
    return words[j][0].isupper() or words[j][0].isdigit()


def merge(lst: list[Candidate], cand: Candidate) -> None:
    """Add a candidate to a key's list; one per (place, type): the best prior, all-caps only if all are."""
    for i, c in enumerate(lst):
        if c.place_id == cand.place_id and c.type == cand.type:
            if cand.prior > c.prior:
                lst[i] = cand._replace(upper=c.upper and cand.upper)
            elif not cand.upper and c.upper:
                lst[i] = c._replace(upper=False)
            return
    lst.append(cand)


class Matcher:
    """The names index (memory-mapped arrays) plus the lexicon's tables, as a longest-match matcher.

    Per-instance memos (candidate lists per key, whether a word opens a name) make repeated articles cheap;
    both are bounded.
    """

    def __init__(self, index: nameindex.NameIndex) -> None:
        self.index = index
        self._prior = features.index_priors(index)
        self._codes: dict[str, int] = dict(zip(index.keys, range(len(index.keys)), strict=True))
        self._cache: dict[str, list[Candidate]] = {}
        self._upper_keys: set[str] = set()  # keys with an all-caps candidate (the text must be caps too)
        # Names with lowercase words of their own ("Baltic republics") may match with them lowercase.
        self.lower_ok: set[str] = set(index.lower_ok)
        self._extra: dict[str, list[Candidate]] = {}
        self._add_lexicon()
        extra_keys = [k for k in self._extra if k not in self._codes]
        for k in self._extra:
            self._codes.setdefault(k, -1)
        self._prefixes = set(index.prefixes)
        self._prefixes.update(nameindex.prefixes_of(extra_keys))
        # Tokens that can open a match: a key of one token, or the first token of a longer one; and per
        # word of the text, whether it opens one (capitalised or a lowercase opener like "eastern").
        self._opens: dict[str, bool] = {}
        self._openers = {k for k in self._codes if " " not in k} | {k for k in self._prefixes if " " not in k}

    # -- the index's rows ----------------------------------------------------------------------------------

    def row(self, r: int) -> tuple[str, str, str, str | None, int, str | None, bool]:
        """(place id, name, kind, country, population, province, capital) of row ``r``."""
        ix = self.index
        return (
            ix.pids[ix.pid_code[r]],
            ix.names[r],
            ix.kinds[ix.kind_code[r]],
            ix.countries[ix.country_code[r]],
            int(ix.pop[r]),
            ix.provinces[ix.province_code[r]],
            bool(ix.capital[r]),
        )

    def info(self, pid: str) -> tuple[str, str, str | None, int, str | None, bool] | None:
        """(name, kind, country, population, province, capital) of an indexed place, or None."""
        c = self.index.pid_index.get(pid)
        if c is None:
            return None
        return self.row(int(self.index.pid_row[c]))[1:]

    def candidates(self, key: str) -> list[Candidate]:
        """The candidates of one index key, best prior first (built on first use, then cached)."""
        got = self._cache.get(key)
        if got is not None:
            return got
        lst: list[Candidate] = []
        code = self._codes.get(key, -1)
        if code >= 0:
            ix = self.index
            for r in ix.order[ix.starts[code] : ix.starts[code + 1]].tolist():
                pid, name, k, country, pop, province, capital = self.row(r)
                cand = Candidate(
                    pid,
                    name,
                    k,
                    country,
                    pop,
                    bool(ix.primary[r]),
                    _ALLIANCE if k == "alliance" else _LITERAL,
                    bool(ix.upper[r]),
                    float(self._prior[r]),
                    province,
                    capital,
                )
                merge(lst, cand)
        for cand in self._extra.get(key, ()):
            merge(lst, cand)
        lst.sort(key=lambda c: -c.prior)
        if any(c.upper for c in lst):
            self._upper_keys.add(key)
        self._cache[key] = lst
        return lst

    def _add_lexicon(self) -> None:
        """The lexicon's tables (demonyms, abbreviations, metonyms, alliances) as extra candidates."""
        for table in lexicon.place_tables():
            for surface, pid in table.entries.items():
                self._add_name(surface, pid, MentionType(table.type), table.prior)
        for surface, pid in historic.DEMONYMS.items():
            self._add_name(surface, pid, MentionType.DEMONYM, features.HISTORIC_DEMONYM_PRIOR)

    def _add_name(self, surface: str, pid: str, typ: MentionType, prior: float) -> None:
        info = self.info(pid)
        if info is None:
            return  # the gazetteer lacks this place: skip rather than invent it
        _name, kind, country, pop, province, capital = info
        key = key_of(surface)
        if not key or key.count(" ") >= MAX_TOKENS:
            return
        stripped = surface.replace(".", "")
        upper = stripped.isupper() and len(stripped) <= UPPER_MAX
        cand = Candidate(pid, surface, kind, country, pop, True, typ, upper, prior, province, capital)
        if " " in surface and any(w[0].islower() for w in surface.split()[1:]):
            self.lower_ok.add(key)  # "Baltic republics": its own lowercase words may stay lowercase
        merge(self._extra.setdefault(key, []), cand)

    # -- matching --------------------------------------------------------------------------------------------

    def match(self, text: str) -> tuple[Tokens, list[Span]]:
        """The text's tokens and its longest-match spans, left to right (see the module docstring)."""
        tokens = tokenize(text)
        starts, ends, words = tokens
        index, prefixes, lower_ok = self._codes, self._prefixes, self.lower_ok
        openers = lexicon.LOWERCASE_OPENERS
        out: list[Span] = []
        n = len(words)
        # Only tokens that open some key can start a match: find them in C (set look-ups over the memo
        # of words) instead of stepping through every token in Python.
        opens = self._opens
        new_words = set(words).difference(opens)
        if new_words:
            if len(opens) > OPENS_CACHE_MAX:
                opens.clear()
                new_words = set(words)
            for w in new_words:
                opens[w] = (w[0].isupper() or w in openers) and norm(w) in self._openers
        can_open = list(compress(range(n), map(opens.__getitem__, words)))
        for w in new_words or ():
            if len(w) > MEMO_MAX_CHARS:  # answered for this text only: the memo stays small in bytes
                del opens[w]
        i = 0
        for i0 in can_open:
            if i0 < i:  # inside the previous match
                continue
            i = i0
            t = words[i]
            lower_open = False
            if not t[0].isupper():
                if t not in openers:
                    continue
                lower_open = True
            key = norm(t)
            best = None
            if key in index and not lower_open:
                best = (i, key)
            j = i
            while key in prefixes and j + 1 < n and j - i + 1 < MAX_TOKENS:
                if not GAP_OK.fullmatch(text, ends[j], starts[j + 1]):
                    break
                j += 1
                key = f"{key} {norm(words[j])}"
                if key in index and (key in lower_ok or caps_ok(words, i, j)):
                    best = (j, key)
            if best is None:
                continue
            j, key = best
            s, end = starts[i], ends[j]
            # Dotted state abbreviations keep their final period ("Calif.").
            if end < len(text) and text[end] == "." and text[s:end] + "." in uslocal.STATE_ABBREVIATIONS:
                end += 1
            cands = self.candidates(key)
            if key in self._upper_keys and not text[s:end].replace(".", "").isupper():
                cands = [c for c in cands if not c.upper]
            if cands:
                out.append(Span(i, j, s, end, cands))
            i = j + 1
        return tokens, out
