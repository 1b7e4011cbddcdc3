"""The route table (core/http/dispatch.py, issue 20) selects what FastAPI's own scan of the routers selects, for
every route, method and spelling, and leaves the scan out of a request it serves."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.routing import APIRoute, _IncludedRouter
from starlette.routing import Mount, Route

from mpaas.app import create_app
from mpaas.core.http import dispatch

pytestmark = pytest.mark.no_workers

METHODS = ("GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "PROPFIND")
UNKNOWN = [
    "/",
    "//",
    "/nope",
    "/v1.0",
    "/v1.0/",
    "/v1.0/nope",
    "/V1.0/OAuth2/tokens",  # case-insensitivity is the edge's; the router itself matches exactly
    "/healthz/",
    "/healthz/x",
    "/console/",
    "/console",
    "/console/numbers/",
    "/console/numbers/a/b",
    "/console/static/",
    "/docs-assets",
    "/docs-assets/",
    "/docs-assets/swagger-ui-bundle.js",
    "/qr/a/b.png",
    "/qr/a/b.jpg",
    "/qr/a/",
    "/openapi.json/",
    "/sip/v1/route/",
    "/sip/v1/events",
    "/ops/v1/usage/",
    "/%2e%2e/etc/passwd",
    "/console/messages/TMID-1/live/",
]


class Selected(Exception):
    """Raised by the recording handlers: the route was chosen, its endpoint is not run."""


def _fill(template: str) -> list[str]:
    """Concrete paths for a route template: each parameter as a plain value, an E.164 number, a dotted name."""
    return [re.sub(r"\{[^}]+\}", value, template) for value in ("abc", "+18015550100", "x.y")]


def _paths(app) -> list[str]:
    from mpaas.core.http.server import iter_routes

    paths: set[str] = set(UNKNOWN)
    for path, _route in iter_routes(app.routes):
        for concrete in _fill(path):
            paths.update({concrete, concrete + "/", concrete.rstrip("/") or "/", concrete.upper()})
    return sorted(paths)


def _scope(path: str, method: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "app": object(),  # inside an app, as under FastAPI: 404 and 405 are raised, not sent
    }


def _outcome(scope: dict, sent: list, raised: BaseException | None) -> dict:
    fastapi_scope = {k: v for k, v in scope.get("fastapi", {}).items()}
    return {
        "raised": (type(raised).__name__, getattr(raised, "status_code", None), getattr(raised, "headers", None))
        if not isinstance(raised, Selected)
        else ("selected", *raised.args),
        "sent": sent,
        "route": scope.get("route"),
        "endpoint": scope.get("endpoint"),
        "path_params": scope.get("path_params"),
        "router": scope.get("router"),
        "root_path": scope.get("root_path"),
        "fastapi": fastapi_scope,
    }


@pytest.fixture
def recording(monkeypatch):
    """APIRoute, Route and Mount handles that record the route they were called on, after running the method
    check FastAPI's handles run (so 405s are compared too), instead of the endpoint."""
    original_api, original_route = APIRoute.handle, Route.handle

    async def api_handle(self, scope, receive, send):
        async def stop(*_args):
            raise Selected(id(self))

        monkeypatch.setattr(self, "app", stop, raising=False)
        context = scope.get("fastapi", {}).get("effective_route_context")
        if context is not None and context.original_route is self:
            monkeypatch.setattr(context, "app", stop)
        await original_api(self, scope, receive, send)

    async def route_handle(self, scope, receive, send):
        async def stop(*_args):
            raise Selected(id(self))

        monkeypatch.setattr(self, "app", stop, raising=False)
        await original_route(self, scope, receive, send)

    async def mount_handle(self, scope, receive, send):
        raise Selected(id(self))

    monkeypatch.setattr(APIRoute, "handle", api_handle)
    monkeypatch.setattr(Route, "handle", route_handle)
    monkeypatch.setattr(Mount, "handle", mount_handle)


async def _run(target, path: str, method: str) -> dict:
    scope = _scope(path, method)
    sent: list = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    raised = None
    try:
        await target(scope, receive, send)
    except Exception as exc:
        raised = exc
    return _outcome(scope, sent, raised)


@pytest.fixture
def app(settings):
    return create_app(settings, run_workers=False)


def test_the_table_serves_the_app_router(app):
    table = app.router.middleware_stack
    assert isinstance(table, dispatch.RouteTable)
    assert table.table() is not None and table.enabled  # FastAPI's internals as the table expects them
    assert len(table.table().leaves) > 200


async def test_every_route_method_and_spelling_selects_what_fastapi_selects(app, recording):
    table = app.router.middleware_stack
    paths = _paths(app)
    assert len(paths) > 600
    compared = 0
    for path, method in itertools.product(paths, METHODS):
        ours = await _run(table, path, method)
        fastapi = await _run(table.fallback, path, method)
        # FastAPI's scan leaves an empty bookkeeping dict behind in the scope where the table adds none.
        assert ours == fastapi or (
            ours["fastapi"] == {} and {**ours, "fastapi": None} == {**fastapi, "fastapi": None}
        ), (
            method,
            path,
        )
        compared += 1
    assert compared == len(paths) * len(METHODS)


