"""The reviewed audit of the Reuters-21578 archive as a regression fixture (tests/data/reuters_audit.csv).

Every article of the archive is geoparsed on its own date (bench/audit_reuters.py); the reviewed
(surface -> place) pairs and unresolved names must keep their verdicts: right resolutions stay, fixed wrong
ones do not come back, names that are no places stay unresolved. The fixture holds only surfaces, place ids,
verdicts and counts (the archive's licence forbids redistributing its text); setup fetches the archive.
"""

from __future__ import annotations

import csv
import importlib.util

import pytest

from dashboard.settings import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "data" / "reuters_audit.csv"


def _audit_module():
    path = PROJECT_ROOT / "bench" / "audit_reuters.py"
    spec = importlib.util.spec_from_file_location("audit_reuters", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_fixture_is_reviewed_and_holds_no_article_text():
    rows = list(csv.DictReader(FIXTURE.open(encoding="utf-8")))
    assert len([r for r in rows if r["list"] == "resolved"]) >= 100
    assert len([r for r in rows if r["list"] == "unresolved"]) >= 100
    verdicts = {"right", "wrong", "mixed", "not_place", "missed", "missed_fixed"}
    assert {r["verdict"] for r in rows} <= verdicts
    assert set(rows[0]) == {"list", "surface", "place_id", "verdict", "count_before", "count_after", "note"}
    assert max(len(r["surface"]) for r in rows) < 60  # names, not sentences


@pytest.mark.slow
def test_reuters_archive_keeps_the_reviewed_verdicts():
    audit = _audit_module()
    if not sorted(audit.ARCHIVE.glob("reuters-*.json")):
        pytest.fail(f"the Reuters archive is missing in {audit.ARCHIVE}: run `bash scripts/fetch_reuters.sh`")
    articles = audit.read_archive()
    assert len(articles) > 19_000 and all(day is not None for _i, day, _t in articles)
    resolved, unresolved = audit.audit(articles)
    counts, failures = audit.check_fixture(audit.read_fixture(FIXTURE), resolved, unresolved)
    assert not failures, failures
    # The review's outcome: the wrong resolutions it found are (almost) gone.
    rows = audit.read_fixture(FIXTURE)
    before = sum(int(r["count_before"]) for r in rows if r["verdict"] == "wrong")
    assert counts["wrong_mentions"] < 0.05 * before
