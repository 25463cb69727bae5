"""Coverage problems for siting, stored sparse, and their exact model reduction.

A :class:`CoverageProblem` holds, for ``n_demand`` demand points and ``n_candidates`` candidate
sites, the network distances (metres) of every (demand, candidate) pair within a cutoff as a
long table, the demand weights (residents, or outdoor-work weight), and the distance from each
demand point to its nearest *existing* site (which stays open). Coverage means distance <=
``threshold_m``. Nothing dense of size candidates x demand is ever built.

:func:`reduce_coverage` shrinks a problem without changing its optimum:
demand already covered by existing sites is set aside (counted as fixed), demand that no
candidate covers is set aside (reported), demand points with identical candidate sets are merged
(weights summed), and candidates whose covered set is contained in another's are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from analysis.cutoff import within
from geo.errors import ParameterError
from geo.sparse_graph import csr_min


@dataclass(frozen=True)
class CoverageProblem:
    """Demand x candidate distances within a cutoff (long table), weights and existing coverage.

    ``pair_demand``, ``pair_cand``, ``pair_dist_m`` list every pair within the cutoff used to
    build them (the cutoff may exceed ``threshold_m``: p-median uses the longer pairs).
    ``existing_dist_m[i]`` is the network distance (metres) from demand ``i`` to its nearest
    existing site, ``inf`` when none is within the cutoff.
    """

    n_demand: int
    n_candidates: int
    pair_demand: np.ndarray
    pair_cand: np.ndarray
    pair_dist_m: np.ndarray
    weights: np.ndarray
    existing_dist_m: np.ndarray
    threshold_m: float
    _cover: sp.csr_matrix | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_pairs(
        cls,
        pair_demand,
        pair_cand,
        pair_dist_m,
        weights,
        threshold_m: float,
        n_candidates: int,
        existing_dist_m=None,
    ) -> "CoverageProblem":
        """Build from a long table of (demand index, candidate index, metres) pairs.

        Parameters
        ----------
        pair_demand, pair_cand : array of int
            Demand point and candidate index of each pair.
        pair_dist_m : array of float
            Network distance of each pair in metres (>= 0). A pair listed more than once keeps
            its **minimum** distance (duplicates are reduced, never summed).
        weights : array of float
            Demand weight per demand point (residents or outdoor-work weight), finite and >= 0.
        threshold_m : float
            Coverage distance in metres (covered means :func:`analysis.cutoff.within`).
        n_candidates : int
            Number of candidate sites.
        existing_dist_m : array of float, optional
            Distance (metres) from each demand point to its nearest existing site, inf if none.

        Returns
        -------
        CoverageProblem
            Pairs sorted by (demand, candidate), one per pair.

        Raises
        ------
        ParameterError
            Shapes or values that make no sense, with a fix-it message.
        """
        weights = np.asarray(weights, dtype=np.float64)
        n_demand = len(weights)
        pd_ = np.asarray(pair_demand, dtype=np.int64)
        pc = np.asarray(pair_cand, dtype=np.int64)
        dist = np.asarray(pair_dist_m, dtype=np.float64)
        if not (len(pd_) == len(pc) == len(dist)):
            raise ParameterError("Pair arrays (demand, candidate, distance) must have the same length.")
        if not np.isfinite(threshold_m) or threshold_m <= 0:
            raise ParameterError(f"The coverage threshold must be a positive distance in metres, got {threshold_m}.")
        if np.any(~np.isfinite(weights)) or np.any(weights < 0):
            raise ParameterError("Demand weights must be finite and not negative (residents or worker weight).")
        if len(pd_) and (pd_.min() < 0 or pd_.max() >= n_demand or pc.min() < 0 or pc.max() >= n_candidates):
            raise ParameterError("A pair refers to a demand point or candidate that does not exist.")
        if np.any(dist < 0) or np.any(np.isnan(dist)):
            raise ParameterError("Distances must be metres >= 0.")
        if existing_dist_m is None:
            existing = np.full(n_demand, np.inf)
        else:
            existing = np.asarray(existing_dist_m, dtype=np.float64)
            if existing.shape != (n_demand,):
                raise ParameterError("existing_dist_m needs one distance per demand point (inf when none).")
        # a (demand, candidate) pair listed twice keeps its shortest distance: two routes to the
        # same site are one choice, and summing them would double a p-median cost
        order = np.lexsort((dist, pc, pd_))
        pd_, pc, dist = pd_[order], pc[order], dist[order]
        first = np.ones(len(pd_), dtype=bool)
        first[1:] = (pd_[1:] != pd_[:-1]) | (pc[1:] != pc[:-1])
        return cls(
            n_demand=n_demand,
            n_candidates=int(n_candidates),
            pair_demand=pd_[first],
            pair_cand=pc[first],
            pair_dist_m=dist[first],
            weights=weights,
            existing_dist_m=existing,
            threshold_m=float(threshold_m),
        )

    @classmethod
    def from_cost_matrix(cls, cost, weights, threshold_m: float, existing_cost=None, cutoff_m=None) -> "CoverageProblem":
        """Build from a small dense demand x candidate cost matrix (tests, examples).

        Parameters
        ----------
        cost : array_like of float
            Network distance in metres, demand × candidates; ``inf`` = unreachable.
        weights : array_like of float
            Demand weight per demand point (residents or outdoor-work weight).
        threshold_m : float
            Coverage distance in metres.
        existing_cost : array_like of float, optional
            Distances (metres) demand × existing sites; their minimum per row becomes
            ``existing_dist_m``. None: no existing sites.
        cutoff_m : float, optional
            Pairs up to this distance (metres) are kept (default: ``threshold_m``).

        Returns
        -------
        CoverageProblem
            As :meth:`from_pairs`.

        Raises
        ------
        ParameterError
            Values that :meth:`from_pairs` refuses.
        """
        cost = np.asarray(cost, dtype=np.float64)
        cutoff = threshold_m if cutoff_m is None else cutoff_m
        d, c = np.nonzero(within(cost, cutoff))
        existing = None
        if existing_cost is not None:
            ec = np.asarray(existing_cost, dtype=np.float64).reshape(cost.shape[0], -1)
            existing = ec.min(axis=1) if ec.shape[1] else np.full(cost.shape[0], np.inf)
        return cls.from_pairs(d, c, cost[d, c], weights, threshold_m, cost.shape[1], existing)

    @property
    def covered_by_existing(self) -> np.ndarray:
        """Bool per demand point: an existing site is within the threshold."""
        return within(self.existing_dist_m, self.threshold_m)

    @property
    def cover(self) -> sp.csr_matrix:
        """Bool CSR (n_demand x n_candidates): candidate within ``threshold_m`` of the demand point."""
        if self._cover is None:
            m = within(self.pair_dist_m, self.threshold_m)
            # pairs are unique (see from_pairs); csr_min keeps that rule explicit
            a = csr_min(self.pair_demand[m], self.pair_cand[m], np.ones(int(m.sum())),
                        (self.n_demand, self.n_candidates), min_weight=None).astype(np.bool_)
            object.__setattr__(self, "_cover", a)
        return self._cover

    def covered_weight(self, chosen) -> float:
        """Total weight covered by existing sites plus the chosen candidates.

        Parameters
        ----------
        chosen : array_like of int
            Candidate indices opened.

        Returns
        -------
        float
            Covered demand weight (residents or outdoor-work units).
        """
        return float(self.weights[self.covered_mask(chosen)].sum())

    def covered_mask(self, chosen) -> np.ndarray:
        """Bool per demand point covered by an existing site or one of ``chosen`` candidates.

        Parameters
        ----------
        chosen : array_like of int
            Candidate indices opened.

        Returns
        -------
        numpy.ndarray of bool
            Length ``n_demand``; covered means within ``threshold_m`` network metres.
        """
        chosen = np.asarray(chosen, dtype=np.int64)
        pick = np.zeros(self.n_candidates, dtype=np.float64)
        pick[chosen] = 1.0
        return self.covered_by_existing | (self.cover @ pick > 0)


@dataclass(frozen=True)
class ReducedCoverage:
    """A reduced coverage model; maps back to the original demand points and candidates."""

    cover: sp.csr_matrix  # bool, (n_rows, n_cols)
    weights: np.ndarray  # summed weight of each merged row
    counts: np.ndarray  # number of demand points merged into each row
    cand_of_col: np.ndarray  # original candidate index of each column
    row_of_demand: np.ndarray  # reduced row of each demand point, -1 when set aside
    fixed_weight: float  # weight covered by existing sites
    uncoverable: np.ndarray  # bool per demand point: no existing site and no candidate covers it
    n_dominated: int  # candidates dropped as dominated (or covering nothing new)

    @property
    def n_rows(self) -> int:
        """Rows of the reduced model (merged demand groups)."""
        return self.cover.shape[0]

    @property
    def n_cols(self) -> int:
        """Columns of the reduced model (candidates kept)."""
        return self.cover.shape[1]


def _merge_identical_rows(a: sp.csr_matrix, rng_seed: int = 12345) -> tuple[np.ndarray, np.ndarray]:
    """Group rows of a bool CSR with identical column sets.

    Returns (group id per row, representative row per group). Rows are hashed by two random
    64-bit signatures plus their length, and each group is then verified exactly.
    """
    n_rows, n_cols = a.shape
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(rng_seed)
    keys = rng.integers(0, 2**63 - 1, size=(2, n_cols), dtype=np.int64).view(np.uint64)
    nnz = np.diff(a.indptr)
    row_of_entry = np.repeat(np.arange(n_rows), nnz)
    sig = np.zeros((n_rows, 3), dtype=np.uint64)
    sig[:, 0] = nnz.astype(np.uint64)
    for k in range(2):
        # wrap-around sums are fine for a hash
        np.add.at(sig[:, k + 1], row_of_entry, keys[k][a.indices])
    _, first, group = np.unique(sig, axis=0, return_index=True, return_inverse=True)
    group = group.ravel()
    rep = first[group]
    diff = a.astype(np.int8) - a[rep].astype(np.int8)
    bad = np.unique(diff.nonzero()[0])
    if len(bad):  # hash collision (practically never): give those rows their own groups
        group = group.copy()
        group[bad] = group.max() + 1 + np.arange(len(bad))
        _, first, group = np.unique(group, return_index=True, return_inverse=True)
    return group.ravel(), first


def dominated_columns(a: sp.csr_matrix) -> np.ndarray:
    """Bool per column of a bool matrix: its row set is contained in another column's.

    Of identical columns the lowest index is kept. Empty columns are dominated.

    Parameters
    ----------
    a : scipy.sparse.csr_matrix
        Bool cover matrix, rows × columns.

    Returns
    -------
    numpy.ndarray of bool
        One value per column.
    """
    n_cols = a.shape[1]
    ai = a.astype(np.int32).tocsc()
    size = np.diff(ai.indptr)
    dominated = size == 0
    overlap = (ai.T @ ai).tocoo()
    j, k, o = overlap.row, overlap.col, overlap.data
    hit = (j != k) & (o == size[j]) & ((size[k] > size[j]) | ((size[k] == size[j]) & (k < j)))
    dominated[j[hit]] = True
    assert dominated.shape == (n_cols,)
    return dominated


def reduce_coverage(problem: CoverageProblem, *, drop_dominated: bool = True) -> ReducedCoverage:
    """Exact reduction for MCLP and LSCP (see module docstring).

    Demand covered by existing sites is set aside (``fixed_weight``), demand no candidate covers
    is flagged ``uncoverable``, demand with weight 0 is dropped, rows with identical candidate
    sets are merged (weights summed) and dominated candidates dropped.

    Parameters
    ----------
    problem : CoverageProblem
        The full problem.
    drop_dominated : bool
        Drop candidates whose covered set is contained in another's (exact for MCLP and LSCP
        without budgets or per-candidate bonuses).

    Returns
    -------
    ReducedCoverage
        The reduced model with its maps back to demand points and candidates.
    """
    a = problem.cover
    fixed = problem.covered_by_existing
    has_cand = np.diff(a.indptr) > 0
    uncoverable = ~fixed & ~has_cand
    active = np.flatnonzero(~fixed & has_cand & (problem.weights > 0))
    sub = a[active]
    group, rep = _merge_identical_rows(sub)
    n_groups = len(rep)
    w = np.bincount(group, weights=problem.weights[active], minlength=n_groups)
    merged = sub[rep]
    cols = np.arange(problem.n_candidates)
    n_dom = 0
    if drop_dominated and merged.shape[1]:
        dom = dominated_columns(merged)
        n_dom = int(dom.sum())
        cols = np.flatnonzero(~dom)
        merged = merged[:, cols]
    merged = sp.csr_matrix(merged)
    merged.sort_indices()
    row_of_demand = np.full(problem.n_demand, -1, dtype=np.int64)
    row_of_demand[active] = group
    return ReducedCoverage(
        cover=merged,
        weights=w,
        counts=np.bincount(group, minlength=n_groups).astype(np.float64),
        cand_of_col=cols.astype(np.int64),
        row_of_demand=row_of_demand,
        fixed_weight=float(problem.weights[fixed].sum()),
        uncoverable=uncoverable,
        n_dominated=n_dom,
    )
