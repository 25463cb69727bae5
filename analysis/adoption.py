"""Road adoption (门前三包 / 认领道路): the street segments each resident unit looks after.

Ningbo Baizhang: every unit adopts "the road 100 m to its front, back, left and right"
(前后左右各100米). The product reads that as **100 m along the walking network in every
direction from the unit's entrance position on the street** (the entrance point snapped onto
its nearest street segment; the short straight access from the door to the street is not
counted). Reached segments are cut exactly at the remaining distance, so a unit in the middle of
a long straight street adopts exactly 2 × 100 m of it; at a junction the 100 m continue into
every branch.

River adoption (巡河责任段, Daguan): when a river layer is given, a unit within
``river_max_m`` metres (straight line, default 150 m) of a river adopts the river line
``distance_m`` metres either way from its nearest point on that line — measured **along the
river line**, not along streets (the product's own assumption: patrols walk the bank).

All lengths are metres in the network's metric CRS.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from analysis.travel_time import per_source_reach
from geo.crs import to_crs_checked
from geo.errors import ParameterError
from geo.messages import both
from geo.network import WalkNetwork
from geo.snapping import DEFAULT_MAX_ACCESS_M, SnappedPoints, snap_points

#: Default adoption distance (metres along the network), from the Baizhang document.
DEFAULT_ADOPT_M = 100.0
#: Units farther than this (straight line, metres) from a river do not adopt it (product assumption).
DEFAULT_RIVER_MAX_M = 150.0
UNNAMED_ZH = "未命名道路"
_TOL = 1e-6


@dataclass(frozen=True)
class AdoptionResult:
    """Adopted street (and river) segments per unit, streets nobody adopted, overlaps.

    ``segments``: one row per (unit, street segment): unit_id, unit_name, edge, street,
    length_m, edge_length_m, geometry (network CRS). ``units``: unit_id, unit_name,
    adopted_m, n_segments, streets, access_m, on_network. ``streets``: per street name in the
    area: street, length_m, adopted_m, unadopted_m, adopted_share, units. ``unadopted``:
    street pieces in the area nobody adopted (street, length_m, geometry). ``overlaps``: unit
    pairs adopting the same stretch: unit_a, unit_b, shared_m, streets. ``rivers``: adopted
    river stretches (unit_id, unit_name, river, length_m, distance_to_river_m, geometry) or None.
    """

    distance_m: float
    crs: str
    segments: gpd.GeoDataFrame
    units: pd.DataFrame
    streets: pd.DataFrame
    unadopted: gpd.GeoDataFrame
    overlaps: pd.DataFrame
    rivers: gpd.GeoDataFrame | None = None
    river_summary: pd.DataFrame | None = None

    @property
    def summary(self) -> dict:
        """Headline figures (metres, counts)."""
        return {
            "distance_m": self.distance_m,
            "n_units": int(len(self.units)),
            "n_units_adopting": int((self.units["adopted_m"] > 0).sum()),
            "adopted_m": float(self.units["adopted_m"].sum()),
            "adopted_union_m": float(self.streets["adopted_m"].sum()),
            "area_street_m": float(self.streets["length_m"].sum()),
            "n_streets_unadopted": int((self.streets["adopted_m"] <= _TOL).sum()),
            "overlap_m": float(self.overlaps["shared_m"].sum()) if len(self.overlaps) else 0.0,
            "river_adopted_m": float(self.rivers["length_m"].sum()) if self.rivers is not None and len(self.rivers) else 0.0,
        }


def street_label(name: object) -> str:
    """Display name of a street: the first of several OSM names ("平海路;清吟街" → 平海路), without
    an English part ("西湖大道 Xihu Avenue" → 西湖大道); blank → 未命名道路.

    Parameters
    ----------
    name : object
        The OSM name (None or NaN allowed).

    Returns
    -------
    str
    """
    text = str(name or "").split(";")[0].strip()
    text = re.split(r"\s+(?=[A-Za-z])", text)[0].strip() if re.search(r"[\u4e00-\u9fff]", text) else text
    return text or UNNAMED_ZH


def merge_intervals(iv: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of closed intervals (metres), sorted; empty and zero-length ones dropped.

    Parameters
    ----------
    iv : list of tuple of (float, float)
        (start, end) pairs in metres.

    Returns
    -------
    list of tuple of (float, float)
        Disjoint intervals in metres, in order.
    """
    iv = sorted((a, b) for a, b in iv if b - a > _TOL)
    out: list[list[float]] = []
    for a, b in iv:
        if out and a <= out[-1][1] + _TOL:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _intersection_len(x: list[tuple[float, float]], y: list[tuple[float, float]]) -> float:
    return float(sum(max(0.0, min(b1, b2) - max(a1, a2)) for a1, b1 in x for a2, b2 in y))


