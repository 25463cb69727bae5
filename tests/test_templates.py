"""Every template of data/templates/ goes through ``coverage``, ``site`` and ``report`` (CLI) and
through the app's pages (streamlit AppTest): the files a planner starts from never crash the product.

Issue 12: ``servicecircle coverage --grids data/templates/grids.csv`` used to stop with
``KeyError: ['grid_id']`` (a planner's grids carry ``id``, the demo grids ``grid_id``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main
from geo.readers import read_layer

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "data" / "templates"
KINDS = ("centers", "stations", "grids", "communities", "candidates", "demand")
APP = str(ROOT / "app.py")


def _t(kind: str, ext: str) -> str:
    return str(TEMPLATES / f"{kind}.{ext}")


def _summary(gpkg: Path) -> dict:
    meta = gpd.read_file(gpkg, layer="metadata")
    return json.loads(meta.set_index("key").loc["summary", "value"])


def _clean(text: str) -> None:
    """No placeholder numbers, no crash, no library warning in what the planner reads."""
    low = text.lower()
    for bad in ("nan", "inf%", "unexpected error", "traceback", "warning:"):
        assert bad not in low.replace("financ", ""), (bad, text[-2000:])


def test_every_template_is_read_without_errors():
    from geo.schemas import LAYER_SCHEMAS

    assert set(KINDS) <= set(LAYER_SCHEMAS)
    for kind in LAYER_SCHEMAS:
        for ext in ("csv", "xlsx"):
            r = read_layer(_t(kind, ext), kind)
            assert r.report.rows_used == 1, (kind, ext, r.render("en"))
            assert not r.report.has_errors, (kind, ext, r.render("en"))


def test_coverage_with_the_grids_template(tmp_path, capsys):
    out = tmp_path / "cov.gpkg"
    assert main(["coverage", "--grids", _t("grids", "csv"), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    grids = gpd.read_file(out, layer="grids")
    assert grids["grid_id"].tolist() == ["001"]          # the template's 编号
    s = _summary(out)
    demand = gpd.read_file(out, layer="demand")
    assert s["total_pop"] == pytest.approx(demand["population"].sum())
    assert grids["population"].sum() == pytest.approx(s["total_pop"])
    assert s["total_pop"] > 0


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_coverage_with_every_area_template(tmp_path, capsys, ext):
    out = tmp_path / "cov.gpkg"
    argv = ["coverage", "--centers", _t("centers", ext), "--demand", _t("demand", ext),
            "--grids", _t("grids", ext), "--communities", _t("communities", ext), "--out", str(out), "--lang", "en"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    s = _summary(out)
    assert s["total_pop"] == pytest.approx(1200.0)      # the demand template's one 小区 of 1,200 residents
    assert s["n_centers"] == 1
    assert not s["is_demo"]                             # every layer given: no demo note
    assert "illustrative" not in captured.out


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_site_with_every_template(tmp_path, capsys, ext):
    out = tmp_path / "site.gpkg"
    argv = ["site", "--candidates", _t("candidates", ext), "--existing", _t("centers", ext),
            "--demand", _t("demand", ext), "--grids", _t("grids", ext), "--communities", _t("communities", ext),
            "--k", "1", "--out", str(out), "--lang", "en"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    assert "grids" in {n for n, _ in pyogrio.list_layers(out)}
    out2 = tmp_path / "site_red.gpkg"
    assert main(["site", "--kind", "red-station", "--existing", _t("stations", ext), "--k", "1",
                 "--grids", _t("grids", ext), "--out", str(out2)]) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_report_with_every_template(tmp_path, capsys, ext):
    out = tmp_path / "report"
    argv = ["report", "--format", "html,xlsx,gpkg", "--sites", "1", "--out", str(out)]
    for kind, flag in (("centers", "--centers"), ("stations", "--stations"), ("grids", "--grids"),
                       ("communities", "--communities"), ("candidates", "--candidates"), ("demand", "--demand")):
        argv += [flag, _t(kind, ext)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "东坡路社区第一网格" in html or "001" in html
    assert "示例数据，非真实点位" not in html          # the planner gave every layer


def test_library_warnings_never_reach_the_terminal(tmp_path):
    """A real process: the grids template makes GeoPandas warn about an empty plot; nothing shows."""
    out = tmp_path / "report"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "default"}
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "report", "--format", "pdf", "--grids", _t("grids", "csv"),
         "--demand", _t("demand", "csv"), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for word in ("Warning", "warnings.warn", "site-packages"):
        assert word not in proc.stderr, proc.stderr[-2000:]
    assert list(out.glob("*.pdf"))


# --------------------------------------------------------------------------- the app


def _page(at: AppTest, page: str) -> None:
    at.radio(key="page_zh").set_value(page).run()
    assert not at.exception, [e.value for e in at.exception]


def _errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_every_template_uploaded_in_the_app_then_every_page_works(ext):
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    _page(at, "data")
    for kind in KINDS:
        at.selectbox(key="upload_kind_zh").set_value(kind).run()
        data = Path(_t(kind, ext)).read_bytes()
        at.file_uploader(key=f"uploader_{kind}").set_value((f"{kind}.{ext}", data, "text/csv")).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not _errors(at), (kind, _errors(at))
        at.button(key="use_layer").click().run()
        assert not at.exception
        assert kind in at.session_state["uploads"], kind
    for page in ("coverage", "siting", "reports"):
        _page(at, page)
        assert not _errors(at), (page, _errors(at))
        texts = "\n".join(str(m.value) for m in at.metric)
        assert "nan" not in texts.lower() and "inf" not in texts.lower(), texts
    _page(at, "coverage")
    shown = "\n".join(str(x.value) for x in (*at.caption, *at.markdown, *at.info, *at.warning))
    assert "示例数据" not in shown               # every layer is the planner's own
