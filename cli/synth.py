"""`python -m directory synth OUT_DIR --units N [--seed S] [--today YYYY-MM-DD] [--force]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cli.common import count
from directory.devtools.synth import ANCHOR, synth_directory


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} er ikke en dato: skriv den som ÅÅÅÅ-MM-DD, fx 2026-06-01"
        ) from None


def _units(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} er ikke et helt tal: skriv fx --units 1000"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"skal være mindst 1, ikke {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="skriv en dannet (syntetisk) datamappe med N enheder til test og benchmarks",
        description=(
            "Skriv en gyldig datamappe med N enheder (cirka N/2 steder, 3N henvisninger og 1,5N "
            "kontaktpersoner) med opdigtede danske navne. Samme seed giver ens filer. Datoerne "
            f"i 'verified' ligger i de 330 dage før --today (standard {ANCHOR}, fast, så "
            "resultatet aldrig ændrer sig; senere tjek advarer om, at de er forældede)."
        ),
    )
    parser.add_argument(
        "out_dir", metavar="OUT_DIR", help="mappen, der skrives (skal være ny eller tom)"
    )
    parser.add_argument("--units", type=_units, required=True, metavar="N", help="antal enheder")
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="tilfældighedsfrø (standard 0)"
    )
    parser.add_argument(
        "--today",
        type=_date,
        default=ANCHOR,
        metavar="YYYY-MM-DD",
        help=f"datoen, som datoerne i 'verified' regnes tilbage fra (standard {ANCHOR})",
    )
    parser.add_argument("--force", action="store_true", help="erstat OUT_DIR, hvis den ikke er tom")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        counts = synth_directory(
            args.out_dir, args.units, args.seed, today=args.today, overwrite=args.force
        )
    except (FileExistsError, ValueError) as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1
    size = f"{counts['bytes'] / 1e6:.1f}".replace(".", ",")
    parts = [
        count(counts["departments"], "forvaltning", "forvaltninger"),
        count(counts["units"], "enhed", "enheder"),
        count(counts["contacts"], "kontaktperson", "kontaktpersoner"),
        count(counts["locations"], "sted", "steder"),
        count(counts["referrals"], "henvisning", "henvisninger"),
    ]
    files = count(counts["files"], "fil", "filer")
    print(f"skrev {args.out_dir}: {', '.join(parts)} i {files} ({size} MB)")
    return 0
