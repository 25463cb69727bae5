"""Folium maps that work with no internet at all.

Everything the browser needs is served by the app itself (``static/vendor/``: pinned Leaflet
1.9.4 and jQuery 3.7.1 with their licences), the basemap is drawn from the local OSM data as
light vector layers, and online tile basemaps are an explicit option (off by default).

No ``folium.Icon`` (it needs Bootstrap / Font Awesome from CDNs) and no branca colormaps (d3
from a CDN): markers are SVG ``DivIcon``s and legends are small HTML controls written here.

Every ``add_*`` function takes GeoDataFrames in any CRS (converted to WGS-84 here), keeps the
GeoJSON small (simplified in metres, coordinates rounded to ~1 m) and can be tested on its own:
``m.get_root().render()`` gives the HTML.
"""

from __future__ import annotations

import base64
import html
import json
import math
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from analysis.textfit import shorten
from ui.i18n import t

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_URL = "/app/static"  # where Streamlit serves ./static (server.enableStaticServing)

LEAFLET_DIR = "leaflet-1.9.4"
JQUERY_DIR = "jquery-3.7.1"
_JS = (("leaflet", f"{LEAFLET_DIR}/leaflet.js"), ("jquery", f"{JQUERY_DIR}/jquery.min.js"))
_CSS = (("leaflet_css", f"{LEAFLET_DIR}/leaflet.css"),)

ATTRIBUTION = "© OpenStreetMap contributors"
WGS84 = "EPSG:4326"
COORD_DECIMALS = 5  # ~1 m at Hangzhou's latitude

# Walking-time ramp (minutes -> colour), short walks green, long walks orange/red.
ISO_COLOURS = {5: "#1a9850", 8: "#66bd63", 10: "#fdae61", 15: "#f46d43"}
SHARE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
SHARE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
GAP_COLOUR = "#b2182b"
CENTER_COLOUR = "#c62828"
STATION_COLOUR = "#e53935"
PROPOSAL_COLOUR = "#1565c0"
DEMO_RING = "#f9a825"


# --------------------------------------------------------------------------- assets


def asset_urls(mode: str = "served") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) for a map.

    ``"served"`` -> absolute paths on the app's own server (``/app/static/vendor/...``; the
    st_folium iframe is same-origin, so these resolve to 127.0.0.1). ``"inline"`` -> data: URIs
    embedding the files, for a standalone HTML file opened from disk with no server.
    """
    if mode == "served":
        js = [(n, f"{STATIC_URL}/vendor/{p}") for n, p in _JS]
        css = [(n, f"{STATIC_URL}/vendor/{p}") for n, p in _CSS]
    elif mode == "inline":
        js = [(n, _data_uri(p, "text/javascript")) for n, p in _JS]
        css = [(n, _data_uri(p, "text/css")) for n, p in _CSS]
    else:
        raise ValueError(f"asset mode must be 'served' or 'inline', not {mode!r}")
    return js, css


@lru_cache(maxsize=8)
def _data_uri(rel: str, mime: str) -> str:
    data = (VENDOR_DIR / rel).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _leaflet_images_url(mode: str) -> str:
    if mode == "served":
        return f"{STATIC_URL}/vendor/{LEAFLET_DIR}/images/"
    # inline maps never use Leaflet's default image markers; a relative path is harmless
    return "images/"


class _MapSetup(MacroElement):
    """Runs once after the map exists: attribution, marker image path, demo badge, click cursor."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
        {%- if this.badge %}
        (function(){
          var badge = L.control({position: 'topright'});
          badge.onAdd = function() {
            var d = L.DomUtil.create('div', 'sc-demo-badge');
            d.innerHTML = {{ this.badge|tojson }};
            d.style.cssText = 'background:#fff3e0;border:1px solid #ef6c00;color:#e65100;padding:3px 8px;' +
              'border-radius:4px;font:bold 13px/1.4 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;';
            return d;
          };
          badge.addTo({{ this._parent.get_name() }});
        })();
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, attribution: str, badge: str | None):
        super().__init__()
        self._name = "MapSetup"
        self.image_path = image_path
        self.attribution = attribution
        self.badge = badge


