"""The byte-bounded LRU cache the dashboard keeps its per-article work in, and its size estimate."""

from __future__ import annotations

import threading
import time
import tracemalloc

import shapely

from dashboard import settings
from dashboard.sizedcache import SizedCache, deep_size


def test_values_beyond_the_budget_evict_the_least_recently_used() -> None:
    cache = SizedCache("t", budget_bytes=1000, sizeof=len)
    for key in "abcd":
        cache.get(key, lambda: "x" * 200)
    cache.get("a", lambda: "never made: a is cached")  # a is now the most recently used
    cache.get("e", lambda: "y" * 200)  # 1,000 bytes: still fits
    cache.get("f", lambda: "z" * 200)  # over: b, the least recently used, goes
    assert "b" not in cache and all(k in cache for k in "acdef")
    stats = cache.stats()
    assert stats.size_bytes <= 1000 and stats.evictions == 1 and stats.hits == 1


def test_a_value_over_a_quarter_of_the_budget_is_returned_but_not_kept() -> None:
    cache = SizedCache("t", budget_bytes=1000, sizeof=len)
    cache.get("small", lambda: "s" * 100)
    assert cache.get("huge", lambda: "h" * 300) == "h" * 300
    assert "huge" not in cache and "small" in cache
    assert cache.stats().too_large == 1


def test_the_cached_value_is_the_same_object_not_a_copy() -> None:
    cache = SizedCache("t", budget_bytes=10**6)
    first = cache.get("k", lambda: {"features": [1, 2, 3]})
    assert cache.get("k", lambda: {"features": []}) is first


def test_concurrent_sessions_keep_the_size_within_the_budget() -> None:
    cache = SizedCache("t", budget_bytes=5000, sizeof=len)

    def session(n: int) -> None:
        for i in range(200):
            size = 50 + i % 70
            cache.get((n, i % 30), lambda size=size: "v" * size)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = cache.stats()
    assert 0 < stats.size_bytes <= 5000
    assert stats.size_bytes == sum(len(v) for v, _ in cache._items.values())


def test_sessions_missing_the_same_key_at_once_make_it_once() -> None:
    cache = SizedCache("t", budget_bytes=10**6)
    made: list[int] = []
    gate = threading.Event()

    def make() -> str:
        made.append(1)
        gate.wait(5)  # the first maker is slow: the others arrive meanwhile
        return "the sample's places"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("sample", make))) for _ in range(20)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # every session is waiting now, one of them inside make()
    gate.set()
    for t in threads:
        t.join()
    assert made == [1] and results == ["the sample's places"] * 20


def test_deep_size_follows_nested_geojson_like_tracemalloc() -> None:
    """A layer-like dict of coordinate lists: the estimate is close to the memory Python allocated."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    layer = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": f"place {i}", "popup": "<b>text</b> " * 20},
                "geometry": {"coordinates": [[float(i) + j / 7, j / 3] for j in range(200)]},
            }
            for i in range(50)
        ],
    }
    allocated = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert 0.8 < deep_size(layer) / allocated < 1.25


def test_deep_size_counts_frames_geometry_and_shared_objects_once() -> None:
    import geopandas as gpd

    line = shapely.LineString([(i, i) for i in range(1000)])
    frame = gpd.GeoDataFrame({"name": ["a", "b"], "mentions": [[{"start": 1}], []]}, geometry=[line, line])
    assert deep_size(frame) > 16_000  # the 1,000 coordinates, once: both rows hold the same line
    assert deep_size(frame) < 2 * 16_000 + 5_000
    shared = "s" * 10_000
    assert deep_size([shared, shared]) < deep_size(shared) + 200


def test_every_budget_is_documented_and_positive() -> None:
    assert set(settings.CACHE_BUDGETS) >= {"parse", "layer", "claims", "export"}
    assert all(b > 0 for b in settings.CACHE_BUDGETS.values())
