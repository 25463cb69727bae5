"""What the app keeps: cached loaders (once per process) and the session's choices.

* The sample city (network + layers + basemap features) is built once per process
  (``st.cache_resource``); coverage runs are cached by their inputs (data key, minutes, speed,
  which sites count) and by the list of proposed sites for the what-if.
* Cached results are shared between sessions: treat them as read-only.
* Uploaded layers live in ``st.session_state`` (per browser tab) and change the data key.

Only arranging inputs happens here; all measuring is done by ``analysis``/``geo`` functions.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

import analysis.result_cache as result_cache_mod
import analysis.sample_city as sample_city_mod
import analysis.study as study_mod
import analysis.whatif as whatif_mod
from analysis.params import WalkParams
from geo.crs import WGS84
from geo.snapping import SNAP_COLUMNS
from ui.maps.frame import MapFrame, frame_key, frame_of, read_frame, write_frame
from ui.maps.geojson import GeoJsonCache  # no Folium: ui.maps imports its parts on first use

SPEED_PRESETS = {"normal": 4.5, "elderly": 3.0}
MINUTE_CHOICES = (5, 8, 10, 15)
LAYER_KINDS = ("centers", "stations", "grids", "communities", "candidates", "demand", "workers", "compounds",
               "party_grids")


# --------------------------------------------------------------------------- session choices


def lang() -> str:
    return st.session_state.get("lang", "zh")


def uploads() -> dict:
    """kind -> {"file", "sha", "gdf", "report"} for layers the planner chose to use."""
    return st.session_state.setdefault("uploads", {})


def proposals() -> list[dict]:
    """Proposed sites (what-if): dicts with id, kind, lon, lat (snapped, WGS-84), street, access_m."""
    return st.session_state.setdefault("proposals", [])


# --------------------------------------------------------------------------- data


@dataclass
class Dataset:
    """The layers in use: the sample city's, each replaceable by an upload."""

    key: str
    network: object
    layers: dict[str, gpd.GeoDataFrame | None]
    features: dict[str, gpd.GeoDataFrame]
    sources: dict[str, str] = field(default_factory=dict)  # kind -> "sample" | file name

    @property
    def is_sample(self) -> bool:
        """True when every layer in use is the sample city's (no upload): the app's default study."""
        return all(v == "sample" for v in self.sources.values())

    @property
    def is_demo(self) -> bool:
        """True when any layer in use is the bundled illustrative data (labelled 示例数据)."""
        return sample_city_mod.demo_in_use(*(self.layers.get(k) for k in ("centers", "stations", "grids", "communities")))

    def bounds_wgs84(self) -> tuple[float, float, float, float]:
        """The study area (grids, else communities, else the network) with a small margin."""
        for kind in ("grids", "communities"):
            g = self.layers.get(kind)
            if g is not None and len(g):
                minx, miny, maxx, maxy = (float(v) for v in g.to_crs(WGS84).total_bounds)
                mx, my = (maxx - minx) * 0.04, (maxy - miny) * 0.04
                return (minx - mx, miny - my, maxx + mx, maxy + my)
        return tuple(float(v) for v in self.network.bounds_wgs84())


@st.cache_resource(show_spinner=False)
def geojson_cache() -> GeoJsonCache:
    """Map layers of the cached runs as GeoJSON, converted once per process (read-only)."""
    return GeoJsonCache()


@st.cache_resource(show_spinner=False)
def sample_city():
    """The bundled sample city, built once per process."""
    return sample_city_mod.load_sample_city()


def _features_of(city: sample_city_mod.SampleCity) -> dict[str, gpd.GeoDataFrame]:
    """The basemap layers the app draws (EPSG:4326)."""
    return {k: city.features[k] for k in ("streets", "water", "green", "buildings")}


@st.cache_resource(show_spinner=False)
def sample_study():
    """The sample study as the CLI loads it (``analysis.study.load_study``: demand clipped to the grids)."""
    return study_mod.load_study()


