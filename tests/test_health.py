"""Data quality summaries for coordinators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_data

from directory import Severity, validate_directory
from directory.model import stale_before
from directory.quality.health import (
    Missing,
    build_health,
    data_where,
    departments_in,
    problem_department,
)
from directory.quality.reports import ReportStore
from directory.rules.staleness import RecordKind

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [(dt.date(2026, 11, 22), dt.date(2025, 11, 22)), (dt.date(2028, 2, 29), dt.date(2027, 2, 28))],
)
def test_stale_before_is_twelve_months(today: dt.date, cutoff: dt.date) -> None:
    assert stale_before(today) == cutoff


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        ("/srv/landkort/data/units/sof.yaml:12", "units/sof.yaml:12"),
        ("data/referrals/misbrug.yaml:3", "referrals/misbrug.yaml:3"),
        ("/srv/landkort/data/departments.yaml:1", "departments.yaml:1"),
        ("needs.yaml:7", "needs.yaml:7"),
        ("/srv/landkort/data", "data"),
    ],
)
def test_data_where_never_shows_a_server_path(where: str, shown: str) -> None:
    assert data_where(where) == shown


@pytest.mark.parametrize(
    ("path", "department"),
    [
        ("data/units/sof.yaml", "sof"),
        ("x/referrals/bif.yaml", "bif"),
        ("data/locations.yaml", None),
        ("data/departments.yaml", None),
        ("data/units/old.yml", None),
    ],
)
def test_problem_department(path: str, department: str | None) -> None:
    assert problem_department(path) == department


def _health(data_dir: Path, **kwargs):
    return build_health(validate_directory(data_dir, today=TODAY), today=TODAY, **kwargs)


def test_stale_records_per_department_and_owner(data_dir: Path) -> None:
    write_data(
        data_dir,
        {
            "referrals.yaml": (
                "referrals:\n  - {from: sof-bcv, to: bif-jku, needs: [job], verified: 2020-05-01}\n"
            )
        },
    )
    text = (data_dir / "units" / "sof.yaml").read_text(encoding="utf-8")
    (data_dir / "units" / "sof.yaml").write_text(
        text.replace("backup: k-bcv-2", "backup: k-bcv-2\n        verified: 2025-11-21"),
        encoding="utf-8",
    )
    health = _health(data_dir)
    assert [(s.kind, s.id, s.department, s.owner, s.days) for s in health.stale] == [
        (RecordKind.REFERRAL, "sof-bcv → bif-jku", "sof", "Datakoordinator SOF", 2396),
        (RecordKind.UNIT, "bif-ydelse", "bif", "(ingen ejer)", 1047),
        (RecordKind.CONTACT, "k-bcv-1", "sof", "Datakoordinator SOF", 366),
    ]
    assert health.stale[1].where == "units/bif.yaml:18"  # inside the data directory
    assert health.stale[0].name == "Borgercenter Voksne → Jobcenter København Ungecenter"
    assert {k: len(v) for k, v in health.stale_by("department").items()} == {
        "Beskæftigelses- og Integrationsforvaltningen (BIF)": 1,
        "Socialforvaltningen (SOF)": 2,
    }
    assert {k: len(v) for k, v in health.stale_by("owner").items()} == {
        "(ingen ejer)": 1,
        "Datakoordinator SOF": 2,
    }


def test_units_missing_phone_contact_hours_location(data_dir: Path) -> None:
    health = _health(data_dir)
    assert {m.unit_id: m.missing for m in health.missing} == {
        "bif-jku": (Missing.CONTACT,),
        "bif-ydelse": (Missing.CONTACT, Missing.HOURS, Missing.LOCATION),
        "sof-dognvagt": (Missing.CONTACT,),
        "stat-kif": (Missing.CONTACT, Missing.HOURS, Missing.LOCATION),
    }  # sof-hjemloese has no hours of its own but its location has


def test_unit_with_nothing_lacks_everything(data_dir: Path) -> None:
    write_data(
        data_dir,
        {
            "units/stat.yaml": (
                "units:\n  - {id: stat-kif, name: K, department: stat, verified: 2026-06-01}\n"
            )
        },
    )
    (row,) = [m for m in _health(data_dir).missing if m.unit_id == "stat-kif"]
    assert row.missing == (Missing.PHONE, Missing.CONTACT, Missing.HOURS, Missing.LOCATION)


def test_gatekeepers_without_backup(data_dir: Path) -> None:
    assert [(b.contact_id, b.unit_id, b.problem) for b in _health(data_dir).no_backup] == [
        ("k-hue-1", "sof-hjemloese", "ingen stedfortræder (backup)")
    ]


def test_counts_per_department_and_open_reports(data_dir: Path, storage) -> None:
    store = ReportStore(storage=storage)
    store.add("sof-bcv", "A")
    closed = store.add("sof-bcv", "B")
    store.add("bif-jku", "C")
    store.close(closed.id, by="K")
    health = _health(data_dir, reports=store.read().reports)
    counts = {c.department: c for c in health.counts}
    assert list(counts) == ["sof", "bif", "stat"]
    sof = counts["sof"]
    assert (
        sof.units,
        sof.contacts,
        sof.gatekeepers,
        sof.referrals_out,
        sof.stale,
        sof.missing,
        sof.no_backup,
        sof.open_reports,
        sof.errors,
        sof.warnings,
    ) == (3, 3, 2, 4, 0, 1, 1, 1, 0, 1)
    assert (counts["bif"].stale, counts["bif"].open_reports, counts["bif"].warnings) == (1, 1, 1)
    assert {owner: len(r) for owner, r in health.open_reports.items()} == {
        "(ingen ejer)": 1,
        "Datakoordinator SOF": 1,
    }


def test_department_filter(data_dir: Path, storage) -> None:
    store = ReportStore(storage=storage)
    store.add("sof-bcv", "A")
    store.add("bif-jku", "C")
    health = _health(data_dir, reports=store.read().reports, department="bif")
    assert [s.id for s in health.stale] == ["bif-ydelse"]
    assert {m.department for m in health.missing} == {"bif"} and health.no_backup == []
    assert [c.department for c in health.counts] == ["bif"]
    assert [r.unit_id for rs in health.open_reports.values() for r in rs] == ["bif-jku"]
    assert [p.department for p in health.problems] == ["bif"]


def test_invalid_data_still_lists_problems(data_dir: Path) -> None:
    write_data(
        data_dir,
        {
            "units/stat.yaml": (
                "units:\n  - id: stat-kif\n    name: X\n    department: nope\n"
                "    verified: 2026-01-01\n"
            )
        },
    )
    validation = validate_directory(data_dir, today=TODAY)
    health = build_health(validation, today=TODAY)
    assert not health.loaded and health.error_count == 1
    assert [p.where for p in health.problems if p.severity is Severity.ERROR] == [
        "units/stat.yaml:4"
    ]
    assert health.stale == [] and health.counts == []
    assert departments_in(validation) == ["bif", "sof", "stat"]
