"""Sparse graph matrices from (row, col, weight) triplets, with one rule for duplicates.

``scipy.sparse.csr_matrix((w, (rows, cols)))`` and ``coo_matrix(...).tocsr()`` SUM duplicate
(row, col) entries. For shortest paths that is wrong: two parallel streets between the same
nodes, or the two ends of a self-loop street joined to one node, would become one link whose
length is their sum. Every sparse matrix the project builds from triplets goes through
:func:`csr_min`, which keeps the **minimum** weight of each duplicated pair.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

#: Smallest stored link weight (metres). scipy's graph routines treat a stored 0 as "no link",
#: so zero-length links are stored as this; 1 µm is immaterial for walking distances.
MIN_LINK_M = 1e-6


def csr_min(
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    shape: tuple[int, int],
    *,
    min_weight: float | None = MIN_LINK_M,
    drop_diagonal: bool = False,
) -> sparse.csr_matrix:
    """CSR matrix of ``shape`` from triplets, keeping the minimum weight of duplicate pairs.

    Parameters
    ----------
    rows, cols : array of int
        Row and column index of each entry (same length).
    weights : array of float
        Entry values, e.g. link lengths in metres. NaN is refused.
    shape : (int, int)
        Matrix shape.
    min_weight : float or None
        Weights below this are raised to it (default :data:`MIN_LINK_M`, so zero-length links
        stay links); ``None`` keeps weights as given.
    drop_diagonal : bool
        Drop entries with ``row == col`` (self-loops of a node-to-node adjacency, which never
        shorten a path).

    Returns
    -------
    scipy.sparse.csr_matrix
        float64, canonical (sorted indices, no duplicates).
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if not (rows.shape == cols.shape == w.shape):
        raise ValueError("rows, cols and weights must have the same length")
    if np.isnan(w).any():
        raise ValueError("weights must not be NaN")
    if min_weight is not None:
        w = np.maximum(w, min_weight)
    if drop_diagonal:
        keep = rows != cols
        rows, cols, w = rows[keep], cols[keep], w[keep]
    order = np.lexsort((w, cols, rows))
    rows, cols, w = rows[order], cols[order], w[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, w = rows[first], cols[first], w[first]
    if len(rows) and (rows.min() < 0 or rows.max() >= shape[0] or cols.min() < 0 or cols.max() >= shape[1]):
        raise ValueError("an index lies outside the matrix shape")
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=shape[0]))
    m = sparse.csr_matrix((w, cols, indptr), shape=shape)
    m.has_canonical_format = True
    return m
