"""三张清单 / Lists page: needs, resources and projects lists with their matches, road adoption
(门前三包) with its map, demonstration-area figures and the printable guide map.

Widgets only: the numbers come from ``analysis.lists``, ``analysis.adoption``,
``analysis.demo_area`` and ``analysis.report.guide_map`` — the same calls as the CLI's
``servicecircle lists | adoption | demo-area | guide-map``.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import state
from ui.i18n import t

KINDS = ("units", "needs", "projects", "demo_areas")


def _uploads() -> dict:
    return st.session_state.setdefault("party_uploads", {})


@st.cache_resource(show_spinner=False, max_entries=8)
def _layers(key: str):
    """The party layers: sample demo files with the session's uploads swapped in."""
    from analysis.party_inputs import load_party_layers

    city = state.sample_city()
    layers = load_party_layers(osm_features=city.features, rivers=None)
    for kind, up in _uploads().items():
        setattr(layers, kind, up["gdf"])
        layers.sources[kind] = up["file"]
    layers.is_demo = any(getattr(layers, k) is not None and k not in _uploads() for k in KINDS)
    return layers


def _key() -> str:
    return hashlib.sha1("|".join(f"{k}:{v['sha']}" for k, v in sorted(_uploads().items())).encode()).hexdigest()[:12]


@st.cache_resource(show_spinner=False, max_entries=16)
def _lists(key: str, distance_m: float, _network, _layers):
    from analysis.lists import build_lists

    return build_lists(_network, _layers.units, _layers.needs, _layers.projects, distance_m=distance_m)


@st.cache_resource(show_spinner=False, max_entries=16)
def _adoption(key: str, distance_m: float, _network, _layers):
    from analysis.adoption import adopt_roads

    return adopt_roads(_network, _layers.units, distance_m, area=_layers.demo_areas, rivers=_layers.rivers)


def uploads_key() -> str:
    """Key of the session's uploaded party layers ('' = sample layers only)."""
    return _key()


def party_layers():
    """The party layers in use (sample demo layers with the session's uploads), for the report page."""
    return _layers(_key())


def _frame(table, lang: str) -> pd.DataFrame:
    """A report table as shown text (same formatting as the PDF)."""
    return pd.DataFrame(table.display_rows(lang), columns=[c.label for c in table.columns])


def _upload_box(lang: str, network) -> None:
    from geo.errors import ServiceCircleError
    from geo.readers import read_layer_bytes

    with st.expander(t("lists_upload", lang)):
        st.caption(t("lists_upload_help", lang))
        for kind in KINDS:
            up = st.file_uploader(t("lists_kind_" + kind, lang), key=f"party_up_{kind}",
                                  type=["csv", "xlsx", "geojson", "json", "gpkg", "zip", "kml", "kmz"])
            if up is None:
                continue
            data = up.getvalue()
            sha = hashlib.sha1(data).hexdigest()[:12]
            if _uploads().get(kind, {}).get("sha") == sha:
                continue
            try:
                res = read_layer_bytes(data, up.name, kind, streets=network.edges_gdf().geometry)
            except ServiceCircleError as err:
                st.error(str(err))
                continue
            _uploads()[kind] = {"gdf": res.gdf, "file": up.name, "sha": sha}
            st.success(t("lists_upload_ok", lang, n=len(res.gdf), file=up.name))


def render(s) -> None:
    lang = s.lang
    st.title(t("lists_title", lang))
    with st.spinner(t("loading_city", lang)):
        ds = state.dataset()
        net = ds.network
    _upload_box(lang, net)
    key = _key()
    layers = _layers(key)
    if layers.is_demo:
        st.info(t("demo_label", lang))
    c1, c2 = st.columns(2)
    match_m = c1.number_input(t("lists_match_m", lang), min_value=100.0, max_value=5000.0, value=1000.0, step=100.0,
                              key="lists_match_m")
    adopt_m = c2.number_input(t("lists_adopt_m", lang), min_value=10.0, max_value=500.0, value=100.0, step=10.0,
                              key="lists_adopt_m")
    tabs = st.tabs([t("lists_tab_" + k, lang) for k in ("lists", "adoption", "demo_area", "guide_map")])
    with tabs[0]:
        _show_lists(layers, net, key, float(match_m), lang)
    with tabs[1]:
        _show_adoption(layers, net, ds, key, float(adopt_m), lang)
    with tabs[2]:
        _show_demo_area(layers, ds, s, lang)
    with tabs[3]:
        _show_guide_map(layers, ds, s, key, lang)


