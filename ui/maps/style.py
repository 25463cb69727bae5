"""Colours and fixed styles of the map layers (one place, shared by layers and the legend)."""

from __future__ import annotations

import math
from typing import Callable

ISO_COLOURS = {5: "#1a9850", 8: "#66bd63", 10: "#fdae61", 15: "#f46d43"}
SHARE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
SHARE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
GAP_COLOUR = "#b2182b"
CENTER_COLOUR = "#c62828"
STATION_COLOUR = "#e53935"
PROPOSAL_COLOUR = "#1565c0"
DEMO_RING = "#f9a825"


def iso_colour(minutes: float) -> str:
    if minutes in ISO_COLOURS:
        return ISO_COLOURS[minutes]
    keys = sorted(ISO_COLOURS)
    k = min(keys, key=lambda v: abs(v - minutes))
    return ISO_COLOURS[k]


def share_colour(share) -> str:
    try:
        s = float(share)
    except (TypeError, ValueError):
        return "#bdbdbd"
    if not math.isfinite(s):
        return "#bdbdbd"
    for i in range(len(SHARE_COLOURS)):
        if s <= SHARE_BINS[i + 1] + 1e-12:
            return SHARE_COLOURS[i]
    return SHARE_COLOURS[-1]


def const_style(style: dict) -> Callable[[dict], dict]:
    """A Folium style function giving every feature the same ``style``."""
    return lambda _feature: style
