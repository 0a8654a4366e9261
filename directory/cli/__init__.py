"""Command line: `landkort <command>`, the same as `python -m directory <command>`.

Each command lives in its own module with `register(subparsers)`; the handler it sets
returns the exit code. No command ever prints a traceback: unexpected failures are
reported in one line and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

COMMAND_MODULES = (
    "directory.cli.validate",
    "directory.cli.graph",
    "directory.cli.export",
    "directory.cli.synth",
    "directory.cli.guide",
)


def build_parser(prog: str = "python -m directory") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Kommunalt landkort: tjek og analysér vejviserens data.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:  # a missing module is an error, never a missing command
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The console script `landkort` (pyproject.toml) and `python -m directory` share this.
    invoked_as_script = Path(sys.argv[0]).name == "landkort"
    parser = build_parser("landkort" if invoked_as_script else "python -m directory")
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the CLI never shows a traceback
        print(f"fejl: uventet fejl ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 2
