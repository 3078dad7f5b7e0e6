"""The dashboard in headless Debian Chromium, offline: map, layer toggles, downloads, uploads, escaping."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import MAP_FRAME, MAP_FRAME_URL, figure_value, settled_count, wait_whole_page

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT = 60_000
MAX_PAYLOAD = 1.5e6


def wait_idle(page: Page) -> None:
    """Wait for the script run to finish (the state flips to running then back)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT)


def open_app(page: Page, url: str) -> float:
    """Load the app and wait until the map shows features; returns seconds from navigation."""
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT)
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    elapsed = time.perf_counter() - t0
    wait_whole_page(page, TIMEOUT)
    return elapsed


def features(page: Page):
    return page.frame_locator(MAP_FRAME).locator(".leaflet-interactive")


def open_tables(page: Page) -> None:
    """Open the places and mentions tables (closed on a new page, they are built only when opened)."""
    page.get_by_text("Places and mentions tables, article text").click()
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=TIMEOUT)
    wait_idle(page)


def metric_value(page: Page, label: str):
    """The value element of the article's figure whose label is exactly ``label`` (the metric row)."""
    return figure_value(page, label)


def metric(page: Page, label: str) -> str:
    return metric_value(page, label).inner_text().strip()


def expect_metric(page: Page, label: str, value: str) -> None:
    """Wait (retrying) until the metric shows ``value``: a rerun may still be on its way."""
    expect(metric_value(page, label)).to_have_text(value, timeout=TIMEOUT)


def overlay_counts(page: Page) -> dict[str, int]:
    """Layer control labels "Seas (2)" -> {"Seas": 2}."""
    labels = page.frame_locator(MAP_FRAME).locator(".leaflet-control-layers-overlays label").all_inner_texts()
    out = {}
    for label in labels:
        m = re.match(r"\s*(.+?) \((\d+)\)", label)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def upload(page: Page, *files: tuple[str, bytes]) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [{"name": n, "mimeType": "text/plain", "buffer": b} for n, b in files]
    )
    wait_idle(page)


def test_sample_loads_offline_within_budget(offline_page: Page, server: dict) -> None:
    page = offline_page
    seconds = open_app(page, server["url"])
    assert int(metric(page, "Mentions")) > 20
    assert int(metric(page, "Places")) >= 10
    counts = overlay_counts(page)
    assert len([n for n in counts.values() if n]) >= 5, counts
    assert features(page).count() >= sum(counts.values())
    page.wait_for_timeout(500)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "dashboard-sample.png"), full_page=False)
    page.screenshot(path=str(RESULTS / "dashboard-sample-full.png"), full_page=True)
    payload = page.stats["http_bytes"] + page.stats["ws_bytes"]
    budgets = {
        "server_start_s": round(server["startup_s"], 2),
        "map_visible_s": round(seconds, 2),
        "streamlit_frontend_bytes": page.stats["framework_bytes"],
        "app_http_bytes": page.stats["http_bytes"],
        "ws_bytes": page.stats["ws_bytes"],
        "app_payload_bytes": payload,
    }
    (RESULTS / "budgets.json").write_text(json.dumps(budgets, indent=2))
    print("\nbudgets:", budgets)
    assert page.stats["external"] == [], "a request left this machine"
    assert page.stats["dialogs"] == []
    assert payload < MAX_PAYLOAD


