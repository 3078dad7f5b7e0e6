"""The claims panel in the running app (AppTest): confidence on every tile, how it was measured one click
away, what a "cannot check" lacked, red only for a confident "differs", a table that wraps."""

from __future__ import annotations

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from dashboard import report, settings

RED, GREEN, GRAY = (Metric.MetricColor.Value(c) for c in ("RED", "GREEN", "GRAY"))

TEXT = (
    "Portugal borders Italy. Ukraine is the largest country in Europe. The fires burned an area the size of "
    "Wales. Belarus borders Ukraine."
)


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=180)
    at.run().run()  # a new page's first run is the map; the second, asked for once it is drawn, the rest
    at.text_area(key="pasted").input(TEXT).run()  # a paste replaces the sample
    assert not at.exception
    return at


def _tile(at: AppTest, start: str):
    (m,) = [m for m in at.metric if m.label.replace("\\", "").startswith(start)]
    return m


def test_every_tile_shows_its_verdict_and_confidence_and_only_a_confident_differs_is_red(
    app: AppTest,
) -> None:
    portugal = _tile(app, "Portugal borders Italy")
    assert portugal.value == "no" and portugal.proto.delta == "differs · high confidence"
    assert portugal.proto.color == RED
    rank = _tile(app, "Ukraine rank in Europe")  # membership of a continent is a judgement call
    assert (rank.value, rank.proto.delta) == ("2nd", "differs · medium confidence")
    assert rank.proto.color == GRAY
    belarus = _tile(app, "Belarus borders Ukraine")
    assert belarus.proto.delta == "consistent · high confidence" and belarus.proto.color == GREEN


def test_cannot_check_says_what_was_missing(app: AppTest) -> None:
    wales = _tile(app, "area the size of Wales")
    assert (wales.value, wales.proto.delta) == ("not checked", "cannot check")
    assert wales.proto.color == GRAY
    captions = [c.value.replace("\\", "") for c in app.caption]
    assert any(
        c.startswith("Missing: the area compared with Wales is not a place in the data") for c in captions
    )


def test_how_it_was_measured_is_one_click_away(app: AppTest) -> None:
    pops = app.get("popover")
    assert len(pops) == len(app.metric)  # one per claim tile (the article's figures are one HTML block)
    texts = [" ".join(c.value.replace("\\", "") for c in p.children.values()) for p in pops]
    portugal = next(t for t in texts if "Portugal borders Italy." in t)
    assert "**Verdict**: differs (high confidence)" in portugal
    assert "**Measured**: boundary shared by the two Natural Earth 1:10m polygons" in portugal
    assert "**Tolerance**:" in portugal and "**Why**: Portugal and Italy share no land border" in portugal


def test_the_claims_table_wraps_and_has_confidence(app: AppTest) -> None:
    app.session_state["claims_table"] = True  # open it: closed, it is not sent
    app.run()
    (table,) = [t.value for t in app.table if "verdict" in t.value.columns]
    assert "confidence" in table.columns and table.columns[-1] == "sentence"
    assert "Portugal borders Italy." in set(table["sentence"]) and len(table) == 4


def test_tile_colours_follow_verdict_and_confidence() -> None:
    base = {"kind": "adjacency", "subject_name": "A", "object_name": "B", "details": {}}
    cases = [("differs", "high", "red"), ("differs", "medium", "grey"), ("consistent", "medium", "green"),
             ("cannot check", "high", "grey")]  # fmt: skip
    for verdict, confidence, color in cases:
        tile = report.claim_tile({**base, "verdict": verdict, "confidence": confidence, "reason": "x"})
        assert tile.color == color, (verdict, confidence)
