"""Walking distances on the network from sources (centers, stations, candidates) to nodes and points.

Exact at positions along segments: each source becomes a virtual node joined to both ends of its
segment (offset and remaining length, plus its access distance), so a center in mid-block reaches
both ends of its block; a target in mid-block is reached from whichever end is closer, or directly
along the segment when a source stands on the same segment.

* :func:`nearest_source_distances` — ONE multi-source Dijkstra (``scipy.sparse.csgraph``) for the
  distance from the nearest source to every node, and which source it is.
* :func:`point_distances` — the same for points (homes, grid cells), vectorised.
* :func:`per_source_reach` / :func:`points_reach` — every (source, node|point) pair within a
  cutoff, from cutoff-limited batched runs, as a sparse long table (never a dense matrix).

All distances are metres along the network; convert with ``WalkParams.metres_per_minute``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.cutoff import search_limit, within
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints
from geo.sparse_graph import csr_min

#: Virtual links must be strictly positive (scipy ignores stored zeros); 1 nm is immaterial.
_EPS = 1e-9
#: Dense Dijkstra output per batch (sources × nodes) is capped at this many float64 cells.
_BATCH_CELLS = 16_000_000


@dataclass(frozen=True)
class ReachTable:
    """Sparse long table of (source, target, distance in metres) pairs within a cutoff."""

    source: np.ndarray
    target: np.ndarray
    dist_m: np.ndarray

    def __len__(self) -> int:
        return int(self.source.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """The pairs as a DataFrame.

        Returns
        -------
        DataFrame
            ``source``, ``target`` (indices) and ``dist_m`` (metres).
        """
        return pd.DataFrame({"source": self.source, "target": self.target, "dist_m": self.dist_m})


def _at_v(network: WalkNetwork, edge: np.ndarray, offset_m: np.ndarray) -> np.ndarray:
    """Positions standing on node v of their segment (offset = length > 0; offset 0 is node u).

    A target there is reached from v without walking back along a one-way segment.
    """
    length = network.edge_length[edge]
    return (offset_m >= length) & (length > 0)


def _usable(sources: SnappedPoints) -> np.ndarray:
    return np.flatnonzero(sources.on_network & (sources.edge >= 0))


def _augmented_graph(network: WalkNetwork, sources: SnappedPoints, which: np.ndarray) -> sparse.csr_matrix:
    """The network's CSR plus one virtual node per source in ``which`` (rows n .. n+len(which)-1).

    Virtual node → u costs access + offset (walking back along the segment; not on one-way
    segments), → v costs access + (length − offset). On a self-loop segment (u == v) both links
    go to the same node and the shorter one is kept: min(offset, length − offset) + access.
    """
    n = network.n_nodes
    k = len(which)
    base = network.csr
    e = sources.edge[which]
    acc = sources.access_m[which]
    off = sources.offset_m[which]
    length = network.edge_length[e]
    to_u_ok = ~network.edge_oneway[e] | (off <= 0)  # at u already: no walking back needed
    rows_v = np.arange(k)
    cols = np.concatenate([network.edge_v[e], network.edge_u[e][to_u_ok]])
    rows = np.concatenate([rows_v, rows_v[to_u_ok]])
    w = np.concatenate([acc + (length - off), (acc + off)[to_u_ok]])
    extra = csr_min(rows, cols, w, (k, n + k), min_weight=_EPS)
    top = sparse.csr_matrix((base.data, base.indices, base.indptr), shape=(n, n + k))
    return sparse.vstack([top, extra], format="csr")


def nearest_source_distances(
    network: WalkNetwork, sources: SnappedPoints, limit_m: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distance (metres) from the nearest source to every node, with one multi-source Dijkstra.

    Returns ``(node_dist_m, node_source)``: ``inf`` / ``-1`` for nodes not reached (beyond
    ``limit_m`` or on a piece of the network without a source). Source access distances are
    included. Off-network sources are ignored.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sources : SnappedPoints
        Sources snapped to ``network`` (edge, offset and access distance in metres).
    limit_m : float, optional
        Stop the search at this distance, metres (see :func:`analysis.cutoff.search_limit`);
        None searches the whole network.

    Returns
    -------
    node_dist_m : numpy.ndarray of float
        Metres per node (``inf`` when not reached).
    node_source : numpy.ndarray of int64
        Index into ``sources`` of the nearest source per node (``-1`` when not reached).
    """
    n = network.n_nodes
    which = _usable(sources)
    if len(which) == 0 or n == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    graph = _augmented_graph(network, sources, which)
    virt = np.arange(n, n + len(which))
    from scipy.sparse import csgraph  # imported when routing (a cached first page does not)

    dist, _, src = csgraph.dijkstra(
        graph, directed=True, indices=virt, min_only=True, return_predecessors=True,
        limit=np.inf if limit_m is None else search_limit(limit_m),
    )
    dist = dist[:n]
    src = src[:n]
    node_source = np.where(src >= 0, which[np.clip(src - n, 0, len(which) - 1)], -1).astype(np.int64)
    node_source[~np.isfinite(dist)] = -1
    return dist, node_source


