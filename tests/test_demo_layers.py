"""Illustrative demo layers in data/demo (示例数据，非真实点位): flags, geometry rules, gaps, freshness."""

from __future__ import annotations

import importlib.util
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.audit import audit_red_stations, audit_service_centers
from analysis.population import estimate_population
from geo.osm_features import load_osm_features
from geo.readers import read_layer
from geo.schemas import STATION_AMENITIES

from conftest import ROOT, SAMPLE_PBF

DEMO = ROOT / "data" / "demo"
FILES = ("grids", "communities", "service_centers", "red_stations", "candidates")
UTM = "EPSG:32651"
BUSY = ("primary", "secondary", "tertiary")


def _load(stem: str) -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO / f"{stem}.geojson").to_crs(UTM)


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {s: _load(s) for s in FILES}


@pytest.fixture(scope="module")
def edges(hangzhou):
    return hangzhou.edges_gdf()


def _street_distance(points: gpd.GeoSeries, lines: gpd.GeoSeries) -> np.ndarray:
    return shapely.STRtree(lines.to_numpy()).query_nearest(points.to_numpy(), return_distance=True)[1]


def test_every_feature_is_flagged_demo_and_in_wgs84():
    for stem in FILES:
        doc = json.loads((DEMO / f"{stem}.geojson").read_text(encoding="utf-8"))
        assert doc["type"] == "FeatureCollection" and doc["features"], stem
        assert "示例数据" in doc["note"]
        for ft in doc["features"]:
            assert ft["properties"]["demo"] is True, stem
        xy = np.array([c for ft in doc["features"] for c in _coords(ft["geometry"])])
        tol = 1e-5  # ≈ 1 m: 10 cm snapping and 7-decimal rounding at the extract's edge
        assert (xy[:, 0] >= 120.1 - tol).all() and (xy[:, 0] <= 120.1851 + tol).all(), stem
        assert (xy[:, 1] >= 30.23 - tol).all() and (xy[:, 1] <= 30.2963 + tol).all(), stem
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "示例数据，非真实点位" in readme and "scripts/make_demo_layers.py" in readme


def _coords(geom: dict) -> list:
    return shapely.get_coordinates(shapely.from_geojson(json.dumps(geom))).tolist()


def test_grids_do_not_overlap_and_have_planning_sizes(layers, hangzhou):
    g = layers["grids"]
    assert 60 <= len(g) <= 120
    assert g["grid_id"].is_unique and g["grid_id"].str.fullmatch(r"G\d{3}").all()
    assert g.is_valid.all() and set(g.geom_type) == {"Polygon"}
    km2 = g.area / 1e6
    assert km2.min() >= 0.05 and km2.max() <= 0.8
    assert 0.2 <= km2.median() <= 0.5 or 0.15 <= km2.mean() <= 0.5
    geoms = g.geometry.to_numpy()
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = a < b
    overlap = shapely.area(shapely.intersection(geoms[a[keep]], geoms[b[keep]]))
    # shared borders only: what remains is coordinate rounding (≤ 1 cm) along the borders
    assert overlap.sum() < 1e-5 * g.area.sum() and overlap.max() < 20.0
    assert g["name"].str.contains("社区第").all() and g["name"].str.endswith("网格").all()


def test_grids_are_on_land(layers, hangzhou):
    feats = load_osm_features(SAMPLE_PBF)
    water = feats.water[feats.water["kind"] == "area"].to_crs(UTM)
    lake = water[water["name"] == "西湖"].geometry.iloc[0]
    g = layers["grids"]
    # only coordinate rounding along the shore (measured ≈ 12 m² over kilometres of shoreline)
    assert shapely.area(shapely.intersection(g.geometry.to_numpy(), lake)).sum() < 100.0
    wet = shapely.area(shapely.intersection(g.geometry.to_numpy(), shapely.union_all(water.geometry.to_numpy())))
    assert wet.sum() < 500.0


def test_grid_population_is_the_estimate_inside(layers, hangzhou, edges):
    g = layers["grids"]
    demand = estimate_population(load_osm_features(SAMPLE_PBF), hangzhou.crs, edges.geometry)
    gi, di = shapely.STRtree(demand.geometry.to_numpy()).query(g.geometry.to_numpy(), predicate="contains")
    pop = np.bincount(gi, weights=demand["population"].to_numpy()[di], minlength=len(g))
    assert np.abs(g["population"].to_numpy() - pop).max() <= 1.0
    assert g["population"].sum() == pytest.approx(pop.sum(), rel=0.01)
    assert np.allclose(g["households"], g["population"] / 2.6, atol=1.0)
    assert (g["population"] > 0).mean() > 0.9


