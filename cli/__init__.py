"""Command line: `landkort <command>`, the same as `python -m directory <command>`.

Each command lives in its own module with `register(subparsers)`; the handler it sets
returns the exit code. No command ever prints a traceback: unexpected failures are
reported in one line and exit 2. Help and usage errors are in Danish (`DanishParser`).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from directory import settings as config

COMMAND_MODULES = (
    "cli.validate",
    "cli.graph",
    "cli.export",
    "cli.importing",
    "cli.synth",
    "cli.guide",
    "cli.search",
    "cli.remind",
)


# argparse's own usage errors (English) -> Danish; `{}` holds what argparse put there.
_USAGE_ERRORS = (
    (r"argument (.+?): (.*)", "argumentet {}: {}"),
    (r"the following arguments are required: (.*)", "disse argumenter mangler: {}"),
    (r"unrecognized arguments: (.*)", "ukendte argumenter: {}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "ugyldigt valg: {} (vælg mellem {})"),
    (r"invalid int value: (.*)", "{} er ikke et helt tal"),
    (r"invalid \S+ value: (.*)", "ugyldig værdi: {}"),
    (r"expected one argument", "skal have én værdi"),
    (r"expected at least one argument", "skal have mindst én værdi"),
    (r"expected at most one argument", "må højst have én værdi"),
    (r"ambiguous option: (.*) could match (.*)", "tvetydigt tilvalg: {} kan være {}"),
    (r"ignored explicit argument (.*)", "overflødig værdi {}"),
    (r"not allowed with argument (.*)", "kan ikke bruges sammen med {}"),
    (r"one of the arguments (.*) is required", "et af argumenterne {} skal angives"),
)


def danish_usage_error(message: str) -> str:
    """An argparse usage error in Danish (ours, from `ArgumentTypeError`, already are)."""
    for pattern, danish in _USAGE_ERRORS:
        match = re.fullmatch(pattern, message, re.S)
        if match:
            return danish.format(*(danish_usage_error(g) for g in match.groups()))
    return message


class DanishFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "brug: " if prefix is None else prefix)


class DanishParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts (usage, headings, -h, usage errors) are Danish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DanishFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "tilvalg"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "vis denne hjælp, og afslut"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {danish_usage_error(message)}\n")


def build_parser(prog: str = "python -m directory") -> argparse.ArgumentParser:
    parser = DanishParser(
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
    try:  # the settings, read once here and passed down (`cli.common.settings(args)`)
        args.settings = config.current()
    except config.SettingsError as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the CLI never shows a traceback
        print(f"fejl: uventet fejl ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 2
