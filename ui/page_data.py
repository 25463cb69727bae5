"""数据 / Data page: which layers are in use, upload the planner's own layers.

A file is read and checked first (what was read, the detected coordinate system, every problem);
it is used only after the planner confirms. Reading and checking are ``geo.readers``' job.
"""

from __future__ import annotations

import hashlib
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import ServiceCircleError
from geo.schemas import LAYER_SCHEMAS
from geo.readers import read_layer_bytes
from ui import maps as mb, state
from ui.errors import show_error
from ui.i18n import has, t
from ui.widgets import choice

KINDS = ("centers", "stations", "grids", "communities", "candidates", "demand", "compounds", "party_grids")
COORD_CHOICES = ("auto", "wgs84", "gcj02", "bd09")
FILE_TYPES = ["gpkg", "zip", "geojson", "json", "kml", "kmz", "csv", "xlsx", "xls", "txt"]


def read_upload(data: bytes, filename: str, kind: str, coords: str = "auto"):
    """(GeoDataFrame | None, LayerReport | None) for an uploaded file.

    Streets of the network in use help detect GCJ-02/BD-09 coordinates and flag far-off points;
    its extent flags points outside the study area. Refusals raise the project's errors.
    """
    streets, area = _context()
    res = read_layer_bytes(data, filename, kind, streets=streets, study_area=area, coords=coords)
    return res.gdf, res.report


@st.cache_resource(show_spinner=False)
def _context_cached(city_id: int, _city):
    from shapely.geometry import box

    net = _city.network
    return net.edges_gdf()[["geometry"]], box(*net.bounds_wgs84())


def _context():
    try:
        city = state.sample_city()
    except Exception:  # noqa: BLE001 - detection is optional help
        return None, None
    return _context_cached(id(city), city)


def _current_sources(ds, lang: str) -> pd.DataFrame:
    rows = []
    for kind in KINDS:
        g = ds.layers.get(kind)
        src = ds.sources.get(kind)
        rows.append({
            t("layer_kind", lang): t("kind_" + kind, lang),
            t("data_source", lang): (t("demo_badge", lang) if src == "sample" else (src or "—")),
            t("n_features", lang): 0 if g is None else int(len(g)),
        })
    return pd.DataFrame(rows)


def show_preview_map(gdf, lang: str) -> None:
    """Where the layer's features fall, over the local basemap (no returned clicks)."""
    ds = state.dataset()
    kind = st.session_state.get("upload_kind", "centers")
    m = mb.layer_preview_map(gdf, kind, bounds=ds.bounds_wgs84(), features=ds.features,
                             ctx=mb.MapContext(lang=lang))
    st.markdown(f"##### {t('preview_map', lang)}")
    st_folium(m, key="preview_map", height=380, use_container_width=True, returned_objects=[])




def crs_text(report, gdf, lang: str) -> str:
    """The coordinate system as read: declared CRS and detected datum, in words."""
    if report is None:
        return gdf.crs.to_string() if gdf is not None and gdf.crs is not None else "—"
    parts = []
    if report.source_crs:
        parts.append(str(report.source_crs))
    if report.detected_datum:
        key = f"reader.datum_{report.detected_datum}"
        parts.append(t(key, lang) if has(key) else str(report.detected_datum))
    return " / ".join(parts) or "—"


def show_report(gdf, report, lang: str) -> None:
    """What was read, the coordinate system and every problem."""
    st.markdown(f"##### {t('read_result', lang)}")
    n = 0 if gdf is None else len(gdf)
    c1, c2 = st.columns(2)
    c1.metric(t("n_features", lang), f"{n:,}")
    c2.metric(t("rows_read", lang), f"{report.rows_read:,}" if report is not None else "—")
    st.markdown(f"**{t('detected_crs', lang)}**：{crs_text(report, gdf, lang)}" if lang != "en"
                else f"**{t('detected_crs', lang)}:** {crs_text(report, gdf, lang)}")
    if report is not None:
        notes = report.conversions if lang == "en" else report.conversions_zh
        for note in notes:
            st.caption("• " + note)
        st.markdown(f"##### {t('problems', lang)}")
        if not report.problems:
            st.success(t("common.no_problems", lang))
        else:
            n_err = len(report.errors)
            n_other = len(report.problems) - n_err
            if n_err:
                st.error(t("n_errors", lang, n=n_err))
            if n_other:
                st.warning(t("n_warnings", lang, n=n_other))
            st.dataframe(report.to_frame(lang), hide_index=True, width="stretch", key="problem_table")
    if gdf is not None and len(gdf):
        try:
            show_preview_map(gdf, lang)
        except Exception as err:  # noqa: BLE001 - the table below still shows what was read
            show_error(err, lang)
        st.markdown(f"##### {t('preview', lang)}")
        prev = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).head(20)
        if lang == "zh":  # the layer's canonical columns under their Chinese headers (geo.schemas)
            kind = st.session_state.get("upload_kind", "centers")
            if kind in LAYER_SCHEMAS:
                prev = prev.rename(columns={f.name: f.zh for f in LAYER_SCHEMAS[kind].fields})
            prev = prev.rename(columns={"source_row": t("preview_source_row", lang)})
        pts = gdf.head(20)
        if (pts.geom_type == "Point").all():
            p4326 = pts.to_crs(4326) if pts.crs is not None else pts
            prev[t("lon", lang)] = p4326.geometry.x.round(6).to_numpy()
            prev[t("lat", lang)] = p4326.geometry.y.round(6).to_numpy()
        st.dataframe(prev.astype(str), hide_index=True, width="stretch", key="upload_preview")


