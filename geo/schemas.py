"""Schemas of the planners' layers: fields, units, Chinese/English header aliases, examples.

One :class:`LayerSchema` per layer type in :data:`LAYER_SCHEMAS` ("centers", "stations", "grids",
"communities", "candidates", "demand"; regional party building: "units" 驻区单位, "needs" 需求,
"projects" 项目, "demo_areas" 示范区). Readers use the aliases to map whatever headers a file
has onto canonical English column names; the templates under ``data/templates/`` are written
from the same definitions (:mod:`geo.templates`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    """One attribute. ``kind``: "str", "int", "float", "bool", "list" or "enum"."""

    name: str                       # canonical English column name
    zh: str                         # Chinese header used in templates and messages
    kind: str = "str"
    required: bool = False
    unit: str = ""                  # e.g. "m²", "人", "户"
    aliases: tuple[str, ...] = ()   # further accepted headers (zh and en)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # enum value -> accepted spellings
    example: object = ""
    doc_en: str = ""

    @property
    def header_zh(self) -> str:
        """Chinese header with the unit in parentheses, e.g. ``人数(人)``; without a unit just ``zh``."""
        return f"{self.zh}({self.unit})" if self.unit else self.zh

    def all_aliases(self) -> tuple[str, ...]:
        """Every header this field is recognised by.

        Returns
        -------
        tuple of str
            ``name``, ``zh``, ``header_zh`` and the further ``aliases`` (not normalised).
        """
        return (self.name, self.zh, self.header_zh, *self.aliases)


@dataclass(frozen=True)
class LayerSchema:
    """A layer type: allowed geometry ("point", "polygon") and its fields."""

    layer_type: str
    zh: str
    en: str
    geometry: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    example_wkt: str = ""
    example_lonlat: tuple[float, float] | None = None

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``.

        Parameters
        ----------
        name : str
            Canonical English column name.

        Returns
        -------
        FieldSpec
            Its specification.

        Raises
        ------
        KeyError
            The layer type has no such field.
        """
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        """The fields a file must have (``required=True``), in schema order."""
        return tuple(f for f in self.fields if f.required)


# Coordinate / geometry column aliases (shared by every layer type).
LON_ALIASES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "经度(e)", "经度e", "gcj经度", "bd经度", "wgs84经度")
LAT_ALIASES = ("lat", "latitude", "y", "纬度", "北纬", "纬度(n)", "纬度n", "gcj纬度", "bd纬度", "wgs84纬度")
WKT_ALIASES = ("wkt", "geometry", "geom", "the_geom", "几何", "几何(wkt)", "范围(wkt)", "边界(wkt)", "wkt几何")
LONLAT_ALIASES = ("坐标", "经纬度", "lonlat", "lnglat", "coordinates", "坐标(经度,纬度)")
CRS_ALIASES = ("坐标系", "crs", "datum", "坐标系统")

_TRUE = ("1", "是", "有", "y", "yes", "true", "t", "√", "✓", "✔", "○", "配备", "已配备", "具备")
_FALSE = ("0", "否", "无", "n", "no", "false", "f", "×", "✗", "未配备", "没有", "不具备")

_ID = FieldSpec("id", "编号", aliases=("序号", "代码", "编码", "id", "fid", "code", "no", "site_id", "center_id", "station_id", "grid_id", "网格编号", "社区编号", "点位编号"), example="001")
_ADDRESS = FieldSpec("address", "地址", aliases=("详细地址", "位置", "addr", "location"), example="杭州市上城区湖滨街道")
_COMMUNITY = FieldSpec("community", "所属社区", aliases=("社区", "community_name", "所在社区"), example="东坡路社区")
_STREET = FieldSpec("street", "所属街道", aliases=("街道", "乡镇街道", "subdistrict", "street_name", "所在街道"), example="湖滨街道")
_HOURS = FieldSpec("opening_hours", "开放时间", aliases=("开放时段", "服务时间", "营业时间", "hours", "open_hours"), example="08:30-17:30")
_NOTES = FieldSpec("notes", "备注", aliases=("说明", "note", "remarks", "comment"), example="")


def _bool(name: str, zh: str, *aliases: str, example: object = "是") -> FieldSpec:
    return FieldSpec(name, zh, "bool", aliases=aliases, example=example)


