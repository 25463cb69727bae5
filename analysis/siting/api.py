"""Siting on a walking network: where do the next K service centers or red stations go?

:func:`run_siting` is the one code path used by the CLI (``servicecircle site``) and the app's
siting page. Steps (distances in metres along the network, times in minutes):

1. demand: residents (service centers) or street segments weighted by the outdoor-work proxy
   of :mod:`analysis.siting.workers` (red stations);
2. candidates: the planner's layer, or generated street positions (:mod:`.candidates`);
   candidates off the network or closer than ``min_distance_to_existing_m`` to an existing site
   are excluded (kept in the output with the reason);
3. one multi-source Dijkstra from the existing sites (they stay open and count), and one
   cutoff-limited run per candidate batch for the coverage sets, stored as a sparse long table;
4. MCLP / LSCP / p-median solved exactly (HiGHS) or greedily (:mod:`.solvers`);
5. the chosen sites in greedy order of marginal gain, with snapped street position and street
   name, before/after coverage overall, per community and per grid, and the new sites' reach
   areas (isochrones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage import UNASSIGNED, assign_areas, prepare_demand, prepare_grids
from analysis.isochrones import isochrones
from analysis.params import WalkParams
from analysis.sample_city import demo_in_use
from analysis.siting.candidates import DEFAULT_CLASSES, exclusion_mask, generate_candidates, prepare_candidates
from analysis.siting.facts import STATE_IDLE_BONUS_SHARE, numeric, owner_types, reasons, state_idle_bonus
from analysis.siting.problem import CoverageProblem
from analysis.siting.result import SitingResult, SitingSummary
from analysis.siting.solution import AnySolution
from analysis.siting.solvers import UNIT_KEYS, check_k, solve_lscp, solve_mclp, solve_pmedian
from analysis.siting.workers import weights_table, worker_demand
from analysis.shares import share_table
from analysis.travel_time import nearest_source_distances, point_distances, points_reach
from geo.crs import WGS84, to_crs_checked
from geo.errors import ParameterError
from geo.messages import Message, both, pair
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints, snap_columns, snap_points

KINDS = ("center", "red-station")
PROBLEMS = ("mclp", "lscp", "pmedian")
#: red-station coverage: network distance a worker walks to a station. An assumption (about
#: 12-15 minutes on foot, a few minutes by e-bike), configurable.
STATION_RADIUS_M = 1000.0
NEW_PREFIX = "NEW"


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class SitingParams:
    """Settings of a siting run.

    walk: walking speed and threshold for service centers (default 8 min at 4.5 km/h).
    station_radius_m: red-station coverage distance along the network (metres).
    spacing_m: minimum straight-line spacing of generated candidates (metres).
    street_classes: OSM highway classes generated candidates may stand on.
    min_distance_to_existing_m: candidates nearer than this (network metres) to an existing
        site are excluded (0 keeps them all).
    pmedian_cutoff_factor: p-median considers walks up to this many times the threshold;
        farther demand counts at that distance.
    min_area_center_m2, min_area_station_m2: minimum floor area (m²) of a candidate building per
        kind; candidates below it or without an area are excluded (0: no minimum).
    budget_wan: MCLP only: the chosen candidates' costs (万元) add up to at most this (None: no
        budget); candidates without a cost are excluded while a budget is set.
    state_idle_bonus_share: MCLP preference for 国有闲置 candidates (share of total demand added
        per chosen one, see :mod:`analysis.siting.facts`; 0 turns it off).
    """

    walk: WalkParams = field(default_factory=WalkParams)
    station_radius_m: float = STATION_RADIUS_M
    spacing_m: float = 150.0
    street_classes: tuple[str, ...] = DEFAULT_CLASSES
    min_distance_to_existing_m: float = 200.0
    pmedian_cutoff_factor: float = 2.0
    min_area_center_m2: float = 0.0
    min_area_station_m2: float = 0.0
    budget_wan: float | None = None
    state_idle_bonus_share: float = STATE_IDLE_BONUS_SHARE

    def threshold_m(self, kind: str) -> float:
        """Coverage distance along the network for ``kind``.

        Parameters
        ----------
        kind : str
            "center" (the walking reach of ``walk``: minutes x speed) or "red-station"
            (``station_radius_m``).

        Returns
        -------
        float
            Metres along the walking network.
        """
        return self.walk.reach_m() if kind == "center" else float(self.station_radius_m)

    def min_area_m2(self, kind: str) -> float:
        """Minimum floor area of a candidate building for ``kind`` (0: no minimum).

        Parameters
        ----------
        kind : str
            "center" or "red-station".

        Returns
        -------
        float
            Square metres (m²).
        """
        return float(self.min_area_center_m2 if kind == "center" else self.min_area_station_m2)


def _check(kind: str, problem: str, k: int | None) -> None:
    if kind not in KINDS:
        raise ParameterError(both("error.site_kind_unknown", kind=kind))
    if problem not in PROBLEMS:
        raise ParameterError(both("error.siting_problem_unknown", problem=problem))
    if problem != "lscp":  # LSCP chooses how many sites itself
        check_k(k)


def _check_facts(params: SitingParams, problem: str) -> None:
    """Building-fact settings: minimum areas >= 0, a budget >= 0 and only for MCLP."""
    for v in (params.min_area_center_m2, params.min_area_station_m2):
        if not (np.isfinite(v) and v >= 0):
            raise ParameterError(both("error.min_floor_area_invalid", v=v))
    if params.budget_wan is not None:
        if not (np.isfinite(params.budget_wan) and params.budget_wan >= 0):
            raise ParameterError(both("error.budget_wan_invalid", budget=params.budget_wan))
        if problem != "mclp":
            raise ParameterError(both("error.budget_mclp_only"))
    if not (np.isfinite(params.state_idle_bonus_share) and params.state_idle_bonus_share >= 0):
        raise ParameterError(both("error.state_idle_bonus_negative"))


def _street_names(network: WalkNetwork, edge: np.ndarray, x: np.ndarray, y: np.ndarray, within_m: float = 150.0):
    """Name of the snapped street, else of the nearest named street within ``within_m`` metres."""
    names = np.where(edge >= 0, network.edge_name[np.clip(edge, 0, None)], "").astype(object)
    missing = np.flatnonzero(names == "")
    named = np.flatnonzero(network.edge_name != "")
    if len(missing) and len(named):
        tree = shapely.STRtree(network.edge_geometry[named])
        pts = shapely.points(x[missing], y[missing])
        idx, dist = tree.query_nearest(pts, max_distance=within_m, return_distance=True, all_matches=False)
        names[missing[idx[0]]] = network.edge_name[named[idx[1]]]
    return names


def _area_before_after(d: pd.DataFrame, key: str) -> pd.DataFrame:
    w = d[[key, "weight", "w_before", "w_after"]].rename(
        columns={"weight": "demand", "w_before": "covered_before", "w_after": "covered_after"})
    t = share_table(w, key, "demand", {"covered_before": "share_before", "covered_after": "share_after"})
    t["gain"] = t["covered_after"] - t["covered_before"]
    return t.sort_values(["share_after", "demand"], ascending=[True, False]).reset_index(drop=True)


@dataclass(kw_only=True)
class SitingInputs:
    """Demand, candidates and coverage sets of a siting run (reusable when only K or the solver changes)."""

    kind: str
    params: SitingParams
    threshold_m: float
    cutoff_m: float
    demand: gpd.GeoDataFrame  # network CRS, one point per demand row, ``weight``
    candidates: gpd.GeoDataFrame  # network CRS, with ``status``
    c_snap: SnappedPoints
    d_snap: SnappedPoints
    c_exist_m: np.ndarray  # network metres from each candidate to the nearest existing site
    allowed: np.ndarray  # candidate rows usable (= columns of ``problem``)
    problem: CoverageProblem
    unit: str
    weights: pd.DataFrame | None
    notes: list[Message]
    is_demo: bool


def _inside(gdf: gpd.GeoDataFrame, area: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows of ``gdf`` whose representative point lies inside the union of ``area``."""
    union = to_crs_checked(area, gdf.crs, "study area").geometry.union_all()
    keep = gdf.geometry.representative_point().within(union).to_numpy()
    return gdf[keep].reset_index(drop=True)


