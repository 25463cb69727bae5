"""报告 / Reports page: PDF / HTML / XLSX / GeoPackage downloads from ``analysis.report``.

The report describes the coverage run of the current settings (sidebar). The proposed sites of
the what-if (or of the siting page) can go in as the proposal: the report then shows the
before/after figures and the sites as its 新增站点方案. Files are built by
``analysis.report.build_report_bytes``; this page only collects the choices.
"""

from __future__ import annotations

import hashlib
import tempfile
import time

import streamlit as st

from analysis import report as report_api
from analysis.report.study_inputs import inputs_from_study
from ui import state
from ui.page_siting import current_siting, rerun_with_sites
from ui.i18n import t
from ui.widgets import choice

FORMATS = ("pdf", "html", "xlsx", "gpkg")
MIME = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}


def report_inputs(ds, s, lang: str):
    """Context for the report as the CLI builds it (``inputs_from_study``): area, sources, basemap."""
    return inputs_from_study(state.study_for(ds, s.include_stations), lang)


def chosen_standard(lang: str):
    """The audit standard: an uploaded TOML file, else the shipped default; None (error shown) when invalid."""
    from analysis.standards import load_standard, parse_standard
    from geo.errors import ServiceCircleError

    up = st.file_uploader(t("report_standard", lang), type=["toml"], key="report_standard",
                          help=t("report_standard_help", lang))
    try:
        std = parse_standard(up.getvalue(), up.name) if up is not None else load_standard()
    except ServiceCircleError as err:
        st.error(str(err))
        return None
    st.caption(t("report_standard_used", lang, name=std.label(lang)))
    return std


@st.cache_resource(show_spinner=False, max_entries=8)
def _report_files(key: str, fmts: tuple[str, ...], lang: str, _result, _siting, _after, _inputs) -> dict:
    """{format: (file name, bytes)} from one ``build_report`` call (maps and charts drawn once)."""
    with tempfile.TemporaryDirectory(prefix="servicecircle_app_report_") as tmp:
        paths = report_api.build_report(_result, list(fmts), lang, tmp, siting=_siting, inputs=_inputs, after=_after)
        return {fmt: (p.name, p.read_bytes()) for fmt, p in paths.items()}


def render(s) -> None:
    lang = s.lang
    st.title(t("reports_title", lang))
    with st.spinner(t("loading_city", lang)):
        ds = state.dataset()
        base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
    is_demo = base.summary.is_demo
    if is_demo:
        st.info(t("demo_label", lang))
    st.caption(t("report_settings", lang, m=int(s.minutes) if float(s.minutes).is_integer() else s.minutes,
                 v=s.speed_kmh, st=t("common.yes" if s.include_stations else "common.no", lang)))

    items = state.proposals()
    sited = current_siting(ds, s)
    if sited and sited["result"].kind != "center":  # the report's lists are about residents
        st.caption(t("report_no_station_siting", lang))
        sited = None
    n_sited = len(sited["result"].sites) if sited else 0
    options = ["none"] + (["whatif"] if items else []) + (["siting"] if sited else [])
    proposal = choice(st.radio, t("report_proposal", lang), options, "report_proposal", lang,
                      format_func=lambda o: t("report_proposal_" + o, lang, n=n_sited if o == "siting" else len(items)))
    rlang = choice(st.radio, t("report_lang", lang), ["zh", "en"], "report_lang", lang, default=lang,
                   horizontal=True, format_func=lambda v: "中文" if v == "zh" else "English")
    fcols = st.columns(len(FORMATS))
    fmts = [f for f, col in zip(FORMATS, fcols) if col.checkbox(f.upper(), value=True, key=f"report_fmt_{f}")]
    standard = chosen_standard(lang)
    if standard is None:
        return
    with_lists = st.checkbox(t("report_with_lists", lang), value=False, key="report_with_lists")

    siting, after, pkey = None, None, ""
    if proposal == "whatif" and items:
        after, _ = state.current_whatif(ds, s.minutes, s.speed_kmh, s.include_stations)
        pkey = str(state.proposals_key(items))
    elif proposal == "siting" and sited:
        siting = sited["result"]
        after = rerun_with_sites(siting, base, ds.network)
        pkey = "siting|" + str(sorted(sited["opts"].items()))
    party = None
    if with_lists:
        from ui import page_lists

        party = page_lists.party_layers()
        party.communities, party.grids = ds.layers.get("communities"), ds.layers.get("grids")
        pkey += "|lists:" + page_lists.uploads_key()
    key = hashlib.sha1(f"{ds.key}|{s.minutes}|{s.speed_kmh}|{s.include_stations}|{pkey}|{standard.sha256}"
                       .encode()).hexdigest()[:16]

    if st.button(t("make_report", lang), type="primary", key="make_report", disabled=not fmts):
        inputs = report_inputs(ds, s, rlang)
        inputs.standard = standard
        inputs.party = party
        t0 = time.perf_counter()
        with st.spinner(t("report_progress", lang, fmt=" / ".join(f.upper() for f in fmts))):
            files = _report_files(key, tuple(fmts), rlang, base, siting, after, inputs)
        st.session_state["report_files"] = {"key": key, "lang": rlang, "files": files,
                                            "secs": time.perf_counter() - t0}

    made = st.session_state.get("report_files")
    if made and made["key"] == key and made["lang"] == rlang:
        st.success(t("report_done", lang, s=f"{made['secs']:.1f}"))
        cols = st.columns(max(1, len(made["files"])))
        for col, (fmt, (name, data)) in zip(cols, made["files"].items()):
            col.download_button(t("download", lang, fmt=fmt.upper()), data=data, file_name=name, mime=MIME[fmt],
                                key=f"dl_{fmt}")
            col.caption(f"{name} · {len(data) / 1024:,.0f} KB")
    elif made:
        st.caption(t("report_stale", lang))
