"""Validate a change to a few units and referrals files against the rest of the directory as
it was validated before: the result is the one a whole validation of the directory with the
change gives (`validate_directory(..., overlay=...)`), for a fraction of its cost.

    result = validate_change("data", {"units/sof.yaml": new_text}, today=today)

What it does, given the validation of the files as they are now (`validate_directory`: kept
in this process, else the disk cache, else a whole validation):

- each changed file is parsed with the loader's reader; a record whose text is the same as
  one the file had before keeps its validated model (with its new line numbers), every other
  record is validated by the loader's own code;
- the references of the changed records are checked against the ids of the whole directory,
  and the unchanged records that pointed to an id the change removed are found through the
  directory's indexes;
- warnings: those of unchanged files are kept, those of changed files made again.

Whenever the result could differ from a whole validation's (the files changed since the
validation it starts from, that validation has errors, a changed id is also in an unchanged
file, an unchanged record points to a removed id, a parent ring through a changed unit, a
file of another kind changed) the whole directory is validated instead, so the outcome is
always the whole validation's.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import operator
import os
from collections.abc import Iterable
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, TypeVar

from directory.loading.cache import content_key, content_state, file_digest, key_of
from directory.loading.loader import (
    STAFF_NUMBER_IN_TEXT,
    Validation,
    _attach_sources,
    _Checker,
    _Item,
    classify,
    validate_directory,
)
from directory.loading.safefile import Overlay, UnsafeFile, read_data_file
from directory.loading.yamltree import Node, YMap, YSeq
from directory.model import Directory, Record, Referral, Unit
from directory.rules import clock
from directory.rules.needs import check_vocabulary
from directory.rules.scrub import (
    StaffNumbers,
    digit_variants,
    keep_staff_numbers,
    staff_numbers,
    staff_only_digits,
    unit_staff_phones,
)

INCREMENTAL_KINDS = frozenset({"units", "referrals"})
_R = TypeVar("_R", bound=Record)


def validate_change(
    path: str | os.PathLike[str],
    overlay: Overlay,
    *,
    today: dt.date | None = None,
    base: Validation | None = None,
    current: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Validation:
    """The validation of the directory with `overlay` written (relative path -> new text,
    None: deleted), as `validate_directory(path, overlay=overlay)` gives it. `base` is the
    validation of the files as they are now (looked up when not given; `current`: the
    caller has just looked it up, its key need not be checked again; `cache_dir`: the disk
    cache it is looked up in). Never stored in the disk cache: `loader.remember` does that
    once the change is written."""
    root = os.fspath(path)
    today = today or clock.today()
    checked = base is None or current  # the validation of the files as they are now
    if base is None:
        base = validate_directory(root, today=today, cache_dir=cache_dir)
    was_enabled = gc.isenabled()
    gc.disable()  # as in validate_directory: many small objects, all kept
    try:
        result = None
        if _can_patch(root, today, overlay, base, checked):
            result = _Patch(root, today, overlay, base).run()
        if result is None:
            return validate_directory(root, today=today, overlay=overlay)  # no cache
    finally:
        if was_enabled:
            gc.enable()
    result.version, result.files = _state_after(root, today, overlay, base)
    return result


def _state_after(
    root: str, today: dt.date, overlay: Overlay, base: Validation
) -> tuple[str, dict[str, str]]:
    """The key and file digests the directory will have once `overlay` is written: from
    `base`'s digests when it has them (only the changed files are hashed), else read."""
    if not base.files:
        return content_state(root, today, overlay)
    files = dict(base.files)
    for rel, text in overlay.items():
        if text is None:
            files.pop(rel, None)
        else:
            files[rel] = file_digest(text.encode("utf-8"))
    return key_of(root, today, files), files


MAX_PATCHED_FILES = 8  # more changed files than this: the whole validation instead


