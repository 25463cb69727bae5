"""Options and helpers shared by the ``servicecircle`` sub-commands (one definition each)."""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from analysis.params import ADULT_SPEED_KMH, ELDERLY_SPEED_KMH, WalkParams
from geo.messages import ByLang, Message, both, pair, text

COORD_CHOICES = ["auto", "wgs84", "gcj02", "bd09"]


# -- argument validation (argparse ``type=``): one place, every sub-command ---------------------
#
# A refused value makes argparse call ``parser.error``; cli.main's parser prints the one bilingual
# message below and exits with code 2. Allowed ranges (stated in every message):
#   minutes 1–120 min; speed 0.5–10 km/h; max-access 1–5,000 m; radius / distance 1–20,000 m;
#   min-distance 0–20,000 m (0 keeps every candidate); spacing 10–5,000 m; time limit 1–86,400 s;
#   max-mb more than 0, at most 10,000 MB (1 MB = 1,000,000 bytes); K 1–1,000 (report --sites 0–1,000); budget > 0; min-area 0–1,000,000 m²;
#   workers / threads 1–64.


def _fmt(v: float) -> str:
    return f"{v:,.10g}"


def number(zh: str, en: str, unit: str, lo: float, hi: float, *, integer: bool = False,
           lo_open: bool = False) -> Callable[[str], float]:
    """An argparse ``type=`` accepting a finite number in [lo, hi] (or (lo, hi] with ``lo_open``).

    ``unit`` is "中文/English" (e.g. "米/m") or one symbol for both languages.
    """
    kind = Message("error.number_whole" if integer else "error.number_any")
    unit_zh, _, unit_en = unit.partition("/")
    unit_en = unit_en or unit_zh
    rng = f"{'大于' if lo_open else ''}{_fmt(lo)}–{_fmt(hi)} {unit_zh}".strip()
    rng_en = (f"more than {_fmt(lo)} and at most {_fmt(hi)} {unit_en}" if lo_open
              else f"from {_fmt(lo)} to {_fmt(hi)} {unit_en}").strip()

    def parse(text: str) -> float:
        try:
            v = float(text.strip().replace(",", ""))
        except (ValueError, AttributeError):
            v = math.nan
        ok = math.isfinite(v) and (v > lo if lo_open else v >= lo) and v <= hi and (not integer or v.is_integer())
        if not ok:
            raise argparse.ArgumentTypeError(" / ".join(pair("error.number_invalid", label=ByLang(zh, en), text=text,
                                                             kind=kind, range=ByLang(rng, rng_en))))
        return int(v) if integer else v

    parse.__name__ = en  # argparse shows the type's name in some messages
    return parse