CENTER_FUNCTIONS: tuple[tuple[str, str, str], ...] = (
    ("func_convenience", "便民服务", "convenience services"),
    ("func_office", "办公议事", "office / deliberation"),
    ("func_activity", "党群活动", "party-masses activities"),
)
STATION_AMENITIES: tuple[tuple[str, str, str], ...] = (
    ("water_dispenser", "饮水机", "water dispenser"),
    ("fridge", "电冰箱", "fridge"),
    ("microwave", "微波炉", "microwave"),
    ("air_conditioning", "空调", "air conditioning"),
    ("phone_charging", "手机充电", "phone charging"),
    ("toilet", "厕所", "toilet"),
    ("first_aid_kit", "急救箱", "first-aid kit"),
    ("rest_seats", "休息座椅", "rest seats"),
)

_AMENITY_ALIASES = {
    "water_dispenser": ("饮水", "热水", "饮用水"),
    "fridge": ("冰箱",),
    "phone_charging": ("充电", "充电桩", "充电设施"),
    "toilet": ("卫生间", "公厕", "厕所/卫生间"),
    "first_aid_kit": ("医药箱", "急救包", "应急药箱"),
    "rest_seats": ("座椅", "休息区", "桌椅"),
}

CENTERS = LayerSchema(
    "centers", "党群服务中心", "service centers", ("point",),
    (
        _ID,
        FieldSpec("name", "名称", required=True, aliases=("中心名称", "站点名称", "阵地名称", "服务中心名称", "name", "title"), example="湖滨街道党群服务中心"),
        FieldSpec("level", "层级", "enum", aliases=("级别", "类型", "level", "type"),
                  choices={"street": ("街道", "街道级", "street"), "community": ("社区", "社区级", "community"),
                           "compound": ("小区", "小区级", "楼宇", "园区", "compound", "estate")}, example="街道"),
        _ADDRESS, _COMMUNITY, _STREET,
        FieldSpec("area_m2", "面积", "float", unit="㎡", aliases=("建筑面积", "使用面积", "面积(m2)", "面积(平方米)", "面积㎡", "area", "floor_area", "area_m2"), example=800),
        _HOURS,
        _bool("func_convenience", "便民服务", "便民服务功能", "convenience"),
        _bool("func_office", "办公议事", "议事", "办公", "office", "deliberation"),
        _bool("func_activity", "党群活动", "活动", "活动空间", "活动功能", "党群活动空间", "activities", "activity"),
        FieldSpec("featured_space", "特色空间", aliases=("1个特色空间", "特色", "featured", "featured_space"), example="红色书房"),
        FieldSpec("flexible_spaces", "灵活空间", "list", aliases=("N个灵活空间", "多功能空间", "拓展空间", "flexible", "flexible_spaces"), example="老年食堂、儿童托管"),
        FieldSpec("functions", "功能", "list", aliases=("服务功能", "功能设置", "functions"), example=""),
        _bool("demonstration", "示范", "是否示范", "示范点", "示范站点", "demonstration", "demo_site", example="否"),
        _NOTES,
    ),
    example_lonlat=(120.1636, 30.2588),
)

STATIONS = LayerSchema(
    "stations", "红色驿站", "red stations", ("point",),
    (
        _ID,
        FieldSpec("name", "名称", required=True, aliases=("驿站名称", "站点名称", "name"), example="东坡路红色驿站"),
        FieldSpec("host_unit", "依托单位", aliases=("主办单位", "承建单位", "运营单位", "host", "host_unit"), example="湖滨街道"),
        _ADDRESS, _COMMUNITY, _STREET, _HOURS,
        *(_bool(k, zh, en, en.replace(" ", "_"), *_AMENITY_ALIASES.get(k, ())) for k, zh, en in STATION_AMENITIES),
        FieldSpec("area_m2", "面积", "float", unit="㎡", aliases=("建筑面积", "使用面积", "面积(m2)", "面积(平方米)", "面积㎡", "area", "floor_area", "area_m2"),
                  example=300, doc_en="floor area, m² (the Daguan 运河城市驿站 is about 300 m²)"),
        FieldSpec("amenities", "配套设施", "list", aliases=("设施", "服务设施", "amenities"), example=""),
        _NOTES,
    ),
    example_lonlat=(120.1655, 30.2601),
)

