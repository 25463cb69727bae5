"""All report figures as PNG bytes (maps and charts), drawn once and shared by PDF and HTML."""

from __future__ import annotations

import geopandas as gpd

from analysis.coverage import CoverageResult
from analysis.report.document import ReportContent
from analysis.report.inputs import ReportInputs

DPI = 150


def build_figures(result: CoverageResult, content: ReportContent, inputs: ReportInputs | None = None,
                  proposals: gpd.GeoDataFrame | None = None, after: CoverageResult | None = None,
                  proposal_reach: gpd.GeoDataFrame | None = None, dpi: int = DPI) -> dict[str, bytes | None]:
    """PNG bytes by key: map_coverage, map_circles, map_grids (None without grids), chart_curve,
    chart_hist, and map_siting when ``proposals`` (proposed sites) are given (drawn on the
    ``after`` run's isochrones and gaps when it is given, else with ``proposal_reach``, the new
    sites' walking reach areas). With worker coverage in ``inputs``: map_workers; with road
    adoption in the content and party layers in ``inputs``: map_adoption.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (projected metric CRS).
    content : ReportContent
        The report content (language, demo flag, curve and histogram tables, party section).
    inputs : ReportInputs, optional
        Basemap features, network, worker coverage and party layers.
    proposals : GeoDataFrame, optional
        Proposed sites (points).
    after : CoverageResult, optional
        The coverage run with the proposed sites.
    proposal_reach : GeoDataFrame, optional
        Walking reach polygons of the new sites (projected metric CRS).
    dpi : int
        Resolution of the PNGs, dots per inch.

    Returns
    -------
    dict of str to bytes or None
    """
    from analysis.report import charts, staticmap  # matplotlib: imported only when figures are drawn

    lang, demo = content.lang, content.is_demo
    m = result.params.minutes
    grids = staticmap.map_grids(result, lang, inputs, demo)
    out = {
        "map_coverage": staticmap.figure_png(staticmap.map_coverage(result, lang, inputs, demo), dpi),
        "map_circles": staticmap.figure_png(staticmap.map_circles(result, lang, inputs, demo), dpi),
        "map_grids": staticmap.figure_png(grids, dpi) if grids is not None else None,
        "chart_curve": staticmap.figure_png(charts.chart_curve(content, m), dpi),
        "chart_hist": staticmap.figure_png(charts.chart_histogram(content, m), dpi),
    }
    if inputs is not None and inputs.workers is not None:
        out["map_workers"] = staticmap.figure_png(staticmap.map_workers(result, inputs.workers, lang, inputs, demo), dpi)
    party = getattr(content, "party", None)
    if party is not None and party.adoption is not None and inputs is not None and inputs.party is not None:
        from analysis.report.party import map_adoption

        out["map_adoption"] = staticmap.figure_png(map_adoption(
            party.adoption, inputs.party.units, lang, inputs, area=inputs.party.demo_areas,
            is_demo=demo or inputs.party.is_demo, rivers=inputs.party.rivers), dpi)
    if proposals is not None and len(proposals):
        out["map_siting"] = staticmap.figure_png(staticmap.map_coverage(
            after if after is not None else result, lang, inputs, demo, proposals=proposals,
            proposal_reach=None if after is not None else proposal_reach), dpi)
    return out
