"""POST /sip/v1/route: Kamailio asks, once per initial INVITE, where the call goes (docs/voice.md).

Internal: the SIP shared secret (voice/auth.py) and no tenant token; not in the OpenAPI document. The answer is
always 200 for a decision (a route or a rejection); Kamailio answers 500 itself when mpaas is broken.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from mpaas.dependencies import PlatformDep, WriteSession
from mpaas.voice.auth import SipSecret
from mpaas.voice.routing import RoutingCache, decide
from mpaas.voice.routing_schemas import RouteRequest

router = APIRouter(dependencies=[SipSecret], include_in_schema=False)


def _cache(request: Request, platform: PlatformDep) -> RoutingCache:
    """One cache per app (its platform's database); made on first use."""
    cache = getattr(request.app.state, "voice_routing_cache", None)
    if cache is None:
        cache = RoutingCache(platform.settings.egress_policy)
        request.app.state.voice_routing_cache = cache
    return cache


@router.post("/sip/v1/route", response_model=None)
async def route_call(body: RouteRequest, request: Request, platform: PlatformDep, session: WriteSession) -> Any:
    return await decide(session, _cache(request, platform), platform.settings, body, platform.clock.now())
