"""党建导引图: an A3 page with real Chinese text, numbered markers and their list (sample city)."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from PIL import Image

from analysis.report.guide_map import spread_markers
from cli.main import main


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("guide")
    assert main(["guide-map", "--out", str(out)]) == 0
    return out


def test_pdf_is_one_a3_landscape_page(outputs):
    info = subprocess.run(["pdfinfo", str(outputs / "guide_map_zh.pdf")], check=True, capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (w, h) == pytest.approx((420 / 25.4 * 72, 297 / 25.4 * 72), abs=1.0)
    assert "Pages:           1" in info


def test_pdf_has_the_chinese_text_and_the_numbered_list(outputs):
    text = subprocess.run(["pdftotext", str(outputs / "guide_map_zh.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    for words in ("党建导引图", "阵地一览", "党群服务中心", "红色驿站", "共建阵地", "湖滨街道党群服务中心",
                  "示例数据，非真实点位", "© OpenStreetMap contributors", "步行路网"):
        assert words in text, words


def test_png_is_the_page(outputs):
    img = Image.open(outputs / "guide_map_zh.png")
    w, h = img.size
    assert w / h == pytest.approx(420 / 297, rel=0.01) and w >= 1600
    # not a blank page: the map's greens and the markers' red are there
    px = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
    assert ((px[:, 0] > 180) & (px[:, 1] < 60) & (px[:, 2] < 60)).sum() > 500


def test_english_page(tmp_path):
    assert main(["guide-map", "--out", str(tmp_path), "--lang", "en"]) == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "guide_map_en.pdf"), "-"], check=True, capture_output=True, text=True).stdout
    assert "Party-building guide map" in text and "Positions" in text


def test_markers_are_spread_apart():
    x, y = np.array([0.0, 1.0, 50.0]), np.array([0.0, 0.0, 0.0])
    px, py = spread_markers(x, y, 10.0)
    d = np.hypot(px[:, None] - px[None], py[:, None] - py[None])
    assert (d[np.triu_indices(3, 1)] >= 10.0 - 1e-9).all()
    assert (px[0], py[0]) == (0.0, 0.0) and (px[2], py[2]) == (50.0, 0.0)   # only the clashing one moves
