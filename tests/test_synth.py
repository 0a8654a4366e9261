"""The synthetic data generator: valid, deterministic, realistic in shape."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cli import main
from directory import validate_directory
from directory.devtools.synth import (
    ANCHOR,
    BOX_LAT,
    BOX_LON,
    VERIFIED_WITHIN_DAYS,
    synth_directory,
    synth_files,
)


@pytest.fixture(scope="module")
def synth300(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synth") / "data"
    return out, synth_directory(out, 300, seed=7)


@pytest.fixture(scope="module")
def validation300(synth300):
    return validate_directory(synth300[0], today=ANCHOR)


def test_300_units_validate_without_errors(validation300) -> None:
    assert validation300.errors == []
    assert validation300.directory is not None


def test_counts_match_the_issue(synth300, validation300) -> None:
    _, counts = synth300
    d = validation300.directory
    assert counts["units"] == len(d.units) == 300
    assert counts["locations"] == len(d.locations) == 150
    assert counts["referrals"] == len(d.referrals) == 900
    assert counts["contacts"] == len(d.contacts)
    assert 1.2 * 300 <= len(d.contacts) <= 1.8 * 300
    assert {"sof", "bif", "suf", "buf", "kff", "tmf", "okf"} <= set(d.departments)
    assert any(dep.kind == "external" for dep in d.departments.values())


def test_records_are_plausible(validation300) -> None:
    d = validation300.directory
    assert all(
        BOX_LAT[0] <= loc.lat <= BOX_LAT[1] and BOX_LON[0] <= loc.lon <= BOX_LON[1]
        for loc in d.locations.values()
    )
    pairs = [(r.from_, r.to) for r in d.referrals]
    assert len(set(pairs)) == len(pairs)
    assert all(r.from_ != r.to and r.needs for r in d.referrals)
    assert any(unit.parent for unit in d.units.values())
    assert sum(1 for unit in d.units.values() if unit.parent is None) >= 10
    gatekeepers = [c for c in d.contacts.values() if c.is_gatekeeper]
    assert gatekeepers and sum(1 for c in gatekeepers if c.backup) / len(gatekeepers) > 0.8
    assert any(p.kind == "fast_track" for unit in d.units.values() for p in unit.phones)
    assert any("hjemløs" in " ".join(unit.keywords) for unit in d.units.values())


def test_no_stale_or_future_dates_on_the_chosen_day(validation300) -> None:
    d = validation300.directory
    dates = [u.verified for u in d.units.values()] + [r.verified for r in d.referrals if r.verified]
    assert min(dates) >= ANCHOR - dt.timedelta(days=VERIFIED_WITHIN_DAYS)
    assert max(dates) <= ANCHOR
    assert not [w for w in validation300.warnings if "verified" in w.message]


def test_today_moves_the_dates() -> None:
    today = dt.date(2030, 1, 15)
    text = synth_files(20, seed=1, today=today)["units/sof.yaml"]
    dates = [
        dt.date.fromisoformat(line.split()[-1])
        for line in text.splitlines()
        if line.strip().startswith("verified:")
    ]
    assert dates and all(
        today - dt.timedelta(days=VERIFIED_WITHIN_DAYS) <= d <= today for d in dates
    )


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = synth_directory(tmp_path / "a", 120, seed=3)
    second = synth_directory(tmp_path / "b", 120, seed=3)
    assert first == second
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yaml"))
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_another_seed_gives_other_data() -> None:
    assert synth_files(50, seed=1)["units/sof.yaml"] != synth_files(50, seed=2)["units/sof.yaml"]


def test_every_string_is_quoted_so_yaml_reads_text(synth300) -> None:
    data = yaml.safe_load((synth300[0] / "units" / "sof.yaml").read_text(encoding="utf-8"))
    unit = data["units"][0]
    assert isinstance(unit["hours"], str) and isinstance(unit["phones"][0]["number"], str)
    assert isinstance(unit["verified"], dt.date)


def test_big_departments_are_split_into_files_named_after_their_department(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("directory.devtools.synth.MAX_UNITS_PER_FILE", 40)
    synth_directory(tmp_path / "data", 250, seed=2)
    result = validate_directory(tmp_path / "data", today=ANCHOR)
    assert result.errors == []
    assert "sof-omraade-2" in result.directory.departments
    counts = {}
    for unit in result.directory.units.values():
        assert Path(unit.source.path).stem == unit.department
        counts[unit.department] = counts.get(unit.department, 0) + 1
    assert max(counts.values()) <= 40
    assert not [w for w in result.warnings if "sits in" in w.message]


@pytest.mark.parametrize("units", [1, 2, 9])
def test_tiny_directories_are_valid(tmp_path: Path, units: int) -> None:
    counts = synth_directory(tmp_path / "data", units)
    result = validate_directory(tmp_path / "data", today=ANCHOR)
    assert result.errors == []
    assert len(result.directory.units) == units
    assert counts["referrals"] == min(3 * units, units * (units - 1))


def test_refuses_a_non_empty_folder_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(
        FileExistsError,
        match="er ikke tom: vælg en ny mappe, eller brug --force for at erstatte den",
    ):
        synth_directory(out, 5)
    synth_directory(out, 5, overwrite=True)
    assert not (out / "notes.txt").exists()
    assert (out / "departments.yaml").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no staging folder left behind


def test_cli_writes_and_summarises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["synth", str(tmp_path / "out"), "--units", "20", "--seed", "4"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"skrev {tmp_path / 'out'}: 10 forvaltninger, 20 enheder, ")
    assert "10 steder, 60 henvisninger i " in out


def test_cli_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text("", encoding="utf-8")
    code = main(["synth", str(tmp_path), "--units", "5"])
    assert code == 1
    assert capsys.readouterr().err == (
        f"fejl: {tmp_path} er ikke tom: vælg en ny mappe, eller brug --force for at erstatte den\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--units", "0"], "argumentet --units: skal være mindst 1, ikke 0"),
        (
            ["--units", "ti"],
            "argumentet --units: 'ti' er ikke et helt tal: skriv fx --units 1000",
        ),
        (
            ["--units", "5", "--today", "1/6"],
            "argumentet --today: '1/6' er ikke en dato: skriv den som ÅÅÅÅ-MM-DD, fx 2026-06-01",
        ),
    ],
)
def test_cli_rejects_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["synth", str(tmp_path / "out"), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_locations_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("directory.devtools.synth.MAX_LOCATIONS", 10)
    assert synth_files(100)["locations.yaml"].count("\n- id: ") == 10


@pytest.mark.parametrize(
    ("file", "marker", "per_file"),
    [
        ("units/sof.yaml", "\n- id: ", "MAX_UNITS_PER_FILE"),
        ("locations.yaml", "\n- id: ", "MAX_LOCATIONS"),
        ("referrals/synth-01.yaml", "\n- from: ", "REFERRALS_PER_FILE"),
    ],
)
def test_full_files_stay_under_the_size_limit(file: str, marker: str, per_file: str) -> None:
    """Average bytes per record here, times the most records a file gets, is under 5 MB."""
    import directory.devtools.synth as synth
    from directory.loading.yamltree import MAX_FILE_BYTES

    text = synth_files(400, seed=9)[file]
    per_record = len(text.encode("utf-8")) / text.count(marker)
    assert per_record * getattr(synth, per_file) < 0.95 * MAX_FILE_BYTES
