"""Read KML placemarks safely with defusedxml (no DTD, no entities, no external references).

GDAL's LIBKML driver turns Chinese ExtendedData field names into underscores, so KML is
parsed here: every Placemark becomes a row with its name, description, ExtendedData
(``Data``/``SimpleData``) values and the folder it sits in; Point, LineString, Polygon and
MultiGeometry become shapely geometries (lon/lat, WGS-84 as KML requires).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import numpy as np
import pandas as pd
import shapely

from geo.layer_errors import UnsafeFileError, UnsupportedFormatError
from geo.messages import pair


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el: Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t or None


def _coords(el: Element | None) -> np.ndarray:
    """"lon,lat[,alt] lon,lat …" → (n, 2) array; empty array when unreadable."""
    text = _text(_child(el, "coordinates")) if el is not None else None
    if not text:
        return np.empty((0, 2))
    pts = []
    for token in text.replace("\n", " ").split():
        parts = token.split(",")
        if len(parts) < 2:
            return np.empty((0, 2))
        try:
            pts.append((float(parts[0]), float(parts[1])))
        except ValueError:
            return np.empty((0, 2))
    return np.asarray(pts, dtype=float)


def _ring(boundary: Element | None):
    ring = _child(boundary, "LinearRing") if boundary is not None else None
    c = _coords(ring)
    return c if len(c) >= 3 else None


def _geometry(el: Element):
    kind = _local(el.tag)
    if kind == "Point":
        c = _coords(el)
        return shapely.Point(c[0]) if len(c) else None
    if kind in ("LineString", "LinearRing"):
        c = _coords(el)
        return shapely.LineString(c) if len(c) >= 2 else None
    if kind == "Polygon":
        shell = _ring(_child(el, "outerBoundaryIs"))
        if shell is None:
            return None
        holes = [h for b in el if _local(b.tag) == "innerBoundaryIs" for h in [_ring(b)] if h is not None]
        return shapely.Polygon(shell, holes)
    if kind == "MultiGeometry":
        parts = [g for c in el for g in [_geometry(c)] if g is not None]
        if not parts:
            return None
        types = {p.geom_type for p in parts}
        if types == {"Point"}:
            return shapely.MultiPoint(parts)
        if types == {"Polygon"}:
            return shapely.MultiPolygon(parts)
        if types == {"LineString"}:
            return shapely.MultiLineString(parts)
        return shapely.GeometryCollection(parts)
    return None


def _placemark(pm: Element, folder: str | None) -> tuple[dict, object]:
    props: dict[str, object] = {"name": _text(_child(pm, "name")), "description": _text(_child(pm, "description"))}
    ext = _child(pm, "ExtendedData")
    if ext is not None:
        for item in ext.iter():
            tag = _local(item.tag)
            if tag == "Data" and item.get("name"):
                props[item.get("name")] = _text(_child(item, "value"))
            elif tag == "SimpleData" and item.get("name"):
                props[item.get("name")] = _text(item)
    if folder:
        props["kml_folder"] = folder
    geom = None
    for c in pm:
        geom = _geometry(c)
        if geom is not None:
            break
    return props, geom


def read_kml(path: str | Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Placemarks of a KML file as an attribute table and geometries.

    Parameters
    ----------
    path : str or Path
        The ``.kml`` file. DTDs and entity declarations are refused (defusedxml).

    Returns
    -------
    table : pandas.DataFrame
        One row per Placemark (object dtype): ``name``, ``description``, ExtendedData values
        and ``kml_folder`` (the enclosing Folder's name) where present.
    geometries : numpy.ndarray of object
        Shapely geometry per row in lon/lat degrees (KML is WGS-84), None when the
        Placemark has none.

    Raises
    ------
    UnsafeFileError
        The file declares a DTD or entities (a possible XML bomb).
    UnsupportedFormatError
        Not valid XML, or the root element is not ``kml``.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    p = Path(path)
    try:
        root = DET.parse(p, forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as err:
        raise UnsafeFileError(
            *pair("reader.file_declares_dtd_or_entities", name=p.name),
        ) from err
    except ParseError as err:
        raise UnsupportedFormatError(*pair("reader.not_valid_kml_xml_file", name=p.name, err=err)) from err
    if _local(root.tag) != "kml":
        raise UnsupportedFormatError(*pair("reader.not_kml", name=p.name, root=_local(root.tag)))
    rows: list[dict] = []
    geoms: list[object] = []

    def walk(el: Element, folder: str | None) -> None:
        for c in el:
            tag = _local(c.tag)
            if tag == "Placemark":
                props, g = _placemark(c, folder)
                rows.append(props)
                geoms.append(g)
            elif tag in ("Folder", "Document"):
                name = _text(_child(c, "name")) if tag == "Folder" else folder
                walk(c, name if tag == "Folder" else folder)

    walk(root, None)
    return pd.DataFrame(rows, dtype=object), np.asarray(geoms + [None], dtype=object)[:-1]
