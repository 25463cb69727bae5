"""The ``servicecircle`` dispatcher: the command listing needs no heavy import, and says the same."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent


def _module_help(name: str) -> str:
    parser = cli_main.build_parser(name)
    sub = next(a for a in parser._actions if a.dest == "command")
    return next(c.help for c in sub._choices_actions if c.dest == name)


@pytest.mark.parametrize("name", cli_main.COMMANDS)
def test_listing_help_equals_the_command_modules_own(name):
    importlib.import_module(cli_main.module_name(name))  # every listed command has its module
    assert name in cli_main.COMMAND_HELP, f"add cli.{name}'s help line to COMMAND_HELP"
    assert cli_main.COMMAND_HELP[name] == _module_help(name)


def test_top_level_help_imports_no_heavy_module():
    code = ("import sys\nfrom cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('geopandas', 'pandas', 'scipy', 'shapely', 'analysis.study') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "coverage" in out and "report" in out  # the listing names the commands
    assert out.strip().splitlines()[-1] == "[]"


def test_sub_command_help_still_lists_its_options(capsys):
    assert cli_main.main(["coverage", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--demand" in out and "--minutes" in out


def test_command_in_finds_the_first_word():
    assert cli_main.command_in(["--debug", "report", "--lang", "en"]) == "report"
    assert cli_main.command_in(["--help"]) is None
    assert cli_main.command_in(["nonsense"]) is None


def test_unknown_command_is_refused_with_exit_2(capsys):
    assert cli_main.main(["nonsense"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_command_runs_with_batch_collection_and_restores_it(monkeypatch):
    import gc

    seen = {}

    def fake_run(args):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
        raise ValueError("boom")                       # an unexpected error: exit 1, settings restored

    import cli.coverage

    monkeypatch.setattr(cli.coverage, "run", fake_run)
    before = gc.get_threshold()
    assert cli_main.main(["coverage"]) == 1
    assert seen["threshold"][0] == max(before[0], cli_main.BATCH_GC_THRESHOLD) and seen["frozen"] > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