def _show_lists(layers, net, key: str, match_m: float, lang: str) -> None:
    from analysis.report.party import lists_tables, write_party_xlsx

    if layers.units is None or layers.needs is None:
        st.info(t("lists_need_layers", lang))
        return
    res = _lists(key, match_m, net, layers)
    sm = res.summary
    cols = st.columns(5)
    cols[0].metric(t("lists_m_needs", lang), f"{sm['n_needs']}")
    cols[1].metric(t("lists_m_matched", lang), f"{sm['n_matched']}")
    cols[2].metric(t("lists_m_unmatched", lang), f"{sm['n_unmatched']}")
    cols[3].metric(t("lists_m_resources", lang), f"{sm['n_resources']}")
    cols[4].metric(t("lists_m_projects", lang), f"{sm['n_projects_claimed']} / {sm['n_projects']}")
    st.caption(t("lists_method", lang, d=match_m))
    tables = lists_tables(res, lang)
    for k in ("needs_by_community", "needs", "resources_by_kind", "resources", "projects", "matches"):
        st.markdown(f"**{tables[k].title}**")
        st.dataframe(_frame(tables[k], lang), hide_index=True, width="stretch")
    with tempfile.TemporaryDirectory(prefix="sc_lists_") as tmp:
        p = write_party_xlsx([tables[k] for k in tables], Path(tmp) / f"three_lists_{lang}.xlsx", lang, layers.is_demo)
        st.download_button(t("lists_download_xlsx", lang), p.read_bytes(), file_name=p.name,
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _show_adoption(layers, net, ds, key: str, adopt_m: float, lang: str) -> None:
    from analysis.report.party import adoption_tables

    if layers.units is None:
        st.info(t("lists_need_layers", lang))
        return
    res = _adoption(key, adopt_m, net, layers)
    sm = res.summary
    cols = st.columns(4)
    cols[0].metric(t("adopt_m_units", lang), f"{sm['n_units_adopting']} / {sm['n_units']}")
    cols[1].metric(t("adopt_m_length", lang), f"{sm['adopted_union_m']:,.0f} m")
    cols[2].metric(t("adopt_m_overlap", lang), f"{sm['overlap_m']:,.0f} m")
    cols[3].metric(t("adopt_m_share", lang),
                   f"{sm['adopted_union_m'] / sm['area_street_m'] * 100:.1f}%" if sm["area_street_m"] else "—")
    st.caption(t("adopt_method", lang, d=adopt_m))
    png = _adoption_png(key, adopt_m, lang, res, layers, ds)
    st.image(png, width="stretch")
    for tab in adoption_tables(res, lang).values():
        st.markdown(f"**{tab.title}**")
        st.dataframe(_frame(tab, lang), hide_index=True, width="stretch")


@st.cache_data(show_spinner=False, max_entries=8)
def _adoption_png(key: str, adopt_m: float, lang: str, _res, _layers, _ds) -> bytes:
    from analysis.report.inputs import ReportInputs
    from analysis.report.party import map_adoption
    from analysis.report.staticmap import figure_png

    fig = map_adoption(_res, _layers.units, lang, ReportInputs(features=_ds.features, network=_ds.network),
                       area=_layers.demo_areas, is_demo=_layers.is_demo, rivers=_layers.rivers)
    return figure_png(fig, dpi=110)


def _show_demo_area(layers, ds, s, lang: str) -> None:
    from analysis.demo_area import demo_area_figures
    from analysis.report.party import demo_area_table

    if layers.demo_areas is None:
        st.info(t("lists_need_areas", lang))
        return
    base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    fig = demo_area_figures(layers.demo_areas, base, units=layers.units, stations=ds.layers.get("stations"),
                            communities=ds.layers.get("communities"), grids=ds.layers.get("grids"))
    st.caption(t("demo_area_method", lang, m=s.minutes))
    st.dataframe(_frame(demo_area_table(fig, lang), lang), hide_index=True, width="stretch")


def _show_guide_map(layers, ds, s, key: str, lang: str) -> None:
    from analysis.demo_area import demo_area_figures
    from analysis.report.guide_map import guide_map_content, write_guide_map
    from analysis.report.inputs import ReportInputs

    if layers.demo_areas is None:
        st.info(t("lists_need_areas", lang))
        return
    names = list(layers.demo_areas["name"].astype(str))
    name = st.selectbox(t("guide_area", lang), names, key="guide_area")
    if not st.button(t("guide_make", lang), key="guide_make"):
        st.caption(t("guide_help", lang))
        return
    base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    area = layers.demo_areas[layers.demo_areas["name"].astype(str) == name]
    fig = demo_area_figures(area, base, units=layers.units, stations=ds.layers.get("stations"),
                            communities=ds.layers.get("communities"), grids=ds.layers.get("grids"))
    gm = guide_map_content(area, base, stations=ds.layers.get("stations"), units=layers.units, lang=lang,
                           is_demo=layers.is_demo or base.summary.is_demo, figures=fig)
    with st.spinner(t("guide_drawing", lang)), tempfile.TemporaryDirectory(prefix="sc_guide_") as tmp:
        paths = write_guide_map(gm, tmp, ReportInputs(features=ds.features, network=ds.network))
        pdf, png = paths["pdf"].read_bytes(), paths["png"].read_bytes()
    st.image(png, width="stretch")
    c1, c2 = st.columns(2)
    c1.download_button("PDF (A3)", pdf, file_name=f"guide_map_{lang}.pdf", mime="application/pdf")
    c2.download_button("PNG", png, file_name=f"guide_map_{lang}.png", mime="image/png")
