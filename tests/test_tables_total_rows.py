"""Total/subtotal rows at the end of a planner's table are skipped; numbered rows never are."""

from __future__ import annotations

from geo.tables import read_csv_table


def test_total_rows_skipped_numbered_rows_kept(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("编号,名称,人口,经度,纬度\n"
                 "1,甲小区,100,120.17,30.27\n"
                 "２,乙小区,200,120.18,30.27\n"       # full-width digit: still a row
                 "合 计,,300,,\n"                      # spaced total word
                 "Ｔｏｔａｌ,,300,,\n"                  # full-width English
                 ",小计,300,,\n"                        # the first non-empty cell counts
                 "3合计,丙,5,120.19,30.27\n", encoding="utf-8")  # a code containing digits is data
    t = read_csv_table(p)
    assert [r[1] for r in t.data] == ["甲小区", "乙小区", "丙"]
    assert list(t.rows) == [2, 3, 7]  # the CSV lines a planner sees
    assert any("合计" in n for n in t.notes_zh)
