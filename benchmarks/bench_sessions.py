"""Load: N real Streamlit sessions over the WebSocket protocol, no browser.

Each session speaks what the browser speaks: it opens `/_stcore/stream` (subprotocol
`streamlit`), sends a `BackMsg.rerun_script` with its `ClientState` (query string, page,
widget states) and reads `ForwardMsg`s until `script_finished`. It behaves like a
caseworker: it arrives on a ramp (N/5 seconds for N sessions), loads the start page, types a
search (the search box's widget state), waits 5-15 s, searches again, waits, searches a
third time. Measured per scenario: p50/p95/max rerun latency of the searches (send →
`script_finished`), errors (timeouts, closed sockets, exception elements, failed runs),
and server memory per session (RSS growth of the server processes / N).

Scenarios, at N = 25, 50, 100, 200: one server, and two servers behind nginx
(deploy/nginx.conf, sticky cookie per session) on one PostgreSQL; plus the burst case (all
N sessions connected, then all search at once). Data: 2,000 generated units. `--quick`
runs N = 3 with short waits on tiny data (a smoke test of the harness).

Figures depend on the machine's load: on a shared machine they are noisy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import data_dir, row

QUERIES = [
    "hjemløs",
    "misbrug",
    "jobcenter",
    "bolig rådgivning",
    "demens",
    "gæld",
    "sygedagpenge",
    "ung ledig",
    "herberg",
    "handicap",
    "vold",
    "psykiatri",
]
FULL_NS = [25, 50, 100, 200]
FULL_SIZE = 2000
TIMEOUT_S = 120.0
SEARCH_LABEL = "Søg"


@dataclass
class Plan:
    sessions: int
    ramp_s: float
    wait_s: tuple[float, float] = (5.0, 15.0)
    searches: int = 3
    burst: bool = False


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # search reruns, seconds
    first_loads: list[float] = field(default_factory=list)  # start page, seconds
    errors: list[str] = field(default_factory=list)


class Session:
    """One browser tab's worth of protocol: the WebSocket and the page state it keeps."""

    def __init__(self, base_url: str, cookie: str | None) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.ws: Any = None
        self.page_hash = ""
        self.search_id: str | None = None
        self.elements = 0  # elements drawn by the last run (a search draws its result cards)

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=TIMEOUT_S,
        )

    async def rerun(self, query: str | None = None) -> float:
        """Send one rerun (the start page, or a search) and wait for its end; seconds."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page_hash
        if query is not None:
            if self.search_id is None:
                raise RuntimeError("the search box was not on the start page")
            widget = state.widget_states.widgets.add()
            widget.id = self.search_id
            widget.string_value = query
        self.elements = 0
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), TIMEOUT_S)
        return time.perf_counter() - started

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed" or kind == "navigation":
                if kind == "navigation" and msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                self.elements += 1
                which = element.WhichOneof("type")
                if which == "text_input" and element.text_input.label == SEARCH_LABEL:
                    self.search_id = element.text_input.id
                elif which == "exception":
                    raise RuntimeError(f"exception on the page: {element.exception.message}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status in (
                    ForwardMsg.FINISHED_SUCCESSFULLY,
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                ):
                    return
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the script failed to compile")
                # FINISHED_EARLY_FOR_RERUN: the app reran itself; wait for that run

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _cookie(nginx: bool) -> str | None:
    return f"landkort_affinity={uuid.uuid4().hex}" if nginx else None


async def _caseworker(
    n: int, plan: Plan, base_url: str, nginx: bool, tally: Tally, rng: random.Random
) -> None:
    await asyncio.sleep(plan.ramp_s * n / max(plan.sessions, 1))
    session = Session(base_url, _cookie(nginx))
    try:
        await session.connect()
        tally.first_loads.append(await session.rerun())
        for i in range(plan.searches):
            if i:
                await asyncio.sleep(rng.uniform(*plan.wait_s))
            tally.latencies.append(await session.rerun(rng.choice(QUERIES)))
    except Exception as exc:  # an error is a figure of the benchmark, not its end
        tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        with contextlib.suppress(Exception):
            await session.close()


async def _burst(plan: Plan, base_url: str, nginx: bool, tally: Tally, rng: random.Random):
    """All sessions connect and load the start page first, then all search at once."""
    sessions = [Session(base_url, _cookie(nginx)) for _ in range(plan.sessions)]

    async def open_one(session: Session) -> Session | None:
        try:
            await session.connect()
            tally.first_loads.append(await session.rerun())
            return session
        except Exception as exc:
            tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            return None

    ready: list[Session] = []
    for chunk in range(0, len(sessions), 10):  # open in small groups, as a ramp would
        ready += [
            s for s in await asyncio.gather(*map(open_one, sessions[chunk : chunk + 10])) if s
        ]

    async def search(session: Session) -> None:
        try:
            tally.latencies.append(await session.rerun(rng.choice(QUERIES)))
        except Exception as exc:
            tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    await asyncio.gather(*map(search, ready))
    await asyncio.gather(*(s.close() for s in ready), return_exceptions=True)


def run_plan(plan: Plan, base_url: str, *, nginx: bool, seed: int = 0) -> Tally:
    tally = Tally()
    rng = random.Random(seed)
    if plan.burst:
        asyncio.run(_burst(plan, base_url, nginx, tally, rng))
        return tally

    async def everyone() -> None:
        await asyncio.gather(
            *(
                _caseworker(n, plan, base_url, nginx, tally, random.Random(rng.random()))
                for n in range(plan.sessions)
            )
        )

    asyncio.run(everyone())
    return tally


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes and their children, in MB (Linux /proc)."""
    total = 0
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _rows(label: str, n: int, tally: Tally, mem_per_session: float, note: str) -> list[dict]:
    name = f"sessions: {label}"
    return [
        row(name, n, "p50_s", percentile(tally.latencies, 0.5), note=note),
        row(name, n, "p95_s", percentile(tally.latencies, 0.95), note=note),
        row(name, n, "max_s", max(tally.latencies) if tally.latencies else float("nan"), note=note),
        row(name, n, "first_load_p95_s", percentile(tally.first_loads, 0.95), note=note),
        row(name, n, "searches", len(tally.latencies), note=note),
        row(name, n, "errors", len(tally.errors), note="; ".join(sorted(set(tally.errors))[:3])),
        row(name, n, "mb_per_session", mem_per_session, note=note),
    ]


