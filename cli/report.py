"""``servicecircle report``: the coverage report as PDF, HTML, XLSX and GeoPackage.

Defaults: the bundled sample city, Chinese, all four formats, written to ``out/report``.
With ``--sites K`` the report adds a proposal of K new sites from the candidates (覆盖缺口清单,
候选用房清单, 新增站点方案, before/after).
"""

from __future__ import annotations

import argparse
import sys

from analysis.report import FORMATS, build_report, parse_formats
from analysis.report.pdf_worker import PdfWorker
from analysis.standards import load_standard
from cli.options import (
    SITES, add_area_options, add_level_options, add_party_options, add_walk_options, output_folder, progress_printer,
    walk_params,
)
from geo.messages import both


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="coverage report: PDF, HTML, XLSX, GeoPackage (default: bundled sample city)")
    p.add_argument("--format", default=",".join(FORMATS), help=f"comma-separated formats (default {','.join(FORMATS)})")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="report language (default zh)")
    p.add_argument("--out", type=output_folder, default="out/report", help="output folder (default out/report)")
    p.add_argument("--sites", type=SITES, default=0, metavar="K",
                   help="add a proposal of K new sites chosen from the candidates (maximal covering); default none")
    p.add_argument("--centers", help="service centers layer (CSV/XLSX/GeoJSON/GPKG/zipped SHP/KML)")
    p.add_argument("--demand", help="demand layer with a population (人口) column; default: the sample city's estimate")
    p.add_argument("--stations", help="red stations (红色驿站) points")
    p.add_argument("--candidates", help="candidate sites (候选点位) points, used with --sites")
    p.add_argument("--standard", metavar="FILE",
                   help="audit standard (TOML) for centers' functions and red stations' amenities "
                        "(default data/standards/default.toml, from the documents)")
    p.add_argument("--no-lists", dest="no_lists", action="store_true",
                   help="leave out the three lists / road adoption / demonstration-area section "
                        "(default for the sample city: included with its demo layers)")
    add_party_options(p, rivers=True)
    add_area_options(p)
    add_level_options(p)
    add_walk_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    formats = parse_formats(args.format)
    params = walk_params(args)
    standard = load_standard(args.standard)  # checked first: a bad file stops before any work
    say(f"{both('cli.progress_audit_standard')} {standard.label(args.lang)}")
    # the PDF's typesetter starts now (imports, fonts) on the other core; build_report uses or stops it
    worker = PdfWorker.start() if "pdf" in formats else None
    try:
        return _run(args, say, formats, params, standard, worker)
    finally:
        if worker is not None:
            worker.close()


def _run(args: argparse.Namespace, say, formats, params, standard, worker: PdfWorker | None) -> int:
    # imported once the PDF workers run (0.8 s: pandas, GeoPandas, the analysis modules), so that
    # their start (WeasyPrint, fonts) overlaps these imports
    from analysis.report.study_inputs import inputs_from_study
    from analysis.result_cache import cached_run_study
    from analysis.study import load_study

    study = load_study(args.osm, centers=args.centers, demand=args.demand, grids=args.grids, communities=args.communities,
                       stations=args.stations, candidates=args.candidates, compounds=args.compounds,
                       party_grids=args.party_grids, coords=args.coords, progress=say)
    for res in study.read_reports.values():
        print(res.render(args.lang), file=sys.stderr)
    say(both("cli.progress_walking_times"))
    result, _, _ = cached_run_study(study, params)  # the same inputs, parameters and code: read back
    siting = after = None
    if args.sites:
        say(both("cli.progress_choosing_sites", n=args.sites))
        from analysis.report.proposal import propose_sites  # the siting solvers, only when asked

        siting, after = propose_sites(study, result, args.sites)
    say(both("cli.progress_writing_report"))
    inputs = inputs_from_study(study, args.lang)
    inputs.standard = standard
    party_files = [args.units, args.needs, args.projects, args.demo_areas]
    if not args.no_lists and (not args.osm or any(party_files)):
        from analysis.party_inputs import load_party_layers

        inputs.party = load_party_layers(units=args.units, needs=args.needs, projects=args.projects,
                                         demo_areas=args.demo_areas, rivers=args.rivers, coords=args.coords,
                                         streets=study.network.edges_gdf().geometry, sample=not args.osm,
                                         osm_features=inputs.features if args.rivers is None else None)
        inputs.party.communities, inputs.party.grids = study.communities, study.grids
    paths = build_report(result, formats, args.lang, args.out, siting=siting, inputs=inputs, after=after,
                         pdf_worker=worker)
    for fmt, path in paths.items():
        print(f"{fmt}\t{path}")
    say(both("cli.progress_done"))
    return 0
