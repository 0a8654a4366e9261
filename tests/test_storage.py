"""The state database (directory.storage) on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from directory.access import PUBLIC, Viewer
from directory.storage import (
    RECENT_SEARCHES,
    StorageError,
    is_sensitive,
    normalise_query,
    open_storage,
    user_key,
)
from directory.storage.db import Storage, close_all
from testkit.pg_support import run_writers

TODAY = dt.date(2026, 11, 29)


def test_migrations_create_every_table_and_run_twice(db_url: str) -> None:
    storage = open_storage(db_url)
    tables = set(inspect(storage.engine).get_table_names())
    assert {
        "reports",
        "pins",
        "recent_searches",
        "zero_hits",
        "missing_words",
        "legacy_imports",
        "reminders",
    } <= tables
    assert "alembic_version" in tables
    Storage(db_url).migrate()  # a second server starting: nothing to do, nothing lost
    with storage.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"


def test_the_migrations_build_exactly_the_models(db_url: str) -> None:
    """Alembic's autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from directory.storage.models import Base

    storage = open_storage(db_url)
    with storage.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_an_old_database_is_migrated_from_0001_keeping_its_rows(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from directory.storage.db import _MIGRATIONS

    storage = Storage(db_url)
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with storage.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO legacy_imports (source, size, mtime_ns, lines, imported, skipped, at)"
                " VALUES ('/old/reports.jsonl', 10, '1', 2, 1, 1, '2026-11-01 10:00:00')"
            )
        )
        connection.commit()
    storage.migrate()
    with storage.read() as session:
        row = session.execute(text("SELECT kind, skipped FROM legacy_imports")).one()
        assert tuple(row) == ("reports", 1)
    storage.dispose()


def test_sqlite_default_is_a_wal_file_under_var(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from directory.settings import load

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LANDKORT_DB")
    storage = open_storage(load().db)
    assert storage.url == "sqlite:///var/landkort.db"
    assert (tmp_path / "var" / "landkort.db").is_file()
    with storage.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "not a url",
            "LANDKORT_DB='not a url' er ikke en database-URL: skriv fx sqlite:///var/landkort.db "
            "eller postgresql+psycopg://bruger:adgangskode@vært/landkort",
        ),
        (
            "mysql://u@h/db",
            "LANDKORT_DB: databasen 'mysql' kan ikke bruges: skriv "
            "sqlite:///sti/til/fil.db eller postgresql+psycopg://…",
        ),
        (
            "postgresql+psycopg2://u@h/db",
            "LANDKORT_DB: brug driveren psycopg: postgresql+psycopg://… (ikke postgresql+psycopg2)",
        ),
    ],
)
def test_bad_urls_name_the_fix(url: str, message: str) -> None:
    with pytest.raises(StorageError) as info:
        open_storage(url)
    assert str(info.value) == message


def test_unreachable_server_is_a_clear_error() -> None:
    from testkit.browser_support import free_port

    url = f"postgresql+psycopg://landkort:hemmelig@127.0.0.1:{free_port()}/x"
    with pytest.raises(StorageError) as info:
        open_storage(url)
    message = str(info.value)
    assert message.startswith("LANDKORT_DB=postgresql+psycopg://landkort:***@127.0.0.1:")
    assert ": databasen kan ikke nås (" in message
    assert message.endswith("tjek, at serveren kører, og at URL, bruger og adgangskode er rigtige")
    assert "hemmelig" not in message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "sqlite+pysqlcipher:///{tmp}/x.db",
            "databasens driver mangler (No module named 'pysqlcipher3'): "
            "installér requirements.txt",
        ),
        (
            "sqlite:///{tmp}/fil/state/landkort.db",
            "mappen til databasefilen kan ikke oprettes (en del af stien er ikke en mappe): "
            "sæt LANDKORT_DB til et sted, hvor der kan skrives",
        ),
    ],
    ids=["driver", "folder"],
)
def test_a_database_that_cannot_be_opened_says_why(tmp_path: Path, path: str, message: str) -> None:
    (tmp_path / "fil").write_text("x")  # a file where the folder should be
    url = path.format(tmp=tmp_path)
    with pytest.raises(StorageError) as info:
        open_storage(url)
    assert str(info.value) == f"LANDKORT_DB={url}: {message}"


def test_pins_per_user(db_url: str) -> None:
    storage = open_storage(db_url)
    storage.pin("mette@kk.dk", "sof-bcv")
    storage.pin("mette@kk.dk", "bif-jku")
    storage.pin("mette@kk.dk", "sof-bcv")  # twice: one entry
    storage.pin("ali@kk.dk", "sof-dognvagt")
    assert storage.pins("mette@kk.dk") == ["sof-bcv", "bif-jku"]
    assert storage.pins("ali@kk.dk") == ["sof-dognvagt"]
    storage.unpin("mette@kk.dk", "sof-bcv")
    assert storage.pins("mette@kk.dk") == ["bif-jku"]
    assert storage.pins("nobody") == []


