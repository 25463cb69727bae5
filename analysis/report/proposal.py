"""A siting proposal for the report: ``analysis.siting.run_siting`` plus a coverage rerun.

The siting run chooses K new service centers from the candidates (maximal covering, exact on
HiGHS); the coverage run is then repeated with the new sites added, so the before/after table
also has walking-time percentiles and the needs list says who stays uncovered in each gap.
Distances in metres along the walking network, times in minutes.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from analysis.coverage import CoverageResult, run_coverage
from analysis.siting.api import SitingParams, SitingResult, run_siting
from geo.errors import LayerError
from geo.messages import both


def rerun_with_sites(result: CoverageResult, network, centers: gpd.GeoDataFrame, demand: gpd.GeoDataFrame,
                     sites: gpd.GeoDataFrame, grids=None, communities=None) -> CoverageResult:
    """The coverage run again, with ``sites`` (points, any CRS) added to ``centers``.

    Parameters
    ----------
    result : CoverageResult
        The run without the sites (its centers, parameters and flags are used).
    network : WalkNetwork
        The walking network (projected metric CRS).
    centers : GeoDataFrame
        Not read: the centers are taken from ``result.centers``.
    demand : GeoDataFrame
        The demand layer of the run.
    sites : GeoDataFrame
        New sites (optional ``site_id``, ``name``), any CRS with a known datum.
    grids, communities : GeoDataFrame, optional
        The run's grids and communities.

    Returns
    -------
    CoverageResult
        A full new run, in the network's CRS.
    """
    crs = network.crs
    base = result.centers[["center_id", "name", "geometry"]]
    new = sites.to_crs(crs)
    ids = new["site_id"].astype(str) if "site_id" in new else pd.Series([f"NEW{i + 1:02d}" for i in range(len(new))])
    added = gpd.GeoDataFrame({"center_id": ids.to_numpy(), "name": new["name"].astype(str).to_numpy() if "name" in new else ids.to_numpy()},
                             geometry=new.geometry.representative_point().to_numpy(), crs=crs)
    both = gpd.GeoDataFrame(pd.concat([base, added], ignore_index=True), crs=crs)
    return run_coverage(network, both, demand, result.params, grids=grids, communities=communities,
                        is_demo=result.summary.is_demo,
                        population_is_estimate=result.summary.population_is_estimate)


def propose_sites(study, result: CoverageResult, k: int, *, solver: str = "exact",
                  time_limit_s: float = 30.0) -> tuple[SitingResult, CoverageResult | None]:
    """K new service centers from ``study.candidates`` (MCLP), and the coverage rerun with them.

    Parameters
    ----------
    study : analysis.study.Study
        The study (network, centers, demand, candidates, grids, communities).
    result : CoverageResult
        The study's coverage run (walking parameters).
    k : int
        Number of new centers.
    solver : str
        ``"exact"`` or ``"greedy"`` (see :func:`analysis.siting.api.run_siting`).
    time_limit_s : float
        Solver time limit, seconds.

    Returns
    -------
    (SitingResult, CoverageResult or None)
        The siting run, and ``result`` again with the chosen sites added (None when none was chosen).

    Raises
    ------
    geo.errors.LayerError
        When the study has no candidate sites.
    """
    if study.candidates is None or not len(study.candidates):
        raise LayerError(both("error.proposal_needs_candidates"))
    sr = run_siting(study.network, "center", study.centers, study.demand, study.candidates, int(k), problem="mclp",
                    solver=solver, params=SitingParams(walk=result.params), time_limit_s=time_limit_s,
                    grids=study.grids, communities=study.communities)
    after = None
    if len(sr.sites):
        after = rerun_with_sites(result, study.network, study.centers, study.demand, sr.sites,
                                 study.grids, study.communities)
    return sr, after
