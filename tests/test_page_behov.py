"""AppTest for the Behov page (issue 22): the needs vocabulary with codes, words and units."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import app_test

ROOT = Path(__file__).resolve().parent.parent


def _app(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str):
    return app_test("pages/behov.py", data, monkeypatch, **params)


def test_every_need_with_its_codes_words_and_units(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(ROOT / "data", monkeypatch)
    assert not at.exception
    frame = at.dataframe[0].value
    rows = {row["Behov"]: row for row in frame.to_dict("records")}
    assert len(rows) >= 70
    homeless = rows["Hjemløshed, herberg og overnatning"]  # the data folder's label
    assert homeless["Koder"].startswith("FFB Hjemløshed (293bf940-c075-4e3d-b5ef-6e331202e556)")
    assert homeless["Kilde"] == "National + needs.yaml" and homeless["Enheder"] >= 5
    assert rows["Alle borgere (generel henvendelse)"]["Kilde"] == "needs.yaml"
    assert rows["Veje, fortove og renhold"]["Koder"] == "–"
    from directory import load_directory

    units = len(load_directory(ROOT / "data").units)
    assert any(f"{units} af {units} enheder nås af mindst ét behov" in c.value for c in at.caption)


def test_finding_a_word_filters_the_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(ROOT / "data", monkeypatch)
    at.text_input(key="find").set_value("tæsk").run()
    assert not at.exception
    shown = list(at.dataframe[0].value["Behov"])
    assert "Vold i nære relationer og krisecenter" in shown
    assert 1 <= len(shown) <= 5  # only the needs with the word ('tæsk i frikvarteret': skole)


def test_a_need_shows_the_units_it_reaches(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(ROOT / "data", monkeypatch, behov="vold")
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("**Koder:** FFB Voldeligt overgreb \\(3412d671\\-22bf") for t in texts)
    units = at.dataframe[1].value
    assert list(units["Enhed"])[0] == "enhed?id=ngo-danner"
    assert "krisecenter" in list(units["Ord i enheden"])[0]


def test_an_unknown_need_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(ROOT / "data", monkeypatch, behov="<b>nope</b>")
    assert not at.exception
    assert at.warning[0].value == (
        "Der findes intet behov med id »\\<b\\>nope\\<\\/b\\>«. Vælg et herunder."
    )


def test_a_folder_without_needs_yaml_still_has_the_national_needs(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(data_dir, monkeypatch)
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["Kilde"]) == {"National"}
