"""Read a planner's layer from any common file, understand it, and report every problem.

Formats: GeoJSON, GeoPackage (choose the layer), shapefile (.shp with siblings, or zipped;
.cpg/.prj honoured, GBK attributes detected when there is no .cpg), KML/KMZ (parsed safely),
CSV (UTF-8, UTF-8 BOM, GBK/GB18030) and XLSX with lon/lat columns or a WKT column.

:func:`read_layer` returns a :class:`LayerReadResult`: a GeoDataFrame in EPSG:4326 with the
canonical English column names of :data:`geo.schemas.LAYER_SCHEMAS` (plus the file's other
columns and ``source_row``), and a :class:`geo.validation.LayerReport`. Files that cannot be
used raise a :class:`geo.layer_errors.LayerRefusedError` / :class:`CoordinateRefusedError`
(subclasses of ``LayerError`` / ``CRSError``, hence ``ValueError``) listing all problems.
Input files are never modified.

Package layout (one concern per module): :mod:`~geo.readers.formats` (per-format input),
:mod:`~geo.readers.columns` (header mapping), :mod:`~geo.readers.coordinates` (coordinate
parsing, CRS, datum detection hookup), :mod:`~geo.readers.checks` (location checks),
:mod:`~geo.readers.core` (:func:`read_layer`, :func:`read_layer_bytes`),
:mod:`~geo.readers.writing` (:func:`write_layer`); messages come from :mod:`geo.messages`
(``reader.`` keys).
"""

from __future__ import annotations

from geo.readers._base import (
    COORD_CHOICES,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_UNPACKED,
    FAR_FROM_STREET_M,
    LayerReadResult,
)
from geo.readers.core import read_layer, read_layer_bytes
from geo.readers.writing import write_layer

__all__ = [
    "COORD_CHOICES", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_UNPACKED", "FAR_FROM_STREET_M",
    "LayerReadResult", "read_layer", "read_layer_bytes", "write_layer",
]
