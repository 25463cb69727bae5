"""The app frame: sidebar (language, page, analysis settings), page dispatch, error guard.

No traceback ever reaches the user: the project's own errors show their message (which says
what to do); anything else shows a short note with a reference that is also in the server log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from ui import state
from ui.errors import show_error
from ui.i18n import t
from ui.widgets import choice, multi


PAGES = ("coverage", "data", "siting", "reports", "lists")
LAYER_CHOICES = ("centers", "stations", "isochrones", "circles", "grids", "gaps", "communities", "basemap")
DEFAULT_LAYERS = ("centers", "stations", "isochrones", "grids", "gaps", "communities", "basemap")
BASEMAPS = ("local", "osm", "tianditu", "amap")


@dataclass
class Settings:
    """The sidebar's choices, passed to every page."""

    lang: str = "zh"
    page: str = "coverage"
    minutes: float = 8.0
    speed_preset: str = "normal"
    speed_kmh: float = 4.5
    include_stations: bool = False  # the residents' circle counts service centers (as the CLI)
    layers: tuple[str, ...] = DEFAULT_LAYERS
    basemap: str = "local"
    tianditu_key: str = ""
    iso_thresholds: tuple[float, ...] = (5.0, 8.0, 10.0, 15.0)
    extra: dict = field(default_factory=dict)


def sidebar() -> Settings:
    sb = st.sidebar
    lang = sb.radio(
        "语言 / Language", ["zh", "en"], key="lang", horizontal=True,
        format_func=lambda v: "中文" if v == "zh" else "English",
    )
    sb.markdown(f"### {t('app_title', lang)}")
    page = choice(sb.radio, t("page", lang), PAGES, "page", lang, format_func=lambda p: t("page_" + p, lang))
    sb.divider()
    sb.markdown(f"**{t('controls', lang)}**")
    minutes = sb.select_slider(t("minutes", lang), options=list(state.MINUTE_CHOICES), value=8, key="minutes")
    preset = choice(sb.radio, t("speed_preset", lang), ["normal", "elderly", "custom"], "speed_preset", lang,
                    format_func=lambda v: t("speed_" + v, lang))
    if preset == "custom":
        speed = sb.number_input(t("speed_kmh", lang), min_value=1.0, max_value=8.0, value=4.0, step=0.1, key="speed_custom")
    else:
        speed = state.SPEED_PRESETS[preset]
    include_stations = sb.checkbox(
        t("include_stations", lang),
        value=False, key="include_stations",
    )
    s = Settings(lang=lang, page=page, minutes=float(minutes), speed_preset=preset, speed_kmh=float(speed),
                 include_stations=bool(include_stations))
    if page == "coverage":
        s.layers = tuple(multi(sb.multiselect, t("layers", lang), LAYER_CHOICES, "layers", lang, DEFAULT_LAYERS,
                               format_func=lambda k: t("layer_" + k, lang)))
        iso = multi(sb.multiselect, t("iso_thresholds", lang), state.MINUTE_CHOICES, "iso_thresholds", lang,
                    state.MINUTE_CHOICES, format_func=lambda m: t("minutes_short", lang, m=m))
        s.iso_thresholds = tuple(float(m) for m in iso)
        s.basemap = choice(sb.selectbox, t("basemap", lang), BASEMAPS, "basemap", lang,
                           format_func=lambda k: t("basemap_" + k, lang))
        if s.basemap == "tianditu":
            s.tianditu_key = sb.text_input(t("tianditu_key", lang), key="tianditu_key", type="password").strip()
        if s.basemap != "local":
            sb.caption(t("online_warning", lang))
    sb.divider()
    sb.caption("© OpenStreetMap contributors (ODbL) · ServiceCircle")
    return s


def page_module(name: str):
    """The module of one page, imported when that page is shown (the first page does not load the
    siting solvers, the report writers or the batch tools)."""
    if name == "coverage":
        from ui import page_coverage as page
    elif name == "data":
        from ui import page_data as page
    elif name == "siting":
        from ui import page_siting as page
    elif name == "reports":
        from ui import page_reports as page
    elif name == "lists":
        from ui import page_lists as page
    else:
        raise ValueError(f"unknown page {name!r}")
    return page


def run_app() -> None:
    st.session_state.setdefault("lang", "zh")
    lang = st.session_state.get("lang", "zh")
    try:
        settings = sidebar()
    except Exception as err:  # noqa: BLE001 - the user sees a short message, the log the details
        show_error(err, lang)
        return
    try:
        page_module(settings.page).render(settings)
    except Exception as err:  # noqa: BLE001
        show_error(err, settings.lang)
