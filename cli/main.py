"""``servicecircle`` command line: coverage, check, site, report, scenario, batch, lists, adoption,
demo-area, guide-map.

Every command catches the project's own errors and prints a one-line message (no traceback),
exiting with 2 for bad input and 1 for unexpected failures (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import sys
import traceback
import warnings

from cli.options import ServiceCircleParser
from geo.errors import ServiceCircleError
from geo.messages import both

#: sub-command name -> module in cli/ (hyphens as underscores: guide-map -> cli.guide_map)
#: providing add_parser(subparsers) and run(args) -> int
COMMANDS = ("coverage", "check", "site", "report", "scenario", "batch", "lists", "adoption", "demo-area", "guide-map")


#: one-line help of each sub-command, so that ``servicecircle --help`` imports no sub-command module
#: (they pull in geopandas, SciPy, ...: 3 s against 0.1 s). tests/test_cli_main.py checks that each
#: equals the module's own help; a command missing here is simply imported for the listing.
COMMAND_HELP = {
    "coverage": "walking coverage of service centers (default: bundled sample city)",
    "check": "检查图层文件（中心、驿站、网格、候选点、需求点） / check a layer file",
    "site": "choose new service centers or red stations (MCLP / LSCP / p-median)",
    "report": "coverage report: PDF, HTML, XLSX, GeoPackage (default: bundled sample city)",
    "scenario": "save, list, show, compare and delete scenarios (方案) of proposed sites",
    "batch": "run many study areas (a CSV/XLSX manifest) on Dask distributed",
    "lists": "需求清单、资源清单、项目清单 / needs, resources and projects lists",
    "adoption": "门前三包：驻区单位认领道路 / road adoption by resident units",
    "demo-area": "党建示范区概况 / demonstration-area figures",
    "guide-map": "党建导引图（A3，PDF+PNG） / printable A3 guide map",
}
ALL = "*"

#: Allocations between two collections of the youngest generation while a command runs (Python's
#: default is 700). A command is one batch run that builds large tables (100,000 demand rows:
#: millions of cells, lists and geometries); with the default, the collector walked them 950
#: times, 0.5 s of a 5 s coverage run, against 0.1 s with this threshold (issue 16).
BATCH_GC_THRESHOLD = 50_000


def build_parser(command: str | None = ALL) -> argparse.ArgumentParser:
    """The ``servicecircle`` parser.

    ``command``: the sub-command to build in full (its module is imported); the others are listed
    with their help line only. ``ALL`` (default) builds every sub-command in full.
    """
    parser = ServiceCircleParser(
        prog="servicecircle",
        description="8分钟党群连心服务圈 walking-network coverage analysis (offline). "
        "Run without options to use the bundled sample city (central Hangzhou, OSM 2015).",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if command not in (ALL, name) and name in COMMAND_HELP:
            sub.add_parser(name, help=COMMAND_HELP[name])
            continue
        try:
            module = importlib.import_module(module_name(name))
        except ModuleNotFoundError as err:
            if err.name != module_name(name):
                raise
            continue
        module.add_parser(sub)
    return parser


def module_name(command: str) -> str:
    """The module of a sub-command: ``guide-map`` -> ``cli.guide_map``."""
    return "cli." + command.replace("-", "_")


def command_in(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (the first word not starting with '-'), if a known one."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; returns the exit code (0 ok, 2 bad input, 1 unexpected, 130 interrupted).

    Library warnings (pyogrio, NumPy, Matplotlib, pandas, GeoPandas) are silenced here, at the
    command line's edge, unless ``--debug`` is given: a planner sees the product's own messages only.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    with warnings.catch_warnings():
        if "--debug" not in argv:
            warnings.simplefilter("ignore")
        return _main(argv)


@contextlib.contextmanager
def batch_gc():
    """While a command runs: the objects made so far (imported modules) are left out of garbage
    collection (:func:`gc.freeze`) and young objects are collected every
    :data:`BATCH_GC_THRESHOLD` allocations. Both are restored afterwards (tests call
    :func:`main` many times in one process). Cycles are still collected, only less often.

    Yields
    ------
    None
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], BATCH_GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _main(argv: list[str]) -> int:
    parser = build_parser(command_in(argv))  # imports the sub-command's modules
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # bad arguments (one message already printed, code 2) or --help (0)
        return int(exit_.code or 0)
    try:
        with batch_gc():
            return int(args.func(args) or 0)
    except ServiceCircleError as err:
        print(f"{both('cli.error')} {err}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as err:  # never show a raw traceback to a planner
        print(f"Unexpected error ({type(err).__name__}): {err}. Re-run with --debug and report it.", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
