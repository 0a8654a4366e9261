"""One clock (`directory.rules.clock`): "now" and "today" in Copenhagen for every caller.

At 23:30 UTC on 31 December it is 00:30 on 1 January in Copenhagen: every part of the app
that dates something must say 1 January then, whatever the server's own time zone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import set_clock

from directory.rules import clock

ROOT = Path(__file__).resolve().parent.parent
NEW_YEAR_UTC = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
NEW_YEAR = dt.date(2027, 1, 1)  # the Copenhagen date then


def test_the_clock_says_copenhagen_time() -> None:
    assert clock.copenhagen(NEW_YEAR_UTC) == dt.datetime(2027, 1, 1, 0, 30)
    summer = dt.datetime(2027, 7, 1, 10, 0, 0, 123456, tzinfo=dt.UTC)
    assert clock.copenhagen(summer) == dt.datetime(2027, 7, 1, 12, 0)  # CEST, to the second
    assert clock.as_utc(dt.datetime(2027, 1, 1, 0, 30)) == dt.datetime(2026, 12, 31, 23, 30)
    assert clock.day_of(NEW_YEAR_UTC) == NEW_YEAR
    assert clock.day_of(dt.datetime(2027, 1, 1, 0, 30)) == NEW_YEAR  # naive: Copenhagen


def test_set_clock_sets_every_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(monkeypatch, NEW_YEAR_UTC)
    assert clock.now() == dt.datetime(2027, 1, 1, 0, 30)
    assert clock.today() == NEW_YEAR
    assert clock.utcnow() == dt.datetime(2026, 12, 31, 23, 30)
    set_clock(monkeypatch, dt.datetime(2027, 6, 1, 10, 0))  # naive: Copenhagen wall clock
    assert clock.now() == dt.datetime(2027, 6, 1, 10, 0)
    assert clock.utcnow() == dt.datetime(2027, 6, 1, 8, 0)


def test_every_caller_says_the_copenhagen_date_at_new_year(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, storage
) -> None:
    """The loader and staleness, the app's state (zero hits, missing words, reports),
    exports, open now and the guided referral all read the one clock."""
    from directory import load_directory
    from directory.exports.export import call_list_html
    from directory.loading.loader import validate_directory
    from directory.quality.reports import ReportStore
    from directory.rules.hours import status
    from directory.rules.overview import department_summaries
    from directory.storage.missing import read_missing_words, report_missing_word
    from search import SearchIndex
    from search.guide import guide

    # verified a year and a day before 1 January 2027: stale on that day, not on 31 December
    stat = data_dir / "units" / "stat.yaml"
    stat.write_text(stat.read_text().replace("2026-06-01", "2025-12-31"), encoding="utf-8")
    set_clock(monkeypatch, NEW_YEAR_UTC)
    stale = "blev sidst kontrolleret 2025-12-31, for mere end 12 måneder siden"
    assert any(stale in p.message for p in validate_directory(data_dir).warnings)
    directory = load_directory(data_dir)
    assert {s.department_id: s.stale for s in department_summaries(directory)}["stat"] == 1
    # the app's state
    assert storage.count_zero_hit("qwxyz")
    assert [day for _, _, day in storage.zero_hits()] == [NEW_YEAR]
    assert report_missing_word("ludomani", storage=storage).last == NEW_YEAR
    assert [w.last for w in read_missing_words(storage=storage)] == [NEW_YEAR]
    report = ReportStore(storage=storage).add("sof-bcv", "Forkert nummer")
    assert report.reported_at == "2027-01-01T00:30:00+01:00"
    # exports: the date a call list was printed
    assert "Udskrevet 2027-01-01 fra Kommunalt landkort." in call_list_html([], "Liste")
    # open now, and the guided referral's moment
    assert status("Mo-Su 00:00-01:00").is_open  # 00:30 in Copenhagen, not 23:30
    assert not status("Mo-Su 23:00-24:00").is_open
    assert guide(SearchIndex(directory), "hjemløs").at == dt.datetime(2027, 1, 1, 0, 30)


def test_nothing_reads_the_system_clock_but_the_clock() -> None:
    """Callers read the clock through the module (`clock.now()`), so that setting
    `clock.instant` sets it for all of them; none reads the system clock itself."""
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for top in ("directory", "search", "ui", "cli")
        for path in sorted((ROOT / top).rglob("*.py"))
        if path != ROOT / "directory" / "rules" / "clock.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(
            r"date\.today\(|datetime\.now\(|datetime\.utcnow\(|time\.localtime\(|"
            r"from directory\.rules\.clock import .*\b(now|today|utcnow|instant)\b|"
            r"hours\.now\(|staleness\.today\(",
            line,
        )
    ]
    assert not found, f"read the time with directory.rules.clock (clock.now()): {found}"
