"""What-if: add proposed sites to a coverage run and see what they change, without recomputing it.

Only the new sites are routed (one multi-source Dijkstra plus one cutoff-limited run for their
isochrones); walking times of the base run are kept and improved where a new site is nearer.
On the sample city this takes a fraction of a second.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage import CoverageResult, _within_circle, prepare_centers, summarise
from analysis.isochrones import isochrones, straight_line_circles, walk_reach_share
from analysis.shares import share
from analysis.travel_time import nearest_source_distances, per_source_reach, point_distances, points_reach
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints, snap_sites

PROPOSED_PREFIX = "NEW"


def with_new_sites(
    base: CoverageResult, network: WalkNetwork, sites: gpd.GeoDataFrame, grids: gpd.GeoDataFrame | None = None
) -> CoverageResult:
    """``base`` plus proposed ``sites`` (points, any CRS); new centers are marked ``proposed``.

    Site ids default to NEW01, NEW02, ... . A site that already carries its street position
    (``snap_edge``, ``snap_offset_m``, ``access_m`` on this network, see
    :func:`geo.snapping.snap_sites`, e.g. from a map click or a siting run) keeps it; any other
    site snaps to its nearest street position.
    ``grids``: the grids layer of the base run (defaults to ``base.grids``).

    Parameters
    ----------
    base : CoverageResult
        The coverage run to extend (projected metric CRS).
    network : WalkNetwork
        The network ``base`` was computed on.
    sites : GeoDataFrame
        Proposed sites as points, any CRS with a known datum; optional ``center_id``, ``name`` and
        the snap columns of :data:`geo.snapping.SNAP_COLUMNS`. None or empty returns ``base``.
    grids : GeoDataFrame, optional
        The grids layer of the base run (defaults to ``base.grids``).

    Returns
    -------
    CoverageResult
        A new result in ``base``'s CRS: walking times (minutes) improved where a new site is
        nearer, centers with the new ones appended (``proposed`` = True), their isochrones and
        straight-line circles added, tables and summary recomputed.
    """
    if sites is None or len(sites) == 0:
        return base
    p = base.params
    new = sites.copy()
    if "center_id" not in new:
        new["center_id"] = [f"{PROPOSED_PREFIX}{i + 1:02d}" for i in range(len(new))]
    new = prepare_centers(new, base.crs, prefix=PROPOSED_PREFIX)
    new["proposed"] = True
    snaps = snap_sites(network, new, p.max_access_m)
    new["access_m"] = snaps.access_m
    new["off_network"] = ~snaps.on_network

    d = base.demand.copy()
    mpm = p.metres_per_minute
    nd, ns = nearest_source_distances(network, snaps)
    dist, src = point_distances(network, nd, ns, base.demand_snaps, snaps)
    better = dist < d["time_min"].to_numpy() * mpm
    d.loc[better, "time_min"] = dist[better] / mpm
    d.loc[better, "nearest_center"] = new["center_id"].to_numpy()[src[better]]
    node_reach = per_source_reach(network, snaps, p.reach_m(max(p.all_thresholds)))
    reach = points_reach(network, snaps, base.demand_snaps, p.reach_m(), node_reach=node_reach)
    d["n_centers_within"] = d["n_centers_within"].to_numpy() + np.bincount(reach.target, minlength=len(d))
    d["within_circle"] = d["within_circle"].to_numpy() | _within_circle(d, new, p.reach_m())

    isos = isochrones(network, snaps, new["center_id"].to_numpy(), p, node_reach=node_reach)
    circles = straight_line_circles(new.geometry, new["center_id"].to_numpy(), p, base.crs, p.all_thresholds)
    circles["walk_reach_share"] = walk_reach_share(circles, isos)
    centers = base.centers.copy()
    if "proposed" not in centers:
        centers["proposed"] = False
    result = replace(
        base,
        demand=d,
        centers=pd.concat([centers, new], ignore_index=True),
        isochrones=pd.concat([base.isochrones, isos], ignore_index=True),
        circles=pd.concat([base.circles, circles], ignore_index=True),
        node_time_min=np.minimum(base.node_time_min, nd / mpm),
        center_snaps=SnappedPoints.concat([base.center_snaps, snaps]),
    )
    return summarise(
        result, grids if grids is not None else base.grids,
        is_demo=base.summary.is_demo,
        population_is_estimate=base.summary.population_is_estimate,
    )


def change_table(before: CoverageResult, after: CoverageResult) -> pd.DataFrame:
    """Per community: covered residents and share before and after, and the gain (persons).

    Parameters
    ----------
    before, after : CoverageResult
        Runs on the same demand (``after`` usually from :func:`with_new_sites`).

    Returns
    -------
    DataFrame
        ``community``, ``population``, ``covered_before``, ``covered_after``, ``gain_pop`` (persons),
        ``share_before``, ``share_after`` (0-1); lowest share after first, then largest gain.
    """
    b = before.communities.set_index("community")
    a = after.communities.set_index("community")
    t = pd.DataFrame({
        "community": a.index,
        "population": a["population"].to_numpy(),
        "covered_before": b["covered_pop"].reindex(a.index).fillna(0.0).to_numpy(),
        "covered_after": a["covered_pop"].to_numpy(),
    })
    t["gain_pop"] = t["covered_after"] - t["covered_before"]
    t["share_before"] = share(t["covered_before"], t["population"])
    t["share_after"] = share(t["covered_after"], t["population"])
    return t.sort_values(["share_after", "gain_pop"], ascending=[True, False], ignore_index=True)
