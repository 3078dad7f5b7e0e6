"""The map as a reader uses it, in headless Chromium, offline: clicks, names, framing, kept layer choices."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Frame, Page, expect

from tests.e2e.conftest import MAP_FRAME, MAP_FRAME_URL, wait_whole_page

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT = 60_000
#: A point in central Ukraine, outside Crimea and Donbas; inside "Former Soviet Union", "Eastern Europe"
#: and "Europe", which the sample mentions too.
INSIDE_UKRAINE = (49.0, 31.5)


def wait_idle(page: Page) -> None:
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT)


def open_map(page: Page, url: str) -> Frame:
    """Open the app on the sample and return the map's frame once features are drawn."""
    page.goto(url, timeout=TIMEOUT)
    page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(
        state="visible", timeout=TIMEOUT
    )
    wait_whole_page(page, TIMEOUT)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame = page.frame(url=MAP_FRAME_URL)
    assert frame is not None
    return frame


def pixel(frame: Frame, lat: float, lon: float) -> tuple[float, float]:
    return tuple(
        frame.evaluate(
            "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
            [lat, lon],
        )
    )


def click_map(page: Page, frame: Frame, lat: float, lon: float) -> None:
    """A real mouse click at a place on the map (not a synthetic Leaflet event)."""
    x, y = pixel(frame, lat, lon)
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def kinds_on_map(frame: Frame) -> dict[str, int]:
    """Features on the map per kind (what the reader sees)."""
    return frame.evaluate(
        """() => {
            const n = {};
            map.eachLayer(l => {
                const p = l.feature && l.feature.properties;
                if (p && p.place_id) n[p.kind] = (n[p.kind] || 0) + 1;
            });
            return n;
        }"""
    )


def legend_rows(frame: Frame) -> list[str]:
    """The legend's layer rows a reader can see."""
    return [t.strip() for t in frame.locator(".ngd-legend .ngd-row:visible").all_inner_texts() if t.strip()]


def popup_clear_of_controls(page: Page, frame: Frame) -> None:
    """The open popup, once the map has panned to show it, covers none of the controls on the right."""
    page.wait_for_timeout(600)  # the auto-pan animation
    rects = frame.evaluate(
        """() => {
            const box = e => { const r = e.getBoundingClientRect();
                               return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
            const controls = document.querySelectorAll('.leaflet-right .leaflet-control');
            return {popup: box(document.querySelector('.leaflet-popup-content-wrapper')),
                    controls: Array.from(controls).map(box)};
        }"""
    )
    p = rects["popup"]
    assert rects["controls"]
    for c in rects["controls"]:
        assert p["r"] <= c["l"] or c["r"] <= p["l"] or p["b"] <= c["t"] or c["b"] <= p["t"], (p, c)


def test_a_click_inside_ukraine_opens_ukraine_and_lists_every_place_there(
    offline_page: Page, server: dict
) -> None:
    page = offline_page
    frame = open_map(page, server["url"])
    click_map(page, frame, *INSIDE_UKRAINE)
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    headings = [t.strip() for t in popup.locator("details > summary").all_inner_texts()]
    # Ukraine first (and open), then the larger places around the click, none of them dropped.
    assert headings[0].startswith("Ukraine · country"), headings
    names = [h.split(" · ")[0] for h in headings]
    assert {"Former Soviet Union", "Eastern Europe", "Europe"} <= set(names), names
    assert "Russia" not in names and "Poland" not in names
    assert popup.locator("details[open] > summary").all_inner_texts()[0].startswith("Ukraine")
    expect(popup.locator("details[open]").first).to_contain_text("Nato rule out Ukraine joining")
    # Each sentence once, and never the `date YYYY-MM-DD Title` header line.
    ukraine = popup.locator("details").first.locator("li").all_inner_texts()
    assert len(ukraine) == len(set(ukraine))
    assert not [s for s in ukraine if "date 2022" in s]
    assert any(s.startswith("Headline: Ukraine crisis") for s in ukraine)
    popup_clear_of_controls(page, frame)
    # The shape clicked keeps no focus rectangle.
    outline = frame.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "none"
    # Hovering there names Ukraine too (the region shapes around it take no clicks inside).
    page.mouse.move(0, 0)
    page.keyboard.press("Escape")
    x, y = pixel(frame, 48.6, 30.5)
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")).to_contain_text("Ukraine")


