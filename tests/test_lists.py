"""需求/资源/项目清单: needs matched to units' resources along the network (hand-checked metres)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analysis.lists import DEFAULT_MATCH_M, build_lists, parse_offer
from geo.errors import ParameterError
from geo.network import WalkNetwork

CRS = "EPSG:32651"


@pytest.fixture
def long_street():
    # one 6 km straight street
    gdf = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (6000, 0)])], crs=CRS)
    return WalkNetwork.from_lines(gdf)


def units_layer(*rows):
    return gpd.GeoDataFrame({"id": [r[0] for r in rows], "name": [r[0] for r in rows], "offers": [r[1] for r in rows]},
                            geometry=[shapely.Point(r[2], 0) for r in rows], crs=CRS)


def needs_layer(*rows):
    return gpd.GeoDataFrame({"id": [r[0] for r in rows], "name": [r[0] for r in rows], "category": [r[1] for r in rows],
                             "quantity": [r[2] for r in rows], "status": ["open"] * len(rows),
                             "community": ["甲社区"] * len(rows), "compound": ["一号院"] * len(rows)},
                            geometry=[shapely.Point(r[3], 0) for r in rows], crs=CRS)


def test_default_distance_is_stated():
    assert DEFAULT_MATCH_M == 1000.0


def test_parse_offer():
    assert parse_offer("会议室(60)") == ("meeting_room", 60.0)
    assert parse_offer("停车位：40个") == ("parking", 40.0)
    k, cap = parse_offer("志愿服务")
    assert k == "volunteers" and np.isnan(cap)
    assert parse_offer("夜间停车位（30）") == ("parking", 30.0)
    assert parse_offer("游艇")[0] is None


def test_need_50_m_away_matched_5_km_not_other_category_not(long_street):
    units = units_layer(("税务局", ["停车位(30)"], 1000))
    needs = needs_layer(("近的停车", "parking", 10, 1050),      # 50 m along the street
                        ("远的停车", "parking", 10, 6000),      # 5 km
                        ("近的助餐", "canteen", 10, 1050))      # near, but no canteen offered
    res = build_lists(long_street, units, needs)
    got = res.needs.set_index("need_id")
    assert got.loc["近的停车", "matched"] and got.loc["近的停车", "nearest_m"] == pytest.approx(50.0)
    assert got.loc["近的停车", "nearest_unit"] == "税务局"
    assert not got.loc["远的停车", "matched"] and np.isnan(got.loc["远的停车", "nearest_m"])
    assert not got.loc["近的助餐", "matched"]
    assert res.summary["n_unmatched"] == 2
    # capacity 30, 10 allocated to the near need: 20 unused
    r = res.resources.iloc[0]
    assert r["allocated"] == 10 and r["unused"] == 20
    assert len(res.matches) == 1 and res.matches.loc[0, "walk_m"] == pytest.approx(50.0)


def test_capacity_goes_to_the_nearest_need_first(long_street):
    units = units_layer(("学院", ["会议室(50)"], 1000))
    needs = needs_layer(("A", "meeting_room", 40, 1100), ("B", "meeting_room", 40, 1300))
    res = build_lists(long_street, units, needs, distance_m=500)
    got = res.needs.set_index("need_id")
    assert got.loc["A", "allocated_unit"] == "学院"
    assert got.loc["B", "matched"] and pd.isna(got.loc["B", "allocated_to"])   # in reach, but no room left
    assert res.resources.loc[0, "unused"] == 10


def test_distance_is_along_the_network_not_straight():
    # U-shaped street: the need is 40 m straight across, 1,040 m along the street
    lines = [[(0, 0), (0, 500)], [(0, 500), (40, 500)], [(40, 500), (40, 0)]]
    net = WalkNetwork.from_lines(gpd.GeoDataFrame(geometry=[shapely.LineString(c) for c in lines], crs=CRS))
    units = gpd.GeoDataFrame({"id": ["U"], "name": ["U"], "offers": [["停车位(5)"]]}, geometry=[shapely.Point(-1, 0)], crs=CRS)
    needs = gpd.GeoDataFrame({"id": ["N"], "name": ["N"], "category": ["parking"]}, geometry=[shapely.Point(41, 0)], crs=CRS)
    assert not build_lists(net, units, needs).needs.loc[0, "matched"]
    near = build_lists(net, units, needs, distance_m=1100).needs.loc[0]
    assert near["matched"] and near["nearest_m"] == pytest.approx(1042.0)


def test_projects_claimed_and_unknown_units(long_street):
    units = units_layer(("税务局", ["停车位(30)"], 1000))
    needs = needs_layer(("N", "parking", 1, 1000))
    projects = pd.DataFrame({"id": ["P1", "P2", "P3"], "name": ["错时停车", "送课进校园", "助老"],
                             "claimed_by": ["税务局", None, "某银行"], "status": ["ongoing", None, "claimed"]})
    p = build_lists(long_street, units, needs, projects).projects.set_index("project_id")
    assert p.loc["P1", "claimed"] and p.loc["P1", "unit_known"]
    assert not p.loc["P2", "claimed"] and p.loc["P2", "status"] == "unclaimed"
    assert p.loc["P3", "claimed"] and not p.loc["P3", "unit_known"]


def test_bad_distance(long_street):
    with pytest.raises(ParameterError):
        build_lists(long_street, units_layer(("U", ["停车位"], 0)), needs_layer(("N", "parking", 1, 0)), distance_m=-1)
