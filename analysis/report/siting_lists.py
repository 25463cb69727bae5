"""The siting proposal as three tables: 覆盖缺口清单 (coverage gaps), 候选用房清单 (candidate
buildings), 新增站点方案 (proposed new sites), and the before/after table. Not the
需求/资源/项目清单 of regional party building, which are :mod:`analysis.lists`.

A proposal is either a siting run (:class:`analysis.siting.api.SitingResult`, service centers),
optionally with ``after``, the coverage run again with its new sites added (walking-time
percentiles after the proposal); or a what-if, given as ``after`` alone: the coverage run with
sites a planner placed on the map (its centers marked ``proposed``).
Residents are persons; shares 0-1; times minutes; distances metres.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage import CoverageResult
from analysis.report.labels import fmt_pct, label
from analysis.report.document import Column, Table
from analysis.siting.result import SitingResult  # not siting.api: its solvers are not needed here
from geo.errors import ParameterError
from geo.messages import both, text


def check_proposal(siting: SitingResult | None, after: CoverageResult | None) -> None:
    """Refuse a red-station run (the lists count residents) and a proposal with neither part.

    Parameters
    ----------
    siting : SitingResult or None
        The siting run of the proposal.
    after : CoverageResult or None
        The coverage run with the proposed sites.

    Raises
    ------
    ParameterError
        ``siting`` is a red-station run, or both ``siting`` and ``after`` are None.
    """
    if siting is None and after is None:
        raise ParameterError(both("error.proposal_needs_run"))
    if siting is not None and siting.kind != "center":
        raise ParameterError(both("error.proposal_needs_center_siting"))


def _chosen_rows(siting: SitingResult) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The siting run's candidates (0..n-1) and the row positions of its chosen sites, pick order."""
    cand = siting.candidates.reset_index(drop=True)
    pos = {cid: i for i, cid in enumerate(cand["candidate_id"].astype(str))}
    return cand, np.array([pos[str(c)] for c in siting.sites["candidate_id"]], dtype=np.int64)


def _whatif_sites(after: CoverageResult, lang: str = "zh") -> gpd.GeoDataFrame:
    """The proposed centers of a what-if run with ``id``, ``name`` and ``kind`` in words."""
    c = after.centers
    p = c[c["proposed"].fillna(False).astype(bool)] if "proposed" in c else c.iloc[:0]
    p = p.reset_index(drop=True).drop(columns="id", errors="ignore").rename(columns={"center_id": "id"})
    kind = p["kind"].astype(str) if "kind" in p else pd.Series("center", index=p.index)
    p["kind"] = [label("kind_" + k, lang) if k in ("center", "station") else k for k in kind]
    return p


def added_residents(siting: SitingResult | None, n: int) -> np.ndarray:
    """Residents each proposed site adds in pick order (NaN where the run gives no per-site gains).

    Parameters
    ----------
    siting : SitingResult or None
        The siting run (its sites' ``marginal`` gains for MCLP and LSCP runs).
    n : int
        Number of proposed sites (length of the NaN result otherwise).

    Returns
    -------
    numpy.ndarray of float
        Persons per site.
    """
    if siting is not None and siting.problem in ("mclp", "lscp"):
        return siting.sites["marginal"].to_numpy(dtype=float)
    return np.full(n, np.nan)


def method_text(siting: SitingResult | None, lang: str) -> str:
    """The model and solver in words (or the what-if note), in ``lang``.

    Parameters
    ----------
    siting : SitingResult or None
        The siting run; None for a what-if.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        Model, solver and optimality (or the gap, %) joined by commas.
    """
    if siting is None:
        return label("whatif_method", lang)
    sol = siting.solution
    kind = label(f"siting_kind_{siting.problem}", lang)
    how = {"exact": label("siting_exact", lang), "greedy": label("siting_greedy", lang)}.get(sol.solver, sol.solver)
    if sol.status in ("optimal", "trivial"):
        quality = label("siting_optimal", lang)
    elif np.isfinite(sol.gap):
        quality = label("siting_gap", lang, g=fmt_pct(sol.gap, 2))
    else:
        quality = ""
    return ("，" if lang == "zh" else ", ").join(x for x in (kind, how, quality) if x)


