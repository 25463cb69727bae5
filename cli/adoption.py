"""``servicecircle adoption``: road adoption (门前三包 / 认领道路) along the walking network.

Each unit adopts the street segments within ``--distance`` metres (default 100) along the walking
network from its entrance, in every direction; streets nobody adopted; overlaps; river stretches.
Writes ``adoption_<lang>.xlsx``, ``adoption.gpkg`` and ``adoption_map_<lang>.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.adoption import DEFAULT_ADOPT_M, DEFAULT_RIVER_MAX_M
from analysis.party_outputs import write_adoption_outputs
from cli.options import (
    COORD_CHOICES, DISTANCE, RIVER_MAX, add_party_options, load_party, output_folder, progress_printer,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adoption", help="门前三包：驻区单位认领道路 / road adoption by resident units")
    add_party_options(p, rivers=True)
    p.add_argument("--osm", help="local OSM file (default: bundled Hangzhou extract)")
    p.add_argument("--coords", default="auto", choices=COORD_CHOICES, help="datum of lon/lat in your files")
    p.add_argument("--distance", type=DISTANCE, default=DEFAULT_ADOPT_M,
                   help=f"metres along the walking network in every direction (default {DEFAULT_ADOPT_M:g})")
    p.add_argument("--river-max", dest="river_max", type=RIVER_MAX, default=DEFAULT_RIVER_MAX_M,
                   help=f"units within this many metres (straight line) of a river adopt a stretch of it (default {DEFAULT_RIVER_MAX_M:g})")
    p.add_argument("--out", type=output_folder, default="out/adoption", help="output folder (default out/adoption)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the tables and map")
    p.set_defaults(func=run)


def format_summary(s: dict, lang: str, is_demo: bool) -> str:
    """The headline figures as text (metres)."""
    zh = lang == "zh"
    rows = [
        ("认领距离（步行路网，各方向）" if zh else "Adoption distance (walking network, every direction)", f"{s['distance_m']:g} m"),
        ("认领单位" if zh else "Units adopting", f"{s['n_units_adopting']} / {s['n_units']}"),
        ("认领道路合计（各单位相加）" if zh else "Adopted, sum over units", f"{s['adopted_m']:,.0f} m"),
        ("认领道路合计（去重）" if zh else "Adopted, without double counting", f"{s['adopted_union_m']:,.0f} m"),
        ("重叠认领" if zh else "Adopted twice or more", f"{s['overlap_m']:,.0f} m"),
        ("范围内道路总长" if zh else "Streets in the area", f"{s['area_street_m']:,.0f} m"),
        ("无人认领的道路（条）" if zh else "Streets nobody adopted", str(s["n_streets_unadopted"])),
        ("认领河段合计" if zh else "River stretches adopted", f"{s['river_adopted_m']:,.0f} m"),
    ]
    w = max(len(k) for k, _ in rows) + 2
    lines = [f"{k:<{w}}{v}" for k, v in rows]
    if is_demo:
        lines.append("注意：驻区单位与示范区为示例数据，非真实点位。" if zh else "Note: units and areas are illustrative sample data.")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    net, layers, feats, _ = load_party(args, say, ("units", "demo_areas"))
    for res in layers.reports.values():
        if res.report.problems:
            print(res.render(args.lang), file=sys.stderr)
    say("计算认领路段 Computing adopted segments…")
    res, paths = write_adoption_outputs(net, layers, Path(args.out), args.lang, args.distance, args.river_max, feats)
    print(format_summary(res.summary, args.lang, layers.is_demo))
    for p in paths.values():
        print(("已写入 " if args.lang == "zh" else "Written ") + str(p))
    return 0
