"""党建导引图 (party-building guide map): one printable A3 landscape page (PDF + PNG) of an area.

Ningbo Baizhang: "1+20" positions (阵地) on one guide map. The page has a map (local OSM basemap,
no tiles) with numbered markers — service centers, red stations, then other positions (resident
units sharing a venue or meeting room, 共建阵地) inside the area — the walking areas of the
centers (isochrones along the walking network), the area boundary, street names, a scale bar, a
north arrow and the OSM attribution; beside it the numbered list with names, addresses and hours.
Chinese by default. Text is real PDF text (WeasyPrint, the pinned CJK font), the map an image at
200 dpi; the PNG is the PDF page rendered by ``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage import CoverageResult
from analysis.report.fonts import CSS_FONT_STACK, cjk_font
from analysis.report.labels import label, plabel
from analysis.report.sections import esc
from geo.messages import both, text
from geo.safe_io import atomic_write_bytes, atomic_write_path
from geo.errors import LayerError, ServiceCircleError

#: A3 landscape, millimetres
PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 420.0, 297.0, 10.0
MAP_MM = PAGE_H_MM - 2 * MARGIN_MM - 10.0  # square map frame, a footer line below
MAP_DPI = 200
KIND_STYLE = {  # marker face colour, edge colour
    "center": ("#c62828", "white"),
    "station": ("#ef6c00", "white"),
    "position": ("#1565c0", "white"),
}
WALK_COLOUR = "#66bd63"
#: kinds of resources that make a unit a position (阵地) on the guide map
POSITION_KINDS = ("venue", "meeting_room", "sports", "teaching")


class GuideMapError(ServiceCircleError):
    """The guide map cannot be made (e.g. pdftoppm missing for the PNG)."""


@dataclass(frozen=True)
class GuideMap:
    """The page's content: markers (numbered), the area, the walking areas, the title."""

    title: str
    area_name: str
    markers: pd.DataFrame       # no, kind, name, address, hours, x, y (metres, ``crs``)
    area: object                # shapely polygon (``crs``)
    walk: object | None         # dissolved walking area of the threshold (``crs``)
    crs: str
    minutes: float
    speed_kmh: float
    is_demo: bool
    lang: str
    facts: tuple[tuple[str, str], ...] = ()   # (label, value) lines of the area's figures


def spread_markers(x: np.ndarray, y: np.ndarray, min_dist: float) -> tuple[np.ndarray, np.ndarray]:
    """Marker positions nudged apart so that no two are closer than ``min_dist`` (map units);
    a marker moves onto a ring around its true position (8 directions, then a wider ring).

    Parameters
    ----------
    x, y : numpy.ndarray of float
        True marker positions (projected metric CRS, metres), in drawing order.
    min_dist : float
        Smallest distance between two markers, metres.

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The drawn x and y; a marker with no free place within 3.3 × ``min_dist`` stays where it is.
    """
    px, py = x.astype(float).copy(), y.astype(float).copy()
    angles = np.radians([45, 135, 225, 315, 90, 270, 0, 180])
    for i in range(len(px)):
        def clash(xx, yy):
            return i > 0 and bool((np.hypot(px[:i] - xx, py[:i] - yy) < min_dist).any())
        if not clash(px[i], py[i]):
            continue
        for r in (1.1 * min_dist, 2.2 * min_dist, 3.3 * min_dist):
            cand = [(x[i] + r * np.cos(a), y[i] + r * np.sin(a)) for a in angles]
            free = [c for c in cand if not clash(*c)]
            if free:
                px[i], py[i] = free[0]
                break
    return px, py


def _points_inside(layer: gpd.GeoDataFrame | None, area, crs: str, margin_m: float = 0.0) -> gpd.GeoDataFrame | None:
    if layer is None or not len(layer):
        return None
    g = layer.to_crs(crs)
    pts = g.geometry.representative_point()
    keep = pts.within(area.buffer(margin_m) if margin_m else area)
    return g[keep.to_numpy()].assign(_x=pts[keep].x.to_numpy(), _y=pts[keep].y.to_numpy())


def _text(row, col: str) -> str:
    v = row.get(col) if hasattr(row, "get") else None
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    return str(v)


