"""Load: N real Streamlit sessions over the WebSocket protocol, no browser.

Each session speaks what the browser speaks: it opens `/_stcore/stream` (subprotocol
`streamlit`), sends a `BackMsg.rerun_script` with its `ClientState` (query string, page,
widget states) and reads `ForwardMsg`s until `script_finished`. A search is the message
Chromium sends when Enter is pressed in the search box (checked frame by frame): the query
string `q=<query>`, the state of every widget of the search fragment, and the fragment's
id, so the server reruns the fragment only (`--whole-page`: the whole script, as before the
search was a fragment). Honesty checks: the start page must draw the search box keyed `q`
inside a fragment, and every search must end as the run asked for and draw exactly the
result cards (`punkt-hits-<kind>-<id>` containers, in order) that the page's own search
gives for that query on the same data (`expected_cards`); anything else is an error of the
benchmark, counted with the errors.

It behaves like a caseworker: it arrives on a ramp (N/5 seconds for N sessions), loads the
start page, searches, waits 5-15 s, searches again, waits, searches a third time. Measured
per scenario: p50/p95/max rerun latency of the searches (send → `script_finished`), errors
(timeouts, closed sockets, exception elements, failed runs, wrong cards), result cards per
search, server memory per session (RSS growth of the server processes / N) and server CPU
time per run. Before the scenarios, one session alone measures the server CPU time per
search rerun (fragment, and the whole page as the baseline), before and after it opened a
unit page; then a unit page is opened on each server, as caseworkers open results all day,
so the scenarios run in a server that has loaded what a unit page loads (the map).

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
import re
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.common import data_dir, process_cpu_s, row

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
    whole_page: bool = False  # each search reruns the whole script, not the search fragment


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # search reruns, seconds
    first_loads: list[float] = field(default_factory=list)  # start page, seconds
    cards: list[int] = field(default_factory=list)  # result cards each search drew
    errors: list[str] = field(default_factory=list)


# What the Søg page draws (pages/soeg.py, ui/soeg.py): the search box keyed `q` inside the
# search fragment, one result card per result in a container keyed `punkt-hits-<kind>-<id>`.
SEARCH_KEY = "q"
CARD = re.compile(r"-punkt-hits-(unit|department|location)-(.+)$")
# Widgets of the search fragment a browser sends with each of its reruns, and how it sends
# an untouched one (a selectbox or number input without a value sends no value at all).
FRAGMENT_WIDGETS = ("text_input", "multiselect", "selectbox", "number_input", "checkbox")


class BenchmarkError(RuntimeError):
    """The session did not see what a browser sees: the benchmark would measure the wrong
    thing (no search, the wrong widget, no result cards)."""


def expected_cards(data: Path, queries: list[str], *, public: bool = False) -> dict[str, list[str]]:
    """`<kind>-<id>` of the result cards a browser shows for each query on this data (the
    page's own placed search, `search.placing.search_cards`, without filters or an area, at
    this moment: the order depends on what is open now), on the staff view or, `public`, on
    the public view: what a server without sign-in gives a request that came through a
    proxy (issue 26)."""
    from directory import load_directory
    from directory.rules import clock
    from directory.visibility import public_view
    from search import SearchIndex
    from search.placing import search_cards

    directory = load_directory(data)
    index = SearchIndex(public_view(directory) if public else directory)
    at = clock.now()
    return {
        q: [f"{c.result.kind.value}-{c.result.id}" for c in search_cards(index, q, at=at)]
        for q in queries
    }


class Session:
    """One browser tab's worth of protocol: the WebSocket and the page state it keeps.

    A search is sent as the browser sends it (checked against Chromium's own frames): the
    query string `q=<query>` (the box is bound to the URL), the state of every widget of the
    search fragment, and the fragment's id, so the server reruns only the fragment. Every
    search must draw exactly the result cards `expected` lists for its query, else it is an
    error of the benchmark (`BenchmarkError`)."""

    def __init__(
        self, base_url: str, cookie: str | None, expected: dict[str, list[str]] | None = None
    ) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.expected = expected
        self.ws: Any = None
        self.page_hash = ""
        self.search_id: str | None = None
        self.fragment_id = ""  # the search fragment's id (a browser reruns only it)
        self.widgets: list[tuple[str, str]] = []  # (widget id, element type) of the fragment
        self.elements = 0  # elements drawn by the last run
        self.cards: list[str] = []  # `<kind>-<id>` of the result cards the last run drew
        self.status: int | None = None  # the last run's script_finished status
        self._drawn: list[tuple[str, str, str]] = []  # (fragment id, widget id, type)
        self.pages: dict[str, str] = {}  # url path -> page script hash ("" the start page)

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
            # A browser sends no pings of its own (it answers the server's): a server too
            # busy to answer a ping within 20 s is a slow search, not a closed session.
            ping_interval=None,
        )

    async def rerun(self, query: str | None = None, *, whole_page: bool = False) -> float:
        """Send one rerun (the start page, or a search) and wait for its end; seconds.
        A search is checked afterwards (outside the time): it must have drawn its cards."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash
        if query is not None:
            if self.search_id is None:
                raise BenchmarkError("the search box was not on the start page")
            state.query_string = urlencode({SEARCH_KEY: query})
            for widget_id, kind in self.widgets:
                widget = state.widget_states.widgets.add()
                widget.id = widget_id
                if widget_id == self.search_id:
                    widget.string_value = query
                elif kind == "multiselect":
                    widget.string_array_value.SetInParent()
                elif kind == "checkbox":
                    widget.bool_value = False
            if not whole_page:
                state.fragment_id = self.fragment_id
        took = await self._run(msg)
        if query is None:
            self._learn_start_page()
        else:
            self._check_search(query, whole_page)
        return took

    async def _run(self, msg: Any) -> float:
        """Send a BackMsg and read the run's ForwardMsgs to its end; seconds."""
        self.elements = 0
        self.cards = []
        self._drawn = []
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), TIMEOUT_S)
        return time.perf_counter() - started

    async def open_page(self, url_path: str, query_string: str) -> float:
        """Go to another page of the app (`url_path` as in the navigation, "" the start
        page) with this query string, as a link does; seconds. The start page is learnt
        again (its search box and fragment)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if url_path not in self.pages:
            raise BenchmarkError(f"no page {url_path!r} in the navigation: {sorted(self.pages)}")
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.pages[url_path]
        msg.rerun_script.query_string = query_string
        self.search_id = None
        took = await self._run(msg)
        if url_path == "":
            self._learn_start_page()
        return took

    async def open_first_unit(self) -> str:
        """Open the unit page of the first unit card the last search drew; the unit's id."""
        unit = next((c for c in self.cards if c.startswith("unit-")), "").removeprefix("unit-")
        if not unit:
            raise BenchmarkError("the last search drew no unit card to open")
        await self.open_page("enhed", urlencode({"id": unit}))
        if self.elements == 0:
            raise BenchmarkError(f"the unit page of {unit!r} drew nothing")
        return unit

    def _learn_start_page(self) -> None:
        """The search box, its fragment and the fragment's widgets, as the page drew them."""
        if self.search_id is None:
            raise BenchmarkError("the start page drew no search box labelled »Søg«")
        if not self.search_id.endswith(f"-{SEARCH_KEY}"):
            raise BenchmarkError(
                f"the search box's widget id {self.search_id!r} is not derived from its key "
                f"{SEARCH_KEY!r}: the page changed, and so must the benchmark"
            )
        fragment = next((f for f, w, _ in self._drawn if w == self.search_id), "")
        if not fragment:
            raise BenchmarkError("the search box is not inside a fragment on the start page")
        self.fragment_id = fragment
        self.widgets = [(w, kind) for f, w, kind in self._drawn if f == fragment]

    def _check_search(self, query: str, whole_page: bool) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        wanted = (
            ForwardMsg.FINISHED_SUCCESSFULLY
            if whole_page
            else ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        )
        if self.status != wanted:
            raise BenchmarkError(
                f"search {query!r}: the run ended with status {self.status}, expected {wanted} "
                f"({'the whole page' if whole_page else 'the search fragment only'})"
            )
        if self.expected is None:
            return
        want = self.expected.get(query)
        if want is None:
            raise BenchmarkError(f"search {query!r}: no expected result cards for this query")
        if not self.cards:
            raise BenchmarkError(
                f"search {query!r} drew no result card; a browser shows {len(want)}"
            )
        if self.cards != want:
            raise BenchmarkError(
                f"search {query!r} drew {len(self.cards)} result cards "
                f"{self.cards[:3]}…, a browser shows {len(want)} {want[:3]}…"
            )

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                if msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
                for page in msg.navigation.app_pages:
                    self.pages[page.url_pathname] = page.page_script_hash
                    if page.is_default:
                        self.pages[""] = page.page_script_hash
            elif kind == "delta":
                self._delta(msg.delta)
            elif kind == "script_finished":
                status = msg.script_finished
                if status in (
                    ForwardMsg.FINISHED_SUCCESSFULLY,
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                ):
                    self.status = status
                    return
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the script failed to compile")
                # FINISHED_EARLY_FOR_RERUN: the app reran itself; wait for that run

    def _delta(self, delta: Any) -> None:
        which = delta.WhichOneof("type")
        if which == "add_block":
            card = CARD.search(delta.add_block.id)
            if card:
                self.cards.append(f"{card[1]}-{card[2]}")
            return
        if which != "new_element":
            return
        element = delta.new_element
        self.elements += 1
        what = element.WhichOneof("type")
        if what == "exception":
            raise RuntimeError(f"exception on the page: {element.exception.message}")
        if what in FRAGMENT_WIDGETS:
            widget = getattr(element, what)
            self._drawn.append((delta.fragment_id, widget.id, what))
            if what == "text_input" and widget.label == SEARCH_LABEL:
                self.search_id = widget.id

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _cookie(nginx: bool) -> str | None:
    return f"landkort_affinity={uuid.uuid4().hex}" if nginx else None


