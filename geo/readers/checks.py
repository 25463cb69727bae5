"""Location checks: outside the street file's extent, far from every street, outside the study area."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.messages import ByLang, pair
from geo.validation import MAX_ROW_MESSAGES, LayerReport
from geo.readers._base import FAR_FROM_STREET_M


def _study_area_geom(study_area):
    if study_area is None:
        return None
    if isinstance(study_area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        s = study_area.geometry if isinstance(study_area, gpd.GeoDataFrame) else study_area
        if s.crs is not None:
            s = s.to_crs(4326)
        return s.union_all()
    return study_area  # shapely geometry in WGS-84


def _representative_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a point inside each geometry: the point itself for points (no new objects),
    else :func:`shapely.point_on_surface` (the same values either way)."""
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all():
        xy = shapely.get_coordinates(geoms)
        return xy[:, 0], xy[:, 1]
    rep = shapely.point_on_surface(geoms)
    return shapely.get_x(rep), shapely.get_y(rep)


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
    px, py = _representative_xy(geoms[valid])
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
                       *pair("reader.outside_street_extent", n=n, m=m, minx=minx, maxx=maxx, miny=miny, maxy=maxy, rows=rows[idx[j]], px=px[j], py=py[j], row_kind=ByLang(kind_zh, report.row_kind)), "warning")
    if is_point and streets is not None:
        from geo.detect import street_distances

        d = street_distances(px, py, streets)
        far = np.flatnonzero(d > FAR_FROM_STREET_M)
        if len(far) > MAX_ROW_MESSAGES:
            j = far[0]
            zh_d, en_d = _km_text(d[j])
            listed = ", ".join(str(rows[idx[k]]) for k in far[:10])
            report.add(None, "geometry", *pair("reader.points_far_from_streets", n_far=len(far), far_from_street_m=FAR_FROM_STREET_M, listed=listed, rows=rows[idx[j]], distance=ByLang(zh_d, en_d)), "warning")
            far = far[:0]
        for j in far:
            zh_d, en_d = _km_text(d[j])
            report.add(rows[idx[j]], "geometry", *pair("reader.point_far_from_street", far_from_street_m=FAR_FROM_STREET_M, distance=ByLang(zh_d, en_d)), "warning")
    area = _study_area_geom(study_area)
    if area is not None:
        inside = shapely.intersects(area, np.where(valid, geoms, shapely.Point()))
        out_rows = np.flatnonzero(valid & ~inside)
        if len(out_rows) > MAX_ROW_MESSAGES:
            report.add(None, "geometry", *pair("reader.positions_outside_study_area", n_out_rows=len(out_rows), rows=rows[out_rows[0]]), "warning")
        else:
            for i in out_rows:
                report.add(rows[i], "geometry", *pair("reader.position_outside_study_area"), "warning")


# ----------------------------------------------------------------------------- public API
