"""Outdoor-worker demand for red stations: points with a worker group and a weight.

Red stations (红色驿站) serve "环卫工人、外卖小哥、快递员、公交司机等城市一线户外工作者" (Huzhou,
``shared/seeds``). There is no open count of where they work, so each group is *estimated* from
the local OSM file with the documented weights of :data:`RULES` (estimated workers per feature,
an assumption of this product), or *counted* from the planner's layer (template
``data/templates/workers.csv``: 类型 + 人数). Groups found in the planner's layer replace the OSM
estimate of that group; the other groups stay estimated. :func:`weights_table` shows it all.

Groups: ``sanitation`` 环卫工人; ``delivery`` 外卖骑手/快递员; ``drivers`` 公交/出租车司机;
``others`` 其他户外劳动者. Weights are persons (estimated or counted), in the network CRS.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.siting.candidates import _first_class
from geo.crs import to_crs_checked
from geo.errors import LayerError
from geo.messages import both, listing
from geo.network import WalkNetwork

GROUPS: dict[str, tuple[str, str]] = {
    "sanitation": ("环卫工人", "sanitation workers"),
    "delivery": ("外卖骑手/快递员", "delivery riders / couriers"),
    "drivers": ("公交/出租车司机", "bus / taxi drivers"),
    "others": ("其他户外劳动者", "other outdoor workers"),
}
#: busy streets: where stations stand ("人流较为密集的沿路沿街位置") and sweepers work (OSM highway)
BUSY_HIGHWAYS = ("trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
                 "tertiary", "tertiary_link")
#: street sweeping: estimated sanitation workers per km of busy street (one sweeper per km per shift)
SWEEPERS_PER_KM = 1.0
#: (group, OSM key, value, estimated workers per feature, why) — POI rules, first match wins per group
RULES: tuple[tuple[str, str, str, float, str], ...] = (
    ("sanitation", "amenity", "waste_transfer_station", 15.0, "垃圾中转站：环卫班组在此上下班 / waste transfer: crews start and end shifts"),
    ("sanitation", "amenity", "recycling", 2.0, "回收点 / recycling point"),
    ("sanitation", "amenity", "toilets", 1.0, "公厕：保洁员 / public toilet: attendant and cleaner"),
    ("delivery", "amenity", "post_depot", 10.0, "快递/邮件分拨点 / parcel depot: couriers start rounds"),
    ("delivery", "office", "courier", 5.0, "快递网点 / courier office"),
    ("delivery", "shop", "courier", 5.0, "快递驿站 / parcel shop"),
    ("delivery", "amenity", "post_office", 3.0, "邮局：取寄件 / post office: parcels"),
    ("delivery", "amenity", "parcel_locker", 1.0, "快递柜 / parcel locker"),
    ("delivery", "amenity", "food_court", 2.0, "美食广场：外卖取餐 / food court: rider pick-ups"),
    ("delivery", "amenity", "fast_food", 0.8, "快餐：外卖取餐 / fast food: rider pick-ups"),
    ("delivery", "amenity", "restaurant", 0.5, "餐馆：外卖取餐 / restaurant: rider pick-ups"),
    ("delivery", "amenity", "cafe", 0.3, "饮品店：外卖取餐 / cafe, tea: rider pick-ups"),
    ("delivery", "shop", "supermarket", 1.0, "超市：即时配送 / supermarket: instant delivery"),
    ("delivery", "shop", "convenience", 0.5, "便利店：即时配送 / convenience store: instant delivery"),
    ("delivery", "amenity", "marketplace", 3.0, "市场：配送 / market: deliveries"),
    ("drivers", "amenity", "bus_station", 20.0, "公交场站/首末站：司机候班 / bus terminal: drivers rest between runs"),
    ("drivers", "route_end", "yes", 5.0, "公交线路首末站 / bus route end"),
    ("drivers", "amenity", "taxi", 5.0, "出租车候客点 / taxi stand: drivers queue"),
    ("drivers", "railway", "station", 3.0, "车站：出租车/网约车候客 / station: taxis wait"),
    ("others", "amenity", "marketplace", 5.0, "市场：摊贩、搬运 / market: stall traders, porters"),
    ("others", "amenity", "parking", 1.0, "停车场：管理员 / car park: attendant"),
)
UPLOAD_SOURCE = "planner's layer"


def weights_table() -> pd.DataFrame:
    """Every weight with its group, source and reason (for the CLI, app and reports).

    Returns
    -------
    DataFrame
        ``group``, ``group_zh``, ``group_en``, ``source``, ``tag``, ``weight``, ``unit``
        (persons per feature, per km, or counted persons), ``why``.
    """
    rows = [(g, GROUPS[g][0], GROUPS[g][1], "OSM", f"{k}={v}", w, "人/处 persons per feature", why) for g, k, v, w, why in RULES]
    rows.append(("sanitation", *GROUPS["sanitation"], "OSM", "highway in " + "/".join(BUSY_HIGHWAYS[::2]), SWEEPERS_PER_KM,
                 "人/公里 persons per km", "主要道路清扫 / sweeping main streets (one sweeper per km per shift)"))
    for g, (zh, en) in GROUPS.items():
        rows.append((g, zh, en, UPLOAD_SOURCE, "类型 + 人数", 1.0, "人 persons (counted)",
                     "规划人员上传的实际人数，替换该类的OSM估算 / counted by the planner; replaces the OSM estimate of the group"))
    return pd.DataFrame(rows, columns=["group", "group_zh", "group_en", "source", "tag", "weight", "unit", "why"])


def _poi_points(pois: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """One demand point per (POI, matching group) with the rule's weight."""
    p = to_crs_checked(pois, crs, "POI layer")
    out = []
    for g in GROUPS:
        done = np.zeros(len(p), dtype=bool)
        w = np.zeros(len(p))
        why = np.full(len(p), "", dtype=object)
        for group, key, value, weight, reason in RULES:
            if group != g or key not in p:
                continue
            col = p[key].fillna("").astype(str).to_numpy()
            hit = (col == value) & ~done
            w[hit] = weight
            why[hit] = f"{key}={value}"
            done |= hit
        if done.any():
            sel = np.flatnonzero(done)
            out.append(gpd.GeoDataFrame({"group": g, "weight": w[sel], "source": "OSM", "tag": why[sel],
                                         "name": p["name"].fillna("").astype(str).to_numpy()[sel] if "name" in p else ""},
                                        geometry=p.geometry.representative_point().to_numpy()[sel], crs=crs))
    return pd.concat(out, ignore_index=True) if out else _empty(crs)


