"""Report wording of the regional party-building outputs: three lists, road adoption (门前三包),
demonstration areas, guide map.

Keys are ``party.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # sections and tables
    "sec_lists": ("三张清单（需求清单、资源清单、项目清单）", "The three lists (needs, resources, projects)"),
    "sec_adoption": ("门前三包：驻区单位认领道路", "Road adoption by resident units (门前三包)"),
    "sec_demo_area": ("党建示范区", "Demonstration areas"),
    "t_needs": ("需求清单", "Needs list"),
    "t_needs_by_community": ("需求清单（按社区、小区汇总）", "Needs by community and compound"),
    "t_resources": ("资源清单", "Resources list"),
    "t_resources_by_kind": ("资源清单（按资源类别汇总）", "Resources by kind"),
    "t_projects": ("项目清单", "Projects list"),
    "t_matches": ("需求与资源匹配（步行距离内）", "Needs matched to resources (within walking distance)"),
    "t_adoption_units": ("各单位认领道路", "Roads adopted by each unit"),
    "t_adoption_streets": ("道路认领情况（按路名）", "Streets adopted or not (by name)"),
    "t_adoption_overlaps": ("认领重叠", "Overlapping adoption"),
    "t_adoption_rivers": ("河道认领（巡河责任段）", "River stretches adopted"),
    "t_demo_areas": ("示范区概况", "Demonstration areas"),
    "lists_intro": (
        "需求与资源按步行路网距离匹配（默认 {d:,.0f} 米，非直线），只匹配能满足该类需求的资源类别；"
        "容量按“最近优先”分配，未注明数量的需求计为 1。",
        "Needs are matched to resources within {d:,.0f} m along the walking network (not straight line), "
        "only to resource kinds that can meet the category; capacity is allocated nearest first, a need "
        "without a quantity counts as 1.",
    ),
    "adoption_intro": (
        "每个单位认领其门口（就近路段上的位置）沿步行路网向各方向 {d:g} 米内的道路，路段在 {d:g} 米处精确截断；"
        "门口到路边的直线距离不计入。河道按单位到河道最近点沿河线前后各 {d:g} 米计（{r:g} 米内的单位）。",
        "Each unit adopts the streets within {d:g} m along the walking network in every direction from its "
        "entrance's position on the nearest street, cut exactly at {d:g} m; the short access from the door is "
        "not counted. Rivers: {d:g} m either way along the river line from the unit's nearest point on it "
        "(units within {r:g} m).",
    ),
    "demo_area_intro": (
        "示范区内外人口按需求点位置统计；社区计入条件为其面积的 5% 以上位于示范区内；标准化中心指具备便民服务、"
        "办公议事、党群活动三项基本功能的党群服务中心。",
        "Residents inside/outside by the location of each demand point; a community counts when at least 5 % "
        "of its area lies inside; a standardised center has all three basic functions.",
    ),
    # columns
    "c_id": ("编号", "Id"),
    "c_need": ("需求内容", "Need"),
    "c_category": ("类别", "Category"),
    "c_quantity": ("数量", "Quantity"),
    "c_compound": ("小区", "Compound"),
    "c_place": ("社区·小区", "Community · compound"),
    "c_community": ("社区", "Community"),
    "c_status": ("状态", "Status"),
    "c_matched": ("可匹配", "Matched"),
    "c_nearest_unit": ("最近可用单位", "Nearest unit"),
    "c_nearest_m": ("步行距离（米）", "Walk (m)"),
    "c_allocated_unit": ("分配给", "Allocated to"),
    "c_unit": ("驻区单位", "Unit"),
    "c_kind": ("资源类别", "Kind"),
    "c_capacity": ("容量", "Capacity"),
    "c_capacity_unit": ("单位", "Unit of capacity"),
    "c_hours": ("开放时段", "Hours"),
    "c_n_needs_within": ("步行范围内需求数", "Needs in reach"),
    "c_allocated": ("已分配", "Allocated"),
    "c_unused": ("未使用容量", "Unused capacity"),
    "c_n_units": ("单位数", "Units"),
    "c_project": ("项目名称", "Project"),
    "c_claimed_by": ("认领单位", "Claimed by"),
    "c_claimed": ("已认领", "Claimed"),
    "c_unit_known": ("认领单位在驻区单位图层中", "Unit in units layer"),
    "c_start": ("开始日期", "Start"),
    "c_end": ("结束日期", "End"),
    "c_n_needs": ("需求数", "Needs"),
    "c_n_open": ("未完成", "Open"),
    "c_n_matched": ("可匹配", "Matched"),
    "c_n_unmatched": ("无资源可匹配", "Unmatched"),
    "c_adopted_m": ("认领长度（米）", "Adopted (m)"),
    "c_n_segments": ("路段数", "Segments"),
    "c_streets": ("道路", "Streets"),
    "c_on_network": ("在路网上", "On network"),
    "c_street": ("路名", "Street"),
    "c_length_m": ("长度（米）", "Length (m)"),
    "c_unadopted_m": ("未认领（米）", "Not adopted (m)"),
    "c_adopted_share": ("认领比例", "Share adopted"),
    "c_units": ("认领单位", "Units"),
    "c_unit_a": ("单位甲", "Unit A"),
    "c_unit_b": ("单位乙", "Unit B"),
    "c_shared_m": ("重叠长度（米）", "Shared (m)"),
    "c_river": ("河道", "River"),
    "c_to_river_m": ("距河道（米）", "To river (m)"),
    "c_area": ("示范区", "Area"),
    "c_area_km2": ("面积（平方千米）", "Area (km²)"),
    "c_residents": ("居民（人）", "Residents"),
    "c_households": ("户数", "Households"),
    "c_n_communities": ("社区数", "Communities"),
    "c_communities": ("社区", "Community names"),
    "c_n_centers": ("党群服务中心", "Service centers"),
    "c_n_stations": ("红色驿站", "Red stations"),
    "c_n_demo_centers": ("示范型中心", "Demonstration centers"),
    "c_n_std_centers": ("标准化中心", "Standardised centers"),
    "c_share_inside": ("区内覆盖率", "Covered inside"),
    "c_share_outside": ("区外覆盖率", "Covered outside"),
    "c_residents_outside": ("区外居民", "Residents outside"),
    # maps
    "leg_adopted": ("已认领路段", "Adopted street segments"),
    "leg_unadopted": ("无人认领路段", "Street segments nobody adopted"),
    "leg_river_adopted": ("认领河段", "Adopted river stretch"),
    "leg_unit": ("驻区单位", "Resident unit"),
    "leg_area": ("示范区范围", "Demonstration area"),
    "map_adoption": ("门前三包认领道路图", "Road adoption map"),
    # guide map
    "guide_title": ("{area}党建导引图", "Party-building guide map: {area}"),
    "guide_list": ("阵地一览", "Positions"),
    "guide_title_short": ("党建导引图", "Party-building guide map"),
    "guide_facts": ("示范区概况", "The area in figures"),
    "guide_center": ("党群服务中心", "Service center"),
    "guide_station": ("红色驿站", "Red station"),
    "guide_position": ("共建阵地", "Co-building position"),
    "guide_walk": ("{m:g}分钟步行范围（步行路网）", "{m:g}-minute walking area (walking network)"),
    "guide_boundary": ("示范区范围", "Area boundary"),
    "guide_footer": ("步行范围按真实步行路网计算，步速 {s:g} 千米/小时。制图：ServiceCircle · {date}",
                     "Walking areas along the real walking network at {s:g} km/h. Made with ServiceCircle · {date}"),
    "guide_hours": ("开放时间", "Hours"),
    "guide_count": ("（{n}）", " ({n})"),  # a count after a heading
    "guide_n_units": ("驻区单位", "Units"),
}
