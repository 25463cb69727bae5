"""Synthetic city-scale siting instance: a jittered street lattice with demand on the streets.

Used only by ``bench_siting.py``. Coverage is by *network* distance (metres) along the lattice,
so coverage sets have the overlapping, locally clustered structure of a real city, not the
random structure of a uniform instance. Distances are computed one candidate batch at a time
(limited Dijkstra) and kept as a long table of pairs within the cutoff; the dense matrix is only
built on request for spopt, which needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo.sparse_graph import csr_min


@dataclass(frozen=True)
class SyntheticSiting:
    """Pairs (demand, site, metres) within ``cutoff_m``; sites = existing first, then candidates."""

    demand_idx: np.ndarray  # int64, index into demand points
    site_idx: np.ndarray  # int64, index into sites (existing first)
    dist_m: np.ndarray  # float64, network metres
    weights: np.ndarray  # float64 per demand point (residents / workers)
    n_existing: int
    n_candidates: int
    cutoff_m: float

    @property
    def n_demand(self) -> int:
        return len(self.weights)

    @property
    def n_sites(self) -> int:
        return self.n_existing + self.n_candidates

    def dense_cost(self, far: float = 1.0e9) -> np.ndarray:
        """Dense demand x sites cost matrix (metres; ``far`` beyond the cutoff) for spopt only."""
        cost = np.full((self.n_demand, self.n_sites), far, dtype=np.float64)
        cost[self.demand_idx, self.site_idx] = self.dist_m
        return cost


def make_lattice(side_m: float, block_m: float, jitter_m: float, rng: np.random.Generator):
    """Jittered square street lattice: node xy (metres) and undirected edges (u, v, length_m)."""
    n = int(side_m // block_m) + 1
    gx, gy = np.meshgrid(np.arange(n) * block_m, np.arange(n) * block_m, indexing="ij")
    x = gx.ravel() + rng.uniform(-jitter_m, jitter_m, n * n)
    y = gy.ravel() + rng.uniform(-jitter_m, jitter_m, n * n)
    ids = np.arange(n * n).reshape(n, n)
    u = np.concatenate([ids[:-1, :].ravel(), ids[:, :-1].ravel()])
    v = np.concatenate([ids[1:, :].ravel(), ids[:, 1:].ravel()])
    # drop ~8% of street segments so blocks are irregular (superblocks, rivers, campuses)
    keep = rng.random(len(u)) > 0.08
    u, v = u[keep], v[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    return x, y, u, v, length


def make_instance(
    n_candidates: int = 2000,
    n_demand: int = 20000,
    n_existing: int = 30,
    cutoff_m: float = 1000.0,
    side_m: float = 17000.0,
    block_m: float = 110.0,
    seed: int = 7,
    batch: int = 128,
) -> SyntheticSiting:
    """Build the instance: candidates and existing sites on nodes, demand mid-edge, clustered weights."""
    rng = np.random.default_rng(seed)
    x, y, u, v, length = make_lattice(side_m, block_m, 25.0, rng)
    n_nodes = len(x)
    graph = csr_min(np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([length, length]),
                    (n_nodes, n_nodes))
    # demand: denser near a few centres (a city has a core and sub-centres)
    hubs = rng.uniform(0.15 * side_m, 0.85 * side_m, size=(6, 2))
    mid_x, mid_y = (x[u] + x[v]) / 2, (y[u] + y[v]) / 2
    d_hub = np.min(np.hypot(mid_x[:, None] - hubs[:, 0], mid_y[:, None] - hubs[:, 1]), axis=1)
    p_edge = np.exp(-d_hub / (0.2 * side_m))
    p_edge /= p_edge.sum()
    d_edge = rng.choice(len(u), size=n_demand, p=p_edge)
    d_off = rng.uniform(0, 1, n_demand) * length[d_edge]
    weights = np.round(rng.lognormal(mean=3.5, sigma=0.8, size=n_demand))
    sites = rng.choice(n_nodes, size=n_existing + n_candidates, replace=False)

    rows, cols, dists = [], [], []
    du, dv = u[d_edge], v[d_edge]
    for start in range(0, len(sites), batch):
        src = sites[start : start + batch]
        dn = dijkstra(graph, directed=False, indices=src, limit=cutoff_m)  # (batch, n_nodes)
        dd = np.minimum(dn[:, du] + d_off, dn[:, dv] + (length[d_edge] - d_off))
        s_loc, dem = np.nonzero(dd <= cutoff_m)
        rows.append(dem)
        cols.append(s_loc + start)
        dists.append(dd[s_loc, dem])
    return SyntheticSiting(
        demand_idx=np.concatenate(rows).astype(np.int64),
        site_idx=np.concatenate(cols).astype(np.int64),
        dist_m=np.concatenate(dists),
        weights=weights,
        n_existing=n_existing,
        n_candidates=n_candidates,
        cutoff_m=cutoff_m,
    )


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    inst = make_instance()
    print(f"{len(inst.dist_m):,} pairs in {time.perf_counter() - t:.1f} s")
