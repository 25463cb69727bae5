"""Schemas of the planners' layers: fields, units, Chinese/English header aliases, examples.

One :class:`LayerSchema` per layer type in :data:`LAYER_SCHEMAS` ("centers", "stations", "grids",
"communities", "candidates", "demand"). Readers use the aliases to map whatever headers a file
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
        return f"{self.zh}({self.unit})" if self.unit else self.zh

    def all_aliases(self) -> tuple[str, ...]:
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
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
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
    ("func_activity", "活动", "activities"),
)
STATION_AMENITIES: tuple[tuple[str, str, str], ...] = (
    ("water_dispenser", "饮水机", "water dispenser"),
    ("fridge", "冰箱", "fridge"),
    ("microwave", "微波炉", "microwave"),
    ("air_conditioning", "空调", "air conditioning"),
    ("phone_charging", "手机充电", "phone charging"),
    ("toilet", "厕所", "toilet"),
    ("first_aid_kit", "急救箱", "first-aid kit"),
    ("rest_seats", "休息座椅", "rest seats"),
)

_AMENITY_ALIASES = {
    "water_dispenser": ("饮水", "热水", "饮用水"),
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
        _bool("func_activity", "活动", "活动空间", "活动功能", "activities", "activity"),
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
        FieldSpec("amenities", "配套设施", "list", aliases=("设施", "服务设施", "amenities"), example=""),
        _NOTES,
    ),
    example_lonlat=(120.1655, 30.2601),
)

GRIDS = LayerSchema(
    "grids", "网格", "grids", ("polygon",),
    (
        _ID,
        FieldSpec("name", "网格名称", required=True, aliases=("名称", "name", "grid_name"), example="东坡路社区第一网格"),
        _COMMUNITY, _STREET,
        FieldSpec("population", "人口", "float", unit="人", aliases=("常住人口", "人口数", "人数", "population", "pop"), example=1500),
        FieldSpec("households", "户数", "float", unit="户", aliases=("住户数", "households", "hh"), example=600),
        _NOTES,
    ),
    example_wkt="POLYGON ((120.1620 30.2570, 120.1660 30.2570, 120.1660 30.2600, 120.1620 30.2600, 120.1620 30.2570))",
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

LAYER_SCHEMAS: dict[str, LayerSchema] = {s.layer_type: s for s in (CENTERS, STATIONS, GRIDS, COMMUNITIES, CANDIDATES, DEMAND)}


def normalize_header(text: object) -> str:
    """Canonical form of a header for alias matching: NFKC, lower case, no spaces/underscores,
    ASCII parentheses, common unit spellings unified (㎡, m2, 平方米 → ㎡)."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = s.replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    s = re.sub(r"[\s_\-*:：]+", "", s)
    s = s.replace("平方米", "㎡").replace("m²", "㎡").replace("m2", "㎡").replace("sqm", "㎡")
    s = s.replace("\u33a1", "㎡")
    return s


def _strip_unit(s: str) -> str:
    return re.sub(r"\(.*?\)$", "", s)


def header_lookup(schema: LayerSchema) -> dict[str, str]:
    """Map normalised header -> canonical column (fields plus lon/lat/wkt/lonlat/crs)."""
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
    """Canonical column for a file header, or None. Tries exact, then without a unit suffix."""
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
    """Markdown table documenting a layer type: headers, English names, type, unit, required,
    accepted aliases. Used for the docs and the app's help panel."""
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
