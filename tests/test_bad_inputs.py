"""Bad-input suite: malformed and tricky planner files, each with the exact error or repair.

The files are generated at test time by tests/bad_inputs/make_bad_inputs.py (real street
positions of the bundled Hangzhou extract; GCJ-02/BD-09 made with the forward transform).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import shapely

from bad_inputs.make_bad_inputs import EAST_CHINA_SEA, NAMES, build_all, street_points
from geo.coords import haversine_m
from geo.errors import CRSError, LayerError
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
from geo.readers import read_layer
from geo.safe_io import UnsafeArchiveError


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return build_all(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def truth():
    return street_points(12)


def _problems(result, severity=None, field=None):
    return [p for p in result.report.problems if (severity is None or p.severity == severity) and (field is None or p.field == field)]


def _near(gdf, lon, lat, tol_m=0.05):
    return haversine_m(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy(), np.asarray(lon), np.asarray(lat)).max() < tol_m


# ----------------------------------------------------------------------------- encodings, headers

def test_gbk_csv_with_chinese_headers(bad, truth):
    r = read_layer(bad["gbk_chinese_headers"], "centers")
    assert r.report.encoding == "GBK/GB18030"
    assert list(r.gdf["name"]) == NAMES[:4]
    assert list(r.gdf["community"]) == ["东坡路社区"] * 4
    assert r.gdf["area_m2"].tolist() == [1200.0] * 4          # "1,200" under 面积（㎡）
    assert r.gdf["level"].tolist() == ["community"] * 4
    assert r.gdf["func_convenience"].tolist() == [True] * 4
    assert _near(r.gdf, truth[0][:4], truth[1][:4])
    assert not r.report.problems


def test_utf8_bom_header_is_clean(bad):
    r = read_layer(bad["utf8_bom"], "centers")
    assert r.report.encoding == "UTF-8 (BOM)"
    assert r.gdf["id"].tolist() == ["001", "002", "003"]   # the BOM did not stick to 编号
    assert r.report.rows_used == 3


def test_semicolon_separated_gb18030(bad):
    r = read_layer(bad["semicolon_gb18030"], "centers")
    assert r.report.encoding == "GBK/GB18030"
    assert r.gdf["opening_hours"].tolist() == ["9:00-17:00"] * 3
    assert r.gdf["id"].tolist() == ["C001", "C002", "C003"]


def test_excel_merged_header_cells(bad, truth):
    r = read_layer(bad["excel_merged_header"], "centers")
    assert r.report.rows_read == 5 and r.report.rows_used == 5
    assert r.report.layer_name == "中心清单"
    assert any("merged cell" in c for c in r.report.conversions)
    assert any("header found on row 3" in c for c in r.report.conversions)
    assert r.gdf["source_row"].tolist() == [4, 5, 6, 7, 8]     # Excel row numbers
    # the vertically merged community cell D4:D5 applies to both sites
    assert r.gdf["community"].tolist()[:2] == ["东坡路社区", "东坡路社区"]
    assert r.gdf["community"].tolist()[4] == "龙游路社区"
    assert _near(r.gdf, truth[0][:5], truth[1][:5])


def test_total_row_is_skipped(bad):
    r = read_layer(bad["total_row"], "centers")
    assert r.report.rows_read == 3
    assert any("total/subtotal rows skipped (rows 5)" in c for c in r.report.conversions)
    assert not r.report.has_errors


# ----------------------------------------------------------------------------- coordinates

def test_swapped_columns_repaired(bad, truth):
    r = read_layer(bad["swapped_columns"], "centers")
    rep = _problems(r, "repaired")
    assert len(rep) == 1 and rep[0].row is None and "swapped" in rep[0].message_en
    assert _near(r.gdf, truth[0][:5], truth[1][:5])


def test_one_swapped_row_repaired(bad, truth):
    r = read_layer(bad["swapped_one_row"], "centers")
    rep = _problems(r, "repaired")
    assert [p.row for p in rep] == [3]
    assert _near(r.gdf, truth[0][:5], truth[1][:5])


def test_geojson_with_lat_lon_order(bad, truth):
    r = read_layer(bad["geojson_lat_lon_order"], "centers")
    assert [p.severity for p in r.report.problems] == ["repaired"]
    assert _near(r.gdf, truth[0][:4], truth[1][:4])


def test_gcj02_points_detected_and_converted(bad, truth):
    r = read_layer(bad["gcj02_points"], "centers")
    assert r.report.detected_datum == "gcj02"
    ev = r.report.datum_evidence
    assert ev.clear and ev.median_m["gcj02"] < 10 < ev.median_m["wgs84"]
    assert "Amap" in " ".join(r.report.conversions) and "高德" in " ".join(r.report.conversions_zh)
    assert "converted from GCJ-02" in " ".join(r.report.conversions)
    assert _near(r.gdf, *truth, tol_m=0.02)


def test_bd09_points_detected_and_converted(bad, truth):
    r = read_layer(bad["bd09_points"], "centers")
    assert r.report.detected_datum == "bd09"
    assert "Baidu" in " ".join(r.report.conversions)
    assert _near(r.gdf, *truth, tol_m=0.02)


def test_gcj02_points_read_as_told_when_coords_given(bad, truth):
    r = read_layer(bad["gcj02_points"], "centers", coords="wgs84")
    assert r.report.detected_datum == "wgs84"
    off = haversine_m(r.gdf.geometry.x, r.gdf.geometry.y, *truth)
    assert 400 < np.median(off) < 650      # left where the file says: ~500 m off
    r2 = read_layer(bad["gcj02_points"], "centers", coords="gcj02")
    assert _near(r2.gdf, *truth, tol_m=0.02)


def test_wgs84_points_are_not_converted(bad, truth):
    r = read_layer(bad["wgs84_points"], "centers")
    assert r.report.detected_datum == "wgs84" and r.report.datum_evidence.clear
    assert _near(r.gdf, *truth, tol_m=0.02)


def test_degree_sign_strings(bad, truth):
    r = read_layer(bad["degree_sign"], "centers")
    assert r.report.rows_used == 3
    first = r.gdf.geometry.iloc[0]
    assert first.x == pytest.approx(truth[0][0], abs=1e-6)
    assert first.y == pytest.approx(30 + 15 / 60 + 31.7 / 3600, abs=1e-9)
    second = r.gdf.geometry.iloc[1]
    assert second.x == pytest.approx(round(truth[0][1], 6), abs=1e-9)
    assert [p.row for p in _problems(r, "repaired")] == [2, 3, 5]
    assert (r.gdf.geometry.iloc[2].x, r.gdf.geometry.iloc[2].y) == (120.1636, 30.2588)   # full-width digits
    errs = _problems(r, "error")
    assert [(p.row, p.field) for p in errs] == [(4, "lon")] and "一百二十度" in errs[0].message_zh


def test_points_in_the_sea_and_null_island(bad):
    area = shapely.box(120.10, 30.22, 120.20, 30.30)
    r = read_layer(bad["points_in_sea"], "centers", study_area=area)
    errs = _problems(r, "error")
    assert [(p.row, "(0, 0)" in p.message_en) for p in errs] == [(7, True)]
    warn = _problems(r, "warning")
    far_rows = sorted({p.row for p in warn if "nearest street" in p.message_en})
    assert far_rows == [5, 6]                 # West Lake centre (~580 m) and the East China Sea
    assert sorted(p.row for p in warn if p.message_en == "the position is outside the study area") == [6]
    assert r.report.rows_used == 5
    sea = r.gdf.loc[r.gdf["source_row"] == 6].geometry.iloc[0]
    assert (sea.x, sea.y) == pytest.approx(EAST_CHINA_SEA)


def test_projected_metres_without_crs_refused(bad):
    with pytest.raises(CoordinateUnitsError) as exc:
        read_layer(bad["projected_metres"], "centers")
    assert isinstance(exc.value, CRSError) and isinstance(exc.value, ValueError)
    assert "--crs" in str(exc.value) and "projected_metres.csv" in str(exc.value)


def test_projected_metres_with_crs_read(bad, truth):
    r = read_layer(bad["projected_metres"], "centers", crs="EPSG:32651")
    assert r.report.source_crs == "EPSG:32651"
    assert _near(r.gdf, truth[0][:4], truth[1][:4], tol_m=0.05)


def test_mixed_crs_column_refused(bad):
    with pytest.raises(MixedCRSError) as exc:
        read_layer(bad["mixed_crs"], "centers")
    assert "gcj02" in str(exc.value) and "wgs84" in str(exc.value)


# ----------------------------------------------------------------------------- validation of values

def test_duplicate_ids_and_names(bad):
    r = read_layer(bad["duplicate_ids"], "centers")
    errs = _problems(r, "error", "id")
    assert [(p.row, "001#2" in p.message_en, "row 2" in p.message_en) for p in errs] == [(4, True, True)]
    assert r.gdf["id"].tolist() == ["001", "002", "001#2", "004"]
    names = _problems(r, "warning", "name")
    assert [p.row for p in names] == [5]


def test_demand_population_values(bad):
    r = read_layer(bad["demand_bad_population"], "demand")
    assert r.gdf["population"].tolist() == [1200.0, 300.0]
    errs = sorted(_problems(r, "error", "population"), key=lambda p: p.row)
    assert [p.row for p in errs] == [3, 4]                    # one message per bad row
    assert "negative" in errs[0].message_en and "很多" in errs[1].message_zh
    assert [p.row for p in _problems(r, "repaired")] == [5]   # "约300人" → 300


def test_demand_without_population_column_refused(bad):
    with pytest.raises(MissingColumnsError) as exc:
        read_layer(bad["demand_no_population"], "demand")
    assert "population" in str(exc.value) and "编号, 经度, 纬度" in str(exc.value)


def test_no_coordinate_columns_refused(bad):
    with pytest.raises(MissingColumnsError) as exc:
        read_layer(bad["no_coordinate_columns"], "centers")
    assert "经度" in exc.value.message_zh and "名称、地址" in exc.value.message_zh
    assert "data/templates/centers.csv" in str(exc.value)


def test_all_rows_bad_lists_every_row(bad):
    with pytest.raises(NoUsableRowsError) as exc:
        read_layer(bad["all_rows_bad"], "centers")
    rep = exc.value.report
    assert sorted(p.row for p in rep.errors) == [2, 3, 4]
    msg = exc.value.message_en
    assert msg.index("row 2") < msg.index("row 3") < msg.index("row 4")


def test_header_only_csv_refused(bad):
    with pytest.raises(EmptyLayerError):
        read_layer(bad["header_only"], "centers")


def test_file_over_size_cap_refused(bad):
    with pytest.raises(FileTooLargeError) as exc:
        read_layer(bad["too_big"], "centers", max_bytes=10_000)
    assert "0.0 MB" in str(exc.value) or "MB" in str(exc.value)
    assert read_layer(bad["too_big"], "centers").report.rows_used == 600   # default cap is generous


# ----------------------------------------------------------------------------- geometry

def test_empty_geojson_refused(bad):
    with pytest.raises(EmptyLayerError) as exc:
        read_layer(bad["empty_geojson"], "centers")
    assert "empty.geojson" in str(exc.value)


def test_self_intersecting_polygon_repaired(bad):
    r = read_layer(bad["self_intersection"], "grids")
    rep = _problems(r, "repaired", "geometry")
    assert [p.row for p in rep] == [1] and "Self-intersection" in rep[0].message_en
    g = r.gdf.geometry.iloc[0]
    assert g.geom_type == "MultiPolygon" and g.is_valid
    assert len(g.geoms) == 2
    assert g.area == pytest.approx(2 * 0.5 * 0.004 * 0.002, rel=1e-9)   # the two triangles of the bow-tie
    assert r.gdf["population"].tolist() == [800.0, 500.0]


def test_collapsed_polygon_refused_row(bad):
    r = read_layer(bad["collapsed_polygon"], "grids")
    errs = _problems(r, "error", "geometry")
    assert [p.row for p in errs] == [1] and "cannot be repaired" in errs[0].message_en
    assert r.gdf["name"].tolist() == ["正常网格"]


def test_lines_where_points_expected_refused(bad):
    with pytest.raises(GeometryTypeError) as exc:
        read_layer(bad["lines_for_points"], "centers")
    assert "LineString" in exc.value.message_en and len(exc.value.report.errors) == 3


def test_points_where_polygons_expected_refused(bad):
    with pytest.raises(GeometryTypeError) as exc:
        read_layer(bad["points_for_grids"], "grids")
    assert "Point" in exc.value.message_en


def test_building_polygons_become_points(bad):
    r = read_layer(bad["building_polygons_for_centers"], "centers")
    assert (r.gdf.geom_type == "Point").all()
    assert len(_problems(r, "repaired", "geometry")) == 3


def test_broken_geojson_refused(bad):
    with pytest.raises(UnsupportedFormatError) as exc:
        read_layer(bad["broken_json"], "centers")
    assert "broken.geojson" in str(exc.value)


# ----------------------------------------------------------------------------- formats, archives

def test_shapefile_without_prj_gbk_attributes(bad, truth):
    r = read_layer(bad["shapefile_no_prj_gbk"], "demand")
    assert r.gdf["name"].tolist() == NAMES[:4]           # GBK decoded without a .cpg
    assert r.gdf["population"].tolist() == [100.0, 200.0, 300.0, 400.0]
    assert any(".prj" in p.message_en for p in _problems(r, "warning"))
    assert any("read as GBK" in c for c in r.report.conversions)
    assert r.report.source_crs == "EPSG:4326"
    assert _near(r.gdf, truth[0][:4], truth[1][:4], tol_m=0.02)


def test_shapefile_with_utf8_cpg(bad):
    r = read_layer(bad["shapefile_utf8_cpg"], "demand")
    assert r.gdf["name"].tolist() == NAMES[:4] and not r.report.problems


def test_prj_says_metres_but_values_are_degrees(bad, truth):
    r = read_layer(bad["prj_utm_but_degrees"], "centers")
    rep = _problems(r, "repaired")
    assert len(rep) == 1 and "UTM zone 51N" in rep[0].message_en
    assert _near(r.gdf, truth[0][:4], truth[1][:4], tol_m=0.02)


def test_shapefile_missing_dbf_refused(bad):
    with pytest.raises(LayerRefusedError) as exc:
        read_layer(bad["shapefile_missing_dbf"], "centers")
    assert ".dbf" in str(exc.value)


def test_zip_with_two_layers_needs_choice(bad):
    with pytest.raises(LayerChoiceError) as exc:
        read_layer(bad["zip_two_layers"], "centers")
    assert "layer_a.shp" in str(exc.value) and "--layer" in str(exc.value)
    assert read_layer(bad["zip_two_layers"], "centers", layer="layer_b").report.rows_used == 2


def test_zip_path_traversal_refused(bad):
    with pytest.raises(UnsafeArchiveError) as exc:
        read_layer(bad["zip_traversal"], "centers")
    assert isinstance(exc.value, UnsafeFileError) and isinstance(exc.value, LayerError)
    assert "../../evil.csv" in str(exc.value)
    assert not (bad["zip_traversal"].parent.parent / "evil.csv").exists()


def test_zip_absolute_member_refused(bad):
    with pytest.raises(UnsafeArchiveError) as exc:
        read_layer(bad["zip_absolute"], "centers")
    assert "absolute path" in str(exc.value)
    assert not Path("/tmp/evil_abs.csv").exists()


def test_zip_bomb_refused(bad):
    with pytest.raises(UnsafeArchiveError) as exc:
        read_layer(bad["zip_bomb"], "centers")
    assert "zip bomb" in exc.value.message_en


def test_zip_bomb_refused_by_unpacked_cap(bad):
    with pytest.raises(UnsafeArchiveError):
        read_layer(bad["zip_two_layers"], "centers", layer="layer_a", max_unpacked_bytes=100)


def test_zip_member_count_cap(bad):
    with pytest.raises(UnsafeArchiveError) as exc:
        read_layer(bad["zip_many_members"], "centers", max_zip_members=10)
    assert "40 members" in exc.value.message_en


def test_zip_without_a_layer_refused(bad):
    with pytest.raises(UnsupportedFormatError) as exc:
        read_layer(bad["zip_no_layer"], "centers")
    assert "readme.txt" in str(exc.value)


def test_gpkg_layer_choice(bad):
    with pytest.raises(LayerChoiceError) as exc:
        read_layer(bad["gpkg_two_layers"], "centers")
    assert "centers, stations" in exc.value.message_en
    r = read_layer(bad["gpkg_two_layers"], "stations", layer="stations")
    assert r.report.rows_used == 2 and r.report.layer_name == "stations"
    with pytest.raises(LayerChoiceError):
        read_layer(bad["gpkg_two_layers"], "centers", layer="nope")


def test_kml_and_kmz_read(bad, truth):
    for key in ("kml_ok", "kmz_ok"):
        r = read_layer(bad[key], "centers")
        assert r.gdf["name"].tolist() == NAMES[:3]
        assert _near(r.gdf, truth[0][:3], truth[1][:3], tol_m=0.05)


def test_kml_with_chinese_extended_data_and_folders(bad):
    r = read_layer(bad["kml_extended_data"], "grids")
    assert r.gdf["name"].tolist() == ["网格0", "网格1", "网格2"]
    assert r.gdf["population"].tolist() == [500.0, 501.0, 502.0]      # 人口 from ExtendedData
    assert r.gdf["community"].tolist() == ["东坡路社区"] * 3
    assert r.gdf["kml_folder"].tolist() == ["东坡路", "东坡路", "龙游路"]
    assert (r.gdf.geom_type == "MultiPolygon").all() and r.gdf.geometry.iloc[0].area == pytest.approx(0.002 ** 2)
    one = read_layer(bad["kml_extended_data"], "grids", layer="龙游路")
    assert one.gdf["name"].tolist() == ["网格2"]
    with pytest.raises(LayerChoiceError):
        read_layer(bad["kml_extended_data"], "grids", layer="不存在")


def test_kml_xml_bomb_refused(bad):
    with pytest.raises(UnsafeFileError) as exc:
        read_layer(bad["kml_xml_bomb"], "centers")
    assert "XML bomb" in exc.value.message_en


def test_xlsx_xml_bomb_refused(bad):
    with pytest.raises(UnsafeFileError) as exc:
        read_layer(bad["xlsx_xml_bomb"], "centers")
    assert "XML bomb" in exc.value.message_en and "xlsx_xml_bomb.xlsx" in str(exc.value)


def test_old_xls_refused(bad):
    with pytest.raises(UnsupportedFormatError) as exc:
        read_layer(bad["old_xls"], "centers")
    assert ".xlsx" in exc.value.message_en


def test_csv_renamed_to_xlsx_refused(bad):
    with pytest.raises(UnsupportedFormatError) as exc:
        read_layer(bad["csv_renamed_xlsx"], "centers")
    assert "not a valid .xlsx" in exc.value.message_en


def test_reading_never_modifies_inputs(bad):
    """Every generated file has the same bytes after all the reads above and a read here."""
    before = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in bad.items()}
    for key in ("gbk_chinese_headers", "shapefile_no_prj_gbk", "excel_merged_header", "self_intersection", "kmz_ok"):
        read_layer(bad[key], "grids" if key == "self_intersection" else "centers" if key != "shapefile_no_prj_gbk" else "demand")
    after = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in bad.items()}
    assert before == after
    assert len(bad) >= 40


def test_random_garbage_never_gives_a_traceback(tmp_path):
    """Fuzz: random cells, encodings and corrupted bytes either read or raise the project's error."""
    import csv
    import io
    import random
    import zipfile

    from geo.errors import ServiceCircleError

    rnd = random.Random(2026)
    alphabet = "0123456789.,-°'\"EN东经度 abc是否√×、;\n\t湖滨"
    heads = ["名称", "经度", "纬度", "人口", "编号", "面积", "便民服务", "层级", "WKT", "坐标系", "灵活空间", "经纬度"]
    wkts = ["POINT (120.16 30.25)", "LINESTRING (1 2, 3 4)", "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))", "garbage", "",
            "MULTIPOINT (120.16 30.25, 120.17 30.26)", "POLYGON ((120.16 30.25, 120.17 30.25, 120.17 30.26, 120.16 30.25))"]
    outcomes = {"read": 0, "refused": 0}
    for k in range(120):
        hs = rnd.sample(heads, rnd.randint(1, 7))
        rows = []
        for _ in range(rnd.randint(0, 5)):
            row = []
            for h in hs:
                if h == "WKT":
                    row.append(rnd.choice(wkts))
                elif h in ("经度", "纬度") and rnd.random() < 0.7:
                    row.append(f"{rnd.uniform(-200, 200):.5f}")
                else:
                    row.append("".join(rnd.choices(alphabet, k=rnd.randint(0, 8))))
            rows.append(row)
        buf = io.StringIO()
        csv.writer(buf).writerows([hs, *rows])
        p = tmp_path / f"f{k}.csv"
        p.write_text(buf.getvalue(), encoding=rnd.choice(["utf-8", "gb18030", "utf-8-sig"]))
        try:
            r = read_layer(p, rnd.choice(["centers", "stations", "grids", "demand"]), coords=rnd.choice(["auto", "gcj02", "bd09"]))
            r.render("zh")
            outcomes["read"] += 1
        except ServiceCircleError:
            outcomes["refused"] += 1
    seeds = [b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[120.16,30.25]}}]}',
             b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>a</name><Point><coordinates>120.16,30.25</coordinates></Point></Placemark></Document></kml>',
             "名称,经度,纬度\n甲,120.16,30.25\n".encode("gbk"), b"PK\x03\x04garbage", b"\x00\x01\x02" * 50]
    for k in range(80):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(0, 3)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        ext = rnd.choice([".csv", ".xlsx", ".geojson", ".gpkg", ".zip", ".kml", ".kmz", ".shp"])
        p = tmp_path / f"b{k}{ext}"
        if ext in (".zip", ".kmz") and rnd.random() < 0.7:
            with zipfile.ZipFile(p, "w") as zf:
                zf.writestr(rnd.choice(["a.csv", "doc.kml", "x.geojson", "a.shp"]), bytes(data))
        else:
            p.write_bytes(bytes(data))
        try:
            read_layer(p, rnd.choice(["centers", "grids", "demand"]))
            outcomes["read"] += 1
        except ServiceCircleError:
            outcomes["refused"] += 1
    assert outcomes["read"] >= 3 and outcomes["refused"] >= 100 and sum(outcomes.values()) == 200


