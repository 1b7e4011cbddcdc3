"""Hot endpoints served without FastAPI's parameter and dependency machinery, declared as FastAPI routes still.

`LeanRoute` is an APIRoute (route_class_override) whose request handler is the endpoint's own `lean` function,
`lean(route, request) -> Response`, instead of FastAPI's `get_request_handler`: the route keeps its declaration
(body model, response model, summary, tags), so the OpenAPI document is FastAPI's, and it is dispatched, wrapped
(`request_response`: the Request, the exit stacks, the exception handlers) and refused (405) as every route is;
or, marked `served_at_edge`, served by the app's edge itself (EdgeEndpoint), with the same exception handlers.
What FastAPI's handler does for a JSON body and a response model is here, step for step, for the lean function to
call in FastAPI's order (auth dependencies run between `read_body`/`parse_json_body` and `validated_body`, as
FastAPI solves the dependencies before it validates the body): the same errors, so the same 400 envelopes
(core/http/server.py), and the same response bytes and headers.

Why: for a send of one message, FastAPI's dependency solving, body handling and response serialisation cost
about as much CPU as the send's own work (issue 20; bench/send_path.py). voice/route_endpoints.py does the same
for an endpoint outside the OpenAPI document.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, ClassVar

import pydantic_core
from fastapi import HTTPException, Request, Response
from fastapi._body_limit import MAX_BODY_SIZE_SCOPE_KEY, get_body_limit_error
from fastapi.dependencies.utils import get_missing_field_error
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

try:  # FastAPI's telemetry hook (>= 0.165): the route a request was served by
    from fastapi.telemetry._api import _route_selected
except ImportError:  # pragma: no cover - another FastAPI version
    _route_selected = None  # type: ignore[assignment]  # none to tell: EdgeEndpoint skips the call

Lean = Callable[["LeanRoute", Request], Awaitable[Response]]

UNDEFINED: Any = object()  # no body: FastAPI's `Undefined` for a body it did not read
_PARSE_ERROR = "There was an error parsing the body"


class LeanRoute(APIRoute):
    """Set `lean` on a subclass (`lean_route(fn)` makes one). `at_edge`: its requests are served by the app's edge
    itself (EdgeEndpoint), when the edge can (core/http/server.py HttpEdge)."""

    lean: Lean
    at_edge: ClassVar[bool] = False

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        lean = type(self).lean

        async def handler(request: Request) -> Response:
            return await lean(self, request)

        return handler


def lean_route(fn: Lean) -> type[LeanRoute]:
    """A LeanRoute class whose requests `fn(route, request)` serves (for `route_class_override`); served at the
    edge when `fn` is marked so (`served_at_edge`)."""
    return type(
        f"LeanRoute_{fn.__name__}",
        (LeanRoute,),
        {"lean": staticmethod(fn), "at_edge": getattr(fn, _AT_EDGE, False)},
    )


_AT_EDGE = "_mpaas_served_at_edge"


def served_at_edge(fn: Lean) -> Lean:
    """Marks a lean function whose route the app's edge serves itself (EdgeEndpoint): for a function that reads
    nothing FastAPI's exception middleware, exit stacks, router and request wrapper put in the scope."""
    setattr(fn, _AT_EDGE, True)
    return fn


class EdgeEndpoint:
    """A lean route served straight from the app's edge (core/http/server.py HttpEdge), past the layers between
    the edge and the route's own handler: Starlette's ExceptionMiddleware, FastAPI's AsyncExitStackMiddleware,
    the router (core/http/dispatch.py) and the route's `request_response` wrapper (its Request, two exit stacks
    and a second exception wrapper). For a send of one message those were about 18% of the API process's CPU
    (py-spy under bench/send_path.py --role api; issue 20).

    What they did that shows is done here: the scope's `route` and `endpoint`, FastAPI's telemetry hook told the
    route, and an exception turned into its answer by the handler ExceptionMiddleware would have chosen (the
    app's handlers for ApiError, validation errors and HTTP exceptions: the same envelopes). Any other exception
    goes up to the layers above the edge (ServerErrorMiddleware: the 500 envelope), as before. The edge serves a
    route here only where the route table selects that very route for the path and method (HttpEdge)."""

    __slots__ = ("route", "path", "lean", "exception_handlers", "status_handlers")

    def __init__(self, route: LeanRoute, path: str, exception_handlers: Mapping, status_handlers: Mapping):
        self.route = route
        self.path = path  # the route's path template, prefixes applied (for telemetry)
        self.lean = type(route).lean
        self.exception_handlers = exception_handlers  # as ExceptionMiddleware holds them: class -> handler
        self.status_handlers = status_handlers  # status code -> handler, for HTTP exceptions

    async def __call__(self, scope, receive, send) -> None:
        route = self.route
        scope["route"] = route
        scope["endpoint"] = route.endpoint
        if _route_selected is not None:
            _route_selected(scope=scope, path=self.path)
        request = Request(scope, receive, send)
        try:
            response = await self.lean(route, request)
        except Exception as exc:
            handler = self.handler_for(exc)
            if handler is None:
                raise
            if is_async_callable(handler):
                response = await handler(request, exc)
            else:
                response = await run_in_threadpool(handler, request, exc)
            if response is None:
                return
        await response(scope, receive, send)

    def handler_for(self, exc: Exception):
        """The handler Starlette's ExceptionMiddleware would call for `exc`, None when it would re-raise it."""
        if isinstance(exc, StarletteHTTPException) and (handler := self.status_handlers.get(exc.status_code)):
            return handler
        for cls in type(exc).__mro__:
            if cls in self.exception_handlers:
                return self.exception_handlers[cls]
        return None


