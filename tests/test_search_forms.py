"""Search that understands Danish word forms, compounds, numbers and e-mails (issue 15).

Runs on the demo data in `data/` (the examples of the issue) and on the small fixture
directory of conftest.py, where each expectation can be read off the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from directory import load_directory
from directory.storage.missing import MissingWordError, read_missing_words, report_missing_word
from search import HitKind, SearchIndex
from search.index import Field, How, owner_key, phone_key
from search.normalize import stem
from search.results import group_hits
from testkit.relevance import FIRST

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_index() -> SearchIndex:
    return SearchIndex(load_directory(ROOT / "data"))


@pytest.mark.parametrize(("query", "unit"), FIRST)
def test_word_forms_and_compounds_find_the_unit_first(
    demo_index: SearchIndex, query: str, unit: str
) -> None:
    hits = demo_index.search(query, limit=5)
    assert hits, f"{query!r} found nothing"
    assert hits[0].unit_id == unit, f"{query!r}: {[h.unit_id for h in hits]}"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("drikker", "drik"),
        ("drukket", "drik"),
        ("fogden", "foged"),
        ("born", "born"),  # børn
        ("bornene", "born"),  # børnene
        ("barn", "born"),
        ("hjemlose", "hjemlos"),  # hjemløse
        ("p110", "p110"),  # a section is its own stem
        ("33", "33"),
        ("ung", "ung"),
    ],
)
def test_stem_of_a_search_key(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_exact_word_ranks_above_another_form(demo_index: SearchIndex) -> None:
    exact = demo_index.search("fogedretten", limit=1)[0]
    form = demo_index.search("fogedrettens", limit=1)[0]
    assert exact.id == form.id == "stat-fogedretten"
    assert exact.score > form.score
    assert form.matches[0].how is How.STEM


def test_gaeld_shows_each_unit_once(demo_index: SearchIndex) -> None:
    results = group_hits(demo_index.search("gæld", limit=30), 10)
    units = [r.id for r in results if r.kind is HitKind.UNIT]
    assert units[0] == "sof-bcv-bolig-gaeld"
    assert len(units) == len(set(units))
    first = results[0]
    assert first.hit is not None and [h.id for h in first.people] == ["k-sof-bcv-bolig-gaeld-2"]


@pytest.mark.parametrize("query", ["SOF", "sof", "Sof"])
def test_sof_does_not_match_sofie(demo_index: SearchIndex, query: str) -> None:
    hits = demo_index.search(query, limit=50)
    assert "k-sof-u-turn-1" not in [h.id for h in hits]  # Sofie Bundgaard
    assert hits[0].id == "sof" and hits[0].kind is HitKind.DEPARTMENT


def test_a_longer_start_of_a_name_is_still_a_prefix(demo_index: SearchIndex) -> None:
    assert "k-sof-u-turn-1" in [h.id for h in demo_index.search("sofi", limit=5)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("99", []),  # a bare number is not § 99
        ("§ 99", ["sof-bcv-skp", "sof-bcv"]),
        ("§99", ["sof-bcv-skp", "sof-bcv"]),
    ],
)
def test_section_numbers_only_when_written_as_sections(
    demo_index: SearchIndex, query: str, expected: list[str]
) -> None:
    units = {h.unit_id for h in demo_index.search(query, limit=10)}
    assert set(expected) <= units
    if not expected:
        assert units == set()


# ------------------------------------------------------------------ numbers and e-mails


@pytest.mark.parametrize(
    "query", ["33 99 64 51", "33996451", "+45 33 99 64 51", "+4533996451", "33-99-64-51"]
)
def test_a_phone_number_finds_its_owner_and_nothing_else(
    demo_index: SearchIndex, query: str
) -> None:
    hits = demo_index.search(query, limit=10)
    assert [(h.kind, h.id) for h in hits] == [(HitKind.UNIT, "sof-bcv-bolig-gaeld")]
    assert hits[0].explanation == f"Fundet på: telefonnummer '{query}'"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("33 99 35 72", [(HitKind.CONTACT, "k-sof-u-turn-1")]),  # a person's direct line
        ("sofie.bundgaard@sof.eksempel.kk.dk", [(HitKind.CONTACT, "k-sof-u-turn-1")]),
        ("SOFIE.Bundgaard@sof.eksempel.kk.dk", [(HitKind.CONTACT, "k-sof-u-turn-1")]),
        ("uturn@sof.eksempel.kk.dk", [(HitKind.UNIT, "sof-u-turn")]),
        ("12 34 56 78", []),  # nobody's number: nothing, not a word search
        ("ingen@eksempel.kk.dk", []),
    ],
)
def test_numbers_and_e_mails_of_people_and_units(
    demo_index: SearchIndex, query: str, expected: list[tuple[HitKind, str]]
) -> None:
    assert [(h.kind, h.id) for h in demo_index.search(query, limit=10)] == expected


def test_the_index_only_knows_the_numbers_it_was_given(small_directory) -> None:
    """A public directory (no staff-only numbers, no contacts' phones) gives no owner."""
    assert [h.id for h in SearchIndex(small_directory).search("33 99 10 02")] == ["k-bcv-1"]
    for unit in small_directory.units.values():
        for contact in unit.contacts:
            contact.phones = []
            contact.email = None
    public = SearchIndex(small_directory)
    assert public.search("33 99 10 02") == []
    assert public.search("mette.test@eksempel.kk.dk") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("33 66 49 20", (Field.PHONE, "+4533664920")),
        ("+45 33 66 49 20", (Field.PHONE, "+4533664920")),
        ("33664920", (Field.PHONE, "+4533664920")),
        ("A@B.dk", (Field.EMAIL, "a@b.dk")),
        ("1813", None),
        ("99", None),
        ("§ 99", None),
        ("herberg 33", None),
    ],
)
def test_owner_key(query: str, expected) -> None:
    assert owner_key(query) == expected


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("33 66 49 20", "+4533664920"),
        ("+45 33664920", "+4533664920"),
        ("0045 33 66 49 20", "+4533664920"),
        ("33-66-49-20", "+4533664920"),
        ("+46 8 123 456 78", "+46812345678"),
        ("1813", "+451813"),
        ("not a number", None),
    ],
)
def test_phone_key_is_one_per_number(number: str, key: str | None) -> None:
    assert phone_key(number) == key


