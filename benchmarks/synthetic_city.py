"""A synthetic, irregular city-scale street network (metres, UTM 51N) for benchmarks.

Jittered square lattice (block side ``spacing_m``), with a share of segments removed (missing
links, superblocks, gated compounds), a few diagonal avenues added, and gently curved segments,
so that shortest paths are irregular like a real street grid. 510 × 510 nodes ≈ 260,000 nodes
and ≈ 480,000 segments.
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.network import WalkNetwork

CRS = "EPSG:32651"


def synthetic_city(side: int = 510, spacing_m: float = 80.0, drop_share: float = 0.12, seed: int = 0) -> WalkNetwork:
    """Build the synthetic network (``side × side`` lattice nodes; metres)."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    x = (jj * spacing_m + rng.normal(0, spacing_m * 0.12, ii.shape)).ravel() + 200_000.0
    y = (ii * spacing_m + rng.normal(0, spacing_m * 0.12, ii.shape)).ravel() + 3_340_000.0
    idx = (ii * side + jj)
    horiz = np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()])
    vert = np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])
    diag_rows = rng.choice(side - 1, size=side // 25, replace=False)
    diag = np.concatenate([np.column_stack([idx[r, :-1], idx[r + 1, 1:]]) for r in diag_rows])
    edges = np.vstack([horiz, vert, diag])
    keep = rng.random(len(edges)) >= drop_share
    edges = edges[keep]
    u, v = edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64)
    # curved streets: a mid vertex pushed sideways
    mx, my = (x[u] + x[v]) / 2, (y[u] + y[v]) / 2
    dx, dy = x[v] - x[u], y[v] - y[u]
    bend = rng.normal(0, 0.08, len(u))
    mx, my = mx - dy * bend, my + dx * bend
    coords = np.stack([np.column_stack([x[u], y[u]]), np.column_stack([mx, my]), np.column_stack([x[v], y[v]])], axis=1)
    geoms = shapely.linestrings(coords)
    n = side * side
    hw = rng.choice(np.array(["residential", "tertiary", "secondary", "footway"], dtype=object), len(u),
                    p=[0.6, 0.2, 0.1, 0.1])
    return WalkNetwork(
        crs=CRS, node_x=x, node_y=y, node_osmid=np.arange(n, dtype=np.int64), edge_u=u, edge_v=v,
        edge_length=shapely.length(geoms), edge_geometry=geoms, edge_highway=hw,
        edge_name=np.full(len(u), "", dtype=object), edge_oneway=np.zeros(len(u), dtype=bool),
    )
