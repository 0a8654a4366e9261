"""`python -m directory import hsds FILE OUTDIR [--force]`: HSDS 3.1 into a data directory."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "import",
        help="læs Open Referral HSDS 3.1-tjenester (en JSON-liste, som `export hsds` skriver) "
        "ind i en ny datamappe",
    )
    command.add_argument("format", choices=["hsds"], help="format")
    command.add_argument("file", metavar="FILE", help="HSDS-filen (JSON)")
    command.add_argument("out_dir", metavar="OUTDIR", help="den nye datamappe (skal være tom)")
    command.add_argument(
        "--force",
        action="store_true",
        help="erstat OUTDIR, selv om den ikke er tom",
    )
    command.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from directory.exports.hsds.importer import HsdsImportError, import_hsds, summary_da

    try:
        imported = import_hsds(args.file, args.out_dir, overwrite=args.force)
    except HsdsImportError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} fejl: intet skrevet i {args.out_dir}", file=sys.stderr)
        return 1
    except FileExistsError as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1
    for warning in imported.warnings:
        print(f"advarsel: {warning}")
    print(f"Importerede {summary_da(imported)} i {args.out_dir}", file=sys.stderr)
    return 0
