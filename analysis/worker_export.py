"""Worker coverage as files: GeoPackage layers and metadata, and a plain-text summary by group."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.export import software_version, write_gpkg
from analysis.worker_coverage import WorkerCoverageResult


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
    lines = [(f"红色驿站服务户外劳动者：路网距离 {s.radius_m:,.0f} 米内（假设，可用 --radius 修改），驿站 {s.n_stations} 处"
              if zh else f"Red stations serving outdoor workers: within {s.radius_m:,.0f} m along the network "
              f"(an assumption; --radius), {s.n_stations} stations")]
    hdr = ("类型", "人数", "已服务", "未服务", "服务率") if zh else ("group", "workers", "served", "unserved", "share")
    rows = [hdr]
    for g in r.groups.itertuples():
        share = "—" if g.covered_share != g.covered_share else f"{g.covered_share * 100:.1f}%"
        rows.append((g.group_zh if zh else g.group_en, f"{g.workers:,.0f}", f"{g.covered:,.0f}", f"{g.uncovered:,.0f}", share))
    share = "—" if s.covered_share != s.covered_share else f"{s.covered_share * 100:.1f}%"
    rows.append(("合计" if zh else "total", f"{s.total_workers:,.0f}", f"{s.covered_workers:,.0f}",
                 f"{s.total_workers - s.covered_workers:,.0f}", share))
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(hdr))]
    lines += ["".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.append((f"繁忙道路（主干/次干/支路）无驿站可达路段：{s.busy_uncovered_m / 1000:,.2f} 公里，涉及 {s.n_busy_streets_uncovered} 条道路"
                  if zh else f"Busy streets (primary/secondary/tertiary) with no station in reach: "
                  f"{s.busy_uncovered_m / 1000:,.2f} km on {s.n_busy_streets_uncovered} streets"))
    for b in r.busy_streets.head(n_streets).itertuples():
        lines.append(f"  {b.street}（{b.highway}）：{b.uncovered_m:,.0f} 米 / {b.length_m:,.0f} 米" if zh else
                     f"  {b.street} ({b.highway}): {b.uncovered_m:,.0f} m of {b.length_m:,.0f} m")
    lines.append("人数为OSM估算（权重见 worker_weights 图层）或上传的实际人数。" if zh else
                 "Worker numbers are OSM estimates (weights in the worker_weights layer) or uploaded counts.")
    if s.is_demo:
        lines.append("注意：红色驿站为示例数据，非真实点位。" if zh else "Note: the red stations are illustrative sample data.")
    return "\n".join(lines)
