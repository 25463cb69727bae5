"""The report as data, shared by every format: :class:`ReportContent` (headline figures and
tables in one language) and :class:`Table` (columns with printed labels and how each value is shown).

Values stay numbers (residents, 0–1 shares, minutes, metres); a column's ``kind`` says how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.report.labels import fmt_int, fmt_num, fmt_pct, label
from analysis.textfit import TABLE_CHARS, shorten

#: Column kinds: text, int (residents, rounded), pct (0–1 share), num1 (one decimal), bool,
#: auto (whole numbers without decimals, others with one: rows of mixed units).
KINDS = ("text", "int", "pct", "num1", "bool", "auto")


@dataclass(frozen=True)
class Column:
    """A table column: key in ``Table.df``, printed label, and kind (see :data:`KINDS`)."""

    key: str
    label: str
    kind: str = "text"


@dataclass
class Table:
    """A titled table; ``sheet`` is its spreadsheet tab name (≤ 31 characters)."""

    key: str
    title: str
    sheet: str
    df: pd.DataFrame
    columns: list[Column]
    totals: dict[str, float] | None = None

    def display_rows(self, lang: str, limit: int | None = None) -> list[list[str]]:
        """Rows formatted as text for PDF/HTML (at most ``limit`` rows).

        Parameters
        ----------
        lang : str
            ``"zh"`` or ``"en"`` (yes/no words).
        limit : int, optional
            Largest number of rows; all rows when None.

        Returns
        -------
        list of list of str
            One list of cell texts per row, in column order.
        """
        df = self.df if limit is None else self.df.head(limit)
        return [[format_value(r[c.key], c.kind, lang) for c in self.columns] for _, r in df.iterrows()]

    def display_totals(self, lang: str) -> list[str] | None:
        """The totals row formatted as text, or None.

        Parameters
        ----------
        lang : str
            ``"zh"`` or ``"en"``.

        Returns
        -------
        list of str or None
            One text per column ("" where the totals have no value); None without totals.
        """
        if not self.totals:
            return None
        return [format_value(self.totals.get(c.key, ""), c.kind, lang) if c.key in self.totals else "" for c in self.columns]


def format_value(v, kind: str, lang: str) -> str:
    """One cell as text (PDF/HTML tables; long text shortened with "…", see analysis.textfit).

    Parameters
    ----------
    v : Any
        The value (persons, 0-1 share, number, bool or text).
    kind : str
        One of :data:`KINDS`.
    lang : str
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        "—" for None/NA/NaN.
    """
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if kind == "int":
        return fmt_int(v)
    if kind == "pct":
        return fmt_pct(v)
    if kind == "num1":
        return fmt_num(v, 1)
    if kind == "auto":
        return fmt_num(v, 0 if float(v).is_integer() else 1)
    if kind == "bool":
        return label("common.yes" if bool(v) else "common.no", lang)
    return shorten(v, TABLE_CHARS)  # typeset text is bounded (full text stays in XLSX/GPKG)


@dataclass
class Headline:
    """One headline figure: label, value (raw number) and its printed text."""

    key: str
    label: str
    value: float
    text: str


@dataclass
class ReportContent:
    """Everything printed in a report, in one language."""

    lang: str
    title: str
    study_area: str
    date: str
    is_demo: bool
    software: str
    sentence: str
    headline: list[Headline]
    sources: Table
    params: Table
    tables: dict[str, Table]
    siting: dict[str, Table] = field(default_factory=dict)
    siting_note: str = ""
    workers_note: str = ""
    method: list[str] = field(default_factory=list)
    party: object | None = None  # analysis.report.party_section.PartySection
    gap_sentence: str = ""
    dual_sentence: str = ""

    def all_tables(self) -> list[Table]:
        """Headline, parameters/sources and every other table, in report order (for XLSX).

        Returns
        -------
        list of Table
        """
        head = Table("summary", label("t_summary", self.lang), label("t_summary", self.lang)[:31],
                     pd.DataFrame({"item": [h.label for h in self.headline], "value": [h.value for h in self.headline]}),
                     [Column("item", label("c_item", self.lang)), Column("value", label("c_value", self.lang), "num1")])
        party = self.party.all_tables() if self.party is not None else []
        return [head, self.params, self.sources, *self.tables.values(), *self.siting.values(), *party]
