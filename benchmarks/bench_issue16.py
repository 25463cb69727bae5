"""Issue 16 (fast at every size): every figure the issue lists, before and after, in one run.

    .venv/bin/python benchmarks/bench_issue16.py --base /path/to/old/checkout    # before (old code) and now
    .venv/bin/python benchmarks/bench_issue16.py --only help,snap                 # a subset of
                                                     # page,help,coverage,snap,report,figures,mclp
    .venv/bin/python benchmarks/bench_issue16.py --quick                          # skip the 60 s MCLP run

Columns: the issue's quoted figure ("issue"), the same measurement on an old checkout of the code
("base", e.g. ``git archive <commit> | tar -x -C DIR``; each code root gets its own disk cache) and
on this checkout ("now"), and the target. Every measurement runs in a fresh Python process with
the code root first on ``sys.path``, so imports are counted as a planner sees them. Peak memory is
the child process's peak resident set size (``wait4`` rusage). The machine is shared (2 cores):
figures are the median of ``--repeat`` runs where a run is short, a single run otherwise.

Measurements
- first page: ``streamlit run app.py`` started, headless Chromium (Playwright, /usr/bin/chromium)
  opens the page; time until the Leaflet map shows isochrones AND the headline metric is visible.
  "cold" = from process start, started as ``make run`` does it (``python -m ui.prepare``, then
  ``python -m ui.serve``: ``streamlit run app.py`` that loads the first page in the background;
  also shown: plain ``streamlit run app.py``; older code: after one uncounted server run that
  fills the disk caches); "warm" = a new tab on the same server. Interleaved with two floors: a bare Streamlit page with the same local assets, five
  metrics and one isochrone, and that bare page showing the prepared coverage map (what Streamlit
  + Chromium + Leaflet cost without any analysis). Then the first page's server-side steps in a
  new process, wall and CPU (imports, data, cached run, tables, map frame).
- ``servicecircle --help``.
- ``servicecircle coverage --demand N.csv`` for 1,000 / 10,000 / 100,000 uniformly random demand
  points (lon/lat CSV with 人口) over the sample city's grids; default centers; time and peak RSS.
- snapping 100,000 random points onto ``benchmarks/synthetic_city.py`` (≈465,800 segments): the
  index build (before: the STRtree; now: the k-d tree, both kept with the network), the median
  of three ``snap_points`` calls, and the largest difference in access distance to the plain
  STRtree answer.
- ``servicecircle report`` (PDF, HTML, XLSX, GeoPackage) on the sample city (after one priming
  run that fills the network/OSM caches): first with no cached figures, then again with the
  figures read from the figure cache where the code has one; CPU (user + sys, the PDF worker
  included) next to wall time. And the report's figures alone (``build_figures``: static maps
  and charts, one call in a warm process). The report grew meanwhile (three lists, road
  adoption, demonstration areas, red-station section), so "base" and "now" runs of an old base
  do not write the same pages; ``benchmarks/bench_report_phases.py`` splits one run by phase.
- city-scale MCLP (``synthetic_siting.make_instance(seed=7)``: 2,000 candidates + 30 existing ×
  20,000 homes, K = 20, 1,000 m): exact solver with a 10 s limit (gap proven at 10 s) and with a
  60 s limit (proven optimum or gap at 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("BENCH16_DIR", "/tmp/bench_issue16"))
PY = sys.executable

# the issue's figures (seconds / MB), quoted as the "issue" column
ISSUE = {
    "page_cold_s": 8.3, "page_warm_s": 0.8,
    "help_s": None,
    "cov_1000_s": 5.8, "cov_10000_s": 6.2, "cov_100000_s": 20.0, "cov_100000_mb": 682,
    "snap_query_s": 1.5, "snap_build_s": None,
    "report_s": 15.0,
    "mclp_10s_gap": None, "mclp_opt_s": 81.0,
}
TARGET = {
    "page_cold_s": "< 3 s", "page_warm_s": "< 1 s", "help_s": "< 0.5 s",
    "cov_100000_s": "< 4 s", "cov_100000_mb": "< 1024 MB", "cov_ratio": "<= 1.5x", "cov_cpu_ratio": "<= 1.5x",
    "snap_speedup": ">= 3x", "snap_max_access_diff_m": "0 (same answers)", "report_s": "< 5 s",
    "mclp_10s_gap": "<= 0.5 % in 10 s", "mclp_opt_s": "optimum < 60 s",
}


# -- running a child in a given code root ---------------------------------------------------------


def run_child(code: Path, argv: list[str], *, timeout: float = 900, env: dict | None = None) -> dict:
    """Run ``argv`` with ``code`` as cwd and first on PYTHONPATH; wall seconds, peak RSS (MB), output."""
    e = {**os.environ, "PYTHONPATH": str(code), "SERVICECIRCLE_CACHE": str(code / ".cache"),
         "MPLBACKEND": "Agg", **(env or {})}
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=code, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"wall": float("nan"), "rss": float("nan"), "rc": "timeout", "out": out, "err": err}
    wall = time.perf_counter() - t0
    return {"wall": wall, "rss": float("nan"), "rc": proc.returncode, "out": out, "err": err}


def run_child_rss(code: Path, argv: list[str], *, timeout: float = 900) -> dict:
    """Like :func:`run_child`, with this child's own peak RSS (via a tiny wrapper using wait4)."""
    wrapper = (
        "import os, sys, time, json\n"
        "t0 = time.perf_counter()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.execv(sys.argv[1], sys.argv[1:])\n"
        "_, status, ru = os.wait4(pid, 0)\n"
        "print(json.dumps({'wall': time.perf_counter() - t0, 'rss': ru.ru_maxrss / 1024.0,"
        " 'cpu': ru.ru_utime + ru.ru_stime, 'rc': os.waitstatus_to_exitcode(status)}), file=sys.stderr)\n"
    )
    r = run_child(code, [PY, "-c", wrapper, *argv], timeout=timeout)
    try:
        stats = json.loads(r["err"].strip().splitlines()[-1])
        r.update(stats)
    except (ValueError, IndexError):
        r["rc"] = r["rc"] or "no stats"
    return r


