"""Notes of a siting result (analysis.siting), shown in the app, the CLI and exports.

Keys are ``siting.<name>`` in :mod:`geo.messages`; values are (Chinese, English).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "note": ("注：{note}", "Note: {note}"),
    # demand units (the result's ``unit``)
    "unit_residents": ("居民", "residents"),
    "unit_workers": ("户外劳动者", "outdoor workers"),
    "unit_work_units": ("户外劳动权重", "outdoor-work units"),
    "demand_proxy": (
        "红色驿站的需求是户外劳动的代理指标（来自 OSM 的道路等级、商铺、餐馆、市场、快递网点），为相对单位，不是劳动者人数。",
        "Red-station demand is a proxy of outdoor work (street class, shops, restaurants, markets, "
        "courier depots from OSM) in relative units, not a count of workers.",
    ),
    "demand_workers": (
        "红色驿站的需求：按类型统计的户外劳动者（环卫工人、外卖骑手/快递员、公交/出租车司机、其他），"
        "由 OSM 按所示权重估算或由规划人员统计。",
        "Red-station demand: outdoor workers by group (sanitation, delivery/courier, bus/taxi drivers, "
        "others), estimated from OSM with the weights shown or counted by the planner.",
    ),
    "candidates_generated": (
        "候选点位在街道（{classes}）上自动生成，相距至少 {spacing:g} 米；真实选址请提供自己的候选点位图层。",
        "Candidates generated on streets ({classes}) at least {spacing:g} m apart; give your own candidate "
        "layer for real sites.",
    ),
    "only_n_add": (
        "只有 {n} 个新增站点能增加覆盖；从这些候选点位再多选站点也不会覆盖新的需求。",
        "Only {n} new site(s) add coverage; more sites from these candidates would cover nothing new.",
    ),
    "only_n_add_budget": (
        "只有 {n} 个新增站点能增加覆盖；从这些候选点位再多选站点不会覆盖新的需求或会超出预算。",
        "Only {n} new site(s) add coverage; more sites from these candidates would cover nothing new "
        "or exceed the budget.",
    ),
    "uncoverable": (
        "{n:,} 个需求点上的 {weight:,.0f} {unit}在阈值内没有任何候选点位能覆盖：请在其附近增加候选点位（或放宽阈值）。",
        "No candidate covers {weight:,.0f} {unit} at {n:,} demand points within the threshold: "
        "add candidate sites near them (or a longer threshold) to cover them.",
    ),
    "pmedian_cap": (
        "步行距离只算到 {far:,.0f} 米；离所有站点都更远的需求在 p-中位总步行中按 {far:,.0f} 米计。",
        "Walking distances are known up to {far:,.0f} m; demand farther than that from every site "
        "counts at {far:,.0f} m in the p-median total.",
    ),
    # why each site was chosen (analysis.siting.facts.reasons)
    "reason": ("{verb}{unit} {adds:,.0f}{pct}；产权：{owner}；面积 {area}；费用 {cost}{pref}",
               "{verb} {adds:,.0f} {unit}{pct}; owner: {owner}; floor area {area}; cost {cost}{pref}"),
    "reason_share": ("（{pct:.1f}%）", " ({pct:.1f}%)"),
    "reason_state_idle": ("；国有闲置用房优先", "; state-owned idle property preferred"),
    "verb_adds": ("新增覆盖", "adds"),
    "verb_saves": ("缩短步行", "saves"),
    "unit_resident_minutes": ("（人·分钟）", "resident-minutes of walking"),
    "unit_weight_minutes": ("（权重·分钟）", "weight-minutes of walking"),
    "unit_wan": ("万元", "万元 (10k CNY)"),
    # owner types of candidate buildings (the candidates layer's 产权类型 column)
    "owner_state_idle": ("国有闲置", "state-owned, idle"),
    "owner_state": ("国有", "state-owned (in use)"),
    "owner_collective": ("集体", "collective"),
    "owner_private": ("私人", "private"),
    "owner_other": ("其他", "other"),
    "owner_unknown": ("未填", "not given"),
}