def patch_from(
    root: str, today: dt.date, earlier: Validation, files: dict[str, str]
) -> Validation | None:
    """The validation of the files on disk now (`files`: their digests), made from the
    validation of an earlier version of them, when it can be (see the module's docstring;
    the old texts are gone, so every record of a changed file is validated again). None
    when it cannot: the caller validates the whole directory."""
    changed = {
        rel
        for rel in files.keys() | earlier.files.keys()
        if files.get(rel) != earlier.files.get(rel)
    }
    if not changed or len(changed) > MAX_PATCHED_FILES:
        return None
    overlay: dict[str, str | None] = {}
    for rel in changed:
        if rel not in files:
            overlay[rel] = None
            continue
        try:
            data = read_data_file(Path(root), rel)
            overlay[rel] = data.decode("utf-8-sig")
        except (UnsafeFile, UnicodeDecodeError):
            return None  # the whole validation says what is wrong with it
        if file_digest(data) != files[rel]:
            return None  # changed again while this ran: its key would not be its contents
    if not _can_patch(root, today, overlay, earlier, checked=True):
        return None
    return _Patch(root, today, overlay, earlier, reuse=False).run()


def _can_patch(
    root: str, today: dt.date, overlay: Overlay, base: Validation, checked: bool
) -> bool:
    return (
        base.directory is not None
        and not base.errors
        and bool(overlay)
        and all(classify(rel) in INCREMENTAL_KINDS for rel in overlay)
        and all(_plain_rel(rel) for rel in overlay)
        and bool(base.version)
        and (checked or base.version == content_key(root, today))
    )


def _plain_rel(rel: str) -> bool:
    """A path as the loader names a data file: relative, forward slashes, nothing hidden."""
    parts = rel.split("/")
    return (
        not os.path.isabs(rel)
        and all(p and p not in (".", "..") for p in parts)
        and not any(p.startswith(".") for p in parts)
    )


class _Fallback(Exception):
    """The change needs the whole validation (see the module's docstring)."""


