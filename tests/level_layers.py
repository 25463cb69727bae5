"""Test layers for issue 14 built from the sample city: compounds (小区) and party grids (党建网格).

Written as planners would fill the templates (Chinese headers), so tests go through the readers.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def write_compounds_csv(path: Path, demand: gpd.GeoDataFrame, n_poly: int = 10, n_point: int = 4) -> Path:
    """Compounds CSV (WKT) around demand points: polygons with given households, points without."""
    d = demand.to_crs(32651)
    rng = np.random.default_rng(14)
    pick = rng.choice(len(d), n_poly + n_point, replace=False)
    xy = shapely.get_coordinates(np.asarray(d.geometry.values)[pick])
    rows = []
    for i, (x, y) in enumerate(xy):
        if i < n_poly:
            geom = shapely.box(x - 70, y - 70, x + 70, y + 70)
        else:
            geom = shapely.Point(x + 10, y + 10)
        g = gpd.GeoSeries([geom], crs=32651).to_crs(4326).iloc[0]
        rows.append({
            "编号": f"X{i + 1:03d}", "小区名称": f"测试{i + 1}号小区",
            "户数(户)": 300 + 10 * i if i < n_poly else "",
            "人口(人)": 800 + 25 * i if i < n_poly else "",
            "老旧小区": "是" if i % 2 == 0 else "否", "物业管理": "有" if i % 3 else "无",
            "党支部": "是" if i % 4 else "否", "几何(WKT)": g.wkt,
        })
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def party_grids_from(grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Party grids: each community's governance grids merged in pairs (1+2, 3+4, …)."""
    g = grids.copy()
    g["pkey"] = [f"P-{c}-{i // 2 + 1}" for c, i in zip(g["community"], g.groupby("community").cumcount())]
    p = g.dissolve(by="pkey", aggfunc={"community": "first"}).reset_index()
    out = gpd.GeoDataFrame({
        "编号": p["pkey"], "党建网格名称": [f"{c}第{k.rsplit('-', 1)[1]}党建网格" for c, k in zip(p["community"], p["pkey"])],
        "所属社区": p["community"], "网格党支部": [f"{k}党支部" for k in p["pkey"]],
        "网格员": "张三", "党员数": np.arange(len(p)) + 10,
    }, geometry=p.geometry.values, crs=grids.crs)
    return out


def write_party_grids(path: Path, grids: gpd.GeoDataFrame) -> Path:
    party_grids_from(grids).to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def write_grids_with_party_fields(path: Path, grids: gpd.GeoDataFrame) -> Path:
    """The sample grids with 网格党支部, 网格员, 党员数 filled in (Chinese headers)."""
    g = grids.copy()
    out = gpd.GeoDataFrame({
        "编号": g["grid_id"], "网格名称": g["name"], "所属社区": g["community"], "所属街道": g["street"],
        "人口(人)": g["population"], "户数(户)": g["households"],
        "网格党支部": [f"{n}党支部" for n in g["name"]], "网格员": [f"网格员{i + 1}" for i in range(len(g))],
        "党员数": (np.arange(len(g)) % 40) + 5,
    }, geometry=g.geometry.values, crs=grids.crs)
    out.to_crs(4326).to_file(path, driver="GeoJSON")
    return path
