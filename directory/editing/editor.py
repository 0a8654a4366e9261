"""Edit the directory's YAML files safely: validated first, written atomically under a lock,
committed to git as the signed-in user, and never over a change someone else saved.

    editor = Editor("data")
    state = editor.open("sof-bcv")                 # when the form opens
    result = editor.save(state, record, referrals, author)   # on Gem

`save` refuses (and writes nothing) when the form breaks a rule (`EditRefused`, errors by
the field in Danish), when the whole directory would not validate with the change, or when
a file changed since the form was opened (`EditConflict`, with what changed). Also: `create`
(a new team under a unit), `move`, `retire`, `history`, `undo`, and `add_need_word` (a
word added to a need of the needs vocabulary, in needs.yaml).
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import os
import re
import threading
from collections.abc import Iterable
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
    check_unit,
    field_changes,
)
from directory.editing.gitrepo import Commit, GitError, Repo, git_available
from directory.editing.yamledit import (
    EditTextError,
    SeqFile,
    merge,
    merge_by_id,
    plain,
)
from directory.loading.loader import Validation, classify, remember, validate_directory
from directory.loading.safefile import atomic_write, fsync_dir, os_reason, sha256_of
from directory.model import Problem
from directory.quality.reports import Report, ReportError, ReportProblem, ReportStore
from directory.rules import clock

LOCK_NAME = "landkort-edit.lock"
LOCK_TIMEOUT_S = 30.0
UNITS_HEADER = "units:\n"
REFERRALS_HEADER = "referrals:\n"


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


@dataclass(frozen=True)
class SaveResult:
    sha: str | None  # None: nothing changed, nothing committed
    fields: list[str]
    message: str


@dataclass(frozen=True)
class HistoryEntry:
    commit: Commit
    changes: list[FieldChange]
    undoable: (
        bool  # an edit of an existing unit (not its creation, move between files or retirement)
    )


@dataclass
class _Change:
    """Files to write (text) or delete (None), relative to the data directory."""

    texts: dict[str, str | None] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)


def commit_url(sha: str, template: str | None) -> str | None:
    """A link to the commit from the template of `LANDKORT_COMMIT_URL` (`{sha}` replaced),
    or None when it is unset."""
    return template.replace("{sha}", sha) if template else None


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

    # -- can we edit at all? -------------------------------------------------------------
    def off_reason(self) -> str | None:
        """Why editing is off (Danish), or None when it is on."""
        if not git_available():
            return "Redigering er slået fra: programmet git er ikke installeret på serveren."
        if self.repo is None:
            return (
                f"Redigering er slået fra: datamappen ({self.root}) er ikke et git-repository, "
                "så ændringer ikke kan gemmes med historik. Bed driften køre `git init` i "
                "datamappen og committe filerne."
            )
        return None

    def _require_repo(self) -> Repo:
        reason = self.off_reason()
        if reason is not None or self.repo is None:
            raise EditingOff(reason or "Redigering er slået fra.")
        return self.repo

    # -- reading -------------------------------------------------------------------------
    def _files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for path in sorted(self.root.rglob("*.yaml")):
            rel = path.relative_to(self.root).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            kind = classify(rel)
            if kind in ("units", "referrals"):
                out[rel] = kind
        return out

    def _text(self, rel: str) -> str | None:
        try:
            return (self.root / rel).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return None

    def _doc(self, rel: str, docs: dict[str, SeqFile], kind: str) -> SeqFile:
        if rel not in docs:
            text = self._text(rel)
            docs[rel] = SeqFile(text or "", kind, str(self.root / rel), rel)
        return docs[rel]

    def _unit_file(self, unit_id: str) -> str | None:
        """The units file that defines the unit (found by its `id:` line, then checked)."""
        pattern = _key_line("id", unit_id)
        for rel, kind in self._files().items():
            text = self._text(rel) or ""
            if (
                kind == "units"
                and pattern.search(text)
                and any(
                    isinstance(u, dict) and u.get("id") == unit_id
                    for u in _fast_records(text, "units")
                )
            ):
                return rel
        return None

    def _find_unit(self, unit_id: str, docs: dict[str, SeqFile]) -> tuple[str, int] | None:
        rel = self._unit_file(unit_id)
        if rel is None:
            return None
        index = self._doc(rel, docs, "units").find(unit_id)
        return None if index is None else (rel, index)

    def _referral_files(self, unit_id: str, keys: tuple[str, ...] = ("from",)) -> list[str]:
        """Referral files with a `from:` (or `to:`) line naming the unit."""
        patterns = [_key_line(key, unit_id) for key in keys]
        out = []
        for rel, kind in self._files().items():
            if kind == "referrals":
                text = self._text(rel) or ""
                if any(p.search(text) for p in patterns):
                    out.append(rel)
        return out

    def open(self, unit_id: str) -> UnitState:
        """The unit as it is on disk now (what the form starts from). Read with libyaml:
        the slow round-trip parser is used only for the files a save changes."""
        rel = self._unit_file(unit_id)
        if rel is None:
            raise EditError(f"Enheden »{unit_id}« findes ikke i datafilerne.")
        units = _fast_records(self._text(rel), "units")
        record = plain(next(u for u in units if isinstance(u, dict) and u.get("id") == unit_id))
        files = [rel, *self._referral_files(unit_id)]
        hashes = {f: sha256_of(self.root / f) for f in files}
        referrals: list[dict[str, Any]] = []
        for file in files[1:]:
            for i, item in enumerate(_fast_records(self._text(file), "referrals")):
                if isinstance(item, dict) and item.get("from") == unit_id:
                    referrals.append({**plain(item), "_origin": f"{file}#{i}"})
        return UnitState(unit_id, rel, record, referrals, hashes)

    # -- saving --------------------------------------------------------------------------
    def _lock(self, repo: Repo) -> FileLock:
        return FileLock(str(repo.git_dir() / LOCK_NAME), timeout=LOCK_TIMEOUT_S)

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
        """Write the form's version of the unit and its outgoing referrals as one commit."""
        repo = self._require_repo()
        _check_author(author)
        unit_ids = self._unit_ids()
        errors = check_unit(record, referrals, unit_ids | {record.get("id", "")})
        if record.get("id") != state.unit_id:
            errors.insert(0, FieldError("id", "En enheds id kan ikke ændres her."))
        if errors:
            raise EditRefused(errors)
        try:
            with self._lock(repo):
                self._check_unchanged(state)
                change = self._unit_change(state, record, referrals)
                if not change.texts:
                    return SaveResult(None, [], "Ingen ændringer at gemme.")
                subject = message or f"Edit {state.unit_id}: {', '.join(change.fields)}"
                return self._apply(repo, change, subject, author, state.unit_id)
        except Timeout as exc:
            raise EditError("En anden gemmer lige nu. Vent et øjeblik, og tryk Gem igen.") from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc

    def _unit_change(
        self, state: UnitState, record: dict[str, Any], referrals: list[dict[str, Any]]
    ) -> _Change:
        docs: dict[str, SeqFile] = {}
        change = _Change()
        fields: list[str] = []
        if record != state.record:
            doc = self._doc(state.file, docs, "units")
            index = doc.find(state.unit_id)
            if index is None:
                raise EditConflict([state.file], [], gone=True)
            node = doc.item(index)
            record = dict(record)
            contacts = record.get("contacts")
            if contacts and isinstance(node.get("contacts"), CommentedSeq):
                before = plain(node["contacts"])
                merge_by_id(node["contacts"], contacts)
                if plain(node["contacts"]) != before:
                    fields.append("contacts")
            fields += [f for f in merge(node, record, UNIT_ORDER) if f not in fields]
            fields = [f for f in UNIT_ORDER if f in fields] + [
                f for f in fields if f not in UNIT_ORDER
            ]
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
                rel, _, i = origin.rpartition("#")
                merge(self._doc(rel, docs, "referrals").item(int(i)), referral, REFERRAL_ORDER)
            else:
                new.append({k: v for k, v in referral.items() if v not in (None, [], "")})
        drop: dict[str, list[int]] = {}
        for origin in origins - kept:
            rel, _, i = origin.rpartition("#")
            drop.setdefault(rel, []).append(int(i))
        for rel, indexes in drop.items():
            for i in indexes:
                self._doc(rel, docs, "referrals").delete(i)
        if new:
            target = self._referral_target(state)
            for referral in new:
                self._doc(target, docs, "referrals").append(referral, REFERRAL_ORDER)
        change.texts = _changed_texts(docs)
        if any(rel != state.file for rel in change.texts):
            fields.append("referrals")
        change.fields = fields
        return change

    def _referral_target(self, state: UnitState) -> str:
        """Where a unit's new referral goes: next to its others, else a file per department."""
        if state.referrals:
            return str(state.referrals[0]["_origin"]).rpartition("#")[0]
        department = state.record.get("department", "andre")
        if (self.root / "referrals").is_dir() or not (self.root / "referrals.yaml").exists():
            return f"referrals/{department}.yaml"
        return "referrals.yaml"

    def _unit_ids(self) -> set[str]:
        """Every id in the units files (units and contacts: a quick superset for the form's
        rules; the whole-directory validation has the last word)."""
        ids: set[str] = set()
        for rel, kind in self._files().items():
            if kind == "units":
                ids.update(_ID_LINE.findall(self._text(rel) or ""))
        return ids

    def _apply(
        self, repo: Repo, change: _Change, subject: str, author: Author, unit_id: str | None
    ) -> SaveResult:
        """Validate the whole directory with the change, then write, then commit; the
        validation goes into the disk cache, so the app's next load does not redo it."""
        # The validation is millions of objects, all kept until the save ends: the cyclic
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
        today = self.today or clock.today()
        errors, validation = self._validate_with(change, unit_id, today)
        if errors:
            raise EditRefused(errors)
        originals = {rel: self._text(rel) for rel in change.texts}
        paths = [self.root / rel for rel in change.texts]
        try:
            for rel, text in change.texts.items():
                if text is None:
                    (self.root / rel).unlink(missing_ok=True)
                    fsync_dir((self.root / rel).parent)
                else:
                    atomic_write(self.root / rel, text)
            sha = repo.commit([str(p) for p in paths], subject, author.name, author.email)
        except (OSError, GitError) as exc:
            for rel, text in originals.items():  # put the files back as they were
                if text is None:
                    (self.root / rel).unlink(missing_ok=True)
                else:
                    atomic_write(self.root / rel, text)
            raise EditError(
                f"Ændringen kunne ikke gemmes ({_why(exc)}). Intet er ændret; prøv igen, "
                "eller skriv til den, der driver landkortet."
            ) from exc
        remember(self.where, validation, cache_dir=self.cache_dir, today=today)
        return SaveResult(sha, change.fields, subject)

    def _validate_with(
        self, change: _Change, unit_id: str | None, today: dt.date
    ) -> tuple[list[FieldError], Validation]:
        """Errors the change would add to the directory (errors already there do not
        count), and the validation of the directory with the change.

        The change is validated as an overlay (its files' new texts from memory, every
        other file from disk), so nothing is copied or written. The errors already there
        come from the validation of the files as they are, which the disk cache holds once
        the app has loaded them."""
        after = validate_directory(
            self.where, today=today, cache_dir=self.cache_dir, overlay=change.texts
        )
        if after.ok:
            return [], after
        current = validate_directory(self.where, today=today, cache_dir=self.cache_dir)
        before = {(p.path, p.message) for p in current.errors}
        new = [p for p in after.errors if (p.path, p.message) not in before]
        return [self._field_of(p, change, unit_id) for p in new], after

    def _field_of(self, problem: Problem, change: _Change, unit_id: str | None) -> FieldError:
        rel = _rel(problem.path, self.root)
        detail = f"{rel}, linje {problem.line}: {problem.message}"
        text = change.texts.get(rel)
        field_name = ""
        if text is not None and unit_id is not None:
            kind = classify(rel)
            if kind == "units":
                field_name = _key_at(text, unit_id, problem.line)
            elif kind == "referrals":
                field_name = "referrals"
        return FieldError(field_name, f"Datafilen ville få en fejl ({detail}).")

    # -- the needs vocabulary ----------------------------------------------------------------
    def add_need_word(
        self, need_id: str, word: str, author: Author, *, label: str | None = None
    ) -> SaveResult:
        """Add a word (a missing word, a search that found nothing) to a need in needs.yaml
        as one commit; `label` names a national need the file does not have yet."""
        from directory.editing.needs import need_word_change, need_word_problem
        from directory.rules.needs import NEEDS_FILE

        repo = self._require_repo()
        _check_author(author)
        word = " ".join(word.split())
        problem = need_word_problem(word)
        if problem is not None:
            raise EditRefused([FieldError("word", problem)])
        try:
            with self._lock(repo):
                text = self._text(NEEDS_FILE)
                path = str(self.root / NEEDS_FILE)
                new, error = need_word_change(text, path, need_id, label or need_id, word)
                if error is not None or new is None:
                    raise EditRefused([error or FieldError("word", "Ordet kan ikke tilføjes.")])
                change = _Change({NEEDS_FILE: new}, ["needs"])
                subject = f"Behovsordbogen: »{word}« tilføjet til behovet {need_id}"
                return self._apply(repo, change, subject, author, None)
        except Timeout as exc:
            raise EditError("En anden gemmer lige nu. Vent et øjeblik, og prøv igen.") from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc

    # -- new, move, retire -----------------------------------------------------------------
    def create(self, parent_id: str, record: dict[str, Any], author: Author) -> SaveResult:
        """A new unit under `parent_id`, in the parent's file and department."""
        repo = self._require_repo()
        _check_author(author)
        try:
            with self._lock(repo):
                docs: dict[str, SeqFile] = {}
                where = self._find_unit(parent_id, docs)
                if where is None:
                    raise EditError(f"Enheden »{parent_id}« findes ikke i datafilerne.")
                rel, index = where
                new = {
                    **{k: v for k, v in record.items() if v not in (None, [], "")},
                    "department": str(docs[rel].get(index, "department")),
                    "parent": parent_id,
                    "verified": (self.today or clock.today()).isoformat(),
                }
                unit_ids = self._unit_ids()
                errors = check_unit(new, [], unit_ids)
                if new.get("id") in unit_ids:
                    errors.insert(
                        0, FieldError("id", f"Id »{new['id']}« findes allerede. Vælg et andet.")
                    )
                if errors:
                    raise EditRefused(errors)
                docs[rel].append(_ordered(new, UNIT_ORDER), UNIT_ORDER)
                change = _Change(_changed_texts(docs), ["new unit"])
                subject = f"New unit {new['id']} under {parent_id}"
                return self._apply(repo, change, subject, author, str(new["id"]))
        except Timeout as exc:
            raise EditError("En anden gemmer lige nu. Vent et øjeblik, og prøv igen.") from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc

    def move(
        self,
        state: UnitState,
        department: str,
        parent: str | None,
        author: Author,
    ) -> SaveResult:
        """Move a unit to another parent and/or department (and its department's file)."""
        repo = self._require_repo()
        _check_author(author)
        if parent == state.unit_id:
            raise EditRefused([FieldError("parent", "En enhed kan ikke ligge under sig selv.")])
        try:
            with self._lock(repo):
                self._check_unchanged(state)
                docs: dict[str, SeqFile] = {}
                src = self._doc(state.file, docs, "units")
                index = src.find(state.unit_id)
                if index is None:
                    raise EditConflict([state.file], [], gone=True)
                node = src.item(index)
                new = {**plain(node), "department": department}
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
                where = f"{department}/{parent}" if parent else department
                subject = f"Move {state.unit_id} to {where}"
                return self._apply(repo, change, subject, author, state.unit_id)
        except Timeout as exc:
            raise EditError("En anden gemmer lige nu. Vent et øjeblik, og prøv igen.") from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc

    def dependents(self, unit_id: str) -> list[str]:
        """What would dangle if the unit were retired (Danish lines); empty: safe."""
        rel = self._unit_file(unit_id)
        if rel is None:
            return []
        unit = next(
            u
            for u in _fast_records(self._text(rel), "units")
            if isinstance(u, dict) and u.get("id") == unit_id
        )
        own = {str(c.get("id")) for c in unit.get("contacts") or [] if isinstance(c, dict)}
        out: list[str] = []
        for file, kind in self._files().items():
            if kind != "units":
                continue
            for unit in _fast_records(self._text(file), "units"):
                if not isinstance(unit, dict) or unit.get("id") == unit_id:
                    continue
                if unit.get("parent") == unit_id:
                    out.append(f"Enheden »{unit.get('id')}« ligger under den. Flyt den først.")
                for contact in unit.get("contacts") or []:
                    if isinstance(contact, dict) and contact.get("backup") in own:
                        out.append(
                            f"Kontaktpersonen »{contact.get('id')}« i »{unit.get('id')}« har "
                            f"»{contact.get('backup')}« som backup. Vælg en anden backup først."
                        )
        return out

    def retire(self, state: UnitState, author: Author) -> SaveResult:
        """Remove a unit with its contacts and every referral to or from it.

        Refused while another unit lies under it or a contact elsewhere has one of its
        contacts as backup (those would dangle)."""
        repo = self._require_repo()
        _check_author(author)
        try:
            with self._lock(repo):
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
                    for i in range(len(seq)):
                        if state.unit_id in (seq.get(i, "from"), seq.get(i, "to")):
                            seq.delete(i)
                            removed += 1
                change = _Change(_changed_texts(docs), ["retired"])
                subject = f"Retire {state.unit_id} (and {removed} referral(s))"
                return self._apply(repo, change, subject, author, None)
        except Timeout as exc:
            raise EditError("En anden gemmer lige nu. Vent et øjeblik, og prøv igen.") from exc
        except EditTextError as exc:
            raise EditError(f"En datafil kan ikke læses: {exc}") from exc

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
            undoable = only_referrals or (
                old[0] is not None and new[0] is not None and old[2] == new[2]
            )
            entries.append(HistoryEntry(commit, changes, undoable))
            if len(entries) >= limit:
                break
        return entries

    def undo(self, unit_id: str, sha: str, author: Author) -> SaveResult:
        """A new commit that takes back what commit `sha` changed in the unit, validated
        like any edit. Refused when a field it changed has been changed again since."""
        repo = self._require_repo()
        prefix = _prefix(repo, self.root)
        commits = repo.log([repo.rel(self.root)], limit=500)
        commit = next((c for c in commits if c.sha.startswith(sha)), None)
        if commit is None:
            raise EditError(f"Ændringen {sha[:10]} findes ikke i historikken.")
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
            state, record, referrals, author, message=f"Undo {commit.short}: {commit.subject}"
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


