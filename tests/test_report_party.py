"""The report's three lists / road adoption / demonstration-area section (sample city, demo layers)."""

from __future__ import annotations

import subprocess

import openpyxl
import pyogrio
import pytest

from cli.main import main


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep")
    assert main(["report", "--format", "pdf,xlsx,gpkg", "--out", str(out)]) == 0
    return out


def test_pdf_has_the_section_and_no_word_means_two_things(report):
    text = subprocess.run(["pdftotext", str(report / "servicecircle_report_zh.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    for words in ("三张清单（需求清单、资源清单、项目清单）", "门前三包：驻区单位认领道路", "门前三包认领道路图",
                  "党建示范区", "示范区概况", "资源清单（按资源类别汇总）"):
        assert words in text, words


def test_xlsx_and_gpkg_hold_the_lists_and_adoption(report):
    sheets = set(openpyxl.load_workbook(report / "servicecircle_report_zh.xlsx").sheetnames)
    assert {"需求清单", "资源清单", "项目清单", "各单位认领道路", "道路认领情况（按路名）", "示范区概况"} <= sheets
    layers = {n for n, _ in pyogrio.list_layers(report / "servicecircle_report_zh.gpkg")}
    assert {"needs_list", "resources_list", "projects_list", "adopted_segments", "unadopted_segments", "demo_areas"} <= layers


def test_no_lists_leaves_the_section_out(tmp_path):
    assert main(["report", "--format", "xlsx", "--no-lists", "--out", str(tmp_path)]) == 0
    assert "需求清单" not in openpyxl.load_workbook(tmp_path / "servicecircle_report_zh.xlsx").sheetnames
