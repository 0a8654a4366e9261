"""Opening hours: open now, next change, in Danish, with Danish public holidays.

`hours` strings are OpenStreetMap `opening_hours` expressions evaluated by opening-hours-py
with country DK (so `PH off` closes on helligdage). Times are Copenhagen wall-clock time,
naive, as `directory.rules.clock.now()` gives it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import opening_hours

from directory.model import Directory, Unit
from directory.rules import clock

_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


@lru_cache(maxsize=8192)
def _parse(hours: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(hours, country="DK")


@dataclass(frozen=True, slots=True)
class Status:
    """Open or closed at a moment, and when that changes."""

    is_open: bool
    unknown: bool
    next_change: dt.datetime | None
    at: dt.datetime

    @property
    def label(self) -> str:
        """Short Danish text: 'Åben nu · lukker kl. 15:00' / 'Lukket · åbner tirsdag kl. 09:00'."""
        if self.unknown:
            return "Åbningstid ukendt"
        if self.is_open:
            if self.next_change is None:
                return "Åben nu · døgnåben"
            return f"Åben nu · lukker {when(self.next_change, self.at)}"
        if self.next_change is None:
            return "Lukket"
        return f"Lukket · åbner {when(self.next_change, self.at)}"


def status(hours: str | None, at: dt.datetime | None = None) -> Status:
    """The status of an opening-hours expression at a moment (default: now in Copenhagen)."""
    moment = (at or clock.now()).replace(tzinfo=None)
    if not hours:
        return Status(False, True, None, moment)
    oh = _parse(hours)
    is_open = bool(oh.is_open(moment))
    change = oh.next_change(moment)
    if change is not None and change.year > moment.year + 5:  # "never changes", e.g. 24/7
        change = None
    return Status(is_open, bool(oh.is_unknown(moment)), change, moment)


def is_open(hours: str | None, at: dt.datetime | None = None) -> bool:
    return status(hours, at).is_open


def when(moment: dt.datetime, reference: dt.datetime) -> str:
    """'kl. 15:00', 'i morgen kl. 09:00', 'tirsdag kl. 09:00' or '28.12. kl. 09:00'."""
    clock = f"kl. {moment:%H:%M}"
    days = (moment.date() - reference.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"i morgen {clock}"
    if 1 < days < 7:
        return f"{_WEEKDAYS[moment.weekday()]} {clock}"
    return f"{moment.day}.{moment.month}. {clock}"


_DAY_NAMES = {
    "Mo": "man",
    "Tu": "tir",
    "We": "ons",
    "Th": "tor",
    "Fr": "fre",
    "Sa": "lør",
    "Su": "søn",
}
_MONTHS = {
    "Jan": "jan.",
    "Feb": "feb.",
    "Mar": "mar.",
    "Apr": "apr.",
    "May": "maj",
    "Jun": "jun.",
    "Jul": "jul.",
    "Aug": "aug.",
    "Sep": "sep.",
    "Oct": "okt.",
    "Nov": "nov.",
    "Dec": "dec.",
}
_TOKEN = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def danish(hours: str | None) -> str:
    """An opening-hours expression in plain Danish, rule by rule.

    "Mo-Th 09:00-15:00; Fr 09:00-13:00; PH off" -> "man-tor 09:00-15:00 · fre 09:00-13:00 ·
    lukket på helligdage". Parts it does not know are shown as written.
    """
    if not hours:
        return "Ingen åbningstid oplyst"
    rules = []
    for rule in (r.strip() for r in hours.split(";")):
        if not rule:
            continue
        if rule == "24/7":
            rules.append("døgnåbent")
            continue
        text = rule.replace("PH off", "lukket på helligdage").replace("PH", "helligdage")
        text = re.sub(r"\boff\b|\bclosed\b", "lukket", text)
        text = _TOKEN.sub(lambda m: _DAY_NAMES.get(m.group(1)) or _MONTHS[m.group(1)], text)
        rules.append(text.replace(",", ", "))
    return " · ".join(rules)


def combined_status(unit_hours: str | None, location_hours: str | None, at: dt.datetime) -> Status:
    """Open when the unit and the building are both open; only one known: that one decides.

    Neither known: unknown (counted as not open)."""
    if not location_hours or not unit_hours:
        return status(unit_hours or location_hours, at)
    own = status(unit_hours, at)
    building = status(location_hours, at)
    if own.is_open and building.is_open:
        changes = [c for c in (own.next_change, building.next_change) if c is not None]
        return Status(True, False, min(changes) if changes else None, at)
    return building if not building.is_open else own


def building_hours(directory: Directory, unit: Unit) -> str | None:
    """The opening hours of a unit's building: its first location that has hours."""
    for location_id in unit.locations:
        location = directory.locations.get(location_id)
        if location is not None and location.hours:
            return location.hours
    return None


def unit_hours(directory: Directory, unit: Unit) -> tuple[str | None, str | None]:
    """The hours that decide whether a unit is open: its own and its building's."""
    return unit.hours, building_hours(directory, unit)


def unit_status(directory: Directory, unit: Unit, at: dt.datetime | None = None) -> Status:
    """Open now (the unit and its building both open; one known: that one) and the next change.

    The search's open-now filter, the result cards, the unit page and the call list's hours
    all use these hours."""
    own, building = unit_hours(directory, unit)
    return combined_status(own, building, at or clock.now())


def hours_text(directory: Directory, unit: Unit) -> str | None:
    """The hours to show for a unit in one line: its own, else its building's."""
    own, building = unit_hours(directory, unit)
    return own or building


def any_open(statuses: list[Status], at: dt.datetime) -> Status:
    """The status of several places together: open when one of them is (closing when the
    last of those closes; never, when one never closes), else closed until the first opens;
    unknown when none is known. `statuses` must not be empty."""
    open_ones = [s for s in statuses if s.is_open]
    if open_ones:
        changes = [s.next_change for s in open_ones if s.next_change is not None]
        closes = max(changes) if len(changes) == len(open_ones) else None
        return Status(True, False, closes, at)
    known = [s for s in statuses if not s.unknown]
    openings = [s.next_change for s in known if s.next_change is not None]
    if openings:
        return Status(False, False, min(openings), at)
    return known[0] if known else statuses[0]


def family_status(directory: Directory, unit: Unit, at: dt.datetime | None = None) -> Status:
    """A unit's status (`unit_status`); for a unit without any hours of its own or its
    building's, its sub-units' together (`any_open`): an umbrella such as Borgercenter Børn
    og Unge is reachable when one of its local units is."""
    moment = at or clock.now()
    own = unit_status(directory, unit, moment)
    if not own.unknown:
        return own
    children = [directory.units[c] for c in directory.children.get(unit.id, [])]
    known = [s for s in (unit_status(directory, c, moment) for c in children) if not s.unknown]
    return any_open(known, moment) if known else own
