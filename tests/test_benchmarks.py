"""The benchmark harness: one table from every module's rows, saved as JSON (no timing here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.__main__ import format_table, main, normalise
from benchmarks.common import row, target_note


def test_quick_run_prints_one_table_and_saves_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "quick.json"
    code = main(["--quick", "--only", "load", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.splitlines()[0].split() == [
        "name",
        "size",
        "metric",
        "value",
        "baseline",
        "ratio",
    ]
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["quick"] is True and saved["sizes"] == [40]
    by_metric = {(r["name"], r["metric"]): r for r in saved["rows"]}
    assert by_metric[("load: validate_directory", "errors")]["value"] == 0
    timing = by_metric[("load: validate_directory", "time_s")]
    assert timing["baseline"] > 0 and timing["ratio"] == pytest.approx(
        timing["value"] / timing["baseline"]
    )
    assert saved["notes"][0].startswith("load: ") and len(saved["notes"]) == 1
    assert f"# saved {out}" in printed


def test_quick_load_rows_state_their_targets(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    assert main(["--quick", "--only", "load", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    notes = {(r["name"], r["metric"]): r["note"] for r in rows}
    assert notes[("load: validate_directory", "cpu_s")] == (
        "target: ratio <= 0.33 at 10k (CPU time: steadier on a shared machine) "
        "(set for another size)"
    )
    for name in (
        "load: validate_directory",
        "load: validate_directory, warm disk cache",
        "load: validate_directory, cold, writing the cache",
    ):
        assert notes[(name, "peak_rss_mb")].endswith(
            "target: <= 600 MB at 50k (set for another size)"
        )


@pytest.mark.parametrize(
    ("value", "applies", "note"),
    [
        (0.3, True, "target: ratio <= 0.33: met"),
        (0.33, True, "target: ratio <= 0.33: met"),
        (0.44, True, "target: ratio <= 0.33: missed by 33%"),
        (None, True, "target: ratio <= 0.33: not measured"),
        (0.9, False, "target: ratio <= 0.33 (set for another size)"),
    ],
)
def test_target_note_says_whether_the_target_is_met(
    value: float | None, applies: bool, note: str
) -> None:
    assert target_note("target: ratio <= 0.33", value, 0.33, applies=applies) == note


def test_unknown_benchmark_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--quick", "--only", "lod", "--out", str(tmp_path / "x.json")]) == 1
    assert capsys.readouterr().err == (
        "error: unknown benchmark(s) lod: choose from "
        "load, search, relevance, graph, map, app, sessions, edit\n"
    )
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    ("produced", "expected"),
    [
        # long rows pass through, the ratio is worked out
        (
            [
                {
                    "name": "map: build",
                    "size": 2000,
                    "metric": "time_s",
                    "value": 2.0,
                    "baseline": 0.5,
                }
            ],
            [("map: build", 2000, "time_s", 2.0, 0.5, 4.0)],
        ),
        # wide rows become one row per metric; the baseline engine pairs by benchmark/dataset/size
        (
            [
                {
                    "benchmark": "search",
                    "dataset": "synth 10",
                    "units": 10,
                    "engine": "SearchIndex",
                    "p95_ms": 2.0,
                },
                {
                    "benchmark": "search",
                    "dataset": "synth 10",
                    "units": 10,
                    "engine": "baseline WRatio",
                    "p95_ms": 8.0,
                },
            ],
            [("search: SearchIndex", 10, "p95_ms", 2.0, 8.0, 0.25)],
        ),
        # a wide row on another data set keeps the data set in its name
        (
            [
                {
                    "benchmark": "search",
                    "dataset": "demo",
                    "units": 90,
                    "engine": "SearchIndex",
                    "top3": 1.0,
                }
            ],
            [("search: SearchIndex [demo]", 90, "top3", 1.0, None, None)],
        ),
    ],
)
def test_rows_are_normalised(produced: list[dict], expected: list[tuple]) -> None:
    rows = normalise(produced)
    assert [
        (r["name"], r["size"], r["metric"], r["value"], r["baseline"], r["ratio"]) for r in rows
    ] == expected


def test_table_lines_up() -> None:
    table = format_table(
        [row("load", 1000, "time_s", 1.23456, 0.5), row("load", 1000, "errors", 0)]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["name", "size", "metric", "value", "baseline", "ratio"]
    assert lines[2].split() == ["load", "1000", "time_s", "1.23", "0.5", "2.47"]
    assert lines[3].split() == ["load", "1000", "errors", "0"]
    assert len({len(line) for line in lines[:3]}) == 1


@pytest.mark.nginx
@pytest.mark.postgres
def test_sessions_benchmark_speaks_the_websocket_protocol(tmp_path: Path) -> None:
    """N=3 real sessions against one server and two behind nginx: every search answered,
    as a fragment run that drew exactly the result cards a browser shows for its query."""
    from benchmarks import bench_sessions

    rows = bench_sessions.run([40], seed=0, quick=True)
    by = {(r["name"], r["metric"]): r["value"] for r in rows}
    for label in ("1 server", "2 servers via nginx"):
        for kind in ("", ", burst"):
            name = f"sessions: {label}{kind}"
            assert by[(name, "errors")] == 0, [r for r in rows if r["name"] == name]
            assert by[(name, "searches")] == (9 if not kind else 3)
            assert by[(name, "cards_per_search")] >= 1
            assert 0 < by[(name, "p50_s")] <= by[(name, "p95_s")] <= by[(name, "max_s")] < 120
            assert by[(name, "server_cpu_ms_per_run")] > 0
            assert 0 < by[(name, "client_cpu_share")] < 2
    cpu = {r["name"]: r for r in rows if r["metric"] == "cpu_ms"}
    for name in (
        "sessions: server CPU per search rerun",
        "sessions: server CPU per search rerun, after a unit page",
    ):
        assert cpu[name]["value"] > 0 and cpu[name]["baseline"] > 0


def _searched(cards: list[str], status: int) -> Any:
    """A session that has just sent the search »herberg« and got these cards back."""
    from benchmarks.bench_sessions import Session

    session = Session("http://127.0.0.1:1", None, {"herberg": ["unit-a", "unit-b"], "tom": []})
    session.cards = cards
    session.status = status
    return session


@pytest.mark.parametrize(
    ("cards", "status", "whole_page", "message"),
    [
        (
            [],
            3,
            False,
            "search 'herberg' drew no result card; a browser shows 2",
        ),
        (
            ["unit-b", "unit-a"],
            3,
            False,
            "search 'herberg' drew 2 result cards ['unit-b', 'unit-a']…, "
            "a browser shows 2 ['unit-a', 'unit-b']…",
        ),
        (
            ["unit-a", "unit-b"],
            0,
            False,
            "search 'herberg': the run ended with status 0, expected 3 (the search fragment only)",
        ),
        (
            ["unit-a", "unit-b"],
            3,
            True,
            "search 'herberg': the run ended with status 3, expected 0 (the whole page)",
        ),
    ],
)
def test_a_search_that_does_not_draw_its_cards_is_an_error_of_the_benchmark(
    cards: list[str], status: int, whole_page: bool, message: str
) -> None:
    from benchmarks.bench_sessions import BenchmarkError

    with pytest.raises(BenchmarkError) as caught:
        _searched(cards, status)._check_search("herberg", whole_page)
    assert str(caught.value) == message


def test_a_search_that_draws_its_cards_passes_the_check() -> None:
    _searched(["unit-a", "unit-b"], 3)._check_search("herberg", False)
    _searched(["unit-a", "unit-b"], 0)._check_search("herberg", True)


def test_the_start_page_must_have_the_search_box_keyed_q_in_a_fragment() -> None:
    from benchmarks.bench_sessions import BenchmarkError, Session

    session = Session("http://127.0.0.1:1", None)
    with pytest.raises(BenchmarkError) as caught:
        session._learn_start_page()
    assert str(caught.value) == "the start page drew no search box labelled »Søg«"
    session.search_id = "$$ID-abc-soeg"
    with pytest.raises(BenchmarkError) as caught:
        session._learn_start_page()
    assert str(caught.value) == (
        "the search box's widget id '$$ID-abc-soeg' is not derived from its key 'q': "
        "the page changed, and so must the benchmark"
    )
    session.search_id = "$$ID-abc-q"
    session._drawn = [("", "$$ID-abc-q", "text_input")]
    with pytest.raises(BenchmarkError) as caught:
        session._learn_start_page()
    assert str(caught.value) == "the search box is not inside a fragment on the start page"
    session._drawn = [
        ("f1", "$$ID-abc-q", "text_input"),
        ("f1", "$$ID-def-aaben", "checkbox"),
        ("", "$$ID-ghi-other", "text_input"),
    ]
    session._learn_start_page()
    assert session.fragment_id == "f1"
    assert session.widgets == [("$$ID-abc-q", "text_input"), ("$$ID-def-aaben", "checkbox")]


@pytest.mark.git
def test_edit_benchmark_saves_reloads_and_reads_history() -> None:
    """On 40 units in a git repository: one save, the load after it, Historik twice."""
    from benchmarks import bench_edit

    rows = bench_edit.run([40], seed=0)
    by = {(r["name"], r["metric"]): r for r in rows}
    assert not [r for r in rows if r["metric"] == "error"], rows
    for name in (bench_edit.SAVE, bench_edit.RELOAD, bench_edit.HISTORY, bench_edit.HISTORY_AGAIN):
        for metric in ("cpu_s", "time_s"):
            assert by[(name, metric)]["value"] > 0 and by[(name, metric)]["baseline"] > 0
    # 10 commits: the start, 3 edits of the unit and 1 of its referrals are its history
    assert by[(bench_edit.HISTORY, "entries")]["value"] == 5
