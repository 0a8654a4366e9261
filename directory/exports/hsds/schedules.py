"""Opening hours as HSDS schedules, both ways.

The landkort writes opening hours as OpenStreetMap `opening_hours` expressions (per unit,
location and phone); HSDS writes them as schedule rows, one per set of weekdays and opening
span (`freq: WEEKLY`, `byday`, `opens_at`, `closes_at`), and exceptions as rows with
`valid_from`/`valid_to`. What rows cannot express (holidays, a date without a year, anything
else) goes into the rows' `description` in Danish: never dropped silently.

    to_rows("Mo-Fr 09:00-15:00; PH off")
      -> rows [MO,TU,WE,TH,FR 09:00-15:00], remarks ["Lukket på helligdage."]
    to_hours(rows, remarks) -> "Mo-Fr 09:00-15:00; PH off"

The Danish sentences for holidays and year-less dates are written and read by one table
(`_PHRASES`), so an exported schedule reads back to the same hours. Times are Copenhagen
wall-clock time (no UTC offset: Denmark changes it twice a year; see docs/hsds-profile.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from directory.model import valid_hours
from directory.rules.hours import danish

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
CLOSED_DA = "Lukket."
_TIME = r"(?:[01][0-9]|2[0-4]):[0-5][0-9]"
_SPAN = re.compile(rf"({_TIME})-({_TIME})")
_SPANS = re.compile(rf"{_SPAN.pattern}(?:,{_SPAN.pattern})*")
_DAY_ITEM = re.compile(r"(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?|PH")
_MONTH = "|".join(MONTHS)
_MONTH_DAY = rf"({_MONTH}) ([0-3][0-9])"
# "2026 Dec 24", "2026 Dec 24-2027 Jan 02", "2026 Dec 24-26"
_YEAR_DATES = re.compile(
    rf"([0-9]{{4}}) {_MONTH_DAY}(?:-(?:(?:([0-9]{{4}}) )?({_MONTH}) )?([0-3][0-9]))?"
)
# "Dec 24", "Dec 24-Dec 26", "Dec 24-26" (every year)
_DATES = re.compile(rf"{_MONTH_DAY}(?:-(?:({_MONTH}) )?([0-3][0-9]))?")

Span = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Row:
    """One schedule row: weekdays (0 = Monday; empty: every day) and a span, or closed.

    `valid_from`/`valid_to`: an exception for those dates (both set), else the weekly hours.
    `opens`/`closes` None: closed (an exception only)."""

    days: tuple[int, ...]
    opens: str | None
    closes: str | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def byday(self) -> str:
        return ",".join(ICAL_DAYS[d] for d in self.days)


@dataclass(frozen=True, slots=True)
class Reading:
    """An opening-hours expression read as schedule rows, and what the rows cannot say."""

    rows: tuple[Row, ...]
    remarks: tuple[str, ...] = ()

    @property
    def description(self) -> str | None:
        """The remarks as one Danish text (every row's `description`), or None."""
        return " ".join(self.remarks) or None


# -- OSM -> rows ------------------------------------------------------------------------------


@dataclass
class _Week:
    spans: dict[int, list[Span]] = field(default_factory=dict)  # day -> spans; [] closed


def _spans(text: str) -> list[Span] | None:
    """'09:00-12:00,13:00-15:00' -> spans; 'off'/'closed' -> []; else None."""
    if text in ("off", "closed"):
        return []
    if not _SPANS.fullmatch(text):
        return None
    return [(m.group(1), m.group(2)) for m in _SPAN.finditer(text)]


def _days(text: str) -> tuple[list[int], bool] | None:
    """'Mo-We,Fr,PH' -> ([0, 1, 2, 4], True); None when it is not a weekday list."""
    days: list[int] = []
    holiday = False
    for item in text.split(","):
        match = _DAY_ITEM.fullmatch(item)
        if match is None:
            return None
        if item == "PH":
            holiday = True
            continue
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        day = first
        while True:  # "Fr-Mo" wraps over the weekend
            if day not in days:
                days.append(day)
            if day == last:
                break
            day = (day + 1) % 7
    return sorted(days), holiday


def _date(year: int, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(year, MONTHS.index(month) + 1, int(day))
    except ValueError:
        return None


def _times_da(spans: list[Span]) -> str:
    return " og ".join(f"{a}-{b}" for a, b in spans)


def _date_da(month: str, day: str) -> str:
    return f"{int(day)}. {MONTHS_DA[MONTHS.index(month)]}"


def _holiday_phrase(spans: list[Span]) -> str:
    return "Lukket på helligdage." if not spans else f"Åben på helligdage {_times_da(spans)}."


def _yearless_phrase(dates: str, spans: list[Span]) -> str:
    return f"Lukket {dates}." if not spans else f"Åben {dates} {_times_da(spans)}."


def to_rows(hours: str) -> Reading:
    """Read an opening-hours expression as schedule rows (see the module doc).

    The weekly rules follow OSM's order (a later rule replaces the hours of the days it
    names); `PH` rules, dates without a year and anything else become Danish remarks."""
    if hours.strip() == "24/7":
        return Reading((Row(tuple(range(7)), "00:00", "24:00"),))
    week = _Week()
    dated: list[Row] = []
    remarks: list[str] = []
    for raw in hours.split(";"):
        rule = " ".join(raw.split())
        if not rule:
            continue
        if not _rule(rule, week, dated, remarks):
            remarks.append(f"Desuden gælder: {danish(rule)}.")
    rows = _weekly_rows(week) + dated
    if not rows and not remarks:
        remarks.append(CLOSED_DA)
    return Reading(tuple(rows), tuple(remarks))


def _rule(rule: str, week: _Week, dated: list[Row], remarks: list[str]) -> bool:
    """Apply one rule; False when the rows and the phrases cannot express it."""
    if rule == "24/7":
        for day in range(7):
            week.spans[day] = [("00:00", "24:00")]
        return True
    year = _YEAR_DATES.match(rule)
    if year is not None:
        return _dated_rule(rule, year, dated)
    yearless = _DATES.match(rule)
    if yearless is not None:
        spans = _spans(rule[yearless.end() :].strip())
        if spans is None or not _yearless_valid(yearless):
            return False
        remarks.append(_yearless_phrase(_yearless_da(yearless), spans))
        return True
    selector, _, rest = rule.partition(" ")
    days = _days(selector)
    if days is None:  # no selector: every day ("09:00-15:00", "off")
        spans = _spans(rule)
        if spans is None:
            return False
        for day in range(7):
            week.spans[day] = spans
        return True
    spans = _spans(rest.strip())
    if spans is None:
        return False
    weekdays, holiday = days
    for day in weekdays:
        week.spans[day] = spans
    if holiday:
        remarks.append(_holiday_phrase(spans))
    return True


def _yearless_valid(match: re.Match[str]) -> bool:
    month, day, to_month, to_day = match.groups()
    return _date(2024, month, day) is not None and (
        to_day is None or _date(2024, to_month or month, to_day) is not None
    )


def _yearless_da(match: re.Match[str]) -> str:
    month, day, to_month, to_day = match.groups()
    first = _date_da(month, day)
    if to_day is None:
        return first
    return f"{first}-{_date_da(to_month or month, to_day)}"


def _dated_rule(rule: str, match: re.Match[str], dated: list[Row]) -> bool:
    year, month, day, to_year, to_month, to_day = match.groups()
    start = _date(int(year), month, day)
    end = _date(int(to_year or year), to_month or month, to_day) if to_day is not None else start
    if start is None or end is None or end < start:
        return False
    rest = rule[match.end() :].strip()
    weekdays: tuple[int, ...] = ()
    selector, _, times = rest.partition(" ")
    days = _days(selector) if selector not in ("off", "closed") else None
    if days is not None:
        if days[1]:  # PH inside a date range: more than rows say
            return False
        weekdays, rest = tuple(days[0]), times.strip()
    spans = _spans(rest)
    if spans is None:
        return False
    if not spans:
        dated.append(Row(weekdays, None, None, start, end))
    for opens, closes in spans:
        dated.append(Row(weekdays, opens, closes, start, end))
    return True


def _weekly_rows(week: _Week) -> list[Row]:
    """One row per opening span with every day that has it, in order of the first day."""
    days_of: dict[Span, list[int]] = {}
    for day in sorted(week.spans):
        for span in week.spans[day]:
            days_of.setdefault(span, []).append(day)
    ordered = sorted(days_of.items(), key=lambda item: (item[1][0], item[0]))
    return [Row(tuple(days), opens, closes) for (opens, closes), days in ordered]


# -- rows -> OSM ------------------------------------------------------------------------------
_CLOCK = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])(?::[0-5][0-9](?:\.[0-9]+)?)?(Z|[+-][0-9:]+)?")
_HOLIDAY_CLOSED = "Lukket på helligdage."
_HOLIDAY_OPEN = re.compile(rf"Åben på helligdage ({_TIME}-{_TIME}(?: og {_TIME}-{_TIME})*)\.")
_DATE_DA = rf"([0-3]?[0-9])\. ({'|'.join(MONTHS_DA)})"
_TIMES_DA = rf"{_TIME}-{_TIME}(?: og {_TIME}-{_TIME})*"
_YEARLESS_DA = re.compile(rf"(Lukket|Åben) {_DATE_DA}(?:-{_DATE_DA})?(?: ({_TIMES_DA}))?\.")


