"""Limits at the HTTP edge (issue 16): a cap on request bodies, enforced while they are read, and the text
rules of core/wire.py applied to every query parameter.

`BodyLimit` is the outermost ASGI middleware, so it acts before routing, authentication and any buffering:

- a `Content-Length` above the cap is refused at once with a 413, the body never read;
- otherwise `receive` is wrapped and counts the bytes as they arrive (chunked bodies included): the first
  message that takes the total past the cap raises `BodyTooLarge` (a 413 `HTTPException`, rendered by the
  app's error handlers) instead of handing the app more bytes, so at most the cap plus one chunk of a body
  is ever held.

Every 413 is the vendor envelope and carries `Connection: close`: the rest of the body is never read, so the
connection cannot be reused, and closing it stops the server's protocol from reading and discarding it."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException

from mpaas.core.wire import TEXT_MAX_LENGTH, text_problem

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


MAX_QUERY_PARAMETERS = 50


async def _send_envelope(send, status: int, message: str, *, close: bool = False) -> None:
    body = json.dumps({"StatusCode": status, "Message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def query_problem(query: bytes) -> str | None:
    """The 400 message for a query string no endpoint may see, or None: at most MAX_QUERY_PARAMETERS
    parameters, each value at most TEXT_MAX_LENGTH characters, single-line, no control characters."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if len(pairs) > MAX_QUERY_PARAMETERS:
        return f"The query string must hold at most {MAX_QUERY_PARAMETERS} parameters."
    for name, value in pairs:
        if text_problem(name) or len(name) > 64:
            return "A query parameter name is invalid."
        if problem := text_problem(value):
            return f"The {name} field {problem}."
        if len(value) > TEXT_MAX_LENGTH:
            return f"The {name} field must be at most {TEXT_MAX_LENGTH} characters long."
    return None


class QueryLimit:
    """ASGI middleware: a query parameter holding control characters, line breaks or more than
    TEXT_MAX_LENGTH characters is refused with 400 naming it, before routing and authentication (request
    bodies get the same rules from WireModel)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        query = scope.get("query_string") if scope["type"] == "http" else None
        if query and (problem := query_problem(query)):
            await _send_envelope(send, 400, problem)
            return
        await self.app(scope, receive, send)


def too_large_message(max_bytes: int) -> str:
    return f"Payload too large: the request body exceeds the limit of {max_bytes} bytes."


class BodyTooLarge(HTTPException):
    """Raised by the wrapped `receive` when a body grows past the cap."""

    def __init__(self, max_bytes: int):
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server refuses a malformed length before the app sees it
    return None


class BodyLimit:
    """ASGI middleware: bodies above `max_bytes` are refused with 413 (0 turns the cap off)."""

    def __init__(self, app, max_bytes: int = DEFAULT_MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send) -> None:
        await _send_envelope(send, 413, too_large_message(self.max_bytes), close=True)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.max_bytes:
            await self._refuse(send)
            return

        max_bytes = self.max_bytes
        state = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive():
            if state["exceeded"]:
                raise BodyTooLarge(max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > max_bytes:
                    state["exceeded"] = True
                    raise BodyTooLarge(max_bytes)
            return message

        async def guarded_send(message):
            if message["type"] == "http.response.start":
                if state["exceeded"]:
                    # Whatever the app made of the exception (its handler renders the 413), the answer is the
                    # 413 envelope, and the connection closes: the rest of the body stays unread.
                    state["started"] = True
                    await self._refuse(send)
                    return
                state["started"] = True
            elif state["exceeded"]:
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if state["started"]:
                raise
            await self._refuse(send)
