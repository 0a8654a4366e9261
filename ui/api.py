"""The read-only HSDS API under `/api/hsds/`: Starlette routes beside the app.

`app.py` serves the app as an `st.App` with `routes()`, so `streamlit run app.py` serves the
API on the app's own server and port. The answers come from
`directory.exports.hsds.api.HsdsApi`, built once per data version from the public view and
its search index (`ui.serving.public_snapshot`, the pages' own cached objects): the API has
no staff-only value to give, whoever asks. With sign-in set up and no `public: true` in the
access file it answers 401; JSON, CORS for GET.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import ui.auth
import ui.serving
from directory.access import AccessFileError

if TYPE_CHECKING:
    from directory import Directory
    from directory.exports.hsds.api import HsdsApi
    from search import SearchIndex


class _QuietWorkers(logging.Filter):
    """The API reads Streamlit's caches from the server's worker threads, where there is no
    script run: Streamlit then warns 'missing ScriptRunContext' on every read. Not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        worker = threading.current_thread().name.startswith("AnyIO worker")
        return not (worker and "missing ScriptRunContext" in record.getMessage())


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _QuietWorkers()
)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "600",
}
CLOSED_DA = "Landkortet kræver log ind: API'et er kun åbent, når adgangsfilen har 'public: true'."
ACCESS_BROKEN_DA = "Adgangsfilen (LANDKORT_ACCESS) kan ikke bruges, så landkortet er lukket."
NO_DATA_DA = "Landkortet kan ikke vises lige nu, fordi data har fejl. Prøv igen senere."


@st.cache_resource(show_spinner=False, max_entries=2)
def _api(version: str, _directory: Directory, _index: SearchIndex) -> HsdsApi:
    from directory.exports.hsds.api import HsdsApi
    from directory.exports.hsds.export import HsdsCatalog

    return HsdsApi(HsdsCatalog(_directory), _index)


def _answer(path: str, query: dict[str, str], base_url: str) -> tuple[int, object]:
    try:
        closed = ui.auth.auth_configured() and not ui.auth.access_rules().public
    except AccessFileError:
        return 503, {"error": ACCESS_BROKEN_DA}
    if closed:
        return 401, {"error": CLOSED_DA}
    snapshot = ui.serving.public_snapshot()
    if snapshot is None:
        return 503, {"error": NO_DATA_DA}
    version, directory, index = snapshot
    return _api(version, directory, index).get(path, query, base_url)


async def hsds(request: Request) -> Response:
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=CORS)
    path = request.path_params.get("path", "")
    status, body = await run_in_threadpool(
        _answer, path, dict(request.query_params), str(request.base_url)
    )
    headers = dict(CORS)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="Kommunalt landkort"'
    return JSONResponse(body, status_code=status, headers=headers)


def routes() -> list[Route]:
    """The API's routes for `st.App(..., routes=...)`."""
    return [
        Route("/api/hsds", hsds, methods=["GET", "OPTIONS"]),
        Route("/api/hsds/{path:path}", hsds, methods=["GET", "OPTIONS"]),
    ]


def server_options() -> dict[str, Any]:
    """What app.py's `st.App` is built with (Streamlit finds the App by its literal
    `st.App(...)` call in app.py): the HSDS routes, and HostGuard first, so a request or
    WebSocket for a host name the server does not answer to (LANDKORT_ALLOWED_HOSTS; DNS
    rebinding) is refused before anything else sees it."""
    from starlette.middleware import Middleware

    return {"routes": routes(), "middleware": [Middleware(ui.auth.HostGuard)]}
