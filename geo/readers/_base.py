"""Shared pieces of the readers: limits, the result type, the raw-read record, refusals."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.validation import LayerReport


DEFAULT_MAX_BYTES = 200 * 1_000_000         # 200 MB input cap (MB = 10**6 bytes, as shown in messages)
DEFAULT_MAX_UNPACKED = 1024 * 1024 * 1024  # 1 GB unpacked from a zip / xlsx
FAR_FROM_STREET_M = 300.0                  # warn beyond this distance to any street (= default max access, m)
COORD_CHOICES = ("auto", "wgs84", "gcj02", "bd09")

_VECTOR_EXT = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp", ".kml": "kml"}
_TABLE_EXT = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_ARCHIVE_EXT = {".zip": "zip", ".kmz": "kmz"}
@dataclass
class LayerReadResult:
    """A layer as read: ``gdf`` in EPSG:4326 with canonical columns, and the full ``report``."""

    gdf: gpd.GeoDataFrame
    report: LayerReport

    def render(self, lang: str = "zh") -> str:
        """The report as plain text.

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".

        Returns
        -------
        str
            :meth:`LayerReport.render` of ``report``.
        """
        return self.report.render(lang)


@dataclass
class _Raw:
    df: pd.DataFrame                 # attribute columns with the file's headers
    geoms: np.ndarray | None         # shapely geometries, None for tables
    crs: CRS | None                  # CRS declared by the file (None: not declared)
    rows: np.ndarray                 # row numbers a planner sees
    row_kind: str = "row"
    encoding: str | None = None
    layer_name: str | None = None
    formula_rows: tuple[int, ...] = ()   # rows with formula cells that have no saved value


def _refuse(cls, zh: str, en: str, report: LayerReport | None = None):
    if report is not None and report.problems:
        zh = f"{zh}\n{report.summary_text('zh')}"
        en = f"{en}\n{report.summary_text('en')}"
    return cls(zh, en, report)


# ----------------------------------------------------------------------------- format readers
