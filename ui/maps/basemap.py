"""The basemap: the local OSM layers drawn as light vector layers (default, offline), or online
tiles when the planner picks them (OpenStreetMap, 天地图 with a key, Amap in GCJ-02)."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from ui.i18n import t
from ui.maps.context import MapContext
from ui.maps.geojson import metric_crs_for, small_geojson
from ui.maps.style import const_style

ATTRIBUTION = "© OpenStreetMap contributors"

ONLINE_BASEMAPS = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": ATTRIBUTION,
        "max_zoom": 19,
    },
    "tianditu": {
        "tiles": (
            "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
        ),
        "labels": (
            "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
        ),
        "subdomains": "01234567",
        "attr": "© 天地图 Tianditu",
        "max_zoom": 18,
    },
    "amap": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "subdomains": "1234",
        "attr": "© 高德地图 AutoNavi",
        "max_zoom": 18,
    },
}

BASEMAP_STYLES = {
    # layer key -> (style, simplify tolerance in m)
    "water": ({"color": "#8fbce0", "weight": 1.2, "fillColor": "#c6dbef", "fillOpacity": 0.9}, 3.0),
    "green": ({"color": "#a1d99b", "weight": 0.3, "fillColor": "#d9f0d3", "fillOpacity": 0.8}, 3.0),
    "buildings": ({"color": "#c4c0b8", "weight": 0.3, "fillColor": "#dedcd8", "fillOpacity": 0.8}, 1.5),
    "streets": ({"color": "#ffffff", "weight": 2.2, "opacity": 1.0}, 2.0),
}
_STREET_CASING = {"color": "#c8c4bc", "weight": 3.6, "opacity": 1.0}
MIN_BUILDING_M2 = 25.0  # sheds and kiosks are left out of the basemap (size of the page)


def add_online_tiles(m: folium.Map, ctx: MapContext, tianditu_key: str | None) -> None:
    """Tiles of ``ctx.basemap`` (nothing for the local basemap; 天地图 only with a key)."""
    if ctx.basemap == "local":
        return
    spec = ONLINE_BASEMAPS.get(ctx.basemap)
    if spec is None:
        raise ValueError(f"unknown basemap {ctx.basemap!r}")
    if ctx.basemap == "tianditu":
        if not tianditu_key:
            return  # the page says a key is needed; the local basemap stays
        for k in ("tiles", "labels"):
            folium.TileLayer(
                tiles=spec[k].replace("{key}", tianditu_key), attr=spec["attr"], subdomains=spec["subdomains"],
                max_zoom=spec["max_zoom"], name=t("basemap_tianditu", ctx.lang) + ("" if k == "tiles" else " 注记"),
                control=False, overlay=k == "labels",
            ).add_to(m)
        return
    kw = {"subdomains": spec["subdomains"]} if "subdomains" in spec else {}
    folium.TileLayer(
        tiles=spec["tiles"], attr=spec["attr"], max_zoom=spec["max_zoom"],
        name=t("basemap_" + ctx.basemap, ctx.lang), control=False, **kw,
    ).add_to(m)


def basemap_geojson(gdf: gpd.GeoDataFrame, key: str, ctx: MapContext | None = None) -> dict:
    """One basemap layer as very few features (one per geometry kind): no per-feature overhead."""
    ctx = ctx or MapContext()

    def build() -> dict:
        g = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
        if len(g) == 0:
            return {"type": "FeatureCollection", "features": []}
        metric = g.to_crs(metric_crs_for(g)) if not g.crs.is_projected else g
        geoms = np.asarray(metric.geometry.values)
        if key == "buildings":
            geoms = geoms[shapely.area(geoms) >= MIN_BUILDING_M2]
        geoms = shapely.simplify(geoms, BASEMAP_STYLES[key][1], preserve_topology=True)
        polys = shapely.get_parts(geoms[np.isin(shapely.get_type_id(geoms), (3, 6))])
        lines = shapely.get_parts(geoms[np.isin(shapely.get_type_id(geoms), (1, 2, 5))])
        parts = []
        if len(polys):
            parts.append(shapely.multipolygons(polys))
        if len(lines):
            parts.append(shapely.multilinestrings(lines))
        merged = gpd.GeoDataFrame({"kind": ["area", "line"][: len(parts)] if len(polys) else ["line"]},
                                  geometry=parts, crs=metric.crs)
        return small_geojson(merged, ["kind"], shift=ctx.shift)

    return ctx.cached(gdf, ("basemap", key, ctx.shift_key), build)


def add_local_basemap(m, features: dict[str, gpd.GeoDataFrame] | None, ctx: MapContext | None = None):
    """Draw streets, water, green and buildings from local OSM data as one light, non-interactive layer.

    ``features`` maps "streets"/"water"/"green"/"buildings" to GeoDataFrames (missing keys are
    skipped). The whole basemap is a single FeatureGroup shown below everything else.
    """
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_basemap", ctx.lang), show=True, control=True)
    features = features or {}
    for key in ("water", "green", "buildings", "streets"):
        gdf = features.get(key)
        if gdf is None or len(gdf) == 0:
            continue
        style, _tol = BASEMAP_STYLES[key]
        data = basemap_geojson(gdf, key, ctx)
        if key == "streets":
            folium.GeoJson(data, style_function=const_style(_STREET_CASING), interactive=False,
                           name=t("layer_streets", ctx.lang) + " casing", control=False).add_to(fg)
        folium.GeoJson(data, style_function=const_style(style), interactive=False,
                       name=t("layer_" + key, ctx.lang), control=False).add_to(fg)
    fg.add_to(m)
    return fg