# ----------------------------------------------------------------------------- the generated corpus

import re  # noqa: E402
import tempfile  # noqa: E402

from bad_inputs.make_bad_inputs import build_corpus  # noqa: E402
from geo.errors import ServiceCircleError  # noqa: E402

_CORPUS_DIR = Path(tempfile.mkdtemp(prefix="sc_corpus_"))
CORPUS = build_corpus(_CORPUS_DIR)
_ZH_PUNCT = re.compile(r"[、（）“”：，。；]")


def _kwargs(case) -> dict:
    kw = dict(case.kwargs)
    if kw.get("streets") == "sample":
        from geo.detect import sample_street_index

        kw["streets"] = sample_street_index()
    return kw


@pytest.mark.parametrize("case", CORPUS, ids=[f"{c.cls}: {c.id}" for c in CORPUS])
def test_corpus_case(case):
    """Each generated case ends in its expected outcome: a clear refusal or the correct answer."""
    if case.refuse is not None:
        cls_name, fragment = case.refuse
        with pytest.raises(ServiceCircleError) as exc:
            read_layer(case.path, case.layer_type, **_kwargs(case))
        err = exc.value
        if cls_name:
            assert type(err).__name__ == cls_name or cls_name in [k.__name__ for k in type(err).__mro__], (type(err), str(err))
        en = err.message("en") if hasattr(err, "message") else str(err)
        assert fragment in en, en
        # bilingual, and the English text carries no Chinese punctuation of a placeholder
        if hasattr(err, "message"):
            assert err.message("zh") and err.message("zh") != en
            assert not _ZH_PUNCT.search(en.replace(str(case.path.name), "")), en
        return
    r = read_layer(case.path, case.layer_type, **_kwargs(case))
    text = r.render("en")
    assert case.check is None or case.check(r), text
    for frag in case.report_has:
        assert frag in text, (frag, text)
    unquoted = re.sub(r"'[^']*'", "", text).lower()   # the planner's own cell text is quoted back
    assert not re.search(r"\bnan\b|\binf\b", unquoted), text


