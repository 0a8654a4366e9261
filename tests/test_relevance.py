"""Relevance on situations in everyday words (issue 22).

tests/relevance/situations.yaml was written before the guide was changed: a `tuning` half
the guide was tuned on, and a `frozen` half nobody looked at while tuning (the honest
figure). The guide must have every expected unit among its 5 suggestions for at least 90 %
of each half; the search must have an expected unit among its first 3 hits for at least
95 % of the word forms, derivations and phrases (`testkit.relevance.form_queries`).
`python -m benchmarks --only relevance` prints the same figures next to plain search.

tests/relevance/independent.yaml holds three sets written by people who saw only the list of
units, never the code, the vocabulary or these tables. Sets `a` and `b` were measured once
unseen and then tuned on (they hold the 90 %). Set `c` is untuned: measured once unseen at 0.62 (the
guide) against 0.53 for plain search and 0.35 before issue 22; it must not fall below
`UNSEEN_FLOOR`, and the issue's 90 % on unseen text is not reached (see the changelog).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_relevance import engines, score
from directory import load_directory
from search import SearchIndex
from search.guide import Guide
from testkit.relevance import (
    HALVES,
    INDEPENDENT,
    form_queries,
    found,
    independent,
    independent_status,
    situations,
)

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.9  # situations with every expected unit among the guide's first 5
FORMS_TARGET = 0.95  # word forms with an expected unit among the search's first 3
UNSEEN_FLOOR = 0.6  # the untuned independent set: measured 0.62 once, unseen; never lower


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
        units = [s.unit_id for s in guide.guide(text, age=age).suggestions]
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
            found(e, [s.unit_id for s in guide.guide(text, age=age).suggestions]) for e in expected
        )
    ]
    return 1 - len(missed) / len(table), missed


def test_the_independent_sets_are_big_and_one_is_untuned() -> None:
    sizes = {name: len(independent(name)) for name in INDEPENDENT}
    assert sum(sizes.values()) >= 150 and min(sizes.values()) >= 50
    assert [independent_status(n) for n in INDEPENDENT] == ["tuned", "tuned", "untuned"]


@pytest.mark.parametrize("name", [n for n in INDEPENDENT if n != "c"])
def test_the_guide_holds_the_independent_sets_it_was_tuned_on(guide: Guide, name: str) -> None:
    share, missed = _share(guide, independent(name))
    assert share >= TARGET, f"{name}: {share:.2f} {missed}"


def test_the_guide_does_not_fall_on_the_untuned_set(guide: Guide) -> None:
    share, _ = _share(guide, independent("c"))  # misses not listed: it is never tuned for
    assert share >= UNSEEN_FLOOR, f"c: {share:.2f}"
    plain = score(engines(guide.index)["search"], independent("c"))["all_found"]
    assert share > plain  # the guide reads it better than a plain search of the whole text


def test_search_finds_word_forms_derivations_and_phrases(guide: Guide) -> None:
    queries = form_queries()
    missed = [
        query
        for query, accept in queries
        if not set(accept) & {h.unit_id for h in guide.index.search(query, limit=3)}
    ]
    assert 1 - len(missed) / len(queries) >= FORMS_TARGET, missed