def _complement(iv: list[tuple[float, float]], length: float) -> list[tuple[float, float]]:
    out, pos = [], 0.0
    for a, b in iv:
        if a > pos + _TOL:
            out.append((pos, a))
        pos = max(pos, b)
    if length > pos + _TOL:
        out.append((pos, length))
    return out


def _cut(line, iv: list[tuple[float, float]]):
    """The pieces of ``line`` at the given along-line intervals (metres), as one geometry."""
    parts = [substring(line, a, b) for a, b in iv]
    parts = [p for p in parts if p.geom_type == "LineString" and p.length > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)


def edge_intervals(network: WalkNetwork, entrances: SnappedPoints, distance_m: float) -> pd.DataFrame:
    """Reached part of every segment within ``distance_m`` of each entrance, as up to three
    along-segment intervals: ``[0, a]`` from the u end, ``[L - b, L]`` from the v end and
    ``[c1, c2]`` on the entrance's own segment. Columns: source, edge, a, b, c1, c2, length_m,
    adopted_m (length of the union, metres). Vectorised (one cutoff-limited Dijkstra per unit).

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    entrances : SnappedPoints
        Unit entrances snapped to ``network`` (their access distances are not counted).
    distance_m : float
        Adoption distance along the network, metres.

    Returns
    -------
    DataFrame
        One row per (source, edge) with ``adopted_m`` > 0; ``a``, ``b``, ``c1``, ``c2`` in metres
        from the edge's u end, clipped to ``[0, length_m]``.
    """
    zero = SnappedPoints(entrances.edge, entrances.offset_m, np.zeros(len(entrances)), entrances.on_network,
                         entrances.x, entrances.y)
    reach = per_source_reach(network, zero, distance_m)
    r = pd.DataFrame({"source": reach.source, "node": reach.target, "dist": reach.dist_m})
    edges = pd.DataFrame({"edge": np.arange(network.n_edges), "u": network.edge_u, "v": network.edge_v,
                          "length_m": network.edge_length})
    via_u = r.merge(edges[["edge", "u"]], left_on="node", right_on="u")
    via_u = via_u.assign(a=distance_m - via_u["dist"]).groupby(["source", "edge"])["a"].max()
    via_v = r.merge(edges[["edge", "v"]], left_on="node", right_on="v")
    via_v = via_v.assign(b=distance_m - via_v["dist"]).groupby(["source", "edge"])["b"].max()
    ok = np.flatnonzero(zero.on_network & (zero.edge >= 0))
    own = pd.DataFrame({"source": ok, "edge": zero.edge[ok],
                        "c1": zero.offset_m[ok] - distance_m, "c2": zero.offset_m[ok] + distance_m})
    own = own.groupby(["source", "edge"]).agg(c1=("c1", "min"), c2=("c2", "max"))
    t = pd.concat([via_u, via_v, own], axis=1).reset_index()
    t = t.merge(edges[["edge", "length_m"]], on="edge")
    L = t["length_m"].to_numpy()
    a = np.clip(t["a"].fillna(0).to_numpy(), 0, L)
    b = np.clip(t["b"].fillna(0).to_numpy(), 0, L)
    c1 = np.clip(t["c1"].fillna(0).to_numpy(), 0, L)
    c2 = np.clip(t["c2"].fillna(0).to_numpy(), 0, L)
    # |[0,a] ∪ [L-b,L] ∪ [c1,c2]| = min(L, a+b) + the part of [c1,c2] inside the gap (a, L-b)
    adopted = np.minimum(L, a + b) + np.maximum(0.0, np.minimum(L - b, c2) - np.maximum(a, c1))
    t = t.assign(a=a, b=b, c1=c1, c2=c2, adopted_m=adopted)
    return t[t["adopted_m"] > _TOL].reset_index(drop=True)


