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
    zh = lang == "zh"
    rows = [
        (f"匹配距离（步行路网）" if zh else "Matching distance (walking network)", f"{s['distance_m']:,.0f} m"),
        ("需求" if zh else "Needs", f"{s['n_needs']}（未完成 {s['n_needs_open']}）" if zh else f"{s['n_needs']} ({s['n_needs_open']} open)"),
        ("  可匹配资源" if zh else "  with a resource in reach", str(s["n_matched"])),
        ("  无资源可匹配（未完成）" if zh else "  unmatched (open)", str(s["n_unmatched"])),
        ("  已分配容量" if zh else "  allocated capacity", str(s["n_allocated"])),
        ("资源（单位）" if zh else "Resources (units)", f"{s['n_resources']} ({s['n_units']})"),
        ("项目（已认领）" if zh else "Projects (claimed)", f"{s['n_projects']} ({s['n_projects_claimed']})"),
    ]
    note = "注意：驻区单位、需求与项目为示例数据，非真实点位。" if zh else "Note: units, needs and projects are illustrative sample data."
    return summary_text(rows, (note if is_demo else None,))


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    net, layers, _ = load_party(args, say, ("units", "needs", "projects"))
    say("匹配需求与资源 Matching needs to resources…")
    res, paths = write_lists_outputs(net, layers, Path(args.out), args.lang, args.distance)
    print(format_summary(res.summary, args.lang, layers.is_demo))
    print_written(paths, args.lang)
    return 0
