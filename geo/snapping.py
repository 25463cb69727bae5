"""Snap points to the nearest position ON a street segment (not to the nearest node).

Each point gets the segment it is closest to, its offset along that segment (metres from the
segment's first node ``u``) and the straight-line access distance from the point to the street.
Points farther than ``max_access_m`` from any street are flagged off-network, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import to_crs_checked
from geo.errors import LayerError
from geo.network import WalkNetwork

DEFAULT_MAX_ACCESS_M = 300.0


@dataclass(frozen=True)
class SnappedPoints:
    """Positions of points on a :class:`WalkNetwork` (all distances in metres)."""

    edge: np.ndarray       # nearest segment index; -1 only when the network has no segment
    offset_m: np.ndarray   # distance along the segment from its node u
    access_m: np.ndarray   # straight line from the point to the street
    on_network: np.ndarray # access_m <= max_access_m
    x: np.ndarray          # snapped position (network CRS)
    y: np.ndarray

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    def subset(self, mask_or_index) -> "SnappedPoints":
        """The snapped points selected by a boolean mask or an index array."""
        return SnappedPoints(*(getattr(self, f)[mask_or_index] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list["SnappedPoints"]) -> "SnappedPoints":
        """Stack several snapped point sets (e.g. existing sites + proposed sites)."""
        return SnappedPoints(*(np.concatenate([getattr(p, f) for p in parts]) for f in SnappedPoints.__dataclass_fields__))


def snap_points(
    network: WalkNetwork,
    points: gpd.GeoSeries | gpd.GeoDataFrame,
    max_access_m: float = DEFAULT_MAX_ACCESS_M,
) -> SnappedPoints:
    """Snap ``points`` (any CRS; polygons use their representative point) onto ``network``.

    Vectorised and exact: the network's :class:`~geo.snap_index.SnapIndex` (built on first use and
    kept with the network) finds every point's nearest segment; equally near segments (a point
    at a street corner) go to the lowest segment index.
    """
    if max_access_m < 0:
        raise LayerError("The access distance cap must be zero or more metres.")
    geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    geo = to_crs_checked(gpd.GeoDataFrame(geometry=geo), network.crs, "point layer").geometry
    geoms = np.asarray(geo.values, dtype=object)
    n = len(geoms)
    if n and (shapely.is_missing(geoms) | shapely.is_empty(geoms)).any():
        raise LayerError("Some features have no geometry; remove or fix them before the analysis.")
    not_point = shapely.get_type_id(geoms) != 0
    if not_point.any():
        geoms = geoms.copy()
        geoms[not_point] = shapely.point_on_surface(geoms[not_point])
    if network.n_edges == 0:
        nan = np.full(n, np.nan)
        return SnappedPoints(np.full(n, -1, np.int64), nan, nan.copy(), np.zeros(n, bool), nan.copy(), nan.copy())
    xy = shapely.get_coordinates(geoms)
    near = network.snap_index.nearest(xy[:, 0], xy[:, 1])
    edge, access = near.edge, near.distance
    # keep offsets consistent with the stored segment length (metres)
    offset = np.clip(near.offset, 0.0, network.edge_length[edge])
    return SnappedPoints(
        edge=edge,
        offset_m=offset,
        access_m=access,
        on_network=access <= max_access_m,
        x=near.x,
        y=near.y,
    )
