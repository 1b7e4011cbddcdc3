"""Limits at the HTTP edge (issue 16): a cap on request bodies, enforced while they are read, and the text
rules of core/wire.py applied to every query parameter.

The app's one ASGI layer (`HttpEdge`, core/http/server.py) applies them before routing, authentication and
any buffering:

- a `Content-Length` above the cap is refused at once with a 413, the body never read;
- a body without a length (chunked) is read through `call_with_body_cap`, which counts the bytes as they
  arrive: the first message that takes the total past the cap raises `BodyTooLarge` (a 413 `HTTPException`,
  rendered by the app's error handlers) instead of handing the app more bytes, so at most the cap plus one
  chunk of a body is ever held;
- a query string breaking the rules (`query_problem`) is refused with 400 naming the parameter.

Every 413 is the vendor envelope and carries `Connection: close`: the rest of the body is never read, so the
connection cannot be reused, and closing it stops the server's protocol from reading and discarding it."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException

from mpaas.core.wire import TEXT_MAX_LENGTH, text_problem

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


MAX_QUERY_PARAMETERS = 50


async def send_envelope(send, status: int, message: str, *, close: bool = False) -> None:
    body = json.dumps({"StatusCode": status, "Message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def query_pairs(query: bytes) -> list[tuple[str, str]]:
    return parse_qsl(query.decode("latin-1"), keep_blank_values=True)


def query_problem(query: bytes | list[tuple[str, str]]) -> str | None:
    """The 400 message for a query string (or its parsed pairs) no endpoint may see, or None: at most
    MAX_QUERY_PARAMETERS parameters, each value at most TEXT_MAX_LENGTH characters, single-line, no control
    characters."""
    pairs = query_pairs(query) if isinstance(query, bytes) else query
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


def too_large_message(max_bytes: int) -> str:
    return f"Payload too large: the request body exceeds the limit of {max_bytes} bytes."


class BodyTooLarge(HTTPException):
    """Raised by the wrapped `receive` when a body grows past the cap."""

    def __init__(self, max_bytes: int):
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


async def send_too_large(send, max_bytes: int) -> None:
    await send_envelope(send, 413, too_large_message(max_bytes), close=True)


async def call_with_body_cap(app, scope, receive, send, max_bytes: int) -> None:
    """Run `app` with `receive` counting the body's bytes as they arrive: the first message that takes the total
    past `max_bytes` raises BodyTooLarge instead of reaching the app, and the answer is the 413 envelope with
    `Connection: close`, whatever the app made of the exception (its handler renders the 413)."""
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
            state["started"] = True
            if state["exceeded"]:
                # The rest of the body stays unread: the answer is the 413 envelope, and the connection closes.
                await send_too_large(send, max_bytes)
                return
        elif state["exceeded"]:
            return
        await send(message)

    try:
        await app(scope, limited_receive, guarded_send)
    except BodyTooLarge:
        if state["started"]:
            raise
        await send_too_large(send, max_bytes)
