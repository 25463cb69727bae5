"""Lagrangian bound, tabu incumbent and column fixing for MCLP, against brute force."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.siting.lagrangian import covered_weight, lagrangian_mclp, tabu_improve


def brute(cover: sp.csr_matrix, w: np.ndarray, k: int) -> dict[tuple[int, ...], float]:
    n = cover.shape[1]
    return {s: covered_weight(cover, w, np.array(s, dtype=np.int64)) for s in combinations(range(n), min(k, n))}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), n_rows=st.integers(3, 40), n_cols=st.integers(2, 9), k=st.integers(1, 4),
       density=st.floats(0.1, 0.6))
def test_bound_incumbent_and_fixing_are_exact(seed, n_rows, n_cols, k, density):
    rng = np.random.default_rng(seed)
    a = rng.random((n_rows, n_cols)) < density
    a[np.arange(n_rows), rng.integers(0, n_cols, n_rows)] = True  # every row coverable
    cover = sp.csr_matrix(a)
    w = rng.integers(1, 50, n_rows).astype(float)
    values = brute(cover, w, k)
    opt = max(values.values())
    r = lagrangian_mclp(cover, w, k, start_cols=np.array([0]), time_limit_s=5.0, max_iter=400, improve_s=0.5)
    assert r.bound >= opt - 1e-6                     # a proven upper bound
    assert r.objective <= opt + 1e-6                 # a feasible solution ...
    assert abs(covered_weight(cover, w, r.cols) - r.objective) < 1e-9  # ... whose value is right
    assert len(r.cols) <= k
    for s, v in values.items():                      # fixing never cuts off a better solution
        if v > r.objective + 1e-6:
            assert not r.fix_zero[list(s)].any()
            assert set(np.flatnonzero(r.fix_one)) <= set(s)


def test_tabu_leaves_a_local_optimum():
    # greedy picks {3, 0} (63): no single swap improves it, but {1, 4} covers 66
    a = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 1], [1, 0, 0, 0, 1],
                  [0, 0, 0, 1, 1], [1, 0, 0, 0, 0]], dtype=bool)
    w = np.array([9, 8, 12, 10, 15, 12, 9], dtype=float)
    csr = sp.csr_matrix(a, dtype=np.float64)
    start = np.array([3, 0])
    v0 = covered_weight(csr, w, start)
    assert v0 == 63
    assert all(covered_weight(csr, w, np.array([j, keep])) <= v0 for keep in start for j in range(5))  # 1-swap optimal
    cols, obj = tabu_improve(csr, csr.tocsc(), w, start, max_steps=20)
    assert obj == max(brute(csr, w, 2).values()) == 66 == covered_weight(csr, w, cols)


def test_exact_mclp_always_reports_a_finite_proven_bound():
    """With a limit too short for the LP, the Lagrangian fallback still proves a bound."""
    from analysis.siting.problem import CoverageProblem
    from analysis.siting.solvers import solve_mclp

    rng = np.random.default_rng(3)
    n_d, n_c = 3000, 400
    d = rng.integers(0, n_d, 24_000)
    c = rng.integers(0, n_c, 24_000)
    prob = CoverageProblem.from_pairs(d, c, rng.uniform(0, 900, len(d)), rng.uniform(1, 50, n_d), 800.0, n_c)
    best = max(covered_weight(prob.cover.tocsr().astype(float), prob.weights, np.array(s)) for s in
               [rng.choice(n_c, 5, replace=False) for _ in range(50)])
    for limit in (0.05, 5.0):
        sol = solve_mclp(prob, 5, solver="exact", time_limit_s=limit)
        assert np.isfinite(sol.covered_weight_bound) and sol.covered_weight_bound >= sol.covered_weight - 1e-6
        assert sol.covered_weight >= best - 1e-6  # never worse than 50 random choices
