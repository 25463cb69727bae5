"""The app's pages without a browser (streamlit AppTest): the figures shown equal the engine's.

AppTest cannot look inside the map component; the map itself is covered by
tests/test_maps.py (ui/maps: layers, styles, popups) and tests/test_browser.py (real browser).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.params import WalkParams
from analysis.sample_city import load_sample_city
from analysis.study import load_study, run_study
from analysis.whatif import with_new_sites
from ui import fmt

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


# --------------------------------------------------------------------------- engine side


def _sites(city, stations=None) -> gpd.GeoDataFrame:  # city: SampleCity or Study
    """Centers and red stations as the engine's centers layer (ids from the layers)."""
    crs = city.network.crs
    c = city.centers.to_crs(crs).assign(center_id=lambda d: d["id"].astype(str), kind="center")
    s = (city.stations if stations is None else stations).to_crs(crs)
    s = s.assign(center_id=s["id"].astype(str) if "id" in s else [f"S{i + 1:03d}" for i in range(len(s))], kind="station")
    out = pd.concat([c, s], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs)


def _expected(minutes=8.0, speed=4.5, stations=None, include_stations=False):
    """What the CLI computes (load_study + run_study); red stations counted as sites only if asked."""
    study = load_study()
    sites = _sites(study, stations) if include_stations else study.centers.assign(center_id=study.centers["id"].astype(str))
    return run_study(replace(study, centers=sites), WalkParams(minutes=minutes, speed_kmh=speed))


@pytest.fixture(scope="module")
def base():
    return _expected()


# --------------------------------------------------------------------------- helpers


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _no_crash(at)
    return at


