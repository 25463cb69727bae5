"""The three lists of regional party building (区域化党建, Changsha): 需求清单, 资源清单, 项目清单.

* 需求清单 (needs list): residents' needs by community and compound, each matched to the
  resources of resident units (驻区单位) within a walking distance that could meet it
  (category → resource kinds: :data:`geo.schemas.NEED_CATEGORIES`); unmatched needs flagged.
* 资源清单 (resources list): what each unit offers, by unit and kind, with the capacity used by
  the needs allocated to it and the capacity left unused.
* 项目清单 (projects list): co-building projects, claimed (双向认领) or not, and their status.

Matching distance: **1,000 m along the walking network** by default (:data:`DEFAULT_MATCH_M`,
the product's own assumption: about 13 minutes at 4.5 km/h; the documents give no number), from
the need's location to the unit's entrance, both access distances included.

Allocation (for unused capacity): open and claimed needs (not 已完成), nearest pairs first, each
need to one resource with enough capacity left (a need without a quantity counts as 1; a resource
without a capacity is treated as unlimited and its unused capacity is unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.travel_time import points_reach
from geo.errors import ParameterError
from geo.messages import both
from geo.network import WalkNetwork
from geo.schemas import NEED_CATEGORIES, RESOURCE_ALIASES, RESOURCE_KINDS, normalize_header
from geo.snapping import DEFAULT_MAX_ACCESS_M, snap_points

DEFAULT_MATCH_M = 1000.0

KIND_ZH = {k: zh for k, zh, *_ in RESOURCE_KINDS}
KIND_EN = {k: en for k, _, en, *_ in RESOURCE_KINDS}
KIND_UNIT_ZH = {k: u for k, _, _, u, _ in RESOURCE_KINDS}
CATEGORY_ZH = {k: zh for k, zh, _, _ in NEED_CATEGORIES}
CATEGORY_EN = {k: en for k, _, en, _ in NEED_CATEGORIES}
CATEGORY_KINDS = {k: kinds for k, _, _, kinds in NEED_CATEGORIES}
STATUS_ZH = {"open": "待认领", "claimed": "已认领", "done": "已完成"}
PROJECT_STATUS_ZH = {"unclaimed": "待认领", "claimed": "已认领", "ongoing": "实施中", "done": "已完成"}

_KIND_LOOKUP = {normalize_header(a): k for k, aliases in RESOURCE_ALIASES.items() for a in (k, *aliases)}
_OFFER_RE = re.compile(r"^\s*(?P<kind>[^\d(（:：=＝]+)[^\d]*(?P<cap>\d+(?:\.\d+)?)?")


def parse_offer(item: str) -> tuple[str | None, float]:
    """One offered resource "会议室(60)" / "停车位:40个" / "志愿服务" → (kind key or None, capacity or NaN).

    Parameters
    ----------
    item : str
        One offer text.

    Returns
    -------
    tuple of (str or None, float)
        The resource kind key (None when not understood) and the capacity in the kind's unit
        (NaN when no number is given).
    """
    m = _OFFER_RE.match(str(item))
    if not m:
        return None, float("nan")
    kind = _KIND_LOOKUP.get(normalize_header(m.group("kind")))
    if kind is None:  # "夜间停车位" → the longest alias contained in the text
        text = normalize_header(m.group("kind"))
        hits = [(len(a), k) for a, k in _KIND_LOOKUP.items() if a and a in text]
        kind = max(hits)[1] if hits else None
    cap = float(m.group("cap")) if m.group("cap") else float("nan")
    return kind, cap


def _items(v) -> list[str]:
    if isinstance(v, str):
        return [t for t in re.split(r"[、,，;；/|\n]+", v) if t.strip()]
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return []
    return [str(t) for t in v]


def resource_table(units: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per offered resource: resource_id, unit_row, unit_id, unit_name, kind, kind_zh,
    capacity, capacity_unit, hours. Also the offers that were not understood (text).

    Parameters
    ----------
    units : GeoDataFrame
        Units (驻区单位) with ``name`` and optional ``id``, ``offers`` (list or text) and
        ``offer_hours``.

    Returns
    -------
    resources : DataFrame
        The columns above; ``unit_row`` is the unit's position in ``units``.
    unknown : list of str
        "unit name: offer" for each offer not understood.
    """
    rows, unknown = [], []
    for i, (uid, name, offers, hours) in enumerate(zip(
            units["id"].astype(str) if "id" in units.columns else [f"U{k + 1:03d}" for k in range(len(units))],
            units["name"].astype(str), units["offers"] if "offers" in units.columns else [[]] * len(units),
            units["offer_hours"] if "offer_hours" in units.columns else [None] * len(units))):
        for item in _items(offers):
            kind, cap = parse_offer(item)
            if kind is None:
                unknown.append(f"{name}: {item}")
                continue
            rows.append({"resource_id": f"{uid}-{len(rows) + 1}", "unit_row": i, "unit_id": uid, "unit_name": name,
                         "kind": kind, "kind_zh": KIND_ZH[kind], "capacity": cap, "capacity_unit": KIND_UNIT_ZH[kind],
                         "hours": "" if hours is None or hours is pd.NA or hours != hours else str(hours)})
    cols = ["resource_id", "unit_row", "unit_id", "unit_name", "kind", "kind_zh", "capacity", "capacity_unit", "hours"]
    return pd.DataFrame(rows, columns=cols), unknown