def guide_map_content(area: gpd.GeoDataFrame, result: CoverageResult, *, stations: gpd.GeoDataFrame | None = None,
                      units: gpd.GeoDataFrame | None = None, lang: str = "zh", is_demo: bool = False,
                      figures: pd.DataFrame | None = None) -> GuideMap:
    """Markers and shapes of the guide map of the first area in ``area`` (any CRS).

    Numbering: centers, then red stations, then units offering a venue, meeting room, sports
    facility or teaching (共建阵地), each group west to east in rows from north to south.
    Walking areas: ``result.isochrones`` at the run's threshold, of every center. ``figures``:
    the area's row of :func:`analysis.demo_area.demo_area_figures` for the facts box.

    Parameters
    ----------
    area : GeoDataFrame
        Demonstration areas (the first one is drawn; optional ``name``), any CRS with a known datum.
    result : CoverageResult
        The coverage run (centers, isochrones, threshold minutes, speed km/h; projected metric CRS).
    stations : GeoDataFrame, optional
        Red stations, any CRS.
    units : GeoDataFrame, optional
        Resident units with ``offers`` (and ``name``, ``address``, ``offer_hours``), any CRS.
    lang : str
        ``"zh"`` or ``"en"``.
    is_demo : bool
        Label the map as illustrative data.
    figures : DataFrame, optional
        See above.

    Returns
    -------
    GuideMap
        Numbered markers (``no``, ``kind``, ``name``, ``address``, ``hours``, ``x``, ``y`` in the
        run's CRS), the area polygon and walking area in that CRS, and the facts lines.

    Raises
    ------
    geo.errors.LayerError
        When no area is given.
    """
    crs = result.crs
    if area is None or not len(area):
        raise LayerError(both("error.guide_map_needs_area"))
    a = area.to_crs(crs)
    poly = a.geometry.iloc[0]
    name = str(a["name"].iloc[0]) if "name" in a.columns else ""
    rows = []
    groups = [("center", _points_inside(result.centers, poly, crs)), ("station", _points_inside(stations, poly, crs))]
    if units is not None and len(units):
        from analysis.lists import resource_table

        res, _ = resource_table(units.reset_index(drop=True))
        keep = sorted(set(res.loc[res["kind"].isin(POSITION_KINDS), "unit_row"]))
        groups.append(("position", _points_inside(units.reset_index(drop=True).iloc[keep], poly, crs)))
    for kind, g in groups:
        if g is None or not len(g):
            continue
        g = g.assign(_row=np.round(-g["_y"] / 250.0)).sort_values(["_row", "_x"])  # reading order
        for _, r in g.iterrows():
            hours = _text(r, "opening_hours") or _text(r, "offer_hours")
            rows.append({"kind": kind, "name": _text(r, "name"), "address": _text(r, "address"), "hours": hours,
                         "x": float(r["_x"]), "y": float(r["_y"])})
    markers = pd.DataFrame(rows, columns=["kind", "name", "address", "hours", "x", "y"])
    markers.insert(0, "no", np.arange(1, len(markers) + 1))
    iso = result.isochrones
    m = float(result.params.minutes)
    walk = None
    if iso is not None and len(iso):
        sel = iso[np.isclose(iso["minutes"], m)]
        if len(sel):
            walk = shapely.union_all(sel.geometry.values)
    return GuideMap(plabel("guide_title", lang, area=name), name, markers, poly, walk, crs, m,
                    float(result.params.speed_kmh), is_demo, lang, _facts(figures, m, lang))


def _facts(figures: pd.DataFrame | None, minutes: float, lang: str) -> tuple[tuple[str, str], ...]:
    if figures is None or not len(figures):
        return ()
    r = figures.iloc[0]
    zh = lang == "zh"
    hh = "—" if r["households"] != r["households"] else f"{r['households']:,.0f}"
    pct = (lambda x: "—" if x != x else f"{x * 100:.1f}%")
    return (
        (plabel("c_area_km2", lang), f"{r['area_km2']:.2f}"),
        (plabel("c_residents", lang) + (" / " + plabel("c_households", lang)), f"{r['residents']:,.0f} / {hh}"),
        (plabel("c_n_communities", lang), f"{r['n_communities']}" + (f"（{r['communities']}）" if zh and r["communities"] else "")),
        (plabel("guide_n_units", lang), f"{r['n_units']}"),
        (text("report.demo_centers_by_type_label", lang),
         text("report.demo_centers_by_type", lang, n_centers=r['n_centers'], n_demo=r['n_demonstration_centers'], n_std=r['n_standardised_centers'])),
        (text("report.demo_covered_inside_outside", lang, minutes=minutes),
         f"{pct(r['share_inside'])} / {pct(r['share_outside'])}"),
    )


