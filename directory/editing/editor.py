"""Edit the directory's YAML files safely: validated first, written so they can be taken
back, committed to git as the signed-in user, and never over a change someone else saved.

    editor = Editor("data")
    state = editor.open("sof-bcv")                 # when the form opens
    result = editor.save(state, record, referrals, author)   # on Gem
    editor.confirm("sof-bcv", author)              # Bekræft: checked, nothing changed

`save` refuses (and writes nothing) when a value is one the editor never writes (a CPR
number, invisible characters: `EditRefused`, by the field in Danish), when the directory
would not validate with the change (the loader's own messages, by the field), or when a
file changed since the form was opened (`EditConflict`, with what changed). Every save
sets the unit's `verified` to today (Copenhagen). Also: `confirm`, `set_field` (the
command line), `create` (a new team under a unit), `move`, `retire`, `history`, `undo`, and
`add_need_word` (a word added to a need of the needs vocabulary, in needs.yaml).

The change is validated against the rest of the directory as it was validated before
(`directory.loading.incremental`), written with `writing.FileChange` and committed; when
anything fails on the way, the files and git's index are as they were.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from ruamel.yaml.comments import CommentedSeq

from directory.editing.fields import (
    FIELD_DA,
    REFERRAL_ORDER,
    UNIT_ORDER,
    FieldChange,
    FieldError,
    field_changes,
    field_word,
    text_refusals,
)
from directory.editing.gitrepo import Commit, GitError, Repo, git_available, log_detail
from directory.editing.reading import ID_LINE, parsed_records, records_with
from directory.editing.writing import FileChange, UnsafePath
from directory.editing.yamledit import (
    EditTextError,
    SeqFile,
    key_lines_at,
    merge,
    merge_by_id,
    plain,
)
from directory.loading.cache import data_files
from directory.loading.incremental import validate_change
from directory.loading.loader import Validation, classify, remember, validate_directory
from directory.loading.safefile import UnsafeFile, os_reason, read_data_file, sha256_of
from directory.loading.yamltree import INVISIBLE
from directory.model import EMAIL, MAX_ID_CHARS, SLUG, Problem, suggest_slug
from directory.quality.reports import Report, ReportError, ReportProblem, ReportStore
from directory.rules import clock
from directory.rules.clock import COPENHAGEN

LOCK_NAME = "landkort-edit.lock"
LOCK_TIMEOUT_S = 30.0
MAX_AUTHOR_NAME = 100
# What the command line may set (`python -m directory edit UNIT FIELD VALUE`): a unit's own
# fields; its id, place (department, parent) and `verified` (set by every save) are not.
SETTABLE = tuple(k for k in UNIT_ORDER if k not in ("id", "department", "parent", "verified"))
BUSY_MESSAGE = "En anden gemmer lige nu. Vent et øjeblik, og prøv igen."
DETACHED_MESSAGE = (
    "Redigering er sat på pause: data-repositoriet står ikke på en gren (»detached HEAD«), "
    "så en ændring ville ikke komme med i historikken. Bed den, der driver landkortet, om at "
    "skifte datamappen tilbage til sin gren (fx `git switch main`)."
)


@dataclass(frozen=True)
class Author:
    name: str
    email: str


class EditError(Exception):
    """Base of every refusal; `str()` is a Danish message for the user."""


class EditingOff(EditError):
    """Editing is not possible for this data directory; the message says why."""


class EditRefused(EditError):
    """The change breaks a rule; nothing was written. `.errors` by the field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.label}: {e.message}" for e in errors))


class EditConflict(EditError):
    """A file changed since the form was opened; nothing was written."""

    def __init__(self, files: list[str], changes: list[FieldChange], gone: bool = False) -> None:
        self.files = files
        self.changes = changes
        self.gone = gone
        what = ", ".join(c.label for c in changes) or "andre enheder i samme fil"
        super().__init__(
            "Nogen har gemt en ændring, mens du redigerede "
            f"({', '.join(files)}: {what}). Intet er overskrevet: se ændringerne, "
            "ret dine felter til og gem igen."
        )


@dataclass(frozen=True)
class UnitState:
    """A unit as the form opened it: its record, outgoing referrals and the files' hashes."""

    unit_id: str
    file: str  # path of its units file, relative to the data directory
    record: dict[str, Any]
    referrals: list[dict[str, Any]]  # each with "_origin": "<file>#<index>"
    hashes: dict[str, str | None]  # every file the edit reads -> sha256 (None: missing)

    @property
    def name(self) -> str:
        return str(self.record.get("name") or self.unit_id)


@dataclass(frozen=True)
class SaveResult:
    sha: str | None  # None: nothing changed, nothing committed
    fields: list[str]
    message: str
    unit_id: str | None = None  # the unit saved (a new unit's id, made from its name)


@dataclass(frozen=True)
class HistoryEntry:
    commit: Commit
    changes: list[FieldChange]
    undoable: bool  # an edit of an existing unit (not its creation, move or retirement)
    # the unit before and after (for names of contacts that are gone, and for scrubbing)
    records: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None)

    @property
    def when(self) -> dt.datetime:
        """When the change was made, in Copenhagen time."""
        return commit_time(self.commit)


