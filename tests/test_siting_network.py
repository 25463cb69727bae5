"""Siting on a network: candidates, exclusion, worker demand, run_siting and the CLI."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import LineString, Point

from analysis.params import WalkParams
from analysis.siting.api import SitingParams, run_siting
from analysis.siting.candidates import generate_candidates, thin_by_spacing
from analysis.siting.workers import poi_weight, weights_table, worker_demand
from cli.main import main
from geo.errors import ParameterError
from geo.network import WalkNetwork

CRS = "EPSG:32651"
X0, Y0 = 500000.0, 3350000.0


def _street_network() -> WalkNetwork:
    """A 3 km main road (东大街, primary, 100 m segments) and a 300 m lane (小巷, footway) at x=1500."""
    lines, hw, names = [], [], []
    for i in range(30):
        lines.append(LineString([(X0 + 100 * i, Y0), (X0 + 100 * (i + 1), Y0)]))
        hw.append("primary")
        names.append("东大街")
    for j in range(3):
        lines.append(LineString([(X0 + 1500, Y0 + 100 * j), (X0 + 1500, Y0 + 100 * (j + 1))]))
        hw.append("footway")
        names.append("")
    gdf = gpd.GeoDataFrame({"highway": hw, "name": names}, geometry=lines, crs=CRS)
    return WalkNetwork.from_lines(gdf)


def _pts(xs, ys=None, **cols) -> gpd.GeoDataFrame:
    ys = [0.0] * len(xs) if ys is None else ys
    return gpd.GeoDataFrame(cols, geometry=[Point(X0 + x, Y0 + y) for x, y in zip(xs, ys)], crs=CRS)


def test_thinning_keeps_spacing_and_is_maximal():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1000, 400), rng.uniform(0, 1000, 400)
    rank = rng.integers(0, 5, 400)
    keep = thin_by_spacing(x, y, rank, 80.0)
    kx, ky = x[keep], y[keep]
    d = np.hypot(kx[:, None] - kx, ky[:, None] - ky) + np.eye(len(keep)) * 1e9
    assert d.min() >= 80.0
    dropped = np.setdiff1d(np.arange(400), keep)
    dd = np.hypot(x[dropped][:, None] - kx, y[dropped][:, None] - ky)
    assert (dd.min(axis=1) < 80.0).all()  # nothing more could be added


def test_generated_candidates_on_chosen_classes_only():
    net = _street_network()
    c = generate_candidates(net, street_classes=("primary",), spacing_m=250.0)
    assert (c.geometry.y == Y0).all()  # none on the footway
    xs = np.sort(c.geometry.x.to_numpy())
    assert np.diff(xs).min() >= 250.0 and len(c) >= 10
    assert set(c["street"]) == {"东大街"}
    with pytest.raises(ParameterError, match="choose other street classes"):
        generate_candidates(net, street_classes=("motorway",))


def test_run_siting_centers_existing_fixed_and_exclusion():
    net = _street_network()
    # residents every 50 m along the main road, 100 each; an existing center at x=0
    demand = _pts(np.arange(25, 3000, 50), population=np.full(60, 100.0))
    existing = _pts([0.0], name=["老中心"])
    # K01 at 100 m is within 200 m of the existing center: excluded; K02..K04 spread along the road
    cands = _pts([100.0, 1200.0, 1500.0, 2600.0], name=["近旧点", "A", "B", "C"],
                 candidate_id=["K01", "K02", "K03", "K04"])
    params = SitingParams(walk=WalkParams(minutes=4.0, speed_kmh=4.5), min_distance_to_existing_m=200.0)  # 300 m
    r = run_siting(net, "center", existing, demand, cands, 2, params=params)
    status = dict(zip(r.candidates["candidate_id"], r.candidates["status"]))
    assert status["K01"].startswith("excluded: within 200 m")
    assert set(r.sites["candidate_id"]) in ({"K02", "K04"}, {"K03", "K04"})
    # each new site covers 12 points (600 m of road) = 1,200 residents; the existing one 6 points
    assert r.summary.covered_before == pytest.approx(600.0)
    assert r.summary.covered_after == pytest.approx(600.0 + 2 * 1200.0)
    assert r.sites["marginal"].tolist() == [1200.0, 1200.0]
    assert (r.sites["street"] == "东大街").all()
    assert r.summary.status == "optimal" and r.summary.n_excluded == 1
    assert set(r.isochrones["site_id"]) == set(r.sites["site_id"])
    assert (r.demand["covered_after"] >= r.demand["covered_before"]).all()


def test_run_siting_refuses_when_no_candidate_left():
    net = _street_network()
    with pytest.raises(ParameterError, match="No candidate site is left"):
        run_siting(net, "center", _pts([0.0]), _pts([500.0], population=[5.0]), _pts([50.0]), 1)
    with pytest.raises(ParameterError, match="at least 1"):
        run_siting(net, "center", None, _pts([500.0], population=[5.0]), _pts([50.0]), 0)


def test_worker_demand_weights_from_class_and_pois():
    net = _street_network()
    pois = _pts([150.0, 160.0, 1550.0], [20.0, 30.0, 500.0],
                amenity=["restaurant", "", "marketplace"], shop=["", "convenience", ""], office=["", "", ""])
    assert poi_weight(pois).tolist() == [1.0, 1.0, 5.0]
    d = worker_demand(net, pois)
    seg = d.set_index("edge")
    e = int(np.flatnonzero((net.edge_highway == "primary") & (np.minimum(net.node_x[net.edge_u], net.node_x[net.edge_v]) == X0 + 100))[0])
    assert seg.loc[e, "poi_weight"] == pytest.approx(2.0)  # restaurant + convenience store
    assert seg.loc[e, "class_weight"] == pytest.approx(0.3)  # 100 m of primary at 3.0 / km
    assert d["poi_weight"].sum() == pytest.approx(2.0)  # the market is 400 m from any street: ignored
    assert "highway=primary" in set(weights_table()["tag"])


def test_cli_site_writes_gpkg(tmp_path, capsys):
    out = tmp_path / "site.gpkg"
    assert main(["site", "--k", "3", "--out", str(out), "--lang", "en"]) == 0
    sites = gpd.read_file(out, layer="sites")
    assert len(sites) == 3 and sites["rank"].tolist() == [1, 2, 3]
    assert sites["marginal"].is_monotonic_decreasing
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"sites", "candidates", "isochrones", "grids", "community_table", "metadata"} <= layers
    text = capsys.readouterr().out
    assert "optimality gap 0.000%" in text and "NEW03" in text


def test_cli_red_station_greedy_and_bad_k(tmp_path, capsys):
    out = tmp_path / "red.gpkg"
    assert main(["site", "--kind", "red-station", "--generate", "--k", "2", "--solver", "greedy",
                 "--out", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    # issue 15: red-station demand is outdoor workers by group, with the weights shown
    assert "Outdoor workers (persons" in text and "bus / taxi drivers: amenity=bus_station 20" in text
    assert "greedy (no optimality proof)" in text
    assert len(gpd.read_file(out, layer="sites")) == 2
    assert main(["site", "--k", "0", "--out", str(tmp_path / "x.gpkg")]) == 2
    assert "from 1 to 1,000" in capsys.readouterr().err  # cli.options states the allowed range


def test_prepared_inputs_reused_for_k_lscp_and_pmedian():
    from analysis.siting.api import prepare_siting, solve_siting

    net = _street_network()
    demand = _pts(np.arange(25, 3000, 50), population=np.full(60, 100.0))
    params = SitingParams(walk=WalkParams(minutes=4.0), min_distance_to_existing_m=0.0, spacing_m=300.0)
    cands = _pts(np.arange(0.0, 3001.0, 100.0))
    inputs = prepare_siting(net, "center", None, demand, cands, params=params)
    covered = [solve_siting(net, inputs, k).summary.covered_after for k in (1, 2, 3)]
    assert covered == [1200.0, 2400.0, 3600.0]
    lscp = solve_siting(net, inputs, None, problem="lscp")
    assert lscp.summary.covered_after == pytest.approx(6000.0)  # every resident is coverable
    assert lscp.summary.n_new_sites == 5  # 3 km of road / 600 m per site (e.g. at 300, 900, ... 2700 m)
    assert lscp.summary.status == "optimal"
    pm_inputs = prepare_siting(net, "center", None, demand, cands, problem="pmedian", params=params)
    pm = solve_siting(net, pm_inputs, 2, problem="pmedian")
    assert pm.summary.mean_min_after < pm.summary.mean_min_before
    with pytest.raises(ParameterError, match="prepare them with problem='pmedian'"):
        solve_siting(net, inputs, 2, problem="pmedian")


def test_red_station_demand_and_generated_candidates_stay_in_the_study_area():
    """With grids given, worker demand and generated candidates lie inside them (sample city)."""
    from analysis.sample_city import load_sample_city
    from analysis.siting.api import SitingParams, prepare_siting

    study = load_sample_city()
    inputs = prepare_siting(study.network, "red-station", None, None, None, params=SitingParams(),
                            pois=study.features.pois, study_area=study.grids)
    area = study.grids.to_crs(study.network.crs).geometry.union_all().buffer(1.0)
    assert len(inputs.demand) > 100
    assert inputs.demand.geometry.within(area).all()
    assert inputs.candidates.geometry.representative_point().within(area).all()
