"""Bounded command-line work (issue 26 item 11).

`landkort loops --max-len 50` at 2,000 units ran for over 120 s (the number of loops grows
about 2.5 times per unit of length: 3.5 s at 8, 18 s at 10, 47 s at 11), and `guide` took a
text of any length and quoted it whole in every reason line. Now the loop length is at most
MAX_LOOP_LEN (a Danish usage error above it), the guide reads at most MAX_SITUATION_CHARS of
a situation (the command refuses a longer text, the core cuts it), and a reason quotes at
most MAX_EXCERPT_CHARS of a clause.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from cli import main
from directory import load_directory
from directory.graph import MAX_LOOP_LEN
from directory.graph.analysis import ReferralGraph
from directory.rules.query import (
    MAX_EXCERPT_CHARS,
    MAX_SITUATION_CHARS,
    excerpt,
    situation_text,
)
from search import SearchIndex
from search.guide import Guide

ROOT = Path(__file__).resolve().parent.parent
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as usage:  # argparse's usage errors
        code = int(usage.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LANDKORT_DATA", str(ROOT / "data"))
    return ROOT / "data"


def test_loops_longer_than_the_cap_are_a_danish_usage_error(demo: Path, capsys) -> None:
    started = time.perf_counter()
    code, out, err = run(capsys, "loops", "--max-len", "50")
    assert time.perf_counter() - started < 5
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "python -m directory loops: fejl: argumentet --max-len: 50 enheder er for mange: skriv "
        f"højst {MAX_LOOP_LEN} (antallet af sløjfer og tiden vokser 2-3 gange for hver enhed mere)"
    )
    code, _, err = run(capsys, "loops", "--max-len", str(MAX_LOOP_LEN))
    assert code == 0 and err.endswith(f"på højst {MAX_LOOP_LEN} enheder\n")


def test_the_core_refuses_longer_loops_too(demo: Path) -> None:
    graph = ReferralGraph(load_directory(demo))
    assert graph.cycles(MAX_LOOP_LEN) is not None
    with pytest.raises(ValueError, match=f"at most {MAX_LOOP_LEN} units"):
        graph.cycles(MAX_LOOP_LEN + 1)
    with pytest.raises(ValueError):
        graph.loops(50)


def test_guide_refuses_a_text_longer_than_the_page_reads(demo: Path, capsys) -> None:
    text = "hjemløs " * 200
    code, out, err = run(capsys, "guide", text)
    assert (code, out) == (1, "")
    assert err == (
        f"fejl: situationen er {len(text)} tegn: beskriv den med højst {MAX_SITUATION_CHARS} "
        "tegn (et par sætninger)\n"
    )


def test_guide_reasons_quote_a_short_excerpt(demo: Path, capsys) -> None:
    long_clause = "har gæld til mange og " + "en lang forklaring om lejligheden " * 8
    code, out, err = run(capsys, "guide", "hjemløs", "og", long_clause)
    assert code == 0, err
    quoted = [part for line in out.splitlines() for part in line.split("»")[1:]]
    assert quoted and all(len(q.split("«")[0]) <= MAX_EXCERPT_CHARS for q in quoted), out
    assert len(max(out.splitlines(), key=len)) < 4 * MAX_EXCERPT_CHARS + 200


def test_the_core_guide_reads_a_bounded_part_of_any_text(demo: Path) -> None:
    guide = Guide(SearchIndex(load_directory(demo)))
    huge = "hjemløs og gæld. " * 6000  # ~100 kB from a link
    started = time.perf_counter()
    guidance = guide.guide(huge, at=TUESDAY_NOON)
    assert time.perf_counter() - started < 10
    assert len(guidance.text) <= MAX_SITUATION_CHARS
    assert guidance.suggestions
    assert all(len(s.reason) < 400 for s in guidance.suggestions)


def test_the_caps_cut_on_a_word() -> None:
    assert situation_text("kort") == "kort"
    cut = situation_text("ord " * 400)
    assert len(cut) <= MAX_SITUATION_CHARS and cut.endswith("ord")
    assert excerpt("a  b") == "a b"
    long = excerpt("x" * 200)
    assert len(long) == MAX_EXCERPT_CHARS and long.endswith("…")


@pytest.mark.usefixtures("app_env")
def test_the_page_cuts_a_long_situation_from_a_link(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import app_test

    app = app_test("pages/situation.py", ROOT / "data", monkeypatch, tekst="hjemløs " * 400)
    assert not app.exception
    assert len(app.text_area(key="tekst").value) == MAX_SITUATION_CHARS