def prepare_siting(
    network: WalkNetwork,
    kind: str,
    existing: gpd.GeoDataFrame | None,
    demand: gpd.GeoDataFrame | None,
    candidates: gpd.GeoDataFrame | None = None,
    *,
    problem: str = "mclp",
    params: SitingParams = SitingParams(),
    pois: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    study_area: gpd.GeoDataFrame | None = None,
    progress: Callable[[str], None] = _quiet,
) -> SitingInputs:
    """Steps 1-3 of the module docstring: demand, candidates, exclusion and coverage sets.

    Candidates off the network, within ``min_distance_to_existing_m`` of an existing site, below
    the minimum floor area, or without a cost under a budget keep a ``status`` saying why they
    are excluded.

    Parameters
    ----------
    network : WalkNetwork
        The walking network; every output is in its projected metric CRS (metres).
    kind : str
        "center" (党群服务中心) or "red-station" (红色驿站).
    existing : geopandas.GeoDataFrame or None
        Existing sites (points or polygons, any CRS); they stay open and count.
    demand : geopandas.GeoDataFrame or None
        Residents with ``population`` (persons; points or polygons, any CRS) for centers; for red
        stations None builds the OSM outdoor-work proxy from ``pois``/``hotspots``, or pass points
        with ``weight``/``population`` (points with a ``group`` column count outdoor workers).
    candidates : geopandas.GeoDataFrame, optional
        The planner's candidate layer (any CRS; optional ``area_m2`` m², ``cost_wan`` 万元,
        ``owner_type``); None or empty generates street positions.
    problem : str
        "mclp", "lscp" or "pmedian" (p-median keeps pairs up to ``pmedian_cutoff_factor`` x the
        threshold).
    params : SitingParams
        Walking, spacing, exclusion and building-fact settings.
    pois : geopandas.GeoDataFrame, optional
        OSM points of interest for the red-station proxy (any CRS).
    hotspots : geopandas.GeoDataFrame, optional
        The planner's outdoor-worker hotspots for the red-station proxy (any CRS).
    study_area : geopandas.GeoDataFrame, optional
        Polygons (e.g. the grids, any CRS): red-station demand built from OSM and generated
        candidates are kept inside it, so sites are not proposed outside the planner's area.
    progress : callable
        Receives one English line per step (default: silent).

    Returns
    -------
    SitingInputs
        Demand (``weight``) and candidates (``status``) in the network CRS, their snaps,
        distances to existing sites (metres), the usable candidate rows and the
        :class:`CoverageProblem`.

    Raises
    ------
    ParameterError
        Unknown ``kind`` or ``problem``, building-fact settings out of range (a budget other than
        for MCLP), or no candidate left after the exclusions.
    LayerError
        An empty or unusable demand or candidate layer.
    CRSError
        A layer without a CRS.
    """
    _check(kind, problem, 1)
    _check_facts(params, problem)
    crs = network.crs
    threshold = params.threshold_m(kind)
    cutoff = threshold * (params.pmedian_cutoff_factor if problem == "pmedian" else 1.0)
    walk = params.walk
    notes: list[Message] = []
    weights_df = None
    # 1. demand
    if kind == "red-station" and demand is None:
        progress("Building outdoor-worker demand from OSM streets and POIs…")
        d = worker_demand(network, pois, hotspots)
        if study_area is not None and len(study_area):
            d = _inside(d, study_area)
        weights_df = weights_table()
        notes.append(Message("siting.demand_proxy"))
    else:
        d = demand
        if d is not None and "population" not in d and "weight" in d:
            d = d.assign(population=d["weight"])
        d = prepare_demand(d, crs)
    d["geometry"] = d.geometry.representative_point()
    d["weight"] = d["population"].astype(float)
    unit = "residents" if kind == "center" else "outdoor-work units"
    if kind == "red-station" and "group" in d and weights_df is None:  # analysis.worker_demand points (persons)
        from analysis.worker_demand import weights_table as worker_weights

        unit = "outdoor workers"
        weights_df = worker_weights()
        notes.append(Message("siting.demand_workers"))

    # 2. candidates
    if candidates is None or len(candidates) == 0:
        progress("Generating candidate street positions…")
        cand = generate_candidates(network, street_classes=params.street_classes, spacing_m=params.spacing_m)
        if study_area is not None and len(study_area):
            cand = _inside(cand, study_area)
        notes.append(Message("siting.candidates_generated",
                             {"classes": ", ".join(params.street_classes), "spacing": params.spacing_m}))
    else:
        cand = prepare_candidates(candidates, crs)
    c_snap = snap_points(network, cand, walk.max_access_m)
    d_snap = snap_points(network, d, walk.max_access_m)

    # 3. existing sites: one multi-source run for demand and candidates
    has_existing = existing is not None and len(existing) > 0
    if has_existing:
        ex = to_crs_checked(existing, crs, "existing sites layer").copy()
        ex["geometry"] = ex.geometry.representative_point()
        e_snap = snap_points(network, ex, walk.max_access_m)
        nd, ns = nearest_source_distances(network, e_snap, limit_m=max(cutoff, params.min_distance_to_existing_m))
        d_exist, _ = point_distances(network, nd, ns, d_snap, e_snap)
        c_exist, _ = point_distances(network, nd, ns, c_snap, e_snap)
    else:
        d_exist = np.full(len(d), np.inf)
        c_exist = np.full(len(cand), np.inf)
    status = np.full(len(cand), "available", dtype=object)
    min_area = params.min_area_m2(kind)
    area = numeric(cand, "area_m2")
    if min_area > 0:
        small = ~(area >= min_area)
        status[small] = np.where(np.isnan(area[small]), f"excluded: no floor area given (minimum {min_area:g} m²)",
                                 f"excluded: floor area below the minimum {min_area:g} m²")
    if params.budget_wan is not None and problem == "mclp":
        no_cost = ~np.isfinite(numeric(cand, "cost_wan")) & (status == "available")
        status[no_cost] = "excluded: no cost (万元) given while a budget is set"
    status[~c_snap.on_network] = f"excluded: more than {walk.max_access_m:g} m from a street"
    near = exclusion_mask(c_exist, params.min_distance_to_existing_m) & c_snap.on_network
    status[near] = f"excluded: within {params.min_distance_to_existing_m:g} m of an existing site"
    allowed = np.flatnonzero(status == "available")
    if len(allowed) == 0:
        raise ParameterError(both("error.no_candidate_left"))

    # 4. coverage sets and solve
    progress(f"Coverage sets: {len(allowed):,} candidates x {len(d):,} demand points within {cutoff:,.0f} m…")
    reach = points_reach(network, c_snap.subset(allowed), d_snap, cutoff)
    prob = CoverageProblem.from_pairs(reach.target, reach.source, reach.dist_m, d["weight"].to_numpy(),
                                      threshold, len(allowed), d_exist)
    cand = cand.copy()
    cand["status"] = status
    is_demo = demo_in_use(existing, candidates)
    return SitingInputs(kind=kind, params=params, threshold_m=threshold, cutoff_m=cutoff, demand=d, candidates=cand,
                        c_snap=c_snap, d_snap=d_snap, c_exist_m=c_exist, allowed=allowed, problem=prob, unit=unit,
                        weights=weights_df, notes=notes, is_demo=is_demo)


