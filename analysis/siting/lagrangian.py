"""Lagrangian bound, heuristic and exact variable fixing for the maximal covering problem (MCLP).

Model (reduced rows i with weight w_i, candidate columns j, cover matrix A, K new sites):
``max sum_i w_i y_i  s.t.  y_i <= sum_j a_ij x_j,  sum_j x_j <= K,  x binary, 0 <= y <= 1``.
Relaxing the covering rows with multipliers ``0 <= lambda_i <= w_i`` gives, for any lambda, the
upper bound ``L(lambda) = sum_i max(0, w_i - lambda_i) + (sum of the K largest c_j)`` with
``c = A^T lambda``. Its minimum over lambda equals the LP bound; subgradient steps (one sparse
product each, ~1 ms on the city instance) get close to it in about a second, where the LP by
interior point takes 5 s (33 s on a loaded machine). Each step's K best columns are a feasible
solution: the best one (polished by a short tabu search, :func:`tabu_improve`) is the incumbent.

Fixing: any solution with column j (not among the K best of c) is worth at most
``L - c_(K) + c_j``; when that is below the incumbent, x_j = 0 in every better solution. Any
solution without a chosen column j is worth at most ``L - c_j + c_(K+1)``; below the incumbent,
x_j = 1. Both are exact, so the MILP on the remaining columns proves the same optimum.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


#: the heuristic (covered weight of the step's K best columns) runs every this many steps
HEURISTIC_EVERY = 5
#: halve the step factor after this many steps without a better bound
STALL_STEPS = 30


@dataclass(frozen=True)
class LagrangianMCLP:
    """Outcome (objective units: covered weight of the reduced rows, fixed weight excluded)."""

    bound: float            # proven upper bound (best L(lambda))
    cols: np.ndarray        # best feasible columns found (at most K)
    objective: float        # their covered weight
    fix_zero: np.ndarray    # bool per column: x_j = 0 in every solution better than ``objective``
    fix_one: np.ndarray     # bool per column: x_j = 1 in every solution better than ``objective``
    iterations: int
    seconds: float

    @property
    def gap(self) -> float:
        """Relative gap (bound - objective) / objective, 0-1 (objective floored at 1e-12)."""
        return (self.bound - self.objective) / max(abs(self.objective), 1e-12)


def covered_weight(csr: sp.csr_matrix, w: np.ndarray, cols: np.ndarray) -> float:
    """Weight of the rows covered by ``cols``.

    Parameters
    ----------
    csr : scipy.sparse.csr_matrix
        Cover matrix, demand rows × candidate columns.
    w : numpy.ndarray of float
        Weight per row.
    cols : numpy.ndarray of int
        Chosen columns.

    Returns
    -------
    float
        Summed weight of the rows with at least one chosen column (weight units).
    """
    x = np.zeros(csr.shape[1])
    x[np.asarray(cols, dtype=np.int64)] = 1.0
    return float(w @ ((csr @ x) > 0))


def tabu_improve(csr: sp.csr_matrix, csc: sp.csc_matrix, w: np.ndarray, cols: np.ndarray, *,
                 max_steps: int = 300, time_limit_s: float = 2.0, seed: int = 0,
                 tenure: tuple[int, int] = (7, 3)) -> tuple[np.ndarray, float]:
    """Tabu search over 1-swaps (one chosen column out, one other in); returns the best set seen.

    Each step is a few sparse products: the gain of adding j (rows not yet covered), the loss of
    removing s (rows covered only by s) and the rows covered only by s that j covers too; the best
    allowed swap is taken even when it loses (leaving a local optimum), and the columns just
    swapped are tabu for a few steps unless the swap gives a new best. On the city benchmark
    (bench_issue16.py) greedy is a 1-swap local optimum; 300 steps (3 s loaded, <1 s idle) lift
    it from 258,357 to 258,634 (reduced objective), better than HiGHS's incumbent after 120 s.

    Parameters
    ----------
    csr : scipy.sparse.csr_matrix
        Cover matrix, demand rows × candidate columns.
    csc : scipy.sparse.csc_matrix
        The same matrix in CSC form.
    w : numpy.ndarray of float
        Weight per row.
    cols : numpy.ndarray of int
        Starting columns (the number of sites K stays the same).
    max_steps : int
        Most swaps.
    time_limit_s : float
        Stop after this many seconds (checked after each step).
    seed : int
        Seed of the random tabu tenures.
    tenure : tuple of int
        Steps a column swapped out stays tabu (plus 0-4 at random) and steps one swapped in does.

    Returns
    -------
    cols : numpy.ndarray of int
        Best set seen, sorted.
    weight : float
        Its covered weight.
    """
    rng = np.random.default_rng(seed)
    x = np.zeros(csr.shape[1], dtype=bool)
    x[np.asarray(cols, dtype=np.int64)] = True
    if x.sum() == 0 or x.all():
        return np.flatnonzero(x), covered_weight(csr, w, np.flatnonzero(x))
    tabu_until = np.zeros(csr.shape[1], dtype=np.int64)
    cur = covered_weight(csr, w, np.flatnonzero(x))
    best, best_x = cur, x.copy()
    t0 = time.perf_counter()
    eps = 1e-9 * max(1.0, float(w.sum()))
    for step in range(1, max_steps + 1):
        chosen = np.flatnonzero(x)
        cnt = csr @ x.astype(np.float64)
        w0 = w * (cnt == 0)
        w1 = w * (cnt == 1)
        gain = csc.T @ w0
        loss = csc[:, chosen].T @ w1
        shared = (csc.T @ sp.diags(w1) @ csc[:, chosen]).toarray()  # (n_cols, n_chosen)
        delta = gain[:, None] - loss[None, :] + shared
        delta[chosen, :] = -np.inf
        aspire = cur + delta > best + eps
        blocked = (tabu_until > step)[:, None] | (tabu_until[chosen] > step)[None, :]
        delta = np.where(blocked & ~aspire, -np.inf, delta)
        j, s = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if not np.isfinite(delta[j, s]):
            break
        out = chosen[s]
        x[out], x[j] = False, True
        cur += float(delta[j, s])
        tabu_until[out] = step + tenure[0] + int(rng.integers(5))
        tabu_until[j] = step + tenure[1]
        if cur > best + eps:
            best, best_x = cur, x.copy()
        if time.perf_counter() - t0 > time_limit_s:
            break
    cols_best = np.flatnonzero(best_x)
    return cols_best, covered_weight(csr, w, cols_best)


def _top_k(c: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest positive entries of ``c``."""
    k = min(k, c.size)
    idx = np.argpartition(-c, k - 1)[:k] if k < c.size else np.arange(c.size)
    return idx[c[idx] > 0]


