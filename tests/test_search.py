"""Search: Danish folding, compounds, typos, synonyms, abbreviations, names, filters, contract.

The big table runs on the demo data in `data/` (the words staff actually type); the rest on
the small fixture directory, where every expectation can be read off conftest.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from directory import load_directory
from search import Field, HitKind, How, SearchIndex, fold, key, query_terms, unit_status
from search.normalize import acronym, tokens
from testkit.relevance import CASES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_index() -> SearchIndex:
    return SearchIndex(load_directory(ROOT / "data"))


@pytest.fixture
def index(small_directory) -> SearchIndex:
    return SearchIndex(small_directory)


def test_the_table_is_big_enough():
    assert len(CASES) >= 60
    assert len({q for q, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("query", "unit"), CASES)
def test_demo_query_finds_unit_in_top_3(demo_index: SearchIndex, query: str, unit: str):
    assert unit in demo_index.directory.units, f"the table names unknown unit {unit}"
    top = [hit.unit_id for hit in demo_index.search(query, limit=3)]
    assert unit in top, f"{query!r}: {unit} not in top 3 {top}"


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Børn", "born"),
        ("boern", "born"),
        ("born", "born"),
        ("Hjemløse", "hjemlose"),
        ("hjemloese", "hjemlose"),
        ("Ærø", "aro"),
        ("Aeroe", "aro"),
        ("Århus", "arhus"),
        ("Aarhus", "arhus"),
        ("café", "cafe"),
        ("Öztürk", "ozturk"),
        ("STRAßE", "strasse"),
    ],
)
def test_key_folds_danish_letters_and_accents_both_ways(typed: str, expected: str):
    assert key(typed) == expected


def test_fold_keeps_the_two_letter_spelling():
    assert fold("Blå Kors Æble Ø") == "blaa kors aeble oe"


def test_tokens_keep_the_word_as_written_next_to_its_key():
    assert tokens("Hjemløse- og Udsatteenheden") == [
        ("hjemløse", "hjemlose"),
        ("og", "og"),
        ("udsatteenheden", "udsatteenheden"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hvor skal en hjemløs sove", ["hjemlos", "sove"]),
        ("og i til", ["og", "i", "til"]),  # only stopwords: keep them
        ("§ 110", ["p110"]),  # a section is one word, not a bare number
        ("§81a", ["p81a"]),
        ("", []),
    ],
)
def test_query_terms_drop_stopwords(query: str, expected: list[str]):
    assert query_terms(query) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Borgercenter Børn og Unge", "bbu"),
        ("Jobcenter København Ungecenter", "jku"),
        ("Sociolancen", None),
    ],
)
def test_acronym_of_a_name(name: str, expected: str | None):
    assert acronym(name) == expected


# ------------------------------------------------------------------ ranking and contract


def test_hits_follow_the_contract(index: SearchIndex):
    hits = index.search("mette", limit=10)
    assert [(h.kind, h.id, h.unit_id) for h in hits[:2]] == [
        (HitKind.CONTACT, "k-bcv-1", "sof-bcv"),
        (HitKind.UNIT, "sof-bcv", "sof-bcv"),
    ]
    assert all(isinstance(h.score, float) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_every_kind_of_hit(index: SearchIndex):
    kinds = {h.kind: h for h in index.search("socialforvaltningen", limit=5)}
    assert kinds[HitKind.DEPARTMENT].id == "sof"
    assert kinds[HitKind.DEPARTMENT].unit_id is None
    location = index.search("skelbækgade", limit=1)[0]
    assert (location.kind, location.id, location.unit_id) == (
        HitKind.LOCATION,
        "skelbaekgade",
        None,
    )


def test_exact_beats_prefix_beats_fuzzy(index: SearchIndex):
    exact = index.search("herberg", limit=1)[0]
    prefix = index.search("herb", limit=1)[0]
    fuzzy = index.search("herbreg", limit=1)[0]
    assert exact.id == prefix.id == fuzzy.id == "sof-bcv"
    assert exact.score > prefix.score > fuzzy.score
    assert [m.how for m in (exact.matches[0], prefix.matches[0], fuzzy.matches[0])] == [
        How.EXACT,
        How.PREFIX,
        How.FUZZY,
    ]


def test_name_outranks_keyword(index: SearchIndex):
    # 'ungecenter' is the JKU's name word; put it as a keyword elsewhere and compare
    hits = index.search("døgnvagten", limit=3)
    assert hits[0].id == "sof-dognvagt"
    assert hits[0].matches[0].field is Field.NAME


def test_synonym_counts_less_than_the_word(index: SearchIndex):
    hits = index.search("herberg", limit=5)
    by_id = {h.id: h for h in hits}
    assert by_id["sof-bcv"].score > by_id["sof-hjemloese"].score  # keyword vs synonym in name
    assert by_id["sof-hjemloese"].matches[0].how is How.SYNONYM


def test_directory_synonyms_are_used(small_directory):
    plain = SearchIndex(small_directory, synonyms=None)
    assert [h.id for h in plain.search("ungecenter", limit=1)] == ["bif-jku"]
    small_directory.synonyms.append(["gadeplan", "streetwork"])
    with_synonym = SearchIndex(small_directory)
    assert "sof-hjemloese" in [h.id for h in with_synonym.search("streetwork", limit=3)]


@pytest.mark.parametrize(
    ("query", "explanation"),
    [
        ("herberg", "Fundet på: nøgleord 'herberg'"),
        ("døgnvagten", "Fundet på: navn"),
        ("herbreg", "Fundet på: nøgleord 'herberg' (ligner 'herbreg')"),
        ("mette test", "Fundet på: navn"),
    ],
)
def test_explanation_says_why(index: SearchIndex, query: str, explanation: str):
    assert index.search(query, limit=1)[0].explanation == explanation


def test_explanation_of_synonym_and_of_the_unit_of_a_contact(index: SearchIndex):
    hits = {h.id: h for h in index.search("hjemløshed", limit=10)}
    assert hits["sof-bcv"].explanation == "Fundet på: nøgleord 'herberg' (synonym for 'hjemløshed')"
    hits = {h.id: h for h in index.search("mette test", limit=10)}
    assert hits["sof-bcv"].explanation == "Fundet på: kontaktperson 'mette', 'test'"


def test_no_match_and_empty_query(index: SearchIndex):
    assert index.search("xyzzyqq") == []
    assert index.search("") == []
    assert index.search("   ") == []


def test_limit(index: SearchIndex):
    assert len(index.search("hjemløs", limit=2)) == 2


# ------------------------------------------------------------------ filters

TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)
TUESDAY_NIGHT = dt.datetime(2026, 11, 24, 22, 0)
CHRISTMAS_DAY = dt.datetime(2026, 12, 25, 12, 0)


def _units(hits) -> list[str]:
    return sorted({h.unit_id for h in hits})


def test_filter_by_department(index: SearchIndex):
    hits = index.search("hjemløs", department="bif")
    assert hits == []
    hits = index.search("herberg", department=["sof"])
    assert _units(hits) == ["sof-bcv", "sof-hjemloese"]
    assert {h.kind for h in hits} <= {HitKind.UNIT, HitKind.CONTACT}


def test_filter_by_age(index: SearchIndex):
    # sof-bcv is 18-65; sof-hjemloese has no age range (fits everyone)
    assert _units(index.search("herberg", age=70)) == ["sof-hjemloese"]
    assert _units(index.search("herberg", age=30)) == ["sof-bcv", "sof-hjemloese"]
    assert _units(index.search("ungecenter", age=35)) == []
    assert _units(index.search("ungecenter", age=20)) == ["bif-jku"]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (TUESDAY_NOON, ["sof-bcv", "sof-dognvagt", "sof-hjemloese"]),
        (TUESDAY_NIGHT, ["sof-dognvagt"]),  # only the 24/7 unit
        (CHRISTMAS_DAY, ["sof-dognvagt"]),  # 'PH off': closed on a Danish holiday
    ],
)
def test_filter_open_now(index: SearchIndex, at: dt.datetime, expected: list[str]):
    # sof-hjemloese has no hours of its own: its building's hours decide
    assert _units(index.search("sof", open_now=True, at=at, limit=20)) == expected


def test_filter_by_need_or_target_group(index: SearchIndex):
    # 'bostøtte' is a need of a referral to sof-bcv; 'hjemløse' a target group of sof-bcv
    assert _units(index.search("", need="bostøtte")) == ["sof-bcv"]
    # 'hjemløse' is a form of 'hjemløs': its synonyms count too
    assert _units(index.search("", target_group="hjemløse")) == ["sof-bcv", "sof-hjemloese"]
    assert _units(index.search("", need="hjemløs")) == ["sof-bcv", "sof-hjemloese"]  # + synonyms
    assert _units(index.search("", need="kontanthjælp")) == ["bif-ydelse"]


def test_filters_without_query_list_units_by_name(index: SearchIndex):
    hits = index.search("", department="sof")
    assert [h.id for h in hits] == ["sof-bcv", "sof-dognvagt", "sof-hjemloese"]
    assert all(h.kind is HitKind.UNIT and h.explanation == "Fundet på: filtrene" for h in hits)


def test_filters_combine(index: SearchIndex):
    hits = index.search("", department="sof", age=70, open_now=True, at=TUESDAY_NOON)
    assert [h.id for h in hits] == ["sof-dognvagt", "sof-hjemloese"]


def test_unit_status_uses_unit_and_building_hours(small_directory):
    unit = small_directory.units["sof-hjemloese"]  # no own hours; building Mo-Fr 09-15
    assert unit_status(small_directory, unit, TUESDAY_NOON).is_open
    status = unit_status(small_directory, unit, TUESDAY_NIGHT)
    assert not status.is_open
    assert status.label == "Lukket · åbner i morgen kl. 09:00"


# ------------------------------------------------------------------ compounds


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stepup", "x-step"),  # written together, indexed apart: the joined pair
        ("step up", "x-step"),
        ("gade plan", "sof-hjemloese"),  # written apart, indexed together: joined query words
        ("mettetest", "k-bcv-1"),  # an unknown word that is two known words
        ("plan", "sof-hjemloese"),  # a part inside a compound
    ],
)
def test_compounds_written_apart_or_together(small_directory, query: str, expected: str):
    from directory import Unit

    small_directory.units["x-step"] = Unit(
        id="x-step", name="Step Up", department="sof", verified=dt.date(2026, 1, 1)
    )
    hits = SearchIndex(small_directory).search(query, limit=3)
    assert expected in [h.id for h in hits]
    assert hits[0].id == expected
