"""The corpus view's queries (DuckDB over a real store) against pandas reading the same Parquet files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard.corpus import schema
from dashboard.corpus.query import (
    CorpusStore,
    Filters,
    StoreError,
    as_filters,
    daily_csv,
    fill_days,
    previous_period,
    unwrap,
)
from tests.corpus_store import write_sample_store

FIRST, LAST = date(2022, 1, 3), date(2022, 1, 19)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def store(store_dir: Path) -> CorpusStore:
    return CorpusStore(store_dir)


@pytest.fixture(scope="module")
def frames(store_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The store read whole by pandas: the oracle the DuckDB answers are checked against."""
    arts = pd.read_parquet(store_dir / schema.ARTICLES_DIR)
    ments = pd.read_parquet(store_dir / schema.MENTIONS_DIR)
    return arts, ments


def _in(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    d = pd.to_datetime(df["date"]).dt.date
    return df[(d >= start) & (d <= end)]


def test_bounds_places_and_country_names(store: CorpusStore, frames) -> None:
    _, ments = frames
    assert store.date_bounds() == (FIRST, LAST)
    places = store.places()
    assert set(places["place_id"]) == set(ments["place_id"])
    countries = store.countries()
    assert countries["UKR"] == "Ukraine"
    assert set(countries) == set(ments["country"].dropna())
    assert list(countries.values()) == sorted(countries.values())


def test_metrics_follow_the_range(store: CorpusStore, frames) -> None:
    arts, ments = frames
    whole = store.metrics(FIRST, LAST)
    assert whole.articles == len(arts) == 10
    assert whole.mentions == len(ments)
    assert whole.places == ments["place_id"].nunique()
    assert whole.top_place == "Ukraine"
    first_days = store.metrics(FIRST, FIRST + timedelta(days=2))
    m = _in(ments, FIRST, FIRST + timedelta(days=2))
    assert first_days.articles == 4
    assert first_days.mentions == len(m) < whole.mentions
    top = m.groupby("name")["article_id"].nunique().sort_values(ascending=False)
    assert first_days.top_place == top.index[0] == "Russia"
    assert first_days.top_place_articles == top.iloc[0]
    busiest = _in(arts, FIRST, LAST).groupby("date").size()
    assert whole.busiest_day_articles == busiest.max()
    assert whole.busiest_day == min(d for d, n in busiest.items() if n == busiest.max())
    empty = store.metrics(date(2021, 1, 1), date(2021, 1, 31))
    assert (empty.articles, empty.mentions, empty.top_place, empty.busiest_day) == (0, 0, None, None)


def test_place_counts_match_pandas(store: CorpusStore, frames) -> None:
    _, ments = frames
    start, end = date(2022, 1, 10), LAST
    got = store.place_counts(start, end).set_index("place_id")
    m = _in(ments, start, end)
    want = m.groupby("place_id").agg(articles=("article_id", "nunique"), mentions=("start", "size"))
    assert got[["articles", "mentions"]].sort_index().equals(want.sort_index().astype("int64"))
    assert list(got["articles"]) == sorted(got["articles"], reverse=True)


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (Filters(kinds=("city",)), lambda m: m["kind"] == "city"),
        (Filters(types=("alliance",)), lambda m: m["type"] == "alliance"),
        (Filters(countries=("UKR",)), lambda m: m["country"] == "UKR"),
        (
            Filters(kinds=("country", "sea"), countries=("TUR",)),
            lambda m: (m["kind"] == "country") & (m["country"] == "TUR"),
        ),
    ],
)
def test_mention_filters(store: CorpusStore, frames, filters: Filters, keep) -> None:
    _, ments = frames
    m = ments[keep(ments)]
    got = store.metrics(FIRST, LAST, filters)
    assert got.mentions == len(m) > 0
    assert got.articles == m["article_id"].nunique()
    assert got.places == m["place_id"].nunique()
    counts = store.place_counts(FIRST, LAST, filters)
    assert set(counts["place_id"]) == set(m["place_id"])


