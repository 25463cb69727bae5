"""PDF report: the HTML document rendered by WeasyPrint with the pinned CJK font (A4)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis.report.fonts import cjk_font
from geo.safe_io import atomic_write_path

if TYPE_CHECKING:  # the PDF worker process imports this module for write_pdf_html only: kept light
    from analysis.report.document import ReportContent


def pdf_html(content: ReportContent, figures: dict[str, bytes | None]) -> str:
    """The full HTML fed to WeasyPrint.

    Parameters
    ----------
    content : ReportContent
        The report content.
    figures : dict of str to bytes or None
        PNG figures by key (:func:`analysis.report.figures.build_figures`).

    Returns
    -------
    str
        A complete HTML document (A4 print CSS, figures inlined).
    """
    from analysis.report.sections import css, esc, render_body

    lang = "zh-CN" if content.lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(content.title)}</title>'
            f"<style>{css(content, pdf=True)}</style></head><body>{render_body(content, figures, pdf=True)}</body></html>")


def write_pdf(content: ReportContent, figures: dict[str, bytes | None], path: str | Path) -> Path:
    """Render the report to ``path`` (PDF), atomically.

    Parameters
    ----------
    content : ReportContent
        The report content.
    figures : dict of str to bytes or None
        PNG figures by key.
    path : str or Path
        The PDF to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    analysis.report.fonts.FontMissingError
        When no CJK font is installed.
    """
    return write_pdf_html(pdf_html(content, figures), path)


def write_pdf_html(html: str, path: str | Path) -> Path:
    """Typeset ``html`` (from :func:`pdf_html`) to ``path`` (PDF, A4), atomically.

    Parameters
    ----------
    html : str
        The whole document.
    path : str or Path
        The PDF file to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    analysis.report.fonts.FontMissingError
        When no CJK font is installed (with install instructions).
    """
    from weasyprint import HTML

    cjk_font()  # fail early with install instructions when no Chinese font exists
    doc = HTML(string=html, base_url=None)
    with atomic_write_path(path) as tmp:
        doc.write_pdf(str(tmp))
    return Path(path)
