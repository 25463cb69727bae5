"""`servicecircle lists | adoption | demo-area | guide-map` on the sample city write their outputs."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pyogrio
import pytest

from analysis.party_inputs import PARTY_DEMO_FILES
from analysis.sample_city import DEMO_DIR
from cli.main import main
from geo.readers import read_layer


@pytest.mark.parametrize("kind", sorted(PARTY_DEMO_FILES))
def test_demo_layers_read_cleanly_and_are_labelled(kind):
    r = read_layer(DEMO_DIR / PARTY_DEMO_FILES[kind], kind, coords="wgs84")
    assert r.report.rows_used == r.report.rows_read > 0
    assert not r.report.errors
    assert r.gdf["demo"].astype(bool).all()
    assert (r.gdf["notes"].astype(str).str.contains("示例数据")).all()


def test_lists_cli(tmp_path, capsys):
    assert main(["lists", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "示例数据" in out and "1,000 m" in out
    wb = openpyxl.load_workbook(tmp_path / "three_lists_zh.xlsx")
    assert {"需求清单", "资源清单", "项目清单"} <= set(wb.sheetnames)
    needs = gpd.read_file(tmp_path / "three_lists.gpkg", layer="needs_list")
    given = gpd.read_file(DEMO_DIR / PARTY_DEMO_FILES["needs"])
    assert len(needs) == len(given) > 0  # one row per need of the input layer
    # a matched need's nearest resource is within the stated distance
    m = needs[needs["matched"].astype(bool)]
    assert len(m) and (m["nearest_m"] <= 1000.0).all()
    assert {"needs_list", "resources_list", "projects_list", "needs_matches", "metadata"} <= {n for n, _ in pyogrio.list_layers(tmp_path / "three_lists.gpkg")}


def test_adoption_cli(tmp_path, capsys):
    assert main(["adoption", "--out", str(tmp_path), "--distance", "100"]) == 0
    out = capsys.readouterr().out
    assert "100 m" in out
    seg = gpd.read_file(tmp_path / "adoption.gpkg", layer="adopted_segments")
    per_unit = seg.to_crs(32651).groupby("unit_id")["length_m"].sum()
    units = gpd.read_file(DEMO_DIR / PARTY_DEMO_FILES["units"])
    # every demo unit stands 12 m beside a street (data/demo/README.md): each adopts at least 100 m
    assert set(per_unit.index.astype(str)) == set(units["id"].astype(str)) and (per_unit >= 100.0).all()
    # geometry lengths agree with the stated lengths (cut exactly)
    assert seg.to_crs(32651).length.sum() == pytest.approx(seg["length_m"].sum(), rel=1e-3)
    assert (tmp_path / "adoption_map_zh.png").stat().st_size > 10_000
    wb = openpyxl.load_workbook(tmp_path / "adoption_zh.xlsx")
    assert "道路认领情况（按路名）" in wb.sheetnames


def test_demo_area_cli(tmp_path, capsys):
    assert main(["demo-area", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "平方千米" in out and "区内" in out
    ws = openpyxl.load_workbook(tmp_path / "demo_areas_zh.xlsx")["示范区概况"]
    area = gpd.read_file(DEMO_DIR / PARTY_DEMO_FILES["demo_areas"])
    assert ws.cell(2, 1).value == area["name"].iloc[0]
    assert ws.cell(2, 2).value == pytest.approx(area.to_crs(32651).area.iloc[0] / 1e6, rel=1e-3)  # km²


def test_bad_distance_exits_2(tmp_path, capsys):
    assert main(["adoption", "--out", str(tmp_path), "--distance", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--distance" in err and "距离" in err and "not valid" in err     # one bilingual line, no traceback
    assert "Traceback" not in err


def test_templates_go_through_every_party_command(tmp_path, capsys):
    """The files a planner starts from (data/templates/) never crash lists/adoption/demo-area/guide-map."""
    from pathlib import Path

    t = Path(__file__).resolve().parent.parent / "data" / "templates"
    assert main(["lists", "--units", str(t / "units.csv"), "--needs", str(t / "needs.xlsx"),
                 "--projects", str(t / "projects.csv"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "示例数据" not in out                     # every layer is the planner's
    needs = gpd.read_file(tmp_path / "three_lists.gpkg", layer="needs_list")
    assert needs["matched"].astype(bool).tolist() == [True]   # the example parking need, example unit offers parking
    assert main(["adoption", "--units", str(t / "units.xlsx"), "--demo-areas", str(t / "demo_areas.csv"),
                 "--out", str(tmp_path)]) == 0
    assert "示例数据" not in capsys.readouterr().out
    assert main(["demo-area", "--demo-areas", str(t / "demo_areas.xlsx"), "--units", str(t / "units.csv"),
                 "--out", str(tmp_path)]) == 0
    assert main(["guide-map", "--demo-areas", str(t / "demo_areas.csv"), "--units", str(t / "units.csv"),
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and (tmp_path / "guide_map_zh.pdf").exists()
