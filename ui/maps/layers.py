"""The analysis layers on a map, each an ``add_*`` function taking a GeoDataFrame in any CRS:
service sites (one GeoJSON layer carrying popups and SVG icons), isochrones, straight-line
circles, grids by covered share, gaps, communities, candidate sites and proposed sites."""

from __future__ import annotations

from typing import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.utilities import JsCode

from analysis.textfit import shorten
from ui.fmt import number
from ui.i18n import t
from ui.maps.context import MapContext
from ui.maps.geojson import COORD_DECIMALS, small_geojson, to_wgs84
from ui.maps.popups import DEMO_SITE_COLS, NAME_COLS, first_value, is_true, site_icon_svg, site_popup_html
from ui.maps.style import GAP_COLOUR, PROPOSAL_COLOUR, const_style, iso_colour, share_colour

def sites_geojson(sites: gpd.GeoDataFrame, kind: str, ctx: MapContext | None = None, proposed: bool = False) -> dict:
    """Sites as GeoJSON points carrying their popup HTML, label and SVG icon (one Leaflet layer)."""
    ctx = ctx or MapContext()
    pts = to_wgs84(sites)
    xs, ys = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    if ctx.shift is not None:
        xs, ys = ctx.shift(xs, ys)
    feats = []
    for i, ((_, row), x, y) in enumerate(zip(pts.iterrows(), xs, ys)):
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        demo_site = is_true(first_value(row, DEMO_SITE_COLS, False))
        feats.append({
            "type": "Feature", "id": i,
            "properties": {
                "popup": site_popup_html(row, kind, ctx.lang),
                "label": shorten(first_value(row, NAME_COLS, "")),
                "icon": site_icon_svg(kind, demo_site, proposed),
            },
            "geometry": {"type": "Point", "coordinates": [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]},
        })
    return {"type": "FeatureCollection", "features": feats}


_SITE_EACH = """function(feature, layer) {
    layer.bindPopup(feature.properties.popup, {maxWidth: 340, minWidth: 220});
    if (feature.properties.label) { layer.bindTooltip(feature.properties.label); }
}"""


