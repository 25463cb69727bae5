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


# ============================================================================= the generated corpus
#
# Each case: a file, the layer type it is read as, and its expected outcome: either a refusal
# (the project's exception class name + a fragment of the English message) or the correct answer
# (a check on the read layer, plus fragments that must appear in the English report).


from dataclasses import dataclass, field  # noqa: E402
from typing import Callable  # noqa: E402


@dataclass
class Case:
    """One bad input. ``refuse``: (exception class name, English fragment) or None; ``check``:
    a function of the LayerReadResult that is True for the correct answer; ``report_has``:
    fragments of the English report; ``cls``: the corpus class (files, archives, xml, values,
    geometry/crs, encodings, location, diagnoses)."""

    id: str
    cls: str
    path: Path
    layer_type: str = "centers"
    kwargs: dict = field(default_factory=dict)
    refuse: tuple[str, str] | None = None
    check: Callable | None = None
    report_has: tuple[str, ...] = ()


#: population cell -> expected value (float) or None (refused on that row)
POPULATION_VALUES: dict[str, float | None] = {
    "1200": 1200.0, "1,234": 1234.0, "1.2万": 12000.0, "3千": 3000.0, "约300": 300.0, "300人": 300.0,
    "１２３": 123.0, "约300人": 300.0, "2.5k": 2500.0, "1,200人": 1200.0, "0": 0.0, " 42 ": 42.0,
    "大约500": 500.0, "500左右": 500.0, "１，２３４": 1234.0, "3.5e3": 3500.0, "+100": 100.0, "4.5万人": 45000.0,
    "1e15": None, "inf": None, "-inf": None, "nan": None, "NaN": None, "Infinity": None, "∞": None,
    "-5": None, "很多": None, "300-400": None, "三百": None, "1,2": None, "abc": None, "1.2.3": None, "万": None,
    "1e400": None,
}


