"""An independent oracle for walking distances: NetworkX on a graph where every point is split into its edge.

Used by the property tests. Nothing here imports the product's routing code: the graph is
built from the raw edge list (u, v, length, one-way) and the points' (edge, offset, access).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely

from geo.network import WalkNetwork
from geo.snapping import SnappedPoints


@dataclass
class Case:
    """A small street graph with sources and targets at exact positions (metres)."""

    node_xy: np.ndarray             # (n, 2)
    edges: list[tuple[int, int, float, bool]]  # (u, v, length_m, oneway)
    sources: list[tuple[int, float, float]]    # (edge, offset_m, access_m)
    targets: list[tuple[int, float, float]]


def _edge_geometry(xy: np.ndarray, u: int, v: int, length: float, salt: int) -> shapely.LineString:
    """A polyline from node u to node v whose length is exactly ``length`` metres.

    Straight when that fits; otherwise bent through a point off the chord (loops: a triangle).
    """
    a, b = xy[u], xy[v]
    chord = float(np.hypot(*(b - a)))
    if length <= 0:
        return shapely.LineString([a, b])
    if chord >= length - 1e-9 and u != v:
        return shapely.LineString([a, b])
    # isosceles bend: apex at distance h from the chord's middle, so that 2 * sqrt((c/2)^2 + h^2) = length
    mid = (a + b) / 2
    if u == v or chord < 1e-12:
        direction = np.array([np.cos(salt), np.sin(salt)])
        normal = np.array([-direction[1], direction[0]])
        # triangle a -> a + s*dir + t*normal -> a + s*dir - t*normal -> a with perimeter = length
        s = length / 4
        t = length / 8
        # scale so the perimeter is exact
        p1 = a + s * direction + t * normal
        p2 = a + s * direction - t * normal
        ring = shapely.LineString([a, p1, p2, a])
        f = length / ring.length
        p1 = a + f * (s * direction + t * normal)
        p2 = a + f * (s * direction - t * normal)
        return shapely.LineString([a, p1, p2, a])
    h = np.sqrt(max((length / 2) ** 2 - (chord / 2) ** 2, 0.0))
    d = (b - a) / chord
    normal = np.array([-d[1], d[0]]) * (1 if salt % 2 else -1)
    return shapely.LineString([a, mid + h * normal, b])


def build_network(case: Case) -> WalkNetwork:
    """The product's :class:`WalkNetwork` for ``case`` (geometry lengths equal the edge lengths)."""
    xy = case.node_xy
    u = np.array([e[0] for e in case.edges], dtype=np.int64)
    v = np.array([e[1] for e in case.edges], dtype=np.int64)
    geoms = np.array([_edge_geometry(xy, a, b, L, i) for i, (a, b, L, _) in enumerate(case.edges)], dtype=object)
    length = np.array([g.length for g in geoms], dtype=np.float64)
    n = len(xy)
    return WalkNetwork(
        crs="EPSG:32651",
        node_x=xy[:, 0].astype(float), node_y=xy[:, 1].astype(float), node_osmid=np.arange(n, dtype=np.int64),
        edge_u=u, edge_v=v, edge_length=length, edge_geometry=geoms,
        edge_highway=np.array(["residential"] * len(u), dtype=object), edge_name=np.array([""] * len(u), dtype=object),
        edge_oneway=np.array([e[3] for e in case.edges], dtype=bool),
    )


def snapped(network: WalkNetwork, pts: list[tuple[int, float, float]]) -> SnappedPoints:
    """SnappedPoints at given (edge, offset as a 0-1 fraction of the edge, access metres)."""
    e = np.array([p[0] for p in pts], dtype=np.int64)
    off = np.array([p[1] for p in pts], dtype=np.float64) * network.edge_length[e]
    acc = np.array([p[2] for p in pts], dtype=np.float64)
    xy = shapely.get_coordinates(shapely.line_interpolate_point(network.edge_geometry[e], off)) if len(e) else np.zeros((0, 2))
    return SnappedPoints(e, off, acc, np.ones(len(e), bool), xy[:, 0], xy[:, 1])