def _area_edges(network: WalkNetwork, area, entrances: SnappedPoints, distance_m: float) -> np.ndarray:
    """Segments (indices) whose streets are checked for adoption: those intersecting ``area``
    (polygon in the network CRS), else the convex hull of the entrances grown by ``distance_m``."""
    if area is None:
        ok = entrances.on_network & (entrances.edge >= 0)
        if not ok.any():
            return np.zeros(0, dtype=np.int64)
        area = shapely.convex_hull(shapely.multipoints(np.c_[entrances.x[ok], entrances.y[ok]])).buffer(distance_m)
    return np.sort(network.edge_tree.query(area, predicate="intersects")).astype(np.int64)


def _as_area(area, crs: str):
    if area is None:
        return None
    if isinstance(area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        g = to_crs_checked(gpd.GeoDataFrame(geometry=area.geometry if isinstance(area, gpd.GeoDataFrame) else area), crs, "area")
        return shapely.union_all(g.geometry.values) if len(g) else None
    return area


def adopt_roads(network: WalkNetwork, units: gpd.GeoDataFrame, distance_m: float = DEFAULT_ADOPT_M, *,
                area=None, rivers: gpd.GeoDataFrame | None = None, river_max_m: float = DEFAULT_RIVER_MAX_M,
                max_access_m: float = DEFAULT_MAX_ACCESS_M) -> AdoptionResult:
    """Street segments within ``distance_m`` metres along the network of each unit's entrance.

    ``units``: points (entrances) or polygons (their representative point), any CRS, with
    ``name`` (and ``id``). ``area``: polygon(s) whose streets are listed as adopted or not
    (GeoDataFrame/GeoSeries in any CRS, or a shapely geometry in the network CRS); default the
    convex hull of the entrances grown by ``distance_m``. ``rivers``: river lines (any CRS,
    optional ``name``). Units farther than ``max_access_m`` metres from every street adopt
    nothing and are flagged ``on_network = False``.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    units : GeoDataFrame
        Resident units (see above).
    distance_m : float
        Adoption distance along the network from the entrance, metres.
    area : GeoDataFrame, GeoSeries or shapely geometry, optional
        See above.
    rivers : GeoDataFrame, optional
        See above.
    river_max_m : float
        Largest straight-line distance from a unit to a river it adopts, metres.
    max_access_m : float
        Largest distance from a unit to its street, metres.

    Returns
    -------
    AdoptionResult
        Layers in the network's projected metric CRS, lengths in metres.

    Raises
    ------
    geo.errors.ParameterError
        When ``distance_m`` is not a positive finite number.
    """
    if not (distance_m > 0 and np.isfinite(distance_m)):
        raise ParameterError(both("error.adoption_distance_invalid", distance_m=distance_m))
    units = units.reset_index(drop=True)
    ids = units["id"].astype(str).to_numpy() if "id" in units.columns else np.array([f"U{i + 1:03d}" for i in range(len(units))])
    names = units["name"].astype(str).to_numpy() if "name" in units.columns else ids
    snapped = snap_points(network, units, max_access_m=max_access_m)
    iv = edge_intervals(network, snapped, distance_m)
    uniq, inv = np.unique(network.edge_name.astype(str), return_inverse=True)
    street_names = np.array([street_label(n) for n in uniq], dtype=object)[inv.ravel()]

    # per (unit, segment): merged intervals and the cut geometry (a few rows per unit; not a hot path)
    merged = [merge_intervals([(0.0, a), (L - b, L), (c1, c2)])
              for a, b, c1, c2, L in iv[["a", "b", "c1", "c2", "length_m"]].itertuples(index=False, name=None)]
    e = iv["edge"].to_numpy()
    src = iv["source"].to_numpy()
    geoms = [_cut(network.edge_geometry[k], m) for k, m in zip(e, merged)]
    segments = gpd.GeoDataFrame({
        "unit_id": ids[src], "unit_name": names[src], "edge": e, "street": street_names[e],
        "length_m": iv["adopted_m"].to_numpy(), "edge_length_m": iv["length_m"].to_numpy(),
    }, geometry=geoms, crs=network.crs)

    per_unit = segments.groupby("unit_id").agg(adopted_m=("length_m", "sum"), n_segments=("edge", "size"),
                                               streets=("street", lambda s: "、".join(dict.fromkeys(s))))
    units_df = pd.DataFrame({"unit_id": ids, "unit_name": names, "access_m": snapped.access_m,
                             "on_network": snapped.on_network}).merge(per_unit, on="unit_id", how="left")
    units_df = units_df.fillna({"adopted_m": 0.0, "n_segments": 0, "streets": ""})
    units_df["n_segments"] = units_df["n_segments"].astype(int)
    units_df = units_df[["unit_id", "unit_name", "adopted_m", "n_segments", "streets", "access_m", "on_network"]]

    # union per segment across units, overlaps between unit pairs
    by_edge: dict[int, list[tuple[int, list[tuple[float, float]]]]] = {}
    for k, s, m in zip(e, src, merged):
        by_edge.setdefault(int(k), []).append((int(s), m))
    union = {k: merge_intervals([x for _, m in lst for x in m]) for k, lst in by_edge.items()}
    pairs: dict[tuple[int, int], list] = {}
    for k, lst in by_edge.items():
        for i in range(len(lst)):
            for j in range(i + 1, len(lst)):
                shared = _intersection_len(lst[i][1], lst[j][1])
                if shared > _TOL:
                    a, b = sorted((lst[i][0], lst[j][0]))
                    rec = pairs.setdefault((a, b), [0.0, {}])
                    rec[0] += shared
                    rec[1][street_names[k]] = None
    overlaps = pd.DataFrame([{"unit_a": names[a], "unit_b": names[b], "shared_m": v[0], "streets": "、".join(v[1])}
                             for (a, b), v in pairs.items()], columns=["unit_a", "unit_b", "shared_m", "streets"])
    overlaps = overlaps.sort_values("shared_m", ascending=False, ignore_index=True)

    # streets in the area: adopted / not adopted by name
    area_geom = _as_area(area, network.crs)
    area_edges = np.union1d(_area_edges(network, area_geom, snapped, distance_m), np.fromiter(union, dtype=np.int64))
    L = network.edge_length[area_edges]
    adopted_len = np.array([sum(b - a for a, b in union.get(int(k), [])) for k in area_edges])
    st = pd.DataFrame({"street": street_names[area_edges], "length_m": L, "adopted_m": adopted_len})
    unit_names_by_street = segments.groupby("street")["unit_name"].agg(lambda s: "、".join(dict.fromkeys(s)))
    streets = st.groupby("street", as_index=False).sum()
    streets["unadopted_m"] = streets["length_m"] - streets["adopted_m"]
    streets["adopted_share"] = streets["adopted_m"] / streets["length_m"].where(streets["length_m"] > 0)
    streets["units"] = streets["street"].map(unit_names_by_street).fillna("")
    streets = streets.sort_values(["adopted_m", "length_m"], ascending=[True, False], ignore_index=True)
    pieces, piece_street, piece_len = [], [], []
    for k in area_edges:
        rest = _complement(union.get(int(k), []), float(network.edge_length[k]))
        g = _cut(network.edge_geometry[k], rest) if rest else None
        if g is not None:
            pieces.append(g)
            piece_street.append(street_names[k])
            piece_len.append(sum(b - a for a, b in rest))
    unadopted = gpd.GeoDataFrame({"street": piece_street, "length_m": piece_len}, geometry=pieces, crs=network.crs)

    river_gdf, river_sum = (None, None)
    if rivers is not None and len(rivers):
        clip = area_geom
        if clip is None:
            ok = snapped.on_network
            clip = (shapely.convex_hull(shapely.multipoints(np.c_[snapped.x[ok], snapped.y[ok]])).buffer(river_max_m + distance_m)
                    if ok.any() else None)
        river_gdf, river_sum = adopt_rivers(rivers, units, ids, names, network.crs, distance_m, river_max_m, clip)
    return AdoptionResult(float(distance_m), network.crs, segments, units_df, streets, unadopted, overlaps,
                          river_gdf, river_sum)


def adopt_rivers(rivers: gpd.GeoDataFrame, units: gpd.GeoDataFrame, ids: np.ndarray, names: np.ndarray, crs: str,
                 distance_m: float, river_max_m: float, clip=None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """River stretches ``distance_m`` either way along the river line from each unit's nearest
    point on it (units within ``river_max_m`` metres straight line). Lines of the same name are
    merged first, then cut to ``clip`` (the area, network CRS) when given.

    Parameters
    ----------
    rivers : GeoDataFrame
        River lines, any CRS with a known datum; optional ``name`` (blank = 未命名河道).
    units : GeoDataFrame
        Resident units (points or polygons), any CRS with a known datum.
    ids, names : numpy.ndarray
        Id and name per unit, in the order of ``units``.
    crs : str
        The network's projected metric CRS (CRS of the result).
    distance_m : float
        Adopted length either way along the river from the nearest point, metres.
    river_max_m : float
        Largest straight-line distance from a unit to a river, metres.
    clip : shapely geometry, optional
        Area in ``crs`` to which the river lines are cut.

    Returns
    -------
    stretches : GeoDataFrame
        ``unit_id``, ``unit_name``, ``river``, ``length_m``, ``distance_to_river_m`` (metres),
        lines in ``crs``.
    per_river : DataFrame
        ``river``, ``length_m``, ``adopted_m``, ``units``, ``unadopted_m`` (metres), longest first.
    """
    r = to_crs_checked(gpd.GeoDataFrame(rivers[["name"]] if "name" in rivers.columns else None,
                                        geometry=rivers.geometry.values, crs=rivers.crs), crs, "rivers")
    r = r[r.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    rname = (r["name"].fillna("").astype(str) if "name" in r.columns else pd.Series("", index=r.index))
    rname = rname.where(rname != "", "未命名河道")
    lines, line_name = [], []
    for nm, grp in r.groupby(rname.to_numpy()):
        m = shapely.line_merge(shapely.union_all(grp.geometry.values))
        if clip is not None:
            m = shapely.line_merge(shapely.intersection(m, clip))
        for part in getattr(m, "geoms", [m]):
            if part.geom_type == "LineString" and part.length > 0:
                lines.append(part)
                line_name.append(nm)
    cols = ["unit_id", "unit_name", "river", "length_m", "distance_to_river_m"]
    if not lines:
        return gpd.GeoDataFrame(columns=cols, geometry=[], crs=crs), pd.DataFrame(columns=["river", "length_m", "adopted_m", "units"])
    pts = to_crs_checked(gpd.GeoDataFrame(geometry=units.geometry.values, crs=units.crs), crs, "units").geometry
    pts = np.asarray(shapely.point_on_surface(pts.values), dtype=object)
    tree = shapely.STRtree(lines)
    (pi, li), dist = tree.query_nearest(pts, max_distance=river_max_m, return_distance=True, all_matches=False)
    rows, geoms, per_line = [], [], {}
    for p, k, d in zip(pi, li, dist):
        line = lines[k]
        t = line.project(pts[p])
        a, b = max(0.0, t - distance_m), min(line.length, t + distance_m)
        g = substring(line, a, b)
        rows.append({"unit_id": ids[p], "unit_name": names[p], "river": line_name[k], "length_m": b - a,
                     "distance_to_river_m": float(d)})
        geoms.append(g)
        per_line.setdefault(k, []).append(((a, b), names[p]))
    stretches = gpd.GeoDataFrame(rows, columns=cols, geometry=geoms, crs=crs)
    summary = []
    for k, line in enumerate(lines):
        got = per_line.get(k, [])
        summary.append({"river": line_name[k], "length_m": line.length,
                        "adopted_m": sum(b - a for a, b in merge_intervals([iv for iv, _ in got])),
                        "units": "、".join(dict.fromkeys(n for _, n in got))})
    rs = pd.DataFrame(summary).groupby("river", as_index=False).agg(
        length_m=("length_m", "sum"), adopted_m=("adopted_m", "sum"), units=("units", lambda s: "、".join(x for x in s if x)))
    rs["unadopted_m"] = rs["length_m"] - rs["adopted_m"]
    return stretches, rs.sort_values("length_m", ascending=False, ignore_index=True)
