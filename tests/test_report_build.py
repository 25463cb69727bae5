"""Reports of the sample city: PDF text and pixels, XLSX sheets and totals, GeoPackage layers.

The reports are built once per module (Chinese: all formats; English: PDF + XLSX) from the
bundled sample city, then read back with independent tools (pdftotext, pdftoppm, openpyxl,
geopandas).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from PIL import Image

from analysis.report import FORMATS, ReportInputs, build_report
from analysis.report.labels import fmt_int, fmt_min, fmt_pct, label

HTML_VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "leaflet-1.9.4"


@pytest.fixture(scope="module")
def sample():
    from analysis.sample_city import load_sample_city
    from analysis.study import load_study, run_study

    study = load_study()
    result = run_study(study)
    city = load_sample_city()
    from analysis.report.study_inputs import study_workers

    inputs = ReportInputs(study_area=study.name_zh, features=city.features, network=study.network,
                          stations=study.stations, candidates=study.candidates, osm_date="2015-02",
                          workers=study_workers(study))
    return result, inputs


def test_pdf_has_the_worker_section_before_the_amenity_audits(zh, sample):
    """Issue 15: the red-station / outdoor-worker section, with its figures, precedes the audits."""
    _, paths = zh
    w = sample[1].workers
    text = squash(pdf_text(paths["pdf"]))
    i_workers, i_audit = text.find(squash(label("sec_workers", "zh"))), text.find(squash(label("sec_audit", "zh")))
    assert 0 <= i_workers < i_audit
    section = text[i_workers:i_audit]
    for needle in ("环卫工人", "外卖骑手/快递员", "公交/出租车司机", squash(label("t_worker_streets", "zh")),
                   fmt_int(w.summary.total_workers), fmt_int(w.summary.covered_workers), fmt_pct(w.summary.covered_share),
                   w.busy_streets["street"].iloc[0], squash(label("map_workers", "zh"))):
        assert needle in section, needle
    assert "核查标准" in text[i_audit:]
    import pyogrio

    layers = {n for n, _ in pyogrio.list_layers(paths["gpkg"])}
    assert {"worker_workers", "worker_groups", "worker_busy_gaps", "worker_busy_streets"} <= layers


def build_checked(result, formats, lang, out, inputs):
    """build_report, failing on any matplotlib 'Glyph ... missing from font' warning (boxes)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = build_report(result, formats, lang, out, inputs=inputs)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    return paths


@pytest.fixture(scope="module")
def zh(sample, tmp_path_factory):
    result, inputs = sample
    return result, build_checked(result, FORMATS, "zh", tmp_path_factory.mktemp("report_zh"), inputs)


@pytest.fixture(scope="module")
def en(sample, tmp_path_factory):
    result, inputs = sample
    return result, build_checked(result, ["pdf", "xlsx"], "en", tmp_path_factory.mktemp("report_en"), inputs)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def squash(s: str) -> str:
    return "".join(s.split())


# -- PDF ----------------------------------------------------------------------------------------


def test_all_files_written_and_no_temp_files_left(zh):
    _, paths = zh
    assert set(paths) == set(FORMATS)
    for p in paths.values():
        assert p.exists() and p.stat().st_size > 1000
    leftovers = [p.name for p in next(iter(paths.values())).parent.iterdir() if ".tmp" in p.name]
    assert leftovers == []


def test_pdf_text_has_chinese_headline_labels_and_the_result_numbers(zh):
    result, paths = zh
    text = squash(pdf_text(paths["pdf"]))
    s = result.summary
    for key in ("title", "h_share", "h_uncovered", "h_median", "h_p90", "h_total", "sec_sources", "sec_params",
                "t_communities", "t_gaps", "t_centers", "t_center_audit", "t_station_audit", "sec_method"):
        assert squash(label(key, "zh")) in text, key
    assert squash(label("covered_label", "zh", m=8)) in text
    for value in (fmt_int(s.total_pop), fmt_int(s.covered_pop), fmt_int(s.uncovered_pop),
                  fmt_pct(s.covered_share), squash(fmt_min(s.median_min, "zh")), squash(fmt_min(s.p90_min, "zh")),
                  fmt_pct(s.circle_covered_share)):
        assert value in text, value
    # worst community first in its table, with its share
    worst = result.communities.sort_values("covered_share").iloc[0]
    assert worst["community"] in text and fmt_pct(worst["covered_share"]) in text


def test_pdf_carries_attribution_demo_note_and_parameters(zh):
    result, paths = zh
    text = squash(pdf_text(paths["pdf"]))
    assert "©OpenStreetMapcontributors" in text
    assert "示例数据，非真实点位" in text
    assert "600米" in text and "4.5千米/小时" in text and "300米" in text  # reach, speed, access cap
    assert "2015-02" in text


def test_pdf_text_is_set_in_the_embedded_cjk_font(zh):
    import pdfplumber

    _, paths = zh
    with pdfplumber.open(paths["pdf"]) as pdf:
        fonts = {ch["fontname"] for page in pdf.pages[:3] for ch in page.chars}
        n_pages = len(pdf.pages)
    assert fonts and all("CJK" in f for f in fonts), fonts
    assert n_pages >= 5


