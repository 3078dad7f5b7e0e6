"""The rules of claims extraction as named, documented patterns over clause text; pure data.

Each pattern is matched against the text between a place mention and a number, or around a comparison
word; :mod:`dashboard.claims.extract` decides which to try where. Names say what a match means.
"""

from __future__ import annotations

import re

from dashboard import placekinds
from dashboard.claims.units import NUMBER_WORDS

#: "the pipeline", "the country", ... -> the kinds they may refer back to (each kind's ``anaphors`` in the
#: registry, :mod:`dashboard.placekinds`: "state" is a country or a province).
ANAPHOR_KINDS: dict[str, frozenset[str]] = placekinds.anaphor_kinds()
#: "the pipeline", "this country", "the Crimean peninsula": a noun phrase that refers back.
ANAPHOR_NP = re.compile(
    r"\b(?:the|this|that)\s+(?:[\w,()-]+\s+){0,3}?(" + "|".join(ANAPHOR_KINDS) + r")\b", re.IGNORECASE
)
#: "it", "its": a pronoun that refers back to the nearest place of a fitting kind.
PRONOUN = re.compile(r"\b(it|its|it's)\b", re.IGNORECASE)


# Nouns of routes whose length a number may give.
_ROUTE_NOUNS = (
    r"pipelines?|borders?|frontiers?|boundar(?:y|ies)|rivers?|cables?|routes?|coastlines?|railways?|canals?"
)
#: After a length: an optional "(760-mile)" alternative, "-long", up to 3 words, then the route noun.
LENGTH_BEFORE_NOUN = re.compile(
    r"^\s*(?P<alt>\([^()]{0,40}\))?[\s-]*(?:long\s+)?(?P<between>(?:(?!(?:from|of|to|away|in|at|by|and|or)\b)"
    rf"[\w'’.-]+\s+){{0,3}}?)(?P<noun>{_ROUTE_NOUNS})\b",
    re.IGNORECASE,
)
#: "X is 1,230 km long", "X is 500 km in length".
LENGTH_LONG = re.compile(r"^\s*(?P<alt>\([^()]{0,40}\))?[\s-]*(?:long|in\s+length)\b", re.IGNORECASE)
#: "X stretches for 1,230 km".
LENGTH_VERB_BEFORE = re.compile(
    r"\b(?:runs?|running|stretch(?:es|ing)?|extends?|extending|spans?|spanning|measures?|measuring)\s+"
    r"(?:for\s+|over\s+|some\s+|about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+)*$",
    re.IGNORECASE,
)
#: "a border of about 300km", "the pipeline, 1,230km, ...".
LENGTH_NOUN_BEFORE = re.compile(
    rf"\b(?P<noun>{_ROUTE_NOUNS})\s*(?:,|\bof|\bis|\bmeasuring|\bmeasures|\bruns(?:\s+for)?|"
    r"\bstretching(?:\s+for)?|\bstretches(?:\s+for)?)$",
    re.IGNORECASE,
)
# Compass directions in distances ("north-east of").
_DIRECTIONS = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
#: Between a distance and its object: "(466 miles) north of the Sri Lankan capital ", "from ".
DISTANCE_TO_OBJECT = re.compile(
    rf"^\s*(?P<alt>\([^()]{{0,40}}\))?\s*(?:away\s+)?(?:from|of|outside(?:\s+of)?|{_DIRECTIONS}\s+(?:of|from))\s+"
    r"(?:the\s+)?(?:centre\s+of\s+|center\s+of\s+|downtown\s+|central\s+)?"
    r"(?:(?:[\w'’-]+\s+){0,2}(?:capital|city|town|port)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
#: Between a distance's subject and the number: "X is ", "X, which lies ", "X, ", "X district ".
DISTANCE_SUBJECT_GAP = re.compile(
    r"(?:['’]s)?(?:\s+(?:district|county|province|region|state))?\s*(?:,[^,]{0,80},\s*)?"
    r"(?:(?:,\s*)?(?:which\s+|that\s+)?(?:is|are|was|were|lies|lie|lay|sits|stands|(?:is\s+)?located|"
    r"(?:is\s+)?situated|lying)\b|,)\s*$",
    re.IGNORECASE,
)
#: "X some 80 km ...", "X district some 160 km ...": a place and a hedged number with no verb between.
DISTANCE_BARE_GAP = re.compile(r"(?:\s+(?:district|county|province|region))?\s*", re.IGNORECASE)
#: A distance travelled or a zone, not the distance between two places.
DISTANCE_NOT_BETWEEN_PLACES = re.compile(
    r"\b(?:within|first|last|next|another|additional|extra|further|inside)\s*$", re.IGNORECASE
)
#: After a distance: a journey, a zone or a route ("a 300-mile drive", "a 3 km exclusion zone").
DISTANCE_TRAVELLED = re.compile(
    r"^[\s-]*(?:\([^()]*\)\s*)?(?:drive|ride|walk|journey|trip|flight|march|hike|trek|run|race|swim|stretch|"
    r"zone|radius|exclusion|cordon|buffer|perimeter|stage|leg|round\s+trip|track|line|road|highway|motorway|"
    r"link|tunnel|bridge|trail|path|corridor|section|stretch|rail|away\s+from\s+(?:the\s+)?(?:border|front))\b",
    re.IGNORECASE,
)
#: "10,000 square miles larger than", "20 km closer to": a difference between two figures, not a figure.
A_DIFFERENCE = re.compile(
    r"\s*(?:\([^()]*\)\s*)?(?:larger|bigger|smaller|more|less|greater|fewer|closer|nearer|further|farther|longer|"
    r"shorter|wider|narrower)\b",
    re.IGNORECASE,
)
#: "seized 1,000 sq km of territory", "400 square miles of forest": a part of a place or something else.
AREA_PART = re.compile(r"^\s*(?:\([^()]{0,40}\)\s*)?(?:of|in)\b", re.IGNORECASE)
#: A number that measures a portion ("the first 5,000 km²", "an additional 300 sq km", "within ...").
AREA_PORTION = re.compile(
    r"\b(?:first|last|next|another|additional|extra|further|within|across|nearly\s+all)\s*$",
    re.IGNORECASE,
)
#: Between an area's subject and the number: "X covers ", "X has an area of ", "X's area is ", "X is ".
AREA_SUBJECT_VERB = re.compile(
    r"^(?:['’]s\s+(?:total\s+|land\s+|surface\s+)?(?:area|size)\s+(?:is|was|of)\s*|"
    r"\s*(?:\([^()]*\)\s*)?(?:,[^,]{1,80},\s*)?(?:,\s*(?:which|that)\s+|\s+(?:which|that)\s+|\s+)?"
    r"(?:also\s+|now\s+|still\s+)?"
    r"(?:covers?|spans?|measures?|occupies|encompasses|"
    r"is|was|has\s+(?:an?\s+)?(?:total\s+|land\s+|surface\s+)?(?:area|size)\s+of|"
    r"(?:with|has)\s+an?\s+(?:total\s+|land\s+|surface\s+)?area\s+of)"
    r"(?:\s+(?:an?\s+)?(?:total\s+|land\s+)?area\s+of)?\s*)$",
    re.IGNORECASE,
)
#: "X, an area of ", "X, at ", "X (": an apposition that must close right after the number.
AREA_SUBJECT_APPOSITION = re.compile(
    r"^\s*(?:\(|,\s*(?:at|with|(?:covering|spanning|measuring)(?:\s+an?\s+(?:total\s+)?area\s+of)?|some|"
    r"an?\s+(?:total\s+)?(?:area|territory)\s+of)?)\s*$",
    re.IGNORECASE,
)
#: After the number of an apposition: its end (a comma, a bracket, the sentence's end).
AREA_APPOSITION_CLOSES = re.compile(r"^\s*(?:\([^()]*\)\s*)?(?:[,;)]|$|[.!?]|\s*(?:in\s+(?:area|size)))")
#: A preposition before a place ("In California, ..."): the place heads no apposition.
PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|across|of|near|from|to|at|into|over|throughout|around|outside|inside|within)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: The subject of a clause: "X is ...", "X, ..., is ...".
CLAUSE_SUBJECT = re.compile(r"\s*(?:is|was|remains|has\s+become|became)\b", re.IGNORECASE)
#: "X is the largest country in Y, at 603,500 km²": the area belongs to the clause's subject.
AREA_AT_END = re.compile(r",\s*(?:at|with|covering|an\s+area\s+of)\s*$", re.IGNORECASE)
#: "..., the pipeline covers ..." / "it covers ...": an anaphor right before the verb.
AREA_ANAPHOR = re.compile(
    r"\b(?:(?P<np>(?:the|this|that)\s+(?:[\w-]+\s+){0,2}?(?:"
    + "|".join(ANAPHOR_KINDS)
    + r"))|(?P<pro>it|which))"
    r"(?:['’]s\s+(?:total\s+)?area\s+is|\s+(?:also\s+|now\s+)?(?:covers|spans|measures|occupies|is|has\s+an\s+"
    r"area\s+of))\s*$",
    re.IGNORECASE,
)

