"""Issue 14 in the app (AppTest): the ranked gap table, level tables, compounds and party-grid uploads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.study import load_study, run_study
from tests.level_layers import write_compounds_csv, write_party_grids

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _frame(at: AppTest, first_col: str):
    for df in at.dataframe:
        v = df.value
        if len(v.columns) and v.columns[0] == first_col:
            return v
    raise AssertionError(f"no table starting with {first_col}: {[list(d.value.columns)[:3] for d in at.dataframe]}")


@pytest.fixture(scope="module")
def expected():
    return run_study(load_study())


def test_gap_table_is_ranked_and_adds_up_to_the_uncovered(expected):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _ok(at)
    gaps = _frame(at, "编号")
    assert "居民（人）" in gaps.columns and "网格" in gaps.columns and "最近服务中心" in gaps.columns
    assert int(gaps["居民（人）"].sum()) == round(expected.summary.uncovered_pop)
    assert list(gaps["编号"][:3]) == ["GAP001", "GAP002", "GAP003"]
    assert gaps["居民（人）"].is_monotonic_decreasing
    texts = "\n".join(str(c.value) for c in at.caption)
    assert "最大一处占" in texts and "个百分点" in texts
    # every level: street / community / grid (no compounds layer yet)
    at.radio(key="level_pick").set_value("street").run()
    _ok(at)
    streets = _frame(at, "街道")
    assert int(streets["居民（人）"].sum()) == round(expected.summary.total_pop)


def test_compounds_and_party_grids_uploaded_show_in_levels_and_dual_check(tmp_path, expected):
    study = load_study()
    comp = write_compounds_csv(tmp_path / "compounds.csv", study.demand)
    party = write_party_grids(tmp_path / "party.geojson", study.grids)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _ok(at)
    at.radio(key="page_zh").set_value("data").run()
    for kind, path, mime in (("compounds", comp, "text/csv"), ("party_grids", party, "application/geo+json")):
        at.selectbox(key="upload_kind_zh").set_value(kind).run()
        _ok(at)
        at.file_uploader(key=f"uploader_{kind}").set_value((path.name, path.read_bytes(), mime)).run()
        _ok(at)
        at.button(key="use_layer").click().run()
        _ok(at)
        assert kind in at.session_state["uploads"]
    at.radio(key="page_zh").set_value("coverage").run()
    _ok(at)
    at.radio(key="level_pick").set_value("compound").run()
    _ok(at)
    comp_t = _frame(at, "小区")
    given = pd.read_csv(comp, encoding="utf-8-sig")
    assert len(comp_t) == len(given) > 0
    # point compounds without households: estimated
    assert comp_t["户数"].str.endswith("*").sum() == given["户数(户)"].isna().sum() > 0
    dual = _frame(at, "编号")  # first table with 编号 is the gap table
    assert len(dual)
    texts = "\n".join(str(c.value) for c in at.caption)
    assert "完全融合" in texts and f"治理网格 {len(study.grids)} 个" in texts
    kinds = [d.value for d in at.dataframe if "情况" in d.value.columns]
    assert kinds and len(kinds[0]) > 0 and kinds[0]["居民（人）"].sum() > 0
    # the headline figures are unchanged by these optional layers
    shown = [m.value for m in at.metric]
    assert shown[0] == f"{expected.summary.covered_share * 100:.1f}%"
