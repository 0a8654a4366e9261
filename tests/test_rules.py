"""One rule, one home: the pages, the exports and the search agree because they ask the same
function (directory.rules)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from directory import load_directory, validate_directory
from directory.quality.health import build_health
from directory.rules.overview import department_summaries
from directory.rules.staleness import RecordKind, stale_records

DEMO = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def demo():
    return load_directory(DEMO)


@pytest.mark.parametrize("today", [dt.date(2026, 11, 22), dt.date(2027, 6, 1), dt.date(2028, 3, 1)])
def test_overview_and_data_quality_count_the_same_stale_entries(demo, today: dt.date) -> None:
    overview = {r.department_id: r.stale for r in department_summaries(demo, today=today)}
    health = build_health(validate_directory(DEMO, today=today), today=today)
    quality = {c.department: c.stale for c in health.counts}
    listed = {d: sum(1 for s in health.stale if s.department == d) for d in demo.departments}
    assert overview == quality == listed
    assert sum(overview.values()) == len(health.stale)


def test_stale_entries_at_a_later_date_include_referrals(demo) -> None:
    """The overview used to count only units: 58 of the demo's entries on 1 June 2027."""
    kinds = {s.kind for s in stale_records(demo, dt.date(2028, 3, 1))}
    assert kinds == {RecordKind.UNIT, RecordKind.REFERRAL}  # demo contacts carry no date
