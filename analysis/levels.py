"""Results at every level of a street office's hierarchy: 街道 → 社区 → 小区 → 网格.

* :func:`add_households` gives every demand row a number of households (户): the demand layer's
  own figure where given, else its residents divided by the persons per household of its grid
  (or community) where that layer gives both residents and households, else by
  :data:`PERSONS_PER_HOUSEHOLD`. Rows not given are flagged ``households_estimated`` (估算).
* :func:`grid_figures` adds households, median walking minutes and the nearest center to grids.
* :func:`compound_table` measures each compound (小区) from its point (polygons: a point inside).
* :func:`level_tables` returns one table per level (street, community, compound, grid), people in
  whole persons, worst covered share first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.cutoff import within
from analysis.gaps import whole_persons
from analysis.travel_time import nearest_source_distances, point_distances
from geo.snapping import snap_points

if TYPE_CHECKING:  # pragma: no cover
    from analysis.coverage import CoverageResult

#: Persons per household used where no layer gives households (户数). Product assumption: the
#: 2020 national census (第七次全国人口普查) average family household of 2.62 persons, rounded to
#: 2.6 (the seed documents give no figure); households computed with it are labelled 估算 (estimate).
PERSONS_PER_HOUSEHOLD = 2.6

LEVELS = ("street", "community", "compound", "grid")
LEVEL_KEYS = {"street": "street", "community": "community", "grid": "grid_id"}
#: optional party-organisation fields of a grid (网格党支部, 网格员, 党员数)
GRID_PARTY_FIELDS = ("party_branch", "grid_worker", "party_members")
COMPOUND_FIELDS = ("old_compound", "property_management", "party_branch")


def _ratio(layer: gpd.GeoDataFrame | None, key: str) -> dict:
    """Households per resident of each polygon of ``layer`` that gives both (keyed by ``key``)."""
    if layer is None or key not in layer or "households" not in layer or "population" not in layer:
        return {}
    hh = pd.to_numeric(layer["households"], errors="coerce")
    pop = pd.to_numeric(layer["population"], errors="coerce")
    ok = (hh > 0) & (pop > 0)
    return dict(zip(layer.loc[ok, key].astype(str), (hh[ok] / pop[ok]).to_numpy()))


def add_households(d: gpd.GeoDataFrame, grids: gpd.GeoDataFrame | None,
                   communities: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Households per demand row (see module docstring); adds ``households`` and ``households_estimated``.

    Parameters
    ----------
    d : GeoDataFrame
        Demand rows with ``population`` (persons), optional ``households``, ``community`` and
        ``grid_id``; changed in place.
    grids : GeoDataFrame or None
        Grids with ``grid_id`` and, to give a ratio, ``population`` and ``households``.
    communities : GeoDataFrame or None
        Community polygons with ``community`` (or ``name``) and, to give a ratio, ``population``
        and ``households``.

    Returns
    -------
    GeoDataFrame
        ``d`` itself with ``households`` (float) and ``households_estimated`` (bool).
    """
    given = pd.to_numeric(d["households"], errors="coerce") if "households" in d else pd.Series(np.nan, index=d.index)
    rate = pd.Series(1.0 / PERSONS_PER_HOUSEHOLD, index=d.index)
    if communities is not None:
        key = "community" if "community" in communities else "name"
        r = _lookup(d["community"].astype(str), _ratio(communities, key))
        rate = r.fillna(rate)
    if grids is not None and "grid_id" in d:
        r = _lookup(d["grid_id"].astype(str), _ratio(grids, "grid_id"))
        rate = r.fillna(rate)
    d["households_estimated"] = given.isna().to_numpy()
    d["households"] = given.fillna(d["population"] * rate).astype(float).to_numpy()
    return d


