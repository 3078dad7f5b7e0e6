"""The lexicon validated as data: every id resolves, nothing is listed twice, no word contradicts itself."""

from __future__ import annotations

import ast
import inspect
from collections import Counter

import pytest

from dashboard import lexicon
from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import default_parser

#: Word sets that must not share a word: the first keeps a name a place, the second drops it (or makes it
#: a person) in the same position next to the name.
CONTRADICTING_SETS = [
    ("PLACE_HEADS", "NEWSPAPER_WORDS"),  # "Fargo Post": the place ("Fargo police") or a newspaper
    ("PLACE_HEADS", "DISEASE_WORDS"),  # "Lyme disease": the place or a disease
    ("PLACE_HEADS", "PERSON_VERBS"),  # "Baker said": the place or a person
    ("PLACE_HEADS", "SPEECH_VERBS"),
    ("LOCATIVES", "TITLES"),  # "in Fargo" makes a place, "Mr Fargo" a person
    ("CONTAINED_NOUNS", "TITLES"),
    ("DIRECTION_WORDS", "NAME_CONNECTORS"),
]


@pytest.fixture(scope="module")
def gazetteer_ids() -> set[str]:
    return set(get_gazetteer().names()["place_id"])


def test_every_lexicon_id_resolves_in_the_gazetteer(gazetteer_ids):
    for table in lexicon.place_tables():
        missing = {s: pid for s, pid in table.entries.items() if pid not in gazetteer_ids}
        assert not missing, f"{table.name}: ids the gazetteer lacks: {missing}"


def test_no_table_or_word_set_lists_an_entry_twice():
    # A repeated key in a dict literal silently overrides the first; a repeated word hides a typo.
    tree = ast.parse(inspect.getsource(lexicon))
    repeated = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            repeated += [(node.lineno, k) for k, n in Counter(keys).items() if n > 1]
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_words":
            words = node.args[0].value.split()
            repeated += [(node.lineno, w) for w, n in Counter(words).items() if n > 1]
    assert not repeated


def test_a_surface_in_two_place_tables_only_where_a_region_demonym_overrides_a_country_one():
    owners: dict[str, list[lexicon.PlaceTable]] = {}
    for table in lexicon.place_tables():
        for surface in table.entries:
            owners.setdefault(surface, []).append(table)
    shared = {s: sorted(t.name for t in ts) for s, ts in owners.items() if len(ts) > 1}
    assert set(shared) <= set(lexicon.REGION_DEMONYMS), shared
    assert all(names == ["country demonyms", "region demonyms"] for names in shared.values()), shared
    region = next(t for t in lexicon.place_tables() if t.name == "region demonyms")
    country = next(t for t in lexicon.place_tables() if t.name == "country demonyms")
    assert region.prior > country.prior  # the declared precedence


def test_no_word_sits_in_two_contradicting_sets():
    for a, b in CONTRADICTING_SETS:
        both = getattr(lexicon, a) & getattr(lexicon, b)
        assert not both, f"{a} and {b} share {sorted(both)}"


def test_no_place_surface_is_a_word_that_is_never_a_place():
    surfaces = {s.casefold() for t in lexicon.place_tables() for s in t.entries}
    assert not surfaces & lexicon.NOT_PLACES


def test_a_us_state_demonym_is_no_country_demonym():
    assert not set(lexicon.US_STATE_DEMONYMS) & set(lexicon.demonym_forms())


def test_every_place_table_entry_is_found_in_a_plain_sentence():
    """Each surface, alone in a neutral sentence, resolves to its table's id (the highest prior where two
    tables share it): an entry the parser can never produce is a bug."""
    parser = default_parser()
    best: dict[str, tuple[float, str]] = {}
    for table in lexicon.place_tables():
        for surface, pid in table.entries.items():
            if surface not in best or table.prior > best[surface][0]:
                best[surface] = (table.prior, pid)
    wrong = {}
    for surface, (_prior, pid) in best.items():
        text = f"The talks with {surface} officials ended on Monday."
        got = [m.place_id for m in parser.parse(text) if m.text == surface]
        if got != [pid]:
            wrong[surface] = (pid, got)
    assert not wrong


def test_south_sudanese_is_south_sudan():
    ms = default_parser().parse("South Sudanese officials met in Juba.")
    assert {m.text: m.place_id for m in ms}["South Sudanese"] == "country:SDS"
