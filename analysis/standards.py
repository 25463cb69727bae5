"""Audit standards read from a TOML file: what a service center or red station must have.

The shipped default (``data/standards/default.toml``) follows the documents: centers need the
three basic functions 便民服务、办公议事、党群活动; the featured space "1" is reported, not
required ("有条件的社区"); flexible spaces "N" are counted; red stations need 饮水机、电冰箱、
微波炉、空调, other amenities count as extras; a minimum floor area (m²) is configurable (0 = not
checked). A street office points to its own file; every audit output names the standard used
(its name and the first 12 hex digits of the file's SHA-256).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from geo.errors import ServiceCircleError
from geo.messages import ByLang, both, text
from geo.schemas import CENTER_FUNCTIONS, STATION_AMENITIES, normalize_header

DEFAULT_STANDARD = Path(__file__).resolve().parent.parent / "data" / "standards" / "default.toml"


class StandardError(ServiceCircleError):
    """The standards file cannot be used (missing, not TOML, unknown item, bad value)."""


@dataclass(frozen=True)
class Standard:
    """A parsed standard; item tuples hold canonical column names of :mod:`geo.schemas`."""

    name: str
    name_en: str
    file: str
    sha256: str
    center_mandatory: tuple[str, ...]
    featured_space_required: bool
    min_flexible_spaces: int
    station_mandatory: tuple[str, ...]
    station_min_area_m2: float

    @property
    def sha_short(self) -> str:
        """The first 12 hex digits of the file's SHA-256."""
        return self.sha256[:12]

    def label(self, lang: str = "zh") -> str:
        """e.g. '文件默认标准（…）（default.toml，sha256 1a2b3c4d5e6f）'.

        Parameters
        ----------
        lang : str
            ``"zh"`` or ``"en"`` (English name, falling back to the Chinese one).

        Returns
        -------
        str
            Name, file name and SHA-256 prefix.
        """
        name = self.name if lang == "zh" else (self.name_en or self.name)
        return text("report.standard_label", lang, name=name, file=self.file, sha=self.sha_short)


def _resolve(items, catalogue: tuple[tuple[str, str, str], ...], what_zh: str, what_en: str, file: str) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise StandardError(both("error.standard_mandatory_not_list", file=file, what=ByLang(what_zh, what_en)))
    lookup = {}
    for col, zh, en in catalogue:
        for a in (col, zh, en):
            lookup[normalize_header(a)] = col
    lookup.setdefault(normalize_header("冰箱"), "fridge")
    lookup.setdefault(normalize_header("活动"), "func_activity")
    out = []
    for x in items:
        col = lookup.get(normalize_header(x))
        if col is None:
            known = ByLang("、".join(zh for _, zh, _ in catalogue), ", ".join(en for _, _, en in catalogue))
            raise StandardError(both("error.standard_unknown_name", file=file, what=ByLang(what_zh, what_en), x=x,
                                     known=known))
        out.append(col)
    return tuple(dict.fromkeys(out))


def parse_standard(data: bytes, file: str = "standard.toml") -> Standard:
    """A :class:`Standard` from TOML bytes; raises :class:`StandardError` (bilingual) when invalid.

    Parameters
    ----------
    data : bytes
        The file's content (UTF-8 TOML, a BOM is allowed).
    file : str
        File name used in messages and in :attr:`Standard.file`.

    Returns
    -------
    Standard

    Raises
    ------
    StandardError
        When the text is not UTF-8 or not TOML, or an item or value is invalid.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise StandardError(both("error.standard_not_utf8", file=file)) from None
    except tomllib.TOMLDecodeError as err:
        raise StandardError(both("error.standard_not_toml", file=file, err=err)) from None
    c = doc.get("centers", {})
    s = doc.get("stations", {})
    if not isinstance(c, dict) or not isinstance(s, dict):
        raise StandardError(both("error.standard_tables", file=file))
    name = doc.get("name", Path(file).stem)
    featured = c.get("featured_space_required", False)
    min_flex = c.get("min_flexible_spaces", 0)
    min_area = s.get("min_area_m2", 0)
    if not isinstance(featured, bool):
        raise StandardError(both("error.standard_featured_bool", file=file))
    if isinstance(min_flex, bool) or not isinstance(min_flex, int) or min_flex < 0:
        raise StandardError(both("error.standard_min_flex", file=file))
    if isinstance(min_area, bool) or not isinstance(min_area, (int, float)) or not (0 <= min_area < float("inf")):
        raise StandardError(both("error.standard_min_area", file=file))
    return Standard(
        name=str(name), name_en=str(doc.get("name_en", name)), file=Path(file).name, sha256=sha,
        center_mandatory=_resolve(c.get("mandatory", ["便民服务", "办公议事", "党群活动"]), CENTER_FUNCTIONS,
                                  "中心基本功能", "center function", file),
        featured_space_required=featured, min_flexible_spaces=int(min_flex),
        station_mandatory=_resolve(s.get("mandatory", ["饮水机", "电冰箱", "微波炉", "空调"]), STATION_AMENITIES,
                                   "驿站设施", "station amenity", file),
        station_min_area_m2=float(min_area),
    )


def load_standard(path: str | Path | None = None) -> Standard:
    """The standard in ``path`` (default: the shipped ``data/standards/default.toml``).

    Parameters
    ----------
    path : str or Path, optional
        A TOML standards file; None for the shipped default.

    Returns
    -------
    Standard

    Raises
    ------
    StandardError
        When the file does not exist or is invalid.
    """
    p = Path(path) if path is not None else DEFAULT_STANDARD
    if not p.is_file():
        raise StandardError(both("error.standard_not_found", p=p))
    return parse_standard(p.read_bytes(), p.name)