def test_a_new_page_gets_its_sidebar_and_panels_after_the_map_without_redrawing_it(
    offline_page: Page, server: dict
) -> None:
    page = offline_page
    page.goto(server["url"], timeout=TIMEOUT)
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    map_frame = page.frame(url=MAP_FRAME_URL)
    assert map_frame is not None
    map_frame.evaluate("window.drawnBeforeTheRest = true")
    # Nobody asks: the map reports that it is drawn, and the rest of the page follows.
    wait_whole_page(page, TIMEOUT)
    page.get_by_text("Place kinds").wait_for(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Download mentions (CSV)")).to_be_visible()
    expect(page.get_by_text("How it was measured").first).to_be_visible()  # the claim tiles
    # The same frame, not a reloaded one, still holding the features it drew.
    assert page.locator(MAP_FRAME).count() == 1
    assert map_frame.evaluate("window.drawnBeforeTheRest === true")
    assert features(page).count() > 0
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_map_that_cannot_load_still_gets_the_whole_page(offline_page: Page, server: dict) -> None:
    page = offline_page
    # Leaflet fails to load: the map never draws, so never asks for the rest; the page asks by itself.
    page.route("**/leaflet.js", lambda route: route.abort())
    page.goto(server["url"], timeout=TIMEOUT)
    wait_whole_page(page, TIMEOUT)
    page.get_by_text("Place kinds").wait_for(timeout=TIMEOUT)
    assert int(metric(page, "Mentions")) > 20
    assert features(page).count() == 0


def test_unchecking_an_overlay_hides_its_features(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    frame = page.frame_locator(MAP_FRAME)
    counts = overlay_counts(page)
    total = features(page).count()
    for layer in ("Seas", "Countries"):
        n = counts[layer]
        assert n > 0
        box = frame.get_by_label(layer)
        box.uncheck()
        expect(features(page)).to_have_count(total - n)
        box.check()
        expect(features(page)).to_have_count(total)


def _download(page: Page, name: str):
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=name).click()
    return gpd.read_file(info.value.path())


def test_geojson_downloads_hold_the_mapped_features(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    counts = overlay_counts(page)
    allp = _download(page, "Download all mapped places (GeoJSON)")
    names = set(allp["name"])
    for expected in ("Crimea", "Donbas", "Baltic Sea", "Nord Stream 2", "Belarus"):
        assert expected in names, sorted(names)
    assert len(allp) == sum(counts.values())
    assert allp.crs.to_epsg() == 4326
    assert {"name", "kind", "count", "mention_types", "contexts"} <= set(allp.columns)
    page.get_by_text("One GeoJSON per layer").click()
    seen = []
    for label, n in counts.items():
        layer = _download(page, f"{label} (GeoJSON)")
        assert len(layer) == n and layer["kind"].nunique() == 1
        seen += list(layer["place_id"])
    assert sorted(seen) == sorted(allp["place_id"])


FINLAND = b"date 2023-05-02 Finland joins\nFinland joined Nato. Helsinki watches the Gulf of Finland."


def test_uploading_an_article_shows_that_article(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    assert int(metric(page, "Mentions")) > 20
    upload(page, ("finland.txt", FINLAND), ("broken.txt", b"\x00\x01\x02binary\xff"))
    expect(page.locator("[data-testid='stAlert']").filter(has_text="broken.txt")).to_be_visible()
    # Only the uploaded article is shown now: its own counts, not the sample's added to them.
    expect_metric(page, "Mentions", "5")
    expect_metric(page, "Top place", "Finland")
    # The sidebar is drawn after the map and the figures: wait for the rest of the run too.
    expect(page.locator("body")).to_contain_text("Helsinki")
    expect(page.get_by_role("combobox", name="Shown article")).to_have_value(
        re.compile("^Finland joins · 2023-05-02")
    )


def test_hostile_article_shows_its_html_as_text(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    hostile = (
        b"date 2022-02-01 Hostile\n"
        b"Crimea <script>window.__pwned=1;alert('script')</script> and "
        b"<img src=x onerror=\"window.__pwned=1;alert('img')\"> near Kyiv {{ 7*7 }}."
    )
    upload(page, ("hostile.txt", hostile))
    open_tables(page)  # the highlighted article text
    body = page.locator("body")
    expect(body).to_contain_text("<script>window.__pwned=1;alert('script')</script>")
    expect(body).to_contain_text("{{ 7*7 }}")
    # Open the popup of the place mentioned in the hostile sentence.
    frame = page.frame(url=MAP_FRAME_URL)
    assert frame is not None
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    names = frame.evaluate(
        """() => {
            const names = [];
            window.map.eachLayer(l => {
                if (!l.feature) return;
                names.push(l.feature.properties.name);
                // propagate=true so the GeoJson parent, which holds the popup, sees the click
                if (l.feature.properties.name === 'Kyiv') l.fire('click', {latlng: l.getLatLng()}, true);
            });
            return names;
        }"""
    )
    assert "Kyiv" in names
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content")
    expect(popup).to_contain_text("<img src=x onerror=")
    expect(popup).to_contain_text("{{ 7*7 }}")
    assert page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert frame.evaluate("() => window.__pwned") is None
    assert page.stats["dialogs"] == []


@pytest.mark.parametrize("layer", ["Seas"])
def test_filter_change_rerenders_quickly(offline_page: Page, server: dict, layer: str) -> None:
    page = offline_page
    open_app(page, server["url"])
    before = overlay_counts(page)
    kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="Place kinds")
    t0 = time.perf_counter()
    kinds.get_by_role("button", name=re.compile(f"(Delete|Remove) {layer}")).first.click()
    expect(page.frame_locator(MAP_FRAME).get_by_label(layer)).to_have_count(0)
    seconds = time.perf_counter() - t0
    wait_idle(page)
    after = overlay_counts(page)
    assert after == {k: v for k, v in before.items() if k != layer}
    print(f"\nfilter change re-render: {seconds:.2f} s")
    data = json.loads((RESULTS / "budgets.json").read_text()) if (RESULTS / "budgets.json").exists() else {}
    data["filter_change_s"] = round(seconds, 2)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "budgets.json").write_text(json.dumps(data, indent=2))


# --- one article at a time, notices, layout -----------------------------------------------------------


def picker(page: Page) -> str:
    """The text of the "Shown article" picker (the selected article's title, date and origin)."""
    return page.get_by_role("combobox", name="Shown article").input_value()


def paste(page: Page, text: str) -> None:
    area = page.get_by_role("textbox", name="Paste an article")
    area.fill(text)
    area.press("Control+Enter")
    wait_idle(page)


def test_a_paste_replaces_the_sample(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    assert "Ukraine crisis" in picker(page)
    sample_features = features(page).count()
    paste(page, FINLAND.decode())
    expect(page.get_by_role("combobox", name="Shown article")).to_have_value(re.compile("^Finland joins"))
    expect_metric(page, "Mentions", "5")
    body = page.locator("body")
    expect(body).not_to_contain_text("Nord Stream 2")  # the sample's claim tiles are gone
    expect(body).not_to_contain_text("Belarus borders Ukraine")
    assert 0 < settled_count(features(page), lambda n: 0 < n < sample_features) < sample_features


def cut_off(page: Page) -> list[str]:
    """Metric values, claim values and buttons whose text is wider than their box (cut off or hidden)."""
    return page.evaluate(
        """() => {
            const sel = ".metric-row .metric-value, "
                + "[data-testid=stMetricValue], [data-testid=stMetricValue] *, "
                + "[data-testid=stDownloadButton] button, [data-testid=stDownloadButton] button *";
            return [...document.querySelectorAll(sel)]
                .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
                .map(e => `${e.innerText} (${e.scrollWidth} > ${e.clientWidth})`);
        }"""
    )


def test_no_metric_value_or_download_button_is_cut_off_at_800px(offline_page: Page, server: dict) -> None:
    page = offline_page
    page.set_viewport_size({"width": 800, "height": 1000})
    open_app(page, server["url"])
    page.get_by_text("Downloads", exact=True).scroll_into_view_if_needed()
    assert cut_off(page) == []
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "dashboard-800px.png"))
    # A long top place: the "West Virgi…".
    paste(page, "West Virginia lawmakers met in Charleston, West Virginia. West Virginia voters wait.")
    expect_metric(page, "Top place", "West Virginia")
    assert cut_off(page) == []


def test_the_map_starts_above_the_fold_on_a_laptop(offline_page: Page, server: dict) -> None:
    page = offline_page
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, server["url"])
    top = page.locator(MAP_FRAME).bounding_box()["y"]
    assert top < 900 - 300, f"the map starts at {top:.0f} px"  # at least 300 px of map visible
    page.screenshot(path=str(RESULTS / "dashboard-1440x900.png"))


