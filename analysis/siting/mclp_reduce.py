"""Exact MCLP reductions and bounds from the LP relaxation, and a multi-start local search.

Reduced model (rows i with weight w_i, candidate columns j, cover matrix A, K new sites)::

    max sum_i w_i y_i   s.t.   y_i <= sum_j a_ij x_j,   sum_j x_j <= K,   x binary,  0 <= y <= 1

Bound: for any multipliers ``0 <= lambda_i <= w_i``, with ``c = A^T lambda``,
``L(lambda) = sum_i (w_i - lambda_i) + (sum of the K largest positive c_j)`` is an upper bound
(:func:`lagrangian_value`), and at the LP's row duals it equals the LP optimum. So the LP is
solved by column generation (:func:`lp_bound`): on the columns of largest total weight, then the
columns the duals price in, until ``L`` over *all* columns equals the restricted LP value. The
bound reported is ``L`` computed here, not a solver status.

Fixing (:func:`lagrangian_keep`): any solution with column j outside the K largest ``c`` is worth
at most ``L - c_(K) + c_j``; below an incumbent's value, no better solution uses j. Dropping such
columns keeps every better solution, so the MILP on the rest proves the same optimum (or that the
incumbent is optimal). Dropping columns leaves rows no kept column covers (worth 0 in every
better solution) and rows whose kept cover sets are now identical: :func:`restrict_columns`
removes the former and merges the latter (weights summed), as
:func:`analysis.siting.problem.reduce_coverage` does.

City benchmark (benchmarks/synthetic_siting.py seed 7: 2,000 + 30 existing x 20,000 homes,
K = 20, 1,000 m; reduced model 11,150 rows x 1,831 columns, 151,802 pairs), CPU seconds on a
loaded 2-core machine: LP on the whole model by IPX + crossover 3.4 s (dual simplex 18 s, PDLP
not finished in 12.7 s), bound 421,925; by columns from the 400 of largest weight 0.49 s, one
round, same bound (from the 200 largest: 4 rounds, 1.0 s). Fixing with incumbent 420,285 keeps
377 columns and 4,163 merged rows (with the optimum 420,621 as incumbent: 341 and 3,797).

Local search (:func:`multistart_tabu`): tabu over 1-swaps (:func:`analysis.siting.lagrangian.
tabu_improve`) from greedy restricted to the LP support, several seeds, on the columns kept
for the greedy value (543 columns, 5,561 rows). From greedy itself the search stays in greedy's
basin (418,904 -> at most 419,345 whatever the tenure).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from analysis.siting.greedy import greedy_cover
from analysis.siting.highs_model import solve_highs
from analysis.siting.lagrangian import tabu_improve
from analysis.siting.problem import _merge_identical_rows as merge_identical_rows


@dataclass(frozen=True)
class RestrictedModel:
    """An MCLP model on a subset of columns, rows merged; maps back to the parent model.

    Attributes
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (merged rows x kept columns).
    weights : numpy.ndarray
        Summed demand weight of each merged row (the parent's weight unit).
    cols : numpy.ndarray
        Parent column index of each kept column (sorted).
    row_of_parent : numpy.ndarray
        Merged row of each parent row, -1 when no kept column covers it.
    """

    cover: sp.csr_matrix
    weights: np.ndarray
    cols: np.ndarray
    row_of_parent: np.ndarray

    @property
    def n_rows(self) -> int:
        """Number of merged rows."""
        return self.cover.shape[0]

    @property
    def n_cols(self) -> int:
        """Number of kept columns."""
        return self.cover.shape[1]


def lagrangian_value(cover_csc: sp.csc_matrix, weights: np.ndarray, lam: np.ndarray, k: int
                     ) -> tuple[float, np.ndarray]:
    """Upper bound ``L(lambda)`` on the MCLP optimum and the column prices ``c = A^T lambda``.

    Parameters
    ----------
    cover_csc : scipy.sparse.csc_matrix
        Cover matrix (rows x columns), float, CSC.
    weights : numpy.ndarray of float
        Row weights ``w`` (weight units).
    lam : numpy.ndarray of float
        Multiplier per row, clipped to ``0 <= lambda <= w`` (any such value gives a valid bound).
    k : int
        Most columns chosen.

    Returns
    -------
    bound : float
        ``sum(w - lambda) + sum of the k largest positive c`` (weight units).
    c : numpy.ndarray of float
        Price of each column (weight units).
    """
    w = np.asarray(weights, dtype=np.float64)
    lam = np.clip(np.asarray(lam, dtype=np.float64), 0.0, w)
    c = cover_csc.T @ lam
    kk = min(int(k), c.size)
    top = np.partition(c, c.size - kk)[c.size - kk:] if kk else np.zeros(0)
    return float((w - lam).sum() + top[top > 0].sum()), c


def lagrangian_keep(c: np.ndarray, bound: float, k: int, incumbent: float) -> np.ndarray:
    """Columns that a solution better than the incumbent may use (exact Lagrangian fixing).

    Parameters
    ----------
    c : numpy.ndarray of float
        Column prices from :func:`lagrangian_value` (weight units).
    bound : float
        ``L(lambda)`` for those prices (weight units).
    k : int
        Most columns chosen.
    incumbent : float
        Value of a feasible solution (weight units, same model).

    Returns
    -------
    numpy.ndarray of bool
        True for the k largest prices and for columns with ``L - c_(k) + c_j >= incumbent``;
        the others are 0 in every solution worth more than the incumbent. A slack of 1e-9 of
        ``L`` (and 1e-6 absolute) keeps borderline columns.
    """
    c = np.asarray(c, dtype=np.float64)
    kk = min(int(k), c.size)
    if kk == 0:
        return np.ones(c.size, dtype=bool)
    order = np.argsort(-c, kind="stable")
    keep = np.zeros(c.size, dtype=bool)
    keep[order[:kk]] = True
    c_k = max(float(c[order[kk - 1]]), 0.0)
    slack = 1e-6 + 1e-9 * abs(bound)
    return keep | (bound - c_k + np.maximum(c, 0.0) >= incumbent - slack)


@dataclass(frozen=True)
class LpBound:
    """The MCLP's LP relaxation solved by columns, with its certificate.

    Attributes
    ----------
    bound : float
        Proven upper bound ``L(lambda)`` over all columns (weight units); equals the LP optimum
        when ``complete``.
    lam : numpy.ndarray
        The multipliers per row giving ``bound``.
    prices : numpy.ndarray
        ``A^T lambda`` per column (weight units).
    x : numpy.ndarray
        LP value of each column (0 for columns never priced in).
    complete : bool
        ``bound`` equals the last restricted LP's value (so it is the LP optimum).
    n_cols : int
        Columns in the last restricted LP.
    rounds : int
        Restricted LPs solved.
    """

    bound: float
    lam: np.ndarray
    prices: np.ndarray
    x: np.ndarray
    complete: bool
    n_cols: int
    rounds: int


def lp_bound(cover: sp.csr_matrix, weights: np.ndarray, k: int, first: np.ndarray, *, time_limit_s: float,
             max_rounds: int = 30) -> LpBound | None:
    """Solve the LP relaxation by column generation and certify its bound over all columns.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns).
    weights : numpy.ndarray of float
        Row weights (residents or outdoor-work units).
    k : int
        Most columns chosen.
    first : numpy.ndarray of bool
        Columns of the first restricted LP.
    time_limit_s : float
        Seconds for all restricted LPs together.
    max_rounds : int
        Most restricted LPs.

    Returns
    -------
    LpBound or None
        None when not even the first restricted LP finished in time.
    """
    t0 = time.perf_counter()
    csr = sp.csr_matrix(cover, dtype=np.float64)
    csc = csr.tocsc()
    w = np.asarray(weights, dtype=np.float64)
    nc = csr.shape[1]
    keep = np.asarray(first, dtype=bool).copy()
    best: LpBound | None = None
    for rounds in range(1, max_rounds + 1):
        left = time_limit_s - (time.perf_counter() - t0)
        if left <= 0.01:
            break
        rm = restrict_columns(csr, w, keep)
        model = mclp_milp(rm.cover, rm.weights, k)
        model.pop("integer")
        run = solve_highs(**model, integer=None, maximize=True, time_limit_s=left,
                          options={"solver": "ipm", "run_crossover": "on"})
        if run.status != "optimal" or run.row_dual is None or run.x is None:
            break
        lam = w.copy()  # rows no kept column covers: y = 0 in the restricted LP, lambda = w
        rows = np.flatnonzero(rm.row_of_parent >= 0)
        g = rm.row_of_parent[rows]
        lam[rows] = np.abs(run.row_dual[g]) * w[rows] / rm.weights[g]  # shared in proportion to weight
        bound, c = lagrangian_value(csc, w, lam, k)
        x = np.zeros(nc)
        x[rm.cols] = run.x[: rm.n_cols]
        done = bound <= run.objective + 1e-9 * max(1.0, abs(run.objective)) + 1e-6
        if best is None or bound < best.bound or done:
            best = LpBound(bound=bound, lam=np.clip(lam, 0.0, w), prices=c, x=x, complete=done,
                           n_cols=rm.n_cols, rounds=rounds)
        if done:
            break
        kept = np.sort(c[keep])
        kth = kept[-min(k, kept.size)] if kept.size else 0.0
        add = ~keep & (c > kth + 1e-9 * max(1.0, abs(kth)))  # would enter the K best: raises L
        if not add.any():
            break
        keep |= add
    return None if best is None else replace(best, rounds=rounds)


def restrict_columns(cover: sp.csr_matrix, weights: np.ndarray, keep: np.ndarray) -> RestrictedModel:
    """The model on the kept columns: rows none of them covers dropped, identical rows merged.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns) of the parent model.
    weights : numpy.ndarray of float
        Weight of each parent row (residents or outdoor-work units).
    keep : numpy.ndarray of bool
        Per parent column: kept.

    Returns
    -------
    RestrictedModel
        Same optimum as the parent model restricted to ``keep`` (a chosen set covers the same
        weight in both, minus the dropped rows' weight, which no kept column can cover).
    """
    cols = np.flatnonzero(np.asarray(keep, dtype=bool))
    sub = sp.csr_matrix(cover, dtype=np.bool_)[:, cols].tocsr()
    rows = np.flatnonzero(np.diff(sub.indptr) > 0)
    sub = sub[rows]
    group, rep = merge_identical_rows(sub)
    w = np.bincount(group, weights=np.asarray(weights, dtype=np.float64)[rows], minlength=len(rep))
    merged = sp.csr_matrix(sub[rep])
    merged.sort_indices()
    row_of_parent = np.full(cover.shape[0], -1, dtype=np.int64)
    row_of_parent[rows] = group
    return RestrictedModel(cover=merged, weights=w, cols=cols.astype(np.int64), row_of_parent=row_of_parent)


def multistart_tabu(cover: sp.csr_matrix, weights: np.ndarray, k: int, starts: list[np.ndarray], *,
                    time_limit_s: float, steps: int = 300, tenure: tuple[int, int] = (7, 3)
                    ) -> tuple[np.ndarray, float]:
    """Best of a tabu search (1-swaps) from each start, within a total time limit.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns).
    weights : numpy.ndarray of float
        Row weights (residents or outdoor-work units).
    k : int
        Number of columns to choose (starts with fewer are filled greedily).
    starts : list of numpy.ndarray of int
        Column sets to start from, in order of preference (the first always runs).
    time_limit_s : float
        Seconds for all searches together; each gets an equal share of what is left.
    steps : int
        Most swaps per search.
    tenure : tuple of int
        Tabu tenures (steps) of a column swapped out and of one swapped in.

    Returns
    -------
    cols : numpy.ndarray of int
        Best column set found (sorted).
    value : float
        Weight it covers.
    """
    csr = sp.csr_matrix(cover, dtype=np.float64)
    csc = csr.tocsc()
    w = np.asarray(weights, dtype=np.float64)
    best_cols, best = np.zeros(0, np.int64), -np.inf
    t0 = time.perf_counter()
    for n, start in enumerate(starts):
        left = time_limit_s - (time.perf_counter() - t0)
        if n and left <= 0:
            break
        cols = _fill(csr, w, k, np.asarray(start, dtype=np.int64))
        got, val = tabu_improve(csr, csc, w, cols, max_steps=steps, time_limit_s=max(left, 0.0) / (len(starts) - n),
                                seed=n, tenure=tenure)
        if val > best:
            best_cols, best = got, val
    return np.sort(best_cols), float(best)


def _fill(csr: sp.csr_matrix, w: np.ndarray, k: int, cols: np.ndarray) -> np.ndarray:
    """``cols`` (at most k, unique) completed greedily to k columns where columns add weight."""
    cols = np.unique(cols)[:k]
    if len(cols) >= k:
        return cols
    x = np.zeros(csr.shape[1])
    x[cols] = 1.0
    left = w * ((csr @ x) == 0)
    allowed = np.setdiff1d(np.arange(csr.shape[1]), cols)
    more = greedy_cover(csr, left, k - len(cols), allowed=allowed).cols
    return np.unique(np.concatenate([cols, more]))


def support_start(cover: sp.csr_matrix, weights: np.ndarray, k: int, x_lp: np.ndarray) -> np.ndarray:
    """Greedy restricted to the LP solution's support (columns with x > 1e-6).

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns).
    weights : numpy.ndarray of float
        Row weights.
    k : int
        Number of columns.
    x_lp : numpy.ndarray of float
        LP value of each column.

    Returns
    -------
    numpy.ndarray of int
        Up to k columns, in greedy pick order.
    """
    supp = np.flatnonzero(np.asarray(x_lp) > 1e-6)
    return greedy_cover(cover, weights, k, allowed=supp).cols if len(supp) else np.zeros(0, np.int64)



def mclp_milp(cover: sp.csr_matrix, weights: np.ndarray, k: int) -> dict:
    """The MCLP as HiGHS arrays: columns x (binary candidates) then y (rows, 0..1).

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns).
    weights : numpy.ndarray of float
        Row weights (objective coefficients of y, weight units).
    k : int
        Most columns chosen.

    Returns
    -------
    dict
        Keyword arguments ``a``, ``cost``, ``col_lo``, ``col_hi``, ``row_lo``, ``row_hi`` and
        ``integer`` for :func:`analysis.siting.highs_model.solve_highs` (``maximize=True``).
    """
    c = sp.csr_matrix(cover, dtype=np.float64)
    nr, nc = c.shape
    a = sp.vstack([sp.hstack([-c, sp.identity(nr, format="csr")]),
                   sp.hstack([sp.csr_matrix(np.ones((1, nc))), sp.csr_matrix((1, nr))])]).tocsr()
    integer = np.zeros(nc + nr, dtype=bool)
    integer[:nc] = True
    return dict(a=a, cost=np.concatenate([np.zeros(nc), np.asarray(weights, dtype=np.float64)]),
                col_lo=np.zeros(nc + nr), col_hi=np.ones(nc + nr), row_lo=np.full(nr + 1, -np.inf),
                row_hi=np.concatenate([np.zeros(nr), [float(k)]]), integer=integer)


def start_vector(cover: sp.csr_matrix, cols: np.ndarray) -> np.ndarray:
    """Full column vector (x then y) of the model from :func:`mclp_milp` for the chosen ``cols``.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Bool cover matrix (rows x columns).
    cols : numpy.ndarray of int
        Chosen columns.

    Returns
    -------
    numpy.ndarray of float
        x (1 for chosen columns) followed by y (1 for covered rows).
    """
    c = sp.csr_matrix(cover, dtype=np.float64)
    x = np.zeros(c.shape[1])
    x[np.asarray(cols, dtype=np.int64)] = 1.0
    return np.concatenate([x, ((c @ x) > 0).astype(np.float64)])
