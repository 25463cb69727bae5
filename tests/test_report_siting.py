"""The proposal section: three lists and before/after from a real MCLP siting on the sample city."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis.report import ReportInputs, build_content, build_report
from analysis.report.labels import fmt_int, label
from analysis.report.siting_lists import ReportSiting, as_report_siting, projects_list

K = 3


@pytest.fixture(scope="module")
def proposal():
    from analysis.report.proposal import propose_sites
    from analysis.study import load_study, run_study

    study = load_study()
    result = run_study(study)
    siting = propose_sites(study, result, K)
    return study, result, siting


@pytest.fixture(scope="module")
def built(proposal, tmp_path_factory):
    study, result, siting = proposal
    inputs = ReportInputs(study_area=study.name_zh, network=study.network, stations=study.stations,
                          candidates=study.candidates)
    out = tmp_path_factory.mktemp("report_siting")
    return build_report(result, ["pdf", "xlsx", "gpkg"], "zh", out, siting=siting, inputs=inputs)


def test_proposal_gains_agree_with_the_rerun(proposal):
    _, result, siting = proposal
    assert len(siting.chosen) == K and siting.status == "optimal"
    assert np.all(np.diff(siting.added_pop) <= 1e-6) and siting.added_pop[-1] > 0  # pick order, each adds
    gain = siting.after.summary["covered_pop"] - result.summary["covered_pop"]
    assert siting.added_pop.sum() == pytest.approx(gain, rel=1e-9)


def test_pdf_has_the_three_lists_and_the_added_residents(proposal, built):
    _, _, siting = proposal
    text = "".join(subprocess.run(["pdftotext", "-layout", str(built["pdf"]), "-"], check=True,
                                  capture_output=True, text=True).stdout.split())
    for key in ("sec_siting", "t_demand_list", "t_resource_list", "t_project_list", "t_before_after"):
        assert "".join(label(key, "zh").split()) in text, key
    names = siting.candidates.iloc[siting.chosen]["name"]
    for name, added in zip(names, siting.added_pop):
        assert name in text and fmt_int(added) in text
    assert "最大覆盖模型（MCLP）" in text and "已证明最优" in text
    # issue 15: why each site was chosen (adds, owner, floor area, cost)
    assert "".join(label("t_project_reasons", "zh").split()) in text and "产权：" in text and "万元" in text


def test_xlsx_lists_and_before_after(proposal, built):
    _, result, siting = proposal
    sheets = pd.read_excel(built["xlsx"], sheet_name=None)
    assert {"覆盖缺口清单", "候选用房清单", "新增站点方案", "补点前后"} <= set(sheets)
    res = sheets["候选用房清单"].dropna(subset=["点位编号"])
    res = res[res["点位编号"].astype(str).str.match(r"^K\d+$")]
    assert len(res) == len(siting.candidates) and (res["是否选中"] == "是").sum() == K
    proj = sheets["新增站点方案"]
    body = proj[pd.to_numeric(proj["顺序"], errors="coerce").between(1, K)]
    assert list(body["新增覆盖人口（人）"]) == pytest.approx(list(siting.added_pop))
    ba = sheets["补点前后"].set_index("项目")
    row = ba.loc["阈值内可达居民（人）"]
    assert row["补点前"] == round(result.summary["covered_pop"]) and row["补点后"] == round(siting.after.summary["covered_pop"])
    needs = sheets["覆盖缺口清单"]
    total = needs[needs["缺口编号"] == "合计"].iloc[0]
    assert total["补点后仍未覆盖（人）"] == pytest.approx(siting.after.summary["uncovered_pop"], rel=1e-6)


def test_gpkg_has_proposals_and_selected_candidates(proposal, built):
    _, _, siting = proposal
    props = gpd.read_file(built["gpkg"], layer="proposals")
    cands = gpd.read_file(built["gpkg"], layer="candidates")
    assert list(props["order"]) == list(range(1, K + 1))
    assert props["added_pop"].to_numpy() == pytest.approx(siting.added_pop)
    assert int(cands["selected"].astype(bool).sum()) == K and len(cands) == len(siting.candidates)
    after_gaps = gpd.read_file(built["gpkg"], layer="gaps_after")
    assert after_gaps["population"].sum() == round(siting.after.summary["uncovered_pop"])  # whole persons (issue 14)


def test_siting_without_per_site_gains_uses_the_rerun_total(proposal):
    _, result, siting = proposal
    whatif = ReportSiting(siting.candidates, siting.chosen, np.full(K, np.nan), siting.after, method="what-if")
    table = projects_list(result, whatif, "zh")
    assert table.totals["added_pop"] == pytest.approx(siting.after.summary["covered_pop"] - result.summary["covered_pop"])
    assert table.df["cum_share"].isna().all()  # no invented per-site numbers


def test_duck_typed_siting_result_is_accepted(proposal):
    _, result, siting = proposal
    other = SimpleNamespace(candidates=siting.candidates, chosen=list(siting.chosen), added_pop=list(siting.added_pop),
                            after=None, kind="mclp", solver="greedy", status="greedy", gap=float("nan"))
    s = as_report_siting(other)
    assert s.method_text("en") == "maximal covering (MCLP), greedy (approximate)"
    content = build_content(result, "en", ReportInputs(), siting=other)
    ba = content.siting["before_after"].df.set_index("item")
    assert ba.loc["Residents within the threshold", "after"] == round(result.summary["covered_pop"] + sum(siting.added_pop))
    with pytest.raises(TypeError, match="candidates"):
        as_report_siting(SimpleNamespace(chosen=[1]))


def test_siting_result_from_run_siting_without_a_rerun(proposal, tmp_path):
    """A run_siting result straight into the report: lists, before/after from its own coverage."""
    from analysis.siting.api import run_siting

    study, result, _ = proposal
    sr = run_siting(study.network, "center", study.centers, study.demand, study.candidates, 2,
                    grids=study.grids, communities=study.communities)
    content = build_content(result, "zh", ReportInputs(), siting=sr)
    ba = content.siting["before_after"].df.set_index("item")
    assert ba.loc["阈值内可达居民（人）", "after"] == round(sr.summary["covered_after"])
    assert np.isnan(ba.loc["步行时间中位数（分钟）", "after"])  # not known without a rerun: shown as —
    proj = content.siting["projects"].df
    assert list(proj["id"]) == list(sr.sites["candidate_id"]) and list(proj["added_pop"]) == pytest.approx(list(sr.sites["marginal"]))
    res = content.siting["resources"].df
    excluded = sr.candidates["status"].str.startswith("excluded").sum()
    assert res["status_text"].str.startswith("已排除").sum() == excluded > 0
    needs = content.siting["needs"]
    assert needs.totals["remaining_pop"] == pytest.approx(result.summary["total_pop"] - sr.summary["covered_after"], rel=1e-6)
    paths = build_report(result, ["gpkg"], "zh", tmp_path, siting=sr)
    reach = gpd.read_file(paths["gpkg"], layer="isochrones_new_sites")
    assert sorted(reach["site_id"]) == sorted(sr.sites["site_id"])
    with pytest.raises(TypeError, match="red-station"):
        as_report_siting(SimpleNamespace(kind="red-station", solution=None, sites=None, candidates=None))