async def _search(session: Session, plan: Plan, tally: Tally, rng: random.Random) -> None:
    """One search of a query that has results on the data (`Session.expected`)."""
    queries = [q for q, cards in (session.expected or {}).items() if cards] or QUERIES
    tally.latencies.append(await session.rerun(rng.choice(queries), whole_page=plan.whole_page))
    tally.cards.append(len(session.cards))


async def _caseworker(
    n: int, plan: Plan, base_url: str, nginx: bool, tally: Tally, rng: random.Random, expected: Any
) -> None:
    await asyncio.sleep(plan.ramp_s * n / max(plan.sessions, 1))
    session = Session(base_url, _cookie(nginx), expected)
    try:
        await session.connect()
        tally.first_loads.append(await session.rerun())
        for i in range(plan.searches):
            if i:
                await asyncio.sleep(rng.uniform(*plan.wait_s))
            await _search(session, plan, tally, rng)
    except Exception as exc:  # an error is a figure of the benchmark, not its end
        tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        with contextlib.suppress(Exception):
            await session.close()


async def _burst(
    plan: Plan, base_url: str, nginx: bool, tally: Tally, rng: random.Random, expected: Any
) -> None:
    """All sessions connect and load the start page first, then all search at once."""
    sessions = [Session(base_url, _cookie(nginx), expected) for _ in range(plan.sessions)]

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
            await _search(session, plan, tally, rng)
        except Exception as exc:
            tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    await asyncio.gather(*map(search, ready))
    await asyncio.gather(*(s.close() for s in ready), return_exceptions=True)


