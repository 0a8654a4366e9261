"""A disk cache of validated directories, and the last version of each data directory that
validated ("last good").

An entry is keyed by a hash of the data files' names and contents, the data directory as
given, the day the warnings were computed for, and the code's version (a hash of the
`directory` package's source files and the versions of the libraries its models use).
Any change to any data file, or to the code, gives another key.

Entries are pickles, and a pickle runs code when it is loaded: an entry is only unpickled
after its HMAC-SHA256 signature checks out with the install's own secret key
(`secret.key`, 32 random bytes, created 0600 in the cache folder, which is created 0700).
A corrupt, truncated, foreign or unsigned entry is ignored (and rebuilt by the caller). A
cache folder that another user owns or that others can write, and a key file that others
could read or write (or a link in its place), disable the cache with a message on stderr:
the app works without it. The key is opened once (`O_NOFOLLOW`) and the open file is checked
and read, so nothing swapped in between a check and the read is ever used.
Writes are atomic (`directory.loading.safefile.atomic_file`: temp file in the same folder,
fsync, rename).

Memory: an entry is a stream of pickles, not one. A value with `cache_parts()` (a
`Validation`) is written part by part (a few thousand records each), the pickler's memo
cleared after each part, and read back part by part through `type(value).from_cache_parts`:
neither the writer's memo nor the reader's holds the whole directory at once (at 50k units
one pickle cost ~200 MB more while writing and ~140 MB more while reading). The stream is
signed as it is written, and the whole file is checked before the first part is unpickled.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any, BinaryIO

from directory.loading.safefile import (
    Overlay,
    UnsafeFile,
    atomic_file,
    os_reason,
    read_data_file,
)

MAGIC = b"LANDKORT-CACHE-2\n"
SECRET_NAME = "secret.key"
SECRET_BYTES = 32
KEEP_ENTRIES = 8  # newest entries kept besides the ones a "last good" pointer names
_DIGEST = 32
_CHUNK = 1 << 20


@functools.cache
def code_version() -> str:
    """A hash of the `directory` package's source files and the model libraries' versions."""
    import opening_hours  # noqa: F401  (its version is part of what validates hours)
    import phonenumbers
    import pydantic
    import yaml

    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    versions = (sys.version, pydantic.VERSION, phonenumbers.__version__, yaml.__version__)
    digest.update(repr(versions).encode())
    return digest.hexdigest()


def data_files(root: str, overlay: Overlay | None = None) -> list[str]:
    """Every .yaml/.yml file under root (relative, posix, sorted), as the loader walks it;
    with `overlay`, as it will be once the overlay is written."""
    out: list[str] = []
    base = Path(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith((".yaml", ".yml")):
                out.append(Path(dirpath, name).relative_to(base).as_posix())
    if overlay:
        out = [rel for rel in {*out, *overlay} if overlay.get(rel, "") is not None]
    return sorted(out)


def content_key(root: str, today: dt.date, overlay: Overlay | None = None) -> str:
    """The key of a data directory's current contents (read from disk now); with `overlay`,
    of the contents it will have once the overlay is written (the same key then).

    A file that cannot be read gives a key that is never stored (the loader reports it).
    """
    digest = hashlib.blake2b(digest_size=20)
    where = root if os.path.isabs(root) else f"{os.getcwd()}\0{root}"
    digest.update(f"{code_version()}\0{today.isoformat()}\0{where}\0".encode())
    for rel in data_files(root, overlay):
        digest.update(rel.encode() + b"\0")
        try:  # the loader's safe reader: no links out, no devices or FIFOs, at most 5 MB
            data = read_data_file(Path(root), rel, overlay)
        except UnsafeFile:
            data = os.urandom(16)  # not readable now: a key nobody can hit again
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _root_id(root: str) -> str:
    return hashlib.blake2b(os.path.abspath(root).encode(), digest_size=12).hexdigest()


class _SigningWriter:
    """A file-like writer that feeds what it writes into an HMAC."""

    def __init__(self, fh: BinaryIO, mac: hmac.HMAC) -> None:
        self.fh = fh
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.fh.write(data)


def _write_parts(writer: _SigningWriter, value: Any) -> None:
    """Pickle value as a header `(joiner, count)` and `count` parts, each with a fresh memo.

    The joiner is `type(value)` when it splits itself (`cache_parts()`), else None and the
    one part is value itself. The pickler writes to the file frame by frame (64 KiB), so
    what is held besides the value is one part's memo."""
    split = getattr(value, "cache_parts", None)
    parts = list(split()) if callable(split) else [value]
    pickler = pickle.Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dump((type(value) if callable(split) else None, len(parts)))
    for part in parts:
        pickler.clear_memo()
        pickler.dump(part)


def _read_parts(fh: BinaryIO) -> Any:
    """The value `_write_parts` wrote (only ever called on a file whose signature checked
    out); each part is read by its own unpickler, so one part's memo is held at a time."""
    joiner, count = pickle.load(fh)
    parts = (pickle.load(fh) for _ in range(count))
    if joiner is None:
        (value,) = parts
        return value
    return joiner.from_cache_parts(parts)


def _not_regular(path: Path) -> str:
    return f"{path} er ikke en almindelig fil: slet den, så laves en ny"