class HtmlControl(MacroElement):
    """A Leaflet control holding fixed HTML (legends). No external scripts."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function() {
            var d = L.DomUtil.create('div', {{ this.css_class|tojson }});
            d.innerHTML = {{ this.html|tojson }};
            d.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;' +
              'box-shadow:0 1px 4px rgba(0,0,0,0.3);font:12px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;';
            L.DomEvent.disableClickPropagation(d);
            return d;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str = "bottomright", css_class: str = "sc-legend"):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.css_class = css_class


# --------------------------------------------------------------------------- context / map


@dataclass
class MapContext:
    """How layers are drawn: language, coordinate shift for the chosen basemap."""

    lang: str = "zh"
    basemap: str = "local"  # local | osm | tianditu | amap
    shift: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_gcj02(self) -> bool:
        return self.basemap == "amap"


def context_for(basemap: str = "local", lang: str = "zh") -> MapContext:
    """A MapContext; Gaode/Amap tiles are in GCJ-02, so every layer is shifted to match."""
    shift = None
    if basemap == "amap":
        from geo.coords import wgs84_to_gcj02  # another engineer's module; imported only when chosen

        shift = wgs84_to_gcj02
    return MapContext(lang=lang, basemap=basemap, shift=shift)


# Online basemaps: ONLY used when the user picks them in the sidebar (off by default).
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
    _add_online_tiles(m, ctx, tianditu_key)
    badge = t("demo_label", ctx.lang) if demo else None
    m.add_child(_MapSetup(_leaflet_images_url(assets), ATTRIBUTION, badge))
    if bounds is not None:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _add_online_tiles(m: folium.Map, ctx: MapContext, tianditu_key: str | None) -> None:
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


# --------------------------------------------------------------------------- GeoJSON helpers


_GJ_CACHE: dict[tuple, tuple] = {}


def cached_for(obj, key: tuple, build: Callable[[], object]):
    """``build()`` once per (live object, key): layers of a cached coverage result are converted
    to GeoJSON once, not on every rerun. Entries go when the object is garbage-collected."""
    k = (id(obj),) + tuple(key)
    hit = _GJ_CACHE.get(k)
    if hit is not None and hit[0]() is obj:
        return hit[1]
    val = build()
    try:
        ref = weakref.ref(obj)
        weakref.finalize(obj, _GJ_CACHE.pop, k, None)
    except TypeError:  # not weak-referenceable: no caching
        return val
    _GJ_CACHE[k] = (ref, val)
    return val


def _shift_key(ctx: MapContext | None) -> str:
    return ctx.basemap if (ctx is not None and ctx.shift is not None) else "wgs84"


def _metric_crs_for(gdf: gpd.GeoDataFrame) -> str:
    from geo.crs import utm_crs_for

    minx, miny, maxx, maxy = gdf.total_bounds
    return utm_crs_for((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise ValueError("layer has no CRS; cannot place it on the map")
    return gdf if str(gdf.crs) == WGS84 or gdf.crs.to_epsg() == 4326 else gdf.to_crs(WGS84)


def small_geojson(
    gdf: gpd.GeoDataFrame,
    columns: Iterable[str] = (),
    *,
    tolerance_m: float = 0.0,
    ctx: MapContext | None = None,
    decimals: int = COORD_DECIMALS,
) -> dict:
    """A compact GeoJSON FeatureCollection: chosen columns only, simplified, rounded coordinates.

    ``tolerance_m`` simplifies in the layer's metric CRS (or a local UTM zone) before converting
    to WGS-84; coordinates are rounded to ``decimals`` (5 ~ 1 m) and shifted for GCJ-02 if needed.
    """
    cols = [c for c in columns if c in gdf.columns]
    sub = gdf[cols + [gdf.geometry.name]].copy()
    sub = sub[~(sub.geometry.isna() | sub.geometry.is_empty)]
    if len(sub) == 0:
        return {"type": "FeatureCollection", "features": []}
    if tolerance_m > 0:
        metric = sub
        if sub.crs is not None and not sub.crs.is_projected:
            metric = sub.to_crs(_metric_crs_for(sub))
        metric = metric.set_geometry(metric.geometry.simplify(tolerance_m, preserve_topology=True))
        sub = metric
    sub = to_wgs84(sub)
    geoms = sub.geometry.values
    shift = ctx.shift if ctx is not None else None

    def _round(c: np.ndarray) -> np.ndarray:
        if shift is not None:
            x, y = shift(c[:, 0], c[:, 1])
            c = np.column_stack([x, y])
        return np.round(c, decimals)

    geoms = shapely.transform(np.asarray(geoms), _round)
    feats = []
    records = sub[cols].to_dict("records") if cols else [{}] * len(sub)
    for i, (g, props) in enumerate(zip(geoms, records)):
        if g is None or g.is_empty:
            continue
        feats.append(
            {
                "type": "Feature",
                "id": i,
                "properties": {k: _jsonable(v) for k, v in props.items()},
                "geometry": shapely.geometry.mapping(g),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _jsonable(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else round(f, 4)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_jsonable(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v if isinstance(v, (int, str)) else str(v)


def _const_style(style: dict) -> Callable[[dict], dict]:
    return lambda _feature: style


# --------------------------------------------------------------------------- basemap

BASEMAP_STYLES = {
    # layer key -> (style, simplify tolerance in m)
    "water": ({"color": "#8fbce0", "weight": 1.2, "fillColor": "#c6dbef", "fillOpacity": 0.9}, 3.0),
    "green": ({"color": "#a1d99b", "weight": 0.3, "fillColor": "#d9f0d3", "fillOpacity": 0.8}, 3.0),
    "buildings": ({"color": "#c4c0b8", "weight": 0.3, "fillColor": "#dedcd8", "fillOpacity": 0.8}, 1.5),
    "streets": ({"color": "#ffffff", "weight": 2.2, "opacity": 1.0}, 2.0),
}
_STREET_CASING = {"color": "#c8c4bc", "weight": 3.6, "opacity": 1.0}
MIN_BUILDING_M2 = 25.0  # sheds and kiosks are left out of the basemap (size of the page)


def basemap_geojson(gdf: gpd.GeoDataFrame, key: str, ctx: MapContext | None = None) -> dict:
    """One basemap layer as very few features (one per geometry kind): no per-feature overhead."""

    def build() -> dict:
        g = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
        if len(g) == 0:
            return {"type": "FeatureCollection", "features": []}
        metric = g.to_crs(_metric_crs_for(g)) if not g.crs.is_projected else g
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
        return small_geojson(merged, ["kind"], ctx=ctx)

    return cached_for(gdf, ("basemap", key, _shift_key(ctx)), build)


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
            folium.GeoJson(data, style_function=_const_style(_STREET_CASING), interactive=False,
                           name=t("layer_streets", ctx.lang) + " casing", control=False).add_to(fg)
        folium.GeoJson(data, style_function=_const_style(style), interactive=False,
                       name=t("layer_" + key, ctx.lang), control=False).add_to(fg)
    fg.add_to(m)
    return fg


# --------------------------------------------------------------------------- service sites


def _first(row: pd.Series | dict, names: Sequence[str], default=None):
    for n in names:
        if n in row:
            v = row[n]
            if v is None:
                continue
            try:
                if not isinstance(v, (list, tuple, np.ndarray)) and pd.isna(v):
                    continue
            except (TypeError, ValueError):
                pass
            if isinstance(v, str) and not v.strip():
                continue
            return v
    return default


def _fmt_list(v, lang: str = "zh") -> str:
    """A list (or a text separated by ; , 、) joined the way the language writes lists."""
    import re

    sep = ", " if lang == "en" else "、"
    if isinstance(v, (list, tuple, np.ndarray)):
        return sep.join(str(x) for x in v)
    return sep.join(p.strip() for p in re.split(r"[;；,，、|]+", str(v)) if p.strip())


def _is_true(v) -> bool:
    """Yes/no from bools, numbers, Chinese/English words; missing (None, NaN, pd.NA) is no."""
    if v is None or v is pd.NA:
        return False
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y", "是", "示范", "t")
    try:
        if pd.isna(v):
            return False
    except (TypeError, ValueError):
        pass
    try:
        return bool(v)
    except (TypeError, ValueError):
        return False


NAME_COLS = ("name", "名称", "name_zh")
LEVEL_COLS = ("level", "层级", "级别")
HOURS_COLS = ("opening_hours", "hours", "开放时间")
FUNC_COLS = ("functions", "功能", "services")
AMENITY_COLS = ("amenities", "设施", "facilities")
DEMO_SITE_COLS = ("demonstration", "is_demonstration", "示范", "demo_site")
SERVED_COLS = ("load_pop", "residents_served", "served_pop")
KIND_COLS = ("kind", "type", "类型")


def site_kind(row) -> str:
    """"center" or "station" from a kind/type column (zh or en values)."""
    v = str(_first(row, KIND_COLS, "center")).lower()
    return "station" if ("station" in v or "驿站" in v) else "center"


LEVEL_NAMES = {
    "street": ("街道级", "Subdistrict"), "community": ("社区级", "Community"), "compound": ("小区级", "Compound / estate"),
}


def _functions_text(row, lang: str) -> str | None:
    """3+1+N: the three base functions present, the one featured space, the N flexible spaces."""
    from geo.schemas import CENTER_FUNCTIONS

    parts = [(zh if lang != "en" else en) for col, zh, en in CENTER_FUNCTIONS if col in row and _is_true(row[col])]
    featured = _first(row, ("featured_space",))
    if featured is not None:
        parts.append(("特色空间：" if lang != "en" else "featured: ") + _fmt_list(featured, lang))
    flexible = _first(row, ("flexible_spaces",))
    if flexible is not None:
        parts.append(("灵活空间：" if lang != "en" else "flexible: ") + _fmt_list(flexible, lang))
    extra = _first(row, FUNC_COLS)
    if extra is not None and not parts:  # a free-text list only when the 3+1+N columns are absent
        parts.append(_fmt_list(extra, lang))
    return ("、" if lang != "en" else ", ").join(parts) if parts else None


def _amenities_text(row, lang: str) -> str | None:
    from geo.schemas import STATION_AMENITIES

    parts = [(zh if lang != "en" else en) for col, zh, en in STATION_AMENITIES if col in row and _is_true(row[col])]
    extra = _first(row, AMENITY_COLS)
    if extra is not None:
        parts.append(_fmt_list(extra, lang))
    return ("、" if lang != "en" else ", ").join(parts) if parts else None


def site_popup_html(row, kind: str, lang: str = "zh") -> str:
    """Popup HTML for a center or station: name, level, hours, 3+1+N functions / amenities, served."""
    name = _first(row, NAME_COLS, _first(row, ("center_id", "site_id", "id"), ""))
    rows: list[tuple[str, str]] = [(t("kind", lang), t("kind_" + kind, lang))]
    level = _first(row, LEVEL_COLS)
    if level is not None:
        pair = LEVEL_NAMES.get(str(level))
        rows.append((t("level", lang), (pair[1] if lang == "en" else pair[0]) if pair else str(level)))
    hours = _first(row, HOURS_COLS)
    if hours is not None:
        rows.append((t("opening_hours", lang), str(hours)))
    if kind == "center":
        f = _functions_text(row, lang)
        if f is not None:
            rows.append((t("functions", lang), f))
    else:
        am = _amenities_text(row, lang)
        if am is not None:
            rows.append((t("amenities", lang), am))
    served = _first(row, SERVED_COLS)
    if served is not None:
        try:
            rows.append((t("residents_served", lang), f"{int(round(float(served))):,}"))
        except (TypeError, ValueError):
            pass
    if _is_true(_first(row, DEMO_SITE_COLS, False)):
        rows.append((t("demonstration", lang), "★"))
    if _is_true(_first(row, ("off_network",), False)):
        rows.append(("⚠", t("off_network", lang)))
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f'<div class="sc-pop"><b style="font-size:14px">{html.escape(shorten(name))}</b><table>{body}</table></div>'


def site_icon_svg(kind: str, demonstration: bool = False, proposed: bool = False) -> str:
    """Inline SVG: house-shaped square for centers, round dot for stations; gold ring for demonstration."""
    ring = f'stroke="{DEMO_RING}" stroke-width="3"' if demonstration else 'stroke="#ffffff" stroke-width="2"'
    colour = PROPOSAL_COLOUR if proposed else (CENTER_COLOUR if kind == "center" else STATION_COLOUR)
    dash = ' stroke-dasharray="3 2"' if proposed else ""
    if kind == "center":
        shape = f'<path d="M11 2 L20 9 L20 20 L2 20 L2 9 Z" fill="{colour}" {ring}{dash}/>'
        mark = '<rect x="8.5" y="12" width="5" height="8" fill="#ffffff"/>'
    else:
        shape = f'<circle cx="11" cy="11" r="8" fill="{colour}" {ring}{dash}/>'
        mark = '<circle cx="11" cy="11" r="3" fill="#ffffff"/>'
    return (f'<svg width="22" height="22" viewBox="0 0 22 22">'
            f"{shape}{mark}</svg>")


_SITE_EACH = """function(feature, layer) {
    layer.bindPopup(feature.properties.popup, {maxWidth: 340, minWidth: 220});
    if (feature.properties.label) { layer.bindTooltip(feature.properties.label); }
}"""


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
        demo_site = _is_true(_first(row, DEMO_SITE_COLS, False))
        feats.append({
            "type": "Feature", "id": i,
            "properties": {
                "popup": site_popup_html(row, kind, ctx.lang),
                "label": shorten(_first(row, NAME_COLS, "")),
                "icon": site_icon_svg(kind, demo_site, proposed),
            },
            "geometry": {"type": "Point", "coordinates": [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]},
        })
    return {"type": "FeatureCollection", "features": feats}


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


# --------------------------------------------------------------------------- analysis layers


def iso_colour(minutes: float) -> str:
    if minutes in ISO_COLOURS:
        return ISO_COLOURS[minutes]
    keys = sorted(ISO_COLOURS)
    k = min(keys, key=lambda v: abs(v - minutes))
    return ISO_COLOURS[k]


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
                return small_geojson(part, ["minutes"], tolerance_m=8.0, ctx=ctx)

            data = cached_for(isochrones, ("iso", mins, dissolve, _shift_key(ctx)), build)
            if data is None:
                continue
            c = colour or iso_colour(mins)
            folium.GeoJson(
                data,
                style_function=_const_style({"color": c, "weight": 1.2, "fillColor": c, "fillOpacity": 0.22}),
                tooltip=t("minutes_short", ctx.lang, m=_fmt_num(mins)),
                name=t("minutes_short", ctx.lang, m=_fmt_num(mins)), control=False,
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
            cached_for(circles, ("circles", float(minutes), _shift_key(ctx)),
                       lambda: small_geojson(part, ["center_id", "radius_m"], tolerance_m=5.0, ctx=ctx)),
            style_function=_const_style({"color": "#5e35b1", "weight": 1.5, "dashArray": "6 4", "fill": False}),
            interactive=False, control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def share_colour(share) -> str:
    try:
        s = float(share)
    except (TypeError, ValueError):
        return "#bdbdbd"
    if not math.isfinite(s):
        return "#bdbdbd"
    for i in range(len(SHARE_COLOURS)):
        if s <= SHARE_BINS[i + 1] + 1e-12:
            return SHARE_COLOURS[i]
    return SHARE_COLOURS[-1]


def add_grids(m, grids: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Grids (网格) coloured by covered share, with a tooltip of population and share."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_grids", ctx.lang), show=True)
    if grids is not None and len(grids):
        g = grids.copy()
        g["share_pct"] = (g["covered_share"].astype(float) * 100).round(1) if "covered_share" in g else np.nan
        cols = [c for c in ("name", "grid_id", "community", "population", "uncovered_pop", "share_pct") if c in g]
        if "population" in g:
            g["population"] = g["population"].astype(float).round(0)
        if "uncovered_pop" in g:
            g["uncovered_pop"] = g["uncovered_pop"].astype(float).round(0)
        data = cached_for(grids, ("grids", _shift_key(ctx)), lambda: small_geojson(g, cols, tolerance_m=3.0, ctx=ctx))
        labels = {"name": t("grid", ctx.lang), "grid_id": "ID", "community": t("community", ctx.lang),
                  "population": t("population", ctx.lang), "uncovered_pop": t("uncovered_pop", ctx.lang),
                  "share_pct": t("covered_share", ctx.lang) + " %"}
        folium.GeoJson(
            data,
            style_function=lambda f: {
                "color": "#616161", "weight": 0.6, "fillOpacity": 0.35,
                "fillColor": share_colour((f["properties"].get("share_pct") or float("nan")) / 100.0
                                          if f["properties"].get("share_pct") is not None else None),
            },
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[labels[c] for c in cols], localize=True),
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def add_gaps(m, gaps: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Coverage gaps highlighted in red, tooltip with the population living there."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_gaps", ctx.lang), show=True)
    if gaps is not None and len(gaps):
        g = gaps.copy()
        g["population"] = g["population"].astype(float).round(0) if "population" in g else np.nan
        g["area_ha"] = (g["area_m2"].astype(float) / 1e4).round(2) if "area_m2" in g else np.nan
        cols = [c for c in ("gap_id", "community", "population", "area_ha") if c in g]
        labels = {"gap_id": t("gap", ctx.lang), "community": t("community", ctx.lang),
                  "population": t("population", ctx.lang), "area_ha": t("area_ha", ctx.lang)}
        folium.GeoJson(
            cached_for(gaps, ("gaps", _shift_key(ctx)), lambda: small_geojson(g, cols, tolerance_m=3.0, ctx=ctx)),
            style_function=_const_style({"color": GAP_COLOUR, "weight": 1.2, "fillColor": GAP_COLOUR,
                                         "fillOpacity": 0.3}),
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[labels[c] for c in cols], localize=True),
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def add_communities(m, communities: gpd.GeoDataFrame, ctx: MapContext | None = None) -> folium.FeatureGroup:
    """Community outlines (no fill) with the name as tooltip."""
    ctx = ctx or MapContext()
    fg = folium.FeatureGroup(name=t("layer_communities", ctx.lang), show=True)
    if communities is not None and len(communities):
        cols = [c for c in ("name", "community") if c in communities.columns][:1]
        folium.GeoJson(
            cached_for(communities, ("communities", _shift_key(ctx)),
                       lambda: small_geojson(communities, cols, tolerance_m=3.0, ctx=ctx)),
            style_function=_const_style({"color": "#37474f", "weight": 2.0, "dashArray": "8 4", "fill": False}),
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[t("community", ctx.lang)]) if cols else None,
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def legend_html(thresholds: Iterable[float], lang: str = "zh", *, grids: bool = True, gaps: bool = True,
                circles: bool = True, proposals: bool = False) -> str:
    """Small HTML legend (no external scripts)."""
    parts = [f"<b>{html.escape(t('legend_iso', lang))}</b><br>"]
    for mins in sorted(set(float(x) for x in thresholds)):
        c = iso_colour(mins)
        parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{c};opacity:.6;'
                     f'border:1px solid {c};margin-right:4px"></span>{html.escape(t("minutes_short", lang, m=_fmt_num(mins)))}<br>')
    if grids:
        parts.append(f"<b>{html.escape(t('legend_share', lang))}</b><br>")
        for i, c in enumerate(SHARE_COLOURS):
            lo, hi = int(SHARE_BINS[i] * 100), int(SHARE_BINS[i + 1] * 100)
            parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{c};'
                         f'margin-right:4px;border:1px solid #999"></span>{lo}–{hi}%<br>')
    if gaps:
        parts.append(f'<span style="display:inline-block;width:14px;height:10px;background:{GAP_COLOUR};'
                     f'opacity:.6;margin-right:4px"></span>{html.escape(t("legend_gap", lang))}<br>')
    if circles:
        parts.append('<span style="display:inline-block;width:14px;height:0;border-top:2px dashed #5e35b1;'
                     f'margin:0 4px 3px 0"></span>{html.escape(t("legend_circle", lang))}<br>')
    parts.append(f'{site_icon_svg("center").replace("22", "14", 2)} {html.escape(t("legend_center", lang))}<br>')
    parts.append(f'{site_icon_svg("station").replace("22", "14", 2)} {html.escape(t("legend_station", lang))}<br>')
    parts.append(f'{site_icon_svg("center", True).replace("22", "14", 2)} {html.escape(t("legend_demo", lang))}')
    if proposals:
        parts.append(f'<br>{site_icon_svg("station", proposed=True).replace("22", "14", 2)} '
                     f'{html.escape(t("legend_proposal", lang))}')
    return "".join(parts)


def add_legend(m, thresholds: Iterable[float], lang: str = "zh", **kw) -> HtmlControl:
    c = HtmlControl(legend_html(thresholds, lang, **kw), position="bottomright")
    m.add_child(c)
    return c


def add_layer_control(m: folium.Map) -> folium.LayerControl:
    lc = folium.LayerControl(collapsed=True, position="topright")
    lc.add_to(m)
    return lc


def map_html(m: folium.Map) -> str:
    """The full HTML of a map (what a browser would load)."""
    return m.get_root().render()


def external_urls(text: str, allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost")) -> list[str]:
    """Every http(s):// URL in ``text`` whose host is not one of ``allowed_hosts`` (SVG xmlns excluded)."""
    import re

    out = []
    for u in re.findall(r"https?://[^\s\"'<>)]+", text):
        host = re.sub(r"^https?://", "", u).split("/")[0].split(":")[0]
        if host in allowed_hosts or u.startswith("http://www.w3.org/2000/svg"):
            continue
        out.append(u)
    return out


