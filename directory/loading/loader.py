"""Load and validate a data directory: every problem as `path:line: message`.

`validate_directory` never raises for bad data; it returns every error and warning it finds.
`load_directory` returns a `Directory` or raises one `DirectoryError` listing them all.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import gc
import os
import sys
import threading
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from directory.loading.cache import DiskCache, content_key, content_state, open_cache
from directory.loading.safefile import Overlay, UnsafeFile, os_reason, read_data_file
from directory.loading.yamltree import (
    Node,
    YamlProblem,
    YMap,
    YScalar,
    YSeq,
    line_at,
    node_at,
    parse_text,
    to_python,
)
from directory.model import (
    EMPTY_MESSAGE,
    FILE_KINDS,
    KINDS,
    Department,
    Directory,
    DirectoryError,
    Location,
    Need,
    Problem,
    Record,
    Referral,
    Severity,
    Unit,
    cut,
    excerpt,
    file_kind,
)
from directory.rules import clock
from directory.rules.areas import bydel_names, unknown_entry
from directory.rules.needs import check_vocabulary
from directory.rules.scrub import StaffNumbers, staff_numbers
from directory.rules.staleness import is_stale

# The end of the warning about a staff-only number in free text (after "key: nummeret N").
STAFF_NUMBER_IN_TEXT = (
    ", som kun er for medarbejdere, står i teksten; offentlige visninger og eksporter fjerner "
    "det: skriv det kun under 'phones' med kind fast_track eller internal"
)
_LINKED_FOLDER_MESSAGE = (
    "læses ikke: er et symbolsk link til en mappe; læg selve mappen i datamappen"
)


# The fields of `Directory` given to its constructor (its indexes are built from them).
_DIRECTORY_FIELDS = tuple(f.name for f in fields(Directory) if f.init)
_CACHE_SLICE = 4096  # records per pickled part of a cached result


@dataclass
class Validation:
    """The outcome of validating a data directory."""

    directory: Directory | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # A hash of the files' contents, the code and the day: equal versions, equal results.
    version: str = ""
    # Per file, when there are errors: (line, unit id) where each unit or referral starts.
    owners: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    # Per data file (relative path), a digest of the contents validated: what changed since.
    # Known in this process only (not in the disk cache: the key covers them there).
    files: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def unit_of(self, problem: Problem) -> str | None:
        """The unit a problem belongs to (a referral's: its 'from'), when it is in one."""
        starts = self.owners.get(problem.path, [])
        at = bisect.bisect_right(starts, (problem.line, "\uffff")) - 1
        return starts[at][1] if at >= 0 else None

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.errors + self.warnings, key=problem_order)

    @property
    def ok(self) -> bool:
        return not self.errors

    # -- the disk cache writes and reads a result in parts (see directory.loading.cache) --
    def cache_parts(self) -> Iterator[Any]:
        """This result as parts to pickle one at a time: first everything but the units
        and referrals, then those in slices of `_CACHE_SLICE` records."""
        directory = self.directory
        rest = None
        if directory is not None:
            rest = {
                name: getattr(directory, name)
                for name in _DIRECTORY_FIELDS
                if name not in ("units", "referrals")
            }
        yield (self.errors, self.warnings, self.version, self.owners, rest)
        if directory is None:
            return
        units = list(directory.units.values())
        for start in range(0, len(units), _CACHE_SLICE):
            yield ("units", units[start : start + _CACHE_SLICE])
        for start in range(0, len(directory.referrals), _CACHE_SLICE):
            yield ("referrals", directory.referrals[start : start + _CACHE_SLICE])

    @classmethod
    def from_cache_parts(cls, parts: Iterator[Any]) -> Validation:
        """The result `cache_parts` gave, rebuilt (the directory's indexes are made again).

        A referral's unit ids are made the same string objects as the units' own ids
        again: parts pickled apart would otherwise each bring their own copies."""
        errors, warnings, version, owners, rest = next(parts)
        result = cls(None, errors, warnings, version, owners)
        if rest is None:
            return result
        units: dict[str, Unit] = {}
        referrals: list[Referral] = []
        for kind, records in parts:
            if kind == "units":
                units.update((unit.id, unit) for unit in records)
                continue
            for referral in records:
                values = referral.__dict__  # equal strings, so nothing to validate again
                for key in ("from_", "to"):
                    unit = units.get(values[key])
                    if unit is not None:
                        values[key] = unit.id
            referrals += records
        result.directory = Directory(units=units, referrals=referrals, **rest)
        return result


