"""A Folium map turned into what the st_folium component receives (script, header, HTML, links),
once: the text can be kept in memory and on disk and shown again without building or rendering
the map (building and rendering the coverage map costs about a second per session).

:func:`frame_of` does what ``streamlit_folium.st_folium`` does with a map before it calls its
component; :func:`show_frame` sends that text to the same frontend (streamlit-folium's own build,
registered here as a component of this module so that showing a cached map imports neither
Folium nor streamlit-folium), so the browser gets what ``st_folium(m, ...)`` would send (a test
compares the two). :func:`frame_arrays` / :func:`frame_from_arrays` store a frame in the
data-only disk cache (UTF-8 text, JSON).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import numpy as np


@dataclass(frozen=True)
class MapFrame:
    """The st_folium component's input for one map (all text)."""

    script: str        #: the map's Leaflet JavaScript (ids renamed to map_div as st_folium does)
    header: str        #: the page header (styles, inline scripts)
    html: str          #: HTML elements outside the map div
    map_id: str        #: folium's name of the map (``map_<id>``)
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: tuple      #: ((south, west), (north, east)) in degrees, for the component's default value
    zoom: float | int | None


def frame_of(m) -> MapFrame:
    """The component input of a ``folium.Map`` (renders it once, as ``st_folium`` does).

    Parameters
    ----------
    m : folium.Map
        A finished map (every layer added).

    Returns
    -------
    MapFrame
    """
    import branca
    import folium.elements
    import streamlit_folium as sf

    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    map_id = sf.get_full_id(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]

    def walk(el):
        if isinstance(el, branca.colormap.ColorMap):
            raise ValueError("branca colormaps load d3 from the internet; use an HTML legend")
        if isinstance(el, folium.elements.JSCSSMixin):
            yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    css: list[str] = []
    js: list[str] = []
    for el in walk(m):
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
    return MapFrame(script=script, header=header, html=html, map_id=map_id,
                    css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
                    bounds=tuple(tuple(b) for b in bounds), zoom=m.options.get("zoom"))


@functools.lru_cache(maxsize=1)
def _component():
    """streamlit-folium's frontend (its ``frontend/build`` folder), declared without importing it."""
    from importlib.util import find_spec

    import streamlit.components.v1 as components

    spec = find_spec("streamlit_folium")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("streamlit-folium is not installed")
    build = Path(list(spec.submodule_search_locations)[0]) / "frontend" / "build"
    return components.declare_component("st_folium", path=str(build))


def _bounds_dict(bounds) -> dict:
    (s, w), (n, e) = bounds
    return {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}}


def show_frame(
    frame: MapFrame,
    *,
    key: str,
    height: int = 700,
    use_container_width: bool = True,
    width: int | None = None,
    returned_objects: Iterable[str] | None = None,
    feature_group_to_add=None,
):
    """Show a map frame with the st_folium component; returns what ``st_folium`` returns.

    Parameters
    ----------
    frame : MapFrame
        From :func:`frame_of` (or the cache).
    key : str
        Streamlit key; the clicked position etc. is kept in ``st.session_state[key]``.
    height : int
        Pixels.
    use_container_width : bool
        Fill the column (overrides ``width``).
    width : int, optional
        Pixels.
    returned_objects : iterable of str, optional
        Which of st_folium's values make the app rerun.
    feature_group_to_add : folium.FeatureGroup, optional
        Drawn on top of the map without rebuilding it (the what-if's proposed sites).

    Returns
    -------
    dict
        The map's values (last click, bounds, zoom, ...).
    """
    import streamlit as st

    defaults_all = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None, "bounds": _bounds_dict(frame.bounds), "zoom": frame.zoom,
        "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
        "selected_tags": None, "last_geocoder_result": None,
    }
    returned = list(returned_objects) if returned_objects is not None else None
    defaults = {k: v for k, v in defaults_all.items() if returned is None or k in returned}
    fg_string = None
    if feature_group_to_add is not None:
        import folium
        import streamlit_folium as sf

        host = folium.Map(tiles=None)  # stands in for the cached map: only its name is used
        host._id = frame.map_id.split("_", 1)[1]
        groups = feature_group_to_add if isinstance(feature_group_to_add, (list, tuple)) else [feature_group_to_add]
        fg_string = "".join(sf._get_feature_group_string(g, map=host, idx=i) for i, g in enumerate(groups))
    # the component's own key follows the map's script (as st_folium's): a new map is a new frame
    hash_key = hashlib.sha256(f"{frame.script}|{key}".encode()).hexdigest()

    def _on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return _component()(
        script=frame.script, header=frame.header, html=frame.html, id=frame.map_id, key=hash_key,
        height=height, width=None if use_container_width else width, returned_objects=returned, default=defaults,
        zoom=None, center=None, feature_group=fg_string, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=list(frame.css_links), js_links=list(frame.js_links), on_change=_on_change,
        wrap_longitude=False,
    )


