"""Write a change to several data files so that it can be taken back whole.

    files = FileChange(root, {"units/sof.yaml": text, "units/gone.yaml": None})
    files.apply()       # every new text in a temp file first, then swapped in
    ...                 # commit
    files.finish()      # or files.undo(): every file as it was, by renames only

`apply` writes every new text to a temp file beside its file and fsyncs it before any file
is touched, so a full disk or a folder the app may not write in fails while the files are
still as they were. Then each old file is kept under a hidden backup name (a hard link, so
the file itself is never missing) and the new one renamed over it. `undo` puts the backups
back with renames, which need no disk space: a refused commit leaves the files exactly as
they were, even on a full disk.

Every path is built from a value (a unit's department names a file): `data_path` refuses
one that is not a plain data file inside the data directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from directory.loading.loader import classify
from directory.loading.safefile import fsync_dir, temp_file

WRITABLE_KINDS = frozenset({"units", "referrals", "needs"})  # needs.yaml: a word added in the app
_BACKUP = ".landkort-backup"


class UnsafePath(ValueError):
    """A path built from a value that is not a data file inside the data directory."""


def data_path(root: Path, rel: str) -> Path:
    """The file `rel` names, when it is a units or referrals file inside `root` (not
    hidden, no `..`, not through a link out of it); else `UnsafePath`."""
    parts = rel.split("/")
    if (
        not rel
        or os.path.isabs(rel)
        or "\\" in rel
        or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
        or classify(rel) not in WRITABLE_KINDS
    ):
        raise UnsafePath(rel)
    path = root / rel
    real_root = os.path.realpath(root)
    real_folder = os.path.realpath(path.parent)
    if os.path.commonpath([real_root, real_folder]) != real_root or os.path.islink(path):
        raise UnsafePath(rel)
    return path


class FileChange:
    """New texts (None: delete) for files relative to `root`, written so they can be undone."""

    def __init__(self, root: Path, texts: dict[str, str | None]) -> None:
        self.paths = {rel: data_path(root, rel) for rel in texts}
        self.texts = texts
        self._temps: dict[str, Path] = {}
        self._backups: dict[str, Path | None] = {}  # rel -> backup (None: was not there)

    def apply(self) -> None:
        """Write every new text to a temp file, then swap them in. On an error the files
        are as they were and the error is raised."""
        try:
            for rel, text in self.texts.items():
                if text is not None:
                    self._temps[rel] = temp_file(self.paths[rel], text.encode("utf-8"))
            for rel, path in self.paths.items():
                self._swap(rel, path)
            for folder in {path.parent for path in self.paths.values()}:
                fsync_dir(folder)
        except BaseException:
            self.undo()
            raise

    def _swap(self, rel: str, path: Path) -> None:
        backup = path.with_name(f".{path.name}{_BACKUP}")
        if os.path.lexists(path):
            backup.unlink(missing_ok=True)
            try:
                os.link(path, backup)  # the file stays where it is
            except OSError:
                os.replace(path, backup)  # no hard links here: moved aside
            self._backups[rel] = backup
        else:
            self._backups[rel] = None
        temp = self._temps.get(rel)
        if temp is not None:
            os.replace(temp, path)
            del self._temps[rel]
        elif os.path.lexists(path):
            path.unlink()

    def undo(self) -> None:
        """Every file as it was (renames only). Never raises: what cannot be put back is
        logged for the operator."""
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)
        self._temps.clear()
        for rel, backup in self._backups.items():
            path = self.paths[rel]
            try:
                if backup is None:
                    path.unlink(missing_ok=True)
                elif os.path.lexists(path) and os.path.samefile(backup, path):
                    backup.unlink()  # never swapped: a rename onto its own link does nothing
                else:
                    os.replace(backup, path)
            except OSError as exc:
                print(f"landkort: {rel} kunne ikke sættes tilbage: {exc}", file=sys.stderr)
        self._backups.clear()

    def finish(self) -> None:
        """The change is kept: the backups go."""
        for backup in self._backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)
        self._backups.clear()
