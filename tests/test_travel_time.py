"""Travel times on tiny hand-built graphs, with answers worked out by hand (metres)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.travel_time import nearest_source_distances, per_source_reach, point_distances, points_reach
from geo.network import WalkNetwork
from geo.snapping import snap_points

CRS = "EPSG:32651"


def net_from(segments, oneway=None):
    gdf = gpd.GeoDataFrame(geometry=[shapely.LineString(s) for s in segments], crs=CRS)
    if oneway is not None:
        gdf["oneway"] = oneway
        return WalkNetwork.from_lines(gdf, oneway_col="oneway")
    return WalkNetwork.from_lines(gdf)


def pts(*xy):
    return gpd.GeoSeries([shapely.Point(x, y) for x, y in xy], crs=CRS)


def node_at(net, x, y):
    return int(np.flatnonzero((np.abs(net.node_x - x) < 1e-6) & (np.abs(net.node_y - y) < 1e-6))[0])


@pytest.fixture
def line_net():
    # A(0,0) --100-- B(100,0) --200-- C(300,0); spur B -- D(100,50)
    return net_from([[(0, 0), (100, 0)], [(100, 0), (300, 0)], [(100, 0), (100, 50)]])


def test_mid_edge_source_reaches_both_ends(line_net):
    src = snap_points(line_net, pts((50, 10)))          # 10 m off the street, mid A-B
    assert src.edge[0] == 0 and src.offset_m[0] == pytest.approx(50) and src.access_m[0] == pytest.approx(10)
    d, s = nearest_source_distances(line_net, src)
    assert d[node_at(line_net, 0, 0)] == pytest.approx(60)     # 10 access + 50 back to A
    assert d[node_at(line_net, 100, 0)] == pytest.approx(60)   # 10 + 50 forward to B
    assert d[node_at(line_net, 300, 0)] == pytest.approx(260)
    assert d[node_at(line_net, 100, 50)] == pytest.approx(110)
    assert set(s) == {0}


def test_mid_edge_targets_and_same_edge_direct(line_net):
    src = snap_points(line_net, pts((50, 10)))
    d, s = nearest_source_distances(line_net, src)
    tg = snap_points(line_net, pts((20, 0), (200, -5), (100, 40), (5000, 0)))
    dist, which = point_distances(line_net, d, s, tg, src)
    # (20,0): 10 access + 30 along the same segment (not via a node, which would be 90+)
    np.testing.assert_allclose(dist[:3], [40, 165, 100])
    assert np.isinf(dist[3]) and which[3] == -1 and not tg.on_network[3]
    np.testing.assert_array_equal(which[:3], [0, 0, 0])


def test_nearest_of_two_sources_and_cutoff_exactly_at_node(line_net):
    src = snap_points(line_net, pts((0, 0), (300, 0)))
    d, s = nearest_source_distances(line_net, src, limit_m=100.0)
    b = node_at(line_net, 100, 0)
    assert d[b] == pytest.approx(100.0) and s[b] == 0          # cutoff exactly at B: still reached
    assert np.isinf(d[node_at(line_net, 100, 50)])            # 150 m > cutoff
    assert s[node_at(line_net, 300, 0)] == 1


def test_one_way_segment_is_walked_only_forward():
    # A(0,0) -> B(100,0) one-way; B - C(100,100) two-way; C - A(0,0) long way round (two-way)
    net = net_from([[(0, 0), (100, 0)], [(100, 0), (100, 100)], [(100, 100), (0, 0)]], oneway=[True, False, False])
    src = snap_points(net, pts((100, 0)))  # at B
    d, _ = nearest_source_distances(net, src)
    a = node_at(net, 0, 0)
    assert d[a] == pytest.approx(100 + np.hypot(100, 100))    # must go round via C
    src_a = snap_points(net, pts((0, 0)))
    d2, _ = nearest_source_distances(net, src_a)
    assert d2[node_at(net, 100, 0)] == pytest.approx(100)      # forward along the one-way


def test_disconnected_piece_is_unreachable_not_dropped():
    net = net_from([[(0, 0), (100, 0)], [(1000, 0), (1100, 0)]])
    assert net.components_summary()["component"].tolist() == [0, 1]
    src = snap_points(net, pts((0, 0)))
    d, s = nearest_source_distances(net, src)
    tg = snap_points(net, pts((50, 0), (1050, 0)))
    dist, which = point_distances(net, d, s, tg, src)
    assert dist[0] == pytest.approx(50) and np.isinf(dist[1]) and which[1] == -1
    assert tg.on_network.all()  # the far point is on a street, just not a connected one


def test_off_network_points_are_flagged_with_their_distance(line_net):
    tg = snap_points(line_net, pts((50, -299), (50, -301)), max_access_m=300)
    assert tg.on_network.tolist() == [True, False]
    assert tg.access_m[1] == pytest.approx(301)


def test_points_reach_lists_every_pair_within_limit(line_net):
    src = snap_points(line_net, pts((0, 0), (300, 0)))
    tg = snap_points(line_net, pts((50, 0), (250, 0), (100, 30)))
    r = points_reach(line_net, src, tg, limit_m=160.0).to_frame()
    got = {(int(a), int(b)): round(c, 6) for a, b, c in r.itertuples(index=False)}
    # source 0 at A: 50, 250(no), 130; source 1 at C: 250(no), 50, 230(no)
    assert got == {(0, 0): 50.0, (0, 2): 130.0, (1, 1): 50.0}


def test_per_source_reach_matches_single_source_runs(line_net):
    src = snap_points(line_net, pts((50, 0), (300, 0)))
    table = per_source_reach(line_net, src, limit_m=1e9, batch_size=1).to_frame()
    for k in range(2):
        d, _ = nearest_source_distances(line_net, src.subset(np.array([k])))
        sub = table[table["source"] == k].set_index("target")["dist_m"]
        np.testing.assert_allclose(sub.sort_index().to_numpy(), d[sub.sort_index().index.to_numpy()])
        assert len(sub) == line_net.n_nodes
