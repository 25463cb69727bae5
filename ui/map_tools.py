"""The map a planner works in (issue 14): view kept across reruns, a selected gap highlighted,
an offline place search, a fullscreen control and a PNG export of the current view.

Every script and stylesheet is served by the app itself from ``static/vendor/`` (pinned npm
packages with their licences, see static/vendor/README.md); nothing is loaded from the internet.

* :class:`KeepView` — the map remembers its centre and zoom in the browser tab's
  ``sessionStorage`` on every move and restores them when a sidebar change rebuilds the map
  (no Streamlit rerun per pan); a "⌂" control goes back to the whole study area. When a gap is
  selected in the table, the map zooms to it once and outlines it.
* :func:`add_search` — leaflet-search over place names (streets and compounds from the OSM file,
  grids, communities, centers, gap units).
* :func:`add_fullscreen`, :func:`add_print` — leaflet.fullscreen and leaflet-easyprint (PNG of
  the current view, downloaded by the browser).
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, Search
from jinja2 import Template

from ui.i18n import t

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
STATIC_URL = "/app/static/vendor"
FULLSCREEN = ("leaflet.fullscreen-3.0.0/Control.FullScreen.js", "leaflet.fullscreen-3.0.0/Control.FullScreen.css")
SEARCH = ("leaflet-search-2.9.7/dist/leaflet-search.min.js", "leaflet-search-2.9.7/dist/leaflet-search.min.css")
EASYPRINT = "leaflet-easyprint-2.1.9/bundle.js"
HIGHLIGHT_COLOUR = "#00e5ff"


@lru_cache(maxsize=16)
def _data_uri(rel: str, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode((VENDOR_DIR / rel).read_bytes()).decode('ascii')}"


def asset(rel: str, mode: str = "served") -> str:
    """URL of a vendored file: on the app's server, or a data: URI for standalone HTML."""
    if mode == "served":
        return f"{STATIC_URL}/{rel}"
    mime = "text/css" if rel.endswith(".css") else "text/javascript"
    return _data_uri(rel, mime)


