"""`python -m directory path|loops|stats` on the small data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from tests.conftest import ROOT, SMALL_DATA, write_data

# These tests run the commands as a whole: a disk cache of their own each.
pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def env_data(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    return data_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "stdout"),
    [
        (["path", "stat-kif", "bif-ydelse"], "stat-kif -> sof-bcv -> bif-ydelse\n"),
        (["path", "sof-dognvagt", "sof-bcv"], "sof-dognvagt -> sof-hjemloese -> sof-bcv\n"),
        (["path", "sof-bcv", "sof-bcv"], "sof-bcv\n"),
        (["path", "stat-kif", "sof-bcv", "--need", "Bolig"], "stat-kif -> sof-bcv\n"),
        (["loops"], "sof-bcv -> sof-hjemloese -> sof-bcv\n"),
        (["loops", "--max-len", "1"], "sof-bcv -> sof-hjemloese -> sof-bcv\n"),
    ],
)
def test_output(env_data: Path, capsys, argv: list[str], stdout: str) -> None:
    code, out, _ = run(capsys, *argv)
    assert (code, out) == (0, stdout)


def test_loops_counts_them_on_stderr_in_danish(env_data: Path, capsys) -> None:
    assert run(capsys, "loops")[2] == "1 sløjfe på højst 4 enheder\n"
    assert run(capsys, "loops", "--max-len", "1")[2] == "1 sløjfe på højst 2 enheder\n"


def test_path_prints_alternatives_below(env_data: Path, capsys) -> None:
    extra = (
        SMALL_DATA["referrals.yaml"].rstrip(" ")
        + "          - {from: stat-kif, to: sof-hjemloese, needs: [husly]}\n"
    )
    write_data(env_data, {"referrals.yaml": extra})
    code, out, _ = run(capsys, "path", "stat-kif", "sof-hjemloese")
    assert code == 0
    assert out.splitlines() == ["stat-kif -> sof-hjemloese", "stat-kif -> sof-bcv -> sof-hjemloese"]
    code, out, _ = run(capsys, "path", "stat-kif", "sof-hjemloese", "-k", "1")
    assert out.splitlines() == ["stat-kif -> sof-hjemloese"]


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (
            ["path", "stat-kif", "sof-bvc"],
            "fejl: ingen enhed har id'et 'sof-bvc'; mente du 'sof-bcv'? Skriv et enheds-id, som "
            "det står i units/*.yaml.\n",
        ),
        (
            ["path", "kriminalforsorgen", "sof-bcv"],
            "fejl: ingen enhed har id'et 'kriminalforsorgen'; mente du 'stat-kif'? "
            "Skriv et enheds-id, som det står i units/*.yaml.\n",
        ),
        (
            ["path", "bif-ydelse", "stat-kif"],
            "fejl: ingen henvisningsvej fra 'bif-ydelse' til 'stat-kif': ingen kæde af "
            "henvisninger fører dertil. Skal borgerne sendes videre, så tilføj henvisningen i "
            "referrals.yaml.\n",
        ),
        (
            ["path", "stat-kif", "bif-ydelse", "--need", "job"],
            "fejl: ingen henvisningsvej med behovet 'job' fra 'stat-kif' til 'bif-ydelse': "
            "ingen kæde af henvisninger fører dertil. Skal borgerne sendes videre, så tilføj "
            "henvisningen i referrals.yaml.\n",
        ),
    ],
)
def test_path_errors(env_data: Path, capsys, argv: list[str], stderr: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", stderr)


@pytest.mark.parametrize("command", [["path", "a", "b"], ["loops"], ["stats"]])
def test_invalid_data_prints_problems_and_exits_1(
    data_dir: Path, monkeypatch, capsys, command
) -> None:
    write_data(
        data_dir,
        {"referrals.yaml": "referrals:\n  - from: stat-kif\n    to: nowhere\n    needs: [x]\n"},
    )
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    code, out, err = run(capsys, *command)
    lines = err.splitlines()
    assert code == 1 and out == ""
    assert lines[0].startswith(f"{data_dir / 'referrals.yaml'}:3: ")
    assert lines[-1] == (
        f"fejl: 1 fejl i data i {data_dir}: ret dem (se dem alle med "
        "`python -m directory validate`), og prøv igen"
    )
    assert "Traceback" not in err


def test_missing_data_dir(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LANDKORT_DATA", str(tmp_path / "nope"))
    code, _, err = run(capsys, "loops")
    assert code == 1
    assert err.splitlines()[0] == (
        f"{tmp_path / 'nope'}:1: datamappen '{tmp_path / 'nope'}' findes ikke: "
        "skriv stien til en mappe med departments.yaml (eller sæt LANDKORT_DATA)"
    )


def test_stats(env_data: Path, capsys) -> None:
    code, out, _ = run(capsys, "stats", "--top", "2")
    assert code == 0
    assert out.splitlines() == [
        "6 enheder, 6 henvisninger (6 enhedspar), 1 gensidigt par",
        "Indgange (Kontaktcenter, Borgerservice eller Jobcenter i navnet): bif-jku",
        "",
        "Knudepunkter (flest henvisninger ind og ud):",
        "  sof-bcv  ind 3  ud 2  mellemled 0.300  (Borgercenter Voksne)",
        "  sof-hjemloese  ind 2  ud 1  mellemled 0.100  (Hjemløse- og Udsatteenheden)",
        "",
        "Flaskehalse (flest korteste veje går igennem):",
        "  sof-bcv  ind 3  ud 2  mellemled 0.300  (Borgercenter Voksne)",
        "  sof-hjemloese  ind 2  ud 1  mellemled 0.100  (Hjemløse- og Udsatteenheden)",
        "",
        "Blindgyder (modtager henvisninger, henviser aldrig videre):",
        "  bif-ydelse  (Ydelsesservice København)",
        "",
        "Kan ikke nås fra indgangene:",
        "  sof-dognvagt  (Døgnvagten)",
        "  stat-kif  (Kriminalforsorgen København)",
        "",
        "Områder der hænger på én person (én nøgleperson uden stedfortræder):",
        "  (ingen)",
    ]


def test_stats_bus_factor_and_marked_front_doors(env_data: Path, capsys) -> None:
    units = SMALL_DATA["units/sof.yaml"].replace("                backup: k-bcv-2\n", "")
    units = units.replace(
        '            hours: "24/7"\n', '            hours: "24/7"\n            x-front-door: true\n'
    )
    write_data(env_data, {"units/sof.yaml": units})
    _, out, _ = run(capsys, "stats")
    assert "Indgange (x-front-door: true): sof-dognvagt" in out.splitlines()
    assert out.splitlines()[-1] == "  hjemløshed: k-bcv-1 (Mette Test, sof-bcv)"


def test_module_entry_point(data_dir: Path) -> None:
    env = {**os.environ, "LANDKORT_DATA": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "directory", "path", "stat-kif", "nope-unit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("fejl: ingen enhed har id'et 'nope-unit'")
