"""The one table of tolerances: how far a stated figure may be from the measured one, still consistent."""

from __future__ import annotations

from dataclasses import dataclass

#: In a rank, areas within this fraction of each other are a tie (polygons with lakes, 1:10m coastlines).
RANK_TIE: float = 0.05
#: A shared boundary shorter than this (km) is a touch at a point or a sliver, not a border.
MIN_BORDER_KM: float = 1.0
#: Two polygons sharing less than MIN_BORDER_KM but closer than this (km) touch at a point: whether they
#: border (Botswana and Zambia share 150 m at Kazungula) cannot be told at 1:10m.
TOUCH_KM: float = 1.0


@dataclass(frozen=True)
class Tolerance:
    """Slack around a stated value ``s``: consistent when the measured range reaches
    ``[s - max(short * s, floor), s + max(long * s, floor)]``.

    ``short`` is how much the measured value may fall short of the stated one, ``long`` how much it may
    exceed it (both relative); ``floor`` is an absolute minimum slack in the stated quantity's base unit
    (km, km², percentage points, or a size ratio). ``text`` says it in words for the reader.
    """

    short: float
    long: float
    floor: float
    text: str


#: Per check. Keys are the ``check`` names the measure step reports.
TOLERANCES: dict[str, Tolerance] = {
    "route_length": Tolerance(
        0.10,
        0.10,
        0.0,
        "consistent if within 10% of the computed geodesic length: the bundled routes are authored from "
        "published landfalls and waypoints at about 1:10m detail, which shortens winding lines",
    ),
    "border_length": Tolerance(
        0.25,
        0.10,
        0.0,
        "consistent if the computed border is at most 25% shorter or 10% longer than stated: Natural Earth "
        "1:10m borders lose river meanders and small bends, so they run short of official lengths "
        "(Belarus-Ukraine 862 km in the data, 1,084 km official)",
    ),
    "border_share": Tolerance(
        0.20,
        0.20,
        1.5,
        "consistent if within 1.5 percentage points or 20% (relative) of the computed share: stated shares "
        "are rounded and 1:10m borders run a few percent short of official ones",
    ),
    "adjacency": Tolerance(
        0.0,
        0.0,
        MIN_BORDER_KM,
        f"consistent if the two polygons share a boundary longer than {MIN_BORDER_KM:g} km in the 1:10m data "
        "(touching at a point is not a border)",
    ),
    "area": Tolerance(
        0.05,
        0.05,
        0.0,
        "consistent if within 5% of the computed geodesic area: 1:10m polygons keep areas within a few "
        "percent, but coastlines and lakes are generalised",
    ),
    "distance": Tolerance(
        0.35,
        0.15,
        10.0,
        "consistent if the computed geodesic distance is at most 15% longer or 35% shorter than stated (at "
        "least 10 km either way): stated distances are rounded and often by road, which runs 20-40% longer "
        "than the straight line, and a town's point is not where the story happened; when a place is an "
        "area, anywhere between the nearest-point and centre-to-centre distances counts",
    ),
    "size_ratio": Tolerance(
        0.25,
        0.25,
        0.0,
        'a size comparison ("the size of", "twice the size of", "roughly", "about") is consistent if '
        'the ratio of the two geodesic areas is within 25% of the stated factor; "larger than" needs a '
        'ratio of at least 0.95 x the factor, "smaller than" at most 1.05 x',
    ),
    "size_nearly": Tolerance(
        0.25,
        0.05,
        0.0,
        '"nearly"/"almost" the size of: consistent if the ratio of the two geodesic areas is at most 5% '
        "above and at most 25% below the stated factor",
    ),
    "size_bound": Tolerance(
        0.05,
        0.05,
        0.0,
        '"larger/bigger than" is consistent if the ratio of the two geodesic areas is at least 0.95 x the '
        'stated factor, "smaller than" if at most 1.05 x',
    ),
    "size_area": Tolerance(
        0.25,
        0.25,
        0.0,
        'a stated area compared with a place ("8,000 sq km, an area the size of X") is consistent if X\'s '
        "geodesic area is within 25% of the stated area (times the stated factor)",
    ),
    "rank": Tolerance(
        0.0,
        0.0,
        0.0,
        "consistent if the stated rank lies between the place's rank by geodesic area among sovereign "
        "countries (or states) only, places within 5% of its area counted as ties, and its rank among all "
        "bundled features of that kind in the container; membership of a continent follows Natural "
        "Earth's continent field (Russia counts as Europe), of a country its provinces",
    ),
}
