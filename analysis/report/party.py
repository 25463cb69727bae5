"""Report tables, spreadsheet, GeoPackage and map of the regional party-building outputs.

Tables (:class:`analysis.report.document.Table`) for the three lists (:mod:`analysis.lists`),
road adoption (:mod:`analysis.adoption`) and demonstration areas (:mod:`analysis.demo_area`);
:func:`write_party_xlsx` / :func:`write_party_gpkg` write them; :func:`map_adoption` draws the
adoption map offline (local OSM basemap, scale bar, north arrow, attribution).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.adoption import AdoptionResult
from analysis.lists import ListsResult
from analysis.report.document import Column, Table
from analysis.report.labels import label, plabel
from geo.messages import text
from geo.safe_io import atomic_write_path


def _t(key: str, lang: str, df: pd.DataFrame, cols: list[tuple[str, str, str]], totals=None, sheet: str | None = None) -> Table:
    title = plabel(key, lang)
    return Table(key, title, (sheet or title)[:31], df.reset_index(drop=True),
                 [Column(k, plabel(lab, lang), kind) for k, lab, kind in cols], totals)


def _cat(df: pd.DataFrame, zh_col: str, key_col: str, en_map: dict, lang: str) -> pd.Series:
    return df[zh_col] if lang == "zh" else df[key_col].map(en_map).fillna(df[key_col])


def lists_tables(res: ListsResult, lang: str = "zh") -> dict[str, Table]:
    """需求清单, 资源清单, 项目清单 and their summaries and matches, as report tables.

    Parameters
    ----------
    res : ListsResult
        The three lists (:func:`analysis.lists.build_lists`).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict of str to Table
        ``needs_by_community``, ``needs``, ``resources_by_kind``, ``resources``, ``projects``,
        ``matches`` (walking distances in metres).
    """
    from analysis.lists import CATEGORY_EN, KIND_EN

    n = pd.DataFrame(res.needs.drop(columns="geometry"))
    n = n.assign(category_t=_cat(n, "category_zh", "category", CATEGORY_EN, lang),
                 status_t=n["status_zh"] if lang == "zh" else n["status"])
    n = n.sort_values(["matched", "community", "compound"], kind="stable")
    r = res.resources.assign(kind_t=_cat(res.resources, "kind_zh", "kind", KIND_EN, lang))
    p = res.projects.assign(status_t=res.projects["status_zh"] if lang == "zh" else res.projects["status"])
    p = p.astype(object).where(p.notna(), "")
    bk = res.resources_by_kind.assign(kind_t=_cat(res.resources_by_kind, "kind_zh", "kind", KIND_EN, lang)) \
        if len(res.resources_by_kind) else res.resources_by_kind.assign(kind_t=[])
    n = n.assign(place=[" · ".join(str(x) for x in (c, k) if x is not None and x == x and str(x))
                        for c, k in zip(n["community"], n["compound"])])
    return {
        "needs_by_community": _t("t_needs_by_community", lang, res.needs_by_community, [
            ("community", "c_community", "text"), ("compound", "c_compound", "text"), ("n_needs", "c_n_needs", "int"),
            ("n_open", "c_n_open", "int"), ("n_matched", "c_n_matched", "int"), ("n_unmatched", "c_n_unmatched", "int")],
            sheet=text("report.sheet_needs_summary", lang)),
        "needs": _t("t_needs", lang, n, [
            ("need_id", "c_id", "text"), ("name", "c_need", "text"), ("category_t", "c_category", "text"),
            ("quantity", "c_quantity", "auto"), ("place", "c_place", "text"), ("status_t", "c_status", "text"),
            ("matched", "c_matched", "bool"), ("nearest_unit", "c_nearest_unit", "text"), ("nearest_m", "c_nearest_m", "int"),
            ("allocated_unit", "c_allocated_unit", "text")]),
        "resources_by_kind": _t("t_resources_by_kind", lang, bk, [
            ("kind_t", "c_kind", "text"), ("n_units", "c_n_units", "int"), ("capacity", "c_capacity", "auto"),
            ("allocated", "c_allocated", "auto"), ("unused", "c_unused", "auto"), ("capacity_unit", "c_capacity_unit", "text")],
            sheet=text("report.sheet_resources_summary", lang)),
        "resources": _t("t_resources", lang, r, [
            ("unit_name", "c_unit", "text"), ("kind_t", "c_kind", "text"), ("capacity", "c_capacity", "auto"),
            ("capacity_unit", "c_capacity_unit", "text"), ("hours", "c_hours", "text"),
            ("n_needs_within", "c_n_needs_within", "int"), ("allocated", "c_allocated", "auto"), ("unused", "c_unused", "auto")]),
        "projects": _t("t_projects", lang, p, [
            ("project_id", "c_id", "text"), ("name", "c_project", "text"), ("claimed_by", "c_claimed_by", "text"),
            ("claimed", "c_claimed", "bool"), ("unit_known", "c_unit_known", "bool"), ("community", "c_community", "text"),
            ("status_t", "c_status", "text"), ("start_date", "c_start", "text"), ("end_date", "c_end", "text")]),
        "matches": _t("t_matches", lang, res.matches, [
            ("need_id", "c_id", "text"), ("need", "c_need", "text"), ("unit_name", "c_unit", "text"),
            ("kind_zh", "c_kind", "text"), ("walk_m", "c_nearest_m", "int")],
            sheet=text("report.sheet_matches", lang)),
    }


def adoption_tables(res: AdoptionResult, lang: str = "zh") -> dict[str, Table]:
    """Per unit, per street, overlaps and rivers, as report tables (metres).

    Parameters
    ----------
    res : AdoptionResult
        Road adoption (:func:`analysis.adoption.adopt_roads`).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    dict of str to Table
        ``adoption_units``, ``adoption_streets``, ``adoption_overlaps`` and, with rivers,
        ``adoption_rivers``.
    """
    u = res.units.sort_values("adopted_m", ascending=False)
    out = {
        "adoption_units": _t("t_adoption_units", lang, u, [
            ("unit_name", "c_unit", "text"), ("adopted_m", "c_adopted_m", "int"), ("n_segments", "c_n_segments", "int"),
            ("streets", "c_streets", "text"), ("on_network", "c_on_network", "bool")],
            totals={"adopted_m": float(u["adopted_m"].sum()), "n_segments": float(u["n_segments"].sum())}),
        "adoption_streets": _t("t_adoption_streets", lang, res.streets, [
            ("street", "c_street", "text"), ("length_m", "c_length_m", "int"), ("adopted_m", "c_adopted_m", "int"),
            ("unadopted_m", "c_unadopted_m", "int"), ("adopted_share", "c_adopted_share", "pct"), ("units", "c_units", "text")],
            totals={k: float(res.streets[k].sum()) for k in ("length_m", "adopted_m", "unadopted_m")}),
        "adoption_overlaps": _t("t_adoption_overlaps", lang, res.overlaps, [
            ("unit_a", "c_unit_a", "text"), ("unit_b", "c_unit_b", "text"), ("shared_m", "c_shared_m", "int"),
            ("streets", "c_streets", "text")]),
    }
    if res.rivers is not None:
        out["adoption_rivers"] = _t("t_adoption_rivers", lang, pd.DataFrame(res.rivers.drop(columns="geometry")), [
            ("unit_name", "c_unit", "text"), ("river", "c_river", "text"), ("length_m", "c_adopted_m", "int"),
            ("distance_to_river_m", "c_to_river_m", "int")])
    return out


def demo_area_table(df: pd.DataFrame, lang: str = "zh") -> Table:
    """One row per demonstration area.

    Parameters
    ----------
    df : DataFrame
        From :func:`analysis.demo_area.demo_area_figures` (km², persons, 0-1 shares).
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    Table
    """
    return _t("t_demo_areas", lang, df, [
        ("name", "c_area", "text"), ("area_km2", "c_area_km2", "num1"), ("residents", "c_residents", "int"),
        ("households", "c_households", "int"), ("n_communities", "c_n_communities", "int"),
        ("communities", "c_communities", "text"), ("n_units", "c_n_units", "int"), ("n_centers", "c_n_centers", "int"),
        ("n_stations", "c_n_stations", "int"), ("n_demonstration_centers", "c_n_demo_centers", "int"),
        ("n_standardised_centers", "c_n_std_centers", "int"), ("share_inside", "c_share_inside", "pct"),
        ("share_outside", "c_share_outside", "pct"), ("residents_outside", "c_residents_outside", "int")])


def write_party_xlsx(tables: list[Table], path: str | Path, lang: str = "zh", is_demo: bool = False) -> Path:
    """One sheet per table (numbers as numbers), demo note and OSM attribution below each.

    Parameters
    ----------
    tables : list of Table
        The tables, one sheet each.
    path : str or Path
        The XLSX to write (its folder is created).
    lang : str
        ``"zh"`` or ``"en"``.
    is_demo : bool
        Add the illustrative-data note.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook  # here, not at the top: the report's content needs this module, not openpyxl

    from analysis.report.xlsx import write_table

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    note = f"{label('demo_note', lang)} · {label('common.osm_attribution', lang)}" if is_demo else label("common.osm_attribution", lang)
    for t in tables:
        write_table(wb, t, lang, used, note)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write_path(path) as tmp:
        wb.save(tmp)
    return path


