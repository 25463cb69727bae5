"""The siting proposal as three tables: 覆盖缺口清单 (coverage gaps), 候选用房清单 (candidate
buildings), 新增站点方案 (proposed new sites). Not the 需求/资源/项目清单 of regional party
building, which are :mod:`analysis.lists`.

A siting run reaches the report as a :class:`ReportSiting` (candidate sites, the chosen ones in
pick order with the residents each adds, and optionally the coverage run with the proposed
sites added, for before/after figures). :func:`from_siting_result` builds one from
``analysis.siting.api.SitingResult`` (``run_siting``), :func:`from_solution` from a bare
``SitingSolution``; :func:`as_report_siting` accepts either of those, or any object with the
same attributes (``candidates``, ``chosen``, ``added_pop``, ``after``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.coverage import CoverageResult
from analysis.report.content import Column, Table
from analysis.report.inputs import ReportInputs
from analysis.report.labels import fmt_pct, label


@dataclass
class ReportSiting:
    """A siting run for the report.

    candidates: every candidate site (候选用房清单), any CRS, columns such as id, name, kind,
        address, community, area_m2, owner.
    chosen: row positions in ``candidates`` of the proposed sites, in pick order.
    added_pop: residents each proposed site adds to coverage (pick order, marginal).
    after: the coverage run with the proposed sites added (before/after figures), optional.
    method: one line on the model and solver, shown under the lists.
    """

    candidates: gpd.GeoDataFrame
    chosen: np.ndarray
    added_pop: np.ndarray
    after: CoverageResult | None = None
    kind: str = ""      # "mclp" | "lscp" | "pmedian"
    solver: str = ""    # "exact" | "greedy"
    status: str = ""    # "optimal" | "time_limit" | "greedy" | "trivial"
    gap: float = float("nan")
    method: str = ""    # free text; replaces the line built from kind/solver/status
    #: figures after the proposal when no coverage rerun exists (covered_pop, covered_share,
    #: uncovered_pop, n_centers; median_min/p90_min may be NaN)
    after_summary: dict | None = None
    #: per demand_id: covered after the proposal (for the needs list without a rerun)
    covered_after: pd.Series | None = None
    #: the proposed sites as given by the siting run (name, street, ...), replaces candidate rows
    sites: gpd.GeoDataFrame | None = None
    #: extra GIS layers of the siting run (e.g. the new sites' reach areas)
    layers: dict | None = None

    def method_text(self, lang: str) -> str:
        """The model and solver in words, in ``lang``."""
        if self.method:
            return self.method
        kind = label(f"siting_kind_{self.kind}", lang) if self.kind in ("mclp", "lscp", "pmedian") else self.kind
        how = {"exact": label("siting_exact", lang), "greedy": label("siting_greedy", lang)}.get(self.solver, self.solver)
        if self.status in ("optimal", "trivial"):
            quality = label("siting_optimal", lang)
        elif np.isfinite(self.gap):
            quality = label("siting_gap", lang, g=fmt_pct(self.gap, 2))
        else:
            quality = ""
        return ("，" if lang == "zh" else ", ").join(x for x in (kind, how, quality) if x)


def from_solution(solution, candidates: gpd.GeoDataFrame, after: CoverageResult | None = None) -> ReportSiting:
    """A :class:`ReportSiting` from a ``SitingSolution`` (chosen indices and marginal gains)."""
    added = np.asarray(solution.marginal, dtype=float) if solution.kind in ("mclp", "lscp") else np.full(len(solution.chosen), np.nan)
    return ReportSiting(candidates, np.asarray(solution.chosen, dtype=np.int64), added, after,
                        kind=solution.kind, solver=solution.solver, status=solution.status, gap=float(solution.gap))


def from_siting_result(sr) -> ReportSiting:
    """A :class:`ReportSiting` from ``analysis.siting.api.SitingResult`` (service-center siting).

    The before/after figures come from the run's own demand (covered before/after within the
    threshold); walking-time percentiles after the proposal are not known without a rerun.
    """
    if getattr(sr, "kind", "center") != "center":
        raise TypeError("The report's proposal lists residents; give a service-center siting (kind='center'), "
                        "not a red-station run.")
    cand = sr.candidates.reset_index(drop=True)
    pos = {cid: i for i, cid in enumerate(cand["candidate_id"].astype(str))}
    chosen = np.array([pos[str(c)] for c in sr.sites["candidate_id"]], dtype=np.int64)
    sol = sr.solution
    added = sr.sites["marginal"].to_numpy(dtype=float) if sr.problem in ("mclp", "lscp") else np.full(len(chosen), np.nan)
    sm = sr.summary
    total = float(sm["total_demand"])
    after_summary = {"covered_pop": float(sm["covered_after"]), "covered_share": float(sm["share_after"]),
                     "uncovered_pop": total - float(sm["covered_after"]), "median_min": np.nan, "p90_min": np.nan,
                     "n_new": int(sm["n_new_sites"])}
    covered_after = None
    if "demand_id" in sr.demand and "covered_after" in sr.demand:
        covered_after = pd.Series(sr.demand["covered_after"].to_numpy(dtype=bool), index=sr.demand["demand_id"].to_numpy())
    sites = sr.sites.copy()
    sites["id"] = sites["candidate_id"].astype(str)
    for col in ("kind", "community", "owner", "area_m2"):
        if col in cand and col not in sites:
            sites[col] = cand[col].to_numpy()[chosen]
    return ReportSiting(cand, chosen, added, None, kind=sr.problem, solver=sol.solver, status=sol.status,
                        gap=float(sol.gap), after_summary=after_summary, covered_after=covered_after, sites=sites,
                        layers={"isochrones_new_sites": sr.isochrones})


def as_report_siting(siting) -> ReportSiting:
    """Accept a :class:`ReportSiting`, a ``SitingResult``, or any object with the same attribute names."""
    if isinstance(siting, ReportSiting):
        return siting
    if hasattr(siting, "solution") and hasattr(siting, "sites") and hasattr(siting, "candidates"):
        return from_siting_result(siting)
    try:
        return ReportSiting(
            candidates=siting.candidates,
            chosen=np.asarray(siting.chosen, dtype=np.int64),
            added_pop=np.asarray(getattr(siting, "added_pop", np.full(len(siting.chosen), np.nan)), dtype=float),
            after=getattr(siting, "after", None),
            kind=str(getattr(siting, "kind", "") or ""),
            solver=str(getattr(siting, "solver", "") or ""),
            status=str(getattr(siting, "status", "") or ""),
            gap=float(getattr(siting, "gap", float("nan"))),
            method=str(getattr(siting, "method", "") or ""),
        )
    except AttributeError as err:
        raise TypeError(f"A siting result for the report needs candidates and chosen sites ({err}).") from None


def proposal_points(siting) -> gpd.GeoDataFrame:
    """The proposed sites (rows of the candidates) with ``order`` and ``added_pop``."""
    s = as_report_siting(siting)
    p = s.sites.copy() if s.sites is not None else s.candidates.iloc[s.chosen].copy()
    p["order"] = np.arange(1, len(p) + 1)
    p["added_pop"] = s.added_pop[: len(p)]
    return p.reset_index(drop=True)


def siting_gis_layers(siting) -> dict[str, gpd.GeoDataFrame]:
    """GeoPackage layers: candidates with a ``selected`` flag, proposals, and gaps after the proposal."""
    s = as_report_siting(siting)
    cand = s.candidates.copy()
    cand["selected"] = False
    cand.iloc[s.chosen, cand.columns.get_loc("selected")] = True
    out = {"candidates": cand, "proposals": proposal_points(s)}
    for name, gdf in (s.layers or {}).items():
        if gdf is not None and len(gdf):
            out[name] = gdf
    if s.after is not None:
        out["gaps_after"] = s.after.gaps
        if s.after.isochrones is not None:
            out["isochrones_after"] = s.after.isochrones
    return out


def _col(df: pd.DataFrame, name: str, default="") -> pd.Series:
    return df[name] if name in df else pd.Series(default, index=df.index)


def needs_list(result: CoverageResult, s: ReportSiting, lang: str) -> Table:
    """覆盖缺口清单: the gaps and their residents, and how many stay uncovered after the proposal."""
    g = pd.DataFrame(result.gaps.drop(columns="geometry", errors="ignore")).copy()
    g["area_ha"] = g["area_m2"].astype(float) / 10_000 if len(g) else []
    cols = [Column("gap_id", label("c_gap_id", lang)), Column("community", label("c_community", lang)),
            Column("population", label("c_population", lang), "int"), Column("area_ha", label("c_area_ha", lang), "num1")]
    totals = {"gap_id": "合计" if lang == "zh" else "Total", "population": float(g["population"].sum()) if len(g) else 0.0}
    covered_after = s.after.demand.set_index("demand_id")["covered"] if s.after is not None else s.covered_after
    if covered_after is not None and len(g):
        g["remaining_pop"] = remaining_in_gaps(result, covered_after)
        cols.append(Column("remaining_pop", label("c_remaining_pop", lang), "int"))
        totals["remaining_pop"] = float(g["remaining_pop"].sum())
    return Table("needs", label("t_demand_list", lang), "覆盖缺口清单" if lang == "zh" else "coverage_gaps", g, cols, totals)


def remaining_in_gaps(before: CoverageResult, covered_after: pd.Series) -> np.ndarray:
    """Residents of each gap (before) still uncovered after the proposal.

    ``covered_after``: bool per ``demand_id`` (the same demand rows as ``before``).
    """
    d0 = before.demand
    still = ~covered_after.reindex(d0["demand_id"].to_numpy()).fillna(False).astype(bool).to_numpy()
    un = d0[(~d0["covered"].to_numpy()) & still]
    pts = gpd.GeoDataFrame({"population": un["population"].to_numpy()}, geometry=un.geometry.representative_point().to_numpy(), crs=d0.crs)
    gaps = before.gaps.reset_index(drop=True)
    j = gpd.sjoin(pts, gaps[["geometry"]], how="inner", predicate="within")
    return j.groupby("index_right")["population"].sum().reindex(range(len(gaps))).fillna(0.0).to_numpy()


def resources_list(s: ReportSiting, lang: str) -> Table:
    """候选用房清单: every candidate site, proposed ones first."""
    c = pd.DataFrame(s.candidates.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    ids = c["id"] if "id" in c else (c["candidate_id"] if "candidate_id" in c else None)
    c["id"] = ids.astype(str) if ids is not None else [f"K{i + 1:02d}" for i in range(len(c))]
    if "address" not in c and "street" in c:  # generated street positions: the street is the address
        c["address"] = c["street"]
    for name in ("name", "kind", "community", "address", "owner"):
        c[name] = _col(c, name, "").fillna("").astype(str)
    c["area_m2"] = pd.to_numeric(_col(c, "area_m2", np.nan), errors="coerce")
    c["selected"] = False
    c.loc[s.chosen, "selected"] = True
    c = c.sort_values(["selected", "id"], ascending=[False, True], kind="stable", ignore_index=True)
    cols = [Column("id", label("c_site_id", lang)), Column("name", label("c_name", lang)), Column("kind", label("c_kind", lang)),
            Column("community", label("c_community", lang)), Column("address", label("c_address", lang)),
            Column("area_m2", label("c_area_m2", lang), "int"), Column("owner", label("c_owner", lang)),
            Column("selected", label("c_selected", lang), "bool")]
    if "status" in c:  # siting runs say why a candidate was left out
        c["status_text"] = c["status"].astype(str).map(lambda v: status_text(v, lang))
        cols.append(Column("status_text", label("c_status", lang)))
    return Table("resources", label("t_resource_list", lang), "候选用房清单" if lang == "zh" else "candidate_buildings", c, cols)


def status_text(status: str, lang: str) -> str:
    """A candidate's status from the siting run in words (chosen / available / excluded: reason)."""
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


