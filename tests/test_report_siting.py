"""The proposal section: three lists and before/after from a real MCLP siting on the sample city."""

from __future__ import annotations

import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis.report import ReportInputs, build_content, build_report
from analysis.report.labels import fmt_int, label
from analysis.report.siting_lists import check_proposal, method_text, projects_list
from geo.errors import ParameterError

K = 3


@pytest.fixture(scope="module")
def proposal():
    from analysis.report.proposal import propose_sites
    from analysis.study import load_study, run_study

    study = load_study()
    result = run_study(study)
    siting, after = propose_sites(study, result, K)
    return study, result, siting, after


@pytest.fixture(scope="module")
def built(proposal, tmp_path_factory):
    study, result, siting, after = proposal
    inputs = ReportInputs(study_area=study.name_zh, network=study.network, stations=study.stations,
                          candidates=study.candidates)
    out = tmp_path_factory.mktemp("report_siting")
    return build_report(result, ["pdf", "xlsx", "gpkg"], "zh", out, siting=siting, inputs=inputs, after=after)


def _added(siting) -> np.ndarray:
    return siting.sites["marginal"].to_numpy(dtype=float)


def test_proposal_gains_agree_with_the_rerun(proposal):
    _, result, siting, after = proposal
    assert len(siting.sites) == K and siting.solution.status == "optimal"
    added = _added(siting)
    assert np.all(np.diff(added) <= 1e-6) and added[-1] > 0  # pick order, each adds
    gain = after.summary.covered_pop - result.summary.covered_pop
    assert added.sum() == pytest.approx(gain, rel=1e-9)


def test_pdf_has_the_three_lists_and_the_added_residents(proposal, built):
    _, _, siting, after = proposal
    text = "".join(subprocess.run(["pdftotext", "-layout", str(built["pdf"]), "-"], check=True,
                                  capture_output=True, text=True).stdout.split())
    for key in ("sec_siting", "t_demand_list", "t_resource_list", "t_project_list", "t_before_after"):
        assert "".join(label(key, "zh").split()) in text, key
    for name, added in zip(siting.sites["name"], _added(siting)):
        assert name in text and fmt_int(added) in text
    assert "最大覆盖模型（MCLP）" in text and "已证明最优" in text
    # issue 15: why each site was chosen (adds, owner, floor area, cost)
    assert "".join(label("t_project_reasons", "zh").split()) in text and "产权：" in text and "万元" in text


def test_xlsx_lists_and_before_after(proposal, built):
    _, result, siting, after = proposal
    sheets = pd.read_excel(built["xlsx"], sheet_name=None)
    assert {"覆盖缺口清单", "候选用房清单", "新增站点方案", "补点前后"} <= set(sheets)
    res = sheets["候选用房清单"].dropna(subset=["点位编号"])
    res = res[res["点位编号"].astype(str).str.match(r"^K\d+$")]
    assert len(res) == len(siting.candidates) and (res["是否选中"] == "是").sum() == K
    proj = sheets["新增站点方案"]
    body = proj[pd.to_numeric(proj["顺序"], errors="coerce").between(1, K)]
    assert list(body["新增覆盖人口（人）"]) == pytest.approx(list(_added(siting)))
    ba = sheets["补点前后"].set_index("项目")
    row = ba.loc["阈值内可达居民（人）"]
    assert row["补点前"] == round(result.summary.covered_pop) and row["补点后"] == round(after.summary.covered_pop)
    needs = sheets["覆盖缺口清单"]
    total = needs[needs["缺口编号"] == "合计"].iloc[0]
    assert total["补点后仍未覆盖（人）"] == pytest.approx(after.summary.uncovered_pop, rel=1e-6)