def _no_crash(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def _shown_headline(at: AppTest) -> dict[str, str]:
    vals = _metrics(at)
    assert len(vals) == 5, vals
    return dict(zip(("share", "uncovered", "median", "p90", "overstatement"), vals))


def _headline_from_data(result, lang: str = "zh") -> dict[str, str]:
    """The five headline figures computed here from the run's demand rows (population, walking
    time, straight-line flag), not with the app's formatter ``ui.fmt`` or the engine's summary."""
    d = result.demand
    pop = d["population"].to_numpy(dtype=float)
    t_min = d["time_min"].to_numpy(dtype=float)
    covered = np.isfinite(t_min) & (t_min <= result.params.minutes + 1e-9)
    total, cov = pop.sum(), pop[covered].sum()
    circle = pop[d["within_circle"].to_numpy(dtype=bool)].sum()

    def quantile(q):  # population-weighted, lower value at the q-th share of residents
        keep = pop > 0
        order = np.argsort(t_min[keep], kind="stable")
        cum = np.cumsum(pop[keep][order])
        return t_min[keep][order][min(int(np.searchsorted(cum, q * cum[-1])), keep.sum() - 1)]

    def walk(x):
        return "∞" if np.isinf(x) else (f"{x:.1f} 分钟" if lang == "zh" else f"{x:.1f} min")

    rel, pp = (circle / cov - 1) * 100, (circle - cov) / total * 100
    return {
        "share": f"{cov / total * 100:.1f}%",
        "uncovered": f"{round(total - cov):,}" + (" 人" if lang == "zh" else ""),
        "median": walk(quantile(0.5)),
        "p90": walk(quantile(0.9)),
        "overstatement": f"{rel:+.1f}%（{pp:+.1f} 个百分点）" if lang == "zh" else f"{rel:+.1f}% ({pp:+.1f} percentage points)",
    }


def _texts(at: AppTest) -> str:
    parts = [c.value for c in at.caption] + [m.value for m in at.markdown] + [x.value for x in at.info]
    parts += [x.value for x in at.warning] + [x.value for x in at.success] + [x.value for x in at.error]
    return "\n".join(str(p) for p in parts)


# --------------------------------------------------------------------------- coverage page


def test_default_page_shows_the_engine_figures_and_the_demo_label(base):
    at = _app()
    assert at.title[0].value == "覆盖分析"
    assert _shown_headline(at) == _headline_from_data(base, "zh")
    # the values are real numbers, not placeholders
    assert _shown_headline(at)["share"] == f"{base.summary.covered_share * 100:.1f}%"
    assert "示例数据" in _texts(at)
    assert f"{base.summary.circle_overstatement_pct:.1f}%" in _texts(at)
    # per-community table, worst first, equal to the engine's table
    table = at.dataframe[0].value
    assert list(table["社区"]) == list(base.communities["community"])
    assert np.allclose(table["覆盖率"].to_numpy(), (base.communities["covered_share"] * 100).round(1).to_numpy())
    assert table["覆盖率"].is_monotonic_increasing
    assert int(table["未覆盖"].sum()) == pytest.approx(base.summary.uncovered_pop, abs=len(table))


def test_minutes_and_elderly_speed_change_the_figures():
    at = _app()
    at.select_slider(key="minutes").set_value(10)
    at.radio(key="speed_preset_zh").set_value("elderly")
    at.run()
    _no_crash(at)
    exp = _expected(10.0, 3.0)
    assert _shown_headline(at) == _headline_from_data(exp, "zh")
    assert at.metric[0].label == "10 分钟内可达居民占比"
    # elderly walkers at 10 minutes reach 500 m: fewer residents than adults at 8 minutes (600 m)
    assert exp.summary.covered_share < _expected().summary.covered_share


def _gap_point_wgs84(result, i: int = 0) -> tuple[float, float]:
    """A spot inside the i-th most populous coverage gap (lon, lat)."""
    p = gpd.GeoSeries([result.gaps.geometry.iloc[i].representative_point()], crs=result.crs).to_crs(4326)
    return float(p.x.iloc[0]), float(p.y.iloc[0])


def test_whatif_click_adds_a_center_and_the_figures_follow_the_engine(base):
    at = _app()
    at.radio(key="whatif_mode_zh").set_value("center").run()
    lon, lat = _gap_point_wgs84(base)
    # what st_folium hands back after a click on the map
    at.session_state["covmap"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    _no_crash(at)
    props = at.session_state["proposals"]
    assert len(props) == 1 and props[0]["kind"] == "center"
    # snapped onto a street near the click
    city = load_sample_city()
    snapped = gpd.GeoDataFrame(geometry=gpd.points_from_xy([props[0]["lon"]], [props[0]["lat"]]), crs=4326)
    streets = city.network.edges_gdf()
    assert float(streets.distance(snapped.to_crs(streets.crs).geometry.iloc[0]).min()) < 0.5
    assert props[0]["access_m"] <= WalkParams().max_access_m
    # the click was snapped once; its street position (segment, offset, access) travels with the site
    from geo.snapping import SNAP_COLUMNS, snap_sites

    assert all(props[0][c] is not None for c in SNAP_COLUMNS)
    clicked = gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs=4326)
    site = clicked.assign(center_id="P1", **{c: [props[0][c]] for c in SNAP_COLUMNS})
    kept = snap_sites(city.network, site)
    assert int(kept.edge[0]) == props[0]["snap_edge"] and kept.access_m[0] == props[0]["access_m"]
    exp = with_new_sites(base, city.network, site)
    assert float(exp.centers["access_m"].iloc[-1]) == pytest.approx(props[0]["access_m"])
    assert _shown_headline(at) == _headline_from_data(exp, "zh")
    assert exp.summary.covered_pop > base.summary.covered_pop
    assert at.metric[0].delta and at.metric[0].delta.startswith("+")
    table = at.dataframe[0].value
    assert list(table["ID"]) == ["P1"]
    comm = at.dataframe[1].value
    assert "推演后覆盖率" in comm.columns and (comm["变化（百分点）"] >= 0).all() and (comm["变化（百分点）"] > 0).any()
    # the same click again does nothing; removing the site brings back the base figures
    at.run()
    assert len(at.session_state["proposals"]) == 1
    at.button(key="remove_proposal").click().run()
    _no_crash(at)
    assert at.session_state["proposals"] == []
    assert _shown_headline(at) == _headline_from_data(base, "zh")


def test_whatif_by_coordinates_and_a_click_in_the_lake_is_refused(base):
    at = _app()
    lon, lat = _gap_point_wgs84(base)
    at.number_input(key="add_lon").set_value(round(lon, 5))
    at.number_input(key="add_lat").set_value(round(lat, 5))
    at.selectbox(key="add_kind_zh").set_value("center")
    # submit the form
    [b for b in at.button if b.label == "添加"][0].click().run()
    _no_crash(at)
    props = at.session_state["proposals"]
    assert len(props) == 1 and props[0]["kind"] == "center"
    city = load_sample_city()
    # the entered position is the site (snapped once, its access distance counted), not its street point
    pt = gpd.GeoDataFrame(geometry=gpd.points_from_xy([round(lon, 5)], [round(lat, 5)]), crs=4326)
    exp = with_new_sites(base, city.network, pt)
    assert _shown_headline(at) == _headline_from_data(exp, "zh")
    # the middle of West Lake is far from any street: refused with a message, nothing added
    at.radio(key="whatif_mode_zh").set_value("station").run()
    at.session_state["covmap"] = {"last_clicked": {"lat": 30.2465, "lng": 120.1445}}
    at.run()
    _no_crash(at)
    assert len(at.session_state["proposals"]) == 1
    assert "无法作为站点" in _texts(at)


def test_english_switch_keeps_the_choices():
    at = _app()
    at.radio(key="speed_preset_zh").set_value("elderly").run()
    elderly = _headline_from_data(_expected(8.0, 3.0), "en")
    at.radio(key="lang").set_value("en").run()
    _no_crash(at)
    # the same choices, now drawn with English labels (one widget key per language)
    assert at.radio(key="page_en").value == "coverage"
    assert at.radio(key="speed_preset_en").value == "elderly"
    assert "Elderly (3.0 km/h)" in at.radio(key="speed_preset_en").options
    assert _shown_headline(at) == elderly
    assert at.title[0].value == "Coverage"
    assert at.metric[0].label == "Residents within 8 min"
    assert at.metric[1].label == "Uncovered residents"
    assert "Sample data" in _texts(at)
    assert "Community" in at.dataframe[0].value.columns


def test_unexpected_errors_show_a_short_message_not_a_traceback(monkeypatch):
    import analysis.study

    def boom(*a, **k):
        raise RuntimeError("internal detail that must not reach the user")

    monkeypatch.setattr(analysis.study, "run_study", boom)
    at = _app()  # default settings are cached from other tests or computed here
    at.radio(key="speed_preset_zh").set_value("custom").run()
    at.number_input(key="speed_custom").set_value(2.3)  # never computed before: the engine is called
    at.run()
    _no_crash(at)
    shown = _texts(at)
    assert "出现意外错误" in shown and "internal detail" not in shown

    from geo.errors import ParameterError

    def refuse(*a, **k):
        raise ParameterError("Walking speed must be between 0.5 and 10 km/h (got 2.4).")

    monkeypatch.setattr(analysis.study, "run_study", refuse)
    at.number_input(key="speed_custom").set_value(2.4)
    at.run()
    _no_crash(at)
    assert "Walking speed must be between" in _texts(at)


# --------------------------------------------------------------------------- data page

GOOD_CSV = "名称,经度,纬度,饮水机,开放时间\n测试驿站A,120.1650,30.2580,是,09:00-18:00\n测试驿站B,120.1700,30.2620,否,\n"


def _data_page() -> AppTest:
    at = _app()
    at.radio(key="page_zh").set_value("data").run()
    _no_crash(at)
    at.selectbox(key="upload_kind_zh").set_value("stations").run()
    return at


def test_upload_good_file_shows_what_was_read_then_is_used_in_the_analysis():
    at = _data_page()
    at.file_uploader(key="uploader_stations").set_value(("my_stations.csv", GOOD_CSV.encode("utf-8"), "text/csv")).run()
    _no_crash(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown["要素数量"] == "2"
    assert any("识别的坐标系" in m.value and "EPSG:4326" in m.value and "WGS-84" in m.value for m in at.markdown)
    assert "未发现问题" in _texts(at) or "提示" in _texts(at)
    preview = at.dataframe[-1].value
    assert list(preview["名称"]) == ["测试驿站A", "测试驿站B"]  # the Chinese UI shows Chinese headers
    assert not {"name", "address", "community"} & set(preview.columns), list(preview.columns)
    at.button(key="use_layer").click().run()
    _no_crash(at)
    sources = at.dataframe[0].value
    row = sources[sources["图层类型"] == "红色驿站"].iloc[0]
    assert row["当前数据"] == "my_stations.csv" and row["要素数量"] == 2
    # the coverage page now measures with the uploaded stations
    at.radio(key="page_zh").set_value("coverage").run()
    _no_crash(at)
    from geo.readers import read_layer_bytes

    at.checkbox(key="include_stations").check().run()
    _no_crash(at)
    up = read_layer_bytes(GOOD_CSV.encode("utf-8"), "my_stations.csv", "stations").gdf
    exp = _expected(stations=up, include_stations=True)
    assert _shown_headline(at) == _headline_from_data(exp, "zh")


def test_upload_bad_file_is_refused_with_a_message_and_not_used(base):
    at = _data_page()
    at.file_uploader(key="uploader_stations").set_value(("broken.csv", b"\x00\x01\x02garbage\xff", "text/csv")).run()
    _no_crash(at)
    errors = [e.value for e in at.error]
    assert any("broken.csv" in e for e in errors)
    assert any("不能使用" in e for e in errors)
    assert not any(b.key == "use_layer" for b in at.button)
    bad_rows = "名称,经度,纬度\n没有坐标的驿站,,\n另一个,abc,30.25\n"
    at.file_uploader(key="uploader_stations").set_value(("rows.csv", bad_rows.encode("utf-8"), "text/csv")).run()
    _no_crash(at)
    assert at.error, "every row is unusable: the page must say so"
    assert not any(b.key == "use_layer" for b in at.button)
    assert "stations" not in at.session_state["uploads"]


# --------------------------------------------------------------------------- siting / reports


def test_siting_and_report_pages_show_no_numbers_before_they_run():
    at = _app()
    for page, title, action in (("siting", "选址优化", "run_siting"), ("reports", "报告", "make_report")):
        at.radio(key="page_zh").set_value(page).run()
        _no_crash(at)
        assert at.title[0].value == title
        assert any(b.key == action for b in at.button), "the page offers its action"
        assert not at.metric, "no figures before the planner runs anything"


def test_online_basemaps_are_options_and_amap_clicks_are_shifted_back(base):
    at = _app()
    at.selectbox(key="basemap_zh").set_value("tianditu").run()
    _no_crash(at)
    assert "天地图需要密钥" in _texts(at) and "在线底图需要联网" in _texts(at)
    at.selectbox(key="basemap_zh").set_value("amap").run()
    _no_crash(at)
    assert _shown_headline(at) == _headline_from_data(base, "zh")  # the basemap never changes the analysis
    # a click on the GCJ-02 map is turned back into WGS-84 before snapping
    from geo.coords import wgs84_to_gcj02

    lon, lat = _gap_point_wgs84(base)
    glon, glat = wgs84_to_gcj02(lon, lat)
    at.radio(key="whatif_mode_zh").set_value("station").run()
    at.session_state["covmap"] = {"last_clicked": {"lat": float(glat), "lng": float(glon)}}
    at.run()
    _no_crash(at)
    p = at.session_state["proposals"][0]
    assert abs(p["click_lon"] - lon) < 1e-6 and abs(p["click_lat"] - lat) < 1e-6


def test_upload_with_some_bad_rows_lists_every_problem_before_use():
    at = _data_page()
    csv = "名称,经度,纬度,饮水机\n驿站A,120.165,30.258,是\n驿站B,120.170,30.262,也许\n驿站C,,30.262,否\n"
    at.file_uploader(key="uploader_stations").set_value(("mixed.csv", csv.encode("utf-8"), "text/csv")).run()
    _no_crash(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown["要素数量"] == "2" and shown["读取行数"] == "3"
    assert any("1 个错误" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if "行号" in d.value.columns)
    assert 4 in set(problems["行号"].dropna().astype(int))   # 驿站C has no position (CSV line 4)
    assert 3 in set(problems["行号"].dropna().astype(int))   # "也许" is not yes/no (CSV line 3)
    # nothing is used until the planner confirms
    assert "stations" not in at.session_state["uploads"]
    assert any(b.key == "use_layer" for b in at.button)


def test_whatif_site_can_be_moved_by_clicking(base):
    at = _app()
    at.radio(key="whatif_mode_zh").set_value("center").run()
    lon, lat = _gap_point_wgs84(base)
    at.session_state["covmap"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    first = dict(at.session_state["proposals"][0])
    at.radio(key="whatif_mode_zh").set_value("move").run()
    # move it to the second most populous gap
    lon2, lat2 = _gap_point_wgs84(base, 1)
    at.session_state["covmap"] = {"last_clicked": {"lat": lat2, "lng": lon2}}
    at.run()
    _no_crash(at)
    props = at.session_state["proposals"]
    assert len(props) == 1 and props[0]["id"] == first["id"] and props[0]["kind"] == "center"
    assert abs(props[0]["click_lon"] - lon2) < 1e-9 and (props[0]["lon"], props[0]["lat"]) != (first["lon"], first["lat"])
    city = load_sample_city()
    # the site moved to the second click, snapped there once (its access distance counted)
    pt = gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon2], [lat2]), crs=4326)
    exp = with_new_sites(base, city.network, pt)
    assert _shown_headline(at) == _headline_from_data(exp, "zh")


def test_default_is_the_clis_run_and_red_stations_count_only_when_asked(base):
    at = _app()
    exp = run_study(load_study(), WalkParams())  # exactly the CLI's default run: service centers only
    assert _shown_headline(at) == _headline_from_data(exp, "zh")
    assert exp.summary.n_centers == len(load_sample_city().centers)
    # a proposed red station does not change the residents' figures while stations do not count
    at.radio(key="whatif_mode_zh").set_value("station").run()
    lon, lat = _gap_point_wgs84(base)
    at.session_state["covmap"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    _no_crash(at)
    assert len(at.session_state["proposals"]) == 1
    assert _shown_headline(at) == _headline_from_data(exp, "zh")
    at.checkbox(key="include_stations").check().run()
    _no_crash(at)
    with_stations = _expected(include_stations=True)
    assert with_stations.summary.covered_pop > exp.summary.covered_pop
    city = load_sample_city()
    # the clicked station, snapped once where it was placed
    pt = gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs=4326)
    assert _shown_headline(at) == _headline_from_data(with_new_sites(with_stations, city.network, pt), "zh")


# --------------------------------------------------------------------------- reports


def _xlsx_values(data: bytes) -> dict[str, dict]:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {name: {r[0]: r[1] for r in wb[name].iter_rows(values_only=True) if r and r[0] is not None}
            for name in wb.sheetnames}


def _xlsx_cells(data: bytes) -> list:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [v for name in wb.sheetnames for r in wb[name].iter_rows(values_only=True) for v in r if v is not None]


def _xlsx_rows(data: bytes) -> list[tuple]:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [r for name in wb.sheetnames for r in wb[name].iter_rows(values_only=True) if r and r[0] is not None]


def _reports_page(at: AppTest, formats=("xlsx",)) -> AppTest:
    at.radio(key="page_zh").set_value("reports").run()
    _no_crash(at)
    for f in ("pdf", "html", "xlsx", "gpkg"):
        at.checkbox(key=f"report_fmt_{f}").set_value(f in formats)
    return at.run()


def test_report_download_holds_the_engine_figures(base):
    at = _reports_page(_app())
    at.button(key="make_report").click().run()
    _no_crash(at)
    made = at.session_state["report_files"]
    name, data = made["files"]["xlsx"]
    assert name == "servicecircle_report_zh.xlsx"
    assert [b.label for b in at.get("download_button")] == ["下载 XLSX"]
    head = _xlsx_values(data)["主要结论"]
    assert head["覆盖率"] == pytest.approx(base.summary.covered_share, abs=1e-9)
    assert head["未覆盖居民"] == pytest.approx(base.summary.uncovered_pop, rel=1e-9)
    assert "示例数据" in " ".join(str(k) for k in head)


def test_report_with_the_whatif_sites_as_the_proposal(base):
    at = _app()
    at.radio(key="whatif_mode_zh").set_value("center").run()
    lon, lat = _gap_point_wgs84(base)
    at.session_state["covmap"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    assert len(at.session_state["proposals"]) == 1
    at = _reports_page(at)
    at.radio(key="report_proposal_zh").set_value("whatif").run()
    at.button(key="make_report").click().run()
    _no_crash(at)
    city = load_sample_city()
    p = at.session_state["proposals"][0]
    # the clicked site, snapped once where it was placed
    after = with_new_sites(base, city.network,
                           gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs=4326))
    data = at.session_state["report_files"]["files"]["xlsx"][1]
    assert "拟建党群服务中心1" in _xlsx_cells(data)  # the proposed site is listed
    # the before/after row: the base run and the engine's what-if run (residents, rounded)
    rows = _xlsx_rows(data)
    covered = next(r for r in rows if str(r[0]).startswith("阈值内可达居民") and len(r) >= 3)
    assert covered[1] == round(base.summary.covered_pop) and covered[2] == round(after.summary.covered_pop)
    assert after.summary.covered_pop > base.summary.covered_pop


# --------------------------------------------------------------------------- siting


def test_siting_page_proposes_sites_with_the_engine_and_feeds_whatif_and_report(base):
    from analysis.siting.api import SitingParams, run_siting

    at = _app()
    at.radio(key="page_zh").set_value("siting").run()
    _no_crash(at)

    at.number_input(key="siting_k").set_value(2)
    at.radio(key="siting_solver_zh").set_value("greedy")
    at.button(key="run_siting").click().run()
    _no_crash(at)
    study = load_study()
    existing = study.centers.to_crs(study.network.crs).assign(  # service centers only, the default
        center_id=lambda d: d["id"].astype(str), kind="center")
    exp = run_siting(study.network, "center", existing, study.demand, study.candidates, 2, problem="mclp",
                     solver="greedy", params=SitingParams(walk=WalkParams()), grids=study.grids,
                     communities=study.communities)
    table = at.dataframe[0].value
    names = exp.sites["name"].astype(str).tolist()
    assert len(names) == 2 and table["名称"].tolist() == names
    assert table["新增覆盖居民"].tolist() == exp.sites["marginal"].round(0).tolist()
    shown = {m.label: m.value for m in at.metric}
    assert shown["选址后覆盖率"] == f"{exp.summary.share_after * 100:.1f}%"
    assert shown["选址前覆盖率"] == f"{exp.summary.share_before * 100:.1f}%"
    # the siting run counts the same residents as the coverage page
    assert exp.summary.share_before == pytest.approx(base.summary.covered_share, abs=1e-9)
    # the chosen sites go to the what-if list ...
    at.button(key="siting_to_whatif").click().run()
    _no_crash(at)
    assert [p["name"] for p in at.session_state["proposals"]] == names
    # ... and into the report as its proposal (新增站点方案 with before/after)
    at = _reports_page(at)
    at.radio(key="report_proposal_zh").set_value("siting").run()
    at.button(key="make_report").click().run()
    _no_crash(at)
    cells = _xlsx_cells(at.session_state["report_files"]["files"]["xlsx"][1])
    assert all(n in cells for n in names)


def test_every_interface_string_exists_in_both_languages():
    """A missing key would show its raw name on a page: check every key the pages use."""
    import re

    from ui import i18n, page_coverage, page_data, page_siting, shell

    root = Path(__file__).resolve().parent.parent / "ui"
    used = set()
    for f in root.glob("*.py"):
        used |= set(re.findall(r'\bt\(\s*"([a-z0-9_\-]+)"\s*[,)]', f.read_text(encoding="utf-8")))
    dynamic = (
        [f"page_{p}" for p in shell.PAGES] + [f"layer_{k}" for k in shell.LAYER_CHOICES]
        + [f"basemap_{b}" for b in shell.BASEMAPS] + [f"speed_{v}" for v in ("normal", "elderly", "custom")]
        + [f"mode_{m}" for m in page_coverage.MODES] + [f"kind_{k}" for k in page_data.KINDS + ("center", "station")]
        + [f"coords_{c}" for c in page_data.COORD_CHOICES] + [f"siting_kind_{k}" for k in page_siting.KINDS]
        + [f"problem_{p}" for p in page_siting.PROBLEMS] + [f"solver_{s}" for s in page_siting.SOLVERS]
        + [f"cand_{c}" for c in page_siting.CAND_SOURCES] + [f"covered_share_kind_{k}" for k in page_siting.KINDS]
        + [f"status_{s}" for s in ("optimal", "time_limit", "greedy", "trivial")]
        + [f"report_proposal_{o}" for o in ("none", "whatif", "siting")]
    )
    missing = sorted(k for k in used | set(dynamic) if not i18n.has(k))
    assert not missing, missing
    for k in used | set(dynamic):
        zh, en = i18n.t(k, "zh"), i18n.t(k, "en")
        assert zh and en, k


def test_every_page_in_english():
    at = _app()
    at.radio(key="lang").set_value("en").run()
    for page, title in (("data", "Data"), ("siting", "Siting"), ("reports", "Reports"),
                        ("lists", "Three lists · road adoption · demonstration areas"), ("coverage", "Coverage")):
        at.radio(key="page_en").set_value(page).run()
        _no_crash(at)
        assert at.title[0].value == title
        assert not at.error, [e.value for e in at.error]


def test_isochrone_chips_follow_the_language():
    """The sidebar's isochrone minutes read 分钟 in Chinese and min in English (one key per language)."""
    at = _app()
    zh = at.multiselect(key="iso_thresholds_zh")
    assert zh.value == [5, 8, 10, 15] and all("分钟" in o for o in zh.options)
    at.radio(key="lang").set_value("en").run()
    en = at.multiselect(key="iso_thresholds_en")
    assert en.value == [5, 8, 10, 15] and all(o.endswith("min") and "分钟" not in o for o in en.options)


def test_lists_page_shows_the_engines_lists_adoption_and_makes_the_guide_map():
    """三张清单 page: the figures are build_lists / adopt_roads on the sample layers; guide map on a click."""
    from analysis.adoption import adopt_roads
    from analysis.lists import build_lists
    from analysis.party_inputs import load_party_layers

    city = load_sample_city()
    layers = load_party_layers(osm_features=city.features)
    lists = build_lists(city.network, layers.units, layers.needs, layers.projects).summary
    adopt = adopt_roads(city.network, layers.units, area=layers.demo_areas, rivers=layers.rivers).summary
    at = _app()
    at.radio(key="page_zh").set_value("lists").run()
    _no_crash(at)
    assert at.title[0].value == "三张清单 · 门前三包 · 示范区"
    vals = _metrics(at)
    assert vals[:5] == [str(lists["n_needs"]), str(lists["n_matched"]), str(lists["n_unmatched"]),
                        str(lists["n_resources"]), f"{lists['n_projects_claimed']} / {lists['n_projects']}"]
    assert vals[6] == f"{adopt['adopted_union_m']:,.0f} m"
    assert "示例数据" in _texts(at)
    at.button(key="guide_make").click().run()
    _no_crash(at)
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("download_button")) >= 3   # lists XLSX, guide map PDF and PNG