def test_no_kind_selected_counts_nothing(store: CorpusStore) -> None:
    got = store.metrics(FIRST, LAST, Filters(kinds=()))
    assert (got.articles, got.mentions, got.places) == (0, 0, 0)


def test_search_titles_and_text(store: CorpusStore, frames) -> None:
    arts, ments = frames
    got = store.metrics(FIRST, LAST, Filters(search="NATO"))
    hits = arts[
        arts["text"].str.contains("nato", case=False) | arts["title"].str.contains("nato", case=False)
    ]
    assert got.articles == len(hits) == 2
    assert got.mentions == ments["article_id"].isin(hits["article_id"]).sum()
    by_title = store.metrics(FIRST, LAST, Filters(search="paris summit"))
    assert by_title.articles == 1
    # LIKE wildcards are literal characters in a search.
    assert store.metrics(FIRST, LAST, Filters(search="%")).articles == 0
    assert store.metrics(FIRST, LAST, Filters(search="_")).articles == 0
    assert store.metrics(FIRST, LAST, Filters(search="'; DROP TABLE articles; --")).articles == 0
    assert store.metrics(FIRST, LAST).articles == 10


def test_timeline_per_day_and_week(store: CorpusStore, frames) -> None:
    arts, ments = frames
    day = store.timeline(freq="day")
    per_day = arts.groupby("date").size()
    assert dict(zip(day["period"], day["count"], strict=True)) == {d: n for d, n in per_day.items()}
    week = store.timeline(freq="week")
    assert all(p.weekday() == 0 for p in week["period"])
    assert week["count"].sum() == len(arts)
    mentions = store.timeline(measure="mentions", freq="week")
    assert mentions["count"].sum() == len(ments)
    own = store.timeline(place_id="country:UKR")
    assert own["count"].sum() == ments.loc[ments["place_id"] == "country:UKR", "article_id"].nunique()
    scoped = store.timeline(start=date(2022, 1, 10), end=LAST)
    assert scoped["period"].min() >= date(2022, 1, 10)
    with pytest.raises(ValueError):
        store.timeline(freq="month")


def test_fill_days_and_csv() -> None:
    tl = pd.DataFrame({"period": [date(2022, 1, 4)], "count": [3]})
    full = fill_days(tl, date(2022, 1, 3), date(2022, 1, 6))
    assert list(full["count"]) == [0, 3, 0, 0]
    weeks = fill_days(
        pd.DataFrame({"period": [date(2022, 1, 10)], "count": [2]}),
        date(2022, 1, 5),
        date(2022, 1, 19),
        "week",
    )
    assert list(weeks["period"]) == [date(2022, 1, 3), date(2022, 1, 10), date(2022, 1, 17)]
    assert list(weeks["count"]) == [0, 2, 0]
    csv = daily_csv(full)
    assert csv.splitlines()[0] == "date,articles"
    assert csv.splitlines()[2] == "2022-01-04,3"


def test_change_against_the_previous_period(store: CorpusStore, frames) -> None:
    _, ments = frames
    start, end = date(2022, 1, 10), date(2022, 1, 16)
    assert previous_period(start, end) == (date(2022, 1, 3), date(2022, 1, 9))
    ch = store.change(start, end).set_index("place_id")
    now = _in(ments, start, end).groupby("place_id")["article_id"].nunique()
    before = _in(ments, date(2022, 1, 3), date(2022, 1, 9)).groupby("place_id")["article_id"].nunique()
    for pid in set(now.index) | set(before.index):
        row = ch.loc[pid]
        assert row["articles"] == now.get(pid, 0)
        assert row["previous"] == before.get(pid, 0)
        assert row["change"] == now.get(pid, 0) - before.get(pid, 0)
    assert pd.isna(ch.loc["country:FRA", "change_pct"]) or ch.loc["country:FRA", "previous"] > 0
    assert ch.loc["country:RUS", "previous"] > 0


