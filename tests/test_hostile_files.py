"""Hostile files in the data directory (issue 17): links out, devices, FIFOs, dangling links,
unreadable folders. Each case is refused with `path:1: message`, in bounded time, and its
contents never reach a message. (Cases that are YAML text are tiny files in tests/cases.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from directory import validate_directory

ROOT = Path(__file__).resolve().parent.parent

OUTSIDE = (
    "er et symbolsk link til en fil uden for datamappen, og den læses aldrig: "
    "kopiér filen ind i datamappen i stedet for at linke til den"
)
DANGLING = (
    "er et symbolsk link til en fil, der ikke findes: fjern linket, eller læg den rigtige fil her"
)
FIFO = (
    "er en FIFO (navngivet pipe), ikke en almindelig fil, og læses aldrig: "
    "datafiler skal være almindelige YAML-filer"
)
LINKED_FOLDER = "læses ikke: er et symbolsk link til en mappe; læg selve mappen i datamappen"


def _link_passwd(data: Path) -> str:
    (data / "units" / "x.yaml").symlink_to("/etc/passwd")
    return "units/x.yaml"


def _link_zero(data: Path) -> str:
    (data / "units" / "x.yaml").symlink_to("/dev/zero")
    return "units/x.yaml"


def _link_outside_relative(data: Path) -> str:
    (data.parent / "secret.yaml").write_text("units: []\n# hemmelig\n", encoding="utf-8")
    (data / "units" / "x.yaml").symlink_to("../../secret.yaml")
    return "units/x.yaml"


def _fifo(data: Path) -> str:
    os.mkfifo(data / "units" / "x.yaml")
    return "units/x.yaml"


def _dangling(data: Path) -> str:
    (data / "units" / "gone.yaml").symlink_to(data / "units" / "nowhere.yaml")
    return "units/gone.yaml"


def _linked_folder(data: Path) -> str:
    (data / "referrals").symlink_to("/etc")
    return "referrals"


CASES: list[tuple[str, Callable[[Path], str], str]] = [
    ("symlink_to_passwd", _link_passwd, OUTSIDE),
    ("symlink_to_dev_zero", _link_zero, OUTSIDE),
    ("relative_symlink_out", _link_outside_relative, OUTSIDE),
    ("fifo", _fifo, FIFO),
    ("dangling_symlink", _dangling, DANGLING),
    ("symlinked_folder", _linked_folder, LINKED_FOLDER),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_with_its_path(
    make: Callable[[Path], str], message: str, data_dir: Path
) -> None:
    rel = make(data_dir)
    # in a child process with a timeout: a FIFO or a device must not hang or grow memory
    done = subprocess.run(
        [sys.executable, "-m", "directory", "validate", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"{data_dir}/{rel}:1: {message}" in done.stdout.splitlines(), done.stdout
    assert "root:" not in done.stdout + done.stderr
    assert "hemmelig" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_symlink_inside_the_data_directory_is_read(data_dir: Path) -> None:
    (data_dir / "units" / "stat.yaml").rename(data_dir / "stat-real.txt")
    (data_dir / "units" / "stat.yaml").symlink_to(data_dir / "stat-real.txt")
    result = validate_directory(data_dir)
    assert result.ok, result.errors
    assert "stat-kif" in result.directory.units


@pytest.mark.usefixtures("app_env")
def test_editor_lock_file_is_skipped_and_pages_work(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emacs' lock file `units/.#bif.yaml` is a dangling link: it once took every page down."""
    from tests.conftest import app_test

    (data_dir / "units" / ".#bif.yaml").symlink_to("root@host.12345:1700000000")
    assert validate_directory(data_dir).ok
    import ui.serving

    assert all(".#" not in path for path, _, _ in ui.serving.fingerprint(str(data_dir)))
    at = app_test("pages/soeg.py", data_dir, monkeypatch)
    assert not at.exception
    assert not at.error