def test_worker_mode_shows_a_proposed_red_station_effect():
    """Issue 15: the outdoor-worker switch; a proposed red station changes the worker figures (as the engine
    computes them); in residents mode the page says the station counts for workers."""
    from analysis.worker_coverage import run_worker_coverage
    from analysis.worker_demand import study_worker_points

    study = load_study()
    workers = study_worker_points(study)
    before = run_worker_coverage(study.network, study.stations, workers, 1000.0, study_area=study.grids, with_reach=False)
    gap = before.busy_gaps.sort_values("length_m", ascending=False).geometry.iloc[0]
    spot = gpd.GeoSeries([gap.interpolate(0.5, normalized=True)], crs=before.crs).to_crs(4326)
    at = _app()
    at.radio(key="cov_for_zh").set_value("workers").run()
    _no_crash(at)
    vals = _metrics(at)
    assert vals[0] == fmt.pct(before.summary.covered_share) and vals[1] == f"{before.summary.covered_workers:,.0f}"
    groups = next(d.value for d in at.dataframe if "人数" in d.value.columns)
    assert list(groups["类型"]) == ["环卫工人", "外卖骑手/快递员", "公交/出租车司机", "其他户外劳动者"]
    # add a red station on the longest unserved busy street
    at.number_input(key="add_lon").set_value(round(float(spot.x.iloc[0]), 5))
    at.number_input(key="add_lat").set_value(round(float(spot.y.iloc[0]), 5))
    at.selectbox(key="add_kind_zh").set_value("station")
    [b for b in at.button if b.label == "添加"][0].click().run()
    _no_crash(at)
    props = at.session_state["proposals"]
    assert len(props) == 1 and props[0]["kind"] == "station"
    new = gpd.GeoDataFrame({"id": ["P1"], "proposed": [True]},
                           geometry=gpd.points_from_xy([props[0]["lon"]], [props[0]["lat"]]), crs=4326)
    stations = pd.concat([study.stations.to_crs(4326), new], ignore_index=True)
    after = run_worker_coverage(study.network, stations, workers, 1000.0, study_area=study.grids, with_reach=False)
    assert after.summary.busy_uncovered_m < before.summary.busy_uncovered_m
    vals = _metrics(at)
    assert vals[0] == fmt.pct(after.summary.covered_share) and vals[1] == f"{after.summary.covered_workers:,.0f}"
    assert at.metric[3].delta and at.metric[3].delta.startswith("-")  # fewer km of busy street unserved
    groups = next(d.value for d in at.dataframe if "人数" in d.value.columns)
    assert "推演后覆盖率" in groups.columns and (groups["变化（百分点）"].fillna(0) >= 0).all()
    # residents mode: the station does not count for residents, and the page says so
    at.radio(key="cov_for_zh").set_value("residents").run()
    _no_crash(at)
    assert "拟建红色驿站服务的是户外劳动者" in _texts(at)
    assert _shown_headline(at) == _headline_from_data(_expected(), "zh")


