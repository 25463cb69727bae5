"""Issue 16 target 4: the PDF's tables use a fixed layout with column widths computed from the
cell texts (analysis.report.colwidths), close to what WeasyPrint's automatic layout gives."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.report.colwidths import PAGE_WIDTH_MM, column_widths, text_widths
from analysis.report.document import Column, Table
from analysis.report.sections import _table_html


def test_text_widths_cjk_breaks_between_ideographs_latin_between_words():
    lo, hi = text_widths("党群服务中心", nowrap=False)
    assert hi == pytest.approx(6 * lo)  # six ideographs of one em each; a line may break after any
    lo, hi = text_widths("Hubin Street", nowrap=False)
    assert lo == pytest.approx(text_widths("Street", nowrap=False)[1])
    assert hi > text_widths("HubinStreet", nowrap=False)[1]
    lo, hi = text_widths("12,345", nowrap=True)
    assert lo == hi > 0
    # closing punctuation stays with the character before it
    assert text_widths("中，", nowrap=False)[0] == pytest.approx(text_widths("中，", nowrap=False)[1])
    assert text_widths("中文", nowrap=False, bold=False)[1] == text_widths("中文", nowrap=False, bold=True)[1]
    assert text_widths("Ab", nowrap=False, bold=True)[1] > text_widths("Ab", nowrap=False)[1]


def test_column_widths_share_the_page_like_the_automatic_layout():
    # fits on one line: widths in proportion to the widest texts
    w = column_widths(["名称", "人口"], [["湖滨街道党群服务中心", "1,234"]], [[False, True]])
    assert sum(w) == pytest.approx(100)
    assert w[0] > 2 * w[1]
    # too long for one line: the number column keeps its full width, the text column wraps
    long = "很长的说明文字" * 30
    w = column_widths(["说明", "人口"], [[long, "1,234,567"]], [[False, True]])
    number_mm = text_widths("1,234,567", nowrap=True)[1]
    assert w[1] / 100 * PAGE_WIDTH_MM > number_mm
    assert w[0] > 80
    # cannot fit even at the narrowest: no widths (the table keeps the automatic layout)
    assert column_widths(["a"] * 30, [["1,234,567"] * 30], [[True] * 30]) is None


def _table(n_rows=3):
    df = pd.DataFrame({"name": [f"湖滨街道第{i}网格党群服务站" for i in range(n_rows)],
                       "pop": [1234.0 * (i + 1) for i in range(n_rows)]})
    return Table("streets", "街道", "街道", df, [Column("name", "名称"), Column("pop", "人口", "int")])


def test_pdf_tables_get_a_colgroup_and_the_html_page_does_not():
    fixed = _table_html(_table(), "zh", fixed=True)
    assert 'class="t-streets fixed"' in fixed
    assert len(re.findall(r'<col style="width:[0-9.]+%">', fixed)) == 2
    plain = _table_html(_table(), "zh")
    assert "<colgroup" not in plain and "fixed" not in plain
    assert re.sub(r"<colgroup>.*?</colgroup>| fixed", "", fixed) == plain


def test_widths_match_weasyprint_automatic_layout():
    """The computed widths are within 1 mm of what WeasyPrint's automatic layout gives the
    same table (same font and CSS as the report), so lines break where they did."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from analysis.report.fonts import CSS_FONT_STACK, cjk_font
    from analysis.report.sections import CSS, PDF_CSS

    cjk_font()  # installed by make system-deps; without it the report cannot be typeset at all
    df = pd.DataFrame({"id": ["G001", "G002", "G013"],
                       "name": ["东坡路社区第2网格", "Wulin Road grid 7 (north)", "朝晖一区社区第5网格东侧楼栋"],
                       "pop": [3228.0, 1426.0, 23480.0], "share": [0.145, 0.309, 0.3124]})
    table = Table("grids", "网格", "网格", df, [Column("id", "网格编号"), Column("name", "网格名称"),
                                                Column("pop", "人口", "int"), Column("share", "覆盖率", "pct")])
    widths_mm = []
    for fixed in (False, True):
        css = CSS % {"font": CSS_FONT_STACK} + PDF_CSS % {"font": CSS_FONT_STACK, "footer": "", "page_prefix": "",
                                                          "page_suffix": ""}
        doc = HTML(string=f"<html><head><style>{css}</style></head><body>{_table_html(table, 'zh', fixed=fixed)}"
                          "</body></html>").render()
        found = []

        def walk(box):
            if isinstance(box, boxes.TableBox):
                found.append([w * 25.4 / 96 for w in box.column_widths])
            for child in getattr(box, "children", []):
                walk(child)

        walk(doc.pages[0]._page_box)
        widths_mm.append(found[0])
    auto, fixed = widths_mm
    assert len(auto) == len(fixed) == 4
    assert max(abs(a - b) for a, b in zip(auto, fixed)) < 1.0, (auto, fixed)
    assert max(auto) - min(auto) > 10  # unequal columns: an equal split would fail the check above
