"""HTTP edge: the error envelope for every failure, and case-insensitive paths and query names."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from mpaas.core.errors import STANDARD_MESSAGES, ApiError, server_error_message

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
        log.error("unhandled error, request id %s", request_id, exc_info=exc)
        return envelope(500, server_error_message(request_id))


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


def _json_content_type(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]] | None:
    """`Content-Type: text/json` (which the contract's v1.1 operations list beside application/json, as ASP.NET
    accepts it everywhere) read as application/json, parameters kept; None when there is nothing to change."""
    for i, (name, value) in enumerate(headers):
        if name.lower() == b"content-type":
            kind, sep, rest = value.partition(b";")
            if kind.strip().lower() == b"text/json":
                return [*headers[:i], (name, b"application/json" + sep + rest), *headers[i + 1 :]]
            return None
    return None


class CaseInsensitiveRouting:
    """ASGI middleware: `/v1.0/oauth2/TOKENS?phonenumber=` reaches `/v1.0/OAuth2/tokens?PhoneNumber=`.

    The vendor runs on ASP.NET, which matches paths and query names without regard to case, and its
    own documents use both casings. A `text/json` body is read as JSON, as ASP.NET does."""

    def __init__(self, app, fastapi_app: FastAPI):
        self.app = app
        self.fastapi_app = fastapi_app
        self._paths: dict[str, str] | None = None
        self._queries: dict[str, str] = {}

    def _build(self) -> None:
        paths: dict[str, str] = {}
        for path, route in iter_routes(self.fastapi_app.routes):
            paths.setdefault(path.lower(), path)
            if isinstance(route, APIRoute):
                for param in route.dependant.query_params:
                    name = param.alias or param.name
                    self._queries.setdefault(name.lower(), name)
        self._paths = paths

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            if self._paths is None:
                self._build()
            path = scope["path"]
            key = path.lower().rstrip("/") or "/"
            canonical = self._paths.get(key)
            changes = {}
            if canonical and canonical != path:
                changes["path"] = canonical
                changes["raw_path"] = canonical.encode()
            query = scope.get("query_string", b"")
            if query:
                pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
                renamed = [(self._queries.get(k.lower(), k), v) for k, v in pairs]
                if renamed != pairs:
                    changes["query_string"] = urlencode(renamed).encode("latin-1")
            headers = _json_content_type(scope.get("headers") or [])
            if headers is not None:
                changes["headers"] = headers
            if changes:
                scope = {**scope, **changes}
        await self.app(scope, receive, send)
