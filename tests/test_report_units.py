"""Report pieces on their own: CJK font, wording, formats, sheet names, map furniture, CLI."""

from __future__ import annotations

import math
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.report import parse_formats, report_filename  # noqa: E402
from analysis.report import fonts  # noqa: E402
from analysis.report.labels import check_lang, fmt_int, fmt_min, fmt_pct, label  # noqa: E402
from analysis.report.staticmap import add_north_arrow, add_scale_bar, fit_ratio  # noqa: E402
from analysis.report.xlsx import cell_value, sheet_title  # noqa: E402
from geo.errors import ParameterError, ServiceCircleError  # noqa: E402


def test_cjk_font_is_noto_sans_cjk_and_draws_chinese_without_missing_glyphs(tmp_path):
    family, path = fonts.cjk_font()
    assert "CJK" in family and path.exists()
    fonts.use_cjk_font()
    fig, ax = plt.subplots()
    ax.set_title("8分钟党群连心服务圈 覆盖缺口 红色驿站")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for boxes
        fig.savefig(tmp_path / "t.png")
    plt.close(fig)


def test_missing_cjk_font_fails_with_install_instructions(monkeypatch):
    from matplotlib import font_manager

    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    try:
        with pytest.raises(fonts.FontMissingError, match="fonts-noto-cjk") as err:
            fonts.cjk_font()
        assert isinstance(err.value, ServiceCircleError)
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()
    assert "CJK" in fonts.cjk_font()[0]


def test_labels_languages_and_number_formats():
    assert label("h_share", "zh") == "覆盖率" and label("h_share", "en") == "Share covered"
    assert label("covered_label", "zh", m=8.0) == "8分钟内可达居民"
    with pytest.raises(KeyError):
        label("no_such_key")
    with pytest.raises(ParameterError, match="zh"):
        check_lang("fr")
    assert fmt_int(65532.49) == "65,532" and fmt_pct(0.27399) == "27.4%"
    assert fmt_min(math.inf, "zh") == "不可达" and fmt_min(10.79, "en") == "10.8 min"
    assert fmt_int(float("nan")) == "—"


def test_formats_parse_and_file_names():
    assert parse_formats("pdf, xlsx") == ("pdf", "xlsx")
    assert parse_formats(["GPKG", ".html", "gpkg"]) == ("gpkg", "html")
    with pytest.raises(ParameterError, match="docx"):
        parse_formats("pdf,docx")
    with pytest.raises(ParameterError):
        parse_formats("")
    assert report_filename("pdf", "en") == "servicecircle_report_en.pdf"


def test_sheet_names_are_valid_and_unique_and_cells_are_numbers():
    used: set[str] = set()
    a = sheet_title("覆盖/缺口[1]:*?", used)
    b = sheet_title("覆盖/缺口[1]:*?", used)
    assert a == "覆盖_缺口_1____" and b != a and len(sheet_title("x" * 40, used)) == 31
    assert cell_value(math.inf, "int", "zh") is None and cell_value(3.5, "int", "zh") == 3.5
    assert cell_value(True, "bool", "zh") == "是"


def test_scale_bar_is_a_round_length_and_north_arrow_is_drawn():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 4300)
    ax.set_ylim(0, 3000)
    length = add_scale_bar(ax, "zh")
    add_north_arrow(ax, "zh")
    assert length == 1000.0
    assert any(t.get_text() == "1 千米" for t in ax.texts)
    assert any(getattr(t, "arrow_patch", None) is not None and t.get_text() == "北" for t in ax.texts)
    plt.close(fig)


def test_tall_extent_is_widened_to_the_frame_ratio():
    minx, miny, maxx, maxy = fit_ratio((0, 0, 1000, 5000), 0.6, 1.25)
    assert (maxy - miny) / (maxx - minx) == pytest.approx(1.25) and (minx, maxx) == (-1500, 2500)


def test_cli_writes_the_spreadsheet_and_refuses_a_bad_format(tmp_path, capsys):
    from openpyxl import load_workbook

    from cli.main import main

    assert main(["report", "--format", "xlsx", "--lang", "en", "--out", str(tmp_path)]) == 0
    path = tmp_path / "servicecircle_report_en.xlsx"
    assert str(path) in capsys.readouterr().out
    assert "communities" in load_workbook(path).sheetnames
    assert main(["report", "--format", "pdf,docx", "--out", str(tmp_path)]) == 2
    assert "docx" in capsys.readouterr().err


def test_small_run_without_grids_or_gaps_gives_every_format(tmp_path):
    """A hand-built street cross, one center, everyone covered: no grids, no gaps, no audits."""
    import subprocess

    import geopandas as gpd
    import pyogrio
    import shapely

    from analysis.coverage import run_coverage
    from analysis.params import WalkParams
    from analysis.report import FORMATS, build_report
    from geo.network import WalkNetwork

    crs = "EPSG:32651"
    arms = [(0, 500), (1000, 500), (500, 0), (500, 1000)]
    streets = gpd.GeoDataFrame(geometry=[shapely.LineString([(500, 500), a]) for a in arms], crs=crs)
    net = WalkNetwork.from_lines(streets)
    center = gpd.GeoDataFrame({"name": ["<b>中心</b>"]}, geometry=[shapely.Point(500, 510)], crs=crs)
    demand = gpd.GeoDataFrame({"population": [120.0, 80.0]},
                              geometry=[shapely.Point(700, 520), shapely.Point(500, 300)], crs=crs)
    result = run_coverage(net, center, demand, WalkParams())
    assert result.summary.covered_share == 1.0 and len(result.gaps) == 0 and result.grids is None
    paths = build_report(result, FORMATS, "en", tmp_path)
    text = subprocess.run(["pdftotext", str(paths["pdf"]), "-"], check=True, capture_output=True, text=True).stdout
    assert "No resident is outside the threshold." in text and "100.0%" in text
    assert "This layer was not given" in text  # audits left out, said so
    html_text = paths["html"].read_text(encoding="utf-8")
    assert "<b>中心</b>" not in html_text and "&lt;b&gt;中心&lt;/b&gt;" in html_text  # names escaped
    layers = dict(pyogrio.list_layers(paths["gpkg"]))
    assert {"centers", "demand", "gaps", "isochrones", "circles", "metadata"} <= set(layers)
    assert len(gpd.read_file(paths["gpkg"], layer="gaps")) == 0  # an empty gap layer, still there
    assert len(gpd.read_file(paths["gpkg"], layer="demand")) == 2
