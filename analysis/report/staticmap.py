"""Static report maps with matplotlib: OSM basemap, scale bar, north arrow and legend (offline).

All drawing happens in the result's metric CRS (metres), so the scale bar is exact. Every
map function returns a matplotlib Figure; :func:`figure_png` turns it into PNG bytes.
"""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from analysis.coverage import CoverageResult  # noqa: E402
from analysis.report.basemap import basemap_layers  # noqa: E402
from analysis.report.fonts import use_cjk_font  # noqa: E402
from analysis.report.inputs import ReportInputs  # noqa: E402
from analysis.report.labels import label  # noqa: E402
from analysis.report.mapframe import (  # noqa: E402,F401  (re-exported: colours and extents live there)
    CENTER_COLOUR, FALLBACK_ISO, GAP_COLOUR, ISO_COLOURS, MAX_RATIO, MIN_RATIO, PROPOSAL_COLOUR, SHARE_BINS,
    SHARE_COLOURS, STATION_COLOUR, dissolved_isochrones, fit_ratio, map_extent,
)

BASE_STYLE = {
    "landuse": dict(color="#f2efe9", linewidth=0),
    "green": dict(color="#d8ead2", linewidth=0),
    "water": dict(color="#aad3df", linewidth=0),
    "buildings": dict(color="#d9d0c9", linewidth=0),
    "streets": dict(color="#9e9e9e", linewidth=0.5),
}
FIG_WIDTH_IN = 4.6
NICE_LENGTHS_M = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


def new_map(extent, layers: dict[str, gpd.GeoDataFrame]):
    """A figure and axes sized to ``extent``, with the basemap drawn.

    Parameters
    ----------
    extent : tuple of float
        (minx, miny, maxx, maxy) in the map's projected metric CRS, metres.
    layers : dict of str to GeoDataFrame
        Basemap layers (:func:`analysis.report.basemap.basemap_layers`) in the same CRS.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, matplotlib.axes.Axes)

    Raises
    ------
    analysis.report.fonts.FontMissingError
        When no CJK font is installed.
    """
    use_cjk_font()
    minx, miny, maxx, maxy = extent
    ratio = (maxy - miny) / (maxx - minx)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH_IN, min(max(FIG_WIDTH_IN * ratio, 2.8), 7.0)), dpi=100)
    ax.set_facecolor("#fbfaf7")
    for name in ("landuse", "green", "water", "buildings", "streets"):
        if name in layers:
            draw_basemap_layer(ax, layers[name], **BASE_STYLE[name])
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, ax


def draw_basemap_layer(ax, layer: gpd.GeoDataFrame, color: str, linewidth: float, zorder: float = 1) -> None:
    """Draw a basemap layer as ONE compound path (polygons filled, lines stroked).

    Same look as ``GeoDataFrame.plot(color=..., linewidth=...)`` but one artist instead of one
    patch per building: issue 16 measured the three report maps at 3.7 s, most of it here.
    Polygon rings are oriented (shells counter-clockwise, holes clockwise) so the non-zero fill
    rule leaves courtyards empty. Points are not drawn.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes (data coordinates in metres).
    layer : GeoDataFrame
        Polygons and/or lines in the map's CRS.
    color : str
        Fill colour of polygons and stroke colour of lines.
    linewidth : float
        Line width in points (0: lines not drawn).
    zorder : float
        Drawing order.
    """
    import shapely
    from matplotlib.patches import PathPatch

    geoms = shapely.get_parts(np.asarray(layer.geometry.values, dtype=object))
    geoms = geoms[~shapely.is_empty(geoms)]
    kind = shapely.get_type_id(geoms)
    polys = shapely.orient_polygons(geoms[kind == 3], exterior_cw=False)
    lines = geoms[(kind == 1) | (kind == 2)]
    if len(polys):
        path = _compound_path(shapely.get_rings(polys), closed=True)
        _add_without_limits(ax, PathPatch(path, facecolor=color, edgecolor="none", linewidth=0, zorder=zorder))
    if len(lines) and linewidth > 0:
        path = _compound_path(lines, closed=False)
        _add_without_limits(ax, PathPatch(path, facecolor="none", edgecolor=color, linewidth=linewidth, zorder=zorder,
                                          capstyle="round", joinstyle="round"))


def _add_without_limits(ax, patch) -> None:
    """Add a patch in data coordinates without updating the data limits: ``add_patch`` walks
    every Bézier segment of a 100,000-vertex path for them (4.5 s per report); the map sets its
    limits itself."""
    patch.set_transform(ax.transData)
    ax.add_artist(patch)


