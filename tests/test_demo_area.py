"""Demonstration-area figures from a real coverage run on a hand-built street (hand-checked sums)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from analysis.coverage import run_coverage
from analysis.demo_area import center_standard_counts, demo_area_figures
from analysis.params import WalkParams
from geo.network import WalkNetwork

CRS = "EPSG:32651"


@pytest.fixture
def setup():
    net = WalkNetwork.from_lines(gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (3000, 0)])], crs=CRS))
    centers = gpd.GeoDataFrame({
        "id": ["C1", "C2"], "name": ["示范中心", "普通中心"], "demonstration": [True, False],
        "func_convenience": [True, True], "func_office": [True, False], "func_activity": [True, True],
    }, geometry=[shapely.Point(200, 5), shapely.Point(2800, 5)], crs=CRS)
    # 8 min at 4.5 km/h = 600 m: homes at 100, 500 (covered by C1), 1500 (no), 2500 (covered by C2)
    demand = gpd.GeoDataFrame({"population": [100.0, 200.0, 400.0, 800.0]},
                              geometry=[shapely.Point(x, 10) for x in (100, 500, 1500, 2500)], crs=CRS)
    area = gpd.GeoDataFrame({"id": ["A1"], "name": ["西段示范区"]},
                            geometry=[shapely.box(0, -500, 1000, 500)], crs=CRS)       # 1 km²
    units = gpd.GeoDataFrame({"name": ["甲", "乙", "丙"]}, geometry=[shapely.Point(x, 20) for x in (300, 900, 2000)], crs=CRS)
    grids = gpd.GeoDataFrame({"households": [300.0, 500.0]},
                             geometry=[shapely.box(0, -100, 1000, 100), shapely.box(500, -100, 1500, 100)], crs=CRS)
    comms = gpd.GeoDataFrame({"name": ["东社区", "西社区"]},
                             geometry=[shapely.box(0, -500, 1500, 500), shapely.box(1500, -500, 3000, 500)], crs=CRS)
    res = run_coverage(net, centers, demand, WalkParams())
    return res, area, units, grids, comms


def test_area_figures_and_sums(setup):
    res, area, units, grids, comms = setup
    f = demo_area_figures(area, res, units=units, grids=grids, communities=comms).iloc[0]
    assert f["area_km2"] == pytest.approx(1.0)
    assert f["residents"] == 300 and f["covered_inside"] == 300 and f["share_inside"] == 1.0
    assert f["residents"] + f["residents_outside"] == pytest.approx(res.summary.total_pop) == 1500
    assert f["covered_outside"] == 800 and f["share_outside"] == pytest.approx(800 / 1200)
    assert f["n_units"] == 2 and f["n_centers"] == 1
    assert f["n_demonstration_centers"] == 1 and f["n_standardised_centers"] == 1
    assert f["households"] == pytest.approx(300 + 500 / 2)      # half of the second grid lies inside
    assert f["n_communities"] == 1 and f["communities"] == "东社区"


def test_whole_study_counts(setup):
    res = setup[0]
    assert center_standard_counts(res.centers) == {"n_centers": 2, "n_demonstration": 1, "n_standardised": 1}
