"""Many study areas at once: a manifest (CSV/XLSX, one row per area) run as tasks on Dask.

Each row names a study area's street file, layers, walking parameters and output name. Every
area is one task (:func:`run_area`) on a ``dask.distributed`` cluster (a local one by default,
or an existing scheduler). Per area the task writes, atomically, ``areas/<out>.gpkg`` (the
coverage layers), ``areas/<out>.json`` (its figures) and last ``areas/<out>.done`` (a marker
holding the row's fingerprint): a batch that is killed and started again skips every area whose
marker matches its row, and reruns the rest. An area that fails is reported (``areas/<out>.error``)
and the others go on. One summary table (GeoPackage + XLSX) holds every area's figures.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import resource
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.errors import LayerError, ServiceCircleError
from geo.messages import both
from geo.safe_io import atomic_write_path, atomic_write_text

#: manifest column -> accepted headers (lower-cased; Chinese and English)
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area", "name", "区域", "名称", "片区", "街道"),
    "osm": ("osm", "street_file", "streets", "路网", "路网文件", "osm文件"),
    "centers": ("centers", "服务中心", "党群服务中心"),
    "stations": ("stations", "红色驿站", "驿站"),
    "demand": ("demand", "population", "人口", "需求", "居民"),
    "grids": ("grids", "网格"),
    "communities": ("communities", "社区"),
    "minutes": ("minutes", "分钟", "阈值", "阈值分钟"),
    "speed_kmh": ("speed_kmh", "speed", "步速", "步行速度"),
    "max_access_m": ("max_access_m", "max_access", "离路网上限", "离路网上限米"),
    "coords": ("coords", "坐标系"),
    "out": ("out", "output", "输出", "输出名称"),
}
FILE_COLUMNS = ("osm", "centers", "stations", "demand", "grids", "communities")
_SAFE_OUT = re.compile(r"^[\w\-\u4e00-\u9fff]{1,80}$")
FIGURES = ["area", "out", "status", "total_pop", "covered_pop", "covered_share", "uncovered_pop", "off_network_pop",
           "unreachable_pop", "median_min", "p90_min", "n_centers", "minutes", "speed_kmh", "n_nodes", "n_edges",
           "seconds", "cpu_s", "peak_rss_mb", "is_demo", "population_is_estimate", "error"]


@dataclass(frozen=True)
class AreaTask:
    """One manifest row, resolved: absolute file paths (or None), parameters, output name."""

    row: int                      # row number as the planner sees it (header = 1)
    area: str
    out: str
    files: dict[str, str | None]
    minutes: float = 8.0
    speed_kmh: float = 4.5
    max_access_m: float = 300.0
    coords: str = "auto"
    key: str = field(default="")  # fingerprint of the row and of its files' sizes/mtimes


def _cell(v) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def _number(v: str, default: float, what: str, row: int) -> float:
    if v == "":
        return default
    try:
        x = float(v)
    except ValueError:
        raise LayerError(both("error.manifest_not_number", row=row, what=what, v=v)) from None
    if not np.isfinite(x):
        raise LayerError(both("error.manifest_not_finite", row=row, what=what))
    return x


def _fingerprint(payload: dict, files: dict[str, str | None]) -> str:
    h = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    for k in sorted(files):
        p = files[k]
        if p and Path(p).is_file():
            st = Path(p).stat()
            h.update(f"{k}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def read_manifest_frame(path: str | Path) -> pd.DataFrame:
    """The manifest's cells as text (CSV in UTF-8/GBK, or the first sheet of an XLSX).

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv`` or ``.xlsx``/``.xlsm`` manifest.

    Returns
    -------
    DataFrame
        The cells as text, empty rows dropped, headers as written.

    Raises
    ------
    geo.errors.LayerError
        When the file does not exist, has another suffix or its text cannot be decoded.
    """
    p = Path(path)
    if not p.is_file():
        raise LayerError(both("error.manifest_not_found", p=p))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        df = pd.read_excel(p, dtype=str, engine="openpyxl")
    elif suffix in (".csv", ".txt", ".tsv"):
        from geo.tables import decode_text

        text, _ = decode_text(p.read_bytes(), p.name)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    else:
        raise LayerError(both("error.manifest_format", suffix=p.suffix))
    return df.dropna(how="all")


def read_manifest(path: str | Path) -> list[AreaTask]:
    """Parse and check a manifest; relative file paths are relative to the manifest's folder.

    Refuses (LayerError, bilingual) a manifest without an area column, with no rows, with an
    unsafe or repeated output name or a bad number. A missing layer FILE is not refused here:
    that area fails alone when it runs, and the others go on.

    Parameters
    ----------
    path : str or Path
        The manifest (CSV or XLSX; headers in Chinese or English, see :data:`COLUMNS`).

    Returns
    -------
    list of AreaTask
        One per row, in order: absolute file paths, minutes, km/h, access cap in metres, coords,
        output name and fingerprint.

    Raises
    ------
    geo.errors.LayerError
        As described above.
    """
    p = Path(path)
    df = read_manifest_frame(p)
    rename = {}
    for col in df.columns:
        low = str(col).strip().lower()
        for canon, names in COLUMNS.items():
            if low in names and canon not in rename.values():
                rename[col] = canon
    df = df.rename(columns=rename)
    if "area" not in df:
        raise LayerError(both("error.manifest_no_area_column"))
    if len(df) == 0:
        raise LayerError(both("error.manifest_no_rows"))
    base = p.resolve().parent
    tasks, outs = [], set()
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2
        cells = {k: _cell(rec.get(k)) for k in COLUMNS}
        area = cells["area"]
        if not area:
            raise LayerError(both("error.manifest_no_area_name", row=row))
        out = cells["out"] or area
        if not _SAFE_OUT.match(out):
            raise LayerError(both("error.manifest_out_name_invalid", row=row, out=out))
        if out in outs:
            raise LayerError(both("error.manifest_out_name_repeated", row=row, out=out))
        outs.add(out)
        files = {k: (str((base / cells[k]).resolve()) if cells[k] else None) for k in FILE_COLUMNS}
        coords = cells["coords"] or "auto"
        if coords not in ("auto", "wgs84", "gcj02", "bd09"):
            raise LayerError(both("error.manifest_coords_invalid", row=row))
        t = dict(row=row, area=area, out=out, files=files,
                 minutes=_number(cells["minutes"], 8.0, "minutes", row),
                 speed_kmh=_number(cells["speed_kmh"], 4.5, "speed_kmh", row),
                 max_access_m=_number(cells["max_access_m"], 300.0, "max_access_m", row), coords=coords)
        payload = {k: v for k, v in t.items() if k != "row"}
        tasks.append(AreaTask(**t, key=_fingerprint(payload, files)))
    return tasks


# --------------------------------------------------------------------------- one area (runs on a worker)


def area_paths(out_dir: str | Path, out: str) -> dict[str, Path]:
    """The result files of one area under ``out_dir/areas/``.

    Parameters
    ----------
    out_dir : str or Path
        The batch output folder.
    out : str
        The area's output name.

    Returns
    -------
    dict of str to Path
        ``gpkg``, ``json``, ``done``, ``error`` -> ``areas/<out>.<key>``.
    """
    d = Path(out_dir) / "areas"
    return {k: d / f"{out}.{k}" for k in ("gpkg", "json", "done", "error")}


def is_done(task: AreaTask, out_dir: str | Path) -> bool:
    """True when the area's done marker matches this row and its result files are there.

    Parameters
    ----------
    task : AreaTask
        The manifest row.
    out_dir : str or Path
        The batch output folder.

    Returns
    -------
    bool
    """
    p = area_paths(out_dir, task.out)
    try:
        return p["done"].read_text(encoding="utf-8").strip() == task.key and p["json"].is_file() and p["gpkg"].is_file()
    except OSError:
        return False


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _area_outline_wkt(study) -> str:
    """The study area (grids, else communities, else the network's extent) in WGS-84, as WKT."""
    for g in (study.grids, study.communities):
        if g is not None and len(g):
            return shapely.to_wkt(g.to_crs(WGS84).geometry.union_all().convex_hull, rounding_precision=7)
    return shapely.to_wkt(shapely.box(*study.network.bounds_wgs84()), rounding_precision=7)


def run_area(task: AreaTask, out_dir: str) -> dict:
    """Run one area's coverage; write its GeoPackage, figures and done marker; never raises.

    Returns the figures (``FIGURES`` keys; ``status`` "done" or "failed" with ``error``).

    Parameters
    ----------
    task : AreaTask
        The manifest row.
    out_dir : str
        The batch output folder (absolute when workers run elsewhere).

    Returns
    -------
    dict
        ``area``, ``out``, ``row``, ``status`` and, when done, the summary figures (persons, 0-1
        share, minutes, km/h), network size, ``seconds``, ``cpu_s``, ``peak_rss_mb`` and
        ``outline_wkt`` (EPSG:4326); when failed, ``error`` and ``seconds``.
    """
    from analysis.export import write_coverage_gpkg
    from analysis.params import WalkParams
    from analysis.study import load_study, run_study

    t0, c0 = time.perf_counter(), time.process_time()
    paths = area_paths(out_dir, task.out)
    paths["json"].parent.mkdir(parents=True, exist_ok=True)
    base = {"area": task.area, "out": task.out, "row": task.row}
    try:
        f = task.files
        params = WalkParams(minutes=task.minutes, speed_kmh=task.speed_kmh, max_access_m=task.max_access_m)
        study = load_study(f["osm"], centers=f["centers"], demand=f["demand"], grids=f["grids"],
                           communities=f["communities"], stations=f["stations"], coords=task.coords)
        result = run_study(study, params)
        write_coverage_gpkg(result, paths["gpkg"], study.sources())
        s = result.summary.as_dict()
        fig = {**base, "status": "done", **{k: s.get(k) for k in FIGURES if k in s},
               "n_nodes": int(study.network.n_nodes), "n_edges": int(study.network.n_edges),
               "seconds": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "peak_rss_mb": _peak_rss_mb(),
               "outline_wkt": _area_outline_wkt(study), "error": ""}
        atomic_write_text(paths["json"], json.dumps(fig, ensure_ascii=False, default=float))
        atomic_write_text(paths["done"], task.key)           # last: the area counts as finished
        paths["error"].unlink(missing_ok=True)
        return fig
    except Exception as err:  # one area's failure must not stop the others
        msg = str(err) if isinstance(err, ServiceCircleError) else f"{type(err).__name__}: {err}"
        detail = msg if isinstance(err, ServiceCircleError) else traceback.format_exc()
        try:
            atomic_write_text(paths["error"], detail)
        except OSError:
            pass
        return {**base, "status": "failed", "error": msg, "seconds": time.perf_counter() - t0}


def load_done(task: AreaTask, out_dir: str | Path) -> dict:
    """The figures of an area finished by an earlier run.

    Parameters
    ----------
    task : AreaTask
        The manifest row.
    out_dir : str or Path
        The batch output folder.

    Returns
    -------
    dict
        The figures stored in ``areas/<out>.json`` with ``status`` "skipped (done before)".
    """
    fig = json.loads(area_paths(out_dir, task.out)["json"].read_text(encoding="utf-8"))
    return {**fig, "status": "skipped (done before)"}


# --------------------------------------------------------------------------- the batch (driver)


@dataclass
class BatchResult:
    """What a batch did: one figures row per area, and the summary files written."""

    table: pd.DataFrame
    gpkg: Path
    xlsx: Path
    seconds: float
    n_run: int
    n_skipped: int
    n_failed: int

    @property
    def failed(self) -> pd.DataFrame:
        """The rows of the areas that failed."""
        return self.table[self.table["status"] == "failed"]


def run_batch(
    tasks: list[AreaTask], out_dir: str | Path, client, *,
    progress: Callable[[int, int, dict], None] | None = None,
) -> BatchResult:
    """Run the areas not finished yet on ``client`` (a ``distributed.Client``); write the summary.

    ``progress(done, total, figures)`` is called once per area as it finishes (skipped areas first).

    Parameters
    ----------
    tasks : list of AreaTask
        The manifest rows.
    out_dir : str or Path
        Output folder (made absolute, created when missing).
    client : distributed.Client
        The Dask client the areas run on.
    progress : callable, optional
        See above.

    Returns
    -------
    BatchResult
        The summary table (manifest order), the written ``summary.gpkg`` and ``summary.xlsx``,
        wall time in seconds and counts run / skipped / failed.
    """
    from distributed import as_completed

    t0 = time.perf_counter()
    out_dir = Path(out_dir).resolve()  # workers may run elsewhere: absolute paths (a shared folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = len(tasks)
    rows: dict[str, dict] = {}
    todo = []
    for t in tasks:
        if is_done(t, out_dir):
            rows[t.out] = load_done(t, out_dir)
            if progress:
                progress(len(rows), total, rows[t.out])
        else:
            todo.append(t)
    futures = [client.submit(run_area, t, str(out_dir), key=f"area-{t.out}-{t.key}", pure=False) for t in todo]
    for fut in as_completed(futures):
        try:
            fig = fut.result()
        except Exception as err:  # the worker itself died (memory, kill): report this area only
            t = todo[futures.index(fut)]
            fig = {"area": t.area, "out": t.out, "row": t.row, "status": "failed",
                   "error": f"worker lost: {type(err).__name__}: {err}"}
        rows[fig["out"]] = fig
        if progress:
            progress(len(rows), total, fig)
    ordered = [rows[t.out] for t in tasks]
    table = summary_table(ordered)
    gpkg, xlsx = write_summary(table, out_dir)
    n_failed = int((table["status"] == "failed").sum())
    n_skipped = int(table["status"].str.startswith("skipped").sum())
    return BatchResult(table, gpkg, xlsx, time.perf_counter() - t0, len(todo), n_skipped, n_failed)


def summary_table(rows: Iterable[dict]) -> gpd.GeoDataFrame:
    """Every area's figures, one row each, with the area's outline (WGS-84) where known.

    Parameters
    ----------
    rows : iterable of dict
        Figures per area as returned by :func:`run_area` or :func:`load_done`.

    Returns
    -------
    GeoDataFrame
        Columns ``row`` and :data:`FIGURES`; outlines in EPSG:4326 (None when unknown).
    """
    rows = list(rows)
    df = pd.DataFrame([{k: r.get(k) for k in ["row", *FIGURES]} for r in rows])
    for c in ("total_pop", "covered_pop", "covered_share", "uncovered_pop", "off_network_pop", "unreachable_pop",
              "median_min", "p90_min", "minutes", "speed_kmh", "seconds", "cpu_s", "peak_rss_mb"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    df["error"] = df["error"].fillna("").astype(str)
    geoms = [shapely.from_wkt(r["outline_wkt"]) if r.get("outline_wkt") else None for r in rows]
    return gpd.GeoDataFrame(df, geometry=geoms, crs=WGS84)


def xlsx_text_safe(v):
    """Text cells that a spreadsheet would run as a formula are written as text ('=…'); see geo.spreadsheet.

    Parameters
    ----------
    v : Any
        A cell value.

    Returns
    -------
    Any
        ``v``, with a leading ``'`` when it is text a spreadsheet would run as a formula.
    """
    from geo.spreadsheet import safe_value

    return safe_value(v)


def write_summary(table: gpd.GeoDataFrame, out_dir: Path) -> tuple[Path, Path]:
    """``summary.gpkg`` (layer ``areas``) and ``summary.xlsx``, each written atomically.

    Parameters
    ----------
    table : GeoDataFrame
        From :func:`summary_table` (EPSG:4326).
    out_dir : Path
        The batch output folder.

    Returns
    -------
    tuple of (Path, Path)
        The GeoPackage and the XLSX.
    """
    import pyogrio

    gpkg = out_dir / "summary.gpkg"
    xlsx = out_dir / "summary.xlsx"
    t = table.copy()
    for c in ("n_centers", "n_nodes", "n_edges", "row"):
        t[c] = pd.to_numeric(t[c], errors="coerce").astype("Int64")
    for c in ("is_demo", "population_is_estimate"):
        t[c] = t[c].map(lambda v: None if v is None or v != v else bool(v)).astype("boolean")
    with atomic_write_path(gpkg) as tmp:
        pyogrio.write_dataframe(t, tmp, layer="areas", driver="GPKG", promote_to_multi=False)
    frame = pd.DataFrame(t.drop(columns="geometry"))
    for c in ("area", "out", "status", "error"):
        frame[c] = frame[c].map(xlsx_text_safe)
    with atomic_write_path(xlsx) as tmp:
        from geo.spreadsheet import write_frames_xlsx

        write_frames_xlsx(tmp, {"areas": frame})
    return gpkg, xlsx


def default_out_dir(manifest: str | Path) -> Path:
    """The default output folder of a manifest: ``out/batch/<manifest stem>``.

    Parameters
    ----------
    manifest : str or Path
        The manifest file.

    Returns
    -------
    Path
        Relative to the current folder.
    """
    return Path("out") / "batch" / Path(manifest).stem


def env_threads_one() -> dict[str, str]:
    """Environment for worker processes: one BLAS/OpenMP thread each (1 thread per worker).

    Returns
    -------
    dict of str to str
        ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` set to "1".
    """
    return {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

