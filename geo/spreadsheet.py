"""Spreadsheet-injection guard: text written into XLSX or CSV files is never a live formula.

OWASP "CSV injection" guidance: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is run by Excel/WPS/LibreOffice as a formula (``=HYPERLINK(...)`` can leak
data, DDE payloads can start programs). Such text is written with a leading single quote, and
openpyxl cells holding text get the string data type, so no ``<f>`` element is ever produced
from a planner's text. Numbers stay numbers. Every workbook and CSV writer of the product goes
through this module.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: first characters that make a spreadsheet treat text as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_text(text: str) -> str:
    """``text`` with a leading ``'`` when it would start a formula; otherwise unchanged.

    Parameters
    ----------
    text : str
        Cell text.

    Returns
    -------
    str
        Safe text (see :data:`FORMULA_START`).
    """
    return "'" + text if text[:1] in FORMULA_START else text


def safe_value(v: Any) -> Any:
    """A cell value to write: text escaped by :func:`escape_text`, everything else unchanged.

    Parameters
    ----------
    v : Any
        Cell value.

    Returns
    -------
    Any
        Escaped ``str`` or ``v`` itself.
    """
    return escape_text(v) if isinstance(v, str) else v


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are escaped (for ``to_csv``/``to_excel``).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; object and string columns are escaped, others kept.

    Returns
    -------
    pandas.DataFrame
        Escaped copy, same index.
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[c] = s.map(safe_value, na_action="ignore")
    out.columns = [safe_value(c) for c in out.columns]
    return out


def harden_worksheet(ws) -> int:
    """Escape every text cell of an openpyxl worksheet and force its type to string.

    Formula cells (``data_type == "f"``) hold text that openpyxl took for a formula; the product
    never writes formulas, so they become escaped text too.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        Sheet, changed in place.

    Returns
    -------
    int
        How many cells changed.
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if not isinstance(v, str):
                continue
            safe = escape_text(v)
            if safe != v or cell.data_type != "s":
                cell.value = safe
                cell.data_type = "s"
                changed += 1
    return changed


def harden_workbook(wb) -> Any:
    """:func:`harden_worksheet` on every sheet of ``wb``.

    Parameters
    ----------
    wb : openpyxl.Workbook
        Workbook, changed in place.

    Returns
    -------
    openpyxl.Workbook
        ``wb`` itself.
    """
    for ws in wb.worksheets:
        harden_worksheet(ws)
    return wb


def write_frames_xlsx(path, frames: dict[str, pd.DataFrame]) -> None:
    """Write DataFrames to an XLSX file at ``path`` with text as text.

    ``path`` is written as given (callers wrap it in ``geo.safe_io.atomic_write_path``).

    Parameters
    ----------
    path : str or Path
        Target ``.xlsx`` file.
    frames : dict of str to pandas.DataFrame
        Sheet name -> frame; the index is not written.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for sheet, df in frames.items():
            safe_frame(df).to_excel(xw, sheet_name=sheet, index=False)
        harden_workbook(xw.book)


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """CSV of ``df`` with text escaped.

    Parameters
    ----------
    df : pandas.DataFrame
        Table; the index is not written.
    bom : bool
        Start with a UTF-8 byte-order mark so Excel reads Chinese (default True).

    Returns
    -------
    bytes
        UTF-8 CSV with CRLF line ends.
    """
    # CRLF line ends: fields holding a bare CR are then quoted too (one row stays one row)
    data = safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data
