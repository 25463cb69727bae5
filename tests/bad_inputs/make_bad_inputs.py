"""Write the malformed and tricky planner files used by tests/test_bad_inputs.py.

Every file is generated at test time into a temporary folder (nothing opaque is checked in).
Real positions come from the bundled Hangzhou OSM extract: mid-points of streets around
湖滨 / 西湖 / 武林广场, moved 8 m off the street centre line like a building entrance.
GCJ-02 / BD-09 files are made from those WGS-84 positions with the forward transform.

Run directly to write the files into a folder for manual inspection:
``python tests/bad_inputs/make_bad_inputs.py /tmp/bad``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.coords import wgs84_to_bd09, wgs84_to_gcj02  # noqa: E402
from geo.detect import sample_streets  # noqa: E402

# 湖滨 (Hubin) – 西湖东岸 – 武林广场 (Wulin Square) box, WGS-84 degrees
AREA = (120.155, 30.250, 120.175, 30.275)
WEST_LAKE_CENTRE = (120.1450, 30.2500)   # West Lake water, ~580 m from any street
EAST_CHINA_SEA = (123.2000, 29.6000)     # open sea east of Zhoushan


def street_points(n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """``n`` real WGS-84 positions 8 m off named streets in the 湖滨–武林 area (deterministic)."""
    s = sample_streets()
    mids = shapely.line_interpolate_point(s.values, 0.5, normalized=True)
    xy = shapely.get_coordinates(mids)
    wgs = gpd.GeoSeries(shapely.points(xy[:, 0], xy[:, 1] + 8.0), crs=s.crs).to_crs(4326)
    lon, lat = wgs.x.to_numpy(), wgs.y.to_numpy()
    inside = (lon > AREA[0]) & (lon < AREA[2]) & (lat > AREA[1]) & (lat < AREA[3])
    idx = np.flatnonzero(inside)
    pick = idx[np.linspace(0, len(idx) - 1, n).astype(int)]
    return lon[pick], lat[pick]


NAMES = ["湖滨街道党群服务中心", "东坡路社区党群服务中心", "青年路社区党群服务中心", "吴山社区党群服务中心",
         "岳王路社区党群服务中心", "武林广场党群服务站", "龙游路社区党群服务中心", "东平巷社区党群服务中心",
         "劝业里社区党群服务中心", "星火社区党群服务中心", "长生路社区党群服务中心", "庆春路社区党群服务中心"]


def _csv(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8", bom: bool = False) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _centers_rows(lon, lat, extra=None) -> list[list[object]]:
    return [[f"{i + 1:03d}", NAMES[i % len(NAMES)], f"{lon[i]:.7f}", f"{lat[i]:.7f}", "社区", "是"] for i in range(len(lon))]


_HEAD = ["编号", "名称", "经度", "纬度", "层级", "便民服务"]


def _feature_collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _poly_feature(coords, props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [coords]}}


def _square(lon0: float, lat0: float, d: float = 0.002) -> list[list[float]]:
    return [[lon0, lat0], [lon0 + d, lat0], [lon0 + d, lat0 + d], [lon0, lat0 + d], [lon0, lat0]]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _shapefile_members(tmp: Path, gdf: gpd.GeoDataFrame, stem: str, encoding: str, keep: tuple[str, ...]) -> dict[str, bytes]:
    folder = tmp / f"_shp_{stem}"
    folder.mkdir(exist_ok=True)
    pyogrio.write_dataframe(gdf, folder / f"{stem}.shp", encoding=encoding)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix.lower() in keep}


def build_all(dest: Path) -> dict[str, Path]:
    """Write every case into ``dest``; returns case name -> file path."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    lon, lat = street_points(12)
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = wgs84_to_bd09(lon, lat)
    out: dict[str, Path] = {}

    out["gbk_chinese_headers"] = _csv(dest / "gbk_chinese_headers.csv", _HEAD + ["面积（㎡）", "所属社区"],
                                      [r + ["1,200", "东坡路社区"] for r in _centers_rows(lon[:4], lat[:4])], encoding="gbk")
    out["utf8_bom"] = _csv(dest / "utf8_bom.csv", _HEAD, _centers_rows(lon[:3], lat[:3]), bom=True)
    out["swapped_columns"] = _csv(dest / "swapped_columns.csv", _HEAD, _centers_rows(lat[:5], lon[:5]))
    partly = np.column_stack([lon[:5], lat[:5]])
    partly[1] = partly[1, ::-1]
    out["swapped_one_row"] = _csv(dest / "swapped_one_row.csv", _HEAD, _centers_rows(partly[:, 0], partly[:, 1]))
    out["gcj02_points"] = _csv(dest / "gcj02_points.csv", _HEAD, _centers_rows(glon, glat))
    out["bd09_points"] = _csv(dest / "bd09_points.csv", _HEAD, _centers_rows(blon, blat))
    out["wgs84_points"] = _csv(dest / "wgs84_points.csv", _HEAD, _centers_rows(lon, lat))
    deg = [["001", "湖滨中心", f"{lon[0]:.6f}°E", "30°15′31.7″N", "社区", "是"],
           ["002", "东坡中心", f"东经{lon[1]:.6f}度", f"北纬{lat[1]:.6f}度", "社区", "是"],
           ["003", "坏坐标", "一百二十度", "30.25", "社区", "是"],
           ["004", "全角数字", "１２０．１６３６", "３０．２５８８", "社区", "是"]]
    out["degree_sign"] = _csv(dest / "degree_sign.csv", _HEAD, deg)
    dup = _centers_rows(lon[:4], lat[:4])
    dup[2][0] = "001"
    dup[3][1] = dup[1][1]
    out["duplicate_ids"] = _csv(dest / "duplicate_ids.csv", _HEAD, dup)
    mixed = [r + [("WGS84" if i % 2 else "GCJ02")] for i, r in enumerate(_centers_rows(lon[:4], lat[:4]))]
    out["mixed_crs"] = _csv(dest / "mixed_crs.csv", _HEAD + ["坐标系"], mixed)
    sea = _centers_rows(lon[:3], lat[:3]) + [["004", "西湖湖心", WEST_LAKE_CENTRE[0], WEST_LAKE_CENTRE[1], "社区", "是"],
                                             ["005", "东海", EAST_CHINA_SEA[0], EAST_CHINA_SEA[1], "社区", "是"],
                                             ["006", "零点", 0, 0, "社区", "是"]]
    out["points_in_sea"] = _csv(dest / "points_in_sea.csv", _HEAD, sea)
    utm = gpd.GeoSeries(shapely.points(lon[:4], lat[:4]), crs=4326).to_crs(32651)
    out["projected_metres"] = _csv(dest / "projected_metres.csv", ["名称", "X", "Y"],
                                   [[NAMES[i], f"{utm.x.iloc[i]:.2f}", f"{utm.y.iloc[i]:.2f}"] for i in range(4)])
    out["no_coordinate_columns"] = _csv(dest / "no_coordinate_columns.csv", ["名称", "地址"], [["湖滨中心", "湖滨路 1 号"]])
    out["header_only"] = _csv(dest / "header_only.csv", _HEAD, [])
    out["all_rows_bad"] = _csv(dest / "all_rows_bad.csv", _HEAD,
                               [["001", "甲", "", "", "社区", "是"], ["002", "", f"{lon[0]}", f"{lat[0]}", "社区", "是"], ["003", "丙", "abc", "30.2", "社区", "是"]])
    big = dest / "too_big.csv"
    _csv(big, _HEAD, _centers_rows(np.repeat(lon, 50), np.repeat(lat, 50)))
    out["too_big"] = big
    demand_rows = [[f"D{i}", f"{lon[i]:.6f}", f"{lat[i]:.6f}", pop] for i, pop in enumerate(["1200", "-5", "很多", "约300人"])]
    out["demand_bad_population"] = _csv(dest / "demand_bad_population.csv", ["编号", "经度", "纬度", "常住人口"], demand_rows)
    out["demand_no_population"] = _csv(dest / "demand_no_population.csv", ["编号", "经度", "纬度"], [["D1", lon[0], lat[0]]])
    total = _centers_rows(lon[:3], lat[:3]) + [["合计", "", "", "", "", ""]]
    out["total_row"] = _csv(dest / "total_row.csv", _HEAD, total)
    out["semicolon_gb18030"] = dest / "semicolon_gb18030.csv"
    text = "名称;经度;纬度;开放时间\r\n" + "".join(f"{NAMES[i]};{lon[i]:.6f};{lat[i]:.6f};9:00-17:00\r\n" for i in range(3))
    out["semicolon_gb18030"].write_bytes(text.encode("gb18030"))

    # --- Excel
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "中心清单"
    ws.append(["湖滨街道党群服务阵地一览表", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["名称", "坐标", None, "所属社区"])
    ws.append([None, "经度", "纬度", None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    for i in range(4):
        ws.append([NAMES[i], float(lon[i]), float(lat[i]), "东坡路社区" if i < 2 else None])
    ws.merge_cells("D4:D5")  # one community cell spanning two sites
    ws.append(["龙游路社区党群服务中心", float(lon[4]), float(lat[4]), "龙游路社区"])
    wb.save(dest / "excel_merged_header.xlsx")
    out["excel_merged_header"] = dest / "excel_merged_header.xlsx"
    doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(dest / "excel_merged_header.xlsx") as src, zipfile.ZipFile(dest / "xlsx_xml_bomb.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # entity declarations in the sheet XML
                data = data.replace(b"?>", b"?>" + doctype, 1) if data.startswith(b"<?xml") else doctype + data
            dst.writestr(item, data)
    out["xlsx_xml_bomb"] = dest / "xlsx_xml_bomb.xlsx"
    out["old_xls"] = dest / "old_xls.xls"
    out["old_xls"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    out["csv_renamed_xlsx"] = dest / "csv_renamed_xlsx.xlsx"
    out["csv_renamed_xlsx"].write_text("名称,经度,纬度\n湖滨,120.16,30.25\n", encoding="utf-8")

    # --- GeoJSON
    out["empty_geojson"] = dest / "empty.geojson"
    out["empty_geojson"].write_text(_feature_collection([]), encoding="utf-8")
    bow = [[120.160, 30.255], [120.164, 30.259], [120.164, 30.255], [120.160, 30.259], [120.160, 30.255]]
    out["self_intersection"] = dest / "self_intersection.geojson"
    out["self_intersection"].write_text(_feature_collection([
        _poly_feature(bow, {"网格编号": "G1", "网格名称": "蝴蝶网格", "人口": 800}),
        _poly_feature(_square(120.166, 30.262), {"网格编号": "G2", "网格名称": "正常网格", "人口": 500}),
    ]), encoding="utf-8")
    flat = [[120.160, 30.255], [120.161, 30.256], [120.162, 30.257], [120.160, 30.255]]
    out["collapsed_polygon"] = dest / "collapsed_polygon.geojson"
    out["collapsed_polygon"].write_text(_feature_collection([
        _poly_feature(flat, {"网格编号": "G1", "网格名称": "一条线", "人口": 10}),
        _poly_feature(_square(120.166, 30.262), {"网格编号": "G2", "网格名称": "正常网格", "人口": 500}),
    ]), encoding="utf-8")
    line_feats = [{"type": "Feature", "properties": {"name": NAMES[i]},
                   "geometry": {"type": "LineString", "coordinates": [[lon[i], lat[i]], [lon[i] + 0.001, lat[i]]]}} for i in range(3)]
    out["lines_for_points"] = dest / "lines_for_points.geojson"
    out["lines_for_points"].write_text(_feature_collection(line_feats), encoding="utf-8")
    pt_feats = [{"type": "Feature", "properties": {"name": f"网格{i}"}, "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]}} for i in range(3)]
    out["points_for_grids"] = dest / "points_for_grids.geojson"
    out["points_for_grids"].write_text(_feature_collection(pt_feats), encoding="utf-8")
    latlon_feats = [{"type": "Feature", "properties": {"name": NAMES[i]}, "geometry": {"type": "Point", "coordinates": [lat[i], lon[i]]}} for i in range(4)]
    out["geojson_lat_lon_order"] = dest / "geojson_lat_lon_order.geojson"
    out["geojson_lat_lon_order"].write_text(_feature_collection(latlon_feats), encoding="utf-8")
    out["broken_json"] = dest / "broken.geojson"
    out["broken_json"].write_text('{"type": "FeatureCollection", "features": [ {"type": "Feature", ', encoding="utf-8")
    out["building_polygons_for_centers"] = dest / "building_polygons_for_centers.geojson"
    out["building_polygons_for_centers"].write_text(_feature_collection([
        _poly_feature(_square(float(lon[i]), float(lat[i]), 0.0002), {"name": NAMES[i]}) for i in range(3)]), encoding="utf-8")

    # --- shapefiles in zips
    sites = gpd.GeoDataFrame({"名称": NAMES[:4], "人口": [100, 200, 300, 400]}, geometry=shapely.points(lon[:4], lat[:4]), crs=4326)
    tmp = dest / "_work"
    tmp.mkdir(exist_ok=True)
    out["shapefile_no_prj_gbk"] = _zip(dest / "shapefile_no_prj_gbk.zip",
                                       _shapefile_members(tmp, sites, "sites", "GBK", (".shp", ".shx", ".dbf")))
    out["shapefile_utf8_cpg"] = _zip(dest / "shapefile_utf8_cpg.zip",
                                     _shapefile_members(tmp, sites, "sites_utf8", "UTF-8", (".shp", ".shx", ".dbf", ".prj", ".cpg")))
    fake_utm = sites.set_crs(32651, allow_override=True)
    out["prj_utm_but_degrees"] = _zip(dest / "prj_utm_but_degrees.zip",
                                      _shapefile_members(tmp, fake_utm, "wrong_prj", "UTF-8", (".shp", ".shx", ".dbf", ".prj", ".cpg")))
    out["shapefile_missing_dbf"] = _zip(dest / "shapefile_missing_dbf.zip",
                                        _shapefile_members(tmp, sites, "nodbf", "UTF-8", (".shp", ".shx", ".prj")))
    two = _shapefile_members(tmp, sites, "layer_a", "UTF-8", (".shp", ".shx", ".dbf", ".prj", ".cpg"))
    two.update(_shapefile_members(tmp, sites.iloc[:2], "layer_b", "UTF-8", (".shp", ".shx", ".dbf", ".prj", ".cpg")))
    out["zip_two_layers"] = _zip(dest / "zip_two_layers.zip", two)
    out["zip_traversal"] = _zip(dest / "zip_traversal.zip", {"../../evil.csv": b"x", "ok.csv": b"a,b\n"})
    out["zip_absolute"] = _zip(dest / "zip_absolute.zip", {"/tmp/evil_abs.csv": b"x"})
    out["zip_no_layer"] = _zip(dest / "zip_no_layer.zip", {"readme.txt": b"nothing here", "photo.jpg": b"\xff\xd8"})
    bomb = dest / "zip_bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("huge.csv", b"0" * (20 * 1024 * 1024))
    out["zip_bomb"] = bomb
    out["zip_many_members"] = _zip(dest / "zip_many_members.zip", {f"f{i}.txt": b"x" for i in range(40)})

    # --- GeoPackage with two layers
    gpkg = dest / "two_layers.gpkg"
    pyogrio.write_dataframe(sites.rename(columns={"名称": "name"}), gpkg, layer="centers")
    pyogrio.write_dataframe(sites.iloc[:2].rename(columns={"名称": "name"}), gpkg, layer="stations", append=False)
    out["gpkg_two_layers"] = gpkg

    # --- KML
    placemarks = "".join(
        f"<Placemark><name>{NAMES[i]}</name><Point><coordinates>{lon[i]:.7f},{lat[i]:.7f},0</coordinates></Point></Placemark>"
        for i in range(3))
    out["kml_ok"] = dest / "sites.kml"
    out["kml_ok"].write_text(f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemarks}</Document></kml>', encoding="utf-8")
    bomb_kml = ('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&d;</name>'
                '<Point><coordinates>120.16,30.25,0</coordinates></Point></Placemark></Document></kml>')
    out["kml_xml_bomb"] = dest / "bomb.kml"
    out["kml_xml_bomb"].write_text(bomb_kml, encoding="utf-8")
    def ring(x0, y0, d=0.002):
        return " ".join(f"{x:.6f},{y:.6f},0" for x, y in _square(x0, y0, d))

    grid_pm = [
        f"<Placemark><name>网格{i}</name><ExtendedData><Data name=\"所属社区\"><value>东坡路社区</value></Data>"
        f"<Data name=\"人口\"><value>{500 + i}</value></Data></ExtendedData>"
        f"<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(120.160 + 0.003 * i, 30.255)}"
        f"</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>" for i in range(3)]
    out["kml_extended_data"] = dest / "grids_extended.kml"
    out["kml_extended_data"].write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f'<Folder><name>东坡路</name>{"".join(grid_pm[:2])}</Folder><Folder><name>龙游路</name>{grid_pm[2]}</Folder>'
        '</Document></kml>', encoding="utf-8")
    out["kmz_ok"] = _zip(dest / "sites.kmz", {"doc.kml": out["kml_ok"].read_bytes()})
    return out


if __name__ == "__main__":  # pragma: no cover
    for name, path in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_out")).items():
        print(f"{name:32s} {path}")
