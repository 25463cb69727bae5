"""A study: the network and the layers one coverage run uses, from the sample city or user files.

The CLI and the app both call :func:`load_study` then :func:`run_study`, so they compute the same
thing. Any layer not given comes from the bundled sample city (demo layers, estimated residents);
with a user OSM file but no centers, the study is refused (demo centers belong to Hangzhou).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import geopandas as gpd

from analysis.coverage import CoverageResult, run_coverage
from analysis.dual_grid import dual_grid_check
from analysis.params import WalkParams
from analysis.sample_city import (
    SAMPLE_NAME_EN,
    SAMPLE_NAME_ZH,
    SAMPLE_OSM,
    demo_in_use,
    estimated_demand,
    load_sample_city,
)
from geo.errors import LayerError
from geo.messages import both
from geo.network import WalkNetwork, load_walk_network
from geo.osm_file import check_osm_file
from geo.readers import LayerReadResult, read_layer

Progress = Callable[[str], None]


@dataclass
class Study:
    """Inputs of a coverage run; layers in WGS-84 except ``demand`` (any CRS) and the network."""

    name_zh: str
    name_en: str
    osm_path: Path
    network: WalkNetwork
    centers: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame | None = None
    communities: gpd.GeoDataFrame | None = None
    stations: gpd.GeoDataFrame | None = None
    candidates: gpd.GeoDataFrame | None = None
    read_reports: dict[str, LayerReadResult] = field(default_factory=dict)
    is_demo: bool = False
    population_is_estimate: bool = False
    compounds: gpd.GeoDataFrame | None = None      # 小区 (optional; polygons or points)
    party_grids: gpd.GeoDataFrame | None = None    # 党建网格 (optional; for the 双网融合 check)

    def sources(self) -> dict[str, str]:
        """Data sources for report metadata.

        Returns
        -------
        dict of str to str
            ``osm_file``, ``osm_attribution`` and ``<kind>_file`` for each layer read from a file.
        """
        out = {"osm_file": self.osm_path.name, "osm_attribution": "© OpenStreetMap contributors, ODbL 1.0"}
        for k, r in self.read_reports.items():
            out[f"{k}_file"] = Path(str(r.report.file)).name
        return out


def _quiet(_: str) -> None:
    pass


def load_study(
    osm: str | Path | None = None,
    *,
    centers: str | Path | None = None,
    demand: str | Path | None = None,
    grids: str | Path | None = None,
    communities: str | Path | None = None,
    stations: str | Path | None = None,
    candidates: str | Path | None = None,
    compounds: str | Path | None = None,
    party_grids: str | Path | None = None,
    coords: str = "auto",
    progress: Progress = _quiet,
) -> Study:
    """Load the network and layers; user files go through :func:`geo.readers.read_layer`.

    ``compounds`` (小区) and ``party_grids`` (党建网格) are optional user layers with no sample default.

    Parameters
    ----------
    osm : str or Path, optional
        A local OSM file (.osm.pbf, .osm, .osm.bz2); None for the bundled sample city.
    centers, demand, grids, communities, stations, candidates, compounds, party_grids : str or Path, optional
        The planner's layer files (any format of :func:`geo.readers.read_layer`). Not given: the
        sample city's demo layer (centers, grids, communities, stations, candidates) or the resident
        estimate of :mod:`analysis.population` (demand, clipped to the grids when there are any).
    coords : str
        Coordinate system of the user files (``"auto"`` detects WGS-84 / GCJ-02 / BD-09).
    progress : callable
        Called with one bilingual progress line per step.

    Returns
    -------
    Study
        The network (projected metric CRS), the layers (EPSG:4326; demand in any CRS), the read
        reports and the demo / estimate flags.

    Raises
    ------
    geo.errors.OSMFileError
        When the OSM file is missing or unreadable.
    geo.errors.LayerError
        With a user OSM file but no centers file, or when a layer cannot be read.
    """
    if osm is not None:
        check_osm_file(osm)
    user_osm = osm is not None and Path(osm).resolve() != SAMPLE_OSM.resolve()
    if user_osm and centers is None:
        raise LayerError(both("error.own_osm_needs_centers"))
    progress("读取步行路网 Loading the walking network…")
    osm_path = Path(osm) if osm else SAMPLE_OSM
    net = load_walk_network(osm_path)
    sample = None if user_osm else load_sample_city()
    streets = net.edges_gdf()
    reports: dict[str, LayerReadResult] = {}

    def layer(path, kind, default):
        if path is None:
            return default
        progress(f"读取图层 Reading {kind}: {Path(path).name}")
        res = read_layer(path, kind, coords=coords, streets=streets)
        reports[kind] = res
        return res.gdf

    c = layer(centers, "centers", sample.centers if sample else None)
    g = layer(grids, "grids", sample.grids if sample else None)
    cm = layer(communities, "communities", sample.communities if sample else None)
    st = layer(stations, "stations", sample.stations if sample else None)
    ca = layer(candidates, "candidates", sample.candidates if sample else None)
    cp = layer(compounds, "compounds", None)
    pg = layer(party_grids, "party_grids", None)
    if demand is not None:
        d = layer(demand, "demand", None)
        estimate = False
    else:
        progress("估算居民分布 Estimating residents from OSM (an estimate)…")
        d = sample.demand if sample else estimated_demand(osm_path)
        if g is not None:
            d = clip_to_area(d, g)
        estimate = True
    is_demo = demo_in_use(c, g, cm)
    if user_osm:
        name_zh = name_en = osm_path.name
    else:
        name_zh, name_en = SAMPLE_NAME_ZH, SAMPLE_NAME_EN
    return Study(name_zh, name_en, osm_path, net, c, d, g, cm, st, ca, reports, is_demo, estimate,
                 compounds=cp, party_grids=pg)


def clip_to_area(demand: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Demand rows whose point lies inside the union of ``areas`` (the study area).

    Parameters
    ----------
    demand : GeoDataFrame
        Demand points (or polygons, by their representative point), any CRS.
    areas : GeoDataFrame
        Polygons of the study area, any CRS with a known datum.

    Returns
    -------
    GeoDataFrame
        The rows of ``demand`` inside, in ``demand``'s CRS, index reset.
    """
    area = areas.to_crs(demand.crs).geometry.union_all()
    keep = demand.geometry.representative_point().within(area)
    return demand[keep.to_numpy()].reset_index(drop=True)


def run_study(study: Study, params: WalkParams = WalkParams(), progress: Progress = _quiet) -> CoverageResult:
    """Coverage of the study's demand by its centers (see :func:`analysis.coverage.run_coverage`).

    Parameters
    ----------
    study : Study
        Network and layers from :func:`load_study`.
    params : WalkParams
        Walking time threshold (minutes), speed (km/h) and access cap (metres).
    progress : callable
        Called with one bilingual progress line per step.

    Returns
    -------
    CoverageResult
        In the network's projected metric CRS; with ``dual_grid`` set when the study has both
        grids and party grids.
    """
    progress("计算步行时间与等时圈 Computing walking times and isochrones…")
    result = run_coverage(
        study.network, study.centers, study.demand, params, grids=study.grids, communities=study.communities,
        compounds=study.compounds, is_demo=study.is_demo, population_is_estimate=study.population_is_estimate,
    )
    if study.party_grids is not None and study.grids is not None:
        progress("双网融合检查 Checking party grids against governance grids…")
        result = replace(result, dual_grid=dual_grid_check(study.grids, study.party_grids, result.demand))
    return result
