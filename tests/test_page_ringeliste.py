"""AppTest for the Ringelister og eksport page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import app_test
from streamlit.testing.v1 import AppTest

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")


def _app(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    return app_test("pages/ringeliste.py", data, monkeypatch, **params)


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_call_list_of_the_first_department(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch)
    assert not at.exception
    assert at.header[0].value == r"Ringeliste: Socialforvaltningen \(SOF\)"
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "Enhed",
        "Forvaltning",
        "Gatekeeper",
        "Ring først",
        "Offentligt nummer",
        "Åbningstid",
        "Ejer",
        "Tjekket",
        "Link",
    ]
    assert list(frame["Ring først"])[0] == "33 99 10 01 (fast track, Fagpersoner, udenom kø)"
    assert list(frame["Link"])[0] == "enhed?id=sof-bcv"
    assert _buttons(at) == [
        "CSV (Excel)",
        "Excel (xlsx)",
        "Side til udskrift",
        "Kontakter som vCard (3)",
        "Hent JSON",
    ]
    assert at.query_params["forvaltning"] == "sof"


def test_department_from_the_link(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch, forvaltning="bif")
    assert list(at.dataframe[0].value["Enhed"]) == [
        "Jobcenter København Ungecenter",
        "Ydelsesservice København",
    ]
    assert _buttons(at) == [  # no contacts
        "CSV (Excel)",
        "Excel (xlsx)",
        "Side til udskrift",
        "Hent JSON",
    ]


def test_public_version_has_no_staff_numbers(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, monkeypatch)
    at.toggle[0].set_value(True).run()
    frame = at.dataframe[0].value
    assert "33 99" not in frame.to_csv()
    assert list(frame["Gatekeeper"])[0] == ""  # the public view has no contacts
    assert "Kontakter som vCard (3)" not in _buttons(at)


def test_call_list_of_a_search(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch, q="hjemløs")
    assert not at.exception
    assert at.header[0].value == "Ringeliste: søgning »hjemløs«"
    assert "Hjemløse- og Udsatteenheden" in list(at.dataframe[0].value["Enhed"])
    assert not at.selectbox


def test_search_without_units(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(data_dir, monkeypatch, q="zzzxxyyqq")
    assert not at.exception
    assert at.info[0].value == "Ingen enheder at vise. Prøv en anden søgning eller forvaltning."


@pytest.mark.parametrize(
    ("viewer", "public", "label"),
    [
        ("local", False, "Hent JSON"),
        ("local", True, "Hent JSON (offentlig udgave)"),
        ("network", False, "Hent JSON (offentlig udgave)"),
    ],
)
def test_json_of_the_whole_landkort_is_staff_only_for_staff(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, viewer: str, public: bool, label: str
) -> None:
    from directory.exports import export

    made: list[bool] = []  # the `public` argument of each JSON the page made
    real = export.directory_json_text

    def spy(directory, *, public: bool) -> str:
        made.append(public)
        return real(directory, public=public)

    monkeypatch.setattr(export, "directory_json_text", spy)
    at = _app(data_dir, monkeypatch, viewer=viewer)
    if public:
        at.toggle[0].set_value(True).run()
    assert not at.exception
    assert at.header[1].value == "Hele landkortet som JSON"
    assert _buttons(at)[-1] == label
    assert made[-1] is (label != "Hent JSON")
