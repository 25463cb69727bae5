"""``servicecircle demo-area``: demonstration areas (示范区) — size, residents, units, centers, coverage.

Runs the coverage of the study (same options as ``coverage``) and counts, for each area, what lies
inside and how well it is covered inside vs outside. Writes ``demo_areas_<lang>.xlsx``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.party_outputs import write_demo_area_outputs
from analysis.study import load_study, run_study
from cli.options import (
    add_area_options, add_demo_area_options, add_output_options, add_walk_options, load_area_layers, print_written,
    progress_printer, walk_params,
)
from geo.messages import text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-area", help="党建示范区概况 / demonstration-area figures")
    add_demo_area_options(p)
    p.add_argument("--demand", help="demand layer with a population column (default: the sample estimate)")
    add_area_options(p)
    add_walk_options(p)
    add_output_options(p, "out/demo_area", "language")
    p.set_defaults(func=run)


def format_rows(df, lang: str) -> str:
    """One block of figures per area."""
    out = []
    for _, r in df.iterrows():
        pct = lambda x: "—" if x != x else f"{x * 100:.1f}%"  # noqa: E731
        hh = "—" if r["households"] != r["households"] else f"{r['households']:,.0f}"
        out.append("\n".join([
            f"{r['name']}",
            (text("cli.km_residents_households", lang, area_km2=r['area_km2'], residents=r['residents'], hh=hh)),
            (text("cli.communities_resident_units", lang, n_communities=r['n_communities'], communities=r['communities'], n_units=r['n_units'])),
            (text("cli.centers_demonstration_standardised_red_stations", lang, n_centers=r['n_centers'], n_demo=r['n_demonstration_centers'], n_std=r['n_standardised_centers'], n_stations=r['n_stations'])),
            (text("cli.covered_inside_outside_residents_outside", lang, inside=pct(r['share_inside']), outside=pct(r['share_outside']), residents_outside=r['residents_outside'])),
        ]))
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    study = load_study(args.osm, centers=args.centers, demand=args.demand, grids=args.grids,
                       communities=args.communities, stations=args.stations, coords=args.coords, progress=say)
    layers = load_area_layers(args, study.network, sample=study.is_demo or not args.osm)
    result = run_study(study, walk_params(args), progress=say)
    fig, paths = write_demo_area_outputs(result, layers, Path(args.out), args.lang, stations=study.stations,
                                         communities=study.communities, grids=study.grids)
    print(format_rows(fig, args.lang))
    if layers.is_demo:
        print(text("cli.demo_areas_units_illustrative", args.lang))
    print_written(paths, args.lang)
    return 0
