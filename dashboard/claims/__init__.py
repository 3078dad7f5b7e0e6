"""Geographic claims in an article, checked against the bundled geodata: extract -> measure -> judge.

- :mod:`.units`: the one table of units and hedges; quantities in text.
- :mod:`.extract`: what a sentence states about which places (typed :class:`Reading`); text only.
- :mod:`.measure`: lengths, areas, distances, borders, ranks on the bundled data (:class:`Measurement`).
- :mod:`.tolerances`: the one table of tolerances; :mod:`.judge`: the one verdict rule and ``cannot_check``.
- :mod:`.pipeline`: :func:`check_claims`; :mod:`.cli`: the ``claims`` command.
"""

from dashboard.claims.cli import claims_command
from dashboard.claims.pipeline import check_claims
from dashboard.claims.record import KINDS, Claim
from dashboard.claims.units import Quantity, find_quantities

__all__ = ["KINDS", "Claim", "Quantity", "check_claims", "claims_command", "find_quantities"]
