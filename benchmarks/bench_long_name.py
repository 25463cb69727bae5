"""Time of ``servicecircle report`` (PDF, HTML, XLSX, GeoPackage) when a center is named with
100,000 Chinese characters (issue 12: bounded text). Prints wall-clock and CPU seconds.

Usage: ``python -m benchmarks.bench_long_name [--chars 100000]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chars", type=int, default=100_000)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sc_long_") as d:
        g = gpd.read_file(ROOT / "data" / "demo" / "service_centers.geojson")
        rows = [{"编号": r.id, "名称": r.name, "经度": r.geometry.x, "纬度": r.geometry.y} for r in g.itertuples()]
        rows[0]["名称"] = "党" * (a.chars // 2) + "群" * (a.chars - a.chars // 2)
        pd.DataFrame(rows).to_csv(Path(d) / "centers.csv", index=False, encoding="utf-8-sig")
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "cli.main", "report", "--centers", str(Path(d) / "centers.csv"),
                              "--out", str(Path(d) / "rep")], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        files = sorted(p.name for p in (Path(d) / "rep").iterdir()) if (Path(d) / "rep").exists() else []
    print(f"name of {a.chars:,} characters: exit {run.returncode}, wall {wall:.1f} s, "
          f"CPU {ru.ru_utime + ru.ru_stime:.1f} s; files {files}")


if __name__ == "__main__":
    main()
