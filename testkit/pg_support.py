"""A throwaway PostgreSQL cluster for tests: initdb in a temp folder, pg_ctl on a free port.

Uses Debian's server binaries (`apt-get install postgresql`, /usr/lib/postgresql/<v>/bin).
PostgreSQL refuses to run as root, so under root the cluster belongs to the `postgres`
user and its commands run through `runuser -u postgres`. Nothing is left behind: `stop()`
stops the server and deletes the folder.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from testkit.browser_support import free_port


def pg_bin() -> Path | None:
    """The newest installed server binaries' folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: p.split("/")[4])
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    def __init__(self) -> None:
        bin_dir = pg_bin()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL's server is not installed: apt-get install -y postgresql "
                "(.ci/run does this)"
            )
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="landkort-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> PostgresCluster:
        done = self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=landkort",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=300 -c fsync=off -c shared_buffers=32MB"
        )
        done = self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        if done.returncode:
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://landkort@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=landkort dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def run_writers(target: Callable[[str, int], None], url: str, workers: int = 4) -> list[int | None]:
    """Run `target(url, worker)` in `workers` forked processes at once (each must open its
    own storage: `close_all()` first); returns their exit codes."""
    from directory.storage.db import close_all

    close_all()  # the children must not share the parent's connections
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=target, args=(url, w)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    return [p.exitcode for p in procs]
