"""Opening hours as a week of rows (the edit form's table) and back to the OpenStreetMap
string the data holds: one rule for both directions, so what the form shows is what is
written.

    rows = to_rows("Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off")
    rows.days[0] == (("09:00", "15:00"),)      # Monday
    to_osm(rows) == "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off"

A week is a row per weekday (no hours: closed), "closed on public holidays" (`PH off`),
and special days: public holidays with their own hours (`PH 10:00-14:00`) and dates
(`Dec 24 off`, `Dec 31 09:00-12:00`). `to_rows` reads the strings that mean exactly that:
weekday rules first (a later one overrides an earlier one for its days, as in the OSM
format), then the public holidays, then dates; anything else (week numbers, months,
sunrise, "open end", comments) gives None, and the form offers the string itself instead.
`to_osm` writes one rule per group of days with the same hours, in the week's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_DA = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HOLIDAYS = "PH"
HOLIDAYS_DA = "Helligdage"
ALL_DAY = (("00:00", "24:00"),)

Span = tuple[str, str]

_TIME = r"(?:[01][0-9]|2[0-4]):[0-5][0-9]"
_SPANS = re.compile(rf"^{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*$")
_DAY_PART = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_DATE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{1,2})$")
_CLOCK = re.compile(r"^([0-9]{1,2})(?:[:.]?([0-9]{2}))?$")
_DANISH_DATE = re.compile(r"^([0-9]{1,2})\s*[./-]\s*([0-9]{1,2})\.?$")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class WeekHoursError(ValueError):
    """A row that cannot be written as opening hours; `str()` says which and how to fix it
    (Danish)."""


@dataclass(frozen=True)
class SpecialDay:
    """Public holidays (`when == "PH"`) or a date (`"Dec 24"`) with their own hours (none:
    closed)."""

    when: str
    spans: tuple[Span, ...] = ()

    @property
    def label(self) -> str:
        """'Helligdage' or '24.12.'."""
        if self.when == HOLIDAYS:
            return HOLIDAYS_DA
        month, day = self.when.split()
        return f"{int(day)}.{MONTHS.index(month) + 1}."


@dataclass(frozen=True)
class WeekHours:
    days: tuple[tuple[Span, ...], ...]  # one entry per weekday, Monday first; () = closed
    holidays_closed: bool = False
    special: tuple[SpecialDay, ...] = ()


def to_rows(osm: str | None) -> WeekHours | None:
    """The week an opening-hours string describes, or None when it says something the rows
    cannot (the form then shows the string itself). An empty string: closed every day."""
    days: list[tuple[Span, ...]] = [() for _ in DAYS]
    holidays: tuple[Span, ...] | None = None
    holidays_closed = False
    dates: dict[str, tuple[Span, ...]] = {}
    stage = 0  # 0: weekday rules, 1: public holidays, 2: dates (each only after the last)
    for rule in (r.strip() for r in (osm or "").split(";")):
        if not rule:
            continue
        if rule == "24/7":
            if stage or any(days):
                return None
            days = [ALL_DAY for _ in DAYS]
            continue
        selector, _, times = rule.rpartition(" ")
        if not selector and _SPANS.match(times):
            selector = "Mo-Su"
        spans = _spans(times)
        if spans is None:
            return None
        date = _DATE.match(selector)
        if date is not None:
            if not _valid_date(MONTHS.index(date.group(1)) + 1, int(date.group(2))):
                return None
            when = f"{date.group(1)} {int(date.group(2))}"
            if when in dates:
                return None
            stage = 2
            dates[when] = spans
            continue
        picked: list[int] = []
        has_holidays = False
        for part in selector.split(","):
            if part == HOLIDAYS:
                has_holidays = True
                continue
            match = _DAY_PART.match(part)
            if match is None:
                return None
            start = DAYS.index(match.group(1))
            end = DAYS.index(match.group(2)) if match.group(2) else start
            picked += [(start + i) % 7 for i in range((end - start) % 7 + 1)]
        if picked:
            if stage:  # a weekday rule after the holidays would override them: not rows
                return None
            for i in picked:
                days[i] = spans
        if has_holidays:
            if stage >= 1 or holidays is not None or holidays_closed:
                return None
            holidays_closed = not spans
            holidays = spans if spans else None
            stage = 1
    special = [SpecialDay(HOLIDAYS, holidays)] if holidays else []
    special += [SpecialDay(when, spans) for when, spans in dates.items()]
    return WeekHours(tuple(days), holidays_closed, tuple(special))


def to_osm(week: WeekHours) -> str:
    """The opening-hours string of a week ('' when it has no hours at all)."""
    holiday_spans = next((s.spans for s in week.special if s.when == HOLIDAYS), None)
    dates = [s for s in week.special if s.when != HOLIDAYS]
    always = all(day == ALL_DAY for day in week.days)
    if always and holiday_spans is None and not dates and not week.holidays_closed:
        return "24/7"
    groups: dict[tuple[Span, ...], list[int]] = {}
    for i, spans in enumerate(week.days):
        if spans:
            groups.setdefault(spans, []).append(i)
    if not groups and holiday_spans is None and not dates:
        return ""  # closed every day: no opening hours
    rules = [[_selector(indexes), _times(spans)] for spans, indexes in groups.items()]
    if holiday_spans is not None:
        if groups and list(groups)[-1] == holiday_spans:
            rules[-1][0] += f",{HOLIDAYS}"
        else:
            rules.append([HOLIDAYS, _times(holiday_spans)])
    elif week.holidays_closed:
        rules.append([HOLIDAYS, "off"])
    rules += [[day.when, _times(day.spans)] for day in dates]
    return "; ".join(" ".join(rule) for rule in rules)


def _spans(times: str) -> tuple[Span, ...] | None:
    if times in ("off", "closed"):
        return ()
    if not _SPANS.match(times):
        return None
    spans = tuple(tuple(part.split("-")) for part in times.split(","))
    if any(start == end or start == "24:00" for start, end in spans):
        return None
    return spans  # type: ignore[return-value]


def _times(spans: tuple[Span, ...]) -> str:
    return ",".join(f"{start}-{end}" for start, end in spans) if spans else "off"


def _selector(indexes: list[int]) -> str:
    """'Mo-We', 'Sa,Su', 'Mo,We,Th': runs of three or more days as a range."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            parts += [DAYS[i] for i in run]
    return ",".join(parts)


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]


