"""Building facts of candidate sites: owner type, floor area (m²), cost (万元), and the rules using them.

The documents (``shared/seeds``, Huzhou) say idle state-owned property goes to communities first
("闲置的国有资产用房优先提供社区使用") and set functions that need floor space. Siting uses:

* **minimum floor area per kind** (m², :class:`analysis.siting.api.SitingParams`): a candidate
  with less floor area, or none given, is excluded (kept in the output with the reason);
* **budget** (万元): the chosen candidates' costs add up to at most the budget; a candidate with
  no cost given is excluded while a budget is set;
* **state-owned idle property preferred** — the rule: every chosen 国有闲置 candidate adds a bonus
  of :data:`STATE_IDLE_BONUS_SHARE` (0.1 %) of the total demand weight to the MCLP objective, in
  the exact and the greedy solver alike. So a 国有闲置 building wins over another building unless
  that one covers more than 0.1 % of all demand more; between equal options it always wins.
  Figures reported (covered residents / workers) never include the bonus.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.messages import ByLang, pair, text

#: owner type -> (Chinese label, English label); the candidates layer's 产权类型 column
OWNER_TYPES: dict[str, tuple[str, str]] = {
    key: pair(f"siting.owner_{key}") for key in ("state_idle", "state", "collective", "private", "other")
}
# accepted spellings: geo.schemas.CANDIDATES.field("owner_type").choices (the reader maps them to these keys)
#: bonus of one chosen 国有闲置 candidate, as a share of the total demand weight
STATE_IDLE_BONUS_SHARE = 0.001
UNKNOWN_OWNER = pair("siting.owner_unknown")


def owner_types(candidates: pd.DataFrame) -> np.ndarray:
    """Owner type key per candidate ('' when not given).

    Parameters
    ----------
    candidates : pandas.DataFrame
        Candidate layer, optionally with an ``owner_type`` column (keys of :data:`OWNER_TYPES`).

    Returns
    -------
    numpy.ndarray of object
        One key (str) per row.
    """
    if "owner_type" not in candidates:
        return np.full(len(candidates), "", dtype=object)
    return candidates["owner_type"].fillna("").astype(str).to_numpy(dtype=object)


def numeric(candidates: pd.DataFrame, col: str) -> np.ndarray:
    """A numeric column as float (NaN when missing or not a number).

    Parameters
    ----------
    candidates : pandas.DataFrame
        Candidate layer.
    col : str
        Column name, e.g. ``area_m2`` (m²) or ``cost_wan`` (万元).

    Returns
    -------
    numpy.ndarray of float
        One value per row, in the column's unit.
    """
    if col not in candidates:
        return np.full(len(candidates), np.nan)
    return pd.to_numeric(candidates[col], errors="coerce").to_numpy(dtype=float)


def state_idle_bonus(owner: np.ndarray, total_weight: float, share: float = STATE_IDLE_BONUS_SHARE) -> np.ndarray:
    """Objective bonus per candidate: ``share`` x total demand for 国有闲置, else 0.

    Parameters
    ----------
    owner : numpy.ndarray of object
        Owner type key per candidate (:func:`owner_types`).
    total_weight : float
        Total demand weight (residents or outdoor-work units); negative counts as 0.
    share : float
        Bonus as a share of the total weight (:data:`STATE_IDLE_BONUS_SHARE`, 0.1 %).

    Returns
    -------
    numpy.ndarray of float
        Bonus per candidate, in demand-weight units.
    """
    return np.where(np.asarray(owner, dtype=object) == "state_idle", share * max(float(total_weight), 0.0), 0.0)


def owner_label(key: str, lang: str) -> str:
    """Owner type in Chinese or English ('未填' / 'not given' when blank or unknown).

    Parameters
    ----------
    key : str
        Owner type key (:data:`OWNER_TYPES`).
    lang : str
        "zh" (Simplified Chinese) or "en".

    Returns
    -------
    str
        The label.
    """
    pair = OWNER_TYPES.get(str(key), UNKNOWN_OWNER)
    return pair[0] if lang == "zh" else pair[1]


def _num(v: float, unit: str) -> str:
    return "—" if not np.isfinite(v) else f"{v:,.0f} {unit}" if float(v).is_integer() else f"{v:,.1f} {unit}"


def reasons(adds: np.ndarray, share: np.ndarray, unit_zh: str, unit_en: str, owner: np.ndarray,
            area_m2: np.ndarray, cost_wan: np.ndarray, verb: tuple[str, str] = pair("siting.verb_adds"),
            ) -> tuple[list[str], list[str]]:
    """Why each chosen site was chosen: what it adds, owner, floor area, cost (zh, en).

    Parameters
    ----------
    adds : numpy.ndarray of float
        Demand weight each site adds (residents or outdoor-work units).
    share : numpy.ndarray of float
        The same as a fraction 0-1 of the total (NaN: not shown).
    unit_zh, unit_en : str
        Name of the weight unit in Chinese and English (e.g. 居民 / residents).
    owner : numpy.ndarray of object
        Owner type key per site.
    area_m2 : numpy.ndarray of float
        Floor area, m² (NaN: not given).
    cost_wan : numpy.ndarray of float
        Cost, 万元 (10,000 CNY; NaN: not given).
    verb : tuple of (str, str)
        Chinese and English verb before the figure ("新增覆盖", "adds").

    Returns
    -------
    zh : list of str
        One Chinese sentence per site.
    en : list of str
        The same in English.
    """
    zh, en = [], []
    for a, s, o, ar, c in zip(adds, share, owner, area_m2, cost_wan):
        values = dict(
            verb=ByLang(*verb), unit=ByLang(unit_zh, unit_en), adds=a,
            pct=ByLang(*pair("siting.reason_share", pct=s * 100)) if np.isfinite(s) else "",
            owner=ByLang(owner_label(o, "zh"), owner_label(o, "en")), area=ByLang(_num(ar, "㎡"), _num(ar, "m²")),
            cost=ByLang(*(_num(c, u) for u in pair("siting.unit_wan"))),
            pref=ByLang(*pair("siting.reason_state_idle")) if o == "state_idle" else "",
        )
        zh.append(text("siting.reason", "zh", **values))
        en.append(text("siting.reason", "en", **values))
    return zh, en
