"""Property tests: any text gives mentions whose offsets lie inside it and whose surface matches."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.geoparse import geoparse

PLACEY = st.sampled_from(
    [
        "Paris",
        "U.S.",
        "Georgia",
        "Nato",
        "eastern Europe",
        "Baltic Sea",
        "Russia's",
        "Kyiv",
        "Mr",
        "So",
        "\n",
        ". ",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(max_size=30), PLACEY), max_size=30).map(" ".join))
def test_offsets_are_inside_and_exact(text):
    ms = geoparse(text)
    assert ms == sorted(ms, key=lambda m: m.start)
    for m in ms:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert 0.0 <= m.confidence <= 1.0
        assert m.type in {"literal", "demonym", "metonymic", "alliance"}


def test_large_input_is_linear():
    chunk = "Officials in Paris and Berlin met Russian envoys near Kyiv on Friday. " * 200
    geoparse(chunk)  # warm up
    t0 = time.perf_counter()
    small = geoparse(chunk)
    t_small = time.perf_counter() - t0
    t0 = time.perf_counter()
    big = geoparse(chunk * 10)
    t_big = time.perf_counter() - t0
    assert len(big) == 10 * len(small)
    assert t_big < 30 * t_small + 0.5  # ten times the text, not a hundred times the work


def test_binary_like_and_unicode_text_does_not_crash():
    weird = "\x00\x01\ufffd\u202e Москва 東京 Zürich Côte d'Ivoire \U0001f600 " * 50
    for m in geoparse(weird):
        assert weird[m.start : m.end] == m.text
