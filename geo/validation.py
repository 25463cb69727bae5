"""Validation of planners' layers: collect every problem, parse typed fields, repair geometry.

Nothing here raises on the first problem: functions add :class:`Problem` entries to a
:class:`LayerReport` and return cleaned values. Severity: ``"error"`` (the value or row cannot
be used; rows with a geometry error are dropped), ``"warning"`` (used, but check it),
``"repaired"`` (changed safely; the message says how).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geo.schemas import FALSE_WORDS, TRUE_WORDS, FieldSpec, LayerSchema, normalize_header

SEVERITIES = ("error", "warning", "repaired")
_SEV_ZH = {"error": "错误", "warning": "提示", "repaired": "已修复"}


def _field_labels_zh() -> dict[str, str]:
    from geo.schemas import LAYER_SCHEMAS

    labels = {"geometry": "位置", "lon": "经度", "lat": "纬度", "lon/lat": "经纬度", "wkt": "WKT 几何", "lonlat": "经纬度"}
    for schema in LAYER_SCHEMAS.values():
        for f in schema.fields:
            labels.setdefault(f.name, f.zh)
    return labels


FIELD_LABELS_ZH = _field_labels_zh()


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the row number as the planner sees it (CSV line, Excel row,
    feature number), None for file-level findings."""

    row: int | None
    field: str | None
    message_zh: str
    message_en: str
    severity: str = "error"

    def render(self, lang: str = "zh", row_kind: str = "row") -> str:
        """One line for the planner: severity, where (row or file, field) and the message.

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".
        row_kind : str
            "row" or "feature" (how the file's records are called).

        Returns
        -------
        str
            E.g. ``[error] row 12, field 'population': ...`` or ``[错误] 第 12 行，人口：...``.
        """
        if lang == "en":
            where = f"{row_kind} {self.row}" if self.row is not None else "file"
            fld = f", field '{self.field}'" if self.field else ""
            return f"[{self.severity}] {where}{fld}: {self.message_en}"
        kind_zh = "要素" if row_kind == "feature" else "行"
        where = f"第 {self.row} {kind_zh}" if self.row is not None else "文件"
        fld = f"，{FIELD_LABELS_ZH.get(self.field, self.field)}" if self.field else ""
        return f"[{_SEV_ZH[self.severity]}] {where}{fld}：{self.message_zh}"


