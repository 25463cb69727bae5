"""Exact MCLP model reductions driven by the LP relaxation, and a multi-start local search.

Reduced model (rows i with weight w_i, candidate columns j, cover matrix A, K new sites)::

    max sum_i w_i y_i   s.t.   y_i <= sum_j a_ij x_j,   sum_j x_j <= K,   x binary,  0 <= y <= 1

Reduced-cost fixing (:func:`reduced_cost_keep`): with an optimal LP solution of value ``U`` and
reduced costs ``d_j`` (``<= 0`` for a column at its lower bound 0 when maximising), every
solution with ``x_j = 1`` is worth at most ``U + d_j``. When that is below an incumbent's value
``L``, no solution better than the incumbent uses column j: dropping such columns keeps every
better solution, so the MILP on the rest proves the same optimum (or that ``L`` is optimal).
Dropping columns leaves rows no kept column covers (worth 0 in every better solution) and rows
whose kept cover sets are now identical: :func:`restrict_columns` removes the former and merges
the latter (weights summed), like :func:`analysis.siting.problem.reduce_coverage`.

City benchmark (benchmarks/synthetic_siting.py seed 7: 2,000 + 30 existing x 20,000 homes,
K = 20, 1,000 m; reduced model 11,150 rows x 1,831 columns): LP bound 421,925 (IPX + crossover,
3.4 s CPU), incumbent 420,285 -> 1,400 of 1,831 columns fixed to 0 and ~4,500 merged rows left.

Local search (:func:`multistart_tabu`): tabu over 1-swaps (:func:`analysis.siting.lagrangian.
tabu_improve`) from several starts on the kept columns. From greedy alone the search stays in
greedy's basin (418,904 -> 419,181 with 300 or 3,000 steps, three seeds); greedy restricted to
the LP's support as the start gave 419,505 / 420,009 / 420,285 (seeds 2 / 0 / 1; 1.3-1.5 s CPU
each), which brings the proven gap under 0.5% with the LP bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from analysis.siting.greedy import greedy_cover
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
    """

    cover: sp.csr_matrix
    weights: np.ndarray
    cols: np.ndarray

    @property
    def n_rows(self) -> int:
        """Number of merged rows."""
        return self.cover.shape[0]

    @property
    def n_cols(self) -> int:
        """Number of kept columns."""
        return self.cover.shape[1]


def reduced_cost_keep(col_dual: np.ndarray, lp_bound: float, incumbent: float) -> np.ndarray:
    """Columns that a solution better than the incumbent may use (exact reduced-cost fixing).

    Parameters
    ----------
    col_dual : numpy.ndarray of float
        LP reduced cost of each column (maximisation: <= 0 for a column at 0), weight units.
    lp_bound : float
        Optimal LP value ``U`` (weight units, same model).
    incumbent : float
        Value ``L`` of a feasible solution (weight units, same model).

    Returns
    -------
    numpy.ndarray of bool
        True for columns with ``U + d_j >= L`` (kept); the others are 0 in every solution worth
        more than ``L``. A relative slack of 1e-9 of ``U`` (and 1e-6 absolute) keeps borderline
        columns, so float noise in the LP never drops one that could matter.
    """
    d = np.asarray(col_dual, dtype=np.float64)
    slack = 1e-6 + 1e-9 * abs(lp_bound)
    return lp_bound + d >= incumbent - slack


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
    return RestrictedModel(cover=merged, weights=w, cols=cols.astype(np.int64))


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
