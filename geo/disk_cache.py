"""On-disk cache of derived data (walking networks, OSM context layers) as pickles.

Files are written atomically; a missing, damaged or foreign cache file reads as ``None`` and is
rebuilt by the caller, never trusted.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any, Callable

from geo.safe_io import atomic_write_path


def cache_root() -> Path:
    """``$SERVICECIRCLE_CACHE`` or ``.cache/`` at the project root."""
    env = os.environ.get("SERVICECIRCLE_CACHE")
    return Path(env) if env else Path(__file__).resolve().parent.parent / ".cache"


def read_cached(path: Path, is_valid: Callable[[Any], bool]) -> Any | None:
    """The object pickled at ``path`` if it exists, loads and passes ``is_valid``; else ``None``."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            obj = pickle.load(f)
    except Exception:  # a damaged cache file is rebuilt, never trusted
        return None
    return obj if is_valid(obj) else None


def write_cached(obj: Any, path: Path) -> None:
    """Pickle ``obj`` to ``path`` atomically (temporary file, then rename)."""
    with atomic_write_path(path) as tmp:
        with open(tmp, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def code_fingerprint(*files: str | Path) -> str:
    """Short hash of source files, part of cache keys so that changed builder code rebuilds."""
    import hashlib

    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:12]