class _Patch(_Checker):
    """The loader's checker, run over the changed files only, against `base`."""

    def __init__(
        self, root: str, today: dt.date, overlay: Overlay, base: Validation, *, reuse: bool = True
    ) -> None:
        super().__init__(root, today, overlay)
        # reuse: the files on disk are the ones `base` validated, so a changed file's
        # records whose text is unchanged keep their models
        self.reuse_records = reuse
        assert base.directory is not None
        self.base = base
        self.old = base.directory
        self.changed = {self.show(rel): rel for rel in overlay}
        # (path, line) of a record in a changed file -> its old model, when its text is
        # the same as a record of the file before the change
        self.reuse: dict[tuple[str, int], Record] = {}
        self.reused: set[int] = set()  # id() of the old models used again
        self.from_reuse: set[int] = set()  # id() of the models they became
        kinds = {classify(rel) for rel in overlay}
        self.old_units = _by_path(self.old.units.values() if "units" in kinds else (), self.changed)
        self.old_referrals = _by_path(
            self.old.referrals if "referrals" in kinds else (), self.changed
        )
        removed = {u.id for units in self.old_units.values() for u in units}
        self.other_unit_ids = self.old.units.keys() - removed
        self.other_contact_ids = self.old.contacts.keys() - {
            c.id for units in self.old_units.values() for u in units for c in u.contacts
        }

    # -- reading the changed files --------------------------------------------------------
    def run(self) -> Validation | None:  # type: ignore[override]
        try:
            return self._run()
        except _Fallback:
            return None

    def _run(self) -> Validation:
        base = Path(self.root)
        for rel in sorted(self.changed.values()):
            kind = classify(rel)
            assert kind is not None
            if self.overlay.get(rel) is not None:
                self._read_file(base, rel, kind)
        new_units = [u for u in self.models["units"].values() if isinstance(u, Unit)]
        new_referrals = [r for r in self.models["referrals"].values() if isinstance(r, Referral)]
        self._check_changed_refs()
        self._check_removed(new_units)
        self._check_rings()
        directory = self._directory(new_units, new_referrals)
        self._warn_changed(directory, new_units, new_referrals)
        self.errors.sort(key=_order)
        self.warnings.sort(key=_order)
        directory.warnings = self.warnings
        if self.errors:
            return Validation(None, self.errors, self.warnings, owners=self._all_owners())
        return Validation(directory, self.errors, self.warnings)

    def _read_top(self, path: str, rel: str, kind: str, root: Node | None) -> None:
        if isinstance(root, YMap) and self.reuse_records:
            seq = root.items.get(kind)
            if isinstance(seq, YSeq) and seq.items:
                self._find_same(path, rel, kind, root, seq)
        super()._read_top(path, rel, kind, root)

    def _find_same(self, path: str, rel: str, kind: str, root: YMap, seq: YSeq) -> None:
        """The records whose text did not change: their old models are used again."""
        old_records: list[Record] = [
            *(self.old_units if kind == "units" else self.old_referrals).get(path, [])
        ]
        if not old_records:
            return
        try:
            old_text = read_data_file(Path(self.root), rel).decode("utf-8-sig")
        except (UnsafeFile, UnicodeDecodeError):
            return
        new_text = self.overlay.get(rel) or ""
        new_lines = new_text.splitlines(keepends=True)
        seq_line = root.key_lines[kind]
        after = [line for line in root.key_lines.values() if line > seq_line]
        new_end = min(after) if after else len(new_lines) + 1
        starts = [item.line for item in seq.items]
        old_lines = old_text.splitlines(keepends=True)
        old_starts = [r.source.line for r in old_records]
        old_end = _region_end(old_lines, old_starts[-1])
        before: dict[str, Record] = {}
        for i, record in enumerate(old_records):
            end = old_starts[i + 1] if i + 1 < len(old_starts) else old_end
            before.setdefault("".join(old_lines[old_starts[i] - 1 : end - 1]), record)
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else new_end
            old = before.get("".join(new_lines[start - 1 : end - 1]))
            if old is not None:
                self.reuse[(path, start)] = old

    def _validate_item(self, item: _Item) -> None:
        """As the loader's, but a record with unchanged text keeps its model (with the
        lines it has now)."""
        self._check_other_ids(item)
        old = self.reuse.get((item.path, item.node.line))
        if old is None:
            super()._validate_item(item)
            return
        kind = item.kind
        position = self._positions[kind]
        self._positions[kind] = position + 1
        self._check_record_ids(item)
        self.reused.add(id(old))
        model = _moved(old, item.node, item.path)
        self.from_reuse.add(id(model))
        key = str(position) if kind == "referrals" else getattr(model, "id", None) or str(position)
        self.models[kind].setdefault(key, model)

    def _check_other_ids(self, item: _Item) -> None:
        """An id that an unchanged file holds too: the whole validation says which of the
        two is reported where."""
        if item.kind != "units":
            return
        unit_id = _text_of(item.node, "id")
        if unit_id is not None and unit_id in self.other_unit_ids:
            raise _Fallback
        contacts = item.node.items.get("contacts")
        for contact in contacts.items if isinstance(contacts, YSeq) else []:
            if isinstance(contact, YMap) and _text_of(contact, "id") in self.other_contact_ids:
                raise _Fallback

    # -- references -------------------------------------------------------------------
    def _known(self) -> dict[str, set[str]]:
        return {
            "departments": set(self.old.departments),
            "locations": set(self.old.locations),
            "units": self.other_unit_ids | set(self.seen["units"]),
            "contacts": self.other_contact_ids | set(self.seen["contacts"]),
        }

    def _check_changed_refs(self) -> None:
        """The references of the changed records, as the loader's cross-check makes them."""
        known = self._known()
        for refs in self.unit_refs:
            self._check_unit_refs(refs, known)
        for ref in self.referral_refs:
            for key, value, line in (
                ("from", ref.from_, ref.from_line),
                ("to", ref.to, ref.to_line),
            ):
                if value is not None:
                    self._ref(ref.path, line, key, value, known["units"], "units/*.yaml")

    def _check_removed(self, new_units: list[Unit]) -> None:
        """An unchanged record that points to a unit or contact the change removed."""
        gone_units = {u.id for units in self.old_units.values() for u in units} - set(
            self.seen["units"]
        )
        gone_contacts = {
            c.id for units in self.old_units.values() for u in units for c in u.contacts
        } - set(self.seen["contacts"])
        changed = self.changed
        for unit_id in gone_units:
            for child in self.old.children.get(unit_id, []):
                if self.old.units[child].source.path not in changed:
                    raise _Fallback
            for referral in [
                *self.old.referrals_from.get(unit_id, []),
                *self.old.referrals_to.get(unit_id, []),
            ]:
                if referral.source.path not in changed:
                    raise _Fallback
        if gone_contacts:
            for unit in self.old.units.values():
                if unit.source.path in changed:
                    continue
                if any(c.backup in gone_contacts for c in unit.contacts):
                    raise _Fallback

    def _check_rings(self) -> None:
        """A parent ring can only close through a changed unit: walk up from each."""
        parents: dict[str, str] = {}
        for refs in self.unit_refs:
            if refs.id is not None and refs.parent is not None and refs.parent != refs.id:
                parents.setdefault(refs.id, refs.parent)
        old_units = self.old.units
        for refs in self.unit_refs:
            seen: set[str] = set()
            current = refs.id
            while current is not None and current not in seen:
                seen.add(current)
                if current in parents:
                    current = parents[current]
                elif current in old_units and current in self.other_unit_ids:
                    current = old_units[current].parent
                else:
                    current = None
            if current is not None:
                raise _Fallback

    # -- the directory and its warnings ----------------------------------------------------
    def _directory(self, new_units: list[Unit], new_referrals: list[Referral]) -> Directory:
        changed = self.changed
        by_path: dict[str, list[Unit]] = {}
        for unit in new_units:
            by_path.setdefault(unit.source.path, []).append(unit)
        old_ids = [u.id for path in sorted(changed) for u in self.old_units[path]]
        new_ids = [u.id for path in sorted(changed) for u in by_path.get(path, [])]
        if old_ids == new_ids:  # the same units in the same order: replaced in place
            units = dict(self.old.units)
            for unit in new_units:
                units[unit.id] = unit
        else:  # the files' order, as the loader keeps it
            groups: dict[str, list[Unit]] = {}
            for unit in self.old.units.values():
                if unit.source.path not in changed:
                    groups.setdefault(unit.source.path, []).append(unit)
            groups.update(by_path)
            units = {u.id: u for path in sorted(groups) for u in groups[path]}
        if any(classify(rel) == "referrals" for rel in changed.values()):  # file order again
            ref_groups: dict[str, list[Referral]] = {}
            for referral in self.old.referrals:
                if referral.source.path not in changed:
                    ref_groups.setdefault(referral.source.path, []).append(referral)
            for referral in new_referrals:
                ref_groups.setdefault(referral.source.path, []).append(referral)
            referrals = [r for path in sorted(ref_groups) for r in ref_groups[path]]
        else:
            referrals = list(self.old.referrals)
        fields: dict[str, Any] = {
            "departments": self.old.departments,
            "units": units,
            "locations": self.old.locations,
            "referrals": referrals,
            "synonyms": self.old.synonyms,
            "warnings": [],
            "data_dir": self.root,
            "meta": self.old.meta,
            "needs": self.old.needs,
        }
        if old_ids == new_ids and referrals == self.old.referrals:
            patched = _patched_directory(self.old, fields, new_units)
            if patched is not None:
                return patched
        return Directory(**fields)

    def _warn_changed(
        self, directory: Directory, new_units: list[Unit], new_referrals: list[Referral]
    ) -> None:
        """The unchanged files' warnings as they were; the changed files' made again."""
        changed = self.changed
        old_numbers = staff_numbers(self.old)
        # the staff-only numbers of the units read again, before and after (a unit whose
        # text did not change holds the same ones)
        reused = self.reused
        before = {
            d
            for units in self.old_units.values()
            for u in units
            if id(u) not in reused
            for d in _staff_digits(u)
        }
        fresh = [u for u in new_units if id(u) not in self.from_reuse]
        after = {d for u in fresh for d in _staff_digits(u)}
        if before == after:  # the same ones before and after: so does the directory
            numbers = old_numbers
            again = False
        else:  # the staff-only numbers changed: every record's text is looked at again
            numbers = StaffNumbers(staff_only_digits(directory))
            again = numbers.secret != old_numbers.secret
        keep_staff_numbers(directory, numbers)
        for warning in self.base.warnings:
            if warning.path in changed:
                continue
            if again and warning.message.endswith(STAFF_NUMBER_IN_TEXT):
                continue
            self.warnings.append(warning)
        self._warnings({u.id: u for u in new_units}, new_referrals)
        for finding in check_vocabulary(directory.needs, new_units, new_referrals):
            if finding.path in changed:
                report = self.error if finding.severity.value == "error" else self.warn
                report(finding.path, finding.line, finding.message)
        if again:
            records: list[Record] = [
                *directory.departments.values(),
                *directory.units.values(),
                *directory.locations.values(),
                *directory.referrals,
            ]
        else:
            records = [*new_units, *new_referrals]
        self._staff_number_warnings(numbers, records)

    def _all_owners(self) -> dict[str, list[tuple[int, str]]]:
        """Per file, where each unit or referral starts (for messages with errors)."""
        owners: dict[str, list[tuple[int, str]]] = {}
        for unit in self.old.units.values():
            if unit.source.path not in self.changed:
                owners.setdefault(unit.source.path, []).append((unit.source.line, unit.id))
        for referral in self.old.referrals:
            if referral.source.path not in self.changed:
                owners.setdefault(referral.source.path, []).append(
                    (referral.source.line, referral.from_)
                )
        for path, starts in self._owners().items():
            owners.setdefault(path, []).extend(starts)
        for starts in owners.values():
            starts.sort()
        return owners


