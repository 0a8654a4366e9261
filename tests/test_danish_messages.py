"""Issue 16: every message the validator and the CLI print is Danish (the `file:line:` form
and the `warning:` marker stay; those are the data contract). The validator runs over every
case in tests/cases, the hostile files, YAML syntax errors and every pydantic error type;
no message may contain a common English word outside quotes and paths."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_core import core_schema

from cli import build_parser, danish_usage_error, main
from directory import validate_directory
from directory.loading.loader import _translate
from directory.loading.safefile import os_reason
from directory.loading.yamltree import YamlProblem, YMap, YScalar, parse_text, syntax_message
from directory.model import Unit
from tests.conftest import SMALL_DATA, write_data
from tests.test_hostile_files import CASES as HOSTILE

CASES = Path(__file__).parent / "cases"
TODAY = dt.date(2026, 11, 22)

ENGLISH = re.compile(
    r"\b(must|should|unknown|missing|not|the|is|does|did|you|mean|cannot|can't|write|with|or|"
    r"of|an|are|only|error|warning|please|use|add|remove|check|exist|exists|allowed|found|"
    r"expected|line|value|key|keys|directory|read|each|least|than|here|quote|input|field|"
    r"required|valid|invalid|none)\b",
    re.I,
)
# Quoted values (the coordinator's own text, ids, keys, examples), paths and command-line
# options are not prose.
QUOTED_OR_PATH = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\S*/\S*|--[\w-]+")


def english(message: str) -> list[str]:
    """The English words in a message's own text (empty: Danish)."""
    return ENGLISH.findall(QUOTED_OR_PATH.sub(" ", message))


def test_the_check_finds_the_old_english_messages() -> None:
    """The check could fail: the messages as they were before issue 16 are caught."""
    for old in [
        "unknown key 'phone'; did you mean 'phones'? (keys of your own must start with 'x-')",
        "name: is empty: write a value or remove the key",
        "YAML syntax error: mapping values are not allowed in this context",
        "age.min: Input should be greater than or equal to 0",
        "needs: must list at least one item",
        "file is 6.0 MB, over the 5 MB limit: split it into smaller files",
        "2 error(s), 1 warning(s)",
        "unknown unit 'nope': report on a unit that exists in the directory",
        "the search is empty: type the word that found nothing",
        "LANDKORT_DB='x' is not a database URL: use e.g. sqlite:///var/landkort.db",
        "LANDKORT_DB=sqlite:///x.db: cannot create the folder of the database file",
        "LANDKORT_TILES='x' is not a tile URL template: write it like 'https://t/{z}.png'",
        "a.yaml:2: ikke gyldig YAML (expected ',' or ']', but got ':'): ret linjen",
        "adgangsfilen kan ikke læses (No such file or directory): ret stien",
    ]:
        assert english(old), old
    assert english("ukendt nøgle 'the key is missing'; mente du 'phones'?") == []


def _all_messages(data: Path) -> list[str]:
    result = validate_directory(data, today=TODAY)
    return [p.message for p in result.problems]


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_case_message_is_danish(case: Path, data_dir: Path) -> None:
    raw = case.read_bytes()
    target = re.search(rb"^# target: (.*)$", raw, re.M)
    assert target
    (data_dir / target.group(1).decode().strip()).write_bytes(raw)
    messages = _all_messages(data_dir)
    assert messages
    assert {m: english(m) for m in messages if english(m)} == {}


def test_hostile_files_and_shapes_give_danish_messages(data_dir: Path, tmp_path: Path) -> None:
    for _, make, _ in HOSTILE:
        with contextlib.suppress(FileExistsError):  # two cases make the same link
            make(data_dir)
    (data_dir / "units" / "old.yml").write_text("units: []\n", encoding="utf-8")
    (data_dir / "extra.yaml").write_text("units: []\n", encoding="utf-8")
    (data_dir / "synonyms.yaml").write_text(
        "synonyms:\n  - [ord]\n  - ord\n  - [[a]]\n  - [\u202eord, andet]\n", encoding="utf-8"
    )
    (data_dir / "locations.yaml").write_text("locations: 5\n", encoding="utf-8")
    (data_dir / "needs.yaml").write_text("- a\n", encoding="utf-8")
    big = tmp_path / "data" / "referrals.yaml"
    big.write_text("referrals:\n" + "  - {from: a, to: b, needs: [x]}\n" * 200_000)
    (data_dir / "departments.yaml").unlink()
    messages = _all_messages(data_dir)
    assert len(messages) >= 10
    assert {m: english(m) for m in messages if english(m)} == {}
    for root in (tmp_path / "nope", big):
        (message,) = _all_messages(root)
        assert not english(message), message


