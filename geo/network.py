"""Walking street networks as plain arrays: built offline from a local OSM file, cached on disk.

A :class:`WalkNetwork` holds one row per street segment (undirected, as people walk both ways)
with its geometry in a projected metric CRS (the local UTM zone), and exposes a directed
``scipy.sparse`` adjacency matrix for shortest paths. Lengths are metres.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from geo.crs import WGS84, utm_crs_for
from geo.errors import NoWalkableWaysError, OSMFileError
from geo.messages import both, listing
from geo.disk_cache import Packer, Unpacker, cache_key, code_fingerprint, read_entry, write_entry
from geo.osm_file import check_osm_file, file_sha256, osmium_file
from geo.sparse_graph import MIN_LINK_M, csr_min

if TYPE_CHECKING:
    from geo.snap_index import SnapIndex

#: OSM ``highway`` values people can walk on. Motorways and trunk roads (in Chinese cities
#: mostly elevated or fenced expressways) are excluded; so are construction and proposed ways.
WALKABLE_HIGHWAYS: frozenset[str] = frozenset(
    {
        "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
        "unclassified", "residential", "living_street", "service", "pedestrian", "footway",
        "path", "steps", "cycleway", "track", "road", "corridor", "bridleway",
    }
)
#: ``foot``/``access`` values that forbid walking (unless ``foot`` explicitly allows it).
_NO_FOOT = frozenset({"no", "private", "use_sidepath"})
_FOOT_YES = frozenset({"yes", "designated", "permissive", "official"})
_NO_ACCESS = frozenset({"no", "private"})

CACHE_VERSION = 3


def is_walkable(tags: dict[str, str], highways: frozenset[str] = WALKABLE_HIGHWAYS) -> bool:
    """Whether an OSM way with ``tags`` is open to pedestrians under the documented rules.

    Kept: ``highway`` in ``highways``. Dropped: ``foot=no|private|use_sidepath``;
    ``access=no|private`` unless ``foot=yes|designated|permissive|official``; ``area=yes``
    squares are kept.

    Parameters
    ----------
    tags : dict of str to str
        The way's OSM tags.
    highways : frozenset of str
        ``highway`` values that count as walkable (:data:`WALKABLE_HIGHWAYS` by default).

    Returns
    -------
    bool
        True when people may walk on the way.
    """
    if tags.get("highway") not in highways:
        return False
    foot = tags.get("foot", "")
    if foot in _NO_FOOT:
        return False
    if tags.get("access", "") in _NO_ACCESS and foot not in _FOOT_YES:
        return False
    return True


@dataclass(frozen=True, eq=False)
class WalkNetwork:
    """A walking network: nodes and undirected street segments in a metric CRS (metres)."""

    crs: str
    node_x: np.ndarray
    node_y: np.ndarray
    node_osmid: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray
    edge_geometry: np.ndarray
    edge_highway: np.ndarray
    edge_name: np.ndarray
    edge_oneway: np.ndarray
    node_component: np.ndarray = field(default=None)  # filled in __post_init__
    source_path: str | None = None
    source_sha256: str | None = None

    def __post_init__(self) -> None:
        if self.node_component is None:
            object.__setattr__(self, "node_component", _components(self))

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes (intersections and dead ends)."""
        return int(self.node_x.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of undirected street segments."""
        return int(self.edge_u.shape[0])

    # -- graph -------------------------------------------------------------------------------
    @cached_property
    def csr(self) -> sparse.csr_matrix:
        """Directed adjacency (n_nodes × n_nodes), weight = metres; parallel edges keep the shortest."""
        return directed_csr(self.n_nodes, self.edge_u, self.edge_v, self.edge_length, self.edge_oneway)

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """Spatial index of the edge geometries (for snapping)."""
        return shapely.STRtree(self.edge_geometry)

    @cached_property
    def snap_index(self) -> "SnapIndex":
        """Exact nearest-segment index for snapping many points (built once, kept with the network)."""
        from geo.snap_index import SnapIndex

        return SnapIndex(self.edge_geometry)

    # -- tables ------------------------------------------------------------------------------
    def edges_gdf(self) -> gpd.GeoDataFrame:
        """One row per street segment, in the network CRS (metres).

        Returns
        -------
        geopandas.GeoDataFrame
            RangeIndex = edge id; columns ``edge``, ``u``, ``v`` (node ids), ``length_m`` (metres),
            ``highway``, ``name``, ``component`` and line ``geometry`` in the network's projected
            metric CRS.
        """
        return gpd.GeoDataFrame(
            {
                "edge": np.arange(self.n_edges),
                "u": self.edge_u,
                "v": self.edge_v,
                "length_m": self.edge_length,
                "highway": self.edge_highway,
                "name": self.edge_name,
                "component": self.node_component[self.edge_u],
            },
            geometry=gpd.GeoSeries(self.edge_geometry, crs=self.crs),
            crs=self.crs,
        )

    def nodes_gdf(self) -> gpd.GeoDataFrame:
        """One row per node (intersection or dead end), in the network CRS.

        Returns
        -------
        geopandas.GeoDataFrame
            RangeIndex = node id; columns ``node``, ``osmid``, ``component`` (0 = main piece) and
            point ``geometry`` in the network's projected metric CRS.
        """
        return gpd.GeoDataFrame(
            {"node": np.arange(self.n_nodes), "osmid": self.node_osmid, "component": self.node_component},
            geometry=gpd.points_from_xy(self.node_x, self.node_y, crs=self.crs),
            crs=self.crs,
        )

    def components_summary(self) -> pd.DataFrame:
        """Connected pieces of the network: nodes, segments and street km each; 0 is the main one.

        Returns
        -------
        pandas.DataFrame
            One row per component: ``component``, ``n_nodes``, ``n_edges``, ``length_km``
            (kilometres of street) and ``is_main`` (True for component 0, the largest by nodes).
        """
        comp_of_edge = self.node_component[self.edge_u]
        n_comp = int(self.node_component.max()) + 1 if self.n_nodes else 0
        df = pd.DataFrame(
            {
                "component": np.arange(n_comp),
                "n_nodes": np.bincount(self.node_component, minlength=n_comp),
                "n_edges": np.bincount(comp_of_edge, minlength=n_comp),
                "length_km": np.bincount(comp_of_edge, weights=self.edge_length, minlength=n_comp) / 1000.0,
            }
        )
        df["is_main"] = df["component"] == 0
        return df

    def bounds_wgs84(self) -> tuple[float, float, float, float]:
        """Bounding box of the nodes in WGS-84.

        Returns
        -------
        tuple of float
            (min lon, min lat, max lon, max lat) in EPSG:4326 degrees.
        """
        pts = gpd.GeoSeries(
            gpd.points_from_xy(
                [self.node_x.min(), self.node_x.max()], [self.node_y.min(), self.node_y.max()]
            ),
            crs=self.crs,
        ).to_crs(WGS84)
        return (pts.x.min(), pts.y.min(), pts.x.max(), pts.y.max())

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_lines(
        cls,
        lines: gpd.GeoDataFrame,
        *,
        oneway_col: str | None = None,
        length_col: str | None = None,
        snap_decimals: int = 3,
    ) -> "WalkNetwork":
        """Build a network from street centre lines (hand-made tests, synthetic cities, user layers).

        Nodes are the line end points, merged when equal after rounding to ``snap_decimals``.
        Optional ``highway`` and ``name`` columns of ``lines`` are kept.

        Parameters
        ----------
        lines : geopandas.GeoDataFrame
            One LineString per segment, in a projected metric CRS (metres).
        oneway_col : str, optional
            Boolean column marking segments walkable only from their first to their last vertex.
        length_col : str, optional
            Column overriding the geometric length (metres).
        snap_decimals : int
            Decimals of metres end points are rounded to before merging (3 = 1 mm).

        Returns
        -------
        WalkNetwork
            Network in the CRS of ``lines``; node ``osmid`` are 0..n-1.

        Raises
        ------
        OSMFileError
            ``lines`` has no CRS.
        """
        if lines.crs is None:
            raise OSMFileError(both("error.streets_no_crs"))
        geoms = np.asarray(lines.geometry.values, dtype=object)
        start = shapely.get_coordinates(shapely.get_point(geoms, 0))
        end = shapely.get_coordinates(shapely.get_point(geoms, -1))
        ends = np.round(np.vstack([start, end]), snap_decimals)
        uniq, inverse = np.unique(ends, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        n = len(geoms)
        length = (
            np.asarray(lines[length_col], dtype=float) if length_col else shapely.length(geoms).astype(float)
        )
        oneway = np.asarray(lines[oneway_col], dtype=bool) if oneway_col else np.zeros(n, dtype=bool)
        highway = np.asarray(lines["highway"], dtype=object) if "highway" in lines else np.full(n, "", dtype=object)
        name = np.asarray(lines["name"], dtype=object) if "name" in lines else np.full(n, "", dtype=object)
        return cls(
            crs=str(lines.crs),
            node_x=uniq[:, 0].astype(float),
            node_y=uniq[:, 1].astype(float),
            node_osmid=np.arange(len(uniq), dtype=np.int64),
            edge_u=inverse[:n].astype(np.int64),
            edge_v=inverse[n:].astype(np.int64),
            edge_length=length,
            edge_geometry=geoms,
            edge_highway=highway,
            edge_name=name,
            edge_oneway=oneway,
        )


def directed_csr(
    n_nodes: int, u: np.ndarray, v: np.ndarray, length: np.ndarray, oneway: np.ndarray
) -> sparse.csr_matrix:
    """Directed adjacency: every segment u→v, and v→u unless one-way; min over parallel edges.

    Self-loops are dropped; weights are clamped to ≥ 1e-6 m so that zero-length segments stay
    edges (scipy treats stored zeros as missing).

    Parameters
    ----------
    n_nodes : int
        Number of nodes (matrix size).
    u, v : numpy.ndarray of int
        End node ids of each segment.
    length : numpy.ndarray of float
        Segment lengths in metres.
    oneway : numpy.ndarray of bool
        True where the segment may only be walked u→v.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n_nodes × n_nodes``, weight = metres.
    """
    two = ~oneway
    rows = np.concatenate([u, v[two]])
    cols = np.concatenate([v, u[two]])
    w = np.concatenate([length, length[two]])
    return csr_min(rows, cols, w, (n_nodes, n_nodes), min_weight=MIN_LINK_M, drop_diagonal=True)


def _components(net: WalkNetwork) -> np.ndarray:
    """Weakly connected components, relabelled so 0 is the largest (by node count)."""
    from scipy.sparse import csgraph  # imported when a network is built, not when it is read from the cache

    if net.n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    adj = directed_csr(net.n_nodes, net.edge_u, net.edge_v, net.edge_length, np.zeros(net.n_edges, bool))
    _, labels = csgraph.connected_components(adj, directed=False)
    sizes = np.bincount(labels)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    return rank[labels].astype(np.int64)


# -- building from OSM -------------------------------------------------------------------------


def _write_walkable_xml(path: Path, out: Path, highways: frozenset[str]) -> int:
    """Copy walkable ways (and the nodes they use) of ``path`` to OSM XML ``out``; return the way count."""
    import osmium

    n = 0
    try:
        with osmium.BackReferenceWriter(str(out), ref_src=osmium_file(path), overwrite=True) as writer:
            for way in osmium.FileProcessor(osmium_file(path), osmium.osm.WAY).with_filter(
                osmium.filter.KeyFilter("highway")
            ):
                if is_walkable(dict(way.tags), highways):
                    writer.add_way(way)
                    n += 1
    except RuntimeError as err:  # libosmium: truncated PBF, broken XML, bad compression
        raise OSMFileError(both("error.osm_unreadable", name=path.name, err=err)) from err
    return n


def build_walk_network(path: str | Path, highways: frozenset[str] = WALKABLE_HIGHWAYS) -> WalkNetwork:
    """Parse a local OSM file into a simplified, projected :class:`WalkNetwork` (no cache).

    Uses OSMnx to build and simplify the graph from the walkable ways only (``graph_from_xml``
    keeps every way otherwise, buildings and water included).

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML).
    highways : frozenset of str
        Walkable ``highway`` values (see :func:`is_walkable`).

    Returns
    -------
    WalkNetwork
        Undirected network in the UTM zone of the nodes' median position (projected metric
        CRS), lengths in metres.

    Raises
    ------
    OSMFileError
        The file is refused or cannot be read.
    NoWalkableWaysError
        The file holds no walkable ways.
    """
    import osmnx as ox

    p = check_osm_file(path)
    with tempfile.TemporaryDirectory(prefix="servicecircle-") as tmp:
        xml = Path(tmp) / "walk.osm"
        n_ways = _write_walkable_xml(p, xml, highways)
        if n_ways == 0:
            raise NoWalkableWaysError(both("error.osm_no_walkable_ways", name=p.name, highways=listing(sorted(highways))))
        G = ox.graph_from_xml(xml, bidirectional=True, simplify=True, retain_all=True)
    lon = np.fromiter((d["x"] for _, d in G.nodes(data=True)), float)
    lat = np.fromiter((d["y"] for _, d in G.nodes(data=True)), float)
    crs = utm_crs_for(float(np.median(lon)), float(np.median(lat)))
    U = ox.convert.to_undirected(ox.project_graph(G, to_crs=crs))
    return _from_osmnx(U, crs, source_path=str(p))


def _from_osmnx(U, crs: str, source_path: str | None) -> WalkNetwork:
    """Turn an undirected, projected OSMnx MultiGraph into arrays (geometry oriented u → v)."""
    nodes = list(U.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    node_x = np.fromiter((U.nodes[n]["x"] for n in nodes), float, len(nodes))
    node_y = np.fromiter((U.nodes[n]["y"] for n in nodes), float, len(nodes))
    rows = list(U.edges(keys=True, data=True))
    u = np.fromiter((index[a] for a, _, _, _ in rows), np.int64, len(rows))
    v = np.fromiter((index[b] for _, b, _, _ in rows), np.int64, len(rows))
    geoms = np.empty(len(rows), dtype=object)
    for i, (a, b, _, d) in enumerate(rows):
        geoms[i] = d.get("geometry") or shapely.LineString(
            [(U.nodes[a]["x"], U.nodes[a]["y"]), (U.nodes[b]["x"], U.nodes[b]["y"])]
        )
    # orient each geometry so that it starts at node u
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    d_u = np.hypot(start[:, 0] - node_x[u], start[:, 1] - node_y[u])
    d_v = np.hypot(start[:, 0] - node_x[v], start[:, 1] - node_y[v])
    flip = d_v < d_u
    geoms[flip] = shapely.reverse(geoms[flip])

    def tag(d, key):
        val = d.get(key, "")
        if isinstance(val, list):
            # OSMnx merges the tags of simplified ways into lists whose order follows a set
            # (Python's per-process hash seed): sort, so names are the same in every run
            val = ";".join(sorted({str(x) for x in val}))
        return "" if val is None or (isinstance(val, float) and np.isnan(val)) else str(val)

    return WalkNetwork(
        crs=crs,
        node_x=node_x,
        node_y=node_y,
        node_osmid=np.asarray(nodes, dtype=np.int64),
        edge_u=u,
        edge_v=v,
        edge_length=shapely.length(geoms).astype(float),
        edge_geometry=geoms,
        edge_highway=np.array([tag(d, "highway") for *_, d in rows], dtype=object),
        edge_name=np.array([tag(d, "name") for *_, d in rows], dtype=object),
        edge_oneway=np.zeros(len(rows), dtype=bool),
        source_path=source_path,
    )


def load_walk_network(
    path: str | Path,
    *,
    highways: frozenset[str] = WALKABLE_HIGHWAYS,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> WalkNetwork:
    """Load the walking network of a local OSM file, from the on-disk cache when possible.

    The cache key is the file's SHA-256 plus the walkable highway set and the cache format
    version and the builder code's fingerprint, so an edited file, changed rules or changed code
    rebuild the graph. The cache holds data only (``geo.disk_cache``: NumPy arrays, WKB, JSON),
    verified by SHA-256 before use.

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML).
    highways : frozenset of str
        Walkable ``highway`` values (see :func:`is_walkable`).
    cache_dir : str or Path, optional
        Cache folder; None uses :func:`geo.disk_cache.cache_root`.
    use_cache : bool
        False builds the network and neither reads nor writes the cache.

    Returns
    -------
    WalkNetwork
        As :func:`build_walk_network`, with ``source_sha256`` set.

    Raises
    ------
    OSMFileError
        The file is refused or cannot be read.
    NoWalkableWaysError
        The file holds no walkable ways.
    """
    p = check_osm_file(path)
    digest = file_sha256(p)
    key = cache_key(sha=digest, hw=sorted(highways), v=CACHE_VERSION, code=code_fingerprint(__file__))
    if use_cache:
        net = _from_cache(read_entry("networks", key, cache_dir), digest)
        if net is not None:
            return net
    net = build_walk_network(p, highways)
    object.__setattr__(net, "source_sha256", digest)
    if use_cache:
        arrays, meta = _to_cache(net)
        write_entry("networks", key, arrays, meta, cache_dir)
    return net


_CACHE_ARRAYS = ("node_x", "node_y", "node_osmid", "edge_u", "edge_v", "edge_length", "edge_oneway", "node_component")


def _to_cache(net: WalkNetwork) -> tuple[dict[str, np.ndarray], dict]:
    """Plain arrays (geometries as WKB, tags as UTF-8) and JSON metadata of a network."""
    pk = Packer()
    for k in _CACHE_ARRAYS:
        pk.array(k, getattr(net, k))
    meta = {"crs": net.crs, "source_path": net.source_path, "source_sha256": net.source_sha256,
            "edge_geometry": pk.geoms(net.edge_geometry), "edge_highway": pk.text(net.edge_highway),
            "edge_name": pk.text(net.edge_name)}
    return pk.finish(), meta


def _from_cache(entry, digest: str) -> WalkNetwork | None:
    """The network of a verified cache entry, or None when it does not fit (then it is rebuilt)."""
    if entry is None:
        return None
    a, meta = entry
    try:
        if meta.get("source_sha256") != digest or not isinstance(meta.get("crs"), str):
            return None
        up = Unpacker(a)

        def text(name):
            return up.text(meta[name]).fillna("").to_numpy(dtype=object)

        n_nodes, n_edges = a["node_x"].shape[0], a["edge_u"].shape[0]
        net = WalkNetwork(
            crs=meta["crs"], node_x=a["node_x"].astype(float), node_y=a["node_y"].astype(float),
            node_osmid=a["node_osmid"].astype(np.int64), edge_u=a["edge_u"].astype(np.int64),
            edge_v=a["edge_v"].astype(np.int64), edge_length=a["edge_length"].astype(float),
            edge_geometry=up.geoms(meta["edge_geometry"]), edge_highway=text("edge_highway"),
            edge_name=text("edge_name"), edge_oneway=a["edge_oneway"].astype(bool),
            node_component=a["node_component"].astype(np.int64), source_path=meta.get("source_path"),
            source_sha256=digest,
        )
        sizes_ok = (net.node_y.shape[0] == net.node_osmid.shape[0] == net.node_component.shape[0] == n_nodes
                    and all(getattr(net, k).shape[0] == n_edges for k in ("edge_v", "edge_length", "edge_geometry",
                                                                        "edge_highway", "edge_name", "edge_oneway")))
        in_range = n_edges == 0 or (net.edge_u.min() >= 0 and net.edge_v.min() >= 0
                                    and max(net.edge_u.max(), net.edge_v.max()) < n_nodes)
        return net if sizes_ok and in_range else None
    except Exception:  # anything unexpected: rebuilt
        return None


def describe(net: WalkNetwork) -> str:
    """One-line description: nodes, segments, km, disconnected pieces.

    Parameters
    ----------
    net : WalkNetwork
        The network.

    Returns
    -------
    str
        English summary with street length in km and the CRS.
    """
    comps = net.components_summary()
    small = comps[~comps["is_main"]]
    return (
        f"{net.n_nodes:,} nodes, {net.n_edges:,} street segments, {net.edge_length.sum() / 1000:,.1f} km "
        f"({net.crs}); main piece {comps['length_km'].iloc[0]:,.1f} km, "
        f"{len(small)} disconnected pieces ({small['length_km'].sum():,.1f} km)"
    )


if __name__ == "__main__":  # pragma: no cover - manual timing
    import sys

    t = time.perf_counter()
    n = load_walk_network(sys.argv[1])
    print(describe(n), f"{time.perf_counter() - t:.2f} s")
