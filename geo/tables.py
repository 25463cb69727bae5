"""Spreadsheet-like inputs (CSV, XLSX): text encoding, header row detection, merged cells,
and coordinates typed as text ("120.16°E", "120°9'36\\"")."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.layer_errors import LayerChoiceError, LayerRefusedError, UnsafeFileError, UnsupportedFormatError
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

    def frame(self) -> pd.DataFrame:
        width = len(self.header)
        padded = [list(r[:width]) + [None] * (width - len(r)) for r in self.data]
        return pd.DataFrame(padded, columns=self.header, dtype=object)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with/without BOM, UTF-16 with BOM, GBK/GB18030, else detected."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LayerRefusedError(
            f"{name}：无法识别文件的文字编码。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重试。",
            f"{name}: cannot tell the text encoding. In Excel use 'Save as → CSV UTF-8 (comma delimited)' and try again.",
        )
    return str(best), best.encoding


def read_csv_table(path: Path) -> Table:
    """Read a CSV/TSV file into a :class:`Table` (delimiter sniffed; blank lines skipped)."""
    text, enc = decode_text(path.read_bytes(), path.name)
    if "\x00" in text:
        raise UnsupportedFormatError(
            f"{path.name}：看起来不是文本 CSV 文件（含二进制内容）。Excel 文件请保存为 .xlsx。",
            f"{path.name}: does not look like a text CSV file (binary content). Save Excel files as .xlsx.",
        )
    sample = text[:20000]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delim = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    cells: list[list[object]] = []
    rows: list[int] = []
    try:
        for rec in reader:
            if any(str(c).strip() for c in rec):
                cells.append(list(rec))
                rows.append(reader.line_num)
    except csv.Error as err:
        raise LayerRefusedError(
            f"{path.name}：第 {reader.line_num} 行 CSV 格式错误（{err}），请检查引号是否成对。",
            f"{path.name}: CSV syntax error at line {reader.line_num} ({err}); check that quotes are paired.",
        ) from err
    return _with_header(cells, rows, path.name, encoding=enc)


def _xlsx_guard(path: Path, max_unpacked: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as err:
        raise UnsupportedFormatError(
            f"{path.name}：不是有效的 .xlsx 文件（可能是旧版 .xls 改了扩展名）。请在 Excel/WPS 中另存为 .xlsx。",
            f"{path.name}: not a valid .xlsx workbook (an old .xls renamed?). Save it as .xlsx in Excel/WPS.",
        ) from err
    if total > max_unpacked:
        raise UnsafeFileError(
            f"{path.name}：工作簿解压后 {total / 1e6:.0f} MB，超过上限 {max_unpacked / 1e6:.0f} MB，已拒绝。",
            f"{path.name}: the workbook unpacks to {total / 1e6:.0f} MB, above the {max_unpacked / 1e6:.0f} MB limit; refused.",
        )


def read_xlsx_table(path: Path, sheet: str | None, max_unpacked: int) -> Table:
    """Read one sheet of an .xlsx workbook; merged cells take the value of their top-left cell."""
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
                f"{path.name}：无法打开工作簿（{type(err).__name__}）。请在 Excel/WPS 中重新另存为 .xlsx。",
                f"{path.name}: cannot open the workbook ({type(err).__name__}). Save it again as .xlsx in Excel/WPS.",
            ) from err
        raise UnsafeFileError(
            f"{path.name}：工作簿中含有 DTD/实体声明（可能是“XML 炸弹”），出于安全考虑已拒绝。请在 Excel/WPS 中重新另存为 .xlsx。",
            f"{path.name}: the workbook declares a DTD or entities (a possible XML bomb) and was refused for safety. Save it again as .xlsx in Excel/WPS.",
        ) from err
    notes_zh: list[str] = []
    notes_en: list[str] = []
    try:
        names = wb.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise LayerChoiceError(
                    f"{path.name}：没有名为“{sheet}”的工作表。现有工作表：{'、'.join(names)}。",
                    f"{path.name}: no sheet named '{sheet}'. Sheets: {', '.join(names)}.",
                )
            ws = wb[sheet]
        else:
            filled = [n for n in names if (wb[n].max_row > 1 or wb[n].max_column > 1) and n.strip().lower() not in _DOC_SHEETS]
            ws = wb[filled[0] if filled else names[0]]
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
    finally:
        wb.close()
    cells, rows = [], []
    for i, rec in enumerate(grid, start=1):
        if any(v is not None and str(v).strip() for v in rec):
            cells.append(rec)
            rows.append(i)
    table = _with_header(cells, rows, path.name, encoding=None)
    table.sheet = title
    table.notes_zh = tuple(notes_zh) + table.notes_zh
    table.notes_en = tuple(notes_en) + table.notes_en
    return table


def _with_header(cells: list[list[object]], rows: list[int], name: str, encoding: str | None) -> Table:
    """Find the header row among the first rows (titles above it are skipped) and build a Table."""
    if not cells:
        return Table([], [], np.array([], dtype=int), encoding)
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
    keep = [i for i, rec in enumerate(data) if not _is_total_row(rec)]
    if len(keep) < len(data):
        skipped = [drows[i] for i in range(len(data)) if i not in set(keep)]
        notes_zh.append(f"合计/小计行已跳过（第 {'、'.join(map(str, skipped))} 行）")
        notes_en.append(f"total/subtotal rows skipped (rows {', '.join(map(str, skipped))})")
    data = [data[i] for i in keep]
    drows = [drows[i] for i in keep]
    return Table(header, data, np.asarray(drows, dtype=int), encoding, None, tuple(notes_zh), tuple(notes_en))


def _is_total_row(rec: list[object]) -> bool:
    first = next((v for v in rec if v is not None and str(v).strip()), None)
    return first is not None and normalize_header(first) in _TOTAL_WORDS


# ----------------------------------------------------------------------------- coordinates as text

_DMS = re.compile(
    r"^\s*([NSEW东西南北])?[经纬]?\s*([-+]?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*(?:[\"″]|''|秒))?\s*([NSEW东西南北])?[经纬]?\s*$",
    re.IGNORECASE,
)
_DEC_HEMI = re.compile(r"^\s*([NSEW东西南北])?[经纬]?\s*([-+]?\d+(?:\.\d+)?)\s*([NSEW东西南北])?[经纬]?\s*$", re.IGNORECASE)
_NEG = set("SWsw西南")


def parse_coordinate_text(value: object) -> float | None:
    """One coordinate typed as text: "120.16", "120.16°", "E120.16", "120°9'36\\"E", "30度15分"."""
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
    """Parse a coordinate column. Returns (values, was_text_repaired mask, unreadable mask)."""
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
