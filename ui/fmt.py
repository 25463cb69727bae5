"""How numbers are shown (one place, so tests can compare the page with the engine)."""

from __future__ import annotations

import math

from analysis import numfmt
from analysis.coverage import CoverageSummary
from analysis.wording import circle_comparison
from ui.i18n import t


def _bad(x) -> bool:
    return numfmt.finite(x) is None


def number(x: float) -> str:
    """A threshold or setting without trailing zeros: 8.0 -> "8", 7.5 -> "7.5"."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def pct(share, digits: int = 1) -> str:
    """0.8234 -> "82.3%"."""
    return numfmt.fmt_pct(share, digits)


def people(n, lang: str = "zh") -> str:
    """12345.6 -> "12,346 人" / "12,346"."""
    return "—" if _bad(n) else t("people_unit", lang, v=f"{int(round(float(n))):,}")


def minutes(x, lang: str = "zh") -> str:
    """6.04 -> "6.0 分钟"; unreachable (inf) -> "> 60 分钟"."""
    if x is None:
        return "—"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(f):
        return "—"
    if math.isinf(f):
        return "∞"
    return t("min_unit", lang, v=f"{f:.1f}")


def signed_pct_points(delta_share) -> str:
    """Change of a share in percentage points: 0.031 -> "+3.1"."""
    return numfmt.fmt_pp(delta_share)


def overstatement(pct_value) -> str:
    """Straight-line overstatement, already in percent: 23.4 -> "23.4%"."""
    return numfmt.fmt_pct_value(pct_value)


def circle_text(summary, lang: str = "zh") -> str:
    """The straight-line comparison with its label, as in the CLI and reports."""
    label, value = circle_comparison(summary, lang)
    return f"{label} {value}"


def headline(summary: CoverageSummary, lang: str = "zh") -> dict[str, str]:
    """The five headline figures as shown on the coverage page."""
    return {
        "share": pct(summary.covered_share),
        "uncovered": people(summary.uncovered_pop, lang),
        "median": minutes(summary.median_min, lang),
        "p90": minutes(summary.p90_min, lang),
        "overstatement": circle_comparison(summary, lang)[1],  # % and percentage points, as in the CLI and reports
    }