SYNTAX_ERRORS = [
    "a: b: c\n",
    "a:\n\tb: 1\n",
    "a:\n  b: 1\n\tc: 2\n",
    "a: 'x\n",
    "a: [1, 2\n",
    "a: {b: 1\n",
    "a: @x\n",
    "- a\nb: 1\n",
    "a:\n  - b\n c: 1\n",
    'a: "\\q"\n',
    'a: "\\u12"\n',
    "[a, b]]\n",
    "a: *\n",
    "%YAML 1.1\n%YAML 1.1\n---\na\n",
    "%FOO\n---\na\n",
    "a: - b\n",
    "x: ,a\n",
    "a: |x\n y\n",
    "- a: b\n  -c\n",
    "a: 'x' y\n",
]


@pytest.mark.parametrize("text", SYNTAX_ERRORS)
def test_yaml_syntax_errors_are_danish_with_their_line(text: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse_text(text)
    message = info.value.message
    assert message.startswith("YAML-syntaksfejl: ")
    assert message != f"YAML-syntaksfejl: {syntax_message(None)}", "mapped to the fallback"
    assert not english(message), message
    assert 1 <= info.value.line <= text.count("\n")


def test_a_tab_and_a_colon_are_explained_word_for_word() -> None:
    assert syntax_message("found a tab character that violates indentation") == (
        "et tabulatortegn står, hvor der skal være indrykning: ryk ind med mellemrum, ikke med "
        "tabulator"
    )
    assert syntax_message("mapping values are not allowed here") == (
        "et ': ' står, hvor der ikke kan begynde en ny nøgle: en tekst med ': ' i skal stå i "
        "anførselstegn"
    )
    assert syntax_message("something libyaml says one day") == (
        "YAML kan ikke læse linjen: tjek indrykningen og anførselstegnene på den"
    )


def _error(kind: str) -> ValidationError:
    """A pydantic error of this type on the key 'name', with the context it requires."""
    ctx: dict[str, typing.Any] = {}
    for _ in range(10):
        try:
            line_error: typing.Any = {"type": kind, "loc": ("name",), "input": 5}
            if ctx:
                line_error["ctx"] = ctx
            error = ValidationError.from_exception_data("Unit", [line_error])
            error.errors()
            return error
        except (KeyError, TypeError, ValueError) as exc:
            needed = re.search(
                r"'(\w+)' (required in context|context value must be a (\w+))", str(exc)
            )
            if not needed:
                raise
            ctx[needed.group(1)] = "x" if needed.group(3) == "String" else 1
    raise AssertionError(kind)


PYDANTIC_TYPES = sorted(
    set(typing.get_args(core_schema.ErrorType)) - {"value_error"}  # value_error: ours
)


@pytest.mark.parametrize("kind", PYDANTIC_TYPES)
def test_every_pydantic_error_type_gets_a_danish_message(kind: str) -> None:
    node = YMap({"name": YScalar("x", 3, "str", "x")}, 2, {"name": 3})
    (line, message), *_ = _translate(_error(kind), node, Unit)
    assert not english(message), message
    if kind == "missing":
        assert message == "den påkrævede nøgle 'name' mangler: tilføj 'name: ...'"
    else:
        assert (line, message.split(": ")[0]) == (3, "name")


def test_an_unmapped_pydantic_error_says_so_in_danish() -> None:
    node = YMap({"name": YScalar("x", 3, "str", "x")}, 2, {"name": 3})
    assert _translate(_error("uuid_type"), node, Unit) == [
        (3, "name: værdien kan ikke bruges her: se i data/README.md, hvad der skal stå")
    ]
    assert _translate(_error("greater_than_equal"), node, Unit) == [
        (3, "name: x er for lille: skriv et tal fra 1 og op")
    ]


def test_os_errors_are_named_in_danish() -> None:
    assert os_reason(PermissionError(13, "Permission denied")) == "ingen adgang"
    assert os_reason(OSError(16, "Device or resource busy")) == "systemfejl EBUSY"
    assert os_reason(OSError("egen besked")) == "egen besked"


def test_every_cli_help_text_is_danish() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parsers = [parser, *commands.choices.values()]
    helps = [a.help or "" for a in commands._choices_actions]
    assert len(helps) == len(commands.choices)
    for each in parsers:
        helps += [each.description or ""] + [a.help or "" for a in each._actions]
    assert {h: english(h) for h in helps if english(h)} == {}


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "csv"],
        ["nope"],
        ["path", "a"],
        ["loops", "--max-len", "x"],
        ["synth", "out", "--units", "0"],
        ["guide", "--age", "-1", "x"],
        ["validate", "--bogus"],
        ["path", "a", "b", "--need"],
    ],
)
def test_usage_errors_are_danish(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("brug: python -m directory")
    last = err.splitlines()[-1]
    assert re.match(r"python -m directory( \w+)?: fejl: ", last), last
    assert not english(last.split(": fejl: ")[1]), last


def test_usage_errors_word_for_word() -> None:
    assert danish_usage_error("the following arguments are required: TO") == (
        "disse argumenter mangler: TO"
    )
    assert danish_usage_error("argument --max-len: invalid int value: 'x'") == (
        "argumentet --max-len: 'x' er ikke et helt tal"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["path", "sof-bvc", "bif-jku"],
        ["path", "bif-ydelse", "stat-kif"],
        ["loops"],
        ["stats"],
        ["guide", "xyzzyqq"],
        ["guide", "--from", "nope", "herberg"],
        ["guide", "--limit", "0", "herberg"],
    ],
)
def test_command_output_is_danish(
    argv: list[str], data_dir: Path, monkeypatch, capsys: pytest.CaptureFixture[str], app_env
) -> None:
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    main(argv)
    out, err = capsys.readouterr()
    lines = [line.split(": warning: ")[-1] for line in (out + err).splitlines()]
    assert lines
    assert {line: english(line) for line in lines if english(line)} == {}