def test_the_land_is_drawn_under_the_places_from_its_static_file(offline_page: Page, server: dict) -> None:
    """The offline basemap's land arrives as a file after the map: drawn in its own pane under the places,
    and it takes no clicks (a click on land outside any place opens nothing)."""
    page = offline_page
    frame = open_map(page, server["url"])
    land = page.frame_locator(MAP_FRAME).locator(".leaflet-ngdLand-pane path")
    expect(land).to_have_count(1, timeout=TIMEOUT)
    z = frame.evaluate("() => ['ngdLand', 'overlayPane'].map(p => getComputedStyle(map.getPane(p)).zIndex)")
    assert int(z[0]) < int(z[1])
    assert frame.evaluate("() => getComputedStyle(map.getPane('ngdLand')).pointerEvents") == "none"


def test_a_click_on_a_city_lists_it_before_the_country_around_it(offline_page: Page, server: dict) -> None:
    page = offline_page
    frame = open_map(page, server["url"])
    lat, lon = frame.evaluate(
        """() => { let at = null;
            map.eachLayer(l => {
                if (l.feature && l.feature.properties.name === 'Moscow') at = l.getLatLng();
            });
            return [at.lat, at.lng]; }"""
    )
    click_map(page, frame, lat, lon)
    popup = page.frame_locator(MAP_FRAME).locator(".leaflet-popup-content")
    names = [t.split(" · ")[0].strip() for t in popup.locator("details > summary").all_inner_texts()]
    assert names[0] == "Moscow" and "Russia" in names, names
    # Moscow lies near the layer control: the map pans so that the popup opens beside it.
    popup_clear_of_controls(page, frame)


