"""The one registry of place kinds: what a country, a sea or a pipeline is to every part of the dashboard.

The gazetteer reads the layer file of a kind, the geoparser its prior, the claims whether it has an area and
which nouns refer back to it, the report and the map its label and style. A new kind is one :class:`PlaceKind`
entry in :data:`KINDS` (and its features in geodata/); no other module keeps a table of kinds. A rule that
singles out a kind by name ("the largest *country* in Europe") names it, and tests/test_placekinds.py checks
that every such name is a kind here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Geometry = Literal["polygon", "line", "point"]


class MentionType(StrEnum):
    """How the text names a place: the name itself, an adjective, a metonym or an alliance's name.

    A ``StrEnum``: its members compare equal to the strings written in exports ("literal", ...).
    """

    LITERAL = "literal"  # "Ukraine", "Crimea"
    DEMONYM = "demonym"  # "Ukrainian", "Russian forces"
    METONYMIC = "metonymic"  # "the Kremlin", "Washington said"
    ALLIANCE = "alliance"  # "NATO", "the EU"


@dataclass(frozen=True)
class LayerStyle:
    """How one kind of place is drawn and labelled on the map.

    A *container* kind (regions, continents, alliances) holds the countries and cities an article is about:
    it is drawn under them, and only its outline takes clicks, so a click inside Ukraine reaches Ukraine
    rather than "Former Soviet Union".
    """

    kind: str
    label: str
    color: str
    fill_opacity: float
    weight: float = 1.5
    dash: str | None = None
    container: bool = False


@dataclass(frozen=True)
class PlaceKind:
    """One kind of place and everything the dashboard knows about it.

    Attributes
    ----------
    name:
        The kind as written in exports and the gazetteer ("country", "sea").
    layer_file:
        Stem of the bundled layer ``geodata/<stem>.shp.zip`` holding its features; None when the geometry is
        made from other places (an alliance is the union of its members on a date).
    prior:
        The geoparser's prior for a candidate of this kind before any context; None where the prior depends
        on the place (a city's population).
    geometry:
        What a feature of this kind is drawn as: a polygon, a line (a route) or a point.
    area_metric:
        Whether it is an area the claims measure: the subject of an area or size claim, or what "it covers
        ..." refers back to. (The dashboard's area panel counts countries only.)
    rough:
        Whether its polygons are authored or generalised beyond 1:10m, so measurements are rougher.
    group:
        Whether it groups whole countries (an alliance, a continent): it does not steer the map's view and
        gets no name on the map.
    anaphors:
        Nouns that refer back to a place of this kind ("the country", "this sea").
    style:
        How the map draws it.
    """

    name: str
    layer_file: str | None
    prior: float | None
    geometry: Geometry
    area_metric: bool
    rough: bool
    group: bool
    anaphors: tuple[str, ...]
    style: LayerStyle


def _kind(
    name: str,
    label: str,
    *,
    layer_file: str | None,
    prior: float | None,
    geometry: Geometry = "polygon",
    area_metric: bool = False,
    rough: bool = False,
    group: bool = False,
    anaphors: tuple[str, ...] = (),
    color: str,
    fill_opacity: float,
    weight: float = 1.5,
    dash: str | None = None,
    container: bool = False,
) -> PlaceKind:
    style = LayerStyle(name, label, color, fill_opacity, weight, dash, container)
    return PlaceKind(name, layer_file, prior, geometry, area_metric, rough, group, anaphors, style)


#: Every place kind, in the map's drawing order (bottom first): containers under seas under countries,
#: points on top, so specific features stay visible and clickable above large ones.
KINDS: tuple[PlaceKind, ...] = (
    _kind("continent", "Continents", layer_file="regions", prior=2.9, area_metric=True, group=True,
          color="#7f7f7f", fill_opacity=0.03, weight=1.0, dash="2 4", container=True),
    _kind("alliance", "Alliances", layer_file=None, prior=3.0, group=True,
          color="#2c7fb8", fill_opacity=0.04, weight=2.0, dash="6 4", container=True),
    _kind("region", "Regions", layer_file="regions", prior=2.7, area_metric=True, rough=True,
          anaphors=("peninsula", "region", "territory"),
          color="#e66101", fill_opacity=0.12, weight=2.0, container=True),
    _kind("sea", "Seas", layer_file="seas", prior=2.7, area_metric=True, rough=True, anaphors=("sea",),
          color="#0570b0", fill_opacity=0.45, weight=1.2),
    # The USSR, West Germany: a state on its dates (see dashboard.historic), drawn dashed under today's
    # countries it overlaps.
    _kind("historic_state", "Historic states", layer_file="historic", prior=3.0,
          color="#8c510a", fill_opacity=0.3, weight=2.0, dash="4 3"),
    _kind("country", "Countries", layer_file="countries", prior=3.0, area_metric=True,
          anaphors=("country", "nation", "state", "territory"),
          color="#a50f15", fill_opacity=0.55, weight=1.0),
    _kind("province", "Provinces", layer_file="provinces", prior=2.3, area_metric=True,
          anaphors=("state", "peninsula", "region", "province", "oblast", "territory"),
          color="#6a3d9a", fill_opacity=0.45, weight=1.2),
    # US counties: the state named in the article decides between same-named ones; drawn thin above states.
    _kind("county", "Counties", layer_file="counties", prior=2.0,
          color="#8c6bb1", fill_opacity=0.35, weight=0.8),
    _kind("pipeline", "Infrastructure", layer_file="pipelines", prior=2.7, geometry="line",
          anaphors=("pipeline",), color="#111111", fill_opacity=1.0, weight=4.0),
    _kind("city", "Cities", layer_file="cities", prior=None, geometry="point", anaphors=("city", "capital"),
          color="#d7301f", fill_opacity=0.85, weight=1.5),
)  # fmt: skip

#: The registry by kind name.
BY_NAME: dict[str, PlaceKind] = {k.name: k for k in KINDS}


def kinds_where(**attrs: object) -> frozenset[str]:
    """Names of the kinds whose attributes equal ``attrs``: ``kinds_where(geometry="point")``."""
    return frozenset(k.name for k in KINDS if all(getattr(k, a) == v for a, v in attrs.items()))


def get(name: str) -> PlaceKind | None:
    """The registry entry of kind ``name``, or None for a kind the registry does not know."""
    return BY_NAME.get(name)


def anaphor_kinds() -> dict[str, frozenset[str]]:
    """Each anaphoric noun ("state") and the kinds it may refer back to ({"country", "province"})."""
    out: dict[str, set[str]] = {}
    for k in KINDS:
        for noun in k.anaphors:
            out.setdefault(noun, set()).add(k.name)
    return {noun: frozenset(kinds) for noun, kinds in out.items()}
