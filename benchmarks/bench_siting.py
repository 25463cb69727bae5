"""Siting benchmark: our exact MCLP (HiGHS on the reduced sparse model) and greedy vs spopt.

    .venv/bin/python benchmarks/bench_siting.py                 # sample city, small and city-scale synthetic;
                                                                # spopt on all but the city-scale one
    .venv/bin/python benchmarks/bench_siting.py --spopt-full    # also spopt on the city-scale instance (>30 min)
    .venv/bin/python benchmarks/bench_siting.py --spopt-full --spopt-time-limit 600   # cap spopt's CBC time

Synthetic city: jittered 17 km street lattice (110 m blocks, 8% of segments missing), demand
clustered around six centres with log-normal weights, 2,000 candidate + 30 existing sites on
street nodes, coverage = network distance <= 1,000 m, K = 20. spopt gets the same cost matrix
(dense, as its API requires) with existing sites as predefined facilities and its default
solver setup (PuLP + CBC). Peak memory is the process's peak resident set size, measured
before spopt runs (so it covers instance generation and our solvers only).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic_siting import SyntheticSiting, make_instance  # noqa: E402

from analysis.siting.problem import CoverageProblem  # noqa: E402
from analysis.siting.solvers import solve_mclp  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def problem_from(inst: SyntheticSiting) -> CoverageProblem:
    """Existing sites are the first ``n_existing`` sites of the instance."""
    new = inst.site_idx >= inst.n_existing
    existing = np.full(inst.n_demand, np.inf)
    np.minimum.at(existing, inst.demand_idx[~new], inst.dist_m[~new])
    return CoverageProblem.from_pairs(
        inst.demand_idx[new], inst.site_idx[new] - inst.n_existing, inst.dist_m[new],
        inst.weights, inst.cutoff_m, inst.n_candidates, existing,
    )


def run_ours(inst: SyntheticSiting, k: int, time_limit_s: float) -> dict:
    t0 = time.perf_counter()
    problem = problem_from(inst)
    _ = problem.cover
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy = solve_mclp(problem, k, solver="greedy")
    greedy_wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    exact = solve_mclp(problem, k, solver="exact", time_limit_s=time_limit_s)
    exact_wall = time.perf_counter() - t0
    return dict(problem=problem, build_s=build_s, greedy=greedy, greedy_wall=greedy_wall, exact=exact,
                exact_wall=exact_wall)


def run_spopt(inst: SyntheticSiting, k: int, time_limit_s: float | None = None) -> dict:
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    cost = inst.dense_cost()
    predefined = np.r_[np.ones(inst.n_existing), np.zeros(inst.n_candidates)].astype(int)
    model = MCLP.from_cost_matrix(cost, inst.weights, inst.cutoff_m, p_facilities=k + inst.n_existing,
                                  predefined_facilities_arr=predefined)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s), results=False)
    solve_s = time.perf_counter() - t1
    status = pulp.LpStatus[model.problem.status]
    return dict(objective=float(pulp.value(model.problem.objective)), build_s=build_s, solve_s=solve_s,
                wall=time.perf_counter() - t0, status=status)


def report(name: str, inst: SyntheticSiting, k: int, time_limit_s: float, with_spopt: bool,
           spopt_limit_s: float | None = None) -> None:
    print(f"\n== {name}: {inst.n_candidates:,} candidates + {inst.n_existing} existing x {inst.n_demand:,} demand, "
          f"K = {k}, {inst.cutoff_m:,.0f} m, {len(inst.dist_m):,} pairs within the cutoff")
    ours = run_ours(inst, k, time_limit_s)
    e, g = ours["exact"], ours["greedy"]
    print(f"reduced model: {e.model_rows:,} demand rows x {e.model_cols:,} candidates "
          f"({e.n_dominated:,} dominated candidates dropped); build {ours['build_s']:.2f} s")
    print(f"ours exact : objective {e.covered_weight:,.0f}  status {e.status}  bound {e.covered_weight_bound:,.1f}  gap {e.gap:.4%}  "
          f"wall {ours['exact_wall']:.2f} s")
    print(f"ours greedy: objective {g.covered_weight:,.0f}  wall {ours['greedy_wall'] * 1000:.1f} ms  "
          f"gap to {'optimum' if e.is_optimal else 'bound'} {e.greedy_gap:.4%}")
    print(f"peak memory (RSS, before spopt): {peak_rss_mb():,.0f} MB")
    if with_spopt:
        s = run_spopt(inst, k, spopt_limit_s)
        print(f"peak memory (RSS, after spopt): {peak_rss_mb():,.0f} MB")
        print(f"spopt MCLP : objective {s['objective']:,.0f}  status {s['status']}  wall {s['wall']:.1f} s "
              f"(model build {s['build_s']:.1f} s, CBC solve {s['solve_s']:.1f} s)")
        same = abs(s["objective"] - e.covered_weight) <= 1e-6 * max(1.0, abs(e.covered_weight))
        print(f"objectives equal: {same}   speed-up exact vs spopt: {s['wall'] / ours['exact_wall']:.1f}x")
    else:
        print("spopt: skipped on this instance (use --spopt-full)")


def run_spopt_problem(problem: CoverageProblem, k: int) -> dict:
    """spopt MCLP on the dense cost matrix of a CoverageProblem (existing sites = one predefined column)."""
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    cost = np.full((problem.n_demand, problem.n_candidates + 1), 1.0e9)
    cost[:, 0] = np.minimum(problem.existing_dist_m, 1.0e9)
    cost[problem.pair_demand, problem.pair_cand + 1] = problem.pair_dist_m
    predefined = np.r_[1, np.zeros(problem.n_candidates)].astype(int)
    model = MCLP.from_cost_matrix(cost, problem.weights, problem.threshold_m, p_facilities=k + 1,
                                  predefined_facilities_arr=predefined)
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return dict(objective=float(pulp.value(model.problem.objective)), wall=time.perf_counter() - t0,
                status=pulp.LpStatus[model.problem.status])


def sample_city(k: int, time_limit_s: float) -> None:
    """The bundled sample city: generated street candidates, estimated residents / worker proxy."""
    from analysis.sample_city import load_sample_city
    from analysis.siting.api import prepare_siting, solve_siting
    from analysis.study import clip_to_area

    city = load_sample_city()
    demand = clip_to_area(city.demand, city.grids)
    for kind, existing, dem in (("center", city.centers, demand), ("red-station", city.stations, None)):
        t0 = time.perf_counter()
        inputs = prepare_siting(city.network, kind, existing, dem, None, pois=city.features.pois)
        prep_s = time.perf_counter() - t0
        p = inputs.problem
        print(f"\n== sample city, {kind}: {len(inputs.allowed):,} generated candidates x {p.n_demand:,} demand points, "
              f"K = {k}, {p.threshold_m:,.0f} m; coverage sets {prep_s:.2f} s ({len(p.pair_dist_m):,} pairs)")
        t0 = time.perf_counter()
        e = solve_siting(city.network, inputs, k, solver="exact", time_limit_s=time_limit_s).solution
        exact_wall = time.perf_counter() - t0
        t0 = time.perf_counter()
        g = solve_siting(city.network, inputs, k, solver="greedy").solution
        greedy_wall = time.perf_counter() - t0
        print(f"ours exact : objective {e.covered_weight:,.1f}  status {e.status}  gap {e.gap:.4%}  solve {e.solve_s:.2f} s  "
              f"(with outputs {exact_wall:.2f} s)")
        print(f"ours greedy: objective {g.covered_weight:,.1f}  solve {g.greedy_s * 1000:.1f} ms (with outputs "
              f"{greedy_wall:.2f} s)  gap to optimum {e.greedy_gap:.4%}")
        s = run_spopt_problem(p, k)
        same = abs(s["objective"] - e.covered_weight) <= 1e-6 * max(1.0, abs(e.covered_weight))
        print(f"spopt MCLP : objective {s['objective']:,.1f}  status {s['status']}  wall {s['wall']:.1f} s; "
              f"objectives equal: {same}; speed-up (solve only) {s['wall'] / max(e.solve_s, 1e-9):.0f}x")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=300.0, help="exact solver time limit, seconds")
    ap.add_argument("--spopt-full", action="store_true", help="run spopt on the city-scale instance too")
    ap.add_argument("--spopt-time-limit", type=float, default=None,
                    help="CBC time limit for spopt on the city-scale instance, seconds (default: none)")
    ap.add_argument("--no-sample-city", action="store_true", help="skip the bundled sample city")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    small = make_instance(n_candidates=300, n_demand=3000, n_existing=5, side_m=6000.0, seed=args.seed)
    report("small synthetic", small, 10, args.time_limit, with_spopt=True)
    t0 = time.perf_counter()
    city = make_instance(seed=args.seed)
    print(f"\n(city instance generated in {time.perf_counter() - t0:.1f} s)")
    report("synthetic city", city, args.k, args.time_limit, with_spopt=args.spopt_full,
           spopt_limit_s=args.spopt_time_limit)
    if not args.no_sample_city:
        sample_city(5, args.time_limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
