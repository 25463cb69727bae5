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

from geo.messages import ByLang, listing, pair, text
from geo.schemas import FALSE_WORDS, TRUE_WORDS, FieldSpec, LayerSchema, normalize_header

SEVERITIES = ("error", "warning", "repaired")


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
        kind = ByLang(text("reader.row_kind_feature" if row_kind == "feature" else "reader.row_kind_row", "zh"), row_kind)
        where = text("reader.problem_at_row", lang, row=self.row, row_kind=kind) if self.row is not None \
            else text("reader.problem_in_file", lang)
        fld = text("reader.problem_field", lang, field=ByLang(FIELD_LABELS_ZH.get(self.field, self.field), self.field)) \
            if self.field else ""
        return text("reader.problem_line", lang, severity=text(f"reader.severity_{self.severity}", lang), where=where,
                    field=fld, message=self.message_en if lang == "en" else self.message_zh)


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
        lines = [text("reader.render_file", lang, file=self.file)
                 + (text("reader.render_layer_name", lang, layer=self.layer_name) if self.layer_name else ""),
                 text("reader.render_layer_type", lang, layer_type=self.layer_type),
                 text("reader.render_rows", lang, read=self.rows_read, used=self.rows_used)]
        if self.encoding:
            lines.append(text("reader.render_encoding", lang, encoding=self.encoding))
        lines.append(text("reader.render_crs", lang, crs=self.source_crs or text("reader.unknown", lang)))
        lines.append(text("reader.render_datum", lang, datum=self.detected_datum or text("reader.not_checked", lang)))
        lines += [f"  - {c}" for c in (self.conversions if lang == "en" else self.conversions_zh)]
        n_err = len(self.errors)
        lines.append(text("reader.render_problems", lang, errors=n_err, others=len(self.problems) - n_err)
                     if self.problems else text("common.no_problems", lang))
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
        cols = tuple(text(f"reader.col_{c}", lang) for c in ("row", "field", "severity", "message"))
        data = [
            (p.row, (FIELD_LABELS_ZH.get(p.field, p.field) if zh else p.field) if p.field else "",
             text(f"reader.severity_{p.severity}", lang), p.message_zh if zh else p.message_en)
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
            out += "\n  " + text("reader.more_problems", lang, n=more)
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
            why = ByLang(res.why_zh or text("reader.not_a_number", "zh", raw=raw),
                         res.why_en or text("reader.not_a_number", "en", raw=raw))
            unit = ByLang(spec.unit or "", (" of " + UNIT_EN.get(spec.unit, spec.unit)) if spec.unit else "")
            report.add(rows[i], spec.name, *pair("reader.expected_number", why=why, unit=unit), "error")
            continue
        plain.iloc[i] = res.value
        if res.repaired:
            report.add(rows[i], spec.name, *pair("reader.read_number", raw=raw, value=res.value), "repaired")
    out = plain.astype("float64")
    arr = out.to_numpy()
    bad = np.isfinite(arr) & (arr < 0)
    for i in np.flatnonzero(bad):
        report.add(rows[i], spec.name, *pair("reader.cannot_negative_left_empty", arr=arr[i]), "error")
    if spec.name in ("population", "households"):
        from geo.numbers import MAX_ROW_POPULATION

        huge = np.isfinite(arr) & (arr > MAX_ROW_POPULATION)
        for i in np.flatnonzero(huge):
            report.add(rows[i], spec.name,
                       *pair("reader.above_per_row_limit_more", arr=arr[i], max_row_population=MAX_ROW_POPULATION), "error")
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
        report.add(rows[i], spec.name, *pair("reader.should_yes_no_treated_blank", raw=raw), "warning")
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
        report.add(rows[i], spec.name, *pair("reader.not_allowed_expected_one", raw=raw, allowed=ByLang(allowed_zh, allowed_en)), "warning")
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
                field_name = ByLang(spec.header_zh, f"'{spec.name}' ({spec.zh})")
                report.add(rows[i], spec.name, *pair("reader.required_field_empty", field=field_name), "error")
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
                report.add(rows[i], "id", *pair("reader.id_repeats", value=ids.iloc[i], first=first[i], new=new), "error")
                out.iloc[i, col] = new
    if check_names and "name" in out.columns:
        names = out["name"].astype("string")
        dup = (names.duplicated(keep="first") & names.notna()).to_numpy()
        if dup.sum() > MAX_ROW_MESSAGES:
            examples = [str(v) for v in pd.unique(names[dup].astype(str))[:3]]
            report.add(None, "name", *pair("reader.names_repeat", n=int(dup.sum()), examples=listing(examples)), "warning")
        elif dup.any():
            first = _first_rows(names, rows)
            for i in np.flatnonzero(dup):
                report.add(rows[i], "name", *pair("reader.name_repeats", value=names.iloc[i], first=first[i]), "warning")
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
        report.add(rows[i], "geometry", *pair("reader.no_position_empty_coordinates_or"))
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
                report.add(rows[i], "geometry", *pair("reader.kept_only_polygon_parts_geometry"), "repaired")
        if t in _POINT_TYPES:
            if not want_pt:
                report.add(rows[i], "geometry", *pair("reader.point_in_polygon_layer", expected=ByLang(expected_zh, expected_en)))
                ok[i] = False
                wrong[i] = True
            elif t == "MultiPoint":
                n = shapely.get_num_geometries(g)
                if n == 1:
                    geoms[i] = shapely.get_geometry(g, 0)
                    report.add(rows[i], "geometry", *pair("reader.single_point_multipoint_turned_into"), "repaired")
                else:
                    report.add(rows[i], "geometry", *pair("reader.one_feature_holds_points_split", n=n))
                    ok[i] = False
        elif t in _POLY_TYPES:
            if not shapely.is_valid(g):
                reason = shapely.is_valid_reason(g)
                fixed = _polygonal_part(shapely.make_valid(g, method="structure", keep_collapsed=False))
                if fixed is None or fixed.area <= 0:
                    report.add(rows[i], "geometry", *pair("reader.invalid_polygon_that_cannot_repaired", reason=reason))
                    ok[i] = False
                    continue
                geoms[i] = fixed
                g = fixed
                report.add(rows[i], "geometry", *pair("reader.invalid_polygon_repaired_into_valid", reason=reason, geom_type=fixed.geom_type), "repaired")
            if not want_poly:
                geoms[i] = g.representative_point()
                report.add(rows[i], "geometry", *pair("reader.polygon_point_layer_replaced_by"), "repaired")
        elif t in _LINE_TYPES or t == "GeometryCollection":
            kind_zh = "线" if t in _LINE_TYPES else "几何集合"
            report.add(rows[i], "geometry", *pair("reader.wrong_geometry_row", geom_type=ByLang(kind_zh, t), expected=ByLang(expected_zh, expected_en)))
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
            report.add(None, col, *pair("reader.points_population_above_limit", n_idx=len(idx), max_point_population=MAX_POINT_POPULATION, listed=listed, word=ByLang(zh_word, en_word)), "warning")
        else:
            for i in idx:
                report.add(rows[i], col, *pair("reader.point_population_above_limit", v=v[i], max_point_population=MAX_POINT_POPULATION, word=ByLang(zh_word, en_word)), "warning")
        idx = np.flatnonzero(big_poly)
        if len(idx) > MAX_ROW_MESSAGES:
            listed = ", ".join(str(rows[i]) for i in idx[:10])
            report.add(None, col, *pair("reader.polygons_density_above_limit", n_idx=len(idx), max_density_per_km2=MAX_DENSITY_PER_KM2, listed=listed, word=ByLang(zh_word, en_word)), "warning")
        else:
            for i in idx:
                report.add(rows[i], col, *pair("reader.density_above_limit", v=v[i], area=area[i], dens=dens[i], max_density_per_km2=MAX_DENSITY_PER_KM2, word=ByLang(zh_word, en_word)), "warning")
