"""Issue 16 target 4: the PDF typeset in two halves at once (the PDF worker and a forked child)
and merged (analysis.report.pdf_split): page numbers continue across the cut, the text and the
outline are those of the document typeset whole."""

from __future__ import annotations

import re
import subprocess

import pypdf  # a pinned dependency: a missing install fails here, never skips
import pytest

from analysis.report import pdf_split
from analysis.report.pdf import write_pdf_html
from analysis.report.pdf_worker import PdfWorker
from analysis.report.fonts import CSS_FONT_STACK
from analysis.report.sections import CSS, PDF_CSS
from geo.errors import ServiceCircleError

PB = pdf_split.PAGEBREAK


def _document(sections: list[str]) -> str:
    css = CSS % {"font": CSS_FONT_STACK} + PDF_CSS % {"font": CSS_FONT_STACK, "footer": "页脚",
                                                      "page_prefix": "第", "page_suffix": "页"}
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>报告</title><style>{css}</style>'
            f"</head><body><h1>报告</h1>{PB.join(sections)}</body></html>")


def _section(i: int, rows: int) -> str:
    cells = "".join(f"<tr><td>第{i}节第{r}行 网格</td><td class='n'>{r * 37:,}</td></tr>" for r in range(rows))
    return (f"<h2>第{i}节</h2><p>说明文字 section {i}</p><h3>表{i}</h3>"
            f"<table><thead><tr><th>名称</th><th>人口</th></tr></thead><tbody>{cells}</tbody></table>")


def test_split_at_the_page_break_that_balances_the_cells():
    html = _document([_section(1, 5), _section(2, 5), _section(3, 40), _section(4, 40)])
    a, b = pdf_split.split_document(html)
    assert "第3节" in a and "第4节" in b and "第3节" not in b
    assert a.startswith(html[:html.index("<body>")]) and b.startswith(html[:html.index("<body>")])
    assert PB not in b.split("<body>")[1][:len(PB)]  # the second part does not start with a break
    assert pdf_split.split_document(_document([_section(1, 5)])) is None  # no break: typeset whole


def test_bookmark_tree_nests_like_weasyprint():
    marks = [[1, "报告", 0, 0, 800, "open"], [2, "A", 0, 0, 700, "open"], [3, "A1", 1, 0, 700, "open"],
             [2, "B", 2, 0, 700, "open"], [4, "B1", 2, 0, 600, "closed"], [2, "C", 3, 0, 700, "open"]]
    tree = pdf_split.bookmark_tree(marks)
    assert [t[0] for t in tree] == ["报告"]
    assert [c[0] for c in tree[0][2]] == ["A", "B", "C"]
    assert tree[0][2][0][2][0][0] == "A1" and tree[0][2][1][2][0][:2] == ("B1", (2, 0, 600))


def _footers(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return re.findall(r"第\s*(\d+)\s*页", text)


def _outline(pdf) -> list:
    reader = pypdf.PdfReader(str(pdf))

    def walk(items):
        out = []
        for it in items:
            if isinstance(it, list):
                out.append(walk(it))
            else:
                out.append((it.title, reader.get_destination_page_number(it), round(float(it.top), 1)))
        return out

    return walk(reader.outline)


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("guess", ["none", "right", "wrong", "other_right", "other_wrong"])
def test_two_halves_give_the_whole_document(tmp_path, guess):
    html = _document([_section(1, 30), _section(2, 60), _section(3, 80), _section(4, 70)])
    whole = write_pdf_html(html, tmp_path / "whole.pdf")
    first_html, _ = pdf_split.split_document(html)
    whole_pages = len(pypdf.PdfReader(str(whole)).pages)
    first_pages = len(pypdf.PdfReader(str(write_pdf_html(first_html, tmp_path / "first.pdf"))).pages)
    assert 1 < first_pages < whole_pages
    cache = tmp_path / "cache"
    count = first_pages if guess.endswith("right") else first_pages + 3
    if guess in ("right", "wrong"):
        pdf_split.remember_pages(first_html, count, cache)
    elif guess.startswith("other"):  # an earlier report of other data: its first half's count is the guess
        other = pdf_split.split_document(_document([_section(9, 10), _section(8, 10)]))[0]
        pdf_split.remember_pages(other, count, cache)
        assert pdf_split.remembered_pages(first_html, cache) is None
        assert pdf_split.guessed_pages(first_html, cache) == count
    (tmp_path / "out").mkdir()
    merged = pdf_split.typeset_in_two(html, tmp_path / "out" / "merged.pdf", cache)
    assert _footers(merged) == [str(n) for n in range(1, whole_pages + 1)]  # continuous page numbers
    assert _text(merged) == _text(whole)
    assert _outline(merged) == _outline(whole)
    assert pdf_split.remembered_pages(first_html, cache) == first_pages  # kept (or corrected) for next time
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["merged.pdf"]  # no half left behind


def test_the_worker_splits_when_asked_and_raises_a_failed_half(tmp_path):
    html = _document([_section(1, 30), _section(2, 60)])
    worker = PdfWorker.start()
    try:
        worker.send(html, tmp_path / "split.pdf", split=True)
        out = worker.wait()
    finally:
        worker.close()
    assert _text(out) == _text(write_pdf_html(html, tmp_path / "whole.pdf"))
    (tmp_path / "a_file").write_text("x")
    worker = PdfWorker.start()
    try:
        worker.send(html, tmp_path / "a_file" / "merged.pdf", split=True)  # a file where the folder should be
        with pytest.raises(ServiceCircleError, match="PDF"):
            worker.wait()
    finally:
        worker.close()
    assert worker.proc.poll() is not None


def test_one_worker_still_writes_the_same_bytes(tmp_path):
    html = _document([_section(1, 5)])
    worker = PdfWorker.start()
    try:
        worker.send(html, tmp_path / "w.pdf")
        out = worker.wait()
    finally:
        worker.close()
    assert out.read_bytes() == write_pdf_html(html, tmp_path / "in.pdf").read_bytes()


def test_without_pypdf_the_document_is_typeset_whole(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pypdf" else real(name, *a))
    html = _document([_section(1, 30), _section(2, 60)])
    out = pdf_split.typeset_in_two(html, tmp_path / "whole_anyway.pdf", tmp_path / "cache")
    assert out.read_bytes() == write_pdf_html(html, tmp_path / "whole.pdf").read_bytes()
    assert pdf_split.remembered_pages(pdf_split.split_document(html)[0], tmp_path / "cache") is None


def test_guess_is_this_first_half_before_the_last_one(tmp_path):
    a = pdf_split.split_document(_document([_section(1, 30), _section(2, 60)]))[0]
    b = pdf_split.split_document(_document([_section(3, 5), _section(4, 5)]))[0]
    assert pdf_split.guessed_pages(a, tmp_path) is None
    pdf_split.remember_pages(a, 4, tmp_path)
    pdf_split.remember_pages(b, 2, tmp_path)  # typeset last
    assert pdf_split.guessed_pages(a, tmp_path) == 4  # its own count wins
    assert pdf_split.guessed_pages(b + " ", tmp_path) == 2  # a new first half: the last count