@dataclass
class LayerReport:
    """What was read and every problem found. ``conversions`` are English sentences,
    ``conversions_zh`` the same in Chinese."""

    file: str
    layer_type: str
    rows_read: int = 0
    rows_used: int = 0
    source_crs: str | None = None
    detected_datum: str | None = None
    encoding: str | None = None
    layer_name: str | None = None
    row_kind: str = "row"
    conversions: list[str] = field(default_factory=list)
    conversions_zh: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    datum_evidence: object | None = None

    def add(self, row, fld, zh: str, en: str, severity: str = "error") -> None:
        """Record one problem.

        Parameters
        ----------
        row : int or None
            Row number as the planner sees it; None for a file-level finding.
        fld : str or None
            Canonical field name (or "geometry", "lon/lat", ...); None when no field applies.
        zh, en : str
            The message in Chinese and in English.
        severity : str
            "error", "warning" or "repaired" (:data:`SEVERITIES`).
        """
        assert severity in SEVERITIES, severity
        self.problems.append(Problem(None if row is None else int(row), fld, zh, en, severity))

    def note(self, zh: str, en: str) -> None:
        """Record a conversion or decision made while reading.

        Parameters
        ----------
        zh, en : str
            The sentence in Chinese and in English (kept in ``conversions_zh`` / ``conversions``).
        """
        self.conversions_zh.append(zh)
        self.conversions.append(en)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity "error", in the order found."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity "warning" or "repaired", in the order found."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def has_errors(self) -> bool:
        """True when at least one problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    def render(self, lang: str = "zh") -> str:
        """Plain-text report for the terminal, the app or a log, in Chinese or English.

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".

        Returns
        -------
        str
            File, layer type, rows read/usable, encoding, source CRS, datum, conversions, then every
            problem (file-level first, then by row), one per line.
        """
        lines: list[str] = []
        if lang == "en":
            lines.append(f"File: {self.file}" + (f" (layer/sheet: {self.layer_name})" if self.layer_name else ""))
            lines.append(f"Layer type: {self.layer_type}")
            lines.append(f"Rows read: {self.rows_read}; rows usable: {self.rows_used}")
            if self.encoding:
                lines.append(f"Text encoding: {self.encoding}")
            lines.append(f"Source coordinate system: {self.source_crs or 'unknown'}")
            lines.append(f"Datum: {self.detected_datum or 'not checked'}")
            for c in self.conversions:
                lines.append(f"  - {c}")
            n_err = len(self.errors)
            lines.append(f"Problems: {n_err} error(s), {len(self.problems) - n_err} warning(s)/repair(s)" if self.problems else "No problems found.")
        else:
            lines.append(f"文件：{self.file}" + (f"（图层/工作表：{self.layer_name}）" if self.layer_name else ""))
            lines.append(f"图层类型：{self.layer_type}")
            lines.append(f"读取 {self.rows_read} 行，可用 {self.rows_used} 行")
            if self.encoding:
                lines.append(f"文本编码：{self.encoding}")
            lines.append(f"源坐标系：{self.source_crs or '未知'}")
            lines.append(f"坐标基准：{self.detected_datum or '未检查'}")
            for c in self.conversions_zh:
                lines.append(f"  - {c}")
            n_err = len(self.errors)
            lines.append(f"发现问题：错误 {n_err} 个，提示/修复 {len(self.problems) - n_err} 个" if self.problems else "未发现问题。")
        for p in sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0)):
            lines.append("  " + p.render(lang, self.row_kind))
        return "\n".join(lines)

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """Problems as a table (row, field, severity, message) for the app and XLSX reports.

        Parameters
        ----------
        lang : str
            "zh" (Chinese headers and field labels) or "en".

        Returns
        -------
        pandas.DataFrame
            Columns ``行号, 字段, 类别, 说明`` (zh) or ``row, field, severity, message`` (en); the row
            column is nullable Int64 (<NA> for file-level findings); sorted by row.
        """
        zh = lang != "en"
        cols = ("行号", "字段", "类别", "说明") if zh else ("row", "field", "severity", "message")
        data = [
            (p.row, (FIELD_LABELS_ZH.get(p.field, p.field) if zh else p.field) if p.field else "",
             _SEV_ZH[p.severity] if zh else p.severity, p.message_zh if zh else p.message_en)
            for p in sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
        ]
        return pd.DataFrame(data, columns=list(cols)).astype({cols[0]: "Int64"})

    def summary_text(self, lang: str = "zh", limit: int = 30) -> str:
        """Problems only, for exception messages (at most ``limit`` lines).

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".
        limit : int
            Most problem lines; a last line counts the rest.

        Returns
        -------
        str
            Indented problem lines.
        """
        ordered = sorted(self.problems, key=lambda p: (p.row is not None, p.row or 0))
        items = [p.render(lang, self.row_kind) for p in ordered]
        more = len(items) - limit
        out = "\n".join("  " + s for s in items[:limit])
        if more > 0:
            out += f"\n  ……另有 {more} 个问题" if lang != "en" else f"\n  ... and {more} more problem(s)"
        return out


# ----------------------------------------------------------------------------- typed fields

_NUM_RE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_LIST_SPLIT = re.compile(r"[、,，;；/|\n]+")


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype("string").str.strip().fillna("") == "")


def parse_number(values: pd.Series, spec: FieldSpec, rows: np.ndarray, report: LayerReport) -> pd.Series:
    """Numbers as typed: ``1,200``, ``1,200㎡``, ``1.2万``, ``3千``, ``约300人``, full-width ``１２３``.

    Vectorised fast path for plain numbers; other text goes through
    :func:`geo.numbers.parse_number_text` once per distinct value. Refused per row (error, left
    empty) with the row number: words, ranges, ``inf``/``nan`` and negative values; population and
    households above :data:`geo.numbers.MAX_ROW_POPULATION` too. Interpreted text is reported as
    repaired ("read '1.2万' as 12000").

    Parameters
    ----------
    values : pandas.Series
        Cells of one column as read.
    spec : FieldSpec
        The field (its ``unit``, e.g. 人 persons or ㎡, appears in the messages; no conversion).
    rows : numpy.ndarray of int
        Row number of each cell as the planner sees it.
    report : LayerReport
        Receives the problems.

    Returns
    -------
    pandas.Series of float64
        Values in the field's own unit, same index; NaN for blanks and refused cells.
    """
    from geo.numbers import UNIT_EN, parse_number_text

    text = values.astype("string").str.strip()
    commas = text.str.replace("，", ",", regex=False)
    grouped = commas.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?").fillna(False)   # 1,234 / 12,345.6; never 1,2
    plain_text = commas.where(grouped, commas).str.replace(",", "", regex=False).where(grouped | ~commas.str.contains(",", regex=False).fillna(False))
    plain = pd.to_numeric(plain_text.where(plain_text.str.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?").fillna(False)),
                          errors="coerce").astype("float64")
    blank = _blank(values).to_numpy()
    need = plain.isna().to_numpy() & ~blank
    cache: dict[str, object] = {}
    for i in np.flatnonzero(need):
        raw = values.iloc[i]
        key = str(raw)
        res = cache.get(key)
        if res is None:
            res = cache[key] = parse_number_text(raw)
        if res.value is None:
            report.add(rows[i], spec.name, f"{res.why_zh or f'“{raw}”不是数字'}，应填写{spec.unit or ''}数值（如 1200、1.2万），已留空",
                       f"{res.why_en or f'{raw!r} is not a number'}; expected a number{(' of ' + UNIT_EN.get(spec.unit, spec.unit)) if spec.unit else ''} "
                       f"(e.g. 1200 or 1.2万); left empty", "error")
            continue
        plain.iloc[i] = res.value
        if res.repaired:
            report.add(rows[i], spec.name, f"“{raw}”按数字 {res.value:g} 读取", f"read '{raw}' as the number {res.value:g}", "repaired")
    out = plain.astype("float64")
    arr = out.to_numpy()
    bad = np.isfinite(arr) & (arr < 0)
    for i in np.flatnonzero(bad):
        report.add(rows[i], spec.name, f"不能为负数（{arr[i]:g}），已留空", f"cannot be negative ({arr[i]:g}); left empty", "error")
    if spec.name in ("population", "households"):
        from geo.numbers import MAX_ROW_POPULATION

        huge = np.isfinite(arr) & (arr > MAX_ROW_POPULATION)
        for i in np.flatnonzero(huge):
            report.add(rows[i], spec.name,
                       f"数值 {arr[i]:,.0f} 超过每行上限 {MAX_ROW_POPULATION:,}（多于任何城市的人口），不是街道尺度的人数，已留空",
                       f"{arr[i]:,.0f} is above the per-row limit of {MAX_ROW_POPULATION:,} (more than any city's population), "
                       f"not a street-level count; left empty", "error")
        bad |= huge
    bad |= ~np.isfinite(arr) & ~np.isnan(arr)
    return out.mask(bad)


def _normalized(values: pd.Series) -> pd.Series:
    """normalize_header applied once per distinct value (fast on long columns)."""
    text = values.astype("string").fillna("")
    uniq = pd.unique(text)
    table = {u: normalize_header(u) for u in uniq}
    return pd.Series(text.map(table).astype(object), index=values.index)


def parse_bool(values: pd.Series, spec: FieldSpec, rows: np.ndarray, report: LayerReport) -> pd.Series:
    """是/否, 有/无, √/×, yes/no, 1/0 … → boolean with <NA> for blanks and unknown words.

    Unknown words are reported as warnings.

    Parameters
    ----------
    values : pandas.Series
        Cells of one column as read.
    spec : FieldSpec
        The field.
    rows : numpy.ndarray of int
        Row number of each cell as the planner sees it.
    report : LayerReport
        Receives the problems.

    Returns
    -------
    pandas.Series of boolean
        Nullable booleans, same index.
    """
    norm = _normalized(values)
    is_true = norm.isin(TRUE_WORDS)
    is_false = norm.isin(FALSE_WORDS)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[is_true] = True
    out[is_false] = False
    bad = ~(is_true | is_false) & (norm != "")
    for i in np.flatnonzero(bad.to_numpy()):
        raw = values.iloc[i]
        report.add(rows[i], spec.name, f"“{raw}”应填“是”或“否”，已视为未填", f"'{raw}' should be yes/no (是/否); treated as blank", "warning")
    return out


def parse_enum(values: pd.Series, spec: FieldSpec, rows: np.ndarray, report: LayerReport) -> pd.Series:
    """Map accepted spellings to the canonical value (e.g. 社区 → "community").

    Values that are not allowed are reported as warnings.

    Parameters
    ----------
    values : pandas.Series
        Cells of one column as read.
    spec : FieldSpec
        The field; ``choices`` maps canonical values to accepted spellings.
    rows : numpy.ndarray of int
        Row number of each cell as the planner sees it.
    report : LayerReport
        Receives the problems.

    Returns
    -------
    pandas.Series of object
        Canonical values, <NA> for blanks and values not allowed; same index.
    """
    lookup = {normalize_header(a): k for k, spellings in spec.choices.items() for a in (k, *spellings)}
    norm = _normalized(values)
    out = norm.map(lambda v: lookup.get(v, pd.NA) if v else pd.NA).astype("object")
    bad = out.isna() & (norm != "")
    allowed_zh = "、".join(s[0] for s in spec.choices.values())
    allowed_en = ", ".join(spec.choices)
    for i in np.flatnonzero(bad.to_numpy()):
        raw = values.iloc[i]
        report.add(rows[i], spec.name, f"“{raw}”不是可选值，应为：{allowed_zh}", f"'{raw}' is not allowed; expected one of: {allowed_en}", "warning")
    return out


def parse_list(values: pd.Series) -> pd.Series:
    """Split "老年食堂、儿童托管" into a list of items (empty list for blanks).

    Separators: 、 , ， ; ； / | and line breaks.

    Parameters
    ----------
    values : pandas.Series
        Cells of one column as read.

    Returns
    -------
    pandas.Series of object
        A list of stripped strings per cell, same index.
    """
    text = values.astype("string").fillna("").tolist()
    items = [[t.strip() for t in _LIST_SPLIT.split(s) if t.strip()] for s in text]
    return pd.Series(items, index=values.index, dtype=object)


def parse_fields(df: pd.DataFrame, schema: LayerSchema, rows: np.ndarray, report: LayerReport) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse every schema column present in ``df`` by its kind (number, bool, enum, list, text).

    Parameters
    ----------
    df : pandas.DataFrame
        Attribute table with canonical column names.
    schema : LayerSchema
        The layer type.
    rows : numpy.ndarray of int
        Row number of each row of ``df`` as the planner sees it.
    report : LayerReport
        Receives the problems (an empty required value is an error).

    Returns
    -------
    frame : pandas.DataFrame
        Copy of ``df`` with parsed columns, same index.
    missing_required : numpy.ndarray of bool
        True for rows that miss a required value (those rows are errors).
    """
    out = df.copy()
    bad_rows = np.zeros(len(df), dtype=bool)
    for spec in schema.fields:
        if spec.name not in out.columns:
            continue
        col = out[spec.name]
        n0 = len(report.problems)
        if spec.kind in ("float", "int"):
            out[spec.name] = parse_number(col, spec, rows, report)
        elif spec.kind == "bool":
            out[spec.name] = parse_bool(col, spec, rows, report)
        elif spec.kind == "enum":
            out[spec.name] = parse_enum(col, spec, rows, report)
        elif spec.kind == "list":
            out[spec.name] = parse_list(col)
        else:
            s = col.astype("string").str.strip()
            out[spec.name] = s.where(s != "", pd.NA).astype("object")
        if spec.required:
            missing = out[spec.name].isna().to_numpy()
            told = {p.row for p in report.problems[n0:] if p.severity == "error"}
            for i in np.flatnonzero(missing):
                if int(rows[i]) in told:
                    continue
                report.add(rows[i], spec.name, f"必填项“{spec.header_zh}”为空，该行未使用", f"required field '{spec.name}' ({spec.zh}) is empty; row not used", "error")
            bad_rows |= missing
    return out, bad_rows


