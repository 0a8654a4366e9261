"""The one clock: "now" and "today" in Copenhagen, wherever the server's clock runs.

Every module that needs the time reads it here, through the module (`clock.now()`,
`clock.today()`, `clock.utcnow()`), never with `datetime.now()` or `date.today()`: opening
hours (open now), staleness, the app's state (zero hits, missing words, reports, pins),
editing (`verified`), exports (the date on a call list) and every page.

All three come from one reading, `instant()`. A test sets the clock in one way, by
replacing that function (`monkeypatch.setattr(clock, "instant", ...)`, see
`testkit.clock.set_clock`), and every caller then agrees: at 23:30 UTC on 31 December it
is already 1 January in Copenhagen, for all of them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def instant() -> dt.datetime:
    """The moment, as an aware UTC datetime: the one reading of the system clock."""
    return dt.datetime.now(dt.UTC)


def copenhagen(moment: dt.datetime) -> dt.datetime:
    """An aware moment as Copenhagen wall-clock time, naive, to the second (as
    opening-hours-py expects); a naive moment is taken to be Copenhagen time already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(COPENHAGEN).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def now() -> dt.datetime:
    """Copenhagen wall-clock time now, naive, to the second."""
    return copenhagen(instant())


def today() -> dt.date:
    """Today's date in Copenhagen."""
    return now().date()


def utcnow() -> dt.datetime:
    """Now in UTC, naive, to the microsecond: the timestamp the database stores (pins,
    recent searches, reports), which orders rows written within one second."""
    return instant().astimezone(dt.UTC).replace(tzinfo=None)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as naive UTC (a naive moment is Copenhagen wall-clock time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def day_of(moment: dt.datetime | None) -> dt.date:
    """The Copenhagen date of a moment (naive: Copenhagen time already); None: today."""
    if moment is None:
        return today()
    return copenhagen(moment).date()
