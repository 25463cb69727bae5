"""``servicecircle batch MANIFEST``: every study area of a manifest as a task on Dask distributed.

A local cluster by default (2 worker processes, 1 thread each), or ``--scheduler ADDRESS`` for an
existing one. Resumable: areas finished by an earlier run (done marker matching the row) are
skipped. An area that fails is reported and the others go on (exit code 2 if any failed).
Output: ``OUT/areas/<out>.gpkg`` per area and ``OUT/summary.gpkg`` + ``OUT/summary.xlsx``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from analysis.batch import default_out_dir, env_threads_one, read_manifest, run_batch
from cli.options import THREADS, WORKERS, output_folder
from geo.errors import ParameterError
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="run many study areas (a CSV/XLSX manifest) on Dask distributed")
    p.add_argument("manifest", help="CSV/XLSX, one row per area: area, osm, centers, demand, grids, communities, "
                                    "minutes, speed_kmh, max_access_m, coords, out (paths relative to the manifest)")
    p.add_argument("--out", type=output_folder, help="output folder (default out/batch/<manifest name>)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                       "(default: start a local cluster)")
    p.add_argument("--workers", type=WORKERS, default=2, help="local cluster: worker processes (default 2)")
    p.add_argument("--threads", type=THREADS, default=1, help="local cluster: threads per worker (default 1)")
    p.add_argument("--memory-limit", default="auto", help="local cluster: memory per worker, e.g. 2GB (default auto)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the summary")
    p.set_defaults(func=run)


def progress_bar(zh: bool, width: int = 30):
    """A text progress bar on stderr: one line per finished area."""
    start = time.perf_counter()

    def show(done: int, total: int, fig: dict) -> None:
        filled = int(width * done / max(total, 1))
        status = fig.get("status", "")
        label = {"done": text("cli.done", "zh" if zh else "en"), "failed": text("cli.failed", "zh" if zh else "en")}.get(
            status, text("cli.skipped_done_before", "zh" if zh else "en"))
        extra = f" — {fig.get('error')}" if status == "failed" else ""
        print(f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {time.perf_counter() - start:6.1f} s  "
              f"{fig.get('area')}: {label}{extra}", file=sys.stderr, flush=True)

    return show


def _client(args: argparse.Namespace):
    from distributed import Client, LocalCluster

    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if args.scheduler:
        try:
            return Client(args.scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as err:
            raise ParameterError(both("error.dask_unreachable", scheduler=args.scheduler, err=err)) from None
    if args.workers < 1 or args.threads < 1:
        raise ParameterError(both("error.workers_threads_invalid"))
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads, processes=True,
                           dashboard_address=None, memory_limit=args.memory_limit, env=env_threads_one(),
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run(args: argparse.Namespace) -> int:
    zh = args.lang == "zh"
    tasks = read_manifest(args.manifest)
    out = args.out or str(default_out_dir(args.manifest))
    print((text("cli.areas", args.lang, n_tasks=len(tasks), out=out)), file=sys.stderr)
    client, cluster = _client(args)
    try:
        where = args.scheduler or (text("cli.local_cluster_workers_thread", args.lang, workers=args.workers, threads=args.threads))
        print(("Dask: " + where), file=sys.stderr)
        res = run_batch(tasks, out, client, progress=progress_bar(zh))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    t = res.table
    cols = ["area", "status", "total_pop", "covered_share", "uncovered_pop", "n_centers", "n_nodes", "seconds"]
    view = t[cols].copy()
    view["covered_share"] = (view["covered_share"] * 100).round(1)
    view[["total_pop", "uncovered_pop"]] = view[["total_pop", "uncovered_pop"]].round(0)
    view["seconds"] = view["seconds"].round(1)
    view.columns = [text(f"cli.batch_col_{c}", args.lang) for c in cols]
    print(view.to_string(index=False))
    print(text("cli.ran_skipped_finished_before_failed", args.lang, n_run=res.n_run, n_skipped=res.n_skipped, n_failed=res.n_failed, seconds=res.seconds))
    print((text("cli.summary", args.lang)) + f"{res.gpkg}  {res.xlsx}")
    if res.n_failed:
        for _, r in res.failed.iterrows():
            print(f"{both('cli.batch_failed')} {r['area']} (row {r['row']}): {r['error']}", file=sys.stderr)
        return 2
    return 0
