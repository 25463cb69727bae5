"""Candidate sites: a planner's layer, or street positions generated from the network.

Generated candidates are network nodes (street corners and bends) on streets of chosen OSM
classes, thinned so that no two are closer than a minimum spacing (metres, straight line).
Thinning is a vectorised maximal independent set: each round keeps every node that ranks above
all its undecided neighbours within the spacing (street corners with more streets rank first).
Candidates within a minimum *network* distance of an existing site can be excluded.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from scipy.spatial import cKDTree

from geo.crs import to_crs_checked
from geo.errors import LayerError, ParameterError
from geo.messages import both, listing
from geo.network import WalkNetwork

#: default street classes for generated candidates: streets people walk and live along
DEFAULT_CLASSES = ("primary", "secondary", "tertiary", "residential", "unclassified", "living_street", "pedestrian")


def _first_class(highway: np.ndarray) -> np.ndarray:
    """'footway;tertiary' -> 'footway' (merged OSM ways carry joined tags)."""
    return np.array([str(h).split(";")[0] for h in highway], dtype=object)


def thin_by_spacing(x: np.ndarray, y: np.ndarray, rank: np.ndarray, spacing_m: float) -> np.ndarray:
    """Indices of a maximal subset of points no two closer than ``spacing_m``, higher rank first.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Point coordinates in a projected metric CRS (metres).
    rank : numpy.ndarray
        Priority of each point (higher kept first; ties: lower index first).
    spacing_m : float
        Minimum straight-line distance between kept points, metres; 0 or less keeps all.

    Returns
    -------
    numpy.ndarray of int
        Sorted positions of the kept points.
    """
    n = len(x)
    if n == 0 or spacing_m <= 0:
        return np.arange(n)
    pairs = cKDTree(np.c_[x, y]).query_pairs(spacing_m, output_type="ndarray")
    a, b = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    # strict total order: rank, then lower index first
    order = np.lexsort((-np.arange(n), rank))
    prio = np.empty(n, dtype=np.int64)
    prio[order] = np.arange(n)
    state = np.zeros(n, dtype=np.int8)  # 0 undecided, 1 kept, -1 dropped
    while (state == 0).any():
        live = (state[a] == 0) & (state[b] == 0)
        best_nb = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best_nb, a[live], prio[b[live]])
        win = (state == 0) & (prio > best_nb)
        state[win] = 1
        hit = win[a] & (state[b] == 0)
        state[b[hit]] = -1
    return np.flatnonzero(state == 1)


def generate_candidates(
    network: WalkNetwork,
    *,
    street_classes: tuple[str, ...] = DEFAULT_CLASSES,
    spacing_m: float = 150.0,
    main_component_only: bool = True,
) -> gpd.GeoDataFrame:
    """Candidate points on network nodes of ``street_classes`` streets, ``spacing_m`` apart.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    street_classes : tuple of str
        OSM ``highway`` classes whose nodes may become candidates (first class of merged ways).
    spacing_m : float
        Minimum straight-line distance between candidates, metres (street corners with more
        streets are kept first).
    main_component_only : bool
        Only nodes of the network's main connected piece.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``candidate_id`` (G0001...), ``name`` (= the id), ``street`` (a street name at
        the node, "" if none), ``generated`` (True) and point geometry in the network CRS;
        RangeIndex.

    Raises
    ------
    ParameterError
        Negative ``spacing_m``, or no street of ``street_classes`` in the network.
    """
    if spacing_m < 0:
        raise ParameterError(both("error.spacing_negative"))
    cls = _first_class(network.edge_highway)
    on = np.isin(cls, np.asarray(street_classes, dtype=object))
    if not on.any():
        raise ParameterError(
            both("error.no_street_of_classes", classes=listing(street_classes))
        )
    nodes = np.unique(np.r_[network.edge_u[on], network.edge_v[on]])
    if main_component_only:
        nodes = nodes[network.node_component[nodes] == 0]
    degree = np.bincount(np.r_[network.edge_u, network.edge_v], minlength=network.n_nodes)
    keep = nodes[thin_by_spacing(network.node_x[nodes], network.node_y[nodes], degree[nodes], spacing_m)]
    # a street name for each node: the name of any named chosen-class edge touching it
    name_of = np.full(network.n_nodes, "", dtype=object)
    named = on & (network.edge_name != "")
    name_of[network.edge_u[named]] = network.edge_name[named]
    name_of[network.edge_v[named]] = network.edge_name[named]
    ids = [f"G{i + 1:04d}" for i in range(len(keep))]
    return gpd.GeoDataFrame(
        {
            "candidate_id": ids,
            "name": ids,
            "street": name_of[keep],
            "generated": True,
        },
        geometry=gpd.points_from_xy(network.node_x[keep], network.node_y[keep]),
        crs=network.crs,
    )


def prepare_candidates(candidates: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """A user's candidate layer in ``crs`` with unique string ``candidate_id`` and a ``name``.

    Rows without a location are dropped; polygons (buildings) become a point inside them.
    Missing ids come from an ``id`` column or are numbered K0001...; missing names are the id.

    Parameters
    ----------
    candidates : geopandas.GeoDataFrame
        Points or building polygons, any CRS.
    crs : str
        Target CRS, the network's projected metric CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in ``crs`` with ``candidate_id`` (str), ``name`` (str), ``generated`` (False) and
        the layer's other columns; RangeIndex.

    Raises
    ------
    LayerError
        The layer is empty, no row has a location, or ids repeat.
    CRSError
        The layer has no CRS.
    """
    if candidates is None or len(candidates) == 0:
        raise LayerError(both("error.candidates_empty"))
    c = to_crs_checked(candidates, crs, "candidate layer").copy()
    c = c[~c.geometry.is_empty & c.geometry.notna()].copy()
    if c.empty:
        raise LayerError(both("error.candidates_no_location"))
    c["geometry"] = c.geometry.representative_point()
    if "candidate_id" not in c:
        c["candidate_id"] = c["id"] if "id" in c else None
    gen = [f"K{i + 1:04d}" for i in range(len(c))]
    c["candidate_id"] = [str(v) if v is not None and v == v and str(v) != "" else g
                         for v, g in zip(c["candidate_id"], gen)]
    if c["candidate_id"].duplicated().any():
        dup = c.loc[c["candidate_id"].duplicated(), "candidate_id"].tolist()[:5]
        raise LayerError(both("error.candidate_ids_repeated", ids=listing(dup)))
    if "name" not in c:
        c["name"] = c["candidate_id"]
    c["name"] = c["name"].fillna(c["candidate_id"]).astype(str)
    c["generated"] = False
    return c.reset_index(drop=True)


def exclusion_mask(dist_to_existing_m: np.ndarray, min_distance_m: float) -> np.ndarray:
    """True for candidates closer than ``min_distance_m`` (network metres) to an existing site.

    Parameters
    ----------
    dist_to_existing_m : numpy.ndarray of float
        Network distance from each candidate to the nearest existing site, metres (inf: none).
    min_distance_m : float
        Minimum network distance, metres (0 excludes nothing).

    Returns
    -------
    numpy.ndarray of bool
        One value per candidate.

    Raises
    ------
    ParameterError
        ``min_distance_m`` is negative.
    """
    if min_distance_m < 0:
        raise ParameterError(both("error.min_distance_negative"))
    return np.asarray(dist_to_existing_m) < min_distance_m
