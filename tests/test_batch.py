"""``servicecircle batch``: the sample manifest on a real Dask LocalCluster, kill + resume, a failing row."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from analysis.batch import area_paths, is_done, read_manifest
from cli.main import main
from geo.errors import LayerError

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "data" / "batch" / "manifest.csv"
CLI = [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())"]
pytestmark = pytest.mark.slow


def _rows() -> list[dict]:
    with open(MANIFEST, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:  # absolute paths: the manifest is copied elsewhere
        for k in ("osm", "centers", "grids", "communities"):
            r[k] = str((MANIFEST.parent / r[k]).resolve())
    return rows


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_sample_manifest_has_four_areas_and_reads_the_same_from_xlsx(tmp_path):
    tasks = read_manifest(MANIFEST)
    assert len(tasks) >= 4 and len({t.out for t in tasks}) == len(tasks)
    assert all(Path(t.files["osm"]).is_file() and Path(t.files["centers"]).is_file() for t in tasks)
    df = pd.read_csv(MANIFEST, dtype=str, keep_default_na=False)
    df.rename(columns={"area": "区域", "out": "输出名称"}).to_excel(tmp_path / "m.xlsx", index=False)
    # relative paths are relative to the manifest's folder: copy the xlsx beside the csv's folders
    x = MANIFEST.parent / f"_test_{os.getpid()}.xlsx"
    try:
        x.write_bytes((tmp_path / "m.xlsx").read_bytes())
        assert [(t.area, t.out, t.files, t.key) for t in read_manifest(x)] == \
            [(t.area, t.out, t.files, t.key) for t in tasks]
    finally:
        x.unlink(missing_ok=True)


@pytest.mark.parametrize("bad, message", [
    ({"out": "../escape"}, "output name"),
    ({"minutes": "eight"}, "not a number"),
    ({"area": ""}, "no area name"),
])
def test_bad_manifests_are_refused_with_exit_2(tmp_path, capsys, bad, message):
    rows = _rows()
    rows[1].update(bad)
    m = _write(tmp_path / "m.csv", rows)
    with pytest.raises(LayerError, match=message):
        read_manifest(m)
    assert main(["batch", str(m), "--out", str(tmp_path / "o")]) == 2
    assert "Traceback" not in capsys.readouterr().err
    dup = _write(tmp_path / "d.csv", [rows[0], rows[0]])
    with pytest.raises(LayerError, match="used twice"):
        read_manifest(dup)


def test_sample_manifest_completes_on_a_local_cluster(tmp_path):
    out = tmp_path / "out"
    p = subprocess.run([*CLI, "batch", str(MANIFEST), "--out", str(out), "--lang", "en"], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    assert "local cluster 2 workers" in p.stderr and "4/4" in p.stderr
    tasks = read_manifest(MANIFEST)
    assert all(is_done(t, out) for t in tasks)
    summary = pyogrio.read_dataframe(out / "summary.gpkg", layer="areas")
    xlsx = pd.read_excel(out / "summary.xlsx", sheet_name="areas")
    assert list(summary["out"]) == [t.out for t in tasks] == list(xlsx["out"])
    assert (summary["status"] == "done").all() and summary.crs.to_epsg() == 4326
    assert summary.geometry.notna().all() and (summary["n_nodes"] > 1000).all()
    # the four areas partition the sample city's grids: their residents add up to the whole city's
    from analysis.study import load_study, run_study

    whole = run_study(load_study()).summary
    assert summary["total_pop"].sum() == pytest.approx(whole.total_pop, abs=1.0)
    for t in tasks:
        fig = json.loads(area_paths(out, t.out)["json"].read_text(encoding="utf-8"))
        layers = dict(pyogrio.list_layers(area_paths(out, t.out)["gpkg"]))
        assert "demand" in layers and fig["covered_pop"] <= fig["total_pop"]
        assert xlsx.set_index("out").loc[t.out, "covered_share"] == pytest.approx(fig["covered_share"])


def test_a_killed_batch_resumes_and_skips_finished_areas(tmp_path):
    rows = _rows()
    rows = rows + [{**r, "area": r["area"] + "·复算", "out": r["out"] + "_again"} for r in rows[:2]]  # 6 areas
    m = _write(tmp_path / "eight.csv", rows)
    out = tmp_path / "out"
    tasks = read_manifest(m)
    cmd = [*CLI, "batch", str(m), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 600
    while time.time() < deadline and not any(is_done(t, out) for t in tasks):
        assert proc.poll() is None, "the batch ended before the first area was done"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its scheduler and its worker processes
    proc.wait()
    done_before = {t.out: area_paths(out, t.out)["done"].stat().st_mtime_ns for t in tasks if is_done(t, out)}
    assert 1 <= len(done_before) < len(tasks)

    p = subprocess.run([*cmd, "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    assert f"skipped {len(done_before)} finished before" in p.stdout
    assert f"ran {len(tasks) - len(done_before)}," in p.stdout
    assert all(is_done(t, out) for t in tasks)
    for name, mtime in done_before.items():  # finished areas were not run again
        assert area_paths(out, name)["done"].stat().st_mtime_ns == mtime
    summary = pd.read_excel(out / "summary.xlsx", sheet_name="areas")
    assert len(summary) == 6 and set(summary["status"]) == {"done", "skipped (done before)"}
    # the same area computed twice gives the same figures
    s = summary.set_index("out")
    for r in _rows()[:2]:
        assert s.loc[r["out"], "covered_pop"] == pytest.approx(s.loc[r["out"] + "_again", "covered_pop"])


def test_a_failing_row_is_reported_and_the_others_finish_on_an_existing_scheduler(tmp_path, capsys):
    from distributed import LocalCluster

    rows = _rows()[:2]
    rows.insert(1, {**rows[0], "area": "坏的区域", "out": "broken", "centers": str(tmp_path / "missing.csv")})
    m = _write(tmp_path / "m.csv", rows)
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=True) as cluster:
        rc = main(["batch", str(m), "--out", str(out), "--scheduler", cluster.scheduler_address, "--lang", "en"])
    cap = capsys.readouterr()
    assert rc == 2
    assert "坏的区域" in cap.err and "missing.csv" in cap.err and "Traceback" not in cap.err
    assert cluster.scheduler_address in cap.err
    t = {x.out: x for x in read_manifest(m)}
    assert is_done(t[rows[0]["out"]], out) and is_done(t[rows[2]["out"]], out) and not is_done(t["broken"], out)
    assert area_paths(out, "broken")["error"].is_file()
    summary = pd.read_excel(out / "summary.xlsx", sheet_name="areas").set_index("out")
    assert summary.loc["broken", "status"] == "failed" and "missing.csv" in summary.loc["broken", "error"]
    assert (summary.drop(index="broken")["status"] == "done").all()
