"""The claims panel in headless Chromium: confidence on the tiles, how it was measured one click away, a
claims table whose sentences wrap instead of scrolling sideways."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import MAP_FRAME, wait_whole_page

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT = 60_000


def wait_idle(page: Page) -> None:
    """Wait for the script run to finish (the state flips to running then back)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT)


def open_app(page: Page, url: str) -> None:
    """Load the app on the sample and wait until the map shows features and the run is over."""
    page.goto(url, timeout=TIMEOUT)
    page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(
        state="visible", timeout=TIMEOUT
    )
    wait_whole_page(page, TIMEOUT)


def test_claim_tiles_show_confidence_and_open_how_it_was_measured(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    tile = page.locator("[data-testid='stMetric']").filter(has_text="Nord Stream 2 length").first
    expect(tile).to_contain_text("consistent", timeout=TIMEOUT)
    expect(tile).to_contain_text("confidence")
    # The popover sits in the tile's column, right under the metric.
    column = page.locator("[data-testid='stColumn']").filter(has=tile).first
    column.get_by_role("button", name="How it was measured").click()
    details = page.locator("[data-testid='stPopoverBody']")
    expect(details).to_contain_text("Measured", timeout=TIMEOUT)
    expect(details).to_contain_text("geodesic length")
    expect(details).to_contain_text("Tolerance")
    expect(details).to_contain_text("The 1,225km (760-mile) pipeline")
    page.keyboard.press("Escape")


def test_claims_table_wraps_its_sentences(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    page.get_by_text("Claims table:").first.click()
    wait_idle(page)
    table = page.locator("[data-testid='stTable']").filter(has_text="sentence").first
    expect(table).to_contain_text("Nord Stream 2", timeout=TIMEOUT)
    # No sideways scrolling: the table fits its container, long cells wrap onto more lines.
    fits = table.evaluate("t => t.scrollWidth <= t.clientWidth + 2")
    assert fits, "the claims table scrolls sideways"
    cell = table.locator("td").filter(has_text="pipeline took five years").first
    height = cell.evaluate("c => c.getBoundingClientRect().height")
    line = cell.evaluate("c => parseFloat(getComputedStyle(c).lineHeight) || 20")
    assert height > 1.5 * line, (height, line)  # the sentence is on more than one line
