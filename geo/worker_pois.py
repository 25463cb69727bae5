"""Transport points of a local OSM file where outdoor workers wait: stops, stations, route ends.

The context layers (:mod:`geo.osm_features`) hold ``amenity``/``shop``/``office`` POIs; this
reader adds what they leave out, read offline with pyosmium in two passes: nodes tagged
``highway=bus_stop``, ``public_transport=station|platform|stop_position``, ``railway=station|halt``,
``amenity=taxi|bus_station``, and the first and last stop of every ``route=bus|trolleybus`` relation
(首末站, ``route_end=True``). Points in WGS-84 (EPSG:4326); cached on disk by the file's SHA-256.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import WGS84
from geo.disk_cache import cache_key, code_fingerprint, read_cached_frame, write_cached_frame
from geo.errors import OSMFileError
from geo.messages import both
from geo.osm_file import check_osm_file, file_sha256, osmium_file

#: node tags read (key -> values)
TRANSPORT_TAGS = {
    "highway": frozenset({"bus_stop"}),
    "public_transport": frozenset({"station", "platform", "stop_position"}),
    "railway": frozenset({"station", "halt"}),
    "amenity": frozenset({"taxi", "bus_station"}),
}
BUS_ROUTES = frozenset({"bus", "trolleybus"})
COLUMNS = ("osm_id", "highway", "public_transport", "railway", "amenity", "name", "route_end")


def _route_end_nodes(path) -> set[int]:
    """Node ids of the first and last stop (or first/last node member) of each bus route relation."""
    import osmium

    ends: set[int] = set()
    for r in osmium.FileProcessor(path, osmium.osm.RELATION):
        if r.tags.get("type") != "route" or r.tags.get("route") not in BUS_ROUTES:
            continue
        nodes = [m.ref for m in r.members if m.type == "n"]
        stops = [m.ref for m in r.members if m.type == "n" and m.role.startswith("stop")] or nodes
        if stops:
            ends.update((stops[0], stops[-1]))
    return ends


def read_transport_points(path: str | Path) -> gpd.GeoDataFrame:
    """Transport points of ``path`` (no cache).

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML).

    Returns
    -------
    geopandas.GeoDataFrame
        One point per node, EPSG:4326, RangeIndex; columns :data:`COLUMNS` (``osm_id`` int64,
        tag values as str with "" for missing, ``route_end`` bool) plus ``geometry``.

    Raises
    ------
    OSMFileError
        The file is refused by the checks or cannot be read.
    """
    import osmium

    p = check_osm_file(path)
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    lon: list[float] = []
    lat: list[float] = []
    try:
        ends = _route_end_nodes(osmium_file(p))
        for n in osmium.FileProcessor(osmium_file(p), osmium.osm.NODE):
            tags = n.tags
            hit = any(tags.get(k) in v for k, v in TRANSPORT_TAGS.items())
            if not (hit or n.id in ends) or not n.location.valid():
                continue
            rows["osm_id"].append(int(n.id))
            for k in ("highway", "public_transport", "railway", "amenity", "name"):
                rows[k].append(tags.get(k, ""))
            rows["route_end"].append(n.id in ends)
            lon.append(n.location.lon)
            lat.append(n.location.lat)
    except RuntimeError as err:
        raise OSMFileError(both("error.stops_unreadable", name=p.name, err=err)) from err
    df = pd.DataFrame(rows)
    df["osm_id"] = df["osm_id"].astype(np.int64)
    df["route_end"] = df["route_end"].astype(bool)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=WGS84)


def load_transport_points(path: str | Path, *, cache_dir: str | Path | None = None, use_cache: bool = True) -> gpd.GeoDataFrame:
    """:func:`read_transport_points` through the data-only on-disk cache.

    The cache key is the file's SHA-256 plus the code fingerprint (``geo.disk_cache``). A
    damaged or foreign entry is ignored and rebuilt.

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML).
    cache_dir : str or Path, optional
        Cache folder; None uses :func:`geo.disk_cache.cache_root`.
    use_cache : bool
        False reads the file and neither reads nor writes the cache.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_transport_points` (EPSG:4326).

    Raises
    ------
    OSMFileError
        The file is refused or cannot be read.
    """
    p = check_osm_file(path)
    digest = file_sha256(p)
    key = cache_key(sha=digest, what="transport", code=code_fingerprint(__file__))
    if use_cache:
        out = read_cached_frame("transport", key, cache_dir, source_sha256=digest)
        if out is not None and list(out.columns[:-1]) == list(COLUMNS):
            out["route_end"] = out["route_end"].astype(bool)
            return out
    out = read_transport_points(p)
    if use_cache:  # (the frame must be packed before the arrays are finished)
        write_cached_frame(out, "transport", key, cache_dir, source_sha256=digest)
    return out
