"""Name cleaning shared by the layer builders: script checks, code filters, normalisation, slugs."""

from __future__ import annotations

import re
import unicodedata

_URLISH = re.compile(r"https?:|www\.|\.(com|org|net)\b|[@/\\:]")
_DIGIT = re.compile(r"\d")


def clean(value: object) -> str:
    """Return ``value`` as a stripped string, empty for None/NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).split())


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is Latin script (accents allowed)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def usable_alternate(text: str) -> bool:
    """Keep Latin-script names; drop codes, URLs, digits and names of 1-2 letters."""
    if len(text) <= 2 or _URLISH.search(text) or _DIGIT.search(text):
        return False
    # Short all-capital tokens are airport/postal codes (KBP, LED), not names.
    if text.isupper() and len(text) <= 4:
        return False
    # All-lower-case entries are machine romanisations of non-Latin names ("kyyf"), not used in English text.
    if not text[0].isupper():
        return False
    return is_latin(text)


def fold(text: str) -> str:
    """Lower-case ASCII fold used for matching names across sources."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`ʼʹ]", "", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def slug(text: str) -> str:
    """``"Baltic states" -> "baltic_states"``."""
    return fold(text).replace(" ", "_")
