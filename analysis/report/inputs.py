"""What a report needs besides the coverage result: area name, sources, basemap, optional layers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.network import WalkNetwork


@dataclass(frozen=True)
class DataSource:
    """One input of the analysis for the sources table (``date`` as the planner knows it)."""

    name: str
    date: str = ""
    note: str = ""


@dataclass
class ReportInputs:
    """Context for a report; every field is optional.

    study_area: name printed in the title (default: the sample city's name when ``is_demo``).
    report_date: date printed on the title page (default: today).
    sources: data sources with dates; the OSM attribution is always added.
    features: basemap layers by name (streets, water, green, buildings, ...) in any CRS,
        e.g. ``geo.osm_features.load_osm_features(path)``; the network's streets are used if absent.
    network: the walking network (basemap fallback, network length in the parameters).
    stations: red stations layer (points), shown on maps.
    center_audit, station_audit: tables from ``analysis.audit``; computed here when that module
        exists and the layers are given.
    candidates: candidate sites (候选用房清单) when no siting result carries them.
    population_method: one sentence on how residents were counted or estimated.
    is_demo: force the illustrative-data note on or off (default: from the result).
    osm_date: date of the OSM data, e.g. "2015-02".
    standard: the audit standard (``analysis.standards.load_standard(path)``); its name and file
        hash are printed with the audits and in the parameters.
    workers: red-station coverage of outdoor workers (``analysis.worker_coverage``); its section
        comes before the amenity audits.
    """

    study_area: str | None = None
    report_date: dt.date | None = None
    sources: list[DataSource] = field(default_factory=list)
    features: dict[str, gpd.GeoDataFrame] | None = None
    network: WalkNetwork | None = None
    stations: gpd.GeoDataFrame | None = None
    center_audit: pd.DataFrame | None = None
    station_audit: pd.DataFrame | None = None
    candidates: gpd.GeoDataFrame | None = None
    population_method: str | None = None
    party: object | None = None  # analysis.party_inputs.PartyLayers: adds the three lists / adoption / 示范区 section
    is_demo: bool | None = None
    osm_date: str | None = None
    standard: object | None = None  # analysis.standards.Standard (default: data/standards/default.toml)
    workers: object | None = None  # analysis.worker_coverage.WorkerCoverageResult (the worker section)
