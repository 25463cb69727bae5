"""What a click on a service site shows: popup HTML (name, level, hours, 3+1+N functions or
amenities, residents served) and the SVG marker.

Columns are found by the headers ``geo.schemas`` accepts for each field (canonical name,
Chinese header and aliases), so a layer with raw headers pops up the same as a read one.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.textfit import shorten
from geo.schemas import CENTER_FUNCTIONS, CENTERS, STATION_AMENITIES, STATIONS
from ui.i18n import t
from ui.maps.style import CENTER_COLOUR, DEMO_RING, PROPOSAL_COLOUR, STATION_COLOUR

NAME_COLS = tuple(dict.fromkeys(CENTERS.field("name").all_aliases() + STATIONS.field("name").all_aliases()))
LEVEL_COLS = CENTERS.field("level").all_aliases()
HOURS_COLS = CENTERS.field("opening_hours").all_aliases()
FUNC_COLS = CENTERS.field("functions").all_aliases()
AMENITY_COLS = STATIONS.field("amenities").all_aliases()
DEMO_SITE_COLS = CENTERS.field("demonstration").all_aliases()
#: not layer fields: residents served from a coverage run (``load_pop``), site kind set by the app
SERVED_COLS = ("load_pop", "residents_served", "served_pop")
KIND_COLS = ("kind", "type", "类型")


def first_value(row: pd.Series | dict, names: Sequence[str], default=None):
    """The first non-empty value among the columns ``names`` of ``row``, else ``default``."""
    for n in names:
        if n in row:
            v = row[n]
            if v is None:
                continue
            try:
                if not isinstance(v, (list, tuple, np.ndarray)) and pd.isna(v):
                    continue
            except (TypeError, ValueError):
                pass
            if isinstance(v, str) and not v.strip():
                continue
            return v
    return default


def list_text(v, lang: str = "zh") -> str:
    """A list (or a text separated by ; , 、) joined the way the language writes lists."""
    sep = ", " if lang == "en" else "、"
    if isinstance(v, (list, tuple, np.ndarray)):
        return sep.join(str(x) for x in v)
    return sep.join(p.strip() for p in re.split(r"[;；,，、|]+", str(v)) if p.strip())


def is_true(v) -> bool:
    """Yes/no from bools, numbers, Chinese/English words; missing (None, NaN, pd.NA) is no."""
    if v is None or v is pd.NA:
        return False
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y", "是", "示范", "t")
    try:
        if pd.isna(v):
            return False
    except (TypeError, ValueError):
        pass
    try:
        return bool(v)
    except (TypeError, ValueError):
        return False


def site_kind(row) -> str:
    """"center" or "station" from a kind/type column (zh or en values)."""
    v = str(first_value(row, KIND_COLS, "center")).lower()
    return "station" if ("station" in v or "驿站" in v) else "center"


LEVELS = ("street", "community", "compound")  # names: ui.level_name_<level>


def _functions_text(row, lang: str) -> str | None:
    """3+1+N: the three base functions present, the one featured space, the N flexible spaces."""
    parts = [(zh if lang != "en" else en) for col, zh, en in CENTER_FUNCTIONS if col in row and is_true(row[col])]
    featured = first_value(row, ("featured_space",))
    if featured is not None:
        parts.append(t("featured_space", lang, spaces=list_text(featured, lang)))
    flexible = first_value(row, ("flexible_spaces",))
    if flexible is not None:
        parts.append(t("flexible_spaces", lang, spaces=list_text(flexible, lang)))
    extra = first_value(row, FUNC_COLS)
    if extra is not None and not parts:  # a free-text list only when the 3+1+N columns are absent
        parts.append(list_text(extra, lang))
    return ("、" if lang != "en" else ", ").join(parts) if parts else None


def _amenities_text(row, lang: str) -> str | None:
    """A red station's amenities present (饮水机、电冰箱…) and any free-text list."""
    parts = [(zh if lang != "en" else en) for col, zh, en in STATION_AMENITIES if col in row and is_true(row[col])]
    extra = first_value(row, AMENITY_COLS)
    if extra is not None:
        parts.append(list_text(extra, lang))
    return ("、" if lang != "en" else ", ").join(parts) if parts else None


def site_popup_html(row, kind: str, lang: str = "zh") -> str:
    """Popup HTML for a center or station: name, level, hours, 3+1+N functions / amenities, served."""
    name = first_value(row, NAME_COLS, first_value(row, ("center_id", "site_id", "id"), ""))
    rows: list[tuple[str, str]] = [(t("kind", lang), t("kind_" + kind, lang))]
    level = first_value(row, LEVEL_COLS)
    if level is not None:
        rows.append((t("level", lang), t(f"level_name_{level}", lang) if str(level) in LEVELS else str(level)))
    hours = first_value(row, HOURS_COLS)
    if hours is not None:
        rows.append((t("opening_hours", lang), str(hours)))
    if kind == "center":
        f = _functions_text(row, lang)
        if f is not None:
            rows.append((t("functions", lang), f))
    else:
        am = _amenities_text(row, lang)
        if am is not None:
            rows.append((t("amenities", lang), am))
    served = first_value(row, SERVED_COLS)
    if served is not None:
        try:
            rows.append((t("residents_served", lang), f"{int(round(float(served))):,}"))
        except (TypeError, ValueError):
            pass
    if is_true(first_value(row, DEMO_SITE_COLS, False)):
        rows.append((t("demonstration", lang), "★"))
    if is_true(first_value(row, ("off_network",), False)):
        rows.append(("⚠", t("off_network", lang)))
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f'<div class="sc-pop"><b style="font-size:14px">{html.escape(shorten(name))}</b><table>{body}</table></div>'


def site_icon_svg(kind: str, demonstration: bool = False, proposed: bool = False) -> str:
    """Inline SVG: house-shaped square for centers, round dot for stations; gold ring for demonstration."""
    ring = f'stroke="{DEMO_RING}" stroke-width="3"' if demonstration else 'stroke="#ffffff" stroke-width="2"'
    colour = PROPOSAL_COLOUR if proposed else (CENTER_COLOUR if kind == "center" else STATION_COLOUR)
    dash = ' stroke-dasharray="3 2"' if proposed else ""
    if kind == "center":
        shape = f'<path d="M11 2 L20 9 L20 20 L2 20 L2 9 Z" fill="{colour}" {ring}{dash}/>'
        mark = '<rect x="8.5" y="12" width="5" height="8" fill="#ffffff"/>'
    else:
        shape = f'<circle cx="11" cy="11" r="8" fill="{colour}" {ring}{dash}/>'
        mark = '<circle cx="11" cy="11" r="3" fill="#ffffff"/>'
    return (f'<svg width="22" height="22" viewBox="0 0 22 22">'
            f"{shape}{mark}</svg>")