# --------------------------------------------------------------------------- whole maps


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
                small_geojson(iso, ["center_id", "minutes"], tolerance_m=8.0, ctx=ctx),
                style_function=_const_style({"color": PROPOSAL_COLOUR, "weight": 2, "dashArray": "5 3",
                                             "fillColor": PROPOSAL_COLOUR, "fillOpacity": 0.18}),
                name=t("layer_proposal_iso", ctx.lang), control=False, interactive=False,
            ).add_to(fg)
    if proposals is not None and len(proposals):
        for kind in ("center", "station"):
            part = proposals[proposals["kind"].astype(str) == kind] if "kind" in proposals else proposals
            if len(part):
                add_sites(fg, part, kind, ctx, proposed=True)
    return fg


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
            small_geojson(g, cols, tolerance_m=2.0, ctx=ctx),
            style_function=_const_style({"color": PROPOSAL_COLOUR, "weight": 1.5, "fillOpacity": 0.15}),
            tooltip=folium.GeoJsonTooltip(fields=cols, aliases=[t("name", ctx.lang)]) if cols else None,
            name=t("kind_" + kind, ctx.lang),
        ).add_to(m)
    return m


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
            small_geojson(c, cols, ctx=ctx),
            marker=folium.CircleMarker(radius=3, weight=1, fill=True),
            style_function=lambda f: ({"color": "#757575", "fillColor": "#9e9e9e", "fillOpacity": 0.9}
                                      if f["properties"].get("status") != "excluded"
                                      else {"color": "#bdbdbd", "fillColor": "#eeeeee", "fillOpacity": 0.6}),
            tooltip=folium.GeoJsonTooltip(fields=cols[:1], labels=False) if cols[:1] else None,
            control=False,
        ).add_to(fg)
    fg.add_to(m)
    return fg
