"""Messaging endpoints: send, details, search, filter, device delivery."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from mpaas.auth.dependencies import Caller
from mpaas.core.errors import required
from mpaas.dependencies import Now, ReadSession, WriteSession, platform_of
from mpaas.messaging import queries, service
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


# response_model=SendOut on the hot path: the model costs less than the 5%. FastAPI's validation and
# serialisation of the answer took 1.9-2.0% / 2.7% / 4.1-4.4% of the request's CPU with SendOut, against 0.9% /
# 1.0% / 1.3% with today's plain dict, for 1 / 20 / 100 recipients (in process without workers, serialize_response
# timed against the whole request, medians of 8 alternating rounds). A hand-built answer would save at most those
# 1-3 points; response_model=None would cost more than the model (jsonable_encoder takes 47 us / 265 us / 1.3 ms for
# an answer SendOut validates and serialises in 5 / 33-39 / 168-187 us).
@router.post("/v1.0/message/outbound", summary="Send Outbound Message", response_model=SendOut)
async def send_outbound(body: OutboundRequest, who: Caller, request: Request) -> dict[str, Any]:
    # The send is checked and its rows built first, outside any write transaction, from one read of its number
    # on the driver (service.prepare_send); then it joins the group commit (service.outbound_writer): the sends
    # in flight together are written in one transaction, and each is answered only once that has committed
    # (the workers are woken then). A send refused by its billing check is refused alone. The platform and the
    # time are taken here rather than as PlatformDep and Now: each dependency FastAPI solves costs more than the
    # lookup (the caller stays a dependency, so an unauthenticated request is refused before its body is validated).
    platform = platform_of(request)
    now = platform.clock.now()
    prepared = await service.prepare_send(
        platform.db, who, body, now, service.SendPolicy.from_settings(platform.settings)
    )
    sent = await service.outbound_writer(platform).submit(prepared)
    return service.outbound_response(sent, body)


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
