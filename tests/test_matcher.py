"""The geoparser's matcher (dashboard.geoparse.matcher) finds exactly the spans and tokens of a plain
token-by-token matcher over the same index: on tricky inline texts, random texts, the seeds, and (when present
on this machine) Reuters-21578 and the GeoVirus/LGL evaluation texts. Its token view reads like the list."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import lexicon, nameindex
from dashboard import settings as project_settings
from dashboard.geoparse import Geoparser, default_parser, matcher
from dashboard.geoparse.records import Token, TokenSequence

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT / ".cache" / "reuters" / "package" / "data" / "full"
# The GPL evaluation corpora live next to the checkout (or next to the folder of its worktrees).
EVAL = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT) / "eval"

TEXTS = [
    "Russian troops massed near the Ukrainian border, the Kremlin said on Monday.",
    "Officials in Huntsville, Ala., and Walker County, Texas, met in St. Louis on Friday.",
    "The U.S. and the U.K. joined NATO allies in the Baltic Sea; W.Va. and Calif. sent aid.",
    "Floods hit eastern Europe and the Baltic states; Nord Stream 2 runs to Germany.",
    "Sen. Jones (D-Miss.) said Washington Post reporters visited Paris, Tenn., and Paris, France.",
    "São Paulo, Zürich and Kraków saw protests; Côte d'Ivoire and the Gulf of Finland too.",
    "NEW YORK, March 3 - Wheat futures rose in Chicago after Kansas and Nebraska reported frost.",
    "Baker said Hopkins, 54, moved from Dublin to Dublin, Ohio, and then to the Baltic republics.",
    "In New York's Central Park, a man from Georgia met a woman from Tbilisi, Georgia.",
    "Numbers 1,225 km and 6 % of Russia's borders touch Nato countries; US$5m went to HK$.",
    "A-B C.D.E. x_y Mixed-Case Words: Isle of Man, Bosnia and Herzegovina, Trinidad and Tobago.",
    "",
    "   \n\t  ",
    "no capital letters here at all, just words.",
    # Dotted abbreviations: at the start, run on into a word, without the last dot, after a digit.
    "U.S.A. and U.S.Steel; U.S troops; 5U.S. and e.g. W.Va.Charleston; a.b.c.d.e.f.g. Paris",
    "Washington",
    "eastern Europe",
    "Europe eastern",
    "northeastern Europe; former Yugoslavia; Former Soviet Union; west Germany; western",
    # Non-ASCII letters, upper and lower, a decomposed accent, a Roman numeral, curly quotes, NBSP.
    "Ångström in Åland; Sa\u0303o Paulo; Ⅻ Rome; “Paris” isn’t Texas’ Paris; New\u00a0York; İstanbul",
    "McDonald iPhone Paris-based St.  Louis St.\tLouis New  York New    York Bosnia - Herzegovina",
    "ÉCOLE Québec QUÉBEC Москва Kyiv Київ 東京 Tokyo ΑΘΗΝΑ Athens",
    "Isle of Man, Bosnia and Herzegovina, Trinidad and Tobago, Gulf of Finland.",
    "US$5m went to HK$; Nato countries; Russia's borders; the Baltics.",
    "Paris" * 3 + " Paris_France Paris2 2Paris _Paris",
    # Lowercase openers at the edges, inside words, capitalised, before punctuation.
    "east Germany; northeastern Europe; Eastern Europe; (western Europe) east. westernmost south",
    "southern",
    # The same phrases in other company: a name cut by a gap, run on, all caps, after non-ASCII characters.
    "New York; New York City; New  York, N.Y.; NEW YORK CITY; New-York; New. York; New\tYork",
    "Ünïcødé first: New York City, São Tomé and Príncipe, U.S. Steel, St. Louis, Mo., İzmir.",
    "U.S.A.; the U.S.-Mexico border; U.S.S.R. and U.S.; x.U.S. and US, Us, us; USA's; U.S.Steel",
    "Atlanta, Ga., Ga. Tech; Ga Paris, Tenn. Tenn Paris, Tenn",
]


def reference(parser: Geoparser, text: str) -> tuple[list[tuple[int, int, str]], list[tuple]]:
    """Every token of the text, and the longest matches found by trying every token in Python (the
    plain matcher the fast one must equal)."""
    toks = [(m.start(), m.end(), m.group()) for m in nameindex.TOKEN.finditer(text)]
    m = parser.matcher
    index, prefixes, norm = m._codes, m._prefixes, matcher.norm
    out = []
    i, n = 0, len(toks)
    while i < n:
        s, _e, t = toks[i]
        lower_open = False
        if not t[0].isupper():
            if t not in lexicon.LOWERCASE_OPENERS:
                i += 1
                continue
            lower_open = True
        key = norm(t)
        best = (i, key) if key in index and not lower_open else None
        j = i
        while key in prefixes and j + 1 < n and j - i + 1 < matcher.MAX_TOKENS:
            ns, _ne, nt = toks[j + 1]
            if not matcher.GAP_OK.fullmatch(text, toks[j][1], ns):
                break
            j += 1
            key = f"{key} {norm(nt)}"
            words = [w for _s, _e, w in toks]
            if key in index and (key in m.lower_ok or matcher.caps_ok(words, i, j)):
                best = (j, key)
        if best is None:
            i += 1
            continue
        j, key = best
        end = toks[j][1]
        if end < len(text) and text[end] == "." and text[s:end] + "." in lexicon.US_STATE_ABBREVIATIONS:
            end += 1
        cands = m.candidates(key)
        if key in m._upper_keys and not text[s:end].replace(".", "").isupper():
            cands = [c for c in cands if not c.upper]
        if cands:
            out.append((i, j, s, end, cands))
        i = j + 1
    return toks, out


@pytest.fixture(scope="module")
def parser() -> Geoparser:
    return default_parser()


def _check(parser: Geoparser, text: str, seed: int = 0) -> None:
    """Spans equal; every token read as the rules read them (around spans first), then in random order
    from a fresh view (steps forwards and backwards), then all at once."""
    want_toks, want_spans = reference(parser, text)
    toks, spans = parser.matcher.match(text)
    assert [tuple(sp) for sp in spans] == want_spans
    assert len(toks) == len(want_toks)
    for sp in spans:
        for k in range(max(0, sp.first - 6), min(len(want_toks), sp.last + 7)):
            assert toks[k] == want_toks[k]
    toks, _ = parser.matcher.match(text)
    order = list(range(len(want_toks)))
    random.Random(seed).shuffle(order)
    for k in order[:40]:
        assert toks[k] == want_toks[k]
    assert list(toks) == want_toks


@pytest.mark.parametrize("text", TEXTS)
def test_same_spans_and_tokens(parser, text):
    _check(parser, text)


def test_memos_hold_in_any_company(parser):
    # A fresh matcher's memos (first words, phrases, dotted stretches) are filled by one text and read by
    # the next, where the same words stand in other company; every text still matches like the reference.
    fresh = matcher.Matcher(parser.index)
    texts = [*TEXTS, *reversed(TEXTS)]
    for k, text in enumerate(texts):
        want_toks, want_spans = reference(parser, text)
        toks, spans = fresh.match(text)
        assert [tuple(sp) for sp in spans] == want_spans, (k, text)
        assert len(toks) == len(want_toks)
        for sp in spans:  # read around each span first (the lazy view's steps), then all at once
            for t in range(max(0, sp.first - 3), min(len(want_toks), sp.last + 4)):
                assert toks[t] == want_toks[t]
        assert list(toks) == want_toks
    assert fresh._first and fresh._phrases and fresh._dotted_memo


def test_tokens_behave_like_the_list(parser):
    text = "The U.S. and Paris, France, met in St. Louis."
    want, _ = reference(parser, text)
    toks, _ = parser.matcher.match(text)
    assert toks[-1] == want[-1]
    assert toks[3] == Token(13, 18, "Paris") and toks[3].word == "Paris"
    assert toks.materialise()[1:4] == want[1:4]
    with pytest.raises(IndexError):
        toks[len(want)]
    assert want[0] in toks
    assert toks == want


def test_span_records(parser):
    _toks, spans = parser.matcher.match("Floods hit Paris, France.")
    assert [(sp.first, sp.last, sp.start, sp.end) for sp in spans] == [(2, 2, 11, 16), (3, 3, 18, 24)]
    assert spans[0].cands[0].kind in ("city", "province", "country")


def test_shadow_classes():
    # "²" is a letter to TOKEN ([^\W\d_]: a digit but no decimal one), "-" no word character.
    assert matcher.shadow("Ab1_.é É-Ⅻ²") == "Aa00.a A Aa"


PIECES = st.sampled_from(
    [
        *("Paris", "U.S.", "U.S", "W.Va.", "eastern", "Europe", "St.", "Louis", "New", "York", "of", "Man"),
        *("'s", "São", "İ", "Ⅻ", "x.y.", "A.B.C", "\u00a0", "-", "\u2019", ".", "  ", "\t", "\n", "5", "_"),
        "Ga.",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map("".join))
def test_random_texts(parser, text):
    _check(parser, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.just(" ")), max_size=60).map("".join))
def test_random_texts_of_names(parser, text):
    _check(parser, text)


def test_seed_articles(parser):
    for path in sorted(project_settings.SEEDS_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _check(parser, text)
        _check(parser, text)  # once more with every word remembered


@pytest.mark.skipif(not REUTERS.is_dir(), reason="Reuters-21578 not fetched (scripts/setup.sh)")
def test_reuters_articles(parser):
    paths = sorted(REUTERS.glob("reuters-*.json"))[:3]
    bodies = [d["body"] for p in paths for d in json.loads(p.read_text(encoding="utf-8")) if d.get("body")]
    assert bodies
    for k, text in enumerate(bodies):
        _check(parser, text, seed=k)


@pytest.mark.skipif(not (EVAL / "corpora.py").is_file(), reason="evaluation corpora not on this machine")
def test_evaluation_texts(parser):
    sys.path.insert(0, str(EVAL))
    try:
        import corpora
    finally:
        sys.path.remove(str(EVAL))
    texts = [d["text"] for c in ("GeoVirus.xml", "lgl.xml") for d in corpora.load(EVAL / c)]
    assert any(not t.isascii() for t in texts)
    for k, text in enumerate(texts):
        _check(parser, text, seed=k)


def test_far_tokens_tokenize_the_whole_text(parser):
    text = "A far token: " + "word " * 200 + "Paris."
    toks, _spans = parser.matcher.match(text)
    want = nameindex.tokens_and_words(text)[0]
    assert toks[100] == want[100]  # far from every span: the whole text is tokenized
    assert toks[len(want) - 1] == want[-1]


def _last_word(toks: TokenSequence) -> str:
    return toks[len(toks) - 1][2]


def test_tokens_are_a_token_sequence(parser):
    # Read through the protocol the stages are annotated with: the lazy view and a list alike.
    text = "Floods hit Paris, France."
    toks, _spans = parser.matcher.match(text)
    assert _last_word(toks) == _last_word(nameindex.tokens_and_words(text)[0]) == "France"
