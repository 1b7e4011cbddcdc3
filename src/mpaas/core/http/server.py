"""HTTP edge: the error envelope for every failure, and the app's one ASGI layer (limits, egress policy,
case-insensitive paths and query names)."""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.exceptions import ExceptionMiddleware

from mpaas.core.db.unavailable import database_unavailable
from mpaas.core.egress import SAVE_POLICY, EgressPolicy
from mpaas.core.errors import STANDARD_MESSAGES, ApiError, server_error_message
from mpaas.core.http import dispatch
from mpaas.core.http.heap import freeze_startup_heap
from mpaas.core.http.lean import EdgeEndpoint, LeanRoute
from mpaas.core.http.limits import (
    DEFAULT_MAX_BODY_BYTES,
    call_with_body_cap,
    query_pairs,
    query_problem,
    send_envelope,
    send_too_large,
)

log = logging.getLogger("mpaas.http")


def _field_path(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc[1:]:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts)


# A bound the value broke, in plain words (pydantic's error type -> wording, the ctx key holding the bound).
BOUND_WORDING = {
    "string_too_long": ("must be at most {} characters long", "max_length"),
    "too_long": ("must hold at most {} items", "max_length"),
    "less_than_equal": ("must be at most {}", "le"),
    "less_than": ("must be less than {}", "lt"),
    "greater_than_equal": ("must be at least {}", "ge"),
    "greater_than": ("must be greater than {}", "gt"),
}


