"""What is in the directory, per forvaltning: counts and unit trees for the overview page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.model import Directory, PhoneKind, Unit
from directory.rules import clock
from directory.rules.staleness import stale_per_department


@dataclass(frozen=True, slots=True)
class DepartmentSummary:
    department_id: str
    name: str
    short: str
    external: bool
    units: int
    gatekeepers: int
    fast_track: int
    referrals_out: int
    referrals_in: int
    stale: int
    newest_verified: dt.date | None


def department_summaries(
    directory: Directory, today: dt.date | None = None
) -> list[DepartmentSummary]:
    """One row per department, in file order, counting its units and referrals.

    `stale` counts the department's stale units, contacts and referrals, as the
    data-quality page does (`directory.rules.staleness`); `today` defaults to Copenhagen's.
    """
    stale = stale_per_department(directory, today or clock.today())
    by_department: dict[str, list[Unit]] = {d: [] for d in directory.departments}
    for unit in directory.units.values():
        by_department.setdefault(unit.department, []).append(unit)
    department_of = {u.id: u.department for u in directory.units.values()}
    out_counts: dict[str, int] = {}
    in_counts: dict[str, int] = {}
    for referral in directory.referrals:
        source, target = department_of[referral.from_], department_of[referral.to]
        out_counts[source] = out_counts.get(source, 0) + 1
        in_counts[target] = in_counts.get(target, 0) + 1
    rows = []
    for dep_id, department in directory.departments.items():
        units = by_department.get(dep_id, [])
        rows.append(
            DepartmentSummary(
                department_id=dep_id,
                name=department.name,
                short=department.short or "",
                external=department.kind.value == "external",
                units=len(units),
                gatekeepers=sum(len(u.gatekeepers) for u in units),
                fast_track=sum(
                    1 for u in units if any(p.kind is PhoneKind.FAST_TRACK for p in u.phones)
                ),
                referrals_out=out_counts.get(dep_id, 0),
                referrals_in=in_counts.get(dep_id, 0),
                stale=stale[dep_id],
                newest_verified=max((u.verified for u in units), default=None),
            )
        )
    return rows


def unit_tree(directory: Directory, department_id: str) -> list[tuple[int, Unit]]:
    """The department's units as (depth, unit), parents before children, by name.

    A unit whose parent is in another department starts at depth 0 here.
    """
    units = [u for u in directory.units.values() if u.department == department_id]
    ids = {u.id for u in units}
    roots = sorted((u for u in units if u.parent not in ids), key=lambda u: u.name)
    out: list[tuple[int, Unit]] = []
    stack = [(0, u) for u in reversed(roots)]
    while stack:
        depth, unit = stack.pop()
        out.append((depth, unit))
        kids = sorted(
            (directory.units[c] for c in directory.children.get(unit.id, []) if c in ids),
            key=lambda u: u.name,
        )
        stack.extend((depth + 1, kid) for kid in reversed(kids))
    return out