def lists_layers(res: ListsResult, units: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """GeoPackage layers: needs (points), resources (at their unit), projects, matches.

    Parameters
    ----------
    res : ListsResult
        The three lists.
    units : GeoDataFrame
        The units layer the lists were built from (its geometry places the resources).

    Returns
    -------
    dict of str to DataFrame
        ``needs_list``, ``resources_list`` (in ``units``' CRS), ``projects_list``, ``needs_matches``.
    """
    u = units.reset_index(drop=True)
    uid = u["id"].astype(str) if "id" in u.columns else pd.Series([f"U{i + 1:03d}" for i in range(len(u))])
    geom = dict(zip(uid, u.geometry.values))
    r = gpd.GeoDataFrame(res.resources, geometry=[geom.get(k) for k in res.resources["unit_id"]], crs=units.crs)
    return {"needs_list": res.needs, "resources_list": r, "projects_list": res.projects, "needs_matches": res.matches}


def adoption_layers(res: AdoptionResult) -> dict[str, pd.DataFrame]:
    """GeoPackage layers: adopted segments per unit, unadopted pieces, streets, overlaps, rivers.

    Parameters
    ----------
    res : AdoptionResult
        Road adoption (layers in the network's projected metric CRS).

    Returns
    -------
    dict of str to DataFrame
        ``adopted_segments``, ``unadopted_segments``, ``adoption_units``, ``adoption_streets``,
        ``adoption_overlaps`` and, with rivers, ``adopted_rivers`` and ``river_summary``.
    """
    out = {"adopted_segments": res.segments, "unadopted_segments": res.unadopted, "adoption_units": res.units,
           "adoption_streets": res.streets, "adoption_overlaps": res.overlaps}
    if res.rivers is not None:
        out["adopted_rivers"] = res.rivers
        out["river_summary"] = res.river_summary
    return out


def write_party_gpkg(layers: dict[str, pd.DataFrame], path: str | Path, metadata: dict[str, str]) -> Path:
    """Write the layers (WGS-84) and a metadata table into one GeoPackage, atomically.

    Parameters
    ----------
    layers : dict of str to DataFrame
        Layer name -> layer or table.
    path : str or Path
        The GeoPackage to write.
    metadata : dict of str to str
        Rows of the ``metadata`` table.

    Returns
    -------
    Path
        ``path``.
    """
    from analysis.export import write_gpkg

    return write_gpkg(layers, path, metadata)


def map_adoption(res: AdoptionResult, units: gpd.GeoDataFrame, lang: str = "zh", inputs=None,
                 area: gpd.GeoDataFrame | None = None, is_demo: bool = False, rivers: gpd.GeoDataFrame | None = None):
    """Adopted segments (one colour per unit), unadopted streets, units, rivers (all river lines in
    light blue when ``rivers`` is given); A4-width figure.

    Parameters
    ----------
    res : AdoptionResult
        Road adoption (its CRS is the map's, metres).
    units : GeoDataFrame
        The units, any CRS with a known datum.
    lang : str
        ``"zh"`` or ``"en"``.
    inputs : ReportInputs, optional
        Basemap features and network.
    area : GeoDataFrame, optional
        Demonstration areas drawn as dashed outlines, any CRS.
    is_demo : bool
        Add the illustrative-data note.
    rivers : GeoDataFrame, optional
        River lines, any CRS.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib
    from matplotlib.lines import Line2D

    from analysis.report.basemap import basemap_layers
    from analysis.report.staticmap import add_attribution, add_north_arrow, add_scale_bar, fit_ratio, new_map

    crs = res.crs
    u = units.to_crs(crs)
    parts = [res.segments.total_bounds, u.total_bounds]
    if area is not None and len(area):
        parts.append(area.to_crs(crs).total_bounds)
    b = np.array(parts, dtype=float)
    minx, miny, maxx, maxy = np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3])
    pad = 0.05 * max(maxx - minx, maxy - miny, 300.0)
    ext = fit_ratio((minx - pad, miny - pad, maxx + pad, maxy + pad), 0.7, 1.2)
    fig, ax = new_map(ext, basemap_layers(inputs, crs, ext))
    fig.set_size_inches(7.0, 7.0 * (ext[3] - ext[1]) / (ext[2] - ext[0]))
    handles = []
    if rivers is not None and len(rivers):
        rivers.to_crs(crs).plot(ax=ax, color="#90caf9", linewidth=2.0, zorder=2)
    if area is not None and len(area):
        area.to_crs(crs).boundary.plot(ax=ax, color="#6a1b9a", linewidth=1.4, linestyle="--", zorder=3)
        handles.append(Line2D([], [], color="#6a1b9a", linestyle="--", linewidth=1.4, label=plabel("leg_area", lang)))
    if len(res.unadopted):
        res.unadopted.plot(ax=ax, color="#9e9e9e", linewidth=1.6, zorder=4)
        handles.append(Line2D([], [], color="#9e9e9e", linewidth=1.6, label=plabel("leg_unadopted", lang)))
    if len(res.segments):
        codes, _ = pd.factorize(res.segments["unit_id"])
        cmap = matplotlib.colormaps["tab20"]
        res.segments.plot(ax=ax, color=[cmap(c % 20) for c in codes], linewidth=3.2, zorder=5)
        handles.append(Line2D([], [], color=cmap(0), linewidth=3.2, label=plabel("leg_adopted", lang)))
    if res.rivers is not None and len(res.rivers):
        res.rivers.plot(ax=ax, color="#0d47a1", linewidth=3.0, zorder=5)
        handles.append(Line2D([], [], color="#0d47a1", linewidth=3.0, label=plabel("leg_river_adopted", lang)))
    ax.scatter(u.geometry.representative_point().x, u.geometry.representative_point().y, s=22, c="#c62828",
               edgecolors="white", linewidths=0.6, zorder=7)
    handles.append(Line2D([], [], marker="o", color="none", markerfacecolor="#c62828", markeredgecolor="white",
                          markersize=6, label=plabel("leg_unit", lang)))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    add_scale_bar(ax, lang)
    add_north_arrow(ax, lang)
    add_attribution(ax, lang, is_demo)
    ax.set_title(plabel("map_adoption", lang) + f"（{res.distance_m:g} 米）" if lang == "zh"
                 else plabel("map_adoption", lang) + f" ({res.distance_m:g} m)", fontsize=11)
    fig.tight_layout(pad=0.3)
    return fig