def test_a_text_with_no_places_says_so(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    paste(page, "The weather was nice and everyone had lunch together at noon.")
    expect(
        page.locator("[data-testid='stAlert']").filter(has_text="No places found in this text")
    ).to_be_visible()
    expect_metric(page, "Mentions", "0")


def test_a_german_text_gets_a_language_notice_not_false_places(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    paste(
        page,
        "Die Lage in der Ukraine bleibt angespannt, sagte der Minister am Montag in Berlin. Die "
        "Bundesregierung will weitere Waffen liefern, wie ein Sprecher nach der Sitzung erklärte.",
    )
    notice = page.locator("[data-testid='stAlert']").filter(has_text="looks like German")
    expect(notice).to_contain_text("only English is supported")
    expect_metric(page, "Mentions", "0")
    assert settled_count(features(page), lambda n: n == 0) == 0
    open_tables(page)
    assert "Lage" not in page.locator("[data-testid='stDataFrame']").first.inner_text()


def test_uploading_the_same_file_twice_does_not_double_counts(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    upload(page, ("finland.txt", FINLAND))
    expect_metric(page, "Mentions", "5")
    upload(page, ("finland (copy).txt", FINLAND))
    expect(page.get_by_text("finland (copy).txt")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    expect_metric(page, "Mentions", "5")
    page.get_by_role("combobox", name="Shown article").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert len(options) == 2 and sum("Finland joins" in o for o in options) == 1, options


def test_combined_articles_carry_an_article_column_in_the_downloads(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    sample_mentions = int(metric(page, "Mentions"))
    upload(page, ("finland.txt", FINLAND))
    expect_metric(page, "Mentions", "5")  # the upload is shown (so combining starts from it alone)
    page.get_by_text("Combine articles").click()
    box = page.get_by_role("combobox", name=re.compile("Articles combined"))
    expect(box).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    box.click()
    box.press_sequentially("Ukraine")  # filters the list, so the option is there even if a rerun redrew it
    page.get_by_role("option").filter(has_text="Ukraine crisis").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    expect_metric(page, "Mentions", str(sample_mentions + 5))
    places = _download(page, "Download all mapped places (GeoJSON)")
    articles = set(places["article"])
    assert len(articles) == 2 and "Finland joins (2023-05-02)" in articles
    assert set(places.loc[places["article"] == "Finland joins (2023-05-02)", "name"]) >= {
        "Finland",
        "Helsinki",
    }
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="Download mentions (CSV)").click()
    rows = pd.read_csv(info.value.path())
    assert set(rows["source"]) == articles and len(rows) == sample_mentions + 5


def test_a_1987_article_maps_west_germany_with_its_years(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_app(page, server["url"])
    article = b"date 1987-03-01 Bonn talks\nWest Germany and East Germany met; the Warsaw Pact watched Burma."
    upload(page, ("bonn.txt", article))
    caption = page.locator("[data-testid='stCaptionContainer']").filter(has_text="Bonn talks (1987-03-01)")
    expect(caption.first).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    assert overlay_counts(page).get("Historic states") == 2
    # Only the historic states on the map: hovering each shows its tooltip with its years.
    frame = page.frame_locator(MAP_FRAME)
    for layer in overlay_counts(page):
        if layer != "Historic states":
            frame.get_by_label(layer).uncheck()
    expect(features(page)).to_have_count(2)
    tips = []
    for k in range(2):
        features(page).nth(k).dispatch_event("mouseover")  # the two outlines overlap on a world map
        tip = frame.locator(".leaflet-tooltip")
        expect(tip.last).to_be_visible(timeout=TIMEOUT)
        tips.append(tip.last.inner_text())
    assert any("West Germany" in t and "1949–1990" in t for t in tips), tips
    allp = _download(page, "Download all mapped places (GeoJSON)")
    wg = allp[allp["place_id"] == "historic_state:west_germany"].iloc[0]
    assert (wg["kind"], wg["years"]) == ("historic_state", "1949–1990")
    assert str(wg["date"])[:10] == "1987-03-01"  # GDAL reads the ISO date as a date
    assert "Burma" in set(allp["name"])  # Myanmar under its 1987 name
