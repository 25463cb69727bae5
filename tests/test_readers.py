"""Readers on good input: formats, aliases, CRS handling, templates, uploads, atomic writes."""

from __future__ import annotations

import csv
import io
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geo.coords import haversine_m, wgs84_to_gcj02
from geo.detect import sample_streets
from geo.layer_errors import FileTooLargeError, LayerChoiceError, LayerRefusedError, UnsupportedFormatError
from geo.readers import LayerReadResult, read_layer, read_layer_bytes
from geo.safe_io import UnsafeArchiveError, atomic_write_bytes, atomic_write_path, safe_extract_zip
from geo.schemas import LAYER_SCHEMAS, header_lookup, match_header
from geo.templates import TEMPLATE_DIR, template_csv_text, write_templates

HUBIN = (120.1636, 30.2588)


def _write_csv(path: Path, header, rows, encoding="utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def blocks() -> gpd.GeoSeries:
    """Real city blocks of the sample city (faces of the street network), WGS-84."""
    s = sample_streets()
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(s.values))))
    faces = faces[(shapely.area(faces) > 5000) & (shapely.area(faces) < 60000)]
    return gpd.GeoSeries(faces[:25], crs=s.crs).to_crs(4326)


# ----------------------------------------------------------------------------- templates

@pytest.mark.parametrize("layer_type", sorted(LAYER_SCHEMAS))
def test_templates_are_current_and_readable(layer_type):
    csv_path = TEMPLATE_DIR / f"{layer_type}.csv"
    assert csv_path.read_bytes() == b"\xef\xbb\xbf" + template_csv_text(LAYER_SCHEMAS[layer_type]).encode("utf-8")
    for path in (csv_path, TEMPLATE_DIR / f"{layer_type}.xlsx"):
        r = read_layer(path, layer_type)
        assert r.report.rows_used == 1 and not r.report.problems, r.render("en")
        assert set(f.name for f in LAYER_SCHEMAS[layer_type].fields) <= set(r.gdf.columns)
        assert r.gdf.crs.to_epsg() == 4326


def test_write_templates_is_atomic_and_complete(tmp_path):
    written = write_templates(tmp_path)
    assert sorted(p.name for p in written) == sorted([f"{t}.{e}" for t in LAYER_SCHEMAS for e in ("csv", "xlsx")] + ["README.md"])
    from geo.templates import templates_readme

    assert (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8") == templates_readme()
    assert not [p for p in tmp_path.iterdir() if "_tmp_" in p.name]
    header = (tmp_path / "centers.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("编号,名称,层级") and "面积(㎡)" in header and header.endswith("经度,纬度")


def test_header_aliases():
    lk = header_lookup(LAYER_SCHEMAS["centers"])
    assert match_header("面积（平方米）", lk) == "area_m2"
    assert match_header(" Longitude ", lk) == "lon"
    assert match_header("LAT", lk) == "lat"
    assert match_header("所属街道", lk) == "street"
    assert match_header("是否示范", lk) == "demonstration"
    assert match_header("随便", lk) is None


# ----------------------------------------------------------------------------- formats

def test_english_headers_and_station_amenities(tmp_path):
    p = _write_csv(tmp_path / "s.csv", ["name", "lng", "lat", "host_unit", "饮水机", "冰箱", "厕所", "设施", "Extra"],
                   [["东坡路驿站", HUBIN[0], HUBIN[1], "湖滨街道", "√", "×", "有", "微波炉、空调", "keep me"]])
    r = read_layer(p, "stations")
    row = r.gdf.iloc[0]
    assert row["water_dispenser"] is True or row["water_dispenser"] == True  # noqa: E712
    assert row["fridge"] == False and row["toilet"] == True  # noqa: E712
    assert row["amenities"] == ["微波炉", "空调"]
    assert row["Extra"] == "keep me" and row["source_row"] == 2


def test_lonlat_in_one_column(tmp_path):
    p = _write_csv(tmp_path / "c.csv", ["名称", "经纬度"], [["甲", f"{HUBIN[0]},{HUBIN[1]}"], ["乙", f"{HUBIN[0]}，{HUBIN[1] + 0.001}"]])
    r = read_layer(p, "centers")
    assert r.gdf.geometry.x.tolist() == [HUBIN[0]] * 2
    assert r.gdf.geometry.y.tolist() == pytest.approx([HUBIN[1], HUBIN[1] + 0.001])


def test_wkt_grids_with_gcj02_boundaries_detected(tmp_path, blocks):
    """Grid boundaries drawn on Amap follow the (GCJ-02) streets: detected and converted."""
    gcj = blocks.apply(lambda g: shapely.transform(g, lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1]))))
    p = _write_csv(tmp_path / "g.csv", ["网格编号", "网格名称", "所属社区", "人口", "WKT"],
                   [[f"G{i}", f"网格{i}", "东坡路社区", 100 + i, g.wkt] for i, g in enumerate(gcj)])
    r = read_layer(p, "grids")
    assert r.report.detected_datum == "gcj02", r.render("en")
    back = r.gdf.geometry.values
    assert max(shapely.hausdorff_distance(back[i], blocks.values[i]) for i in range(len(back))) < 1e-6
    r_wgs = read_layer(_write_csv(tmp_path / "w.csv", ["名称", "WKT"], [[f"g{i}", g.wkt] for i, g in enumerate(blocks)]), "grids")
    assert r_wgs.report.detected_datum == "wgs84"


