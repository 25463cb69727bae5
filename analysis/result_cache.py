"""Coverage results kept on disk in the data-only cache (:mod:`geo.disk_cache`), so a study that
was computed once (the app's default study: the sample city) is read back in milliseconds.

An entry's key is made of

* the inputs themselves: a SHA-256 of every input layer's content (columns, values, geometries
  as WKB, CRS) and the walking network's identity (its OSM file's SHA-256 and size), so a changed
  input file gives a new key;
* the walking parameters (minutes, speed, access distance, thresholds, frontage);
* a code fingerprint: the SHA-256 of every source file that produces a result (``analysis/*.py``,
  ``geo/**/*.py``) and the versions of NumPy, SciPy, pandas, Shapely and GeoPandas, so changed
  code never serves a stale result.

The entry holds plain arrays, UTF-8 text and WKB only (no pickle; checked by SHA-256 before use).
A result the format cannot hold exactly (a non-default index, mixed-type text columns, the
双网融合 check) is simply not cached. Anything unexpected when reading means "compute again".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage import CoverageResult, CoverageSummary
from analysis.params import WalkParams
from geo.disk_cache import Packer, Unpacker, cache_key, decode_frame, encode_frame, read_entry, write_entry
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints

KIND = "coverage-result"
#: bump when the layout of an entry changes
LAYOUT = 1
ROOT = Path(__file__).resolve().parent.parent
#: frames of a :class:`CoverageResult` stored in an entry (``None`` allowed)
FRAMES = ("demand", "centers", "grids", "communities", "gaps", "isochrones", "circles", "community_polygons",
          "compounds")
SNAPS = ("center_snaps", "demand_snaps")


class NotCacheable(ValueError):
    """The result holds something the data-only format cannot store exactly."""


def code_fingerprint(packages: tuple[str, ...] = ("analysis", "geo"), top_level_only: tuple[str, ...] = ("analysis",)) -> str:
    """SHA-256 (24 hex digits) of the source files that compute results, plus library versions.

    Parameters
    ----------
    packages : tuple of str
        Project packages whose ``.py`` files count.
    top_level_only : tuple of str
        Packages of which only the top-level modules count (``analysis``: not the report and
        siting subpackages, which do not compute coverage).

    Returns
    -------
    str
        A short hex digest; it changes when any of these files or versions changes.
    """
    import scipy

    h = hashlib.sha256()
    for pkg in packages:
        files = (ROOT / pkg).glob("*.py") if pkg in top_level_only else (ROOT / pkg).rglob("*.py")
        for path in sorted(files):
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    for mod in (np, scipy, pd, shapely, gpd):
        h.update(f"{mod.__name__}={mod.__version__};".encode())
    return h.hexdigest()[:24]


def frame_digest(df: pd.DataFrame | None) -> str | None:
    """SHA-256 of a (Geo)DataFrame's content: column names and dtypes, values, geometries (WKB), CRS.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame or None
        An input layer.

    Returns
    -------
    str or None
        Hex digest, or ``None`` for a missing layer.
    """
    if df is None:
        return None
    h = hashlib.sha256()
    h.update(str(getattr(df, "crs", None)).encode())
    h.update(f"rows={len(df)};index={type(df.index).__name__}".encode())
    geom = df.geometry.name if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df else None
    for c in df.columns:
        if c == geom:
            continue
        col = df[c]
        h.update(f"|{c}:{col.dtype}|".encode())
        if col.dtype.kind in "biufcmM":
            h.update(np.ascontiguousarray(col.to_numpy()).tobytes())
        else:
            h.update("\x1f".join(_value_text(v) for v in col.tolist()).encode("utf-8", "surrogatepass"))
    if geom:
        h.update(f"|{geom}:geometry|".encode())
        for w in shapely.to_wkb(np.asarray(df.geometry.values, dtype=object), hex=False):
            h.update(b"\x00" if w is None else w)
            h.update(b"|")
    return h.hexdigest()


def _value_text(v) -> str:
    """A value of a text/object column as text for hashing (type-tagged; lists and arrays in full)."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "\x00NA"
    if isinstance(v, str):
        return "s:" + v
    if isinstance(v, np.ndarray):
        return f"a:{v.dtype}:{v.shape}:" + v.tobytes().hex()
    return f"r:{type(v).__name__}:{v!r}"


