"""The command line as installed: the `landkort` console script is `python -m directory`,
from any folder, and every command module is really there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cli

LANDKORT = Path(sys.executable).parent / "landkort"


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("argv", "prog"),
    [
        ([str(LANDKORT)], "landkort"),
        ([sys.executable, "-m", "directory"], "python -m directory"),
    ],
    ids=["console-script", "python-m"],
)
def test_both_forms_validate_from_another_folder(
    argv: list[str], prog: str, data_dir: Path, tmp_path: Path
) -> None:
    assert LANDKORT.exists(), "no landkort script: install the app with `pip install -e .`"
    done = _run([*argv, "validate", str(data_dir)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0 fejl, 2 advarsler; " in done.stderr
    usage = _run([*argv, "--help"], cwd=tmp_path)
    assert usage.stdout.startswith(f"brug: {prog} [-h] COMMAND ...")


def test_a_missing_command_module_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "cli.nope"))
    with pytest.raises(ModuleNotFoundError, match="cli.nope"):
        cli.build_parser()


def test_every_command_module_registers_its_commands() -> None:
    commands = set(_subcommands(cli.build_parser()))
    assert commands == {
        "validate",
        "path",
        "loops",
        "stats",
        "export",
        "import",
        "schema",
        "synth",
        "guide",
        "search",
        "remind",
    }


def _subcommands(parser) -> dict[str, object]:
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)
