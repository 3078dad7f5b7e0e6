"""The corpus view in headless Debian Chromium, offline, on a small store geoparsed for the session."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.corpus_store import write_sample_store
from tests.e2e.conftest import CORPUS_MAP_FRAME, MAP_FRAME, figure_value, settled_count, streamlit_server

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory, delete_output_dir: None) -> Iterator[dict]:
    """The dashboard with its corpus view pointed at the mini store (NEWS_GEO_CORPUS_STORE)."""
    store = write_sample_store(tmp_path_factory.mktemp("corpus") / "store")
    with streamlit_server({"NEWS_GEO_CORPUS_STORE": str(store)}, "streamlit-corpus-server.log") as info:
        yield {**info, "store": store}


def wait_idle(page: Page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT)


def features(page: Page):
    return page.frame_locator(CORPUS_MAP_FRAME).locator(".leaflet-interactive")


def open_corpus(page: Page, url: str) -> None:
    page.goto(url, timeout=TIMEOUT)
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    wait_idle(page)


def metric(page: Page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def overlay_counts(page: Page) -> dict[str, int]:
    overlays = page.frame_locator(CORPUS_MAP_FRAME).locator(".leaflet-control-layers-overlays label")
    labels = overlays.all_inner_texts()
    return {m.group(1): int(m.group(2)) for t in labels if (m := re.match(r"\s*(.+?) \((\d+)\)", t))}


def slider_values(page: Page) -> list[str]:
    slider = page.locator("[data-testid='stSlider']").filter(has_text="Date range")
    return [t.strip() for t in slider.locator("[data-testid='stSliderThumbValue']").all_inner_texts()]


def narrow_end(page: Page, days: int) -> None:
    """Move the range's end thumb ``days`` days back with the keyboard, as a user would."""
    thumb = page.locator("[data-testid='stSlider']").filter(has_text="Date range").get_by_role("slider").last
    thumb.focus()
    for _ in range(days):
        thumb.press("ArrowLeft")
    wait_idle(page)


def click_a_city(page: Page) -> str:
    """Leave only the Cities overlay on, click its first marker; returns the selected place's heading."""
    frame = page.frame_locator(CORPUS_MAP_FRAME)
    for label, n in overlay_counts(page).items():
        if label != "Cities" and n:
            frame.get_by_label(re.compile(rf"^\s*{label} \(")).uncheck()
    markers = features(page)
    expect(markers).to_have_count(overlay_counts(page)["Cities"])
    page.locator(CORPUS_MAP_FRAME).scroll_into_view_if_needed()
    # The leftmost marker: the layer control and the legend sit on the right. A real mouse click at its
    # centre, as a user's, which st_folium reports back to the app.
    boxes = [b for b in (markers.nth(i).bounding_box() for i in range(markers.count())) if b]
    box = min(boxes, key=lambda b: b["x"])
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    heading = page.locator("#selected-place")
    expect(heading).to_be_visible(timeout=TIMEOUT)
    name = heading.inner_text().strip()
    # The place's articles are listed once the caption counting them is there.
    caption = page.get_by_text(re.compile(rf"\d+ articles? in the range mention {re.escape(name)}"))
    expect(caption).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".corpus-article")).to_have_count(int(caption.inner_text().split()[0]))
    return name


