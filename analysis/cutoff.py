"""One rule for "within the cutoff": every coverage decision in the product uses :func:`within`.

Distances come out of floating-point sums (access + offsets + street lengths) and out of
conversions between minutes and metres, so a home exactly at the threshold can land a few
nanometres either side of it. One documented tolerance decides, the same way everywhere
(coverage flags, reach tables, isochrones, siting cover sets, coverage curves):

    within(d, limit)  <=>  d <= limit + DIST_TOL_M     (d finite, metres)
"""

from __future__ import annotations

import numpy as np

#: Tolerance (metres) added to every cutoff: 1 µm, far below any survey precision.
DIST_TOL_M = 1e-6


def within(distance_m, limit_m: float) -> np.ndarray:
    """True where a network distance is within ``limit_m`` (both metres; inf/NaN are never within).

    Parameters
    ----------
    distance_m : array-like of float
        Walking distances in metres (``inf`` = not reachable).
    limit_m : float
        The cutoff in metres (e.g. ``WalkParams.reach_m()``).

    Returns
    -------
    numpy.ndarray of bool
    """
    d = np.asarray(distance_m, dtype=np.float64)
    return np.isfinite(d) & (d <= float(limit_m) + DIST_TOL_M)


def search_limit(limit_m: float) -> float:
    """The limit to give a cutoff-limited Dijkstra so that it keeps everything :func:`within` keeps.

    Parameters
    ----------
    limit_m : float
        The cutoff in metres.

    Returns
    -------
    float
        ``limit_m`` plus twice :data:`DIST_TOL_M` (metres).
    """
    return float(limit_m) + 2 * DIST_TOL_M
