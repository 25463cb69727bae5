"""Write the illustrative demo layers of the sample city (示例数据，非真实点位) to data/demo/.

    .venv/bin/python scripts/make_demo_layers.py [--out data/demo]

Deterministic (fixed seed, sorted inputs): running it twice gives the same files. Everything is
built in the network's metric CRS (EPSG:32651, metres) from the bundled OSM extract and the
resident estimate of :mod:`analysis.population`, then written as GeoJSON in EPSG:4326 with
``demo: true`` on every feature. The names of 街道/社区 are plausible names of the Hubin /
Xiaoying / Wulin area used for illustration only; boundaries, sites and attributes are invented.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.population import estimate_population  # noqa: E402
from geo.crs import WGS84  # noqa: E402
from geo.network import WALKABLE_HIGHWAYS, load_walk_network  # noqa: E402
from geo.osm_features import load_osm_features  # noqa: E402
from geo.safe_io import atomic_write_text  # noqa: E402

SAMPLE_OSM = ROOT / "data" / "osm" / "hangzhou_core_2015-02.osm.pbf"
DEMO_DIR = ROOT / "data" / "demo"
SEED = 20150201
#: demo study area (lon/lat): east shore of West Lake to the extract's east edge.
STUDY_BOX = (120.1550, 30.2360, 120.1851, 30.2963)
MAJOR_ROADS = ("trunk", "primary", "secondary", "tertiary")
GRID_MIN_M2, GRID_SPLIT_M2, GRID_TARGET_M2, GRID_MAX_M2 = 100_000.0, 500_000.0, 300_000.0, 650_000.0
GRIDS_PER_COMMUNITY = 7
PERSONS_PER_HOUSEHOLD = 2.6
SITE_HIGHWAYS = ("residential", "tertiary", "tertiary_link", "unclassified", "living_street", "service", "pedestrian")
BUSY_HIGHWAYS = ("primary", "secondary", "tertiary")
DEMO_NOTE = "示例数据，非真实点位"

#: 街道 names with an approximate anchor (lon, lat) and their community name pools. Communities
#: take the name of the nearest anchor with room left, so names sit roughly where they belong;
#: boundaries and attributes are still invented.
STREETS = (
    ("清波街道", (120.1620, 30.2440), ("清波门社区", "劳动路社区", "柳翠井巷社区")),
    ("湖滨街道", (120.1650, 30.2570), ("东坡路社区", "青年路社区", "岳王路社区")),
    ("小营街道", (120.1770, 30.2580), ("小营巷社区", "大学路社区", "葵巷社区")),
    ("紫阳街道", (120.1760, 30.2440), ("上羊市街社区", "城隍牌楼社区", "十五奎巷社区")),
    ("长庆街道", (120.1620, 30.2720), ("青春坊社区", "王马社区", "流水苑社区")),
    ("武林街道", (120.1680, 30.2660), ("竹竿巷社区", "环西社区", "龙游社区")),
    ("天水街道", (120.1760, 30.2700), ("武林路社区", "仙林苑社区", "凤起路社区")),
    ("潮鸣街道", (120.1830, 30.2680), ("潮鸣寺巷社区", "小天竺社区", "艮园社区")),
    ("朝晖街道", (120.1700, 30.2850), ("朝晖一区社区", "朝晖二区社区", "河东社区")),
    ("文晖街道", (120.1800, 30.2880), ("文晖社区", "现代城社区", "德胜新村社区")),
)
FEATURED = ("红色书房", "街巷记忆馆", "非遗工作室", "邻里客厅", "老杭州文化角", "初心影院", "党史学习角")
FLEXIBLE = ("党员教育", "四点半课堂", "老年食堂", "健康驿站", "儿童托管", "法律咨询", "志愿者之家", "退役军人服务站", "心理疏导室")
HOST_UNITS = ("某银行网点", "社区卫生服务站", "某快递网点", "某连锁便利店", "某加油站", "某物业服务中心",
              "公交站务用房", "某国企营业厅", "街道城管中队", "某商场服务台")
STATION_HOURS = ("全天", "08:00-20:00", "09:00-18:00", "07:30-19:30")
CANDIDATE_KINDS = (
    ("闲置公房", "区机关事务管理局", "原单位办公用房，闲置"),
    ("合作单位底层用房", "某合作单位", "一层临街，可共建共享"),
    ("待改造社区用房", "社区股份经济合作社", "需简单改造"),
    ("国企闲置物业", "某市属国企", "可租用，需协商"),
    ("沿街商铺", "私人业主", "临街商铺，可租用"),
)
#: per candidate kind: owner type (geo.schemas candidates 产权类型) and an invented cost rate, 万元 per m²
#: (renovation of idle public rooms; a share of a partner's fit-out; rent plus fit-out for shops)
CANDIDATE_FACTS = {
    "闲置公房": ("state_idle", 0.06),
    "合作单位底层用房": ("other", 0.05),
    "待改造社区用房": ("collective", 0.10),
    "国企闲置物业": ("state_idle", 0.08),
    "沿街商铺": ("private", 0.20),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


# -- helpers ---------------------------------------------------------------------------------


def _explode(geoms) -> np.ndarray:
    """Polygon parts of (multi)polygons / collections, empty parts dropped."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[np.isin(shapely.get_type_id(parts), (3,)) & ~shapely.is_empty(parts)]
    return parts


