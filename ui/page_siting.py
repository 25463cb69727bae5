"""选址 / Siting page: where do the next K service centers or red stations go?

Calls ``analysis.siting.api.run_siting`` (the same code path as ``servicecircle site``): K,
candidates (the planner's layer or generated street positions), problem (MCLP / LSCP /
p-median) and solver (exact HiGHS or greedy). Every number here comes from the siting result;
nothing is estimated on this page.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis import numfmt
from analysis.siting.api import SitingParams, run_siting
from geo.snapping import SNAP_COLUMNS
from ui import fmt, maps as mb, state
from ui.errors import show_error
from ui.i18n import t
from ui.widgets import choice

KINDS = ("center", "red-station")
PROBLEMS = ("mclp", "lscp", "pmedian")
SOLVERS = ("exact", "greedy")
CAND_SOURCES = ("layer", "generated")


def settings_key(ds, s) -> str:
    """Data and sidebar settings a siting result depends on."""
    return hashlib.sha1(f"{ds.key}|{s.minutes}|{s.speed_kmh}|{s.include_stations}".encode()).hexdigest()[:16]


def current_siting(ds, s):
    """This session's siting run if it still matches the data and settings, else None."""
    made = st.session_state.get("siting")
    if made and made["key"] == settings_key(ds, s):
        return made
    return None


@st.cache_resource(show_spinner=False, max_entries=8)
def _run(key: str, choice_key: tuple, _ds, _s, _opts: dict):
    """(SitingResult, seconds), cached by the data/settings key and the page's choices."""
    ds, s, o = _ds, _s, _opts
    study = state.study_for(ds, s.include_stations)
    kind = o["kind"]
    if kind == "center":
        existing, demand = study.centers, study.demand
    else:
        existing, demand = ds.layers.get("stations"), state.worker_points(ds.key, ds)  # outdoor workers by group
    cand = ds.layers.get("candidates") if o["cand_source"] == "layer" else None
    area_key = "min_area_center_m2" if kind == "center" else "min_area_station_m2"
    budget = float(o.get("budget", 0.0))
    params = SitingParams(walk=state.params_from(s.minutes, s.speed_kmh),
                          min_distance_to_existing_m=float(o["min_dist"]), station_radius_m=float(o["radius"]),
                          budget_wan=budget if budget > 0 and o["problem"] == "mclp" else None,
                          **{area_key: float(o.get("min_area", 0.0))})
    pois = state.sample_city().features.pois  # shops, markets... of the OSM file
    t0 = time.perf_counter()
    res = run_siting(ds.network, kind, existing, demand, cand, None if o["problem"] == "lscp" else int(o["k"]),
              problem=o["problem"], solver=o["solver"], params=params, time_limit_s=60.0,
              grids=study.grids, communities=study.communities, pois=pois)
    return res, time.perf_counter() - t0


def sites_table(res, lang: str) -> pd.DataFrame:
    """The chosen sites in greedy order: what each adds (residents, or outdoor-work units)."""
    sites = res.sites
    unit_people = res.kind == "center"
    df = pd.DataFrame({
        t("order", lang): sites["rank"].to_numpy(),
        t("name", lang): sites["name"].astype(str).to_numpy(),
        t("street", lang): sites["street"].astype(str).to_numpy(),
        t("address", lang): sites["address"].astype(str).to_numpy(),
        t("access_m", lang): sites["access_m"].round(0).to_numpy(),
    })
    if res.problem != "pmedian":
        col = t("added_pop", lang) if unit_people else t("added_work", lang)
        df[col] = sites["marginal"].round(0 if unit_people else 1).to_numpy()
        df[t("added_share", lang)] = (sites["marginal_share"] * 100).round(1).to_numpy()
    else:
        df[t("saved_walk", lang)] = (sites["marginal"] / res.params.walk.metres_per_minute / 1e3).round(1).to_numpy()
    if "reason_zh" in sites:  # building facts: owner, floor area, cost, and why the site was chosen
        from analysis.siting.facts import owner_label

        df[t("owner_type", lang)] = [owner_label(o, lang) for o in sites["owner_type"]]
        df[t("floor_area", lang)] = sites["area_m2"].to_numpy()
        df[t("cost_wan", lang)] = sites["cost_wan"].to_numpy()
        df[t("why_chosen", lang)] = sites["reason_zh" if lang == "zh" else "reason_en"].to_numpy()
    return df