#: party organisation of a grid (社区党委(总支)—网格党支部—党小组; seeds: huzhou, hangzhou)
_GRID_PARTY = (
    FieldSpec("party_branch", "网格党支部", aliases=("党支部", "网格党支部名称", "party_branch", "branch"), example="东坡路社区第一网格党支部"),
    FieldSpec("grid_worker", "网格员", aliases=("专职网格员", "网格长", "grid_worker", "worker"), example="李明"),
    FieldSpec("party_members", "党员数", "int", unit="人", aliases=("党员人数", "党员", "party_members", "members"), example=35),
)

GRIDS = LayerSchema(
    "grids", "网格", "grids", ("polygon",),
    (
        _ID,
        FieldSpec("name", "网格名称", required=True, aliases=("名称", "name", "grid_name"), example="东坡路社区第一网格"),
        _COMMUNITY, _STREET,
        FieldSpec("population", "人口", "float", unit="人", aliases=("常住人口", "人口数", "人数", "population", "pop"), example=1500),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households", "hh"), example=600),
        *_GRID_PARTY,
        _NOTES,
    ),
    example_wkt="POLYGON ((120.1620 30.2570, 120.1660 30.2570, 120.1660 30.2600, 120.1620 30.2600, 120.1620 30.2570))",
)

PARTY_GRIDS = LayerSchema(
    "party_grids", "党建网格", "party grids", ("polygon",),
    (
        _ID,
        FieldSpec("name", "党建网格名称", required=True, aliases=("网格名称", "名称", "党建网格", "name", "grid_name"), example="东坡路社区第一党建网格"),
        _COMMUNITY, _STREET,
        *_GRID_PARTY,
        _NOTES,
    ),
    example_wkt="POLYGON ((120.1620 30.2570, 120.1660 30.2570, 120.1660 30.2600, 120.1620 30.2600, 120.1620 30.2570))",
)

_GRID_REF = FieldSpec("grid_id", "所属网格", aliases=("网格", "网格编号", "所在网格", "grid", "grid_id"), example="G001")

COMPOUNDS = LayerSchema(
    "compounds", "小区", "compounds", ("point", "polygon"),
    (
        FieldSpec("id", "编号", aliases=("序号", "代码", "编码", "id", "fid", "code", "no", "小区编号", "compound_id"), example="X001"),
        FieldSpec("name", "小区名称", required=True, aliases=("名称", "小区", "院落", "name", "compound", "estate"), example="划船小区"),
        _ADDRESS, _COMMUNITY, _STREET, _GRID_REF,
        FieldSpec("population", "人口", "float", unit="人", aliases=("常住人口", "人口数", "人数", "population", "pop"), example=1200),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households", "hh"), example=460),
        _bool("old_compound", "老旧小区", "是否老旧小区", "老小区", "old", "old_compound", example="是"),
        _bool("property_management", "物业管理", "有物业", "物业", "有无物业", "物业管理(有/无)", "property_management", "managed", example="有"),
        _bool("party_branch", "党支部", "小区党支部", "是否建立党支部", "建立党支部", "party_branch", example="是"),
        _NOTES,
    ),
    example_lonlat=(120.1690, 30.2640),
)

BUILDINGS = LayerSchema(
    "buildings", "楼道", "buildings", ("point", "polygon"),
    (
        FieldSpec("id", "编号", aliases=("序号", "楼号", "楼栋号", "id", "fid", "code", "building_id"), example="1幢2单元"),
        FieldSpec("name", "楼道名称", required=True, aliases=("楼栋", "楼道", "名称", "单元", "name", "building"), example="划船小区1幢2单元"),
        FieldSpec("compound", "所属小区", aliases=("小区", "小区名称", "compound", "estate"), example="划船小区"),
        _COMMUNITY, _GRID_REF,
        FieldSpec("population", "人口", "float", unit="人", aliases=("常住人口", "人数", "population", "pop"), example=60),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households", "hh"), example=24),
        FieldSpec("stairwell_leader", "楼道长", aliases=("楼长", "单元长", "stairwell_leader", "leader"), example="王阿姨"),
        _NOTES,
    ),
    example_lonlat=(120.1691, 30.2641),
)

