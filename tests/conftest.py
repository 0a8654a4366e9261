"""Shared fixtures: a small, valid data directory written into tmp_path."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

# The packages are installed (`pip install -e .`, see the Makefile): no sys.path edits.
ROOT = Path(__file__).resolve().parent.parent

SMALL_DATA = {
    "departments.yaml": """
        x-example-data: "Eksempeldata til test"
        departments:
          - id: sof
            name: Socialforvaltningen
            short: SOF
            color: "#b2182b"
            phones:
              - number: "33 66 33 66"
          - id: bif
            name: Beskæftigelses- og Integrationsforvaltningen
            short: BIF
            color: "#2166ac"
          - id: stat
            name: Statslige myndigheder
            kind: external
            color: "#4d4d4d"
    """,
    "units/sof.yaml": """
        units:
          - id: sof-bcv
            name: Borgercenter Voksne
            department: sof
            description: Hjælp til udsatte voksne.
            target_groups: [hjemløse, udsatte voksne]
            age: {min: 18, max: 65}
            keywords: [BCV, herberg]
            locations: [matthaeusgade]
            hours: "Mo-Fr 09:00-15:00; PH off"
            phones:
              - number: "33 17 41 22"
              - number: "33 99 10 01"
                kind: fast_track
                label: Fagpersoner, udenom kø
            contacts:
              - id: k-bcv-1
                name: Mette Test
                role: gatekeeper
                areas: [hjemløshed]
                phones:
                  - number: "33 99 10 02"
                    kind: internal
                email: mette.test@eksempel.kk.dk
                backup: k-bcv-2
              - id: k-bcv-2
                name: Ali Test
                role: contact
            verified: 2026-09-01
            owner: Datakoordinator SOF
          - id: sof-hjemloese
            name: Hjemløse- og Udsatteenheden
            department: sof
            parent: sof-bcv
            description: Opsøgende arbejde og sagsbehandling for hjemløse.
            keywords: [hjemløs, gadeplan]
            locations: [matthaeusgade]
            phones:
              - number: "33 17 41 22"
                hours: "Mo-Fr 10:00-13:00; PH off"
            contacts:
              - id: k-hue-1
                name: Jonas Test
                role: gatekeeper
            verified: 2026-08-15
          - id: sof-dognvagt
            name: Døgnvagten
            department: sof
            hours: "24/7"
            locations: [aaboulevard]
            phones:
              - number: "33 17 33 33"
            verified: 2026-10-01
    """,
    "units/bif.yaml": """
        units:
          - id: bif-jku
            name: Jobcenter København Ungecenter
            department: bif
            age: {max: 29}
            keywords: [JKU, ungecenter]
            locations: [skelbaekgade]
            hours: "Mo-Th 09:00-15:00; Fr 09:00-14:00; PH off"
            phones:
              - number: "33 99 20 01"
                kind: fast_track
            verified: 2026-07-01
          - id: bif-ydelse
            name: Ydelsesservice København
            department: bif
            phones:
              - number: "82 56 40 00"
            verified: 2024-01-10
    """,
    "units/stat.yaml": """
        units:
          - id: stat-kif
            name: Kriminalforsorgen København
            department: stat
            phones:
              - number: "72 55 55 55"
            verified: 2026-06-01
    """,
    "locations.yaml": """
        locations:
          - id: matthaeusgade
            name: Socialcenter København
            address: {street: Matthæusgade 1, postal_code: "1666", city: København V}
            lat: 55.6705
            lon: 12.5530
            hours: "Mo-Fr 09:00-15:00; PH off"
          - id: aaboulevard
            name: Døgnvagten, Åboulevard
            address: {street: Åboulevard 38, postal_code: "2200", city: København N}
            lat: 55.6850
            lon: 12.5485
            hours: "24/7"
          - id: skelbaekgade
            name: Jobcenter Skelbækgade
            address: {street: Skelbækgade 4, postal_code: "1717", city: København V}
            lat: 55.6665
            lon: 12.5475
    """,
    "referrals.yaml": """
        referrals:
          - from: stat-kif
            to: sof-bcv
            needs: [løsladelse, bolig]
            requires: [samtykke fra borgeren]
            verified: 2026-05-01
          - from: sof-bcv
            to: sof-hjemloese
            needs: [hjemløshed]
          - from: sof-hjemloese
            to: sof-bcv
            needs: [bostøtte]
          - from: bif-jku
            to: sof-bcv
            needs: [misbrug]
          - from: sof-bcv
            to: bif-ydelse
            needs: [kontanthjælp]
          - from: sof-dognvagt
            to: sof-hjemloese
            needs: [akut husly]
    """,
    "synonyms.yaml": """
        synonyms:
          - [hjemløs, hjemløshed, herberg]
          - [JKU, Ungecenter]
    """,
}


def write_data(root: Path, files: dict[str, str]) -> Path:
    """Write data files (dedented) under root; a value of None deletes the file."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def loopback_server():
    """AppTest runs as `make run` does: bound to 127.0.0.1, no sign-in, so the staff view.

    Tests of other viewers use `as_viewer` (below) or set `server.address` themselves."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


def pytest_configure(config: pytest.Config) -> None:
    """No test reads the outer environment's settings or writes the repository's `var/`:
    every `LANDKORT_*` variable is dropped, and the app's own state (disk cache, database,
    old logs) points at a folder of this test process. The core takes every setting as an
    argument; a test that runs the app or a command as a whole uses `app_env` (below) for
    state of its own."""
    import os
    import shutil
    import tempfile

    for name in [n for n in os.environ if n.upper().startswith("LANDKORT_")]:
        del os.environ[name]
    folder = Path(tempfile.mkdtemp(prefix="landkort-tests-"))
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ["LANDKORT_CACHE"] = str(folder / "cache")
    os.environ["LANDKORT_DB"] = f"sqlite:///{folder / 'state' / 'landkort.db'}"
    os.environ["LANDKORT_REPORTS"] = str(folder / "reports")


# The slow lanes by the fixtures a test uses (pyproject.toml registers the markers; files
# that are one kind throughout say so with `pytestmark`): `make test-fast` leaves them out.
FIXTURE_LANES = {
    "postgres": "postgres",  # a throwaway PostgreSQL cluster (db_url's "postgresql" too)
    "big_data_dir": "scale",  # 10,000 generated units
    "big_directory": "scale",
    "synth_3k": "scale",  # 3,000 generated units behind a page
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            lane = FIXTURE_LANES.get(fixture)
            if lane is not None:
                item.add_marker(lane)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Every test's state databases are closed after it (the engines are cached per URL)."""
    import sys

    db = sys.modules.get("directory.storage.db")
    if db is not None:
        db.close_all()


