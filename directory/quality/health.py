"""Data quality for coordinators: what is wrong, old or missing, per forvaltning and owner,
and which units are due for review, per owner address (what `landkort remind` mails).

Everything here works from a `Validation`, so problems can be listed even when the data
has errors (the other summaries then need a loaded directory and are empty).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from directory.loading.loader import Validation, problem_order
from directory.model import FOLDERS, Directory, Problem, Severity, Unit
from directory.quality.reports import Report, open_by_owner
from directory.rules.hours import hours_text
from directory.rules.owners import address_key, owner_address
from directory.rules.staleness import (
    RecordKind,
    StaleRecord,
    owner_of,
    stale_counts,
    stale_records,
)
from directory.rules.vocabulary import check_reach


class Missing(StrEnum):
    """What a unit lacks that a caseworker needs."""

    PHONE = "telefon"
    CONTACT = "kontaktperson"
    HOURS = "åbningstid"
    LOCATION = "adresse"


@dataclass(frozen=True, slots=True)
class ProblemRow:
    where: str  # path:line
    severity: Severity
    message: str
    department: str | None  # from a units/<id>.yaml or referrals/<id>.yaml file name


@dataclass(frozen=True, slots=True)
class MissingRow:
    unit_id: str
    name: str
    department: str
    owner: str
    missing: tuple[Missing, ...]


@dataclass(frozen=True, slots=True)
class NoBackupRow:
    contact_id: str
    name: str
    unit_id: str
    unit: str
    department: str
    owner: str
    problem: str


@dataclass(frozen=True, slots=True)
class DepartmentCounts:
    department: str
    name: str
    units: int
    contacts: int
    gatekeepers: int
    referrals_out: int
    stale: int
    missing: int
    no_backup: int
    open_reports: int
    errors: int
    warnings: int


@dataclass
class Health:
    """Every data-quality summary of one data directory (optionally one department)."""

    problems: list[ProblemRow]
    loaded: bool
    stale: list[StaleRecord] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    no_backup: list[NoBackupRow] = field(default_factory=list)
    counts: list[DepartmentCounts] = field(default_factory=list)
    open_reports: dict[str, list[Report]] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)  # id -> name (short)
    due: list[DueUnit] = field(default_factory=list)  # units due for review (reminders)
    no_address: list[str] = field(default_factory=list)  # unit ids without an owner address

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity is Severity.ERROR)

    def department_name(self, department_id: str) -> str:
        """A forvaltning as people know it: its name and short name, else the id."""
        return self.department_names.get(department_id, department_id)

    def stale_by(self, attribute: str) -> dict[str, list[StaleRecord]]:
        """Stale records grouped by 'department' (the forvaltning's name) or 'owner' (the
        owner's name), groups sorted by name."""
        out: dict[str, list[StaleRecord]] = {}
        for record in self.stale:
            key = getattr(record, attribute)
            if attribute == "department":
                key = self.department_name(key)
            out.setdefault(key, []).append(record)
        return dict(sorted(out.items()))


def in_data_dir(text: str, root: str) -> str:
    """A `path:line` (or a message naming one) as shown to people: relative to the data
    directory, so a page never shows where the server keeps its files
    (`/srv/landkort/data/units/sof.yaml:3` → `units/sof.yaml:3`; the folder itself: `.`)."""
    base = os.path.normpath(root)
    if text.startswith(base + ":"):
        text = "." + text[len(base) :]
    return text.replace(base + os.sep, "")


def problem_department(path: str) -> str | None:
    """The department a problem's file belongs to (`units/sof.yaml` → 'sof'), else None."""
    parts = path.replace(os.sep, "/").split("/")
    if len(parts) >= 2 and parts[-2] in FOLDERS and parts[-1].endswith(".yaml"):
        return parts[-1][: -len(".yaml")]
    return None


def data_file(path: str) -> str:
    """A data file as coordinators name it, relative to the data directory
    (`/srv/landkort/data/units/sof.yaml` → `units/sof.yaml`): never a server path."""
    parts = path.replace(os.sep, "/").rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] in FOLDERS:
        return "/".join(parts[-2:])
    return parts[-1]


def data_where(where: str) -> str:
    """`path:line` with the path made relative by `data_file`."""
    path, sep, line = where.rpartition(":")
    return f"{data_file(path)}:{line}" if sep and line.isdigit() else data_file(where)