def test_coordinate_system_column_single_value(tmp_path):
    glon, glat = wgs84_to_gcj02(HUBIN[0], HUBIN[1])
    p = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度", "坐标系"], [["甲", float(glon), float(glat), "高德"]])
    r = read_layer(p, "centers")
    assert r.report.detected_datum == "gcj02"
    assert haversine_m(r.gdf.geometry.x.iloc[0], r.gdf.geometry.y.iloc[0], *HUBIN) < 0.01
    r2 = read_layer(p, "centers", coords="wgs84")
    assert any("requested" in p.message_en for p in r2.report.warnings)


def test_projected_geopackage_is_reprojected(tmp_path):
    pts = gpd.GeoDataFrame({"name": ["甲", "乙", "丙"], "population": [1, 2, 3]},
                           geometry=shapely.points([HUBIN[0], 120.17, 120.16], [HUBIN[1], 30.27, 30.26]), crs=4326)
    path = tmp_path / "d.gpkg"
    pyogrio.write_dataframe(pts.to_crs(4549), path, layer="demand")
    r = read_layer(path, "demand")
    assert r.report.source_crs == "EPSG:4549"
    assert any("reprojected" in c for c in r.report.conversions)
    assert haversine_m(r.gdf.geometry.x, r.gdf.geometry.y, pts.geometry.x, pts.geometry.y).max() < 0.01


def test_xlsx_sheet_choice(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这张表只是说明"])
    ws = wb.create_sheet("点位")
    ws.append(["名称", "经度", "纬度", "人口"])
    ws.append(["甲", HUBIN[0], HUBIN[1], 10])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    r = read_layer(path, "demand", layer="点位")
    assert r.gdf["population"].tolist() == [10.0]
    assert read_layer(path, "demand").report.rows_used == 1     # 说明 is a documentation sheet
    with pytest.raises(LayerChoiceError) as exc:
        read_layer(path, "demand", layer="Sheet9")
    assert "点位" in str(exc.value)


def test_given_streets_in_wgs84_are_used(tmp_path):
    lines = gpd.GeoSeries([shapely.LineString([(120.160, 30.250 + k * 0.001), (120.170, 30.250 + k * 0.001)]) for k in range(10)], crs=4326)
    p = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度"], [[f"p{i}", 120.161 + i * 0.001, 30.2501 + i * 0.001] for i in range(5)])
    r = read_layer(p, "centers", streets=lines)
    ev = r.report.datum_evidence
    assert ev.median_m["wgs84"] < 15 and "bundled" not in " ".join(r.report.conversions)


def test_far_from_sample_city_not_checked(tmp_path):
    p = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度"], [["北京", 116.397, 39.909], ["上海", 121.47, 31.23], ["广州", 113.26, 23.13]])
    r = read_layer(p, "centers")
    assert r.report.detected_datum == "wgs84 (not checked)"
    assert any("--coords" in c for c in r.report.conversions)


def test_render_zh_and_en(tmp_path):
    p = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度", "面积"], [["甲", HUBIN[0], HUBIN[1], "大"]], encoding="gbk")
    r = read_layer(p, "centers")
    assert isinstance(r, LayerReadResult)
    zh, en = r.render("zh"), r.render("en")
    assert "读取 1 行，可用 1 行" in zh and "GBK" in zh and "第 2 行" in zh and "面积" not in zh.split("第 2 行")[0]
    assert "Rows read: 1; rows usable: 1" in en and "row 2, field 'area_m2'" in en
    assert r.report.has_errors


def test_read_layer_bytes_sanitises_name(tmp_path):
    data = "名称,经度,纬度\n甲,120.1636,30.2588\n".encode("gbk")
    r = read_layer_bytes(data, "../../etc/上传 文件.csv", "centers")
    assert r.report.file == "上传_文件.csv" and r.report.rows_used == 1
    with pytest.raises(FileTooLargeError):
        read_layer_bytes(data, "a.csv", "centers", max_bytes=5)


@pytest.mark.parametrize("name,content,exc", [
    ("plan.dwg", b"AC1027", UnsupportedFormatError),
    ("plan.docx", b"PK", UnsupportedFormatError),
    ("empty.csv", b"", LayerRefusedError),
])
def test_refused_file_types(tmp_path, name, content, exc):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(exc):
        read_layer(p, "centers")


def test_bad_arguments_and_paths(tmp_path):
    with pytest.raises(LayerRefusedError, match="unknown layer type"):
        read_layer(tmp_path / "x.csv", "hospitals")
    with pytest.raises(LayerRefusedError, match="--coords"):
        read_layer(tmp_path / "x.csv", "centers", coords="wgs")
    with pytest.raises(LayerRefusedError, match="not found"):
        read_layer(tmp_path / "missing.csv", "centers")
    with pytest.raises(LayerRefusedError, match="folder"):
        read_layer(tmp_path, "centers")
    ok = _write_csv(tmp_path / "ok.csv", ["名称", "经度", "纬度"], [["甲", *HUBIN]])
    from geo.errors import CRSError

    with pytest.raises(CRSError, match="EPSG:4549"):
        read_layer(ok, "centers", crs="EPSG:99999999")


# ----------------------------------------------------------------------------- safe_io

def test_atomic_write_success_and_failure(tmp_path):
    target = tmp_path / "out" / "report.txt"
    atomic_write_bytes(target, b"first")
    assert target.read_bytes() == b"first"
    with pytest.raises(RuntimeError):
        with atomic_write_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash while writing")
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]
    gpkg = tmp_path / "layer.gpkg"
    with atomic_write_path(gpkg) as tmp:
        assert tmp.suffix == ".gpkg" and tmp.parent == gpkg.parent and not tmp.exists()
        pyogrio.write_dataframe(gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1, 2)], crs=4326), tmp, layer="layer")
    assert pyogrio.read_dataframe(gpkg)["a"].tolist() == [1]