def proposal_points(siting: SitingResult | None, after: CoverageResult | None, lang: str = "zh") -> gpd.GeoDataFrame:
    """The proposed sites in pick order with ``id``, ``order`` and ``added_pop`` (residents).

    Parameters
    ----------
    siting : SitingResult or None
        The siting run (its chosen sites, with ``kind``, ``community``, ``owner``, ``area_m2`` of
        the candidates).
    after : CoverageResult or None
        Used when ``siting`` is None: its centers marked ``proposed``.
    lang : str
        ``"zh"`` or ``"en"`` (site kinds in words for a what-if).

    Returns
    -------
    GeoDataFrame
        One row per proposed site; ``added_pop`` in persons (NaN when not known), geometry as in
        the siting run or ``after`` (projected metric CRS).
    """
    if siting is None:
        p = _whatif_sites(after, lang)
    else:
        cand, chosen = _chosen_rows(siting)
        p = siting.sites.copy()
        p["id"] = p["candidate_id"].astype(str)
        for col in ("kind", "community", "owner", "area_m2"):
            if col in cand and col not in p:
                p[col] = cand[col].to_numpy()[chosen]
    p["order"] = np.arange(1, len(p) + 1)
    p["added_pop"] = added_residents(siting, len(p))
    return p.reset_index(drop=True)


