"""``servicecircle guide-map``: the printable A3 党建导引图 of a demonstration area (PDF + PNG).

Numbered markers for service centers, red stations and positions (阵地: units sharing a venue,
meeting room, sports facility or teaching), the numbered list with names and addresses, the
centers' walking areas along the network, scale bar, north arrow, OSM attribution.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.report.guide_map import guide_map_content, write_guide_map
from analysis.report.inputs import ReportInputs
from analysis.study import load_study, run_study
from cli.options import (
    add_area_options, add_demo_area_options, add_output_options, add_walk_options, load_area_layers, print_written,
    progress_printer, walk_params,
)
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("guide-map", help="党建导引图（A3，PDF+PNG） / printable A3 guide map")
    add_demo_area_options(p)
    p.add_argument("--area", help="name of the area to draw (default: the first)")
    add_area_options(p, polygons=False)
    add_walk_options(p)
    add_output_options(p, "out/guide_map", "language (default zh)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.errors import LayerError
    from geo.osm_features import load_osm_features

    say = progress_printer()
    study = load_study(args.osm, centers=args.centers, stations=args.stations, coords=args.coords, progress=say)
    layers = load_area_layers(args, study.network, sample=not args.osm)
    areas = layers.demo_areas
    if areas is None:
        raise LayerError(both("error.guide_map_area_missing"))
    if args.area:
        areas = areas[areas["name"].astype(str) == args.area]
        if not len(areas):
            names = "、".join(layers.demo_areas["name"].astype(str))
            raise LayerError(both("error.guide_map_area_unknown", area=args.area, names=names))
    result = run_study(study, walk_params(args), progress=say)
    say(both("cli.progress_guide_map"))
    from analysis.demo_area import demo_area_figures

    figures = demo_area_figures(areas.iloc[:1], result, units=layers.units, stations=study.stations,
                                communities=study.communities, grids=study.grids)
    gm = guide_map_content(areas, result, stations=study.stations, units=layers.units, lang=args.lang,
                           is_demo=layers.is_demo or study.is_demo, figures=figures)
    inputs = ReportInputs(features=load_osm_features(study.osm_path), network=study.network)
    paths = write_guide_map(gm, Path(args.out), inputs)
    counts = gm.markers["kind"].value_counts()
    print(text("cli.centers_red_stations_positions_numbered", args.lang, title=gm.title, n_centers=counts.get('center', 0), n_stations=counts.get('station', 0), n_positions=counts.get('position', 0), n_markers=len(gm.markers)))
    print_written(paths, args.lang)
    return 0