def clock(value: object) -> str | None:
    """'09:00', '09:00:00', '09:00+01:00' -> '09:00'; None when it is not a time of day."""
    if not isinstance(value, str):
        return None
    match = _CLOCK.fullmatch(value.strip())
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        return None
    return f"{match.group(1)}:{match.group(2)}"


def parse_byday(value: object) -> tuple[int, ...] | None:
    """'MO,TU' -> (0, 1); '' or None -> () (every day); None when it is not weekdays."""
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        return None
    days: list[int] = []
    for item in value.split(","):
        code = item.strip().upper()
        if code not in ICAL_DAYS:
            return None
        days.append(ICAL_DAYS.index(code))
    return tuple(sorted(set(days)))


def _day_list(days: Sequence[int]) -> str:
    """(0, 1, 2, 4) -> 'Mo-We,Fr'."""
    parts: list[str] = []
    run: list[int] = []
    for day in [*sorted(days), None]:
        if day is not None and run and day == run[-1] + 1:
            run.append(day)
            continue
        if run:
            if len(run) >= 3:
                parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
            else:
                parts.extend(DAYS[d] for d in run)
        run = [day] if day is not None else []
    return ",".join(parts)


def _spans_osm(spans: Iterable[Span]) -> str:
    return ",".join(f"{a}-{b}" for a, b in sorted(set(spans)))


