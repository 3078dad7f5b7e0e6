"""Candidate spans: the longest names of the index (and of the lexicon's tables) found in a text.

The interface the rest of the geoparser reads: :meth:`Matcher.match` returns the text's tokens (a lazy
:class:`Tokens` view, a :class:`~dashboard.geoparse.records.TokenSequence`) and its :class:`Span` list
(sorted, never overlapping, each with its candidates best prior first); :meth:`Matcher.candidates` gives the
candidates of an index key. Any matcher with the same output can replace this one.

News is mostly lowercase words, and only a capitalised word (or a lowercase opener like "eastern") can open
a name. So the text is never tokenized word by word in Python: a one-byte-per-character *shadow* of it (each
character replaced by its class: upper letter, other letter, other word character, ".", other) is split in C
at each capitalised run; lowercase openers are found with ``str.find``; dotted abbreviations ("U.S.") are
tokenized only where "letter.letter" occurs; the tokens before each span are counted with ``bytes.count``,
so spans keep the token numbers of the whole text. The output equals tokenizing everything with
:data:`dashboard.nameindex.TOKEN` and trying every token (tests/test_matcher.py checks it).
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from collections.abc import Iterator
from itertools import accumulate, compress, filterfalse, repeat
from typing import Any

from dashboard import historic, lexicon, nameindex
from dashboard.geoparse import features, uslocal
from dashboard.geoparse.records import Candidate, Span, Token
from dashboard.placekinds import MentionType

#: Longest name, in tokens, looked up in the names index.
MAX_TOKENS = nameindex.MAX_TOKENS

#: Words remembered as opening (or not) a name before that memo is cleared (bounds a server's memory).
OPENS_CACHE_MAX = 200_000

#: Places whose facts :meth:`Matcher.info` remembers before that memo is cleared.
INFO_MEMO_MAX = 50_000

#: Longer words are never memoised (with the entry counts above, the memos stay under ~50 MB).
MEMO_MAX_CHARS = 64

#: An all-caps name this short ("US", "UAE") is an abbreviation: the text must be all caps too.
UPPER_MAX = 5

#: A stage reading a token this many tokens or fewer from a span's edge is answered by stepping from the
#: span; further away, the whole text is tokenized once (no rule reads that far).
NEAR = 12

_LITERAL = MentionType.LITERAL
_ALLIANCE = MentionType.ALLIANCE

_TOKEN = nameindex.TOKEN
# What may separate the tokens of one multi-word name: spaces, a hyphen, an apostrophe, "St. Louis".
GAP_OK = re.compile(r"[ \t\u00a0]{0,3}|[ \t]?[-\u2010\u2011\u2013'\u2019][ \t]?|\.[ \t]{1,2}")


# -- the shadow: one ASCII byte per character, saying what the character is --------------------------------
_LETTER = re.compile(r"[^\W\d_]")  # the letters of TOKEN's dotted abbreviations
_WORD = re.compile(r"\w")


def _char_class(c: str) -> str:
    """A character's shadow byte, decided by the same regex classes TOKEN uses (\\w, [^\\W\\d_])."""
    if c == ".":
        return "."
    if _LETTER.match(c):
        return "A" if c.isupper() else "a"
    return "0" if _WORD.match(c) else " "


@functools.lru_cache(maxsize=4096)
def _class_of(c: str) -> str:
    return _char_class(c)