MINUTES = number("步行时间阈值（--minutes）", "--minutes", "分钟/min", 1, 120)
SPEED = number("步速（--speed）", "--speed", "km/h", 0.5, 10)
MAX_ACCESS = number("离路网最远距离（--max-access）", "--max-access", "米/m", 1, 5000)
RADIUS = number("服务半径（--radius）", "--radius", "米/m", 1, 20000)
DISTANCE = number("距离（--distance）", "--distance", "米/m", 1, 20000)
RIVER_MAX = number("河道距离（--river-max）", "--river-max", "米/m", 1, 20000)
MIN_DISTANCE = number("与现有点位最小距离（--min-distance）", "--min-distance", "米/m", 0, 20000)
SPACING = number("候选点间距（--spacing）", "--spacing", "米/m", 10, 5000)
TIME_LIMIT = number("求解时限（--time-limit）", "--time-limit", "秒/s", 1, 86400)
MAX_MB = number("文件大小上限（--max-mb）", "--max-mb", "MB", 0, 10000, lo_open=True)
K = number("新点位数量（--k）", "--k", "", 1, 1000, integer=True)
SITES = number("新点位数量（--sites）", "--sites", "", 0, 1000, integer=True)
BUDGET = number("预算（--budget）", "--budget", "", 0, 1e12, lo_open=True)
MIN_AREA = number("最小面积（--min-area）", "--min-area", "㎡/m²", 0, 1e6)
WORKERS = number("进程数（--workers）", "--workers", "", 1, 64, integer=True)
THREADS = number("线程数（--threads）", "--threads", "", 1, 64, integer=True)


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def _writable_folder(folder: Path) -> bool:
    """Whether a file can really be created in ``folder`` (a probe; also catches read-only disks)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".servicecircle_probe_", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def _folder_problem(folder: Path, what: Message) -> tuple[str, str] | None:
    """Why files cannot be written into ``folder`` (created one level deep if missing), or None.

    Rule: a missing folder is created when its parent folder exists; deeper missing chains are
    refused (usually a typing mistake in the path).
    """
    if folder.exists():
        if not folder.is_dir():
            return pair("error.folder_is_file", what=what, folder=folder)
        if not _writable_folder(folder):
            return pair("error.folder_not_writable", folder=folder)
        return None
    parent = folder.parent
    if not parent.exists():
        anc = _nearest_existing(parent)
        return pair("error.folder_parent_missing", parent=parent, anc=anc)
    if not parent.is_dir():
        return pair("error.folder_parent_is_file", parent=parent)
    if not _writable_folder(parent):
        return pair("error.folder_parent_not_writable", parent=parent)
    return None


def output_file(*suffixes: str) -> Callable[[str], str]:
    """An argparse ``type=`` for an output file: right extension, not a folder, writable place."""
    want = ByLang("、".join(suffixes), " or ".join(suffixes))

    def parse(text: str) -> str:
        if not text or not text.strip():
            raise argparse.ArgumentTypeError(" / ".join(pair("error.output_path_empty")))
        p = Path(text).expanduser()
        if p.exists() and p.is_dir() or text.endswith(("/", os.sep)):
            raise argparse.ArgumentTypeError(" / ".join(pair("error.output_path_is_folder", text=text,
                                                             example=p / ("result" + suffixes[0]))))
        if p.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(" / ".join(pair("error.output_suffix", text=text, want=want,
                                                             example=p.with_suffix(suffixes[0]).name)))
        if p.exists() and not os.access(p, os.W_OK):
            raise argparse.ArgumentTypeError(" / ".join(pair("error.output_read_only", text=text)))
        why = _folder_problem(p.parent if str(p.parent) else Path("."), Message("error.output_place"))
        if why:
            raise argparse.ArgumentTypeError(" / ".join(pair("error.output_cannot_write", text=text, why=ByLang(*why))))
        return str(p)

    parse.__name__ = "output file"
    return parse


def output_folder(text: str) -> str:
    """An argparse ``type=`` for an output folder: not an existing file, creatable, writable."""
    if not text or not text.strip():
        raise argparse.ArgumentTypeError(" / ".join(pair("error.output_folder_empty")))
    p = Path(text).expanduser()
    why = _folder_problem(p, Message("error.output_folder"))
    if why:
        raise argparse.ArgumentTypeError(" / ".join(pair("error.output_folder_cannot_write", text=text, why=ByLang(*why))))
    return str(p)


GPKG_FILE = output_file(".gpkg")
XLSX_FILE = output_file(".xlsx")


class ServiceCircleParser(argparse.ArgumentParser):
    """Argument parser whose errors are one bilingual line (exit code 2), without the usage block."""

    def error(self, message: str):  # noqa: D102 - argparse API
        self.exit(2, f"错误 Error: {message} ({self.prog} --help)\n")


def add_walk_options(p: argparse.ArgumentParser, *, max_access: bool = True) -> None:
    """--minutes, --speed, --elderly (and --max-access)."""
    p.add_argument("--minutes", type=MINUTES, default=8.0, help="service-circle threshold in minutes (default 8; 1–120)")
    p.add_argument("--speed", type=SPEED, default=None, help=f"walking speed km/h (default {ADULT_SPEED_KMH}; 0.5–10)")
    p.add_argument("--elderly", action="store_true", help=f"elderly walking speed ({ELDERLY_SPEED_KMH} km/h)")
    if max_access:
        p.add_argument("--max-access", type=MAX_ACCESS, default=300.0,
                       help="points farther than this many metres from any street are 'off network' (default 300; 1–5000)")


def add_area_options(p: argparse.ArgumentParser, *, polygons: bool = True) -> None:
    """--osm, --grids, --communities, --coords: the study area's network and polygons.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command's parser.
    polygons : bool
        Add --grids and --communities (False: only --osm and --coords).
    """
    p.add_argument("--osm", help="local OSM file (.osm.pbf, .osm, .osm.bz2); default: bundled Hangzhou extract")
    if polygons:
        p.add_argument("--grids", help="governance grids (网格) polygons")
        p.add_argument("--communities", help="communities (社区) polygons")
    p.add_argument("--coords", default="auto", choices=COORD_CHOICES,
                   help="datum of lon/lat in your files (auto: detect Amap/Baidu shifts against the streets)")


def add_output_options(p: argparse.ArgumentParser, folder: str, lang_help: str) -> None:
    """--out (an output folder, created if missing) and --lang (zh or en, default zh).

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command's parser.
    folder : str
        Default output folder, e.g. ``"out/lists"``.
    lang_help : str
        What the language applies to, shown in --help (e.g. "language of the tables").
    """
    p.add_argument("--out", type=output_folder, default=folder, help=f"output folder (default {folder})")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help=lang_help)


def add_demo_area_options(p: argparse.ArgumentParser) -> None:
    """--demo-areas, --units, --centers, --stations: what a demonstration area (示范区) holds.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The sub-command's parser.
    """
    p.add_argument("--demo-areas", dest="demo_areas",
                   help="demonstration areas (示范区) polygons (default: the sample demo area)")
    p.add_argument("--units", help="resident units (驻区单位) layer")
    p.add_argument("--centers", help="service centers layer")
    p.add_argument("--stations", help="red stations layer")


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
    """The walking network, party-building layers and OSM features for a party sub-command.

    Layers with problems are reported on stderr (in ``args.lang``).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of :func:`add_party_options` and :func:`add_area_options` (``polygons=False``).
    say : callable
        Progress callback.
    kinds : tuple of str
        Party layers to read (e.g. ``("units", "needs", "projects")``).

    Returns
    -------
    tuple
        (WalkNetwork, PartyLayers, OSM features): the sample city's when no --osm is given.
    """
    from analysis.party_inputs import load_party_layers
    from analysis.sample_city import SAMPLE_OSM, load_sample_city
    from geo.network import load_walk_network
    from geo.osm_features import load_osm_features
    from geo.osm_file import check_osm_file

    say(both("cli.progress_walking_network"))
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
    print_layer_problems(layers, args.lang)
    return net, layers, feats


def load_area_layers(args: argparse.Namespace, network, *, sample: bool):
    """Resident units and demonstration areas (options of :func:`add_demo_area_options`) on a
    study's network; layers with problems are reported on stderr (in ``args.lang``).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options with ``units``, ``demo_areas``, ``coords`` and ``lang``.
    network : WalkNetwork
        The study's walking network (points are checked against its streets).
    sample : bool
        Use the sample city's demo layers for those not given.

    Returns
    -------
    PartyLayers
        The units and demonstration areas read.
    """
    from analysis.party_inputs import load_party_layers

    layers = load_party_layers(units=args.units, demo_areas=args.demo_areas, coords=args.coords,
                               streets=network.edges_gdf().geometry, sample=sample, kinds=("units", "demo_areas"))
    print_layer_problems(layers, args.lang)
    return layers


def print_layer_problems(layers, lang: str) -> None:
    """Print the read report of each party layer that has problems, on stderr.

    Parameters
    ----------
    layers : PartyLayers
        Layers read by :func:`analysis.party_inputs.load_party_layers`.
    lang : str
        "zh" or "en".
    """
    for res in layers.reports.values():
        if res.report.problems:
            print(res.render(lang), file=sys.stderr)


def summary_text(rows: list[tuple[str, str]], notes: tuple[str | None, ...] = (), head: str | None = None) -> str:
    """Label / value rows as two aligned columns, between an optional heading and notes.

    Parameters
    ----------
    rows : list of (str, str)
        Label and its value, already formatted.
    notes : tuple of str or None
        Lines after the table (e.g. the sample-data note); None or "" entries are left out.
    head : str, optional
        A line before the table.

    Returns
    -------
    str
        The lines joined with newlines.
    """
    width = max(len(k) for k, _ in rows) + 2
    lines = ([head] if head else []) + [f"{k:<{width}}{v}" for k, v in rows]
    return "\n".join(lines + [n for n in notes if n])


def print_written(paths, lang: str) -> None:
    """Print one "已写入 / Written <path>" line per file written.

    Parameters
    ----------
    paths : dict of str to Path
        The files a command wrote (values are printed in order).
    lang : str
        "zh" or "en".
    """
    for path in paths.values():
        print((text("cli.written", lang)) + str(path))