def test_corpus_view_opens_from_the_front_page_control(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    page.goto(corpus_server["url"], timeout=TIMEOUT)
    # The front page is the article view: its map first, then the control.
    article_map = page.frame_locator(MAP_FRAME).locator(".leaflet-interactive")
    article_map.first.wait_for(state="visible", timeout=TIMEOUT)
    wait_idle(page)
    page.get_by_role("radio", name="Corpus").click(timeout=TIMEOUT)
    # Until the corpus run ends, the article view's map stays on the page as a stale element beside the
    # corpus map (the two are not at the same place in the page).
    wait_idle(page)
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    assert metric(page, "Articles") == "10"
    assert "view=Corpus" in page.url
    assert page.stats["external"] == []


def test_narrowing_the_dates_changes_metrics_and_map(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    assert slider_values(page) == ["2022-01-03", "2022-01-19"]
    before = {k: metric(page, k) for k in ("Articles", "Mentions", "Distinct places", "Top place")}
    layers_before = overlay_counts(page)
    n_before = features(page).count()
    assert before["Articles"] == "10" and before["Top place"] == "Ukraine"
    narrow_end(page, 14)  # 2022-01-03 .. 2022-01-05: the first four articles
    expect(page.locator("[data-testid='stSlider']").filter(has_text="Date range")).to_contain_text(
        "2022-01-05"
    )
    after = {k: metric(page, k) for k in ("Articles", "Mentions", "Distinct places", "Top place")}
    assert after["Articles"] == "4"
    assert int(after["Mentions"]) < int(before["Mentions"])
    assert int(after["Distinct places"]) < int(before["Distinct places"])
    assert after["Top place"] == "Russia"
    layers_after = overlay_counts(page)
    assert sum(layers_after.values()) == int(after["Distinct places"]) < sum(layers_before.values())
    assert settled_count(features(page), lambda n: 0 < n < n_before) < n_before
    # A place of the dropped days (Turkey, 2022-01-17) has left the map's Countries layer.
    assert layers_after["Countries"] < layers_before["Countries"]
    assert page.stats["external"] == [] and page.stats["dialogs"] == []


def test_selecting_a_place_on_the_map_lists_its_articles(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    name = click_a_city(page)
    caption = page.get_by_text(re.compile(rf"\d+ articles? in the range mention {re.escape(name)}"))
    expect(caption).to_be_visible()
    n = int(caption.inner_text().split()[0])
    cards = page.locator(".corpus-article")
    expect(cards).to_have_count(n)
    marks = cards.locator("mark").all_inner_texts()
    assert marks and set(marks) == {name}
    assert re.search(r"place=city%3A\d+", page.url)


def test_selecting_a_table_row_lists_its_articles(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Row 1 (under the header) is the top place; the row-selection checkbox is the first column.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"7 articles in the range mention Ukraine"))).to_be_visible()
    expect(page.locator(".corpus-article")).to_have_count(7)


def test_the_url_reopens_the_same_view(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    narrow_end(page, 7)
    kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="Place kinds")
    kinds.get_by_role("button", name=re.compile("(Remove|Delete) Seas")).first.click()
    wait_idle(page)
    name = click_a_city(page)
    url = page.url
    assert page.locator(".corpus-article").count() > 0
    state = {
        "range": slider_values(page),
        "metrics": {k: metric(page, k) for k in ("Articles", "Mentions", "Distinct places", "Top place")},
        "articles": page.locator(".corpus-article").all_inner_texts(),
    }
    assert "range=" in url and "layers=" in url and "place=" in url
    fresh = page.context.new_page()
    open_corpus(fresh, url)
    assert slider_values(fresh) == state["range"] == ["2022-01-03", "2022-01-12"]
    assert {k: metric(fresh, k) for k in state["metrics"]} == state["metrics"]
    assert "Seas" not in overlay_counts(fresh)
    expect(fresh.locator("#selected-place")).to_have_text(name)
    expect(fresh.locator(".corpus-article")).to_have_count(len(state["articles"]))
    assert fresh.locator(".corpus-article").all_inner_texts() == state["articles"]


def _download(page: Page, name: str) -> Path:
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=name).click()
    return Path(info.value.path())


def test_downloads_hold_what_is_shown(offline_page: Page, corpus_server: dict, tmp_path: Path) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus&range=2022-01-10&range=2022-01-19")
    articles, mentions = int(metric(page, "Articles")), int(metric(page, "Mentions"))
    places = int(metric(page, "Distinct places"))
    geo = gpd.read_file(_download(page, "Places with counts (GeoJSON)"))
    assert len(geo) == places and geo.crs.to_epsg() == 4326
    assert {"place_id", "name", "kind", "articles", "mentions", "previous", "change"} <= set(geo.columns)
    assert geo["mentions"].sum() == mentions
    assert geo.set_index("name").loc["Ukraine", "articles"] == 5
    gpkg = tmp_path / "places.gpkg"
    gpkg.write_bytes(_download(page, "Places (GeoPackage)").read_bytes())
    pk = gpd.read_file(gpkg, layer="places")
    assert sorted(pk["place_id"]) == sorted(geo["place_id"])
    csv = pd.read_csv(_download(page, "Counts per day (CSV)"))
    assert list(csv.columns) == ["date", "articles", "mentions"]
    assert csv["date"].iloc[0] == "2022-01-10" and csv["date"].iloc[-1] == "2022-01-19"
    assert csv["articles"].sum() == articles and csv["mentions"].sum() == mentions
    parquet = tmp_path / "mentions.parquet"
    parquet.write_bytes(_download(page, "Filtered mentions (Parquet)").read_bytes())
    rows = pd.read_parquet(parquet)
    assert len(rows) == mentions and rows["article_id"].nunique() == articles