def test_recent_searches_keep_the_last_n_newest_first(db_url: str) -> None:
    storage = open_storage(db_url)
    start = dt.datetime(2026, 11, 29, 9, 0)
    for i in range(RECENT_SEARCHES + 3):
        storage.remember_search("mette", f"søgning {i}", at=start + dt.timedelta(minutes=i))
    storage.remember_search("mette", "søgning 0", at=start + dt.timedelta(hours=1))
    recent = storage.recent_searches("mette")
    assert len(recent) == RECENT_SEARCHES
    assert recent[0] == "søgning 0"
    assert recent[1:] == [f"søgning {i}" for i in range(RECENT_SEARCHES + 2, 3, -1)]
    assert storage.recent_searches("ali") == []
    storage.forget_searches("mette")
    assert storage.recent_searches("mette") == []


@pytest.mark.parametrize(
    "query",
    [
        "010190-1234",
        "0101901234",
        "cpr 010190 1234 hjemløs",
        "ring 33 99 10 01",
        "+45 33991001",
        "33.99.10.01",
        "３３９９１００１",  # full-width digits
        "mette@kk.dk",
        "mette＠kk.dk",  # full-width at sign
        "født 010190",
    ],
)
def test_sensitive_queries_are_never_stored(db_url: str, query: str) -> None:
    assert is_sensitive(query)
    storage = open_storage(db_url)
    assert storage.count_zero_hit(query, today=TODAY) is False
    assert storage.remember_search("mette", query) is False
    assert storage.zero_hits(today=TODAY) == []
    assert storage.recent_searches("mette") == []


@pytest.mark.parametrize("query", ["herberg 2200", "§ 85", "bolig til 18-årig", "JKU"])
def test_ordinary_queries_are_not_sensitive(query: str) -> None:
    assert not is_sensitive(query)


def test_zero_hits_count_per_normalised_query_and_expire(db_url: str) -> None:
    storage = open_storage(db_url)
    old = TODAY - dt.timedelta(days=91)
    assert storage.count_zero_hit("Husly  til HUND", today=TODAY)
    storage.count_zero_hit("husly til hund", today=TODAY)
    storage.count_zero_hit("husly til hund", today=TODAY - dt.timedelta(days=3))
    storage.count_zero_hit("gammel", today=old)
    with storage.read() as session:
        assert session.execute(text("SELECT count(*) FROM zero_hits")).scalar() == 3
    storage.count_zero_hit("ＪＫＵ x", today=TODAY)
    assert normalise_query("  ＪＫＵ   X ") == "jku x"
    assert storage.zero_hits(today=TODAY) == [
        ("husly til hund", 3, TODAY),
        ("jku x", 1, TODAY),
    ]
    assert storage.purge_zero_hits(today=TODAY) == 0  # the day's next count purged 'gammel'
    assert storage.zero_hits(today=TODAY, days=365) == [
        ("husly til hund", 3, TODAY),
        ("jku x", 1, TODAY),
    ]
    # a server running for months: the first count of a new day purges what is too old
    later = TODAY + dt.timedelta(days=88)
    storage.count_zero_hit("ny", today=later)
    assert [q for q, _, _ in storage.zero_hits(today=later, days=365)] == [
        "husly til hund",
        "jku x",
        "ny",
    ]
    storage.count_zero_hit("ny", today=TODAY + dt.timedelta(days=91))
    assert [q for q, _, _ in storage.zero_hits(today=TODAY + dt.timedelta(days=91), days=365)] == [
        "ny"
    ]


@pytest.mark.parametrize(
    ("viewer", "key"),
    [
        (Viewer(signed_in=True, name="Mette", email="Mette@KK.dk", staff=True), "mette@kk.dk"),
        (Viewer(signed_in=True, name="Mette", staff=True), "mette"),
        (Viewer(staff=True), "lokal"),
        (PUBLIC, None),
    ],
)
def test_user_key(viewer: Viewer, key: str | None) -> None:
    assert user_key(viewer) == key


def _hammer(url: str, worker: int) -> None:
    close_all()  # never share a parent's connections after fork
    storage = open_storage(url)
    for i in range(15):
        storage.pin(f"user-{worker}", f"unit-{i}")
        storage.count_zero_hit("fælles søgning", today=TODAY)
        storage.remember_search(f"user-{worker}", f"s {i}")


def test_concurrent_writers_from_several_processes_lose_nothing(db_url: str) -> None:
    open_storage(db_url)
    assert run_writers(_hammer, db_url) == [0, 0, 0, 0]
    storage = open_storage(db_url)
    assert [len(storage.pins(f"user-{w}")) for w in range(4)] == [15] * 4
    assert storage.zero_hits(today=TODAY) == [("fælles søgning", 60, TODAY)]
    assert all(len(storage.recent_searches(f"user-{w}")) == RECENT_SEARCHES for w in range(4))