def commit_time(commit: Commit) -> dt.datetime:
    """A commit's author time in Copenhagen (git records the committing server's zone)."""
    try:
        moment = dt.datetime.fromisoformat(commit.when)
    except ValueError:
        return clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(COPENHAGEN)


@dataclass
class _Change:
    """Files to write (text) or delete (None), relative to the data directory."""

    texts: dict[str, str | None] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)


def commit_url(sha: str, template: str | None) -> str | None:
    """A link to the commit from the template of `LANDKORT_COMMIT_URL` (`{sha}` replaced),
    or None when it is unset."""
    return template.replace("{sha}", sha) if template else None


_NAME_JUNK = re.compile(r"[<>\"\\]|" + INVISIBLE.pattern)


def clean_name(name: str | None) -> str:
    """A display name as git may record it: no angle brackets (they delimit the e-mail in
    git's author line), quotes, control characters, newlines or bidi overrides; spaces
    collapsed; at most 100 characters."""
    text = _NAME_JUNK.sub(" ", name or "")
    return " ".join(text.split())[:MAX_AUTHOR_NAME].strip()


def author_of(name: str | None, email: str | None) -> Author:
    """The commit author of a signed-in user: the display name cleaned (`clean_name`), the
    e-mail as the identity token's e-mail claim gives it (checked when saving)."""
    return Author(clean_name(name), (email or "").strip())


def checked_author(author: Author) -> Author:
    """The author as it is committed, or `EditError` when the account has no usable
    e-mail (the name then defaults to the e-mail's local part)."""
    email = author.email.strip()
    if not EMAIL.fullmatch(email):
        raise EditError(
            "Din konto mangler en gyldig e-mailadresse, så ændringen ikke kan skrives i "
            "historikken. Log ind igen, eller bed den, der driver landkortet, om at få "
            "e-mailen med i log ind."
        )
    return Author(clean_name(author.name) or email.split("@")[0], email)


def new_unit_id(name: str, department: str, taken: set[str]) -> str:
    """An id for a new unit from its name: `<department>-<name as a slug>`, unique."""
    stem = suggest_slug(name)
    if not stem.startswith(f"{department}-"):
        stem = f"{department}-{stem}"
    stem = stem[: MAX_ID_CHARS - 4].strip("-")
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def new_contact_id(unit_id: str, name: str, taken: set[str]) -> str:
    """An id for a new contact person of a unit: `k-<unit>-<name as a slug>`, unique (a
    contact's id is unique across the directory)."""
    return new_unit_id(name, f"k-{unit_id}", taken)


