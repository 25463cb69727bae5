"""Benchmark: nearest-center walking distances for all nodes and demand points.

Compares, on the real Hangzhou graph and on a synthetic 260,000-node city, in one run:
  * ServiceCircle: edge snapping + ONE multi-source Dijkstra (scipy) + exact mid-edge point times;
  * the OSMnx isochrone recipe: one ``networkx.ego_graph(G, node, radius, distance="length")``
    per center (as in the OSMnx examples), extrapolated from a sample of centers at city scale;
  * pandana ``nearest_pois`` (contraction hierarchies; node-snapped), when pandana is installed.
Each method runs in its own process so its peak memory (max RSS) is its own.

    python -m benchmarks.bench_travel_time            # both graphs
    python -m benchmarks.bench_travel_time --quick    # Hangzhou only
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REACH_M = 600.0  # 8 minutes at 4.5 km/h
PANDANA_MAXDIST_M = 2400.0  # pandana needs a search radius: 32 minutes, beyond any service circle


def _dataset(name: str):
    """(network, centers GeoSeries, demand GeoSeries) for a dataset name."""
    if name == "hangzhou":
        from geo.network import load_walk_network

        net = load_walk_network(ROOT / "data" / "osm" / "hangzhou_core_2015-02.osm.pbf")
        n_centers, n_demand = 12, 6000
    else:
        from benchmarks.synthetic_city import synthetic_city

        net = synthetic_city()
        n_centers, n_demand = 300, 100_000
    rng = np.random.default_rng(1)
    pick = lambda n: gpd.GeoSeries(  # noqa: E731
        gpd.points_from_xy(rng.uniform(net.node_x.min(), net.node_x.max(), n),
                           rng.uniform(net.node_y.min(), net.node_y.max(), n)), crs=net.crs)
    return net, pick(n_centers), pick(n_demand)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_ours(name: str) -> dict:
    from analysis.travel_time import nearest_source_distances, point_distances
    from geo.snapping import snap_points

    net, centers, demand = _dataset(name)
    _ = net.csr, net.edge_tree  # built once per network in the app too
    t0 = time.perf_counter()
    cs = snap_points(net, centers)
    ds = snap_points(net, demand)
    t1 = time.perf_counter()
    nd, ns = nearest_source_distances(net, cs)
    pd_, _ = point_distances(net, nd, ns, ds, cs)
    t2 = time.perf_counter()
    nd_lim, _ = nearest_source_distances(net, cs, limit_m=REACH_M)
    t3 = time.perf_counter()
    return {
        "method": "servicecircle", "dataset": name, "nodes": net.n_nodes, "edges": net.n_edges,
        "centers": len(centers), "demand": len(demand),
        "snap_s": t1 - t0, "paths_s": t2 - t1, "total_s": t2 - t0, "limited_paths_s": t3 - t2,
        "reached_nodes_8min": int(np.isfinite(nd_lim).sum()), "peak_mb": _peak_mb(),
    }


def run_osmnx_recipe(name: str) -> dict:
    import networkx as nx

    net, centers, _ = _dataset(name)
    G = nx.Graph()
    G.add_weighted_edges_from(zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist()), weight="length")
    from geo.snapping import snap_points

    cs = snap_points(net, centers)
    start_nodes = net.edge_u[cs.edge]  # the recipe starts from a node
    sample = start_nodes if len(start_nodes) <= 20 else start_nodes[:20]
    t0 = time.perf_counter()
    reached = 0
    for node in sample:
        sub = nx.ego_graph(G, int(node), radius=REACH_M, distance="length")
        reached += sub.number_of_nodes()
    per_center = (time.perf_counter() - t0) / len(sample)
    return {
        "method": "osmnx_ego_graph", "dataset": name, "centers": len(start_nodes), "sampled": len(sample),
        "total_s": per_center * len(start_nodes), "extrapolated": len(sample) < len(start_nodes),
        "peak_mb": _peak_mb(),
    }


def run_pandana(name: str) -> dict:
    import pandana  # noqa: F401  (optional dependency: pip install -e '.[bench]')
    import pandas as pd

    net, centers, demand = _dataset(name)
    t0 = time.perf_counter()
    nodes = pd.DataFrame({"x": net.node_x, "y": net.node_y})
    edges = pd.DataFrame({"from": net.edge_u, "to": net.edge_v, "length": net.edge_length})
    pn = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["length"]], twoway=True)
    t1 = time.perf_counter()
    pn.set_pois("centers", PANDANA_MAXDIST_M, 1, centers.x, centers.y)
    res = pn.nearest_pois(PANDANA_MAXDIST_M, "centers", num_pois=1)
    demand_nodes = pn.get_node_ids(demand.x, demand.y)
    _ = res.loc[demand_nodes.to_numpy()].to_numpy()
    t2 = time.perf_counter()
    return {"method": "pandana", "dataset": name, "preprocess_s": t1 - t0, "total_s": t2 - t1,
            "with_preprocess_s": t2 - t0, "peak_mb": _peak_mb()}


METHODS = {"servicecircle": run_ours, "osmnx_ego_graph": run_osmnx_recipe, "pandana": run_pandana}


def _child(method: str, dataset: str) -> dict | None:
    cmd = [sys.executable, "-m", "benchmarks.bench_travel_time", "--child", method, dataset]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {method} on {dataset}: not run ({last})")
        return None
    return json.loads(out.stdout.rsplit("RESULT ", 1)[1].splitlines()[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="Hangzhou only")
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "DATASET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print("RESULT " + json.dumps(METHODS[args.child[0]](args.child[1])), flush=True)
        return
    datasets = ["hangzhou"] if args.quick else ["hangzhou", "synthetic"]
    for ds in datasets:
        res = {m: _child(m, ds) for m in METHODS}
        ours = res["servicecircle"]
        print(f"\n== {ds}: {ours['nodes']:,} nodes, {ours['edges']:,} segments, {ours['centers']} centers, "
              f"{ours['demand']:,} demand points")
        print(f"  ServiceCircle  : {ours['total_s']:.3f} s (snap {ours['snap_s']:.3f} s + one multi-source "
              f"Dijkstra and point times {ours['paths_s']:.3f} s; with 8-min cutoff {ours['limited_paths_s']:.3f} s); "
              f"peak {ours['peak_mb']:.0f} MB")
        ox_ = res["osmnx_ego_graph"]
        if ox_:
            note = f" (extrapolated from {ox_['sampled']} centers)" if ox_["extrapolated"] else ""
            print(f"  OSMnx ego_graph: {ox_['total_s']:.3f} s for 8-min reach only{note}; peak {ox_['peak_mb']:.0f} MB"
                  f"  -> ServiceCircle is {ox_['total_s'] / ours['total_s']:.0f}x faster (full times, all nodes), "
                  f"{ox_['total_s'] / ours['limited_paths_s']:.0f}x on the same 8-min cutoff")
        pa = res["pandana"]
        if pa:
            print(f"  pandana        : {pa['total_s']:.3f} s query (+{pa['preprocess_s']:.3f} s preprocessing); "
                  f"peak {pa['peak_mb']:.0f} MB  -> ratio pandana/ours {pa['total_s'] / ours['total_s']:.2f} "
                  f"(with preprocessing {pa['with_preprocess_s'] / ours['total_s']:.2f})")


if __name__ == "__main__":
    main()
