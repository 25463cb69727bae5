"""Read a planner's layer from any common file, understand it, and report every problem.

Formats: GeoJSON, GeoPackage (choose the layer), shapefile (.shp with siblings, or zipped;
.cpg/.prj honoured, GBK attributes detected when there is no .cpg), KML/KMZ (parsed safely),
CSV (UTF-8, UTF-8 BOM, GBK/GB18030) and XLSX with lon/lat columns or a WKT column.

:func:`read_layer` returns a :class:`LayerReadResult`: a GeoDataFrame in EPSG:4326 with the
canonical English column names of :data:`geo.schemas.LAYER_SCHEMAS` (plus the file's other
columns and ``source_row``), and a :class:`geo.validation.LayerReport`. Files that cannot be
used raise a :class:`geo.layer_errors.LayerRefusedError` / :class:`CoordinateRefusedError`
(subclasses of ``LayerError`` / ``CRSError``, hence ``ValueError``) listing all problems.
Input files are never modified.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.coords import in_china, to_wgs84
from geo.layer_errors import (
    CoordinateUnitsError,
    EmptyLayerError,
    FileTooLargeError,
    GeometryTypeError,
    LayerChoiceError,
    LayerRefusedError,
    MissingColumnsError,
    MixedCRSError,
    NoUsableRowsError,
    UnsafeFileError,
    UnsupportedFormatError,
)
from geo.safe_io import DEFAULT_MAX_MEMBERS, safe_extract_zip
from geo.schemas import LAYER_SCHEMAS, LayerSchema, header_lookup, match_header
from geo.tables import Table, parse_coordinates, read_csv_table, read_xlsx_table
from geo.validation import MAX_ROW_MESSAGES, LayerReport, check_duplicates, check_geometries, check_magnitudes, parse_fields

DEFAULT_MAX_BYTES = 200 * 1024 * 1024      # 200 MB input cap
DEFAULT_MAX_UNPACKED = 1024 * 1024 * 1024  # 1 GB unpacked from a zip / xlsx
FAR_FROM_STREET_M = 300.0                  # warn beyond this distance to any street (= default max access, m)
COORD_CHOICES = ("auto", "wgs84", "gcj02", "bd09")

_VECTOR_EXT = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp", ".kml": "kml"}
_TABLE_EXT = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_ARCHIVE_EXT = {".zip": "zip", ".kmz": "kmz"}
_REFUSED_EXT = {
    ".xls": ("旧版 Excel（.xls）无法读取，请在 Excel/WPS 中另存为 .xlsx", "old Excel .xls files are not read; save it as .xlsx in Excel/WPS"),
    ".et": ("WPS 表格（.et）无法读取，请另存为 .xlsx", "WPS .et files are not read; save it as .xlsx"),
    ".dwg": ("CAD 图纸无法直接读取，请由 GIS/CAD 导出为 shapefile（zip）或 GeoJSON", "CAD drawings are not read; export them to a zipped shapefile or GeoJSON"),
    ".dxf": ("CAD 图纸无法直接读取，请导出为 shapefile（zip）或 GeoJSON", "CAD drawings are not read; export them to a zipped shapefile or GeoJSON"),
    ".dbf": ("只有 .dbf 属性表，缺少几何；请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip", "a .dbf alone has no geometry; zip the .shp, .shx, .dbf, .prj and .cpg together"),
    ".shx": ("请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip 上传", "zip the .shp, .shx, .dbf, .prj and .cpg together"),
    ".pbf": ("这是 OpenStreetMap 路网文件，请用 --osm 指定，而不是作为图层导入", "this is an OpenStreetMap street file; pass it with --osm, not as a layer"),
    ".osm": ("这是 OpenStreetMap 路网文件，请用 --osm 指定，而不是作为图层导入", "this is an OpenStreetMap street file; pass it with --osm, not as a layer"),
}
_DATUM_WORDS = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs 84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    "cgcs2000": "wgs84", "epsg:4490": "wgs84", "4490": "wgs84", "天地图": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "火星坐标": "gcj02", "高德": "gcj02", "腾讯": "gcj02", "国测局": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "百度": "bd09", "baidu": "bd09",
    "amap": "gcj02", "tencent": "gcj02",
}
_DATUM_ZH = {"wgs84": "WGS-84", "gcj02": "GCJ-02（高德/腾讯）", "bd09": "BD-09（百度）"}
_DATUM_EN = {"wgs84": "WGS-84", "gcj02": "GCJ-02 (Amap/Tencent)", "bd09": "BD-09 (Baidu)"}


@dataclass
class LayerReadResult:
    """A layer as read: ``gdf`` in EPSG:4326 with canonical columns, and the full ``report``."""

    gdf: gpd.GeoDataFrame
    report: LayerReport

    def render(self, lang: str = "zh") -> str:
        """The report as plain text in Chinese ("zh") or English ("en")."""
        return self.report.render(lang)


@dataclass
class _Raw:
    df: pd.DataFrame                 # attribute columns with the file's headers
    geoms: np.ndarray | None         # shapely geometries, None for tables
    crs: CRS | None                  # CRS declared by the file (None: not declared)
    rows: np.ndarray                 # row numbers a planner sees
    row_kind: str = "row"
    encoding: str | None = None
    layer_name: str | None = None
    formula_rows: tuple[int, ...] = ()   # rows with formula cells that have no saved value


def _refuse(cls, zh: str, en: str, report: LayerReport | None = None):
    if report is not None and report.problems:
        zh = f"{zh}\n{report.summary_text('zh')}"
        en = f"{en}\n{report.summary_text('en')}"
    return cls(zh, en, report)


# ----------------------------------------------------------------------------- format readers


def _read_vector(path: Path, kind: str, layer: str | None, report: LayerReport) -> _Raw:
    import pyogrio

    name = path.name
    encoding = None
    if kind == "kml":
        from geo.kml import read_kml

        df, geoms = read_kml(path)
        if "kml_folder" in df.columns and df["kml_folder"].nunique() > 1 and layer is not None:
            keep = (df["kml_folder"] == layer).to_numpy()
            if not keep.any():
                raise LayerChoiceError(f"{name}：没有名为“{layer}”的文件夹。现有：{'、'.join(df['kml_folder'].dropna().unique())}。",
                                       f"{name}: no folder named '{layer}'. Folders: {', '.join(df['kml_folder'].dropna().unique())}.")
            df, geoms = df[keep].reset_index(drop=True), geoms[keep]
            report.layer_name = layer
        return _Raw(df, geoms, CRS.from_epsg(4326), np.arange(1, len(df) + 1), "feature", None, report.layer_name)
    if kind == "shp":
        encoding = _shapefile_encoding(path, report)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as err:  # any GDAL failure to open is "cannot be read"
        raise _refuse(UnsupportedFormatError, f"{name}：文件无法读取，可能已损坏或不是 {kind.upper()} 格式（{err}）。",
                      f"{name}: cannot be read; it may be damaged or not {kind.upper()} ({err}).") from err
    layer_names = [str(n) for n in layers[:, 0]] if len(layers) else []
    chosen: list[str | None]
    if layer is not None:
        if layer not in layer_names:
            raise LayerChoiceError(f"{name}：没有名为“{layer}”的图层。现有图层：{'、'.join(layer_names)}。",
                                   f"{name}: no layer named '{layer}'. Layers: {', '.join(layer_names)}.")
        chosen = [layer]
    elif len(layer_names) > 1:
        raise LayerChoiceError(
            f"{name}：文件中有 {len(layer_names)} 个图层（{'、'.join(layer_names)}），请用 --layer 指定要读取的一个。",
            f"{name}: the file holds {len(layer_names)} layers ({', '.join(layer_names)}); choose one with --layer.",
        )
    else:
        chosen = [layer_names[0] if layer_names else None]
    frames = []
    try:
        for lyr in chosen:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                df = pyogrio.read_dataframe(path, layer=lyr, encoding=encoding, on_invalid="ignore", force_2d=True)
            for msg in sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)}):
                report.add(None, "geometry", f"读取时 GDAL 提示：{msg}", f"GDAL said while reading: {msg}", "warning")
            frames.append(df)
    except Exception as err:  # GDAL raises DataSourceError, DataLayerError, FieldError, GeometryError …
        raise _refuse(UnsupportedFormatError, f"{name}：文件内容无法解析（{err}）。请在 GIS 软件中重新导出。",
                      f"{name}: the content cannot be parsed ({err}). Export it again from your GIS.") from err
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    crs = None
    geoms = None
    if isinstance(df, gpd.GeoDataFrame):
        crs = CRS.from_user_input(df.crs) if df.crs is not None else None
        geoms = np.asarray(df.geometry.values, dtype=object)
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    rows = np.arange(1, len(df) + 1)
    if layer is not None or len(layer_names) > 1:
        report.layer_name = ", ".join(str(c) for c in chosen)
    return _Raw(df.reset_index(drop=True), geoms, crs, rows, "feature", encoding, report.layer_name)


def _shapefile_encoding(shp: Path, report: LayerReport) -> str | None:
    """Attribute encoding of a shapefile: from .cpg if present, else UTF-8 if it decodes, else GBK."""
    siblings = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
    missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
    if missing:
        raise LayerRefusedError(
            f"{shp.name}：shapefile 不完整，缺少 {'、'.join(missing)}。请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip。",
            f"{shp.name}: the shapefile is incomplete, missing {', '.join(missing)}. Zip the .shp, .shx, .dbf, .prj and .cpg together.",
        )
    if ".prj" not in siblings:
        report.add(None, None, "shapefile 缺少 .prj（坐标系文件），将根据坐标数值判断坐标系",
                   "the shapefile has no .prj (CRS file); the CRS is judged from the coordinate values", "warning")
    if ".cpg" in siblings:
        enc = siblings[".cpg"].read_text(errors="replace").strip() or None
        return _gdal_encoding(enc)
    data = siblings[".dbf"].read_bytes()
    header_len = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    names = b"".join(data[o:o + 11].split(b"\x00")[0] for o in range(32, max(header_len - 1, 32), 32) if data[o:o + 1] != b"\r")
    body = names + b" " + data[header_len:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        report.note("shapefile 没有 .cpg，属性按 GBK 编码读取", "no .cpg: shapefile attributes read as GBK")
        return "GB18030"


def _gdal_encoding(enc: str | None) -> str | None:
    if enc is None:
        return None
    e = enc.upper().replace("-", "")
    if e in ("UTF8",):
        return "UTF-8"
    if e in ("GBK", "GB2312", "CP936", "936", "GB18030", "ANSI 936"):
        return "GB18030"
    return enc


def _read_table(path: Path, kind: str, layer: str | None, report: LayerReport, max_unpacked: int) -> _Raw:
    table: Table = read_csv_table(path) if kind == "csv" else read_xlsx_table(path, layer, max_unpacked)
    for zh, en in zip(table.notes_zh, table.notes_en):
        report.note(zh, en)
    report.layer_name = table.sheet
    formulas = table.formulas or {}
    for r in sorted(formulas):
        cells = formulas[r]
        listed = ", ".join(f"{c} {f}" for c, f in cells[:3]) + (" …" if len(cells) > 3 else "")
        report.add(r, None, f"单元格是公式但文件中没有保存计算结果（{listed.replace(', ', '、')}），读出来是空的。"
                            f"请在 Excel/WPS 中打开并保存一次，或把公式列“选择性粘贴为数值”",
                   f"formula cell(s) without a saved result ({listed}) read as empty. Open and save the workbook once in "
                   f"Excel/WPS, or paste the formula columns as values")
    return _Raw(table.frame(), None, None, table.rows, "row", table.encoding, table.sheet, tuple(formulas))


def _read_archive(path: Path, kind: str, layer: str | None, report: LayerReport, tmp: Path,
                  max_members: int, max_unpacked: int) -> _Raw:
    files = safe_extract_zip(path, tmp / "unzipped", max_members=max_members, max_total_bytes=max_unpacked)
    usable = [f for f in files if not any(part.startswith(("__MACOSX", ".")) for part in f.relative_to(tmp / "unzipped").parts)]
    exts = {e for e in (*_VECTOR_EXT, *_TABLE_EXT) if e not in (".txt", ".json")}  # readme.txt, metadata.json
    if kind == "kmz":
        exts = {".kml"}
    cands = [f for f in usable if f.suffix.lower() in exts]
    if not cands:
        listing_zh = "、".join(f.name for f in usable[:10]) or "（空）"
        listing_en = ", ".join(f.name for f in usable[:10]) or "(nothing)"
        raise UnsupportedFormatError(
            f"{path.name}：压缩包中没有可读取的图层文件（.shp/.gpkg/.geojson/.kml/.csv/.xlsx）。包内文件：{listing_zh}。",
            f"{path.name}: no layer file (.shp/.gpkg/.geojson/.kml/.csv/.xlsx) in the archive. It holds: {listing_en}.",
        )
    if len(cands) > 1:
        if layer is not None:
            match = [f for f in cands if f.stem == layer or f.name == layer]
            if match:
                cands = match[:1]
                layer = None
        if len(cands) > 1 and kind != "kmz":
            names = [f.name for f in cands]
            raise LayerChoiceError(
                f"{path.name}：压缩包中有多个图层（{'、'.join(names)}），请用 --layer 指定其中一个（文件名，不含扩展名）。",
                f"{path.name}: the archive holds several layers ({', '.join(names)}); choose one with --layer (file name without extension).",
            )
    inner = cands[0]
    report.note(f"从压缩包读取 {inner.name}", f"read {inner.name} from the archive")
    ext = inner.suffix.lower()
    if ext in _TABLE_EXT:
        return _read_table(inner, _TABLE_EXT[ext], layer, report, max_unpacked)
    return _read_vector(inner, _VECTOR_EXT[ext], layer, report)


# ----------------------------------------------------------------------------- understanding


def _map_columns(df: pd.DataFrame, schema: LayerSchema, report: LayerReport) -> pd.DataFrame:
    lookup = header_lookup(schema)
    rename: dict[str, str] = {}
    taken: dict[str, str] = {}
    for col in df.columns:
        canon = match_header(col, lookup)
        if canon is None:
            continue
        if canon in taken:
            report.add(None, canon, f"列“{col}”与列“{taken[canon]}”含义相同，已使用“{taken[canon]}”",
                       f"column '{col}' means the same as '{taken[canon]}'; used '{taken[canon]}'", "warning")
            continue
        taken[canon] = str(col)
        rename[col] = canon
    # extra columns whose names clash with canonical ones are renamed out of the way
    clash = {c: f"{c}_orig" for c in df.columns if c in taken and rename.get(c) != c and c not in rename}
    out = df.rename(columns=clash).rename(columns=rename)
    return out


def _geoms_from_table(df: pd.DataFrame, rows: np.ndarray, schema: LayerSchema, report: LayerReport, name: str) -> np.ndarray:
    n = len(df)
    if "wkt" in df.columns:
        text = df["wkt"].astype("string").str.strip().fillna("")
        wkt = np.array([t if t else None for t in text.tolist()], dtype=object)
        geoms = shapely.from_wkt(wkt, on_invalid="ignore")
        bad = (text != "").to_numpy() & shapely.is_missing(geoms)
        for i in np.flatnonzero(bad):
            report.add(rows[i], "wkt", "WKT 几何文本无法解析（例：POLYGON ((120.16 30.25, ...)))",
                       "the WKT geometry text cannot be parsed (e.g. POLYGON ((120.16 30.25, ...)))")
        return geoms
    if "lon" in df.columns and "lat" in df.columns:
        lon, rep_lon, bad_lon = parse_coordinates(df["lon"])
        lat, rep_lat, bad_lat = parse_coordinates(df["lat"])
    elif "lonlat" in df.columns:
        parts = df["lonlat"].astype("string").str.replace("，", ",").str.split(r"[,\s;]+", n=1, regex=True, expand=True)
        parts = parts.reindex(columns=[0, 1])
        lon, rep_lon, bad_lon = parse_coordinates(parts[0])
        lat, rep_lat, bad_lat = parse_coordinates(parts[1])
    else:
        return np.full(n, None, dtype=object)
    for i in np.flatnonzero((rep_lon | rep_lat) & ~(bad_lon | bad_lat)):
        report.add(rows[i], "lon/lat", f"坐标文本（{df.iloc[i].get('lon', df.iloc[i].get('lonlat'))}, {df.iloc[i].get('lat', '')}）已按十进制度读取：{lon[i]:.6f}, {lat[i]:.6f}",
                   f"coordinates written as text read as decimal degrees: {lon[i]:.6f}, {lat[i]:.6f}", "repaired")
    for i in np.flatnonzero(bad_lon | bad_lat):
        fld = "lon" if bad_lon[i] else "lat"
        raw = df.iloc[i].get(fld, df.iloc[i].get("lonlat"))
        report.add(rows[i], fld, f"“{raw}”不是有效的坐标，应为十进制度数（如 120.1636）", f"'{raw}' is not a valid coordinate; expected decimal degrees (e.g. 120.1636)")
    lon[bad_lon | bad_lat] = np.nan
    lat[bad_lon | bad_lat] = np.nan
    ok = np.isfinite(lon) & np.isfinite(lat)
    geoms = np.full(n, None, dtype=object)
    geoms[ok] = shapely.points(lon[ok], lat[ok])
    return geoms


def _datum_from_column(df: pd.DataFrame, name: str) -> tuple[str | None, CRS | None]:
    """A per-row coordinate system column (坐标系): one value → that datum/CRS; several → refused."""
    if "crs_text" not in df.columns:
        return None, None
    vals = df["crs_text"].astype("string").str.strip().str.lower().dropna()
    vals = vals[vals != ""]
    distinct = sorted(set(vals))
    if not distinct:
        return None, None
    keys = {_DATUM_WORDS.get(v, v) for v in distinct}
    if len(keys) > 1:
        raise MixedCRSError(
            f"{name}：“坐标系”列中混有多种坐标系（{'、'.join(distinct)}）。一个文件只能用一种坐标系，请按坐标系拆分成多个文件分别导入。",
            f"{name}: the coordinate-system column mixes several systems ({', '.join(distinct)}). Use one system per file; split the file and import each part.",
        )
    key = keys.pop()
    if key in ("wgs84", "gcj02", "bd09"):
        return key, None
    try:
        return None, CRS.from_user_input(key.upper())
    except Exception as err:
        raise CoordinateUnitsError(
            f"{name}：无法识别“坐标系”列的值“{key}”。可填 WGS84、GCJ02、BD09 或 EPSG 代码（如 EPSG:4549）。",
            f"{name}: the coordinate-system value '{key}' is not understood. Use WGS84, GCJ02, BD09 or an EPSG code (e.g. EPSG:4549).",
        ) from err


def _parse_crs(text: str, name: str) -> CRS:
    """The CRS the user gave (--crs), or a clear refusal."""
    from pyproj.exceptions import CRSError as PyprojCRSError

    try:
        return CRS.from_user_input(text)
    except PyprojCRSError as err:
        raise CoordinateUnitsError(
            f"{name}：无法识别坐标系“{text}”。请填写 EPSG 代码，如 EPSG:4326（WGS-84 经纬度）、EPSG:4549（CGCS2000 3 度带 120°E）、EPSG:32651（UTM 51N）。",
            f"{name}: the coordinate system '{text}' is not understood. Give an EPSG code such as EPSG:4326 (WGS-84 lon/lat), EPSG:4549 (CGCS2000 3-degree zone 120°E) or EPSG:32651 (UTM 51N).",
        ) from err


def _metre_hint(x: float, y: float) -> tuple[str, str]:
    if 1e7 <= abs(x) < 1e8:
        zone = int(abs(x) // 1e6)
        zh = f"横坐标带有带号 {zone}，像是 CGCS2000 3 度分带坐标（如 EPSG:{4513 + zone - 25}）"
        en = f"the x value carries zone number {zone}, like CGCS2000 3-degree Gauss-Kruger (e.g. EPSG:{4513 + zone - 25})"
        return zh, en
    return ("像是投影坐标（米），如 UTM 51N（EPSG:32651）或 CGCS2000 3 度带 120°E（EPSG:4549）",
            "they look like projected metres, e.g. UTM 51N (EPSG:32651) or CGCS2000 3-degree zone 120°E (EPSG:4549)")


def _rep_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b = shapely.bounds(geoms)
    return (b[:, 0] + b[:, 2]) / 2.0, (b[:, 1] + b[:, 3]) / 2.0


def _swap_xy(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: c[:, ::-1])


def _place(raw: _Raw, geoms: np.ndarray, ok: np.ndarray, crs: CRS | None, crs_declared: bool,
           report: LayerReport, name: str, chinese_datum: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Units check, reprojection to EPSG:4326, swapped lon/lat, outside China. Returns (geoms, ok).

    ``chinese_datum``: "gcj02"/"bd09" when chosen (--coords) or named by the file; positions
    outside China are then also told that these datums exist only inside China."""
    rows = raw.rows
    valid = ok & ~shapely.is_missing(geoms) & ~shapely.is_empty(np.where(shapely.is_missing(geoms), shapely.Point(), geoms))
    if not valid.any():
        return geoms, ok
    x, y = _rep_xy(np.where(valid, geoms, None))
    degree_like = (np.abs(x) <= 180) & (np.abs(y) <= 180)  # swapped lat/lon can have |y|>90
    geographic = crs is None or crs.is_geographic
    if geographic:
        metres = valid & ~degree_like
        if metres.all() or (metres.sum() == valid.sum()):
            i = int(np.flatnonzero(metres)[0])
            hzh, hen = _metre_hint(x[i], y[i])
            src_zh = "文件声明为经纬度，但" if crs_declared else ""
            src_en = "the file declares lon/lat but " if crs_declared else ""
            raise _refuse(CoordinateUnitsError,
                          f"{name}：{src_zh}坐标值（如 {x[i]:.1f}, {y[i]:.1f}）不是经纬度度数，{hzh}。请用 --crs 指定坐标系（如 --crs EPSG:4549），或导出为经纬度（WGS-84）。",
                          f"{name}: {src_en}coordinate values (e.g. {x[i]:.1f}, {y[i]:.1f}) are not degrees; {hen}. Give the CRS with --crs (e.g. --crs EPSG:4549) or export lon/lat (WGS-84).",
                          report)
        for i in np.flatnonzero(metres):
            report.add(rows[i], "geometry", f"坐标（{x[i]:.1f}, {y[i]:.1f}）超出经纬度范围，该行未使用",
                       f"coordinates ({x[i]:.1f}, {y[i]:.1f}) are outside the range of degrees; row not used")
        ok = ok & ~metres
        if crs is None:
            crs = CRS.from_epsg(4326)
            if raw.geoms is not None:
                report.note("文件未声明坐标系，坐标值为度数，按 WGS-84 经纬度读取", "the file declares no CRS; values are degrees, read as WGS-84 lon/lat")
    else:
        if valid.any() and degree_like[valid].all():
            report.add(None, None, f"文件声明的坐标系为投影坐标（{crs.name}），但坐标值是经纬度度数；已按 WGS-84 经纬度读取，请检查 .prj 文件",
                       f"the file declares a projected CRS ({crs.name}) but the values are degrees; read as WGS-84 lon/lat, check the .prj file", "repaired")
            crs = CRS.from_epsg(4326)
    report.source_crs = crs.to_string() if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}"
    if not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        gs = gpd.GeoSeries(np.where(ok, geoms, None), crs=crs).to_crs(4326)
        geoms = np.where(ok, np.asarray(gs.values, dtype=object), geoms)
        report.note(f"坐标已从 {crs.name} 转换为 WGS-84 经纬度", f"coordinates reprojected from {crs.name} to WGS-84 lon/lat")
    valid = ok & ~shapely.is_missing(geoms)
    x, y = _rep_xy(np.where(valid, geoms, None))
    swapped = valid & ~in_china(x, y) & in_china(y, x)
    if swapped.any():
        geoms = geoms.copy()
        geoms[swapped] = _swap_xy(geoms[swapped])
        if swapped.sum() == valid.sum():
            report.add(None, "lon/lat", "经度和纬度填反了（纬度列中是经度），已全部对调", "longitude and latitude are swapped (the latitude column holds longitudes); swapped back for all rows", "repaired")
        else:
            for i in np.flatnonzero(swapped):
                report.add(rows[i], "lon/lat", f"经纬度填反了（{x[i]:.5f}, {y[i]:.5f}），已对调", f"longitude/latitude swapped ({x[i]:.5f}, {y[i]:.5f}); swapped back", "repaired")
        x, y = _rep_xy(np.where(valid, geoms, None))
    outside = valid & ~in_china(x, y)
    if chinese_datum in ("gcj02", "bd09") and outside.any():
        i0 = int(np.flatnonzero(outside)[0])
        report.add(None, "geometry",
                   f"选择了 {_DATUM_ZH[chinese_datum]}，但 {int(outside.sum())} 个位置在中国境外（如第 {rows[i0]} 行：{x[i0]:.4f}, {y[i0]:.4f}）；"
                   f"GCJ-02/BD-09 只用于中国境内的地图坐标，请检查坐标或坐标系选择",
                   f"{_DATUM_EN[chinese_datum]} was chosen but {int(outside.sum())} position(s) are outside China "
                   f"(e.g. row {rows[i0]}: {x[i0]:.4f}, {y[i0]:.4f}); GCJ-02/BD-09 apply only to map coordinates inside China. "
                   f"Check the coordinates or the coordinate-system choice", "warning")
    for i in np.flatnonzero(outside):
        if abs(x[i]) < 1e-9 and abs(y[i]) < 1e-9:
            zh, en = "坐标为 (0, 0)，即没有位置，请补充坐标", "coordinates are (0, 0), i.e. missing; add the position"
        else:
            zh = f"位置（{x[i]:.4f}, {y[i]:.4f}）不在中国境内，请检查经纬度"
            en = f"position ({x[i]:.4f}, {y[i]:.4f}) is outside China; check the coordinates"
        report.add(rows[i], "geometry", zh + "，该行未使用", en + "; row not used")
    return geoms, ok & ~outside


