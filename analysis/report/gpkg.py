"""GeoPackage of a report: every layer of the run (WGS-84) plus a ``metadata`` table.

Builds on ``analysis.export`` (the run's layers and metadata); adds the report's context layers
(red stations, candidate sites, proposed sites) and the report's sources, dates and language.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.coverage import CoverageResult
from analysis.export import coverage_layers, run_metadata, write_gpkg
from analysis.report.document import ReportContent
from analysis.report.inputs import ReportInputs


def report_layers(result: CoverageResult, inputs: ReportInputs | None = None,
                  siting_layers: dict[str, gpd.GeoDataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Layers to write: the run's layers, red stations, candidates and siting layers when given.

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    inputs : ReportInputs, optional
        Red stations, candidates and worker coverage.
    siting_layers : dict of str to GeoDataFrame, optional
        Proposal layers by name (empty ones skipped).

    Returns
    -------
    dict of str to DataFrame
        Layer name -> layer (run layers in EPSG:4326; others as given, reprojected when written).
    """
    inputs = inputs or ReportInputs()
    layers = dict(coverage_layers(result))
    if inputs.stations is not None and len(inputs.stations):
        layers["stations"] = inputs.stations
    if inputs.candidates is not None and len(inputs.candidates):
        layers["candidates"] = inputs.candidates
    if inputs.workers is not None:
        from analysis.worker_export import worker_layers

        layers.update(worker_layers(inputs.workers))
    for name, gdf in (siting_layers or {}).items():
        if gdf is not None and len(gdf):
            layers[name] = gdf
    return layers


def report_metadata(result: CoverageResult, content: ReportContent) -> dict[str, str]:
    """Parameters, data sources with dates, study area, report date, language, software version.

    Parameters
    ----------
    result : CoverageResult
        The coverage run (parameters and summary).
    content : ReportContent
        The report content (title, area, date, language, sources and parameter tables).

    Returns
    -------
    dict of str to str
    """
    meta = run_metadata(result)
    meta.update({
        "report_title": content.title,
        "study_area": content.study_area,
        "report_date": content.date,
        "report_language": content.lang,
        "report_software": content.software,
        "osm_attribution": "© OpenStreetMap contributors, ODbL 1.0",
    })
    for _, row in content.sources.df.iterrows():
        meta[f"source: {row['name']}"] = " | ".join(str(x) for x in (row["date"], row["note"]) if str(x))
    for _, row in content.params.df.iterrows():
        meta[f"parameter: {row['item']}"] = str(row["value"])
    return meta


def write_report_gpkg(result: CoverageResult, content: ReportContent, path: str | Path,
                      inputs: ReportInputs | None = None,
                      siting_layers: dict[str, gpd.GeoDataFrame] | None = None) -> Path:
    """Write the GeoPackage to ``path`` atomically (with the party-building layers when present).

    Parameters
    ----------
    result : CoverageResult
        The coverage run.
    content : ReportContent
        The report content.
    path : str or Path
        The GeoPackage to write.
    inputs : ReportInputs, optional
        Context layers (see :func:`report_layers`).
    siting_layers : dict of str to GeoDataFrame, optional
        Proposal layers by name.

    Returns
    -------
    Path
        ``path``.
    """
    layers = report_layers(result, inputs, siting_layers)
    if content.party is not None:
        layers.update(content.party.layers)
    return write_gpkg(layers, path, report_metadata(result, content))
