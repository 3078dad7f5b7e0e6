"""Reading articles: decoding, the header line, and clear errors for bad input."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import settings
from dashboard.article import read_article
from dashboard.errors import InputError
from dashboard.settings import SEEDS_DIR


def test_sample_header_is_parsed_and_text_is_whole():
    data = (SEEDS_DIR / "000_f76bc0d3d06c699a.txt").read_bytes()
    art = read_article(data, "sample.txt")
    assert art.date == date(2022, 1, 28)
    assert art.title.startswith("Ukraine crisis")
    assert art.text == data.decode("utf-8")  # offsets index the whole file, header included
    assert art.source == "sample.txt"


def test_no_header_and_bom():
    art = read_article("\ufeffParis is calm.".encode(), "a.txt")
    assert art.text == "Paris is calm."
    assert art.date is None and art.title is None


def test_invalid_header_date_is_ignored():
    art = read_article(b"date 2022-13-45 Title\nBody", "a.txt")
    assert art.date is None


def test_str_input():
    assert read_article("date 2020-01-02 T\nx", "s").date == date(2020, 1, 2)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\t", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "UTF-8"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_input_gives_clear_error(data, words):
    with pytest.raises(InputError, match=words) as exc:
        read_article(data, "bad.txt")
    assert "bad.txt" in str(exc.value)


def test_oversized_input(monkeypatch):
    monkeypatch.setattr(settings, "MAX_ARTICLE_BYTES", 100)
    with pytest.raises(InputError, match="larger than"):
        read_article(b"x" * 101, "big.txt")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_read(encoding: str) -> None:
    text = "date 2022-01-28 Títle\nKyiv and Lviv are in Ukraine."
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    art = read_article(bom + text.encode(encoding), "win.txt")
    assert art.text == text
    assert art.date == date(2022, 1, 28)


def test_broken_utf16_gets_a_clear_message() -> None:
    with pytest.raises(InputError, match="UTF-16"):
        read_article(b"\xff\xfe\x00\xd8", "broken.txt")
