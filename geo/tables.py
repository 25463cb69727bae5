"""Spreadsheet-like inputs (CSV, XLSX): text encoding, header row detection, merged cells,
and coordinates typed as text ("120.16°E", "120°9'36\\"")."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.layer_errors import (
    EncryptedWorkbookError,
    LayerChoiceError,
    LayerRefusedError,
    MixedEncodingError,
    UnsafeFileError,
    UnsupportedFormatError,
)
from geo.messages import ByLang, pair
from geo.schemas import match_header, normalize_header

HEADER_SCAN_ROWS = 10
_DOC_SHEETS = {"字段说明", "说明", "填写说明", "readme", "notes"}
_TOTAL_WORDS = {"合计", "总计", "小计", "total", "sum"}


@dataclass
class Table:
    """Cells as read, with the row numbers a planner sees (CSV line, Excel row)."""

    header: list[str]
    data: list[list[object]]
    rows: np.ndarray
    encoding: str | None = None
    sheet: str | None = None
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    #: Excel row -> [(cell, formula)] of formula cells without a saved result
    formulas: dict[int, list[tuple[str, str]]] | None = None

    def frame(self) -> pd.DataFrame:
        """The data cells as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns = ``header``, object dtype; short rows padded with None, long rows cut;
            RangeIndex (the planner's row numbers are in ``rows``).
        """
        width = len(self.header)
        if set(map(len, self.data)) <= {width}:  # the usual table: no padding, one C-level copy
            return pd.DataFrame(self.data, columns=self.header, dtype=object)
        padded = [list(r[:width]) + [None] * (width - len(r)) for r in self.data]
        return pd.DataFrame(padded, columns=self.header, dtype=object)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with/without BOM, UTF-16 with BOM, GBK/GB18030, else detected.

    Parameters
    ----------
    data : bytes
        File content.
    name : str
        File name used in messages.

    Returns
    -------
    text : str
        Decoded text (without BOM).
    encoding : str
        Name of the encoding found, e.g. "UTF-8 (BOM)" or "GBK/GB18030".

    Raises
    ------
    MixedEncodingError
        Lines mix UTF-8 and GBK.
    LayerRefusedError
        The encoding cannot be told.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encoding(data, name)
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LayerRefusedError(
            *pair("reader.unknown_encoding", name=name),
        )
    return str(best), best.encoding


def _refuse_mixed_encoding(data: bytes, name: str) -> None:
    """Refuse a text whose lines mix UTF-8 and GBK (e.g. rows pasted from two sources): decoding it
    either way turns half the rows into mojibake. Names the line numbers of both kinds."""
    utf8_lines: list[int] = []
    gbk_lines: list[int] = []
    for n, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines.append(n)
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                gbk_lines.append(n)
            except UnicodeDecodeError:
                return
    if utf8_lines and gbk_lines:
        def show(lines: list[int]) -> str:
            return ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")

        raise MixedEncodingError(
            *pair("reader.mixed_encodings", name=name, utf8_lines=ByLang(show(utf8_lines).replace(', ', '、'), show(utf8_lines)), gbk_lines=ByLang(show(gbk_lines).replace(', ', '、'), show(gbk_lines))),
        )


def read_csv_table(path: Path) -> Table:
    """Read a CSV/TSV file into a :class:`Table` (delimiter sniffed; blank lines skipped).

    The header row is found among the first :data:`HEADER_SCAN_ROWS` rows (title rows above it
    skipped); total/subtotal rows are skipped with a note.

    Parameters
    ----------
    path : Path
        The CSV file (any supported text encoding, see :func:`decode_text`).

    Returns
    -------
    Table
        Header, cells, CSV line numbers and the encoding used.

    Raises
    ------
    UnsupportedFormatError
        Binary content.
    MixedEncodingError
        Lines mix UTF-8 and GBK.
    LayerRefusedError
        The encoding cannot be told, or a CSV syntax error (unpaired quotes).
    """
    text, enc = decode_text(path.read_bytes(), path.name)
    if "\x00" in text:
        raise UnsupportedFormatError(
            *pair("reader.binary_csv", name=path.name),
        )
    delim = _delimiter(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        records, lines = _records(reader, quoted='"' in text)
    except csv.Error as err:
        raise LayerRefusedError(
            *pair("reader.csv_syntax_error", name=path.name, line_num=reader.line_num, err=err),
        ) from err
    # blank rows (every cell empty or spaces) are skipped: a row has text iff its joined cells do
    # (one pass of built-in calls, no Python loop body per row; all rows kept: the lists as they are)
    keep = list(itertools.compress(range(len(records)), map(str.strip, map("".join, records))))
    if len(keep) == len(records):
        cells: list[list[object]] = records
        rows = lines
    else:
        cells = [records[i] for i in keep]
        rows = [lines[i] for i in keep]
    return _with_header(cells, rows, path.name, encoding=enc)


def _delimiter(sample: str) -> str:
    """The delimiter of a CSV sample, sniffed among ``, tab ; |`` (a comma when it cannot be told).

    The header row decides between candidates: when the sniffed delimiter splits no row of the
    sample's first :data:`HEADER_SCAN_ROWS` into a header (two or more known column names) and
    another candidate does, that one is taken (tabs inside a comma file's cells made the sniffer
    take a tab; found by ``test_csv_rows_and_line_numbers_as_before``).
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        sniffed = ","
    scores = {}
    for d in dict.fromkeys((sniffed, ",", "\t", ";", "|")):
        try:
            head = []
            for rec in csv.reader(io.StringIO(sample, newline=""), delimiter=d):
                if "".join(rec).strip():
                    head.append(rec)
                if len(head) >= HEADER_SCAN_ROWS:
                    break
        except csv.Error:
            continue
        scores[d] = _header_score(head)[1]
    if scores.get(sniffed, 0) >= 2 or not scores:
        return sniffed
    best = max(scores, key=scores.get)
    return best if scores[best] >= 2 else sniffed


def _records(reader, quoted: bool) -> tuple[list[list[str]], list[int]]:
    """Every record of ``reader`` (a ``csv.reader``) with the file line it ends on (1-based).

    Without a quote character in the text a record is one physical line (blank lines give
    empty records), so all records are read in one call and line ``i + 1`` is record ``i``;
    with quotes a field may span lines and ``reader.line_num`` is read after each record.
    """
    if not quoted:
        records = list(reader)
        return records, list(range(1, len(records) + 1))
    records, lines = [], []
    for rec in reader:
        records.append(rec)
        lines.append(reader.line_num)
    return records, lines


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # OLE2 compound file (old .xls, encrypted .xlsx)
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _xlsx_guard(path: Path, max_unpacked: int) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _CFB_MAGIC:
        data = path.read_bytes()
        if _ENCRYPTED_PACKAGE in data:
            raise EncryptedWorkbookError(
                *pair("reader.workbook_encrypted", name=path.name),
            )
        raise UnsupportedFormatError(
            *pair("reader.xls_renamed_xlsx", name=path.name),
        )
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as err:
        raise UnsupportedFormatError(
            *pair("reader.not_xlsx", name=path.name),
        ) from err
    if total > max_unpacked:
        raise UnsafeFileError(
            *pair("reader.workbook_too_large", name=path.name, size_mb=total / 1e6, limit_mb=max_unpacked / 1e6),
        )


def read_xlsx_table(path: Path, sheet: str | None, max_unpacked: int) -> Table:
    """Read one sheet of an .xlsx workbook; merged cells take the value of their top-left cell.

    Without ``sheet`` the first visible, filled sheet that is not a notes sheet (字段说明 …) is
    read, with a note naming hidden and further sheets. Formula cells without a saved result
    are listed in ``formulas``.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.
    sheet : str or None
        Sheet name to read; None picks as above.
    max_unpacked : int
        Most bytes the workbook may unpack to (zip bomb guard).

    Returns
    -------
    Table
        Header, cells, Excel row numbers, sheet name, notes and formulas.

    Raises
    ------
    EncryptedWorkbookError
        The workbook is password-protected.
    UnsupportedFormatError
        An old ``.xls`` renamed, not a workbook, or it cannot be opened.
    UnsafeFileError
        Unpacks beyond ``max_unpacked``, or declares a DTD/entities.
    LayerChoiceError
        ``sheet`` does not exist.
    """
    import openpyxl

    _xlsx_guard(path, max_unpacked)
    from defusedxml import DefusedXmlException

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl wraps the XML error in a ValueError
        chain, cur = [], err
        while cur is not None and len(chain) < 10:
            chain.append(cur)
            cur = cur.__cause__ or cur.__context__
        if not any(isinstance(e, DefusedXmlException) for e in chain):
            raise UnsupportedFormatError(
                *pair("reader.cannot_open_workbook", name=path.name, error=type(err).__name__),
            ) from err
        raise UnsafeFileError(
            *pair("reader.workbook_dtd", name=path.name),
        ) from err
    notes_zh: list[str] = []
    notes_en: list[str] = []
    try:
        names = wb.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise LayerChoiceError(
                    *pair("reader.no_such_sheet", name=path.name, sheet=sheet, sheets=ByLang('、'.join(names), ', '.join(names))),
                )
            ws = wb[sheet]
        else:
            visible = [n for n in names if wb[n].sheet_state == "visible"] or names
            filled = [n for n in visible if (wb[n].max_row > 1 or wb[n].max_column > 1) and n.strip().lower() not in _DOC_SHEETS]
            ws = wb[filled[0] if filled else visible[0]]
            hidden = [n for n in names if wb[n].sheet_state != "visible"]
            if hidden and names.index(hidden[0]) < names.index(ws.title):
                notes_zh.append(f"工作表“{'、'.join(hidden)}”是隐藏的，未读取；读取了第一个可见的工作表“{ws.title}”（如需读取隐藏表，请用 --layer 指定表名）")
                notes_en.append(f"sheet(s) '{', '.join(hidden)}' are hidden and were not read; read the first visible sheet, "
                                f"'{ws.title}' (to read a hidden sheet, name it with --layer)")
            if len(filled) > 1:
                notes_zh.append(f"工作簿有多个工作表，读取了第一个“{ws.title}”（其他：{'、'.join(filled[1:])}；可用 --layer 指定）")
                notes_en.append(f"the workbook has several sheets; read the first, '{ws.title}' (others: {', '.join(filled[1:])}; choose with --layer)")
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = list(ws.merged_cells.ranges)
        for rng in merged:
            top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, rng.max_col):
                    while len(grid[r]) <= c:
                        grid[r].append(None)
                    grid[r][c] = top
        if merged:
            notes_zh.append(f"{len(merged)} 处合并单元格已按左上角的值展开")
            notes_en.append(f"{len(merged)} merged cell range(s) filled with their top-left value")
        title = ws.title
        formulas = _formulas_without_values(path, title, grid)
    finally:
        wb.close()
    cells, rows = [], []
    for i, rec in enumerate(grid, start=1):
        if any(v is not None and str(v).strip() for v in rec):
            cells.append(rec)
            rows.append(i)
    table = _with_header(cells, rows, path.name, encoding=None)
    table.sheet = title
    table.formulas = formulas
    table.notes_zh = tuple(notes_zh) + table.notes_zh
    table.notes_en = tuple(notes_en) + table.notes_en
    return table


