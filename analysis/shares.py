"""Shares of a total that is covered, per area: the one table behind the coverage run's
community and grid tables, the siting run's before/after per area and the what-if's change
per community.

Weights are residents (persons) or, for red stations, outdoor-work units; shares are 0-1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def share(part, whole) -> np.ndarray:
    """``part / whole`` where ``whole > 0``, else NaN (0-1 when ``part <= whole``).

    Parameters
    ----------
    part : array-like of float
        Covered weight (persons or outdoor-work units).
    whole : array-like of float
        Total weight, same unit and shape as ``part``.

    Returns
    -------
    numpy.ndarray of float
        ``part / whole``; NaN where ``whole <= 0``.
    """
    part, whole = np.asarray(part, dtype=float), np.asarray(whole, dtype=float)
    return np.where(whole > 0, part / np.where(whole > 0, whole, 1.0), np.nan)


def share_table(frame: pd.DataFrame, key: str, total: str, covered: Mapping[str, str],
                summed: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per ``key``: the sums of ``total``, of each covered column and of ``summed``, and shares.

    Parameters
    ----------
    frame : DataFrame
        One row per demand point (or per area), with the columns named below.
    key : str
        The area column (e.g. ``community``, ``grid_id``); missing keys form their own group.
    total : str
        The weight column (residents or outdoor-work units).
    covered : mapping of str to str
        Covered-weight column -> name of its share column (covered / total, 0-1; NaN where the
        total is 0), e.g. ``{"covered_before": "share_before", "covered_after": "share_after"}``.
    summed : tuple of str
        Further weight columns to add up per area.

    Returns
    -------
    DataFrame
        ``key``, ``total``, the covered columns, ``summed``, then the share columns; in key order.
    """
    cols = [total, *covered, *summed]
    t = frame.groupby(key, dropna=False)[cols].sum().reset_index()
    for col, share_col in covered.items():
        t[share_col] = share(t[col], t[total])
    return t
