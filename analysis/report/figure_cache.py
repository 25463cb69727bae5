"""Report figures kept in the data-only disk cache (:mod:`geo.disk_cache`), keyed by their inputs.

Drawing the static maps and charts takes about 1.6 s (CPU) for the sample city and needs
matplotlib; a report built again from the same inputs reads the PNG bytes back in milliseconds
and never imports matplotlib.

The key is a SHA-256 over everything the figures are drawn from: the coverage result (and the
``after`` run, the proposed sites and their reach), the report content (curve and histogram
tables, language, demo flag, road adoption), the report inputs (basemap layers, network, red
stations, worker coverage, party layers), the resolution, the source files of the drawing code,
the versions of matplotlib and the geometry libraries, and the installed CJK font files (name,
size, modification time). Tables are hashed by value (column names, dtypes, values, geometries
as WKB, CRS), so any changed input gives a new key and the figures are drawn again. An input
of a type the key does not know how to hash means "no cache" (the figures are drawn).

An entry holds one ``uint8`` array per figure (the PNG bytes) and a JSON manifest listing the
figure names (and the ones that were not drawn); nothing in it is pickled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.disk_cache import read_entry, write_entry

KIND = "report-figures"
#: bump when the layout of an entry changes
LAYOUT = 1
_HERE = Path(__file__).resolve().parent
#: source files whose code decides how the figures look (the wording: the message catalogue)
CODE_FILES = tuple(_HERE / f for f in ("figures.py", "staticmap.py", "mapframe.py", "charts.py", "basemap.py",
                                       "fonts.py", "party.py", "labels.py", "figure_cache.py")) + (
    _HERE.parent / "textfit.py",) + tuple(sorted((_HERE.parents[1] / "geo" / "messages").glob("*.py")))
LIBRARIES = ("matplotlib", "numpy", "pandas", "shapely", "geopandas", "pyproj", "pillow")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotHashable(TypeError):
    """An input of a type the figure key cannot hash (the figures are then drawn, not cached)."""


def _update(h, obj, depth: int = 0) -> None:
    """Feed ``obj`` into the hash ``h``: values, not identities (see the module docstring)."""
    if depth > 8:
        raise NotHashable("nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str, bytes, np.generic)):
        h.update(f"{type(obj).__name__}:".encode())
        h.update(obj if isinstance(obj, bytes) else repr(obj).encode())
        return
    if isinstance(obj, pd.DataFrame):
        _update_frame(h, obj)
        return
    if isinstance(obj, pd.Series):
        _update_frame(h, obj.to_frame())
        return
    if isinstance(obj, np.ndarray):
        _update_array(h, obj)
        return
    if isinstance(obj, (list, tuple)):
        h.update(f"seq{len(obj)}[".encode())
        for v in obj:
            _update(h, v, depth + 1)
        h.update(b"]")
        return
    if isinstance(obj, dict):
        h.update(f"map{len(obj)}{{".encode())
        for k in sorted(obj, key=str):
            _update(h, str(k), depth + 1)
            _update(h, obj[k], depth + 1)
        h.update(b"}")
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"dc:{type(obj).__module__}.{type(obj).__qualname__}(".encode())
        for f in dataclasses.fields(obj):
            _update(h, f.name, depth + 1)
            _update(h, getattr(obj, f.name), depth + 1)
        h.update(b")")
        return
    if hasattr(obj, "geom_type") and hasattr(obj, "wkb"):  # a shapely geometry
        h.update(b"geom:" + obj.wkb)
        return
    raise NotHashable(f"cannot hash a {type(obj).__name__} for the figure cache")


def _update_array(h, a: np.ndarray) -> None:
    if a.dtype.hasobject:
        _update_values(h, pd.Series(a.ravel()))
        return
    a = np.ascontiguousarray(a)
    h.update(f"arr:{a.dtype.str}:{a.shape}:".encode())
    h.update(a.tobytes())


def _update_values(h, s: pd.Series) -> None:
    """Object values: geometries as WKB, everything else by pandas' fixed-key value hash."""
    import shapely

    vals = s.to_numpy(dtype=object)
    is_geom = np.array([isinstance(v, shapely.Geometry) for v in vals], dtype=bool)
    if is_geom.any():
        h.update(b"geoms:")
        h.update(is_geom.tobytes())
        wkb = shapely.to_wkb(np.where(is_geom, vals, None), hex=False)
        h.update(np.array([len(w) if w is not None else -1 for w in wkb], dtype=np.int64).tobytes())
        h.update(b"".join(w for w in wkb if w is not None))
        vals = np.where(is_geom, None, vals)
    h.update(b"objs:")
    h.update(pd.util.hash_pandas_object(pd.Series(vals, dtype=object).map(_plain), index=False).to_numpy().tobytes())


