"""Exceptions for refused planner layers. Each carries a Chinese and an English message
(``str(err)`` shows both) and, when available, the full validation report with every problem."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import CRSError, LayerError

if TYPE_CHECKING:  # pragma: no cover
    from geo.validation import LayerReport


class _Bilingual:
    def _init(self, message_zh: str, message_en: str, report: "LayerReport | None") -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.report = report

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


class LayerRefusedError(_Bilingual, LayerError):
    """The file cannot be used as a layer; the message says why and how to fix it."""

    def __init__(self, message_zh: str, message_en: str, report: "LayerReport | None" = None) -> None:
        self._init(message_zh, message_en, report)
        LayerError.__init__(self, f"{message_zh}\n{message_en}")


class FileTooLargeError(LayerRefusedError):
    """The file is above the configured size cap."""


class UnsupportedFormatError(LayerRefusedError):
    """Unknown or unsupported file type (e.g. old .xls, .dwg)."""


class EncryptedWorkbookError(UnsupportedFormatError):
    """A password-protected (encrypted) Excel workbook: an OLE container with an EncryptedPackage."""


class MixedEncodingError(LayerRefusedError):
    """Lines of one text file use different encodings (UTF-8 and GBK)."""


class UnsafeFileError(LayerRefusedError):
    """The file could be an attack: XML entities/DTD, unsafe archive."""


class LayerChoiceError(LayerRefusedError):
    """Several layers or sheets and none chosen, or the chosen one does not exist."""


class EmptyLayerError(LayerRefusedError):
    """No features / no data rows at all."""


class MissingColumnsError(LayerRefusedError):
    """Required columns (coordinates, name, population) are missing."""


class GeometryTypeError(LayerRefusedError):
    """Geometries of the wrong kind (lines where points or polygons are expected)."""


class NoUsableRowsError(LayerRefusedError):
    """Rows were read but every one has an error."""


class CoordinateRefusedError(_Bilingual, CRSError):
    """Coordinates cannot be placed: unknown or mixed CRS, metres without a CRS."""

    def __init__(self, message_zh: str, message_en: str, report: "LayerReport | None" = None) -> None:
        self._init(message_zh, message_en, report)
        CRSError.__init__(self, f"{message_zh}\n{message_en}")


class MixedCRSError(CoordinateRefusedError):
    """Rows or layers of one file use different coordinate systems."""


class CoordinateUnitsError(CoordinateRefusedError):
    """Metre coordinates without a CRS, or coordinates out of any valid range."""
