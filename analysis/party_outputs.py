"""Files of the regional party-building analyses (used by the CLI and the app's downloads).

``write_lists_outputs``: 需求/资源/项目清单 as XLSX + GeoPackage; ``write_adoption_outputs``:
road adoption as XLSX + GeoPackage + PNG map; ``write_demo_area_outputs``: demonstration-area
figures as XLSX. Every file is written atomically; demo data is labelled 示例数据.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from analysis.adoption import DEFAULT_ADOPT_M, DEFAULT_RIVER_MAX_M, AdoptionResult, adopt_roads
from analysis.coverage import CoverageResult
from analysis.demo_area import demo_area_figures
from analysis.lists import DEFAULT_MATCH_M, ListsResult, build_lists
from analysis.party_inputs import PartyLayers
from analysis.sample_city import DEMO_NOTE_ZH, OSM_ATTRIBUTION
from geo.errors import LayerError
from geo.messages import ByLang, both
from geo.network import WalkNetwork


def _need(layers: PartyLayers, *kinds: str) -> None:
    missing = [k for k in kinds if getattr(layers, k) is None]
    if missing:
        names = {"units": ("驻区单位", "--units"), "needs": ("需求", "--needs"), "demo_areas": ("示范区", "--demo-areas")}
        layers = ByLang("、".join(f"{names[k][0]}（{names[k][1]}）" for k in missing),
                        ", ".join(names[k][1] for k in missing))
        raise LayerError(both("error.layers_missing", layers=layers))


def _meta(kind: str, layers: PartyLayers, extra: dict) -> dict[str, str]:
    m = {"analysis": kind, "osm_attribution": OSM_ATTRIBUTION, **{f"source: {k}": v for k, v in layers.sources.items()},
         **{k: str(v) for k, v in extra.items()}}
    if layers.is_demo:
        m["demo_note"] = DEMO_NOTE_ZH
    return m


def write_lists_outputs(network: WalkNetwork, layers: PartyLayers, out_dir: str | Path, lang: str = "zh",
                        distance_m: float = DEFAULT_MATCH_M) -> tuple[ListsResult, dict[str, Path]]:
    """The three lists: ``three_lists_<lang>.xlsx`` and ``three_lists.gpkg`` in ``out_dir``.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    layers : PartyLayers
        Party layers; ``units`` and ``needs`` are required, ``projects`` optional.
    out_dir : str or Path
        Output folder.
    lang : str
        ``"zh"`` or ``"en"`` for the spreadsheet's labels.
    distance_m : float
        Matching distance along the walking network, metres.

    Returns
    -------
    tuple of (ListsResult, dict of str to Path)
        The lists and the written files by kind (``"xlsx"``, ``"gpkg"``).

    Raises
    ------
    geo.errors.LayerError
        When units or needs are missing.
    geo.errors.ParameterError
        When ``distance_m`` is not positive.
    """
    from analysis.report.party import lists_layers, lists_tables, write_party_gpkg, write_party_xlsx

    _need(layers, "units", "needs")
    res = build_lists(network, layers.units, layers.needs, layers.projects, distance_m=distance_m)
    out = Path(out_dir)
    tables = lists_tables(res, lang)
    paths = {
        "xlsx": write_party_xlsx(list(tables.values()), out / f"three_lists_{lang}.xlsx", lang, layers.is_demo),
        "gpkg": write_party_gpkg(lists_layers(res, layers.units), out / "three_lists.gpkg",
                                 _meta("three lists", layers, {"match_distance_m": distance_m, "distance": "walking network"})),
    }
    return res, paths


def write_adoption_outputs(network: WalkNetwork, layers: PartyLayers, out_dir: str | Path, lang: str = "zh",
                           distance_m: float = DEFAULT_ADOPT_M, river_max_m: float = DEFAULT_RIVER_MAX_M,
                           features=None) -> tuple[AdoptionResult, dict[str, Path]]:
    """Road adoption: ``adoption_<lang>.xlsx``, ``adoption.gpkg`` and ``adoption_map_<lang>.png``.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    layers : PartyLayers
        Party layers; ``units`` is required, ``demo_areas`` and ``rivers`` are used when present.
    out_dir : str or Path
        Output folder.
    lang : str
        ``"zh"`` or ``"en"``.
    distance_m : float
        Adoption distance along the walking network from each unit's entrance, metres.
    river_max_m : float
        Largest straight-line distance from a unit to a river stretch it can adopt, metres.
    features : geo.osm_features.OSMFeatures, optional
        Basemap layers for the PNG map.

    Returns
    -------
    tuple of (AdoptionResult, dict of str to Path)
        The adoption result and the written files (``"xlsx"``, ``"gpkg"``, ``"png"``).

    Raises
    ------
    geo.errors.LayerError
        When units are missing.
    geo.errors.ParameterError
        When ``distance_m`` is not positive.
    """
    from analysis.report.inputs import ReportInputs
    from analysis.report.party import adoption_layers, adoption_tables, map_adoption, write_party_gpkg, write_party_xlsx
    from analysis.report.staticmap import figure_png
    from geo.safe_io import atomic_write_bytes

    _need(layers, "units")
    res = adopt_roads(network, layers.units, distance_m, area=layers.demo_areas, rivers=layers.rivers,
                      river_max_m=river_max_m)
    out = Path(out_dir)
    paths = {
        "xlsx": write_party_xlsx(list(adoption_tables(res, lang).values()), out / f"adoption_{lang}.xlsx", lang, layers.is_demo),
        "gpkg": write_party_gpkg(adoption_layers(res), out / "adoption.gpkg",
                                 _meta("road adoption", layers, {"adoption_distance_m": distance_m,
                                                                 "distance": "walking network from the entrance's street position",
                                                                 "river_max_m": river_max_m})),
    }
    fig = map_adoption(res, layers.units, lang, ReportInputs(features=features, network=network),
                       area=layers.demo_areas, is_demo=layers.is_demo, rivers=layers.rivers)
    png = out / f"adoption_map_{lang}.png"
    atomic_write_bytes(png, figure_png(fig, dpi=150))
    paths["png"] = png
    return res, paths


def write_demo_area_outputs(result: CoverageResult, layers: PartyLayers, out_dir: str | Path, lang: str = "zh", *,
                            stations: gpd.GeoDataFrame | None = None, communities: gpd.GeoDataFrame | None = None,
                            grids: gpd.GeoDataFrame | None = None):
    """Demonstration-area figures: ``demo_areas_<lang>.xlsx``; returns (figures, paths).

    Parameters
    ----------
    result : CoverageResult
        The coverage run (its demand and centers).
    layers : PartyLayers
        Party layers; ``demo_areas`` is required, ``units`` counted when present.
    out_dir : str or Path
        Output folder.
    lang : str
        ``"zh"`` or ``"en"``.
    stations, communities, grids : GeoDataFrame, optional
        Red stations, community polygons and grid polygons (with ``households``), any CRS.

    Returns
    -------
    tuple of (DataFrame, dict of str to Path)
        The figures of :func:`analysis.demo_area.demo_area_figures` and ``{"xlsx": path}``.

    Raises
    ------
    geo.errors.LayerError
        When the demonstration areas are missing.
    """
    from analysis.report.party import demo_area_table, write_party_xlsx

    _need(layers, "demo_areas")
    fig = demo_area_figures(layers.demo_areas, result, units=layers.units, stations=stations,
                            communities=communities, grids=grids)
    path = write_party_xlsx([demo_area_table(fig, lang)], Path(out_dir) / f"demo_areas_{lang}.xlsx", lang,
                            layers.is_demo or result.summary.is_demo)
    return fig, {"xlsx": path}
