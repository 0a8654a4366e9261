"""Old JSON-lines files from before the database, imported once, losing nothing.

Before `LANDKORT_DB`, the app appended its state to files in the folder `LANDKORT_REPORTS`
(default `var/reports`; the app passes the folder): `reports.jsonl` ('Meld en fejl',
`directory.quality.reports`) and `missing-words.jsonl` ('Ordet mangler',
`directory.storage.missing`). Each is imported when the app first uses that state; the
table `legacy_imports` records the file (path, size, mtime), so importing again does
nothing. The files themselves are left as they were.

- `kind='reports'`: the whole file is folded again when it changed (reports are matched by
  id, so nothing is counted twice).
- `kind='missing_words'`, an append-only log of counts: when the file grew, only the bytes
  after the part already imported are read; a file that shrank was replaced and is read
  whole.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from directory.rules import clock
from directory.storage.db import Storage
from directory.storage.models import LegacyImportRow

APPEND_ONLY = {"reports": False, "missing_words": True}


@dataclass(frozen=True)
class ImportResult:
    lines: int = 0
    imported: int = 0
    closed: int = 0
    skipped: int = 0
    already: bool = False


@dataclass(frozen=True)
class Folded:
    """What a file's fold did: rows added, rows changed (a report closed), lines skipped."""

    imported: int = 0
    changed: int = 0
    skipped: int = 0


def import_file(
    storage: Storage,
    path: str | os.PathLike[str],
    kind: str,
    fold: Callable[[Session, list[bytes]], Folded],
) -> ImportResult:
    """Import the file at `path` once per (file, size, mtime): `fold(session, lines)` writes
    its lines in the same transaction that records the import."""
    path = Path(path)
    try:
        stat = path.stat()
        raw = path.read_bytes()
    except FileNotFoundError:
        return ImportResult()
    source = str(path.resolve())
    with storage.write() as db:
        done = db.get(LegacyImportRow, source)
        if done is not None and (done.size, done.mtime_ns) == (stat.st_size, str(stat.st_mtime_ns)):
            return ImportResult(already=True)
        grown = APPEND_ONLY[kind] and done is not None and stat.st_size >= done.size
        start = done.size if grown and done is not None else 0
        if start and raw[start - 1 : start] != b"\n":  # the old end was a torn line
            start = raw.rfind(b"\n", 0, start) + 1
        lines = [line for line in raw[start:].split(b"\n") if line.strip()]
        folded = fold(db, lines)
        if done is None:
            done = LegacyImportRow(source=source, lines=0, imported=0, skipped=0)
            db.add(done)
        done.kind = kind
        done.size = stat.st_size
        done.mtime_ns = str(stat.st_mtime_ns)
        done.at = clock.utcnow()
        if grown:  # counts of the earlier part stay; this part adds to them
            done.lines += len(lines)
            done.imported += folded.imported
            done.skipped += folded.skipped
        else:
            done.lines, done.imported, done.skipped = len(lines), folded.imported, folded.skipped
    return ImportResult(len(lines), folded.imported, folded.changed, folded.skipped)


_IMPORTED: set[tuple[str, str]] = set()
_IMPORT_LOCK = threading.Lock()


def import_once(
    storage: Storage, path: Path, importer: Callable[[Storage, Path], ImportResult]
) -> None:
    """Run `importer(storage, path)` the first time this process uses that file with that
    database (a later change to the file is imported by the next process to start)."""
    key = (storage.url, str(path.resolve()))
    with _IMPORT_LOCK:
        if key not in _IMPORTED:
            importer(storage, path)
            _IMPORTED.add(key)