def dataset(ups: dict | None = None) -> Dataset:
    """The sample study with the session's uploaded layers swapped in.

    Like the CLI (``analysis.study.load_study``): estimated residents are kept inside the grids
    in use (the study area) unless the planner uploads their own demand layer. ``ups``: the
    uploads to use instead of the session's (``{}``: the sample city alone, e.g. outside a session).
    """
    ups = uploads() if ups is None else ups
    city = sample_city()
    study = sample_study()
    layers = {k: getattr(study, k, None) for k in LAYER_KINDS}
    sources = {k: "sample" for k, v in layers.items() if v is not None}
    parts = ["sample"]
    for kind, up in sorted(ups.items()):
        layers[kind] = up["gdf"]
        sources[kind] = up["file"]
        parts.append(f"{kind}:{up['sha']}")
    if "demand" not in ups and "grids" in ups:
        layers["demand"] = study_mod.clip_to_area(city.demand, layers["grids"])
    key = hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]
    return Dataset(key=key, network=study.network, layers=layers, features=_features_of(city), sources=sources)


def service_sites(ds: Dataset, include_stations: bool = True) -> gpd.GeoDataFrame:
    """Centers (kind="center") and, if asked, red stations (kind="station") as one point layer."""
    crs = ds.network.crs
    parts = []
    for kind, layer_kind, prefix in (("center", "centers", "C"), ("station", "stations", "S")):
        g = ds.layers.get(layer_kind)
        if g is None or len(g) == 0 or (kind == "station" and not include_stations):
            continue
        g = g.to_crs(crs).copy()
        if "center_id" not in g:
            if "id" in g and g["id"].notna().all():
                g["center_id"] = g["id"].astype(str)
            else:
                g["center_id"] = [f"{prefix}{i + 1:03d}" for i in range(len(g))]
        g["kind"] = kind
        parts.append(g)
    if not parts:
        return gpd.GeoDataFrame({"center_id": [], "kind": []}, geometry=[], crs=crs)
    out = pd.concat(parts, ignore_index=True)
    if out["center_id"].duplicated().any():  # ids repeat between centers and stations
        out["center_id"] = out["kind"].str[0].str.upper() + "-" + out["center_id"].astype(str)
    return gpd.GeoDataFrame(out, geometry=out.geometry.name, crs=crs)


def params_from(minutes: float, speed_kmh: float) -> WalkParams:
    return WalkParams(minutes=float(minutes), speed_kmh=float(speed_kmh))


def _read_reports() -> dict:
    """The uploaded layers' read reports (file names for the report's sources table)."""
    from geo.readers import LayerReadResult

    return {k: LayerReadResult(up["gdf"], up["report"]) for k, up in uploads().items() if up.get("report") is not None}


def study_for(ds: Dataset, include_stations: bool):
    """The ``analysis.study.Study`` of the data in use (centers, plus red stations if they count)."""
    base = sample_study()
    sites = service_sites(ds, include_stations)
    is_demo = sample_city_mod.demo_in_use(
        *(ds.layers.get(k) for k in ("centers", "grids", "communities")),
        ds.layers.get("stations") if include_stations else None)
    return study_mod.Study(
        name_zh=base.name_zh, name_en=base.name_en, osm_path=base.osm_path, network=ds.network,
        centers=sites, demand=ds.layers["demand"], grids=ds.layers.get("grids"),
        communities=ds.layers.get("communities"), stations=ds.layers.get("stations"),
        candidates=ds.layers.get("candidates"), is_demo=bool(is_demo), read_reports=_read_reports(),
        population_is_estimate=ds.sources.get("demand") == "sample",
        compounds=ds.layers.get("compounds"), party_grids=ds.layers.get("party_grids"),
    )


@st.cache_resource(show_spinner=False, max_entries=24)
def coverage_run(key: str, minutes: float, speed_kmh: float, include_stations: bool, _ds: Dataset):
    """(coverage run for these inputs, its disk-cache key or None), as the CLI computes it
    (``analysis.study.run_study``). The sample city's runs are kept in the data-only disk cache
    (``analysis.result_cache``: keyed by the inputs' content, the parameters and the code), so a
    new server reads the default study instead of computing it; uploads are computed per process."""
    study = study_for(_ds, include_stations)
    params = params_from(minutes, speed_kmh)
    if _ds.is_sample:
        result, rkey, _ = result_cache_mod.cached_run_study(study, params)
        return result, rkey
    return study_mod.run_study(study, params), None


def coverage(key: str, minutes: float, speed_kmh: float, include_stations: bool, _ds: Dataset):
    """The coverage run for these inputs (cached per process; see :func:`coverage_run`)."""
    return coverage_run(key, minutes, speed_kmh, include_stations, _ds)[0]


def current_coverage(ds: Dataset, minutes: float, speed_kmh: float, include_stations: bool):
    return coverage(ds.key, float(minutes), float(speed_kmh), bool(include_stations), ds)


# --------------------------------------------------------------------------- derived, drawn once


