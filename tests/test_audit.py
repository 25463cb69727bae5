"""3+1+N audit of service centers and amenity audit of red stations."""

from __future__ import annotations

import csv
import io

import pandas as pd

from analysis.audit import audit_red_stations, audit_service_centers
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
    assert a.loc[1, "missing_zh"] == "活动、特色空间、灵活空间"
    assert a.loc[1, "missing_en"] == "activities, featured space, flexible spaces"
    assert a.loc[0, "missing_zh"] == "" and a.loc[0, "summary_zh"] == "基本功能 3/3；特色空间：有；灵活空间 2 个"
    assert a.loc[1, "summary_en"] == "basic functions 2/3; featured space: no; flexible spaces: 0"
    assert a["level"].tolist() == ["street", "community", "compound"]


def test_center_audit_with_missing_columns():
    a = audit_service_centers(pd.DataFrame({"name": ["只有名字"]}))
    assert a.loc[0, "n_basic"] == 0 and not a.loc[0, "complete"]
    assert a.loc[0, "missing_zh"] == "便民服务、办公议事、活动、特色空间、灵活空间"
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
    assert a["n_present"].tolist() == [8, 3, 0]
    assert a["complete"].tolist() == [True, False, False]
    assert (a["n_total"] == len(STATION_AMENITIES)).all()
    assert a.loc[1, "missing_zh"] == "冰箱、微波炉、空调、急救箱、休息座椅"
    assert a.loc[1, ["has_water_dispenser", "has_phone_charging", "has_toilet"]].tolist() == [True, True, True]
    assert a.loc[2, "missing_en"].startswith("water dispenser, fridge")
    assert a.loc[0, "summary_zh"] == "配套设施 8/8"