def _streets_for(points_lon: np.ndarray, points_lat: np.ndarray, streets):
    """Street lines to test the datum against: given ones, or the bundled city if the points are in it."""
    from geo.detect import StreetIndex, sample_bounds_wgs84, sample_street_index

    if streets is not None:
        return (streets if isinstance(streets, StreetIndex) else StreetIndex(streets)), False

    minx, miny, maxx, maxy = sample_bounds_wgs84()
    pad = 0.02  # BD-09 shifts by ~0.012°
    inside = (points_lon >= minx - pad) & (points_lon <= maxx + pad) & (points_lat >= miny - pad) & (points_lat <= maxy + pad)
    if len(inside) and inside.mean() >= 0.8:
        return sample_street_index(), True
    return None, False


def _datum(geoms: np.ndarray, ok: np.ndarray, coords: str, file_datum: str | None, streets, report: LayerReport,
           is_point: bool) -> tuple[np.ndarray, object]:
    """Decide the datum, convert to WGS-84 when needed; returns (geoms, streets used or None)."""
    from geo.detect import detect_datum

    valid = ok & ~shapely.is_missing(geoms)
    used = geoms[valid]
    poly = np.isin(shapely.get_type_id(used), (3, 6))
    parts = np.where(poly, shapely.boundary(np.where(poly, used, None)), used) if len(used) else used
    if len(used):
        xy, grp = shapely.get_coordinates(parts, return_index=True)
    else:
        xy, grp = np.empty((0, 2)), np.empty(0, dtype=int)
    if len(xy) > 20000:
        pick = np.linspace(0, len(xy) - 1, 20000).astype(int)
        xy, grp = xy[pick], grp[pick]
    st, is_sample = _streets_for(xy[:, 0], xy[:, 1], streets) if len(xy) else (streets, False)
    datum = coords
    if coords == "auto" and file_datum is not None:
        datum = file_datum
        report.note(f"文件“坐标系”列注明为 {_DATUM_ZH[datum]}", f"the file's coordinate-system column says {_DATUM_EN[datum]}")
    elif coords == "auto":
        if st is None:
            datum = "wgs84"
            report.detected_datum = "wgs84 (not checked)"
            report.note("研究区没有可用的道路网，未检测坐标基准，按 WGS-84 读取；如坐标来自高德/百度地图，请用 --coords gcj02 或 bd09 指定",
                        "no street network for this area, the datum was not checked; read as WGS-84. If the points come from Amap/Baidu, use --coords gcj02 or bd09")
            return geoms, None
        ev = detect_datum(xy[:, 0], xy[:, 1], st, groups=grp)
        report.datum_evidence = ev
        src_zh = "（用内置示例城市杭州的道路网检测）" if is_sample and ev.median_m else ""
        src_en = " (tested against the bundled Hangzhou sample streets)" if is_sample and ev.median_m else ""
        report.note(ev.message_zh + src_zh, ev.message_en + src_en)
        datum = ev.best if ev.clear else "wgs84"
        if not ev.clear and ev.n_points >= 3:
            report.add(None, None, "无法确定坐标基准，已按 WGS-84 读取；如点位来自高德或百度地图，请用 --coords 指定",
                       "the datum is unclear; read as WGS-84. If the points come from Amap or Baidu, say so with --coords", "warning")
    else:
        if file_datum is not None and file_datum != coords:
            report.add(None, None, f"文件“坐标系”列为 {_DATUM_ZH[file_datum]}，但按要求使用 {_DATUM_ZH[coords]}",
                       f"the file's coordinate-system column says {_DATUM_EN[file_datum]} but {_DATUM_EN[coords]} was requested and used", "warning")
    report.detected_datum = datum
    if datum != "wgs84":
        geoms = geoms.copy()
        geoms[valid] = shapely.transform(geoms[valid], lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1], datum)))
        report.note(f"坐标已从 {_DATUM_ZH[datum]} 转换为 WGS-84", f"coordinates converted from {_DATUM_EN[datum]} to WGS-84")
    elif coords == "wgs84":
        report.note("按要求以 WGS-84 读取，未做基准转换", "read as WGS-84 as requested; no datum conversion")
    return geoms, st


