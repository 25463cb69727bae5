"""Choice widgets that follow the language switch.

Streamlit keeps showing a keyed radio/selectbox/multiselect with the option labels of the
language it was first drawn in (and, for radios, with no option marked) when only its
``format_func`` changes. So each such widget gets one key per language (``<name>_<lang>``) and
the chosen value is kept under ``<name>`` in the session, independent of the language.
"""

from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st


def widget_key(name: str, lang: str) -> str:
    return f"{name}_{lang}"


def choice(widget: Callable, label: str, options: Sequence, name: str, lang: str, default=None, **kw):
    """``st.radio``/``st.selectbox`` (or the sidebar's) keyed per language; returns the value."""
    options = list(options)
    cur = st.session_state.get(name, default if default is not None else options[0])
    index = options.index(cur) if cur in options else 0
    value = widget(label, options, index=index, key=widget_key(name, lang), **kw)
    st.session_state[name] = value
    return value


def multi(widget: Callable, label: str, options: Sequence, name: str, lang: str, default: Sequence = (), **kw):
    """``st.multiselect`` keyed per language; returns the chosen list."""
    cur = st.session_state.get(name, list(default))
    value = widget(label, list(options), default=[v for v in cur if v in options], key=widget_key(name, lang), **kw)
    st.session_state[name] = list(value)
    return value
