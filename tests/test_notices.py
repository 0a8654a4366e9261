"""Temporary notices (`notice:` on a unit): the one rule of when one shows, the guide that
never puts a paused unit first, and the pages that show the same sentence on the same days
(result cards, the unit page, the guide's cards)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import app_test, set_clock

from directory import load_directory
from directory.model import Notice, NoticeReferrals, Unit
from directory.rules.notices import PAUSED_DA, active_notice, is_paused, notice_line
from search import SearchIndex
from search.guide import Guide, paused_last
from ui.escape import md_escape
from ui.notice import NOTICE_BADGE_DA

UNTIL = dt.date(2026, 11, 30)
PAUSED_TEXT = "Ventelisten er fuld. Henvis til Hjemløse- og Udsatteenheden."
PLAIN_TEXT = "Telefonen er lukket i uge 49: skriv en sikker mail."
PAUSED_LINE = (
    "Tager ikke imod henvisninger lige nu: Ventelisten er fuld. Henvis til Hjemløse- og "
    "Udsatteenheden. Gælder til og med 30.11.2026."
)
PLAIN_LINE = "Telefonen er lukket i uge 49: skriv en sikker mail. Gælder til og med 30.11.2026."


def with_notices(data_dir: Path) -> Path:
    """Borgercenter Voksne pauses referrals until UNTIL; Døgnvagten has a plain notice."""
    sof = data_dir / "units/sof.yaml"
    text = sof.read_text(encoding="utf-8")
    text = text.replace(
        "    owner: Datakoordinator SOF\n",
        "    owner: Datakoordinator SOF\n    notice:\n"
        f"      text: {PAUSED_TEXT}\n      until: {UNTIL}\n      referrals: paused\n",
    )
    text = text.replace(
        "    verified: 2026-10-01\n",
        f"    verified: 2026-10-01\n    notice:\n      text: '{PLAIN_TEXT}'\n"
        f"      until: {UNTIL}\n",
    )
    sof.write_text(text, encoding="utf-8")
    return data_dir


def _unit(notice: Notice | None) -> Unit:
    return Unit(id="x", name="X", department="d", verified=dt.date(2026, 1, 1), notice=notice)


@pytest.mark.parametrize(
    ("today", "shows"),
    [
        (dt.date(2026, 1, 1), True),
        (UNTIL - dt.timedelta(days=1), True),
        (UNTIL, True),  # until and including the day
        (UNTIL + dt.timedelta(days=1), False),  # then gone by itself
    ],
)
def test_a_notice_shows_until_and_including_its_day(today: dt.date, shows: bool) -> None:
    notice = Notice(text="Lukket", until=UNTIL, referrals=NoticeReferrals.PAUSED)
    unit = _unit(notice)
    assert (active_notice(unit, today) is notice) is shows
    assert is_paused(unit, today) is shows
    assert active_notice(_unit(None), today) is None


def test_the_notice_sentence() -> None:
    assert notice_line(Notice(text=PLAIN_TEXT, until=UNTIL)) == PLAIN_LINE
    paused = Notice(text=f"  {PAUSED_TEXT} ", until=UNTIL, referrals=NoticeReferrals.PAUSED)
    assert notice_line(paused) == PAUSED_LINE
    assert not Notice(text="x", until=UNTIL).paused


def test_a_paused_unit_is_never_the_guide_s_first_suggestion(data_dir: Path) -> None:
    before = Guide(SearchIndex(load_directory(data_dir)))
    at = dt.datetime(2026, 11, 24, 12, 0)
    assert [s.unit_id for s in before.guide("borgercenter herberg", at=at).suggestions] == [
        "sof-bcv",
        "sof-hjemloese",
    ]
    guide = Guide(SearchIndex(load_directory(with_notices(data_dir))))
    assert [s.unit_id for s in guide.guide("borgercenter herberg", at=at).suggestions] == [
        "sof-hjemloese",
        "sof-bcv",  # still listed (its card says why), after the unit that takes referrals
    ]
    on_the_day = dt.datetime.combine(UNTIL, dt.time(23, 59))
    assert (
        guide.guide("borgercenter herberg", at=on_the_day).suggestions[0].unit_id == "sof-hjemloese"
    )
    after = dt.datetime.combine(UNTIL + dt.timedelta(days=1), dt.time(0, 1))
    assert guide.guide("borgercenter herberg", at=after).suggestions[0].unit_id == "sof-bcv"
    # when only a paused unit fits, it is listed all the same
    only = guide.guide("udsatte voksne", at=at).suggestions
    assert [s.unit_id for s in only] == ["sof-bcv"]


def test_paused_last_keeps_each_group_in_its_order() -> None:
    assert paused_last([1, 2, 3, 4, 5], lambda n: n % 2 == 1) == [2, 4, 1, 3, 5]


def test_the_guide_command_lists_a_paused_unit_last(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import main

    monkeypatch.setenv("LANDKORT_DATA", str(with_notices(data_dir)))
    set_clock(monkeypatch, dt.datetime(2026, 11, 24, 12, 0))
    assert main(["guide", "herberg"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == [
        "sof-hjemloese",
        "sof-bcv",
    ]


# -- the pages agree --------------------------------------------------------------------------


_BADGES = {
    f":orange-badge[:material/block: {PAUSED_DA}] ": f"{PAUSED_DA}: ",  # a card's one line
    f":blue-badge[:material/campaign: {NOTICE_BADGE_DA}] ": "",
}


def _notices_on(app) -> list[str]:
    """Every notice on the page as its one sentence (`notice_line`, escaped): the unit page's
    and the guide's boxes, and the result cards' compact lines read back from their badge."""
    found = [w.value for w in app.warning] + [i.value for i in app.info]
    for m in app.markdown:
        for badge, prefix in _BADGES.items():
            if m.value.startswith(badge):
                rest = m.value.removeprefix(badge)
                found.append(f"{md_escape(prefix.strip())} {rest}" if prefix else rest)
    return found


PAGES = {
    "Søg (cards)": ("pages/soeg.py", {"q": "herberg"}),
    "Enhed sof-bcv": ("pages/enhed.py", {"id": "sof-bcv"}),
    "Enhed sof-dognvagt": ("pages/enhed.py", {"id": "sof-dognvagt"}),
    "Borgerens situation": ("pages/situation.py", {"tekst": "herberg og døgnvagt"}),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (dt.datetime(2026, 11, 30, 23, 0), True),  # the last day
        (dt.datetime(2026, 12, 1, 0, 30), False),  # the day after: gone
    ],
    ids=["until", "day-after"],
)
def test_cards_unit_page_and_guide_show_the_same_notice_on_the_same_days(
    page: str,
    at: dt.datetime,
    shown: bool,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    app_env,
) -> None:
    with_notices(data_dir)
    set_clock(monkeypatch, at)
    path, params = PAGES[page]
    app = app_test(path, data_dir, monkeypatch, **params)
    assert not app.exception, [e.value for e in app.exception]
    notices = _notices_on(app)
    want = {
        "Søg (cards)": [PAUSED_LINE],
        "Enhed sof-bcv": [PAUSED_LINE],
        "Enhed sof-dognvagt": [PLAIN_LINE],
        "Borgerens situation": [PAUSED_LINE, PLAIN_LINE],
    }[page]
    for line in want:
        assert (md_escape(line) in notices) is shown, (line, notices)
    if not shown:
        assert not [n for n in notices if "Gælder til og med" in n], notices


def test_the_paused_card_says_why_in_one_line_that_starts_with_a_badge(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    with_notices(data_dir)
    set_clock(monkeypatch, dt.datetime(2026, 11, 24, 12, 0))
    app = app_test("pages/soeg.py", data_dir, monkeypatch, q="herberg")
    (line,) = [m for m in app.markdown if "Gælder til og med" in m.value]
    assert line.value == (
        ":orange-badge[:material/block: Tager ikke imod henvisninger lige nu] Ventelisten er "
        "fuld\\. Henvis til Hjemløse\\- og Udsatteenheden\\. Gælder til og med 30\\.11\\.2026\\."
    )
    assert not app.warning and not app.info  # the boxes are the unit page's and the guide's


def test_a_hostile_notice_is_shown_as_text(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, app_env
) -> None:
    hostile = "**fed** [klik](javascript:alert(1)) :red[x] $x$"
    sof = data_dir / "units/sof.yaml"
    sof.write_text(
        sof.read_text(encoding="utf-8").replace(
            "    owner: Datakoordinator SOF\n",
            f"    owner: Datakoordinator SOF\n    notice:\n      text: '{hostile}'\n"
            "      until: 2099-01-01\n",
        ),
        encoding="utf-8",
    )
    app = app_test("pages/enhed.py", data_dir, monkeypatch, id="sof-bcv")
    (info,) = [i for i in app.info if "Gælder til og med" in i.value]
    assert info.value == md_escape(f"{hostile} Gælder til og med 01.01.2099.")
    # and on a result card's one line, after the badge
    app = app_test("pages/soeg.py", data_dir, monkeypatch, q="borgercenter voksne")
    (line,) = [m for m in app.markdown if "Gælder til og med" in m.value]
    assert line.value == (
        f":blue-badge[:material/campaign: Opslag] {md_escape(hostile)} Gælder til og med "
        "01\\.01\\.2099\\."
    )
