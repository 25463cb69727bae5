"""Gap units (覆盖缺口): uncovered residents split into pieces a street office can assign.

Every unit lies in ONE street (街道), ONE community (社区) and ONE grid (网格), is one connected
cluster of uncovered demand cells, and spans at most :data:`MAX_UNIT_SIDE_M` metres east–west and
north–south. Units are ranked by uncovered residents; their residents add up to the run's
uncovered residents (whole persons, largest-remainder rounding).

Method (vectorised; about 0.3 s for 100,000 demand points, see ``benchmarks/bench_gaps.py``):

1. Uncovered demand rows (``covered`` false, population > 0) are grouped by (street, community,
   grid). Two rows are neighbours when their points are at most ``1.5 × cell`` metres apart
   (8-neighbourhood on a lattice) AND in the same group; ``cell`` is the demand spacing (median
   nearest-neighbour distance of all demand points, 100 m on the sample city).
   Connected pieces come from :func:`scipy.sparse.csgraph.connected_components` on that
   KD-tree neighbour graph.
2. **Maximum unit size**: a piece whose cells span more than ``MAX_UNIT_SIDE_M`` (500 m, about
   6.7 walking minutes at 4.5 km/h, less than one 8-minute reach) in x or y is cut along a
   500 m tiling of the metric CRS (tiles anchored at multiples of 500 m) and re-connected, so no
   unit is wider than one tile.
3. Each unit's polygon is built once: for point demand, the union of the ``cell``-metre lattice
   squares its points fall in (lattice anchored half a cell below the lowest demand point, so a
   regular demand lattice gets one square per point); for polygon demand, the union of its
   polygons. It is then clipped to its grid (or community) polygon.
4. The unit's population-weighted centre is moved onto its nearest member cell (so it lies in
   the unit), snapped to the street network and routed with the same walking-distance engine as
   the run (:func:`analysis.travel_time.point_distances`; never straight lines): nearest center,
   walking minutes, and minutes beyond the threshold.
5. Name: the compound (小区) the centre lies in when a compounds layer is given, else the street
   name (OSM ``name``) with the most length inside the unit (30 m margin), else the nearest named
   street.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.params import WalkParams
from analysis.travel_time import nearest_source_distances, point_distances
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints, snap_points
from geo.sparse_graph import csr_min

#: A gap unit spans at most this many metres east–west and north–south (larger pieces are cut
#: along a tiling of this size). 500 m ≈ 6.7 min at 4.5 km/h, within one 8-minute reach.
MAX_UNIT_SIDE_M = 500.0
#: Neighbour link between uncovered cells, as a multiple of the demand spacing (8-neighbourhood).
LINK_FACTOR = 1.5
#: Street names count when the street passes within this many metres of the unit.
NAME_MARGIN_M = 30.0
#: A street closer to a unit than this share of :data:`NAME_MARGIN_M` surely meets its margin
#: zone: the zone's polygon reaches at least ``cos(pi/32)`` (0.995, 8 segments per quarter
#: circle) of the margin, less GEOS's input simplification (1 % of the margin).
NAME_SURE_SHARE = 0.95
#: Fallback demand spacing (metres) when it cannot be measured (fewer than two demand points).
DEFAULT_CELL_M = 100.0

#: Threads for the GEOS work of gap units (buffers, unions, clips): GEOS releases the GIL, so
#: the two cores of a planner's laptop each take half of the units. Results are identical
#: (every call works geometry by geometry, in order).
GEOS_THREADS = max(1, min(2, os.cpu_count() or 1))
#: Below this many geometries the work is not split (thread start-up costs more than it saves).
MIN_SPLIT = 2000

GAP_COLUMNS = [
    "gap_id", "name", "street", "community", "grid_id", "grid_name", "compound", "main_street",
    "population", "households", "households_estimated", "area_m2", "n_cells",
    "nearest_center", "nearest_center_name", "walk_min", "beyond_min",
]


def split_geos(func, *arrays: np.ndarray, cost: np.ndarray | None = None, **kwargs) -> np.ndarray:
    """``func(*arrays, **kwargs)`` computed in :data:`GEOS_THREADS` slices along the first axis.

    For shapely functions that work element by element (or row by row along ``axis=1``) and
    release the GIL; the result is the same array as one call gives.

    Parameters
    ----------
    func : callable
        A vectorised shapely function, e.g. :func:`shapely.buffer`.
    *arrays : numpy.ndarray
        Its array arguments, all of the same length (sliced together).
    cost : numpy.ndarray, optional
        Work per element (e.g. vertex counts) to balance the slices; equal counts by default.
    **kwargs
        Further arguments of ``func`` (not sliced).

    Returns
    -------
    numpy.ndarray
        ``func``'s result, in input order.
    """
    n = len(arrays[0])
    if GEOS_THREADS < 2 or n < MIN_SPLIT:
        return func(*arrays, **kwargs)
    w = np.ones(n) if cost is None else np.asarray(cost, dtype=float) + 1.0
    cum = np.cumsum(w)
    cuts = np.searchsorted(cum, cum[-1] * np.arange(1, GEOS_THREADS) / GEOS_THREADS)
    bounds = np.r_[0, cuts, n]
    with ThreadPoolExecutor(GEOS_THREADS) as pool:
        parts = list(pool.map(lambda k: func(*(a[bounds[k]:bounds[k + 1]] for a in arrays), **kwargs),
                              range(GEOS_THREADS)))
    return np.concatenate(parts)


def _xy(geoms: np.ndarray) -> np.ndarray:
    """(n, 2) coordinates of points, or of a point inside each polygon."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all():
        return shapely.get_coordinates(geoms)
    return shapely.get_coordinates(shapely.point_on_surface(geoms))


