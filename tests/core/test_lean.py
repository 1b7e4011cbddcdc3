"""Lean routes (core/http/lean.py) served from the app's edge (`served_at_edge`, EdgeEndpoint): every answer, errors
included, is the one the same lean function gives behind FastAPI's exception middleware, router and request
wrapper, and a request the edge serves does not reach the router. The send route's own answers are pinned in
tests/messaging/test_send_route.py."""

from __future__ import annotations

import httpx2
import pytest
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from mpaas.app import create_app
from mpaas.core.errors import ApiError
from mpaas.core.http import dispatch
from mpaas.core.http.lean import lean_route, parse_json_body, read_body, served_at_edge, validated_body
from mpaas.core.http.server import HttpEdge, install_error_handlers


class Body(BaseModel):
    name: str


async def _answer(route, request: Request) -> Response:
    """Raises what the X-Raise header names, else echoes the validated body."""
    kind = request.headers.get("x-raise", "")
    if kind == "api":
        raise ApiError(409, "Conflict: already there.", headers={"X-Why": "test"})
    if kind == "http":
        raise HTTPException(400, "bad")
    if kind == "starlette":
        raise StarletteHTTPException(418)
    if kind == "unexpected":
        raise RuntimeError("a bug")
    data = parse_json_body(await read_body(request.scope, request.receive), request.headers.get("content-type"))
    body = validated_body(route, data)
    return JSONResponse({"Name": body.name, "Route": request.scope["route"] is route})


async def plain(route, request):
    return await _answer(route, request)


@served_at_edge
async def at_edge(route, request):
    return await _answer(route, request)


def _app(fn) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    async def declared(body: Body) -> dict:
        raise NotImplementedError  # pragma: no cover

    app.router.add_api_route("/v1.0/Things/add", declared, methods=["POST"], route_class_override=lean_route(fn))
    app.add_middleware(HttpEdge, fastapi_app=app)
    dispatch.install(app)
    return app


REQUESTS = [
    ("POST", "/v1.0/Things/add", {}, b'{"name": "x"}'),
    ("POST", "/V1.0/things/ADD/", {}, b'{"name": "x"}'),
    ("POST", "/v1.0/Things/add", {}, b'{"name": 5}'),
    ("POST", "/v1.0/Things/add", {}, b"{nope"),
    ("POST", "/v1.0/Things/add", {}, b""),
    ("POST", "/v1.0/Things/add", {"content-type": "text/plain"}, b'{"name": "x"}'),
    ("POST", "/v1.0/Things/add", {"content-type": "text/json"}, b'{"name": "x"}'),
    ("POST", "/v1.0/Things/add", {"x-raise": "api"}, b""),
    ("POST", "/v1.0/Things/add", {"x-raise": "http"}, b""),
    ("POST", "/v1.0/Things/add", {"x-raise": "starlette"}, b""),
    ("POST", "/v1.0/Things/add", {"x-raise": "unexpected"}, b""),
    ("GET", "/v1.0/Things/add", {}, b""),
    ("PUT", "/v1.0/things/add", {}, b""),
]


async def _ask(app, method, path, headers, content) -> tuple:
    transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
        headers = {"content-type": "application/json", **headers}
        response = await client.request(method, path, headers=headers, content=content)
    body = response.json()
    if response.status_code == 500:  # the envelope names a request id of its own
        body["Message"] = body["Message"].split("request id")[0]
    return response.status_code, sorted(response.headers.items()), body


@pytest.mark.parametrize("method,path,headers,content", REQUESTS)
async def test_the_edge_answers_as_fastapi_does(method, path, headers, content):
    assert await _ask(_app(at_edge), method, path, headers, content) == await _ask(
        _app(plain), method, path, headers, content
    )


async def test_the_router_is_not_reached(monkeypatch):
    app = _app(at_edge)

    async def router(*_args):
        raise AssertionError("the router ran")

    monkeypatch.setattr(dispatch.RouteTable, "__call__", router)
    assert (await _ask(app, "POST", "/v1.0/things/add", {}, b'{"name": "x"}'))[2] == {"Name": "x", "Route": True}
    assert (await _ask(app, "POST", "/v1.0/Things/add", {"x-raise": "api"}, b""))[0] == 409


def test_only_marked_functions_are_served_at_the_edge():
    assert lean_route(at_edge).at_edge is True
    assert lean_route(plain).at_edge is False


async def test_the_send_is_served_at_the_edge(settings, monkeypatch):
    app = create_app(settings, run_workers=False)

    async def router(*_args):
        raise AssertionError("the router ran")

    async with app.router.lifespan_context(app):
        await _ask(app, "GET", "/healthz", {}, b"")  # the edge's maps are built on its first request
        monkeypatch.setattr(dispatch.RouteTable, "__call__", router)
        for path in ("/v1.0/message/outbound", "/V1.0/Message/OUTBOUND/"):
            status, _, body = await _ask(app, "POST", path, {}, b'{"From": "+18015550100"}')
            assert (status, body) == (401, {"StatusCode": 401, "Message": body["Message"]})