def _shadow_errors(err: UnicodeError) -> tuple[str, int]:
    """Encode error handler: each non-ASCII character becomes its class byte (one byte per character)."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return "".join(map(_class_of, err.object[err.start : err.end])), err.end


_ERRORS = "dashboard-matcher-shadow"
codecs.register_error(_ERRORS, _shadow_errors)
# ASCII bytes -> class bytes (non-ASCII characters are classed by the error handler above).
_CLASSES = bytes(ord(_char_class(chr(b))) if b < 128 else ord(" ") for b in range(256))
# Class bytes -> word ("w") or not ("-"): a token run starts at each "-w".
_WORDNESS = bytes.maketrans(b"Aa0. ", b"www--")
# Class bytes -> letters folded to "a": a dotted abbreviation ("U.S.") holds "a.a".
_FOLD = bytes.maketrans(b"A", b"a")
# Class bytes -> upper letters ("A"), other word bytes ("w"), the rest ("-"): a capitalised run starts
# at each "-A".
_CAPS = bytes.maketrans(b"Aa0. ", b"Aww--")
_PLUS_2 = (2).__add__


def shadow(text: str) -> bytes:
    """One byte per character of ``text``: ``A`` upper letter, ``a`` other letter, ``0`` other word
    character (digit, "_"), ``.`` and `` `` (space) for everything else."""
    return text.encode("ascii", _ERRORS).translate(_CLASSES)


# Token records built by tuple.__new__ in C (NamedTuple's own __new__ is a Python call: twice the cost, and
# the matcher builds a few per span).
_token = functools.partial(tuple.__new__, Token)


class Tokens(dict[int, Token]):
    """The tokens of a text (those of :data:`dashboard.nameindex.TOKEN`), found where read.

    ``toks[k]`` and ``len(toks)`` are those of the full token list; iterating yields the tokens. A dict of
    token number -> token, filled by :meth:`Matcher.match` with each span's tokens and the tokens right
    before and after it (every rule reads those): a known token costs a dict look-up (in C); a missing one
    (``__missing__``) is reached by stepping token by token from the nearest known one with ``bytes.find``
    on the text's word bytes, or the whole text is tokenized when ``k`` is far from every span. ``len`` is
    exact from the start (counted in C). No slicing: slice :meth:`materialise` instead.
    """

    def __init__(self, text: str, wordness: bytes, dotted: list[tuple[int, int, int]], n: int) -> None:
        super().__init__()
        self._text = text
        self._w = wordness
        self._dotted = dotted
        self._d_end = {d[0]: d[1] for d in dotted}
        self._n = n
        self._all: list[Token] | None = None

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Token]:  # type: ignore[override]
        return iter(self.materialise())

    def __contains__(self, token: object) -> bool:
        return token in self.materialise()

    def __eq__(self, other: object) -> bool:
        return self.materialise() == (other.materialise() if isinstance(other, Tokens) else other)

    __hash__ = None

    def materialise(self) -> list[Token]:
        """Every token (the whole text tokenized once)."""
        if self._all is None:
            self._all = [Token(*t) for t in nameindex.tokens_and_words(self._text)[0]]
        return self._all

    def __missing__(self, k: int) -> Token:
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError(k)
        if self._all is not None:
            return self._all[k]
        # Step from the nearest known token to k, remembering every token on the way.
        get = self.get
        for d in range(1, NEAR + 1):
            t = get(k + d)
            if t is not None:
                for x in range(k + d - 1, k - 1, -1):
                    t = self[x] = self.before(t[0])
                return t
            t = get(k - d)
            if t is not None:
                for x in range(k - d + 1, k + 1):
                    t = self[x] = self.after(t[1])
                return t
        return self.materialise()[k]

    def after(self, x: int) -> Token:
        """The first token starting at or after offset ``x`` (a token boundary)."""
        w = self._w
        q = w.find(b"w", x)
        e = self._d_end.get(q, -1)  # a dotted abbreviation starting there, else the run of word bytes
        if e < 0:
            e = w.find(b"-", q)  # (the word bytes end with a non-word byte)
        return _token((q, e, self._text[q:e]))

    def before(self, x: int) -> Token:
        """The last token ending at or before offset ``x`` (a token boundary)."""
        w = self._w
        r = w.rfind(b"w", 0, x)  # the last word byte before x...
        if self._dotted:  # ...unless a dotted abbreviation ends after it
            d = bisect.bisect_right(self._dotted, (x, 0, 0)) - 1
            while d >= 0 and self._dotted[d][1] > x:
                d -= 1
            if d >= 0 and self._dotted[d][1] > r:
                s, e, _runs = self._dotted[d]
                return _token((s, e, self._text[s:e]))
        s = w.rfind(b"-", 0, r) + 1
        return _token((s, r + 1, self._text[s : r + 1]))


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
        self._info: dict[str, tuple[str, str, str | None, int, str | None, bool] | None] = {}
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
        # Tokens that can open a match: a key of one token, or the first token of a longer one.
        self._openers = {k for k in self._codes if " " not in k} | {k for k in self._prefixes if " " not in k}
        self._keys: dict[str, str] = {}  # word -> its key when it opens a name, else "" (see opens)
        self._norms: dict[str, str] = {}  # word -> its normalised form, for the words after an opener
        # Lowercase words that can open a name ("eastern Europe"), searched for with str.find, grouped
        # under their shortest prefix among them ("east": "east", "eastern"), which is tested first.
        lower = sorted(w for w in lexicon.LOWERCASE_OPENERS if norm(w) in self._openers)
        stems = [w for w in lower if not any(w.startswith(x) and x != w for x in lower)]
        self._lower_stems = [(st, [w for w in lower if w.startswith(st)]) for st in stems]

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
        """(name, kind, country, population, province, capital) of an indexed place, or None (memoised:
        the resolver asks for the name of every place it resolves)."""
        if pid in self._info:
            return self._info[pid]
        c = self.index.pid_index.get(pid)
        got = None if c is None else self.row(int(self.index.pid_row[c]))[1:]
        if len(self._info) >= INFO_MEMO_MAX:
            self._info.clear()
        self._info[pid] = got
        return got

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

    def opens(self, word: str) -> str:
        """A token's key if it can open a name (capitalised or a lowercase opener, and a key's first
        word), else "" (memoised)."""
        got = self._keys.get(word)
        if got is None:
            key = norm(word)
            ok = (word[0].isupper() or word in lexicon.LOWERCASE_OPENERS) and key in self._openers
            got = key if ok else ""
            if len(word) <= MEMO_MAX_CHARS:
                if len(self._keys) > OPENS_CACHE_MAX:
                    self._keys.clear()
                self._keys[word] = got
        return got

    def norm(self, word: str) -> str:
        """A token's normalised form (memoised like :meth:`opens`)."""
        got = self._norms.get(word)
        if got is None:
            got = norm(word)
            if len(word) <= MEMO_MAX_CHARS:
                if len(self._norms) > OPENS_CACHE_MAX:
                    self._norms.clear()
                self._norms[word] = got
        return got

    def match(self, text: str) -> tuple[Tokens, list[Span]]:
        """The text's tokens (a lazy :class:`Tokens`) and its longest-match spans, left to right.

        A span is ``Span(first, last, start, end, cands)`` with ``first``/``last`` the numbers of its first
        and last token among all the text's tokens.
        """
        sh = shadow(text)
        size = len(text)
        # Word bytes, with a non-word byte past the end so that a run's end is always found.
        wordness = sh.translate(_WORDNESS) + b"-"
        dotted, inside = _dotted(text, sh)
        index, prefixes, lower_ok = self._codes, self._prefixes, self.lower_ok
        gap_ok, find, norms = GAP_OK.fullmatch, wordness.find, self._norms.get
        n = _count(wordness, dotted)
        count = wordness.count
        runs, upto, merged, d_next = 0, 0, 0, 0  # token numbers: run starts before upto, merges so far
        tokens = Tokens(text, wordness, dotted, n)
        n_dotted = len(dotted)
        known = tokens.get
        # Every possible opener's token and key, in C (map over the offsets): a run of word bytes, or a
        # dotted abbreviation; the "S" of "U.S." opens nothing.
        starts = self._opener_starts(text, sh)
        if inside:
            starts = list(filterfalse(inside.__contains__, starts))
        ends = list(map(find, repeat(b"-"), starts))
        d_end = {d[0]: d[1] for d in dotted}
        if d_end:
            ends = list(map(d_end.get, starts, ends))
        words = list(map(text.__getitem__, map(slice, starts, ends)))
        keys: list[Any] = list(map(self._keys.get, words))  # None: not met yet
        if None in keys:  # words met for the first time
            keys = [self.opens(w) if k is None else k for w, k in zip(words, keys, strict=True)]
        out: list[Span] = []
        after = 0  # where the last match's last token ends: openers before it are inside that match
        for p, e, w, key in compress(zip(starts, ends, words, keys, strict=True), keys):
            if p < after:
                continue
            toks = [_token((p, e, w))]
            ws = [w]
            best = None if key not in index or not w[0].isupper() else (0, key)
            while key in prefixes and len(toks) < MAX_TOKENS:
                # The next token starts at the next word byte; a gap of more than 3 characters never joins.
                q = find(b"w", e)
                if q < 0 or q - e > 3 or ((text[e] != " " or q - e != 1) and not gap_ok(text, e, q)):
                    break
                e = d_end.get(q, -1) if d_end else -1
                if e < 0:
                    e = find(b"-", q)
                nt = text[q:e]
                toks.append(_token((q, e, nt)))
                ws.append(nt)
                nk = norms(nt)
                key = f"{key} {self.norm(nt) if nk is None else nk}"
                if key in index and (key in lower_ok or caps_ok(ws, 0, len(ws) - 1)):
                    best = (len(toks) - 1, key)
            if best is None:
                continue
            last, key = best
            end = after = toks[last].end
            # Dotted state abbreviations keep their final period ("Calif.").
            if end < size and text[end] == "." and text[p:end] + "." in uslocal.STATE_ABBREVIATIONS:
                end += 1
            cands = self.candidates(key)
            if key in self._upper_keys and not text[p:end].replace(".", "").isupper():
                cands = [c for c in cands if not c.upper]
            if not cands:
                continue
            # This span's first token number: the runs before it, less those dotted abbreviations merge.
            if upto:
                runs += count(b"-w", upto - 1, p)
            elif p:  # the text's first run has no "-" before it
                runs += (wordness[:1] == b"w") + count(b"-w", 0, p)
            upto = p
            while d_next < n_dotted and dotted[d_next][0] < p:
                merged += dotted[d_next][2] - 1
                d_next += 1
            i = runs - merged
            j = i + last
            # Every token read: the span's and any past it (a longer key that did not match).
            tokens.update(zip(range(i, i + len(toks)), toks, strict=True))
            if i > 0 and known(i - 1) is None:
                tokens[i - 1] = tokens.before(p)
            if j + 1 < n and len(toks) == last + 1:
                tokens[j + 1] = tokens.after(after)
            out.append(Span(i, j, p, end, cands))
        return tokens, out

    def _opener_starts(self, text: str, sh: bytes) -> list[int]:
        """Offsets of the runs that may open a name: capitalised ones and lowercase openers, in order."""
        # Each "-A" (a non-word byte, then an upper letter) is a capitalised run: split there and add up
        # the pieces' lengths, in C.
        parts = sh.translate(_CAPS).split(b"-A")
        starts = list(accumulate(map(_PLUS_2, map(len, parts[:-1])), initial=-1))
        if sh[:1] == b"A":
            starts[0] = 0
        else:
            del starts[0]
        extra = []
        for stem, words in self._lower_stems:
            if stem not in text:
                continue
            for w in words:
                at = text.find(w)
                while at >= 0:
                    stop = at + len(w)
                    if (at == 0 or sh[at - 1] in b" .") and sh[stop : stop + 1] not in b"Aa0":
                        extra.append(at)
                    at = text.find(w, stop)
        if extra:
            starts = sorted(starts + extra)
        return starts


