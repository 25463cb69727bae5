"""Write a siting run as one GeoPackage (atomic, WGS-84): chosen sites, candidates, new reach
areas, demand and grids with coverage before/after, community table, proxy weights, metadata."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.export import software_version, write_gpkg
from analysis.siting.api import SitingResult


def siting_layers(result: SitingResult) -> dict[str, pd.DataFrame]:
    """Layers (GeoDataFrames, WGS-84) and tables (DataFrames) of a siting run.

    Parameters
    ----------
    result : SitingResult
        The run.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sites``, ``candidates``, ``isochrones``, ``demand`` and (when present) ``grids`` in
        EPSG:4326; ``community_table`` and (red stations) ``demand_weights`` without geometry.
    """
    layers: dict[str, pd.DataFrame] = dict(result.to_wgs84())
    layers["community_table"] = result.communities
    if result.weights is not None:
        layers["demand_weights"] = result.weights
    return layers


def siting_metadata(result: SitingResult, sources: dict[str, str] | None = None) -> dict[str, str]:
    """Parameters, solver evidence and data sources as text key/values.

    Parameters
    ----------
    result : SitingResult
        The run.
    sources : dict of str to str, optional
        Data sources (e.g. file names and SHA-256) added as further rows.

    Returns
    -------
    dict of str to str
        Software, time (UTC), kind, problem, threshold (metres), speed (km/h), minimum distance
        to existing sites and candidate spacing (metres), measuring CRS, notes, the summary as
        JSON (:class:`SitingSummary` plus the model's own figures from
        :meth:`~analysis.siting.solution.SitingSolution.figures`, e.g. ``covered_weight`` and
        ``covered_weight_bound`` for MCLP), a demo note for sample data, then ``sources``.
    """
    p = result.params
    s = result.summary
    meta = {
        "software": f"ServiceCircle {software_version()}",
        "created_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": result.kind,
        "problem": result.problem,
        "threshold_m": f"{s.threshold_m:g}",
        "speed_kmh": f"{p.walk.speed_kmh:g}",
        "distance": "walking network distance (not straight-line)",
        "min_distance_to_existing_m": f"{p.min_distance_to_existing_m:g}",
        "candidate_spacing_m": f"{p.spacing_m:g}",
        "measuring_crs": result.crs,
        "notes": " | ".join(n.text("en") for n in result.notes),
        "summary": json.dumps({k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                               for k, v in {**s.as_dict(), **result.solution.figures()}.items()},
                              ensure_ascii=False, default=str),
    }
    if s.is_demo:
        meta["demo_note"] = "示例数据，非真实点位 / illustrative sample data, not real sites"
    meta.update(sources or {})
    return meta


def write_siting_gpkg(result: SitingResult, path: str | Path, sources: dict[str, str] | None = None) -> Path:
    """Write the run to ``path`` (GeoPackage, replaced atomically).

    Parameters
    ----------
    result : SitingResult
        The run.
    path : str or Path
        Target ``.gpkg`` file.
    sources : dict of str to str, optional
        Data sources for the metadata table.

    Returns
    -------
    Path
        ``path`` as a :class:`Path`.
    """
    return write_gpkg(siting_layers(result), path, siting_metadata(result, sources))
