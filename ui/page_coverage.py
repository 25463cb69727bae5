"""覆盖分析 / Coverage page, with the what-if (click the map to add a proposed site).

Arranges widgets only: the numbers come from ``analysis.coverage`` (via ``ui.state`` caches),
the map from ``ui.maps``.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from ui import fmt, gap_panel, scenario_panel, state
from ui.maps.frame import show_frame
from ui.errors import show_error
from ui.i18n import t
from ui.widgets import choice, widget_key

MAP_KEY = "covmap"
MODES = ("none", "station", "center", "move")


# --------------------------------------------------------------------------- what-if state


def add_proposal(ds, kind: str, lon: float, lat: float, lang: str, max_access_m: float) -> dict:
    """Snap a clicked spot to the street and add it to the proposals; returns a message dict."""
    snap = state.snap_click(ds, lon, lat, max_access_m)
    if not snap["on_network"]:
        return {"level": "warning", "key": "proposal_off_network", "kw": {"m": int(max_access_m)}}
    seq = st.session_state.get("proposal_seq", 0) + 1
    st.session_state["proposal_seq"] = seq
    kind_name = t("kind_" + kind, lang)
    item = {
        "id": f"P{seq}", "kind": kind, "name": t("proposal_name", lang, kind=kind_name, i=seq),
        "lon": snap["lon"], "lat": snap["lat"], "street": snap["street"], **state.snap_fields(snap),
        "click_lon": lon, "click_lat": lat,
    }
    state.proposals().append(item)
    st.session_state["sel_proposal"] = item["id"]
    return {"level": "success", "key": "snapped_to", "kw": {"street": snap["street"] or "—", "d": int(round(snap["access_m"]))}}


def move_proposal(ds, pid: str, lon: float, lat: float, lang: str, max_access_m: float) -> dict:
    snap = state.snap_click(ds, lon, lat, max_access_m)
    if not snap["on_network"]:
        return {"level": "warning", "key": "proposal_off_network", "kw": {"m": int(max_access_m)}}
    items = state.proposals()
    for i, p in enumerate(items):
        if p["id"] == pid:
            # moving re-snaps once, here; the new position travels with the site
            items[i] = {**p, "lon": snap["lon"], "lat": snap["lat"], "street": snap["street"],
                        **state.snap_fields(snap), "click_lon": lon, "click_lat": lat}
    return {"level": "success", "key": "snapped_to", "kw": {"street": snap["street"] or "—", "d": int(round(snap["access_m"]))}}


def remove_proposal(pid: str) -> None:
    st.session_state["proposals"] = [p for p in state.proposals() if p["id"] != pid]


def _click_to_wgs84(lat: float, lng: float, basemap: str) -> tuple[float, float]:
    if basemap == "amap":  # the map is drawn in GCJ-02; positions are stored in WGS-84
        from geo.coords import gcj02_to_wgs84

        x, y = gcj02_to_wgs84(lng, lat)
        return float(x), float(y)
    return float(lng), float(lat)


def handle_map_click(ds, s, max_access_m: float) -> None:
    """Use a new click on the map (st_folium's value from the last run) according to the mode."""
    value = st.session_state.get(MAP_KEY) or {}
    gap_panel.use_map_click(value)
    click = value.get("last_clicked") if isinstance(value, dict) else None
    if not click:
        return
    sig = (round(click["lat"], 7), round(click["lng"], 7))
    if st.session_state.get("last_click_used") == sig:
        return
    st.session_state["last_click_used"] = sig
    mode = st.session_state.get(widget_key("whatif_mode", s.lang), st.session_state.get("whatif_mode", "none"))
    lon, lat = _click_to_wgs84(click["lat"], click["lng"], s.basemap)
    if mode in ("station", "center"):
        st.session_state["whatif_msg"] = add_proposal(ds, mode, lon, lat, s.lang, max_access_m)
    elif mode == "move" and st.session_state.get("sel_proposal"):
        st.session_state["whatif_msg"] = move_proposal(ds, st.session_state["sel_proposal"], lon, lat, s.lang, max_access_m)


# --------------------------------------------------------------------------- figures


def community_table(base, wi, lang: str) -> pd.DataFrame:
    """Per-community table, worst first (after the what-if when there is one)."""
    cur = base.communities
    df = pd.DataFrame({
        t("col_community", lang): cur["community"],
        t("col_population", lang): cur["population"].round(0).astype("int64"),
        t("common.covered", lang): cur.covered_pop.round(0).astype("int64"),
        t("col_uncovered", lang): cur.uncovered_pop.round(0).astype("int64"),
        t("col_share", lang): (cur.covered_share * 100).round(1),
    })
    if wi is not None:
        new = wi.communities.set_index("community")["covered_share"]
        after = cur["community"].map(new)
        df[t("col_new_share", lang)] = (after * 100).round(1).to_numpy()
        df[t("col_change", lang)] = ((after - cur.covered_share) * 100).round(1).to_numpy()
    return df


def _metric_delta(new, old, kind: str, lang: str):
    try:
        a, b = float(new), float(old)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    d = a - b
    shown = round(d * 100, 1) if kind == "share" else (round(d) if kind == "people" else round(d, 1))
    if shown == 0:
        return None
    if kind == "share":
        return t("pp_change", lang, d=f"{d * 100:+.1f}")
    if kind == "people":
        return f"{int(round(d)):+,}"
    return f"{d:+.1f}"


def show_headline(base, wi, s) -> None:
    lang = s.lang
    cur = wi.summary if wi is not None else base.summary
    h = fmt.headline(cur, lang)
    tag = f" · {t('demo_badge', lang)}" if cur.is_demo else ""
    st.markdown(f"#### {t('headline', lang)}{tag}")
    cols = st.columns(5)
    bs = base.summary
    cols[0].metric(t("share_within", lang, m=fmt.number(s.minutes)),
                   h["share"], _metric_delta(cur.covered_share, bs.covered_share, "share", lang) if wi is not None else None)
    cols[1].metric(t("uncovered", lang), h["uncovered"],
                   _metric_delta(cur.uncovered_pop, bs.uncovered_pop, "people", lang) if wi is not None else None,
                   delta_color="inverse")
    cols[2].metric(t("median_walk", lang), h["median"],
                   _metric_delta(cur.median_min, bs.median_min, "min", lang) if wi is not None else None,
                   delta_color="inverse")
    cols[3].metric(t("p90_walk", lang), h["p90"],
                   _metric_delta(cur.p90_min, bs.p90_min, "min", lang) if wi is not None else None,
                   delta_color="inverse")
    cols[4].metric(t("common.overstatement", lang), h["overstatement"])
    st.caption(t("overstatement_text", lang, x=fmt.circle_text(cur, lang),
                 a=fmt.pct(cur.circle_covered_share), b=fmt.pct(cur.covered_share)))
    notes = []
    if cur.is_demo:
        notes.append(t("demo_label", lang))
    if cur.population_is_estimate:
        notes.append(t("estimate_note", lang))
    if notes:
        st.caption(" · ".join(notes))


# --------------------------------------------------------------------------- map


def map_options(s, gap_id: str | None) -> dict:
    """What the coverage map's drawing depends on besides the run (part of its cache key)."""
    return {"lang": s.lang, "layers": sorted(s.layers), "thresholds": sorted(float(x) for x in s.iso_thresholds),
            "basemap": s.basemap, "tianditu_key": s.tianditu_key or "", "minutes": float(s.minutes),
            "include_stations": bool(s.include_stations), "gap": gap_id}


def build_map(ds, base, s, gap_id: str | None = None):
    """The coverage map (``folium.Map``) and its :class:`ui.maps.MapContext`; ``gap_id`` is outlined.

    Folium is imported here, not with the page: a cached map (:func:`ui.state.map_frame`) needs none of it.
    """
    from ui import map_tools, maps as mb

    ctx = mb.context_for(s.basemap, s.lang, state.geojson_cache())
    res_sites = base.centers
    stations_extra = None
    if not s.include_stations:
        stations_extra = state.service_sites(ds, True)
        stations_extra = stations_extra[stations_extra["kind"] == "station"]
    m = mb.coverage_map(
        bounds=ds.bounds_wgs84(), features=ds.features, sites=res_sites, stations_extra=stations_extra,
        isochrones=base.isochrones, circles=base.circles, grids=base.grids, gaps=base.gaps,
        communities=ds.layers.get("communities"), minutes=s.minutes, thresholds=s.iso_thresholds,
        layers=s.layers, ctx=ctx, tianditu_key=s.tianditu_key or None, demo=ds.is_demo,
    )
    # the planner's tools: view kept across reruns, selected gap outlined, search, fullscreen, PNG export
    map_tools.keep_view(m, ds.bounds_wgs84(), s.lang, gaps=base.gaps, gap_id=gap_id)
    map_tools.add_fullscreen(m, s.lang)
    map_tools.add_print(m, s.lang)
    map_tools.add_search(m, places(ds, base), s.lang)
    return m, ctx


@st.cache_resource(show_spinner=False, max_entries=8)
def _places(key: str, gaps_key: int, _ds, _base):
    from ui import map_tools

    layers = {"grids": _base.grids, "communities": _ds.layers.get("communities"), "compounds": _base.compounds,
              "centers": _base.centers, "gaps": _base.gaps}
    feats = dict(_ds.features)
    landuse = getattr(getattr(state.sample_city(), "features", None), "landuse", None)
    if landuse is not None:
        feats["landuse"] = landuse  # named compounds (residential land use) of the OSM file
    return map_tools.place_names(feats, layers)


def places(ds, base):
    """Searchable place names of the data in use (cached per dataset and run)."""
    return _places(ds.key, id(base), ds, base)


def worker_group_table(wb, wa, lang: str) -> pd.DataFrame:
    """Workers by group (before, and after the proposed stations when there are any)."""
    g = wb.groups
    df = pd.DataFrame({
        t("common.worker_group", lang): g["group_zh"] if lang == "zh" else g["group_en"],
        t("common.workers", lang): g["workers"].round(0).astype("int64"),
        t("common.served", lang): g["covered"].round(0).astype("int64"),
        t("col_share", lang): (g["covered_share"] * 100).round(1),
    })
    if wa is not None:
        after = wa.groups["covered_share"].to_numpy()
        df[t("col_new_share", lang)] = (after * 100).round(1)
        df[t("col_change", lang)] = ((after - g["covered_share"].to_numpy()) * 100).round(1)
    return df


def busy_streets_table(w, lang: str) -> pd.DataFrame:
    b = w.busy_streets
    return pd.DataFrame({
        t("street", lang): b["street"], t("common.street_class", lang): b["highway"],
        t("col_street_len", lang): b["length_m"].round(0).astype("int64"),
        t("common.not_in_reach_m", lang): b["uncovered_m"].round(0).astype("int64"),
    })


def show_workers(ds, s):
    """The outdoor-worker figures (red stations), with the proposed stations' effect as deltas."""
    lang = s.lang
    radius = st.number_input(t("workers_radius", lang), min_value=100, max_value=5000, step=100, value=1000,
                             key="worker_radius")
    with st.spinner(t("computing", lang)):
        wb, wa = state.current_workers(ds, float(radius))
    cur = (wa or wb).summary
    b = wb.summary
    tag = f" · {t('demo_badge', lang)}" if cur.is_demo else ""
    st.markdown(f"#### {t('workers_headline', lang)}{tag}")
    cols = st.columns(4)
    cols[0].metric(t("workers_share", lang), fmt.pct(cur.covered_share),
                   _metric_delta(cur.covered_share, b.covered_share, "share", lang) if wa is not None else None)
    cols[1].metric(t("workers_served", lang), f"{cur.covered_workers:,.0f}",
                   _metric_delta(cur.covered_workers, b.covered_workers, "people", lang) if wa is not None else None)
    cols[2].metric(t("workers_unserved", lang), f"{cur.total_workers - cur.covered_workers:,.0f}",
                   _metric_delta(cur.total_workers - cur.covered_workers, b.total_workers - b.covered_workers,
                                 "people", lang) if wa is not None else None, delta_color="inverse")
    cols[3].metric(t("workers_busy_km", lang), f"{cur.busy_uncovered_m / 1000:,.1f}",
                   _metric_delta(cur.busy_uncovered_m / 1000, b.busy_uncovered_m / 1000, "min", lang)
                   if wa is not None else None, delta_color="inverse")
    st.caption(t("workers_note", lang, r=f"{radius:,.0f}") + " " + t("workers_hint", lang))
    return wb, wa


def station_note(ds, s) -> None:
    """Residents mode: say that proposed red stations count for outdoor workers (and how much)."""
    if s.include_stations or not any(p["kind"] == "station" for p in state.proposals()):
        return
    wb, wa = state.current_workers(ds, float(st.session_state.get("worker_radius", 1000)))
    gain = (wa.summary.covered_workers - wb.summary.covered_workers) if wa is not None else 0.0
    st.info(t("station_counts_for_workers", s.lang, n=f"{gain:,.0f}"))


def render(s) -> None:
    lang = s.lang
    st.title(t("page_coverage", lang))
    with st.spinner(t("loading_city", lang)):
        ds = state.dataset()
    with st.spinner(t("computing", lang)):
        base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    max_access = base.params.max_access_m

    handle_map_click(ds, s, max_access)
    served = choice(st.sidebar.radio, t("cov_for", lang), ("residents", "workers"), "cov_for", lang,
                    format_func=lambda k: t("cov_for_" + k, lang))
    wi, secs = state.current_whatif(ds, s.minutes, s.speed_kmh, s.include_stations)
    workers = None
    if served == "workers":
        workers = show_workers(ds, s)
    else:
        show_headline(base, wi, s)
        station_note(ds, s)

    # what-if controls
    c1, c2 = st.columns([3, 2])
    with c1:
        choice(st.radio, t("whatif_mode", lang), MODES, "whatif_mode", lang, horizontal=True,
               format_func=lambda k: t("mode_" + k, lang))
    with c2:
        st.caption(t("whatif_hint", lang))
        msg = st.session_state.get("whatif_msg")
        if msg:
            (st.success if msg["level"] == "success" else st.warning)(t(msg["key"], lang, **msg["kw"]))
    if s.basemap == "tianditu" and not s.tianditu_key:
        st.info(t("tianditu_key_missing", lang))

    try:  # a map problem must not hide the figures and the table
        gap_id = gap_panel.selected_gap_id(base.gaps)
        frame = state.map_frame(ds, s.minutes, s.speed_kmh, s.include_stations, map_options(s, gap_id),
                                lambda: build_map(ds, base, s, gap_id)[0])
        props = state.proposals()
        fg = None
        if props:
            from ui import maps as mb

            ctx = mb.context_for(s.basemap, s.lang, state.geojson_cache())
            pg = state.proposals_gdf(props, ds.network.crs)
            fg = mb.proposals_group(pg, wi.isochrones if wi is not None else None, s.minutes, ctx)
        # always ask for clicks: the component keeps the returned_objects of its first render
        show_frame(
            frame, key=MAP_KEY, height=620, use_container_width=True,
            returned_objects=["last_clicked", "last_object_clicked_tooltip"],
            feature_group_to_add=fg,
        )
    except Exception as err:  # noqa: BLE001
        show_error(err, lang)
    st.caption(t("map_hint", lang))

    show_proposals(ds, s, secs)

    if workers is not None:
        wb, wa = workers
        st.markdown(f"#### {t('worker_group_table', lang)}")
        st.dataframe(worker_group_table(wb, wa, lang), hide_index=True, width="stretch", key="worker_group_table")
        st.markdown(f"#### {t('busy_streets_table', lang)}")
        st.dataframe(busy_streets_table(wa or wb, lang), hide_index=True, width="stretch", key="busy_streets_table")
    else:
        st.markdown(f"#### {t('community_table', lang)}")
        st.dataframe(community_table(base, wi, lang), hide_index=True, width="stretch", key="community_table")
        gap_panel.show_gaps(base, lang)
        gap_panel.show_levels(base, lang, state.coverage_key(ds, s.minutes, s.speed_kmh, s.include_stations))
        gap_panel.show_dual(base, lang)

    scenario_panel.render(ds, s, base, wi)  # save / open / compare the proposed sites (方案)


def show_proposals(ds, s, secs: float) -> None:
    lang = s.lang
    props = state.proposals()
    st.markdown(f"#### {t('proposals', lang)}")
    if not props:
        st.caption(t("no_proposals", lang))
    else:
        df = pd.DataFrame([{
            "ID": p["id"], t("name", lang): p["name"], t("kind", lang): t("kind_" + p["kind"], lang),
            t("lon", lang): round(p["lon"], 6), t("lat", lang): round(p["lat"], 6),
            t("street", lang): p.get("street") or "", t("access_m", lang): round(p.get("access_m", 0.0), 1),
        } for p in props])
        st.dataframe(df, hide_index=True, width="stretch", key="proposal_table")
        ids = [p["id"] for p in props]
        if st.session_state.get("sel_proposal") not in ids:
            st.session_state["sel_proposal"] = ids[-1]
        c1, c2, c3 = st.columns([2, 1, 1])
        c1.selectbox(t("select_proposal", lang), ids, key="sel_proposal")
        if c2.button(t("remove", lang), key="remove_proposal"):
            remove_proposal(st.session_state["sel_proposal"])
            st.session_state.pop("whatif_msg", None)
            st.rerun()
        if c3.button(t("remove_all", lang), key="clear_proposals"):
            st.session_state["proposals"] = []
            st.session_state.pop("whatif_msg", None)
            st.rerun()
        st.caption(t("whatif_time", lang, s=f"{secs:.2f}"))
    with st.expander(t("add_by_coords", lang)):
        with st.form("add_coords", clear_on_submit=False):
            b = ds.bounds_wgs84()
            c1, c2, c3 = st.columns(3)
            lon = c1.number_input(t("lon", lang), value=round((b[0] + b[2]) / 2, 5), format="%.5f", key="add_lon")
            lat = c2.number_input(t("lat", lang), value=round((b[1] + b[3]) / 2, 5), format="%.5f", key="add_lat")
            kind = choice(c3.selectbox, t("kind", lang), ["station", "center"], "add_kind", lang,
                          format_func=lambda k: t("kind_" + k, lang))
            if st.form_submit_button(t("add", lang)):
                st.session_state["whatif_msg"] = add_proposal(ds, kind, float(lon), float(lat), lang,
                                                              state.params_from(s.minutes, s.speed_kmh).max_access_m)
                st.rerun()
