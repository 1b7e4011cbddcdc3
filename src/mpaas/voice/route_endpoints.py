"""POST /sip/v1/route: Kamailio asks, once per initial INVITE, where the call goes (docs/voice.md).

Internal: the SIP shared secret (voice/auth.py) and no tenant token; not in the OpenAPI document. The answer is
always 200 for a decision (a route or a rejection); Kamailio answers 500 itself when mpaas is broken.

Served from the app's edge (core/http/lean.py `served_at_edge`): past Starlette's exception middleware, FastAPI's
exit stacks, the router and the request wrapper, with the same exception handlers answering its errors. Those
layers were about a tenth of mpaas's CPU under bench/voice.py at 1,000 calls/s (py-spy, 2026-12-04), where a
decision's own work is a few hundred microseconds.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from mpaas.core.db.group_commit import GroupCommit
from mpaas.core.http.lean import LeanRoute, lean_route, read_body, served_at_edge
from mpaas.dependencies import platform_of
from mpaas.roles.platform import Platform
from mpaas.voice import calls, url_routing
from mpaas.voice.auth import sip_secret
from mpaas.voice.compiled_routes import RoutingCache
from mpaas.voice.routing import decide_call
from mpaas.voice.routing_schemas import RouteRequest

router = APIRouter(include_in_schema=False)


def _cache(request: Request, platform: Platform) -> RoutingCache:
    """One cache per app (its platform's database); made on first use."""
    cache = getattr(request.app.state, "voice_routing_cache", None)
    if cache is None:
        cache = RoutingCache(platform.settings.egress_policy)
        request.app.state.voice_routing_cache = cache
    return cache


def _records(request: Request, platform: Platform) -> GroupCommit[dict[str, Any]]:
    """The app's group commit of usual decisions' call records (routing.decide_call); made on first use."""
    records = getattr(request.app.state, "voice_call_records", None)
    if records is None:
        records = GroupCommit(platform.db, calls.insert_records)
        request.app.state.voice_call_records = records
    return records


_MISSING = object()


def _json(raw: bytes) -> Any:
    """The body's JSON (`_MISSING` for none); not JSON is 400 here, before the secret is looked at, as FastAPI
    refuses it before it runs dependencies."""
    if not raw:
        return _MISSING
    try:
        return json.loads(raw)
    except ValueError as error:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", 0),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": str(error)},
                }
            ]
        ) from None


def _request(data: Any) -> RouteRequest:
    """The body validated as FastAPI validates a JSON body parameter, with the same errors (so the same 400
    envelope, core/http/server.py): missing, not an object, a field's error."""
    if data is _MISSING:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    try:
        return RouteRequest.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


@served_at_edge
async def serve_route(route: LeanRoute, request: Request) -> Response:
    """One decision per initial INVITE. Written without FastAPI's parameters and dependencies, which cost a
    decision about as much CPU as its SQL (bench/voice_route.py). In the order FastAPI ran them: the body's JSON, the
    shared secret, the body's validation, the VoiceUrl asked ahead (url_routing.ask_ahead), the decision
    (routing.decide_call), whose record is committed before the answer is sent."""
    platform = platform_of(request)
    data = _json(await read_body(request.scope, request.receive))
    await sip_secret(request, platform)
    body = _request(data)
    if await url_routing.url_routes_exist(platform.db):
        # Before the write transaction opens (url_routing.ask_ahead says why).
        await url_routing.ask_ahead(platform.db, platform.settings, body, platform.clock.now())
    answer, jobs = await decide_call(
        platform.db,
        _records(request, platform),
        _cache(request, platform),
        platform.settings,
        body,
        platform.clock.now(),
    )
    if jobs:
        platform.jobs.notify()
    # The answer is plain JSON already (strings, numbers, lists): encoded directly, not through FastAPI's
    # jsonable_encoder walk, which cost about a tenth of a decision's Python time.
    return Response(json.dumps(answer, separators=(",", ":")), media_type="application/json")


# The declaration of POST /sip/v1/route (no docstring: the route is not in the OpenAPI document anyway); requests
# are served by serve_route, from the app's edge.
async def route_call(request: Request) -> Response:
    raise NotImplementedError("served by voice.route_endpoints.serve_route")  # pragma: no cover


router.add_api_route(
    "/sip/v1/route", route_call, methods=["POST"], response_model=None, route_class_override=lean_route(serve_route)
)
