"""Issue 16 target 4 (reports fast): the figure cache keyed by the figures' inputs, and the PDF
typeset in a child process beside the other formats. No timings here (benchmarks/bench_issue16.py).
"""

from __future__ import annotations

import dataclasses
import subprocess

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.coverage import run_coverage
from analysis.params import WalkParams
from analysis.report import ReportInputs, build_content, figure_cache
from analysis.report.pdf_worker import PdfWorker
from geo.errors import ServiceCircleError
from geo.network import WalkNetwork

CRS = "EPSG:32651"


def _study(center_xy=(500, 510)):
    """A street cross with one center and two homes (metres, EPSG:32651)."""
    arms = [(0, 500), (1000, 500), (500, 0), (500, 1000)]
    streets = gpd.GeoDataFrame(geometry=[shapely.LineString([(500, 500), a]) for a in arms], crs=CRS)
    net = WalkNetwork.from_lines(streets)
    center = gpd.GeoDataFrame({"name": ["中心"]}, geometry=[shapely.Point(*center_xy)], crs=CRS)
    demand = gpd.GeoDataFrame({"population": [120.0, 80.0]},
                              geometry=[shapely.Point(700, 520), shapely.Point(500, 300)], crs=CRS)
    result = run_coverage(net, center, demand, WalkParams())
    inputs = ReportInputs(study_area="十字路口", network=net)
    return result, inputs


@pytest.fixture(scope="module")
def small():
    result, inputs = _study()
    return result, inputs, build_content(result, "zh", inputs)


def test_figure_key_follows_every_input(small):
    result, inputs, content = small
    key = figure_cache.figures_key(result, content, inputs)
    assert key is not None and key == figure_cache.figures_key(result, content, inputs)
    # a moved center, another language, another resolution, another basemap: new keys
    moved, moved_inputs = _study(center_xy=(500, 530))
    assert figure_cache.figures_key(moved, build_content(moved, "zh", moved_inputs), moved_inputs) != key
    assert figure_cache.figures_key(result, build_content(result, "en", inputs), inputs) != key
    assert figure_cache.figures_key(result, content, inputs, dpi=100) != key
    streets = inputs.network.edges_gdf()[["geometry"]]
    with_basemap = dataclasses.replace(inputs, features={"streets": streets})
    assert figure_cache.figures_key(result, content, with_basemap) != key
    shifted = dataclasses.replace(inputs, features={"streets": streets.set_geometry(streets.translate(1.0, 0))})
    assert figure_cache.figures_key(result, content, shifted) not in (key, figure_cache.figures_key(
        result, content, with_basemap))
    # one changed value in a drawn table (the walking times behind the curve) changes the key too
    demand = result.demand.copy()
    demand.loc[demand.index[0], "time_min"] += 0.5
    changed = dataclasses.replace(result, demand=demand)
    assert figure_cache.figures_key(changed, content, inputs) != key


def test_figures_are_read_back_from_the_cache_and_redrawn_when_an_input_changes(small, tmp_path, monkeypatch):
    from analysis.report import figures as figures_module

    result, inputs, content = small
    drawn = []
    real = figures_module.build_figures

    def counting(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(figures_module, "build_figures", counting)
    first = figure_cache.cached_figures(result, content, inputs, cache_dir=tmp_path)
    assert len(drawn) == 1 and first["map_coverage"].startswith(figure_cache.PNG_SIGNATURE)
    assert first["map_grids"] is None  # not drawn (no grids) and remembered as such
    again = figure_cache.cached_figures(result, content, inputs, cache_dir=tmp_path)
    assert len(drawn) == 1 and again == first  # same bytes, nothing drawn
    en = build_content(result, "en", inputs)
    english = figure_cache.cached_figures(result, en, inputs, cache_dir=tmp_path)
    assert len(drawn) == 2 and english["chart_curve"] != first["chart_curve"]
    # the entry is plain arrays + JSON: a damaged data file is ignored and the figures drawn again
    key = figure_cache.figures_key(result, content, inputs)
    for f in (tmp_path / figure_cache.KIND / key).glob("data-*.npz"):
        f.write_bytes(b"not an npz")
    assert figure_cache.read_figures(key, tmp_path) is None
    assert figure_cache.cached_figures(result, content, inputs, cache_dir=tmp_path) == first
    assert len(drawn) == 3


def test_an_input_the_key_cannot_hash_means_no_cache(small):
    result, inputs, content = small
    odd = dataclasses.replace(inputs, stations=object())
    assert figure_cache.figures_key(result, content, odd) is None


def test_pdf_worker_writes_the_same_bytes_as_in_process(tmp_path):
    from analysis.report.pdf import write_pdf_html

    html = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head><body>'
            '<h1>8分钟党群连心服务圈</h1><table><tr><td>红色驿站</td><td class="n">1,234</td></tr></table></body></html>')
    write_pdf_html(html, tmp_path / "in_process.pdf")
    worker = PdfWorker.start()
    assert worker is not None
    worker.send(html, tmp_path / "worker.pdf")
    assert worker.wait() == tmp_path / "worker.pdf"
    worker.close()
    assert (tmp_path / "worker.pdf").read_bytes() == (tmp_path / "in_process.pdf").read_bytes()
    text = subprocess.run(["pdftotext", str(tmp_path / "worker.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "8分钟党群连心服务圈" in text and "红色驿站" in text


def test_pdf_worker_failure_is_raised_and_an_unused_worker_is_stopped(tmp_path):
    worker = PdfWorker.start()
    (tmp_path / "taken.pdf").mkdir()  # a folder where the PDF should go: the child cannot write it
    worker.send("<p>x</p>", tmp_path / "taken.pdf")
    with pytest.raises(ServiceCircleError, match="PDF rendering failed"):
        worker.wait()
    worker.close()
    idle = PdfWorker.start()
    idle.close()
    assert idle.proc.returncode is not None  # ended, nothing left running


def test_report_with_a_pdf_worker_gives_every_format_and_the_same_pdf(small, tmp_path):
    from pypdf import PdfReader
    from analysis.report import FORMATS, build_report

    result, inputs, _ = small
    alone = build_report(result, ["pdf"], "zh", tmp_path / "alone", inputs=inputs)  # in-process, whole
    every = build_report(result, FORMATS, "zh", tmp_path / "every", inputs=inputs, pdf_worker=PdfWorker.start())
    assert sorted(every) == sorted(FORMATS) and all(p.exists() for p in every.values())

    def text(p):  # typeset in two halves by the worker: the same pages, text and page numbers
        return subprocess.run(["pdftotext", str(p), "-"], capture_output=True, check=True).stdout

    assert text(every["pdf"]) == text(alone["pdf"])
    assert len(PdfReader(str(every["pdf"])).pages) == len(PdfReader(str(alone["pdf"])).pages) > 1
    assert [p.name for p in (tmp_path / "every").iterdir()] and not list(tmp_path.glob(".every_tmp_*"))
    assert np.all([p.parent == tmp_path / "every" for p in every.values()])


def test_a_report_whose_figures_are_cached_never_loads_matplotlib(tmp_path):
    """The second build of the same report (new process) reads its figures from the cache."""
    import os
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "from tests.test_report_speed_parts import _study\n"
        "from analysis.report import build_report\n"
        "result, inputs = _study()\n"
        f"build_report(result, ['html', 'xlsx'], 'zh', {str(tmp_path / 'out')!r}, inputs=inputs)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "SERVICECIRCLE_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(root)}
    runs = [subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                           timeout=600) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == ["True", "False"]  # drawn once, then read back
    assert list((tmp_path / "cache" / figure_cache.KIND).iterdir())