def median_of(code: Path, argv: list[str], repeat: int) -> dict:
    runs = [run_child_rss(code, argv) for _ in range(repeat)]
    best = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return best


def _check(r: dict, what: str) -> None:
    if r["rc"] != 0:
        raise RuntimeError(f"{what} failed ({r['rc']}):\n{r['err'][-3000:]}")


# -- demand files ------------------------------------------------------------------------------------


def demand_file(n: int) -> Path:
    """``n`` random demand points (WGS-84 lon/lat, 人口) inside the sample city's grids, as CSV."""
    import numpy as np

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"demand_{n}.csv"
    if path.exists():
        return path
    grids = json.loads((ROOT / "data" / "demo" / "grids.geojson").read_text(encoding="utf-8"))
    xs, ys = [], []
    for f in grids["features"]:
        ring = f["geometry"]["coordinates"]
        while isinstance(ring[0][0], list):
            ring = ring[0]
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    rng = np.random.default_rng(n)
    lon = rng.uniform(min(xs), max(xs), n)
    lat = rng.uniform(min(ys), max(ys), n)
    pop = rng.integers(1, 60, n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("编号,名称,人口,经度,纬度\n")
        for i in range(n):
            fh.write(f"{i + 1},点{i + 1},{pop[i]},{lon[i]:.7f},{lat[i]:.7f}\n")
    return path


# -- measurements ------------------------------------------------------------------------------------

CLI = "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))"


def m_help(code: Path, repeat: int) -> dict:
    r = median_of(code, [PY, "-c", CLI, "--help"], repeat)
    _check(r, "servicecircle --help")
    return {"help_s": r["wall"]}


def m_coverage(code: Path, repeat: int) -> dict:
    out: dict = {}
    # warm the network cache once (not counted)
    _check(run_child(code, [PY, "-c", CLI, "coverage", "--out", str(WORK / "warm.gpkg")]), "coverage warm-up")
    for n in (1000, 10000, 100000):
        path = demand_file(n)
        r = median_of(code, [PY, "-c", CLI, "coverage", "--demand", str(path),
                             "--out", str(WORK / f"cov_{code.name}_{n}.gpkg")], repeat if n < 100000 else 1)
        _check(r, f"coverage with {n} points")
        out[f"cov_{n}_s"] = r["wall"]
        out[f"cov_{n}_cpu_s"] = r.get("cpu", float("nan"))
        out[f"cov_{n}_mb"] = r["rss"]
    out["cov_ratio"] = out["cov_100000_s"] / out["cov_1000_s"]
    out["cov_cpu_ratio"] = out["cov_100000_cpu_s"] / out["cov_1000_cpu_s"]
    return out


def m_report(code: Path, repeat: int) -> dict:
    """``servicecircle report`` (4 formats): once with no cached figures, then again (median of
    ``repeat``) with the figures cached where the code caches them (``<code>/.cache/report-figures``).
    CPU = user + sys of the command and the processes it waited for (the PDF worker)."""
    WORK.mkdir(parents=True, exist_ok=True)
    prime = run_child_rss(code, [PY, "-c", CLI, "report", "--format", "xlsx", "--out", str(WORK / "report_prime")])
    _check(prime, "servicecircle report (priming the network and OSM caches)")
    shutil.rmtree(code / ".cache" / "report-figures", ignore_errors=True)
    argv = [PY, "-c", CLI, "report", "--out", str(WORK / f"report_{code.name}")]
    cold = run_child_rss(code, argv)
    _check(cold, "servicecircle report")
    r = median_of(code, argv, repeat)
    _check(r, "servicecircle report")
    return {"report_s": cold["wall"], "report_cpu_s": cold.get("cpu"), "report_mb": cold["rss"],
            "report_warm_s": r["wall"], "report_warm_cpu_s": r.get("cpu")}


def m_snap(code: Path, repeat: int) -> dict:
    r = run_child(code, [PY, str(HERE / "bench_issue16.py"), "--worker", "snap"])
    _check(r, "snapping")
    return json.loads(r["out"].strip().splitlines()[-1])


def m_figures(code: Path, repeat: int) -> dict:
    r = run_child(code, [PY, str(HERE / "bench_issue16.py"), "--worker", "figures"])
    _check(r, "report figures")
    return json.loads(r["out"].strip().splitlines()[-1])


def m_mclp(code: Path, repeat: int, quick: bool = False) -> dict:
    args = [PY, str(HERE / "bench_issue16.py"), "--worker", "mclp"] + (["--quick"] if quick else [])
    r = run_child(code, args, timeout=1800)
    _check(r, "MCLP")
    return json.loads(r["out"].strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


JS_READY = """() => {
  const f = [...document.querySelectorAll('iframe')].find(i => (i.title || '').includes('st_folium'));
  if (!f || !f.contentWindow || !f.contentWindow.map) return false;
  let n = 0;
  f.contentWindow.map.eachLayer(l => { if (l.feature && l.feature.properties
      && l.feature.properties.minutes !== undefined && l._parts && l._parts.length > 0) n += 1; });
  return n > 0 && document.querySelectorAll("[data-testid='stMetricValue']").length > 0;
}"""


FLOOR_APP = """# Floor: a bare Streamlit page with the same assets (local Leaflet/jQuery), 5 metrics, one isochrone.
import folium
import streamlit as st
from streamlit_folium import st_folium

st.set_page_config(page_title="floor", layout="wide")
from ui.maps.assets import asset_urls  # noqa: E402

st.sidebar.radio("语言 / Language", ["zh", "en"])
st.title("覆盖分析")
for i, c in enumerate(st.columns(5)):
    c.metric(f"m{i}", f"{i}")
m = folium.Map(location=[30.26, 120.17], zoom_start=14, tiles=None, prefer_canvas=True)
m.default_js, m.default_css = asset_urls("served")
folium.GeoJson({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"minutes": 8},
    "geometry": {"type": "Polygon", "coordinates": [[[120.16, 30.25], [120.18, 30.25], [120.18, 30.27],
                                                     [120.16, 30.25]]]}}]}).add_to(m)
st_folium(m, key="covmap", height=620, use_container_width=True, returned_objects=["last_clicked"])
"""

FLOOR_MAP_APP = """# Floor with the real map: the bare page showing the prepared coverage map frame (no analysis).
import streamlit as st

st.set_page_config(page_title="floor-map", layout="wide")
from geo.disk_cache import cache_root  # noqa: E402
from ui.maps.frame import KIND, read_frame, show_frame  # noqa: E402

st.sidebar.radio("语言 / Language", ["zh", "en"])
st.title("覆盖分析")
for i, c in enumerate(st.columns(5)):
    c.metric(f"m{i}", f"{i}")
entries = sorted((cache_root() / KIND).iterdir(), key=lambda p: p.stat().st_mtime)
frame = next(f for f in (read_frame(p.name) for p in reversed(entries)) if f is not None)
show_frame(frame, key="covmap", height=620, returned_objects=["last_clicked", "last_object_clicked_tooltip"])
"""


def _floor_script(code: Path, name: str, text: str) -> Path:
    """A floor page in its own folder (with ``static`` linked, so /app/static serves the same assets)."""
    folder = WORK / f"{name}_{code.name}"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "static"
    if not link.exists():
        link.symlink_to(code / "static", target_is_directory=True)
    path = folder / "app.py"
    path.write_text(text, encoding="utf-8")
    return path


def _one_server(code: Path, script: str | Path, measure_warm: bool) -> dict:
    """Start ``streamlit run script`` in ``code``; cold = process start -> map + figures visible in
    a first tab; warm = the same in a new tab of the same server. Also the server's CPU seconds."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(code), "SERVICECIRCLE_CACHE": str(code / ".cache"),
           "PYTHONUNBUFFERED": "1"}
    # "serve": as make run starts it (python -m ui.serve = streamlit run app.py + background preload)
    cmd = [PY, "-m", "ui.serve"] if script == "serve" else [PY, "-m", "streamlit", "run", str(script)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd + ["--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
            ctx = browser.new_context(viewport={"width": 1500, "height": 1150}, locale="zh-CN")
            ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")) else route.abort())
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    time.sleep(0.05)
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("streamlit did not start")
            out["health_s"] = time.perf_counter() - t0
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.wait_for_function(JS_READY, polling=50)
            out["cold"] = time.perf_counter() - t0
            if measure_warm:
                page.close()
                t1 = time.perf_counter()
                page = ctx.new_page()
                page.set_default_timeout(60_000)
                page.goto(url)
                page.wait_for_function(JS_READY, polling=50)
                out["warm"] = time.perf_counter() - t1
            browser.close()
        return out
    finally:
        proc.terminate()
        try:
            _, _, ru = os.wait4(proc.pid, 0)  # the server's own CPU time (both tabs and start-up)
            proc.returncode = 0
            out["server_cpu_s"] = ru.ru_utime + ru.ru_stime
        except ChildProcessError:
            pass


def m_page(code: Path, repeat: int) -> dict:
    """Server start -> map with isochrones and headline figures visible (cold), then a new tab (warm).

    As ``make run``: ``python -m ui.prepare`` first (when the code has it; its time is reported as
    ``page_prepare_s``), then the server. Interleaved with two floor pages on the same machine
    state: a bare Streamlit page with the same assets and one tiny isochrone ("floor"), and the
    same bare page showing the prepared coverage map ("floor + real map").
    """
    res: dict = {}
    if (code / "ui" / "prepare.py").exists():
        import shutil

        for kind in ("coverage-result", "coverage-tables", "map-frame", "demand-estimate"):  # a real first time
            shutil.rmtree(code / ".cache" / kind, ignore_errors=True)
        r = run_child(code, [PY, "-m", "ui.prepare"])
        _check(r, "ui.prepare")
        res["page_prepare_s"] = r["wall"]
        r = run_child(code, [PY, "-m", "ui.prepare"])  # everything cached: what make run costs then
        res["page_prepare_warm_s"] = r["wall"]
        scripts = {"page": "serve" if (code / "ui" / "serve.py").exists() else "app.py", "plain": "app.py",
                   "floor": _floor_script(code, "floor", FLOOR_APP),
                   "floormap": _floor_script(code, "floormap", FLOOR_MAP_APP)}
    else:
        _one_server(code, "app.py", False)  # builds the on-disk caches once (not counted)
        scripts = {"page": "app.py"}
    runs: dict[str, list[dict]] = {k: [] for k in scripts}
    for _ in range(repeat):
        for name, script in scripts.items():
            runs[name].append(_one_server(code, script, True))
    for name, rs in runs.items():
        for k, col in (("cold", "cold_s"), ("warm", "warm_s"), ("server_cpu_s", "server_cpu_s"),
                       ("health_s", "health_s")):
            vals = [r[k] for r in rs if k in r]
            if vals:
                res[f"{name}_{col}"] = statistics.median(vals)
    if (code / "ui" / "prepare.py").exists():
        r = run_child(code, [PY, str(HERE / "bench_issue16.py"), "--worker", "phases"])
        _check(r, "first-page phases")
        res.update(json.loads(r["out"].strip().splitlines()[-1]))
    return res


MEASURES = {"page": m_page, "help": m_help, "coverage": m_coverage, "snap": m_snap, "report": m_report,
            "figures": m_figures, "mclp": m_mclp}


# -- workers (run inside a code root) ------------------------------------------------------------


def worker_snap() -> dict:
    import numpy as np
    import geopandas as gpd
    import shapely

    from benchmarks.synthetic_city import synthetic_city
    from geo.snapping import snap_points

    net = synthetic_city()
    rng = np.random.default_rng(16)
    x0, x1 = net.node_x.min(), net.node_x.max()
    y0, y1 = net.node_y.min(), net.node_y.max()
    pts = gpd.GeoSeries(shapely.points(rng.uniform(x0, x1, 100_000), rng.uniform(y0, y1, 100_000)), crs=net.crs)
    t0 = time.perf_counter()
    if hasattr(type(net), "snap_index"):
        _ = net.snap_index      # this issue's k-d-tree index (kept with the network)
    else:
        _ = net.edge_tree       # before: the STRtree of the segments
    t_build = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        again = snap_points(net, pts)
        times.append(time.perf_counter() - t0)
    first = again
    t_again = sorted(times)[1]
    t_first = t_build + times[0]
    # reference: the plain STRtree nearest segment
    tree = shapely.STRtree(net.edge_geometry)
    geoms = np.asarray(pts.values)
    _, ref_edge = tree.query_nearest(geoms, all_matches=False)
    ref_access = shapely.distance(geoms, net.edge_geometry[ref_edge])
    diff = float(np.max(np.abs(again.access_m - ref_access)))
    same_edge = float(np.mean(again.edge == ref_edge))
    assert np.array_equal(first.edge, again.edge)
    return {"snap_first_s": t_first, "snap_query_s": t_again, "snap_build_s": t_build,
            "snap_n_edges": net.n_edges, "snap_max_access_diff_m": diff, "snap_same_edge_share": same_edge}


def worker_phases() -> dict:
    """The first page's server-side steps in a new process (prepared cache), wall and CPU seconds:
    what the script run of a first tab does, step by step, outside the browser."""
    import logging

    out: dict = {}
    w0, c0 = time.perf_counter(), time.process_time()

    def step(name: str) -> None:
        nonlocal w0, c0
        w, c = time.perf_counter(), time.process_time()
        out[f"phase_{name}_s"] = w - w0
        out[f"phase_{name}_cpu_s"] = c - c0
        w0, c0 = w, c

    import streamlit  # noqa: F401  (imported by the server before the script runs)

    step("import_streamlit")
    from ui import page_coverage, state
    from ui.shell import Settings

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    step("import_app")
    s = Settings()
    ds = state.dataset()
    step("data")
    base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    key = state.coverage_key(ds, s.minutes, s.speed_kmh, s.include_stations)
    step("coverage")
    state.level_tables(base, key)
    step("tables")
    state.map_frame(ds, s.minutes, s.speed_kmh, s.include_stations, page_coverage.map_options(s, None),
                    lambda: page_coverage.build_map(ds, base, s, None)[0])
    step("map")
    out["phase_folium_imported"] = "folium" in sys.modules
    return out


def worker_figures() -> dict:
    """The report's figures (static maps + charts) for the sample city, drawn twice in one process."""
    from analysis.report import charts, staticmap  # noqa: F401  (matplotlib loaded before the clock starts, as in base)
    from analysis.report.content import build_content
    from analysis.report.figures import build_figures
    from analysis.report.study_inputs import inputs_from_study
    from analysis.study import load_study, run_study

    study = load_study()
    result = run_study(study)
    inputs = inputs_from_study(study, "zh")
    content = build_content(result, "zh", inputs=inputs)
    t0, c0 = time.perf_counter(), time.process_time()
    figs = build_figures(result, content, inputs)
    first, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"figures_s": first, "figures_cpu_s": cpu, "figures_n": sum(v is not None for v in figs.values())}


def worker_mclp(quick: bool) -> dict:
    sys.path.insert(0, str(Path.cwd() / "benchmarks"))
    from bench_siting import problem_from
    from synthetic_siting import make_instance

    from analysis.siting.solvers import solve_mclp

    inst = make_instance(seed=7)
    problem = problem_from(inst)
    _ = problem.cover
    out = {}

    def figures(s) -> tuple[float, float]:  # the result class changed (objective -> covered_weight)
        return (getattr(s, "covered_weight", None) or s.objective,
                getattr(s, "covered_weight_bound", None) or s.bound)

    t0, c0 = time.perf_counter(), time.process_time()
    s = solve_mclp(problem, 20, solver="exact", time_limit_s=10.0, rel_gap=0.005)
    obj, bound = figures(s)
    out.update(mclp_10s_wall=time.perf_counter() - t0, mclp_10s_cpu=time.process_time() - c0,
               mclp_10s_gap=s.gap * 100, mclp_10s_status=s.status, mclp_10s_obj=obj, mclp_10s_bound=bound,
               mclp_model=f"{s.model_rows}x{s.model_cols}")
    if not quick:
        t0, c0 = time.perf_counter(), time.process_time()
        s = solve_mclp(problem, 20, solver="exact", time_limit_s=60.0)
        obj, bound = figures(s)
        out.update(mclp_opt_s=time.perf_counter() - t0, mclp_60s_cpu=time.process_time() - c0,
                   mclp_60s_gap=s.gap * 100, mclp_60s_status=s.status, mclp_60s_obj=obj, mclp_60s_bound=bound)
    return out


# -- table ----------------------------------------------------------------------------------------

ROWS = [
    ("page_cold_s", "First page, server start -> map + figures (s)"),
    ("page_warm_s", "First page, warm (new tab, same server) (s)"),
    ("page_server_cpu_s", "  server CPU, start + both tabs (s)"),
    ("page_health_s", "  server start -> /_stcore/health ok (s)"),
    ("page_prepare_s", "  make run's ui.prepare, first time (s)"),
    ("page_prepare_warm_s", "  make run's ui.prepare, all cached (s)"),
    ("plain_cold_s", "  plain `streamlit run app.py` (no preload), cold (s)"),
    ("plain_warm_s", "  plain `streamlit run app.py`, warm (s)"),
    ("floor_cold_s", "Floor: bare page, same assets, cold (s)"),
    ("floor_warm_s", "  floor, warm (new tab) (s)"),
    ("floor_server_cpu_s", "  floor server CPU (s)"),
    ("floormap_cold_s", "Floor + the real cached map, cold (s)"),
    ("floormap_warm_s", "  floor + real map, warm (new tab) (s)"),
    ("phase_import_streamlit_s", "Server steps: import streamlit (s)"),
    ("phase_import_app_s", "  import the app's first page (s)"),
    ("phase_data_s", "  sample data (network, layers) (s)"),
    ("phase_coverage_s", "  coverage run (cached) (s)"),
    ("phase_tables_s", "  level tables (cached) (s)"),
    ("phase_map_s", "  map frame (cached) (s)"),
    ("phase_import_app_cpu_s", "  CPU: import the app (s)"),
    ("phase_data_cpu_s", "  CPU: sample data (s)"),
    ("phase_folium_imported", "  Folium imported by the first page"),
    ("help_s", "servicecircle --help (s)"),
    ("cov_1000_s", "coverage, 1,000 demand points (s)"),
    ("cov_1000_cpu_s", "  CPU user+sys (s; the machine is shared)"),
    ("cov_1000_mb", "  peak RSS (MB)"),
    ("cov_10000_s", "coverage, 10,000 demand points (s)"),
    ("cov_10000_cpu_s", "  CPU user+sys (s; the machine is shared)"),
    ("cov_10000_mb", "  peak RSS (MB)"),
    ("cov_100000_s", "coverage, 100,000 demand points (s)"),
    ("cov_100000_cpu_s", "  CPU user+sys (s; the machine is shared)"),
    ("cov_100000_mb", "  peak RSS (MB)"),
    ("cov_ratio", "coverage time 100,000 / 1,000 (x)"),
    ("cov_cpu_ratio", "  CPU time 100,000 / 1,000 (x)"),
    ("snap_query_s", "snap 100,000 pts x synthetic city, query (s)"),
    ("snap_build_s", "  index build, once per network (s)"),
    ("snap_first_s", "  first call = build + query (s)"),
    ("snap_speedup", "  query speed-up, base / now (x)"),
    ("snap_max_access_diff_m", "  max |access - STRtree access| (m)"),
    ("snap_same_edge_share", "  same segment as STRtree (rest: equal ties)"),
    ("report_s", "report, 4 formats, sample city (s)"),
    ("report_cpu_s", "  CPU, user + sys incl. PDF worker (s)"),
    ("report_mb", "  peak RSS (MB)"),
    ("report_warm_s", "  again, figures cached if the code does (s)"),
    ("report_warm_cpu_s", "  CPU of that run (s)"),
    ("figures_s", "  report figures only (maps + charts) (s)"),
    ("figures_cpu_s", "  CPU of drawing them (s)"),
    ("figures_n", "  number of figures"),
    ("mclp_10s_gap", "city MCLP: proven gap with 10 s limit (%)"),
    ("mclp_10s_wall", "  wall of that run (s)"),
    ("mclp_10s_cpu", "  CPU of that run, all threads (s)"),
    ("mclp_10s_obj", "  objective"),
    ("mclp_10s_bound", "  bound"),
    ("mclp_model", "  reduced model rows x columns"),
    ("mclp_opt_s", "city MCLP: wall with 60 s limit (s)"),
    ("mclp_60s_cpu", "  CPU of that run, all threads (s)"),
    ("mclp_60s_status", "  status after that run"),
    ("mclp_60s_gap", "  proven gap after that run (%)"),
    ("mclp_60s_bound", "  bound"),
    ("mclp_60s_obj", "  objective"),
]


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        if v != v:
            return "n/a"
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
    return str(v)


def table(cols: dict[str, dict]) -> str:
    names = list(cols)
    head = f"{'figure':<48}" + "".join(f"{n:>14}" for n in names) + "   target"
    lines = [head, "-" * len(head)]
    for key, label in ROWS:
        if not any(key in c for c in cols.values()):
            continue
        lines.append(f"{label:<48}" + "".join(f"{fmt(cols[n].get(key)):>14}" for n in names)
                     + f"   {TARGET.get(key, '')}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, help="old checkout of the code (the 'base' column)")
    ap.add_argument("--only", default=",".join(MEASURES), help=f"comma-separated subset of {','.join(MEASURES)}")
    ap.add_argument("--repeat", type=int, default=3, help="runs per short measurement (median)")
    ap.add_argument("--quick", action="store_true", help="MCLP: only the 10 s run")
    ap.add_argument("--base-only", action="store_true", help="measure only the --base checkout")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        sys.path.insert(0, str(Path.cwd()))
        res = {"snap": worker_snap, "figures": worker_figures, "phases": worker_phases}.get(
            args.worker, lambda: worker_mclp(args.quick))()
        print(json.dumps(res))
        return 0
    roots = {"now": ROOT}
    if args.base:
        roots = {"base": args.base.resolve()} if args.base_only else {"base": args.base.resolve(), "now": ROOT}
    cols: dict[str, dict] = {"issue": dict(ISSUE)}
    for name in roots:
        cols[name] = {}
    for m in args.only.split(","):
        for name, code in roots.items():
            t0 = time.perf_counter()
            try:
                if m == "mclp":
                    res = m_mclp(code, args.repeat, args.quick)
                else:
                    res = MEASURES[m](code, args.repeat)
            except Exception as err:  # keep the other figures
                print(f"[{name}] {m}: FAILED {type(err).__name__}: {str(err)[:500]}", file=sys.stderr)
                continue
            cols[name].update(res)
            print(f"[{name}] {m} done in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{k}={fmt(v)}" for k, v in res.items()), file=sys.stderr, flush=True)
    if "snap_query_s" in cols.get("base", {}) and "snap_query_s" in cols.get("now", {}):
        cols["now"]["snap_speedup"] = cols["base"]["snap_query_s"] / cols["now"]["snap_query_s"]
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(table(cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
