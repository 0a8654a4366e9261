"""The git CLI, through subprocess: the data directory's repository is the audit log.

Every call passes its arguments as a list (no shell); output is captured, so git never
pages or prompts. The author and committer of a commit are the signed-in user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT_S = 60
_SEP = "\x1f"


class GitError(RuntimeError):
    """A git command failed; the message quotes git's own words."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    when: str  # ISO 8601 with offset
    subject: str
    files: tuple[str, ...] = ()  # paths relative to the repository root
    # per file in `files`: the blob before and after the commit ("": the file did not exist)
    blobs: tuple[tuple[str, str], ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:10]


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(cwd: str | os.PathLike[str], *args: str, check: bool = True) -> str:
    """Run `git -C cwd args` (no shell; no pager or prompt: output is captured)."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]}: {exc}") from exc
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise GitError(f"git {args[0]}: {message}")
    return done.stdout.decode("utf-8", "replace")


class Repo:
    """The git repository that holds a data directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @classmethod
    def find(cls, folder: str | os.PathLike[str]) -> Repo | None:
        """The repository around `folder`, or None when it is not in a work tree."""
        if not git_available() or not Path(folder).is_dir():
            return None
        try:
            inside = run_git(folder, "rev-parse", "--is-inside-work-tree").strip()
            top = run_git(folder, "rev-parse", "--show-toplevel").strip()
        except GitError:
            return None
        return cls(top) if inside == "true" and top else None

    def git(self, *args: str, check: bool = True) -> str:
        return run_git(self.root, *args, check=check)

    def git_dir(self) -> Path:
        return Path(self.git("rev-parse", "--absolute-git-dir").strip())

    def rel(self, path: str | os.PathLike[str]) -> str:
        """A path as git names it (relative to the repository root, forward slashes)."""
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(self.root)).as_posix()

    def head(self) -> str | None:
        out = self.git("rev-parse", "--verify", "-q", "HEAD", check=False).strip()
        return out or None

    def commit(self, paths: list[str], message: str, name: str, email: str) -> str:
        """Commit exactly these paths (added, changed or removed) as `name <email>`."""
        rels = [self.rel(p) for p in paths]
        self.git("add", "--all", "--", *rels)
        self.git(
            *("-c", f"user.name={name}", "-c", f"user.email={email}"),  # the committer
            *("commit", "--quiet", "--no-verify", f"--author={name} <{email}>"),
            *("-m", message, "--", *rels),
        )
        return self.git("rev-parse", "HEAD").strip()

    def log(self, rel_paths: list[str], limit: int = 50) -> list[Commit]:
        """Commits touching these paths, newest first, with the files each changed and
        their blobs before and after (`git log --raw`: no file is read here)."""
        fmt = _SEP.join(["%x1e%H", "%an", "%ae", "%aI", "%s"])
        out = self.git(
            *("log", f"-n{limit}", f"--format={fmt}", "--raw", "--no-abbrev", "--no-renames"),
            *("--", *rel_paths),
        )
        commits: list[Commit] = []
        for block in out.split("\x1e"):
            if not block.strip():
                continue
            head, _, rest = block.partition("\n")
            sha, author, email, when, subject = (head.split(_SEP) + [""] * 5)[:5]
            files: list[str] = []
            blobs: list[tuple[str, str]] = []
            for line in rest.splitlines():
                # :100644 100644 <old blob> <new blob> M<TAB>path
                meta, tab, path = line.partition("\t")
                parts = meta.split()
                if not line.startswith(":") or not tab or len(parts) < 5:
                    continue
                before, after = ("" if set(b) == {"0"} else b for b in parts[2:4])
                files.append(path)
                blobs.append((before, after))
            commits.append(Commit(sha, author, email, when, subject, tuple(files), tuple(blobs)))
        return commits

    def read_blobs(self, shas: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each blob's bytes (None: missing), read through one `git cat-file --batch`."""
        try:
            proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise GitError(f"git cat-file: {exc}") from exc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            for sha in shas:  # one question, one answer: the pipes never fill up
                proc.stdin.write(sha.encode() + b"\n")
                proc.stdin.flush()
                header = proc.stdout.readline().split()
                if len(header) != 3:
                    yield sha, None
                    continue
                data = proc.stdout.read(int(header[2]) + 1)[:-1]
                yield sha, data if header[1] == b"blob" else None
        except (OSError, ValueError) as exc:
            raise GitError(f"git cat-file: {exc}") from exc
        finally:
            proc.stdin.close()
            proc.stdout.close()
            try:
                proc.wait(timeout=GIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def show(self, sha: str, rel_path: str) -> str | None:
        """The file's text at a commit, or None when it did not exist there."""
        try:
            return self.git("show", f"{sha}:{rel_path}")
        except GitError:
            return None

    def parent(self, sha: str) -> str | None:
        out = self.git("rev-parse", "--verify", "-q", f"{sha}^", check=False).strip()
        return out or None
