"""`servicecircle check`: output, language, exit codes, registration in the main CLI."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from cli import check

ROOT = Path(__file__).resolve().parent.parent


def _run(capsys, argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    check.add_parser(sub)
    args = parser.parse_args(argv)
    assert args.func is check.run
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_clean_file_exit_0_in_chinese(capsys):
    code, out, _ = _run(capsys, ["check", str(ROOT / "data/templates/centers.csv"), "--type", "centers"])
    assert code == 0
    assert "读取 1 行，可用 1 行" in out and "未发现问题" in out and "UTF-8 (BOM)" in out


def test_problems_exit_1_in_english(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("名称,经度,纬度,编号\n甲,120.1636,30.2588,1\n乙,120.1640,30.2590,1\n丙,abc,30.2,3\n", encoding="gbk")
    code, out, _ = _run(capsys, ["check", str(p), "--type", "centers", "--lang", "en"])
    assert code == 1
    assert "Rows read: 3; rows usable: 2" in out
    assert "row 3, field 'id'" in out and "row 4, field 'lon'" in out and "GBK" in out


def test_refused_file_exit_2(tmp_path, capsys):
    p = tmp_path / "lines.geojson"
    p.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},'
                 '"geometry":{"type":"LineString","coordinates":[[120.16,30.25],[120.17,30.25]]}}]}', encoding="utf-8")
    code, out, err = _run(capsys, ["check", str(p), "--type", "centers"])
    assert code == 2 and out == ""
    assert "已拒绝" in err and "几何类型不对" in err and "Traceback" not in err
    code, _, err = _run(capsys, ["check", str(p), "--type", "centers", "--lang", "en"])
    assert code == 2 and "wrong geometry type" in err and "几何" not in err


def test_coords_option_and_size_cap(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("名称,经度,纬度\n甲,120.1636,30.2588\n", encoding="utf-8")
    code, out, _ = _run(capsys, ["check", str(p), "--type", "centers", "--coords", "gcj02", "--lang", "en"])
    assert code == 0 and "converted from GCJ-02" in out
    code, _, err = _run(capsys, ["check", str(p), "--type", "centers", "--max-mb", "0.00001"])
    assert code == 2 and "MB" in err


def test_registered_in_servicecircle_main():
    proc = subprocess.run([sys.executable, "-m", "cli.main", "check", str(ROOT / "data/templates/grids.xlsx"),
                           "--type", "grids", "--lang", "en"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Layer type: grids" in proc.stdout and "rows usable: 1" in proc.stdout


def test_osm_option_uses_that_street_network(tmp_path, capsys):
    import geopandas as gpd
    import numpy as np
    import shapely

    from geo.coords import wgs84_to_bd09
    from geo.detect import sample_streets

    s = sample_streets()
    mids = gpd.GeoSeries(shapely.line_interpolate_point(s.values[::60], 0.5, normalized=True), crs=s.crs).to_crs(4326)
    lon, lat = wgs84_to_bd09(mids.x.to_numpy(), mids.y.to_numpy())
    p = tmp_path / "bd.csv"
    p.write_text("名称,经度,纬度\n" + "".join(f"p{i},{a:.7f},{b:.7f}\n" for i, (a, b) in enumerate(zip(lon, lat))), encoding="utf-8")
    code, out, _ = _run(capsys, ["check", str(p), "--type", "centers", "--lang", "en",
                                 "--osm", str(ROOT / "data/osm/hangzhou_core_2015-02.osm.pbf")])
    assert code == 0, out
    assert "converted from BD-09" in out and "bundled" not in out
    assert np.isfinite(lon).all()
    code, _, err = _run(capsys, ["check", str(p), "--type", "centers", "--osm", str(tmp_path / "none.osm.pbf")])
    assert code == 2 and "none.osm.pbf" in err