def test_safe_extract_zip(tmp_path):
    z = tmp_path / "ok.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("dir/a.csv", "x")
        zf.writestr("b.txt", "y")
    files = safe_extract_zip(z, tmp_path / "out", max_members=5, max_total_bytes=100)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in files) == ["b.txt", "dir/a.csv"]
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("evil_link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        safe_extract_zip(link, tmp_path / "out2")
    assert not (tmp_path / "out2").exists()
    with pytest.raises(UnsafeArchiveError, match="more than the limit"):
        safe_extract_zip(z, tmp_path / "out3", max_members=1)
    not_zip = tmp_path / "n.zip"
    not_zip.write_bytes(b"hello")
    with pytest.raises(UnsafeArchiveError, match="not a valid zip"):
        safe_extract_zip(not_zip, tmp_path / "out4")


def test_large_table_is_summarised(tmp_path):
    """20,000 rows: repeated names summarised, not listed (timing: benchmarks/bench_unit_timings.py)."""
    rng = np.random.default_rng(7)
    n = 20000
    lon = rng.uniform(120.11, 120.18, n)
    lat = rng.uniform(30.235, 30.29, n)
    lines = ["编号,名称,经度,纬度,人口"] + [f"{i},小区{i % 100},{lon[i]:.6f},{lat[i]:.6f},{i % 300 + 1}" for i in range(n)]
    p = tmp_path / "big.csv"
    p.write_text("\n".join(lines), encoding="utf-8")
    r = read_layer(p, "centers")
    assert r.report.rows_used == n
    names = [q for q in r.report.problems if q.field == "name"]
    assert len(names) == 1 and names[0].message_en.startswith(f"{n - 100} rows repeat")
    assert len(r.report.problems) < 10          # summaries, not thousands of lines
    d = read_layer(p, "demand")
    assert d.gdf["population"].sum() == sum(i % 300 + 1 for i in range(n))
    assert not [q for q in d.report.problems if q.field == "name"]   # names of demand points may repeat


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_schema_documentation(lang):
    from geo.schemas import describe_schema

    for key, schema in LAYER_SCHEMAS.items():
        doc = describe_schema(key, lang)
        assert f"`{key}`" in doc
        for f in schema.fields:
            assert f"`{f.name}`" in doc
        req_mark = "yes" if lang == "en" else "是"
        assert doc.count(f"| {req_mark} |") == len(schema.required)


@pytest.mark.parametrize("ext", ["gpkg", "geojson", "csv"])
def test_write_layer_round_trip(tmp_path, ext):
    from geo.readers import write_layer

    src = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度", "灵活空间", "面积"],
                     [["甲", HUBIN[0], HUBIN[1], "书房、食堂", "800"], ["乙", 120.17, 30.27, "", "300"]])
    first = read_layer(src, "centers").gdf
    out = write_layer(first, tmp_path / f"clean.{ext}")
    again = read_layer(out, "centers").gdf
    assert again["name"].tolist() == ["甲", "乙"]
    assert again["flexible_spaces"].tolist() == [["书房", "食堂"], []]
    assert again["area_m2"].tolist() == [800.0, 300.0]
    assert haversine_m(again.geometry.x, again.geometry.y, first.geometry.x, first.geometry.y).max() < 0.01
    assert [p.name for p in tmp_path.iterdir() if "_tmp_" in p.name] == []


def test_report_table(tmp_path):
    p = _write_csv(tmp_path / "c.csv", ["名称", "经度", "纬度", "面积"], [["甲", HUBIN[0], HUBIN[1], "大"], ["乙", "x", "30", ""]])
    rep = read_layer(p, "centers").report
    zh, en = rep.to_frame("zh"), rep.to_frame("en")
    assert list(zh.columns) == ["行号", "字段", "类别", "说明"] and list(en.columns) == ["row", "field", "severity", "message"]
    assert en["row"].tolist() == [2, 3] and en["field"].tolist() == ["area_m2", "lon"]
    assert zh["字段"].tolist() == ["面积", "经度"] and set(zh["类别"]) == {"错误"}
