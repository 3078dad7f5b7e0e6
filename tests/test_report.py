"""report.py and language.py: figures, combined articles, corrections and the language check (pure)."""

from __future__ import annotations

import csv
import io
from functools import cache

import geopandas as gpd
import pytest

from dashboard import export, report
from dashboard.article import read_article
from dashboard.language import check_language, english_share


@cache
def parsed(text: str, source: str = "a.txt") -> tuple:
    from dashboard.geoparse import geoparse, places_frame

    article = read_article(text, source)
    mentions = geoparse(article.text, on=article.date)
    return article, mentions, places_frame(mentions, on=article.date, display=True)


KYIV = "date 2022-02-01 Kyiv story\nKyiv is in Ukraine"  # no full stop: the last sentence runs to the end
CRIMEA = "Crimea and Ukraine again. Moscow said so."


def test_plural_and_area_formatting() -> None:
    assert report.plural(1, "mention") == "1 mention"
    assert report.plural(2, "mention") == "2 mentions"
    assert report.plural(0, "place") == "0 places"
    assert report.format_area(17_098_246) == "17.1 million km²"
    assert report.format_area(603_550.4) == "603,550 km²"


def test_countries_area_counts_countries_only() -> None:
    _, _, places = parsed("Ukraine and the Black Sea and Europe.")
    area = report.countries_area_km2(places)
    assert 590_000 < area < 615_000  # Ukraine, 603,550 km² (Crimea included in Natural Earth's outline)
    assert set(places["kind"]) >= {"country", "sea"}


def test_summary_lists_the_top_places_with_counts() -> None:
    _, mentions, places = parsed("Ukraine, Ukraine, Ukraine. Russia and Russia. Kyiv.")
    summary = report.summarize(mentions, places)
    assert summary.top[:2] == (("Ukraine", 3), ("Russia", 2))
    assert summary.top_place == "Ukraine" and summary.top_count == 3


def test_combine_labels_places_with_their_articles_and_keeps_contexts_inside() -> None:
    a, b = parsed(KYIV), parsed(CRIMEA, "b.txt")
    labels = [report.article_label(a[0]), report.article_label(b[0])]
    assert labels[0] == "Kyiv story (2022-02-01)" and labels[1] == "b.txt"
    text, mentions, places = report.combine([(x[0].text, x[1], x[2]) for x in (a, b)], labels)
    ukraine = places[places["place_id"] == "country:UKR"].iloc[0]
    assert ukraine["count"] == 2 and ukraine["articles"] == labels
    spans = report.article_spans([a[0].text, b[0].text])
    for m in mentions:
        (lo, hi) = next(s for s in spans if s[0] <= m.start < s[1])
        ctx = report.context_of(text, m.start, m.end)
        start = m.start - ctx.start
        assert lo <= start and start + len(ctx.sentence) <= hi, ctx.sentence


def test_export_frames_one_row_per_article_and_place(tmp_path) -> None:
    a, b = parsed(KYIV), parsed(CRIMEA, "b.txt")
    items = [(report.article_label(x[0]), x[2], x[0].text, None) for x in (a, b)]
    path = tmp_path / "places.geojson"
    path.write_text(export.places_geojson(report.export_frames(items)))
    back = gpd.read_file(path)
    assert len(back) == len(a[2]) + len(b[2])
    assert set(back["article"]) == {items[0][0], items[1][0]}
    ukr = back[back["place_id"] == "country:UKR"]
    assert sorted(ukr["article"]) == sorted([items[0][0], items[1][0]])


def test_mentions_csv_names_the_article_and_indexes_its_own_text() -> None:
    a, b = parsed(KYIV), parsed(CRIMEA, "b.txt")
    items = [(report.article_label(x[0]), x[1], x[0].text) for x in (a, b)]
    rows = list(csv.DictReader(io.StringIO(report.mentions_csv(items))))
    assert len(rows) == len(a[1]) + len(b[1])
    texts = {items[0][0]: a[0].text, items[1][0]: b[0].text}
    for row in rows:
        text = texts[row["source"]]
        assert text[int(row["start"]) : int(row["end"])] == row["text"]
        assert " ".join(row["context"].split()) in " ".join(text.split())  # never the other article's


def test_corrections_remove_and_replace() -> None:
    from dashboard.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    _, mentions, _ = parsed("Officials in Paris and Dublin met.")
    paris = next(m.place_id for m in mentions if m.text == "Paris")
    dublin = next(m.place_id for m in mentions if m.text == "Dublin")
    others = report.candidates(paris, ["Paris"], gaz.lookup)
    assert others and set(others) == set(gaz.lookup("Paris")) - {paris}  # e.g. the Parises of Texas, Illinois
    fixes = report.Corrections(frozenset({dublin}), ((paris, others[0]),))
    fixed = report.apply_corrections(mentions, fixes, gaz.place)
    assert [(m.text, m.place_id, m.confidence) for m in fixed] == [("Paris", others[0], 1.0)]
    assert fixed[0].country == gaz.place(others[0])["country"]
    assert report.apply_corrections(mentions, report.Corrections(), gaz.place) == list(mentions)


