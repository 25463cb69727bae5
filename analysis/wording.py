"""Shared wording for figures that appear in the app, the CLI and the reports (one phrasing each).

* :func:`persons` — numbers of people as whole persons with thousands separators.
* :func:`circle_comparison` — the straight-line comparison, always as a relative % AND
  percentage points under the same label.
"""

from __future__ import annotations

import math

from analysis.coverage import CoverageSummary
from analysis.numfmt import fmt_int
from geo.messages import text



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
    label = text("common.overstatement", lang)
    if not (isinstance(pct, (int, float)) and math.isfinite(pct)):
        return label, "—"
    return label, text("report.change_pct_pp", lang, pct=pct, pp=pp)