def _study_area_geom(study_area):
    if study_area is None:
        return None
    if isinstance(study_area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        s = study_area.geometry if isinstance(study_area, gpd.GeoDataFrame) else study_area
        if s.crs is not None:
            s = s.to_crs(4326)
        return s.union_all()
    return study_area  # shapely geometry in WGS-84


def _km_text(d: float) -> tuple[str, str]:
    if d >= 10000:
        return f"{d / 1000:,.0f} 公里", f"{d / 1000:,.0f} km"
    if d >= 1000:
        return f"{d / 1000:.1f} 公里", f"{d / 1000:.1f} km"
    return f"{d:.0f} 米", f"{d:.0f} m"


def _location_checks(geoms: np.ndarray, ok: np.ndarray, rows: np.ndarray, streets, study_area, is_point: bool,
                     report: LayerReport) -> None:
    """Warnings with counts and an example row: features outside the street file's extent, points
    far from every street (water? another city?), positions outside the study area."""
    valid = ok & ~shapely.is_missing(geoms)
    if not valid.any():
        return
    idx = np.flatnonzero(valid)
    rep = shapely.point_on_surface(geoms[valid])
    px, py = shapely.get_x(rep), shapely.get_y(rep)
    outside_extent = np.zeros(len(idx), dtype=bool)
    bounds = getattr(streets, "bounds_wgs84", None) if streets is not None else None
    if bounds is not None:
        pad = FAR_FROM_STREET_M / 111_000.0  # degrees, about the max access distance
        minx, miny, maxx, maxy = bounds
        outside_extent = (px < minx - pad) | (px > maxx + pad) | (py < miny - pad) | (py > maxy + pad)
        if outside_extent.any():
            j = int(np.flatnonzero(outside_extent)[0])
            n, m = int(outside_extent.sum()), len(idx)
            kind_zh = "要素" if report.row_kind == "feature" else "行"
            report.add(None, "geometry",
                       f"{n} / {m} 个位置在路网文件范围之外（经度 {minx:.4f}–{maxx:.4f}，纬度 {miny:.4f}–{maxy:.4f}），"
                       f"如第 {rows[idx[j]]} {kind_zh}（{px[j]:.4f}, {py[j]:.4f}）。这些点无法沿路网步行到达：请确认图层与路网属于同一城市（--osm），或坐标系是否选对",
                       f"{n} of {m} positions lie outside the street file's extent (lon {minx:.4f}–{maxx:.4f}, lat {miny:.4f}–{maxy:.4f}), "
                       f"e.g. {report.row_kind} {rows[idx[j]]} ({px[j]:.4f}, {py[j]:.4f}). They cannot be reached along the streets: "
                       f"check that the layer and the street file (--osm) are the same city, and the coordinate system", "warning")
    if is_point and streets is not None:
        from geo.detect import street_distances

        d = street_distances(px, py, streets)
        far = np.flatnonzero(d > FAR_FROM_STREET_M)
        if len(far) > MAX_ROW_MESSAGES:
            j = far[0]
            zh_d, en_d = _km_text(d[j])
            listed = ", ".join(str(rows[idx[k]]) for k in far[:10])
            report.add(None, "geometry", f"{len(far)} 个点距最近道路超过 {FAR_FROM_STREET_M:.0f} 米（如第 {listed} 行；第 {rows[idx[j]]} 行相距 {zh_d}），可能落在水面上或研究区外，请核对坐标",
                       f"{len(far)} points are more than {FAR_FROM_STREET_M:.0f} m from any street (e.g. rows {listed}; row {rows[idx[j]]} is {en_d} away): in water or outside the study area? Check the coordinates", "warning")
            far = far[:0]
        for j in far:
            zh_d, en_d = _km_text(d[j])
            report.add(rows[idx[j]], "geometry", f"此点距最近道路 {zh_d}（超过 {FAR_FROM_STREET_M:.0f} 米），可能落在水面上或研究区外，请核对坐标",
                       f"this point is {en_d} from the nearest street (more than {FAR_FROM_STREET_M:.0f} m): in water or outside the study area? Check the coordinates", "warning")
    area = _study_area_geom(study_area)
    if area is not None:
        inside = shapely.intersects(area, np.where(valid, geoms, shapely.Point()))
        out_rows = np.flatnonzero(valid & ~inside)
        if len(out_rows) > MAX_ROW_MESSAGES:
            report.add(None, "geometry", f"{len(out_rows)} 个位置在研究区范围之外（如第 {rows[out_rows[0]]} 行）",
                       f"{len(out_rows)} positions are outside the study area (e.g. row {rows[out_rows[0]]})", "warning")
        else:
            for i in out_rows:
                report.add(rows[i], "geometry", "位置在研究区范围之外", "the position is outside the study area", "warning")


# ----------------------------------------------------------------------------- public API


def read_layer(
    path: str | Path,
    layer_type: str,
    *,
    coords: str = "auto",
    layer: str | None = None,
    streets=None,
    study_area=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    crs: str | None = None,
    max_zip_members: int = DEFAULT_MAX_MEMBERS,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED,
) -> LayerReadResult:
    """Read, understand and validate a planner's layer file.

    ``layer_type``: one of :data:`LAYER_SCHEMAS` ("centers", "stations", "grids", "communities",
    "candidates", "demand"). ``coords``: datum of lon/lat values, "auto" (detect against
    ``streets`` or the bundled sample city, convert only on clear evidence), "wgs84", "gcj02"
    or "bd09". ``layer``: GeoPackage layer, Excel sheet or archive member. ``streets``: street
    lines (GeoSeries/GeoDataFrame, metric CRS preferred) for datum detection and far-from-street
    warnings. ``study_area``: polygon (shapely in WGS-84, or GeoSeries/GeoDataFrame) for
    outside-area warnings. ``crs``: CRS of CSV/XLSX coordinates when they are not lon/lat
    (e.g. "EPSG:4549"). ``max_bytes``: size cap of the input file in bytes.
    """
    if layer_type not in LAYER_SCHEMAS:
        raise LayerRefusedError(f"未知的图层类型“{layer_type}”，可选：{'、'.join(LAYER_SCHEMAS)}",
                                f"unknown layer type '{layer_type}'; choose one of: {', '.join(LAYER_SCHEMAS)}")
    if coords not in COORD_CHOICES:
        raise LayerRefusedError(f"--coords 只能是 {'、'.join(COORD_CHOICES)}", f"--coords must be one of {', '.join(COORD_CHOICES)}")
    schema = LAYER_SCHEMAS[layer_type]
    p = Path(path)
    name = p.name
    if not p.exists():
        raise LayerRefusedError(f"找不到文件：{p}。请检查路径和文件名。", f"file not found: {p}. Check the path and file name.")
    if not p.is_file():
        raise LayerRefusedError(f"{p} 是文件夹，不是图层文件。shapefile 请选择 .shp 文件或打包为 zip。",
                                f"{p} is a folder, not a layer file. For a shapefile pick the .shp or zip it.")
    size = p.stat().st_size
    if size == 0:
        raise EmptyLayerError(f"{name}：文件是空的（0 字节）。", f"{name}: the file is empty (0 bytes).")
    if size > max_bytes:
        raise FileTooLargeError(
            f"{name}：文件大小 {size / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:.1f} MB。请只导出研究区内的要素，或删除不需要的列。",
            f"{name}: the file is {size / 1e6:.1f} MB, above the {max_bytes / 1e6:.1f} MB limit. Export only the study area, or drop unneeded columns.",
        )
    ext = p.suffix.lower()
    report = LayerReport(file=name, layer_type=layer_type)
    if ext in _REFUSED_EXT:
        zh, en = _REFUSED_EXT[ext]
        raise UnsupportedFormatError(f"{name}：{zh}。", f"{name}: {en}.")
    with tempfile.TemporaryDirectory(prefix="sc_layer_") as tmp:
        if ext in _VECTOR_EXT:
            raw = _read_vector(p, _VECTOR_EXT[ext], layer, report)
        elif ext in _TABLE_EXT:
            raw = _read_table(p, _TABLE_EXT[ext], layer, report, max_unpacked_bytes)
        elif ext in _ARCHIVE_EXT:
            raw = _read_archive(p, _ARCHIVE_EXT[ext], layer, report, Path(tmp), max_zip_members, max_unpacked_bytes)
        else:
            raise UnsupportedFormatError(
                f"{name}：不支持的文件类型“{ext or '无扩展名'}”。支持：CSV、XLSX、GeoJSON、GeoPackage、zip 打包的 shapefile、KML/KMZ。",
                f"{name}: unsupported file type '{ext or 'no extension'}'. Supported: CSV, XLSX, GeoJSON, GeoPackage, zipped shapefile, KML/KMZ.",
            )
    return _understand(raw, schema, report, name, coords=coords, streets=streets, study_area=study_area, crs=crs)


def _understand(raw: _Raw, schema: LayerSchema, report: LayerReport, name: str, *, coords: str, streets,
                study_area, crs: str | None) -> LayerReadResult:
    report.encoding = raw.encoding
    report.row_kind = raw.row_kind
    report.rows_read = len(raw.df) if raw.geoms is None else len(raw.geoms)
    if report.rows_read == 0:
        raise _refuse(EmptyLayerError, f"{name}：文件中没有任何数据行/要素。请确认导出时选择了要素，或按模板 data/templates/{schema.layer_type}.csv 填写。",
                      f"{name}: the file holds no data rows or features. Check the export, or fill in the template data/templates/{schema.layer_type}.csv.", report)
    df = _map_columns(raw.df, schema, report)
    rows = raw.rows
    if raw.geoms is None:
        has_geom_cols = "wkt" in df.columns or {"lon", "lat"} <= set(df.columns) or "lonlat" in df.columns
        missing_zh, missing_en = [], []
        if not has_geom_cols:
            missing_zh.append("坐标列（经度、纬度）或 WKT 几何列")
            missing_en.append("coordinate columns (lon, lat) or a WKT geometry column")
        for f in schema.required:
            if f.name not in df.columns:
                missing_zh.append(f"“{f.header_zh}”")
                missing_en.append(f"'{f.name}' ({f.zh})")
        if missing_zh:
            found = "、".join(map(str, raw.df.columns))
            raise _refuse(MissingColumnsError,
                          f"{name}：缺少必需的列：{'、'.join(missing_zh)}。文件中的列：{found}。请按模板 data/templates/{schema.layer_type}.csv 的表头填写。",
                          f"{name}: required columns are missing: {', '.join(missing_en)}. Columns found: {', '.join(map(str, raw.df.columns))}. Use the headers of the template data/templates/{schema.layer_type}.csv.",
                          report)
        n_before = len(report.errors)
        geoms = _geoms_from_table(df, rows, schema, report, name)
        reported = np.isin(rows, [p.row for p in report.errors[n_before:]] + list(raw.formula_rows))
        file_datum, col_crs = _datum_from_column(df, name)
        declared = _parse_crs(crs, name) if crs else col_crs
        crs_declared = declared is not None
        if declared is None:
            declared = CRS.from_epsg(4326)
            report.note("表格坐标默认按 WGS-84 经纬度读取", "table coordinates are taken as WGS-84 lon/lat unless told otherwise")
    else:
        missing = [f for f in schema.required if f.name not in df.columns]
        if missing:
            raise _refuse(MissingColumnsError,
                          f"{name}：缺少必需的属性字段：{'、'.join(f.header_zh for f in missing)}。文件中的字段：{'、'.join(map(str, raw.df.columns)) or '（无）'}。",
                          f"{name}: required attribute fields are missing: {', '.join(f.name for f in missing)}. Fields found: {', '.join(map(str, raw.df.columns)) or '(none)'}.",
                          report)
        geoms = raw.geoms
        reported = None
        file_datum, _ = _datum_from_column(df, name)
        declared = _parse_crs(crs, name) if crs else raw.crs
        crs_declared = declared is not None
    present = ~shapely.is_missing(np.asarray(geoms, dtype=object))
    geoms, ok, wrong = check_geometries(geoms, schema, rows, report, reported)
    if wrong.any() and wrong.sum() == present.sum():
        kinds = "或".join({"point": "点", "polygon": "面"}[g] for g in schema.geometry)
        found = ", ".join(sorted(set(gpd.GeoSeries(np.asarray(geoms, dtype=object)[wrong]).geom_type)))
        raise _refuse(GeometryTypeError,
                      f"{name}：几何类型不对：{schema.zh}图层需要{kinds}要素，文件中是 {found}。请导出正确的图层。",
                      f"{name}: wrong geometry type: a {schema.en} layer needs {' or '.join(schema.geometry)} features, the file has {found}. Export the right layer.",
                      report)
    geoms, ok = _place(raw, geoms, ok, declared, crs_declared, report, name,
                       chinese_datum=coords if coords in ("gcj02", "bd09") else file_datum)
    is_point = schema.geometry == ("point",)
    geoms, used_streets = _datum(geoms, ok, coords, file_datum, streets, report, is_point)
    attrs, missing_required = parse_fields(df, schema, rows, report)
    ok &= ~missing_required
    check_magnitudes(attrs, geoms, ok, rows, report)
    _location_checks(geoms, ok, rows, used_streets, study_area, is_point, report)
    keep = np.flatnonzero(ok)
    drop_cols = [c for c in ("lon", "lat", "wkt", "lonlat", "crs_text") if c in attrs.columns]
    out = attrs.drop(columns=drop_cols).iloc[keep].reset_index(drop=True)
    kept_rows = rows[keep]
    out = check_duplicates(out, kept_rows, report, check_names=schema.layer_type != "demand")
    for f in schema.fields:
        if f.name not in out.columns:
            out[f.name] = pd.Series([[] for _ in range(len(out))] if f.kind == "list" else [pd.NA] * len(out), dtype=object)
    if out["id"].isna().all():
        prefix = schema.layer_type[:1].upper()
        out["id"] = [f"{prefix}{k + 1:03d}" for k in range(len(out))]
        if len(out):
            report.note(f"文件没有编号列，已自动编号 {out['id'].iloc[0]} 起", f"no id column: ids {out['id'].iloc[0]}… assigned")
    else:
        blank = out["id"].isna()
        out.loc[blank, "id"] = [f"row{r}" for r in kept_rows[blank.to_numpy()]]
    out["id"] = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in out["id"].tolist()]
    out["source_row"] = kept_rows
    ordered = [f.name for f in schema.fields] + [c for c in out.columns if c not in {f.name for f in schema.fields}]
    gdf = gpd.GeoDataFrame(out[ordered], geometry=gpd.GeoSeries(geoms[keep], crs="EPSG:4326").values, crs="EPSG:4326")
    report.rows_used = len(gdf)
    if report.rows_used == 0:
        raise _refuse(NoUsableRowsError, f"{name}：读取了 {report.rows_read} 行，但没有一行可用。问题如下：",
                      f"{name}: {report.rows_read} rows were read but none is usable. Problems:", report)
    return LayerReadResult(gdf, report)