def demand_spacing(d: gpd.GeoDataFrame, pts: np.ndarray | None = None) -> float:
    """Typical spacing of the demand points (metres): median nearest-neighbour distance.

    Parameters
    ----------
    d : GeoDataFrame
        Demand points or polygons in a projected metric CRS.
    pts : numpy.ndarray, optional
        (n, 2) coordinates to use instead of ``d``'s geometry (metres).

    Returns
    -------
    float
        Metres, clipped to 10-1,000; :data:`DEFAULT_CELL_M` with fewer than two distinct points.
    """
    from scipy.spatial import cKDTree  # imported when used: a cached first page needs no SciPy graph code

    pts = _xy(d.geometry.values) if pts is None else pts
    if len(pts) < 2:
        return DEFAULT_CELL_M
    dist, _ = cKDTree(pts).query(pts, k=2, workers=GEOS_THREADS)  # same answer on two threads
    nn = dist[:, 1]
    nn = nn[nn > 0]
    return float(np.clip(np.median(nn), 10.0, 1000.0)) if len(nn) else DEFAULT_CELL_M


def whole_persons(values: np.ndarray) -> np.ndarray:
    """Round to integers that add up to the rounded total (largest-remainder method).

    Parameters
    ----------
    values : numpy.ndarray of float
        Persons (NaN counts as 0).

    Returns
    -------
    numpy.ndarray of int64
        Same length, summing to the rounded total.
    """
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    if len(v) == 0:
        return np.zeros(0, dtype=np.int64)
    base = np.floor(v)
    short = int(round(v.sum())) - int(base.sum())  # round the total once (round(1.5) = 2, round(0.5) = 0)
    if short > 0:
        order = np.argsort(-(v - base), kind="stable")[:short]
        base[order] += 1
    return base.astype(np.int64)


def _components(xy: np.ndarray, key: np.ndarray, link_m: float) -> np.ndarray:
    """Connected-component label of each point; neighbours within ``link_m`` sharing ``key``."""
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(xy)
    pairs = cKDTree(xy).query_pairs(link_m, output_type="ndarray")
    if len(pairs):
        pairs = pairs[key[pairs[:, 0]] == key[pairs[:, 1]]]
    pairs = pairs.reshape(-1, 2)
    adj = csr_min(pairs[:, 0], pairs[:, 1], np.ones(len(pairs)), (n, n))
    _, labels = connected_components(adj, directed=False)
    return labels


