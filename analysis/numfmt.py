"""Safe number formatting shared by the CLI, the app and the reports: never ``nan`` or ``inf``.

Every function returns ``missing`` ("—" by default) for None, NaN, infinities and values that
are not numbers, so a summary can never print ``nan%`` or ``inf``.
"""

from __future__ import annotations

import math

MISSING = "—"


def finite(x) -> float | None:
    """``x`` as a finite float, or None (None, NaN, ±inf, text that is not a number).

    Parameters
    ----------
    x : Any
        Value to convert.

    Returns
    -------
    float or None
    """
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_int(x, missing: str = MISSING) -> str:
    """Residents or counts, rounded with thousands separators: 12345.6 -> "12,346".

    Parameters
    ----------
    x : Any
        The number (persons, counts).
    missing : str
        Text for values that are not finite numbers.

    Returns
    -------
    str
    """
    f = finite(x)
    return missing if f is None else f"{round(f):,}"


def fmt_num(x, digits: int = 1, missing: str = MISSING, sign: bool = False) -> str:
    """A decimal number: 6.04 -> "6.0" (``sign``: "+6.0").

    Parameters
    ----------
    x : Any
        The number.
    digits : int
        Decimal places.
    missing : str
        Text for values that are not finite numbers.
    sign : bool
        Always show the sign.

    Returns
    -------
    str
        With thousands separators.
    """
    f = finite(x)
    return missing if f is None else f"{f:{'+' if sign else ''},.{digits}f}"


def fmt_pct(share, digits: int = 1, missing: str = MISSING) -> str:
    """A 0–1 share as a percentage: 0.8234 -> "82.3%".

    Parameters
    ----------
    share : Any
        A share, 0-1.
    digits : int
        Decimal places of the percentage.
    missing : str
        Text for values that are not finite numbers.

    Returns
    -------
    str
    """
    f = finite(share)
    return missing if f is None else f"{f * 100:.{digits}f}%"


def fmt_pct_value(pct, digits: int = 1, missing: str = MISSING) -> str:
    """A value already in percent: 23.4 -> "23.4%".

    Parameters
    ----------
    pct : Any
        A value in percent (0-100).
    digits : int
        Decimal places.
    missing : str
        Text for values that are not finite numbers.

    Returns
    -------
    str
    """
    f = finite(pct)
    return missing if f is None else f"{f:.{digits}f}%"


def fmt_pp(delta_share, digits: int = 1, missing: str = MISSING) -> str:
    """Change of a 0–1 share in percentage points, signed: 0.031 -> "+3.1".

    Parameters
    ----------
    delta_share : Any
        Difference of two 0-1 shares.
    digits : int
        Decimal places.
    missing : str
        Text for values that are not finite numbers.

    Returns
    -------
    str
        Percentage points with a sign, without a unit.
    """
    f = finite(delta_share)
    return missing if f is None else f"{f * 100:+.{digits}f}"
