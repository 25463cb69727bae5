"""Errors on a page: the planner sees a short message, the log keeps the details."""

from __future__ import annotations

import logging
import uuid

import streamlit as st

from geo.errors import ServiceCircleError
from ui.i18n import t

log = logging.getLogger("servicecircle.app")


def show_error(err: BaseException, lang: str) -> None:
    """A short message instead of a traceback."""
    if isinstance(err, ServiceCircleError):
        st.error(t("error_prefix", lang) + err.message(lang))
        if err.report is not None and err.report.problems:
            with st.expander(t("problems", lang)):
                st.text(err.report.render(lang))
    else:
        ref = uuid.uuid4().hex[:8]
        log.exception("unexpected error (ref %s)", ref)
        st.error(t("unexpected_error", lang, ref=ref))
