"""GeoDataFrames as small GeoJSON for the browser, and a cache of the conversions.

Coordinates go out in WGS-84 (EPSG:4326), rounded to ``COORD_DECIMALS`` (5 ~ 1 m), optionally
shifted to GCJ-02 for Amap tiles; simplification happens in metres (the layer's projected CRS
or a local UTM zone). :class:`GeoJsonCache` is owned by whoever keeps the layers alive (the
app keeps one per process next to its cached coverage runs); there is no module-level cache.
"""

from __future__ import annotations

import math
import weakref
from typing import Callable, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84, utm_crs_for

COORD_DECIMALS = 5  # ~1 m at Hangzhou's latitude
#: ``(x, y) -> (x, y)`` in degrees, e.g. ``geo.coords.wgs84_to_gcj02``
Shift = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class GeoJsonCache:
    """GeoJSON built once per (live object, key): layers of a cached coverage result are
    converted once, not on every rerun. An entry goes when its object is garbage-collected."""

    def __init__(self) -> None:
        self._entries: dict[tuple, tuple] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, obj, key: tuple, build: Callable[[], object]):
        """``build()``'s value for (``obj``, ``key``), built on the first call only."""
        k = (id(obj),) + tuple(key)
        hit = self._entries.get(k)
        if hit is not None and hit[0]() is obj:
            return hit[1]
        val = build()
        try:
            ref = weakref.ref(obj)
            weakref.finalize(obj, self._entries.pop, k, None)
        except TypeError:  # not weak-referenceable: no caching
            return val
        self._entries[k] = (ref, val)
        return val


def metric_crs_for(gdf: gpd.GeoDataFrame) -> str:
    """The UTM zone (metres) at the centre of a WGS-84 layer's bounds."""
    minx, miny, maxx, maxy = gdf.total_bounds
    return utm_crs_for((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer in WGS-84 (EPSG:4326); refuses a layer without a CRS."""
    if gdf.crs is None:
        raise ValueError("layer has no CRS; cannot place it on the map")
    return gdf if str(gdf.crs) == WGS84 or gdf.crs.to_epsg() == 4326 else gdf.to_crs(WGS84)


def small_geojson(
    gdf: gpd.GeoDataFrame,
    columns: Iterable[str] = (),
    *,
    tolerance_m: float = 0.0,
    shift: Shift | None = None,
    decimals: int = COORD_DECIMALS,
) -> dict:
    """A compact GeoJSON FeatureCollection: chosen columns only, simplified, rounded coordinates.

    ``tolerance_m`` simplifies in the layer's metric CRS (or a local UTM zone) before converting
    to WGS-84; coordinates are rounded to ``decimals`` (5 ~ 1 m) after ``shift`` (GCJ-02 for Amap).
    """
    cols = [c for c in columns if c in gdf.columns]
    sub = gdf[cols + [gdf.geometry.name]].copy()
    sub = sub[~(sub.geometry.isna() | sub.geometry.is_empty)]
    if len(sub) == 0:
        return {"type": "FeatureCollection", "features": []}
    if tolerance_m > 0:
        metric = sub
        if sub.crs is not None and not sub.crs.is_projected:
            metric = sub.to_crs(metric_crs_for(sub))
        metric = metric.set_geometry(metric.geometry.simplify(tolerance_m, preserve_topology=True))
        sub = metric
    sub = to_wgs84(sub)
    geoms = sub.geometry.values

    def _round(c: np.ndarray) -> np.ndarray:
        if shift is not None:
            x, y = shift(c[:, 0], c[:, 1])
            c = np.column_stack([x, y])
        return np.round(c, decimals)

    geoms = shapely.transform(np.asarray(geoms), _round)
    feats = []
    records = sub[cols].to_dict("records") if cols else [{}] * len(sub)
    for i, (g, props) in enumerate(zip(geoms, records)):
        if g is None or g.is_empty:
            continue
        feats.append(
            {
                "type": "Feature",
                "id": i,
                "properties": {k: jsonable(v) for k, v in props.items()},
                "geometry": shapely.geometry.mapping(g),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def jsonable(v):
    """A property value JSON can hold (NaN/inf -> None, floats to 4 decimals)."""
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else round(f, 4)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [jsonable(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v if isinstance(v, (int, str)) else str(v)