def _shared_border(poly, others: np.ndarray) -> np.ndarray:
    """Length (m) of each of ``others``' boundary lying within 1 m of ``poly``."""
    return shapely.length(shapely.intersection(shapely.boundary(others), shapely.buffer(poly, 1.0)))


def _merge_small(polys: list, min_m2: float, max_m2: float, drop_m2: float) -> list:
    """Merge polygons < ``min_m2`` into the neighbour with the longest shared border.

    A neighbour is preferred if the merged area stays ≤ ``max_m2``; isolated pieces smaller
    than ``drop_m2`` are dropped (slivers cut off by water)."""
    polys = list(polys)
    done: set[int] = set()
    while True:
        arr = np.asarray(polys, dtype=object)
        area = shapely.area(arr)
        small = [i for i in np.argsort(area, kind="stable") if area[i] < min_m2 and id(polys[i]) not in done]
        if not small:
            return polys
        i = small[0]
        others = np.delete(np.arange(len(polys)), i)
        touch = others[shapely.dwithin(arr[others], arr[i], 1.0)]
        if len(touch):
            shared = _shared_border(arr[i], arr[touch])
            fits = area[touch] + area[i] <= max_m2
            score = shared + np.where(fits, 1e7, 0.0)
            j = int(touch[np.argmax(score)])
            if shared.max() > 0.5:
                merged = shapely.union(arr[i], arr[j])
                if shapely.get_type_id(merged) != 3:  # keep single polygons: close hairline gaps
                    merged = shapely.buffer(shapely.buffer(merged, 0.5), -0.5)
                polys[j] = merged
                del polys[i]
                continue
        if area[i] < drop_m2:
            del polys[i]
        else:
            done.add(id(polys[i]))


def _split_large(polys: list, split_m2: float, target_m2: float) -> list:
    """Cut polygons > ``split_m2`` with a square lattice into pieces of about ``target_m2``."""
    out = []
    for p in polys:
        a = p.area
        if a <= split_m2:
            out.append(p)
            continue
        k = int(np.ceil(a / target_m2))
        side = np.sqrt(a / k)
        minx, miny, maxx, maxy = p.bounds
        xs = np.arange(minx, maxx, side)
        ys = np.arange(miny, maxy, side)
        gx, gy = (v.ravel() for v in np.meshgrid(xs, ys))
        boxes = shapely.box(gx, gy, gx + side, gy + side)
        out.extend(_explode(shapely.intersection(boxes, p)))
    return out


