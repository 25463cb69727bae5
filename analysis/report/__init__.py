"""Coverage reports: PDF, self-contained HTML, XLSX and GeoPackage from one coverage run.

``build_report(result, formats, lang, out_dir, siting=None, inputs=None, after=None)`` writes the
files and returns ``{format: Path}``; ``build_report_bytes`` returns one format as bytes (download
buttons). The proposal section comes from a siting run (``siting``, an
``analysis.siting.api.SitingResult``) and/or ``after``, the coverage run with the proposed sites
added (alone: a what-if). Content (numbers, tables, wording) is computed once and shared by every format.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.report.pdf_worker import PdfWorker
from geo.errors import ParameterError
from geo.messages import ByLang, both, listing
from geo.safe_io import atomic_folder

if TYPE_CHECKING:
    from analysis.coverage import CoverageResult
    from analysis.report.inputs import ReportInputs
    from analysis.siting.api import SitingResult

#: names this package re-exports, imported on first use: a light submodule (the PDF worker
#: process, fonts) loads without pandas, SciPy and the analysis modules behind them
_LAZY = {"build_content": "analysis.report.content", "ReportContent": "analysis.report.document",
         "DataSource": "analysis.report.inputs", "ReportInputs": "analysis.report.inputs"}

FORMATS = ("pdf", "html", "xlsx", "gpkg")
SUFFIX = {"pdf": ".pdf", "html": ".html", "xlsx": ".xlsx", "gpkg": ".gpkg"}

__all__ = ["FORMATS", "DataSource", "ReportInputs", "ReportContent", "build_content", "build_report",
           "build_report_bytes", "parse_formats", "report_filename"]


def __getattr__(name: str):
    """The re-exported names of :data:`_LAZY`, imported when first asked for (PEP 562).

    Parameters
    ----------
    name : str
        Attribute name.

    Returns
    -------
    object
        The named class or function.

    Raises
    ------
    AttributeError
        For any other name.
    """
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_formats(formats) -> tuple[str, ...]:
    """Formats from a list or a comma-separated string ("pdf,xlsx"); refuses unknown ones.

    Parameters
    ----------
    formats : str or iterable of str
        E.g. ``"pdf,xlsx"`` or ``["pdf", ".html"]`` (case and a leading dot ignored).

    Returns
    -------
    tuple of str
        Known formats of :data:`FORMATS`, in the given order, without repeats.

    Raises
    ------
    geo.errors.ParameterError
        When a format is unknown or none is given.
    """
    if isinstance(formats, str):
        formats = [f for f in formats.replace(" ", "").split(",") if f]
    out = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ParameterError(both("error.report_format_unknown", bad=listing(bad) if bad else ByLang("（无）", "(none)"),
                                  formats=listing(FORMATS)))
    return out


def report_filename(fmt: str, lang: str, stem: str = "servicecircle_report") -> str:
    """File name of one format, e.g. ``servicecircle_report_zh.pdf``.

    Parameters
    ----------
    fmt : str
        One of :data:`FORMATS`.
    lang : str
        ``"zh"`` or ``"en"``.
    stem : str
        Start of the file name.

    Returns
    -------
    str
    """
    return f"{stem}_{lang}{SUFFIX[fmt]}"


def build_report(
    result: CoverageResult,
    formats=FORMATS,
    lang: str = "zh",
    out_dir: str | Path = ".",
    siting: SitingResult | None = None,
    inputs: ReportInputs | None = None,
    stem: str = "servicecircle_report",
    after: CoverageResult | None = None,
    pdf_worker: PdfWorker | None = None,
) -> dict[str, Path]:
    """Write the report in ``formats`` to ``out_dir``; returns paths by format.

    ``siting``/``after``: the proposal, see :func:`analysis.report.content.build_content`.
    The set is built in a private folder beside ``out_dir`` and swapped into place at the end
    (:func:`geo.safe_io.atomic_folder`): an interrupted run leaves the previous complete set.
    The figures come from the disk cache when they were drawn before from the same inputs
    (:mod:`analysis.report.figure_cache`). With the PDF and another format, the PDF is typeset
    in a child process (in two halves at once, :mod:`analysis.report.pdf_split`) while the
    other files are written (:mod:`analysis.report.pdf_worker`); ``pdf_worker`` is one started
    earlier (:meth:`PdfWorker.start`, the CLI does so before loading the study); it is used or
    stopped here.

    Parameters
    ----------
    result : CoverageResult
        The coverage run reported (projected metric CRS).
    formats : str or iterable of str
        Formats to write (see :func:`parse_formats`); all four by default.
    lang : str
        ``"zh"`` or ``"en"``.
    out_dir : str or Path
        The folder that receives the set (replaced as a whole).
    siting : SitingResult, optional
        A siting run for the proposal section.
    inputs : ReportInputs, optional
        Data sources, basemap features, network, stations and the like.
    stem : str
        Start of the file names (see :func:`report_filename`).
    after : CoverageResult, optional
        The coverage run with the proposed sites added.
    pdf_worker : PdfWorker, optional
        A PDF worker started earlier (:meth:`PdfWorker.start`); used for the PDF, else stopped.

    Returns
    -------
    dict of str to Path
        Format -> written file in ``out_dir``.

    Raises
    ------
    geo.errors.ParameterError
        When a format or the language is unknown, or the proposal inputs do not fit together.
    """
    from analysis.report.content import build_content
    from analysis.report.inputs import ReportInputs
    from analysis.report.labels import check_lang
    from analysis.report.siting_lists import check_proposal, proposal_points, siting_gis_layers

    fmts = parse_formats(formats)
    lang = check_lang(lang)
    inputs = inputs or ReportInputs()
    proposals, siting_layers, reach = None, None, None
    if siting is not None or after is not None:
        check_proposal(siting, after)
        proposals, siting_layers = proposal_points(siting, after, lang), siting_gis_layers(siting, after, lang)
        reach = siting.isochrones if siting is not None and len(siting.isochrones) else None
    content = build_content(result, lang, inputs, siting, after)
    final_dir = Path(out_dir)
    try:
        with atomic_folder(final_dir) as work_dir:  # all-or-nothing: the set appears whole (geo.safe_io)
            written = _write_formats(fmts, result, content, lang, work_dir, inputs, stem, proposals, after, reach,
                                     siting_layers, pdf_worker)
    finally:
        if pdf_worker is not None:
            pdf_worker.close()
    return {fmt: final_dir / p.name for fmt, p in written.items()}


def _write_formats(fmts, result, content, lang, out_dir: Path, inputs, stem, proposals, after, reach,
                   siting_layers, pdf_worker: PdfWorker | None = None) -> dict[str, Path]:
    """Write every format into ``out_dir`` (the private build folder); the PDF in a child process
    (when started or when other formats are written too) while the others are written here."""
    figures = None
    if "pdf" in fmts or "html" in fmts:
        from analysis.report.figure_cache import cached_figures

        figures = cached_figures(result, content, inputs, proposals, after, reach)
    paths: dict[str, Path] = {}
    worker = None
    if "pdf" in fmts:
        from analysis.report.pdf import pdf_html, write_pdf_html

        pdf_path, html = out_dir / report_filename("pdf", lang, stem), pdf_html(content, figures)
        worker = pdf_worker or (PdfWorker.start() if len(fmts) > 1 else None)
        if worker is not None:
            worker.send(html, pdf_path, split=True)
        else:
            paths["pdf"] = write_pdf_html(html, pdf_path)
            _test_hook(pdf_path)
    try:
        for fmt in fmts:
            path = out_dir / report_filename(fmt, lang, stem)
            if fmt == "pdf":
                continue
            elif fmt == "html":
                from analysis.report.html import write_html

                paths[fmt] = write_html(result, content, figures, path, inputs, proposals)
            elif fmt == "xlsx":
                from analysis.report.xlsx import write_xlsx

                paths[fmt] = write_xlsx(content, path)
            elif fmt == "gpkg":
                from analysis.report.gpkg import write_report_gpkg

                paths[fmt] = write_report_gpkg(result, content, path, inputs, siting_layers)
            _test_hook(path)
        if worker is not None:
            paths["pdf"] = worker.wait()
            _test_hook(paths["pdf"])
    finally:
        if worker is not None:
            worker.close()
    return {fmt: paths[fmt] for fmt in fmts}


def _test_hook(path: Path) -> None:
    """Tests of interrupted runs: ``SERVICECIRCLE_TEST_SLOW_REPORT=seconds`` waits after each file."""
    delay = os.environ.get("SERVICECIRCLE_TEST_SLOW_REPORT")
    if delay:
        import time

        time.sleep(float(delay))


def build_report_bytes(result: CoverageResult, fmt: str, lang: str = "zh", siting: SitingResult | None = None,
                       inputs: ReportInputs | None = None, after: CoverageResult | None = None) -> bytes:
    """One report format as bytes (for Streamlit download buttons).

    Parameters
    ----------
    result : CoverageResult
        The coverage run reported.
    fmt : str
        One of :data:`FORMATS`.
    lang : str
        ``"zh"`` or ``"en"``.
    siting : SitingResult, optional
        A siting run for the proposal section.
    inputs : ReportInputs, optional
        Data sources and context layers.
    after : CoverageResult, optional
        The coverage run with the proposed sites added.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    geo.errors.ParameterError
        When the format or the language is unknown.
    """
    (fmt,) = parse_formats([fmt])
    if fmt == "xlsx":
        from analysis.report.content import build_content
        from analysis.report.inputs import ReportInputs
        from analysis.report.labels import check_lang
        from analysis.report.xlsx import xlsx_bytes

        return xlsx_bytes(build_content(result, check_lang(lang), inputs or ReportInputs(), siting, after))
    with tempfile.TemporaryDirectory(prefix="servicecircle_report_") as tmp:
        path = build_report(result, [fmt], lang, tmp, siting=siting, inputs=inputs, after=after)[fmt]
        return path.read_bytes()
