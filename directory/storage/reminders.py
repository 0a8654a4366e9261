"""Which owner addresses got their reminder e-mail on which day (`landkort remind`).

One row per address and Copenhagen day in the table `reminders`. A run *claims* an address
before it sends (an INSERT that only one run can win, on SQLite and PostgreSQL alike), so
two runs at once, on two servers or one after the other, never both send; the claim becomes
'sent' only once the e-mail server took the message, and a failed send deletes it, so the
next run tries again. Nothing is recorded as sent that was not.

A claim left 'sending' by a run that died (killed while it talked to the e-mail server) is
taken over after CLAIM_EXPIRES: that address may then get the day's e-mail twice, the one
case where it can.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from directory.rules import clock
from directory.rules.owners import address_key
from directory.storage.db import Storage
from directory.storage.models import ReminderRow

CLAIM_EXPIRES = dt.timedelta(minutes=15)  # a 'sending' claim older than this is a dead run's
KEEP_DAYS = 90  # reminder rows older than this are deleted
SENDING = "sending"
SENT = "sent"


def claim(storage: Storage, address: str, day: dt.date, *, now: dt.datetime | None = None) -> bool:
    """True when this run may send `address` its reminder of `day`: nobody has sent it
    or is sending it (a dead run's old claim is taken over)."""
    moment = now or clock.utcnow()
    key = address_key(address)
    with storage.write() as session:
        # RETURNING, not rowcount: psycopg's rowcount of INSERT … ON CONFLICT is -1 here
        inserted = session.scalar(
            storage._upsert(
                ReminderRow,
                {"address": key, "day": day, "status": SENDING, "claimed_at": moment, "units": 0},
                ["address", "day"],
            ).returning(ReminderRow.address)
        )
        if inserted is not None:
            return True
        taken = session.scalar(
            update(ReminderRow)
            .where(
                ReminderRow.address == key,
                ReminderRow.day == day,
                ReminderRow.status == SENDING,
                ReminderRow.claimed_at < moment - CLAIM_EXPIRES,
            )
            .values(claimed_at=moment)
            .returning(ReminderRow.address)
        )
        return taken is not None


def mark_sent(
    storage: Storage, address: str, day: dt.date, units: int, *, now: dt.datetime | None = None
) -> None:
    """The e-mail server took the reminder: the claim becomes 'sent'."""
    with storage.write() as session:
        session.execute(
            update(ReminderRow)
            .where(ReminderRow.address == address_key(address), ReminderRow.day == day)
            .values(status=SENT, sent_at=now or clock.utcnow(), units=units)
        )


def release(storage: Storage, address: str, day: dt.date) -> None:
    """The send failed: the claim goes, so the next run tries again."""
    with storage.write() as session:
        session.execute(
            delete(ReminderRow).where(
                ReminderRow.address == address_key(address),
                ReminderRow.day == day,
                ReminderRow.status == SENDING,
            )
        )


def sent_on(storage: Storage, day: dt.date) -> set[str]:
    """The addresses (keys) that got their reminder of `day`."""
    with storage.read() as session:
        rows = session.scalars(
            select(ReminderRow.address).where(ReminderRow.day == day, ReminderRow.status == SENT)
        )
        return set(rows)


def last_sent(storage: Storage) -> dict[str, dt.date]:
    """Per address (key), the last day its reminder was sent."""
    with storage.read() as session:
        rows = session.execute(
            select(ReminderRow.address, func.max(ReminderRow.day))
            .where(ReminderRow.status == SENT)
            .group_by(ReminderRow.address)
        )
        return {address: day for address, day in rows}


def purge(storage: Storage, today: dt.date, days: int = KEEP_DAYS) -> int:
    """Delete the rows older than `days` days; returns how many went."""
    with storage.write() as session:
        result = session.execute(
            delete(ReminderRow).where(ReminderRow.day <= today - dt.timedelta(days=days))
        )
        return int(cast(CursorResult[Any], result).rowcount)
