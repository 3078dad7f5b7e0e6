"""Sentences and clauses of article text, with offsets into the whole text; pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that end in a period without ending the sentence ("Mr. Putin", "U.S. officials").
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Sen|Rep|Gov|Pres|Jr|Sr|No|vs|etc|approx|est|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mt|Ft|sq|e\.g|i\.e)|\b[A-Z](?:\.[A-Z])*)\.$"
)
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)|\n+")


@dataclass(frozen=True)
class Span:
    """A piece of the text with its offsets into the whole text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """Split text into sentences, keeping offsets into the whole text.

    Parameters
    ----------
    text : str
        Any text; line breaks always end a sentence (articles put one paragraph per line).

    Returns
    -------
    list of Span
        Stripped, non-empty sentences; ``text[s.start:s.end] == s.text``.
    """
    out: list[Span] = []
    start = 0
    for m in _SENT_END.finditer(text):
        lone_period = m.group().rstrip("\"'”’)]") == "."
        if lone_period and _ABBREV.search(text[max(0, m.start() - 12) : m.start() + 1]):
            continue
        _append_stripped(text, 0, start, m.end(), out)
        start = m.end()
    _append_stripped(text, 0, start, len(text), out)
    return out


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence at semicolons: each clause is one statement ("6% ... Nato countries; the ...")."""
    out: list[Span] = []
    start = sentence.start
    for m in re.finditer(r";", sentence.text):
        _append_stripped(sentence.text, sentence.start, start, sentence.start + m.start(), out)
        start = sentence.start + m.end()
    _append_stripped(sentence.text, sentence.start, start, sentence.end, out)
    return out


def _append_stripped(text: str, base: int, a: int, b: int, out: list[Span]) -> None:
    """Append ``[a, b)`` (offsets into the whole text; ``text`` starts at ``base``) without outer spaces."""
    piece = text[a - base : b - base]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append(Span(a + lead, a + lead + len(stripped), stripped))