# What `Directory.__post_init__` builds from the units and referrals.
_INDEXES = frozenset(
    {"contacts", "contact_unit", "children", "referrals_from", "referrals_to", "units_at"}
)


def _patched_directory(
    old: Directory, fields: dict[str, Any], new_units: list[Unit]
) -> Directory | None:
    """A directory like `Directory(**fields)`, its indexes taken from `old` instead of
    built again (a second at 50,000 units), when they are the same: the same units in
    the same order with the same parents, locations and contact ids, the same referrals.
    None when they are not (or the directory has an index this does not know)."""
    if set(vars(old)) - {f.name for f in dataclass_fields(Directory)} != _INDEXES:
        return None
    for unit in new_units:
        before = old.units.get(unit.id)
        if before is None or (
            before.parent != unit.parent
            or before.locations != unit.locations
            or [c.id for c in before.contacts] != [c.id for c in unit.contacts]
        ):
            return None
    directory = object.__new__(Directory)
    directory.__dict__.update(fields)
    contacts = dict(old.contacts)
    for unit in new_units:
        for contact in unit.contacts:
            contacts[contact.id] = contact
    directory.contacts = contacts
    directory.contact_unit = old.contact_unit
    directory.children = old.children
    directory.referrals_from = old.referrals_from
    directory.referrals_to = old.referrals_to
    directory.units_at = old.units_at
    return directory


