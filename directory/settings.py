"""Every setting of Kommunalt landkort, listed once: one field of `Settings` each, with its
type, its default and its meaning (the field's description).

Settings are environment variables, `LANDKORT_` and the field's name in capitals
(`data` is `LANDKORT_DATA`); an empty variable counts as unset. Only the edges read them:
the app (`ui.serving.settings()`) and the command line (`cli.common.settings()`) call
`current()` and pass each value down as an argument. No other module of `directory/` or
`search/` reads the environment (`tests/test_settings.py` checks). `tests/test_docs.py`
checks that every field is in the README's settings table with its default.

A new setting is one more field below, and one more row in the README.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "LANDKORT_"
_OFF = {"off", "none", "0", "false", "no"}


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message (Danish) names it and the fix."""


class Settings(BaseSettings):
    """The settings of one process, as the edges read them (`current()`)."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="ignore"
    )

    data: str = Field("data", description="the data directory the app and the commands read")
    db: str = Field(
        "sqlite:///var/landkort.db",
        description=(
            "database URL of the app's own state (reports, personal call lists, recent and "
            "zero-hit searches, words reported as missing); the default SQLite file in WAL "
            "mode needs no set-up; several app servers share one PostgreSQL: "
            "`postgresql+psycopg://user:password@host/landkort`"
        ),
    )
    reports: str = Field(
        "var/reports",
        description=(
            "folder of an old `reports.jsonl` and `missing-words.jsonl` (before "
            "`LANDKORT_DB`): imported once into the database on first use, losing nothing"
        ),
    )
    tiles: str | None = Field(
        None,
        description=(
            "map tile URL template of an intranet tile server, e.g. "
            "`https://kort.intra/{z}/{x}/{y}.png`; unset means a plain background and no "
            "tile requests"
        ),
    )
    tiles_attribution: str | None = Field(
        None, description="attribution text shown for those tiles"
    )
    access: str | None = Field(
        None,
        description=(
            "path of the access file that maps the identity token's groups to roles; "
            "unset: every signed-in user is staff and nobody is a coordinator"
        ),
    )
    allowed_hosts: str | None = Field(
        None,
        description=(
            "the host names the app answers to (its address in the browser), separated by "
            "commas, e.g. `landkort.intra.kk.dk`; `*.intra.kk.dk` for every subdomain, `*` for "
            "any; a request or WebSocket for another name is refused (DNS rebinding); unset: "
            "`localhost, 127.0.0.1, ::1` when the server is bound to loopback, else any name"
        ),
    )
    commit_url: str | None = Field(
        None,
        description=(
            "link to a commit of the data repository, `{sha}` replaced by the commit id, "
            "e.g. `https://git.intra/landkort-data/commit/{sha}`; shown in the history and "
            "in reports closed by an edit; unset: the commit id alone"
        ),
    )
    cache: str = Field(
        "var/cache",
        description=(
            "folder of the disk cache of validated data (signed with a key made there, mode "
            "0600) and of the last version that validated; `off` disables it"
        ),
    )

    smtp: str = Field(
        "localhost:25",
        description=(
            "the e-mail server `landkort remind` sends the owners' reminders through, as "
            "`host:port` (plain SMTP, no login: an intranet relay that accepts the app's mail)"
        ),
    )
    mail_from: str | None = Field(
        None,
        description=(
            "the sender address of the reminders, e.g. `landkort@kk.dk`; `landkort remind` "
            "sends nothing without it"
        ),
    )
    base_url: str | None = Field(
        None,
        description=(
            "the app's address as staff open it, e.g. `https://landkort.intra.kk.dk`: the "
            "reminders link to `LANDKORT_BASE_URL/enhed?id=<id>`; `landkort remind` needs it"
        ),
    )

    @property
    def cache_dir(self) -> Path | None:
        """The disk cache's folder, or None when `LANDKORT_CACHE` is `off`."""
        if self.cache.strip().lower() in _OFF:
            return None
        return Path(self.cache)

    @classmethod
    def variables(cls) -> dict[str, FieldInfo]:
        """Every setting by its environment variable: `{"LANDKORT_DATA": field, ...}`."""
        return {variable(name): info for name, info in cls.model_fields.items()}


def variable(field: str) -> str:
    """The environment variable of a field: `data` -> `LANDKORT_DATA`."""
    return PREFIX + field.upper()


def load(model: type[Settings] = Settings) -> Settings:
    """The settings from the process environment; a value that does not fit its field's
    type raises `SettingsError` with the variable, the value and the fix (Danish)."""
    try:
        return model()
    except ValidationError as exc:
        raise SettingsError(_danish(exc, model)) from None


@functools.lru_cache(maxsize=8)
def _cached(snapshot: tuple[tuple[str, str], ...]) -> Settings:
    return load()


def current() -> Settings:
    """The settings, parsed once per distinct set of `LANDKORT_*` variables (a server's
    environment never changes; tests change it between runs of the app)."""
    snapshot = tuple(
        sorted((key, value) for key, value in os.environ.items() if key.upper().startswith(PREFIX))
    )
    return _cached(snapshot)


def _danish(exc: ValidationError, model: type[Settings]) -> str:
    """One line per bad value: `<variabel>='...' kan ikke bruges (...): ret værdien ...`
    (pydantic's own words in parentheses are the operator's detail)."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        info = model.model_fields.get(field)
        default = "ingen" if info is None or info.default is None else repr(info.default)
        lines.append(
            f"{variable(field)}={error.get('input')!r} kan ikke bruges ({error['msg']}): ret "
            f"værdien, eller fjern variablen for at bruge standardværdien ({default})"
        )
    return "\n".join(lines)
