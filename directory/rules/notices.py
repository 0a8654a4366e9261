"""Temporary notices on units (`notice:`, HSDS's `alert`): the one rule of when one shows.

A notice shows on result cards, the unit page and in the guide (Borgerens situation) from
when it is written until and including its `until` day, by Copenhagen's date; the day after,
it is gone by itself, without anyone editing the data. Every caller asks `active_notice`,
so they agree; `notice_line` is the one Danish sentence they show.

A notice with `referrals: paused` says that the unit takes no referrals while it lasts: it
is never the guide's first suggestion (`search.guide`), and the card says why.
"""

from __future__ import annotations

import datetime as dt

from directory.model import Notice, Unit

PAUSED_DA = "Tager ikke imod henvisninger lige nu"


def active_notice(unit: Unit, today: dt.date) -> Notice | None:
    """The unit's notice when it shows on `today` (Copenhagen's date), else None."""
    notice = unit.notice
    if notice is None or today > notice.until:
        return None
    return notice


def is_paused(unit: Unit, today: dt.date) -> bool:
    """True when the unit takes no referrals on `today` (an active notice that says so)."""
    notice = active_notice(unit, today)
    return notice is not None and notice.paused


def notice_text(notice: Notice) -> str:
    """The notice's own text and its last day (plain text; the UI escapes it):
    'Lukket for nye sager. Gælder til og med 30.06.2027.'"""
    return f"{notice.text.strip()} Gælder til og med {notice.until:%d.%m.%Y}."


def notice_line(notice: Notice) -> str:
    """The notice as every page shows it (plain text; the UI escapes it):
    'Tager ikke imod henvisninger lige nu: Lukket for nye sager. Gælder til og med 30.06.2027.'"""
    if notice.paused:
        return f"{PAUSED_DA}: {notice_text(notice)}"
    return notice_text(notice)
