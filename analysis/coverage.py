"""Coverage of the service circle: who reaches a center within T minutes along the walking network.

:func:`run_coverage` takes centers, demand (points or polygons with a ``population`` column),
optional grids (网格) and communities (社区), and returns a :class:`CoverageResult` with every
layer in the network's metric CRS. Times are minutes at ``WalkParams.speed_kmh``; distances metres.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.cutoff import within
from analysis.gaps import gap_units
from analysis.isochrones import isochrones, straight_line_circles, walk_reach_share
from analysis.levels import add_households, compound_table, grid_figures
from analysis.params import WalkParams
from analysis.travel_time import (
    nearest_source_distances,
    per_source_reach,
    point_distances,
    points_reach,
)
from analysis.sample_city import demo_in_use
from analysis.shares import share, share_table
from geo.crs import WGS84, reproject, to_crs_checked
from geo.errors import LayerError
from geo.messages import Message, both, listing, pair
from geo.network import WalkNetwork
from geo.snapping import SnappedPoints, snap_points

UNASSIGNED = "(未划分 unassigned)"


@dataclass(frozen=True)
class CoverageSummary:
    """Headline figures of one coverage run.

    Units: ``*_pop`` residents (persons, population-weighted); ``*_share`` a fraction 0-1;
    ``*_min`` minutes of walking; ``reach_m`` metres along the network; ``speed_kmh`` km/h.
    """

    total_pop: float  #: residents in the demand layer
    covered_pop: float  #: residents whose walk to the nearest center is within ``minutes``
    covered_share: float  #: covered_pop / total_pop, 0-1 (NaN when there are no residents)
    uncovered_pop: float  #: total_pop - covered_pop
    off_network_pop: float  #: residents farther than max_access_m from any street
    unreachable_pop: float  #: residents on the network but not connected to any center
    redundant_pop: float  #: residents within the threshold of two or more centers
    median_min: float  #: population-weighted median walking time, minutes (inf: unreachable)
    p90_min: float  #: population-weighted 90th percentile walking time, minutes
    n_centers: int  #: centers measured from
    n_centers_off_network: int  #: centers farther than max_access_m from any street
    circle_covered_pop: float  #: residents inside the straight-line circle of the same reach
    circle_covered_share: float  #: circle_covered_pop / total_pop, 0-1
    circle_overstatement_pct: float  #: how much the circle overstates coverage, % of covered_pop
    circle_overstatement_pp: float  #: the same in percentage points of total_pop
    minutes: float  #: the service-circle threshold, minutes
    speed_kmh: float  #: walking speed, km/h
    reach_m: float  #: distance walked in ``minutes`` at ``speed_kmh``, metres
    is_demo: bool  #: the centers or grids are the bundled illustrative data (示例数据)
    population_is_estimate: bool  #: residents are the sample city's estimate, not a given count

    def as_dict(self) -> dict[str, float | int | bool]:
        """Field name -> plain Python value (for JSON metadata, tables and saved scenarios).

        Returns
        -------
        dict
            Every field of the summary by name, units as above; NumPy scalars become ``float``,
            ``int`` or ``bool``.
        """
        return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in dataclasses.asdict(self).items()}


@dataclass
class CoverageResult:
    """All answers of one coverage run (layers in ``crs``, metres; times in minutes)."""

    params: WalkParams
    crs: str
    summary: CoverageSummary | None
    demand: gpd.GeoDataFrame
    centers: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame | None
    communities: pd.DataFrame
    gaps: gpd.GeoDataFrame
    isochrones: gpd.GeoDataFrame
    circles: gpd.GeoDataFrame
    node_time_min: np.ndarray
    center_snaps: SnappedPoints = field(repr=False, default=None)
    demand_snaps: SnappedPoints = field(repr=False, default=None)
    community_polygons: gpd.GeoDataFrame | None = None
    #: the network the run was measured on (gap units route their centres on it)
    network: WalkNetwork | None = field(repr=False, default=None)
    #: optional compounds (小区) with walking minutes, coverage and households (analysis.levels)
    compounds: gpd.GeoDataFrame | None = None
    #: optional 双网融合 check of party grids against the grids (analysis.dual_grid.DualGridCheck)
    dual_grid: object | None = None

    def to_wgs84(self) -> dict[str, gpd.GeoDataFrame]:
        """The map layers reprojected to WGS-84 (for web maps and files).

        Returns
        -------
        dict of str to GeoDataFrame
            ``centers``, ``demand``, ``gaps``, ``isochrones``, ``circles`` and, when present,
            ``grids``, ``communities`` (polygons), ``compounds``, ``dual_grid`` (pieces), in EPSG:4326.
        """
        out = {
            "centers": self.centers, "demand": self.demand, "gaps": self.gaps,
            "isochrones": self.isochrones, "circles": self.circles,
        }
        if self.grids is not None:
            out["grids"] = self.grids
        if self.community_polygons is not None:
            out["communities"] = self.community_polygons
        if self.compounds is not None:
            out["compounds"] = self.compounds
        if self.dual_grid is not None:
            out["dual_grid"] = self.dual_grid.pieces
        return {k: reproject(v, WGS84) for k, v in out.items()}


# -- inputs -------------------------------------------------------------------------------------


def prepare_centers(centers: gpd.GeoDataFrame, crs: str, prefix: str = "C") -> gpd.GeoDataFrame:
    """Centers in ``crs`` with a unique string ``center_id`` and a ``name``; refuses an empty layer.

    Parameters
    ----------
    centers : GeoDataFrame
        Service centers (points), any CRS with a known datum; optional ``center_id``, ``id``, ``name``.
    crs : str
        Target CRS (the network's projected metric CRS).
    prefix : str
        Prefix of generated ids (``C01``, ``C02``, ...).

    Returns
    -------
    GeoDataFrame
        A copy in ``crs``, index reset; ``center_id`` from ``center_id``, else ``id``, else generated.

    Raises
    ------
    geo.errors.LayerError
        When the layer is empty or ids repeat.
    geo.errors.CRSError
        When the layer has no CRS.
    """
    if centers is None or len(centers) == 0:
        raise LayerError(both("error.no_centers"))
    c = to_crs_checked(centers, crs, "centers layer")
    c = c.copy() if c is centers else c
    generated = pd.Series([f"{prefix}{i + 1:02d}" for i in range(len(c))], index=c.index)
    ids = c["center_id"] if "center_id" in c else pd.Series(None, index=c.index, dtype=object)
    if "id" in c:
        ids = ids.fillna(c["id"])
    c["center_id"] = ids.fillna(generated).astype(str)
    if c["center_id"].duplicated().any():
        dup = c.loc[c["center_id"].duplicated(), "center_id"].tolist()[:5]
        raise LayerError(both("error.center_ids_repeated", ids=listing(dup)))
    if "name" not in c:
        c["name"] = c["center_id"]
    return c.reset_index(drop=True)


def prepare_demand(demand: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Demand in ``crs`` with ``demand_id`` and a numeric, non-negative ``population``.

    Parameters
    ----------
    demand : GeoDataFrame
        Points or polygons with ``population`` (persons), any CRS with a known datum.
    crs : str
        Target CRS (the network's projected metric CRS).

    Returns
    -------
    GeoDataFrame
        A copy in ``crs``, index reset, ``population`` as float; ``demand_id`` 0, 1, ... when missing.

    Raises
    ------
    geo.errors.LayerError
        When the layer is empty, has no ``population`` or a population is not a finite number >= 0.
    geo.errors.CRSError
        When the layer has no CRS.
    """
    if demand is None or len(demand) == 0:
        raise LayerError(both("error.demand_empty"))
    if "population" not in demand:
        raise LayerError(both("error.demand_no_population"))
    d = to_crs_checked(demand, crs, "demand layer")
    d = d.copy() if d is demand else d
    pop = pd.to_numeric(d["population"], errors="coerce")
    bad = ~np.isfinite(pop.to_numpy(dtype=float, na_value=np.nan)) | (pop < 0).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise LayerError("\n".join(pair("error.population_invalid", n=int(bad.sum()), row=i + 1,
                                         value=repr(d["population"].iloc[i]))))
    d["population"] = pop.astype(float)
    if "demand_id" not in d:
        d["demand_id"] = np.arange(len(d))
    return d.reset_index(drop=True)


def require_on_network(snaps: SnappedPoints, layer: gpd.GeoDataFrame, max_access_m: float, what: str) -> None:
    """Stop with a clear message when not one feature of ``layer`` is within ``max_access_m``
    metres of a walking street: the run would report 0 % instead of saying what is wrong.

    Parameters
    ----------
    snaps : SnappedPoints
        The layer's snaps (``on_network``, ``access_m`` in metres).
    layer : GeoDataFrame
        The snapped layer (its ``name`` column names the nearest feature in the message).
    max_access_m : float
        The access cap used for snapping, metres.
    what : str
        ``"centers"`` or ``"demand"`` (other text is used as is).

    Raises
    ------
    geo.errors.LayerError
        When the layer is not empty and no feature is on the network.
    """
    on = np.asarray(snaps.on_network, dtype=bool)
    if len(on) == 0 or on.any():
        return
    acc = np.asarray(snaps.access_m, dtype=float)
    finite = np.isfinite(acc)
    j = int(np.nanargmin(np.where(finite, acc, np.nan))) if finite.any() else 0
    near_m = float(acc[j]) if finite.any() else float("nan")
    names = layer["name"].astype(str).tolist() if "name" in layer else [str(i + 1) for i in range(len(layer))]
    near = (Message("error.off_network_nearest", {"name": names[j], "km": near_m / 1000}) if np.isfinite(near_m)
            else Message("error.off_network_none"))
    layer_name = Message(f"error.off_network_{what}") if what in ("centers", "demand") else what
    raise LayerError("\n".join(pair("error.off_network_all", n=len(on), what=layer_name, max_access_m=max_access_m,
                                     near=near)))


# -- the run ------------------------------------------------------------------------------------


def run_coverage(
    network: WalkNetwork,
    centers: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    params: WalkParams = WalkParams(),
    grids: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    *,
    compounds: gpd.GeoDataFrame | None = None,
    is_demo: bool | None = None,
    population_is_estimate: bool | None = None,
) -> CoverageResult:
    """Walking-network coverage of ``demand`` by ``centers`` (see module docstring).

    ``compounds``: optional 小区 layer (polygons or points); each gets walking minutes from its
    (representative) point and is named in the gap units it contains.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS; every result layer is in it).
    centers : GeoDataFrame
        Service centers (points), any CRS with a known datum.
    demand : GeoDataFrame
        Residents: points or polygons with ``population`` (persons), any CRS with a known datum;
        optional ``grid_id``, ``community``, ``street``, ``households``, ``is_estimate``.
    params : WalkParams
        Threshold (minutes), walking speed (km/h), access cap (metres), map thresholds, frontage.
    grids : GeoDataFrame, optional
        Grid polygons (``grid_id`` or ``id``; optional ``community``, ``street``, ``population``,
        ``households``), any CRS.
    communities : GeoDataFrame, optional
        Community polygons (``community`` or ``name``; optional ``street``, ``population``,
        ``households``), any CRS.
    compounds : GeoDataFrame, optional
        See above; any CRS.
    is_demo : bool, optional
        Mark the run as demo data; None decides from the ``demo`` column of centers, grids, communities.
    population_is_estimate : bool, optional
        Mark residents as an estimate; None decides from ``demand["is_estimate"]``.

    Returns
    -------
    CoverageResult
        Demand with ``time_min`` (minutes; inf = unreachable), ``nearest_center``, ``covered``,
        areas and households; centers with loads (persons); grid and community tables; gap units;
        isochrones and circles; the :class:`CoverageSummary`. All layers in the network's CRS.

    Raises
    ------
    geo.errors.LayerError
        When centers or demand are empty or invalid, or none of them is within ``max_access_m``
        of a walking street.
    geo.errors.CRSError
        When a layer has no CRS.
    """
    crs = network.crs
    c = prepare_centers(centers, crs)
    d = prepare_demand(demand, crs)
    c_snap = snap_points(network, c, params.max_access_m)
    require_on_network(c_snap, c, params.max_access_m, "centers")
    d_snap = snap_points(network, d, params.max_access_m)
    require_on_network(d_snap, d, params.max_access_m, "demand")
    max_reach = params.reach_m(max(params.all_thresholds))
    node_reach = per_source_reach(network, c_snap, max_reach)
    ids = c["center_id"].to_numpy()
    circles = straight_line_circles(c.geometry, ids, params, crs, params.all_thresholds)
    # isochrones (mostly GEOS buffers, which release the GIL) are drawn on a second thread while
    # this one does the demand side; the same polygons as drawn in line (issue 16)
    pool = ThreadPoolExecutor(1)
    drawn = pool.submit(_isochrones_and_share, network, c_snap, ids, params, node_reach, circles)
    try:
        result = _demand_side(network, centers, demand, params, grids, communities, compounds, is_demo,
                              population_is_estimate, c, d, c_snap, d_snap, node_reach, circles)
        isos, share_walked = drawn.result()
    finally:
        pool.shutdown(wait=True)
    circles["walk_reach_share"] = share_walked
    return replace(result, isochrones=isos)


def _isochrones_and_share(network: WalkNetwork, c_snap: SnappedPoints, ids: np.ndarray, params: WalkParams,
                          node_reach, circles: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Isochrone polygons of the centers and the share of each straight-line circle they cover."""
    isos = isochrones(network, c_snap, ids, params, node_reach=node_reach)
    return isos, walk_reach_share(circles, isos)


def _demand_side(network, centers, demand, params, grids, communities, compounds, is_demo, population_is_estimate,
                 c, d, c_snap, d_snap, node_reach, circles) -> CoverageResult:
    """Walking times, areas and households of the demand rows, then the summary (no isochrones yet)."""
    crs = network.crs
    node_dist, node_src = nearest_source_distances(network, c_snap)
    dist, src = point_distances(network, node_dist, node_src, d_snap, c_snap)
    reach = points_reach(network, c_snap, d_snap, params.reach_m(), node_reach=node_reach)
    n_within = np.bincount(reach.target, minlength=len(d)) if len(reach) else np.zeros(len(d), int)

    c["access_m"] = c_snap.access_m
    c["off_network"] = ~c_snap.on_network
    d["access_m"] = d_snap.access_m
    d["off_network"] = ~d_snap.on_network
    d["time_min"] = dist / params.metres_per_minute
    d["nearest_center"] = np.where(src >= 0, c["center_id"].to_numpy()[np.clip(src, 0, None)], None)
    d["n_centers_within"] = n_within
    d["within_circle"] = _within_circle(d, c, params.reach_m())
    d = assign_areas(d, grids, communities)
    d = add_households(d, grids, communities)

    if is_demo is None:
        is_demo = demo_in_use(centers, grids, communities)
    if population_is_estimate is None:
        population_is_estimate = bool("is_estimate" in demand and demand["is_estimate"].astype(bool).any())
    result = CoverageResult(
        params=params, crs=crs, summary=None, demand=d, centers=c, grids=None,
        communities=pd.DataFrame(), gaps=gpd.GeoDataFrame(), isochrones=gpd.GeoDataFrame(), circles=circles,
        node_time_min=node_dist / params.metres_per_minute, center_snaps=c_snap, demand_snaps=d_snap,
        community_polygons=to_crs_checked(communities, crs, "communities layer") if communities is not None else None,
        network=network,
        compounds=to_crs_checked(compounds, crs, "compounds layer").reset_index(drop=True) if compounds is not None else None,
    )
    return summarise(result, grids, is_demo=is_demo, population_is_estimate=population_is_estimate)


def inner_points(geoms) -> np.ndarray:
    """A point inside each geometry: points as they are, others by :func:`shapely.point_on_surface`.

    The same positions as ``GeoSeries.representative_point()`` without making a new object per
    point (100,000 demand points: 0.1 s less).

    Parameters
    ----------
    geoms : array-like of shapely geometries
        Points or polygons (any CRS).

    Returns
    -------
    numpy.ndarray
        Shapely points, one per geometry.
    """
    g = np.asarray(geoms, dtype=object)
    if len(g) and (shapely.get_type_id(g) == 0).all():
        return g
    return shapely.point_on_surface(g)


def first_within(points: np.ndarray, polygons, values: pd.Series) -> np.ndarray:
    """Per point, ``values`` of the first polygon (lowest position) it lies within whose value is set.

    The answer of ``gpd.sjoin(points, polygons, predicate="within")`` followed by
    ``groupby(level=0).first()``, with one spatial index over the polygons instead of one over
    the points. The index gives the polygons whose bounding box holds a point, and the
    polygons, prepared once, are asked whether they contain it
    (:func:`shapely.contains_xy`, the same test as ``within``; issue 16: 100,000 points 3x faster).
    Invalid polygons (the readers repair them) and points that are not plain 2-D points take the
    ``within`` query itself.

    Parameters
    ----------
    points : numpy.ndarray
        Shapely points (the same CRS as ``polygons``).
    polygons : array-like of shapely geometries
        Area polygons.
    values : pandas.Series
        One value per polygon (e.g. the grid id).

    Returns
    -------
    numpy.ndarray
        Object array, one value per point; NaN where no polygon with a value contains it.
    """
    out = np.full(len(points), np.nan, dtype=object)
    points = np.asarray(points, dtype=object)
    polys = np.asarray(polygons, dtype=object)
    has_value = ~pd.isna(values.to_numpy(dtype=object))
    tree = shapely.STRtree(polys)
    present = polys[~shapely.is_missing(polys)]
    if len(points) and (shapely.get_type_id(points) == 0).all() and not shapely.is_empty(points).any() \
            and not shapely.has_z(points).any() and shapely.is_valid(present).all():
        pi, gi = tree.query(points)                              # bounding boxes only
        keep = has_value[gi]
        pi, gi = pi[keep], gi[keep]
        xy = shapely.get_coordinates(points)
        polys = shapely.from_wkb(shapely.to_wkb(polys))          # private copies: preparing changes nothing of the caller's
        shapely.prepare(polys)
        inside = shapely.contains_xy(polys[gi], xy[pi, 0], xy[pi, 1])
        pi, gi = pi[inside], gi[inside]
    else:
        pi, gi = tree.query(points, predicate="within")
        keep = has_value[gi]
        pi, gi = pi[keep], gi[keep]
    vals = values.to_numpy(dtype=object)[gi]
    order = np.lexsort((gi, pi))
    hit, first = np.unique(pi[order], return_index=True)
    out[hit] = vals[order][first]
    return out


def _within_circle(d: gpd.GeoDataFrame, c: gpd.GeoDataFrame, radius_m: float) -> np.ndarray:
    """Whether each demand point lies within ``radius_m`` straight-line metres of any center."""
    tree = shapely.STRtree(np.asarray(c.geometry.values))
    hit, _ = tree.query(inner_points(d.geometry.values), predicate="dwithin", distance=radius_m)
    out = np.zeros(len(d), dtype=bool)
    out[hit] = True
    return out


def prepare_grids(grids: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Grids with a unique string ``grid_id``: kept if present, else the layer's ``id``, else G001….

    The demo grids carry ``grid_id``; a planner's grids read by :func:`geo.readers.read_layer`
    carry the canonical ``id`` column (编号). Repeated ids get ``#2``, ``#3`` suffixes (the reader
    already reported them).

    Parameters
    ----------
    grids : GeoDataFrame or None
        The grids layer, any CRS.

    Returns
    -------
    GeoDataFrame or None
        A copy with ``grid_id`` (same CRS); None when ``grids`` is None.
    """
    if grids is None:
        return None
    g = grids.copy()
    generated = pd.Series([f"G{i + 1:03d}" for i in range(len(g))], index=g.index, dtype=object)
    ids = g["grid_id"].astype(object) if "grid_id" in g else pd.Series(None, index=g.index, dtype=object)
    if "id" in g:
        ids = ids.where(ids.notna(), g["id"].astype(object))
    ids = ids.where(ids.notna(), generated).astype(str)
    dup = ids.duplicated(keep="first")
    if dup.any():
        ids = ids.where(~dup, ids + "#" + (ids.groupby(ids).cumcount() + 1).astype(str))
    g["grid_id"] = ids.to_numpy()
    return g


def assign_areas(
    d: gpd.GeoDataFrame, grids: gpd.GeoDataFrame | None, communities: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Give each demand row a ``grid_id`` and ``community`` (kept if present, else by location).

    Parameters
    ----------
    d : GeoDataFrame
        Demand rows (changed in place).
    grids : GeoDataFrame or None
        Grid polygons (optional ``community``, ``street``), any CRS with a known datum.
    communities : GeoDataFrame or None
        Community polygons (``community`` or ``name``; optional ``street``), any CRS with a known datum.

    Returns
    -------
    GeoDataFrame
        ``d`` with ``grid_id`` (None outside every grid), ``community`` and ``street``
        (:data:`UNASSIGNED` when not found).
    """
    grids = prepare_grids(grids)
    pts = inner_points(d.geometry.values)
    if "grid_id" not in d:
        d["grid_id"] = None
        if grids is not None and len(grids):
            g = to_crs_checked(grids, d.crs, "grids layer")
            d["grid_id"] = first_within(pts, g.geometry.values, g["grid_id"])
    if "community" not in d:
        d["community"] = None
        if grids is not None and "community" in grids:
            d["community"] = d["grid_id"].map(dict(zip(grids["grid_id"], grids["community"])))
        if communities is not None and len(communities) and d["community"].isna().any():
            cm = to_crs_checked(communities, d.crs, "communities layer")
            name_col = "community" if "community" in cm else "name"
            found = pd.Series(first_within(pts, cm.geometry.values, cm[name_col]), index=d.index)
            d["community"] = d["community"].fillna(found)
    d["community"] = d["community"].fillna(UNASSIGNED).astype(str)
    if "street" not in d:
        d["street"] = None
        if grids is not None and "street" in grids:
            d["street"] = d["grid_id"].map(dict(zip(grids["grid_id"], grids["street"])))
        if communities is not None and "street" in communities and d["street"].isna().any():
            name_col = "community" if "community" in communities else "name"
            d["street"] = d["street"].fillna(d["community"].map(dict(zip(communities[name_col], communities["street"]))))
    d["street"] = d["street"].fillna(UNASSIGNED).astype(str)
    return d


# -- summaries (shared by run_coverage and the what-if) -------------------------------------------


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Population-weighted quantile (``inf`` values count as the longest times).

    Parameters
    ----------
    values : numpy.ndarray of float
        E.g. walking times in minutes.
    weights : numpy.ndarray of float
        Weights (persons); only rows with a weight > 0 count.
    q : float
        Quantile, 0-1.

    Returns
    -------
    float
        In the unit of ``values``; NaN when no weight is positive.
    """
    m = weights > 0
    if not m.any():
        return float("nan")
    v, w = values[m], weights[m]
    order = np.argsort(v, kind="stable")
    cw = np.cumsum(w[order])
    i = int(np.searchsorted(cw, q * cw[-1], side="left"))
    return float(v[order][min(i, len(v) - 1)])


def summarise(
    result: CoverageResult, grids: gpd.GeoDataFrame | None, *, is_demo: bool, population_is_estimate: bool
) -> CoverageResult:
    """(Re)compute covered flags, center loads, grid/community tables, gaps and headline figures.

    Parameters
    ----------
    result : CoverageResult
        A run whose demand has ``time_min`` (minutes), ``off_network``, ``within_circle``,
        ``n_centers_within`` and ``nearest_center``; its demand and centers are changed in place.
    grids : GeoDataFrame or None
        The grids layer, any CRS.
    is_demo : bool
        The run uses demo data.
    population_is_estimate : bool
        Residents are an estimate.

    Returns
    -------
    CoverageResult
        A copy with ``summary``, ``grids`` (grid figures), ``communities`` (table), ``gaps`` and
        ``compounds`` recomputed.
    """
    p = result.params
    d = result.demand
    d["covered"] = within(d["time_min"].to_numpy() * p.metres_per_minute, p.reach_m())
    pop = d["population"].to_numpy()
    covered = d["covered"].to_numpy()
    total = float(pop.sum())
    cov_pop = float(pop[covered].sum())
    off_pop = float(pop[d["off_network"].to_numpy()].sum())
    unreach_pop = float(pop[~d["off_network"].to_numpy() & ~np.isfinite(d["time_min"].to_numpy())].sum())
    circle_pop = float(pop[d["within_circle"].to_numpy()].sum())

    c = result.centers
    load = d[covered].groupby("nearest_center")["population"].sum()
    c["load_pop"] = c["center_id"].map(load).fillna(0.0).to_numpy()
    c["load_all_pop"] = c["center_id"].map(d.groupby("nearest_center")["population"].sum()).fillna(0.0).to_numpy()

    comm = _area_table(d, "community")
    grid_table = None
    if grids is not None and len(grids):
        g = to_crs_checked(prepare_grids(grids), result.crs, "grids layer")
        t = _area_table(d, "grid_id").set_index("grid_id")
        for col in ("population", "covered_pop", "uncovered_pop", "redundant_pop"):
            g[col] = g["grid_id"].map(t[col]).fillna(0.0).to_numpy()
        g["covered_share"] = share(g["covered_pop"], g["population"])
        grid_table = grid_figures(d, g, c)
    t_min = d["time_min"].to_numpy()
    summary = CoverageSummary(
        total_pop=total,
        covered_pop=cov_pop,
        covered_share=cov_pop / total if total else float("nan"),
        uncovered_pop=total - cov_pop,
        off_network_pop=off_pop,
        unreachable_pop=unreach_pop,
        redundant_pop=float(pop[d["n_centers_within"].to_numpy() >= 2].sum()),
        median_min=weighted_quantile(t_min, pop, 0.5),
        p90_min=weighted_quantile(t_min, pop, 0.9),
        n_centers=int(len(c)),
        n_centers_off_network=int(c["off_network"].sum()),
        circle_covered_pop=circle_pop,
        circle_covered_share=circle_pop / total if total else float("nan"),
        circle_overstatement_pct=(circle_pop / cov_pop - 1.0) * 100.0 if cov_pop else float("nan"),
        circle_overstatement_pp=(circle_pop - cov_pop) / total * 100.0 if total else float("nan"),
        minutes=p.minutes,
        speed_kmh=p.speed_kmh,
        reach_m=p.reach_m(),
        is_demo=bool(is_demo),
        population_is_estimate=bool(population_is_estimate),
    )
    gaps = gap_units(
        d, params=p, network=result.network, center_snaps=result.center_snaps, centers=c,
        grids=grid_table, communities=result.community_polygons, compounds=result.compounds,
    )
    compounds = compound_table(result) if result.compounds is not None else None
    return replace(result, summary=summary, grids=grid_table, communities=comm, gaps=gaps, compounds=compounds)


def _area_table(d: gpd.GeoDataFrame, key: str) -> pd.DataFrame:
    """Population, covered, uncovered and redundant residents per ``key``, worst share first."""
    df = pd.DataFrame({
        key: d[key].fillna(UNASSIGNED).astype(str),
        "population": d["population"],
        "covered_pop": d["population"].where(d["covered"], 0.0),
        "redundant_pop": d["population"].where(d["n_centers_within"] >= 2, 0.0),
    })
    t = share_table(df, key, "population", {"covered_pop": "covered_share"}, summed=("redundant_pop",))
    t.insert(4, "uncovered_pop", t["population"] - t["covered_pop"])
    return t.sort_values(["covered_share", "uncovered_pop"], ascending=[True, False], ignore_index=True)
