"""The names index: the tokenizer, a saved (memory-mapped) index parses like one built in memory, and a
missing, broken or unwritable cache falls back cleanly. The matcher against its reference: test_matcher.py."""

from __future__ import annotations

import re

import pytest

from dashboard import nameindex
from dashboard.geoparse import Geoparser, default_parser
from tests.test_matcher import TEXTS  # tricky texts: punctuation, all caps, accents, empty


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return default_parser()


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_are_the_regex_tokens(text):
    want = [(m.start(), m.end(), m.group()) for m in nameindex.TOKEN.finditer(text)]
    toks, words = nameindex.tokens_and_words(text)
    assert toks == want
    assert words == [t for _s, _e, t in want]


def _small_names():
    import pandas as pd

    rows = [
        ("country:FRA", "France", "country", "FRA", 67_000_000, True, "", False),
        ("city:1", "Paris", "city", "FRA", 2_100_000, True, "", True),
        ("city:2", "Paris", "city", "USA", 10_000, True, "province:US-TN", False),
        ("province:US-TN", "Tennessee", "province", "USA", 7_000_000, True, "", False),
        ("region:baltic_states", "Baltic republics", "region", None, 6_000_000, False, "", False),
        ("city:3", "Saint-Étienne", "city", "FRA", 170_000, True, "", False),
    ]
    cols = ["place_id", "name", "kind", "country", "population", "primary", "province", "capital"]
    return pd.DataFrame(rows, columns=cols)


def test_saved_index_parses_like_the_one_built_in_memory(tmp_path, parser):
    names = _small_names()
    built = nameindex.NameIndex.build(names, coords={"city:1": (48.85, 2.35), "city:2": (36.3, -88.3)})
    built.save(tmp_path / "idx")
    mapped = nameindex.NameIndex.load(tmp_path / "idx")
    assert mapped.source == str(tmp_path / "idx")
    assert mapped.keys == built.keys and mapped.pids == built.pids
    text = "Paris, Tenn., is not Paris, France; the Baltic republics and Saint-Etienne are elsewhere."
    a = Geoparser.from_index(built, coords=built.points).parse(text)
    b = Geoparser.from_index(mapped, coords=mapped.points).parse(text)
    assert a == b and {m.place_id for m in a} >= {"country:FRA", "region:baltic_states"}
    assert mapped.points()["city:1"] == (48.85, 2.35) and "country:FRA" not in mapped.points()


def test_points_answer_the_same_when_remembered_and_stay_bounded(monkeypatch):
    index = nameindex.NameIndex.build(_small_names(), coords={"city:1": (48.85, 2.35)})
    monkeypatch.setattr(nameindex, "POINTS_MEMO_MAX", 2)
    points = index.points()
    for _ in range(2):  # read from the arrays, then from the memo
        assert points["city:1"] == (48.85, 2.35) and "city:1" in points
        assert "city:2" not in points and "country:FRA" not in points and "nowhere" not in points
        with pytest.raises(KeyError):
            points["city:2"]  # a city without a point
        with pytest.raises(KeyError):
            points["nowhere"]
    assert len(points._memo) <= 2
    assert dict(points) == {"city:1": (48.85, 2.35)}


def test_the_bundled_index_is_mapped_and_equals_a_fresh_build(parser):
    # default_parser maps the saved index; a fresh in-memory build from the gazetteer must agree with it.
    from dashboard.geoparse import build_index, uslocal

    built = build_index()  # as default_parser wires it: the cities' points and the counties too
    fresh = Geoparser.from_index(built, coords=built.points, counties=uslocal.county_polygons)
    assert parser.index.source != "memory" or not nameindex.cache_enabled()
    for text in TEXTS:
        assert fresh.parse(text) == parser.parse(text)


def test_missing_or_broken_cache_falls_back_to_building(tmp_path):
    names_file = tmp_path / "names.csv"
    names_file.write_text("whatever the content, it is hashed")
    calls = []

    def build():
        calls.append(1)
        return nameindex.NameIndex.build(_small_names())

    cache = tmp_path / "cache"
    first = nameindex.load_or_build(names_file, build, cache_dir=cache)
    assert first.source == "memory" and calls == [1]
    second = nameindex.load_or_build(names_file, build, cache_dir=cache)
    assert second.source.startswith(str(cache)) and calls == [1]  # mapped, not rebuilt
    # A truncated array (a crash mid-copy, a full disk): rebuilt and saved again, never a traceback.
    folder = nameindex.cached_folder(names_file, cache)
    (folder / "order.npy").write_bytes(b"\x93NUMPY broken")
    third = nameindex.load_or_build(names_file, build, cache_dir=cache)
    assert third.source == "memory" and calls == [1, 1]
    assert nameindex.load_or_build(names_file, build, cache_dir=cache).source.startswith(str(cache))
    # A changed names file gets its own folder.
    names_file.write_text("other names")
    assert nameindex.cached_folder(names_file, cache) != folder


def test_unwritable_cache_still_parses(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the cache folder should be")
    names_file = tmp_path / "names.csv"
    names_file.write_text("x")
    build = lambda: nameindex.NameIndex.build(_small_names())  # noqa: E731
    idx = nameindex.load_or_build(names_file, build, blocker / "c")
    assert idx.source == "memory"
    assert [m.place_id for m in Geoparser.from_index(idx).parse("Protests in France.")] == ["country:FRA"]
    monkeypatch.setenv(nameindex.CACHE_ENV, "0")
    idx = nameindex.load_or_build(names_file, build, tmp_path / "c")
    assert idx.source == "memory" and not (tmp_path / "c").exists()


def test_opening_word_memo_is_bounded(monkeypatch):
    from dashboard.geoparse import matcher

    p = Geoparser.from_index(nameindex.NameIndex.build(_small_names()))
    monkeypatch.setattr(matcher, "OPENS_CACHE_MAX", 50)
    monkeypatch.setattr(matcher, "PHRASES_MEMO_MAX", 50)
    for k in range(20):
        # New words, and new phrases after "Baltic" (it opens "Baltic republics"): both memos stay bounded.
        p.parse(" ".join(f"Word{k}x{n} Baltic W{k}x{n}" for n in range(10)) + " in Paris, France.")
    assert len(p.matcher._first) <= 50 + 12
    assert 0 < len(p.matcher._phrases) <= 50 + 12
    assert re.search("Paris", "in Paris") and p.parse("in Paris, France.")


def test_huge_words_are_not_memoised():
    from dashboard.geoparse import matcher

    p = Geoparser.from_index(nameindex.NameIndex.build(_small_names()))
    words = [f"Q{k:04d}" + "x" * 300 for k in range(500)]
    before = len(matcher._norms)
    got = p.parse(" ".join(words) + " and then Paris, France.")
    assert {m.place_id for m in got} >= {"country:FRA"}
    assert not any(len(w) > matcher.MEMO_MAX_CHARS for w in p.matcher._first)
    assert not any(len(w) > matcher.MEMO_MAX_CHARS for w in p.matcher._phrases)
    assert len(matcher._norms) - before < 50
