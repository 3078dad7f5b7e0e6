"""Which language an article is written in; pure (no UI).

The geoparser's names, cues and stop words are English: run on German text it turns common words into
towns ("Lage"). The dashboard asks :func:`check_language` first and warns instead of mapping false places.

Two steps, so English articles cost nothing: a text whose words are mostly English function words is
English at once; only the others go to py3langid (langid.py's model, shipped in the wheel; loading it takes
about 1.5 s, once per process).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

#: The language the geoparser supports (ISO 639-1).
SUPPORTED = "en"

#: English function words that are not also common words of other European languages. In English news
#: they are 20-30 % of the words; in German, French or Spanish text, English names included, under 5 %.
_FUNCTION_WORDS = """
the of to and for with that this these those it its he she they we you his her their our which who what
when where said says would could has have been from by on at or but not be were are than there after before
about into
"""
ENGLISH_FUNCTION_WORDS: frozenset[str] = frozenset(_FUNCTION_WORDS.split())
# Left out on purpose: words that are also common in German, Dutch or Romance languages ("a", "in", "an",
# "was", "will", "also", "is", "over", "had", "die").

#: At least this share of English function words: English without asking the model.
ENGLISH_SHARE: float = 0.12

#: Fewer words than this are too few to judge (a headline, a list of names): treated as English.
MIN_WORDS: int = 8

#: Languages the model chooses among: English and the languages news in Europe and nearby is written in.
#: A closed set keeps short texts from being called e.g. Latin or Luxembourgish.
CANDIDATES: tuple[str, ...] = (
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "hu", "ro", "hr",
    "sl", "bg", "ru", "uk", "el", "tr", "ar", "he", "fa", "zh", "ja", "ko", "id", "ca", "et", "lv", "lt",
)  # fmt: skip

#: Names of the candidate languages, for the notice.
NAMES: dict[str, str] = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "pl": "Polish",
    "cs": "Czech", "sk": "Slovak", "hu": "Hungarian", "ro": "Romanian", "hr": "Croatian", "sl": "Slovenian",
    "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "tr": "Turkish", "ar": "Arabic",
    "he": "Hebrew", "fa": "Persian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "id": "Indonesian",
    "ca": "Catalan", "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian",
}  # fmt: skip

#: How much text the model reads: enough to be sure, bounded so a 10 MB upload stays fast.
SAMPLE_CHARS: int = 20_000

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class LanguageCheck:
    """The language of a text: ISO 639-1 code, its English name, and whether the geoparser supports it."""

    code: str
    name: str
    english_share: float

    @property
    def supported(self) -> bool:
        return self.code == SUPPORTED


def english_share(text: str) -> tuple[float, int]:
    """Share of the words of ``text`` that are English function words, and the number of words."""
    words = [w.casefold() for w in _WORD.findall(text[:SAMPLE_CHARS])]
    if not words:
        return 0.0, 0
    return sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words), len(words)


@functools.cache
def _identifier() -> Any:
    """py3langid's bundled model, restricted to :data:`CANDIDATES` (loaded once per process)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    ident.set_languages(list(CANDIDATES))
    return ident


def check_language(text: str) -> LanguageCheck:
    """Guess the language of an article.

    Parameters
    ----------
    text : str
        The article text.

    Returns
    -------
    LanguageCheck
        English for texts that are mostly English function words or too short to judge; otherwise the
        language py3langid picks among :data:`CANDIDATES`.
    """
    share, n = english_share(text)
    if share >= ENGLISH_SHARE or n < MIN_WORDS:
        return LanguageCheck(SUPPORTED, NAMES[SUPPORTED], share)
    code = _classify(text[:SAMPLE_CHARS])
    return LanguageCheck(code, NAMES.get(code, code), share)


def _classify(text: str) -> str:
    return str(_identifier().classify(text)[0])
