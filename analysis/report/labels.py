"""Report wording and the number formatting shared by all report formats.

The strings live in the one catalogue :mod:`geo.messages`: :func:`label` reads its ``report.``
keys, :func:`plabel` its ``party.`` keys (the regional party-building outputs); a key with a dot
is a full catalogue key (``"common.yes"``). A missing key raises ``KeyError``, so a typo in a
report fails in the tests instead of printing a key.
"""

from __future__ import annotations

import math

from analysis import numfmt
from geo.messages import LANGS, both, text



def label(key: str, lang: str = "zh", **fmt) -> str:
    """The report string ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key : str
        ``report.`` key without its prefix, or a full catalogue key containing a dot.
    lang : str
        ``"en"`` for English, otherwise Chinese.
    **fmt
        Values of the string's ``{placeholders}``.

    Returns
    -------
    str
        The string as printed in the report.
    """
    return text(key if "." in key else f"report.{key}", lang, **fmt)


def plabel(key: str, lang: str = "zh", **fmt) -> str:
    """The party-building report string ``key`` (three lists, adoption, guide map) in ``lang``.

    Parameters
    ----------
    key : str
        ``party.`` key without its prefix, or a full catalogue key containing a dot.
    lang : str
        ``"en"`` for English, otherwise Chinese.
    **fmt
        Values of the string's ``{placeholders}``.

    Returns
    -------
    str
        The string as printed in the report.
    """
    return text(key if "." in key else f"party.{key}", lang, **fmt)


def check_lang(lang: str) -> str:
    """``lang`` if reports can be written in it.

    Parameters
    ----------
    lang : str
        Requested report language.

    Returns
    -------
    str
        ``lang`` unchanged (``"zh"`` or ``"en"``).

    Raises
    ------
    ParameterError
        ``lang`` is not one of :data:`geo.messages.LANGS`.
    """
    from geo.errors import ParameterError

    if lang not in LANGS:
        raise ParameterError(both("error.report_lang", lang=repr(lang)))
    return lang


def fmt_int(x: float) -> str:
    """Residents or counts, rounded, with thousands separators.

    Parameters
    ----------
    x : float
        A count (residents, households, sites).

    Returns
    -------
    str
        E.g. ``"12,345"``; ``"—"`` for NaN or infinity.
    """
    return numfmt.fmt_int(x)


def fmt_pct(share: float, digits: int = 1) -> str:
    """A share as a percentage.

    Parameters
    ----------
    share : float
        Share between 0 and 1.
    digits : int
        Decimals after the point.

    Returns
    -------
    str
        E.g. ``"83.4%"``; ``"—"`` for NaN or infinity.
    """
    return numfmt.fmt_pct(share, digits)


def fmt_min(x: float, lang: str = "zh") -> str:
    """Walking minutes with one decimal and the unit, or "unreachable".

    Parameters
    ----------
    x : float
        Walking time in minutes; None, NaN or infinity for no route within the cut-off.
    lang : str
        ``"en"`` for English, otherwise Chinese.

    Returns
    -------
    str
        E.g. ``"6.4 分钟"`` / ``"6.4 min"``, or ``"不可达"`` / ``"unreachable"``.
    """
    if x is None or not math.isfinite(float(x)):
        return label("unreachable", lang)
    return f"{float(x):.1f} {label('unit_min', lang)}"


def fmt_num(x: float, digits: int = 1) -> str:
    """A plain decimal number.

    Parameters
    ----------
    x : float
        The number (metres, kilometres, minutes, ...).
    digits : int
        Decimals after the point.

    Returns
    -------
    str
        The number with ``digits`` decimals; ``"—"`` for NaN or infinity.
    """
    return numfmt.fmt_num(x, digits)
