"""Messaging endpoints: send, details."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from mpaas.accounts.service import Principal
from mpaas.auth.dependencies import platform_of, principal
from mpaas.core.errors import missing, required
from mpaas.messaging import repository, service
from mpaas.messaging.schemas import OutboundRequest

router = APIRouter(tags=["Message"])


@router.post("/v1.0/message/outbound", summary="Send Outbound Message")
async def send_outbound(body: OutboundRequest, request: Request, who: Principal = Depends(principal)) -> dict:
    platform = platform_of(request)
    async with platform.db.write() as session:
        sent = await service.send_outbound(session, who, body, platform.clock.now(),
                                           platform.settings.message_cost_per_segment)
    platform.jobs.notify()
    return service.outbound_response(sent, body)


@router.get("/v1.0/message/details", summary="Message Details")
async def message_details(request: Request, who: Principal = Depends(principal),
                          message_id: str | None = Query(None, alias="MessageId")) -> dict:
    if not message_id:
        raise required("MessageId")
    async with platform_of(request).db.read() as session:
        message = await repository.get_message(session, message_id, who.account_ids)
    if message is None:
        raise missing("message", message_id)
    return service.details(message)