def _empty(crs: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"group": [], "weight": [], "source": [], "tag": [], "name": []}, geometry=[], crs=crs)


def _street_points(network: WalkNetwork) -> gpd.GeoDataFrame:
    """Sanitation demand along busy streets: segment midpoints, ``SWEEPERS_PER_KM`` x length."""
    cls = _first_class(network.edge_highway)
    e = np.flatnonzero(np.isin(cls, BUSY_HIGHWAYS) & (network.node_component[network.edge_u] == 0))
    mid = [network.edge_geometry[i].interpolate(0.5, normalized=True) for i in e]
    return gpd.GeoDataFrame({"group": "sanitation", "weight": SWEEPERS_PER_KM * network.edge_length[e] / 1000.0,
                             "source": "OSM", "tag": "street:" + cls[e].astype(str),
                             "name": network.edge_name[e].astype(str)}, geometry=mid, crs=network.crs)


def upload_points(workers: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """A planner's workers layer (``group`` = 类型, ``count`` = 人数) as demand points.

    Parameters
    ----------
    workers : GeoDataFrame
        The planner's layer with ``group`` (a key of :data:`GROUPS`; missing = others), ``count``
        (persons >= 0) and optional ``name``, any CRS with a known datum.
    crs : str
        Target CRS (the network's projected metric CRS).

    Returns
    -------
    GeoDataFrame
        ``group``, ``weight`` (persons), ``source``, ``tag``, ``name``; points in ``crs``.

    Raises
    ------
    geo.errors.LayerError
        When a column is missing, a count is not a number >= 0 or a group is unknown.
    """
    w = to_crs_checked(workers, crs, "workers layer")
    if "group" not in w or "count" not in w:
        raise LayerError(both("error.workers_columns"))
    n = pd.to_numeric(w["count"], errors="coerce")
    if n.isna().any() or (n < 0).any():
        raise LayerError(both("error.workers_count_invalid"))
    g = w["group"].fillna("others").astype(str)
    bad = sorted(set(g) - set(GROUPS))
    if bad:
        raise LayerError(both("error.workers_group_unknown", groups=listing(bad)))
    return gpd.GeoDataFrame({"group": g.to_numpy(), "weight": n.to_numpy(dtype=float), "source": UPLOAD_SOURCE,
                             "tag": "类型/人数", "name": w["name"].fillna("").astype(str).to_numpy() if "name" in w else ""},
                            geometry=w.geometry.representative_point().to_numpy(), crs=crs)


def worker_points(
    network: WalkNetwork,
    pois: gpd.GeoDataFrame | None = None,
    transport: gpd.GeoDataFrame | None = None,
    uploaded: gpd.GeoDataFrame | None = None,
    study_area: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Worker demand points: columns worker_id, group, group_zh, group_en, weight (persons), source, tag, name.

    ``pois``: :class:`geo.osm_features.OSMFeatures` ``pois``; ``transport``:
    :func:`geo.worker_pois.load_transport_points` (``route_end`` becomes the tag route_end=yes);
    ``uploaded``: the planner's workers layer (its groups replace the OSM estimate of those
    groups); ``study_area``: polygons; OSM points outside are dropped. Network CRS.

    Parameters
    ----------
    network : WalkNetwork
        The walking network; its busy streets give the sweepers and its CRS the result's CRS.
    pois : GeoDataFrame, optional
        OSM points of interest with their tag columns (``amenity``, ``shop``, ``office``, ...).
    transport : GeoDataFrame, optional
        Transport points with a ``route_end`` flag.
    uploaded : GeoDataFrame, optional
        The planner's workers layer (see :func:`upload_points`).
    study_area : GeoDataFrame, optional
        Polygons, any CRS with a known datum.

    Returns
    -------
    GeoDataFrame
        Points in the network's projected metric CRS with a weight > 0.

    Raises
    ------
    geo.errors.LayerError
        When the uploaded layer is invalid.
    """
    crs = network.crs
    parts = [_street_points(network)]
    if pois is not None and len(pois):
        parts.append(_poi_points(pois, crs))
    if transport is not None and len(transport):
        t = transport.copy()
        t["route_end"] = np.where(t["route_end"].astype(bool), "yes", "")
        parts.append(_poi_points(t, crs))
    osm = pd.concat(parts, ignore_index=True)
    osm = gpd.GeoDataFrame(osm, geometry="geometry", crs=crs)
    if study_area is not None and len(study_area):
        union = to_crs_checked(study_area, crs, "study area").geometry.union_all()
        osm = osm[osm.geometry.within(union).to_numpy()]
    if uploaded is not None and len(uploaded):
        up = upload_points(uploaded, crs)
        osm = osm[~osm["group"].isin(set(up["group"]))]
        osm = pd.concat([osm, up], ignore_index=True)
    out = gpd.GeoDataFrame(osm, geometry="geometry", crs=crs)
    out = out[out["weight"] > 0].reset_index(drop=True)
    out.insert(0, "worker_id", [f"W{i + 1:05d}" for i in range(len(out))])
    out.insert(2, "group_zh", out["group"].map(lambda g: GROUPS[g][0]))
    out.insert(3, "group_en", out["group"].map(lambda g: GROUPS[g][1]))
    return out


def study_worker_points(study, uploaded: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """:func:`worker_points` for an :class:`analysis.study.Study`: its OSM file's POIs and
    transport points, its grids as the study area (when given), plus the planner's layer.

    Parameters
    ----------
    study : analysis.study.Study
        The study (OSM file, network, grids).
    uploaded : GeoDataFrame, optional
        The planner's workers layer.

    Returns
    -------
    GeoDataFrame
        As :func:`worker_points`.
    """
    from geo.osm_features import load_osm_features
    from geo.worker_pois import load_transport_points

    pois = load_osm_features(study.osm_path).pois
    transport = load_transport_points(study.osm_path)
    return worker_points(study.network, pois, transport, uploaded, study_area=study.grids)