def run_siting(
    network: WalkNetwork,
    kind: str,
    existing: gpd.GeoDataFrame | None,
    demand: gpd.GeoDataFrame | None,
    candidates: gpd.GeoDataFrame | None = None,
    k: int | None = 5,
    *,
    problem: str = "mclp",
    solver: str = "exact",
    params: SitingParams = SitingParams(),
    time_limit_s: float = 60.0,
    grids: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    pois: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    progress: Callable[[str], None] = _quiet,
) -> SitingResult:
    """Site ``k`` new service centers (``kind="center"``) or red stations (``"red-station"``).

    Parameters
    ----------
    network : WalkNetwork
        The walking network; distances are metres along it.
    kind : str
        "center" (党群服务中心) or "red-station" (红色驿站).
    existing : geopandas.GeoDataFrame or None
        Sites that stay open (counted), any CRS.
    demand : geopandas.GeoDataFrame or None
        Residents with ``population`` (persons) for centers; for red stations leave it None to
        use the OSM outdoor-work proxy built from ``pois`` (+ optional ``hotspots``), or pass
        points with a ``weight``/``population``. Any CRS.
    candidates : geopandas.GeoDataFrame, optional
        The planner's candidate layer (any CRS); None generates street positions.
    k : int or None
        Number of new sites, a whole number >= 1; ignored by LSCP (pass None).
    problem : str
        "mclp" (maximal covering), "lscp" (cover all coverable demand with the fewest sites) or
        "pmedian" (least total weighted walking distance).
    solver : str
        "exact" (HiGHS, proven bound) or "greedy".
    params : SitingParams
        Walking, spacing, exclusion and building-fact settings.
    time_limit_s : float
        Time limit of the exact solver, seconds.
    grids : geopandas.GeoDataFrame, optional
        Grid polygons (any CRS): before/after per grid, and the study area for generated
        candidates and proxy demand.
    communities : geopandas.GeoDataFrame, optional
        Community polygons (any CRS) for the per-community table.
    pois : geopandas.GeoDataFrame, optional
        OSM points of interest for the red-station proxy.
    hotspots : geopandas.GeoDataFrame, optional
        Outdoor-worker hotspots for the red-station proxy.
    progress : callable
        Receives one English line per step (default: silent).

    Returns
    -------
    SitingResult
        Chosen sites in greedy order, candidates with status, demand with coverage before/after,
        community and grid tables, reach areas of the new sites and the :class:`SitingSummary`;
        layers in the network's projected metric CRS (``to_wgs84`` for maps and files).

    Raises
    ------
    ParameterError
        Settings out of range (kind, problem, K, solver, time limit, building facts), or no
        usable candidate; each with a fix-it message.
    LayerError
        An empty or unusable input layer.
    CRSError
        A layer without a CRS.
    """
    _check(kind, problem, k)
    inputs = prepare_siting(network, kind, existing, demand, candidates, problem=problem, params=params,
                            pois=pois, hotspots=hotspots, study_area=grids, progress=progress)
    return solve_siting(network, inputs, k, problem=problem, solver=solver, time_limit_s=time_limit_s,
                        grids=grids, communities=communities, progress=progress)