class Oracle:
    """Shortest walking distances on the split graph (NetworkX Dijkstra)."""

    def __init__(self, network: WalkNetwork, sources: SnappedPoints, targets: SnappedPoints):
        self.network = network
        self.sources = sources
        self.targets = targets
        g = nx.DiGraph()
        g.add_nodes_from(("n", i) for i in range(network.n_nodes))
        by_edge: dict[int, set[float]] = {}
        for pts in (sources, targets):
            for e, o in zip(pts.edge, pts.offset_m):
                by_edge.setdefault(int(e), set()).add(float(o))
        self._at: dict[tuple[int, float], object] = {}
        for e in range(network.n_edges):
            u, v = int(network.edge_u[e]), int(network.edge_v[e])
            L = float(network.edge_length[e])
            inner = sorted(o for o in by_edge.get(e, ()) if 0 < o < L)
            chain = [("n", u)] + [("p", e, o) for o in inner] + [("n", v)]
            pos = [0.0] + inner + [L]
            for (a, pa), (b, pb) in zip(zip(chain, pos), zip(chain[1:], pos[1:])):
                self._link(g, a, b, pb - pa)
                if not network.edge_oneway[e]:
                    self._link(g, b, a, pb - pa)
            for o in by_edge.get(e, ()):
                # offset 0 is node u (also on a zero-length segment), offset = length is node v
                self._at[(e, o)] = ("n", u) if o <= 0 else ("n", v) if o >= L else ("p", e, o)
        self.g = g
        self._cache: dict[int, dict] = {}

    @staticmethod
    def _link(g: nx.DiGraph, a, b, w: float) -> None:
        if a == b:
            return  # a loop back to the same node never shortens a path
        if g.has_edge(a, b) and g[a][b]["weight"] <= w:
            return
        g.add_edge(a, b, weight=w)

    def node_of(self, pts: SnappedPoints, i: int):
        return self._at[(int(pts.edge[i]), float(pts.offset_m[i]))]

    def from_source(self, s: int) -> dict:
        """Distances (metres) from source ``s`` (its access included) to every graph node."""
        if s not in self._cache:
            d = nx.single_source_dijkstra_path_length(self.g, self.node_of(self.sources, s), weight="weight")
            acc = float(self.sources.access_m[s])
            self._cache[s] = {k: acc + x for k, x in d.items()}
        return self._cache[s]

    def source_to_node(self, s: int, node: int) -> float:
        return self.from_source(s).get(("n", node), np.inf)

    def source_to_target(self, s: int, t: int) -> float:
        d = self.from_source(s).get(self.node_of(self.targets, t), np.inf)
        return d + float(self.targets.access_m[t])

    def reached_length(self, s: int, e: int, limit_m: float) -> float:
        """Metres of edge ``e`` within ``limit_m`` of source ``s`` (exact interval union)."""
        net = self.network
        u, v, L = int(net.edge_u[e]), int(net.edge_v[e]), float(net.edge_length[e])
        one = bool(net.edge_oneway[e])
        iv = []
        ru = limit_m - self.source_to_node(s, u)
        if ru >= 0:
            iv.append((0.0, min(L, ru)))
        rv = limit_m - self.source_to_node(s, v)
        if rv >= 0 and not one:
            iv.append((max(0.0, L - rv), L))
        if int(self.sources.edge[s]) == e:
            o = float(self.sources.offset_m[s])
            r = limit_m - float(self.sources.access_m[s])
            if r >= 0:
                iv.append((o if one else max(0.0, o - r), min(L, o + r)))
        return union_length(iv)


def union_length(intervals) -> float:
    """Total length of a union of closed intervals."""
    total, end = 0.0, -np.inf
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total
