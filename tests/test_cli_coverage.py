"""`servicecircle coverage` on the sample city: the GeoPackage layers and consistent numbers."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pytest

from cli.main import main


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    out = tmp_path_factory.mktemp("cov") / "coverage.gpkg"
    assert main(["coverage", "--out", str(out)]) == 0
    return out


def test_layers_are_written(gpkg):
    names = {n for n, _ in pyogrio.list_layers(gpkg)}
    assert {"centers", "isochrones", "circles", "grids", "gaps", "demand", "metadata"} <= names


def test_numbers_are_consistent(gpkg):
    meta = gpd.read_file(gpkg, layer="metadata")
    s = json.loads(meta.set_index("key").loc["summary", "value"])
    demand = gpd.read_file(gpkg, layer="demand")
    total = demand["population"].sum()
    assert s["total_pop"] == pytest.approx(total)
    assert s["covered_pop"] + s["uncovered_pop"] == pytest.approx(total)
    assert s["covered_pop"] == pytest.approx(demand.loc[demand["covered"].astype(bool), "population"].sum())
    # every covered resident walks at most the threshold
    cov = demand[demand["covered"].astype(bool)]
    assert (cov["time_min"] <= s["minutes"] + 1e-6).all()
    centers = gpd.read_file(gpkg, layer="centers")
    assert centers["load_pop"].sum() == pytest.approx(s["covered_pop"])
    gaps = gpd.read_file(gpkg, layer="gaps")
    # gap units carry whole persons (issue 14); they add up exactly to the rounded uncovered residents
    assert gaps["population"].sum() == round(s["uncovered_pop"])
    assert gaps["population"].sum() == pytest.approx(s["uncovered_pop"], abs=0.5)
    grids = gpd.read_file(gpkg, layer="grids")
    assert grids["population"].sum() == pytest.approx(total, rel=1e-6)
    assert grids["covered_pop"].sum() == pytest.approx(s["covered_pop"], rel=1e-6)
    assert 0 < s["covered_share"] < 1
    assert s["median_min"] <= s["p90_min"]
    # the straight-line circle never covers fewer people than the walk within the same radius
    assert s["circle_covered_pop"] >= s["covered_pop"]
    isos = gpd.read_file(gpkg, layer="isochrones")
    assert len(isos) == len(centers) * 4
    assert set(isos["minutes"]) == {5.0, 8.0, 10.0, 15.0}
    # larger thresholds reach more area for every center
    area = isos.to_crs(32651).assign(a=lambda g: g.area).pivot(index="center_id", columns="minutes", values="a")
    assert (np.diff(area.to_numpy(), axis=1) >= -1e-6).all()
    assert meta.set_index("key").loc["demo_note", "value"].startswith("示例数据")


def test_summary_is_printed_and_says_demo(capsys, tmp_path):
    assert main(["coverage", "--out", str(tmp_path / "c.gpkg"), "--lang", "en", "--elderly"]) == 0
    out = capsys.readouterr().out
    assert "Within 8 min" in out and "3 km/h" in out and "illustrative" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["coverage", "--minutes", "-3"], "from 1 to 120 min"),
        (["coverage", "--osm", "nowhere.osm.pbf"], "not found"),
        (["coverage", "--centers", "nowhere.csv"], "nowhere.csv"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, tmp_path, argv, message):
    assert main(argv + ["--out", str(tmp_path / "x.gpkg")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.gpkg").exists()


def test_amap_coordinates_in_a_gbk_csv_are_detected_and_give_the_same_answer(tmp_path, capsys):
    """Planner's CSV: Chinese headers, GBK, GCJ-02 (Amap) coordinates of the demo centers."""
    from analysis.sample_city import read_demo_layer
    from geo.coords import wgs84_to_gcj02

    demo = read_demo_layer("centers")
    lon, lat = wgs84_to_gcj02(demo.geometry.x.to_numpy(), demo.geometry.y.to_numpy())
    rows = ["编号,名称,经度,纬度"] + [f"{i},{n},{x:.6f},{y:.6f}" for i, n, x, y in zip(demo["id"], demo["name"], lon, lat)]
    csv = tmp_path / "中心.csv"
    csv.write_bytes("\n".join(rows).encode("gbk"))
    out_user, out_demo = tmp_path / "user.gpkg", tmp_path / "demo.gpkg"
    assert main(["coverage", "--centers", str(csv), "--out", str(out_user)]) == 0
    printed = capsys.readouterr()
    assert "GCJ-02" in printed.err  # the read report says what it detected and did
    meta = gpd.read_file(out_user, layer="metadata").set_index("key")["value"]
    assert meta["centers_file"] == "中心.csv"  # the planner's own file is named as the source
    assert main(["coverage", "--out", str(out_demo)]) == 0
    a = gpd.read_file(out_user, layer="demand")["time_min"].to_numpy()
    b = gpd.read_file(out_demo, layer="demand")["time_min"].to_numpy()
    finite = np.isfinite(a) & np.isfinite(b)
    assert finite.mean() > 0.95
    # converted back to WGS-84 within a metre: walking times agree to a second
    np.testing.assert_allclose(a[finite], b[finite], atol=1.5 / 75)
