"""Spreadsheet report: one sheet per table, Chinese (or English) headers, numbers as numbers.

Residents are stored unrounded with a ``#,##0`` format, shares as 0–1 with ``0.0%``, so
sums and formulas in Excel give the same figures as the report.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis.report.document import ReportContent, Table
from analysis.report.labels import label
from geo.safe_io import atomic_write_path
from geo.spreadsheet import harden_worksheet, safe_value

NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "num1": "#,##0.0"}
HEADER_FILL = PatternFill("solid", fgColor="F3E5E5")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, no []:*?/\\).

    Parameters
    ----------
    name : str
        The wanted name.
    used : set of str
        Lower-cased names already taken; the result is added.

    Returns
    -------
    str
    """
    base = _BAD_SHEET_CHARS.sub("_", name)[:31] or "sheet"
    title, i = base, 2
    while title.lower() in used:
        suffix = f"_{i}"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(title.lower())
    return title


def cell_value(v, kind: str, lang: str):
    """A cell as Excel wants it: floats/ints for numbers, None for missing, text otherwise
    (text that would start a formula gets its leading ``'`` when :func:`write_table` hardens the
    sheet, see :func:`geo.spreadsheet.harden_worksheet`).

    Parameters
    ----------
    v : Any
        The value (persons, 0-1 share, number, bool, text).
    kind : str
        The column kind (:data:`analysis.report.document.KINDS`); ``bool`` columns show yes/no words.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    float, int, bool, str or None
    """
    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (bool, np.bool_)):
        return label("common.yes" if v else "common.no", lang) if kind == "bool" else bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        if v != v:  # pd.NA / NaN-like
            return None
    except (TypeError, ValueError):
        return None
    return str(v)


def write_table(wb: Workbook, table: Table, lang: str, used: set[str], demo_note: str | None) -> None:
    """Append one sheet: a header row, data rows, a totals row; a demo note row at the bottom.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook to add the sheet to.
    table : Table
        The table.
    lang : str
        ``"zh"`` or ``"en"``.
    used : set of str
        Sheet names taken so far (lower-case); updated.
    demo_note : str or None
        Text of the note row.
    """
    ws = wb.create_sheet(sheet_title(table.sheet, used))
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for _, row in table.df.iterrows():
        ws.append([cell_value(row[c.key], c.kind, lang) for c in table.columns])
    if table.totals:
        ws.append([cell_value(table.totals.get(c.key), c.kind, lang) if c.key in table.totals else None for c in table.columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for j, col in enumerate(table.columns, start=1):
        fmt = NUMBER_FORMATS.get(col.kind)
        letter = get_column_letter(j)
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            if fmt:
                cell.number_format = fmt
            elif col.kind == "auto" and isinstance(cell.value, (int, float)):
                cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.0"
        width = max([len(str(col.label))] + [len(str(v)) for v in table.df[col.key].head(200).tolist()]) if len(table.df) else len(col.label)
        ws.column_dimensions[letter].width = min(max(8, width * 1.6 + 2), 60)
    ws.freeze_panes = "A2"
    if demo_note:
        ws.append([])
        ws.append([demo_note])
    harden_worksheet(ws)  # planners' text (names, addresses) is stored as text, never as a formula


def workbook(content: ReportContent) -> Workbook:
    """The workbook of every table in the report.

    Parameters
    ----------
    content : ReportContent
        The report content.

    Returns
    -------
    openpyxl.Workbook
    """
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    note = f"{label('demo_note', content.lang)} · {label('common.osm_attribution', content.lang)}" if content.is_demo \
        else label("common.osm_attribution", content.lang)
    for table in content.all_tables():
        write_table(wb, table, content.lang, used, note)
    wb.properties.title = content.title
    wb.properties.creator = content.software
    return wb


def xlsx_bytes(content: ReportContent) -> bytes:
    """The workbook as bytes (for download buttons).

    Parameters
    ----------
    content : ReportContent
        The report content.

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    workbook(content).save(buf)
    return buf.getvalue()


def write_xlsx(content: ReportContent, path: str | Path) -> Path:
    """Write the workbook to ``path`` atomically.

    Parameters
    ----------
    content : ReportContent
        The report content.
    path : str or Path
        The XLSX to write.

    Returns
    -------
    Path
        ``path``.
    """
    data = xlsx_bytes(content)
    with atomic_write_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
