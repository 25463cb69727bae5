"""``servicecircle adoption``: road adoption (门前三包 / 认领道路) along the walking network.

Each unit adopts the street segments within ``--distance`` metres (default 100) along the walking
network from its entrance, in every direction; streets nobody adopted; overlaps; river stretches.
Writes ``adoption_<lang>.xlsx``, ``adoption.gpkg`` and ``adoption_map_<lang>.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.adoption import DEFAULT_ADOPT_M, DEFAULT_RIVER_MAX_M
from analysis.party_outputs import write_adoption_outputs
from cli.options import (
    DISTANCE, RIVER_MAX, add_area_options, add_output_options, add_party_options, load_party, print_written,
    progress_printer, summary_text,
)
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adoption", help="门前三包：驻区单位认领道路 / road adoption by resident units")
    add_party_options(p, rivers=True)
    add_area_options(p, polygons=False)
    p.add_argument("--distance", type=DISTANCE, default=DEFAULT_ADOPT_M,
                   help=f"metres along the walking network in every direction (default {DEFAULT_ADOPT_M:g})")
    p.add_argument("--river-max", dest="river_max", type=RIVER_MAX, default=DEFAULT_RIVER_MAX_M,
                   help=f"units within this many metres (straight line) of a river adopt a stretch of it (default {DEFAULT_RIVER_MAX_M:g})")
    add_output_options(p, "out/adoption", "language of the tables and map")
    p.set_defaults(func=run)


def format_summary(s: dict, lang: str, is_demo: bool) -> str:
    """The headline figures as text (metres)."""
    rows = [
        (text("cli.adoption_distance_walking_network_every", lang), f"{s['distance_m']:g} m"),
        (text("cli.units_adopting", lang), f"{s['n_units_adopting']} / {s['n_units']}"),
        (text("cli.adopted_sum_over_units", lang), f"{s['adopted_m']:,.0f} m"),
        (text("cli.adopted_without_double_counting", lang), f"{s['adopted_union_m']:,.0f} m"),
        (text("cli.adopted_twice_or_more", lang), f"{s['overlap_m']:,.0f} m"),
        (text("cli.streets_area", lang), f"{s['area_street_m']:,.0f} m"),
        (text("cli.streets_nobody_adopted", lang), str(s["n_streets_unadopted"])),
        (text("cli.river_stretches_adopted", lang), f"{s['river_adopted_m']:,.0f} m"),
    ]
    note = text("cli.note_units_areas_illustrative_sample", lang)
    return summary_text(rows, (note if is_demo else None,))


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    net, layers, feats = load_party(args, say, ("units", "demo_areas"))
    say(both("cli.progress_adopted_segments"))
    res, paths = write_adoption_outputs(net, layers, Path(args.out), args.lang, args.distance, args.river_max, feats)
    print(format_summary(res.summary, args.lang, layers.is_demo))
    print_written(paths, args.lang)
    return 0
