"""AppTest: Min ringeliste (pins from a result card and a unit page), Seneste søgninger on
the empty search page, and the count of searches that found nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import set_clock
from streamlit.testing.v1 import AppTest

from directory.storage import open_storage
from ui.min_ringeliste import EMPTY_DA, NO_LIST_DA
from ui.widgets import PIN_DA, UNPIN_DA

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

ROOT = Path(__file__).resolve().parent.parent
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0)
METTE = {"is_logged_in": True, "email": "Mette@kk.dk", "name": "Mette"}


@pytest.fixture
def page(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    set_clock(monkeypatch, MONDAY_NOON)

    def run(path: str, user: dict | None = METTE, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user:
            at.user.update(user)
        if path != "pages/soeg.py":
            at.switch_page(path)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _buttons(at: AppTest, label: str) -> list:
    return [b for b in at.button if b.label == label]


def test_pin_from_a_result_card_and_see_it_on_min_ringeliste(page, app_env) -> None:
    at = page("pages/soeg.py", q="herberg")
    pin = at.button(key="pin-hits-unit-sof-bcv")
    assert pin.label == PIN_DA
    pin.click().run()
    assert at.button(key="pin-hits-unit-sof-bcv").label == UNPIN_DA
    assert open_storage(app_env.db).pins("mette@kk.dk") == ["sof-bcv"]

    mine = page("pages/min_ringeliste.py")
    text = " ".join(m.value for m in mine.markdown)
    assert "Borgercenter Voksne" in [link.value.strip("*") for link in mine.get("page_link")]
    assert "33 99 10 01" in text  # the fast-track number to call first, staff view
    assert "Åben nu" in text
    assert [d.label for d in mine.get("download_button")][:3] == [
        "CSV (Excel)",
        "Excel (xlsx)",
        "Side til udskrift",
    ]
    mine.button(key="unpin-min-sof-bcv").click().run()
    assert [i.value for i in mine.info] == [EMPTY_DA]
    assert open_storage(app_env.db).pins("mette@kk.dk") == []


def test_pin_from_the_unit_page_is_per_user(page, app_env) -> None:
    at = page("pages/enhed.py", id="sof-dognvagt")
    at.button(key="pin-enhed-sof-dognvagt").click().run()
    assert at.button(key="pin-enhed-sof-dognvagt").label == UNPIN_DA
    assert open_storage(app_env.db).pins("mette@kk.dk") == ["sof-dognvagt"]
    other = page("pages/min_ringeliste.py", user={**METTE, "email": "ali@kk.dk"})
    assert [i.value for i in other.info] == [EMPTY_DA]


def test_the_public_has_no_personal_list(page) -> None:
    from streamlit import config

    config.set_option("server.address", "0.0.0.0")  # no sign-in on the network: the public
    at = page("pages/soeg.py", user=None, q="herberg")
    assert not _buttons(at, PIN_DA)
    mine = page("pages/min_ringeliste.py", user=None)
    # not in the public navigation: the link opens the default page (Søg)
    assert mine.title[0].value == "Hvor skal borgeren hen?"
    assert NO_LIST_DA not in [i.value for i in mine.info]


def test_recent_searches_on_the_empty_search_page(page, app_env, monkeypatch) -> None:
    at = page("pages/soeg.py", q="herberg")
    set_clock(monkeypatch, MONDAY_NOON + dt.timedelta(minutes=1))  # the next search, later
    at.text_input(key="q").set_value("jobcenter").run()
    at.text_input(key="q").set_value("010190-1234 hjemløs").run()  # CPR: never stored
    at.text_input(key="q").set_value("").run()
    links = [(link.value, link.proto.query_string) for link in at.get("page_link")]
    assert links[:2] == [("jobcenter", "q=jobcenter"), ("herberg", "q=herberg")]
    assert open_storage(app_env.db).recent_searches("mette@kk.dk") == ["jobcenter", "herberg"]


def test_the_local_staff_view_has_one_list(page, app_env) -> None:
    at = page("pages/soeg.py", user=None, q="herberg")  # `make run`: loopback, no sign-in
    at.button(key="pin-hits-unit-sof-bcv").click().run()
    assert open_storage(app_env.db).pins("lokal") == ["sof-bcv"]


def test_zero_hit_searches_are_counted_without_sensitive_ones(page, app_env) -> None:
    at = page("pages/soeg.py", user=None, q="qwxyz")
    at.run()  # a rerun of the same search is not counted again
    at.text_input(key="q").set_value("qwxyz mette@kk.dk").run()
    at.text_input(key="q").set_value("ring 33 99 10 01 qwxyz").run()
    page("pages/soeg.py", user=None, q="QWXYZ")  # another session
    assert [(q, n) for q, n, _ in open_storage(app_env.db).zero_hits()] == [("qwxyz", 2)]
