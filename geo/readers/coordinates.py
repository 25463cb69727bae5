"""Coordinates: lon/lat/WKT parsing, the declared CRS, units and swapped axes, datum detection (GCJ-02/BD-09)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.coords import in_china, to_wgs84
from geo import messages
from geo.layer_errors import CoordinateUnitsError, MixedCRSError
from geo.schemas import LayerSchema
from geo.tables import parse_coordinates
from geo.validation import LayerReport
from geo.readers._base import _Raw, _refuse

# how files name a datum (lower-cased cell text) -> datum
_DATUM_WORDS = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs 84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    "cgcs2000": "wgs84", "epsg:4490": "wgs84", "4490": "wgs84", "天地图": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "火星坐标": "gcj02", "高德": "gcj02", "腾讯": "gcj02", "国测局": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "百度": "bd09", "baidu": "bd09",
    "amap": "gcj02", "tencent": "gcj02",
}


def _datum_name(datum: str, lang: str) -> str:
    return messages.text(f"reader.datum_{datum}", lang)


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
                   f"选择了 {_datum_name(chinese_datum, 'zh')}，但 {int(outside.sum())} 个位置在中国境外（如第 {rows[i0]} 行：{x[i0]:.4f}, {y[i0]:.4f}）；"
                   f"GCJ-02/BD-09 只用于中国境内的地图坐标，请检查坐标或坐标系选择",
                   f"{_datum_name(chinese_datum, 'en')} was chosen but {int(outside.sum())} position(s) are outside China "
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
        report.note(f"文件“坐标系”列注明为 {_datum_name(datum, 'zh')}", f"the file's coordinate-system column says {_datum_name(datum, 'en')}")
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
            report.add(None, None, f"文件“坐标系”列为 {_datum_name(file_datum, 'zh')}，但按要求使用 {_datum_name(coords, 'zh')}",
                       f"the file's coordinate-system column says {_datum_name(file_datum, 'en')} but {_datum_name(coords, 'en')} was requested and used", "warning")
    report.detected_datum = datum
    if datum != "wgs84":
        geoms = geoms.copy()
        geoms[valid] = shapely.transform(geoms[valid], lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1], datum)))
        report.note(f"坐标已从 {_datum_name(datum, 'zh')} 转换为 WGS-84", f"coordinates converted from {_datum_name(datum, 'en')} to WGS-84")
    elif coords == "wgs84":
        report.note("按要求以 WGS-84 读取，未做基准转换", "read as WGS-84 as requested; no datum conversion")
    return geoms, st