def lagrangian_mclp(
    cover: sp.csr_matrix,
    weights: np.ndarray,
    k: int,
    *,
    start_cols: np.ndarray | None = None,
    time_limit_s: float = 5.0,
    max_iter: int = 3000,
    target_gap: float = 0.0,
    improve_s: float = 0.0,
    init: np.ndarray | None = None,
) -> LagrangianMCLP:
    """Subgradient optimisation of the Lagrangian bound, then exact fixing.

    A feasible heuristic runs every :data:`HEURISTIC_EVERY` steps, after ``improve_s`` seconds of
    tabu search from ``start_cols``.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Cover matrix, reduced demand rows × candidate columns.
    weights : numpy.ndarray of float
        Weight per row (residents or outdoor-work units).
    k : int
        Number of new sites K (capped at the number of columns).
    start_cols : numpy.ndarray of int, optional
        Incumbent to start from (e.g. the greedy answer).
    time_limit_s : float
        Stop the subgradient steps after this many seconds.
    max_iter : int
        Most subgradient steps.
    target_gap : float
        Stop when (bound - incumbent) <= target_gap x incumbent (fraction, 0-1).
    improve_s : float
        Seconds of :func:`tabu_improve` on ``start_cols`` first (0: none).
    init : numpy.ndarray of float, optional
        Starting multipliers (clipped to 0..w); None starts from the weights.

    Returns
    -------
    LagrangianMCLP
        Proven upper bound, best columns and their covered weight, and the exact fixings.
    """
    t0 = time.perf_counter()
    csr = sp.csr_matrix(cover, dtype=np.float64)
    csc = csr.tocsc()
    w = np.asarray(weights, dtype=np.float64)
    nr, nc = csr.shape
    k = int(min(k, nc))
    best_cols = np.zeros(0, np.int64) if start_cols is None else np.asarray(start_cols, dtype=np.int64)
    best_obj = covered_weight(csr, w, best_cols) if best_cols.size else 0.0
    if improve_s > 0 and best_cols.size:  # a good incumbent first: it also sets the step sizes
        cols2, obj2 = tabu_improve(csr, csc, w, best_cols, time_limit_s=improve_s)
        if obj2 > best_obj:
            best_cols, best_obj = cols2, obj2
    if init is not None:
        lam = np.clip(np.asarray(init, dtype=np.float64), 0.0, w)
    else:
        # start from lambda = w (the columns' total weights): on the city benchmark 300 steps bound
        # 1.12% (of the total) above the incumbent, against 4.6% from w/degree and 1.16% from w/2
        lam = w.copy()
    best_bound, best_lam = np.inf, lam.copy()
    mu, stall, it = 2.0, 0, 0
    seen: set[bytes] = set()
    while it < max_iter:
        it += 1
        c = csc.T @ lam
        chosen = _top_k(c, k)
        y = w > lam
        bound = float((w - lam)[y].sum() + c[chosen].sum())
        if not np.isfinite(best_bound) or bound < best_bound - 1e-9 * max(1.0, best_bound):
            best_bound, best_lam, stall = bound, lam.copy(), 0
        else:
            stall += 1
            if stall >= STALL_STEPS:
                mu, stall = mu / 2.0, 0
        key = np.sort(chosen).tobytes()
        if it % HEURISTIC_EVERY == 1 and key not in seen:
            seen.add(key)
            obj = covered_weight(csr, w, chosen)
            if obj > best_obj:
                best_obj, best_cols = obj, chosen
        if (best_bound - best_obj) <= target_gap * max(best_obj, 1e-12) or mu < 1e-5:
            break
        if time.perf_counter() - t0 > time_limit_s:
            break
        x = np.zeros(nc)
        x[chosen] = 1.0
        g = y.astype(np.float64) - csr @ x  # minus the subgradient of L in lambda
        norm2 = float(g @ g)
        if norm2 == 0:
            break
        step = mu * (bound - best_obj) / norm2
        lam = np.clip(lam + step * g, 0.0, w)
    # exact fixing from the best multipliers
    c = csc.T @ best_lam
    order = np.argsort(-c, kind="stable")
    in_top = np.zeros(nc, dtype=bool)
    in_top[order[:k]] = True
    c_k = c[order[k - 1]] if k >= 1 else 0.0
    c_next = c[order[k]] if k < nc else 0.0
    slack = 1e-9 * max(1.0, best_bound)
    fix_zero = ~in_top & (best_bound - max(c_k, 0.0) + np.maximum(c, 0.0) < best_obj - slack)
    fix_one = in_top & (best_bound - np.maximum(c, 0.0) + max(c_next, 0.0) < best_obj - slack)
    return LagrangianMCLP(bound=best_bound, cols=np.sort(best_cols), objective=best_obj, fix_zero=fix_zero,
                          fix_one=fix_one, iterations=it, seconds=time.perf_counter() - t0)

