"""`python -m directory remind [--dry-run]`: e-mail each owner the units due for review.

One Danish e-mail per owner address (a unit's `owner_email`, else its department's) that
lists its units due for review (stale, open error reports, missing fields: the rules of
Datakvalitet), each with a link to its page (`LANDKORT_BASE_URL/enhed?id=<id>`). At most
one e-mail a day per address, recorded in the app's database (`LANDKORT_DB`), so a second
run, on this server or another, sends nothing twice. A failed send is reported (on stderr,
per address) and tried again on the next run; the others are still sent. `--dry-run`
prints the e-mails and sends and records nothing. Units without an owner address are
counted here and listed on Datakvalitet.

Exit 0 when every e-mail due went out (or none was due), 1 when one failed, a setting is
wrong, the data has errors or the database cannot be used.
"""

from __future__ import annotations

import argparse
import sys

from cli.common import count, load_valid_directory, settings


def register(subparsers: argparse._SubParsersAction) -> None:
    remind = subparsers.add_parser(
        "remind",
        help=(
            "send hver ejer én e-mail med de enheder, der skal tjekkes (højst én om dagen pr. "
            "adresse; $LANDKORT_SMTP, $LANDKORT_MAIL_FROM, $LANDKORT_BASE_URL)"
        ),
    )
    remind.add_argument(
        "--dry-run",
        action="store_true",
        help="udskriv e-mailene; send og gem intet",
    )
    remind.set_defaults(handler=run_remind)


def run_remind(args: argparse.Namespace) -> int:
    from directory.quality.health import due_units, without_address
    from directory.quality.reminders import (
        Outcome,
        SettingProblem,
        mail_settings,
        send_reminders,
    )
    from directory.quality.reports import ReportStore
    from directory.rules import clock
    from directory.storage import STORAGE_ERRORS, open_storage

    config = settings(args)
    try:
        mail = mail_settings(
            config.smtp, config.mail_from, config.base_url, sending=not args.dry_run
        )
    except SettingProblem as exc:
        print(f"fejl: {exc}", file=sys.stderr)
        return 1
    directory = load_valid_directory(args)
    if directory is None:
        return 1
    today = clock.today()
    try:
        storage = open_storage(config.db)
        reports = ReportStore(storage=storage).open_reports()
        due = due_units(directory, today, reports)
        results = send_reminders(directory, due, mail, storage, today, dry_run=args.dry_run)
    except STORAGE_ERRORS as exc:
        print(
            f"fejl: appens database kan ikke bruges ({exc}): tjek LANDKORT_DB; intet er sendt "
            "efter fejlen",
            file=sys.stderr,
        )
        return 1

    failed = 0
    for result in results:
        units = count(result.units, "enhed", "enheder")
        if result.outcome is Outcome.DRY_RUN and result.message is not None:
            msg = result.message
            print(f"--- til {result.address} ({units}) ---")
            sender = msg["From"] or "(LANDKORT_MAIL_FROM er ikke sat)"
            print(f"Fra: {sender}\nTil: {msg['To']}\nEmne: {msg['Subject']}\n")
            print(msg.get_content())
        elif result.outcome is Outcome.ALREADY:
            print(
                f"{result.address}: har allerede fået dagens påmindelse ({units}); sendes ikke "
                "igen i dag",
                file=sys.stderr,
            )
        elif result.outcome is Outcome.SENT:
            print(f"{result.address}: sendt ({units})", file=sys.stderr)
        else:
            failed += 1
            print(f"fejl: {result.address}: {result.why}", file=sys.stderr)

    nobody = without_address(directory)
    nobody_due = len({u.unit_id for u in due if u.address is None})
    sent = sum(1 for r in results if r.outcome is Outcome.SENT)
    already = sum(1 for r in results if r.outcome is Outcome.ALREADY)
    if args.dry_run:
        would = sum(1 for r in results if r.outcome is Outcome.DRY_RUN)
        head = f"prøvekørsel: {count(would, 'e-mail', 'e-mails')} ville blive sendt; intet er sendt"
    else:
        head = f"{sent} sendt, {failed} fejlede"
    print(
        f"{head}, {already} allerede sendt i dag; {count(len(due), 'enhed', 'enheder')} skal "
        f"tjekkes; {count(len(nobody), 'enhed', 'enheder')} uden ejeradresse "
        f"({nobody_due} af dem skal tjekkes) står på siden Datakvalitet",
        file=sys.stderr,
    )
    return 1 if failed else 0