@dataclass(frozen=True)
class AppEnv:
    """The settings of the app's own state for one test (see `app_env`)."""

    cache: Path
    db: str
    reports: Path


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """For a test that runs the app (AppTest, a server) or a command as a whole: its own
    disk cache, state database and old-log folder, set as `LANDKORT_CACHE`, `LANDKORT_DB`
    and `LANDKORT_REPORTS` (the edges read them)."""
    env = AppEnv(
        tmp_path / "cache", f"sqlite:///{tmp_path / 'state' / 'landkort.db'}", tmp_path / "reports"
    )
    monkeypatch.setenv("LANDKORT_CACHE", str(env.cache))
    monkeypatch.setenv("LANDKORT_DB", env.db)
    monkeypatch.setenv("LANDKORT_REPORTS", str(env.reports))
    return env


@pytest.fixture
def state_db(tmp_path: Path) -> str:
    """The URL of a fresh state database (an SQLite file in tmp_path), for tests that pass
    it to `open_storage` themselves."""
    return f"sqlite:///{tmp_path / 'state' / 'landkort.db'}"


@pytest.fixture
def storage(state_db: str):
    """A fresh state database, migrated (`directory.storage.open_storage`)."""
    from directory.storage import open_storage

    return open_storage(state_db)


def set_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime) -> None:
    """Set the one clock (`directory.rules.clock.instant`) to `at`; a naive `at` is
    Copenhagen wall-clock time. Every caller reads the clock through it."""
    from directory.rules import clock

    moment = at if at.tzinfo is not None else at.replace(tzinfo=clock.COPENHAGEN)
    monkeypatch.setattr(clock, "instant", lambda: moment.astimezone(dt.UTC))


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (see tests/pg_support.py)."""
    from testkit.pg_support import PostgresCluster

    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty state database on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'param' / 'landkort.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A small valid data directory (3 departments, 6 units, 3 locations, 6 referrals)."""
    return write_data(tmp_path / "data", SMALL_DATA)


