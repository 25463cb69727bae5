"""Red-station coverage of outdoor workers, along the walking network.

A worker point is *served* when a red station is within ``radius_m`` metres along the network
(default :data:`WORKER_RADIUS_M` = 1,000 m, an assumption of this product: about 13 minutes on
foot, a few minutes by e-bike; the documents give no distance). Distances come from one
multi-source Dijkstra (:func:`analysis.travel_time.nearest_source_distances` +
:func:`~analysis.travel_time.point_distances`, exact at mid-block positions).

Busy streets (:data:`analysis.worker_demand.BUSY_HIGHWAYS`: trunk, primary, secondary, tertiary
and their links — the "人流较为密集的沿路沿街位置" where the documents place stations) are
checked piece by piece: the stretches no station reaches within ``radius_m`` are cut exactly
(:func:`analysis.isochrones.reached_intervals`) and listed by street name and length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.ops import substring

from analysis.cutoff import within
from analysis.isochrones import isochrones, reached_intervals
from analysis.params import WalkParams
from analysis.siting.candidates import _first_class
from analysis.travel_time import nearest_source_distances, per_source_reach, point_distances
from analysis.worker_demand import BUSY_HIGHWAYS, GROUPS
from geo.crs import WGS84, to_crs_checked
from geo.errors import ParameterError
from geo.messages import both
from geo.network import WalkNetwork
from geo.snapping import snap_points, snap_sites

WORKER_RADIUS_M = 1000.0
UNNAMED = ("无名道路", "unnamed street")
_LATIN_TAIL = re.compile(r"\s+(?=[A-Za-z])")


@dataclass(frozen=True)
class WorkerSummary:
    """Headline figures (persons, 0-1 shares, metres)."""

    radius_m: float
    n_stations: int
    total_workers: float
    covered_workers: float
    covered_share: float
    busy_length_m: float
    busy_uncovered_m: float
    n_busy_streets_uncovered: int
    is_demo: bool = False


@dataclass
class WorkerCoverageResult:
    """Worker coverage; layers in the network CRS (``to_wgs84`` for maps and files).

    workers: worker_id, group, group_zh, group_en, weight, source, tag, name, dist_m (inf when no
        station within reach), station_id (nearest, '' when none), covered.
    groups: group, group_zh, group_en, workers, covered, uncovered, covered_share (fixed order).
    stations: the stations with station_id, proposed, workers_served (nearest within reach).
    busy_streets: street, highway, length_m, uncovered_m (one row per street name, most uncovered first).
    busy_gaps: uncovered stretches of busy streets (lines: street, highway, length_m).
    reach: each station's reach area (reached streets cut exactly, buffered by the frontage).
    weights: the demand weights table (:func:`analysis.worker_demand.weights_table`).
    """

    radius_m: float
    crs: str
    workers: gpd.GeoDataFrame
    groups: pd.DataFrame
    stations: gpd.GeoDataFrame
    busy_streets: pd.DataFrame
    busy_gaps: gpd.GeoDataFrame
    reach: gpd.GeoDataFrame
    weights: pd.DataFrame | None
    summary: WorkerSummary

    def to_wgs84(self) -> dict[str, gpd.GeoDataFrame]:
        """The four layers ``workers``, ``stations``, ``busy_gaps``, ``reach`` reprojected to EPSG:4326.

        Returns
        -------
        dict of str to GeoDataFrame
        """
        return {k: getattr(self, k).to_crs(WGS84) for k in ("workers", "stations", "busy_gaps", "reach")}


def street_names(names: np.ndarray) -> np.ndarray:
    """Display names: the Chinese part of bilingual OSM names ('天目山路 Tian Mu Shan Road' -> '天目山路'),
    the first of joined names, '无名道路' when blank.

    Parameters
    ----------
    names : numpy.ndarray
        OSM street names (one per edge).

    Returns
    -------
    numpy.ndarray of object
        Display names, same length.
    """
    out = []
    for n in names:
        first = str(n).split(";")[0].strip()
        zh = _LATIN_TAIL.split(first)[0].strip()
        out.append(zh or first or UNNAMED[0])
    return np.asarray(out, dtype=object)


def _merge_intervals(iv: pd.DataFrame) -> pd.DataFrame:
    """Union of (edge, start_m, end_m) intervals per edge (vectorised)."""
    if iv.empty:
        return pd.DataFrame({"edge": [], "start_m": [], "end_m": []})
    d = iv.sort_values(["edge", "start_m"], ignore_index=True)
    prev_end = d.groupby("edge")["end_m"].cummax().groupby(d["edge"]).shift()
    new = prev_end.isna() | (d["start_m"] > prev_end)
    d["piece"] = new.cumsum()
    return d.groupby("piece").agg(edge=("edge", "first"), start_m=("start_m", "min"), end_m=("end_m", "max")).reset_index(drop=True)


def uncovered_stretches(network: WalkNetwork, edges: np.ndarray, covered: pd.DataFrame) -> pd.DataFrame:
    """Stretches (edge, start_m, end_m) of ``edges`` outside the merged ``covered`` intervals.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (edge lengths in metres).
    edges : numpy.ndarray of int
        Edge indices to check.
    covered : DataFrame
        Reached intervals: ``edge``, ``start_m``, ``end_m`` (metres from the edge's ``u`` end),
        merged per edge.

    Returns
    -------
    DataFrame
        ``edge``, ``start_m``, ``end_m`` (metres) of the unreached parts longer than 1 cm, sorted.
    """
    L = network.edge_length
    m = covered[covered["edge"].isin(edges)].astype({"edge": np.int64}).sort_values(["edge", "start_m"], ignore_index=True)
    prev = m.groupby("edge")["end_m"].shift().fillna(0.0)
    head = pd.DataFrame({"edge": m["edge"], "start_m": prev, "end_m": m["start_m"]})
    last = m.groupby("edge")["end_m"].max()
    tail = pd.DataFrame({"edge": last.index.to_numpy(), "start_m": last.to_numpy(), "end_m": L[last.index.to_numpy()]})
    none = np.setdiff1d(edges, m["edge"].unique())
    whole = pd.DataFrame({"edge": none, "start_m": 0.0, "end_m": L[none]})
    out = pd.concat([head, tail, whole], ignore_index=True)
    out = out[out["end_m"] - out["start_m"] > 0.01]
    return out.sort_values(["edge", "start_m"], ignore_index=True)


def run_worker_coverage(
    network: WalkNetwork,
    stations: gpd.GeoDataFrame | None,
    workers: gpd.GeoDataFrame,
    radius_m: float = WORKER_RADIUS_M,
    *,
    weights: pd.DataFrame | None = None,
    params: WalkParams = WalkParams(),
    is_demo: bool = False,
    study_area: gpd.GeoDataFrame | None = None,
    with_reach: bool = True,
) -> WorkerCoverageResult:
    """Workers within ``radius_m`` network metres of a red station, by group; busy streets unserved.

    ``stations``: points (any CRS; a ``proposed`` column marks proposed ones); ``workers``:
    :func:`analysis.worker_demand.worker_points`. ``params`` gives the access cap and the frontage
    width of the reach areas. ``study_area`` (polygons): only busy streets whose middle lies
    inside are checked. ``with_reach=False`` skips the reach polygons (faster what-if).

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    stations : GeoDataFrame or None
        Red stations; optional ``station_id`` (or ``id``), ``name``, ``proposed`` and snap columns.
    workers : GeoDataFrame
        Worker demand points with ``group`` and ``weight`` (persons), any CRS.
    radius_m : float
        Reach along the walking network, metres.
    weights : DataFrame, optional
        The weights table, kept in the result for reports.
    params : WalkParams
        Access cap (metres) and frontage width (metres).
    is_demo : bool
        The stations are demo data.
    study_area : GeoDataFrame, optional
        Polygons, any CRS with a known datum.
    with_reach : bool
        Build the reach polygons.

    Returns
    -------
    WorkerCoverageResult
        Layers in the network's projected metric CRS, tables and the :class:`WorkerSummary`.

    Raises
    ------
    geo.errors.ParameterError
        When ``radius_m`` is not a positive finite number.
    """
    if not (np.isfinite(radius_m) and radius_m > 0):
        raise ParameterError(both("error.station_reach_invalid", radius_m=radius_m))
    crs = network.crs
    w = to_crs_checked(workers, crs, "workers layer").reset_index(drop=True).copy()
    if stations is None or len(stations) == 0:
        st = gpd.GeoDataFrame({"station_id": [], "name": [], "proposed": []}, geometry=[], crs=crs)
    else:
        st = to_crs_checked(stations, crs, "red stations layer").reset_index(drop=True).copy()
        st["geometry"] = st.geometry.representative_point()
    if "station_id" not in st:
        st["station_id"] = st["id"].astype(str) if "id" in st else [f"R{i + 1:02d}" for i in range(len(st))]
    if "name" not in st:
        st["name"] = st["station_id"]
    st["proposed"] = st["proposed"].fillna(False).astype(bool) if "proposed" in st else False
    ids = st["station_id"].astype(str).to_numpy()
    s_snap = snap_sites(network, st, params.max_access_m)  # proposed stations keep their one snap
    w_snap = snap_points(network, w, params.max_access_m)
    nd, ns = nearest_source_distances(network, s_snap, limit_m=radius_m)
    dist, src = point_distances(network, nd, ns, w_snap, s_snap)
    covered = within(dist, radius_m)
    w["dist_m"] = dist
    w["station_id"] = np.where(covered, ids[np.clip(src, 0, None)] if len(ids) else "", "")
    w["covered"] = covered
    wt = w["weight"].to_numpy(dtype=float)
    rows = []
    for g, (zh, en) in GROUPS.items():
        m = (w["group"] == g).to_numpy()
        tot, cov = float(wt[m].sum()), float(wt[m & covered].sum())
        rows.append((g, zh, en, tot, cov, tot - cov, cov / tot if tot > 0 else np.nan))
    groups = pd.DataFrame(rows, columns=["group", "group_zh", "group_en", "workers", "covered", "uncovered", "covered_share"])
    served = pd.Series(wt[covered]).groupby(w["station_id"].to_numpy()[covered]).sum()
    st["workers_served"] = pd.Series(ids).map(served).fillna(0.0).to_numpy()

    # busy streets: exact reached stretches, their complement listed by street
    cls = _first_class(network.edge_highway)
    busy = np.flatnonzero(np.isin(cls, BUSY_HIGHWAYS) & (network.node_component[network.edge_u] == 0))
    if study_area is not None and len(study_area):
        union = to_crs_checked(study_area, crs, "study area").geometry.union_all()
        mids = gpd.GeoSeries([network.edge_geometry[i].interpolate(0.5, normalized=True) for i in busy], crs=crs)
        busy = busy[mids.within(union).to_numpy()]
    reach = gpd.GeoDataFrame({"station_id": [], "minutes": [], "reach_m": []}, geometry=[], crs=crs)
    if len(st) and s_snap.on_network.any():
        node_reach = per_source_reach(network, s_snap, radius_m)
        cov_iv = _merge_intervals(reached_intervals(network, s_snap, node_reach, radius_m)[["edge", "start_m", "end_m"]])
        if with_reach:
            minutes = radius_m / params.metres_per_minute
            reach = isochrones(network, s_snap, ids, params.with_(minutes=minutes, thresholds=(minutes,)),
                               minutes=(minutes,), node_reach=node_reach).rename(columns={"center_id": "station_id"})
            reach["reach_m"] = radius_m
    else:
        cov_iv = pd.DataFrame({"edge": [], "start_m": [], "end_m": []})
    gaps = uncovered_stretches(network, busy, cov_iv)
    e = gaps["edge"].to_numpy(dtype=np.int64)
    geoms = network.edge_geometry[e].copy()
    L = network.edge_length[e]
    part = np.flatnonzero((gaps["start_m"].to_numpy() > 1e-6) | (gaps["end_m"].to_numpy() < L - 1e-6))
    for i in part:  # only partly reached busy segments
        geoms[i] = substring(geoms[i], float(gaps["start_m"].iat[i]), float(gaps["end_m"].iat[i]))
    names = street_names(network.edge_name[e])
    busy_gaps = gpd.GeoDataFrame({"street": names, "highway": cls[e], "length_m": (gaps["end_m"] - gaps["start_m"]).to_numpy()},
                                 geometry=list(geoms), crs=crs)
    all_names = street_names(network.edge_name[busy])
    tot = pd.DataFrame({"street": all_names, "highway": cls[busy], "length_m": network.edge_length[busy]})
    by = tot.groupby("street").agg(highway=("highway", "first"), length_m=("length_m", "sum"))
    by["uncovered_m"] = busy_gaps.groupby("street")["length_m"].sum().reindex(by.index).fillna(0.0)
    busy_streets = (by[by["uncovered_m"] > 0.5].reset_index()
                    .sort_values(["uncovered_m", "street"], ascending=[False, True], ignore_index=True))
    total, cov_total = float(wt.sum()), float(wt[covered].sum())
    summary = WorkerSummary(
        radius_m=float(radius_m), n_stations=int(len(st)), total_workers=total, covered_workers=cov_total,
        covered_share=cov_total / total if total > 0 else float("nan"),
        busy_length_m=float(network.edge_length[busy].sum()), busy_uncovered_m=float(busy_gaps["length_m"].sum()),
        n_busy_streets_uncovered=int(len(busy_streets)), is_demo=bool(is_demo),
    )
    return WorkerCoverageResult(float(radius_m), crs, w, groups, st, busy_streets, busy_gaps, reach, weights, summary)