def reasons_table(s: ReportSiting, lang: str) -> Table | None:
    """Why each proposed site was chosen (what it adds, owner, floor area, cost), or None when not known."""
    sites = getattr(s, "sites", None)
    why = f"reason_{lang}"
    if sites is None or why not in sites or not len(sites):
        return None
    d = pd.DataFrame({"order": np.arange(1, len(sites) + 1), "name": sites["name"].astype(str).to_numpy(),
                      "why": sites[why].fillna("").astype(str).to_numpy()})
    cols = [Column("order", label("c_rank", lang), "int"), Column("name", label("c_name", lang)),
            Column("why", label("c_why_chosen", lang))]
    return Table("project_reasons", label("t_project_reasons", lang), "选址理由" if lang == "zh" else "why_chosen", d, cols)


def projects_list(result: CoverageResult, s: ReportSiting, lang: str) -> Table:
    """新增站点方案: the proposed sites in pick order with the residents each adds and the running share."""
    p = pd.DataFrame(proposal_points(s).drop(columns="geometry", errors="ignore"))
    for name in ("id", "name", "kind", "community", "address"):
        p[name] = _col(p, name, "").fillna("").astype(str)
    total = result.summary["total_pop"]
    added = p["added_pop"].to_numpy(dtype=float)  # NaN when the run gives no per-site gains (what-if)
    p["cum_share"] = (result.summary["covered_pop"] + np.cumsum(added)) / total if total else np.nan
    cols = [Column("order", label("c_rank", lang), "int"), Column("id", label("c_site_id", lang)), Column("name", label("c_name", lang)),
            Column("kind", label("c_kind", lang)), Column("community", label("c_community", lang)),
            Column("added_pop", label("c_added_pop", lang), "int"), Column("cum_share", label("c_cum_share", lang), "pct")]
    if np.isfinite(added).all():
        sum_added = float(added.sum())
    elif s.after is not None:  # per-site gains unknown: the total from the rerun
        sum_added = float(s.after.summary["covered_pop"] - result.summary["covered_pop"])
    elif s.after_summary is not None:
        sum_added = float(s.after_summary["covered_pop"] - result.summary["covered_pop"])
    else:
        sum_added = np.nan
    totals = {"order": np.nan, "id": "合计" if lang == "zh" else "Total", "added_pop": sum_added}
    return Table("projects", label("t_project_list", lang), "新增站点方案" if lang == "zh" else "proposed_sites", p, cols, totals)


