"""Messaging endpoints: send, details, search, filter, device delivery."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.core.http.lean import lean_route
from mpaas.dependencies import Now, ReadSession, WriteSession
from mpaas.messaging import queries, send_route
from mpaas.messaging.schemas import (
    DeviceDelivery,
    DeviceDeliveryRequest,
    MessageDetails,
    MessageFilter,
    MessageSearch,
    OutboundRequest,
    SendOut,
)
from mpaas.webhooks.schemas import MessageWebhookAttempts

router = APIRouter(tags=["Message"])


# The declaration of `POST /v1.0/message/outbound` (its body, caller and answer: the OpenAPI document is made from
# it, so no docstring, which would become the operation's description). Requests are served by send_route.serve_send,
# which does what FastAPI did around the handler this was, without FastAPI's dependency solving (core/http/lean.py).
async def send_outbound(body: OutboundRequest, who: Caller, request: Request) -> dict[str, Any]:
    raise NotImplementedError("served by messaging.send_route.serve_send")  # pragma: no cover


router.add_api_route(
    "/v1.0/message/outbound",
    send_outbound,
    methods=["POST"],
    summary="Send Outbound Message",
    response_model=SendOut,
    route_class_override=lean_route(send_route.serve_send),
)


@router.get("/v1.0/message/details", summary="Message Details", response_model=MessageDetails)
async def message_details(
    who: Caller, session: ReadSession, message_id: str | None = Query(None, alias="MessageId")
) -> dict[str, Any]:
    if not message_id:
        raise required("MessageId")
    return await queries.message_details(session, who, message_id)


@router.get("/v1.0/message/search", summary="Message Search", response_model=MessageSearch)
async def message_search(
    who: Caller,
    session: ReadSession,
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    page: int | None = Query(None, alias="Page"),
    results: int | None = Query(None, alias="Results"),
    start_date: str | None = Query(None, alias="StartDate"),
    end_date: str | None = Query(None, alias="EndDate"),
    direction: str | None = Query(None, alias="Direction"),
    message_type: str | None = Query(None, alias="MessageType"),
) -> dict[str, Any]:
    return await queries.search(
        session,
        who,
        phone_number=phone_number,
        page=page,
        results=results,
        start_date=start_date,
        end_date=end_date,
        direction=direction,
        message_type=message_type,
    )


@router.get("/v1.0/message/filter", summary="Filter Messages", response_model=MessageFilter)
async def message_filter(
    who: Caller,
    session: ReadSession,
    phone_number: str | None = Query(None, alias="PhoneNumber"),
    page: int | None = Query(None, alias="Page"),
    results: int | None = Query(None, alias="Results"),
) -> dict[str, Any]:
    return await queries.filter_messages(session, who, phone_number=phone_number, page=page, results=results)


@router.post("/v1.0/message/device-delivery", summary="Report Device Delivery", response_model=DeviceDelivery)
async def device_delivery(body: DeviceDeliveryRequest, who: Caller, session: WriteSession, now: Now) -> dict[str, Any]:
    return await queries.report_device_delivery(session, who, body.message_id, now)


@router.get(
    "/ext/v1/messages/webhook-attempts",
    tags=["Extensions"],
    summary="Webhook delivery attempts of a message (mpaas extension)",
    response_model=MessageWebhookAttempts,
)
async def message_webhook_attempts(
    who: Caller, session: ReadSession, message_id: str | None = Query(None, alias="MessageId")
) -> dict[str, Any]:
    if not message_id:
        raise required("MessageId")
    return await queries.webhook_attempts(session, who, message_id)
