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
* :mod:`.compose` – whole maps (:func:`new_map`, :func:`coverage_map`, :func:`layer_preview_map`);
* :mod:`.frame` – a finished map as the st_folium component's input, kept in memory and on disk.

Every ``add_*`` function takes GeoDataFrames in any CRS and can be tested on its own:
:func:`map_html` gives the page's HTML.
"""

#: public name -> submodule; imported on first use (PEP 562), so ``ui.maps.frame`` and
#: ``ui.maps.geojson`` do not load Folium (the first page shows a cached map without it)
_WHERE = {
    "ATTRIBUTION": "basemap", "COORD_DECIMALS": "geojson", "GAP_COLOUR": "style", "GeoJsonCache": "geojson",
    "HtmlControl": "controls", "ISO_COLOURS": "style", "MapContext": "context", "ONLINE_BASEMAPS": "basemap",
    "SHARE_COLOURS": "style", "STATIC_DIR": "assets", "STATIC_URL": "assets", "VENDOR_DIR": "assets",
    "add_candidates": "layers", "add_circles": "layers", "add_communities": "layers", "add_gaps": "layers",
    "add_grids": "layers", "add_isochrones": "layers", "add_layer_control": "controls", "add_legend": "controls",
    "add_local_basemap": "basemap", "add_sites": "layers", "asset_urls": "assets", "basemap_geojson": "basemap",
    "context_for": "context", "coverage_map": "compose", "external_urls": "assets", "iso_colour": "style",
    "layer_preview_map": "compose", "legend_html": "controls", "map_html": "compose", "new_map": "compose",
    "proposals_group": "layers", "share_colour": "style", "site_icon_svg": "popups", "site_kind": "popups",
    "site_popup_html": "popups", "sites_geojson": "layers", "small_geojson": "geojson", "to_wgs84": "geojson",
}


__all__ = [
    "ATTRIBUTION", "COORD_DECIMALS", "GAP_COLOUR", "ISO_COLOURS", "ONLINE_BASEMAPS", "SHARE_COLOURS", "STATIC_DIR",
    "STATIC_URL", "VENDOR_DIR", "GeoJsonCache", "HtmlControl", "MapContext", "add_candidates", "add_circles",
    "add_communities", "add_gaps", "add_grids", "add_isochrones", "add_layer_control", "add_legend",
    "add_local_basemap", "add_sites", "asset_urls", "basemap_geojson", "context_for", "coverage_map",
    "external_urls", "iso_colour", "layer_preview_map", "legend_html", "map_html", "new_map", "proposals_group",
    "share_colour", "site_icon_svg", "site_kind", "site_popup_html", "sites_geojson", "small_geojson", "to_wgs84",
]


def __getattr__(name: str):
    if name in _WHERE:
        from importlib import import_module

        value = getattr(import_module(f"ui.maps.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ui.maps' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