_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def read_layer_bytes(data: bytes, filename: str, layer_type: str, **kw) -> LayerReadResult:
    """Read an uploaded file (bytes + original file name) via :func:`read_layer`.

    The bytes are written to a private temporary folder under a sanitised name (no directory
    parts), read, and removed. Keyword arguments are those of :func:`read_layer`.
    """
    max_bytes = kw.get("max_bytes", DEFAULT_MAX_BYTES)
    safe = _SAFE_NAME.sub("_", Path(str(filename).replace("\\", "/")).name).lstrip(".") or "upload"
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"{safe}：文件大小 {len(data) / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:.1f} MB。",
            f"{safe}: the file is {len(data) / 1e6:.1f} MB, above the {max_bytes / 1e6:.1f} MB limit.",
        )
    with tempfile.TemporaryDirectory(prefix="sc_upload_") as tmp:
        target = Path(tmp) / safe
        target.write_bytes(data)
        return read_layer(target, layer_type, **kw)


def write_layer(gdf: gpd.GeoDataFrame, path: str | Path, layer: str | None = None) -> Path:
    """Write a layer atomically (temp file + rename): .gpkg, .geojson or .csv (WKT column).

    List columns are joined with "、" so every format can hold them. Returns the path.
    """
    import pyogrio

    from geo.safe_io import atomic_write_path

    target = Path(path)
    ext = target.suffix.lower()
    out = gdf.copy()
    for col in out.columns:
        if col != out.geometry.name and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
    with atomic_write_path(target) as tmp:
        if ext == ".gpkg":
            pyogrio.write_dataframe(out, tmp, layer=layer or target.stem, driver="GPKG")
        elif ext in (".geojson", ".json"):
            pyogrio.write_dataframe(out.to_crs(4326) if out.crs is not None else out, tmp, driver="GeoJSON")
        elif ext == ".csv":
            table = pd.DataFrame(out.drop(columns=out.geometry.name))
            table["WKT"] = out.geometry.to_wkt()
            tmp.write_bytes(b"\xef\xbb\xbf" + table.to_csv(index=False).encode("utf-8"))
        else:
            raise UnsupportedFormatError(f"{target.name}：只能写出 .gpkg、.geojson 或 .csv。",
                                         f"{target.name}: can only write .gpkg, .geojson or .csv.")
    return target