def validation_message(exc: RequestValidationError) -> str:
    """One clear sentence naming the first offending field, in the vendor's ASP.NET wording."""
    error = exc.errors()[0]
    kind = error.get("type", "")
    loc = tuple(error.get("loc", ()))
    field = _field_path(loc)
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if not field:
        if kind == "missing":
            return "A JSON request body is required."
        return "The request body must be a JSON object."
    if kind == "missing" or (kind in ("string_too_short", "too_short") and error.get("ctx", {}).get("min_length") == 1):
        return f"The {field} field is required."
    ctx = error.get("ctx") or {}
    if kind in BOUND_WORDING:
        words, key = BOUND_WORDING[kind]
        return f"The {field} field {words.format(ctx.get(key))}."
    msg = str(error.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        msg = f"has an invalid value ({msg[0].lower() + msg[1:]})"
    elif not msg.startswith(("must", "is", "has")):
        msg = f"is invalid: {msg[0].lower() + msg[1:]}"
    return f"The {field} field {msg}."


def envelope(status: int, message: str | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"StatusCode": status, "Message": message or STANDARD_MESSAGES.get(status, "Error")},
        status_code=status,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return envelope(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        return envelope(400, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        # Starlette's own 404/405 become the vendor's texts; anything else keeps its status.
        return envelope(
            exc.status_code, STANDARD_MESSAGES.get(exc.status_code, str(exc.detail)), getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        request_id = uuid.uuid4().hex[:16]
        if database_unavailable(exc):  # nothing was written; the client may retry (core/db/unavailable.py)
            log.warning("database unavailable, request id %s: %s", request_id, exc)
            return envelope(503, None, {"Retry-After": "1"})
        log.error("unhandled error, request id %s", request_id, exc_info=exc)
        return envelope(500, server_error_message(request_id))


class Healthz:
    """`GET /healthz` as a plain ASGI endpoint: `{"Status":"ok"}` with the headers FastAPI's JSONResponse sends,
    without the per-endpoint machinery (request object, dependency solving, response serialization) that a
    constant needs none of. It is still routed, through every layer of the app, like any endpoint."""

    BODY = b'{"Status":"ok"}'
    START = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-length", str(len(BODY)).encode()), (b"content-type", b"application/json")],
    }

    async def __call__(self, scope, receive, send) -> None:
        await send(self.START)
        await send({"type": "http.response.body", "body": self.BODY})


def iter_routes(routes, prefix: str = ""):
    """(full path, route) for every route, descending into included routers (FastAPI >= 0.165 keeps
    them as `_IncludedRouter` nodes instead of copying their routes)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from iter_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, route


def _freezing_at_startup(send):
    """The lifespan's `send`, freezing the heap (core/http/heap.py) once the app has started, before the server
    is told so: the startup's objects are out of the collector's walks before the first request."""

    async def send_after_freezing(message) -> None:
        if message.get("type") == "lifespan.startup.complete":
            freeze_startup_heap()
        await send(message)

    return send_after_freezing


class HttpEdge:
    """The app's one ASGI layer in front of FastAPI's own (issue 20: four layers, four call frames, before).
    For every HTTP request, in this order:

    1. body cap (core/http/limits.py): a `Content-Length` above `max_body_bytes` is refused with 413 before
       anything else; a body without a length (chunked) is counted while it is read (`call_with_body_cap`);
       0 turns the cap off;
    2. query limits: a query string `query_problem` refuses gets 400 naming the parameter, before routing
       and authentication;
    3. egress policy: `SAVE_POLICY` (core/egress.py) holds `policy` while the app runs, for the URLs the
       request saves (for every scope type: the lifespan's tasks inherit it as before);
    4. case-insensitive paths and query names: `/v1.0/oauth2/TOKENS?phonenumber=` reaches
       `/v1.0/OAuth2/tokens?PhoneNumber=`. The vendor runs on ASP.NET, which matches paths and query names
       without regard to case, and its own documents use both casings. A `text/json` body is read as JSON,
       as ASP.NET does. The maps come from `fastapi_app`'s routes, read on the first request.

    5. a lean route marked for the edge (core/http/lean.py `served_at_edge`) is served from here, by its
       EdgeEndpoint, past the exception middleware, exit stack, router and request wrapper FastAPI runs between
       this layer and the route (the same handlers answer its errors).

    And once the app has started (its lifespan's startup complete), the heap built so far is frozen
    (core/http/heap.py): the full collections that stalled every request in flight no longer walk it.

    A request with a `Content-Length` within the cap, or (HTTP/1.x) with neither a length nor
    `Transfer-Encoding`, has no more body than that: the HTTP/1.x server frames it so (a request without
    either has none, RFC 9112 6.3). Such a request is passed on without wrapping `receive` and `send`."""

    def __init__(
        self,
        app,
        *,
        fastapi_app: FastAPI | None = None,
        policy: EgressPolicy | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ):
        self.app = app
        self.fastapi_app = fastapi_app
        self.policy = policy
        self.max_body_bytes = max_body_bytes
        self._paths: dict[str, str] | None = None if fastapi_app is not None else {}
        self._queries: dict[str, str] = {}
        self._edge: dict[tuple[str, str], EdgeEndpoint] = {}

    def _build(self) -> dict[str, str]:
        paths: dict[str, str] = {}
        assert self.fastapi_app is not None
        for path, route in iter_routes(self.fastapi_app.routes):
            paths.setdefault(path.lower(), path)
            if isinstance(route, APIRoute):
                for param in route.dependant.query_params:
                    name = param.alias or param.name
                    self._queries.setdefault(name.lower(), name)
        self._paths = paths
        self._edge = self._edge_endpoints()
        return paths

    def _edge_endpoints(self) -> dict[tuple[str, str], EdgeEndpoint]:
        """(path, method) -> the EdgeEndpoint serving it: every lean route marked for the edge, for each path
        without parameters and method where the route table (core/http/dispatch.py) selects that very route, as
        long as the layer after this one is Starlette's ExceptionMiddleware (its handlers are the endpoint's)."""
        assert self.fastapi_app is not None
        table = self.fastapi_app.router.middleware_stack
        handlers = getattr(self.app, "_exception_handlers", None)
        status_handlers = getattr(self.app, "_status_handlers", None)
        if (
            not isinstance(table, dispatch.RouteTable)
            or table.table() is None
            or not isinstance(self.app, ExceptionMiddleware)
            or handlers is None
            or status_handlers is None
        ):
            return {}
        edge: dict[tuple[str, str], EdgeEndpoint] = {}
        for path, route in iter_routes(self.fastapi_app.routes):
            if not (isinstance(route, LeanRoute) and route.at_edge) or route.param_convertors:
                continue
            for method in route.methods or ():
                leaf = table.select(path, method)
                if leaf is not None and leaf.route is route:
                    edge[(path, method)] = EdgeEndpoint(route, path, handlers, status_handlers)
        return edge

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                send = _freezing_at_startup(send)
            await self._run(scope, receive, send)
            return
        max_bytes = self.max_body_bytes
        length: int | None = None
        length_seen = framed = False
        content_type = -1
        headers = scope.get("headers") or []
        for i, (name, value) in enumerate(headers):
            if name == b"content-length":
                if not length_seen:  # the first one counts; the HTTP server refuses a malformed length
                    length_seen = True
                    try:
                        length = int(value)
                    except ValueError:
                        length = None
            elif name == b"transfer-encoding":
                framed = True
            elif content_type < 0 and name.lower() == b"content-type":
                content_type = i
        if max_bytes > 0 and length is not None and length > max_bytes:
            await send_too_large(send, max_bytes)
            return
        changes: dict[str, Any] = {}
        query = scope.get("query_string", b"")
        if query:
            pairs = query_pairs(query)
            if problem := query_problem(pairs):
                await send_envelope(send, 400, problem)
                return
            renamed = [(self._queries.get(k.lower(), k), v) for k, v in pairs]
            if renamed != pairs:
                changes["query_string"] = urlencode(renamed).encode("latin-1")
        paths = self._paths if self._paths is not None else self._build()
        path = scope["path"]
        canonical = paths.get(path.lower().rstrip("/") or "/")
        if canonical and canonical != path:
            changes["path"] = canonical
            changes["raw_path"] = canonical.encode()
        if content_type >= 0:
            name, value = headers[content_type]
            kind, sep, rest = value.partition(b";")
            if kind.strip().lower() == b"text/json":
                changes["headers"] = [
                    *headers[:content_type],
                    (name, b"application/json" + sep + rest),
                    *headers[content_type + 1 :],
                ]
        if changes:
            scope = {**scope, **changes}
        app = self.app
        if canonical and self._edge and not scope.get("root_path"):
            app = self._edge.get((canonical, scope["method"]), app)
        if (
            max_bytes > 0
            and length is None
            and (framed or length_seen or scope.get("http_version") not in ("1.1", "1.0"))
        ):
            await self._run(scope, receive, send, max_bytes, app)
            return
        # `_run` without a body cap, inlined: the usual request, one coroutine frame fewer.
        policy = self.policy
        if policy is None:
            await app(scope, receive, send)
            return
        token = SAVE_POLICY.set(policy)
        try:
            await app(scope, receive, send)
        finally:
            SAVE_POLICY.reset(token)

    async def _run(self, scope, receive, send, max_bytes: int = 0, app=None) -> None:
        app = app or self.app
        token = SAVE_POLICY.set(self.policy) if self.policy is not None else None
        try:
            if max_bytes:
                await call_with_body_cap(app, scope, receive, send, max_bytes)
            else:
                await app(scope, receive, send)
        finally:
            if token is not None:
                SAVE_POLICY.reset(token)
