"""Run the real app and Debian's Chromium: shared by the browser tests and the app benchmark.

- `AppServer(data_dir)` starts `streamlit run app.py` on a free port from the repository root
  (with `LANDKORT_DATA` and `LANDKORT_REPORTS` set), waits for `/_stcore/health`, and kills
  the whole process group on `stop()`.
- `launch_chromium(playwright)` starts /usr/bin/chromium headless (never a downloaded browser).
- `wait_for_render(page)` waits until the script has run (`data-test-script-state=notRunning`).
- `guard_network(context)` aborts and records every request to a host other than localhost.

No pytest here: the benchmark imports this module too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
RENDERED = "[data-testid=stApp][data-test-script-state=notRunning]"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer:
    """`streamlit run <app>` on a free port, in its own process group."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        app: str = "app.py",
        reports_dir: Path | str | None = None,
        cache_dir: Path | str | None = None,
        address: str | None = "127.0.0.1",
        secrets_file: Path | str | None = None,
        env: dict[str, str] | None = None,
        db_url: str | None = None,
    ) -> None:
        """`address`: what the server binds (the browser always uses 127.0.0.1);
        `secrets_file`: a secrets.toml to read instead of .streamlit/secrets.toml (sign-in);
        `env`: more environment variables (e.g. LANDKORT_ACCESS)."""
        self.data_dir = Path(data_dir)
        self.app = app
        self._own_cache = cache_dir is None
        self.cache_dir = (
            Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="landkort-cache-"))
        )
        self.address = address  # None: as .streamlit/config.toml says
        self.secrets_file = secrets_file
        self.extra_env = dict(env or {})
        self._own_reports = reports_dir is None
        self.reports_dir = (
            Path(reports_dir) if reports_dir else Path(tempfile.mkdtemp(prefix="landkort-reports-"))
        )
        # The state database: its own SQLite file unless given (two servers share one).
        self.db_url = db_url or f"sqlite:///{self.reports_dir / 'landkort.db'}"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="landkort-streamlit-", suffix=".log")[1])
        self.started_at = 0.0  # time.perf_counter() when the process was started

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> AppServer:
        env = {
            **os.environ,
            "LANDKORT_DATA": str(self.data_dir),
            "LANDKORT_REPORTS": str(self.reports_dir),
            "LANDKORT_DB": self.db_url,
            "LANDKORT_CACHE": str(self.cache_dir),
            **self.extra_env,
        }
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.app,
            "--server.port",
            str(self.port),
            *(["--server.address", self.address] if self.address else []),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]
        if self.secrets_file is not None:
            cmd += ["--secrets.files", str(self.secrets_file)]
        with open(self.log_path, "wb") as log:
            self.started_at = time.perf_counter()
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(
                self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)
        if self._own_reports:
            shutil.rmtree(self.reports_dir, ignore_errors=True)
        if self._own_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)


def launch_chromium(playwright: Any, *extra_args: str) -> Any:
    """Debian's Chromium, headless, through Playwright (nothing is downloaded); `extra_args`
    are more command-line switches (e.g. `--host-resolver-rules=...`)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra_args]
    )


def guard_network(context: Any) -> list[str]:
    """Abort every request that leaves localhost; the returned list collects their URLs."""
    outside: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", handle)
    return outside


def wait_for_render(page: Any, timeout_ms: float = 60_000) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector(RENDERED, timeout=timeout_ms)
    page.wait_for_timeout(150)  # the script can restart at once (query params, switch_page)
    page.wait_for_selector(RENDERED, timeout=timeout_ms)


def search_box(page: Any) -> Any:
    """The query box on the search page (the first text input in the main area)."""
    return page.locator("[data-testid=stMain] [data-testid=stTextInput] input").first


def screenshot(page: Any, name: str, max_height: int = 4000) -> Path:
    """A screenshot of the whole page into artifacts/screenshots/<name>.png.

    Streamlit scrolls inside its main container, so the window is made as tall as the
    content for the shot (up to `max_height` px) and then set back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    tall = max(size["height"], min(int(height), max_height))
    if tall != size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
        page.wait_for_timeout(200)
    page.screenshot(path=str(path), full_page=True)
    if tall != size["height"]:
        page.set_viewport_size(size)
    return path


# -- sign-in through a real OpenID provider (oidc-provider-mock, in this process) ----------
def put_oidc_users(base: str, users: dict[str, dict[str, Any]]) -> None:
    """Give the provider at `base` these users: sub -> ID-token claims."""
    import json

    for sub, claims in users.items():
        request = urllib.request.Request(
            f"{base}/users/{sub}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status < 300


def write_oidc_secrets(path: Path, port: int, provider: str) -> Path:
    """A secrets.toml whose `[auth]` signs in at `provider` for an app on 127.0.0.1:port."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-cookie-secret-not-for-production"\n'
        'client_id = "landkort"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def sign_in(page: Any, url: str, sub: str, name: str) -> None:
    """Sign in as `sub` through the provider's form; waits until the app shows `name`."""
    page.goto(f"{url}/", wait_until="domcontentloaded")
    wait_for_render(page)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)  # the provider's form
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_for_render(page)
    page.get_by_text(name).first.wait_for(timeout=30_000)
