"""Every page in AppTest as each kind of viewer: what each one sees, and what not.

Everything a run sends to the browser is collected (every element's message, every table as
CSV, the map component's HTML, every download's bytes) and searched for the staff-only
values of the test data: the fast-track and internal numbers, the contacts' names and
e-mail. Public viewers must find none of them anywhere; staff find them where they belong.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import app_test
from google.protobuf import text_format
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from directory.quality.reports import ReportStore
from directory.storage import open_storage
from ui.auth import AUTH_BROKEN_DA
from ui.escape import md_escape

# These tests run the app (or a command) as a whole: its own state and disk cache each.
pytestmark = pytest.mark.usefixtures("app_env")

# Staff-only values of conftest.SMALL_DATA, as they would be written anywhere.
STAFF_ONLY = [
    "33 99 10 01",  # sof-bcv fast track
    "33991001",  # ... in a tel: link
    "33 99 10 02",  # Mette Test's internal number
    "33991002",
    "33 99 20 01",  # bif-jku fast track
    "33992001",
    "Mette Test",  # contacts
    "Ali Test",
    "Jonas Test",
    "mette.test",
]
# (page, query parameters): every page, with the links that show the most.
PAGES = [
    ("pages/soeg.py", {}),
    ("pages/soeg.py", {"q": "hjemløs"}),
    ("pages/soeg.py", {"q": "Mette Test"}),
    ("pages/soeg.py", {"q": "33 99 10 01"}),
    ("pages/enhed.py", {"id": "sof-bcv"}),
    ("pages/enhed.py", {"id": "bif-jku"}),
    ("pages/oversigt.py", {}),
    ("pages/oversigt.py", {"forvaltning": "sof"}),
    ("pages/henvisningsveje.py", {}),
    ("pages/henvisningsveje.py", {"enhed": "sof-bcv"}),
    ("pages/kort.py", {}),
    ("pages/kort.py", {"naer": "1666"}),
    ("pages/ringeliste.py", {"forvaltning": "sof"}),
    ("pages/ringeliste.py", {"forvaltning": "bif"}),
    ("pages/ringeliste.py", {"q": "hjemløs"}),
    ("pages/datakvalitet.py", {}),
]
PUBLIC_VIEWERS = ["network", "signed_out"]
STAFF_VIEWERS = ["local", "staff", "sof_coordinator"]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every file a run offers (downloads, images), as they are stored."""
    seen: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        seen.append(path_or_data if isinstance(path_or_data, bytes) else b"")
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def sent(at: AppTest, downloads: list[bytes]) -> str:
    """Everything the run would send to the browser, as text."""
    out: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        if isinstance(node, Dataframe):
            out.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    out += [d.decode("utf-8", "replace") for d in downloads]
    return "\n".join(out)


def _run(page: str, params: dict, viewer: str, data_dir: Path, monkeypatch) -> AppTest:
    ReportStore(storage=open_storage(os.environ["LANDKORT_DB"])).add(  # app_env's database
        "sof-bcv", "Mette Test har nyt nummer"
    )
    at = app_test(page, data_dir, monkeypatch, viewer=viewer, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("viewer", PUBLIC_VIEWERS)
@pytest.mark.parametrize(("page", "params"), PAGES)
def test_public_viewers_get_no_staff_only_value_on_any_page(
    page: str, params: dict, viewer: str, data_dir: Path, monkeypatch, downloads
) -> None:
    at = _run(page, params, viewer, data_dir, monkeypatch)
    text = sent(at, downloads)
    assert len(text) > 1000 or page == "pages/datakvalitet.py", "the page shows nothing?"
    if "q" in params:  # what the visitor typed is theirs: shown in the box and the headings
        text = text.replace(params["q"], "")
    found = [s for s in STAFF_ONLY if s in text]
    assert not found, f"{page} {params} as {viewer}: {found}"
    # no "Offentlig udgave" switch: the public version is all there is
    assert not [t for t in at.toggle if t.label == "Offentlig udgave"]
    assert "Kontakter som vCard" not in text


@pytest.mark.parametrize("viewer", STAFF_VIEWERS)
@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        (
            "pages/enhed.py",
            {"id": "sof-bcv"},
            ["33 99 10 01", "33 99 10 02", "Mette Test", "mette.test"],
        ),
        ("pages/enhed.py", {"id": "bif-jku"}, ["33 99 20 01"]),
        ("pages/soeg.py", {"q": "Mette Test"}, ["Mette Test", "33 99 10 02"]),
        ("pages/soeg.py", {"q": "hjemløs"}, ["33 99 10 01"]),
        (
            "pages/ringeliste.py",
            {"forvaltning": "sof"},
            ["33 99 10 01", "Mette Test", "Kontakter som vCard"],
        ),
        ("pages/datakvalitet.py", {}, ["Jonas Test", "Mette Test har nyt nummer"]),
    ],
)
def test_staff_see_the_staff_only_values(
    page: str,
    params: dict,
    expected: list[str],
    viewer: str,
    data_dir: Path,
    monkeypatch,
    downloads,
) -> None:
    text = sent(_run(page, params, viewer, data_dir, monkeypatch), downloads)
    assert [e for e in expected if e not in text] == []


