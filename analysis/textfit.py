"""Bounded text for display: long names are shortened with an ellipsis on maps and in PDF/HTML
tables, so a hostile or careless 100,000-character name cannot stall a report or bury a map.

Full text is kept where data lives (XLSX cells, GeoPackage attributes); only what is drawn or
typeset is shortened. Lengths count characters (a Chinese character is one).
"""

from __future__ import annotations

from typing import Any

#: longest name drawn in a map popup, tooltip or label (characters)
MAP_CHARS = 40
#: longest text typeset in one PDF/HTML table cell (characters)
TABLE_CHARS = 60
ELLIPSIS = "…"


def shorten(text: Any, max_chars: int = MAP_CHARS) -> str:
    """``text`` as a string of at most ``max_chars`` characters, ending in "…" when cut.

    Parameters
    ----------
    text : Any
        Value to display; None gives "", anything else is converted with ``str``.
    max_chars : int
        Longest result in characters (ellipsis included); :data:`MAP_CHARS` by default.

    Returns
    -------
    str
        ``text`` unchanged when short enough, else its start (trailing spaces removed) plus "…".
    """
    s = "" if text is None else str(text)
    if len(s) <= max_chars:
        return s
    return s[: max(max_chars - 1, 0)].rstrip() + ELLIPSIS
