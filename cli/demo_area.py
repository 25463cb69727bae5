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
    zh = lang == "zh"
    out = []
    for _, r in df.iterrows():
        pct = lambda x: "—" if x != x else f"{x * 100:.1f}%"  # noqa: E731
        hh = "—" if r["households"] != r["households"] else f"{r['households']:,.0f}"
        out.append("\n".join([
            f"{r['name']}",
            (f"  面积 {r['area_km2']:.2f} 平方千米；居民 {r['residents']:,.0f} 人；户数 {hh}" if zh else
             f"  {r['area_km2']:.2f} km²; {r['residents']:,.0f} residents; {hh} households"),
            (f"  社区 {r['n_communities']} 个（{r['communities']}）；驻区单位 {r['n_units']} 家" if zh else
             f"  {r['n_communities']} communities ({r['communities']}); {r['n_units']} resident units"),
            (f"  党群服务中心 {r['n_centers']} 个（示范型 {r['n_demonstration_centers']}，标准化 {r['n_standardised_centers']}）；红色驿站 {r['n_stations']} 个" if zh else
             f"  {r['n_centers']} centers ({r['n_demonstration_centers']} demonstration, {r['n_standardised_centers']} standardised); {r['n_stations']} red stations"),
            (f"  覆盖率：区内 {pct(r['share_inside'])}，区外 {pct(r['share_outside'])}（区外居民 {r['residents_outside']:,.0f} 人）" if zh else
             f"  covered: inside {pct(r['share_inside'])}, outside {pct(r['share_outside'])} ({r['residents_outside']:,.0f} residents outside)"),
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
        print("注意：示范区与驻区单位为示例数据，非真实点位。" if args.lang == "zh" else "Note: areas and units are illustrative sample data.")
    print_written(paths, args.lang)
    return 0
