"""Column widths of the PDF's tables, computed from the cell texts (issue 16, target 4).

WeasyPrint's automatic table layout measures every cell twice (its widest and narrowest
possible line); a Chinese cell is measured character by character, since a line may break
between any two ideographs. For the sample city's ~4,000 cells that was about 40 % of the
layout time. The PDF therefore uses ``table-layout: fixed`` with explicit column widths
(``<col style="width: …%">``) that this module computes the way the automatic layout does
(CSS 2.1 §17.5.2.2, as in ``weasyprint.layout.table.auto_table_layout``): every column's
narrowest (min-content) and widest (max-content) width from the advance widths of the pinned
font (Noto Sans CJK SC, :data:`REGULAR` / :data:`BOLD` below, per 1,000 units of the em);
the columns get their widest widths plus the spare width in proportion when those fit the
page, otherwise their narrowest plus the rest in proportion to what each one lacks.

Measured on the sample city's PDF (the same HTML typeset in-process, three interleaved runs
each, CPU s, load average ~4): WeasyPrint's styles + layout 2.84 / 2.94 / 2.89 (automatic) ->
2.35 / 2.24 / 2.13 (fixed, these widths); the whole PDF 4.4–4.8 -> 3.6–4.1. The widths are
within 0.6 mm of the automatic layout's for every table; the text is the same (pdftotext:
the same words and numbers; only where a page ends moves, so one repeated table header
fewer/more) and the report has 27 pages instead of 28.
"""

from __future__ import annotations

import re
import unicodedata

#: Advance widths (1/1000 em) of the printable ASCII characters 32–126 in Noto Sans CJK SC
#: Regular and Bold (read from the fonts-noto-cjk files with fontTools).
REGULAR = (224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555,
           555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589, 552, 689, 728,
           293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338,
           555, 559, 606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388,
           468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555)
BOLD = (227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590, 590, 590,
        590, 590, 590, 590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615, 585, 717, 757, 330,
        568, 686, 578, 853, 749, 770, 667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590,
        567, 626, 591, 644, 527, 644, 581, 372, 597, 640, 304, 306, 604, 315, 964, 641, 626, 644, 644, 436, 495,
        421, 637, 576, 863, 562, 574, 511, 378, 296, 378, 590)
#: Other characters that are not a full em wide in that font.
OTHER = {"—": 894, "–": 536, "°": 370, "é": 554, "ü": 607, "ö": 606, "ä": 563}

#: Geometry of the PDF's tables (``analysis.report.sections``: A4, 15 mm side margins,
#: 8.3 pt text, 1.5 mm side padding, 0.6 px borders), in millimetres.
PAGE_WIDTH_MM = 210.0 - 2 * 15.0
FONT_MM = 8.3 * 25.4 / 72
PADDING_MM = 2 * 1.5 + 0.6 * 25.4 / 96
#: Spare width per column (mm) so that a rounding or kerning difference never pushes a
#: one-line cell onto two lines.
SLACK_MM = 0.4

#: Where a line may break: after a space, around an ideograph (not before closing
#: punctuation, not after opening punctuation), the way the line breaker treats Chinese text.
_CLOSING = set("，。、；：？！）】》」』”’%％…·")
_OPENING = set("（【《「『“‘")
_SPACE = re.compile(r"\s+")


def _em(ch: str, bold: bool) -> int:
    """Advance width of one character (1/1000 em)."""
    o = ord(ch)
    if 32 <= o <= 126:
        return (BOLD if bold else REGULAR)[o - 32]
    if ch in OTHER:
        return OTHER[ch]
    return 1000 if unicodedata.east_asian_width(ch) in "WFA" else 600


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def text_widths(text: str, nowrap: bool, bold: bool = False) -> tuple[float, float]:
    """Narrowest and widest width of a cell's text (mm, without padding).

    Parameters
    ----------
    text : str
        The cell's text.
    nowrap : bool
        The cell is kept on one line (``white-space: nowrap``): both widths are the whole line.
    bold : bool
        Bold text (table headers).

    Returns
    -------
    tuple of (float, float)
        (min-content, max-content) width in millimetres.
    """
    words = _SPACE.split(text.strip())
    widths = [sum(_em(ch, bold) for ch in w) for w in words]
    widest = sum(widths) + _em(" ", bold) * (len(words) - 1)
    if nowrap:
        return widest * FONT_MM / 1000, widest * FONT_MM / 1000
    narrowest = 0
    for word in words:
        piece = 0  # the current unbreakable piece
        prev = ""
        for ch in word:
            w = _em(ch, bold)
            breaks = prev and (_wide(ch) or _wide(prev)) and ch not in _CLOSING and prev not in _OPENING
            if breaks:
                narrowest = max(narrowest, piece)
                piece = 0
            piece += w
            prev = ch
        narrowest = max(narrowest, piece)
    return narrowest * FONT_MM / 1000, widest * FONT_MM / 1000


def column_widths(header: list[str], rows: list[list[str]], nowrap: list[list[bool]],
                  width_mm: float = PAGE_WIDTH_MM) -> list[float] | None:
    """Column widths of a full-width table, as the automatic table layout would give them.

    Parameters
    ----------
    header : list of str
        Header texts (bold, may wrap).
    rows : list of list of str
        Cell texts, one list per row (totals row included).
    nowrap : list of list of bool
        For each row of ``rows``, whether each cell stays on one line.
    width_mm : float
        The table's width (mm).

    Returns
    -------
    list of float or None
        One width per column, in per cent of the table width (they add up to 100); None when
        the columns cannot fit even at their narrowest (the automatic layout then lets the
        table overflow, which a fixed layout cannot: keep the automatic layout for it).
    """
    n = len(header)
    lo = [0.0] * n
    hi = [0.0] * n
    cells = [(h, False, True) for h in header]
    for i, (h, _, bold) in enumerate(cells):
        a, b = text_widths(h, False, bold)
        lo[i], hi[i] = max(lo[i], a), max(hi[i], b)
    for row, keep in zip(rows, nowrap):
        for i, (text, nw) in enumerate(zip(row, keep)):
            a, b = text_widths(text, nw)
            if a > lo[i]:
                lo[i] = a
            if b > hi[i]:
                hi[i] = b
    lo = [w + PADDING_MM + SLACK_MM for w in lo]
    hi = [w + PADDING_MM + SLACK_MM for w in hi]
    if sum(hi) <= width_mm:  # every column on one line: widest widths, the spare width shared out
        total = sum(hi)
        widths = [w * width_mm / total for w in hi]
    elif sum(lo) >= width_mm:
        return None
    else:
        ratio = (width_mm - sum(lo)) / (sum(hi) - sum(lo))
        widths = [a + (b - a) * ratio for a, b in zip(lo, hi)]
    total = sum(widths)
    return [100.0 * w / total for w in widths]


def colgroup_html(widths: list[float]) -> str:
    """``<colgroup>`` with one ``<col>`` per width (per cent, 3 decimals).

    Parameters
    ----------
    widths : list of float
        Column widths in per cent (:func:`column_widths`).

    Returns
    -------
    str
        HTML.
    """
    return "<colgroup>" + "".join(f'<col style="width:{w:.3f}%">' for w in widths) + "</colgroup>"