def test_place_articles_with_their_sentences(store: CorpusStore, frames) -> None:
    arts, ments = frames
    got, total = store.place_articles("country:UKR", FIRST, LAST)
    want = ments.loc[ments["place_id"] == "country:UKR", "article_id"].unique()
    assert total == len(want) == len(got)
    assert {a.article_id for a in got} == set(want)
    assert [a.date for a in got] == sorted((a.date for a in got), reverse=True)
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    for a in got:
        assert a.sentences
        for ctx in a.sentences:
            assert ctx.sentence[ctx.start : ctx.end] == "Ukraine"
            assert ctx.sentence in texts[a.article_id]
    few, total2 = store.place_articles("country:UKR", FIRST, LAST, limit=2)
    assert len(few) == 2 and total2 == total
    # Article text is untrusted: the sentence HTML is escaped, the mention marked.
    (warsaw,), _ = store.place_articles("city:756135", FIRST, LAST)
    assert "<" in warsaw.title
    html = "".join(c.html() for c in warsaw.sentences)
    assert "<mark>Warsaw</mark>" in html and "<script>" not in html


def test_article_and_mentions_export(store: CorpusStore, frames, tmp_path: Path) -> None:
    arts, ments = frames
    a = store.article("a03")
    assert a is not None and a["title"] == "Moscow drills" and a["date"] == date(2022, 1, 5)
    assert store.article("nope") is None
    f = Filters(kinds=("country",), search="ukraine")
    data = store.mentions_parquet(date(2022, 1, 10), LAST, f)
    out = tmp_path / "m.parquet"
    out.write_bytes(data)
    got = pd.read_parquet(out)
    assert list(got.columns) == schema.MENTIONS_SCHEMA.names
    m = _in(ments, date(2022, 1, 10), LAST)
    with_ukraine = arts.loc[arts["text"].str.contains("ukraine", case=False), "article_id"]
    m = m[(m["kind"] == "country") & m["article_id"].isin(with_ukraine)]
    assert len(got) == len(m) > 0
    assert set(got["place_id"]) == set(m["place_id"])
    assert pq.read_schema(out).field("date").type == schema.MENTIONS_SCHEMA.field("date").type


def test_as_filters_treats_everything_as_no_filter() -> None:
    f = as_filters(
        ["city", "country"],
        ["literal"],
        [],
        "",
        all_kinds=["country", "city"],
        all_types=["literal", "demonym"],
    )
    assert f == Filters(kinds=None, types=("literal",), countries=None, search="")
    assert as_filters([], None, ["UKR"], " x ", all_kinds=["city"]).kinds == ()


def test_bad_stores_get_a_clear_message(tmp_path: Path, store_dir: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        CorpusStore(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="no Parquet parts in articles/"):
        CorpusStore(tmp_path / "empty")
    bad = tmp_path / "bad"
    for sub in (schema.ARTICLES_DIR, schema.MENTIONS_DIR):
        (bad / sub).mkdir(parents=True)
        (bad / sub / "part-00000.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(StoreError, match="unreadable corpus store"):
        CorpusStore(bad)
    manifest = tmp_path / "badmanifest"
    import shutil

    shutil.copytree(store_dir, manifest)
    (manifest / schema.MANIFEST_FILE).write_text("{not json")
    with pytest.raises(StoreError, match="unreadable manifest"):
        CorpusStore(manifest)


def test_hard_wrapped_text_keeps_its_sentences_whole() -> None:
    wrapped = (
        "    Japan is seeking to prevent its computer\n"
        "chip row with the U.S. from turning into a\n"
        "trade war, officials said.\n"
        "    Tokyo will send a team to Washington next\n"
        "week.\n"
    )
    flat = unwrap(wrapped)
    assert len(flat) == len(wrapped)
    assert "computer chip row" in flat and "into a trade war" in flat
    assert "\n    Tokyo" in flat  # an indented line still starts a paragraph
    one_per_line = "Ukraine and Russia met in Geneva for the first round of talks this year.\nKyiv\nMinsk"
    assert unwrap(one_per_line) == one_per_line