class DiskCache:
    """Signed pickles of validation results in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._secret: bytes | None = None

    # -- the secret ------------------------------------------------------------------
    def check_folder(self) -> None:
        """The folder must be this user's and writable by nobody else: whoever can write
        there can swap entries or the key, and an entry is a pickle (it runs code). Raises
        OSError with the fix (in Danish)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(self.folder)
        if not stat.S_ISDIR(info.st_mode):
            raise OSError(f"{self.folder} er ikke en mappe: sæt LANDKORT_CACHE til en mappe")
        if info.st_uid != os.getuid():
            raise OSError(
                f"cachemappen {self.folder} ejes af en anden bruger (uid {info.st_uid}): sæt "
                "LANDKORT_CACHE til en mappe, som serverens egen bruger ejer, eller slå cachen "
                "fra med LANDKORT_CACHE=off"
            )
        if info.st_mode & 0o022:
            raise OSError(
                f"cachemappen {self.folder} kan skrives af andre brugere (mode "
                f"{stat.S_IMODE(info.st_mode):o}): kør 'chmod 700 {self.folder}', eller sæt "
                "LANDKORT_CACHE til en mappe, som kun serverens bruger kan skrive i"
            )

    def secret(self) -> bytes:
        """The install's signing key; created on first use. Raises OSError if unusable.

        The key file is opened once, without following a link, and the open file is checked
        and read (`fstat`): a link or another file swapped in after a check is never read."""
        if self._secret is not None:
            return self._secret
        self.check_folder()
        path = self.folder / SECRET_NAME
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(SECRET_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
        try:
            fd = os.open(path, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            if path.is_symlink():
                raise OSError(
                    f"{path} er ikke en almindelig fil: slet den, så laves en ny"
                ) from exc
            raise
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise OSError(_not_regular(path))
            if info.st_uid != os.getuid() or info.st_mode & 0o077:
                raise OSError(
                    f"{path} kan læses eller skrives af andre brugere: slet den (så laves en "
                    "ny med mode 0600), eller kør 'chmod 600' på den"
                )
            secret = fh.read(SECRET_BYTES + 1)
        if len(secret) != SECRET_BYTES:
            raise OSError(f"{path} er beskadiget: slet den, så laves en ny")
        self._secret = secret
        return secret

    def _mac(self, name: str) -> hmac.HMAC:
        """The signature of an entry covers its name, so a renamed entry does not verify."""
        return hmac.new(self.secret(), name.encode() + b"\0", hashlib.sha256)

    # -- entries ---------------------------------------------------------------------
    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def load(self, name: str) -> Any | None:
        """The object stored under name, or None when absent or not trustworthy.

        The signature is checked over the whole file before anything is unpickled; the
        file is read twice through one open handle (entries are replaced by rename, never
        rewritten in place) so that a big entry is never held in memory as bytes."""
        try:
            fh = self._path(name).open("rb")
        except OSError:
            return None
        with fh:
            head = fh.read(len(MAGIC) + _DIGEST)
            if len(head) < len(MAGIC) + _DIGEST or not head.startswith(MAGIC):
                return None
            mac = self._mac(name)
            while chunk := fh.read(_CHUNK):
                mac.update(chunk)
            if not hmac.compare_digest(head[len(MAGIC) :], mac.digest()):
                return None  # foreign, tampered with or truncated: never unpickled
            fh.seek(len(head))
            try:
                return _read_parts(fh)
            except Exception:  # signed but unreadable (should not happen): rebuild
                return None

    def store(self, name: str, value: Any) -> None:
        """Write value under name atomically, signing the pickle as it is written."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with atomic_file(self._path(name), mode=0o600) as fh:
            fh.write(MAGIC + bytes(_DIGEST))
            writer = _SigningWriter(fh, self._mac(name))
            _write_parts(writer, value)
            fh.seek(len(MAGIC))
            fh.write(writer.mac.digest())

    # -- last good ---------------------------------------------------------------------
    def mark_last_good(self, root: str, name: str) -> None:
        """Remember `name` as the newest entry of `root` that validated."""
        self.store(f"lastgood-{_root_id(root)}", (name, code_version()))
        self.prune()

    def last_good(self, root: str) -> Any | None:
        """The entry last marked good for root, if it was made by this version of the code
        (objects pickled by other code could load as something else)."""
        pointer = self.load(f"lastgood-{_root_id(root)}")
        if not (isinstance(pointer, tuple) and pointer[1:] == (code_version(),)):
            return None
        return self.load(pointer[0])

    def prune(self) -> None:
        """Keep the newest entries and every one a last-good pointer names."""
        keep: set[str] = set()
        entries: list[tuple[float, Path]] = []
        for path in self.folder.glob("*.pickle"):
            if path.name.startswith("lastgood-"):
                pointer = self.load(path.name.removesuffix(".pickle"))
                if isinstance(pointer, tuple) and pointer and isinstance(pointer[0], str):
                    keep.add(f"{pointer[0]}.pickle")
                continue
            try:
                entries.append((path.stat().st_mtime, path))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, path in entries[KEEP_ENTRIES:]:
            if path.name not in keep:
                path.unlink(missing_ok=True)


def open_cache(folder: str | os.PathLike[str] | None) -> DiskCache | None:
    """The cache in `folder` (the app and the commands pass `LANDKORT_CACHE`), or None when
    there is none (no folder: the cache is off) or its key file is unsafe (said on stderr)."""
    if folder is None:
        return None
    cache = DiskCache(Path(folder))
    try:
        cache.secret()
    except OSError as exc:
        print(f"landkort: cachen bruges ikke: {os_reason(exc)}", file=sys.stderr)
        return None
    return cache