# -- the form's cells ---------------------------------------------------------------------------


def clock(text: str) -> str | None:
    """A time as the form's cell may hold it ('9', '9.30', '0930', '09:30', '24') as
    'HH:MM', or None when it is not a time of day."""
    match = _CLOCK.match(text.strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"


def special_when(label: str) -> str | None:
    """A special day as the form names it ('Helligdage', '24.12.', '24/12') in the string's
    terms ('PH', 'Dec 24'), or None."""
    text = label.strip()
    if text.lower() in (HOLIDAYS_DA.lower(), "helligdag", HOLIDAYS.lower()):
        return HOLIDAYS
    match = _DANISH_DATE.match(text)
    if match is None:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    return f"{MONTHS[month - 1]} {day}" if _valid_date(month, day) else None


def day_spans(where: str, cells: list[tuple[str, str]]) -> tuple[Span, ...]:
    """A row's (opens, closes) cells as spans ('', '': closed). `WeekHoursError` names the
    row (`where`, e.g. 'Mandag') and the fix."""
    spans: list[Span] = []
    for opens, closes in cells:
        if not opens.strip() and not closes.strip():
            continue
        start, end = clock(opens), clock(closes)
        if start is None or end is None:
            bad = opens if start is None else closes
            shown = bad.strip() or "(tom)"
            raise WeekHoursError(
                f"{where}: »{shown}« er ikke et klokkeslæt: skriv både åbner og lukker som "
                "TT:MM, fx 09:00 og 15:30 (lad begge stå tomme, når der er lukket)"
            )
        if start == end or start == "24:00":
            raise WeekHoursError(
                f"{where}: {start}-{end} er ikke en åbningstid: skriv, hvornår der åbnes, og "
                "hvornår der lukkes (lukker efter midnat: fx 22:00 og 02:00)"
            )
        spans.append((start, end))
    return tuple(spans)
