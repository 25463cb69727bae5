"""The report's content as data: headline figures and tables with zh/en labels.

Every output format (PDF, HTML, XLSX) renders the same :class:`ReportContent`, so the numbers
agree across files. Table values stay numbers (residents, 0–1 shares, minutes, metres); the
column ``kind`` says how to show them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis.audit import audit_red_stations, audit_service_centers
from analysis.coverage import CoverageResult
from analysis.dual_grid import FUSED_SHARE
from analysis.export import software_version
from analysis.gaps import MAX_UNIT_SIDE_M, demand_spacing
from analysis.levels import PERSONS_PER_HOUSEHOLD, level_tables
from analysis.wording import circle_comparison
from analysis.report.inputs import DataSource, ReportInputs
from analysis.report.labels import fmt_int, fmt_min, fmt_num, fmt_pct, label
from analysis.report.party_section import party_section
from analysis.report.siting_lists import siting_tables
from analysis.report.curves import coverage_curve, time_histogram
from analysis.report.document import Column, Headline, ReportContent, Table
from analysis.standards import load_standard
from analysis.siting.result import SitingResult  # not siting.api: its solvers are not needed here
from geo.messages import text

HIST_MAX_MIN = 30.0


# -- building -----------------------------------------------------------------------------------


def build_content(result: CoverageResult, lang: str = "zh", inputs: ReportInputs | None = None,
                  siting: SitingResult | None = None, after: CoverageResult | None = None) -> ReportContent:
    """Collect headline figures and tables from a coverage run, and the proposal section.

    Parameters
    ----------
    result : CoverageResult
        The coverage run the report describes.
    lang : {"zh", "en"}
        Report language.
    inputs : ReportInputs, optional
        Study area name, data sources, network and audits given by the caller.
    siting : SitingResult, optional
        A service-center siting run: the proposal (three lists, before/after).
    after : CoverageResult, optional
        ``result`` again with the proposed sites added: with ``siting``, its before/after
        figures; alone, a what-if whose centers marked ``proposed`` are the proposal.

    Returns
    -------
    ReportContent
        Numbers and tables shared by every format.
    """
    inputs = inputs or ReportInputs()
    s = result.summary
    is_demo = bool(s.is_demo) if inputs.is_demo is None else bool(inputs.is_demo)
    area = inputs.study_area or (label("sample_area", lang) if is_demo else "—")
    date = (inputs.report_date or dt.date.today()).isoformat()
    levels = level_tables(result)
    tables: dict[str, Table] = {"streets": streets_table(levels["street"], lang),
                                "communities": communities_table(result, lang)}
    if "compound" in levels:
        tables["compounds"] = compounds_table(levels["compound"], lang)
    if result.grids is not None and len(result.grids):
        tables["grids"] = grids_table(result, lang, levels.get("grid"))
    if result.dual_grid is not None:
        tables["dual_grid"] = dual_pieces_table(result.dual_grid, lang)
        tables["dual_grid_grids"] = dual_grids_table(result.dual_grid, lang)
    tables["gaps"] = gaps_table(result, lang)
    tables["centers"] = centers_table(result, lang)
    if inputs.workers is not None:
        tables.update(worker_tables(inputs.workers, lang))
    std = _standard(inputs)
    ca, sa = _audits(inputs, result, std)
    if ca is not None:
        tables["center_audit"] = audit_table(ca, "center_audit", lang, std)
    if sa is not None:
        tables["station_audit"] = audit_table(sa, "station_audit", lang, std)
    tables["curve"] = curve_table(result, lang)
    tables["histogram"] = histogram_table(result, lang)
    content = ReportContent(
        lang=lang,
        title=label("title", lang),
        study_area=area,
        date=date,
        is_demo=is_demo,
        software=f"servicecircle {software_version()}",
        sentence=label(
            "headline_sentence", lang, share=fmt_pct(s.covered_share), covered=fmt_int(s.covered_pop),
            uncovered=fmt_int(s.uncovered_pop), m=result.params.minutes, circle=fmt_pct(s.circle_covered_share),
        ),
        headline=headline(result, lang),
        sources=sources_table(result, lang, inputs, is_demo),
        params=params_table(result, lang, inputs),
        tables=tables,
        method=method_notes(result, lang, inputs),
        workers_note=worker_sentence(inputs.workers, lang) if inputs.workers is not None else "",
        gap_sentence=gap_sentence(result, lang),
        dual_sentence=dual_sentence(result.dual_grid, lang) if result.dual_grid is not None else "",
    )
    if siting is not None or after is not None:
        content.siting, content.siting_note = siting_tables(result, siting, after, lang)
    if inputs.party is not None:
        content.party = party_section(result, inputs, lang)
    return content


def headline(result: CoverageResult, lang: str) -> list[Headline]:
    """The headline figures (residents, shares 0–1, minutes) with their printed text.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (its summary and threshold).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    list of Headline
        Total, covered (persons and share), uncovered, median and 90th percentile minutes,
        centers, straight-line share and overstatement, 2+-center and off-network residents.
    """
    s = result.summary
    m = result.params.minutes
    rows = [
        ("total_pop", label("h_total", lang), s.total_pop, fmt_int(s.total_pop)),
        ("covered_pop", label("covered_label", lang, m=m), s.covered_pop, fmt_int(s.covered_pop)),
        ("covered_share", label("h_share", lang), s.covered_share, fmt_pct(s.covered_share)),
        ("uncovered_pop", label("h_uncovered", lang), s.uncovered_pop, fmt_int(s.uncovered_pop)),
        ("median_min", label("h_median", lang), s.median_min, fmt_min(s.median_min, lang)),
        ("p90_min", label("h_p90", lang), s.p90_min, fmt_min(s.p90_min, lang)),
        ("n_centers", label("h_centers", lang), s.n_centers, fmt_int(s.n_centers)),
        ("circle_covered_share", label("h_circle", lang), s.circle_covered_share, fmt_pct(s.circle_covered_share)),
        ("circle_overstatement_pp", label("common.overstatement", lang), s.circle_overstatement_pp, circle_comparison(s, lang)[1]),
        ("redundant_pop", label("h_redundant", lang), s.redundant_pop, fmt_int(s.redundant_pop)),
        ("off_network_pop", label("h_off", lang), s.off_network_pop, fmt_int(s.off_network_pop)),
    ]
    return [Headline(k, lab, float(v), t) for k, lab, v, t in rows]


def sources_table(result: CoverageResult, lang: str, inputs: ReportInputs, is_demo: bool) -> Table:
    """Data sources with dates; OSM attribution first; demo layers marked illustrative.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (grids present, population estimate flag).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs
        The caller's sources (``sources``, ``osm_date``, ``stations``).
    is_demo : bool
        Mark default sources as illustrative data.

    Returns
    -------
    Table
        ``name``, ``date``, ``note`` per source.
    """
    demo = label("demo_note", lang) if is_demo else ""
    osm_date = inputs.osm_date or ("2015-02" if is_demo else "")
    rows = [DataSource(label("src_osm", lang), osm_date, label("osm_licence", lang))]
    if inputs.sources:
        given = list(inputs.sources)
        if any("OpenStreetMap" in f"{s.name} {s.note}" for s in given):
            rows = []  # the caller's list already credits OSM
        rows += given
    else:
        rows.append(DataSource(label("src_centers", lang), "", demo))
        pop_note = label("src_estimate", lang) if result.summary.population_is_estimate else ""
        rows.append(DataSource(label("src_demand", lang), "", "; ".join(x for x in (pop_note, demo) if x)))
        if result.grids is not None:
            rows.append(DataSource(label("src_grids", lang), "", demo))
        if inputs.stations is not None:
            rows.append(DataSource(label("src_stations", lang), "", demo))
    df = pd.DataFrame([(r.name, r.date, r.note) for r in rows], columns=["name", "date", "note"])
    cols = [Column("name", label("common.data", lang)), Column("date", label("src_date", lang)), Column("note", label("src_note", lang))]
    return Table("sources", label("sec_sources", lang).split("、")[-1].split(". ")[-1], text("report.sheet_sources", lang), df, cols)


def population_method(result: CoverageResult, lang: str, inputs: ReportInputs) -> str:
    """How residents were counted (given by the caller, else from the result's estimate flag).

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs
        ``population_method`` when the caller gave one.

    Returns
    -------
    str
    """
    if inputs.population_method:
        return inputs.population_method
    return label("pop_estimate" if result.summary.population_is_estimate else "pop_given", lang)


def params_table(result: CoverageResult, lang: str, inputs: ReportInputs) -> Table:
    """Threshold, speed, access cap, thresholds, frontage, population method, network.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (its :class:`~analysis.params.WalkParams`).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs
        Population method, audit standard and network (edge count, km of streets).

    Returns
    -------
    Table
        ``item``, ``value`` (text with units: minutes, km/h, metres), and the audit standard.
    """
    p = result.params
    u_min, u_m = label("unit_min", lang), label("unit_m", lang)
    rows = [
        (label("p_minutes", lang), f"{p.minutes:g} {u_min}"),
        (label("p_speed", lang), f"{p.speed_kmh:g} {label('unit_kmh', lang)}"),
        (label("p_reach", lang), f"{p.reach_m():.0f} {u_m}"),
        (label("p_access", lang), f"{p.max_access_m:g} {u_m}"),
        (label("p_thresholds", lang), " / ".join(f"{t:g}" for t in p.all_thresholds) + f" {u_min}"),
        (label("p_frontage", lang), f"{p.frontage_m:g} {u_m}"),
        (label("p_population", lang), population_method(result, lang, inputs)),
    ]
    rows.append((label("p_standard", lang), _standard(inputs).label(lang)))
    net = inputs.network
    if net is not None:
        rows.append((label("p_network", lang), label("network_desc", lang, edges=f"{net.n_edges:,}", km=float(np.sum(net.edge_length)) / 1000)))
    df = pd.DataFrame(rows, columns=["item", "value"])
    title = label("sec_params", lang).split("、")[-1].split(". ")[-1]
    return Table("params", title, title[:31], df, [Column("item", label("c_item", lang)), Column("value", label("c_value", lang))])


def _area_totals(df: pd.DataFrame) -> dict[str, float]:
    pop, cov = float(df["population"].sum()), float(df["covered_pop"].sum())
    return {"population": pop, "covered_pop": cov, "uncovered_pop": float(df["uncovered_pop"].sum()),
            "redundant_pop": float(df["redundant_pop"].sum()) if "redundant_pop" in df else np.nan,
            "covered_share": cov / pop if pop else np.nan}


def communities_table(result: CoverageResult, lang: str) -> Table:
    """Residents, covered, uncovered, share and 2+-center residents per community, worst first.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (community table and level tables).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        With households, median minutes and street per community, and a totals row (persons).
    """
    df = result.communities.copy()
    if "redundant_pop" not in df:
        df["redundant_pop"] = np.nan
    lv = level_tables(result)["community"].set_index("community")
    for col in ("street", "households", "households_estimated", "median_min"):
        df[col] = df["community"].astype(str).map(lv[col]).to_numpy()
    df = df.sort_values(["covered_share", "uncovered_pop"], ascending=[True, False], ignore_index=True)
    cols = [
        Column("community", label("c_community", lang)),
        Column("population", label("c_population", lang), "int"),
        Column("covered_pop", label("c_covered_pop", lang), "int"),
        Column("uncovered_pop", label("c_uncovered_pop", lang), "int"),
        Column("covered_share", label("c_covered_share", lang), "pct"),
        Column("redundant_pop", label("c_redundant_pop", lang), "int"),
        Column("households", label("c_households", lang), "int"),
        Column("median_min", label("common.median_walk_min", lang), "num1"),
        Column("street", label("c_street", lang)),
    ]
    totals = {"community": text("report.total_row", lang), **_area_totals(df),
              "households": float(df["households"].sum())}
    return Table("communities", label("t_communities", lang), text("report.sheet_communities", lang), df, cols, totals)


def grids_table(result: CoverageResult, lang: str, level: pd.DataFrame | None = None) -> Table:
    """Coverage per grid (网格), worst share first, with households, median walk, nearest center
    and the party fields (网格党支部, 网格员, 党员数) where the grids layer has them.

    Parameters
    ----------
    result : CoverageResult
        The coverage run with ``grids`` (grid figures).
    lang : str
        ``"zh"`` or ``"en"``.
    level : DataFrame, optional
        The grid level table of :func:`analysis.levels.level_tables` (adds ``n_gaps``).

    Returns
    -------
    Table
        Grids with residents only; persons, 0-1 shares, minutes; a totals row.
    """
    g = pd.DataFrame(result.grids.drop(columns="geometry"))
    for col in ("name", "community"):
        if col not in g:
            g[col] = ""
    if "redundant_pop" not in g:
        g["redundant_pop"] = np.nan
    g = g[g["population"] > 0].sort_values(["covered_share", "uncovered_pop"], ascending=[True, False], ignore_index=True)
    cols = [
        Column("grid_id", label("c_grid_id", lang)),
        Column("name", label("c_grid_name", lang)),
        Column("community", label("c_community", lang)),
        Column("population", label("c_population", lang), "int"),
        Column("covered_pop", label("c_covered_pop", lang), "int"),
        Column("uncovered_pop", label("c_uncovered_pop", lang), "int"),
        Column("covered_share", label("c_covered_share", lang), "pct"),
        Column("households", label("c_households", lang), "int"),
        Column("median_min", label("common.median_walk_min", lang), "num1"),
        Column("nearest_center", label("common.nearest_center", lang)),
    ]
    for key, lab in (("party_branch", "c_grid_branch"), ("grid_worker", "c_grid_worker"), ("party_members", "c_party_members")):
        if key in g and g[key].notna().any():
            cols.append(Column(key, label(lab, lang), "auto" if key == "party_members" else "text"))
    if level is not None and "n_gaps" in level:
        g["n_gaps"] = g["grid_id"].astype(str).map(level.set_index("grid_id")["n_gaps"]).to_numpy()
        cols.append(Column("n_gaps", label("common.n_gaps", lang), "int"))
    totals = {"grid_id": text("report.total_row", lang), **_area_totals(g)}
    return Table("grids", label("t_grids", lang), text("report.sheet_grids", lang), g, cols, totals)


def gaps_table(result: CoverageResult, lang: str) -> Table:
    """Gap units (覆盖缺口; analysis.gaps): one community and one grid each, most uncovered residents first.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (its gap units).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Persons, households, area in hectares, nearest center, walking and beyond minutes; totals row.
    """
    g = pd.DataFrame(result.gaps.drop(columns="geometry", errors="ignore"))
    if g.empty:
        g = pd.DataFrame({c: [] for c in ("gap_id", "name", "street", "community", "grid_name", "population", "households",
                                          "area_m2", "nearest_center_name", "walk_min", "beyond_min")})
    g["area_ha"] = g["area_m2"].astype(float) / 10_000.0
    g["grid_name"] = g["grid_name"].where(g["grid_name"].astype(str) != "", g.get("grid_id", ""))
    g = g.sort_values("population", ascending=False, ignore_index=True)
    cols = [
        Column("gap_id", label("c_gap_id", lang)),
        Column("name", label("c_gap_name", lang)),
        Column("street", label("c_street", lang)),
        Column("community", label("c_community", lang)),
        Column("grid_name", label("common.grid", lang)),
        Column("population", label("c_population", lang), "int"),
        Column("households", label("c_households", lang), "int"),
        Column("area_ha", label("common.area_ha", lang), "num1"),
        Column("nearest_center_name", label("common.nearest_center", lang)),
        Column("walk_min", label("common.walk_min", lang), "num1"),
        Column("beyond_min", label("c_beyond_min", lang), "num1"),
    ]
    totals = {"gap_id": text("report.total_row", lang), "population": float(g["population"].sum()),
              "households": float(g["households"].sum()), "area_ha": float(g["area_ha"].sum())}
    return Table("gaps", label("t_gaps", lang), text("report.sheet_gaps", lang), g, cols, totals)


def gap_sentence(result: CoverageResult, lang: str) -> str:
    """How many gaps, that they add up to the uncovered residents, and the largest one's share.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (gaps and uncovered residents).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
    """
    g = result.gaps
    if not len(g):
        return label("no_gaps", lang)
    unc = result.summary.uncovered_pop
    return label("gap_largest", lang, n=fmt_int(len(g)), t=fmt_int(g["population"].sum()), g=g["gap_id"].iloc[0],
                 p=fmt_int(g["population"].iloc[0]), s=fmt_pct(g["population"].iloc[0] / unc if unc else np.nan))


def streets_table(df: pd.DataFrame, lang: str) -> Table:
    """Coverage per street (街道), worst share first.

    Parameters
    ----------
    df : DataFrame
        The street level table of :func:`analysis.levels.level_tables`.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Persons, households, 0-1 shares, median minutes, gap counts; a totals row.
    """
    cols = [Column("street", label("c_street", lang)), Column("population", label("c_population", lang), "int"),
            Column("households", label("c_households", lang), "int"),
            Column("covered_pop", label("c_covered_pop", lang), "int"),
            Column("uncovered_pop", label("c_uncovered_pop", lang), "int"),
            Column("covered_share", label("c_covered_share", lang), "pct"),
            Column("median_min", label("common.median_walk_min", lang), "num1"), Column("n_gaps", label("common.n_gaps", lang), "int")]
    totals = {"street": text("report.total_row", lang), **_area_totals(df), "households": float(df["households"].sum()),
              "n_gaps": float(df["n_gaps"].sum())}
    return Table("streets", label("t_streets", lang), text("report.sheet_streets", lang), df, cols, totals)


def compounds_table(df: pd.DataFrame, lang: str) -> Table:
    """Compounds (小区): walking minutes from the compound, covered or not, residents and households.

    Parameters
    ----------
    df : DataFrame
        The compound level table of :func:`analysis.levels.level_tables`.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        The compound fields (old compound, property management, party branch) only where given; totals row.
    """
    cols = [Column("name", label("c_compound", lang)), Column("community", label("c_community", lang)),
            Column("grid_id", label("common.grid", lang)), Column("population", label("c_population", lang), "int"),
            Column("households", label("c_households", lang), "int")]
    for key, lab in (("old_compound", "c_old_compound"), ("property_management", "c_property"), ("party_branch", "c_party_branch")):
        if key in df and df[key].notna().any():
            cols.append(Column(key, label(lab, lang), "bool"))
    cols += [Column("walk_min", label("common.walk_min", lang), "num1"), Column("nearest_center", label("common.nearest_center", lang)),
             Column("covered", label("common.covered", lang), "bool"), Column("uncovered_pop", label("c_uncovered_pop", lang), "int")]
    totals = {"name": text("report.total_row", lang), "population": float(df["population"].fillna(0).sum()),
              "households": float(df["households"].fillna(0).sum()), "uncovered_pop": float(df["uncovered_pop"].fillna(0).sum())}
    return Table("compounds", label("t_compounds", lang), text("report.sheet_compounds", lang), df, cols, totals)


def dual_sentence(check, lang: str) -> str:
    """One sentence summing up the 双网融合 check.

    Parameters
    ----------
    check : analysis.dual_grid.DualGridCheck
        The check's result (its ``summary``).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        Grids, party grids, fused pairs, disagreement area (ha, %) and residents (persons, %).
    """
    s = check.summary
    return label("dual_summary", lang, n=s["n_grids"], p=s["n_party_grids"], f=s["n_fused"],
                 a=fmt_num(s["disagree_area_m2"] / 1e4, 1), sa=fmt_pct(s["disagree_share_area"]),
                 r=fmt_int(s["disagree_pop"]), sr=fmt_pct(s["disagree_share_pop"]))


def dual_pieces_table(check, lang: str) -> Table:
    """Pieces where party grids and governance grids disagree, most residents first.

    Parameters
    ----------
    check : analysis.dual_grid.DualGridCheck
        The check's result (its ``pieces``).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Kind, grids, area in hectares, persons, households; a totals row.
    """
    df = pd.DataFrame(check.pieces.drop(columns="geometry")).copy()
    df["kind_text"] = df["kind"].map(lambda k: label(f"common.dual_{k}", lang))
    df["area_ha"] = df["area_m2"] / 1e4
    cols = [Column("piece_id", label("common.id", lang)), Column("kind_text", label("c_kind", lang)),
            Column("grid_name", label("c_gov_grid", lang)), Column("party_grid_name", label("common.party_grid", lang)),
            Column("matched_party_grid_id", label("c_matched_party", lang)),
            Column("area_ha", label("common.area_ha", lang), "num1"), Column("population", label("c_population", lang), "int"),
            Column("households", label("c_households", lang), "int")]
    totals = {"piece_id": text("report.total_row", lang), "area_ha": float(df["area_ha"].sum()),
              "population": float(df["population"].sum()), "households": float(df["households"].sum())}
    return Table("dual_grid", label("t_dual", lang), text("report.sheet_dual_network", lang), df, cols, totals)


def dual_grids_table(check, lang: str) -> Table:
    """Each governance grid with its matched party grid, overlap share and whether they are fused.

    Parameters
    ----------
    check : analysis.dual_grid.DualGridCheck
        The check's result (its ``grids``).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
    """
    df = check.grids.copy()
    cols = [Column("grid_id", label("c_grid_id", lang)), Column("grid_name", label("c_gov_grid", lang)),
            Column("matched_party_grid_id", label("c_matched_party", lang)),
            Column("share_of_grid", label("c_share_of_grid", lang), "pct"), Column("fused", label("c_fused", lang), "bool"),
            Column("population_outside_match", label("c_pop_outside", lang), "int")]
    return Table("dual_grid_grids", label("t_dual_grids", lang), text("report.sheet_grid_pairs", lang), df, cols)


def center_redundancy(result: CoverageResult) -> pd.DataFrame:
    """Per center: residents covered only by it, and the share of its load also reached by another.

    ``unique_pop``: residents whose only center within the threshold is this one (they lose
    coverage if it closes). ``redundant_share``: of the center's load (nearest, within threshold),
    the share that has 2+ centers within the threshold.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (demand ``covered``, ``n_centers_within``, ``nearest_center``; centers
        ``load_pop``).

    Returns
    -------
    DataFrame
        ``center_id``, ``unique_pop`` (persons), ``redundant_share`` (0-1; NaN without load).
    """
    d = result.demand
    cov = d[d["covered"]]
    unique = cov[cov["n_centers_within"] == 1].groupby("nearest_center")["population"].sum()
    multi = cov[cov["n_centers_within"] >= 2].groupby("nearest_center")["population"].sum()
    c = result.centers
    load = c["load_pop"].to_numpy(dtype=float)
    m = c["center_id"].map(multi).fillna(0.0).to_numpy(dtype=float)
    return pd.DataFrame({
        "center_id": c["center_id"].to_numpy(),
        "unique_pop": c["center_id"].map(unique).fillna(0.0).to_numpy(dtype=float),
        "redundant_share": np.where(load > 0, m / np.where(load > 0, load, 1.0), np.nan),
    })


def centers_table(result: CoverageResult, lang: str) -> Table:
    """Load and redundancy per center, heaviest load first.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (centers with loads).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        Loads and unique residents (persons), redundant share (0-1), access distance (metres); totals row.
    """
    c = pd.DataFrame(result.centers.drop(columns="geometry"))
    c = c.merge(center_redundancy(result), on="center_id", how="left")
    if "level" not in c:
        c["level"] = ""
    c = c.sort_values("load_pop", ascending=False, ignore_index=True)
    cols = [
        Column("center_id", label("common.id", lang)),
        Column("name", label("common.name", lang)),
        Column("level", label("c_level", lang)),
        Column("load_pop", label("c_load_pop", lang), "int"),
        Column("load_all_pop", label("c_load_all_pop", lang), "int"),
        Column("unique_pop", label("c_unique_pop", lang), "int"),
        Column("redundant_share", label("c_redundant_share", lang), "pct"),
        Column("access_m", label("c_access_m", lang), "num1"),
    ]
    totals = {"center_id": text("report.total_row", lang), "load_pop": float(c["load_pop"].sum()),
              "load_all_pop": float(c["load_all_pop"].sum()), "unique_pop": float(c["unique_pop"].sum())}
    return Table("centers", label("t_centers", lang), text("report.sheet_centers", lang), c, cols, totals)


def curve_table(result: CoverageResult, lang: str) -> Table:
    """Residents covered at 5…15 minutes (the lead's :func:`coverage_curve`).

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        ``minutes``, ``covered_pop`` (persons), ``covered_share`` (0-1).
    """
    df = coverage_curve(result, range(5, 16))
    cols = [Column("minutes", label("c_minutes", lang), "num1"), Column("covered_pop", label("c_covered_pop", lang), "int"),
            Column("covered_share", label("c_covered_share", lang), "pct")]
    return Table("curve", label("t_curve", lang), text("report.sheet_coverage_curve", lang), df, cols)


def histogram_table(result: CoverageResult, lang: str) -> Table:
    """Residents per one-minute walking-time bin; the last bin holds longer and unreachable walks.

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
        ``from_min``, ``to_min`` (minutes), ``population`` (persons) up to :data:`HIST_MAX_MIN`; totals row.
    """
    df = time_histogram(result, 1.0, HIST_MAX_MIN)
    cols = [Column("from_min", label("c_from_min", lang), "num1"), Column("to_min", label("c_to_min", lang), "num1"),
            Column("population", label("c_population", lang), "int")]
    return Table("histogram", label("t_hist", lang), text("report.sheet_time_histogram", lang), df, cols,
                 {"from_min": np.nan, "population": float(df["population"].sum())})


def worker_tables(w, lang: str) -> dict[str, Table]:
    """The worker section's tables: served by group, busy streets not in reach, weights.

    Parameters
    ----------
    w : WorkerCoverageResult
        A worker coverage run.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict of str to Table
        ``worker_groups`` (persons, 0-1 share), ``worker_streets`` (metres) and, when the run
        carries its weights, ``worker_weights``.
    """
    zh = lang == "zh"
    g = w.groups.copy()
    g["label"] = g["group_zh"] if zh else g["group_en"]
    s = w.summary
    cols = [Column("label", label("common.worker_group", lang)), Column("workers", label("common.workers", lang), "int"),
            Column("covered", label("common.served", lang), "int"), Column("uncovered", label("c_unserved", lang), "int"),
            Column("covered_share", label("c_covered_share", lang), "pct")]
    totals = {"label": text("report.total_row", lang), "workers": s.total_workers, "covered": s.covered_workers,
              "uncovered": s.total_workers - s.covered_workers, "covered_share": s.covered_share}
    out = {"worker_groups": Table("worker_groups", label("t_worker_groups", lang), text("report.sheet_workers", lang),
                                  g, cols, totals)}
    b = w.busy_streets
    out["worker_streets"] = Table(
        "worker_streets", label("t_worker_streets", lang), text("report.sheet_busy_streets_unserved", lang), b,
        [Column("street", label("c_street", lang)), Column("highway", label("common.street_class", lang)),
         Column("length_m", label("c_length_m", lang), "int"), Column("uncovered_m", label("common.not_in_reach_m", lang), "int")],
        {"street": text("report.total_row", lang), "length_m": float(b["length_m"].sum()), "uncovered_m": float(b["uncovered_m"].sum())})
    if w.weights is not None:
        t = w.weights.copy()
        t["label"] = t["group_zh"] if zh else t["group_en"]
        out["worker_weights"] = Table(
            "worker_weights", label("t_worker_weights", lang), text("report.sheet_worker_weights", lang), t,
            [Column("label", label("common.worker_group", lang)), Column("source", label("c_source", lang)),
             Column("tag", label("c_tag", lang)), Column("weight", label("c_weight", lang), "auto"),
             Column("unit", text("report.c_worker_unit", lang)), Column("why", label("c_why", lang))])
    return out


def worker_sentence(w, lang: str) -> str:
    """The worker section's opening paragraph with its figures and assumptions.

    Parameters
    ----------
    w : WorkerCoverageResult
        A worker coverage run.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        Reach (metres), workers and served (persons, %), busy streets not reached (km).
    """
    s = w.summary
    return label("workers_intro", lang, r=f"{s.radius_m:,.0f}", total=fmt_int(s.total_workers),
                 covered=fmt_int(s.covered_workers), share=fmt_pct(s.covered_share), km=f"{s.busy_uncovered_m / 1000:,.1f}")


def _standard(inputs: ReportInputs):
    """The audit standard of the report (the shipped default unless the caller gave one)."""
    return inputs.standard if inputs.standard is not None else load_standard()


def _audits(inputs: ReportInputs, result: CoverageResult, standard) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Audit tables given by the caller, else computed with ``analysis.audit`` against ``standard``."""
    ca, sa = inputs.center_audit, inputs.station_audit
    if ca is None:
        ca = _as_frame(audit_service_centers(result.centers, standard))
    if sa is None and inputs.stations is not None:
        sa = _as_frame(audit_red_stations(inputs.stations, standard))
    return ca, sa


def _as_frame(x: pd.DataFrame | None) -> pd.DataFrame | None:
    """An audit table without its geometry column (None stays None)."""
    return None if x is None else pd.DataFrame(x.drop(columns="geometry", errors="ignore"))


def audit_table(df: pd.DataFrame, key: str, lang: str, standard=None) -> Table:
    """An audit table from ``analysis.audit``: id, name, (level), summary, missing, complete.

    The title names the ``standard`` used (name, file, SHA-256 prefix). Tables of another shape
    are shown as given (their own column names).

    Parameters
    ----------
    df : DataFrame
        An audit of :func:`analysis.audit.audit_service_centers` or
        :func:`analysis.audit.audit_red_stations`, or any table.
    key : str
        ``"center_audit"`` or ``"station_audit"``.
    lang : str
        ``"zh"`` or ``"en"``.
    standard : analysis.standards.Standard, optional
        The standard named in the title.

    Returns
    -------
    Table
        For an audit: incomplete entries first, then by id.
    """
    table = _audit_table(df, key, lang)
    if standard is not None:
        table.title += text("report.audit_standard_suffix", lang, standard=standard.label(lang))
    return table


def _audit_table(df: pd.DataFrame, key: str, lang: str) -> Table:
    sheet_name = text(f"report.sheet_{key}", lang)
    summary, missing = f"summary_{lang}", f"missing_{lang}"
    if {"id", "name", summary, missing, "complete"} <= set(df.columns):
        d = df.copy()
        d[missing] = d[missing].fillna("").astype(str).replace("", label("none_found", lang))
        d = d.sort_values(["complete", "id"], kind="stable", ignore_index=True)
        cols = [Column("id", label("common.id", lang)), Column("name", label("common.name", lang))]
        if "level" in d:
            cols.append(Column("level", label("c_level", lang)))
        cols += [Column(summary, label("c_functions", lang)), Column(missing, label("c_missing", lang)),
                 Column("complete", label("c_ok", lang), "bool")]
        return Table(key, label(f"t_{key}", lang), sheet_name, d, cols)
    d = df.copy()
    cols = []
    for col in d.columns:
        s = d[col]
        if s.map(lambda v: isinstance(v, (list, tuple, set))).any():
            d[col] = s.map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
        kind = "bool" if s.dtype == bool else ("int" if pd.api.types.is_integer_dtype(s) else
                                               ("num1" if pd.api.types.is_float_dtype(s) else "text"))
        cols.append(Column(str(col), str(col), kind))
    return Table(key, label(f"t_{key}", lang), sheet_name, d, cols)


def method_notes(result: CoverageResult, lang: str, inputs: ReportInputs) -> list[str]:
    """Short method paragraphs: network distance, circles, gaps, population.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (frontage, demand spacing, estimate flag, 双网融合 check).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs
        The caller's population method.

    Returns
    -------
    list of str
        One paragraph each (plus the 双网融合 rule when the run has that check).
    """
    pm = population_method(result, lang, inputs)
    key = "method_population" if result.summary.population_is_estimate else "method_population_given"
    notes = [
        label("method_network", lang, f=result.params.frontage_m),
        label("method_circles", lang),
        label("method_gaps", lang, c=demand_spacing(result.demand), s=MAX_UNIT_SIDE_M),
        label("method_households", lang, r=PERSONS_PER_HOUSEHOLD),
        label(key, lang, method=pm),
    ]
    if result.dual_grid is not None:
        notes.append(label("method_dual", lang, f=FUSED_SHARE * 100))
    return notes