@st.cache_resource(show_spinner=False)
def derived_cache() -> GeoJsonCache:
    """Values derived from a cached run (level tables), built once per run and process (read-only)."""
    return GeoJsonCache()


def coverage_key(ds: Dataset, minutes: float, speed_kmh: float, include_stations: bool) -> str | None:
    """Disk-cache key of the current run (``None`` for uploads: computed per process only)."""
    return coverage_run(ds.key, float(minutes), float(speed_kmh), bool(include_stations), ds)[1]


def level_tables(result, result_key: str | None = None) -> dict:
    """``analysis.levels.level_tables`` of a run, computed once per run and process; with the
    run's disk key also kept on disk next to it (``analysis.result_cache.cached_tables``)."""
    from analysis.levels import level_tables as build

    def make():
        if result_key:
            return result_cache_mod.cached_tables(result_key, "level_tables", lambda: build(result))
        return build(result)

    return derived_cache().get(result, ("level_tables",), make)


@st.cache_resource(show_spinner=False, max_entries=16)
def _map_frame(mem_key: tuple, _result_key: str | None, _options: dict, _build) -> MapFrame:
    disk_key = frame_key(_result_key, _options) if _result_key else None
    if disk_key is not None:
        hit = read_frame(disk_key)
        if hit is not None:
            return hit
    frame = frame_of(_build())
    if disk_key is not None:
        write_frame(disk_key, frame)
    return frame


def map_frame(ds: Dataset, minutes: float, speed_kmh: float, include_stations: bool, options: dict, build) -> MapFrame:
    """The coverage map of a run as the st_folium component's input (:class:`ui.maps.frame.MapFrame`).

    Built by ``build()`` (a ``folium.Map``) once per run and drawing ``options`` in a process
    (every session and rerun reuses it). For the sample city it is also kept in the disk cache
    next to the run (key: the run's key, the options, the map code), so a new server shows the
    default page without building the map. Options naming an online-tiles key are not written to disk.
    """
    run_args = (ds.key, float(minutes), float(speed_kmh), bool(include_stations))
    _, rkey = coverage_run(*run_args, ds)
    opts = json.loads(json.dumps(options, sort_keys=True))
    secret = bool(opts.get("tianditu_key"))
    if secret:  # kept only in memory, under a hash
        opts["tianditu_key"] = hashlib.sha256(str(opts["tianditu_key"]).encode()).hexdigest()[:16]
    mem_key = run_args + (json.dumps(opts, sort_keys=True),)
    return _map_frame(mem_key, None if secret else rkey, opts, build)


# --------------------------------------------------------------------------- what-if


def proposals_key(items: list[dict]) -> tuple:
    return tuple((p["id"], p["kind"], p.get("snap_edge"), p.get("snap_offset_m"), p.get("access_m"),
                  round(p["lon"], 7), round(p["lat"], 7)) for p in items)


def proposals_gdf(items: list[dict], crs: str) -> gpd.GeoDataFrame:
    """Proposed sites as a point layer in ``crs`` (ids P1, P2, ...; kind center/station)."""
    if not items:
        return gpd.GeoDataFrame({"center_id": [], "name": [], "kind": []}, geometry=[], crs=crs)
    cols = {c: [p.get(c) for p in items] for c in SNAP_COLUMNS}  # snapped once, where the site was placed
    g = gpd.GeoDataFrame(
        {"center_id": [p["id"] for p in items], "name": [p["name"] for p in items],
         "kind": [p["kind"] for p in items], "proposed": True, **cols},
        # the site is where it was placed (like an existing center's building); its street
        # position is in the snap columns. lon/lat (the street point) are for drawing only.
        geometry=gpd.points_from_xy([p.get("click_lon", p["lon"]) for p in items],
                                    [p.get("click_lat", p["lat"]) for p in items]), crs=WGS84,
    )
    return g.to_crs(crs)


@st.cache_resource(show_spinner=False, max_entries=64)
def whatif(key: str, minutes: float, speed_kmh: float, include_stations: bool, pkey: tuple, _ds: Dataset,
           _items: tuple):
    """Coverage with the proposed sites added; (result, seconds). Cached by the proposal list."""
    t0 = time.perf_counter()
    ds = _ds
    base = coverage(key, minutes, speed_kmh, include_stations, ds)
    new = proposals_gdf(list(_items), ds.network.crs)
    if not include_stations:  # proposed red stations serve outdoor workers, not residents
        new = new[new["kind"] != "station"]
    res = whatif_mod.with_new_sites(base, ds.network, new)
    return res, time.perf_counter() - t0


