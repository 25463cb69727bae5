"""Text tables for the terminal: the top gap units, the level tables and the 双网融合 summary."""

from __future__ import annotations

import unicodedata

import pandas as pd

from analysis.wording import persons
from geo.messages import text


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * max(w - _width(s), 0)
    return fill + s if right else s + fill


def text_table(rows: list[list[str]], header: list[str], right: set[int] = frozenset()) -> str:
    """Columns aligned by display width (CJK characters count double)."""
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *rows)]
    lines = ["  ".join(_pad(str(h), w, i in right) for i, (h, w) in enumerate(zip(header, widths)))]
    lines += ["  ".join(_pad(str(x), w, i in right) for i, (x, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join(lines)


#: keys (cli.gap_col_*) of the gap table's columns, in order
GAP_COLUMNS = ('id', 'name', 'street', 'community', 'grid', 'residents', 'households', 'area_ha', 'nearest_center', 'walk_min', 'beyond_min')
#: keys (cli.dual_col_*) of the 双网融合 pieces table's columns, in order
DUAL_COLUMNS = ('id', 'kind', 'governance_grid', 'party_grid', 'area_ha', 'residents')


def _mins(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.1f}"


def gap_lines(gaps: pd.DataFrame, uncovered_pop: float, lang: str = "zh", top: int = 10) -> str:
    """The ``top`` gap units (覆盖缺口), most uncovered residents first, with the largest unit's share."""
    if gaps is None or not len(gaps):
        return text("cli.no_coverage_gap", lang)
    header = [text(f"cli.gap_col_{c}", lang) for c in GAP_COLUMNS]
    rows = []
    for r in gaps.head(top).itertuples():
        rows.append([r.gap_id, r.name or "—", r.street, r.community, r.grid_name or r.grid_id or "—",
                     persons(r.population), persons(r.households) + ("*" if r.households_estimated else ""),
                     f"{r.area_m2 / 1e4:.1f}", r.nearest_center_name or "—", _mins(r.walk_min), _mins(r.beyond_min)])
    share = gaps["population"].iloc[0] / uncovered_pop * 100 if uncovered_pop else float("nan")
    title = (text("cli.coverage_gaps_top_by_uncovered", lang, n_gaps=len(gaps), value=min(top, len(gaps)), value2=persons(gaps['population'].sum()), share=share))
    note = (text("cli.households_estimated_grid_community_persons", lang))
    return "\n".join([title, text_table(rows, header, right={5, 6, 7, 9, 10}), note])


def dual_grid_lines(check, lang: str = "zh", top: int = 10) -> str:
    """The 双网融合 summary and the largest disagreement pieces."""
    s = check.summary
    head = (text("cli.dual_summary", lang, n_grids=s["n_grids"], n_party=s["n_party_grids"], n_fused=s["n_fused"],
                 area_ha=s["disagree_area_m2"] / 1e4, area_pct=s["disagree_share_area"] * 100,
                 residents=persons(s["disagree_pop"]), residents_pct=s["disagree_share_pop"] * 100))
    header = [text(f"cli.dual_col_{c}", lang) for c in DUAL_COLUMNS]
    rows = [[r.piece_id, text(f"common.dual_{r.kind}", lang), r.grid_name or "—", r.party_grid_name or "—", f"{r.area_m2 / 1e4:.1f}",
             persons(r.population)] for r in check.pieces.head(top).itertuples()]
    return head if not rows else head + "\n" + text_table(rows, header, right={4, 5})
