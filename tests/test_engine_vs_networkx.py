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