def _network_identity(network: WalkNetwork) -> str | None:
    """The part of a cache key naming the network (OSM file hash, size, CRS), or ``None`` when
    it was not built from a file (nothing to key on)."""
    if not network.source_sha256:
        return None
    return f"{network.source_sha256}:{network.n_nodes}:{network.n_edges}:{network.crs}"


def result_key(network: WalkNetwork, layers: dict[str, pd.DataFrame | None], params: WalkParams,
               flags: dict | None = None) -> str | None:
    """The cache key of one coverage run, or ``None`` when its network has no source file.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (its ``source_sha256`` names the OSM file it was built from).
    layers : dict
        Input layer name -> frame (or ``None``): centers, demand, grids, communities, ...
    params : WalkParams
        Walking parameters (minutes, km/h, metres).
    flags : dict, optional
        Other JSON-able inputs of the run (e.g. ``is_demo``, ``population_is_estimate``).

    Returns
    -------
    str or None
        A 24-hex-digit key (:func:`geo.disk_cache.cache_key`).
    """
    identity = _network_identity(network)
    if identity is None:
        return None
    return cache_key(
        layout=LAYOUT, network=identity,
        layers={k: frame_digest(v) for k, v in sorted(layers.items())},
        params=dataclasses.asdict(params), flags=flags or {}, code=code_fingerprint(),
    )


# -- encoding -----------------------------------------------------------------------------------


def _encode(name: str, df: pd.DataFrame, pk: Packer) -> dict:
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        raise NotCacheable(f"{name}: index is not 0..n-1")
    objects = {}
    for c in df.columns:
        s = df[c]
        if isinstance(df, gpd.GeoDataFrame) and c == df.geometry.name:
            continue
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            if s.dtype.kind not in "biuf":  # nullable / extension dtypes would not come back the same
                raise NotCacheable(f"{name}.{c}: dtype {s.dtype}")
            continue
        vals = s.to_numpy(dtype=object)
        missing = pd.isna(vals)
        if not all(isinstance(v, str) for v in vals[~missing]):
            raise NotCacheable(f"{name}.{c}: not all text")
        if s.dtype == object:
            kinds = {"none" if v is None else "nan" for v in vals[missing]}
            if len(kinds) > 1:
                raise NotCacheable(f"{name}.{c}: mixed missing values")
            objects[str(c)] = kinds.pop() if kinds else "none"
        elif str(s.dtype) != "str":
            raise NotCacheable(f"{name}.{c}: dtype {s.dtype}")
    schema = encode_frame(name, df, pk)
    schema["objects"] = objects
    schema["geodataframe"] = isinstance(df, gpd.GeoDataFrame)
    return schema


def _decode(schema: dict, up: Unpacker) -> pd.DataFrame:
    df = decode_frame(schema, up)
    for c, missing in schema.get("objects", {}).items():
        s = df[c].astype(object)
        df[c] = s.where(s.notna(), None if missing == "none" else np.nan)
    if not schema.get("geodataframe") and isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df)
    return df