#: "border", "land border", "frontier", "boundary".
BORDER_WORD = re.compile(r"\b(?:land\s+)?(?:borders?|frontiers?|boundar(?:y|ies))\b", re.IGNORECASE)
#: Words allowed between "6% of" and "border" ("6% of Russia's total land border").
SHARE_FILLER = frozenset(
    {"the", "its", "their", "land", "total", "entire", "whole", "combined", "external", "national", "s"}
    | {"'s", "’s", "country's", "state's"}
)
#: A border verb: "borders", "shares part of its eastern border with", "does not border".
ADJACENCY_VERB = re.compile(
    r"(?P<neg>\b(?:does\s+not|doesn['’]t|do\s+not|don['’]t|did\s+not|didn['’]t)\s+)?"
    r"\b(?:borders?\s+on|borders|bordered|bordering|border|neighbou?rs|adjoins|is\s+adjacent\s+to|"
    r"shares?\s+(?:(?:a|an|its|the|part|parts|much|most)\s+(?:[\w,.()-]+\s+){0,4}?)?borders?\s+with|"
    r"has\s+(?:a\s+)?(?:common\s+|land\s+)?borders?\s+with)\b",
    re.IGNORECASE,
)
#: After a listed object: a border verb, so that place starts the next statement, not the list.
ADJACENCY_NEXT_SUBJECT = re.compile(
    r"\s*(?:,\s*(?:which|that)\s+)?(?:also\s+|now\s+|still\s+|does\s+not\s+|doesn['’]t\s+)?"
    r"(?:borders|border|bordered|neighbou?rs|adjoins|shares?|has|is\s+adjacent)\b",
    re.IGNORECASE,
)
#: Between the subject of a border verb and the verb: "X ", "X, which also ", "X and Y all ".
ADJACENCY_SUBJECT_GAP = re.compile(
    r"^(?:['’]s)?\s*(?:,(?:[^,]|,(?=\d)){1,60},\s*)?(?:,\s*(?:which|that)\s+|\s+(?:which|that)\s+|\s)?\s*"
    r"(?:also|now|still|directly|both|all|each|itself)?\s*$",
    re.IGNORECASE,
)
#: Text ending in a verb or preposition: the place after it is an object, not a subject.
AFTER_A_VERB = re.compile(
    r"\b(?:borders?|bordered|bordering|neighbou?rs|adjoins|adjacent\s+to|with)\s+"
    r"(?:both\s+|the\s+)?$",
    re.IGNORECASE,
)
#: Between items of a list of subjects: "Lithuania, Latvia and Estonia".
LIST_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?$", re.IGNORECASE)
#: "on the Polish border", "on the border with Bolivia" (the object is the place inside or after).
ON_BORDER = re.compile(
    r"\bon\s+the\s+(?:(?P<adj>[\w'’.-]+(?:\s+[\w'’.-]+)?)\s+)?(?:border|frontier)\b(?P<prep>\s+(?:with|of)\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
#: Between the subject and "on the border": "X ", "X, a Russian enclave ", "X, which lies ".
ON_BORDER_SUBJECT_GAP = re.compile(
    r"(?:\s*,\s*(?:an?|the)\s+(?:[\w'’-]+\s+){0,4}?|\s+(?:(?:is|was|lies|sits)\s+)?(?:located\s+|situated\s+)?|"
    r"\s*,\s*which\s+(?:is|lies|sits)\s+(?:located\s+|situated\s+)?)",
    re.IGNORECASE,
)
#: "countries bordering X, such as ": then a list of X's neighbours.
NEIGHBOURS_OF = re.compile(
    r"\b(?:countries|nations|states|neighbou?rs)\s+(?:that\s+)?(?:neighbou?ring|bordering|border|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
#: "X's neighbours ", "X's northern neighbour ", "X and neighbouring ", "X and its neighbour ": then Y or a
#: list.
NEIGHBOURS_AFTER = re.compile(
    r"(?:['’]s\s+(?:[a-z-]+\s+)?neighbou?rs?|\s+and\s+(?:its\s+)?(?:neighbou?ring|neighbou?r))\s*,?\s+(?:the\s+)?",
    re.IGNORECASE,
)
#: After "countries bordering X": the start of the list of them (", such as", ", including").
NEIGHBOURS_LIST_START = re.compile(
    r"\s*,?\s*(?:such\s+as|including|like|namely|specifically(?:\s+mentioning)?|:)\s+(?:the\s+)?",
    re.IGNORECASE,
)
#: After "X and Y": "share a (long) border", "do not share a border".
PAIR_SHARE_A_BORDER = re.compile(
    r"\s+(?:both\s+|also\s+|still\s+)?(?P<neg>do\s+not\s+|don['’]t\s+)?share\s+(?:an?\s+|the\s+)?"
    r"(?:[\w,.()-]+\s+){0,3}?(?:borders?|frontiers?|boundary)\b",
    re.IGNORECASE,
)

# Number words as factors ("three times the size of").
_FACTOR_WORDS = r"|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
#: A size comparison ending right before the place compared with: "roughly twice the size of ".
SIZE_COMPARISON = re.compile(
    r"(?P<hedge>\b(?:roughly|about|around|approximately|nearly|almost|some|more\s+than|less\s+than)\s+)?"
    r"(?:\b(?P<factor>twice|double|half|(?:a|one)\s+third\s+of|(?:a|one)\s+quarter\s+of|(?:a|one)\s+fifth\s+of|"
    rf"(?P<n>\d+(?:\.\d+)?|{_FACTOR_WORDS})\s+times)\s+)?"
    r"(?P<hedge2>(?:roughly|about|around|nearly|almost)\s+)?"
    r"(?:\bthe\s+(?:size|area)\s+of|\b(?P<cmp>larger|bigger|smaller)\s+than|\bas\s+(?:big|large)\s+as)\s+"
    r"(?:(?:the\s+)?(?:(?:US|U\.S\.)\s+)?(?:state|country|province|island|region)\s+of\s+|the\s+)?$",
    re.IGNORECASE,
)
#: Between the subject of a size comparison and the comparison: "X is ", "X, ", "X covers an area ".
SIZE_SUBJECT_GAP = re.compile(
    r"^(?:['’]s\s+(?:total\s+)?area\s+is\s*|\s*(?:,\s*(?:which|that)\s+|\s+(?:which|that)\s+|\s+)"
    r"(?:is|was|are|were|covers|covering|spans|spanning)\s+(?:an?\s+(?:area|territory|country|region|island|"
    r"state)\s+)?(?:just\s+|only\s+)?|\s*(?:,|\(|—|–)\s*(?:an?\s+(?:area|territory|country|region|island|state)\s+)?"
    r"(?:just\s+|only\s+)?)$",
    re.IGNORECASE,
)
#: "Belgium and France combined", "Belgium, France and Spain": the comparison is with more than one place.
SIZE_COMBINED = re.compile(
    r"\s*(?:,|and|or|plus|&)\s+(?:the\s+)?[A-Z]|\s*(?:\w+\s+){0,4}?(?:combined|together|put\s+together)\b"
)
#: Between a stated area and a comparison: "8,000 sq km, an area ".
SIZE_AFTER_QUANTITY = re.compile(
    r"^\s*(?:\([^()]*\)\s*)?(?:,|—|–|-)?\s*(?:or\s+)?(?:an?\s+(?:area|territory|region|zone|swathe|expanse)\s+)?"
    r"(?:just\s+|only\s+)?$",
    re.IGNORECASE,
)
#: "an area the size of Wales" without a stated area or a named subject.
SIZE_UNNAMED = re.compile(
    r"\ban?\s+(?:area|territory|region|zone|swathe|expanse|patch|stretch)\s+(?:of\s+land\s+)?$", re.IGNORECASE
)
#: Words for a factor in size comparisons ("twice the size of" = 2).
SIZE_FACTORS = {"twice": 2.0, "double": 2.0, "half": 0.5, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2}

#: Ordinals in rank claims ("second-largest" = 2).
ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
# "second-largest country", "smallest state": the superlative and the noun ranked.
_RANK_TAIL = (
    r"(?:(?P<ord>second|third|fourth|fifth|2nd|3rd|4th|5th)[\s-]+)?(?P<sup>largest|biggest|smallest)\s+"
    r"(?P<noun>country|nation|state|province)\b"
)
#: "X is the largest country in ", "X, the second-largest state of the ": then the container.
RANK_BEFORE_CONTAINER = re.compile(
    r"^\s*(?:,\s*|\s+(?:is|remains|has\s+become)\s+)(?:now\s+|still\s+|also\s+)?the\s+"
    + _RANK_TAIL
    + r"\s+(?:in|of|on)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: "X is " + "Y's second largest country".
#: Present tense only: "Sudan was Africa's largest country" speaks of borders the data does not hold.
RANK_COPULA = re.compile(r"^\s*(?:,\s*|\s+(?:is|remains|has\s+become)\s+)(?:now\s+|still\s+)?$")
#: "Y's second-largest country" (Y the container) after "X is ".
RANK_POSSESSIVE = re.compile(r"['’]s\s+" + _RANK_TAIL, re.IGNORECASE)
#: A rank by something other than area.
RANK_NOT_AREA = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:by\s+(?:population|gdp|economy|output)|in\s+(?:population|terms\s+of)|economy|"
    r"producer|exporter|importer|city|cities|market|employer|population)\b",
    re.IGNORECASE,
)
