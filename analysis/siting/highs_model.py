"""Thin wrapper: pass a sparse MILP straight to HiGHS (highspy) and read back what we need.

No modelling library in between: the constraint matrix goes in as CSR arrays, so building a
model with hundreds of thousands of non-zeros takes milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


@dataclass(frozen=True)
class HighsRun:
    """Outcome of one HiGHS run (objective in model units)."""

    status: str  # "optimal", "time_limit", "infeasible", or HiGHS's own status text
    x: np.ndarray | None  # column values (None when no solution)
    objective: float
    bound: float  # proven dual bound (LP: = objective when optimal)
    seconds: float
    col_dual: np.ndarray | None = None  # LP reduced costs (None for a MIP or without a dual solution)
    row_dual: np.ndarray | None = None  # LP row duals (None for a MIP or without a dual solution)


def solve_highs(
    a: sp.csr_matrix,
    cost: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    *,
    integer: np.ndarray | None,
    maximize: bool,
    time_limit_s: float,
    options: dict | None = None,
    start: np.ndarray | None = None,
) -> HighsRun:
    """Solve min/max cost.x s.t. row_lo <= A x <= row_hi and column bounds, with HiGHS.

    Parameters
    ----------
    a : scipy.sparse.csr_matrix
        Constraint matrix, rows × columns.
    cost : numpy.ndarray of float
        Objective coefficient per column (model units, e.g. demand weight).
    col_lo, col_hi : numpy.ndarray of float
        Column bounds (:data:`INF` for none).
    row_lo, row_hi : numpy.ndarray of float
        Row bounds (:data:`INF` for none).
    integer : numpy.ndarray of bool or None
        True for integer columns; None or all False solves the LP.
    maximize : bool
        Maximise instead of minimise.
    time_limit_s : float
        HiGHS time limit, seconds (at least 0.01).
    options : dict, optional
        Further HiGHS options (name -> value).
    start : numpy.ndarray of float, optional
        A full feasible column vector given to HiGHS as an incumbent (MIP only).

    Returns
    -------
    HighsRun
        Status ("optimal", "time_limit", "infeasible" or HiGHS's text), column values (None
        without a feasible solution), objective, proven dual bound (an LP not solved to
        optimality reports ±INF), wall seconds and, for an LP solved to optimality, the reduced
        cost of each column and the dual of each row (model units per unit of column / row).
    """
    a = sp.csr_matrix(a, dtype=np.float64)
    n_row, n_col = a.shape
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_row
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lo, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_hi, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_hi, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = n_row
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    is_mip = integer is not None and bool(np.any(integer))
    if is_mip:
        kinds = np.where(integer, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
        lp.integrality_ = list(kinds)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    t0 = time.perf_counter()
    h.passModel(lp)
    if is_mip and start is not None:
        idx = np.arange(n_col, dtype=np.int32)
        h.setSolution(n_col, idx, np.asarray(start, dtype=np.float64))
    h.run()
    seconds = time.perf_counter() - t0
    model_status = h.getModelStatus()
    text = h.modelStatusToString(model_status)
    info = h.getInfo()
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
    }.get(model_status, text)
    has_x = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype=np.float64) if has_x else None
    obj = float(info.objective_function_value) if has_x else float("nan")
    col_dual = row_dual = None
    if is_mip:
        bound = float(info.mip_dual_bound)
    else:
        bound = obj if status == "optimal" else (INF if maximize else -INF)
        if status == "optimal" and info.dual_solution_status == 2:
            sol = h.getSolution()
            col_dual = np.asarray(sol.col_dual, dtype=np.float64)
            row_dual = np.asarray(sol.row_dual, dtype=np.float64)
    return HighsRun(status=status, x=x, objective=obj, bound=bound, seconds=seconds, col_dual=col_dual,
                    row_dual=row_dual)