def _solve(inputs: SitingInputs, k: int | None, problem: str, solver: str, time_limit_s: float,
           owner: np.ndarray, cost_wan: np.ndarray) -> AnySolution:
    """Step 4: MCLP (with building facts: costs, budget, 国有闲置 preference), LSCP or p-median."""
    prob, allowed, params = inputs.problem, inputs.allowed, inputs.params
    if problem == "mclp":
        bonus = state_idle_bonus(owner[allowed], float(prob.weights.sum()), params.state_idle_bonus_share)
        return solve_mclp(prob, int(k), solver=solver, time_limit_s=time_limit_s, cost=cost_wan[allowed],
                          budget=params.budget_wan, bonus=bonus)
    if problem == "lscp":
        return solve_lscp(prob, solver=solver, time_limit_s=time_limit_s, unit=inputs.unit)
    return solve_pmedian(prob, int(k), solver=solver, time_limit_s=time_limit_s, far_m=inputs.cutoff_m)


def _area_tables(d: gpd.GeoDataFrame, grids: gpd.GeoDataFrame | None, crs: str) -> tuple[pd.DataFrame, gpd.GeoDataFrame | None]:
    """Before/after per community (worst after first) and, when given, on the grids layer."""
    comm = _area_before_after(d, "community")
    grid_out = None
    if grids is not None and len(grids):
        g = to_crs_checked(prepare_grids(grids), crs, "grids layer")
        t = _area_before_after(d.dropna(subset=["grid_id"]), "grid_id").set_index("grid_id")
        for col in ("demand", "covered_before", "covered_after", "share_before", "share_after", "gain"):
            g[col] = g["grid_id"].map(t[col]).to_numpy()
        grid_out = g
    return comm, grid_out


