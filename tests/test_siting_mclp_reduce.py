"""Exact MCLP reductions (LP reduced-cost fixing, restricted + merged model) against brute force."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.siting.highs_model import solve_highs
from analysis.siting.lagrangian import covered_weight
from analysis.siting.mclp_reduce import (lagrangian_keep, lagrangian_value, lp_bound, mclp_milp, multistart_tabu,
                                         restrict_columns, start_vector, support_start)
from analysis.siting.problem import CoverageProblem, reduce_coverage
from analysis.siting.solvers import _mclp_fixing, solve_mclp


def random_cover(seed: int, n_rows: int, n_cols: int, density: float) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.random((n_rows, n_cols)) < density
    a[np.arange(n_rows), rng.integers(0, n_cols, n_rows)] = True  # every row coverable
    return sp.csr_matrix(a), rng.integers(1, 50, n_rows).astype(float)


def all_values(cover: sp.csr_matrix, w: np.ndarray, k: int) -> dict[tuple[int, ...], float]:
    n = cover.shape[1]
    c = cover.astype(np.float64)
    return {s: covered_weight(c, w, np.array(s, dtype=np.int64)) for s in combinations(range(n), min(k, n))}


def lp(cover: sp.csr_matrix, w: np.ndarray, k: int):
    m = mclp_milp(cover, w, k)
    m.pop("integer")
    run = solve_highs(**m, integer=None, maximize=True, time_limit_s=30.0,
                      options={"solver": "ipm", "run_crossover": "on"})
    assert run.status == "optimal" and run.col_dual is not None
    return run


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), n_rows=st.integers(3, 40), n_cols=st.integers(2, 9), k=st.integers(1, 4),
       density=st.floats(0.1, 0.6), pick=st.integers(0, 10_000), first_seed=st.integers(0, 1000))
def test_lp_by_columns_bound_and_fixing_keep_every_better_solution(seed, n_rows, n_cols, k, density, pick,
                                                                    first_seed):
    cover, w = random_cover(seed, n_rows, n_cols, density)
    values = all_values(cover, w, k)
    first = np.random.default_rng(first_seed).random(n_cols) < 0.4
    first[0] = True
    res = lp_bound(cover, w, k, first, time_limit_s=30.0)
    assert res is not None and res.complete
    assert res.bound >= max(values.values()) - 1e-6  # a proven upper bound ...
    assert res.bound == pytest.approx(lp(cover, w, k).objective, rel=1e-7, abs=1e-6)  # ... the LP optimum
    assert lagrangian_value(cover.astype(np.float64).tocsc(), w, res.lam, k)[0] == pytest.approx(res.bound)
    incumbent = sorted(values.values())[pick % len(values)]  # any feasible value, not only good ones
    keep = lagrangian_keep(res.prices, res.bound, k, incumbent)
    for s, v in values.items():
        if v > incumbent + 1e-6:
            assert keep[list(s)].all(), (s, v, incumbent)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), n_rows=st.integers(1, 30), n_cols=st.integers(1, 7), k=st.integers(1, 3),
       lam_seed=st.integers(0, 1000))
def test_lagrangian_value_bounds_every_solution_for_any_multipliers(seed, n_rows, n_cols, k, lam_seed):
    cover, w = random_cover(seed, n_rows, n_cols, 0.4)
    lam = np.random.default_rng(lam_seed).uniform(-5, 60, n_rows)  # clipped to [0, w] inside
    bound, c = lagrangian_value(cover.astype(np.float64).tocsc(), w, lam, k)
    assert bound >= max(all_values(cover, w, k).values()) - 1e-9


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), n_rows=st.integers(1, 40), n_cols=st.integers(2, 8), k=st.integers(1, 3),
       density=st.floats(0.05, 0.6), mask_seed=st.integers(0, 1000))
def test_restricted_model_values_equal_the_parent_values(seed, n_rows, n_cols, k, density, mask_seed):
    cover, w = random_cover(seed, n_rows, n_cols, density)
    keep = np.random.default_rng(mask_seed).random(n_cols) < 0.6
    keep[0] = True
    rm = restrict_columns(cover, w, keep)
    assert list(rm.cols) == list(np.flatnonzero(keep))
    assert rm.n_rows <= n_rows and rm.weights.sum() <= w.sum() + 1e-9
    assert len({tuple(r) for r in rm.cover.toarray()}) == rm.n_rows  # merged: no two rows alike
    assert (np.diff(rm.cover.indptr) > 0).all()  # no row without a kept column
    kk = min(k, rm.n_cols)
    for s in combinations(range(rm.n_cols), kk):
        sub = covered_weight(rm.cover.astype(np.float64), rm.weights, np.array(s))
        parent = covered_weight(cover.astype(np.float64), w, rm.cols[list(s)])
        assert sub == pytest.approx(parent)
        full = start_vector(rm.cover, np.array(s))
        assert full[: rm.n_cols].sum() == kk and full[rm.n_cols:] @ rm.weights == pytest.approx(sub)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), n_rows=st.integers(5, 60), n_cols=st.integers(3, 10), k=st.integers(1, 4),
       density=st.floats(0.1, 0.5))
def test_exact_plain_path_matches_brute_force(seed, n_rows, n_cols, k, density):
    cover, w = random_cover(seed, n_rows, n_cols, density)
    opt = max(all_values(cover, w, k).values())
    greedy = np.arange(min(k, n_cols))  # a poor start, so fixing and the MIP have work to do
    cols, obj, bound, status = _fixing_path(cover, w, k, greedy)
    assert status == "optimal"
    assert obj == pytest.approx(opt) and bound >= opt - 1e-6
    assert len(cols) <= k and covered_weight(cover.astype(np.float64), w, cols) == pytest.approx(obj)


def _fixing_path(cover, w, k, start):
    from analysis.siting.problem import ReducedCoverage

    red = ReducedCoverage(cover=sp.csr_matrix(cover), weights=w, counts=np.ones(len(w)),
                          cand_of_col=np.arange(cover.shape[1]), row_of_demand=np.arange(len(w)), fixed_weight=0.0,
                          uncoverable=np.zeros(len(w), bool), n_dominated=0)
    return _mclp_fixing(red, k, start, 30.0, 1e-6)


def test_fractional_lp_instance_goes_through_fixing_and_the_mip():
    """A seeded instance whose LP is fractional: the plain path (fixing, restricted MIP) finds the optimum."""
    cover, w = random_cover(11, 60, 10, 0.3)
    k = 3
    run = lp(cover, w, k)
    x = run.x[:10]
    assert np.any(np.minimum(x, 1 - x) > 1e-6)  # fractional: the LP alone proves nothing here
    values = all_values(cover, w, k)
    opt = max(values.values())
    assert run.bound > opt + 1e-6  # a real LP gap
    cols, obj, bound, status = _fixing_path(cover, w, k, np.array([0, 1, 2]))
    assert status == "optimal" and obj == pytest.approx(opt) and bound == pytest.approx(opt, rel=1e-6)


def test_multistart_tabu_and_support_start():
    cover, w = random_cover(5, 50, 9, 0.3)
    run = lp(cover, w, 3)
    s = support_start(cover, w, 3, run.x[:9])
    assert len(s) <= 3 and set(s) <= set(np.flatnonzero(run.x[:9] > 1e-6))
    cols, v = multistart_tabu(cover, w, 3, [s, np.array([0])], time_limit_s=5.0, steps=50)
    assert len(cols) == 3 and v == pytest.approx(covered_weight(cover.astype(np.float64), w, cols))
    assert v == pytest.approx(max(all_values(cover, w, 3).values()))  # tiny: tabu reaches the optimum


@pytest.mark.parametrize("seed", range(6))
def test_reduced_and_unreduced_models_have_the_same_optimum(seed):
    """reduce_coverage (existing-covered rows, uncoverable rows, merged rows, dominated columns) is exact:
    the MILP on the raw cover matrix, solve_mclp and brute force agree."""
    rng = np.random.default_rng(seed)
    n_d, n_c, k = 80, 9, 3
    cost = rng.uniform(0, 1500, (n_d, n_c))
    cost[rng.random((n_d, n_c)) < 0.5] = np.inf
    cost[:, 8] = np.where(cost[:, 7] <= 600, cost[:, 7], np.inf)  # candidate 8 covers a subset of 7's demand
    w = rng.integers(0, 20, n_d).astype(float)
    existing = rng.uniform(0, 3000, (n_d, 1))
    p = CoverageProblem.from_cost_matrix(cost, w, 600.0, existing_cost=existing)
    red = reduce_coverage(p)
    assert red.n_dominated >= 1 and red.n_rows < n_d
    brute = max(p.covered_weight(c) for c in combinations(range(n_c), k))
    free = ~p.covered_by_existing
    raw = sp.csr_matrix(p.cover[free])
    m = mclp_milp(raw, w[free], k)
    integer = m.pop("integer")
    run = solve_highs(**m, integer=integer, maximize=True, time_limit_s=30.0, options={"mip_rel_gap": 0.0})
    assert run.status == "optimal"
    assert run.objective + red.fixed_weight == pytest.approx(brute)
    s = solve_mclp(p, k, solver="exact")
    assert s.status == "optimal" and s.covered_weight == pytest.approx(brute)


def test_large_model_path_reports_a_finite_proven_bound():
    """A model above FULL_MIP_MAX_NNZ goes through _mclp_fixing; with a limit too short for its LP
    the Lagrangian fallback still proves a bound, and a longer one returns a bound >= the objective."""
    from analysis.siting.solvers import FULL_MIP_MAX_NNZ

    rng = np.random.default_rng(4)
    n_d, n_c = 6000, 500
    d = rng.integers(0, n_d, 70_000)
    c = rng.integers(0, n_c, 70_000)
    prob = CoverageProblem.from_pairs(d, c, rng.uniform(0, 900, len(d)), rng.uniform(1, 50, n_d), 850.0, n_c)
    assert reduce_coverage(prob).cover.nnz > FULL_MIP_MAX_NNZ
    greedy = solve_mclp(prob, 6, solver="greedy")
    for limit in (0.05, 8.0):
        sol = solve_mclp(prob, 6, solver="exact", time_limit_s=limit)
        assert np.isfinite(sol.covered_weight_bound) and sol.covered_weight_bound >= sol.covered_weight - 1e-6
        assert sol.covered_weight >= greedy.covered_weight - 1e-6
        assert sol.covered_weight == pytest.approx(prob.covered_weight(sol.chosen))
