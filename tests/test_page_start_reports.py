"""The start page of whoever keeps units lists the open reports about them (issue 12 item 4):
a coordinator sees their department's, an admin all, an owner by e-mail theirs, others none."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import app_test

from directory import load_directory
from directory.access import Viewer
from directory.quality.reports import ReportStore, open_for_owner
from directory.storage import open_storage

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

HEADING = "**Åbne fejlmeldinger om dine enheder (1)**"


@pytest.fixture
def reports(data_dir: Path, app_env) -> ReportStore:
    store = ReportStore(storage=open_storage(app_env.db))
    store.add("sof-bcv", "Nummeret er forkert [x](y)")
    return store


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("sof_coordinator", True),
        ("admin", True),
        ("bif_coordinator", False),
        ("staff", False),
        ("local", False),
    ],
)
def test_start_page_lists_open_reports_of_the_viewer_s_units(
    data_dir: Path, reports: ReportStore, monkeypatch: pytest.MonkeyPatch, viewer: str, sees: bool
) -> None:
    at = app_test("pages/soeg.py", data_dir, monkeypatch, viewer=viewer)
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    assert (HEADING in markdown) is sees
    if sees:
        assert "Nummeret er forkert \\[x\\]\\(y\\)" in [c.value for c in at.caption]


def test_open_for_owner_by_department_or_owner_e_mail(data_dir: Path, reports: ReportStore) -> None:
    directory = load_directory(data_dir)
    unit = directory.units["sof-bcv"]
    open_reports = reports.open_reports()
    assert open_for_owner(open_reports, directory, Viewer(coordinator_of=frozenset({"sof"})))
    assert not open_for_owner(open_reports, directory, Viewer(coordinator_of=frozenset({"bif"})))
    assert open_for_owner(open_reports, directory, Viewer(admin=True))
    assert unit.owner  # the owner field names who keeps it; matched case-insensitively
    owner = Viewer(signed_in=True, email=unit.owner.upper())
    assert open_for_owner(open_reports, directory, owner)
    assert not open_for_owner(open_reports, directory, Viewer(signed_in=True, email="x@kk.dk"))
    report = open_reports[0]
    reports.close(report.id, by="Søren SOF", note="Rettet")
    assert not open_for_owner(reports.open_reports(), directory, Viewer(admin=True))


def test_open_for_owner_by_the_owner_address(data_dir: Path, reports: ReportStore) -> None:
    """The owner address (`owner_email` of the unit, else of its department) keeps the unit
    too: whoever signs in with it sees its open reports."""
    from test_remind import SOF, with_owner_addresses

    directory = load_directory(with_owner_addresses(data_dir))
    open_reports = reports.open_reports()
    assert open_for_owner(open_reports, directory, Viewer(signed_in=True, email=SOF.upper()))
    bif_owner = Viewer(signed_in=True, email="jku@bif.kk.example")  # BIF's, not SOF's units
    assert not open_for_owner(open_reports, directory, bif_owner)
