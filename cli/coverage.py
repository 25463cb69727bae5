"""``servicecircle coverage``: walking-network coverage of the 8-minute service circle.

Writes one GeoPackage (centers with load, isochrones, circles, grids, communities, gaps, demand
with walking times, metadata) and prints a summary table. Defaults: the bundled sample city.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.coverage import CoverageSummary
from analysis.export import write_coverage_gpkg
from analysis.numfmt import fmt_int, fmt_num, fmt_pct
from analysis.sample_city import is_demo_layer
from analysis.study import load_study, run_study
from analysis.wording import circle_comparison
from cli.gap_table import dual_grid_lines, gap_lines
from cli.options import (
    GPKG_FILE, RADIUS, add_area_options, add_level_options, add_walk_options, progress_printer, summary_text,
    walk_params,
)
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("coverage", help="walking coverage of service centers (default: bundled sample city)")
    p.add_argument("--centers", help="service centers layer (CSV/XLSX/GeoJSON/GPKG/zipped SHP/KML)")
    p.add_argument("--demand", help="demand layer: points or polygons with a population (人口) column; "
                                    "default: the sample city's resident estimate")
    p.add_argument("--for", dest="for_", choices=["residents", "workers"], default="residents",
                   help="residents: 8-minute circle of service centers (default); workers: red stations serving "
                        "outdoor workers (环卫、外卖/快递、公交/出租车司机…)")
    p.add_argument("--stations", help="--for workers: red stations (红色驿站) layer; default: the sample city's")
    p.add_argument("--workers", help="--for workers: outdoor workers layer (template data/templates/workers.csv: "
                                     "类型, 人数); its groups replace the OSM estimate")
    p.add_argument("--radius", type=RADIUS, default=1000.0,
                   help="--for workers: a station serves workers within this many network metres (default 1000; an assumption)")
    add_area_options(p)
    add_level_options(p)
    add_walk_options(p)
    p.add_argument("--out", type=GPKG_FILE, default=None, help="output GeoPackage (default out/coverage.gpkg, "
                                               "with --for workers out/coverage_workers.gpkg)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the summary")
    p.set_defaults(func=run)


def format_summary(s: CoverageSummary, lang: str = "zh") -> str:
    """The headline figures as a small aligned text table (never ``nan`` or ``inf``: see analysis.numfmt)."""
    def mins(x):
        return fmt_num(x, 1)

    zh = lang == "zh"
    rows = [
        (text("cli.residents", lang), fmt_int(s.total_pop)),
        (text("cli.within_min", lang, minutes=s.minutes),
         f"{fmt_int(s.covered_pop)} ({fmt_pct(s.covered_share)})"),
        (text("cli.uncovered_residents", lang), fmt_int(s.uncovered_pop)),
        (text("cli.which_off_network", lang), fmt_int(s.off_network_pop)),
        (text("cli.which_on_disconnected_streets", lang), fmt_int(s.unreachable_pop)),
        (text("cli.median_walk_min", lang), mins(s.median_min)),
        (text("cli.th_percentile_walk_min", lang), mins(s.p90_min)),
        (text("cli.reached_by_centers", lang), fmt_int(s.redundant_pop)),
        (text("cli.straight_line_circle_comparison", lang),
         f"{fmt_int(s.circle_covered_pop)} ({fmt_pct(s.circle_covered_share)})"),
        circle_comparison(s, lang),
    ]
    speed = f"{s.speed_kmh:g} km/h"
    head = text("cli.walking_network_distance_not_straight", lang, speed=speed)
    demo = (text("cli.note_some_layers_use_bundled", lang))
    estimate = (text("cli.resident_numbers_estimate_from_osm", lang))
    return summary_text(rows, (demo if s.is_demo else None, estimate if s.population_is_estimate else None), head=head)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "for_", "residents") == "workers":
        return run_workers(args)
    if args.out is None:
        args.out = "out/coverage.gpkg"
    say = progress_printer()
    params = walk_params(args)
    study = load_study(args.osm, centers=args.centers, demand=args.demand, grids=args.grids,
                       communities=args.communities, compounds=args.compounds, party_grids=args.party_grids,
                       coords=args.coords, progress=say)
    for kind, res in study.read_reports.items():
        print(res.render(args.lang), file=sys.stderr)
    result = run_study(study, params, progress=say)
    say(f"{both('cli.progress_writing')} {args.out}")
    path = write_coverage_gpkg(result, Path(args.out), study.sources())
    print(format_summary(result.summary, args.lang))
    print()
    print(gap_lines(result.gaps, result.summary.uncovered_pop, args.lang))
    if result.dual_grid is not None:
        print()
        print(dual_grid_lines(result.dual_grid, args.lang))
    print(text("cli.result_written", args.lang) + str(path))
    return 0


def run_workers(args: argparse.Namespace) -> int:
    """``coverage --for workers``: workers within reach of a red station, by group; busy streets unserved."""
    from analysis.worker_coverage import run_worker_coverage
    from analysis.worker_demand import study_worker_points, weights_table
    from analysis.worker_export import format_worker_summary, write_worker_gpkg

    say = progress_printer()
    params = walk_params(args)
    out = args.out or "out/coverage_workers.gpkg"
    study = load_study(args.osm, centers=args.centers, grids=args.grids, communities=args.communities,
                       stations=args.stations, coords=args.coords, progress=say)
    uploaded = None
    if args.workers:
        from geo.readers import read_layer

        say(f"{both('cli.progress_reading_workers')} {Path(args.workers).name}")
        res = read_layer(args.workers, "workers", coords=args.coords, streets=study.network.edges_gdf())
        study.read_reports["workers"] = res
        uploaded = res.gdf
    for res in study.read_reports.values():
        print(res.render(args.lang), file=sys.stderr)
    say(both("cli.progress_worker_demand"))
    workers = study_worker_points(study, uploaded)
    is_demo = is_demo_layer(study.stations)
    say(both("cli.progress_station_reach", radius_m=args.radius))
    result = run_worker_coverage(study.network, study.stations, workers, args.radius, weights=weights_table(),
                                 params=params, is_demo=is_demo, study_area=study.grids)
    say(f"{both('cli.progress_writing')} {out}")
    path = write_worker_gpkg(result, Path(out), study.sources())
    print(format_worker_summary(result, args.lang))
    print(text("cli.result_written", args.lang) + str(path))
    return 0
