"""The lexicon validated as data: every id resolves, nothing is listed twice, no word contradicts itself."""

from __future__ import annotations

import ast
import inspect
from collections import Counter

import pytest

from dashboard import historic, lexicon, nameindex, placekinds
from dashboard.gazetteer import get_gazetteer
from dashboard.geoparse import default_parser
from dashboard.placekinds import MentionType

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
    ("PLACE_HEADS", "CORPORATE_SUFFIXES"),  # "Fargo Police": the place; "Fargo Inc": a firm
    ("METONYMIC_NOUNS", "DISEASE_WORDS"),  # "Moscow officials": the government; "Ebola virus": no place
    ("METONYMIC_NOUNS", "NEWSPAPER_WORDS"),  # "Beijing leadership" vs "Washington Post"
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


def test_every_lexicon_id_is_of_a_registry_kind_and_every_table_type_a_mention_type():
    for table in lexicon.place_tables():
        assert table.type in set(MentionType), table.name
        kinds = {pid.split(":", 1)[0] for pid in table.entries.values()}
        assert kinds <= set(placekinds.BY_NAME), (table.name, kinds)
        # An alliance is named by the alliance table only, and that table names alliances only: the map
        # draws it as its members on the article's date.
        assert ("alliance" in kinds) == (table.type == MentionType.ALLIANCE), table.name
        if table.type == MentionType.ALLIANCE:
            assert kinds == {"alliance"}


def test_historic_demonyms_name_historic_states_the_gazetteer_knows(gazetteer_ids):
    assert set(historic.DEMONYMS.values()) <= gazetteer_ids
    assert {pid.split(":", 1)[0] for pid in historic.DEMONYMS.values()} == {historic.KIND}
    assert {pid for pid, _ in historic.DATED_DEMONYMS} <= gazetteer_ids


def test_every_alliance_and_member_resolves(gazetteer_ids):
    members = get_gazetteer().alliances()
    assert set(lexicon.ALLIANCES.values()) <= set(members["alliance"])  # each named alliance has members
    assert set(members["alliance"]) <= gazetteer_ids
    ids = {c if ":" in c else f"country:{c}" for c in members["country"]}
    assert ids <= gazetteer_ids, ids - gazetteer_ids


def test_surfaces_matched_alike_name_one_place():
    """Surfaces are matched case-, accent- and dot-insensitively, so two that normalise alike ("Elysée",
    "Elysee") must name one place, unless the region demonym's declared precedence decides ("Tibetan") or
    the all-caps rule tells them apart ("L.A." only matches all-caps text, "La." is Louisiana)."""
    by_key: dict[str, set[tuple[str, str, str]]] = {}
    for table in lexicon.place_tables():
        for surface, pid in table.entries.items():
            key = " ".join(nameindex.norm_token(w) for w in surface.split())
            by_key.setdefault(key, set()).add((table.name, surface, pid))
    for key, owners in by_key.items():
        if len({pid for _, _, pid in owners}) == 1:
            continue
        tables = {name for name, _, _ in owners}
        caps = {surface.replace(".", "").isupper() for _, surface, _ in owners}
        assert tables == {"country demonyms", "region demonyms"} or caps == {True, False}, (key, owners)


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
        # Case folded: CORPORATE_SUFFIXES is matched case-sensitively, the others on lowercase words.
        both = {w.casefold() for w in getattr(lexicon, a)} & {w.casefold() for w in getattr(lexicon, b)}
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
