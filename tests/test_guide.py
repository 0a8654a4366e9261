"""Guided referral ('Borgerens situation'): the situation table on the demo data, the order
of calls, strict age ranges, paths from the caseworker's unit, the citizen's summary, and
the `python -m directory guide` command of the data contract (v1.1)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from directory import load_directory
from search import SearchIndex
from search.guide import (
    Guide,
    UnknownUnit,
    age_of_a_child,
    child_in_story,
    citizen_summary,
    read_age,
    split_needs,
)
from testkit.relevance import SITUATIONS, found

ROOT = Path(__file__).resolve().parent.parent
TUESDAY_NOON = dt.datetime(2026, 11, 24, 12, 0)
AT_NOON = ("--at", "2026-11-24 12:00")  # the commands' clock, as TUESDAY_NOON


@pytest.fixture(scope="module")
def demo() -> Guide:
    return Guide(SearchIndex(load_directory(ROOT / "data")))


def test_the_situation_table_is_big_enough() -> None:
    assert len(SITUATIONS) >= 30
    assert sum(len(expected) >= 2 for _, _, expected in SITUATIONS) >= 15  # several needs
    assert len({age for _, age, _ in SITUATIONS}) >= 15  # many ages


@pytest.mark.parametrize(("text", "age", "expected"), SITUATIONS, ids=[s[0] for s in SITUATIONS])
def test_situation_suggests_the_expected_units(
    demo: Guide, text: str, age: int | None, expected: list[str]
) -> None:
    guidance = demo.guide(text, age=age, at=TUESDAY_NOON)
    units = [s.unit_id for s in guidance.suggestions]
    missing = [e for e in expected if not found(e, units)]
    assert not missing, f"{text!r}: {missing} not in {units}"
    years = guidance.age
    for unit_id in units:  # age ranges are strict
        unit = demo.directory.units[unit_id]
        assert years is None or unit.age is None or unit.age.includes(years), unit_id


# ------------------------------------------------------------------ reading the situation


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        (
            "lejer har brev fra fogeden, to børn og drikker for meget",
            ["lejer har brev fra fogeden", "to børn", "drikker for meget"],
        ),
        ("ung hjemløs på 20 der tager stoffer", ["ung hjemløs", "tager stoffer"]),
        ("42 år. Hjemløs", ["Hjemløs"]),
        (
            "sygemeldt m. tarmkræft, bagud m. huslejen",
            ["sygemeldt med tarmkræft", "bagud med huslejen"],
        ),
        ("udskr. fra Riget i går. Brækket hoften", ["udskrevet fra Riget i går", "Brækket hoften"]),
        ("borgeren har brug for hjælp", []),  # only filler words: no need
        ("", []),
    ],
)
def test_split_needs(text: str, needs: list[str]) -> None:
    assert split_needs(text) == needs


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("42 år, hjemløs", 42),
        ("17-årig dropper ud", 17),
        ("ung på 19 uden job", 19),
        ("skylder 20000 kr", None),
        ("har 3 børn", None),
        ("200 år", None),
        ("en dreng på 6 der ikke vil i skole", 6),
        ("den lille på 7 mdr skal passes", 0),  # months: an infant
        ("pige på 2 uger", 0),
        ("3 måneder gammel", 0),
        ("lejeren på 3. sal har ikke betalt", None),  # a floor
        ("har gjort rent i 30 år, nu er hun 59 år", 59),  # a span of time, then the age
        ("kom for 2 år siden", None),
        ("har boet her 2 år", None),
        ("skylder husleje i 4 måneder", None),
        ("han er 45 år og ledig", 45),
        ("hun er 16 og bliver slået af sin far", 16),
        ("en lille dreng på omkring 8 i opgangen", 8),
        ("vores lille pige er 10 måneder", 0),
        ("jeg er 83", 83),
        ("de er 3 børn i familien", None),
        ("han er 2 timer forsinket", None),
    ],
)
def test_read_age(text: str, age: int | None) -> None:
    assert read_age(text) == age


# ------------------------------------------------------------------ order, age, paths


def test_a_gated_unit_comes_after_the_unit_that_opens_it(demo: Guide) -> None:
    guidance = demo.guide("ældre mand har brug for hjemmehjælp", age=80, at=TUESDAY_NOON)
    units = [s.unit_id for s in guidance.suggestions]
    home_care = next(u for u in units if u.startswith("suf-hjemmepleje"))
    assert units.index("suf-visitation") < units.index(home_care)
    assert guidance.suggestion(home_care).before == ("suf-visitation",)
    assert guidance.suggestion(home_care).requires == ("visitation",)


def test_the_unit_that_opens_a_gated_one_is_added_as_a_step(demo: Guide) -> None:
    guidance = demo.guide("skal i genoptræning", age=70, at=TUESDAY_NOON)
    first, then = guidance.suggestions[:2]
    assert (first.unit_id, then.unit_id) == ("region-h-bfh", "suf-genoptraening")
    assert first.prerequisite_for == "suf-genoptraening" and first.needs == ()
    assert first.reason == (
        "først, fordi Genoptræning og rehabilitering kræver: genoptræningsplan fra hospitalet"
    )


def test_a_unit_the_situation_needs_itself_comes_before_the_unit_it_opens(demo: Guide) -> None:
    guidance = demo.guide("skal på botilbud", age=40, at=TUESDAY_NOON)
    first, then = guidance.suggestions[:2]
    assert (first.unit_id, then.unit_id) == ("sof-bcv-socialpsykiatri", "sof-bcv-visitation")
    assert then.before == ("sof-bcv-socialpsykiatri",)
    assert then.requires == ("samtykke fra borgeren", "VUM-udredning")


def test_the_caseworker_s_own_unit_opens_the_gate_when_it_can(demo: Guide) -> None:
    guidance = demo.guide(
        "genoptræning efter hospital", age=70, from_unit="region-h-ahh", at=TUESDAY_NOON
    )
    step = guidance.suggestion("suf-genoptraening")
    assert step.before == ("region-h-ahh",)
    assert step.path == ("region-h-ahh", "suf-genoptraening")


@pytest.mark.parametrize(
    ("text", "age", "never"),
    [
        ("bbu ung", 42, "sof-bbu"),  # 0-22 (its districts folded in)
        ("ung hjemløs", 30, "sof-de-unges-hus"),  # 15-25
        ("rollator", 40, "suf-hjaelpemidler"),  # 65+
        ("herberg", 17, "ngo-kirkens-korshaer-herberg"),  # 18+
    ],
)
def test_age_ranges_are_strict(demo: Guide, text: str, age: int, never: str) -> None:
    assert never in [s.unit_id for s in demo.guide(text, at=TUESDAY_NOON).suggestions]
    assert never not in [
        s.unit_id for s in demo.guide(text, age=age, limit=20, at=TUESDAY_NOON).suggestions
    ]


@pytest.mark.parametrize(
    ("text", "age", "unit"),
    [
        ("bekymret for et barn, forældrene drikker", 42, "sof-bbu"),  # 0-22
        ("hun skal skifte skole efter flytningen", 38, "buf-omraader"),
        ("nybagt mor, helt alene med den lille", 31, "buf-sundhedsplejen"),
    ],
)
def test_a_child_s_need_told_by_a_parent_is_not_filtered_by_the_parent_s_age(
    demo: Guide, text: str, age: int, unit: str
) -> None:
    """A need marked `child` in the vocabulary is a child's, often told by a parent: the
    adult age given filters none of its units (an adult's own need still is filtered)."""
    guidance = demo.guide(text, age=age, at=TUESDAY_NOON)
    assert unit in [s.unit_id for s in guidance.suggestions]


def test_an_adult_s_own_need_is_still_filtered_by_age(demo: Guide) -> None:
    units = [s.unit_id for s in demo.guide("ung hjemløs", age=30, at=TUESDAY_NOON).suggestions]
    assert "sof-de-unges-hus" not in units


@pytest.mark.parametrize(
    ("text", "age", "unit", "never"),
    [
        ("far drikker hver aften, og drengen på 8 går sulten i seng", None, "sof-bbu", "sof-crbk"),
        ("hun er 16 og bliver slået af sin far", None, "sof-bbu", "ngo-danner"),
        ("mor tager stoffer", 5, "sof-bbu", "sof-u-turn"),
    ],
)
def test_an_adult_s_need_told_of_a_child_is_a_worry_for_the_child(
    demo: Guide, text: str, age: int | None, unit: str, never: str
) -> None:
    """`as_child` in the vocabulary: a parent's drinking or violence at home, told of a young
    citizen, is read as a worry for the child (Børne- og Ungdomsrådgivningen)."""
    guidance = demo.guide(text, age=age, at=TUESDAY_NOON)
    units = [s.unit_id for s in guidance.suggestions]
    assert unit in units and never not in units
    assert "boern-underretning" in [n.need_id for n in guidance.needs]


def test_an_age_told_of_a_child_in_the_story_filters_no_family_need(demo: Guide) -> None:
    """'sønnen på 9' is a child in a refugee family's story: the family's own need (an adult
    unit) is suggested next to the child's school, and the age ranks, never filters."""
    text = (
        "vi er flygtninge fra Afghanistan og har fået opholdstilladelse, sønnen på 9 skal i skole"
    )
    guidance = demo.guide(text, at=TUESDAY_NOON)
    units = [s.unit_id for s in guidance.suggestions]
    assert "bif-integration" in units and "buf-omraader" in units
    assert guidance.age is None  # no age filter shown on the page: the 9 is the son's
    assert age_of_a_child(text) and not age_of_a_child("en mand på 45 er hjemløs")


@pytest.mark.parametrize(
    ("text", "child"),
    [
        ("hun er 34 og har to drenge på 6 og 9", 6),  # the citizen is 34; a child of 6
        ("datteren på 10 skal i skole", 10),
        ("han er 45 år og ledig", None),
    ],
)
def test_a_child_in_the_story(text: str, child: int | None) -> None:
    assert child_in_story(text) == child


def test_a_parent_s_need_told_with_children_in_the_story_is_a_worry_for_them(
    demo: Guide,
) -> None:
    guidance = demo.guide("hun er 34, tager heroin igen og har to drenge på 6 og 9")
    units = [s.unit_id for s in guidance.suggestions]
    assert guidance.age == 34 and "sof-crbk" in units and "sof-bbu" in units


def test_a_person_in_crisis_in_the_street_gets_the_social_emergency_car(demo: Guide) -> None:
    text = "en mand ligger på fortovet i minusgrader og vil ikke have ambulance"
    assert demo.guide(text, at=TUESDAY_NOON).suggestions[0].unit_id == "sof-sociolancen"


def test_an_adult_told_of_is_not_read_as_a_child(demo: Guide) -> None:
    units = [s.unit_id for s in demo.guide("hun bliver slået af sin mand", age=34).suggestions]
    assert units[0] == "ngo-danner"


def test_paths_from_the_caseworker_s_unit(demo: Guide) -> None:
    guidance = demo.guide("huslejerestance", age=40, from_unit="bif-jobcenter", at=TUESDAY_NOON)
    assert guidance.suggestion("sof-bcv-bolig-gaeld").path == (
        "bif-jobcenter",
        "sof-bcv-bolig-gaeld",
    )


def test_an_unknown_own_unit_names_close_ids(demo: Guide) -> None:
    with pytest.raises(UnknownUnit) as info:
        demo.guide("herberg", from_unit="bif-jobcentre")
    assert "bif-jobcenter" in str(info.value)


def test_chosen_needs_count_as_needs(demo: Guide) -> None:
    guidance = demo.guide("", ["kontanthjælp", "bostøtte"], age=40, at=TUESDAY_NOON)
    assert [(n.need_id, n.excerpt) for n in guidance.needs] == [
        ("forsoergelse", "kontanthjælp"),
        ("psykisk-sygdom", "bostøtte"),
    ]
    assert [n.text for n in guidance.needs] == [
        "Kontanthjælp og forsørgelse",  # the data folder's label of the national need
        "Psykisk sygdom, bostøtte og botilbud",
    ]
    assert all(n.units for n in guidance.needs)


def test_each_suggestion_says_open_and_whom_to_call(demo: Guide) -> None:
    guidance = demo.guide("herberg i nat", age=45, at=TUESDAY_NOON)
    for suggestion in guidance.suggestions:
        assert guidance.status(suggestion.unit_id).label
        assert suggestion.reason


# ------------------------------------------------------------------ the citizen's summary


def test_summary_for_the_citizen_has_public_numbers_only(demo: Guide) -> None:
    guidance = demo.guide("ludoman med gæld og drikker for meget", age=40, at=TUESDAY_NOON)
    summary = citizen_summary(guidance)
    directory = demo.directory
    staff_only = {
        phone.display
        for unit in directory.units.values()
        for phone in [*unit.phones, *(p for c in unit.contacts for p in c.phones)]
        if phone.is_staff_only
    } - {p.display for u in directory.units.values() for p in u.public_phones}
    assert not [number for number in staff_only if number in summary]
    assert summary.startswith("Hvem kan hjælpe dig\n\n1. ")
    assert "Center for Ludomani" in summary and "Hjemmeside: https://ludomani.dk" in summary
    assert "Telefon: intet offentligt nummer" in summary  # the centre has no number in data


# ------------------------------------------------------------------ the command (contract v1.1)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, app_env) -> None:
    monkeypatch.setenv("LANDKORT_DATA", str(ROOT / "data"))


def test_guide_command_prints_unit_and_reason_best_first(demo_env, capsys) -> None:
    code, out, err = run(
        capsys, "guide", *AT_NOON, "--age", "42", "lejer", "med", "brev", "fra", "fogeden"
    )
    assert code == 0, err
    first = out.splitlines()[0].split("\t")
    assert first[0] == "sof-bcv-bolig-gaeld" and len(first) == 2
    assert first[1] == (
        "»brev fra fogeden« → Udsættelse og huslejerestance → Bolig- og gældsrådgivning "
        "(udsættelsestruet, udsættelse)"
    )


def test_guide_command_with_from_prints_the_path(demo_env, capsys) -> None:
    code, out, _ = run(
        capsys, "guide", *AT_NOON, "--from", "bif-jobcenter", "--limit", "1", "huslejerestance"
    )
    assert code == 0
    assert out.split("\t")[2] == "bif-jobcenter -> sof-bcv-bolig-gaeld\n"


def test_guide_command_limit_and_strict_age(demo_env, capsys) -> None:
    code, out, _ = run(
        capsys, "guide", *AT_NOON, "--age", "70", "--limit", "3", "herberg", "rollator"
    )
    lines = out.splitlines()
    assert code == 0 and 1 <= len(lines) <= 3
    units = {line.split("\t")[0] for line in lines}
    directory = load_directory(ROOT / "data")
    assert all(directory.units[u].age is None or directory.units[u].age.includes(70) for u in units)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["guide", "xyzzyqq"],
            "fejl: ingen enhed passer til 'xyzzyqq': beskriv behovet med andre ord "
            "(fx 'hjemløs', 'gæld', 'misbrug'), eller søg efter det på siden Søg\n",
        ),
        (
            ["guide", "--age", "30", "ung", "hjemløs", "sundhedsplejerske"],
            None,  # answered by others; checked below
        ),
        (
            ["guide", "--from", "nope", "herberg"],
            "fejl: ingen enhed har id'et 'nope'. Skriv et enheds-id, som det står i "
            "units/*.yaml.\n",
        ),
        (
            ["guide", "--limit", "0", "herberg"],
            "fejl: --limit 0 udskriver intet: skriv 1 eller mere\n",
        ),
    ],
)
def test_guide_command_errors_exit_1_with_a_message(
    demo_env, capsys, argv: list[str], message: str | None
) -> None:
    code, out, err = run(capsys, argv[0], *AT_NOON, *argv[1:])
    if message is None:
        assert code == 0 and "sof-de-unges-hus" not in out
        return
    assert (code, out, err) == (1, "", message)


