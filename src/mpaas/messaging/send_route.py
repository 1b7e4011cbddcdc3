"""POST /v1.0/message/outbound served without FastAPI's dependency solving (core/http/lean.py; issue 20).

The route is declared in messaging/endpoints.py (body OutboundRequest, Caller, answer SendOut: the OpenAPI document
is FastAPI's). `serve_send` does, in FastAPI's order and with its errors, what FastAPI did around the handler:

1. the body read as JSON (not JSON: 400 before authentication, as FastAPI reads the body before the dependencies);
2. `Caller`'s checks (auth/dependencies.py `authenticate`: the token, its endpoint scope, the credential's rate
   limit, the distributor and its accounts read on every request): 401, 403, 429;
3. the body validated against OutboundRequest (a missing, blank or invalid field: the same 400 envelopes);
4. the send: checked and laid out from one read of its number (service.prepare_send: an unknown number or another
   tenant's is "Phone number does not belong to account"), then written by the group commit, and answered only
   once its transaction has committed (service.outbound_writer): a 200 means durable;
5. the answer serialised as SendOut serialises it (lean.shaped_response: outbound_response's dict is SendOut's wire
   form, pinned by tests/messaging/test_send_route.py), the rate-limit headers after FastAPI's own.

For a one-recipient send, FastAPI's dependency solving and its handling of the body and the answer were about 40% of
the send's CPU (py-spy under wrk, bench/send_path.py). The route is served from the app's edge (`served_at_edge`:
core/http/lean.py EdgeEndpoint), past the layers between the edge and a route's handler, and the body is read from
the ASGI `receive` (lean.read_body), not through a Request's stream.
"""

from __future__ import annotations

from fastapi import Request, Response

from mpaas.auth.dependencies import authenticate
from mpaas.core.http.lean import (
    LeanRoute,
    header,
    parse_json_body,
    read_body,
    served_at_edge,
    shaped_response,
    validated_body,
)
from mpaas.dependencies import platform_of
from mpaas.messaging import service
from mpaas.roles.platform import Platform


def _policy(platform: Platform) -> service.SendPolicy:
    """SendPolicy.from_settings, made again only when a setting it reads has changed (tests change them)."""
    settings = platform.settings
    key = (
        settings.message_cost_per_segment,
        settings.mms_max_item_bytes,
        settings.mms_max_send_bytes,
        settings.smpp_url,
        settings.carriers_file,
    )
    cached = platform.__dict__.get(_POLICY)
    if cached is None or cached[0] != key:
        cached = platform.__dict__[_POLICY] = (key, service.SendPolicy.from_settings(settings))
    return cached[1]


_POLICY = "_mpaas_send_policy"


@served_at_edge
async def serve_send(route: LeanRoute, request: Request) -> Response:
    scope = request.scope
    platform = platform_of(request)
    data = parse_json_body(await read_body(scope, request.receive), header(scope, b"content-type"))
    # The token's scope is checked against the path the route matched: the canonical one (core/http/server.py's
    # edge rewrites any casing to it), which is what request.url.path gives here.
    who, rate_headers = await authenticate(platform, header(scope, b"authorization") or "", scope["path"])
    body = validated_body(route, data)
    now = platform.clock.now()
    prepared = await service.prepare_send(platform.db, who, body, now, _policy(platform))
    sent = await service.outbound_writer(platform).submit(prepared)
    return shaped_response(service.outbound_response(sent, body), rate_headers)