def _same_edge_pairs(
    network: WalkNetwork, sources: SnappedPoints, targets: SnappedPoints, s_idx: np.ndarray, t_idx: np.ndarray
) -> pd.DataFrame:
    """Direct along-segment distances for sources and targets on the same segment (metres).

    Distance includes the source's access distance but not the target's.
    """
    s_edge = sources.edge[s_idx]
    order = np.argsort(s_edge, kind="stable")
    s_sorted = s_edge[order]
    t_edge = targets.edge[t_idx]
    lo = np.searchsorted(s_sorted, t_edge, side="left")
    cnt = np.searchsorted(s_sorted, t_edge, side="right") - lo
    n = int(cnt.sum())
    if n == 0:
        return pd.DataFrame({"source": np.zeros(0, np.int64), "target": np.zeros(0, np.int64), "dist_m": np.zeros(0)})
    ti = np.repeat(np.arange(len(t_idx)), cnt)
    rank = np.arange(n) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    si = order[np.repeat(lo, cnt) + rank]
    src, tgt = s_idx[si], t_idx[ti]
    s_off, t_off = sources.offset_m[src], targets.offset_m[tgt]
    ok = (t_off >= s_off) | ~network.edge_oneway[targets.edge[tgt]]
    return pd.DataFrame({
        "source": src[ok].astype(np.int64), "target": tgt[ok].astype(np.int64),
        "dist_m": np.abs(t_off - s_off)[ok] + sources.access_m[src][ok],
    })


def point_distances(
    network: WalkNetwork,
    node_dist_m: np.ndarray,
    node_source: np.ndarray,
    targets: SnappedPoints,
    sources: SnappedPoints,
) -> tuple[np.ndarray, np.ndarray]:
    """Distance (metres) from the nearest source to each target point, and which source.

    Uses the node distances of :func:`nearest_source_distances`: via the segment's u end, via
    its v end (unless one-way), or directly along the segment from a source standing on it;
    then adds the target's access distance. Off-network targets get ``inf`` / ``-1``.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    node_dist_m : numpy.ndarray of float
        Node distances in metres from :func:`nearest_source_distances`.
    node_source : numpy.ndarray of int
        Nearest source per node from :func:`nearest_source_distances`.
    targets : SnappedPoints
        Target points snapped to ``network``.
    sources : SnappedPoints
        The sources the node distances were computed from.

    Returns
    -------
    dist_m : numpy.ndarray of float
        Metres per target, access distances of source and target included (``inf`` when not reached).
    source : numpy.ndarray of int64
        Index into ``sources`` per target (``-1`` when not reached).
    """
    nt = len(targets)
    dist = np.full(nt, np.inf)
    src = np.full(nt, -1, dtype=np.int64)
    t_idx = _usable(targets)
    if len(t_idx) == 0:
        return dist, src
    e = targets.edge[t_idx]
    x = targets.offset_m[t_idx]
    u, v = network.edge_u[e], network.edge_v[e]
    via_u = node_dist_m[u] + x
    via_v = np.where(network.edge_oneway[e] & ~_at_v(network, e, x), np.inf, node_dist_m[v] + (network.edge_length[e] - x))
    best = np.minimum(via_u, via_v)
    best_src = np.where(via_u <= via_v, node_source[u], node_source[v])
    direct = _same_edge_pairs(network, sources, targets, _usable(sources), t_idx)
    if len(direct):
        d = direct.loc[direct.groupby("target")["dist_m"].idxmin()]
        pos = np.searchsorted(t_idx, d["target"].to_numpy())
        better = d["dist_m"].to_numpy() < best[pos]
        best[pos[better]] = d["dist_m"].to_numpy()[better]
        best_src[pos[better]] = d["source"].to_numpy()[better]
    best_src[~np.isfinite(best)] = -1
    dist[t_idx] = best + targets.access_m[t_idx]
    src[t_idx] = best_src
    return dist, src


