"""Worker coverage as files: GeoPackage layers and metadata, and a plain-text summary by group."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.export import software_version, write_gpkg
from analysis.worker_coverage import WorkerCoverageResult
from geo.messages import text


def worker_layers(r: WorkerCoverageResult) -> dict[str, pd.DataFrame]:
    """Layers (WGS-84) and tables of a worker coverage run, keyed by GeoPackage layer name.

    Parameters
    ----------
    r : WorkerCoverageResult
        A worker coverage run.

    Returns
    -------
    dict of str to DataFrame
        ``worker_workers``, ``worker_stations``, ``worker_busy_gaps``, ``worker_reach`` (EPSG:4326),
        ``worker_groups``, ``worker_busy_streets`` and, when known, ``worker_weights``.
    """
    layers: dict[str, pd.DataFrame] = {f"worker_{k}": v for k, v in r.to_wgs84().items()}
    layers["worker_groups"] = r.groups
    layers["worker_busy_streets"] = r.busy_streets
    if r.weights is not None:
        layers["worker_weights"] = r.weights
    return layers


def worker_metadata(r: WorkerCoverageResult, sources: dict[str, str] | None = None) -> dict[str, str]:
    """Assumptions and headline figures as key/value text.

    Parameters
    ----------
    r : WorkerCoverageResult
        A worker coverage run.
    sources : dict of str to str, optional
        Data sources (file names) added as they are.

    Returns
    -------
    dict of str to str
        Reach (network metres), assumptions, workers (persons), covered share (0-1), busy streets
        not reached (metres), demo flag, software version and ``sources``.
    """
    s = r.summary
    meta = {
        "analysis": "red-station coverage of outdoor workers (红色驿站服务户外劳动者)",
        "software": software_version(),
        "reach_m": f"{s.radius_m:g}",
        "reach_note": "network metres from a red station; an assumption of this product (documents give none)",
        "busy_streets": "OSM highway trunk/primary/secondary/tertiary and their links",
        "worker_weights": "persons: OSM estimate per feature (worker_weights table) or the planner's counts",
        "total_workers": f"{s.total_workers:.1f}", "covered_workers": f"{s.covered_workers:.1f}",
        "covered_share": f"{s.covered_share:.4f}", "n_stations": str(s.n_stations),
        "busy_uncovered_m": f"{s.busy_uncovered_m:.0f}", "is_demo": str(s.is_demo),
    }
    meta.update(sources or {})
    return meta


def write_worker_gpkg(r: WorkerCoverageResult, path: str | Path, sources: dict[str, str] | None = None) -> Path:
    """Write the worker layers, tables and metadata to ``path`` atomically.

    Parameters
    ----------
    r : WorkerCoverageResult
        A worker coverage run.
    path : str or Path
        The GeoPackage to write.
    sources : dict of str to str, optional
        Data sources for the metadata.

    Returns
    -------
    Path
        The written file.
    """
    return write_gpkg(worker_layers(r), path, worker_metadata(r, sources))


def format_worker_summary(r: WorkerCoverageResult, lang: str = "zh", n_streets: int = 10) -> str:
    """Workers served by group, the busiest unserved streets and the stated assumptions, as text.

    Parameters
    ----------
    r : WorkerCoverageResult
        A worker coverage run.
    lang : str
        ``"zh"`` or ``"en"``.
    n_streets : int
        How many busy streets to list (most uncovered metres first).

    Returns
    -------
    str
        Lines separated by newlines: reach (m), a table by group (persons, %), unreached busy
        streets (km, m) and the notes.
    """
    zh = lang == "zh"
    s = r.summary
    lines = [(text("report.workers_reach", lang, radius_m=s.radius_m, n_stations=s.n_stations))]
    hdr = tuple(text(f"report.workers_col_{c}", lang) for c in ("group", "workers", "served", "unserved", "share"))
    rows = [hdr]
    for g in r.groups.itertuples():
        share = "—" if g.covered_share != g.covered_share else f"{g.covered_share * 100:.1f}%"
        rows.append((g.group_zh if zh else g.group_en, f"{g.workers:,.0f}", f"{g.covered:,.0f}", f"{g.uncovered:,.0f}", share))
    share = "—" if s.covered_share != s.covered_share else f"{s.covered_share * 100:.1f}%"
    rows.append((text("report.workers_total", lang), f"{s.total_workers:,.0f}", f"{s.covered_workers:,.0f}",
                 f"{s.total_workers - s.covered_workers:,.0f}", share))
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(hdr))]
    lines += ["".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.append((text("report.workers_busy_unreached", lang, busy_km=s.busy_uncovered_m / 1000, n_busy_streets_uncovered=s.n_busy_streets_uncovered)))
    for b in r.busy_streets.head(n_streets).itertuples():
        lines.append(text("report.workers_street_uncovered", lang, street=b.street, highway=b.highway, uncovered_m=b.uncovered_m, length_m=b.length_m))
    lines.append(text("report.workers_numbers_note", lang))
    if s.is_demo:
        lines.append(text("report.workers_demo_note", lang))
    return "\n".join(lines)