@dataclass(frozen=True)
class ListsResult:
    """The three lists and the links between them (distances in metres along the network).

    ``needs`` (需求清单, GeoDataFrame WGS-84): need_id, name, category, category_zh, quantity,
    compound, community, status, n_matches, matched, nearest_unit, nearest_kind, nearest_m,
    allocated_to, allocated_unit. ``resources`` (资源清单): resource_id, unit_id, unit_name,
    kind, kind_zh, capacity, capacity_unit, hours, n_needs_within, allocated, unused.
    ``projects`` (项目清单): project_id, name, claimed_by, claimed, unit_known, community,
    status, status_zh, start_date, end_date. ``matches``: need_id, need, resource_id,
    unit_name, kind_zh, walk_m (every need–resource pair within the distance).
    """

    distance_m: float
    needs: gpd.GeoDataFrame
    resources: pd.DataFrame
    projects: pd.DataFrame
    matches: pd.DataFrame
    needs_by_community: pd.DataFrame
    resources_by_kind: pd.DataFrame
    unknown_offers: list[str]

    @property
    def summary(self) -> dict:
        """Headline counts."""
        n = self.needs
        return {
            "distance_m": self.distance_m,
            "n_needs": int(len(n)), "n_needs_open": int((n["status"] != "done").sum()),
            "n_matched": int(n["matched"].sum()), "n_unmatched": int((~n["matched"] & (n["status"] != "done")).sum()),
            "n_allocated": int(n["allocated_to"].notna().sum()),
            "n_resources": int(len(self.resources)), "n_units": int(self.resources["unit_id"].nunique()) if len(self.resources) else 0,
            "n_projects": int(len(self.projects)), "n_projects_claimed": int(self.projects["claimed"].sum()) if len(self.projects) else 0,
        }


def _project_list(projects: pd.DataFrame | None, unit_names: set[str]) -> pd.DataFrame:
    cols = ["project_id", "name", "claimed_by", "claimed", "unit_known", "community", "status", "status_zh", "start_date", "end_date"]
    if projects is None or not len(projects):
        return pd.DataFrame(columns=cols)
    p = pd.DataFrame(projects).reset_index(drop=True)
    get = lambda c: p[c] if c in p.columns else pd.Series([pd.NA] * len(p))  # noqa: E731
    by = get("claimed_by").astype("string").str.strip().replace("", pd.NA)
    status = get("status").astype("object")
    claimed = by.notna().to_numpy() | status.isin(["claimed", "ongoing", "done"]).to_numpy()
    status = status.where(status.notna(), np.where(claimed, "claimed", "unclaimed"))
    out = pd.DataFrame({
        "project_id": get("id").astype(str), "name": get("name"), "claimed_by": by.astype(object).where(by.notna(), ""),
        "claimed": claimed, "unit_known": by.isin(list(unit_names)).fillna(False).to_numpy(bool) | by.isna().to_numpy(),
        "community": get("community"), "status": status, "status_zh": status.map(PROJECT_STATUS_ZH),
        "start_date": get("start_date"), "end_date": get("end_date"),
    })
    order = {"unclaimed": 0, "claimed": 1, "ongoing": 2, "done": 3}
    return out.sort_values(["status"], key=lambda s: s.map(order), kind="stable", ignore_index=True)[cols]