def per_source_reach(
    network: WalkNetwork, sources: SnappedPoints, limit_m: float, batch_size: int | None = None
) -> ReachTable:
    """Every (source, node) pair within ``limit_m`` metres, from cutoff-limited batched runs.

    ``target`` holds node indices. Each batch runs one Dijkstra per source restricted by the
    cutoff; the dense batch output is bounded by ``_BATCH_CELLS`` cells.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sources : SnappedPoints
        Sources snapped to ``network``; off-network sources are skipped.
    limit_m : float
        Cutoff in metres (decided by :func:`analysis.cutoff.within`).
    batch_size : int, optional
        Sources per Dijkstra batch; by default as many as fit in ``_BATCH_CELLS``.

    Returns
    -------
    ReachTable
        ``source`` (index into ``sources``), ``target`` (node index), ``dist_m`` (metres).
    """
    n = network.n_nodes
    which = _usable(sources)
    if len(which) == 0 or n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ReachTable(empty, empty.copy(), np.zeros(0))
    from scipy.sparse import csgraph  # imported when routing (a cached first page does not)

    graph = _augmented_graph(network, sources, which)
    if batch_size is None:
        batch_size = max(1, min(len(which), _BATCH_CELLS // max(n + len(which), 1)))
    out_s, out_t, out_d = [], [], []
    for start in range(0, len(which), batch_size):
        virt = np.arange(n + start, n + min(start + batch_size, len(which)))
        d = csgraph.dijkstra(graph, directed=True, indices=virt, limit=search_limit(limit_m))[:, :n]
        r, c = np.nonzero(within(d, limit_m))
        out_s.append(which[start + r])
        out_t.append(c.astype(np.int64))
        out_d.append(d[r, c])
    return ReachTable(np.concatenate(out_s), np.concatenate(out_t), np.concatenate(out_d))


def points_reach(
    network: WalkNetwork,
    sources: SnappedPoints,
    targets: SnappedPoints,
    limit_m: float,
    node_reach: ReachTable | None = None,
) -> ReachTable:
    """Every (source, target point) pair within ``limit_m`` metres along the network.

    Includes both access distances and the along-segment direct path. Built with sparse
    column gathers from :func:`per_source_reach` (pass ``node_reach`` to reuse a run made with
    the same or a larger limit).

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sources : SnappedPoints
        Sources snapped to ``network``.
    targets : SnappedPoints
        Target points snapped to ``network``; off-network targets get no pairs.
    limit_m : float
        Cutoff in metres (decided by :func:`analysis.cutoff.within`).
    node_reach : ReachTable, optional
        A :func:`per_source_reach` table of the same sources with a limit >= ``limit_m``.

    Returns
    -------
    ReachTable
        ``source`` (index into ``sources``), ``target`` (index into ``targets``), ``dist_m``
        (metres, shortest per pair), sorted by source then target.
    """
    n_s = len(sources)
    t_idx = _usable(targets)
    if node_reach is None:
        node_reach = per_source_reach(network, sources, limit_m)
    # distances stored +1 m so that a 0 m distance survives as a stored value
    D = csr_min(node_reach.source, node_reach.target, node_reach.dist_m + 1.0, (n_s, network.n_nodes),
                min_weight=None).tocsc()
    e = targets.edge[t_idx]
    x = targets.offset_m[t_idx]
    parts = []
    for nodes, add, ok in (
        (network.edge_u[e], x, np.ones(len(e), bool)),
        (network.edge_v[e], network.edge_length[e] - x, ~network.edge_oneway[e] | _at_v(network, e, x)),
    ):
        sub = D[:, nodes[ok]].tocoo()
        cols = np.flatnonzero(ok)[sub.col]
        parts.append(pd.DataFrame({
            "source": sub.row.astype(np.int64), "target": t_idx[cols], "dist_m": sub.data - 1.0 + add[cols],
        }))
    parts.append(_same_edge_pairs(network, sources, targets, _usable(sources), t_idx))
    allp = pd.concat(parts, ignore_index=True)
    allp["dist_m"] = allp["dist_m"] + targets.access_m[allp["target"].to_numpy(dtype=np.int64)]
    allp = allp[within(allp["dist_m"].to_numpy(), limit_m)]
    best = allp.groupby(["source", "target"], sort=True)["dist_m"].min()
    idx = best.index
    return ReachTable(
        idx.get_level_values(0).to_numpy(np.int64), idx.get_level_values(1).to_numpy(np.int64), best.to_numpy()
    )