def _plain(v):
    """A value pandas can hash: text and numbers as they are, anything else (``pd.NA``, dates,
    lists) by its type and repr (an object without a value repr never matches another)."""
    if v is None or isinstance(v, (str, int, float, bool, np.generic)):
        return v
    return f"{type(v).__qualname__}:{v!r}"


def _update_frame(h, df: pd.DataFrame) -> None:
    h.update(f"frame:{type(df).__name__}:{len(df)}:".encode())
    h.update(json.dumps([[str(c), str(t)] for c, t in df.dtypes.items()]).encode())
    h.update(str(df.crs if isinstance(df, gpd.GeoDataFrame) else None).encode())
    _update_values(h, pd.Series(df.index.to_numpy(dtype=object)))
    for col in df.columns:
        values = df[col]
        h.update(f"col:{col}:".encode())
        if values.dtype.kind in "biufcmM":
            _update_array(h, values.to_numpy())
        else:
            _update_values(h, values)


def _code_and_libraries() -> dict:
    """Source-file hashes of the drawing code and versions of the drawing libraries."""
    code = hashlib.sha256()
    for f in CODE_FILES:
        code.update(f.name.encode() + b"\0" + f.read_bytes())
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {"code": code.hexdigest(), "libraries": versions}


def _fonts() -> list:
    """Installed CJK font files (path, size, modification time): a new or changed font redraws."""
    found = []
    for d in FONT_DIRS:
        root = Path(os.path.expanduser(d))
        if not root.is_dir():
            continue
        for p in root.rglob("*"):
            n = p.name
            if ("CJK" in n or "SourceHan" in n or "NotoSansSC" in n) and p.is_file():
                st = p.stat()
                found.append([str(p), st.st_size, st.st_mtime_ns])
    return sorted(found)


def figures_key(result, content, inputs=None, proposals=None, after=None, proposal_reach=None,
                dpi: int = 150) -> str | None:
    """The cache key of a report's figures, or ``None`` when an input cannot be hashed.

    Parameters
    ----------
    result : analysis.coverage.CoverageResult
        The coverage run the maps show.
    content : analysis.report.document.ReportContent
        The report content (language, demo flag, curve and histogram tables, road adoption).
    inputs : analysis.report.inputs.ReportInputs, optional
        Basemap layers, network, red stations, worker coverage and party layers.
    proposals, after, proposal_reach : optional
        The proposal map's inputs (see :func:`analysis.report.figures.build_figures`).
    dpi : int
        Resolution of the PNG figures (dots per inch).

    Returns
    -------
    str or None
        48 hex digits, or ``None`` when some input is of a type the key cannot hash.
    """
    h = hashlib.sha256()
    party = getattr(content, "party", None)
    used_inputs = None
    if inputs is not None:
        p = inputs.party
        used_inputs = {"features": _features(inputs.features), "network": inputs.network,
                       "stations": inputs.stations, "workers": inputs.workers,
                       "party": None if p is None else {k: getattr(p, k, None) for k in
                                                        ("units", "demo_areas", "rivers", "is_demo")}}
    tables = getattr(content, "tables", {})
    parts = {
        "layout": LAYOUT, "dpi": int(dpi), "lang": content.lang, "is_demo": bool(content.is_demo),
        "result": _result(result), "after": _result(after), "proposals": proposals, "reach": proposal_reach,
        "curve": tables["curve"].df if "curve" in tables else None,
        "histogram": tables["histogram"].df if "histogram" in tables else None,
        "adoption": getattr(party, "adoption", None) if party is not None else None,
        "inputs": used_inputs,
    }
    try:
        _update(h, parts)
    except NotHashable:
        return None
    h.update(json.dumps({"env": _code_and_libraries(), "fonts": _fonts()}, sort_keys=True).encode())
    return h.hexdigest()[:48]


