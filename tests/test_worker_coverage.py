"""Outdoor-worker demand and red-station coverage on a hand-built network with hand-checked answers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from analysis.worker_coverage import run_worker_coverage, street_names
from analysis.worker_demand import GROUPS, upload_points, weights_table, worker_points
from geo.errors import LayerError, ParameterError
from geo.network import WalkNetwork

CRS = "EPSG:32651"


@pytest.fixture(scope="module")
def net() -> WalkNetwork:
    """甲路 (primary) 0..2000 m along y = 0 in four 500 m segments; 乙巷 (residential) north from x = 1000."""
    main = [LineString([(x, 0), (x + 500, 0)]) for x in range(0, 2000, 500)]
    side = [LineString([(1000, 0), (1000, 800)])]
    gdf = gpd.GeoDataFrame({"highway": ["primary"] * 4 + ["residential"], "name": ["甲路 Jia Road"] * 4 + ["乙巷"]},
                           geometry=main + side, crs=CRS)
    return WalkNetwork.from_lines(gdf)


def _workers() -> gpd.GeoDataFrame:
    up = gpd.GeoDataFrame({"group": ["sanitation", "delivery", "drivers"], "count": [3.0, 2.0, 4.0],
                           "name": ["环卫所", "快递点", "公交站"]},
                          geometry=[Point(1200, 5), Point(1300, 5), Point(1000, 200)], crs=CRS)
    return upload_points(up, CRS)


def test_hand_checked_coverage_by_group_and_busy_street(net):
    # station 10 m off 甲路 at x = 250: it reaches x <= 250 + (1000 - 10) = 1240 along 甲路
    st = gpd.GeoDataFrame({"id": ["R1"], "name": ["一号驿站"]}, geometry=[Point(250, 10)], crs=CRS)
    r = run_worker_coverage(net, st, _workers(), 1000.0)
    w = r.workers.set_index("name")
    assert w.loc["环卫所", "dist_m"] == pytest.approx(10 + 950 + 5)  # covered
    assert w.loc["快递点", "dist_m"] == pytest.approx(10 + 1050 + 5)  # 1,065 m: not covered
    assert w.loc["公交站", "dist_m"] == pytest.approx(10 + 750 + 200)  # via 乙巷: covered
    assert w["covered"].tolist() == [True, False, True]
    g = r.groups.set_index("group")
    assert list(g.index) == list(GROUPS)
    assert g.loc["sanitation", ["workers", "covered"]].tolist() == [3, 3]
    assert g.loc["delivery", ["workers", "covered", "uncovered"]].tolist() == [2, 0, 2]
    assert g.loc["drivers", "covered_share"] == 1.0 and np.isnan(g.loc["others", "covered_share"])
    assert r.summary.total_workers == 9 and r.summary.covered_workers == 7
    assert r.stations["workers_served"].tolist() == [7]
    # busy street: 甲路 is 2,000 m; 1240..2000 m is out of reach, cut exactly; 乙巷 is not busy
    assert r.busy_streets["street"].tolist() == ["甲路"]
    assert r.busy_streets.loc[0, "length_m"] == pytest.approx(2000)
    assert r.busy_streets.loc[0, "uncovered_m"] == pytest.approx(760, abs=1e-6)
    assert r.busy_gaps.geometry.length.sum() == pytest.approx(760, abs=1e-6)
    assert r.busy_gaps.total_bounds[0] == pytest.approx(1240, abs=1e-6)
    assert r.summary.busy_uncovered_m == pytest.approx(760, abs=1e-6)
    assert len(r.reach) == 1 and r.reach.geometry.iloc[0].contains(Point(1200, 0))

    # a proposed station at x = 1900 serves the courier point and closes the gap
    st2 = pd.concat([st.assign(proposed=False),
                     gpd.GeoDataFrame({"id": ["NEW1"], "name": ["拟建"], "proposed": [True]},
                                      geometry=[Point(1900, 0)], crs=CRS)], ignore_index=True)
    r2 = run_worker_coverage(net, st2, _workers(), 1000.0, with_reach=False)
    assert r2.workers["covered"].all() and r2.summary.covered_workers == 9
    assert r2.workers.set_index("name").loc["快递点", "station_id"] == "NEW1"
    assert r2.busy_streets.empty and r2.summary.busy_uncovered_m == 0
    # shorter reach: fewer workers
    r3 = run_worker_coverage(net, st, _workers(), 500.0)
    assert r3.summary.covered_workers == 0
    assert r3.busy_streets.loc[0, "uncovered_m"] == pytest.approx(2000 - (250 + 490), abs=1e-6)


def test_no_stations_and_bad_radius(net):
    r = run_worker_coverage(net, None, _workers(), 1000.0)
    assert r.summary.covered_workers == 0 and r.busy_streets.loc[0, "uncovered_m"] == pytest.approx(2000)
    with pytest.raises(ParameterError, match="驿站服务距离"):
        run_worker_coverage(net, None, _workers(), 0.0)


def test_osm_demand_rules_and_upload_replaces_a_group(net):
    pois = gpd.GeoDataFrame({"amenity": ["toilets", "restaurant", "marketplace", "bus_station", ""],
                             "shop": ["", "", "", "", "courier"], "name": ["公厕", "饭店", "菜场", "公交总站", "快递驿站"]},
                            geometry=[Point(100, 5), Point(600, 5), Point(700, 5), Point(1500, 5), Point(900, 5)], crs=CRS)
    w = worker_points(net, pois)
    by = w.groupby("group")["weight"].sum()
    # sanitation: 1 per km of busy street (2 km of 甲路) + 1 public toilet
    assert by["sanitation"] == pytest.approx(2.0 + 1.0)
    assert by["delivery"] == pytest.approx(0.5 + 3.0 + 5.0)  # restaurant, market (deliveries), parcel shop
    assert by["drivers"] == pytest.approx(20.0) and by["others"] == pytest.approx(5.0)  # market counts for both
    assert set(w["group_zh"]) == {z for z, _ in GROUPS.values()}
    up = gpd.GeoDataFrame({"group": ["delivery"], "count": [12.0]}, geometry=[Point(50, 5)], crs=CRS)
    w2 = worker_points(net, pois, uploaded=up)
    by2 = w2.groupby("group")["weight"].sum()
    assert by2["delivery"] == 12.0 and by2["sanitation"] == pytest.approx(3.0)
    assert (w2.loc[w2["group"] == "delivery", "source"] == "planner's layer").all()
    t = weights_table()
    assert {"group", "source", "tag", "weight", "why"} <= set(t.columns) and (t["group"] == "drivers").sum() >= 4
    with pytest.raises(LayerError, match="人数"):
        upload_points(up.assign(count=[-1.0]), CRS)


def test_street_display_names():
    assert street_names(np.array(["天目山路 Tian Mu Shan Road", "", "甲路;乙路", "Cu"], dtype=object)).tolist() == \
        ["天目山路", "无名道路", "甲路", "Cu"]


def test_cli_coverage_for_workers(tmp_path, capsys):
    """`servicecircle coverage --for workers` on the sample city: summary by group and GeoPackage layers."""
    import pyogrio

    from cli.main import main

    up = tmp_path / "workers.csv"
    up.write_text("类型,人数,经度,纬度\n环卫工人,30,120.1690,30.2630\n外卖小哥,8,120.1700,30.2700\n", encoding="utf-8")
    out = tmp_path / "w.gpkg"
    assert main(["coverage", "--for", "workers", "--workers", str(up), "--radius", "800", "--out", str(out),
                 "--lang", "en"]) == 0
    text = capsys.readouterr().out
    for needle in ("within 800 m along the network", "sanitation workers", "delivery riders / couriers",
                   "bus / taxi drivers", "Busy streets (primary/secondary/tertiary) with no station in reach"):
        assert needle in text, needle
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"worker_workers", "worker_stations", "worker_busy_gaps", "worker_reach", "worker_groups",
            "worker_busy_streets", "worker_weights", "metadata"} <= layers
    groups = pyogrio.read_dataframe(out, layer="worker_groups").set_index("group")
    assert groups.loc["sanitation", "workers"] == 30 and groups.loc["delivery", "workers"] == 8  # uploaded counts
    assert groups.loc["drivers", "workers"] > 0  # still the OSM estimate
    meta = pyogrio.read_dataframe(out, layer="metadata").set_index("key")["value"]
    assert meta["reach_m"] == "800"
    assert main(["coverage", "--for", "workers", "--radius", "-5", "--out", str(out)]) == 2
