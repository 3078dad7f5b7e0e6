"""Text -> place mentions -> resolved places: a package of stages with typed records between them; pure.

Stages, in order (records in :mod:`~dashboard.geoparse.records`):

- :mod:`~dashboard.geoparse.matcher`: candidate spans from the names index (:class:`Span`, :class:`Candidate`)
- :mod:`~dashboard.geoparse.cues`: the cues of each span, computed once (:class:`SpanCues`)
- :mod:`~dashboard.geoparse.rules`: the reader's rules, as tables of named functions
- :mod:`~dashboard.geoparse.uslocal`: US counties and states
- :mod:`~dashboard.geoparse.relations`: appositives, lists, stated containers
- :mod:`~dashboard.geoparse.features`: priors and the ranking features' weights (one table)
- :mod:`~dashboard.geoparse.resolve`: votes over rounds, one sense per discourse -> :class:`Mention`
- :mod:`~dashboard.geoparse.explain`: the :class:`Why` of each mention, when asked
- :mod:`~dashboard.geoparse.frame`: the places frame

The stages may run compiled (:mod:`dashboard.native`: the same source built with mypyc by scripts/setup.sh);
:func:`compiled` says whether they do.
"""

from dashboard import native

# Before any stage is imported: a current build's extension modules come first (none: the .py files run).
_COMPILED = native.prepend_to(__path__, __name__)


from dashboard.geoparse.features import FEATURES, WEIGHTS
from dashboard.geoparse.frame import geoparse_article, places_frame
from dashboard.geoparse.parser import Geoparser, build_index, default_parser, geoparse
from dashboard.geoparse.records import Candidate, Contribution, Mention, RunnerUp, Span, SpanCues, Why
from dashboard.geoparse.resolve import MIN_SCORE
from dashboard.geoparse.rules import CANDIDATE_RULES, CONTAINER_CONFIDENCE, SPAN_RULES


def compiled() -> bool:
    """Whether the stages run compiled: a mypyc build of these very sources was found (see
    :mod:`dashboard.native`)."""
    return _COMPILED


__all__ = [
    "CANDIDATE_RULES",
    "CONTAINER_CONFIDENCE",
    "FEATURES",
    "MIN_SCORE",
    "SPAN_RULES",
    "WEIGHTS",
    "Candidate",
    "Contribution",
    "Geoparser",
    "Mention",
    "RunnerUp",
    "Span",
    "SpanCues",
    "Why",
    "build_index",
    "compiled",
    "default_parser",
    "geoparse",
    "geoparse_article",
    "places_frame",
]
