"""方案 / Scenarios panel on the coverage page: save the what-if's proposed sites, reopen, compare.

Widgets only: the store is :mod:`geo.scenario_store` (the same setting as the CLI's ``--store``:
``$SERVICECIRCLE_STORE``, a .gpkg path or a postgresql:// URL; default under the user's data
folder) and the scenario logic is :mod:`analysis.scenarios`.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analysis import scenarios as sc
from geo.errors import ServiceCircleError
from geo.scenario_store import default_store_location, open_store, redact
from ui import state

_S = {
    "title": ("方案（保存、打开、比较）", "Scenarios (save, open, compare)"),
    "store": ("方案库：{loc}（设置环境变量 SERVICECIRCLE_STORE 可改为其他 GeoPackage 文件或 PostGIS 数据库）",
              "Scenario store: {loc} (set SERVICECIRCLE_STORE to use another GeoPackage file or a PostGIS database)"),
    "name": ("方案名称", "Scenario name"),
    "notes": ("备注", "Notes"),
    "save": ("保存当前拟建点位为方案", "Save the proposed sites as a scenario"),
    "replace": ("覆盖同名方案", "Overwrite a scenario of the same name"),
    "need_sites": ("先在地图上添加拟建点位，再保存方案。", "Add proposed sites on the map first, then save."),
    "need_name": ("请填写方案名称。", "Give the scenario a name."),
    "saved": ("已保存方案“{name}”（{n} 个拟建点位）。", "Saved scenario '{name}' ({n} proposed sites)."),
    "none": ("方案库中还没有方案。", "No scenarios saved yet."),
    "pick": ("选择方案", "Choose a scenario"),
    "open": ("打开（载入拟建点位）", "Open (load its sites)"),
    "delete": ("删除", "Delete"),
    "opened": ("已打开方案“{name}”：{n} 个拟建点位。", "Opened scenario '{name}': {n} proposed sites."),
    "resnapped": ("路网文件已变化，点位已重新吸附到街道。", "The street network changed: the sites were snapped again."),
    "other_params": ("该方案保存时为 {m:g} 分钟、{v:g} km/h，当前设置不同，数字会按当前设置重算。",
                     "This scenario was saved at {m:g} min and {v:g} km/h; figures are recomputed with the current settings."),
    "deleted": ("已删除方案“{name}”。", "Deleted scenario '{name}'."),
    "compare": ("比较方案（选两个或以上）", "Compare scenarios (choose two or more)"),
    "by_community": ("各社区覆盖率（%）与变化（百分点）", "Per community: covered % and change (percentage points)"),
    "col_name": ("方案", "Scenario"), "col_saved": ("保存时间(UTC)", "Saved (UTC)"),
    "col_sites": ("拟建点位", "Added sites"), "col_share": ("覆盖率(%)", "Covered (%)"),
    "col_before": ("原覆盖率(%)", "Before (%)"), "col_change": ("变化(百分点)", "Change (pp)"),
    "col_uncovered": ("未覆盖居民", "Uncovered residents"), "col_gain": ("新增覆盖居民", "Residents gained"),
    "col_notes": ("备注", "Notes"),
}


def tr(key: str, lang: str, **kw) -> str:
    zh, en = _S[key]
    text = en if lang == "en" else zh
    return text.format(**kw) if kw else text


def store_location() -> str:
    """The store the app uses (same setting as the CLI)."""
    return default_store_location()


def _msg(level: str, text: str) -> None:
    st.session_state["scenario_msg"] = (level, text)


def _next_seq(items: list[dict]) -> int:
    nums = [int(m.group(1)) for p in items if (m := re.fullmatch(r"P(\d+)", str(p["id"])))]
    return max(nums, default=0)


def save_current(ds, s, base, wi, name: str, notes: str, replace: bool) -> None:
    lang = s.lang
    items = state.proposals()
    if not items:
        _msg("warning", tr("need_sites", lang))
        return
    if not name.strip():
        _msg("warning", tr("need_name", lang))
        return
    sites = state.proposals_gdf(items, ds.network.crs).rename(columns={"center_id": "site_id"})
    study = state.study_for(ds, s.include_stations)
    rec = sc.record_from_runs(name, study, base, wi, sites, notes=notes, count_stations=bool(s.include_stations))
    with open_store(store_location()) as store:
        store.save(rec, replace=replace)
    _msg("success", tr("saved", lang, name=rec.name, n=len(rec.sites)))


def open_scenario(ds, s, name: str) -> None:
    lang = s.lang
    with open_store(store_location()) as store:
        rec = store.load(name)
    items, resnapped = sc.proposal_dicts(rec, ds.network)
    st.session_state["proposals"] = items
    st.session_state["proposal_seq"] = _next_seq(items)
    st.session_state.pop("whatif_msg", None)
    text = tr("opened", lang, name=rec.name, n=len(items))
    if resnapped:
        text += " " + tr("resnapped", lang)
    p = rec.params
    if abs(float(p.get("minutes", s.minutes)) - float(s.minutes)) > 1e-9 or \
            abs(float(p.get("speed_kmh", s.speed_kmh)) - float(s.speed_kmh)) > 1e-9:
        text += " " + tr("other_params", lang, m=float(p["minutes"]), v=float(p["speed_kmh"]))
    _msg("success", text)


def delete_scenario(s, name: str) -> None:
    with open_store(store_location()) as store:
        store.delete(name)
    _msg("success", tr("deleted", s.lang, name=name))


def _list_table(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        tr("col_name", lang): df["name"], tr("col_saved", lang): df["created_utc"],
        tr("col_sites", lang): df["n_sites"], tr("col_share", lang): (df["covered_share"] * 100).round(1),
        tr("col_before", lang): (df["covered_share_before"] * 100).round(1),
        tr("col_uncovered", lang): df["uncovered_pop"].round(0), tr("col_notes", lang): df["notes"],
    })


def _compare_table(head: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        tr("col_name", lang): head["name"], tr("col_sites", lang): head["n_sites"],
        tr("col_share", lang): (head["covered_share"] * 100).round(1), tr("col_change", lang): head["change_pp"].round(1),
        tr("col_uncovered", lang): head["uncovered_pop"].round(0), tr("col_gain", lang): head["gain_pop"].round(0),
    })


def render(ds, s, base, wi) -> None:
    """The panel (under the proposed sites)."""
    lang = s.lang
    st.markdown(f"#### {tr('title', lang)}")
    st.caption(tr("store", lang, loc=redact(store_location())))
    msg = st.session_state.pop("scenario_msg", None)
    if msg:
        (st.success if msg[0] == "success" else st.warning if msg[0] == "warning" else st.error)(msg[1])
    try:
        c1, c2, c3 = st.columns([2, 3, 2])
        name = c1.text_input(tr("name", lang), key="scenario_name")
        notes = c2.text_input(tr("notes", lang), key="scenario_notes")
        replace = c3.checkbox(tr("replace", lang), key="scenario_replace")
        if st.button(tr("save", lang), key="scenario_save"):
            save_current(ds, s, base, wi, name, notes, replace)
            st.rerun()
        with open_store(store_location()) as store:
            listing = store.list()
        if listing.empty:
            st.caption(tr("none", lang))
            return
        st.dataframe(_list_table(listing, lang), hide_index=True, width="stretch", key="scenario_table")
        names = listing["name"].tolist()
        d1, d2, d3 = st.columns([3, 2, 1])
        pick = d1.selectbox(tr("pick", lang), names, key="scenario_pick")
        if d2.button(tr("open", lang), key="scenario_open"):
            open_scenario(ds, s, pick)
            st.rerun()
        if d3.button(tr("delete", lang), key="scenario_delete"):
            delete_scenario(s, pick)
            st.rerun()
        chosen = st.multiselect(tr("compare", lang), names, key="scenario_compare")
        if len(chosen) >= 2:
            with open_store(store_location()) as store:
                recs = [store.load(n) for n in chosen]
            head, comm = sc.compare(recs)
            st.dataframe(_compare_table(head, lang), hide_index=True, width="stretch", key="scenario_compare_table")
            st.markdown(f"##### {tr('by_community', lang)}")
            st.dataframe(comm.round(1), hide_index=True, width="stretch", key="scenario_compare_comm")
    except ServiceCircleError as err:
        st.error(str(err))
