"""The cues of a span: what the words around a matched name say, computed once (:func:`span_cues`)."""

from __future__ import annotations

import functools
import re
from typing import Final

from dashboard import lexicon
from dashboard.geoparse.matcher import norm
from dashboard.geoparse.records import Span, SpanCues, Token, TokenSequence
from dashboard.geoparse.relations import APPOSITIVE_GAP

# Where a clause ends: a neighbour beyond one of these is no neighbour.
_SENTENCE_BREAK: Final = re.compile(r"[.!?:;\n\"\u201c\u201d\u2022|()\[\]]")
# ", 54," after a name: a person's age.
_AGE: Final = re.compile(r",[ \t]\d{1,3}\b")

#: How many capitalised words (or "of"/"and") a firm's name may run on either side of a place in it.
COMPANY_RUN: Final = 4
_COMPANY_GAPS: Final = frozenset({" ", " & "})

# Origin cues by their last word: the words before it ({"of": [["native"], ["natives"]], "from": [[]]}).
ORIGIN_CUE_WORDS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    last: tuple(tuple(c.split()[:-1]) for c in lexicon.ORIGIN_CUES if c.split()[-1] == last)
    for last in {c.split()[-1] for c in lexicon.ORIGIN_CUES}
}


# The lexicon's word sets as this module's own Final names: compiled, a Final name is read from a C static,
# where ``lexicon.X`` is a module and an attribute look-up at every use (a span reads a dozen).
_COMMON_NOUNS: Final = lexicon.COMMON_NOUNS
_COMMON_WORDS: Final = lexicon.COMMON_WORDS
_CORPORATE_SUFFIXES: Final = lexicon.CORPORATE_SUFFIXES
_DISEASE_WORDS: Final = lexicon.DISEASE_WORDS
_LOCATIVES: Final = lexicon.LOCATIVES
_NAME_CONNECTORS: Final = lexicon.NAME_CONNECTORS
_PERSON_NAMES: Final = lexicon.PERSON_NAMES
_PERSON_VERBS: Final = lexicon.PERSON_VERBS
_PLACE_HEADS: Final = lexicon.PLACE_HEADS
_PROVINCE_CUES: Final = lexicon.PROVINCE_CUES
_PROVINCE_HEADS: Final = lexicon.PROVINCE_HEADS
_SPEECH_VERBS: Final = lexicon.SPEECH_VERBS
_TITLES: Final = lexicon.TITLES


# SpanCues built by tuple.__new__ in C: the NamedTuple's own __new__ is a Python function, a call the compiled
# stage would pay per span.
_span_cues: Final = functools.partial(tuple.__new__, SpanCues)


def span_cues(text: str, tokens: TokenSequence, sp: Span, prev_matched: bool, next_matched: bool) -> SpanCues:
    """The cues of span ``sp``; ``prev_matched``/``next_matched`` say whether the word right before
    (after) it is part of another matched name."""
    i, j, s, e, cands = sp
    has_prev = i > 0
    has_next = j + 1 < len(tokens)
    if has_prev:
        _ps, prev_end, prev_raw = tokens[i - 1]
        gap_before = text[prev_end:s]
        prev_adjacent = gap_before == " " or not _SENTENCE_BREAK.search(text, prev_end, s)
        if not prev_adjacent and gap_before in (". ", "."):
            # "Sen. Jones", "John A. Jones": a title or an initial with its period still qualifies the name.
            initial = len(prev_raw) == 1 and prev_raw.isupper()
            prev_adjacent = initial or prev_raw.casefold() in _TITLES
    else:
        gap_before, prev_raw, prev_adjacent = "", "", False
    prev_word = prev_raw.casefold() if prev_adjacent else ""
    if has_next:
        next_start, _ne, next_raw = tokens[j + 1]
        gap_after = text[e:next_start]
    else:
        next_raw = gap_after = ""
    next_word = next_raw.casefold()
    single = i == j
    first_word = tokens[i].word
    key = norm(first_word)
    surface = text[s:e]
    after = text[e : e + 1]  # the character right after the name ("" at the end)
    # (each neighbour's case is read once: a method call per use, compiled)
    prev_upper = has_prev and prev_raw[0].isupper()
    next_upper = has_next and next_raw[0].isupper()
    locative_word = prev_word in _LOCATIVES
    locative = locative_word
    if not locative and has_next and gap_after == " ":
        # "Paris police", "Fargo Mayor": an institution of the place is named, so the place is meant.
        locative = next_word in _PLACE_HEADS
    capitalised_before = prev_upper and gap_before == " "
    prev_proper = (
        prev_adjacent
        and prev_upper
        and not prev_matched
        and prev_word not in _COMMON_WORDS
        and prev_word not in _NAME_CONNECTORS
    )
    next_cap = next_upper and gap_after in (" ", "\u00a0") and next_word not in _PLACE_HEADS
    next_proper = next_cap and not next_matched and next_word not in _COMMON_WORDS
    province_cue = (
        prev_word == "of"
        and i > 1
        and tokens[i - 2].word.casefold() in _PROVINCE_CUES
        and text[tokens[i - 2].end : tokens[i - 1].start] == " "
    ) or (
        has_next
        and gap_after in (" ", "\u00a0")
        and (
            (next_word in _PROVINCE_CUES and next_raw[0].islower())
            or (next_word in _PROVINCE_HEADS and next_upper)
        )
    )
    # Positional, in the record's field order.
    return _span_cues(
        (
            key,
            surface,
            cands,  # readings
            single,
            not prev_adjacent,  # sentence_start
            prev_word,
            capitalised_before,
            prev_proper,
            next_word,
            next_cap,
            next_proper,
            locative,
            key in _PERSON_NAMES,  # personish
            single and len(surface) <= 4 and surface.isupper(),  # acronym
            prev_word == "said" and gap_before == " ",  # said_before
            after == "," and _AGE.match(text, e) is not None,  # age_after
            gap_after == " " and next_word in _SPEECH_VERBS,  # speech_after
            gap_after in (" ", "\u00a0") and next_word in _PERSON_VERBS,  # verb_after
            after == "$",  # currency_after
            (
                not locative_word
                and (
                    firm_may_run_on(gap_before, prev_raw)
                    or firm_may_run_on(gap_after, next_raw)
                    or (tokens[j].word if j != i else first_word) in _CORPORATE_SUFFIXES
                )
                and in_company_name(text, tokens, i, j)
            ),  # in_company
            province_cue,
            next_word in _DISEASE_WORDS,  # disease_after
            (
                single and key in _COMMON_NOUNS and not locative and not APPOSITIVE_GAP.match(text, e)
            ),  # common_noun
            text[e : e + 2] in ("'s", "\u2019s"),  # possessive
            prev_word in ORIGIN_CUE_WORDS and after_origin_cue(tokens, i, prev_word),  # after_origin_cue
            surface.endswith("."),  # dotted
        )
    )


