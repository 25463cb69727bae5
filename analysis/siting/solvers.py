"""MCLP, LSCP and p-median: exact (HiGHS MILP on the reduced sparse model) or greedy.

Each returns its model's class from :mod:`analysis.siting.solution` (covered weight for MCLP,
number of new sites for LSCP, weight x metres for p-median, each under its own name). Existing
sites are always open and counted.

Exact MCLP, chosen by timing on street-lattice instances (benchmarks/bench_siting.py,
benchmarks/bench_issue16.py):
1. reduce the model (:func:`reduce_coverage`) and run greedy (milliseconds) as incumbent;
2. solve the LP relaxation with the interior-point method (HiGHS IPX + crossover): on the
   2,000 x 20,000 benchmark it takes ~4 s where dual simplex takes ~18-70 s; when the relaxation
   is already integral, that is the proven optimum;
3. small models (``FULL_MIP_MAX_NNZ``): HiGHS's branch-and-cut on the whole model from greedy;
   large ones (:func:`_mclp_fixing`): multi-start tabu from the LP support, exact reduced-cost
   fixing with that incumbent (:mod:`analysis.siting.mclp_reduce`), branch-and-cut on the model
   left. The reported bound is always a proven one (LP, MIP or Lagrangian).
"""

from __future__ import annotations

import time
import numpy as np
import scipy.sparse as sp

from analysis.cutoff import within
from analysis.siting.greedy import GreedySequence, greedy_cover, greedy_pmedian, order_by_marginal_gain
from analysis.siting.highs_model import INF, solve_highs
from analysis.siting.lagrangian import lagrangian_mclp
from analysis.siting.mclp_reduce import (lagrangian_keep, lp_bound, mclp_milp, multistart_tabu, restrict_columns,
                                         start_vector, support_start)
from analysis.siting.problem import CoverageProblem, ReducedCoverage, reduce_coverage
from analysis.siting.solution import LscpSolution, MclpSolution, PMedianSolution
from geo.errors import ParameterError
from geo.messages import Message, both
from geo.sparse_graph import csr_min

SOLVERS = ("exact", "greedy")
# HiGHS options for the MCLP branch-and-cut, chosen by timing the 2,000 x 20,000 benchmark to a
# proven optimum: node LPs by interior point 72 s; default (dual simplex) 117 s; without
# primal heuristics 88 s (IPM) / 141 s (simplex).
MIP_OPTIONS: dict = {"mip_lp_solver": "ipm"}
INTEGRAL_TOL = 1e-6
# Before the LP/MIP (MCLP without building facts): Lagrangian bound + column fixing and a tabu
# incumbent, each a share of the time limit (capped). City benchmark (2,000 + 30 x 20,000, K = 20)
# on a 2-core machine at load ~20 (benchmarks/bench_issue16.py --only mclp): greedy 258,357 ->
# tabu 258,634 (reduced objective); proven gap with a 10 s limit 5.9% (before: no bound at all,
# the IPM LP had not finished), with 60 s 0.60% (before 0.70%); objective 419,181 (before 418,904).
# Shares 0.15/3 s gave 15.3% at 10 s and 0.64% at 60 s.
# Now the fallback when the LP does not finish within the rest of the limit (see _mclp_exact_plain):
# it gets the reserve (10% of the limit, at most 6 s), a tenth of it for tabu.
LAGRANGIAN_RESERVE_SHARE, LAGRANGIAN_MAX_S = 0.1, 6.0
TABU_SHARE, TABU_MAX_S = 0.1, 1.5
# Exact MCLP without building facts (_mclp_exact_plain): a model with at most FULL_MIP_MAX_NNZ
# covering pairs (after reduction) keeps the LP + MIP on the whole model (_mclp_exact): the
# sample city's largest siting (generated candidates, K = 20: 698 rows x 186 columns, 4,606
# pairs) is proven optimal by it in ~2 s, and its chosen sites stay as they were (the new path
# found an equally good but different set there, and spent 4.5 s, mostly the tabu budget).
# Larger models (city benchmark: 11,150 x 1,831, 151,802 pairs) take the path below.
FULL_MIP_MAX_NNZ = 50_000
# Larger models: the multi-start tabu after the LP gets this share of the limit (capped), split
# over TABU_STARTS runs from greedy on the LP support (seeds 0, 1, ...), at most TABU_STEPS swaps
# each. City benchmark (LP bound 421,925: the incumbent must reach 419,826 for a 0.5% proven gap),
# seeds 0-3, CPU on a loaded machine: tenures (out, in) (7, 3), 400 steps: 420,009 / 419,948 /
# 419,505 / 419,895; (12, 5), 400 steps: 419,948 / 420,285 / 419,674 / 420,231; (12, 5), 500
# steps (~1.0 s each): 419,948 / 420,285 / 419,948 / 420,231; 1,000 steps (2.1 s): 420,120 /
# 420,285 / 420,248 / 420,285; 2,000 steps: 420,248 / 420,285 / 420,248 / 420,285 (the optimum
# is 420,621: tabu stays 9-10 sites away from it). From greedy itself at most 419,345 whatever
# the tenure (greedy 418,904), so only the LP-support start is used. 3 runs of 600 steps: 420,285
# (seed 1 has it by step 500) in ~3 s; longer runs add nothing here but time the MIP needs.
HEURISTIC_SHARE, HEURISTIC_MAX_S = 0.4, 6.0
TABU_STARTS, TABU_TENURE, TABU_STEPS = 3, (12, 5), 600
# First LP columns: this many x K of largest total weight (plus greedy's). City benchmark (K = 20):
# 400 columns -> one LP round, 0.49 s CPU; 200 -> four rounds, 1.0 s; the whole model 3.4 s.
LP_FIRST_COLUMNS = 20
# HiGHS options for the branch-and-cut on the model left after fixing. City benchmark, model left
# for incumbent 419,662 (446 columns, 4,779 rows), 60 s wall on a loaded machine (~10-16 s CPU):
# bound 421,568 with the defaults, 421,579 with mip_lp_solver=ipm, 421,547 with
# mip_pscost_minreliable=0, 421,823 with presolve off; no clear winner, so the defaults. From the
# tabu incumbent 420,285 (374 columns, 4,128 rows) to the proven optimum 420,621, CPU at load
# ~14: defaults 63.5 s (62.2 s with mip_pscost_minreliable=1: the same 139,385 LP iterations,
# 109,337 of them strong branching, 55 nodes); without primal heuristics 63.7 s; without primal
# heuristics and restart 53.1 s (79 nodes); and without cuts at nodes (root cuts stay) 48.5 s;
# defaults from the optimum itself as incumbent 51.6 s. We bring the incumbent.
MIP_OPTIONS_RESTRICTED: dict = {"mip_heuristic_effort": 0.0, "mip_allow_restart": False,
                                "mip_allow_cut_separation_at_nodes": False}