def test_guide_command_runs_as_a_module_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "LANDKORT_DATA": str(ROOT / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "directory", "guide", *AT_NOON, "--age", "17", "ryger", "hash"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split("\t")[0] == "sof-u-turn"


def test_guide_command_on_invalid_data_lists_the_problems(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "departments.yaml").write_text("departments:\n  - id: Bad Id\n", encoding="utf-8")
    monkeypatch.setenv("LANDKORT_DATA", str(tmp_path))
    code, out, err = run(capsys, "guide", "herberg")
    assert code == 1 and out == ""
    assert (
        f"fejl: 2 fejl i data i {tmp_path}: ret dem" in err
        and "python -m directory validate" in err
    )


# ------------------------------------------------------------------ needs first (issue 22)


def test_the_reason_says_words_need_and_unit(demo: Guide) -> None:
    guidance = demo.guide(
        "hun er blevet banket af kæresten og tør ikke tage hjem", age=29, at=TUESDAY_NOON
    )
    first = guidance.suggestions[0]
    assert first.unit_id == "ngo-danner"
    assert first.reason == (
        "»er blevet banket af kæresten« → Vold i nære relationer og krisecenter → Danner "
        "(krisecenter, § 109)"
    )
    assert first.needs == ("Vold i nære relationer og krisecenter",)
    assert [(n.need_id, n.excerpt) for n in guidance.needs] == [
        ("vold", "er blevet banket af kæresten")
    ]


def test_a_clause_that_names_no_need_is_listed_without_units(demo: Guide) -> None:
    guidance = demo.guide(
        "lejer har brev fra fogeden, to børn og drikker for meget", age=42, at=TUESDAY_NOON
    )
    units = [s.unit_id for s in guidance.suggestions]
    assert units[:2] == ["sof-bcv-bolig-gaeld", "sof-crbk"]
    assert "stat-ud-familieydelser" not in units  # 'to børn' is no need for family benefits
    unread = [n for n in guidance.needs if n.need_id is None]
    assert [(n.text, n.units) for n in unread] == [("to børn", ())]  # listed, to search for


def test_search_and_guide_read_with_the_same_vocabulary(demo: Guide) -> None:
    from directory.rules.vocabulary import vocabulary

    index = demo.index
    assert index.need_matcher.vocabulary is vocabulary(demo.directory)
    for text in [
        "banket af kæresten",
        "alkoholiker",
        "psykotisk",
        "komme i tøjet",
        "vold i hjemmet",
        "skylder husleje",
    ]:
        guided = [n.need_id for n in demo.guide(text, at=TUESDAY_NOON).needs]
        assert guided == index.named_needs(text)[: len(guided)], text
        guidance = demo.guide(text, at=TUESDAY_NOON)
        best = next(s.unit_id for s in guidance.suggestions if s.needs)  # not a step before
        found = [h.unit_id for h in index.search(text, limit=10)]
        assert best in found, (text, best, found)


# ------------------------------------------------------------------ bad input


def test_an_empty_or_filler_situation_suggests_nothing(demo: Guide) -> None:
    for text in ["", "   ", "borgeren har brug for hjælp", "og i til"]:
        guidance = demo.guide(text, at=TUESDAY_NOON)
        assert (guidance.suggestions, guidance.needs, guidance.refused) == ([], [], None), text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "hjemløs, cpr 010190-1234",
            "Teksten ligner et CPR-nummer. Fjern det: situationen står i linket og må ikke "
            "rumme CPR-numre.",
        ),
        (
            "ring til ham på 12 34 56 78, han drikker",
            "Teksten ligner et telefonnummer. Fjern det: situationen står i linket og må ikke "
            "rumme borgerens telefonnummer.",
        ),
        (
            "skriv til jens@eksempel.dk om gælden",
            "Teksten ligner en e-mailadresse. Fjern den: situationen står i linket og må ikke "
            "rumme borgerens e-mailadresse.",
        ),
    ],
)
def test_a_situation_with_a_cpr_phone_or_email_is_refused(
    demo: Guide, text: str, message: str
) -> None:
    guidance = demo.guide(text, at=TUESDAY_NOON)
    assert (guidance.refused, guidance.suggestions, guidance.text) == (message, [], "")
    assert demo.guide("", [text], at=TUESDAY_NOON).refused == message  # a chosen need too