def add_sites(
    m: folium.Map | folium.FeatureGroup,
    sites: gpd.GeoDataFrame,
    kind: str,
    ctx: MapContext | None = None,
    *,
    name: str | None = None,
    proposed: bool = False,
) -> folium.FeatureGroup:
    """A FeatureGroup of centers (kind="center") or red stations ("station") with SVG icons and popups.

    One GeoJSON layer for all sites (each icon and popup travels in the feature's properties)
    instead of one Marker+Icon+Popup element per site: the page builds several times faster.
    """
    ctx = ctx or MapContext()
    layer_key = "layer_proposals" if proposed else ("layer_centers" if kind == "center" else "layer_stations")
    fg = folium.FeatureGroup(name=name or t(layer_key, ctx.lang), show=True)
    if sites is not None and len(sites):
        data = sites_geojson(sites, kind, ctx, proposed)
        cls = "sc-site sc-proposed" if proposed else "sc-site"
        folium.GeoJson(
            data,
            marker=folium.Marker(icon=folium.DivIcon(html="", icon_size=(22, 22), icon_anchor=(11, 11), class_name=cls)),
            style_function=lambda f: {"html": f["properties"]["icon"]},
            on_each_feature=JsCode(_SITE_EACH),
            name=name or t(layer_key, ctx.lang), control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def add_isochrones(
    m, isochrones: gpd.GeoDataFrame, thresholds: Iterable[float], ctx: MapContext | None = None,
    *, name: str | None = None, dissolve: bool = True, colour: str | None = None,
) -> folium.FeatureGroup:
    """Walking isochrones at ``thresholds`` (largest drawn first), merged per threshold, colour ramp."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=name or t("layer_isochrones", ctx.lang), show=True)
    if isochrones is not None and len(isochrones):
        for mins in sorted(set(float(x) for x in thresholds), reverse=True):

            def build(mins=mins):
                part = isochrones[np.isclose(isochrones["minutes"].astype(float), mins)]
                if len(part) == 0:
                    return None
                if dissolve:
                    geom = shapely.union_all(part.geometry.values)
                    part = gpd.GeoDataFrame({"minutes": [mins]}, geometry=[geom], crs=isochrones.crs)
                return small_geojson(part, ["minutes"], tolerance_m=8.0, shift=ctx.shift)

            data = ctx.cached(isochrones, ("iso", mins, dissolve, ctx.shift_key), build)
            if data is None:
                continue
            c = colour or iso_colour(mins)
            folium.GeoJson(
                data,
                style_function=const_style({"color": c, "weight": 1.2, "fillColor": c, "fillOpacity": 0.22}),
                tooltip=t("minutes_short", ctx.lang, m=number(mins)),
                name=t("minutes_short", ctx.lang, m=number(mins)), control=False,
            ).add_to(fg)
    fg.add_to(m)
    return fg


def add_circles(m, circles: gpd.GeoDataFrame, minutes: float, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Straight-line circles (dashed outlines) at the chosen threshold, for comparison."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_circles", ctx.lang), show=False)
    if circles is not None and len(circles):
        part = circles
        if "minutes" in circles.columns:
            part = circles[np.isclose(circles["minutes"].astype(float), float(minutes))]
        folium.GeoJson(
            ctx.cached(circles, ("circles", float(minutes), ctx.shift_key),
                       lambda: small_geojson(part, ["center_id", "radius_m"], tolerance_m=5.0, shift=ctx.shift)),
            style_function=const_style({"color": "#5e35b1", "weight": 1.5, "dashArray": "6 4", "fill": False}),
            interactive=False, control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def add_grids(m, grids: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Grids (网格) coloured by covered share, with a tooltip of population and share."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_grids", ctx.lang), show=True)
    if grids is not None and len(grids):
        g = _whole_numbers(grids.copy(), ("population", "uncovered_pop"))
        g["share_pct"] = (g["covered_share"].astype(float) * 100).round(1) if "covered_share" in g else np.nan
        labels = {"name": t("grid", ctx.lang), "grid_id": "ID", "community": t("community", ctx.lang),
                  "population": t("population", ctx.lang), "uncovered_pop": t("uncovered_pop", ctx.lang),
                  "share_pct": t("covered_share", ctx.lang) + " %"}
        pcols, pdata = grid_popup_data(grids, ctx)
        layer = _tooltip_polygons(
            fg, grids, g, "grids", ("name", "grid_id", "community", "population", "uncovered_pop", "share_pct"),
            labels, ctx, data=pdata if pcols else None,
            style=lambda f: {
                "color": "#616161", "weight": 0.6, "fillOpacity": 0.35,
                "fillColor": share_colour((f["properties"].get("share_pct") or float("nan")) / 100.0
                                          if f["properties"].get("share_pct") is not None else None),
            },
        )
        if pcols:  # click anywhere in a grid, even under isochrones or gaps: its figures (issue 14)
            from ui.map_tools import GridPopup

            m.add_child(GridPopup(layer, pcols, [t("grid_popup_" + c, ctx.lang) for c in pcols]))
    fg.add_to(m)
    return fg


def _whole_numbers(g: gpd.GeoDataFrame, cols: tuple[str, ...]) -> gpd.GeoDataFrame:
    """``cols`` that ``g`` has, rounded to whole numbers (people are whole persons), in place."""
    for c in cols:
        if c in g:
            g[c] = g[c].astype(float).round(0)
    return g


def _tooltip_polygons(fg: folium.FeatureGroup, source: gpd.GeoDataFrame, table: gpd.GeoDataFrame, key: str,
                      fields: tuple[str, ...], labels: dict[str, str], ctx: MapContext, *, style,
                      data: dict | None = None) -> folium.GeoJson:
    """Polygons of ``table`` added to ``fg`` with a tooltip of those ``fields`` it has.

    The GeoJSON (simplified to 3 m, only the tooltip's fields) is cached with ``source`` under
    ``key``; ``data`` replaces it when the layer carries more properties (the grids' popup).
    """
    cols = [c for c in fields if c in table]
    if data is None:
        data = ctx.cached(source, (key, ctx.shift_key),
                          lambda: small_geojson(table, cols, tolerance_m=3.0, shift=ctx.shift))
    return folium.GeoJson(
        data,
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[labels[c] for c in cols], localize=True),
        control=False,
    ).add_to(fg)


GRID_POPUP_FIELDS = ("name", "population", "households", "share_pct", "uncovered_pop", "median_min", "nearest_center_name")


def grid_popup_data(grids: gpd.GeoDataFrame, ctx: MapContext) -> tuple[list[str], dict | None]:
    """A grid's figures for its click popup (issue 14): residents, households, covered share,
    uncovered residents, median walk, nearest center; people as whole persons."""
    if grids is None or not len(grids) or "population" not in grids:
        return [], None
    g = _whole_numbers(grids.copy(), ("population", "uncovered_pop", "households"))
    g["share_pct"] = (g["covered_share"].astype(float) * 100).round(1) if "covered_share" in g else np.nan
    if "median_min" in g:
        g["median_min"] = g["median_min"].astype(float).replace([np.inf, -np.inf], np.nan).round(1)
    cols = [c for c in GRID_POPUP_FIELDS if c in g]
    extra = [c for c in ("grid_id", "community") if c in g and c not in cols]
    data = ctx.cached(grids, ("grid_popup", ctx.shift_key),
                      lambda: small_geojson(g, cols + extra, tolerance_m=3.0, shift=ctx.shift))
    return cols, data


def add_gaps(m, gaps: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Coverage gaps highlighted in red, tooltip with the population living there."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_gaps", ctx.lang), show=True)
    if gaps is not None and len(gaps):
        g = gaps.copy()
        g["population"] = g["population"].astype(float).round(0) if "population" in g else np.nan
        g["area_ha"] = (g["area_m2"].astype(float) / 1e4).round(2) if "area_m2" in g else np.nan
        labels = {"gap_id": t("common.coverage_gap", ctx.lang), "name": t("name", ctx.lang), "grid_name": t("grid", ctx.lang),
                  "community": t("community", ctx.lang),
                  "population": t("population", ctx.lang), "area_ha": t("area_ha", ctx.lang)}
        _tooltip_polygons(fg, gaps, g, "gaps", ("gap_id", "name", "community", "grid_name", "population", "area_ha"),
                          labels, ctx, style=const_style({"color": GAP_COLOUR, "weight": 1.2, "fillColor": GAP_COLOUR,
                                                          "fillOpacity": 0.3}))
    fg.add_to(m)
    return fg


def add_communities(m, communities: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Community outlines (no fill) with the name as tooltip."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_communities", ctx.lang), show=True)
    if communities is not None and len(communities):
        cols = [c for c in ("name", "community") if c in communities.columns][:1]
        folium.GeoJson(
            ctx.cached(communities, ("communities", ctx.shift_key),
                       lambda: small_geojson(communities, cols, tolerance_m=3.0, shift=ctx.shift)),
            style_function=const_style({"color": "#37474f", "weight": 2.0, "dashArray": "8 4", "fill": False}),
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[t("community", ctx.lang)]) if cols else None,
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def add_candidates(m, candidates: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Candidate sites as small dots: available grey, excluded pale (status from the siting run)."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("candidates_src", ctx.lang), show=True)
    if candidates is not None and len(candidates):
        c = candidates.copy()
        c["geometry"] = c.geometry.representative_point()
        status = c["status"].astype(str) if "status" in c else pd.Series("available", index=c.index)
        c = c.assign(status=status.where(~status.str.startswith("excluded"), "excluded"))
        c = c[c["status"] != "chosen"]
        cols = [x for x in ("name", "status") if x in c.columns]
        folium.GeoJson(
            small_geojson(c, cols, shift=ctx.shift),
            marker=folium.CircleMarker(radius=3, weight=1, fill=True),
            style_function=lambda f: ({"color": "#757575", "fillColor": "#9e9e9e", "fillOpacity": 0.9}
                                      if f["properties"].get("status") != "excluded"
                                      else {"color": "#bdbdbd", "fillColor": "#eeeeee", "fillOpacity": 0.6}),
            tooltip=folium.GeoJsonTooltip(fields=cols[:1], labels=False) if cols[:1] else None,
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def proposals_group(
    proposals: gpd.GeoDataFrame, isochrones: gpd.GeoDataFrame | None, minutes: float, ctx: MapContext | None = None
) -> folium.FeatureGroup:
    """Proposed sites (blue, dashed) and their isochrones at ``minutes``, as one group for
    ``st_folium(feature_group_to_add=...)`` so the base map is not rebuilt when they change."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_proposals", ctx.lang), show=True)
    if isochrones is not None and len(isochrones) and proposals is not None and len(proposals):
        iso = isochrones[isochrones["center_id"].isin(set(proposals["center_id"]))]
        if "minutes" in iso:
            iso = iso[np.isclose(iso["minutes"].astype(float), float(minutes))]
        if len(iso):
            folium.GeoJson(
                small_geojson(iso, ["center_id", "minutes"], tolerance_m=8.0, shift=ctx.shift),
                style_function=const_style({"color": PROPOSAL_COLOUR, "weight": 2, "dashArray": "5 3",
                                             "fillColor": PROPOSAL_COLOUR, "fillOpacity": 0.18}),
                name=t("layer_proposal_iso", ctx.lang), control=False, interactive=False,
            ).add_to(fg)
    if proposals is not None and len(proposals):
        for kind in ("center", "station"):
            part = proposals[proposals["kind"].astype(str) == kind] if "kind" in proposals else proposals
            if len(part):
                add_sites(fg, part, kind, ctx, proposed=True)
    return fg