def measure(
    label: str, plan: Plan, base_url: str, pids: list[int], *, nginx: bool, seed: int
) -> tuple[list[dict], Tally]:
    """Run a plan; memory per session is the servers' peak RSS while the sessions are open
    (sampled every 0.25 s) minus their RSS before, divided by N."""
    import threading

    before = rss_mb(pids)
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            peak[0] = max(peak[0], rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        tally = run_plan(plan, base_url, nginx=nginx, seed=seed)
    finally:
        stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    per_session = (peak[0] - before) / plan.sessions
    note = f"wall {wall:.0f} s; {'burst' if plan.burst else f'ramp {plan.ramp_s:.0f} s'}"
    print(  # progress: a long run's figures survive an interruption
        f"# sessions {label} N={plan.sessions}: p50 {percentile(tally.latencies, 0.5):.2f} s, "
        f"p95 {percentile(tally.latencies, 0.95):.2f} s, errors {len(tally.errors)}, "
        f"{per_session:.1f} MB/session, {note}, load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )
    return _rows(label, plan.sessions, tally, per_session, note), tally


class Topology:
    """Two app servers on one PostgreSQL behind nginx (the tests' own helpers). The
    one-server scenarios talk to the first server directly while the second idles."""

    def __init__(self, data: Path, db_url: str) -> None:
        from tests.browser_support import AppServer

        self.apps = [AppServer(data, db_url=db_url) for _ in range(2)]
        self.nginx: Any = None

    def __enter__(self) -> Topology:
        from tests.nginx_support import Nginx

        try:
            for app in self.apps:
                app.start(timeout=300)
            self.nginx = Nginx([a.port for a in self.apps]).start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def target(self, servers: int) -> tuple[str, list[int], bool]:
        """(url, server pids, through nginx) for one server or both."""
        if servers == 1:
            return self.apps[0].url, [self.apps[0].proc.pid], False
        return self.nginx.url, [a.proc.pid for a in self.apps], True

    def warm(self, sessions: int) -> None:
        """Sessions load the page and search: caches and the search index are built."""
        for servers in (1, 2):
            url, _, nginx = self.target(servers)
            run_plan(Plan(sessions, 0.0, (0.0, 0.0), 1), url, nginx=nginx)

    def __exit__(self, *exc: object) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for app in self.apps:
            app.stop()


def run(
    sizes: list[int], seed: int = 0, *, quick: bool | None = None, ns: list[int] | None = None
) -> list[dict[str, Any]]:
    from tests.pg_support import PostgresCluster

    quick = max(sizes) < 1000 if quick is None else quick
    size = min(max(sizes), FULL_SIZE) if quick else FULL_SIZE
    ns = ns or ([3] if quick else FULL_NS)
    wait = (0.1, 0.3) if quick else (5.0, 15.0)
    data = data_dir(size, seed)
    rows: list[dict[str, Any]] = []
    cluster = PostgresCluster().start()
    try:
        with Topology(data, cluster.new_database()) as top:
            top.warm(2 if quick else 8)
            for servers in (1, 2):
                label = "1 server" if servers == 1 else "2 servers via nginx"
                url, pids, nginx = top.target(servers)
                for n in ns:
                    plan = Plan(n, ramp_s=1.0 if quick else n / 5, wait_s=wait)
                    rows += measure(label, plan, url, pids, nginx=nginx, seed=seed)[0]
                for n in ns:
                    plan = Plan(n, ramp_s=0.0, burst=True)
                    rows += measure(f"{label}, burst", plan, url, pids, nginx=nginx, seed=seed)[0]
    finally:
        cluster.stop()
    machine = f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end (shared machine)"
    rows.append(row("sessions: machine", size, "cpus", os.cpu_count() or 0, note=machine))
    return rows


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.bench_sessions [--ns 25,50] [--quick]`: this benchmark alone."""
    import argparse
    import json

    from benchmarks.__main__ import format_table, normalise

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_sessions")
    parser.add_argument("--ns", help="session counts, e.g. 25,50 (default 25,50,100,200)")
    parser.add_argument("--quick", action="store_true", help="N=3, short waits, tiny data")
    parser.add_argument("--out", type=Path, help="also save the rows as JSON here")
    args = parser.parse_args(argv)
    ns = [int(n) for n in args.ns.split(",")] if args.ns else None
    rows = normalise(run([40] if args.quick else [FULL_SIZE], quick=args.quick, ns=ns))
    print(format_table(rows))
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r["metric"] == "error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
