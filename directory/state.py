"""One door to the app's own state: reports, personal call lists, recent and zero-hit
searches, missing words.

The pages never talk to `directory.storage`, `directory.quality.reports` or
`directory.storage.missing` themselves; they ask an `AppState`. Every method either
returns, or raises one of two errors, whatever the table:

- `StateRefused` (`ReportError`, `MissingWordError`): the input cannot be stored (a CPR
  number, empty, too long, a duplicate, over a limit, not signed in); the Danish message is
  for the person who wrote it and names the fix;
- `StateUnavailable`: the database cannot be used now (down, full, set up wrong). Its
  message is the operator's detail (it names `LANDKORT_DB`, host and user; never the
  password): for the server log, never for a visitor.

The UI edge (`ui.state.attempt`) holds the one policy for both. The database is opened on
first use, so a page that needs no state never waits for it, and a database that is down
never stops the search or the editing of the YAML data.

    state = AppState(url, reports_folder=folder)  # the app passes LANDKORT_DB, _REPORTS
    state.pin("mette@kk.dk", "sof-bcv")
    state.file_report("sof-bcv", "Nummeret er skiftet", user="mette@kk.dk")
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from directory.quality.reports import (
    Report,
    ReportError,
    ReportLog,
    ReportProblem,
    ReportStore,
)
from directory.storage import STORAGE_ERRORS, StateRefused, Storage, open_storage
from directory.storage.missing import MissingWord, read_missing_words, report_missing_word

if TYPE_CHECKING:
    from directory.model import Directory

__all__ = ["AppState", "StateRefused", "StateUnavailable"]

P = ParamSpec("P")
T = TypeVar("T")

NOT_SIGNED_IN_DA = "Log ind for at melde en fejl."
# After the database failed to open, the next tries within this many seconds fail at once:
# a page with several reads does not wait for a server that is down several times over.
RETRY_AFTER_S = 10.0
_FAILED: dict[str, tuple[float, str]] = {}  # url -> (when it failed, why)


class StateUnavailable(RuntimeError):
    """The app's own state cannot be read or written now; the message is the operator's
    detail (for the server log)."""


def _door(method: Callable[P, T]) -> Callable[P, T]:
    """Every error of the database, whatever the table, leaves as `StateUnavailable`."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except StateRefused:
            raise
        except STORAGE_ERRORS as exc:
            raise StateUnavailable(f"{type(exc).__name__}: {exc}") from exc

    return guarded


class AppState:
    """The app's own state in the database of `url` (the app passes `LANDKORT_DB`); old
    JSON-lines files of `reports_folder` (`LANDKORT_REPORTS`; None: none) are imported on
    first use; a report closed by an edit links its commit with `commit_url_template`
    (`LANDKORT_COMMIT_URL`). `storage` replaces the database (tests)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        reports_folder: str | os.PathLike[str] | None = None,
        commit_url_template: str | None = None,
        storage: Storage | None = None,
    ) -> None:
        if url is None and storage is None:
            raise ValueError("AppState needs the database's URL (LANDKORT_DB) or a storage")
        self._url = url
        self._folder = reports_folder
        self._commit_url = commit_url_template
        self._opened = storage
        self._report_store: ReportStore | None = None

    def _storage(self) -> Storage:
        if self._opened is None:
            url = self._url or ""
            last = _FAILED.get(url)
            if last is not None and time.monotonic() - last[0] < RETRY_AFTER_S:
                raise StateUnavailable(f"{last[1]} (igen om højst {RETRY_AFTER_S:.0f} s)")
            try:
                self._opened = open_storage(url)
            except STORAGE_ERRORS as exc:
                _FAILED[url] = (time.monotonic(), f"{type(exc).__name__}: {exc}")
                raise
            _FAILED.pop(url, None)
        return self._opened

    @_door
    def reports(self) -> ReportStore:
        """The report store (for `directory.editing.close_fixed_reports`); prefer the
        methods below."""
        if self._report_store is None:
            self._report_store = ReportStore(self._folder, storage=self._storage())
        return self._report_store

    # -- Meld en fejl ---------------------------------------------------------------------
    @_door
    def file_report(
        self,
        unit_id: str,
        what: str,
        *,
        user: str | None,
        reporter: str | None = None,
        directory: Directory | None = None,
        at: dt.datetime | None = None,
    ) -> Report:
        """A new report by `user` (`directory.storage.user_key`: a signed-in user, or the
        staff view at this machine). None, the anonymous public view, may not file one."""
        if user is None:
            raise ReportError(ReportProblem.NOT_SIGNED_IN, NOT_SIGNED_IN_DA)
        return self.reports().add(
            unit_id, what, reporter=reporter, directory=directory, at=at, user=user
        )

    @_door
    def close_report(self, report_id: str, *, by: str, note: str = "") -> Report:
        return self.reports().close(report_id, by=by, note=note)

    @_door
    def close_fixed_reports(self, report_ids: Iterable[str], sha: str, by: str) -> list[Report]:
        """Close the reports an edit fixed, each with a note naming the commit."""
        from directory.editing.editor import close_fixed_reports

        return close_fixed_reports(
            self.reports(), report_ids, sha, by, commit_url_template=self._commit_url
        )

    @_door
    def open_reports(self) -> list[Report]:
        return self.reports().open_reports()

    @_door
    def report_log(self) -> ReportLog:
        return self.reports().read()

    # -- Min ringeliste -------------------------------------------------------------------
    @_door
    def pins(self, user: str) -> list[str]:
        return self._storage().pins(user)

    @_door
    def pin(self, user: str, unit_id: str) -> list[str]:
        """Pin a unit; returns the call list after it."""
        self._storage().pin(user, unit_id)
        return self._storage().pins(user)

    @_door
    def unpin(self, user: str, unit_id: str) -> list[str]:
        """Unpin a unit; returns the call list after it."""
        self._storage().unpin(user, unit_id)
        return self._storage().pins(user)

    # -- searches -------------------------------------------------------------------------
    @_door
    def record_search(self, query: str, *, found: int, user: str | None) -> None:
        """After a search: keep it among the user's recent searches (None: the public view
        keeps none), and count it when it found nothing. Personal data is never stored."""
        storage = self._storage()
        if user is not None:
            storage.remember_search(user, query)
        if not found:
            storage.count_zero_hit(query)

    @_door
    def recent_searches(self, user: str) -> list[str]:
        return self._storage().recent_searches(user)

    @_door
    def zero_hits(self) -> list[tuple[str, int, dt.date]]:
        return self._storage().zero_hits()

    # -- landkort remind -------------------------------------------------------------------
    @_door
    def last_reminders(self) -> dict[str, dt.date]:
        """Per owner address (key), the last day its reminder e-mail was sent."""
        from directory.storage import reminders

        return reminders.last_sent(self._storage())

    # -- Ordet mangler ---------------------------------------------------------------------
    @_door
    def report_missing_word(self, query: str, note: str | None = None) -> MissingWord:
        return report_missing_word(query, note, folder=self._folder, storage=self._storage())

    @_door
    def missing_words(self) -> list[MissingWord]:
        return read_missing_words(self._folder, storage=self._storage())
