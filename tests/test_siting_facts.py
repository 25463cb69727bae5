"""Siting with building facts: budget, minimum floor area, state-owned idle preference.

Checked against brute force (itertools.combinations) on small instances, exact and greedy.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from analysis.siting.api import SitingParams, run_siting
from analysis.siting.facts import STATE_IDLE_BONUS_SHARE, state_idle_bonus
from analysis.siting.problem import CoverageProblem
from analysis.siting.solvers import solve_mclp
from geo.errors import ParameterError
from geo.network import WalkNetwork

CRS = "EPSG:32651"


def _random_problem(seed: int, n_dem: int = 18, n_cand: int = 8) -> tuple[CoverageProblem, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cost_m = np.where(rng.random((n_dem, n_cand)) < 0.3, rng.uniform(0, 100, (n_dem, n_cand)), np.inf)
    w = rng.integers(1, 20, n_dem).astype(float)
    existing = np.where(rng.random((n_dem, 1)) < 0.15, 10.0, np.inf)
    p = CoverageProblem.from_cost_matrix(cost_m, w, 100.0, existing_cost=existing)
    cost = rng.integers(5, 40, n_cand).astype(float)
    area = rng.integers(50, 400, n_cand).astype(float)
    return p, cost, area


def _brute(p: CoverageProblem, k: int, allowed, cost, budget, bonus=None) -> float:
    """Best covered weight (+ bonus) over all sets of at most k allowed candidates within the budget."""
    bonus = np.zeros(p.n_candidates) if bonus is None else bonus
    best = p.covered_weight([])
    for r in range(1, k + 1):
        for c in itertools.combinations(allowed, r):
            if cost[list(c)].sum() <= budget + 1e-9:
                best = max(best, p.covered_weight(c) + bonus[list(c)].sum())
    return best


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4), budget=st.integers(0, 90), min_area=st.integers(0, 300))
def test_budget_and_min_area_against_brute_force(seed, k, budget, min_area):
    p, cost, area = _random_problem(seed)
    # minimum area = exclusion (as run_siting does): too small candidates never enter
    cost_in = np.where(area >= min_area, cost, np.nan)
    allowed = np.flatnonzero(area >= min_area)
    best = _brute(p, k, allowed, cost, budget)
    for solver in ("exact", "greedy"):
        s = solve_mclp(p, k, solver=solver, cost=cost_in, budget=float(budget))
        chosen = s.chosen.tolist()
        assert len(chosen) <= k
        assert cost[chosen].sum() <= budget + 1e-9, (solver, chosen)
        assert (area[chosen] >= min_area).all(), (solver, chosen)
        assert s.covered_weight == pytest.approx(p.covered_weight(chosen))
        if solver == "exact":
            assert s.status == "optimal" or s.status == "trivial"
            assert s.covered_weight == pytest.approx(best)
        else:
            assert s.covered_weight <= best + 1e-9


def test_budget_changes_the_answer_and_greedy_stays_within_it():
    # candidate 0 covers 10 for cost 30; candidates 1, 2 cover 6 each for cost 10
    cov = np.full((3, 3), np.inf)
    cov[0, 0] = cov[1, 1] = cov[2, 2] = 50.0
    p = CoverageProblem.from_cost_matrix(cov, [10.0, 6.0, 6.0], 100.0)
    cost = np.array([30.0, 10.0, 10.0])
    free = solve_mclp(p, 2)  # no budget: the big one plus one of the two equal small ones
    assert 0 in free.chosen and free.covered_weight == 16
    for solver in ("exact", "greedy"):
        s = solve_mclp(p, 2, solver=solver, cost=cost, budget=20.0)
        assert sorted(s.chosen.tolist()) == [1, 2] and s.covered_weight == 12
        s = solve_mclp(p, 2, solver=solver, cost=cost, budget=5.0)
        assert len(s.chosen) == 0 and s.covered_weight == 0
    # unknown cost (NaN) is never chosen under a budget
    s = solve_mclp(p, 1, cost=np.array([np.nan, 10.0, 10.0]), budget=100.0)
    assert s.chosen.tolist() in ([1], [2])


def test_state_idle_preference_rule():
    """Equal coverage: the 国有闲置 building wins (exact and greedy); a clearly better private one still wins."""
    cov = np.full((2, 2), np.inf)
    cov[0, 0] = cov[1, 1] = 50.0
    owner = np.array(["private", "state_idle"], dtype=object)
    equal = CoverageProblem.from_cost_matrix(cov, [5.0, 5.0], 100.0)
    bonus = state_idle_bonus(owner, 10.0)
    assert bonus.tolist() == [0.0, 10.0 * STATE_IDLE_BONUS_SHARE]
    for solver in ("exact", "greedy"):
        assert solve_mclp(equal, 1, solver=solver).covered_weight == 5  # no preference: either is optimal
        assert solve_mclp(equal, 1, solver=solver, bonus=bonus).chosen.tolist() == [1]
    # private covers 5.05 vs 5: more than 0.1 % of the total (10.05) better -> private
    better = CoverageProblem.from_cost_matrix(cov, [5.05, 5.0], 100.0)
    b2 = state_idle_bonus(owner, 10.05)
    for solver in ("exact", "greedy"):
        s = solve_mclp(better, 1, solver=solver, bonus=b2)
        assert s.chosen.tolist() == [0] and s.covered_weight == pytest.approx(5.05)
    # within 0.1 %: state idle
    close = CoverageProblem.from_cost_matrix(cov, [5.005, 5.0], 100.0)
    for solver in ("exact", "greedy"):
        assert solve_mclp(close, 1, solver=solver, bonus=state_idle_bonus(owner, 10.005)).chosen.tolist() == [1]


def test_bad_budget_is_refused():
    p, cost, _ = _random_problem(1)
    with pytest.raises(ParameterError, match="预算"):
        solve_mclp(p, 2, cost=cost, budget=-1.0)
    with pytest.raises(ParameterError, match="cost"):
        solve_mclp(p, 2, budget=10.0)


def _line_network() -> WalkNetwork:
    """One straight street 0..1000 m (4 segments of 250 m) along y = 0."""
    lines = [LineString([(x, 0), (x + 250, 0)]) for x in range(0, 1000, 250)]
    return WalkNetwork.from_lines(gpd.GeoDataFrame({"highway": ["residential"] * 4, "name": ["甲路"] * 4},
                                                   geometry=lines, crs=CRS))


def test_run_siting_reports_why_and_respects_area_and_budget():
    net = _line_network()
    demand = gpd.GeoDataFrame({"population": [100.0, 100.0, 100.0]},
                              geometry=[Point(100, 5), Point(500, 5), Point(900, 5)], crs=CRS)
    cands = gpd.GeoDataFrame(
        {"id": ["A", "B", "C", "D"], "name": ["私人商铺", "国有闲置房", "小房", "无费用"],
         "owner_type": ["private", "state_idle", "state_idle", None],
         "area_m2": [300.0, 300.0, 40.0, 500.0], "cost_wan": [20.0, 20.0, 5.0, np.nan]},
        geometry=[Point(500, 8), Point(510, 8), Point(100, 8), Point(900, 8)], crs=CRS)
    params = SitingParams(min_area_center_m2=100.0, budget_wan=30.0, min_distance_to_existing_m=0.0)
    r = run_siting(net, "center", None, demand, cands, 2, params=params)
    status = dict(zip(r.candidates["candidate_id"], r.candidates["status"]))
    assert status["C"].startswith("excluded: floor area below")
    assert status["D"] == "excluded: no cost (万元) given while a budget is set"
    # A and B cover the same (walk 8 min = 600 m): B (国有闲置) is preferred; budget 30 allows one
    assert r.sites["candidate_id"].tolist() == ["B"]
    site = r.sites.iloc[0]
    assert site["owner_type"] == "state_idle" and site["area_m2"] == 300 and site["cost_wan"] == 20
    assert "国有闲置" in site["reason_zh"] and "300 ㎡" in site["reason_zh"] and "20 万元" in site["reason_zh"]
    assert site["reason_en"].startswith("adds 300 residents")
    assert r.summary.total_cost_wan == 20 and r.summary.budget_wan == 30
    with pytest.raises(ParameterError, match="MCLP"):
        run_siting(net, "center", None, demand, cands, 2, problem="pmedian", params=params)
