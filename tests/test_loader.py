"""The loader and validator: one tiny YAML file per failure case, messages word for word."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import (
    DirectoryError,
    PhoneKind,
    Severity,
    load_directory,
    validate_directory,
)
from directory.loading.yamltree import parse_text

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 22)


def _case_header(raw: bytes, marker: str = "# expect: ") -> tuple[str, list[str]]:
    target, expected = "", []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if line.startswith("# target: "):
            target = line.removeprefix("# target: ").strip()
        elif line.startswith(marker):
            expected.append(line.removeprefix(marker).strip())
    return target, expected


WARN = "# expect-warning: "
# A case file holds '# expect:' lines (errors, at the target file) or '# expect-warning:'
# lines (warnings, each with its path relative to the data directory; the data still loads).
WARNING_CASES = sorted(p for p in CASES.glob("*.yaml") if WARN.encode() in p.read_bytes())
CASE_FILES = sorted(set(CASES.glob("*.yaml")) - set(WARNING_CASES))


@pytest.mark.parametrize("case", WARNING_CASES, ids=[p.stem for p in WARNING_CASES])
def test_warning_case(case: Path, data_dir: Path) -> None:
    raw = case.read_bytes()
    target, expected = _case_header(raw, WARN)
    assert target and expected, f"{case.name} needs '# target:' and '{WARN.strip()}' lines"
    (data_dir / target).write_bytes(raw)
    result = validate_directory(data_dir, today=TODAY)
    assert result.ok, result.errors
    got = [str(p) for p in result.warnings]
    for line in expected:
        assert f"{data_dir}/{line}" in got, "\n".join(got)


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_failure_case(case: Path, data_dir: Path) -> None:
    raw = case.read_bytes()
    target, expected = _case_header(raw)
    assert target and expected, f"{case.name} needs '# target:' and '# expect:' lines"
    (data_dir / target).write_bytes(raw)
    result = validate_directory(data_dir, today=TODAY)
    got = [str(p) for p in result.errors]
    for line in expected:
        want = f"{data_dir / target}:{line}".replace("DATA/", f"{data_dir}/")
        assert want in got, "\n".join(got)
    assert result.directory is None
    with pytest.raises(DirectoryError) as info:
        load_directory(data_dir, today=TODAY)
    assert [str(p) for p in info.value.problems] == got


def test_small_directory_loads(data_dir: Path) -> None:
    directory = load_directory(data_dir, today=TODAY)
    assert list(directory.departments) == ["sof", "bif", "stat"]
    assert set(directory.units) == {
        "sof-bcv",
        "sof-hjemloese",
        "sof-dognvagt",
        "bif-jku",
        "bif-ydelse",
        "stat-kif",
    }
    assert len(directory.referrals) == 6
    assert directory.referrals[0].from_ == "stat-kif" and directory.referrals[0].to == "sof-bcv"
    assert directory.synonyms == [["hjemløs", "hjemløshed", "herberg"], ["JKU", "Ungecenter"]]
    unit = directory.units["sof-bcv"]
    assert unit.age is not None and unit.age.includes(18) and not unit.age.includes(17)
    assert unit.phones[1].kind is PhoneKind.FAST_TRACK
    assert unit.first_number() is unit.phones[1]
    assert directory.contacts["k-bcv-1"].backup == "k-bcv-2"
    assert directory.contact_unit["k-bcv-2"] == "sof-bcv"
    assert directory.children["sof-bcv"] == ["sof-hjemloese"]
    assert directory.example_notice == "Eksempeldata til test"
    assert unit.source.path == str(data_dir / "units" / "sof.yaml") and unit.source.line == 2


def test_warnings(data_dir: Path) -> None:
    directory = load_directory(data_dir, today=TODAY)
    got = [str(w) for w in directory.warnings]
    assert got == [
        f"{data_dir}/units/bif.yaml:18: warning: enheden 'bif-ydelse' blev sidst kontrolleret "
        "2024-01-10, for mere end 12 måneder siden: tjek posten, og ret 'verified'",
        f"{data_dir}/units/sof.yaml:42: warning: nøglepersonen 'k-hue-1' (Jonas Test) har ingen "
        "stedfortræder: tilføj 'backup: <kontaktperson-id>' på den, der dækker ved fravær",
    ]
    assert all(w.severity is Severity.WARNING for w in directory.warnings)


def test_more_warnings(data_dir: Path) -> None:
    (data_dir / "units" / "stat.yaml").write_text(
        "units:\n  - id: stat-kif\n    name: KiF\n    department: sof\n    verified: 2027-01-01\n",
        encoding="utf-8",
    )
    (data_dir / "extra.yaml").write_text("units: []\n", encoding="utf-8")
    (data_dir / "units" / "old.yml").write_text("units: []\n", encoding="utf-8")
    result = validate_directory(data_dir, today=TODAY)
    assert result.ok, result.errors
    got = [str(w) for w in result.warnings]
    for want in [
        f"{data_dir}/extra.yaml:1: warning: læses ikke: datafilerne er departments.yaml, "
        "locations.yaml, synonyms.yaml, needs.yaml, referrals.yaml, units/<forvaltning>.yaml og "
        "referrals/<tema>.yaml",
        f"{data_dir}/units/old.yml:1: warning: læses ikke: datafiler ender på .yaml; omdøb den "
        "til old.yaml",
        f"{data_dir}/units/stat.yaml:2: warning: enheden 'stat-kif' har hverken telefon eller "
        "kontaktperson: tilføj et telefonnummer eller en kontaktperson, så medarbejderne kan få "
        "fat i den",
        f"{data_dir}/units/stat.yaml:4: warning: enheden 'stat-kif' hører til forvaltningen "
        "'sof', men står i stat.yaml: flyt den til units/sof.yaml",
        f"{data_dir}/units/stat.yaml:5: warning: enheden 'stat-kif' har 'verified' 2027-01-01, "
        "som ligger i fremtiden: skriv den dato, posten blev tjekket",
    ]:
        assert want in got, "\n".join(got)


def test_extension_keys_are_kept(data_dir: Path) -> None:
    path = data_dir / "units" / "stat.yaml"
    path.write_text(
        "x-owner-note: kept\nunits:\n  - id: stat-kif\n    name: KiF\n    department: stat\n"
        '    x-front-door: true\n    phones:\n      - number: "72 55 55 55"\n        x-note: '
        "hovednummer\n"
        "    verified: 2026-06-01\n",
        encoding="utf-8",
    )
    directory = load_directory(data_dir, today=TODAY)
    unit = directory.units["stat-kif"]
    assert unit.extensions == {"x-front-door": True}
    assert unit.phones[0].extensions == {"x-note": "hovednummer"}
    record = unit.to_record()
    assert record["x-front-door"] is True and record["phones"][0]["x-note"] == "hovednummer"
    assert "extensions" not in json.dumps(record)


def test_empty_and_comment_only_files(data_dir: Path) -> None:
    (data_dir / "synonyms.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (data_dir / "referrals").mkdir()
    (data_dir / "referrals" / "empty.yaml").write_text("referrals:\n", encoding="utf-8")
    directory = load_directory(data_dir, today=TODAY)
    assert directory.synonyms == []
    assert len(directory.referrals) == 6


def test_missing_departments_file(data_dir: Path) -> None:
    (data_dir / "departments.yaml").unlink()
    result = validate_directory(data_dir, today=TODAY)
    assert (
        f"{data_dir}/departments.yaml:1: departments.yaml mangler: hver datamappe skal have en "
        "med en liste under 'departments:'" in [str(p) for p in result.errors]
    )


def test_file_too_large(data_dir: Path) -> None:
    big = "synonyms:\n" + "  - [ord, ord]\n" * 400_000
    (data_dir / "synonyms.yaml").write_text(big, encoding="utf-8")
    result = validate_directory(data_dir, today=TODAY)
    assert [str(p) for p in result.errors] == [
        f"{data_dir}/synonyms.yaml:1: filen fylder 6,0 MB, over grænsen på 5 MB: del den op i "
        "mindre filer"
    ]


def test_python_tag_is_never_executed(data_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (data_dir / "synonyms.yaml").write_text(
        f'synonyms:\n  - !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8"
    )
    result = validate_directory(data_dir, today=TODAY)
    assert not result.ok
    assert not marker.exists()


def test_path_is_as_given(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data_dir.parent)
    (data_dir / "units" / "bif.yaml").write_text("units:\n  - id: X\n", encoding="utf-8")
    result = validate_directory("data", today=TODAY)
    assert any(str(p).startswith("data/units/bif.yaml:2: id: ") for p in result.errors)
    assert all(p.path.startswith("data/") for p in result.errors)


def test_the_commands_default_data_directory_is_landkort_data(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_env
) -> None:
    """The core takes the data directory as an argument; the edges pass `LANDKORT_DATA`."""
    from cli import main

    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    assert main(["validate", "--quiet"]) == 0
    assert capsys.readouterr().err.startswith("0 fejl, 2 advarsler; 3 forvaltninger, 6 enheder")


def _cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "directory", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_validate_ok(data_dir: Path) -> None:
    done = _cli("validate", str(data_dir))
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith(f"{data_dir}/units/bif.yaml:18: warning: ")
    assert done.stderr.startswith("0 fejl, 2 advarsler; 3 forvaltninger, ")


def test_cli_validate_errors_no_traceback(data_dir: Path) -> None:
    (CASES / "alias_bomb.yaml").read_bytes()
    (data_dir / "synonyms.yaml").write_bytes((CASES / "alias_bomb.yaml").read_bytes())
    (data_dir / "units" / "bif.yaml").write_bytes((CASES / "not_utf8.yaml").read_bytes())
    done = _cli("validate", str(data_dir))
    assert done.returncode == 1
    assert f"{data_dir}/synonyms.yaml:3: ankre og aliasser" in done.stdout
    assert f"{data_dir}/units/bif.yaml:5: filen er ikke UTF-8-tekst" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_cli_missing_directory(tmp_path: Path) -> None:
    done = _cli("validate", str(tmp_path / "nope"))
    assert done.returncode == 1
    assert done.stdout.strip() == (
        f"{tmp_path}/nope:1: datamappen '{tmp_path}/nope' findes ikke: skriv stien til en mappe "
        "med departments.yaml (eller sæt LANDKORT_DATA)"
    )


def test_cli_uses_landkort_data(data_dir: Path) -> None:
    done = _cli("validate", env={"LANDKORT_DATA": str(data_dir)})
    assert done.returncode == 0, done.stdout


def test_demo_data_validates_without_errors(in_repo: Path) -> None:
    result = validate_directory("data")
    assert result.errors == [], "\n".join(str(p) for p in result.errors[:20])
    directory = result.directory
    assert directory is not None
    municipal = {"sof", "bif", "buf", "suf", "tmf", "kff", "okf"}
    assert municipal <= set(directory.departments)
    assert len(directory.units) >= 80
    assert len(directory.locations) >= 40
    assert len(directory.referrals) >= 120
    assert directory.example_notice and "Eksempeldata" in directory.example_notice
    with_gatekeeper = sum(1 for u in directory.units.values() if u.gatekeepers)
    with_fast_track = sum(
        1 for u in directory.units.values() if any(p.kind is PhoneKind.FAST_TRACK for p in u.phones)
    )
    assert with_gatekeeper > len(directory.units) / 2
    assert with_fast_track > len(directory.units) / 2


YAML_TEXT = st.text(
    alphabet=st.sampled_from(list("abc-_:[]{},&*!|>'\"#%@`\n\t 019.~?<=yesnoåæø\\")), max_size=200
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=YAML_TEXT,
    kind=st.sampled_from(
        ["departments.yaml", "units/sof.yaml", "locations.yaml", "referrals.yaml", "synonyms.yaml"]
    ),
)
def test_arbitrary_yaml_never_crashes(text: str, kind: str, data_dir: Path) -> None:
    (data_dir / kind).write_text(text, encoding="utf-8")
    try:
        load_directory(data_dir, today=TODAY)
    except DirectoryError as exc:
        assert all(p.line >= 1 and p.message for p in exc.problems)


@settings(max_examples=200, deadline=None)
@given(text=YAML_TEXT)
def test_yaml_tree_raises_only_yaml_problems(text: str) -> None:
    from directory.loading.yamltree import YamlProblem

    try:
        parse_text(text)
    except YamlProblem as exc:
        assert exc.line >= 1
