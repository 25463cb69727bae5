"""The pinned CJK font for report figures and PDF pages (Noto Sans CJK SC, Debian fonts-noto-cjk).

Matplotlib's default font has no Chinese glyphs and silently draws boxes, so every figure uses
the Noto Sans CJK file found through ``matplotlib.font_manager``; when none is installed the
report stops with a message saying how to install it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from geo.errors import ServiceCircleError
from geo.messages import both

#: Family names tried in order (Simplified Chinese face first).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP")
#: CSS font stack for the PDF/HTML pages (fontconfig resolves the same files).
CSS_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP", sans-serif'


class FontMissingError(ServiceCircleError):
    """No font with Chinese glyphs is installed."""


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, Path]:
    """(family name, file path) of the CJK font registered with matplotlib.

    Raises :class:`FontMissingError` with install instructions when no CJK font is found.

    Returns
    -------
    tuple of (str, Path)

    Raises
    ------
    FontMissingError
        When no CJK font is installed.
    """
    from matplotlib import font_manager

    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.weight in (400, "normal", "regular") or entry.name not in by_name:
            by_name.setdefault(entry.name, Path(entry.fname))
    for fam in CJK_FAMILIES:
        if fam in by_name:
            return fam, by_name[fam]
    # fonts installed after matplotlib built its cache: look on disk and register the file
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in Path(path).name or "SourceHanSans" in Path(path).name:
            font_manager.fontManager.addfont(path)
            return cjk_font.__wrapped__()
    raise FontMissingError(both("error.no_cjk_font"))


def use_cjk_font() -> str:
    """Make the CJK font matplotlib's default sans-serif; returns the family name.

    Returns
    -------
    str
        The CJK family name.

    Raises
    ------
    FontMissingError
        When no CJK font is installed.
    """
    import matplotlib

    family, _ = cjk_font()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
