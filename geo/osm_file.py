"""Open a local OpenStreetMap file safely: existence, format, XML entity bombs, truncation.

Supported: ``.osm.pbf`` / ``.pbf`` (PBF), ``.osm`` / ``.xml`` (OSM XML), and XML compressed
as ``.osm.bz2`` / ``.osm.gz``. Nothing is ever downloaded here.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
from pathlib import Path

import osmium

from geo.errors import OSMFileError
from geo.messages import both

_FORMATS = {
    ".osm.pbf": "pbf",
    ".pbf": "pbf",
    ".osm": "osm",
    ".xml": "osm",
    ".osm.bz2": "osm.bz2",
    ".osm.gz": "osm.gz",
}
_XML_HEAD_BYTES = 64 * 1024


def osm_format(path: str | Path) -> str:
    """Return the osmium format string of ``path`` from its name, or refuse the file.

    Parameters
    ----------
    path : str or Path
        File name ending in ``.osm.pbf``, ``.pbf``, ``.osm``, ``.xml``, ``.osm.bz2`` or ``.osm.gz``
        (case-insensitive).

    Returns
    -------
    str
        "pbf", "osm", "osm.bz2" or "osm.gz".

    Raises
    ------
    OSMFileError
        The name has none of these extensions.
    """
    name = Path(path).name.lower()
    for suffix in sorted(_FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return _FORMATS[suffix]
    raise OSMFileError(both("error.osm_bad_name", name=Path(path).name))


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes (used as the cache key of derived data).

    Parameters
    ----------
    path : str or Path
        File to hash.
    chunk : int
        Read size in bytes (1 MiB by default).

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _xml_head(path: Path, fmt: str) -> bytes:
    opener = {"osm": open, "osm.bz2": bz2.open, "osm.gz": gzip.open}[fmt]
    try:
        with opener(path, "rb") as f:
            return f.read(_XML_HEAD_BYTES)
    except (OSError, EOFError, ValueError) as err:
        raise OSMFileError(both("error.osm_cannot_decompress", name=path.name, err=err)) from err


def check_osm_file(path: str | Path) -> Path:
    """Validate that ``path`` is a readable OSM file before parsing it.

    Refuses: a missing or empty file, an unknown extension, XML that is not OSM, and XML that
    declares a DTD or entities (entity-expansion "XML bombs" are never parsed).

    Parameters
    ----------
    path : str or Path
        The OSM extract (see :func:`osm_format` for the accepted names).

    Returns
    -------
    Path
        ``path`` as a :class:`Path`.

    Raises
    ------
    OSMFileError
        Any of the refusals above, or a compressed file that cannot be decompressed.
    """
    p = Path(path)
    if not p.exists():
        raise OSMFileError(both("error.osm_not_found", path=p))
    if not p.is_file():
        raise OSMFileError(both("error.osm_is_folder", path=p))
    if p.stat().st_size == 0:
        raise OSMFileError(both("error.osm_empty", name=p.name))
    fmt = osm_format(p)
    if fmt == "pbf":
        with open(p, "rb") as f:
            head = f.read(16)
        if b"OSMHeader" not in head:
            raise OSMFileError(both("error.osm_not_pbf", name=p.name))
    else:
        head = _xml_head(p, fmt)
        if b"<osm" not in head:
            raise OSMFileError(both("error.osm_not_xml", name=p.name))
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise OSMFileError(both("error.osm_dtd", name=p.name))
    return p


def osmium_file(path: Path) -> osmium.io.File:
    """An osmium file handle with the format set from the file name.

    Parameters
    ----------
    path : Path
        The OSM extract (checked with :func:`check_osm_file` beforehand).

    Returns
    -------
    osmium.io.File
        Handle for ``osmium.FileProcessor`` and friends.

    Raises
    ------
    OSMFileError
        The name has no OSM extension.
    """
    return osmium.io.File(str(path), osm_format(path))
