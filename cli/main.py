"""``servicecircle`` command line: coverage, check, site, report, scenario, batch.

Every command catches the project's own errors and prints a one-line message (no traceback),
exiting with 2 for bad input and 1 for unexpected failures (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from geo.errors import ServiceCircleError

#: sub-command name -> module in cli/ providing add_parser(subparsers) and run(args) -> int
COMMANDS = ("coverage", "check", "site", "report", "scenario", "batch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="servicecircle",
        description="8分钟党群连心服务圈 walking-network coverage analysis (offline). "
        "Run without options to use the bundled sample city (central Hangzhou, OSM 2015).",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cli.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"cli.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ServiceCircleError as err:
        print(f"错误 Error: {err}", file=sys.stderr)
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
