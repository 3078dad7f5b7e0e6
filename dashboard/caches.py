"""Build the saved names index and geometry store ahead of time: ``python -m dashboard.caches``.

scripts/setup.sh runs it, so the first CLI call and the dashboard's first article map them instead of
building them (both are also built on first use when missing, and skipped with
DASHBOARD_NAMEINDEX_CACHE=0). It also saves the bundled sample's parse and claims in ``.cache/results/``
(``dashboard.appcache``), which the dashboard server's warm-up reads: even its first start does not
geoparse the sample.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    """Build (or find) both caches; print where they are."""
    from dashboard import appcache, geomstore
    from dashboard.errors import DashboardError
    from dashboard.geoparse import default_parser

    t0 = time.perf_counter()
    index = default_parser().index
    t1 = time.perf_counter()

    def build() -> geomstore.GeomStore:
        from dashboard.gazetteer import get_gazetteer

        return geomstore.GeomStore.build(get_gazetteer())

    geomstore.load_or_build(build)
    t2 = time.perf_counter()
    store = geomstore.load_saved()
    print(f"names index: {index.source} ({t1 - t0:.1f} s)")
    print(f"geometry store: {store.source if store else 'not saved (built in memory)'} ({t2 - t1:.1f} s)")
    try:
        folder = appcache.save_sample_results()
    except DashboardError as exc:  # the server's warm-up computes them instead
        print(f"sample results: not saved ({exc})")
    else:
        print(f"sample results: {folder} ({time.perf_counter() - t2:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
