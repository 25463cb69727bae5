"""Cold and warm load times of the on-disk cache (walking network + OSM context layers).

Usage: ``python -m benchmarks.bench_cache [--osm FILE] [--repeat 5] [--src CHECKOUT]``. Cold = build from the OSM
file and write the cache into an empty folder; warm = load from that cache (median of
``--repeat`` runs, each in a fresh process so nothing is memoised). Also times the app's first data load
(``load_sample_city``, which builds the resident estimate on top). Prints seconds and sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from geo.network import load_walk_network
from geo.osm_features import load_osm_features
t_imp = time.perf_counter()
net = load_walk_network(sys.argv[1], cache_dir=sys.argv[2])
t_net = time.perf_counter()
feats = load_osm_features(sys.argv[1], cache_dir=sys.argv[2])
t_feat = time.perf_counter()
import os
os.environ["SERVICECIRCLE_CACHE"] = sys.argv[2]
from analysis.sample_city import load_sample_city
t_c0 = time.perf_counter()
load_sample_city()
t_city = time.perf_counter()
print(json.dumps({"network_s": t_net - t_imp, "features_s": t_feat - t_net, "city_s": t_city - t_c0 + t_feat - t_imp,
                  "nodes": net.n_nodes, "edges": net.n_edges,
                  "features": {k: len(v) for k, v in feats.as_dict().items()}}))
"""


def _run(osm: str, cache: str, src: str) -> dict:
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, "-c", _CHILD, osm, cache], capture_output=True, text=True, check=True,
                         cwd=src, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    from analysis.sample_city import SAMPLE_OSM

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--osm", default=str(SAMPLE_OSM))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--src", default=str(Path(__file__).resolve().parent.parent),
                    help="source tree whose geo/ is measured (e.g. another checkout, for before/after)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sc_bench_cache_") as cache:
        cold = _run(a.osm, cache, a.src)
        warm = [_run(a.osm, cache, a.src) for _ in range(a.repeat)]
        size = sum(p.stat().st_size for p in Path(cache).rglob("*") if p.is_file())
        files = sorted(str(p.relative_to(cache)) for p in Path(cache).rglob("*") if p.is_file())
    med = {k: statistics.median(w[k] for w in warm) for k in ("network_s", "features_s", "city_s")}
    print(f"graph: {cold['nodes']:,} nodes, {cold['edges']:,} segments; features {cold['features']}")
    print(f"cold (build + write cache): network {cold['network_s']:.3f} s, features {cold['features_s']:.3f} s")
    print(f"warm (load cache, median of {a.repeat}): network {med['network_s']:.3f} s, "
          f"features {med['features_s']:.3f} s, total {med['network_s'] + med['features_s']:.3f} s; "
          f"whole sample city (load_sample_city: network, features, resident estimate, demo layers) "
          f"{med['city_s']:.3f} s")
    print(f"cache size {size / 1e6:.1f} MB in {len(files)} files: {json.dumps(files)}")


if __name__ == "__main__":
    main()