def test_the_sidebar_names_the_signed_in_user_and_offers_log_ud(
    data_dir: Path, monkeypatch
) -> None:
    at = app_test("pages/soeg.py", data_dir, monkeypatch, viewer="sof_coordinator")
    assert [m.value for m in at.sidebar.markdown] == [":material/person: **Søren SOF**"]
    assert "Medarbejder · koordinator for SOF" in [c.value for c in at.sidebar.caption]
    assert [b.label for b in at.sidebar.button] == ["Log ud"]
    assert not at.warning


@pytest.mark.parametrize(
    ("viewer", "pages"),
    [
        (
            "local",
            [
                "Søg",
                "Borgerens situation",
                "Forvaltninger",
                "Henvisningsveje",
                "Behov",
                "Kort",
                "Ringelister og eksport",
                "Min ringeliste",
                "Datakvalitet",
            ],
        ),
        (
            "staff",
            [
                "Søg",
                "Borgerens situation",
                "Forvaltninger",
                "Henvisningsveje",
                "Behov",
                "Kort",
                "Ringelister og eksport",
                "Min ringeliste",
                "Datakvalitet",
            ],
        ),
        (
            "network",
            [
                "Søg",
                "Borgerens situation",
                "Forvaltninger",
                "Henvisningsveje",
                "Behov",
                "Kort",
                "Ringelister og eksport",
            ],
        ),
        (
            "signed_out",
            [
                "Søg",
                "Borgerens situation",
                "Forvaltninger",
                "Henvisningsveje",
                "Behov",
                "Kort",
                "Ringelister og eksport",
            ],
        ),
    ],
)
def test_datakvalitet_is_in_the_navigation_for_staff_only(
    viewer: str, pages: list[str], data_dir: Path, monkeypatch
) -> None:
    at = app_test("pages/soeg.py", data_dir, monkeypatch, viewer=viewer)
    registered = [p["page_name"] for p in at._registered_pages.values()]
    assert [p for p in registered if p != "Enhed"] == pages


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_signed_out_without_public_view_sees_only_the_sign_in_page(
    page: str, params: dict, data_dir: Path, monkeypatch, downloads
) -> None:
    at = _run(page, params, "signed_out_closed", data_dir, monkeypatch)
    assert [t.value for t in at.title] == ["Kommunalt landkort"]
    assert [b.label for b in at.button] == ["Log ind"]
    text = sent(at, downloads)
    for value in ("Borgercenter Voksne", "Socialforvaltningen", "33 17 41 22", *STAFF_ONLY):
        assert value not in text, value


def test_the_banner_without_sign_in_on_the_network(data_dir: Path, monkeypatch) -> None:
    at = app_test("pages/soeg.py", data_dir, monkeypatch, viewer="network")
    assert [w.value for w in at.warning] == [
        "Log ind er ikke sat op, og serveren kan nås fra netværket: du ser den offentlige "
        "udgave uden fast track-numre, interne numre og kontaktpersoner. Administrator: sæt "
        "log ind op i `.streamlit/secrets.toml` (se README, afsnittet »Sign-in and roles«), "
        "eller start serveren med `--server.address 127.0.0.1`."
    ]
    local = app_test("pages/soeg.py", data_dir, monkeypatch, viewer="local")
    assert not local.warning
    assert "Lokal udgave uden log ind (serveren lytter kun på denne maskine)." in [
        c.value for c in local.sidebar.caption
    ]


def test_a_broken_access_file_closes_the_app_with_the_fix(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    access = tmp_path / "access.yaml"
    access.write_text("staff: [a]\nrolle: [b]\n", encoding="utf-8")
    monkeypatch.setenv("LANDKORT_ACCESS", str(access))
    at = app_test("pages/soeg.py", data_dir, monkeypatch)
    assert not at.exception
    problem = (
        f"{access}:2: ukendt nøgle 'rolle': brug claim, staff, coordinators, managers, "
        "admins, public"
    )
    assert [e.value for e in at.error] == [
        "Adgangsfilen (LANDKORT_ACCESS) kan ikke bruges, så landkortet er lukket, indtil den "
        f"er rettet: {md_escape(problem)}"
    ]
    assert not at.title and not at.markdown  # nothing else


def test_sign_in_with_a_broken_auth_section_says_what_to_fix(data_dir: Path, monkeypatch) -> None:
    import streamlit as st
    from conftest import ROOT, as_viewer
    from streamlit.testing.v1 import AppTest

    def broken_login(provider: str | None = None) -> None:  # what st.login raises then
        raise st.errors.StreamlitAuthError("missing the cookie_secret key")

    monkeypatch.setattr(st, "login", broken_login)
    monkeypatch.setenv("LANDKORT_DATA", str(data_dir))
    at = as_viewer(
        AppTest.from_file(str(ROOT / "app.py")), "signed_out_closed", data_dir.parent, monkeypatch
    )
    at.run()
    at.button(key="log-ind").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [AUTH_BROKEN_DA]
    assert AUTH_BROKEN_DA.startswith("Log ind er ikke sat rigtigt op: `[auth]` i ")


def test_a_page_run_alone_still_needs_sign_in(data_dir: Path, monkeypatch) -> None:
    """Defence in depth: a page script that runs without app.py (Streamlit's old pages/
    discovery on a first deep link) shows the sign-in page, not data."""
    at = app_test("pages/enhed.py", data_dir, monkeypatch, viewer="signed_out_closed", id="sof-bcv")
    at.run()  # the second run of an AppTest runs the page file on its own
    assert [t.value for t in at.title] == ["Kommunalt landkort"]
    assert "Borgercenter Voksne" not in str([m.value for m in at.markdown])
