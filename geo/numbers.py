"""Numbers as planners type them: ``1.2万``, ``3千``, ``约300``, ``1,234``, ``１２３``, ``300人``.

:func:`parse_number_text` turns one cell into a float or says why it cannot. Values that are not
finite (``inf``, ``nan``, ``Infinity``) are never numbers here. The plausibility limits for
residents and households are stated with the reason, so every warning can quote its threshold.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from geo.messages import pair

#: Residents (or households) at one point above this are implausible: a large 小区 holds about
#: 10,000-30,000 residents; one point standing for more than 50,000 is almost surely a typo or a
#: district total. Warned, still used.
MAX_POINT_POPULATION = 50_000
#: Residents per km² of a polygon above this are implausible: the densest Chinese sub-districts
#: reach about 40,000-60,000 per km²; 100,000 per km² is above any real grid (网格). Warned, still used.
MAX_DENSITY_PER_KM2 = 100_000
#: More residents than this in one row is not a count of people at street level (more than any
#: Chinese city's population): the value is refused (error, left empty).
MAX_ROW_POPULATION = 50_000_000

_MULT = {"万": 1e4, "千": 1e3, "百": 1e2, "亿": 1e8, "k": 1e3, "w": 1e4}
_APPROX = ("大约", "约为", "约", "大概", "近", "左右", "约合", "~", "≈", "about", "approx.", "approx", "ca.")
_UNITS = ("人口", "人", "户", "口", "个", "名", "平方米", "平米", "㎡", "m²", "m2", "sqm", "people", "persons",
          "residents", "households", "hh")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_NOT_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "-nan", "+nan", "∞", "-∞", "+∞"}


@dataclass(frozen=True)
class ParsedNumber:
    """Outcome for one cell: ``value`` (None when refused), whether text was interpreted
    (``repaired``), and the reason when refused (``why_zh``/``why_en``)."""

    value: float | None
    repaired: bool = False
    why_zh: str = ""
    why_en: str = ""


def parse_number_text(raw: object) -> ParsedNumber:
    """One cell → number.

    Accepts ``1,234``, full-width digits, ``1.2万``, ``3千``, ``约300``, ``300人``, ``1200㎡``;
    refuses ``inf``/``nan``, ranges (``300-400``), words (``很多``).

    Parameters
    ----------
    raw : object
        Cell value as read: a number, a string, or None.

    Returns
    -------
    ParsedNumber
        ``value`` (float in the cell's own unit, e.g. persons or m²; None when empty or
        refused), ``repaired`` (text was interpreted) and the zh/en reason when refused.
    """
    if raw is None:
        return ParsedNumber(None)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        f = float(raw)
        if not math.isfinite(f):
            return ParsedNumber(None, False, *pair("reader.not_finite_number", raw=raw))
        return ParsedNumber(f)
    s0 = str(raw)
    s = unicodedata.normalize("NFKC", s0).strip().lower().replace("，", ",").replace("。", ".")
    s = re.sub(r"\s+", "", s)
    if not s:
        return ParsedNumber(None)
    if s in _NOT_FINITE:
        return ParsedNumber(None, False, *pair("reader.not_finite_number", raw=s0))
    repaired = s != str(s0).strip()
    for w in _APPROX:
        if s.startswith(w):
            s, repaired = s[len(w):], True
        if s.endswith(w):
            s, repaired = s[: -len(w)], True
    for u in _UNITS:
        if s.endswith(u):
            s, repaired = s[: -len(u)], True
            break
    mult = 1.0
    if s and s[-1] in _MULT:
        mult, s, repaired = _MULT[s[-1]], s[:-1], True
        if s and s[-1] in _MULT:  # 1千万 = 1e7
            mult, s = mult * _MULT[s[-1]], s[:-1]
    if _THOUSANDS.match(s):
        s, repaired = s.replace(",", ""), True
    if not _NUMBER.match(s):
        return ParsedNumber(None, False, *pair("reader.not_number", raw=s0))
    f = float(s) * mult
    if not math.isfinite(f):
        return ParsedNumber(None, False, *pair("reader.not_finite_number", raw=s0))
    return ParsedNumber(f, repaired)


#: English words for the units of geo.schemas fields (English messages never show 人/户).
UNIT_EN = {"人": "residents", "户": "households", "㎡": "m²", "万元": "10,000 yuan"}
