"""Per-format input: vector files (GeoJSON, GeoPackage, shapefile, KML), tables (CSV/XLSX), zip/KMZ archives."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geo.layer_errors import LayerChoiceError, LayerRefusedError, UnsupportedFormatError
from geo.messages import ByLang, listing, pair
from geo.safe_io import safe_extract_zip
from geo.tables import Table, read_csv_table, read_xlsx_table
from geo.validation import LayerReport
from geo.readers._base import _Raw, _TABLE_EXT, _VECTOR_EXT, _refuse


def _read_vector(path: Path, kind: str, layer: str | None, report: LayerReport) -> _Raw:
    import pyogrio

    name = path.name
    encoding = None
    if kind == "kml":
        from geo.kml import read_kml

        df, geoms = read_kml(path)
        if "kml_folder" in df.columns and df["kml_folder"].nunique() > 1 and layer is not None:
            keep = (df["kml_folder"] == layer).to_numpy()
            if not keep.any():
                raise LayerChoiceError(*pair("reader.no_such_folder", name=name, layer=layer, folders=listing(df['kml_folder'].dropna().unique())))
            df, geoms = df[keep].reset_index(drop=True), geoms[keep]
            report.layer_name = layer
        return _Raw(df, geoms, CRS.from_epsg(4326), np.arange(1, len(df) + 1), "feature", None, report.layer_name)
    if kind == "shp":
        encoding = _shapefile_encoding(path, report)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as err:  # any GDAL failure to open is "cannot be read"
        raise _refuse(UnsupportedFormatError, *pair("reader.cannot_read_file", name=name, format=kind.upper(), err=err)) from err
    layer_names = [str(n) for n in layers[:, 0]] if len(layers) else []
    chosen: list[str | None]
    if layer is not None:
        if layer not in layer_names:
            raise LayerChoiceError(*pair("reader.no_such_layer", name=name, layer=layer, layers=listing(layer_names)))
        chosen = [layer]
    elif len(layer_names) > 1:
        raise LayerChoiceError(
            *pair("reader.several_layers", name=name, n=len(layer_names), layers=listing(layer_names)),
        )
    else:
        chosen = [layer_names[0] if layer_names else None]
    frames = []
    try:
        for lyr in chosen:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                df = pyogrio.read_dataframe(path, layer=lyr, encoding=encoding, on_invalid="ignore", force_2d=True)
            for msg in sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)}):
                report.add(None, "geometry", *pair("reader.gdal_said_while_reading", msg=msg), "warning")
            frames.append(df)
    except Exception as err:  # GDAL raises DataSourceError, DataLayerError, FieldError, GeometryError …
        raise _refuse(UnsupportedFormatError, *pair("reader.content_cannot_parsed_export_again", name=name, err=err)) from err
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    crs = None
    geoms = None
    if isinstance(df, gpd.GeoDataFrame):
        crs = CRS.from_user_input(df.crs) if df.crs is not None else None
        geoms = np.asarray(df.geometry.values, dtype=object)
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    rows = np.arange(1, len(df) + 1)
    if layer is not None or len(layer_names) > 1:
        report.layer_name = ", ".join(str(c) for c in chosen)
    return _Raw(df.reset_index(drop=True), geoms, crs, rows, "feature", encoding, report.layer_name)


def _shapefile_encoding(shp: Path, report: LayerReport) -> str | None:
    """Attribute encoding of a shapefile: from .cpg if present, else UTF-8 if it decodes, else GBK."""
    siblings = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
    missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
    if missing:
        raise LayerRefusedError(
            *pair("reader.shapefile_incomplete", name=shp.name, missing=listing(missing)),
        )
    if ".prj" not in siblings:
        report.add(None, None, *pair("reader.shapefile_has_no_prj_crs"), "warning")
    if ".cpg" in siblings:
        enc = siblings[".cpg"].read_text(errors="replace").strip() or None
        return _gdal_encoding(enc)
    data = siblings[".dbf"].read_bytes()
    header_len = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    names = b"".join(data[o:o + 11].split(b"\x00")[0] for o in range(32, max(header_len - 1, 32), 32) if data[o:o + 1] != b"\r")
    body = names + b" " + data[header_len:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        report.note(*pair("reader.no_cpg_shapefile_attributes_read"))
        return "GB18030"


def _gdal_encoding(enc: str | None) -> str | None:
    if enc is None:
        return None
    e = enc.upper().replace("-", "")
    if e in ("UTF8",):
        return "UTF-8"
    if e in ("GBK", "GB2312", "CP936", "936", "GB18030", "ANSI 936"):
        return "GB18030"
    return enc


def _read_table(path: Path, kind: str, layer: str | None, report: LayerReport, max_unpacked: int) -> _Raw:
    table: Table = read_csv_table(path) if kind == "csv" else read_xlsx_table(path, layer, max_unpacked)
    for zh, en in zip(table.notes_zh, table.notes_en):
        report.note(zh, en)
    report.layer_name = table.sheet
    formulas = table.formulas or {}
    for r in sorted(formulas):
        cells = formulas[r]
        listed = ", ".join(f"{c} {f}" for c, f in cells[:3]) + (" …" if len(cells) > 3 else "")
        report.add(r, None, *pair("reader.formula_cell_without_saved_result", listed=ByLang(listed.replace(', ', '、'), listed)))
    return _Raw(table.frame(), None, None, table.rows, "row", table.encoding, table.sheet, tuple(formulas))


def _read_archive(path: Path, kind: str, layer: str | None, report: LayerReport, tmp: Path,
                  max_members: int, max_unpacked: int) -> _Raw:
    files = safe_extract_zip(path, tmp / "unzipped", max_members=max_members, max_total_bytes=max_unpacked)
    usable = [f for f in files if not any(part.startswith(("__MACOSX", ".")) for part in f.relative_to(tmp / "unzipped").parts)]
    exts = {e for e in (*_VECTOR_EXT, *_TABLE_EXT) if e not in (".txt", ".json")}  # readme.txt, metadata.json
    if kind == "kmz":
        exts = {".kml"}
    cands = [f for f in usable if f.suffix.lower() in exts]
    if not cands:
        listing_zh = "、".join(f.name for f in usable[:10]) or "（空）"
        listing_en = ", ".join(f.name for f in usable[:10]) or "(nothing)"
        raise UnsupportedFormatError(
            *pair("reader.archive_without_layer", name=path.name, listing=ByLang(listing_zh, listing_en)),
        )
    if len(cands) > 1:
        if layer is not None:
            match = [f for f in cands if f.stem == layer or f.name == layer]
            if match:
                cands = match[:1]
                layer = None
        if len(cands) > 1 and kind != "kmz":
            names = [f.name for f in cands]
            raise LayerChoiceError(
                *pair("reader.archive_several_layers", name=path.name, layers=listing(names)),
            )
    inner = cands[0]
    report.note(*pair("reader.read_from_archive", name=inner.name))
    ext = inner.suffix.lower()
    if ext in _TABLE_EXT:
        return _read_table(inner, _TABLE_EXT[ext], layer, report, max_unpacked)
    return _read_vector(inner, _VECTOR_EXT[ext], layer, report)


# ----------------------------------------------------------------------------- understanding
