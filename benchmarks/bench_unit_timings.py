"""Timings that used to be wall-clock asserts in unit tests (they failed under load): print them.

    .venv/bin/python benchmarks/bench_unit_timings.py

* GCJ-02/BD-09 round trip of 120k points (every street midpoint of the sample city x 100);
* the sample city's resident estimate from OSM features with streets derived from the features;
* reading a 20,000-row CSV of centers (repeated names summarised, not listed row by row).

The browser test (tests/test_browser.py) prints its own first-page and what-if figures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.population import estimate_population, walkable_streets  # noqa: E402
from analysis.sample_city import SAMPLE_OSM  # noqa: E402
from geo.coords import bd09_to_wgs84, wgs84_to_bd09  # noqa: E402
from geo.network import load_walk_network  # noqa: E402
from geo.osm_features import load_osm_features  # noqa: E402
from geo.readers import read_layer  # noqa: E402


def timed(label: str, fn) -> object:
    t = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t:.2f} s")
    return out


def main() -> int:
    net = load_walk_network(SAMPLE_OSM)
    edges = net.edges_gdf()
    mids = gpd.GeoSeries(shapely.line_interpolate_point(edges.geometry.values, 0.5, normalized=True),
                         crs=edges.crs).to_crs(4326)
    lon, lat = np.tile(mids.x.to_numpy(), 100), np.tile(mids.y.to_numpy(), 100)
    timed(f"datum round trip WGS-84 -> BD-09 -> WGS-84, {len(lon):,} points", lambda: bd09_to_wgs84(*wgs84_to_bd09(lon, lat)))

    feats = load_osm_features(SAMPLE_OSM)
    streets = walkable_streets(feats, net.crs)
    d = timed(f"resident estimate, streets from features ({len(streets):,})",
              lambda: estimate_population(feats, net.crs, streets))
    print(f"  cells: {len(d):,}")

    rng = np.random.default_rng(7)
    n = 20000
    xs, ys = rng.uniform(120.11, 120.18, n), rng.uniform(30.235, 30.29, n)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "big.csv"
        p.write_text("\n".join(["编号,名称,经度,纬度,人口"] + [f"{i},小区{i % 100},{xs[i]:.6f},{ys[i]:.6f},{i % 300 + 1}"
                                                           for i in range(n)]), encoding="utf-8")
        r = timed(f"read a {n:,}-row CSV of centers", lambda: read_layer(p, "centers"))
        print(f"  rows used: {r.report.rows_used:,}, problems listed: {len(r.report.problems)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
