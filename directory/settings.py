"""Every setting of Kommunalt landkort, listed once with its default and meaning.

Settings are environment variables. Code reads them only through `get(NAME)`, so this table
is the one place to learn what can be set; `tests/test_docs.py` checks that each one is
documented in the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    meaning: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("LANDKORT_DATA", "data", "the data directory the app and the commands read"),
        Setting(
            "LANDKORT_REPORTS",
            "var/reports",
            "folder of an old `reports.jsonl` and `missing-words.jsonl` (before `LANDKORT_DB`): "
            "imported once into the database on first use, losing nothing",
        ),
        Setting(
            "LANDKORT_DB",
            "sqlite:///var/landkort.db",
            "database URL of the app's own state (reports, personal call lists, recent and "
            "zero-hit searches, words reported as missing); the default SQLite file in WAL "
            "mode needs no set-up; several "
            "app servers share one PostgreSQL: `postgresql+psycopg://user:password@host/landkort`",
        ),
        Setting(
            "LANDKORT_TILES",
            None,
            "map tile URL template of an intranet tile server, e.g. "
            "`https://kort.intra/{z}/{x}/{y}.png`; unset means a plain background and no "
            "tile requests",
        ),
        Setting("LANDKORT_TILES_ATTRIBUTION", None, "attribution text shown for those tiles"),
        Setting(
            "LANDKORT_CACHE",
            "var/cache",
            "folder of the disk cache of validated data (signed with a key made there, mode "
            "0600) and of the last version that validated; `off` disables it",
        ),
        Setting(
            "LANDKORT_ACCESS",
            None,
            "path of the access file that maps the identity token's groups to roles; "
            "unset: every signed-in user is staff and nobody is a coordinator",
        ),
        Setting(
            "LANDKORT_ALLOWED_HOSTS",
            None,
            "the host names the app answers to (its address in the browser), separated by "
            "commas, e.g. `landkort.intra.kk.dk`; `*.intra.kk.dk` for every subdomain, `*` for "
            "any; a request or WebSocket for another name is refused (DNS rebinding); unset: "
            "`localhost, 127.0.0.1, ::1` when the server is bound to loopback, else any name",
        ),
        Setting(
            "LANDKORT_COMMIT_URL",
            None,
            "link to a commit of the data repository, `{sha}` replaced by the commit id, e.g. "
            "`https://git.intra/landkort-data/commit/{sha}`; shown in the history and in "
            "reports closed by an edit; unset: the commit id alone",
        ),
        Setting(
            "LANDKORT_SMTP",
            "localhost:25",
            "the e-mail server `landkort remind` sends the owners' reminders through, as "
            "`host:port` (plain SMTP, no login: an intranet relay that accepts the app's mail)",
        ),
        Setting(
            "LANDKORT_MAIL_FROM",
            None,
            "the sender address of the reminders, e.g. `landkort@kk.dk`; `landkort remind` "
            "sends nothing without it",
        ),
        Setting(
            "LANDKORT_BASE_URL",
            None,
            "the app's address as staff open it, e.g. `https://landkort.intra.kk.dk`: the "
            "reminders link to `LANDKORT_BASE_URL/enhed?id=<id>`; `landkort remind` needs it",
        ),
    )
}


def get(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of setting `name`: the environment's (when not empty), else the default.

    `environ` replaces `os.environ` (tests pass a dict)."""
    setting = SETTINGS[name]  # KeyError: a setting that is not listed above
    env = os.environ if environ is None else environ
    return env.get(name) or setting.default