def header(scope, name: bytes) -> str | None:
    """A request header's value as `request.headers.get(name)` gives it (the first one; `name` in lower case),
    without building the Headers object."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def is_json(content_type: str | None) -> bool:
    """FastAPI's test of a Content-Type for a JSON body: application/json or application/*+json (none: not)."""
    if not content_type:
        return False
    if content_type == "application/json":
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def parse_json_body(raw: bytes, content_type: str | None) -> Any:
    """The body bytes as FastAPI's handler hands them to validation for a JSON body parameter (strict content
    type): its JSON when the Content-Type says JSON, the raw bytes when it says something else or nothing (the
    model then refuses them), UNDEFINED when there is none. Not JSON is RequestValidationError `json_invalid`;
    bytes in no Unicode encoding are FastAPI's 400 "There was an error parsing the body"."""
    if not raw:
        return UNDEFINED
    if not is_json(content_type):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", e.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": e.msg},
                }
            ],
            body=e.doc,
        ) from e
    except Exception as e:
        raise HTTPException(status_code=400, detail=_PARSE_ERROR) from e


def _read_failed(scope, error: Exception) -> Exception:
    """What FastAPI answers when reading the body failed: its own body cap's error when one is configured, else
    400 "There was an error parsing the body"."""
    if MAX_BODY_SIZE_SCOPE_KEY in scope and (limit := get_body_limit_error(error)):
        return limit
    return HTTPException(status_code=400, detail=_PARSE_ERROR)


async def read_body(scope, receive) -> bytes:
    """The whole body from the ASGI `receive`, as FastAPI's handler reads it for a body parameter (Request.body,
    without the Request's stream): a failure (a client gone before the end included) is FastAPI's answer to it
    (_read_failed), the edge's body cap its 413."""
    chunks: list[bytes] = []
    try:
        while True:
            message = await receive()
            if message["type"] == "http.request":
                if not message.get("more_body", False):
                    if not chunks:  # the whole body in one message: the usual case
                        return message.get("body", b"")
                    chunks.append(message.get("body", b""))
                    return b"".join(chunks)
                chunks.append(message.get("body", b""))
            elif message["type"] == "http.disconnect":
                raise ClientDisconnect()
    except StarletteHTTPException:
        raise  # the edge's body cap (413: limits.BodyTooLarge, a Starlette HTTPException)
    except Exception as e:
        raise _read_failed(scope, e) from e


def validated_body(route: APIRoute, body: Any) -> Any:
    """The route's one (not embedded) body parameter validated as FastAPI validates it, with its errors."""
    field = route.body_field
    assert field is not None, "a lean route with a body declares its model"
    if body is UNDEFINED:
        errors = [get_missing_field_error(loc=("body",))]
    else:
        value, errors = field.validate(body, {}, loc=("body",))
        if not errors:
            return value
    raise RequestValidationError(errors, body=None if body is UNDEFINED else body)


def model_response(route: APIRoute, content: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A 200 with `content` validated against and serialised by the route's response model, as FastAPI's fast
    path does it (serialize_json by alias, `application/json`), and `headers` after its own, as FastAPI appends a
    dependency's response headers."""
    field = route.response_field
    assert field is not None, "a lean route with a response declares its model"
    value, errors = field.validate(content, {}, loc=("response",))
    if errors:  # a presenter's bug, as FastAPI reports it
        from fastapi.exceptions import ResponseValidationError

        raise ResponseValidationError(errors=errors, body=content)
    return _json_response(field.serialize_json(value, by_alias=True), headers)


def shaped_response(content: dict, headers: Mapping[str, str] | None = None) -> Response:
    """model_response's answer for a presenter whose dict already is the response model's wire form: its names
    (the aliases), no field missing or extra, each value of its field's type as validation would leave it (str,
    int, float, None, lists and dicts of those). Validation then changes nothing, and pydantic-core's serializer
    writes the same bytes for the dict as for the model (the same float and string encoding), so the model is
    neither built nor validated: for a send's answer, 17 us instead of 3 us. The presenter's tests pin its shape
    (its dict validates to the model and dumps back to itself)."""
    return _json_response(pydantic_core.to_json(content), headers)


def _json_response(body: bytes, headers: Mapping[str, str] | None) -> Response:
    response = Response(content=body, media_type="application/json")
    if headers:
        response.raw_headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())
    return response