def test_first_page_is_not_blank_and_its_map_is_drawn(zh, tmp_path):
    _, paths = zh
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) must be installed: scripts/install_system_deps.sh"
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(paths["pdf"]), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    ink = (img.sum(axis=2) < 720).mean()
    assert ink > 0.05  # a blank page is ~0
    lower = img[img.shape[0] // 2:]  # the coverage map sits in the lower half of page 1
    r, g, b = lower[..., 0], lower[..., 1], lower[..., 2]
    green = (g > r + 25) & (g > b + 15)      # isochrones
    red = (r > g + 40) & (r > b + 30)        # gaps and center markers
    water = (b > r + 30) & (b > 180)         # West Lake in the basemap
    assert green.mean() > 0.01 and red.mean() > 0.005 and water.mean() > 0.005


def test_english_pdf_has_english_labels_and_the_same_numbers(en):
    result, paths = en
    text = squash(pdf_text(paths["pdf"]))
    s = result.summary
    for key in ("title", "h_share", "h_uncovered", "h_median", "t_communities"):
        assert squash(label(key, "en")) in text, key
    assert fmt_int(s.covered_pop) in text and fmt_pct(s.covered_share) in text
    assert "Illustrative" in text and "©OpenStreetMapcontributors" in text


# -- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_sheets_columns_and_totals_match_the_result(zh):
    result, paths = zh
    wb = load_workbook(paths["xlsx"])
    for name in ("主要结论", "分析参数", "数据来源", "社区覆盖", "网格覆盖", "覆盖缺口", "中心负荷", "功能核查", "驿站设施", "覆盖率曲线", "步行时间分布"):
        assert name in wb.sheetnames, name
    ws = wb["社区覆盖"]
    header = [c.value for c in ws[1]]
    assert header == ["社区", "人口（人）", "覆盖人口（人）", "未覆盖人口（人）", "覆盖率", "多中心覆盖人口（人）",
                      "户数（户）", "步行中位数（分钟）", "街道"]  # households, median walk, street: issue 14
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    data = [r for r in rows[: rows.index(total)]]
    assert len(data) == len(result.communities)
    assert total[1] == pytest.approx(result.summary.total_pop)
    assert total[2] == pytest.approx(result.summary.covered_pop)
    assert sum(r[3] for r in data) == pytest.approx(result.summary.uncovered_pop)
    assert total[4] == pytest.approx(result.summary.covered_share)
    shares = [r[4] for r in data]
    assert shares == sorted(shares)  # worst first
    assert ws.cell(2, 2).data_type == "n" and ws.cell(2, 5).number_format == "0.0%"
    gaps = pd.read_excel(paths["xlsx"], sheet_name="覆盖缺口")
    body = gaps[gaps["缺口编号"].astype(str).str.startswith("GAP")]
    assert len(body) == len(result.gaps)
    assert body["人口（人）"].sum() == pytest.approx(result.gaps["population"].sum())
    curve = pd.read_excel(paths["xlsx"], sheet_name="覆盖率曲线").dropna(subset=["覆盖率"])
    assert list(curve["步行时间（分钟）"]) == [float(m) for m in range(5, 16)]
    assert curve.loc[curve["步行时间（分钟）"] == 8, "覆盖人口（人）"].item() == pytest.approx(result.summary.covered_pop)


def test_xlsx_center_load_adds_up_to_covered_residents(zh):
    result, paths = zh
    df = pd.read_excel(paths["xlsx"], sheet_name="中心负荷")
    body = df[df["编号"].isin(result.centers["center_id"])]
    assert len(body) == len(result.centers)
    assert body["服务人口（阈值内，最近）"].sum() == pytest.approx(result.summary.covered_pop)
    assert (body["仅此中心覆盖（人）"] <= body["服务人口（阈值内，最近）"] + 1e-6).all()


def test_english_xlsx_has_english_headers(en):
    _, paths = en
    wb = load_workbook(paths["xlsx"])
    assert "communities" in wb.sheetnames
    assert [c.value for c in wb["communities"][1]][:2] == ["Community", "Residents"]


# -- GeoPackage ---------------------------------------------------------------------------------


def test_gpkg_layers_open_and_match_the_analysis(zh):
    result, paths = zh
    layers = dict(pyogrio.list_layers(paths["gpkg"]))
    for name in ("centers", "demand", "gaps", "isochrones", "circles", "grids", "communities", "stations", "candidates", "metadata"):
        assert name in layers, name
    centers = gpd.read_file(paths["gpkg"], layer="centers")
    assert centers.crs.to_epsg() == 4326
    assert sorted(centers["center_id"]) == sorted(result.centers["center_id"])
    assert centers["load_pop"].sum() == pytest.approx(result.centers["load_pop"].sum())
    demand = gpd.read_file(paths["gpkg"], layer="demand")
    assert len(demand) == len(result.demand)
    assert demand["population"].sum() == pytest.approx(result.summary.total_pop)
    assert demand["covered"].astype(bool).sum() == int(result.demand["covered"].sum())
    gaps = gpd.read_file(paths["gpkg"], layer="gaps")
    # gap units are whole persons adding up exactly to the rounded uncovered residents (issue 14)
    assert len(gaps) == len(result.gaps) and gaps["population"].sum() == round(result.summary.uncovered_pop)
    iso = gpd.read_file(paths["gpkg"], layer="isochrones")
    assert len(iso) == len(result.isochrones)


def test_gpkg_metadata_has_parameters_dates_and_version(zh):
    _, paths = zh
    meta = gpd.read_file(paths["gpkg"], layer="metadata")
    kv = dict(zip(meta["key"], meta["value"]))
    assert kv["threshold_min"] == "8" and kv["speed_kmh"] == "4.5" and kv["max_access_m"] == "300"
    assert kv["report_language"] == "zh" and kv["report_software"].startswith("servicecircle")
    assert any(k.startswith("source:") and "2015-02" in v for k, v in kv.items())
    assert "OpenStreetMap" in kv["osm_attribution"]


# -- HTML ---------------------------------------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'<>)]+", re.I)


def test_html_refers_to_no_external_resource(zh):
    _, paths = zh
    text = paths["html"].read_text(encoding="utf-8")
    leaflet = (HTML_VENDOR / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet in text  # the vendored library, verbatim
    own = text.replace(leaflet, "")
    # nothing is loaded from elsewhere: no src/href/url()/@import pointing off the file
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)|@import\s+["']?([^"';\s]*)""", own)
    targets = [next(x for x in r if x) for r in refs if any(r)]
    assert targets and all(t.startswith(("data:", "#")) for t in targets), [t[:40] for t in targets if not t.startswith("data:")]
    # the OSM copyright link is the only web address outside Leaflet, whose own strings are the
    # SVG XML namespace and its home page (the attribution prefix with that link is switched off)
    assert set(URL.findall(own)) == {"https://www.openstreetmap.org/copyright"}
    assert set(URL.findall(leaflet)) <= {"http://www.w3.org/2000/svg", "https://leafletjs.com"}
    assert "setPrefix(false)" in text
    assert "<link" not in text.lower()


def test_html_has_the_same_numbers_tables_and_layers(zh):
    result, paths = zh
    text = paths["html"].read_text(encoding="utf-8")
    s = result.summary
    for v in (fmt_int(s.covered_pop), fmt_pct(s.covered_share), fmt_int(s.uncovered_pop)):
        assert v in text
    assert "示例数据，非真实点位" in text and "© OpenStreetMap contributors" in text
    rows = re.search(r'<table class="t-communities">.*?<tbody>(.*?)</tbody>', text, re.S).group(1)
    assert rows.count("<tr") == len(result.communities) + 1  # + totals row
    grid_rows = re.search(r'<table class="t-grids">.*?<tbody>(.*?)</tbody>', text, re.S).group(1)
    assert grid_rows.count("<tr") == int((result.grids["population"] > 0).sum()) + 1  # every grid, unlike the PDF
    data = json.loads(re.search(r"var D = (\{.*?\});\n", text, re.S).group(1).replace("<\\/", "</"))
    by_key = {layer["key"]: layer for layer in data["layers"]}
    assert len(by_key["centers"]["data"]["features"]) == len(result.centers)
    assert len(by_key["gaps"]["data"]["features"]) == len(result.gaps)
    assert {"iso5", "iso8", "iso10", "iso15", "circles", "grids", "stations", "streets", "water"} <= set(by_key)


def test_html_map_draws_offline_in_a_browser(zh, tmp_path):
    from playwright.sync_api import sync_playwright

    _, paths = zh
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 800})
            page.route("**/*", lambda r: (requests.append(r.request.url), r.abort())
                       if not r.request.url.startswith(("file:", "data:")) else r.continue_())
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(paths["html"].as_uri())
            page.wait_for_selector("#sc-map canvas", timeout=15000)
            page.wait_for_timeout(300)
            overlays = page.evaluate("document.querySelectorAll('.leaflet-control-layers-overlays input').length")
            attribution = page.inner_text(".leaflet-control-attribution")
            page.locator("#sc-map").screenshot(path=str(tmp_path / "map.png"))
        finally:
            browser.close()
    assert requests == [] and errors == []
    assert overlays >= 8 and "© OpenStreetMap contributors" in attribution
    img = np.asarray(Image.open(tmp_path / "map.png").convert("RGB")).astype(int)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    assert ((g > r + 25) & (g > b + 15)).mean() > 0.01   # isochrones drawn
    assert ((r > g + 40) & (r > b + 30)).mean() > 0.005  # gaps / centers drawn


def test_bytes_variant_for_download_buttons(sample):
    import io

    from analysis.report import build_report_bytes

    result, inputs = sample
    data = build_report_bytes(result, "xlsx", "zh", inputs=inputs)
    assert data[:2] == b"PK"
    wb = load_workbook(io.BytesIO(data))
    head = {r[0]: r[1] for r in wb["主要结论"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert head["覆盖率"] == pytest.approx(result.summary.covered_share)
    gpkg = build_report_bytes(result, "gpkg", "en", inputs=inputs)
    assert gpkg[:16] == b"SQLite format 3\x00"