def _result(result):
    """The parts of a coverage run the figures draw (not the network, hashed once with the inputs)."""
    if result is None:
        return None
    keys = ("params", "crs", "demand", "centers", "grids", "gaps", "isochrones", "circles")
    return {k: getattr(result, k) for k in keys}


def _features(features):
    """Basemap layers by name (a dict or ``geo.osm_features.OSMFeatures``), or ``None``."""
    if features is None:
        return None
    return {k: features[k] for k in features.keys()}


def read_figures(key: str, cache_dir: str | Path | None = None) -> dict[str, bytes | None] | None:
    """The figures stored under ``key`` (PNG bytes by name, ``None`` for figures not drawn), or ``None``.

    Parameters
    ----------
    key : str
        A key from :func:`figures_key`.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    dict or None
        Figures by name, or ``None`` when there is no valid entry.
    """
    got = read_entry(KIND, key, cache_dir)
    if got is None:
        return None
    arrays, meta = got
    names, absent = meta.get("figures"), meta.get("absent", [])
    if meta.get("layout") != LAYOUT or not isinstance(names, list) or not isinstance(absent, list):
        return None
    out: dict[str, bytes | None] = {}
    for name in names:
        a = arrays.get(f"png_{name}")
        if a is None or a.dtype != np.uint8 or a.ndim != 1:
            return None
        png = a.tobytes()
        if not png.startswith(PNG_SIGNATURE):
            return None
        out[name] = png
    for name in absent:
        out[str(name)] = None
    return out


def write_figures(key: str, figures: dict[str, bytes | None], cache_dir: str | Path | None = None) -> bool:
    """Store ``figures`` (PNG bytes by name, ``None`` for figures not drawn) under ``key``.

    Parameters
    ----------
    key : str
        A key from :func:`figures_key`.
    figures : dict
        Figures by name.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    bool
        False when the cache folder cannot be written (the report goes on without it).
    """
    names = [k for k, v in figures.items() if v is not None]
    arrays = {f"png_{k}": np.frombuffer(figures[k], dtype=np.uint8) for k in names}
    meta = {"layout": LAYOUT, "figures": names, "absent": [k for k, v in figures.items() if v is None]}
    return write_entry(KIND, key, arrays, meta, cache_dir)


def cached_figures(result, content, inputs=None, proposals=None, after=None, proposal_reach=None,
                   cache_dir: str | Path | None = None) -> dict[str, bytes | None]:
    """The report's figures from the cache, or drawn (and stored) when the inputs are new.

    Parameters
    ----------
    result, content, inputs, proposals, after, proposal_reach
        As for :func:`analysis.report.figures.build_figures`.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    dict
        PNG bytes by figure name (``None`` for a figure that was not drawn).
    """
    from analysis.report.figures import DPI  # a light import: the drawing modules load in build_figures

    key = figures_key(result, content, inputs, proposals, after, proposal_reach, DPI)
    if key is not None:
        got = read_figures(key, cache_dir)
        if got is not None:
            return got
    from analysis.report.figures import build_figures

    figures = build_figures(result, content, inputs, proposals, after, proposal_reach)
    if key is not None:
        write_figures(key, figures, cache_dir)
    return figures
