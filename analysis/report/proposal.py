"""A quick siting proposal for reports: k new sites from the candidates by maximal covering.

Uses the siting engine (``analysis.siting``: coverage problem, exact MCLP on HiGHS) and reruns
coverage with the proposed sites added for the before/after figures. Walking distances along
the network in metres; coverage within the run's threshold.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage import CoverageResult, run_coverage
from analysis.report.siting_lists import ReportSiting, from_solution
from analysis.siting.problem import CoverageProblem
from analysis.siting.solvers import solve_mclp
from analysis.travel_time import points_reach
from geo.errors import LayerError, ParameterError
from geo.snapping import snap_points


def propose_sites(result: CoverageResult, network, candidates: gpd.GeoDataFrame, k: int, *,
                  centers: gpd.GeoDataFrame | None = None, demand: gpd.GeoDataFrame | None = None,
                  grids=None, communities=None, solver: str = "exact", time_limit_s: float = 30.0) -> ReportSiting:
    """Choose ``k`` candidates covering the most uncovered residents; rerun coverage with them added.

    ``centers``/``demand``/``grids``/``communities`` are the run's inputs (for the rerun); without
    them the after-figures come from the marginal gains only.
    """
    if candidates is None or not len(candidates):
        raise LayerError("A proposal needs candidate sites (候选点位): give a candidates layer.")
    if k < 1:
        raise ParameterError(f"The number of proposed sites must be 1 or more (got {k}).")
    p = result.params
    cand = candidates.to_crs(network.crs).reset_index(drop=True)
    snaps = snap_points(network, cand, p.max_access_m)
    reach = points_reach(network, snaps, result.demand_snaps, p.reach_m())
    existing = result.demand["time_min"].to_numpy(dtype=float) * p.metres_per_minute
    problem = CoverageProblem.from_pairs(reach.target, reach.source, reach.dist_m, result.demand["population"].to_numpy(dtype=float),
                                         p.reach_m(), len(cand), existing_dist_m=existing)
    sol = solve_mclp(problem, min(int(k), len(cand)), solver=solver, time_limit_s=time_limit_s)
    after = None
    if centers is not None and demand is not None and len(sol.chosen):
        new = cand.iloc[sol.chosen]
        ids = new["id"].astype(str).to_numpy() if "id" in new else np.array([f"P{i + 1}" for i in range(len(new))])
        added = gpd.GeoDataFrame({"center_id": [f"NEW_{i}" for i in ids],
                                  "name": new["name"].astype(str).to_numpy() if "name" in new else ids},
                                 geometry=new.geometry.to_numpy(), crs=network.crs)
        base = result.centers[["center_id", "name", "geometry"]]
        both = gpd.GeoDataFrame(pd.concat([base, added], ignore_index=True), crs=network.crs)
        after = run_coverage(network, both, demand, p, grids=grids, communities=communities,
                             is_demo=bool(result.summary.get("is_demo")),
                             population_is_estimate=bool(result.summary.get("population_is_estimate")))
    return from_solution(sol, candidates, after)