_SOURCE_PATH = operator.attrgetter("_source.path")  # a validated record's file, fast


def _by_path(records: Iterable[_R], paths: Iterable[str]) -> dict[str, list[_R]]:
    """The records of each of these files, in order (one pass over all of them)."""
    out: dict[str, list[_R]] = {path: [] for path in paths}
    for record in records:
        found = out.get(_SOURCE_PATH(record))
        if found is not None:
            found.append(record)
    return out


def _staff_digits(unit: Unit) -> set[str]:
    return {d for phone in unit_staff_phones(unit) for d in digit_variants(phone.number)}


def _moved(old: Record, node: YMap, path: str) -> Record:
    """The old model at the lines of `node`: its text is the old record's, so when it
    starts on the same line every line is the same and it is the very same object; else a
    copy (the old one belongs to the validation it came from) with the new lines."""
    if old.source.path == path and old.source.line == node.line:
        return old
    moved = copy.copy(old)
    for key, value in list(moved.__dict__.items()):  # nested records get sources too
        if isinstance(value, Record):
            moved.__dict__[key] = copy.copy(value)
        elif isinstance(value, list) and value and isinstance(value[0], Record):
            moved.__dict__[key] = [copy.copy(item) for item in value]
    _attach_sources(moved, node, path)
    return moved


def _text_of(node: YMap, key: str) -> str | None:
    value = node.items.get(key)
    return str(value.value) if getattr(value, "kind", None) == "str" else None  # type: ignore[union-attr]


def _region_end(lines: list[str], last_start: int) -> int:
    """The 1-based line where the top-level list that holds line `last_start` ends: the
    next line that starts a top-level key, else the end of the file."""
    for i in range(last_start, len(lines)):
        line = lines[i]
        if line[:1] not in ("", " ", "\t", "-", "#", "\n", "\r"):
            return i + 1
    return len(lines) + 1


def _order(problem: object) -> tuple[str, int, int, str]:
    path, line = problem.path, problem.line  # type: ignore[attr-defined]
    severity = 0 if problem.severity.value == "error" else 1  # type: ignore[attr-defined]
    return (path, line, severity, problem.message)  # type: ignore[attr-defined]
