"""Files, safely: read a data file (only a regular file inside the data directory, at
most 5 MB), and write any file atomically (`atomic_write`, `atomic_file`).

A symbolic link out of the data directory (`units/x.yaml -> /etc/passwd`), a device
(`/dev/zero`), a FIFO or a socket is refused before any of it is read; the type is checked
on the opened file (`fstat`), so a file swapped after the check is refused too. At most
`MAX_FILE_BYTES + 1` bytes are read, whatever `stat` says (devices and FIFOs report 0).

Every file the app writes (an edited data file, a disk-cache entry, a JSON Schema, the
benchmark table) is written by `atomic_file`: into a temp file in the same folder, flushed
to disk, renamed over the old file, the folder flushed too. A reader sees the old file or
the new one, never a part; a failure midway leaves the old file and no temp file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from directory.loading.yamltree import MAX_FILE_BYTES

LIMIT_MESSAGE = "filen er over grænsen på 5 MB: del den op i mindre filer"

# Why the operating system refused, in Danish (its own `strerror` is English).
_OS_REASONS = {
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.ENOENT: "findes ikke",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.EISDIR: "er en mappe",
    errno.ELOOP: "for mange symbolske links i træk",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EIO: "læsefejl på disken",
    errno.ENOSPC: "disken er fuld",
    errno.EROFS: "disken kan kun læses",
    errno.EMFILE: "for mange åbne filer",
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Danish ('ingen adgang'); an `OSError` we
    raise ourselves (no errno) carries its own Danish message."""
    if exc.errno is None and exc.args:
        return str(exc)
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    if exc.errno:
        return f"systemfejl {errno.errorcode.get(exc.errno, exc.errno)}"
    return "systemfejl"


class UnsafeFile(Exception):
    """A data file that is not read; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "en FIFO (navngivet pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhedsfil (device)"
    if stat.S_ISSOCK(mode):
        return "en socket"
    if stat.S_ISDIR(mode):
        return "en mappe"
    return "en særlig fil"


def inside(base: Path, target: str) -> bool:
    """True when the resolved `target` lies inside the resolved data directory."""
    root = os.path.realpath(base)
    return os.path.commonpath([root, target]) == root


Overlay = Mapping[str, str | None]
"""Relative path -> the file's new text (None: deleted): a change not yet written."""


def read_data_file(base: Path, rel: str, overlay: Overlay | None = None) -> bytes:
    """The bytes of `base/rel`, or `UnsafeFile` saying why it is not read. A file in
    `overlay` is its new text there (UTF-8), not what is on disk."""
    if overlay is not None and overlay.get(rel) is not None:
        data = str(overlay[rel]).encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise UnsafeFile(LIMIT_MESSAGE)
        return data
    full = os.path.join(base, rel)
    real = os.path.realpath(full)
    if os.path.islink(full):
        if not os.path.exists(full):
            raise UnsafeFile(
                "er et symbolsk link til en fil, der ikke findes: fjern linket, "
                "eller læg den rigtige fil her"
            )
        if not inside(base, real):
            raise UnsafeFile(
                "er et symbolsk link til en fil uden for datamappen, og den læses aldrig: "
                "kopiér filen ind i datamappen i stedet for at linke til den"
            )
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UnsafeFile(
            f"filen kan ikke læses ({os_reason(exc)}): giv appens bruger læseadgang til "
            "den (chmod a+r)"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(
                f"er {_kind(info.st_mode)}, ikke en almindelig fil, og læses aldrig: "
                "datafiler skal være almindelige YAML-filer"
            )
        if info.st_size > MAX_FILE_BYTES:
            size = f"{info.st_size / 1e6:.1f}".replace(".", ",")
            raise UnsafeFile(
                f"filen fylder {size} MB, over grænsen på 5 MB: del den op i mindre filer"
            )
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:  # grew while being read
            raise UnsafeFile(LIMIT_MESSAGE)
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFile(f"filen kan ikke læses ({os_reason(exc)})") from None
    finally:
        os.close(fd)


# -- writing -------------------------------------------------------------------------------
def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when there is no file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(
    path: Path, *, mode: int | None = None, expect_sha256: str | None = None
) -> Iterator[BinaryIO]:
    """A new file for `path`, written in the `with` block and put in place when it ends.

    The block writes to a temp file in the same folder (opened `w+b`, so it may seek back);
    on a clean exit the file is flushed and fsynced, given `mode` (default: the old file's
    mode, 0644 for a new file), renamed over `path` and the folder fsynced. When the block
    (or any step) fails, the temp file is removed and `path` is left as it was. With
    `expect_sha256`, the file is not replaced when it changed since it was read (its
    SHA-256 is no longer that): `RuntimeError`, in Danish."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        if expect_sha256 is not None and sha256_of(path) != expect_sha256:
            raise RuntimeError(f"{path} blev ændret, mens den blev opdateret: kør kommandoen igen")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write(
    path: Path, data: bytes | str, *, mode: int | None = None, expect_sha256: str | None = None
) -> None:
    """Write `data` (a str as UTF-8) to `path` atomically: see `atomic_file`."""
    with atomic_file(path, mode=mode, expect_sha256=expect_sha256) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