def unit_labels(xy: np.ndarray, group: np.ndarray, cell_m: float, max_side_m: float = MAX_UNIT_SIDE_M) -> np.ndarray:
    """Gap-unit label per uncovered point (see module docstring steps 1–2).

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) coordinates of the uncovered points, metres (projected metric CRS).
    group : numpy.ndarray
        Group key per point (points link only within a group).
    cell_m : float
        Demand spacing, metres.
    max_side_m : float
        Largest unit extent east-west and north-south, metres.

    Returns
    -------
    numpy.ndarray of int
        A label per point; equal labels form one unit.
    """
    link = LINK_FACTOR * cell_m
    lab = _components(xy, group, link)
    xmin = pd.Series(xy[:, 0]).groupby(lab).transform("min").to_numpy()
    xmax = pd.Series(xy[:, 0]).groupby(lab).transform("max").to_numpy()
    ymin = pd.Series(xy[:, 1]).groupby(lab).transform("min").to_numpy()
    ymax = pd.Series(xy[:, 1]).groupby(lab).transform("max").to_numpy()
    big = ((xmax - xmin + cell_m) > max_side_m + 1e-6) | ((ymax - ymin + cell_m) > max_side_m + 1e-6)
    if not big.any():
        return lab
    tx = np.floor(xy[:, 0] / max_side_m).astype(np.int64)
    ty = np.floor(xy[:, 1] / max_side_m).astype(np.int64)
    sub = pd.DataFrame({"l": lab, "x": np.where(big, tx, 0), "y": np.where(big, ty, 0)}) \
        .groupby(["l", "x", "y"], sort=False).ngroup().to_numpy()
    return _components(xy, sub, link)


def _lattice_polygons(xy: np.ndarray, lab: np.ndarray, n: int, cell_m: float, origin: np.ndarray) -> np.ndarray:
    """Per unit, the union of the ``cell_m`` lattice squares its points fall in (vectorised).

    Squares come from integer lattice indices, so neighbours share edges exactly and one
    :func:`shapely.coverage_union_all` call (along axis 1 of a unit × cell array) builds them all.
    A unit of one square gets that square as the union gives it (corners from the lowest
    x, y clockwise), without a GEOS call (issue 16: half the units of scattered demand).
    """
    ij = np.floor((xy - origin) / cell_m).astype(np.int64)
    cells = _unique_cells(lab, ij)                             # sorted by unit, duplicates dropped
    u = cells[:, 0]
    x0 = origin[0] + cells[:, 1] * cell_m
    y0 = origin[1] + cells[:, 2] * cell_m
    x1 = origin[0] + (cells[:, 1] + 1) * cell_m
    y1 = origin[1] + (cells[:, 2] + 1) * cell_m
    count = np.bincount(u, minlength=n)
    out = np.full(n, None, dtype=object)
    one = count[u] == 1
    if one.any():
        out[u[one]] = _squares(x0[one], y0[one], x1[one], y1[one])
    many = ~one
    if many.any():
        um = u[many]
        boxes = shapely.box(x0[many], y0[many], x1[many], y1[many])
        rows, row_of = np.unique(um, return_inverse=True)
        start = np.searchsorted(um, rows)
        pos = np.arange(len(um)) - start[row_of]
        arr = np.full((len(rows), int(pos.max()) + 1), None, dtype=object)
        arr[row_of, pos] = boxes
        out[rows] = split_geos(_union_simplify, arr, cost=count[rows])
    return out