def before_after(result: CoverageResult, s: ReportSiting, lang: str) -> Table:
    """Headline figures before and after the proposal (residents, share in %, minutes, sites)."""
    b = result.summary
    if s.after is not None:
        a = s.after.summary
    elif s.after_summary is not None:  # the siting run's own before/after coverage
        a = {**s.after_summary, "n_centers": b["n_centers"] + s.after_summary.get("n_new", len(s.chosen))}
    else:  # no rerun: covered residents from the marginal gains only
        cov = b["covered_pop"] + float(np.nansum(s.added_pop))
        a = {"covered_pop": cov, "covered_share": cov / b["total_pop"] if b["total_pop"] else np.nan,
             "uncovered_pop": b["total_pop"] - cov, "median_min": np.nan, "p90_min": np.nan, "n_centers": b["n_centers"] + len(s.chosen)}
    rows = [
        ("ba_covered", b["covered_pop"], a["covered_pop"]),
        ("ba_share", b["covered_share"] * 100, a["covered_share"] * 100),
        ("ba_uncovered", b["uncovered_pop"], a["uncovered_pop"]),
        ("ba_median", b["median_min"], a["median_min"]),
        ("ba_p90", b["p90_min"], a["p90_min"]),
        ("ba_centers", b["n_centers"], a["n_centers"]),
    ]
    df = pd.DataFrame([(label(k, lang) + (" (%)" if k == "ba_share" else ""), float(x), float(y)) for k, x, y in rows],
                      columns=["item", "before", "after"])
    df["change"] = df["after"] - df["before"]
    whole = [k in ("ba_covered", "ba_uncovered", "ba_centers") for k, _, _ in rows]  # residents, sites: whole numbers
    for col in ("before", "after", "change"):
        df[col] = [round(v) if w and np.isfinite(v) else round(v, 1) for v, w in zip(df[col], whole)]
    cols = [Column("item", label("c_item", lang)), Column("before", label("c_before", lang), "auto"),
            Column("after", label("c_after", lang), "auto"), Column("change", label("c_change", lang), "auto")]
    return Table("before_after", label("t_before_after", lang), "补点前后" if lang == "zh" else "before_after", df, cols)


def siting_tables(siting, result: CoverageResult, lang: str, inputs: ReportInputs | None = None) -> tuple[dict[str, Table], str]:
    """The three lists and the before/after table, and the method line."""
    s = as_report_siting(siting)
    tables = {
        "needs": needs_list(result, s, lang),
        "resources": resources_list(s, lang),
        "projects": projects_list(result, s, lang),
        "before_after": before_after(result, s, lang),
    }
    why = reasons_table(s, lang)
    if why is not None:
        tables["project_reasons"] = why
    text = s.method_text(lang)
    return tables, (label("siting_method", lang, m=text) if text else "")
