"""Folium maps that work with no internet at all.

Everything the browser needs is served by the app itself (``static/vendor/``: pinned Leaflet
1.9.4 and jQuery 3.7.1 with their licences), the basemap is drawn from the local OSM data as
light vector layers, and online tile basemaps are an explicit option (off by default). No
``folium.Icon`` (Bootstrap / Font Awesome from CDNs) and no branca colormaps (d3 from a CDN):
markers are SVG ``DivIcon``s and legends are small HTML controls.

Modules, one job each:

* :mod:`.assets` – the vendored scripts, served or inlined; :func:`external_urls` checks a page;
* :mod:`.geojson` – GeoDataFrames as compact WGS-84 GeoJSON; :class:`GeoJsonCache`;
* :mod:`.context` – :class:`MapContext` (language, basemap datum shift, cache);
* :mod:`.style` – colours of layers and legend;
* :mod:`.popups` – a site's popup and marker, columns found by ``geo.schemas``' headers;
* :mod:`.basemap` – the local OSM basemap and the optional online tiles;
* :mod:`.layers` – one ``add_*`` function per analysis layer;
* :mod:`.controls` – the map's own Leaflet controls (setup, legend, layer switcher);
* :mod:`.compose` – whole maps (:func:`new_map`, :func:`coverage_map`, :func:`layer_preview_map`).

Every ``add_*`` function takes GeoDataFrames in any CRS and can be tested on its own:
:func:`map_html` gives the page's HTML.
"""

from ui.maps.assets import STATIC_DIR, STATIC_URL, VENDOR_DIR, asset_urls, external_urls
from ui.maps.basemap import ATTRIBUTION, ONLINE_BASEMAPS, add_local_basemap, basemap_geojson
from ui.maps.compose import coverage_map, layer_preview_map, map_html, new_map
from ui.maps.context import MapContext, context_for
from ui.maps.controls import HtmlControl, add_layer_control, add_legend, legend_html
from ui.maps.geojson import COORD_DECIMALS, GeoJsonCache, small_geojson, to_wgs84
from ui.maps.layers import (
    add_candidates,
    add_circles,
    add_communities,
    add_gaps,
    add_grids,
    add_isochrones,
    add_sites,
    proposals_group,
    sites_geojson,
)
from ui.maps.popups import site_icon_svg, site_kind, site_popup_html
from ui.maps.style import GAP_COLOUR, ISO_COLOURS, SHARE_COLOURS, iso_colour, share_colour

__all__ = [
    "ATTRIBUTION", "COORD_DECIMALS", "GAP_COLOUR", "ISO_COLOURS", "ONLINE_BASEMAPS", "SHARE_COLOURS", "STATIC_DIR",
    "STATIC_URL", "VENDOR_DIR", "GeoJsonCache", "HtmlControl", "MapContext", "add_candidates", "add_circles",
    "add_communities", "add_gaps", "add_grids", "add_isochrones", "add_layer_control", "add_legend",
    "add_local_basemap", "add_sites", "asset_urls", "basemap_geojson", "context_for", "coverage_map",
    "external_urls", "iso_colour", "layer_preview_map", "legend_html", "map_html", "new_map", "proposals_group",
    "share_colour", "site_icon_svg", "site_kind", "site_popup_html", "sites_geojson", "small_geojson", "to_wgs84",
]
