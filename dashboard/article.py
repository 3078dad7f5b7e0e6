"""Reading article files and bytes: decoding, the optional header line, and size limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from dashboard import settings
from dashboard.errors import InputError

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


#: HTML metadata that dates a news page, by attribute (``<meta property|name|itemprop=KEY content=...>``),
#: most specific first: Open Graph/Facebook article tags, schema.org, Dublin Core, common CMS tags.
HTML_DATE_KEYS: tuple[str, ...] = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
)
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def _day(value: str | None) -> date | None:
    m = _ISO_DAY.match(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class _DateMeta(HTMLParser):
    """Collects the page's date candidates: meta tags, JSON-LD ``datePublished``, the first ``<time>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.time: str | None = None
        self._ld = False
        self.ld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
        elif tag == "time" and self.time is None and a.get("datetime"):
            self.time = a["datetime"]
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._ld = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._ld = False

    def handle_data(self, data: str) -> None:
        if self._ld:
            self.ld.append(data)


def html_date(markup: str) -> date | None:
    """The publication date a news page's metadata gives (see :data:`HTML_DATE_KEYS`), else None.

    Order: the meta tags of :data:`HTML_DATE_KEYS`, then JSON-LD ``datePublished``, then the first
    ``<time datetime=...>``. Only the day is read (``2022-01-28T10:00:00+01:00`` is 2022-01-28).
    """
    parser = _DateMeta()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # hostile or broken markup: no date rather than no article
        return None
    for key in HTML_DATE_KEYS:
        day = _day(parser.meta.get(key))
        if day is not None:
            return day
    for m in re.finditer(r'"datePublished"\s*:\s*"([^"]+)"', "".join(parser.ld)):
        day = _day(m.group(1))
        if day is not None:
            return day
    return _day(parser.time)