MAX_ROW_MESSAGES = 50  # beyond this many repeated names, one summary line instead of one per row


def _first_rows(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Row number of the first occurrence of each value (vectorised)."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    first = pd.Series(rows).groupby(codes).transform("first").to_numpy()
    return first


def check_duplicates(df: pd.DataFrame, rows: np.ndarray, report: LayerReport, check_names: bool = True) -> pd.DataFrame:
    """Report duplicate ids (made unique as ``id#2``…, error) and duplicate names (warning).

    More than :data:`MAX_ROW_MESSAGES` repeated names give one summary line.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows kept so far, with canonical columns (``id``, ``name`` where present).
    rows : numpy.ndarray of int
        Row number of each row as the planner sees it.
    report : LayerReport
        Receives the problems.
    check_names : bool
        Also warn about repeated names (off for demand points, where names repeat).

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, or a copy with repeated ids renamed.
    """
    out = df
    if "id" in out.columns:
        ids = out["id"].astype("string")
        dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
        if dup.any():
            out = out.copy()
            first = _first_rows(ids, rows)
            counter = (ids.groupby(ids).cumcount() + 1).to_numpy()
            col = out.columns.get_loc("id")
            for i in np.flatnonzero(dup):
                new = f"{ids.iloc[i]}#{counter[i]}"
                report.add(rows[i], "id", f"编号“{ids.iloc[i]}”与第 {first[i]} 行重复，暂改为“{new}”，请在原文件中改为唯一编号",
                           f"id '{ids.iloc[i]}' repeats row {first[i]}; renamed '{new}' for now, give it a unique id in the file", "error")
                out.iloc[i, col] = new
    if check_names and "name" in out.columns:
        names = out["name"].astype("string")
        dup = (names.duplicated(keep="first") & names.notna()).to_numpy()
        if dup.sum() > MAX_ROW_MESSAGES:
            examples = [str(v) for v in pd.unique(names[dup].astype(str))[:3]]
            report.add(None, "name", f"{int(dup.sum())} 行的名称与前面的行重复（如 {'、'.join(examples)}），请确认是否重复录入",
                       f"{int(dup.sum())} rows repeat the name of an earlier row (e.g. {', '.join(examples)}); check for double entries", "warning")
        elif dup.any():
            first = _first_rows(names, rows)
            for i in np.flatnonzero(dup):
                report.add(rows[i], "name", f"名称“{names.iloc[i]}”与第 {first[i]} 行重复，请确认是否重复录入",
                           f"name '{names.iloc[i]}' repeats row {first[i]}; check for a double entry", "warning")
    return out


# ----------------------------------------------------------------------------- geometry

_POINT_TYPES = ("Point", "MultiPoint")
_POLY_TYPES = ("Polygon", "MultiPolygon")
_LINE_TYPES = ("LineString", "MultiLineString", "LinearRing")
_TYPE_ZH = {"point": "点", "polygon": "面"}


def _polygonal_part(g):
    if g is None or g.is_empty:
        return None
    if g.geom_type in _POLY_TYPES:
        return g
    if g.geom_type == "GeometryCollection":
        parts = [p for p in g.geoms if p.geom_type in _POLY_TYPES and not p.is_empty]
        if parts:
            u = shapely.union_all(parts)
            return u if u.geom_type in _POLY_TYPES else None
    return None


def check_geometries(geoms: np.ndarray, schema: LayerSchema, rows: np.ndarray, report: LayerReport,
                     already_reported: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check geometry presence, type and validity against the schema.

    Safe repairs (reported): single-part MultiPoint → Point, polygon in a point layer → a point
    inside it, invalid polygon → ``make_valid`` when the result is still polygonal with area.
    Refused rows get ``ok=False``.

    Parameters
    ----------
    geoms : numpy.ndarray of object
        Shapely geometries (any CRS; None for missing).
    schema : LayerSchema
        The layer type (allowed geometry "point" and/or "polygon").
    rows : numpy.ndarray of int
        Row number of each geometry as the planner sees it.
    report : LayerReport
        Receives the problems.
    already_reported : numpy.ndarray of bool, optional
        Rows with an unreadable coordinate, already told; they get no second "no position"
        message.

    Returns
    -------
    geometries : numpy.ndarray of object
        Copy with the repairs applied.
    ok : numpy.ndarray of bool
        True for usable rows.
    wrong_type : numpy.ndarray of bool
        True for points in a polygon layer and for lines / other collections.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    ok = np.ones(len(geoms), dtype=bool)
    wrong = np.zeros(len(geoms), dtype=bool)
    want_pt = "point" in schema.geometry
    want_poly = "polygon" in schema.geometry
    expected_zh = "或".join(_TYPE_ZH[g] for g in schema.geometry)
    expected_en = " or ".join(schema.geometry)
    missing = shapely.is_missing(geoms) | shapely.is_empty(np.where(shapely.is_missing(geoms), shapely.Point(), geoms))
    quiet = np.zeros(len(geoms), dtype=bool) if already_reported is None else already_reported
    for i in np.flatnonzero(missing):
        ok[i] = False
        if quiet[i]:
            continue
        report.add(rows[i], "geometry", "没有位置（坐标或几何为空），该行未使用", "no position (empty coordinates or geometry); row not used")
    types = shapely.get_type_id(np.where(missing, None, geoms))
    names = np.array(["", "Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"], dtype=object)
    tnames = names[types + 1]
    for i in np.flatnonzero(~missing):
        t = tnames[i]
        g = geoms[i]
        if t == "GeometryCollection":
            poly = _polygonal_part(g)
            if poly is not None and want_poly:
                geoms[i] = poly
                t = poly.geom_type
                report.add(rows[i], "geometry", "几何集合中只保留了面部分", "kept only the polygon parts of a geometry collection", "repaired")
        if t in _POINT_TYPES:
            if not want_pt:
                report.add(rows[i], "geometry", f"这是点，此图层需要{expected_zh}（请提供网格/社区的边界面）",
                           f"this is a point; this layer needs {expected_en} geometries (give the boundary polygons)")
                ok[i] = False
                wrong[i] = True
            elif t == "MultiPoint":
                n = shapely.get_num_geometries(g)
                if n == 1:
                    geoms[i] = shapely.get_geometry(g, 0)
                    report.add(rows[i], "geometry", "单点的多点要素已改为点", "single-point MultiPoint turned into a Point", "repaired")
                else:
                    report.add(rows[i], "geometry", f"一个要素含 {n} 个点，请拆分为每行一个点位", f"one feature holds {n} points; split it into one row per site")
                    ok[i] = False
        elif t in _POLY_TYPES:
            if not shapely.is_valid(g):
                reason = shapely.is_valid_reason(g)
                fixed = _polygonal_part(shapely.make_valid(g, method="structure", keep_collapsed=False))
                if fixed is None or fixed.area <= 0:
                    report.add(rows[i], "geometry", f"面几何无效且无法安全修复（{reason}），请在 GIS 中重新绘制",
                               f"invalid polygon that cannot be repaired safely ({reason}); redraw it in GIS")
                    ok[i] = False
                    continue
                geoms[i] = fixed
                g = fixed
                report.add(rows[i], "geometry", f"面几何无效（{reason}），已自动修复为有效的{fixed.geom_type}",
                           f"invalid polygon ({reason}) repaired into a valid {fixed.geom_type}", "repaired")
            if not want_poly:
                geoms[i] = g.representative_point()
                report.add(rows[i], "geometry", "点位图层中的面已用面内一点代替", "polygon in a point layer replaced by a point inside it", "repaired")
        elif t in _LINE_TYPES or t == "GeometryCollection":
            kind_zh = "线" if t in _LINE_TYPES else "几何集合"
            report.add(rows[i], "geometry", f"这是{kind_zh}，此图层需要{expected_zh}，该行未使用",
                       f"this is a {t}; this layer needs {expected_en} geometries; row not used")
            ok[i] = False
            wrong[i] = True
    return geoms, ok, wrong


# ----------------------------------------------------------------------------- plausibility


def _area_km2_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Approximate area in km² of WGS-84 polygons (degrees scaled by the cosine of latitude)."""
    b = shapely.bounds(geoms)
    lat = np.radians((b[:, 1] + b[:, 3]) / 2.0)
    return shapely.area(geoms) * (111.32 ** 2) * np.cos(lat)


def check_magnitudes(df: pd.DataFrame, geoms: np.ndarray, ok: np.ndarray, rows: np.ndarray, report: LayerReport) -> None:
    """Warn (with the threshold) about implausible residents/households.

    More than :data:`geo.numbers.MAX_POINT_POPULATION` at one point, or a polygon denser than
    :data:`geo.numbers.MAX_DENSITY_PER_KM2` per km² (area approximated from degrees). Values are
    kept; only warnings are added.

    Parameters
    ----------
    df : pandas.DataFrame
        Parsed attributes (``population`` / ``households`` in persons / households).
    geoms : numpy.ndarray of object
        Geometries in EPSG:4326, aligned with ``df``.
    ok : numpy.ndarray of bool
        Rows to check.
    rows : numpy.ndarray of int
        Row number of each row as the planner sees it.
    report : LayerReport
        Receives the warnings.
    """
    from geo.numbers import MAX_DENSITY_PER_KM2, MAX_POINT_POPULATION

    geoms = np.asarray(geoms, dtype=object)
    present = ok & ~shapely.is_missing(geoms)
    if not present.any():
        return
    types = np.full(len(geoms), -1)
    types[present] = shapely.get_type_id(geoms[present])
    is_pt = present & np.isin(types, (0, 4))
    is_poly = present & np.isin(types, (3, 6))
    area = np.full(len(geoms), np.nan)
    if is_poly.any():
        area[is_poly] = _area_km2_wgs84(geoms[is_poly])
    for col, zh_word, en_word in (("population", "人口", "residents"), ("households", "户数", "households")):
        if col not in df.columns:
            continue
        v = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        big_pt = is_pt & np.isfinite(v) & (v > MAX_POINT_POPULATION)
        with np.errstate(divide="ignore", invalid="ignore"):
            dens = np.where(is_poly & (area > 0), v / area, np.nan)
        big_poly = is_poly & np.isfinite(dens) & (dens > MAX_DENSITY_PER_KM2)
        idx = np.flatnonzero(big_pt)
        if len(idx) > MAX_ROW_MESSAGES:
            listed = ", ".join(str(rows[i]) for i in idx[:10])
            report.add(None, col, f"{len(idx)} 个点的{zh_word}超过 {MAX_POINT_POPULATION:,}（单点合理上限，如第 {listed} 行），请核对是否填成了片区总数",
                       f"{len(idx)} points have more than {MAX_POINT_POPULATION:,} {en_word} (the plausible limit for one point; e.g. rows {listed}); "
                       f"check for district totals or typos", "warning")
        else:
            for i in idx:
                report.add(rows[i], col, f"{zh_word} {v[i]:,.0f} 超过单点合理上限 {MAX_POINT_POPULATION:,}，请核对（是否多打了零或填成了片区总数）",
                           f"{v[i]:,.0f} {en_word} at one point is above the plausible limit of {MAX_POINT_POPULATION:,}; "
                           f"check for extra zeros or a district total", "warning")
        idx = np.flatnonzero(big_poly)
        if len(idx) > MAX_ROW_MESSAGES:
            listed = ", ".join(str(rows[i]) for i in idx[:10])
            report.add(None, col, f"{len(idx)} 个面的{zh_word}密度超过每平方公里 {MAX_DENSITY_PER_KM2:,}（如第 {listed} 行），请核对",
                       f"{len(idx)} polygons have more than {MAX_DENSITY_PER_KM2:,} {en_word} per km² (e.g. rows {listed}); check the values", "warning")
        else:
            for i in idx:
                report.add(rows[i], col, f"{zh_word} {v[i]:,.0f}，面积 {area[i]:.3f} 平方公里，密度 {dens[i]:,.0f}/平方公里，超过合理上限 {MAX_DENSITY_PER_KM2:,}/平方公里，请核对",
                           f"{v[i]:,.0f} {en_word} on {area[i]:.3f} km² is {dens[i]:,.0f} per km², above the plausible limit of "
                           f"{MAX_DENSITY_PER_KM2:,} per km²; check the value", "warning")