def check_k(k: int | None, required: bool = True) -> None:
    """Refuse a number of new sites that is not a whole number >= 1 (None only when not ``required``).

    Parameters
    ----------
    k : int or None
        Number of new sites asked for.
    required : bool
        False accepts None (LSCP chooses the number itself).

    Raises
    ------
    ParameterError
        With the value given, in words a planner understands.
    """
    if k is None and not required:
        return
    if k is None or int(k) != k or k < 1:
        raise ParameterError(both("error.k_invalid", k=k))


def _check(k: int | None, solver: str, time_limit_s: float, n_candidates: int) -> None:
    if solver not in SOLVERS:
        raise ParameterError(both("error.solver_unknown", solver=solver))
    check_k(k, required=False)
    if not (time_limit_s > 0):
        raise ParameterError(both("error.time_limit_invalid", seconds=time_limit_s))
    if n_candidates == 0:
        raise ParameterError(both("error.no_candidates"))


def _rel_gap(a: float, b: float) -> float:
    if not np.isfinite(a) or not np.isfinite(b):
        return float("inf")
    gap = abs(a - b) / max(abs(a), 1e-12)
    return 0.0 if gap < 1e-12 else gap


def _mclp_exact(red: ReducedCoverage, k: int, start_cols: np.ndarray, time_limit_s: float, rel_gap: float,
                cost: np.ndarray | None = None, budget: float | None = None, bonus: np.ndarray | None = None):
    """Exact MCLP on a reduced model. Returns (cols, objective without fixed, bound, status).

    Building facts: ``budget`` adds the row sum(cost_j x_j) <= budget (``cost`` per reduced
    column); ``bonus`` (per reduced column, weight units) is added to the objective for each
    chosen column. The objective and bound returned then include the chosen columns' bonus.
    """
    c = red.cover.astype(np.float64)
    nr, nc = c.shape
    bon = np.zeros(nc) if bonus is None else np.asarray(bonus, dtype=np.float64)
    # columns: x (nc candidates, binary) then y (nr rows, continuous 0..1)
    blocks = [
        sp.hstack([-c, sp.identity(nr, format="csr")]),
        sp.hstack([sp.csr_matrix(np.ones((1, nc))), sp.csr_matrix((1, nr))]),
    ]
    row_hi_list = [np.zeros(nr), [float(k)]]
    lo, hi = np.zeros(nc + nr), np.ones(nc + nr)
    if budget is not None:
        cst = np.asarray(cost, dtype=np.float64)
        unknown = ~np.isfinite(cst) | (cst > budget)  # never affordable: fixed to 0
        hi[:nc][unknown] = 0.0
        blocks.append(sp.hstack([sp.csr_matrix(np.where(unknown, 0.0, cst).reshape(1, nc)), sp.csr_matrix((1, nr))]))
        row_hi_list.append([float(budget)])
    a = sp.vstack(blocks).tocsr()
    obj_coef = np.concatenate([bon, red.weights])
    row_hi = np.concatenate(row_hi_list)
    row_lo = np.full(len(row_hi), -INF)

    def value(xb: np.ndarray) -> float:
        return float(red.weights @ (c @ xb > 0) + bon @ xb)

    t0 = time.perf_counter()
    lp = solve_highs(a, obj_coef, lo, hi, row_lo, row_hi, integer=None, maximize=True,
                     time_limit_s=time_limit_s, options={"solver": "ipm", "run_crossover": "on"})
    bound = lp.bound if lp.status == "optimal" else INF
    if lp.x is not None and lp.status == "optimal":
        x = lp.x[:nc]
        if np.all(np.minimum(x, 1 - x) <= INTEGRAL_TOL):
            cols = np.flatnonzero(x > 0.5)
            return cols, value((x > 0.5).astype(np.float64)), bound, "optimal"
    left = time_limit_s - (time.perf_counter() - t0)
    start = np.zeros(nc + nr)
    start[start_cols] = 1.0
    start[nc:] = (c @ start[:nc]) > 0
    start_obj = value(start[:nc])
    if left <= 0.05:
        return start_cols, start_obj, bound, "time_limit"
    integer = np.zeros(nc + nr, dtype=bool)
    integer[:nc] = True
    mip = solve_highs(a, obj_coef, lo, hi, row_lo, row_hi, integer=integer, maximize=True, time_limit_s=left,
                      options={"mip_rel_gap": rel_gap, "mip_abs_gap": 1e-9, **MIP_OPTIONS}, start=start)
    bound = min(bound, mip.bound) if np.isfinite(mip.bound) else bound
    if mip.x is None or mip.objective < start_obj:
        cols, obj = start_cols, start_obj
    else:
        cols = np.flatnonzero(mip.x[:nc] > 0.5)
        obj = value((mip.x[:nc] > 0.5).astype(np.float64))
    status = "optimal" if mip.status == "optimal" or _rel_gap(obj, bound) <= rel_gap else "time_limit"
    return cols, obj, max(bound, obj), status


