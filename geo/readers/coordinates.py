"""Coordinates: lon/lat/WKT parsing, the declared CRS, units and swapped axes, datum detection (GCJ-02/BD-09)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.coords import in_china, to_wgs84
from geo.layer_errors import CoordinateUnitsError, MixedCRSError
from geo.messages import ByLang, Message, listing, pair
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


def _geoms_from_table(df: pd.DataFrame, rows: np.ndarray, schema: LayerSchema, report: LayerReport, name: str) -> np.ndarray:
    n = len(df)
    if "wkt" in df.columns:
        text = df["wkt"].astype("string").str.strip().fillna("")
        wkt = np.array([t if t else None for t in text.tolist()], dtype=object)
        geoms = shapely.from_wkt(wkt, on_invalid="ignore")
        bad = (text != "").to_numpy() & shapely.is_missing(geoms)
        for i in np.flatnonzero(bad):
            report.add(rows[i], "wkt", *pair("reader.wkt_geometry_text_cannot_parsed"))
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
        raw_lon, raw_lat = df.iloc[i].get("lon", df.iloc[i].get("lonlat")), df.iloc[i].get("lat", "")
        report.add(rows[i], "lon/lat", *pair("reader.coordinates_text_read", raw_lon=raw_lon, raw_lat=raw_lat, lon=lon[i], lat=lat[i]),
                   "repaired")
    for i in np.flatnonzero(bad_lon | bad_lat):
        fld = "lon" if bad_lon[i] else "lat"
        raw = df.iloc[i].get(fld, df.iloc[i].get("lonlat"))
        report.add(rows[i], fld, *pair("reader.not_valid_coordinate_expected_decimal", raw=raw))
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
            *pair("reader.mixed_datums", name=name, systems=listing(distinct)),
        )
    key = keys.pop()
    if key in ("wgs84", "gcj02", "bd09"):
        return key, None
    try:
        return None, CRS.from_user_input(key.upper())
    except Exception as err:
        raise CoordinateUnitsError(
            *pair("reader.coordinate_system_value_not_understood", name=name, key=key),
        ) from err


def _parse_crs(text: str, name: str) -> CRS:
    """The CRS the user gave (--crs), or a clear refusal."""
    from pyproj.exceptions import CRSError as PyprojCRSError

    try:
        return CRS.from_user_input(text)
    except PyprojCRSError as err:
        raise CoordinateUnitsError(
            *pair("reader.coordinate_system_not_understood_give", name=name, text=text),
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
                          *pair("reader.values_not_degrees", name=name, x=x[i], y=y[i], source=ByLang(src_zh, src_en), hint=ByLang(hzh, hen)),
                          report)
        for i in np.flatnonzero(metres):
            report.add(rows[i], "geometry", *pair("reader.coordinates_outside_range_degrees_row", x=x[i], y=y[i]))
        ok = ok & ~metres
        if crs is None:
            crs = CRS.from_epsg(4326)
            if raw.geoms is not None:
                report.note(*pair("reader.file_declares_no_crs_values"))
    else:
        if valid.any() and degree_like[valid].all():
            report.add(None, None, *pair("reader.file_declares_projected_crs_but", name=crs.name), "repaired")
            crs = CRS.from_epsg(4326)
    report.source_crs = crs.to_string() if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}"
    if not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        gs = gpd.GeoSeries(np.where(ok, geoms, None), crs=crs).to_crs(4326)
        geoms = np.where(ok, np.asarray(gs.values, dtype=object), geoms)
        report.note(*pair("reader.coordinates_reprojected_from_wgs_lon", name=crs.name))
    valid = ok & ~shapely.is_missing(geoms)
    x, y = _rep_xy(np.where(valid, geoms, None))
    swapped = valid & ~in_china(x, y) & in_china(y, x)
    if swapped.any():
        geoms = geoms.copy()
        geoms[swapped] = _swap_xy(geoms[swapped])
        if swapped.sum() == valid.sum():
            report.add(None, "lon/lat", *pair("reader.longitude_latitude_swapped_latitude_column"), "repaired")
        else:
            for i in np.flatnonzero(swapped):
                report.add(rows[i], "lon/lat", *pair("reader.longitude_latitude_swapped_swapped_back", x=x[i], y=y[i]), "repaired")
        x, y = _rep_xy(np.where(valid, geoms, None))
    outside = valid & ~in_china(x, y)
    if chinese_datum in ("gcj02", "bd09") and outside.any():
        i0 = int(np.flatnonzero(outside)[0])
        report.add(None, "geometry",
                   *pair("reader.datum_outside_china", n_outside=int(outside.sum()), rows=rows[i0], x=x[i0], y=y[i0], datum=Message(f"reader.datum_{chinese_datum}")), "warning")
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
        report.note(*pair("reader.datum_column_says", datum=Message(f"reader.datum_{datum}")))
    elif coords == "auto":
        if st is None:
            datum = "wgs84"
            report.detected_datum = "wgs84 (not checked)"
            report.note(*pair("reader.no_street_network_area_datum"))
            return geoms, None
        ev = detect_datum(xy[:, 0], xy[:, 1], st, groups=grp)
        report.datum_evidence = ev
        src_zh = "（用内置示例城市杭州的道路网检测）" if is_sample and ev.median_m else ""
        src_en = " (tested against the bundled Hangzhou sample streets)" if is_sample and ev.median_m else ""
        report.note(ev.message_zh + src_zh, ev.message_en + src_en)
        datum = ev.best if ev.clear else "wgs84"
        if not ev.clear and ev.n_points >= 3:
            report.add(None, None, *pair("reader.datum_unclear_read_wgs_if"), "warning")
    else:
        if file_datum is not None and file_datum != coords:
            report.add(None, None, *pair("reader.datum_column_overridden", file_datum=Message(f"reader.datum_{file_datum}"), datum=Message(f"reader.datum_{coords}")), "warning")
    report.detected_datum = datum
    if datum != "wgs84":
        geoms = geoms.copy()
        geoms[valid] = shapely.transform(geoms[valid], lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1], datum)))
        report.note(*pair("reader.coordinates_converted_from_wgs", datum=Message(f"reader.datum_{datum}")))
    elif coords == "wgs84":
        report.note(*pair("reader.read_wgs_requested_no_datum"))
    return geoms, st
