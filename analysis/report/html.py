"""Self-contained HTML report: an interactive Leaflet map plus the report's tables and figures.

One file that opens offline from disk: the vendored Leaflet 1.9.4 (``static/vendor/``) is
inlined verbatim (its CSS without comments, its images as data: URIs), the layers are GeoJSON in
the page, the basemap is drawn from the local OSM data (no tiles). The only web address a reader
can follow is the OSM copyright link in the attribution; Leaflet's own prefix link is switched off.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage import CoverageResult
from analysis.textfit import shorten
from analysis.report.basemap import basemap_layers
from analysis.report.document import ReportContent
from analysis.report.inputs import ReportInputs
from analysis.report.labels import fmt_int, fmt_pct, label
from analysis.report.sections import css, esc, render_body
from analysis.report.mapframe import (
    CENTER_COLOUR, FALLBACK_ISO, GAP_COLOUR, ISO_COLOURS, PROPOSAL_COLOUR, SHARE_BINS, SHARE_COLOURS,
    STATION_COLOUR, dissolved_isochrones, map_extent,
)
from geo.safe_io import atomic_write_path

VENDOR_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor"
LEAFLET_DIR = VENDOR_DIR / "leaflet-1.9.4"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
WGS84 = "EPSG:4326"
SIMPLIFY_M = 4.0          # tolerance for map shapes (metres)
COORD_DECIMALS = 5        # ~1 m


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """(JS, CSS) of the vendored Leaflet: JS verbatim; CSS without comments, images inlined.

    Returns
    -------
    tuple of (str, str)
        The JavaScript (``</script`` escaped) and the CSS.

    Raises
    ------
    geo.errors.ServiceCircleError
        When the vendored Leaflet files are missing.
    """
    js_path, css_path = LEAFLET_DIR / "leaflet.js", LEAFLET_DIR / "leaflet.css"
    if not js_path.exists() or not css_path.exists():
        from geo.errors import ServiceCircleError
        from geo.messages import both

        raise ServiceCircleError(both("error.leaflet_missing", folder=LEAFLET_DIR))
    js = js_path.read_text(encoding="utf-8")
    css_text = re.sub(r"/\*.*?\*/", "", css_path.read_text(encoding="utf-8"), flags=re.S)

    def inline(m: re.Match) -> str:
        img = LEAFLET_DIR / m.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(img.read_bytes()).decode('ascii')})" if img.exists() else "none"

    css_text = re.sub(r"url\((images/[^)]+\.png)\)", inline, css_text)
    return js.replace("</script", "<\\/script"), css_text


def _geojson(gdf: gpd.GeoDataFrame, props: list[str], simplify_m: float = SIMPLIFY_M) -> dict:
    """GeoJSON (WGS-84, rounded coordinates) of ``gdf`` with the ``props`` columns (JSON-safe)."""
    if gdf is None or not len(gdf):
        return {"type": "FeatureCollection", "features": []}
    g = gdf[[*props, gdf.geometry.name]].copy()
    if simplify_m and g.crs is not None and g.crs.is_projected:
        g = g.set_geometry(g.geometry.simplify(simplify_m))
    g = g.to_crs(WGS84)
    g = g.set_geometry(shapely.set_precision(g.geometry.values, 10 ** -COORD_DECIMALS))
    g = g[~g.geometry.is_empty]
    feats = []
    for geom, rec in zip(g.geometry, g[props].to_dict("records")):
        clean = {k: _json_value(v) for k, v in rec.items()}
        feats.append({"type": "Feature", "properties": clean, "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": feats}


def _json_value(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else round(float(v), 4)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if v is None or v is pd.NA:
        return None
    return str(v)


def map_data(result: CoverageResult, content: ReportContent, inputs: ReportInputs | None,
             proposals: gpd.GeoDataFrame | None) -> dict:
    """Every map layer as GeoJSON plus styles and legend texts (in the report's language).

    Parameters
    ----------
    result : CoverageResult
        The coverage run (grids, isochrones, circles, gaps, centers; projected metric CRS).
    content : ReportContent
        The report content (language, demo flag).
    inputs : ReportInputs or None
        Basemap features, network and red stations.
    proposals : GeoDataFrame or None
        Proposed sites.

    Returns
    -------
    dict
        ``layers`` (each with ``key``, ``name``, ``data`` as EPSG:4326 GeoJSON simplified by
        ``SIMPLIFY_M`` metres, ``style``, ``show``), ``attribution``, ``osm_link``, ``demo``.
    """
    lang = content.lang
    inputs = inputs or ReportInputs()
    ext = map_extent(result, margin=0.02)
    base = basemap_layers(inputs, result.crs, ext)
    layers = []

    def add(key, name, gj, style, show=True):
        layers.append({"key": key, "name": name, "data": gj, "style": style, "show": show})

    if "water" in base:
        w = base["water"]
        w = w[w.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        add("water", label("leg_water", lang), _geojson(w.assign(_n=""), ["_n"], 8), {"color": "#aad3df", "fillColor": "#aad3df", "weight": 0, "fillOpacity": 1})
    if "streets" in base:
        add("streets", label("leg_streets", lang), _geojson(base["streets"].assign(_n=""), ["_n"], 3), {"color": "#9e9e9e", "weight": 1, "opacity": 0.9})
    if result.grids is not None and len(result.grids):
        g = result.grids.copy()
        idx = np.clip(np.digitize(g["covered_share"].fillna(0).to_numpy(), SHARE_BINS) - 1, 0, len(SHARE_COLOURS) - 1)
        g["_fill"] = np.array(SHARE_COLOURS)[idx]
        g["_popup"] = [f"{esc(n)}（{esc(c)}）<br>{label('c_population', lang)}: {fmt_int(p)}<br>{label('c_covered_share', lang)}: {fmt_pct(s)}"
                       for n, c, p, s in zip(g.get("name", g["grid_id"]), g["grid_id"], g["population"], g["covered_share"])]
        add("grids", label("map_grids", lang).split("  ")[-1], _geojson(g, ["_fill", "_popup"]), {"color": "#555", "weight": 0.6, "fillOpacity": 0.55}, show=False)
        layers[-1]["legend"] = [[SHARE_COLOURS[i], f"{SHARE_BINS[i] * 100:.0f}–{min(SHARE_BINS[i + 1], 1) * 100:.0f}%"] for i in range(len(SHARE_COLOURS))]
    for _, row in dissolved_isochrones(result).iterrows():
        m = float(row["minutes"])
        colour = ISO_COLOURS.get(m, FALLBACK_ISO)
        gj = _geojson(gpd.GeoDataFrame({"minutes": [m]}, geometry=[row.geometry], crs=result.crs), ["minutes"])
        add(f"iso{m:g}", label("leg_iso", lang, m=m), gj, {"color": colour, "fillColor": colour, "weight": 1, "fillOpacity": 0.35},
            show=m <= result.params.minutes + 1e-9)
    circ = result.circles[np.isclose(result.circles["minutes"], result.params.minutes)]
    add("circles", label("leg_circle", lang, m=result.params.minutes, r=result.params.reach_m()),
        _geojson(circ, ["center_id"], 2), {"color": "#283593", "weight": 1.5, "dashArray": "6 4", "fill": False}, show=False)
    gaps = result.gaps.copy()
    gaps["_popup"] = [f"{esc(gid)} · {esc(shorten(c))}<br>{label('c_population', lang)}: {fmt_int(p)}" for gid, c, p in zip(gaps["gap_id"], gaps["community"], gaps["population"])] if len(gaps) else []
    add("gaps", label("common.coverage_gap", lang), _geojson(gaps, ["_popup"]), {"color": GAP_COLOUR, "fillColor": GAP_COLOUR, "weight": 0.8, "fillOpacity": 0.3})
    if inputs.stations is not None and len(inputs.stations):
        st = inputs.stations.copy()
        st["_popup"] = st["name"].map(lambda n: esc(shorten(n))) if "name" in st else ""
        add("stations", label("common.red_station", lang), _geojson(st, ["_popup"], 0), {"radius": 4, "color": "#000", "weight": 0.6, "fillColor": STATION_COLOUR, "fillOpacity": 1, "point": True})
    c = result.centers.copy()
    c["_popup"] = [f"<b>{esc(shorten(n))}</b> ({esc(shorten(i))})<br>{label('c_load_pop', lang)}: {fmt_int(p)}" for n, i, p in zip(c["name"], c["center_id"], c["load_pop"])]
    add("centers", label("leg_center", lang), _geojson(c, ["_popup"], 0), {"radius": 7, "color": "#000", "weight": 1, "fillColor": CENTER_COLOUR, "fillOpacity": 1, "point": True})
    if proposals is not None and len(proposals):
        p = proposals.copy()
        p = p.set_geometry(p.geometry.representative_point())
        p["_popup"] = p["name"].map(lambda n: esc(shorten(n))) if "name" in p else ""
        add("proposals", label("leg_proposal", lang), _geojson(p, ["_popup"], 0), {"radius": 7, "color": "#fff", "weight": 1.5, "fillColor": PROPOSAL_COLOUR, "fillOpacity": 1, "point": True})
    return {"layers": layers, "attribution": label("common.osm_attribution", lang), "osm_link": OSM_COPYRIGHT,
            "demo": label("demo_note", lang) if content.is_demo else ""}


MAP_JS = """
(function () {
  var D = %(data)s;
  var map = L.map('sc-map', {preferCanvas: true, zoomSnap: 0.25});
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('<a href="' + D.osm_link + '">' + D.attribution + '</a>' + (D.demo ? ' · ' + D.demo : ''));
  L.control.scale({metric: true, imperial: false}).addTo(map);
  var overlays = {}, bounds = null, legend = [];
  D.layers.forEach(function (l) {
    var s = l.style;
    var lay = L.geoJSON(l.data, {
      style: function (f) { var o = Object.assign({}, s); if (f.properties._fill) { o.fillColor = f.properties._fill; } return o; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, s); },
      onEachFeature: function (f, layer) { if (f.properties._popup) { layer.bindPopup(f.properties._popup, {minWidth: 180}); } }
    });
    if (l.show) { lay.addTo(map); }
    if (l.key !== 'water' && l.key !== 'streets') { overlays[l.name] = lay; legend.push(l); }
    if (l.key === 'centers' || l.key === 'gaps') { var b = lay.getBounds(); if (b.isValid()) { bounds = bounds ? bounds.extend(b) : b; } }
  });
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  var lg = L.control({position: 'bottomright'});
  lg.onAdd = function () {
    var div = L.DomUtil.create('div', 'sc-legend');
    legend.forEach(function (l) {
      var c = l.style.fillColor || l.style.color;
      var shape = l.style.point ? 'border-radius:50%%;' : '';
      var border = l.style.fill === false ? 'background:none;border:2px dashed ' + c + ';' : 'background:' + c + ';';
      var sw = 'display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;';
      if (l.legend) {
        div.innerHTML += '<div>' + l.name + '</div>' + l.legend.map(function (e) {
          return '<div style="margin-left:8px"><span style="' + sw + 'background:' + e[0] + '"></span>' + e[1] + '</div>'; }).join('');
        return;
      }
      div.innerHTML += '<div><span style="' + sw + shape + border + '"></span>' + l.name + '</div>';
    });
    return div;
  };
  lg.addTo(map);
  var north = L.control({position: 'topleft'});
  north.onAdd = function () { var d = L.DomUtil.create('div', 'sc-north'); d.innerHTML = '&#8593;<br>%(north)s'; return d; };
  north.addTo(map);
  if (bounds) { map.fitBounds(bounds, {padding: [10, 10]}); } else { map.setView([30.26, 120.17], 14); }
})();
"""

PAGE_CSS = """
body { max-width: 1100px; margin: 16px auto; padding: 0 16px; }
#sc-map { height: 620px; border: 1px solid #bbb; margin: 8px 0 4px 0; background: #fbfaf7; }
.sc-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; font-size: 12px; line-height: 18px; border-radius: 4px; }
.sc-north { background: rgba(255,255,255,0.85); padding: 2px 6px; font-weight: bold; text-align: center; border-radius: 4px; line-height: 1.1; }
.leaflet-container { font-family: inherit; }
figure img { max-width: 900px; }
"""


def report_html(result: CoverageResult, content: ReportContent, figures: dict[str, bytes | None],
                inputs: ReportInputs | None = None, proposals: gpd.GeoDataFrame | None = None) -> str:
    """The whole self-contained page as a string.

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    content : ReportContent
        The report content.
    figures : dict of str to bytes or None
        PNG figures by key.
    inputs : ReportInputs, optional
        Basemap features, network and red stations for the map.
    proposals : GeoDataFrame, optional
        Proposed sites for the map.

    Returns
    -------
    str
        The HTML document (Leaflet inlined, no remote resources).

    Raises
    ------
    geo.errors.ServiceCircleError
        When the vendored Leaflet files are missing.
    """
    js, leaflet_css = leaflet_assets()
    data = json.dumps(map_data(result, content, inputs, proposals), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")
    map_js = MAP_JS % {"data": data, "north": label("north", content.lang)}
    first_map = (f'<div id="sc-map" role="img" aria-label="{esc(label("map_coverage", content.lang))}"></div>'
                 f'<p class="note" style="text-align:center">{esc(label("map_coverage", content.lang))}</p>')
    lang = "zh-CN" if content.lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(content.title)}</title><style>{leaflet_css}</style>"
            f"<style>{css(content, pdf=False)}{PAGE_CSS}</style></head><body>"
            f"{render_body(content, figures, first_map=first_map, pdf=False)}"
            f"<script>{js}</script><script>{map_js}</script></body></html>")


def write_html(result: CoverageResult, content: ReportContent, figures: dict[str, bytes | None], path: str | Path,
               inputs: ReportInputs | None = None, proposals: gpd.GeoDataFrame | None = None) -> Path:
    """Write the HTML report to ``path`` atomically (UTF-8).

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    content : ReportContent
        The report content.
    figures : dict of str to bytes or None
        PNG figures by key.
    path : str or Path
        The HTML file to write.
    inputs : ReportInputs, optional
        Context for the map.
    proposals : GeoDataFrame, optional
        Proposed sites for the map.

    Returns
    -------
    Path
        ``path``.
    """
    text = report_html(result, content, figures, inputs, proposals)
    with atomic_write_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