class Editor:
    """Edits of one data directory (inside a git work tree)."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        today: dt.date | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.root = Path(data_dir)
        self.where = os.fspath(data_dir)  # as given: the app's cache keys use this spelling
        self.today = today
        self.cache_dir = cache_dir  # the app's disk cache (LANDKORT_CACHE), or None
        self.repo = Repo.find(self.root)

    @property
    def day(self) -> dt.date:
        """Today in Copenhagen (or the day given, in tests)."""
        return self.today or clock.today()

    # -- can we edit at all? -------------------------------------------------------------
    def off_reason(self) -> str | None:
        """Why editing is off (Danish, no server paths), or None when it is on."""
        if not git_available():
            return "Redigering er slået fra: programmet git er ikke installeret på serveren."
        if self.repo is None:
            return (
                "Redigering er slået fra: datamappen er ikke et git-repository, så ændringer "
                "ikke kan gemmes med historik. Bed driften køre `git init` i datamappen og "
                "committe filerne."
            )
        return None

    def _require_repo(self) -> Repo:
        reason = self.off_reason()
        if reason is not None or self.repo is None:
            raise EditingOff(reason or "Redigering er slået fra.")
        return self.repo

    @contextmanager
    def _writing(self, repo: Repo) -> Iterator[None]:
        """Hold the edit lock; refuse on a detached HEAD; every failure on the way becomes
        an `EditError` in Danish (git's own words, with server paths, go to the log)."""
        try:
            lock = FileLock(str(repo.git_dir() / LOCK_NAME), timeout=LOCK_TIMEOUT_S)
            with lock:
                if repo.branch() is None:
                    raise EditingOff(DETACHED_MESSAGE)
                yield
        except Timeout as exc:
            raise EditError(BUSY_MESSAGE) from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc
        except UnsafePath as exc:
            raise EditRefused([FieldError("", f"Stien »{exc}« ligger ikke i datamappen.")]) from exc
        except GitError as exc:
            log_detail(exc.detail)
            raise EditError(f"Ændringen kunne ikke gemmes: {exc.reason}. Intet er ændret.") from exc
        except OSError as exc:
            raise EditError(_os_message(exc)) from exc
        except ValueError as exc:  # a path git cannot name (the data folder moved?)
            log_detail(f"{type(exc).__name__}: {exc}")
            raise EditError(
                "Ændringen kunne ikke gemmes (datamappen kunne ikke findes i git). Intet er "
                "ændret. Bed den, der driver landkortet, om at se i serverens log."
            ) from exc

    # -- reading -------------------------------------------------------------------------
    def _files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in data_files(self.where):
            kind = classify(rel)
            if kind in ("units", "referrals") and not any(
                p.startswith(".") for p in rel.split("/")
            ):
                out[rel] = kind
        return out

    def _text(self, rel: str) -> str | None:
        """A data file's text, read as the loader reads it (only a regular file inside the
        data directory); None when it is missing or cannot be read."""
        try:
            return read_data_file(self.root, rel).decode("utf-8-sig")
        except (UnsafeFile, UnicodeDecodeError):
            return None

    def _doc(self, rel: str, docs: dict[str, SeqFile], kind: str) -> SeqFile:
        if rel not in docs:
            docs[rel] = SeqFile(self._text(rel) or "", kind, rel, rel)
        return docs[rel]

    def _own(self, rel: str, kind: str, key: str, value: str) -> list[tuple[int, dict[str, Any]]]:
        """(index, record) of the records in a file whose `key` is `value`."""
        return [
            (i, r)
            for i, r in records_with(self._text(rel), kind, key, value)
            if isinstance(r, dict) and r.get(key) == value
        ]

    def _unit_file(self, unit_id: str) -> str | None:
        """The units file that defines the unit (found by its `id:` line, then read)."""
        for rel, kind in self._files().items():
            if kind == "units" and self._own(rel, "units", "id", unit_id):
                return rel
        return None

    def _referral_files(self, unit_id: str, keys: tuple[str, ...] = ("from",)) -> list[str]:
        """Referral files with a `from:` (or `to:`) line naming the unit."""
        out = []
        for rel, kind in self._files().items():
            if kind == "referrals":
                text = self._text(rel) or ""
                if any(key_lines_at(text, key, unit_id) for key in keys):
                    out.append(rel)
        return out

    def open(self, unit_id: str) -> UnitState:
        """The unit as it is on disk now (what the form starts from)."""
        rel = self._unit_file(unit_id)
        if rel is None:
            raise EditError("Enheden findes ikke i datafilerne (mere). Gå tilbage til Søg.")
        record = self._own(rel, "units", "id", unit_id)[-1][1]
        files = [rel, *self._referral_files(unit_id)]
        hashes = {f: sha256_of(self.root / f) for f in files}
        referrals: list[dict[str, Any]] = []
        for file in files[1:]:
            for i, item in self._own(file, "referrals", "from", unit_id):
                referrals.append({**item, "_origin": f"{file}#{i}"})
        return UnitState(unit_id, rel, record, referrals, hashes)

    # -- saving --------------------------------------------------------------------------
    def _check_unchanged(self, state: UnitState) -> None:
        """Refuse when the unit or its outgoing referrals changed since the form opened.

        Other records in the same files may have changed: the edit is applied to the files
        as they are now, so a colleague's saved change to another unit is kept."""
        changed = [f for f, h in state.hashes.items() if sha256_of(self.root / f) != h]
        if not changed:
            return
        try:
            now = self.open(state.unit_id)
        except EditError:
            raise EditConflict(changed, [], gone=True) from None
        if now.record == state.record and now.referrals == state.referrals:
            return
        changes = field_changes(state.record, now.record, state.referrals, now.referrals)
        raise EditConflict(changed, changes)

    def save(
        self,
        state: UnitState,
        record: dict[str, Any],
        referrals: list[dict[str, Any]],
        author: Author,
        *,
        message: str | None = None,
    ) -> SaveResult:
        """Write the form's version of the unit and its outgoing referrals as one commit;
        the unit's `verified` becomes today. Nothing changed: nothing is committed."""
        repo = self._require_repo()
        author = checked_author(author)
        if record.get("id") != state.unit_id:
            raise EditRefused([FieldError("id", "En enheds id kan ikke ændres her.")])
        refusals = text_refusals(
            {k: v for k, v in record.items() if state.record.get(k) != v}
            | {"referrals": [r for r in referrals if r not in state.referrals]}
        )
        if refusals:
            raise EditRefused(refusals)
        with self._writing(repo):
            self._check_unchanged(state)
            change = self._unit_change(state, record, referrals)
            if not change.texts:
                return SaveResult(None, [], "Ingen ændringer at gemme.")
            subject = message or _subject("Ret", record.get("name") or state.name, change.fields)
            return self._apply(repo, change, subject, author, state.unit_id)

    def confirm(self, unit_id: str, author: Author) -> SaveResult:
        """Bekræft: the coordinator checked the unit today and nothing changed; one commit
        that sets only `verified` to today."""
        repo = self._require_repo()
        author = checked_author(author)
        today = self.day.isoformat()
        with self._writing(repo):
            state = self.open(unit_id)
            if str(state.record.get("verified")) == today:
                return SaveResult(None, [], "Enheden er allerede bekræftet i dag.")
            docs: dict[str, SeqFile] = {}
            node = self._unit_node(state, docs)
            merge(node, {**plain(node), "verified": today}, UNIT_ORDER)
            change = _Change(_changed_texts(docs), ["verified"])
            subject = f"Bekræft {state.name}: intet ændret"
            return self._apply(repo, change, subject, author, unit_id)

    def set_field(self, unit_id: str, key: str, value: Any, author: Author) -> SaveResult:
        """One field of a unit set as the form would set it (`None`, "" or []: removed);
        for scripts and bulk fixes (`python -m directory edit`)."""
        if key not in SETTABLE:
            if key in ("department", "parent"):
                fix = "flyt enheden med Flyt på enhedens side i appen"
            elif key == "verified":
                fix = "den sættes til i dag ved hver ændring (Bekræft i appen: uden ændring)"
            elif key == "id":
                fix = "et id ændres ikke; opret en ny enhed, og nedlæg den gamle"
            else:
                fix = "kan ikke rettes her: skriv et af felterne " + ", ".join(SETTABLE)
            raise EditRefused([FieldError(key if key in FIELD_DA else "", f"{fix}.")])
        state = self.open(unit_id)
        record = dict(state.record)
        if value in (None, "", []):
            record.pop(key, None)
        else:
            record[key] = value
        return self.save(state, record, state.referrals, author)

    def _unit_node(self, state: UnitState, docs: dict[str, SeqFile]) -> Any:
        doc = self._doc(state.file, docs, "units")
        index = doc.find(state.unit_id)
        if index is None:
            raise EditConflict([state.file], [], gone=True)
        return doc.item(index)

    def _unit_change(
        self, state: UnitState, record: dict[str, Any], referrals: list[dict[str, Any]]
    ) -> _Change:
        docs: dict[str, SeqFile] = {}
        change = _Change()
        fields: list[str] = []
        record = {**record, "verified": state.record.get("verified")}
        if record.get("verified") is None:
            record.pop("verified")
        if record != state.record:
            node = self._unit_node(state, docs)
            contacts = record.get("contacts")
            if contacts and isinstance(node.get("contacts"), CommentedSeq):
                before = plain(node["contacts"])
                merge_by_id(node["contacts"], contacts)
                if plain(node["contacts"]) != before:
                    fields.append("contacts")
            fields += [f for f in merge(node, record, UNIT_ORDER) if f not in fields]
        # outgoing referrals: merge changed ones in place, remove dropped ones, append new ones
        before_refs = {r["_origin"]: _no_origin(r) for r in state.referrals}
        origins = set(before_refs)
        kept: set[str] = set()
        new: list[dict[str, Any]] = []
        for referral in referrals:
            referral = {**referral, "from": state.unit_id}
            origin = referral.pop("_origin", None)
            if origin in origins:
                kept.add(origin)
                if referral == before_refs[origin]:
                    continue
                merge(self._referral_node(origin, state.unit_id, docs), referral, REFERRAL_ORDER)
            else:
                new.append({k: v for k, v in referral.items() if v not in (None, [], "")})
        drop: dict[str, list[int]] = {}
        for origin in origins - kept:
            self._referral_node(origin, state.unit_id, docs)  # checks it is the unit's
            rel, _, i = origin.rpartition("#")
            drop.setdefault(rel, []).append(int(i))
        for rel, indexes in drop.items():
            for i in indexes:
                docs[rel].delete(i)
        if new:
            rel = self._new_referrals_file(state, docs)
            for referral in new:
                self._doc(rel, docs, "referrals").append(_ordered(referral, REFERRAL_ORDER))
        texts = _changed_texts(docs)
        if any(rel != state.file for rel in texts) or drop or new:
            fields.append("referrals")
        if texts:  # a save of the unit: it was checked today
            node = self._unit_node(state, docs)
            merge(node, {**plain(node), "verified": self.day.isoformat()}, UNIT_ORDER)
            texts = _changed_texts(docs)
        change.texts = texts
        shown = [f for f in UNIT_ORDER if f in fields and f != "verified"]
        shown += [f for f in fields if f not in UNIT_ORDER and f != "verified"]
        change.fields = shown or (["verified"] if texts else [])
        return change

    def _referral_node(self, origin: str, unit_id: str, docs: dict[str, SeqFile]) -> Any:
        """The referral an origin names, checked to be one of the unit's."""
        rel, _, i = origin.rpartition("#")
        doc = self._doc(rel, docs, "referrals")
        if not i.isdigit() or int(i) >= len(doc) or doc.get(int(i), "from") != unit_id:
            raise EditConflict([rel], [], gone=False)
        return doc.item(int(i))

    def _new_referrals_file(self, state: UnitState, docs: dict[str, SeqFile]) -> str:
        """Where a new outgoing referral goes: beside the unit's others, else the
        department's referrals file."""
        existing = [str(r["_origin"]).rpartition("#")[0] for r in state.referrals]
        if existing:
            return existing[0]
        department = str(state.record.get("department", ""))
        if not SLUG.fullmatch(department):
            raise EditRefused(
                [FieldError("department", "Enhedens forvaltning er ikke et gyldigt id.")]
            )
        return f"referrals/{department}.yaml"

    def _apply(
        self, repo: Repo, change: _Change, subject: str, author: Author, unit_id: str | None
    ) -> SaveResult:
        """Validate the directory with the change, then write, then commit; the validation
        is kept for the app's next load (in this process and, in the background, in the
        disk cache)."""
        # The validation is many objects, all kept until the save ends: the cyclic
        # garbage collector would rescan them again and again (as in validate_directory).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._validate_write_commit(repo, change, subject, author, unit_id)
        finally:
            if was_enabled:
                gc.enable()

    def _validate_write_commit(
        self, repo: Repo, change: _Change, subject: str, author: Author, unit_id: str | None
    ) -> SaveResult:
        today = self.day
        files = FileChange(self.root, change.texts)  # refuses a path outside the data
        errors, validation = self._validate_with(change, unit_id, today)
        if errors:
            raise EditRefused(errors)
        try:
            files.apply()
            sha = repo.commit([str(p) for p in files.paths.values()], subject, *_who(author))
        except BaseException:
            files.undo()
            raise
        files.finish()
        remember(self.where, validation, cache_dir=self.cache_dir, today=today)
        return SaveResult(sha, change.fields, subject, unit_id)

    def _validate_with(
        self, change: _Change, unit_id: str | None, today: dt.date
    ) -> tuple[list[FieldError], Validation]:
        """Errors the change would add to the directory (errors already there do not
        count), and the validation of the directory with the change: the changed files
        against the rest as it was validated before (`validate_change`)."""
        before = validate_directory(self.where, today=today, cache_dir=self.cache_dir)
        after = validate_change(
            self.where,
            change.texts,
            today=today,
            base=before,
            current=True,
            cache_dir=self.cache_dir,
        )
        if after.ok:
            return [], after
        known = {(p.path, p.message) for p in before.errors}
        new = [p for p in after.errors if (p.path, p.message) not in known]
        return [self._field_of(p, change, unit_id) for p in new], after

    def _field_of(self, problem: Problem, change: _Change, unit_id: str | None) -> FieldError:
        """The loader's message by the field it is about: in the unit's own lines, as it
        is; elsewhere with the file and line it would be in."""
        rel = _rel(problem.path, self.root)
        message = self._no_paths(problem.message)
        text = change.texts.get(rel)
        if text is not None and unit_id is not None:
            kind = classify(rel)
            if kind == "units":
                key = _key_at(text, unit_id, problem.line)
                if key:
                    return FieldError(key, message)
            elif kind == "referrals":
                return FieldError("referrals", f"{message} (i {rel}, linje {problem.line})")
        return FieldError(
            "", f"Datafilen ville få en fejl ({rel}, linje {problem.line}: {message})."
        )

    def _no_paths(self, message: str) -> str:
        """A loader message with the data directory's place on the server left out (its
        files named relative to it)."""
        for root in {os.path.join(self.where, ""), os.path.join(os.path.realpath(self.root), "")}:
            message = message.replace(root, "")
        return message

    # -- the needs vocabulary ----------------------------------------------------------------
    def add_need_word(
        self, need_id: str, word: str, author: Author, *, label: str | None = None
    ) -> SaveResult:
        """Add a word (a missing word, a search that found nothing) to a need in needs.yaml
        as one commit; `label` names a national need the file does not have yet."""
        from directory.editing.needs import need_word_change, need_word_problem
        from directory.rules.needs import NEEDS_FILE

        repo = self._require_repo()
        author = checked_author(author)
        word = " ".join(word.split())
        problem = need_word_problem(word)
        if problem is not None:
            raise EditRefused([FieldError("word", problem)])
        with self._writing(repo):
            text = self._text(NEEDS_FILE)
            path = str(self.root / NEEDS_FILE)
            new, error = need_word_change(text, path, need_id, label or need_id, word)
            if error is not None or new is None:
                raise EditRefused([error or FieldError("word", "Ordet kan ikke tilføjes.")])
            change = _Change({NEEDS_FILE: new}, ["needs"])
            subject = f"Behovsordbogen: »{word}« tilføjet til behovet {need_id}"
            return self._apply(repo, change, subject, author, None)

    # -- new, move, retire -----------------------------------------------------------------
    def _taken_ids(self) -> set[str]:
        ids: set[str] = set()
        for rel, kind in self._files().items():
            if kind == "units":
                ids.update(ID_LINE.findall(self._text(rel) or ""))
        return ids

    def create(self, parent_id: str, record: dict[str, Any], author: Author) -> SaveResult:
        """A new unit under `parent_id`, in the parent's file and department; its id is made
        from its name when the record has none."""
        repo = self._require_repo()
        author = checked_author(author)
        refusals = text_refusals(record)
        if refusals:
            raise EditRefused(refusals)
        with self._writing(repo):
            docs: dict[str, SeqFile] = {}
            parent = self.open(parent_id)
            doc = self._doc(parent.file, docs, "units")
            department = str(parent.record.get("department", ""))
            new = {k: v for k, v in record.items() if v not in (None, [], "")}
            if not new.get("id"):
                name = str(new.get("name") or "").strip()
                if not name:
                    raise EditRefused([FieldError("name", "Skriv enhedens navn.")])
                new["id"] = new_unit_id(name, department, self._taken_ids())
            new = {
                **new,
                "department": department,
                "parent": parent_id,
                "verified": self.day.isoformat(),
            }
            doc.append(_ordered(new, UNIT_ORDER), UNIT_ORDER)
            change = _Change(_changed_texts(docs), ["new unit"])
            subject = f"Ny enhed {new.get('name', new['id'])} under {parent.name}"
            return self._apply(repo, change, subject, author, str(new["id"]))

    def move(
        self,
        state: UnitState,
        department: str,
        parent: str | None,
        author: Author,
    ) -> SaveResult:
        """Move a unit to another parent and/or department (and its department's file)."""
        repo = self._require_repo()
        author = checked_author(author)
        if not SLUG.fullmatch(department or ""):
            raise EditRefused(
                [
                    FieldError(
                        "department",
                        "Det er ikke en forvaltning i landkortet: vælg en forvaltning fra listen.",
                    )
                ]
            )
        if parent == state.unit_id:
            raise EditRefused([FieldError("parent", "En enhed kan ikke ligge under sig selv.")])
        with self._writing(repo):
            self._check_unchanged(state)
            docs: dict[str, SeqFile] = {}
            src = self._doc(state.file, docs, "units")
            index = src.find(state.unit_id)
            if index is None:
                raise EditConflict([state.file], [], gone=True)
            node = src.item(index)
            new = {**plain(node), "department": department, "verified": self.day.isoformat()}
            if parent:
                new["parent"] = parent
            else:
                new.pop("parent", None)
            target = f"units/{department}.yaml"
            if target == state.file:
                merge(node, new, UNIT_ORDER)
            else:
                src.delete(index)
                self._doc(target, docs, "units").append(new, UNIT_ORDER)
            change = _Change(_changed_texts(docs), ["department", "parent"])
            if not change.texts:
                return SaveResult(None, [], "Ingen ændringer at gemme.")
            where = self._department_label(department)
            if parent:
                where += f", under {self._unit_name(parent)}"
            return self._apply(
                repo, change, f"Flyt {state.name} til {where}", author, state.unit_id
            )

    def _department_label(self, department: str) -> str:
        for item in parsed_records(self._department_text(), "departments"):
            if isinstance(item, dict) and item.get("id") == department:
                short = item.get("short")
                return str(short or item.get("name") or department)
        return department.upper()

    def _department_text(self) -> str | None:
        try:
            return read_data_file(self.root, "departments.yaml").decode("utf-8-sig")
        except (UnsafeFile, UnicodeDecodeError):
            return None

    def _unit_name(self, unit_id: str) -> str:
        rel = self._unit_file(unit_id)
        found = self._own(rel, "units", "id", unit_id) if rel else []
        return str(found[-1][1].get("name") or unit_id) if found else unit_id

    def dependents(self, unit_id: str) -> list[str]:
        """What would dangle if the unit were retired (Danish lines); empty: safe."""
        rel = self._unit_file(unit_id)
        if rel is None:
            return []
        unit = self._own(rel, "units", "id", unit_id)[-1][1]
        own = [str(c.get("id")) for c in unit.get("contacts") or [] if isinstance(c, dict)]
        out: list[str] = []
        for file, kind in self._files().items():
            if kind != "units":
                continue
            for _, child in self._own(file, "units", "parent", unit_id):
                out.append(f"Enheden »{child.get('name')}« ligger under den. Flyt den først.")
            for contact_id in own:
                for _, other in records_with(self._text(file), "units", "backup", contact_id):
                    if not isinstance(other, dict) or other.get("id") == unit_id:
                        continue
                    for contact in other.get("contacts") or []:
                        if isinstance(contact, dict) and contact.get("backup") == contact_id:
                            owner = next(
                                (
                                    c.get("name")
                                    for c in unit["contacts"]
                                    if c.get("id") == contact_id
                                ),
                                contact_id,
                            )
                            out.append(
                                f"Kontaktpersonen {contact.get('name')} i »{other.get('name')}« "
                                f"har {owner} som backup. Vælg en anden backup først."
                            )
        return out

    def retire(self, state: UnitState, author: Author) -> SaveResult:
        """Remove a unit with its contacts and every referral to or from it.

        Refused while another unit lies under it or a contact elsewhere has one of its
        contacts as backup (those would dangle)."""
        repo = self._require_repo()
        author = checked_author(author)
        with self._writing(repo):
            self._check_unchanged(state)
            blockers = self.dependents(state.unit_id)
            if blockers:
                raise EditRefused([FieldError("", line) for line in blockers])
            docs: dict[str, SeqFile] = {}
            doc = self._doc(state.file, docs, "units")
            index = doc.find(state.unit_id)
            if index is None:
                raise EditConflict([state.file], [], gone=True)
            doc.delete(index)
            removed = 0
            for rel in self._referral_files(state.unit_id, ("from", "to")):
                seq = self._doc(rel, docs, "referrals")
                ends = {*seq.indexes_with("from", state.unit_id)}
                for i in ends | set(seq.indexes_with("to", state.unit_id)):
                    seq.delete(i)
                    removed += 1
            change = _Change(_changed_texts(docs), ["retired"])
            word = "henvisning" if removed == 1 else "henvisninger"
            subject = f"Nedlæg {state.name} og {removed} {word}"
            return self._apply(repo, change, subject, author, None)

    # -- history and undo ----------------------------------------------------------------
    def history(self, unit_id: str, limit: int = 30) -> list[HistoryEntry]:
        """The commits that changed the unit or its outgoing referrals, newest first.

        `git log --raw` names each commit's files and their blobs before and after; only
        the unit's own records are read from a blob (its lines found by their `id:` or
        `from:` line, then parsed alone), once per blob and unit: blobs never change, so
        the next call reads only the blobs of new commits."""
        repo = self._require_repo()
        prefix = _prefix(repo, self.root)
        commits = repo.log([repo.rel(self.root)], limit=limit * 4)
        _read_unit_records(repo, commits, prefix, unit_id)
        entries: list[HistoryEntry] = []
        for commit in commits:
            old, new = _unit_sides(repo, commit, prefix, unit_id)
            changes = field_changes(old[0], new[0], old[1], new[1])
            if not changes:
                continue
            only_referrals = old[0] is None and new[0] is None
            edits = [c for c in changes if c.field != "verified"]
            undoable = bool(edits) and (
                only_referrals or (old[0] is not None and new[0] is not None and old[2] == new[2])
            )
            entries.append(HistoryEntry(commit, changes, undoable, (old[0], new[0])))
            if len(entries) >= limit:
                break
        return entries

    def undo(self, unit_id: str, sha: str, author: Author) -> SaveResult:
        """A new commit that takes back what commit `sha` changed in the unit, validated
        like any edit (its `verified` becomes today, as with every save). Refused when a
        field it changed has been changed again since."""
        repo = self._require_repo()
        prefix = _prefix(repo, self.root)
        commits = repo.log([repo.rel(self.root)], limit=500)
        commit = next((c for c in commits if c.sha.startswith(sha)), None)
        if commit is None:
            raise EditError("Ændringen findes ikke i historikken (mere).")
        _read_unit_records(repo, [commit], prefix, unit_id)
        old, new = _unit_sides(repo, commit, prefix, unit_id)
        if old[0] is None and new[0] is None:  # only its referrals changed
            old, new = ({}, old[1], None), ({}, new[1], None)
        if old[0] is None or new[0] is None:
            raise EditError(
                "Kun rettelser af en eksisterende enhed kan fortrydes her; "
                "en ny, flyttet eller nedlagt enhed fortrydes med git."
            )
        state = self.open(unit_id)
        record = dict(state.record)
        stale: list[str] = []
        for change in field_changes(old[0], new[0]):
            key = change.field
            if key == "verified":
                continue
            if state.record.get(key) != new[0].get(key):
                stale.append(FIELD_DA.get(key, key))
            elif key in old[0]:
                record[key] = old[0][key]
            else:
                record.pop(key, None)
        referrals = [dict(r) for r in state.referrals]
        strip = [_no_origin(r) for r in referrals]
        if [_no_origin(r) for r in old[1]] != [_no_origin(r) for r in new[1]]:
            if strip != [_no_origin(r) for r in new[1]]:
                stale.append(FIELD_DA["referrals"])
            else:
                origins = [r["_origin"] for r in referrals]
                referrals = [
                    {**_no_origin(r), **({"_origin": origins[i]} if i < len(origins) else {})}
                    for i, r in enumerate(old[1])
                ]
        if stale:
            raise EditRefused(
                [
                    FieldError(
                        "",
                        f"Ændringen kan ikke fortrydes: {', '.join(stale)} er ændret igen "
                        "siden. Ret feltet i formularen i stedet.",
                    )
                ]
            )
        return self.save(
            state, record, referrals, author, message=f"Fortryd {commit.short}: {commit.subject}"
        )


def close_fixed_reports(
    store: ReportStore,
    report_ids: Iterable[str],
    sha: str,
    by: str,
    *,
    commit_url_template: str | None = None,
) -> list[Report]:
    """Close the reports an edit fixed, each with a note that names the commit (and links
    it, with the template of `LANDKORT_COMMIT_URL`). Reports closed meanwhile by someone
    else are left as they are."""
    url = commit_url(sha, commit_url_template)
    note = f"Rettet ved redigering: commit {sha[:10]}" + (f" ({url})" if url else "")
    closed: list[Report] = []
    for report_id in report_ids:
        try:
            closed.append(store.close(report_id, by=by, note=note))
        except ReportError as exc:
            if exc.code is not ReportProblem.ALREADY_CLOSED:
                raise
    return closed


# -- helpers -------------------------------------------------------------------------------


def _subject(verb: str, name: str, fields: list[str]) -> str:
    """A Danish commit subject: 'Ret Borgerservice: beskrivelse, telefoner'."""
    return f"{verb} {' '.join(name.split())}: " + ", ".join(field_word(f) for f in fields)


def _who(author: Author) -> tuple[str, str]:
    return author.name, author.email


def _os_message(exc: OSError) -> str:
    """Why a file could not be written, in Danish, with the fix (no server paths)."""
    reason = os_reason(exc)
    if exc.errno in (13, 1, 30):  # EACCES, EPERM, EROFS
        return (
            f"Ændringen kunne ikke gemmes: appen må ikke skrive i datamappen ({reason}). Intet "
            "er ændret. Bed den, der driver landkortet, om at give appen skriveadgang til "
            "datamappen."
        )
    if exc.errno == 28:  # ENOSPC
        return (
            "Ændringen kunne ikke gemmes: serverens disk er fuld. Intet er ændret. Bed den, der "
            "driver landkortet, om at skaffe plads, og gem igen."
        )
    return (
        f"Ændringen kunne ikke gemmes ({reason}). Intet er ændret; prøv igen, eller skriv til "
        "den, der driver landkortet."
    )


def _ordered(record: dict[str, Any], order: list[str]) -> dict[str, Any]:
    return {k: record[k] for k in [*order, *record] if k in record}


def _no_origin(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "_origin"}


def _changed_texts(docs: dict[str, SeqFile]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for doc in docs.values():
        text = doc.text()
        if text != doc.original:
            out[doc.rel] = text
    return out


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _key_at(text: str, unit_id: str, line: int) -> str:
    """The unit's top-level key whose lines hold `line` ('' when outside the unit)."""
    doc = SeqFile(text, "units")
    index = doc.find(unit_id)
    if index is None:
        return ""
    start = doc.line_of(index)
    end = doc.line_of(index + 1) if index + 1 < len(doc) else doc.end
    if not start <= line < end:
        return ""
    best = ""
    for key, key_line_ in doc.key_lines(index).items():
        if key_line_ <= line:
            best = key
    return best if best in FIELD_DA else ""


_UnitAt = tuple[dict[str, Any] | None, list[dict[str, Any]], str | None]

# (blob, file kind, unit id) -> the unit's records in that blob (its own record in a units
# file, its outgoing referrals in a referrals file). Blobs never change: nothing goes stale.
_RECORDS: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
_RECORDS_MAX = 20_000
_RECORDS_LOCK = threading.Lock()


def _prefix(repo: Repo, root: Path) -> str:
    """The data directory's path in the repository, as a prefix of the paths git names."""
    data_rel = repo.rel(root)
    return "" if data_rel == "." else data_rel + "/"


def _file_kind(path: str, prefix: str) -> str | None:
    """`units` or `referrals` for a data file git names (None for every other file)."""
    if not path.startswith(prefix):
        return None
    kind = classify(path[len(prefix) :])
    return kind if kind in ("units", "referrals") else None


def _read_unit_records(repo: Repo, commits: Iterable[Commit], prefix: str, unit_id: str) -> None:
    """Read the unit's records from every blob of these commits not read before (one
    `git cat-file` for all of them)."""
    wanted: dict[str, set[str]] = {}
    for commit in commits:
        for path, blobs in zip(commit.files, commit.blobs, strict=False):
            kind = _file_kind(path, prefix)
            for blob in blobs if kind else ():
                if blob and (blob, kind, unit_id) not in _RECORDS:
                    wanted.setdefault(blob, set()).add(str(kind))
    if not wanted:
        return
    needle = unit_id.encode()
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for blob, data in repo.read_blobs(sorted(wanted)):
        # most blobs do not name the unit at all: they are never decoded
        text = data.decode("utf-8", "replace") if data and needle in data else None
        for kind in wanted[blob]:
            found[(blob, kind, unit_id)] = unit_records(text, kind, unit_id)
    with _RECORDS_LOCK:
        if len(_RECORDS) + len(found) > _RECORDS_MAX:
            _RECORDS.clear()
        _RECORDS.update(found)


def _unit_sides(repo: Repo, commit: Commit, prefix: str, unit_id: str) -> tuple[_UnitAt, _UnitAt]:
    """The unit before and after a commit: its record, its outgoing referrals (from the
    commit's files) and the file that holds it (read by `_read_unit_records` first)."""
    sides: list[_UnitAt] = []
    for side in (0, 1):
        record: dict[str, Any] | None = None
        where: str | None = None
        referrals: list[dict[str, Any]] = []
        for path, blobs in zip(commit.files, commit.blobs, strict=False):
            kind = _file_kind(path, prefix)
            if kind is None or not blobs[side]:
                continue
            records = _RECORDS.get((blobs[side], kind, unit_id))
            if records is None:  # evicted meanwhile (another unit's history): read again
                _read_unit_records(repo, [commit], prefix, unit_id)
                records = _RECORDS.get((blobs[side], kind, unit_id), [])
            if kind == "referrals":
                referrals.extend(records)
            elif records:
                record, where = records[-1], path
        sides.append((record, referrals, where))
    return sides[0], sides[1]


def unit_records(text: str | None, kind: str, unit_id: str) -> list[dict[str, Any]]:
    """The unit's own record (units) or its outgoing referrals (referrals) in a file's text,
    each parsed alone (see `directory.editing.reading`)."""
    key = "id" if kind == "units" else "from"
    return [
        record
        for _, record in records_with(text, kind, key, unit_id)
        if isinstance(record, dict) and record.get(key) == unit_id
    ]
