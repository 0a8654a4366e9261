"""The git CLI, through subprocess: the data directory's repository is the audit log.

Every call passes its arguments as a list (no shell); output is captured, so git never
pages or prompts. The author and committer of a commit are the signed-in user, given to
git through its environment (`GIT_AUTHOR_NAME`, ...), never parsed out of a string.

A `GitError` carries git's own words (`detail`, for the operator's log: they hold server
paths) and a Danish reason without paths (`reason`, for the coordinator).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT_S = 60
_SEP = "\x1f"


class GitError(RuntimeError):
    """A git command failed. `str()` and `detail` quote git's own words (server paths
    included: for the operator's log); `reason` says why in Danish without them."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def reason(self) -> str:
        return git_reason(self.detail)


def git_reason(detail: str) -> str:
    """Why git failed, in Danish, for a coordinator: no server paths, the fix named."""
    if "index.lock" in detail:
        return (
            "data-repositoriet er låst af en anden git-handling, eller en gammel låsefil "
            "(index.lock) er blevet liggende: vent et minut og prøv igen; sker det igen, så "
            "bed den, der driver landkortet, om at fjerne låsefilen"
        )
    if "No space left" in detail or "ENOSPC" in detail:
        return "serverens disk er fuld: bed den, der driver landkortet, om at skaffe plads"
    if "Permission denied" in detail or "Read-only file system" in detail:
        return (
            "appen må ikke skrive i data-repositoriet: bed den, der driver landkortet, om at "
            "give appen skriveadgang til datamappen og dens .git-mappe"
        )
    return "git afviste ændringen: bed den, der driver landkortet, om at se i serverens log"


def log_detail(detail: str) -> None:
    """Git's own words on the server's stderr (the operator's log), never to the page."""
    print(f"landkort: git: {_one_line(detail)}", file=sys.stderr)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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

    def branch(self) -> str | None:
        """The branch HEAD is on (`refs/heads/main`), or None on a detached HEAD."""
        out = self.git("symbolic-ref", "-q", "HEAD", check=False).strip()
        return out or None

    def commit(self, paths: list[str], message: str, name: str, email: str) -> str:
        """Commit exactly these paths (added, changed or removed) as `name <email>`, author
        and committer. When git refuses, the paths are unstaged again (the index is as it
        was) and GitError is raised; the work tree is the caller's to put back."""
        rels = [self.rel(p) for p in paths]
        # author and committer: git's own config for this one command (no environment)
        identity = ("-c", f"user.name={name}", "-c", f"user.email={email}")
        try:
            self.git("add", "--all", "--", *rels)
            run_git(
                self.root,
                *identity,
                *("commit", "--quiet", "--no-verify", "-m", message, "--", *rels),
            )
        except GitError:
            self.unstage(rels)
            raise
        return self.git("rev-parse", "HEAD").strip()

    def unstage(self, rels: list[str]) -> None:
        """Put the index entries of these paths back as HEAD has them (best effort: a
        failure here is logged, the commit's own error is the one reported)."""
        try:
            if self.head() is None:
                self.git("rm", "-q", "--cached", "--ignore-unmatch", "--", *rels)
            else:
                self.git("reset", "-q", "HEAD", "--", *rels)
        except GitError as exc:
            log_detail(exc.detail)

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
