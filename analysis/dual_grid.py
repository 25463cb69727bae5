"""双网融合 check: do the party grids (党建网格) and the governance grids (治理网格) coincide?

The documents ask for the two networks to be fused (湖州 "双网融合", 杭州 "双网合一"): one grid,
one party branch. This module overlays the two layers (metric CRS) and says where they disagree.

Rule (the product's own; the documents give none):

* Each governance grid is matched to the party grid that overlaps it most, and each party grid to
  the governance grid that overlaps it most. A pair matched both ways is *fused* (融合) when the
  overlap is at least :data:`FUSED_SHARE` (95 %) of each grid's area.
* A *disagreement piece* is any part of the union of both layers that is not in a mutually
  matched pair: part of a governance grid lying in another party grid, in no party grid at all,
  or part of a party grid lying outside every governance grid. Pieces smaller than
  :data:`MIN_PIECE_M2` (100 m², digitising noise) are ignored.
* Residents of a piece: demand rows whose point lies in it (same demand as the coverage run).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.gaps import whole_persons

FUSED_SHARE = 0.95
MIN_PIECE_M2 = 100.0


@dataclass(frozen=True)
class DualGridCheck:
    """Result of the 双网融合 check (areas m², people whole persons, layers in the metric CRS)."""

    pieces: gpd.GeoDataFrame     # disagreement pieces: kind, grid_id, grid_name, party_grid_id, party_grid_name,
                                 # matched_party_grid_id, area_m2, population, households
    grids: pd.DataFrame          # per governance grid: matched party grid, overlap shares, fused, residents outside
    summary: dict                # n_grids, n_party_grids, n_fused, disagree_area_m2, disagree_share_area,
                                 # disagree_pop, disagree_share_pop, total_area_m2, total_pop


def _key(g: gpd.GeoDataFrame) -> pd.Series:
    col = "grid_id" if "grid_id" in g else "id"
    return g[col].astype(str) if col in g else pd.Series([f"#{i + 1}" for i in range(len(g))], index=g.index)


def _prep(g: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame({"key": _key(g).to_numpy(),
                            "name": (g["name"].astype(str) if "name" in g else _key(g)).to_numpy()},
                           geometry=shapely.make_valid(np.asarray(g.to_crs(crs).geometry.values)), crs=crs)
    return out


def dual_grid_check(grids: gpd.GeoDataFrame, party_grids: gpd.GeoDataFrame, demand: gpd.GeoDataFrame) -> DualGridCheck:
    """Overlay governance ``grids`` and ``party_grids``; list and measure where they disagree.

    Parameters
    ----------
    grids : GeoDataFrame
        Governance grids (治理网格), polygons in any CRS; ``grid_id`` (or ``id``) and ``name``
        are used when present.
    party_grids : GeoDataFrame
        Party grids (党建网格), polygons in any CRS; same optional columns.
    demand : GeoDataFrame
        The coverage run's demand in its projected metric CRS: ``population`` (persons) and
        optional ``households``; its CRS is the CRS of the result.

    Returns
    -------
    DualGridCheck
        ``pieces`` (disagreement pieces of at least :data:`MIN_PIECE_M2` m², largest population
        first; ``area_m2``, whole ``population`` and ``households``), ``grids`` (one row per
        governance grid: matched party grid, overlap shares 0-1, ``fused``) and ``summary``
        (areas m², persons, shares 0-1), all in ``demand``'s metric CRS.
    """
    crs = demand.crs
    gov, party = _prep(grids, crs), _prep(party_grids, crs)
    inter = gpd.overlay(gov.rename(columns={"key": "g", "name": "g_name"}),
                        party.rename(columns={"key": "p", "name": "p_name"}), how="intersection", keep_geom_type=True)
    inter["area"] = inter.geometry.area
    gov_area = dict(zip(gov["key"], gov.geometry.area))
    party_area = dict(zip(party["key"], party.geometry.area))
    best_p = inter.loc[inter.groupby("g")["area"].idxmax(), ["g", "p", "area"]] if len(inter) else inter
    best_g = inter.loc[inter.groupby("p")["area"].idxmax(), ["p", "g"]] if len(inter) else inter
    g_to_p = dict(zip(best_p["g"], best_p["p"])) if len(inter) else {}
    p_to_g = dict(zip(best_g["p"], best_g["g"])) if len(inter) else {}
    mutual = np.array([g_to_p.get(g) == p and p_to_g.get(p) == g for g, p in zip(inter["g"], inter["p"])], dtype=bool)

    pieces = []
    other = inter[~mutual]
    if len(other):
        pieces.append(gpd.GeoDataFrame({
            "kind": "other_party_grid", "grid_id": other["g"], "grid_name": other["g_name"],
            "party_grid_id": other["p"], "party_grid_name": other["p_name"],
            "matched_party_grid_id": other["g"].map(g_to_p)}, geometry=other.geometry.values, crs=crs))
    party_union = shapely.union_all(np.asarray(party.geometry.values))
    gov_union = shapely.union_all(np.asarray(gov.geometry.values))
    only_gov = shapely.difference(np.asarray(gov.geometry.values), party_union)
    only_party = shapely.difference(np.asarray(party.geometry.values), gov_union)
    pieces.append(gpd.GeoDataFrame({
        "kind": "no_party_grid", "grid_id": gov["key"], "grid_name": gov["name"], "party_grid_id": None,
        "party_grid_name": None, "matched_party_grid_id": gov["key"].map(g_to_p)}, geometry=only_gov, crs=crs))
    pieces.append(gpd.GeoDataFrame({
        "kind": "no_governance_grid", "grid_id": None, "grid_name": None, "party_grid_id": party["key"],
        "party_grid_name": party["name"], "matched_party_grid_id": None}, geometry=only_party, crs=crs))
    pc = pd.concat(pieces, ignore_index=True)
    pc = gpd.GeoDataFrame(pc, geometry="geometry", crs=crs)
    pc = pc[~pc.geometry.is_empty & (pc.geometry.area >= MIN_PIECE_M2)].reset_index(drop=True)
    pc["area_m2"] = pc.geometry.area

    pts = shapely.point_on_surface(np.asarray(demand.geometry.values))
    pop = demand["population"].to_numpy(dtype=float)
    hh = demand["households"].to_numpy(dtype=float) if "households" in demand else pop / 2.6
    piece_pop = np.zeros(len(pc))
    piece_hh = np.zeros(len(pc))
    if len(pc):
        pi, di = shapely.STRtree(np.asarray(pc.geometry.values)).query(pts, predicate="within")[::-1]
        piece_pop = np.bincount(pi, weights=pop[di], minlength=len(pc))
        piece_hh = np.bincount(pi, weights=np.nan_to_num(hh[di]), minlength=len(pc))
    pc["population_exact"] = piece_pop
    pc["households_exact"] = piece_hh
    pc = pc.sort_values(["population_exact", "area_m2"], ascending=False, ignore_index=True)
    pc["population"] = whole_persons(pc["population_exact"].to_numpy())
    pc["households"] = whole_persons(pc["households_exact"].to_numpy())
    pc["piece_id"] = [f"D{i + 1:03d}" for i in range(len(pc))]
    pc = pc.drop(columns=["population_exact", "households_exact"])
    pc = pc[["piece_id", "kind", "grid_id", "grid_name", "party_grid_id", "party_grid_name", "matched_party_grid_id",
             "area_m2", "population", "households", "geometry"]]

    rows = []
    best_area = dict(zip(best_p["g"], best_p["area"])) if len(inter) else {}
    for g, name in zip(gov["key"], gov["name"]):
        p = g_to_p.get(g)
        a = best_area.get(g, 0.0)
        share_g = a / gov_area[g] if gov_area[g] else np.nan
        share_p = a / party_area[p] if p is not None and party_area.get(p) else np.nan
        fused = p is not None and p_to_g.get(p) == g and share_g >= FUSED_SHARE and share_p >= FUSED_SHARE
        rows.append((g, name, p, share_g, share_p, bool(fused)))
    gt = pd.DataFrame(rows, columns=["grid_id", "grid_name", "matched_party_grid_id", "share_of_grid",
                                     "share_of_party_grid", "fused"])
    out_pop = pc.groupby("grid_id")["population"].sum() if len(pc) else pd.Series(dtype=float)
    gt["population_outside_match"] = gt["grid_id"].map(out_pop).fillna(0).astype(int)
    gt = gt.sort_values(["fused", "population_outside_match"], ascending=[True, False], ignore_index=True)

    total_area = float(shapely.area(shapely.union_all([gov_union, party_union])))
    total_pop = float(pop.sum())
    dis_pop = int(pc["population"].sum()) if len(pc) else 0
    dis_area = float(pc["area_m2"].sum()) if len(pc) else 0.0
    summary = {
        "n_grids": int(len(gov)), "n_party_grids": int(len(party)), "n_fused": int(gt["fused"].sum()),
        "disagree_area_m2": dis_area, "disagree_share_area": dis_area / total_area if total_area else float("nan"),
        "disagree_pop": dis_pop, "disagree_share_pop": dis_pop / total_pop if total_pop else float("nan"),
        "total_area_m2": total_area, "total_pop": int(round(total_pop)),
    }
    return DualGridCheck(pieces=pc, grids=gt, summary=summary)
