"""Resident estimate of the sample city (real Hangzhou extract): documented total, exclusions, lattice."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import shapely

from analysis.population import PopulationParams, cell_polygons, estimate_population, walkable_streets
from geo.network import WALKABLE_HIGHWAYS
from geo.osm_features import load_osm_features

from conftest import SAMPLE_PBF

P = PopulationParams()


@pytest.fixture(scope="module")
def feats():
    return load_osm_features(SAMPLE_PBF)


@pytest.fixture(scope="module")
def streets(hangzhou):
    return hangzhou.edges_gdf().geometry


@pytest.fixture(scope="module")
def demand(feats, hangzhou, streets):
    return estimate_population(feats, hangzhou.crs, streets)


def test_columns_crs_and_labels(demand, hangzhou):
    assert demand.crs.to_epsg() == 32651 and str(hangzhou.crs) == "EPSG:32651"
    assert {"demand_id", "population", "method", "is_estimate"} <= set(demand.columns)
    assert demand["is_estimate"].all() and demand.attrs["is_estimate"] is True
    assert demand["demand_id"].is_unique and demand["demand_id"].iloc[0] == "D00001"
    assert set(demand["method"]) == {"building", "built-up"}
    assert (demand["population"] > 0).all()
    assert set(demand.geom_type) == {"Point"}


def test_total_is_the_documented_density_times_populated_land(demand):
    land_km2 = demand["land_m2"].sum() / 1e6
    total = demand["population"].sum()
    assert total == pytest.approx(P.density_per_km2 * land_km2, rel=0.01)
    assert total == pytest.approx(demand.attrs["target_total"], rel=1e-9)
    # the cells' land is what the lattice covers: never more than their own squares
    assert land_km2 <= len(demand) * (P.cell_m / 1000) ** 2 + 1e-9
    # the sample city's own figures (4,323 cells, ≈594,500 residents) are pinned in test_bundled_data.py


def test_cells_sit_on_the_lattice_inside_the_extract(demand):
    x, y = demand.geometry.x.to_numpy(), demand.geometry.y.to_numpy()
    for v in (x, y):
        r = np.mod(v - P.cell_m / 2, P.cell_m)
        assert np.minimum(r, P.cell_m - r).max() < 1e-6
    assert len(np.unique(np.c_[x, y], axis=0)) == len(demand)
    cells = cell_polygons(demand)
    assert np.allclose(cells.area, P.cell_m**2)
    assert cells.contains(demand.geometry).all()
    assert (demand["land_m2"] <= P.cell_m**2 + 1e-6).all()


def test_no_residents_in_west_lake_parks_or_far_from_streets(demand, feats, hangzhou, streets):
    water = feats.water[feats.water["kind"] == "area"].to_crs(hangzhou.crs)
    lake = water[water["name"] == "西湖"].geometry.iloc[0]
    pts = demand.geometry.to_numpy()
    assert not shapely.contains(lake, pts).any()
    assert not shapely.contains(shapely.union_all(water.geometry.to_numpy()), pts).any()
    green = shapely.union_all(feats.green.to_crs(hangzhou.crs).geometry.to_numpy())
    assert not shapely.contains(green, pts).any()
    d = shapely.STRtree(streets.to_numpy()).query_nearest(pts, return_distance=True)[1]
    assert d.max() <= P.max_street_m + 1e-6
    # and the lake's footprint is really empty: no cell centre inside its outline except on islands
    outline = shapely.Polygon(lake.exterior)
    inside = shapely.contains(outline, pts)
    assert inside.sum() < 40  # only cells on 孤山 and the causeways' islands may hold people


def test_non_residential_land_is_down_weighted(demand, feats, hangzhou):
    lu = feats.landuse.to_crs(hangzhou.crs)
    commercial = shapely.union_all(lu.geometry[lu["landuse"].isin(["commercial", "retail", "industrial"])].to_numpy())
    sites = shapely.union_all(lu.geometry[lu["amenity"].isin(["school", "university", "hospital"])].to_numpy())
    residential = shapely.union_all(lu.geometry[lu["landuse"] == "residential"].to_numpy())
    pts = demand.geometry.to_numpy()
    nonres = (shapely.contains(commercial, pts) | shapely.contains(sites, pts)) & ~shapely.contains(residential, pts)
    builtup = demand["method"].eq("built-up").to_numpy()
    assert nonres.sum() >= 10
    per_m2 = demand["population"].to_numpy() / demand["land_m2"].to_numpy()
    assert np.median(per_m2[nonres & builtup]) < 0.2 * np.median(per_m2[~nonres & builtup])


def test_mapped_buildings_drive_building_cells(demand):
    b = demand[demand["method"] == "building"]
    assert 100 <= len(b) <= 2000
    # floor area, not land area: building cells are not all equal
    assert b["population"].std() > 10.0


def test_parameters_change_the_result_as_documented(feats, hangzhou, streets, demand):
    dense = estimate_population(feats, hangzhou.crs, streets, params=replace(P, density_per_km2=2 * P.density_per_km2))
    assert dense["population"].sum() == pytest.approx(2 * demand["population"].sum(), rel=1e-9)
    coarse = estimate_population(feats, hangzhou.crs, streets, params=replace(P, cell_m=200.0))
    assert len(demand) / 5.0 < len(coarse) < len(demand) / 3.0
    near = estimate_population(feats, hangzhou.crs, streets, params=replace(P, max_street_m=60.0))
    assert len(near) < len(demand)


def test_fallback_streets_from_features(feats, hangzhou):
    """Streets derived from the OSM features (timing: benchmarks/bench_unit_timings.py)."""
    s = walkable_streets(feats, hangzhou.crs)
    assert len(s) > 900 and s.crs.to_epsg() == 32651
    assert feats.streets.loc[s.index, "highway"].isin(WALKABLE_HIGHWAYS).all()
    d = estimate_population(feats, hangzhou.crs, s)
    # on this extract the streets from the features keep the same cells as the network's streets
    main = estimate_population(feats, hangzhou.crs, hangzhou.edges_gdf().geometry)
    assert len(d) == len(main) > 0
    assert d["population"].sum() == pytest.approx(main["population"].sum(), rel=1e-9)


def test_study_area_limits_the_cells(feats, hangzhou, streets, demand):
    x0, y0 = demand.geometry.x.median(), demand.geometry.y.median()
    area = shapely.box(x0 - 1000, y0 - 1000, x0 + 1000, y0 + 1000)
    part = estimate_population(feats, hangzhou.crs, streets, study_area=area)
    assert 0 < len(part) <= 400 and shapely.contains(area, part.geometry.to_numpy()).all()
    assert part["population"].sum() == pytest.approx(P.density_per_km2 * part["land_m2"].sum() / 1e6, rel=1e-9)
