"""Exact nearest-segment search for many points: a k-d tree over points sampled along the streets.

Every straight piece of every street segment (consecutive vertices of its polyline) is cut into
``ceil(length / step)`` equal intervals and the middle of each interval is a sample, so every
point of a piece lies within ``step / 2`` metres of one of its own samples. For a query point the
``k`` nearest samples name candidate pieces; the exact point–piece distances are computed for
those (vectorised). The answer is *proven* nearest when the ``k``-th sample is farther than
``best + step / 2``: any piece at most as near as the best one has a sample within
``best + step / 2`` and would therefore have been among the ``k`` samples (ties included). Points
without that proof are retried with a larger ``k``, then answered by the STRtree of the segments.

Measured on ``benchmarks/synthetic_city.py`` (465,805 segments, 100,000 random points, 2 shared
cores; ``benchmarks/bench_issue16.py``): see the issue-16 table in the benchmark's output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

#: Sampling step along the streets (metres): a smaller step means more samples (a larger tree,
#: a slower build) but fewer points needing a larger ``k``.
DEFAULT_STEP_M = 20.0
#: Neighbour counts tried in turn; points still unproven go to the STRtree.
K_STEPS = (8, 32)
#: Threads of the k-d tree queries of many points (SciPy splits the points; the same answers).
QUERY_WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class NearestSegments:
    """Per query point: nearest segment, distance to it, position on it (metres, network CRS)."""

    edge: np.ndarray      # segment index (int64)
    distance: np.ndarray  # point -> segment (metres)
    offset: np.ndarray    # along the segment's polyline from its first vertex (metres)
    x: np.ndarray         # nearest position on the segment
    y: np.ndarray
    n_fallback: int       # points answered by the STRtree (no proof from the samples)


class SnapIndex:
    """Built once per network (``WalkNetwork.snap_index``) from the segment polylines."""

    def __init__(self, edge_geometry: np.ndarray, step_m: float = DEFAULT_STEP_M) -> None:
        self.step_m = float(step_m)
        self.edge_geometry = edge_geometry
        coords, owner = shapely.get_coordinates(edge_geometry, return_index=True)
        same = owner[1:] == owner[:-1]  # consecutive vertices of one polyline form a piece
        a = coords[:-1][same]
        b = coords[1:][same]
        self.piece_edge = owner[:-1][same].astype(np.int64)
        self.ax, self.ay = a[:, 0].copy(), a[:, 1].copy()
        self.dx, self.dy = b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]
        length = np.hypot(self.dx, self.dy)
        self.len2 = length * length
        # offset of each piece's start along its polyline
        cum = np.cumsum(length)
        first = np.r_[True, self.piece_edge[1:] != self.piece_edge[:-1]]
        start_of_run = np.maximum.accumulate(np.where(first, np.arange(len(length)), 0))
        before = np.r_[0.0, cum][start_of_run]
        self.piece_start = np.r_[0.0, cum][:-1] - before
        # samples: middles of ceil(len / step) equal intervals per piece
        m = np.maximum(np.ceil(length / self.step_m), 1).astype(np.int64)
        sample_piece = np.repeat(np.arange(len(length)), m)
        first_sample = np.r_[0, np.cumsum(m)[:-1]]
        j = np.arange(sample_piece.shape[0]) - np.repeat(first_sample, m)
        t = (j + 0.5) / np.repeat(m, m)
        sp = sample_piece
        samples = np.column_stack([self.ax[sp] + t * self.dx[sp], self.ay[sp] + t * self.dy[sp]])
        # spatially sorted samples (and queries, below): 2-3x faster tree build and queries (cache)
        order = _cell_order(samples[:, 0], samples[:, 1])
        samples = samples[order]
        self.sample_piece = sample_piece[order]
        self.tree = cKDTree(samples, balanced_tree=False, compact_nodes=False)
        self.half_step = self.step_m / 2.0
        self._strtree: shapely.STRtree | None = None

    @property
    def n_samples(self) -> int:
        """Number of sample points in the k-d tree (one per ``step_m`` interval of every piece)."""
        return int(self.sample_piece.shape[0])

    def _exact(self, px: np.ndarray, py: np.ndarray, piece: np.ndarray):
        """Distance from points to pieces (broadcast shapes), with the parameter t in [0, 1]."""
        dx, dy = self.dx[piece], self.dy[piece]
        ux, uy = px - self.ax[piece], py - self.ay[piece]
        len2 = self.len2[piece]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(len2 > 0, (ux * dx + uy * dy) / len2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        ex, ey = ux - t * dx, uy - t * dy
        return np.hypot(ex, ey), t

    def nearest(self, x: np.ndarray, y: np.ndarray) -> NearestSegments:
        """Nearest segment of every point ``(x, y)``; exact.

        Equally near segments go to the lowest segment index.

        Parameters
        ----------
        x, y : numpy.ndarray of float
            Point coordinates in the network's projected metric CRS (metres), same shape.

        Returns
        -------
        NearestSegments
            Per point, in input order: segment index, distance (metres), offset along the segment's
            polyline from its first vertex (metres), nearest position ``x``/``y`` (network CRS), and
            how many points needed the STRtree fallback.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        order = _cell_order(x, y)
        r = self._nearest_sorted(x[order], y[order])
        back = np.empty_like(order)
        back[order] = np.arange(order.shape[0])
        return NearestSegments(edge=r.edge[back], distance=r.distance[back], offset=r.offset[back],
                               x=r.x[back], y=r.y[back], n_fallback=r.n_fallback)

    def _nearest_sorted(self, x: np.ndarray, y: np.ndarray) -> NearestSegments:
        n = x.shape[0]
        piece = np.full(n, -1, np.int64)
        dist = np.full(n, np.nan)
        tpar = np.zeros(n)
        todo = np.arange(n)
        for k in K_STEPS:
            if todo.size == 0:
                break
            k_eff = min(k, self.n_samples)
            sd, si = self.tree.query(np.column_stack([x[todo], y[todo]]), k=k_eff,
                                     workers=QUERY_WORKERS if len(todo) >= 5000 else 1)
            sd, si = sd.reshape(len(todo), k_eff), si.reshape(len(todo), k_eff)
            cand = self.sample_piece[si]
            d, t = self._exact(x[todo, None], y[todo, None], cand)
            # among equally near pieces the lowest segment index (then lowest piece) wins
            best_col = _argmin_ties(d, self.piece_edge[cand], cand)
            rows = np.arange(len(todo))
            best = d[rows, best_col]
            proven = sd[:, -1] > best + self.half_step + 1e-9 * np.maximum(1.0, best)
            if k_eff == self.n_samples:
                proven[:] = True  # every sample seen: every piece was a candidate
            done = todo[proven]
            piece[done] = cand[rows, best_col][proven]
            dist[done] = best[proven]
            tpar[done] = t[rows, best_col][proven]
            todo = todo[~proven]
        n_fallback = int(todo.size)
        edge = np.where(piece >= 0, self.piece_edge[np.clip(piece, 0, None)], -1)
        sx = np.where(piece >= 0, self.ax[np.clip(piece, 0, None)] + tpar * self.dx[np.clip(piece, 0, None)], np.nan)
        sy = np.where(piece >= 0, self.ay[np.clip(piece, 0, None)] + tpar * self.dy[np.clip(piece, 0, None)], np.nan)
        pc = np.clip(piece, 0, None)
        offset = np.where(piece >= 0, self.piece_start[pc] + tpar * np.sqrt(self.len2[pc]), np.nan)
        if n_fallback:
            pts = shapely.points(x[todo], y[todo])
            if self._strtree is None:
                self._strtree = shapely.STRtree(self.edge_geometry)
            _, e = self._strtree.query_nearest(pts, all_matches=False)
            lines = self.edge_geometry[e]
            off = shapely.line_locate_point(lines, pts)
            snapped = shapely.line_interpolate_point(lines, off)
            xy = shapely.get_coordinates(snapped)
            edge[todo] = e
            offset[todo] = off
            dist[todo] = shapely.distance(pts, snapped)
            sx[todo], sy[todo] = xy[:, 0], xy[:, 1]
        return NearestSegments(edge=edge.astype(np.int64), distance=dist, offset=offset, x=sx, y=sy,
                               n_fallback=n_fallback)


def _cell_order(x: np.ndarray, y: np.ndarray, cell_m: float = 250.0) -> np.ndarray:
    """Order of points by row-major grid cells of ``cell_m`` metres (neighbours stay together)."""
    if x.shape[0] == 0:
        return np.zeros(0, np.int64)
    ix = np.floor((x - np.nanmin(x)) / cell_m)
    iy = np.floor((y - np.nanmin(y)) / cell_m)
    return np.lexsort((x, ix, iy))


def _argmin_ties(d: np.ndarray, edge: np.ndarray, piece: np.ndarray) -> np.ndarray:
    """Column of the smallest ``d`` per row; exact ties go to the lowest ``edge``, then ``piece``."""
    best = d.min(axis=1, keepdims=True)
    big = np.iinfo(np.int64).max
    key = np.where(d == best, edge, big)
    min_edge = key.min(axis=1, keepdims=True)
    key2 = np.where((d == best) & (edge == min_edge), piece, big)
    return key2.argmin(axis=1)