def run_plan(
    plan: Plan,
    base_url: str,
    *,
    nginx: bool,
    expected: dict[str, list[str]] | None = None,
    seed: int = 0,
) -> Tally:
    """Run the sessions of a plan; `expected`: the result cards each query must draw
    (`expected_cards`), None to skip that check (warming up)."""
    tally = Tally()
    rng = random.Random(seed)
    if plan.burst:
        asyncio.run(_burst(plan, base_url, nginx, tally, rng, expected))
        return tally

    async def everyone() -> None:
        await asyncio.gather(
            *(
                _caseworker(n, plan, base_url, nginx, tally, random.Random(rng.random()), expected)
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


def _rows(
    label: str,
    n: int,
    tally: Tally,
    mem_per_session: float,
    cpu_ms: float,
    client_share: float,
    note: str,
) -> list[dict]:
    name = f"sessions: {label}"
    cards = statistics.mean(tally.cards) if tally.cards else 0.0
    return [
        row(name, n, "p50_s", percentile(tally.latencies, 0.5), note=note),
        row(name, n, "p95_s", percentile(tally.latencies, 0.95), note=note),
        row(name, n, "max_s", max(tally.latencies) if tally.latencies else float("nan"), note=note),
        row(name, n, "first_load_p95_s", percentile(tally.first_loads, 0.95), note=note),
        row(name, n, "searches", len(tally.latencies), note=note),
        row(name, n, "cards_per_search", cards, note="result cards each search drew (checked)"),
        row(name, n, "errors", len(tally.errors), note="; ".join(sorted(set(tally.errors))[:3])),
        row(name, n, "mb_per_session", mem_per_session, note=note),
        row(
            name,
            n,
            "server_cpu_ms_per_run",
            cpu_ms,
            note="server CPU time / (first loads + searches)",
        ),
        row(
            name,
            n,
            "client_cpu_share",
            client_share,
            note="the benchmark's own CPU time / wall time: near 1, the client was the limit",
        ),
    ]


def measure(
    label: str,
    plan: Plan,
    base_url: str,
    pids: list[int],
    *,
    nginx: bool,
    expected: dict[str, list[str]],
    seed: int,
) -> tuple[list[dict], Tally]:
    """Run a plan; memory per session is the servers' peak RSS while the sessions are open
    (sampled every 0.25 s) minus their RSS before, divided by N; server CPU is the CPU time
    the servers used during the plan (not wall time: the machine may be shared)."""
    import threading

    before = rss_mb(pids)
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            peak[0] = max(peak[0], rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_before = sum(map(process_cpu_s, pids))
    client_before = time.process_time()
    started = time.perf_counter()
    try:
        tally = run_plan(plan, base_url, nginx=nginx, expected=expected, seed=seed)
    finally:
        stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    client_share = (time.process_time() - client_before) / wall
    runs = len(tally.first_loads) + len(tally.latencies)
    cpu_ms = (sum(map(process_cpu_s, pids)) - cpu_before) * 1000 / max(runs, 1)
    per_session = (peak[0] - before) / plan.sessions
    note = f"wall {wall:.0f} s; {'burst' if plan.burst else f'ramp {plan.ramp_s:.0f} s'}"
    print(  # progress: a long run's figures survive an interruption
        f"# sessions {label} N={plan.sessions}: p50 {percentile(tally.latencies, 0.5):.2f} s, "
        f"p95 {percentile(tally.latencies, 0.95):.2f} s, errors {len(tally.errors)}, "
        f"{per_session:.1f} MB/session, {cpu_ms:.0f} ms CPU/run, "
        f"client CPU {client_share:.0%}, {note}, "
        f"load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )
    return _rows(label, plan.sessions, tally, per_session, cpu_ms, client_share, note), tally


async def open_a_result(url: str, expected: dict[str, list[str]]) -> str:
    """One session searches and opens the unit page of its first unit card; the unit's id."""
    session = Session(url, None, expected)
    await session.connect()
    try:
        await session.rerun()
        await session.rerun(next(q for q, cards in expected.items() if cards))
        return await session.open_first_unit()
    finally:
        await session.close()


async def _rerun_cpu(
    url: str, pid: int, expected: dict[str, list[str]], searches: int
) -> dict[str, float]:
    """Server CPU ms per search of one session alone (fragment and whole-page reruns),
    before and after it opened a unit page, and the server's RSS growth from that page."""
    session = Session(url, None, expected)
    queries = [q for q, cards in expected.items() if cards]
    await session.connect()
    figures: dict[str, float] = {}
    try:
        await session.rerun()

        async def per_search(whole_page: bool) -> float:
            before = process_cpu_s(pid)
            for i in range(searches):
                await session.rerun(queries[i % len(queries)], whole_page=whole_page)
            return (process_cpu_s(pid) - before) * 1000 / searches

        figures["fragment"] = await per_search(False)
        figures["whole page"] = await per_search(True)
        rss = rss_mb([pid])
        await session.open_first_unit()
        await session.open_page("", "")  # back to Søg: the start page again
        figures["unit page MB"] = rss_mb([pid]) - rss
        figures["fragment, after a unit page"] = await per_search(False)
        figures["whole page, after a unit page"] = await per_search(True)
    finally:
        await session.close()
    return figures


def rerun_cpu_rows(
    url: str, pid: int, size: int, expected: dict[str, list[str]], searches: int = 24
) -> list[dict]:
    """`sessions: server CPU per search rerun` rows (CPU time, so the machine's load does
    not change them much); the whole-page rerun is the baseline of the fragment's."""
    figures = asyncio.run(_rerun_cpu(url, pid, expected, searches))
    name = "sessions: server CPU per search rerun"
    rows = []
    for after in ("", ", after a unit page"):
        note = f"mean of {searches} searches (CPU time); baseline: the whole page reruns"
        rows.append(
            row(
                f"{name}{after}",
                size,
                "cpu_ms",
                figures[f"fragment{after}"],
                figures[f"whole page{after}"],
                note=note,
            )
        )
    rows.append(row("sessions: server memory of a unit page", size, "mb", figures["unit page MB"]))
    return rows


class Topology:
    """Two app servers on one PostgreSQL behind nginx (the tests' own helpers). The
    one-server scenarios talk to the first server directly while the second idles."""

    def __init__(self, data: Path, db_url: str) -> None:
        from testkit.browser_support import AppServer

        self.apps = [AppServer(data, db_url=db_url) for _ in range(2)]
        self.nginx: Any = None

    def __enter__(self) -> Topology:
        from testkit.nginx_support import Nginx

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
            tally = run_plan(Plan(sessions, 0.0, (0.0, 0.0), 1), url, nginx=nginx)
            if tally.errors:
                raise BenchmarkError(f"warming up failed: {tally.errors[0]}")

    def open_results(self, expected: dict[str, list[str]]) -> None:
        """A unit page opened on each server, as caseworkers open results all day: its
        imports (the map's) stay in the process, and every later rerun lives with them."""
        for app in self.apps:
            asyncio.run(open_a_result(app.url, expected))

    def __exit__(self, *exc: object) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for app in self.apps:
            app.stop()


def run(
    sizes: list[int],
    seed: int = 0,
    *,
    quick: bool | None = None,
    ns: list[int] | None = None,
    whole_page: bool = False,
    units: int = FULL_SIZE,
) -> list[dict[str, Any]]:
    """`units`: the generated data's size (not quick); `whole_page`: every search reruns
    the whole script (what a browser did before the search was a fragment), for a
    comparison; the default is what a browser does now."""
    from testkit.pg_support import PostgresCluster

    quick = max(sizes) < 1000 if quick is None else quick
    size = min(max(sizes), FULL_SIZE) if quick else units
    ns = ns or ([3] if quick else FULL_NS)
    wait = (0.1, 0.3) if quick else (5.0, 15.0)
    data = data_dir(size, seed)
    expected = expected_cards(data, QUERIES)
    # without sign-in, a request through nginx gets the public view (issue 26)
    expected_via_proxy = expected_cards(data, QUERIES, public=True)
    if not any(expected.values()):
        raise BenchmarkError(f"no query of the benchmark finds anything in {data}")
    rows: list[dict[str, Any]] = []
    mode = ", whole page" if whole_page else ""
    cluster = PostgresCluster().start()
    try:
        with Topology(data, cluster.new_database()) as top:
            top.warm(2 if quick else 8)
            url, pids, _ = top.target(1)
            rows += rerun_cpu_rows(url, pids[0], size, expected, searches=6 if quick else 24)
            top.open_results(expected)
            for servers in (1, 2):
                label = ("1 server" if servers == 1 else "2 servers via nginx") + mode
                url, pids, nginx = top.target(servers)
                cards = expected_via_proxy if nginx else expected
                for n in ns:
                    plan = Plan(n, 1.0 if quick else n / 5, wait, whole_page=whole_page)
                    rows += measure(label, plan, url, pids, nginx=nginx, expected=cards, seed=seed)[
                        0
                    ]
                for n in ns:
                    plan = Plan(n, 0.0, burst=True, whole_page=whole_page)
                    rows += measure(
                        f"{label}, burst",
                        plan,
                        url,
                        pids,
                        nginx=nginx,
                        expected=cards,
                        seed=seed,
                    )[0]
    finally:
        cluster.stop()
    machine = f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end (shared machine)"
    rows.append(row("sessions: machine", size, "cpus", os.cpu_count() or 0, note=machine))
    return rows


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.bench_sessions [--ns 25,50] [--quick] [--whole-page]
    [--units N]`: this benchmark alone."""
    import argparse
    import json

    from benchmarks.__main__ import format_table, normalise

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_sessions")
    parser.add_argument("--ns", help="session counts, e.g. 25,50 (default 25,50,100,200)")
    parser.add_argument("--quick", action="store_true", help="N=3, short waits, tiny data")
    parser.add_argument(
        "--whole-page",
        action="store_true",
        help="every search reruns the whole page, not only the search fragment",
    )
    parser.add_argument(
        "--units", type=int, default=FULL_SIZE, help="generated units (default 2000)"
    )
    parser.add_argument("--out", type=Path, help="also save the rows as JSON here")
    args = parser.parse_args(argv)
    ns = [int(n) for n in args.ns.split(",")] if args.ns else None
    rows = normalise(
        run([40], quick=args.quick, ns=ns, whole_page=args.whole_page, units=args.units)
    )
    print(format_table(rows))
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r["metric"] == "error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