COMMUNITIES = LayerSchema(
    "communities", "社区", "communities", ("polygon",),
    (
        _ID,
        FieldSpec("name", "社区名称", required=True, aliases=("名称", "社区", "name", "community_name"), example="东坡路社区"),
        _STREET,
        FieldSpec("population", "人口", "float", unit="人", aliases=("常住人口", "人口数", "population", "pop"), example=8000),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households"), example=3200),
        _NOTES,
    ),
    example_wkt="POLYGON ((120.1600 30.2550, 120.1700 30.2550, 120.1700 30.2620, 120.1600 30.2620, 120.1600 30.2550))",
)

CANDIDATES = LayerSchema(
    "candidates", "候选点位", "candidate sites", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "名称", aliases=("点位名称", "房屋名称", "name"), example="原社区用房（闲置）"),
        _ADDRESS, _COMMUNITY, _STREET,
        FieldSpec("area_m2", "面积", "float", unit="㎡", aliases=("建筑面积", "可用面积", "面积(m2)", "面积(平方米)", "area", "area_m2"), example=300),
        FieldSpec("owner", "产权单位", aliases=("权属", "产权", "owner"), example="区机关事务管理局"),
        FieldSpec("owner_type", "产权类型", "enum", aliases=("权属类型", "产权性质", "房屋性质", "owner_type", "ownership"),
                  choices={
                      "state_idle": ("国有闲置", "闲置国有资产用房", "闲置国有", "国有闲置资产", "闲置公房", "国企闲置",
                                     "state_idle", "state-idle", "idle state-owned"),
                      "state": ("国有", "国有资产", "公房", "国企", "state", "state-owned"),
                      "collective": ("集体", "村集体", "社区集体", "股份经济合作社", "collective"),
                      "private": ("私人", "私有", "个人", "私营", "private"),
                      "other": ("其他", "合作单位", "other"),
                  }, example="国有闲置",
                  doc_en="owner type: state-owned idle property (国有闲置) is preferred in siting"),
        FieldSpec("cost_wan", "费用", "float", unit="万元",
                  aliases=("改造费用", "建设费用", "租金", "成本", "费用(万元)", "投入", "cost", "cost_wan", "cost_10k_cny"),
                  example=20, doc_en="cost of making it a site (renovation, rent), 万元 (10,000 CNY); used with a budget"),
        _NOTES,
    ),
    example_lonlat=(120.1683, 30.2650),
)

DEMAND = LayerSchema(
    "demand", "需求点", "demand", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "名称", aliases=("小区名称", "小区", "name"), example="某小区"),
        FieldSpec("population", "人口", "float", required=True, unit="人", aliases=("常住人口", "人口数", "人数", "population", "pop", "weight"), example=1200),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households"), example=450),
        _COMMUNITY, _NOTES,
    ),
    example_lonlat=(120.1700, 30.2700),
)

# ----------------------------------------------------------------------------- regional party building
# (区域化党建, Changsha / Ningbo seed documents): resident units and what they offer, residents'
# needs, co-building projects, demonstration areas.

