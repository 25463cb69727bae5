"""Walking isochrones: the streets reachable within T minutes, cut at the exact remaining distance.

An isochrone is the union of reached street pieces (whole segments, plus the partly reached
frontier segments cut where the remaining distance runs out, plus the source's own segment
around it), buffered by the street frontage width ``WalkParams.frontage_m`` (metres) to an area.
The straight-line circle of the same nominal distance is computed for comparison only.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from analysis.cutoff import DIST_TOL_M, within
from analysis.params import WalkParams
from analysis.travel_time import ReachTable, per_source_reach
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints


def reached_intervals(
    network: WalkNetwork, sources: SnappedPoints, node_reach: ReachTable, limit_m: float
) -> pd.DataFrame:
    """Reached stretches of segments per source: rows (source, edge, start_m, end_m).

    Distances along segments are measured from the segment's u end (metres). A segment is whole
    when the walks entering from both ends meet; otherwise up to two pieces from its ends.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sources : SnappedPoints
        The sources of ``node_reach``.
    node_reach : ReachTable
        (source, node, metres) pairs from :func:`analysis.travel_time.per_source_reach` made with
        a limit >= ``limit_m``.
    limit_m : float
        Walking distance in metres.

    Returns
    -------
    DataFrame
        ``source``, ``edge``, ``start_m``, ``end_m`` (metres from the edge's u end); pieces of
        one source may overlap.
    """
    r = node_reach.to_frame()
    r = r[within(r["dist_m"].to_numpy(), limit_m)]
    limit_m = float(limit_m) + DIST_TOL_M  # the remaining distance uses the same tolerance
    E = pd.DataFrame({"edge": np.arange(network.n_edges), "u": network.edge_u, "v": network.edge_v,
                      "L": network.edge_length, "oneway": network.edge_oneway})
    from_u = r.merge(E, left_on="target", right_on="u")[["source", "edge", "dist_m", "L", "oneway"]]
    from_v = r.merge(E, left_on="target", right_on="v")[["source", "edge", "dist_m"]]
    m = from_u.merge(from_v, on=["source", "edge"], how="outer", suffixes=("_u", "_v"))
    m["L"] = m["L"].fillna(m["edge"].map(E["L"]))
    m["oneway"] = m["oneway"].fillna(m["edge"].map(E["oneway"])).astype(bool)
    ru = (limit_m - m["dist_m_u"]).fillna(-1.0).to_numpy()
    rv = (limit_m - m["dist_m_v"]).fillna(-1.0).to_numpy()
    rv = np.where(m["oneway"].to_numpy(), -1.0, rv)  # cannot walk v -> u on a one-way segment
    L = m["L"].to_numpy()
    full = (ru >= L) | (rv >= L) | ((ru >= 0) & (rv >= 0) & (ru + rv >= L))
    src, edge = m["source"].to_numpy(np.int64), m["edge"].to_numpy(np.int64)
    pieces = [
        pd.DataFrame({"source": src[full], "edge": edge[full], "start_m": 0.0, "end_m": L[full]}),
        pd.DataFrame({"source": src[~full & (ru > 0)], "edge": edge[~full & (ru > 0)],
                      "start_m": 0.0, "end_m": ru[~full & (ru > 0)]}),
        pd.DataFrame({"source": src[~full & (rv > 0)], "edge": edge[~full & (rv > 0)],
                      "start_m": (L - rv)[~full & (rv > 0)], "end_m": L[~full & (rv > 0)]}),
    ]
    # the source's own segment, walked directly in both directions from the source
    ok = np.flatnonzero(sources.on_network & (sources.edge >= 0))
    rem = limit_m - sources.access_m[ok]
    ok, rem = ok[rem > 0], rem[rem > 0]
    e = sources.edge[ok]
    off = sources.offset_m[ok]
    back = np.where(network.edge_oneway[e], off, np.maximum(0.0, off - rem))
    pieces.append(pd.DataFrame({"source": ok, "edge": e, "start_m": back,
                                "end_m": np.minimum(network.edge_length[e], off + rem)}))
    out = pd.concat(pieces, ignore_index=True)
    return out[out["end_m"] > out["start_m"]]


def _interval_lines(network: WalkNetwork, iv: pd.DataFrame) -> np.ndarray:
    """LineStrings of the reached intervals; whole segments reuse their geometry."""
    geoms = network.edge_geometry[iv["edge"].to_numpy()].copy()
    L = network.edge_length[iv["edge"].to_numpy()]
    start, end = iv["start_m"].to_numpy(), iv["end_m"].to_numpy()
    partial = np.flatnonzero((start > 1e-6) | (end < L - 1e-6))
    for i in partial:  # only frontier pieces (a small share of all reached segments)
        geoms[i] = substring(geoms[i], float(start[i]), float(end[i]))
    return geoms


def isochrones(
    network: WalkNetwork,
    sources: SnappedPoints,
    source_ids: np.ndarray,
    params: WalkParams,
    minutes: tuple[float, ...] | None = None,
    node_reach: ReachTable | None = None,
) -> gpd.GeoDataFrame:
    """Isochrone polygons for each source and threshold (columns center_id, minutes, area_m2).

    ``node_reach`` may be a :func:`per_source_reach` table made with a limit at least as large
    as the largest threshold. Polygons are in the network CRS; sources off the network get none.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sources : SnappedPoints
        The sources (centers) snapped to ``network``.
    source_ids : numpy.ndarray
        An id per source (written to ``center_id``).
    params : WalkParams
        Walking speed (km/h) and frontage width (metres); its thresholds are the default ``minutes``.
    minutes : tuple of float, optional
        Thresholds in minutes (default ``params.all_thresholds``).
    node_reach : ReachTable, optional
        A table to reuse (see above).

    Returns
    -------
    GeoDataFrame
        One polygon per reached (source, threshold): ``center_id``, ``minutes``, ``area_m2`` (m²),
        in the network's projected metric CRS.
    """
    minutes = tuple(sorted(minutes or params.all_thresholds))
    max_m = params.reach_m(max(minutes))
    if node_reach is None:
        node_reach = per_source_reach(network, sources, max_m)
    rows = []
    for t in minutes:
        limit = params.reach_m(t)
        iv = reached_intervals(network, sources, node_reach, limit)
        if iv.empty:
            continue
        lines = _interval_lines(network, iv)
        src = iv["source"].to_numpy()
        order = np.argsort(src, kind="stable")
        uniq = np.unique(src)
        multi = shapely.multilinestrings(lines[order], indices=np.searchsorted(uniq, src[order]))
        polys = shapely.buffer(multi, max(params.frontage_m, 0.5), quad_segs=4)
        rows.append(pd.DataFrame({"source": uniq, "minutes": t, "geometry": polys}))
    if not rows:
        return gpd.GeoDataFrame({"center_id": [], "minutes": [], "area_m2": []}, geometry=[], crs=network.crs)
    df = pd.concat(rows, ignore_index=True)
    gdf = gpd.GeoDataFrame(
        {"center_id": np.asarray(source_ids, dtype=object)[df["source"].to_numpy()], "minutes": df["minutes"]},
        geometry=gpd.GeoSeries(df["geometry"].to_numpy(), crs=network.crs),
        crs=network.crs,
    )
    gdf["area_m2"] = gdf.geometry.area
    return gdf


def straight_line_circles(
    points: gpd.GeoSeries, ids: np.ndarray, params: WalkParams, crs: str, minutes: tuple[float, ...] | None = None
) -> gpd.GeoDataFrame:
    """Straight-line circles of radius ``speed × minutes`` around each point (comparison only).

    Parameters
    ----------
    points : GeoSeries
        Center points, any CRS with a known datum.
    ids : numpy.ndarray
        An id per point (written to ``center_id``).
    params : WalkParams
        Walking speed (km/h) and the default threshold (minutes).
    crs : str
        Projected metric CRS of the result.
    minutes : tuple of float, optional
        Thresholds in minutes (default: ``params.minutes`` only).

    Returns
    -------
    GeoDataFrame
        ``center_id``, ``minutes``, ``radius_m`` (metres), ``area_m2`` (m²), polygons in ``crs``.
    """
    minutes = tuple(sorted(minutes or (params.minutes,)))
    pts = np.asarray(points.to_crs(crs).values, dtype=object)
    rows = []
    for t in minutes:
        r = params.reach_m(t)
        rows.append(pd.DataFrame({"center_id": np.asarray(ids, dtype=object), "minutes": t, "radius_m": r,
                                  "geometry": shapely.buffer(pts, r, quad_segs=16)}))
    df = pd.concat(rows, ignore_index=True)
    gdf = gpd.GeoDataFrame(df.drop(columns="geometry"), geometry=gpd.GeoSeries(df["geometry"].to_numpy(), crs=crs), crs=crs)
    gdf["area_m2"] = gdf.geometry.area
    return gdf


def walk_reach_share(circles: gpd.GeoDataFrame, isos: gpd.GeoDataFrame) -> np.ndarray:
    """Share (0–1) of each circle's area that the walk of the same center and minutes reaches.

    Parameters
    ----------
    circles : GeoDataFrame
        From :func:`straight_line_circles` (``center_id``, ``minutes``, ``area_m2``).
    isos : GeoDataFrame
        From :func:`isochrones`, same CRS.

    Returns
    -------
    numpy.ndarray of float
        One share (0-1) per circle; 0 where the center has no isochrone for those minutes.
    """
    key_c = list(zip(circles["center_id"], circles["minutes"]))
    iso_by_key = {k: g for k, g in zip(zip(isos["center_id"], isos["minutes"]), isos.geometry.values)}
    iso_geoms = np.array([iso_by_key.get(k) for k in key_c], dtype=object)
    have = np.array([g is not None for g in iso_geoms])
    share = np.zeros(len(circles))
    if have.any():
        inter = shapely.intersection(circles.geometry.values[have], iso_geoms[have])
        share[have] = shapely.area(inter) / circles["area_m2"].to_numpy()[have]
    return share
