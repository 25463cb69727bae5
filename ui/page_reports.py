"""报告 / Reports page: PDF / HTML / XLSX / GeoPackage downloads from ``analysis.report``.

Until the report functions exist the page says what is coming; it never shows placeholder files.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t

FORMATS = ("pdf", "html", "xlsx", "gpkg")


def report_api():
    """``analysis.report.api`` (build functions per format) or None while the report issue is not merged."""
    return state.optional("analysis.report.api")


def render(s) -> None:
    lang = s.lang
    st.title(t("reports_title", lang))
    api = report_api()
    if api is None:
        st.info(t("reports_coming", lang))
        return
    from ui import report_panel  # written when the report API exists

    report_panel.render(s, api)
