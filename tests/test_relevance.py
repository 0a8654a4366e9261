"""Relevance on situations in everyday words (issue 22).

tests/relevance/situations.yaml was written before the guide was changed: a `tuning` half
the guide was tuned on, and a `frozen` half nobody looked at while tuning (the honest
figure). The guide must have every expected unit among its 5 suggestions for at least 90 %
of each half; the search must have an expected unit among its first 3 hits for at least
95 % of the word forms, derivations and phrases (`testkit.relevance.form_queries`).
`python -m benchmarks --only relevance` prints the same figures next to plain search.

tests/relevance/independent.yaml holds sets written by people who saw only the list of units,
never the code, the vocabulary or these tables, each measured once unseen (its `first`). The
`tuned` sets were then tuned on: together they hold the 90 %, each at least 80 %. The
`untuned` sets were never looked at: together they hold the issue's 90 % (first measured at
0.92 on 240 situations by four writers), none falls below its first measurement (less
`UNTUNED_MARGIN`), and the guide reads each better than plain search does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_relevance import MOMENT, engines, score
from directory import load_directory
from search import SearchIndex
from search.guide import Guide
from testkit.relevance import (
    HALVES,
    form_queries,
    found,
    independent,
    independent_first,
    independent_names,
    situations,
)

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.9  # situations with every expected unit among the guide's first 5
FORMS_TARGET = 0.95  # word forms with an expected unit among the search's first 3
TUNED_EACH = 0.8  # each independent set tuned on (together: TARGET)
UNTUNED_MARGIN = 0.02  # an untuned set may fall this far below its first measurement


@pytest.fixture(scope="module")
def guide() -> Guide:
    return Guide(SearchIndex(load_directory(ROOT / "data")))


def test_the_table_is_big_and_varied() -> None:
    halves = {half: situations(half) for half in HALVES}
    assert sum(len(t) for t in halves.values()) >= 80
    assert all(len(t) >= 40 for t in halves.values())
    for table in halves.values():
        assert sum(len(expected) >= 2 for _, _, expected in table) >= 2  # several needs
        assert len({text for text, _, _ in table}) == len(table)
    everything = [s for t in halves.values() for s in t]
    departments = {e.split("-")[0] for _, _, expected in everything for e in expected}
    assert {"bif", "buf", "kff", "okf", "sof", "suf", "tmf", "stat", "region", "ngo"} <= departments


@pytest.mark.parametrize("half", HALVES)
def test_the_guide_finds_every_expected_unit(guide: Guide, half: str) -> None:
    table = situations(half)
    missed = []
    for text, age, expected in table:
        units = [s.unit_id for s in guide.guide(text, age=age, at=MOMENT).suggestions]
        if not all(found(e, units) for e in expected):
            missed.append(text)
    share = 1 - len(missed) / len(table)
    # the frozen half's misses are not listed: it is measured, never tuned for
    assert share >= TARGET, f"{half}: {share:.2f}" + (f" {missed}" if half == "tuning" else "")


def _share(guide: Guide, table: list) -> tuple[float, list[str]]:
    missed = [
        text
        for text, age, expected in table
        if not all(
            found(e, [s.unit_id for s in guide.guide(text, age=age, at=MOMENT).suggestions])
            for e in expected
        )
    ]
    return 1 - len(missed) / len(table), missed


def test_the_independent_sets_are_big_and_some_untuned() -> None:
    sizes = {name: len(independent(name)) for name in independent_names()}
    assert sum(sizes.values()) >= 600 and min(sizes.values()) >= 50
    assert len(independent_names("untuned")) >= 2 and len(independent_names("tuned")) >= 2


def test_the_guide_holds_the_independent_sets_it_was_tuned_on(guide: Guide) -> None:
    shares = {name: _share(guide, independent(name)) for name in independent_names("tuned")}
    pooled = [s for name in independent_names("tuned") for s in independent(name)]
    share, _ = _share(guide, pooled)
    assert share >= TARGET, f"all tuned sets: {share:.2f}"
    low = {name: (round(v, 2), missed) for name, (v, missed) in shares.items() if v < TUNED_EACH}
    assert low == {}


def test_the_guide_finds_the_units_of_situations_nobody_wrote_for_it(guide: Guide) -> None:
    """The issue's target: at least 90 % of the untuned sets' situations (never looked at)
    with every expected unit among the guide's first 5."""
    pooled = [s for name in independent_names("untuned") for s in independent(name)]
    share, _ = _share(guide, pooled)  # misses not listed: they are never tuned for
    assert len(pooled) >= 200 and share >= TARGET, f"untuned sets: {share:.3f}"


@pytest.mark.parametrize("name", independent_names("untuned"))
def test_the_guide_does_not_fall_on_an_untuned_set(guide: Guide, name: str) -> None:
    table = independent(name)
    share, _ = _share(guide, table)  # misses not listed: it is never tuned for
    assert share >= independent_first(name)["guide"] - UNTUNED_MARGIN, f"{name}: {share:.2f}"
    plain = score(engines(guide.index)["search"], table)["all_found"]
    assert share > plain  # the guide reads it better than a plain search of the whole text


def test_search_finds_word_forms_derivations_and_phrases(guide: Guide) -> None:
    queries = form_queries()
    missed = [
        query
        for query, accept in queries
        if not set(accept) & {h.unit_id for h in guide.index.search(query, limit=3)}
    ]
    assert 1 - len(missed) / len(queries) >= FORMS_TARGET, missed