def render(s) -> None:
    lang = s.lang
    st.title(t("common.data", lang))
    with st.spinner(t("loading_city", lang)):
        ds = state.dataset()
    if ds.is_demo:
        st.info(t("use_sample", lang))
    flash = st.session_state.pop("data_flash", None)
    if flash:
        st.success(flash)
    st.markdown(f"#### {t('data_source', lang)}")
    st.dataframe(_current_sources(ds, lang), hide_index=True, width="stretch", key="sources_table")
    ups = state.uploads()
    for kind in list(ups):
        c1, c2 = st.columns([4, 1])
        c1.caption(t("layer_in_use", lang, kind=t("kind_" + kind, lang), n=len(ups[kind]["gdf"])) + f" ({ups[kind]['file']})")
        if c2.button(t("reset_layer", lang), key=f"reset_{kind}"):
            ups.pop(kind, None)
            st.rerun()

    st.markdown(f"#### {t('upload_title', lang)}")
    st.caption(t("upload_help", lang))
    kind = choice(st.selectbox, t("layer_kind", lang), KINDS, "upload_kind", lang, format_func=lambda k: t("kind_" + k, lang))
    coords = choice(st.selectbox, t("coords_choice", lang), COORD_CHOICES, "upload_coords", lang,
                    format_func=lambda c: t("coords_" + c, lang))
    f = st.file_uploader(t("upload_title", lang), type=FILE_TYPES, key=f"uploader_{kind}")
    if f is None:
        return
    data = f.getvalue()
    sha = hashlib.sha256(data + coords.encode()).hexdigest()[:16]
    if state.uploads().get(kind, {}).get("sha") == sha:
        return  # this very file is the layer in use (said above)
    pending = st.session_state.get("pending_upload")
    if not pending or pending.get("sha") != sha or pending.get("kind") != kind:
        pending = check_file(data, f.name, kind, sha, coords)
        st.session_state["pending_upload"] = pending
    show_pending(pending, lang)


def check_file(data: bytes, filename: str, kind: str, sha: str, coords: str = "auto") -> dict:
    """Read and check an upload; never raises (problems become the message)."""
    out = {"kind": kind, "file": filename, "sha": sha, "gdf": None, "report": None, "error": None}
    try:
        gdf, report = read_upload(data, filename, kind, coords)
        out.update(gdf=gdf, report=report)
    except ServiceCircleError as e:
        out["report"] = e.report
        out["error"] = ("refused", e)
    return out


def show_pending(pending: dict, lang: str) -> None:
    err = pending.get("error")
    if err:
        st.error(err[1].message(lang))
        st.error(t("layer_blocked", lang))
        if pending.get("report") is not None:
            show_report(None, pending["report"], lang)
        return
    gdf, report = pending["gdf"], pending["report"]
    show_report(gdf, report, lang)
    usable = gdf is not None and len(gdf) > 0
    if not usable:
        st.error(t("layer_blocked", lang))
        return
    if st.button(t("use_layer", lang), key="use_layer", type="primary"):
        state.uploads()[pending["kind"]] = {"file": pending["file"], "sha": pending["sha"], "gdf": gdf, "report": report}
        st.session_state.pop("pending_upload", None)
        st.session_state["data_flash"] = t("layer_in_use", lang, kind=t("kind_" + pending["kind"], lang), n=len(gdf))
        st.rerun()
