"""The app's ASGI stack without the layers that do nothing in its configuration (issue 20).

FastAPI (>= 0.165) puts two layers of its own above the app's middleware on every request, and checks on every
request whether its native telemetry is on:

- `ExceptionTelemetryMiddleware` records an exception on the request's telemetry record, which exists only
  while telemetry is on (`fastapi.telemetry._asgi._exception` does nothing without it);
- `AppBodyLimitMiddleware` enforces the app's `max_body_size`, or, when that is None, a limit a parent app set
  in the scope. mpaas sets no app-wide `max_body_size` (its own cap is in `HttpEdge`, core/http/server.py) and
  is never mounted under another app, so the layer only passes the request on.

Each costs a coroutine frame per request; on `GET /healthz` FastAPI's and Starlette's entry plus these two were
about a tenth of the server's CPU. `LeanFastAPI` leaves them out where they provably do nothing: telemetry off in
its configuration (every signal false, so no provider configured later can switch it on) and no app-wide
`max_body_size`. Otherwise, and for every non-HTTP scope, it is FastAPI unchanged."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

try:  # FastAPI's layers as of 0.165; another version keeps its own stack untouched
    from fastapi._body_limit import AppBodyLimitMiddleware
    from fastapi.telemetry._asgi import ExceptionTelemetryMiddleware
except ImportError:  # pragma: no cover - another FastAPI version
    AppBodyLimitMiddleware = ExceptionTelemetryMiddleware = None  # type: ignore[assignment,misc]

TELEMETRY_SIGNALS = ("tracing", "metrics", "logs")


class LeanFastAPI(FastAPI):
    """FastAPI whose stack skips its telemetry and app body-limit layers when they are idle (module docstring),
    and whose HTTP requests go straight to that stack when telemetry is off."""

    straight = False  # HTTP requests go straight to the stack: set once it is built, with telemetry off

    def telemetry_off(self) -> bool:
        config: Any = getattr(self, "_telemetry", None)
        return isinstance(config, dict) and not any(config.get(signal) for signal in TELEMETRY_SIGNALS)

    def build_middleware_stack(self):
        stack = super().build_middleware_stack()
        if ExceptionTelemetryMiddleware is None:  # pragma: no cover - another FastAPI version
            return stack
        off = self.telemetry_off()
        idle: tuple[type, ...] = ()
        if off:
            idle += (ExceptionTelemetryMiddleware,)
        if self.max_body_size is None:
            idle += (AppBodyLimitMiddleware,)
        if idle:
            unlink(stack, idle)
        self.straight = off
        return stack

    async def __call__(self, scope, receive, send) -> None:
        # What FastAPI's and Starlette's __call__ do for an HTTP request with telemetry off and no root path.
        if self.straight and scope["type"] == "http" and not self.root_path:
            scope["app"] = self
            await self.middleware_stack(scope, receive, send)  # type: ignore[misc]
            return
        await super().__call__(scope, receive, send)


def unlink(stack: Any, kinds: tuple[type, ...]) -> None:
    """Take every layer of a type in `kinds` out of the chain of `.app` links below `stack` (never `stack`)."""
    node: Any = stack
    inner: Any
    while (inner := getattr(node, "app", None)) is not None:
        if issubclass(type(inner), kinds):
            node.app = inner.app
        else:
            node = inner