def communities_table(res, lang: str) -> pd.DataFrame:
    c = res.communities
    return pd.DataFrame({
        t("col_community", lang): c["community"].astype(str),
        t("col_share", lang): (c["share_before"] * 100).round(1),
        t("col_new_share", lang): (c["share_after"] * 100).round(1),
        t("col_change", lang): ((c["share_after"] - c["share_before"]) * 100).round(1),
    })


def rerun_with_sites(res, base, network):
    """The coverage run ``base`` with the siting run's new sites added (``with_new_sites``), for
    the report's full before/after figures; None when no site was chosen."""
    if not len(res.sites):
        return None
    # the chosen sites keep the street positions the siting run measured from (no re-snap)
    new = res.sites[["site_id", "name", *SNAP_COLUMNS, "geometry"]].rename(columns={"site_id": "center_id"})
    return state.whatif_mod.with_new_sites(base, network, new)


def show_map(ds, base, res, s) -> None:
    ctx = mb.context_for(s.basemap, s.lang, state.geojson_cache())
    stations_extra = None  # both kinds on the map: red stations even when they do not count for residents
    if not s.include_stations:
        stations_extra = state.service_sites(ds, True)
        stations_extra = stations_extra[stations_extra["kind"] == "station"]
    m = mb.coverage_map(
        bounds=ds.bounds_wgs84(), features=ds.features, sites=base.centers, stations_extra=stations_extra,
        isochrones=base.isochrones if res.kind == "center" else None, gaps=base.gaps if res.kind == "center" else None,
        communities=ds.layers.get("communities"), minutes=s.minutes, thresholds=(s.minutes,),
        layers=("basemap", "centers", "stations", "isochrones", "gaps", "communities"), ctx=ctx, demo=ds.is_demo,
        layer_control=False,
    )
    mb.add_candidates(m, res.candidates, ctx)
    new = res.sites.rename(columns={"site_id": "center_id"}).assign(kind="center" if res.kind == "center" else "station")
    iso = res.isochrones.rename(columns={"site_id": "center_id"})
    mb.proposals_group(new, iso, float(iso["minutes"].iloc[0]) if len(iso) else s.minutes, ctx).add_to(m)
    mb.add_layer_control(m)
    st.caption(t("siting_map_hint", s.lang))
    st_folium(m, key="siting_map", height=540, use_container_width=True, returned_objects=[])