def _osm_date(day: dt.date) -> str:
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


def to_hours(rows: Iterable[Row], remarks: Iterable[str] = ()) -> tuple[str | None, list[str]]:
    """The opening-hours expression of some rows and remarks, and the remarks it could not
    read (to report). None when there are no hours at all."""
    weekly: dict[int, list[Span]] = {}
    dated: dict[tuple[dt.date, dt.date, tuple[int, ...]], list[Span]] = {}
    for row in rows:
        days = row.days or tuple(range(7))
        if row.valid_from is not None and row.valid_to is not None:
            spans = dated.setdefault((row.valid_from, row.valid_to, row.days), [])
            if row.opens and row.closes:
                spans.append((row.opens, row.closes))
            continue
        if row.opens and row.closes:
            for day in days:
                weekly.setdefault(day, []).append((row.opens, row.closes))
    rules: list[str] = []
    if all(weekly.get(d) == [("00:00", "24:00")] for d in range(7)):
        rules.append("24/7")
    else:
        groups: dict[str, list[int]] = {}
        for day in sorted(weekly):
            groups.setdefault(_spans_osm(weekly[day]), []).append(day)
        for text, group in sorted(groups.items(), key=lambda item: item[1][0]):
            rules.append(f"{_day_list(group)} {text}")
    unread: list[str] = []
    for remark in remarks:
        rule = _remark_rule(remark)
        if rule is None:
            unread.append(remark)
        elif rule:
            rules.append(rule)
    for (start, end, days), spans in dated.items():
        period = _osm_date(start) if start == end else f"{_osm_date(start)}-{_osm_date(end)}"
        selector = f" {_day_list(days)}" if days else ""
        rules.append(f"{period}{selector} {_spans_osm(spans) if spans else 'off'}")
    hours = "; ".join(rules) or None
    return hours, unread


def _remark_rule(remark: str) -> str | None:
    """The OSM rule of one of our Danish phrases; '' for 'Lukket.' (no rule); else None."""
    text = remark.strip()
    if text == CLOSED_DA:
        return "off"
    if text == _HOLIDAY_CLOSED:
        return "PH off"
    holiday = _HOLIDAY_OPEN.fullmatch(text)
    if holiday is not None:
        return "PH " + holiday.group(1).replace(" og ", ",")
    yearless = _YEARLESS_DA.fullmatch(text)
    if yearless is not None:
        kind, day, month, to_day, to_month, times = yearless.groups()
        first = f"{MONTHS[MONTHS_DA.index(month)]} {int(day):02d}"
        if to_day is not None:
            first += f"-{MONTHS[MONTHS_DA.index(to_month)]} {int(to_day):02d}"
        if kind == "Lukket" and times is None:
            return f"{first} off"
        if kind == "Åben" and times is not None:
            return f"{first} {times.replace(' og ', ',')}"
    return None


def split_remarks(description: object) -> list[str]:
    """A row's description as its sentences (the remarks `to_rows` wrote), or []."""
    if not isinstance(description, str) or not description.strip():
        return []
    return [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-ZÆØÅ])", description.strip()) if s]


def valid(hours: str | None) -> bool:
    return hours is not None and valid_hours(hours)
