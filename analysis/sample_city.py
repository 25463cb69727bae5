"""The bundled sample city (central Hangzhou, OSM Feb 2015) and its illustrative demo layers.

Everything the CLI and the app use by default comes from here, so both load the same data.
Demo layers carry ``demo = True``: every output that uses them says 示例数据，非真实点位.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from analysis.population import estimate_population
from geo.disk_cache import cache_key, code_fingerprint, read_cached_frame, write_cached_frame
from geo.errors import LayerError
from geo.messages import both
from geo.network import WalkNetwork, load_walk_network
from geo.osm_features import OSMFeatures, load_osm_features

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLE_OSM = DATA_DIR / "osm" / "hangzhou_core_2015-02.osm.pbf"
DEMO_DIR = DATA_DIR / "demo"
SAMPLE_NAME_ZH = "杭州市中心（西湖东岸，OSM 2015年2月）"
SAMPLE_NAME_EN = "Central Hangzhou (West Lake east shore, OSM Feb 2015)"
DEMO_NOTE_ZH = "示例数据，非真实点位"
DEMO_NOTE_EN = "Illustrative sample data, not real sites"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
OSM_DATA_DATE = "2015-02"

#: demo layer name -> file under data/demo/
DEMO_FILES = {
    "centers": "service_centers.geojson",
    "stations": "red_stations.geojson",
    "grids": "grids.geojson",
    "communities": "communities.geojson",
    "candidates": "candidates.geojson",
}


@dataclass(frozen=True)
class SampleCity:
    """The sample city's network (metric CRS), OSM context layers and demo layers (WGS-84)."""

    network: WalkNetwork
    features: OSMFeatures
    demand: gpd.GeoDataFrame      # estimated residents per 100 m cell, network CRS
    centers: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    osm_path: Path


def is_demo_layer(gdf) -> bool:
    """True when ``gdf`` is (or contains rows of) the bundled illustrative data (``demo = True``).

    The one test of "is demo" used by the CLI, the app and the reports: the 示例数据 note is shown
    only when a layer for which this is True is actually in use.

    Parameters
    ----------
    gdf : GeoDataFrame or None
        Any layer; only its ``demo`` column is read.

    Returns
    -------
    bool
    """
    if gdf is None or len(gdf) == 0 or "demo" not in gdf:
        return False
    return bool(gdf["demo"].fillna(False).astype(bool).any())


def demo_in_use(*layers) -> bool:
    """True when any of the given layers (GeoDataFrames or None) is demo data.

    Parameters
    ----------
    *layers : GeoDataFrame or None
        The layers in use.

    Returns
    -------
    bool
    """
    return any(is_demo_layer(g) for g in layers)


def read_demo_layer(name: str) -> gpd.GeoDataFrame:
    """One demo layer (EPSG:4326); refuses clearly when the bundled file is missing.

    Parameters
    ----------
    name : str
        A key of :data:`DEMO_FILES` (``centers``, ``stations``, ``grids``, ``communities``,
        ``candidates``).

    Returns
    -------
    GeoDataFrame
        The layer in EPSG:4326 with ``demo = True`` rows.

    Raises
    ------
    geo.errors.LayerError
        When the bundled file is missing.
    """
    path = DEMO_DIR / DEMO_FILES[name]
    if not path.exists():
        raise LayerError(both("error.demo_layer_missing", name=path.name))
    return gpd.read_file(path)


def network_for(osm_path: str | Path) -> WalkNetwork:
    """The walking network of an OSM file (disk-cached; see geo.network).

    Parameters
    ----------
    osm_path : str or Path
        A local OSM file.

    Returns
    -------
    WalkNetwork
        In the file's UTM zone (projected metric CRS).
    """
    return load_walk_network(osm_path)


DEMAND_CACHE_KIND = "demand-estimate"


@lru_cache(maxsize=4)
def estimated_demand(osm_path: str | Path = SAMPLE_OSM) -> gpd.GeoDataFrame:
    """Estimated residents for any local OSM file (documented in analysis.population).

    Kept in the data-only disk cache (:mod:`geo.disk_cache`), keyed by the OSM file's SHA-256 and
    the code that estimates it, so the app's first page does not estimate it again.

    Parameters
    ----------
    osm_path : str or Path
        A local OSM file (the sample city by default).

    Returns
    -------
    GeoDataFrame
        Cell-centre points in the network's projected metric CRS with ``demand_id``,
        ``population`` (persons, an estimate), ``method``, ``is_estimate``, ``land_m2`` (m²).
    """
    import analysis.population as population_mod
    import geo.osm_features as features_mod

    net = load_walk_network(osm_path)
    key = cache_key(osm=net.source_sha256, crs=str(net.crs), n_edges=net.n_edges,
                    code=code_fingerprint(population_mod.__file__, features_mod.__file__, __file__))
    hit = read_cached_frame(DEMAND_CACHE_KIND, key) if net.source_sha256 else None
    if hit is not None:
        return hit
    features = load_osm_features(osm_path)
    demand = estimate_population(features, net.crs, net.edges_gdf().geometry).reset_index(drop=True)
    if net.source_sha256:
        write_cached_frame(demand, DEMAND_CACHE_KIND, key)
    return demand


@lru_cache(maxsize=1)
def load_sample_city() -> SampleCity:
    """Load (once per process) the bundled sample city and its demo layers.

    Returns
    -------
    SampleCity
        Network (EPSG:32651, metres), OSM context layers, estimated demand (network CRS) and the
        demo layers (EPSG:4326).
    """
    return SampleCity(
        network=load_walk_network(SAMPLE_OSM),
        features=load_osm_features(SAMPLE_OSM),
        demand=estimated_demand(SAMPLE_OSM),
        osm_path=SAMPLE_OSM,
        **{name: read_demo_layer(name) for name in DEMO_FILES},
    )
