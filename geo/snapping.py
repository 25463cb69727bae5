"""Snap points to the nearest position ON a street segment (not to the nearest node).

Each point gets the segment it is closest to, its offset along that segment (metres from the
segment's first node ``u``) and the straight-line access distance from the point to the street.
Points farther than ``max_access_m`` from any street are flagged off-network, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import to_crs_checked
from geo.errors import LayerError
from geo.messages import both
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
        """The snapped points selected by a boolean mask or an index array.

        Parameters
        ----------
        mask_or_index : numpy.ndarray
            Boolean mask of length ``len(self)`` or integer positions.

        Returns
        -------
        SnappedPoints
            The selected rows, in the order selected.
        """
        return SnappedPoints(*(getattr(self, f)[mask_or_index] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list["SnappedPoints"]) -> "SnappedPoints":
        """Stack several snapped point sets (e.g. existing sites + proposed sites).

        Parameters
        ----------
        parts : list of SnappedPoints
            Sets snapped onto the same network.

        Returns
        -------
        SnappedPoints
            Rows of ``parts`` in order.
        """
        return SnappedPoints(*(np.concatenate([getattr(p, f) for p in parts]) for f in SnappedPoints.__dataclass_fields__))


def snap_points(
    network: WalkNetwork,
    points: gpd.GeoSeries | gpd.GeoDataFrame,
    max_access_m: float = DEFAULT_MAX_ACCESS_M,
) -> SnappedPoints:
    """Snap ``points`` onto ``network``: nearest position on a segment, not the nearest node.

    Vectorised and exact: the network's :class:`~geo.snap_index.SnapIndex` (built on first use and
    kept with the network) finds every point's nearest segment; equally near segments (a point
    at a street corner) go to the lowest segment index.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    points : geopandas.GeoSeries or geopandas.GeoDataFrame
        Points in any CRS (reprojected to the network CRS); polygons use their representative
        point. Every row needs a geometry.
    max_access_m : float
        Access cap in metres: points farther from any street are flagged off-network, never
        dropped.

    Returns
    -------
    SnappedPoints
        One position per row of ``points`` (same order): segment, offset from its node u and
        access distance (metres), ``on_network``, snapped x/y in the network CRS. With a network
        without segments: edge -1, NaN distances, all off-network.

    Raises
    ------
    LayerError
        ``max_access_m`` is negative, or a feature has no geometry.
    CRSError
        ``points`` has no CRS.
    """
    if max_access_m < 0:
        raise LayerError(both("error.access_cap_negative"))
    geo = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    geo = to_crs_checked(gpd.GeoDataFrame(geometry=geo), network.crs, "point layer").geometry
    geoms = np.asarray(geo.values, dtype=object)
    n = len(geoms)
    if n and (shapely.is_missing(geoms) | shapely.is_empty(geoms)).any():
        raise LayerError(both("error.features_without_geometry"))
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


# -- positions that travel with the sites --------------------------------------------------------

#: Columns a site layer carries once it has been snapped: segment index, metres from the
#: segment's node u, straight-line access metres, and the network they refer to.
SNAP_COLUMNS = ("snap_edge", "snap_offset_m", "access_m", "snap_network")


def network_identity(network: WalkNetwork) -> str:
    """A short text naming this exact network (its source file's SHA-256 and its size).

    Parameters
    ----------
    network : WalkNetwork
        The network.

    Returns
    -------
    str
        ``"<sha256 or 'inline'>:<n_nodes>:<n_edges>"``.
    """
    return f"{network.source_sha256 or 'inline'}:{network.n_nodes}:{network.n_edges}"


def snap_columns(network: WalkNetwork, snaps: SnappedPoints) -> dict[str, np.ndarray]:
    """The :data:`SNAP_COLUMNS` values for ``snaps`` (to store on a site layer).

    Parameters
    ----------
    network : WalkNetwork
        The network ``snaps`` refer to.
    snaps : SnappedPoints
        Positions of the layer's rows, in row order.

    Returns
    -------
    dict of str to numpy.ndarray
        ``snap_edge`` (int64), ``snap_offset_m`` and ``access_m`` (float64, metres) and
        ``snap_network`` (:func:`network_identity`, object).
    """
    return {
        "snap_edge": snaps.edge.astype(np.int64),
        "snap_offset_m": snaps.offset_m.astype(np.float64),
        "access_m": snaps.access_m.astype(np.float64),
        "snap_network": np.full(len(snaps), network_identity(network), dtype=object),
    }


def snap_sites(
    network: WalkNetwork, sites: gpd.GeoDataFrame, max_access_m: float = DEFAULT_MAX_ACCESS_M
) -> SnappedPoints:
    """Positions of ``sites`` on ``network``: kept where the layer already carries them, else snapped.

    A row keeps its stored position (:data:`SNAP_COLUMNS`) when it names this network
    (:func:`network_identity`) and the segment and offset exist; there is no round trip through
    longitude/latitude and no second snap. Other rows are snapped with :func:`snap_points`.

    Parameters
    ----------
    network : WalkNetwork
    sites : GeoDataFrame
        Points in any CRS, optionally with the :data:`SNAP_COLUMNS`.
    max_access_m : float
        Access cap in metres (sites farther from a street are off-network).

    Returns
    -------
    SnappedPoints
        One position per row of ``sites``, in the network CRS (metres).
    """
    n = len(sites)
    keep = np.zeros(n, dtype=bool)
    if n and all(c in sites for c in SNAP_COLUMNS):
        e = pd.to_numeric(sites["snap_edge"], errors="coerce").to_numpy(dtype=np.float64)
        off = pd.to_numeric(sites["snap_offset_m"], errors="coerce").to_numpy(dtype=np.float64)
        acc = pd.to_numeric(sites["access_m"], errors="coerce").to_numpy(dtype=np.float64)
        same = sites["snap_network"].astype(str).to_numpy() == network_identity(network)
        ok_e = np.isfinite(e) & (e >= 0) & (e < network.n_edges) & (e == np.round(e))
        length = network.edge_length[np.where(ok_e, e, 0).astype(np.int64)] if network.n_edges else np.zeros(n)
        keep = same & ok_e & np.isfinite(off) & (off >= 0) & (off <= length + 1e-6) & np.isfinite(acc) & (acc >= 0)
    fresh = snap_points(network, sites[~keep], max_access_m) if (~keep).any() else None
    if fresh is not None and not keep.any():
        return fresh
    out = {
        "edge": np.full(n, -1, dtype=np.int64), "offset_m": np.full(n, np.nan), "access_m": np.full(n, np.nan),
        "on_network": np.zeros(n, dtype=bool), "x": np.full(n, np.nan), "y": np.full(n, np.nan),
    }
    if keep.any():
        edge = e[keep].astype(np.int64)
        offset = np.minimum(off[keep], network.edge_length[edge])
        xy = shapely.get_coordinates(shapely.line_interpolate_point(network.edge_geometry[edge], offset))
        for f, val in (("edge", edge), ("offset_m", offset), ("access_m", acc[keep]),
                       ("on_network", acc[keep] <= max_access_m), ("x", xy[:, 0]), ("y", xy[:, 1])):
            out[f][keep] = val
    if fresh is not None:
        for f in out:
            out[f][~keep] = getattr(fresh, f)
    return SnappedPoints(**out)