def test_communities_are_unions_of_their_grids(layers):
    g, c = layers["grids"], layers["communities"]
    assert 8 <= len(c) <= 16 and c["name"].is_unique
    assert c["name"].str.endswith("社区").all() and c["street"].str.endswith("街道").all()
    sizes = g.groupby("community").size()
    assert set(sizes.index) == set(c["name"])
    assert sizes.min() >= 4 and sizes.max() <= 9
    for _, row in c.iterrows():
        mine = g[g["community"] == row["name"]]
        assert mine.area.sum() == pytest.approx(row.geometry.area, rel=1e-3)
        assert row.geometry.buffer(1.0).contains(mine.geometry).all()
        assert row["population"] == pytest.approx(mine["population"].sum(), abs=len(mine))
        assert (mine["street"] == row["street"]).all()
    assert c["population"].sum() == g["population"].sum()


def test_service_centers_near_streets_with_deliberate_gaps(layers, edges):
    s, c = layers["service_centers"], layers["communities"]
    assert 9 <= len(s) <= 14 and s["id"].is_unique
    assert set(s["level"]) == {"街道", "社区"} and (s["level"] == "街道").sum() == 2
    assert s["name"].str.endswith("党群服务中心").all()
    assert (_street_distance(s.geometry, edges.geometry) <= 50.0).all()
    # deliberate gaps: some communities have no community-level center
    served = set(s.loc[s["level"] == "社区", "community"])
    assert 1 <= len(set(c["name"]) - served) <= 5
    located = gpd.sjoin(s[["community", "geometry"]], c[["name", "geometry"]], predicate="within")
    assert (located["community"] == located["name"]).mean() >= 0.9
    audit = audit_service_centers(s.to_crs(4326))
    assert (audit["n_basic"] < 3).sum() == 3
    # issue 15 (default standard from the documents): only a missing basic function fails a center
    assert ((~audit["complete"]) == (audit["n_basic"] < 3)).all() and audit["complete"].sum() >= 4
    assert s["demonstration"].dtype == bool and s["demonstration"].any()
    hours = s["opening_hours"].str.fullmatch(r"\d\d:\d\d-\d\d:\d\d")
    assert hours.all()


def test_red_stations_beside_busy_streets_with_some_amenities_missing(layers, edges):
    r = layers["red_stations"]
    assert 15 <= len(r) <= 25 and r["name"].is_unique
    assert r["name"].str.contains("红色驿站").all() and (r["host_unit"] != "").all()
    busy = edges.geometry[edges["highway"].isin(BUSY)]
    assert (_street_distance(r.geometry, busy) <= 30.0).all()
    cols = [k for k, _, _ in STATION_AMENITIES]
    assert all(r[k].dtype == bool for k in cols)
    audit = audit_red_stations(r.to_crs(4326))
    assert audit["complete"].sum() >= 2 and (~audit["complete"]).sum() >= 5
    d = np.array([r.distance(p).to_numpy() for p in r.geometry])
    np.fill_diagonal(d, np.inf)
    assert d.min() >= 400.0


def test_candidates(layers, edges):
    k, s, c = layers["candidates"], layers["service_centers"], layers["communities"]
    assert 30 <= len(k) <= 50 and k["id"].is_unique and k["name"].is_unique
    assert (k["area_m2"] > 0).all() and (k["kind"] != "").all()
    assert (_street_distance(k.geometry, edges.geometry) <= 50.0).all()
    gaps = set(c["name"]) - set(s.loc[s["level"] == "社区", "community"])
    assert k["community"].isin(gaps).sum() >= 5


@pytest.mark.parametrize("stem,layer_type", [("grids", "grids"), ("communities", "communities"),
                                              ("service_centers", "centers"), ("red_stations", "stations"),
                                              ("candidates", "candidates")])
def test_layers_read_cleanly_with_the_project_schema(stem, layer_type):
    res = read_layer(DEMO / f"{stem}.geojson", layer_type)
    assert len(res.gdf) == len(_load(stem))
    assert not res.report.errors, [p for p in res.report.errors][:3]


def test_committed_files_match_a_fresh_deterministic_build(tmp_path):
    spec = importlib.util.spec_from_file_location("make_demo_layers", ROOT / "scripts" / "make_demo_layers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--out", str(tmp_path)]) == 0
    for stem in FILES:
        fresh = (tmp_path / f"{stem}.geojson").read_bytes()
        assert fresh == (DEMO / f"{stem}.geojson").read_bytes(), (
            f"data/demo/{stem}.geojson is stale or the build is not deterministic: "
            f"run .venv/bin/python scripts/make_demo_layers.py and commit the result"
        )