def test_names_are_on_the_map_sized_to_the_zoom_and_do_not_overlap(offline_page: Page, server: dict) -> None:
    page = offline_page
    frame = open_map(page, server["url"])
    labels = page.frame_locator(MAP_FRAME).locator(".ngd-label:not(.ngd-label-hidden) span")
    expect(labels.filter(has_text="Ukraine")).to_be_visible()
    shown = labels.all_inner_texts()
    # The most-mentioned places and the city.
    assert {"Russia", "Ukraine", "Moscow", "Germany"} <= set(shown), shown
    assert len(shown) == len(set(shown))
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, (a, b)
    size = float(labels.filter(has_text="Ukraine").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    RESULTS.mkdir(exist_ok=True)
    page.locator(MAP_FRAME).screenshot(path=str(RESULTS / "map-sample.png"))
    frame.evaluate("() => map.setZoom(map.getZoom() + 2, {animate: false})")
    page.wait_for_timeout(300)
    bigger = float(
        labels.filter(has_text="Ukraine").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    )
    assert bigger > size


def test_the_view_frames_the_story_clear_of_the_controls(offline_page: Page, server: dict) -> None:
    page = offline_page
    frame = open_map(page, server["url"])
    spots = frame.evaluate(
        """() => {
            const out = {};
            map.eachLayer(l => {
                const p = l.feature && l.feature.properties;
                if (p && p.label_at) out[p.name] = map.latLngToContainerPoint(p.label_at);
            });
            return out;
        }"""
    )
    size = frame.evaluate("() => map.getSize()")
    controls = frame.evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-right .leaflet-control')).map(c => {
            const r = c.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; })"""
    )
    assert controls
    for name in ("Ukraine", "Crimea", "Donbas", "Germany", "Belarus", "Moscow"):
        p = spots[name]
        assert 0 < p["x"] < size["x"] and 0 < p["y"] < size["y"], (name, p)
        for c in controls:
            assert not (c["l"] <= p["x"] <= c["r"] and c["t"] <= p["y"] <= c["b"]), (name, p, c)
    # The legend folds out of the way and stays folded.
    legend = page.frame_locator(MAP_FRAME).locator("details.ngd-legend")
    legend.locator("summary").click()
    expect(legend.locator(".ngd-row").first).to_be_hidden()


def _drop_place_kind(page: Page, label: str) -> None:
    kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="Place kinds")
    kinds.get_by_role("button", name=re.compile(f"(Delete|Remove) {label}")).first.click()
    expect(page.frame_locator(MAP_FRAME).get_by_label(label)).to_have_count(0, timeout=TIMEOUT)
    wait_idle(page)


def test_layers_switched_off_stay_off_after_a_filter_change(offline_page: Page, server: dict) -> None:
    page = offline_page
    frame = open_map(page, server["url"])
    control = page.frame_locator(MAP_FRAME)
    before = kinds_on_map(frame)
    assert before["region"] > 0 and before["country"] > 0
    assert "Regions" in legend_rows(frame)
    control.get_by_label("Regions").uncheck()
    assert "region" not in kinds_on_map(frame)
    assert "Regions" not in legend_rows(frame)  # the legend lists only visible layers
    # A filter change reruns the script and rebuilds every layer.
    _drop_place_kind(page, "Seas")
    frame = page.frame(url=MAP_FRAME_URL)
    expect(control.get_by_label("Regions")).not_to_be_checked()
    expect(control.get_by_label("Countries")).to_be_checked()
    on_map = kinds_on_map(frame)
    assert "region" not in on_map and "sea" not in on_map and on_map["country"] == before["country"]
    assert "Regions" not in legend_rows(frame) and "Seas" not in legend_rows(frame)
    # Switched back on, the regions come back under the countries (a click inside Ukraine still opens it).
    control.get_by_label("Regions").check()
    assert kinds_on_map(frame)["region"] == before["region"] and "Regions" in legend_rows(frame)
    above = frame.evaluate(
        """() => { const path = {};
            map.eachLayer(l => { if (l.feature && l._path) path[l.feature.properties.name] = l._path; });
            return !!(path['Former Soviet Union'].compareDocumentPosition(path['Ukraine'])
                      & Node.DOCUMENT_POSITION_FOLLOWING); }"""
    )
    assert above
    page.keyboard.press("Escape")
    click_map(page, frame, *INSIDE_UKRAINE)
    first = control.locator(".leaflet-popup-content details > summary").first
    expect(first).to_contain_text("Ukraine · country")
    # And on again stays on after the next rerun; a folded layer list stays folded.
    _drop_place_kind(page, "Infrastructure")
    expect(control.get_by_label("Regions")).to_be_checked()
    control.get_by_role("button", name="Layers ▾").click()
    expect(control.locator(".leaflet-control-layers-list")).to_be_hidden()
    kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="Place kinds")
    kinds.get_by_role("button", name=re.compile("(Delete|Remove) Cities")).first.click()
    wait_idle(page)
    expect(control.get_by_role("button", name="Layers ▸")).to_be_visible()
    expect(control.locator(".leaflet-control-layers-list")).to_be_hidden()
    assert "city" not in kinds_on_map(page.frame(url=MAP_FRAME_URL))


def test_a_basemap_that_cannot_load_says_so(offline_page: Page, server: dict) -> None:
    page = offline_page
    open_map(page, server["url"])
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Offline mode").click()
    wait_idle(page)
    sidebar.get_by_text("OpenStreetMap").click()
    wait_idle(page)
    # The tile requests are stopped by the test's offline routing, as they would be with no internet.
    notice = page.frame_locator(MAP_FRAME).locator(".ngd-notice")
    expect(notice).to_be_visible(timeout=TIMEOUT)
    expect(notice).to_contain_text('Choose the basemap "None"')


def test_the_map_frame_fetches_its_small_page_leaflet_and_the_land_only(
    offline_page: Page, server: dict
) -> None:
    """The article map's frame is the project's own page (a few KB, no script bundle): what it fetches
    besides is Leaflet and the land backdrop."""
    frame = open_map(offline_page, server["url"])
    page_bytes = frame.evaluate("performance.getEntriesByType('navigation')[0].transferSize")
    fetched = frame.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")
    assert 0 < page_bytes < 10_000
    names = sorted(p.rsplit("/", 1)[-1] for p in fetched)
    assert len(names) == 3 and re.fullmatch(r"land-[0-9a-f]+\.json", names[0]), fetched
    assert names[1:] == ["leaflet.css", "leaflet.js"], fetched


def test_the_map_loads_leaflet_from_its_links_when_the_app_has_no_copy(
    offline_page: Page, server: dict
) -> None:
    """Without the app's copy of Leaflet the frame loads the map's own links (here the CDN's, which the test's
    offline routing serves from the npm package) and draws the places."""
    page = offline_page
    page.route(re.compile(r"/app/static/vendor/leaflet/"), lambda route: route.abort())
    page.goto(server["url"], timeout=TIMEOUT)
    wait_whole_page(page, TIMEOUT)  # the map cannot draw offline without the copy: the page asks for the rest
    assert page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").count() == 0
    page.locator("[data-testid='stSidebar']").get_by_text("Offline mode").click()
    wait_idle(page)
    features = page.frame_locator(MAP_FRAME).locator(".leaflet-interactive")
    expect(features.first).to_be_visible(timeout=TIMEOUT)
    assert features.count() > 10