def _street_labels(ax, streets: gpd.GeoDataFrame, extent, fontsize: float) -> None:
    """One label per street name (longest piece inside the frame, rotated along it)."""
    from analysis.adoption import UNNAMED_ZH, street_label

    if streets is None or not len(streets) or "name" not in streets.columns:
        return
    s = streets[streets["name"].astype(str).str.strip() != ""]
    s = s.assign(label=s["name"].map(street_label), len_=s.geometry.length)
    s = s[(s["label"] != UNNAMED_ZH) & (s["len_"] >= 120)]
    best = s.sort_values("len_", ascending=False).drop_duplicates("label").head(40)
    for _, r in best.iterrows():
        line = r.geometry
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        p = line.interpolate(0.5, normalized=True)
        a, b = line.interpolate(0.45, normalized=True), line.interpolate(0.55, normalized=True)
        ang = np.degrees(np.arctan2(b.y - a.y, b.x - a.x))
        if ang > 90:
            ang -= 180
        elif ang < -90:
            ang += 180
        ax.text(p.x, p.y, r["label"], fontsize=fontsize, color="#5d4037", rotation=ang, rotation_mode="anchor",
                ha="center", va="center", zorder=6,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.7))


def render_map_png(gm: GuideMap, inputs=None, dpi: int = MAP_DPI) -> bytes:
    """The square map frame as PNG (``MAP_MM`` wide at ``dpi``).

    Parameters
    ----------
    gm : GuideMap
        The guide map's content.
    inputs : ReportInputs, optional
        Basemap features and network.
    dpi : int
        Resolution, dots per inch.

    Returns
    -------
    bytes
        PNG.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysis.report.basemap import basemap_layers
    from analysis.report.staticmap import add_north_arrow, add_scale_bar, figure_png, new_map

    minx, miny, maxx, maxy = gm.area.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = max(maxx - minx, maxy - miny) / 2 * 1.12 + 60
    ext = (cx - half, cy - half, cx + half, cy + half)
    layers = basemap_layers(inputs, gm.crs, ext)
    fig, ax = new_map(ext, layers)
    size_in = MAP_MM / 25.4
    fig.set_size_inches(size_in, size_in)
    if "streets" in layers:  # streets a little stronger than on report maps: a wall map is read from afar
        layers["streets"].plot(ax=ax, color="#b0a9a0", linewidth=1.1, zorder=1.5)
    box = shapely.box(*ext)
    handles = []
    if gm.walk is not None:
        walk = gpd.GeoSeries([gm.walk.intersection(box)], crs=gm.crs)
        walk.plot(ax=ax, color=WALK_COLOUR, alpha=0.22, edgecolor="#1b5e20", linewidth=0.8, zorder=2)
        handles.append(Patch(facecolor=WALK_COLOUR, alpha=0.35, edgecolor="#1b5e20",
                             label=plabel("guide_walk", gm.lang, m=gm.minutes)))
    gpd.GeoSeries([gm.area], crs=gm.crs).boundary.plot(ax=ax, color="#b71c1c", linewidth=2.2, linestyle=(0, (6, 3)), zorder=4)
    handles.append(Line2D([], [], color="#b71c1c", linewidth=2.2, linestyle=(0, (6, 3)), label=plabel("guide_boundary", gm.lang)))
    _street_labels(ax, layers.get("streets"), ext, fontsize=8)
    ms = 17 if len(gm.markers) <= 30 else 13
    marker_m = ms / 72 * 25.4 / MAP_MM * (ext[2] - ext[0])      # marker diameter in metres
    mk = gm.markers.copy()
    if len(mk):
        mk["px"], mk["py"] = spread_markers(mk["x"].to_numpy(), mk["y"].to_numpy(), 1.05 * marker_m)
        moved = (mk["px"] != mk["x"]) | (mk["py"] != mk["y"])
        for _, r in mk[moved].iterrows():  # leader line from the true position, and a small dot there
            ax.plot([r["x"], r["px"]], [r["y"], r["py"]], color="#424242", linewidth=0.9, zorder=7)
            ax.scatter([r["x"]], [r["y"]], s=10, c=KIND_STYLE[r["kind"]][0], edgecolors="white", linewidths=0.5, zorder=7)
    for kind in ("center", "station", "position"):
        sub = mk[mk["kind"] == kind].assign(x=lambda d: d["px"], y=lambda d: d["py"]) if len(mk) else mk
        face, edge = KIND_STYLE[kind]
        if len(sub):
            ax.scatter(sub["x"], sub["y"], s=ms ** 2, c=face, edgecolors=edge, linewidths=1.6, zorder=8,
                       marker="s" if kind == "center" else "o")
            for _, r in sub.iterrows():
                ax.text(r["x"], r["y"], str(int(r["no"])), color="white", fontsize=9 if r["no"] < 10 else 8,
                        fontweight="bold", ha="center", va="center", zorder=9)
        handles.append(Line2D([], [], marker="s" if kind == "center" else "o", color="none", markerfacecolor=face,
                              markeredgecolor=edge, markersize=11, label=plabel(f"guide_{kind}", gm.lang)))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.legend(handles=handles, loc="upper left", fontsize=10, framealpha=0.92, borderpad=0.8)
    add_scale_bar(ax, gm.lang)
    add_north_arrow(ax, gm.lang)
    text = label("common.osm_attribution", gm.lang)
    if gm.is_demo:
        text = label("demo_note", "zh") + "  ·  " + text
    ax.text(0.995, 0.005, text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, zorder=12,
            bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=2))
    fig.subplots_adjust(0, 0, 1, 1)
    return figure_png(fig, dpi=dpi)


def guide_map_html(gm: GuideMap, map_png: bytes, date: str | None = None) -> str:
    """The A3 page as HTML (WeasyPrint): map left, title and numbered list right, footer.

    Parameters
    ----------
    gm : GuideMap
        The guide map's content.
    map_png : bytes
        The map frame from :func:`render_map_png`.
    date : str, optional
        Date in the footer (today by default, ISO format).

    Returns
    -------
    str
        The HTML document (A3 landscape page).
    """
    lang = gm.lang
    date = date or dt.date.today().isoformat()
    img = base64.b64encode(map_png).decode("ascii")
    items = []
    for kind in ("center", "station", "position"):
        sub = gm.markers[gm.markers["kind"] == kind]
        if not len(sub):
            continue
        face, _ = KIND_STYLE[kind]
        count = text("party.guide_count", lang, n=len(sub))
        items.append(f'<h3><span class="dot {kind}" style="background:{face}"></span>{esc(plabel(f"guide_{kind}", lang))}'
                     f'{count}</h3><ol class="list">')
        for _, r in sub.iterrows():
            extra = " · ".join(x for x in (r["address"], (plabel("guide_hours", lang) + " " + r["hours"]) if r["hours"] else "") if x)
            items.append(f'<li value="{int(r["no"])}"><span class="no" style="background:{face}">{int(r["no"])}</span>'
                         f'<b>{esc(r["name"])}</b><br><span class="addr">{esc(extra)}</span></li>')
        items.append("</ol>")
    demo = f'<p class="demo">{esc(label("demo_note", lang))}</p>' if gm.is_demo else ""
    facts = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in gm.facts)
    facts = f'<h2>{esc(plabel("guide_facts", lang))}</h2><table class="facts">{facts}</table>' if facts else ""
    title_html = (f'{esc(gm.area_name)}<br><span class="sub">{esc(plabel("guide_title_short", lang))}</span>'
                  if gm.area_name else esc(gm.title))
    footer = plabel("guide_footer", lang, s=gm.speed_kmh, date=date) + " · " + label("common.osm_attribution", lang)
    list_title = plabel("guide_list", lang)
    return f"""<!DOCTYPE html><html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{esc(gm.title)}</title><style>
