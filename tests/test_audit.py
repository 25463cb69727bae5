"""3+1+N audit of service centers and amenity audit of red stations."""

from __future__ import annotations

import csv
import io

import pandas as pd

import pytest

from analysis.audit import audit_red_stations, audit_service_centers
from analysis.standards import StandardError, load_standard
from geo.readers import read_layer
from geo.schemas import STATION_AMENITIES


def _csv(path, header, rows):
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_center_audit_from_a_read_file(tmp_path):
    p = _csv(tmp_path / "c.csv",
             ["编号", "名称", "经度", "纬度", "层级", "便民服务", "办公议事", "活动", "特色空间", "灵活空间", "功能"],
             [["1", "全", 120.1636, 30.2588, "街道", "是", "是", "是", "红色书房", "老年食堂、儿童托管", ""],
              ["2", "缺活动", 120.1640, 30.2590, "社区", "是", "是", "否", "", "", ""],
              ["3", "功能列", 120.1645, 30.2595, "小区", "", "", "", "", "共享空间", "便民服务、议事、文体活动、特色空间"]])
    a = audit_service_centers(read_layer(p, "centers").gdf)
    assert a["id"].tolist() == ["1", "2", "3"]
    assert a["complete"].tolist() == [True, False, True]
    assert a["n_basic"].tolist() == [3, 2, 3]
    assert a["n_flexible"].tolist() == [2, 0, 1]
    # issue 15: the documents' default standard: featured space "1" reported, "N" counted, neither missing
    assert a.loc[1, "missing_zh"] == "党群活动"
    assert a.loc[1, "missing_en"] == "party-masses activities"
    assert a.loc[0, "missing_zh"] == "" and a.loc[0, "summary_zh"] == "基本功能 3/3；特色空间：有（不计缺项）；灵活空间 2 个"
    assert a.loc[1, "summary_en"] == "basic functions 2/3; featured space: no (not required); flexible spaces: 0"
    assert a["level"].tolist() == ["street", "community", "compound"]
    assert a["standard"].str.contains("default.toml，sha256 ").all()


def test_center_audit_with_missing_columns():
    a = audit_service_centers(pd.DataFrame({"name": ["只有名字"]}))
    assert a.loc[0, "n_basic"] == 0 and not a.loc[0, "complete"]
    assert a.loc[0, "missing_zh"] == "便民服务、办公议事、党群活动"
    assert a.loc[0, "id"] == "1"
    raw = pd.DataFrame({"id": ["A"], "func_convenience": [True], "func_office": [True], "func_activity": [True],
                        "featured_space": ["书房"], "flexible_spaces": ["老年食堂、儿童托管"]})
    b = audit_service_centers(raw)
    assert b.loc[0, "complete"] and b.loc[0, "n_flexible"] == 2


def test_station_audit(tmp_path):
    p = _csv(tmp_path / "s.csv",
             ["驿站名称", "经度", "纬度", "饮水机", "冰箱", "微波炉", "空调", "手机充电", "厕所", "急救箱", "休息座椅", "配套设施"],
             [["全", 120.1636, 30.2588, "有", "有", "有", "有", "有", "有", "有", "有", ""],
              ["列表", 120.1640, 30.2590, "", "", "", "", "", "", "", "", "热水、充电桩、卫生间"],
              ["空", 120.1645, 30.2595, "无", "无", "", "", "", "", "", "", ""]])
    a = audit_red_stations(read_layer(p, "stations").gdf)
    # issue 15: the four amenities the documents name are required, the other four are extras
    assert a["n_present"].tolist() == [4, 1, 0]
    assert a["n_extras"].tolist() == [4, 2, 0]
    assert a["complete"].tolist() == [True, False, False]
    assert (a["n_total"] == 4).all() and len(STATION_AMENITIES) == 8
    assert a.loc[1, "missing_zh"] == "电冰箱、微波炉、空调"
    assert a.loc[1, ["has_water_dispenser", "has_phone_charging", "has_toilet"]].tolist() == [True, True, True]
    assert a.loc[2, "missing_en"] == "water dispenser, fridge, microwave, air conditioning"
    assert a.loc[0, "summary_zh"] == "必备设施 4/4；其他配套 4 项"


def test_four_named_amenities_pass_the_default_standard():
    s = pd.DataFrame({"name": ["四件套驿站"], "amenities": ["饮水机、电冰箱、微波炉、空调"], "area_m2": [30.0]})
    a = audit_red_stations(s)
    assert a.loc[0, "complete"] and a.loc[0, "n_present"] == 4 and a.loc[0, "n_extras"] == 0
    assert a.loc[0, "missing_zh"] == ""
    three = audit_red_stations(pd.DataFrame({"name": ["缺空调"], "amenities": ["饮水机、电冰箱、微波炉、充电"]}))
    assert not three.loc[0, "complete"] and three.loc[0, "missing_zh"] == "空调" and three.loc[0, "n_extras"] == 1


def test_custom_standard_changes_the_verdict(tmp_path):
    s = pd.DataFrame({"name": ["四件套驿站"], "amenities": ["饮水机、电冰箱、微波炉、空调"], "area_m2": [200.0]})
    c = pd.DataFrame({"name": ["无特色空间"], "functions": ["便民服务、办公议事、党群活动"]})
    default = load_standard()
    assert audit_red_stations(s, default).loc[0, "complete"] and audit_service_centers(c, default).loc[0, "complete"]
    f = tmp_path / "strict.toml"
    f.write_text('name = "某街道严格标准"\n[centers]\nmandatory = ["便民服务", "办公议事", "党群活动"]\n'
                 'featured_space_required = true\nmin_flexible_spaces = 1\n'
                 '[stations]\nmandatory = ["饮水机", "冰箱", "微波炉", "空调", "厕所"]\nmin_area_m2 = 300\n', encoding="utf-8")
    strict = load_standard(f)
    a = audit_red_stations(s, strict)
    assert not a.loc[0, "complete"] and a.loc[0, "n_total"] == 5
    assert a.loc[0, "missing_zh"] == "厕所、面积（200㎡，要求≥300㎡）"
    assert a.loc[0, "standard"].startswith("某街道严格标准（strict.toml，sha256 ")
    assert strict.sha_short != default.sha_short and len(strict.sha_short) == 12
    b = audit_service_centers(c, strict)
    assert not b.loc[0, "complete"] and b.loc[0, "missing_en"] == "featured space, flexible spaces (at least 1)"


@pytest.mark.parametrize("text, needle", [
    ("name = 'x'\n[stations]\nmandatory = ['饮水机', '咖啡机']\n", "咖啡机"),
    ("name = 'x'\n[stations\n", "TOML"),
    ("[stations]\nmin_area_m2 = -5\n", "min_area_m2"),
    ("[centers]\nfeatured_space_required = 'yes'\n", "featured_space_required"),
    ("[centers]\nmandatory = '便民服务'\n", "mandatory"),
])
def test_invalid_standard_is_a_clear_bilingual_error(tmp_path, text, needle):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError) as e:
        load_standard(f)
    msg = str(e.value)
    assert needle in msg and "核查标准" in msg and "Standard" in msg


def test_cli_standard_option_and_bad_file(tmp_path, capsys):
    from cli.main import main

    bad = tmp_path / "bad.toml"
    bad.write_text("[stations]\nmandatory = ['咖啡机']\n", encoding="utf-8")
    assert main(["report", "--standard", str(bad), "--format", "xlsx", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "咖啡机" in err and "Traceback" not in err
    assert main(["report", "--standard", str(tmp_path / "missing.toml"), "--format", "xlsx",
                 "--out", str(tmp_path / "r")]) == 2
