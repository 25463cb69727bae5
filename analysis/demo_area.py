"""Demonstration areas (党建示范区): what lies inside each area and how well it is covered.

Ningbo Baizhang: a 1 km² area with 6 communities, 22 units and more than 60,000 people. Huzhou:
268 standardised centers of which 56 demonstration (示范型) centers. For each area polygon this
module counts, from one coverage run (:func:`analysis.coverage.run_coverage`):

* km² (metric CRS), residents (demand points whose location lies inside), households (grid
  households shared by the grid's area inside; blank when no grid has households);
* communities overlapping the area (at least 5 % of the community's area inside, the product's own
  threshold so that a sliver along a boundary street does not count), units, centers, stations inside;
* residents covered inside vs outside (walking time within the run's threshold);
* 示范型 centers (``demonstration`` = yes) and standardised (标准化) centers — those with all three
  basic functions of "3+1+N" (便民服务、办公议事、党群活动; :func:`analysis.audit.audit_service_centers`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.audit import audit_service_centers
from analysis.coverage import CoverageResult
from geo.crs import to_crs_checked

#: share of a community's area that must lie inside for it to count as "in" the area
COMMUNITY_MIN_SHARE = 0.05


def _inside(layer: gpd.GeoDataFrame | None, area, crs: str) -> np.ndarray:
    if layer is None or not len(layer):
        return np.zeros(0, dtype=bool)
    g = to_crs_checked(gpd.GeoDataFrame(geometry=layer.geometry.values, crs=layer.crs), crs, "layer").geometry.values
    pts = shapely.point_on_surface(np.asarray(g, dtype=object))
    return shapely.contains_xy(area, shapely.get_x(pts), shapely.get_y(pts)) if not area.is_empty else np.zeros(len(g), bool)


def demo_area_figures(areas: gpd.GeoDataFrame, result: CoverageResult, *, units: gpd.GeoDataFrame | None = None,
                      stations: gpd.GeoDataFrame | None = None, communities: gpd.GeoDataFrame | None = None,
                      grids: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """One row per area: area_id, name, area_km2, residents, households, n_communities,
    communities, n_units, n_centers, n_stations, n_demonstration_centers,
    n_standardised_centers, covered_inside, share_inside, residents_outside, covered_outside,
    share_outside. Residents inside + outside = all residents of the run (every area separately).
    ``result.centers`` are the centers; other layers any CRS.

    Parameters
    ----------
    areas : GeoDataFrame
        Demonstration-area polygons, any CRS with a known datum; optional ``id`` and ``name``.
    result : CoverageResult
        The coverage run: ``demand`` (``population``, ``covered``) and ``centers`` (optional
        ``demonstration`` and function columns), projected metric CRS.
    units, stations : GeoDataFrame, optional
        Resident units and red stations, counted by their point (any CRS).
    communities : GeoDataFrame, optional
        Community polygons with ``name``, any CRS.
    grids : GeoDataFrame, optional
        Grid polygons with ``households``, any CRS; used only when that column exists.

    Returns
    -------
    DataFrame
        One row per area, the columns above: ``area_km2`` km², residents and covered in persons
        (not rounded), households, counts, shares 0-1 (NaN when no residents).
    """
    crs = result.crs
    a = to_crs_checked(gpd.GeoDataFrame(areas.drop(columns="geometry"), geometry=areas.geometry.values, crs=areas.crs),
                       crs, "demonstration areas").reset_index(drop=True)
    d = result.demand
    pop = d["population"].to_numpy(float)
    covered = d["covered"].to_numpy(bool)
    c = result.centers
    audit = audit_service_centers(c) if len(c) else None
    demo_flag = (c["demonstration"].astype("boolean").fillna(False).to_numpy(bool)
                 if "demonstration" in c.columns else np.zeros(len(c), bool))
    std_flag = (audit["n_basic"].to_numpy() == 3) if audit is not None else np.zeros(0, bool)
    comm = communities
    if comm is not None and len(comm):
        comm = to_crs_checked(gpd.GeoDataFrame(comm[["name"]] if "name" in comm.columns else None,
                                               geometry=comm.geometry.values, crs=comm.crs), crs, "communities")
    g = None
    if grids is not None and len(grids) and "households" in grids.columns:
        g = to_crs_checked(gpd.GeoDataFrame({"households": pd.to_numeric(grids["households"], errors="coerce")},
                                            geometry=grids.geometry.values, crs=grids.crs), crs, "grids")
    rows = []
    for i, row in a.iterrows():  # a handful of areas
        area = row.geometry
        inside = _inside(d, area, crs)
        c_in = _inside(c, area, crs)
        rec = {
            "area_id": str(row.get("id", f"A{i + 1:02d}")), "name": str(row.get("name", f"示范区{i + 1}")),
            "area_km2": area.area / 1e6,
            "residents": float(pop[inside].sum()),
            "households": np.nan,
            "n_units": int(_inside(units, area, crs).sum()),
            "n_centers": int(c_in.sum()),
            "n_stations": int(_inside(stations, area, crs).sum()),
            "n_demonstration_centers": int((demo_flag & c_in).sum()),
            "n_standardised_centers": int((std_flag & c_in).sum()) if len(std_flag) else 0,
            "covered_inside": float(pop[inside & covered].sum()),
            "residents_outside": float(pop[~inside].sum()),
            "covered_outside": float(pop[~inside & covered].sum()),
        }
        if comm is not None and len(comm):
            share = comm.geometry.intersection(area).area / comm.geometry.area.where(comm.geometry.area > 0)
            names = comm.loc[share.fillna(0) >= COMMUNITY_MIN_SHARE, "name"].astype(str).tolist() if "name" in comm.columns else []
            rec["n_communities"] = int((share.fillna(0) >= COMMUNITY_MIN_SHARE).sum())
            rec["communities"] = "、".join(names)
        else:
            rec["n_communities"], rec["communities"] = 0, ""
        if g is not None:
            frac = (g.geometry.intersection(area).area / g.geometry.area.where(g.geometry.area > 0)).fillna(0)
            rec["households"] = float((g["households"].fillna(0) * frac).sum())
        rec["share_inside"] = rec["covered_inside"] / rec["residents"] if rec["residents"] > 0 else np.nan
        rec["share_outside"] = rec["covered_outside"] / rec["residents_outside"] if rec["residents_outside"] > 0 else np.nan
        rows.append(rec)
    cols = ["area_id", "name", "area_km2", "residents", "households", "n_communities", "communities", "n_units",
            "n_centers", "n_stations", "n_demonstration_centers", "n_standardised_centers", "covered_inside",
            "share_inside", "residents_outside", "covered_outside", "share_outside"]
    return pd.DataFrame(rows, columns=cols)


def center_standard_counts(centers: gpd.GeoDataFrame) -> dict:
    """Whole-study counts: centers, 示范型 centers, standardised centers (3 basic functions).

    Parameters
    ----------
    centers : GeoDataFrame or None
        Service centers with the function columns of :func:`analysis.audit.audit_service_centers`
        and optional ``demonstration``.

    Returns
    -------
    dict
        ``n_centers``, ``n_demonstration``, ``n_standardised`` (counts; all 0 without centers).
    """
    if centers is None or not len(centers):
        return {"n_centers": 0, "n_demonstration": 0, "n_standardised": 0}
    audit = audit_service_centers(centers)
    demo = centers["demonstration"].astype("boolean").fillna(False) if "demonstration" in centers.columns else pd.Series(False)
    return {"n_centers": int(len(centers)), "n_demonstration": int(demo.sum()),
            "n_standardised": int((audit["n_basic"] == 3).sum())}
