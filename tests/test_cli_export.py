"""`python -m directory export json [--public]`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_data

from cli import main

# These tests run the commands as a whole: a disk cache of their own each.
pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def env_data(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    return data_dir


def test_export_json_prints_the_whole_directory(
    env_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert list(data) == ["departments", "units", "locations", "referrals", "synonyms", "needs"]
    assert [len(data[k]) for k in data] == [3, 6, 3, 6, 2, 0]
    assert "Beskæftigelses- og Integrationsforvaltningen" in out  # ensure_ascii=False
    assert '"kind": "fast_track"' in out and "mette.test@eksempel.kk.dk" in out


def test_export_json_public_leaves_out_staff_only_data(
    env_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "json", "--public"]) == 0
    out = capsys.readouterr().out
    for secret in (
        "33 99 10 01",
        "33 99 10 02",
        "33 99 20 01",
        "mette.test@eksempel.kk.dk",
        "Mette Test",  # no contacts at all in the public view
        "x-example-data",
    ):
        assert secret not in out
    assert "33 17 41 22" in out and "Hjemløse- og Udsatteenheden" in out


def test_invalid_data_lists_problems_and_exits_1(
    env_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_data(
        env_data,
        {
            "units/stat.yaml": (
                "units:\n  - id: stat-kif\n    name: X\n    department: nope\n"
                "    verified: 2026-01-01\n"
            )
        },
    )
    assert main(["export", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[-1] == (
        f"fejl: 1 fejl i data i {env_data}: ret dem (se dem alle med "
        "`python -m directory validate`), og prøv igen"
    )
    assert lines[0].startswith(f"{env_data / 'units' / 'stat.yaml'}:4: ")
    assert "Traceback" not in captured.err


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "csv"])
    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        "python -m directory export: fejl: argumentet format: ugyldigt valg: 'csv' (vælg mellem "
        "'json', 'hsds')\n"
    )


def test_module_entry_point(data_dir: Path) -> None:
    env = {**os.environ, "LANDKORT_DATA": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "directory", "export", "json", "--public"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["units"][0]["id"] == "bif-jku"
