"""Shared wording for figures that appear in the app, the CLI and the reports (one phrasing each).

* :func:`persons` — numbers of people as whole persons with thousands separators.
* :func:`circle_comparison` — the straight-line comparison, always as a relative % AND
  percentage points under the same label.
"""

from __future__ import annotations

import math

from analysis.coverage import CoverageSummary
from analysis.numfmt import fmt_int

GAP_TERM = ("覆盖缺口", "coverage gap")
CIRCLE_LABEL = ("直线圆圈高估覆盖", "Straight-line circles overstate coverage")


def persons(x) -> str:
    """Whole persons, e.g. 173,646 ('—' when unknown); see :func:`analysis.numfmt.fmt_int`.

    Parameters
    ----------
    x : float or None
        A number of persons.

    Returns
    -------
    str
        Rounded with thousands separators, or "—" for None/NaN/inf.
    """
    return fmt_int(x)


def circle_comparison(summary: CoverageSummary, lang: str = "zh") -> tuple[str, str]:
    """(label, value): how much straight-line circles overstate walking coverage.

    Value: relative to the walking coverage (%) and in percentage points of all residents,
    e.g. "+113.1%（+31.0 个百分点）".

    Parameters
    ----------
    summary : CoverageSummary
        Summary of a coverage run (``circle_overstatement_pct``, ``circle_overstatement_pp``).
    lang : str
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    tuple of (str, str)
        The label and the value text; the value is "—" when the overstatement is not a finite number.
    """
    pct, pp = summary.circle_overstatement_pct, summary.circle_overstatement_pp
    zh = lang == "zh"
    label = CIRCLE_LABEL[0 if zh else 1]
    if not (isinstance(pct, (int, float)) and math.isfinite(pct)):
        return label, "—"
    return label, (f"{pct:+.1f}%（{pp:+.1f} 个百分点）" if zh else f"{pct:+.1f}% ({pp:+.1f} percentage points)")