# ------------------------------------------------------------------ never an empty page


def test_nearest_matches_when_nothing_matches(demo_index: SearchIndex) -> None:
    # the needs vocabulary reads the compound (spil + afhængig): ludomani, not an empty page
    assert demo_index.search("spilafhængig", limit=1)[0].unit_id == "ngo-center-for-ludomani"
    assert demo_index.search("gxqzbrt", limit=3) == []
    nearest = demo_index.nearest("spilafhængig")
    assert nearest[0] == "spilleafhængighed"
    assert all(demo_index.search(text, limit=1) for text in nearest)
    assert demo_index.nearest("xyzzyqq") == []


def test_report_missing_word_counts_in_the_database(tmp_path: Path, storage) -> None:
    report_missing_word("husly", "akut bolig", storage=storage, folder=tmp_path)
    report_missing_word("  Ludo   mani ", storage=storage, folder=tmp_path)
    assert report_missing_word("ludo mani", storage=storage, folder=tmp_path).count == 2
    assert not (tmp_path / "missing-words.jsonl").exists()  # no file any more
    words = read_missing_words(tmp_path, storage=storage)
    assert [(m.query, m.count, m.note) for m in words] == [
        ("ludo mani", 2, None),
        ("husly", 1, "akut bolig"),
    ]


@pytest.mark.parametrize(
    ("query", "note", "message"),
    [
        ("", None, "Skriv det ord, der ikke gav noget resultat."),
        (
            "x" * 201,
            None,
            "Søgningen er for lang (201 tegn). Skriv højst 200 tegn.",
        ),
        (
            "borger 010190-1234",
            None,
            "Søgningen ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
        (
            "husly",
            "cpr 0101901234",
            "Noten ligner et CPR-nummer og bliver ikke gemt. Fjern nummeret og prøv igen.",
        ),
    ],
)
def test_a_missing_word_that_cannot_be_stored_says_why(
    tmp_path: Path, query: str, note: str | None, message: str, storage
) -> None:
    with pytest.raises(MissingWordError) as info:
        report_missing_word(query, note, storage=storage, folder=tmp_path)
    assert str(info.value) == message
    assert not (tmp_path / "missing-words.jsonl").exists()