def _adjacency(geoms: np.ndarray, min_shared_m: float = 20.0) -> list[list[int]]:
    """Neighbour lists: pairs sharing more than ``min_shared_m`` metres of border."""
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=1.0)
    keep = a != b
    a, b = a[keep], b[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[b]), shapely.buffer(geoms[a], 1.0)))
    nb: list[list[int]] = [[] for _ in range(len(geoms))]
    for i, j in zip(a[shared > min_shared_m], b[shared > min_shared_m]):
        nb[int(i)].append(int(j))
    return nb


def _grow_regions(cx: np.ndarray, cy: np.ndarray, nb: list[list[int]], target: int, min_size: int) -> np.ndarray:
    """Group contiguous units into regions of ``target`` members (region growing, south-west first).

    Regions smaller than ``min_size`` are merged into the smallest adjacent region."""
    n = len(cx)
    label = np.full(n, -1)
    order = np.lexsort((cx, cy))
    r = 0
    for seed in order:
        if label[seed] >= 0:
            continue
        members = [int(seed)]
        label[seed] = r
        while len(members) < target:
            cand = sorted({j for m in members for j in nb[m] if label[j] < 0})
            if not cand:
                break
            d = np.hypot(cx[cand] - cx[seed], cy[cand] - cy[seed])
            pick = cand[int(np.argmin(d))]
            label[pick] = r
            members.append(pick)
        r += 1
    for _ in range(3):
        sizes = np.bincount(label, minlength=r)
        for reg in np.flatnonzero((sizes > 0) & (sizes < min_size)):
            members = np.flatnonzero(label == reg)
            adj = sorted({int(label[j]) for m in members for j in nb[m] if label[j] != reg})
            if adj:
                label[members] = min(adj, key=lambda q: (sizes[q], q))
                sizes = np.bincount(label, minlength=r)
    _, label = np.unique(label, return_inverse=True)
    return label


def _order_south_north(geoms: gpd.GeoSeries) -> np.ndarray:
    c = geoms.centroid
    return np.lexsort((c.x.to_numpy(), np.round(c.y.to_numpy(), -2)))


def _rank(labels: np.ndarray, geoms: gpd.GeoSeries) -> np.ndarray:
    """Renumber region labels by the south-to-north order of their first appearance."""
    c = geoms.centroid
    cy = pd.Series(c.y.to_numpy()).groupby(labels).mean()
    cx = pd.Series(c.x.to_numpy()).groupby(labels).mean()
    order = np.lexsort((cx.to_numpy(), np.round(cy.to_numpy(), -2)))
    new = np.empty(len(order), int)
    new[order] = np.arange(len(order))
    return new[labels]


# -- inputs ----------------------------------------------------------------------------------


def load_inputs(osm_path: Path = SAMPLE_OSM):
    """Network (metric), context layers, demand estimate and the metric study-area box."""
    net = load_walk_network(osm_path)
    feats = load_osm_features(osm_path)
    edges = net.edges_gdf()
    demand = estimate_population(feats, net.crs, edges.geometry)
    box = gpd.GeoSeries([shapely.box(*STUDY_BOX)], crs=WGS84).to_crs(net.crs).iloc[0]
    return net, feats, edges, demand, box


# -- grids and communities -------------------------------------------------------------------


