"""On-disk cache of derived data (walking networks, OSM context layers) in data-only formats.

Nothing read from the cache can run code: arrays are NumPy ``.npz`` files loaded with
``allow_pickle=False``, metadata is JSON, text columns are UTF-8 blobs with offsets and
geometries WKB blobs with offsets (no pickled objects anywhere). One cache entry is a folder
``<root>/<kind>/<key>/`` holding ``data-<sha12>.npz`` and ``manifest.json``. The manifest is
written last and atomically; it records the format version, the entry's kind and key and the
SHA-256 of the data file, which is checked before the data is parsed. Anything unexpected
(missing file, wrong hash, version or key, parse error, pickled content) reads as ``None`` and
the caller rebuilds the entry. A cache folder that cannot be written is reported once on stderr
and the program runs without cache.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.safe_io import atomic_write_bytes

#: version of the on-disk layout below; older or newer entries are ignored and rebuilt
FORMAT_VERSION = 1
FORMAT_NAME = "servicecircle-cache"
MANIFEST = "manifest.json"
_MAX_MANIFEST_BYTES = 1_000_000
_ORPHAN_AGE_S = 300.0
_warned: set[str] = set()


def cache_root() -> Path:
    """The cache folder: ``$SERVICECIRCLE_CACHE`` or ``.cache/`` at the project root.

    Returns
    -------
    Path
        The folder (it may not exist yet).
    """
    env = os.environ.get("SERVICECIRCLE_CACHE")
    return Path(env) if env else Path(__file__).resolve().parent.parent / ".cache"


def cache_problem(root: str | Path | None = None) -> tuple[str, str] | None:
    """(zh, en) reason why the cache folder cannot be used, or ``None`` when it is usable.

    Usable means: it is a folder (or can be created as one) that this user can write into.

    Parameters
    ----------
    root : str or Path, optional
        Cache folder to check; None checks :func:`cache_root`.

    Returns
    -------
    tuple of (str, str) or None
        Chinese and English reason, or None when the folder is usable.
    """
    root = Path(root) if root is not None else cache_root()
    probe = root
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if root.exists() and not root.is_dir():
        return (f"缓存位置 {root} 是一个文件而不是文件夹",
                f"the cache location {root} is a file, not a folder")
    if probe.exists() and not probe.is_dir():
        return (f"缓存位置 {root} 的上级 {probe} 是一个文件", f"{probe}, a parent of the cache location {root}, is a file")
    if not os.access(probe, os.W_OK | os.X_OK):
        return (f"缓存文件夹 {probe} 没有写入权限", f"the cache folder {probe} is not writable")
    return None


def warn_cache_unusable(root: str | Path | None = None, reason: tuple[str, str] | None = None) -> None:
    """Say once on stderr (zh + en) that the cache folder is unusable and the run goes on without it.

    Parameters
    ----------
    root : str or Path, optional
        The cache folder (None: :func:`cache_root`); each folder is reported once per process.
    reason : tuple of (str, str), optional
        (zh, en) reason; None asks :func:`cache_problem`.
    """
    root = Path(root) if root is not None else cache_root()
    reason = reason or cache_problem(root) or ("缓存文件夹无法写入", "the cache folder cannot be written")
    if str(root) in _warned:
        return
    _warned.add(str(root))
    print(f"注意：{reason[0]}，本次不使用缓存（结果相同，只是更慢）；请把 SERVICECIRCLE_CACHE 设为可写的文件夹。\n"
          f"Note: {reason[1]}; running without the cache (same results, slower). "
          f"Set SERVICECIRCLE_CACHE to a writable folder.", file=sys.stderr, flush=True)


def code_fingerprint(*files: str | Path) -> str:
    """Short hash of source files (plus this module), part of cache keys so changed code rebuilds.

    Parameters
    ----------
    *files : str or Path
        Source files whose bytes are hashed (typically the caller's ``__file__``).

    Returns
    -------
    str
        First 12 hex digits of the SHA-256.
    """
    h = hashlib.sha256()
    for f in (*files, __file__):
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:12]


def cache_key(**parts: Any) -> str:
    """A 24-hex-digit key from JSON-serialisable parts (input SHA-256, versions, code fingerprint).

    Parameters
    ----------
    **parts : Any
        Named parts of the key; their order does not matter (JSON with sorted keys).

    Returns
    -------
    str
        24 hex digits.
    """
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def entry_dir(kind: str, key: str, cache_dir: str | Path | None = None) -> Path:
    """Folder of one cache entry.

    Parameters
    ----------
    kind : str
        Kind of data, e.g. "networks" or "features" (a sub-folder of the cache).
    key : str
        Entry key from :func:`cache_key`.
    cache_dir : str or Path, optional
        Cache root; None uses :func:`cache_root`.

    Returns
    -------
    Path
        ``<cache_dir>/<kind>/<key>`` (not created).
    """
    return Path(cache_dir or cache_root()) / kind / key


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def read_entry(kind: str, key: str, cache_dir: str | Path | None = None) -> tuple[dict[str, np.ndarray], dict] | None:
    """``(arrays, meta)`` of a verified cache entry, or ``None`` when anything is unexpected.

    Checks, in order: the manifest is small JSON of this format, version, kind and key; the data
    file named in it sits in the entry folder and has the recorded SHA-256; the ``.npz`` holds
    only plain arrays (``allow_pickle=False``). Nothing is executed from the files.

    Parameters
    ----------
    kind : str
        Kind of data (sub-folder of the cache).
    key : str
        Entry key from :func:`cache_key`.
    cache_dir : str or Path, optional
        Cache root; None uses :func:`cache_root`.

    Returns
    -------
    tuple of (dict of str to numpy.ndarray, dict) or None
        The stored arrays by name and the JSON ``meta``; None when missing, damaged or foreign.
    """
    folder = entry_dir(kind, key, cache_dir)
    try:
        man_path = folder / MANIFEST
        if not man_path.is_file() or man_path.stat().st_size > _MAX_MANIFEST_BYTES:
            return None
        man = json.loads(man_path.read_text(encoding="utf-8"))
        if not (isinstance(man, dict) and man.get("format") == FORMAT_NAME and man.get("version") == FORMAT_VERSION
                and man.get("kind") == kind and man.get("key") == key):
            return None
        name, digest = man["data"], man["sha256"]
        if not (isinstance(name, str) and isinstance(digest, str)) or Path(name).name != name:
            return None
        data_path = folder / name
        if not data_path.is_file():
            return None
        raw = data_path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != digest:
            return None
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        if any(a.dtype.hasobject for a in arrays.values()):
            return None
        meta = man.get("meta")
        return (arrays, meta) if isinstance(meta, dict) else None
    except Exception:  # damaged, foreign or half-written: ignored and rebuilt, never trusted
        return None


def write_entry(kind: str, key: str, arrays: dict[str, np.ndarray], meta: dict,
                cache_dir: str | Path | None = None) -> bool:
    """Write one cache entry: the ``.npz`` first, then the manifest (atomically, last).

    Parameters
    ----------
    kind : str
        Kind of data (sub-folder of the cache).
    key : str
        Entry key from :func:`cache_key`.
    arrays : dict of str to numpy.ndarray
        Plain (non-object) arrays, e.g. from :meth:`Packer.finish`.
    meta : dict
        JSON-serialisable metadata stored in the manifest.
    cache_dir : str or Path, optional
        Cache root; None uses :func:`cache_root`.

    Returns
    -------
    bool
        True when written; False (after one notice on stderr) when the cache folder cannot be
        written, and the caller goes on without cache.

    Raises
    ------
    TypeError
        An array has dtype object (it would need pickle).
    """
    for k, a in arrays.items():
        if a.dtype.hasobject:
            raise TypeError(f"cache array {k!r} has dtype object; encode it first")
    root = Path(cache_dir or cache_root())
    folder = entry_dir(kind, key, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"data_tmp_{secrets.token_hex(6)}.npz"
        try:
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)
            digest = _sha256(tmp)
            name = f"data-{digest[:12]}.npz"
            os.replace(tmp, folder / name)
        finally:
            tmp.unlink(missing_ok=True)
        manifest = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "kind": kind, "key": key,
                    "data": name, "sha256": digest, "written_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "meta": meta}
        atomic_write_bytes(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
        _remove_orphans(folder, keep=name)
        return True
    except OSError:
        warn_cache_unusable(root)
        return False


def _remove_orphans(folder: Path, keep: str) -> None:
    """Delete data files of older writes (and leftovers of killed writes) no manifest names."""
    now = time.time()
    for p in folder.iterdir():
        if p.name in (keep, MANIFEST):
            continue
        try:
            if now - p.stat().st_mtime > _ORPHAN_AGE_S:  # young files may belong to a concurrent writer
                p.unlink()
        except OSError:
            pass


# -- data-only encodings of text, geometries and frames ---------------------------------------
#
# A :class:`Packer` gathers every text value and every geometry of an entry into two blobs (UTF-8
# and WKB) with int64 byte offsets, so an entry is a handful of arrays and loads in milliseconds;
# columns refer to a range of items. :class:`Unpacker` reads them back (with pyarrow when it is
# installed, pure Python otherwise).


class Packer:
    """Collect arrays, text and geometries of one cache entry."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._text: list[bytes] = []
        self._text_null: list[bool] = []
        self._wkb: list[bytes] = []

    def text(self, values) -> list[int]:
        """Store strings (None/NaN kept as missing).

        Parameters
        ----------
        values : iterable
            Values converted with ``str``; None, ``pd.NA`` and NaN are stored as missing.

        Returns
        -------
        list of int
            The [start, stop) item range, for :meth:`Unpacker.text`.
        """
        start = len(self._text)
        for v in values:
            missing = v is None or v is pd.NA or (isinstance(v, float) and v != v)
            self._text.append(b"" if missing else str(v).encode("utf-8"))
            self._text_null.append(missing)
        return [start, len(self._text)]

    def geoms(self, values) -> list[int]:
        """Store shapely geometries (None kept) as WKB.

        Parameters
        ----------
        values : array_like of shapely geometries
            Geometries in any CRS (coordinates are stored as they are; the CRS is not).

        Returns
        -------
        list of int
            The [start, stop) item range, for :meth:`Unpacker.geoms`.
        """
        start = len(self._wkb)
        wkb = shapely.to_wkb(np.asarray(values, dtype=object))
        self._wkb.extend(b"" if w is None else w for w in wkb.tolist())
        return [start, len(self._wkb)]

    def array(self, name: str, values) -> str:
        """Store a plain (numeric / boolean) array under ``name``.

        Parameters
        ----------
        name : str
            Key of the array in the entry.
        values : array_like
            Values; object dtype is refused.

        Returns
        -------
        str
            ``name``.

        Raises
        ------
        TypeError
            ``values`` has dtype object.
        """
        a = np.asarray(values)
        if a.dtype.hasobject:
            raise TypeError(f"cache array {name!r} has dtype object; store it as text or geometry")
        self.arrays[name] = a
        return name

    def finish(self) -> dict[str, np.ndarray]:
        """All arrays to write (blobs included).

        Returns
        -------
        dict of str to numpy.ndarray
            The named arrays plus the UTF-8 and WKB blobs with their int64 offsets and the text
            null mask, ready for :func:`write_entry`.
        """
        out = dict(self.arrays)
        for name, items in (("_text", self._text), ("_wkb", self._wkb)):
            offsets = np.zeros(len(items) + 1, np.int64)
            np.cumsum(np.fromiter((len(b) for b in items), np.int64, len(items)), out=offsets[1:])
            out[f"{name}.blob"] = np.frombuffer(b"".join(items), dtype=np.uint8)
            out[f"{name}.offsets"] = offsets
        out["_text.null"] = np.asarray(self._text_null, dtype=bool)
        return out


class Unpacker:
    """Read back what a :class:`Packer` stored (arrays from ``np.load(..., allow_pickle=False)``)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self._tb, self._to = arrays["_text.blob"], arrays["_text.offsets"]
        self._tn = arrays["_text.null"]
        self._wb, self._wo = arrays["_wkb.blob"], arrays["_wkb.offsets"]
        for blob, off in ((self._tb, self._to), (self._wb, self._wo)):
            if off.ndim != 1 or off[0] != 0 or off[-1] != blob.shape[0] or (np.diff(off) < 0).any():
                raise ValueError("bad offsets")
        if self._tn.shape[0] != self._to.shape[0] - 1:
            raise ValueError("bad null mask")
        self._text_all = None
        self._wkb_all = None

    def _all_text(self):
        if self._text_all is None:
            try:
                import pyarrow as pa

                self._text_all = pa.Array.from_buffers(pa.large_string(), len(self._to) - 1,
                                                       [None, pa.py_buffer(self._to), pa.py_buffer(self._tb)])
                self._text_all.validate(full=True)  # valid UTF-8, offsets in range
            except ImportError:  # pragma: no cover - pyarrow comes with streamlit
                b, o = self._tb.tobytes(), self._to.tolist()
                self._text_all = [b[x:y].decode("utf-8") for x, y in zip(o[:-1], o[1:])]
        return self._text_all

    def text(self, rng: list[int]) -> pd.Series:
        """A text column (pandas string dtype; missing values as NaN).

        Parameters
        ----------
        rng : list of int
            [start, stop) item range returned by :meth:`Packer.text`.

        Returns
        -------
        pandas.Series
            The strings, RangeIndex.

        Raises
        ------
        ValueError
            The range lies outside the stored items.
        """
        a, b = int(rng[0]), int(rng[1])
        if not 0 <= a <= b <= self._tn.shape[0]:
            raise ValueError("bad text range")
        allt = self._all_text()
        s = allt.slice(a, b - a).to_pandas() if hasattr(allt, "slice") else pd.Series(allt[a:b])
        null = self._tn[a:b]
        if null.any():
            s = s.where(~null)
        return s

    def geoms(self, rng: list[int]) -> np.ndarray:
        """An object array of shapely geometries.

        Parameters
        ----------
        rng : list of int
            [start, stop) item range returned by :meth:`Packer.geoms`.

        Returns
        -------
        numpy.ndarray of object
            Shapely geometries (None where None was stored), coordinates as stored.

        Raises
        ------
        ValueError
            The range lies outside the stored items.
        """
        a, b = int(rng[0]), int(rng[1])
        if not 0 <= a <= b <= self._wo.shape[0] - 1:
            raise ValueError("bad geometry range")
        if self._wkb_all is None:
            buf, o = self._wb.tobytes(), self._wo.tolist()
            parts = np.empty(len(o) - 1, dtype=object)
            parts[:] = [buf[x:y] or None for x, y in zip(o[:-1], o[1:])]
            self._wkb_all = shapely.from_wkb(parts)
        return self._wkb_all[a:b]

    def array(self, name: str) -> np.ndarray:
        """A plain array stored with :meth:`Packer.array`.

        Parameters
        ----------
        name : str
            The name it was stored under.

        Returns
        -------
        numpy.ndarray
            The array as loaded.
        """
        return self.arrays[name]


def encode_frame(prefix: str, df: pd.DataFrame, packer: Packer) -> dict:
    """Store a (Geo)DataFrame's columns in ``packer``; returns its JSON schema.

    Numeric and boolean columns are stored as arrays; text columns as text; the geometry column
    as WKB. The index is not kept (frames come back with a RangeIndex).

    Parameters
    ----------
    prefix : str
        Prefix of the array names (unique per frame within one entry).
    df : pandas.DataFrame or geopandas.GeoDataFrame
        The frame; any CRS (recorded in the schema).
    packer : Packer
        Collector of the entry's data.

    Returns
    -------
    dict
        JSON schema (columns, geometry column name, CRS string, row count) for
        :func:`decode_frame`.
    """
    import geopandas as gpd

    cols = []
    geom_name = df.geometry.name if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df else None
    for i, c in enumerate(df.columns):
        s = df[c]
        if c == geom_name:
            cols.append({"name": str(c), "type": "geometry", "items": packer.geoms(s.values)})
        elif pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            cols.append({"name": str(c), "type": "array", "array": packer.array(f"{prefix}.{i}", s.to_numpy())})
        else:
            cols.append({"name": str(c), "type": "text", "items": packer.text(s.tolist())})
    crs = df.crs.to_string() if geom_name is not None and df.crs is not None else None
    return {"columns": cols, "geometry": geom_name, "crs": crs, "rows": len(df)}


def decode_frame(schema: dict, unpacker: Unpacker) -> pd.DataFrame:
    """Inverse of :func:`encode_frame`: a GeoDataFrame when a geometry column was stored.

    Parameters
    ----------
    schema : dict
        Schema returned by :func:`encode_frame`.
    unpacker : Unpacker
        Reader over the entry's arrays.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        The frame with a RangeIndex, in the stored CRS.

    Raises
    ------
    ValueError
        Unknown column type or row counts that disagree.
    """
    import geopandas as gpd
    from geopandas.array import GeometryArray

    data: dict[str, Any] = {}
    for col in schema["columns"]:
        if col["type"] == "geometry":
            data[col["name"]] = GeometryArray(unpacker.geoms(col["items"]), crs=_crs(schema["crs"]))
        elif col["type"] == "array":
            data[col["name"]] = unpacker.array(col["array"])
        elif col["type"] == "text":
            data[col["name"]] = unpacker.text(col["items"])
        else:
            raise ValueError(f"unknown column type {col['type']!r}")
    if any(len(v) != schema["rows"] for v in data.values()):
        raise ValueError("row count mismatch")
    if schema.get("geometry"):
        return gpd.GeoDataFrame(data, geometry=schema["geometry"])  # the GeometryArray carries the CRS
    return pd.DataFrame(data)


@functools.lru_cache(maxsize=16)
def _crs(text: str | None):
    """A parsed pyproj CRS per string (parsing costs about a millisecond each time)."""
    if text is None:
        return None
    from pyproj import CRS

    return CRS.from_user_input(text)


def read_cached_frame(kind: str, key: str, cache_dir: str | Path | None = None,
                      **expect: Any) -> pd.DataFrame | None:
    """A (Geo)DataFrame stored by :func:`write_cached_frame`, or ``None`` (then rebuild it).

    Parameters
    ----------
    kind : str
        Kind of data (sub-folder of the cache).
    key : str
        Entry key from :func:`cache_key`.
    cache_dir : str or Path, optional
        Cache root; None uses :func:`cache_root`.
    **expect : Any
        Metadata values that must match (e.g. ``source_sha256=...``).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame or None
        The frame (RangeIndex, stored CRS); None when missing, damaged or not matching.
    """
    entry = read_entry(kind, key, cache_dir)
    if entry is None:
        return None
    arrays, meta = entry
    try:
        if any(meta.get(k) != v for k, v in expect.items()):
            return None
        return decode_frame(meta["frame"], Unpacker(arrays))
    except Exception:  # anything unexpected: rebuilt
        return None


def write_cached_frame(df: pd.DataFrame, kind: str, key: str, cache_dir: str | Path | None = None,
                       **meta: Any) -> bool:
    """Store one (Geo)DataFrame (plus JSON ``meta``) as a data-only cache entry (:func:`write_entry`).

    Parameters
    ----------
    df : pandas.DataFrame or geopandas.GeoDataFrame
        The frame (the index is not kept).
    kind : str
        Kind of data (sub-folder of the cache).
    key : str
        Entry key from :func:`cache_key`.
    cache_dir : str or Path, optional
        Cache root; None uses :func:`cache_root`.
    **meta : Any
        JSON-serialisable metadata, checked later by :func:`read_cached_frame`'s ``expect``.

    Returns
    -------
    bool
        True when written, False when the cache folder cannot be written.
    """
    pk = Packer()
    schema = encode_frame("frame", df, pk)
    return write_entry(kind, key, pk.finish(), {**meta, "frame": schema}, cache_dir)
