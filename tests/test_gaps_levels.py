"""Issue 14: gap units, level tables (street → community → compound → grid), party grids and 双网融合."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dual_grid import dual_grid_check
from analysis.gaps import MAX_UNIT_SIDE_M, gap_units, unit_labels, whole_persons
from analysis.levels import PERSONS_PER_HOUSEHOLD, level_tables
from analysis.params import WalkParams
from tests.level_layers import party_grids_from, write_compounds_csv, write_grids_with_party_fields, write_party_grids

CRS = "EPSG:32651"


# -- unit level: synthetic lattices ------------------------------------------------------------


def _lattice(nx: int, ny: int, cell: float = 100.0, x0: float = 500_000.0, y0: float = 3_300_000.0):
    ii, jj = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    x = x0 + (jj.ravel() + 0.5) * cell
    y = y0 + (ii.ravel() + 0.5) * cell
    return gpd.GeoDataFrame({"population": 10.0 + (ii.ravel() % 3)}, geometry=gpd.points_from_xy(x, y), crs=CRS)


def test_a_cluster_crossing_a_grid_line_becomes_two_units():
    d = _lattice(6, 3)  # 600 m × 300 m, all uncovered
    x = shapely.get_x(np.asarray(d.geometry.values))
    d["covered"] = False
    d["grid_id"] = np.where(x < 500_300, "G1", "G2")
    d["community"] = np.where(x < 500_300, "甲社区", "乙社区")
    gaps = gap_units(d, params=WalkParams())
    assert len(gaps) == 2
    assert set(gaps["grid_id"]) == {"G1", "G2"}
    assert gaps.groupby("grid_id")["community"].nunique().max() == 1
    assert gaps["population"].sum() == round(d["population"].sum())
    assert gaps["area_m2"].sum() == pytest.approx(18 * 100 * 100)


def test_a_large_cluster_is_cut_to_the_maximum_unit_size():
    d = _lattice(20, 12)  # 2 km × 1.2 km, one grid, all uncovered
    d["covered"] = False
    d["grid_id"] = "G1"
    d["community"] = "甲社区"
    gaps = gap_units(d, params=WalkParams())
    b = gaps.geometry.bounds
    assert ((b["maxx"] - b["minx"]) <= MAX_UNIT_SIDE_M + 1e-6).all()
    assert ((b["maxy"] - b["miny"]) <= MAX_UNIT_SIDE_M + 1e-6).all()
    assert len(gaps) >= 4 * 3
    assert gaps["population"].sum() == round(d["population"].sum())
    assert list(gaps["gap_id"][:2]) == ["GAP001", "GAP002"]
    assert (np.diff(gaps["population"].to_numpy()) <= 0).all()  # ranked


def test_separate_clusters_stay_separate_and_covered_cells_are_not_gaps():
    d = _lattice(9, 1)
    d["covered"] = [False, False, True, True, True, True, True, False, False]
    d["grid_id"] = "G1"
    d["community"] = "甲社区"
    gaps = gap_units(d, params=WalkParams())
    assert len(gaps) == 2 and (gaps["n_cells"] == 2).all()
    assert gaps["population"].sum() == round(d.loc[~d["covered"], "population"].sum())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 5000, allow_nan=False), min_size=1, max_size=60))
def test_whole_persons_add_up_to_the_rounded_total(values):
    v = np.array(values)
    w = whole_persons(v)
    assert w.sum() == round(v.sum())
    assert np.all(np.abs(w - v) < 1.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 25), st.integers(3, 25))
def test_units_never_span_two_groups_nor_exceed_the_size(seed, nx, ny):
    rng = np.random.default_rng(seed)
    xy = np.column_stack([(rng.integers(0, nx, 300) + 0.5) * 100.0, (rng.integers(0, ny, 300) + 0.5) * 100.0])
    xy = np.unique(xy, axis=0)
    group = (xy[:, 0] > rng.uniform(0, nx * 100)).astype(int) + 2 * (xy[:, 1] > rng.uniform(0, ny * 100)).astype(int)
    lab = unit_labels(xy, group, 100.0)
    df = pd.DataFrame({"lab": lab, "g": group, "x": xy[:, 0], "y": xy[:, 1]})
    per = df.groupby("lab").agg(ng=("g", "nunique"), w=("x", np.ptp), h=("y", np.ptp))
    assert (per["ng"] == 1).all()
    assert ((per["w"] + 100.0) <= MAX_UNIT_SIDE_M + 1e-6).all() and ((per["h"] + 100.0) <= MAX_UNIT_SIDE_M + 1e-6).all()


# -- the sample city ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def study():
    from analysis.study import load_study

    return load_study()


@pytest.fixture(scope="module")
def result(study):
    from analysis.study import run_study

    return run_study(study)


def test_sample_city_gap_rows_lie_in_one_community_and_grid_and_add_up(result):
    gaps, d = result.gaps, result.demand
    s = {k: getattr(result.summary, k) for k in ("uncovered_pop", "minutes")}
    assert gaps["population"].sum() == round(s["uncovered_pop"])
    # each uncovered resident point lies in the gap polygon of its own grid and community
    un = d[~d["covered"] & (d["population"] > 0)]
    pts = gpd.GeoDataFrame(un[["grid_id", "community"]], geometry=un.geometry.representative_point(), crs=d.crs)
    j = gpd.sjoin(pts, gaps[["gap_id", "grid_id", "community", "geometry"]], predicate="within", rsuffix="gap")
    assert j.index.nunique() == len(pts)  # every uncovered point is in a gap
    assert (j["grid_id_left"].astype(str) == j["grid_id_gap"].astype(str)).all()
    assert (j["community_left"] == j["community_gap"]).all()
    # and the gap polygon stays inside its grid polygon
    grid_geom = gaps["grid_id"].map(dict(zip(result.grids["grid_id"], result.grids.geometry)))
    outside = shapely.area(shapely.difference(np.asarray(gaps.geometry.values), np.asarray(grid_geom.values)))
    assert outside.max() < 1.0
    # the largest row is a small share of the uncovered residents (was 98% before issue 14)
    assert gaps["population"].iloc[0] / s["uncovered_pop"] < 0.05
    # walking minutes are network minutes from the gap's centre: beyond the threshold, with a center
    reach = gaps["walk_min"].notna()
    assert reach.mean() > 0.9
    assert (gaps.loc[reach, "walk_min"] > s["minutes"] - 1e-6).all()
    assert gaps.loc[reach, "beyond_min"].to_numpy() == pytest.approx(gaps.loc[reach, "walk_min"].to_numpy() - s["minutes"])
    assert gaps.loc[reach, "nearest_center"].isin(result.centers["center_id"]).all()
    assert (gaps["name"].astype(str).str.len() > 0).all()


def test_sample_city_level_tables_add_up(result):
    levels = level_tables(result)
    assert set(levels) == {"street", "community", "grid"}
    total = round(result.summary.total_pop)
    for key, t in levels.items():
        assert abs(int(t["population"].sum()) - total) <= 0, key
        assert (t["covered_pop"] + t["uncovered_pop"] == t["population"]).all()
        assert pd.api.types.is_integer_dtype(t["population"])
    # households: the sample grids give them (not estimated), gaps carry prorated (estimated) households
    assert not levels["grid"]["households_estimated"].any()
    assert levels["grid"]["households"].sum() == result.grids["households"].sum()
    assert result.gaps["households_estimated"].all()
    ratio = result.gaps["population"].sum() / result.gaps["households"].sum()
    assert 2.0 < ratio < 3.2
    # grid popup figures
    g = result.grids
    assert {"households", "median_min", "nearest_center"} <= set(g.columns)


def test_what_if_keeps_gap_units_consistent(result, study):
    from analysis.whatif import with_new_sites

    gaps = result.gaps
    site = gpd.GeoDataFrame(geometry=[gaps.geometry.iloc[0].representative_point()], crs=gaps.crs)
    after = with_new_sites(result, study.network, site)
    assert after.gaps["population"].sum() == round(after.summary.uncovered_pop)
    assert after.summary.uncovered_pop < result.summary.uncovered_pop
    assert not after.grids["households_estimated"].any()


# -- compounds, party grids, 双网融合 ------------------------------------------------------------


def test_dual_grid_identical_layers_are_all_fused(result, study):
    chk = dual_grid_check(study.grids, study.grids, result.demand)
    assert chk.summary["n_fused"] == len(study.grids)
    assert len(chk.pieces) == 0 and chk.summary["disagree_pop"] == 0


def test_dual_grid_merged_pairs_disagree_by_the_unmatched_grids(result, study):
    party = party_grids_from(study.grids).rename(columns={"编号": "id", "党建网格名称": "name"})
    chk = dual_grid_check(study.grids, party, result.demand)
    s = chk.summary
    n_pairs = len(party)
    assert s["n_party_grids"] == n_pairs and s["n_grids"] == len(study.grids)
    # every merged pair leaves one governance grid unmatched both ways: it is listed as a piece
    merged = len(study.grids) - n_pairs
    other = chk.pieces[chk.pieces["kind"] == "other_party_grid"]
    assert other["grid_id"].nunique() == merged
    # residents of the pieces: those of the listed grids (from the same demand)
    d = result.demand
    listed = d[d["grid_id"].astype(str).isin(other["grid_id"])]["population"].sum()
    assert s["disagree_pop"] == pytest.approx(listed, abs=len(other))
    assert 0 < s["disagree_share_area"] < 1
    assert s["n_fused"] < len(study.grids)


def test_compounds_read_from_the_template_headers(tmp_path, study):
    from geo.readers import read_layer

    path = write_compounds_csv(tmp_path / "compounds.csv", study.demand)
    res = read_layer(path, "compounds")
    c = res.gdf
    assert len(c) == len(pd.read_csv(path, encoding="utf-8-sig")) > 0  # every row of the template is read
    assert {"old_compound", "property_management", "party_branch", "households", "population"} <= set(c.columns)
    assert c["old_compound"].iloc[0] is True or c["old_compound"].iloc[0] == True  # noqa: E712  (是 → True)
    assert c["property_management"].iloc[0] == False  # noqa: E712  (无 → False)


@pytest.fixture(scope="module")
def level_files(tmp_path_factory, study):
    folder = tmp_path_factory.mktemp("levels")
    return {
        "compounds": write_compounds_csv(folder / "compounds.csv", study.demand),
        "party_grids": write_party_grids(folder / "party_grids.geojson", study.grids),
        "grids": write_grids_with_party_fields(folder / "grids.geojson", study.grids),
    }


@pytest.fixture(scope="module")
def cli_run(level_files, tmp_path_factory, capsys_module=None):
    from cli.main import main

    out = tmp_path_factory.mktemp("cov14") / "coverage.gpkg"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["coverage", "--grids", str(level_files["grids"]), "--compounds", str(level_files["compounds"]),
                     "--party-grids", str(level_files["party_grids"]), "--out", str(out)])
    return code, buf.getvalue(), out


def test_cli_lists_top_gaps_and_writes_level_layers(cli_run, level_files):
    code, text, out = cli_run
    assert code == 0
    assert "GAP001" in text and "GAP010" in text and "GAP011" not in text
    assert "覆盖缺口" in text and "覆盖盲区" not in text
    assert "双网融合" in text
    assert "个百分点" in text  # straight-line comparison as % and percentage points
    names = {n for n, _ in pyogrio.list_layers(out)}
    assert {"level_street", "level_community", "level_grid", "level_compound", "compounds", "dual_grid",
            "dual_grid_grids", "gaps"} <= names
    comp = pyogrio.read_dataframe(out, layer="level_compound")
    given = pd.read_csv(level_files["compounds"], encoding="utf-8-sig")
    assert len(comp) == len(given) > 0
    est = comp["households_estimated"].astype(bool)
    no_households = given["户数(户)"].isna()
    assert est.sum() == no_households.sum() > 0  # the point compounds have no households: estimated
    pts = comp[est]
    assert (pts["households"] == (pts["population"].fillna(0) / PERSONS_PER_HOUSEHOLD).round()).all() or pts["population"].isna().all()
    covered = comp["covered"].astype(bool)
    assert (comp.loc[covered, "walk_min"] <= 8.0 + 1e-6).all() and (comp.loc[~covered & comp["walk_min"].notna(), "walk_min"] > 8.0).all()
    grid = pyogrio.read_dataframe(out, layer="level_grid")
    assert {"party_branch", "grid_worker", "party_members"} <= set(grid.columns)
    assert grid["party_branch"].notna().all()
    dual = pyogrio.read_dataframe(out, layer="dual_grid")
    assert len(dual) > 0 and dual["population"].sum() > 0


def test_cli_refuses_a_bad_compounds_file_without_traceback(tmp_path, capsys):
    from cli.main import main

    bad = tmp_path / "compounds.csv"
    bad.write_text("小区名称,户数\n甲,100\n", encoding="utf-8")
    code = main(["coverage", "--compounds", str(bad), "--out", str(tmp_path / "x.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and ("坐标" in err or "WKT" in err)


def test_report_has_gap_rows_levels_and_dual_section(level_files, tmp_path):
    from openpyxl import load_workbook

    from analysis.report import build_report
    from analysis.study import load_study, run_study

    st_ = load_study(grids=level_files["grids"], compounds=level_files["compounds"], party_grids=level_files["party_grids"])
    res = run_study(st_)
    paths = build_report(res, ["xlsx", "html"], "zh", tmp_path)
    wb = load_workbook(paths["xlsx"])
    for sheet in ("街道覆盖", "社区覆盖", "小区覆盖", "网格覆盖", "双网融合", "网格配对", "覆盖缺口"):
        assert sheet in wb.sheetnames, sheet
    rows = list(wb["覆盖缺口"].iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert total[5] == round(res.summary.uncovered_pop)
    html = paths["html"].read_text(encoding="utf-8")
    assert "双网融合检查" in html and "GAP001" in html and "个百分点" in html
    assert "覆盖盲区" not in html
