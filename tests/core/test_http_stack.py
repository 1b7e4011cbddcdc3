"""The app's ASGI stack without FastAPI's idle layers (core/http/stack.py, issue 20): left out only where they
do nothing, and the app answers as before without them."""

from __future__ import annotations

import httpx2
from fastapi._body_limit import AppBodyLimitMiddleware
from fastapi.telemetry._asgi import ExceptionTelemetryMiddleware

from mpaas.app import create_app
from mpaas.core.http.server import HttpEdge, install_error_handlers
from mpaas.core.http.stack import LeanFastAPI, unlink

TELEMETRY_OFF = {"tracing": False, "metrics": False, "logs": False}


def layers(app) -> list[type]:
    """The types down the stack's `.app` links, the router's included."""
    node, kinds = app.middleware_stack, []
    while node is not None:
        kinds.append(type(node))
        node = getattr(node, "app", None)
    return kinds


async def _get(app, path: str, **kwargs):
    transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request("GET" if not kwargs else "POST", path, **kwargs)


async def test_the_platforms_stack_has_neither_idle_layer_and_still_answers(platform):
    app = create_app(platform.settings, platform, run_workers=False)
    async with app.router.lifespan_context(app):
        assert (await _get(app, "/healthz")).json() == {"Status": "ok"}
        missing = await _get(app, "/v1.0/nothing-here")
    kinds = layers(app)
    assert ExceptionTelemetryMiddleware not in kinds and AppBodyLimitMiddleware not in kinds
    assert HttpEdge in kinds and app.straight
    assert missing.status_code == 404 and missing.json()["StatusCode"] == 404


async def test_with_opentelemetry_on_fastapis_telemetry_layer_stays(platform):
    platform.settings.opentelemetry = True
    app = create_app(platform.settings, platform, run_workers=False)
    async with app.router.lifespan_context(app):
        assert (await _get(app, "/healthz")).status_code == 200
    assert ExceptionTelemetryMiddleware in layers(app) and not app.straight


async def test_an_app_wide_body_size_keeps_fastapis_limit_and_it_still_refuses():
    app = LeanFastAPI(telemetry=TELEMETRY_OFF, max_body_size=10)
    install_error_handlers(app)

    @app.post("/echo")
    async def echo(body: dict):
        return body

    assert (await _get(app, "/echo", json={"a": 1})).status_code == 200
    assert (await _get(app, "/echo", json={"a": "x" * 50})).status_code == 413
    assert AppBodyLimitMiddleware in layers(app) and ExceptionTelemetryMiddleware not in layers(app)


async def test_an_unexpected_error_is_still_the_500_envelope_without_the_layers():
    app = LeanFastAPI(telemetry=TELEMETRY_OFF)
    install_error_handlers(app)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("kaput")

    response = await _get(app, "/boom")
    assert response.status_code == 500 and response.json()["StatusCode"] == 500
    assert app.straight and ExceptionTelemetryMiddleware not in layers(app)


def test_unlink_takes_out_every_layer_of_a_kind_below_the_top():
    class Layer:
        def __init__(self, app=None):
            self.app = app

    class Idle(Layer):
        pass

    bottom = Layer()
    top = Idle(Idle(Layer(Idle(bottom))))
    unlink(top, (Idle,))
    assert isinstance(top, Idle) and type(top.app) is Layer and top.app.app is bottom
