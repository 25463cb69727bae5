"""The k-d-tree snap (geo.snap_index) gives the STRtree's answer: same distance and position.

Equally near segments (a point nearest to a street corner, or halfway between two streets) may be
named differently, so the test asks for the same access distance; the same offset and position
whenever the segment is the same; and — when it differs — that both segments are exactly as near.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.network import WalkNetwork
from geo.snap_index import SnapIndex
from geo.snapping import snap_points

CRS = "EPSG:32651"
TOL = 1e-6  # metres


def strtree_answer(geoms: np.ndarray, points: np.ndarray):
    tree = shapely.STRtree(geoms)
    _, edge = tree.query_nearest(points, all_matches=False)
    lines = geoms[edge]
    offset = shapely.line_locate_point(lines, points)
    snapped = shapely.line_interpolate_point(lines, offset)
    return edge, offset, shapely.distance(points, snapped), shapely.get_coordinates(snapped)


def assert_same(geoms: np.ndarray, points: np.ndarray, step_m: float = 20.0) -> int:
    xy = shapely.get_coordinates(points)
    near = SnapIndex(geoms, step_m=step_m).nearest(xy[:, 0], xy[:, 1])
    edge, offset, dist, pos = strtree_answer(geoms, points)
    np.testing.assert_allclose(near.distance, dist, atol=TOL, rtol=0)
    same = near.edge == edge
    np.testing.assert_allclose(np.column_stack([near.x, near.y])[same], pos[same], atol=TOL, rtol=0)
    ours = shapely.points(near.x, near.y)
    assert np.all(shapely.distance(ours, geoms[near.edge]) < TOL)  # the position is on our segment
    np.testing.assert_allclose(shapely.distance(ours, points), dist, atol=TOL)
    np.testing.assert_allclose(near.offset[same], offset[same], atol=TOL, rtol=0)
    # another segment only when it is exactly as near (ties), and our own choice is that near too
    np.testing.assert_allclose(shapely.distance(points[~same], geoms[near.edge[~same]]), dist[~same], atol=TOL)
    return int((~same).sum())


def lattice(n: int = 12, spacing: float = 80.0, seed: int = 0) -> np.ndarray:
    """A jittered street lattice with curved (3-vertex) segments, like the benchmark city."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    x = (jj * spacing + rng.normal(0, 8, ii.shape)).ravel() + 200_000.0
    y = (ii * spacing + rng.normal(0, 8, ii.shape)).ravel() + 3_340_000.0
    idx = ii * n + jj
    e = np.vstack([np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
                   np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])])
    u, v = e[:, 0], e[:, 1]
    mx = (x[u] + x[v]) / 2 - (y[v] - y[u]) * 0.1
    my = (y[u] + y[v]) / 2 + (x[v] - x[u]) * 0.1
    coords = np.stack([np.column_stack([x[u], y[u]]), np.column_stack([mx, my]), np.column_stack([x[v], y[v]])], 1)
    return shapely.linestrings(coords), x, y


def test_random_points_nodes_and_far_points_match_strtree():
    geoms, x, y = lattice()
    rng = np.random.default_rng(3)
    px = np.concatenate([rng.uniform(x.min() - 300, x.max() + 300, 4000), x,          # nodes: ties
                         [x.min() - 5000, x.max() + 20000]])                          # far away: fallback
    py = np.concatenate([rng.uniform(y.min() - 300, y.max() + 300, 4000), y, [y.min(), y.max() + 3]])
    n_tied = assert_same(geoms, shapely.points(px, py))
    assert n_tied > 0  # nodes are shared by several segments: the tie case was exercised


def test_points_on_the_streets_snap_to_themselves():
    geoms, _, _ = lattice(6)
    on = shapely.line_interpolate_point(geoms, 0.37, normalized=True)
    xy = shapely.get_coordinates(on)
    near = SnapIndex(geoms).nearest(xy[:, 0], xy[:, 1])
    assert np.all(near.distance < TOL)
    np.testing.assert_allclose(near.offset, 0.37 * shapely.length(geoms), atol=TOL)


def test_fallback_answers_points_without_proof():
    # 100 km off a 10 km street: the 32 nearest samples are all within half a step of the best
    # distance, so the samples prove nothing and the STRtree answers
    geoms = shapely.linestrings(np.array([[[0.0, 0.0], [10_000.0, 0.0]], [[0.0, 50.0], [0.0, 300.0]]]))
    far = shapely.points([5_000.0, 2_003.0], [-100_000.0, -100_000.0])
    xy = shapely.get_coordinates(far)
    near = SnapIndex(geoms).nearest(xy[:, 0], xy[:, 1])
    assert near.n_fallback == 2
    assert_same(geoms, far)


def test_snap_points_keeps_the_index_with_the_network():
    geoms, x, y = lattice(6)
    net = WalkNetwork.from_lines(gpd.GeoDataFrame(geometry=geoms, crs=CRS))
    pts = gpd.GeoSeries(shapely.points(x[:10] + 7.0, y[:10] - 3.0), crs=CRS)
    a = snap_points(net, pts)
    index = net.snap_index
    b = snap_points(net, pts)
    assert net.snap_index is index
    np.testing.assert_array_equal(a.edge, b.edge)
    edge, offset, dist, _ = strtree_answer(net.edge_geometry, np.asarray(pts.values))
    np.testing.assert_allclose(a.access_m, dist, atol=TOL)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    step=st.sampled_from([5.0, 20.0, 60.0]),
    n_seg=st.integers(1, 30),
    grid=st.booleans(),
)
def test_hypothesis_random_segments(seed, step, n_seg, grid):
    rng = np.random.default_rng(seed)
    if grid:  # coordinates on a 10 m grid: many exact ties between segments
        a = rng.integers(0, 20, (n_seg, 2)) * 10.0
        b = rng.integers(0, 20, (n_seg, 2)) * 10.0
        p = rng.integers(-5, 25, (200, 2)) * 10.0
    else:
        a = rng.uniform(0, 500, (n_seg, 2))
        b = a + rng.normal(0, 80, (n_seg, 2))
        p = rng.uniform(-100, 600, (200, 2))
    geoms = shapely.linestrings(np.stack([a, b], axis=1))
    assert_same(geoms, shapely.points(p), step_m=step)