@pytest.mark.usefixtures("app_env")
def test_dangling_link_shows_a_message_on_the_pages(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import app_test

    _dangling(data_dir)
    at = app_test("pages/soeg.py", data_dir, monkeypatch)
    assert not at.exception
    assert at.error[0].value.startswith("Data kan ikke indlæses")
    assert DANGLING in at.code[0].value


def _without_root_powers(*args: str) -> subprocess.CompletedProcess[str]:
    """Run as root without the capabilities that let root read anything (chmod 000 then
    stops it as it stops any other user)."""
    caps = "-dac_override,-dac_read_search"
    return subprocess.run(
        ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="chmod 000 stops a normal user directly")
def test_setpriv_drops_root_read_powers(tmp_path: Path) -> None:
    """The helper below is what makes the unreadable cases real when the tests run as root."""
    secret = tmp_path / "secret"
    secret.write_text("x", encoding="utf-8")
    secret.chmod(0)
    done = _without_root_powers("-c", f"open({str(secret)!r}).read()")
    assert "PermissionError" in done.stderr


def _run_validate(data: Path) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        return _without_root_powers("-m", "directory", "validate", str(data))
    return subprocess.run(
        [sys.executable, "-m", "directory", "validate", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreadable_folder_is_an_error_with_its_path(data_dir: Path) -> None:
    units = data_dir / "units"
    units.chmod(0)
    try:
        done = _run_validate(data_dir)
    finally:
        units.chmod(0o755)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"{data_dir}/units:1: mappen kan ikke læses (ingen adgang): giv appens bruger læse- og "
        "søgeadgang til den (chmod a+rx), eller flyt den ud af datamappen"
    ) in done.stdout.splitlines(), done.stdout


def test_unreadable_file_is_an_error_with_its_path(data_dir: Path) -> None:
    bif = data_dir / "units" / "bif.yaml"
    bif.chmod(0)
    try:
        done = _run_validate(data_dir)
    finally:
        bif.chmod(0o644)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"{data_dir}/units/bif.yaml:1: filen kan ikke læses (ingen adgang): giv appens bruger "
        "læseadgang til den (chmod a+r)"
    ) in done.stdout.splitlines(), done.stdout


# -- the YAML reader on hostile text ---------------------------------------------------------

FIVE_MB = 5 * 1024 * 1024
NESTED = [
    ("flow_lists", "a: " + "[" * FIVE_MB),
    ("flow_mappings", "a: " + "{a: " * (FIVE_MB // 4)),
    ("flow_mixed", "a: " + "[{a: " * (FIVE_MB // 5)),
    ("flow_keys", "a: " + "[x: y, " * (FIVE_MB // 7)),
    ("block", "".join("  " * i + f"k{i}:\n" for i in range(2000))),
]


@pytest.mark.parametrize("text", [t for _, t in NESTED], ids=[n for n, _ in NESTED])
def test_deep_nesting_is_refused_fast(text: str) -> None:
    """Deeply nested flow lists took libyaml quadratic time (100k levels: 18 s)."""
    import time

    from directory.loading.yamltree import YamlProblem, parse_text

    start = time.perf_counter()
    with pytest.raises(YamlProblem) as info:
        parse_text(text[:FIVE_MB])
    assert time.perf_counter() - start < 2.0
    assert info.value.message in (
        "mere end 16 niveauer inden i hinanden: det har data aldrig brug for; tjek indrykningen "
        "og klammerne på denne linje",
        "en nøgle skal være almindelig tekst, ikke en liste eller nøgler",
    )


def test_duplicate_keys_are_listed_up_to_a_cap() -> None:
    from directory.loading.yamltree import MAX_PROBLEMS, parse_text

    parsed = parse_text("a: b\n" * 20_000)
    assert len(parsed.problems) == MAX_PROBLEMS + 1
    assert parsed.problems[-1] == (
        MAX_PROBLEMS + 2,
        f"flere nøgler, der står to gange, herfra (kun de første {MAX_PROBLEMS} vises): "
        "ret dem, og tjek igen",
    )


INVISIBLE = [
    (
        "bidi_override",
        "Borgercenter \u202eenoksneV",
        "U+202E (en tvungen højre-mod-venstre-retning)",
    ),
    ("bidi_isolate", "Borgercenter \u2066Voksne", "U+2066 (et tegn, der styrer tekstens retning)"),
    ("zero_width", "Borger\u200bcenter", "U+200B (et mellemrum uden bredde)"),
    ("escaped_bell", "Borger\\acenter", "U+0007 (et kontroltegn)"),
    ("escaped_nul", "Borger\\0center", "U+0000 (en NUL-byte)"),
    ("line_separator", "Borger\\Lcenter", "U+2028 (en linjeseparator)"),
    ("next_line", "Borger\\Ncenter", "U+0085 (et NEL-linjeskift)"),
]


@pytest.mark.parametrize(
    ("value", "what"), [c[1:] for c in INVISIBLE], ids=[c[0] for c in INVISIBLE]
)
def test_invisible_characters_are_warned_with_path_and_line(
    value: str, what: str, data_dir: Path
) -> None:
    path = data_dir / "units" / "stat.yaml"
    path.write_text(
        'units:\n  - id: stat-kif\n    name: "'
        + value
        + '"\n    department: stat\n    phones: [{number: "72 55 55 55"}]\n'
        + "    verified: 2026-06-01\n",
        encoding="utf-8",
    )
    result = validate_directory(data_dir)
    assert result.ok, result.errors
    assert (
        f"{path}:3: warning: indeholder {what}, som er usynligt eller vender teksten om på "
        "skærmen: slet det (skriv teksten omkring det igen)"
    ) in [str(w) for w in result.warnings]


@pytest.mark.usefixtures("app_env")
def test_data_error_page_names_files_inside_the_data_directory_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page shows the data errors; never the server's own path to the files."""
    from tests.conftest import app_test

    (data_dir / "units" / "bif.yaml").write_text(
        "units:\n  - id: sof-bcv\n    name: Dublet\n    department: bif\n"
        "    verified: 2026-01-01\n",
        encoding="utf-8",
    )
    at = app_test("pages/soeg.py", data_dir, monkeypatch)
    shown = at.code[0].value
    assert str(data_dir) not in shown
    assert (
        "units/sof.yaml:2: enheds-id'et 'sof-bcv' står to gange, første gang i "
        "units/bif.yaml:2: giv den ene af dem et andet id"
    ) in shown.splitlines()
