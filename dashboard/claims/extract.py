"""Extract what sentences state about places: the readings a reader would take from them; pure text.

A reading is made only when the sentence states the quantity or relation *about that place*: a number that
measures something else (a search zone, a burned area, "within 200 km of", troops' distances, "the first
5,000 km²") is no reading. Rules below are named regular expressions over the clause text and the geoparser's
mentions; geometry is never looked at here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from dashboard.claims.measure import AREA_KINDS
from dashboard.claims.patterns import (
    A_DIFFERENCE,
    ADJACENCY_NEXT_SUBJECT,
    ADJACENCY_SUBJECT_GAP,
    ADJACENCY_VERB,
    AFTER_A_VERB,
    ANAPHOR_KINDS,
    ANAPHOR_NP,
    AREA_ANAPHOR,
    AREA_APPOSITION_CLOSES,
    AREA_AT_END,
    AREA_PART,
    AREA_PORTION,
    AREA_SUBJECT_APPOSITION,
    AREA_SUBJECT_VERB,
    BORDER_WORD,
    CLAUSE_SUBJECT,
    DISTANCE_BARE_GAP,
    DISTANCE_NOT_BETWEEN_PLACES,
    DISTANCE_SUBJECT_GAP,
    DISTANCE_TO_OBJECT,
    DISTANCE_TRAVELLED,
    LENGTH_BEFORE_NOUN,
    LENGTH_LONG,
    LENGTH_NOUN_BEFORE,
    LENGTH_VERB_BEFORE,
    LIST_SEPARATOR,
    NEIGHBOURS_AFTER,
    NEIGHBOURS_LIST_START,
    NEIGHBOURS_OF,
    ON_BORDER,
    ON_BORDER_SUBJECT_GAP,
    ORDINALS,
    PAIR_SHARE_A_BORDER,
    PREPOSITION_BEFORE,
    PRONOUN,
    RANK_BEFORE_CONTAINER,
    RANK_COPULA,
    RANK_NOT_AREA,
    RANK_POSSESSIVE,
    SHARE_FILLER,
    SIZE_AFTER_QUANTITY,
    SIZE_COMBINED,
    SIZE_COMPARISON,
    SIZE_FACTORS,
    SIZE_SUBJECT_GAP,
    SIZE_UNNAMED,
)
from dashboard.claims.record import Mention, Reading
from dashboard.claims.units import HEDGE_RE, NUMBER_WORDS, Quantity, find_quantities
from dashboard.placekinds import MentionType
from dashboard.sentences import Span, split_clauses, split_sentences

#: Kinds with a land border of their own: the places an adjacency or "on the border" claim is about
#: ("Belarus borders Ukraine", "Crimea borders the Kherson region").
BORDERED_KINDS: frozenset[str] = frozenset({"country", "province", "region"})
#: Kinds a rank claim compares or ranks within ("the largest country in Europe").
RANKED_KINDS: frozenset[str] = BORDERED_KINDS | {"continent"}

# -- mentions and anaphora ----------------------------------------------------------------------------------


def as_mention(m: Any) -> Mention:
    """A geoparse Mention (or a dict with its fields) as the claims need it."""
    get: Callable[..., Any] = m.get if isinstance(m, dict) else (lambda k, d=None: getattr(m, k, d))
    return Mention(
        int(get("start")),
        int(get("end")),
        str(get("text")),
        str(get("place_id")),
        str(get("name") or get("place_id")),
        _claim_kind(str(get("kind") or str(get("place_id")).split(":")[0])),
        MentionType(str(get("type") or MentionType.LITERAL)),
    )


def _claim_kind(kind: str) -> str:
    """A historic state (West Germany, the USSR) is checked like a country: area, borders, alliances."""
    return "country" if kind == "historic_state" else kind


class MentionIndex:
    """Mentions sorted by offset, with per-kind lists: look-ups by bisection keep long texts linear."""

    def __init__(self, mentions: list[Mention]):
        self.all = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.all]
        self.by_kind: dict[str, tuple[list[int], list[Mention]]] = {}
        for m in self.all:
            if m.type != MentionType.DEMONYM:  # "Russian" names no feature a pronoun could refer to
                ends, ms = self.by_kind.setdefault(m.kind, ([], []))
                ends.append(m.end)
                ms.append(m)

    def within(self, span: Span) -> list[Mention]:
        lo, hi = bisect_left(self.starts, span.start), bisect_right(self.starts, span.end)
        return [m for m in self.all[lo:hi] if m.end <= span.end]

    def back(self, before: int, kinds: frozenset[str]) -> Mention | None:
        """The nearest named feature of one of ``kinds`` mentioned before offset ``before``."""
        best = None
        for kind in kinds:
            ends, ms = self.by_kind.get(kind, ([], []))
            i = bisect_right(ends, before) - 1
            if i >= 0 and (best is None or ms[i].end > best.end):
                best = ms[i]
        return best


# -- the extractor ------------------------------------------------------------------------------------------


def _factor(m: re.Match) -> tuple[float | None, str]:
    """Factor and comparison ("about", "nearly", "at_least", "at_most") of a size comparison."""
    hedge = ((m.group("hedge") or "") + (m.group("hedge2") or "")).lower()
    cmp = (m.group("cmp") or "").lower()
    f = (m.group("factor") or "").lower()
    if m.group("n"):
        n = m.group("n").lower()
        factor = float(NUMBER_WORDS.get(n, 0) or n)
    else:
        factor = next((v for k, v in SIZE_FACTORS.items() if k in f), 1.0)
    if cmp == "smaller" and m.group("factor") and factor > 1:
        factor = 1 / factor  # "three times smaller than"
    if "nearly" in hedge or "almost" in hedge:
        comparison = "nearly"
    elif "more than" in hedge or (cmp in ("larger", "bigger") and not m.group("factor")):
        comparison = "at_least"
    elif "less than" in hedge or (cmp == "smaller" and not m.group("factor")):
        comparison = "at_most"
    else:
        comparison = "about"
    return factor, comparison


class Extractor:
    """Finds the readings of one text (holds the text and its mentions)."""

    def __init__(self, text: str, mentions: list[Mention]):
        self.text = text
        self.index = MentionIndex(mentions)

    def run(self) -> list[Reading]:
        out: list[Reading] = []
        for sentence in split_sentences(self.text):
            for clause in split_clauses(sentence):
                out.extend(self.clause(clause))
        return out

    # -- helpers ---------------------------------------------------------------------------------------------
    def _antecedent(self, clause: Span, at: int, kinds: frozenset[str]) -> tuple[Mention | None, str | None]:
        """Resolve an anaphor ("the pipeline", "it") between the clause start and offset ``at``."""
        window = self.text[clause.start : at]
        for m in reversed(list(ANAPHOR_NP.finditer(window))):
            noun_kinds = ANAPHOR_KINDS[m.group(1).lower()]
            if noun_kinds & kinds:
                ref = self.index.back(clause.start + m.start(), noun_kinds & kinds)
                return ref, m.group(0)
        p = list(PRONOUN.finditer(window))
        if p:
            ref = self.index.back(clause.start + p[-1].start(), kinds)
            return ref, p[-1].group(0)
        return None, None

    def _without_hedge(self, start: int, end: int) -> str:
        """The text before a number with its hedge removed ("a border of about " -> "a border of")."""
        return HEDGE_RE.sub("", self.text[start:end].rstrip()).rstrip()

    # -- a clause --------------------------------------------------------------------------------------------
    def clause(self, clause: Span) -> list[Reading]:
        ms = self.index.within(clause)
        qs = find_quantities(clause.text, clause.start)
        out: list[Reading] = []
        used: set[int] = set()
        consumed = self._sizes(clause, ms, qs, out)
        for i, q in enumerate(qs):
            if i in used or q.start in consumed:
                continue
            alt = None
            # "1,225km (760-mile)": the parenthesised value is the same claim in the other unit.
            if i + 1 < len(qs):
                nxt = qs[i + 1]
                gap = self.text[q.end : nxt.start]
                if re.fullmatch(r"\s*\(\s*(?:or\s+|about\s+|some\s+)?", gap) and nxt.dimension == q.dimension:
                    alt = nxt
                    used.add(i + 1)
            if q.dimension == "share":
                r = self._border_share(clause, q, ms)
            elif q.dimension == "length":
                r = self._length_or_distance(clause, q, alt, ms)
            else:
                r = self._area(clause, q, alt, ms)
            if r is not None:
                out.append(r)
        self._adjacency(clause, ms, out)
        self._ranks(clause, ms, out)
        return out

    # -- length and distance ---------------------------------------------------------------------------------
    def _length_or_distance(self, clause: Span, q: Quantity, alt, ms: list[Mention]) -> Reading | None:
        after = self.text[q.end : clause.end]
        bare = self._without_hedge(clause.start, q.start)
        m = LENGTH_BEFORE_NOUN.match(after)
        if m:
            return self._length(clause, q, alt, ms, m.group("noun").lower(), q.end + m.end("noun"))
        bn = LENGTH_NOUN_BEFORE.search(bare)
        if bn:
            return self._length(clause, q, alt, ms, bn.group("noun").lower(), clause.start + bn.end("noun"))
        if LENGTH_LONG.match(after) or LENGTH_VERB_BEFORE.search(bare + " "):
            # "X is 1,230 km long", "X stretches for 1,230 km": the subject comes before the number.
            subj = next((x for x in reversed(ms) if x.end <= q.start and x.kind == "pipeline"), None)
            anaphor = None
            if subj is None:
                subj, anaphor = self._antecedent(clause, q.start, frozenset({"pipeline"}))
            if subj is None:
                return None
            return Reading(
                "length",
                "route_length",
                clause,
                subj,
                quantity=q,
                alt=alt,
                anaphor=anaphor,
                confidence="medium" if anaphor else "high",
            )
        return self._distance(clause, q, alt, ms)

    def _length(self, clause, q, alt, ms, noun: str, noun_end: int) -> Reading | None:
        if noun.startswith("pipeline"):
            named = [x for x in ms if x.kind == "pipeline"]
            subj = min(named, key=lambda x: abs(x.start - q.start)) if named else None
            anaphor = None
            if subj is None:
                subj, anaphor = self._antecedent(clause, noun_end, frozenset({"pipeline"}))
            r = Reading(
                "length",
                "route_length",
                clause,
                subj,
                quantity=q,
                alt=alt,
                anaphor=anaphor,
                noun="pipeline",
                confidence="medium" if anaphor else "high",
            )
            if subj is None:
                if re.search(
                    r"\ban?\s+(?:[\w-]+\s+){0,3}$", self._without_hedge(clause.start, q.start) + " "
                ):
                    return None  # "a 25 km pipeline": some pipeline, not a named one
                r.missing = "the pipeline is not named here or earlier in the text"
            return r
        if noun.startswith(("border", "frontier", "boundar")):
            return self._border_length(clause, q, alt, ms, noun_end)
        if not self.text[noun_end - len(noun) : noun_end][:1].isupper():
            return None  # "a three-mile route": no named feature, no claim
        # "The 130-mile St. Marys River": a named feature of a kind the data does not hold.
        return Reading(
            "length",
            "route_length",
            clause,
            quantity=q,
            alt=alt,
            noun=noun.rstrip("s"),
            missing=f"no {noun.rstrip('s')} layer is bundled (only pipelines and country borders)",
        )

    def _border_length(self, clause, q, alt, ms, noun_end: int) -> Reading:
        countries = [x for x in ms if x.kind == "country"]
        # The two countries nearest the noun ("the 1,084km border between Belarus and Ukraine",
        # "Russia's 1,300km border with Finland"); one country means its whole land border.
        near = sorted(countries, key=lambda x: abs(x.start - noun_end))
        pair: list[Mention] = []
        for x in near:
            if x.place_id not in [p.place_id for p in pair]:
                pair.append(x)
            if len(pair) == 2:
                break
        if not pair:
            subj, _ = self._antecedent(clause, q.start, frozenset({"country"}))
            pair = [subj] if subj else []
        if not pair:
            return Reading(
                "length",
                "border_length",
                clause,
                quantity=q,
                alt=alt,
                noun="border",
                missing="the border's countries are not named",
            )
        pair.sort(key=lambda x: x.start)
        if len(pair) == 2:
            return Reading(
                "length", "border_length", clause, pair[0], pair[1], quantity=q, alt=alt, noun="border"
            )
        return Reading("length", "land_border", clause, pair[0], quantity=q, alt=alt, noun="border")

    def _distance(self, clause, q, alt, ms) -> Reading | None:
        after = self.text[q.end : clause.end]
        bare = self._without_hedge(clause.start, q.start)
        if (
            DISTANCE_NOT_BETWEEN_PLACES.search(bare)
            or DISTANCE_TRAVELLED.match(after)
            or A_DIFFERENCE.match(after)
        ):
            return None  # "within 200 km of", "the first 50 km", "a 300-mile drive": not between two places
        places = [x for x in ms if x.type != MentionType.DEMONYM and x.kind != "alliance"]
        b = next(
            (x for x in places if x.start >= q.end and DISTANCE_TO_OBJECT.match(self.text[q.end : x.start])),
            None,
        )
        a = None
        if b is not None:
            # "X is (about) 750 km from Y", "X, 70 km from Y": X must be the subject right before the number.
            before = [x for x in places if x.end <= q.start]
            # The place right before the number, or the one before it ("Kyiv, Ukraine's capital, is ...").
            for x in reversed(before[-2:]):
                gap = HEDGE_RE.sub("", self.text[x.end : q.start].rstrip()) + " "
                # "near Västerås some 80 km west of Stockholm": a hedge after a place opens an apposition.
                bare_apposition = q.hedge is not None and DISTANCE_BARE_GAP.fullmatch(gap)
                if DISTANCE_SUBJECT_GAP.fullmatch(gap) or bare_apposition:
                    a = x
                    break
            if a is not None:
                # "Louisville, Kentucky, about 35 miles ...": the town, not its state.
                town = before[-2] if len(before) > 1 and before[-2].kind == "city" else None
                if (
                    town
                    and town.end <= a.start
                    and a.kind in ("province", "country")
                    and re.fullmatch(r",\s*", self.text[town.end : a.start])
                ):
                    a = town
        else:
            # "between Kyiv and Moscow, 750 km" / "Kyiv and Moscow are 750 km apart"
            # "between" right before or after the number: "750 km between Kyiv and Moscow".
            near = self.text[max(clause.start, q.start - 40) : min(clause.end, q.end + 12)]
            between = re.search(r"\bbetween\b", near, re.IGNORECASE)
            if between:
                between = re.search(r"\bbetween\b", self.text[clause.start : clause.end], re.IGNORECASE)
            apart = re.match(r"^\s*(?:\([^()]*\)\s*)?apart\b", after, re.IGNORECASE)
            if between or apart:
                lo = clause.start + between.end() if between else clause.start
                cands = [x for x in places if x.start >= lo]
                if len(cands) >= 2 and re.fullmatch(
                    r"\s+and\s+(?:the\s+)?", self.text[cands[0].end : cands[1].start]
                ):
                    a, b = cands[0], cands[1]
        if a is None or b is None or a.place_id == b.place_id:
            return None  # "1,000 km away", "30 km from the border": no two places, no claim
        return Reading("distance", "distance", clause, a, b, quantity=q, alt=alt)

    # -- area ------------------------------------------------------------------------------------------------
    def _area(self, clause: Span, q: Quantity, alt, ms: list[Mention]) -> Reading | None:
        after = self.text[q.end : clause.end]
        bare = self._without_hedge(clause.start, q.start)
        if AREA_PART.match(after) or AREA_PORTION.search(bare) or A_DIFFERENCE.match(after):
            return None  # "1,000 sq km of territory", "the first 5,000 km²": not the area of a place
        areas = [x for x in ms if x.kind in AREA_KINDS and x.type != MentionType.DEMONYM]
        # "the 27,000 sq km Crimean peninsula": a place named right after the number.
        nxt = next((x for x in areas if x.start >= q.end), None)
        if nxt is not None and re.fullmatch(r"[\s-]*(?:\([^()]*\)\s*)?", self.text[q.end : nxt.start]):
            return Reading("area", "area", clause, nxt, quantity=q, alt=alt)
        before = [x for x in areas if x.end <= q.start]
        # "X is the largest country in Y, at 603,500 km²": the clause's subject, not Y.
        if before and AREA_AT_END.search(bare):
            first = before[0]
            if re.fullmatch(r"\s*(?:the\s+)?", self.text[clause.start : first.start], re.IGNORECASE) and (
                CLAUSE_SUBJECT.match(self.text, first.end)
            ):
                return Reading("area", "area", clause, first, quantity=q, alt=alt)
        for x in reversed(before):
            gap = self.text[x.end : q.start]
            gap_bare = HEDGE_RE.sub("", gap.rstrip()).rstrip() + " "
            if AREA_SUBJECT_VERB.match(gap_bare):
                return Reading("area", "area", clause, x, quantity=q, alt=alt)
            # "In California, 400 square miles burned": a place after a preposition heads no apposition.
            apposition = AREA_SUBJECT_APPOSITION.match(gap_bare) and AREA_APPOSITION_CLOSES.match(after)
            if apposition and not PREPOSITION_BEFORE.search(self.text[clause.start : x.start]):
                return Reading("area", "area", clause, x, quantity=q, alt=alt)
        a = AREA_ANAPHOR.search(bare + " ") or AREA_ANAPHOR.search(bare)
        if a is not None:
            subj, anaphor = self._antecedent(clause, clause.start + a.end(), AREA_KINDS)
            if subj is not None:
                return Reading(
                    "area", "area", clause, subj, quantity=q, alt=alt, anaphor=anaphor, confidence="medium"
                )
        return None

    # -- border share ----------------------------------------------------------------------------------------
    def _border_share(self, clause: Span, q: Quantity, ms: list[Mention]) -> Reading | None:
        after = self.text[q.end : clause.end]
        mo = re.match(r"^\s+of\s+", after)
        bw = BORDER_WORD.search(after)
        subj = None
        anaphor = None
        if mo and bw and bw.start() < 60:
            # Everything between "of" and "border" must be a country, "its", "the", "land", ...
            lo, hi = q.end + mo.end(), q.end + bw.start()
            inner = [x for x in ms if x.start >= lo and x.end <= hi]
            rest = self.text[lo:hi]
            for x in sorted(inner, key=lambda x: -x.start):
                rest = rest[: x.start - lo] + " " + rest[x.end - lo :]
            words = re.findall(r"[\w'’]+", rest.lower())
            if any(w not in SHARE_FILLER for w in words):
                return None
            subj = next((x for x in inner if x.kind == "country"), None)
            if subj is None and "its" in words:
                subj, anaphor = self._antecedent(clause, q.start, frozenset({"country"}))
                subj = subj or self.index.back(lo, frozenset({"country"}))
                anaphor = anaphor or "its"
        else:
            # "Russia shares 6% of its border with Nato"
            sh = re.search(
                r"\bshares?\s+(?:only\s+|just\s+|about\s+|some\s+)*$", self.text[clause.start : q.start]
            )
            if not (sh and mo and bw):
                return None
            subj = next((x for x in reversed(ms) if x.end <= q.start and x.kind == "country"), None)
        if subj is None:
            return None
        border_end = q.end + bw.end()
        objs = [x for x in ms if x.start >= border_end and x.place_id != subj.place_id]
        alliance = next((x for x in objs if x.kind == "alliance"), None)
        r = Reading(
            "border_share",
            "border_share",
            clause,
            subj,
            alliance,
            quantity=q,
            anaphor=anaphor,
            confidence="medium" if anaphor else "high",
        )
        if alliance is None:
            r.group = tuple(x for x in objs if x.kind == "country")
            if not r.group:
                r.missing = "no group of countries is named after the border"
        return r

    # -- adjacency -------------------------------------------------------------------------------------------
    def _adjacency(self, clause: Span, ms: list[Mention], out: list[Reading]) -> None:
        # Literal names only: "Russian borders" (a demonym) or "Moscow" (metonymy) is no subject of a border.
        areas = [x for x in ms if x.kind in BORDERED_KINDS and x.type == MentionType.LITERAL]
        text = self.text
        seen: set[tuple[str, str]] = {
            (r.subject.place_id, r.object.place_id)
            for r in out
            if r.kind == "length" and r.subject is not None and r.object is not None
        }
        seen |= {(b, a) for a, b in seen}  # "Finland shares a 1,340km border with Russia": one claim
        for v in ADJACENCY_VERB.finditer(text, clause.start, clause.end):
            neg = v.group("neg") is not None
            vs, ve = v.start(), v.end()
            # Subjects: a place (or a list of places) right before the verb, or "it" resolved back.
            subjects: list[Mention] = []
            a = next(
                (x for x in reversed(areas) if x.end <= vs and ADJACENCY_SUBJECT_GAP.match(text[x.end : vs])),
                None,
            )
            anaphor = None
            if a is None:
                pm = re.search(
                    r"\b(it|which)\s+(?:also\s+|now\s+|still\s+)?$", text[clause.start : vs], re.IGNORECASE
                )
                if pm and pm.group(1).lower() == "it":
                    a = self.index.back(clause.start + pm.start(), frozenset({"country"}))
                    anaphor = "it"
            if a is None:
                continue
            subjects.append(a)
            if anaphor is None:
                # "Lithuania, Latvia and Estonia all border Russia": walk back over the list.
                before = [x for x in areas if x.end <= a.start]
                chain: list[Mention] = []
                for x in reversed(before):
                    if not LIST_SEPARATOR.fullmatch(text[x.end : (chain or subjects)[0].start]):
                        break
                    chain.insert(0, x)
                # "Poland borders Belarus, and Lithuania ...": a list that is an earlier verb's object is not
                # this verb's subject.
                if chain and not AFTER_A_VERB.search(text, clause.start, chain[0].start):
                    subjects[:0] = chain
            # Objects: "Y", "Y and Z", "Y, Z and W", "both Y and Z" right after the verb.
            objs: list[Mention] = []
            pos = ve
            for x in areas:
                if x.start < pos:
                    continue
                gap = text[pos : x.start]
                pattern = (
                    r"\s*(?:both\s+|the\s+)?" if not objs else r"\s*(?:,\s*|\s+)(?:and|or)?\s*(?:the\s+)?"
                )
                if not re.fullmatch(pattern, gap, re.IGNORECASE):
                    break
                if objs and ADJACENCY_NEXT_SUBJECT.match(text, x.end, clause.end):
                    break  # "..., and Lithuania borders Russia": the subject of the next statement
                objs.append(x)
                pos = x.end
            for s in subjects:
                for b in objs:
                    noun = (
                        "neighbour"
                        if v.group(0).lower().rstrip("s").endswith(("neighbour", "neighbor"))
                        else "border"
                    )
                    self._adjacent(clause, s, b, neg, anaphor, seen, out, noun)
        self._on_border(clause, ms, areas, seen, out)
        self._neighbours_of(clause, areas, seen, out)
        # "X and Y share a border"
        for i, x in enumerate(areas[:-1]):
            y = areas[i + 1]
            if re.fullmatch(r"\s+and\s+(?:the\s+)?", text[x.end : y.start], re.IGNORECASE):
                m = PAIR_SHARE_A_BORDER.match(text, y.end, clause.end)
                if m:
                    self._adjacent(clause, x, y, m.group("neg") is not None, None, seen, out)

    def _on_border(
        self, clause: Span, ms: list[Mention], areas: list[Mention], seen, out: list[Reading]
    ) -> None:
        """ "Kaliningrad, a Russian enclave on the Polish border", "Peru on the border of Bolivia"."""
        text = self.text
        for m in ON_BORDER.finditer(text, clause.start, clause.end):
            if m.group("prep"):
                b = next(
                    (x for x in ms if x.start == m.end() and x.kind in BORDERED_KINDS),
                    None,
                )
            else:
                at, to = m.start("adj"), m.end("adj")
                b = next(
                    (
                        x
                        for x in ms
                        if m.group("adj") and x.start >= at and x.end <= to and x.kind == "country"
                    ),
                    None,
                )
            if b is None:
                continue
            a = next((x for x in reversed(areas) if x.end <= m.start()), None)
            if a is None or not ON_BORDER_SUBJECT_GAP.fullmatch(text, a.end, m.start()):
                continue
            self._adjacent(clause, a, b, False, None, seen, out)

    def _neighbours_of(self, clause: Span, areas: list[Mention], seen, out: list[Reading]) -> None:
        """ "countries bordering Turkey, such as Armenia, Georgia and Iran": each borders Turkey."""
        text = self.text
        for i, x in enumerate(areas):
            lead = NEIGHBOURS_OF.search(text, clause.start, x.start)
            if not lead:
                continue
            noun = "border" if "border" in lead.group(0).lower() else "neighbour"
            start = NEIGHBOURS_LIST_START.match(text, x.end, clause.end)
            if start is None:
                continue
            pos = start.end()
            items: list[Mention] = []
            for y in areas[i + 1 :]:
                gap = text[pos : y.start]
                if not (y.start == pos if not items else LIST_SEPARATOR.fullmatch(gap)):
                    break
                items.append(y)
                pos = y.end
            for y in items:
                self._adjacent(clause, y, x, False, None, seen, out, noun)
        # "Russia's neighbours Finland and Estonia", "Kenya and neighbouring Uganda".
        for i, x in enumerate(areas):
            lead = NEIGHBOURS_AFTER.match(text, x.end, clause.end)
            if lead is None:
                continue
            pos, items = lead.end(), []
            for y in areas[i + 1 :]:
                gap = text[pos : y.start]
                if not (y.start == pos if not items else LIST_SEPARATOR.fullmatch(gap)):
                    break
                items.append(y)
                pos = y.end
            for y in items:
                self._adjacent(clause, y, x, False, None, seen, out, "neighbour")

    @staticmethod
    def _adjacent(
        clause, a: Mention, b: Mention, neg: bool, anaphor, seen, out: list[Reading], noun: str = "border"
    ) -> None:
        """A reading that ``a`` borders ``b``; with ``noun`` "neighbour" they may face each other by sea."""
        key = (a.place_id, b.place_id)
        if a.place_id == b.place_id or key in seen:
            return
        seen |= {key, key[::-1]}
        out.append(
            Reading(
                "adjacency",
                "adjacency",
                clause,
                a,
                b,
                negated=neg,
                anaphor=anaphor,
                noun=noun,
                confidence="medium" if anaphor else "high",
            )
        )

    # -- size comparisons ------------------------------------------------------------------------------------
    def _sizes(self, clause: Span, ms: list[Mention], qs: list[Quantity], out: list[Reading]) -> set[int]:
        """Size comparisons ("twice the size of Ukraine"); returns the starts of the quantities they use."""
        used: set[int] = set()
        low = clause.text.lower()
        if not any(w in low for w in ("size of", "area of", "than", "as big", "as large")):
            return used
        areas = [x for x in ms if x.kind in AREA_KINDS or x.kind == "city"]
        for obj in areas:
            if obj.type == MentionType.DEMONYM:
                continue
            m = SIZE_COMPARISON.search(self.text, clause.start, obj.start)
            if m is None:
                continue
            if SIZE_COMBINED.match(self.text, obj.end, clause.end):
                continue  # "smaller than Belgium and France combined": not Belgium alone
            factor, comparison = _factor(m)
            r = Reading("size", "size", clause, None, obj, factor=factor, comparison=comparison)
            subj = next(
                (x for x in reversed(areas) if x.end <= m.start() and x.type == MentionType.LITERAL),
                None,
            )
            if subj is not None and SIZE_SUBJECT_GAP.match(self.text[subj.end : m.start()]):
                r.subject = subj
            else:
                q = next((q for q in reversed(qs) if q.end <= m.start() and q.dimension == "area"), None)
                # "10,000 square miles larger than Y" is a difference, not an area the size of Y.
                gap = self.text[q.end : m.start()] if q is not None else ""
                adjacent_cmp = m.group("cmp") and not gap.strip()
                if q is not None and not adjacent_cmp and SIZE_AFTER_QUANTITY.match(gap):
                    r.quantity = q
                    used.add(q.start)
                elif SIZE_UNNAMED.search(self.text, clause.start, m.start()):
                    r.missing = (
                        f"the area compared with {obj.text} is not a place in the data and its size is not "
                        "stated"
                    )
                else:
                    continue
            out.append(r)
        return used

    # -- ranks -----------------------------------------------------------------------------------------------
    def _ranks(self, clause: Span, ms: list[Mention], out: list[Reading]) -> None:
        """ "X is the largest country in Y", "X, Y's second-largest state": rank by area."""
        low = clause.text.lower()
        if not any(w in low for w in ("largest", "biggest", "smallest")):
            return
        areas = [x for x in ms if x.kind in RANKED_KINDS and x.type == MentionType.LITERAL]
        for i, x in enumerate(areas):
            for y in areas[i + 1 : i + 3]:
                gap = self.text[x.end : y.start]
                m = RANK_BEFORE_CONTAINER.fullmatch(gap)
                tail_at = y.end
                if m is None and RANK_COPULA.fullmatch(gap):
                    m = RANK_POSSESSIVE.match(self.text, y.end, clause.end)
                    tail_at = m.end() if m else y.end
                if m is None:
                    continue
                if RANK_NOT_AREA.match(self.text, tail_at, clause.end):
                    continue
                noun = m.group("noun").lower()
                want = "country" if noun in ("country", "nation") else "province"
                if x.kind != want:
                    continue
                out.append(
                    Reading(
                        "rank",
                        "rank",
                        clause,
                        x,
                        y,
                        rank=ORDINALS.get((m.group("ord") or "").lower(), 1),
                        superlative="smallest" if m.group("sup").lower() == "smallest" else "largest",
                        noun=noun,
                        confidence="medium",
                    )
                )
                break