@pytest.fixture
def small_directory(data_dir: Path):
    from directory import load_directory

    return load_directory(data_dir)


@pytest.fixture
def demo_data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the repository as the current directory."""
    monkeypatch.chdir(ROOT)
    return ROOT


ACCESS_FILE = """\
claim: groups
staff: [kk-medarbejdere]
coordinators:
  sof: [kk-sof-redaktion]
  bif: [kk-bif-redaktion]
managers: [kk-ledere]
admins: [kk-landkort-admin]
"""
# A sign-in set up as in .streamlit/secrets.toml.example (AppTest never calls the provider).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "landkort",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
# Who looks, for `app_test(..., viewer=NAME)`: (server address, sign-in set up, public:
# true in the access file, ID-token claims or None for a visitor who is not signed in).
VIEWERS: dict[str, tuple[str, bool, bool, dict | None]] = {
    "local": ("127.0.0.1", False, False, None),  # `make run`: staff, no sign-in
    "network": ("0.0.0.0", False, False, None),  # no sign-in on the network: public
    "signed_out": ("0.0.0.0", True, True, None),  # sign-in set up, `public: true`: public
    "signed_out_closed": ("0.0.0.0", True, False, None),  # sign-in set up: sign-in page
    "staff": ("0.0.0.0", True, False, {"name": "Sofie Staff", "groups": ["kk-medarbejdere"]}),
    "sof_coordinator": (
        "0.0.0.0",
        True,
        False,
        {"name": "Søren SOF", "email": "soeren@kk.dk", "groups": ["kk-sof-redaktion"]},
    ),
    "bif_coordinator": ("0.0.0.0", True, False, {"name": "Bo BIF", "groups": ["kk-bif-redaktion"]}),
    "admin": ("0.0.0.0", True, False, {"name": "Ada Admin", "groups": ["kk-landkort-admin"]}),
}


def as_viewer(at, viewer: str, tmp: Path, monkeypatch: pytest.MonkeyPatch):
    """Set up AppTest `at` so that the run sees VIEWERS[viewer]; returns `at`."""
    from streamlit import config

    address, auth, public, claims = VIEWERS[viewer]
    config.set_option("server.address", address)  # the autouse fixture restores it
    if auth:
        access = tmp / "access.yaml"
        access.write_text(ACCESS_FILE + f"public: {str(public).lower()}\n", encoding="utf-8")
        monkeypatch.setenv("LANDKORT_ACCESS", str(access))
        at.secrets["auth"] = dict(AUTH)
        at.user = {"is_logged_in": claims is not None, **(claims or {})}
    return at


def app_test(
    page: str,
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    viewer: str = "local",
    **params: str,
):
    """Run the app on `data` at `page` (e.g. "pages/enhed.py") with query params, as one of
    VIEWERS; returns AppTest."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LANDKORT_DATA", str(data))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    as_viewer(at, viewer, data.parent, monkeypatch)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def synth_data_dir(factory: pytest.TempPathFactory, units: int, seed: int) -> Path:
    """A generated data directory of `units` units in a new temporary folder."""
    from directory.devtools.synth import synth_directory

    root = factory.mktemp(f"synth{units}") / "data"
    synth_directory(root, units, seed=seed)
    return root


@pytest.fixture(scope="session")
def big_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data directory of 10k units, written once per test session."""
    return synth_data_dir(tmp_path_factory, 10_000, seed=17)


@pytest.fixture(scope="session")
def big_directory(big_data_dir: Path):
    """The 10k-unit directory, loaded once per test session (about 15 s)."""
    from directory import load_directory

    return load_directory(big_data_dir)
