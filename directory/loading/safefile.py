"""Read a data file safely: only a regular file inside the data directory, at most 5 MB.

A symbolic link out of the data directory (`units/x.yaml -> /etc/passwd`), a device
(`/dev/zero`), a FIFO or a socket is refused before any of it is read; the type is checked
on the opened file (`fstat`), so a file swapped after the check is refused too. At most
`MAX_FILE_BYTES + 1` bytes are read, whatever `stat` says (devices and FIFOs report 0).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from directory.loading.yamltree import MAX_FILE_BYTES

LIMIT_MESSAGE = "file is over the 5 MB limit: split it into smaller files"


class UnsafeFile(Exception):
    """A data file that is not read; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


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
                "is a symbolic link to a file that does not exist: remove the link "
                "or put the real file here"
            )
        if not inside(base, real):
            raise UnsafeFile(
                "is a symbolic link to a file outside the data directory, which is never "
                "read: copy the file into the data directory instead of linking to it"
            )
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UnsafeFile(
            f"cannot read the file: {exc.strerror or exc}: give the app's user read "
            "permission on it (chmod a+r)"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(
                f"is {_kind(info.st_mode)}, not a regular file, and is never read: "
                "data files must be ordinary YAML files"
            )
        if info.st_size > MAX_FILE_BYTES:
            raise UnsafeFile(
                f"file is {info.st_size / 1e6:.1f} MB, over the 5 MB limit: "
                "split it into smaller files"
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
        raise UnsafeFile(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
