"""Greedy siting on a reduced coverage model: instant answers, warm starts and fallbacks.

The marginal gain of every candidate (weight of not-yet-covered demand it would cover) is kept
up to date incrementally with sparse products: after a pick, only the demand rows it newly
covers are subtracted from the gains of the candidates covering them. This gives the same
sequence as lazy greedy (ties: lowest candidate index) with vectorised work per pick instead of
a Python heap. Greedy MCLP is within (1 - 1/e) of the optimum in theory and usually within a
fraction of a percent in practice; the exact solver reports the true gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class GreedySequence:
    """Columns picked in order and the weight each one added (same units as the weights)."""

    cols: np.ndarray  # int64 column indices, in pick order
    gains: np.ndarray  # float64 marginal covered weight of each pick

    @property
    def total(self) -> float:
        """Summed weight the picks add (same units as the weights)."""
        return float(self.gains.sum())


def greedy_cover(
    cover: sp.csr_matrix,
    weights: np.ndarray,
    k: int | None,
    allowed: np.ndarray | None = None,
    stop_when_no_gain: bool = True,
    *,
    cost: np.ndarray | None = None,
    budget: float | None = None,
    bonus: np.ndarray | None = None,
) -> GreedySequence:
    """Pick up to ``k`` columns (all needed if ``k`` is None) maximising covered ``weights``.

    With ``k=None`` and unit weights this is greedy set cover (LSCP heuristic). Ties go to the
    lowest column index.

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Demand rows × candidate columns, nonzero where the column covers the row.
    weights : numpy.ndarray of float
        Demand weight per row (residents, outdoor-work units, or 1 for set cover).
    k : int or None
        Most columns to pick; None: as many as there are columns.
    allowed : numpy.ndarray of int, optional
        Restricts picks to these columns (used to order a given solution).
    stop_when_no_gain : bool
        Stop when no column covers new weight (False: keep picking, gain 0).
    cost : numpy.ndarray of float, optional
        Cost per column (e.g. 万元; NaN counts as unaffordable); used with ``budget``.
    budget : float, optional
        MCLP building facts: each pick must fit in what is left of the budget (the sum of picked
        costs never exceeds it). None: no budget.
    bonus : numpy.ndarray of float, optional
        Added to a column's score (weight units, >= 0; state-owned idle property preferred), but
        a column is only picked when it covers new weight (with ``stop_when_no_gain``).

    Returns
    -------
    GreedySequence
        Columns in pick order and the covered weight each adds (the bonus never included).
    """
    csr = sp.csr_matrix(cover, dtype=np.float64)
    csc = csr.tocsc()
    w = np.asarray(weights, dtype=np.float64)
    gains = csc.T @ w
    if allowed is not None:
        mask = np.full(csr.shape[1], -np.inf)
        mask[np.asarray(allowed, dtype=np.int64)] = 0.0
        gains = gains + mask
    uncovered = np.ones(csr.shape[0], dtype=bool)
    limit = csr.shape[1] if k is None else int(k)
    cols: list[int] = []
    got: list[float] = []
    extra = np.zeros(csr.shape[1]) if bonus is None else np.asarray(bonus, dtype=np.float64)
    costs = None if budget is None else np.nan_to_num(np.asarray(cost, dtype=np.float64), nan=np.inf)
    left = np.inf if budget is None else float(budget)
    for _ in range(limit):
        score = gains + extra
        if stop_when_no_gain:
            score = np.where(gains > 0, score, -np.inf)
        if costs is not None:
            score = np.where(costs <= left + 1e-9, score, -np.inf)
        j = int(np.argmax(score)) if len(score) else -1
        if j < 0 or not np.isfinite(score[j]):
            break
        cols.append(j)
        got.append(float(gains[j]))
        if costs is not None:
            left -= costs[j]
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        rows = rows[uncovered[rows]]
        uncovered[rows] = False
        if len(rows):
            gains -= csr[rows].T @ w[rows]
        gains[j] = -np.inf
    return GreedySequence(np.asarray(cols, dtype=np.int64), np.asarray(got, dtype=np.float64))


def order_by_marginal_gain(cover: sp.csr_matrix, weights: np.ndarray, chosen) -> GreedySequence:
    """Order a given set of columns greedily: each next one adds the most not-yet-covered weight.

    Every chosen column appears, even when it adds nothing (gain 0).

    Parameters
    ----------
    cover : scipy.sparse.csr_matrix
        Demand rows × candidate columns, nonzero where the column covers the row.
    weights : numpy.ndarray of float
        Demand weight per row.
    chosen : array_like of int
        The columns to order.

    Returns
    -------
    GreedySequence
        ``chosen`` in greedy order with the weight each adds.
    """
    chosen = np.asarray(chosen, dtype=np.int64)
    seq = greedy_cover(cover, weights, len(chosen), allowed=chosen, stop_when_no_gain=False)
    return seq


def greedy_pmedian(
    pair_row: np.ndarray,
    pair_col: np.ndarray,
    pair_cost: np.ndarray,
    weights: np.ndarray,
    base_cost: np.ndarray,
    k: int,
) -> GreedySequence:
    """Greedy p-median: pick ``k`` columns, each time the one cutting sum(weight x cost) most.

    Stops early when no column reduces the weighted cost.

    Parameters
    ----------
    pair_row, pair_col : numpy.ndarray of int
        Demand row and candidate column of each finite row-column cost.
    pair_cost : numpy.ndarray of float
        Cost of each pair (e.g. walking minutes).
    weights : numpy.ndarray of float
        Demand weight per row (e.g. residents).
    base_cost : numpy.ndarray of float
        Each row's cost before any pick (existing sites or a penalty), same unit as ``pair_cost``.
    k : int
        Most columns to pick.

    Returns
    -------
    GreedySequence
        Columns in pick order; gains are reductions of weighted cost (e.g. resident-minutes).
    """
    cur = np.asarray(base_cost, dtype=np.float64).copy()
    w = np.asarray(weights, dtype=np.float64)
    n_cols = int(pair_col.max()) + 1 if len(pair_col) else 0
    cols: list[int] = []
    got: list[float] = []
    picked = np.zeros(n_cols, dtype=bool)
    for _ in range(int(k)):
        saving = w[pair_row] * np.maximum(cur[pair_row] - pair_cost, 0.0)
        gain = np.bincount(pair_col, weights=saving, minlength=n_cols)
        gain[picked] = -np.inf
        if not n_cols:
            break
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        picked[j] = True
        cols.append(j)
        got.append(float(gain[j]))
        m = pair_col == j
        np.minimum.at(cur, pair_row[m], pair_cost[m])
    return GreedySequence(np.asarray(cols, dtype=np.int64), np.asarray(got, dtype=np.float64))