@page {{ size: A3 landscape; margin: {MARGIN_MM}mm; }}
body {{ font-family: {CSS_FONT_STACK}; margin: 0; color: #212121; }}
.wrap {{ display: flex; gap: 7mm; }}
.map {{ width: {MAP_MM}mm; height: {MAP_MM}mm; border: 0.6mm solid #424242; flex: none; }}
.map img {{ width: 100%; height: 100%; display: block; }}
.side {{ flex: 1; overflow: hidden; }}
h1 {{ font-size: 20pt; color: #b71c1c; margin: 0 0 1mm 0; line-height: 1.25; }}
h1 .sub {{ font-size: {'26pt; letter-spacing: 1.5mm' if lang == 'zh' else '20pt'}; }}
table.facts {{ border-collapse: collapse; font-size: 9pt; width: 100%; }}
table.facts th {{ text-align: left; font-weight: normal; color: #616161; padding: 0.4mm 2mm 0.4mm 0; width: 38%; }}
table.facts td {{ padding: 0.4mm 0; font-weight: bold; }}
h2 {{ font-size: 12pt; margin: 3mm 0 1mm 0; border-bottom: 0.4mm solid #b71c1c; padding-bottom: 1mm; }}
h3 {{ font-size: 10.5pt; margin: 2.2mm 0 0.8mm 0; }}
.dot {{ display: inline-block; width: 3.2mm; height: 3.2mm; border-radius: 50%; margin-right: 1.5mm; vertical-align: -0.3mm; }}
.dot.center {{ border-radius: 0.6mm; }}
ol.list {{ list-style: none; margin: 0; padding: 0; }}
ol.list li {{ font-size: 8.6pt; line-height: 1.3; margin: 0 0 1.1mm 0; padding-left: 7mm; position: relative; }}
.no {{ position: absolute; left: 0; top: 0.2mm; width: 5.2mm; height: 5.2mm; border-radius: 50%; color: white;
       font-size: 7.5pt; font-weight: bold; text-align: center; line-height: 5.2mm; }}
.addr {{ color: #616161; font-size: 7.8pt; }}
.demo {{ color: #b71c1c; font-weight: bold; font-size: 9pt; margin: 1mm 0; }}
.footer {{ font-size: 8pt; color: #616161; margin-top: 2mm; }}
</style></head><body>
<div class="wrap"><div class="map"><img src="data:image/png;base64,{img}" alt="map"></div>
<div class="side"><h1>{title_html}</h1>{demo}{facts}<h2>{esc(list_title)}</h2>{''.join(items)}</div></div>
<div class="footer">{esc(footer)}</div>
</body></html>"""


def pdf_to_png(pdf: Path, png: Path, dpi: int = 100) -> Path:
    """First page of ``pdf`` as PNG with ``pdftoppm`` (poppler-utils), written atomically.

    Parameters
    ----------
    pdf : Path
        The PDF.
    png : Path
        The PNG to write.
    dpi : int
        Resolution, dots per inch.

    Returns
    -------
    Path
        ``png``.

    Raises
    ------
    GuideMapError
        When ``pdftoppm`` is not installed.
    """
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise GuideMapError(both("error.guide_map_no_pdftoppm"))
    with tempfile.TemporaryDirectory(prefix="sc_guide_") as tmp:
        stem = Path(tmp) / "page"
        subprocess.run([exe, "-png", "-r", str(dpi), "-singlefile", "-f", "1", "-l", "1", str(pdf), str(stem)],
                       check=True, capture_output=True, timeout=120)
        atomic_write_bytes(png, (Path(tmp) / "page.png").read_bytes())
    return png


def write_guide_map(gm: GuideMap, out_dir: str | Path, inputs=None, stem: str = "guide_map",
                    date: str | None = None, png_dpi: int = 100) -> dict[str, Path]:
    """Write ``<stem>_<lang>.pdf`` (A3 landscape) and ``<stem>_<lang>.png`` (the page at ``png_dpi``).

    Parameters
    ----------
    gm : GuideMap
        The guide map's content.
    out_dir : str or Path
        Output folder (created when missing).
    inputs : ReportInputs, optional
        Basemap features and network.
    stem : str
        Start of the file names.
    date : str, optional
        Date in the footer (today by default).
    png_dpi : int
        Resolution of the PNG, dots per inch.

    Returns
    -------
    dict of str to Path
        ``{"pdf": ..., "png": ...}``.

    Raises
    ------
    analysis.report.fonts.FontMissingError
        When no CJK font is installed.
    GuideMapError
        When ``pdftoppm`` is missing (the PDF is written).
    """
    from weasyprint import HTML

    cjk_font()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / f"{stem}_{gm.lang}.pdf"
    html = guide_map_html(gm, render_map_png(gm, inputs), date)
    with atomic_write_path(pdf) as tmp:
        HTML(string=html, base_url=None).write_pdf(str(tmp))
    png = pdf_to_png(pdf, out / f"{stem}_{gm.lang}.png", png_dpi)
    return {"pdf": pdf, "png": png}
