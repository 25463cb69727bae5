"""Coverage page panels for issue 14: the ranked gap table (linked to the map), the level tables
(street → community → compound → grid) and the 双网融合 check. Widgets only; numbers come from
``analysis.gaps`` / ``analysis.levels`` / ``analysis.dual_grid``."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analysis.wording import persons
from ui import state
from ui.i18n import t

SEL_GAP = "sel_gap"  # session key: gap_id selected in the table or on the map
TABLE_KEY = "gap_table"
_GAP_ID = re.compile(r"GAP\d{3,}")


def selected_gap_id(gaps) -> str | None:
    """The gap selected in the table (this run's selection) or by a click on the map."""
    sel = st.session_state.get(TABLE_KEY)
    rows = []
    try:
        rows = list(sel["selection"]["rows"]) if sel is not None else []
    except (KeyError, TypeError):
        rows = []
    if rows and gaps is not None and rows[0] < len(gaps):
        gid = str(gaps["gap_id"].iloc[rows[0]])
        if st.session_state.get("_gap_table_row") != gid:  # a new row choice wins over an older map click
            st.session_state["_gap_table_row"] = gid
            st.session_state[SEL_GAP] = gid
    gid = st.session_state.get(SEL_GAP)
    if gid is not None and gaps is not None and gid not in set(gaps["gap_id"]):
        return None
    return gid


def use_map_click(value) -> None:
    """A click on a gap polygon on the map (its tooltip names the gap) selects that gap's row."""
    if not isinstance(value, dict):
        return
    tip = value.get("last_object_clicked_tooltip")
    if not tip:
        return
    if st.session_state.get("_gap_tip_used") == tip:
        return
    st.session_state["_gap_tip_used"] = tip
    m = _GAP_ID.search(str(tip))
    if m:
        st.session_state[SEL_GAP] = m.group(0)


def gap_frame(gaps, lang: str) -> pd.DataFrame:
    """The gap units as shown in the app (whole persons; households marked * when estimated)."""
    g = gaps
    return pd.DataFrame({
        t("common.id", lang): g["gap_id"].to_numpy(),
        t("common.name", lang): g["name"].to_numpy(),
        t("col_street", lang): g["street"].to_numpy(),
        t("col_community", lang): g["community"].to_numpy(),
        t("common.grid", lang): g["grid_name"].where(g["grid_name"].astype(str) != "", g["grid_id"]).to_numpy(),
        t("common.residents", lang): g["population"].astype("int64").to_numpy(),
        t("col_households", lang): [f"{persons(h)}{'*' if e else ''}" for h, e in zip(g["households"], g["households_estimated"])],
        t("common.area_ha", lang): (g["area_m2"] / 1e4).round(1).to_numpy(),
        t("common.nearest_center", lang): g["nearest_center_name"].to_numpy(),
        t("common.walk_min", lang): g["walk_min"].round(1).to_numpy(),
        t("col_beyond", lang): g["beyond_min"].round(1).to_numpy(),
    })


def show_gaps(result, lang: str) -> str | None:
    """The ranked gap table; selecting a row stores its gap_id (the map highlights and zooms to it)."""
    gaps = result.gaps
    st.markdown(f"#### {t('gap_table', lang)}")
    if gaps is None or not len(gaps):
        return None
    unc = float(result.summary.uncovered_pop)
    st.caption(t("gap_summary", lang, n=len(gaps), t=persons(gaps["population"].sum()),
                 s=f"{gaps['population'].iloc[0] / unc * 100:.1f}%" if unc else "—"))
    sel = selected_gap_id(gaps)
    frame = gap_frame(gaps, lang)
    shown = frame
    if sel is not None:
        hit = (gaps["gap_id"] == sel).to_numpy()
        shown = frame.style.apply(lambda r: ["background-color: #e0f7fa" if hit[r.name] else "" for _ in r], axis=1)
        row = gaps[hit].iloc[0]
        st.info(t("gap_selected", lang, id=sel, name=row["name"], community=row["community"],
                  grid=row["grid_name"] or row["grid_id"], p=persons(row["population"]),
                  m="—" if pd.isna(row["walk_min"]) else f"{row['walk_min']:.1f}", c=row["nearest_center_name"] or "—"))
    st.dataframe(shown, hide_index=True, width="stretch", key=TABLE_KEY, on_select="rerun", selection_mode="single-row")
    return sel


def level_frame(table: pd.DataFrame, level: str, lang: str) -> pd.DataFrame:
    """One level table with the app's column names (people whole, shares in %)."""
    key = {"street": "street", "community": "community", "grid": "grid_id", "compound": "name"}[level]
    out = pd.DataFrame({t("level_" + level, lang): table[key].to_numpy()})
    if level == "grid" and "name" in table:
        out[t("common.name", lang)] = table["name"].to_numpy()
    out[t("common.residents", lang)] = table["population"].to_numpy()
    out[t("col_households", lang)] = [f"{persons(h)}{'*' if e else ''}" for h, e in
                                      zip(table["households"], table["households_estimated"])]
    if "covered_share" in table:
        out[t("col_covered_share", lang)] = (table["covered_share"] * 100).round(1).to_numpy()
    out[t("col_uncovered", lang)] = table["uncovered_pop"].to_numpy()
    if "median_min" in table:
        out[t("common.median_walk_min", lang)] = table["median_min"].round(1).to_numpy()
    if "walk_min" in table:
        out[t("common.walk_min", lang)] = table["walk_min"].round(1).to_numpy()
    out[t("common.nearest_center", lang)] = table["nearest_center"].to_numpy()
    if "n_gaps" in table:
        out[t("common.n_gaps", lang)] = table["n_gaps"].to_numpy()
    for col in ("party_branch", "grid_worker", "party_members", "old_compound", "property_management"):
        if col in table and table[col].notna().any():
            out[col] = table[col].to_numpy()
    return out


def show_levels(result, lang: str, result_key: str | None = None) -> None:
    """A level picker and its table (``result_key``: the run's disk-cache key, tables kept next to it)."""
    st.markdown(f"#### {t('level_tables', lang)}")
    tables = state.level_tables(result, result_key)
    levels = list(tables)
    level = st.radio(t("level_pick", lang), levels, horizontal=True, key="level_pick",
                     format_func=lambda k: t("level_" + k, lang))
    st.dataframe(level_frame(tables[level], level, lang), hide_index=True, width="stretch", key="level_table")


def show_dual(result, lang: str) -> None:
    """The 双网融合 check when party grids are in use."""
    st.markdown(f"#### {t('common.dual_title', lang)}")
    chk = result.dual_grid
    if chk is None:
        st.caption(t("dual_none", lang))
        return
    from analysis.report.content import dual_sentence

    st.caption(dual_sentence(chk, lang))
    p = chk.pieces
    st.dataframe(pd.DataFrame({
        t("common.id", lang): p["piece_id"].to_numpy(), t("col_kind", lang): p["kind"].map(lambda k: t(f"common.dual_{k}", lang)).to_numpy(),
        t("common.grid", lang): p["grid_name"].to_numpy(), t("common.party_grid", lang): p["party_grid_name"].to_numpy(),
        t("common.area_ha", lang): (p["area_m2"] / 1e4).round(1).to_numpy(),
        t("common.residents", lang): p["population"].to_numpy(),
    }), hide_index=True, width="stretch", key="dual_table")
