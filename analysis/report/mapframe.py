"""What static (matplotlib) and interactive (Leaflet) report maps share, without matplotlib:
layer colours, the map frame around a coverage run (metres) and the isochrones dissolved by
threshold. The HTML report imports this module only, so a report whose figures come from the
figure cache never loads matplotlib.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from analysis.coverage import CoverageResult

ISO_COLOURS = {5.0: "#1a9850", 8.0: "#66bd63", 10.0: "#fdae61", 15.0: "#f46d43"}
FALLBACK_ISO = "#74add1"
GAP_COLOUR = "#b2182b"
CENTER_COLOUR = "#c62828"
STATION_COLOUR = "#ef6c00"
PROPOSAL_COLOUR = "#1565c0"
SHARE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)
SHARE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
#: Height/width range of map frames: tall or flat study areas get more context around them.
MIN_RATIO, MAX_RATIO = 0.6, 1.25


def map_extent(result: CoverageResult, margin: float = 0.04, with_circles: bool = False) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) in metres around demand, centers and the threshold's isochrones
    (and straight-line circles when ``with_circles``), with a relative margin.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (projected metric CRS).
    margin : float
        Margin as a fraction of the width and height (each at least 200 m).
    with_circles : bool
        Include the threshold's straight-line circles.

    Returns
    -------
    tuple of float
        In the run's CRS, metres; widened by :func:`fit_ratio` to ``MIN_RATIO``-``MAX_RATIO``.
    """
    parts = [result.demand.total_bounds, result.centers.total_bounds]
    m = float(result.params.minutes)
    for layer, use in ((result.isochrones, True), (result.circles, with_circles)):
        if use and layer is not None and len(layer):
            sel = layer[np.isclose(layer["minutes"], m)]
            if len(sel):
                parts.append(sel.total_bounds)
    b = np.array(parts, dtype=float)
    minx, miny = np.nanmin(b[:, 0]), np.nanmin(b[:, 1])
    maxx, maxy = np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    dx, dy = max(maxx - minx, 200.0), max(maxy - miny, 200.0)
    minx, miny, maxx, maxy = minx - margin * dx, miny - margin * dy, maxx + margin * dx, maxy + margin * dy
    return fit_ratio((minx, miny, maxx, maxy), MIN_RATIO, MAX_RATIO)


def fit_ratio(extent, min_ratio: float, max_ratio: float) -> tuple[float, float, float, float]:
    """Widen the extent (metres) so that height/width lies in [min_ratio, max_ratio] (more context).

    Parameters
    ----------
    extent : tuple of float
        (minx, miny, maxx, maxy), metres.
    min_ratio, max_ratio : float
        Allowed height/width range.

    Returns
    -------
    tuple of float
        (minx, miny, maxx, maxy), same centre.
    """
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    if h / w > max_ratio:
        extra = (h / max_ratio - w) / 2
        minx, maxx = minx - extra, maxx + extra
    elif h / w < min_ratio:
        extra = (w * min_ratio - h) / 2
        miny, maxy = miny - extra, maxy + extra
    return (float(minx), float(miny), float(maxx), float(maxy))


def dissolved_isochrones(result: CoverageResult) -> gpd.GeoDataFrame:
    """One (multi)polygon per threshold (minutes), largest first.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (its isochrones).

    Returns
    -------
    GeoDataFrame
        ``minutes`` and geometry in the run's projected metric CRS (empty without isochrones).
    """
    iso = result.isochrones
    if iso is None or iso.empty:
        return gpd.GeoDataFrame({"minutes": []}, geometry=[], crs=result.crs)
    d = iso[["minutes", "geometry"]].dissolve(by="minutes").reset_index()
    return d.sort_values("minutes", ascending=False, ignore_index=True)
