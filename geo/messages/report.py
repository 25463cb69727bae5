"""Report wording (PDF, HTML, XLSX): titles, sections, tables, columns, legends, method notes.

Keys are ``report.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # title and frame
    "title": ("8分钟党群连心服务圈步行覆盖评估报告", "8-minute service circle: walking coverage report"),
    "study_area": ("研究范围", "Study area"),
    "report_date": ("报告日期", "Report date"),
    "sample_area": ("杭州市中心（西湖东岸）示例城市", "Central Hangzhou (east shore of West Lake), sample city"),
    "demo_note": ("示例数据，非真实点位", "Illustrative demo data, not real sites (示例数据，非真实点位)"),
    "demo_note_long": (
        "本报告中的服务中心、红色驿站、网格、社区和候选点位为示例数据，仅用于演示分析方法，非真实点位。",
        "The service centers, red stations, grids, communities and candidate sites in this report are "
        "illustrative demo layers that show the method; they are not real sites.",
    ),
    "osm_licence": ("路网与底图数据：© OpenStreetMap contributors，开放数据库许可（ODbL 1.0）",
                    "Streets and basemap: © OpenStreetMap contributors, Open Database License (ODbL 1.0)"),
    "page": ("第 {n} 页", "Page {n}"),
    "software": ("软件", "Software"),
    # sections
    "sec_sources": ("二、数据来源", "2. Data sources"),
    "sec_params": ("三、分析参数", "3. Parameters"),
    "sec_headline": ("一、主要结论", "1. Headline figures"),
    "sec_maps": ("四、覆盖地图", "4. Coverage maps"),
    "sec_areas": ("五、分街道、社区、小区、网格覆盖", "5. Coverage by street, community, compound and grid"),
    "sec_gaps": ("六、覆盖缺口", "6. Coverage gaps"),
    "sec_centers": ("七、服务中心负荷与重复覆盖", "7. Center load and redundancy"),
    "sec_workers": ("八、红色驿站服务户外劳动者", "8. Red stations serving outdoor workers"),
    "sec_audit": ("九、阵地功能与驿站设施", "9. Center functions and red-station amenities"),
    "sec_charts": ("十、覆盖率与步行时间分布", "10. Coverage by minutes and walking times"),
    "sec_siting": ("十一、补点建议（缺口、候选用房、新增站点）", "11. Proposal (gaps, candidate buildings, new sites)"),
    "sec_method": ("方法说明", "Method note"),
    # sources table
    "src_date": ("日期", "Date"),
    "src_note": ("说明", "Note"),
    "src_osm": ("OpenStreetMap 路网、建筑、水体", "OpenStreetMap streets, buildings, water"),
    "src_centers": ("党群服务中心", "Party-masses service centers"),
    "src_demand": ("居民人口（需求点）", "Residents (demand points)"),
    "src_grids": ("网格", "Grids"),
    "src_communities": ("社区", "Communities"),
    "src_stations": ("红色驿站", "Red stations"),
    "src_candidates": ("候选点位", "Candidate sites"),
    "src_estimate": ("估算", "estimate"),
    # parameters
    "p_minutes": ("步行时间阈值", "Walking time threshold"),
    "p_speed": ("步行速度", "Walking speed"),
    "p_reach": ("对应步行距离", "Walking distance at threshold"),
    "p_access": ("接入距离上限（点到街道）", "Access distance cap (point to street)"),
    "p_thresholds": ("等时圈阈值", "Isochrone thresholds"),
    "p_frontage": ("街道两侧覆盖宽度", "Street frontage width"),
    "p_population": ("人口方法", "Population method"),
    "p_network": ("路网", "Walking network"),
    "p_standard": ("核查标准", "Audit standard"),
    "unit_min": ("分钟", "min"),
    "unit_m": ("米", "m"),
    "unit_kmh": ("千米/小时", "km/h"),
    "pop_estimate": ("人口为估算值（按建筑分布估算），非统计数据", "Population is an estimate (from building footprints), not census counts"),
    "pop_given": ("人口为输入图层提供的数值", "Population as given in the input layer"),
    "network_desc": ("{edges} 段街道，{km:.1f} 千米（OSM 可步行道路）", "{edges} street segments, {km:.1f} km (walkable OSM ways)"),
    # headline
    "h_total": ("居民总数", "Residents in total"),
    "h_share": ("覆盖率", "Share covered"),
    "h_uncovered": ("未覆盖居民", "Residents not covered"),
    "h_median": ("步行时间中位数", "Median walking time"),
    "h_p90": ("90%居民步行时间", "90th-percentile walking time"),
    "h_centers": ("服务中心数", "Service centers"),
    "h_circle": ("按直线圆圈计算的覆盖率", "Share covered by straight-line circles"),
    "h_off": ("距街道过远的居民", "Residents too far from any street"),
    "h_redundant": ("被两个及以上中心覆盖的居民", "Residents within reach of 2+ centers"),
    "covered_label": ("{m:g}分钟内可达居民", "Residents within {m:g} minutes"),
    "unreachable": ("不可达", "unreachable"),
    "headline_sentence": (
        "按实际步行路网计算，{share} 的居民（{covered} 人）可在 {m:g} 分钟内步行到达党群服务中心，"
        "{uncovered} 人尚未覆盖；若按直线圆圈计算，覆盖率为 {circle}。",
        "Along the real walking network, {share} of residents ({covered}) reach a service center within "
        "{m:g} minutes and {uncovered} are not covered; straight-line circles would claim {circle}.",
    ),
    # maps
    "map_coverage": ("图1  服务中心、步行等时圈与覆盖缺口", "Map 1. Centers, walking isochrones and gaps"),
    "map_circles": ("图2  直线圆圈与实际步行范围对比", "Map 2. Straight-line circles against the real walking reach"),
    "map_grids": ("图3  分网格覆盖率", "Map 3. Coverage share by grid"),
    "map_siting": ("图6  建议新增点位及补点后的步行范围", "Map 6. Proposed sites and the walking reach after adding them"),
    "chart_curve": ("图4  不同步行时间阈值下的覆盖率", "Figure 4. Coverage against minutes"),
    "chart_hist": ("图5  居民步行时间分布", "Figure 5. Walking times of residents"),
    "leg_center": ("党群服务中心", "Service center"),
    "leg_iso": ("{m:g}分钟步行范围", "{m:g}-minute walk"),
    "leg_circle": ("{m:g}分钟直线圆圈（{r:.0f}米）", "{m:g}-minute straight-line circle ({r:.0f} m)"),
    "leg_proposal": ("建议新增点位", "Proposed site"),
    "leg_proposal_reach": ("新增点位{m:g}分钟步行范围", "{m:g}-minute walk from proposed sites"),
    "leg_streets": ("街道", "Streets"),
    "leg_water": ("水体", "Water"),
    "leg_share": ("覆盖率", "Share covered"),
    "north": ("北", "N"),
    "axis_minutes": ("步行时间阈值（分钟）", "Threshold (minutes)"),
    "axis_share": ("覆盖率（%）", "Share covered (%)"),
    "axis_time": ("步行时间（分钟）", "Walking time (minutes)"),
    "hist_last_bin": ("≥{m:g}分钟或不可达", "≥{m:g} min or unreachable"),
    # tables
    "t_communities": ("分社区覆盖（按覆盖率从低到高）", "Coverage by community (worst first)"),
    "t_grids": ("分网格覆盖（按覆盖率从低到高）", "Coverage by grid (worst first)"),
    "t_gaps": ("覆盖缺口（按未覆盖居民排序）", "Coverage gaps, most uncovered residents first"),
    "t_centers": ("服务中心负荷与重复覆盖", "Center load and redundancy"),
    "t_curve": ("覆盖率随步行时间变化", "Coverage against minutes"),
    "t_hist": ("步行时间分布", "Walking-time histogram"),
    "t_center_audit": ("党群服务中心“3+1+N”功能核查", "3+1+N function audit of centers"),
    "t_station_audit": ("红色驿站配套设施核查", "Red-station amenity audit"),
    "map_workers": ("图：红色驿站服务范围与户外劳动者（红线为无驿站可达的繁忙道路）",
                    "Map: red-station reach and outdoor workers (red lines: busy streets with no station in reach)"),
    "leg_station_reach": ("红色驿站 {r} 米步行可达范围", "Red-station reach, {r} m walk"),
    "leg_busy_gap": ("无驿站可达的繁忙道路", "Busy street, no station in reach"),
    "leg_workers_served": ("户外劳动者（已服务）", "Outdoor workers (served)"),
    "leg_workers_unserved": ("户外劳动者（未服务）", "Outdoor workers (not served)"),
    "t_worker_groups": ("户外劳动者服务情况（按类型）", "Outdoor workers served, by group"),
    "t_worker_streets": ("无驿站可达的繁忙道路", "Busy streets with no red station in reach"),
    "t_worker_weights": ("户外劳动者估算权重与来源", "Outdoor-worker weights and sources"),
    "workers_intro": ("红色驿站面向环卫工人、外卖小哥、快递员、公交司机等城市一线户外工作者。驿站沿步行路网 {r} 米内的户外劳动者计为已服务"
                      "（服务距离为本产品假设，文件未规定）；繁忙道路指 OSM 的主干、次干、支路（trunk/primary/secondary/tertiary）。"
                      "共 {total} 人，已服务 {covered} 人（{share}）；繁忙道路中 {km} 公里无驿站可达。",
                      "Red stations serve sanitation workers, delivery riders, couriers, bus drivers and other outdoor "
                      "workers. Workers within {r} m of a station along the walking network count as served (a distance "
                      "this product assumes; the documents give none); busy streets are OSM trunk/primary/secondary/"
                      "tertiary. {total} workers, {covered} served ({share}); {km} km of busy streets have no station in reach."),
    "t_project_reasons": ("新增站点选址理由", "Why each proposed site was chosen"),
    "c_why_chosen": ("选址理由（新增覆盖、产权、面积、费用）", "Why chosen (adds, owner, floor area, cost)"),
    "c_unserved": ("未服务", "Not served"),
    "c_length_m": ("长度（米）", "Length (m)"),
    "c_source": ("来源", "Source"),
    "c_tag": ("依据", "Tag"),
    "c_weight": ("权重", "Weight"),
    "c_why": ("说明", "Why"),
    "t_summary": ("主要结论", "Headline figures"),
    "t_params": ("参数与数据来源", "Parameters and sources"),
    "t_demand_list": ("覆盖缺口清单", "Coverage gaps (覆盖缺口清单)"),
    "t_resource_list": ("候选用房清单", "Candidate buildings (候选用房清单)"),
    "t_project_list": ("新增站点方案", "Proposed new sites (新增站点方案)"),
    "t_before_after": ("补点前后对比", "Before and after"),
    "c_community": ("社区", "Community"),
    "c_grid_id": ("网格编号", "Grid id"),
    "c_grid_name": ("网格名称", "Grid"),
    "c_population": ("人口（人）", "Residents"),
    "c_covered_pop": ("覆盖人口（人）", "Covered"),
    "c_uncovered_pop": ("未覆盖人口（人）", "Not covered"),
    "c_covered_share": ("覆盖率", "Share covered"),
    "c_redundant_pop": ("多中心覆盖人口（人）", "Within reach of 2+ centers"),
    "c_gap_id": ("缺口编号", "Gap id"),
    "c_level": ("层级", "Level"),
    "c_load_pop": ("服务人口（阈值内，最近）", "Load (nearest, within threshold)"),
    "c_load_all_pop": ("最近中心人口（不限时间）", "Nearest-center residents (any time)"),
    "c_unique_pop": ("仅此中心覆盖（人）", "Covered only by this center"),
    "c_redundant_share": ("重复覆盖比例", "Share also reached by another"),
    "c_access_m": ("距街道（米）", "To street (m)"),
    "c_minutes": ("步行时间（分钟）", "Minutes"),
    "c_from_min": ("起（分钟）", "From (min)"),
    "c_to_min": ("止（分钟）", "To (min)"),
    "c_item": ("项目", "Item"),
    "c_value": ("数值", "Value"),
    "c_before": ("补点前", "Before"),
    "c_after": ("补点后", "After"),
    "c_change": ("变化", "Change"),
    "c_site_id": ("点位编号", "Site id"),
    "c_address": ("地址", "Address"),
    "c_added_pop": ("新增覆盖人口（人）", "Residents added"),
    "c_rank": ("顺序", "Order"),
    "c_selected": ("是否选中", "Selected"),
    "c_functions": ("具备功能", "Functions present"),
    "c_missing": ("缺少", "Missing"),
    "c_ok": ("是否达标", "Meets standard"),
    "none_found": ("无", "none"),
    "no_gaps": ("没有未覆盖的居民。", "No resident is outside the threshold."),
    "more_rows": ("（另有 {n} 行见 Excel 表格）", "({n} more rows in the spreadsheet)"),
    "no_audit": ("未提供该图层，本节从略。", "This layer was not given; section left out."),
    "siting_intro": (
        "补点建议分三张表：覆盖缺口清单列出未覆盖区域及其居民，候选用房清单列出可用的候选点位"
        "（如闲置公共用房），新增站点方案列出建议点位及各自新增覆盖人口。（区域化党建的需求清单、资源清单、"
        "项目清单见“三张清单”一节，二者不是一回事。）",
        "The proposal has three tables: coverage gaps (uncovered areas and who lives there), candidate "
        "buildings (such as idle public buildings) and proposed new sites (and what each adds). The "
        "needs, resources and projects lists of regional party building are a separate section.",
    ),
    "siting_method": ("选址方法：{m}", "Siting method: {m}"),
    "whatif_method": (
        "规划人员在地图上逐个放置的拟建站点（新增站点推演），非优化结果。",
        "Sites placed one by one on the map by the planner (what-if), not an optimisation result.",
    ),
    "kind_center": ("党群服务中心", "Service center"),
    "kind_station": ("红色驿站", "Red station"),
    "siting_kind_mclp": ("最大覆盖模型（MCLP）", "maximal covering (MCLP)"),
    "siting_kind_lscp": ("最少站点全覆盖模型（LSCP）", "set covering (LSCP)"),
    "siting_kind_pmedian": ("p-中位模型（总步行距离最短）", "p-median (least total walking)"),
    "siting_exact": ("精确求解（HiGHS）", "exact (HiGHS)"),
    "siting_greedy": ("贪心算法（近似）", "greedy (approximate)"),
    "siting_optimal": ("已证明最优", "proven optimal"),
    "siting_gap": ("与最优解差距不超过 {g}", "within {g} of the optimum"),
    "c_status": ("状态", "Status"),
    "st_chosen": ("已选中", "chosen"),
    "st_available": ("可用", "available"),
    "st_near": ("已排除：距现有站点不足 {m} 米", "excluded: within {m} m of an existing site"),
    "st_off": ("已排除：距街道超过 {m} 米", "excluded: more than {m} m from a street"),
    "st_excluded": ("已排除", "excluded"),
    "c_remaining_pop": ("补点后仍未覆盖（人）", "Still not covered after"),
    "c_owner": ("权属单位", "Owner"),
    "c_area_m2": ("面积（平方米）", "Area (m²)"),
    "c_cum_share": ("累计覆盖率", "Cumulative share covered"),
    "ba_covered": ("阈值内可达居民（人）", "Residents within the threshold"),
    "ba_share": ("覆盖率", "Share covered"),
    "ba_uncovered": ("未覆盖居民（人）", "Residents not covered"),
    "ba_median": ("步行时间中位数（分钟）", "Median walking time (min)"),
    "ba_p90": ("90%居民步行时间（分钟）", "90th-percentile walking time (min)"),
    "ba_centers": ("服务点位数", "Service sites"),
    # method note
    "method_network": (
        "覆盖按实际步行路网计算，而不是按直线半径画圆：从每个服务中心沿可步行街道（OpenStreetMap）"
        "计算到每个居民点的最短步行距离，按步行速度换算为分钟；居民点与中心先就近接入街道，"
        "接入距离计入步行距离，超过接入上限的点视为距街道过远。等时圈由可达街道段两侧各 {f:g} 米范围组成。",
        "Coverage is measured along the real walking network, not with circles: from every service center "
        "the shortest walking distance along walkable OpenStreetMap streets to every resident point is "
        "computed and turned into minutes at the walking speed; points join the nearest street and the "
        "access distance is part of the walk; points beyond the access cap count as too far from any street. "
        "Isochrones are the reached streets with {f:g} m of frontage on each side.",
    ),
    "method_population": (
        "{method}。人口数字用于比较不同区域，不宜作为统计口径引用。",
        "{method}. Use the figures to compare areas, not as official counts.",
    ),
    "method_population_given": ("人口：{method}。", "Population: {method}."),
    "method_circles": (
        "直线圆圈（半径 = 阈值 × 步行速度）仅用于对比，通常会高估覆盖。",
        "Straight-line circles (radius = threshold × speed) are shown for comparison only; they usually overstate coverage.",
    ),
    "method_gaps": (
        "覆盖缺口：未覆盖居民点按街道、社区、网格分开后，相邻的（{c:g} 米格网）连成一处；"
        "一处缺口东西、南北都不超过 {s:g} 米，更大的按 {s:g} 米方格切开。每处缺口都只属于一个社区、一个网格，"
        "各处居民相加等于未覆盖居民。步行时间从缺口的人口加权中心沿路网计算到最近的服务中心。",
        "Coverage gaps: uncovered resident points, separated by street, community and grid, joined where "
        "neighbours ({c:g} m cells); no gap spans more than {s:g} m east–west or north–south (larger ones are "
        "cut along a {s:g} m tiling). Every gap lies in one community and one grid, and the gaps add up to the "
        "uncovered residents. Walking minutes run from the gap's population-weighted centre along the network.",
    ),
    "method_households": (
        "户数：图层给出的按原值；未给出的按所在网格（或社区）的户均人口折算，都没有时按每户 {r:g} 人估算"
        "（第七次全国人口普查全国平均家庭户规模 2.62 人），表中标注“估算”。",
        "Households: as given by a layer; otherwise from the grid's (or community's) persons per household, "
        "else {r:g} persons per household (2020 national census average 2.62), marked as estimates.",
    ),
    "method_dual": (
        "双网融合：每个治理网格与重叠面积最大的党建网格配对（反之亦然），双向配对且重叠都不少于 {f:.0f}% 的为融合；"
        "其余部分（属于另一党建网格、无党建网格、或不在任何治理网格内）列为不一致，按面积和居民计。",
        "Dual-network fusion: each governance grid is paired with the party grid that overlaps it most (and "
        "vice versa); pairs matched both ways overlapping at least {f:.0f}% of each are fused; every other piece "
        "(in another party grid, in no party grid, outside every governance grid) is a disagreement, by area and residents.",
    ),
    "t_streets": ("各街道覆盖", "Coverage by street"),
    "t_compounds": ("各小区覆盖（从小区位置步行）", "Coverage by compound (walk from the compound)"),
    "t_dual": ("双网不一致之处", "Where party grids and governance grids disagree"),
    "t_dual_grids": ("治理网格与党建网格配对", "Governance grids and their party grids"),
    "dual_summary": (
        "治理网格 {n} 个，党建网格 {p} 个，完全融合 {f} 个；不一致面积 {a} 公顷（{sa}），涉及居民 {r} 人（{sr}）。",
        "{n} governance grids, {p} party grids, {f} fused; disagreement over {a} ha ({sa}) with {r} residents ({sr}).",
    ),
    "gap_largest": (
        "共 {n} 处覆盖缺口，合计 {t} 人（等于未覆盖居民）；最大一处 {g} 有 {p} 人，占 {s}。",
        "{n} coverage gaps holding {t} residents (= the uncovered residents); the largest, {g}, holds {p} ({s}).",
    ),
    "c_gap_name": ("名称（主要道路或小区）", "Name (main street or compound)"),
    "c_street": ("街道", "Street"),
    "c_households": ("户数（户）", "Households"),
    "c_beyond_min": ("超出阈值（分钟）", "Beyond threshold (min)"),
    "c_compound": ("小区", "Compound"),
    "c_old_compound": ("老旧小区", "Old compound"),
    "c_property": ("物业管理", "Property management"),
    "c_party_branch": ("党支部", "Party branch"),
    "c_grid_branch": ("网格党支部", "Grid party branch"),
    "c_grid_worker": ("网格员", "Grid worker"),
    "c_party_members": ("党员数", "Party members"),
    "c_kind": ("情况", "Kind"),
    "c_gov_grid": ("治理网格", "Governance grid"),
    "c_matched_party": ("配对党建网格", "Matched party grid"),
    "c_share_of_grid": ("占治理网格面积", "Share of governance grid"),
    "c_fused": ("融合", "Fused"),
    "c_pop_outside": ("配对之外居民", "Residents outside the match"),
}
