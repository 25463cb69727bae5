"""Leaflet and jQuery from the app itself: served under ``/app/static/vendor/`` or inlined as
data: URIs for a standalone HTML file; a check that a page loads nothing from elsewhere."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_URL = "/app/static"  # where Streamlit serves ./static (server.enableStaticServing)

LEAFLET_DIR = "leaflet-1.9.4"
JQUERY_DIR = "jquery-3.7.1"
_JS = (("leaflet", f"{LEAFLET_DIR}/leaflet.js"), ("jquery", f"{JQUERY_DIR}/jquery.min.js"))
_CSS = (("leaflet_css", f"{LEAFLET_DIR}/leaflet.css"),)


def asset_urls(mode: str = "served") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) for a map.

    ``"served"`` -> absolute paths on the app's own server (``/app/static/vendor/...``; the
    st_folium iframe is same-origin, so these resolve to 127.0.0.1). ``"inline"`` -> data: URIs
    embedding the files, for a standalone HTML file opened from disk with no server.
    """
    if mode == "served":
        js = [(n, f"{STATIC_URL}/vendor/{p}") for n, p in _JS]
        css = [(n, f"{STATIC_URL}/vendor/{p}") for n, p in _CSS]
    elif mode == "inline":
        js = [(n, _data_uri(p, "text/javascript")) for n, p in _JS]
        css = [(n, _data_uri(p, "text/css")) for n, p in _CSS]
    else:
        raise ValueError(f"asset mode must be 'served' or 'inline', not {mode!r}")
    return js, css


@lru_cache(maxsize=8)
def _data_uri(rel: str, mime: str) -> str:
    data = (VENDOR_DIR / rel).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def leaflet_images_url(mode: str) -> str:
    """Where Leaflet looks for its default marker images."""
    if mode == "served":
        return f"{STATIC_URL}/vendor/{LEAFLET_DIR}/images/"
    # inline maps never use Leaflet's default image markers; a relative path is harmless
    return "images/"


def external_urls(text: str, allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost")) -> list[str]:
    """Every http(s):// URL in ``text`` whose host is not one of ``allowed_hosts`` (SVG xmlns excluded)."""
    out = []
    for u in re.findall(r"https?://[^\s\"'<>)]+", text):
        host = re.sub(r"^https?://", "", u).split("/")[0].split(":")[0]
        if host in allowed_hosts or u.startswith("http://www.w3.org/2000/svg"):
            continue
        out.append(u)
    return out
