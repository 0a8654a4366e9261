"""Run deploy/nginx.conf for real in tests: on loopback ports, in a temp prefix.

`render()` takes the deployed file and changes only what differs on a test machine: the
listen address, the upstream servers (the app servers' loopback ports) and the pid file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from testkit.browser_support import ROOT, free_port

NGINX = "/usr/sbin/nginx"
DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"


def nginx_available() -> bool:
    return Path(NGINX).is_file()


def render(conf: str, *, listen: int, upstreams: list[int], prefix: Path) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in upstreams
    )
    out, n = re.subn(r"(?m)^\s*server app\d+:8501[^;]*;\n", "", conf)
    if n < 2:
        raise ValueError("deploy/nginx.conf: expected the upstream lines 'server appN:8501 …;'")
    out = out.replace(
        "hash $landkort_affinity consistent;\n",
        "hash $landkort_affinity consistent;\n" + servers + "\n",
        1,
    )
    out, n = re.subn(r"(?m)^(\s*)listen 8080;", rf"\1listen 127.0.0.1:{listen};", out)
    if n != 1:
        raise ValueError("deploy/nginx.conf: expected one 'listen 8080;'")
    out = out.replace("pid /tmp/landkort-nginx.pid;", f"pid {prefix / 'nginx.pid'};")
    return out


class Nginx:
    """nginx in the foreground on a free loopback port with the rendered deploy config."""

    def __init__(self, upstreams: list[int]) -> None:
        if not nginx_available():
            raise RuntimeError(f"{NGINX} is missing: apt-get install -y nginx (.ci/run does this)")
        self.prefix = Path(tempfile.mkdtemp(prefix="landkort-nginx-"))
        self.port = free_port()
        self.conf = self.prefix / "nginx.conf"
        self.conf.write_text(
            render(
                DEPLOY_CONF.read_text(encoding="utf-8"),
                listen=self.port,
                upstreams=upstreams,
                prefix=self.prefix,
            ),
            encoding="utf-8",
        )
        self.log = self.prefix / "stderr.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.prefix), "-c", str(self.conf), "-e", "stderr", *extra]

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the rendered configuration."""
        return subprocess.run(
            self.command("-t"), capture_output=True, text=True, timeout=30, check=False
        )

    def start(self, timeout: float = 20) -> Nginx:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                self.command("-g", "daemon off;"),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log.read_text(errors='replace')}")
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).close()
                return self
            except urllib.error.HTTPError:
                return self  # nginx answers (an upstream may still be starting)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
