"""The regional party-building layers (驻区单位, 需求, 项目, 示范区, rivers) for one run.

Every layer goes through :func:`geo.readers.read_layer` (aliases, validation, datum) — the
sample city's demo files too — so the CLI, the app and the reports see the same columns.
Without files the sample city's demo layers (示例数据，非真实点位) are used; the rivers default
to the OSM waterway lines of the sample extract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from analysis.sample_city import DEMO_DIR
from geo.messages import both
from geo.readers import LayerReadResult, read_layer

#: layer kind -> demo file under data/demo/
PARTY_DEMO_FILES = {"units": "units.geojson", "needs": "needs.geojson", "projects": "projects.geojson",
                    "demo_areas": "demo_areas.geojson"}


@dataclass
class PartyLayers:
    """Layers in WGS-84 (None when not given); ``is_demo`` when any came from the demo files."""

    units: gpd.GeoDataFrame | None = None
    needs: gpd.GeoDataFrame | None = None
    projects: gpd.GeoDataFrame | None = None
    demo_areas: gpd.GeoDataFrame | None = None
    rivers: gpd.GeoDataFrame | None = None
    communities: gpd.GeoDataFrame | None = None  # context for demonstration-area figures (optional)
    grids: gpd.GeoDataFrame | None = None
    is_demo: bool = False
    reports: dict[str, LayerReadResult] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def load_party_layers(*, units=None, needs=None, projects=None, demo_areas=None, rivers=None,
                      coords: str = "auto", streets=None, sample: bool = True,
                      osm_features=None, kinds: tuple[str, ...] = ("units", "needs", "projects", "demo_areas")) -> PartyLayers:
    """Read the given files; with ``sample`` fill missing layers from the sample city's demo files.

    Parameters
    ----------
    units, needs, projects, demo_areas : str or Path, optional
        Files of the 驻区单位, 需求, 项目 and 示范区 layers (any format of :func:`geo.readers.read_layer`).
    rivers : str or Path, optional
        A line layer file (any format geopandas reads; optional ``name`` column; no CRS = EPSG:4326).
    coords : str
        Coordinate system of the planners' files (``"auto"`` detects WGS-84 / GCJ-02 / BD-09);
        the demo files are always read as WGS-84.
    streets : optional
        Streets for the datum detection, passed to :func:`geo.readers.read_layer`.
    sample : bool
        Fill layers that were not given from the sample city's demo files (labelled demo data).
    osm_features : geo.osm_features.OSMFeatures, optional
        With no river file, its waterway lines are the rivers.
    kinds : tuple of str
        The layers wanted among units, needs, projects, demo_areas (others are not read).

    Returns
    -------
    PartyLayers
        The layers in EPSG:4326 (None when not given), the read reports, source file names and
        ``is_demo``.

    Raises
    ------
    geo.errors.LayerError
        When the river file cannot be read or has no line features (and as raised by
        :func:`geo.readers.read_layer` for the other layers).
    """
    out = PartyLayers()
    for kind, path in (("units", units), ("needs", needs), ("projects", projects), ("demo_areas", demo_areas)):
        if kind not in kinds:
            continue
        if path is None and sample:
            path, demo = DEMO_DIR / PARTY_DEMO_FILES[kind], True
        else:
            demo = False
        if path is None:
            continue
        res = read_layer(Path(path), kind, coords="wgs84" if demo else coords, streets=streets)
        setattr(out, kind, res.gdf)
        out.reports[kind] = res
        out.sources[kind] = Path(path).name
        out.is_demo |= demo
    if rivers is not None:
        from geo.errors import LayerError

        try:
            r = gpd.read_file(rivers)
        except Exception as err:  # noqa: BLE001 - any reader failure becomes a planner-readable message
            raise LayerError(both("error.rivers_unreadable", rivers=rivers, err=err)) from err
        r = r[r.geometry.notna() & r.geometry.geom_type.isin(["LineString", "MultiLineString"])]
        if r.crs is None:
            r = r.set_crs("EPSG:4326")
        if not len(r):
            raise LayerError(both("error.rivers_no_lines", rivers=rivers))
        out.rivers = r
        out.sources["rivers"] = Path(rivers).name
    elif osm_features is not None:
        w = osm_features.water
        lines = w[w["kind"] == "line"]
        out.rivers = lines[["name", "waterway", "geometry"]] if len(lines) else None
        if out.rivers is not None:
            out.sources["rivers"] = "OSM waterway"
    return out