def test_an_amount_is_no_phone_number(demo: Guide) -> None:
    guidance = demo.guide("skylder 120.000 kr i husleje", age=40, at=TUESDAY_NOON)
    assert guidance.refused is None and guidance.suggestions


def test_a_very_long_situation_is_read_in_bounded_time_and_never_echoed(demo: Guide) -> None:
    import time

    text = ("hun er blevet banket af kæresten og drikker for meget " * 800)[:40_000]
    started = time.perf_counter()
    guidance = demo.guide(text, at=TUESDAY_NOON)
    assert time.perf_counter() - started < 10
    assert guidance.notice == "Kun de første 1.000 tegn af situationen er læst: skriv den kortere."
    assert guidance.suggestions
    for suggestion in guidance.suggestions:
        quoted = suggestion.reason.split("«")[0].removeprefix("»")
        assert len(quoted) <= 60, suggestion.reason
    assert all(len(n.excerpt) <= 60 for n in guidance.needs)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["guide", "  "],
            "fejl: situationen er tom: beskriv borgerens situation med dine egne ord "
            "(fx 'hjemløs', 'gæld', 'misbrug')\n",
        ),
        (
            ["guide", "hjemløs", "010190-1234"],
            "fejl: teksten ligner et CPR-nummer: beskriv situationen uden navn og CPR-nummer\n",
        ),
        (
            ["guide", "ring", "på", "12", "34", "56", "78,", "han", "drikker"],
            "fejl: Teksten ligner et telefonnummer. Fjern det: situationen står i linket og må "
            "ikke rumme borgerens telefonnummer.\n",
        ),
        (
            ["guide", "borgeren har brug for hjælp " * 20],
            "fejl: ingen enhed passer til 'borgeren har brug for hjælp borgeren har brug for "
            "hjælp bor…': beskriv behovet med andre ord (fx 'hjemløs', 'gæld', 'misbrug'), "
            "eller søg efter det på siden Søg\n",
        ),
    ],
)
def test_guide_command_refuses_bad_input_in_danish(
    demo_env, capsys, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", message)
