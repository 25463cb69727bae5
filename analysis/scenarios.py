"""Scenarios (方案): save a set of proposed sites with its results, reopen it, compare several.

A scenario keeps the proposed sites where they were placed (lon/lat, WGS-84) with their snapped
street positions (edge index, offset in metres from the edge's node u, access distance, and the
network's SHA-256) — the same position the what-if used (:func:`geo.snapping.snap_sites`):
reopening it on the same network hands that position back (no second snap); only when the
network file changed are the placed positions snapped anew (and the caller is told). It also keeps the layers
(paths + SHA-256), the walking parameters (:class:`analysis.params.WalkParams`) and the results:
headline summary with and without the proposed sites, uncovered areas (gaps) and the
per-community table. Storage is :mod:`geo.scenario_store` (GeoPackage or PostGIS).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.coverage import CoverageResult
from analysis.params import WalkParams
from analysis.sample_city import DEMO_DIR, DEMO_FILES
from analysis.study import Study, run_study
from analysis.whatif import with_new_sites
from geo.crs import WGS84
from geo.errors import LayerError
from geo.messages import both
from geo.network import WalkNetwork
from geo.osm_file import file_sha256
from geo.scenario_store import SITE_COLUMNS, ScenarioRecord, ScenarioStore
from geo.snapping import SNAP_COLUMNS, network_identity, snap_points, snap_sites

SITE_KINDS = ("center", "station")


def params_dict(params: WalkParams) -> dict:
    """WalkParams as plain JSON-able values.

    Parameters
    ----------
    params : WalkParams
        Walking parameters.

    Returns
    -------
    dict
        ``minutes``, ``speed_kmh``, ``max_access_m`` (m), ``thresholds`` (list of minutes), ``frontage_m`` (m).
    """
    d = dataclasses.asdict(params)
    d["thresholds"] = list(d["thresholds"])
    return d


def params_from_dict(d: Mapping) -> WalkParams:
    """WalkParams back from :func:`params_dict` (unknown keys ignored).

    Parameters
    ----------
    d : Mapping
        As written by :func:`params_dict`.

    Returns
    -------
    WalkParams

    Raises
    ------
    geo.errors.ParameterError
        When a value is out of range.
    """
    names = {f.name for f in dataclasses.fields(WalkParams)}
    kw = {k: (tuple(v) if k == "thresholds" else v) for k, v in d.items() if k in names}
    return WalkParams(**kw)


def network_sha256(network: WalkNetwork) -> str:
    """The network's source file SHA-256 ('' for a hand-built network without a file).

    Parameters
    ----------
    network : WalkNetwork
        A walking network.

    Returns
    -------
    str
        Hex digest, or ''.
    """
    if network.source_sha256:
        return str(network.source_sha256)
    if network.source_path and Path(network.source_path).exists():
        return file_sha256(network.source_path)
    return ""


# --------------------------------------------------------------------------- sites


def snapped_sites(network: WalkNetwork, sites: gpd.GeoDataFrame, max_access_m: float) -> pd.DataFrame:
    """Proposed sites with their street positions (``SITE_COLUMNS``).

    ``sites``: points in any CRS (where the sites are placed) with optional ``center_id``/``site_id``,
    ``name``, ``kind`` and the snap columns of :data:`geo.snapping.SNAP_COLUMNS` (kept when they
    name this network, else snapped once). lon/lat: the placed position (WGS-84); x/y: the street
    position (network CRS, metres); edge/offset_m/access_m: the street position.
    Refuses sites farther than ``max_access_m`` from every street.

    Parameters
    ----------
    network : WalkNetwork
        The walking network (projected metric CRS).
    sites : GeoDataFrame
        The proposed sites (see above); None or empty gives an empty table.
    max_access_m : float
        Largest distance from a site to its street, metres.

    Returns
    -------
    DataFrame
        ``SITE_COLUMNS``: site_id, name, kind, lon, lat (EPSG:4326), x, y (network CRS, m),
        edge, offset_m, access_m (m), network_sha256.

    Raises
    ------
    geo.errors.LayerError
        When a site is farther than ``max_access_m`` from every walkable street.
    """
    if sites is None or len(sites) == 0:
        return pd.DataFrame(columns=SITE_COLUMNS)
    sp = snap_sites(network, sites, max_access_m)
    off = ~sp.on_network | (sp.edge < 0)
    if off.any():
        raise LayerError(both("error.sites_off_network", n=int(off.sum()), max_access_m=max_access_m))
    ids = sites["site_id"] if "site_id" in sites else sites.get("center_id")
    ids = [str(v) for v in ids] if ids is not None else [f"P{i + 1}" for i in range(len(sites))]
    names = [str(v) for v in sites["name"]] if "name" in sites else ids
    kinds = [str(v) for v in sites["kind"]] if "kind" in sites else ["center"] * len(sites)
    ll = sites.geometry.to_crs(WGS84)
    return pd.DataFrame({
        "site_id": ids, "name": names, "kind": kinds, "lon": ll.x.to_numpy(), "lat": ll.y.to_numpy(),
        "x": sp.x, "y": sp.y, "edge": sp.edge.astype("int64"), "offset_m": sp.offset_m, "access_m": sp.access_m,
        "network_sha256": network_sha256(network),
    })


def sites_on_network(record: ScenarioRecord, network: WalkNetwork) -> tuple[gpd.GeoDataFrame, bool]:
    """The scenario's sites (placed positions, network CRS) with their street positions, and
    whether they had to be snapped again.

    Same network (SHA-256 equal, edge indices and offsets valid): the stored edge, offset and
    access distance are handed back as the :data:`geo.snapping.SNAP_COLUMNS` (no snapping; the
    what-if uses them as they are). Otherwise the placed lon/lat are snapped onto ``network``.
    Columns ``edge``/``offset_m`` always hold the street position used.

    Parameters
    ----------
    record : ScenarioRecord
        A saved scenario (its ``sites`` table and ``params["max_access_m"]``, metres).
    network : WalkNetwork
        The network to put the sites on.

    Returns
    -------
    sites : GeoDataFrame
        ``center_id``, ``site_id``, ``name``, ``kind``, ``proposed``, ``edge``, ``offset_m`` (m),
        the snap columns and placed points in the network's projected metric CRS.
    resnapped : bool
        True when the sites were snapped again.
    """
    s = record.sites.reset_index(drop=True).copy()
    cols = {"center_id": s["site_id"].astype(str), "site_id": s["site_id"].astype(str), "name": s["name"],
            "kind": s["kind"], "proposed": True}
    sha = network_sha256(network)
    edges = s["edge"].to_numpy("int64") if len(s) else np.zeros(0, "int64")
    if len(s) == 0:
        return gpd.GeoDataFrame({k: [] for k in cols}, geometry=[], crs=network.crs), False
    offsets = s["offset_m"].to_numpy(float)
    valid = (edges >= 0) & (edges < network.n_edges)
    same = sha != "" and bool((s["network_sha256"] == sha).all()) and bool(valid.all()) and \
        bool((offsets <= network.edge_length[np.where(valid, edges, 0)] + 1e-6).all())
    placed = gpd.GeoSeries(shapely.points(s["lon"].to_numpy(float), s["lat"].to_numpy(float)), crs=WGS84)
    placed = placed.to_crs(network.crs)
    if same:
        out = gpd.GeoDataFrame({**cols, "edge": edges, "offset_m": offsets, "snap_edge": edges,
                                "snap_offset_m": offsets, "access_m": s["access_m"].to_numpy(float),
                                "snap_network": network_identity(network)}, geometry=placed.values, crs=network.crs)
        return out, False
    sp = snap_points(network, placed, float(record.params.get("max_access_m", 300.0)))
    out = gpd.GeoDataFrame({**cols, "edge": sp.edge, "offset_m": sp.offset_m, "snap_edge": sp.edge,
                            "snap_offset_m": sp.offset_m, "access_m": sp.access_m,
                            "snap_network": network_identity(network)}, geometry=placed.values, crs=network.crs)
    return out, True


# --------------------------------------------------------------------------- layers


def study_layers(study: Study) -> list[dict]:
    """The files a study used: kind, path and SHA-256 (sample layers point at data/demo/).

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    list of dict
        ``kind``, ``path``, ``sha256`` ('' when the file is missing or the demand is the estimate).
    """
    out = [{"kind": "network", "path": str(study.osm_path), "sha256": network_sha256(study.network)}]
    for kind in ("centers", "stations", "grids", "communities", "candidates", "demand"):
        rep = study.read_reports.get(kind)
        if rep is not None:
            path = Path(str(rep.report.file))
        elif kind in DEMO_FILES and getattr(study, kind, None) is not None:
            path = DEMO_DIR / DEMO_FILES[kind]
        elif kind == "demand":
            out.append({"kind": "demand", "path": "(estimate from the OSM file 由OSM估算)", "sha256": ""})
            continue
        else:
            continue
        out.append({"kind": kind, "path": str(path), "sha256": file_sha256(path) if path.is_file() else ""})
    return out


# --------------------------------------------------------------------------- building, saving


def community_change(before: CoverageResult, after: CoverageResult) -> pd.DataFrame:
    """Per community: population, covered / uncovered / share after, covered and share before.

    Parameters
    ----------
    before, after : CoverageResult
        The run without and with the proposed sites.

    Returns
    -------
    DataFrame
        ``community``, ``population``, ``covered_pop``, ``uncovered_pop`` (persons),
        ``covered_share`` (0-1), ``covered_pop_before``, ``covered_share_before``; in ``after``'s order.
    """
    a = after.communities.set_index("community")
    b = before.communities.set_index("community")
    t = pd.DataFrame({
        "community": a.index.astype(str),
        "population": a["population"].to_numpy(float),
        "covered_pop": a["covered_pop"].to_numpy(float),
        "uncovered_pop": a["uncovered_pop"].to_numpy(float),
        "covered_share": a["covered_share"].to_numpy(float),
        "covered_pop_before": b["covered_pop"].reindex(a.index).to_numpy(float),
        "covered_share_before": b["covered_share"].reindex(a.index).to_numpy(float),
    })
    return t.reset_index(drop=True)


def build_record(
    name: str, *, network: WalkNetwork, params: WalkParams, base: CoverageResult, after: CoverageResult,
    sites: pd.DataFrame, layers: Sequence[dict], notes: str = "", count_stations: bool = False,
) -> ScenarioRecord:
    """A :class:`ScenarioRecord` from a base run, the run with the sites, and the snapped sites.

    Parameters
    ----------
    name : str
        Scenario name (spaces stripped).
    network : WalkNetwork
        The network of both runs.
    params : WalkParams
        Walking parameters of the runs.
    base, after : CoverageResult
        The run without and with the sites.
    sites : DataFrame
        The sites from :func:`snapped_sites`.
    layers : sequence of dict
        The files used (:func:`study_layers`).
    notes : str
        Free text.
    count_stations : bool
        Whether proposed red stations counted for residents (stored with the params).

    Returns
    -------
    ScenarioRecord
        Gaps in EPSG:4326, summaries as plain dicts, the community change table.
    """
    gaps = after.gaps
    gaps_wgs = gaps.to_crs(WGS84) if len(gaps) and gaps.crs is not None else gpd.GeoDataFrame(
        {c: [] for c in ("gap_id", "population", "area_m2", "community")}, geometry=[], crs=WGS84)
    return ScenarioRecord(
        name=str(name).strip(), params={**params_dict(params), "count_stations": bool(count_stations)},
        crs=str(network.crs),
        network_path=str(network.source_path or ""), network_sha256=network_sha256(network),
        sites=sites.reset_index(drop=True), summary=after.summary.as_dict(),
        baseline_summary=base.summary.as_dict(), gaps=gaps_wgs, communities=community_change(base, after),
        layers=list(layers), notes=notes,
    )


def evaluate_sites(base: CoverageResult, network: WalkNetwork, sites: gpd.GeoDataFrame,
                   grids: gpd.GeoDataFrame | None = None) -> CoverageResult:
    """Coverage with ``sites`` added (:func:`analysis.whatif.with_new_sites`); ``base`` when none.

    Parameters
    ----------
    base : CoverageResult
        The run without the sites.
    network : WalkNetwork
        Its network.
    sites : GeoDataFrame
        Proposed sites (points, any CRS with a known datum).
    grids : GeoDataFrame, optional
        The grids layer of the base run.

    Returns
    -------
    CoverageResult
    """
    if sites is None or len(sites) == 0:
        return base
    return with_new_sites(base, network, sites, grids)


def save_scenario(
    store: ScenarioStore, name: str, study: Study, params: WalkParams, sites: gpd.GeoDataFrame, *,
    notes: str = "", replace: bool = False, base: CoverageResult | None = None, count_stations: bool = False,
) -> ScenarioRecord:
    """Snap ``sites``, run coverage without and with them, and save everything as one scenario.

    Proposed red stations (``kind == "station"``) serve outdoor workers: as in the app and the
    ``coverage`` command they are kept in the scenario but count for residents only with
    ``count_stations`` (then ``base`` should also count the existing stations).

    Parameters
    ----------
    store : ScenarioStore
        Where to save (GeoPackage or PostGIS).
    name : str
        Scenario name.
    study : Study
        The study (network and layers).
    params : WalkParams
        Walking parameters.
    sites : GeoDataFrame
        Proposed sites (points, any CRS; optional ``kind`` center/station).
    notes : str
        Free text.
    replace : bool
        Overwrite a scenario of the same name.
    base : CoverageResult, optional
        The run without the sites (computed when None).
    count_stations : bool
        Count proposed red stations for residents.

    Returns
    -------
    ScenarioRecord
        The saved record.

    Raises
    ------
    geo.errors.LayerError
        When a site is too far from every street.
    geo.scenario_store.StoreError
        When the store refuses the record (e.g. the name exists and ``replace`` is False).
    """
    snapped = snapped_sites(study.network, sites, params.max_access_m)
    base = base if base is not None else run_study(study, params)
    pts = sites_on_network(_bare_record(snapped, params), study.network)[0]
    after = evaluate_sites(base, study.network, counted_sites(pts, count_stations), study.grids)
    record = build_record(name, network=study.network, params=params, base=base, after=after, sites=snapped,
                          layers=study_layers(study), notes=notes, count_stations=count_stations)
    store.save(record, replace=replace)
    return record


def with_stations_counted(study: Study) -> Study:
    """The study with its red stations counted as service points for residents (ids S-…, C-…).

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    Study
        A copy whose centers are the centers and the stations (EPSG:4326); ``study`` itself
        when it has no stations.
    """
    if study.stations is None or len(study.stations) == 0:
        return study
    parts = []
    for g, prefix in ((study.centers, "C"), (study.stations, "S")):
        g = g.to_crs(WGS84).copy()
        ids = g["id"].astype(str) if "id" in g else pd.Series([f"{i + 1:03d}" for i in range(len(g))], index=g.index)
        g["center_id"] = prefix + "-" + ids
        parts.append(g)
    both = pd.concat(parts, ignore_index=True)
    return dataclasses.replace(study, centers=gpd.GeoDataFrame(both, geometry=both.geometry.name, crs=WGS84))


def counted_sites(sites: gpd.GeoDataFrame, count_stations: bool) -> gpd.GeoDataFrame:
    """The proposed sites that count for residents' coverage (stations only when asked).

    Parameters
    ----------
    sites : GeoDataFrame
        Proposed sites (optional ``kind``).
    count_stations : bool
        Keep ``kind == "station"`` rows.

    Returns
    -------
    GeoDataFrame
    """
    if count_stations or "kind" not in sites:
        return sites
    return sites[sites["kind"].astype(str) != "station"]


def _bare_record(sites: pd.DataFrame, params: WalkParams) -> ScenarioRecord:
    return ScenarioRecord(name="", params=params_dict(params), crs="", network_path="", network_sha256="",
                          sites=sites, summary={}, baseline_summary={}, gaps=gpd.GeoDataFrame(),
                          communities=pd.DataFrame())


def reopen(record: ScenarioRecord, study: Study) -> tuple[CoverageResult, CoverageResult, bool]:
    """Re-run a saved scenario on ``study``: (base, with sites, whether the sites were snapped again).

    Parameters
    ----------
    record : ScenarioRecord
        A saved scenario.
    study : Study
        The study to run it on.

    Returns
    -------
    tuple of (CoverageResult, CoverageResult, bool)
    """
    params = params_from_dict(record.params)
    base = run_study(study, params)
    pts, resnapped = sites_on_network(record, study.network)
    pts = counted_sites(pts, bool(record.params.get("count_stations", False)))
    return base, evaluate_sites(base, study.network, pts, study.grids), resnapped


# --------------------------------------------------------------------------- comparing


def compare(records: Sequence[ScenarioRecord]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two or more scenarios side by side.

    Parameters
    ----------
    records : sequence of ScenarioRecord
        At least two scenarios.

    Returns
    -------
    headline : DataFrame
        One row per scenario — name, created_utc, added sites (n_sites, new_centers,
        new_stations), minutes, speed_kmh, total_pop, covered share (0-1) and uncovered
        residents with the sites, the same without them (``*_before``), the gain (``gain_pop``,
        residents) and the change in share (``change_pp``, percentage points).
    communities : DataFrame
        One row per community: ``population`` and, for each scenario, its covered share (%),
        change (percentage points) and gain (persons) against the same run without the
        proposed sites.

    Raises
    ------
    geo.errors.LayerError
        With fewer than two scenarios.
    """
    if len(records) < 2:
        raise LayerError(both("error.compare_needs_two"))
    rows = []
    for r in records:
        s, b = r.summary, r.baseline_summary
        kinds = r.sites["kind"].astype(str) if len(r.sites) else pd.Series([], dtype=str)
        rows.append({
            "name": r.name, "created_utc": r.created_utc, "n_sites": int(len(r.sites)),
            "new_centers": int((kinds == "center").sum()), "new_stations": int((kinds == "station").sum()),
            "minutes": float(r.params.get("minutes", np.nan)), "speed_kmh": float(r.params.get("speed_kmh", np.nan)),
            "total_pop": float(s.get("total_pop", np.nan)),
            "covered_share": float(s.get("covered_share", np.nan)),
            "uncovered_pop": float(s.get("uncovered_pop", np.nan)),
            "covered_share_before": float(b.get("covered_share", np.nan)),
            "uncovered_pop_before": float(b.get("uncovered_pop", np.nan)),
            "gain_pop": float(s.get("covered_pop", np.nan)) - float(b.get("covered_pop", np.nan)),
            "change_pp": (float(s.get("covered_share", np.nan)) - float(b.get("covered_share", np.nan))) * 100.0,
        })
    head = pd.DataFrame(rows)
    comm = None
    for r in records:
        c = r.communities.set_index("community")
        part = pd.DataFrame({
            ("population", ""): c["population"],
            (r.name, "share_pct"): c["covered_share"] * 100.0,
            (r.name, "change_pp"): (c["covered_share"] - c["covered_share_before"]) * 100.0,
            (r.name, "gain_pop"): c["covered_pop"] - c["covered_pop_before"],
        })
        if comm is None:
            comm = part
        else:
            comm = comm.join(part.drop(columns=[("population", "")]), how="outer")
            comm[("population", "")] = comm[("population", "")].fillna(part[("population", "")])
    comm.index.name = "community"
    comm.columns = [a if b == "" else f"{a} · {b}" for a, b in comm.columns]
    return head, comm.reset_index()


