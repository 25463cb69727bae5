"""Benchmark: gap units (analysis.gaps.gap_units) at 100,000 demand points.

Synthetic city: a jittered street lattice (``benchmarks.synthetic_city``, 200 × 200 nodes,
80 m blocks), 100,000 demand points on a 50 m lattice over it, 1 km grids in 2 km communities
in 4 km streets, 150 centers. Covered flags come from real walking times (one multi-source
Dijkstra); the old union-of-squares method (``legacy_gap_areas``, the code gap units replace)
is timed on the same input for comparison.

    python -m benchmarks.bench_gaps            # 100,000 points
    python -m benchmarks.bench_gaps --points 20000
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from analysis.gaps import gap_units
from analysis.params import WalkParams
from analysis.travel_time import nearest_source_distances, point_distances
from benchmarks.synthetic_city import CRS, synthetic_city
from geo.snapping import snap_points


def legacy_gap_areas(d: gpd.GeoDataFrame, cell_m: float = 100.0) -> int:
    """The former method: a union of buffered squares around every uncovered point (count of parts)."""
    un = d[~d["covered"] & (d["population"] > 0)]
    xy = shapely.get_coordinates(np.asarray(un.geometry.values))
    h = cell_m / 2.0
    boxes = shapely.box(xy[:, 0] - h, xy[:, 1] - h, xy[:, 0] + h, xy[:, 1] + h)
    return len(shapely.get_parts(shapely.union_all(shapely.buffer(boxes, 0.01))))


def make_instance(n_points: int, seed: int = 3):
    net = synthetic_city(side=200, spacing_m=80.0, seed=seed)
    rng = np.random.default_rng(seed)
    x0, y0 = net.node_x.min(), net.node_y.min()
    span = min(net.node_x.max() - x0, net.node_y.max() - y0)
    k = int(np.ceil(np.sqrt(n_points)))
    step = span / k
    ii, jj = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    x = (x0 + (jj.ravel() + 0.5) * step)[:n_points]
    y = (y0 + (ii.ravel() + 0.5) * step)[:n_points]
    d = gpd.GeoDataFrame({"population": rng.gamma(2.0, 20.0, n_points)}, geometry=gpd.points_from_xy(x, y), crs=CRS)
    gx, gy = np.floor((x - x0) / 1000).astype(int), np.floor((y - y0) / 1000).astype(int)
    d["grid_id"] = [f"G{a:02d}_{b:02d}" for a, b in zip(gx, gy)]
    d["community"] = [f"C{a // 2:02d}_{b // 2:02d}" for a, b in zip(gx, gy)]
    d["street"] = [f"S{a // 4:02d}_{b // 4:02d}" for a, b in zip(gx, gy)]
    centers = gpd.GeoSeries(gpd.points_from_xy(rng.uniform(x0, x0 + span, 150), rng.uniform(y0, y0 + span, 150)), crs=CRS)
    return net, d, centers


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=100_000)
    args = ap.parse_args(argv)
    params = WalkParams()
    net, d, centers = make_instance(args.points)
    _ = net.csr
    c_snap = snap_points(net, centers, params.max_access_m)
    d_snap = snap_points(net, d, params.max_access_m)
    nd, ns = nearest_source_distances(net, c_snap)
    dist, _ = point_distances(net, nd, ns, d_snap, c_snap)
    d["time_min"] = dist / params.metres_per_minute
    d["covered"] = d["time_min"] <= params.minutes
    cdf = gpd.GeoDataFrame({"center_id": [f"C{i:03d}" for i in range(len(centers))]}, geometry=centers, crs=CRS)
    cdf["name"] = cdf["center_id"]
    n_un = int((~d["covered"]).sum())
    t, cpu = time.perf_counter(), time.process_time()
    gaps = gap_units(d, params=params, network=net, center_snaps=c_snap, centers=cdf)
    t_gaps, cpu_gaps = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    n_legacy = legacy_gap_areas(d, cell_m=float(np.median(np.diff(np.unique(shapely.get_x(np.asarray(d.geometry.values)))))))
    t_legacy, cpu_legacy = time.perf_counter() - t, time.process_time() - cpu
    total = float(d.loc[~d["covered"], "population"].sum())
    print(f"demand points: {len(d):,}; uncovered: {n_un:,} ({total:,.0f} residents); network {net.n_nodes:,} nodes")
    print(f"gap units: {len(gaps):,} units in {t_gaps:.2f} s (CPU {cpu_gaps:.2f} s); largest {gaps['population'].max():,} residents "
          f"({gaps['population'].max() / total * 100:.2f}% of uncovered); rows add up: {int(gaps['population'].sum()):,} "
          f"vs {round(total):,}")
    print(f"legacy union of squares: {n_legacy:,} parts in {t_legacy:.2f} s (CPU {cpu_legacy:.2f} s)")


if __name__ == "__main__":
    main()