def _why(exc: Exception) -> str:
    """Why a write or a commit failed: the operating system's reason in Danish, or git's own
    words (the operator's detail)."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    return str(exc)


def _check_author(author: Author) -> None:
    if not author.name.strip() or "@" not in author.email:
        raise EditError(
            "Din konto mangler navn eller e-mail, så ændringen ikke kan skrives i historikken. "
            "Log ind igen, eller kontakt den, der driver landkortet."
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
            out[_doc_rel(doc)] = text
    return out


def _doc_rel(doc: SeqFile) -> str:
    return doc.rel


def _key_line(key: str, value: str) -> re.Pattern[str]:
    """A line `key: value` (as `- key:` too, the value plain or quoted)."""
    return re.compile(rf"""^[ \t-]*{key}:[ \t]*["']?{re.escape(value)}["']?[ \t]*(?:#.*)?$""", re.M)


_ID_LINE = re.compile(r"""^[ \t-]*id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.M)


def _fast_records(text: str | None, kind: str) -> list[Any]:
    """The records of a file read with libyaml (read-only uses; no round trip)."""
    import yaml

    if not text:
        return []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml's safe loader
    try:
        data = loader.get_single_data()
    except (yaml.YAMLError, ValueError):
        return []
    finally:
        loader.dispose()
    items = data.get(kind) if isinstance(data, dict) else None
    return items if isinstance(items, list) else []


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


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
    node = doc.nodes[index]
    best = ""
    for key, key_line in node.key_lines.items():
        if key_line <= line:
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
            found[(blob, kind, unit_id)] = _unit_records(text, kind, unit_id)
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


def _unit_records(text: str | None, kind: str, unit_id: str) -> list[dict[str, Any]]:
    """The unit's own record (units) or its outgoing referrals (referrals) in a file's text.

    Only the records whose `id:`/`from:` line names the unit are parsed, each alone (a
    record runs from its dash to the next dash in the same column); a file laid out
    otherwise is parsed whole."""
    key = "id" if kind == "units" else "from"
    if not text:
        return []
    positions = [m.start() for m in _key_line(key, unit_id).finditer(text)]
    if not positions:
        return []
    slices = _record_slices(text, kind, positions)
    if slices is None:
        items = _fast_records(text, kind)
    else:
        items = [item for part in slices for item in _fast_records(f"{kind}:\n{part}", kind)]
    return [plain(item) for item in items if isinstance(item, dict) and item.get(key) == unit_id]


_DASH = re.compile(r"^( *)-(?:[ \t]|$)", re.M)
_TOP_KEY = re.compile(r"^[^\s#-]", re.M)


def _record_slices(text: str, kind: str, positions: list[int]) -> list[str] | None:
    """The text of each top-level record holding one of `positions` (None: the file's
    layout is not the plain `kind:` + one dash per record this reads)."""
    top = re.search(rf"^{kind}:[ \t]*(?:#.*)?$", text, re.M)
    first = _DASH.search(text, top.end()) if top else None
    if first is None:
        return None
    end_match = _TOP_KEY.search(text, first.start())
    end = end_match.start() if end_match else len(text)
    column = len(first.group(1))
    starts = [
        m.start()
        for m in re.finditer(rf"^ {{{column}}}-(?:[ \t]|$)", text[:end], re.M)
        if m.start() >= first.start()
    ]
    out: list[str] = []
    for position in positions:
        if not first.start() <= position < end:
            return None
        i = bisect.bisect_right(starts, position) - 1
        part = text[starts[i] : starts[i + 1] if i + 1 < len(starts) else end]
        if part not in out:
            out.append(part)
    return out
