"""Opening hours: status with Danish holidays, and the expression in Danish."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.rules import hours

WEEKDAYS = "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off"


@pytest.mark.parametrize(
    ("expr", "at", "is_open", "label"),
    [
        (WEEKDAYS, dt.datetime(2026, 11, 23, 10), True, "Åben nu · lukker kl. 15:00"),
        (WEEKDAYS, dt.datetime(2026, 11, 23, 16), False, "Lukket · åbner i morgen kl. 09:00"),
        (
            WEEKDAYS,
            dt.datetime(2026, 12, 24, 10),
            True,
            "Åben nu · lukker kl. 15:00",
        ),  # not a holiday
        (
            WEEKDAYS,
            dt.datetime(2026, 12, 25, 10),
            False,
            "Lukket · åbner mandag kl. 09:00",
        ),  # juledag
        (
            WEEKDAYS,
            dt.datetime(2026, 4, 2, 10),
            False,
            "Lukket · åbner tirsdag kl. 09:00",
        ),  # skærtorsdag..2. påskedag
        (WEEKDAYS, dt.datetime(2026, 11, 27, 12), True, "Åben nu · lukker kl. 13:00"),
        ("24/7", dt.datetime(2026, 12, 25, 3), True, "Åben nu · døgnåben"),
        (None, dt.datetime(2026, 12, 25, 3), False, "Åbningstid ukendt"),
    ],
)
def test_status(expr: str | None, at: dt.datetime, is_open: bool, label: str) -> None:
    status = hours.status(expr, at)
    assert status.is_open is is_open
    assert status.label == label


def test_next_change_far_away_is_shown_as_date() -> None:
    status = hours.status("Jan 05-Dec 20 Mo-Fr 09:00-15:00", dt.datetime(2026, 12, 21, 10))
    assert status.label == "Lukket · åbner 5.1. kl. 09:00"


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (WEEKDAYS, "man-tor 09:00-15:00 · fre 09:00-13:00 · lukket på helligdage"),
        ("24/7", "døgnåbent"),
        ("Mo,We 10:00-12:00; Dec 24 off", "man, ons 10:00-12:00 · dec. 24 lukket"),
        (None, "Ingen åbningstid oplyst"),
    ],
)
def test_danish(expr: str | None, text: str) -> None:
    assert hours.danish(expr) == text
