"""Interface strings: Chinese (default) and English.

``t(key, lang, **fmt)`` returns the string for ``lang`` ("zh" or "en"), formatted with ``fmt``.
A missing English string falls back to Chinese and a missing key to the key itself, so a typo
never breaks a page.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

_STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app_title": ("8分钟党群连心服务圈 · 步行覆盖分析", "8-minute service circle · walking coverage"),
    "language": ("语言 / Language", "Language / 语言"),
    "page": ("页面", "Page"),
    "page_coverage": ("覆盖分析", "Coverage"),
    "page_whatif": ("新增站点推演", "What-if"),
    "page_data": ("数据", "Data"),
    "page_siting": ("选址", "Siting"),
    "page_reports": ("报告", "Reports"),
    "demo_label": ("示例数据，非真实点位", "Sample data, not real sites"),
    "demo_badge": ("示例数据", "Sample data"),
    "own_data_label": ("用户上传数据", "Uploaded data"),
    "loading_city": ("正在加载路网与图层（每个进程只做一次）…", "Loading the street network and layers (once per process)…"),
    "computing": ("正在计算步行覆盖…", "Computing walking coverage…"),
    "error_prefix": ("出错了：", "Something went wrong: "),
    "unexpected_error": (
        "出现意外错误，页面未能完成。请刷新页面重试；若仍出现，请把以下编号告诉维护人员：{ref}",
        "An unexpected error stopped this page. Reload the page and try again; if it happens again, "
        "tell the maintainers this reference: {ref}",
    ),
    # sidebar controls
    "controls": ("分析参数", "Analysis settings"),
    "minutes": ("步行时间阈值（分钟）", "Walking time threshold (minutes)"),
    "speed_preset": ("步行速度", "Walking speed"),
    "speed_normal": ("一般居民（4.5 km/h）", "Typical resident (4.5 km/h)"),
    "speed_elderly": ("老年人（3.0 km/h）", "Elderly (3.0 km/h)"),
    "speed_custom": ("自定义", "Custom"),
    "speed_kmh": ("速度（km/h）", "Speed (km/h)"),
    "include_stations": ("红色驿站计入覆盖", "Count red stations as service points"),
    "iso_thresholds": ("地图上的等时圈", "Isochrones on the map"),
    "layers": ("显示图层", "Layers to show"),
    "basemap": ("底图", "Basemap"),
    "basemap_local": ("本地矢量底图（离线）", "Local vector basemap (offline)"),
    "basemap_osm": ("OpenStreetMap 在线瓦片（需联网）", "OpenStreetMap online tiles (needs internet)"),
    "basemap_tianditu": ("天地图（需联网和密钥）", "Tianditu (needs internet and a key)"),
    "basemap_amap": ("高德地图（需联网，图层已转为 GCJ-02）", "Gaode/Amap (needs internet; layers shifted to GCJ-02)"),
    "tianditu_key": ("天地图密钥（tk）", "Tianditu key (tk)"),
    "tianditu_key_missing": (
        "天地图需要密钥：请在 lbs.tianditu.gov.cn 申请后填入；当前仍显示本地底图。",
        "Tianditu needs a key: request one at lbs.tianditu.gov.cn and enter it; showing the local basemap meanwhile.",
    ),
    "online_warning": (
        "在线底图需要联网；在政务内网中会显示为灰色背景。分析结果不受影响。",
        "Online basemaps need internet; on a closed network they show a grey background. Results are unaffected.",
    ),
    # layer names
    "layer_streets": ("街道", "Streets"),
    "layer_water": ("水体", "Water"),
    "layer_green": ("绿地", "Green space"),
    "layer_buildings": ("建筑", "Buildings"),
    "layer_centers": ("党群服务中心", "Service centers"),
    "layer_stations": ("红色驿站", "Red stations"),
    "layer_isochrones": ("步行等时圈", "Walking isochrones"),
    "layer_circles": ("直线距离圈（对比）", "Straight-line circles (comparison)"),
    "layer_grids": ("网格覆盖率", "Grids by covered share"),
    "layer_gaps": ("覆盖盲区", "Coverage gaps"),
    "layer_communities": ("社区边界", "Community boundaries"),
    "layer_proposals": ("拟建站点", "Proposed sites"),
    "layer_proposal_iso": ("拟建站点等时圈", "Proposed sites' isochrones"),
    "layer_basemap": ("本地底图", "Local basemap"),
    # popups / legend
    "name": ("名称", "Name"),
    "kind": ("类型", "Kind"),
    "kind_center": ("党群服务中心", "Service center"),
    "kind_station": ("红色驿站", "Red station"),
    "level": ("层级", "Level"),
    "opening_hours": ("开放时间", "Opening hours"),
    "functions": ("3+1+N 功能", "3+1+N functions"),
    "amenities": ("驿站设施", "Station amenities"),
    "residents_served": ("服务居民（估算）", "Residents served (estimate)"),
    "demonstration": ("示范点", "Demonstration site"),
    "population": ("人口", "Population"),
    "covered_share": ("覆盖率", "Covered share"),
    "uncovered_pop": ("未覆盖人口", "Uncovered residents"),
    "gap": ("覆盖盲区", "Coverage gap"),
    "area_ha": ("面积（公顷）", "Area (ha)"),
    "community": ("社区", "Community"),
    "grid": ("网格", "Grid"),
    "minutes_short": ("{m} 分钟", "{m} min"),
    "legend_iso": ("步行等时圈", "Walking isochrones"),
    "legend_share": ("网格覆盖率", "Grid covered share"),
    "legend_gap": ("覆盖盲区（红）", "Coverage gap (red)"),
    "legend_circle": ("直线距离圈（虚线）", "Straight-line circle (dashed)"),
    "legend_center": ("服务中心", "Service center"),
    "legend_station": ("红色驿站", "Red station"),
    "legend_demo": ("示范点（金边）", "Demonstration (gold ring)"),
    "legend_proposal": ("拟建站点", "Proposed site"),
    "access_m": ("到街道距离（米）", "Distance to street (m)"),
    "off_network": ("离路网过远，未参与计算", "Too far from the street network, left out"),
    # coverage page
    "headline": ("核心指标", "Headline figures"),
    "share_within": ("{m} 分钟内可达居民占比", "Residents within {m} min"),
    "uncovered": ("未覆盖居民", "Uncovered residents"),
    "median_walk": ("步行时间中位数", "Median walk"),
    "p90_walk": ("90% 分位步行时间", "90th-percentile walk"),
    "overstatement": ("直线圈高估覆盖", "Straight-line circle overstates"),
    "overstatement_text": (
        "按直线距离画圈会把覆盖率高估 {x}%（直线 {a} 对比 步行 {b}）。",
        "The straight-line circle overstates coverage by {x}% (straight line {a} vs walking {b}).",
    ),
    "min_unit": ("{v} 分钟", "{v} min"),
    "people_unit": ("{v} 人", "{v}"),
    "estimate_note": (
        "人口为按建筑估算的示例值（非统计数据）。",
        "Population is an estimate from buildings (not census figures).",
    ),
    "community_table": ("各社区覆盖情况（由差到好）", "Coverage by community (worst first)"),
    "col_community": ("社区", "Community"),
    "col_population": ("人口", "Population"),
    "col_covered": ("已覆盖", "Covered"),
    "col_uncovered": ("未覆盖", "Uncovered"),
    "col_share": ("覆盖率", "Covered share"),
    "col_change": ("变化（百分点）", "Change (points)"),
    "col_new_share": ("推演后覆盖率", "Share after what-if"),
    "map_hint": (
        "地图可缩放、点击图标查看详情；在图层按钮中开关图层。",
        "Zoom the map, click an icon for details, switch layers in the layer button.",
    ),
    # what-if
    "whatif_title": ("新增站点推演", "What-if: add a site"),
    "whatif_mode": ("点击地图时", "When I click the map"),
    "mode_none": ("只浏览", "Just browse"),
    "mode_station": ("新增红色驿站", "Add a red station"),
    "mode_center": ("新增服务中心", "Add a service center"),
    "mode_move": ("移动所选拟建站点", "Move the selected proposed site"),
    "whatif_hint": (
        "选择“新增”后在地图上点击即可放置；站点会吸附到最近的街道并立即重新计算。",
        "Choose “Add”, then click on the map; the site snaps to the nearest street and figures update at once.",
    ),
    "proposals": ("拟建站点清单", "Proposed sites"),
    "no_proposals": ("尚无拟建站点。", "No proposed sites yet."),
    "remove": ("移除", "Remove"),
    "remove_all": ("全部清除", "Clear all"),
    "select_proposal": ("选择拟建站点", "Select a proposed site"),
    "add_by_coords": ("按坐标添加（WGS-84）", "Add by coordinates (WGS-84)"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "add": ("添加", "Add"),
    "snapped_to": ("已吸附到街道：{street}（距点击处 {d} 米）", "Snapped to street: {street} ({d} m from the click)"),
    "proposal_off_network": (
        "该位置离最近的可步行街道超过 {m} 米，无法作为站点；请在街道附近点击。",
        "This spot is more than {m} m from any walkable street; click closer to a street.",
    ),
    "proposal_outside": (
        "该位置在分析区域之外；请在示例城区范围内点击。",
        "This spot is outside the study area; click inside the city area.",
    ),
    "street": ("吸附街道", "Snapped to street"),
    "delta": ("较现状", "vs current"),
    "whatif_time": ("推演计算用时 {s} 秒", "What-if computed in {s} s"),
    "proposal_name": ("拟建{kind}{i}", "Proposed {kind} {i}"),
    # data page
    "data_title": ("数据", "Data"),
    "data_source": ("当前数据", "Data in use"),
    "use_sample": ("使用内置示例城市（杭州核心区，示例数据）", "Use the bundled sample city (Hangzhou core, sample data)"),
    "upload_title": ("上传自己的图层", "Upload your own layers"),
    "upload_help": (
        "支持 GeoPackage、Shapefile（zip）、GeoJSON、KML、CSV/XLSX（含经纬度列）。读取后先检查，确认无误再使用。",
        "GeoPackage, Shapefile (zip), GeoJSON, KML, CSV/XLSX (with lon/lat columns). Files are checked first and used only after you confirm.",
    ),
    "layer_kind": ("图层类型", "Layer kind"),
    "kind_centers": ("党群服务中心", "Service centers"),
    "kind_stations": ("红色驿站", "Red stations"),
    "kind_grids": ("网格", "Grids"),
    "kind_candidates": ("候选点位", "Candidate sites"),
    "kind_demand": ("需求点（人口）", "Demand (population)"),
    "kind_communities": ("社区边界", "Communities"),
    "read_result": ("读取结果", "What was read"),
    "n_features": ("要素数量", "Features"),
    "coords_choice": ("经纬度的坐标基准", "Datum of lon/lat values"),
    "coords_auto": ("自动识别（与街道比对，证据明确才转换）", "Detect (compare with streets; convert only on clear evidence)"),
    "coords_wgs84": ("WGS-84（GPS、天地图、OSM）", "WGS-84 (GPS, Tianditu, OSM)"),
    "coords_gcj02": ("GCJ-02（高德、腾讯地图）", "GCJ-02 (Amap, Tencent)"),
    "coords_bd09": ("BD-09（百度地图）", "BD-09 (Baidu)"),
    "rows_read": ("读取行数", "Rows read"),
    "n_errors": ("{n} 个错误：这些行/要素不会被使用，请在原文件中修正。", "{n} error(s): these rows/features will not be used; fix them in the file."),
    "n_warnings": ("{n} 个提示或自动修复：可以使用，但请核对。", "{n} warning(s) or repair(s): usable, but please check."),
    "detected_crs": ("识别的坐标系", "Detected coordinate system"),
    "problems": ("发现的问题", "Problems found"),
    "no_problems": ("未发现问题。", "No problems found."),
    "use_layer": ("使用此图层", "Use this layer"),
    "layer_in_use": ("已使用上传的{kind}图层（{n} 个要素）。", "Using the uploaded {kind} layer ({n} features)."),
    "layer_blocked": ("存在必须修正的问题，此图层不能使用。", "This layer has problems that must be fixed first; it cannot be used."),
    "reset_layer": ("恢复示例图层", "Back to the sample layer"),
    "readers_missing": (
        "图层读取功能尚在开发中（geo.readers），上传暂不可用；目前使用示例数据。",
        "Layer reading (geo.readers) is still being built; uploads are not available yet. The sample data is in use.",
    ),
    "preview_map": ("位置预览", "Where the features are"),
    "preview": ("预览（前 20 行）", "Preview (first 20 rows)"),
    # siting / reports
    "siting_title": ("选址优化", "Siting"),
    "siting_coming": (
        "选址功能（最大覆盖、最少站点、p-中位）正在开发中，完成后将在此页面提供。本页不会显示任何估算或占位数字。",
        "Siting (maximal covering, fewest sites, p-median) is being built and will appear on this page. "
        "This page shows no placeholder numbers.",
    ),
    "report_proposal_siting": ("选址页的 {n} 个拟建站点", "The {n} site(s) from the Siting page"),
    "reports_title": ("报告", "Reports"),
    "reports_coming": (
        "报告导出（PDF / HTML / XLSX / GeoPackage）正在开发中，完成后可在此下载。",
        "Report export (PDF / HTML / XLSX / GeoPackage) is being built; downloads will appear here.",
    ),
    "k_sites": ("新增站点数 K", "Number of new sites K"),
    "candidates_src": ("候选点位", "Candidate sites"),
    "solver": ("求解方法", "Solver"),
    "run_siting": ("开始选址", "Run siting"),
    "include_proposals": ("包含推演页的拟建站点（{n} 个）", "Include the what-if proposed sites ({n})"),
    "download": ("下载 {fmt}", "Download {fmt}"),
    "make_report": ("生成报告", "Build the report"),
    "order": ("顺序", "Order"),
    "address": ("地址", "Address"),
    "added_pop": ("新增覆盖居民", "Residents added"),
    "added_work": ("新增覆盖户外工作量（相对值）", "Outdoor work added (relative units)"),
    "added_share": ("新增占比（%）", "Added share (%)"),
    "saved_walk": ("减少的总步行（千人·分钟）", "Walking saved (1000 person-minutes)"),
    "siting_kind": ("选址对象", "Site kind"),
    "siting_kind_center": ("党群服务中心（服务居民）", "Service center (serves residents)"),
    "siting_kind_red-station": ("红色驿站（服务户外劳动者）", "Red station (serves outdoor workers)"),
    "siting_problem": ("选址模型", "Model"),
    "problem_mclp": ("最大覆盖（K 个站点覆盖最多）", "Maximal covering (most covered with K sites)"),
    "problem_lscp": ("最少站点（覆盖所有可覆盖需求）", "Fewest sites (cover all coverable demand)"),
    "problem_pmedian": ("p-中位（总步行最短）", "p-median (least total walking)"),
    "cand_layer": ("候选点位图层（{n} 个）", "Candidate layer ({n})"),
    "cand_generated": ("在街道上自动生成", "Generated on streets"),
    "solver_exact": ("精确求解（HiGHS）", "Exact (HiGHS)"),
    "solver_greedy": ("贪心（毫秒级，近似）", "Greedy (fast, approximate)"),
    "siting_advanced": ("更多设置", "More settings"),
    "min_dist_existing": ("与现有站点的最小步行距离（米）", "Minimum walk to an existing site (m)"),
    "station_radius": ("红色驿站服务半径（沿路网，米）", "Red-station reach along streets (m)"),
    "station_demand_note": (
        "红色驿站的需求用 OSM 街道与商铺估算的户外劳动强度（相对值，非人数）；现有红色驿站保持不变。",
        "Red-station demand is an outdoor-work proxy from OSM streets and shops (relative units, not a head count); existing red stations stay.",
    ),
    "center_demand_note": (
        "服务中心按 {m} 分钟（{v} km/h）步行覆盖居民；现有站点保持不变并计入。",
        "Service centers cover residents within {m} min ({v} km/h) on foot; existing sites stay and count.",
    ),
    "siting_running": ("正在计算覆盖关系并求解…", "Computing coverage sets and solving…"),
    "siting_method": ("方法：{method}（用时 {s} 秒）", "Method: {method} ({s} s)"),
    "n_new_sites": ("新增站点数", "New sites"),
    "mean_walk": ("平均步行时间", "Mean walk"),
    "covered_share_kind_center": ("选址后覆盖率", "Covered share after"),
    "covered_share_kind_red-station": ("选址后户外工作覆盖率", "Outdoor work covered after"),
    "share_before": ("选址前覆盖率", "Covered share before"),
    "status_optimal": ("已证明最优", "proven optimal"),
    "status_time_limit": ("达到时间上限", "time limit reached"),
    "status_greedy": ("贪心近似", "greedy approximation"),
    "status_trivial": ("无需求解", "trivial"),
    "gap_text": ("，与最优界差距 ≤ {g}", ", within {g} of the bound"),
    "siting_map_hint": (
        "蓝色为拟建站点及其服务范围；灰点为可用候选点位，浅色为被排除的候选点位。",
        "Blue: proposed sites and their reach; grey dots: available candidates, pale: excluded candidates.",
    ),
    "to_whatif": ("把选址结果加入新增站点推演清单", "Add these sites to the what-if list"),
    "added_to_whatif": ("已加入 {n} 个站点，可在“覆盖分析”页查看和调整。", "{n} site(s) added; see and adjust them on the Coverage page."),
    "siting_result": ("选址结果", "Siting result"),
    "report_settings": (
        "报告按当前设置计算：{m} 分钟，步行速度 {v} km/h，红色驿站计入覆盖：{st}（在左侧栏修改）。",
        "The report uses the current settings: {m} min, walking speed {v} km/h, red stations counted: {st} (change them in the sidebar).",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "report_proposal": ("拟建方案", "Proposal in the report"),
    "report_proposal_none": ("不含拟建站点（现状评估）", "None (current situation)"),
    "report_proposal_whatif": ("新增站点推演中的 {n} 个拟建站点", "The {n} proposed site(s) from the what-if"),
    "report_no_station_siting": (
        "选址页的红色驿站方案不进入报告：报告按居民统计，驿站服务户外劳动者。",
        "The red-station siting is not put in the report: the report counts residents; stations serve outdoor workers.",
    ),
    "report_lang": ("报告语言", "Report language"),
    "report_progress": ("正在生成报告（{fmt}），绘制地图与图表约需十几秒…", "Building the report ({fmt}); maps and charts take a few seconds…"),
    "report_done": ("报告已生成（用时 {s} 秒），可下载：", "The report is ready ({s} s); download:"),
    "report_stale": ("设置已改变，请重新生成报告。", "Settings changed: build the report again."),
    "whatif_method": (
        "规划人员在地图上逐个放置的拟建站点（新增站点推演），非优化结果。",
        "Sites placed one by one on the map by the planner (what-if), not an optimisation result.",
    ),
    "attribution": ("© OpenStreetMap contributors", "© OpenStreetMap contributors"),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The interface string ``key`` in ``lang`` (zh/en), formatted with ``fmt``."""
    pair = _STRINGS.get(key)
    if pair is None:
        text = key
    else:
        text = pair[1] if lang == "en" and pair[1] else pair[0]
    if fmt:
        try:
            text = text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            pass
    return text


def has(key: str) -> bool:
    return key in _STRINGS
