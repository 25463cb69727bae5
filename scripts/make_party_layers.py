"""Write the sample city's regional party-building demo layers (示例数据，非真实点位) to data/demo/.

    .venv/bin/python scripts/make_party_layers.py [--out data/demo]

Layers (issue 17): ``demo_areas.geojson`` (one 1 km² demonstration area around the 湖滨街道 center,
like Ningbo Baizhang's 1 km²), ``units.geojson`` (22 resident units 驻区单位, their doors 12 m
beside real named streets of the OSM extract, with the resources they share), ``needs.geojson``
(36 residents' needs at populated cells of the resident estimate) and ``projects.geojson``
(12 co-building projects, 双向认领). Names, resources, needs and projects are invented for
illustration; every feature carries ``demo: true``. Deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from make_demo_layers import DEMO_DIR, SAMPLE_OSM, _nearest_name, _offset_points, to_geojson  # noqa: E402

from analysis.sample_city import estimated_demand, read_demo_layer  # noqa: E402
from geo.network import load_walk_network  # noqa: E402

SEED = 20190129  # the Baizhang article's date
DEMO_NOTE = "示例数据，非真实点位"
AREA_SIDE_M = 1000.0
UNIT_DOOR_M = 12.0

#: (name, type, resources offered, sharing hours) — invented, typical of the documents' units
UNITS = (
    ("区税务局第一税务所", "机关", "会议室(40)、停车位(30)", "工作日 18:30-次日07:30，周末全天"),
    ("湖滨中学", "学校", "活动场地(300)、文体设施(200)、教育培训(40)", "周末及寒暑假"),
    ("东坡路小学", "学校", "活动场地(200)、教育培训(30)", "周末"),
    ("市第一人民医院湖滨院区", "医院", "医疗服务(60)、志愿服务(15)", "每月第二个周六上午"),
    ("湖滨街道社区卫生服务中心", "医院", "医疗服务(80)、志愿服务(10)", "工作日"),
    ("工商银行湖滨支行", "企业", "会议室(20)、志愿服务(8)", "工作日 18:00-21:00"),
    ("交通银行东坡路支行", "企业", "停车位(25)、会议室(16)", "每日 19:00-次日07:00"),
    ("湖滨派出所", "机关", "志愿服务(10)、会议室(30)", "预约"),
    ("区图书馆湖滨分馆", "机关", "活动场地(80)、教育培训(50)", "周二至周日 09:00-20:00"),
    ("市成人教育学院", "学校", "会议室(120)、停车位(60)、教育培训(100)", "工作日晚间、周末"),
    ("嘉汇商务大厦", "企业", "停车位(80)、会议室(50)", "每日 19:00-次日07:30"),
    ("湖滨银泰党群服务站", "企业", "活动场地(60)、志愿服务(20)", "每日 10:00-21:00"),
    ("区老年大学", "学校", "教育培训(60)、文体设施(80)", "工作日"),
    ("省作家协会湖滨创作基地", "社会组织", "教育培训(25)、活动场地(40)", "预约"),
    ("东坡大戏院", "企业", "活动场地(500)", "每月两次，预约"),
    ("区市场监管所", "机关", "会议室(25)、志愿服务(6)", "工作日 18:00-20:00"),
    ("邮政湖滨营业所", "企业", "志愿服务(5)、停车位(8)", "每日 18:30-次日07:00"),
    ("湖滨幼儿园", "学校", "活动场地(60)", "周末"),
    ("杭州解百集团", "企业", "助餐(120)、停车位(40)", "每日"),
    ("区红十字会", "社会组织", "医疗服务(30)、志愿服务(25)", "预约"),
    ("湖滨律师事务所联合党支部", "社会组织", "志愿服务(12)、会议室(12)", "每周三下午"),
    ("青年路菜场党群驿站", "企业", "助餐(60)", "每日 11:00-13:00"),
)

#: (category as a resident would write it, descriptions, quantity range)
NEEDS = (
    ("停车", ("老旧小区夜间停车难", "小区无停车位，求错时停车", "访客车辆无处停放"), (10, 40)),
    ("微心愿", ("独居老人希望有人陪同就医", "困难家庭孩子想要一套新书包文具", "老人想学用智能手机挂号", "残疾居民希望修理轮椅"), (1, 2)),
    ("议事场地", ("楼道自治小组需要议事场所", "业主大会缺少开会场地"), (15, 60)),
    ("活动场地", ("老年舞蹈队缺少排练场地", "青少年暑期活动无场地", "社区合唱团需要排练场地"), (20, 60)),
    ("助餐", ("高龄老人午餐送餐", "独居老人助餐"), (5, 30)),
    ("助医", ("慢病老人定期健康检查", "家门口义诊"), (10, 40)),
    ("助学", ("小学生四点半课堂缺老师", "作文兴趣班", "老年人手机课堂"), (10, 30)),
    ("文体", ("居民健身缺少场地", "乒乓球队缺训练场地"), (10, 40)),
)
NEED_STATUS = ("待认领", "待认领", "待认领", "已认领", "已完成")

#: (title, claiming unit index or None, status, start, end) — after the documents' examples
PROJECTS = (
    ("夜间错时停车共享", 10, "实施中", "2024-03-01", "2024-12-31"),
    ("名师大讲堂送课进社区", 9, "实施中", "2024-02-15", "2024-11-30"),
    ("红色电影周", 14, "已完成", "2024-06-24", "2024-07-01"),
    ("微心愿认领", 5, "实施中", "2024-01-10", "2024-12-31"),
    ("门前三包环境整治", 0, "实施中", "2024-04-01", "2024-12-31"),
    ("家门口义诊", 3, "已认领", "2024-05-11", "2024-12-14"),
    ("老年助餐点共建", 18, "已认领", "2024-07-01", "2025-06-30"),
    ("四点半课堂", None, "待认领", "", ""),
    ("垃圾分类督导", None, "待认领", "", ""),
    ("红色物件展", 8, "已完成", "2024-06-01", "2024-07-15"),
    ("河道巡查志愿队", None, "待认领", "", ""),
    ("楼道微更新", 11, "已认领", "2024-09-01", "2024-12-31"),
)


def demo_area(crs: str) -> gpd.GeoDataFrame:
    """A 1 km² square centred between the 湖滨街道 and 东坡路社区 centers (demo)."""
    centers = read_demo_layer("centers").to_crs(crs).set_index("id")
    c = shapely.centroid(shapely.multipoints([centers.geometry["C01"], centers.geometry["C05"]]))
    h = AREA_SIDE_M / 2
    return gpd.GeoDataFrame({"id": ["D01"], "name": ["湖滨党建综合示范区（示例）"], "street": ["湖滨街道"],
                             "lead": ["东坡路社区党委"], "notes": [DEMO_NOTE]},
                            geometry=[shapely.box(c.x - h, c.y - h, c.x + h, c.y + h)], crs=crs)


def build_units(edges: gpd.GeoDataFrame, area, comm: gpd.GeoDataFrame, rng) -> gpd.GeoDataFrame:
    """22 unit doors beside named streets: 18 inside the area, 4 just outside, spread out."""
    named = edges[(edges["name"].astype(str) != "") & (edges["length_m"] >= 60)
                  & edges["highway"].isin(("primary", "secondary", "tertiary", "residential", "unclassified", "living_street", "pedestrian"))]
    mid = shapely.line_interpolate_point(named.geometry.to_numpy(), 0.5, normalized=True)
    inside = shapely.contains(area, mid)
    ring = shapely.contains(area.buffer(400), mid) & ~inside
    picks = []
    for pool, k in ((np.flatnonzero(inside), 18), (np.flatnonzero(ring), 4)):
        chosen = [int(rng.choice(pool))]
        for _ in range(k - 1):  # farthest-point sampling: spread the units out
            d = np.min([shapely.distance(mid[pool], mid[j]) for j in chosen], axis=0)
            chosen.append(int(pool[np.argmax(d)]))
        picks += chosen
    lines = named.geometry.to_numpy()[picks]
    frac = rng.uniform(0.3, 0.7, len(picks))
    side = np.where(rng.random(len(picks)) < 0.5, UNIT_DOOR_M, -UNIT_DOOR_M)
    doors = np.array([_offset_points(np.array([ln]), np.array([f * ln.length]), s)[0] for ln, f, s in zip(lines, frac, side)])
    streets = [_nearest_name(p, edges) for p in doors]
    cidx = shapely.STRtree(comm.geometry.to_numpy()).query_nearest(doors, all_matches=False)[1]
    rows = []
    for i, (name, typ, offers, hours) in enumerate(UNITS):
        rows.append({"id": f"U{i + 1:02d}", "name": name, "unit_type": typ,
                     "party_org": name + ("党委" if typ in ("机关", "学校", "医院") else "党支部"),
                     "address": f"{streets[i]}沿街（示例位置）", "community": comm["name"].iloc[cidx[i]],
                     "street": comm["street"].iloc[cidx[i]], "offers": offers,
                     "offer_hours": hours, "contact": "", "notes": DEMO_NOTE})
    return gpd.GeoDataFrame(rows, geometry=list(doors), crs=edges.crs)


def build_needs(demand: gpd.GeoDataFrame, area, edges: gpd.GeoDataFrame, comm: gpd.GeoDataFrame, rng) -> gpd.GeoDataFrame:
    """36 needs at populated cells in and around the area (weighted by residents)."""
    pts = demand.geometry.representative_point().to_numpy()
    near = shapely.contains(area.buffer(500), pts) & (demand["population"].to_numpy() > 0)
    pool = np.flatnonzero(near)
    w = demand["population"].to_numpy(float)[pool]
    cjk = edges[edges["name"].astype(str).str.contains("[\u4e00-\u9fff]", regex=True)]
    pick = rng.choice(pool, size=36, replace=False, p=w / w.sum())
    cidx = shapely.STRtree(comm.geometry.to_numpy()).query_nearest(pts[pick], all_matches=False)[1]
    rows, seen = [], set()
    for i, k in enumerate(pick):
        cat, texts, (lo, hi) = NEEDS[i % len(NEEDS)]
        street = _nearest_name(pts[k], cjk)
        compound = f"{street}小区" if street else "某小区"
        j = i // len(NEEDS)
        while f"{texts[j % len(texts)]}（{compound}）" in seen and j < i // len(NEEDS) + len(texts):
            j += 1
        name = f"{texts[j % len(texts)]}（{compound}）"
        seen.add(name)
        rows.append({"id": f"N{i + 1:02d}", "name": name, "category": cat,
                     "quantity": int(rng.integers(lo, hi + 1)), "compound": compound,
                     "community": comm["name"].iloc[cidx[i]], "status": NEED_STATUS[int(rng.integers(len(NEED_STATUS)))],
                     "notes": DEMO_NOTE})
    return gpd.GeoDataFrame(rows, geometry=list(pts[pick]), crs=demand.crs)


def build_projects(units: gpd.GeoDataFrame, area) -> gpd.GeoDataFrame:
    """12 projects at the claiming unit (or the area's centre when nobody claimed it yet)."""
    rows, geoms = [], []
    c = area.centroid
    for i, (title, u, status, start, end) in enumerate(PROJECTS):
        rows.append({"id": f"P{i + 1:02d}", "name": title, "claimed_by": "" if u is None else units["name"].iloc[u],
                     "community": "" if u is None else units["community"].iloc[u], "status": status,
                     "start_date": start, "end_date": end, "notes": DEMO_NOTE})
        geoms.append(c if u is None else units.geometry.iloc[u])
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=units.crs)


def build_all(osm_path: Path = SAMPLE_OSM) -> dict[str, gpd.GeoDataFrame]:
    """The four layers in the network's metric CRS, keyed by file stem."""
    rng = np.random.default_rng(SEED)
    net = load_walk_network(osm_path)
    edges = net.edges_gdf()
    comm = read_demo_layer("communities").to_crs(net.crs)
    areas = demo_area(net.crs)
    area = areas.geometry.iloc[0]
    units = build_units(edges, area, comm, rng)
    needs = build_needs(estimated_demand(osm_path), area, edges, comm, rng)
    return {"demo_areas": areas, "units": units, "needs": needs, "projects": build_projects(units, area)}


def main(argv: list[str] | None = None) -> int:
    from geo.safe_io import atomic_write_text

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default data/demo)")
    args = ap.parse_args(argv)
    for stem, gdf in build_all().items():
        path = args.out / f"{stem}.geojson"
        atomic_write_text(path, to_geojson(gdf, stem))
        print(f"{path}: {len(gdf)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
