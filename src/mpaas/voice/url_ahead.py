"""POST /sip/v1/route's first step for URL routes: ask the VoiceUrl before the decision's write transaction opens
(voice/url_routing.ask_ahead says why). A dependency, declared before the endpoint's WriteSession so that it runs
first (FastAPI solves an endpoint's dependencies in the order of its parameters)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, Request
from pydantic import ValidationError

from mpaas.dependencies import PlatformDep
from mpaas.voice import url_routing
from mpaas.voice.routing_schemas import RouteRequest


async def _ask_ahead(request: Request, platform: PlatformDep) -> None:
    if not await url_routing.url_routes_exist(platform.db):
        return  # most deployments: not even the body is read again
    try:
        body = RouteRequest.model_validate(json.loads(await request.body()))
    except (ValueError, ValidationError):
        return  # the endpoint refuses it (400): nothing to ask
    await url_routing.ask_ahead(platform.db, platform.settings, body, platform.clock.now())


UrlAskedAhead = Annotated[None, Depends(_ask_ahead)]