def _count(wordness: bytes, dotted: list[tuple[int, int, int]]) -> int:
    """Number of tokens: runs of word bytes (each starts at a "-w" or at the text's start), less the runs
    dotted abbreviations merge ("U.S." is two runs, one token)."""
    return wordness.count(b"-w") + (wordness[:1] == b"w") - sum(d[2] - 1 for d in dotted)


def _dotted(text: str, sh: bytes) -> tuple[list[tuple[int, int, int]], set[int]]:
    """(start, end, runs) of every dotted-abbreviation token ("U.S.", "W.Va."), by tokenizing only
    around each "letter.letter"; and the offsets of the runs inside them after their first ("S")."""
    out: list[tuple[int, int, int]] = []
    inside: set[int] = set()
    if b"." not in sh:
        return out, inside
    letters = sh.translate(_FOLD)
    at = letters.find(b"a.a")
    while at >= 0:
        # From the sync point before it to the one after: no token crosses either.
        lo = sh.rfind(b" ", 0, at) + 1
        hi = sh.find(b" ", at)
        if hi < 0:
            hi = len(sh)
        for m in _TOKEN.finditer(text, lo):
            if m.start() >= hi:
                break
            t = m.group()
            if "." in t:
                start = m.start()
                out.append((start, m.end(), t.count(".")))
                inside.update(start + x + 1 for x, c in enumerate(t[:-1]) if c == ".")
        at = letters.find(b"a.a", hi)
    return out, inside
