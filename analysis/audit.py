"""Function audit of service centers ("3+1+N") and amenity audit of red stations, against a standard.

"3+1+N" (Huzhou): 3 basic functions (便民服务, 办公议事, 党群活动), 1 featured space (特色空间,
"有条件的社区" build one), N flexible spaces (灵活空间, set as residents need). A red station
(红色驿站) has 饮水机、电冰箱、微波炉、空调 and other amenities. What is *required* comes from a
standard (:mod:`analysis.standards`; default = the documents: the three functions and the four
amenities mandatory, the featured space reported, N counted, other amenities counted as extras,
no minimum floor area). Every audit row names the standard (``standard`` column).

A function or amenity counts as present when its yes/no column is true, or when the free
list column (``functions`` / ``amenities``) names it. Blank counts as missing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.standards import Standard, load_standard
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


def _missing_lists(n: int, index) -> tuple[pd.Series, pd.Series]:
    return (pd.Series([[] for _ in range(n)], index=index, dtype=object),
            pd.Series([[] for _ in range(n)], index=index, dtype=object))


def audit_service_centers(gdf: pd.DataFrame, standard: Standard | None = None) -> pd.DataFrame:
    """Per center: the basic functions, the featured space and flexible spaces, judged by ``standard``.

    Columns: id, name, level, has_<function> (3 bools), n_basic (0-3), n_required, has_featured,
    n_flexible, complete (every required item present), missing_zh / missing_en (required items
    missing, "" when complete), summary_zh / summary_en (e.g. "基本功能 2/3；特色空间：有；灵活空间 2 个"),
    standard (name, file and SHA-256 prefix of the standard used).

    Parameters
    ----------
    gdf : DataFrame or GeoDataFrame
        Service centers with the canonical columns of :mod:`geo.schemas` (optional ``id``, ``name``,
        ``level``, ``func_*`` yes/no columns, ``functions`` list text, ``featured_space``,
        ``flexible_spaces``); geometry is not used.
    standard : Standard, optional
        The audit standard; the shipped default when None.

    Returns
    -------
    DataFrame
        One row per center (index reset), the columns above.
    """
    std = standard or load_standard()
    out = _ident(gdf)
    out["level"] = gdf["level"] if "level" in gdf.columns else pd.NA
    listed = _list_text(gdf, "functions")
    missing_zh, missing_en = _missing_lists(len(gdf), gdf.index)
    n_basic = pd.Series(0, index=gdf.index)
    ok = pd.Series(True, index=gdf.index)
    for col, zh, en in CENTER_FUNCTIONS:
        has = _flag(gdf, col, listed)
        out["has_" + col.removeprefix("func_")] = has
        n_basic += has.astype(int)
        if col in std.center_mandatory:
            ok &= has
            for i in has.index[~has]:
                missing_zh[i].append(zh)
                missing_en[i].append(en)
    out["n_basic"] = n_basic
    out["n_required"] = len(std.center_mandatory)
    has_featured = _text_present(gdf, "featured_space") | listed.str.contains("特色空间|featured", regex=True)
    out["has_featured"] = has_featured
    if "flexible_spaces" in gdf.columns:
        n_flex = pd.Series([len(_items(v)) for v in gdf["flexible_spaces"].tolist()], index=gdf.index)
    else:
        n_flex = pd.Series(0, index=gdf.index)
    out["n_flexible"] = n_flex.astype(int)
    if std.featured_space_required:
        ok &= has_featured
        for i in out.index[~has_featured]:
            missing_zh[i].append("特色空间")
            missing_en[i].append("featured space")
    if std.min_flexible_spaces > 0:
        few = out["n_flexible"] < std.min_flexible_spaces
        ok &= ~few
        for i in out.index[few]:
            missing_zh[i].append(f"灵活空间（至少 {std.min_flexible_spaces} 个）")
            missing_en[i].append(f"flexible spaces (at least {std.min_flexible_spaces})")
    out["complete"] = ok
    out["missing_zh"] = missing_zh.map("、".join)
    out["missing_en"] = missing_en.map(", ".join)
    feat_zh = has_featured.map({True: "有", False: "无"}) + ("" if std.featured_space_required else "（不计缺项）")
    feat_en = has_featured.map({True: "yes", False: "no"}) + ("" if std.featured_space_required else " (not required)")
    out["summary_zh"] = ("基本功能 " + n_basic.astype(str) + "/3；特色空间：" + feat_zh
                         + "；灵活空间 " + out["n_flexible"].astype(str) + " 个")
    out["summary_en"] = ("basic functions " + n_basic.astype(str) + "/3; featured space: " + feat_en
                         + "; flexible spaces: " + out["n_flexible"].astype(str))
    out["standard"] = std.label("zh")
    out["standard_en"] = std.label("en")
    return out.reset_index(drop=True)


def audit_red_stations(gdf: pd.DataFrame, standard: Standard | None = None) -> pd.DataFrame:
    """Per red station: mandatory amenities, extras and floor area, judged by ``standard``.

    Columns: id, name, has_<amenity> (8 bools), n_present (mandatory present), n_total (number
    mandatory), n_extras (other amenities present), area_m2 (NaN when not given), complete,
    missing_zh / missing_en ("" when complete), summary_zh / summary_en, standard.
    With a minimum floor area (m²) set, a station without an area or below it is not complete.

    Parameters
    ----------
    gdf : DataFrame or GeoDataFrame
        Red stations with the canonical columns of :mod:`geo.schemas` (optional ``id``, ``name``,
        amenity yes/no columns, ``amenities`` list text, ``area_m2`` in m²); geometry is not used.
    standard : Standard, optional
        The audit standard; the shipped default when None.

    Returns
    -------
    DataFrame
        One row per station (index reset), the columns above.
    """
    std = standard or load_standard()
    out = _ident(gdf)
    listed = _list_text(gdf, "amenities")
    missing_zh, missing_en = _missing_lists(len(gdf), gdf.index)
    n = pd.Series(0, index=gdf.index)
    extras = pd.Series(0, index=gdf.index)
    for col, zh, en in STATION_AMENITIES:
        has = _flag(gdf, col, listed)
        out["has_" + col] = has
        if col in std.station_mandatory:
            n += has.astype(int)
            for i in has.index[~has]:
                missing_zh[i].append(zh)
                missing_en[i].append(en)
        else:
            extras += has.astype(int)
    total = len(std.station_mandatory)
    area = pd.to_numeric(gdf["area_m2"], errors="coerce") if "area_m2" in gdf.columns else pd.Series(np.nan, index=gdf.index)
    out["n_present"] = n
    out["n_total"] = total
    out["n_extras"] = extras
    out["area_m2"] = area.astype(float)
    ok = n == total
    m = std.station_min_area_m2
    if m > 0:
        small = ~(area >= m)
        ok &= ~small
        for i in area.index[small]:
            unknown = pd.isna(area[i])
            missing_zh[i].append(f"面积（未填，要求≥{m:g}㎡）" if unknown else f"面积（{area[i]:g}㎡，要求≥{m:g}㎡）")
            missing_en[i].append(f"floor area (not given, needs >= {m:g} m²)" if unknown
                                 else f"floor area ({area[i]:g} m², needs >= {m:g} m²)")
    out["complete"] = ok
    out["missing_zh"] = missing_zh.map("、".join)
    out["missing_en"] = missing_en.map(", ".join)
    area_zh = area.map(lambda v: "" if pd.isna(v) else f"；面积 {v:g} ㎡")
    area_en = area.map(lambda v: "" if pd.isna(v) else f"; floor area {v:g} m²")
    out["summary_zh"] = "必备设施 " + n.astype(str) + f"/{total}；其他配套 " + extras.astype(str) + " 项" + area_zh
    out["summary_en"] = "required amenities " + n.astype(str) + f"/{total}; extras: " + extras.astype(str) + area_en
    out["standard"] = std.label("zh")
    out["standard_en"] = std.label("en")
    return out.reset_index(drop=True)
