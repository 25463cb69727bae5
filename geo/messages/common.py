"""One wording shared by several places (app tables, report tables, map legends).

Keys are ``common.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "area_ha": ("面积（公顷）", "Area (ha)"),
    "coverage_gap": ("覆盖缺口", "Coverage gap"),
    "covered": ("已覆盖", "Covered"),
    "data": ("数据", "Data"),
    # kinds of disagreement of the dual-network check (analysis.dual_grid ``kind``)
    "dual_other_party_grid": ("属于另一党建网格", "in another party grid"),
    "dual_no_party_grid": ("无党建网格覆盖", "no party grid"),
    "dual_no_governance_grid": ("不在任何治理网格内", "outside every governance grid"),
    "dual_title": ("双网融合检查（党建网格与治理网格）", "Dual-network check (party grids against governance grids)"),
    "grid": ("网格", "Grid"),
    "id": ("编号", "Id"),
    "median_walk_min": ("步行中位数（分钟）", "Median walk (min)"),
    "n_gaps": ("缺口数", "Gaps"),
    "name": ("名称", "Name"),
    "nearest_center": ("最近服务中心", "Nearest center"),
    "no": ("否", "no"),
    "no_problems": ("未发现问题。", "No problems found."),
    "not_in_reach_m": ("无驿站可达（米）", "Not in reach (m)"),
    "osm_attribution": ("© OpenStreetMap contributors", "© OpenStreetMap contributors"),
    "overstatement": ("直线圆圈高估覆盖", "Straight-line circles overstate coverage"),
    "party_grid": ("党建网格", "Party grid"),
    "red_station": ("红色驿站", "Red station"),
    "residents": ("居民（人）", "Residents"),
    "served": ("已服务", "Served"),
    "street_class": ("道路等级", "Class"),
    "walk_min": ("步行（分钟）", "Walk (min)"),
    "worker_group": ("类型", "Group"),
    "workers": ("人数", "Workers"),
    "yes": ("是", "yes"),
}