def load_directory(
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Directory:
    """Load a data directory, or raise `DirectoryError` listing every problem."""
    result = validate_directory(path, today=today, cache_dir=cache_dir)
    if result.errors or result.directory is None:
        raise DirectoryError(result.errors, result.warnings)
    return result.directory


def validate_directory(
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    overlay: Overlay | None = None,
) -> Validation:
    """Validate a data directory; never raises for anything in the data.

    With `cache_dir` (the app and the commands pass `LANDKORT_CACHE`) an unchanged
    directory is read from the disk cache in that folder (see `directory.loading.cache`)
    and a new result is stored there; a result without errors becomes the directory's
    "last good" version (`last_good`). Without it nothing is cached.

    `overlay` validates a change before it is written: relative path -> the file's new
    text (None: the file is deleted); every other file is read from disk. Its result is
    looked up in the cache under the key of the contents with the change (the key the
    files will have once it is written), and never stored: `remember` stores it once
    the change is on disk."""
    root = os.fspath(path)
    today = today or clock.today()
    disk = open_cache(cache_dir)
    key, files = content_state(root, today, overlay) if os.path.isdir(root) else ("", {})
    if disk is not None and key:
        recent = _recent(root, key)
        if recent is not None:
            return recent
    # Reading (and unpickling) builds millions of small objects that are all kept; the
    # cyclic garbage collector would rescan them again and again (half the time at 10k).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if disk is not None and key:
            hit = disk.load(key)
            if isinstance(hit, Validation):
                hit.files = files
                if overlay is None:
                    _keep_recent(root, hit, today)
                return hit
            if overlay is None:
                patched = _patched(root, today, files)
                if patched is not None:
                    patched.version, patched.files = key, files
                    _keep_recent(root, patched, today)
                    _WRITER.put(disk, root, today, patched)
                    return patched
        result = _Checker(root, today, overlay).run()
    finally:
        if was_enabled:
            gc.enable()
    result.version, result.files = key, files
    if overlay is None and disk is not None:
        _store(disk, root, today, result)
        _keep_recent(root, result, today)
    return result


def _patched(root: str, today: dt.date, files: dict[str, str]) -> Validation | None:
    """The validation of the files now, made from the one this process kept of an earlier
    version of them (`directory.loading.incremental`), when only a few units or referrals
    files changed (a save on another app server, a `git pull`, a hand edit); None when
    that cannot be done."""
    with _RECENT_LOCK:
        day, recent = _RECENT_DAY.get(root), _RECENT.get(root)
    if recent is None or day != today or recent.directory is None or not recent.files:
        return None
    from directory.loading.incremental import patch_from  # it builds on this module

    return patch_from(root, today, recent, files)


def remember(
    path: str | os.PathLike[str],
    result: Validation,
    *,
    cache_dir: str | os.PathLike[str] | None,
    today: dt.date | None = None,
) -> None:
    """Keep a validation of the files as they are now (an overlay that has just been
    written): the next `validate_directory` in this process returns it at once, and it is
    written to the disk cache in `cache_dir` in the background (`flush_cache_writes` waits
    for that), so a restart finds it too."""
    disk = open_cache(cache_dir)
    if disk is None:
        return
    root = os.fspath(path)
    day = today or clock.today()
    _keep_recent(root, result, day)
    _WRITER.put(disk, root, day, result)


# -- the newest validation of each data directory, kept in this process --------------------
# A save (directory.editing) validates only what it changed against this; the page after
# the save, and the next save, find the new version here instead of re-reading the disk
# cache (seconds at 50,000 units). One entry per data directory: the objects are the ones
# the app holds anyway.
_RECENT: dict[str, Validation] = {}
_RECENT_DAY: dict[str, dt.date] = {}  # the day each was made for (its warnings' day)
_RECENT_LOCK = threading.Lock()


def _recent(root: str, key: str) -> Validation | None:
    with _RECENT_LOCK:
        hit = _RECENT.get(root)
    return hit if hit is not None and hit.version == key else None


def _keep_recent(root: str, result: Validation, today: dt.date) -> None:
    if result.version:
        with _RECENT_LOCK:
            _RECENT[root] = result
            _RECENT_DAY[root] = today


def forget_recent() -> None:
    """Drop the validations kept in this process (tests; a changed `LANDKORT_CACHE`)."""
    with _RECENT_LOCK:
        _RECENT.clear()
        _RECENT_DAY.clear()


class _BackgroundWriter:
    """Writes kept validations to the disk cache in one background thread. Each one's key
    was made from exactly the contents it validated (a save's change, a patch that checked
    what it read), so it is written even when the files have moved on since; of several
    waiting for one data directory, the newest is written, and before it the newest that
    validated (it becomes the last good version). The thread is not a daemon: a command
    that saved an edit writes its cache entry before the process ends."""

    def __init__(self) -> None:
        self._pending: dict[str, list[tuple[DiskCache, dt.date, Validation]]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def put(self, disk: DiskCache, root: str, today: dt.date, result: Validation) -> None:
        with self._lock:
            self._pending.setdefault(root, []).append((disk, today, result))
            self._idle.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="landkort-cache-writer", daemon=False
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    self._idle.set()
                    return
                root, waiting = self._pending.popitem()
            newest = waiting[-1]
            good = next((w for w in reversed(waiting) if w[2].directory is not None), None)
            for disk, today, result in ([good] if good and good is not newest else []) + [newest]:
                try:
                    _store(disk, root, today, result, check=False)
                except Exception as exc:  # a cache entry is never worth a crash
                    print(f"landkort: cachen blev ikke skrevet ({exc})", file=sys.stderr)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every kept validation is written; False on timeout."""
        return self._idle.wait(timeout)


_WRITER = _BackgroundWriter()


def flush_cache_writes(timeout: float | None = None) -> bool:
    """Wait for the disk-cache writes `remember` started (True when none is left)."""
    return _WRITER.flush(timeout)


def _store(
    disk: DiskCache, root: str, today: dt.date, result: Validation, *, check: bool = True
) -> None:
    # Stored only when the files did not change while they were read (`check`: the key
    # was made before they were read).
    key = result.version
    if not key or (check and content_key(root, today) != key):
        return
    try:
        disk.store(key, result)
        if result.directory is not None:
            disk.mark_last_good(root, key)
        else:
            disk.prune()
    except OSError as exc:
        print(f"landkort: cachen blev ikke skrevet ({os_reason(exc)})", file=sys.stderr)


def last_good(
    path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None
) -> Validation | None:
    """The newest cached result of this data directory that validated (read from the disk
    cache in `cache_dir`, not re-parsed), or None when there is none for this version of
    the code (or no cache)."""
    disk = open_cache(cache_dir)
    if disk is None:
        return None
    flush_cache_writes()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        hit = disk.last_good(os.fspath(path))
    finally:
        if was_enabled:
            gc.enable()
    return hit if isinstance(hit, Validation) and hit.directory is not None else None


def classify(rel: str) -> str | None:
    """The file kind for a path relative to the data directory, or None if not read."""
    return file_kind(rel)


def problem_order(problem: Problem) -> tuple[str, int, int]:
    return (problem.path, problem.line, 0 if problem.severity is Severity.ERROR else 1)


class Suggestions:
    """'Did you mean' over a vocabulary built once: each unknown word costs one C-speed
    pass of rapidfuzz (about a millisecond at 10k ids), not a difflib scan in Python
    (0.8 s per word at 10k units). Ties go to the greatest word, as with difflib."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(words, reverse=True)

    def hint(self, word: str) -> str:
        match = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=60)
        return f"; mente du {excerpt(match[0])}?" if match else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    return Suggestions(choices).hint(word)


@dataclass(slots=True)
class _Item:
    """One record read from a file, while it is validated."""

    kind: str
    path: str
    node: YMap


class _UnitRefs(NamedTuple):
    """What the cross-reference check reads of a unit, kept after its parse tree is freed
    (one small tuple a unit: memory at 50k units). A value is None when it is not text;
    `locations` holds (index, id, line), `backups` (backup, line) of its contacts."""

    path: str
    line: int
    id: str | None
    stem: str
    department: str | None
    department_line: int
    parent: str | None
    parent_line: int
    locations: tuple[tuple[int, str, int], ...]
    backups: tuple[tuple[str, int], ...]
    service_area: tuple[tuple[int, str, int], ...] = ()


class _ReferralRefs(NamedTuple):
    """What the cross-reference check reads of a referral (see `_UnitRefs`)."""

    path: str
    line: int
    from_: str | None
    from_line: int
    to: str | None
    to_line: int


class _Checker:
    def __init__(self, root: str, today: dt.date, overlay: Overlay | None = None) -> None:
        self.root = root
        self.today = today
        self.overlay = overlay or {}  # files read from memory, not disk (None: deleted)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.unit_refs: list[_UnitRefs] = []
        self.referral_refs: list[_ReferralRefs] = []
        self.models: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        self.seen: dict[str, dict[str, tuple[str, int]]] = {
            kind: {} for kind in (*KINDS, "contacts")
        }
        self._positions: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.synonyms: list[list[str]] = []
        self.meta: dict[str, Any] = {}
        self.unreadable: set[str] = set()  # kinds with a file that could not be read at all
        self.suggestions: dict[str, Suggestions] = {}  # per id vocabulary ('where' it is)

    # -- reporting -------------------------------------------------------------------
    def error(self, path: str, line: int, message: str) -> None:
        self.errors.append(Problem(path, line, message))

    def warn(self, path: str, line: int, message: str) -> None:
        self.warnings.append(Problem(path, line, message, Severity.WARNING))

    def show(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    # -- the run -----------------------------------------------------------------------
    def run(self) -> Validation:
        base = Path(self.root)
        if not base.exists():
            self.error(
                self.root,
                1,
                f"datamappen {self.root!r} findes ikke: skriv stien til en mappe med "
                "departments.yaml (eller sæt LANDKORT_DATA)",
            )
            return Validation(None, self.errors, self.warnings)
        if not base.is_dir():
            self.error(
                self.root,
                1,
                "er ikke en mappe: skriv stien til en datamappe med departments.yaml",
            )
            return Validation(None, self.errors, self.warnings)
        try:
            files = self._discover(base)
        except OSError as exc:
            self.error(self.root, 1, f"datamappen kan ikke læses ({os_reason(exc)})")
            return Validation(None, self.errors, self.warnings)
        if "departments.yaml" not in files:
            self.error(
                self.show("departments.yaml"),
                1,
                "departments.yaml mangler: hver datamappe skal have en med en liste under "
                "'departments:'",
            )
        for rel, kind in sorted(files.items()):
            self._read_file(base, rel, kind)
        directory = self._cross_check(self.models)
        self.errors.sort(key=problem_order)
        self.warnings.sort(key=problem_order)
        owners = self._owners() if self.errors else {}
        return Validation(
            None if self.errors else directory, self.errors, self.warnings, owners=owners
        )

    def _owners(self) -> dict[str, list[tuple[int, str]]]:
        """Per file, (line, unit id) where each unit or referral (its 'from') starts."""
        owners: dict[str, list[tuple[int, str]]] = {}
        starts = [(r.path, r.line, r.id) for r in self.unit_refs]
        starts += [(r.path, r.line, r.from_) for r in self.referral_refs]
        for path, line, owner in starts:
            if owner:
                owners.setdefault(path, []).append((line, owner))
        return owners

    def _discover(self, base: Path) -> dict[str, str]:
        files: dict[str, str] = {}

        def unreadable_folder(exc: OSError) -> None:
            rel = Path(exc.filename).relative_to(base).as_posix() if exc.filename else "."
            self.error(
                self.show(rel),
                1,
                f"mappen kan ikke læses ({os_reason(exc)}): giv appens bruger læse- og "
                "søgeadgang til den (chmod a+rx), eller flyt den ud af datamappen",
            )

        for dirpath, dirnames, filenames in os.walk(base, onerror=unreadable_folder):
            for name in [d for d in dirnames if not d.startswith(".")]:
                if os.path.islink(os.path.join(dirpath, name)):
                    rel = Path(dirpath, name).relative_to(base).as_posix()
                    self.error(self.show(rel), 1, _LINKED_FOLDER_MESSAGE)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # hidden files are editors' lock and backup files (`.#bif.yaml`): never read
            for name in sorted(n for n in filenames if not n.startswith(".")):
                full = Path(dirpath, name)
                rel = full.relative_to(base).as_posix()
                if name.endswith(".yml"):
                    self.warn(
                        self.show(rel),
                        1,
                        f"læses ikke: datafiler ender på .yaml; omdøb den til {name[:-4]}.yaml",
                    )
                elif name.endswith(".yaml"):
                    kind = classify(rel)
                    if kind is None:
                        self.warn(
                            self.show(rel),
                            1,
                            "læses ikke: datafilerne er departments.yaml, locations.yaml, "
                            "synonyms.yaml, needs.yaml, referrals.yaml, "
                            "units/<forvaltning>.yaml og referrals/<tema>.yaml",
                        )
                    else:
                        files[rel] = kind
        for rel, text in self.overlay.items():
            kind = classify(rel)
            if text is None:
                files.pop(rel, None)
            elif kind is not None:
                files[rel] = kind
        return files

    def _read_file(self, base: Path, rel: str, kind: str) -> None:
        path = self.show(rel)
        try:
            raw = read_data_file(base, rel, self.overlay)
        except UnsafeFile as exc:
            self.unreadable.add(kind)
            self.error(path, 1, exc.message)
            return
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            self.unreadable.add(kind)
            self.error(
                path,
                line,
                "filen er ikke UTF-8-tekst: gem den som UTF-8 i din editor (byten "
                f"0x{raw[exc.start]:02x} kan ikke læses; ofte er filen gemt som "
                "Latin-1/Windows-1252)",
            )
            return
        try:
            parsed = parse_text(text)
        except YamlProblem as exc:
            self.error(path, exc.line, exc.message)
            self.unreadable.add(kind)
            return
        for line, message in parsed.problems:
            self.error(path, line, message)
        for line, message in parsed.warnings:
            self.warn(path, line, message)
        self._read_top(path, rel, kind, parsed.root)

    def _read_top(self, path: str, rel: str, kind: str, root: Node | None) -> None:
        if root is None:
            return
        if not isinstance(root, YMap):
            what = "en liste" if isinstance(root, YSeq) else f"værdien {excerpt(root.raw)}"
            self.error(
                path,
                root.line,
                f"øverst i filen skal nøglen '{kind}:' stå, men filen er {what}: skriv "
                f"'{kind}:' på første linje, og ryk posterne ind under den",
            )
            return
        for key, extension in root.items.items():
            if key.startswith("x-"):
                if kind == "departments":
                    self.meta[key] = _plain(extension)
                continue
            if key != kind:
                self.error(
                    path,
                    root.key_lines[key],
                    f"ukendt nøgle øverst i filen {excerpt(key)}: filen må kun have '{kind}:' "
                    f"(og nøgler, der begynder med 'x-'){did_you_mean(key, [kind])}",
                )
        value = root.items.get(kind)
        if value is None or (isinstance(value, YScalar) and value.kind == "null"):
            return
        if not isinstance(value, YSeq):
            self.error(
                path,
                value.line,
                f"'{kind}' skal være en liste: begynd hver post med '- ' på sin egen linje",
            )
            return
        if kind == "synonyms":
            self._read_synonyms(path, value)
            return
        stem = Path(rel).stem
        for item in value.items:
            if not isinstance(item, YMap):
                self.error(
                    path,
                    item.line,
                    f"hver post under '{kind}' skal bestå af nøgler (som 'id:' og 'name:'), "
                    "ikke en enkelt værdi",
                )
                continue
            self._validate_item(_Item(kind, path, item))
            if kind == "units":
                self.unit_refs.append(_unit_refs(path, item, stem))
            elif kind == "referrals":
                self.referral_refs.append(_referral_refs(path, item))

    def _read_synonyms(self, path: str, value: YSeq) -> None:
        for group in value.items:
            if not isinstance(group, YSeq):
                self.error(
                    path,
                    group.line,
                    "hver synonymgruppe skal være en liste af ord, fx - [udsættelse, fogedsag]",
                )
                continue
            words: list[str] = []
            for word in group.items:
                if isinstance(word, YScalar) and word.kind == "str" and word.value.strip():
                    words.append(word.value)
                elif isinstance(word, YScalar):
                    self.error(path, word.line, _not_text_message("synonym", word))
                else:
                    self.error(
                        path,
                        word.line,
                        "et synonym skal være et ord eller et udtryk, ikke en liste eller nøgler",
                    )
            if len(words) == 1 and len(group.items) == 1:
                self.warn(
                    path,
                    group.line,
                    f"synonymgruppen [{words[0]}] har kun ét ord: tilføj de ord, der betyder "
                    "det samme",
                )
            if words:
                self.synonyms.append(words)

    # -- records ------------------------------------------------------------------------
    def _check_record_ids(self, item: _Item) -> None:
        """The record's id, and a unit's contacts' ids, against the ids seen so far."""
        self._check_id(item.kind, item, self.seen)
        if item.kind == "units":
            contacts = item.node.items.get("contacts")
            if isinstance(contacts, YSeq):
                for contact in contacts.items:
                    if isinstance(contact, YMap):
                        self._check_id("contacts", _Item("contacts", item.path, contact), self.seen)

    def _validate_item(self, item: _Item) -> None:
        """Validate one record as soon as its file is read (the caller keeps only what the
        cross-reference check needs, so the parse trees of big files can be freed)."""
        kind = item.kind
        model_cls = KINDS[kind]
        position = self._positions[kind]
        self._positions[kind] = position + 1
        self._check_record_ids(item)
        data, bad_keys = _record_data(item.node, model_cls, ())
        for loc, key, line in bad_keys:
            self.error(item.path, line, _unknown_key_message(model_cls, loc, key))
        try:
            model = model_cls.model_validate(data)
        except ValidationError as exc:
            for line, message in _translate(exc, item.node, model_cls):
                self.error(item.path, line, message)
            model = None
        if model is not None and not bad_keys:
            _attach_sources(model, item.node, item.path)
            key = (
                str(position)
                if kind == "referrals"
                else getattr(model, "id", None) or str(position)
            )
            self.models[kind].setdefault(key, model)

    def _check_id(
        self, kind: str, item: _Item, seen: dict[str, dict[str, tuple[str, int]]]
    ) -> None:
        if kind == "referrals":
            return
        node = item.node.items.get("id")
        if not isinstance(node, YScalar) or node.kind != "str":
            return
        word = "kontaktperson-id" if kind == "contacts" else f"{FILE_KINDS[kind].word}s-id"
        where = (
            " (en kontaktpersons id skal være unikt på tværs af alle enheder)"
            if kind == "contacts"
            else ""
        )
        first = seen[kind].get(node.value)
        if first is not None:
            self.error(
                item.path,
                node.line,
                f"{word}'et {node.value!r} står to gange, første gang i "
                f"{first[0]}:{first[1]}{where}: giv den ene af dem et andet id",
            )
        else:
            seen[kind][node.value] = (item.path, node.line)

    # -- cross-references ----------------------------------------------------------------
    def _cross_check(self, models: dict[str, dict[str, Record]]) -> Directory:
        departments: dict[str, Department] = typing.cast(
            dict[str, Department], models["departments"]
        )
        units: dict[str, Unit] = typing.cast(dict[str, Unit], models["units"])
        locations: dict[str, Location] = typing.cast(dict[str, Location], models["locations"])
        referrals = [typing.cast(Referral, m) for m in models["referrals"].values()]
        known = {kind: set(ids) for kind, ids in self.seen.items()}
        parents: dict[str, tuple[str, str, int]] = {}
        for refs in self.unit_refs:
            self._check_unit_refs(refs, known)
            unit_id, parent = refs.id, refs.parent
            if parent not in (None, unit_id) and unit_id is not None and unit_id not in parents:
                parents[unit_id] = (str(parent), refs.path, refs.parent_line)
        for ref in self.referral_refs:
            for key, value, line in (
                ("from", ref.from_, ref.from_line),
                ("to", ref.to, ref.to_line),
            ):
                if value is not None:
                    self._ref(
                        ref.path,
                        line,
                        key,
                        value,
                        known["units"],
                        "units/*.yaml",
                    )
        self._check_parent_cycles(parents)
        self._warnings(units, referrals)
        needs = [typing.cast(Need, m) for m in models["needs"].values()]
        for finding in check_vocabulary(needs, units.values(), referrals):
            report = self.error if finding.severity is Severity.ERROR else self.warn
            report(finding.path, finding.line, finding.message)
        directory = Directory(
            departments=departments,
            units=units,
            locations=locations,
            referrals=referrals,
            synonyms=self.synonyms,
            warnings=self.warnings,
            data_dir=self.root,
            meta=self.meta,
            needs=needs,
        )
        self._staff_numbers_in_text(directory)
        return directory

    def _staff_numbers_in_text(self, directory: Directory) -> None:
        """Warn where free text quotes a staff-only number (public views scrub it)."""
        records: list[Record] = [
            *directory.departments.values(),
            *directory.units.values(),
            *directory.locations.values(),
            *directory.referrals,
        ]
        self._staff_number_warnings(staff_numbers(directory), records)

    def _staff_number_warnings(self, numbers: StaffNumbers, records: Iterable[Record]) -> None:
        if not numbers.secret:
            return
        for record in records:
            for key, number in numbers.in_record(record):
                self.warn(
                    record.source.path,
                    record.source.line_of(key),
                    f"{key}: nummeret {number}{STAFF_NUMBER_IN_TEXT}",
                )

    def _ref(
        self, path: str, line: int, field_name: str, value: str, ids: set[str], where: str
    ) -> None:
        if value in ids:
            return
        word = {"department": "forvaltningen", "backup": "kontaktpersonen"}.get(
            field_name, "enheden"
        )
        if field_name.startswith("locations"):
            word = "stedet"
        source_kind = {"forvaltningen": "departments", "stedet": "locations"}.get(word, "units")
        if source_kind in self.unreadable:
            return  # the id may be in the file that could not be read; that error is reported
        self.error(
            path,
            line,
            f"{field_name}: {word} {excerpt(value)} findes ikke"
            f"{self._suggest(where, ids).hint(value)} (id'erne står i {where})",
        )

    def _check_unit_refs(self, refs: _UnitRefs, known: dict[str, set[str]]) -> None:
        """One unit's references: its department, parent, locations, service area and its
        contacts' backups (`known`: the ids of each kind)."""
        path, unit_id, department = refs.path, refs.id, refs.department
        if department is not None:
            self._ref(
                path,
                refs.department_line,
                "department",
                department,
                known["departments"],
                "departments.yaml",
            )
            if department in known["departments"] and refs.stem != department:
                self.warn(
                    path,
                    refs.department_line,
                    f"enheden {unit_id!r} hører til forvaltningen {department!r}, men står i "
                    f"{refs.stem}.yaml: flyt den til units/{department}.yaml",
                )
        parent = refs.parent
        if parent is not None and parent != unit_id:
            self._ref(path, refs.parent_line, "parent", parent, known["units"], "units/*.yaml")
        for i, location, line in refs.locations:
            self._ref(
                path,
                line,
                f"locations[{i}]",
                location,
                known["locations"],
                "locations.yaml",
            )
        for i, entry, line in refs.service_area:
            self._area(path, line, i, entry)
        for backup, line in refs.backups:
            self._ref(
                path,
                line,
                "backup",
                backup,
                known["contacts"],
                "enhedernes contacts",
            )

    def _area(self, path: str, line: int, index: int, entry: str) -> None:
        """A `service_area` entry that names no bydel or postal code of the kommune."""
        hint = ""
        if not entry.strip().isdigit():
            hint = self._suggest("bydele", set(bydel_names())).hint(entry)
        problem = unknown_entry(entry, hint)
        if problem is not None:
            self.error(path, line, f"service_area[{index}]: {problem}")

    def _suggest(self, where: str, ids: set[str]) -> Suggestions:
        if where not in self.suggestions:
            self.suggestions[where] = Suggestions(ids)
        return self.suggestions[where]

    def _check_parent_cycles(self, parents: dict[str, tuple[str, str, int]]) -> None:
        done: set[str] = set()
        for start in parents:
            chain: list[str] = []
            on_chain: set[str] = set()
            current: str | None = start
            while current in parents and current not in on_chain and current not in done:
                chain.append(current)
                on_chain.add(current)
                current = parents[current][0]
            if current in on_chain:
                cycle = chain[chain.index(current) :]
                _, path, line = parents[cycle[0]]
                text = " -> ".join([*cycle, cycle[0]])
                self.error(
                    path,
                    line,
                    f"parent: enhederne danner en ring ({text}): en enhed kan ikke ligge under "
                    "sig selv; fjern eller ret én 'parent'",
                )
            done.update(chain)

    def _warnings(self, units: dict[str, Unit], referrals: list[Referral]) -> None:
        def check_date(record: Record, verified: dt.date | None, what: str) -> None:
            if verified is None:
                return
            line = record.source.line_of("verified")
            if is_stale(verified, self.today):
                self.warn(
                    record.source.path,
                    line,
                    f"{what} blev sidst kontrolleret {verified.isoformat()}, for mere end 12 "
                    "måneder siden: tjek posten, og ret 'verified'",
                )
            elif verified > self.today:
                self.warn(
                    record.source.path,
                    line,
                    f"{what} har 'verified' {verified.isoformat()}, som ligger i fremtiden: "
                    "skriv den dato, posten blev tjekket",
                )

        for unit in units.values():
            check_date(unit, unit.verified, f"enheden {unit.id!r}")
            if unit.notice is not None and unit.notice.until < self.today:
                self.warn(
                    unit.source.path,
                    unit.notice.source.line_of("until")
                    if getattr(unit.notice, "_source", None)
                    else unit.source.line_of("notice"),
                    f"notice.until: opslaget på enheden {unit.id!r} gjaldt til og med "
                    f"{unit.notice.until.isoformat()} og vises ikke længere: fjern 'notice', "
                    "eller skriv en ny dato i 'until'",
                )
            if not unit.phones and not unit.contacts:
                self.warn(
                    unit.source.path,
                    unit.source.line,
                    f"enheden {unit.id!r} har hverken telefon eller kontaktperson: tilføj et "
                    "telefonnummer eller en kontaktperson, så medarbejderne kan få fat i den",
                )
            for contact in unit.contacts:
                check_date(contact, contact.verified, f"kontaktpersonen {contact.id!r}")
                if contact.is_gatekeeper and not contact.backup:
                    self.warn(
                        contact.source.path,
                        contact.source.line,
                        f"nøglepersonen {contact.id!r} ({contact.name}) har ingen stedfortræder: "
                        "tilføj 'backup: <kontaktperson-id>' på den, der dækker ved fravær",
                    )
        for referral in referrals:
            check_date(
                referral, referral.verified, f"henvisningen {referral.from_} -> {referral.to}"
            )


# -- model validation helpers --------------------------------------------------------------


def _unit_refs(path: str, node: YMap, stem: str) -> _UnitRefs:
    lines = node.key_lines
    locations = _text_items(node, "locations")
    backups: list[tuple[str, int]] = []
    value = node.items.get("contacts")
    for contact in value.items if isinstance(value, YSeq) else []:
        if isinstance(contact, YMap):
            backup = _text(contact, "backup")
            if backup is not None and backup != _text(contact, "id"):
                backups.append((backup, contact.key_lines["backup"]))
    return _UnitRefs(
        path,
        node.line,
        _text(node, "id"),
        stem,
        _text(node, "department"),
        lines.get("department", 0),
        _text(node, "parent"),
        lines.get("parent", 0),
        locations,
        tuple(backups),
        _text_items(node, "service_area"),
    )


def _text_items(node: YMap, key: str) -> tuple[tuple[int, str, int], ...]:
    """(index, text, line) of each text item of a list value (nothing when it is no list)."""
    value = node.items.get(key)
    if not isinstance(value, YSeq):
        return ()
    return tuple(
        (i, item.value, item.line)
        for i, item in enumerate(value.items)
        if isinstance(item, YScalar) and item.kind == "str"
    )


def _referral_refs(path: str, node: YMap) -> _ReferralRefs:
    lines = node.key_lines
    return _ReferralRefs(
        path,
        node.line,
        _text(node, "from"),
        lines.get("from", 0),
        _text(node, "to"),
        lines.get("to", 0),
    )


def _text(node: YMap, key: str) -> str | None:
    value = node.items.get(key)
    if isinstance(value, YScalar) and value.kind == "str":
        return str(value.value)
    return None


def _plain(node: Node) -> Any:
    return node.value if type(node) is YScalar else to_python(node)


@functools.cache
def _model_fields(model_cls: type[BaseModel]) -> dict[str, Any]:
    """Contract keys of a model (aliases where set) -> field annotation."""
    out: dict[str, Any] = {}
    for name, info in model_cls.model_fields.items():
        if name == "extensions":
            continue
        out[info.alias or name] = info.annotation
    return out


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The Record class inside an annotation such as `list[Phone]` or `Age | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _plan(model_cls: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """Contract keys of a model -> the nested model class it holds, if any."""
    return {key: _nested_model(annotation) for key, annotation in _model_fields(model_cls).items()}


def _record_data(
    node: YMap, model_cls: type[BaseModel], loc: tuple[Any, ...]
) -> tuple[dict[str, Any], list[tuple[tuple[Any, ...], str, int]]]:
    """Plain data for a model from a mapping node; `x-` keys go to `extensions`.

    Returns the data and the unknown keys found (location, key, line), at every depth.
    """
    plan = _plan(model_cls)
    data: dict[str, Any] = {}
    bad: list[tuple[tuple[Any, ...], str, int]] = []
    extensions: dict[str, Any] = {}
    for key, value in node.items.items():
        if key not in plan:
            if key.startswith("x-"):
                extensions[key] = _plain(value)
            else:
                bad.append((loc, key, node.key_lines[key]))
            continue
        nested = plan[key]
        if type(value) is YScalar:
            data[key] = value.value
        elif nested is not None and type(value) is YMap:
            data[key], more = _record_data(value, nested, (*loc, key))
            bad.extend(more)
        elif nested is not None and type(value) is YSeq:
            items: list[Any] = []
            for i, item in enumerate(value.items):
                if type(item) is YMap:
                    sub, more = _record_data(item, nested, (*loc, key, i))
                    items.append(sub)
                    bad.extend(more)
                else:
                    items.append(_plain(item))
            data[key] = items
        else:
            data[key] = _plain(value)
    data["extensions"] = extensions
    return data, bad


def _model_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    current = model_cls
    for part in loc:
        if isinstance(part, str):
            nested = _nested_model(_model_fields(current).get(part))
            if nested is None:
                break
            current = nested
    return current


def _unknown_key_message(model_cls: type[BaseModel], loc: tuple[Any, ...], key: str) -> str:
    owner = _model_at(model_cls, loc)
    where = f" i {_loc_text(loc)}" if loc else ""
    return (
        f"ukendt nøgle {excerpt(key)}{where}{did_you_mean(key, _model_fields(owner))}"
        " (dine egne nøgler skal begynde med 'x-')"
    )


def _loc_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_WHAT = {
    "int": "et tal",
    "float": "et tal",
    "bool": "en ja/nej-værdi",
    "date": "en dato",
    "datetime": "en dato med klokkeslæt",
}


def _not_text_message(field_name: str, node: YScalar) -> str:
    if node.kind == "null":
        return f"{field_name}: {EMPTY_MESSAGE}"
    what = _WHAT.get(node.kind, "noget andet end tekst")
    value = {True: "sand", False: "falsk"}[node.value] if node.kind == "bool" else node.value
    shown = (
        f" ({cut(value)})"
        if node.kind in ("int", "float", "bool") and str(node.value) != node.raw
        else ""
    )
    return (
        f"{field_name}: YAML læser {cut(node.raw)} som {what}{shown}, ikke som tekst: "
        f'sæt det i anførselstegn: "{cut(node.raw)}"'
    )


_TEXT_ERRORS = {"string_type", "string_too_short"}
_DATE_ERRORS = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "date_past",
    "date_future",
}


def _translate(
    exc: ValidationError, node: YMap, model_cls: type[BaseModel]
) -> list[tuple[int, str]]:
    """Turn pydantic's errors into (line, message) pairs a coordinator can act on."""
    out: list[tuple[int, str]] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        msg = str(err.get("msg", ""))
        shown_name = ""
        if kind == "value_error":
            msg = msg.removeprefix("Value error, ")
            head, sep, rest = msg.partition(": ")
            key = head.split("/")[0]
            if sep and key in _model_fields(_model_at(model_cls, loc)) and " " not in head:
                prefix = _loc_text(loc)
                shown_name = f"{prefix}.{head}" if prefix else head
                loc = (*loc, key)
                msg = rest
        # list items of a plain list arrive with the item index appended (keywords.2)
        if loc in seen:
            continue
        seen.add(loc)
        field_name = shown_name or _loc_text(loc) or "posten"
        target = node_at(node, loc)
        parent = node_at(node, loc[:-1]) if loc else node
        item_line = parent.line if parent is not None else node.line
        line = line_at(node, loc, item_line)
        if kind == "missing":
            key = str(loc[-1])
            where = f" i {_loc_text(loc[:-1])}" if loc[:-1] else ""
            out.append(
                (item_line, f"den påkrævede nøgle {key!r}{where} mangler: tilføj '{key}: ...'")
            )
            continue
        if (
            isinstance(target, YScalar)
            and kind in _TEXT_ERRORS | {"enum", "literal_error"}
            and target.kind != "str"
        ):
            out.append((line, _not_text_message(field_name, target)))
            continue
        if isinstance(target, YScalar) and target.kind == "null":
            out.append((line, f"{field_name}: {EMPTY_MESSAGE}"))
            continue
        out.append((line, f"{field_name}: {_error_text(kind, err, msg, target, field_name)}"))
    return out


_DATE_EXAMPLE = "skriv den som ÅÅÅÅ-MM-DD, fx 2026-05-01"
_DATE_FIELDS = ("verified", "until")  # date fields (`notice.until`): a bad value is a date's
# pydantic error types whose message does not depend on the value.
_FIXED = {
    "list_type": "skal være en liste: skriv hvert punkt på sin egen linje, begyndende med '- '",
    "model_type": "skal bestå af nøgler, ikke en enkelt værdi",
    "model_attributes_type": "skal bestå af nøgler, ikke en enkelt værdi",
    "dict_type": "skal bestå af nøgler, ikke en enkelt værdi",
    "too_short": "skal have mindst ét punkt",
    "too_long": "har for mange punkter: fjern nogle af dem",
    "string_type": "skal være tekst, ikke en liste eller nøgler",
    "bool_type": "skal være true eller false",
    "bool_parsing": "skal være true eller false",
}


def _error_text(kind: str, err: Any, msg: str, target: Node | None, field_name: str) -> str:
    """The Danish message (after `field: `) for one pydantic error: every type the loader
    can meet has its own; any other gets a Danish message that points to the field's docs.
    pydantic's own English text (`err["msg"]`) never reaches a user, only our validators'
    (`value_error`), which are Danish."""
    shown = cut(target.raw) if isinstance(target, YScalar) else "værdien"
    ctx = err.get("ctx") or {}
    if kind in _DATE_ERRORS or field_name.endswith(_DATE_FIELDS):
        if isinstance(target, YScalar) and target.kind == "baddate":
            return f"{shown} er ikke en dato, der findes: tjek dag og måned (ÅÅÅÅ-MM-DD)"
        return f"{shown} er ikke en dato: {_DATE_EXAMPLE}"
    if kind in ("enum", "literal_error"):
        return f"{excerpt(shown)} er ikke tilladt her: brug {_one_of(ctx.get('expected', ''))}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{shown} er ikke et helt tal: skriv det uden anførselstegn, fx 18"
    if kind in ("float_type", "float_parsing"):
        return (
            f"{shown} er ikke et tal: skriv decimalgrader med punktum og uden anførselstegn, "
            "fx 55.6761"
        )
    if kind in ("greater_than_equal", "greater_than"):
        return f"{shown} er for lille: skriv et tal fra {ctx.get('ge', ctx.get('gt'))} og op"
    if kind in ("less_than_equal", "less_than"):
        return f"{shown} er for stort: skriv højst {ctx.get('le', ctx.get('lt'))}"
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "value_error":  # our own validators' messages, already Danish
        return msg
    return "værdien kan ikke bruges her: se i data/README.md, hvad der skal stå"


def _one_of(expected: str) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") in Danish: "en af 'a', 'b'
    eller 'c'"."""
    head, sep, last = expected.rpartition(" or ")
    return f"en af {head} eller {last}" if sep else expected


# Lists whose items' lines are kept (as `<key>.<index>`), for messages about one item.
_ITEM_LINE_KEYS = ("locations", "target_groups", "needs", "synonyms")


def _attach_sources(model: Record, node: YMap, path: str) -> None:
    """Give a model (and its nested contacts) their source lines."""
    from directory.model import Source

    lines = node.key_lines
    for key in _ITEM_LINE_KEYS:
        value = node.items.get(key)
        if type(value) is YSeq:
            if lines is node.key_lines:
                lines = dict(lines)
            for i, item in enumerate(value.items):
                lines[f"{key}.{i}"] = item.line
    # `_source` is a slot: set it directly (Record.__setattr__ is for pydantic's fields)
    set_slot = object.__setattr__
    set_slot(model, "_source", Source.of(path, node.line, lines))
    if isinstance(model, Unit):
        notice = node.items.get("notice")
        if model.notice is not None and isinstance(notice, YMap):
            set_slot(model.notice, "_source", Source.of(path, notice.line, notice.key_lines))
        contacts = node.items.get("contacts")
        if isinstance(contacts, YSeq):
            for contact, contact_node in zip(model.contacts, contacts.items, strict=False):
                if isinstance(contact_node, YMap):
                    source = Source.of(path, contact_node.line, contact_node.key_lines)
                    set_slot(contact, "_source", source)
