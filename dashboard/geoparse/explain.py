"""Why a mention resolved as it did: the rules and features that decided, the runner-up, and one line for a
reader ("the country, not the US state: Tbilisi is named in the article"). Built only when asked."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from dashboard import lexicon
from dashboard.geoparse import features
from dashboard.geoparse.features import Context, Ranked, Votes
from dashboard.geoparse.records import Candidate, Contribution, Notes, RunnerUp, Span, Why
from dashboard.placekinds import MentionType

# "a native of", "born in", "from" right before a name, for the summary.
_ORIGIN_CUE = re.compile(
    r"(?:" + "|".join(r"[ \t]+".join(map(re.escape, c.split())) for c in lexicon.ORIGIN_CUES) + r")[ \t]+$",
    re.IGNORECASE,
)

#: How each rule that removes a reading reads in a summary ("..., not the town: <reason>").
RULE_REASONS: dict[str, str] = {
    "title_before_name": "a title before the name makes it a person's",
    "state_cue": "the text calls it a state",
    "state_abbreviation_without_period": "a state's abbreviation needs its period",
    "acronym": "an acronym is a place only when the place's own name is one",
    "given_name_before": "a given name before it makes it a surname",
    "given_name_then_surname": "it is a given name before a surname",
    "person_speaking": "a person speaks under that name",
    "person_before_verb": "a person acts under that name",
    "common_word": "the word is a common word",
    "common_noun_town": "a town named by a common noun needs its state named",
    "organisation_head": "it heads an organisation's name",
    "possessive_small_town": "a small town in the possessive is a firm's or a person's name",
    "part_of_person_name": "a capitalised neighbour makes it part of a person's name",
    "known_person": "the word names a person elsewhere in the article",
    "person_name_at_sentence_start": "a common personal name opens the sentence",
    "alternate_name_at_sentence_start": "a town's other name opening a sentence is weak evidence",
    "stated_container": "the text states where it is",
    "origin_country": "after an origin cue a country is meant",
}

_KIND_PHRASES = {
    "country": "the country",
    "province": "the province",
    "city": "the city",
    "county": "the county",
    "region": "the region",
    "sea": "the sea",
    "continent": "the continent",
    "alliance": "the alliance",
    "historic_state": "the historic state",
    "pipeline": "the pipeline",
}

#: A city under this population is called a town in summaries.
TOWN_MAX = 100_000

#: At most this many supporting places are named in a summary ("Atlanta and Savannah are named").
EVIDENCE_NAMES = 2


class Round(NamedTuple):
    """The resolver's last round: groups of alike spans, their contexts, the picks voted with and the votes,
    each group's own result, the results after one sense per discourse and where each came from."""

    spans: list[Span]
    gid: list[int]
    g_spans: list[Span]
    surfs: list[str]
    ctxs: list[Context]
    voted: list[Candidate]
    votes: Votes
    own: list[Ranked]
    ranked: list[Ranked]
    source: list[int]