# --------------------------------------------------------------------------- the app's what-if


def record_from_runs(
    name: str, study: Study, base: CoverageResult, after: CoverageResult, sites: gpd.GeoDataFrame, *,
    notes: str = "", count_stations: bool = False,
) -> ScenarioRecord:
    """A scenario from runs already made (the app's base run and what-if run) and their sites.

    Parameters
    ----------
    name : str
        Scenario name.
    study : Study
        The study of the runs.
    base : CoverageResult
        The run without the sites.
    after : CoverageResult or None
        The run with the sites (None: ``base``).
    sites : GeoDataFrame
        Proposed sites (points, any CRS).
    notes : str
        Free text.
    count_stations : bool
        Whether proposed red stations counted for residents.

    Returns
    -------
    ScenarioRecord

    Raises
    ------
    geo.errors.LayerError
        When a site is too far from every street.
    """
    snapped = snapped_sites(study.network, sites, base.params.max_access_m)
    return build_record(name, network=study.network, params=base.params, base=base,
                        after=after if after is not None else base, sites=snapped, layers=study_layers(study),
                        notes=notes, count_stations=count_stations)


def proposal_dicts(record: ScenarioRecord, network: WalkNetwork) -> tuple[list[dict], bool]:
    """The scenario's sites as the app's proposal entries (id, kind, name, lon, lat, street,
    access_m, edge, offset_m), and whether they had to be snapped again (network changed).

    Parameters
    ----------
    record : ScenarioRecord
        A saved scenario.
    network : WalkNetwork
        The network to put the sites on.

    Returns
    -------
    entries : list of dict
        One per site: ``lon``/``lat`` on the street and ``click_lon``/``click_lat`` where placed
        (EPSG:4326), the snap columns, street name.
    resnapped : bool
    """
    pts, resnapped = sites_on_network(record, network)
    if len(pts) == 0:
        return [], resnapped
    placed = pts.geometry.to_crs(WGS84)
    edges = pts["snap_edge"].to_numpy("int64")
    street = gpd.GeoSeries(shapely.line_interpolate_point(network.edge_geometry[edges],
                                                          pts["snap_offset_m"].to_numpy(float)),
                           crs=network.crs).to_crs(WGS84)
    out = []
    for i in range(len(pts)):
        e = int(edges[i])
        out.append({
            "id": str(pts["site_id"].iloc[i]), "kind": str(pts["kind"].iloc[i]), "name": str(pts["name"].iloc[i]),
            "lon": float(street.x.iloc[i]), "lat": float(street.y.iloc[i]),
            "street": str(network.edge_name[e] or ""),
            **{c: (v.item() if isinstance(v, np.generic) else v) for c, v in
               ((c, pts[c].iloc[i]) for c in SNAP_COLUMNS)},
            "click_lon": float(placed.x.iloc[i]), "click_lat": float(placed.y.iloc[i]),
        })
    return out, resnapped