class KeepView(MacroElement):
    """Restore the tab's last view of this map (sessionStorage ``key``); outline and zoom to a selected gap."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var map = {{ this._parent.get_name() }};
          // a rerun can leave the previous map frame alive, hidden (zero width), and a new frame may
          // start before it has its size: only a map with a real size saves a view or fits a gap
          function big() { var z = map.getSize(); return z.x >= 50 && z.y >= 50; }
          var key = {{ this.key|tojson }};
          var home = {{ this.home|tojson }};
          var store = null;
          try { store = window.sessionStorage; } catch (e) { store = null; }
          var t0 = Date.now(), SETTLE_MS = 1500;
          function saveNow() {
            if (!store || !big()) return;
            var c = map.getCenter();
            store.setItem(key, JSON.stringify({lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
          }
          // the component may still set its own first view just after this script: while the map
          // settles, moves are not saved and the wanted view is applied again
          function save() { if (!want || Date.now() - t0 >= SETTLE_MS) saveNow(); }
          var sel = {{ this.selected|tojson }};
          var selKey = key + ':selected';
          var restored = false, v = null, want = null;
          if (store) {
            v = store.getItem(key);
            if (v) { try { v = JSON.parse(v); restored = true; } catch (e) { v = null; } }
          }
          if (v) want = function() { if (big()) map.setView([v.lat, v.lng], v.zoom, {animate: false}); };
          if (sel && sel.bounds) {
            var hl = L.geoJSON(sel.geojson, {style: {color: {{ this.colour|tojson }}, weight: 4, fill: false},
                                             interactive: false}).addTo(map);
            window.scSelectedGap = hl;
            if (!store || store.getItem(selKey) !== sel.id) {
              want = function() {
                if (!big()) return;
                map.fitBounds(sel.bounds, {maxZoom: 17, padding: [30, 30], animate: false});
                saveNow();
                if (store) store.setItem(selKey, sel.id);
              };
            }
          } else if (store) {
            store.removeItem(selKey);
          }
          if (want) {
            if (v) map.setView([v.lat, v.lng], v.zoom, {animate: false});
            want();
            map.once('resize', want);
            setTimeout(want, 500);
            setTimeout(want, SETTLE_MS - 100);
          }
          map.on('moveend', save);
          var ctl = L.control({position: 'topleft'});
          ctl.onAdd = function() {
            var a = L.DomUtil.create('a', 'leaflet-bar sc-home');
            a.href = '#'; a.title = {{ this.home_title|tojson }}; a.innerHTML = '&#8962;';
            a.style.cssText = 'display:block;width:30px;height:30px;line-height:30px;text-align:center;' +
              'background:#fff;font-size:18px;color:#333;text-decoration:none;';
            L.DomEvent.on(a, 'click', function(e) { L.DomEvent.stop(e); map.fitBounds(home); });
            return a;
          };
          ctl.addTo(map);
          window.scViewRestored = restored;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, key: str, home: list, home_title: str, selected: dict | None = None):
        super().__init__()
        self._name = "KeepView"
        self.key = key
        self.home = home
        self.home_title = home_title
        self.selected = selected
        self.colour = HIGHLIGHT_COLOUR


class GridPopup(MacroElement):
    """Click anywhere in a grid (also under isochrones or gaps): a popup with that grid's figures.

    The grid is found by a point-in-polygon test on the grid layer's own features, so layers
    drawn above the grids (isochrones, gaps) do not hide it; site markers keep their own popups.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var map = {{ this._parent.get_name() }};
          var fields = {{ this.fields|tojson }}, labels = {{ this.labels|tojson }};
          function inRing(pt, ring) {
            var x = pt.lng, y = pt.lat, inside = false;
            for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
              var xi = ring[i].lng, yi = ring[i].lat, xj = ring[j].lng, yj = ring[j].lat;
              if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) inside = !inside;
            }
            return inside;
          }
          function inPolygon(pt, rings) {  // [outer, hole, ...]
            if (!rings.length || !inRing(pt, rings[0])) return false;
            for (var k = 1; k < rings.length; k++) if (inRing(pt, rings[k])) return false;
            return true;
          }
          function contains(layer, pt) {
            if (!layer.getBounds || !layer.getBounds().contains(pt)) return false;
            var ll = layer.getLatLngs();
            if (ll.length && ll[0].length && ll[0][0] && ll[0][0].lat !== undefined) return inPolygon(pt, ll);
            for (var p = 0; p < ll.length; p++) if (inPolygon(pt, ll[p])) return true;  // multipolygon
            return false;
          }
          function esc(v) { return String(v).replace(/[&<>"]/g, function(c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
          function fmt(v) {
            if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '—';
            if (typeof v === 'number') return v.toLocaleString('zh-CN', {maximumFractionDigits: 1});
            return esc(v);
          }
          map.on('click', function(e) {
            var hit = null, grids = {{ this.layer.get_name() }};  // defined later in the page's script
            if (!grids) return;
            grids.eachLayer(function(l) { if (!hit && l.feature && contains(l, e.latlng)) hit = l; });
            if (!hit) return;
            var p = hit.feature.properties, rows = '';
            for (var i = 0; i < fields.length; i++)
              rows += '<tr><th>' + esc(labels[i]) + '</th><td>' + fmt(p[fields[i]]) + '</td></tr>';
            L.popup({maxWidth: 360, minWidth: 240, className: 'sc-grid-popup'})
              .setLatLng(e.latlng).setContent('<table class="sc-pop">' + rows + '</table>').openOn(map);
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layer, fields: list[str], labels: list[str]):
        super().__init__()
        self._name = "GridPopup"
        self.layer = layer
        self.fields = list(fields)
        self.labels = list(labels)


def selected_gap(gaps: gpd.GeoDataFrame | None, gap_id: str | None) -> dict | None:
    """The selected gap as {id, bounds [[lat, lng], [lat, lng]], geojson} in WGS-84, or None."""
    if gaps is None or not len(gaps) or not gap_id:
        return None
    row = gaps[gaps["gap_id"] == gap_id]
    if row.empty:
        return None
    g = row.to_crs(4326)
    minx, miny, maxx, maxy = (float(v) for v in g.total_bounds)
    geom = shapely.simplify(g.geometry.iloc[0], 1e-6)
    return {"id": str(gap_id), "bounds": [[miny, minx], [maxy, maxx]], "geojson": shapely.geometry.mapping(geom)}


def keep_view(m: folium.Map, bounds, lang: str, *, key: str = "sc_view:coverage",
              gaps: gpd.GeoDataFrame | None = None, gap_id: str | None = None) -> KeepView:
    """Add :class:`KeepView` to ``m`` (``bounds``: minlon, minlat, maxlon, maxlat of the study area)."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    kv = KeepView(key, [[miny, minx], [maxy, maxx]], t("map_home", lang), selected_gap(gaps, gap_id))
    m.add_child(kv)
    return kv


def add_fullscreen(m: folium.Map, lang: str, mode: str = "served") -> Fullscreen:
    """A fullscreen button (leaflet.fullscreen, served locally)."""
    fs = Fullscreen(position="topleft", title=t("map_fullscreen", lang), title_cancel=t("map_fullscreen_exit", lang))
    fs.default_js = [("Control.FullScreen.js", asset(FULLSCREEN[0], mode))]
    fs.default_css = [("Control.FullScreen.css", asset(FULLSCREEN[1], mode))]
    m.add_child(fs)
    return fs


class EasyPrint(JSCSSMixin, MacroElement):
    """PNG export of the current view (leaflet-easyprint, ``exportOnly``: the browser downloads it)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (L.easyPrint) {
          L.easyPrint({title: {{ this.title|tojson }}, position: 'topleft', exportOnly: true,
                       filename: {{ this.filename|tojson }}, hideControlContainer: false,
                       sizeModes: ['Current']}).addTo({{ this._parent.get_name() }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, title: str, filename: str, mode: str = "served"):
        super().__init__()
        self._name = "EasyPrint"
        self.title = title
        self.filename = filename
        self.default_js = [("leaflet-easyprint.js", asset(EASYPRINT, mode))]
        self.default_css = []


def add_print(m: folium.Map, lang: str, mode: str = "served") -> EasyPrint:
    """The PNG export button."""
    ep = EasyPrint(t("map_export_png", lang), "servicecircle_map", mode)
    m.add_child(ep)
    return ep


def place_names(features: dict | None, layers: dict[str, gpd.GeoDataFrame | None]) -> gpd.GeoDataFrame:
    """Searchable places (WGS-84 points with ``name`` and ``kind``): OSM streets and named compounds,
    and the names in the layers given (grids, communities, compounds, centers, gaps)."""
    parts = []
    feats = features or {}
    streets = feats.get("streets")
    if streets is not None and "name" in streets and len(streets):
        s = streets[streets["name"].fillna("").astype(str).str.strip() != ""]
        if len(s):
            s = s.to_crs(4326)
            pts = s.groupby(s["name"].astype(str)).geometry.apply(
                lambda g: shapely.line_interpolate_point(shapely.line_merge(shapely.union_all(g.values)), 0.5, normalized=True)
                if shapely.get_type_id(shapely.line_merge(shapely.union_all(g.values))) == 1
                else shapely.point_on_surface(shapely.union_all(g.values)))
            parts.append(pd.DataFrame({"name": pts.index, "kind": "street", "geometry": pts.to_numpy()}))
    for key in ("landuse", "buildings"):
        lu = feats.get(key)
        if lu is not None and "name" in lu and len(lu):
            named = lu[lu["name"].fillna("").astype(str).str.strip() != ""].to_crs(4326)
            if len(named):
                parts.append(pd.DataFrame({"name": named["name"].astype(str).to_numpy(), "kind": "compound",
                                           "geometry": shapely.point_on_surface(np.asarray(named.geometry.values))}))
    for kind, g in layers.items():
        if g is None or not len(g):
            continue
        col = "gap_id" if kind == "gaps" else ("name" if "name" in g else None)
        if col is None:
            continue
        w = g.to_crs(4326)
        names = w[col].astype(str)
        if kind == "gaps" and "name" in w:
            names = names + " " + w["name"].astype(str)
        parts.append(pd.DataFrame({"name": names.to_numpy(), "kind": kind,
                                   "geometry": shapely.point_on_surface(np.asarray(w.geometry.values))}))
    if not parts:
        return gpd.GeoDataFrame({"name": [], "kind": []}, geometry=[], crs=4326)
    df = pd.concat(parts, ignore_index=True).drop_duplicates(subset=["name", "kind"])
    return gpd.GeoDataFrame(df, geometry="geometry", crs=4326)


def add_search(m: folium.Map, places: gpd.GeoDataFrame, lang: str, mode: str = "served") -> Search | None:
    """leaflet-search over ``places`` (invisible point layer; zooms to the place found)."""
    if places is None or not len(places):
        return None
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n, "kind": k},
         "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]}}
        for n, k, p in zip(places["name"], places["kind"], places.geometry)]}
    layer = folium.GeoJson(data, name="places", control=False, show=True,
                           marker=folium.CircleMarker(radius=1, opacity=0, fill_opacity=0, interactive=False))
    layer.add_to(m)
    s = Search(layer=layer, search_label="name", geom_type="Point", search_zoom=17, position="topleft",
               placeholder=t("map_search", lang), collapsed=True)
    s.default_js = [("Leaflet.Search.js", asset(SEARCH[0], mode))]
    s.default_css = [("Leaflet.Search.css", asset(SEARCH[1], mode))]
    m.add_child(s)
    return s
