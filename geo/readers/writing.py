"""Writing a layer atomically (.gpkg, .geojson, .csv with WKT)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.layer_errors import UnsupportedFormatError
from geo.messages import pair


def write_layer(gdf: gpd.GeoDataFrame, path: str | Path, layer: str | None = None) -> Path:
    """Write a layer atomically (temp file + rename): .gpkg, .geojson or .csv (WKT column).

    List columns are joined with "、" so every format can hold them; CSV text that would start
    a spreadsheet formula is escaped.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer (any CRS; GeoJSON is written in EPSG:4326, GeoPackage and CSV in the CRS of
        ``gdf``). The index is not written.
    path : str or Path
        Target file; its extension picks the format (.gpkg, .geojson/.json, .csv).
    layer : str, optional
        GeoPackage layer name (default: the file stem).

    Returns
    -------
    Path
        ``path`` as a :class:`Path`.

    Raises
    ------
    UnsupportedFormatError
        Any other extension.
    """
    import pyogrio

    from geo.safe_io import atomic_write_path

    target = Path(path)
    ext = target.suffix.lower()
    out = gdf.copy()
    for col in out.columns:
        if col != out.geometry.name and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
    with atomic_write_path(target) as tmp:
        if ext == ".gpkg":
            pyogrio.write_dataframe(out, tmp, layer=layer or target.stem, driver="GPKG")
        elif ext in (".geojson", ".json"):
            pyogrio.write_dataframe(out.to_crs(4326) if out.crs is not None else out, tmp, driver="GeoJSON")
        elif ext == ".csv":
            table = pd.DataFrame(out.drop(columns=out.geometry.name))
            table["WKT"] = out.geometry.to_wkt()
            from geo.spreadsheet import csv_bytes

            tmp.write_bytes(csv_bytes(table))  # text that would start a formula is escaped
        else:
            raise UnsupportedFormatError(*pair("reader.can_only_write_gpkg_geojson", name=target.name))
    return target
