"""选址 / Siting page: calls ``analysis.siting.api.run_siting`` once that issue lands.

Until then the page says what is coming; it never shows placeholder numbers.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t


def siting_api():
    """``analysis.siting.api.run_siting`` or None while the siting issue is not merged."""
    return state.optional("analysis.siting.api", "run_siting")


def render(s) -> None:
    lang = s.lang
    st.title(t("siting_title", lang))
    run = siting_api()
    n_prop = len(state.proposals())
    if run is None:
        st.info(t("siting_coming", lang))
        if n_prop:
            st.caption(t("include_proposals", lang, n=n_prop))
        return
    from ui import siting_panel  # written when the siting API exists

    siting_panel.render(s, run)