def test_gpkg_has_proposals_and_selected_candidates(proposal, built):
    _, _, siting, after = proposal
    props = gpd.read_file(built["gpkg"], layer="proposals")
    cands = gpd.read_file(built["gpkg"], layer="candidates")
    assert list(props["order"]) == list(range(1, K + 1))
    assert props["added_pop"].to_numpy() == pytest.approx(_added(siting))
    assert int(cands["selected"].astype(bool).sum()) == K and len(cands) == len(siting.candidates)
    after_gaps = gpd.read_file(built["gpkg"], layer="gaps_after")
    assert after_gaps["population"].sum() == round(after.summary.uncovered_pop)  # whole persons (issue 14)


def test_whatif_proposal_without_per_site_gains_uses_the_rerun_total(proposal):
    """A what-if (the coverage run with planner-placed sites, no siting run): the project list
    shows no per-site gains, only the rerun's total, and the method line says it is a what-if."""
    from analysis.whatif import with_new_sites

    study, result, siting, after = proposal
    placed = siting.sites[["name", "geometry"]].assign(kind="center")
    whatif = with_new_sites(result, study.network, placed)
    table = projects_list(result, None, whatif, "zh")
    assert list(table.df["name"]) == list(siting.sites["name"])
    assert table.df["kind"].eq("党群服务中心").all()
    assert table.totals["added_pop"] == pytest.approx(whatif.summary.covered_pop - result.summary.covered_pop)
    assert table.df["cum_share"].isna().all()  # no invented per-site numbers
    assert method_text(None, "en").startswith("Sites placed one by one on the map")
    content = build_content(result, "en", ReportInputs(), after=whatif)
    ba = content.siting["before_after"].df.set_index("item")
    assert ba.loc["Residents within the threshold", "after"] == round(whatif.summary.covered_pop)
    res = content.siting["resources"].df
    assert len(res) == len(placed) and res["selected"].all()


def test_method_line_names_model_solver_and_proof(proposal):
    _, result, siting, _ = proposal
    assert method_text(siting, "en") == "maximal covering (MCLP), exact (HiGHS), proven optimal"
    assert method_text(siting, "zh") == "最大覆盖模型（MCLP），精确求解（HiGHS），已证明最优"


def test_siting_result_from_run_siting_without_a_rerun(proposal, tmp_path):
    """A run_siting result straight into the report: lists, before/after from its own coverage."""
    from analysis.siting.api import run_siting

    study, result, _, _ = proposal
    sr = run_siting(study.network, "center", study.centers, study.demand, study.candidates, 2,
                    grids=study.grids, communities=study.communities)
    content = build_content(result, "zh", ReportInputs(), siting=sr)
    ba = content.siting["before_after"].df.set_index("item")
    assert ba.loc["阈值内可达居民（人）", "after"] == round(sr.summary.covered_after)
    assert np.isnan(ba.loc["步行时间中位数（分钟）", "after"])  # not known without a rerun: shown as —
    proj = content.siting["projects"].df
    assert list(proj["id"]) == list(sr.sites["candidate_id"]) and list(proj["added_pop"]) == pytest.approx(list(sr.sites["marginal"]))
    res = content.siting["resources"].df
    excluded = sr.candidates["status"].str.startswith("excluded").sum()
    assert res["status_text"].str.startswith("已排除").sum() == excluded > 0
    needs = content.siting["needs"]
    assert needs.totals["remaining_pop"] == pytest.approx(result.summary.total_pop - sr.summary.covered_after, rel=1e-6)
    paths = build_report(result, ["gpkg"], "zh", tmp_path, siting=sr)
    reach = gpd.read_file(paths["gpkg"], layer="isochrones_new_sites")
    assert sorted(reach["site_id"]) == sorted(sr.sites["site_id"])


def test_red_station_run_or_no_proposal_is_refused(proposal):
    from analysis.sample_city import load_sample_city
    from analysis.siting.api import run_siting

    study, result, _, _ = proposal
    red = run_siting(study.network, "red-station", study.stations, None, None, 1, solver="greedy",
                     grids=study.grids, pois=load_sample_city().features.pois)
    with pytest.raises(ParameterError, match="red-station"):
        build_content(result, "zh", ReportInputs(), siting=red)
    with pytest.raises(ParameterError, match="proposal"):
        check_proposal(None, None)
