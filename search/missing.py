"""'Ordet mangler': a searcher's report that a word found nothing, for the synonym list.

`report_missing_word(query)` appends one line to `missing-words.jsonl` in the reports folder
(`LANDKORT_REPORTS`, default `var/reports`), next to the 'Meld en fejl' log and written the
same way (a file lock, one whole line, fsync):

    {"event": "missing_word", "query": "ludomani", "reported_at": "2026-11-29T22:10:00+01:00",
     "note": "spilleafhængighed"}                                   (note optional)

A coordinator reads the file with `read_missing_words()` and adds the words to
`synonyms.yaml` or a unit's keywords. A query that holds a CPR number is refused, so a
CPR number is never stored.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from directory.quality.reports import LOCK_TIMEOUT_S, reports_dir_from_env, timestamp

LOG_NAME = "missing-words.jsonl"
MAX_QUERY = 200
MAX_NOTE = 500
_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


def holds_cpr(text: str) -> bool:
    """Whether a text holds something shaped like a CPR number (ddmmyy-xxxx, ten digits)."""
    return bool(_CPR.search(text or ""))


class MissingWordError(ValueError):
    """A missing-word report that cannot be stored; the message names the fix."""


@dataclass(frozen=True, slots=True)
class MissingWord:
    query: str
    reported_at: str
    note: str | None = None


def _clean(value: str | None, what: str, limit: int) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise MissingWordError(
            f"{what} is {len(text)} characters long: shorten it to at most {limit}"
        )
    if holds_cpr(text):
        raise MissingWordError(f"{what} looks like it holds a CPR number: remove it and try again")
    return text


def report_missing_word(
    query: str,
    note: str | None = None,
    *,
    folder: str | os.PathLike[str] | None = None,
    at: dt.datetime | None = None,
) -> MissingWord:
    """Store that `query` found nothing (with the searcher's `note`, e.g. the word they meant)."""
    text = _clean(query, "the search", MAX_QUERY)
    if not text:
        raise MissingWordError("the search is empty: type the word that found nothing")
    extra = _clean(note, "the note", MAX_NOTE) or None
    report = MissingWord(text, timestamp(at), extra)
    event = {"event": "missing_word", "query": text, "reported_at": report.reported_at}
    if extra:
        event["note"] = extra
    root = Path(reports_dir_from_env(folder))
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOG_NAME
    data = (json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S):
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a torn last line: start afresh
                data = b"\n" + data
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    return report


def read_missing_words(folder: str | os.PathLike[str] | None = None) -> list[MissingWord]:
    """Every stored report, oldest first; torn or foreign lines are skipped."""
    path = Path(reports_dir_from_env(folder)) / LOG_NAME
    if not path.exists():
        return []
    out: list[MissingWord] = []
    for line in path.read_bytes().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("event") == "missing_word":
            out.append(MissingWord(event["query"], event["reported_at"], event.get("note")))
    return out
