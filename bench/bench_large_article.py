"""Benchmark the dashboard's pure pipeline on a large article naming many distinct places.

Run: ``.venv/bin/python bench/bench_large_article.py [--places N]``. Prints the time of each step the app
runs on a new article (geoparse, places, claims, metrics, map layers, tables), so a step that grows with
places x text shows up. The article is synthetic: sentences naming the N most populous bundled cities.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from dashboard import mapview, report
from dashboard.claims import check_claims
from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import geoparse, places_frame


def synthetic_article(n_places: int) -> str:
    """Sentences that each name one of the ``n_places`` most populous cities, padded with filler text."""
    cities = get_gazetteer().layer("city").nlargest(n_places, "population")["name"].tolist()
    filler = "Officials said the talks would continue next week after a long day of meetings. " * 6
    return "\n".join(f"Reporters in {name} said the meeting went well. {filler}" for name in cities)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--places", type=int, default=1000)
    a = ap.parse_args()
    text = synthetic_article(a.places)
    geoparse("Warm up in Paris.")
    print(f"article: {len(text.encode()) / 1e6:.2f} MB naming {a.places} cities")
    timings = {}

    def step(label, fn):
        t0 = time.perf_counter()
        out = fn()
        timings[label] = time.perf_counter() - t0
        return out

    mentions = step("geoparse", lambda: geoparse(text))
    places = step("places_frame (display)", lambda: places_frame(mentions, display=True))
    step("claims", lambda: check_claims(text, mentions=mentions))
    step("metrics (summarize)", lambda: report.summarize(mentions, places))
    step("map layers", lambda: mapview.map_layers(places, text))
    step("mentions table", lambda: report.mentions_table(mentions, text))
    step("highlighted text", lambda: report.highlight_html(text, mentions))
    print(f"{len(mentions)} mentions, {len(places)} places")
    for label, secs in timings.items():
        print(f"  {label:24s} {secs:7.3f} s")
    print(f"  {'total':24s} {sum(timings.values()):7.3f} s")


if __name__ == "__main__":
    main()
