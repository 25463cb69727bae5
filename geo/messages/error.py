"""Messages of user errors raised by analysis and geo (bad layers, parameters, files).

Keys are ``error.<name>`` in :mod:`geo.messages`; values are (Chinese, English). The errors carry
both languages on one line (:func:`geo.messages.both`), as the project's other errors do.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # analysis.coverage: centers and demand layers
    "no_centers": ("没有可用于计算的服务中心。请至少添加一个中心（点图层）。",
                   "There are no service centers to measure from. Add at least one center (point layer)."),
    "center_ids_repeated": ("服务中心编号必须唯一；重复的编号：{ids}。",
                            "Center ids must be unique; repeated: {ids}."),
    "demand_empty": ("需求图层（居民）为空。请提供带人口列的点或面。",
                     "The demand layer (residents) is empty. Give points or polygons with a population column."),
    "demand_no_population": ("需求图层缺少“population”列（人口：每个点或面的居民人数）。",
                             "The demand layer needs a 'population' column (人口: residents per point or polygon)."),
    # analysis.study, analysis.sample_city
    "own_osm_needs_centers": ("使用自己的 OSM 文件时，也请给出自己的服务中心（--centers 文件）：内置示例中心位于杭州。",
                              "With your own OSM file, give your own service centers too (--centers FILE): "
                              "the bundled demo centers are in Hangzhou."),
    "demo_layer_missing": ("内置示例图层 {name} 缺失。请运行 python scripts/make_demo_layers.py 重新生成。",
                           "The bundled demo layer {name} is missing. Re-create it with: "
                           "python scripts/make_demo_layers.py"),
    # analysis.report
    "report_format_unknown": ("未知的报告格式 {bad}；可选：{formats}。",
                              "Unknown report format {bad}; choose from {formats}."),
    "report_lang": ("报告语言必须是“zh”或“en”（收到 {lang}）。",
                    "Report language must be 'zh' or 'en' (got {lang})."),
    "proposal_needs_run": ("方案清单需要一次选址计算，或一次含拟建点位的覆盖计算。",
                           "A proposal needs a siting run or a coverage run with proposed sites."),
    "proposal_needs_center_siting": ("报告的方案清单按居民统计；请给出服务中心选址（kind='center'），而非红色驿站选址。",
                                     "The report's proposal lists residents; give a service-center siting "
                                     "(kind='center'), not a red-station run."),
    "proposal_needs_candidates": ("方案清单需要候选点位：请给出候选点图层（--candidates 文件）。",
                                  "A proposal needs candidate sites (候选点位): give a candidates layer "
                                  "(--candidates FILE)."),
    # geo.osm_file: checking an OSM extract before parsing it
    "osm_bad_name": ("{name}：不是 OpenStreetMap 文件名。请使用 .osm.pbf、.osm、.osm.bz2 或 .osm.gz 数据（例如从 Geofabrik 或 JOSM 导出）。",
                     "{name}: not an OpenStreetMap file name. Use a .osm.pbf, .osm, .osm.bz2 or "
                     ".osm.gz extract (for example exported from Geofabrik or JOSM)."),
    "osm_cannot_decompress": ("{name}：无法解压（{err}）。下载可能不完整，请重新获取该文件。",
                              "{name}: cannot be decompressed ({err}). The download may be incomplete; fetch the file again."),
    "osm_not_found": ("找不到 OSM 文件：{path}。请检查路径，或不指定 --osm 以使用内置示例城市。",
                      "OSM file not found: {path}. Check the path, or omit --osm to use the bundled sample city."),
    "osm_is_folder": ("{path} 是文件夹，不是 OSM 文件。", "{path} is a folder, not an OSM file."),
    "osm_empty": ("{name} 为空（0 字节）。请重新获取该数据。", "{name} is empty (0 bytes). Fetch the extract again."),
    "osm_not_pbf": ("{name} 不是 PBF 格式的 OpenStreetMap 文件（没有 OSMHeader 块）。是否为其他格式改名为 .pbf？",
                    "{name} is not a PBF OpenStreetMap file (no OSMHeader block). Is it another format renamed to .pbf?"),
    "osm_not_xml": ("{name} 不是 OpenStreetMap XML（开头没有 <osm> 元素）。",
                    "{name} is not OpenStreetMap XML (no <osm> element at the start)."),
    "osm_dtd": ("{name} 声明了 DTD 或 XML 实体。OSM 文件从不需要它们，而它们可被用来使解析器崩溃（“XML 炸弹”），因此拒绝该文件。请用 OSM 工具重新导出。",
                "{name} declares a DTD or XML entities. OSM files never need them and they can be used "
                "to crash the parser (an 'XML bomb'), so the file is refused. Export it again from OSM tools."),
    # analysis.params: walking parameters
    "minutes_range": ("分钟数必须在 0 到 120 之间（收到 {minutes}）。", "Minutes must be between 0 and 120 (got {minutes})."),
    "speed_range": ("步速必须在 0.5 到 10 km/h 之间（收到 {speed_kmh}）。",
                    "Walking speed must be between 0.5 and 10 km/h (got {speed_kmh})."),
    "access_cap_negative": ("离路网距离上限必须为 0 米或以上。", "The access distance cap must be zero or more metres."),
    "thresholds_range": ("等时圈阈值必须是 0 到 120 之间的分钟数。", "Isochrone thresholds must be minutes between 0 and 120."),
    "frontage_negative": ("临街宽度必须为 0 米或以上。", "The street frontage width must be zero or more metres."),
    # analysis.siting: candidates, solvers, outdoor-work hotspots
    "spacing_negative": ("候选点间距必须为 0 米或以上。", "The candidate spacing must be zero or more metres."),
    "no_street_of_classes": ("路网中没有 {classes} 等级的道路：请选择其他道路等级。",
                             "No street of the classes {classes} in this network: choose other street classes."),
    "candidates_empty": ("候选点图层为空：请添加候选点位（点或建筑面）。",
                         "The candidate layer is empty: add candidate sites (points or building polygons)."),
    "candidates_no_location": ("没有任何候选点有位置：请检查候选点图层的坐标。",
                               "No candidate site has a location: check the coordinates of the candidate layer."),
    "candidate_ids_repeated": ("候选点编号必须唯一；重复的编号：{ids}。", "Candidate ids must be unique; repeated: {ids}."),
    "min_distance_negative": ("与现有点位的最小距离必须为 0 米或以上。",
                              "The minimum distance to existing sites must be zero or more metres."),
    "k_invalid": ("K（新增点位数）必须是不小于 1 的整数，收到 {k}。",
                  "K (number of new sites) must be a whole number of at least 1, got {k}."),
    "solver_unknown": ("未知的求解方式“{solver}”：请用 exact 或 greedy。", "Unknown solver '{solver}': use 'exact' or 'greedy'."),
    "time_limit_invalid": ("求解时限必须是正的秒数，收到 {seconds}。",
                           "The time limit must be a positive number of seconds, got {seconds}."),
    "no_candidates": ("没有候选点位：请加载候选点图层或生成候选点。",
                      "There are no candidate sites: load a candidate layer or generate candidates."),
    "hotspot_weight_invalid": ("热点图层的“weight”列每一行都必须是 0 或以上的数字（或不提供该列）。",
                               "Hotspot 'weight' must be a number zero or more in every row (or leave the column out)."),
    "siting_problem_unknown": ("未知的选址模型“{problem}”：请用 mclp、lscp 或 pmedian。",
                               "Unknown siting problem '{problem}': use mclp, lscp or pmedian."),
    "cli_time_limit": ("--time-limit 必须是正的秒数。", "--time-limit must be a positive number of seconds."),
    "own_osm_needs_stations": ("使用自己的 OSM 文件时，也请给出现有红色驿站（--existing 文件）。",
                               "With your own OSM file, give your existing red stations too (--existing FILE)."),
    # geo.network, geo.osm_features, geo.snapping
    "streets_no_crs": ("道路线没有坐标参考系：请给出投影（米制）坐标系（如 UTM）。",
                       "The street lines have no CRS; give them a projected metric CRS (e.g. UTM)."),
    "osm_unreadable": ("{name} 无法作为 OpenStreetMap 数据读取（{err}）。文件可能不完整或已损坏：请重新下载或导出。",
                       "{name} could not be read as OpenStreetMap data ({err}). The file is probably "
                       "truncated or damaged: download or export it again."),
    "osm_no_walkable_ways": ("{name} 中没有可步行的道路（没有 highway 为 {highways} 的路段）。是否为正确区域、含道路的数据？",
                             "{name} holds no walkable streets (no ways with highway in {highways}). "
                             "Is it an extract of the right area, with roads?"),
    "features_without_geometry": ("部分要素没有几何：请在分析前删除或修正。",
                                  "Some features have no geometry; remove or fix them before the analysis."),
    # installation: fonts and bundled web files of the reports; geo.crs
    "no_cjk_font": ("未找到中文字体，报告无法显示中文。请安装 Noto Sans CJK（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk；"
                    "或运行 scripts/install_system_deps.sh），然后重新生成报告。",
                    "No Chinese font found, so the report cannot print Chinese text. Install Noto Sans CJK "
                    "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; or run scripts/install_system_deps.sh), "
                    "then run the report again."),
    "leaflet_missing": ("内置的 Leaflet 文件缺失（{folder}）；请从代码仓库恢复 static/vendor/。",
                        "The bundled Leaflet files are missing from {folder}; restore static/vendor/ from the repository."),
    "no_utm_zone": ("无法为 lon={lon}, lat={lat} 选择 UTM 分带：不是有效的 WGS-84 位置。",
                    "Cannot pick a UTM zone for lon={lon}, lat={lat}: not a valid WGS-84 position."),
    # analysis.adoption
    "adoption_distance_invalid": ("认领距离必须大于 0 米（收到 {distance_m}）。",
                                 "The adoption distance must be more than 0 m (got {distance_m})."),
    # analysis.batch: the batch manifest
    "manifest_coords_invalid": ("清单第 {row} 行坐标系应为 auto/wgs84/gcj02/bd09。",
                               "Manifest row {row}: coords must be auto, wgs84, gcj02 or bd09."),
    "manifest_format": ("批处理清单应为 CSV 或 XLSX（得到 {suffix}）。", "The manifest must be CSV or XLSX (got {suffix})."),
    "manifest_no_area_column": ("批处理清单缺少“区域”(area) 列。",
                               "The manifest needs an 'area' column (区域), one row per study area."),
    "manifest_no_area_name": ("清单第 {row} 行没有区域名称。", "Manifest row {row} has no area name."),
    "manifest_no_rows": ("批处理清单没有任何区域。", "The manifest has no rows."),
    "manifest_not_finite": ("清单第 {row} 行“{what}”不是有限数字。", "Manifest row {row}: '{what}' must be a finite number."),
    "manifest_not_found": ("找不到批处理清单 {p}。", "The batch manifest {p} does not exist."),
    "manifest_not_number": ("清单第 {row} 行“{what}”不是数字：{v}。", "Manifest row {row}: '{what}' is not a number: {v}."),
    "manifest_out_name_invalid": ("清单第 {row} 行的输出名称“{out}”只能含字母、数字、汉字、- 和 _。",
                                 "Manifest row {row}: the output name '{out}' may only hold letters, digits, Chinese, - and _."),
    "manifest_out_name_repeated": ("清单第 {row} 行的输出名称“{out}”重复。",
                                  "Manifest row {row}: output name '{out}' is used twice."),
    # analysis.lists
    "match_distance_invalid": ("匹配距离必须大于 0 米（收到 {distance_m}）。",
                              "The matching distance must be more than 0 m (got {distance_m})."),
    # analysis.party_inputs
    "rivers_no_lines": ("河道图层没有线要素：{rivers}。", "The river layer has no line features: {rivers}."),
    "rivers_unreadable": ("河道图层无法读取：{rivers}（{err}）。", "The river layer cannot be read: {rivers} ({err})."),
    # analysis.report.guide_map
    "guide_map_needs_area": ("导引图需要一个示范区（--demo-areas）。", "The guide map needs an area (--demo-areas)."),
    "guide_map_no_pdftoppm": ("PDF 已生成，但缺少 pdftoppm，无法生成 PNG：请安装 poppler-utils（scripts/install_system_deps.sh）。",
                             "The PDF was written, but pdftoppm is missing for the PNG: install poppler-utils."),
    # analysis.scenarios
    "compare_needs_two": ("比较至少需要两个方案。", "Give at least two scenarios to compare."),
    # analysis.siting.api
    "budget_mclp_only": ("预算只用于最大覆盖（MCLP）选址。", "A budget applies to MCLP siting only (--problem mclp)."),
    "budget_wan_invalid": ("预算必须是不小于 0 的万元数，收到 {budget}。", "The budget must be 万元 >= 0, got {budget}."),
    "min_floor_area_invalid": ("最小面积必须是不小于 0 的平方米数，收到 {v}。", "The minimum floor area must be m² >= 0, got {v}."),
    "state_idle_bonus_negative": ("国有闲置偏好加分必须不小于 0。", "The state-owned idle preference must be >= 0."),
    # analysis.siting.solvers
    "bonuses_invalid": ("偏好加分必须每点一个、不小于 0。", "Preference bonuses need one finite value >= 0 per candidate."),
    "budget_invalid": ("预算必须是不小于 0 的数（万元），收到 {budget}。", "The budget must be a number >= 0 (万元), got {budget}."),
    "budget_needs_costs": ("设置预算时需要每个候选点的费用（万元）。", "A budget needs a cost (万元) per candidate."),
    "costs_invalid": ("候选点费用必须每点一个、不小于 0。", "Candidate costs need one value >= 0 per candidate."),
    # analysis.standards: checking standards (TOML)
    "standard_featured_bool": ("核查标准 {file}：featured_space_required 必须是 true 或 false。",
                              "Standard {file}: featured_space_required must be true or false."),
    "standard_mandatory_not_list": ("核查标准 {file}：{what} 的 mandatory 必须是文字列表，如 [\"饮水机\"]。",
                                   "Standard {file}: {what} 'mandatory' must be a list of names, e.g. [\"饮水机\"]."),
    "standard_min_area": ("核查标准 {file}：min_area_m2 必须是不小于 0 的平方米数。",
                         "Standard {file}: min_area_m2 must be square metres >= 0."),
    "standard_min_flex": ("核查标准 {file}：min_flexible_spaces 必须是不小于 0 的整数。",
                         "Standard {file}: min_flexible_spaces must be a whole number >= 0."),
    "standard_not_found": ("找不到核查标准文件 {p}。", "Standard file {p} not found: check the path."),
    "standard_not_toml": ("核查标准 {file} 不是有效的 TOML（{err}）。",
                         "Standard {file} is not valid TOML ({err}): compare it with data/standards/default.toml."),
    "standard_not_utf8": ("核查标准 {file} 不是 UTF-8 文本。", "Standard {file} is not UTF-8 text: save it as UTF-8."),
    "standard_tables": ("核查标准 {file}：[centers] 和 [stations] 必须是表。",
                       "Standard {file}: [centers] and [stations] must be tables."),
    # analysis.worker_coverage
    "station_reach_invalid": ("驿站服务距离必须是正的米数，收到 {radius_m}。",
                             "The station reach must be a positive number of metres, got {radius_m}."),
    # analysis.worker_demand
    "workers_columns": ("户外劳动者图层需要“类型”和“人数”两列。", "The workers layer needs the columns 类型 (group) and 人数 (count)."),
    "workers_count_invalid": ("户外劳动者图层的“人数”必须是不小于 0 的数。",
                             "The workers layer's 人数 must be a number >= 0 in every row."),
    # cli.batch
    "dask_unreachable": ("无法连接 Dask 调度器 {scheduler}：{err}。", "Cannot reach the Dask scheduler {scheduler}: {err}."),
    "workers_threads_invalid": ("--workers 和 --threads 至少为 1。", "--workers and --threads must be at least 1."),
    # cli.guide_map
    "guide_map_area_missing": ("请用 --demo-areas 给出示范区范围。", "Give the area with --demo-areas."),
    "guide_map_area_unknown": ("没有名为“{area}”的示范区；可选：{names}。", "No area named '{area}'; choose one of: {names}."),
    # cli.scenario
    "compare_needs_two_names": ("比较至少需要两个不同的方案名称。", "Give at least two different scenario names to compare."),
    "scenario_name_taken": ("已有名为“{name}”的方案；换一个名称，或使用 --replace 覆盖。",
                           "A scenario named '{name}' already exists; choose another name or use --replace."),
    "site_arg_format": ("--site “{text}” 应写成 经度,纬度[,类型[,名称]]。",
                       "--site '{text}' must be LON,LAT[,KIND[,NAME]] (WGS-84 degrees)."),
    "site_arg_kind": ("--site 类型只能是 center 或 station（得到 {kind}）。",
                     "--site KIND must be center or station (got {kind})."),
    "site_arg_range": ("--site “{text}”：经纬度超出范围。", "--site '{text}': longitude/latitude out of range."),
    "sites_missing": ("请用 --site 经度,纬度 或 --sites 文件 给出拟建点位。",
                     "Give the proposed sites with --site LON,LAT or --sites FILE."),
    # geo.worker_pois
    "stops_unreadable": ("{name} 无法读取公交站点（{err}）。",
                        "{name} could not be read for transport stops ({err}): the file is probably damaged; export it again."),
    # analysis.standards, analysis.worker_demand, analysis.party_outputs, geo.safe_io: list-valued messages
    "standard_unknown_name": ("核查标准 {file}：不认识的{what}“{x}”，可用：{known}。",
                              "Standard {file}: unknown {what} '{x}'; known: {known}."),
    "workers_group_unknown": ("未知的户外劳动者类型：{groups}。", "Unknown worker group(s): {groups}."),
    "layers_missing": ("缺少图层：{layers}。", "Missing layer(s): {layers}."),
    "archive_member_outside": ("{name}：成员 {member} 会写到{dest}之外，已拒绝。",
                               "{name}: member {member} would be written outside {dest}; refused."),
    "archive_target_folder": ("目标文件夹", "the target folder"),  # {dest} of archive_member_outside in Chinese
    # analysis.coverage: layers off the street network, bad population
    "off_network_all": ("{n} 个{what}都不在步行路网 {max_access_m:g} 米范围内（{near}），覆盖率会是 0%，已停止。"
                        "请确认图层与路网文件（--osm）是同一城市，坐标系（--coords）是否选对。",
                        "None of the {n} {what} is within {max_access_m:g} m of a walking street ({near}); the coverage "
                        "would be 0%, so the run stopped. Check that the layer and the street file (--osm) are the same "
                        "city, and the coordinate system (--coords)."),
    "off_network_nearest": ("最近的“{name}”也相距 {km:,.1f} 公里", "the nearest, '{name}', is {km:,.1f} km away"),
    "off_network_none": ("没有一个能接入路网", "none can be snapped"),
    "off_network_centers": ("服务中心", "centers"),
    "off_network_demand": ("需求点（居民）", "demand"),
    "population_invalid": ("需求图层的人口必须是有限的、不小于 0 的人数：{n} 行不符（如第 {row} 行：{value}）。",
                           "Population must be a finite number of residents, zero or more, in every row of the demand "
                           "layer: {n} row(s) are not (e.g. row {row}: {value})."),
    # analysis.scenarios, analysis.siting.api
    "sites_off_network": ("{n} 个拟建点位离步行道路超过 {max_access_m:g} 米，请放在街道旁。",
                          "{n} proposed site(s) are more than {max_access_m:g} m from any walkable street; "
                          "put them beside a street."),
    "site_kind_unknown": ("未知的点位类型“{kind}”：请用 center（服务中心）或 red-station（红色驿站）。",
                          "Unknown site kind '{kind}': use 'center' (service center) or 'red-station' (红色驿站)."),
    "no_candidate_left": ("没有可用的候选点（离路网过远、距现有点位过近、面积不足或缺少费用）。",
                          "No candidate site is left after excluding those off the street network, near existing sites, "
                          "below the minimum floor area or without a cost under a budget: "
                          "add candidates, lower the minimum distance or area, or fill in areas and costs."),
    # cli.options: argparse types for numbers, output files and folders (zh / en on one line)
    "number_invalid": ("{label}“{text}”无效：应为{kind}，范围 {range}，请改正后重试。",
                       "{label} '{text}' is not valid: give {kind} {range}."),
    "number_whole": ("整数", "a whole number"),
    "number_any": ("数值", "a number"),
    "output_path_empty": ("输出路径为空，请给出文件名。", "The output path is empty; give a file name."),
    "output_path_is_folder": ("输出路径 {text} 是一个文件夹，请给出文件名，例如 {example}。",
                              "The output {text} is a folder; give a file name, e.g. {example}."),
    "output_suffix": ("输出文件 {text} 的扩展名应为 {want}，例如 {example}。",
                      "The output file {text} must end with {want}, e.g. {example}."),
    "output_read_only": ("输出文件 {text} 不可覆盖（只读），请换一个文件名。",
                         "The output file {text} is read-only; choose another name."),
    "output_cannot_write": ("无法写入 {text}：{why}。", "Cannot write {text}: {why}."),
    "output_folder_empty": ("输出文件夹为空，请给出文件夹名。", "The output folder is empty; give a folder name."),
    "output_folder_cannot_write": ("无法写入 {text}：{why}。", "Cannot write to {text}: {why}."),
    "output_place": ("输出位置", "the output's place"),
    "output_folder": ("输出文件夹", "the output folder"),
    "folder_is_file": ("{what} {folder} 是一个已有的文件，不是文件夹，请换一个文件夹名",
                       "{what} {folder} is an existing file, not a folder; choose a folder name"),
    "folder_not_writable": ("文件夹 {folder} 没有写入权限，请换一个可写的位置",
                            "the folder {folder} is not writable; choose a writable place"),
    "folder_parent_missing": ("文件夹 {parent} 不存在（只会自动创建最后一级文件夹）；请先创建它或检查路径（已存在的最近上级：{anc}）",
                              "the folder {parent} does not exist (only the last folder level is created for you); "
                              "create it first or check the path (nearest existing folder: {anc})"),
    "folder_parent_is_file": ("{parent} 是一个文件，不是文件夹，请检查路径", "{parent} is a file, not a folder; check the path"),
    "folder_parent_not_writable": ("无法在 {parent} 中创建文件夹（没有写入权限），请换一个可写的位置",
                                   "cannot create a folder in {parent} (not writable); choose a writable place"),
    "layer_no_crs": ("图层（{what}）没有坐标参考系：请保存时带上坐标系（经纬度用 WGS-84，EPSG:4326），或在导入时说明坐标所用的坐标系。",
                     "The {what} has no coordinate reference system. Save it with one (for lon/lat use "
                     "WGS-84, EPSG:4326) or tell the import which system the coordinates are in."),
}
