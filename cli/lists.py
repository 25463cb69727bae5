"""``servicecircle lists``: the three lists (需求清单、资源清单、项目清单) with walking-distance matching.

Writes ``three_lists_<lang>.xlsx`` and ``three_lists.gpkg`` and prints the headline counts.
Defaults: the sample city's demo units, needs and projects (示例数据).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.lists import DEFAULT_MATCH_M
from analysis.party_outputs import write_lists_outputs
from cli.options import (
    DISTANCE, add_area_options, add_output_options, add_party_options, load_party, print_written, progress_printer,
    summary_text,
)
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lists", help="需求清单、资源清单、项目清单 / needs, resources and projects lists")
    add_party_options(p)
    add_area_options(p, polygons=False)
    p.add_argument("--distance", type=DISTANCE, default=DEFAULT_MATCH_M,
                   help=f"match needs to resources within this many metres along the walking network (default {DEFAULT_MATCH_M:,.0f})")
    add_output_options(p, "out/lists", "language of the tables")
    p.set_defaults(func=run)


def format_summary(s: dict, lang: str, is_demo: bool) -> str:
    """The headline counts as text."""
    rows = [
        (text("cli.matching_distance_walking_network", lang), f"{s['distance_m']:,.0f} m"),
        (text("cli.needs", lang), text("cli.open", lang, n_needs=s['n_needs'], n_open=s['n_needs_open'])),
        (text("cli.with_resource_reach", lang), str(s["n_matched"])),
        (text("cli.unmatched_open", lang), str(s["n_unmatched"])),
        (text("cli.allocated_capacity", lang), str(s["n_allocated"])),
        (text("cli.resources_units", lang), f"{s['n_resources']} ({s['n_units']})"),
        (text("cli.projects_claimed", lang), f"{s['n_projects']} ({s['n_projects_claimed']})"),
    ]
    note = text("cli.note_units_needs_projects_illustrative", lang)
    return summary_text(rows, (note if is_demo else None,))


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    net, layers, _ = load_party(args, say, ("units", "needs", "projects"))
    say(both("cli.progress_matching"))
    res, paths = write_lists_outputs(net, layers, Path(args.out), args.lang, args.distance)
    print(format_summary(res.summary, args.lang, layers.is_demo))
    print_written(paths, args.lang)
    return 0
