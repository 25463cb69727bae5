"""Map building without a browser: offline assets, layers, styles, popups (ui/maps/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from ui import maps as mb

CRS = "EPSG:32651"
X0, Y0 = 210_000.0, 3_350_000.0
ROOT = Path(__file__).resolve().parent.parent


def _layers():
    streets = gpd.GeoDataFrame(
        {"name": ["延安路", "解放路"]},
        geometry=[LineString([(X0, Y0), (X0 + 1000, Y0)]), LineString([(X0, Y0), (X0, Y0 + 1000)])],
        crs=CRS,
    )
    water = gpd.GeoDataFrame(geometry=[box(X0 + 600, Y0 + 600, X0 + 900, Y0 + 900)], crs=CRS)
    green = gpd.GeoDataFrame(geometry=[box(X0 + 100, Y0 + 600, X0 + 300, Y0 + 800)], crs=CRS)
    buildings = gpd.GeoDataFrame(geometry=[box(X0 + 20, Y0 + 20, X0 + 60, Y0 + 50)], crs=CRS)
    centers = gpd.GeoDataFrame(
        {
            "center_id": ["c1", "c2"],
            "name": ["湖滨街道党群服务中心", "东坡路社区党群服务中心"],
            "kind": ["center", "center"],
            "level": ["street", "community"],
            "opening_hours": ["周一至周日 8:30-20:00", "8:30-17:30"],
            "func_convenience": [True, True], "func_office": [True, False], "func_activity": [True, False],
            "featured_space": ["红色书房", None], "flexible_spaces": [["老年食堂", "儿童托管"], None],
            "load_pop": [1234.4, 88.0],
            "demonstration": [True, False],
        },
        geometry=[Point(X0 + 100, Y0 + 100), Point(X0 + 800, Y0 + 200)],
        crs=CRS,
    )
    stations = gpd.GeoDataFrame(
        {"center_id": ["s1"], "name": ["红色驿站·武林"], "kind": ["red_station"], "water_dispenser": [True],
         "phone_charging": [True], "toilet": [False]},
        geometry=[Point(X0 + 500, Y0 + 50)],
        crs=CRS,
    )
    iso = gpd.GeoDataFrame(
        {"center_id": ["c1", "c1", "c2", "c2"], "minutes": [5.0, 8.0, 5.0, 8.0]},
        geometry=[Point(X0 + 100, Y0 + 100).buffer(r) for r in (300, 500)]
        + [Point(X0 + 800, Y0 + 200).buffer(r) for r in (300, 500)],
        crs=CRS,
    )
    circles = gpd.GeoDataFrame(
        {"center_id": ["c1"], "minutes": [8.0], "radius_m": [600.0]},
        geometry=[Point(X0 + 100, Y0 + 100).buffer(600)], crs=CRS,
    )
    grids = gpd.GeoDataFrame(
        {"grid_id": ["g1", "g2"], "name": ["一网格", "二网格"], "community": ["东坡路", "东坡路"],
         "population": [500.0, 300.0], "uncovered_pop": [0.0, 270.0], "covered_share": [1.0, 0.1]},
        geometry=[box(X0, Y0, X0 + 500, Y0 + 500), box(X0 + 500, Y0, X0 + 1000, Y0 + 500)], crs=CRS,
    )
    gaps = gpd.GeoDataFrame(
        {"gap_id": [1], "population": [270.4], "area_m2": [25000.0], "community": ["东坡路"]},
        geometry=[box(X0 + 700, Y0 + 300, X0 + 900, Y0 + 450)], crs=CRS,
    )
    communities = gpd.GeoDataFrame({"name": ["东坡路社区"]}, geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000)], crs=CRS)
    return dict(streets=streets, water=water, green=green, buildings=buildings, centers=centers,
                stations=stations, iso=iso, circles=circles, grids=grids, gaps=gaps, communities=communities)


def _in(text: str, html: str) -> bool:
    """``text`` appears in ``html`` raw or as folium writes it in JSON (\\uXXXX, \\u003c for <)."""
    j = json.dumps(text)[1:-1]
    jj = j.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    return text in html or j in html or jj in html


def _bounds(L):
    return L["communities"].to_crs(4326).total_bounds


def _full_map(lang="zh", **kw):
    L = _layers()
    ctx = mb.MapContext(lang=lang)
    m = mb.new_map(_bounds(L), ctx=ctx, demo=True, **kw)
    mb.add_local_basemap(m, {k: L[k] for k in ("streets", "water", "green", "buildings")}, ctx)
    mb.add_communities(m, L["communities"], ctx)
    mb.add_grids(m, L["grids"], ctx)
    mb.add_gaps(m, L["gaps"], ctx)
    mb.add_isochrones(m, L["iso"], [5, 8], ctx)
    mb.add_circles(m, L["circles"], 8, ctx)
    mb.add_sites(m, L["centers"], "center", ctx)
    mb.add_sites(m, L["stations"], "station", ctx)
    mb.add_legend(m, [5, 8], lang)
    mb.add_layer_control(m)
    return m


def test_default_map_loads_nothing_from_outside_the_machine():
    html = mb.map_html(_full_map())
    assert mb.external_urls(html) == [], mb.external_urls(html)
    # the local copies are referenced instead, and no CDN host appears at all
    assert "/app/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/app/static/vendor/leaflet-1.9.4/leaflet.css" in html
    assert "/app/static/vendor/jquery-3.7.1/jquery.min.js" in html
    for cdn in ("jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "fontawesome", "d3js", "tile.openstreetmap"):
        assert cdn not in html
    assert "L.Icon.Default.imagePath" in html and "/app/static/vendor/leaflet-1.9.4/images/" in html
    assert _in("© OpenStreetMap contributors", html)


def test_external_url_checker_catches_cdn_links():
    assert mb.external_urls('<script src="https://cdn.jsdelivr.net/npm/leaflet.js">') == [
        "https://cdn.jsdelivr.net/npm/leaflet.js"
    ]
    assert mb.external_urls('<a href="http://127.0.0.1:8501/app/static/x.js">') == []


def test_vendored_assets_exist_with_licences():
    for rel in ("leaflet-1.9.4/leaflet.js", "leaflet-1.9.4/leaflet.css", "leaflet-1.9.4/LICENSE",
                "leaflet-1.9.4/images/marker-icon.png", "leaflet-1.9.4/images/layers.png",
                "jquery-3.7.1/jquery.min.js", "jquery-3.7.1/LICENSE.txt"):
        assert (mb.VENDOR_DIR / rel).is_file(), rel
    assert "Leaflet 1.9.4" in (mb.VENDOR_DIR / "leaflet-1.9.4/leaflet.js").read_text()[:300]
    assert "jQuery v3.7.1" in (mb.VENDOR_DIR / "jquery-3.7.1/jquery.min.js").read_text()[:100]


def test_streamlit_serves_static_folder_without_usage_stats():
    cfg = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"enableStaticServing\s*=\s*true", cfg)
    assert re.search(r"gatherUsageStats\s*=\s*false", cfg)
    assert mb.STATIC_DIR == ROOT / "static"


def test_st_folium_gets_only_local_script_links():
    """streamlit-folium collects default_js/default_css from every element: all must be local."""
    m = _full_map()
    links = []

    def walk(el):
        links.extend(u for _, u in getattr(el, "default_js", []))
        links.extend(u for _, u in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    assert links, "the map must bring its Leaflet links"
    assert all(u.startswith("/app/static/vendor/") for u in links), links


def test_inline_assets_make_a_standalone_file():
    L = _layers()
    m = mb.new_map(_bounds(L), assets="inline")
    html = mb.map_html(m)
    assert "data:text/javascript;base64," in html
    assert "/app/static/" not in html.split("L.Icon.Default.imagePath")[0]
    assert mb.external_urls(html) == []


def test_no_tiles_by_default_and_online_basemaps_only_when_chosen():
    L = _layers()
    html = mb.map_html(mb.new_map(_bounds(L)))
    assert "L.tileLayer" not in html
    osm = mb.map_html(mb.new_map(_bounds(L), ctx=mb.MapContext(basemap="osm")))
    assert "tile.openstreetmap.org" in osm
    # Tianditu without a key: no tile layer, no request with an empty key
    assert "tianditu" not in mb.map_html(mb.new_map(_bounds(L), ctx=mb.MapContext(basemap="tianditu")))
    tdt = mb.map_html(mb.new_map(_bounds(L), ctx=mb.MapContext(basemap="tianditu"), tianditu_key="abc123"))
    assert "tk=abc123" in tdt and "vec_w" in tdt and "cva_w" in tdt


def test_amap_shifts_every_layer_to_gcj02():
    L = _layers()
    calls = []

    def fake_shift(x, y):
        calls.append(len(np.atleast_1d(x)))
        return np.asarray(x) + 0.005, np.asarray(y) - 0.002

    ctx = mb.MapContext(basemap="amap", shift=fake_shift)
    plain = mb.small_geojson(L["centers"], ["name"])
    shifted = mb.small_geojson(L["centers"], ["name"], shift=ctx.shift)
    (x0, y0), (x1, y1) = plain["features"][0]["geometry"]["coordinates"], shifted["features"][0]["geometry"]["coordinates"]
    assert x1 == pytest.approx(x0 + 0.005, abs=2e-5) and y1 == pytest.approx(y0 - 0.002, abs=2e-5)
    m = mb.new_map(_bounds(L), ctx=ctx)
    mb.add_sites(m, L["centers"], "center", ctx)
    assert calls, "markers must be shifted too"
    assert "autonavi" in mb.map_html(m)


def test_small_geojson_rounds_simplifies_and_keeps_only_asked_columns():
    L = _layers()
    wiggly = gpd.GeoDataFrame(
        {"a": [1], "b": ["x"]},
        geometry=[LineString([(X0 + i, Y0 + (0.3 if i % 2 else 0)) for i in range(200)])], crs=CRS,
    )
    gj = mb.small_geojson(wiggly, ["a"], tolerance_m=2.0)
    f = gj["features"][0]
    assert set(f["properties"]) == {"a"}
    coords = f["geometry"]["coordinates"]
    assert len(coords) < 10  # 200 vertices of 0.3 m wiggle collapse to a line
    for x, y in coords:
        assert round(x, 5) == x and round(y, 5) == y
    assert 119 < coords[0][0] < 122 and 29 < coords[0][1] < 32  # WGS-84 near Hangzhou
    empty = mb.small_geojson(L["centers"].iloc[0:0], ["name"])
    assert empty == {"type": "FeatureCollection", "features": []}


def test_layers_present_with_chinese_names_and_styles():
    html = mb.map_html(_full_map())
    for name in ("本地底图", "党群服务中心", "红色驿站", "步行等时圈", "直线距离圈（对比）", "网格覆盖率",
                 "覆盖缺口", "社区边界"):  # one vocabulary: 覆盖缺口 (issue 14)
        assert _in(name, html), name
    # isochrone colours of the ramp, the gap red and the dashed circle
    assert mb.ISO_COLOURS[5] in html and mb.ISO_COLOURS[8] in html
    assert mb.GAP_COLOUR in html and "6 4" in html
    # basemap is non-interactive so clicks reach the map (what-if)
    assert '"interactive": false' in html
    # the sample-data badge and a legend control
    assert _in("示例数据，非真实点位", html) and "sc-legend" in html


def test_english_layer_names():
    html = mb.map_html(_full_map(lang="en"))
    for name in ("Service centers", "Red stations", "Walking isochrones", "Coverage gaps", "Sample data, not real sites"):
        assert _in(name, html), name


def test_popups_hold_the_chinese_fields_and_are_wide_enough():
    L = _layers()
    row = L["centers"].iloc[0]
    pop = mb.site_popup_html(row, "center", "zh")
    for text in ("湖滨街道党群服务中心", "层级", "街道级", "开放时间", "8:30-20:00", "3+1+N 功能",
                 "便民服务、办公议事、党群活动、特色空间：红色书房、灵活空间：老年食堂、儿童托管",
                 "服务居民（估算）", "1,234", "示范点"):
        assert text in pop, text
    small = mb.site_popup_html(L["centers"].iloc[1], "center", "zh")
    assert "社区级" in small and "便民服务" in small and "办公议事" not in small and "示范点" not in small
    st_pop = mb.site_popup_html(L["stations"].iloc[0], "station", "zh")
    assert "驿站设施" in st_pop and "饮水机、手机充电" in st_pop and "厕所" not in st_pop and "3+1+N" not in st_pop
    en = mb.site_popup_html(L["stations"].iloc[0], "station", "en")
    assert "Station amenities" in en and "water dispenser, phone charging" in en
    assert mb.site_kind(L["stations"].iloc[0]) == "station" and mb.site_kind(row) == "center"
    html = mb.map_html(_full_map())
    assert "maxWidth: 340" in html
    assert _in("湖滨街道党群服务中心", html)
    # no folium.Icon (Bootstrap / Font Awesome): SVG div icons instead
    assert "AwesomeMarkers" not in html and _in("<svg", html)


def test_grid_colours_follow_covered_share():
    assert mb.share_colour(0.0) == mb.SHARE_COLOURS[0]
    assert mb.share_colour(0.1) == mb.SHARE_COLOURS[0]
    assert mb.share_colour(0.5) == mb.SHARE_COLOURS[2]
    assert mb.share_colour(1.0) == mb.SHARE_COLOURS[-1]
    assert mb.share_colour(None) == "#bdbdbd"
    html = mb.map_html(_full_map())
    # g1 is fully covered (dark green), g2 has 10 % (red)
    assert mb.SHARE_COLOURS[-1] in html and mb.SHARE_COLOURS[0] in html


def test_isochrones_are_merged_per_threshold_and_drawn_largest_first():
    L = _layers()
    m = mb.new_map(_bounds(L))
    fg = mb.add_isochrones(m, L["iso"], [5, 8])
    children = list(fg._children.values())
    assert len(children) == 2  # two centres merged into one shape per threshold
    datas = [c.data for c in children]
    assert [d["features"][0]["properties"]["minutes"] for d in datas] == [8.0, 5.0]


def test_layer_preview_map_for_points_and_polygons():
    L = _layers()
    b = _bounds(L)
    pts = mb.map_html(mb.layer_preview_map(L["stations"], "stations", bounds=b, features={"streets": L["streets"]}))
    assert _in("红色驿站·武林", pts) and mb.external_urls(pts) == []
    polys = mb.map_html(mb.layer_preview_map(L["communities"], "communities", bounds=b))
    assert _in("东坡路社区", polys) and mb.external_urls(polys) == []


def test_missing_values_in_uploaded_columns_do_not_break_popups():
    import pandas as pd

    row = pd.Series({"name": "驿站", "water_dispenser": pd.NA, "toilet": True, "phone_charging": np.nan,
                     "opening_hours": None, "demonstration": pd.NA})
    pop = mb.site_popup_html(row, "station", "zh")
    assert "厕所" in pop and "饮水机" not in pop and "手机充电" not in pop and "开放时间" not in pop and "示范点" not in pop


def test_layer_control_comes_after_every_group_it_lists():
    """Leaflet fails ("reading 'setZIndex'") when the control names a group defined after it."""
    import re

    L = _layers()
    m = mb.coverage_map(bounds=_bounds(L), features={"streets": L["streets"]}, sites=L["centers"],
                        isochrones=L["iso"], gaps=L["gaps"], layer_control=False)
    cand = L["stations"].assign(status=["available"])
    mb.add_candidates(m, cand)
    mb.proposals_group(L["stations"].assign(kind="station"), L["iso"].assign(center_id="s1"), 8.0).add_to(m)
    mb.add_layer_control(m)
    html = mb.map_html(m)
    control_at = html.index("overlays :")
    groups = [mm.start() for mm in re.finditer(r"var feature_group_\w+ = L\.featureGroup", html)]
    assert len(groups) >= 5 and max(groups) < control_at
    names = re.findall(r'"[^"]*" : (feature_group_\w+)', html[control_at:])
    assert names and all(f"var {n} = L.featureGroup" in html[:control_at] for n in names)


def test_only_the_chosen_isochrone_thresholds_are_drawn():
    L = _layers()
    m = mb.coverage_map(bounds=_bounds(L), features={}, sites=L["centers"], isochrones=L["iso"], thresholds=(8,))
    html = mb.map_html(m)
    assert mb.ISO_COLOURS[8] in html and mb.ISO_COLOURS[5] not in html
    none = mb.map_html(mb.coverage_map(bounds=_bounds(L), features={}, sites=L["centers"], isochrones=L["iso"],
                                       thresholds=()))
    assert mb.ISO_COLOURS[8] not in none and mb.ISO_COLOURS[5] not in none


def test_geojson_cache_builds_once_per_live_layer_and_forgets_collected_ones():
    import gc

    cache = mb.GeoJsonCache()
    ctx = mb.MapContext(cache=cache)
    layer = _layers()["centers"].copy()
    built = []

    def build():
        built.append(1)
        return mb.small_geojson(layer, ["name"])

    first = ctx.cached(layer, ("centers", ctx.shift_key), build)
    again = ctx.cached(layer, ("centers", ctx.shift_key), build)
    assert again is first and len(built) == 1 and len(cache) == 1
    other = ctx.cached(layer, ("centers", "amap"), build)  # another key: built again
    assert other is not first and len(built) == 2 and len(cache) == 2
    del layer, first, again, other
    gc.collect()
    assert len(cache) == 0  # entries go with their layer
    plain = mb.MapContext()  # no cache: built on every call
    assert plain.cached(object(), ("k",), list) is not plain.cached(object(), ("k",), list)


def test_the_maps_package_has_no_module_level_cache():
    import ast

    for path in (ROOT / "ui" / "maps").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(getattr(node, "value", None), ast.Dict):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                assert "CACHE" not in ast.unparse(target).upper(), (path.name, ast.unparse(target))