def test_tables_show_confidence_and_flag_weak_matches() -> None:
    _, mentions, places = parsed("Officials in Dublin met. Russia and Ukraine.")
    table = report.places_table(places, mentions)
    assert list(table.columns) == [
        "name",
        "kind",
        "country",
        "count",
        "confidence",
        "weak",
        "types",
        "place_id",
    ]
    assert (table["weak"] == (table["confidence"] < report.WEAK_CONFIDENCE)).all()
    assert not table.loc[table["name"] == "Russia", "weak"].iloc[0]
    mt = report.mentions_table(mentions, "Officials in Dublin met. Russia and Ukraine.", article="x")
    assert mt.columns[0] == "article" and {"confidence", "weak"} <= set(mt.columns)


GERMAN = (
    "Die Lage in der Ukraine bleibt angespannt, sagte der Minister am Montag in Berlin. Die Bundesregierung "
    "will weitere Waffen liefern, wie ein Sprecher nach der Sitzung erklärte."
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (GERMAN, "de"),
        (
            "Le président a rencontré son homologue russe à Moscou pour parler de la situation en Ukraine.",
            "fr",
        ),
        (
            "El presidente se reunió con su homólogo ruso en Moscú para hablar de la situación en Ucrania.",
            "es",
        ),
    ],
)
def test_non_english_text_is_named(text: str, code: str) -> None:
    check = check_language(text)
    assert check.code == code and not check.supported


def test_english_is_recognised_without_the_model() -> None:
    from dashboard import settings

    seed = sorted(p for p in settings.SEEDS_DIR.iterdir() if p.suffix == ".txt")[0]
    share, words = english_share(seed.read_text())
    assert share >= 0.12 and words > 100
    assert check_language(seed.read_text()).supported
    assert check_language("Finland joined Nato.").supported  # too short to judge: English


# --- the geoparser's "why" in the tables -------------------------------------------------------------------

TBILISI = "Georgia and Russia met in Tbilisi. Georgia said no."


def _with_whys(places, whys: dict[str, object]):
    """The places frame as the geoparser gives it when asked to explain: a ``why`` column per place."""
    out = places.copy()
    out["why"] = [whys.get(pid) for pid in out["place_id"]]
    return out


def test_tables_show_the_why_of_each_place_and_of_each_mention() -> None:
    _, mentions, places = parsed(TBILISI)
    assert {"country:GEO", "country:RUS"} <= set(places["place_id"])
    why = "the country, not the US state: Tbilisi is named in the article"
    frame = _with_whys(places, {"country:GEO": why})  # Russia has none (None in the column)
    table = report.places_table(frame, mentions)
    assert list(table.columns) == [
        "name",
        "kind",
        "country",
        "count",
        "confidence",
        "weak",
        "why",
        "types",
        "place_id",
    ]
    by_name = dict(zip(table["name"], table["why"], strict=True))
    assert by_name["Georgia"] == why and by_name["Russia"] == ""
    mt = report.mentions_table(mentions, TBILISI, whys=report.place_whys(frame))
    assert list(mt.columns[:7]) == ["place", "kind", "type", "confidence", "weak", "why", "text"]
    assert set(mt.loc[mt["place"] == "Georgia", "why"]) == {why}
    assert set(mt.loc[mt["place"] == "Russia", "why"]) == {""}


def test_no_why_column_when_the_frame_has_none_or_only_empty_ones() -> None:
    _, mentions, places = parsed(TBILISI)
    for frame in (places, _with_whys(places, {"country:GEO": "  ", "country:RUS": float("nan")})):
        assert "why" not in report.places_table(frame, mentions).columns
        assert report.place_whys(frame) == {}
        assert "why" not in report.mentions_table(mentions, TBILISI, whys=report.place_whys(frame)).columns


def test_a_why_is_one_line_and_combined_tables_read_empty_where_an_article_had_none() -> None:
    assert report.why_text("the city,\nnot the town") == "the city, not the town"
    assert report.why_text(None) == "" and report.why_text(float("nan")) == ""
    _, mentions, places = parsed(TBILISI)
    explained = report.places_table(_with_whys(places, {"country:GEO": "named with Tbilisi"}), mentions, "a")
    plain = report.places_table(places, mentions, "b")
    both = report.stack_tables([explained, plain])
    assert list(both.loc[both["article"] == "b", "why"]) == [""] * len(plain)
    assert report.stack_tables([plain]) is plain
