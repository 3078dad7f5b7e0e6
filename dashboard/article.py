"""Reading article files and bytes: decoding, the optional header line, and size limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

from dashboard import settings
from dashboard.errors import InputError

if TYPE_CHECKING:
    from trafilatura.settings import Document

# `date YYYY-MM-DD Title` on the first line (leading spaces allowed, as in the bundled sample).
_HEADER = re.compile(r"\A\s*date\s+(\d{4})-(\d{2})-(\d{2})(?:[ \t]+([^\r\n]*))?")


@dataclass(frozen=True)
class Article:
    """One article: its whole text (offsets index it), the date and title from its header, and its source."""

    text: str
    date: date | None
    title: str | None
    source: str


def _decode(data: bytes, source: str) -> str:
    if len(data) > settings.MAX_ARTICLE_BYTES:
        mb = settings.MAX_ARTICLE_BYTES / 1024 / 1024
        msg = f"{source}: the file is larger than {mb:.0f} MB; split it into smaller articles"
        raise InputError(msg)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # A byte-order mark says UTF-16 (Windows "Unicode" text): decode it rather than call it binary.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            msg = f"{source}: the file starts like UTF-16 text but does not decode; save it as UTF-8 text"
            raise InputError(msg) from None
    if b"\x00" in data:
        msg = f"{source}: this looks like a binary file, not a plain-text article"
        raise InputError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{source}: the file is not valid UTF-8 (byte {exc.start}); save it as UTF-8 text"
        raise InputError(msg) from None
    return text


def _check_text(text: str, source: str) -> None:
    if len(text.encode("utf-8", "surrogatepass")) > settings.MAX_ARTICLE_BYTES:
        mb = settings.MAX_ARTICLE_BYTES / 1024 / 1024
        msg = f"{source}: the text is larger than {mb:.0f} MB; split it into smaller articles"
        raise InputError(msg)
    if not text.strip():
        msg = f"{source}: the article is empty"
        raise InputError(msg)
    if "\x00" in text:
        msg = f"{source}: this looks like a binary file, not a plain-text article"
        raise InputError(msg)
    # Mostly control characters (other than whitespace) means binary data that happened to decode.
    sample = text[:65536]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    if control > 0.1 * len(sample):
        msg = f"{source}: this looks like a binary file, not a plain-text article"
        raise InputError(msg)


def check_text(text: str, source: str) -> None:
    """Raise InputError (naming ``source``) if decoded text is empty, binary or larger than the limit."""
    _check_text(text, source)


def parse_header(text: str) -> tuple[date | None, str | None]:
    """Read ``date YYYY-MM-DD Title`` from the first line, if present.

    Parameters
    ----------
    text : str
        The whole article text.

    Returns
    -------
    tuple
        ``(date, title)``; each is None when absent or invalid.
    """
    m = _HEADER.match(text)
    if not m:
        return None, None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, None
    title = (m.group(4) or "").strip() or None
    return day, title


def read_article(data: bytes | str, source: str = "<article>") -> Article:
    """Decode an article and read its optional header.

    Parameters
    ----------
    data : bytes or str
        The file's bytes (UTF-8, a BOM is fine) or already decoded text.
    source : str
        Where it came from (a path or "-"); used in messages and kept on the Article.

    Returns
    -------
    Article
        ``text`` is the whole decoded text (the header line included), so offsets index the file.

    Raises
    ------
    InputError
        Empty, binary, undecodable or larger than ``settings.MAX_ARTICLE_BYTES``.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        text = _decode(bytes(data), source)
    elif isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
    else:
        msg = f"{source}: expected bytes or text, got {type(data).__name__}"
        raise InputError(msg)
    _check_text(text, source)
    day, title = parse_header(text)
    return Article(text=text, date=day, title=title, source=source)


#: File name endings read as HTML pages (main text, title and date taken by trafilatura).
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml")
#: File name endings of articles in a folder (a file named on its own is read whatever its name).
ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md", *HTML_SUFFIXES)

# Only the page's own metadata and markup give its date: trafilatura's "extensive" search also guesses from
# any date written in the text, and a guessed date would misplace the article on the timeline.
# htmldate rejects dates before 1995 by default; archives are older (a 1987 page keeps its 1987 date).
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "min_date": "1900-01-01"}


def read_html_article(data: bytes | str, source: str = "<page>") -> Article:
    """Read an HTML page as an article: its main text, title and publication date, by trafilatura.

    Menus, footers, scripts and styles are dropped. A first line ``date YYYY-MM-DD Title`` (as in article
    files) overrides the page's own date and title.

    Parameters
    ----------
    data : bytes or str
        The page (untrusted). Bytes that are not UTF-8 are decoded by the page's declared charset.
    source : str
        Where it came from; used in messages and kept on the Article.

    Returns
    -------
    Article
        ``text`` is the extracted text (offsets index it), ``date``/``title`` from the header or the page.

    Raises
    ------
    InputError
        Empty, binary, too large, or no main text.
    """
    import warnings

    from trafilatura import bare_extraction
    from trafilatura.utils import decode_file

    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        try:
            markup = _decode(data, source)
        except InputError as exc:
            if "UTF-8" not in str(exc):
                raise
            markup = decode_file(data)  # the charset the page declares (or detected)
    elif isinstance(data, str):
        markup = data
    else:
        msg = f"{source}: expected bytes or text, got {type(data).__name__}"
        raise InputError(msg)
    _check_text(markup, source)
    day, title = parse_header(markup)
    if day is not None or title is not None:
        markup = markup.split("\n", 1)[1] if "\n" in markup else ""
    # lxml's FutureWarnings from inside trafilatura say nothing about the page.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # A Document (or None): the dict in its declared return type comes only with as_dict=True.
            doc = cast(
                "Document | None",
                bare_extraction(markup, with_metadata=True, date_extraction_params=_DATE_PARAMS),
            )
        except Exception as exc:  # lxml rejects some hostile markup outright
            msg = f"{source}: the HTML page cannot be parsed ({type(exc).__name__})"
            raise InputError(msg) from None
    text = (doc.text or "").strip() if doc is not None else ""
    if doc is None or not text:
        msg = f"{source}: the HTML page has no visible text"
        raise InputError(msg)
    if day is None and doc.date:
        try:
            day = date.fromisoformat(doc.date[:10])
        except ValueError:
            day = None
    title = title or (doc.title or "").strip() or None
    return Article(text=text, date=day, title=title, source=source)