#: Resource kinds a resident unit (驻区单位) can offer: key, zh, en, unit of capacity (zh, en).
RESOURCE_KINDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("meeting_room", "会议室", "meeting room", "人", "seats"),
    ("venue", "活动场地", "activity venue", "人", "people"),
    ("parking", "停车位", "parking spaces", "个", "spaces"),
    ("volunteers", "志愿服务", "volunteers", "人", "volunteers"),
    ("medical", "医疗服务", "medical service", "人次", "visits"),
    ("teaching", "教育培训", "teaching / training", "人", "learners"),
    ("canteen", "助餐", "meals", "份", "meals"),
    ("sports", "文体设施", "sports and culture facilities", "人", "people"),
)
RESOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "meeting_room": ("会议室", "议事室", "会议厅", "报告厅", "meeting room", "meeting_room"),
    "venue": ("活动场地", "场地", "活动室", "礼堂", "大讲堂", "venue", "activity venue"),
    "parking": ("停车位", "车位", "停车场", "夜间停车", "错时停车", "parking"),
    "volunteers": ("志愿服务", "志愿者", "帮扶", "结对帮扶", "volunteers", "volunteer"),
    "medical": ("医疗服务", "义诊", "医疗", "健康服务", "medical"),
    "teaching": ("教育培训", "讲课", "课堂", "党课", "培训", "辅导", "teaching", "training"),
    "canteen": ("助餐", "食堂", "就餐", "老年食堂", "canteen", "meals"),
    "sports": ("文体设施", "运动场", "体育场地", "球场", "sports"),
}
#: Need categories (需求类别) and the resource kinds that can meet each; 微心愿 (micro wishes) are
#: met by volunteers, 议事 by a meeting room or a venue (the product's own assumption).
NEED_CATEGORIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("meeting_room", "议事场地", "meeting space", ("meeting_room", "venue")),
    ("venue", "活动场地", "activity space", ("venue", "meeting_room", "sports")),
    ("parking", "停车", "parking", ("parking",)),
    ("micro_wish", "微心愿", "micro wish", ("volunteers",)),
    ("volunteers", "志愿帮扶", "volunteer help", ("volunteers",)),
    ("medical", "助医", "medical help", ("medical",)),
    ("teaching", "助学", "learning", ("teaching",)),
    ("canteen", "助餐", "meals", ("canteen",)),
    ("sports", "文体", "sports and culture", ("sports", "venue")),
)
_NEED_ALIASES: dict[str, tuple[str, ...]] = {
    "meeting_room": ("议事场地", "会议室", "议事", "开会"),
    "venue": ("活动场地", "场地", "活动室"),
    "parking": ("停车", "停车难", "停车位", "车位"),
    "micro_wish": ("微心愿", "心愿", "micro wish", "wish"),
    "volunteers": ("志愿帮扶", "帮扶", "志愿服务", "帮困", "助困", "助残"),
    "medical": ("助医", "看病", "医疗", "义诊", "健康"),
    "teaching": ("助学", "教育", "课堂", "辅导", "培训"),
    "canteen": ("助餐", "就餐", "吃饭", "食堂"),
    "sports": ("文体", "文体活动", "运动", "健身"),
}

UNITS = LayerSchema(
    "units", "驻区单位", "resident units", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "单位名称", required=True, aliases=("名称", "单位", "驻区单位", "name", "unit", "unit_name"), example="市成人教育学院"),
        FieldSpec("unit_type", "单位类型", "enum", aliases=("类型", "性质", "单位性质", "type", "unit_type"),
                  choices={"agency": ("机关", "机关单位", "事业单位", "agency", "government"),
                           "school": ("学校", "院校", "高校", "school"),
                           "hospital": ("医院", "卫生院", "卫生服务中心", "hospital"),
                           "enterprise": ("企业", "公司", "银行", "国企", "enterprise", "company"),
                           "social_org": ("社会组织", "协会", "social organisation", "ngo"),
                           "other": ("其他", "other")}, example="学校"),
        FieldSpec("party_org", "党组织", aliases=("党组织名称", "所属党组织", "党支部", "party_org", "party organisation"), example="市成人教育学院党委"),
        _ADDRESS, _COMMUNITY, _STREET,
        FieldSpec("offers", "可共享资源", "list", aliases=("资源", "共享资源", "资源清单", "提供资源", "offers", "resources"),
                  example="会议室(60)、停车位(40)",
                  doc_en="resources offered as kind(capacity), e.g. 会议室(60)、停车位(40); kinds: "
                         + ", ".join(f"{zh} {en}" for _, zh, en, _, _ in RESOURCE_KINDS)),
        FieldSpec("offer_hours", "开放时段", aliases=("资源开放时间", "共享时段", "开放时间", "hours", "offer_hours"), example="工作日 18:00-次日07:00"),
        FieldSpec("contact", "联系人", aliases=("联系方式", "联络员", "contact"), example="张老师"),
        _NOTES,
    ),
    example_lonlat=(120.1650, 30.2570),
)

NEEDS = LayerSchema(
    "needs", "需求", "needs", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "需求内容", required=True, aliases=("需求", "内容", "需求描述", "描述", "名称", "name", "description"), example="老旧小区夜间停车难"),
        FieldSpec("category", "需求类别", "enum", required=True, aliases=("类别", "类型", "分类", "category", "kind"),
                  choices={k: (zh, *_NEED_ALIASES.get(k, ()), en) for k, zh, en, _ in NEED_CATEGORIES}, example="停车"),
        FieldSpec("quantity", "需求数量", "float", aliases=("数量", "人数", "规模", "quantity", "amount"),
                  doc_en="in the capacity unit of the matching resource (people, spaces, meals…); blank = 1", example=20),
        FieldSpec("compound", "所在小区", aliases=("小区", "院落", "小区名称", "compound", "estate"), example="划船小区"),
        _COMMUNITY,
        FieldSpec("status", "状态", "enum", aliases=("办理状态", "进度", "status"),
                  choices={"open": ("待认领", "未认领", "待办", "open"), "claimed": ("已认领", "办理中", "claimed", "in progress"),
                           "done": ("已完成", "已办结", "完成", "done", "closed")}, example="待认领"),
        _NOTES,
    ),
    example_lonlat=(120.1700, 30.2600),
)

