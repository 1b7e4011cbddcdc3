"""POST /sip/v1/route: Kamailio asks, once per initial INVITE, where the call goes (docs/voice.md).

Internal: the SIP shared secret (voice/auth.py) and no tenant token; not in the OpenAPI document. The answer is
always 200 for a decision (a route or a rejection); Kamailio answers 500 itself when mpaas is broken.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from mpaas.dependencies import PlatformDep, WriteSession
from mpaas.voice.auth import SipSecret
from mpaas.voice.routing import RoutingCache, decide
from mpaas.voice.routing_schemas import RouteRequest
from mpaas.voice.url_ahead import UrlAskedAhead

router = APIRouter(dependencies=[SipSecret], include_in_schema=False)


def _cache(request: Request, platform: PlatformDep) -> RoutingCache:
    """One cache per app (its platform's database); made on first use."""
    cache = getattr(request.app.state, "voice_routing_cache", None)
    if cache is None:
        cache = RoutingCache(platform.settings.egress_policy)
        request.app.state.voice_routing_cache = cache
    return cache


@router.post("/sip/v1/route", response_model=None)
async def route_call(
    body: RouteRequest, request: Request, platform: PlatformDep, _asked: UrlAskedAhead, session: WriteSession
) -> Response:
    answer = await decide(session, _cache(request, platform), platform.settings, body, platform.clock.now())
    # The answer is plain JSON already (strings, numbers, lists): encoded directly, not through FastAPI's
    # jsonable_encoder walk, which cost about a tenth of a decision's Python time.
    return Response(json.dumps(answer, separators=(",", ":")), media_type="application/json")