def _unique_cells(lab: np.ndarray, ij: np.ndarray) -> np.ndarray:
    """``np.unique(np.column_stack([lab, ij]), axis=0)`` for lattice indices ``ij >= 0``: the rows
    (unit, i, j) sorted and without repeats, from one int64 key per row (3x faster than the row
    comparison of ``axis=0``); the row version when the key would not fit in 63 bits."""
    rows = np.column_stack([lab, ij]).astype(np.int64)
    if len(rows) == 0:
        return rows.reshape(0, 3)
    ni, nj = int(ij[:, 0].max()) + 1, int(ij[:, 1].max()) + 1
    if ij.min() < 0 or (int(lab.max()) + 1) * ni * nj >= 2 ** 62:
        return np.unique(rows, axis=0)
    key = np.unique((rows[:, 0] * ni + rows[:, 1]) * nj + rows[:, 2])
    return np.column_stack([key // (ni * nj), (key // nj) % ni, key % nj])


def _squares(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """Axis-parallel squares as :func:`_union_simplify` returns one box: (x0 y0, x0 y1, x1 y1, x1 y0, x0 y0)."""
    ring = np.stack([np.column_stack([x0, y0]), np.column_stack([x0, y1]), np.column_stack([x1, y1]),
                     np.column_stack([x1, y0]), np.column_stack([x0, y0])], axis=1)
    return shapely.polygons(ring)


def _union_simplify(arr: np.ndarray) -> np.ndarray:
    return shapely.simplify(shapely.coverage_union_all(arr, axis=1), 0.01)


def _union_by(geoms: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """One unioned geometry per label 0..n-1 (polygon demand; a GEOS call per unit)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    g = geoms[order]
    out = np.empty(n, dtype=object)
    for k in range(n):
        part = g[bounds[k]:bounds[k + 1]]
        out[k] = part[0] if len(part) == 1 else shapely.union_all(part)
    return out


def _clip_to(units: np.ndarray, keys: np.ndarray, polys: gpd.GeoDataFrame | None, key_col: str) -> np.ndarray:
    """Clip each unit to the polygon named by its key (unchanged where there is none)."""
    if polys is None or key_col not in polys or not len(polys):
        return units
    valid = shapely.make_valid(np.asarray(polys.geometry.values, dtype=object))  # once per polygon
    lookup = dict(zip(polys[key_col].astype(str), valid))
    clip = np.array([lookup.get(str(k)) for k in keys], dtype=object)
    has = np.array([c is not None for c in clip])
    out = units.copy()
    if has.any():
        cut = split_geos(shapely.intersection, units[has], np.asarray(clip[has], dtype=object),
                         cost=shapely.get_num_coordinates(units[has]))
        keep = ~shapely.is_empty(cut)
        idx = np.flatnonzero(has)
        out[idx[keep]] = cut[keep]
    return out


def margin_zones(units: np.ndarray, margin_m: float) -> np.ndarray:
    """Each geometry grown by ``margin_m`` metres: the same region as ``shapely.buffer(units, margin_m)``.

    A multi-part unit is buffered part by part and the parts' buffers are unioned (one GEOS
    call per array): the same area up to floating-point noise (the Minkowski sum distributes
    over the union), but 2-3x faster than buffering the multi-part geometry whole, whose
    overlapping offset curves GEOS nodes all at once (issue 16: 7,788 gap units of 100,000
    random demand points, 2.8 s -> 1.1 s CPU).

    Parameters
    ----------
    units : numpy.ndarray
        Shapely geometries (object array; missing entries stay missing), metric CRS.
    margin_m : float
        Buffer distance, metres (round joins, 8 segments per quarter circle, as GEOS's default).

    Returns
    -------
    numpy.ndarray
        One polygon per input geometry.
    """
    units = np.asarray(units, dtype=object)
    n = len(units)
    if n == 0:
        return np.empty(0, dtype=object)
    parts, idx = shapely.get_parts(units, return_index=True)
    grown = split_geos(shapely.buffer, parts, distance=margin_m, cost=shapely.get_num_coordinates(parts))
    count = np.bincount(idx, minlength=n)
    out = np.full(n, None, dtype=object)
    single = count[idx] == 1
    out[idx[single]] = grown[single]
    multi = count > 1
    if multi.any():
        first = np.searchsorted(idx, np.arange(n))
        pos = np.arange(len(idx)) - first[idx]
        sel = ~single
        table = np.full((n, int(count.max())), None, dtype=object)
        table[idx[sel], pos[sel]] = grown[sel]
        out[multi] = split_geos(shapely.union_all, table[multi], cost=count[multi] ** 2, axis=1)
    return out


def _street_names(network: WalkNetwork, units: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Main street per unit: most named length within ``NAME_MARGIN_M``, else the nearest named street.

    The margin zones (:func:`margin_zones`) and the street lengths inside them are built only
    for units that need them: a unit with no named street within the margin takes the nearest
    one, and a unit whose named streets within the margin all carry one name, one of them
    surely inside the zone (:data:`NAME_SURE_SHARE` of the margin), takes that name. The same
    answers as measuring every unit (``tests/test_issue16_coverage_paths.py``); issue 16: 7,788
    units of 100,000 scattered demand points, 0.9 s -> 0.2 s CPU.
    """
    names = np.asarray(network.edge_name, dtype=object)
    named = np.flatnonzero(np.array([isinstance(s, str) and s.strip() != "" for s in names]))
    out = np.full(len(units), "", dtype=object)
    if len(named) == 0 or len(units) == 0:
        return out
    units = np.asarray(units, dtype=object)
    geoms = np.asarray(network.edge_geometry, dtype=object)[named]
    street = names[named]
    tree = shapely.STRtree(geoms)
    # every named street within the margin (a superset of the streets meeting the buffered zone,
    # whose polygon lies inside the exact margin)
    ci, ce = tree.query(units, predicate="dwithin", distance=NAME_MARGIN_M * (1.0 + 1e-9) + 1e-6)
    if len(ci):
        sure = shapely.distance(units[ci], geoms[ce]) <= NAME_SURE_SHARE * NAME_MARGIN_M
        cand = pd.DataFrame({"u": ci, "name": street[ce], "sure": sure})
        per = cand.groupby("u", sort=True).agg(k=("name", "nunique"), sure=("sure", "any"), name=("name", "first"))
        one = (per["k"] == 1).to_numpy() & per["sure"].to_numpy()
        out[per.index.to_numpy()[one]] = per["name"].to_numpy()[one]
        rest = per.index.to_numpy()[~one]
        if len(rest):
            zone = margin_zones(units[rest], NAME_MARGIN_M)
            zi, ei = tree.query(zone, predicate="intersects")
            if len(zi):
                length = shapely.length(split_geos(shapely.intersection, geoms[ei], zone[zi]))
                t = pd.DataFrame({"u": rest[zi], "name": street[ei], "len": length})
                best = t.groupby(["u", "name"], sort=False)["len"].sum().reset_index()
                best = best.loc[best.groupby("u")["len"].idxmax()]
                out[best["u"].to_numpy()] = best["name"].to_numpy()
    missing = np.flatnonzero(out == "")
    if len(missing):
        _, ni = tree.query_nearest(shapely.points(centre[missing]), all_matches=False)
        out[missing] = street[ni]
    return out


def _compound_names(compounds: gpd.GeoDataFrame | None, centre: np.ndarray, crs) -> np.ndarray:
    """Name of the compound polygon each centre lies in ('' when none or no polygon layer)."""
    out = np.full(len(centre), "", dtype=object)
    if compounds is None or not len(compounds) or len(centre) == 0:
        return out
    c = compounds.to_crs(crs)
    poly = shapely.get_type_id(np.asarray(c.geometry.values)) >= 3
    if not poly.any():
        return out
    geoms = np.asarray(c.geometry.values)[poly]
    names = c["name"].astype(str).to_numpy()[poly]
    pi, ci = shapely.STRtree(geoms).query(shapely.points(centre), predicate="within")
    out[pi] = names[ci]
    return out


def empty_gaps(crs) -> gpd.GeoDataFrame:
    """A gap table with no rows (every column present).

    Parameters
    ----------
    crs : str or pyproj.CRS
        CRS of the empty layer.

    Returns
    -------
    GeoDataFrame
        Columns :data:`GAP_COLUMNS`, no rows.
    """
    return gpd.GeoDataFrame({c: [] for c in GAP_COLUMNS}, geometry=[], crs=crs)


def gap_units(
    d: gpd.GeoDataFrame,
    *,
    params: WalkParams,
    network: WalkNetwork | None = None,
    center_snaps: SnappedPoints | None = None,
    centers: gpd.GeoDataFrame | None = None,
    grids: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    compounds: gpd.GeoDataFrame | None = None,
    max_side_m: float = MAX_UNIT_SIDE_M,
) -> gpd.GeoDataFrame:
    """Gap units of a coverage run's demand ``d`` (metric CRS; see module docstring).

    ``d`` needs ``covered``, ``population``, ``grid_id``, ``community`` and optionally ``street``
    and ``households``. Without ``network``/``center_snaps`` the walking columns stay empty.
    Returns one row per unit (columns :data:`GAP_COLUMNS`, polygons in ``d.crs``), most
    uncovered residents first; ``population`` and ``households`` are whole numbers.

    Parameters
    ----------
    d : GeoDataFrame
        The run's demand (see above), projected metric CRS.
    params : WalkParams
        Threshold (minutes) and walking speed (km/h) for ``walk_min`` and ``beyond_min``.
    network : WalkNetwork, optional
        The run's network, to route unit centres.
    center_snaps : SnappedPoints, optional
        The centers' snaps on ``network``.
    centers : GeoDataFrame, optional
        Centers (``center_id``, ``name``) for the nearest center's id and name.
    grids : GeoDataFrame, optional
        Grid polygons with ``grid_id`` (and ``name``) to clip units to, any CRS.
    communities : GeoDataFrame, optional
        Community polygons to clip to when there are no grids, any CRS.
    compounds : GeoDataFrame, optional
        Compounds (小区) that name the units whose centre lies in them.
    max_side_m : float
        Largest unit extent, metres.

    Returns
    -------
    GeoDataFrame
        See above.
    """
    un = d[~d["covered"].to_numpy() & (d["population"].to_numpy() > 0)]
    if un.empty:
        return empty_gaps(d.crs)
    all_xy = _xy(d.geometry.values)
    cell_m = demand_spacing(d, all_xy)
    xy = all_xy[~d["covered"].to_numpy() & (d["population"].to_numpy() > 0)]
    # the keys stay text columns (no Python string per row); groups from their integer codes
    # number the groups in order of first appearance, as the text does
    blank = pd.Series("", index=un.index, dtype=object)
    street = (un["street"] if "street" in un else blank).fillna("").astype(str)
    comm = un["community"].fillna("").astype(str)
    grid = (un["grid_id"] if "grid_id" in un else blank).fillna("").astype(str)
    codes = {k: pd.factorize(v)[0] for k, v in (("s", street), ("c", comm), ("g", grid))}
    group = pd.DataFrame(codes).groupby(["s", "c", "g"], sort=False).ngroup().to_numpy()
    lab = unit_labels(xy, group, cell_m, max_side_m)
    n = int(lab.max()) + 1
    pop = un["population"].to_numpy(dtype=float)
    resid = np.bincount(lab, weights=pop, minlength=n)
    hh_row = un["households"].to_numpy(dtype=float) if "households" in un else np.full(len(un), np.nan)
    hh = np.bincount(lab, weights=np.nan_to_num(hh_row), minlength=n)
    hh_est = np.bincount(lab, weights=(un["households_estimated"].to_numpy(dtype=bool) if "households_estimated" in un
                                       else np.ones(len(un), bool)).astype(float), minlength=n) > 0
    n_cells = np.bincount(lab, minlength=n)
    w = np.where(resid > 0, resid, 1.0)
    cx = np.bincount(lab, weights=pop * xy[:, 0], minlength=n) / w
    cy = np.bincount(lab, weights=pop * xy[:, 1], minlength=n) / w
    # move the weighted centre onto the nearest member cell (a C-shaped unit's centre may lie outside)
    dist2 = (xy[:, 0] - cx[lab]) ** 2 + (xy[:, 1] - cy[lab]) ** 2
    order = np.lexsort((dist2, lab))
    first = order[np.searchsorted(lab[order], np.arange(n))]
    centre = xy[first]
    first_of = lambda a: np.asarray(a.iloc[first], dtype=object)  # noqa: E731  (all members share these keys)

    geoms = np.asarray(un.geometry.values, dtype=object)
    if (shapely.get_type_id(geoms) == 0).all():
        polys = _lattice_polygons(xy, lab, n, cell_m, all_xy.min(axis=0) - cell_m / 2.0)
    else:
        polys = _union_by(shapely.make_valid(geoms), lab, n)
    if grids is not None and len(grids) and "grid_id" in grids:
        polys = _clip_to(polys, first_of(grid), grids.to_crs(d.crs), "grid_id")
    elif communities is not None and len(communities):
        cm = communities.to_crs(d.crs)
        polys = _clip_to(polys, first_of(comm), cm, "community" if "community" in cm else "name")

    out = pd.DataFrame({
        "street": first_of(street), "community": first_of(comm), "grid_id": first_of(grid),
        "population_exact": resid, "households_exact": hh, "households_estimated": hh_est,
        "area_m2": shapely.area(polys), "n_cells": n_cells,
    })
    if grids is not None and "grid_id" in grids and "name" in grids:
        out["grid_name"] = out["grid_id"].map(dict(zip(grids["grid_id"].astype(str), grids["name"].astype(str)))).fillna("")
    else:
        out["grid_name"] = ""
    out["compound"] = _compound_names(compounds, centre, d.crs)
    out["main_street"] = _street_names(network, polys, centre) if network is not None else ""
    out["name"] = np.where(out["compound"] != "", out["compound"], out["main_street"])
    out["name"] = np.where(out["name"] == "", out["grid_name"], out["name"])
    out["nearest_center"] = None
    out["nearest_center_name"] = None
    out["walk_min"] = np.nan
    if network is not None and center_snaps is not None and len(center_snaps):
        snaps = snap_points(network, gpd.GeoSeries(shapely.points(centre), crs=d.crs), params.max_access_m)
        node_dist, node_src = nearest_source_distances(network, center_snaps)
        dist, src = point_distances(network, node_dist, node_src, snaps, center_snaps)
        ok = src >= 0
        out["walk_min"] = np.where(np.isfinite(dist), dist / params.metres_per_minute, np.nan)
        if centers is not None:
            ids = centers["center_id"].astype(str).to_numpy()
            nm = centers["name"].astype(str).to_numpy() if "name" in centers else ids
            out.loc[ok, "nearest_center"] = ids[src[ok]]
            out.loc[ok, "nearest_center_name"] = nm[src[ok]]
    out["beyond_min"] = np.maximum(out["walk_min"] - params.minutes, 0.0)
    out["geometry"] = polys
    out = out.sort_values(["population_exact", "area_m2"], ascending=[False, False], kind="stable").reset_index(drop=True)
    out["population"] = whole_persons(out["population_exact"].to_numpy())
    out["households"] = whole_persons(out["households_exact"].to_numpy())
    out["gap_id"] = [f"GAP{i + 1:03d}" for i in range(len(out))]
    out = out[out["population_exact"] > 0].drop(columns=["population_exact", "households_exact"])
    return gpd.GeoDataFrame(out[GAP_COLUMNS + ["geometry"]], geometry="geometry", crs=d.crs)