def _positions(sorted_cols: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Indices in ``sorted_cols`` of those ``cols`` it contains."""
    i = np.searchsorted(sorted_cols, cols)
    ok = i < len(sorted_cols)
    ok[ok] = sorted_cols[i[ok]] == np.asarray(cols)[ok]
    return i[ok]


def _lagrangian_fallback(red: ReducedCoverage, k: int, cols: np.ndarray, obj: float, left: float, rel_gap: float):
    """Tabu incumbent and subgradient bound in the time ``left`` (s) when the LP did not finish."""
    left = max(left, 0.2)
    lag = lagrangian_mclp(red.cover, red.weights, k, start_cols=cols, target_gap=rel_gap,
                          time_limit_s=(1.0 - TABU_SHARE) * left, improve_s=min(TABU_SHARE * left, TABU_MAX_S))
    if lag.objective > obj:
        cols, obj = lag.cols, lag.objective
    bound = max(lag.bound, obj)
    return cols, obj, bound, "optimal" if _rel_gap(obj, bound) <= rel_gap else "time_limit"


def _mclp_exact_plain(red: ReducedCoverage, k: int, start_cols: np.ndarray, time_limit_s: float, rel_gap: float):
    """Exact MCLP without building facts: the LP/MIP on the whole model when it is small
    (``FULL_MIP_MAX_NNZ``), else :func:`_mclp_fixing`. When the LP does not finish within the
    limit less a reserve, the Lagrangian step (:mod:`analysis.siting.lagrangian`: tabu incumbent
    and subgradient bound) spends the reserve, so a finite proven bound is always reported.

    Lagrangian and tabu *before* the LP (city benchmark, idle 2-core machine, 60 s) gave a 0.535%
    gap and 419,181 where the LP/MIP alone gave 0.428% and 419,633, so they are the fallback.
    """
    if red.cover.nnz > FULL_MIP_MAX_NNZ:
        return _mclp_fixing(red, k, start_cols, time_limit_s, rel_gap)
    t0 = time.perf_counter()
    reserve = min(LAGRANGIAN_RESERVE_SHARE * time_limit_s, LAGRANGIAN_MAX_S)
    cols, obj, bound, status = _mclp_exact(red, k, start_cols, time_limit_s - reserve, rel_gap)
    if status == "optimal" or np.isfinite(bound):
        return cols, obj, bound, status
    return _lagrangian_fallback(red, k, cols, obj, time_limit_s - (time.perf_counter() - t0), rel_gap)


def _mclp_fixing(red: ReducedCoverage, k: int, start_cols: np.ndarray, time_limit_s: float, rel_gap: float):
    """Exact MCLP on a large model: LP bound by columns, local search, fixing, then the MIP.

    1. LP relaxation by column generation (:func:`analysis.siting.mclp_reduce.lp_bound`, first
       columns: the ``LP_FIRST_COLUMNS`` x K of largest total weight and greedy's), certified over
       all columns: the bound ``U``; an integral LP solution is optimal.
    2. Multi-start tabu (:func:`analysis.siting.mclp_reduce.multistart_tabu`) from greedy
       restricted to the LP support (``TABU_STARTS`` seeds) on the columns Lagrangian fixing
       keeps for the greedy value: the incumbent ``L`` (greedy's answer when better).
    3. Fixing with ``L`` drops every column no better solution uses; the rows left are merged
       (:func:`analysis.siting.mclp_reduce.restrict_columns`) and HiGHS's branch-and-cut runs on
       that smaller model from ``L`` (``MIP_OPTIONS_RESTRICTED``). Its bound ``B`` holds for the
       whole model as max(``L``, ``B``); the bound reported is the smaller of that and ``U``.
    When no LP finishes within the limit less a reserve, the Lagrangian step
    (:mod:`analysis.siting.lagrangian`) spends the reserve, so a proven bound is always reported.
    Returns (columns, objective, bound, status) in the reduced model's weight (fixed excluded).
    """
    t0 = time.perf_counter()
    reserve = min(LAGRANGIAN_RESERVE_SHARE * time_limit_s, LAGRANGIAN_MAX_S)
    c = red.cover
    nc = c.shape[1]

    def value(cols: np.ndarray) -> float:
        x = np.zeros(nc)
        x[np.asarray(cols, dtype=np.int64)] = 1.0
        return float(red.weights @ ((c @ x) > 0))

    cols, obj = np.asarray(start_cols, dtype=np.int64), value(start_cols)
    first = np.zeros(nc, dtype=bool)
    first[np.argsort(-(c.T @ red.weights), kind="stable")[: LP_FIRST_COLUMNS * k]] = True
    first[cols] = True
    lp = lp_bound(c, red.weights, k, first, time_limit_s=time_limit_s - reserve)
    if lp is None:
        return _lagrangian_fallback(red, k, cols, obj, time_limit_s - (time.perf_counter() - t0), rel_gap)
    upper, x_lp = lp.bound, lp.x
    if lp.complete and np.all(np.minimum(x_lp, 1 - x_lp) <= INTEGRAL_TOL):
        cand = np.flatnonzero(x_lp > 0.5)
        if value(cand) >= obj:
            cols, obj = cand, value(cand)
        return cols, obj, max(upper, obj), "optimal" if _rel_gap(obj, upper) <= rel_gap else "time_limit"
    # local search on the columns a better solution than greedy's may use
    near = restrict_columns(c, red.weights, lagrangian_keep(lp.prices, upper, k, obj))
    supp = support_start(near.cover, near.weights, k, x_lp[near.cols])
    starts = [supp] * TABU_STARTS if len(supp) else [_positions(near.cols, cols)]
    heur_s = min(HEURISTIC_SHARE * time_limit_s, HEURISTIC_MAX_S, time_limit_s - (time.perf_counter() - t0))
    got, _ = multistart_tabu(near.cover, near.weights, k, starts, time_limit_s=heur_s, steps=TABU_STEPS,
                             tenure=TABU_TENURE)
    cand = near.cols[got]
    if value(cand) > obj:
        cols, obj = cand, value(cand)
    if _rel_gap(obj, upper) <= rel_gap:
        return cols, obj, max(upper, obj), "optimal"
    left = time_limit_s - (time.perf_counter() - t0)
    if left <= 0.05:
        return cols, obj, max(upper, obj), "time_limit"
    rm = restrict_columns(c, red.weights, lagrangian_keep(lp.prices, upper, k, obj))
    in_rm = _positions(rm.cols, cols)
    ok = len(in_rm) == len(cols)  # always, unless float noise dropped one of the incumbent's columns
    sub = mclp_milp(rm.cover, rm.weights, k)
    mip = solve_highs(**sub, maximize=True, time_limit_s=left,
                      options={"mip_rel_gap": rel_gap, "mip_abs_gap": 1e-9, **MIP_OPTIONS_RESTRICTED},
                      start=start_vector(rm.cover, in_rm) if ok else None)
    if mip.x is not None:
        cand = rm.cols[np.flatnonzero(mip.x[:rm.n_cols] > 0.5)]
        if value(cand) > obj:
            cols, obj = cand, value(cand)
    # a solution better than obj uses kept columns only, so it is worth <= the restricted bound
    bound = min(upper, max(mip.bound, obj)) if np.isfinite(mip.bound) else upper
    optimal = mip.status == "optimal" or _rel_gap(obj, bound) <= rel_gap
    return cols, obj, max(bound, obj), "optimal" if optimal else "time_limit"


def _building_facts(problem: CoverageProblem, cost, budget, bonus) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Validated per-candidate cost (inf when unknown) and bonus arrays, or None when unused."""
    n = problem.n_candidates
    c = b = None
    if budget is not None:
        if not (np.isfinite(budget) and budget >= 0):
            raise ParameterError(both("error.budget_invalid", budget=budget))
        if cost is None:
            raise ParameterError(both("error.budget_needs_costs"))
        c = np.asarray(cost, dtype=np.float64)
        if c.shape != (n,) or np.any(c[np.isfinite(c)] < 0):
            raise ParameterError(both("error.costs_invalid"))
        c = np.where(np.isfinite(c), c, np.inf)
    if bonus is not None:
        b = np.asarray(bonus, dtype=np.float64)
        if b.shape != (n,) or np.any(~np.isfinite(b)) or np.any(b < 0):
            raise ParameterError(both("error.bonuses_invalid"))
        if not b.any():
            b = None
    return c, b


def solve_mclp(
    problem: CoverageProblem,
    k: int,
    *,
    solver: str = "exact",
    time_limit_s: float = 60.0,
    rel_gap: float = 1e-6,
    cost: np.ndarray | None = None,
    budget: float | None = None,
    bonus: np.ndarray | None = None,
) -> MclpSolution:
    """Maximal covering: choose ``k`` new candidates maximising covered weight (existing counted).

    Fewer than ``k`` sites are returned when the others would add nothing (all coverable demand
    is already covered); the planner is told so by the caller.

    Building facts (both solvers): ``budget`` (e.g. 万元) with ``cost`` per candidate (``inf`` or
    NaN = unknown, never chosen) keeps sum(cost of chosen) <= budget; ``bonus`` per candidate
    (weight units, >= 0) is added to the objective for each chosen candidate — the documented
    preference for state-owned idle property (:mod:`analysis.siting.facts`). ``covered_weight`` and
    ``greedy_covered_weight`` leave the bonus out; the exact solver's optimality (``status``,
    ``gap``) is for covered weight plus bonus. With either, dominated candidates are not dropped
    (a dominated candidate may be cheaper or preferred).

    Parameters
    ----------
    problem : CoverageProblem
        Demand x candidate network distances (metres), weights and existing coverage.
    k : int
        Number of new sites, a whole number >= 1.
    solver : str
        "exact" (HiGHS on the reduced model, greedy as the starting incumbent) or "greedy".
    time_limit_s : float
        Time limit of the exact solver, seconds (> 0).
    rel_gap : float
        Relative gap (0-1) at which the exact answer counts as optimal.
    cost : numpy.ndarray of float, optional
        Cost per candidate (e.g. 万元), needed with ``budget``.
    budget : float, optional
        Most the chosen candidates may cost together (same unit as ``cost``, >= 0).
    bonus : numpy.ndarray of float, optional
        Preference per candidate in demand-weight units (finite, >= 0).

    Returns
    -------
    MclpSolution
        Chosen candidates (original indices, greedy order, only those adding weight) with the
        weight each adds; ``covered_weight``/``covered_weight_bound`` in demand weight (residents
        or outdoor-work units) including existing sites; ``covered_weight_before`` = weight covered
        by existing sites; ``greedy_covered_weight`` and ``greedy_gap``; timings in seconds.

    Raises
    ------
    ParameterError
        Unknown solver, ``k`` not a whole number >= 1, a time limit <= 0, no candidates, or
        budget, costs or bonuses out of range.
    """
    _check(k, solver, time_limit_s, problem.n_candidates)
    cost, bonus = _building_facts(problem, cost, budget, bonus)
    facts = cost is not None or bonus is not None
    red = reduce_coverage(problem, drop_dominated=not facts)
    col_cost = None if cost is None else cost[red.cand_of_col]
    col_bonus = None if bonus is None else bonus[red.cand_of_col]
    t0 = time.perf_counter()
    greedy = greedy_cover(red.cover, red.weights, k, cost=col_cost, budget=budget, bonus=col_bonus)
    greedy_s = time.perf_counter() - t0
    g_obj = red.fixed_weight + greedy.total
    unc = red.uncoverable & (problem.weights > 0)
    n_unc = int(unc.sum())
    unc_w = float(problem.weights[unc].sum())
    if solver == "greedy" or (red.n_cols <= k and not facts) or red.n_rows == 0:
        status = "greedy" if solver == "greedy" else "trivial"
        cols, obj, bound = greedy.cols, greedy.total, greedy.total
        if status == "greedy":
            bound = float("nan")
        solve_s = 0.0
    else:
        t1 = time.perf_counter()
        if facts:
            cols, obj, bound, status = _mclp_exact(red, k, greedy.cols, time_limit_s, rel_gap,
                                                   col_cost, budget, col_bonus)
        else:
            cols, obj, bound, status = _mclp_exact_plain(red, k, greedy.cols, time_limit_s, rel_gap)
        solve_s = time.perf_counter() - t1
        if col_bonus is not None:  # back to covered weight: bound stays >= objective
            chosen_bonus = float(col_bonus[cols].sum())
            obj, bound = obj - chosen_bonus, bound - chosen_bonus
    seq = order_by_marginal_gain(red.cover, red.weights, cols)
    keep = seq.gains > 0
    total = red.fixed_weight + obj
    total_bound = red.fixed_weight + bound
    ref = total if status in ("optimal", "trivial") else total_bound
    return MclpSolution(
        solver=solver,
        status=status,
        chosen=red.cand_of_col[seq.cols[keep]],
        marginal=seq.gains[keep],
        covered_weight=total,
        covered_weight_bound=total_bound,
        gap=_rel_gap(total, total_bound) if np.isfinite(total_bound) else float("nan"),
        greedy_covered_weight=g_obj,
        greedy_gap=_rel_gap(ref, g_obj) if np.isfinite(ref) else float("nan"),
        solve_s=solve_s,
        greedy_s=greedy_s,
        covered_weight_before=red.fixed_weight,
        uncoverable_weight=unc_w,
        n_uncoverable=n_unc,
        model_rows=red.n_rows,
        model_cols=red.n_cols,
        n_dominated=red.n_dominated,
    )


# demand units of a siting run -> catalogue key of their name
UNIT_KEYS = {"residents": "siting.unit_residents", "outdoor workers": "siting.unit_workers",
             "outdoor-work units": "siting.unit_work_units"}


def uncoverable_message(n_points: int, weight: float, unit: str = "residents") -> Message:
    """Plain message about demand no candidate (and no existing site) can cover.

    Parameters
    ----------
    n_points : int
        Demand points no candidate covers.
    weight : float
        Their demand weight (residents or outdoor-work units).
    unit : str
        The demand's unit: a key of :data:`UNIT_KEYS` (named in the reader's language), else shown as given.

    Returns
    -------
    Message
        The note, rendered later in the reader's language.
    """
    name = Message(UNIT_KEYS[unit]) if unit in UNIT_KEYS else unit
    return Message("siting.uncoverable", {"n": int(n_points), "weight": float(weight), "unit": name})


def solve_lscp(
    problem: CoverageProblem,
    *,
    solver: str = "exact",
    time_limit_s: float = 60.0,
    strict: bool = False,
    unit: str = "residents",
) -> LscpSolution:
    """Set covering: fewest new candidates so every coverable demand point is covered.

    Demand no candidate covers is reported (``n_uncoverable``, ``uncoverable_weight``, a note)
    and left out, so an answer always exists; with ``strict=True`` it raises
    :class:`ParameterError` with that message instead.

    Parameters
    ----------
    problem : CoverageProblem
        Demand x candidate network distances (metres), weights and existing coverage (demand an
        existing site covers needs no new site).
    solver : str
        "exact" (HiGHS, greedy set cover as the starting incumbent) or "greedy".
    time_limit_s : float
        Time limit of the exact solver, seconds (> 0).
    strict : bool
        Refuse instead of leaving out demand no candidate covers.
    unit : str
        Name of the weight unit used in the message.

    Returns
    -------
    LscpSolution
        Chosen candidates (original indices, greedy order of added weight); ``n_sites`` = number
        of new sites, ``n_sites_bound`` = proven lower bound on it (NaN for greedy),
        ``greedy_n_sites``; uncoverable demand.

    Raises
    ------
    ParameterError
        Unknown solver, a time limit <= 0, no candidates, or (``strict``) uncoverable demand.
    """
    _check(None, solver, time_limit_s, problem.n_candidates)
    red = reduce_coverage(problem)
    unc = red.uncoverable & (problem.weights > 0)
    notes: tuple[Message, ...] = ()
    if unc.any():
        msg = uncoverable_message(int(unc.sum()), float(problem.weights[unc].sum()), unit)
        if strict:
            raise ParameterError(msg.text("en"))
        notes = (msg,)
    t0 = time.perf_counter()
    greedy = greedy_cover(red.cover, red.counts, None)  # classic greedy: most demand points first
    greedy_s = time.perf_counter() - t0
    cols = greedy.cols
    status = "greedy" if solver == "greedy" else "trivial"
    bound = float("nan") if solver == "greedy" else float(len(cols))
    solve_s = 0.0
    if solver == "exact" and red.n_rows and len(cols) > 1:
        c = red.cover.astype(np.float64)
        start = np.zeros(red.n_cols)
        start[cols] = 1.0
        run = solve_highs(c, np.ones(red.n_cols), np.zeros(red.n_cols), np.ones(red.n_cols),
                          np.ones(red.n_rows), np.full(red.n_rows, INF), integer=np.ones(red.n_cols, bool),
                          maximize=False, time_limit_s=time_limit_s, options={"mip_rel_gap": 0.0}, start=start)
        solve_s = run.seconds
        if run.x is not None and run.objective <= len(cols):
            cols = np.flatnonzero(run.x > 0.5)
        bound = float(np.ceil(run.bound - 1e-6)) if np.isfinite(run.bound) else 1.0
        status = "optimal" if run.status == "optimal" or bound >= len(cols) else "time_limit"
    seq = order_by_marginal_gain(red.cover, red.weights, cols)
    n = len(cols)
    ref = n if status in ("optimal", "trivial") else bound
    return LscpSolution(
        solver=solver, status=status,
        chosen=red.cand_of_col[seq.cols], marginal=seq.gains,
        n_sites=n, n_sites_bound=bound, gap=_rel_gap(n, bound) if np.isfinite(bound) else float("nan"),
        greedy_n_sites=len(greedy.cols),
        greedy_gap=_rel_gap(ref, len(greedy.cols)) if np.isfinite(ref) else float("nan"),
        solve_s=solve_s, greedy_s=greedy_s,
        uncoverable_weight=float(problem.weights[unc].sum()),
        n_uncoverable=int(unc.sum()),
        model_rows=red.n_rows, model_cols=red.n_cols, n_dominated=red.n_dominated, notes=notes,
    )


def solve_pmedian(
    problem: CoverageProblem,
    k: int,
    *,
    solver: str = "exact",
    time_limit_s: float = 60.0,
    far_m: float | None = None,
) -> PMedianSolution:
    """p-median: choose ``k`` new candidates minimising sum(weight x metres to the nearest site).

    Each demand point uses its nearest open site (existing or new). Pairs beyond the problem's
    cutoff are unknown, so a demand point with no site within the cutoff counts at ``far_m``
    metres (default: the longest pair distance kept), stated with the result.

    Parameters
    ----------
    problem : CoverageProblem
        Demand x candidate network distances (metres) up to the p-median cutoff, weights and
        distances to existing sites.
    k : int
        Number of new sites, a whole number >= 1.
    solver : str
        "exact" (HiGHS, savings formulation with the greedy start) or "greedy".
    time_limit_s : float
        Time limit of the exact solver, seconds (> 0).
    far_m : float, optional
        Distance in metres charged to demand with no site within the cutoff.

    Returns
    -------
    PMedianSolution
        Chosen candidates (original indices, greedy order) with the weight x metres each saves;
        ``weight_metres``/``weight_metres_bound``/``greedy_weight_metres`` in demand weight x
        network metres, ``weight_metres_before`` with the existing sites only; ``far_m`` and a
        note on it.

    Raises
    ------
    ParameterError
        Unknown solver, ``k`` not a whole number >= 1, a time limit <= 0, or no candidates.
    """
    _check(k, solver, time_limit_s, problem.n_candidates)
    far = float(far_m) if far_m is not None else float(max(problem.pair_dist_m.max(initial=0.0), problem.threshold_m))
    w = problem.weights
    base = np.minimum(problem.existing_dist_m, far)
    # only pairs that improve on the existing site matter
    m = (problem.pair_dist_m < base[problem.pair_demand]) & (w[problem.pair_demand] > 0)
    pr, pc, pdist = problem.pair_demand[m], problem.pair_cand[m], problem.pair_dist_m[m]
    before = float(w @ base)
    t0 = time.perf_counter()
    greedy = greedy_pmedian(pr, pc, pdist, w, base, k)
    greedy_s = time.perf_counter() - t0
    g_obj = before - greedy.total
    cols, saving, bound_saving, status, solve_s = greedy.cols, greedy.total, float("nan"), "greedy", 0.0
    if solver == "exact" and not len(pr):
        bound_saving, status = 0.0, "trivial"  # no candidate improves on the existing sites
    elif solver == "exact":
        cols, saving, bound_saving, status, solve_s = _pmedian_exact(pr, pc, pdist, w, base, k, greedy, time_limit_s)
    obj = before - saving
    bound = before - bound_saving
    cur = base.copy()
    order, gains = [], []
    remaining = list(cols)
    while remaining:  # greedy order of the chosen set (k is small)
        best, best_gain = remaining[0], -1.0
        for j in remaining:
            mm = pc == j
            gain = float(np.sum(w[pr[mm]] * np.maximum(cur[pr[mm]] - pdist[mm], 0)))
            if gain > best_gain:
                best, best_gain = j, gain
        mm = pc == best
        np.minimum.at(cur, pr[mm], pdist[mm])
        order.append(best)
        gains.append(best_gain)
        remaining.remove(best)
    ref = obj if status == "optimal" else bound
    return PMedianSolution(
        solver=solver, status=status,
        chosen=np.asarray(order, dtype=np.int64), marginal=np.asarray(gains),
        weight_metres=obj, weight_metres_bound=bound,
        gap=_rel_gap(obj, bound) if np.isfinite(bound) else float("nan"),
        greedy_weight_metres=g_obj, greedy_gap=_rel_gap(ref, g_obj) if np.isfinite(ref) else float("nan"),
        solve_s=solve_s, greedy_s=greedy_s, weight_metres_before=before, far_m=far,
        uncoverable_weight=float(w[~within(problem.existing_dist_m, far) & ~np.isin(np.arange(problem.n_demand), pr)].sum()),
        n_uncoverable=0, model_rows=len(np.unique(pr)), model_cols=len(np.unique(pc)), n_dominated=0,
        notes=(Message("siting.pmedian_cap", {"far": float(far)}),),
    )


def _pmedian_exact(pr, pc, pdist, w, base, k, greedy: GreedySequence, time_limit_s: float):
    """Savings form: max sum w_i (base_i - d_ij) z_ij, sum_j z_ij <= 1, z_ij <= x_j, sum x <= k."""
    cand, col_of = np.unique(pc, return_inverse=True)
    rows, row_of = np.unique(pr, return_inverse=True)
    nx, nz, ni = len(cand), len(pr), len(rows)
    save = w[pr] * (base[pr] - pdist)
    z = nx + np.arange(nz)
    # rows 0..ni-1: assignment; ni..ni+nz-1: z <= x; last: cardinality
    # triplets are unique by construction (one z per (demand, candidate) pair, see from_pairs);
    # csr_min states the no-summing rule explicitly
    r_assign = csr_min(row_of, z, np.ones(nz), (ni, nx + nz), min_weight=None)
    link = csr_min(np.tile(np.arange(nz), 2), np.concatenate([z, col_of]),
                   np.concatenate([np.ones(nz), -np.ones(nz)]), (nz, nx + nz), min_weight=None)
    card = csr_min(np.zeros(nx, dtype=int), np.arange(nx), np.ones(nx), (1, nx + nz), min_weight=None)
    a = sp.vstack([r_assign, link, card]).tocsr()
    row_lo = np.full(ni + nz + 1, -INF)
    row_hi = np.concatenate([np.ones(ni), np.zeros(nz), [float(k)]])
    cost = np.concatenate([np.zeros(nx), save])
    integer = np.zeros(nx + nz, dtype=bool)
    integer[:nx] = True
    start = np.zeros(nx + nz)
    gcols = np.searchsorted(cand, greedy.cols)
    start[gcols] = 1.0
    # assign each row of the start to its best open pair
    open_pair = start[col_of] > 0
    sv = np.where(open_pair, save, -1.0)
    order = np.lexsort((-sv, row_of))
    first = np.ones(nz, dtype=bool)
    first[1:] = row_of[order][1:] != row_of[order][:-1]
    best = order[first & (sv[order] > 0)]
    start[nx + best] = 1.0
    run = solve_highs(a, cost, np.zeros(nx + nz), np.ones(nx + nz), row_lo, row_hi, integer=integer,
                      maximize=True, time_limit_s=time_limit_s, options={"mip_rel_gap": 1e-6}, start=start)
    if run.x is None or run.objective < greedy.total:
        return greedy.cols, greedy.total, run.bound, run.status, run.seconds
    cols = cand[np.flatnonzero(run.x[:nx] > 0.5)]
    return cols, float(run.objective), float(run.bound), run.status, run.seconds