def build_lists(network: WalkNetwork, units: gpd.GeoDataFrame, needs: gpd.GeoDataFrame,
                projects: pd.DataFrame | None = None, distance_m: float = DEFAULT_MATCH_M,
                max_access_m: float = DEFAULT_MAX_ACCESS_M) -> ListsResult:
    """Needs matched to units' resources within ``distance_m`` metres along ``network``.

    ``units``/``needs``: layers as read by ``geo.readers.read_layer(..., "units"/"needs")``
    (any CRS; ``offers`` list and ``category`` key columns). ``projects``: the projects layer.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    units : GeoDataFrame
        Units with ``name``, ``offers`` (and ``id``, ``offer_hours``), any CRS with a known datum.
    needs : GeoDataFrame
        Needs with ``category`` (and ``id``, ``name``, ``quantity``, ``community``, ``compound``, ``status``), any CRS with a known datum.
    projects : DataFrame, optional
        Projects with ``name``, ``claimed_by``, ``status``, dates.
    distance_m : float
        Matching distance along the network, metres (access distances included).
    max_access_m : float
        Points farther than this from every street (metres) are not matched.

    Returns
    -------
    ListsResult

    Raises
    ------
    geo.errors.ParameterError
        When ``distance_m`` is not a positive finite number.
    """
    if not (distance_m > 0 and np.isfinite(distance_m)):
        raise ParameterError(both("error.match_distance_invalid", distance_m=distance_m))
    units = units.reset_index(drop=True)
    needs = needs.reset_index(drop=True)
    res, unknown = resource_table(units)
    n_need = len(needs)
    cat = needs["category"].astype(object).to_numpy() if "category" in needs.columns else np.full(n_need, None)
    qty = pd.to_numeric(needs["quantity"], errors="coerce").to_numpy(float) if "quantity" in needs.columns else np.full(n_need, np.nan)
    qty = np.where(np.isfinite(qty) & (qty > 0), qty, 1.0)
    status = needs["status"].astype(object).where(needs["status"].notna(), "open").to_numpy() if "status" in needs.columns else np.full(n_need, "open", object)
    need_ids = needs["id"].astype(str).to_numpy() if "id" in needs.columns else np.array([f"N{i + 1:03d}" for i in range(n_need)])

    pairs = pd.DataFrame(columns=["need", "resource", "walk_m"])
    if len(res) and n_need:
        su = snap_points(network, units, max_access_m=max_access_m)
        sn = snap_points(network, needs, max_access_m=max_access_m)
        reach = points_reach(network, su, sn, distance_m)
        unit_need = pd.DataFrame({"unit_row": reach.source, "need": reach.target, "walk_m": reach.dist_m})
        p = unit_need.merge(res[["resource_id", "unit_row", "kind"]].reset_index(names="resource"), on="unit_row")
        ok = np.array([k in CATEGORY_KINDS.get(c, ()) for c, k in zip(cat[p["need"].to_numpy()], p["kind"])], dtype=bool)
        pairs = p.loc[ok, ["need", "resource", "walk_m"]].sort_values(["walk_m", "need", "resource"], ignore_index=True)

    # allocation: nearest pairs first, one resource per need, capacity permitting
    remaining = res["capacity"].to_numpy(float).copy() if len(res) else np.zeros(0)
    allocated = np.zeros(len(res))
    alloc_to = np.full(n_need, -1, dtype=np.int64)
    for need, r in zip(pairs["need"].to_numpy(int), pairs["resource"].to_numpy(int)):
        if alloc_to[need] >= 0 or status[need] == "done":
            continue
        if np.isnan(remaining[r]) or remaining[r] >= qty[need] - 1e-9:
            alloc_to[need] = r
            allocated[r] += qty[need]
            if not np.isnan(remaining[r]):
                remaining[r] -= qty[need]

    nearest = pairs.drop_duplicates("need")  # sorted by distance: first row per need is the nearest
    near_r = pd.Series(nearest["resource"].to_numpy(), index=nearest["need"].to_numpy())
    near_d = pd.Series(nearest["walk_m"].to_numpy(), index=nearest["need"].to_numpy())
    counts = pairs.groupby("need").size()
    idx = np.arange(n_need)
    nr = near_r.reindex(idx).to_numpy()
    has = ~np.isnan(nr.astype(float))
    nr_i = np.where(has, nr, 0).astype(int)
    alloc = alloc_to >= 0

    def pick(col: str, sel: np.ndarray, index: np.ndarray) -> np.ndarray:
        if not len(res):
            return np.full(n_need, "", dtype=object)
        return np.where(sel, res[col].to_numpy(object)[np.where(sel, index, 0)], "")

    out = gpd.GeoDataFrame({
        "need_id": need_ids,
        "name": needs["name"].astype(str).to_numpy() if "name" in needs.columns else need_ids,
        "category": cat, "category_zh": [CATEGORY_ZH.get(c, "") for c in cat], "quantity": qty,
        "compound": needs["compound"].to_numpy(object) if "compound" in needs.columns else None,
        "community": needs["community"].to_numpy(object) if "community" in needs.columns else None,
        "status": status, "status_zh": [STATUS_ZH.get(s, "") for s in status],
        "n_matches": counts.reindex(idx, fill_value=0).to_numpy(int), "matched": has,
        "nearest_unit": pick("unit_name", has, nr_i), "nearest_kind": pick("kind_zh", has, nr_i),
        "nearest_m": near_d.reindex(idx).to_numpy(float),
        "allocated_to": np.where(alloc, pick("resource_id", alloc, alloc_to), None),
        "allocated_unit": pick("unit_name", alloc, alloc_to),
    }, geometry=needs.geometry.values, crs=needs.crs)

    res_out = res.drop(columns=["unit_row"]).copy()
    res_out["n_needs_within"] = pairs.groupby("resource").size().reindex(np.arange(len(res)), fill_value=0).to_numpy(int)
    res_out["allocated"] = allocated
    res_out["unused"] = res_out["capacity"] - allocated
    matches = pd.DataFrame({
        "need_id": need_ids[pairs["need"].to_numpy(int)], "need": out["name"].to_numpy()[pairs["need"].to_numpy(int)],
        "resource_id": res["resource_id"].to_numpy(object)[pairs["resource"].to_numpy(int)] if len(pairs) else [],
        "unit_name": res["unit_name"].to_numpy(object)[pairs["resource"].to_numpy(int)] if len(pairs) else [],
        "kind_zh": res["kind_zh"].to_numpy(object)[pairs["resource"].to_numpy(int)] if len(pairs) else [],
        "walk_m": pairs["walk_m"].to_numpy(float),
    })
    return ListsResult(
        float(distance_m), out, res_out, _project_list(projects, set(units["name"].astype(str))), matches,
        _needs_by_community(out), _resources_by_kind(res_out), unknown,
    )


def _needs_by_community(needs: pd.DataFrame) -> pd.DataFrame:
    d = pd.DataFrame({"community": needs["community"].fillna("（未填）"), "compound": needs["compound"].fillna("（未填）"),
                      "open": needs["status"] != "done", "matched": needs["matched"].astype(bool)})
    d["unmatched"] = d["open"] & ~d["matched"]
    g = d.groupby(["community", "compound"], as_index=False).agg(
        n_needs=("open", "size"), n_open=("open", "sum"), n_matched=("matched", "sum"), n_unmatched=("unmatched", "sum"))
    return g.sort_values(["n_unmatched", "n_needs"], ascending=False, ignore_index=True)


def _resources_by_kind(res: pd.DataFrame) -> pd.DataFrame:
    cols = ["kind_zh", "n_units", "capacity", "allocated", "unused", "capacity_unit"]
    if not len(res):
        return pd.DataFrame(columns=cols)
    g = res.groupby(["kind", "kind_zh", "capacity_unit"], as_index=False).agg(
        n_units=("unit_id", "nunique"), capacity=("capacity", "sum"), allocated=("allocated", "sum"), unused=("unused", "sum"))
    return g.sort_values("n_units", ascending=False, ignore_index=True)[["kind", *cols]]
