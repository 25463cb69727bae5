"""Benchmark: ``servicecircle batch`` throughput on Dask (1 vs 2 workers) and a province estimate.

1. Throughput: the sample manifest's four areas, repeated ``--repeat`` times under distinct
   output names, run by :func:`analysis.batch.run_batch` on a fresh ``LocalCluster`` with 1 and
   with 2 worker processes (1 thread each), each into an empty output folder. Printed: wall time
   (with and without starting the cluster) and areas per minute.
2. Per-area cost at scale: one synthetic area of about ``--nodes`` network nodes (jittered street
   lattice, ``benchmarks/synthetic_city.py``) with centers and residents spread over it, run through
   the same coverage engine in its own process: seconds, seconds per 1,000 nodes, peak memory.
3. A written estimate for a province (``--cities`` cities of ``--nodes`` nodes) on N workers,
   from the measured per-area cost: wall time ≈ ceil(cities / N) × seconds per city (areas are
   independent tasks; the scheduler's overhead per task is milliseconds), memory ≈ peak per
   worker. Linear in cities; an assumption, stated in the output, is that every city costs
   what the synthetic one does.

    python -m benchmarks.bench_batch                  # all three (several minutes)
    python -m benchmarks.bench_batch --skip-large     # throughput only
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "data" / "batch" / "manifest.csv"


def _manifest(tmp: Path, repeat: int) -> Path:
    with open(MANIFEST, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for k in range(repeat):
        for r in rows:
            r = dict(r)
            for c in ("osm", "centers", "grids", "communities"):
                r[c] = str((MANIFEST.parent / r[c]).resolve())
            r["area"] += f" #{k + 1}"
            r["out"] += f"_{k + 1}"
            out.append(r)
    path = tmp / "bench_manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)
    return path


def throughput(workers: int, repeat: int) -> dict:
    from distributed import Client, LocalCluster

    from analysis.batch import env_threads_one, read_manifest, run_batch

    with tempfile.TemporaryDirectory(prefix="bench_batch_") as d:
        tasks = read_manifest(_manifest(Path(d), repeat))
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          env=env_threads_one()) as cluster, Client(cluster) as client:
            t1 = time.perf_counter()
            res = run_batch(tasks, Path(d) / "out", client)
            t2 = time.perf_counter()
        assert res.n_failed == 0, res.failed
        per_area = res.table["seconds"].to_numpy()
        cpu = sorted(res.table["cpu_s"].to_numpy())
        return {"workers": workers, "areas": len(tasks), "wall_s": t2 - t0, "batch_s": t2 - t1,
                "cpu_s_median": float(cpu[len(cpu) // 2]), "load": os.getloadavg()[0],
                "startup_s": t1 - t0, "areas_per_min": len(tasks) / ((t2 - t1) / 60.0),
                "area_s_median": float(sorted(per_area)[len(per_area) // 2]),
                "area_s_first": float(max(per_area)), "nodes": int(res.table["n_nodes"].iloc[0]),
                "peak_rss_mb": float(res.table["peak_rss_mb"].max())}


def large_area(nodes: int, n_centers: int, n_demand: int) -> dict:
    """One synthetic area through run_coverage (call in a fresh process for a clean peak RSS)."""
    import geopandas as gpd
    import numpy as np

    from analysis.coverage import run_coverage
    from analysis.params import WalkParams
    from benchmarks.synthetic_city import synthetic_city

    side = int(round(math.sqrt(nodes)))
    t0 = time.perf_counter()
    net = synthetic_city(side=side)
    t_net = time.perf_counter() - t0
    rng = np.random.default_rng(3)
    pts = lambda n: gpd.points_from_xy(rng.uniform(net.node_x.min(), net.node_x.max(), n),  # noqa: E731
                                       rng.uniform(net.node_y.min(), net.node_y.max(), n))
    centers = gpd.GeoDataFrame({"center_id": [f"C{i}" for i in range(n_centers)]}, geometry=pts(n_centers), crs=net.crs)
    demand = gpd.GeoDataFrame({"population": rng.integers(5, 200, n_demand).astype(float)}, geometry=pts(n_demand),
                              crs=net.crs)
    t1, c1 = time.perf_counter(), time.process_time()
    res = run_coverage(net, centers, demand, WalkParams())
    t2, c2 = time.perf_counter(), time.process_time()
    return {"nodes": int(net.n_nodes), "edges": int(net.n_edges), "centers": n_centers, "demand": n_demand,
            "network_build_s": t_net, "coverage_s": t2 - t1, "coverage_cpu_s": c2 - c1,
            "covered_share": float(res.summary.covered_share),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=2, help="copies of the 4 sample areas (default 2: 8 areas)")
    ap.add_argument("--nodes", type=int, default=200_000, help="nodes of the synthetic large area (default 200,000)")
    ap.add_argument("--centers", type=int, default=200, help="centers in the large area (default 200)")
    ap.add_argument("--demand", type=int, default=50_000, help="demand points in the large area (default 50,000)")
    ap.add_argument("--cities", type=int, default=100, help="cities in the province estimate (default 100)")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--_large", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._large:
        print(json.dumps(large_area(a.nodes, a.centers, a.demand)))
        return

    print("== 1. Throughput: sample-city areas on a Dask LocalCluster (1 thread per worker) ==")
    runs = [throughput(w, a.repeat) for w in (1, 2)]
    print(f"{'workers':>7} {'areas':>5} {'cluster start s':>15} {'batch s':>8} {'areas/min':>9} "
          f"{'median area s':>13} {'median area CPU s':>17} {'slowest area s':>14} {'peak RSS/worker MB':>18} "
          f"{'load avg':>8}")
    for r in runs:
        print(f"{r['workers']:>7} {r['areas']:>5} {r['startup_s']:>15.1f} {r['batch_s']:>8.1f} {r['areas_per_min']:>9.2f} "
              f"{r['area_s_median']:>13.1f} {r['cpu_s_median']:>17.1f} {r['area_s_first']:>14.1f} "
              f"{r['peak_rss_mb']:>18.0f} {r['load']:>8.1f}")
    print(f"speed-up 2 vs 1 worker: {runs[1]['areas_per_min'] / runs[0]['areas_per_min']:.2f}x "
          f"(this machine: {os.cpu_count()} cores shared with other work; 1-minute load average "
          f"{os.getloadavg()[0]:.1f} now. Each worker's first area also loads the sample city: "
          "more areas amortise that; see --repeat)")
    small_s_per_k = runs[0]["cpu_s_median"] / (runs[0]["nodes"] / 1000.0)
    print(f"sample area: {runs[0]['nodes']:,} nodes, {runs[0]['cpu_s_median']:.1f} s CPU → "
          f"{small_s_per_k:.2f} s per 1,000 nodes (fixed costs: reading layers, isochrone polygons, writing the "
          "GeoPackage, dominate at this size)")
    if a.skip_large:
        return

    print(f"\n== 2. One large area: synthetic city of about {a.nodes:,} nodes, {a.centers} centers, "
          f"{a.demand:,} demand points ==")
    p = subprocess.run([sys.executable, "-m", "benchmarks.bench_batch", "--_large", "--nodes", str(a.nodes),
                        "--centers", str(a.centers), "--demand", str(a.demand)],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    big = json.loads(p.stdout.strip().splitlines()[-1])
    per_k = big["coverage_cpu_s"] / (big["nodes"] / 1000.0)  # CPU: what a dedicated 1-thread worker spends
    print(f"nodes {big['nodes']:,}, segments {big['edges']:,}: network build {big['network_build_s']:.1f} s, "
          f"coverage (snap + Dijkstra + isochrones + tables) {big['coverage_s']:.1f} s wall, "
          f"{big['coverage_cpu_s']:.1f} s CPU = {per_k:.3f} s per 1,000 nodes; peak memory {big['peak_rss_mb']:.0f} MB")

    print(f"\n== 3. Estimate: a province of {a.cities} cities × {a.nodes:,} nodes ==")
    city_s = big["coverage_cpu_s"] + big["network_build_s"]
    mem_gb = big["peak_rss_mb"] / 1024.0
    print(f"per city ≈ {city_s:.0f} s of one core (measured above: coverage CPU time + building the network; a cached "
          f"OSM network loads faster, a first OSM parse is slower), ≈ {mem_gb:.1f} GB peak per worker.")
    print(f"{'workers N':>9} {'rounds':>6} {'wall time':>12} {'memory (all workers)':>21}")
    for n in (1, 2, 8, 16, 32, 64, 100):
        rounds = math.ceil(a.cities / n)
        wall = rounds * city_s
        print(f"{n:>9} {rounds:>6} {wall / 60:>9.1f} min {n * mem_gb:>18.1f} GB")
    print("Assumptions: one thread per worker, each worker with ≥ "
          f"{math.ceil(mem_gb * 1.5)} GB of memory (peak × 1.5), every city costs what the synthetic one does, "
          "input files reachable by every worker (shared folder), areas independent (no cross-city walking).")


if __name__ == "__main__":
    main()