class Explainer:
    """Builds each mention's :class:`~dashboard.geoparse.records.Why` from the resolver's last round."""

    def __init__(
        self, text: str, info: Callable[[str], tuple[Any, ...] | None], notes: Notes, rnd: Round
    ) -> None:
        self.text = text
        self.info = info
        self.notes = notes
        self.r = rnd

    # -- records ---------------------------------------------------------------------------------------------

    def why(self, k: int, fallback: bool, pinned: bool, metonymic: bool) -> Why:
        """The why of span ``k`` (an index into the resolver's spans)."""
        r = self.r
        g = r.gid[k]
        res, src = r.ranked[g], r.source[g]
        chosen = res.cand
        sp = r.spans[k]
        removed = self.notes.removed.get(sp.start, [])
        rules = [name for name, _c in removed]
        if sp.start in self.notes.container:
            rules.append("stated_container")
        if sp.start in self.notes.origin:
            rules.append("origin_country")
        rules = _unique(rules)
        if src != g:
            rules.append("one_sense_per_discourse")
        if res.area_over_town:
            rules.append("area_over_small_town")
        if metonymic:
            rules.append("metonymic_capital")
        contrib: list[tuple[str, float]] = []
        features.score(chosen, r.ctxs[src], r.votes, contrib)
        runner: RunnerUp | None = None
        ru_contrib: list[tuple[str, float]] = []
        other = r.own[g] if src != g else None
        if other is not None and other.cand.place_id != chosen.place_id:
            runner = self._runner(other.cand, other.score)
            features.score(other.cand, r.ctxs[g], r.votes, ru_contrib)
        elif res.runner_up is not None:
            runner = self._runner(res.runner_up.cand, res.runner_up.score)
            features.score(res.runner_up.cand, r.ctxs[src], r.votes, ru_contrib)
        else:
            for name, c in removed:
                if c.place_id != chosen.place_id:
                    runner = self._runner(c, None, name)
                    break
        summary = self._summary(k, g, src, chosen, runner, contrib, ru_contrib, rules, fallback, pinned)
        return Why(
            summary,
            tuple(rules),
            tuple(Contribution(n, v) for n, v in contrib),
            res.score,
            runner,
        )

    def county(self, k: int, state: str) -> Why:
        """The why of an "X County" the gazetteer lacks, resolved to the article's US state."""
        info = self.info(state)
        name = info[0] if info else state
        sp = self.r.spans[k]
        word = self.text[sp.start : sp.end]
        summary = f"the US state: the gazetteer has no {word}, and the article is about {name}"
        return Why(summary, ("county_in_article_state",), (), None, None)

    def _runner(self, c: Candidate, score: float | None, removed_by: str | None = None) -> RunnerUp:
        info = self.info(c.place_id)
        name = info[0] if info else c.name
        return RunnerUp(
            c.place_id, name, c.kind, c.country, None if score is None else round(score, 3), removed_by
        )

    # -- the one-line summary -------------------------------------------------------------------------------

    def _summary(
        self,
        k: int,
        g: int,
        src: int,
        chosen: Candidate,
        runner: RunnerUp | None,
        contrib: list[tuple[str, float]],
        ru_contrib: list[tuple[str, float]],
        rules: list[str],
        fallback: bool,
        pinned: bool,
    ) -> str:
        sp = self.r.spans[k]
        word = self.text[sp.start : sp.end]
        if fallback:
            where = self.notes.container.get(sp.start) or self._name(chosen.place_id, chosen.name)
            return f"{self._phrase(chosen)}: the text places {word} in {where}, where the gazetteer has none"
        head = self._phrase(chosen) if runner is None else self._pair(chosen, runner)
        if runner is None:
            if chosen.type == MentionType.DEMONYM:
                return f'{head}: "{word}" is its adjective'
            if chosen.type == MentionType.METONYMIC:
                return f'{head}: "{word}" stands for it'
            return f"{head}: the only place of this name"
        if "stated_container" in rules and pinned:
            where = self.notes.container.get(sp.start) or self._container(chosen)
            return f"{head}: the text places it in {where}"
        if "origin_country" in rules:
            cue = _ORIGIN_CUE.search(self.text[max(0, sp.start - 24) : sp.start])
            said = f'after "{cue.group().strip()}"' if cue else "after an origin cue"
            return f"{head}: {said} a country is meant"
        if "one_sense_per_discourse" in rules:
            where = self._name(chosen.place_id, chosen.name)
            return f"{head}: the same name means {where} elsewhere in the article"
        if "area_over_small_town" in rules:
            return f"{head}: a small town of this name needs more support in the article"
        if runner.score is None and runner.removed_by is not None:
            return f"{head}: {RULE_REASONS.get(runner.removed_by, runner.removed_by.replace('_', ' '))}"
        return f"{head}: {self._feature_reason(g, src, chosen, contrib, ru_contrib)}"

    def _feature_reason(
        self,
        g: int,
        src: int,
        chosen: Candidate,
        contrib: list[tuple[str, float]],
        ru_contrib: list[tuple[str, float]],
    ) -> str:
        """The reason of the feature that most separates the pick from the runner-up."""
        mine = dict(contrib)
        theirs = dict(ru_contrib)
        gaps = {n: mine.get(n, 0.0) - theirs.get(n, 0.0) for n in {*mine, *theirs}}
        # The runner-up's penalty is a reason too ("unsupported_small_town": its country is never named).
        name = max(sorted(gaps), key=lambda n: gaps[n])
        if gaps[name] <= 0:
            return "it scores higher"
        surf = self.r.surfs[src]
        if name == "prior":
            return "the more prominent place of this name"
        if name == "country_named":
            return self._named(self._voters(surf, lambda b: b.country == chosen.country))
        p = chosen.province
        if name == "state_named" and p:
            return f"its state, {self._name(p, p)}, is named in the article"
        if name == "state_share" and p:
            return self._named(self._voters(surf, lambda b: b.place_id != p and b.province == p))
        if name == "unsupported_small_town":
            return "the town's country is not named in the article"
        if name == "appositive_container":
            return "the state or country named right after it holds it"
        if name.startswith("holds_town_before"):
            return "it holds the town named right before it"
        if name == "list_kind":
            return "it is listed among places of its kind"
        if name == "near_other_cities":
            return "it lies near the article's other cities"
        if name == "town_in_named_county":
            return "the article names a county that holds the town"
        if name == "capital":
            return "a national capital"
        return name.replace("_", " ")

    def _voters(self, surf: str, supports: Callable[[Candidate], bool]) -> list[str]:
        """The text of the article's other words whose pick ``supports`` a reading, first occurrence first."""
        r = self.r
        found = sorted(
            (sp.start, self.text[sp.start : sp.end])
            for sp, s, b in zip(r.g_spans, r.surfs, r.voted, strict=True)
            if s != surf and supports(b)
        )
        return list(dict.fromkeys(h for _start, h in found))

    @staticmethod
    def _named(names: Sequence[str]) -> str:
        if not names:
            return "the article's other places support it"
        if len(names) == 1:
            return f"{names[0]} is named in the article"
        shown = list(names[:EVIDENCE_NAMES])
        more = len(names) - len(shown)
        if more:
            return (
                f"{', '.join(shown)} and {more} other place{'s' if more > 1 else ''} are named in the article"
            )
        return f"{' and '.join(shown)} are named in the article"

    def _name(self, pid: str | None, default: str) -> str:
        if not pid:
            return default
        info = self.info(pid)
        return str(info[0]) if info else default

    def _in_country(self, phrase: str, iso3: str | None) -> str:
        """ " in France" (nothing where the phrase already says it: "the US state")."""
        if not iso3 or phrase.startswith("the US "):
            return ""
        return f" in {COUNTRY_SHORT.get(iso3) or self._name(f'country:{iso3}', iso3)}"

    def _container(self, c: Candidate) -> str:
        if c.kind in ("city", "county") and c.province:
            return self._name(c.province, c.province)
        if c.kind == "province" or c.kind == "country":
            return self._name(c.place_id, c.name)
        return self._name(f"country:{c.country}", c.country or "its container")

    @staticmethod
    def _phrase(c: Candidate | RunnerUp, population: int | None = None) -> str:
        kind = c.kind
        if kind == "province" and c.country == "USA":
            return "the US state"
        if kind == "city":
            pop = population if population is not None else getattr(c, "population", TOWN_MAX)
            return "the city" if pop >= TOWN_MAX else "the town"
        return _KIND_PHRASES.get(kind, f"the {kind}")

    def _pair(self, chosen: Candidate, runner: RunnerUp) -> str:
        """ "the country, not the US state"; places of one kind are told apart by country, then state."""
        info = self.info(runner.place_id)
        ru_pop = int(info[3]) if info and info[3] is not None else TOWN_MAX
        a, b = self._phrase(chosen), self._phrase(runner, ru_pop)
        if chosen.kind == runner.kind and chosen.country != runner.country:
            a += self._in_country(a, chosen.country)
            b += self._in_country(b, runner.country)
        elif chosen.kind == runner.kind and chosen.kind in ("city", "county"):
            ru_prov = info[4] if info else None
            if chosen.province and ru_prov and chosen.province != ru_prov:
                a += f" in {self._name(chosen.province, chosen.province)}"
                b += f" in {self._name(ru_prov, ru_prov)}"
        return f"{a}, not {b}"


#: Short names of countries in summaries ("the town in the US").
COUNTRY_SHORT = {"USA": "the US", "GBR": "the UK"}


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