def encode_result(result: CoverageResult) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and JSON metadata holding ``result`` (not its network).

    Parameters
    ----------
    result : CoverageResult
        A coverage run.

    Returns
    -------
    (dict of str to ndarray, dict)
        What :func:`geo.disk_cache.write_entry` stores.

    Raises
    ------
    NotCacheable
        When the format cannot hold the result exactly.
    """
    if result.dual_grid is not None:
        raise NotCacheable("dual_grid check")
    pk = Packer()
    frames = {}
    for name in FRAMES:
        df = getattr(result, name)
        frames[name] = None if df is None else _encode(name, df, pk)
    snaps = {}
    for name in SNAPS:
        sp = getattr(result, name)
        if sp is None:
            snaps[name] = None
            continue
        snaps[name] = {f: pk.array(f"{name}.{f}", getattr(sp, f)) for f in SnappedPoints.__dataclass_fields__}
    pk.array("node_time_min", result.node_time_min)
    meta = {
        "layout": LAYOUT, "params": {**dataclasses.asdict(result.params), "thresholds": list(result.params.thresholds)},
        "crs": result.crs, "summary": None if result.summary is None else result.summary.as_dict(),
        "frames": frames, "snaps": snaps,
    }
    return pk.finish(), meta


def decode_result(arrays: dict[str, np.ndarray], meta: dict, network: WalkNetwork | None) -> CoverageResult:
    """The :class:`CoverageResult` stored by :func:`encode_result`, measured on ``network``.

    Parameters
    ----------
    arrays, meta
        A verified cache entry (:func:`geo.disk_cache.read_entry`).
    network : WalkNetwork or None
        The network the result was measured on (part of the entry's key).

    Returns
    -------
    CoverageResult
    """
    if meta.get("layout") != LAYOUT:
        raise ValueError("layout")
    up = Unpacker(arrays)
    p = dict(meta["params"])
    p["thresholds"] = tuple(p["thresholds"])
    frames = {n: None if meta["frames"].get(n) is None else _decode(meta["frames"][n], up) for n in FRAMES}
    snaps = {}
    for name in SNAPS:
        spec = meta["snaps"].get(name)
        snaps[name] = None if spec is None else SnappedPoints(**{f: up.array(a) for f, a in spec.items()})
    summary = None if meta["summary"] is None else CoverageSummary(**meta["summary"])
    return CoverageResult(params=WalkParams(**p), crs=meta["crs"], summary=summary,
                          node_time_min=up.array("node_time_min"), network=network, dual_grid=None,
                          **frames, **snaps)


def read_result(key: str, network: WalkNetwork | None, cache_dir: str | Path | None = None) -> CoverageResult | None:
    """The cached result under ``key``, or ``None`` (missing, damaged, tampered: compute again).

    Parameters
    ----------
    key : str
        From :func:`result_key`.
    network : WalkNetwork or None
        Attached to the result (its identity is part of ``key``).
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    CoverageResult or None
    """
    entry = read_entry(KIND, key, cache_dir)
    if entry is None:
        return None
    try:
        return decode_result(*entry, network)
    except Exception:  # noqa: BLE001 - anything unexpected: computed again, never trusted
        return None


def write_result(key: str, result: CoverageResult, cache_dir: str | Path | None = None) -> bool:
    """Store ``result`` under ``key``; False when it cannot be stored (not cacheable, folder not writable).

    Parameters
    ----------
    key : str
        From :func:`result_key`.
    result : CoverageResult
        The run to keep.
    cache_dir : str or Path, optional
        Cache folder.

    Returns
    -------
    bool
        True when the entry was written.
    """
    try:
        arrays, meta = encode_result(result)
    except NotCacheable:
        return False
    return write_entry(KIND, key, arrays, meta, cache_dir)


def study_key(study, params: WalkParams) -> str | None:
    """:func:`result_key` of an :class:`analysis.study.Study` run with ``params``.

    Parameters
    ----------
    study : analysis.study.Study
        The inputs (network and layers).
    params : WalkParams
        Walking parameters.

    Returns
    -------
    str or None
        The key, or ``None`` when the run cannot be cached (no network file).
    """
    layers = {k: getattr(study, k) for k in ("centers", "demand", "grids", "communities", "compounds", "party_grids")}
    return result_key(study.network, layers, params,
                      {"is_demo": bool(study.is_demo), "population_is_estimate": bool(study.population_is_estimate)})


def cached_run_study(study, params: WalkParams = WalkParams(), cache_dir: str | Path | None = None
                     ) -> tuple[CoverageResult, str | None, bool]:
    """:func:`analysis.study.run_study`, read from the disk cache when these inputs, parameters and
    code were computed before, else computed and stored.

    Parameters
    ----------
    study : analysis.study.Study
        The inputs.
    params : WalkParams
        Walking parameters.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    (CoverageResult, str or None, bool)
        The result, its key (``None``: not cacheable) and whether it came from the cache.
    """
    from analysis.study import run_study

    key = study_key(study, params)
    if key is not None:
        hit = read_result(key, study.network, cache_dir)
        if hit is not None:
            return hit, key, True
    result = run_study(study, params)
    if key is not None:
        write_result(key, result, cache_dir)
    return result, key, False


TABLES_KIND = "coverage-tables"


def cached_tables(result_key: str, name: str, build, cache_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Tables derived from a cached result (e.g. :func:`analysis.levels.level_tables`), kept next to it.

    Parameters
    ----------
    result_key : str
        The result's key (:func:`result_key`; it carries the inputs and the code fingerprint).
    name : str
        Which tables (part of the key).
    build : callable
        ``build() -> dict[str, DataFrame]``, called when the entry is missing or unusable.
    cache_dir : str or Path, optional
        Cache folder.

    Returns
    -------
    dict of str to DataFrame
        In ``build()``'s order.
    """
    key = cache_key(result=result_key, tables=name, layout=LAYOUT)
    entry = read_entry(TABLES_KIND, key, cache_dir)
    if entry is not None:
        try:
            arrays, meta = entry
            up = Unpacker(arrays)
            return {str(k): _decode(meta["tables"][k], up) for k in meta["order"]}
        except Exception:  # noqa: BLE001 - rebuilt below
            pass
    tables = build()
    try:
        pk = Packer()
        schemas = {k: _encode(f"t{i}", df, pk) for i, (k, df) in enumerate(tables.items())}
    except NotCacheable:
        return tables
    write_entry(TABLES_KIND, key, pk.finish(), {"order": list(tables), "tables": schemas}, cache_dir)
    return tables


WORKERS_KIND = "worker-coverage"
#: frames of an :class:`analysis.worker_coverage.WorkerCoverageResult` stored in an entry
WORKER_FRAMES = ("workers", "groups", "stations", "busy_streets", "busy_gaps", "reach", "weights")


def worker_key(network: WalkNetwork, stations: pd.DataFrame | None, workers: pd.DataFrame, radius_m: float,
               weights: pd.DataFrame | None, params: WalkParams, is_demo: bool,
               study_area: pd.DataFrame | None) -> str | None:
    """The cache key of one red-station worker coverage run, or ``None`` (network without a file).

    Made like :func:`result_key`: the network's identity, a SHA-256 of each input layer (stations,
    worker points, weights table, study area), the reach, the walking parameters, the demo flag
    and the code fingerprint (which covers ``analysis/worker_coverage.py`` and ``worker_demand.py``).

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    stations : GeoDataFrame or None
        Red stations.
    workers : GeoDataFrame
        Worker demand points (:func:`analysis.worker_demand.worker_points`).
    radius_m : float
        Reach along the network, metres.
    weights : DataFrame or None
        The demand weights table kept in the result.
    params : WalkParams
        Walking parameters (access cap, frontage).
    is_demo : bool
        Demo flag of the result.
    study_area : GeoDataFrame or None
        Polygons limiting the busy streets checked.

    Returns
    -------
    str or None
        A 24-hex-digit key.
    """
    identity = _network_identity(network)
    if identity is None:
        return None
    return cache_key(
        layout=LAYOUT, kind=WORKERS_KIND, network=identity,
        layers={"stations": frame_digest(stations), "workers": frame_digest(workers), "weights": frame_digest(weights),
                "study_area": frame_digest(study_area)},
        radius_m=float(radius_m), params=dataclasses.asdict(params), flags={"is_demo": bool(is_demo)},
        code=code_fingerprint(),
    )


def encode_workers(res) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and JSON metadata holding a worker coverage result.

    Parameters
    ----------
    res : analysis.worker_coverage.WorkerCoverageResult
        A worker coverage run.

    Returns
    -------
    (dict of str to ndarray, dict)
        What :func:`geo.disk_cache.write_entry` stores.

    Raises
    ------
    NotCacheable
        When the format cannot hold the result exactly.
    """
    pk = Packer()
    frames = {}
    for name in WORKER_FRAMES:
        df = getattr(res, name)
        frames[name] = None if df is None else _encode(name, df, pk)
    meta = {"layout": LAYOUT, "radius_m": float(res.radius_m), "crs": res.crs,
            "summary": dataclasses.asdict(res.summary), "frames": frames}
    return pk.finish(), meta


def decode_workers(arrays: dict[str, np.ndarray], meta: dict):
    """The worker coverage result stored by :func:`encode_workers`.

    Parameters
    ----------
    arrays, meta
        A verified cache entry (:func:`geo.disk_cache.read_entry`).

    Returns
    -------
    analysis.worker_coverage.WorkerCoverageResult
    """
    from analysis.worker_coverage import WorkerCoverageResult, WorkerSummary

    if meta.get("layout") != LAYOUT:
        raise ValueError("layout")
    up = Unpacker(arrays)
    frames = {n: None if meta["frames"].get(n) is None else _decode(meta["frames"][n], up) for n in WORKER_FRAMES}
    return WorkerCoverageResult(radius_m=meta["radius_m"], crs=meta["crs"], summary=WorkerSummary(**meta["summary"]),
                                **frames)


def cached_worker_coverage(network: WalkNetwork, stations, workers, radius_m: float, *, weights=None,
                           params: WalkParams = WalkParams(), is_demo: bool = False, study_area=None,
                           cache_dir: str | Path | None = None):
    """:func:`analysis.worker_coverage.run_worker_coverage` (with reach areas), read from the disk
    cache when the same inputs, parameters and code were computed before, else computed and stored.

    Measured on the sample city (``benchmarks/bench_report_phases.py``): the report inputs
    0.45–0.7 s CPU with the worker run computed (its reach polygons' buffer is most of it) ->
    the figures in the README "Reports" paragraph when read back.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    stations : GeoDataFrame or None
        Red stations.
    workers : GeoDataFrame
        Worker demand points.
    radius_m : float
        Reach along the network, metres.
    weights : DataFrame, optional
        The weights table kept in the result.
    params : WalkParams
        Walking parameters.
    is_demo : bool
        Demo flag.
    study_area : GeoDataFrame, optional
        Polygons limiting the busy streets checked.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    analysis.worker_coverage.WorkerCoverageResult
    """
    from analysis.worker_coverage import run_worker_coverage

    def run():
        return run_worker_coverage(network, stations, workers, radius_m, weights=weights, params=params,
                                   is_demo=is_demo, study_area=study_area)

    try:
        key = worker_key(network, stations, workers, radius_m, weights, params, is_demo, study_area)
    except Exception:  # noqa: BLE001 - an input the digest cannot read: no cache
        key = None
    if key is None:
        return run()
    entry = read_entry(WORKERS_KIND, key, cache_dir)
    if entry is not None:
        try:
            return decode_workers(*entry)
        except Exception:  # noqa: BLE001 - anything unexpected: computed again, never trusted
            pass
    res = run()
    try:
        arrays, meta = encode_workers(res)
    except NotCacheable:
        return res
    write_entry(WORKERS_KIND, key, arrays, meta, cache_dir)
    return res
