"""The access file and the roles it gives a signed-in user (directory.access)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from directory.access import (
    NO_ACCESS_FILE,
    PUBLIC,
    AccessFileError,
    Viewer,
    load_access,
    viewer_from_claims,
)

ACCESS = """
    claim: groups
    staff: [kk-medarbejdere]
    coordinators:
      sof: [kk-sof-redaktion]
      bif: [kk-bif-redaktion]
    managers: [kk-ledere]
    admins: [kk-landkort-admin]
    public: true
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def rules(tmp_path: Path):
    return load_access(_write(tmp_path, ACCESS))


def test_the_issue_example_is_read(rules) -> None:
    assert rules.configured and rules.public and rules.claim == "groups"
    assert rules.staff == {"kk-medarbejdere"}
    assert dict(rules.coordinators) == {"sof": {"kk-sof-redaktion"}, "bif": {"kk-bif-redaktion"}}
    assert rules.managers == {"kk-ledere"} and rules.admins == {"kk-landkort-admin"}


def test_no_file_means_no_rules() -> None:
    assert load_access(None) is NO_ACCESS_FILE and not NO_ACCESS_FILE.configured


@pytest.mark.parametrize(
    ("groups", "staff", "coordinator_of", "manager", "admin"),
    [
        ([], False, set(), False, False),
        (["andet"], False, set(), False, False),
        (["kk-medarbejdere"], True, set(), False, False),
        (["kk-sof-redaktion"], True, {"sof"}, False, False),
        (["kk-sof-redaktion", "kk-bif-redaktion"], True, {"sof", "bif"}, False, False),
        (["kk-ledere"], True, set(), True, False),
        (["kk-landkort-admin"], True, set(), False, True),
        ("kk-medarbejdere", True, set(), False, False),  # a single group as a string
    ],
)
def test_roles_from_groups(rules, groups, staff, coordinator_of, manager, admin) -> None:
    viewer = viewer_from_claims({"name": "Ida", "email": "ida@kk.dk", "groups": groups}, rules)
    assert (viewer.signed_in, viewer.name, viewer.email) == (True, "Ida", "ida@kk.dk")
    assert (viewer.staff, set(viewer.coordinator_of), viewer.manager, viewer.admin) == (
        staff,
        coordinator_of,
        manager,
        admin,
    )


def test_other_claim_name(tmp_path: Path) -> None:
    rules = load_access(_write(tmp_path, "claim: roles\nstaff: [medarbejder]\n"))
    assert viewer_from_claims({"roles": ["medarbejder"], "groups": []}, rules).staff
    assert not viewer_from_claims({"groups": ["medarbejder"]}, rules).staff


def test_without_the_file_every_signed_in_user_is_staff_and_nobody_coordinates() -> None:
    viewer = viewer_from_claims({"preferred_username": "ida@kk.dk"}, NO_ACCESS_FILE)
    assert viewer.staff and viewer.signed_in and viewer.name == "ida@kk.dk"
    assert not viewer.is_coordinator and not viewer.can_edit("sof")


@pytest.mark.parametrize(
    ("viewer", "department", "allowed"),
    [
        (Viewer(staff=True, coordinator_of=frozenset({"sof"})), "sof", True),
        (Viewer(staff=True, coordinator_of=frozenset({"sof"})), "bif", False),
        (Viewer(staff=True, admin=True), "bif", True),
        (Viewer(staff=True), "sof", False),
        (PUBLIC, "sof", False),
    ],
)
def test_can_edit(viewer: Viewer, department: str, allowed: bool) -> None:
    assert viewer.can_edit(department) is allowed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- a\n- b\n",
            "1: adgangsfilen skal være nøgler og værdier (claim:, staff:, …), "
            "se README om adgangsfilen",
        ),
        (
            "staff: [a]\nrolle: [b]\n",
            "2: ukendt nøgle 'rolle': brug claim, staff, coordinators, managers, admins, public",
        ),
        (
            "claim: groups\nstaff: kk-medarbejdere\n",
            "2: 'staff' skal være en liste af gruppenavne, fx [kk-ledere]",
        ),
        (
            "coordinators:\n  sof: [a]\n  bif: b\n",
            "3: 'coordinators.bif' skal være en liste af gruppenavne, fx [kk-ledere]",
        ),
        (
            "coordinators: [a]\n",
            "1: 'coordinators' skal have en forvaltnings-id pr. linje med en liste af grupper, "
            "fx sof: [kk-sof-redaktion]",
        ),
        ("staff: [a]\npublic: ja\n", "2: 'public' skal være true eller false"),
        ("claim: ''\n", "1: 'claim' skal være navnet på ID-tokenets claim med grupper, fx groups"),
        (
            "staff: [a]\nadmins: [b]\nstaff: [c]\n",
            "3: nøglen 'staff' står to gange: slet den ene, eller slå dem sammen",
        ),
        (
            "staff: [a\nadmins: [b]\n",
            "2: YAML-syntaksfejl: en liste i [ ] bliver ikke lukket: skriv ']' til sidst og "
            "komma mellem punkterne (se README om adgangsfilen)",
        ),
    ],
)
def test_bad_access_file_says_where_and_how_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(AccessFileError) as err:
        load_access(path)
    assert str(err.value) == f"{path}:{message}"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "findes-ikke.yaml"
    with pytest.raises(AccessFileError) as err:
        load_access(path)
    assert str(err.value) == (
        f"{path}:1: adgangsfilen kan ikke læses (findes ikke): "
        "ret stien i LANDKORT_ACCESS, eller fjern indstillingen"
    )


def test_empty_file_is_configured_with_no_groups(tmp_path: Path) -> None:
    rules = load_access(_write(tmp_path, "# tom\n"))
    assert rules.configured and not rules.public
    assert not viewer_from_claims({"groups": ["kk-medarbejdere"]}, rules).staff


def test_the_shipped_sign_in_example_and_make_run_are_safe() -> None:
    import tomllib

    from conftest import ROOT

    auth = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text("utf-8"))["auth"]
    assert set(auth) == {
        "redirect_uri",
        "cookie_secret",
        "client_id",
        "client_secret",
        "server_metadata_url",
    }
    assert auth["redirect_uri"].endswith("/oauth2callback")
    assert auth["server_metadata_url"].startswith("https://login.microsoftonline.com/")
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text("utf-8").splitlines()
    makefile = (ROOT / "Makefile").read_text("utf-8")
    run = [line for line in makefile.splitlines() if "streamlit run" in line]
    assert len(run) == 1 and "--server.address 127.0.0.1" in run[0]
    assert "127.0.0.1:$(PORT)" in run[0] and "PORT ?= 8501" in makefile.splitlines()