def problem_rows(problems: Iterable[Problem], department: str | None = None) -> list[ProblemRow]:
    """Problems as rows (paths relative to the data directory); with a department, that
    department's files and the shared ones."""
    rows = [
        ProblemRow(
            f"{data_file(p.path)}:{p.line}", p.severity, p.message, problem_department(p.path)
        )
        for p in problems
    ]
    if department is None:
        return rows
    return [r for r in rows if r.department in (None, department)]


def departments_in(validation: Validation) -> list[str]:
    """Department ids to filter by: from the directory, or from file names if it has errors."""
    if validation.directory is not None:
        return list(validation.directory.departments)
    found = {problem_department(p.path) for p in validation.problems}
    return sorted(d for d in found if d)


def _owner(unit: Unit) -> str:
    return owner_of(unit)


def missing_fields(directory: Directory, unit: Unit) -> tuple[Missing, ...]:
    """What a unit lacks: a phone, a contact, opening hours (its own or a location's),
    a location."""
    lacks: list[Missing] = []
    if not unit.phones:
        lacks.append(Missing.PHONE)
    if not unit.contacts:
        lacks.append(Missing.CONTACT)
    if not hours_text(directory, unit):
        lacks.append(Missing.HOURS)
    if not unit.locations:
        lacks.append(Missing.LOCATION)
    return tuple(lacks)


def missing_rows(directory: Directory) -> list[MissingRow]:
    rows = []
    for unit in directory.units.values():
        lacks = missing_fields(directory, unit)
        if lacks:
            rows.append(MissingRow(unit.id, unit.name, unit.department, _owner(unit), lacks))
    return rows


def gatekeepers_without_backup(directory: Directory) -> list[NoBackupRow]:
    """Gatekeepers with no backup, or whose backup is not in the directory."""
    rows = []
    for unit in directory.units.values():
        for c in unit.gatekeepers:
            if not c.backup:
                problem = "ingen stedfortræder (backup)"
            elif c.backup not in directory.contacts:
                problem = f"stedfortræderen {c.backup!r} findes ikke"
            else:
                continue
            rows.append(
                NoBackupRow(
                    c.id, c.name, unit.id, unit.name, unit.department, _owner(unit), problem
                )
            )
    return rows


def department_counts(
    directory: Directory,
    *,
    stale: list[StaleRecord],
    missing: list[MissingRow],
    no_backup: list[NoBackupRow],
    reports: Iterable[Report],
    problems: list[ProblemRow],
) -> list[DepartmentCounts]:
    """Summary counts per department, in the order of departments.yaml."""
    unit_dept = {u.id: u.department for u in directory.units.values()}
    units = Counter(unit_dept.values())
    contacts: Counter[str] = Counter()
    gatekeepers: Counter[str] = Counter()
    for unit in directory.units.values():
        contacts[unit.department] += len(unit.contacts)
        gatekeepers[unit.department] += len(unit.gatekeepers)
    referrals = Counter(unit_dept.get(r.from_) for r in directory.referrals)
    stale_n = stale_counts(stale)
    missing_n = Counter(m.department for m in missing)
    backup_n = Counter(b.department for b in no_backup)
    reports_n = Counter(unit_dept.get(r.unit_id) for r in reports if r.is_open)
    errors = Counter(p.department for p in problems if p.severity is Severity.ERROR)
    warnings = Counter(p.department for p in problems if p.severity is Severity.WARNING)
    return [
        DepartmentCounts(
            d.id,
            d.name,
            units[d.id],
            contacts[d.id],
            gatekeepers[d.id],
            referrals[d.id],
            stale_n[d.id],
            missing_n[d.id],
            backup_n[d.id],
            reports_n[d.id],
            errors[d.id],
            warnings[d.id],
        )
        for d in directory.departments.values()
    ]


@dataclass(frozen=True, slots=True)
class DueUnit:
    """A unit due for review, why, and where its reminder goes (None: nowhere)."""

    unit_id: str
    name: str
    department: str
    address: str | None
    stale: tuple[StaleRecord, ...] = ()
    open_reports: int = 0
    missing: tuple[Missing, ...] = ()

    def reasons(self) -> list[str]:
        """Why, in Danish, one short line each."""
        out: list[str] = []
        for record in self.stale:
            when = f"{record.verified:%d.%m.%Y}, for mere end 12 måneder siden"
            if record.kind is RecordKind.UNIT:
                out.append(f"sidst kontrolleret {when}")
            elif record.kind is RecordKind.CONTACT:
                out.append(f"kontaktpersonen {record.name} er sidst kontrolleret {when}")
            else:
                out.append(f"henvisningen {record.name} er sidst kontrolleret {when}")
        if self.open_reports:
            n = self.open_reports
            out.append(f"{n} åben fejlmelding" if n == 1 else f"{n} åbne fejlmeldinger")
        if self.missing:
            out.append("mangler " + ", ".join(m.value for m in self.missing))
        return out