def _reach_areas(network: WalkNetwork, inputs: SitingInputs, sn: SnappedPoints, ids: list[str]) -> gpd.GeoDataFrame:
    """Walking reach (isochrone) of each new site at the coverage threshold, network CRS."""
    walk, kind, threshold = inputs.params.walk, inputs.kind, inputs.threshold_m
    if len(ids):
        minutes = walk.minutes if kind == "center" else threshold / walk.metres_per_minute
        iso_params = walk.with_(minutes=minutes, thresholds=(minutes,))
        iso = isochrones(network, sn, np.asarray(ids), iso_params, minutes=(minutes,))
        iso = iso.rename(columns={"center_id": "site_id"})
        iso["reach_m"] = threshold
    else:
        iso = gpd.GeoDataFrame({"site_id": [], "minutes": [], "reach_m": []}, geometry=[], crs=network.crs)
    return iso


def solve_siting(
    network: WalkNetwork,
    inputs: SitingInputs,
    k: int | None = 5,
    *,
    problem: str = "mclp",
    solver: str = "exact",
    time_limit_s: float = 60.0,
    grids: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    progress: Callable[[str], None] = _quiet,
) -> SitingResult:
    """Steps 4-5: solve on prepared inputs and build the planner's outputs.

    Parameters
    ----------
    network : WalkNetwork
        The network ``inputs`` were prepared on.
    inputs : SitingInputs
        Result of :func:`prepare_siting` (reusable when only K or the solver changes).
    k : int or None
        Number of new sites, a whole number >= 1; ignored by LSCP (pass None).
    problem : str
        "mclp", "lscp" or "pmedian" (p-median needs inputs prepared with problem="pmedian").
    solver : str
        "exact" (HiGHS) or "greedy".
    time_limit_s : float
        Time limit of the exact solver, seconds.
    grids : geopandas.GeoDataFrame, optional
        Grid polygons (any CRS) for the per-grid before/after table.
    communities : geopandas.GeoDataFrame, optional
        Community polygons (any CRS) for the per-community table.
    progress : callable
        Receives one English line per step (default: silent).

    Returns
    -------
    SitingResult
        As :func:`run_siting`; layers in the network CRS (metres).

    Raises
    ------
    ParameterError
        Settings out of range, or coverage-only inputs used for p-median.
    """
    kind = inputs.kind
    _check(kind, problem, k)
    if problem == "pmedian" and inputs.cutoff_m <= inputs.threshold_m and inputs.params.pmedian_cutoff_factor > 1:
        raise ParameterError("These inputs were prepared for coverage; prepare them with problem='pmedian'.")
    params, crs, walk = inputs.params, network.crs, inputs.params.walk
    threshold, unit = inputs.threshold_m, inputs.unit
    prob, allowed, cand, c_snap = inputs.problem, inputs.allowed, inputs.candidates, inputs.c_snap
    d = inputs.demand.copy()
    notes = list(inputs.notes)
    weights_df = inputs.weights
    c_exist, status = inputs.c_exist_m, inputs.candidates["status"].to_numpy()
    d_exist = prob.existing_dist_m
    progress(f"Solving {problem.upper()} ({solver})…")
    owner = owner_types(cand)
    area_m2 = numeric(cand, "area_m2")
    cost_wan = numeric(cand, "cost_wan")
    _check_facts(params, problem)
    sol = _solve(inputs, k, problem, solver, time_limit_s, owner, cost_wan)
    notes.extend(sol.notes)
    if problem == "mclp" and len(sol.chosen) < int(k):
        key = "siting.only_n_add_budget" if params.budget_wan is not None else "siting.only_n_add"
        notes.append(Message(key, {"n": len(sol.chosen)}))
    chosen = allowed[sol.chosen]  # candidate rows, greedy order

    # 5. outputs
    d["dist_before_m"] = d_exist
    d["covered_before"] = prob.covered_by_existing
    d["covered_after"] = prob.covered_mask(sol.chosen)
    d["w_before"] = d["weight"] * d["covered_before"]
    d["w_after"] = d["weight"] * d["covered_after"]
    d = assign_areas(d, grids, communities)
    total = float(d["weight"].sum())

    ids = [f"{NEW_PREFIX}{i + 1:02d}" for i in range(len(chosen))]
    sn = c_snap.subset(chosen)
    street = _street_names(network, sn.edge, sn.x, sn.y)  # OSM name; the layer's 街道 column is the sub-district
    address = (cand["address"].fillna("").astype(str).to_numpy()[chosen] if "address" in cand
               else np.full(len(chosen), "", dtype=object))
    snapped = gpd.GeoSeries(gpd.points_from_xy(sn.x, sn.y), crs=crs).to_crs(WGS84)
    cum = np.cumsum(sol.marginal)
    if problem == "pmedian":
        adds = sol.marginal / walk.metres_per_minute
        verb = pair("siting.verb_saves")
        units = pair("siting.unit_resident_minutes" if kind == "center" else "siting.unit_weight_minutes")
        share = np.full(len(chosen), np.nan)
    else:
        adds = sol.marginal
        verb = pair("siting.verb_adds")
        units = pair(UNIT_KEYS[unit])
        share = sol.marginal / total if total > 0 else np.full(len(chosen), np.nan)
    why_zh, why_en = reasons(adds, share, *units, owner[chosen], area_m2[chosen], cost_wan[chosen], verb=verb)
    sites = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1),
            "site_id": ids,
            "candidate_id": cand["candidate_id"].to_numpy()[chosen],
            "name": cand["name"].to_numpy()[chosen],
            "street": street,
            "address": address,
            "description": [f"{s}附近 near {s}" if s else "无名道路旁 on an unnamed street" for s in street],
            **snap_columns(network, sn),  # the street position travels with the site (no re-snap later)
            "snap_lon": snapped.x.to_numpy(),
            "snap_lat": snapped.y.to_numpy(),
            "marginal": sol.marginal,
            "marginal_share": sol.marginal / total if total > 0 and problem != "pmedian" else np.nan,
            "cumulative": cum,
            "owner_type": owner[chosen],
            "area_m2": area_m2[chosen],
            "cost_wan": cost_wan[chosen],
            "reason_zh": why_zh,
            "reason_en": why_en,
        },
        geometry=cand.geometry.to_numpy()[chosen],
        crs=crs,
    )
    cand_out = cand.copy()
    cand_out["status"] = status
    cand_out.loc[chosen, "status"] = "chosen"
    cand_out["dist_to_existing_m"] = c_exist
    cand_out["access_m"] = c_snap.access_m

    comm, grid_out = _area_tables(d, grids, crs)

    iso = _reach_areas(network, inputs, sn, ids)

    before = float(d["w_before"].sum())
    after = float(d["w_after"].sum())
    mpm = walk.metres_per_minute
    pmedian = problem == "pmedian" and total > 0
    summary = SitingSummary(
        kind=kind, problem=problem, solver=solver, status=sol.status,
        k=k, n_new_sites=int(len(chosen)), unit=unit,
        threshold_m=threshold, threshold_min=threshold / mpm,
        total_demand=total, covered_before=before, covered_after=after,
        share_before=before / total if total else float("nan"),
        share_after=after / total if total else float("nan"),
        gap=sol.gap, greedy_gap=sol.greedy_gap,
        solve_s=sol.solve_s, greedy_s=sol.greedy_s,
        n_candidates=int(len(cand)), n_candidates_used=int(len(allowed)),
        n_excluded=int(len(cand) - len(allowed)),
        n_uncoverable=sol.n_uncoverable, uncoverable_weight=sol.uncoverable_weight,
        model_rows=sol.model_rows, model_cols=sol.model_cols, n_dominated=sol.n_dominated,
        candidates_generated=bool(cand["generated"].all()),
        min_area_m2=params.min_area_m2(kind), budget_wan=params.budget_wan,
        total_cost_wan=float(np.nansum(cost_wan[chosen])) if len(chosen) else 0.0,
        n_state_idle=int((owner[chosen] == "state_idle").sum()),
        state_idle_bonus_share=params.state_idle_bonus_share if problem == "mclp" else 0.0,
        is_demo=bool(inputs.is_demo or demo_in_use(grids)),
        mean_min_before=sol.weight_metres_before / total / mpm if pmedian else float("nan"),
        mean_min_after=sol.weight_metres / total / mpm if pmedian else float("nan"),
    )
    d = d.drop(columns=["w_before", "w_after"])
    d["community"] = d["community"].fillna(UNASSIGNED)
    return SitingResult(kind, problem, params, crs, sol, sites, cand_out, d, comm, grid_out, iso, summary,
                        weights_df, notes)
