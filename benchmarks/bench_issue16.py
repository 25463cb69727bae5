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
  "cold" = from process start (disk caches of the network already built); "warm" = a new tab on
  the same server.
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
    "cov_100000_s": "< 4 s", "cov_100000_mb": "< 1024 MB", "cov_ratio": "<= 1.5x",
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
        out[f"cov_{n}_mb"] = r["rss"]
    out["cov_ratio"] = out["cov_100000_s"] / out["cov_1000_s"]
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


def m_page(code: Path, repeat: int) -> dict:
    """Server start -> map with isochrones and headline figures visible (cold), then a new tab (warm)."""
    from playwright.sync_api import sync_playwright

    def one_server(measure_warm: bool) -> tuple[float, float | None]:
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(code), "SERVICECIRCLE_CACHE": str(code / ".cache"),
               "PYTHONUNBUFFERED": "1"}
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [PY, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
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
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                page.goto(url)
                page.wait_for_function(JS_READY, polling=50)
                cold = time.perf_counter() - t0
                warm = None
                if measure_warm:
                    page.close()
                    t1 = time.perf_counter()
                    page = ctx.new_page()
                    page.set_default_timeout(60_000)
                    page.goto(url)
                    page.wait_for_function(JS_READY, polling=50)
                    warm = time.perf_counter() - t1
                browser.close()
            return cold, warm
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    one_server(False)  # builds the on-disk caches once (not counted)
    runs = [one_server(True) for _ in range(repeat)]
    colds = sorted(r[0] for r in runs)
    warms = sorted(r[1] for r in runs)
    return {"page_cold_s": statistics.median(colds), "page_warm_s": statistics.median(warms)}


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
               mclp_model=f"{s.model_rows:,} x {s.model_cols:,}")
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
    ("help_s", "servicecircle --help (s)"),
    ("cov_1000_s", "coverage, 1,000 demand points (s)"),
    ("cov_1000_mb", "  peak RSS (MB)"),
    ("cov_10000_s", "coverage, 10,000 demand points (s)"),
    ("cov_10000_mb", "  peak RSS (MB)"),
    ("cov_100000_s", "coverage, 100,000 demand points (s)"),
    ("cov_100000_mb", "  peak RSS (MB)"),
    ("cov_ratio", "coverage time 100,000 / 1,000 (x)"),
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
        res = {"snap": worker_snap, "figures": worker_figures}.get(args.worker, lambda: worker_mclp(args.quick))()
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