def test_siting_page_with_budget_and_minimum_area_says_why():
    """Issue 15: the siting page's budget and minimum floor area give the engine's answer, with reasons."""
    from analysis.siting.api import SitingParams, run_siting

    at = _app()
    at.radio(key="page_zh").set_value("siting").run()
    _no_crash(at)
    at.number_input(key="siting_k").set_value(3)
    at.number_input(key="siting_min_area").set_value(300)
    at.number_input(key="siting_budget").set_value(40.0)
    at.button(key="run_siting").click().run()
    _no_crash(at)
    study = load_study()
    existing = study.centers.to_crs(study.network.crs).assign(center_id=lambda d: d["id"].astype(str), kind="center")
    exp = run_siting(study.network, "center", existing, study.demand, study.candidates, 3, problem="mclp",
                     params=SitingParams(walk=WalkParams(), min_area_center_m2=300.0, budget_wan=40.0),
                     grids=study.grids, communities=study.communities)
    table = at.dataframe[0].value
    assert table["名称"].tolist() == exp.sites["name"].astype(str).tolist()
    assert (table["面积（㎡）"] >= 300).all() and table["费用（万元）"].sum() <= 40 + 1e-9
    assert table["选址理由"].str.contains("产权：").all()
    assert "国有闲置用房优先" in _texts(at)


def test_report_page_can_include_the_three_lists():
    import io

    from openpyxl import load_workbook

    at = _reports_page(_app())
    at.checkbox(key="report_with_lists").check().run()
    at.button(key="make_report").click().run()
    _no_crash(at)
    name, data = at.session_state["report_files"]["files"]["xlsx"]
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert {"需求清单", "资源清单", "项目清单", "各单位认领道路", "示范区概况"} <= set(sheets)