def test_corpus_size_and_classes():
    """At least 150 cases across the classes (the older named cases above plus the generated ones)."""
    from collections import Counter

    by_class = Counter(c.cls for c in CORPUS)
    assert {"values", "encodings", "files", "diagnoses", "archives", "xml", "geometry/crs", "location"} <= set(by_class)
    assert len(CORPUS) >= 110, by_class


# ----------------------------------------------------------------------------- the same files through the CLI

def _by_id(case_id: str):
    return next(c for c in CORPUS if c.id == case_id)


def _demand_gpkg_with_inf(tmp_path) -> Path:
    import geopandas as gpd

    lon, lat = street_points(3)
    g = gpd.GeoDataFrame({"name": ["甲", "乙", "丙"], "population": [100.0, float("inf"), float("nan")]},
                         geometry=shapely.points(lon, lat), crs=4326)
    p = tmp_path / "demand_inf.gpkg"
    g.to_file(p, layer="demand")
    return p


CLI_CASES = [
    # (id, argv builder, exit code, fragment of stdout+stderr)
    ("coverage: Beijing centers vs Hangzhou streets stop", lambda t: ["coverage", "--centers", str(_by_id("Beijing centers vs Hangzhou streets").path)],
     2, "None of the 3 centers is within 300 m"),
    ("coverage: only residents row is inf", lambda t: ["coverage", "--demand", str(_by_id("only row has population inf").path)], 2, "not a finite number"),
    ("coverage: 1.2万 residents counted", lambda t: ["coverage", "--demand", str(_by_id("value '1.2万'").path)], 0, "12,800"),
    ("coverage: GeoPackage with inf and NaN population", lambda t: ["coverage", "--demand", str(_demand_gpkg_with_inf(t))], 0, "not a finite number"),
    ("coverage: a center in the sea is warned", lambda t: ["coverage", "--centers", str(_by_id("a point in the East China Sea").path)], 0,
     "1 of 3 positions lie outside the street file's extent"),
    ("check: Beijing file is warned", lambda t: ["check", str(_by_id("Beijing centers vs Hangzhou streets").path), "--type", "centers"], 0,
     "3 of 3 positions lie outside the street file's extent"),
    ("check: mixed encodings", lambda t: ["check", str(_by_id("mixed UTF-8 then GBK rows").path), "--type", "centers"], 2, "mixes two text encodings"),
    ("check: encrypted workbook", lambda t: ["check", str(_by_id("encrypted xlsx").path), "--type", "centers"], 2, "password-protected"),
    ("check: formula cells", lambda t: ["check", str(_by_id("formula cells without saved values").path), "--type", "centers"], 1, "without a saved result"),
    ("check: GCJ-02 outside China", lambda t: ["check", str(_by_id("GCJ-02 chosen, a point outside China").path), "--type", "centers", "--coords", "gcj02"],
     1, "apply only to map coordinates inside China"),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_corpus_through_the_cli(case, tmp_path, capsys):
    from cli.main import main

    name, argv, code, fragment = case
    args = argv(tmp_path) + ["--lang", "en"]
    if args[0] == "coverage":
        args += ["--out", str(tmp_path / "c.gpkg")]
    assert main(args) == code
    out = capsys.readouterr()
    text = out.out + out.err
    assert fragment in text, text[-3000:]
    assert "Unexpected error" not in text and "Traceback" not in text
    unquoted = re.sub(r"'[^']*'|“[^”]*”", "", text)      # the planner's own cell text is quoted back
    assert not re.search(r"\bnan%|\binf\b", unquoted), text[-3000:]
