"""Stale entries: records whose `verified` date is more than 12 months old.

The one home of the rule. The data-quality page (`directory.quality.health`), the
forvaltning overview (`directory.rules.overview`) and the unit page all count and list stale
entries from here, so they agree: units, contacts and referrals (a referral belongs to the
department of the unit it comes from), against Copenhagen's date (`clock.today()`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from directory.model import Directory, Unit, stale_before

NO_OWNER = "(ingen ejer)"


class RecordKind(StrEnum):
    UNIT = "enhed"
    CONTACT = "kontaktperson"
    REFERRAL = "henvisning"


@dataclass(frozen=True, slots=True)
class StaleRecord:
    kind: RecordKind
    id: str
    name: str
    department: str
    owner: str
    verified: dt.date
    days: int
    where: str
    unit_id: str = ""  # the unit the record belongs to (a referral: the unit it comes from)


def is_stale(verified: dt.date | None, on: dt.date) -> bool:
    """True when a `verified` date is more than 12 months before `on` (no date: not stale)."""
    return verified is not None and verified < stale_before(on)


def owner_of(unit: Unit) -> str:
    return unit.owner or NO_OWNER


def stale_records(directory: Directory, on: dt.date) -> list[StaleRecord]:
    """Units, contacts and referrals verified more than 12 months before `on`, oldest first."""
    out: list[StaleRecord] = []

    def add(
        kind: RecordKind, rid: str, name: str, unit: Unit, verified: dt.date | None, where: str
    ) -> None:
        if verified is not None and is_stale(verified, on):
            out.append(
                StaleRecord(
                    kind,
                    rid,
                    name,
                    unit.department,
                    owner_of(unit),
                    verified,
                    (on - verified).days,
                    where,
                    unit.id,
                )
            )

    for unit in directory.units.values():
        add(
            RecordKind.UNIT,
            unit.id,
            unit.name,
            unit,
            unit.verified,
            f"{unit.source.path}:{unit.source.line_of('verified')}",
        )
        for c in unit.contacts:
            add(
                RecordKind.CONTACT,
                c.id,
                c.name,
                unit,
                c.verified,
                f"{c.source.path}:{c.source.line_of('verified')}",
            )
    for r in directory.referrals:
        source = directory.units[r.from_]  # a loaded directory has no dangling referral
        add(
            RecordKind.REFERRAL,
            f"{r.from_} → {r.to}",
            f"{source.name} → {directory.units[r.to].name}",
            source,
            r.verified,
            f"{r.source.path}:{r.source.line_of('verified')}",
        )
    return sorted(out, key=lambda s: (s.verified, s.kind, s.id))


def stale_counts(records: list[StaleRecord]) -> Counter[str]:
    """How many stale records each department has (departments without any are absent)."""
    return Counter(record.department for record in records)


def stale_per_department(directory: Directory, on: dt.date) -> Counter[str]:
    """Stale units, contacts and referrals per department id."""
    return stale_counts(stale_records(directory, on))