def frame_arrays(frame: MapFrame) -> tuple[dict[str, np.ndarray], dict]:
    """A frame as data-only cache content: UTF-8 arrays for the long texts, JSON for the rest.

    Parameters
    ----------
    frame : MapFrame

    Returns
    -------
    (dict of str to ndarray, dict)
        Arrays and JSON metadata for :func:`geo.disk_cache.write_entry`.
    """
    d = asdict(frame)
    arrays = {k: np.frombuffer(d.pop(k).encode("utf-8"), dtype=np.uint8) for k in ("script", "header", "html")}
    return arrays, json.loads(json.dumps(d))


def frame_from_arrays(arrays: dict[str, np.ndarray], meta: dict) -> MapFrame:
    """Inverse of :func:`frame_arrays` (raises on anything unexpected).

    Parameters
    ----------
    arrays : dict of str to ndarray
        uint8 arrays ``script``, ``header``, ``html``.
    meta : dict
        The other fields.

    Returns
    -------
    MapFrame
    """
    texts = {}
    for k in ("script", "header", "html"):
        a = arrays[k]
        if a.dtype != np.uint8 or a.ndim != 1:
            raise ValueError(f"bad {k}")
        texts[k] = a.tobytes().decode("utf-8")
    b = meta["bounds"]
    return MapFrame(**texts, map_id=str(meta["map_id"]), css_links=tuple(map(str, meta["css_links"])),
                    js_links=tuple(map(str, meta["js_links"])), bounds=(tuple(b[0]), tuple(b[1])),
                    zoom=meta["zoom"])


# -- on disk ------------------------------------------------------------------------------------

KIND = "map-frame"
_UI_ROOT = Path(__file__).resolve().parents[1]


def ui_fingerprint() -> str:
    """SHA-256 (24 hex digits) of the code that draws maps (``ui/maps/``, ``ui/map_tools.py``,
    ``ui/i18n.py``, ``ui/state.py``, ``ui/page_coverage.py``), of the wording (the message catalogue
    ``geo/messages/``) and of the Folium / streamlit-folium versions: a changed file gives new map frames.

    Returns
    -------
    str
    """
    from importlib.metadata import version

    h = hashlib.sha256()
    files = sorted((_UI_ROOT / "maps").glob("*.py")) + [_UI_ROOT / n for n in
                                                         ("map_tools.py", "i18n.py", "state.py", "page_coverage.py")]
    files += sorted((_UI_ROOT.parent / "geo" / "messages").glob("*.py"))
    for p in files:
        if p.exists():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for dist in ("folium", "streamlit-folium", "branca"):
        h.update(f"{dist}={version(dist)};".encode())
    return h.hexdigest()[:24]


def frame_key(result_key: str, options: dict) -> str:
    """Disk-cache key of one map: the coverage result's key, the map's options, the UI code.

    Parameters
    ----------
    result_key : str
        Key of the coverage result drawn (:func:`analysis.result_cache.result_key`).
    options : dict
        JSON-able drawing options (language, layers, minutes, basemap, selected gap, ...).

    Returns
    -------
    str
    """
    from geo.disk_cache import cache_key

    return cache_key(result=result_key, options=options, ui=ui_fingerprint())


def read_frame(key: str, cache_dir: str | Path | None = None) -> MapFrame | None:
    """The map frame stored under ``key``, or ``None`` (missing, damaged, tampered: build again).

    Parameters
    ----------
    key : str
        From :func:`frame_key`.
    cache_dir : str or Path, optional
        Cache folder (default :func:`geo.disk_cache.cache_root`).

    Returns
    -------
    MapFrame or None
    """
    from geo.disk_cache import read_entry

    entry = read_entry(KIND, key, cache_dir)
    if entry is None:
        return None
    try:
        return frame_from_arrays(*entry)
    except Exception:  # noqa: BLE001 - never trusted, built again
        return None


def write_frame(key: str, frame: MapFrame, cache_dir: str | Path | None = None) -> bool:
    """Store ``frame`` under ``key`` (data-only; False when the cache folder is not writable).

    Parameters
    ----------
    key : str
        From :func:`frame_key`.
    frame : MapFrame
    cache_dir : str or Path, optional

    Returns
    -------
    bool
    """
    from geo.disk_cache import write_entry

    return write_entry(KIND, key, *frame_arrays(frame), cache_dir=cache_dir)