async def test_a_request_is_served_without_scanning_the_routers(app, monkeypatch):
    import httpx2

    def scan(*_args, **_kwargs):
        raise AssertionError("FastAPI's router scan ran")

    monkeypatch.setattr(_IncludedRouter, "matches", scan)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/healthz")).json() == {"Status": "ok"}
        assert (await client.get("/HEALTHZ/")).status_code == 200
        assert (await client.head("/healthz")).status_code == 405
        unauthorized = await client.get("/v1.0/message/routes")
        assert unauthorized.status_code == 401 and unauthorized.json()["StatusCode"] == 401
        missing = await client.get("/v1.0/nope")
        assert missing.status_code == 404 and missing.json()["StatusCode"] == 404
        wrong = await client.get("/v1.0/OAuth2/tokens")
        assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
        assert (await client.get("/console/static/nope.css")).status_code == 404


async def test_a_route_added_to_the_app_later_is_served(app):
    import httpx2

    table = app.router.middleware_stack
    assert table.table() is not None

    @app.get("/added-later", include_in_schema=False)
    async def added() -> dict:
        return {"added": True}

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/added-later")).json() == {"added": True}


async def test_without_fastapis_internals_fastapis_router_serves(app, monkeypatch):
    import httpx2

    table = app.router.middleware_stack
    monkeypatch.setattr(table, "enabled", False)
    monkeypatch.setattr(table, "_table", None)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/healthz")).json() == {"Status": "ok"}
        assert (await client.get("/v1.0/nope")).status_code == 404


def _tricky_app():
    """Routes whose order decides: a parameter shadowing a static path, the same path in two routers with other
    methods, nested prefixes, a parameter as first segment, a mount, a route of the app after the routers."""
    from fastapi import APIRouter, FastAPI
    from starlette.staticfiles import StaticFiles

    app = FastAPI()

    async def endpoint() -> dict:
        return {}

    first = APIRouter(prefix="/a")
    first.add_api_route("/{x}", endpoint, methods=["GET"], name="a-param")
    first.add_api_route("/fixed", endpoint, methods=["POST"], name="a-fixed-post")
    first.add_api_route("/fixed/{y}", endpoint, methods=["GET"], name="a-fixed-param")
    second = APIRouter()
    second.add_api_route("/a/fixed", endpoint, methods=["GET", "PUT"], name="b-fixed")
    second.add_api_route("/p/{id}", endpoint, methods=["POST"], name="b-p-post")
    second.add_api_route("/p/{id}/q", endpoint, methods=["GET"], name="b-p-q")
    inner = APIRouter(prefix="/in")
    inner.add_api_route("/{z}", endpoint, methods=["DELETE"], name="inner-param")
    inner.add_api_route("/static", endpoint, methods=["GET"], name="inner-static")
    outer = APIRouter(prefix="/out")
    outer.include_router(inner)
    outer.add_api_route("/in/static", endpoint, methods=["POST"], name="outer-static")
    third = APIRouter()
    third.add_api_route("/p/{id}", endpoint, methods=["GET"], name="c-p-get")
    third.add_api_route("/p/{id:int}", endpoint, methods=["PATCH"], name="c-p-int")
    third.add_api_route("/{any}/z", endpoint, methods=["GET"], name="wild")
    third.add_api_route("/out/{w}/static", endpoint, methods=["OPTIONS"], name="c-wild-static")
    for router in (first, second, outer, third):
        app.include_router(router)
    app.mount("/files", StaticFiles(directory="."), name="files")
    app.add_api_route("/a/fixed", endpoint, methods=["DELETE"], name="app-fixed")
    app.add_api_route("/late/{v}", endpoint, methods=["GET"], name="app-late")
    return app


async def test_route_order_is_fastapis_in_a_tricky_app(recording):
    app = _tricky_app()
    table = dispatch.install(app)
    assert table.table() is not None
    paths = [
        "/a/x", "/a/fixed", "/a/fixed/", "/a/fixed/1", "/a/", "/a", "/p/1", "/p/abc", "/p/1/q", "/p/1/", "/p/",
        "/out/in/static", "/out/in/other", "/out/in/static/", "/out/in", "/out/x/static", "/y/z", "/a/z", "/p/z",
        "/files", "/files/", "/files/x", "/files/z", "/late/1", "/late/z", "/late/", "/late", "/z", "/", "/out/in/1",
    ]  # fmt: skip
    for path, method in itertools.product(paths, METHODS):
        ours = await _run(table, path, method)
        fastapi = await _run(table.fallback, path, method)
        assert ours == fastapi or (
            ours["fastapi"] == {} and {**ours, "fastapi": None} == {**fastapi, "fastapi": None}
        ), (
            method,
            path,
        )
