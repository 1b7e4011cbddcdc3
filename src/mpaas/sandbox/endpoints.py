"""Sandbox-only endpoints (outside /v1.0): inject an inbound message as if a handset had sent it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mpaas.auth.dependencies import platform_of
from mpaas.core.errors import ApiError
from mpaas.messaging import service
from mpaas.messaging.schemas import InboundRequest

router = APIRouter(tags=["Sandbox"])


@router.post("/sandbox/v1/inbound", summary="Inject an inbound SMS (sandbox carrier only)")
async def inject_inbound(body: InboundRequest, request: Request) -> dict:
    platform = platform_of(request)
    if not platform.settings.sandbox_active:
        raise ApiError(404, "Not found: the sandbox endpoints exist only while the sandbox carrier is active.")
    async with platform.db.write() as session:
        message = await service.receive_inbound(session, body, platform.clock.now())
    platform.jobs.notify()
    return {"MessageId": message.id, "Status": message.status, "To": message.to_number, "From": message.from_number}
