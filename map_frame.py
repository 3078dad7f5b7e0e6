"""The article map's Streamlit component: folium's map drawn by a small hand-written page, no React bundle.

``frontend/map_frame/index.html`` speaks Streamlit's component protocol itself and loads Leaflet from the
app's static folder with plain tags, so a new page's map frame fetches a few kilobytes of its own and
Leaflet, where streamlit-folium's frame fetched a 225 KB React bundle first. The map's arguments are the
ones streamlit-folium makes (its own ``st_folium`` code, :data:`st_folium_args`); the page keeps its
behaviour: the first render builds the map, a later one swaps only the place layers and the layer control.

A root module, not part of ``dashboard``: the server's warm-up (``launch.py``) does not import it, since a
component declared outside a script run is never registered (a blank frame).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit.components.v1 as components
from streamlit_folium import st_folium

#: The component's page (committed; nothing to build).
FRONTEND: Path = Path(__file__).resolve().parent / "frontend" / "map_frame"
#: The component's name; Streamlit calls it ``map_frame.leaflet`` (the iframe's title, in its URL path).
NAME = "leaflet"
_component = components.declare_component(NAME, path=str(FRONTEND))

#: The arguments the page reads (see its header comment); streamlit-folium's others are left out.
ARGS: tuple[str, ...] = (
    "script",
    "header",
    "html",
    "height",
    "feature_group",
    "layer_control",
    "css_links",
    "js_links",
    "key",
)


def _component_args(**kwargs: Any) -> dict[str, Any]:
    return kwargs


#: streamlit-folium's own ``st_folium`` (the same code), returning the arguments it would send to its
#: component instead of sending them: the rendered map, its layers and control, and the component's key
#: (a hash of the map's script: another map gets a new frame, a filter change keeps the frame).
st_folium_args: Callable[..., dict[str, Any]] = types.FunctionType(
    st_folium.__code__,
    {**st_folium.__globals__, "_component_func": _component_args},
    "st_folium_args",
    st_folium.__defaults__,
)


def map_args(
    m: folium.Map,
    groups: Sequence[folium.FeatureGroup],
    *,
    height: int,
    key: str = "map",
) -> dict[str, Any]:
    """Render ``m`` and its place layers ``groups`` into the arguments of :func:`show`.

    Parameters
    ----------
    m : folium.Map
        The map without the place layers.
    groups : sequence of folium.FeatureGroup
        The place layers, listed in a layer control (expanded).
    height : int
        The frame's height in pixels (it takes the container's full width).
    key : str
        Part of the component's key.

    Returns
    -------
    dict
        JSON-ready arguments; the same map and layers give the same arguments.
    """
    args = st_folium_args(
        m,
        key=key,
        height=height,
        returned_objects=[],
        feature_group_to_add=list(groups) or None,
        layer_control=folium.LayerControl(collapsed=False),
    )
    return {k: args[k] for k in ARGS}


def show(args: dict[str, Any]) -> None:
    """Send the map (:func:`map_args`) to the page; its value becomes ``{"drawn": true}`` once drawn."""
    _component(**args, default=None)
