"""Siting solvers on hand-made instances with known optima, brute force and spopt agreement."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.siting.greedy import greedy_cover
from analysis.siting.problem import CoverageProblem, dominated_columns, reduce_coverage
from analysis.siting.solvers import solve_lscp, solve_mclp, solve_pmedian
from geo.errors import ParameterError, ServiceCircleError

INF = np.inf


def _from_sets(sets: list[set[int]], weights, existing_covered=(), threshold=100.0) -> CoverageProblem:
    """Candidate j covers the demand points in sets[j] at 50 m; existing sites cover ``existing_covered``."""
    n = len(weights)
    cost = np.full((n, len(sets)), INF)
    for j, s in enumerate(sets):
        cost[list(s), j] = 50.0
    existing = np.full((n, 1), INF)
    existing[list(existing_covered), 0] = 10.0
    return CoverageProblem.from_cost_matrix(cost, weights, threshold, existing_cost=existing)


def _brute_mclp(problem: CoverageProblem, k: int) -> float:
    return max(problem.covered_weight(c) for c in itertools.combinations(range(problem.n_candidates), k))


def test_greedy_is_not_optimal_but_exact_is():
    # left {L1,L2}=6, right {R1,R2}=6, middle {L2,R1,X}=7: greedy takes the middle first (10), optimum 12
    weights = [3, 3, 3, 3, 1]  # L1 L2 R1 R2 X
    p = _from_sets([{0, 1}, {2, 3}, {1, 2, 4}], weights)
    g = solve_mclp(p, 2, solver="greedy")
    e = solve_mclp(p, 2, solver="exact")
    assert g.covered_weight == 10 and g.chosen[0] == 2
    assert e.covered_weight == 12 and e.status == "optimal" and e.gap == 0
    assert sorted(e.chosen.tolist()) == [0, 1]
    assert e.greedy_covered_weight == 10
    assert e.greedy_gap == pytest.approx(2 / 12)
    # marginal gains in greedy order add up to the covered weight
    assert e.marginal.sum() == pytest.approx(12) and list(e.marginal) == [6, 6]


def test_ties_and_identical_candidates():
    # candidates 0 and 1 are identical, 2 covers the same weight elsewhere: any 2 of {0|1, 2} is optimal
    p = _from_sets([{0, 1}, {0, 1}, {2, 3}, {1}], [2, 2, 2, 2])
    red = reduce_coverage(p)
    assert red.cand_of_col.tolist() == [0, 2]  # 1 duplicates 0, 3 is contained in 0
    assert red.n_dominated == 2
    e = solve_mclp(p, 2)
    assert e.covered_weight == 8 and sorted(e.chosen.tolist()) == [0, 2]
    # K larger than useful candidates: only the useful ones are returned
    e3 = solve_mclp(p, 3)
    assert e3.covered_weight == 8 and len(e3.chosen) == 2


def test_existing_sites_are_fixed_and_counted():
    # demand 0 (100 residents) is already covered by an existing site; candidate 0 covers it again
    p = _from_sets([{0}, {1}], [100, 5], existing_covered=[0])
    for solver in ("exact", "greedy"):
        s = solve_mclp(p, 1, solver=solver)
        assert s.chosen.tolist() == [1]
        assert s.covered_weight_before == 100 and s.covered_weight == 105


def test_identical_demand_rows_are_merged():
    p = _from_sets([{0, 1, 2}, {2, 3}], [1, 2, 3, 4])
    red = reduce_coverage(p, drop_dominated=False)
    assert red.n_rows == 3  # rows 0 and 1 have the same candidate set {0}
    assert sorted(red.weights.tolist()) == [3, 3, 4]
    assert red.row_of_demand[0] == red.row_of_demand[1]


def test_dominated_columns_keep_lowest_of_equals():
    import scipy.sparse as sp

    a = sp.csr_matrix(np.array([[1, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]], dtype=bool))
    assert dominated_columns(a).tolist() == [False, True, True, True]


def test_lscp_fewest_sites_and_uncoverable_message():
    # demand 4 (7 residents) is covered by no candidate
    p = _from_sets([{0, 1}, {1, 2}, {2, 3}, {0, 3}], [1, 1, 1, 1, 7])
    s = solve_lscp(p)
    assert s.n_sites == 2 and s.status == "optimal"
    assert p.covered_mask(s.chosen)[:4].all()
    assert s.n_uncoverable == 1 and s.uncoverable_weight == 7
    assert "No candidate covers 7 residents at 1 demand points" in s.notes[0].text("en")
    with pytest.raises(ParameterError, match="No candidate covers 7 residents"):
        solve_lscp(p, strict=True)


def test_lscp_exact_beats_greedy_set_cover():
    # classic: greedy picks the big middle set first and needs 3; two halves suffice
    p = _from_sets([{0, 1, 2}, {3, 4, 5}, {0, 1, 3, 4}], [1] * 6)
    s = solve_lscp(p)
    assert s.n_sites == 2 and sorted(s.chosen.tolist()) == [0, 1]
    assert s.greedy_n_sites == 3


def test_parameter_errors_say_what_to_do():
    p = _from_sets([{0}], [1])
    with pytest.raises(ServiceCircleError, match="K .* at least 1"):
        solve_mclp(p, 0)
    with pytest.raises(ParameterError, match="'exact' or 'greedy'"):
        solve_mclp(p, 1, solver="cplex")
    with pytest.raises(ParameterError, match="negative"):
        CoverageProblem.from_cost_matrix(np.zeros((1, 1)), [-1], 10)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=3, max_size=12),
    w=st.lists(st.integers(0, 9), min_size=12, max_size=12),
    existing=st.lists(st.booleans(), min_size=12, max_size=12),
    k=st.integers(1, 3),
)
def test_exact_mclp_matches_brute_force(data, w, existing, k):
    cover = np.array(data, dtype=bool)  # demand x 7 candidates
    n = cover.shape[0]
    cost = np.where(cover, 80.0, INF)
    ex = np.where(np.array(existing[:n]), 5.0, INF)[:, None]
    p = CoverageProblem.from_cost_matrix(cost, w[:n], 100.0, existing_cost=ex)
    s = solve_mclp(p, k)
    assert s.covered_weight == pytest.approx(_brute_mclp(p, k))
    assert p.covered_weight(s.chosen) == pytest.approx(s.covered_weight)
    g = solve_mclp(p, k, solver="greedy")
    assert g.covered_weight <= s.covered_weight + 1e-9


def test_pmedian_matches_brute_force():
    rng = np.random.default_rng(3)
    cost = rng.uniform(0, 1000, size=(40, 8))
    w = rng.integers(1, 20, size=40)
    ex = rng.uniform(300, 1200, size=(40, 1))
    p = CoverageProblem.from_cost_matrix(cost, w, 500.0, existing_cost=ex, cutoff_m=1000.0)
    s = solve_pmedian(p, 2, far_m=1000.0)
    base = np.minimum(ex[:, 0], 1000.0)
    best = min(float(w @ np.minimum(base, cost[:, list(c)].min(axis=1))) for c in itertools.combinations(range(8), 2))
    assert s.status == "optimal"
    assert s.weight_metres == pytest.approx(best)
    assert s.greedy_weight_metres >= s.weight_metres - 1e-6
    assert s.weight_metres_before == pytest.approx(float(w @ base))


def test_greedy_incremental_gains_equal_recomputed_gains():
    rng = np.random.default_rng(5)
    cost = np.where(rng.random((200, 30)) < 0.1, 10.0, INF)
    w = rng.integers(1, 50, size=200).astype(float)
    p = CoverageProblem.from_cost_matrix(cost, w, 100.0)
    seq = greedy_cover(p.cover, w, 6)
    covered = np.zeros(200, dtype=bool)
    for j, gain in zip(seq.cols, seq.gains):
        cov = p.cover.toarray()
        fresh = (cov & ~covered[:, None]).T.astype(float) @ w
        assert gain == pytest.approx(fresh.max()) and fresh[j] == pytest.approx(gain)
        covered |= cov[:, j]


def test_agrees_with_spopt_mclp():
    import pulp
    from spopt.locate import MCLP

    rng = np.random.default_rng(11)
    n_dem, n_cand, n_ex = 120, 25, 2
    pts = rng.uniform(0, 3000, size=(n_dem, 2))
    sites = rng.uniform(0, 3000, size=(n_ex + n_cand, 2))
    cost = np.abs(pts[:, None, :] - sites[None, :, :]).sum(axis=2)  # Manhattan metres
    w = rng.integers(1, 100, size=n_dem)
    radius, k = 700.0, 4
    ref = MCLP.from_cost_matrix(cost, w, radius, p_facilities=k + n_ex,
                                predefined_facilities_arr=np.r_[np.ones(n_ex), np.zeros(n_cand)].astype(int))
    ref.solve(pulp.PULP_CBC_CMD(msg=False))
    spopt_obj = pulp.value(ref.problem.objective)
    p = CoverageProblem.from_cost_matrix(cost[:, n_ex:], w, radius, existing_cost=cost[:, :n_ex])
    ours = solve_mclp(p, k)
    assert ours.status == "optimal"
    assert ours.covered_weight == pytest.approx(spopt_obj)
