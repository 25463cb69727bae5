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


def add_level_options(p: argparse.ArgumentParser) -> None:
    """--compounds, --party-grids: optional layers for the street → community → compound → grid tables."""
    p.add_argument("--compounds", help="compounds (小区) points or polygons: households, population, 老旧小区, 物业管理, 党支部 "
                                       "(template data/templates/compounds.csv)")
    p.add_argument("--party-grids", dest="party_grids",
                   help="party grids (党建网格) polygons: checked against --grids (or the sample grids) for 双网融合")


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


def add_party_options(p: argparse.ArgumentParser, *, rivers: bool = False) -> None:
    """--units, --needs, --projects, --demo-areas (and --rivers): regional party-building layers.

    Layers not given come from the sample city's demo files (示例数据) when no --osm is given.
    """
    p.add_argument("--units", help="resident units (驻区单位) layer: points with name, type, offers (e.g. 会议室(60)、停车位(40))")
    p.add_argument("--needs", help="needs (需求) layer: points with content, category (停车/微心愿/助餐…), quantity, status")
    p.add_argument("--projects", help="projects (项目) layer: title, claiming unit, community, status, dates")
    p.add_argument("--demo-areas", dest="demo_areas", help="demonstration areas (示范区) polygons")
    if rivers:
        p.add_argument("--rivers", help="river lines (GeoJSON/GPKG/SHP; optional name column); "
                                        "default for the sample city: its OSM waterways")


def load_party(args: argparse.Namespace, say: Callable[[str], None], kinds: tuple[str, ...]):
    """(network, party layers of ``kinds``, OSM features, sample?) for a party-building sub-command."""
    from analysis.party_inputs import load_party_layers
    from analysis.sample_city import SAMPLE_OSM, load_sample_city
    from geo.network import load_walk_network
    from geo.osm_features import load_osm_features
    from geo.osm_file import check_osm_file

    say("读取步行路网 Loading the walking network…")
    if args.osm:
        check_osm_file(args.osm)
    sample = not args.osm or str(args.osm) == str(SAMPLE_OSM)
    net = load_sample_city().network if sample else load_walk_network(args.osm)
    feats = load_sample_city().features if sample else load_osm_features(args.osm)
    layers = load_party_layers(units=args.units, needs=getattr(args, "needs", None), projects=getattr(args, "projects", None),
                               demo_areas=getattr(args, "demo_areas", None), rivers=getattr(args, "rivers", None),
                               coords=getattr(args, "coords", "auto"), streets=net.edges_gdf().geometry, sample=sample,
                               osm_features=feats if getattr(args, "rivers", None) is None and hasattr(args, "rivers") else None,
                               kinds=kinds)
    return net, layers, feats, sample