def after_origin_cue(tokens: TokenSequence, i: int, prev_word: str) -> bool:
    """Whether the words right before word ``i`` (the last one is ``prev_word``) are an origin cue ("a
    native of", "born in", "from")."""
    for before in ORIGIN_CUE_WORDS.get(prev_word, ()):
        n = len(before)
        if i > n and tuple(tokens[i - 1 - n + m].word.casefold() for m in range(n)) == before:
            return True
    return False


def firm_may_run_on(gap: str, word: str) -> bool:
    """Whether a firm's name can run on from a span through its neighbour ``word`` beyond ``gap``: the gap is
    one a firm's name allows (" ", " & ") and the word is capitalised (every corporate suffix is), "of" or
    "and". :func:`in_company_name` holds only where this holds on one side or the span ends in a suffix,
    so :func:`span_cues` asks it only then ("said Japan's" and "in Japan, the" are no firm)."""
    return gap in _COMPANY_GAPS and (word[0].isupper() or word in ("of", "and"))


def in_company_name(text: str, tokens: TokenSequence, i: int, j: int) -> bool:
    """Words ``i..j`` lie in a run of capitalised words (with "of", "and", "&") that holds a corporate
    suffix: "BP America Inc", "Aluminum Co of America", "Orion Royal Pacific Ltd"; or the span ends in a
    suffix after a capitalised word ("Phillips Petroleum Co", not Petroleum County), or is one ("Cos")."""
    suffixes = _CORPORATE_SUFFIXES
    first = tokens[i]
    last = first if i == j else tokens[j]
    if last.word in suffixes:
        if i == j:
            return True
        if i > 0:
            _s, prev_end, prev = tokens[i - 1]
            if text[prev_end : first.start] == " " and prev[0].isupper():
                return True
    # Rightwards from the span's last word, then leftwards from its first.
    return _suffix_ahead(text, tokens, last, j, 1, suffixes) or _suffix_ahead(
        text, tokens, first, i, -1, suffixes
    )


def _suffix_ahead(
    text: str, tokens: TokenSequence, here: Token, k: int, step: int, suffixes: frozenset[str]
) -> bool:
    """Whether a corporate suffix follows word ``k`` (``here``) within :data:`COMPANY_RUN` words, stepping
    ``step`` (1: rightwards, -1: leftwards) through capitalised words, "of" and "and" a firm's gap apart."""
    n = len(tokens) if step > 0 else 0
    for _ in range(COMPANY_RUN):
        k += step
        # Every gap a firm's name allows (" ", " & ") has a space at each end: test the one next to the word
        # before reading the word beyond it (a word past a span is found on demand, "Brazil, said").
        if step > 0:
            e = here.end
            if text[e : e + 1] != " " or k >= n:
                return False
            # The word beyond starts a firm's gap away: its first character is read before the word itself,
            # which past a span's neighbours is found by tokenizing on demand ("Japan said" stops here: a
            # lowercase word is no suffix, "of" or "and", and a digit or a sign starts no word of a firm).
            c = text[e + 1 : e + 2]
            if not (c.isupper() or c in ("o", "a", "&")):
                return False
        elif k < 0 or here.start == 0 or text[here.start - 1] != " ":
            return False
        nxt = tokens[k]
        gap = text[here.end : nxt.start] if step > 0 else text[nxt.end : here.start]
        if gap not in _COMPANY_GAPS:
            return False
        w = nxt.word
        if w in suffixes:
            return True
        if not (w[0].isupper() or w in ("of", "and")):
            return False
        here = nxt
    return False
