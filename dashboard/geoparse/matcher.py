"""Candidate spans: the longest names of the index (and of the lexicon's tables) found in a text.

The interface the rest of the geoparser reads: :meth:`Matcher.match` returns the text's tokens (a lazy
:class:`Tokens` view, a :class:`~dashboard.geoparse.records.TokenSequence`) and its :class:`Span` list
(sorted, never overlapping, each with its candidates best prior first); :meth:`Matcher.candidates` gives the
candidates of an index key. Any matcher with the same output can replace this one.

News is mostly lowercase words, and only a capitalised word (or a lowercase opener like "eastern") can open
a name. So the text is never tokenized word by word in Python: a one-byte-per-character *shadow* of it (each
character replaced by its class: upper letter, other letter, other word character, ".", other) is searched
with ``str.find`` for each capitalised run; lowercase openers are found with one Aho-Corasick scan; dotted
abbreviations ("U.S.") are tokenized only where "letter.letter" occurs; the tokens before each span are
counted with ``str.count``, so spans keep the token numbers of the whole text. The shadow is an ASCII
``str``, not ``bytes``: compiled (dashboard/native.py), ``str.find`` and ``str.count`` are direct C calls,
where each ``bytes.find`` parses its arguments from a tuple (a tenth of a microsecond, some 80 times per
news article).

The longest-match loop is memoised: its state after an opening word, per word ("Brazil": its key, its
candidates, whether a longer key starts with it), and its state after each later token, per phrase ("Brazil
said": no longer name; the text from the opener to that token decides it). News repeats its words and
phrases, so a name costs a few dictionary look-ups. The output equals tokenizing everything with
:data:`dashboard.nameindex.TOKEN` and trying every token (tests/test_matcher.py checks it).
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from collections.abc import Iterator
from typing import Final

from ahocorasick_rs import MATCHKIND_LEFTMOST_LONGEST, AhoCorasick

from dashboard import historic, lexicon, nameindex
from dashboard.geoparse import features, uslocal
from dashboard.geoparse.records import Candidate, Span, Token
from dashboard.placekinds import MentionType

#: Longest name, in tokens, looked up in the names index.
MAX_TOKENS = nameindex.MAX_TOKENS

#: Words remembered as opening (or not) a name before that memo is cleared (bounds a server's memory).
OPENS_CACHE_MAX = 200_000

#: Phrases (an opener and the words after it) and dotted-abbreviation stretches ("U.S.-led") remembered by
#: the matcher before those memos are cleared.
PHRASES_MEMO_MAX = 50_000

#: Tokens whose normal form :func:`norm` remembers before that memo is cleared.
NORMS_MEMO_MAX = 200_000

#: Places whose facts :meth:`Matcher.info` remembers before that memo is cleared.
INFO_MEMO_MAX = 50_000

#: Longer words and phrases are never memoised. With the entry counts above the memos stay bounded: full,
#: the first-word memo of words that open names holds ~36 MB, the phrase memo ~17 MB (measured).
MEMO_MAX_CHARS = 64

#: An all-caps name this short ("US", "UAE") is an abbreviation: the text must be all caps too.
UPPER_MAX = 5

#: A stage reading a token this many tokens or fewer from a span's edge is answered by stepping from the
#: span; further away, the whole text is tokenized once (no rule reads that far).
NEAR = 12

# The private module globals below are Final: compiled, a Final global is a C static, any other one a
# dictionary look-up at each use (the loop of :meth:`Matcher.match` reads several per name).
_LITERAL: Final = MentionType.LITERAL
_ALLIANCE: Final = MentionType.ALLIANCE

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


_ERRORS: Final = "dashboard-matcher-shadow"
codecs.register_error(_ERRORS, _shadow_errors)
# ASCII bytes -> class bytes (non-ASCII characters are classed by the error handler above).
_CLASSES: Final = bytes(ord(_char_class(chr(b))) if b < 128 else ord(" ") for b in range(256))
# Class bytes -> word ("w") or not ("-"): a token run starts at each "-w".
_WORDNESS: Final = bytes.maketrans(b"Aa0. ", b"www--")
# A dotted abbreviation ("U.S.") holds a period between two letters (class bytes).
_LETTER_CLASSES: Final = frozenset(b"Aa")
# Class bytes -> upper letters ("A"), other word bytes ("w"), the rest ("-"): a capitalised run starts
# at each "-A".
_CAPS: Final = bytes.maketrans(b"Aa0. ", b"Aww--")


def shadow(text: str) -> str:
    """One ASCII character per character of ``text``: ``A`` upper letter, ``a`` other letter, ``0`` other
    word character (digit, "_"), ``.`` and `` `` (space) for everything else."""
    return _shadow_bytes(text).decode("ascii")


def _shadow_bytes(text: str) -> bytes:
    """:func:`shadow` as bytes (``bytes.translate`` maps it to the other tables above)."""
    return text.encode("ascii", _ERRORS).translate(_CLASSES)


# Token and Span records are built by tuple.__new__, in C: a NamedTuple's own __new__ is a Python function
# (four times the cost compiled), and a functools.partial over tuple.__new__ twice the cost (measured with
# mypyc). The matcher builds a few per span.
_new: Final = tuple.__new__


class _Best:
    """The longest name read so far from an opener: its last token (0: the opener), key, end (counted from
    the opener's start), and what its span needs: its candidates (without the all-caps ones unless the text
    is in capitals too: "US", not "Us"), whether a final period joins it (a state abbreviation, "Calif.").
    Memoised with the step that holds it, so a name's span gets the same candidate list in every article
    (the parser's memo of undated lists holds one entry per name, not one per mention)."""

    __slots__ = ("cands", "end", "key", "last", "state")

    def __init__(self, last: int, key: str, end: int, state: bool, cands: list[Candidate]) -> None:
        self.last = last
        self.key = key
        self.end = end
        self.state = state
        self.cands = cands


class _Step:
    """Where the longest-match loop stands after reading an opener and ``ntoks - 1`` tokens after it: the
    key so far, whether a longer key starts with it (``more``: read on), whether every word after the opener
    is capitalised or a connector (``mid_ok``), and the longest name so far (``best``). The text from the
    opener to the last token read decides all of it, so steps are memoised by that phrase."""

    __slots__ = ("best", "key", "mid_ok", "more", "ntoks")

    def __init__(self, key: str, more: bool, mid_ok: bool, ntoks: int, best: _Best | None) -> None:
        self.key = key
        self.more = more
        self.mid_ok = mid_ok
        self.ntoks = ntoks
        self.best = best


#: The step of a token that the gap before it keeps out of the name ("Paris; London").
_BREAK: Final = _Step("", False, False, 0, None)
#: What the memo of first steps gives for a word not met yet.
_UNSEEN: Final = _Step("", False, False, 0, None)


class Tokens(dict[int, Token]):
    """The tokens of a text (those of :data:`dashboard.nameindex.TOKEN`), found where read.

    ``toks[k]`` and ``len(toks)`` are those of the full token list; iterating yields the tokens. A dict of
    token number -> token, filled by :meth:`Matcher.match` with each span's tokens and the tokens right
    before and after it (every rule reads those): a known token costs a dict look-up (in C); a missing one
    (``__missing__``) is reached by stepping token by token from the nearest known one with ``bytes.find``
    on the text's word bytes, or the whole text is tokenized when ``k`` is far from every span. ``len`` is
    exact (counted in C by the matcher). No slicing: slice :meth:`materialise` instead.
    """

    def __init__(
        self, text: str, wordness: str, dotted: list[tuple[int, int, int]], d_end: dict[int, int], n: int
    ) -> None:
        self._text = text
        self._w = wordness
        self._dotted = dotted
        self._d_end = d_end  # a dotted abbreviation's end, by its start
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
        q = w.find("w", x)
        e = self._d_end.get(q, -1)  # a dotted abbreviation starting there, else the run of word bytes
        if e < 0:
            e = w.find("-", q)  # (the word bytes end with a non-word byte)
        return _new(Token, (q, e, self._text[q:e]))

    def before(self, x: int) -> Token:
        """The last token ending at or before offset ``x`` (a token boundary)."""
        w = self._w
        r = w.rfind("w", 0, x)  # the last word byte before x...
        if self._dotted:  # ...unless a dotted abbreviation ends after it
            d = bisect.bisect_right(self._dotted, (x, 0, 0)) - 1
            while d >= 0 and self._dotted[d][1] > x:
                d -= 1
            if d >= 0 and self._dotted[d][1] > r:
                s, e, _runs = self._dotted[d]
                return _new(Token, (s, e, self._text[s:e]))
        s = w.rfind("-", 0, r) + 1
        return _new(Token, (s, r + 1, self._text[s : r + 1]))


def norm(token: str) -> str:
    """Case-, accent- and dot-insensitive form of one token (short ones memoised: news repeats its words;
    a hostile text's huge words are not kept, so the memo stays bounded in bytes, not only entries)."""
    got = _norms.get(token)
    if got is None:
        got = nameindex.norm_token(token)
        if len(token) <= MEMO_MAX_CHARS:
            if len(_norms) >= NORMS_MEMO_MAX:
                _norms.clear()
            _norms[token] = got
    return got


# A dict: compiled callers read it in C, where a functools cache would be a generic call.
_norms: dict[str, str] = {}


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
        self._norms: dict[str, str] = {}  # word -> its normalised form, for the words after an opener
        self._first: dict[str, _Step | None] = {}  # word -> the loop's state after it, None: opens nothing
        self._phrases: dict[str, _Step] = {}  # opener to a later token -> the loop's state after it
        self._dotted_memo: dict[str, list[tuple[int, int, int]]] = {}  # stretch -> its "U.S." tokens
        # Lowercase words that can open a name ("eastern Europe"), found by one Aho-Corasick scan (a few
        # patterns: built in microseconds, a scan of a news article under a microsecond).
        lower = sorted(w for w in lexicon.LOWERCASE_OPENERS if norm(w) in self._openers)
        self._lower_openers = AhoCorasick(lower, matchkind=MATCHKIND_LEFTMOST_LONGEST) if lower else None

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
        st = self._first.get(word, _UNSEEN)
        if st is _UNSEEN:
            st = self._first_step(word)
        return "" if st is None else st.key

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
        raw = _shadow_bytes(text)
        size = len(text)
        # Word bytes, with a non-word byte past the end so that a run's end is always found.
        wordness = (raw.translate(_WORDNESS) + b"-").decode("ascii")
        dotted, inside = _dotted(text, raw, self._dotted_memo)
        runs, upto, merged, d_next = 0, 0, 0, 0  # token numbers: run starts before upto, merges so far
        n_dotted = len(dotted)
        # Every possible opener's token and key, in C (map over the offsets): a run of word bytes, or a
        # dotted abbreviation; the "S" of "U.S." opens nothing.
        starts = self._opener_starts(text, raw)
        if inside:
            starts = [s for s in starts if s not in inside]
        # Each opener's word (a run of word bytes, or a dotted abbreviation) and the loop's state after
        # it (None: it opens nothing).
        words = [text[s : wordness.find("-", s)] for s in starts]
        d_end: dict[int, int] = {}
        d_start: dict[int, int] = {}  # a dotted abbreviation's start, by its end
        if dotted:
            d_end = {d[0]: d[1] for d in dotted}
            d_start = {d[1]: d[0] for d in dotted}
            for s, e, _runs in dotted:
                k = bisect.bisect_left(starts, s)
                if k < len(starts) and starts[k] == s:
                    words[k] = text[s:e]
        tokens = Tokens(text, wordness, dotted, d_end, 0)  # (its length is counted at the end)
        filled = -1  # the last token number filled in: the tokens of each span, the ones around it
        first = self._first
        phrases = self._phrases
        out: list[Span] = []
        after = 0  # where the last match's last token ends: openers before it are inside that match
        for o in range(len(starts)):
            p = starts[o]
            if p < after:
                continue
            w = words[o]
            st = first.get(w, _UNSEEN)
            if st is _UNSEEN:  # a word met for the first time
                st = self._first_step(w)
            if st is None:
                continue
            e = p + len(w)
            q1 = e1 = -1  # the token right after the opener, once found
            if st.more:
                # Read on, one token at a time; each step is memoised by its phrase (the text from the
                # opener to the token's end: it decides the step) unless a dotted abbreviation is in it.
                plain = not d_end or p not in d_end
                while True:
                    q = wordness.find("w", e)
                    if q < 0:
                        break
                    ne = d_end.get(q, -1) if d_end else -1
                    if ne < 0:
                        ne = wordness.find("-", q)
                    else:
                        plain = False
                    if q1 < 0:
                        q1, e1 = q, ne
                    if q - e > 3:  # a gap of more than 3 characters never joins
                        break
                    nxt = phrases.get(text[p:ne]) if plain else None
                    if nxt is None:
                        nxt = self._next_step(st, text, p, e, q, ne, plain)
                    if nxt is _BREAK:
                        break
                    st, e = nxt, ne
                    if not st.more:
                        break
            best = st.best
            if best is None:
                continue
            last = best.last
            end = after = p + best.end
            # Dotted state abbreviations keep their final period ("Calif.").
            if best.state and end < size and text[end] == ".":
                end += 1
            cands = best.cands
            if not cands:
                continue
            # This span's first token number: the runs before it, less those dotted abbreviations merge.
            if upto:
                runs += wordness.count("-w", upto - 1, p)
            elif p:  # the text's first run has no "-" before it
                runs += (wordness[0] == "w") + wordness.count("-w", 0, p)
            upto = p
            while d_next < n_dotted and dotted[d_next][0] < p:
                merged += dotted[d_next][2] - 1
                d_next += 1
            i = runs - merged
            j = i + last
            # The tokens every stage reads: the span's and the ones right before and after it.
            if last:
                t = _new(Token, (p, p + len(w), w))
                tokens[i] = t
                for k in range(i + 1, j + 1):
                    t = tokens[k] = tokens.after(t[1])
            else:
                tokens[i] = _new(Token, (p, after, w))
            if i > 0 and i - 1 > filled:
                r = wordness.rfind("w", 0, p)  # the last word byte before the span...
                s = d_start.get(r + 2, -1) if d_start else -1  # ...ends a dotted abbreviation ("U.S.")
                if s >= 0:
                    tokens[i - 1] = _new(Token, (s, r + 2, text[s : r + 2]))
                else:
                    s = wordness.rfind("-", 0, r) + 1
                    tokens[i - 1] = _new(Token, (s, r + 1, text[s : r + 1]))
            if last == 0 and q1 >= 0:  # found while reading on
                tokens[j + 1] = _new(Token, (q1, e1, text[q1:e1]))
            else:
                q = wordness.find("w", after)
                if q >= 0:  # (else the span ends the text)
                    e = d_end.get(q, -1) if d_end else -1
                    if e < 0:
                        e = wordness.find("-", q)
                    tokens[j + 1] = _new(Token, (q, e, text[q:e]))
            filled = j + 1
            out.append(_new(Span, (i, j, p, end, cands)))
        # The number of tokens: the runs of word bytes not yet counted are those from the last span on.
        if upto:
            runs += wordness.count("-w", upto - 1)
        else:
            runs = (wordness[0] == "w") + wordness.count("-w")
        tokens._n = runs - sum(d[2] - 1 for d in dotted)
        return tokens, out

    def _first_step(self, word: str) -> _Step | None:
        """The loop's state after reading an opener alone, or None if the word opens no name (memoised)."""
        key = norm(word)
        st = None
        if (word[0].isupper() or word in lexicon.LOWERCASE_OPENERS) and key in self._openers:
            best = self._best(word, 0, key) if key in self._codes and word[0].isupper() else None
            st = _Step(key, key in self._prefixes and MAX_TOKENS > 1, True, 1, best)
        if len(word) <= MEMO_MAX_CHARS:
            if len(self._first) > OPENS_CACHE_MAX:
                self._first.clear()
            self._first[word] = st
        return st

    def _next_step(self, st: _Step, text: str, p: int, e: int, q: int, ne: int, memo: bool) -> _Step:
        """The loop's state after reading the token ``text[q:ne]`` on from ``st`` (which ends at ``e``),
        or :data:`_BREAK` when the gap before it does not join a name; memoised by the phrase
        ``text[p:ne]`` when ``memo``."""
        if (text[e] != " " or q - e != 1) and not GAP_OK.fullmatch(text, e, q):
            nxt = _BREAK
        else:
            word = text[q:ne]
            key = f"{st.key} {self.norm(word)}"
            c = word[0]
            capitalised = c.isupper() or c.isdigit()
            # caps_ok: every word after the first capitalised or a connector, the last capitalised.
            mid_ok = st.mid_ok and (capitalised or word in lexicon.NAME_CONNECTORS)
            best = st.best
            if key in self._codes and (key in self.lower_ok or (mid_ok and capitalised)):
                best = self._best(text[p:ne], st.ntoks, key)
            nxt = _Step(key, key in self._prefixes and st.ntoks + 1 < MAX_TOKENS, mid_ok, st.ntoks + 1, best)
        if memo and ne - p <= MEMO_MAX_CHARS:
            if len(self._phrases) > PHRASES_MEMO_MAX:
                self._phrases.clear()
            self._phrases[text[p:ne]] = nxt
        return nxt

    def _best(self, surface: str, last: int, key: str) -> _Best:
        """The match of ``key`` over ``surface`` (the text from the opener to the name's last token)."""
        cands = self.candidates(key)  # (fills _upper_keys)
        if key in self._upper_keys and not surface.replace(".", "").isupper():
            cands = [c for c in cands if not c.upper]
        state = surface + "." in uslocal.STATE_ABBREVIATIONS
        return _Best(last, key, len(surface), state, cands)

    def _opener_starts(self, text: str, raw: bytes) -> list[int]:
        """Offsets of the runs that may open a name: capitalised ones and lowercase openers, in order."""
        # Each "-A" (a non-word byte, then an upper letter) is a capitalised run.
        caps = raw.translate(_CAPS).decode("ascii")
        starts = [0] if caps.startswith("A") else []
        at = caps.find("-A")
        while at >= 0:
            starts.append(at + 1)
            at = caps.find("-A", at + 2)
        extra = []
        if self._lower_openers is not None:
            # Matches are runs of letters: none can hide a word that starts after a non-word character.
            for _pat, at, stop in self._lower_openers.find_matches_as_indexes(text):
                if (at == 0 or raw[at - 1] in b" .") and raw[stop : stop + 1] not in b"Aa0":
                    extra.append(at)
        if extra:
            starts = sorted(starts + extra)
        return starts


def _chunk_dotted(chunk: str) -> list[tuple[int, int, int]]:
    """(start, end, runs) of the dotted abbreviations among the tokens of ``chunk`` (a stretch of text
    between two characters no token crosses)."""
    return [(m.start(), m.end(), m.group().count(".")) for m in _TOKEN.finditer(chunk) if "." in m.group()]


def _dotted(
    text: str, raw: bytes, memo: dict[str, list[tuple[int, int, int]]] | None = None
) -> tuple[list[tuple[int, int, int]], set[int]]:
    """(start, end, runs) of every dotted-abbreviation token ("U.S.", "W.Va."), by tokenizing only
    around each "letter.letter"; and the offsets of the runs inside them after their first ("S").
    ``raw`` is the text's shadow as bytes; ``memo`` remembers each stretch's abbreviations (news repeats
    "U.S.")."""
    out: list[tuple[int, int, int]] = []
    inside: set[int] = set()
    size = len(raw)
    sh = ""  # the shadow as a str, made when a first abbreviation is found (most texts have none)
    # Each period (found in C) between two letters: a news article has a few periods, mostly sentence ends.
    dot = text.find(".", 1)
    while dot > 0:
        if dot + 1 >= size or raw[dot - 1] not in _LETTER_CLASSES or raw[dot + 1] not in _LETTER_CLASSES:
            dot = text.find(".", dot + 1)
            continue
        if not sh:
            sh = raw.decode("ascii")
        # From the sync point before it to the one after: no token crosses either.
        lo = sh.rfind(" ", 0, dot) + 1
        hi = sh.find(" ", dot)
        if hi < 0:
            hi = size
        chunk = text[lo:hi]
        got = None if memo is None else memo.get(chunk)
        if got is None:
            got = _chunk_dotted(chunk)
            if memo is not None and len(chunk) <= MEMO_MAX_CHARS:
                if len(memo) > PHRASES_MEMO_MAX:
                    memo.clear()
                memo[chunk] = got
        for s, e, runs in got:
            start = lo + s
            out.append((start, lo + e, runs))
            if runs > 1:  # the runs after the first start after each inner period ("U.S.A.": "S", "A")
                dot = text.find(".", start)
                for _ in range(runs - 1):
                    inside.add(dot + 1)
                    dot = text.find(".", dot + 1)
        dot = text.find(".", hi + 1)
    return out, inside