def due_units(
    directory: Directory,
    today: dt.date,
    reports: Iterable[Report] = (),
    *,
    stale: Iterable[StaleRecord] | None = None,
    missing: Iterable[MissingRow] | None = None,
) -> list[DueUnit]:
    """Every unit due for review, in the order of the data files. `stale` and `missing`:
    the rows the caller has already made (Datakvalitet), else they are made here."""
    by_unit: dict[str, list[StaleRecord]] = {}
    for record in stale_records(directory, today) if stale is None else stale:
        by_unit.setdefault(record.unit_id, []).append(record)
    lacks = {
        row.unit_id: row.missing
        for row in (missing_rows(directory) if missing is None else missing)
    }
    open_reports: dict[str, int] = {}
    for report in reports:
        if report.is_open:
            open_reports[report.unit_id] = open_reports.get(report.unit_id, 0) + 1
    out: list[DueUnit] = []
    for unit in directory.units.values():
        records = tuple(by_unit.get(unit.id, ()))
        reports_n = open_reports.get(unit.id, 0)
        lack = lacks.get(unit.id, ())
        if records or reports_n or lack:
            out.append(
                DueUnit(
                    unit.id,
                    unit.name,
                    unit.department,
                    owner_address(directory, unit),
                    records,
                    reports_n,
                    lack,
                )
            )
    return out


def by_address(due: Iterable[DueUnit]) -> dict[str, list[DueUnit]]:
    """Due units per owner address (one mailbox whatever its case), addresses sorted; units
    without an address are left out."""
    out: dict[str, list[DueUnit]] = {}
    spelled: dict[str, str] = {}
    for unit in due:
        if unit.address is None:
            continue
        key = address_key(unit.address)
        spelled.setdefault(key, unit.address.strip())
        out.setdefault(key, []).append(unit)
    return {spelled[key]: out[key] for key in sorted(out)}


def without_address(directory: Directory) -> list[str]:
    """The ids of the units with no owner address at all (no reminder reaches anyone)."""
    return [u.id for u in directory.units.values() if owner_address(directory, u) is None]


def build_health(
    validation: Validation,
    *,
    today: dt.date,
    reports: Iterable[Report] = (),
    department: str | None = None,
) -> Health:
    """Every summary; with `department`, only that department's records and files. The
    problems are the validation's and, when the data loaded, the units no need of the
    needs vocabulary reaches (`directory.rules.vocabulary.check_reach`, as `validate`)."""
    directory = validation.directory
    found = [*validation.problems, *(check_reach(directory) if directory is not None else [])]
    found.sort(key=problem_order)
    all_problems = problem_rows(found)
    problems = problem_rows(found, department)
    if directory is None:
        return Health(problems, loaded=False)
    reports = list(reports)
    names = {d.id: d.label for d in directory.departments.values()}
    stale = [
        dataclasses.replace(s, where=data_where(s.where)) for s in stale_records(directory, today)
    ]
    missing = missing_rows(directory)
    no_backup = gatekeepers_without_backup(directory)
    counts = department_counts(
        directory,
        stale=stale,
        missing=missing,
        no_backup=no_backup,
        reports=reports,
        problems=all_problems,
    )
    grouped = open_by_owner(reports, directory)
    due = due_units(directory, today, reports, stale=stale, missing=missing)
    no_address = without_address(directory)
    if department is not None:
        due = [u for u in due if u.department == department]
        no_address = [u for u in no_address if directory.units[u].department == department]
        stale = [s for s in stale if s.department == department]
        missing = [m for m in missing if m.department == department]
        no_backup = [b for b in no_backup if b.department == department]
        counts = [c for c in counts if c.department == department]
        grouped = open_by_owner(
            (
                r
                for r in reports
                if r.unit_id in directory.units
                and directory.units[r.unit_id].department == department
            ),
            directory,
        )
    return Health(
        problems, True, stale, missing, no_backup, counts, grouped, names, due, no_address
    )