def render(s) -> None:
    lang = s.lang
    st.title(t("siting_title", lang))
    with st.spinner(t("loading_city", lang)):
        ds = state.dataset()
        base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    if base.summary.is_demo:
        st.info(t("demo_label", lang))
    cand = ds.layers.get("candidates")
    n_cand = 0 if cand is None else len(cand)

    c1, c2 = st.columns(2)
    kind = choice(c1.radio, t("siting_kind", lang), KINDS, "siting_kind", lang, horizontal=True,
                  format_func=lambda v: t("siting_kind_" + v, lang))
    problem = choice(c2.radio, t("siting_problem", lang), PROBLEMS, "siting_problem", lang,
                     format_func=lambda v: t("problem_" + v, lang))
    c1, c2, c3 = st.columns(3)
    k = c1.number_input(t("k_sites", lang), min_value=1, max_value=50, value=3, step=1, key="siting_k",
                        disabled=problem == "lscp")
    sources = CAND_SOURCES if n_cand else ("generated",)
    cand_source = choice(c2.radio, t("candidates_src", lang), sources, "siting_cand_source", lang,
                         format_func=lambda v: t("cand_" + v, lang, n=n_cand))
    solver = choice(c3.radio, t("solver", lang), SOLVERS, "siting_solver", lang,
                    format_func=lambda v: t("solver_" + v, lang))
    with st.expander(t("siting_advanced", lang)):
        a1, a2 = st.columns(2)
        min_dist = a1.number_input(t("min_dist_existing", lang), min_value=0, max_value=2000, value=200, step=50,
                                   key="siting_min_dist")
        radius = a2.number_input(t("station_radius", lang), min_value=200, max_value=3000, value=1000, step=100,
                                 key="siting_radius", disabled=kind != "red-station")
        a3, a4 = st.columns(2)
        min_area = a3.number_input(t("min_floor_area", lang), min_value=0, max_value=5000, value=0, step=50,
                                   key="siting_min_area")
        budget = a4.number_input(t("budget_wan", lang), min_value=0.0, max_value=100000.0, value=0.0, step=10.0,
                                 key="siting_budget", disabled=problem != "mclp")
        st.caption(t("state_idle_rule", lang))
    if kind == "red-station":
        st.caption(t("station_demand_note", lang))
    else:
        st.caption(t("center_demand_note", lang, m=fmt.number(s.minutes), v=s.speed_kmh))

    opts = {"kind": kind, "problem": problem, "k": int(k), "cand_source": cand_source, "solver": solver,
            "min_dist": float(min_dist), "radius": float(radius), "min_area": float(min_area), "budget": float(budget)}
    key = settings_key(ds, s)
    if st.button(t("run_siting", lang), type="primary", key="run_siting"):
        with st.spinner(t("siting_running", lang)):
            res, secs = _run(key, tuple(sorted(opts.items())), ds, s, opts)
        st.session_state["siting"] = {"key": key, "opts": opts, "result": res, "secs": secs}

    made = current_siting(ds, s)
    if made is None:
        if st.session_state.get("siting"):
            st.caption(t("report_stale", lang))
        return
    show_result(ds, base, made, s)


def show_result(ds, base, made, s) -> None:
    lang = s.lang
    res = made["result"]
    sm = res.summary
    st.markdown(f"#### {t('siting_result', lang)}")
    cols = st.columns(3)
    cols[0].metric(t("n_new_sites", lang), f"{sm.n_new_sites}")
    if res.problem == "pmedian":
        cols[1].metric(t("mean_walk", lang), fmt.minutes(sm.mean_min_after, lang),
                       numfmt.fmt_num(sm.mean_min_after - sm.mean_min_before, sign=True), delta_color="inverse")
    label = t("covered_share_kind_" + res.kind, lang)
    cols[2 if res.problem == "pmedian" else 1].metric(
        label, fmt.pct(sm.share_after), numfmt.fmt_pp(sm.share_after - sm.share_before) + " pp")
    if res.problem != "pmedian":
        cols[2].metric(t("share_before", lang), fmt.pct(sm.share_before))
    status = t("status_" + str(sm.status), lang)
    gap = sm.gap
    gap_text = "" if gap is None or not np.isfinite(gap) or sm.status == "optimal" else t("gap_text", lang, g=fmt.pct(gap, 2))
    st.caption(t("siting_method", lang, method=f"{t('problem_' + res.problem, lang)} · {t('solver_' + made['opts']['solver'], lang)} · {status}{gap_text}",
                 s=f"{made['secs']:.1f}"))
    for note in res.notes:
        st.caption("• " + note.text(lang))
    st.dataframe(sites_table(res, lang), hide_index=True, width="stretch", key="siting_table")
    with st.expander(t("community_table", lang)):
        st.dataframe(communities_table(res, lang), hide_index=True, width="stretch", key="siting_communities")
    try:
        show_map(ds, base, res, s)
    except Exception as err:  # noqa: BLE001 - the tables above already answer
        show_error(err, lang)

    if st.button(t("to_whatif", lang), key="siting_to_whatif"):
        pkind = "center" if res.kind == "center" else "station"
        for _, row in res.sites.iterrows():
            seq = st.session_state.get("proposal_seq", 0) + 1
            st.session_state["proposal_seq"] = seq
            state.proposals().append({
                "id": f"P{seq}", "kind": pkind, "name": str(row["name"]),
                "lon": float(row["snap_lon"]), "lat": float(row["snap_lat"]), "street": str(row["street"]),
                **state.snap_fields(row),
                "click_lon": float(row["snap_lon"]), "click_lat": float(row["snap_lat"]),
            })
        st.success(t("added_to_whatif", lang, n=len(res.sites)))