def test_invalid_data_in_a_command_is_danish(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str], app_env
) -> None:
    data = write_data(tmp_path / "data", {**SMALL_DATA, "units/bif.yaml": "units:\n  - x\n"})
    monkeypatch.setenv("LANDKORT_DATA", str(data))
    count = len(validate_directory(data).errors)
    for argv in (["stats"], ["export", "json"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert {line: english(line) for line in err.splitlines() if english(line)} == {}
        assert err.splitlines()[-1] == (
            f"fejl: {count} fejl i data i {data}: ret dem (se dem alle med "
            "`python -m directory validate`), og prøv igen"
        )


DATA_README = Path(__file__).resolve().parent.parent / "data" / "README.md"


@pytest.fixture(scope="module")
def case_messages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every message the validator gives on the cases in tests/cases."""
    messages: list[str] = []
    for case in sorted(CASES.glob("*.yaml")):
        data = write_data(tmp_path_factory.mktemp("case") / "data", SMALL_DATA)
        raw = case.read_bytes()
        target = re.search(rb"^# target: (.*)$", raw, re.M)
        assert target
        (data / target.group(1).decode().strip()).write_bytes(raw)
        messages += _all_messages(data)
    return messages


def test_every_message_the_data_readme_quotes_is_a_real_one(case_messages: list[str]) -> None:
    """The tables of fixes in data/README.md quote messages (`...` stands for a cut)."""
    text = DATA_README.read_text(encoding="utf-8")
    tables = re.findall(r"^\| beskeden siger \|.*?(?=\n\n|\Z)", text, re.M | re.S)
    assert len(tables) >= 2
    quoted = [q for table in tables for q in re.findall(r"^\| `([^`]+)` \|", table, re.M)]
    assert len(quoted) >= 12
    for quote in quoted:
        pattern = ".*".join(re.escape(part) for part in quote.split("..."))
        assert any(re.search(pattern, m) for m in case_messages), (
            f"data/README.md quotes {quote!r}, which no message says"
        )


# -- the app's own messages outside the validator: settings, the database, access file, reports


def _refusal(call: typing.Callable[[], object], kind: type[Exception]) -> str:
    with pytest.raises(kind) as info:
        call()
    return str(info.value)


def test_bad_settings_are_refused_in_danish(tmp_path: Path) -> None:
    """LANDKORT_DB, LANDKORT_TILES and LANDKORT_ACCESS: each way to get them wrong."""
    from directory.access import AccessFileError, load_access
    from directory.storage import StorageError, open_storage
    from testkit.browser_support import free_port
    from ui.present.mapview import TilesError, tile_layer

    (tmp_path / "fil").write_text("x", encoding="utf-8")
    messages = [
        _refusal(lambda url=url: open_storage(url), StorageError)
        for url in [
            "not a url",
            "mysql://u@h/db",
            "postgresql+psycopg2://u@h/db",
            f"sqlite+pysqlcipher:///{tmp_path}/x.db",
            f"sqlite:///{tmp_path}/fil/x/landkort.db",
            f"postgresql+psycopg://u:p@127.0.0.1:{free_port()}/x",
        ]
    ]
    messages += [
        _refusal(lambda url=url: tile_layer(url), TilesError)
        for url in ["kort.png", "https://t.intra/tiles.png"]
    ]
    access_files = [
        "staff: [a\nadmins: [b]\n",
        "- a\n",
        "staff: [a]\nstaff: [b]\n",
        "nope: [a]\n",
        "staff: a\n",
        "claim: ''\n",
        "public: ja\n",
        "coordinators: [a]\n",
    ]
    for n, text in enumerate(access_files):
        path = tmp_path / f"adgang-{n}.yaml"
        path.write_text(text, encoding="utf-8")
        messages.append(_refusal(lambda path=path: load_access(path), AccessFileError))
    (tmp_path / "latin1.yaml").write_bytes("staff: [kk-\xe6]\n".encode("latin-1"))
    for path in (tmp_path / "latin1.yaml", tmp_path / "findes-ikke.yaml"):
        messages.append(_refusal(lambda path=path: load_access(path), AccessFileError))
    assert len(messages) == 18
    # A driver's own words in parentheses (psycopg, SQLAlchemy) are the operator's detail.
    prose = [re.sub(r"\((?:No module|connection)[^)]*\)", " ", m) for m in messages]
    assert {m: english(m) for m in prose if english(m)} == {}


def test_every_report_refusal_is_danish(
    tmp_path: Path, small_directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ReportProblem's message, as the pages show it (one home: the core)."""
    from directory.quality.reports import (
        MAX_NAME,
        MAX_WHAT,
        RATE_LIMIT,
        ReportError,
        ReportProblem,
        ReportStore,
    )
    from directory.state import AppState
    from directory.storage import open_storage

    storage = open_storage(f"sqlite:///{tmp_path}/s.db")
    store = ReportStore(tmp_path / "reports", storage=storage)
    found: dict[ReportProblem, str] = {}

    def refused(call: typing.Callable[[], object]) -> None:
        with pytest.raises(ReportError) as info:
            call()
        found[info.value.code] = str(info.value)

    refused(lambda: store.add("sof-bcv", " "))
    refused(lambda: store.add("sof-bcv", "x" * (MAX_WHAT + 1)))
    refused(lambda: store.add("nope", "Forkert", directory=small_directory))
    refused(lambda: store.add("sof-bcv", "Forkert", reporter="n" * (MAX_NAME + 1)))
    refused(lambda: store.add("sof-bcv", "cpr 010190-1234"))
    first = store.add("sof-bcv", "Forkert nummer")
    refused(lambda: store.add("sof-bcv", "forkert  NUMMER"))
    for i in range(RATE_LIMIT):
        store.add("bif-jku", f"Fejl {i}", user="s")
    refused(lambda: store.add("bif-jku", "En til", user="s"))
    refused(lambda: store.close("nope", by="K"))
    refused(lambda: store.close(first.id, by=" "))
    store.close(first.id, by="Koordinator SOF")
    refused(lambda: store.close(first.id, by="K"))
    refused(lambda: AppState(storage=storage).file_report("sof-bcv", "Forkert", user=None))
    monkeypatch.setattr("directory.quality.reports.HOURLY_CAP", 2)
    refused(lambda: store.add("bif-jku", "Fejl til sidst", user="andre"))
    assert set(found) == set(ReportProblem)
    assert {m: english(m) for m in found.values() if english(m)} == {}


def test_every_missing_word_refusal_is_danish(tmp_path: Path, storage) -> None:
    from directory.storage.missing import (
        MAX_NOTE,
        MAX_QUERY,
        MissingProblem,
        MissingWordError,
        report_missing_word,
    )

    found: dict[tuple[str, MissingProblem], str] = {}
    for query, note in [
        (" ", ""),
        ("x" * (MAX_QUERY + 1), ""),
        ("ring 010190-1234", ""),
        ("33 99 10 01", ""),
        ("ali@kk.dk", ""),
        ("ord", "y" * (MAX_NOTE + 1)),
        ("ord", "cpr 0101901234"),
        ("ord", "ring 33991001"),
        ("ord", "spørg ali@kk.dk"),
    ]:
        with pytest.raises(MissingWordError) as info:
            report_missing_word(query, note, storage=storage, folder=tmp_path)
        found[(info.value.field, info.value.problem)] = str(info.value)
    assert len(found) == 9
    assert {m: english(m) for m in found.values() if english(m)} == {}


def test_a_wrong_vcard_version_is_refused_in_danish() -> None:
    from directory.exports.export import contact_vcard

    nothing = typing.cast(typing.Any, None)  # the version is checked first
    message = _refusal(lambda: contact_vcard(nothing, nothing, None, version="2.1"), ValueError)
    assert message == "ukendt vCard-version '2.1': brug '3.0' eller '4.0'"
    assert not english(message)
