"""The public entry points: :func:`read_layer` (read, understand, validate) and :func:`read_layer_bytes`."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.layer_errors import EmptyLayerError, FileTooLargeError, GeometryTypeError, LayerRefusedError, MissingColumnsError, NoUsableRowsError, UnsupportedFormatError
from geo.messages import ByLang, listing, pair
from geo.safe_io import DEFAULT_MAX_MEMBERS
from geo.schemas import LAYER_SCHEMAS, LayerSchema
from geo.validation import LayerReport, check_duplicates, check_geometries, check_magnitudes, parse_fields
from geo.readers._base import COORD_CHOICES, DEFAULT_MAX_BYTES, DEFAULT_MAX_UNPACKED, LayerReadResult, _ARCHIVE_EXT, _Raw, _TABLE_EXT, _VECTOR_EXT, _refuse
from geo.readers.checks import _location_checks
from geo.readers.columns import _map_columns
from geo.readers.coordinates import _datum, _datum_from_column, _geoms_from_table, _parse_crs, _place
from geo.readers.formats import _read_archive, _read_table, _read_vector

# file types refused with a fix-it message: extension -> catalogue key (its {name} is the file)
_REFUSED_EXT = {
    ".xls": "reader.refused_xls", ".et": "reader.refused_et", ".dwg": "reader.refused_dwg", ".dxf": "reader.refused_dxf",
    ".dbf": "reader.refused_dbf", ".shx": "reader.refused_shx", ".pbf": "reader.refused_osm_file", ".osm": "reader.refused_osm_file",
}


def read_layer(
    path: str | Path,
    layer_type: str,
    *,
    coords: str = "auto",
    layer: str | None = None,
    streets=None,
    study_area=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    crs: str | None = None,
    max_zip_members: int = DEFAULT_MAX_MEMBERS,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED,
) -> LayerReadResult:
    """Read, understand and validate a planner's layer file.

    Formats: CSV/TXT/TSV, XLSX, GeoJSON, GeoPackage, shapefile in a zip, KML/KMZ. Headers are
    mapped onto canonical column names (:mod:`geo.schemas` aliases), coordinates are parsed,
    reprojected and, where the evidence is clear, converted from a Chinese datum; every problem
    goes to the report with its row number, and rows with errors are dropped.

    Parameters
    ----------
    path : str or Path
        The layer file.
    layer_type : str
        One of :data:`LAYER_SCHEMAS` ("centers", "stations", "grids", "communities",
        "candidates", "demand", ...).
    coords : str
        Datum of lon/lat values: "auto" (detect against ``streets`` or the bundled sample city,
        convert only on clear evidence), "wgs84", "gcj02" or "bd09".
    layer : str, optional
        GeoPackage layer, Excel sheet or archive member.
    streets : geopandas.GeoSeries or geopandas.GeoDataFrame, optional
        Street lines (metric CRS preferred) for datum detection and far-from-street warnings
        (beyond 300 m).
    study_area : shapely.Geometry or geopandas.GeoSeries or geopandas.GeoDataFrame, optional
        Polygon (shapely in WGS-84, EPSG:4326) for outside-area warnings.
    max_bytes : int
        Size cap of the input file in bytes (200 MB by default).
    crs : str, optional
        CRS of CSV/XLSX coordinates when they are not lon/lat (e.g. "EPSG:4549"), or to override
        a vector file's declared CRS.
    max_zip_members : int
        Most members of a zip/KMZ archive.
    max_unpacked_bytes : int
        Most bytes a zip, KMZ or XLSX may unpack to (1 GiB by default).

    Returns
    -------
    LayerReadResult
        ``gdf`` in EPSG:4326 with RangeIndex, the schema's canonical columns (in schema order;
        missing optional ones as NA, ``id`` as str), further columns of the file and
        ``source_row`` (the planner's row number); ``report`` with every problem and note.

    Raises
    ------
    LayerRefusedError
        Unknown ``layer_type`` or ``coords``, a missing path, or a folder; its subclasses
        ``EmptyLayerError``, ``FileTooLargeError``, ``UnsupportedFormatError``,
        ``UnsafeFileError``, ``LayerChoiceError``, ``MissingColumnsError``, ``GeometryTypeError``
        and ``NoUsableRowsError`` for the named refusals.
    CoordinateRefusedError
        ``MixedCRSError`` (a 坐标系 column naming several systems) or
        ``CoordinateUnitsError`` (a CRS that is not understood, or coordinates whose units do
        not fit it).
    """
    if layer_type not in LAYER_SCHEMAS:
        raise LayerRefusedError(*pair("reader.unknown_layer_type", layer_type=layer_type, choices=listing(LAYER_SCHEMAS)))
    if coords not in COORD_CHOICES:
        raise LayerRefusedError(*pair("reader.coords_choices", choices=listing(COORD_CHOICES)))
    schema = LAYER_SCHEMAS[layer_type]
    p = Path(path)
    name = p.name
    if not p.exists():
        raise LayerRefusedError(*pair("reader.file_not_found_check_path", path=p))
    if not p.is_file():
        raise LayerRefusedError(*pair("reader.folder_not_layer_file_shapefile", path=p))
    size = p.stat().st_size
    if size == 0:
        raise EmptyLayerError(*pair("reader.file_empty_bytes", name=name))
    if size > max_bytes:
        raise FileTooLargeError(
            *pair("reader.file_above_limit", name=name, size_mb=size / 1e6, limit_mb=max_bytes / 1e6),
        )
    ext = p.suffix.lower()
    report = LayerReport(file=name, layer_type=layer_type)
    if ext in _REFUSED_EXT:
        raise UnsupportedFormatError(*pair(_REFUSED_EXT[ext], name=name))
    with tempfile.TemporaryDirectory(prefix="sc_layer_") as tmp:
        if ext in _VECTOR_EXT:
            raw = _read_vector(p, _VECTOR_EXT[ext], layer, report)
        elif ext in _TABLE_EXT:
            raw = _read_table(p, _TABLE_EXT[ext], layer, report, max_unpacked_bytes)
        elif ext in _ARCHIVE_EXT:
            raw = _read_archive(p, _ARCHIVE_EXT[ext], layer, report, Path(tmp), max_zip_members, max_unpacked_bytes)
        else:
            raise UnsupportedFormatError(
                *pair("reader.unsupported_file_type", name=name, ext=ByLang(ext or '无扩展名', ext or 'no extension')),
            )
    return _understand(raw, schema, report, name, coords=coords, streets=streets, study_area=study_area, crs=crs)


def _understand(raw: _Raw, schema: LayerSchema, report: LayerReport, name: str, *, coords: str, streets,
                study_area, crs: str | None) -> LayerReadResult:
    report.encoding = raw.encoding
    report.row_kind = raw.row_kind
    report.rows_read = len(raw.df) if raw.geoms is None else len(raw.geoms)
    if report.rows_read == 0:
        raise _refuse(EmptyLayerError, *pair("reader.file_holds_no_data_rows", name=name, layer_type=schema.layer_type), report)
    df = _map_columns(raw.df, schema, report)
    rows = raw.rows
    if raw.geoms is None:
        has_geom_cols = "wkt" in df.columns or {"lon", "lat"} <= set(df.columns) or "lonlat" in df.columns
        missing_zh, missing_en = [], []
        if not has_geom_cols:
            missing_zh.append("坐标列（经度、纬度）或 WKT 几何列")
            missing_en.append("coordinate columns (lon, lat) or a WKT geometry column")
        for f in schema.required:
            if f.name not in df.columns:
                missing_zh.append(f"“{f.header_zh}”")
                missing_en.append(f"'{f.name}' ({f.zh})")
        if missing_zh:
            found = "、".join(map(str, raw.df.columns))
            raise _refuse(MissingColumnsError,
                          *pair("reader.missing_columns", name=name, layer_type=schema.layer_type, missing=ByLang('、'.join(missing_zh), ', '.join(missing_en)), found=ByLang(found, ', '.join(map(str, raw.df.columns)))),
                          report)
        n_before = len(report.errors)
        geoms = _geoms_from_table(df, rows, schema, report, name)
        reported = np.isin(rows, [p.row for p in report.errors[n_before:]] + list(raw.formula_rows))
        file_datum, col_crs = _datum_from_column(df, name)
        declared = _parse_crs(crs, name) if crs else col_crs
        crs_declared = declared is not None
        if declared is None:
            declared = CRS.from_epsg(4326)
            report.note(*pair("reader.table_coordinates_taken_wgs_lon"))
    else:
        missing = [f for f in schema.required if f.name not in df.columns]
        if missing:
            raise _refuse(MissingColumnsError,
                          *pair("reader.missing_fields", name=name, missing=ByLang('、'.join((f.header_zh for f in missing)), ', '.join((f.name for f in missing))), found=ByLang('、'.join(map(str, raw.df.columns)) or '（无）', ', '.join(map(str, raw.df.columns)) or '(none)')),
                          report)
        geoms = raw.geoms
        reported = None
        file_datum, _ = _datum_from_column(df, name)
        declared = _parse_crs(crs, name) if crs else raw.crs
        crs_declared = declared is not None
    present = ~shapely.is_missing(np.asarray(geoms, dtype=object))
    geoms, ok, wrong = check_geometries(geoms, schema, rows, report, reported)
    if wrong.any() and wrong.sum() == present.sum():
        kinds = "或".join({"point": "点", "polygon": "面"}[g] for g in schema.geometry)
        found = ", ".join(sorted(set(gpd.GeoSeries(np.asarray(geoms, dtype=object)[wrong]).geom_type)))
        raise _refuse(GeometryTypeError,
                      *pair("reader.wrong_geometry_type", name=name, found=found, layer_type_name=ByLang(schema.zh, schema.en), expected=ByLang(kinds, ' or '.join(schema.geometry))),
                      report)
    geoms, ok = _place(raw, geoms, ok, declared, crs_declared, report, name,
                       chinese_datum=coords if coords in ("gcj02", "bd09") else file_datum)
    is_point = schema.geometry == ("point",)
    geoms, used_streets = _datum(geoms, ok, coords, file_datum, streets, report, is_point)
    attrs, missing_required = parse_fields(df, schema, rows, report)
    ok &= ~missing_required
    check_magnitudes(attrs, geoms, ok, rows, report)
    _location_checks(geoms, ok, rows, used_streets, study_area, is_point, report)
    keep = np.flatnonzero(ok)
    drop_cols = [c for c in ("lon", "lat", "wkt", "lonlat", "crs_text") if c in attrs.columns]
    out = attrs.drop(columns=drop_cols).iloc[keep].reset_index(drop=True)
    kept_rows = rows[keep]
    out = check_duplicates(out, kept_rows, report, check_names=schema.layer_type != "demand")
    for f in schema.fields:
        if f.name not in out.columns:
            out[f.name] = pd.Series([[] for _ in range(len(out))] if f.kind == "list" else [pd.NA] * len(out), dtype=object)
    if out["id"].isna().all():
        prefix = schema.layer_type[:1].upper()
        out["id"] = [f"{prefix}{k + 1:03d}" for k in range(len(out))]
        if len(out):
            report.note(*pair("reader.no_id_column_ids_assigned", first_id=out['id'].iloc[0]))
    else:
        blank = out["id"].isna()
        out.loc[blank, "id"] = [f"row{r}" for r in kept_rows[blank.to_numpy()]]
    ids = out["id"].tolist()
    if set(map(type, ids)) - {str}:  # numbers from a spreadsheet or vector file: 12.0 -> "12"
        ids = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in ids]
    out["id"] = ids
    out["source_row"] = kept_rows
    ordered = [f.name for f in schema.fields] + [c for c in out.columns if c not in {f.name for f in schema.fields}]
    gdf = gpd.GeoDataFrame(out[ordered], geometry=gpd.GeoSeries(geoms[keep], crs="EPSG:4326").values, crs="EPSG:4326")
    report.rows_used = len(gdf)
    if report.rows_used == 0:
        raise _refuse(NoUsableRowsError, *pair("reader.rows_were_read_but_none", name=name, rows_read=report.rows_read), report)
    return LayerReadResult(gdf, report)


_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def read_layer_bytes(data: bytes, filename: str, layer_type: str, **kw) -> LayerReadResult:
    """Read an uploaded file (bytes + original file name) via :func:`read_layer`.

    The bytes are written to a private temporary folder under a sanitised name (no directory
    parts), read, and removed.

    Parameters
    ----------
    data : bytes
        File content.
    filename : str
        Original file name (its extension picks the format).
    layer_type : str
        One of :data:`LAYER_SCHEMAS`.
    **kw
        Keyword arguments of :func:`read_layer` (``max_bytes`` is checked before writing).

    Returns
    -------
    LayerReadResult
        As :func:`read_layer`.

    Raises
    ------
    FileTooLargeError
        ``data`` is larger than ``max_bytes``.
    LayerRefusedError
        Any refusal of :func:`read_layer`.
    """
    max_bytes = kw.get("max_bytes", DEFAULT_MAX_BYTES)
    safe = _SAFE_NAME.sub("_", Path(str(filename).replace("\\", "/")).name).lstrip(".") or "upload"
    if len(data) > max_bytes:
        raise FileTooLargeError(
            *pair("reader.upload_above_limit", name=safe, size_mb=len(data) / 1e6, limit_mb=max_bytes / 1e6),
        )
    with tempfile.TemporaryDirectory(prefix="sc_upload_") as tmp:
        target = Path(tmp) / safe
        target.write_bytes(data)
        return read_layer(target, layer_type, **kw)