def _compound_path(parts: np.ndarray, closed: bool):
    """One matplotlib Path with a sub-path per ring/line."""
    import shapely
    from matplotlib.path import Path as MplPath

    xy, owner = shapely.get_coordinates(parts, return_index=True)
    codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
    first = np.r_[True, owner[1:] != owner[:-1]]
    codes[first] = MplPath.MOVETO
    if closed:
        last = np.r_[owner[1:] != owner[:-1], True]
        codes[last] = MplPath.CLOSEPOLY
    return MplPath(xy, codes)


def add_scale_bar(ax, lang: str) -> float:
    """A two-part black/white scale bar at the lower left; returns its length in metres.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map axes in a projected metric CRS (limits already set).
    lang : str
        ``"zh"`` (米/千米) or ``"en"`` (m/km).

    Returns
    -------
    float
        Bar length in metres (a round length of about a quarter of the width).
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w = x1 - x0
    length = max(L for L in NICE_LENGTHS_M if L <= w / 4.0) if w / 4.0 >= NICE_LENGTHS_M[0] else NICE_LENGTHS_M[0]
    bx, by, h = x0 + 0.04 * w, y0 + 0.04 * (y1 - y0), 0.012 * (y1 - y0)
    ax.add_patch(Rectangle((bx - 0.01 * w, by - 0.7 * h), length + 0.02 * w, 4.2 * h, facecolor="white", alpha=0.8, edgecolor="none", zorder=9))
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(Rectangle((bx + i * length / 2, by), length / 2, h, facecolor=colour, edgecolor="black", linewidth=0.8, zorder=10))
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    if lang == "zh":
        text = f"{length / 1000:g} 千米" if length >= 1000 else f"{length:g} 米"
    ax.text(bx + length / 2, by + 1.6 * h, text, ha="center", va="bottom", fontsize=8, zorder=10)
    ax.text(bx, by + 1.6 * h, "0", ha="center", va="bottom", fontsize=7, zorder=10)
    return float(length)


def add_north_arrow(ax, lang: str) -> None:
    """A north arrow at the upper right (UTM grid north; convergence here is under 1°).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes.
    lang : str
        ``"zh"`` or ``"en"`` (the letter above the arrow).
    """
    ax.annotate(
        label("north", lang), xy=(0.95, 0.965), xytext=(0.95, 0.86), xycoords="axes fraction",
        ha="center", va="center", fontsize=11, fontweight="bold", zorder=11,
        arrowprops=dict(facecolor="black", edgecolor="black", width=4, headwidth=11, headlength=10),
        bbox=dict(boxstyle="circle,pad=0.2", facecolor="white", edgecolor="none", alpha=0.8),
    )


def add_attribution(ax, lang: str, is_demo: bool) -> None:
    """OSM attribution (and the demo note) in the lower right corner of the map.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes.
    lang : str
        ``"zh"`` or ``"en"``.
    is_demo : bool
        Add the illustrative-data note.
    """
    text = label("common.osm_attribution", lang)
    if is_demo:
        text = label("demo_note", "zh") + "  ·  " + text
    ax.text(0.995, 0.005, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=6.5, zorder=12,
            bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.5))


def _legend(ax, handles) -> None:
    ax.legend(handles=handles, loc="upper left", fontsize=8.5, framealpha=0.9, borderpad=0.6)


def _center_handles(lang: str, stations: bool, proposals: bool) -> list:
    h = [Line2D([], [], marker="*", color="none", markerfacecolor=CENTER_COLOUR, markeredgecolor="black", markersize=12, label=label("leg_center", lang))]
    if stations:
        h.append(Line2D([], [], marker="^", color="none", markerfacecolor=STATION_COLOUR, markeredgecolor="black", markersize=7, label=label("common.red_station", lang)))
    if proposals:
        h.append(Line2D([], [], marker="P", color="none", markerfacecolor=PROPOSAL_COLOUR, markeredgecolor="white", markersize=10, label=label("leg_proposal", lang)))
    return h


def _draw_points(ax, result: CoverageResult, stations, proposals) -> None:
    if stations is not None and len(stations):
        s = stations.to_crs(result.crs)
        ax.scatter(s.geometry.x, s.geometry.y, marker="^", s=28, c=STATION_COLOUR, edgecolors="black", linewidths=0.5, zorder=7)
    c = result.centers
    ax.scatter(c.geometry.x, c.geometry.y, marker="*", s=150, c=CENTER_COLOUR, edgecolors="black", linewidths=0.6, zorder=8)
    if proposals is not None and len(proposals):
        p = proposals.to_crs(result.crs)
        pts = p.geometry.representative_point()
        ax.scatter(pts.x, pts.y, marker="P", s=120, c=PROPOSAL_COLOUR, edgecolors="white", linewidths=0.8, zorder=8)


def map_coverage(result: CoverageResult, lang: str, inputs: ReportInputs | None = None, is_demo: bool = False,
                 proposals: gpd.GeoDataFrame | None = None, proposal_reach: gpd.GeoDataFrame | None = None):
    """Map 1: centers, walking isochrones at every threshold, and gap areas.

    With ``proposals`` (and their walking reach areas ``proposal_reach``) it is the proposal map.

    Parameters
    ----------
    result : CoverageResult
        The run drawn (projected metric CRS).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs, optional
        Basemap features, network and red stations.
    is_demo : bool
        Add the illustrative-data note.
    proposals : GeoDataFrame, optional
        Proposed sites, any CRS.
    proposal_reach : GeoDataFrame, optional
        Their walking reach polygons, any CRS.

    Returns
    -------
    matplotlib.figure.Figure
    """
    inputs = inputs or ReportInputs()
    ext = map_extent(result)
    fig, ax = new_map(ext, basemap_layers(inputs, result.crs, ext))
    handles = []
    if len(result.gaps):
        result.gaps.plot(ax=ax, facecolor=GAP_COLOUR, alpha=0.30, edgecolor=GAP_COLOUR, linewidth=0.6, zorder=2)
    for _, row in dissolved_isochrones(result).iterrows():
        m = float(row["minutes"])
        colour = ISO_COLOURS.get(m, FALLBACK_ISO)
        shape = gpd.GeoSeries([row.geometry], crs=result.crs)
        if m <= result.params.minutes + 1e-9:  # within the threshold: filled
            main = abs(m - result.params.minutes) < 1e-9
            shape.plot(ax=ax, color=colour, alpha=0.6 if main else 0.7, edgecolor="#1b5e20" if main else colour,
                       linewidth=0.6, zorder=3)
            handles.append(Patch(facecolor=colour, alpha=0.65, edgecolor=colour, label=label("leg_iso", lang, m=m)))
        else:  # longer walks: outline only, so the gaps stay visible
            shape.boundary.plot(ax=ax, color=colour, linewidth=1.1, linestyle="--", zorder=4)
            handles.append(Line2D([], [], color=colour, linestyle="--", linewidth=1.1, label=label("leg_iso", lang, m=m)))
    handles.reverse()  # shortest walk first
    if len(result.gaps):
        handles.append(Patch(facecolor=GAP_COLOUR, alpha=0.30, edgecolor=GAP_COLOUR, label=label("common.coverage_gap", lang)))
    if proposal_reach is not None and len(proposal_reach):
        proposal_reach.to_crs(result.crs).plot(ax=ax, facecolor=PROPOSAL_COLOUR, alpha=0.35, edgecolor=PROPOSAL_COLOUR,
                                               linewidth=0.8, zorder=4)
        handles.append(Patch(facecolor=PROPOSAL_COLOUR, alpha=0.35, edgecolor=PROPOSAL_COLOUR,
                             label=label("leg_proposal_reach", lang, m=result.params.minutes)))
    _draw_points(ax, result, inputs.stations, proposals)
    handles += _center_handles(lang, inputs.stations is not None and len(inputs.stations) > 0, proposals is not None and len(proposals) > 0)
    _finish(ax, handles, lang, is_demo)
    return fig


def map_circles(result: CoverageResult, lang: str, inputs: ReportInputs | None = None, is_demo: bool = False):
    """Map 2: straight-line circles of the threshold against the real walking reach.

    Parameters
    ----------
    result : CoverageResult
        The run drawn (projected metric CRS).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs, optional
        Basemap features and network.
    is_demo : bool
        Add the illustrative-data note.

    Returns
    -------
    matplotlib.figure.Figure
    """
    inputs = inputs or ReportInputs()
    ext = map_extent(result, with_circles=True)
    fig, ax = new_map(ext, basemap_layers(inputs, result.crs, ext))
    m = float(result.params.minutes)
    iso = result.isochrones[np.isclose(result.isochrones["minutes"], m)]
    circ = result.circles[np.isclose(result.circles["minutes"], m)]
    colour = ISO_COLOURS.get(m, FALLBACK_ISO)
    if len(iso):
        iso.plot(ax=ax, color=colour, alpha=0.55, edgecolor="#1b5e20", linewidth=0.5, zorder=3)
    if len(circ):
        circ.boundary.plot(ax=ax, color="#283593", linewidth=1.2, linestyle="--", zorder=4)
    radius = result.params.reach_m()
    handles = [
        Line2D([], [], color="#283593", linestyle="--", linewidth=1.2, label=label("leg_circle", lang, m=m, r=radius)),
        Patch(facecolor=colour, alpha=0.55, edgecolor="#1b5e20", label=label("leg_iso", lang, m=m)),
    ]
    _draw_points(ax, result, None, None)
    handles += _center_handles(lang, False, False)
    _finish(ax, handles, lang, is_demo)
    return fig


def map_grids(result: CoverageResult, lang: str, inputs: ReportInputs | None = None, is_demo: bool = False):
    """Map 3: grids coloured by the share of residents covered (None without grids).

    Parameters
    ----------
    result : CoverageResult
        The run drawn (grids with ``population`` and ``covered_share`` 0-1).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs, optional
        Basemap features and network.
    is_demo : bool
        Add the illustrative-data note.

    Returns
    -------
    matplotlib.figure.Figure or None
    """
    if result.grids is None or not len(result.grids):
        return None
    inputs = inputs or ReportInputs()
    ext = map_extent(result)
    fig, ax = new_map(ext, basemap_layers(inputs, result.crs, ext))
    g = result.grids[result.grids["population"] > 0]
    idx = np.clip(np.digitize(g["covered_share"].fillna(0).to_numpy(), SHARE_BINS) - 1, 0, len(SHARE_COLOURS) - 1)
    g.assign(_c=np.array(SHARE_COLOURS)[idx]).plot(ax=ax, color=np.array(SHARE_COLOURS)[idx], alpha=0.7, edgecolor="#555555", linewidth=0.4, zorder=3)
    handles = [Patch(facecolor=SHARE_COLOURS[i], alpha=0.7, edgecolor="#555555",
                     label=f"{label('leg_share', lang) if i == 0 else ''} {SHARE_BINS[i] * 100:.0f}–{min(SHARE_BINS[i + 1], 1) * 100:.0f}%".strip())
               for i in range(len(SHARE_COLOURS))]
    _draw_points(ax, result, None, None)
    handles += _center_handles(lang, False, False)
    _finish(ax, handles, lang, is_demo)
    return fig


def map_workers(result: CoverageResult, workers, lang: str, inputs: ReportInputs | None = None, is_demo: bool = False):
    """Worker map: red stations and their reach, service centers, workers served / not served
    (dots sized by persons), busy streets with no station in reach (red lines).

    Parameters
    ----------
    result : CoverageResult
        The residents' run (map extent, centers; projected metric CRS).
    workers : WorkerCoverageResult
        The worker coverage run (reach, busy gaps, workers with ``weight`` and ``covered``, stations).
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs, optional
        Basemap features and network.
    is_demo : bool
        Add the illustrative-data note.

    Returns
    -------
    matplotlib.figure.Figure
    """
    inputs = inputs or ReportInputs()
    ext = map_extent(result)
    fig, ax = new_map(ext, basemap_layers(inputs, result.crs, ext))
    handles = []
    reach = workers.reach.to_crs(result.crs) if len(workers.reach) else None
    if reach is not None:
        reach.plot(ax=ax, facecolor=STATION_COLOUR, alpha=0.18, edgecolor=STATION_COLOUR, linewidth=0.4, zorder=2)
        handles.append(Patch(facecolor=STATION_COLOUR, alpha=0.25, edgecolor=STATION_COLOUR,
                             label=label("leg_station_reach", lang, r=f"{workers.radius_m:,.0f}")))
    gaps = workers.busy_gaps.to_crs(result.crs)
    if len(gaps):
        gaps.plot(ax=ax, color=GAP_COLOUR, linewidth=1.8, zorder=4)
        handles.append(Line2D([], [], color=GAP_COLOUR, linewidth=1.8, label=label("leg_busy_gap", lang)))
    w = workers.workers.to_crs(result.crs)
    size = 6 + 4 * np.sqrt(w["weight"].to_numpy(dtype=float))
    for served, colour in ((True, "#2e7d32"), (False, "#6a1b9a")):
        m = (w["covered"] == served).to_numpy()
        ax.scatter(w.geometry.x[m], w.geometry.y[m], s=size[m], c=colour, alpha=0.7, edgecolors="white", linewidths=0.3, zorder=5)
        handles.append(Line2D([], [], marker="o", color="none", markerfacecolor=colour, markeredgecolor="white", markersize=6,
                              label=label("leg_workers_served" if served else "leg_workers_unserved", lang)))
    stations = workers.stations
    _draw_points(ax, result, stations, None)
    handles += _center_handles(lang, len(stations) > 0, False)
    _finish(ax, handles, lang, is_demo)
    return fig


def _finish(ax, handles, lang: str, is_demo: bool) -> None:
    ax.set_xlabel("")  # geopandas labels the axes with the CRS's axis names
    ax.set_ylabel("")
    _legend(ax, handles)
    add_scale_bar(ax, lang)
    add_north_arrow(ax, lang)
    add_attribution(ax, lang, is_demo)
    ax.figure.tight_layout(pad=0.3)


def figure_png(fig, dpi: int = 170) -> bytes:
    """PNG bytes of ``fig`` (then closed).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (closed afterwards).
    dpi : int
        Resolution, dots per inch.

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
