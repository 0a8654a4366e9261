"""The result card's plain-Danish reason ('Matcher: herberg (nøgleord)'), word for word."""

from __future__ import annotations

import pytest

from search import SearchIndex
from search.reason import reason


@pytest.fixture
def index(small_directory) -> SearchIndex:
    return SearchIndex(small_directory)


@pytest.mark.parametrize(
    ("query", "unit_id", "expected"),
    [
        ("herberg", "sof-bcv", "Matcher: herberg (nøgleord)"),
        ("døgnvagten", None, "Matcher: navnet"),
        ("herbreg", "sof-bcv", "Matcher: herberg (nøgleord; du skrev herbreg)"),
        # a synonym: the word the user typed, not the unit's own word for it
        ("hjemløshed", "sof-bcv", "Matcher: hjemløshed (nøgleord)"),
        ("mette test", "sof-bcv", "Matcher: mette (kontaktperson), test (kontaktperson)"),
        # a need of the needs vocabulary the query names: the need, not a word of the unit
        ("sover på gaden", "sof-hjemloese", "Matcher: Hjemløshed, herberg og overnatning (behov)"),
    ],
)
def test_reason_names_the_word_and_where(
    index: SearchIndex, query: str, unit_id: str | None, expected: str
) -> None:
    hits = index.search(query, limit=10)
    hit = hits[0] if unit_id is None else next(h for h in hits if h.id == unit_id)
    assert reason(hit) == expected


def test_reason_of_a_filter_only_hit(index: SearchIndex) -> None:
    hits = index.search("", limit=3, department=["sof"])
    assert hits and all(reason(h) == "Vises, fordi den passer til filtrene" for h in hits)
