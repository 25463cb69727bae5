"""Red-station demand: where outdoor workers (sanitation workers, couriers, riders) spend the day.

There is no open data on where outdoor workers are, so demand is a documented *proxy* built
from OSM, shown to the planner with its weights (:func:`weights_table`) and replaceable by a
user layer of worker hotspots:

* each street segment gets ``length_km x class weight``: busy main roads carry more cleaning
  routes, delivery traffic and waiting riders than lanes and footpaths;
* each point of interest that draws outdoor work adds its weight to the nearest street segment
  within ``POI_RADIUS_M``: restaurants and fast food (riders pick up there), shops,
  markets, courier and post depots;
* each hotspot of an optional user layer adds ``HOTSPOT_WEIGHT`` (or its own ``weight`` column).

Demand points are the segment midpoints; weights are relative "outdoor-work units", not people.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.siting.candidates import _first_class
from geo.crs import to_crs_checked
from geo.errors import LayerError
from geo.messages import both
from geo.network import WalkNetwork

#: weight per km of street by OSM highway class (other walkable classes: DEFAULT_CLASS_WEIGHT)
CLASS_WEIGHTS = {
    "trunk": 3.0, "primary": 3.0, "primary_link": 2.0, "secondary": 3.0, "secondary_link": 2.0,
    "tertiary": 2.0, "tertiary_link": 1.5, "pedestrian": 2.0, "living_street": 1.0,
    "residential": 1.0, "unclassified": 1.0, "road": 1.0, "service": 0.5,
    "footway": 0.3, "path": 0.2, "cycleway": 0.3, "track": 0.1, "steps": 0.0, "corridor": 0.0,
}
DEFAULT_CLASS_WEIGHT = 0.5
#: POI tag -> weight added to the nearest street segment (rules checked in order, first wins)
POI_WEIGHTS: tuple[tuple[str, str, float, str], ...] = (
    ("amenity", "marketplace", 5.0, "market: stall traders, porters, cleaning"),
    ("amenity", "post_depot", 5.0, "courier / post depot: couriers start and end rounds"),
    ("office", "courier", 5.0, "courier office"),
    ("shop", "courier", 5.0, "parcel shop / courier point"),
    ("amenity", "post_office", 3.0, "post office: parcel pick-up"),
    ("amenity", "restaurant", 1.0, "restaurant: delivery riders pick up"),
    ("amenity", "fast_food", 1.5, "fast food: frequent delivery pick-ups"),
    ("amenity", "cafe", 0.5, "cafe / tea: delivery pick-ups"),
    ("amenity", "food_court", 2.0, "food court"),
    ("shop", "supermarket", 1.5, "supermarket: deliveries and riders"),
    ("shop", "convenience", 1.0, "convenience store: instant-delivery hub"),
    ("shop", "mall", 3.0, "mall"),
    ("shop", "department_store", 3.0, "department store"),
    ("shop", "*", 0.3, "other shop"),
)
POI_RADIUS_M = 100.0
HOTSPOT_WEIGHT = 10.0


def weights_table() -> pd.DataFrame:
    """The proxy's weights for display: source, tag, weight, unit, reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``tag``, ``weight`` (outdoor-work units), ``unit`` ("per km",
        "per POI", ...) and ``why``; one row per street class, POI rule and the hotspot rule.
    """
    rows = [("street class", f"highway={k}", v, "per km", "busier streets: cleaning routes, riders")
            for k, v in CLASS_WEIGHTS.items()]
    rows.append(("street class", "other walkable highway", DEFAULT_CLASS_WEIGHT, "per km", "default"))
    rows += [("POI within 100 m", f"{k}={v}", w, "per POI", why) for k, v, w, why in POI_WEIGHTS]
    rows.append(("user layer", "worker hotspot", HOTSPOT_WEIGHT, "per point (or its 'weight')",
                 "places the planner knows outdoor workers gather"))
    return pd.DataFrame(rows, columns=["source", "tag", "weight", "unit", "why"])


def poi_weight(pois: pd.DataFrame) -> np.ndarray:
    """Weight of each POI row (first matching rule of :data:`POI_WEIGHTS`).

    Parameters
    ----------
    pois : pandas.DataFrame
        POIs with columns ``amenity`` / ``shop`` / ``office`` ('' or missing when not tagged).

    Returns
    -------
    numpy.ndarray of float
        Outdoor-work units per row, 0 when no rule matches.
    """
    out = np.zeros(len(pois))
    done = np.zeros(len(pois), dtype=bool)
    for key, value, w, _ in POI_WEIGHTS:
        if key not in pois:
            continue
        col = pois[key].fillna("").astype(str).to_numpy()
        hit = (col != "") if value == "*" else (col == value)
        hit &= ~done
        out[hit] = w
        done |= hit
    return out


def _to_nearest_edge(network: WalkNetwork, pts: gpd.GeoDataFrame, weight: np.ndarray) -> np.ndarray:
    """Sum ``weight`` onto the nearest street segment within POI_RADIUS_M (per edge)."""
    out = np.zeros(network.n_edges)
    if len(pts) == 0:
        return out
    edges = gpd.GeoDataFrame({"edge": np.arange(network.n_edges)}, geometry=list(network.edge_geometry), crs=network.crs)
    p = gpd.GeoDataFrame({"w": weight}, geometry=pts.geometry.representative_point().values, crs=network.crs)
    j = gpd.sjoin_nearest(p[p["w"] > 0], edges, how="inner", max_distance=POI_RADIUS_M)
    j = j[~j.index.duplicated()]  # equidistant ties: first edge only
    np.add.at(out, j["edge"].to_numpy(dtype=np.int64), j["w"].to_numpy())
    return out


def worker_demand(
    network: WalkNetwork, pois: gpd.GeoDataFrame | None, hotspots: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Street-segment demand points (midpoints) with outdoor-work ``weight`` and its parts.

    Only segments of the network's main piece with a positive weight become demand points.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    pois : geopandas.GeoDataFrame or None
        OSM points of interest (any CRS, e.g. the EPSG:4326 ``pois`` layer of
        :func:`geo.osm_features.load_osm_features`); each adds its weight to the nearest segment
        within ``POI_RADIUS_M`` (100 m).
    hotspots : geopandas.GeoDataFrame, optional
        The planner's worker hotspots (any CRS), each adding ``HOTSPOT_WEIGHT`` or its own
        ``weight`` column (number >= 0) to the nearest segment within 100 m.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``demand_id`` (0..n-1), ``edge``, ``street``, ``highway``, ``length_m`` (metres),
        ``class_weight``, ``poi_weight``, ``hotspot_weight``, ``weight`` (outdoor-work units,
        the sum) and ``population`` (= ``weight``, for shared code paths); midpoints in the
        network CRS.

    Raises
    ------
    LayerError
        A hotspot ``weight`` that is not a number >= 0.
    CRSError
        ``pois`` or ``hotspots`` without a CRS.
    """
    cls = _first_class(network.edge_highway)
    cw = np.array([CLASS_WEIGHTS.get(c, DEFAULT_CLASS_WEIGHT) for c in cls]) * network.edge_length / 1000.0
    pw = np.zeros(network.n_edges)
    if pois is not None and len(pois):
        p = to_crs_checked(pois, network.crs, "POI layer")
        pw = _to_nearest_edge(network, p, poi_weight(p))
    hw = np.zeros(network.n_edges)
    if hotspots is not None and len(hotspots):
        h = to_crs_checked(hotspots, network.crs, "worker hotspot layer")
        if "weight" in h:
            w = pd.to_numeric(h["weight"], errors="coerce")
            if w.isna().any() or (w < 0).any():
                raise LayerError(both("error.hotspot_weight_invalid"))
            w = w.to_numpy(dtype=float)
        else:
            w = np.full(len(h), HOTSPOT_WEIGHT)
        hw = _to_nearest_edge(network, h, w)
    total = cw + pw + hw
    keep = np.flatnonzero((total > 0) & (network.node_component[network.edge_u] == 0))
    mid = [network.edge_geometry[e].interpolate(0.5, normalized=True) for e in keep]
    return gpd.GeoDataFrame(
        {
            "demand_id": np.arange(len(keep)),
            "edge": keep,
            "street": network.edge_name[keep],
            "highway": cls[keep],
            "length_m": network.edge_length[keep],
            "class_weight": cw[keep],
            "poi_weight": pw[keep],
            "hotspot_weight": hw[keep],
            "weight": total[keep],
            "population": total[keep],
        },
        geometry=mid,
        crs=network.crs,
    )
