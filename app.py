"""ServiceCircle app: page set-up, language switch, page choice. Each page lives in ui/page_*.py.

Run with ``make run`` (or ``streamlit run app.py``). Everything the browser loads is served by
this app (see .streamlit/config.toml and static/vendor/); nothing comes from the internet.
"""

from __future__ import annotations

import warnings

import streamlit as st

# The app's edge: library warnings (pyogrio, NumPy, Matplotlib, pandas) never reach the server
# terminal; planners see the product's own messages on the page.
warnings.filterwarnings("ignore")

st.set_page_config(page_title="8分钟党群连心服务圈 · ServiceCircle", layout="wide", initial_sidebar_state="expanded")

from ui.shell import run_app  # noqa: E402  (page config must come first)

run_app()
