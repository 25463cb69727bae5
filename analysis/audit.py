"""Function audit of service centers ("3+1+N") and amenity audit of red stations.

"3+1+N": 3 basic functions (便民服务 convenience services, 办公议事 office/deliberation,
活动 activities), 1 featured space (特色空间), N flexible spaces (灵活空间, at least one).
A red station (红色驿站) is checked for the eight amenities of :data:`STATION_AMENITIES`.

A function or amenity counts as present when its yes/no column is true, or when the free
list column (``functions`` / ``amenities``) names it. Blank counts as missing.
"""

from __future__ import annotations

import re

import pandas as pd

from geo.schemas import CENTER_FUNCTIONS, STATION_AMENITIES

_SYNONYMS = {
    "func_convenience": ("便民服务", "便民", "convenience"),
    "func_office": ("办公议事", "议事", "办公", "office", "deliberation"),
    "func_activity": ("活动", "activit"),
    "water_dispenser": ("饮水", "热水", "water"),
    "fridge": ("冰箱", "fridge"),
    "microwave": ("微波炉", "microwave"),
    "air_conditioning": ("空调", "air"),
    "phone_charging": ("充电", "charg"),
    "toilet": ("厕所", "卫生间", "公厕", "toilet"),
    "first_aid_kit": ("急救", "医药箱", "药箱", "first"),
    "rest_seats": ("座椅", "休息", "seat"),
}


def _items(v) -> list:
    """A list-like cell (list, tuple, NumPy/Arrow array) as a list; blanks as []."""
    if isinstance(v, str):
        return [t.strip() for t in re.split(r"[、,，;；/|\n]+", v) if t.strip()]
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return []
    try:
        return list(v)
    except TypeError:
        return [v]


def _list_text(df: pd.DataFrame, col: str) -> pd.Series:
    """A list column (or text) as one lower-case string per row, items joined by '|'."""
    if col not in df.columns:
        return pd.Series("", index=df.index)
    s = df[col]
    joined = [("|".join(map(str, _items(v)))).lower() for v in s.tolist()]
    return pd.Series(joined, index=df.index, dtype=object).astype(str)


def _flag(df: pd.DataFrame, col: str, listed: pd.Series) -> pd.Series:
    """Present when the yes/no column is true or the list text mentions it."""
    yes = df[col].astype("boolean").fillna(False).astype(bool) if col in df.columns else pd.Series(False, index=df.index)
    pattern = "|".join(w.lower() for w in _SYNONYMS.get(col, ()))
    mentioned = listed.str.contains(pattern, regex=True) if pattern else pd.Series(False, index=df.index)
    return yes | mentioned


def _text_present(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(False, index=df.index)
    return pd.Series([bool(_items(v)) for v in df[col].tolist()], index=df.index, dtype=bool)


def _ident(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    out["id"] = df["id"].astype(str) if "id" in df.columns else [str(i + 1) for i in range(len(df))]
    out["name"] = df["name"] if "name" in df.columns else pd.NA
    return out


def audit_service_centers(gdf: pd.DataFrame) -> pd.DataFrame:
    """Per center: which of the 3 basic functions, the featured space and flexible spaces exist.

    Columns: id, name, level, has_<function> (3 bools), n_basic (0-3), has_featured,
    n_flexible, complete, missing_zh / missing_en (names of what is missing, "" when complete),
    summary_zh / summary_en (e.g. "基本功能 2/3；特色空间：有；灵活空间 2 个").
    """
    out = _ident(gdf)
    out["level"] = gdf["level"] if "level" in gdf.columns else pd.NA
    listed = _list_text(gdf, "functions")
    missing_zh = pd.Series([[] for _ in range(len(gdf))], index=gdf.index, dtype=object)
    missing_en = pd.Series([[] for _ in range(len(gdf))], index=gdf.index, dtype=object)
    n_basic = pd.Series(0, index=gdf.index)
    for col, zh, en in CENTER_FUNCTIONS:
        has = _flag(gdf, col, listed)
        out["has_" + col.removeprefix("func_")] = has
        n_basic += has.astype(int)
        for i in has.index[~has]:
            missing_zh[i].append(zh)
            missing_en[i].append(en)
    out["n_basic"] = n_basic
    has_featured = _text_present(gdf, "featured_space") | listed.str.contains("特色空间|featured", regex=True)
    out["has_featured"] = has_featured
    if "flexible_spaces" in gdf.columns:
        n_flex = pd.Series([len(_items(v)) for v in gdf["flexible_spaces"].tolist()], index=gdf.index)
    else:
        n_flex = pd.Series(0, index=gdf.index)
    out["n_flexible"] = n_flex.astype(int)
    for i in out.index[~has_featured]:
        missing_zh[i].append("特色空间")
        missing_en[i].append("featured space")
    for i in out.index[out["n_flexible"] == 0]:
        missing_zh[i].append("灵活空间")
        missing_en[i].append("flexible spaces")
    out["complete"] = (n_basic == 3) & has_featured & (out["n_flexible"] > 0)
    out["missing_zh"] = missing_zh.map("、".join)
    out["missing_en"] = missing_en.map(", ".join)
    out["summary_zh"] = ("基本功能 " + n_basic.astype(str) + "/3；特色空间：" + has_featured.map({True: "有", False: "无"})
                         + "；灵活空间 " + out["n_flexible"].astype(str) + " 个")
    out["summary_en"] = ("basic functions " + n_basic.astype(str) + "/3; featured space: " + has_featured.map({True: "yes", False: "no"})
                         + "; flexible spaces: " + out["n_flexible"].astype(str))
    return out.reset_index(drop=True)


def audit_red_stations(gdf: pd.DataFrame) -> pd.DataFrame:
    """Per red station: which of the eight amenities are present.

    Columns: id, name, has_<amenity> (8 bools), n_present, n_total (8), complete,
    missing_zh / missing_en ("" when complete), summary_zh / summary_en.
    """
    out = _ident(gdf)
    listed = _list_text(gdf, "amenities")
    missing_zh = pd.Series([[] for _ in range(len(gdf))], index=gdf.index, dtype=object)
    missing_en = pd.Series([[] for _ in range(len(gdf))], index=gdf.index, dtype=object)
    n = pd.Series(0, index=gdf.index)
    for col, zh, en in STATION_AMENITIES:
        has = _flag(gdf, col, listed)
        out["has_" + col] = has
        n += has.astype(int)
        for i in has.index[~has]:
            missing_zh[i].append(zh)
            missing_en[i].append(en)
    total = len(STATION_AMENITIES)
    out["n_present"] = n
    out["n_total"] = total
    out["complete"] = n == total
    out["missing_zh"] = missing_zh.map("、".join)
    out["missing_en"] = missing_en.map(", ".join)
    out["summary_zh"] = "配套设施 " + n.astype(str) + f"/{total}"
    out["summary_en"] = "amenities " + n.astype(str) + f"/{total}"
    return out.reset_index(drop=True)
