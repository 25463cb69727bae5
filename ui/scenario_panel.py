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
from geo.messages import text
from geo.scenario_store import default_store_location, open_store, redact
from ui import state


def tr(key: str, lang: str, **kw) -> str:
    """The panel's string ``key`` (``scenario.`` keys of :mod:`geo.messages`) in ``lang``.

    Parameters
    ----------
    key : str
        ``scenario.`` key without its prefix.
    lang : str
        ``"en"`` for English, otherwise Chinese.
    **kw
        Values of the string's ``{placeholders}``.

    Returns
    -------
    str
        The string shown in the panel.
    """
    return text(f"scenario.{key}", lang, **kw)


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
