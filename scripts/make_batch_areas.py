"""Split the sample city into four study areas for the batch sample manifest (data/batch/).

The 12 demo communities, ordered south to north by their centroid (EPSG:32651), form four groups
of three (片区). Each area gets its own subset of the demo layers: its communities, their grids and
the service centers whose ``community`` is one of them. Every area uses the SAME sample OSM file
(the whole network: residents may walk along streets outside their area) and, as demand, the
sample resident estimate clipped to the area's grids (``analysis.study.load_study`` does that).
A center just outside an area does not serve it: areas are measured independently.

    .venv/bin/python scripts/make_batch_areas.py      # writes data/batch/*
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
OUT = ROOT / "data" / "batch"
AREAS = [("south", "南片"), ("central_south", "中南片"), ("central_north", "中北片"), ("north", "北片")]


def main() -> None:
    comm = gpd.read_file(DEMO / "communities.geojson")
    grids = gpd.read_file(DEMO / "grids.geojson")
    centers = gpd.read_file(DEMO / "service_centers.geojson")
    y = comm.to_crs("EPSG:32651").geometry.centroid.y
    order = comm.assign(_y=y.to_numpy()).sort_values("_y")["name"].tolist()
    rows = []
    for i, (out, zh) in enumerate(AREAS):
        names = order[i * 3:(i + 1) * 3]
        d = OUT / out
        d.mkdir(parents=True, exist_ok=True)
        for layer, gdf, col in (("communities", comm, "name"), ("grids", grids, "community"),
                                ("centers", centers, "community")):
            part = gdf[gdf[col].isin(names)]
            path = d / f"{layer}.geojson"
            path.unlink(missing_ok=True)
            part.to_file(path, driver="GeoJSON")
        rows.append({"area": f"{zh}（{'、'.join(names)}）", "osm": "../osm/hangzhou_core_2015-02.osm.pbf",
                     "centers": f"{out}/centers.geojson", "grids": f"{out}/grids.geojson",
                     "communities": f"{out}/communities.geojson", "demand": "", "minutes": "8",
                     "speed_kmh": "4.5", "out": out})
    with open(OUT / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT / 'manifest.csv'} ({len(rows)} areas)")


if __name__ == "__main__":
    main()