def build_corpus(dest: Path) -> list[Case]:
    """Write every corpus file into ``dest``; returns the cases with their expected outcome."""
    import openpyxl

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    lon, lat = street_points(12)
    cases: list[Case] = []

    def add(c: Case) -> None:
        cases.append(c)

    # --- values: population as typed, one case per spelling (row 3 holds it; row 2 is a good row)
    for k, (raw, want) in enumerate(POPULATION_VALUES.items()):
        p = _csv(dest / f"value_{k:02d}.csv", ["编号", "经度", "纬度", "人口"],
                 [["D1", f"{lon[0]:.6f}", f"{lat[0]:.6f}", "800"], ["D2", f"{lon[1]:.6f}", f"{lat[1]:.6f}", raw]])
        if want is None:
            add(Case(f"value {raw!r}", "values", p, "demand",
                     check=lambda r: r.gdf["population"].tolist() == [800.0]
                     and any(pr.row == 3 and pr.field == "population" and pr.severity == "error" for pr in r.report.problems)))
        else:
            add(Case(f"value {raw!r}", "values", p, "demand",
                     check=lambda r, w=want: r.gdf["population"].tolist() == [800.0, w] and not r.report.has_errors))
    # implausible magnitudes are warned with the threshold
    p = _csv(dest / "value_big_point.csv", ["编号", "经度", "纬度", "人口"], [["D1", f"{lon[0]:.6f}", f"{lat[0]:.6f}", "60000"]])
    add(Case("60,000 residents at one point", "values", p, "demand", check=lambda r: r.gdf["population"].tolist() == [60000.0],
             report_has=("plausible limit of 50,000",)))
    dense = f"POLYGON (({lon[0]:.5f} {lat[0]:.5f}, {lon[0] + 0.001:.5f} {lat[0]:.5f}, {lon[0] + 0.001:.5f} {lat[0] + 0.001:.5f}, {lon[0]:.5f} {lat[0]:.5f}))"
    p = _csv(dest / "value_dense_grid.csv", ["编号", "网格名称", "人口", "几何(WKT)"], [["G1", "高密网格", "900000", dense]])
    add(Case("grid denser than 100,000 per km²", "values", p, "grids", report_has=("100,000 per km²",),
             check=lambda r: r.gdf["population"].tolist() == [900000.0]))
    p = _csv(dest / "value_households_inf.csv", ["编号", "经度", "纬度", "人口", "户数"], [["D1", f"{lon[0]:.6f}", f"{lat[0]:.6f}", "100", "inf"]])
    add(Case("households inf", "values", p, "demand", report_has=("not a finite number",),
             check=lambda r: r.gdf["households"].isna().all() and r.gdf["population"].tolist() == [100.0]))
    p = _csv(dest / "value_area_wan.csv", _HEAD + ["面积(㎡)"], [r + ["0.12万"] for r in _centers_rows(lon[:1], lat[:1])])
    add(Case("area 0.12万 ㎡", "values", p, "centers", check=lambda r: r.gdf["area_m2"].tolist() == [1200.0]))
    p = _csv(dest / "value_all_inf.csv", ["编号", "经度", "纬度", "人口"], [["D1", f"{lon[0]:.6f}", f"{lat[0]:.6f}", "inf"]])
    add(Case("only row has population inf", "values", p, "demand", refuse=("NoUsableRowsError", "not a finite number")))

    # --- encodings
    rows3 = _centers_rows(lon[:3], lat[:3])
    for enc, bom, label in (("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8 (BOM)"), ("gbk", False, "GBK/GB18030"),
                            ("gb18030", False, "GBK/GB18030"), ("utf-16", False, "UTF-16"), ("cp936", False, "GBK/GB18030")):
        p = _csv(dest / f"enc_{enc}_{int(bom)}.csv", _HEAD, rows3, encoding=enc, bom=bom)
        add(Case(f"encoding {enc}{' BOM' if bom else ''}", "encodings", p,
                 check=lambda r, lab=label: r.report.encoding == lab and list(r.gdf["name"]) == NAMES[:3]))
    head = ",".join(_HEAD) + "\r\n"
    body = ["" + ",".join(map(str, r)) + "\r\n" for r in rows3]
    (dest / "enc_mixed_utf8_gbk.csv").write_bytes(head.encode("utf-8") + body[0].encode("utf-8") + body[1].encode("gbk") + body[2].encode("utf-8"))
    add(Case("mixed UTF-8 then GBK rows", "encodings", dest / "enc_mixed_utf8_gbk.csv", refuse=("MixedEncodingError", "lines 3 are GBK")))
    (dest / "enc_mixed_gbk_utf8.csv").write_bytes(head.encode("gbk") + body[0].encode("gbk") + body[1].encode("utf-8") + body[2].encode("gbk"))
    add(Case("mixed GBK then UTF-8 rows", "encodings", dest / "enc_mixed_gbk_utf8.csv", refuse=("MixedEncodingError", "mixes two text encodings")))
    (dest / "enc_ascii_only.csv").write_bytes(b"name,lon,lat\r\n" + "".join(f"Site {i},{lon[i]:.6f},{lat[i]:.6f}\r\n" for i in range(3)).encode())
    add(Case("ASCII English headers", "encodings", dest / "enc_ascii_only.csv", check=lambda r: r.report.rows_used == 3))
    (dest / "enc_bom_only.csv").write_bytes(b"\xef\xbb\xbf")
    add(Case("only a BOM", "encodings", dest / "enc_bom_only.csv", refuse=("EmptyLayerError", "no data rows")))

    # --- files and formats
    def raw(name: str, data: bytes) -> Path:
        q = dest / name
        q.write_bytes(data)
        return q

    for ext, frag in ((".xls", "old Excel .xls"), (".et", "WPS .et"), (".dwg", "CAD drawings"), (".dxf", "CAD drawings"),
                      (".dbf", "a .dbf alone"), (".shx", "zip the .shp"), (".pbf", "pass it with --osm"), (".osm", "pass it with --osm"),
                      (".doc", "unsupported file type"), (".pdf", "unsupported file type"), ("", "no extension")):
        add(Case(f"file type {ext or 'none'}", "files", raw(f"file_kind{ext or '_noext'}", b"something"), refuse=("UnsupportedFormatError", frag)))
    add(Case("empty file", "files", raw("file_empty.csv", b""), refuse=("EmptyLayerError", "0 bytes")))
    add(Case("blank lines only", "files", raw("file_blank.csv", b"\r\n\r\n  \r\n"), refuse=("EmptyLayerError", "no data rows")))
    add(Case("binary bytes as csv", "files", raw("file_binary.csv", b"\x00\x01\x02\x03" * 40), refuse=("UnsupportedFormatError", "binary content")))
    add(Case("unbalanced quote", "files", raw("file_quote.csv", ("名称,经度,纬度\n\"湖滨,120.16,30.25\n东坡,120.17,30.26\n").encode()),
             refuse=("LayerRefusedError", "")))
    for sep, nm in (("\t", "tab"), (";", "semicolon"), ("|", "pipe")):
        q = raw(f"file_sep_{nm}.csv", (sep.join(["名称", "经度", "纬度"]) + "\n" + "".join(
            f"{NAMES[i]}{sep}{lon[i]:.6f}{sep}{lat[i]:.6f}\n" for i in range(3))).encode())
        add(Case(f"{nm}-separated", "files", q, check=lambda r: list(r.gdf["name"]) == NAMES[:3]))
    add(Case("one column", "files", raw("file_one_col.csv", "名称\n湖滨\n".encode()), refuse=("MissingColumnsError", "coordinate columns")))
    add(Case("missing file", "files", dest / "does_not_exist.csv", refuse=("LayerRefusedError", "file not found")))
    (dest / "a_folder.csv").mkdir(exist_ok=True)
    add(Case("a folder", "files", dest / "a_folder.csv", refuse=("LayerRefusedError", "is a folder")))
    add(Case("unknown layer type", "files", raw("file_ok.csv", _csv_bytes(_HEAD, rows3)), "parks", refuse=("LayerRefusedError", "unknown layer type")))
    add(Case("header row below a title", "files", raw("file_title.csv", ("湖滨街道点位表,,\n" + "名称,经度,纬度\n" + "".join(
        f"{NAMES[i]},{lon[i]:.6f},{lat[i]:.6f}\n" for i in range(2))).encode()), check=lambda r: r.report.rows_used == 2,
        report_has=("header found on row 2",)))
    add(Case("size cap", "files", raw("file_cap.csv", _csv_bytes(_HEAD, rows3)), kwargs={"max_bytes": 50}, refuse=("FileTooLargeError", "limit")))

    # --- workbooks: diagnoses
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    add(Case("encrypted xlsx", "diagnoses", raw("xlsx_encrypted.xlsx", cfb + b"\x00" * 1024 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512),
             refuse=("EncryptedWorkbookError", "password-protected")))
    add(Case("old xls renamed xlsx", "diagnoses", raw("xlsx_old_xls.xlsx", cfb + b"\x00" * 1024), refuse=("UnsupportedFormatError", "old Excel .xls file")))
    add(Case("zip that is not a workbook", "diagnoses", raw("xlsx_plain_zip.xlsx", _zip_bytes({"a.txt": b"hello"})), refuse=("UnsupportedFormatError", "cannot open the workbook")))
    xl = dest / "xlsx_ok.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "点位"
    ws.append(["名称", "经度", "纬度"])
    for i in range(3):
        ws.append([NAMES[i], float(lon[i]), float(lat[i])])
    wb.save(xl)
    add(Case("truncated xlsx", "diagnoses", raw("xlsx_truncated.xlsx", xl.read_bytes()[: len(xl.read_bytes()) // 2]), refuse=("UnsupportedFormatError", "")))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["隐藏的第一张表"])
    ws.append(["x"])
    ws.sheet_state = "hidden"
    ws2 = wb.create_sheet("中心")
    ws2.append(["名称", "经度", "纬度"])
    for i in range(3):
        ws2.append([NAMES[i], float(lon[i]), float(lat[i])])
    wb.save(dest / "xlsx_hidden_first.xlsx")
    add(Case("hidden first sheet", "diagnoses", dest / "xlsx_hidden_first.xlsx", report_has=("hidden and were not read", "'中心'"),
             check=lambda r: r.report.layer_name == "中心" and r.report.rows_used == 3))
    ws.sheet_state = "veryHidden"
    wb.save(dest / "xlsx_very_hidden_first.xlsx")
    add(Case("very hidden first sheet", "diagnoses", dest / "xlsx_very_hidden_first.xlsx", report_has=("hidden and were not read",),
             check=lambda r: r.report.layer_name == "中心"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "经度", "纬度"])
    ws.append([NAMES[0], float(lon[0]), float(lat[0])])
    ws.append([NAMES[1], f"={lon[1]:.6f}+0", f"={lat[1]:.6f}+0"])
    ws.append([NAMES[2], float(lon[2]), "=C2"])
    wb.save(dest / "xlsx_formulas.xlsx")
    add(Case("formula cells without saved values", "diagnoses", dest / "xlsx_formulas.xlsx", report_has=("without a saved result",),
             check=lambda r: r.report.rows_used == 1 and not any("no position" in p.message_en for p in r.report.problems)
             and sorted(p.row for p in r.report.errors) == [3, 4]))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "经度", "纬度"])
    wb.save(dest / "xlsx_header_only.xlsx")
    add(Case("workbook with a header only", "diagnoses", dest / "xlsx_header_only.xlsx", refuse=("EmptyLayerError", "no data rows")))
    add(Case("sheet that does not exist", "diagnoses", xl, kwargs={"layer": "没有这张表"}, refuse=("LayerChoiceError", "no sheet named")))
    add(Case("grids csv upload", "diagnoses", raw("grids_upload.csv", (TEMPLATE_DIR / "grids.csv").read_bytes()), "grids",
             check=lambda r: r.gdf["id"].tolist() == ["001"] and r.report.rows_used == 1))

    # --- archives
    csv_bytes = _csv_bytes(_HEAD, rows3)
    add(Case("zip with one csv", "archives", _zip(dest / "arc_one_csv.zip", {"centers.csv": csv_bytes}), check=lambda r: r.report.rows_used == 3))
    add(Case("zip with a nested folder", "archives", _zip(dest / "arc_nested.zip", {"data/2024/centers.csv": csv_bytes}), check=lambda r: r.report.rows_used == 3))
    add(Case("zip with macOS junk", "archives", _zip(dest / "arc_macos.zip", {"centers.csv": csv_bytes, "__MACOSX/._centers.csv": b"\x00\x05junk",
                                                                            ".DS_Store": b"junk"}), check=lambda r: r.report.rows_used == 3))
    add(Case("empty zip", "archives", _zip(dest / "arc_empty.zip", {}), refuse=("UnsupportedFormatError", "no layer file")))
    add(Case("corrupt zip", "archives", raw("arc_corrupt.zip", b"PK\x03\x04" + b"\x00" * 40), refuse=("", "")))
    add(Case("zip with two csv files", "archives", _zip(dest / "arc_two.zip", {"a.csv": csv_bytes, "b.csv": csv_bytes}),
             refuse=("LayerChoiceError", "several layers")))
    add(Case("zip with two csv, one chosen", "archives", dest / "arc_two.zip", kwargs={"layer": "b"}, check=lambda r: r.report.rows_used == 3))
    add(Case("kmz without kml", "archives", _zip(dest / "arc_nokml.kmz", {"photo.jpg": b"\xff\xd8"}), refuse=("UnsupportedFormatError", "no layer file")))
    add(Case("zip with xlsx inside", "archives", _zip(dest / "arc_xlsx.zip", {"centers.xlsx": xl.read_bytes()}), check=lambda r: r.report.rows_used == 3))

    # --- XML (KML)
    def kml(name: str, body: str) -> Path:
        return raw(name, body.encode("utf-8"))

    pm = "".join(f"<Placemark><name>{NAMES[i]}</name><Point><coordinates>{lon[i]:.7f},{lat[i]:.7f}</coordinates></Point></Placemark>" for i in range(3))
    kml_head = '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    add(Case("kml not closed", "xml", kml("xml_broken.kml", kml_head + pm), refuse=("UnsupportedFormatError", "not a valid KML")))
    add(Case("xml that is not kml", "xml", kml("xml_gpx.kml", '<?xml version="1.0"?><gpx><wpt lat="30.2" lon="120.1"/></gpx>'), refuse=("UnsupportedFormatError", "not a KML file")))
    add(Case("kml without placemarks", "xml", kml("xml_empty.kml", kml_head + "</Document></kml>"), refuse=("EmptyLayerError", "")))
    add(Case("kml external entity (XXE)", "xml", kml("xml_xxe.kml", '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                                   '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&x;</name>'
                                                   '<Point><coordinates>120.16,30.25</coordinates></Point></Placemark></Document></kml>'),
             refuse=("UnsafeFileError", "DTD or entities")))
    add(Case("kml lines as centers", "xml", kml("xml_lines.kml", kml_head + "".join(
        f"<Placemark><name>线{i}</name><LineString><coordinates>{lon[i]:.6f},{lat[i]:.6f} {lon[i] + 0.001:.6f},{lat[i]:.6f}</coordinates></LineString></Placemark>"
        for i in range(3)) + "</Document></kml>"), refuse=("GeometryTypeError", "wrong geometry type")))
    add(Case("kml with bad coordinates text", "xml", kml("xml_badcoords.kml", kml_head + pm + "<Placemark><name>坏</name><Point><coordinates>abc</coordinates></Point></Placemark></Document></kml>"),
             check=lambda r: r.report.rows_used == 3 and [p.row for p in r.report.errors] == [4]))
    add(Case("kml ok", "xml", kml("xml_ok.kml", kml_head + pm + "</Document></kml>"), check=lambda r: list(r.gdf["name"]) == NAMES[:3]))

    # --- geometry and CRS
    def wkt_case(name: str, wkt: str, layer_type: str, **kw) -> None:
        q = _csv(dest / f"geom_{name}.csv", ["编号", "名称", "人口", "WKT"], [["1", "甲", "100", wkt], ["2", "乙", "100", "POLYGON ((120.160 30.255, 120.162 30.255, 120.162 30.257, 120.160 30.257, 120.160 30.255))" if layer_type == "grids" else f"POINT ({lon[0]:.6f} {lat[0]:.6f})"]])
        add(Case(f"geometry {name}", "geometry/crs", q, layer_type, **kw))

    wkt_case("unparsable_wkt", "POLYGON ((120 30, 121", "grids", check=lambda r: r.report.rows_used == 1 and [p.row for p in r.report.errors] == [2])
    wkt_case("empty_polygon", "POLYGON EMPTY", "grids", check=lambda r: r.report.rows_used == 1 and [p.row for p in r.report.errors] == [2])
    wkt_case("point_in_grids", f"POINT ({lon[0]:.6f} {lat[0]:.6f})", "grids", check=lambda r: r.report.rows_used == 1 and [p.row for p in r.report.errors] == [2])
    wkt_case("polygon_for_center", "POLYGON ((120.160 30.255, 120.161 30.255, 120.161 30.256, 120.160 30.256, 120.160 30.255))", "centers",
             check=lambda r: r.report.rows_used == 2 and any(p.severity == "repaired" for p in r.report.problems))
    wkt_case("multipoint_one", f"MULTIPOINT ({lon[1]:.6f} {lat[1]:.6f})", "centers", check=lambda r: r.report.rows_used == 2)
    wkt_case("multipoint_two", f"MULTIPOINT ({lon[1]:.6f} {lat[1]:.6f}, {lon[2]:.6f} {lat[2]:.6f})", "centers",
             check=lambda r: r.report.rows_used == 1 and [p.row for p in r.report.errors] == [2])
    wkt_case("line_in_grids", "LINESTRING (120.16 30.25, 120.17 30.26)", "grids", check=lambda r: r.report.rows_used == 1)
    wkt_case("bowtie", "POLYGON ((120.160 30.255, 120.164 30.259, 120.164 30.255, 120.160 30.259, 120.160 30.255))", "grids",
             check=lambda r: r.report.rows_used == 2 and any(p.severity == "repaired" for p in r.report.problems))
    wkt_case("collection", "GEOMETRYCOLLECTION (POLYGON ((120.160 30.255, 120.162 30.255, 120.162 30.257, 120.160 30.255)), LINESTRING (120 30, 121 31))",
             "grids", check=lambda r: r.report.rows_used == 2)
    wkt_case("lat_over_90", "POINT (120.16 95.0)", "centers", check=lambda r: r.report.rows_used == 1 and [p.row for p in r.report.errors] == [2])
    utm = gpd.GeoSeries(shapely.points(lon[:3], lat[:3]), crs=4326).to_crs(4549)
    q = _csv(dest / "crs_4549.csv", ["名称", "X", "Y"], [[NAMES[i], f"{utm.x.iloc[i]:.2f}", f"{utm.y.iloc[i]:.2f}"] for i in range(3)])
    add(Case("CGCS2000 metres with --crs", "geometry/crs", q, kwargs={"crs": "EPSG:4549"},
             check=lambda r: abs(r.gdf.geometry.x.iloc[0] - lon[0]) < 1e-6 and abs(r.gdf.geometry.y.iloc[0] - lat[0]) < 1e-6))
    add(Case("CGCS2000 metres without --crs", "geometry/crs", q, refuse=("CoordinateUnitsError", "are not degrees")))
    add(Case("unknown --crs text", "geometry/crs", q, kwargs={"crs": "EPSG:999999"}, refuse=("CoordinateUnitsError", "not understood")))
    q = _csv(dest / "crs_col_unknown.csv", _HEAD + ["坐标系"], [r + ["火星2"] for r in rows3])
    add(Case("unknown 坐标系 value", "geometry/crs", q, refuse=("CoordinateUnitsError", "not understood")))
    q = _csv(dest / "crs_col_gcj.csv", _HEAD + ["坐标系"], [r + ["GCJ02"] for r in _centers_rows(*wgs84_to_gcj02(lon[:3], lat[:3]))])
    add(Case("坐标系 column says GCJ02", "geometry/crs", q, check=lambda r: max(abs(r.gdf.geometry.x.to_numpy() - lon[:3])) < 1e-6))

    # --- location sanity
    beijing = _csv(dest / "loc_beijing.csv", _HEAD, _centers_rows(np.array([116.397, 116.40, 116.41]), np.array([39.909, 39.92, 39.93])))
    add(Case("Beijing centers vs Hangzhou streets", "location", beijing, kwargs={"streets": "sample"},
             report_has=("3 of 3 positions lie outside the street file's extent", "row 2"), check=lambda r: r.report.rows_used == 3))
    sea = _csv(dest / "loc_sea.csv", _HEAD, _centers_rows(lon[:2], lat[:2]) + [["003", "东海", EAST_CHINA_SEA[0], EAST_CHINA_SEA[1], "社区", "是"]])
    add(Case("a point in the East China Sea", "location", sea, kwargs={"streets": "sample"},
             report_has=("1 of 3 positions lie outside", "from the nearest street"), check=lambda r: r.report.rows_used == 3))
    lake = _csv(dest / "loc_lake.csv", _HEAD, _centers_rows(lon[:2], lat[:2]) + [["003", "湖心", WEST_LAKE_CENTRE[0], WEST_LAKE_CENTRE[1], "社区", "是"]])
    add(Case("a point in West Lake", "location", lake, kwargs={"streets": "sample"}, report_has=("more than 300 m",),
             check=lambda r: any(p.row == 4 and "nearest street" in p.message_en for p in r.report.problems)))
    tokyo = _csv(dest / "loc_tokyo_gcj.csv", _HEAD, _centers_rows(lon[:2], lat[:2]) + [["003", "东京", 139.69, 35.69, "社区", "是"]])
    add(Case("GCJ-02 chosen, a point outside China", "location", tokyo, kwargs={"coords": "gcj02"},
             report_has=("apply only to map coordinates inside China",), check=lambda r: r.report.rows_used == 2))
    add(Case("BD-09 chosen, a point outside China", "location", tokyo, kwargs={"coords": "bd09"},
             report_has=("apply only to map coordinates inside China",), check=lambda r: r.report.rows_used == 2))
    add(Case("WGS-84, a point outside China", "location", tokyo, kwargs={"coords": "wgs84"},
             check=lambda r: r.report.rows_used == 2 and [p.row for p in r.report.errors] == [4]))
    null = _csv(dest / "loc_null.csv", _HEAD, _centers_rows(lon[:2], lat[:2]) + [["003", "零点", 0, 0, "社区", "是"]])
    add(Case("null island", "location", null, check=lambda r: any("(0, 0)" in p.message_en for p in r.report.errors)))
    south = _csv(dest / "loc_negative.csv", _HEAD, _centers_rows(-lon[:3], lat[:3]))
    add(Case("western hemisphere sign error", "location", south, refuse=("NoUsableRowsError", "outside China")))
    return cases


TEMPLATE_DIR = ROOT / "data" / "templates"


def _csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()
