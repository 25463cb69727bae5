"""The engine's point-to-point walking distances equal NetworkX's on the real Hangzhou graph.

NetworkX is given an independently built graph in which every snapped point is inserted as
a node by splitting its segment, so mid-block positions are exact there too.
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.travel_time import nearest_source_distances, point_distances
from geo.snapping import snap_points


def _random_points(net, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(net.node_x.min(), net.node_x.max(), n)
    y = rng.uniform(net.node_y.min(), net.node_y.max(), n)
    return gpd.GeoSeries(gpd.points_from_xy(x, y), crs=net.crs)


def _nx_with_points(net, snapped):
    """Undirected NetworkX graph with each snapped point inserted as node ('p', i)."""
    G = nx.Graph()
    by_edge: dict[int, list[tuple[float, int]]] = {}
    for i, (e, off, ok) in enumerate(zip(snapped.edge, snapped.offset_m, snapped.on_network)):
        if ok:
            by_edge.setdefault(int(e), []).append((float(off), i))

    def add(a, b, w):
        if a == b:
            return
        if not G.has_edge(a, b) or G[a][b]["w"] > w:
            G.add_edge(a, b, w=w)

    for e in range(net.n_edges):
        u, v, L = int(net.edge_u[e]), int(net.edge_v[e]), float(net.edge_length[e])
        chain = sorted(by_edge.get(e, []))
        prev, prev_off = u, 0.0
        for off, i in chain:
            add(prev, ("p", i), off - prev_off)
            prev, prev_off = ("p", i), off
        add(prev, v, L - prev_off)
    return G


def test_engine_equals_networkx_for_400_point_pairs(hangzhou):
    pts = _random_points(hangzhou, 40, seed=7)
    snapped = snap_points(hangzhou, pts, max_access_m=300)
    ok = np.flatnonzero(snapped.on_network)
    assert len(ok) >= 30
    G = _nx_with_points(hangzhou, snapped)
    srcs, tgts = ok[:20], ok[20:]
    n_compared = 0
    for s in srcs:
        one = snapped.subset(np.array([s]))
        nd, ns = nearest_source_distances(hangzhou, one)
        ours, _ = point_distances(hangzhou, nd, ns, snapped.subset(tgts), one)
        ref = nx.single_source_dijkstra_path_length(G, ("p", int(s)), weight="w")
        for t, d in zip(tgts, ours):
            expected = ref.get(("p", int(t)), np.inf)
            expected = expected + snapped.access_m[s] + snapped.access_m[t]
            if np.isinf(expected):
                assert np.isinf(d)
            else:
                assert d == pytest.approx(expected, abs=0.01)
            n_compared += 1
    assert n_compared >= 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fx=st.floats(0.05, 0.95), fy=st.floats(0.05, 0.95), gx=st.floats(0.05, 0.95), gy=st.floats(0.05, 0.95)
)
def test_walking_never_beats_the_straight_line(hangzhou, fx, fy, gx, gy):
    x0, x1 = hangzhou.node_x.min(), hangzhou.node_x.max()
    y0, y1 = hangzhou.node_y.min(), hangzhou.node_y.max()
    a = shapely.Point(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0))
    b = shapely.Point(x0 + gx * (x1 - x0), y0 + gy * (y1 - y0))
    src = snap_points(hangzhou, gpd.GeoSeries([a], crs=hangzhou.crs), max_access_m=1e6)
    tgt = snap_points(hangzhou, gpd.GeoSeries([b], crs=hangzhou.crs), max_access_m=1e6)
    nd, ns = nearest_source_distances(hangzhou, src)
    d, _ = point_distances(hangzhou, nd, ns, tgt, src)
    assert d[0] >= a.distance(b) - 1e-6


def test_sources_on_the_sample_networks_self_loops(hangzhou):
    """Centers placed on purpose on the sample city's loop streets (u == v): exact, like NetworkX."""
    from analysis.travel_time import per_source_reach, points_reach
    from geo.snapping import SnappedPoints

    loops = np.flatnonzero(hangzhou.edge_u == hangzhou.edge_v)
    assert len(loops) >= 1, "the sample network has loop streets (cul-de-sac loops)"
    # a center a quarter of the way round each loop, and homes elsewhere on the loop and nearby
    off = hangzhou.edge_length[loops] * 0.25
    xy = shapely.get_coordinates(shapely.line_interpolate_point(hangzhou.edge_geometry[loops], off))
    centers = SnappedPoints(loops.astype(np.int64), off, np.full(len(loops), 5.0), np.ones(len(loops), bool),
                            xy[:, 0], xy[:, 1])
    home_edges = np.concatenate([loops, loops])
    home_off = np.concatenate([hangzhou.edge_length[loops] * 0.9, hangzhou.edge_length[loops] * 0.5])
    hxy = shapely.get_coordinates(shapely.line_interpolate_point(hangzhou.edge_geometry[home_edges], home_off))
    homes = SnappedPoints(home_edges.astype(np.int64), home_off, np.zeros(len(home_edges)),
                          np.ones(len(home_edges), bool), hxy[:, 0], hxy[:, 1])
    both = SnappedPoints.concat([centers, homes])
    G = _nx_with_points(hangzhou, both)
    for i, e in enumerate(loops):
        one = centers.subset(np.array([i]))
        L = float(hangzhou.edge_length[e])
        nd, ns = nearest_source_distances(hangzhou, one)
        # the loop's node is reached the short way round: min(offset, length - offset) + access
        assert nd[hangzhou.edge_u[e]] == pytest.approx(5.0 + min(0.25 * L, 0.75 * L), abs=1e-6)
        ours, _ = point_distances(hangzhou, nd, ns, homes, one)
        ref = nx.single_source_dijkstra_path_length(G, ("p", i), weight="w")
        for t in range(len(homes)):
            expected = ref.get(("p", len(loops) + t), np.inf) + 5.0
            assert ours[t] == pytest.approx(expected, abs=0.01)
        # the same distances from the reach tables (coverage sets, isochrones)
        limit = float(np.nanmax(np.where(np.isfinite(ours), ours, 0))) + 1.0
        pr = points_reach(hangzhou, one, homes, limit, node_reach=per_source_reach(hangzhou, one, limit))
        for t, d in zip(pr.target, pr.dist_m):
            assert d == pytest.approx(ours[t], abs=1e-6)
        # two points on the same loop: min(|Δ|, length − |Δ|) apart along it
        same = np.flatnonzero(homes.edge == e)
        for t in same:
            delta = abs(homes.offset_m[t] - off[i])
            assert ours[t] == pytest.approx(5.0 + min(delta, L - delta), abs=1e-6)