def test_article_text_stays_text_and_opens_in_the_article_view(
    offline_page: Page, corpus_server: dict
) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus&place=city%3A756135")
    card = page.locator(".corpus-article")
    expect(card).to_have_count(1)
    # The title carries <b> and <img onerror>: shown as text, never run.
    expect(card).to_contain_text("Warsaw <b>aid</b> & <img src=x onerror=alert(1)>")
    assert card.locator("img").count() == 0
    page.get_by_role("button", name="Open article").click()
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    wait_idle(page)
    assert "view=Corpus" not in page.url
    expect(page.locator("body")).to_contain_text("Warsaw")
    assert int(figure_value(page, "Mentions").inner_text()) >= 3  # Poland, Ukraine, Warsaw, Kyiv
    assert page.stats["dialogs"] == []


def test_play_steps_week_by_week(offline_page: Page, corpus_server: dict) -> None:
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    page.get_by_role("button", name="▶ Play week by week").click()
    wait_idle(page)
    assert slider_values(page) == ["2022-01-03", "2022-01-09"]
    assert metric(page, "Articles") == "4"
    # The timer moves the one-week window on by itself.
    thumbs = page.locator("[data-testid='stSlider']").filter(has_text="Date range")
    expect(thumbs).to_contain_text("2022-01-10", timeout=TIMEOUT)
    wait_idle(page)
    assert slider_values(page) == ["2022-01-10", "2022-01-16"]
    assert metric(page, "Articles") == "3"
    page.get_by_role("button", name="⏹ Stop").click()
    wait_idle(page)
    stopped = slider_values(page)
    page.wait_for_timeout(3000)
    assert slider_values(page) == stopped


def test_uploaded_articles_build_a_store_that_opens(offline_page: Page, corpus_server: dict) -> None:
    """Build a store from uploads (the batch geoparser on a LocalCluster) and open it, with its rejects."""
    page = offline_page
    open_corpus(page, corpus_server["url"] + "/?view=Corpus")
    rows = [
        {
            "id": "u1",
            "date": "2023-05-02",
            "title": "Finland joins",
            "text": "Finland joined Nato. Helsinki cheered.",
        },
        {
            "id": "u2",
            "date": "2023-05-09",
            "title": "Sweden waits",
            "text": "Sweden waited for Turkey and Hungary.",
        },
        {"id": "u3", "date": "not a date", "title": "Broken", "text": "Oslo."},
    ]
    jsonl = "\n".join(json.dumps(r) for r in rows).encode()
    article = b"date 2023-05-10 Baltic\nEstonia and Latvia watched the Baltic Sea."
    page.get_by_text("Build a store from files").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [
            {"name": "news.jsonl", "mimeType": "application/json", "buffer": jsonl},
            {"name": "baltic.txt", "mimeType": "text/plain", "buffer": article},
        ]
    )
    wait_idle(page)
    page.get_by_role("button", name="Build the store").click()
    # Building starts a Dask LocalCluster; then the view reruns on the new store.
    new_range = page.locator("[data-testid='stSliderThumbValue']").filter(has_text="2023-05-02")
    expect(new_range).to_be_visible(timeout=180_000)
    wait_idle(page)
    features(page).first.wait_for(state="visible", timeout=TIMEOUT)
    assert metric(page, "Articles") == "3"
    assert slider_values(page) == ["2023-05-02", "2023-05-10"]
    expect(page.get_by_text(re.compile(r"3 articles, 1 rejected"))).to_be_visible()
    assert "store=" in page.url
