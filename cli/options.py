"""Options and helpers shared by the ``servicecircle`` sub-commands (one definition each)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Callable

from analysis.params import ADULT_SPEED_KMH, ELDERLY_SPEED_KMH, WalkParams

COORD_CHOICES = ["auto", "wgs84", "gcj02", "bd09"]


def add_walk_options(p: argparse.ArgumentParser, *, max_access: bool = True) -> None:
    """--minutes, --speed, --elderly (and --max-access)."""
    p.add_argument("--minutes", type=float, default=8.0, help="service-circle threshold in minutes (default 8)")
    p.add_argument("--speed", type=float, default=None, help=f"walking speed km/h (default {ADULT_SPEED_KMH})")
    p.add_argument("--elderly", action="store_true", help=f"elderly walking speed ({ELDERLY_SPEED_KMH} km/h)")
    if max_access:
        p.add_argument("--max-access", type=float, default=300.0,
                       help="points farther than this many metres from any street are 'off network' (default 300)")


def add_area_options(p: argparse.ArgumentParser) -> None:
    """--osm, --grids, --communities, --coords: the study area's network and polygons."""
    p.add_argument("--osm", help="local OSM file (.osm.pbf, .osm, .osm.bz2); default: bundled Hangzhou extract")
    p.add_argument("--grids", help="governance grids (网格) polygons")
    p.add_argument("--communities", help="communities (社区) polygons")
    p.add_argument("--coords", default="auto", choices=COORD_CHOICES,
                   help="datum of lon/lat in your files (auto: detect Amap/Baidu shifts against the streets)")


def walk_params(args: argparse.Namespace) -> WalkParams:
    """The WalkParams an invocation asks for (validated, with a planner-readable error)."""
    speed = ELDERLY_SPEED_KMH if args.elderly else (args.speed if args.speed is not None else ADULT_SPEED_KMH)
    kw = {"max_access_m": args.max_access} if hasattr(args, "max_access") else {}
    return WalkParams(minutes=args.minutes, speed_kmh=speed, **kw)


def progress_printer() -> Callable[[str], None]:
    """A callback printing ``[elapsed s] message`` lines on stderr."""
    start = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - start:5.1f} s] {msg}", file=sys.stderr, flush=True)

    return say