def build_grids(feats, crs: str, box, demand: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Governance grids: blocks between major roads and rivers, clipped to land, split / merged."""
    s = feats.streets
    roads = s.geometry[s["highway"].isin(MAJOR_ROADS)].to_crs(crs).to_numpy()
    w = feats.water
    rivers = w.geometry[(w["kind"] == "line") & w["waterway"].isin(("river", "canal"))].to_crs(crs).to_numpy()
    water = shapely.union_all(w.geometry[w["kind"] == "area"].to_crs(crs).to_numpy())
    lines = shapely.intersection(np.concatenate([roads, rivers]), box)
    noded = shapely.union_all(np.concatenate([lines, [shapely.boundary(box)]]))
    faces = _explode(shapely.polygonize(shapely.get_parts(noded)).geoms)
    land = shapely.difference(box, water)
    blocks = _explode(shapely.intersection(faces, land))
    polys = _split_large(list(blocks), GRID_SPLIT_M2, GRID_TARGET_M2)
    polys = _merge_small(polys, GRID_MIN_M2, GRID_MAX_M2, drop_m2=50_000.0)
    polys = [p for p in polys if p.area >= 50_000.0]
    # snap to a 10 cm grid: shared borders stay identical and the WGS-84 copies stay valid
    polys = shapely.set_precision(np.asarray(polys, dtype=object), 0.1)
    g = gpd.GeoDataFrame(geometry=gpd.GeoSeries(polys, crs=crs), crs=crs)
    g = g.iloc[_order_south_north(g.geometry)].reset_index(drop=True)
    # population: sum of the estimated cells whose centre lies inside
    gi, di = shapely.STRtree(demand.geometry.values).query(g.geometry.values, predicate="contains")
    pop = np.bincount(gi, weights=demand["population"].to_numpy()[di], minlength=len(g))
    g["population"] = np.round(pop).astype(int)
    g["households"] = np.round(pop / PERSONS_PER_HOUSEHOLD).astype(int)
    return g


def _name_communities(geoms: gpd.GeoSeries) -> tuple[list[str], list[str]]:
    """(community name, street name) per community: nearest street anchor with room (≤ 2 each)."""
    anchors = gpd.GeoSeries(gpd.points_from_xy([a[1][0] for a in STREETS], [a[1][1] for a in STREETS]),
                            crs=WGS84).to_crs(geoms.crs)
    c = geoms.centroid
    d = np.hypot(c.x.to_numpy()[:, None] - anchors.x.to_numpy()[None, :],
                 c.y.to_numpy()[:, None] - anchors.y.to_numpy()[None, :])
    cap = max(2, int(np.ceil(len(geoms) / len(STREETS))))
    used = np.zeros(len(STREETS), int)
    street = np.full(len(geoms), -1)
    for flat in np.argsort(d, axis=None, kind="stable"):
        i, s = divmod(int(flat), len(STREETS))
        if street[i] < 0 and used[s] < cap:
            street[i] = s
            used[s] += 1
    names, streets, k = [], [], np.zeros(len(STREETS), int)
    for i in range(len(geoms)):
        s = street[i]
        names.append(STREETS[s][2][k[s] % len(STREETS[s][2])])
        streets.append(STREETS[s][0])
        k[s] += 1
    return names, streets


def assign_communities(grids: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Group grids into communities (~7 contiguous grids, 4-9) named after the nearest 街道 anchor."""
    geoms = grids.geometry.to_numpy()
    c = grids.geometry.centroid
    lab = _grow_regions(c.x.to_numpy(), c.y.to_numpy(), _adjacency(geoms), GRIDS_PER_COMMUNITY, 4)
    lab = _rank(lab, grids.geometry)
    comm = grids.dissolve(by=lab, aggfunc={"population": "sum", "households": "sum"}).sort_index()
    comm.geometry = shapely.set_precision(comm.geometry.buffer(0.5).buffer(-0.5).to_numpy(), 0.1)
    names, streets = _name_communities(comm.geometry)
    comm = comm.reset_index(drop=True)
    comm.insert(0, "id", [f"S{i + 1:02d}" for i in range(len(comm))])
    comm.insert(1, "name", names)
    comm.insert(2, "street", streets)
    grids = grids.copy()
    grids["community"] = np.asarray(names)[lab]
    grids["street"] = np.asarray(streets)[lab]
    grids["_k"] = grids.groupby("community").cumcount() + 1
    grids["name"] = [f"{cm}第{k}网格" for cm, k in zip(grids["community"], grids["_k"])]
    grids = grids.iloc[np.lexsort((grids["_k"].to_numpy(), lab))].reset_index(drop=True)
    grids.insert(0, "grid_id", [f"G{i + 1:03d}" for i in range(len(grids))])
    grids = grids[["grid_id", "name", "community", "street", "population", "households", "geometry"]]
    return grids, comm[["id", "name", "street", "population", "households", "geometry"]]


# -- points ----------------------------------------------------------------------------------


def _street_site(target, edges: gpd.GeoDataFrame, within, water, offset_m: float) -> tuple[object, str]:
    """A point ``offset_m`` from the nearest suitable street towards ``target``; (point, street name)."""
    e = edges[edges["highway"].isin(SITE_HIGHWAYS) & edges.intersects(within)]
    if not len(e):
        e = edges
    geoms = e.geometry.to_numpy()
    k = int(np.argmin(shapely.distance(geoms, target)))
    line = geoms[k]
    on = shapely.line_interpolate_point(line, shapely.line_locate_point(line, target))
    dx, dy = target.x - on.x, target.y - on.y
    d = float(np.hypot(dx, dy))
    site = on if d < 1e-6 else shapely.Point(on.x + dx / d * min(offset_m, d), on.y + dy / d * min(offset_m, d))
    if water is not None and shapely.contains(water, site):
        site = on
    return site, _nearest_name(site, edges)


def _nearest_name(pt, edges: gpd.GeoDataFrame) -> str:
    """Chinese name of the nearest street with one (names without any Chinese, e.g. 'Cu', are skipped)."""
    named = edges[edges["name"].astype(str).str.contains(_CJK)]
    if not len(named):
        return ""
    i = int(np.argmin(shapely.distance(named.geometry.to_numpy(), pt)))
    return re.split(r"\s+(?=[A-Za-z])", str(named["name"].iloc[i]).split(";")[0])[0].strip()


def _unique(names: list[str], suffix: str = "") -> list[str]:
    """Number repeated names: 东坡路红色驿站, 东坡路红色驿站（二号）..."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        k = seen[n]
        out.append(f"{n}{suffix}" if k == 1 else f"{n}（{'一二三四五六七八九十'[min(k, 10) - 1]}号）{suffix}")
    return out


def _locate(points: np.ndarray, comm: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    """Community and street of each point (nearest community when outside all)."""
    geoms = comm.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    idx = tree.query_nearest(points, all_matches=False)[1]
    return list(comm["name"].to_numpy()[idx]), list(comm["street"].to_numpy()[idx])


def build_centers(comm: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, water, rng) -> gpd.GeoDataFrame:
    """~12 党群服务中心: 2 street-level, community-level in all but ~3 communities; some gaps."""
    rows = []
    street_units = comm.dissolve(by="street", sort=True)
    n_comm = comm.groupby("street").size()
    prefer = [s for s in ("湖滨街道", "小营街道", "武林街道", "长庆街道") if n_comm.get(s, 0) >= 2]
    wanted = (prefer + [s for s in n_comm.sort_values(ascending=False, kind="stable").index if s not in prefer])[:2]
    for s in wanted:
        poly = street_units.loc[s, "geometry"]
        target = poly.centroid if poly.contains(poly.centroid) else poly.representative_point()
        site, road = _street_site(target, edges, poly, water, 15.0)
        rows.append(dict(name=f"{s}党群服务中心", level="街道", street=s, geometry=site, road=road,
                         area_m2=float(rng.integers(80, 150) * 10), opening_hours="08:30-20:30"))
    n = len(comm)
    without = set(rng.choice(n, size=min(2, max(n - 1, 0)), replace=False).tolist())
    for i in range(n):
        if i in without:
            continue
        poly = comm.geometry.iloc[i]
        target = poly.centroid if poly.contains(poly.centroid) else poly.representative_point()
        site, road = _street_site(target, edges, poly, water, 15.0)
        if any(site.distance(r["geometry"]) < 250.0 for r in rows):  # served by the street center
            continue
        name = comm["name"].iloc[i]
        rows.append(dict(name=f"{name}党群服务中心", level="社区", street=comm["street"].iloc[i], geometry=site,
                         road=road, area_m2=float(rng.integers(20, 70) * 10),
                         opening_hours=str(rng.choice(["08:30-17:30", "08:30-20:30", "09:00-17:00"]))))
    c = gpd.GeoDataFrame(rows, geometry="geometry", crs=edges.crs)
    c["community"], _ = _locate(c.geometry.to_numpy(), comm)
    m = len(c)
    c["func_convenience"] = True
    c["func_office"] = True
    c["func_activity"] = True
    lacking = rng.choice(np.arange(2, m), size=3, replace=False)  # three community centers miss a basic function
    for j, col in zip(lacking, ("func_convenience", "func_office", "func_activity")):
        c.loc[j, col] = False
    c["featured_space"] = [str(rng.choice(FEATURED)) for _ in range(m)]
    c["flexible_spaces"] = [";".join(sorted(rng.choice(FLEXIBLE, size=int(rng.integers(2, 5)), replace=False).tolist()))
                            for _ in range(m)]
    rest = [j for j in range(2, m) if j not in set(lacking.tolist())]
    c.loc[rest[0], "featured_space"] = ""          # no featured space
    c.loc[rest[1], "flexible_spaces"] = ""         # no flexible space
    basics = {"func_convenience": "便民服务", "func_office": "办公议事", "func_activity": "活动"}
    c["functions"] = [
        ";".join([zh for col, zh in basics.items() if r[col]] + ([r["featured_space"]] if r["featured_space"] else [])
                 + ([r["flexible_spaces"]] if r["flexible_spaces"] else []))
        for _, r in c.iterrows()
    ]
    demo_sites = {0} | set(rng.choice(np.array(rest[2:]), size=2, replace=False).tolist())
    c["demonstration"] = [j in demo_sites for j in range(m)]
    c["address"] = [f"{r}附近（示例位置）" if r else "（示例位置）" for r in c["road"]]
    c.insert(0, "id", [f"C{i + 1:02d}" for i in range(m)])
    c["notes"] = DEMO_NOTE
    return c[["id", "name", "level", "address", "community", "street", "area_m2", "opening_hours",
              "func_convenience", "func_office", "func_activity", "featured_space", "flexible_spaces",
              "functions", "demonstration", "notes", "geometry"]]


def _offset_points(lines: np.ndarray, dist: np.ndarray, side_m: float) -> np.ndarray:
    """Points at ``dist`` along ``lines`` moved ``side_m`` to the left (perpendicular)."""
    a = shapely.line_interpolate_point(lines, np.maximum(dist - 1.0, 0.0))
    b = shapely.line_interpolate_point(lines, dist + 1.0)
    p = shapely.line_interpolate_point(lines, dist)
    ax, ay = shapely.get_x(a), shapely.get_y(a)
    bx, by = shapely.get_x(b), shapely.get_y(b)
    tx, ty = bx - ax, by - ay
    norm = np.maximum(np.hypot(tx, ty), 1e-9)
    return shapely.points(shapely.get_x(p) - ty / norm * side_m, shapely.get_y(p) + tx / norm * side_m)


def build_stations(edges: gpd.GeoDataFrame, pois: gpd.GeoDataFrame, comm: gpd.GeoDataFrame, water, rng,
                   n: int = 20, spacing_m: float = 450.0) -> gpd.GeoDataFrame:
    """~20 红色驿站 beside busy streets, where POIs cluster (≥ ``spacing_m`` apart)."""
    area = shapely.union_all(comm.geometry.to_numpy())
    e = edges[edges["highway"].isin(BUSY_HIGHWAYS) & edges.intersects(area)].reset_index(drop=True)
    lines = e.geometry.to_numpy()
    L = shapely.length(lines)
    reps = np.maximum((L // 40).astype(int), 1)
    li = np.repeat(np.arange(len(lines)), reps)
    dist = (np.concatenate([np.arange(r) for r in reps]) + 0.5) * (L[li] / reps[li])
    pts = _offset_points(lines[li], dist, 10.0)
    if water is not None:
        wet = shapely.contains(water, pts)
        pts[wet] = _offset_points(lines[li][wet], dist[wet], -10.0)
    inside = shapely.contains(area, pts)
    pts, li = pts[inside], li[inside]
    pi, _ = shapely.STRtree(pois.geometry.to_numpy()).query(pts, predicate="dwithin", distance=250.0)
    score = np.bincount(pi, minlength=len(pts)) + rng.random(len(pts)) * 0.5
    chosen: list[int] = []
    for k in np.argsort(-score, kind="stable"):
        if all(pts[k].distance(pts[c]) >= spacing_m for c in chosen):
            chosen.append(int(k))
        if len(chosen) == n:
            break
    sel = pts[chosen]
    s = gpd.GeoDataFrame(geometry=gpd.GeoSeries(sel, crs=edges.crs), crs=edges.crs)
    s["community"], s["street"] = _locate(sel, comm)
    roads = [_nearest_name(p, edges) for p in sel]
    names = _unique([(r or cm.replace("社区", "")) + "红色驿站" for r, cm in zip(roads, s["community"])])
    s.insert(0, "id", [f"R{i + 1:02d}" for i in range(len(s))])
    s.insert(1, "name", names)
    s.insert(2, "host_unit", [str(rng.choice(HOST_UNITS)) for _ in range(len(s))])
    s["address"] = [f"{r}沿街（示例位置）" if r else "（示例位置）" for r in roads]
    s["opening_hours"] = [str(rng.choice(STATION_HOURS)) for _ in range(len(s))]
    probs = {"water_dispenser": 0.9, "fridge": 0.6, "microwave": 0.7, "air_conditioning": 0.85,
             "phone_charging": 0.9, "toilet": 0.55, "first_aid_kit": 0.75, "rest_seats": 0.9}
    for col, pr in probs.items():
        s[col] = rng.random(len(s)) < pr
    s.loc[0, list(probs)] = True                   # two fully equipped stations
    s.loc[1, list(probs)] = True
    s["notes"] = DEMO_NOTE
    return s[["id", "name", "host_unit", "address", "community", "street", "opening_hours", *probs, "notes", "geometry"]]


def build_candidates(demand: gpd.GeoDataFrame, comm: gpd.GeoDataFrame, centers: gpd.GeoDataFrame,
                     edges: gpd.GeoDataFrame, water, rng, n: int = 40, spacing_m: float = 250.0) -> gpd.GeoDataFrame:
    """~40 candidate sites (闲置公房, partner units' ground floors...), more where centers are missing."""
    area = shapely.union_all(comm.geometry.to_numpy())
    d = demand[demand.within(area) & (demand["population"] > 50)]
    no_center = comm[~comm["name"].isin(centers["community"])]
    in_gap = d.within(shapely.union_all(no_center.geometry.to_numpy())) if len(no_center) else pd.Series(False, index=d.index)
    pts = d.geometry.to_numpy()
    chosen: list[int] = []
    for pool, quota in ((np.flatnonzero(in_gap.to_numpy()), 14), (np.arange(len(d)), n)):
        for k in rng.permutation(pool):
            if len(chosen) >= quota:
                break
            if all(pts[k].distance(pts[c]) >= spacing_m for c in chosen):
                chosen.append(int(k))
    walk = edges[edges["highway"].isin(SITE_HIGHWAYS)]
    sites, roads = [], []
    for k in chosen:
        site, road = _street_site(pts[k], walk, pts[k].buffer(300.0), water, 12.0)
        sites.append(site)
        roads.append(road)
    c = gpd.GeoDataFrame(geometry=gpd.GeoSeries(sites, crs=edges.crs), crs=edges.crs)
    kinds = rng.integers(0, len(CANDIDATE_KINDS), len(c))
    c.insert(0, "id", [f"K{i + 1:02d}" for i in range(len(c))])
    c.insert(1, "name", _unique([f"{(r or '某路')}{CANDIDATE_KINDS[k][0]}" for r, k in zip(roads, kinds)], "（示例）"))
    c["kind"] = [CANDIDATE_KINDS[k][0] for k in kinds]
    c["address"] = [f"{r}附近（示例位置）" if r else "（示例位置）" for r in roads]
    c["community"], c["street"] = _locate(c.geometry.to_numpy(), comm)
    c["area_m2"] = (rng.integers(6, 80, len(c)) * 10).astype(float)
    c["owner"] = [CANDIDATE_KINDS[k][1] for k in kinds]
    c["owner_type"] = [CANDIDATE_FACTS[CANDIDATE_KINDS[k][0]][0] for k in kinds]
    rate = np.array([CANDIDATE_FACTS[CANDIDATE_KINDS[k][0]][1] for k in kinds])
    c["cost_wan"] = np.round(c["area_m2"].to_numpy() * rate * rng.uniform(0.8, 1.2, len(c)), 1)
    c["notes"] = [f"{CANDIDATE_KINDS[k][2]}；{DEMO_NOTE}" for k in kinds]
    return c[["id", "name", "kind", "address", "community", "street", "area_m2", "owner", "owner_type", "cost_wan",
              "notes", "geometry"]]


# -- writing ---------------------------------------------------------------------------------


def to_geojson(gdf: gpd.GeoDataFrame, name: str) -> str:
    """Deterministic GeoJSON text (EPSG:4326, 7 decimals, ``demo: true`` on every feature)."""
    g = gdf.to_crs(WGS84)
    geoms = shapely.transform(g.geometry.to_numpy(), lambda xy: np.round(xy, 7))
    bad = ~shapely.is_valid(geoms)
    if bad.any():  # last resort; the grids are snapped beforehand so this should not happen
        geoms[bad] = shapely.make_valid(geoms[bad])
    feats = []
    for (_, row), geom in zip(g.drop(columns="geometry").iterrows(), geoms):
        props = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        props["demo"] = True
        feats.append({"type": "Feature", "properties": props, "geometry": json.loads(shapely.to_geojson(geom))})
    doc = {"type": "FeatureCollection", "name": name,
           "note": f"{DEMO_NOTE} (illustrative demo data, not real sites); data/demo/README.md",
           "attribution": "© OpenStreetMap contributors (ODbL); demo attributes invented",
           "features": feats}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def build_all(osm_path: Path = SAMPLE_OSM) -> dict[str, gpd.GeoDataFrame]:
    """Every demo layer in the metric CRS, keyed by file stem."""
    rng = np.random.default_rng(SEED)
    net, feats, edges, demand, box = load_inputs(osm_path)
    water = shapely.union_all(feats.water.geometry[feats.water["kind"] == "area"].to_crs(net.crs).to_numpy())
    shapely.prepare(water)
    grids = build_grids(feats, net.crs, box, demand)
    grids, comm = assign_communities(grids)
    walk = edges[edges["highway"].isin(WALKABLE_HIGHWAYS)]
    centers = build_centers(comm, walk, water, rng)
    stations = build_stations(walk, feats.pois.to_crs(net.crs), comm, water, rng)
    candidates = build_candidates(demand, comm, centers, walk, water, rng)
    return {"grids": grids, "communities": comm, "service_centers": centers,
            "red_stations": stations, "candidates": candidates}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEMO_DIR, help="output folder (default data/demo)")
    ap.add_argument("--osm", type=Path, default=SAMPLE_OSM, help="OSM file (default: the bundled sample)")
    args = ap.parse_args(argv)
    layers = build_all(args.osm)
    for stem, gdf in layers.items():
        path = args.out / f"{stem}.geojson"
        atomic_write_text(path, to_geojson(gdf, stem))
        extra = f", {gdf['population'].sum():,.0f} residents (estimate)" if "population" in gdf else ""
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(gdf)} features{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