def current_whatif(ds: Dataset, minutes: float, speed_kmh: float, include_stations: bool):
    items = proposals()
    if not items:
        return None, 0.0
    return whatif(ds.key, float(minutes), float(speed_kmh), bool(include_stations), proposals_key(items), ds,
                  tuple(items))


def snap_fields(snap) -> dict:
    """The street-position fields (:data:`SNAP_COLUMNS`) of a snap answer or a site row, as plain
    Python values, to store on a proposed site in the session."""
    return {c: snap[c].item() if hasattr(snap[c], "item") else snap[c] for c in SNAP_COLUMNS}


def snap_click(ds: Dataset, lon: float, lat: float, max_access_m: float) -> dict:
    """Snap a clicked WGS-84 position to the nearest walkable street, once.

    Returns lon, lat (the snapped position, for drawing), street, on_network and the position
    itself (``snap_edge``, ``snap_offset_m``, ``access_m``, ``snap_network``), which travels with
    the proposed site so that the what-if never snaps it again.
    """
    from geo.snapping import snap_columns, snap_points

    pt = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=WGS84).to_crs(ds.network.crs)
    sp = snap_points(ds.network, pt, max_access_m)
    on = bool(sp.on_network[0]) and int(sp.edge[0]) >= 0
    if not on:
        return {"on_network": False, "access_m": float(sp.access_m[0]) if np.isfinite(sp.access_m[0]) else None}
    snapped = gpd.GeoSeries(gpd.points_from_xy(sp.x, sp.y), crs=ds.network.crs).to_crs(WGS84)
    e = int(sp.edge[0])
    name = str(ds.network.edge_name[e] or "")
    return {
        "on_network": True, "lon": float(snapped.x.iloc[0]), "lat": float(snapped.y.iloc[0]),
        "street": name, **snap_fields({k: v[0] for k, v in snap_columns(ds.network, sp).items()}),
    }


# --------------------------------------------------------------------------- outdoor workers (red stations)


def station_sites(ds: Dataset, items: list[dict]) -> gpd.GeoDataFrame:
    """Existing red stations (proposed=False) plus the what-if's proposed stations (proposed=True)."""
    crs = ds.network.crs
    parts = []
    g = ds.layers.get("stations")
    if g is not None and len(g):
        g = g.to_crs(crs).copy()
        g["station_id"] = g["id"].astype(str) if "id" in g else [f"S{i + 1:03d}" for i in range(len(g))]
        g["proposed"] = False
        parts.append(g)
    new = proposals_gdf([p for p in items if p["kind"] == "station"], crs)
    if len(new):
        parts.append(new.rename(columns={"center_id": "station_id"}))
    if not parts:
        return gpd.GeoDataFrame({"station_id": [], "name": [], "proposed": []}, geometry=[], crs=crs)
    out = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry=out.geometry.name, crs=crs)


@st.cache_resource(show_spinner=False, max_entries=8)
def worker_points(key: str, _ds: Dataset):
    """Outdoor-worker demand of the data in use (OSM estimate; an uploaded workers layer replaces its groups)."""
    from analysis.worker_demand import study_worker_points

    return study_worker_points(study_for(_ds, False), _ds.layers.get("workers"))


@st.cache_resource(show_spinner=False, max_entries=32)
def worker_coverage(key: str, radius_m: float, pkey: tuple, _ds: Dataset, _items: tuple):
    """Red-station coverage of outdoor workers with the proposed stations (``analysis.worker_coverage``)."""
    from analysis.worker_coverage import run_worker_coverage
    from analysis.worker_demand import weights_table

    stations = station_sites(_ds, list(_items))
    return run_worker_coverage(_ds.network, stations, worker_points(key, _ds), float(radius_m), weights=weights_table(),
                               is_demo=sample_city_mod.demo_in_use(_ds.layers.get("stations")),
                               study_area=_ds.layers.get("grids"), with_reach=False)


def current_workers(ds: Dataset, radius_m: float):
    """(worker coverage of the existing stations, with the proposed stations or None when none is proposed)."""
    base = worker_coverage(ds.key, float(radius_m), (), ds, ())
    items = tuple(p for p in proposals() if p["kind"] == "station")
    if not items:
        return base, None
    return base, worker_coverage(ds.key, float(radius_m), proposals_key(list(items)), ds, items)