PROJECTS = LayerSchema(
    "projects", "项目", "projects", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "项目名称", required=True, aliases=("项目", "名称", "共建项目", "title", "name"), example="夜间错时停车共享"),
        FieldSpec("claimed_by", "认领单位", aliases=("认领", "承接单位", "共建单位", "claimed_by", "unit"), example="市成人教育学院"),
        _COMMUNITY,
        FieldSpec("status", "项目状态", "enum", aliases=("状态", "进度", "status"),
                  choices={"unclaimed": ("待认领", "未认领", "unclaimed"), "claimed": ("已认领", "claimed"),
                           "ongoing": ("实施中", "进行中", "ongoing"), "done": ("已完成", "完成", "done")}, example="实施中"),
        FieldSpec("start_date", "开始日期", aliases=("开始时间", "start", "start_date"), example="2024-03-01"),
        FieldSpec("end_date", "结束日期", aliases=("完成时间", "结束时间", "end", "end_date"), example="2024-12-31"),
        _NOTES,
    ),
    example_lonlat=(120.1655, 30.2575),
)

DEMO_AREAS = LayerSchema(
    "demo_areas", "示范区", "demonstration areas", ("polygon",),
    (
        _ID,
        FieldSpec("name", "示范区名称", required=True, aliases=("名称", "示范区", "name"), example="湖滨党建综合示范区"),
        _STREET,
        FieldSpec("lead", "牵头单位", aliases=("核心社区", "牵头", "lead"), example="东坡路社区党委"),
        _NOTES,
    ),
    example_wkt="POLYGON ((120.1600 30.2550, 120.1700 30.2550, 120.1700 30.2640, 120.1600 30.2640, 120.1600 30.2550))",
)

WORKERS = LayerSchema(
    "workers", "户外劳动者", "outdoor workers", ("point", "polygon"),
    (
        _ID,
        FieldSpec("name", "名称", aliases=("地点", "点位名称", "name"), example="某环卫所"),
        FieldSpec("group", "类型", "enum", required=True, aliases=("人员类型", "劳动者类型", "group", "type", "worker_type"),
                  choices={
                      "sanitation": ("环卫工人", "环卫", "保洁", "sanitation", "cleaner"),
                      "delivery": ("外卖/快递", "外卖", "快递", "外卖小哥", "外卖骑手", "快递员", "骑手", "delivery", "courier", "rider"),
                      "drivers": ("公交/出租车司机", "司机", "公交司机", "出租车司机", "公交", "出租车", "drivers", "driver", "bus", "taxi"),
                      "others": ("其他", "其他户外劳动者", "others", "other"),
                  }, example="环卫工人", doc_en="worker group: sanitation, delivery/courier, bus/taxi drivers, others"),
        FieldSpec("count", "人数", "float", required=True, unit="人", aliases=("人员数", "数量", "count", "workers", "n"),
                  example=25, doc_en="number of workers based at or passing this place (persons)"),
        _COMMUNITY, _NOTES,
    ),
    example_lonlat=(120.1690, 30.2630),
)

LAYER_SCHEMAS: dict[str, LayerSchema] = {s.layer_type: s for s in (CENTERS, STATIONS, GRIDS, COMMUNITIES, CANDIDATES, DEMAND,
                                                                    UNITS, NEEDS, PROJECTS, DEMO_AREAS, WORKERS,
                                                                    PARTY_GRIDS, COMPOUNDS, BUILDINGS)}


