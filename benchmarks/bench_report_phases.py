"""Issue 16 target 4: where the time of ``servicecircle report`` (4 formats, sample city) goes.

    .venv/bin/python benchmarks/bench_report_phases.py            # the pipeline as the CLI runs it
    .venv/bin/python benchmarks/bench_report_phases.py --typeset  # + WeasyPrint's own phases, in-process

Runs the CLI's steps one by one in this process with a PDF worker started first (as the CLI does)
and prints wall and CPU seconds per phase: imports, reading the study, the coverage run (read
from the result cache when it ran before, as in the CLI), the
report inputs (basemap, red-station worker coverage), the party layers (three lists, adoption),
the content, the figures (drawn with an empty figure cache, then read back from it), the PDF's
HTML, then the PDF in the worker while this process writes HTML, XLSX and GeoPackage. The
worker's CPU comes from ``RUSAGE_CHILDREN`` once it has ended. ``--typeset`` also splits
WeasyPrint's work in this process: import and font warm-up, HTML parsing, layout, PDF writing.
The machine is shared: compare CPU seconds, and wall seconds only on an idle machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS: list[tuple[str, float, float]] = []
_last = [time.perf_counter(), time.process_time()]


def mark(name: str) -> None:
    """Record the wall and CPU seconds since the previous mark under ``name``."""
    w, c = time.perf_counter(), time.process_time()
    ROWS.append((name, w - _last[0], c - _last[1]))
    _last[:] = [w, c]


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--typeset", action="store_true", help="also split WeasyPrint's phases (in-process)")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    from analysis.report.pdf_worker import PdfWorker

    worker = PdfWorker.start()
    mark("start the PDF worker (it imports WeasyPrint meanwhile)")
    from analysis.party_inputs import load_party_layers
    from analysis.report import report_filename
    from analysis.report.content import build_content
    from analysis.report.study_inputs import inputs_from_study
    from analysis.result_cache import cached_run_study
    from analysis.standards import load_standard
    from analysis.study import load_study

    mark("imports (as the CLI)")
    standard = load_standard(None)
    study = load_study(None)
    mark("read the study (network from the disk cache, layers)")
    result, _, hit = cached_run_study(study)  # as the CLI: read back when computed before
    mark("coverage run" + (" (read from the result cache)" if hit else " (computed, then cached)"))
    inputs = inputs_from_study(study, "zh")
    inputs.standard = standard
    mark("report inputs (basemap, red-station worker coverage)")
    inputs.party = load_party_layers(streets=study.network.edges_gdf().geometry, sample=True,
                                     osm_features=inputs.features)
    inputs.party.communities, inputs.party.grids = study.communities, study.grids
    mark("party layers")
    content = build_content(result, "zh", inputs)
    mark("content (tables, audits, lists, adoption, 示范区)")
    from analysis.report.figure_cache import cached_figures

    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out_dir:
        figures = cached_figures(result, content, inputs, cache_dir=cache)
        mark("figures drawn (empty figure cache; incl. matplotlib import)")
        figures = cached_figures(result, content, inputs, cache_dir=cache)
        mark("figures read back from the figure cache")
        from analysis.report.pdf import pdf_html

        html = pdf_html(content, figures)
        mark("the PDF's HTML")
        out = Path(out_dir)
        cpu0 = children_cpu()
        t_send = time.perf_counter()
        worker.send(html, out / report_filename("pdf", "zh"), split=True)
        from analysis.report.gpkg import write_report_gpkg
        from analysis.report.html import write_html
        from analysis.report.xlsx import write_xlsx

        write_html(result, content, figures, out / report_filename("html", "zh"), inputs, None)
        mark("  HTML (while the worker typesets)")
        write_xlsx(content, out / report_filename("xlsx", "zh"))
        mark("  XLSX")
        write_report_gpkg(result, content, out / report_filename("gpkg", "zh"), inputs, None)
        mark("  GeoPackage")
        worker.wait()
        worker.close()
        t_pdf = time.perf_counter() - t_send
        mark("  waiting for the PDF")
        worker_cpu = children_cpu() - cpu0
        if args.typeset:
            _typeset(html, out / "in_process.pdf")
    print(f"{'phase':<62}{'wall s':>8}{'CPU s':>8}")
    for name, w, c in ROWS:
        print(f"{name:<62}{w:>8.2f}{c:>8.2f}")
    print(f"{'PDF worker + its forked half, all their life (CPU)':<62}{'':>8}{worker_cpu:>8.2f}")
    print(f"{'PDF: from handing over the HTML to the file written (wall)':<62}{t_pdf:>8.2f}")
    total_cpu = sum(c for name, _, c in ROWS if not name.startswith("figures drawn") and not name.startswith("WeasyPrint"))
    print(f"{'this process, figures from the cache (CPU)':<62}{'':>8}{total_cpu:>8.2f}")
    print(f"wall from start to the last file: {t_send - t_start + t_pdf:.2f} s (includes drawing the figures once); "
          f"load average {__import__('os').getloadavg()[0]:.1f}")
    return 0


def _typeset(html: str, path: Path) -> None:
    """WeasyPrint's phases in this process (same HTML as the worker's)."""
    mark("(between)")
    ROWS.pop()
    from weasyprint import HTML

    from analysis.report.pdf_worker import _warm_up

    _warm_up()
    mark("WeasyPrint: import + CJK font warm-up")
    doc = HTML(string=html, base_url=None)
    mark("WeasyPrint: parse the HTML")
    rendered = doc.render()
    mark(f"WeasyPrint: styles + layout ({len(rendered.pages)} pages)")
    rendered.write_pdf(str(path))
    mark("WeasyPrint: draw + write the PDF (fonts subset, images)")


if __name__ == "__main__":
    raise SystemExit(main())