def _formulas_without_values(path: Path, sheet: str, grid: list[list[object]]) -> dict[int, list[tuple[str, str]]]:
    """Excel row -> [(cell, formula)] for formula cells that have no saved result (read as empty).

    Workbooks written by scripts or some web tools store formulas without their computed value;
    read "as values" those cells are blank. Only sheets that contain formulas are opened a
    second time (with formulas)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(path) as zf:
        if not any(b"<f" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            return {}
    wb = openpyxl.load_workbook(path, data_only=False)
    try:
        out: dict[int, list[tuple[str, str]]] = {}
        for r, rec in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            for c, v in enumerate(rec):
                cached = grid[r - 1][c] if r - 1 < len(grid) and c < len(grid[r - 1]) else None
                if isinstance(v, str) and v.startswith("=") and cached is None:
                    out.setdefault(r, []).append((f"{get_column_letter(c + 1)}{r}", v))
        return out
    finally:
        wb.close()


def _header_score(cells: list[list[object]]) -> tuple[int, int]:
    """Position of the header among the first :data:`HEADER_SCAN_ROWS` rows and its number of known
    column names ((0, 0) when no row names two or more)."""
    from geo.schemas import LAYER_SCHEMAS, header_lookup

    lookup: dict[str, str] = {}
    for schema in LAYER_SCHEMAS.values():
        for k, v in header_lookup(schema).items():
            lookup.setdefault(k, v)
    best_i, best_score = 0, 0
    for i, rec in enumerate(cells[:HEADER_SCAN_ROWS]):
        targets = {match_header(v, lookup) for v in rec if v is not None and str(v).strip()}
        score = len(targets - {None})
        if score > best_score and score >= 2:  # one stray match (a 社区 value) is not a header
            best_i, best_score = i, score
    return best_i, best_score


def _with_header(cells: list[list[object]], rows: list[int], name: str, encoding: str | None) -> Table:
    """Find the header row among the first rows (titles above it are skipped) and build a Table."""
    if not cells:
        return Table([], [], np.array([], dtype=int), encoding)
    best_i, _ = _header_score(cells)
    header_cells = list(cells[best_i])
    if best_i > 0:  # a parent header row above (e.g. merged "坐标" over 经度/纬度) fills blanks
        above = cells[best_i - 1]
        for c, v in enumerate(header_cells):
            if (v is None or not str(v).strip()) and c < len(above):
                header_cells[c] = above[c]
    header = []
    for c, v in enumerate(header_cells):
        h = str(v).strip() if v is not None and str(v).strip() else f"列{c + 1}"
        while h in header:
            h = f"{h}_{c + 1}"
        header.append(h)
    data = cells[best_i + 1:]
    drows = rows[best_i + 1:]
    notes_zh: list[str] = []
    notes_en: list[str] = []
    if best_i > 0:
        notes_zh.append(f"表头在第 {rows[best_i]} 行，上方的标题行已跳过")
        notes_en.append(f"header found on row {rows[best_i]}; title rows above it skipped")
    total = _total_rows(data)
    if total:  # without total rows the lists are kept as they are
        skip = set(total)
        keep = [i for i in range(len(data)) if i not in skip]
        skipped = [drows[i] for i in total]
        notes_zh.append(f"合计/小计行已跳过（第 {'、'.join(map(str, skipped))} 行）")
        notes_en.append(f"total/subtotal rows skipped (rows {', '.join(map(str, skipped))})")
        data = [data[i] for i in keep]
        drows = [drows[i] for i in keep]
    return Table(header, data, np.asarray(drows, dtype=int), encoding, None, tuple(notes_zh), tuple(notes_en))


def _total_rows(data: list[list[object]]) -> list[int]:
    """Positions of the total/subtotal rows of ``data`` (:func:`_is_total_row`).

    A row whose first cell is text holding an ASCII digit is no total (that cell is its first
    non-blank one); those are told apart in one vectorised pass, the other rows one by one
    (issue 16: 100,000 CSV rows).
    """
    first = [rec[0] if rec else "" for rec in data]
    if set(map(type, first)) - {str}:
        return [i for i, rec in enumerate(data) if _is_total_row(rec)]
    has_digit = pd.Series(first, dtype="string").str.contains("[0-9]", regex=True).to_numpy(dtype=bool)
    return [int(i) for i in np.flatnonzero(~has_digit) if _is_total_row(data[i])]


def _is_total_row(rec: list[object]) -> bool:
    for v in rec:  # the first non-blank cell decides
        if v is not None:
            text = str(v)
            if text.strip():
                break
    else:
        return False
    if any(map(str.isdigit, text)):  # a number or code (编号 1, 2, ...) is never a total word:
        return False                 # skips the normalisation for most rows (100,000 rows: 2.5 s)
    return normalize_header(text) in _TOTAL_WORDS


# ----------------------------------------------------------------------------- coordinates as text

_DMS = re.compile(
    r"^\s*([NSEW东西南北])?[经纬]?\s*([-+]?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*(?:[\"″]|''|秒))?\s*([NSEW东西南北])?[经纬]?\s*$",
    re.IGNORECASE,
)
_DEC_HEMI = re.compile(r"^\s*([NSEW东西南北])?[经纬]?\s*([-+]?\d+(?:\.\d+)?)\s*([NSEW东西南北])?[经纬]?\s*$", re.IGNORECASE)
_NEG = set("SWsw西南")


def parse_coordinate_text(value: object) -> float | None:
    """One coordinate typed as text: "120.16", "120.16°", "E120.16", "120°9'36"E", "30度15分".

    Parameters
    ----------
    value : object
        Cell value; full-width characters and Chinese hemisphere words (东西南北) are accepted.

    Returns
    -------
    float or None
        Decimal degrees (negative for S/W), or None when blank or unreadable (minutes or
        seconds of 60 and more are unreadable).
    """
    if value is None:
        return None
    s = str(value).replace("″", '"').replace("′", "'")  # before NFKC, which splits ″ into two primes
    s = unicodedata.normalize("NFKC", s).strip().replace("，", ",").replace("’", "'").replace("”", '"').replace("＇", "'")
    if not s:
        return None
    try:  # full-width digits "１２０．１６" become plain ones under NFKC
        return float(s)
    except ValueError:
        pass
    m = _DMS.match(s)
    if m:
        deg = float(m.group(2))
        mins = float(m.group(3) or 0.0)
        secs = float(m.group(4) or 0.0)
        if mins >= 60 or secs >= 60:
            return None
        val = abs(deg) + mins / 60.0 + secs / 3600.0
        hemi = (m.group(1) or "") + (m.group(5) or "")
        neg = deg < 0 or any(h in _NEG for h in hemi)
        return -val if neg else val
    m = _DEC_HEMI.match(s)
    if m and (m.group(1) or m.group(3)):
        val = float(m.group(2))
        hemi = (m.group(1) or "") + (m.group(3) or "")
        return -abs(val) if any(h in _NEG for h in hemi) else val
    return None


def parse_coordinates(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a coordinate column.

    Parameters
    ----------
    values : pandas.Series
        Cells of a longitude or latitude column (numbers or text).

    Returns
    -------
    values : numpy.ndarray of float
        Decimal degrees; NaN for blank or unreadable cells.
    repaired : numpy.ndarray of bool
        True where text was interpreted (degree signs, minutes, hemisphere letters).
    unreadable : numpy.ndarray of bool
        True where a non-blank cell could not be read.
    """
    text = values.astype("string").str.strip()
    num = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    blank = text.isna().to_numpy() | (text.fillna("") == "").to_numpy()
    need = np.isnan(num) & ~blank
    repaired = np.zeros(len(values), dtype=bool)
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(need):
        v = parse_coordinate_text(text.iloc[i])
        if v is None:
            bad[i] = True
        else:
            num[i] = v
            repaired[i] = True
    return num, repaired, bad