def _candidates(siting: SitingResult | None, after: CoverageResult | None, lang: str) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Every candidate site (候选用房清单) and the row positions of the proposed ones."""
    if siting is None:
        p = _whatif_sites(after, lang)
        return p, np.arange(len(p))
    return _chosen_rows(siting)


def siting_gis_layers(siting: SitingResult | None, after: CoverageResult | None, lang: str = "zh") -> dict[str, gpd.GeoDataFrame]:
    """GeoPackage layers: candidates with a ``selected`` flag, proposals, the new sites' reach
    areas and the gaps (and isochrones) after the proposal.

    Parameters
    ----------
    siting : SitingResult or None
        The siting run.
    after : CoverageResult or None
        The coverage run with the proposed sites.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict of str to GeoDataFrame
        ``candidates``, ``proposals`` and, when known, ``isochrones_new_sites``, ``gaps_after``,
        ``isochrones_after`` (projected metric CRS; reprojected to EPSG:4326 when written).
    """
    cand, chosen = _candidates(siting, after, lang)
    cand = cand.copy()
    cand["selected"] = False
    cand.iloc[chosen, cand.columns.get_loc("selected")] = True
    out = {"candidates": cand, "proposals": proposal_points(siting, after, lang)}
    if siting is not None and len(siting.isochrones):
        out["isochrones_new_sites"] = siting.isochrones
    if after is not None:
        out["gaps_after"] = after.gaps
        if after.isochrones is not None:
            out["isochrones_after"] = after.isochrones
    return out


def _after_figures(result: CoverageResult, siting: SitingResult | None, after: CoverageResult | None) -> dict[str, float]:
    """Headline figures after the proposal: from the rerun, else from the siting run's own
    before/after coverage (walking-time percentiles unknown: NaN)."""
    if after is not None:
        a = after.summary
        return {"covered_pop": a.covered_pop, "covered_share": a.covered_share, "uncovered_pop": a.uncovered_pop,
                "median_min": a.median_min, "p90_min": a.p90_min, "n_centers": a.n_centers}
    sm = siting.summary
    return {"covered_pop": float(sm.covered_after), "covered_share": float(sm.share_after),
            "uncovered_pop": float(sm.total_demand) - float(sm.covered_after), "median_min": np.nan, "p90_min": np.nan,
            "n_centers": result.summary.n_centers + int(sm.n_new_sites)}


def _covered_after(siting: SitingResult | None, after: CoverageResult | None) -> pd.Series | None:
    """Per ``demand_id``: covered after the proposal (bool)."""
    if after is not None:
        return after.demand.set_index("demand_id")["covered"]
    if "demand_id" in siting.demand and "covered_after" in siting.demand:
        return pd.Series(siting.demand["covered_after"].to_numpy(dtype=bool), index=siting.demand["demand_id"].to_numpy())
    return None


def _col(df: pd.DataFrame, name: str, default="") -> pd.Series:
    return df[name] if name in df else pd.Series(default, index=df.index)


def needs_list(result: CoverageResult, siting: SitingResult | None, after: CoverageResult | None, lang: str) -> Table:
    """覆盖缺口清单: the gaps and their residents, and how many stay uncovered after the proposal.

    Parameters
    ----------
    result : CoverageResult
        The run before the proposal (its gaps).
    siting : SitingResult or None
        The siting run (``covered_after`` per demand row when there is no ``after``).
    after : CoverageResult or None
        The coverage run with the proposed sites.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Gap id, community, persons, area in hectares and, when known, ``remaining_pop`` (persons); totals row.
    """
    g = pd.DataFrame(result.gaps.drop(columns="geometry", errors="ignore")).copy()
    g["area_ha"] = g["area_m2"].astype(float) / 10_000 if len(g) else []
    cols = [Column("gap_id", label("c_gap_id", lang)), Column("community", label("c_community", lang)),
            Column("population", label("c_population", lang), "int"), Column("area_ha", label("common.area_ha", lang), "num1")]
    totals = {"gap_id": text("report.total_row", lang), "population": float(g["population"].sum()) if len(g) else 0.0}
    covered_after = _covered_after(siting, after)
    if covered_after is not None and len(g):
        g["remaining_pop"] = remaining_in_gaps(result, covered_after)
        cols.append(Column("remaining_pop", label("c_remaining_pop", lang), "int"))
        totals["remaining_pop"] = float(g["remaining_pop"].sum())
    return Table("needs", label("t_demand_list", lang), text("report.sheet_coverage_gaps", lang), g, cols, totals)


def remaining_in_gaps(before: CoverageResult, covered_after: pd.Series) -> np.ndarray:
    """Residents of each gap (before) still uncovered after the proposal.

    ``covered_after``: bool per ``demand_id`` (the same demand rows as ``before``).

    Parameters
    ----------
    before : CoverageResult
        The run before the proposal (demand with ``demand_id``, ``covered``; gaps).
    covered_after : pandas.Series
        See above.

    Returns
    -------
    numpy.ndarray of float
        Persons per gap, in the order of ``before.gaps``.
    """
    d0 = before.demand
    still = ~covered_after.reindex(d0["demand_id"].to_numpy()).fillna(False).astype(bool).to_numpy()
    un = d0[(~d0["covered"].to_numpy()) & still]
    pts = gpd.GeoDataFrame({"population": un["population"].to_numpy()}, geometry=un.geometry.representative_point().to_numpy(), crs=d0.crs)
    gaps = before.gaps.reset_index(drop=True)
    j = gpd.sjoin(pts, gaps[["geometry"]], how="inner", predicate="within")
    return j.groupby("index_right")["population"].sum().reindex(range(len(gaps))).fillna(0.0).to_numpy()


def resources_list(siting: SitingResult | None, after: CoverageResult | None, lang: str) -> Table:
    """候选用房清单: every candidate site, proposed ones first.

    Parameters
    ----------
    siting : SitingResult or None
        The siting run (all its candidates, with ``status``).
    after : CoverageResult or None
        For a what-if: its proposed centers are the candidates.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Id, name, kind, community, address, floor area (m²), owner, selected and, for siting runs,
        the status in words.
    """
    cand, chosen = _candidates(siting, after, lang)
    c = pd.DataFrame(cand.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    ids = c["id"] if "id" in c else (c["candidate_id"] if "candidate_id" in c else None)
    c["id"] = ids.astype(str) if ids is not None else [f"K{i + 1:02d}" for i in range(len(c))]
    if "address" not in c and "street" in c:  # generated street positions: the street is the address
        c["address"] = c["street"]
    for name in ("name", "kind", "community", "address", "owner"):
        c[name] = _col(c, name, "").fillna("").astype(str)
    c["area_m2"] = pd.to_numeric(_col(c, "area_m2", np.nan), errors="coerce")
    c["selected"] = False
    c.loc[chosen, "selected"] = True
    c = c.sort_values(["selected", "id"], ascending=[False, True], kind="stable", ignore_index=True)
    cols = [Column("id", label("c_site_id", lang)), Column("name", label("common.name", lang)), Column("kind", label("c_kind", lang)),
            Column("community", label("c_community", lang)), Column("address", label("c_address", lang)),
            Column("area_m2", label("c_area_m2", lang), "int"), Column("owner", label("c_owner", lang)),
            Column("selected", label("c_selected", lang), "bool")]
    if "status" in c:  # siting runs say why a candidate was left out
        c["status_text"] = c["status"].astype(str).map(lambda v: status_text(v, lang))
        cols.append(Column("status_text", label("c_status", lang)))
    return Table("resources", label("t_resource_list", lang), text("report.sheet_candidate_buildings", lang), c, cols)


def status_text(status: str, lang: str) -> str:
    """A candidate's status from the siting run in words (chosen / available / excluded: reason).

    Parameters
    ----------
    status : str
        ``"chosen"``, ``"available"`` or ``"excluded: ..."`` (other text is returned as is).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
    """
    if status == "chosen":
        return label("st_chosen", lang)
    if status == "available":
        return label("st_available", lang)
    if status.startswith("excluded"):
        m = re.search(r"within ([\d.]+) m of an existing site", status)
        if m:
            return label("st_near", lang, m=m.group(1))
        m = re.search(r"more than ([\d.]+) m from a street", status)
        if m:
            return label("st_off", lang, m=m.group(1))
        return label("st_excluded", lang)
    return status


def reasons_table(siting: SitingResult | None, lang: str) -> Table | None:
    """Why each proposed site was chosen (what it adds, owner, floor area, cost), or None when not known.

    Parameters
    ----------
    siting : SitingResult or None
        The siting run (its sites' ``reason_<lang>`` column).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table or None
    """
    why = f"reason_{lang}"
    if siting is None or why not in siting.sites or not len(siting.sites):
        return None
    sites = siting.sites
    d = pd.DataFrame({"order": np.arange(1, len(sites) + 1), "name": sites["name"].astype(str).to_numpy(),
                      "why": sites[why].fillna("").astype(str).to_numpy()})
    cols = [Column("order", label("c_rank", lang), "int"), Column("name", label("common.name", lang)),
            Column("why", label("c_why_chosen", lang))]
    return Table("project_reasons", label("t_project_reasons", lang), text("report.sheet_why_chosen", lang), d, cols)


def projects_list(result: CoverageResult, siting: SitingResult | None, after: CoverageResult | None, lang: str) -> Table:
    """新增站点方案: the proposed sites in pick order with the residents each adds and the running share.

    Parameters
    ----------
    result : CoverageResult
        The run before the proposal (covered and total residents).
    siting : SitingResult or None
        The siting run.
    after : CoverageResult or None
        The coverage run with the proposed sites.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        ``added_pop`` in persons, ``cum_share`` 0-1 (NaN when per-site gains are unknown); the
        totals row holds all residents added.
    """
    p = pd.DataFrame(proposal_points(siting, after, lang).drop(columns="geometry", errors="ignore"))
    for name in ("id", "name", "kind", "community", "address"):
        p[name] = _col(p, name, "").fillna("").astype(str)
    total = result.summary.total_pop
    added = p["added_pop"].to_numpy(dtype=float)  # NaN when the run gives no per-site gains (what-if)
    p["cum_share"] = (result.summary.covered_pop + np.cumsum(added)) / total if total else np.nan
    cols = [Column("order", label("c_rank", lang), "int"), Column("id", label("c_site_id", lang)), Column("name", label("common.name", lang)),
            Column("kind", label("c_kind", lang)), Column("community", label("c_community", lang)),
            Column("added_pop", label("c_added_pop", lang), "int"), Column("cum_share", label("c_cum_share", lang), "pct")]
    if np.isfinite(added).all():
        sum_added = float(added.sum())
    else:  # per-site gains unknown: the total from the rerun or the siting run's own coverage
        sum_added = float(_after_figures(result, siting, after)["covered_pop"] - result.summary.covered_pop)
    totals = {"order": np.nan, "id": text("report.total_row", lang), "added_pop": sum_added}
    return Table("projects", label("t_project_list", lang), text("report.sheet_proposed_sites", lang), p, cols, totals)


def before_after(result: CoverageResult, siting: SitingResult | None, after: CoverageResult | None, lang: str) -> Table:
    """Headline figures before and after the proposal (residents, share in %, minutes, sites).

    Parameters
    ----------
    result : CoverageResult
        The run before the proposal.
    siting : SitingResult or None
        The siting run (its own before/after coverage when there is no ``after``).
    after : CoverageResult or None
        The coverage run with the proposed sites.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        ``item``, ``before``, ``after``, ``change``; persons and sites rounded to whole numbers,
        others to one decimal; minutes NaN when only the siting run is given.
    """
    b = result.summary
    a = _after_figures(result, siting, after)
    rows = [
        ("ba_covered", b.covered_pop, a["covered_pop"]),
        ("ba_share", b.covered_share * 100, a["covered_share"] * 100),
        ("ba_uncovered", b.uncovered_pop, a["uncovered_pop"]),
        ("ba_median", b.median_min, a["median_min"]),
        ("ba_p90", b.p90_min, a["p90_min"]),
        ("ba_centers", b.n_centers, a["n_centers"]),
    ]
    df = pd.DataFrame([(label(k, lang) + (" (%)" if k == "ba_share" else ""), float(x), float(y)) for k, x, y in rows],
                      columns=["item", "before", "after"])
    df["change"] = df["after"] - df["before"]
    whole = [k in ("ba_covered", "ba_uncovered", "ba_centers") for k, _, _ in rows]  # residents, sites: whole numbers
    for col in ("before", "after", "change"):
        df[col] = [round(v) if w and np.isfinite(v) else round(v, 1) for v, w in zip(df[col], whole)]
    cols = [Column("item", label("c_item", lang)), Column("before", label("c_before", lang), "auto"),
            Column("after", label("c_after", lang), "auto"), Column("change", label("c_change", lang), "auto")]
    return Table("before_after", label("t_before_after", lang), text("report.sheet_before_after", lang), df, cols)


def siting_tables(result: CoverageResult, siting: SitingResult | None, after: CoverageResult | None,
                  lang: str) -> tuple[dict[str, Table], str]:
    """The three lists and the before/after table, and the method line.

    Parameters
    ----------
    result : CoverageResult
        The run before the proposal.
    siting : SitingResult or None
        The siting run.
    after : CoverageResult or None
        The coverage run with the proposed sites.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    tables : dict of str to Table
        ``needs``, ``resources``, ``projects``, ``before_after`` and, when known, ``project_reasons``.
    method : str
        The method line.

    Raises
    ------
    geo.errors.ParameterError
        As :func:`check_proposal`.
    """
    check_proposal(siting, after)
    tables = {
        "needs": needs_list(result, siting, after, lang),
        "resources": resources_list(siting, after, lang),
        "projects": projects_list(result, siting, after, lang),
        "before_after": before_after(result, siting, after, lang),
    }
    why = reasons_table(siting, lang)
    if why is not None:
        tables["project_reasons"] = why
    return tables, label("siting_method", lang, m=method_text(siting, lang))
