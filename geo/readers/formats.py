"""Per-format input: vector files (GeoJSON, GeoPackage, shapefile, KML), tables (CSV/XLSX), zip/KMZ archives."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geo.layer_errors import LayerChoiceError, LayerRefusedError, UnsupportedFormatError
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
                raise LayerChoiceError(f"{name}：没有名为“{layer}”的文件夹。现有：{'、'.join(df['kml_folder'].dropna().unique())}。",
                                       f"{name}: no folder named '{layer}'. Folders: {', '.join(df['kml_folder'].dropna().unique())}.")
            df, geoms = df[keep].reset_index(drop=True), geoms[keep]
            report.layer_name = layer
        return _Raw(df, geoms, CRS.from_epsg(4326), np.arange(1, len(df) + 1), "feature", None, report.layer_name)
    if kind == "shp":
        encoding = _shapefile_encoding(path, report)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as err:  # any GDAL failure to open is "cannot be read"
        raise _refuse(UnsupportedFormatError, f"{name}：文件无法读取，可能已损坏或不是 {kind.upper()} 格式（{err}）。",
                      f"{name}: cannot be read; it may be damaged or not {kind.upper()} ({err}).") from err
    layer_names = [str(n) for n in layers[:, 0]] if len(layers) else []
    chosen: list[str | None]
    if layer is not None:
        if layer not in layer_names:
            raise LayerChoiceError(f"{name}：没有名为“{layer}”的图层。现有图层：{'、'.join(layer_names)}。",
                                   f"{name}: no layer named '{layer}'. Layers: {', '.join(layer_names)}.")
        chosen = [layer]
    elif len(layer_names) > 1:
        raise LayerChoiceError(
            f"{name}：文件中有 {len(layer_names)} 个图层（{'、'.join(layer_names)}），请用 --layer 指定要读取的一个。",
            f"{name}: the file holds {len(layer_names)} layers ({', '.join(layer_names)}); choose one with --layer.",
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
                report.add(None, "geometry", f"读取时 GDAL 提示：{msg}", f"GDAL said while reading: {msg}", "warning")
            frames.append(df)
    except Exception as err:  # GDAL raises DataSourceError, DataLayerError, FieldError, GeometryError …
        raise _refuse(UnsupportedFormatError, f"{name}：文件内容无法解析（{err}）。请在 GIS 软件中重新导出。",
                      f"{name}: the content cannot be parsed ({err}). Export it again from your GIS.") from err
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
            f"{shp.name}：shapefile 不完整，缺少 {'、'.join(missing)}。请把 .shp、.shx、.dbf、.prj、.cpg 一起打包为 zip。",
            f"{shp.name}: the shapefile is incomplete, missing {', '.join(missing)}. Zip the .shp, .shx, .dbf, .prj and .cpg together.",
        )
    if ".prj" not in siblings:
        report.add(None, None, "shapefile 缺少 .prj（坐标系文件），将根据坐标数值判断坐标系",
                   "the shapefile has no .prj (CRS file); the CRS is judged from the coordinate values", "warning")
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
        report.note("shapefile 没有 .cpg，属性按 GBK 编码读取", "no .cpg: shapefile attributes read as GBK")
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
        report.add(r, None, f"单元格是公式但文件中没有保存计算结果（{listed.replace(', ', '、')}），读出来是空的。"
                            f"请在 Excel/WPS 中打开并保存一次，或把公式列“选择性粘贴为数值”",
                   f"formula cell(s) without a saved result ({listed}) read as empty. Open and save the workbook once in "
                   f"Excel/WPS, or paste the formula columns as values")
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
            f"{path.name}：压缩包中没有可读取的图层文件（.shp/.gpkg/.geojson/.kml/.csv/.xlsx）。包内文件：{listing_zh}。",
            f"{path.name}: no layer file (.shp/.gpkg/.geojson/.kml/.csv/.xlsx) in the archive. It holds: {listing_en}.",
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
                f"{path.name}：压缩包中有多个图层（{'、'.join(names)}），请用 --layer 指定其中一个（文件名，不含扩展名）。",
                f"{path.name}: the archive holds several layers ({', '.join(names)}); choose one with --layer (file name without extension).",
            )
    inner = cands[0]
    report.note(f"从压缩包读取 {inner.name}", f"read {inner.name} from the archive")
    ext = inner.suffix.lower()
    if ext in _TABLE_EXT:
        return _read_table(inner, _TABLE_EXT[ext], layer, report, max_unpacked)
    return _read_vector(inner, _VECTOR_EXT[ext], layer, report)


# ----------------------------------------------------------------------------- understanding
