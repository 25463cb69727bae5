"""Basemap layers for static maps, from the local OSM data (no tile server), in the metric CRS.

Uses ``inputs.features`` when the caller loaded them (``geo.osm_features.load_osm_features``),
else the network's own streets. Layers are clipped to the map extent before drawing.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from analysis.report.inputs import ReportInputs

BASEMAP_LAYERS = ("landuse", "green", "water", "buildings", "streets")


#: the last few clipped basemaps: (features, network, crs, bbox) -> layers. Several report maps
#: share one extent; the sources are kept in the entry and compared by identity (no stale ids).
_CLIPPED: list[tuple[object, object, str, tuple, dict]] = []
_CLIPPED_MAX = 4


def basemap_layers(inputs: ReportInputs | None, crs: str, bbox: tuple[float, float, float, float]) -> dict[str, gpd.GeoDataFrame]:
    """Basemap layers in ``crs`` (metres), clipped to ``bbox`` (minx, miny, maxx, maxy in ``crs``).

    The same sources and extent give the same (shared, not to be modified) layers.

    Parameters
    ----------
    inputs : ReportInputs or None
        ``features`` (OSM layers) and/or ``network`` (its streets when no street layer is given).
    crs : str
        The map's projected metric CRS.
    bbox : tuple of float
        Map extent (minx, miny, maxx, maxy) in ``crs``, metres.

    Returns
    -------
    dict of str to GeoDataFrame
        Non-empty layers among ``landuse``, ``green``, ``water``, ``buildings``, ``streets``, in ``crs``.
    """
    inputs = inputs or ReportInputs()
    key = (str(crs), tuple(float(v) for v in bbox))
    for feats, net, c, b, layers in _CLIPPED:
        if feats is inputs.features and net is inputs.network and (c, b) == key:
            return layers
    layers = _basemap_layers(inputs, crs, bbox)
    _CLIPPED.append((inputs.features, inputs.network, key[0], key[1], layers))
    del _CLIPPED[:-_CLIPPED_MAX]
    return layers


def _basemap_layers(inputs: ReportInputs, crs: str, bbox) -> dict[str, gpd.GeoDataFrame]:
    layers: dict[str, gpd.GeoDataFrame] = {}
    feats = inputs.features or {}
    for name in BASEMAP_LAYERS:
        g = feats[name] if name in feats.keys() else None  # a dict or geo.osm_features.OSMFeatures
        if g is not None and len(g):
            layers[name] = _clip(g.to_crs(crs) if g.crs is not None and str(g.crs) != str(crs) else g, bbox)
    if "streets" not in layers and inputs.network is not None:
        layers["streets"] = _clip(inputs.network.edges_gdf(), bbox)
    return {k: v for k, v in layers.items() if len(v)}


def _clip(g: gpd.GeoDataFrame, bbox) -> gpd.GeoDataFrame:
    """Rows intersecting ``bbox``, geometries cut to it (keeps drawing fast)."""
    box = shapely.box(*bbox)
    g = g[g.geometry.notna()]
    hit = g.sindex.query(box, predicate="intersects")
    g = g.iloc[hit]
    return g.set_geometry(g.geometry.intersection(box)).loc[lambda x: ~x.geometry.is_empty]
