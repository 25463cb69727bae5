"""Whole maps: an empty offline map (local assets, light background, attribution, demo badge),
the coverage page's map in drawing order, and the upload preview."""

from __future__ import annotations

from typing import Iterable, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from ui.i18n import t
from ui.maps.assets import asset_urls, leaflet_images_url
from ui.maps.basemap import ATTRIBUTION, add_local_basemap, add_online_tiles
from ui.maps.context import MapContext
from ui.maps.controls import MapSetup, add_layer_control, add_legend
from ui.maps.geojson import COORD_DECIMALS, small_geojson, to_wgs84
from ui.maps.layers import add_circles, add_communities, add_gaps, add_grids, add_isochrones, add_sites
from ui.maps.style import PROPOSAL_COLOUR, const_style

def new_map(
    bounds: Sequence[float] | None = None,
    *,
    ctx: MapContext | None = None,
    tianditu_key: str | None = None,
    assets: str = "served",
    demo: bool = False,
    height: int | str = "100%",
) -> folium.Map:
    """An empty offline map fitted to ``bounds`` (minlon, minlat, maxlon, maxlat, WGS-84).

    By default no tiles (``tiles=None``) and only local assets; online tiles only when
    ``ctx.basemap`` is "osm", "tianditu" (needs ``tianditu_key``) or "amap".
    """
    ctx = ctx or MapContext()
    if bounds is not None:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        if ctx.shift is not None:
            xs, ys = ctx.shift(np.array([minx, maxx]), np.array([miny, maxy]))
            minx, maxx, miny, maxy = float(xs[0]), float(xs[1]), float(ys[0]), float(ys[1])
        location = [(miny + maxy) / 2.0, (minx + maxx) / 2.0]
    else:
        location = [30.26, 120.17]
    m = folium.Map(
        location=location,
        zoom_start=14,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height,
        max_zoom=19,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    js, css = asset_urls(assets)
    m.default_js = js
    m.default_css = css
    # a light background so the vector basemap reads well without tiles
    m.get_root().header.add_child(
        folium.Element(
            "<style>.leaflet-container{background:#f5f3ef;}"
            ".leaflet-popup-content{min-width:220px;font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;}"
            ".sc-pop td{padding:1px 6px 1px 0;vertical-align:top;} .sc-pop th{text-align:left;padding-right:6px;"
            "white-space:nowrap;vertical-align:top;}</style>"
        )
    )
    add_online_tiles(m, ctx, tianditu_key)
    badge = t("demo_label", ctx.lang) if demo else None
    m.add_child(MapSetup(leaflet_images_url(assets), ATTRIBUTION, badge))
    if bounds is not None:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def coverage_map(
    *,
    bounds: Sequence[float],
    features: dict[str, gpd.GeoDataFrame] | None,
    sites: gpd.GeoDataFrame | None,
    stations_extra: gpd.GeoDataFrame | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    circles: gpd.GeoDataFrame | None = None,
    grids: gpd.GeoDataFrame | None = None,
    gaps: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
    minutes: float = 8.0,
    thresholds: Iterable[float] = (5, 8, 10, 15),
    layers: Iterable[str] = ("basemap", "centers", "stations", "isochrones", "grids", "gaps", "communities"),
    ctx: MapContext | None = None,
    tianditu_key: str | None = None,
    demo: bool = False,
    assets: str = "served",
    height: int | str = "100%",
    layer_control: bool = True,
) -> folium.Map:
    """The coverage page's map: basemap, analysis layers and sites, in drawing order.

    ``layer_control=False`` when the caller adds more groups: call :func:`add_layer_control`
    last, as Leaflet's layer control must come after every group it lists.

    ``sites`` holds centers and stations with a ``kind`` column ("center"/"station") and, from a
    coverage run, ``load_pop``; ``stations_extra`` are stations not counted in the run (drawn only).
    """
    ctx = ctx or MapContext()
    layers = set(layers)
    thresholds = sorted(set(float(x) for x in thresholds))
    m = new_map(bounds, ctx=ctx, tianditu_key=tianditu_key, assets=assets, demo=demo, height=height)
    if "basemap" in layers:
        add_local_basemap(m, features, ctx)
    if "grids" in layers and grids is not None:
        add_grids(m, grids, ctx)
    if "isochrones" in layers and isochrones is not None:
        add_isochrones(m, isochrones, thresholds, ctx)
    if "circles" in layers and circles is not None:
        add_circles(m, circles, minutes, ctx)
    if "gaps" in layers and gaps is not None:
        add_gaps(m, gaps, ctx)
    if "communities" in layers and communities is not None:
        add_communities(m, communities, ctx)
    if sites is not None and len(sites):
        kinds = sites["kind"] if "kind" in sites else pd.Series(["center"] * len(sites), index=sites.index)
        if "centers" in layers:
            add_sites(m, sites[kinds == "center"], "center", ctx)
        if "stations" in layers:
            st_sites = sites[kinds == "station"]
            if stations_extra is not None and len(stations_extra):
                st_sites = pd.concat([st_sites, stations_extra.to_crs(sites.crs)], ignore_index=True)
                st_sites = gpd.GeoDataFrame(st_sites, geometry=st_sites.geometry.name, crs=sites.crs)
            add_sites(m, st_sites, "station", ctx)
    elif stations_extra is not None and "stations" in layers:
        add_sites(m, stations_extra, "station", ctx)
    add_legend(m, thresholds, ctx.lang, grids="grids" in layers, gaps="gaps" in layers,
               circles="circles" in layers, proposals=True)
    if layer_control:
        add_layer_control(m)
    return m


def layer_preview_map(
    gdf: gpd.GeoDataFrame, kind: str, *, bounds: Sequence[float], features: dict | None = None,
    ctx: MapContext | None = None, assets: str = "served",
) -> folium.Map:
    """A small map of an uploaded layer over the local basemap, to check positions before use."""
    ctx = ctx or MapContext()
    g = to_wgs84(gdf)
    lb = g.total_bounds
    fit = [min(bounds[0], lb[0]), min(bounds[1], lb[1]), max(bounds[2], lb[2]), max(bounds[3], lb[3])]
    m = new_map(fit, ctx=ctx, assets=assets)
    add_local_basemap(m, features, ctx)
    if len(g) and (g.geom_type == "Point").all():
        site = "station" if kind == "stations" else "center"
        if kind in ("centers", "stations"):
            add_sites(m, g, site, ctx, name=t("kind_" + kind, ctx.lang))
        else:
            fg = folium.FeatureGroup(name=t("kind_" + kind, ctx.lang))
            for y, x in zip(g.geometry.y.round(COORD_DECIMALS), g.geometry.x.round(COORD_DECIMALS)):
                folium.CircleMarker([float(y), float(x)], radius=4, color=PROPOSAL_COLOUR, weight=1,
                                    fill=True, fill_opacity=0.8).add_to(fg)
            fg.add_to(m)
    elif len(g):
        cols = [c for c in ("name",) if c in g.columns]
        folium.GeoJson(
            small_geojson(g, cols, tolerance_m=2.0, shift=ctx.shift),
            style_function=const_style({"color": PROPOSAL_COLOUR, "weight": 1.5, "fillOpacity": 0.15}),
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[t("name", ctx.lang)]) if cols else None,
            name=t("kind_" + kind, ctx.lang),
        ).add_to(m)
    return m


def map_html(m: folium.Map) -> str:
    """The full HTML of a map (what a browser would load)."""
    return m.get_root().render()
