"""Report-only views of a coverage run's walking times: residents covered at each threshold
(the coverage curve) and residents per walking-time bin. Times in minutes, residents in persons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.coverage import CoverageResult
from analysis.cutoff import within


def coverage_curve(result: CoverageResult, minutes=range(5, 16)) -> pd.DataFrame:
    """Residents covered at each threshold (minutes), from the same walking times.

    Parameters
    ----------
    result : CoverageResult
        A coverage run (demand ``time_min`` in minutes, ``population`` in persons).
    minutes : iterable of float
        Thresholds in minutes (5 to 15 by default).

    Returns
    -------
    DataFrame
        ``minutes``, ``covered_pop`` (persons), ``covered_share`` (0-1; NaN without residents).
    """
    t = result.demand["time_min"].to_numpy()
    pop = result.demand["population"].to_numpy()
    total = pop.sum()
    d_m = t * result.params.metres_per_minute
    rows = [(float(m), float(pop[within(d_m, result.params.reach_m(m))].sum())) for m in minutes]
    df = pd.DataFrame(rows, columns=["minutes", "covered_pop"])
    df["covered_share"] = df["covered_pop"] / total if total else np.nan
    return df


def time_histogram(result: CoverageResult, bin_min: float = 1.0, max_min: float = 30.0) -> pd.DataFrame:
    """Residents per walking-time bin (minutes); the last bin collects longer and unreachable walks.

    Parameters
    ----------
    result : CoverageResult
        A coverage run (demand ``time_min`` in minutes, ``population`` in persons).
    bin_min : float
        Bin width, minutes.
    max_min : float
        End of the last bin, minutes.

    Returns
    -------
    DataFrame
        ``from_min``, ``to_min`` (minutes), ``population`` (persons per bin).
    """
    t = result.demand["time_min"].to_numpy()
    pop = result.demand["population"].to_numpy()
    edges = np.arange(0.0, max_min + bin_min, bin_min)
    tt = np.where(np.isfinite(t), np.minimum(t, max_min - 1e-9), max_min - 1e-9)
    counts, _ = np.histogram(tt, bins=edges, weights=pop)
    return pd.DataFrame({"from_min": edges[:-1], "to_min": edges[1:], "population": counts})