def _lookup(keys: pd.Series, table: dict) -> pd.Series:
    """``keys.map(table)`` for a float-valued table: looked up once per distinct key (NaN where
    missing), not once per row (issue 16: 100,000 demand rows)."""
    codes, uniq = pd.factorize(keys)
    found = np.array([table.get(u, np.nan) for u in uniq], dtype=float)
    return pd.Series(np.where(codes >= 0, found[np.clip(codes, 0, None)] if len(found) else np.nan, np.nan),
                     index=keys.index, dtype=float)


def _sorted_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``keys`` in the keys' sorted order (-1 for missing) and the distinct keys.

    Grouping and sorting by these codes orders rows exactly as by the keys themselves, without
    the cost of text columns (issue 16: 100,000 demand rows)."""
    if isinstance(keys, pd.Series) and isinstance(keys.dtype, pd.StringDtype) and not keys.isna().any():
        codes, uniq = pd.factorize(keys, sort=True)            # text column: no Python string per row
        return codes, np.asarray(uniq, dtype=object)
    return pd.factorize(np.asarray(keys, dtype=object), sort=True)


def _weighted_median_by(keys: np.ndarray, values: np.ndarray, weights: np.ndarray,
                        key_codes: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """Population-weighted median of ``values`` per key (inf counts as longest), vectorised
    (``key_codes``: the keys' :func:`_sorted_codes` when already known)."""
    codes, uniq = _sorted_codes(keys) if key_codes is None else key_codes
    df = pd.DataFrame({"k": codes, "v": values, "w": weights})
    df = df[df["w"] > 0].sort_values(["k", "v"], kind="stable")
    df = df[df["k"] >= 0]  # missing keys form no group
    if df.empty:
        return pd.Series(dtype=float)
    cum = df.groupby("k")["w"].cumsum()
    half = df.groupby("k")["w"].transform("sum") / 2.0
    first = df[cum >= half].groupby("k")["v"].first()
    return pd.Series(first.to_numpy(), index=pd.Index(uniq[first.index.to_numpy()], name="k"), name="v")


def _main_center(keys: np.ndarray, center: np.ndarray, weights: np.ndarray,
                 key_codes: tuple[np.ndarray, np.ndarray] | None = None,
                 center_codes: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """The center that is nearest for most residents of each key (codes as in :func:`_weighted_median_by`)."""
    kc, ku = _sorted_codes(keys) if key_codes is None else key_codes
    cc, cu = _sorted_codes(center) if center_codes is None else center_codes
    df = pd.DataFrame({"k": kc, "c": cc, "w": weights})
    df = df[(df["c"] >= 0) & (df["k"] >= 0)]  # rows without a center, or without a key, count for none
    if df.empty:
        return pd.Series(dtype=object)
    t = df.groupby(["k", "c"])["w"].sum().reset_index()
    best = t.loc[t.groupby("k")["w"].idxmax()]
    return pd.Series(cu[best["c"].to_numpy()], index=pd.Index(ku[best["k"].to_numpy()], name="k"), name="c")


def grid_figures(d: gpd.GeoDataFrame, g: gpd.GeoDataFrame, centers: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Grids with households (given or estimated), median walking minutes and nearest center
    (the one nearest for most of the grid's residents; ``nearest_center_name`` from ``centers``).

    Parameters
    ----------
    d : GeoDataFrame
        Demand rows with ``grid_id``, ``population`` (persons), ``households``, ``time_min``
        (minutes) and ``nearest_center``.
    g : GeoDataFrame
        The grids layer with ``grid_id`` (optional ``households``); changed in place.
    centers : DataFrame, optional
        Centers with ``center_id`` and ``name``.

    Returns
    -------
    GeoDataFrame
        ``g`` itself with ``households``, ``households_estimated``, ``median_min`` (minutes),
        ``nearest_center`` and, with ``centers``, ``nearest_center_name``.
    """
    kcodes = _sorted_codes(d["grid_id"].astype(str))      # once for sums, medians and main centers
    has = kcodes[0] >= 0                                   # rows without a grid count for none
    gid = g["grid_id"].astype(str)
    hh_d = pd.Series(d["households"].to_numpy()[has]).groupby(kcodes[0][has]).sum()
    hh_d.index = pd.Index(kcodes[1][hh_d.index.to_numpy()])
    given = pd.to_numeric(g["households"], errors="coerce") if "households" in g else pd.Series(np.nan, index=g.index)
    was_estimate = g["households_estimated"].fillna(False).astype(bool) if "households_estimated" in g else False
    g["households_estimated"] = (given.isna() | was_estimate).to_numpy()  # a rerun (what-if) keeps the flag
    g["households"] = given.fillna(gid.map(hh_d)).fillna(0.0).to_numpy()
    pop = d["population"].to_numpy()
    g["median_min"] = gid.map(_weighted_median_by(None, d["time_min"].to_numpy(), pop, key_codes=kcodes)).to_numpy()
    g["nearest_center"] = gid.map(_main_center(None, d["nearest_center"].to_numpy(), pop, key_codes=kcodes)).to_numpy()
    if centers is not None and "name" in centers:
        names = dict(zip(centers["center_id"].astype(str), centers["name"].astype(str)))
        g["nearest_center_name"] = g["nearest_center"].map(lambda c: names.get(str(c)) if c is not None else None).to_numpy()
    return g


def compound_table(result: "CoverageResult") -> gpd.GeoDataFrame | None:
    """Compounds (小区) measured from their point: walking minutes, nearest center, covered, residents.

    Residents: the layer's population, else (polygons) the demand residents inside it.
    Households: given, else residents / :data:`PERSONS_PER_HOUSEHOLD` (``households_estimated``).
    A compound is covered when its point is within the threshold along the network.

    Parameters
    ----------
    result : CoverageResult
        A coverage run with ``compounds`` (points or polygons, in the run's projected metric CRS).

    Returns
    -------
    GeoDataFrame or None
        The compounds with ``compound_id``, ``population`` and ``households`` (may be NaN),
        ``households_estimated``, ``grid_id``, ``community``, ``street``, ``walk_min`` (minutes,
        NaN when not reached), ``nearest_center``, ``covered``, ``uncovered_pop`` (persons) and
        ``beyond_min`` (minutes over the threshold); None without a compounds layer.
    """
    c = result.compounds
    if c is None:
        return None
    c = c.copy()
    p = result.params
    d = result.demand
    if "name" not in c:
        c["name"] = c.get("id", pd.Series(range(len(c)))).astype(str)
    c["compound_id"] = c["id"].astype(str) if "id" in c else [f"X{i + 1:03d}" for i in range(len(c))]
    geoms = np.asarray(c.geometry.values)
    pts = shapely.point_on_surface(geoms)
    is_poly = shapely.get_type_id(geoms) >= 3
    given_pop = pd.to_numeric(c["population"], errors="coerce") if "population" in c else pd.Series(np.nan, index=c.index)
    inside = np.zeros(len(c))
    if is_poly.any():
        dp = shapely.point_on_surface(np.asarray(d.geometry.values))
        ci, di = shapely.STRtree(geoms[is_poly]).query(dp, predicate="within")[::-1]
        inside_poly = np.bincount(ci, weights=d["population"].to_numpy()[di], minlength=int(is_poly.sum()))
        inside[np.flatnonzero(is_poly)] = inside_poly
    c["population"] = given_pop.fillna(pd.Series(np.where(is_poly, inside, np.nan), index=c.index)).to_numpy()
    given_hh = pd.to_numeric(c["households"], errors="coerce") if "households" in c else pd.Series(np.nan, index=c.index)
    was_estimate = c["households_estimated"].fillna(False).astype(bool) if "households_estimated" in c else False
    c["households_estimated"] = (given_hh.isna() | was_estimate).to_numpy()  # a rerun (what-if) keeps the flag
    c["households"] = given_hh.fillna(c["population"] / PERSONS_PER_HOUSEHOLD).to_numpy()
    pt_gdf = gpd.GeoDataFrame(geometry=gpd.GeoSeries(pts, crs=result.crs), crs=result.crs)
    for col, layer, key in (("grid_id", result.grids, "grid_id"), ("community", result.community_polygons, None)):
        if col in c and c[col].notna().all():
            continue
        if layer is None or not len(layer):
            continue
        k = key or ("community" if "community" in layer else "name")
        j = gpd.sjoin(pt_gdf, layer[[k, "geometry"]].to_crs(result.crs), how="left", predicate="within")
        found = j.groupby(level=0)[k].first().reindex(c.index)
        c[col] = c[col].fillna(found) if col in c else found.to_numpy()
    if result.grids is not None and "grid_id" in c:
        gg = result.grids.set_index(result.grids["grid_id"].astype(str))
        for col in ("community", "street"):
            if col in gg:
                m = c["grid_id"].astype(str).map(gg[col])
                c[col] = c[col].fillna(m) if col in c else m.to_numpy()
    for col in ("grid_id", "community", "street"):
        if col not in c:
            c[col] = None
    c["walk_min"] = np.nan
    c["nearest_center"] = None
    if result.network is not None and result.center_snaps is not None:
        snaps = snap_points(result.network, pt_gdf.geometry, p.max_access_m)
        nd, ns = nearest_source_distances(result.network, result.center_snaps)
        dist, src = point_distances(result.network, nd, ns, snaps, result.center_snaps)
        ids = result.centers["center_id"].astype(str).to_numpy()
        c["walk_min"] = np.where(np.isfinite(dist), dist / p.metres_per_minute, np.nan)
        c["nearest_center"] = np.where(src >= 0, ids[np.clip(src, 0, None)], None)
    c["covered"] = within(c["walk_min"].to_numpy(dtype=float) * p.metres_per_minute, p.reach_m())
    c["uncovered_pop"] = np.where(c["covered"], 0.0, c["population"].fillna(0.0))
    c["beyond_min"] = np.maximum(c["walk_min"] - p.minutes, 0.0)
    return c


def _people(df: pd.DataFrame, cols=("population", "households")) -> pd.DataFrame:
    """Whole persons/households whose columns add up to the rounded totals; uncovered = residents − covered."""
    for col in cols:
        if col in df:
            df[col] = whole_persons(df[col].to_numpy()) if df[col].notna().all() else df[col].round().astype("Int64")
    if "covered_pop" in df and "population" in df and pd.api.types.is_integer_dtype(df["population"]):
        cov = np.minimum(whole_persons(df["covered_pop"].to_numpy()), df["population"].to_numpy())
        df["covered_pop"] = cov
        df["uncovered_pop"] = df["population"].to_numpy() - cov
    elif "uncovered_pop" in df:
        df["uncovered_pop"] = df["uncovered_pop"].round().astype("Int64")
    return df


def level_tables(result: "CoverageResult") -> dict[str, pd.DataFrame]:
    """One table per level (street, community, grid; compound when a compounds layer was given).

    Columns: the level's name(s), population, households (+ ``households_estimated``),
    covered_pop, uncovered_pop, covered_share (0–1), median_min, nearest_center, n_gaps and
    largest_gap_pop (persons); grid tables add the party fields where the grids layer has them.
    Worst covered share first. People are whole persons (rows add up to the totals).

    Parameters
    ----------
    result : CoverageResult
        A coverage run (demand with ``households``, ``covered``, ``time_min``; its gaps, grids,
        community polygons and compounds).

    Returns
    -------
    dict of str to DataFrame
        Keyed by ``street``, ``community``, ``compound``, ``grid`` in that order (levels without
        data left out).
    """
    d = result.demand
    pop = d["population"].to_numpy()
    gaps = result.gaps
    out: dict[str, pd.DataFrame] = {}
    center_codes = _sorted_codes(d["nearest_center"].to_numpy())
    for level, key in LEVEL_KEYS.items():
        if level == "grid" and result.grids is None:
            continue
        # the keys as sorted integer codes, made once per level (the same groups and order as the text)
        kcodes, kuniq = _sorted_codes(d[key].fillna("").astype(str))
        t = pd.DataFrame({"code": kcodes, "population": pop, "households": d["households"].to_numpy(),
                          "households_estimated": d["households_estimated"].to_numpy(),
                          "covered_pop": np.where(d["covered"], pop, 0.0)})
        t = t.groupby("code", as_index=False).agg(population=("population", "sum"), households=("households", "sum"),
                                                  households_estimated=("households_estimated", "any"),
                                                  covered_pop=("covered_pop", "sum"))
        t.insert(0, key, kuniq[t.pop("code").to_numpy()])
        t["uncovered_pop"] = t["population"] - t["covered_pop"]
        t["covered_share"] = np.where(t["population"] > 0, t["covered_pop"] / t["population"].where(t["population"] > 0, 1), np.nan)
        t["median_min"] = t[key].map(_weighted_median_by(None, d["time_min"].to_numpy(), pop,
                                                         key_codes=(kcodes, kuniq))).to_numpy()
        t["nearest_center"] = t[key].map(_main_center(None, d["nearest_center"].to_numpy(), pop,
                                                      key_codes=(kcodes, kuniq), center_codes=center_codes)).to_numpy()
        if len(gaps):
            gk = gaps[key].fillna("").astype(str)
            t["n_gaps"] = t[key].map(gk.value_counts()).fillna(0).astype(int).to_numpy()
            t["largest_gap_pop"] = t[key].map(gaps.groupby(gk)["population"].max()).fillna(0).astype(int).to_numpy()
        else:
            t["n_gaps"] = 0
            t["largest_gap_pop"] = 0
        if level == "grid":
            g = result.grids.assign(grid_id=result.grids["grid_id"].astype(str)).set_index("grid_id")
            for col in ("name", "community", "street", "households", "households_estimated", *GRID_PARTY_FIELDS):
                if col in g:
                    t[col] = t["grid_id"].map(g[col]).to_numpy() if col not in ("households", "households_estimated") \
                        else t["grid_id"].map(g[col]).fillna(t[col]).to_numpy()
        elif level == "community":
            st = pd.Series(d["street"].astype(str).to_numpy()).groupby(kcodes).first()  # first street per community
            st.index = pd.Index(kuniq[st.index.to_numpy()])
            t["street"] = t["community"].map(st).to_numpy()
            cp = result.community_polygons
            if cp is not None and "households" in cp:
                name_col = "community" if "community" in cp else "name"
                given = pd.to_numeric(cp.set_index(cp[name_col].astype(str))["households"], errors="coerce")
                m = t["community"].map(given)
                t["households_estimated"] = np.where(m.notna(), False, t["households_estimated"])
                t["households"] = m.fillna(t["households"]).to_numpy()
        t = t.sort_values(["covered_share", "uncovered_pop"], ascending=[True, False], ignore_index=True)
        out[level] = _people(t)
    if result.compounds is not None:
        c = pd.DataFrame(result.compounds.drop(columns="geometry"))
        cols = ["compound_id", "name", "street", "community", "grid_id", "population", "households",
                "households_estimated", *[f for f in COMPOUND_FIELDS if f in c], "walk_min", "beyond_min",
                "nearest_center", "covered", "uncovered_pop"]
        c = c[[x for x in cols if x in c]].sort_values(["covered", "uncovered_pop"], ascending=[True, False],
                                                        ignore_index=True)
        out["compound"] = _people(c)
    return {lv: out[lv] for lv in LEVELS if lv in out}