def normalize_header(text: object) -> str:
    """Canonical form of a header for alias matching.

    NFKC, lower case, no spaces/underscores/dashes/asterisks/colons, ASCII parentheses, common
    unit spellings unified (㎡, m2, 平方米 → ㎡).

    Parameters
    ----------
    text : object
        Header as found in the file (converted with ``str``).

    Returns
    -------
    str
        The normalised header ("" for a blank one).
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = s.replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    s = re.sub(r"[\s_\-*:：]+", "", s)
    s = s.replace("平方米", "㎡").replace("m²", "㎡").replace("m2", "㎡").replace("sqm", "㎡")
    s = s.replace("\u33a1", "㎡")
    return s


def _strip_unit(s: str) -> str:
    return re.sub(r"\(.*?\)$", "", s)


def header_lookup(schema: LayerSchema) -> dict[str, str]:
    """Map normalised header -> canonical column (fields plus lon/lat/wkt/lonlat/crs).

    Parameters
    ----------
    schema : LayerSchema
        The layer type.

    Returns
    -------
    dict of str to str
        Normalised alias -> canonical column name; the coordinate aliases map to ``lon``,
        ``lat``, ``wkt``, ``lonlat`` and ``crs_text``. A field's alias wins over a coordinate one.
    """
    out: dict[str, str] = {}
    for f in schema.fields:
        for a in f.all_aliases():
            out.setdefault(normalize_header(a), f.name)
    for canon, aliases in (("lon", LON_ALIASES), ("lat", LAT_ALIASES), ("wkt", WKT_ALIASES),
                           ("lonlat", LONLAT_ALIASES), ("crs_text", CRS_ALIASES)):
        for a in aliases:
            out.setdefault(normalize_header(a), canon)
    return out


def match_header(header: object, lookup: dict[str, str]) -> str | None:
    """Canonical column for a file header. Tries exact, then without a unit suffix.

    Parameters
    ----------
    header : object
        Header as found in the file.
    lookup : dict of str to str
        Result of :func:`header_lookup`.

    Returns
    -------
    str or None
        Canonical column name, or None when the header is blank or unknown.
    """
    n = normalize_header(header)
    if not n:
        return None
    if n in lookup:
        return lookup[n]
    base = _strip_unit(n)
    if base in lookup:
        return lookup[base]
    return None


TRUE_WORDS = frozenset(normalize_header(w) for w in _TRUE)
FALSE_WORDS = frozenset(normalize_header(w) for w in _FALSE)


_KIND_TEXT = {
    "str": ("文本", "text"), "int": ("整数", "integer"), "float": ("数值", "number"),
    "bool": ("是/否", "yes/no (是/否, 有/无, √/×, 1/0)"), "list": ("列表，用顿号/逗号分隔", "list separated by 、 or ,"),
    "enum": ("可选值", "one of"),
}


def describe_schema(layer_type: str, lang: str = "zh") -> str:
    """Markdown table documenting a layer type.

    Headers, English names, type, unit, required, accepted aliases. Used for the docs and the
    app's help panel.

    Parameters
    ----------
    layer_type : str
        Key of :data:`LAYER_SCHEMAS`, e.g. "centers".
    lang : str
        "zh" (Simplified Chinese) or "en".

    Returns
    -------
    str
        A heading, a line on geometry and coordinates, and the Markdown table.

    Raises
    ------
    KeyError
        Unknown ``layer_type``.
    """
    schema = LAYER_SCHEMAS[layer_type]
    en = lang == "en"
    geom = " / ".join({"point": ("点", "point"), "polygon": ("面", "polygon")}[g][1 if en else 0] for g in schema.geometry)
    lines = [f"### {schema.en if en else schema.zh} (`{layer_type}`)", "",
             (f"Geometry: {geom}. Coordinates: columns lon/lat (经度/纬度) or a WKT column; WGS-84 unless told "
              f"(--coords gcj02/bd09 for Amap/Baidu)." if en else
              f"几何：{geom}。坐标：经度/纬度两列或 WKT 列；默认 WGS-84，高德/百度坐标请选 gcj02/bd09。"), ""]
    lines.append("| header | field | type | unit | required | also accepted |" if en else "| 表头 | 字段 | 类型 | 单位 | 必填 | 也可写作 |")
    lines.append("|---|---|---|---|---|---|")
    for f in schema.fields:
        kind = _KIND_TEXT[f.kind][1 if en else 0]
        if f.choices:
            kind += ": " + ", ".join(f"{k} ({v[0]})" for k, v in f.choices.items())
        req = ("yes" if en else "是") if f.required else ""
        lines.append(f"| {f.header_zh} | `{f.name}` | {kind} | {f.unit} | {req} | {'、'.join(f.aliases)} |")
    return "\n".join(lines)
