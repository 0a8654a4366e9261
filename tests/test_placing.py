"""Right place, right now (issue 23) in the core and on the command line: the citizen's
area (`directory.rules.areas`), the number to call (`directory.rules.calling`), the order of
the cards by area and time (`search.placing`), and `landkort search` / `guide --area --at`.

The district and after-hours cases live in `testkit.placing_cases`: the tuning half must
pass; the held-out half was frozen before tuning and is reported as it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cli import main
from directory import load_directory
from directory.rules import hours
from directory.rules.areas import fit, read_area, unknown_entry
from directory.rules.calling import after_hours_phone, number_to_call
from search import HitKind, SearchIndex
from search.placing import AreaFit, place, search_cards
from search.results import Result
from testkit.placing_cases import HELD_OUT, TUE_DAY, TUE_NIGHT, TUNING, problems, ranked
from tests.test_guide import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_directory(ROOT / "data"))


# ------------------------------------------------------------------ the cases


@pytest.mark.parametrize("case", TUNING, ids=[c.name for c in TUNING])
def test_tuning_case(index: SearchIndex, case) -> None:
    assert problems(case, ranked(case, index)) == []


# The held-out cases that the step gets wrong, with why; measured once, when the cases were
# frozen and before any tuning on them. Remove a name when a change makes its case pass.
HELD_OUT_MISSES = {
    # 2400 has one area unit among five PPR answers: the four other areas go to the end of
    # the list, but with only five answers the end is within the first five
    "PPR from 2400 (Nordvest): Område Nørrebro-Bispebjerg, not Amager's",
    # the other districts are demoted below the tenth card, so BBU Valby-Vesterbro-Kgs.
    # Enghave is not shown at all and the case's 'both shown' cannot hold
    "underretning at 02:45 from 2300: the Døgnvagt first, then Amager before other districts",
}


def test_the_held_out_half_misses_only_the_known_cases(index: SearchIndex) -> None:
    missed = {case.name for case in HELD_OUT if problems(case, ranked(case, index))}
    assert missed == HELD_OUT_MISSES
    assert len(HELD_OUT) - len(missed) >= 12


def test_the_cases_table_has_both_halves_of_both_kinds() -> None:
    for half in (TUNING, HELD_OUT):
        assert len(half) >= 12
        assert sum(c.area is not None for c in half) >= 5  # district cases
        assert sum(c.at.hour < 8 or c.at.hour >= 17 or c.at.weekday() >= 5 for c in half) >= 3
        assert sum(c.situation for c in half) >= 3


# ------------------------------------------------------------------ the citizen's area


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2300", "2300 København S"),
        (" 2300 København S ", "2300 København S"),
        ("Lyongade 25, 2300 København S", "2300 København S"),
        ("1666", "1600–1699 København V"),
        ("Nørrebro", "Nørrebro (bydel)"),
        ("amager øst", "Amager Øst (bydel)"),
        ("Nørrebro (bydel)", "Nørrebro (bydel)"),
        ("Amager", "Amager"),  # a part of town: both Amager bydele
        ("Ørnevej 55", "Ørnevej 55 (2400 København NV)"),  # a street of a place in the data
        ("2000", None),  # Frederiksberg: another kommune
        ("Atlantis", None),
        ("", None),
    ],
)
def test_read_area(index: SearchIndex, text: str, label: str | None) -> None:
    area = read_area(text, index.directory)
    assert (area.label if area else None) == label


def test_a_district_unit_serves_its_area_and_no_other(index: SearchIndex) -> None:
    directory = index.directory
    amager = directory.units["sof-bbu-amager"]
    assert fit(directory, amager, read_area("2300")).serves
    assert not fit(directory, amager, read_area("2200")).serves
    # 2200 lies in Nørrebro and Bispebjerg: the unit of both serves it
    assert fit(directory, directory.units["sof-bbu-noerrebro-bispebjerg"], read_area("2200")).serves
    central = fit(directory, directory.units["sof-bbu"], read_area("2300"))
    assert central.serves and not central.district
    assert fit(directory, amager, read_area("2300")).cells < central.cells  # more specific


@pytest.mark.parametrize(
    ("entry", "hint", "message"),
    [
        ("Nørrebro", "", None),
        ("2450", "", None),
        (
            "Nørebro",
            "; mente du 'Nørrebro'?",
            "'Nørebro' er hverken en af de ti bydele eller et postnummer i Københavns Kommune"
            "; mente du 'Nørrebro'?: skriv en bydel (fx 'Nørrebro') eller et postnummer i "
            'anførselstegn (fx "2300")',
        ),
        (
            "2000",
            "",
            "postnummeret 2000 ligger ikke i Københavns Kommune: skriv et af kommunens "
            'postnumre (fx "2300") eller en af de ti bydele',
        ),
        (
            "Vesterbro",
            "",
            "'Vesterbro' er ikke en af de ti bydele: skriv 'Vesterbro/Kongens Enghave'",
        ),
    ],
)
def test_unknown_service_area_entries_say_the_fix(entry, hint, message) -> None:
    assert unknown_entry(entry, hint) == message


def test_every_demo_unit_has_a_location_and_the_districts_have_areas(index: SearchIndex) -> None:
    directory = index.directory
    assert [u.id for u in directory.units.values() if not u.locations] == []
    districts = [u.id for u in directory.units.values() if u.service_area]
    assert len(districts) == 15
    for unit_id in districts:  # each district unit has an umbrella to fold into
        assert directory.units[unit_id].parent in directory.units


# ------------------------------------------------------------------ the number to call


def test_the_number_to_call_falls_back_to_the_ancestor_and_the_forvaltning(
    index: SearchIndex,
) -> None:
    directory = index.directory
    own = number_to_call(directory, directory.units["sof-bbu-amager"])
    assert own is not None and own.own and own.note == ""
    umbrella = number_to_call(directory, directory.units["buf-omraader"])  # no phone of its own
    assert umbrella is not None and not umbrella.own
    assert (umbrella.phone.display, umbrella.note) == ("33 66 33 66", "forvaltningens hovednummer")
    # a unit without phones under a parent with one gets the parent's, labelled as such
    ludo = directory.units["sof-bbu-bhv"].model_copy(update={"phones": []})
    directory.units["sof-bbu-bhv-uden"] = ludo.model_copy(
        update={"id": "sof-bbu-bhv-uden", "parent": "sof-bbu"}
    )
    try:
        call = number_to_call(directory, directory.units["sof-bbu-bhv-uden"])
        assert call is not None
        assert call.note == "overordnet enhed: Borgercenter Børn og Unge (BBU)"
    finally:
        del directory.units["sof-bbu-bhv-uden"]


def test_the_citizen_s_printout_gets_the_fallback_too_public_numbers_only(
    index: SearchIndex,
) -> None:
    from search.guide import Guide, citizen_summary

    directory = index.directory
    # no phone of its own: the forvaltning's main number, said as such
    assert number_to_call(directory, directory.units["buf-omraader"], public=True).note == (
        "forvaltningens hovednummer"
    )
    # a staff line of its own is never given to a citizen: its first public number instead
    call = number_to_call(directory, directory.units["sof-bbu-amager"], public=True)
    assert call is not None and call.own and call.phone.display == "33 17 23 37"
    guidance = Guide(index).guide("fravær i skolen", age=12, at=TUE_DAY)
    assert [s.unit_id for s in guidance.suggestions][:1] == ["buf-omraader"]
    assert (
        "   Telefon: 33 66 33 66 (Københavns Kommune, hovednummer; forvaltningens hovednummer)"
    ) in citizen_summary(guidance)


def test_an_external_group_s_numbers_are_no_main_number(index: SearchIndex) -> None:
    directory = index.directory
    stripped = directory.units["stat-udbetaling-danmark"].model_copy(update={"phones": []})
    assert number_to_call(directory, stripped) is None  # never 112, the group's first number


def test_a_closed_unit_offers_its_own_number_staffed_now(index: SearchIndex) -> None:
    unit = index.directory.units["suf-hjemmepleje-amager"]
    night = after_hours_phone(unit, TUE_NIGHT)
    assert night is not None and night.label == "Aften- og nattevagt (kun fagpersoner)"
    evening = after_hours_phone(unit, dt.datetime(2026, 11, 24, 19, 0))
    assert evening is not None and evening.label == "Hospitaler og læger, udenom kø"


def test_an_umbrella_without_hours_is_as_open_as_its_units(index: SearchIndex) -> None:
    directory = index.directory
    bbu = directory.units["sof-bbu"]
    assert hours.unit_status(directory, bbu, TUE_DAY).unknown
    assert hours.family_status(directory, bbu, TUE_DAY).is_open
    night = hours.family_status(directory, bbu, TUE_NIGHT)
    assert not night.is_open and night.next_change == dt.datetime(2026, 11, 24, 9, 0)


# ------------------------------------------------------------------ the placing step


def test_districts_fold_into_their_umbrella_with_all_of_its_districts(index: SearchIndex) -> None:
    cards = search_cards(index, "skole", at=TUE_DAY)
    bbu = next(c for c in cards if c.result.id == "sof-bbu")
    # three BBU districts matched 'skoler'; 'Vælg bydel' offers all five, matched first
    assert len(bbu.folded) == 5
    assert not any(c.result.id.startswith("sof-bbu-") for c in cards)


def test_other_areas_go_to_the_end_and_the_guide_drops_them(index: SearchIndex) -> None:
    area = read_area("2300")
    cards = search_cards(index, "hjemmepleje", at=TUE_DAY, area=area)
    fits = [c.fit for c in cards]
    assert fits[0] is AreaFit.SPECIFIC and cards[0].result.id == "suf-hjemmepleje-amager"
    # the districts of other areas: none of them before a unit for the area or the kommune
    # (with the needs vocabulary, kommune-wide units may fill the ten cards entirely)
    if AreaFit.OTHER in fits:
        first_other = fits.index(AreaFit.OTHER)
        assert all(f is AreaFit.OTHER for f in fits[first_other:])
    from search.guide import Guide

    guidance = Guide(index).guide("hjemmehjælp", age=80, at=TUE_DAY, area=area)
    units = [s.unit_id for s in guidance.suggestions]
    assert "suf-hjemmepleje-amager" in units
    assert not [
        u for u in units if u.startswith("suf-hjemmepleje-") and u.endswith(("bhv", "iboe"))
    ]


def test_a_unit_that_takes_no_referrals_goes_below_the_others_of_its_band(
    index: SearchIndex,
) -> None:
    directory = index.directory  # Den boligsociale anvisning has a paused notice till 2027
    paused = Result(HitKind.UNIT, "sof-bcv-boligsocial-anvisning", 1.0, None)
    other = Result(HitKind.UNIT, "sof-bcv-bolig-gaeld", 0.9, None)
    order = [c.result.id for c in place([paused, other], directory, TUE_NIGHT)]
    assert order == ["sof-bcv-bolig-gaeld", "sof-bcv-boligsocial-anvisning"]


def test_a_weak_open_match_never_jumps_over_the_answer(index: SearchIndex) -> None:
    directory = index.directory
    strong = Result(HitKind.UNIT, "bif-sygedagpenge", 1.0, None)
    weak = Result(HitKind.UNIT, "region-h-1813", 0.4, None)  # open 24/7, below the band
    cards = place([strong, weak], directory, TUE_NIGHT)
    assert [c.result.id for c in cards] == ["bif-sygedagpenge", "region-h-1813"]
    assert not cards[1].band and cards[0].instead is None  # no open unit in its band


# ------------------------------------------------------------------ the commands


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANDKORT_DATA", str(ROOT / "data"))


def test_search_command_picks_the_district_of_the_area(demo_env, capsys) -> None:
    code, out, err = run(
        capsys, "search", "--area", "2300", "--at", "2026-11-24 10:00", "underretning"
    )
    assert code == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == [
        "sof-bbu-amager",
        "Matcher: underretning (nøgleord) · dækker 2300 København S · åben nu",
    ]
    assert all(len(line) == 2 for line in lines)


def test_search_command_at_night_puts_the_open_unit_first_and_folds(demo_env, capsys) -> None:
    code, out, _ = run(capsys, "search", "--at", "2026-11-24 02:45", "underretning")
    assert code == 0
    first, second = out.splitlines()[:2]
    assert first == "sof-doegnvagten-boern-unge\tMatcher: underretning (nøgleord) · åben nu"
    assert second == (
        "sof-bbu\tMatcher: underretning (nøgleord) · 5 bydelsenheder: vælg bydel · "
        "lukket nu: åben i stedet er Døgnvagten, børn og unge"
    )


def test_search_command_on_a_helligdag(demo_env, capsys) -> None:
    code, out, _ = run(capsys, "search", "--at", "2026-12-25 11:00", "underretning")
    assert code == 0 and out.startswith("sof-doegnvagten")


def test_guide_command_with_area_and_time(demo_env, capsys) -> None:
    code, out, err = run(
        capsys,
        "guide",
        "--area",
        "Brønshøj-Husum",
        "--at",
        "2026-11-24 10:00",
        "--age",
        "6",
        "bekymring for et barn i familien",
    )
    assert code == 0, err
    units = [line.split("\t")[0] for line in out.splitlines()]
    assert "sof-bbu-bhv" in units and "sof-bbu-amager" not in units


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["search", "--area", "Atlantis", "herberg"],
            "fejl: Kender ikke området »Atlantis« i Københavns Kommune. Skriv et postnummer "
            "(fx 2300), en bydel (fx Nørrebro) eller en adresse med postnummer.\n",
        ),
        (
            ["guide", "--area", "2000", "herberg"],
            "fejl: Kender ikke området »2000« i Københavns Kommune. Skriv et postnummer "
            "(fx 2300), en bydel (fx Nørrebro) eller en adresse med postnummer.\n",
        ),
        (
            ["search", "--at", "2026-11-24 10:00", "xyzzyqq"],
            "fejl: ingen enhed passer til 'xyzzyqq': prøv et andet ord for det samme, eller "
            "et kortere ord\n",
        ),
    ],
)
def test_commands_exit_1_with_the_fix(demo_env, capsys, argv, message) -> None:
    assert run(capsys, *argv) == (1, "", message)


def test_a_bad_at_is_a_danish_usage_error(demo_env, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["search", "--at", "2026-11-24", "herberg"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.endswith(
        "fejl: argumentet --at: '2026-11-24' er ikke et tidspunkt: skriv det som "
        '"ÅÅÅÅ-MM-DD TT:MM", fx "2026-11-24 02:45"\n'
    )
