"""``servicecircle guide-map``: the printable A3 党建导引图 of a demonstration area (PDF + PNG).

Numbered markers for service centers, red stations and positions (阵地: units sharing a venue,
meeting room, sports facility or teaching), the numbered list with names and addresses, the
centers' walking areas along the network, scale bar, north arrow, OSM attribution.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.party_inputs import load_party_layers
from analysis.report.guide_map import guide_map_content, write_guide_map
from analysis.report.inputs import ReportInputs
from analysis.study import load_study, run_study
from cli.options import add_walk_options, output_folder, progress_printer, walk_params


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("guide-map", help="党建导引图（A3，PDF+PNG） / printable A3 guide map")
    p.add_argument("--demo-areas", dest="demo_areas", help="area polygons (示范区); default: the sample demo area")
    p.add_argument("--area", help="name of the area to draw (default: the first)")
    p.add_argument("--units", help="resident units (驻区单位) layer")
    p.add_argument("--centers", help="service centers layer")
    p.add_argument("--stations", help="red stations layer")
    p.add_argument("--osm", help="local OSM file (default: bundled Hangzhou extract)")
    p.add_argument("--coords", default="auto", choices=["auto", "wgs84", "gcj02", "bd09"], help="datum of lon/lat in your files")
    add_walk_options(p)
    p.add_argument("--out", type=output_folder, default="out/guide_map", help="output folder (default out/guide_map)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language (default zh)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.errors import LayerError
    from geo.osm_features import load_osm_features

    say = progress_printer()
    study = load_study(args.osm, centers=args.centers, stations=args.stations, coords=args.coords, progress=say)
    sample = not args.osm
    layers = load_party_layers(units=args.units, demo_areas=args.demo_areas, coords=args.coords,
                               streets=study.network.edges_gdf().geometry, sample=sample, kinds=("units", "demo_areas"))
    for res in layers.reports.values():
        if res.report.problems:
            print(res.render(args.lang), file=sys.stderr)
    areas = layers.demo_areas
    if areas is None:
        raise LayerError("请用 --demo-areas 给出示范区范围。 Give the area with --demo-areas.")
    if args.area:
        areas = areas[areas["name"].astype(str) == args.area]
        if not len(areas):
            names = "、".join(layers.demo_areas["name"].astype(str))
            raise LayerError(f"没有名为“{args.area}”的示范区；可选：{names}。 No area named '{args.area}'; choose one of: {names}.")
    result = run_study(study, walk_params(args), progress=say)
    say("绘制导引图 Drawing the guide map…")
    from analysis.demo_area import demo_area_figures

    figures = demo_area_figures(areas.iloc[:1], result, units=layers.units, stations=study.stations,
                                communities=study.communities, grids=study.grids)
    gm = guide_map_content(areas, result, stations=study.stations, units=layers.units, lang=args.lang,
                           is_demo=layers.is_demo or study.is_demo, figures=figures)
    inputs = ReportInputs(features=load_osm_features(study.osm_path), network=study.network)
    paths = write_guide_map(gm, Path(args.out), inputs)
    counts = gm.markers["kind"].value_counts()
    zh = args.lang == "zh"
    print((f"{gm.title}：党群服务中心 {counts.get('center', 0)} 个、红色驿站 {counts.get('station', 0)} 个、"
           f"共建阵地 {counts.get('position', 0)} 处，共 {len(gm.markers)} 个编号点位（A3 横版）") if zh else
          (f"{gm.title}: {counts.get('center', 0)} centers, {counts.get('station', 0)} red stations, "
           f"{counts.get('position', 0)} positions, {len(gm.markers)} numbered markers (A3 landscape)"))
    for p in paths.values():
        print(("已写入 " if zh else "Written ") + str(p))
    return 0
