"""Opening hours as a week of rows and back (`directory.rules.weekhours`): both ways on
every opening-hours string of the demo data, the same opening times as the string."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import opening_hours
import pytest

from directory.model import valid_hours
from directory.rules.weekhours import (
    ALL_DAY,
    SpecialDay,
    WeekHours,
    WeekHoursError,
    clock,
    day_spans,
    special_when,
    to_osm,
    to_rows,
)

ROOT = Path(__file__).resolve().parent.parent
_HOURS = re.compile(r"""^\s*(?:-\s*)?hours:\s*["']?(.*?)["']?\s*$""", re.M)


def demo_hours() -> list[str]:
    found: set[str] = set()
    for path in (ROOT / "data").rglob("*.yaml"):
        found.update(_HOURS.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


# a week around Easter and one around Christmas: weekdays, weekends and public holidays
_MOMENTS = [
    start + dt.timedelta(minutes=30 * i)
    for start in (dt.datetime(2026, 3, 30), dt.datetime(2026, 12, 21))
    for i in range(14 * 48)
]


def opening_times(hours: str) -> list[bool]:
    parsed = opening_hours.OpeningHours(hours, country="DK")
    return [bool(parsed.is_open(moment)) for moment in _MOMENTS]


def test_the_demo_data_has_opening_hours() -> None:
    assert len(demo_hours()) > 30


@pytest.mark.parametrize("hours", demo_hours())
def test_every_demo_string_becomes_rows_and_the_same_string_again(hours: str) -> None:
    rows = to_rows(hours)
    assert rows is not None, f"not expressible as rows: {hours}"
    again = to_osm(rows)
    assert valid_hours(again), again
    assert to_rows(again) == rows  # rows -> string -> rows
    assert opening_times(again) == opening_times(hours)  # the same opening times
    if "off; We" not in hours:  # written with a needless "Tu off": the same week, shorter
        assert again == hours


def test_the_one_demo_string_written_differently() -> None:
    hours = "Mo 09:00-15:00; Tu off; We 11:00-17:00; Th 09:00-15:00; Fr 09:00-14:00; PH off"
    assert to_osm(to_rows(hours)) == (  # type: ignore[arg-type]
        "Mo,Th 09:00-15:00; We 11:00-17:00; Fr 09:00-14:00; PH off"
    )


WEEKS = {
    "24/7": WeekHours(tuple(ALL_DAY for _ in range(7))),
    "Mo-Su 00:00-24:00; PH off": WeekHours(tuple(ALL_DAY for _ in range(7)), True),
    "Mo-Fr 08:00-15:30; Sa,Su,PH 09:00-13:00": WeekHours(
        ((("08:00", "15:30"),),) * 5 + ((("09:00", "13:00"),),) * 2,
        special=(SpecialDay("PH", (("09:00", "13:00"),)),),
    ),
    "Mo-Fr 00:00-08:00,16:00-24:00; Sa,Su,PH 00:00-24:00": WeekHours(
        ((("00:00", "08:00"), ("16:00", "24:00")),) * 5 + (ALL_DAY,) * 2,
        special=(SpecialDay("PH", ALL_DAY),),
    ),
    "Mo,We,Th 10:00-14:00; PH 10:00-12:00; Dec 24 off; Dec 31 09:00-12:00": WeekHours(
        (
            (("10:00", "14:00"),),
            (),
            (("10:00", "14:00"),),
            (("10:00", "14:00"),),
            (),
            (),
            (),
        ),
        special=(
            SpecialDay("PH", (("10:00", "12:00"),)),
            SpecialDay("Dec 24"),
            SpecialDay("Dec 31", (("09:00", "12:00"),)),
        ),
    ),
    "Sa,Su 22:00-02:00": WeekHours(((),) * 5 + ((("22:00", "02:00"),),) * 2),
    "": WeekHours(((),) * 7),
}


@pytest.mark.parametrize("text", list(WEEKS))
def test_rows_to_string_and_back(text: str) -> None:
    week = WEEKS[text]
    assert to_osm(week) == text
    assert to_rows(text) == week
    assert not text or valid_hours(text)


@pytest.mark.parametrize(
    "text",
    [
        "PH off; Mo-Fr 09:00-15:00",  # a holiday Monday would be open: not "closed on PH"
        "Mo-Fr 09:00-15:00; Dec 24 off; Mo 10:00-12:00",
        "Mo-Fr 09:00-15:00; week 1-10 off",
        "Jan-Mar Mo-Fr 09:00-15:00",
        "Mo-Fr sunrise-sunset",
        "Mo-Fr 09:00+",
        'Mo-Fr 09:00-15:00 "efter aftale"',
        "Mo-Fr 09:00-15:00; Feb 30 off",
    ],
)
def test_what_rows_cannot_say_stays_a_string(text: str) -> None:
    assert to_rows(text) is None


def test_the_forms_cells() -> None:
    assert [clock(t) for t in ("9", "9.30", "0930", "09:30", "24", "25", "9:75", "x")] == [
        "09:00",
        "09:30",
        "09:30",
        "09:30",
        "24:00",
        None,
        None,
        None,
    ]
    assert [special_when(t) for t in ("Helligdage", "24.12.", "31/12", "30.2.", "jul")] == [
        "PH",
        "Dec 24",
        "Dec 31",
        None,
        None,
    ]
    assert day_spans("Mandag", [("9", "15"), ("", "")]) == (("09:00", "15:00"),)
    with pytest.raises(WeekHoursError) as caught:
        day_spans("Tirsdag", [("9", "")])
    assert str(caught.value) == (
        "Tirsdag: »(tom)« er ikke et klokkeslæt: skriv både åbner og lukker som TT:MM, fx "
        "09:00 og 15:30 (lad begge stå tomme, når der er lukket)"
    )
    with pytest.raises(WeekHoursError) as caught:
        day_spans("Onsdag", [("10", "10:00")])
    assert str(caught.value).startswith("Onsdag: 10:00-10:00 er ikke en åbningstid")
